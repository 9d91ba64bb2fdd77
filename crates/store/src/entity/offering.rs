use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize, serde::Deserialize)]
#[sea_orm(table_name = "offering")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub tenant_id: i64,
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: i64,
    pub program_id: i64,
    pub plan_item_id: Option<i64>,
    pub title: String,
    pub starts_on: TimeDate,
    pub ends_on: TimeDate,
    pub place: String,
    pub link: String,
    pub capacity: i32,
    pub cost: i64,
    pub self_register: bool,
    pub waitlist_order: String,
    pub min_attendance: i32,
    pub status: String,
    pub created_at: TimeDateTimeWithTimeZone,
    pub approval: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
