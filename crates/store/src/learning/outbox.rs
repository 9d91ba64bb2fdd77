//! Work the server does on its own for notifications, across tenants: the reminder the day
//! before a session, and the e-mails of notifications when SMTP is configured (the sending is
//! the web crate's; here the rows to send and the record that they went).

use cakap_domain::learning::enrollment::EnrollmentStatus;
use cakap_domain::learning::notice::NoticeKind;
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, FromQueryResult, QueryFilter, QuerySelect, Set, Statement};

use crate::Store;
use crate::entity::{enrollment, meeting, notification, offering};
use crate::error::Result;

/// How far ahead a session is reminded of.
pub const REMIND_AHEAD_HOURS: i64 = 24;
/// Most sessions reminded of in one pass (the next pass takes the rest).
const REMIND_BATCH: u64 = 200;

/// Writes the reminder of every session starting within the next day that has not had one, to
/// each seat holder; marks the session reminded in the same transaction. How many sessions.
pub async fn remind_due(store: &Store, now: time::OffsetDateTime) -> Result<usize> {
    let due = meeting::Entity::find()
        .filter(meeting::Column::RemindedAt.is_null())
        .filter(meeting::Column::StartsAt.gt(now))
        .filter(meeting::Column::StartsAt.lte(now + time::Duration::hours(REMIND_AHEAD_HOURS)))
        .limit(REMIND_BATCH)
        .all(&store.db)
        .await?;
    let mut n = 0;
    for m in due {
        let txn = store.write().await?;
        // Taken by another pass meanwhile: skip (the update below only wins once).
        let claimed = meeting::Entity::update_many()
            .col_expr(meeting::Column::RemindedAt, Expr::value(now))
            .filter(meeting::Column::TenantId.eq(m.tenant_id))
            .filter(meeting::Column::Id.eq(m.id))
            .filter(meeting::Column::RemindedAt.is_null())
            .exec(&txn)
            .await?
            .rows_affected;
        if claimed == 0 {
            continue;
        }
        let Some(o) = offering::Entity::find_by_id((m.tenant_id, m.offering_id)).one(&txn).await? else { continue };
        let seats: Vec<i64> = enrollment::Entity::find()
            .filter(enrollment::Column::TenantId.eq(m.tenant_id))
            .filter(enrollment::Column::OfferingId.eq(m.offering_id))
            .filter(enrollment::Column::Status.eq(EnrollmentStatus::Enrolled.code()))
            .all(&txn)
            .await?
            .into_iter()
            .map(|e| e.employee_id)
            .collect();
        for e in seats {
            super::notify::employee(&txn, m.tenant_id, e, NoticeKind::Reminder, &o.title, "/kelas-saya").await?;
        }
        txn.commit().await?;
        n += 1;
    }
    Ok(n)
}

/// A notification to e-mail.
#[derive(Debug, Clone, FromQueryResult)]
pub struct Pending {
    pub tenant_id: i64,
    pub id: i64,
    pub kind: String,
    pub body: String,
    pub link: String,
    pub email: String,
    pub name: String,
}

/// Notifications not yet e-mailed whose recipient has an e-mail address (their employee
/// record's), oldest first.
pub async fn pending_email(store: &Store, limit: u64) -> Result<Vec<Pending>> {
    let sql = "SELECT n.tenant_id, n.id, n.kind, n.body, n.link, e.email, e.name \
               FROM notification n JOIN app_user u ON u.id = n.user_id \
               JOIN employee e ON e.tenant_id = u.tenant_id AND e.id = u.employee_id \
               WHERE n.emailed_at IS NULL AND e.email IS NOT NULL AND e.email <> '' \
               ORDER BY n.created_at, n.id LIMIT $1";
    Ok(Pending::find_by_statement(Statement::from_sql_and_values(store.db.get_database_backend(), sql, [i64::try_from(limit).unwrap_or(i64::MAX).into()]))
        .all(&store.db)
        .await?)
}

/// Records that a notification was e-mailed (or given up on), so it is not sent again.
pub async fn mark_emailed(store: &Store, tenant_id: i64, id: i64, at: time::OffsetDateTime) -> Result<()> {
    let txn = store.write().await?;
    if let Some(n) = notification::Entity::find_by_id((tenant_id, id)).one(&txn).await? {
        let mut am: notification::ActiveModel = n.into();
        am.emailed_at = Set(Some(at));
        am.update(&txn).await?;
    }
    txn.commit().await?;
    Ok(())
}
