//! `cakap bench import`: the employee-import benchmark of docs/BENCHMARKS.md, reproducible by one
//! command. Everything is generated deterministically and measured in one run, so ratios against
//! the PostgreSQL COPY reference hold on a noisy shared machine.

use std::io::{BufWriter, Write};
use std::path::Path;
use std::time::Instant;

use cakap_store::Store;
use cakap_store::import::employees::ImportMode;
use cakap_store::org::positions::PositionInput;
use cakap_store::org::tenants::TenantForCreate;
use cakap_store::org::units::UnitInput;
use sea_orm::ConnectionTrait;
use sea_orm::sqlx::postgres::PgPoolCopyExt;

type Res<T> = Result<T, Box<dyn std::error::Error>>;

pub struct Org {
    pub tenant_id: i64,
    /// (unit name, position name) pairs rows are spread over.
    pub slots: Vec<(String, String, i64, i64)>,
}

/// A bench tenant with 20 units and 5 positions each.
pub async fn setup_org(store: &Store) -> Res<Org> {
    let t = cakap_store::national::Nation::operator(store)
        .create_tenant(&TenantForCreate {
            code: "bench".into(),
            name: "Pemerintah Kota Uji".into(),
            kind: "kota".into(),
            timezone: "WIB".into(),
            admin_login: "admin.bench".into(),
            admin_name: "Admin Uji".into(),
            admin_password: "bench-admin-2026".into(),
        })
        .await?;
    let scope = cakap_store::Scope::operator(store, t.id).await?;
    let admin = scope.org_admin()?;
    let mut slots = vec![];
    for u in 0..20 {
        let unit = admin.create_unit(&UnitInput { parent_id: None, code: format!("U{u:02}"), name: format!("Unit Uji {u:02}"), kind: "opd".into() }).await?;
        for (p, j) in ["pelaksana", "ahli_muda", "ahli_pertama", "pengawas", "terampil"].iter().enumerate() {
            let pos = admin
                .create_position(&PositionInput {
                    unit_id: unit.id,
                    code: format!("P{u:02}{p}"),
                    name: format!("Jabatan {p} Unit {u:02}"),
                    jenjang: j.to_string(),
                    criticality: 2,
                })
                .await?;
            slots.push((unit.name.clone(), pos.name.clone(), unit.id, pos.id));
        }
    }
    Ok(Org { tenant_id: t.id, slots })
}

/// Row `i` of the synthetic file: a valid, unique NIP whose birth date and gender agree.
pub fn row(i: u64) -> (String, String, &'static str, String, usize) {
    let day = i % 9000; // ~24.6 years of birth dates from 1970
    let birth = time::Date::from_calendar_date(1970, time::Month::January, 1).unwrap() + time::Duration::days(day as i64);
    let rest = i / 9000;
    let tmt_month = 1 + (rest % 12);
    let seq = 1 + (rest / 12) % 999;
    let gender = if i.is_multiple_of(2) { 1 } else { 2 };
    let tmt_year = birth.year() + 22 + ((rest / 12 / 999) % 5) as i32;
    let nip = format!("{:04}{:02}{:02}{tmt_year:04}{tmt_month:02}{gender}{seq:03}", birth.year(), birth.month() as u8, birth.day());
    let name = format!("Pegawai Uji {i}");
    (nip, name, if gender == 1 { "L" } else { "P" }, birth.to_string(), (i % 100) as usize)
}

pub fn write_csv(path: &Path, org: &Org, rows: u64, bad_last: bool) -> Res<()> {
    let mut w = BufWriter::with_capacity(1 << 20, std::fs::File::create(path)?);
    writeln!(w, "NIP,Nama,Jenis Kelamin,Tanggal Lahir,Status,Golongan,Unit,Jabatan,Jabatan Target,Email")?;
    for i in 0..rows {
        let (nip, name, g, birth, slot) = row(i);
        let (unit, pos, _, _) = &org.slots[slot % org.slots.len()];
        if bad_last && i == rows - 1 {
            // Gender digit 3 does not exist: the NIP is invalid.
            writeln!(w, "{}3{},{name},{g},{birth},PNS,III/a,{unit},{pos},,", &nip[..14], &nip[15..])?;
        } else {
            writeln!(w, "{nip},{name},{g},{birth},PNS,III/a,{unit},{pos},,")?;
        }
    }
    w.flush()?;
    Ok(())
}

