//! Tenant settings, the audit log, and tenants (super admin).

use crate::params::Form;
use crate::params::{Path, Query};
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use cakap_domain::audit::AuditEntity;
use cakap_domain::{Permission, TenantKind};
use cakap_store::org::tenants::{TIMEZONES, TenantForCreate, TenantSettings};
use serde::Deserialize;
use tower_sessions::Session;

use super::{XCell, render, render_status, see_other, xlsx_download};
use crate::AppState;
use crate::auth::Actor;
use crate::error::{AppError, Result};
use crate::view::{FormErrors, Layout, flash, page_query};

#[derive(Template)]
#[template(path = "settings.html")]
struct SettingsPage {
    layout: Layout,
    s: TenantSettings,
    errors: FormErrors,
    /// (code, label) of the effective-level rules offered, and the code of the current one.
    rules: Vec<(&'static str, &'static str)>,
    rule: &'static str,
}

impl SettingsPage {
    fn new(layout: Layout, s: TenantSettings, errors: FormErrors) -> Self {
        let rules = cakap_domain::competency::EffectiveRule::presets().into_iter().map(|(c, l, _)| (c, l)).collect();
        let rule = s.effective_rule.preset_code().unwrap_or("");
        SettingsPage { layout, s, errors, rules, rule }
    }
}

pub async fn view_settings_get(session: Session, a: Actor) -> Result<Response> {
    let current = a.scope()?.settings_admin()?.current().await?;
    let layout = Layout::new(&a, &session, "Pengaturan", "/pengaturan").await;
    Ok(render(SettingsPage::new(layout, current, FormErrors::default())))
}

/// The settings form: fixed fields, `jenjang_<code>` per jenjang default, `band_0`/`band_1`.
type SettingsForm = std::collections::HashMap<String, String>;

/// The settings form applied to `current`: the fields on the form replace theirs, the rest stay.
fn apply_form(current: TenantSettings, f: &SettingsForm) -> TenantSettings {
    let text = |k: &str| f.get(k).map(|v| v.trim().to_string()).unwrap_or_default();
    let mut s = TenantSettings {
        accent_color: text("accent_color"),
        min_jp_per_year: text("min_jp_per_year").parse().unwrap_or(0),
        kepala_bkpsdm: text("kepala_bkpsdm"),
        visi: text("visi"),
        ..current
    };
    for (j, level) in s.standard_defaults.0.iter_mut() {
        if let Some(v) = f.get(&format!("jenjang_{}", j.code())) {
            *level = v.trim().parse().unwrap_or(0);
        }
    }
    for (i, band) in s.jpm_bands.bands.iter_mut().enumerate() {
        if let Some(v) = f.get(&format!("band_{i}")) {
            band.0 = cakap_domain::format::parse_decimal(v).unwrap_or(-1.0);
        }
    }
    // An unknown rule code keeps the current rule (a custom one set through the API).
    if let Some((_, _, rule)) = cakap_domain::competency::EffectiveRule::presets().into_iter().find(|(c, _, _)| f.get("effective_rule").is_some_and(|v| v == c))
    {
        s.effective_rule = rule;
    }
    let w = &mut s.priority_weights;
    for (key, slot) in [
        ("w_gap", &mut w.gap),
        ("w_criticality", &mut w.criticality),
        ("w_performance", &mut w.performance),
        ("w_policy", &mut w.policy),
        ("w_target", &mut w.target_percent),
    ] {
        if let Some(v) = f.get(key) {
            // 255 is out of every range: the check names the field instead of keeping the old value.
            *slot = v.trim().parse().unwrap_or(255);
        }
    }
    s
}

pub async fn view_settings_post(session: Session, a: Actor, Form(f): Form<SettingsForm>) -> Result<Response> {
    let admin = a.scope()?.settings_admin()?;
    match admin.update(|current| apply_form(current, &f)).await {
        Ok(_) => {
            flash(&session, "Data berhasil disimpan.").await;
            Ok(see_other("/pengaturan"))
        }
        Err(e) => match AppError::from(e) {
            AppError::Invalid(errs) => {
                // Shown again as typed, over what is stored now.
                let s = apply_form(admin.current().await?, &f);
                let layout = Layout::new(&a, &session, "Pengaturan", "/pengaturan").await;
                Ok(render_status(StatusCode::UNPROCESSABLE_ENTITY, SettingsPage::new(layout, s, FormErrors(errs))))
            }
            other => Err(other),
        },
    }
}

#[derive(Deserialize, Default, Clone)]
pub struct AuditQuery {
    #[serde(default)]
    entity: String,
    /// The acting account's id.
    #[serde(default)]
    pengguna: String,
    /// From and to day (inclusive), dd-mm-yyyy in the tenant's zone.
    #[serde(default)]
    dari: String,
    #[serde(default)]
    sampai: String,
    page: Option<u64>,
}

