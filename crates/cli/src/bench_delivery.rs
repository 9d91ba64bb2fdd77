//! `cakap bench delivery`: what people wait for in delivery, at a real size — a class of
//! `class_size` participants with 20 sessions in a tenant of `employees` — each against a
//! reference doing the same data work alone on the same database in the same run: one SQL
//! statement (or the signatures alone), so the ratio is the cost of everything Cakap adds
//! (checks, audit, locks, rendering).

use std::path::Path;

use cakap_domain::learning::enrollment::Approval;
use cakap_domain::learning::waitlist::WaitlistOrder;
use cakap_store::Store;
use sea_orm::{ConnectionTrait, Statement};

type Res<T> = Result<T, Box<dyn std::error::Error>>;

const PASSWORD: &str = "bench-delivery-2026";
const SESSIONS: usize = 20;

pub async fn run(employees: usize, class_size: usize, pg_url: Option<String>, dir: &Path) -> Res<()> {
    std::fs::create_dir_all(dir)?;
    let path = dir.join("delivery.db");
    for f in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{f}", path.display()));
    }
    println!("# cakap bench delivery: Kota Serang with {employees} employees, a class of {class_size} with {SESSIONS} sessions (pages best of 3)\n");
    println!("| database | step | Cakap ms | reference ms | × reference | reference |");
    println!("|---|---|---:|---:|---:|---|");
    let sqlite = Store::open(&format!("sqlite://{}?mode=rwc", path.display())).await?;
    rows("SQLite", &sqlite, employees, class_size).await?;
    if let Some(admin_url) = pg_url {
        crate::bench::TempPg::run(&admin_url, |pg| async move { rows("PostgreSQL", &pg, employees, class_size).await }).await?;
    }
    Ok(())
}

async fn sql_ms(store: &Store, sql: &str) -> Res<f64> {
    let mut best = f64::INFINITY;
    for _ in 0..3 {
        let t = std::time::Instant::now();
        store.db.query_all_raw(Statement::from_string(store.db.get_database_backend(), sql.to_string())).await?;
        best = best.min(t.elapsed().as_secs_f64() * 1e3);
    }
    Ok(best)
}

fn line(label: &str, step: &str, ms: f64, reference: f64, what: &str) {
    println!("| {label} | {step} | {ms:.1} | {reference:.1} | {:.1} | {what} |", ms / reference.max(0.001));
}

