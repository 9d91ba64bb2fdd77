use axum::http::StatusCode;

use crate::helpers::*;

#[tokio::test]
async fn every_tenant_role_reads_the_national_dictionary() {
    let app = TestApp::demo().await;
    let mut c = app.login("pegawai.ambon").await;
    let body = c.get("/kompetensi/kamus").await.body;
    for name in [
        "Integritas",
        "Kerjasama",
        "Komunikasi",
        "Orientasi pada Hasil",
        "Pelayanan Publik",
        "Pengembangan Diri dan Orang Lain",
        "Mengelola Perubahan",
        "Pengambilan Keputusan",
        "Perekat Bangsa",
    ] {
        assert!(body.contains(name), "{name} missing");
    }
    // The demo's teknis competencies are the tenant's own, listed after the national ones.
    assert!(body.contains("Administrasi Kependudukan") && body.find("Perekat Bangsa") < body.find("Administrasi Kependudukan"));
    let t = app.tenant_id("ambon").await;
    let integ = op(&app, t).await.competencies().unwrap().list().await.unwrap().into_iter().find(|c| c.name == "Integritas").unwrap();
    let page = c.get(&format!("/kompetensi/kamus/{}", integ.id)).await.body;
    assert!(page.contains("role model dalam penerapan standar keadilan dan etika di tingkat nasional"), "{page}");
    // Another tenant's copy is not found.
    let mut m = app.login("admin.medan").await;
    assert_eq!(m.get(&format!("/kompetensi/kamus/{}", integ.id)).await.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_new_tenant_gets_the_dictionary_once() {
    let app = TestApp::demo().await;
    let mut sa = app.login("superadmin").await;
    sa.get("/instansi/baru").await;
    let tenant = [("code", "kab-aceh-utara"), ("name", "Pemerintah Kabupaten Aceh Utara"), ("kind", "kabupaten"), ("timezone", "WIB")];
    // Without a first admin nobody could log in to the new instansi: refused, nothing written.
    let res = sa.post("/instansi/baru", &tenant).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.body);
    assert!(res.body.contains("admin pertama"), "{}", res.body);
    assert!(cakap_store::org::tenants::by_code(&app.store.db, "kab-aceh-utara").await.unwrap().is_none());
    // A taken login rolls the whole instansi back.
    sa.get("/instansi/baru").await;
    let taken = [&tenant[..], &[("admin_login", "admin.medan"), ("admin_name", "Admin"), ("admin_password", "sandi-awal-aceh-2026")]].concat();
    let res = sa.post("/instansi/baru", &taken).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.body);
    assert!(cakap_store::org::tenants::by_code(&app.store.db, "kab-aceh-utara").await.unwrap().is_none());
    sa.get("/instansi/baru").await;
    let with_admin =
        [&tenant[..], &[("admin_login", "admin.acehutara"), ("admin_name", "Admin BKPSDM Aceh Utara"), ("admin_password", "sandi-awal-aceh-2026")]].concat();
    let res = sa.post("/instansi/baru", &with_admin).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let t = app.tenant_id("kab-aceh-utara").await;
    // The first admin logs in and manages the new instansi.
    let mut admin = app.client();
    assert_eq!(admin.login("admin.acehutara", "sandi-awal-aceh-2026").await.status, StatusCode::SEE_OTHER);
    admin.enrol().await;
    assert!(admin.get("/").await.body.contains("Pemerintah Kabupaten Aceh Utara"));
    assert_eq!(admin.get("/organisasi/pengguna").await.status, StatusCode::OK);
    assert_eq!(op(&app, t).await.competencies().unwrap().list().await.unwrap().len(), 9);
    // Seeding again (as every start does) adds nothing.
    cakap_store::competency::ensure_national(&app.store.db).await.unwrap();
    assert_eq!(op(&app, t).await.competencies().unwrap().list().await.unwrap().len(), 9);
}

