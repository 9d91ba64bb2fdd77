use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize, serde::Deserialize)]
#[sea_orm(table_name = "employee")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub tenant_id: i64,
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: i64,
    pub nip: String,
    pub name: String,
    pub gender: String,
    pub birth_date: TimeDate,
    pub status: String,
    pub golongan: Option<String>,
    pub unit_id: i64,
    pub position_id: i64,
    pub target_position_id: Option<i64>,
    pub email: Option<String>,
    pub active: bool,
    pub updated_at: TimeDateTimeWithTimeZone,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
