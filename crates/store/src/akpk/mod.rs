//! AKPK (issue: Competencies and needs analysis): assessments, SKP ratings, priority
//! competencies, needs, and the analysis that turns them into gaps, JPM and ranked needs.
//! Every function takes the tenant.

pub mod analysis;
pub mod assessments;
pub mod imports;
pub mod needs;
pub mod performance;
pub mod priorities;
