//! The `cakap` binary as a user runs it: demo, import, export/import, and a crash mid-import.

use std::io::Write;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use cakap_store::Store;
use sea_orm::{ConnectionTrait, Database};

const BIN: &str = env!("CARGO_BIN_EXE_cakap");

/// A database URL for one test: SQLite in a temp dir, or a fresh PostgreSQL database.
struct Db {
    url: String,
    _dir: tempfile::TempDir,
    pg: Option<(String, String)>,
}

impl Db {
    async fn new() -> Db {
        let dir = tempfile::tempdir().unwrap();
        match std::env::var("TEST_DATABASE_URL").ok().filter(|u| u.starts_with("postgres")) {
            Some(admin) => {
                // The start time keeps a later run whose pid repeats off a database a failed test left.
                let micros = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_micros();
                let name = format!("cakap_cli_{}_{micros}_{}", std::process::id(), unique());
                Database::connect(&admin).await.unwrap().execute_unprepared(&format!("CREATE DATABASE {name}")).await.unwrap();
                let base = admin.rsplit_once('/').unwrap().0.to_string();
                Db { url: format!("{base}/{name}"), _dir: dir, pg: Some((admin, name)) }
            }
            None => Db { url: format!("sqlite://{}", dir.path().join("c.db").display()), _dir: dir, pg: None },
        }
    }

    fn cakap(&self, args: &[&str]) -> Command {
        let mut c = Command::new(BIN);
        c.arg("--database-url").arg(&self.url).args(args).env("CAKAP_DEMO_PASSWORD", "rahasia-uji-123").env("RUST_LOG", "warn");
        c
    }

    async fn drop_pg(&self) {
        if let Some((admin, name)) = &self.pg {
            let _ = Database::connect(admin).await.unwrap().execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).await;
        }
    }
}

/// A number no other test of this process gets: the tests run in parallel threads, and a
/// clock-derived suffix once gave two of them the same database name.
fn unique() -> u64 {
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
}

async fn count(url: &str, sql: &str) -> i64 {
    let store = Store::connect(url).await.unwrap();
    let row = store.db.query_one_raw(sea_orm::Statement::from_string(store.backend(), sql.to_string())).await.unwrap().unwrap();
    row.try_get_by_index::<i64>(0).unwrap()
}

/// `rows` valid employee rows for the demo tenant Kota Medan.
fn big_csv(path: &std::path::Path, rows: u64) {
    let mut w = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    writeln!(w, "NIP,Nama,Jenis Kelamin,Tanggal Lahir,Status,Golongan,Unit,Jabatan").unwrap();
    for i in 0..rows {
        let day = 1 + (i % 28);
        let month = 1 + (i / 28) % 12;
        let year = 1975 + (i / 336) % 20;
        let seq = 1 + (i / 6720) % 999;
        writeln!(w, "{year}{month:02}{day:02}2020{:02}1{seq:03},Pegawai Uji {i},L,{year}-{month:02}-{day:02},PNS,III/a,Kelurahan Harjosari I,Pengadministrasi Kependudukan", 1 + (i % 12)).unwrap();
    }
}

