use axum::http::StatusCode;

use crate::helpers::*;

#[tokio::test]
async fn every_tenant_role_reads_the_national_dictionary() {
    let app = TestApp::demo().await;
    let mut c = app.login("pegawai.ambon").await;
    let body = c.get("/kompetensi/kamus").await.body;
    for name in ["Integritas", "Kerjasama", "Komunikasi", "Orientasi pada Hasil", "Pelayanan Publik", "Pengembangan Diri dan Orang Lain", "Mengelola Perubahan", "Pengambilan Keputusan", "Perekat Bangsa"] {
        assert!(body.contains(name), "{name} missing");
    }
    assert!(body.contains("Belum ada kompetensi teknis"));
    let t = app.tenant_id("ambon").await;
    let integ = cakap_store::competency::list(&app.store.db, t).await.unwrap().into_iter().find(|c| c.name == "Integritas").unwrap();
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
    let res = sa.post("/instansi/baru", &[("code", "kab-aceh-utara"), ("name", "Pemerintah Kabupaten Aceh Utara"), ("kind", "kabupaten"), ("timezone", "WIB")]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let t = app.tenant_id("kab-aceh-utara").await;
    assert_eq!(cakap_store::competency::list(&app.store.db, t).await.unwrap().len(), 9);
    // Seeding again (as every start does) adds nothing.
    assert_eq!(cakap_store::competency::ensure_national_for(&app.store.db, t).await.unwrap(), 0);
    cakap_store::competency::ensure_national(&app.store.db).await.unwrap();
    assert_eq!(cakap_store::competency::list(&app.store.db, t).await.unwrap().len(), 9);
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
    let c = cakap_store::competency::list(&app.store.db, t).await.unwrap().into_iter().find(|c| c.code == "T.BENCANA").unwrap();
    assert_eq!((c.family.as_str(), c.version), ("teknis", 1));
    assert!(p.get("/kompetensi/kamus").await.body.contains("Manajemen Bencana"));
    // Editing one indicator makes version 2; version 1's texts stay for past assessments.
    let mut edited = fields.clone();
    edited[5] = ("level3", "Menyusun dan menguji rencana kontinjensi unit kerja.");
    p.get(&format!("/kompetensi/kamus/{}/ubah", c.id)).await;
    assert_eq!(p.post(&format!("/kompetensi/kamus/{}/ubah", c.id), &edited).await.status, StatusCode::SEE_OTHER);
    let c2 = cakap_store::competency::get(&app.store.db, t, c.id).await.unwrap();
    assert_eq!(c2.version, 2);
    assert_eq!(cakap_store::competency::levels(&app.store.db, t, &c2).await.unwrap()[2].indicator, "Menyusun dan menguji rencana kontinjensi unit kerja.");
    assert_eq!(cakap_store::competency::levels(&app.store.db, t, &c).await.unwrap()[2].indicator, "Menyusun rencana kontinjensi unit kerja.");
    // Saving without changes keeps the version.
    assert_eq!(p.post(&format!("/kompetensi/kamus/{}/ubah", c.id), &edited).await.status, StatusCode::SEE_OTHER);
    assert_eq!(cakap_store::competency::get(&app.store.db, t, c.id).await.unwrap().version, 2);
    // National competencies are read-only; employees and approvers cannot add; other tenants cannot see.
    let integ = cakap_store::competency::list(&app.store.db, t).await.unwrap().into_iter().find(|c| c.name == "Integritas").unwrap();
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
    let (log, _) = cakap_store::audit::list(&app.store.db, t, Some("competency"), 1, 10).await.unwrap();
    assert_eq!(log.len(), 3);
}
