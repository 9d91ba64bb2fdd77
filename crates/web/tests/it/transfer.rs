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
    assert!(cakap_store::org::tenants::list(&empty.store.db).await.unwrap().is_empty());
}
