//! Whole-database export/import.
