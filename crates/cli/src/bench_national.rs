//! `cakap bench national`: the super admin's Rekap Nasional over a national database (default
//! 500 instansi of Zipf-like sizes, 4.3 million ASN, ~14 assessments each, written by the bulk
//! generator `cakap_store::demo::national`), on SQLite and, with `--pg`, on PostgreSQL:
//! - the first build of every ASN's standing from the assessments (a process that finds none
//!   written), and the keeper's first write of them;
//! - a restart: a new process (`bench national-serve`, so its memory is its own) opens the
//!   database and serves its first national page from the written standings;
//! - the page as the super admin sees it (in-process through the router, logged in with the
//!   second factor): unchanged, and right after an assessment somewhere (which it must show:
//!   the run checks the figures against SQL at the end and fails on a difference), and each
//!   ad-hoc filter.
//!
//! Reference, in the same run on the same database: one SQL query computing the same figures
//! (effective level per the default rule, against the held position's standard, per tenant ×
//! national competency) over the same tables.

use std::collections::HashMap;
use std::time::Instant;

use cakap_domain::rollup::Agg;
use cakap_store::Store;
use cakap_store::demo::Rng;
use sea_orm::{ConnectionTrait, Statement};

use crate::bench_akpk::{line, timed_get};
use crate::bench_plan::Web;

type Res<T> = Result<T, Box<dyn std::error::Error>>;

const PASSWORD: &str = "bench-national-2026";
const LOGIN: &str = "superadmin.bench";

/// The figures per (tenant, national code) by one SQL query; `pg` picks the dialect's fastest
/// form of "the effective rating per employee × competency" (DISTINCT ON / ROW_NUMBER).
fn reference_sql(pg: bool) -> String {
    let rank = "CASE method WHEN 'supervisor' THEN 1 WHEN 'self' THEN 2 ELSE 0 END, assessed_on DESC, created_at DESC, id DESC";
    let methods = "method IN ('assessor', 'uji_kompetensi', 'supervisor', 'self')";
    let eff = if pg {
        format!(
            "SELECT DISTINCT ON (tenant_id, employee_id, competency_id) tenant_id, employee_id, competency_id, level FROM assessment \
             WHERE {methods} ORDER BY tenant_id, employee_id, competency_id, {rank}"
        )
    } else {
        format!(
            "SELECT tenant_id, employee_id, competency_id, level FROM (SELECT tenant_id, employee_id, competency_id, level, \
             ROW_NUMBER() OVER (PARTITION BY tenant_id, employee_id, competency_id ORDER BY {rank}) AS rn FROM assessment WHERE {methods}) r WHERE rn = 1"
        )
    };
    format!(
        "WITH eff AS ({eff}) \
         SELECT e.tenant_id, c.national_code, COUNT(*) AS n_rows, COUNT(f.level) AS assessed, COALESCE(SUM(f.level), 0) AS sum_actual, \
         COALESCE(SUM(CASE WHEN f.level IS NOT NULL THEN s.required_level END), 0) AS sum_required_assessed, \
         COALESCE(SUM(CASE WHEN f.level < s.required_level THEN s.required_level - f.level ELSE 0 END), 0) AS sum_gap, \
         COALESCE(SUM(CASE WHEN f.level < s.required_level THEN 1 ELSE 0 END), 0) AS with_gap, \
         COALESCE(SUM(CASE WHEN f.level IS NULL THEN 0 WHEN f.level < s.required_level THEN f.level ELSE s.required_level END), 0) AS sum_met, \
         COALESCE(SUM(s.required_level), 0) AS sum_required \
         FROM employee e \
         JOIN position_standard s ON s.tenant_id = e.tenant_id AND s.position_id = e.position_id AND s.required_level > 0 \
         JOIN competency c ON c.tenant_id = s.tenant_id AND c.id = s.competency_id AND c.national_code IS NOT NULL AND c.active = TRUE \
         LEFT JOIN eff f ON f.tenant_id = e.tenant_id AND f.employee_id = e.id AND f.competency_id = s.competency_id \
         WHERE e.active = TRUE GROUP BY e.tenant_id, c.national_code"
    )
}

async fn reference(store: &Store) -> Res<(f64, HashMap<(i64, String), Agg>)> {
    let t = Instant::now();
    let rows = store.db.query_all_raw(Statement::from_string(store.db.get_database_backend(), reference_sql(store.is_postgres()))).await?;
    let ms = t.elapsed().as_secs_f64() * 1e3;
    let mut out = HashMap::new();
    for r in rows {
        let g = |i: usize| -> Res<u64> { Ok(r.try_get_by_index::<i64>(i)? as u64) };
        let agg = Agg {
            rows: g(2)?,
            assessed: g(3)?,
            sum_actual: g(4)?,
            sum_required_assessed: g(5)?,
            sum_gap: g(6)?,
            with_gap: g(7)?,
            sum_met: g(8)?,
            sum_required: g(9)?,
        };
        out.insert((r.try_get_by_index::<i64>(0)?, r.try_get_by_index::<String>(1)?), agg);
    }
    Ok((ms, out))
}

