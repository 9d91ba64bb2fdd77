//! The annual plan from needs to approval (issue "Programs, partners and the annual plan"):
//! Kota Serang's 2027 plan on Rp 750.000.000, who is covered and who is left out and why,
//! what +25% buys, PyB submits, PPK returns with a comment, the planner revises, PPK approves;
//! the print and the XLSX; every plan feasible against the catalogue.

use axum::http::StatusCode;

use crate::helpers::*;

/// Seats per item within classes × capacity, item budgets as the program's cost model says,
/// their sum the plan's cost, within the budget; nobody seated twice or also left out.
async fn assert_feasible(app: &TestApp, t: i64, plan_id: i64) {
    let scope = op(app, t).await;
    let plans = scope.plans().unwrap();
    let d = plans.get(plan_id).await.unwrap();
    let cat = plans.catalogue().await.unwrap();
    let mut cost = 0;
    for i in &d.items {
        let p = cat.programs.iter().find(|p| p.id == i.program_id).unwrap();
        let seated = d.seats.iter().filter(|s| s.item_id == i.id).count() as i32;
        assert_eq!(seated, i.participants);
        assert!(seated <= i.classes * p.capacity, "{} over capacity", p.name);
        assert!(seated > (i.classes - 1) * p.capacity, "{}: a class opened for nobody", p.name);
        assert_eq!(i.budget, i64::from(i.classes) * p.fixed_cost + i64::from(seated) * p.cost_per_participant);
        cost += i.budget;
    }
    assert_eq!(cost, d.plan.cost);
    assert!(d.plan.cost <= d.plan.budget);
    let mut ids: Vec<i64> = d.seats.iter().map(|s| s.employee_id).chain(d.left_out.iter().map(|l| l.employee_id)).collect();
    let n = ids.len();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), n, "an employee both seated and left out, or seated twice");
}

