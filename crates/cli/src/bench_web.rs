//! `bench/web.sh`'s two halves that live in the binary: the data (the demo plus employees of
//! Kota Medan up to a size) and the reference server (a minimal axum handler that reads 20 rows of
//! the same employee table from the same database and renders them), so Cakap's pages are
//! measured against what the database and HTTP stack alone allow, in the same run.

use std::fmt::Write as _;

use cakap_store::Store;
use cakap_store::import::Table;
use cakap_store::import::employees::ImportMode;
use sea_orm::{ConnectionTrait, Statement, Value};

type Res<T> = Result<T, Box<dyn std::error::Error>>;

/// The demo, then Kota Medan grown to `employees` with generated, valid rows spread over its
/// own unit/position pairs (each position in its own unit).
pub async fn setup(store: &Store, password: &str, employees: u64) -> Res<()> {
    cakap_store::demo::load(store, password).await?;
    let t = cakap_store::org::tenants::by_code(&store.db, "medan").await?.ok_or("demo tenant medan missing")?;
    let scope = cakap_store::Scope::operator(store, t.id).await?;
    let units = scope.units()?.list().await?;
    let positions = scope.positions()?.all().await?;
    let slots: Vec<(String, String)> =
        positions.iter().filter(|p| p.active).filter_map(|p| units.iter().find(|u| u.id == p.unit_id).map(|u| (u.code.clone(), p.code.clone()))).collect();
    let have = store.db.query_one_raw(Statement::from_sql_and_values(store.backend(), count_sql(store), [Value::from(t.id)])).await?;
    let have: i64 = have.map(|r| r.try_get_by_index(0)).transpose()?.unwrap_or(0);
    let want = employees.saturating_sub(have as u64);
    let headers = ["NIP", "Nama", "Jenis Kelamin", "Tanggal Lahir", "Status", "Golongan", "Unit", "Jabatan"].map(String::from).to_vec();
    let rows = (0..want)
        .map(|i| {
            let (nip, name, g, birth, slot) = crate::bench::row(i);
            let (unit, pos) = &slots[slot % slots.len()];
            vec![nip, name, g.to_string(), birth, "PNS".into(), "III/a".into(), unit.clone(), pos.clone()]
        })
        .collect();
    let s = scope.org_admin()?.import_employee_table(ImportMode::Upsert, "bench-web.csv", &Table { headers, rows, ..Default::default() }).await?;
    if !s.written {
        return Err(format!("bench data not written: {:?}", s.errors.iter().take(3).collect::<Vec<_>>()).into());
    }
    // Fresh statistics, as a real database has them: the planner picks the (tenant_id, name) index.
    store.db.execute_unprepared("ANALYZE").await?;
    println!("Kota Medan: {} pegawai", have as u64 + s.inserted as u64);
    Ok(())
}

fn count_sql(store: &Store) -> &'static str {
    if store.is_postgres() { "SELECT COUNT(*) FROM employee WHERE tenant_id = $1" } else { "SELECT COUNT(*) FROM employee WHERE tenant_id = ?" }
}

/// The reference: `GET /` reads page 2 (20 rows) of Kota Medan's active employees by name and
/// renders them as an HTML table. No session, no layout, no permission check.
pub async fn serve_reference(store: Store, listen: &str) -> Res<()> {
    use cakap_web::reexport::axum;
    use cakap_web::reexport::axum::response::IntoResponse;
    let t = cakap_store::org::tenants::by_code(&store.db, "medan").await?.ok_or("demo tenant medan missing")?.id;
    let sql = if store.is_postgres() {
        "SELECT id, nip, name FROM employee WHERE tenant_id = $1 AND active = TRUE ORDER BY name, id LIMIT 20 OFFSET 20"
    } else {
        "SELECT id, nip, name FROM employee WHERE tenant_id = ? AND active = 1 ORDER BY name, id LIMIT 20 OFFSET 20"
    };
    let app = axum::Router::new().route(
        "/",
        axum::routing::get(move || {
            let store = store.clone();
            async move {
                let rows = store.db.query_all_raw(Statement::from_sql_and_values(store.backend(), sql, [Value::from(t)])).await;
                match rows {
                    Ok(rows) => {
                        let mut html = String::from("<!doctype html><html lang=\"id\"><body><table><tr><th>NIP</th><th>Nama</th></tr>");
                        for r in rows {
                            let (id, nip, name): (i64, String, String) =
                                (r.try_get_by_index(0).unwrap_or(0), r.try_get_by_index(1).unwrap_or_default(), r.try_get_by_index(2).unwrap_or_default());
                            let _ = write!(html, "<tr><td><a href=\"/p/{id}\">{}</a></td><td>{}</td></tr>", esc(&nip), esc(&name));
                        }
                        html.push_str("</table></body></html>");
                        axum::response::Html(html).into_response()
                    }
                    Err(e) => (axum::http::StatusCode::INTERNAL_SERVER_ERROR, e.to_string()).into_response(),
                }
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind(listen).await?;
    println!("reference on http://{listen}/");
    axum::serve(listener, app).await?;
    Ok(())
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}
