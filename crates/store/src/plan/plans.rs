//! The annual plan: generated from the ranked needs and the catalogue by the optimizer
//! (`cakap_domain::plan::build`), kept with its items (Pasal 207's seven contents), who is seated
//! where, who is left out and why, and its workflow history. An approved version is frozen; a
//! revision copies it into a new draft version, and the page shows the differences.

use std::collections::{BTreeMap, HashMap};

use cakap_domain::audit::AuditEntity;
use cakap_domain::plan::build::{self, LeftOut, NeedIn, Outcome, ProgramIn, Rules, WhatIf};
use cakap_domain::plan::workflow::{PlanAction, PlanStatus};
use cakap_domain::{FieldError, PositionKind};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, FromQueryResult, PaginatorTrait, QueryFilter, QueryOrder, Set, Statement};
use serde::{Deserialize, Serialize};

use super::catalogue::Catalogue;
use crate::Store;
use crate::audit::{self, Ctx};
use crate::entity::{plan, plan_event, plan_item, plan_left_out, plan_seat};
use crate::error::{Result, StoreError, code};
use crate::ids::next_id;

/// The largest budget a plan takes (Rp 10 triliun): far above any instansi's training budget,
/// and small enough that +50% cannot overflow.
pub const MAX_BUDGET: i64 = 10_000_000_000_000;
/// Plans kept per tenant (all years and versions) before the oldest must go.
pub const MAX_PLANS: usize = 500;
pub const TITLE_MAX: usize = 200;
pub const COMMENT_MAX: usize = 2_000;

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Plan {
    pub id: i64,
    pub year: i32,
    pub version: i32,
    pub status: PlanStatus,
    pub title: String,
    pub budget: i64,
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub rules: Rules,
    /// Total value of the needs covered (priority points × share of gap closed × 12).
    pub value: i64,
    pub cost: i64,
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<Object>))]
    pub what_if: Vec<WhatIf>,
    /// Rules the budget could not honour, in words.
    pub unmet: Vec<String>,
    pub based_on: Option<i64>,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub updated_at: time::OffsetDateTime,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PlanItem {
    pub id: i64,
    pub program_id: i64,
    pub classes: i32,
    pub participants: i32,
    pub budget: i64,
    /// Quarter of the year, 1–4.
    pub quarter: i16,
    pub curriculum_fit: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, FromQueryResult)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Seat {
    pub employee_id: i64,
    pub nip: String,
    pub name: String,
    pub unit_id: i64,
    pub item_id: i64,
    pub value: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LeftOutRow {
    pub employee_id: i64,
    pub nip: String,
    pub name: String,
    pub unit_id: i64,
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub reason: LeftOut,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PlanEvent {
    pub action: PlanAction,
    pub user_name: String,
    pub note: String,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub at: time::OffsetDateTime,
}

/// A plan with everything its page, print and export show.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PlanDetail {
    pub plan: Plan,
    pub items: Vec<PlanItem>,
    pub seats: Vec<Seat>,
    pub left_out: Vec<LeftOutRow>,
    pub events: Vec<PlanEvent>,
}

/// How a revision differs from the version it revises, per program.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ItemDiff {
    pub program_id: i64,
    pub participants_before: i32,
    pub participants_after: i32,
    pub budget_before: i64,
    pub budget_after: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PlanDiff {
    pub base_version: i32,
    pub items: Vec<ItemDiff>,
    /// Employees seated now and not before, and the other way round.
    pub added: Vec<Seat>,
    pub removed: Vec<Seat>,
    pub budget_before: i64,
    pub cost_before: i64,
    pub value_before: i64,
}

/// What the planner asks for: the year, a title, the budget ceiling and the rules.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct PlanRequest {
    pub year: i32,
    pub title: String,
    pub budget: i64,
    pub rules: Rules,
}

