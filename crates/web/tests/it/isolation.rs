//! The tenant × role × route matrix: no role of tenant A reads or writes tenant B's data, over
//! pages and the API. Every route that takes an id is tried with B's ids; every form that takes
//! a reference is tried with B's references; B's rows are compared before and after.

use axum::http::StatusCode;

use cakap_domain::UnitKind;

use crate::helpers::*;

struct Target {
    unit: i64,
    unit_name: String,
    position: i64,
    position_name: String,
    employee: i64,
    employee_nip: String,
    employee_name: String,
    user: i64,
    token: i64,
    job: i64,
    competency: i64,
    need: i64,
    plan: (i64, i64, i64, i64, i64),
    ids: crate::shape::Ids,
}

/// B's records (shape::ids_of makes the token, preview and need) with the names a leak would show.
async fn target(app: &TestApp, code: &str) -> Target {
    let ids = crate::shape::ids_of(app, code).await;
    let t = ids.tenant;
    let unit = op(app, t).await.units().unwrap().get(ids.unit).await.unwrap();
    let pos = op(app, t).await.positions().unwrap().get(ids.position).await.unwrap();
    let emp = op(app, t).await.employees().unwrap().get(ids.employee).await.unwrap();
    Target {
        unit: ids.unit,
        unit_name: unit.name,
        position: ids.position,
        position_name: pos.name,
        employee: ids.employee,
        employee_nip: emp.nip,
        employee_name: emp.name,
        user: ids.user,
        token: ids.token,
        job: ids.job,
        competency: ids.competency,
        need: ids.need,
        plan: (ids.partner, ids.agreement, ids.program, ids.plan, ids.plan_job),
        ids: ids.clone(),
    }
}

