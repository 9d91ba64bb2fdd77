//! The atasan's team at work: a grid of staff × competencies rated in one save, and assessment
//! periods ("Penilaian 2027 Semester I") that say who still has to rate whom, with reminders.
//!
//! A staff member is *done* in a period when every competency their position's standard requires
//! has a rating by the atasan (method `supervisor`) dated within the period. Each employee is
//! the task of their nearest atasan: the supervisor of their unit or, failing that (or when the
//! employee is that supervisor), of the nearest unit above.

use std::collections::{HashMap, HashSet};

use cakap_domain::competency::Method;
use cakap_domain::learning::notice::NoticeKind;
use cakap_domain::{FieldError, Permission, Role};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set};
use time::Date;

use crate::audit;
use crate::entity::{app_user, assessment, assessment_period, user_role};
use crate::error::{Result, StoreError};
use crate::ids::next_id;
use crate::scope::Scope;

/// Cells one save may carry (a page of 25 staff × 64 competencies with room to spare).
pub const MAX_GRID_CELLS: usize = 2_000;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Period {
    pub id: i64,
    pub name: String,
    pub starts_on: Date,
    pub ends_on: Date,
    pub reminded_at: Option<time::OffsetDateTime>,
}

fn period(m: assessment_period::Model) -> Period {
    Period { id: m.id, name: m.name, starts_on: m.starts_on, ends_on: m.ends_on, reminded_at: m.reminded_at }
}

/// One cell of the grid: a competency the staff member's standard requires.
#[derive(Debug, Clone)]
pub struct GridCell {
    pub competency_id: i64,
    pub required: u8,
    /// The atasan's latest rating, and its date.
    pub level: Option<u8>,
    pub rated_on: Option<Date>,
    /// Rated within the active period (or ever, when no period is active).
    pub current: bool,
}

#[derive(Debug, Clone)]
pub struct GridRow {
    pub employee_id: i64,
    pub nip: String,
    pub name: String,
    pub position_name: String,
    /// Per column of [`Grid::competencies`]; None where the standard does not require it.
    pub cells: Vec<Option<GridCell>>,
}

impl GridRow {
    pub fn done(&self) -> bool {
        self.cells.iter().flatten().all(|c| c.current)
    }
}

#[derive(Debug, Clone)]
pub struct Grid {
    pub period: Option<Period>,
    /// (id, code, name) in dictionary order: competencies some shown staff member requires.
    pub competencies: Vec<(i64, String, String)>,
    pub rows: Vec<GridRow>,
    /// Staff matching the filter, and the team's staff not yet done.
    pub total: usize,
    pub pending: usize,
    pub staff: usize,
}

/// One atasan's progress in a period.
#[derive(Debug, Clone)]
pub struct AtasanProgress {
    pub user_id: i64,
    pub name: String,
    pub unit_name: String,
    pub staff: usize,
    pub done: usize,
}

/// The handle [`Scope::team`] hands out: a supervisor's own team.
pub struct Team<'a> {
    pub(crate) scope: &'a Scope,
}

/// Assessment periods (reading: `ReadAkpk`; keeping and reminding: `ManageNeeds`).
pub struct Periods<'a> {
    pub(crate) scope: &'a Scope,
}

async fn supervisor_ratings<C: ConnectionTrait>(db: &C, tenant_id: i64, employees: &[i64]) -> Result<Vec<(i64, i64, i16, Date)>> {
    let mut out = vec![];
    for chunk in employees.chunks(1000) {
        let rows: Vec<(i64, i64, i16, Date)> = assessment::Entity::find()
            .select_only()
            .columns([assessment::Column::EmployeeId, assessment::Column::CompetencyId, assessment::Column::Level, assessment::Column::AssessedOn])
            .filter(assessment::Column::TenantId.eq(tenant_id))
            .filter(assessment::Column::Method.eq(Method::Supervisor.code()))
            .filter(assessment::Column::EmployeeId.is_in(chunk.iter().copied()))
            .order_by_asc(assessment::Column::AssessedOn)
            .order_by_asc(assessment::Column::CreatedAt)
            .order_by_asc(assessment::Column::Id)
            .into_tuple()
            .all(db)
            .await?;
        out.extend(rows);
    }
    Ok(out)
}

/// The period active on `day`: the latest to start among those containing it.
async fn active_on<C: ConnectionTrait>(db: &C, tenant_id: i64, day: Date) -> Result<Option<Period>> {
    Ok(assessment_period::Entity::find()
        .filter(assessment_period::Column::TenantId.eq(tenant_id))
        .filter(assessment_period::Column::StartsOn.lte(day))
        .filter(assessment_period::Column::EndsOn.gte(day))
        .order_by_desc(assessment_period::Column::StartsOn)
        .one(db)
        .await?
        .map(period))
}