impl AuditQuery {
    fn filter(&self, zone: cakap_domain::Zone) -> Result<cakap_store::audit::AuditFilter> {
        let day = |v: &str, label: &str| -> Result<Option<time::Date>> {
            match v.trim() {
                "" => Ok(None),
                t => cakap_domain::format::parse_date(t)
                    .map(Some)
                    .ok_or_else(|| AppError::BadRequest(format!("Tanggal '{label}' tidak dikenali: tulis seperti 31-12-2026."))),
            }
        };
        let start = |d: time::Date| d.midnight().assume_offset(zone.offset());
        let until = day(&self.sampai, "sampai")?.and_then(|d| d.next_day()).map(start);
        Ok(cakap_store::audit::AuditFilter {
            entity: crate::params::choice("jenis data", Some(&self.entity), AuditEntity::from_code)?,
            actor: crate::params::id_choice("pengguna", Some(&self.pengguna))?,
            from: day(&self.dari, "dari")?.map(start),
            until,
        })
    }

    fn pairs(&self) -> Vec<(&'static str, String)> {
        vec![("entity", self.entity.clone()), ("pengguna", self.pengguna.clone()), ("dari", self.dari.clone()), ("sampai", self.sampai.clone())]
    }
}

/// One audit row as the page shows it.
pub struct AuditLine {
    at: String,
    actor: String,
    action: String,
    entity: String,
    entity_id: String,
    fields: Vec<cakap_domain::audit::FieldChange>,
}

#[derive(Template)]
#[template(path = "audit.html")]
struct AuditPage {
    layout: Layout,
    rows: Vec<AuditLine>,
    entities: Vec<(&'static str, &'static str)>,
    actors: Vec<(i64, String)>,
    q: AuditQuery,
    query: String,
    total: u64,
    page: u64,
    pages: u64,
    prev_q: String,
    next_q: String,
}

impl AuditPage {
    fn is_actor(&self, id: &i64) -> bool {
        self.q.pengguna == id.to_string()
    }
}

fn action_label(a: &str) -> &str {
    match a {
        "create" => "Tambah",
        "update" => "Ubah",
        "activate" => "Aktifkan",
        "deactivate" => "Nonaktifkan",
        "login" => "Masuk",
        "password" => "Ganti sandi",
        "import" => "Impor",
        "revoke" => "Cabut",
        "close" => "Tutup",
        other => other,
    }
}

/// The log this user reads: the tenant's, or the national one for the super admin.
fn audit_log<'a>(
    st: &'a AppState,
    a: &Actor,
    nation: &'a mut Option<cakap_store::national::Nation>,
    scope: Option<&'a cakap_store::Scope>,
) -> Result<cakap_store::audit::AuditLog<'a>> {
    match scope {
        Some(scope) => Ok(scope.audit()?),
        None => {
            *nation = Some(a.nation(&st.store)?);
            Ok(nation.as_ref().expect("just set").audit()?)
        }
    }
}

fn line(r: cakap_store::audit::AuditRow, zone: cakap_domain::Zone) -> AuditLine {
    AuditLine {
        at: zone.datetime_long(r.at),
        actor: r.actor.unwrap_or_else(|| "sistem".into()),
        action: action_label(&r.action).to_string(),
        entity: r.entity.map(|e| e.label().to_string()).unwrap_or(r.entity_code),
        entity_id: r.entity_id,
        fields: cakap_domain::audit::describe(r.before.as_deref(), r.after.as_deref()),
    }
}

pub async fn view_audit_get(State(st): State<AppState>, session: Session, a: Actor, Query(q): Query<AuditQuery>) -> Result<Response> {
    let filter = q.filter(a.zone)?;
    let page = crate::params::page(q.page);
    let mut nation = None;
    let scope = a.scope().ok();
    let log = audit_log(&st, &a, &mut nation, scope)?;
    let res = log.page(&filter, page, 50).await?;
    let actors = log.actors().await?.into_iter().map(|u| (u.id, format!("{} ({})", u.name, u.login))).collect();
    let total = res.total;
    let rows = res.items.into_iter().map(|r| line(r, a.zone)).collect();
    let keep = q.pairs();
    let layout = Layout::new(&a, &session, "Log Audit", "/audit").await;
    Ok(render(AuditPage {
        layout,
        rows,
        entities: AuditEntity::ALL.iter().map(|e| (e.code(), e.label())).collect(),
        actors,
        query: crate::view::filter_query(&keep),
        total,
        page,
        pages: total.div_ceil(50).max(1),
        prev_q: page_query(&keep, page.saturating_sub(1)),
        next_q: page_query(&keep, page + 1),
        q,
    }))
}

/// Rows an export carries at most (the newest).
const AUDIT_EXPORT_MAX: u64 = 10_000;

