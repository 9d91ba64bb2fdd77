//! Competencies: the national dictionary (reference data) now; tenant teknis competencies,
//! standards and assessments follow (issue: Competencies and needs analysis).

pub mod national;