#[tokio::test]
async fn kill_9_mid_import_leaves_no_row_of_it() {
    let db = Db::new().await;
    assert!(db.cakap(&["demo"]).stdout(Stdio::null()).status().unwrap().success());
    let before = count(&db.url, "SELECT COUNT(*) FROM employee").await;
    let csv = db._dir.path().join("besar.csv");
    big_csv(&csv, 400_000);
    let mut child = db.cakap(&["import-employees", "--tenant", "medan", "--file", csv.to_str().unwrap()]).stdout(Stdio::null()).spawn().unwrap();
    // Wait until rows are being written (second pass), then kill without warning.
    let started = Instant::now();
    let writing = loop {
        assert!(started.elapsed() < Duration::from_secs(300), "import never started writing");
        if let Some(status) = child.try_wait().unwrap() {
            panic!("import finished before it could be killed ({status}); make the file bigger");
        }
        let busy = match &db.pg {
            None => std::fs::metadata(format!("{}-wal", db.url.trim_start_matches("sqlite://"))).map(|m| m.len() > 4 << 20).unwrap_or(false),
            Some(_) => count(&db.url, "SELECT COUNT(*) FROM pg_stat_activity WHERE query LIKE 'COPY employee%' AND state = 'active'").await > 0,
        };
        if busy {
            break true;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    assert!(writing);
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    if db.pg.is_some() {
        // The server notices the dead client and rolls its transaction back.
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    assert_eq!(count(&db.url, "SELECT COUNT(*) FROM employee").await, before, "rows of the killed import remain");
    assert_eq!(count(&db.url, "SELECT COUNT(*) FROM import_job").await, 0);
    // The database is healthy: the same import now runs to the end.
    let out = db.cakap(&["import-employees", "--tenant", "medan", "--file", csv.to_str().unwrap()]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stdout));
    assert_eq!(count(&db.url, "SELECT COUNT(*) FROM employee").await, before + 400_000);
    db.drop_pg().await;
}

#[tokio::test]
async fn bad_last_row_writes_nothing_and_exit_code_says_so() {
    let db = Db::new().await;
    assert!(db.cakap(&["demo"]).stdout(Stdio::null()).status().unwrap().success());
    let before = count(&db.url, "SELECT COUNT(*) FROM employee").await;
    let csv = db._dir.path().join("buruk.csv");
    big_csv(&csv, 5_000);
    let mut f = std::fs::OpenOptions::new().append(true).open(&csv).unwrap();
    writeln!(f, "19800512200501100X,Salah,L,1980-05-12,PNS,III/a,Kelurahan Harjosari I,Pengadministrasi Kependudukan").unwrap();
    let out = db.cakap(&["import-employees", "--tenant", "medan", "--file", csv.to_str().unwrap()]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("Baris 5002, kolom NIP: NIP hanya boleh berisi angka"), "{stdout}");
    assert!(stdout.contains("TIDAK ADA yang disimpan"));
    assert_eq!(count(&db.url, "SELECT COUNT(*) FROM employee").await, before);
    db.drop_pg().await;
}

#[tokio::test]
async fn token_create_prints_a_working_secret() {
    let db = Db::new().await;
    assert!(db.cakap(&["demo"]).stdout(Stdio::null()).status().unwrap().success());
    // The defect: `--days -1` was accepted (a token born expired, or worse, never checked).
    let bad = db.cakap(&["token", "create", "--login", "admin.serang", "--days", "-1"]).output().unwrap();
    assert!(!bad.status.success(), "--days -1 is refused");
    let bad = db.cakap(&["token", "create", "--login", "admin.serang", "--days", "4000"]).output().unwrap();
    assert!(!bad.status.success(), "--days 4000 is refused");
    let out = db.cakap(&["token", "create", "--login", "admin.serang"]).output().unwrap();
    assert!(out.status.success());
    let secret = String::from_utf8_lossy(&out.stdout).trim().to_string();
    assert!(secret.starts_with("cakap_") && secret.len() > 40);
    let store = Store::connect(&db.url).await.unwrap();
    let holder = cakap_store::users::user_for_token(&store, &secret, false).await.unwrap().unwrap();
    assert_eq!(Some(holder), cakap_store::users::find_login(&store.db, "admin.serang").await.unwrap().map(|u| u.id));
    db.drop_pg().await;
}

#[tokio::test]
async fn a_fresh_install_gets_its_first_super_admin_from_the_cli() {
    let db = Db::new().await;
    assert!(db.cakap(&["migrate"]).stdout(Stdio::null()).status().unwrap().success());
    // Too short a password: refused with the rule, nothing created.
    let out = db.cakap(&["admin", "create", "--login", "root.nasional"]).env("CAKAP_ADMIN_PASSWORD", "pendek").output().unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("kata sandi minimal 15 karakter"), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(count(&db.url, "SELECT COUNT(*) FROM app_user").await, 0);
    // The password from standard input.
    let mut child = db
        .cakap(&["admin", "create", "--login", "root.nasional", "--name", "Admin Nasional"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(b"sandi-nasional-2026\n").unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success() && String::from_utf8_lossy(&out.stdout).contains("Super admin root.nasional dibuat"));
    let store = Store::connect(&db.url).await.unwrap();
    let ok = cakap_store::users::authenticate(&store, "root.nasional", "sandi-nasional-2026", "127.0.0.1").await.unwrap();
    assert!(ok.is_ok_and(|s| matches!(s, cakap_store::users::LoginStep::Done(u) if u.is_super_admin && u.tenant_id.is_none())));
    // The same login twice is refused.
    let out = db.cakap(&["admin", "create", "--login", "root.nasional"]).env("CAKAP_ADMIN_PASSWORD", "sandi-lain-2026").output().unwrap();
    assert!(!out.status.success() && String::from_utf8_lossy(&out.stderr).contains("sudah dipakai"));
    db.drop_pg().await;
}

#[tokio::test]
async fn import_employees_reads_xlsx_with_the_same_messages_as_the_web() {
    let db = Db::new().await;
    assert!(db.cakap(&["demo"]).stdout(Stdio::null()).status().unwrap().success());
    let before = count(&db.url, "SELECT COUNT(*) FROM employee").await;
    let write = |path: &std::path::Path, rows: &[[&str; 8]]| {
        let mut wb = rust_xlsxwriter::Workbook::new();
        let ws = wb.add_worksheet();
        for (c, h) in ["NIP", "Nama", "Jenis Kelamin", "Tanggal Lahir", "Status", "Golongan", "Unit", "Jabatan"].iter().enumerate() {
            ws.write_string(0, c as u16, *h).unwrap();
        }
        for (r, row) in rows.iter().enumerate() {
            for (c, v) in row.iter().enumerate() {
                ws.write_string(r as u32 + 1, c as u16, *v).unwrap();
            }
        }
        wb.save(path).unwrap();
    };
    let good = ["199204152020122001", "Nur Aini, S.E.", "P", "15-04-1992", "PNS", "III/a", "Kelurahan Harjosari I", "Pengadministrasi Kependudukan"];
    let bad = ["199204152020122002", "Salah Tanggal", "P", "16-04-1992", "PNS", "III/a", "Kelurahan Harjosari I", "Pengadministrasi Kependudukan"];
    let path = db._dir.path().join("pegawai.xlsx");
    write(&path, &[good, bad]);
    let out = db.cakap(&["import-employees", "--tenant", "medan", "--file", path.to_str().unwrap()]).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(2), "a bad row: nothing written ({text})");
    assert!(text.contains("tanggal lahir pada NIP (15-04-1992) tidak sama dengan kolom tanggal lahir (16-04-1992)"), "{text}");
    assert!(!text.contains("utf-8"), "{text}");
    assert_eq!(count(&db.url, "SELECT COUNT(*) FROM employee").await, before);
    write(&path, &[good]);
    let out = db.cakap(&["import-employees", "--tenant", "medan", "--file", path.to_str().unwrap()]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stdout));
    assert_eq!(count(&db.url, "SELECT COUNT(*) FROM employee").await, before + 1);
    db.drop_pg().await;
}