#[tokio::test]
async fn planner_adds_and_versions_a_teknis_competency() {
    let app = TestApp::demo().await;
    let t = app.tenant_id("lhokseumawe").await;
    let mut p = app.login("perencana.lhokseumawe").await;
    p.get("/kompetensi/kamus/baru").await;
    let levels = [
        ("level1", "Memahami jenis bencana dan prosedur siaga di unit sendiri."),
        ("level2", "Menjalankan rencana kontinjensi bersama tim."),
        ("level3", "Menyusun rencana kontinjensi unit kerja."),
        ("level4", "Mengoordinasikan penanganan darurat lintas perangkat daerah."),
        ("level5", "Merumuskan kebijakan penanggulangan bencana tingkat kota."),
    ];
    // Missing level 5: the form comes back with what was typed and the field named.
    let mut fields = vec![("code", "T.BENCANA"), ("name", "Manajemen Bencana"), ("description", "Pengelolaan risiko dan tanggap darurat bencana.")];
    fields.extend_from_slice(&levels[..4]);
    let res = p.post("/kompetensi/kamus/baru", &fields).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("indikator level 5 wajib diisi"));
    assert!(res.body.contains("Menyusun rencana kontinjensi unit kerja."));
    fields.push(levels[4]);
    let res = p.post("/kompetensi/kamus/baru", &fields).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let c = op(&app, t).await.competencies().unwrap().list().await.unwrap().into_iter().find(|c| c.code == "T.BENCANA").unwrap();
    assert_eq!((c.family.code(), c.version), ("teknis", 1));
    assert!(p.get("/kompetensi/kamus").await.body.contains("Manajemen Bencana"));
    // Editing one indicator makes version 2; version 1's texts stay for past assessments.
    let mut edited = fields.clone();
    edited[5] = ("level3", "Menyusun dan menguji rencana kontinjensi unit kerja.");
    p.get(&format!("/kompetensi/kamus/{}/ubah", c.id)).await;
    assert_eq!(p.post(&format!("/kompetensi/kamus/{}/ubah", c.id), &edited).await.status, StatusCode::SEE_OTHER);
    let c2 = op(&app, t).await.competencies().unwrap().get(c.id).await.unwrap();
    assert_eq!(c2.version, 2);
    assert_eq!(op(&app, t).await.competencies().unwrap().levels(&c2).await.unwrap()[2].indicator, "Menyusun dan menguji rencana kontinjensi unit kerja.");
    assert_eq!(op(&app, t).await.competencies().unwrap().levels(&c).await.unwrap()[2].indicator, "Menyusun rencana kontinjensi unit kerja.");
    // Saving without changes keeps the version.
    assert_eq!(p.post(&format!("/kompetensi/kamus/{}/ubah", c.id), &edited).await.status, StatusCode::SEE_OTHER);
    assert_eq!(op(&app, t).await.competencies().unwrap().get(c.id).await.unwrap().version, 2);
    // National competencies are read-only; employees and approvers cannot add; other tenants cannot see.
    let integ = op(&app, t).await.competencies().unwrap().list().await.unwrap().into_iter().find(|c| c.name == "Integritas").unwrap();
    assert_eq!(p.get(&format!("/kompetensi/kamus/{}/ubah", integ.id)).await.status, StatusCode::FORBIDDEN);
    let res = p.post(&format!("/kompetensi/kamus/{}/ubah", integ.id), &edited).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("tidak dapat diubah"));
    let mut e = app.login("pegawai.lhokseumawe").await;
    assert_eq!(e.get("/kompetensi/kamus/baru").await.status, StatusCode::FORBIDDEN);
    let mut other = app.login("perencana.serang").await;
    assert_eq!(other.get(&format!("/kompetensi/kamus/{}/ubah", c.id)).await.status, StatusCode::NOT_FOUND);
    other.get("/").await;
    assert_eq!(other.post(&format!("/kompetensi/kamus/{}/ubah", c.id), &edited).await.status, StatusCode::NOT_FOUND);
    let log = op(&app, t)
        .await
        .audit()
        .unwrap()
        .page(&cakap_store::audit::AuditFilter { entity: cakap_domain::audit::AuditEntity::from_code("competency"), ..Default::default() }, 1, 10)
        .await
        .unwrap()
        .items;
    assert_eq!(log.len(), 3);
}

