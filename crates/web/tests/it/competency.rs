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
