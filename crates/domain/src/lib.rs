//! Cakap's pure domain: types and rules with no I/O.

pub mod access;
pub mod akpk;
pub mod audit;
pub mod codes;
pub mod competency;
pub mod csv_safety;
pub mod document;
pub mod employee;
pub mod format;
pub mod golongan;
pub mod job;
pub mod learning;
pub mod national;
pub mod nip;
pub mod org;
pub mod password;
pub mod plan;
pub mod rollup;
pub mod second_factor;
pub mod text;
pub mod throttle;
pub mod zone;

pub use access::{Permission, ReadScope, Role, Roles, TokenScope};
pub use employee::FieldError;
pub use nip::{Nip, NipError, NipFacts};
pub use org::{EmployeeStatus, Gender, Jenjang, PositionKind, TenantKind, UnitKind};
pub use zone::Zone;
