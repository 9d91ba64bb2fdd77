//! SeaORM entities: one per table of migration/*.sql. Relations are expressed as explicit
//! tenant-scoped joins in the repositories rather than derived relations, so a join can never
//! forget the tenant column.

pub mod agreement;
pub mod api_token;
pub mod app_user;
pub mod assessment;
pub mod audit_log;
pub mod competency;
pub mod competency_level;
pub mod data_revision;
pub mod employee;
pub mod import_job;
pub mod job;
pub mod login_attempt;
pub mod need;
pub mod partner;
pub mod performance_rating;
pub mod plan;
pub mod plan_event;
pub mod plan_item;
pub mod plan_left_out;
pub mod plan_seat;
pub mod position;
pub mod position_standard;
pub mod priority_competency;
pub mod program;
pub mod program_competency;
pub mod recovery_code;
pub mod tenant;
pub mod unit;
pub mod user_role;
pub mod user_totp;
pub mod web_session;
