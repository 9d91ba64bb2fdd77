use cakap_domain::{FieldError, TenantKind};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set};
use serde::{Deserialize, Serialize};

use crate::Store;
use crate::audit::{self, Ctx};
use crate::entity::tenant;
use crate::error::{Result, StoreError};
use crate::ids::next_id;

/// Settings an instansi changes itself (DOMAIN.md marks these *configurable*).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct TenantSettings {
    /// Accent colour of the layout (UI.md: one accent colour per tenant).
    pub accent_color: String,
    /// Minimum JP per ASN per year (PP 11/2017 Pasal 203(4)).
    pub min_jp_per_year: u32,
    /// Name of the head of BKPSDM, printed on documents.
    pub kepala_bkpsdm: String,
    /// Visi of the region, shown to planners (seeds: policy tied to vision/mission).
    pub visi: String,
    /// Default required level per jenjang (DOMAIN.md: *configurable*).
    pub standard_defaults: cakap_domain::competency::StandardDefaults,
    /// JPM bands (DOMAIN.md: *configurable*; default Peraturan BRIN 3/2023 Pasal 33).
    pub jpm_bands: cakap_domain::competency::JpmBands,
    /// Misi of the region and its priority programs, as the planner records them (policy input
    /// of AKPK; the competencies they call for are in `priority_competency`).
    pub misi: String,
    pub program_prioritas: String,
    /// Which assessment decides the effective level (DOMAIN.md: *configurable*).
    pub effective_rule: cakap_domain::competency::EffectiveRule,
    /// Weights of the needs priority score.
    pub priority_weights: cakap_domain::akpk::PriorityWeights,
}

impl Default for TenantSettings {
    fn default() -> Self {
        TenantSettings {
            accent_color: "#0b5394".into(),
            min_jp_per_year: 20,
            kepala_bkpsdm: String::new(),
            visi: String::new(),
            standard_defaults: Default::default(),
            jpm_bands: Default::default(),
            misi: String::new(),
            program_prioritas: String::new(),
            effective_rule: Default::default(),
            priority_weights: Default::default(),
        }
    }
}

impl TenantSettings {
    /// The stored settings. An unreadable value is an error, never a silent reset to the
    /// defaults (which the next save would then write over the tenant's real settings).
    pub fn parse(s: &str) -> Result<TenantSettings> {
        if s.trim().is_empty() {
            return Ok(TenantSettings::default());
        }
        serde_json::from_str(s).map_err(|e| StoreError::Other(format!("pengaturan instansi tidak terbaca ({e}); hubungi administrator")))
    }

    pub fn validate(&self) -> Result<()> {
        let c = self.accent_color.as_bytes();
        if c.len() != 7 || c[0] != b'#' || !c[1..].iter().all(|b| b.is_ascii_hexdigit()) {
            return Err(StoreError::invalid("accent_color", "warna harus berformat #RRGGBB, misalnya #0b5394"));
        }
        if !(1..=200).contains(&self.min_jp_per_year) {
            return Err(StoreError::invalid("min_jp_per_year", "JP minimal per tahun harus 1–200"));
        }
        if let Some((j, l)) = self.standard_defaults.0.iter().find(|(_, l)| !(1..=5).contains(l)) {
            return Err(StoreError::invalid("standard_defaults", format!("level bawaan {} harus 1–5, ditemukan {l}", j.label())));
        }
        self.jpm_bands.validate().map_err(|m| StoreError::invalid("jpm_bands", m))?;
        self.priority_weights.validate().map_err(|m| StoreError::invalid("priority_weights", m))?;
        use cakap_domain::text::{NAME_MAX, NOTE_MAX, check};
        for (field, label, value, max, multi) in [
            ("kepala_bkpsdm", "nama Kepala BKPSDM", &self.kepala_bkpsdm, NAME_MAX, false),
            ("visi", "visi", &self.visi, NOTE_MAX, true),
            ("misi", "misi", &self.misi, NOTE_MAX, true),
            ("program", "program prioritas", &self.program_prioritas, NOTE_MAX, true),
        ] {
            if let Some(e) = check(field, label, value, max, multi) {
                return Err(StoreError::Invalid(vec![e]));
            }
        }
        if self.effective_rule.tiers.iter().all(|t| t.is_empty()) {
            return Err(StoreError::invalid("effective_rule", "aturan level efektif harus memuat paling sedikit satu metode"));
        }
        Ok(())
    }
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct TenantForCreate {
    pub code: String,
    pub name: String,
    pub kind: String,
    pub timezone: String,
    /// The new instansi's first admin (BKPSDM), created with it; only read by [`create`].
    #[serde(default)]
    pub admin_login: String,
    #[serde(default)]
    pub admin_name: String,
    #[serde(default, skip_serializing)]
    pub admin_password: String,
}

pub const TIMEZONES: [&str; 3] = ["WIB", "WITA", "WIT"];

impl TenantForCreate {
    fn check(&self) -> Result<TenantKind> {
        let mut errs = vec![];
        let code = self.code.trim();
        if code.is_empty() || code.len() > 40 || !code.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') {
            errs.push(FieldError::new("code", "kode wajib diisi: huruf, angka dan '-' saja, maksimal 40"));
        }
        if self.name.trim().is_empty() {
            errs.push(FieldError::new("name", "nama instansi wajib diisi"));
        }
        errs.extend(cakap_domain::text::check("name", "nama instansi", &self.name, cakap_domain::text::NAME_MAX, false));
        let kind = TenantKind::from_code(&self.kind);
        if kind.is_none() {
            errs.push(FieldError::new("kind", "jenis instansi tidak dikenal"));
        }
        if !TIMEZONES.contains(&self.timezone.as_str()) {
            errs.push(FieldError::new("timezone", "zona waktu harus WIB, WITA atau WIT"));
        }
        if errs.is_empty() { Ok(kind.expect("checked")) } else { Err(StoreError::Invalid(errs)) }
    }
}