impl PlanRequest {
    pub fn check(&self, this_year: i32) -> std::result::Result<(), Vec<FieldError>> {
        let mut errs = vec![];
        if !(this_year - 1..=this_year + 2).contains(&self.year) {
            errs.push(FieldError::new("year", format!("tahun rencana harus {}–{}", this_year - 1, this_year + 2)));
        }
        if self.title.trim().is_empty() {
            errs.push(FieldError::new("title", "judul rencana wajib diisi"));
        }
        errs.extend(cakap_domain::text::check("title", "judul rencana", &self.title, TITLE_MAX, false));
        if !(1..=MAX_BUDGET).contains(&self.budget) {
            errs.push(FieldError::new("budget", "pagu anggaran harus Rp 1 – Rp 10.000.000.000.000"));
        }
        if let Some(m) = self.rules.min_per_unit
            && !(1..=1_000).contains(&m)
        {
            errs.push(FieldError::new("min_per_unit", "minimal peserta per unit harus 1–1.000"));
        }
        if let Some((_, pct)) = self.rules.reserve
            && !(1..=100).contains(&pct)
        {
            errs.push(FieldError::new("reserve_percent", "porsi anggaran yang dicadangkan harus 1–100%"));
        }
        if let Some(y) = self.rules.below_minimum_jp
            && !(this_year - 1..=this_year).contains(&y)
        {
            errs.push(FieldError::new("below_minimum_jp", format!("tahun JP yang dihitung harus {} atau {this_year}", this_year - 1)));
        }
        if errs.is_empty() { Ok(()) } else { Err(errs) }
    }
}

pub(crate) fn typed(m: plan::Model) -> Result<Plan> {
    Ok(Plan {
        status: code(PlanStatus::from_code(&m.status), "status rencana", &m.status)?,
        rules: serde_json::from_str(&m.rules).map_err(|e| StoreError::Other(format!("rules: {e}")))?,
        what_if: serde_json::from_str(&m.what_if).map_err(|e| StoreError::Other(format!("what_if: {e}")))?,
        unmet: serde_json::from_str(&m.unmet).map_err(|e| StoreError::Other(format!("unmet: {e}")))?,
        id: m.id,
        year: m.year,
        version: m.version,
        title: m.title,
        budget: m.budget,
        value: m.value,
        cost: m.cost,
        based_on: m.based_on,
        updated_at: m.updated_at,
    })
}

pub(crate) async fn list<C: ConnectionTrait>(db: &C, tenant_id: i64) -> Result<Vec<Plan>> {
    plan::Entity::find()
        .filter(plan::Column::TenantId.eq(tenant_id))
        .order_by_desc(plan::Column::Year)
        .order_by_desc(plan::Column::Version)
        .all(db)
        .await?
        .into_iter()
        .map(typed)
        .collect()
}

async fn get_model<C: ConnectionTrait>(db: &C, tenant_id: i64, id: i64) -> Result<plan::Model> {
    plan::Entity::find_by_id((tenant_id, id)).one(db).await?.ok_or(StoreError::NotFound)
}

#[derive(FromQueryResult)]
struct LeftRaw {
    employee_id: i64,
    nip: String,
    name: String,
    unit_id: i64,
    reason: String,
}

