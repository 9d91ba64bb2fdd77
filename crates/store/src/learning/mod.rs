//! Delivery and the learning record (issue "Classes, enrollment, attendance, certificates…"). So
//! far the JP ledger that the annual plan's "below 20 JP" rule reads.

pub(crate) mod ledger;
