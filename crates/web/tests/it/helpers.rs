//! A fresh database per test (SQLite temp file, or a new PostgreSQL database when
//! TEST_DATABASE_URL is set), the real router, and a client that keeps cookies and CSRF.

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use cakap_store::Store;
use sea_orm::{ConnectionTrait, Database};
use tower::ServiceExt;

pub const PASSWORD: &str = "rahasia-uji-123";

pub struct TestApp {
    pub store: Store,
    pub router: Router,
    /// Where the database is, to open it again as another process would.
    pub url: String,
    _dir: Option<tempfile::TempDir>,
    pg: Option<(String, String)>,
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some((admin_url, name)) = self.pg.take() {
            // Drop the per-test database on a separate runtime (Drop cannot be async).
            let _ = std::thread::spawn(move || {
                let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
                rt.block_on(async {
                    if let Ok(db) = Database::connect(&admin_url).await {
                        let _ = db.execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).await;
                    }
                });
            })
            .join();
        }
    }
}

impl TestApp {
    /// An empty, migrated database.
    pub async fn empty() -> TestApp {
        match std::env::var("TEST_DATABASE_URL").ok().filter(|u| u.starts_with("postgres")) {
            Some(admin_url) => {
                let name = format!("cakap_t_{}", hex::encode(rand::random::<[u8; 6]>()));
                let admin = Database::connect(&admin_url).await.expect("connect TEST_DATABASE_URL");
                admin.execute_unprepared(&format!("CREATE DATABASE {name}")).await.expect("create test database");
                let base = admin_url.rsplit_once('/').map(|(b, _)| b.to_string()).unwrap_or(admin_url.clone());
                let url = format!("{base}/{name}");
                let store = Store::open(&url).await.expect("open");
                TestApp { router: cakap_web::router(store.clone(), Default::default()), store, url, _dir: None, pg: Some((admin_url, name)) }
            }
            None => TestApp::sqlite().await,
        }
    }

    /// Always SQLite, whatever TEST_DATABASE_URL says (for tests that cross backends).
    pub async fn sqlite() -> TestApp {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("t.db").display());
        let store = Store::open(&url).await.expect("open");
        TestApp { router: cakap_web::router(store.clone(), Default::default()), store, url, _dir: Some(dir), pg: None }
    }

    /// With the demo data (five tenants, one user per role each).
    pub async fn demo() -> TestApp {
        let app = TestApp::empty().await;
        cakap_store::demo::load(&app.store, PASSWORD).await.expect("demo");
        app
    }

    pub async fn tenant_id(&self, code: &str) -> i64 {
        cakap_store::org::tenants::by_code(&self.store.db, code).await.unwrap().unwrap().id
    }

    /// A client that is not logged in (has a session with a CSRF token after `start`).
    pub fn client(&self) -> Client {
        Client { router: self.router.clone(), cookie: String::new(), login_cookie: String::new(), csrf: String::new(), peer: None }
    }

    /// A logged-in client of a router built with other deployment options (same database).
    pub async fn login_with(&self, login: &str, cfg: cakap_web::WebConfig) -> Client {
        let c =
            Client { router: cakap_web::router(self.store.clone(), cfg), cookie: String::new(), login_cookie: String::new(), csrf: String::new(), peer: None };
        self.log_in(c, login).await
    }

    /// Logs in and returns a client holding the session cookie and CSRF token. A user with a
    /// second factor types the current code; one whose roles require it and who has none
    /// enrols through the page first, as at their first real login.
    pub async fn login(&self, login: &str) -> Client {
        self.log_in(self.client(), login).await
    }

    async fn log_in(&self, mut c: Client, login: &str) -> Client {
        let res = c.login(login, PASSWORD).await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "login {login} failed: {}", res.body);
        if res.location() == "/masuk/verifikasi" {
            let code = self.totp_code(login).await;
            c.get("/masuk/verifikasi").await;
            let res = c.post("/masuk/verifikasi", &[("code", &code)]).await;
            assert_eq!((res.status, res.location()), (StatusCode::SEE_OTHER, "/"), "code step of {login}: {}", res.body);
        } else if self.must_enrol(login).await {
            c.enrol().await;
        }
        c
    }

    /// Whether `login`'s roles require a second factor it does not have yet.
    pub async fn must_enrol(&self, login: &str) -> bool {
        let u = cakap_store::users::find_login(&self.store.db, login).await.unwrap().expect("user");
        cakap_store::Principal::load(&self.store, u.id).await.unwrap().is_some_and(|p| p.must_enrol_second_factor())
    }

    /// The code `login`'s authenticator app shows now. The step last used is forgotten first, so
    /// a test may log the same user in twice within 30 seconds (that a code is good only once
    /// has its own test).
    pub async fn totp_code(&self, login: &str) -> String {
        let login = login.replace('\'', "");
        sql_exec(self, &format!("UPDATE user_totp SET last_step = 0 WHERE user_id = (SELECT id FROM app_user WHERE login = '{login}')")).await;
        let secret = sql_text(self, &format!("SELECT secret FROM user_totp WHERE user_id = (SELECT id FROM app_user WHERE login = '{login}')")).await;
        cakap_store::second_factor::current_code(&secret).expect("stored secret")
    }
}

