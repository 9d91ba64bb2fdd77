//! The second factor: required for admins, offered to everyone, throttled like passwords.

use axum::http::StatusCode;

use crate::helpers::*;

async fn logout_and_password(c: &mut Client, login: &str) -> Res {
    c.post("/keluar", &[]).await;
    c.login(login, PASSWORD).await
}

/// The defect: no second factor existed, so a stolen admin password opened the tenant.
#[tokio::test]
async fn an_admin_enrols_at_first_login_then_needs_a_code_each_time() {
    let app = TestApp::demo().await;
    let mut c = app.client().at_ip("10.5.0.1");
    assert_eq!(c.login("admin.medan", PASSWORD).await.status, StatusCode::SEE_OTHER);
    // Every page leads to enrolment until it is done; the API token form too.
    for path in ["/", "/organisasi/pegawai", "/profil", "/pengaturan"] {
        let res = c.get(path).await;
        assert_eq!((res.status, res.location()), (StatusCode::SEE_OTHER, "/profil/dua-langkah"), "{path}");
    }
    c.post("/profil/token", &[("name", "x"), ("scope", "read")]).await;
    assert_eq!(sql_count(&app, "SELECT COUNT(*) FROM api_token").await, 0, "no token before enrolment");
    let page = c.get("/profil/dua-langkah").await;
    assert!(page.body.contains("<svg") && page.body.contains("mewajibkan verifikasi dua langkah"), "{}", page.body);
    let secret = page.body.split("name=\"secret\" value=\"").nth(1).unwrap().split('"').next().unwrap().to_string();
    // A wrong code: refused, and the same secret is offered again (the app already has it).
    let res = c.post("/profil/dua-langkah", &[("secret", &secret), ("code", "000000")]).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("kode tidak cocok") && res.body.contains(&secret), "{}", res.body);
    // A secret chosen by the client (short, guessable) is refused.
    let weak = "AAAAAAAA";
    let res = c.post("/profil/dua-langkah", &[("secret", weak), ("code", "123456")]).await;
    assert!(res.body.contains("kunci tidak valid"), "{}", res.body);
    let code = cakap_store::second_factor::current_code(&secret).unwrap();
    let res = c.post("/profil/dua-langkah", &[("secret", &secret), ("code", &code)]).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let codes = res.body.matches("<li><code>").count();
    assert_eq!(codes, 10, "ten recovery codes shown once");
    assert_eq!(sql_count(&app, "SELECT COUNT(*) FROM recovery_code").await, 10);
    assert!(!sql_text(&app, "SELECT code_hash FROM recovery_code").await.contains('-'), "codes are stored hashed");
    assert_eq!(c.get("/organisasi/pegawai").await.status, StatusCode::OK);

    // Next login: the password alone is not enough.
    let res = logout_and_password(&mut c, "admin.medan").await;
    assert_eq!(res.location(), "/masuk/verifikasi");
    assert_eq!(c.get("/organisasi/pegawai").await.status, StatusCode::SEE_OTHER, "half way in is not logged in");
    c.get("/masuk/verifikasi").await;
    let res = c.post("/masuk/verifikasi", &[("code", "000000")]).await;
    assert_eq!(res.status, StatusCode::UNAUTHORIZED);
    // The code the enrolment used is spent: the same code again is refused (replay).
    let res = c.post("/masuk/verifikasi", &[("code", &code)]).await;
    assert_eq!(res.status, StatusCode::UNAUTHORIZED, "a code is good once");
    let fresh = app.totp_code("admin.medan").await;
    let before = c.cookie.clone();
    let res = c.post("/masuk/verifikasi", &[("code", &fresh)]).await;
    assert_eq!((res.status, res.location()), (StatusCode::SEE_OTHER, "/"));
    assert_ne!(c.cookie, before, "a new session id once fully logged in");
    assert_eq!(c.get("/organisasi/pegawai").await.status, StatusCode::OK);
    let log = sql_lines(&app, "SELECT after_json FROM audit_log WHERE action = 'login' AND after_json LIKE '%totp%'").await;
    assert_eq!(log.len(), 1, "{log:?}");
}

