//! `cakap bench akpk`: the AKPK pages of one tenant at a ministry's size (default 200,000
//! employees, the demo's Kota Medan scaled up, ~14 assessments each) on SQLite and, with `--pg`,
//! on PostgreSQL, served through the router in-process as a logged-in planner:
//! - the first load of the tenant's analysis (what a server start or a bulk import costs);
//! - `--writes` times: an assessment posted through the employee's page, then the heatmap page
//!   of that employee's unit, which must show it (the kept analysis is brought up to date from
//!   the change log, not reloaded: the run counts reloads and fails if one happened);
//! - one employee's AKPK page, and the first page of filtered needs lists.
//!
//! References, in the same run on the same database: the full reload the kept analysis avoids,
//! and the plain read of the tenant's assessments that any reload starts with.

use std::path::Path;
use std::time::Instant;

use cakap_store::Store;
use cakap_store::akpk::analysis::Analysis;
use cakap_store::demo::Rng;
use cakap_store::org::employees::EmployeeScope;
use sea_orm::{ConnectionTrait, Statement};

use crate::bench::TempPg;
use crate::bench_plan::Web;

type Res<T> = Result<T, Box<dyn std::error::Error>>;

const PASSWORD: &str = "bench-akpk-2026";

fn percentile(xs: &mut [f64], p: f64) -> f64 {
    xs.sort_by(f64::total_cmp);
    if xs.is_empty() {
        return f64::NAN;
    }
    xs[((xs.len() - 1) as f64 * p).round() as usize]
}

pub(crate) fn line(label: &str, step: &str, samples: &mut [f64], reference: f64, what: &str) {
    let (p50, p99) = (percentile(samples, 0.5), percentile(samples, 0.99));
    println!("| {label} | {step} | {} | {p50:.1} | {p99:.1} | {reference:.1} | {:.3} | {what} |", samples.len(), p50 / reference.max(0.001));
}

pub(crate) async fn timed_get(web: &mut Web, url: &str) -> Res<(f64, Vec<u8>)> {
    let t = Instant::now();
    let a = web.get(url).await?;
    Ok((t.elapsed().as_secs_f64() * 1e3, a.body))
}