pub async fn view_audit_xlsx_get(State(st): State<AppState>, a: Actor, Query(q): Query<AuditQuery>) -> Result<Response> {
    let filter = q.filter(a.zone)?;
    let mut nation = None;
    let scope = a.scope().ok();
    let log = audit_log(&st, &a, &mut nation, scope)?;
    let res = log.page(&filter, 1, AUDIT_EXPORT_MAX).await?;
    let rows = res.items.into_iter().map(|r| {
        let l = line(r, a.zone);
        let side = |f: &cakap_domain::audit::FieldChange, v: &Option<String>| v.as_ref().map(|v| format!("{}: {v}", f.label));
        let before: Vec<String> = l.fields.iter().filter_map(|f| side(f, &f.before)).collect();
        let after: Vec<String> = l.fields.iter().filter_map(|f| side(f, &f.after)).collect();
        vec![
            XCell::Text(l.at),
            XCell::Text(l.actor),
            XCell::Text(l.action),
            XCell::Text(l.entity),
            XCell::Text(l.entity_id),
            XCell::Text(before.join("; ")),
            XCell::Text(after.join("; ")),
        ]
    });
    xlsx_download(
        "log-audit.xlsx",
        "Log Audit",
        &["Waktu", "Pengguna", "Aksi", "Data", "ID", "Sebelum", "Sesudah"],
        rows,
        &[(0, 22.0), (1, 20.0), (3, 28.0), (4, 22.0), (5, 60.0), (6, 60.0)],
    )
}

#[derive(Template)]
#[template(path = "tenants.html")]
struct TenantsPage {
    layout: Layout,
    rows: Vec<cakap_domain::org::Tenant>,
}

pub async fn view_tenants_get(State(st): State<AppState>, session: Session, a: Actor) -> Result<Response> {
    a.require(Permission::ManageTenants)?;
    let rows = a.nation(&st.store)?.tenants().await?;
    let layout = Layout::new(&a, &session, "Instansi", "/instansi").await;
    Ok(render(TenantsPage { layout, rows }))
}

#[derive(Template)]
#[template(path = "tenant_form.html")]
struct TenantForm {
    layout: Layout,
    f: TenantForCreate,
    kinds: Vec<(&'static str, &'static str)>,
    zones: Vec<&'static str>,
    editing: bool,
    active: bool,
    errors: FormErrors,
}

async fn tenant_form(a: &Actor, session: &Session, title: &str, f: TenantForCreate, editing: bool, active: bool, errors: FormErrors) -> Response {
    let layout = Layout::new(a, session, title, "/instansi").await;
    let status = if errors.any() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    render_status(
        status,
        TenantForm { layout, f, kinds: TenantKind::ALL.iter().map(|k| (k.code(), k.label())).collect(), zones: TIMEZONES.to_vec(), editing, active, errors },
    )
}

pub async fn view_tenant_new_get(session: Session, a: Actor) -> Result<Response> {
    a.require(Permission::ManageTenants)?;
    let f = TenantForCreate { kind: "kota".into(), timezone: "WIB".into(), ..Default::default() };
    Ok(tenant_form(&a, &session, "Tambah Instansi", f, false, true, FormErrors::default()).await)
}

pub async fn view_tenant_new_post(State(st): State<AppState>, session: Session, a: Actor, Form(f): Form<TenantForCreate>) -> Result<Response> {
    a.require(Permission::ManageTenants)?;
    match a.nation(&st.store)?.create_tenant(&f).await {
        Ok(_) => {
            flash(&session, "Data berhasil disimpan.").await;
            Ok(see_other("/instansi"))
        }
        Err(e) => match AppError::from(e) {
            AppError::Invalid(errs) => Ok(tenant_form(&a, &session, "Tambah Instansi", f, false, true, FormErrors(errs)).await),
            other => Err(other),
        },
    }
}

pub async fn view_tenant_edit_get(State(st): State<AppState>, session: Session, a: Actor, Path(id): Path<i64>) -> Result<Response> {
    a.require(Permission::ManageTenants)?;
    let t = a.nation(&st.store)?.tenant(id).await?;
    let f = TenantForCreate { code: t.code, name: t.name.clone(), kind: t.kind.code().into(), timezone: t.timezone.code().into(), ..Default::default() };
    Ok(tenant_form(&a, &session, &format!("Ubah Instansi: {}", t.name), f, true, t.active, FormErrors::default()).await)
}

#[derive(Deserialize)]
pub struct TenantEditForm {
    #[serde(flatten)]
    f: TenantForCreate,
    active: Option<String>,
}

pub async fn view_tenant_edit_post(
    State(st): State<AppState>,
    session: Session,
    a: Actor,
    Path(id): Path<i64>,
    Form(f): Form<TenantEditForm>,
) -> Result<Response> {
    a.require(Permission::ManageTenants)?;
    let active = f.active.as_deref() != Some("false");
    match a.nation(&st.store)?.update_tenant(id, &f.f, active).await {
        Ok(_) => {
            flash(&session, "Data berhasil disimpan.").await;
            Ok(see_other("/instansi"))
        }
        Err(e) => match AppError::from(e) {
            AppError::Invalid(errs) => Ok(tenant_form(&a, &session, "Ubah Instansi", f.f, true, active, FormErrors(errs)).await),
            other => Err(other),
        },
    }
}
