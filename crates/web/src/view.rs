//! What every page template shares: the layout (top bar, navigation by role), flash messages,
//! form errors, and id-ID formatting helpers.

use cakap_domain::{FieldError, Permission};
use tower_sessions::Session;

use crate::auth::Actor;

pub struct NavItem {
    pub href: String,
    pub label: &'static str,
    pub active: bool,
}

pub struct Layout {
    pub title: String,
    pub user_name: String,
    pub role_label: String,
    pub tenant_name: String,
    pub accent: String,
    pub csrf: String,
    pub nav: Vec<NavItem>,
    pub flash: Option<String>,
    /// Breadcrumbs: (label, href); the last one is the current page.
    pub crumbs: Vec<(String, String)>,
    /// Unread notifications (the link in the top bar).
    pub unread: u64,
    /// Whether the user has notifications at all (tenant users; not the national super admin).
    pub has_notices: bool,
}

const FLASH: &str = "flash";

/// Navigation in the order of the cycle, showing only what the role may use (UI.md).
fn nav_for(a: &Actor, current: &str) -> Vec<NavItem> {
    let mut items: Vec<(String, &'static str)> = vec![("/".into(), "Beranda")];
    if a.is_super_admin() {
        items.push(("/instansi".into(), "Instansi"));
    }
    if a.can(Permission::ReadOrg) {
        items.push(("/organisasi/unit".into(), "Unit"));
        items.push(("/organisasi/jabatan".into(), "Jabatan"));
    }
    if a.can(Permission::ReadEmployees) {
        items.push(("/organisasi/pegawai".into(), if a.roles.employee_scope() == cakap_domain::ReadScope::Own { "Data Saya" } else { "Pegawai" }));
    }
    if a.can(Permission::ReadAllTenants) {
        items.push(("/nasional".into(), "Rekap Nasional"));
    }
    if a.can(Permission::ReadCompetency) {
        items.push(("/kompetensi/kamus".into(), "Kamus Kompetensi"));
    }
    if a.can(Permission::ReadNeeds) {
        items.push(("/akpk".into(), "Peta Kesenjangan"));
        items.push(("/akpk/kebutuhan".into(), "Kebutuhan"));
    } else if a.can(Permission::ReadAkpk) && a.roles.employee_scope() == cakap_domain::ReadScope::UnitSubtree {
        items.push(("/akpk".into(), "Kesenjangan Tim"));
        if a.roles.has(cakap_domain::Role::Supervisor) {
            items.push(("/akpk/tim/penilaian".into(), "Penilaian Tim"));
        }
    } else if a.can(Permission::ReadAkpk)
        && let Some(e) = a.employee_id
    {
        items.push((format!("/akpk/pegawai/{e}"), "AKPK Saya"));
    }
    if a.can(Permission::ReadPlan) {
        items.push(("/katalog/program".into(), "Katalog"));
        items.push(("/rencana".into(), "Rencana"));
    }
    if a.can(Permission::ManageClasses) || a.can(Permission::NominateTeam) || a.can(Permission::TeachClasses) {
        items.push(("/kelas".into(), "Kelas"));
    }
    if a.can(Permission::Learn) && a.employee_id.is_some() {
        items.push(("/kelas-saya".into(), "Kelas Saya"));
    }
    if a.can(Permission::ManageClasses) || a.can(Permission::TeachClasses) {
        items.push(("/magang".into(), "Magang"));
    }
    if a.can(Permission::ReadLedger) {
        items.push(("/jp".into(), "Kepatuhan 20 JP"));
    }
    if a.can(Permission::ManageUsers) {
        items.push(("/organisasi/pengguna".into(), "Pengguna"));
    }
    if a.can(Permission::ManageSettings) {
        items.push(("/pengaturan".into(), "Pengaturan"));
    }
    if a.can(Permission::ReadAudit) {
        items.push(("/audit".into(), "Log Audit"));
    }
    // The longest matching link is the active one (/akpk/kebutuhan is not also /akpk).
    let matches = |href: &str| if href == "/" { current == "/" } else { current == href || current.starts_with(&format!("{href}/")) };
    let active = items.iter().filter(|(h, _)| matches(h)).map(|(h, _)| h.len()).max();
    items.into_iter().map(|(href, label)| NavItem { active: matches(&href) && Some(href.len()) == active, href, label }).collect()
}

impl Layout {
    /// The accent colour as six hex digits for `/static/accent.css?c=` (settings allow only
    /// `#RRGGBB`; anything else falls back to the default).
    pub fn accent_hex(&self) -> &str {
        accent_hex(&self.accent)
    }

    pub async fn new(a: &Actor, session: &Session, title: impl Into<String>, current: &str) -> Layout {
        // Read before removing: `remove` marks the session modified even when there was
        // nothing to remove, and a modified session is written back on a plain GET.
        let flash = match session.get::<String>(FLASH).await.ok().flatten() {
            Some(f) => {
                let _ = session.remove::<String>(FLASH).await;
                Some(f)
            }
            None => None,
        };
        Layout {
            title: title.into(),
            user_name: a.name.clone(),
            role_label: a.role_label().to_string(),
            tenant_name: a.tenant_name.clone(),
            accent: a.accent.clone(),
            csrf: a.csrf.clone(),
            nav: nav_for(a, current),
            flash,
            crumbs: vec![],
            // A count on an index; a page still renders if it fails.
            unread: match a.scope() {
                Ok(s) => s.unread_notifications().await.unwrap_or(0),
                Err(_) => 0,
            },
            has_notices: a.tenant_id.is_some(),
        }
    }

    pub fn crumbs(mut self, c: Vec<(String, String)>) -> Self {
        self.crumbs = c;
        self
    }
}

/// Field limits as templates show them (`maxlength` and the hint beside the field); the store
/// checks the same constants.
pub use cakap_domain::text::{CODE_MAX, EMAIL_MAX, EVIDENCE_MAX, LOGIN_MAX, NAME_MAX, NIP_INPUT_MAX, NOTE_MAX, SEARCH_MAX};
pub const PASSWORD_MAX: usize = cakap_domain::password::MAX_LEN;

/// Sets the message shown once on the next page ("Data berhasil disimpan.").
pub async fn flash(session: &Session, msg: &str) {
    let _ = session.insert(FLASH, msg).await;
}

/// Field errors of a form, looked up by field name in templates.
#[derive(Default, Debug, Clone)]
pub struct FormErrors(pub Vec<FieldError>);

impl FormErrors {
    pub fn get(&self, field: &str) -> String {
        self.0.iter().filter(|e| e.field == field).map(|e| e.message.as_str()).collect::<Vec<_>>().join("; ")
    }
    pub fn any(&self) -> bool {
        !self.0.is_empty()
    }
    pub fn all(&self) -> &[FieldError] {
        &self.0
    }
}

/// A required date field as people type it: the date, or a field error naming it.
pub fn required_date(value: &str, field: &'static str, label: &str, errs: &mut Vec<FieldError>) -> Option<time::Date> {
    let d = cakap_domain::format::parse_date(value);
    if d.is_none() {
        errs.push(FieldError::new(field, format!("{label} wajib diisi seperti 31-12-2027")));
    }
    d
}

/// "8 Maret 2027" for one day, "8 Maret 2027 s.d. 11 Maret 2027" for a period.
pub fn period(from: time::Date, to: time::Date) -> String {
    let long = cakap_domain::format::date_long;
    if from == to { long(from) } else { format!("{} s.d. {}", long(from), long(to)) }
}

pub fn date_short(d: &time::Date) -> String {
    cakap_domain::format::date_short(*d)
}

/// A time for people in the tenant's zone: "26-11-2026 14:05 WIT".
pub fn datetime(t: &time::OffsetDateTime, zone: cakap_domain::Zone) -> String {
    zone.datetime(*t)
}

pub fn nip(s: &str) -> String {
    cakap_domain::nip::group_nip(s)
}

pub fn int(n: u64) -> String {
    cakap_domain::format::int(n as i64)
}

/// Query string for pagination links, keeping the filters.
pub fn page_query(pairs: &[(&str, String)], page: u64) -> String {
    let filters = filter_query(pairs);
    let page = serde_urlencoded::to_string([("page", page.to_string())]).unwrap_or_default();
    if filters.is_empty() { page } else { format!("{filters}&{page}") }
}

/// A list's filters as a query string without the page (the export link, a form's way back).
pub fn filter_query(pairs: &[(&str, String)]) -> String {
    let v: Vec<(&str, String)> = pairs.iter().filter(|(_, v)| !v.is_empty()).cloned().collect();
    serde_urlencoded::to_string(v).unwrap_or_default()
}

/// Whether a select option is the current value (`value` as typed, `option` an id or code).
pub fn selected(value: &str, option: impl std::fmt::Display) -> bool {
    format!("{option}") == value
}

/// Six hex digits of a `#RRGGBB` colour, or the default accent's.
pub fn accent_hex(c: &str) -> &str {
    match c.strip_prefix('#') {
        Some(h) if h.len() == 6 && h.bytes().all(|b| b.is_ascii_hexdigit()) => h,
        _ => "0b5394",
    }
}

/// Whether an optional filter value from the query is the option `x` (a select's `selected`).
pub fn chosen(v: &Option<String>, x: &str) -> bool {
    v.as_deref() == Some(x)
}