#[tokio::test]
async fn position_standards_default_by_jenjang_and_take_overrides() {
    let app = TestApp::demo().await;
    let t = app.tenant_id("ambon").await;
    let pos = op(&app, t).await.positions().unwrap().all().await.unwrap().into_iter().find(|p| p.name.starts_with("Lurah")).unwrap();
    assert_eq!(pos.jenjang.code(), "pengawas");
    let comps = op(&app, t).await.competencies().unwrap().list().await.unwrap();
    let id = |name: &str| comps.iter().find(|c| c.name == name).unwrap().id;
    // Defaults: pengawas → 2 for the nine national competencies.
    let std = op(&app, t).await.competencies().unwrap().standard(pos.id).await.unwrap();
    assert_eq!(std.iter().filter(|r| r.required == Some(2)).count(), 9);
    let mut p = app.login("perencana.ambon").await;
    let page = p.get(&format!("/kompetensi/standar/{}", pos.id)).await;
    assert!(page.body.contains("Standar Kompetensi: Lurah"), "{}", page.body);
    // Raise Pelayanan Publik to 3 and drop Perekat Bangsa; leave Integritas at its default.
    let (pp, pb, integ) = (format!("c_{}", id("Pelayanan Publik")), format!("c_{}", id("Perekat Bangsa")), format!("c_{}", id("Integritas")));
    let res = p.post(&format!("/kompetensi/standar/{}", pos.id), &[(pp.as_str(), "3"), (pb.as_str(), ""), (integ.as_str(), "2")]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let std = op(&app, t).await.competencies().unwrap().standard(pos.id).await.unwrap();
    let get = |name: &str| std.iter().find(|r| r.competency.name == name).unwrap().clone();
    assert_eq!((get("Pelayanan Publik").required, get("Pelayanan Publik").overridden), (Some(3), true));
    assert_eq!((get("Perekat Bangsa").required, get("Perekat Bangsa").overridden), (None, true));
    assert_eq!((get("Integritas").required, get("Integritas").overridden), (Some(2), false));
    // Back to the default removes the override.
    p.post(&format!("/kompetensi/standar/{}", pos.id), &[(pp.as_str(), "2")]).await;
    let std = op(&app, t).await.competencies().unwrap().standard(pos.id).await.unwrap();
    assert!(!std.iter().find(|r| r.competency.name == "Pelayanan Publik").unwrap().overridden);
    // Out-of-range level is refused with a message; nothing changes.
    let res = p.post(&format!("/kompetensi/standar/{}", pos.id), &[(pp.as_str(), "7")]).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    // Employees read, cannot change; another tenant cannot see.
    let mut e = app.login("pegawai.ambon").await;
    assert_eq!(e.get(&format!("/kompetensi/standar/{}", pos.id)).await.status, StatusCode::OK);
    assert_eq!(e.post(&format!("/kompetensi/standar/{}", pos.id), &[(pp.as_str(), "5")]).await.status, StatusCode::FORBIDDEN);
    let mut o = app.login("admin.medan").await;
    assert_eq!(o.get(&format!("/kompetensi/standar/{}", pos.id)).await.status, StatusCode::NOT_FOUND);
    o.get("/").await;
    assert_eq!(o.post(&format!("/kompetensi/standar/{}", pos.id), &[(pp.as_str(), "5")]).await.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn settings_change_jenjang_defaults_and_jpm_bands() {
    let app = TestApp::demo().await;
    let t = app.tenant_id("serang").await;
    let mut a = app.login("admin.serang").await;
    let page = a.get("/pengaturan").await.body;
    assert!(page.contains("name=\"jenjang_pengawas\" value=\"2\""), "{page}");
    let base = [("accent_color", "#0b5394"), ("min_jp_per_year", "20"), ("kepala_bkpsdm", "Drs. H. Ahmad"), ("visi", "Serang madani")];
    // Bands out of order: refused, typed values kept, nothing saved.
    let mut bad = base.to_vec();
    bad.extend([("jenjang_pengawas", "3"), ("band_0", "70"), ("band_1", "80")]);
    let res = a.post("/pengaturan", &bad).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("batas pita JPM harus menurun"), "{}", res.body);
    assert!(res.body.contains("name=\"band_0\" value=\"70\""));
    let saved = op(&app, t).await.settings_admin().unwrap().current().await.unwrap();
    assert_eq!(saved.standard_defaults.required(cakap_domain::Jenjang::Pengawas), Some(2));
    // Level outside 1–5 is refused too.
    let mut bad = base.to_vec();
    bad.push(("jenjang_pengawas", "9"));
    assert!(a.post("/pengaturan", &bad).await.body.contains("level bawaan Pengawas harus 1–5"));
    // A good change reaches every pengawas position's standard, and the bands are used as set.
    let mut good = base.to_vec();
    good.extend([("jenjang_pengawas", "3"), ("band_0", "85,5"), ("band_1", "75")]);
    assert_eq!(a.post("/pengaturan", &good).await.status, StatusCode::SEE_OTHER);
    let saved = op(&app, t).await.settings_admin().unwrap().current().await.unwrap();
    assert_eq!(saved.jpm_bands.band(85.5), "Optimal");
    assert_eq!(saved.jpm_bands.band(80.0), "Cukup Optimal");
    let lurah = op(&app, t).await.positions().unwrap().all().await.unwrap().into_iter().find(|p| p.name.starts_with("Lurah")).unwrap();
    let std = op(&app, t).await.competencies().unwrap().standard(lurah.id).await.unwrap();
    assert!(std.iter().filter(|r| r.competency.national_code.is_some()).all(|r| r.required == Some(3)));
    let log = op(&app, t)
        .await
        .audit()
        .unwrap()
        .page(&cakap_store::audit::AuditFilter { entity: cakap_domain::audit::AuditEntity::from_code("settings"), ..Default::default() }, 1, 10)
        .await
        .unwrap()
        .items;
    assert_eq!(log.len(), 1);
}

#[tokio::test]
async fn teknis_import_is_all_or_nothing_and_versions_changed_indicators() {
    let app = TestApp::demo().await;
    let t = app.tenant_id("lhokseumawe").await;
    let mut c = app.login("perencana.lhokseumawe").await;
    c.get("/kompetensi/kamus/impor").await;
    let csrf = c.csrf.clone();
    let lv = |s: &str| (1..=5).map(|i| format!("{s} level {i}")).collect::<Vec<_>>().join(";");
    let bad = format!(
        "Kode;Nama;Deskripsi;Level 1;Level 2;Level 3;Level 4;Level 5\nTK-GIS;Sistem Informasi Geografis;Peta rawan bencana;{}\nTK-ANDAT;Analisis Data;Diubah;{}\nM.1;Integritas;x;{}\nTK-X;Tanpa Level 4;x;a;b;c;;e\n",
        lv("gis"),
        lv("andat baru"),
        lv("m1")
    );
    let res = c.upload_with("/kompetensi/kamus/impor", "teknis.csv", bad.as_bytes(), &[("_csrf", &csrf)]).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("kompetensi nasional (PermenPAN-RB 38/2017) dan tidak dapat diubah"), "{}", res.body);
    assert!(res.body.contains("<td class=\"num\">5</td><td>Level 4</td><td>indikator level 4 wajib diisi"), "{}", res.body);
    let comps = op(&app, t).await.competencies().unwrap().list().await.unwrap();
    assert!(!comps.iter().any(|c| c.code == "TK-GIS"), "nothing written");
    let andat = comps.iter().find(|c| c.code == "TK-ANDAT").unwrap().clone();
    assert_eq!(andat.version, 1);

    // An assessment made against version 1 keeps saying so after the update.
    let emp = op(&app, t).await.employees().unwrap().list(&Default::default(), 1, 1).await.unwrap().items.remove(0);
    let input = cakap_store::akpk::assessments::AssessmentInput {
        competency_id: andat.id,
        level: 2,
        method: cakap_domain::competency::Method::Assessor,
        assessed_on: time::OffsetDateTime::now_utc().date(),
        evidence: "sebelum revisi".into(),
        rater_name: "uji".into(),
    };
    cakap_store::fixtures::assess(&app.store, t, emp.id, &input).await.unwrap();
    let good = format!(
        "Kode,Nama,Deskripsi,Level 1,Level 2,Level 3,Level 4,Level 5\nTK-GIS,Sistem Informasi Geografis,Peta rawan bencana,{}\nTK-ANDAT,Analisis Data,Diubah,{}\n",
        lv("gis").replace(';', ","),
        lv("andat baru").replace(';', ",")
    );
    let res = c.upload_with("/kompetensi/kamus/impor", "teknis.csv", good.as_bytes(), &[("_csrf", &csrf)]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    assert!(c.get("/kompetensi/kamus").await.body.contains("Impor selesai: 1 kompetensi baru, 1 diperbarui."));
    let now = op(&app, t).await.competencies().unwrap().get(andat.id).await.unwrap();
    assert_eq!(now.version, 2);
    let page = c.get(&format!("/akpk/pegawai/{}", emp.id)).await.body;
    let row = page.split("sebelum revisi").next().unwrap().rsplit("<tr>").next().unwrap();
    assert!(row.contains("Analisis Data <small class=\"muted\">(indikator versi 1)</small>"), "{row}");
    assert_eq!(op(&app, t).await.competencies().unwrap().levels(&now).await.unwrap()[2].indicator, "andat baru level 3");
    // The old indicators stay for assessments made against version 1.
    assert_eq!(
        op(&app, t).await.competencies().unwrap().levels(&andat).await.unwrap()[2].indicator,
        "Mengelola pengolahan dan analisis data di tingkat unit kerja dan memperbaiki prosedurnya."
    );
}

#[tokio::test]
async fn the_standards_grid_saves_a_page_all_or_nothing() {
    let app = TestApp::demo().await;
    let t = app.tenant_id("semarang").await;
    let mut c = app.login("perencana.semarang").await;
    let page = c.get("/kompetensi/standar?kind=pelaksana").await.body;
    let positions = op(&app, t).await.positions().unwrap().all().await.unwrap();
    let pel: Vec<_> = positions.iter().filter(|p| p.kind.code() == "pelaksana").collect();
    assert!(page.contains(&format!("name=\"s_{}_", pel[0].id)));
    assert!(!page.contains(&format!("name=\"s_{}_", positions.iter().find(|p| p.kind.code() == "jpt").unwrap().id)), "filtered by kind");
    let integ = op(&app, t).await.competencies().unwrap().list().await.unwrap().into_iter().find(|c| c.code == "M.1").unwrap().id;
    let (a, b) = (format!("s_{}_{integ}", pel[0].id), format!("s_{}_{integ}", pel[1].id));
    let res = c.post("/kompetensi/standar", &[(a.as_str(), "4"), (b.as_str(), "9"), ("kind", "pelaksana")]).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("Tidak ada yang disimpan") && res.body.contains("harus 1–5"), "{}", res.body);
    let req = |p: i64| {
        let app = &app;
        async move { op(app, t).await.competencies().unwrap().standard(p).await.unwrap().into_iter().find(|r| r.competency.id == integ).unwrap().required }
    };
    assert_eq!(req(pel[0].id).await, Some(1), "first change rolled back");
    let res = c.post("/kompetensi/standar", &[(a.as_str(), "4"), (b.as_str(), "0"), ("kind", "pelaksana"), ("page", "1")]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert_eq!(res.headers["location"], "/kompetensi/standar?kind=pelaksana&page=1");
    assert_eq!((req(pel[0].id).await, req(pel[1].id).await), (Some(4), None));
    // Read-only for the PPK.
    let mut k = app.login("ppk.semarang").await;
    assert!(!k.get("/kompetensi/standar").await.body.contains("<select name=\"s_"));
    assert_eq!(k.post("/kompetensi/standar", &[(a.as_str(), "5")]).await.status, StatusCode::FORBIDDEN);
}
