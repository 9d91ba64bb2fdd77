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
    let url = res.location().to_string();
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
