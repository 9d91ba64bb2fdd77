//! The shape the code must keep as it grows: a GET writes nothing; every route's path
//! parameters are known to the tests that must try them; every table is in `cakap export`.

use std::collections::BTreeSet;

use axum::http::StatusCode;
use sea_orm::{ConnectionTrait, Statement};

use cakap_domain::UnitKind;

use crate::helpers::*;

/// Ids of one tenant's records, for filling in route parameters.
#[derive(Clone)]
pub struct Ids {
    pub unit: i64,
    pub position: i64,
    pub employee: i64,
    pub user: i64,
    pub token: i64,
    pub job: i64,
    pub competency: i64,
    pub need: i64,
    pub tenant: i64,
    pub partner: i64,
    pub agreement: i64,
    pub document: i64,
    pub program: i64,
    pub plan: i64,
    pub plan_job: i64,
    pub offering: i64,
    pub meeting: i64,
    pub enrollment: i64,
    pub certificate: i64,
    /// The certificate's public verification code.
    pub verify_code: String,
    pub record: i64,
    pub placement: i64,
    pub period: i64,
}

/// A route with its parameters filled in from `ids`. Panics on a parameter it does not know:
/// a new route with an id must be added here, and so reaches the isolation matrix and the crawl.
pub fn concrete(path: &str, ids: &Ids) -> String {
    let Some(start) = path.find('{') else { return path.to_string() };
    let id = match path[..start].strip_prefix("/api/v1").unwrap_or(&path[..start]) {
        "/organisasi/unit/" | "/units/" => ids.unit,
        "/organisasi/jabatan/" | "/kompetensi/standar/" | "/positions/" => ids.position,
        "/organisasi/pegawai/" | "/akpk/pegawai/" | "/employees/" => ids.employee,
        "/organisasi/pegawai/impor/" => ids.job,
        "/organisasi/pengguna/" => ids.user,
        "/kompetensi/kamus/" => ids.competency,
        "/akpk/kebutuhan/" => ids.need,
        "/katalog/mitra/" => ids.partner,
        "/katalog/perjanjian/" => ids.agreement,
        "/katalog/dokumen/" => ids.document,
        "/katalog/program/" => ids.program,
        "/rencana/" | "/plans/" => ids.plan,
        "/rencana/tugas/" => ids.plan_job,
        "/instansi/" => ids.tenant,
        "/kelas/" => ids.offering,
        "/kelas/peserta/" => ids.enrollment,
        "/kelas/sesi/" | "/hadir/" => ids.meeting,
        "/sertifikat/" => ids.certificate,
        "/pembelajaran/" => ids.record,
        "/magang/" => ids.placement,
        "/akpk/periode/" => ids.period,
        "/verifikasi/" => return path.replace("{code}", &ids.verify_code),
        "/profil/token/" => ids.token,
        "/akpk/impor/templat/" => return path.replace("{kind}", "penilaian.csv"),
        other => panic!("route {path}: no test id for the parameter after {other:?}; add it to shape::concrete"),
    };
    let end = path[start..].find('}').expect("closing brace") + start;
    format!("{}{id}{}", &path[..start], &path[end + 1..])
}