pub struct Res {
    pub status: StatusCode,
    pub body: String,
    pub headers: axum::http::HeaderMap,
    pub bytes: Vec<u8>,
}

impl Res {
    /// The redirect target ("" when none).
    pub fn location(&self) -> &str {
        self.headers.get(header::LOCATION).and_then(|v| v.to_str().ok()).unwrap_or("")
    }
}

#[derive(Clone)]
pub struct Client {
    pub router: Router,
    /// The session cookie (`cakap_sid=…`), set at login.
    pub cookie: String,
    /// The login form's double-submit cookie (`cakap_login_csrf=…`).
    pub login_cookie: String,
    pub csrf: String,
    /// The socket address the server sees (None: "unknown", as for every client before).
    pub peer: Option<std::net::SocketAddr>,
}

impl Client {
    /// The Cookie header this client sends.
    pub fn cookies(&self) -> String {
        [self.cookie.as_str(), self.login_cookie.as_str()].iter().filter(|c| !c.is_empty()).copied().collect::<Vec<_>>().join("; ")
    }

    /// This client as seen from `ip` (as the socket peer).
    pub fn at_ip(mut self, ip: &str) -> Client {
        self.peer = Some(std::net::SocketAddr::new(ip.parse().unwrap(), 40000));
        self
    }

    async fn send(&mut self, mut req: Request<Body>) -> Res {
        if let Some(peer) = self.peer {
            req.extensions_mut().insert(axum::extract::ConnectInfo(peer));
        }
        let res = self.router.clone().oneshot(req).await.unwrap();
        let status = res.status();
        let headers = res.headers().clone();
        for v in headers.get_all(header::SET_COOKIE) {
            let c = v.to_str().unwrap().split(';').next().unwrap().to_string();
            if c.starts_with("cakap_sid=") {
                self.cookie = c;
            } else if c.starts_with("cakap_login_csrf=") {
                self.login_cookie = c;
            }
        }
        let bytes = axum::body::to_bytes(res.into_body(), usize::MAX).await.unwrap().to_vec();
        let body = String::from_utf8_lossy(&bytes).to_string();
        if let Some(t) = body.split("name=\"_csrf\" value=\"").nth(1).and_then(|s| s.split('"').next()) {
            self.csrf = t.to_string();
        }
        Res { status, body, headers, bytes }
    }

    pub async fn get(&mut self, path: &str) -> Res {
        let req = Request::get(path).header(header::COOKIE, self.cookies()).body(Body::empty()).unwrap();
        self.send(req).await
    }

    /// POSTs a form with the client's CSRF token added.
    pub async fn post(&mut self, path: &str, fields: &[(&str, &str)]) -> Res {
        let mut all: Vec<(&str, &str)> = vec![("_csrf", self.csrf.as_str())];
        all.extend_from_slice(fields);
        let body = serde_urlencoded::to_string(&all).unwrap();
        self.post_raw(path, body).await
    }

    pub async fn post_raw(&mut self, path: &str, body: String) -> Res {
        let req = Request::post(path)
            .header(header::COOKIE, self.cookies())
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(body))
            .unwrap();
        self.send(req).await
    }

    /// Enrols a second factor through the page, as a user with an authenticator app does;
    /// returns the recovery codes shown once.
    pub async fn enrol(&mut self) -> Vec<String> {
        let page = self.get("/profil/dua-langkah").await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.body);
        let secret = page.body.split("name=\"secret\" value=\"").nth(1).and_then(|s| s.split('"').next()).expect("enrolment form").to_string();
        let code = cakap_store::second_factor::current_code(&secret).expect("secret");
        let res = self.post("/profil/dua-langkah", &[("secret", &secret), ("code", &code)]).await;
        assert_eq!(res.status, StatusCode::OK, "{}", res.body);
        let list = res.body.split("<ol class=\"codes\">").nth(1).and_then(|s| s.split("</ol>").next()).expect("recovery codes shown");
        list.split("<code>").skip(1).filter_map(|c| c.split("</code>").next()).map(str::to_string).collect()
    }

    pub async fn login(&mut self, login: &str, password: &str) -> Res {
        self.get("/masuk").await;
        self.post("/masuk", &[("login", login), ("password", password)]).await
    }

    /// Logs in from the login form with a return address (`ke`), as a deep link leads there.
    pub async fn login_to(&mut self, login: &str, password: &str, to: &str) -> Res {
        self.get("/masuk").await;
        self.post("/masuk", &[("login", login), ("password", password), ("ke", to)]).await
    }

    /// Uploads a file to the import form (multipart) with the CSRF token as a field.
    pub async fn upload(&mut self, path: &str, file_name: &str, bytes: &[u8], mode: &str, csrf: &str) -> Res {
        self.upload_with(path, file_name, bytes, &[("_csrf", csrf), ("mode", mode)]).await
    }

    /// Uploads a file with the given extra form fields.
    pub async fn upload_with(&mut self, path: &str, file_name: &str, bytes: &[u8], fields: &[(&str, &str)]) -> Res {
        let boundary = "----cakapuji";
        let mut body = Vec::new();
        for (k, v) in fields {
            body.extend_from_slice(format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n").as_bytes());
        }
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{file_name}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
        let req = Request::post(path)
            .header(header::COOKIE, self.cookies())
            .header(header::CONTENT_TYPE, format!("multipart/form-data; boundary={boundary}"))
            .body(Body::from(body))
            .unwrap();
        self.send(req).await
    }

    pub async fn api(&mut self, method: &str, path: &str, token: &str, json: Option<serde_json::Value>) -> Res {
        let mut b = Request::builder().method(method).uri(path);
        if !token.is_empty() {
            b = b.header(header::AUTHORIZATION, format!("Bearer {token}"));
        }
        let req = match json {
            Some(j) => b.header(header::CONTENT_TYPE, "application/json").body(Body::from(j.to_string())).unwrap(),
            None => b.body(Body::empty()).unwrap(),
        };
        self.send(req).await
    }
}

