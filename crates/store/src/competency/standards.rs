//! Position standards: the level each competency requires of a position. National competencies
//! default to the tenant's level for the position's jenjang; a position may override any
//! competency (0 = not required), and teknis competencies are required only where set.

use std::collections::HashMap;

use cakap_domain::Jenjang;
use cakap_domain::competency::{Competency, Family};
use sea_orm::sea_query::OnConflict;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};

use crate::Store;
use crate::audit::{self, Ctx};
use crate::entity::position_standard;
use crate::error::{Result, StoreError};
use crate::org::tenants::TenantSettings;

#[derive(Debug, Clone)]
pub struct StandardRow {
    pub competency: Competency,
    /// The default for this position (jenjang default for national competencies).
    pub default: Option<u8>,
    /// What applies: the override if any, else the default; None = not required.
    pub required: Option<u8>,
    pub overridden: bool,
}

async fn defaults<C: ConnectionTrait>(db: &C, tenant_id: i64) -> Result<cakap_domain::competency::StandardDefaults> {
    Ok(TenantSettings::parse(&crate::org::tenants::get(db, tenant_id).await?.settings)?.standard_defaults)
}

/// The standard of one position, every active competency of the tenant in dictionary order.
pub(crate) async fn for_position<C: ConnectionTrait>(db: &C, tenant_id: i64, position_id: i64) -> Result<Vec<StandardRow>> {
    let pos = crate::org::positions::get(db, tenant_id, position_id).await?;
    let defaults = defaults(db, tenant_id).await?;
    let overrides: HashMap<i64, i16> = position_standard::Entity::find()
        .filter(position_standard::Column::TenantId.eq(tenant_id))
        .filter(position_standard::Column::PositionId.eq(position_id))
        .all(db)
        .await?
        .into_iter()
        .map(|o| (o.competency_id, o.required_level))
        .collect();
    let jenjang = Jenjang::from_code(&pos.jenjang);
    Ok(super::list(db, tenant_id)
        .await?
        .into_iter()
        .filter(|c| c.active)
        .map(|c| {
            let (default, required) = resolve(&defaults, jenjang, &c, overrides.get(&c.id).copied());
            StandardRow { overridden: overrides.contains_key(&c.id), competency: c, default, required }
        })
        .collect())
}

/// The rule of a standard for one competency: (default, required). National competencies
/// default to the jenjang's level; an override replaces the default, 0 meaning "not required".
pub fn resolve(defaults: &cakap_domain::competency::StandardDefaults, jenjang: Option<Jenjang>, c: &Competency, over: Option<i16>) -> (Option<u8>, Option<u8>) {
    let default = match c.family {
        Family::Manajerial | Family::SosialKultural => jenjang.and_then(|j| defaults.required(j)),
        Family::Teknis => None,
    };
    let required = match over {
        Some(l) => u8::try_from(l).ok().filter(|l| *l > 0),
        None => default,
    };
    (default, required)
}

/// Every override of the tenant, keyed by (position, competency).
pub(crate) async fn overrides<C: ConnectionTrait>(db: &C, tenant_id: i64) -> Result<HashMap<(i64, i64), i16>> {
    overrides_of(db, tenant_id, None).await
}

/// The overrides of the given positions only (None: all of the tenant's).
pub(crate) async fn overrides_of<C: ConnectionTrait>(db: &C, tenant_id: i64, positions: Option<&[i64]>) -> Result<HashMap<(i64, i64), i16>> {
    let mut q = position_standard::Entity::find().filter(position_standard::Column::TenantId.eq(tenant_id));
    if let Some(ps) = positions {
        q = q.filter(position_standard::Column::PositionId.is_in(ps.iter().copied()));
    }
    Ok(q.all(db).await?.into_iter().map(|o| ((o.position_id, o.competency_id), o.required_level)).collect())
}

/// One position's standard with what its page shows beside it.
#[derive(Debug, Clone)]
pub struct PositionStandard {
    pub position: cakap_domain::org::Position,
    pub unit: String,
    pub rows: Vec<StandardRow>,
}

/// Required levels of one position: (competency, level or None for not required).
pub type PositionLevels = (i64, Vec<(i64, Option<u8>)>);

/// Sets the levels of many positions at once (the bulk grid), all or nothing. A value equal to
/// the default removes the override, so changing the tenant's defaults later still reaches it.
pub(crate) async fn set_many(store: &Store, ctx: &Ctx, changes: &[PositionLevels]) -> Result<()> {
    let txn = store.write().await?;
    for (position_id, levels) in changes {
        set_in(&txn, ctx, *position_id, levels).await?;
    }
    txn.commit().await?;
    Ok(())
}

async fn set_in<C: ConnectionTrait>(txn: &C, ctx: &Ctx, position_id: i64, levels: &[(i64, Option<u8>)]) -> Result<()> {
    let current = for_position(txn, ctx.tenant_id, position_id).await?;
    let mut changes = vec![];
    for &(competency_id, level) in levels {
        let row = current.iter().find(|r| r.competency.id == competency_id).ok_or_else(|| StoreError::invalid("competency", "kompetensi tidak ditemukan"))?;
        if let Some(l) = level
            && !(1..=5).contains(&l)
        {
            return Err(StoreError::invalid("competency", format!("level {} untuk {} pada jabatan ini harus 1–5", l, row.competency.name)));
        }
        if level == row.required {
            continue;
        }
        changes.push((row.competency.name.clone(), row.required, level));
        let del = position_standard::Entity::delete_many()
            .filter(position_standard::Column::TenantId.eq(ctx.tenant_id))
            .filter(position_standard::Column::PositionId.eq(position_id))
            .filter(position_standard::Column::CompetencyId.eq(competency_id));
        if level == row.default {
            del.exec(txn).await?;
        } else {
            position_standard::Entity::insert(position_standard::ActiveModel {
                tenant_id: Set(ctx.tenant_id),
                position_id: Set(position_id),
                competency_id: Set(competency_id),
                required_level: Set(level.map(i16::from).unwrap_or(0)),
            })
            .on_conflict(
                OnConflict::columns([position_standard::Column::TenantId, position_standard::Column::PositionId, position_standard::Column::CompetencyId])
                    .update_column(position_standard::Column::RequiredLevel)
                    .to_owned(),
            )
            .exec(txn)
            .await?;
        }
    }
    if !changes.is_empty() {
        audit::record(txn, ctx, ctx.tenant_id, ("update", cakap_domain::audit::AuditEntity::PositionStandard, position_id), None::<&()>, Some(&changes))
            .await?;
    }
    Ok(())
}
