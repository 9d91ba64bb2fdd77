//! Competencies: the national dictionary copied into each tenant, and the tenant's own teknis
//! competencies (issue: Competencies and needs analysis). Every function takes the tenant.

pub mod national;
pub mod standards;

use cakap_domain::FieldError;
use cakap_domain::competency::{Competency, Family, LevelIndicator};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set};
use serde::{Deserialize, Serialize};

use crate::Store;
use crate::audit::{self, Ctx};
use crate::entity::{competency, competency_level, tenant};
use crate::error::{Result, StoreError, code};
use crate::ids::next_id;
use crate::scope::Scope;

/// Reading the tenant's competency dictionary: the handle [`Scope::competencies`] hands out.
pub struct Competencies<'a> {
    pub(crate) scope: &'a Scope,
}

impl Competencies<'_> {
    /// National first (dictionary order), then teknis by name; inactive ones included.
    pub async fn list(&self) -> Result<Vec<Competency>> {
        list(&self.scope.store().db, self.scope.tenant_id()).await
    }

    pub async fn get(&self, id: i64) -> Result<Competency> {
        typed(get(&self.scope.store().db, self.scope.tenant_id(), id).await?)
    }

    /// Indicator texts of the competency's current version, level 1 first.
    pub async fn levels(&self, c: &Competency) -> Result<Vec<LevelIndicator>> {
        levels(&self.scope.store().db, self.scope.tenant_id(), c.id, c.version).await
    }

    /// The standard of one position: every active competency with its default and required level.
    pub async fn standard(&self, position_id: i64) -> Result<Vec<standards::StandardRow>> {
        standards::for_position(&self.scope.store().db, self.scope.tenant_id(), position_id).await
    }

    /// The standard page of one position: the position and its unit's name beside the rows, so
    /// readers of the dictionary (an employee looking at their own position) need not read the
    /// organisation.
    pub async fn position_standard(&self, position_id: i64) -> Result<standards::PositionStandard> {
        let db = &self.scope.store().db;
        let t = self.scope.tenant_id();
        let position = crate::org::positions::typed(crate::org::positions::get(db, t, position_id).await?)?;
        let unit = crate::org::units::get(db, t, position.unit_id).await?.name;
        let rows = standards::for_position(db, t, position_id).await?;
        Ok(standards::PositionStandard { position, unit, rows })
    }

    /// Every required level set by hand (not the jenjang default), keyed by (position, competency).
    pub async fn overrides(&self) -> Result<std::collections::HashMap<(i64, i64), i16>> {
        standards::overrides(&self.scope.store().db, self.scope.tenant_id()).await
    }

    /// The current indicator text of every (competency, level), in one query.
    pub async fn current_indicators(&self) -> Result<std::collections::HashMap<(i64, u8), String>> {
        current_indicators(&self.scope.store().db, self.scope.tenant_id()).await
    }
}

/// Keeping the dictionary and the position standards (`ManageCompetency`): the handle
/// [`Scope::competency_admin`] hands out.
pub struct CompetencyAdmin<'a> {
    pub(crate) scope: &'a Scope,
}

impl CompetencyAdmin<'_> {
    pub async fn create_teknis(&self, input: &TeknisInput) -> Result<Competency> {
        typed(create_teknis(self.scope.store(), &self.scope.ctx(), input).await?)
    }

    pub async fn update_teknis(&self, id: i64, input: &TeknisInput) -> Result<Competency> {
        typed(update_teknis(self.scope.store(), &self.scope.ctx(), id, input).await?)
    }

    /// All or nothing: (added, updated) or every problem by row and column.
    pub async fn import_teknis(&self, table: &crate::import::table::Table) -> Result<std::result::Result<(usize, usize), Vec<crate::import::table::RowError>>> {
        import_teknis(self.scope.store(), &self.scope.ctx(), table).await
    }

    /// Sets the required levels of one position (a value equal to the default removes the override).
    pub async fn set_standard(&self, position_id: i64, levels: &[(i64, Option<u8>)]) -> Result<()> {
        standards::set_many(self.scope.store(), &self.scope.ctx(), &[(position_id, levels.to_vec())]).await
    }

    /// Sets the levels of many positions at once (the bulk grid), all or nothing.
    pub async fn set_standards(&self, changes: &[standards::PositionLevels]) -> Result<()> {
        standards::set_many(self.scope.store(), &self.scope.ctx(), changes).await
    }
}