/// Follows a generation job's page until it opens the plan: the plan's URL. The page shows a
/// progress bar while the job runs.
async fn follow_job(c: &mut Client, job_url: &str) -> String {
    assert!(job_url.starts_with("/rencana/tugas/"), "{job_url}");
    for _ in 0..3000 {
        let res = c.get(job_url).await;
        if res.status == StatusCode::SEE_OTHER {
            return res.location().to_string();
        }
        assert_eq!(res.status, StatusCode::OK);
        assert!(!res.body.contains("Penyusunan gagal"), "{}", res.body);
        assert!(res.body.contains("<progress") && res.body.contains("name=\"cakap-refresh\""), "{}", res.body);
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    panic!("job {job_url} still running after 30 s")
}

fn flash(body: &str) -> String {
    body.split("class=\"flash\" role=\"status\">").nth(1).and_then(|s| s.split('<').next()).unwrap_or("").to_string()
}

#[tokio::test]
async fn serang_plans_2027_from_needs_to_approval() {
    let app = TestApp::demo().await;
    let t = app.tenant_id("serang").await;
    let mut planner = app.login("perencana.serang").await;
    planner.get("/rencana").await;
    let year = (op(&app, t).await.today().year() + 1).to_string();
    let res = planner.post("/rencana/baru", &[("year", &year), ("title", "Rencana Pengembangan Kompetensi ASN"), ("budget", "750.000.000")]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let url = follow_job(&mut planner, res.location()).await;
    let plan_id: i64 = url.rsplit('/').next().unwrap().parse().unwrap();
    assert_feasible(&app, t, plan_id).await;
    let d = op(&app, t).await.plans().unwrap().get(plan_id).await.unwrap();
    assert!(d.plan.cost <= 750_000_000 && d.plan.cost > 600_000_000, "the budget is spent: {}", d.plan.cost);
    assert!(!d.left_out.is_empty(), "the demo budget does not suffice");
    let plus25 = d.plan.what_if.iter().find(|w| w.percent == 25).unwrap();
    assert_eq!(plus25.budget, 937_500_000);
    assert!(plus25.people > d.seats.len() as u64, "+25% covers more people");
    let page = planner.get(&url).await.body;
    assert!(page.contains("Rp 750.000.000") && page.contains("Pegawai tercakup") && page.contains("Anggaran tidak cukup untuk program yang sesuai"), "{page}");
    assert!(page.contains("+25%") && page.contains("Rp 937.500.000"));
    let left = &d.left_out[0];
    assert!(page.contains(&left.name), "the left-out list names people");
    // Planner cannot submit; PPK cannot approve what PyB has not submitted.
    assert_eq!(planner.post(&format!("{url}/langkah"), &[("action", "submit")]).await.status, StatusCode::FORBIDDEN);
    let mut ppk = app.login("ppk.serang").await;
    ppk.get("/rencana").await;
    ppk.post(&format!("{url}/langkah"), &[("action", "approve")]).await;
    assert_eq!(flash(&ppk.get(&url).await.body), "Rencana belum diajukan oleh PyB.");
    let mut pyb = app.login("pyb.serang").await;
    pyb.get("/rencana").await;
    assert_eq!(pyb.post(&format!("{url}/langkah"), &[("action", "submit")]).await.status, StatusCode::SEE_OTHER);
    // While submitted, the planner cannot regenerate.
    let res = planner.post(&format!("{url}/susun-ulang"), &[("year", &year), ("title", "X"), ("budget", "1.000.000")]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert!(flash(&planner.get(&url).await.body).contains("sedang diajukan ke PPK"));
    // A return needs its reason.
    ppk.post(&format!("{url}/langkah"), &[("action", "return"), ("note", "  ")]).await;
    assert!(flash(&ppk.get(&url).await.body).starts_with("Tuliskan alasan pengembalian"));
    ppk.post(&format!("{url}/langkah"), &[("action", "return"), ("note", "Tambahkan anggaran untuk etika pelayanan")]).await;
    let page = planner.get(&url).await.body;
    assert!(page.contains("Dikembalikan untuk perbaikan") && page.contains("Tambahkan anggaran untuk etika pelayanan"));
    // The planner revises with more money and a minimum per unit.
    let res = planner
        .post(
            &format!("{url}/susun-ulang"),
            &[("year", &year), ("title", "Rencana Pengembangan Kompetensi ASN"), ("budget", "Rp 850.000.000"), ("min_per_unit", "1")],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    assert_eq!(follow_job(&mut planner, res.location()).await, url);
    assert_feasible(&app, t, plan_id).await;
    let d2 = op(&app, t).await.plans().unwrap().get(plan_id).await.unwrap();
    assert_eq!(d2.plan.budget, 850_000_000);
    assert!(d2.seats.len() >= d.seats.len());
    pyb.post(&format!("{url}/langkah"), &[("action", "submit")]).await;
    ppk.post(&format!("{url}/langkah"), &[("action", "approve")]).await;
    let d3 = op(&app, t).await.plans().unwrap().get(plan_id).await.unwrap();
    assert_eq!(d3.plan.status, cakap_domain::plan::workflow::PlanStatus::Approved);
    assert_eq!(d3.events.len(), 6, "generate, submit, return, regenerate, submit, approve: {:?}", d3.events);
    // Frozen: an item edit is refused.
    let item = d3.items[0].id.to_string();
    planner.post(&format!("{url}/butir"), &[("item_id", &item), ("quarter", "2"), ("curriculum_fit", "x")]).await;
    assert!(flash(&planner.get(&url).await.body).contains("tidak dapat diubah"));
    // Print: A4 document with the head's signature block; XLSX opens with every seat.
    let print = planner.get(&format!("{url}/cetak")).await.body;
    assert!(print.contains("PEMERINTAH KOTA SERANG") && print.contains("Ditetapkan oleh,") && print.contains("Kepala BKPSDM"), "{print}");
    // The PDF: A4 landscape pages with the kop, the Pasal 207 table, the signatures, every
    // participant in the attachment, and "Halaman x dari y".
    let pdf = planner.get(&format!("{url}/unduh.pdf")).await;
    assert_eq!(pdf.status, StatusCode::OK);
    assert_eq!(pdf.headers.get("content-type").unwrap(), "application/pdf");
    assert!(pdf.body.contains("/MediaBox [0 0 841.89 595.28]"), "A4 landscape");
    if let Some((text, pages)) = pdf_text(&pdf.bytes) {
        assert!(pages >= 2, "{pages} pages");
        let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
        for want in [
            "PEMERINTAH KOTA SERANG",
            "BADAN KEPEGAWAIAN",
            "Sasaran peserta",
            "Kesesuaian kurikulum",
            "Ditetapkan oleh,",
            "Kepala BKPSDM",
            "Pejabat Pembina Kepegawaian",
            "Lampiran 1",
            &format!("Halaman 1 dari {pages}"),
            &format!("Halaman {pages} dari {pages}"),
        ] {
            assert!(flat.contains(want), "PDF lacks {want:?}: {flat}");
        }
        assert!(flat.contains(&cakap_domain::format::rupiah(d3.plan.cost)), "the total");
        for st in d3.seats.iter().take(40) {
            assert!(flat.contains(&st.name), "participant {} missing", st.name);
        }
    }
    let x = planner.get(&format!("{url}/unduh.xlsx")).await;
    let mut wb: calamine::Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(x.bytes)).unwrap();
    use calamine::Reader;
    let range = wb.worksheet_range_at(0).unwrap().unwrap();
    let seats = range.rows().filter(|r| r[0] == "Peserta").count();
    assert_eq!(seats, d3.seats.len());
    // A revision is a new draft version showing what changed.
    let res = planner.post(&format!("{url}/revisi"), &[]).await;
    let v2 = res.location().to_string();
    assert_ne!(v2, url);
    let page = planner.get(&v2).await.body;
    assert!(page.contains("versi 2") && page.contains("Perubahan dari versi 1") && page.contains("Draf"), "{page}");
}

#[tokio::test]
async fn hostile_plan_input_is_refused_by_field() {
    let app = TestApp::demo().await;
    let mut c = app.login("perencana.medan").await;
    c.get("/rencana").await;
    for (field, value, message) in [
        ("budget", "99999999999999999999", "pagu anggaran harus angka rupiah"),
        ("budget", "-5", "pagu anggaran harus angka rupiah"),
        ("budget", "0", "pagu anggaran harus Rp 1"),
        ("year", "99999", "tahun rencana harus"),
        ("min_per_unit", "100000", "minimal peserta per unit harus 1–1.000"),
        ("reserve_percent", "250", "porsi anggaran yang dicadangkan harus 1–100%"),
    ] {
        let mut f = vec![("year", "2027"), ("title", "Uji"), ("budget", "500.000.000"), ("reserve_group", "klasikal"), ("reserve_percent", "20")];
        f.retain(|(k, _)| *k != field);
        f.push((field, value));
        let res = c.post("/rencana/baru", &f).await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{field}={value}");
        assert!(res.body.contains(message), "{field}={value}: {}", res.body);
        assert!(res.body.contains(&format!("value=\"{}\"", value.replace('&', "&amp;"))) || field == "reserve_group", "the form keeps what was typed");
    }
    let t = app.tenant_id("medan").await;
    assert!(op(&app, t).await.plans().unwrap().list().await.unwrap().is_empty(), "nothing written");
    // A program with a level out of range or another tenant's competency is refused by field.
    let other = op(&app, app.tenant_id("ambon").await).await.competencies().unwrap().list().await.unwrap()[0].id;
    let lvl = format!("lvl_{other}");
    let res = c
        .post(
            "/katalog/program/baru",
            &[
                ("code", "X"),
                ("name", "X"),
                ("jalur", "KL03"),
                ("mode", "daring"),
                ("jp", "10"),
                ("fixed_cost", "1.000.000"),
                ("cost_per_participant", "0"),
                ("capacity", "20"),
                (&lvl, "3"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("kompetensi tidak ditemukan di kamus instansi ini"), "{}", res.body);
    let res = c
        .post(
            "/katalog/program/baru",
            &[("code", "X"), ("name", "X"), ("jalur", "KL99"), ("mode", "daring"), ("jp", "0"), ("fixed_cost", "1,5"), ("capacity", "20")],
        )
        .await;
    assert!(res.body.contains("biaya tetap per kelas harus angka rupiah"), "{}", res.body);
    let res = c.post("/katalog/mitra/baru", &[("kind", "universitas"), ("name", &"U".repeat(201))]).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    // The agreement warning shows on the partners page (the demo's NGO MoU ends in 45 days).
    let body = c.get("/katalog/mitra").await.body;
    assert!(body.contains("Perjanjian yang segera berakhir") && body.contains("Berakhir dalam 45 hari"), "{body}");
}

#[tokio::test]
async fn the_api_generates_a_plan_and_walks_its_workflow() {
    let app = TestApp::demo().await;
    let t = app.tenant_id("serang").await;
    let year = op(&app, t).await.today().year() + 1;
    let mut c = app.login("perencana.serang").await;
    let planner = token_for(&app, "perencana.serang").await;
    let json = |r: &Res| serde_json::from_str::<serde_json::Value>(&r.body).unwrap_or_else(|e| panic!("{e}: {}", r.body));

    let programs = json(&c.api("GET", "/api/v1/programs", &planner, None).await);
    assert!(programs.as_array().unwrap().len() >= 5 && programs[0]["jalur"].as_str().unwrap().starts_with(['K', 'N', 'p']), "{programs}");
    let partners = json(&c.api("GET", "/api/v1/partners", &planner, None).await);
    assert!(partners.as_array().unwrap().iter().any(|p| !p["agreements"].as_array().unwrap().is_empty()), "{partners}");

    // Hostile bodies: each refused with the field named, nothing written.
    for (body, status, message) in [
        (serde_json::json!({"year": year, "title": "X", "budget": 99_999_999_999_999_i64}), StatusCode::UNPROCESSABLE_ENTITY, "pagu"),
        (serde_json::json!({"year": year, "title": "X", "budget": -1}), StatusCode::UNPROCESSABLE_ENTITY, "pagu"),
        (serde_json::json!({"year": 99999, "title": "X", "budget": 1_000_000}), StatusCode::UNPROCESSABLE_ENTITY, "tahun"),
        (serde_json::json!({"year": year, "title": "X".repeat(201), "budget": 1_000_000}), StatusCode::UNPROCESSABLE_ENTITY, "200"),
        (
            serde_json::json!({"year": year, "title": "X", "budget": 1_000_000, "reserve": {"group": "klasikal", "percent": 300}}),
            StatusCode::BAD_REQUEST,
            "'reserve.percent'",
        ),
        (
            serde_json::json!({"year": year, "title": "X", "budget": 1_000_000, "reserve": {"group": "sulap", "percent": 30}}),
            StatusCode::BAD_REQUEST,
            "'reserve.group'",
        ),
        (serde_json::json!({"year": year, "title": "X", "budget": 1_000_000, "diam": 1}), StatusCode::BAD_REQUEST, "'diam' tidak dikenal"),
    ] {
        let res = c.api("POST", "/api/v1/plans", &planner, Some(body.clone())).await;
        assert_eq!(res.status, status, "{body}: {}", res.body);
        assert!(res.body.contains(message), "{body}: {}", res.body);
    }
    assert!(op(&app, t).await.plans().unwrap().list().await.unwrap().is_empty(), "nothing written");

    let body = serde_json::json!({"year": year, "title": "Rencana lewat API", "budget": 750_000_000, "min_per_unit": 1});
    let res = c.api("POST", "/api/v1/plans", &planner, Some(body)).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let d = json(&res);
    let id = d["plan"]["id"].as_i64().unwrap();
    assert_feasible(&app, t, id).await;
    assert_eq!(d["plan"]["status"], "draft");
    assert!(d["plan"]["cost"].as_i64().unwrap() <= 750_000_000);
    assert!(!d["items"].as_array().unwrap().is_empty() && !d["seats"].as_array().unwrap().is_empty());
    let reasons: Vec<&str> = d["left_out"].as_array().unwrap().iter().map(|l| l["reason"].as_str().unwrap()).collect();
    assert!(!reasons.is_empty() && reasons.iter().all(|r| ["budget", "capacity", "no_program"].contains(r)), "{reasons:?}");
    assert_eq!(d["plan"]["what_if"].as_array().unwrap().iter().map(|w| w["percent"].as_i64().unwrap()).collect::<Vec<_>>(), [10, 25, 50]);
    let listed = json(&c.api("GET", "/api/v1/plans", &planner, None).await);
    assert_eq!(listed[0]["id"].as_i64(), Some(id));
    let again = json(&c.api("GET", &format!("/api/v1/plans/{id}"), &planner, None).await);
    assert_eq!(again["seats"], d["seats"], "the stored plan is the one returned");

    let steps = format!("/api/v1/plans/{id}/steps");
    // The planner cannot submit; PyB can; PPK must give a note to return it.
    assert_eq!(c.api("POST", &steps, &planner, Some(serde_json::json!({"action": "submit"}))).await.status, StatusCode::FORBIDDEN);
    let res = c.api("POST", &steps, &planner, Some(serde_json::json!({"action": "hapus"}))).await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST, "{}", res.body);
    let pyb = token_for(&app, "pyb.serang").await;
    let res = c.api("POST", &steps, &pyb, Some(serde_json::json!({"action": "submit"}))).await;
    assert_eq!(json(&res)["status"], "submitted", "{}", res.body);
    let ppk = token_for(&app, "ppk.serang").await;
    let res = c.api("POST", &steps, &ppk, Some(serde_json::json!({"action": "return"}))).await;
    assert!(res.status.is_client_error(), "a return needs a note: {}", res.body);
    let res = c.api("POST", &steps, &ppk, Some(serde_json::json!({"action": "return", "note": "Tambah pelatihan pelayanan publik."}))).await;
    assert_eq!(json(&res)["status"], "returned");
    let res = c.api("POST", &steps, &ppk, Some(serde_json::json!({"action": "approve"}))).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "a returned plan is not approved before it is submitted again: {}", res.body);
    assert!(res.body.contains("Rencana belum diajukan oleh PyB."), "{}", res.body);
    let events = json(&c.api("GET", &format!("/api/v1/plans/{id}"), &ppk, None).await)["events"].clone();
    assert!(events.to_string().contains("Tambah pelatihan pelayanan publik."), "{events}");

    // Another tenant's planner sees none of it.
    let medan = token_for(&app, "perencana.medan").await;
    assert_eq!(c.api("GET", &format!("/api/v1/plans/{id}"), &medan, None).await.status, StatusCode::NOT_FOUND);
    assert_eq!(c.api("POST", &steps, &token_for(&app, "pyb.medan").await, Some(serde_json::json!({"action": "submit"}))).await.status, StatusCode::NOT_FOUND);
    assert_eq!(json(&c.api("GET", "/api/v1/plans", &medan, None).await), serde_json::json!([]));
}

#[tokio::test]
async fn a_program_for_a_bidang_tugas_seats_only_its_positions() {
    // Candisari's seed: planners to data analysis and policy, service staff to ethics.
    let app = TestApp::demo().await;
    let t = app.tenant_id("semarang").await;
    let year = op(&app, t).await.today().year() + 1;
    let mut c = app.login("perencana.semarang").await;
    let planner = token_for(&app, "perencana.semarang").await;
    let programs: serde_json::Value = serde_json::from_str(&c.api("GET", "/api/v1/programs", &planner, None).await.body).unwrap();
    let andat = programs.as_array().unwrap().iter().find(|p| p["code"] == "PR-ANDAT").unwrap();
    assert_eq!(andat["audience"], serde_json::json!(["Perencana", "Analis", "Pranata Komputer", "Pengolah Data"]));
    let res = c.api("POST", "/api/v1/plans", &planner, Some(serde_json::json!({"year": year, "title": "Rencana", "budget": 2_000_000_000_i64}))).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let id = serde_json::from_str::<serde_json::Value>(&res.body).unwrap()["plan"]["id"].as_i64().unwrap();
    let seated = |code: &'static str| {
        format!(
            "SELECT p.name FROM plan_seat s JOIN plan_item i ON i.tenant_id = s.tenant_id AND i.id = s.item_id \
             JOIN program g ON g.tenant_id = i.tenant_id AND g.id = i.program_id \
             JOIN employee e ON e.tenant_id = s.tenant_id AND e.id = s.employee_id \
             JOIN position p ON p.tenant_id = e.tenant_id AND p.id = e.position_id WHERE s.plan_id = {id} AND g.code = '{code}'"
        )
    };
    let andat = sql_lines(&app, &seated("PR-ANDAT")).await;
    assert!(!andat.is_empty(), "the plan trains some planners in data analysis");
    for name in &andat {
        assert!(["Perencana", "Analis", "Pranata Komputer", "Pengolah Data"].iter().any(|w| name.contains(w)), "{name} in PR-ANDAT");
    }
    for name in sql_lines(&app, &seated("PR-ETIKA")).await {
        assert!(name.contains("Pelayanan") || name.contains("Pengadministrasi Kependudukan") || name.contains("Pengelola Layanan"), "{name} in PR-ETIKA");
    }
    // The form: words saved and listed; too many refused by field with what was typed kept.
    let program_form = |audience: &str| {
        vec![
            ("code".to_string(), "PR-RENCANA".to_string()),
            ("name".into(), "Bimtek Perencanaan Pembangunan".into()),
            ("jalur".into(), "KL10".into()),
            ("mode".into(), "tatap_muka".into()),
            ("jp".into(), "24".into()),
            ("fixed_cost".into(), "20.000.000".into()),
            ("cost_per_participant".into(), "1.000.000".into()),
            ("capacity".into(), "30".into()),
            (format!("lvl_{}", andat_competency(&programs)), "3".into()),
            ("audience".into(), audience.to_string()),
        ]
    };
    c.get("/katalog/program/baru").await;
    let many = (1..=13).map(|i| format!("Kata{i}")).collect::<Vec<_>>().join("; ");
    let f = program_form(&many);
    let res = c.post("/katalog/program/baru", &f.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect::<Vec<_>>()).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.body);
    assert!(res.body.contains("maksimal 12 kata bidang tugas (ada 13)") && res.body.contains(&format!("value=\"{many}\"")), "{}", res.body);
    let f = program_form(" Perencana ; Analis Kebijakan ");
    let res = c.post("/katalog/program/baru", &f.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect::<Vec<_>>()).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let list = c.get("/katalog/program").await.body;
    assert!(list.contains("Bidang tugas: Perencana; Analis Kebijakan"), "{list}");
}

/// The id of the first competency PR-ANDAT develops, from the programs API's answer.
fn andat_competency(programs: &serde_json::Value) -> i64 {
    let p = programs.as_array().unwrap().iter().find(|p| p["code"] == "PR-ANDAT").unwrap();
    p["competencies"][0]["competency_id"].as_i64().unwrap()
}

/// Seats in a plan of people below 20 JP in the ledger's `year`.
async fn seats_below_minimum(app: &TestApp, plan_id: i64, year: i32) -> i64 {
    sql_count(
        app,
        &format!(
            "SELECT COUNT(*) FROM plan_seat s WHERE s.plan_id = {plan_id} AND \
             (SELECT COALESCE(SUM(j.jp), 0) FROM jp_entry j WHERE j.tenant_id = s.tenant_id AND j.employee_id = s.employee_id AND j.year = {year}) < 20"
        ),
    )
    .await
}

#[tokio::test]
async fn the_jp_rule_seats_more_people_below_twenty_jp() {
    let app = TestApp::demo().await;
    let t = app.tenant_id("serang").await;
    let this_year = op(&app, t).await.today().year();
    let mut c = app.login("perencana.serang").await;
    let planner = token_for(&app, "perencana.serang").await;
    let below = sql_count(
        &app,
        &format!("SELECT COUNT(*) FROM employee e WHERE e.tenant_id = {t} AND (SELECT COALESCE(SUM(jp), 0) FROM jp_entry j WHERE j.tenant_id = {t} AND j.employee_id = e.id AND j.year = {this_year}) < 20"),
    )
    .await;
    let staff = sql_count(&app, &format!("SELECT COUNT(*) FROM employee WHERE tenant_id = {t}")).await;
    assert!(below > staff / 2 && below < staff, "the demo ledger has people on both sides: {below} of {staff}");
    // A budget that leaves many out (Rp 120 juta), so people below and above 20 JP compete.
    let mut ids = vec![];
    for (year, rule) in [(this_year + 1, false), (this_year + 2, true)] {
        let body = serde_json::json!({"year": year, "title": "Rencana", "budget": 120_000_000, "below_minimum_jp": rule});
        let res = c.api("POST", "/api/v1/plans", &planner, Some(body)).await;
        assert_eq!(res.status, StatusCode::OK, "{}", res.body);
        let v: serde_json::Value = serde_json::from_str(&res.body).unwrap();
        assert_eq!(v["plan"]["rules"]["below_minimum_jp"], if rule { serde_json::json!(this_year) } else { serde_json::Value::Null });
        let id = v["plan"]["id"].as_i64().unwrap();
        assert_feasible(&app, t, id).await;
        ids.push(id);
    }
    let (without, with) = (seats_below_minimum(&app, ids[0], this_year).await, seats_below_minimum(&app, ids[1], this_year).await);
    assert!(with > without, "the rule seats more people below 20 JP: {with} vs {without}");
    // The plan says which year's JP counted; the form keeps the box ticked for a regeneration.
    let page = c.get(&format!("/rencana/{}", ids[1])).await.body;
    assert!(page.contains(&format!("pegawai yang belum mencapai 20 JP pada tahun {this_year} didahulukan")), "{page}");
    assert!(page.contains(r#"name="below_minimum_jp" value="1" aria-describedby="h-jp" checked"#), "{page}");
    // The page form turns the rule on the same way.
    let res = c
        .post(
            &format!("/rencana/{}/susun-ulang", ids[0]),
            &[("year", &(this_year + 1).to_string()), ("title", "Rencana"), ("budget", "120.000.000"), ("below_minimum_jp", "1")],
        )
        .await;
    assert_eq!(follow_job(&mut c, res.location()).await, format!("/rencana/{}", ids[0]));
    assert!(seats_below_minimum(&app, ids[0], this_year).await > without, "regenerated with the rule");
}

#[tokio::test]
async fn a_generation_job_shows_its_progress_and_a_cut_off_one_says_so() {
    let app = TestApp::demo().await;
    let t = app.tenant_id("serang").await;
    let mut c = app.login("perencana.serang").await;
    // A job as a running generation leaves it: 40% at the what-if stage.
    let job = cakap_store::fixtures::running_job(&app.store, t, 40, "Menghitung tambahan anggaran +10%").await.unwrap();
    let url = format!("/rencana/tugas/{job}");
    let page = c.get(&url).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains(r#"<progress id="job-progress" value="40" max="100""#), "{}", page.body);
    assert!(page.body.contains("Menghitung tambahan anggaran +10%") && page.body.contains(r#"name="cakap-refresh""#));
    // Another tenant's planner cannot see it.
    let mut medan = app.login("perencana.medan").await;
    assert_eq!(medan.get(&url).await.status, StatusCode::NOT_FOUND);
    // While it runs, no second generation starts in the tenant (each is a solver on a core).
    let year = (op(&app, t).await.today().year() + 1).to_string();
    c.get("/rencana").await;
    let res = c.post("/rencana/baru", &[("year", &year), ("title", "Rencana"), ("budget", "500.000.000")]).await;
    assert!(res.status.is_client_error() && res.body.contains("sedang berjalan"), "{}: {}", res.status, res.body);
    assert_eq!(sql_lines(&app, "SELECT CAST(COUNT(*) AS TEXT) FROM job").await, ["1"]);
    // A server start marks it cut off; the page then says so and stops refreshing.
    assert_eq!(cakap_store::jobs::abandon_running(&app.store).await.unwrap(), 1);
    let page = c.get(&url).await.body;
    assert!(page.contains("Penyusunan gagal: server dimulai ulang") && !page.contains("cakap-refresh"), "{page}");
    // A real job ends at its plan, and a bad request starts none.
    let res = c.post("/rencana/baru", &[("year", &year), ("title", "Rencana"), ("budget", "500.000.000")]).await;
    let plan = follow_job(&mut c, res.location()).await;
    assert!(c.get(&plan).await.body.contains("Pegawai tercakup"));
    let res = c.post("/rencana/baru", &[("year", &year), ("title", "Rencana"), ("budget", "500.000.000")]).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "the year has a plan already");
    assert!(res.body.contains("sudah ada"));
    assert_eq!(sql_lines(&app, "SELECT CAST(COUNT(*) AS TEXT) FROM job").await, ["2"], "no job for a refused request");
}

/// The signed MoU attached to its agreement: the planner uploads it, everyone who reads the
/// catalogue downloads the same bytes as an attachment of its real type, and what is not a
/// document (an HTML page named .pdf, an empty or too large file, an eleventh file, a post
/// without the form's token) is refused with a message and writes nothing.
#[tokio::test]
async fn an_agreement_keeps_its_signed_documents() {
    let app = TestApp::demo().await;
    let t = app.tenant_id("serang").await;
    let cat = op(&app, t).await.plans().unwrap().catalogue().await.unwrap();
    let ag = &cat.agreements[0];
    let count = || async { sql_count(&app, &format!("SELECT COUNT(*) FROM agreement_document WHERE tenant_id = {t}")).await };
    let before = count().await;
    let mut c = app.login("perencana.serang").await;
    let page = format!("/katalog/perjanjian/{}", ag.id);
    c.get(&page).await;
    let csrf = c.csrf.clone();
    let upload = format!("{page}/dokumen");
    let pdf = b"%PDF-1.4\n1 0 obj <<>> endobj\n% MoU ditandatangani\n%%EOF\n".to_vec();
    let res = c.upload_with(&upload, "MoU Kerja Sama: 2026 – UNTIRTA.pdf", &pdf, &[("_csrf", &csrf)]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    assert_eq!(res.location(), format!("{page}#dokumen"));
    let body = c.get(&page).await.body;
    assert!(body.contains("Dokumen berhasil diunggah."), "{body}");
    assert!(body.contains("MoU Kerja Sama_ 2026 – UNTIRTA.pdf") && body.contains(&format!("PDF, {} B, diunggah", pdf.len())), "{body}");
    assert!(body.contains("WIB oleh"), "uploaded at, in Serang's zone: {body}");
    let doc_id: i64 = body.split("/katalog/dokumen/").nth(1).and_then(|s| s.split('"').next()).unwrap().parse().unwrap();
    // The partner's page lists it beside the agreement.
    let partner = c.get(&format!("/katalog/mitra/{}", ag.partner_id)).await.body;
    assert!(partner.contains(&format!("/katalog/dokumen/{doc_id}")), "{partner}");

    // PPK reads the catalogue: downloads the very bytes, as an attachment typed by its content.
    let mut ppk = app.login("ppk.serang").await;
    let res = ppk.get(&format!("/katalog/dokumen/{doc_id}")).await;
    assert_eq!(res.status, StatusCode::OK);
    assert_eq!(res.bytes, pdf);
    assert_eq!(res.headers["content-type"], "application/pdf");
    let disposition = res.headers["content-disposition"].to_str().unwrap();
    assert!(
        disposition
            .starts_with("attachment; filename=\"MoU Kerja Sama_ 2026 _ UNTIRTA.pdf\"; filename*=UTF-8''MoU%20Kerja%20Sama_%202026%20%E2%80%93%20UNTIRTA.pdf"),
        "{disposition}"
    );
    assert_eq!(res.headers["x-content-type-options"], "nosniff");
    // …but cannot add or remove one.
    ppk.get("/").await;
    let csrf_ppk = ppk.csrf.clone();
    assert_eq!(ppk.upload_with(&upload, "x.pdf", &pdf, &[("_csrf", &csrf_ppk)]).await.status, StatusCode::FORBIDDEN);
    assert_eq!(ppk.post(&format!("/katalog/dokumen/{doc_id}/hapus"), &[]).await.status, StatusCode::FORBIDDEN);
    // An employee does not read the catalogue's documents.
    let mut emp = app.login("pegawai.serang").await;
    assert_eq!(emp.get(&format!("/katalog/dokumen/{doc_id}")).await.status, StatusCode::FORBIDDEN);
    assert_eq!(count().await, before + 1);

    // Refused, each with the reason on the agreement's page and nothing written.
    let big = [b"%PDF-1.4\n".as_slice(), &vec![b' '; 10 * 1024 * 1024]].concat();
    for (name, bytes, message) in [
        ("palsu.pdf", b"<html><script>alert(1)</script></html>".to_vec(), "berkas harus PDF, JPG atau PNG"),
        ("kosong.pdf", vec![], "pilih berkas yang akan diunggah"),
        ("besar.pdf", big, "melebihi batas 10,0 MB"),
    ] {
        let res = c.upload_with(&upload, name, &bytes, &[("_csrf", &csrf)]).await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{name}");
        assert!(res.body.contains(message), "{name}: {}", res.body);
        assert!(res.body.contains(&format!("value=\"{}\"", ag.number)), "the agreement's fields stay on the page");
    }
    let res = c.upload_with(&upload, "tanpa-token.pdf", &pdf, &[("_csrf", "salah")]).await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    assert_eq!(count().await, before + 1);
    // At most ten per agreement.
    for k in 1..10 {
        let res = c.upload_with(&upload, &format!("lampiran-{k}.png"), b"\x89PNG\r\n\x1a\nlampiran", &[("_csrf", &csrf)]).await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{k}");
    }
    let res = c.upload_with(&upload, "kesebelas.pdf", &pdf, &[("_csrf", &csrf)]).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    let full = c.get(&page).await.body;
    assert!(full.contains("Batas 10 dokumen per perjanjian tercapai"), "{full}");
    assert_eq!(count().await, before + 10);
    let png: i64 = full.split("lampiran-1.png").next().unwrap().rsplit("/katalog/dokumen/").next().unwrap().split('"').next().unwrap().parse().unwrap();
    let res = c.get(&format!("/katalog/dokumen/{png}")).await;
    assert_eq!(res.headers["content-type"], "image/png");

    // Removed by the planner, with an audit row that keeps the name and checksum, not the bytes.
    let res = c.post(&format!("/katalog/dokumen/{doc_id}/hapus"), &[]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert_eq!(c.get(&format!("/katalog/dokumen/{doc_id}")).await.status, StatusCode::NOT_FOUND);
    assert_eq!(count().await, before + 9);
    let audit = sql_lines(&app, &format!("SELECT action || '|' || COALESCE(before_json, '') FROM audit_log WHERE tenant_id = {t} AND entity = 'agreement_document' AND entity_id = '{doc_id}' ORDER BY id")).await;
    assert_eq!(audit.len(), 2, "{audit:?}");
    assert!(audit[1].starts_with("delete|") && audit[1].contains("MoU Kerja Sama_ 2026 – UNTIRTA.pdf") && audit[1].contains("sha256"), "{audit:?}");
    assert!(!audit[1].contains("content"), "{audit:?}");
}
