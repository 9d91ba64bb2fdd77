use axum::http::StatusCode;

use crate::helpers::*;

#[tokio::test]
async fn login_rotates_session_and_logout_ends_it() {
    let app = TestApp::demo().await;
    let mut c = app.client();
    c.get("/masuk").await;
    // The login page writes no session (a GET writes nothing); its CSRF token is a cookie.
    assert!(c.cookie.is_empty(), "no session before login: {}", c.cookie);
    assert!(c.login_cookie.starts_with("cakap_login_csrf="));
    // An id planted by an attacker never becomes the logged-in session.
    let anonymous_cookie = "cakap_sid=dGhpcy1pcy1hLXBsYW50ZWQtaWQtYWFhYWFhYQ".to_string();
    c.cookie = anonymous_cookie.clone();
    let res = c.post("/masuk", &[("login", "perencana.medan"), ("password", PASSWORD)]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert_ne!(c.cookie, anonymous_cookie, "session id must change at login");
    let home = c.get("/").await;
    assert!(home.body.contains("Pemerintah Kota Medan"), "{}", home.body);
    let set_cookie = res.headers.get("set-cookie").unwrap().to_str().unwrap().to_ascii_lowercase();
    assert!(set_cookie.contains("httponly") && set_cookie.contains("samesite=lax"), "{set_cookie}");
    // The old (pre-login) session id is not logged in.
    let mut old = app.client();
    old.cookie = anonymous_cookie;
    assert_eq!(old.get("/").await.status, StatusCode::SEE_OTHER);
    // Logout. The session record was cached by the views above; the old cookie, replayed after
    // logout, must find nothing.
    c.get("/").await;
    let logged_in = c.cookie.clone();
    assert_eq!(c.post("/keluar", &[]).await.status, StatusCode::SEE_OTHER);
    assert_eq!(c.get("/organisasi/pegawai").await.status, StatusCode::SEE_OTHER);
    let mut replay = app.client();
    replay.cookie = logged_in;
    assert_eq!(replay.get("/organisasi/pegawai").await.status, StatusCode::SEE_OTHER, "a logged-out session is gone at once");
}

#[tokio::test]
async fn wrong_password_is_refused_and_the_next_try_waits() {
    let app = TestApp::demo().await;
    let mut c = app.client().at_ip("10.1.1.1");
    let res = c.login("admin.medan", "salah-sandi").await;
    assert_eq!(res.status, StatusCode::UNAUTHORIZED);
    assert!(res.body.contains("Nama pengguna atau kata sandi salah."));
    assert!(res.body.contains("value=\"admin.medan\""), "typed login is kept");
    for _ in 0..4 {
        c.login("admin.medan", "salah-sandi").await;
    }
    // Five failures from here: the next try from here waits 15 s, even with the right password.
    let res = c.login("admin.medan", PASSWORD).await;
    assert_eq!(res.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(res.body.contains("Coba lagi dalam 15 detik"), "{}", res.body);
    assert_eq!(res.headers.get("retry-after").unwrap(), "15");
    // Refused tries are not recorded, so hammering does not make the wait longer.
    for _ in 0..20 {
        c.login("admin.medan", "salah-sandi").await;
    }
    assert_eq!(sql_count(&app, "SELECT COUNT(*) FROM login_attempt WHERE login = 'admin.medan'").await, 5);
    // Another account from another IP is unaffected.
    let mut other = app.client().at_ip("10.1.1.2");
    assert_eq!(other.login("admin.ambon", PASSWORD).await.status, StatusCode::SEE_OTHER);
}

/// The defect: five wrong passwords from anywhere locked the owner out for 15 minutes.
#[tokio::test]
async fn strangers_cannot_lock_the_owner_out() {
    let app = TestApp::demo().await;
    // The owner has logged in from the office before.
    assert_eq!(app.client().at_ip("10.2.0.1").login("perencana.ambon", PASSWORD).await.status, StatusCode::SEE_OTHER);
    // Ten strangers, one wrong password each (the per-address rule never bites them).
    for i in 0..10 {
        let res = app.client().at_ip(&format!("172.16.0.{i}")).login("perencana.ambon", "tebakan-salah").await;
        assert_eq!(res.status, StatusCode::UNAUTHORIZED);
    }
    // From the familiar office address the owner logs in at once.
    assert_eq!(app.client().at_ip("10.2.0.1").login("perencana.ambon", PASSWORD).await.status, StatusCode::SEE_OTHER);
    // From an address the account has never used, the wait is a minute at most, not a lock.
    let res = app.client().at_ip("10.2.0.99").login("perencana.ambon", PASSWORD).await;
    assert_eq!(res.status, StatusCode::TOO_MANY_REQUESTS);
    let wait: i64 = res.headers.get("retry-after").unwrap().to_str().unwrap().parse().unwrap();
    assert!((1..=60).contains(&wait), "{wait}");
}

#[tokio::test]
async fn forms_without_csrf_token_are_rejected() {
    let app = TestApp::demo().await;
    let mut c = app.login("admin.medan").await;
    c.get("/organisasi/unit/baru").await;
    let res = c.post_raw("/organisasi/unit/baru", "code=X-1&name=Unit+Palsu&kind=bidang".into()).await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    let res = c.post_raw("/organisasi/unit/baru", "_csrf=salah&code=X-1&name=Unit+Palsu&kind=bidang".into()).await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    let units = op(&app, app.tenant_id("medan").await).await.units().unwrap().list().await.unwrap();
    assert!(!units.iter().any(|u| u.name == "Unit Palsu"));
    // With the token it works, and the change is audited in the same transaction.
    let res = c.post("/organisasi/unit/baru", &[("code", "X-1"), ("name", "Unit Asli"), ("kind", "bidang")]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let log = op(&app, app.tenant_id("medan").await)
        .await
        .audit()
        .unwrap()
        .page(&cakap_store::audit::AuditFilter { entity: cakap_domain::audit::AuditEntity::from_code("unit"), ..Default::default() }, 1, 10)
        .await
        .unwrap()
        .items;
    assert!(log.iter().any(|l| l.action == "create" && l.after.as_deref().unwrap_or("").contains("Unit Asli")));
}

#[tokio::test]
async fn api_needs_a_valid_bearer_token() {
    let app = TestApp::demo().await;
    let mut c = app.client();
    let res = c.api("GET", "/api/v1/me", "", None).await;
    assert_eq!(res.status, StatusCode::UNAUTHORIZED);
    assert!(res.headers.get("content-type").unwrap().to_str().unwrap().contains("problem+json"));
    assert_eq!(c.api("GET", "/api/v1/me", "cakap_bukan_token", None).await.status, StatusCode::UNAUTHORIZED);
    let token = token_for(&app, "perencana.medan").await;
    let res = c.api("GET", "/api/v1/me", &token, None).await;
    assert_eq!(res.status, StatusCode::OK);
    let me: serde_json::Value = serde_json::from_str(&res.body).unwrap();
    assert_eq!(me["login"], "perencana.medan");
    assert_eq!(me["roles"][0], "planner");
    let spec: serde_json::Value = serde_json::from_str(&c.get("/api/v1/openapi.json").await.body).unwrap();
    assert!(spec["paths"]["/api/v1/employees"].is_object());
    assert_eq!(c.get("/healthz").await.status, StatusCode::OK);
}

#[tokio::test]
async fn api_creates_org_records_with_the_same_permissions_as_pages() {
    let app = TestApp::demo().await;
    let mut c = app.client();
    let admin = token_for(&app, "admin.lhokseumawe").await;
    let planner = token_for(&app, "perencana.lhokseumawe").await;
    let unit = serde_json::json!({"parent_id": null, "code": "BPBD-TRC", "name": "Tim Reaksi Cepat", "kind": "upt"});
    assert_eq!(c.api("POST", "/api/v1/units", &planner, Some(unit.clone())).await.status, StatusCode::FORBIDDEN);
    let res = c.api("POST", "/api/v1/units", &admin, Some(unit.clone())).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let unit_id = serde_json::from_str::<serde_json::Value>(&res.body).unwrap()["id"].as_i64().unwrap();
    // Same code again: a field error, not a 500.
    let res = c.api("POST", "/api/v1/units", &admin, Some(unit)).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(serde_json::from_str::<serde_json::Value>(&res.body).unwrap()["errors"][0]["field"], "code");
    let pos = serde_json::json!({"unit_id": unit_id, "code": "TRC-1", "name": "Analis Kebencanaan Ahli Pertama", "jenjang": "ahli_pertama", "criticality": 3});
    let res = c.api("POST", "/api/v1/positions", &admin, Some(pos)).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let pos_id = serde_json::from_str::<serde_json::Value>(&res.body).unwrap()["id"].as_i64().unwrap();
    let emp = serde_json::json!({"nip": "199512302020121003", "nama": "Cut Nyak Dhien, S.T.", "jenis_kelamin": "P", "tanggal_lahir": "1995-12-30", "status": "PNS", "golongan": "III/a", "unit_id": unit_id, "position_id": pos_id});
    let res = c.api("POST", "/api/v1/employees", &admin, Some(emp)).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "gender digit says male: {}", res.body);
    assert!(res.body.contains("jenis kelamin"));
    let emp = serde_json::json!({"nip": "199512302020122003", "nama": "Cut Nyak Dhien, S.T.", "jenis_kelamin": "P", "tanggal_lahir": "1995-12-30", "status": "PNS", "golongan": "III/a", "unit_id": unit_id, "position_id": pos_id});
    let res = c.api("POST", "/api/v1/employees", &admin, Some(emp)).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let user = serde_json::json!({"login": "trc.lhokseumawe", "name": "Koordinator TRC", "password": "sandi-kuat-uji-2026", "roles": [{"role": "supervisor", "unit_id": unit_id}]});
    let res = c.api("POST", "/api/v1/users", &admin, Some(user)).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    // The new supervisor sees exactly the one employee of the new unit.
    let mut sup = app.client();
    assert_eq!(sup.login("trc.lhokseumawe", "sandi-kuat-uji-2026").await.status, StatusCode::SEE_OTHER);
    assert!(sup.get("/organisasi/pegawai").await.body.contains("Total 1 data"));
    let res = c.api("POST", "/api/v1/employees", &admin, Some(serde_json::json!("bukan objek"))).await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST);
}

/// The defect: twenty failures locked out everyone behind one office IP.
#[tokio::test]
async fn one_guesser_behind_an_office_nat_does_not_lock_out_the_office() {
    let app = TestApp::demo().await;
    let office = "10.3.0.1";
    // A colleague logged in from the office before.
    assert_eq!(app.client().at_ip(office).login("pegawai.serang", PASSWORD).await.status, StatusCode::SEE_OTHER);
    // Someone in the office guesses: 5 failures on each of 6 logins (30 from one address).
    for n in 0..6 {
        for _ in 0..5 {
            let res = app.client().at_ip(office).login(&format!("tebak{n}.serang"), "salah-sandi").await;
            assert_eq!(res.status, StatusCode::UNAUTHORIZED);
        }
    }
    // The colleague is not slowed at all.
    assert_eq!(app.client().at_ip(office).login("pegawai.serang", PASSWORD).await.status, StatusCode::SEE_OTHER);
    // Someone logging in from the office for the first time waits a minute at most.
    let res = app.client().at_ip(office).login("atasan.serang", PASSWORD).await;
    assert_eq!(res.status, StatusCode::TOO_MANY_REQUESTS);
    let wait: i64 = res.headers.get("retry-after").unwrap().to_str().unwrap().parse().unwrap();
    assert!((1..=60).contains(&wait), "{wait}");
    // Elsewhere nobody notices.
    assert_eq!(app.client().at_ip("10.3.9.9").login("atasan.serang", PASSWORD).await.status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn a_spoofed_forwarded_for_does_not_change_the_address_throttled() {
    let app = TestApp::demo().await;
    for _ in 0..5 {
        app.client().at_ip("10.4.0.1").login("ppk.serang", "salah-sandi").await;
    }
    let mut c = app.client().at_ip("10.4.0.1");
    c.get("/masuk").await;
    let body = serde_urlencoded::to_string([("_csrf", c.csrf.as_str()), ("login", "ppk.serang"), ("password", PASSWORD)]).unwrap();
    let mut req = axum::http::Request::post("/masuk")
        .header("cookie", c.cookies())
        .header("content-type", "application/x-www-form-urlencoded")
        .header("x-forwarded-for", "10.9.8.7")
        .body(axum::body::Body::from(body))
        .unwrap();
    req.extensions_mut().insert(axum::extract::ConnectInfo(std::net::SocketAddr::new("10.4.0.1".parse().unwrap(), 1)));
    let res = tower::ServiceExt::oneshot(c.router.clone(), req).await.unwrap();
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS, "the header is not trusted without --trusted-proxy");
}

#[tokio::test]
async fn a_busy_database_gives_a_try_again_page_not_a_500() {
    let app = TestApp::demo().await;
    if app.store.is_postgres() {
        return; // PostgreSQL writers wait on row locks; the SQLite write lock is what an import holds.
    }
    let mut c = app.login("admin.medan").await;
    c.get("/organisasi/unit/baru").await;
    // Another writer (as an import does) holds SQLite's write lock past busy_timeout.
    let url = app.store.db.get_sqlite_connection_pool().connect_options().get_filename().display().to_string();
    let mut other = <sea_orm::sqlx::SqliteConnection as sea_orm::sqlx::Connection>::connect(&format!("sqlite://{url}")).await.unwrap();
    sea_orm::sqlx::query("BEGIN IMMEDIATE").execute(&mut other).await.unwrap();
    let res = c.post("/organisasi/unit/baru", &[("code", "SIBUK"), ("name", "Unit Sibuk"), ("kind", "bidang")]).await;
    sea_orm::sqlx::query("ROLLBACK").execute(&mut other).await.unwrap();
    assert_eq!(res.status, StatusCode::SERVICE_UNAVAILABLE, "{}", res.body);
    assert!(res.body.contains("sedang sibuk") && res.body.contains("Coba lagi"), "{}", res.body);
    assert_eq!(res.headers.get("retry-after").unwrap(), "5");
}

#[tokio::test]
async fn expired_sessions_and_old_login_attempts_are_purged() {
    let app = TestApp::demo().await;
    let mut c = app.client();
    c.login("admin.medan", "salah-sandi").await;
    let live = app.login("perencana.medan").await;
    let now = cakap_store::now();
    // Nothing is old yet: the live session and today's attempts stay.
    let p = cakap_store::users::purge_expired(&app.store, now).await.unwrap();
    assert_eq!(p, Default::default());
    // Nine hours on, the 8-hour sessions are gone; eight days on, the failed attempts too; the
    // successes stay a month (they make an address familiar to the throttle).
    let p = cakap_store::users::purge_expired(&app.store, now + time::Duration::hours(9)).await.unwrap();
    assert!(p.sessions >= 1 && p.login_attempts == 0, "{p:?}");
    let p = cakap_store::users::purge_expired(&app.store, now + time::Duration::days(8)).await.unwrap();
    assert_eq!(p.login_attempts, 1, "{p:?}");
    let p = cakap_store::users::purge_expired(&app.store, now + time::Duration::days(31)).await.unwrap();
    assert_eq!(p.login_attempts, 1, "{p:?}");
    let mut live = live;
    assert_eq!(live.get("/").await.status, StatusCode::SEE_OTHER, "the purged session is logged out");
}

#[tokio::test]
async fn unreadable_settings_are_an_error_never_a_silent_reset() {
    let app = TestApp::demo().await;
    let t = app.tenant_id("serang").await;
    let good = sql_text(&app, &format!("SELECT settings FROM tenant WHERE id = {t}")).await;
    // The admin has set up the second factor (enrolment shows tenant pages) before the damage.
    app.login("admin.serang").await;
    sql_exec(&app, &format!("UPDATE tenant SET settings = '{{\"min_jp_per_year\": \"dua puluh\"' WHERE id = {t}")).await;
    let mut c = app.login("admin.serang").await;
    let res = c.get("/pengaturan").await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST, "{}", res.body);
    assert!(res.body.contains("pengaturan instansi tidak terbaca"), "{}", res.body);
    let still = sql_text(&app, &format!("SELECT settings FROM tenant WHERE id = {t}")).await;
    assert_ne!(still, good, "nothing rewrote the stored value with defaults");
    assert!(still.contains("dua puluh"));
}

#[tokio::test]
async fn the_user_form_saves_all_or_nothing() {
    let app = TestApp::demo().await;
    let t = app.tenant_id("medan").await;
    let ppk = cakap_store::users::find_login(&app.store.db, "ppk.medan").await.unwrap().unwrap();
    let roles = || async { op(&app, t).await.user_admin().unwrap().get(ppk.id).await.unwrap().roles };
    let before = roles().await;
    let mut c = app.login("admin.medan").await;
    let page = format!("/organisasi/pengguna/{}", ppk.id);
    c.get(&page).await;
    // A new role with a password that is too short: refused, and the role is not half-saved.
    let res = c.post(&page, &[("role_approver", "1"), ("role_planner", "1"), ("active", "true"), ("password", "pendek")]).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.body);
    assert!(res.body.contains("kata sandi minimal 15 karakter"));
    assert_eq!(roles().await, before, "roles changed although the form was refused");
    c.get(&page).await;
    let res = c.post(&page, &[("role_approver", "1"), ("role_planner", "1"), ("active", "true"), ("password", "sandi-baru-2026")]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    assert_eq!(roles().await.len(), 2);
    let mut p = app.client();
    assert_eq!(p.login("ppk.medan", "sandi-baru-2026").await.status, StatusCode::SEE_OTHER);
}

/// API reads use a cached token lookup; revoking the token on the profile page must end its
/// use at the very next request.
#[tokio::test]
async fn a_revoked_token_stops_working_at_once() {
    let app = TestApp::demo().await;
    let mut c = app.login("perencana.medan").await;
    let token = token_for(&app, "perencana.medan").await;
    assert_eq!(c.api("GET", "/api/v1/me", &token, None).await.status, StatusCode::OK);
    assert_eq!(c.api("GET", "/api/v1/me", &token, None).await.status, StatusCode::OK, "from the cache");
    let u = cakap_store::users::find_login(&app.store.db, "perencana.medan").await.unwrap().unwrap();
    let id = sql_count(&app, &format!("SELECT id FROM api_token WHERE user_id = {}", u.id)).await;
    c.get("/profil").await;
    assert_eq!(c.post(&format!("/profil/token/{id}/cabut"), &[]).await.status, StatusCode::SEE_OTHER);
    assert_eq!(c.api("GET", "/api/v1/me", &token, None).await.status, StatusCode::UNAUTHORIZED);
}

/// The defect: every `multipart/form-data` POST skipped the CSRF check, and routes that read
/// no upload never checked it themselves, so a cross-site multipart form could log a user
/// out, close a need or commit a previewed import. Now the middleware checks every POST.
#[tokio::test]
async fn a_multipart_post_without_the_token_is_refused_on_every_route() {
    let app = TestApp::demo().await;
    let ids = crate::shape::ids_of(&app, "medan").await;
    let mut c = app.login("admin.medan").await;
    c.get("/").await;
    for path in [
        "/keluar".to_string(),
        format!("/akpk/kebutuhan/{}/tutup", ids.need),
        format!("/organisasi/pegawai/impor/{}/simpan", ids.job),
        format!("/profil/token/{}/cabut", ids.token),
    ] {
        let res = c.upload_with(&path, "x.csv", b"", &[]).await;
        assert_eq!(res.status, StatusCode::FORBIDDEN, "{path}");
        let res = c.upload_with(&path, "x.csv", b"", &[("_csrf", "salah")]).await;
        assert_eq!(res.status, StatusCode::FORBIDDEN, "{path} with a wrong token");
    }
    assert_eq!(c.get("/").await.status, StatusCode::OK, "still logged in");
    assert!(c.get("/akpk/kebutuhan?source=community").await.body.contains("Kebutuhan rahasia medan"), "the need is still open");
    // With the token as a field of the multipart body it goes through.
    let csrf = c.csrf.clone();
    assert_eq!(c.upload_with("/keluar", "x.csv", b"", &[("_csrf", &csrf)]).await.status, StatusCode::SEE_OTHER);
    assert_ne!(c.get("/").await.status, StatusCode::OK, "logged out");
}

/// The defect: the CSRF layer read up to the upload limit (64 MiB) of any page POST before it
/// knew there was no session. Now a POST without a session, or a login body over 16 KiB, is
/// refused before the body is read.
#[tokio::test]
async fn a_post_without_a_session_is_refused_before_its_body_is_read() {
    let app = TestApp::demo().await;
    let mut anon = app.client();
    let res = anon.post_raw("/organisasi/unit/baru", format!("_csrf=x&name={}", "a".repeat(1024 * 1024))).await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    anon.get("/masuk").await;
    let csrf = anon.csrf.clone();
    let res = anon.post_raw("/masuk", format!("_csrf={csrf}&login=admin.medan&password={}", "a".repeat(20 * 1024))).await;
    assert_eq!(res.status, StatusCode::PAYLOAD_TOO_LARGE, "{}", res.body);
    assert_eq!(anon.login("admin.medan", PASSWORD).await.status, StatusCode::SEE_OTHER, "an ordinary login still works");
}

/// The defect: a password change or reset left the user's other sessions and API tokens alive.
#[tokio::test]
async fn a_password_change_ends_the_other_sessions_and_tokens() {
    let app = TestApp::demo().await;
    let mut here = app.login("perencana.medan").await;
    let mut elsewhere = app.login("perencana.medan").await;
    let token = token_for(&app, "perencana.medan").await;
    assert_eq!(elsewhere.get("/").await.status, StatusCode::OK);
    assert_eq!(here.api("GET", "/api/v1/me", &token, None).await.status, StatusCode::OK);
    here.get("/profil").await;
    let res = here.post("/profil/sandi", &[("old", PASSWORD), ("new", "sandi-baru-yang-panjang-2026")]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    assert_eq!(here.get("/").await.status, StatusCode::OK, "the session that changed it stays");
    assert_ne!(elsewhere.get("/").await.status, StatusCode::OK, "the other session ended");
    assert_eq!(here.api("GET", "/api/v1/me", &token, None).await.status, StatusCode::UNAUTHORIZED, "tokens revoked");
    // A reset by the admin ends every session of the user.
    let uid = cakap_store::users::find_login(&app.store.db, "perencana.medan").await.unwrap().unwrap().id;
    let mut admin = app.login("admin.medan").await;
    admin.get(&format!("/organisasi/pengguna/{uid}")).await;
    let res = admin.post(&format!("/organisasi/pengguna/{uid}"), &[("role_planner", "on"), ("active", "true"), ("password", "direset-oleh-admin-2026")]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    assert_ne!(here.get("/").await.status, StatusCode::OK, "reset by the admin ends it too");
}

/// The defect: tokens never expired and carried full rights. Now every token expires (90 days
/// unless asked, at most 365) and a read-only token cannot change data.
#[tokio::test]
async fn tokens_expire_and_a_read_only_token_cannot_write() {
    let app = TestApp::demo().await;
    let mut c = app.login("admin.medan").await;
    c.get("/profil").await;
    let res = c.post("/profil/token", &[("name", "baca saja"), ("scope", "read"), ("days", "")]).await;
    let secret = res.body.split("<code class=\"token\">").nth(1).unwrap().split('<').next().unwrap().to_string();
    assert!(res.body.contains("Hanya membaca"), "{}", res.body);
    assert_eq!(c.api("GET", "/api/v1/units", &secret, None).await.status, StatusCode::OK);
    let unit = serde_json::json!({"parent_id": null, "code": "BACA", "name": "Unit dari token baca", "kind": "bidang"});
    assert_eq!(c.api("POST", "/api/v1/units", &secret, Some(unit.clone())).await.status, StatusCode::FORBIDDEN);
    let writer = token_for(&app, "admin.medan").await;
    assert_eq!(c.api("POST", "/api/v1/units", &writer, Some(unit)).await.status, StatusCode::OK);
    // 90 days by default.
    let uid = cakap_store::users::find_login(&app.store.db, "admin.medan").await.unwrap().unwrap().id;
    let days = sql_count(&app, &format!("SELECT COUNT(*) FROM api_token WHERE user_id = {uid} AND expires_at IS NOT NULL")).await;
    assert_eq!(days, 2, "every token has an expiry");
    let scope = cakap_store::Scope::of(&app.store, std::sync::Arc::new(cakap_store::Principal::load(&app.store, uid).await.unwrap().unwrap()), None).unwrap();
    let tokens = cakap_store::users::Account::of(&app.store, scope.principal(), None).unwrap().tokens().await.unwrap();
    let left = tokens[0].expires_at.unwrap() - tokens[0].created_at;
    assert_eq!(left.whole_days(), 90);
    // Out of range is a message, not a token.
    let res = c.post("/profil/token", &[("name", "lama"), ("scope", "read"), ("days", "400")]).await;
    assert!(res.body.contains("masa berlaku token 1–365 hari"), "{}", res.body);
    // An expired token is refused.
    sql_exec(&app, &format!("UPDATE api_token SET expires_at = '2020-01-01T00:00:00Z' WHERE user_id = {uid}")).await;
    // (a new router: its token cache has not seen the token yet)
    let mut fresh = app.login_with("perencana.medan", Default::default()).await;
    assert_eq!(fresh.api("GET", "/api/v1/units", &writer, None).await.status, StatusCode::UNAUTHORIZED);
}

/// A QR scanned by someone logged out: the login comes back to the page with its code; a
/// return address that leaves Cakap is dropped (Beranda instead).
#[tokio::test]
async fn logging_in_from_a_deep_link_returns_to_it() {
    let app = TestApp::demo().await;
    let mut anon = app.client();
    let res = anon.get("/hadir/123?kode=abcd1234").await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert_eq!(res.location(), "/masuk?ke=%2Fhadir%2F123%3Fkode%3Dabcd1234");
    let page = anon.get(res.location()).await.body;
    assert!(page.contains(r#"name="ke" value="/hadir/123?kode=abcd1234""#), "{page}");
    let mut c = app.client();
    c.get("/masuk").await;
    let res = c.login_to("pegawai.medan", PASSWORD, "/hadir/123?kode=abcd1234").await;
    assert_eq!((res.status, res.location()), (StatusCode::SEE_OTHER, "/hadir/123?kode=abcd1234"));
    for hostile in ["//evil.example/x", "https://evil.example/", "/\\evil.example", "/masuk"] {
        let mut c = app.client();
        c.get("/masuk").await;
        let res = c.login_to("pegawai.medan", PASSWORD, hostile).await;
        assert_eq!(res.location(), "/", "{hostile}");
        assert!(
            !anon.get(&format!("/masuk?ke={}", serde_urlencoded::to_string([("x", hostile)]).unwrap().trim_start_matches("x="))).await.body.contains("evil")
        );
    }
    // A POST without a session is not turned into a return address.
    assert_eq!(app.client().post("/kelas/1/daftar", &[]).await.location(), "");
}

/// The audit log reads in Indonesian: an employee's change shows only the fields that changed,
/// labelled, before → after, dates in words; it filters by user and by days in the tenant's zone
/// and exports the same rows to XLSX.
#[tokio::test]
async fn the_audit_log_shows_changes_in_indonesian_filters_and_exports() {
    let app = TestApp::demo().await;
    let t = app.tenant_id("medan").await;
    let scope = op(&app, t).await;
    let e = scope.employees().unwrap().list(&Default::default(), 1, 1).await.unwrap().items.remove(0);
    let mut c = app.login("admin.medan").await;
    let page = format!("/organisasi/pegawai/{}/ubah", e.id);
    c.get(&page).await;
    let form = [
        ("nip", e.nip.as_str()),
        ("nama", "Nama Baru Uji Audit"),
        ("jenis_kelamin", e.gender.code()),
        ("tanggal_lahir", &e.birth_date.to_string()),
        ("status", e.status.label()),
        ("golongan", e.golongan.as_deref().unwrap_or("")),
        ("email", e.email.as_deref().unwrap_or("")),
        ("unit_id", &e.unit_id.to_string()),
        ("position_id", &e.position_id.to_string()),
        ("target_position_id", ""),
    ];
    let res = c.post(&page, &form).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let admin = sql_text(&app, "SELECT CAST(id AS TEXT) FROM app_user WHERE login = 'admin.medan'").await;
    let today = cakap_domain::Zone::Wib.today();
    let day = |d: time::Date| format!("{:02}-{:02}-{}", d.day(), u8::from(d.month()), d.year());
    let body = c.get(&format!("/audit?entity=employee&pengguna={admin}&dari={}&sampai={}", day(today), day(today))).await.body;
    let row = body.split("Nama Baru Uji Audit").next().unwrap().rsplit("<tr>").next().unwrap().to_string();
    assert!(row.contains("<dt>Nama</dt>") && row.contains(&format!("<del>{}</del> →", e.name)), "{row}");
    assert!(!body.contains("birth_date") && !body.contains("\"name\""), "no raw JSON keys: {body}");
    assert!(!row.contains("<dt>NIP</dt>"), "unchanged fields are left out: {row}");
    // Yesterday holds no such change; a date that is no date is refused.
    let y = day(today - time::Duration::days(1));
    assert!(!c.get(&format!("/audit?entity=employee&dari={y}&sampai={y}")).await.body.contains("Nama Baru Uji Audit"));
    assert_eq!(c.get("/audit?dari=kemarin").await.status, StatusCode::BAD_REQUEST);
    // The export holds the same row with its before and after.
    let x = c.get(&format!("/audit/unduh.xlsx?entity=employee&pengguna={admin}")).await;
    assert_eq!(x.status, StatusCode::OK);
    let table = cakap_store::import::read_table("x.xlsx", &x.bytes).unwrap();
    assert_eq!(table.headers, ["Waktu", "Pengguna", "Aksi", "Data", "ID", "Sebelum", "Sesudah"]);
    assert!(table.rows.iter().any(|r| r[5].contains(&format!("Nama: {}", e.name)) && r[6].contains("Nama: Nama Baru Uji Audit")), "{:?}", table.rows);
}
