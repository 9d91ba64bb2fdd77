//! Catalogue (partners, agreements, programs) and the annual plan: the pages of the area
//! `plan`, as in `store::plan`.

pub mod catalogue;
pub mod plans;