pub(crate) async fn detail<C: ConnectionTrait>(db: &C, tenant_id: i64, id: i64) -> Result<PlanDetail> {
    let plan = typed(get_model(db, tenant_id, id).await?)?;
    let items = plan_item::Entity::find()
        .filter(plan_item::Column::TenantId.eq(tenant_id))
        .filter(plan_item::Column::PlanId.eq(id))
        .order_by_asc(plan_item::Column::Quarter)
        .order_by_desc(plan_item::Column::Participants)
        .all(db)
        .await?
        .into_iter()
        .map(|m| PlanItem {
            id: m.id,
            program_id: m.program_id,
            classes: m.classes,
            participants: m.participants,
            budget: m.budget,
            quarter: m.quarter,
            curriculum_fit: m.curriculum_fit,
        })
        .collect();
    let backend = db.get_database_backend();
    let seats = Seat::find_by_statement(Statement::from_sql_and_values(
        backend,
        "SELECT s.employee_id, e.nip, e.name, e.unit_id, s.item_id, s.value FROM plan_seat s JOIN employee e ON e.tenant_id = s.tenant_id AND e.id = s.employee_id WHERE s.tenant_id = $1 AND s.plan_id = $2 ORDER BY e.name, e.id",
        [tenant_id.into(), id.into()],
    ))
    .all(db)
    .await?;
    let left_out = LeftRaw::find_by_statement(Statement::from_sql_and_values(
        backend,
        "SELECT l.employee_id, e.nip, e.name, e.unit_id, l.reason FROM plan_left_out l JOIN employee e ON e.tenant_id = l.tenant_id AND e.id = l.employee_id WHERE l.tenant_id = $1 AND l.plan_id = $2 ORDER BY l.reason, e.name, e.id",
        [tenant_id.into(), id.into()],
    ))
    .all(db)
    .await?
    .into_iter()
    .map(|r| Ok(LeftOutRow { reason: code(LeftOut::from_code(&r.reason), "alasan", &r.reason)?, employee_id: r.employee_id, nip: r.nip, name: r.name, unit_id: r.unit_id }))
    .collect::<Result<Vec<_>>>()?;
    let events = plan_event::Entity::find()
        .filter(plan_event::Column::TenantId.eq(tenant_id))
        .filter(plan_event::Column::PlanId.eq(id))
        .order_by_asc(plan_event::Column::At)
        .order_by_asc(plan_event::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(|m| Ok(PlanEvent { action: code(PlanAction::from_code(&m.action), "langkah", &m.action)?, user_name: m.user_name, note: m.note, at: m.at }))
        .collect::<Result<Vec<_>>>()?;
    Ok(PlanDetail { plan, items, seats, left_out, events })
}

/// The differences of a revision from the version it revises; None for a first version.
pub(crate) async fn diff<C: ConnectionTrait>(db: &C, tenant_id: i64, now: &PlanDetail) -> Result<Option<PlanDiff>> {
    let Some(base) = now.plan.based_on else { return Ok(None) };
    let before = detail(db, tenant_id, base).await?;
    let mut per: BTreeMap<i64, ItemDiff> = BTreeMap::new();
    let blank = |program_id| ItemDiff { program_id, participants_before: 0, participants_after: 0, budget_before: 0, budget_after: 0 };
    for i in &before.items {
        let d = per.entry(i.program_id).or_insert_with(|| blank(i.program_id));
        d.participants_before = i.participants;
        d.budget_before = i.budget;
    }
    for i in &now.items {
        let d = per.entry(i.program_id).or_insert_with(|| blank(i.program_id));
        d.participants_after = i.participants;
        d.budget_after = i.budget;
    }
    let item_program = |d: &PlanDetail| d.items.iter().map(|i| (i.id, i.program_id)).collect::<HashMap<i64, i64>>();
    let (ip_before, ip_now) = (item_program(&before), item_program(now));
    let was: HashMap<i64, i64> = before.seats.iter().map(|s| (s.employee_id, ip_before.get(&s.item_id).copied().unwrap_or_default())).collect();
    let is: HashMap<i64, i64> = now.seats.iter().map(|s| (s.employee_id, ip_now.get(&s.item_id).copied().unwrap_or_default())).collect();
    let added = now.seats.iter().filter(|s| was.get(&s.employee_id) != is.get(&s.employee_id)).cloned().collect();
    let removed = before.seats.iter().filter(|s| !is.contains_key(&s.employee_id)).cloned().collect();
    Ok(Some(PlanDiff {
        base_version: before.plan.version,
        items: per.into_values().filter(|d| d.participants_before != d.participants_after || d.budget_before != d.budget_after).collect(),
        added,
        removed,
        budget_before: before.plan.budget,
        cost_before: before.plan.cost,
        value_before: before.plan.value,
    }))
}

/// The optimizer's inputs from the needs list, the JP ledger's totals of this year and the
/// catalogue: needs of employees only (a unit's or the instansi's need seats nobody), programs
/// that may be planned today.
pub(crate) fn inputs(rows: &[crate::akpk::analysis::NeedRow], jp: &HashMap<i64, u32>, cat: &Catalogue, today: time::Date) -> (Vec<NeedIn>, Vec<ProgramIn>) {
    let needs = rows
        .iter()
        .filter_map(|r| {
            Some(NeedIn {
                employee_id: r.employee_id?,
                unit_id: r.unit_id?,
                kind: r.position_kind,
                competency_id: r.competency_id,
                actual: r.actual,
                required: r.required,
                gap: r.gap,
                priority: r.priority,
                jp: r.employee_id.and_then(|e| jp.get(&e)).copied().unwrap_or(0),
                position: r.position_name.clone(),
            })
        })
        .collect();
    let programs = cat
        .programs
        .iter()
        .filter(|p| cat.plannable(p, today))
        .map(|p| ProgramIn {
            id: p.id,
            jalur: p.jalur,
            fixed_cost: p.fixed_cost.max(0) as u64,
            cost_per_participant: p.cost_per_participant.max(0) as u64,
            capacity: p.capacity.max(1) as u64,
            competencies: p.competencies.iter().map(|c| (c.competency_id, c.target_level)).collect(),
            suits: p.suits.clone(),
            audience: p.audience.clone(),
        })
        .collect();
    (needs, programs)
}

/// The optimizer's run for a request: the plan and what more budget would buy (CPU work, off
/// the async threads). Each of the four solves done adds one to `steps` (the job page's
/// progress).
pub(crate) async fn optimise(needs: Vec<NeedIn>, programs: Vec<ProgramIn>, budget: u64, rules: Rules, steps: &Steps) -> Result<(Outcome, Vec<WhatIf>)> {
    let steps = steps.clone();
    tokio::task::spawn_blocking(move || {
        let o = build::plan(&needs, &programs, budget, &rules);
        steps.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let w = build::WHAT_IF_PERCENTS
            .into_iter()
            .map(|pct| {
                let w = build::what_if_at(&needs, &programs, budget, &rules, pct);
                steps.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                w
            })
            .collect();
        (o, w)
    })
    .await
    .map_err(|e| StoreError::Other(format!("optimizer: {e}")))
}

fn fit_text(cat: &Catalogue, program_id: i64, names: &HashMap<i64, String>, n: usize) -> String {
    let Some(p) = cat.programs.iter().find(|p| p.id == program_id) else { return String::new() };
    let comps: Vec<String> =
        p.competencies.iter().map(|c| format!("{} (sampai level {})", names.get(&c.competency_id).cloned().unwrap_or_default(), c.target_level)).collect();
    format!("Mengembangkan {} bagi {n} peserta yang memiliki kesenjangan pada kompetensi tersebut.", comps.join(", "))
}

async fn event<C: ConnectionTrait>(db: &C, ctx: &Ctx, user_name: &str, plan_id: i64, action: PlanAction, note: &str) -> Result<()> {
    plan_event::ActiveModel {
        tenant_id: Set(ctx.tenant_id),
        id: Set(next_id()),
        plan_id: Set(plan_id),
        action: Set(action.code().into()),
        user_id: Set(ctx.user_id),
        user_name: Set(user_name.into()),
        note: Set(note.trim().into()),
        at: Set(crate::now()),
    }
    .insert(db)
    .await?;
    Ok(())
}

async fn clear<C: ConnectionTrait>(db: &C, tenant_id: i64, plan_id: i64) -> Result<()> {
    plan_seat::Entity::delete_many().filter(plan_seat::Column::TenantId.eq(tenant_id)).filter(plan_seat::Column::PlanId.eq(plan_id)).exec(db).await?;
    plan_left_out::Entity::delete_many()
        .filter(plan_left_out::Column::TenantId.eq(tenant_id))
        .filter(plan_left_out::Column::PlanId.eq(plan_id))
        .exec(db)
        .await?;
    plan_item::Entity::delete_many().filter(plan_item::Column::TenantId.eq(tenant_id)).filter(plan_item::Column::PlanId.eq(plan_id)).exec(db).await?;
    Ok(())
}

/// Writes an outcome's items, seats and left-out rows for `plan_id` (which has none). Quarters
/// and curriculum-fit texts the planner set on an earlier run are kept per program.
async fn write_outcome<C: ConnectionTrait>(
    db: &C,
    tenant_id: i64,
    plan_id: i64,
    o: &Outcome,
    cat: &Catalogue,
    names: &HashMap<i64, String>,
    kept: &HashMap<i64, (i16, String)>,
) -> Result<()> {
    let mut seated: BTreeMap<i64, u64> = BTreeMap::new();
    for (_, p, _) in &o.seats {
        *seated.entry(*p).or_default() += 1;
    }
    let mut item_of: HashMap<i64, i64> = HashMap::new();
    // Programs with the most participants first, spread over the four quarters.
    let mut order: Vec<(i64, u64)> = o.classes.iter().map(|(p, n)| (*p, *n)).collect();
    order.sort_by_key(|(p, _)| std::cmp::Reverse(seated.get(p).copied().unwrap_or(0)));
    for (i, (p, classes)) in order.iter().enumerate() {
        let prog = cat.programs.iter().find(|x| x.id == *p).ok_or_else(|| StoreError::Other(format!("program {p} hilang dari katalog")))?;
        let n = seated.get(p).copied().unwrap_or(0);
        let id = next_id();
        item_of.insert(*p, id);
        let (quarter, fit) = kept.get(p).cloned().unwrap_or_else(|| ((i % 4 + 1) as i16, fit_text(cat, *p, names, n as usize)));
        plan_item::ActiveModel {
            tenant_id: Set(tenant_id),
            id: Set(id),
            plan_id: Set(plan_id),
            program_id: Set(*p),
            classes: Set(*classes as i32),
            participants: Set(n as i32),
            budget: Set((*classes as i64) * prog.fixed_cost + n as i64 * prog.cost_per_participant),
            quarter: Set(quarter),
            curriculum_fit: Set(fit),
        }
        .insert(db)
        .await?;
    }
    for chunk in o.seats.chunks(1000) {
        let rows = chunk.iter().map(|(e, p, v)| plan_seat::ActiveModel {
            tenant_id: Set(tenant_id),
            plan_id: Set(plan_id),
            employee_id: Set(*e),
            item_id: Set(item_of[p]),
            value: Set(*v as i64),
        });
        plan_seat::Entity::insert_many(rows).exec(db).await?;
    }
    for chunk in o.left_out.chunks(1000) {
        let rows = chunk.iter().map(|(e, r)| plan_left_out::ActiveModel {
            tenant_id: Set(tenant_id),
            plan_id: Set(plan_id),
            employee_id: Set(*e),
            reason: Set(r.code().into()),
        });
        plan_left_out::Entity::insert_many(rows).exec(db).await?;
    }
    Ok(())
}

/// Everything a run needs that the scope reads: needs, catalogue, competency names, today.
pub struct RunInputs {
    pub needs: Vec<NeedIn>,
    pub programs: Vec<ProgramIn>,
    pub catalogue: Catalogue,
    pub names: HashMap<i64, String>,
    pub user_name: String,
}

/// Progress of a generation, in solves done (see [`GENERATION_STEPS`]).
pub type Steps = std::sync::Arc<std::sync::atomic::AtomicU32>;

/// Steps of a generation as its job page counts them: reading the needs and the catalogue, the
/// plan's solve, the three what-if solves, writing.
pub const GENERATION_STEPS: u32 = 6;

/// What a stage of a generation is called on its job page, by steps done.
pub fn generation_stage(done: u32) -> &'static str {
    match done {
        0 => "Membaca kebutuhan dan katalog",
        1 => "Memilih peserta dan kelas dalam pagu",
        2 => "Menghitung tambahan anggaran +10%",
        3 => "Menghitung tambahan anggaran +25%",
        4 => "Menghitung tambahan anggaran +50%",
        _ => "Menyimpan rencana",
    }
}