impl Team<'_> {
    /// The staff of the supervised subtree (not the atasan themself) with the cells to rate;
    /// `only_pending` keeps those not yet done; one page of them.
    pub async fn grid(&self, only_pending: bool, offset: usize, limit: usize) -> Result<Grid> {
        let (scope, db) = (self.scope, &self.scope.store().db);
        let an = scope.team_analysis().await?;
        let me = scope.principal().employee_id();
        let period = active_on(db, scope.tenant_id(), scope.today()).await?;
        let staff: Vec<usize> = (0..an.employees.len()).filter(|ei| Some(an.employees[*ei].id) != me).collect();
        let ids: Vec<i64> = staff.iter().map(|ei| an.employees[*ei].id).collect();
        let mut latest: HashMap<(i64, i64), (u8, Date)> = HashMap::new();
        for (e, c, level, on) in supervisor_ratings(db, scope.tenant_id(), &ids).await? {
            latest.insert((e, c), (u8::try_from(level).unwrap_or(0), on));
        }
        let in_period = |on: Date| period.as_ref().is_none_or(|p| p.starts_on <= on && on <= p.ends_on);
        let mut rows = vec![];
        let mut used: HashSet<usize> = HashSet::new();
        for &ei in &staff {
            let required = an.required(ei);
            used.extend(required.iter().map(|r| r.0));
            rows.push((ei, required));
        }
        let mut cols: Vec<usize> = used.into_iter().collect();
        cols.sort_unstable();
        let col_of: HashMap<usize, usize> = cols.iter().enumerate().map(|(k, ci)| (*ci, k)).collect();
        let mut out: Vec<GridRow> = rows
            .into_iter()
            .map(|(ei, required)| {
                let e = &an.employees[ei];
                let mut cells = vec![None; cols.len()];
                for (ci, req) in required {
                    let c = an.competency(ci).id;
                    let l = latest.get(&(e.id, c));
                    cells[col_of[&ci]] = Some(GridCell {
                        competency_id: c,
                        required: req,
                        level: l.map(|x| x.0),
                        rated_on: l.map(|x| x.1),
                        current: l.is_some_and(|x| in_period(x.1)),
                    });
                }
                GridRow {
                    employee_id: e.id,
                    nip: e.nip.clone(),
                    name: e.name.clone(),
                    position_name: an.positions.get(&e.position_id).map(|p| p.name.clone()).unwrap_or_default(),
                    cells,
                }
            })
            .collect();
        let staff_n = out.len();
        let pending = out.iter().filter(|r| !r.done()).count();
        if only_pending {
            out.retain(|r| !r.done());
        }
        let total = out.len();
        let rows: Vec<GridRow> = out.into_iter().skip(offset).take(limit).collect();
        // Columns: only those the shown rows require, so a page is no wider than it must be.
        let shown: Vec<usize> = (0..cols.len()).filter(|k| rows.iter().any(|r| r.cells[*k].is_some())).collect();
        let rows = rows.into_iter().map(|mut r| GridRow { cells: shown.iter().map(|k| r.cells[*k].take()).collect(), ..r }).collect();
        let competencies = shown
            .iter()
            .map(|k| {
                let c = an.competency(cols[*k]);
                (c.id, c.code.clone(), c.name.clone())
            })
            .collect();
        Ok(Grid { period, competencies, rows, total, pending, staff: staff_n })
    }

    /// Records the atasan's levels, all or nothing: `(employee, competency, level)` per cell.
    /// A cell equal to the current rating (within the active period) is not recorded again.
    /// Errors name the employee and the competency. The number of ratings recorded.
    pub async fn save(&self, cells: &[(i64, i64, u8)]) -> Result<usize> {
        let scope = self.scope;
        if cells.len() > MAX_GRID_CELLS {
            return Err(StoreError::invalid("grid", format!("paling banyak {MAX_GRID_CELLS} nilai sekali simpan; simpan per halaman")));
        }
        let grid = self.grid(false, 0, usize::MAX).await?;
        let names: HashMap<i64, &str> = grid.competencies.iter().map(|c| (c.0, c.2.as_str())).collect();
        let rows: HashMap<i64, &GridRow> = grid.rows.iter().map(|r| (r.employee_id, r)).collect();
        let mut errs = vec![];
        let mut todo = vec![];
        for &(e, c, level) in cells {
            let Some(row) = rows.get(&e) else {
                errs.push(FieldError::new("grid", format!("pegawai {e} bukan staf di unit Anda")));
                continue;
            };
            let Some(cell) = row.cells.iter().flatten().find(|x| x.competency_id == c) else {
                errs.push(FieldError::new("grid", format!("{}: kompetensi {c} tidak dipersyaratkan jabatannya", row.name)));
                continue;
            };
            if !(1..=5).contains(&level) {
                errs.push(FieldError::new("grid", format!("{}, {}: level harus 1–5", row.name, names.get(&c).unwrap_or(&""))));
                continue;
            }
            if cell.current && cell.level == Some(level) {
                continue;
            }
            todo.push((e, c, level));
        }
        if !errs.is_empty() {
            return Err(StoreError::Invalid(errs));
        }
        let (t, ctx, today) = (scope.tenant_id(), scope.ctx(), scope.today());
        let evidence = match &grid.period {
            Some(p) => format!("Penilaian atasan, {}", p.name),
            None => "Penilaian atasan".to_string(),
        };
        let txn = scope.store().write().await?;
        let mut versions: HashMap<i64, cakap_domain::competency::Competency> = HashMap::new();
        let mut noted: HashSet<i64> = HashSet::new();
        for &(e, c, level) in &todo {
            if let std::collections::hash_map::Entry::Vacant(slot) = versions.entry(c) {
                slot.insert(super::assessments::active_competency(&txn, t, c).await?);
            }
            let input = super::assessments::AssessmentInput {
                competency_id: c,
                level,
                method: Method::Supervisor,
                assessed_on: today,
                evidence: evidence.clone(),
                rater_name: scope.principal().name().to_string(),
            };
            let m = super::assessments::model(t, e, &versions[&c], &input, ctx.user_id).insert(&txn).await?;
            // One change note per employee is enough for the kept analysis.
            let change = noted.insert(e).then_some(super::changes::Change::Employee(e));
            audit::record_change(&txn, &ctx, t, ("create", cakap_domain::audit::AuditEntity::Assessment, m.id.to_string()), change, None::<&()>, Some(&input))
                .await?;
        }
        txn.commit().await?;
        Ok(todo.len())
    }
}

