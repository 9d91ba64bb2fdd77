use axum::http::StatusCode;
use cakap_store::org::employees::EmployeeScope;

use crate::helpers::*;

const HEADER: &str = "NIP;Nama;Jenis Kelamin;Tanggal Lahir;Status;Golongan;Unit;Jabatan;Jabatan Target;Email";

fn rows() -> Vec<String> {
    vec![
        "199102032019031001;Teuku Rahmad, S.Kom.;L;03-02-1991;PNS;III/a;Kelurahan Harjosari I;Pengadministrasi Kependudukan;;rahmad@medan.go.id".into(),
        "199205142020122002;Cut Meutia, S.E.;P;14-05-1992;PNS;III/b;Kelurahan Harjosari II;Pengadministrasi Kependudukan;;".into(),
        "199307222023212003;Rina Siregar;P;1993-07-22;PPPK;IX;Kelurahan Amplas;Pengadministrasi Kependudukan;;".into(),
    ]
}

async fn count(app: &TestApp, t: i64) -> u64 {
    op(app, t).await.employees().unwrap().count_active().await.unwrap()
}

#[tokio::test]
async fn one_bad_last_row_writes_nothing_and_names_row_and_column() {
    let app = TestApp::demo().await;
    let t = app.tenant_id("medan").await;
    let before = count(&app, t).await;
    let mut c = app.login("admin.medan").await;
    c.get("/organisasi/pegawai/impor").await;
    let csrf = c.csrf.clone();
    let mut lines = vec![HEADER.to_string()];
    lines.extend(rows());
    // Row 5: birth date in the NIP (1994-13-01) is not a date; unit unknown.
    lines.push("199413012019031004;Salah Satu;L;01-01-1994;PNS;III/a;Kelurahan Antah Berantah;Pengadministrasi Kependudukan;;".into());
    let res = c.upload("/organisasi/pegawai/impor", "pegawai.csv", lines.join("\n").as_bytes(), "upsert", &csrf).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("<td class=\"num\">5</td><td>NIP</td>"), "{}", res.body);
    assert!(res.body.contains("tanggal lahir pada digit 1–8 tidak valid"));
    assert!(res.body.contains("<td class=\"num\">5</td><td>Unit</td>"));
    assert!(res.body.contains("Tidak ada data yang disimpan"));
    assert!(!res.body.contains("/simpan"), "no commit button when rows fail");
    assert_eq!(count(&app, t).await, before);
}

