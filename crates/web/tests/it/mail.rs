//! Notifications by e-mail, delivered to a real SMTP server on loopback, and the reminder the
//! day before a session.

use std::sync::{Arc, Mutex};

use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};

use crate::helpers::*;

/// An SMTP server on 127.0.0.1 speaking the minimal conversation of RFC 5321 (greeting, EHLO,
/// MAIL, RCPT, DATA, QUIT) and keeping each message it accepts.
async fn smtp_sink() -> (u16, Arc<Mutex<Vec<String>>>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let got: Arc<Mutex<Vec<String>>> = Default::default();
    let keep = got.clone();
    tokio::spawn(async move {
        while let Ok((sock, _)) = listener.accept().await {
            let keep = keep.clone();
            tokio::spawn(async move {
                let (r, mut w) = sock.into_split();
                let mut lines = BufReader::new(r).lines();
                w.write_all(b"220 localhost ESMTP uji\r\n").await.unwrap();
                let mut data: Option<String> = None;
                while let Ok(Some(line)) = lines.next_line().await {
                    if let Some(d) = data.as_mut() {
                        if line == "." {
                            keep.lock().unwrap().push(data.take().unwrap());
                            w.write_all(b"250 2.0.0 diterima\r\n").await.unwrap();
                        } else {
                            d.push_str(line.strip_prefix('.').unwrap_or(&line));
                            d.push('\n');
                        }
                        continue;
                    }
                    let verb = line.split_whitespace().next().unwrap_or("").to_ascii_uppercase();
                    let reply: &[u8] = match verb.as_str() {
                        "EHLO" | "HELO" => b"250 localhost\r\n",
                        "MAIL" | "RCPT" | "RSET" | "NOOP" => b"250 2.1.0 OK\r\n",
                        "DATA" => {
                            data = Some(String::new());
                            b"354 akhiri dengan titik\r\n"
                        }
                        "QUIT" => {
                            let _ = w.write_all(b"221 2.0.0 sampai jumpa\r\n").await;
                            break;
                        }
                        _ => b"502 5.5.2 tidak dikenal\r\n",
                    };
                    w.write_all(reply).await.unwrap();
                }
            });
        }
    });
    (port, got)
}

#[tokio::test]
async fn notifications_are_emailed_once_and_sessions_are_reminded_the_day_before() {
    let app = TestApp::demo().await;
    let t = app.tenant_id("medan").await;
    let me = sql_text(&app, "SELECT CAST(employee_id AS TEXT) FROM app_user WHERE login = 'pegawai.medan'").await.parse::<i64>().unwrap();
    // A name with a title after a comma, as Indonesian names have: not a parse of "name <addr>".
    sql_exec(&app, &format!("UPDATE employee SET email = 'pegawai.uji@medan.go.id', name = 'Rina Marlina, S.E., M.Si.' WHERE tenant_id = {t} AND id = {me}"))
        .await;
    let (port, got) = smtp_sink().await;
    let mailer =
        cakap_web::mail::Mailer::new(&format!("smtp://127.0.0.1:{port}"), "Cakap Kota Medan <noreply@medan.go.id>", "https://cakap.medan.go.id").unwrap();
    // Nothing older waits: the demo's notifications go first.
    cakap_web::mail::pass(&app.store, Some(&mailer)).await.unwrap();
    got.lock().unwrap().clear();

    // A class with a session tomorrow morning (within the day ahead); the employee enrolled.
    let scope = op(&app, t).await;
    let classes = scope.classes().unwrap();
    let program = scope.plans().unwrap().catalogue().await.unwrap().programs[0].id;
    let now = time::OffsetDateTime::now_utc();
    let input = cakap_store::learning::classes::OfferingInput {
        program_id: program,
        plan_item_id: None,
        title: "Kelas Pengingat".into(),
        starts_on: scope.today(),
        ends_on: scope.today() + time::Duration::days(2),
        place: "Aula".into(),
        link: String::new(),
        capacity: 5,
        cost: 0,
        self_register: false,
        waitlist_order: cakap_domain::learning::waitlist::WaitlistOrder::FirstCome,
        min_attendance: 80,
        approval: cakap_domain::learning::enrollment::Approval::None,
    };
    let id = classes.create(&input).await.unwrap();
    classes.add_meeting(id, now + time::Duration::hours(20), now + time::Duration::hours(22), "Aula").await.unwrap();
    classes.add_meeting(id, now + time::Duration::hours(44), now + time::Duration::hours(46), "Aula").await.unwrap();
    classes.enroll(id, me).await.unwrap();

    let (reminded, sent) = cakap_web::mail::pass(&app.store, Some(&mailer)).await.unwrap();
    assert_eq!(reminded, 1, "only the session within the next day");
    assert_eq!(sent, 2, "the enrolment and the reminder");
    let mails = got.lock().unwrap().clone();
    assert_eq!(mails.len(), 2);
    let all = mails.join("\n");
    assert!(all.contains("pegawai.uji@medan.go.id") && all.contains("noreply@medan.go.id") && all.contains("Yth. Rina Marlina, S.E., M.Si."), "{all}");
    assert!(all.contains("Kelas Pengingat") && all.contains("https://cakap.medan.go.id/kelas-saya"), "{all}");
    assert!(all.contains("Subject: [Cakap] Pengingat sesi") && all.contains("Subject: [Cakap] Terdaftar"), "{all}");
    // Once: a second pass reminds and sends nothing more.
    assert_eq!(cakap_web::mail::pass(&app.store, Some(&mailer)).await.unwrap(), (0, 0));
    assert_eq!(got.lock().unwrap().len(), 2);
    assert_eq!(sql_count(&app, &format!("SELECT COUNT(*) FROM notification WHERE tenant_id = {t} AND kind = 'reminder'")).await, 1);
    // The in-app list has both, whether or not SMTP is configured.
    let mut c = app.login("pegawai.medan").await;
    let page = c.get("/pemberitahuan").await.body;
    assert!(page.contains("Sesi kelas") && page.contains("Kelas Pengingat"), "{page}");
    // A server that is down leaves the rest for the next pass.
    let second = classes.create(&cakap_store::learning::classes::OfferingInput { title: "Kelas Kedua".into(), ..input.clone() }).await.unwrap();
    classes.enroll(second, me).await.unwrap();
    let down = cakap_web::mail::Mailer::new("smtp://127.0.0.1:1", "noreply@medan.go.id", "").unwrap();
    let waiting = || sql_count(&app, "SELECT COUNT(*) FROM notification WHERE emailed_at IS NULL AND body LIKE '%Kelas Kedua%'");
    assert_eq!(waiting().await, 1);
    assert!(cakap_web::mail::pass(&app.store, Some(&down)).await.is_err());
    assert_eq!(waiting().await, 1, "not marked sent");
    assert_eq!(cakap_web::mail::pass(&app.store, Some(&mailer)).await.unwrap(), (0, 1), "sent on the next pass");
    assert_eq!(waiting().await, 0);
}

