//! Kompetensi: the dictionary (national manajerial/sosial kultural and the tenant's teknis).

use crate::params::Path;
use askama::Template;
use axum::extract::State;
use axum::response::Response;
use cakap_domain::Permission;
use cakap_domain::competency::{Competency, Family, LevelIndicator};
use tower_sessions::Session;

use crate::params::Form;
use axum::http::StatusCode;
use cakap_store::competency::{LEVEL_FIELDS, TeknisInput};
use serde::Deserialize;

use super::{render, render_status, saved_or_again};
use crate::AppState;
use crate::auth::Actor;
use crate::error::Result;
use crate::view::{FormErrors, Layout};

type Row = (String, i64, String, String);

#[derive(Template)]
#[template(path = "competency/competencies.html")]
struct DictionaryPage {
    layout: Layout,
    groups: Vec<(&'static str, Vec<Row>)>,
    can_manage: bool,
    /// The position standards grid reads the positions (`ReadOrg`): no link for who cannot.
    can_see_standards: bool,
}

pub async fn view_dictionary_get(session: Session, a: Actor) -> Result<Response> {
    let all = a.scope()?.competencies()?.list().await?;
    let groups = Family::ALL
        .iter()
        .map(|f| {
            let rows = all.iter().filter(|c| c.family == *f && c.active).map(|c| (c.code.clone(), c.id, c.name.clone(), c.description.clone())).collect();
            (f.label(), rows)
        })
        .collect();
    let layout = Layout::new(&a, &session, "Kamus Kompetensi", "/kompetensi/kamus").await;
    Ok(render(DictionaryPage { layout, groups, can_manage: a.can(Permission::ManageCompetency), can_see_standards: a.can(Permission::ReadOrg) }))
}

#[derive(Template)]
#[template(path = "competency/competency.html")]
struct CompetencyPage {
    layout: Layout,
    can_edit: bool,
    c: Competency,
    levels: Vec<LevelIndicator>,
}

pub async fn view_competency_get(session: Session, a: Actor, Path(id): Path<i64>) -> Result<Response> {
    let competencies = a.scope()?.competencies()?;
    let c = competencies.get(id).await?;
    let levels = competencies.levels(&c).await?;
    let layout = Layout::new(&a, &session, c.name.clone(), "/kompetensi/kamus")
        .await
        .crumbs(vec![("Kamus Kompetensi".into(), "/kompetensi/kamus".into()), (c.name.clone(), String::new())]);
    let can_edit = a.can(Permission::ManageCompetency) && !c.is_national();
    Ok(render(CompetencyPage { layout, can_edit, c, levels }))
}

#[derive(Deserialize, Default)]
pub struct FormData {
    #[serde(default)]
    code: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    level1: String,
    #[serde(default)]
    level2: String,
    #[serde(default)]
    level3: String,
    #[serde(default)]
    level4: String,
    #[serde(default)]
    level5: String,
}

impl FormData {
    fn input(&self) -> TeknisInput {
        TeknisInput {
            code: self.code.clone(),
            name: self.name.clone(),
            description: self.description.clone(),
            levels: [self.level1.clone(), self.level2.clone(), self.level3.clone(), self.level4.clone(), self.level5.clone()],
        }
    }
}

#[derive(Template)]
#[template(path = "competency/competency_form.html")]
struct FormPage {
    layout: Layout,
    f: TeknisInput,
    /// (field name, text, error) per level.
    levels: Vec<(&'static str, String, String)>,
    errors: FormErrors,
}

async fn form_page(session: &Session, a: &Actor, title: &str, f: TeknisInput, errors: FormErrors) -> Result<Response> {
    let layout = Layout::new(a, session, title, "/kompetensi/kamus").await;
    let levels = LEVEL_FIELDS.iter().zip(f.levels.iter()).map(|(n, t)| (*n, t.clone(), errors.get(n))).collect();
    let status = if errors.any() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    Ok(render_status(status, FormPage { layout, f, levels, errors }))
}

pub async fn view_competency_new_get(session: Session, a: Actor) -> Result<Response> {
    a.scope()?.competency_admin()?;
    form_page(&session, &a, "Tambah Kompetensi Teknis", TeknisInput::default(), FormErrors::default()).await
}

pub async fn view_competency_new_post(session: Session, a: Actor, Form(f): Form<FormData>) -> Result<Response> {
    let input = f.input();
    let result = a.scope()?.competency_admin()?.create_teknis(&input).await;
    saved_or_again(&session, result, |c| format!("/kompetensi/kamus/{}", c.id), |errs| form_page(&session, &a, "Tambah Kompetensi Teknis", input.clone(), errs))
        .await
}

pub async fn view_competency_edit_get(session: Session, a: Actor, Path(id): Path<i64>) -> Result<Response> {
    let scope = a.scope()?;
    scope.competency_admin()?;
    let competencies = scope.competencies()?;
    let c = competencies.get(id).await?;
    if c.is_national() {
        return Err(crate::error::AppError::Forbidden);
    }
    let texts: Vec<String> = competencies.levels(&c).await?.into_iter().map(|l| l.indicator).collect();
    let mut levels: [String; 5] = Default::default();
    for (slot, text) in levels.iter_mut().zip(texts) {
        *slot = text;
    }
    let input = TeknisInput { code: c.code.clone(), name: c.name.clone(), description: c.description.clone(), levels };
    form_page(&session, &a, &format!("Ubah Kompetensi: {}", c.name), input, FormErrors::default()).await
}

pub async fn view_competency_edit_post(session: Session, a: Actor, Path(id): Path<i64>, Form(f): Form<FormData>) -> Result<Response> {
    let scope = a.scope()?;
    let admin = scope.competency_admin()?;
    let c = scope.competencies()?.get(id).await?;
    let input = f.input();
    let result = admin.update_teknis(id, &input).await;
    let title = format!("Ubah Kompetensi: {}", c.name);
    saved_or_again(&session, result, |_| format!("/kompetensi/kamus/{id}"), |errs| form_page(&session, &a, &title, input.clone(), errs)).await
}

pub struct StandardView {
    id: i64,
    name: String,
    family: &'static str,
    default: String,
    /// 0 = not required.
    required: u8,
    overridden: bool,
}

#[derive(Template)]
#[template(path = "competency/standard.html")]
struct StandardPage {
    layout: Layout,
    position: String,
    jenjang: &'static str,
    unit: String,
    rows: Vec<StandardView>,
    can_edit: bool,
}

async fn standard_page(session: &Session, a: &Actor, position_id: i64, status: StatusCode) -> Result<Response> {
    let standard = a.scope()?.competencies()?.position_standard(position_id).await?;
    let (pos, unit) = (standard.position, standard.unit);
    let rows = standard
        .rows
        .into_iter()
        .map(|r| StandardView {
            id: r.competency.id,
            family: r.competency.family.label(),
            name: r.competency.name,
            default: r.default.map(|d| d.to_string()).unwrap_or_else(|| "-".into()),
            required: r.required.unwrap_or(0),
            overridden: r.overridden,
        })
        .collect();
    let layout = Layout::new(a, session, format!("Standar {}", pos.name), "/organisasi/jabatan")
        .await
        .crumbs(vec![("Jabatan".into(), "/organisasi/jabatan".into()), (pos.name.clone(), String::new())]);
    let jenjang = pos.jenjang.label();
    Ok(render_status(status, StandardPage { layout, position: pos.name, jenjang, unit, rows, can_edit: a.can(Permission::ManageCompetency) }))
}

pub async fn view_standard_get(session: Session, a: Actor, Path(position_id): Path<i64>) -> Result<Response> {
    standard_page(&session, &a, position_id, StatusCode::OK).await
}

/// Fields `c_<competency id>` = "" (not required) or 1–5.
pub async fn view_standard_post(
    session: Session,
    a: Actor,
    Path(position_id): Path<i64>,
    Form(f): Form<std::collections::HashMap<String, String>>,
) -> Result<Response> {
    let admin = a.scope()?.competency_admin()?;
    let mut levels = vec![];
    for (k, v) in &f {
        if let Some(id) = k.strip_prefix("c_").and_then(|i| i.parse::<i64>().ok()) {
            let level = if v.trim().is_empty() {
                None
            } else {
                Some(v.trim().parse::<u8>().map_err(|_| crate::error::AppError::BadRequest(format!("level '{v}' tidak valid")))?)
            };
            levels.push((id, level));
        }
    }
    let result = admin.set_standard(position_id, &levels).await;
    match result {
        Ok(()) => {
            crate::view::flash(&session, "Data berhasil disimpan.").await;
            Ok(super::see_other(&format!("/kompetensi/standar/{position_id}")))
        }
        Err(cakap_store::StoreError::Invalid(errs)) => {
            crate::view::flash(&session, &format!("Periksa kembali isian Anda: {}.", errs.iter().map(|e| e.message.as_str()).collect::<Vec<_>>().join("; ")))
                .await;
            standard_page(&session, &a, position_id, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Template)]
#[template(path = "competency/competency_import.html")]
struct ImportPage {
    layout: Layout,
    errors: Vec<cakap_store::import::table::RowError>,
    message: String,
}

async fn import_page(a: &Actor, session: &Session, errors: Vec<cakap_store::import::table::RowError>, message: String) -> Result<Response> {
    let layout = Layout::new(a, session, "Impor Kompetensi Teknis", "/kompetensi/kamus")
        .await
        .crumbs(vec![("Kamus Kompetensi".into(), "/kompetensi/kamus".into()), ("Impor".into(), String::new())]);
    let status = if errors.is_empty() && message.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    Ok(render_status(status, ImportPage { layout, errors, message }))
}

pub async fn view_import_get(session: Session, a: Actor) -> Result<Response> {
    a.scope()?.competency_admin()?;
    import_page(&a, &session, vec![], String::new()).await
}

pub async fn view_import_template_get(a: Actor) -> Result<Response> {
    a.require(Permission::ManageCompetency)?;
    Ok(super::csv_template("templat-kompetensi-teknis.csv", &cakap_store::competency::TEKNIS_HEADERS))
}

pub async fn view_import_post(session: Session, a: Actor, mp: axum::extract::Multipart) -> Result<Response> {
    let admin = a.scope()?.competency_admin()?;
    let super::Upload { file_name, bytes, .. } = super::read_upload(&a, mp).await?;
    if bytes.is_empty() {
        return import_page(&a, &session, vec![], "Pilih berkas yang akan diunggah.".into()).await;
    }
    let table = match cakap_store::import::read_table_blocking(file_name.clone(), bytes).await {
        Ok(t) => t,
        Err(e) => return import_page(&a, &session, vec![], e.to_string()).await,
    };
    match admin.import_teknis(&table).await? {
        Ok((added, updated)) => {
            crate::view::flash(&session, &format!("Impor selesai: {added} kompetensi baru, {updated} diperbarui.")).await;
            Ok(super::see_other("/kompetensi/kamus"))
        }
        Err(errors) => {
            let msg = format!("Tidak ada data yang disimpan: {} kesalahan ditemukan. Perbaiki berkas lalu unggah kembali.", errors.len());
            import_page(&a, &session, errors, msg).await
        }
    }
}

// ---------------------------------------------------------------- bulk standards grid

#[derive(Deserialize, Default, Clone)]
pub struct GridQuery {
    #[serde(default)]
    q: String,
    #[serde(default)]
    kind: String,
    page: Option<u64>,
}

struct GridRow {
    id: i64,
    name: String,
    unit: String,
    jenjang: &'static str,
    /// (competency id, required level 0–5, differs from the default)
    cells: Vec<(i64, u8, bool)>,
}

#[derive(Template)]
#[template(path = "competency/standard_grid.html")]
struct GridPage {
    layout: Layout,
    q: GridQuery,
    kinds: Vec<(&'static str, &'static str)>,
    columns: Vec<(i64, String)>,
    rows: Vec<GridRow>,
    total: u64,
    page: u64,
    pages: u64,
    query_prev: String,
    query_next: String,
    can_edit: bool,
}

const GRID_PER_PAGE: u64 = 30;

async fn grid_page(s: &AppState, session: &Session, a: &Actor, q: GridQuery, status: StatusCode) -> Result<Response> {
    let scope = a.scope()?;
    let page = crate::params::page(q.page);
    let f = cakap_store::org::positions::PositionFilter {
        q: Some(crate::params::search(&q.q)?),
        kind: crate::params::choice("jenis jabatan", Some(&q.kind), cakap_domain::PositionKind::from_code)?,
        ..Default::default()
    };
    let res = scope.positions()?.list(&f, page, GRID_PER_PAGE).await?;
    let pages = res.pages();
    let competencies = scope.competencies()?;
    let comps: Vec<Competency> = competencies.list().await?.into_iter().filter(|c| c.active).collect();
    let defaults = &scope.tenant().settings.standard_defaults;
    let overrides = competencies.overrides().await?;
    let options = s.cache.units(scope).await?;
    let units: std::collections::HashMap<i64, &str> = options.iter().map(|u| (u.id, u.name.as_str())).collect();
    let rows = res
        .items
        .into_iter()
        .map(|p| {
            let j = p.jenjang;
            let cells = comps
                .iter()
                .map(|c| {
                    let over = overrides.get(&(p.id, c.id)).copied();
                    let (default, required) = cakap_store::competency::standards::resolve(defaults, Some(j), c, over);
                    (c.id, required.unwrap_or(0), over.is_some() && required != default)
                })
                .collect();
            GridRow { id: p.id, unit: units.get(&p.unit_id).map(|n| n.to_string()).unwrap_or_default(), name: p.name, jenjang: j.label(), cells }
        })
        .collect();
    let pairs = [("q", q.q.clone()), ("kind", q.kind.clone())];
    let layout = Layout::new(a, session, "Standar Kompetensi Jabatan", "/kompetensi/kamus").await;
    Ok(render_status(
        status,
        GridPage {
            layout,
            kinds: cakap_domain::PositionKind::ALL.iter().map(|k| (k.code(), k.label())).collect(),
            columns: comps.iter().map(|c| (c.id, c.name.clone())).collect(),
            rows,
            total: res.total,
            page,
            pages,
            query_prev: crate::view::page_query(&pairs, page.saturating_sub(1)),
            query_next: crate::view::page_query(&pairs, page + 1),
            can_edit: a.can(Permission::ManageCompetency),
            q,
        },
    ))
}

pub async fn view_grid_get(
    State(s): State<AppState>,
    session: Session,
    a: Actor,
    crate::params::Query(q): crate::params::Query<GridQuery>,
) -> Result<Response> {
    // The grid lists every position of the instansi: for those who read the organisation
    // (the positions handle) and the dictionary (the competencies handle), both asked in grid_page.
    grid_page(&s, &session, &a, q, StatusCode::OK).await
}

/// Fields `s_<position>_<competency>` = "" (not required) or 1–5, for the positions shown; the
/// page's filters come back as `q`, `kind`, `page` so the user returns to the same page.
pub async fn view_grid_post(State(s): State<AppState>, session: Session, a: Actor, Form(f): Form<Vec<(String, String)>>) -> Result<Response> {
    let scope = a.scope()?;
    let admin = scope.competency_admin()?;
    let get = |k: &str| f.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone()).unwrap_or_default();
    let q = GridQuery { q: get("q"), kind: get("kind"), page: get("page").parse().ok() };
    let mut changes: Vec<cakap_store::competency::standards::PositionLevels> = vec![];
    let mut bad = vec![];
    for (k, v) in &f {
        let Some((p, c)) = k.strip_prefix("s_").and_then(|r| r.split_once('_')) else { continue };
        let (Ok(p), Ok(c)) = (p.parse::<i64>(), c.parse::<i64>()) else { continue };
        let level = match v.trim() {
            "" | "0" => None,
            x => match x.parse::<u8>() {
                Ok(l) => Some(l),
                Err(_) => {
                    bad.push(format!("level '{x}' tidak valid"));
                    continue;
                }
            },
        };
        match changes.iter_mut().find(|(id, _)| *id == p) {
            Some((_, ls)) => ls.push((c, level)),
            None => changes.push((p, vec![(c, level)])),
        }
    }
    let result = if bad.is_empty() { admin.set_standards(&changes).await } else { Err(cakap_store::StoreError::invalid("competency", bad.join("; "))) };
    match result {
        Ok(()) => {
            crate::view::flash(&session, "Data berhasil disimpan.").await;
            Ok(super::see_other(&format!(
                "/kompetensi/standar?{}",
                crate::view::page_query(&[("q", q.q.clone()), ("kind", q.kind.clone())], crate::params::page(q.page))
            )))
        }
        Err(cakap_store::StoreError::Invalid(errs)) => {
            crate::view::flash(
                &session,
                &format!("Tidak ada yang disimpan. Periksa kembali isian Anda: {}.", errs.iter().map(|e| e.message.as_str()).collect::<Vec<_>>().join("; ")),
            )
            .await;
            grid_page(&s, &session, &a, q, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(e) => Err(e.into()),
    }
}
