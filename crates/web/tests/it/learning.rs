//! Classes and enrollment (issue "Classes, enrollment, attendance, certificates…"): seats under
//! simultaneous registrations, the waitlist's order, withdrawal and promotion.

use axum::http::StatusCode;
use cakap_domain::learning::enrollment::EnrollmentStatus;
use cakap_domain::learning::waitlist::WaitlistOrder;
use cakap_store::learning::classes::OfferingInput;

use crate::helpers::*;

async fn class(app: &TestApp, t: i64, capacity: i32, order: WaitlistOrder) -> i64 {
    let scope = op(app, t).await;
    let program = scope.plans().unwrap().catalogue().await.unwrap().programs[0].id;
    let today = scope.today();
    let input = OfferingInput {
        program_id: program,
        plan_item_id: None,
        title: "Kelas Uji".into(),
        starts_on: today + time::Duration::days(30),
        ends_on: today + time::Duration::days(32),
        place: "Aula BKPSDM".into(),
        link: String::new(),
        capacity,
        cost: 10_000_000,
        self_register: true,
        waitlist_order: order,
        min_attendance: 80,
        approval: cakap_domain::learning::enrollment::Approval::None,
    };
    scope.classes().unwrap().create(&input).await.unwrap()
}

async fn staff(app: &TestApp, t: i64, n: usize) -> Vec<i64> {
    let ids = sql_lines(app, &format!("SELECT CAST(id AS TEXT) FROM employee WHERE tenant_id = {t} ORDER BY nip")).await;
    ids.into_iter().take(n).map(|s| s.parse().unwrap()).collect()
}

#[tokio::test]
async fn two_hundred_simultaneous_registrations_fill_thirty_seats_and_wait_in_order() {
    let app = TestApp::demo().await;
    let t = app.tenant_id("serang").await;
    let id = class(&app, t, 30, WaitlistOrder::FirstCome).await;
    let people = staff(&app, t, 200).await;
    assert_eq!(people.len(), 200);
    let mut tasks = tokio::task::JoinSet::new();
    for e in people.clone() {
        let store = app.store.clone();
        tasks.spawn(async move {
            let scope = cakap_store::Scope::operator(&store, t).await.unwrap();
            scope.classes().unwrap().enroll(id, e).await
        });
    }
    let mut seated = 0;
    let mut waiting = 0;
    while let Some(r) = tasks.join_next().await {
        match r.unwrap().unwrap() {
            EnrollmentStatus::Enrolled => seated += 1,
            EnrollmentStatus::Waitlisted => waiting += 1,
            other => panic!("{other:?}"),
        }
    }
    assert_eq!((seated, waiting), (30, 170));
    let scope = op(&app, t).await;
    let list = scope.classes().unwrap().enrollments(id).await.unwrap();
    assert_eq!(list.iter().filter(|e| e.status == EnrollmentStatus::Enrolled).count(), 30, "the database agrees");
    let seated_ids: Vec<i64> = list.iter().filter(|e| e.status == EnrollmentStatus::Enrolled).map(|e| e.id).collect();
    let mut queue: Vec<_> = list.iter().filter(|e| e.status == EnrollmentStatus::Waitlisted).collect();
    queue.sort_by_key(|e| (e.waitlisted_at, e.id));
    // A second registration of the same person is refused.
    let again = scope.classes().unwrap().enroll(id, people[0]).await;
    assert!(matches!(again, Err(cakap_store::StoreError::Conflict(..))), "{again:?}");
    // A seat frees: the first on the waitlist gets it, the class stays at 30.
    let leaving = seated_ids[0];
    assert!(matches!(scope.classes().unwrap().withdraw(leaving, "  ").await, Err(cakap_store::StoreError::Invalid(_))), "a reason is required");
    let promoted = scope.classes().unwrap().withdraw(leaving, "Tugas dinas luar kota").await.unwrap();
    assert_eq!(promoted, Some(queue[0].id));
    let list = scope.classes().unwrap().enrollments(id).await.unwrap();
    assert_eq!(list.iter().filter(|e| e.status == EnrollmentStatus::Enrolled).count(), 30);
    let gone = list.iter().find(|e| e.id == leaving).unwrap();
    assert_eq!((gone.status, gone.reason.as_str()), (EnrollmentStatus::Withdrawn, "Tugas dinas luar kota"));
    // Leaving the waitlist frees no seat: nobody is promoted.
    assert_eq!(scope.classes().unwrap().withdraw(queue[1].id, "Berhalangan").await.unwrap(), None);
    let withdrawn_again = scope.classes().unwrap().withdraw(leaving, "lagi").await;
    assert!(matches!(withdrawn_again, Err(cakap_store::StoreError::Conflict(..))), "{withdrawn_again:?}");
}

#[tokio::test]
async fn a_class_ordered_by_jp_shortfall_promotes_who_lacks_most() {
    let app = TestApp::demo().await;
    let t = app.tenant_id("serang").await;
    let id = class(&app, t, 1, WaitlistOrder::JpShortfall).await;
    let year = op(&app, t).await.today().year();
    let people = staff(&app, t, 4).await;
    // JP this year: the seated one any, then waiting: 18 JP, 2 JP, 30 JP (in that order of arrival).
    sql_exec(&app, &format!("DELETE FROM jp_entry WHERE tenant_id = {t}")).await;
    for (e, jp) in [(people[1], 18), (people[2], 2), (people[3], 30)] {
        sql_exec(&app, &format!("INSERT INTO jp_entry (tenant_id, id, employee_id, year, jp, source, source_id, title, recorded_at) VALUES ({t}, {e}, {e}, {year}, {jp}, 'riwayat', NULL, 'x', '2026-01-01 00:00:00+00')")).await;
    }
    let classes = op(&app, t).await;
    for e in &people {
        classes.classes().unwrap().enroll(id, *e).await.unwrap();
    }
    let list = classes.classes().unwrap().enrollments(id).await.unwrap();
    let of = |e: i64| list.iter().find(|x| x.employee_id == e).unwrap().id;
    assert_eq!(list.iter().find(|x| x.status == EnrollmentStatus::Enrolled).unwrap().employee_id, people[0]);
    let promoted = classes.classes().unwrap().withdraw(of(people[0]), "Sakit").await.unwrap();
    assert_eq!(promoted, Some(of(people[2])), "2 JP lacks 18: before 18 JP (lacks 2) and 30 JP (lacks none)");
}