#[tokio::test]
async fn preview_commit_and_reimport_updates_without_duplicates() {
    let app = TestApp::demo().await;
    let t = app.tenant_id("medan").await;
    let before = count(&app, t).await;
    let mut c = app.login("admin.medan").await;
    c.get("/organisasi/pegawai/impor").await;
    let csrf = c.csrf.clone();
    let mut lines = vec![HEADER.to_string()];
    lines.extend(rows());
    let file = lines.join("\r\n");
    let res = c.upload("/organisasi/pegawai/impor", "pegawai.csv", file.as_bytes(), "upsert", &csrf).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert!(res.body.contains("3 pegawai baru"));
    assert_eq!(count(&app, t).await, before, "preview writes nothing");
    let commit = res.body.split("action=\"").find(|s| s.contains("/simpan")).unwrap().split('"').next().unwrap().to_string();
    let res = c.post(&commit, &[]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert_eq!(count(&app, t).await, before + 3);
    let e = op(&app, t).await.employees().unwrap().by_nip("199307222023212003").await.unwrap().unwrap();
    assert_eq!((e.status.code(), e.golongan.as_deref()), ("pppk", Some("IX")));
    // Committing the same preview twice does nothing more.
    assert_eq!(c.post(&commit, &[]).await.status, StatusCode::NOT_FOUND);
    // Re-import with a changed name: updated, not duplicated.
    let file2 = file.replace("Cut Meutia, S.E.", "Cut Nyak Meutia, S.E.");
    c.get("/organisasi/pegawai/impor").await;
    let res = c.upload("/organisasi/pegawai/impor", "pegawai.csv", file2.as_bytes(), "upsert", &csrf).await;
    assert!(res.body.contains("0 pegawai baru · 3 diperbarui"), "{}", res.body);
    let commit = res.body.split("action=\"").find(|s| s.contains("/simpan")).unwrap().split('"').next().unwrap().to_string();
    c.post(&commit, &[]).await;
    assert_eq!(count(&app, t).await, before + 3);
    let e = op(&app, t).await.employees().unwrap().by_nip("199205142020122002").await.unwrap().unwrap();
    assert_eq!(e.name, "Cut Nyak Meutia, S.E.");
    // "New staff only" mode refuses existing NIPs.
    let res = c.upload("/organisasi/pegawai/impor", "pegawai.csv", file.as_bytes(), "insert", &csrf).await;
    assert!(res.body.contains("sudah terdaftar di instansi ini"));
    // The import is in the audit log and on the admin's Beranda.
    let log = op(&app, t)
        .await
        .audit()
        .unwrap()
        .page(&cakap_store::audit::AuditFilter { entity: cakap_domain::audit::AuditEntity::from_code("employee"), ..Default::default() }, 1, 50)
        .await
        .unwrap()
        .items;
    assert!(log.iter().any(|l| l.action == "import"));
    assert!(c.get("/").await.body.contains("pegawai.csv"));
}

#[tokio::test]
async fn duplicate_nip_in_file_and_missing_columns_are_reported() {
    let app = TestApp::demo().await;
    let mut c = app.login("admin.medan").await;
    c.get("/organisasi/pegawai/impor").await;
    let csrf = c.csrf.clone();
    let r = rows();
    let file = format!("{HEADER}\n{}\n{}\n{}", r[0], r[1], r[0]);
    let res = c.upload("/organisasi/pegawai/impor", "dup.csv", file.as_bytes(), "upsert", &csrf).await;
    assert!(res.body.contains("sudah muncul di baris 2"), "{}", res.body);
    let res = c.upload("/organisasi/pegawai/impor", "x.csv", b"NIP,Nama\n1,2\n", "upsert", &csrf).await;
    assert!(res.body.contains("kolom &#39;Jenis Kelamin&#39; tidak ditemukan") || res.body.contains("kolom 'Jenis Kelamin' tidak ditemukan"), "{}", res.body);
    // Without the CSRF field the upload is refused.
    let res = c.upload("/organisasi/pegawai/impor", "pegawai.csv", file.as_bytes(), "upsert", "palsu").await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn xlsx_import_reads_numeric_nips_and_dates() {
    let app = TestApp::demo().await;
    let t = app.tenant_id("medan").await;
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    for (i, h) in HEADER.split(';').enumerate() {
        ws.write_string(0, i as u16, h).unwrap();
    }
    // NIP as text (as it must be), birth date as a real Excel date.
    ws.write_string(1, 0, "199102032019031001").unwrap();
    ws.write_string(1, 1, "Teuku Rahmad").unwrap();
    ws.write_string(1, 2, "L").unwrap();
    let fmt = rust_xlsxwriter::Format::new().set_num_format("dd-mm-yyyy");
    ws.write_datetime_with_format(1, 3, rust_xlsxwriter::ExcelDateTime::from_ymd(1991, 2, 3).unwrap(), &fmt).unwrap();
    ws.write_string(1, 4, "PNS").unwrap();
    ws.write_string(1, 6, "Kelurahan Harjosari I").unwrap();
    ws.write_string(1, 7, "Pengadministrasi Kependudukan").unwrap();
    let bytes = wb.save_to_buffer().unwrap();
    let mut c = app.login("admin.medan").await;
    c.get("/organisasi/pegawai/impor").await;
    let csrf = c.csrf.clone();
    let res = c.upload("/organisasi/pegawai/impor", "pegawai.xlsx", &bytes, "upsert", &csrf).await;
    assert!(res.body.contains("1 pegawai baru"), "{}", res.body);
    assert!(res.body.contains("0 kesalahan"), "{}", res.body);
    let commit = res.body.split("action=\"").find(|s| s.contains("/simpan")).unwrap().split('"').next().unwrap().to_string();
    c.post(&commit, &[]).await;
    let e = op(&app, t).await.employees().unwrap().by_nip("199102032019031001").await.unwrap().unwrap();
    assert_eq!(e.birth_date.to_string(), "1991-02-03");
    let _ = EmployeeScope::Tenant;
}

#[tokio::test]
async fn xlsx_nip_stored_as_number_is_refused_with_advice() {
    let app = TestApp::demo().await;
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    for (i, h) in HEADER.split(';').enumerate() {
        ws.write_string(0, i as u16, h).unwrap();
    }
    let r: Vec<String> = rows()[0].split(';').map(str::to_string).collect();
    for (i, v) in r.iter().enumerate() {
        ws.write_string(1, i as u16, v).unwrap();
    }
    ws.write_number(1, 0, 199102032019031001.0).unwrap();
    let bytes = wb.save_to_buffer().unwrap();
    let mut c = app.login("admin.medan").await;
    c.get("/organisasi/pegawai/impor").await;
    let csrf = c.csrf.clone();
    let res = c.upload("/organisasi/pegawai/impor", "pegawai.xlsx", &bytes, "upsert", &csrf).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("format kolom NIP sebagai Teks"), "{}", res.body);
}

#[tokio::test]
async fn uploads_up_to_the_limit_are_read_and_bigger_ones_get_a_clear_page() {
    let app = TestApp::demo().await;
    // 3 MB (a 20,000-row CSV is 2.2 MB): read and checked, not refused by a hidden 2 MB limit.
    let mut c = app.login("admin.medan").await;
    c.get("/organisasi/pegawai/impor").await;
    let csrf = c.csrf.clone();
    let mut file = String::from(HEADER);
    while file.len() < 3_000_000 {
        file.push_str("\n199413012019031004;Salah Satu;L;01-01-1994;PNS;III/a;Kelurahan Antah Berantah;Pengadministrasi;;");
    }
    let res = c.upload("/organisasi/pegawai/impor", "besar.csv", file.as_bytes(), "upsert", &csrf).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "checked row by row: {}", &res.body[..res.body.len().min(300)]);
    assert!(res.body.contains("<td>NIP</td>"), "row errors are listed");
    // A deployment limit of 1 MiB: the same file gets a page that names the limit.
    let cfg = cakap_web::WebConfig { max_body: 1024 * 1024, ..Default::default() };
    let mut small = app.login_with("admin.medan", cfg).await;
    small.get("/organisasi/pegawai/impor").await;
    let csrf = small.csrf.clone();
    let res = small.upload("/organisasi/pegawai/impor", "besar.csv", file.as_bytes(), "upsert", &csrf).await;
    assert_eq!(res.status, StatusCode::PAYLOAD_TOO_LARGE, "{}", res.body);
    assert!(res.body.contains("batasnya 1 MiB"), "{}", res.body);
    // The API says the same as a problem document.
    let token = token_for(&app, "admin.medan").await;
    let res = small.api("POST", "/api/v1/units", &token, Some(serde_json::json!({"name": "x".repeat(1_100_000)}))).await;
    assert_eq!(res.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(res.body.contains("batasnya 1 MiB") && res.body.contains("\"status\":413"), "{}", res.body);
}

/// The employee list is served from an in-memory directory; a bulk import written by another
/// process (the CLI, through the import's own SQL) must show once the revisions are read again
/// (`REVISION_RECHECK`, 250 ms).
#[tokio::test]
async fn the_employee_list_sees_a_cli_import_within_the_recheck_interval() {
    let app = TestApp::demo().await;
    let t = app.tenant_id("medan").await;
    let mut c = app.login("admin.medan").await;
    let active = || async {
        use sea_orm::{ConnectionTrait, Statement};
        let q = Statement::from_sql_and_values(
            app.store.db.get_database_backend(),
            "SELECT COUNT(*) AS n FROM employee WHERE tenant_id = $1 AND active",
            [t.into()],
        );
        let n: i64 = app.store.db.query_one_raw(q).await.unwrap().unwrap().try_get("", "n").unwrap();
        format!("<span class=\"num\">{}</span><span>Pegawai aktif</span>", cakap_web::view::int(n as u64))
    };
    assert!(c.get("/").await.body.contains(&active().await));
    let before = c.get("/organisasi/pegawai?q=meutia").await.body;
    assert!(!before.contains("Cut Meutia"), "not there yet");
    let mut lines = vec![HEADER.to_string()];
    lines.extend(rows());
    let table = cakap_store::import::read_table("pegawai.csv", lines.join("\n").as_bytes()).unwrap();
    let s =
        op(&app, t).await.org_admin().unwrap().import_employee_table(cakap_store::import::employees::ImportMode::Upsert, "pegawai.csv", &table).await.unwrap();
    assert_eq!(s.inserted, 3, "{:?}", s.errors);
    tokio::time::sleep(cakap_store::db::REVISION_RECHECK + std::time::Duration::from_millis(50)).await;
    let after = c.get("/organisasi/pegawai?q=meutia").await.body;
    assert!(after.contains("Cut Meutia, S.E."), "{after}");
    assert!(after.contains("Kelurahan Harjosari II"), "labelled with its unit");
    assert!(c.get("/").await.body.contains(&active().await), "Beranda's count follows too");
}

/// The defect: a position code (or a name unique in the tenant) of another unit was accepted,
/// so an import could seat an employee in a unit the position does not belong to.
#[tokio::test]
async fn an_imported_position_must_belong_to_the_rows_unit() {
    let app = TestApp::demo().await;
    let t = app.tenant_id("medan").await;
    let scope = op(&app, t).await;
    let units = scope.units().unwrap().list().await.unwrap();
    let home = units.iter().find(|u| u.name == "Kelurahan Harjosari I").expect("demo unit");
    let elsewhere = scope.positions().unwrap().all().await.unwrap().into_iter().find(|p| p.active && p.unit_id != home.id).expect("a position elsewhere");
    let before = count(&app, t).await;
    let mut c = app.login("admin.medan").await;
    c.get("/organisasi/pegawai/impor").await;
    let csrf = c.csrf.clone();
    let row = format!("199102032019031001;Teuku Rahmad;L;03-02-1991;PNS;III/a;{};{};;", home.name, elsewhere.code);
    let res = c.upload("/organisasi/pegawai/impor", "pegawai.csv", format!("{HEADER}\n{row}\n").as_bytes(), "upsert", &csrf).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.body);
    assert!(res.body.contains("<td class=\"num\">2</td><td>Jabatan</td>"), "{}", res.body);
    assert!(
        res.body.contains(&format!("jabatan &#39;{}&#39; berada di unit", elsewhere.name))
            || res.body.contains(&format!("jabatan '{}' berada di unit", elsewhere.name)),
        "{}",
        res.body
    );
    assert_eq!(count(&app, t).await, before);
}

