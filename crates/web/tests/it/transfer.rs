use crate::helpers::*;

#[tokio::test]
async fn export_then_import_into_a_fresh_database_verifies_checksums() {
    let src = TestApp::demo().await;
    let mut buf = Vec::new();
    let sums = cakap_store::transfer::export(&src.store, &mut buf).await.unwrap();
    assert!(sums.iter().any(|s| s.table == "employee" && s.rows > 1000));
    let dst = TestApp::empty().await;
    let got = cakap_store::transfer::import(&dst.store, std::io::Cursor::new(&buf)).await.unwrap();
    assert_eq!(sums, got);
    // The copy works: a demo login succeeds against it.
    dst.login("admin.ambon").await;
    // A second import into a non-empty database is refused.
    let err = cakap_store::transfer::import(&dst.store, std::io::Cursor::new(&buf)).await.unwrap_err();
    assert!(err.to_string().contains("tidak kosong"));
    // A tampered file fails verification and leaves the database empty.
    let empty = TestApp::empty().await;
    let text = String::from_utf8(buf).unwrap().replacen("Pemerintah Kota Ambon", "Pemerintah Kota Palsu", 1);
    assert!(cakap_store::transfer::import(&empty.store, std::io::Cursor::new(text.as_bytes())).await.is_err());
    assert!(cakap_store::national::Nation::operator(&empty.store).tenants().await.unwrap().is_empty());
}

/// SQLite → PostgreSQL → SQLite, when the suite runs with TEST_DATABASE_URL=postgres://…
/// (on SQLite alone, SQLite → SQLite).
#[tokio::test]
async fn a_database_moves_between_backends_unchanged() {
    let src = TestApp::sqlite().await;
    cakap_store::demo::load(&src.store, PASSWORD).await.unwrap();
    // An attached document carries every byte value through both backends' binary columns.
    let t = src.tenant_id("serang").await;
    let agreement = op(&src, t).await.plans().unwrap().catalogue().await.unwrap().agreements[0].id;
    let scan: Vec<u8> = b"%PDF-1.7\n".iter().copied().chain((0..=255u8).cycle().take(70_000)).collect();
    let doc = op(&src, t).await.planner().unwrap().add_document(agreement, "pindaian.pdf", scan.clone()).await.unwrap();
    let mut file = Vec::new();
    let sums = cakap_store::transfer::export(&src.store, &mut file).await.unwrap();
    let mid = TestApp::empty().await;
    assert_eq!(cakap_store::transfer::import(&mid.store, std::io::Cursor::new(&file)).await.unwrap(), sums);
    let mut again = Vec::new();
    assert_eq!(cakap_store::transfer::export(&mid.store, &mut again).await.unwrap(), sums);
    let back = TestApp::sqlite().await;
    assert_eq!(cakap_store::transfer::import(&back.store, std::io::Cursor::new(&again)).await.unwrap(), sums);
    for db in [&mid, &back] {
        let got = op(db, t).await.plans().unwrap().document(doc).await.unwrap();
        assert!(got.content == scan && got.meta.file_name == "pindaian.pdf" && got.meta.size == scan.len() as i64);
    }
    // Passwords, sessions and scopes survive the trip.
    let mut c = mid.login("atasan.semarang").await;
    assert!(c.get("/organisasi/pegawai").await.body.contains("Total"));
}
