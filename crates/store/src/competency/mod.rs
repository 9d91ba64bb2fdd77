//! Competencies: the national dictionary copied into each tenant, and the tenant's own teknis
//! competencies (issue: Competencies and needs analysis). Every function takes the tenant.

pub mod national;

use cakap_domain::competency::Family;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set};

use crate::entity::{competency, competency_level, tenant};
use crate::error::{Result, StoreError};
use crate::ids::next_id;

/// The tenant's competencies: national first (in dictionary order), then teknis by name.
pub async fn list<C: ConnectionTrait>(db: &C, tenant_id: i64) -> Result<Vec<competency::Model>> {
    let mut rows = competency::Entity::find().filter(competency::Column::TenantId.eq(tenant_id)).order_by_asc(competency::Column::Code).all(db).await?;
    let rank = |c: &competency::Model| match Family::from_code(&c.family) {
        Some(Family::Manajerial) => 0,
        Some(Family::SosialKultural) => 1,
        _ => 2,
    };
    rows.sort_by(|a, b| rank(a).cmp(&rank(b)).then_with(|| if rank(a) == 2 { a.name.cmp(&b.name) } else { a.code.cmp(&b.code) }));
    Ok(rows)
}

pub async fn get<C: ConnectionTrait>(db: &C, tenant_id: i64, id: i64) -> Result<competency::Model> {
    competency::Entity::find_by_id((tenant_id, id)).one(db).await?.ok_or(StoreError::NotFound)
}

/// Indicator texts of the competency's current version, level 1 first.
pub async fn levels<C: ConnectionTrait>(db: &C, tenant_id: i64, c: &competency::Model) -> Result<Vec<competency_level::Model>> {
    Ok(competency_level::Entity::find()
        .filter(competency_level::Column::TenantId.eq(tenant_id))
        .filter(competency_level::Column::CompetencyId.eq(c.id))
        .filter(competency_level::Column::Version.eq(c.version))
        .order_by_asc(competency_level::Column::Level)
        .all(db)
        .await?)
}

/// Copies the national dictionary into one tenant where it is missing (idempotent).
pub async fn ensure_national_for<C: ConnectionTrait>(db: &C, tenant_id: i64) -> Result<usize> {
    let dict = national::dictionary();
    let have: Vec<String> = competency::Entity::find()
        .filter(competency::Column::TenantId.eq(tenant_id))
        .filter(competency::Column::NationalCode.is_not_null())
        .all(db)
        .await?
        .into_iter()
        .filter_map(|c| c.national_code)
        .collect();
    let mut added = 0;
    for n in dict.competencies.iter().filter(|n| !have.contains(&n.code)) {
        let id = next_id();
        competency::ActiveModel {
            tenant_id: Set(tenant_id),
            id: Set(id),
            code: Set(n.code.clone()),
            family: Set(n.family.code().to_string()),
            name: Set(n.name.clone()),
            description: Set(n.description.clone()),
            national_code: Set(Some(n.code.clone())),
            version: Set(dict.version),
            active: Set(true),
        }
        .insert(db)
        .await?;
        for (i, text) in n.levels.iter().enumerate() {
            competency_level::ActiveModel {
                tenant_id: Set(tenant_id),
                competency_id: Set(id),
                version: Set(dict.version),
                level: Set(i as i16 + 1),
                indicator: Set(text.clone()),
            }
            .insert(db)
            .await?;
        }
        added += 1;
    }
    Ok(added)
}

/// Every tenant gets the national dictionary (run after migrations; cheap when nothing is missing).
pub async fn ensure_national<C: ConnectionTrait>(db: &C) -> Result<()> {
    for t in tenant::Entity::find().all(db).await? {
        ensure_national_for(db, t.id).await?;
    }
    Ok(())
}