/// Why a new plan for `req.year` cannot be made, checked before any work starts.
pub(crate) async fn check_new<C: ConnectionTrait>(db: &C, tenant_id: i64, req: &PlanRequest) -> Result<()> {
    let of_tenant = plan::Entity::find().filter(plan::Column::TenantId.eq(tenant_id));
    if of_tenant.clone().filter(plan::Column::Year.eq(req.year)).count(db).await? > 0 {
        return Err(StoreError::invalid("year", format!("rencana tahun {} sudah ada; buka rencana itu untuk menyusun ulang atau merevisinya", req.year)));
    }
    if of_tenant.count(db).await? >= MAX_PLANS as u64 {
        return Err(StoreError::invalid("year", format!("batas {MAX_PLANS} rencana per instansi tercapai")));
    }
    Ok(())
}

/// Why a plan cannot be generated again now (it is submitted or approved).
pub(crate) async fn check_editable<C: ConnectionTrait>(db: &C, tenant_id: i64, id: i64) -> Result<plan::Model> {
    let m = get_model(db, tenant_id, id).await?;
    let status = code(PlanStatus::from_code(&m.status), "status rencana", &m.status)?;
    status.after(PlanAction::Generate, "").map_err(|r| StoreError::Conflict("status", r.0.into()))?;
    Ok(m)
}