/// Creates a token, an import preview and a hand-added need in the tenant, and returns ids.
pub async fn ids_of(app: &TestApp, code: &str) -> Ids {
    let t = app.tenant_id(code).await;
    let units = op(app, t).await.units().unwrap().list().await.unwrap();
    let unit = units.iter().find(|u| u.kind == UnitKind::Kelurahan).unwrap();
    let position = op(app, t).await.positions().unwrap().all().await.unwrap().into_iter().find(|p| p.unit_id == unit.id).unwrap().id;
    let employee = op(app, t).await.employees().unwrap().list(&Default::default(), 1, 1).await.unwrap().items.remove(0).id;
    let login = format!("admin.{code}");
    let admin = cakap_store::users::find_login(&app.store.db, &login).await.unwrap().unwrap();
    // As the admin itself: a preview can only be committed by the user who made it.
    let scope = scope_of(app, &login).await;
    let account = cakap_store::users::Account::of(&app.store, scope.principal(), None).unwrap();
    account.create_token("uji", None, cakap_domain::TokenScope::ReadWrite).await.unwrap();
    let tok = account.tokens().await.unwrap().remove(0);
    let table = cakap_store::import::Table { headers: vec!["NIP".into()], ..Default::default() };
    let job = scope.org_admin().unwrap().save_employee_preview("uji.csv", Default::default(), &table, &Default::default()).await.unwrap();
    let competency = op(app, t).await.competencies().unwrap().list().await.unwrap().into_iter().find(|c| c.code == "TK-ETIKA").unwrap().id;
    let need_input = cakap_store::akpk::needs::NeedInput {
        employee_id: None,
        unit_id: Some(unit.id),
        competency_id: competency,
        source: cakap_domain::akpk::NeedSource::Community,
        gap: 1,
        note: format!("Kebutuhan rahasia {code}"),
    };
    let need = scope.needs_admin().unwrap().create_need(&need_input).await.unwrap();
    let (partner, agreement, program, plan, plan_job) = plan_ids(app, t).await;
    let pdf = format!("%PDF-1.4\n% MoU rahasia {code}\n%%EOF\n").into_bytes();
    let document = op(app, t).await.planner().unwrap().add_document(agreement, "mou.pdf", pdf).await.unwrap();
    let (offering, meeting, enrollment, certificate, verify_code) = class_ids(app, t, program, employee).await;
    let (record, placement) = record_ids(app, t, employee).await;
    let today = time::OffsetDateTime::now_utc().date();
    let period = op(app, t).await.periods().unwrap().create(&format!("Penilaian rahasia {code}"), today, today).await.unwrap().id;
    Ids {
        unit: unit.id,
        position,
        employee,
        user: admin.id,
        token: tok.id,
        job,
        competency,
        need,
        tenant: t,
        partner,
        agreement,
        document,
        program,
        plan,
        plan_job,
        offering,
        meeting,
        enrollment,
        certificate,
        verify_code,
        record,
        placement,
        period,
    }
}

/// A riwayat record imported for `employee` and a placement of theirs: (record, placement).
pub async fn record_ids(app: &TestApp, t: i64, employee: i64) -> (i64, i64) {
    let scope = op(app, t).await;
    let classes = scope.classes().unwrap();
    let nip = sql_text(app, &format!("SELECT nip FROM employee WHERE tenant_id = {t} AND id = {employee}")).await;
    let ended = scope.today() - time::Duration::days(30);
    let d = cakap_domain::format::date_short(ended);
    let table = cakap_store::import::Table {
        headers: cakap_domain::learning::record::SIASN_FIELDS.iter().map(|s| s.to_string()).collect(),
        rows: vec![vec![nip, "Kursus rahasia uji".into(), "Kursus".into(), "LAN".into(), "8".into(), String::new(), ended.year().to_string(), d.clone(), d]],
        ..Default::default()
    };
    classes.import_riwayat(&table).await.unwrap().unwrap();
    let record = sql_text(app, &format!("SELECT CAST(MAX(id) AS TEXT) FROM learning_record WHERE tenant_id = {t}")).await.parse().unwrap();
    let today = scope.today();
    let input = cakap_domain::learning::placement::PlacementInput {
        employee_id: employee,
        kind: cakap_domain::learning::placement::PlacementKind::Magang,
        partner_id: None,
        host: "Magang rahasia uji".into(),
        mentor: "Mentor".into(),
        mentor_user_id: None,
        starts_on: today,
        ends_on: today,
        jp: 10,
        goals: "Tujuan".into(),
    };
    let placement = classes.create_placement(&input).await.unwrap();
    (record, placement)
}

