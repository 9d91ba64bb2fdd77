//! AKPK through the web: a hand-worked employee (gap, JPM, band, priority) from the heatmap down
//! to the needs export; who may assess whom; the calibration list; all-or-nothing imports; the
//! national roll-up against a per-employee computation.

use axum::http::StatusCode;
use cakap_store::akpk::analysis::Analysis;
use cakap_store::org::employees::EmployeeScope;

use cakap_domain::UnitKind;
use cakap_domain::competency::Family;

use crate::helpers::*;

fn today() -> String {
    time::OffsetDateTime::now_utc().date().to_string()
}

struct Setup {
    emp: cakap_domain::employee::Employee,
    /// competency code → id
    comps: Vec<(String, i64)>,
}

impl Setup {
    fn comp(&self, code: &str) -> i64 {
        self.comps.iter().find(|c| c.0 == code).unwrap().1
    }
}

/// A "Sekretaris" (administrator, criticality 2, also requires Pengelolaan Keuangan Daerah 3)
/// of Kota Medan with a JPT pratama target position, assessed by the planner's assessment
/// centre results today (newer than any demo rating, so they decide every effective level).
async fn hand_worked(app: &TestApp, c: &mut Client) -> Setup {
    let t = app.tenant_id("medan").await;
    let positions = op(app, t).await.positions().unwrap().all().await.unwrap();
    let held: Vec<&cakap_domain::org::Position> = positions.iter().filter(|p| p.name == "Sekretaris").collect();
    let target = positions.iter().find(|p| p.jenjang.code() == "jpt_pratama").unwrap();
    let emps = op(app, t).await.employees().unwrap().list(&Default::default(), 1, 10_000).await.unwrap().items;
    let emp = emps.into_iter().find(|e| held.iter().any(|p| p.id == e.position_id)).expect("a Sekretaris in the demo");
    sql_exec(app, &format!("UPDATE employee SET target_position_id = {} WHERE tenant_id = {t} AND id = {}", target.id, emp.id)).await;
    // A raw update bypasses the store's write path; say what it changed, as every write does.
    cakap_store::revision::bump(&app.store.db, t, cakap_domain::audit::Area::Org).await.unwrap();
    let emp = op(app, t).await.employees().unwrap().get(emp.id).await.unwrap();
    let comps: Vec<(String, i64)> = op(app, t).await.competencies().unwrap().list().await.unwrap().into_iter().map(|c| (c.code, c.id)).collect();
    let s = Setup { emp, comps };
    let levels = [("M.1", 3), ("M.2", 3), ("M.3", 2), ("M.4", 4), ("M.5", 3), ("M.6", 2), ("M.7", 3), ("M.8", 1), ("SK.1", 3), ("TK-KEUDA", 2)];
    let page = format!("/akpk/pegawai/{}", s.emp.id);
    c.get(&page).await;
    for (code, level) in levels {
        let res = c
            .post(
                &format!("{page}/penilaian"),
                &[
                    ("competency_id", &s.comp(code).to_string()),
                    ("method", "assessor"),
                    ("level", &level.to_string()),
                    ("assessed_on", &today()),
                    ("evidence", "Laporan AC 2026"),
                ],
            )
            .await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{code}: {}", res.body);
    }
    let res = c.post(&format!("{page}/skp"), &[("year", "2026"), ("rating", "kurang"), ("score", "")]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    s
}

fn xlsx_rows(bytes: &[u8]) -> Vec<Vec<String>> {
    let t = cakap_store::import::read_table("x.xlsx", bytes).unwrap();
    t.rows
}

#[tokio::test]
async fn planner_drills_from_heatmap_to_a_hand_worked_akpk_and_exports_needs() {
    let app = TestApp::demo().await;
    let mut c = app.login("perencana.medan").await;
    let s = hand_worked(&app, &mut c).await;
    let t = app.tenant_id("medan").await;

    // Heatmap: every root unit is a row, as a link, in the SVG and in the table.
    let map = c.get("/akpk").await;
    assert_eq!(map.status, StatusCode::OK);
    let unit = op(&app, t).await.units().unwrap().get(s.emp.unit_id).await.unwrap();
    let root_id: i64 = unit.path.split('/').find(|x| !x.is_empty()).unwrap().parse().unwrap();
    let root = op(&app, t).await.units().unwrap().get(root_id).await.unwrap();
    assert!(map.body.contains("<svg") && map.body.contains("class=\"chart heatmap\""));
    assert!(map.body.matches(&format!("href=\"/akpk?unit={root_id}\"")).count() >= 2, "SVG label and table link");
    assert!(map.body.contains("Sebaran JPM"));

    // Drill-down: the unit lists the employee with JPM 83,33 (see below).
    let drill = c.get(&format!("/akpk?unit={root_id}")).await.body;
    assert!(drill.contains(&root.name));
    let row = drill.split(&format!("/akpk/pegawai/{}\"", s.emp.id)).nth(1).expect("employee listed in drill-down");
    assert!(row.split("</tr>").next().unwrap().contains("83,33"), "{row}");

    // The AKPK: held (administrator, 3 for all nine + Keuangan Daerah 3): Σrequired 30,
    // Σmin(actual, required) = 3+3+2+3+3+2+3+1+3+2 = 25 → 83,33 Cukup Optimal.
    // Target (JPT pratama, 4 for all nine): Σ 36, Σmin = 3+3+2+4+3+2+3+1+3 = 24 → 66,67.
    let page = c.get(&format!("/akpk/pegawai/{}", s.emp.id)).await.body;
    assert!(page.contains("Terhadap jabatan saat ini: Sekretaris"));
    assert!(page.contains("JPM <strong>83,33</strong> · kategori <strong>Cukup Optimal</strong>"), "{page}");
    assert!(page.contains("Terhadap jabatan target"));
    assert!(page.contains("JPM <strong>66,67</strong> · kategori <strong>Kurang Optimal</strong>"));
    assert!(page.contains("kesenjangan kinerja 2 tingkat"));
    // Under a competency with a gap: what the required level asks (current indicator text).
    let m8 = op(&app, t).await.competencies().unwrap().get(s.comp("M.8")).await.unwrap();
    let l3 = op(&app, t).await.competencies().unwrap().levels(&m8).await.unwrap()[2].indicator.clone();
    assert!(page.contains(&format!("Level 3: {}", l3.replace('\'', "&#39;").replace('"', "&quot;"))), "{l3}");
    assert!(page.contains("data-print>Cetak</button>"), "printable (app.js prints)");

    // Needs: Pengambilan Keputusan (M.8), required 3, actual 1, gap 2. Priority: gap 2/4·40 = 20,
    // criticality 2 → 10, SKP Kurang 2/3·20 = 13,33, not a priority competency → 43.
    let m8 = s.comp("M.8");
    let q = format!("unit={}&competency={m8}", s.emp.unit_id);
    let list = c.get(&format!("/akpk/kebutuhan?{q}")).await.body;
    assert!(list.contains(&s.emp.name));
    // Filtered by jabatan name: "sekretaris" keeps the employee, "lurah" does not.
    assert!(c.get(&format!("/akpk/kebutuhan?{q}&jabatan=sekretaris")).await.body.contains(&s.emp.name));
    assert!(!c.get(&format!("/akpk/kebutuhan?{q}&jabatan=lurah")).await.body.contains(&s.emp.name));
    let find = |rows: &[Vec<String>]| -> Vec<(f64, String, String)> {
        rows.iter().filter(|r| r[2] == s.emp.nip).map(|r| (r[0].parse::<f64>().unwrap(), r[8].clone(), r[11].clone())).collect()
    };
    let res = c.get(&format!("/akpk/kebutuhan/unduh.xlsx?{q}")).await;
    assert_eq!(res.status, StatusCode::OK);
    assert!(res.headers[axum::http::header::CONTENT_DISPOSITION].to_str().unwrap().contains(".xlsx"));
    let rows = xlsx_rows(&res.bytes);
    assert!(rows.iter().all(|r| r[6] == "Pengambilan Keputusan"), "filtered by competency");
    let mine = find(&rows);
    assert!(mine.contains(&(43.0, "Kesenjangan jabatan saat ini".into(), "2".into())), "{mine:?}");
    // Against the target (required 4, gap 3) it is also a need.
    assert!(mine.iter().any(|m| m.1 == "Kesenjangan jabatan target" && m.2 == "3"), "{mine:?}");

    // Making it a priority competency of the instansi adds the policy weight: 43 + 20 = 63.
    c.get("/akpk/prioritas").await;
    let res = c
        .post(
            "/akpk/prioritas",
            &[
                ("misi", "Misi uji"),
                ("program", "Program uji"),
                (&format!("src_{m8}"), "program_prioritas"),
                (&format!("why_{m8}"), "Keputusan cepat di kecamatan"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let rows = xlsx_rows(&c.get(&format!("/akpk/kebutuhan/unduh.xlsx?{q}")).await.bytes);
    assert!(find(&rows).contains(&(63.0, "Kesenjangan jabatan saat ini".into(), "2".into())), "{:?}", find(&rows));
    // The earlier priorities (Pelayanan Publik, Administrasi Kependudukan) were replaced.
    let prio = op(&app, t).await.needs_admin().unwrap().priorities().await.unwrap();
    assert_eq!(prio.len(), 1);
}

#[tokio::test]
async fn each_role_assesses_only_whom_and_how_it_may() {
    let app = TestApp::demo().await;
    let t = app.tenant_id("medan").await;
    let me = cakap_store::users::find_login(&app.store.db, "pegawai.medan").await.unwrap().unwrap().employee_id.unwrap();
    let integ = op(&app, t).await.competencies().unwrap().list().await.unwrap().into_iter().find(|c| c.code == "M.1").unwrap().id.to_string();
    let page = format!("/akpk/pegawai/{me}");
    let form = |method: &'static str, level: &'static str| {
        vec![
            ("competency_id", integ.clone()),
            ("method", method.to_string()),
            ("level", level.to_string()),
            ("assessed_on", today()),
            ("evidence", "catatan saya".to_string()),
        ]
    };
    let post = |c: &mut Client, f: Vec<(&'static str, String)>| {
        let mut c = c.clone();
        let path = format!("{page}/penilaian");
        async move {
            let f: Vec<(&str, &str)> = f.iter().map(|(k, v)| (*k, v.as_str())).collect();
            c.post(&path, &f).await
        }
    };

    // The employee rates herself, and only as "self".
    let mut p = app.login("pegawai.medan").await;
    let own = p.get(&page).await;
    assert!(own.body.contains("Catat Penilaian") && own.body.contains("Penilaian Diri"));
    assert_eq!(post(&mut p, form("self", "5")).await.status, StatusCode::SEE_OTHER);
    let res = post(&mut p, form("supervisor", "5")).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("tidak berwenang") && res.body.contains("catatan saya"), "message, and the typed text kept");
    let other = op(&app, t).await.employees().unwrap().list(&Default::default(), 1, 1).await.unwrap().items.remove(0).id;
    assert_ne!(other, me);
    assert_eq!(p.get(&format!("/akpk/pegawai/{other}")).await.status, StatusCode::NOT_FOUND);

    // The supervisor (camat) rates staff of the kecamatan as "supervisor", not others.
    let mut a = app.login("atasan.medan").await;
    a.get(&page).await;
    assert_eq!(post(&mut a, form("supervisor", "2")).await.status, StatusCode::SEE_OTHER);
    assert_eq!(post(&mut a, form("assessor", "2")).await.status, StatusCode::UNPROCESSABLE_ENTITY);
    let outside = Analysis::load(&app.store.db, t, &EmployeeScope::Tenant).await.unwrap();
    let dinkes = outside.employees.iter().find(|e| outside.units[&e.unit_id].name.contains("Kesehatan")).unwrap().id;
    assert_eq!(a.get(&format!("/akpk/pegawai/{dinkes}")).await.status, StatusCode::NOT_FOUND);

    // The PPK reads but does not rate; the instructor does not read AKPK.
    let mut k = app.login("ppk.medan").await;
    assert_eq!(k.get(&page).await.status, StatusCode::OK);
    assert_eq!(post(&mut k, form("assessor", "3")).await.status, StatusCode::FORBIDDEN);
    assert_eq!(app.login("instruktur.medan").await.get(&page).await.status, StatusCode::FORBIDDEN);

    // Self 5 against supervisor 2 (latest of each): the planner's calibration list shows it.
    let mut pl = app.login("perencana.medan").await;
    let name = op(&app, t).await.employees().unwrap().get(me).await.unwrap().name;
    let cal = pl.get(&format!("/akpk/kalibrasi?q={}", name.replace(' ', "+"))).await.body;
    let row = cal.split(&format!("/akpk/pegawai/{me}\"")).nth(1).expect("employee in calibration list");
    let row = row.split("</tr>").next().unwrap();
    assert!(cal.contains(&name) && row.contains("Integritas") && row.contains("Penilaian Diri: 5") && row.contains("Atasan Langsung: 2"), "{row}");
    // The planner's home counts the same list; the employee's home shows her JPM.
    let home = pl.get("/").await.body;
    let all = pl.get("/akpk/kalibrasi").await.body;
    let n = all.split("<p><strong>").nth(1).and_then(|s| s.split("</strong>").next()).unwrap();
    assert!(home.contains(&format!("<span class=\"num\">{n}</span><span>Penilaian perlu kalibrasi</span>")), "{n}: {home}");
    assert!(p.get("/").await.body.contains("<span>JPM saya"));
    // A planner form error keeps what was typed.
    pl.get(&page).await;
    let res = post(
        &mut pl,
        vec![
            ("competency_id", integ.clone()),
            ("method", "assessor".into()),
            ("level", "".into()),
            ("assessed_on", today()),
            ("evidence", "hasil AC belum lengkap".into()),
        ],
    )
    .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("level harus angka 1–5") && res.body.contains("hasil AC belum lengkap"));
}

#[tokio::test]
async fn assessment_and_skp_imports_are_all_or_nothing() {
    let app = TestApp::demo().await;
    let t = app.tenant_id("serang").await;
    let emps = op(&app, t).await.employees().unwrap().list(&Default::default(), 1, 2).await.unwrap().items;
    let (a, b) = (&emps[0].nip, &emps[1].nip);
    let count = || async { sql_count(&app, "SELECT COUNT(*) FROM assessment").await };
    let before = count().await;
    let mut c = app.login("perencana.serang").await;
    c.get("/akpk/impor").await;
    let csrf = c.csrf.clone();
    let bad = format!(
        "NIP;Kode Kompetensi;Level;Metode;Tanggal;Penilai;Catatan Bukti\n{a};M.1;3;Assessment Center;15-10-2026;UPT BKN;laporan\n199901012020011999;M.2;3;ac;15-10-2026;;\n{b};TK-XYZ;7;tebakan;31-02-2026;;\n"
    );
    let res = c.upload_with("/akpk/impor", "hasil.csv", bad.as_bytes(), &[("_csrf", &csrf), ("kind", "penilaian")]).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    for needle in [
        "Tidak ada data yang disimpan: 5 kesalahan",
        "NIP &#39;199901012020011999&#39; tidak terdaftar",
        "kompetensi &#39;TK-XYZ&#39;",
        "level harus angka 1–5",
        "metode &#39;tebakan&#39;",
        "tanggal &#39;31-02-2026&#39;",
    ] {
        assert!(res.body.contains(needle), "missing {needle}: {}", res.body);
    }
    assert!(res.body.contains("<td class=\"num\">3</td><td>NIP</td>") && res.body.contains("<td class=\"num\">4</td><td>Level</td>"), "row numbers");
    assert_eq!(count().await, before, "nothing written");

    let good = format!("NIP,Kode Kompetensi,Level,Metode,Tanggal\n{a},M.1,3,Assessment Center,15-10-2026\n{b},Kerjasama,2,Uji Kompetensi,2026-10-16\n");
    let res = c.upload_with("/akpk/impor", "hasil.csv", good.as_bytes(), &[("_csrf", &csrf), ("kind", "penilaian")]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    assert_eq!(count().await, before + 2);

    // SKP: a duplicate (NIP, year) and an unknown rating refuse the whole file.
    c.get("/akpk/impor").await;
    let csrf = c.csrf.clone();
    let bad = format!("NIP,Tahun,Predikat,Nilai\n{a},2026,Baik,88\n{a},2026,Baik,\n{b},2026,Luar Biasa,\n");
    let res = c.upload_with("/akpk/impor", "skp.csv", bad.as_bytes(), &[("_csrf", &csrf), ("kind", "skp")]).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("sudah ada di baris 2") && res.body.contains("Luar Biasa"), "{}", res.body);
    assert!(op(&app, t).await.akpk_records().unwrap().skp(emps[0].id).await.unwrap().iter().all(|r| r.year != 2026));
    let good = format!("NIP,Tahun,Predikat,Nilai\n{a},2026,Sangat Kurang,\"55,5\"\n{b},2026,baik,\n");
    let res = c.upload_with("/akpk/impor", "skp.csv", good.as_bytes(), &[("_csrf", &csrf), ("kind", "skp")]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let r = op(&app, t).await.akpk_records().unwrap().skp(emps[0].id).await.unwrap();
    assert_eq!((r[0].year, r[0].rating.code(), r[0].score), (2026, "sangat_kurang", Some(55.5)));
}

#[tokio::test]
async fn national_rollup_equals_the_sum_of_employees() {
    let app = TestApp::demo().await;
    assert_eq!(app.login("admin.medan").await.get("/nasional").await.status, StatusCode::FORBIDDEN);
    let mut sa = app.login("superadmin").await;
    let body = sa.get("/nasional").await.body;
    // Naive: every employee of every tenant, national competencies of the held standard.
    let (mut assessed, mut gap) = (0u64, 0u64);
    for t in cakap_store::national::Nation::operator(&app.store).tenants().await.unwrap() {
        assert!(body.contains(&t.name), "{} missing", t.name);
        let a = Analysis::load(&app.store.db, t.id, &EmployeeScope::Tenant).await.unwrap();
        for (ei, e) in a.employees.iter().enumerate() {
            for r in a.against(ei, e.position_id).unwrap().rows.iter().filter(|r| r.family != Family::Teknis) {
                if let Some(g) = r.gap {
                    assessed += 1;
                    gap += u64::from(g);
                }
            }
        }
    }
    assert!(assessed > 1000);
    let mean = cakap_domain::format::decimal(gap as f64 / assessed as f64, 2);
    assert!(
        body.contains(&format!(" ASN, {} penilaian efektif, rata-rata kesenjangan {mean},", cakap_domain::format::int(assessed as i64))),
        "{mean} {assessed}: {body}"
    );
}

#[tokio::test]
async fn hand_added_needs_join_the_list_and_can_be_closed() {
    let app = TestApp::demo().await;
    let t = app.tenant_id("ambon").await;
    let mut c = app.login("perencana.ambon").await;
    let comps = op(&app, t).await.competencies().unwrap().list().await.unwrap();
    let etika = comps.iter().find(|c| c.code == "TK-ETIKA").unwrap().id.to_string();
    let unit = op(&app, t).await.units().unwrap().list().await.unwrap().into_iter().find(|u| u.code == "DISDUKCAPIL").unwrap();
    c.get("/akpk/kebutuhan/baru").await;
    // Bad NIP and empty note: the form comes back with both messages and the typed values.
    let res = c
        .post(
            "/akpk/kebutuhan/baru",
            &[("competency_id", &etika), ("source", "community"), ("unit_id", &unit.id.to_string()), ("nip", "123"), ("gap", "2"), ("note", "")],
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("NIP 123 tidak terdaftar") && res.body.contains("uraian kebutuhan wajib diisi"));
    let note = "Pengaduan warga: antrean KTP-el lama dan petugas kurang ramah";
    let res = c
        .post(
            "/akpk/kebutuhan/baru",
            &[("competency_id", &etika), ("source", "community"), ("unit_id", &unit.id.to_string()), ("nip", ""), ("gap", "2"), ("note", note)],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let list = c.get(&format!("/akpk/kebutuhan?source=community&unit={}", unit.id)).await.body;
    assert!(list.contains(note) && list.contains("Masukan masyarakat"));
    // Priority of a unit need: gap 2 → 20, medium criticality → 10, no SKP → 6,67,
    // Etika Pelayanan is an Ambon priority (pimpinan) → 20: 56,67 → 57.
    assert!(list.contains("<td class=\"num\">57 <span class=\"muted\">Sedang</span>"), "{list}");
    let id = sql_count(&app, &format!("SELECT id FROM need WHERE tenant_id = {t} AND status = 'open'")).await;
    let res = c.post(&format!("/akpk/kebutuhan/{id}/tutup"), &[]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert!(!c.get("/akpk/kebutuhan?source=community").await.body.contains(note));
}

#[tokio::test]
async fn effective_rule_and_priority_weights_are_tenant_settings() {
    let app = TestApp::demo().await;
    let t = app.tenant_id("serang").await;
    let emp = op(&app, t).await.employees().unwrap().list(&Default::default(), 1, 1).await.unwrap().items.remove(0);
    let integ = op(&app, t).await.competencies().unwrap().list().await.unwrap().into_iter().find(|c| c.code == "M.1").unwrap().id;
    let today = time::OffsetDateTime::now_utc().date();
    for (method, level, on) in
        [(cakap_domain::competency::Method::Assessor, 1, today - time::Duration::days(10)), (cakap_domain::competency::Method::Supervisor, 4, today)]
    {
        let input = cakap_store::akpk::assessments::AssessmentInput {
            competency_id: integ,
            level,
            method,
            assessed_on: on,
            evidence: String::new(),
            rater_name: "uji".into(),
        };
        cakap_store::fixtures::assess(&app.store, t, emp.id, &input).await.unwrap();
    }
    let level = || async {
        let a = Analysis::load(&app.store.db, t, &EmployeeScope::Own(emp.id)).await.unwrap();
        let row = a.against(0, emp.position_id).unwrap().rows.into_iter().find(|r| r.competency_id == integ).unwrap();
        (row.actual, row.decided_by)
    };
    // Default: the assessment centre decides, however much newer the supervisor's rating is.
    assert_eq!(level().await, (Some(1), Some(cakap_domain::competency::Method::Assessor)));

    let mut a = app.login("admin.serang").await;
    let page = a.get("/pengaturan").await.body;
    assert!(page.contains("<option value=\"ac_atasan_diri\" selected>"));
    let base = [
        ("accent_color", "#0b5394"),
        ("min_jp_per_year", "20"),
        ("kepala_bkpsdm", ""),
        ("visi", "Serang madani"),
        ("w_criticality", "20"),
        ("w_performance", "20"),
        ("w_policy", "20"),
        ("w_target", "75"),
    ];
    let mut bad = base.to_vec();
    bad.extend([("effective_rule", "atasan_ac_diri"), ("w_gap", "50")]);
    let res = a.post("/pengaturan", &bad).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("bobot prioritas harus berjumlah 100, sekarang 110") && res.body.contains("name=\"w_gap\" value=\"50\""));
    assert_eq!(level().await.0, Some(1), "nothing saved");
    let mut good = base.to_vec();
    good.extend([("effective_rule", "atasan_ac_diri"), ("w_gap", "40")]);
    assert_eq!(a.post("/pengaturan", &good).await.status, StatusCode::SEE_OTHER);
    assert_eq!(level().await, (Some(4), Some(cakap_domain::competency::Method::Supervisor)));
}

#[tokio::test]
async fn the_api_serves_the_same_akpk_with_the_same_rules() {
    let app = TestApp::demo().await;
    let mut c = app.login("perencana.medan").await;
    let s = hand_worked(&app, &mut c).await;
    let tok = token_for(&app, "perencana.medan").await;

    let res = c.api("GET", "/api/v1/competencies", &tok, None).await;
    let comps: serde_json::Value = serde_json::from_str(&res.body).unwrap();
    let comps = comps.as_array().unwrap();
    assert_eq!(comps.len(), 14, "9 national + 5 demo teknis");
    assert!(comps.iter().all(|c| c["levels"].as_array().unwrap().len() == 5));

    let akpk: serde_json::Value = serde_json::from_str(&c.api("GET", &format!("/api/v1/employees/{}/akpk", s.emp.id), &tok, None).await.body).unwrap();
    assert!((akpk["held"]["jpm"].as_f64().unwrap() - 250.0 / 3.0).abs() < 1e-9, "{akpk}");
    assert_eq!(akpk["held"]["band"], "Cukup Optimal");
    assert!((akpk["target"]["jpm"].as_f64().unwrap() - 200.0 / 3.0).abs() < 1e-9);
    assert_eq!(akpk["skp"], serde_json::json!([2026, "kurang", 2]));

    let std: serde_json::Value =
        serde_json::from_str(&c.api("GET", &format!("/api/v1/positions/{}/standard", s.emp.position_id), &tok, None).await.body).unwrap();
    assert!(std.as_array().unwrap().iter().any(|r| r["code"] == "TK-KEUDA" && r["required"] == 3 && r["overridden"] == true));

    // Assessments: the planner may not record a self-assessment; an assessor result is fine.
    let body = |method: &str| serde_json::json!({"competency_id": s.comp("M.2"), "level": 4, "method": method, "assessed_on": today(), "evidence": "API"});
    let path = format!("/api/v1/employees/{}/assessments", s.emp.id);
    let res = c.api("POST", &path, &tok, Some(body("self"))).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.body);
    assert!(res.body.contains("tidak berwenang"));
    let res = c.api("POST", &path, &tok, Some(body("uji_kompetensi"))).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let list: serde_json::Value = serde_json::from_str(&c.api("GET", &path, &tok, None).await.body).unwrap();
    assert_eq!(list[0]["method"], "uji_kompetensi");
    // The employee's own token reads her AKPK but not this one.
    let own = token_for(&app, "pegawai.medan").await;
    assert_eq!(c.api("GET", &format!("/api/v1/employees/{}/akpk", s.emp.id), &own, None).await.status, StatusCode::NOT_FOUND);
    assert_eq!(c.api("GET", "/api/v1/needs", &own, None).await.status, StatusCode::FORBIDDEN);

    // Needs: highest priority first, the hand-worked 43 among them.
    let needs: serde_json::Value = serde_json::from_str(&c.api("GET", &format!("/api/v1/needs?competency={}", s.comp("M.8")), &tok, None).await.body).unwrap();
    assert_eq!(needs["page"], 1);
    let total = needs["total"].as_u64().unwrap();
    assert!(total <= 500, "one page holds them all");
    let needs = needs["items"].as_array().unwrap();
    assert_eq!(needs.len() as u64, total);
    let p2: serde_json::Value =
        serde_json::from_str(&c.api("GET", &format!("/api/v1/needs?competency={}&page=2", s.comp("M.8")), &tok, None).await.body).unwrap();
    assert!(p2["items"].as_array().unwrap().is_empty() && p2["total"].as_u64() == Some(total));
    assert!(needs.windows(2).all(|w| w[0]["priority"].as_u64() >= w[1]["priority"].as_u64()));
    assert!(needs.iter().any(|n| n["nip"] == s.emp.nip && n["source"] == "gap_held" && n["priority"] == 43));

    // Roll-up rows: every root unit with staff, employees adding up to the tenant's.
    let roll: serde_json::Value = serde_json::from_str(&c.api("GET", "/api/v1/rollups/units", &tok, None).await.body).unwrap();
    let heads: u64 = roll["rows"].as_array().unwrap().iter().map(|r| r["employees"].as_u64().unwrap()).sum();
    let t = app.tenant_id("medan").await;
    assert_eq!(heads, op(&app, t).await.employees().unwrap().count_active().await.unwrap());
    assert_eq!(c.api("GET", "/api/v1/rollups/national", &tok, None).await.status, StatusCode::FORBIDDEN);
    // Every AKPK endpoint is described in the OpenAPI document.
    let doc = c.api("GET", "/api/v1/openapi.json", "", None).await.body;
    for path in [
        "/api/v1/competencies",
        "/api/v1/positions/{id}/standard",
        "/api/v1/employees/{id}/assessments",
        "/api/v1/employees/{id}/akpk",
        "/api/v1/needs",
        "/api/v1/rollups/units",
        "/api/v1/rollups/national",
    ] {
        assert!(doc.contains(&format!("\"{path}\"")), "{path} missing from openapi.json");
    }
    let sa = token_for(&app, "superadmin").await;
    let nat: serde_json::Value = serde_json::from_str(&c.api("GET", "/api/v1/rollups/national", &sa, None).await.body).unwrap();
    assert_eq!(nat["tenants"].as_array().unwrap().len(), 5);
    assert_eq!(nat["competencies"].as_array().unwrap().len(), 9);
}

#[tokio::test]
async fn assessment_import_reads_xlsx_numbers_and_dates() {
    let app = TestApp::demo().await;
    let t = app.tenant_id("ambon").await;
    let emp = op(&app, t).await.employees().unwrap().list(&Default::default(), 1, 1).await.unwrap().items.remove(0);
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    for (i, h) in cakap_store::akpk::imports::ASSESSMENT_HEADERS.iter().enumerate() {
        ws.write_string(0, i as u16, *h).unwrap();
    }
    // Level as a number and the date as a real Excel date, as an assessment centre's sheet has them.
    ws.write_string(1, 0, &emp.nip).unwrap();
    ws.write_string(1, 1, "Perekat Bangsa").unwrap();
    ws.write_number(1, 2, 4).unwrap();
    ws.write_string(1, 3, "Uji Kompetensi").unwrap();
    let fmt = rust_xlsxwriter::Format::new().set_num_format("dd/mm/yyyy");
    ws.write_datetime_with_format(1, 4, rust_xlsxwriter::ExcelDateTime::from_ymd(2026, 3, 9).unwrap(), &fmt).unwrap();
    ws.write_string(1, 5, "LSP BKN").unwrap();
    let bytes = wb.save_to_buffer().unwrap();
    let mut c = app.login("admin.ambon").await;
    c.get("/akpk/impor").await;
    let csrf = c.csrf.clone();
    let res = c.upload_with("/akpk/impor", "hasil.xlsx", &bytes, &[("_csrf", &csrf), ("kind", "penilaian")]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let latest = op(&app, t).await.akpk_records().unwrap().history(emp.id).await.unwrap().into_iter().find(|a| a.rater_name == "LSP BKN").unwrap();
    assert_eq!((latest.level, latest.method.code(), latest.assessed_on.to_string()), (4, "uji_kompetensi", "2026-03-09".to_string()));
}

#[tokio::test]
async fn the_cached_analysis_follows_the_tenants_revisions() {
    let app = TestApp::demo().await;
    let t = app.tenant_id("semarang").await;
    let mut c = app.login("perencana.semarang").await;
    let count = |body: &str| -> u64 {
        let card = body.split("<span>Penilaian perlu kalibrasi</span>").next().unwrap();
        card.rsplit("<span class=\"num\">").next().unwrap().split('<').next().unwrap().replace('.', "").parse().unwrap()
    };
    let before = count(&c.get("/").await.body);
    let a = Analysis::load(&app.store.db, t, &EmployeeScope::Tenant).await.unwrap();
    // A pair not yet on the list, so the count must move.
    let (ei, ci) = (0..a.employees.len())
        .flat_map(|e| (0..a.competencies.len()).map(move |c| (e, c)))
        .find(|(e, c)| !a.calibration.iter().any(|d| d.employee == *e && d.competency == *c))
        .unwrap();
    let (emp, integ) = (a.employees[ei].id, a.competencies[ci].id);
    let today = time::OffsetDateTime::now_utc().date();
    // Written behind the app's back, as the CLI would: audited, so the revision moves and the
    // first page view after the recheck interval sees it.
    for (method, level) in [(cakap_domain::competency::Method::SelfAssessment, 5), (cakap_domain::competency::Method::Supervisor, 1)] {
        let input = cakap_store::akpk::assessments::AssessmentInput {
            competency_id: integ,
            level,
            method,
            assessed_on: today,
            evidence: String::new(),
            rater_name: "uji".into(),
        };
        cakap_store::fixtures::assess(&app.store, t, emp, &input).await.unwrap();
    }
    tokio::time::sleep(cakap_store::db::REVISION_RECHECK + std::time::Duration::from_millis(50)).await;
    assert_eq!(count(&c.get("/").await.body), before + 1, "the new disagreement counts after the recheck interval");
    // A change that bypasses the revisions (raw SQL) is not seen: the page is served from the
    // cache, not recomputed per request.
    let del = sea_orm::Statement::from_sql_and_values(
        app.store.db.get_database_backend(),
        "DELETE FROM assessment WHERE tenant_id = $1 AND employee_id = $2 AND competency_id = $3 AND rater_name = 'uji'",
        [t.into(), emp.into(), integ.into()],
    );
    use sea_orm::ConnectionTrait;
    assert_eq!(app.store.db.execute_raw(del).await.unwrap().rows_affected(), 2);
    assert_eq!(count(&c.get("/").await.body), before + 1, "served from the cache");
    // A change to the catalogue (a plan-area write) is not one the analysis reads: still cached.
    c.get("/katalog/mitra/baru").await;
    assert_eq!(c.post("/katalog/mitra/baru", &[("kind", "universitas"), ("name", "Politeknik Negeri Semarang")]).await.status, StatusCode::SEE_OTHER);
    assert_eq!(count(&c.get("/").await.body), before + 1, "a new partner does not reload the analysis");
    // An audited write in another tenant leaves this tenant's cache alone ...
    let mut other = app.login("perencana.medan").await;
    let e_medan = crate::shape::ids_of(&app, "medan").await.employee;
    other.get(&format!("/akpk/pegawai/{e_medan}")).await;
    assert_eq!(other.post(&format!("/akpk/pegawai/{e_medan}/skp"), &[("year", "2026"), ("rating", "baik")]).await.status, StatusCode::SEE_OTHER);
    assert_eq!(count(&c.get("/").await.body), before + 1, "another tenant's write does not reload this one");
    // ... and one in this tenant renews it.
    c.get(&format!("/akpk/pegawai/{emp}")).await;
    assert_eq!(c.post(&format!("/akpk/pegawai/{emp}/skp"), &[("year", "2026"), ("rating", "baik")]).await.status, StatusCode::SEE_OTHER);
    assert_eq!(count(&c.get("/").await.body), before);
}

#[tokio::test]
async fn a_supervisor_sees_the_heatmap_of_the_supervised_units_only() {
    let app = TestApp::demo().await;
    let t = app.tenant_id("medan").await;
    let units = op(&app, t).await.units().unwrap().list().await.unwrap();
    let kec = units.iter().find(|u| u.name == "Kecamatan Medan Amplas").unwrap();
    let dinkes = units.iter().find(|u| u.name == "Dinas Kesehatan").unwrap();
    let mut a = app.login("atasan.medan").await;
    let home = a.get("/").await.body;
    assert!(home.contains("href=\"/akpk\"") && home.contains("Kesenjangan Tim"));
    let map = a.get("/akpk").await;
    assert_eq!(map.status, StatusCode::OK);
    // Rows are the kecamatan's kelurahan; nothing of the rest of the city.
    assert!(map.body.contains("Kelurahan Harjosari I") && map.body.contains("Peta Kesenjangan: Kecamatan Medan Amplas"));
    assert!(!map.body.contains("Dinas Kesehatan") && !map.body.contains("Daftar Kebutuhan"));
    // The staff listed are exactly the active employees of the subtree.
    let team = Analysis::load(&app.store.db, t, &EmployeeScope::UnitPath(kec.path.clone())).await.unwrap();
    assert_eq!(map.body.matches("href=\"/akpk/pegawai/").count(), team.employees.len());
    assert_eq!(a.get(&format!("/akpk?unit={}", dinkes.id)).await.status, StatusCode::NOT_FOUND);
    // Other roles: the employee and the instructor have no heatmap.
    assert_eq!(app.login("pegawai.medan").await.get("/akpk").await.status, StatusCode::FORBIDDEN);
    assert_eq!(app.login("instruktur.medan").await.get("/akpk").await.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn an_employee_never_assessed_is_belum_dinilai_not_kurang_optimal() {
    let app = TestApp::demo().await;
    let t = app.tenant_id("ambon").await;
    let units = op(&app, t).await.units().unwrap().list().await.unwrap();
    let unit = units.iter().find(|u| u.kind == UnitKind::Kelurahan).unwrap();
    let pos = op(&app, t).await.positions().unwrap().all().await.unwrap().into_iter().find(|p| p.unit_id == unit.id).unwrap();
    let form = cakap_store::org::employees::EmployeeForm {
        person: cakap_domain::employee::EmployeeInput {
            nip: "199502022020122001".into(),
            nama: "Maria Baru".into(),
            jenis_kelamin: "P".into(),
            tanggal_lahir: "1995-02-02".into(),
            status: "PNS".into(),
            ..Default::default()
        },
        unit_id: Some(unit.id),
        position_id: Some(pos.id),
        target_position_id: None,
    };
    let e = op(&app, t).await.org_admin().unwrap().create_employee(&form).await.unwrap();
    let mut c = app.login("perencana.ambon").await;
    let page = c.get(&format!("/akpk/pegawai/{}", e.id)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("JPM <strong>Belum dinilai</strong>"), "{}", page.body);
    assert!(!page.body.contains("Kurang Optimal"), "no band for an unassessed employee");
    // The form's date is today in Ambon (WIT), not in UTC.
    let today = cakap_domain::Zone::Wit.today().to_string();
    assert!(page.body.contains(&format!("value=\"{today}\"")), "assessment date defaults to {today}");
    let token = token_for(&app, "perencana.ambon").await;
    let api = c.api("GET", &format!("/api/v1/employees/{}/akpk", e.id), &token, None).await;
    let v: serde_json::Value = serde_json::from_str(&api.body).unwrap();
    assert!(v["held"]["jpm"].is_null() && v["held"]["band"].is_null(), "{}", api.body);
}

/// The defect: a duplicated field on Prioritas Kebijakan gave HTTP 500 and lost the save. Now
/// it is a 422 naming the problem, with the form kept and nothing changed.
#[tokio::test]
async fn a_duplicated_priority_field_is_a_form_error_not_a_crash() {
    let app = TestApp::demo().await;
    let t = app.tenant_id("medan").await;
    let before = op(&app, t).await.needs_admin().unwrap().priorities().await.unwrap();
    let m1 = op(&app, t).await.competencies().unwrap().list().await.unwrap().into_iter().find(|c| c.code == "M.1").unwrap().id;
    let mut c = app.login("perencana.medan").await;
    c.get("/akpk/prioritas").await;
    let (src, why) = (format!("src_{m1}"), format!("why_{m1}"));
    let res = c
        .post(
            "/akpk/prioritas",
            &[("misi", "Misi baru"), ("program", "Program"), (&src, "visi_misi"), (&why, "alasan"), (&src, "pimpinan"), (&why, "alasan lagi")],
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.body);
    assert!(res.body.contains("dipilih lebih dari sekali"), "{}", res.body);
    assert!(res.body.contains("Misi baru"), "what was typed is kept");
    assert_eq!(op(&app, t).await.needs_admin().unwrap().priorities().await.unwrap(), before);
}

/// What the pages read of an analysis, as text: every heatmap (the roots and each unit's
/// children), every employee's summary, the needs list and the calibration list.
fn shown(a: &Analysis) -> String {
    let mut out = format!("{:?}\n", a.heatmap(None));
    let mut units: Vec<i64> = a.units.keys().copied().collect();
    units.sort_unstable();
    for u in units {
        out.push_str(&format!("{:?}\n", a.heatmap(Some(u))));
    }
    for ei in 0..a.employees.len() {
        out.push_str(&format!("{:?}\n", a.summary(ei)));
    }
    out.push_str(&format!("{:?}\n", a.needs(&[], &Default::default())));
    for d in &a.calibration {
        out.push_str(&format!("{} {} {:?}\n", a.employees[d.employee].id, a.competency(d.competency).id, d.latest));
    }
    out
}

/// The tenant's analysis kept in memory follows each kind of write in place (no reload) and then
/// shows exactly what a fresh load shows; a new employee (a new name in the order) reloads it.
#[tokio::test]
async fn the_kept_analysis_follows_each_write_in_place_and_equals_a_fresh_load() {
    let app = TestApp::demo().await;
    let t = app.tenant_id("medan").await;
    let scope = op(&app, t).await;
    let same_as_fresh = |what: &'static str| {
        let app = &app;
        async move {
            // As the web layer does after a request that may have written.
            app.store.note_write();
            // A new request's scope (a scope reads the revisions once).
            let kept = op(app, t).await.analysis().await.unwrap();
            let fresh = Analysis::load(&app.store.db, t, &EmployeeScope::Tenant).await.unwrap();
            let (k, f) = (shown(&kept), shown(&fresh));
            let first = k.lines().zip(f.lines()).find(|(a, b)| a != b);
            assert!(k == f, "after {what}: the kept analysis differs from a fresh load, first at\n{first:?}");
        }
    };
    same_as_fresh("the first load").await;
    let loads = app.store.analysis_loads();
    let before = scope.analysis().await.unwrap();
    let emps = scope.employees().unwrap().list(&Default::default(), 1, 10_000).await.unwrap().items;
    let comps = scope.competencies().unwrap().list().await.unwrap();
    // Someone whose standard requires a level of 2 or more, and someone else.
    let (e1, row) = emps
        .iter()
        .find_map(|e| {
            let an = before.against(before.employee_index(e.id)?, e.position_id)?;
            Some((e, an.rows.into_iter().find(|r| r.required >= 2)?))
        })
        .expect("a competency required at 2 or more");
    let e2 = emps.iter().find(|e| e.id != e1.id && e.position_id != e1.position_id).unwrap();

    // An assessment that opens a gap, then a self-assessment three levels away (a disagreement
    // to calibrate).
    let input = |level: u8, method: cakap_domain::competency::Method| cakap_store::akpk::assessments::AssessmentInput {
        competency_id: row.competency_id,
        level,
        method,
        assessed_on: time::OffsetDateTime::now_utc().date(),
        evidence: "Uji".into(),
        rater_name: "Penguji".into(),
    };
    cakap_store::fixtures::assess(&app.store, t, e1.id, &input(1, cakap_domain::competency::Method::Assessor)).await.unwrap();
    same_as_fresh("an assessment opening a gap").await;
    cakap_store::fixtures::assess(&app.store, t, e1.id, &input(4, cakap_domain::competency::Method::SelfAssessment)).await.unwrap();
    same_as_fresh("a self-assessment far from the centre's").await;

    // An SKP rating (changes priorities).
    let skp = cakap_store::akpk::performance::SkpInput { year: 2026, rating: cakap_domain::akpk::SkpRating::from_code("sangat_kurang").unwrap(), score: None };
    scope.needs_admin().unwrap().set_skp(e2.id, &skp).await.unwrap();
    same_as_fresh("an SKP rating").await;

    // The employee moves to another unit and position.
    let positions = scope.positions().unwrap().all().await.unwrap();
    let other = positions.iter().find(|p| p.unit_id != e2.unit_id && p.id != e2.position_id).unwrap();
    let form = cakap_store::org::employees::EmployeeForm {
        person: cakap_domain::employee::EmployeeInput {
            nip: e2.nip.clone(),
            nama: e2.name.clone(),
            jenis_kelamin: e2.gender.code().into(),
            tanggal_lahir: e2.birth_date.to_string(),
            status: e2.status.code().into(),
            golongan: e2.golongan.clone().unwrap_or_default(),
            email: e2.email.clone().unwrap_or_default(),
        },
        unit_id: Some(other.unit_id),
        position_id: Some(other.id),
        target_position_id: Some(e1.position_id),
    };
    scope.org_admin().unwrap().update_employee(e2.id, &form).await.unwrap();
    same_as_fresh("a move to another unit and position").await;

    // A position's standard and its criticality.
    let levels: Vec<(i64, Option<u8>)> = comps.iter().filter(|c| c.active).take(3).map(|c| (c.id, Some(4))).collect();
    scope.competency_admin().unwrap().set_standard(e1.position_id, &levels).await.unwrap();
    same_as_fresh("a standard raised").await;
    let p = positions.iter().find(|p| p.id == e1.position_id).unwrap();
    let input = cakap_store::org::positions::PositionInput {
        unit_id: p.unit_id,
        code: p.code.clone(),
        name: p.name.clone(),
        jenjang: p.jenjang.code().into(),
        criticality: if p.criticality == 3 { 1 } else { 3 },
    };
    scope.org_admin().unwrap().update_position(p.id, &input).await.unwrap();
    same_as_fresh("a position's criticality").await;

    // A hand-added need touches no input of the analysis.
    let need = cakap_store::akpk::needs::NeedInput {
        employee_id: Some(e1.id),
        unit_id: None,
        competency_id: row.competency_id,
        source: cakap_domain::akpk::NeedSource::Community,
        gap: 2,
        note: "Usulan masyarakat".into(),
    };
    scope.needs_admin().unwrap().create_need(&need).await.unwrap();
    same_as_fresh("a hand-added need").await;
    assert_eq!(app.store.analysis_loads(), loads, "every change so far was applied in place");

    // A new employee changes the name order: reloaded, and still right.
    let mut form = form.clone();
    form.person.nip = "199101012020121001".into();
    form.person.nama = "Aaron Pegawai Baru".into();
    form.person.tanggal_lahir = "1991-01-01".into();
    form.person.jenis_kelamin = "L".into();
    scope.org_admin().unwrap().create_employee(&form).await.unwrap();
    same_as_fresh("a new employee").await;
    assert_eq!(app.store.analysis_loads(), loads + 1, "a new employee reloads");
}

/// The atasan rates the team in one grid: one save records every changed cell (and nothing for
/// a cell already rated the same in the period); a wrong cell refuses the whole save, keeping
/// what was typed; the planner's period shows who is left and reminds them.
#[tokio::test]
async fn the_atasan_rates_the_team_in_one_grid_and_the_period_shows_who_is_left() {
    let app = TestApp::demo().await;
    let t = app.tenant_id("medan").await;
    let day = |d: time::Date| format!("{:02}-{:02}-{}", d.day(), u8::from(d.month()), d.year());
    let today = cakap_domain::Zone::Wib.today();
    let mut planner = app.login("perencana.medan").await;
    planner.get("/akpk/periode").await;
    let bad = planner.post("/akpk/periode", &[("name", "Penilaian 2027 Semester I"), ("starts_on", &day(today)), ("ends_on", "31-02-2027")]).await;
    assert_eq!(bad.status, StatusCode::OK, "{}", bad.body);
    assert!(bad.body.contains("tanggal selesai wajib diisi"), "{}", bad.body);
    assert!(bad.body.contains("value=\"Penilaian 2027 Semester I\""), "the name typed is kept");
    let res = planner
        .post("/akpk/periode", &[("name", "Penilaian 2027 Semester I"), ("starts_on", &day(today)), ("ends_on", &day(today + time::Duration::days(30)))])
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let period_url = res.location().to_string();

    let mut pegawai = app.login("pegawai.medan").await;
    assert_eq!(pegawai.get("/akpk/tim/penilaian").await.status, StatusCode::FORBIDDEN);
    let mut atasan = app.login("atasan.medan").await;
    let page = atasan.get("/akpk/tim/penilaian").await;
    assert!(page.body.contains("Periode aktif") && page.body.contains("Penilaian 2027 Semester I"), "{}", page.body);
    let scope = scope_of(&app, "atasan.medan").await;
    let grid = scope.team().unwrap().grid(false, 0, 1000).await.unwrap();
    assert!(grid.rows.len() >= 2, "the demo atasan has staff");
    assert_eq!(grid.pending, grid.staff, "nobody is rated in a period that starts today");
    let me = scope.principal().employee_id();
    assert!(grid.rows.iter().all(|r| Some(r.employee_id) != me), "the atasan is not their own staff");
    // Every cell of the first two staff, in one save.
    let mut fields: Vec<(String, String)> = vec![];
    for r in &grid.rows[..2] {
        for c in r.cells.iter().flatten() {
            fields.push((format!("n_{}_{}", r.employee_id, c.competency_id), c.required.saturating_sub(1).max(1).to_string()));
        }
    }
    let cells = fields.len() as i64;
    assert!(cells > 2);
    let by_atasan = || {
        let u = scope.principal().user_id().unwrap();
        let app = &app;
        async move { sql_count(app, &format!("SELECT COUNT(*) FROM assessment WHERE tenant_id = {t} AND method = 'supervisor' AND rater_user_id = {u}")).await }
    };
    let before = by_atasan().await;
    let form: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let res = atasan.post("/akpk/tim/penilaian", &form).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    assert_eq!(by_atasan().await, before + cells, "one rating per cell, in one save");
    let after = scope_of(&app, "atasan.medan").await.team().unwrap().grid(false, 0, 1000).await.unwrap();
    assert_eq!(after.pending, grid.pending - 2, "two staff are done");
    assert!(after.rows.iter().filter(|r| r.done()).any(|r| r.employee_id == grid.rows[0].employee_id));
    // The same values again record nothing; the "belum dinilai" filter leaves the two out.
    let res = atasan.post("/akpk/tim/penilaian", &form).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert_eq!(by_atasan().await, before + cells, "unchanged cells are not recorded twice");
    let pending_page = atasan.get("/akpk/tim/penilaian?belum=1").await.body;
    assert!(!pending_page.contains(&format!("n_{}_", grid.rows[0].employee_id)), "a done employee is filtered out");
    assert!(pending_page.contains(&format!("n_{}_", grid.rows[2.min(grid.rows.len() - 1)].employee_id)) || grid.rows.len() == 2);

    // A wrong cell (someone outside the team) refuses all, and the typed value stays selected.
    let r2 = &grid.rows[2.min(grid.rows.len() - 1)];
    let c2 = r2.cells.iter().flatten().next().unwrap();
    let outsider = sql_text(&app, &format!("SELECT CAST(id AS TEXT) FROM employee WHERE tenant_id = {} LIMIT 1", app.tenant_id("ambon").await)).await;
    let typed_field = format!("n_{}_{}", r2.employee_id, c2.competency_id);
    let wrong = format!("n_{outsider}_{}", c2.competency_id);
    let res = atasan.post("/akpk/tim/penilaian", &[(typed_field.as_str(), "5"), (wrong.as_str(), "3")]).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert!(res.body.contains("bukan staf di unit Anda"), "{}", res.body);
    assert_eq!(by_atasan().await, before + cells, "nothing of a refused save is written");
    let kept = res.body.split(&format!("name=\"{typed_field}\"")).nth(1).unwrap().split("</select>").next().unwrap();
    assert!(kept.contains("value=\"5\" selected"), "the typed level stays: {kept}");
    let huge: String = (0..2_100).map(|i| format!("n_{i}_{i}=1&")).collect();
    let res = atasan.post_raw("/akpk/tim/penilaian", format!("{huge}_csrf={}", atasan.csrf)).await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST, "more cells than a save may carry");

    // The period: the atasan appears with their staff and how many are done; a reminder tells them.
    let body = planner.get(&period_url).await.body;
    assert!(body.contains("Penilaian 2027 Semester I"), "{body}");
    let id: i64 = period_url.rsplit('/').next().unwrap().parse().unwrap();
    let progress = op(&app, t).await.periods().unwrap().progress(id).await.unwrap();
    let mine = progress.iter().find(|p| p.user_id == scope.principal().user_id().unwrap()).expect("the atasan is listed");
    assert!(mine.done >= 2 && mine.done < mine.staff, "{mine:?}");
    planner.get(&period_url).await;
    let res = planner.post(&format!("{period_url}/ingatkan"), &[]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let told = sql_count(
        &app,
        &format!("SELECT COUNT(*) FROM notification WHERE tenant_id = {t} AND kind = 'assessment_due' AND user_id = {}", scope.principal().user_id().unwrap()),
    )
    .await;
    assert_eq!(told, 1, "the atasan is reminded once");
    assert_eq!(atasan.get(&period_url).await.status, StatusCode::FORBIDDEN, "progress is the planner's");
}

/// The planner narrows the calibration list, exports it, and settles one disagreement: the
/// calibrated level (its own method, with the reason) becomes the effective level and the row
/// leaves the list; a settle without a reason is refused with the typed level kept.
#[tokio::test]
async fn the_planner_filters_exports_and_settles_the_calibration_list() {
    let app = TestApp::demo().await;
    let t = app.tenant_id("medan").await;
    let an = op(&app, t).await.analysis().await.unwrap();
    let total = an.calibration.len();
    assert!(total > 1, "the demo has disagreements");
    let d = &an.calibration[0];
    let (e, c) = (an.employees[d.employee].clone(), an.competency(d.competency).clone());
    let mut pl = app.login("perencana.medan").await;
    let all = pl.get("/akpk/kalibrasi").await.body;
    assert!(all.contains(&format!("<p><strong>{total}</strong> kompetensi pegawai perlu dikalibrasi")), "{all}");
    // Filtered by NIP and by competency.
    let by_nip = pl.get(&format!("/akpk/kalibrasi?q={}", e.nip)).await.body;
    let shown = by_nip.matches("<tr id=\"k-").count();
    assert_eq!(shown, an.calibration.iter().filter(|x| x.employee == d.employee).count(), "{by_nip}");
    let by_comp = pl.get(&format!("/akpk/kalibrasi?kompetensi={}", c.id)).await.body;
    let n_comp = an.calibration.iter().filter(|x| x.competency == d.competency).count();
    assert!(by_comp.contains(&format!("<p><strong>{n_comp}</strong>")), "{n_comp}");
    assert_eq!(pl.get("/akpk/kalibrasi?kompetensi=abc").await.status, StatusCode::BAD_REQUEST);
    // The export holds every row of the filter.
    let x = pl.get(&format!("/akpk/kalibrasi/unduh.xlsx?kompetensi={}", c.id)).await;
    assert_eq!(x.status, StatusCode::OK);
    let rows = xlsx_rows(&x.bytes);
    assert_eq!(rows.len(), n_comp, "one row per disagreement");
    assert!(rows.iter().all(|r| r[3] == c.name));

    // Settling without a reason: refused, the level typed stays selected on that row.
    let form = |note: &str| {
        vec![
            ("employee_id".to_string(), e.id.to_string()),
            ("competency_id".to_string(), c.id.to_string()),
            ("level".to_string(), "3".to_string()),
            ("note".to_string(), note.to_string()),
            ("back".to_string(), format!("kompetensi={}", c.id)),
        ]
    };
    let f = form(" ");
    let fields: Vec<(&str, &str)> = f.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let res = pl.post("/akpk/kalibrasi/tetapkan", &fields).await;
    assert_eq!(res.status, StatusCode::OK);
    assert!(res.body.contains("alasan kalibrasi wajib diisi"), "{}", res.body);
    let row = res.body.split(&format!("id=\"k-{}-{}\"", e.id, c.id)).nth(1).unwrap().split("</tr>").next().unwrap();
    assert!(row.contains("value=\"3\" selected"), "{row}");
    // The employee cannot settle.
    let mut pg = app.login("pegawai.medan").await;
    pg.get("/").await;
    assert_eq!(pg.post("/akpk/kalibrasi/tetapkan", &fields).await.status, StatusCode::FORBIDDEN);

    let f = form("Dibahas bersama atasan: bukti kinerja mendukung level 3");
    let fields: Vec<(&str, &str)> = f.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let res = pl.post("/akpk/kalibrasi/tetapkan", &fields).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    assert_eq!(res.location(), format!("/akpk/kalibrasi?kompetensi={}", c.id), "back to the same filtered list");
    let after = pl.get("/akpk/kalibrasi").await.body;
    assert!(after.contains(&format!("<p><strong>{}</strong>", total - 1)), "one fewer to calibrate");
    let an = op(&app, t).await.analysis().await.unwrap();
    let ei = an.employee_index(e.id).unwrap();
    let held = an.against(ei, e.position_id).unwrap();
    if let Some(r) = held.rows.iter().find(|r| r.competency_id == c.id) {
        assert_eq!((r.actual, r.decided_by), (Some(3), Some(cakap_domain::competency::Method::Calibration)), "the calibrated level decides");
    }
    let history = op(&app, t).await.akpk_records().unwrap().history(e.id).await.unwrap();
    assert!(history.iter().any(|h| h.method == cakap_domain::competency::Method::Calibration && h.evidence.starts_with("Dibahas")));
    // Settling again: no longer on the list.
    let res = pl.post("/akpk/kalibrasi/tetapkan", &fields).await;
    assert!(res.body.contains("tidak (lagi) perlu dikalibrasi"), "{}", res.status);
}

/// The national figures as a fresh computation makes them: every tenant's analysis loaded from
/// scratch, summed from its per-unit measures (another path than the page's standings).
async fn national_reference(app: &TestApp) -> Vec<(i64, usize, Vec<cakap_domain::rollup::Agg>)> {
    let codes: Vec<(String, String)> = cakap_store::competency::national::dictionary().competencies.iter().map(|c| (c.code.clone(), c.name.clone())).collect();
    let mut out = vec![];
    for t in cakap_store::national::Nation::operator(&app.store).tenants().await.unwrap() {
        let share = Analysis::load(&app.store.db, t.id, &EmployeeScope::Tenant).await.unwrap().national_share(&codes);
        out.push((t.id, share.employees, share.cells));
    }
    out.sort_by_key(|r| r.0);
    out
}

async fn national_shown(store: &cakap_store::Store, filter: &cakap_domain::national::Filter) -> cakap_store::akpk::national::National {
    cakap_store::national::Nation::operator(store).analysis(filter, time::OffsetDateTime::now_utc().date()).await.unwrap()
}

fn by_tenant(n: &cakap_store::akpk::national::National) -> Vec<(i64, usize, Vec<cakap_domain::rollup::Agg>)> {
    let mut v: Vec<_> = n.tenants.iter().map(|(t, heads, cells, _)| (t.id, *heads, cells.clone())).collect();
    v.sort_by_key(|r| r.0);
    v
}

/// An assessment in one tenant that opens a gap on a national competency of an employee.
async fn national_gap(app: &TestApp, t: i64) -> i64 {
    // Not through the scope: that would keep the tenant's analysis.
    let an = Analysis::load(&app.store.db, t, &EmployeeScope::Tenant).await.unwrap();
    let (e, row) = an
        .employees
        .iter()
        .enumerate()
        .find_map(|(ei, e)| {
            let a = an.against(ei, e.position_id)?;
            Some((e.clone(), a.rows.into_iter().find(|r| r.family != Family::Teknis && r.required >= 2 && r.actual != Some(1))?))
        })
        .unwrap();
    let input = cakap_store::akpk::assessments::AssessmentInput {
        competency_id: row.competency_id,
        level: 1,
        method: cakap_domain::competency::Method::Calibration,
        assessed_on: time::OffsetDateTime::now_utc().date(),
        evidence: "Uji nasional".into(),
        rater_name: "Penguji".into(),
    };
    cakap_store::fixtures::assess(&app.store, t, e.id, &input).await.unwrap();
    app.store.note_write();
    e.id
}

/// The national page keeps every ASN's standing and follows writes: the next view after an
/// assessment shows it (the same figures as computing every tenant afresh), whether the tenant's
/// analysis is kept in memory or not, without recomputing any tenant whole; a view with nothing
/// changed moves nothing.
#[tokio::test]
async fn the_national_page_follows_a_write_without_reloading_tenants() {
    let app = TestApp::demo().await;
    let mut sa = app.login("superadmin").await;
    // Kota Medan's analysis is kept (a planner works there); the others are not.
    let medan = app.tenant_id("medan").await;
    op(&app, medan).await.analysis().await.unwrap();
    let first = sa.get("/nasional").await.body;
    assert_eq!(by_tenant(&national_shown(&app.store, &Default::default()).await), national_reference(&app).await);
    let (loads, rebuilds) = (app.store.analysis_loads(), app.store.national_rebuilds());
    assert_eq!(sa.get("/nasional").await.body, first, "nothing changed, nothing moves");
    // One assessment in the kept tenant, one in a tenant whose analysis is not kept.
    national_gap(&app, medan).await;
    let after = sa.get("/nasional").await.body;
    assert_ne!(after, first, "the national page shows the new assessment");
    let other = cakap_store::national::Nation::operator(&app.store).tenants().await.unwrap().into_iter().find(|t| t.id != medan).unwrap().id;
    national_gap(&app, other).await;
    assert_ne!(sa.get("/nasional").await.body, after, "and the one in a tenant not kept");
    assert_eq!((app.store.analysis_loads(), app.store.national_rebuilds()), (loads, rebuilds), "followed employee by employee: nothing reloaded");
    assert_eq!(by_tenant(&national_shown(&app.store, &Default::default()).await), national_reference(&app).await);
}

/// The filters split the nation: men and women, and the four age bands, each add up to everyone;
/// each filter counts fewer; a golongan without a status, or an unknown value, is refused.
#[tokio::test]
async fn the_national_filters_partition_the_asn() {
    use cakap_domain::national::{AgeBand, Filter};
    let app = TestApp::demo().await;
    let all = national_shown(&app.store, &Filter::default()).await;
    let sum = |parts: &[cakap_store::akpk::national::National]| {
        let mut total = cakap_domain::rollup::Agg::default();
        parts.iter().for_each(|p| total.merge(&p.overall));
        (parts.iter().map(|p| p.employees).sum::<usize>(), total)
    };
    let mut genders = vec![];
    for g in cakap_domain::org::Gender::ALL {
        genders.push(national_shown(&app.store, &Filter { gender: Some(*g), ..Default::default() }).await);
    }
    assert!(genders.iter().all(|g| g.employees > 0 && g.employees < all.employees), "the demo has men and women");
    assert_eq!(sum(&genders), (all.employees, all.overall));
    let mut ages = vec![];
    for a in AgeBand::ALL {
        ages.push(national_shown(&app.store, &Filter { age: Some(*a), ..Default::default() }).await);
    }
    assert_eq!(sum(&ages), (all.employees, all.overall));
    let mut sa = app.login("superadmin").await;
    let page = sa.get("/nasional?jk=P&usia=30_39").await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("untuk ASN yang cocok dengan saringan") && page.body.contains("Hapus saringan"));
    let pns = sa.get("/nasional?status=pns&golongan=III%2Fa").await;
    assert_eq!(pns.status, 200, "{}", pns.body);
    let res = sa.get("/nasional?golongan=III%2Fa").await;
    assert_eq!(res.status, 400);
    assert!(res.body.contains("memerlukan status"));
    let res = sa.get("/nasional?usia=seratus").await;
    assert_eq!(res.status, 400);
    assert!(res.body.contains("usia"));
    let res = sa.get("/nasional?status=pppk&golongan=III%2Fa").await;
    assert_eq!(res.status, 400, "III/a is a PNS golongan");
    // The API takes the same filters.
    let token = token_for(&app, "superadmin").await;
    let mut api = app.client();
    let women: serde_json::Value = serde_json::from_str(&api.api("GET", "/api/v1/rollups/national?jk=P", &token, None).await.body).unwrap();
    let p = cakap_domain::org::Gender::ALL.iter().position(|g| *g == cakap_domain::org::Gender::P).unwrap();
    assert_eq!(women["employees"].as_u64(), Some(genders[p].employees as u64));
    assert_eq!(api.api("GET", "/api/v1/rollups/national?usia=seratus", &token, None).await.status, 400);
}

/// The keeper writes the standings with their revisions; another process (a server start) reads
/// them instead of recomputing any tenant, follows what was written after, and shows the same
/// figures as a fresh computation.
#[tokio::test]
async fn a_restart_reads_the_written_standings_and_follows_later_writes() {
    let app = TestApp::demo().await;
    national_shown(&app.store, &Default::default()).await;
    let tenants = cakap_store::national::Nation::operator(&app.store).tenants().await.unwrap().len();
    assert_eq!(cakap_store::akpk::national::persist(&app.store).await.unwrap(), tenants, "every tenant written once");
    assert_eq!(cakap_store::akpk::national::persist(&app.store).await.unwrap(), 0, "nothing changed, nothing written");
    // A write after the keeper's last round: the next process finds its stamp behind.
    let medan = app.tenant_id("medan").await;
    national_gap(&app, medan).await;
    let restarted = cakap_store::Store::open(&app.url).await.unwrap();
    let shown = national_shown(&restarted, &Default::default()).await;
    assert_eq!(restarted.national_rebuilds(), 0, "read as written, then followed from the change log");
    assert_eq!(by_tenant(&shown), national_reference(&app).await);
    // What the restarted process writes is what a third one reads.
    assert_eq!(cakap_store::akpk::national::persist(&restarted).await.unwrap(), 1, "only the tenant that changed");
    let third = cakap_store::Store::open(&app.url).await.unwrap();
    assert_eq!(by_tenant(&national_shown(&third, &Default::default()).await), by_tenant(&shown));
    assert_eq!(third.national_rebuilds(), 0);
}

/// With a keeper running, a tenant to recompute whole (a first start, a change of the rule that
/// decides levels) is the keeper's job: the page says how many wait and shows their last
/// figures, and after the keeper's round shows them as a fresh computation does.
#[tokio::test]
async fn whole_recomputations_are_the_keepers_and_the_page_says_so() {
    let app = TestApp::demo().await;
    cakap_store::akpk::national::keeper_runs(&app.store);
    let tenants = cakap_store::national::Nation::operator(&app.store).tenants().await.unwrap().len();
    let mut sa = app.login("superadmin").await;
    assert!(sa.get("/nasional").await.body.contains(&format!("{tenants} instansi sedang dihitung ulang")), "nothing written yet: all wait");
    cakap_store::akpk::national::round(&app.store).await.unwrap();
    assert!(!sa.get("/nasional").await.body.contains("sedang dihitung ulang"));
    let fresh = national_reference(&app).await;
    assert_eq!(by_tenant(&national_shown(&app.store, &Default::default()).await), fresh);
    // The rule that decides effective levels changes in Kota Medan: every ASN there may move.
    let medan = app.tenant_id("medan").await;
    let rule = cakap_domain::competency::EffectiveRule::presets().into_iter().find(|p| p.0 == "atasan_ac_diri").unwrap().2;
    op(&app, medan).await.settings_admin().unwrap().update(|s| cakap_store::org::tenants::TenantSettings { effective_rule: rule, ..s }).await.unwrap();
    app.store.note_write();
    let waiting = national_shown(&app.store, &Default::default()).await;
    assert_eq!(waiting.pending, 1);
    assert_eq!(by_tenant(&waiting), fresh, "the last figures meanwhile");
    cakap_store::akpk::national::round(&app.store).await.unwrap();
    let after = national_shown(&app.store, &Default::default()).await;
    assert_eq!(after.pending, 0);
    assert_eq!(by_tenant(&after), national_reference(&app).await);
}

/// At a server start the largest tenants' analyses are loaded in the background, largest first;
/// the first dashboard then finds its tenant's analysis kept (no load of its own).
#[tokio::test]
async fn the_largest_tenants_analyses_are_warm_after_a_start() {
    let app = TestApp::demo().await;
    let before = app.store.analysis_loads();
    assert_eq!(cakap_store::akpk::warm(&app.store, 2).await.unwrap(), 2);
    assert_eq!(app.store.analysis_loads(), before + 2);
    let largest =
        sql_text(&app, "SELECT CAST(tenant_id AS TEXT) FROM employee WHERE active = TRUE GROUP BY tenant_id ORDER BY COUNT(*) DESC, tenant_id LIMIT 1")
            .await
            .parse::<i64>()
            .unwrap();
    op(&app, largest).await.analysis().await.unwrap();
    assert_eq!(app.store.analysis_loads(), before + 2, "the largest tenant's dashboard loads nothing more");
}

/// A request that read its revisions just before a write asks for the older analysis after
/// another request has brought it up to date: it is served the newer one, and nothing reloads
/// (a ministry's reload is seconds).
#[tokio::test]
async fn a_request_behind_a_write_does_not_reload_the_analysis() {
    let app = TestApp::demo().await;
    let t = app.tenant_id("medan").await;
    op(&app, t).await.analysis().await.unwrap();
    let early = op(&app, t).await;
    early.revisions().await.unwrap();
    let loads = app.store.analysis_loads();
    let e = early.employees().unwrap().list(&Default::default(), 1, 1).await.unwrap().items.remove(0);
    let skp = cakap_store::akpk::performance::SkpInput { year: 2026, rating: cakap_domain::akpk::SkpRating::from_code("kurang").unwrap(), score: None };
    op(&app, t).await.needs_admin().unwrap().set_skp(e.id, &skp).await.unwrap();
    app.store.note_write();
    let late = op(&app, t).await.analysis().await.unwrap();
    let behind = early.analysis().await.unwrap();
    assert_eq!(app.store.analysis_loads(), loads, "no reload for the request behind");
    assert_eq!(behind.skp.get(&e.id), late.skp.get(&e.id), "it sees the newer data");
    assert_eq!(op(&app, t).await.analysis().await.unwrap().skp.get(&e.id).map(|s| s.1.code()), Some("kurang"));
    assert_eq!(app.store.analysis_loads(), loads);
}