#[tokio::test]
async fn a_completion_adds_the_programs_jp_to_the_year_the_class_ended() {
    let app = TestApp::demo().await;
    let t = app.tenant_id("serang").await;
    let id = class(&app, t, 1, WaitlistOrder::FirstCome).await;
    let scope = op(&app, t).await;
    let classes = scope.classes().unwrap();
    let people = staff(&app, t, 2).await;
    for e in &people {
        classes.enroll(id, *e).await.unwrap();
    }
    let list = classes.enrollments(id).await.unwrap();
    let (seated, waiting) = (list[0].clone(), list[1].clone());
    assert_eq!((seated.status, waiting.status), (EnrollmentStatus::Enrolled, EnrollmentStatus::Waitlisted));
    let program_jp: u32 = scope.plans().unwrap().catalogue().await.unwrap().programs[0].jp as u32;
    // The class ends 32 days from today: its year is the ledger's.
    let year = (scope.today() + time::Duration::days(32)).year();
    let before = classes.jp_totals(year).await.unwrap().get(&people[0]).copied().unwrap_or(0);
    classes.complete(seated.id).await.unwrap();
    assert_eq!(classes.jp_totals(year).await.unwrap()[&people[0]], before + program_jp);
    // Once only; never for someone still waiting; a completed participant cannot withdraw.
    assert!(matches!(classes.complete(seated.id).await, Err(cakap_store::StoreError::Conflict(..))));
    assert!(matches!(classes.complete(waiting.id).await, Err(cakap_store::StoreError::Conflict(..))));
    assert!(matches!(classes.withdraw(seated.id, "terlambat").await, Err(cakap_store::StoreError::Conflict(..))));
    assert_eq!(classes.jp_totals(year).await.unwrap()[&people[0]], before + program_jp, "refused steps add nothing");
}

#[tokio::test]
async fn a_certificate_verifies_until_its_data_is_changed_and_says_when_it_is_revoked() {
    let app = TestApp::demo().await;
    let t = app.tenant_id("serang").await;
    let id = class(&app, t, 5, WaitlistOrder::FirstCome).await;
    let scope = op(&app, t).await;
    let classes = scope.classes().unwrap();
    let person = staff(&app, t, 1).await[0];
    classes.enroll(id, person).await.unwrap();
    let enrollment = classes.enrollments(id).await.unwrap()[0].id;
    assert!(matches!(classes.issue_certificate(enrollment).await, Err(cakap_store::StoreError::Conflict(..))), "not before completion");
    classes.complete(enrollment).await.unwrap();
    let cert = classes.issue_certificate(enrollment).await.unwrap();
    assert!(matches!(classes.issue_certificate(enrollment).await, Err(cakap_store::StoreError::Conflict(..))), "once per enrollment");
    let code = classes.certificate_code(cert).await.unwrap();
    let v = cakap_store::learning::certificates::verify(&app.store, &code).await.unwrap();
    let nip = sql_text(&app, &format!("SELECT nip FROM employee WHERE tenant_id = {t} AND id = {person}")).await;
    let name = sql_text(&app, &format!("SELECT name FROM employee WHERE tenant_id = {t} AND id = {person}")).await;
    let year = scope.today().year();
    assert!(v.signature_valid);
    assert_eq!((v.name.as_str(), v.tenant_name.as_str()), (name.as_str(), "Pemerintah Kota Serang"));
    assert_eq!(v.nip_masked, format!("{}**** ****** {} {}", &nip[0..4], &nip[14..15], &nip[15..18]));
    assert!(v.number.starts_with("0001/") && v.number.ends_with(&format!("/SERANG/{year}")), "{}", v.number);
    assert!(v.revoked_at.is_none());
    // Offline: the published key checks the payload with the domain's rule alone.
    let key: [u8; 32] = hex::decode(&v.public_key).unwrap().try_into().unwrap();
    let sig: [u8; 64] = hex::decode(&v.signature).unwrap().try_into().unwrap();
    assert!(cakap_domain::learning::certificate::verify(&key, &v.payload, &sig));
    // Someone edits the stored data (32 JP become 320): the page says the signature fails.
    let edited = v.payload.replacen(&format!("\"jp\":{}", v.jp), &format!("\"jp\":{}", v.jp * 10), 1);
    assert_ne!(edited, v.payload);
    sql_exec(&app, &format!("UPDATE certificate SET payload = '{}' WHERE tenant_id = {t} AND id = {cert}", edited.replace('\'', "''"))).await;
    let tampered = cakap_store::learning::certificates::verify(&app.store, &code).await.unwrap();
    assert!(!tampered.signature_valid && tampered.jp == v.jp * 10);
    sql_exec(&app, &format!("UPDATE certificate SET payload = '{}' WHERE tenant_id = {t} AND id = {cert}", v.payload.replace('\'', "''"))).await;
    // Revoked with a reason: the page says so, and the JP leave the ledger.
    let end_year = (scope.today() + time::Duration::days(32)).year();
    let with = classes.jp_totals(end_year).await.unwrap()[&person];
    assert!(matches!(classes.revoke_certificate(cert, " ").await, Err(cakap_store::StoreError::Invalid(_))));
    classes.revoke_certificate(cert, "Peserta terbukti tidak hadir").await.unwrap();
    let r = cakap_store::learning::certificates::verify(&app.store, &code).await.unwrap();
    assert!(r.revoked_at.is_some() && r.revoked_reason == "Peserta terbukti tidak hadir" && r.signature_valid);
    assert_eq!(classes.jp_totals(end_year).await.unwrap().get(&person).copied().unwrap_or(0), with - v.jp as u32);
    // Unknown and malformed codes are simply not found.
    for bad in ["0".repeat(32), "x".repeat(32), "abc".into(), format!("{code}0")] {
        assert!(matches!(cakap_store::learning::certificates::verify(&app.store, &bad).await, Err(cakap_store::StoreError::NotFound)), "{bad}");
    }
}

#[tokio::test]
async fn a_class_ordered_by_need_priority_promotes_the_most_urgent_need() {
    let app = TestApp::demo().await;
    let t = app.tenant_id("serang").await;
    let id = class(&app, t, 1, WaitlistOrder::NeedPriority).await;
    let scope = op(&app, t).await;
    let program = scope.plans().unwrap().catalogue().await.unwrap().programs[0].clone();
    let comps: Vec<i64> = program.competencies.iter().map(|c| c.competency_id).collect();
    let (_, needs) = cakap_store::akpk::needs::list(&scope, &Default::default()).await.unwrap();
    // Each employee's highest priority among the program's competencies.
    let mut best: std::collections::BTreeMap<i64, u8> = Default::default();
    for n in needs.iter().filter(|n| comps.contains(&n.competency_id)) {
        if let Some(e) = n.employee_id {
            let p = best.entry(e).or_insert(0);
            *p = (*p).max(n.priority);
        }
    }
    let mut by_priority: Vec<(u8, i64)> = best.iter().map(|(e, p)| (*p, *e)).collect();
    by_priority.sort();
    by_priority.dedup_by_key(|x| x.0);
    assert!(by_priority.len() >= 3, "the demo has distinct priorities: {by_priority:?}");
    let (low, high) = (by_priority[0], by_priority[by_priority.len() - 1]);
    let mid = by_priority[by_priority.len() / 2];
    let seated = staff(&app, t, 400).await.into_iter().find(|e| ![low.1, mid.1, high.1].contains(e)).unwrap();
    let classes = scope.classes().unwrap();
    // Arrival: the seated one, then low, high, mid on the waitlist.
    for e in [seated, low.1, high.1, mid.1] {
        classes.enroll(id, e).await.unwrap();
    }
    let list = classes.enrollments(id).await.unwrap();
    let of = |e: i64| list.iter().find(|x| x.employee_id == e).unwrap().id;
    assert_eq!(classes.withdraw(of(seated), "Mutasi").await.unwrap(), Some(of(high.1)), "priority {} before {} and {}", high.0, mid.0, low.0);
    assert_eq!(classes.withdraw(of(high.1), "Sakit").await.unwrap(), Some(of(mid.1)));
}