/// A class of `program` with a session, `employee` enrolled, attending and completed, a
/// certificate issued: (class, session, enrollment, certificate, verify code).
pub async fn class_ids(app: &TestApp, t: i64, program: i64, employee: i64) -> (i64, i64, i64, i64, String) {
    let scope = op(app, t).await;
    let classes = scope.classes().unwrap();
    let today = scope.today();
    let input = cakap_store::learning::classes::OfferingInput {
        program_id: program,
        plan_item_id: None,
        title: "Kelas rahasia uji".into(),
        starts_on: today,
        ends_on: today,
        place: "Aula".into(),
        link: String::new(),
        capacity: 10,
        cost: 0,
        self_register: true,
        waitlist_order: cakap_domain::learning::waitlist::WaitlistOrder::FirstCome,
        min_attendance: 0,
        approval: cakap_domain::learning::enrollment::Approval::None,
    };
    let offering = classes.create(&input).await.unwrap();
    let now = time::OffsetDateTime::now_utc();
    let meeting = classes.add_meeting(offering, now - time::Duration::hours(1), now + time::Duration::hours(1), "Aula").await.unwrap();
    classes.enroll(offering, employee).await.unwrap();
    let enrollment = classes.enrollments(offering).await.unwrap()[0].id;
    classes.complete(enrollment).await.unwrap();
    let certificate = classes.issue_certificate(enrollment).await.unwrap();
    let verify_code = classes.certificate_code(certificate).await.unwrap();
    (offering, meeting, enrollment, certificate, verify_code)
}

/// A partner, its agreement, a program, a plan generated by a job and that job, of the tenant
/// (the demo's catalogue). Waits for the job, so nothing changes the tenant after this returns.
pub async fn plan_ids(app: &TestApp, t: i64) -> (i64, i64, i64, i64, i64) {
    let scope = op(app, t).await;
    let cat = scope.plans().unwrap().catalogue().await.unwrap();
    let year = scope.today().year() + 1 + scope.plans().unwrap().list().await.unwrap().len() as i32;
    let req = cakap_store::plan::plans::PlanRequest { year, title: "Rencana uji".into(), budget: 300_000_000, rules: Default::default() };
    let job = scope.planner().unwrap().start_generate(&req).await.unwrap();
    let plan = wait_for_job(&scope, job).await;
    (cat.partners[0].id, cat.agreements[0].id, cat.programs[0].id, plan, job)
}

/// The plan a generation job made, once it is done (panics if it fails or takes over 30 s).
pub async fn wait_for_job(scope: &cakap_store::Scope, job: i64) -> i64 {
    for _ in 0..3000 {
        let j = scope.plans().unwrap().job(job).await.unwrap();
        match j.status {
            cakap_domain::job::JobStatus::Running => tokio::time::sleep(std::time::Duration::from_millis(10)).await,
            cakap_domain::job::JobStatus::Done => return j.result_id.expect("a done job has its plan"),
            cakap_domain::job::JobStatus::Failed => panic!("job failed: {}", j.error),
        }
    }
    panic!("job {job} still running after 30 s")
}

/// Every page and API path, the API ones under /api/v1.
pub fn all_paths() -> Vec<(String, String)> {
    let pages = cakap_web::pages::PATHS.iter().map(|p| (p.to_string(), p.to_string()));
    let api = cakap_web::api::PATHS.iter().map(|p| (p.to_string(), format!("/api/v1{p}")));
    pages.chain(api).collect()
}

#[tokio::test]
async fn a_crawl_of_every_page_by_every_role_writes_nothing() {
    let app = TestApp::demo().await;
    let ids = ids_of(&app, "medan").await;
    let roles = ["admin", "perencana", "ppk", "pyb", "atasan", "instruktur", "pegawai"];
    // Logging in writes (session, attempt, audit row); it happens before the snapshot.
    let mut clients = vec![];
    for role in roles {
        let login = format!("{role}.medan");
        clients.push((app.login(&login).await, token_for(&app, &login).await));
    }
    clients.push((app.login("superadmin").await, token_for(&app, "superadmin").await));
    let before = cakap_store::transfer::checksums(&app.store).await.unwrap();
    let mut served = 0;
    for (c, token) in clients.iter_mut() {
        for (route, url) in all_paths() {
            let url = concrete(&url, &ids);
            let res = if url.starts_with("/api/") { c.api("GET", &url, token, None).await } else { c.get(&url).await };
            assert!(!res.status.is_server_error(), "GET {url} ({route}): {} {}", res.status, res.body);
            if res.status == StatusCode::OK {
                served += 1;
            }
        }
    }
    // Logged out too: the login page, a protected page, the health check.
    let mut anon = app.client();
    for url in ["/masuk", "/", "/organisasi/pegawai", "/healthz"] {
        anon.get(url).await;
    }
    let after = cakap_store::transfer::checksums(&app.store).await.unwrap();
    let changed: Vec<&str> = before.iter().zip(&after).filter(|(b, a)| b != a).map(|(b, _)| b.table.as_str()).collect();
    assert!(changed.is_empty(), "GET requests wrote to {changed:?}");
    assert!(served > 100, "the crawl reached the pages ({served} served)");
}

