//! In-app notifications, written in the transaction of the change they report (so nobody is
//! told of a seat that a rollback took back). E-mail, when SMTP is configured, is sent later from
//! the same rows.

use cakap_domain::learning::notice::NoticeKind;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};

use crate::entity::{app_user, employee, notification, unit, user_role};
use crate::error::Result;
use crate::ids::next_id;

/// Tells `user_ids` one sentence with a link to follow.
pub(crate) async fn users<C: ConnectionTrait>(db: &C, tenant_id: i64, user_ids: &[i64], kind: NoticeKind, body: &str, link: &str) -> Result<()> {
    let now = crate::now();
    for &u in user_ids {
        notification::ActiveModel {
            tenant_id: Set(tenant_id),
            id: Set(next_id()),
            user_id: Set(u),
            kind: Set(kind.code().into()),
            body: Set(body.chars().take(cakap_domain::learning::notice::BODY_MAX).collect()),
            link: Set(link.chars().take(200).collect()),
            created_at: Set(now),
            read_at: Set(None),
            emailed_at: Set(None),
        }
        .insert(db)
        .await?;
    }
    Ok(())
}

/// The active accounts of an employee.
pub(crate) async fn accounts_of<C: ConnectionTrait>(db: &C, tenant_id: i64, employee_id: i64) -> Result<Vec<i64>> {
    Ok(app_user::Entity::find()
        .filter(app_user::Column::TenantId.eq(tenant_id))
        .filter(app_user::Column::EmployeeId.eq(employee_id))
        .filter(app_user::Column::Active.eq(true))
        .all(db)
        .await?
        .into_iter()
        .map(|u| u.id)
        .collect())
}

/// Tells the employee (every active account linked to them).
pub(crate) async fn employee<C: ConnectionTrait>(db: &C, tenant_id: i64, employee_id: i64, kind: NoticeKind, class: &str, link: &str) -> Result<()> {
    let to = accounts_of(db, tenant_id, employee_id).await?;
    users(db, tenant_id, &to, kind, &kind.sentence(class, ""), link).await
}

/// The atasan of an employee: users with the supervisor role whose unit is the employee's unit
/// or one above it (the nearest first), without the employee's own accounts.
pub(crate) async fn supervisors_of<C: ConnectionTrait>(db: &C, tenant_id: i64, employee_id: i64) -> Result<Vec<i64>> {
    let Some(e) = employee::Entity::find_by_id((tenant_id, employee_id)).one(db).await? else { return Ok(vec![]) };
    let Some(u) = unit::Entity::find_by_id((tenant_id, e.unit_id)).one(db).await? else { return Ok(vec![]) };
    let roles = user_role::Entity::find()
        .filter(user_role::Column::TenantId.eq(tenant_id))
        .filter(user_role::Column::Role.eq(cakap_domain::Role::Supervisor.code()))
        .all(db)
        .await?;
    let own = accounts_of(db, tenant_id, employee_id).await?;
    let mut found: Vec<(usize, i64)> = vec![];
    for r in roles {
        let Some(unit_id) = r.unit_id else { continue };
        if own.contains(&r.user_id) {
            continue;
        }
        if let Some(su) = unit::Entity::find_by_id((tenant_id, unit_id)).one(db).await?
            && u.path.starts_with(&su.path)
        {
            found.push((su.path.len(), r.user_id));
        }
    }
    // The nearest atasan only: the deepest unit that holds one.
    let deepest = found.iter().map(|(d, _)| *d).max();
    Ok(found.into_iter().filter(|(d, _)| Some(*d) == deepest).map(|(_, u)| u).collect())
}

/// A notification as the user's list shows it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Notice {
    pub id: i64,
    pub kind: NoticeKind,
    pub body: String,
    pub link: String,
    pub created_at: time::OffsetDateTime,
    pub read: bool,
}

/// Notifications one page shows.
pub const PAGE: u64 = 50;

pub(crate) async fn of_user<C: ConnectionTrait>(db: &C, tenant_id: i64, user_id: i64) -> Result<(Vec<Notice>, u64)> {
    use sea_orm::{PaginatorTrait, QueryOrder, QuerySelect};
    let base = notification::Entity::find().filter(notification::Column::TenantId.eq(tenant_id)).filter(notification::Column::UserId.eq(user_id));
    let unread = base.clone().filter(notification::Column::ReadAt.is_null()).count(db).await?;
    let rows = base
        .order_by_desc(notification::Column::CreatedAt)
        .order_by_desc(notification::Column::Id)
        .limit(PAGE)
        .all(db)
        .await?
        .into_iter()
        .map(|n| {
            Ok(Notice {
                kind: crate::error::code(NoticeKind::from_code(&n.kind), "jenis pemberitahuan", &n.kind)?,
                id: n.id,
                body: n.body,
                link: n.link,
                created_at: n.created_at,
                read: n.read_at.is_some(),
            })
        })
        .collect::<Result<Vec<_>>>()?;
    Ok((rows, unread))
}

pub(crate) async fn unread<C: ConnectionTrait>(db: &C, tenant_id: i64, user_id: i64) -> Result<u64> {
    use sea_orm::PaginatorTrait;
    Ok(notification::Entity::find()
        .filter(notification::Column::TenantId.eq(tenant_id))
        .filter(notification::Column::UserId.eq(user_id))
        .filter(notification::Column::ReadAt.is_null())
        .count(db)
        .await?)
}

pub(crate) async fn mark_read(store: &crate::Store, tenant_id: i64, user_id: i64) -> Result<()> {
    let txn = store.write().await?;
    notification::Entity::update_many()
        .col_expr(notification::Column::ReadAt, sea_orm::sea_query::Expr::value(crate::now()))
        .filter(notification::Column::TenantId.eq(tenant_id))
        .filter(notification::Column::UserId.eq(user_id))
        .filter(notification::Column::ReadAt.is_null())
        .exec(&txn)
        .await?;
    txn.commit().await?;
    Ok(())
}