/// Indonesian Excel's "CSV (Comma delimited)" is Windows-1252: the preview says so and the
/// names arrive as typed, not as replacement characters.
#[tokio::test]
async fn a_windows_1252_csv_imports_with_its_accents() {
    let app = TestApp::demo().await;
    let mut c = app.login("admin.medan").await;
    c.get("/organisasi/pegawai/impor").await;
    let csrf = c.csrf.clone();
    let mut bytes = format!("{HEADER}\n").into_bytes();
    bytes.extend_from_slice(b"199102032019031001;Ren\xE9 Sitorus;L;03-02-1991;PNS;III/a;Kelurahan Harjosari I;Pengadministrasi Kependudukan;;\n");
    let res = c.upload("/organisasi/pegawai/impor", "pegawai.csv", &bytes, "upsert", &csrf).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert!(res.body.contains("Berkas dibaca sebagai teks Windows-1252"), "{}", res.body);
    let id: String = res.body.split("action=\"/organisasi/pegawai/impor/").nth(1).unwrap().split('/').next().unwrap().to_string();
    assert_eq!(c.post(&format!("/organisasi/pegawai/impor/{id}/simpan"), &[]).await.status, StatusCode::SEE_OTHER);
    assert!(c.get("/organisasi/pegawai?q=sitorus").await.body.contains("René Sitorus"));
}