#[tokio::test]
async fn recovery_codes_work_once_and_can_be_renewed() {
    let app = TestApp::demo().await;
    let mut c = app.client().at_ip("10.5.0.2");
    c.login("pegawai.medan", PASSWORD).await;
    // Offered to every user, not forced.
    assert_eq!(c.get("/").await.status, StatusCode::OK);
    let codes = c.enrol().await;
    assert_eq!(codes.len(), 10);
    let res = logout_and_password(&mut c, "pegawai.medan").await;
    assert_eq!(res.location(), "/masuk/verifikasi");
    c.get("/masuk/verifikasi").await;
    // Typed as on paper, in capitals with a space: still the code.
    let typed = codes[0].to_uppercase().replace('-', " ");
    assert_eq!(c.post("/masuk/verifikasi", &[("code", &typed)]).await.location(), "/");
    let res = logout_and_password(&mut c, "pegawai.medan").await;
    assert_eq!(res.location(), "/masuk/verifikasi");
    c.get("/masuk/verifikasi").await;
    assert_eq!(c.post("/masuk/verifikasi", &[("code", &codes[0])]).await.status, StatusCode::UNAUTHORIZED, "used once");
    assert_eq!(c.post("/masuk/verifikasi", &[("code", &codes[1])]).await.location(), "/");
    let page = c.get("/profil/dua-langkah").await;
    assert!(page.body.contains("Sisa kode pemulihan: <strong>8</strong>"), "{}", page.body);
    // New codes after a valid code: the old ones die.
    let code = app.totp_code("pegawai.medan").await;
    let res = c.post("/profil/dua-langkah/kode-pemulihan", &[("code", &code)]).await;
    assert_eq!(res.body.matches("<li><code>").count(), 10);
    let res = logout_and_password(&mut c, "pegawai.medan").await;
    assert_eq!(res.location(), "/masuk/verifikasi");
    c.get("/masuk/verifikasi").await;
    assert_eq!(c.post("/masuk/verifikasi", &[("code", &codes[2])]).await.status, StatusCode::UNAUTHORIZED, "old codes renewed away");
}