#[tokio::test]
async fn every_table_is_in_the_export() {
    let app = TestApp::empty().await;
    let sql = if app.store.is_postgres() {
        "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public'"
    } else {
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
    };
    let rows = app.store.db.query_all_raw(Statement::from_string(app.store.backend(), sql)).await.unwrap();
    let tables: BTreeSet<String> = rows.iter().map(|r| r.try_get::<String>("", "name").unwrap()).filter(|n| n != "seaql_migrations").collect();
    let exported: BTreeSet<String> = cakap_store::transfer::checksums(&app.store).await.unwrap().into_iter().map(|s| s.table).collect();
    assert_eq!(tables, exported, "a table that `cakap export` leaves out would silently be lost in a move");
}

#[test]
fn every_route_parameter_is_known_to_the_tests() {
    let ids = Ids {
        unit: 1,
        position: 2,
        employee: 3,
        user: 4,
        token: 5,
        job: 6,
        competency: 7,
        need: 8,
        tenant: 9,
        partner: 10,
        agreement: 11,
        document: 15,
        program: 12,
        plan: 13,
        plan_job: 14,
        offering: 16,
        meeting: 17,
        enrollment: 18,
        certificate: 19,
        verify_code: "0".repeat(32),
        record: 20,
        placement: 21,
        period: 22,
    };
    for (route, url) in all_paths() {
        let filled = concrete(&url, &ids);
        assert!(!filled.contains('{'), "{route}: {filled}");
    }
}

/// The defect: a huge `page` made every paginated list panic with no response. Every route is
/// walked with hostile query parameters, as admin (pages and API) and as super admin, and each
/// must answer (never a 5xx, never a dropped connection), and an id path segment that is not
/// a number or too big is a clear 4xx.
#[tokio::test]
async fn every_route_answers_hostile_parameters_without_a_server_error() {
    let app = TestApp::demo().await;
    let ids = ids_of(&app, "medan").await;
    let long = "x".repeat(5_000);
    let queries = [
        "page=18446744073709551615".to_string(),
        "page=0&unit=-1&kind=%00&status=zzz".to_string(),
        "page=-5&q=%25%5F%27%22%3Cscript%3E".to_string(),
        format!("q={long}&unit=99999999999999999999&competency=1e99"),
        "page=1&page=2&unit=1&unit=2".to_string(),
    ];
    let mut clients = vec![];
    for login in ["admin.medan", "superadmin"] {
        clients.push((app.login(login).await, token_for(&app, login).await));
    }
    for (c, token) in clients.iter_mut() {
        for (route, url) in all_paths() {
            let url = concrete(&url, &ids);
            for q in &queries {
                let full = format!("{url}?{q}");
                let res = if url.starts_with("/api/") { c.api("GET", &full, token, None).await } else { c.get(&full).await };
                assert!(!res.status.is_server_error(), "GET {full} ({route}): {} {}", res.status, &res.body[..res.body.len().min(500)]);
            }
        }
        for bad in ["/organisasi/unit/18446744073709551616", "/organisasi/unit/abc", "/api/v1/employees/-0x1", "/akpk/pegawai/99999999999999999999"] {
            let res = if bad.starts_with("/api/") { c.api("GET", bad, token, None).await } else { c.get(bad).await };
            assert!(res.status.is_client_error(), "GET {bad}: {}", res.status);
        }
    }
}