/// The same rows in the table's own column order, for PostgreSQL's COPY reference.
fn write_copy_file(path: &Path, org: &Org, rows: u64) -> Res<()> {
    let mut w = BufWriter::with_capacity(1 << 20, std::fs::File::create(path)?);
    let now = "2026-01-01 00:00:00+00";
    for i in 0..rows {
        let (nip, name, g, birth, slot) = row(i);
        let (_, _, unit, pos) = &org.slots[slot % org.slots.len()];
        writeln!(w, "{}\t{}\t{nip}\t{name}\t{g}\t{birth}\tpns\tIII/a\t{unit}\t{pos}\t\\N\t\\N\tt\t{now}", org.tenant_id, 1_000_000_000 + i)?;
    }
    w.flush()?;
    Ok(())
}

/// Runs `cakap import-employees` as its own process (as an operator would), so its time and
/// peak memory are the import's alone. Returns (seconds, peak RSS MB).
fn import_in_child(url: &str, csv: &Path) -> Res<(f64, f64)> {
    let out = std::process::Command::new(std::env::current_exe()?)
        .args(["--database-url", url, "import-employees", "--tenant", "bench", "--file"])
        .arg(csv)
        .env("CAKAP_BENCH_REPORT", "1")
        .env("RUST_LOG", "warn")
        .output()?;
    let stderr = String::from_utf8_lossy(&out.stderr);
    if !out.status.success() {
        return Err(format!("import failed: {}{stderr}", String::from_utf8_lossy(&out.stdout)).into());
    }
    let line = stderr.lines().find(|l| l.starts_with("bench-report")).ok_or("no bench report")?;
    let field = |k: &str| -> f64 { line.split_whitespace().find_map(|w| w.strip_prefix(k)).and_then(|v| v.parse().ok()).unwrap_or(f64::NAN) };
    Ok((field("secs="), field("rss_mb=")))
}

/// The process's resident memory now (MB).
pub fn rss_mb() -> f64 {
    status_mb("VmRSS:")
}

pub fn peak_rss_mb() -> f64 {
    status_mb("VmHWM:")
}

fn status_mb(field: &str) -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| s.lines().find(|l| l.starts_with(field)).and_then(|l| l.split_whitespace().nth(1)).and_then(|v| v.parse::<f64>().ok()))
        .map(|kb| kb / 1024.0)
        .unwrap_or(f64::NAN)
}

async fn count(store: &Store, tenant: i64) -> Res<i64> {
    let r = store
        .db
        .query_one_raw(sea_orm::Statement::from_string(store.backend(), format!("SELECT COUNT(*) AS n FROM employee WHERE tenant_id = {tenant}")))
        .await?
        .ok_or("no row")?;
    Ok(r.try_get::<i64>("", "n")?)
}