#[tokio::test]
async fn a_qr_check_in_counts_only_in_the_window_with_a_fresh_code_and_a_seat() {
    let app = TestApp::demo().await;
    let t = app.tenant_id("serang").await;
    let id = class(&app, t, 1, WaitlistOrder::FirstCome).await;
    let scope = op(&app, t).await;
    let classes = scope.classes().unwrap();
    let people = staff(&app, t, 3).await;
    classes.enroll(id, people[0]).await.unwrap();
    classes.enroll(id, people[1]).await.unwrap(); // waitlisted
    let start = time::macros::datetime!(2027-03-01 01:00 UTC); // 08:00 WIB
    let meeting = classes.add_meeting(id, start, start + time::Duration::hours(2), "Aula BKPSDM").await.unwrap();
    assert!(matches!(classes.add_meeting(id, start, start, "Aula").await, Err(cakap_store::StoreError::Invalid(_))), "ends after it starts");
    let now = start + time::Duration::minutes(10);
    let code = classes.checkin_code(meeting, now).await.unwrap();
    assert_eq!(code.len(), 8);
    let err = |r: Result<(), cakap_store::StoreError>| match r {
        Err(cakap_store::StoreError::Conflict(_, m)) => m,
        Err(cakap_store::StoreError::Invalid(e)) => e[0].message.clone(),
        other => panic!("{other:?}"),
    };
    // Before the window opens (31 minutes early) and after the session: refused.
    let early = start - time::Duration::minutes(31);
    let early_code = classes.checkin_code(meeting, early).await.unwrap();
    assert!(err(classes.check_in(meeting, people[0], &early_code, early).await).contains("belum dibuka"));
    let late = start + time::Duration::hours(2);
    assert!(err(classes.check_in(meeting, people[0], &classes.checkin_code(meeting, late).await.unwrap(), late).await).contains("ditutup"));
    // A wrong code, and one two minutes old: refused.
    assert!(err(classes.check_in(meeting, people[0], "00000000", now).await).contains("salah atau sudah kedaluwarsa"));
    assert!(err(classes.check_in(meeting, people[0], &code, now + time::Duration::minutes(2)).await).contains("kedaluwarsa"));
    // Waitlisted or not in the class: refused even with the right code.
    assert!(err(classes.check_in(meeting, people[1], &code, now).await).contains("Daftar tunggu"));
    assert!(err(classes.check_in(meeting, people[2], &code, now).await).contains("tidak terdaftar"));
    assert_eq!(classes.attended(&[meeting], people[0]).await.unwrap(), 0, "nothing recorded by refusals");
    // The current code, or the previous one a minute later (upper case as typed): counted once.
    classes.check_in(meeting, people[0], &code, now).await.unwrap();
    classes.check_in(meeting, people[0], &code.to_uppercase(), now + time::Duration::minutes(1)).await.unwrap();
    assert_eq!(classes.attended(&[meeting], people[0]).await.unwrap(), 1);
}

/// The code the instructor's screen shows (`<p class="bigcode" …>code</p>`).
fn shown_code(body: &str) -> String {
    let after = body.split("class=\"bigcode\"").nth(1).expect("the QR page shows the code");
    after.split('>').nth(1).unwrap().split('<').next().unwrap().trim().to_string()
}