pub(crate) fn typed(m: competency::Model) -> Result<Competency> {
    Ok(Competency {
        family: code(Family::from_code(&m.family), "rumpun kompetensi", &m.family)?,
        id: m.id,
        code: m.code,
        name: m.name,
        description: m.description,
        national_code: m.national_code,
        version: m.version,
        active: m.active,
    })
}

/// A teknis competency as typed: code, name, description and the indicator of each level 1–5.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct TeknisInput {
    pub code: String,
    pub name: String,
    pub description: String,
    pub levels: [String; 5],
}

impl TeknisInput {
    fn check(&self) -> Result<()> {
        let mut errs = vec![];
        if self.code.trim().is_empty() || self.code.trim().chars().count() > 40 {
            errs.push(FieldError::new("code", "kode kompetensi wajib diisi (maksimal 40 karakter)"));
        }
        if self.name.trim().is_empty() {
            errs.push(FieldError::new("name", "nama kompetensi wajib diisi"));
        }
        use cakap_domain::text::{NAME_MAX, NOTE_MAX, check};
        errs.extend(check("name", "nama kompetensi", &self.name, NAME_MAX, false));
        errs.extend(check("code", "kode kompetensi", &self.code, cakap_domain::text::CODE_MAX, false));
        errs.extend(check("description", "deskripsi", &self.description, NOTE_MAX, true));
        for (i, l) in self.levels.iter().enumerate() {
            errs.extend(check(LEVEL_FIELDS[i], "indikator", l, NOTE_MAX, true));
        }
        for (i, l) in self.levels.iter().enumerate() {
            if l.trim().is_empty() {
                errs.push(FieldError::new(LEVEL_FIELDS[i], format!("indikator level {} wajib diisi", i + 1)));
            }
        }
        if errs.is_empty() { Ok(()) } else { Err(StoreError::Invalid(errs)) }
    }
}

/// Form field names of the five level indicators.
pub const LEVEL_FIELDS: [&str; 5] = ["level1", "level2", "level3", "level4", "level5"];

async fn insert_levels<C: ConnectionTrait>(db: &C, tenant_id: i64, competency_id: i64, version: i32, levels: &[String; 5]) -> Result<()> {
    for (i, text) in levels.iter().enumerate() {
        competency_level::ActiveModel {
            tenant_id: Set(tenant_id),
            competency_id: Set(competency_id),
            version: Set(version),
            level: Set(i as i16 + 1),
            indicator: Set(text.trim().to_string()),
        }
        .insert(db)
        .await?;
    }
    Ok(())
}

/// Adds a teknis competency of the tenant, version 1.
pub(crate) async fn create_teknis(store: &Store, ctx: &Ctx, input: &TeknisInput) -> Result<competency::Model> {
    input.check()?;
    let txn = store.write().await?;
    let m = create_in(&txn, ctx, input).await?;
    txn.commit().await?;
    Ok(m)
}

async fn create_in<C: ConnectionTrait>(txn: &C, ctx: &Ctx, input: &TeknisInput) -> Result<competency::Model> {
    let id = next_id();
    let m = competency::ActiveModel {
        tenant_id: Set(ctx.tenant_id),
        id: Set(id),
        code: Set(input.code.trim().to_string()),
        family: Set(Family::Teknis.code().to_string()),
        name: Set(input.name.trim().to_string()),
        description: Set(input.description.trim().to_string()),
        national_code: Set(None),
        version: Set(1),
        active: Set(true),
    }
    .insert(txn)
    .await
    .map_err(|e| StoreError::on_unique(e, "code", "kode kompetensi sudah dipakai di instansi ini"))?;
    insert_levels(txn, ctx.tenant_id, id, 1, &input.levels).await?;
    audit::record(txn, ctx, ctx.tenant_id, ("create", cakap_domain::audit::AuditEntity::Competency, id), None::<&()>, Some(input)).await?;
    Ok(m)
}

/// Edits a teknis competency. Changed indicator texts become a new version; the old version's
/// texts stay, so assessments made against them keep their meaning. National competencies are
/// read-only in a tenant.
pub(crate) async fn update_teknis(store: &Store, ctx: &Ctx, id: i64, input: &TeknisInput) -> Result<competency::Model> {
    input.check()?;
    let txn = store.write().await?;
    let m = update_in(&txn, ctx, id, input).await?;
    txn.commit().await?;
    Ok(m)
}

