//! SeaORM entities: one per table of migration/*.sql. Relations are expressed as explicit
//! tenant-scoped joins in the repositories rather than derived relations, so a join can never
//! forget the tenant column.

pub mod agreement;
pub mod agreement_document;
pub mod analysis_change;
pub mod api_token;
pub mod app_user;
pub mod assessment;
pub mod assessment_period;
pub mod attendance;
pub mod audit_log;
pub mod certificate;
pub mod competency;
pub mod competency_level;
pub mod data_revision;
pub mod employee;
pub mod enrollment;
pub mod import_job;
pub mod job;
pub mod jp_entry;
pub mod learning_record;
pub mod login_attempt;
pub mod meeting;
pub mod national_stamp;
pub mod national_standing;
pub mod need;
pub mod notification;
pub mod offering;
pub mod offering_instructor;
pub mod partner;
pub mod performance_rating;
pub mod placement;
pub mod placement_log;
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
pub mod seat_reservation;
pub mod signing_key;
pub mod tenant;
pub mod unit;
pub mod user_role;
pub mod user_totp;
pub mod web_session;

/// Bytes as base64 text in serialized rows (exports, audit).
pub(crate) mod base64_bytes {
    use base64::Engine;
    use base64::engine::general_purpose::STANDARD;

    pub fn serialize<S: serde::Serializer>(bytes: &[u8], s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&STANDARD.encode(bytes))
    }

    pub fn deserialize<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<u8>, D::Error> {
        let text = <std::borrow::Cow<'de, str> as serde::Deserialize>::deserialize(d)?;
        STANDARD.decode(text.as_bytes()).map_err(serde::de::Error::custom)
    }
}