/// The defect: no CSP, frame-ancestors, HSTS (even with `--secure-cookies`) or `no-store` on
/// pages, exports and API answers.
#[tokio::test]
async fn every_response_carries_the_security_headers() {
    let app = TestApp::demo().await;
    let mut c = app.login("admin.medan").await;
    let token = token_for(&app, "admin.medan").await;
    let page = c.get("/organisasi/pegawai").await;
    let export = c.get("/organisasi/pegawai/unduh.csv").await;
    let api = c.api("GET", "/api/v1/employees", &token, None).await;
    let login = app.client().get("/masuk").await;
    for (what, res) in [("page", &page), ("export", &export), ("api", &api), ("login", &login)] {
        let h = |k: &str| res.headers.get(k).and_then(|v| v.to_str().ok()).unwrap_or("").to_string();
        let csp = h("content-security-policy");
        assert!(csp.contains("frame-ancestors 'none'") && csp.contains("script-src 'self'") && !csp.contains("unsafe-inline"), "{what}: {csp}");
        assert_eq!(h("cache-control"), "no-store", "{what}");
        assert_eq!(h("x-content-type-options"), "nosniff", "{what}");
        assert!(h("permissions-policy").contains("camera=()"), "{what}");
        assert_eq!(h("strict-transport-security"), "", "{what}: no HSTS over plain HTTP");
    }
    let css = app.client().get("/static/app.css").await;
    assert_ne!(css.headers.get("cache-control").map(|v| v.to_str().unwrap()), Some("no-store"), "static files may be cached");
    let cfg = cakap_web::WebConfig { secure_cookies: true, ..Default::default() };
    let mut tls = app.login_with("admin.medan", cfg).await;
    let res = tls.get("/").await;
    assert!(res.headers.get("strict-transport-security").is_some_and(|v| v.to_str().unwrap().contains("max-age=31536000")));
    // The accent colour comes as a stylesheet, and only as a colour.
    let accent = app.client().get("/static/accent.css?c=ff0000").await;
    assert_eq!(accent.body.trim(), ":root { --accent: #ff0000; }");
    let hostile = app.client().get("/static/accent.css?c=ff0000;%7Dbody%7Bdisplay:none").await;
    assert_eq!(hostile.body.trim(), ":root { --accent: #0b5394; }");
}

/// A CSP without `unsafe-inline` only works when no page has inline code: every page any role
/// reaches is checked for style attributes, style elements, inline scripts and event handlers.
#[tokio::test]
async fn no_page_carries_inline_styles_or_scripts() {
    let app = TestApp::demo().await;
    let ids = ids_of(&app, "medan").await;
    let mut checked = 0;
    let mut fields = 0;
    for login in ["admin.medan", "perencana.medan", "atasan.medan", "pegawai.medan", "superadmin"] {
        let mut c = app.login(login).await;
        for (route, url) in cakap_web::pages::PATHS.iter().map(|p| (p.to_string(), concrete(p, &ids))) {
            let res = c.get(&url).await;
            if res.status != StatusCode::OK || !res.headers.get("content-type").is_some_and(|v| v.to_str().unwrap().starts_with("text/html")) {
                continue;
            }
            checked += 1;
            let body = res.body.to_ascii_lowercase();
            assert!(!body.contains(" style=\"") && !body.contains("<style"), "{route} as {login}: inline style");
            assert!(!body.split("<script").skip(1).any(|s| !s.trim_start().starts_with("src=")), "{route} as {login}: inline script");
            for on in [" onclick=", " onsubmit=", " onload=", " onchange=", "javascript:"] {
                assert!(!body.contains(on), "{route} as {login}: {on}");
            }
            fields += text_fields_are_bounded_and_say_so(&res.body, &format!("{route} as {login}"));
        }
    }
    assert!(checked > 40, "{checked} pages checked");
    assert!(fields > 40, "{fields} text fields checked");
}

/// An attribute's value in one tag (`name="…"`).
fn attr<'a>(tag: &'a str, name: &str) -> Option<&'a str> {
    tag.split(&format!(" {name}=\"")).nth(1).and_then(|v| v.split('"').next())
}

