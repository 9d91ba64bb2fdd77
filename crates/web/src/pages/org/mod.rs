//! Organisation pages: units, positions, employees (and their import) and users.

pub mod employees;
pub mod imports;
pub mod positions;
pub mod units;
pub mod users;