/// The defect: sessions were stored with the offset they were typed in (+07:00 for WIB) and
/// SQLite compared them as text against "now" in UTC, so a session that had started an hour ago
/// still counted as due for its reminder. Stored in UTC, only the one ahead is reminded.
#[tokio::test]
async fn a_session_typed_in_local_time_is_reminded_only_before_it_starts() {
    let app = TestApp::demo().await;
    let t = app.tenant_id("medan").await;
    let scope = op(&app, t).await;
    let classes = scope.classes().unwrap();
    let program = scope.plans().unwrap().catalogue().await.unwrap().programs[0].id;
    let input = cakap_store::learning::classes::OfferingInput {
        program_id: program,
        plan_item_id: None,
        title: "Kelas Zona Waktu".into(),
        starts_on: scope.today(),
        ends_on: scope.today() + time::Duration::days(1),
        place: "Aula".into(),
        link: String::new(),
        capacity: 5,
        cost: 0,
        self_register: false,
        waitlist_order: cakap_domain::learning::waitlist::WaitlistOrder::FirstCome,
        min_attendance: 80,
        approval: cakap_domain::learning::enrollment::Approval::None,
    };
    let id = classes.create(&input).await.unwrap();
    let now = time::OffsetDateTime::now_utc();
    let wib = cakap_domain::Zone::Wib.offset();
    let started =
        classes.add_meeting(id, (now - time::Duration::hours(1)).to_offset(wib), (now + time::Duration::hours(1)).to_offset(wib), "Aula").await.unwrap();
    let ahead =
        classes.add_meeting(id, (now + time::Duration::hours(3)).to_offset(wib), (now + time::Duration::hours(5)).to_offset(wib), "Aula").await.unwrap();
    cakap_store::learning::outbox::remind_due(&app.store, now).await.unwrap();
    let reminded = |m: i64| {
        let app = &app;
        async move { sql_count(app, &format!("SELECT COUNT(*) FROM meeting WHERE tenant_id = {t} AND id = {m} AND reminded_at IS NOT NULL")).await }
    };
    assert_eq!(reminded(started).await, 0, "a session that has begun is not 'tomorrow'");
    assert_eq!(reminded(ahead).await, 1, "the session ahead is reminded");
}