async fn measure(label: &str, store: &Store, employees: usize, writes: usize) -> Res<()> {
    let t0 = Instant::now();
    let t = cakap_store::demo::load_sized(store, "medan", employees, PASSWORD).await?;
    if store.is_postgres() {
        store.db.execute_raw(Statement::from_string(store.db.get_database_backend(), "ANALYZE".to_string())).await?;
    }
    let setup = t0.elapsed().as_secs_f64();
    let assessments = cakap_store::akpk::assessments::count_all(store).await?;
    eprintln!("{label}: {employees} employees, {assessments} assessments loaded in {setup:.0} s");
    // The references: a reload from scratch, and the read of assessments it starts with.
    let t1 = Instant::now();
    let fresh = Analysis::load(&store.db, t, &EmployeeScope::Tenant).await?;
    let reload = t1.elapsed().as_secs_f64() * 1e3;
    let t1 = Instant::now();
    let rows = store
        .db
        .query_all_raw(Statement::from_string(
            store.db.get_database_backend(),
            format!("SELECT employee_id, competency_id, method, level, assessed_on FROM assessment WHERE tenant_id = {t}"),
        ))
        .await?
        .len();
    let scan = t1.elapsed().as_secs_f64() * 1e3;
    println!("| {label} | setup: {employees} employees, {assessments} assessments | 1 | {:.0} | | | | bulk load of the demo generator |", setup * 1e3);
    line(label, "first load of the tenant's analysis (a reload)", &mut [reload], scan, &format!("reading the tenant's {rows} assessments"));

    let mut web = Web::new(cakap_web::router(store.clone(), Default::default()));
    web.login("perencana.medan", PASSWORD).await?;
    let (first, _) = timed_get(&mut web, "/akpk").await?;
    line(label, "first heatmap page after start (loads the analysis)", &mut [first], reload, "the reload alone");

    // Who gets assessed: employees with a standard, picked at random (fixed seed).
    let mut rng = Rng(0xA5_5E55);
    let picks: Vec<(i64, i64, i64)> = fresh
        .employees
        .iter()
        .enumerate()
        .filter_map(|(ei, e)| {
            let a = fresh.against(ei, e.position_id)?;
            let c = a.rows.first()?.competency_id;
            Some((e.id, e.unit_id, c))
        })
        .collect();
    let comps_of = |id: i64| {
        let ei = fresh.employee_index(id)?;
        let e = &fresh.employees[ei];
        Some(fresh.against(ei, e.position_id)?.rows.iter().map(|r| r.competency_id).collect::<Vec<_>>())
    };
    let day = (time::OffsetDateTime::now_utc() - time::Duration::days(1)).date().to_string();
    let loads = store.analysis_loads();
    let (mut post_ms, mut view_ms) = (vec![], vec![]);
    for _ in 0..writes {
        let (id, unit, first_comp) = picks[rng.below(picks.len())];
        let comps = comps_of(id).unwrap_or_else(|| vec![first_comp]);
        let comp = comps[rng.below(comps.len())];
        let level = (1 + rng.below(5)).to_string();
        let tw = Instant::now();
        let a = web
            .post(
                &format!("/akpk/pegawai/{id}/penilaian"),
                &[("competency_id", &comp.to_string()), ("method", "assessor"), ("level", &level), ("assessed_on", &day), ("evidence", "Bench")],
            )
            .await?;
        if a.status != axum::http::StatusCode::SEE_OTHER {
            return Err(format!("assessment refused: {} {}", a.status, String::from_utf8_lossy(&a.body)).into());
        }
        post_ms.push(tw.elapsed().as_secs_f64() * 1e3);
        let (ms, _) = timed_get(&mut web, &format!("/akpk?unit={unit}")).await?;
        view_ms.push(ms);
    }
    let reloads = store.analysis_loads() - loads;
    if reloads > 0 {
        return Err(format!("{reloads} reloads during the writes: the kept analysis was not updated in place").into());
    }
    // Shown = what a fresh load shows (the heatmap's sums and the needs).
    let scope = cakap_store::Scope::of(store, std::sync::Arc::new(cakap_store::Principal::operator(store, t).await?), None).ok_or("no tenant scope")?;
    let kept = scope.analysis().await?;
    let fresh = Analysis::load(&store.db, t, &EmployeeScope::Tenant).await?;
    let same = format!("{:?}", kept.heatmap(None)) == format!("{:?}", fresh.heatmap(None))
        && kept.needs(&[], &Default::default()).len() == fresh.needs(&[], &Default::default()).len();
    if !same {
        return Err("the kept analysis differs from a fresh load after the writes".into());
    }
    line(label, "post one assessment (the employee's page form)", &mut post_ms, reload, "the reload it no longer causes");
    line(label, "heatmap page of the employee's unit after it", &mut view_ms, reload, "the reload it no longer causes");

    let mut own = vec![];
    for _ in 0..30 {
        let (id, _, _) = picks[rng.below(picks.len())];
        own.push(timed_get(&mut web, &format!("/akpk/pegawai/{id}")).await?.0);
    }
    let one = {
        let (id, _, _) = picks[0];
        let t1 = Instant::now();
        store
            .db
            .query_all_raw(Statement::from_string(
                store.db.get_database_backend(),
                format!("SELECT * FROM assessment WHERE tenant_id = {t} AND employee_id = {id}"),
            ))
            .await?;
        t1.elapsed().as_secs_f64() * 1e3
    };
    line(label, "one employee's AKPK page", &mut own, one, "the employee's assessment rows");

    let unit = picks[picks.len() / 2].1;
    let name = kept.employees[kept.employees.len() / 3].name.split_whitespace().next().unwrap_or("a").to_string();
    for (what, url) in [
        ("needs, first page, unfiltered", "/akpk/kebutuhan".to_string()),
        ("needs, first page, one unit + high priority", format!("/akpk/kebutuhan?unit={unit}&prioritas=tinggi")),
        ("needs, first page, name search, by gap", format!("/akpk/kebutuhan?q={name}&urut=kesenjangan")),
    ] {
        let mut xs = vec![];
        for _ in 0..10 {
            xs.push(timed_get(&mut web, &url).await?.0);
        }
        line(label, what, &mut xs, scan, "reading the tenant's assessments");
    }
    println!("| {label} | peak RSS of the process | | {:.0} MB | | | | |", crate::bench::peak_rss_mb());
    Ok(())
}

pub async fn run(employees: usize, writes: usize, pg_url: Option<String>, dir: &Path) -> Res<()> {
    std::fs::create_dir_all(dir)?;
    let path = dir.join("akpk.db");
    for f in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{f}", path.display()));
    }
    println!("# cakap bench akpk: Kota Medan grown to {employees} employees, {writes} assessments posted (pages in-process as the planner)\n");
    println!("| database | step | n | p50 ms | p99 ms | reference ms | p50 × reference | reference |");
    println!("|---|---|---:|---:|---:|---:|---:|---|");
    let sqlite = Store::open(&format!("sqlite://{}?mode=rwc", path.display())).await?;
    measure("SQLite", &sqlite, employees, writes).await?;
    drop(sqlite);
    if let Some(admin_url) = pg_url {
        TempPg::run(&admin_url, |pg| async move { measure("PostgreSQL", &pg, employees, writes).await }).await?;
    }
    Ok(())
}
