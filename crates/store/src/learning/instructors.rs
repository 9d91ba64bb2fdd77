//! A class's instructors: widyaiswara who are users of the tenant (they then mark attendance and
//! show the check-in QR), or a partner's people known by name; and the clash check over the
//! sessions of every class that shares an instructor, a room or a participant.

use std::collections::HashMap;

use cakap_domain::audit::AuditEntity;
use cakap_domain::learning::clash::{self, Holder, Slot};
use cakap_domain::learning::enrollment::EnrollmentStatus;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Set};
use serde::Serialize;

use crate::Store;
use crate::audit::{self, Ctx};
use crate::entity::{app_user, enrollment, meeting, offering, offering_instructor, user_role};
use crate::error::{Result, StoreError};
use crate::ids::next_id;

pub const NAME_MAX: usize = 200;
pub const ORGANISATION_MAX: usize = 200;
/// Most instructors one class may have.
pub const MAX_PER_CLASS: u64 = 30;

#[derive(Debug, Clone, Serialize)]
pub struct Instructor {
    pub id: i64,
    pub user_id: Option<i64>,
    pub name: String,
    pub organisation: String,
}

/// Adds an instructor: a user of the tenant with the instructor role, or a name.
pub(crate) async fn add(store: &Store, ctx: &Ctx, offering_id: i64, user_id: Option<i64>, name: &str, organisation: &str) -> Result<i64> {
    let mut errs = vec![];
    errs.extend(cakap_domain::text::check("name", "nama instruktur", name, NAME_MAX, false));
    errs.extend(cakap_domain::text::check("organisation", "asal instansi/mitra", organisation, ORGANISATION_MAX, false));
    if user_id.is_none() && name.trim().is_empty() {
        errs.push(cakap_domain::FieldError::new("name", "pilih widyaiswara atau tuliskan nama instruktur"));
    }
    if !errs.is_empty() {
        return Err(StoreError::Invalid(errs));
    }
    let txn = store.write().await?;
    offering::Entity::find_by_id((ctx.tenant_id, offering_id)).one(&txn).await?.ok_or(StoreError::NotFound)?;
    let count = offering_instructor::Entity::find()
        .filter(offering_instructor::Column::TenantId.eq(ctx.tenant_id))
        .filter(offering_instructor::Column::OfferingId.eq(offering_id))
        .count(&txn)
        .await?;
    if count >= MAX_PER_CLASS {
        return Err(StoreError::invalid("name", format!("satu kelas paling banyak {MAX_PER_CLASS} instruktur")));
    }
    let mut display = name.trim().to_string();
    if let Some(u) = user_id {
        let user = app_user::Entity::find_by_id(u)
            .one(&txn)
            .await?
            .filter(|x| x.tenant_id == Some(ctx.tenant_id) && x.active)
            .ok_or_else(|| StoreError::invalid("user_id", "widyaiswara tidak ditemukan"))?;
        let teaches = user_role::Entity::find_by_id((ctx.tenant_id, u, cakap_domain::Role::Instructor.code().to_string())).one(&txn).await?.is_some();
        if !teaches {
            return Err(StoreError::invalid("user_id", "pengguna ini tidak berperan sebagai widyaiswara/fasilitator"));
        }
        display = user.name;
    }
    let id = next_id();
    let row = offering_instructor::ActiveModel {
        tenant_id: Set(ctx.tenant_id),
        id: Set(id),
        offering_id: Set(offering_id),
        user_id: Set(user_id),
        name: Set(display),
        organisation: Set(organisation.trim().into()),
    }
    .insert(&txn)
    .await?;
    audit::record(&txn, ctx, ctx.tenant_id, ("add_instructor", AuditEntity::Offering, offering_id), None::<&()>, Some(&row)).await?;
    txn.commit().await?;
    Ok(id)
}