/// The issue's walk-through in Kota Serang, through the pages: the approved 2027 plan's classes
/// with the university and KemenPAN-RB, a self-registration approved by the atasan and then
/// BKPSDM (each told), a QR check-in, and this year's finished class with certificates that
/// verify on the public page (a revoked one saying so) and JP in the learner's ledger.
#[tokio::test]
async fn serang_delivery_from_the_approved_plan_to_verified_certificates() {
    let app = TestApp::demo().await;
    let t = app.tenant_id("serang").await;
    let plan = cakap_store::demo::delivery::load(&app.store).await.unwrap();
    assert_eq!(cakap_store::demo::delivery::load(&app.store).await.unwrap(), plan, "loads once");
    let year = op(&app, t).await.today().year() + 1;
    assert_eq!(sql_text(&app, &format!("SELECT status FROM plan WHERE tenant_id = {t} AND id = {plan}")).await, "approved");

    let mut admin = app.login("perencana.serang").await;
    let list = admin.get(&format!("/kelas?tahun={year}")).await.body;
    let andat_title = format!("Pelatihan Analisis Data dan Kebijakan Publik Angkatan I Tahun {year}");
    assert!(list.contains(&andat_title) && list.contains("dari rencana"), "{list}");
    let andat: i64 = sql_text(&app, &format!("SELECT CAST(id AS TEXT) FROM offering WHERE tenant_id = {t} AND title = '{andat_title}'")).await.parse().unwrap();
    let page = admin.get(&format!("/kelas/{andat}")).await.body;
    assert!(page.contains("Universitas Sultan Ageng Tirtayasa") && page.contains("Persetujuan atasan, lalu BKPSDM"), "{page}");
    let proyek = sql_text(&app, &format!("SELECT CAST(o.id AS TEXT) FROM offering o JOIN program p ON p.tenant_id = o.tenant_id AND p.id = o.program_id WHERE o.tenant_id = {t} AND p.code = 'PR-PROYEK'")).await;
    assert!(admin.get(&format!("/kelas/{proyek}")).await.body.contains("Kementerian PANRB"));

    // The employee registers; the atasan is told and approves; then BKPSDM approves.
    let mut me = app.login("pegawai.serang").await;
    assert!(me.get(&format!("/kelas/{andat}")).await.body.contains("Daftar kelas ini"));
    let res = me.post(&format!("/kelas/{andat}/daftar"), &[]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert!(me.get(&format!("/kelas/{andat}")).await.body.contains("Menunggu persetujuan atasan"));
    let me_name =
        sql_text(&app, "SELECT e.name FROM employee e JOIN app_user u ON u.employee_id = e.id AND u.tenant_id = e.tenant_id WHERE u.login = 'pegawai.serang'")
            .await;
    let mut atasan = app.login("atasan.serang").await;
    assert!(atasan.get("/pemberitahuan").await.body.contains(&format!("{me_name} diusulkan mengikuti kelas")));
    let waiting = atasan.get("/kelas/persetujuan").await.body;
    assert!(waiting.contains(&me_name), "{waiting}");
    let enr = sql_text(&app, &format!("SELECT CAST(e.id AS TEXT) FROM enrollment e JOIN app_user u ON u.employee_id = e.employee_id WHERE e.tenant_id = {t} AND e.offering_id = {andat} AND u.login = 'pegawai.serang'")).await;
    // BKPSDM cannot take the atasan's turn.
    admin.post(&format!("/kelas/peserta/{enr}/setujui"), &[("back", "/kelas/persetujuan")]).await;
    assert_eq!(sql_text(&app, &format!("SELECT status FROM enrollment WHERE tenant_id = {t} AND id = {enr}")).await, "nominated");
    atasan.post(&format!("/kelas/peserta/{enr}/setujui"), &[("back", "/kelas/persetujuan")]).await;
    assert_eq!(sql_text(&app, &format!("SELECT status FROM enrollment WHERE tenant_id = {t} AND id = {enr}")).await, "approved");
    assert!(me.get("/pemberitahuan").await.body.contains("disetujui atasan dan menunggu persetujuan BKPSDM"));
    assert!(admin.get("/kelas/persetujuan").await.body.contains(&me_name));
    admin.post(&format!("/kelas/peserta/{enr}/setujui"), &[("back", "/kelas/persetujuan")]).await;
    assert_eq!(sql_text(&app, &format!("SELECT status FROM enrollment WHERE tenant_id = {t} AND id = {enr}")).await, "enrolled");
    assert!(
        me.get("/pemberitahuan").await.body.contains(&format!("Anda terdaftar sebagai peserta kelas &#34;{andat_title}&#34;"))
            || me.get("/pemberitahuan").await.body.contains(&format!("Anda terdaftar sebagai peserta kelas \"{andat_title}\""))
    );

    // A session running now: the instructor's screen shows the QR; the employee checks in.
    let now = time::OffsetDateTime::now_utc();
    let meeting = op(&app, t)
        .await
        .classes()
        .unwrap()
        .add_meeting(andat, now - time::Duration::minutes(20), now + time::Duration::hours(2), "Aula BKPSDM Kota Serang")
        .await
        .unwrap();
    let mut teacher = app.login("instruktur.serang").await;
    let screen = teacher.get(&format!("/kelas/sesi/{meeting}")).await;
    assert_eq!(screen.status, StatusCode::OK);
    // Without --public-url the QR takes the request's Host; with it, the configured address.
    let cfg = cakap_web::WebConfig { public_url: "https://cakap.serangkota.go.id/".into(), ..Default::default() };
    let mut behind_proxy = app.login_with("instruktur.serang", cfg).await;
    assert!(behind_proxy.get(&format!("/kelas/sesi/{meeting}")).await.body.contains(&format!("https://cakap.serangkota.go.id/hadir/{meeting}?kode=")));
    assert!(screen.body.contains("<svg") && screen.body.contains(&format!("/hadir/{meeting}?kode=")));
    let code = shown_code(&screen.body);
    assert_eq!(code.len(), 8);
    let opened = me.get(&format!("/hadir/{meeting}?kode={code}")).await;
    assert!(opened.body.contains(&andat_title) && opened.body.contains(&format!("value=\"{code}\"")));
    let wrong = me.post(&format!("/hadir/{meeting}"), &[("kode", "00000000")]).await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(wrong.body.contains("kode presensi salah"));
    assert_eq!(me.post(&format!("/hadir/{meeting}"), &[("kode", &code)]).await.status, StatusCode::SEE_OTHER);
    let after = teacher.get(&format!("/kelas/sesi/{meeting}")).await.body;
    assert!(after.contains("Pindai kode QR") && after.contains("Daftar hadir (1 hadir)"), "{after}");
    // Someone not in the class cannot check in with the right code.
    let mut other = app.login("atasan.serang").await;
    assert_ne!(other.post(&format!("/hadir/{meeting}"), &[("kode", &code)]).await.status, StatusCode::SEE_OTHER);

    // This year's finished class: the employee's JP and certificate.
    let mine = me.get("/kelas-saya").await.body;
    assert!(mine.contains("Bimbingan Teknis Etika dan Komunikasi Pelayanan Angkatan IV"), "{mine}");
    // The demo's magang at the university ran from goals to the mentor's grade: its 40 JP count.
    assert!(mine.contains("Magang/praktik kerja di Pusat Data dan Informasi, Universitas Sultan Ageng Tirtayasa") && mine.contains("Dinilai"), "{mine}");
    assert_eq!(sql_count(&app, &format!("SELECT COUNT(*) FROM jp_entry WHERE tenant_id = {t} AND source = 'placement' AND jp = 40")).await, 1);
    let cert = sql_text(&app, &format!("SELECT CAST(c.id AS TEXT) || ' ' || c.verify_code FROM certificate c JOIN enrollment e ON e.tenant_id = c.tenant_id AND e.id = c.enrollment_id JOIN app_user u ON u.employee_id = e.employee_id WHERE c.tenant_id = {t} AND u.login = 'pegawai.serang'")).await;
    let (cert_id, code) = cert.split_once(' ').unwrap();
    assert!(mine.contains(&format!("/verifikasi/{code}")));
    let pdf = me.get(&format!("/sertifikat/{cert_id}/unduh.pdf")).await;
    assert_eq!(pdf.headers.get("content-type").unwrap(), "application/pdf");
    let nip = sql_text(&app, "SELECT e.nip FROM employee e JOIN app_user u ON u.employee_id = e.id WHERE u.login = 'pegawai.serang'").await;
    if let Some((text, pages)) = pdf_text(&pdf.bytes) {
        assert_eq!(pages, 1);
        assert!(
            text.contains("SERTIFIKAT")
                && text.contains(&me_name)
                && text.contains(&cakap_domain::nip::group_nip(&nip))
                && text.contains(&format!("/verifikasi/{code}")),
            "{text}"
        );
    }
    // The same certificate as an Open Badges 3.0 credential whose proof verifies offline.
    let badge = me.get(&format!("/sertifikat/{cert_id}/openbadge.json")).await;
    assert_eq!(badge.status, StatusCode::OK);
    let vc: serde_json::Value = serde_json::from_slice(&badge.bytes).unwrap();
    assert!(cakap_domain::learning::badge::verify(&vc), "{vc}");
    assert_eq!(vc["type"][1], "OpenBadgeCredential");
    assert!(vc["id"].as_str().unwrap().ends_with(&format!("/verifikasi/{code}")) && !badge.body.contains(&nip));
    let public = app.client().get(&format!("/verifikasi/{code}")).await;
    assert_eq!(public.status, StatusCode::OK);
    assert!(public.body.contains("tanda tangan elektroniknya sah") && public.body.contains(&me_name) && !public.body.contains(&nip), "{}", public.body);
    let home = me.get("/").await.body;
    let etika_jp = sql_text(&app, "SELECT CAST(jp AS TEXT) FROM program WHERE code = 'PR-ETIKA' LIMIT 1").await;
    assert!(home.contains("JP saya tahun") && mine.contains(&format!("— {etika_jp} JP")), "{home}");
    // The revoked one says so, with its reason; the one who missed a session did not pass.
    let revoked = sql_text(&app, &format!("SELECT verify_code FROM certificate WHERE tenant_id = {t} AND revoked_at IS NOT NULL")).await;
    let r = app.client().get(&format!("/verifikasi/{revoked}")).await.body;
    assert!(r.contains("telah DICABUT") && r.contains("Data kehadiran dikoreksi"), "{r}");
    let revoked_id = sql_text(&app, &format!("SELECT CAST(id AS TEXT) FROM certificate WHERE tenant_id = {t} AND revoked_at IS NOT NULL")).await;
    assert_eq!(admin.get(&format!("/sertifikat/{revoked_id}/openbadge.json")).await.status, StatusCode::BAD_REQUEST, "a revoked certificate is not exported");
    assert_eq!(
        sql_count(&app, &format!("SELECT COUNT(*) FROM enrollment WHERE tenant_id = {t} AND status = 'failed' AND reason LIKE 'kehadiran 1 dari 2 sesi%'"))
            .await,
        1
    );
    // Another employee's certificate is not the employee's to download.
    let others = sql_text(&app, &format!("SELECT CAST(MIN(id) AS TEXT) FROM certificate WHERE tenant_id = {t} AND id <> {cert_id}")).await;
    assert_eq!(me.get(&format!("/sertifikat/{others}/unduh.pdf")).await.status, StatusCode::NOT_FOUND);
}

/// The compliance dashboard's figures against the same count done in SQL, for the instansi and
/// for an atasan's subtree; the XLSX holds everyone; an employee has no access.
#[tokio::test]
async fn the_compliance_dashboard_counts_who_reached_20_jp() {
    let app = TestApp::demo().await;
    let t = app.tenant_id("semarang").await;
    let year = op(&app, t).await.today().year();
    let per_person = format!(
        "SELECT e.id, COALESCE((SELECT SUM(j.jp) FROM jp_entry j WHERE j.tenant_id = e.tenant_id AND j.employee_id = e.id AND j.year = {year}), 0) AS jp \
         FROM employee e JOIN unit u ON u.tenant_id = e.tenant_id AND u.id = e.unit_id WHERE e.tenant_id = {t} AND e.active"
    );
    let count = |cond: &str, extra: &str| format!("SELECT COUNT(*) FROM ({per_person}{extra}) x WHERE {cond}");
    let people = sql_count(&app, &count("1 = 1", "")).await;
    let met = sql_count(&app, &count("x.jp >= 20", "")).await;
    let short = sql_count(&app, &format!("SELECT CAST(COALESCE(SUM(20 - x.jp), 0) AS BIGINT) FROM ({per_person}) x WHERE x.jp < 20")).await;
    assert!(people > 0 && met > 0 && met < people, "the demo has some at 20 JP and some below: {met}/{people}");
    let permille = (met * 2000 + people) / (2 * people);
    let share = format!("{},{}%", permille / 10, permille % 10);
    let mut admin = app.login("admin.semarang").await;
    let page = admin.get("/jp").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains(&format!("<strong>{share}</strong> dari {people} ASN")), "{share} of {people}: {}", page.body);
    assert!(page.body.contains(&format!("kekurangan seluruhnya {} JP", cakap_domain::format::int(short))));
    assert!(page.body.contains("<svg") && page.body.contains("Belum mencapai 20 JP"));
    let xlsx = admin.get(&format!("/jp/unduh.xlsx?tahun={year}")).await;
    assert_eq!(xlsx.status, StatusCode::OK);
    let mut wb: calamine::Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(xlsx.bytes.clone())).unwrap();
    assert_eq!(calamine::Reader::sheet_names(&wb), ["Kepatuhan 20 JP"], "a sheet named for what it holds, not Sheet1");
    let sheet = calamine::Reader::worksheet_range_at(&mut wb, 0).unwrap().unwrap();
    assert_eq!(sheet.height() as i64, people + 1, "a header and every employee");
    // The atasan sees their subtree only; the employee not at all; hostile parameters are 400s.
    let sub = sql_count(&app, &count("1 = 1", " AND u.path LIKE (SELECT u2.path || '%' FROM user_role r JOIN app_user au ON au.id = r.user_id JOIN unit u2 ON u2.tenant_id = r.tenant_id AND u2.id = r.unit_id WHERE au.login = 'atasan.semarang' AND r.role = 'supervisor')")).await;
    let mut atasan = app.login("atasan.semarang").await;
    let mine = atasan.get("/jp").await.body;
    assert!(sub > 0 && sub < people && mine.contains(&format!("dari {sub} ASN")), "{sub}: {mine}");
    let other_unit = sql_text(&app, &format!("SELECT CAST(MIN(id) AS TEXT) FROM unit WHERE tenant_id = {t} AND parent_id IS NULL")).await;
    assert_eq!(atasan.get(&format!("/jp?unit={other_unit}")).await.status, StatusCode::NOT_FOUND, "above the atasan's unit");
    assert_eq!(app.login("pegawai.semarang").await.get("/jp").await.status, StatusCode::FORBIDDEN);
    assert_eq!(admin.get("/jp?tahun=99999").await.status, StatusCode::BAD_REQUEST);
    assert_eq!(admin.get("/jp?unit=abc").await.status, StatusCode::BAD_REQUEST);
}

