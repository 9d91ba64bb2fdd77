use axum::http::StatusCode;

use cakap_domain::UnitKind;

use crate::helpers::*;

async fn first_kelurahan_and_position(app: &TestApp, tenant: i64) -> (i64, i64) {
    let units = op(app, tenant).await.units().unwrap().list().await.unwrap();
    let kel = units.iter().find(|u| u.kind == UnitKind::Kelurahan).unwrap();
    let pos = op(app, tenant).await.positions().unwrap().all().await.unwrap();
    let p = pos.iter().find(|p| p.unit_id == kel.id).unwrap();
    (kel.id, p.id)
}

#[tokio::test]
async fn invalid_employee_form_keeps_input_and_names_fields() {
    let app = TestApp::demo().await;
    let t = app.tenant_id("medan").await;
    let (unit, pos) = first_kelurahan_and_position(&app, t).await;
    let mut c = app.login("admin.medan").await;
    c.get("/organisasi/pegawai/baru").await;
    let (unit_s, pos_s) = (unit.to_string(), pos.to_string());
    let res = c
        .post(
            "/organisasi/pegawai/baru",
            &[
                ("status", "PNS"),
                ("nip", "19850101 201001 1 00"),
                ("nama", "Dra. Hj. Rahmawati Lubis, M.Pd."),
                ("jenis_kelamin", "P"),
                ("tanggal_lahir", "01-01-1985"),
                ("golongan", "III/c"),
                ("unit_id", &unit_s),
                ("position_id", &pos_s),
                ("email", ""),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("NIP harus 18 digit angka (ditemukan 17 karakter)"), "{}", res.body);
    assert!(res.body.contains("value=\"Dra. Hj. Rahmawati Lubis, M.Pd.\""), "typed name kept");
    assert!(res.body.contains("value=\"19850101 201001 1 00\""), "typed NIP kept");
    // NIP says male (digit 15 = 1) but the form says female.
    let res = c
        .post(
            "/organisasi/pegawai/baru",
            &[
                ("status", "PNS"),
                ("nip", "198501012010011005"),
                ("nama", "Rahmawati"),
                ("jenis_kelamin", "P"),
                ("tanggal_lahir", "01-01-1985"),
                ("unit_id", &unit_s),
                ("position_id", &pos_s),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("kode jenis kelamin pada NIP"), "{}", res.body);
    // Valid: saved, listed, searchable by grouped NIP, audited.
    let res = c
        .post(
            "/organisasi/pegawai/baru",
            &[
                ("status", "PNS"),
                ("nip", "198501012010012005"),
                ("nama", "Dra. Hj. Rahmawati Lubis, M.Pd."),
                ("jenis_kelamin", "P"),
                ("tanggal_lahir", "01-01-1985"),
                ("golongan", "iii/c"),
                ("unit_id", &unit_s),
                ("position_id", &pos_s),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let list = c.get("/organisasi/pegawai?q=19850101+201001+2+005").await;
    assert!(list.body.contains("Dra. Hj. Rahmawati Lubis, M.Pd."));
    assert!(list.body.contains("19850101 201001 2 005"), "NIP shown grouped");
    assert!(list.body.contains("Total 1 data"));
    // Same NIP again: a form message, not a 500.
    let res = c
        .post(
            "/organisasi/pegawai/baru",
            &[
                ("status", "PNS"),
                ("nip", "198501012010012005"),
                ("nama", "Duplikat"),
                ("jenis_kelamin", "P"),
                ("tanggal_lahir", "01-01-1985"),
                ("unit_id", &unit_s),
                ("position_id", &pos_s),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("NIP sudah terdaftar di instansi ini"));
}

#[tokio::test]
async fn supervisor_sees_own_subtree_and_employee_only_self() {
    let app = TestApp::demo().await;
    let t = app.tenant_id("medan").await;
    let mut sup = app.login("atasan.medan").await;
    let body = sup.get("/organisasi/pegawai").await.body;
    let units = op(&app, t).await.units().unwrap().list().await.unwrap();
    let kec = units.iter().find(|u| u.name == "Kecamatan Medan Amplas").unwrap();
    let in_scope = scope_of(&app, "atasan.medan").await.employees().unwrap().list(&Default::default(), 1, 1).await.unwrap().total;
    let all = op(&app, t).await.employees().unwrap().count_active().await.unwrap();
    assert!(in_scope > 0 && in_scope < all);
    assert!(body.contains(&format!("Total {in_scope} data")), "{body}");
    // An employee outside the subtree is not found for the supervisor.
    let outside = op(&app, t)
        .await
        .employees()
        .unwrap()
        .list(&Default::default(), 1, 500)
        .await
        .unwrap()
        .items
        .into_iter()
        .find(|e| !units.iter().any(|u| u.id == e.unit_id && u.path.starts_with(&kec.path)))
        .unwrap();
    assert_eq!(sup.get(&format!("/organisasi/pegawai/{}", outside.id)).await.status, StatusCode::NOT_FOUND);
    // The employee sees exactly one record: their own.
    let mut emp = app.login("pegawai.medan").await;
    let body = emp.get("/organisasi/pegawai").await.body;
    assert!(body.contains("Total 1 data"), "{body}");
    assert_eq!(emp.get(&format!("/organisasi/pegawai/{}", outside.id)).await.status, StatusCode::NOT_FOUND);
    // Neither may edit.
    assert_eq!(sup.get("/organisasi/pegawai/baru").await.status, StatusCode::FORBIDDEN);
    assert_eq!(emp.get("/organisasi/unit").await.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn csv_export_escapes_formula_cells() {
    let app = TestApp::demo().await;
    let t = app.tenant_id("medan").await;
    let (unit, pos) = first_kelurahan_and_position(&app, t).await;
    let form = cakap_store::org::employees::EmployeeForm {
        person: cakap_domain::employee::EmployeeInput {
            nip: "199001012015031002".into(),
            nama: "=HYPERLINK(\"http://x\")".into(),
            jenis_kelamin: "L".into(),
            tanggal_lahir: "1990-01-01".into(),
            status: "PNS".into(),
            golongan: String::new(),
            email: String::new(),
        },
        unit_id: Some(unit),
        position_id: Some(pos),
        target_position_id: None,
    };
    op(&app, t).await.org_admin().unwrap().create_employee(&form).await.unwrap();
    let mut c = app.login("admin.medan").await;
    let res = c.get("/organisasi/pegawai/unduh.csv?q=199001012015031002").await;
    assert_eq!(res.status, StatusCode::OK);
    assert!(res.body.contains("'=HYPERLINK"), "{}", res.body);
    assert!(!res.body.contains(",=HYPERLINK") && !res.body.contains(",\"=HYPERLINK"));
    let x = c.get("/organisasi/pegawai/unduh.xlsx?q=199001012015031002").await;
    assert_eq!(x.status, StatusCode::OK);
    assert!(x.bytes.starts_with(b"PK"), "an XLSX is a zip");
}

#[tokio::test]
async fn employee_list_sorts_by_name_and_nip_keeping_filters() {
    let app = TestApp::demo().await;
    let t = app.tenant_id("semarang").await;
    let all = op(&app, t).await.employees().unwrap().list(&Default::default(), 1, 10_000).await.unwrap().items;
    let max_nip = all.iter().map(|e| e.nip.clone()).max().unwrap();
    let min_nip = all.iter().map(|e| e.nip.clone()).min().unwrap();
    let mut c = app.login("perencana.semarang").await;
    let first_row = |body: &str| body.split("<td class=\"nowrap\">").nth(1).unwrap().split('<').next().unwrap().replace(' ', "");
    assert_eq!(first_row(&c.get("/organisasi/pegawai?sort=-nip").await.body), max_nip);
    assert_eq!(first_row(&c.get("/organisasi/pegawai?sort=nip").await.body), min_nip);
    // The header link toggles the direction and keeps the search.
    let body = c.get("/organisasi/pegawai?sort=nip&status=pns").await.body.replace("&#38;", "&").replace("&amp;", "&");
    assert!(body.contains("href=\"/organisasi/pegawai?status=pns&sort=-nip\">NIP ▲</a>"), "{body}");
    assert!(body.contains("aria-sort=\"ascending\""));
    // Paging keeps the order and the filter.
    assert!(body.contains("status=pns&sort=nip&page=2"), "{body}");
}

#[tokio::test]
async fn search_is_case_insensitive_and_literal_on_both_databases() {
    let app = TestApp::demo().await;
    let t = app.tenant_id("medan").await;
    let (unit, pos) = first_kelurahan_and_position(&app, t).await;
    let admin = op(&app, t).await;
    for (nip, nama) in [("199001012015031003", "Budi_Santoso Uji"), ("199001012015031004", "Budi Santoso Uji"), ("199001012015031005", "Rina 100% Uji")] {
        let form = cakap_store::org::employees::EmployeeForm {
            person: cakap_domain::employee::EmployeeInput {
                nip: nip.into(),
                nama: nama.into(),
                jenis_kelamin: "L".into(),
                tanggal_lahir: "1990-01-01".into(),
                status: "PNS".into(),
                ..Default::default()
            },
            unit_id: Some(unit),
            position_id: Some(pos),
            target_position_id: None,
        };
        admin.org_admin().unwrap().create_employee(&form).await.unwrap();
    }
    let mut c = app.login("admin.medan").await;
    let total = |body: &str| body.split("Total ").nth(1).and_then(|s| s.split(' ').next()).unwrap_or("?").to_string();
    // Case: PostgreSQL's LIKE is case-sensitive, SQLite's is not; both must find the two Budis.
    assert_eq!(total(&c.get("/organisasi/pegawai?q=SANTOSO+UJI").await.body), "2");
    // `_` and `%` are literal characters, not wildcards.
    assert_eq!(total(&c.get("/organisasi/pegawai?q=budi_").await.body), "1");
    assert_eq!(total(&c.get("/organisasi/pegawai?q=100%25").await.body), "1");
    assert_eq!(total(&c.get("/organisasi/pegawai?q=%25").await.body), "1");
    // A NIP typed with spaces as it is printed.
    assert_eq!(total(&c.get("/organisasi/pegawai?q=19900101+201503+1+005").await.body), "1");
}

#[tokio::test]
async fn an_employee_position_belongs_to_the_chosen_unit_and_golongan_is_a_list() {
    let app = TestApp::demo().await;
    let t = app.tenant_id("medan").await;
    let (unit, _) = first_kelurahan_and_position(&app, t).await;
    let other = op(&app, t).await.positions().unwrap().all().await.unwrap().into_iter().find(|p| p.unit_id != unit).unwrap();
    let mut c = app.login("admin.medan").await;
    let page = c.get("/organisasi/pegawai/baru").await;
    assert!(
        page.body.contains("<select id=\"f-golongan\" name=\"golongan\">") && page.body.contains("IV/e – Pembina Utama"),
        "golongan is chosen from the list"
    );
    let (u, p) = (unit.to_string(), other.id.to_string());
    let res = c
        .post(
            "/organisasi/pegawai/baru",
            &[
                ("status", "PNS"),
                ("nip", "199001012015031006"),
                ("nama", "Salah Unit"),
                ("jenis_kelamin", "L"),
                ("tanggal_lahir", "01-01-1990"),
                ("golongan", "III/a"),
                ("unit_id", &u),
                ("position_id", &p),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("bukan jabatan pada unit kerja yang dipilih"), "{}", res.body);
    assert!(res.body.contains("value=\"Salah Unit\""), "what was typed is kept");
    assert!(op(&app, t).await.employees().unwrap().by_nip("199001012015031006").await.unwrap().is_none());
}

/// The defect: names, notes and `visi` had no length limit (one 1.9 MB unit name made the
/// heatmap page 52 MB and every home page 1.9 MB) and NUL and control characters were accepted.
#[tokio::test]
async fn long_text_and_control_characters_are_refused_with_the_field_named() {
    let app = TestApp::demo().await;
    let t = app.tenant_id("medan").await;
    let mut c = app.login("admin.medan").await;
    let units_before = op(&app, t).await.units().unwrap().list().await.unwrap().len();
    c.get("/organisasi/unit/baru").await;
    let huge = "Unit ".repeat(100_000);
    let res = c.post("/organisasi/unit/baru", &[("code", "BESAR"), ("name", &huge), ("kind", "bidang")]).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("nama unit paling panjang 200 karakter"), "{}", &res.body[..2000.min(res.body.len())]);
    let res = c.post("/organisasi/unit/baru", &[("code", "NUL"), ("name", "Bidang\u{0}Rahasia"), ("kind", "bidang")]).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("memuat karakter kendali"));
    let res = c.post("/organisasi/unit/baru", &[("code", "BIDI"), ("name", "Bidang \u{202E}gnaruk"), ("kind", "bidang")]).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(op(&app, t).await.units().unwrap().list().await.unwrap().len(), units_before, "nothing saved");
    // The vision on the settings page, and a user's name through the API.
    c.get("/pengaturan").await;
    let res = c.post("/pengaturan", &[("accent_color", "#0b5394"), ("min_jp_per_year", "20"), ("visi", &"v".repeat(5000))]).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("visi paling panjang 4.000 karakter"), "{}", res.body);
    let token = token_for(&app, "admin.medan").await;
    let user = serde_json::json!({"login": "panjang.medan", "name": "N".repeat(300), "password": "sandi-uji-panjang-2026", "roles": []});
    let res = c.api("POST", "/api/v1/users", &token, Some(user)).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.body);
    assert!(res.body.contains("paling panjang 200 karakter"));
}

/// One employee read by id answers the same from one query (no directory kept yet) as from the
/// kept directory, for every reach: the tenant's, an atasan's subtree (outside it: not found),
/// and another tenant's id (not found).
#[tokio::test]
async fn one_employee_reads_the_same_with_or_without_the_directory() {
    let app = TestApp::demo().await;
    let t = app.tenant_id("medan").await;
    let ambon = sql_text(&app, &format!("SELECT CAST(id AS TEXT) FROM employee WHERE tenant_id = {} LIMIT 1", app.tenant_id("ambon").await)).await;
    let ids: Vec<i64> = sql_lines(&app, &format!("SELECT CAST(id AS TEXT) FROM employee WHERE tenant_id = {t} ORDER BY id LIMIT 40"))
        .await
        .into_iter()
        .chain([ambon])
        .map(|s| s.parse().unwrap())
        .collect();
    let read = |scope: cakap_store::Scope| {
        let ids = ids.clone();
        async move {
            let mut out = vec![];
            for id in ids {
                out.push(format!("{:?}", scope.employees().unwrap().get(id).await));
            }
            out
        }
    };
    let cold_tenant = read(op(&app, t).await).await;
    let cold_atasan = read(scope_of(&app, "atasan.medan").await).await;
    // Any list keeps the directory; the same reads again come from it.
    op(&app, t).await.employees().unwrap().list(&Default::default(), 1, 1).await.unwrap();
    assert_eq!(read(op(&app, t).await).await, cold_tenant);
    assert_eq!(read(scope_of(&app, "atasan.medan").await).await, cold_atasan);
    assert!(cold_atasan.iter().any(|r| r.contains("NotFound")) && cold_atasan.iter().any(|r| r.starts_with("Ok")), "the atasan reaches some, not all");
    assert!(cold_tenant.last().unwrap().contains("NotFound"), "another tenant's employee is not found");
}
