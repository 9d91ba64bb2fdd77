//! The JP ledger (`jp_entry`): totals per employee and year are sums over its rows.

use std::collections::HashMap;

use sea_orm::{ConnectionTrait, FromQueryResult, Statement};

use crate::error::Result;

#[derive(FromQueryResult)]
struct Total {
    employee_id: i64,
    jp: i64,
}

/// JP per employee of the tenant in `year`; employees without entries are absent (0 JP).
pub(crate) async fn totals<C: ConnectionTrait>(db: &C, tenant_id: i64, year: i32) -> Result<HashMap<i64, u32>> {
    let rows = Total::find_by_statement(Statement::from_sql_and_values(
        db.get_database_backend(),
        "SELECT employee_id, CAST(SUM(jp) AS BIGINT) AS jp FROM jp_entry WHERE tenant_id = $1 AND year = $2 GROUP BY employee_id",
        [tenant_id.into(), year.into()],
    ))
    .all(db)
    .await?;
    Ok(rows.into_iter().map(|r| (r.employee_id, u32::try_from(r.jp.max(0)).unwrap_or(u32::MAX))).collect())
}

/// One line of an employee's ledger.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Entry {
    pub title: String,
    pub jp: i32,
    pub source: cakap_domain::learning::jp::JpSource,
    pub recorded_at: time::OffsetDateTime,
}

/// An employee's ledger lines in a year, newest first.
pub(crate) async fn entries<C: ConnectionTrait>(db: &C, tenant_id: i64, employee_id: i64, year: i32) -> Result<Vec<Entry>> {
    use crate::entity::jp_entry;
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
    jp_entry::Entity::find()
        .filter(jp_entry::Column::TenantId.eq(tenant_id))
        .filter(jp_entry::Column::EmployeeId.eq(employee_id))
        .filter(jp_entry::Column::Year.eq(year))
        .order_by_desc(jp_entry::Column::RecordedAt)
        .limit(1_000)
        .all(db)
        .await?
        .into_iter()
        .map(|e| {
            Ok(Entry {
                source: crate::error::code(cakap_domain::learning::jp::JpSource::from_code(&e.source), "sumber JP", &e.source)?,
                title: e.title,
                jp: e.jp,
                recorded_at: e.recorded_at,
            })
        })
        .collect()
}