/// Creates an API token for a demo login.
pub async fn token_for(app: &TestApp, login: &str) -> String {
    cakap_store::users::issue_token(&app.store, login, "uji", None, cakap_domain::TokenScope::ReadWrite).await.unwrap()
}

/// The tenant's operator scope (what the CLI acts as): the door tests use to read and set up data.
pub async fn op(app: &TestApp, tenant_id: i64) -> cakap_store::Scope {
    let p = cakap_store::Principal::operator(&app.store, tenant_id).await.expect("tenant");
    cakap_store::Scope::of(&app.store, std::sync::Arc::new(p), None).expect("a tenant scope")
}

/// The scope a demo login works in, as the session would give it.
pub async fn scope_of(app: &TestApp, login: &str) -> cakap_store::Scope {
    let u = cakap_store::users::find_login(&app.store.db, login).await.unwrap().expect("login");
    let p = cakap_store::Principal::load(&app.store, u.id).await.unwrap().expect("active");
    cakap_store::Scope::of(&app.store, std::sync::Arc::new(p), None).expect("a tenant scope")
}

/// Raw SQL for fixtures and checks that must go around the store on purpose (a corrupted
/// row, a change that skips the revisions, a count): rows affected.
pub async fn sql_exec(app: &TestApp, sql: &str) -> u64 {
    app.store.db.execute_unprepared(sql).await.unwrap().rows_affected()
}

/// The first column of the first row of a query, as text (numbers cast by the query).
pub async fn sql_text(app: &TestApp, sql: &str) -> String {
    let stmt = sea_orm::Statement::from_string(app.store.db.get_database_backend(), sql.to_string());
    let row = app.store.db.query_one_raw(stmt).await.unwrap().expect("a row");
    row.try_get_by_index::<String>(0).unwrap()
}

/// A count query's result.
pub async fn sql_count(app: &TestApp, sql: &str) -> i64 {
    let stmt = sea_orm::Statement::from_string(app.store.db.get_database_backend(), sql.to_string());
    let row = app.store.db.query_one_raw(stmt).await.unwrap().expect("a row");
    row.try_get_by_index::<i64>(0).unwrap()
}

/// Every row of a query whose single column is text.
pub async fn sql_lines(app: &TestApp, sql: &str) -> Vec<String> {
    let stmt = sea_orm::Statement::from_string(app.store.db.get_database_backend(), sql.to_string());
    app.store.db.query_all_raw(stmt).await.unwrap().into_iter().map(|r| r.try_get_by_index::<String>(0).unwrap()).collect()
}

/// The text of a PDF as poppler's `pdftotext -layout` reads it, with its page count: what a
/// reader would see. `.ci/run` installs poppler-utils and sets `CAKAP_REQUIRE_BROWSER`, so in CI a
/// missing tool fails; elsewhere the check says so and returns None.
pub fn pdf_text(pdf: &[u8]) -> Option<(String, usize)> {
    assert!(pdf.starts_with(b"%PDF-"), "not a PDF: {:?}", &pdf[..pdf.len().min(40)]);
    if !std::path::Path::new("/usr/bin/pdftotext").exists() {
        if std::env::var_os("CAKAP_REQUIRE_BROWSER").is_some() {
            panic!("PDF tests need poppler-utils (pdftotext): apt-get install -y poppler-utils");
        }
        eprintln!("SKIPPED: PDF text check; install poppler-utils to run it");
        return None;
    }
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("doc.pdf");
    std::fs::write(&file, pdf).unwrap();
    let out = std::process::Command::new("/usr/bin/pdftotext").arg("-layout").arg(&file).arg("-").output().unwrap();
    assert!(out.status.success(), "pdftotext: {}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8(out.stdout).unwrap();
    // pdftotext ends every page with a form feed.
    let pages = text.matches('\u{c}').count();
    Some((text, pages))
}
