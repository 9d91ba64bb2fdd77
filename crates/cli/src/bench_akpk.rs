//! `cakap bench akpk`: the AKPK analysis of one tenant at a real size (default 20,000 employees,
//! the demo's Kota Medan scaled up, ~20 assessments each) on SQLite and, with `--pg`, on
//! PostgreSQL: the first load (what the web cache saves), then the heatmap, the needs list and
//! one employee's AKPK computed from a loaded analysis.

use std::path::Path;
use std::time::Instant;

use cakap_store::Store;
use cakap_store::akpk::analysis::Analysis;
use cakap_store::org::employees::EmployeeScope;

use crate::bench::{TempPg, best_of};

type Res<T> = Result<T, Box<dyn std::error::Error>>;

async fn measure(label: &str, store: &Store, employees: usize) -> Res<()> {
    let t0 = Instant::now();
    let t = cakap_store::demo::load_sized(store, "medan", employees, "bench-akpk-2026").await?;
    let setup = t0.elapsed().as_secs_f64();
    let assessments = cakap_store::akpk::assessments::count_all(store).await?;
    let mut load = f64::MAX;
    let mut an = None;
    for _ in 0..3 {
        let t1 = Instant::now();
        an = Some(Analysis::load(&store.db, t, &EmployeeScope::Tenant).await?);
        load = load.min(t1.elapsed().as_secs_f64());
    }
    let an = an.expect("loaded");
    let (heat, hm) = best_of(5, || an.heatmap(None));
    let (needs, list) = best_of(5, || an.needs(&[], &Default::default()));
    let e = an.employees[an.employees.len() / 2].id;
    let mut one = f64::MAX;
    for _ in 0..5 {
        let t1 = Instant::now();
        let a = Analysis::load(&store.db, t, &EmployeeScope::Own(e)).await?;
        let _ = std::hint::black_box(a.against(0, a.employees[0].position_id));
        one = one.min(t1.elapsed().as_secs_f64());
    }
    println!(
        "| {label} | {} | {assessments} | {setup:.1} | {:.0} | {:.1} | {:.1} | {:.1} | {} rows, {} needs, {} to calibrate |",
        an.employees.len(),
        load * 1e3,
        heat * 1e3,
        needs * 1e3,
        one * 1e3,
        hm.rows.len(),
        list.len(),
        an.calibration.len()
    );
    Ok(())
}

pub async fn run(employees: usize, pg_url: Option<String>, dir: &Path) -> Res<()> {
    std::fs::create_dir_all(dir)?;
    let path = dir.join("akpk.db");
    for f in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{f}", path.display()));
    }
    println!("# cakap bench akpk: one tenant of {employees} employees (best of 3 loads, 5 computations)\n");
    println!("| database | employees | assessments | setup s | first load ms | heatmap ms | needs ms | one employee's AKPK ms | result |");
    println!("|---|---:|---:|---:|---:|---:|---:|---:|---|");
    let sqlite = Store::open(&format!("sqlite://{}?mode=rwc", path.display())).await?;
    measure("SQLite", &sqlite, employees).await?;
    if let Some(admin_url) = pg_url {
        TempPg::run(&admin_url, |pg| async move { measure("PostgreSQL", &pg, employees).await }).await?;
    }
    Ok(())
}