async fn rows(label: &str, store: &Store, employees: usize, class_size: usize) -> Res<()> {
    let t = cakap_store::demo::load_sized(store, "serang", employees, PASSWORD).await?;
    // Fresh statistics after the bulk load, so the references' plans are the ones a running
    // database would choose (Cakap's own paths do not depend on them).
    if store.is_postgres() {
        store.db.execute_raw(Statement::from_string(store.db.get_database_backend(), "ANALYZE".to_string())).await?;
    }
    let scope = cakap_store::Scope::operator(store, t).await?;
    let classes = scope.classes()?;
    let today = scope.today();
    let program = scope.plans()?.catalogue().await?.programs[0].id;
    let input = cakap_store::learning::classes::OfferingInput {
        program_id: program,
        plan_item_id: None,
        title: "Kelas Bench".into(),
        starts_on: today - time::Duration::days(25),
        ends_on: today - time::Duration::days(1),
        place: "Aula".into(),
        link: String::new(),
        capacity: i32::try_from(class_size)?,
        cost: 0,
        self_register: true,
        waitlist_order: WaitlistOrder::FirstCome,
        min_attendance: 80,
        approval: Approval::None,
    };
    let id = classes.create(&input).await?;
    let people: Vec<i64> = scope.employees()?.list(&Default::default(), 1, class_size as u64).await?.items.into_iter().map(|e| e.id).collect();
    // Enrolment one at a time (each a locked seat decision), against one INSERT of a row.
    let started = std::time::Instant::now();
    for e in &people {
        classes.enroll(id, *e).await?;
    }
    let enroll = started.elapsed().as_secs_f64() * 1e3 / people.len().max(1) as f64;
    let reference = sql_ms(store, &format!("SELECT COUNT(*) FROM enrollment WHERE tenant_id = {t} AND offering_id = {id} AND status = 'enrolled'")).await?;
    line(label, "enrol one participant (locked seat decision, audit, notification)", enroll, reference, "count of the class's seats");
    let now = time::OffsetDateTime::now_utc();
    let mut sessions = vec![];
    for d in 0..SESSIONS {
        let s = now - time::Duration::days(24 - d as i64);
        sessions.push(classes.add_meeting(id, s, s + time::Duration::hours(3), "Aula").await?);
    }
    let view = scope.class(id).await?;
    // The instructor saves a register of everyone, against inserting the same rows in one statement.
    let started = std::time::Instant::now();
    view.mark(sessions[0], &people, now).await?;
    let mark = started.elapsed().as_secs_f64() * 1e3;
    let ids = people.iter().map(i64::to_string).collect::<Vec<_>>().join(",");
    let reference = {
        let t0 = std::time::Instant::now();
        store
            .db
            .execute_raw(Statement::from_string(
                store.db.get_database_backend(),
                format!(
                    "INSERT INTO attendance (tenant_id, meeting_id, employee_id, method, at) SELECT {t}, {}, id, 'instructor', CURRENT_TIMESTAMP FROM employee WHERE tenant_id = {t} AND id IN ({ids})",
                    sessions[1]
                ),
            ))
            .await?;
        t0.elapsed().as_secs_f64() * 1e3
    };
    line(label, &format!("save a register of {class_size}"), mark, reference, "INSERT … SELECT of the same rows");
    for s in &sessions[2..] {
        view.mark(*s, &people, now).await?;
    }
    // The class page as BKPSDM sees it.
    let mut web = crate::bench_plan::Web::new(cakap_web::router(store.clone(), Default::default()));
    web.login("perencana.serang", PASSWORD).await?;
    let url = format!("/kelas/{id}");
    let (page, _) = crate::bench_plan::best_ms(3, || async { web.clone_get(&url).await }).await?;
    let reference = sql_ms(
        store,
        &format!(
            "SELECT e.id, p.nip, p.name, e.status, COALESCE(a.n, 0) FROM enrollment e JOIN employee p ON p.tenant_id = e.tenant_id AND p.id = e.employee_id \
             LEFT JOIN (SELECT employee_id, COUNT(*) AS n FROM attendance WHERE tenant_id = {t} AND meeting_id IN (SELECT id FROM meeting WHERE tenant_id = {t} AND offering_id = {id}) GROUP BY employee_id) a ON a.employee_id = e.employee_id \
             WHERE e.tenant_id = {t} AND e.offering_id = {id}"
        ),
    )
    .await?;
    line(label, &format!("class page ({class_size} participants, {SESSIONS} sessions)"), page, reference, "participants with attendance counts, one query");
    // Closing: every completion with its ledger row, in one transaction; the reference writes
    // the same rows in two statements (and rolls them back).
    let reference = {
        use sea_orm::TransactionTrait;
        let txn = store.db.begin().await?;
        let t0 = std::time::Instant::now();
        let b = store.db.get_database_backend();
        txn.execute_raw(Statement::from_string(
            b,
            format!("UPDATE enrollment SET status = 'completed' WHERE tenant_id = {t} AND offering_id = {id} AND status = 'enrolled'"),
        ))
        .await?;
        txn.execute_raw(Statement::from_string(
            b,
            format!("INSERT INTO jp_entry (tenant_id, id, employee_id, year, jp, source, source_id, title, recorded_at) SELECT {t}, id + 900000000000, employee_id, {}, 32, 'enrollment', id, 'x', CURRENT_TIMESTAMP FROM enrollment WHERE tenant_id = {t} AND offering_id = {id}", today.year()),
        ))
        .await?;
        let ms = t0.elapsed().as_secs_f64() * 1e3;
        txn.rollback().await?;
        ms
    };
    let started = std::time::Instant::now();
    classes.close(id).await?;
    let close = started.elapsed().as_secs_f64() * 1e3;
    line(label, &format!("close the class ({class_size} completions + ledger)"), close, reference, "UPDATE + INSERT … SELECT of the same rows");
    // Certificates: each signed, numbered, stored; against the signatures alone.
    let started = std::time::Instant::now();
    let n = classes.issue_all(id).await?;
    let issue = started.elapsed().as_secs_f64() * 1e3;
    let seed = [7u8; 32];
    let t0 = std::time::Instant::now();
    for i in 0..n {
        std::hint::black_box(cakap_domain::learning::certificate::sign(&seed, &format!("{{\"n\":{i}}}")));
    }
    let sign = t0.elapsed().as_secs_f64() * 1e3;
    line(label, &format!("issue {n} certificates"), issue, sign, "the Ed25519 signatures alone");
    let cert = view.participants().await?.into_iter().find_map(|p| p.certificate).ok_or("no certificate")?;
    let pdf_url = format!("/sertifikat/{}/unduh.pdf", cert.0);
    let (pdf, _) = crate::bench_plan::best_ms(3, || async { web.clone_get(&pdf_url).await }).await?;
    let code = classes.certificate_code(cert.0).await?;
    let verify_url = format!("/verifikasi/{code}");
    let (verify, _) = crate::bench_plan::best_ms(3, || async { web.clone_get(&verify_url).await }).await?;
    let reference = sql_ms(store, &format!("SELECT payload, signature FROM certificate WHERE verify_code = '{code}'")).await?;
    line(label, "certificate PDF", pdf, reference, "the certificate's row");
    line(label, "public verification page", verify, reference, "the certificate's row");
    if store.is_postgres() {
        store.db.execute_raw(Statement::from_string(store.db.get_database_backend(), "ANALYZE".to_string())).await?;
    }
    // The compliance dashboard of the instansi, against the same figures in one GROUP BY.
    let year = (today - time::Duration::days(1)).year();
    let jp_url = format!("/jp?tahun={year}");
    let (jp, _) = crate::bench_plan::best_ms(3, || async { web.clone_get(&jp_url).await }).await?;
    let reference = sql_ms(
        store,
        &format!(
            "SELECT unit_id, COUNT(*), SUM(CASE WHEN jp >= 20 THEN 1 ELSE 0 END), SUM(CASE WHEN jp < 20 THEN 20 - jp ELSE 0 END) FROM \
             (SELECT e.unit_id, COALESCE(SUM(j.jp), 0) AS jp FROM employee e LEFT JOIN jp_entry j ON j.tenant_id = e.tenant_id AND j.employee_id = e.id AND j.year = {year} \
             WHERE e.tenant_id = {t} AND e.active GROUP BY e.id, e.unit_id) x GROUP BY unit_id"
        ),
    )
    .await?;
    line(label, &format!("compliance dashboard ({employees} employees)"), jp, reference, "per-unit counts in one GROUP BY");
    let export_url = format!("/jp/riwayat/unduh.csv?tahun={year}");
    let (export, _) = crate::bench_plan::best_ms(3, || async { web.clone_get(&export_url).await }).await?;
    let reference = sql_ms(store, &format!("SELECT * FROM enrollment WHERE tenant_id = {t} AND status = 'completed'")).await?;
    line(label, "SIASN export of the year (CSV)", export, reference, "the year's completions, one query");
    Ok(())
}
