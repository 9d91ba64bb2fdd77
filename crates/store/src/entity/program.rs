use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize, serde::Deserialize)]
#[sea_orm(table_name = "program")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub tenant_id: i64,
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: i64,
    pub code: String,
    pub name: String,
    pub jalur: String,
    pub jp: i32,
    pub mode: String,
    pub agreement_id: Option<i64>,
    pub outline: String,
    pub fixed_cost: i64,
    pub cost_per_participant: i64,
    pub capacity: i32,
    pub suits: String,
    pub audience: String,
    pub active: bool,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
