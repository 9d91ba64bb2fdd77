use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize, serde::Deserialize)]
#[sea_orm(table_name = "learning_record")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub tenant_id: i64,
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: i64,
    pub employee_id: i64,
    pub source: String,
    pub status: String,
    pub title: String,
    pub jalur: String,
    pub kind_text: String,
    pub organiser: String,
    pub certificate_no: String,
    pub started_on: TimeDate,
    pub ended_on: TimeDate,
    pub jp: i32,
    pub evidence_name: String,
    pub evidence_kind: String,
    pub evidence: Option<Vec<u8>>,
    pub decided_by: Option<i64>,
    pub decided_at: Option<TimeDateTimeWithTimeZone>,
    pub reason: String,
    pub created_by: Option<i64>,
    pub created_at: TimeDateTimeWithTimeZone,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