pub async fn run(rows: u64, pg_url: Option<String>, dir: &Path) -> Res<()> {
    std::fs::create_dir_all(dir)?;
    println!("# cakap bench import: {rows} rows\n");
    println!("| phase | rows | seconds | rows/s | peak RSS MB |\n|---|---:|---:|---:|---:|");

    // SQLite.
    let db_path = dir.join("bench.db");
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", db_path.display()));
    }
    let store = Store::open(&format!("sqlite://{}", db_path.display())).await?;
    let org = setup_org(&store).await?;
    let csv = dir.join("pegawai.csv");
    write_csv(&csv, &org, rows, false)?;
    let t0 = Instant::now();
    check_only(&store, &org, &csv).await?;
    let secs = t0.elapsed().as_secs_f64();
    println!("| check only (parse + validate, no write) | {rows} | {secs:.2} | {:.0} | - |", rows as f64 / secs);
    let sqlite_url = format!("sqlite://{}", db_path.display());
    let (secs, rss) = import_in_child(&sqlite_url, &csv)?;
    println!("| SQLite CSV import (`cakap import-employees`) | {rows} | {secs:.2} | {:.0} | {rss:.0} |", rows as f64 / secs);
    // Moving the WAL into the database file is SQLite maintenance that follows any big write;
    // reported on its own line so the import figure is comparable with COPY (which has none).
    let t0 = Instant::now();
    store.db.execute_unprepared("PRAGMA wal_checkpoint(TRUNCATE)").await?;
    let ck = t0.elapsed().as_secs_f64();
    println!("| SQLite WAL checkpoint after the import | - | {ck:.2} | - | - |");
    println!("| SQLite import incl. checkpoint | {rows} | {:.2} | {:.0} | - |", secs + ck, rows as f64 / (secs + ck));
    assert_eq!(count(&store, org.tenant_id).await? as u64, rows);

    // A file whose last row is bad writes nothing.
    let bad = dir.join("pegawai-bad.csv");
    let small = rows.min(100_000);
    let fresh = Store::open(&format!("sqlite://{}", dir.join("bench-bad.db").display())).await?;
    fresh.db.execute_unprepared("DELETE FROM employee").await?;
    let org2 = setup_org_if_missing(&fresh).await?;
    write_csv(&bad, &org2, small, true)?;
    let s = cakap_store::Scope::operator(&fresh, org2.tenant_id).await?.org_admin()?.import_employee_csv(ImportMode::Upsert, &bad).await?;
    println!(
        "| SQLite, bad last row | {small} | - | - | - |\n\n(bad last row: written = {}, errors = {}, rows in table = {}: {})\n",
        s.written,
        s.error_count,
        count(&fresh, org2.tenant_id).await?,
        s.errors.first().map(|e| e.to_string()).unwrap_or_default()
    );

    // XLSX, 20,000 rows through the web import path (read + check + write).
    let xrows = 20_000u64;
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    for (c, h) in cakap_store::import::employees::TEMPLATE_HEADERS.iter().enumerate() {
        ws.write_string(0, c as u16, *h)?;
    }
    for i in 0..xrows {
        let (nip, name, g, birth, slot) = row(5_000_000 + i);
        let (unit, pos, _, _) = &org.slots[slot % org.slots.len()];
        for (c, v) in [nip.as_str(), &name, g, &birth, "PNS", "III/a", unit, pos].iter().enumerate() {
            ws.write_string(i as u32 + 1, c as u16, *v)?;
        }
    }
    let bytes = wb.save_to_buffer()?;
    let t0 = Instant::now();
    let table = cakap_store::import::read_table("pegawai.xlsx", &bytes).map_err(|e| e.to_string())?;
    let s = cakap_store::Scope::operator(&store, org.tenant_id).await?.org_admin()?.import_employee_table(ImportMode::Upsert, "pegawai.xlsx", &table).await?;
    let secs = t0.elapsed().as_secs_f64();
    assert!(s.written, "xlsx: {:?}", s.errors.first());
    println!("| SQLite XLSX import (read+check+write) | {xrows} | {secs:.2} | {:.0} | - |", xrows as f64 / secs);

    // PostgreSQL: the same import, then COPY of the same rows into an equivalent table.
    if let Some(admin_url) = pg_url {
        let db = TempPg::create(&admin_url).await?;
        let result = async {
            let pg = Store::open(&db.url).await?;
            let org = setup_org(&pg).await?;
            write_csv(&csv, &org, rows, false)?;
            let (import_secs, rss) = import_in_child(&db.url, &csv)?;
            assert_eq!(count(&pg, org.tenant_id).await? as u64, rows);
            println!("| PostgreSQL CSV import (`cakap import-employees`) | {rows} | {import_secs:.2} | {:.0} | {rss:.0} |", rows as f64 / import_secs);
            let copy_file = dir.join("pegawai.copy");
            write_copy_file(&copy_file, &org, rows)?;
            // Equivalent table: same columns, keys and indexes (LIKE … INCLUDING ALL) and the same
            // foreign keys, which LIKE does not copy.
            pg.db
                .execute_unprepared(
                    "CREATE TABLE employee_copy_ref (LIKE employee INCLUDING ALL, \
                     FOREIGN KEY (tenant_id) REFERENCES tenant (id), \
                     FOREIGN KEY (tenant_id, unit_id) REFERENCES unit (tenant_id, id), \
                     FOREIGN KEY (tenant_id, position_id) REFERENCES position (tenant_id, id), \
                     FOREIGN KEY (tenant_id, target_position_id) REFERENCES position (tenant_id, id))",
                )
                .await?;
            let pool = pg.db.get_postgres_connection_pool();
            let data = std::fs::read(&copy_file)?;
            let t0 = Instant::now();
            let mut copy = pool.copy_in_raw("COPY employee_copy_ref FROM STDIN").await?;
            for chunk in data.chunks(1 << 20) {
                copy.send(chunk).await?;
            }
            let n = copy.finish().await?;
            let copy_secs = t0.elapsed().as_secs_f64();
            assert_eq!(n, rows);
            println!("| PostgreSQL COPY reference | {rows} | {copy_secs:.2} | {:.0} | - |", rows as f64 / copy_secs);
            println!("\nPostgreSQL import / COPY throughput ratio: {:.2}", copy_secs / import_secs);
            pg.db.clone().close().await?;
            Ok::<_, Box<dyn std::error::Error>>(())
        }
        .await;
        db.drop().await?;
        result?;
    }
    Ok(())
}