/// B's rows as text, to prove nothing changed.
async fn snapshot(app: &TestApp, code: &str) -> String {
    let t = app.tenant_id(code).await;
    let units = op(app, t).await.units().unwrap().list().await.unwrap();
    let pos = op(app, t).await.positions().unwrap().all().await.unwrap();
    let emps = op(app, t)
        .await
        .employees()
        .unwrap()
        .list(&cakap_store::org::employees::EmployeeFilter { include_inactive: true, ..Default::default() }, 1, 10_000)
        .await
        .unwrap()
        .items;
    let users = op(app, t).await.user_admin().unwrap().list(None, 1, 1000).await.unwrap().items;
    // The AKPK tables as text, read around the store so no cache can hide a change.
    let lines = |sql: String| async move { sql_lines(app, &sql).await };
    let toks = lines(format!("SELECT CAST(t.id AS TEXT) || '|' || t.name || '|' || CASE WHEN t.revoked_at IS NULL THEN 'aktif' ELSE 'dicabut' END FROM api_token t JOIN app_user u ON u.id = t.user_id WHERE u.tenant_id = {t} ORDER BY t.id")).await;
    let assessments = lines(format!("SELECT CAST(id AS TEXT) || '|' || CAST(employee_id AS TEXT) || '|' || CAST(competency_id AS TEXT) || '|' || CAST(level AS TEXT) || '|' || method || '|' || evidence FROM assessment WHERE tenant_id = {t} ORDER BY id")).await;
    let needs =
        lines(format!("SELECT CAST(id AS TEXT) || '|' || status || '|' || note || '|' || CAST(gap AS TEXT) FROM need WHERE tenant_id = {t} ORDER BY id")).await;
    let prio = lines(format!(
        "SELECT CAST(competency_id AS TEXT) || '|' || source || '|' || reason FROM priority_competency WHERE tenant_id = {t} ORDER BY competency_id"
    ))
    .await;
    let skp = lines(format!("SELECT CAST(employee_id AS TEXT) || '|' || CAST(year AS TEXT) || '|' || rating FROM performance_rating WHERE tenant_id = {t} ORDER BY employee_id, year")).await;
    let plans = lines(format!(
        "SELECT CAST(id AS TEXT) || '|' || status || '|' || title || '|' || CAST(budget AS TEXT) || '|' || CAST(cost AS TEXT) FROM plan WHERE tenant_id = {t} ORDER BY id"
    ))
    .await;
    let catalogue = lines(format!(
        "SELECT name || '|' || CAST(active AS TEXT) FROM partner WHERE tenant_id = {t} UNION ALL SELECT number || '|' || scope FROM agreement WHERE tenant_id = {t} UNION ALL SELECT code || '|' || name || '|' || CAST(fixed_cost AS TEXT) FROM program WHERE tenant_id = {t} ORDER BY 1"
    ))
    .await;
    let items =
        lines(format!("SELECT CAST(id AS TEXT) || '|' || CAST(quarter AS TEXT) || '|' || curriculum_fit FROM plan_item WHERE tenant_id = {t} ORDER BY id"))
            .await;
    let documents = lines(format!(
        "SELECT CAST(id AS TEXT) || '|' || CAST(agreement_id AS TEXT) || '|' || file_name || '|' || sha256 FROM agreement_document WHERE tenant_id = {t} ORDER BY id"
    ))
    .await;
    let learning = lines(format!(
        "SELECT 'o|' || CAST(id AS TEXT) || '|' || title || '|' || status || '|' || CAST(capacity AS TEXT) FROM offering WHERE tenant_id = {t} \
         UNION ALL SELECT 'm|' || CAST(id AS TEXT) || '|' || place FROM meeting WHERE tenant_id = {t} \
         UNION ALL SELECT 'e|' || CAST(id AS TEXT) || '|' || status || '|' || reason FROM enrollment WHERE tenant_id = {t} \
         UNION ALL SELECT 'a|' || CAST(meeting_id AS TEXT) || '|' || CAST(employee_id AS TEXT) || '|' || method FROM attendance WHERE tenant_id = {t} \
         UNION ALL SELECT 'c|' || CAST(id AS TEXT) || '|' || number || '|' || revoked_reason || '|' || CASE WHEN revoked_at IS NULL THEN 'aktif' ELSE 'dicabut' END FROM certificate WHERE tenant_id = {t} \
         UNION ALL SELECT 'i|' || CAST(id AS TEXT) || '|' || name FROM offering_instructor WHERE tenant_id = {t} \
         UNION ALL SELECT 'j|' || CAST(id AS TEXT) || '|' || CAST(jp AS TEXT) FROM jp_entry WHERE tenant_id = {t} \
         UNION ALL SELECT 'r|' || CAST(id AS TEXT) || '|' || status || '|' || title FROM learning_record WHERE tenant_id = {t} \
         UNION ALL SELECT 'p|' || CAST(id AS TEXT) || '|' || status || '|' || report FROM placement WHERE tenant_id = {t} \
         UNION ALL SELECT 'l|' || CAST(id AS TEXT) || '|' || body FROM placement_log WHERE tenant_id = {t} \
         UNION ALL SELECT 'n|' || CAST(id AS TEXT) || '|' || CASE WHEN read_at IS NULL THEN 'baru' ELSE 'dibaca' END FROM notification WHERE tenant_id = {t} \
         UNION ALL SELECT 'ap|' || CAST(id AS TEXT) || '|' || name || '|' || CASE WHEN reminded_at IS NULL THEN '-' ELSE 'diingatkan' END FROM assessment_period WHERE tenant_id = {t} ORDER BY 1"
    ))
    .await;
    format!(
        "{units:?}{pos:?}{emps:?}{assessments:?}{needs:?}{prio:?}{skp:?}{plans:?}{catalogue:?}{items:?}{documents:?}{learning:?}{:?}{toks:?}",
        users.iter().map(|u| (&u.user.login, u.user.active, &u.roles)).collect::<Vec<_>>()
    )
}

/// Refused: no access, not found, or a body refused before any handler read data (400, 422).
/// That nothing was written is checked separately (the tenant snapshot).
fn denied(status: StatusCode) -> bool {
    matches!(status, StatusCode::FORBIDDEN | StatusCode::NOT_FOUND | StatusCode::UNPROCESSABLE_ENTITY | StatusCode::UNAUTHORIZED | StatusCode::BAD_REQUEST)
}