/// External learning: the employee records it with evidence (JP from the duration, rounded
/// down), the atasan is told and approves (the JP enter the ledger) or turns it down with a
/// reason; bad evidence, a future date and an oversized title keep what was typed.
#[tokio::test]
async fn external_learning_is_recorded_with_evidence_and_approved_by_the_atasan() {
    let app = TestApp::demo().await;
    let t = app.tenant_id("medan").await;
    let scope = op(&app, t).await;
    let today = scope.today();
    let me = sql_text(&app, "SELECT CAST(employee_id AS TEXT) FROM app_user WHERE login = 'pegawai.medan'").await.parse::<i64>().unwrap();
    let ended = today - time::Duration::days(3);
    let d = cakap_domain::format::date_short(ended);
    let jp_before = scope.classes().unwrap().jp_totals(ended.year()).await.unwrap().get(&me).copied().unwrap_or(0);
    let mut c = app.login("pegawai.medan").await;
    assert!(c.get("/kelas-saya/eksternal").await.body.contains("1 JP = 45 menit"));
    let csrf = c.csrf.clone();
    let pdf = b"%PDF-1.4\n% sertifikat webinar\n%%EOF\n";
    let fields = |title: &'static str, end: String, hours: &'static str| {
        vec![
            ("_csrf", csrf.clone()),
            ("title", title.to_string()),
            ("jalur", "KL06".into()),
            ("organiser", "Kementerian Kominfo".into()),
            ("started_on", d.clone()),
            ("ended_on", end),
            ("hours", hours.into()),
            ("minutes", "40".into()),
        ]
    };
    let as_refs = |v: &Vec<(&'static str, String)>| v.iter().map(|(k, v)| (*k, v.clone())).collect::<Vec<_>>();
    // Not a PDF or picture: refused, what was typed is kept.
    let f = fields("Webinar Literasi Digital", d.clone(), "2");
    let r = as_refs(&f);
    let refs: Vec<(&str, &str)> = r.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let bad = c.upload_with("/kelas-saya/eksternal", "bukti.html", b"<html>bukan</html>", &refs).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("berkas harus PDF, JPG atau PNG") && bad.body.contains("value=\"Webinar Literasi Digital\""));
    // Ending tomorrow: not yet.
    let f = fields("Webinar Literasi Digital", cakap_domain::format::date_short(today + time::Duration::days(1)), "2");
    let r = as_refs(&f);
    let refs: Vec<(&str, &str)> = r.iter().map(|(k, v)| (*k, v.as_str())).collect();
    assert!(c.upload_with("/kelas-saya/eksternal", "bukti.pdf", pdf, &refs).await.body.contains("tidak boleh setelah hari ini"));
    // 2 hours 40 minutes = 160 minutes = 3 JP (3 × 45 = 135; 4 × 45 = 180).
    let f = fields("Webinar Literasi Digital", d.clone(), "2");
    let r = as_refs(&f);
    let refs: Vec<(&str, &str)> = r.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let ok = c.upload_with("/kelas-saya/eksternal", "bukti.pdf", pdf, &refs).await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.body);
    let id = sql_text(
        &app,
        &format!("SELECT CAST(id AS TEXT) FROM learning_record WHERE tenant_id = {t} AND employee_id = {me} AND title = 'Webinar Literasi Digital'"),
    )
    .await;
    assert_eq!(
        sql_text(&app, &format!("SELECT CAST(jp AS TEXT) || ' ' || status FROM learning_record WHERE tenant_id = {t} AND id = {id}")).await,
        "3 submitted"
    );
    assert!(c.get("/kelas-saya").await.body.contains("Menunggu persetujuan atasan"));
    // The atasan is told, opens the evidence and approves: 3 JP in the ledger.
    let mut atasan = app.login("atasan.medan").await;
    assert!(atasan.get("/pemberitahuan").await.body.contains("mencatat pembelajaran"));
    assert!(atasan.get("/kelas/persetujuan").await.body.contains("Webinar Literasi Digital"));
    let ev = atasan.get(&format!("/pembelajaran/{id}/bukti")).await;
    assert_eq!((ev.status, ev.bytes.as_slice()), (StatusCode::OK, &pdf[..]));
    // Another employee cannot see it, nor decide on it.
    let mut other = app.login("instruktur.medan").await;
    assert_eq!(other.get(&format!("/pembelajaran/{id}/bukti")).await.status, StatusCode::NOT_FOUND);
    assert_eq!(c.post(&format!("/pembelajaran/{id}/setujui"), &[]).await.status, StatusCode::NOT_FOUND, "not one's own approval");
    assert_eq!(atasan.post(&format!("/pembelajaran/{id}/setujui"), &[]).await.status, StatusCode::SEE_OTHER);
    let after = scope.classes().unwrap().jp_totals(ended.year()).await.unwrap()[&me];
    assert_eq!(after, jp_before + 3);
    // Decided once.
    atasan.post(&format!("/pembelajaran/{id}/setujui"), &[]).await;
    assert_eq!(scope.classes().unwrap().jp_totals(ended.year()).await.unwrap()[&me], after);
    // A second one is turned down with a reason: no JP, the reason is shown to the employee.
    let f = fields("Seminar Tanpa Sertifikat", d.clone(), "1");
    let r = as_refs(&f);
    let refs: Vec<(&str, &str)> = r.iter().map(|(k, v)| (*k, v.as_str())).collect();
    c.upload_with("/kelas-saya/eksternal", "bukti.pdf", pdf, &refs).await;
    let id2 = sql_text(&app, &format!("SELECT CAST(id AS TEXT) FROM learning_record WHERE tenant_id = {t} AND title = 'Seminar Tanpa Sertifikat'")).await;
    atasan.post(&format!("/pembelajaran/{id2}/tolak"), &[("reason", " ")]).await;
    assert_eq!(sql_text(&app, &format!("SELECT status FROM learning_record WHERE tenant_id = {t} AND id = {id2}")).await, "submitted", "a reason is required");
    atasan.post(&format!("/pembelajaran/{id2}/tolak"), &[("reason", "Bukti bukan sertifikat kegiatan ini")]).await;
    assert!(c.get("/kelas-saya").await.body.contains("Bukti bukan sertifikat kegiatan ini"));
    assert_eq!(scope.classes().unwrap().jp_totals(ended.year()).await.unwrap()[&me], after);
}