/// Every text field of a page has a `maxlength`, and the limit is shown beside it: a hint the
/// field points at (`aria-describedby`) or its placeholder names "N karakter". Numeric fields
/// and password fields carry `maxlength` only (their labels say what they take). Returns the
/// number of fields checked.
fn text_fields_are_bounded_and_say_so(body: &str, page: &str) -> usize {
    let mut n = 0;
    for (open, kind) in [("<input", "input"), ("<textarea", "textarea")] {
        for chunk in body.split(open).skip(1) {
            let tag = chunk.split('>').next().unwrap_or("");
            let ty = attr(tag, "type").unwrap_or("text");
            if kind == "input" && !["text", "password", "email", "search", "tel", "url", "number"].contains(&ty) {
                continue;
            }
            let name = attr(tag, "name").unwrap_or("?");
            let max = attr(tag, "maxlength").unwrap_or_else(|| panic!("{page}: field {name} has no maxlength"));
            n += 1;
            let numeric = ty == "number" || ty == "password" || attr(tag, "inputmode").is_some_and(|m| m == "numeric" || m == "decimal");
            if numeric {
                continue;
            }
            let said = format!("{max} karakter");
            let in_placeholder = attr(tag, "placeholder").is_some_and(|p| p.contains(&said));
            let in_hint = attr(tag, "aria-describedby")
                .is_some_and(|id| body.split(&format!("id=\"{id}\"")).nth(1).and_then(|h| h.split("</p>").next()).is_some_and(|h| h.contains(&said)));
            assert!(in_placeholder || in_hint, "{page}: field {name} does not show its limit ({said})");
        }
    }
    n
}

/// The defect: framework error texts named internal types ("Cannot parse `abc` to a `i64`",
/// "Failed to deserialize query string"). Pages answer in Bahasa Indonesia instead.
#[tokio::test]
async fn malformed_paths_and_queries_get_indonesian_answers() {
    let app = TestApp::demo().await;
    let mut c = app.login("admin.medan").await;
    for url in ["/organisasi/unit/abc", "/organisasi/unit/99999999999999999999", "/akpk/pegawai/-x"] {
        let res = c.get(url).await;
        assert_eq!(res.status, StatusCode::NOT_FOUND, "{url}");
        assert!(!res.body.contains("parse") && !res.body.contains("i64"), "{url}: {}", res.body);
    }
    for url in ["/organisasi/pegawai?page=abc", "/organisasi/jabatan?page=-1", "/audit?page=1.5"] {
        let res = c.get(url).await;
        assert_eq!(res.status, StatusCode::BAD_REQUEST, "{url}");
        assert!(res.body.contains("parameter pada alamat tidak valid"), "{url}: {}", res.body);
        assert!(!res.body.contains("deserialize") && !res.body.contains("u64"), "{url}: {}", res.body);
    }
}

/// The defect: unknown filter values were silently ignored, so a mistyped or tampered link
/// showed everything as if no filter were set.
#[tokio::test]
async fn unknown_filter_values_are_refused_not_ignored() {
    let app = TestApp::demo().await;
    let mut c = app.login("admin.medan").await;
    let mut planner = app.login("perencana.medan").await;
    let token = token_for(&app, "perencana.medan").await;
    let cases = [
        ("/organisasi/pegawai?status=honorer", "status"),
        ("/organisasi/pegawai?kind=menteri", "jenis jabatan"),
        ("/organisasi/pegawai?unit=satu", "unit"),
        ("/organisasi/pegawai?sort=gaji", "urutan"),
        ("/organisasi/pegawai/unduh.csv?status=x", "status"),
        ("/organisasi/jabatan?kind=x", "jenis jabatan"),
        ("/kompetensi/standar?kind=x", "jenis jabatan"),
        ("/audit?entity=rahasia", "jenis data"),
    ];
    for (url, label) in cases {
        let res = c.get(url).await;
        assert_eq!(res.status, StatusCode::BAD_REQUEST, "{url}");
        assert!(res.body.contains(&format!("Nilai filter {label} ")) && res.body.contains("tidak dikenal"), "{url}: {}", res.body);
    }
    for url in ["/akpk/kebutuhan?family=x", "/akpk/kebutuhan?source=gosip", "/akpk/kebutuhan?unit=0", "/akpk?ukuran=besar", "/akpk?unit=x"] {
        assert_eq!(planner.get(url).await.status, StatusCode::BAD_REQUEST, "{url}");
    }
    // Known values and blanks still work.
    assert_eq!(c.get("/organisasi/pegawai?status=pns&kind=&unit=&sort=-nip").await.status, StatusCode::OK);
    assert_eq!(planner.get("/akpk/kebutuhan?family=manajerial&source=").await.status, StatusCode::OK);
    // The API says the same in problem+json.
    let res = c.api("GET", "/api/v1/needs?source=gosip", &token, None).await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST, "{}", res.body);
    // The API's filters are ids and codes: sent empty, they are refused there (found by schemathesis).
    let res = c.api("GET", "/api/v1/needs?family=&source=", &token, None).await;
    assert!(res.status == StatusCode::BAD_REQUEST && res.body.contains("Parameter 'family' kosong"), "{}", res.body);
    // An over-long search is refused with its limit, on pages and API.
    let long = "a".repeat(101);
    let res = c.get(&format!("/organisasi/pegawai?q={long}")).await;
    assert!(res.status == StatusCode::BAD_REQUEST && res.body.contains("maksimal 100 karakter"), "{}", res.body);
    assert_eq!(c.api("GET", &format!("/api/v1/employees?q={long}"), &token, None).await.status, StatusCode::BAD_REQUEST);
}