#[tokio::test]
async fn no_role_of_one_tenant_reads_or_writes_another() {
    let app = TestApp::demo().await;
    let b = target(&app, "ambon").await;
    let b_ids = b.ids.clone();
    let a_t = app.tenant_id("medan").await;
    let a_units = op(&app, a_t).await.units().unwrap().list().await.unwrap();
    let a_unit = a_units.iter().find(|u| u.kind == UnitKind::Kelurahan).unwrap().id;
    let a_pos = op(&app, a_t).await.positions().unwrap().all().await.unwrap().into_iter().find(|p| p.unit_id == a_unit).unwrap().id;
    let before = snapshot(&app, "ambon").await;
    let secrets = [
        b.unit_name.as_str(),
        b.position_name.as_str(),
        b.employee_name.as_str(),
        "admin.ambon",
        "Kebutuhan rahasia ambon",
        "MoU rahasia ambon",
        "Kelas rahasia uji",
        "Magang rahasia uji",
        "Kursus rahasia uji",
    ];

    let reads = [
        format!("/organisasi/unit/{}", b.unit),
        format!("/organisasi/unit/{}/ubah", b.unit),
        format!("/organisasi/jabatan/{}/ubah", b.position),
        format!("/organisasi/pegawai/{}", b.employee),
        format!("/organisasi/pegawai/{}/ubah", b.employee),
        format!("/organisasi/pengguna/{}", b.user),
        format!("/organisasi/pegawai?unit={}", b.unit),
        format!("/organisasi/pegawai/unduh.csv?unit={}", b.unit),
        format!("/akpk/pegawai/{}", b.employee),
        format!("/akpk?unit={}", b.unit),
        format!("/akpk/kebutuhan?unit={}", b.unit),
        format!("/akpk/kebutuhan/unduh.xlsx?unit={}", b.unit),
        "/akpk/kebutuhan?source=community".into(),
        "/akpk/kalibrasi".into(),
    ];
    let s = |x: i64| x.to_string();
    let writes: Vec<(String, Vec<(&str, String)>)> = vec![
        (format!("/organisasi/unit/{}/ubah", b.unit), vec![("code", "HACK".into()), ("name", "Diretas".into()), ("kind", "bidang".into())]),
        (format!("/organisasi/unit/{}/status", b.unit), vec![("active", "false".into())]),
        (
            format!("/organisasi/jabatan/{}/ubah", b.position),
            vec![("unit_id", s(b.unit)), ("code", "HACK".into()), ("name", "Diretas".into()), ("jenjang", "pelaksana".into()), ("criticality", "1".into())],
        ),
        (format!("/organisasi/jabatan/{}/status", b.position), vec![("active", "false".into())]),
        (format!("/organisasi/pegawai/{}/status", b.employee), vec![("active", "false".into())]),
        (format!("/organisasi/pegawai/{}/ubah", b.employee), vec![("status", "PNS".into()), ("nip", b.employee_nip.clone()), ("nama", "Diretas".into())]),
        (format!("/organisasi/pengguna/{}", b.user), vec![("role_admin", "1".into()), ("active", "false".into()), ("password", "diretas-12345".into())]),
        (format!("/organisasi/pegawai/impor/{}/simpan", b.job), vec![]),
        (format!("/profil/token/{}/cabut", b.token), vec![]),
        (
            format!("/akpk/pegawai/{}/penilaian", b.employee),
            vec![("competency_id", s(b.competency)), ("method", "assessor".into()), ("level", "1".into()), ("assessed_on", "2026-01-05".into())],
        ),
        (format!("/akpk/pegawai/{}/skp", b.employee), vec![("year", "2025".into()), ("rating", "sangat_kurang".into())]),
        (format!("/akpk/kebutuhan/{}/tutup", b.need), vec![]),
        (
            "/akpk/kebutuhan/baru".into(),
            vec![("competency_id", s(b.competency)), ("source", "community".into()), ("gap", "1".into()), ("note", "silang".into())],
        ),
        ("/akpk/kebutuhan/baru".into(), vec![("unit_id", s(b.unit)), ("source", "community".into()), ("gap", "1".into()), ("note", "silang".into())]),
        ("/akpk/kebutuhan/baru".into(), vec![("nip", b.employee_nip.clone()), ("source", "community".into()), ("gap", "1".into()), ("note", "silang".into())]),
        (
            "/akpk/prioritas".into(),
            vec![
                (Box::leak(format!("src_{}", b.competency).into_boxed_str()), "visi_misi".into()),
                (Box::leak(format!("why_{}", b.competency).into_boxed_str()), "silang".into()),
            ],
        ),
        // Creating in A with B's references.
        ("/organisasi/unit/baru".into(), vec![("parent_id", s(b.unit)), ("code", "X-B".into()), ("name", "Anak Unit B".into()), ("kind", "seksi".into())]),
        (
            "/organisasi/jabatan/baru".into(),
            vec![("unit_id", s(b.unit)), ("code", "X-B".into()), ("name", "Jabatan di B".into()), ("jenjang", "pelaksana".into()), ("criticality", "1".into())],
        ),
        (
            "/organisasi/pegawai/baru".into(),
            vec![
                ("status", "PNS".into()),
                ("nip", "198001012005011009".into()),
                ("nama", "Silang".into()),
                ("jenis_kelamin", "L".into()),
                ("tanggal_lahir", "01-01-1980".into()),
                ("unit_id", s(b.unit)),
                ("position_id", s(b.position)),
            ],
        ),
        (
            "/organisasi/pegawai/baru".into(),
            vec![
                ("status", "PNS".into()),
                ("nip", "198001012005011009".into()),
                ("nama", "Silang".into()),
                ("jenis_kelamin", "L".into()),
                ("tanggal_lahir", "01-01-1980".into()),
                ("unit_id", s(a_unit)),
                ("position_id", s(a_pos)),
                ("target_position_id", s(b.position)),
            ],
        ),
    ];

    for role in ["admin", "perencana", "ppk", "pyb", "atasan", "instruktur", "pegawai"] {
        let login = format!("{role}.medan");
        let mut c = app.login(&login).await;
        for path in &reads {
            let res = c.get(path).await;
            let leaked = secrets.iter().find(|s| res.body.contains(*s));
            assert!(denied(res.status) || (res.status == StatusCode::OK && leaked.is_none()), "{login} GET {path}: {} leaked {leaked:?}", res.status);
        }
        // A search for B's NIP finds nothing.
        let res = c.get(&format!("/organisasi/pegawai?q={}", b.employee_nip)).await;
        assert!(denied(res.status) || !res.body.contains(&b.employee_name), "{login} search leaked");
        for (path, fields) in &writes {
            c.get("/").await;
            let f: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
            let res = c.post(path, &f).await;
            assert!(denied(res.status), "{login} POST {path}: {}", res.status);
        }
        // A real upload (multipart, with this session's token) to B's agreement.
        c.get("/").await;
        let csrf = c.csrf.clone();
        let res = c.upload_with(&format!("/katalog/perjanjian/{}/dokumen", b.plan.1), "silang.pdf", b"%PDF-1.4 silang", &[("_csrf", &csrf)]).await;
        assert!(denied(res.status), "{login} uploads to B's agreement: {}", res.status);
        // The API, with a token of this user.
        let token = token_for(&app, &login).await;
        for path in [
            format!("/api/v1/units/{}", b.unit),
            format!("/api/v1/employees/{}", b.employee),
            format!("/api/v1/employees?unit={}", b.unit),
            format!("/api/v1/employees/{}/akpk", b.employee),
            format!("/api/v1/employees/{}/assessments", b.employee),
            format!("/api/v1/positions/{}/standard", b.position),
            format!("/api/v1/rollups/units?unit={}", b.unit),
        ] {
            let res = c.api("GET", &path, &token, None).await;
            assert!(denied(res.status) && !res.body.contains(&b.employee_name), "{login} API GET {path}: {}", res.status);
        }
        let body = serde_json::json!({"nip": b.employee_nip, "nama": "Diretas", "jenis_kelamin": "L", "tanggal_lahir": "1980-01-01", "status": "PNS", "unit_id": b.unit, "position_id": b.position});
        let res = c.api("PUT", &format!("/api/v1/employees/{}", b.employee), &token, Some(body.clone())).await;
        assert!(denied(res.status), "{login} API PUT: {}", res.status);
        let res = c.api("POST", "/api/v1/employees", &token, Some(body)).await;
        assert!(denied(res.status), "{login} API POST: {}", res.status);
        let body = serde_json::json!({"competency_id": b.competency, "level": 1, "method": "assessor", "assessed_on": "2026-01-05"});
        let res = c.api("POST", &format!("/api/v1/employees/{}/assessments", b.employee), &token, Some(body)).await;
        assert!(denied(res.status), "{login} API POST assessment: {}", res.status);
        let res = c.api("GET", "/api/v1/needs", &token, None).await;
        assert!(!res.body.contains("Kebutuhan rahasia ambon") && !res.body.contains(&b.employee_name), "{login} API needs leaked");
        let res = c.api("GET", "/api/v1/tenants", &token, None).await;
        assert_eq!(res.status, StatusCode::FORBIDDEN, "{login} lists tenants");
        // Every route that takes an id, with B's ids: read, then post to it. A new route is in
        // this matrix by construction (shape::concrete panics on a parameter it does not know).
        for (route, url) in crate::shape::all_paths() {
            if !route.contains('{') {
                continue;
            }
            let url = crate::shape::concrete(&url, &b_ids);
            if url.starts_with("/api/") {
                let res = c.api("GET", &url, &token, None).await;
                if res.status == StatusCode::METHOD_NOT_ALLOWED {
                    // A POST-only route: posted with a body its handler accepts (every field a
                    // POST-only API route takes), so the refusal is the scope's, not the parser's.
                    let body = serde_json::json!({"action": "submit", "note": "silang"});
                    let res = c.api("POST", &url, &token, Some(body)).await;
                    assert!(matches!(res.status, StatusCode::FORBIDDEN | StatusCode::NOT_FOUND), "{login} API POST {url}: {} {}", res.status, res.body);
                    continue;
                }
                assert!(denied(res.status) && !res.body.contains(&b.employee_name), "{login} API GET {url}: {}", res.status);
                continue;
            }
            let res = c.get(&url).await;
            let leaked = secrets.iter().find(|s| res.body.contains(*s));
            let allowed_template = res.status == StatusCode::OK && route.starts_with("/akpk/impor/templat/");
            // The public verification page is open to anyone holding the code, by design: it
            // shows the certificate's name and program, but never the full NIP.
            if route.starts_with("/verifikasi/") {
                assert_eq!(res.status, StatusCode::OK, "{login} GET {url}");
                assert!(
                    res.body.contains(&b.employee_name) && !res.body.contains(&b.employee_nip),
                    "{login} GET {url}: the public page shows the name and only a masked NIP"
                );
                continue;
            }
            assert!(
                denied(res.status) || res.status == StatusCode::METHOD_NOT_ALLOWED || (allowed_template && leaked.is_none()),
                "{login} GET {url}: {} leaked {leaked:?}",
                res.status
            );
            c.get("/").await;
            let res = c.post(&url, &[]).await;
            assert!(denied(res.status) || res.status == StatusCode::METHOD_NOT_ALLOWED, "{login} POST {url}: {}", res.status);
        }
    }
    assert_eq!(before, snapshot(&app, "ambon").await, "tenant B changed");

    // The super admin manages tenants but reads no tenant's staff pages.
    let mut sa = app.login("superadmin").await;
    assert_eq!(sa.get(&format!("/organisasi/pegawai/{}", b.employee)).await.status, StatusCode::FORBIDDEN);
    assert!(sa.get("/instansi").await.body.contains("Pemerintah Kota Ambon"));
}