/// Riwayat in SIASN's fields: a file with one bad row writes nothing and names the row and
/// column; the good file is imported with its JP; importing it again is refused row by row;
/// the year's export gives the same fields back, with Cakap's completions.
#[tokio::test]
async fn riwayat_is_imported_all_or_nothing_and_exported_in_siasn_fields() {
    let app = TestApp::demo().await;
    let t = app.tenant_id("ambon").await;
    let scope = op(&app, t).await;
    let nips = sql_lines(&app, &format!("SELECT nip FROM employee WHERE tenant_id = {t} ORDER BY nip LIMIT 2")).await;
    let ended = scope.today() - time::Duration::days(10);
    let (d, y) = (cakap_domain::format::date_short(ended), ended.year());
    let header = cakap_domain::learning::record::SIASN_FIELDS.join(",");
    let good = format!(
        "{header}\n{},Kursus Pengelolaan Arsip,Kursus,ANRI,12,001/ARS/{y},{y},{d},{d}\n{},Diklat Teknis Pengadaan,Diklat Teknis,LKPP,24,,{y},{d},{d}\n",
        nips[0], nips[1]
    );
    let bad = good.replace(&format!("{},Diklat", nips[1]), "199999999999999999,Diklat").replace(",24,", ",2x,");
    let mut admin = app.login("perencana.ambon").await;
    assert!(admin.get("/jp/riwayat").await.body.contains("tahunKursus"));
    let before = sql_count(&app, &format!("SELECT COUNT(*) FROM learning_record WHERE tenant_id = {t}")).await;
    let csrf = admin.csrf.clone();
    let res = admin.upload_with("/jp/riwayat", "riwayat.csv", bad.as_bytes(), &[("_csrf", &csrf)]).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("Tidak ada data yang disimpan: 2 kesalahan") && res.body.contains("nipBaru") && res.body.contains("jumlahJam"), "{}", res.body);
    assert_eq!(sql_count(&app, &format!("SELECT COUNT(*) FROM learning_record WHERE tenant_id = {t}")).await, before, "nothing written");
    let res = admin.upload_with("/jp/riwayat", "riwayat.csv", good.as_bytes(), &[("_csrf", &csrf)]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let first = sql_text(&app, &format!("SELECT CAST(id AS TEXT) FROM employee WHERE tenant_id = {t} AND nip = '{}'", nips[0])).await.parse::<i64>().unwrap();
    let jp_entries = sql_count(
        &app,
        &format!("SELECT COUNT(*) FROM jp_entry WHERE tenant_id = {t} AND source = 'riwayat' AND employee_id = {first} AND year = {y} AND jp = 12"),
    )
    .await;
    assert_eq!(jp_entries, 1);
    assert_eq!(sql_text(&app, &format!("SELECT jalur FROM learning_record WHERE tenant_id = {t} AND title = 'Diklat Teknis Pengadaan'")).await, "KL03");
    let again = admin.upload_with("/jp/riwayat", "riwayat.csv", good.as_bytes(), &[("_csrf", &csrf)]).await;
    assert!(again.body.contains("sudah tercatat untuk pegawai ini"), "{}", again.body);
    assert_eq!(sql_count(&app, &format!("SELECT COUNT(*) FROM learning_record WHERE tenant_id = {t}")).await, before + 2);
    let csv = admin.get(&format!("/jp/riwayat/unduh.csv?tahun={y}")).await;
    assert_eq!(csv.status, StatusCode::OK);
    let text = String::from_utf8(csv.bytes.clone()).unwrap();
    assert!(text.starts_with(&header), "{text}");
    assert!(text.contains(&format!("{},Kursus Pengelolaan Arsip,Kursus,ANRI,12,001/ARS/{y},{y},{d},{d}", nips[0])), "{text}");
    let xlsx = admin.get(&format!("/jp/riwayat/unduh.xlsx?tahun={y}")).await;
    assert_eq!(xlsx.status, StatusCode::OK);
    // PPK reads the export; the employee does not.
    assert_eq!(app.login("ppk.ambon").await.get(&format!("/jp/riwayat/unduh.csv?tahun={y}")).await.status, StatusCode::OK);
    assert_eq!(app.login("pegawai.ambon").await.get(&format!("/jp/riwayat/unduh.csv?tahun={y}")).await.status, StatusCode::FORBIDDEN);
    assert_eq!(app.login("ppk.ambon").await.get("/jp/riwayat").await.status, StatusCode::FORBIDDEN);
}

