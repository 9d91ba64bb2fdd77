//! Delivery and the learning record (issue "Classes, enrollment, attendance, certificates…"):
//! so far the JP ledger's rules, which the annual plan already reads.

pub mod jp;