/// Reading and changing the tenant's own settings (`ManageSettings`): the handle
/// [`crate::Scope::settings_admin`] hands out.
pub struct SettingsAdmin<'a> {
    pub(crate) scope: &'a crate::Scope,
}

impl SettingsAdmin<'_> {
    /// The settings as stored now (not the copy the request's principal carries).
    pub async fn current(&self) -> Result<TenantSettings> {
        TenantSettings::parse(&get(&self.scope.store().db, self.scope.tenant_id()).await?.settings)
    }

    /// Reads, applies and saves in one write transaction, so a concurrent change is not lost.
    pub async fn update(&self, apply: impl FnOnce(TenantSettings) -> TenantSettings) -> Result<TenantSettings> {
        update_settings(self.scope.store(), &self.scope.ctx(), self.scope.tenant_id(), apply).await
    }
}

pub(crate) fn typed(m: tenant::Model) -> Result<cakap_domain::org::Tenant> {
    Ok(cakap_domain::org::Tenant {
        kind: crate::error::code(TenantKind::from_code(&m.kind), "jenis instansi", &m.kind)?,
        timezone: crate::error::code(cakap_domain::Zone::from_code(&m.timezone), "zona waktu", &m.timezone)?,
        id: m.id,
        code: m.code,
        name: m.name,
        active: m.active,
    })
}

pub(crate) async fn list<C: ConnectionTrait>(db: &C) -> Result<Vec<tenant::Model>> {
    Ok(tenant::Entity::find().order_by_asc(tenant::Column::Name).all(db).await?)
}

pub(crate) async fn get<C: ConnectionTrait>(db: &C, id: i64) -> Result<tenant::Model> {
    tenant::Entity::find_by_id(id).one(db).await?.ok_or(StoreError::NotFound)
}

/// The instansi with this code (the CLI names tenants by code).
pub async fn by_code<C: ConnectionTrait>(db: &C, code: &str) -> Result<Option<cakap_domain::org::Tenant>> {
    tenant::Entity::find().filter(tenant::Column::Code.eq(code)).one(db).await?.map(typed).transpose()
}