/// Six digits are a million guesses: the code step shares the password's throttle.
#[tokio::test]
async fn wrong_codes_are_throttled_like_wrong_passwords() {
    let app = TestApp::demo().await;
    app.login("admin.ambon").await;
    let mut c = app.client().at_ip("10.5.0.3");
    assert_eq!(c.login("admin.ambon", PASSWORD).await.location(), "/masuk/verifikasi");
    c.get("/masuk/verifikasi").await;
    for _ in 0..5 {
        assert_eq!(c.post("/masuk/verifikasi", &[("code", "111111")]).await.status, StatusCode::UNAUTHORIZED);
    }
    let right = app.totp_code("admin.ambon").await;
    let res = c.post("/masuk/verifikasi", &[("code", &right)]).await;
    assert_eq!(res.status, StatusCode::TOO_MANY_REQUESTS, "{}", res.body);
    assert_eq!(res.headers.get("retry-after").unwrap(), "15");
    // And a correct password does not reset the count for the code step.
    assert_eq!(c.login("admin.ambon", PASSWORD).await.status, StatusCode::TOO_MANY_REQUESTS);
    // Hostile input in the code field: a bounded, ordinary refusal.
    let mut other = app.client().at_ip("10.5.0.4");
    other.login("admin.ambon", PASSWORD).await;
    other.get("/masuk/verifikasi").await;
    let huge = "9".repeat(10_000);
    assert_eq!(other.post("/masuk/verifikasi", &[("code", &huge)]).await.status, StatusCode::UNAUTHORIZED);
    // The code form without the session's CSRF token is refused.
    assert_eq!(other.post_raw("/masuk/verifikasi", format!("code={right}")).await.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn with_a_second_factor_eight_characters_suffice_and_it_cannot_be_dropped_while_short() {
    let app = TestApp::demo().await;
    let mut c = app.login("atasan.medan").await;
    c.get("/profil").await;
    let res = c.post("/profil/sandi", &[("old", PASSWORD), ("new", "kopi-2026")]).await;
    assert!(res.body.contains("minimal 15"), "alone, 15 are needed: {}", res.body);
    c.enrol().await;
    c.get("/profil").await;
    let res = c.post("/profil/sandi", &[("old", PASSWORD), ("new", "kopi-2026")]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let code = app.totp_code("atasan.medan").await;
    c.get("/profil/dua-langkah").await;
    let res = c.post("/profil/dua-langkah/nonaktif", &[("password", "kopi-2026"), ("code", &code)]).await;
    assert!(res.body.contains("ganti kata sandi lebih dulu"), "{}", res.body);
    assert_eq!(sql_count(&app, "SELECT COUNT(*) FROM user_totp").await, 1, "still on");
    // An admin cannot turn it off at all.
    let mut admin = app.login("admin.medan").await;
    admin.get("/profil/dua-langkah").await;
    let code = app.totp_code("admin.medan").await;
    let res = admin.post("/profil/dua-langkah/nonaktif", &[("password", PASSWORD), ("code", &code)]).await;
    assert!(res.body.contains("mewajibkan"), "{}", res.body);
    assert_eq!(sql_count(&app, "SELECT COUNT(*) FROM user_totp").await, 2);
}

#[tokio::test]
async fn a_user_turns_it_off_with_password_and_code() {
    let app = TestApp::demo().await;
    let mut c = app.login("pegawai.ambon").await;
    c.enrol().await;
    c.get("/profil/dua-langkah").await;
    let code = app.totp_code("pegawai.ambon").await;
    let res = c.post("/profil/dua-langkah/nonaktif", &[("password", "salah-sandi-panjang"), ("code", &code)]).await;
    assert!(res.body.contains("kata sandi salah"), "{}", res.body);
    let res = c.post("/profil/dua-langkah/nonaktif", &[("password", PASSWORD), ("code", &code)]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    assert_eq!(sql_count(&app, "SELECT COUNT(*) FROM user_totp").await, 0);
    assert_eq!(sql_count(&app, "SELECT COUNT(*) FROM recovery_code").await, 0);
    assert_eq!(logout_and_password(&mut c, "pegawai.ambon").await.location(), "/");
}

/// A lost phone: the admin resets, the holder of the old session is logged out, and the user
/// (an admin here) enrols again.
#[tokio::test]
async fn an_admin_resets_a_lost_second_factor_and_the_user_enrols_again() {
    let app = TestApp::demo().await;
    let mut user = app.login("perencana.serang").await;
    user.enrol().await;
    let mut admin = app.login("admin.serang").await;
    let uid = sql_count(&app, "SELECT id FROM app_user WHERE login = 'perencana.serang'").await;
    let page = admin.get(&format!("/organisasi/pengguna/{uid}")).await;
    assert!(page.body.contains("Reset Verifikasi Dua Langkah"), "{}", page.body);
    assert!(admin.get("/organisasi/pengguna").await.body.contains("badge ok\">Aktif</span></td></tr>"));
    // Another tenant's admin cannot reset this user.
    let mut medan = app.login("admin.medan").await;
    medan.get("/organisasi/pengguna").await;
    assert_eq!(medan.post(&format!("/organisasi/pengguna/{uid}/dua-langkah/reset"), &[]).await.status, StatusCode::NOT_FOUND);
    assert_eq!(sql_count(&app, &format!("SELECT COUNT(*) FROM user_totp WHERE user_id = {uid}")).await, 1);
    let res = admin.post(&format!("/organisasi/pengguna/{uid}/dua-langkah/reset"), &[]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert_eq!(sql_count(&app, &format!("SELECT COUNT(*) FROM user_totp WHERE user_id = {uid}")).await, 0);
    assert_eq!(user.get("/").await.status, StatusCode::SEE_OTHER, "the old session ended");
    assert_eq!(user.login("perencana.serang", PASSWORD).await.location(), "/", "no code step until enrolled again");
}

/// The defect: the old-password check of the password form was not throttled.
#[tokio::test]
async fn the_old_password_check_is_throttled() {
    let app = TestApp::demo().await;
    let mut c = app.login("pegawai.lhokseumawe").await;
    for _ in 0..5 {
        c.get("/profil").await;
        let res = c.post("/profil/sandi", &[("old", "tebakan-salah"), ("new", "kalimat sandi baru yang panjang")]).await;
        assert!(res.body.contains("Kata sandi lama salah."), "{}", res.body);
    }
    c.get("/profil").await;
    let res = c.post("/profil/sandi", &[("old", PASSWORD), ("new", "kalimat sandi baru yang panjang")]).await;
    assert!(res.body.contains("Terlalu banyak percobaan"), "{}", res.body);
    let hash_unchanged = cakap_store::users::authenticate(&app.store, "pegawai.lhokseumawe", PASSWORD, "10.9.9.9").await.unwrap();
    assert!(hash_unchanged.is_ok(), "the password did not change");
}

/// The defect: the form that turns the factor off checked the password before asking the
/// throttle, so while the code check made a stranger wait, a wrong password still said "salah"
/// and a right one did not: a password oracle for a stolen session.
#[tokio::test]
async fn the_password_of_the_disable_form_is_throttled() {
    let app = TestApp::demo().await;
    let mut c = app.login("pegawai.semarang").await;
    c.enrol().await;
    for _ in 0..5 {
        c.get("/profil/dua-langkah").await;
        let res = c.post("/profil/dua-langkah/nonaktif", &[("password", "tebakan-yang-salah"), ("code", "000000")]).await;
        assert!(res.body.contains("kata sandi salah"), "{}", res.body);
    }
    c.get("/profil/dua-langkah").await;
    let res = c.post("/profil/dua-langkah/nonaktif", &[("password", "tebakan-yang-lain"), ("code", "000000")]).await;
    assert!(res.body.contains("Terlalu banyak percobaan") && !res.body.contains("kata sandi salah"), "{}", res.body);
    c.get("/profil/dua-langkah").await;
    let code = app.totp_code("pegawai.semarang").await;
    let res = c.post("/profil/dua-langkah/nonaktif", &[("password", PASSWORD), ("code", &code)]).await;
    assert!(res.body.contains("Terlalu banyak percobaan"), "{}", res.body);
    assert_eq!(sql_count(&app, "SELECT COUNT(*) FROM user_totp").await, 1, "still on");
}