impl Periods<'_> {
    pub async fn list(&self) -> Result<Vec<Period>> {
        Ok(assessment_period::Entity::find()
            .filter(assessment_period::Column::TenantId.eq(self.scope.tenant_id()))
            .order_by_desc(assessment_period::Column::StartsOn)
            .limit(200)
            .all(&self.scope.store().db)
            .await?
            .into_iter()
            .map(period)
            .collect())
    }

    pub async fn get(&self, id: i64) -> Result<Period> {
        assessment_period::Entity::find_by_id((self.scope.tenant_id(), id)).one(&self.scope.store().db).await?.map(period).ok_or(StoreError::NotFound)
    }

    /// The period active today in the tenant's zone.
    pub async fn active(&self) -> Result<Option<Period>> {
        active_on(&self.scope.store().db, self.scope.tenant_id(), self.scope.today()).await
    }

    pub async fn create(&self, name: &str, starts_on: Date, ends_on: Date) -> Result<Period> {
        self.scope.require(Permission::ManageNeeds)?;
        let errs = cakap_domain::akpk::check_period(name, starts_on, ends_on);
        if !errs.is_empty() {
            return Err(StoreError::Invalid(errs));
        }
        let (t, ctx) = (self.scope.tenant_id(), self.scope.ctx());
        let txn = self.scope.store().write().await?;
        let m = assessment_period::ActiveModel {
            tenant_id: Set(t),
            id: Set(next_id()),
            name: Set(name.trim().to_string()),
            starts_on: Set(starts_on),
            ends_on: Set(ends_on),
            reminded_at: Set(None),
            created_by: Set(ctx.user_id),
            created_at: Set(crate::now()),
        }
        .insert(&txn)
        .await?;
        audit::record(
            &txn,
            &ctx,
            t,
            ("create", cakap_domain::audit::AuditEntity::AssessmentPeriod, m.id),
            None::<&()>,
            Some(&serde_json::json!({"name": m.name})),
        )
        .await?;
        txn.commit().await?;
        Ok(period(m))
    }

    /// Each atasan's staff and how many are done in the period, the most behind first.
    pub async fn progress(&self, id: i64) -> Result<Vec<AtasanProgress>> {
        self.scope.require(Permission::ManageNeeds)?;
        self.progress_in(&self.get(id).await?).await
    }

    async fn progress_in(&self, p: &Period) -> Result<Vec<AtasanProgress>> {
        let (t, db) = (self.scope.tenant_id(), &self.scope.store().db);
        let an = self.scope.analysis_unchecked().await?;
        // Supervisors by unit.
        let grants =
            user_role::Entity::find().filter(user_role::Column::TenantId.eq(t)).filter(user_role::Column::Role.eq(Role::Supervisor.code())).all(db).await?;
        let users: HashMap<i64, app_user::Model> = app_user::Entity::find()
            .filter(app_user::Column::TenantId.eq(t))
            .filter(app_user::Column::Active.eq(true))
            .filter(app_user::Column::Id.is_in(grants.iter().map(|g| g.user_id)))
            .all(db)
            .await?
            .into_iter()
            .map(|u| (u.id, u))
            .collect();
        let mut by_unit: HashMap<i64, Vec<(i64, Option<i64>)>> = HashMap::new();
        for g in &grants {
            if let (Some(u), Some(user)) = (g.unit_id, users.get(&g.user_id)) {
                by_unit.entry(u).or_default().push((user.id, user.employee_id));
            }
        }
        // Pairs rated by an atasan within the period.
        let rated: HashSet<(i64, i64)> = assessment::Entity::find()
            .select_only()
            .columns([assessment::Column::EmployeeId, assessment::Column::CompetencyId])
            .filter(assessment::Column::TenantId.eq(t))
            .filter(assessment::Column::Method.eq(Method::Supervisor.code()))
            .filter(assessment::Column::AssessedOn.between(p.starts_on, p.ends_on))
            .distinct()
            .into_tuple::<(i64, i64)>()
            .all(db)
            .await?
            .into_iter()
            .collect();
        let mut tally: HashMap<i64, (usize, usize)> = HashMap::new();
        for (ei, e) in an.employees.iter().enumerate() {
            let Some(atasan) = nearest_atasan(&an, &by_unit, e.unit_id, e.id) else { continue };
            let done = an.required(ei).iter().all(|(ci, _)| rated.contains(&(e.id, an.competency(*ci).id)));
            let x = tally.entry(atasan).or_default();
            x.0 += 1;
            x.1 += usize::from(done);
        }
        let unit_of: HashMap<i64, i64> = grants.iter().filter_map(|g| Some((g.user_id, g.unit_id?))).collect();
        let mut out: Vec<AtasanProgress> = tally
            .into_iter()
            .filter_map(|(user_id, (staff, done))| {
                let u = users.get(&user_id)?;
                let unit_name = unit_of.get(&user_id).and_then(|id| an.units.get(id)).map(|x| x.name.clone()).unwrap_or_default();
                Some(AtasanProgress { user_id, name: u.name.clone(), unit_name, staff, done })
            })
            .collect();
        out.sort_by(|a, b| (b.staff - b.done).cmp(&(a.staff - a.done)).then(a.name.cmp(&b.name)));
        Ok(out)
    }

    /// Tells every atasan with staff not yet done how many remain (a notification, and e-mail
    /// when configured). The number of atasan told.
    pub async fn remind(&self, id: i64) -> Result<usize> {
        self.scope.require(Permission::ManageNeeds)?;
        let p = self.get(id).await?;
        let progress = self.progress_in(&p).await?;
        let (t, ctx) = (self.scope.tenant_id(), self.scope.ctx());
        let txn = self.scope.store().write().await?;
        let mut told = 0;
        for a in progress.iter().filter(|a| a.done < a.staff) {
            let body = NoticeKind::AssessmentDue.sentence(&p.name, &cakap_domain::format::int((a.staff - a.done) as i64));
            crate::learning::notify::users(&txn, t, &[a.user_id], NoticeKind::AssessmentDue, &body, "/akpk/tim/penilaian?belum=1").await?;
            told += 1;
        }
        let mut am: assessment_period::ActiveModel = assessment_period::Entity::find_by_id((t, id)).one(&txn).await?.ok_or(StoreError::NotFound)?.into();
        am.reminded_at = Set(Some(crate::now()));
        am.update(&txn).await?;
        audit::record(
            &txn,
            &ctx,
            t,
            ("remind", cakap_domain::audit::AuditEntity::AssessmentPeriod, id),
            None::<&()>,
            Some(&serde_json::json!({"atasan": told})),
        )
        .await?;
        txn.commit().await?;
        Ok(told)
    }
}

/// The user who rates employee `employee_id` of unit `unit_id`: a supervisor of the unit who is
/// not the employee, else of the nearest unit above.
fn nearest_atasan(an: &super::analysis::Analysis, by_unit: &HashMap<i64, Vec<(i64, Option<i64>)>>, unit_id: i64, employee_id: i64) -> Option<i64> {
    let mut at = an.units.get(&unit_id);
    for _ in 0..64 {
        let u = at?;
        if let Some(s) = by_unit.get(&u.id).and_then(|v| v.iter().find(|(_, e)| *e != Some(employee_id))) {
            return Some(s.0);
        }
        at = u.parent_id.and_then(|p| an.units.get(&p));
    }
    None
}