#[tokio::test]
async fn roles_see_only_their_pages() {
    let app = TestApp::demo().await;
    // (login, path, allowed)
    let cases = [
        ("admin.medan", "/organisasi/pengguna", true),
        ("admin.medan", "/pengaturan", true),
        ("admin.medan", "/audit", true),
        ("admin.medan", "/instansi", false),
        ("perencana.medan", "/organisasi/pegawai", true),
        ("perencana.medan", "/organisasi/pengguna", false),
        ("perencana.medan", "/pengaturan", false),
        ("perencana.medan", "/organisasi/pegawai/impor", false),
        ("ppk.medan", "/audit", false),
        ("instruktur.medan", "/organisasi/pegawai", false),
        ("instruktur.medan", "/organisasi/unit", true),
        ("pegawai.medan", "/organisasi/jabatan", false),
        ("pegawai.medan", "/kompetensi/standar", false),
        ("pegawai.medan", "/akpk/kebutuhan", false),
        ("pegawai.medan", "/akpk/kalibrasi", false),
        ("atasan.medan", "/akpk/kebutuhan", false),
        ("ppk.medan", "/akpk/kebutuhan", true),
        ("ppk.medan", "/akpk/impor", false),
        ("perencana.medan", "/akpk/impor", true),
        ("admin.medan", "/nasional", false),
        ("superadmin", "/nasional", true),
        ("superadmin", "/akpk", false),
        ("superadmin", "/instansi", true),
        ("superadmin", "/organisasi/unit", false),
        ("pegawai.medan", "/kelas", false),
        ("instruktur.medan", "/kelas", true),
        ("atasan.medan", "/kelas", true),
        ("atasan.medan", "/kelas/baru", false),
        ("ppk.medan", "/kelas", false),
        ("pegawai.medan", "/kelas-saya", true),
        ("admin.medan", "/kelas-saya", false),
        ("ppk.medan", "/jp", true),
        ("instruktur.medan", "/jp", false),
        ("superadmin", "/kelas", false),
    ];
    for (login, path, allowed) in cases {
        let mut c = app.login(login).await;
        let res = c.get(path).await;
        if allowed {
            assert_eq!(res.status, StatusCode::OK, "{login} {path}");
        } else {
            assert_eq!(res.status, StatusCode::FORBIDDEN, "{login} {path}");
            assert!(res.body.contains("Anda tidak memiliki akses ke halaman ini."));
        }
    }
}