async fn update_in<C: ConnectionTrait>(txn: &C, ctx: &Ctx, id: i64, input: &TeknisInput) -> Result<competency::Model> {
    let before = get(txn, ctx.tenant_id, id).await?;
    if before.national_code.is_some() {
        return Err(StoreError::invalid("code", "kompetensi nasional (PermenPAN-RB 38/2017) tidak dapat diubah oleh instansi"));
    }
    let old_levels: Vec<String> = levels(txn, ctx.tenant_id, before.id, before.version).await?.into_iter().map(|l| l.indicator).collect();
    let new_levels: Vec<String> = input.levels.iter().map(|l| l.trim().to_string()).collect();
    let mut version = before.version;
    if old_levels != new_levels {
        version += 1;
        insert_levels(txn, ctx.tenant_id, id, version, &input.levels).await?;
    }
    let mut am: competency::ActiveModel = before.clone().into();
    am.code = Set(input.code.trim().to_string());
    am.name = Set(input.name.trim().to_string());
    am.description = Set(input.description.trim().to_string());
    am.version = Set(version);
    let m = am.update(txn).await.map_err(|e| StoreError::on_unique(e, "code", "kode kompetensi sudah dipakai di instansi ini"))?;
    audit::record(
        txn,
        ctx,
        ctx.tenant_id,
        ("update", cakap_domain::audit::AuditEntity::Competency, id),
        Some(&(before.code, before.name, old_levels)),
        Some(input),
    )
    .await?;
    Ok(m)
}

pub const TEKNIS_HEADERS: [&str; 8] = ["Kode", "Nama", "Deskripsi", "Level 1", "Level 2", "Level 3", "Level 4", "Level 5"];
const TEKNIS_COLUMNS: [crate::import::table::ColumnSpec; 8] = [
    ("Kode", &["kode", "kodekompetensi"], true),
    ("Nama", &["nama", "namakompetensi", "kompetensi"], true),
    ("Deskripsi", &["deskripsi", "definisi", "uraian"], false),
    ("Level 1", &["level1", "indikatorlevel1"], true),
    ("Level 2", &["level2", "indikatorlevel2"], true),
    ("Level 3", &["level3", "indikatorlevel3"], true),
    ("Level 4", &["level4", "indikatorlevel4"], true),
    ("Level 5", &["level5", "indikatorlevel5"], true),
];

/// Imports teknis competencies from a table, all or nothing: a new code is added, an existing
/// teknis code is updated (changed indicators become a new version, as in the form), a
/// national code is refused. Returns (added, updated) or every problem by row and column.
pub(crate) async fn import_teknis(
    store: &Store,
    ctx: &Ctx,
    table: &crate::import::table::Table,
) -> Result<std::result::Result<(usize, usize), Vec<crate::import::table::RowError>>> {
    use crate::import::table::RowError;
    let cols = match crate::import::table::map_columns(&table.headers, &TEKNIS_COLUMNS) {
        Ok(c) => c,
        Err(e) => return Ok(Err(e)),
    };
    let cell = |row: &[String], i: usize| cols[i].and_then(|c| row.get(c)).map(|s| s.trim().to_string()).unwrap_or_default();
    let txn = store.write().await?;
    let existing = list(&txn, ctx.tenant_id).await?;
    let mut errs = vec![];
    let mut seen: Vec<(String, usize)> = vec![];
    let (mut added, mut updated) = (0, 0);
    for (i, row) in table.rows.iter().enumerate() {
        let r = i + 2;
        let input = TeknisInput {
            code: cell(row, 0),
            name: cell(row, 1),
            description: cell(row, 2),
            levels: [cell(row, 3), cell(row, 4), cell(row, 5), cell(row, 6), cell(row, 7)],
        };
        if let Err(StoreError::Invalid(fe)) = input.check() {
            let label = |f: &str| match f {
                "code" => "Kode",
                "name" => "Nama",
                other => TEKNIS_HEADERS[3 + LEVEL_FIELDS.iter().position(|l| *l == other).unwrap_or(0)],
            };
            errs.extend(fe.into_iter().map(|e| RowError { row: r, column: label(e.field).into(), message: e.message }));
            continue;
        }
        let key = input.code.to_lowercase();
        if let Some((_, first)) = seen.iter().find(|(k, _)| *k == key) {
            errs.push(RowError { row: r, column: "Kode".into(), message: format!("kode {} sudah ada di baris {first}", input.code) });
            continue;
        }
        seen.push((key, r));
        match existing.iter().find(|c| c.code.eq_ignore_ascii_case(&input.code)) {
            Some(c) if c.national_code.is_some() => errs.push(RowError {
                row: r,
                column: "Kode".into(),
                message: format!("{} adalah kompetensi nasional (PermenPAN-RB 38/2017) dan tidak dapat diubah", input.code),
            }),
            // After the first error nothing is written; keep checking rows only.
            Some(c) if errs.is_empty() => {
                update_in(&txn, ctx, c.id, &input).await?;
                updated += 1;
            }
            None if errs.is_empty() => {
                create_in(&txn, ctx, &input).await?;
                added += 1;
            }
            _ => {}
        }
    }
    if table.rows.is_empty() {
        errs.push(RowError { row: 2, column: "-".into(), message: "berkas tidak berisi baris data".into() });
    }
    if !errs.is_empty() {
        txn.rollback().await?;
        return Ok(Err(errs));
    }
    txn.commit().await?;
    Ok(Ok((added, updated)))
}