/// The defect: the OpenAPI document had no request or response schemas, no security scheme and
/// no error responses. Every operation now names its body schemas, the bearer scheme and the
/// problem documents it may answer with.
#[tokio::test]
async fn the_openapi_document_describes_every_operation_fully() {
    let app = TestApp::demo().await;
    let mut c = app.client();
    let spec: serde_json::Value = serde_json::from_str(&c.get("/api/v1/openapi.json").await.body).unwrap();
    assert_eq!(spec["components"]["securitySchemes"]["bearer"]["scheme"], "bearer");
    assert!(spec["components"]["schemas"]["Problem"]["properties"]["detail"].is_object());
    let mut ops = 0;
    for (path, item) in spec["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            ops += 1;
            let what = format!("{method} {path}");
            assert!(op["security"][0]["bearer"].is_array(), "{what}: no security");
            let ok = &op["responses"]["200"]["content"]["application/json"]["schema"];
            assert!(ok.is_object() && !ok.as_object().unwrap().is_empty(), "{what}: no response schema");
            for code in ["400", "401", "403", "404", "422"] {
                assert!(op["responses"][code]["content"]["application/problem+json"].is_object(), "{what}: no {code} problem");
            }
            if method == "post" || method == "put" {
                let body = &op["requestBody"]["content"]["application/json"]["schema"]["$ref"];
                assert!(body.as_str().is_some_and(|r| r.starts_with("#/components/schemas/")), "{what}: untyped body {body}");
            }
        }
    }
    // Every API route is documented (the openapi.json route itself aside).
    let documented: usize = spec["paths"].as_object().unwrap().values().map(|i| i.as_object().unwrap().len()).sum();
    assert_eq!(documented, ops);
    let routes = cakap_web::api::PATHS.iter().filter(|p| **p != "/openapi.json").count();
    assert_eq!(spec["paths"].as_object().unwrap().len(), routes, "an API route is missing from the document");
    // Limits the server enforces are in the schemas.
    assert_eq!(spec["components"]["schemas"]["UnitInput"]["properties"]["name"]["maxLength"], 200);
    assert_eq!(spec["components"]["schemas"]["AssessmentBody"]["properties"]["level"]["maximum"], 5);
}