fn today() -> time::Date {
    cakap_domain::Zone::Wib.today()
}

async fn shown(store: &Store) -> Res<cakap_store::akpk::national::National> {
    Ok(cakap_store::national::Nation::operator(store).analysis(&Default::default(), today()).await?)
}

/// The page's figures equal the SQL's, cell by cell.
fn check(n: &cakap_store::akpk::national::National, sql: &HashMap<(i64, String), Agg>) -> Res<()> {
    let mut cells = 0;
    for (t, _, aggs, _) in &n.tenants {
        for ((code, _), a) in n.competencies.iter().zip(aggs) {
            let want = sql.get(&(t.id, code.clone())).copied().unwrap_or_default();
            if *a != want {
                return Err(format!("{} {code}: halaman {a:?}, SQL {want:?}", t.name).into());
            }
            cells += 1;
        }
    }
    eprintln!("checked: {cells} cells equal to SQL");
    Ok(())
}

fn secs(t: Instant) -> f64 {
    t.elapsed().as_secs_f64() * 1e3
}

async fn measure(label: &str, url: &str, employees: usize, tenants: usize, writes: usize) -> Res<()> {
    let store = Store::open(url).await?;
    let t0 = Instant::now();
    let g = cakap_store::demo::national::generate(&store, employees, tenants, 0x4E47).await?;
    let setup = secs(t0);
    eprintln!("{label}: {} tenants, {} employees, {} assessments in {:.0} s", g.tenants, g.employees, g.assessments, setup / 1e3);
    println!(
        "| {label} | setup: {} instansi, {} ASN, {} assessments (largest {}) | 1 | {setup:.0} | | | | bulk generator (COPY / multi-row INSERT) |",
        g.tenants, g.employees, g.assessments, g.sizes[0].1
    );
    cakap_store::users::create_super_admin(&store, LOGIN, "Super Admin Bench", PASSWORD).await?;
    let secret = cakap_store::second_factor::operator_enrol(&store, LOGIN).await?;

    println!("| {label} | peak RSS after generation | | {:.0} MB | | | | |", crate::bench::peak_rss_mb());
    let (sql_ms, sql) = reference(&store).await?;
    println!("| {label} | reference: one SQL query for the national figures | 1 | {sql_ms:.0} | | | | |");

    // First build: nothing written yet, every tenant recomputed from its assessments. (Linux:
    // 5 in clear_refs resets the peak RSS, so the SQL query's own memory on SQLite, which runs
    // in this process, is not counted below.)
    let _ = std::fs::write("/proc/self/clear_refs", "5");
    let t = Instant::now();
    let first = shown(&store).await?;
    let build = secs(t);
    check(&first, &sql)?;
    line(label, "first build of every standing (no standings written)", &mut [build], sql_ms, "the SQL query");
    let t = Instant::now();
    let written = cakap_store::akpk::national::persist(&store).await?;
    line(label, &format!("keeper writes the standings ({written} instansi)"), &mut [secs(t)], sql_ms, "the SQL query");
    store.db.clone().close().await?;
    println!("| {label} | peak RSS during the first build and the keeper's write | | {:.0} MB | | | | |", crate::bench::peak_rss_mb());

    // A restart: a new process serves the pages (its peak RSS is its own).
    let out = std::process::Command::new(std::env::current_exe()?)
        .args(["bench", "national-serve", "--url", url, "--secret", &secret, "--label", label])
        .args(["--reference-ms", &format!("{sql_ms}"), "--writes", &writes.to_string()])
        .stderr(std::process::Stdio::inherit())
        .output()?;
    print!("{}", String::from_utf8_lossy(&out.stdout));
    if !out.status.success() {
        return Err("the serving process failed".into());
    }
    // The figures after every write still equal SQL's over the same tables (read by a third
    // process from the standings as written and the change log since).
    let store = Store::open(url).await?;
    let (_, sql_after) = reference(&store).await?;
    check(&shown(&store).await?, &sql_after)?;
    store.db.clone().close().await?;
    Ok(())
}