/// A magang at a partner, from goals to grade: BKPSDM sets it up with the partner as host and
/// an instructor as mentor; the employee keeps the logbook and hands in the report; only the
/// mentor (or BKPSDM) grades; "sesuai" puts the JP in the ledger.
#[tokio::test]
async fn a_magang_at_a_partner_runs_from_goals_to_grade() {
    let app = TestApp::demo().await;
    let t = app.tenant_id("serang").await;
    let scope = op(&app, t).await;
    let today = scope.today();
    let me = sql_text(&app, "SELECT CAST(employee_id AS TEXT) FROM app_user WHERE login = 'pegawai.serang'").await.parse::<i64>().unwrap();
    let nip = sql_text(&app, &format!("SELECT nip FROM employee WHERE tenant_id = {t} AND id = {me}")).await;
    let univ = sql_text(&app, &format!("SELECT CAST(id AS TEXT) FROM partner WHERE tenant_id = {t} AND name = 'Universitas Sultan Ageng Tirtayasa'")).await;
    let mentor = sql_text(&app, "SELECT CAST(id AS TEXT) FROM app_user WHERE login = 'instruktur.serang'").await;
    let mut admin = app.login("perencana.serang").await;
    assert!(admin.get("/magang/baru").await.body.contains("Tujuan pembelajaran"));
    let (start, end) = (cakap_domain::format::date_short(today - time::Duration::days(20)), cakap_domain::format::date_short(today));
    let form = [
        ("nip", nip.as_str()),
        ("kind", "magang"),
        ("partner_id", univ.as_str()),
        ("host", "Pusat Data Universitas Sultan Ageng Tirtayasa"),
        ("mentor", "Dr. Rina Kurniasih"),
        ("mentor_user_id", mentor.as_str()),
        ("starts_on", start.as_str()),
        ("ends_on", end.as_str()),
        ("jp", "40"),
        ("goals", "Menyusun dasbor data pelayanan kependudukan."),
    ];
    let res = admin.post("/magang/baru", &form).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let url = res.location().to_string();
    let mut emp = app.login("pegawai.serang").await;
    let page = emp.get(&url).await.body;
    let mut teacher = app.login("instruktur.serang").await;
    teacher.get("/").await;
    assert!(page.contains("Menyusun dasbor data pelayanan") && page.contains("Simpan catatan"));
    assert_eq!(emp.post(&format!("{url}/catatan"), &[("on_date", &start), ("body", "Mempelajari struktur data SIAK.")]).await.status, StatusCode::SEE_OTHER);
    let outside = emp.post(&format!("{url}/catatan"), &[("on_date", &cakap_domain::format::date_short(today + time::Duration::days(5))), ("body", "x")]).await;
    assert!(outside.body.contains("di dalam masa penugasan"));
    // Not graded before the report, and never by the employee.
    teacher.post(&format!("{url}/nilai"), &[("grade", "sesuai")]).await;
    assert_eq!(sql_text(&app, &format!("SELECT status FROM placement WHERE tenant_id = {t}")).await, "running");
    emp.post(&format!("{url}/laporan"), &[("report", "Dasbor selesai dan dipakai Disdukcapil.")]).await;
    assert_eq!(emp.post(&format!("{url}/nilai"), &[("grade", "melampaui")]).await.status, StatusCode::FORBIDDEN);
    let classes = scope.classes().unwrap();
    let before = classes.jp_totals(today.year()).await.unwrap().get(&me).copied().unwrap_or(0);
    assert!(teacher.get("/magang").await.body.contains("Pusat Data Universitas"));
    assert_eq!(teacher.post(&format!("{url}/nilai"), &[("grade", "sesuai"), ("note", "Tujuan tercapai.")]).await.status, StatusCode::SEE_OTHER);
    assert_eq!(classes.jp_totals(today.year()).await.unwrap()[&me], before + 40);
    let shown = emp.get(&url).await.body;
    assert!(shown.contains("<strong>Sesuai</strong>") && shown.contains("Mempelajari struktur data SIAK."));
    // Another employee's magang is not found.
    assert_eq!(app.login("pegawai.medan").await.get(&url).await.status, StatusCode::NOT_FOUND);
}

/// Two classes whose sessions overlap, with the same widyaiswara, the same room (typed
/// differently) and the same participant: the class page names each clash; a session that
/// starts when the other ends is no clash.
#[tokio::test]
async fn the_class_page_warns_of_instructor_room_and_participant_clashes() {
    let app = TestApp::demo().await;
    let t = app.tenant_id("medan").await;
    let a = class(&app, t, 5, WaitlistOrder::FirstCome).await;
    let b = class(&app, t, 5, WaitlistOrder::FirstCome).await;
    let scope = op(&app, t).await;
    let classes = scope.classes().unwrap();
    let (teacher, teacher_name) = classes.instructor_accounts().await.unwrap().remove(0);
    let person = staff(&app, t, 1).await[0];
    let name = sql_text(&app, &format!("SELECT name FROM employee WHERE tenant_id = {t} AND id = {person}")).await;
    let at = |h: i64| time::OffsetDateTime::now_utc().replace_nanosecond(0).unwrap() + time::Duration::days(40) + time::Duration::hours(h);
    for (id, room, from, to) in [(a, "Aula Lt. 2", 0, 3), (b, "aula  lt. 2", 2, 5)] {
        classes.add_instructor(id, Some(teacher), "", "BKPSDM").await.unwrap();
        classes.add_meeting(id, at(from), at(to), room).await.unwrap();
        classes.enroll(id, person).await.unwrap();
    }
    let mut admin = app.login("perencana.medan").await;
    let page = admin.get(&format!("/kelas/{a}")).await.body;
    assert!(page.contains("Jadwal bentrok"), "{page}");
    for who in [format!("Instruktur {teacher_name}"), "Ruang Aula Lt. 2".to_string(), format!("Peserta {name}")] {
        assert!(page.contains(&who), "{who}: {page}");
    }
    assert!(page.contains(&format!("/kelas/{b}")));
    // Back to back is fine: a third class starting when the first ends.
    let c = class(&app, t, 5, WaitlistOrder::FirstCome).await;
    classes.add_instructor(c, Some(teacher), "", "BKPSDM").await.unwrap();
    classes.add_meeting(c, at(5), at(6), "Aula Lt. 2").await.unwrap();
    assert!(!admin.get(&format!("/kelas/{c}")).await.body.contains("Jadwal bentrok"));
    // The session form refuses a session that ends before it starts, keeping the page.
    let res = admin.post(&format!("/kelas/{c}/sesi"), &[("date", "01-02-2027"), ("start", "12:00"), ("end", "08:00"), ("place", "Aula")]).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
}