#[tokio::test]
async fn unit_search_and_user_pages() {
    let app = TestApp::demo().await;
    let mut c = app.login("admin.semarang").await;
    let body = c.get("/organisasi/unit?q=candi").await.body;
    assert!(body.contains("Kecamatan Candisari") && body.contains("Kelurahan Candi"), "{body}");
    assert!(!body.contains("Dinas Kesehatan"));
    // 7 demo users + 25 more: two pages.
    let t = app.tenant_id("semarang").await;
    let scope = op(&app, t).await;
    let admin = scope.user_admin().unwrap();
    for i in 0..25 {
        let u = cakap_store::users::UserForCreate {
            login: format!("staf{i:02}.semarang"),
            name: format!("Staf {i}"),
            password: "sandi-uji-panjang-2026".into(),
            ..Default::default()
        };
        admin.create(&u).await.unwrap();
    }
    let p1 = c.get("/organisasi/pengguna").await.body;
    assert!(p1.contains("Total 32 data · halaman 1 dari 2"), "{p1}");
    let p2 = c.get("/organisasi/pengguna?page=2").await.body;
    assert!(p2.contains("halaman 2 dari 2"));
    assert!(p2.contains("staf24.semarang") || p1.contains("staf24.semarang"));
}

/// No role is shown a link that leads to "Anda tidak memiliki akses": every link on Beranda and
/// on the pages its navigation leads to, for every demo role, opens (issue 12: "never show a
/// link or count that leads to a 403").
#[tokio::test]
async fn no_role_is_shown_a_link_it_may_not_open() {
    let app = TestApp::demo().await;
    let links = |body: &str| -> Vec<String> {
        body.split("href=\"")
            .skip(1)
            .filter_map(|s| s.split('"').next())
            .filter(|h| h.starts_with('/') && !h.starts_with("/static/") && !h.starts_with("//"))
            .map(|h| h.replace("&amp;", "&"))
            .collect()
    };
    for role in ["admin", "perencana", "ppk", "pyb", "atasan", "instruktur", "pegawai"] {
        let login = format!("{role}.medan");
        let mut c = app.login(&login).await;
        let home = c.get("/").await.body;
        let nav: Vec<String> = links(&home);
        let mut seen = std::collections::BTreeSet::new();
        for page in std::iter::once("/".to_string()).chain(nav.iter().cloned()) {
            let body = c.get(&page).await.body;
            for href in links(&body) {
                if !seen.insert(href.clone()) {
                    continue;
                }
                let res = c.get(&href).await;
                assert_ne!(res.status, StatusCode::FORBIDDEN, "{login}: {page} links to {href}, which is forbidden");
            }
        }
    }
}