/// A new plan for a year (version 1, or the next version when every earlier one is approved and
/// this is not a revision: refused, a revision goes through [`revise`]).
pub(crate) async fn generate(store: &Store, ctx: &Ctx, req: &PlanRequest, run: RunInputs, steps: &Steps) -> Result<i64> {
    check_new(&store.db, ctx.tenant_id, req).await?;
    let (o, w) = optimise(run.needs, run.programs, req.budget as u64, req.rules.clone(), steps).await?;
    let txn = store.write().await?;
    let id = next_id();
    let now = crate::now();
    plan::ActiveModel {
        tenant_id: Set(ctx.tenant_id),
        id: Set(id),
        year: Set(req.year),
        version: Set(1),
        status: Set(PlanStatus::Draft.code().into()),
        title: Set(req.title.trim().into()),
        budget: Set(req.budget),
        rules: Set(serde_json::to_string(&req.rules).unwrap_or_default()),
        value: Set(o.value as i64),
        cost: Set(o.cost as i64),
        what_if: Set(serde_json::to_string(&w).unwrap_or_default()),
        unmet: Set(serde_json::to_string(&o.unmet).unwrap_or_default()),
        based_on: Set(None),
        created_by: Set(ctx.user_id),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(&txn)
    .await
    .map_err(|e| StoreError::on_unique(e, "year", "rencana tahun ini baru saja dibuat oleh pengguna lain"))?;
    write_outcome(&txn, ctx.tenant_id, id, &o, &run.catalogue, &run.names, &HashMap::new()).await?;
    event(&txn, ctx, &run.user_name, id, PlanAction::Generate, &format!("Pagu Rp {}", req.budget)).await?;
    audit::record(&txn, ctx, ctx.tenant_id, ("generate", AuditEntity::Plan, id), None::<&()>, Some(req)).await?;
    txn.commit().await?;
    Ok(id)
}

/// Runs the optimizer again on an editable plan with a new budget and rules.
pub(crate) async fn regenerate(store: &Store, ctx: &Ctx, id: i64, req: &PlanRequest, run: RunInputs, steps: &Steps) -> Result<()> {
    let m = check_editable(&store.db, ctx.tenant_id, id).await?;
    let (o, w) = optimise(run.needs, run.programs, req.budget as u64, req.rules.clone(), steps).await?;
    let txn = store.write().await?;
    let before = get_model(&txn, ctx.tenant_id, id).await?;
    if before.updated_at != m.updated_at {
        return Err(StoreError::Conflict("status", "rencana diubah oleh pengguna lain saat disusun; muat ulang halaman dan coba lagi".into()));
    }
    let kept: HashMap<i64, (i16, String)> = plan_item::Entity::find()
        .filter(plan_item::Column::TenantId.eq(ctx.tenant_id))
        .filter(plan_item::Column::PlanId.eq(id))
        .all(&txn)
        .await?
        .into_iter()
        .map(|i| (i.program_id, (i.quarter, i.curriculum_fit)))
        .collect();
    clear(&txn, ctx.tenant_id, id).await?;
    write_outcome(&txn, ctx.tenant_id, id, &o, &run.catalogue, &run.names, &kept).await?;
    let mut am: plan::ActiveModel = before.clone().into();
    am.title = Set(req.title.trim().into());
    am.budget = Set(req.budget);
    am.rules = Set(serde_json::to_string(&req.rules).unwrap_or_default());
    am.value = Set(o.value as i64);
    am.cost = Set(o.cost as i64);
    am.what_if = Set(serde_json::to_string(&w).unwrap_or_default());
    am.unmet = Set(serde_json::to_string(&o.unmet).unwrap_or_default());
    am.updated_at = Set(crate::now());
    am.update(&txn).await?;
    event(&txn, ctx, &run.user_name, id, PlanAction::Generate, &format!("Disusun ulang dengan pagu Rp {}", req.budget)).await?;
    audit::record(&txn, ctx, ctx.tenant_id, ("regenerate", AuditEntity::Plan, id), Some(&before), Some(req)).await?;
    txn.commit().await?;
    Ok(())
}

/// Changes an item's schedule and curriculum-fit text on an editable plan.
pub(crate) async fn edit_item(store: &Store, ctx: &Ctx, user_name: &str, plan_id: i64, item_id: i64, quarter: i16, fit: &str) -> Result<()> {
    let mut errs = vec![];
    if !(1..=4).contains(&quarter) {
        errs.push(FieldError::new("quarter", "triwulan harus 1–4"));
    }
    errs.extend(cakap_domain::text::check("curriculum_fit", "kesesuaian kurikulum", fit, cakap_domain::text::NOTE_MAX, true));
    if !errs.is_empty() {
        return Err(StoreError::Invalid(errs));
    }
    let txn = store.write().await?;
    let p = get_model(&txn, ctx.tenant_id, plan_id).await?;
    code(PlanStatus::from_code(&p.status), "status rencana", &p.status)?.after(PlanAction::Edit, "").map_err(|r| StoreError::Conflict("status", r.0.into()))?;
    let item = plan_item::Entity::find_by_id((ctx.tenant_id, item_id)).one(&txn).await?.filter(|i| i.plan_id == plan_id).ok_or(StoreError::NotFound)?;
    let mut am: plan_item::ActiveModel = item.clone().into();
    am.quarter = Set(quarter);
    am.curriculum_fit = Set(fit.trim().into());
    let after = am.update(&txn).await?;
    let mut pm: plan::ActiveModel = p.into();
    pm.updated_at = Set(crate::now());
    pm.update(&txn).await?;
    event(&txn, ctx, user_name, plan_id, PlanAction::Edit, "Jadwal/kesesuaian kurikulum diubah").await?;
    audit::record(&txn, ctx, ctx.tenant_id, ("edit_item", AuditEntity::Plan, plan_id), Some(&item), Some(&after)).await?;
    txn.commit().await?;
    Ok(())
}

/// One workflow step (submit, return, approve). The status moves only from the one read, in
/// the same transaction, so two people deciding at once cannot both win.
pub(crate) async fn step(store: &Store, ctx: &Ctx, user_name: &str, plan_id: i64, action: PlanAction, note: &str) -> Result<PlanStatus> {
    if let Some(e) = cakap_domain::text::check("note", "catatan", note, COMMENT_MAX, true) {
        return Err(StoreError::Invalid(vec![e]));
    }
    let txn = store.write().await?;
    let p = get_model(&txn, ctx.tenant_id, plan_id).await?;
    let from = code(PlanStatus::from_code(&p.status), "status rencana", &p.status)?;
    let to = from.after(action, note).map_err(|r| {
        if action == PlanAction::Return && from == PlanStatus::Submitted {
            StoreError::invalid("note", r.0)
        } else {
            StoreError::Conflict("status", r.0.into())
        }
    })?;
    let res = plan::Entity::update_many()
        .col_expr(plan::Column::Status, sea_orm::sea_query::Expr::value(to.code()))
        .col_expr(plan::Column::UpdatedAt, sea_orm::sea_query::Expr::value(crate::now()))
        .filter(plan::Column::TenantId.eq(ctx.tenant_id))
        .filter(plan::Column::Id.eq(plan_id))
        .filter(plan::Column::Status.eq(from.code()))
        .exec(&txn)
        .await?;
    if res.rows_affected != 1 {
        return Err(StoreError::Conflict("status", "status rencana baru saja diubah oleh pengguna lain".into()));
    }
    event(&txn, ctx, user_name, plan_id, action, note).await?;
    audit::record(&txn, ctx, ctx.tenant_id, (action.code(), AuditEntity::Plan, plan_id), Some(&from), Some(&to)).await?;
    txn.commit().await?;
    Ok(to)
}

/// A revision of an approved plan: a new draft version with the same items, seats and
/// left-out rows, based on it. Only from the latest version of its year.
pub(crate) async fn revise(store: &Store, ctx: &Ctx, user_name: &str, plan_id: i64) -> Result<i64> {
    let txn = store.write().await?;
    let p = get_model(&txn, ctx.tenant_id, plan_id).await?;
    code(PlanStatus::from_code(&p.status), "status rencana", &p.status)?
        .after(PlanAction::Revise, "")
        .map_err(|r| StoreError::Conflict("status", r.0.into()))?;
    let latest = plan::Entity::find()
        .filter(plan::Column::TenantId.eq(ctx.tenant_id))
        .filter(plan::Column::Year.eq(p.year))
        .order_by_desc(plan::Column::Version)
        .one(&txn)
        .await?
        .ok_or(StoreError::NotFound)?;
    if latest.id != p.id {
        return Err(StoreError::Conflict("status", format!("sudah ada versi {} untuk tahun ini; revisi dibuat dari versi terakhir", latest.version)));
    }
    let id = next_id();
    let now = crate::now();
    let mut am: plan::ActiveModel = p.clone().into();
    am.id = Set(id);
    am.version = Set(p.version + 1);
    am.status = Set(PlanStatus::Draft.code().into());
    am.based_on = Set(Some(p.id));
    am.created_by = Set(ctx.user_id);
    am.created_at = Set(now);
    am.updated_at = Set(now);
    plan::Entity::insert(am).exec(&txn).await.map_err(|e| StoreError::on_unique(e, "status", "revisi baru saja dibuat oleh pengguna lain"))?;
    let items = plan_item::Entity::find().filter(plan_item::Column::TenantId.eq(ctx.tenant_id)).filter(plan_item::Column::PlanId.eq(p.id)).all(&txn).await?;
    let mut new_item: HashMap<i64, i64> = HashMap::new();
    for i in items {
        let nid = next_id();
        new_item.insert(i.id, nid);
        let mut am: plan_item::ActiveModel = i.into();
        am.id = Set(nid);
        am.plan_id = Set(id);
        plan_item::Entity::insert(am).exec(&txn).await?;
    }
    let seats = plan_seat::Entity::find().filter(plan_seat::Column::TenantId.eq(ctx.tenant_id)).filter(plan_seat::Column::PlanId.eq(p.id)).all(&txn).await?;
    for chunk in seats.chunks(1000) {
        let rows = chunk.iter().map(|s| plan_seat::ActiveModel {
            tenant_id: Set(ctx.tenant_id),
            plan_id: Set(id),
            employee_id: Set(s.employee_id),
            item_id: Set(new_item[&s.item_id]),
            value: Set(s.value),
        });
        plan_seat::Entity::insert_many(rows).exec(&txn).await?;
    }
    let left = plan_left_out::Entity::find()
        .filter(plan_left_out::Column::TenantId.eq(ctx.tenant_id))
        .filter(plan_left_out::Column::PlanId.eq(p.id))
        .all(&txn)
        .await?;
    for chunk in left.chunks(1000) {
        let rows = chunk.iter().map(|l| plan_left_out::ActiveModel {
            tenant_id: Set(ctx.tenant_id),
            plan_id: Set(id),
            employee_id: Set(l.employee_id),
            reason: Set(l.reason.clone()),
        });
        plan_left_out::Entity::insert_many(rows).exec(&txn).await?;
    }
    event(&txn, ctx, user_name, id, PlanAction::Revise, &format!("Revisi dari versi {}", p.version)).await?;
    audit::record(&txn, ctx, ctx.tenant_id, ("revise", AuditEntity::Plan, id), None::<&()>, Some(&p.id)).await?;
    txn.commit().await?;
    Ok(id)
}

/// Jenis jabatan labels for a program's "cocok untuk" column.
pub fn suits_label(suits: &[PositionKind]) -> String {
    if suits.is_empty() { "Semua jabatan".into() } else { suits.iter().map(|k| k.label()).collect::<Vec<_>>().join(", ") }
}

/// An approved plan's item, to make classes from.
#[derive(Debug, Clone, Serialize)]
pub struct ApprovedItem {
    pub id: i64,
    pub program_id: i64,
    pub year: i32,
    pub plan_title: String,
    pub classes: i32,
    pub participants: i32,
    pub budget: i64,
    pub quarter: i16,
}

/// The items of the tenant's approved plans (a superseded version's are not: a revision
/// replaces its plan), by year and quarter.
pub(crate) async fn approved_items<C: ConnectionTrait>(db: &C, tenant_id: i64) -> Result<Vec<ApprovedItem>> {
    let plans = plan::Entity::find().filter(plan::Column::TenantId.eq(tenant_id)).filter(plan::Column::Status.eq(PlanStatus::Approved.code())).all(db).await?;
    let by_id: HashMap<i64, &plan::Model> = plans.iter().map(|p| (p.id, p)).collect();
    let items = plan_item::Entity::find()
        .filter(plan_item::Column::TenantId.eq(tenant_id))
        .filter(plan_item::Column::PlanId.is_in(plans.iter().map(|p| p.id).collect::<Vec<_>>()))
        .all(db)
        .await?;
    let mut out: Vec<ApprovedItem> = items
        .into_iter()
        .filter_map(|i| {
            let p = by_id.get(&i.plan_id)?;
            Some(ApprovedItem {
                id: i.id,
                program_id: i.program_id,
                year: p.year,
                plan_title: p.title.clone(),
                classes: i.classes,
                participants: i.participants,
                budget: i.budget,
                quarter: i.quarter,
            })
        })
        .collect();
    out.sort_by_key(|i| (i.year, i.quarter, i.id));
    Ok(out)
}