/// The atasan holds seats for their unit and names people later: outsiders cannot take the
/// held seats, the unit's staff can; holds never exceed the class, nor reach outside the
/// atasan's unit.
#[tokio::test]
async fn an_atasan_reserves_seats_for_the_unit_and_names_people_later() {
    let app = TestApp::demo().await;
    let t = app.tenant_id("medan").await;
    let id = class(&app, t, 3, WaitlistOrder::FirstCome).await;
    let unit_path = sql_text(&app, "SELECT u.path FROM user_role r JOIN app_user a ON a.id = r.user_id JOIN unit u ON u.tenant_id = r.tenant_id AND u.id = r.unit_id WHERE a.login = 'atasan.medan' AND r.role = 'supervisor'").await;
    let unit_id = sql_text(&app, &format!("SELECT CAST(id AS TEXT) FROM unit WHERE tenant_id = {t} AND path = '{unit_path}'")).await;
    let inside = |not: bool| {
        format!(
            "SELECT e.nip FROM employee e JOIN unit u ON u.tenant_id = e.tenant_id AND u.id = e.unit_id WHERE e.tenant_id = {t} AND e.active AND u.path {} LIKE '{unit_path}%' ORDER BY e.nip LIMIT 2",
            if not { "NOT" } else { "" }
        )
    };
    let staff = sql_lines(&app, &inside(false)).await;
    let outsiders = sql_lines(&app, &inside(true)).await;
    let mut atasan = app.login("atasan.medan").await;
    assert!(atasan.get(&format!("/kelas/{id}")).await.body.contains("Pesan kursi"));
    // More than the class has: refused. Another unit's: refused.
    atasan.post(&format!("/kelas/{id}/pesan"), &[("unit_id", &unit_id), ("seats", "4")]).await;
    let root = sql_text(&app, &format!("SELECT CAST(MIN(id) AS TEXT) FROM unit WHERE tenant_id = {t} AND path NOT LIKE '{unit_path}%'")).await;
    atasan.post(&format!("/kelas/{id}/pesan"), &[("unit_id", &root), ("seats", "1")]).await;
    assert_eq!(sql_count(&app, &format!("SELECT COUNT(*) FROM seat_reservation WHERE tenant_id = {t}")).await, 0);
    assert_eq!(atasan.post(&format!("/kelas/{id}/pesan"), &[("unit_id", &unit_id), ("seats", "2")]).await.status, StatusCode::SEE_OTHER);
    // BKPSDM nominates two outsiders: one free seat, then the waitlist.
    let mut admin = app.login("perencana.medan").await;
    admin.get("/").await;
    for nip in &outsiders {
        admin.post(&format!("/kelas/{id}/peserta"), &[("nip", nip)]).await;
    }
    let status = |nip: String| {
        let app = &app;
        async move {
            sql_text(app, &format!("SELECT en.status FROM enrollment en JOIN employee e ON e.tenant_id = en.tenant_id AND e.id = en.employee_id WHERE en.offering_id = {id} AND e.nip = '{nip}'")).await
        }
    };
    assert_eq!(status(outsiders[0].clone()).await, "enrolled");
    assert_eq!(status(outsiders[1].clone()).await, "waitlisted", "the held seats are not theirs");
    // The atasan names a member of staff later, picked from the list: a held seat.
    let pick = sql_text(&app, &format!("SELECT CAST(id AS TEXT) FROM employee WHERE tenant_id = {t} AND nip = '{}'", staff[0])).await;
    assert!(atasan.get(&format!("/kelas/{id}")).await.body.contains(&format!("<option value=\"{pick}\"")), "the atasan picks from their staff");
    atasan.post(&format!("/kelas/{id}/peserta"), &[("employee_id", &pick)]).await;
    assert_eq!(status(staff[0].clone()).await, "enrolled");
    let page = admin.get(&format!("/kelas/{id}")).await.body;
    assert!(page.contains("2 kursi, 1 sudah terisi"), "{page}");
    // Releasing the hold frees its unnamed seat: the waitlist's head takes it at once.
    assert_eq!(admin.post(&format!("/kelas/{id}/pesan"), &[("unit_id", &unit_id), ("seats", "0")]).await.status, StatusCode::SEE_OTHER);
    assert_eq!(sql_count(&app, &format!("SELECT COUNT(*) FROM seat_reservation WHERE tenant_id = {t}")).await, 0);
    assert_eq!(status(outsiders[1].clone()).await, "enrolled");
}

/// Beranda says what waits for each role: the PyB the plan to submit, the PPK the submitted plan,
/// the instructor the classes taught (and no employee count), the atasan the staff not yet
/// rated in the active period, the planner the atasan behind in it.
#[tokio::test]
async fn beranda_lists_what_waits_for_each_role() {
    let app = TestApp::demo().await;
    cakap_store::demo::delivery::load(&app.store).await.unwrap();
    let t = app.tenant_id("serang").await;
    let tasks = |body: &str| body.split("Menunggu tindakan Anda").nth(1).map(|s| s.split("</section>").next().unwrap().to_string()).unwrap_or_default();
    let mut ins = app.login("instruktur.serang").await;
    let home = ins.get("/").await.body;
    assert!(tasks(&home).contains("Anda mengajar"), "{home}");
    assert!(!home.contains("Pegawai aktif") && !home.contains("Pegawai di unit Anda"), "no employee count for an instructor");
    // A period opens: the atasan is told who is left, the planner which atasan are behind.
    let today = op(&app, t).await.today();
    op(&app, t).await.periods().unwrap().create("Penilaian 2027 Semester I", today, today + time::Duration::days(30)).await.unwrap();
    let atasan = app.login("atasan.serang").await.get("/").await.body;
    assert!(tasks(&atasan).contains("belum dinilai lengkap pada Penilaian 2027 Semester I"), "{atasan}");
    assert!(tasks(&atasan).contains("/akpk/tim/penilaian?belum=1"));
    let planner = app.login("perencana.serang").await.get("/").await.body;
    assert!(tasks(&planner).contains("Penilaian 2027 Semester I: "), "{planner}");
    // A draft plan waits for the PyB; once submitted, for the PPK.
    let plans = op(&app, t).await.plans().unwrap().list().await.unwrap();
    let ppk = app.login("ppk.serang").await.get("/").await.body;
    let submitted = plans.iter().any(|p| p.status == cakap_domain::plan::workflow::PlanStatus::Submitted);
    assert_eq!(tasks(&ppk).contains("menunggu penetapan Anda"), submitted, "{ppk}");
    let pegawai = app.login("pegawai.serang").await.get("/").await.body;
    assert!(!pegawai.contains("Menunggu tindakan Anda"), "nothing of others' work waits for an employee");
}