/// The tenant's competencies: national first (in dictionary order), then teknis by name.
pub(crate) async fn list<C: ConnectionTrait>(db: &C, tenant_id: i64) -> Result<Vec<Competency>> {
    let rows = competency::Entity::find().filter(competency::Column::TenantId.eq(tenant_id)).order_by_asc(competency::Column::Code).all(db).await?;
    let mut rows = rows.into_iter().map(typed).collect::<Result<Vec<_>>>()?;
    rows.sort_by(Competency::dictionary_order);
    Ok(rows)
}

pub(crate) async fn get<C: ConnectionTrait>(db: &C, tenant_id: i64, id: i64) -> Result<competency::Model> {
    competency::Entity::find_by_id((tenant_id, id)).one(db).await?.ok_or(StoreError::NotFound)
}

/// Indicator texts of the competency's current version, level 1 first.
pub(crate) async fn levels<C: ConnectionTrait>(db: &C, tenant_id: i64, competency_id: i64, version: i32) -> Result<Vec<LevelIndicator>> {
    Ok(competency_level::Entity::find()
        .filter(competency_level::Column::TenantId.eq(tenant_id))
        .filter(competency_level::Column::CompetencyId.eq(competency_id))
        .filter(competency_level::Column::Version.eq(version))
        .order_by_asc(competency_level::Column::Level)
        .all(db)
        .await?
        .into_iter()
        .map(|l| LevelIndicator { level: l.level.clamp(0, 5) as u8, indicator: l.indicator })
        .collect())
}

/// The current indicator text of every (competency, level) of the tenant, in one query.
pub(crate) async fn current_indicators<C: ConnectionTrait>(db: &C, tenant_id: i64) -> Result<std::collections::HashMap<(i64, u8), String>> {
    let versions: std::collections::HashMap<i64, i32> = list(db, tenant_id).await?.into_iter().map(|c| (c.id, c.version)).collect();
    Ok(competency_level::Entity::find()
        .filter(competency_level::Column::TenantId.eq(tenant_id))
        .all(db)
        .await?
        .into_iter()
        .filter(|l| versions.get(&l.competency_id) == Some(&l.version))
        .map(|l| ((l.competency_id, l.level as u8), l.indicator))
        .collect())
}

/// Copies the national dictionary into one tenant where it is missing (idempotent).
pub(crate) async fn ensure_national_for<C: ConnectionTrait>(db: &C, tenant_id: i64) -> Result<usize> {
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

/// Every tenant gets the national dictionary (run after migrations). One grouped query finds
/// the tenants that miss some of it, so a start with 500 complete tenants costs two queries.
pub async fn ensure_national<C: ConnectionTrait>(db: &C) -> Result<()> {
    use sea_orm::QuerySelect;
    let want = national::dictionary().competencies.len() as i64;
    let have: std::collections::HashMap<i64, i64> = competency::Entity::find()
        .select_only()
        .column(competency::Column::TenantId)
        .column_as(competency::Column::Id.count(), "n")
        .filter(competency::Column::NationalCode.is_not_null())
        .group_by(competency::Column::TenantId)
        .into_tuple::<(i64, i64)>()
        .all(db)
        .await?
        .into_iter()
        .collect();
    for t in tenant::Entity::find().all(db).await? {
        if have.get(&t.id).copied().unwrap_or(0) < want {
            ensure_national_for(db, t.id).await?;
        }
    }
    Ok(())
}
