//! The 20 JP compliance dashboard: per unit, the share of ASN at 20 JP or more this year as a
//! chart with the table beside it, who is behind and by how much, and the XLSX of everyone.

use askama::Template;
use axum::extract::Query;
use axum::response::Response;
use cakap_store::learning::compliance::Compliance;
use serde::Deserialize;
use tower_sessions::Session;

use crate::auth::Actor;
use crate::error::Result;
use crate::pages::{XCell, render, xlsx_download};
use crate::view::Layout;

#[derive(Deserialize, Default)]
pub struct ComplianceQuery {
    pub tahun: Option<String>,
    pub unit: Option<String>,
}

impl ComplianceQuery {
    /// The year asked for (this year by default; ten years back to one ahead) and the unit.
    fn parse(&self, this_year: i32) -> Result<(i32, Option<i64>)> {
        let year =
            match crate::params::choice("tahun", self.tahun.as_deref(), |v| v.parse::<i32>().ok().filter(|y| (this_year - 10..=this_year + 1).contains(y)))? {
                Some(y) => y,
                None => this_year,
            };
        Ok((year, crate::params::id_choice("unit", self.unit.as_deref())?))
    }
}

pub struct GroupLine {
    pub unit_id: i64,
    pub name: String,
    pub drill: bool,
    pub people: u32,
    pub met: u32,
    pub some: u32,
    pub none: u32,
    pub share: String,
    pub short: String,
}

pub struct BehindLine {
    pub nip: String,
    pub name: String,
    pub unit: String,
    pub jp: u32,
    pub short: u32,
}

/// People listed as behind on the page; the XLSX has everyone.
const BEHIND_SHOWN: usize = 200;

#[derive(Template)]
#[template(path = "learning/compliance.html")]
struct CompliancePage {
    layout: Layout,
    year: i32,
    years: Vec<i32>,
    unit: (i64, String),
    parent: Option<i64>,
    total: GroupLine,
    groups: Vec<GroupLine>,
    chart: String,
    behind: Vec<BehindLine>,
    behind_total: usize,
    can_import: bool,
}

fn group_line(unit_id: i64, name: String, drill: bool, t: &cakap_domain::learning::compliance::Tally) -> GroupLine {
    GroupLine {
        unit_id,
        name,
        drill,
        people: t.people,
        met: t.at_minimum,
        some: t.some,
        none: t.none,
        share: t.share_label(),
        short: cakap_domain::format::int(t.short_jp as i64),
    }
}

async fn load(a: &Actor, q: &ComplianceQuery) -> Result<Compliance> {
    let scope = a.scope()?;
    let (year, unit) = q.parse(scope.today().year())?;
    Ok(scope.compliance(year, unit).await?)
}

pub async fn view_compliance_get(session: Session, a: Actor, Query(q): Query<ComplianceQuery>) -> Result<Response> {
    let c = load(&a, &q).await?;
    let this = a.scope()?.today().year();
    let groups: Vec<GroupLine> = c.groups.iter().map(|g| group_line(g.unit_id, g.name.clone(), g.has_children, &g.tally)).collect();
    let rows: Vec<String> = groups.iter().map(|g| g.name.clone()).collect();
    let counts: Vec<Vec<u32>> = c.groups.iter().map(|g| vec![g.tally.at_minimum, g.tally.some, g.tally.none]).collect();
    let series = [("≥ 20 JP".to_string(), "#2e7d32"), ("1–19 JP".to_string(), "#f9a825"), ("0 JP".to_string(), "#c62828")];
    let chart = crate::charts::stacked_bars(&rows, &series, &counts, &format!("Capaian 20 JP tahun {} per unit", c.year));
    let behind: Vec<BehindLine> = c
        .people
        .iter()
        .filter(|p| p.short > 0)
        .take(BEHIND_SHOWN)
        .map(|p| BehindLine { nip: crate::view::nip(&p.nip), name: p.name.clone(), unit: p.unit_name.clone(), jp: p.jp, short: p.short })
        .collect();
    let layout = Layout::new(&a, &session, "Kepatuhan 20 JP", "/jp").await;
    Ok(render(CompliancePage {
        layout,
        year: c.year,
        years: (this - 3..=this).collect(),
        total: group_line(c.unit.0, c.unit.1.clone(), false, &c.total),
        unit: c.unit,
        parent: c.parent,
        groups,
        chart,
        behind_total: c.people.iter().filter(|p| p.short > 0).count(),
        can_import: a.can(cakap_domain::Permission::ManageClasses),
        behind,
    }))
}

pub async fn view_compliance_xlsx_get(a: Actor, Query(q): Query<ComplianceQuery>) -> Result<Response> {
    let c = load(&a, &q).await?;
    let rows = c.people.iter().map(|p| {
        vec![
            XCell::Text(p.nip.clone()),
            XCell::Text(p.name.clone()),
            XCell::Text(p.unit_name.clone()),
            XCell::Num(f64::from(p.jp)),
            XCell::Num(f64::from(p.short)),
            XCell::Text(if p.short == 0 { "Ya".into() } else { "Belum".into() }),
        ]
    });
    xlsx_download(
        &format!("kepatuhan-20-jp-{}.xlsx", c.year),
        "Kepatuhan 20 JP",
        &["NIP", "Nama", "Unit kerja", &format!("JP {}", c.year), "Kurang JP", "Memenuhi 20 JP"],
        rows,
        &[(0, 22.0), (1, 34.0), (2, 40.0), (3, 10.0), (4, 10.0), (5, 16.0)],
    )
}