pub(crate) async fn of<C: ConnectionTrait>(db: &C, tenant_id: i64, offering_id: i64) -> Result<Vec<Instructor>> {
    Ok(offering_instructor::Entity::find()
        .filter(offering_instructor::Column::TenantId.eq(tenant_id))
        .filter(offering_instructor::Column::OfferingId.eq(offering_id))
        .order_by_asc(offering_instructor::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(|r| Instructor { id: r.id, user_id: r.user_id, name: r.name, organisation: r.organisation })
        .collect())
}

/// The classes a user teaches.
pub(crate) async fn classes_of<C: ConnectionTrait>(db: &C, tenant_id: i64, user_id: i64) -> Result<Vec<i64>> {
    Ok(offering_instructor::Entity::find()
        .filter(offering_instructor::Column::TenantId.eq(tenant_id))
        .filter(offering_instructor::Column::UserId.eq(user_id))
        .all(db)
        .await?
        .into_iter()
        .map(|r| r.offering_id)
        .collect())
}

/// A clash that involves one of a class's sessions, as its page says it.
#[derive(Debug, Clone, Serialize)]
pub struct ClashRow {
    /// "Instruktur Dr. Rina", "Ruang Aula Lt. 2", "Peserta Siti Aminah".
    pub who: String,
    /// The session of this class.
    pub session_id: i64,
    pub starts_at: time::OffsetDateTime,
    /// The other session's class.
    pub other_offering_id: i64,
    pub other_title: String,
    pub other_starts_at: time::OffsetDateTime,
}

/// Clashes between this class's sessions and any session of the tenant in the same days (or of
/// this class itself), per instructor (user, or the same name), room and seat holder.
pub(crate) async fn clashes<C: ConnectionTrait>(db: &C, tenant_id: i64, offering_id: i64) -> Result<Vec<ClashRow>> {
    let own = meeting::Entity::find().filter(meeting::Column::TenantId.eq(tenant_id)).filter(meeting::Column::OfferingId.eq(offering_id)).all(db).await?;
    let (Some(from), Some(to)) = (own.iter().map(|m| m.starts_at).min(), own.iter().map(|m| m.ends_at).max()) else { return Ok(vec![]) };
    let around = meeting::Entity::find()
        .filter(meeting::Column::TenantId.eq(tenant_id))
        .filter(meeting::Column::StartsAt.lt(to))
        .filter(meeting::Column::EndsAt.gt(from))
        .limit(5_000)
        .all(db)
        .await?;
    let classes: Vec<i64> = {
        let mut v: Vec<i64> = around.iter().map(|m| m.offering_id).collect();
        v.sort_unstable();
        v.dedup();
        v
    };
    let titles: HashMap<i64, String> = offering::Entity::find()
        .filter(offering::Column::TenantId.eq(tenant_id))
        .filter(offering::Column::Id.is_in(classes.clone()))
        .all(db)
        .await?
        .into_iter()
        .map(|o| (o.id, o.title))
        .collect();
    let teachers = offering_instructor::Entity::find()
        .filter(offering_instructor::Column::TenantId.eq(tenant_id))
        .filter(offering_instructor::Column::OfferingId.is_in(classes.clone()))
        .all(db)
        .await?;
    let seats: Vec<enrollment::Model> = enrollment::Entity::find()
        .filter(enrollment::Column::TenantId.eq(tenant_id))
        .filter(enrollment::Column::OfferingId.is_in(classes))
        .all(db)
        .await?
        .into_iter()
        .filter(|e| EnrollmentStatus::from_code(&e.status).is_some_and(|s| s.holds_seat()))
        .collect();
    // Instructors by user id, or by name for people without an account: one key space.
    let mut names: HashMap<i64, String> = HashMap::new();
    // People without an account get negative keys, one per name (case and spaces ignored).
    let mut by_name: HashMap<String, i64> = HashMap::new();
    let mut key = |t: &offering_instructor::Model| match t.user_id {
        Some(u) => u,
        None => {
            let n = by_name.len() as i64;
            *by_name.entry(t.name.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase()).or_insert(-(n + 1))
        }
    };
    let slots: Vec<Slot> = around
        .iter()
        .map(|m| {
            let mut holders = vec![];
            for t in teachers.iter().filter(|t| t.offering_id == m.offering_id) {
                let k = key(t);
                names.insert(k, format!("Instruktur {}", t.name));
                holders.push(Holder::Instructor(k));
            }
            holders.extend(Holder::room(&m.place));
            holders.extend(seats.iter().filter(|e| e.offering_id == m.offering_id).map(|e| Holder::Participant(e.employee_id)));
            Slot { session_id: m.id, starts_at: m.starts_at, ends_at: m.ends_at, holders }
        })
        .collect();
    let by_id: HashMap<i64, &meeting::Model> = around.iter().map(|m| (m.id, m)).collect();
    let people: Vec<i64> = seats.iter().map(|e| e.employee_id).collect();
    let person_names: HashMap<i64, String> = crate::entity::employee::Entity::find()
        .filter(crate::entity::employee::Column::TenantId.eq(tenant_id))
        .filter(crate::entity::employee::Column::Id.is_in(people))
        .all(db)
        .await?
        .into_iter()
        .map(|e| (e.id, e.name))
        .collect();
    let mut out = vec![];
    for c in clash::clashes(&slots) {
        let (Some(a), Some(b)) = (by_id.get(&c.first), by_id.get(&c.second)) else { continue };
        let (mine, other) = if a.offering_id == offering_id {
            (a, b)
        } else if b.offering_id == offering_id {
            (b, a)
        } else {
            continue;
        };
        let who = match &c.holder {
            Holder::Instructor(k) => names.get(k).cloned().unwrap_or_default(),
            Holder::Room(_) => format!("Ruang {}", mine.place.trim()),
            Holder::Participant(e) => format!("Peserta {}", person_names.get(e).cloned().unwrap_or_default()),
        };
        out.push(ClashRow {
            who,
            session_id: mine.id,
            starts_at: mine.starts_at,
            other_offering_id: other.offering_id,
            other_title: titles.get(&other.offering_id).cloned().unwrap_or_default(),
            other_starts_at: other.starts_at,
        });
    }
    Ok(out)
}

/// The tenant's active accounts with the instructor role: (user id, name), by name.
pub(crate) async fn accounts<C: ConnectionTrait>(db: &C, tenant_id: i64) -> Result<Vec<(i64, String)>> {
    let ids: Vec<i64> = user_role::Entity::find()
        .filter(user_role::Column::TenantId.eq(tenant_id))
        .filter(user_role::Column::Role.eq(cakap_domain::Role::Instructor.code()))
        .all(db)
        .await?
        .into_iter()
        .map(|r| r.user_id)
        .collect();
    let mut out: Vec<(i64, String)> = app_user::Entity::find()
        .filter(app_user::Column::TenantId.eq(tenant_id))
        .filter(app_user::Column::Id.is_in(ids))
        .filter(app_user::Column::Active.eq(true))
        .all(db)
        .await?
        .into_iter()
        .map(|u| (u.id, u.name))
        .collect();
    out.sort_by(|a, b| a.1.cmp(&b.1));
    Ok(out)
}