/// A PostgreSQL database made for one benchmark run and dropped after it.
pub struct TempPg {
    admin: sea_orm::DatabaseConnection,
    name: String,
    pub url: String,
}

impl TempPg {
    pub async fn create(admin_url: &str) -> Res<TempPg> {
        let admin = sea_orm::Database::connect(admin_url).await?;
        let name = format!("cakap_bench_{}", hex::encode(rand::random::<[u8; 4]>()));
        admin.execute_unprepared(&format!("CREATE DATABASE {name}")).await?;
        let base = admin_url.rsplit_once('/').map(|(b, _)| b.to_string()).unwrap_or(admin_url.to_string());
        Ok(TempPg { admin, url: format!("{base}/{name}"), name })
    }

    pub async fn drop(self) -> Res<()> {
        self.admin.execute_unprepared(&format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name)).await?;
        Ok(())
    }

    /// Runs `measure` on a store over a fresh database on `admin_url`; the database is dropped
    /// afterwards whether it succeeded or not.
    pub async fn run<F: std::future::Future<Output = Res<()>>>(admin_url: &str, measure: impl FnOnce(Store) -> F) -> Res<()> {
        let db = TempPg::create(admin_url).await?;
        let result = async {
            let pg = Store::open(&db.url).await?;
            let conn = pg.db.clone();
            measure(pg).await?;
            conn.close_by_ref().await?;
            Ok::<_, Box<dyn std::error::Error>>(())
        }
        .await;
        db.drop().await?;
        result
    }
}

/// The best wall time of `runs` calls, and the last result.
pub fn best_of<T>(runs: usize, mut f: impl FnMut() -> T) -> (f64, T) {
    let mut best = f64::INFINITY;
    let mut out = None;
    for _ in 0..runs {
        let t = Instant::now();
        let r = std::hint::black_box(f());
        best = best.min(t.elapsed().as_secs_f64());
        out = Some(r);
    }
    (best, out.expect("runs > 0"))
}

/// One pass of the row checks over the file, as the import's first pass does.
async fn check_only(store: &Store, org: &Org, path: &Path) -> Res<()> {
    let mut rdr = cakap_store::import::table::csv_reader(std::io::BufReader::with_capacity(1 << 20, std::fs::File::open(path)?), b',');
    let mut rec = cakap_store::import::table::StringRecord::new();
    rdr.read_record(&mut rec)?;
    let headers: Vec<String> = rec.iter().map(str::to_string).collect();
    let mut imp =
        cakap_store::import::employees::EmployeeImport::new(&store.db, org.tenant_id, ImportMode::Upsert, &headers).await.map_err(|e| format!("{e:?}"))?;
    let mut cells = Vec::new();
    let mut row = 1;
    while rdr.read_record(&mut rec)? {
        row += 1;
        cells.clear();
        cells.extend(rec.iter().map(str::to_string));
        imp.check_row(row, &cells);
    }
    assert_eq!(imp.summary.error_count, 0);
    Ok(())
}

async fn setup_org_if_missing(store: &Store) -> Res<Org> {
    if let Some(t) = cakap_store::org::tenants::by_code(&store.db, "bench").await? {
        let scope = cakap_store::Scope::operator(store, t.id).await?;
        let units = scope.units()?.list().await?;
        let positions = scope.positions()?.all().await?;
        let mut slots = vec![];
        for u in &units {
            let mut ps: Vec<_> = positions.iter().filter(|p| p.unit_id == u.id).collect();
            ps.sort_by(|a, b| a.code.cmp(&b.code));
            for p in ps {
                slots.push((u.name.clone(), p.name.clone(), u.id, p.id));
            }
        }
        return Ok(Org { tenant_id: t.id, slots });
    }
    setup_org(store).await
}
