//! Bulk import of employees from CSV and XLSX: validate every row, report every error with row
//! and column in Bahasa Indonesia, write nothing unless all rows pass, in one transaction (so a
//! crash mid-write leaves no row behind). Re-importing updates by NIP, never duplicates.

pub mod employees;
pub mod sink;
pub mod table;

pub use employees::{EmployeeImport, ImportMode, ImportSummary};
pub use table::{Limits, RowError, Table, read_table, read_table_blocking};