/// The serving half of the run, in its own process: open the database as a server start does,
/// log in as the super admin, serve the national page unchanged, after writes and filtered.
pub async fn serve(url: &str, secret: &str, label: &str, sql_ms: f64, writes: usize) -> Res<()> {
    let t = Instant::now();
    let store = Store::open(url).await?;
    let mut web = Web::new(cakap_web::router(store.clone(), Default::default()));
    web.login_second_factor(LOGIN, PASSWORD, secret).await?;
    let (page, body) = timed_get(&mut web, "/nasional").await?;
    let start = secs(t);
    if !String::from_utf8_lossy(&body).contains("Rekap Nasional AKPK") || store.national_rebuilds() != 0 {
        return Err(format!("restart: page or rebuilds ({}) wrong", store.national_rebuilds()).into());
    }
    line(label, "restart: open, log in, first national page (standings read as written)", &mut [start], sql_ms, "the SQL query");
    line(label, "  of which the first national page", &mut [page], sql_ms, "the SQL query");
    println!("| {label} | RSS after the first page | | {:.0} MB | | | | |", crate::bench::rss_mb());

    let mut xs = vec![];
    for _ in 0..20 {
        xs.push(timed_get(&mut web, "/nasional").await?.0);
    }
    line(label, "national page, nothing changed", &mut xs, sql_ms, "the SQL query");

    // After each write, the next view: an assessment centre rating of level 1 on a national
    // competency of a random ASN in a random instansi (weighted by size, as writes are).
    let backend = store.db.get_database_backend();
    let mut sizes: Vec<(i64, usize)> = vec![];
    for r in store.db.query_all_raw(Statement::from_string(backend, "SELECT tenant_id, COUNT(*) FROM employee GROUP BY tenant_id ORDER BY tenant_id")).await? {
        sizes.push((r.try_get_by_index(0)?, r.try_get_by_index::<i64>(1)? as usize));
    }
    let everyone: usize = sizes.iter().map(|s| s.1).sum();
    let mut comps: HashMap<i64, Vec<i64>> = HashMap::new();
    for r in store.db.query_all_raw(Statement::from_string(backend, "SELECT tenant_id, id FROM competency WHERE national_code IS NOT NULL ORDER BY id")).await?
    {
        comps.entry(r.try_get_by_index(0)?).or_default().push(r.try_get_by_index(1)?);
    }
    let mut rng = Rng(0x5EED_2026);
    let mut xs = vec![];
    let mut moved = 0;
    let mut before = shown(&store).await?.overall;
    for _ in 0..writes {
        let (mut pick, mut at) = (rng.below(everyone), 0);
        while at + 1 < sizes.len() && pick >= sizes[at].1 {
            pick -= sizes[at].1;
            at += 1;
        }
        let (t, n) = sizes[at];
        let employee = 1 + rng.below(n) as i64;
        let input = cakap_store::akpk::assessments::AssessmentInput {
            competency_id: *rng.pick(&comps[&t]),
            level: 1,
            method: cakap_domain::competency::Method::Assessor,
            assessed_on: today(),
            evidence: "Bench nasional".into(),
            rater_name: "Asesor".into(),
        };
        let p = cakap_store::Principal::operator(&store, t).await?;
        let operator = cakap_store::Scope::of(&store, std::sync::Arc::new(p), None).ok_or("tenant scope")?;
        operator.assessor()?.assess(employee, input).await?;
        let (ms, _) = timed_get(&mut web, "/nasional").await?;
        xs.push(ms);
        let now = shown(&store).await?.overall;
        moved += usize::from(now != before);
        before = now;
    }
    line(label, &format!("national page right after an assessment ({moved} of {writes} changed the figures)"), &mut xs, sql_ms, "the SQL query");
    if store.national_rebuilds() != 0 {
        return Err(format!("{} tenants recomputed whole after single assessments", store.national_rebuilds()).into());
    }
    for (what, q) in [
        ("filter: jenis jabatan pelaksana", "jenis=pelaksana"),
        ("filter: PPPK", "status=pppk"),
        ("filter: PNS golongan III/a", "status=pns&golongan=III%2Fa"),
        ("filter: perempuan", "jk=P"),
        ("filter: usia 50 tahun ke atas", "usia=50plus"),
        ("filter: all five at once", "jenis=fungsional&status=pns&golongan=III%2Fb&jk=L&usia=30_39"),
    ] {
        let mut xs = vec![];
        for _ in 0..5 {
            xs.push(timed_get(&mut web, &format!("/nasional?{q}")).await?.0);
        }
        line(label, what, &mut xs, sql_ms, "the SQL query");
    }
    println!("| {label} | peak RSS of the serving process | | {:.0} MB | | | | |", crate::bench::peak_rss_mb());
    Ok(())
}

pub async fn run(employees: usize, tenants: usize, writes: usize, pg_url: Option<String>, dir: &std::path::Path, sqlite: bool) -> Res<()> {
    std::fs::create_dir_all(dir)?;
    println!("# cakap bench national: {tenants} instansi, {employees} ASN, {writes} assessments (pages in-process as the super admin)\n");
    println!("| database | step | n | p50 ms | p99 ms | reference ms | p50 × reference | reference |");
    println!("|---|---|---:|---:|---:|---:|---:|---|");
    if sqlite {
        let path = dir.join("national.db");
        for f in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{f}", path.display()));
        }
        measure("SQLite", &format!("sqlite://{}?mode=rwc", path.display()), employees, tenants, writes).await?;
        for f in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{f}", path.display()));
        }
    }
    if let Some(admin_url) = pg_url {
        let db = crate::bench::TempPg::create(&admin_url).await?;
        let result = measure("PostgreSQL", &db.url, employees, tenants, writes).await;
        db.drop().await?;
        result?;
    }
    Ok(())
}
