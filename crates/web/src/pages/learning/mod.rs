//! Delivery and the learning record: classes, attendance, certificates, one's own learning.

pub mod certificates;
pub mod classes;
pub mod compliance;
pub mod mine;
pub mod placements;
pub mod records;
pub mod sessions;
