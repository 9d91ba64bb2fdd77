//! Delivery and the learning record (issue "Classes, enrollment, attendance, certificates…"):
//! the JP ledger's rules, the waitlist's order, clashes between sessions, attendance and
//! completion, the certificate's payload and signature. Pure rules with hand-worked tests; the
//! store applies them.

pub mod attendance;
pub mod badge;
pub mod certificate;
pub mod clash;
pub mod compliance;
pub mod enrollment;
pub mod jp;
pub mod notice;
pub mod placement;
pub mod record;
pub mod seats;
pub mod waitlist;