/// Creates an instansi with its national dictionary and its first admin, all in one
/// transaction: a tenant nobody can log in to is never left behind.
pub(crate) async fn create(store: &Store, ctx: &Ctx, input: &TenantForCreate) -> Result<tenant::Model> {
    let admin = crate::users::UserForCreate {
        login: input.admin_login.clone(),
        name: input.admin_name.clone(),
        password: input.admin_password.clone(),
        employee_id: None,
        roles: vec![crate::users::RoleGrant { role: cakap_domain::Role::Admin, unit_id: None }],
    };
    let mut errs = match input.check() {
        Err(StoreError::Invalid(e)) => e,
        Err(e) => return Err(e),
        Ok(_) => vec![],
    };
    let hash = match crate::users::check_new_user(&admin) {
        Ok(h) => Some(h),
        Err(StoreError::Invalid(e)) => {
            errs.extend(e.into_iter().map(|e| FieldError::new(admin_field(e.field), format!("admin pertama: {}", e.message))));
            None
        }
        Err(e) => return Err(e),
    };
    let (Some(hash), true) = (hash, errs.is_empty()) else { return Err(StoreError::Invalid(errs)) };
    let txn = store.write().await?;
    let m = tenant::ActiveModel {
        id: Set(next_id()),
        code: Set(input.code.trim().to_ascii_lowercase()),
        name: Set(input.name.trim().to_string()),
        kind: Set(input.kind.clone()),
        timezone: Set(input.timezone.clone()),
        settings: Set(serde_json::to_string(&TenantSettings::default()).unwrap_or_default()),
        active: Set(true),
        created_at: Set(crate::now()),
    }
    .insert(&txn)
    .await
    .map_err(|e| StoreError::on_unique(e, "code", "kode instansi sudah dipakai"))?;
    audit::record(&txn, ctx, m.id, ("create", cakap_domain::audit::AuditEntity::Tenant, m.id), None::<&()>, Some(&input)).await?;
    crate::competency::ensure_national_for(&txn, m.id).await?;
    let admin_ctx = Ctx { tenant_id: m.id, ..ctx.clone() };
    crate::users::insert_user(&txn, &admin_ctx, &admin, hash).await.map_err(|e| match e {
        StoreError::Conflict(_, msg) => StoreError::Conflict("admin_login", format!("admin pertama: {msg}")),
        other => other,
    })?;
    txn.commit().await?;
    Ok(m)
}

/// The tenant form's name for a field of the first admin.
fn admin_field(user_field: &str) -> &'static str {
    match user_field {
        "login" => "admin_login",
        "name" => "admin_name",
        _ => "admin_password",
    }
}

pub(crate) async fn update(store: &Store, ctx: &Ctx, id: i64, input: &TenantForCreate, active: bool) -> Result<tenant::Model> {
    input.check()?;
    let txn = store.write().await?;
    let before = get(&txn, id).await?;
    let mut am: tenant::ActiveModel = before.clone().into();
    am.name = Set(input.name.trim().to_string());
    am.kind = Set(input.kind.clone());
    am.timezone = Set(input.timezone.clone());
    am.active = Set(active);
    let m = am.update(&txn).await?;
    audit::record(&txn, ctx, id, ("update", cakap_domain::audit::AuditEntity::Tenant, id), Some(&snapshot(&before)), Some(&snapshot(&m))).await?;
    txn.commit().await?;
    Ok(m)
}

/// Changes settings from what is stored now: `apply` runs inside the write transaction on the
/// settings read there, so a concurrent change to fields the caller does not touch (misi and
/// program prioritas from the AKPK page, say) is never written over with a stale copy.
pub(crate) async fn update_settings(store: &Store, ctx: &Ctx, tenant_id: i64, apply: impl FnOnce(TenantSettings) -> TenantSettings) -> Result<TenantSettings> {
    let txn = store.write().await?;
    let current = TenantSettings::parse(&get(&txn, tenant_id).await?.settings)?;
    let next = apply(current);
    next.validate()?;
    save_settings_in(&txn, ctx, tenant_id, &next).await?;
    txn.commit().await?;
    Ok(next)
}

/// Writes validated settings with their audit row inside the caller's transaction.
pub(crate) async fn save_settings_in<C: ConnectionTrait>(txn: &C, ctx: &Ctx, tenant_id: i64, settings: &TenantSettings) -> Result<()> {
    let before = get(txn, tenant_id).await?;
    let old = TenantSettings::parse(&before.settings)?;
    let mut am: tenant::ActiveModel = before.into();
    am.settings = Set(serde_json::to_string(settings).unwrap_or_default());
    am.update(txn).await?;
    audit::record(txn, ctx, tenant_id, ("update", cakap_domain::audit::AuditEntity::Settings, tenant_id), Some(&old), Some(settings)).await?;
    Ok(())
}

fn snapshot(m: &tenant::Model) -> serde_json::Value {
    serde_json::json!({"code": m.code, "name": m.name, "kind": m.kind, "timezone": m.timezone, "active": m.active})
}
