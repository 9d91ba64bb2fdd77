//! Kompetensi: the dictionary (national manajerial/sosial kultural and the tenant's teknis).

use askama::Template;
use axum::extract::{Path, State};
use axum::response::Response;
use cakap_domain::competency::Family;
use cakap_domain::Permission;
use cakap_store::entity::{competency, competency_level};
use tower_sessions::Session;

use super::render;
use crate::auth::Actor;
use crate::error::Result;
use crate::view::Layout;
use crate::AppState;

type Row = (String, i64, String, String);

#[derive(Template)]
#[template(path = "competencies.html")]
struct DictionaryPage {
    layout: Layout,
    groups: Vec<(&'static str, Vec<Row>)>,
}

pub async fn view_dictionary_get(State(s): State<AppState>, session: Session, a: Actor) -> Result<Response> {
    a.require(Permission::ReadCompetency)?;
    let all = cakap_store::competency::list(&s.store.db, a.tenant()?).await?;
    let groups = Family::ALL
        .iter()
        .map(|f| {
            let rows = all.iter().filter(|c| c.family == f.code() && c.active).map(|c| (c.code.clone(), c.id, c.name.clone(), c.description.clone())).collect();
            (f.label(), rows)
        })
        .collect();
    let layout = Layout::new(&a, &session, "Kamus Kompetensi", "/kompetensi/kamus").await;
    Ok(render(DictionaryPage { layout, groups }))
}

#[derive(Template)]
#[template(path = "competency.html")]
struct CompetencyPage {
    layout: Layout,
    c: competency::Model,
    family: &'static str,
    levels: Vec<competency_level::Model>,
}

pub async fn view_competency_get(State(s): State<AppState>, session: Session, a: Actor, Path(id): Path<i64>) -> Result<Response> {
    a.require(Permission::ReadCompetency)?;
    let t = a.tenant()?;
    let c = cakap_store::competency::get(&s.store.db, t, id).await?;
    let levels = cakap_store::competency::levels(&s.store.db, t, &c).await?;
    let layout = Layout::new(&a, &session, c.name.clone(), "/kompetensi/kamus")
        .await
        .crumbs(vec![("Kamus Kompetensi".into(), "/kompetensi/kamus".into()), (c.name.clone(), String::new())]);
    Ok(render(CompetencyPage { layout, family: Family::from_code(&c.family).map(|f| f.label()).unwrap_or("-"), c, levels }))
}