/// The defect: framework and serde texts reached API clients ("expected struct EmployeeForm",
/// "Cannot parse `abc` to a `i64`"), and a body of any content type was parsed.
#[tokio::test]
async fn api_rejections_are_problem_documents_in_bahasa_indonesia() {
    let app = TestApp::demo().await;
    let mut c = app.client();
    let token = token_for(&app, "admin.medan").await;
    let problem = |res: &Res| -> serde_json::Value {
        assert!(res.headers.get("content-type").unwrap().to_str().unwrap().starts_with("application/problem+json"), "{}", res.body);
        serde_json::from_str(&res.body).unwrap()
    };
    let leaks = ["EmployeeForm", "i64", "u64", "struct", "invalid type", "expected", "Failed to", "serde", "deserialize"];
    let cases: Vec<(&str, &str, Option<serde_json::Value>, StatusCode, &str)> = vec![
        ("GET", "/api/v1/employees/abc", None, StatusCode::NOT_FOUND, "tidak ditemukan"),
        ("GET", "/api/v1/employees?page=abc", None, StatusCode::BAD_REQUEST, "Parameter 'page'"),
        ("GET", "/api/v1/employees?page=100001", None, StatusCode::BAD_REQUEST, "maksimal 100000"),
        ("GET", "/api/v1/employees?kind=menteri", None, StatusCode::BAD_REQUEST, "Parameter 'kind' nilainya tidak dikenal"),
        ("POST", "/api/v1/units", Some(serde_json::json!("bukan objek")), StatusCode::BAD_REQUEST, "Isian badan permintaan"),
        ("POST", "/api/v1/units", Some(serde_json::json!({"code": "X", "name": "Y"})), StatusCode::BAD_REQUEST, "Isian 'kind' wajib diisi"),
        (
            "POST",
            "/api/v1/positions",
            Some(serde_json::json!({"unit_id": "satu", "code": "X", "name": "Y", "jenjang": "pelaksana", "criticality": 1})),
            StatusCode::BAD_REQUEST,
            "Isian 'unit_id' jenis atau rentang nilainya tidak sesuai",
        ),
        (
            "POST",
            "/api/v1/employees/1/assessments",
            Some(serde_json::json!({"competency_id": 1, "level": 300, "method": "assessor", "assessed_on": "2026-01-05"})),
            StatusCode::BAD_REQUEST,
            "Isian 'level'",
        ),
    ];
    for (method, path, body, status, says) in cases {
        let res = c.api(method, path, &token, body).await;
        assert_eq!(res.status, status, "{method} {path}: {}", res.body);
        let p = problem(&res);
        let detail = p["detail"].as_str().unwrap();
        assert!(detail.contains(says), "{method} {path}: {detail}");
        assert!(!leaks.iter().any(|l| detail.contains(l)), "{method} {path} leaks: {detail}");
    }
    // Broken JSON says where; a body that is not JSON by its type is a 415.
    let req = axum::http::Request::post("/api/v1/units")
        .header("authorization", format!("Bearer {token}"))
        .header("content-type", "application/json")
        .body(axum::body::Body::from("{\"code\": \"X\",\n \"name\": "))
        .unwrap();
    let res = tower::ServiceExt::oneshot(c.router.clone(), req).await.unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    let body = String::from_utf8(axum::body::to_bytes(res.into_body(), 10_000).await.unwrap().to_vec()).unwrap();
    assert!(body.contains("JSON tidak valid (baris 2"), "{body}");
    let req = axum::http::Request::post("/api/v1/units")
        .header("authorization", format!("Bearer {token}"))
        .header("content-type", "text/plain")
        .body(axum::body::Body::from("{}"))
        .unwrap();
    let res = tower::ServiceExt::oneshot(c.router.clone(), req).await.unwrap();
    assert_eq!(res.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
    // Dates are ISO 8601, not time's [year, day-of-year].
    let list: serde_json::Value = serde_json::from_str(&c.api("GET", "/api/v1/employees", &token, None).await.body).unwrap();
    let born = list["items"][0]["birth_date"].as_str().expect("a string date");
    assert!(born.len() == 10 && born.as_bytes()[4] == b'-' && born.as_bytes()[7] == b'-', "{born}");
}

/// The defect: a form body that did not parse answered with axum's English text naming the
/// Rust type ("Failed to deserialize form body: missing field `password`").
#[tokio::test]
async fn unreadable_forms_get_an_indonesian_answer() {
    let app = TestApp::demo().await;
    let mut c = app.client();
    c.get("/masuk").await;
    let res = c.post("/masuk", &[("login", "admin.medan")]).await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST);
    assert!(res.body.contains("Isian formulir &#39;password&#39; tidak ada"), "{}", res.body);
    assert!(!res.body.contains("deserialize") && !res.body.contains("missing field"), "{}", res.body);
    let mut admin = app.login("admin.medan").await;
    admin.get("/profil").await;
    let res = admin.post("/profil/token", &[("name", "x"), ("days", "banyak"), ("scope", "read")]).await;
    assert!(!res.status.is_server_error() && !res.body.contains("deserialize"), "{}", res.body);
}
