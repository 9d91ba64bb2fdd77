use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize, serde::Deserialize)]
#[sea_orm(table_name = "placement")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub tenant_id: i64,
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: i64,
    pub employee_id: i64,
    pub kind: String,
    pub partner_id: Option<i64>,
    pub host: String,
    pub mentor: String,
    pub mentor_user_id: Option<i64>,
    pub starts_on: TimeDate,
    pub ends_on: TimeDate,
    pub jp: i32,
    pub goals: String,
    pub status: String,
    pub report: String,
    pub grade: Option<String>,
    pub grade_note: String,
    pub graded_by: Option<i64>,
    pub graded_at: Option<TimeDateTimeWithTimeZone>,
    pub created_at: TimeDateTimeWithTimeZone,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
