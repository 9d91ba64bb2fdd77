//! The analysis: one tenant's (or one employee's) standards, effective levels, SKP and priority
//! competencies read once, then gaps, JPM, needs, the heatmap and the calibration list computed
//! from them in memory. Needs from gaps are derived here every time, so they always follow the
//! current standards and assessments.
//!
//! A gap counts only for an assessed competency: an unassessed one is shown as "belum dinilai"
//! (it is a need for assessment, not for training) but counts as level 0 in JPM, as DOMAIN.md
//! defines JPM.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use cakap_domain::akpk::{NeedFacts, NeedSource, SkpRating};
use cakap_domain::competency::{Competency, Family, Method, Rating, jpm, latest_per_method, needs_calibration};
use cakap_domain::org::{Position, Unit};
use cakap_domain::rollup::Agg;
use cakap_domain::{Jenjang, PositionKind};
use sea_orm::{ColumnTrait, ConnectionTrait, QueryFilter, QueryOrder};
use serde::Serialize;

use super::changes::Change;
use crate::entity::{employee, need};
use crate::error::Result;
use crate::org::employees::EmployeeScope;
use crate::org::tenants::TenantSettings;

/// Everything the analysis reads, for the employees of one scope, and the measures kept from it.
///
/// The tenant-wide analysis stays in memory and is kept current by [`Analysis::apply`]: a change
/// of one employee (an assessment, an SKP rating, a move) or one position (its standard) takes
/// that employee's or its holders' rows out of the measures and puts the new ones in, so the
/// heatmap after an assessment reads sums, not the tenant. The parts a change rarely touches are
/// shared (`Arc`) between an old and a new copy; a copy is made only while a request still reads
/// the old one.
#[derive(Clone)]
pub struct Analysis {
    pub settings: TenantSettings,
    /// Active competencies in dictionary order.
    pub competencies: Vec<Competency>,
    comp_idx: HashMap<i64, usize>,
    pub units: Arc<HashMap<i64, Unit>>,
    pub positions: Arc<HashMap<i64, Position>>,
    /// Position id → required level per competency index (0 = not required).
    standards: Arc<HashMap<i64, Vec<u8>>>,
    /// Active employees of the scope, by name.
    pub employees: Arc<Vec<Staff>>,
    emp_idx: Arc<HashMap<i64, usize>>,
    /// `employees.len() × competencies.len()`: effective level, 0 = not assessed.
    effective: Vec<u8>,
    /// Method that decided each effective level.
    decided_by: Vec<Option<Method>>,
    /// Where raters disagree by ≥ 2 levels, by employee (name order) then competency.
    pub calibration: Vec<Disagreement>,
    pub skp: Arc<HashMap<i64, (i32, SkpRating)>>,
    pub priority: HashSet<i64>,
    measures: Measures,
    /// Every need from a gap, unordered; lists sort what they show.
    gap_needs: Vec<GapNeed>,
}

/// Additive measures per unit of its own staff (sub-units not included): what the heatmap sums.
#[derive(Clone, Default)]
struct Measures {
    slot: Arc<HashMap<i64, usize>>,
    heads: Vec<u32>,
    /// `slot × nc + ci`
    cells: Vec<Agg>,
    /// `slot × nb + band` (the last band: not assessed)
    bands: Vec<u32>,
    nb: usize,
    /// Each employee's band now (to take it back out).
    emp_band: Vec<u8>,
}

/// A need from a gap, compact: 12 bytes instead of a row of strings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct GapNeed {
    priority: u8,
    gap: u8,
    /// Against the target position (else the one held).
    target: bool,
    ei: u32,
    ci: u32,
}

/// What the analysis knows of an employee.
#[derive(Debug, Clone)]
pub struct Staff {
    pub id: i64,
    pub nip: String,
    pub name: String,
    pub unit_id: i64,
    pub position_id: i64,
    pub target_position_id: Option<i64>,
}

/// Raters of one employee's competency who disagree by 2 levels or more: the planner's
/// "perlu kalibrasi" list.
#[derive(Debug, Clone)]
pub struct Disagreement {
    /// Index into [`Analysis::employees`].
    pub employee: usize,
    /// Index into [`Analysis::competencies`].
    pub competency: usize,
    /// The latest level of each method.
    pub latest: Vec<(Method, u8)>,
}

/// One competency of a standard as one employee stands against it.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct GapRow {
    pub competency_id: i64,
    pub code: String,
    pub name: String,
    pub family: Family,
    pub required: u8,
    /// Effective level; None = not yet assessed.
    pub actual: Option<u8>,
    pub decided_by: Option<Method>,
    /// required − actual floored at 0; None when not assessed.
    pub gap: Option<u8>,
    pub priority: Option<u8>,
    pub policy: bool,
}

/// An employee against one position's standard.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Against {
    pub position_id: i64,
    pub position_name: String,
    pub jenjang: Jenjang,
    pub rows: Vec<GapRow>,
    pub jpm: Option<f64>,
    pub band: Option<String>,
}

/// A development need: from a gap (computed) or added by hand.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NeedRow {
    /// Id of a hand-added need; None for a need computed from a gap.
    pub need_id: Option<i64>,
    pub employee_id: Option<i64>,
    pub nip: String,
    pub employee_name: String,
    pub unit_id: Option<i64>,
    pub unit_name: String,
    pub position_name: String,
    pub position_kind: Option<PositionKind>,
    pub competency_id: i64,
    pub competency_name: String,
    pub family: Family,
    pub source: NeedSource,
    pub required: Option<u8>,
    pub actual: Option<u8>,
    pub gap: u8,
    pub priority: u8,
    pub note: String,
}

#[derive(Debug, Clone, Default)]
pub struct NeedFilter {
    pub unit_id: Option<i64>,
    pub competency_id: Option<i64>,
    pub family: Option<Family>,
    pub position_kind: Option<PositionKind>,
    /// Part of the position's name (jabatan), case-insensitive.
    pub position_name: Option<String>,
    pub source: Option<NeedSource>,
    /// Part of the employee's name (case-insensitive) or NIP (spaces ignored).
    pub employee: Option<String>,
    /// Priority at least this.
    pub min_priority: Option<u8>,
}

/// The orders the needs list offers; each falls back to priority, then name.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum NeedSort {
    #[default]
    Priority,
    Gap,
    Name,
    Unit,
    Competency,
}

impl NeedSort {
    pub const ALL: [NeedSort; 5] = [NeedSort::Priority, NeedSort::Gap, NeedSort::Name, NeedSort::Unit, NeedSort::Competency];

    pub fn code(self) -> &'static str {
        match self {
            NeedSort::Priority => "prioritas",
            NeedSort::Gap => "kesenjangan",
            NeedSort::Name => "nama",
            NeedSort::Unit => "unit",
            NeedSort::Competency => "kompetensi",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            NeedSort::Priority => "Prioritas tertinggi",
            NeedSort::Gap => "Kesenjangan terbesar",
            NeedSort::Name => "Nama pegawai (A–Z)",
            NeedSort::Unit => "Unit kerja (A–Z)",
            NeedSort::Competency => "Kompetensi (urutan kamus)",
        }
    }

    pub fn from_code(s: &str) -> Option<NeedSort> {
        NeedSort::ALL.into_iter().find(|x| x.code() == s)
    }
}

/// One page of the needs list, with how many match in all.
#[derive(Debug, Clone)]
pub struct NeedPage {
    pub total: usize,
    pub rows: Vec<NeedRow>,
    /// Of all matching needs: (competency, needs, of which high priority), most needs first.
    pub by_competency: Vec<(Competency, usize, usize)>,
}

/// One row of the heatmap: a unit and its whole subtree.
#[derive(Debug, Clone)]
pub struct HeatRow {
    pub unit: Unit,
    /// True for the row of the parent's own staff (not its sub-units).
    pub own_staff: bool,
    pub employees: usize,
    /// Per heatmap competency (see [`Heatmap::competencies`]).
    pub cells: Vec<Agg>,
    pub total: Agg,
    /// Employees per JPM band, in the order of [`Heatmap::bands`]; the last is "not assessed".
    pub bands: Vec<u32>,
}

#[derive(Debug, Clone)]
pub struct Heatmap {
    pub competencies: Vec<Competency>,
    pub rows: Vec<HeatRow>,
    pub bands: Vec<String>,
}

/// An employee in a drill-down list.
#[derive(Debug, Clone, Serialize)]
pub struct EmployeeSummary {
    pub id: i64,
    pub nip: String,
    pub name: String,
    pub position_name: String,
    pub jpm: Option<f64>,
    pub band: Option<String>,
    pub gaps: usize,
    pub unassessed: usize,
    pub calibration: bool,
}

/// One employee's ratings turned into effective levels and disagreements.
struct Judged {
    effective: Vec<u8>,
    decided_by: Vec<Option<Method>>,
    calibration: Vec<Disagreement>,
}

impl Analysis {
    /// Reads the tenant's dictionary, standards and the employees of `scope` with their
    /// assessments, SKP and the priority competencies.
    pub async fn load<C: ConnectionTrait>(db: &C, tenant_id: i64, scope: &EmployeeScope) -> Result<Analysis> {
        let settings = TenantSettings::parse(&crate::org::tenants::get(db, tenant_id).await?.settings)?;
        let competencies: Vec<Competency> = crate::competency::list(db, tenant_id).await?.into_iter().filter(|c| c.active).collect();
        let comp_idx: HashMap<i64, usize> = competencies.iter().enumerate().map(|(i, c)| (c.id, i)).collect();
        let units: HashMap<i64, Unit> = crate::org::units::list(db, tenant_id).await?.into_iter().map(|u| (u.id, u)).collect();
        let positions: HashMap<i64, Position> = crate::org::positions::all(db, tenant_id).await?.into_iter().map(|p| (p.id, p)).collect();
        let employees: Vec<Staff> = crate::org::employees::scoped(tenant_id, scope)
            .filter(employee::Column::Active.eq(true))
            .order_by_asc(employee::Column::Name)
            .order_by_asc(employee::Column::Id)
            .all(db)
            .await?
            .into_iter()
            .map(staff)
            .collect();
        let only = match scope {
            EmployeeScope::Own(id) => Some(*id),
            _ => None,
        };
        // One employee's analysis needs the standards of the positions held and aimed at only
        // (`against` asks for no other): two positions, not the tenant's hundreds. A tenant or
        // team keeps all, since the heatmap's columns are what any standard requires.
        let wanted: Vec<i64> = match only {
            Some(_) => {
                let mut w: Vec<i64> = employees.iter().flat_map(|e| std::iter::once(e.position_id).chain(e.target_position_id)).collect();
                w.sort_unstable();
                w.dedup();
                w
            }
            None => positions.keys().copied().collect(),
        };
        let overrides = crate::competency::standards::overrides_of(db, tenant_id, only.map(|_| wanted.as_slice())).await?;
        let standards = wanted.iter().filter_map(|id| positions.get(id)).map(|p| (p.id, standard_of(&settings, &competencies, p, &overrides))).collect();
        let emp_idx: HashMap<i64, usize> = employees.iter().enumerate().map(|(i, e)| (e.id, i)).collect();
        let ratings = super::assessments::ratings(db, tenant_id, only).await?;
        let nc = competencies.len();
        let mut effective = vec![0u8; employees.len() * nc];
        let mut decided_by = vec![None; employees.len() * nc];
        let mut calibration = vec![];
        // Ratings arrive sorted by employee id: one group per employee.
        for group in ratings.chunk_by(|a, b| a.0 == b.0) {
            let Some(&ei) = emp_idx.get(&group[0].0) else { continue };
            let j = judge(&settings, &comp_idx, nc, ei, group);
            effective[ei * nc..(ei + 1) * nc].copy_from_slice(&j.effective);
            decided_by[ei * nc..(ei + 1) * nc].copy_from_slice(&j.decided_by);
            calibration.extend(j.calibration);
        }
        calibration.sort_by_key(|d| (d.employee, d.competency));
        let skp = super::performance::latest(db, tenant_id, only).await?;
        let priority = super::priorities::list(db, tenant_id).await?.into_iter().map(|p| p.competency_id).collect();
        let mut a = Analysis {
            settings,
            competencies,
            comp_idx,
            units: Arc::new(units),
            positions: Arc::new(positions),
            standards: Arc::new(standards),
            employees: Arc::new(employees),
            emp_idx: Arc::new(emp_idx),
            effective,
            decided_by,
            calibration,
            skp: Arc::new(skp),
            priority,
            measures: Measures::default(),
            gap_needs: vec![],
        };
        a.measure_all();
        Ok(a)
    }

    /// Builds the measures and the gap needs from scratch (after a load).
    fn measure_all(&mut self) {
        let mut slots: Vec<i64> = self.units.keys().copied().collect();
        slots.sort_unstable();
        let nb = self.settings.jpm_bands.bands.len() + 2;
        self.measures = Measures {
            heads: vec![0; slots.len()],
            cells: vec![Agg::default(); slots.len() * self.nc()],
            bands: vec![0; slots.len() * nb],
            nb,
            emp_band: vec![0; self.employees.len()],
            slot: Arc::new(slots.into_iter().enumerate().map(|(i, u)| (u, i)).collect()),
        };
        for ei in 0..self.employees.len() {
            self.count(ei, true);
            let needs = self.gap_needs_of(ei);
            self.gap_needs.extend(needs);
        }
    }

    fn nc(&self) -> usize {
        self.competencies.len()
    }

    pub fn employee_index(&self, id: i64) -> Option<usize> {
        self.emp_idx.get(&id).copied()
    }

    /// The band index of employee `ei` (the last: not assessed), as the heatmap counts it.
    fn band_of(&self, ei: usize) -> usize {
        let labels = &self.settings.jpm_bands;
        let not_assessed = labels.bands.len() + 1;
        let e = &self.employees[ei];
        let Some(req) = self.standards.get(&e.position_id) else { return not_assessed };
        let nc = self.nc();
        let row = &self.effective[ei * nc..(ei + 1) * nc];
        if !(0..nc).any(|ci| req[ci] > 0 && row[ci] > 0) {
            return not_assessed;
        }
        match self.held_jpm(ei) {
            Some(s) => {
                let label = labels.band(s);
                labels.bands.iter().position(|b| b.1 == label).unwrap_or(labels.bands.len())
            }
            None => not_assessed,
        }
    }

    /// Adds (or takes back) employee `ei`'s rows to the measures of its unit.
    fn count(&mut self, ei: usize, add: bool) {
        let e = &self.employees[ei];
        let Some(&slot) = self.measures.slot.get(&e.unit_id) else { return };
        let nc = self.nc();
        let band = if add { self.band_of(ei) } else { usize::from(self.measures.emp_band[ei]) };
        let m = &mut self.measures;
        if let Some(req) = self.standards.get(&e.position_id) {
            for ci in (0..nc).filter(|ci| req[*ci] > 0) {
                let (actual, cell) = (self.effective[ei * nc + ci], &mut m.cells[slot * nc + ci]);
                if add { cell.add(actual, req[ci]) } else { cell.remove(actual, req[ci]) }
            }
        }
        let b = &mut m.bands[slot * m.nb + band];
        let h = &mut m.heads[slot];
        if add {
            *b += 1;
            *h += 1;
            m.emp_band[ei] = band as u8;
        } else {
            *b = b.saturating_sub(1);
            *h = h.saturating_sub(1);
        }
    }

    /// The needs from employee `ei`'s gaps against the positions held and aimed at.
    fn gap_needs_of(&self, ei: usize) -> Vec<GapNeed> {
        let e = &self.employees[ei];
        // A target equal to the position held adds nothing.
        let target = e.target_position_id.filter(|t| *t != e.position_id);
        let nc = self.nc();
        let skp = self.skp.get(&e.id).map(|s| s.1);
        let mut out = vec![];
        for (pos, is_target) in std::iter::once((e.position_id, false)).chain(target.map(|t| (t, true))) {
            let (Some(p), Some(req)) = (self.positions.get(&pos), self.standards.get(&pos)) else { continue };
            let row = &self.effective[ei * nc..(ei + 1) * nc];
            for (ci, (&required, &actual)) in req.iter().zip(row).enumerate() {
                if required == 0 || actual == 0 || required <= actual {
                    continue;
                }
                let gap = cakap_domain::competency::gap(required, actual);
                let policy = self.priority.contains(&self.competencies[ci].id);
                let priority =
                    self.settings.priority_weights.priority(NeedFacts { gap, criticality: p.criticality.clamp(1, 3) as u8, skp, policy, target: is_target });
                out.push(GapNeed { priority, gap, target: is_target, ei: ei as u32, ci: ci as u32 });
            }
        }
        out
    }

    /// Employee `ei` against the standard of position `pos`.
    pub fn against(&self, ei: usize, pos: i64) -> Option<Against> {
        let p = self.positions.get(&pos)?;
        let req = self.standards.get(&pos)?;
        let e = &self.employees[ei];
        let skp = self.skp.get(&e.id).map(|s| s.1);
        let target = e.position_id != pos;
        let nc = self.nc();
        let rows: Vec<GapRow> = self
            .competencies
            .iter()
            .enumerate()
            .filter(|(ci, _)| req[*ci] > 0)
            .map(|(ci, c)| {
                let actual = Some(self.effective[ei * nc + ci]).filter(|a| *a > 0);
                let gap = actual.map(|a| cakap_domain::competency::gap(req[ci], a));
                let policy = self.priority.contains(&c.id);
                let priority = gap
                    .filter(|g| *g > 0)
                    .map(|g| self.settings.priority_weights.priority(NeedFacts { gap: g, criticality: p.criticality.clamp(1, 3) as u8, skp, policy, target }));
                GapRow {
                    competency_id: c.id,
                    code: c.code.clone(),
                    name: c.name.clone(),
                    family: c.family,
                    required: req[ci],
                    actual,
                    decided_by: self.decided_by[ei * nc + ci],
                    gap,
                    priority,
                    policy,
                }
            })
            .collect();
        let score = jpm(rows.iter().map(|r| (r.required, r.actual)));
        Some(Against {
            position_id: p.id,
            position_name: p.name.clone(),
            jenjang: p.jenjang,
            band: score.map(|s| self.settings.jpm_bands.band(s).to_string()),
            jpm: score,
            rows,
        })
    }

    /// JPM against the position held.
    fn held_jpm(&self, ei: usize) -> Option<f64> {
        let e = &self.employees[ei];
        let req = self.standards.get(&e.position_id)?;
        let nc = self.nc();
        jpm(req.iter().enumerate().filter(|(_, r)| **r > 0).map(|(ci, r)| (*r, Some(self.effective[ei * nc + ci]).filter(|a| *a > 0))))
    }

    /// What employee `ei`'s position requires: (competency index, level).
    pub fn required(&self, ei: usize) -> Vec<(usize, u8)> {
        self.standards
            .get(&self.employees[ei].position_id)
            .map(|req| req.iter().enumerate().filter(|(_, r)| **r > 0).map(|(ci, r)| (ci, *r)).collect())
            .unwrap_or_default()
    }

    /// The calibration list filtered: a unit's subtree, one competency, a name or NIP part.
    pub fn calibration_matching(&self, unit_id: Option<i64>, competency_id: Option<i64>, q: Option<&str>) -> Vec<&Disagreement> {
        let root = unit_id.and_then(|u| self.units.get(&u));
        let q = q.map(str::trim).filter(|q| !q.is_empty());
        let name_q = q.map(str::to_lowercase);
        let nip_q: Option<String> = q.map(|q| q.chars().filter(|c| !c.is_whitespace()).collect()).filter(|n: &String| n.chars().all(|c| c.is_ascii_digit()));
        self.calibration
            .iter()
            .filter(|d| {
                let e = &self.employees[d.employee];
                root.is_none_or(|r| self.in_subtree(e.unit_id, r))
                    && competency_id.is_none_or(|c| self.competencies[d.competency].id == c)
                    && (name_q.is_none()
                        || name_q.as_deref().is_some_and(|n| e.name.to_lowercase().contains(n))
                        || nip_q.as_deref().is_some_and(|n| e.nip.contains(n)))
            })
            .collect()
    }

    /// Employee `ei`'s disagreements between raters.
    pub fn calibration_of(&self, ei: usize) -> &[Disagreement] {
        let from = self.calibration.partition_point(|d| d.employee < ei);
        let to = self.calibration.partition_point(|d| d.employee <= ei);
        &self.calibration[from..to]
    }

    pub fn summary(&self, ei: usize) -> EmployeeSummary {
        let e = &self.employees[ei];
        let held = self.against(ei, e.position_id);
        let rows = held.as_ref().map(|h| h.rows.as_slice()).unwrap_or(&[]);
        EmployeeSummary {
            id: e.id,
            nip: e.nip.clone(),
            name: e.name.clone(),
            position_name: held.as_ref().map(|h| h.position_name.clone()).unwrap_or_default(),
            jpm: held.as_ref().and_then(|h| h.jpm),
            band: held.as_ref().and_then(|h| h.band.clone()),
            gaps: rows.iter().filter(|r| r.gap.unwrap_or(0) > 0).count(),
            unassessed: rows.iter().filter(|r| r.actual.is_none()).count(),
            calibration: !self.calibration_of(ei).is_empty(),
        }
    }

    fn unit_name(&self, id: i64) -> String {
        self.units.get(&id).map(|u| u.name.clone()).unwrap_or_default()
    }

    fn in_subtree(&self, unit_id: i64, root: &Unit) -> bool {
        self.units.get(&unit_id).is_some_and(|u| u.path.starts_with(&root.path))
    }

    /// Needs from every gap (held and target positions) plus the open hand-added ones, filtered,
    /// highest priority first: the whole list (exports, the plan's inputs).
    pub fn needs(&self, manual: &[need::Model], f: &NeedFilter) -> Vec<NeedRow> {
        self.needs_page(manual, f, NeedSort::Priority, 0, usize::MAX).rows
    }

    /// One page of the filtered needs in the order asked, and how many match. The gap needs are
    /// filtered and ordered as compact entries; only the page becomes rows.
    pub fn needs_page(&self, manual: &[need::Model], f: &NeedFilter, sort: NeedSort, offset: usize, limit: usize) -> NeedPage {
        let root = f.unit_id.and_then(|u| self.units.get(&u));
        let in_root: Option<HashSet<i64>> = root.map(|r| self.units.values().filter(|u| u.path.starts_with(&r.path)).map(|u| u.id).collect());
        let pos_q = f.position_name.as_deref().map(str::trim).filter(|q| !q.is_empty()).map(str::to_lowercase);
        let pos_ok: Option<HashSet<i64>> =
            pos_q.as_ref().map(|q| self.positions.values().filter(|p| p.name.to_lowercase().contains(q.as_str())).map(|p| p.id).collect());
        let emp_ok: Option<Vec<bool>> = f.employee.as_deref().map(str::trim).filter(|q| !q.is_empty()).map(|q| {
            let name_q = q.to_lowercase();
            let nip_q: String = q.chars().filter(|c| !c.is_whitespace()).collect();
            let digits = !nip_q.is_empty() && nip_q.chars().all(|c| c.is_ascii_digit());
            self.employees.iter().map(|e| e.name.to_lowercase().contains(&name_q) || (digits && e.nip.contains(&nip_q))).collect()
        });
        let kind_ok = |pos: Option<&Position>| f.position_kind.is_none_or(|k| pos.is_some_and(|p| p.kind == k));
        let common = |ci: usize, source: NeedSource, priority: u8| {
            f.competency_id.is_none_or(|c| self.competencies[ci].id == c)
                && f.family.is_none_or(|fam| self.competencies[ci].family == fam)
                && f.source.is_none_or(|s| s == source)
                && f.min_priority.is_none_or(|m| priority >= m)
        };
        let unit_rank: HashMap<i64, u32> = if sort == NeedSort::Unit {
            let mut us: Vec<&Unit> = self.units.values().collect();
            us.sort_by(|a, b| a.name.cmp(&b.name).then(a.id.cmp(&b.id)));
            us.into_iter().enumerate().map(|(i, u)| (u.id, i as u32)).collect()
        } else {
            HashMap::new()
        };
        // Sort keys: (first, second, tie-break) with the chosen order first; priority and gap
        // descending, names by the employees' name order, unit- and instansi-wide needs last.
        let key = |priority: u8, gap: u8, ei: Option<usize>, unit: Option<i64>, ci: usize| -> (u64, u64) {
            let (p, g) = (u64::from(255 - priority), u64::from(255 - gap));
            let name = ei.map(|e| e as u64).unwrap_or(u64::from(u32::MAX));
            let unit = unit.and_then(|u| unit_rank.get(&u)).map(|r| u64::from(*r)).unwrap_or(u64::from(u32::MAX));
            match sort {
                NeedSort::Priority => (p << 40 | g << 32 | name, ci as u64),
                NeedSort::Gap => (g << 40 | p << 32 | name, ci as u64),
                NeedSort::Name => (name << 16 | p << 8 | g, ci as u64),
                NeedSort::Unit => (unit << 32 | name, p << 40 | g << 32 | ci as u64),
                NeedSort::Competency => ((ci as u64) << 40 | p << 32 | name, g),
            }
        };
        // (key, tie-break, entry): entry ≥ 0 a gap need's index, else a manual need's.
        let mut picked: Vec<((u64, u64), u32, isize)> = vec![];
        for (k, n) in self.gap_needs.iter().enumerate() {
            let (ei, ci) = (n.ei as usize, n.ci as usize);
            let e = &self.employees[ei];
            let source = if n.target { NeedSource::GapTarget } else { NeedSource::GapHeld };
            let pos = if n.target { e.target_position_id } else { Some(e.position_id) };
            if !common(ci, source, n.priority)
                || in_root.as_ref().is_some_and(|s| !s.contains(&e.unit_id))
                || emp_ok.as_ref().is_some_and(|ok| !ok[ei])
                || pos_ok.as_ref().is_some_and(|ok| !pos.is_some_and(|p| ok.contains(&p)))
                || !kind_ok(pos.and_then(|p| self.positions.get(&p)))
            {
                continue;
            }
            picked.push((key(n.priority, n.gap, Some(ei), Some(e.unit_id), ci), u32::from(n.target), k as isize));
        }
        let mut manual_rows = vec![];
        for n in manual {
            let Some(row) = self.manual_row(n) else { continue };
            let ei = n.employee_id.and_then(|id| self.employee_index(id));
            let ci = self.comp_idx[&row.competency_id];
            if !common(ci, row.source, row.priority)
                || in_root.as_ref().is_some_and(|s| !row.unit_id.is_some_and(|u| s.contains(&u)))
                || emp_ok.as_ref().is_some_and(|ok| !ei.is_some_and(|ei| ok[ei]))
                || pos_q.as_deref().is_some_and(|q| !row.position_name.to_lowercase().contains(q))
                || f.position_kind.is_some_and(|k| row.position_kind != Some(k))
            {
                continue;
            }
            picked.push((key(row.priority, row.gap, ei, row.unit_id, ci), 2, -(manual_rows.len() as isize) - 1));
            manual_rows.push(row);
        }
        let total = picked.len();
        let mut per_comp = vec![(0usize, 0usize); self.nc()];
        let manual_ci = |k: isize| self.comp_idx[&manual_rows[(-k - 1) as usize].competency_id];
        for (_, _, k) in &picked {
            let (ci, priority) = if *k >= 0 {
                let n = &self.gap_needs[*k as usize];
                (n.ci as usize, n.priority)
            } else {
                (manual_ci(*k), manual_rows[(-*k - 1) as usize].priority)
            };
            per_comp[ci].0 += 1;
            per_comp[ci].1 += usize::from(priority >= cakap_domain::akpk::HIGH_PRIORITY);
        }
        let mut by_competency: Vec<(Competency, usize, usize)> =
            per_comp.into_iter().enumerate().filter(|(_, c)| c.0 > 0).map(|(ci, (n, high))| (self.competencies[ci].clone(), n, high)).collect();
        by_competency.sort_by_key(|c| std::cmp::Reverse(c.1));
        let end = offset.saturating_add(limit).min(total);
        if offset < end && end < total {
            picked.select_nth_unstable(end);
            picked.truncate(end);
        }
        picked.sort_unstable();
        let mut manual_rows: Vec<Option<NeedRow>> = manual_rows.into_iter().map(Some).collect();
        let rows = picked
            .get(offset.min(picked.len())..end.max(offset).min(picked.len()))
            .unwrap_or(&[])
            .iter()
            .filter_map(|(_, _, k)| if *k >= 0 { Some(self.gap_row(&self.gap_needs[*k as usize])) } else { manual_rows[(-*k - 1) as usize].take() })
            .collect();
        NeedPage { total, rows, by_competency }
    }

    fn gap_row(&self, n: &GapNeed) -> NeedRow {
        let (ei, ci) = (n.ei as usize, n.ci as usize);
        let e = &self.employees[ei];
        let pos_id = if n.target { e.target_position_id.unwrap_or(e.position_id) } else { e.position_id };
        let p = self.positions.get(&pos_id);
        let c = &self.competencies[ci];
        let actual = self.effective[ei * self.nc() + ci];
        NeedRow {
            need_id: None,
            employee_id: Some(e.id),
            nip: e.nip.clone(),
            employee_name: e.name.clone(),
            unit_id: Some(e.unit_id),
            unit_name: self.unit_name(e.unit_id),
            position_name: p.map(|p| p.name.clone()).unwrap_or_default(),
            position_kind: p.map(|p| p.kind),
            competency_id: c.id,
            competency_name: c.name.clone(),
            family: c.family,
            source: if n.target { NeedSource::GapTarget } else { NeedSource::GapHeld },
            required: Some(actual + n.gap),
            actual: Some(actual),
            gap: n.gap,
            priority: n.priority,
            note: String::new(),
        }
    }

    /// A hand-added need as a row; None when its competency is inactive or its employee is
    /// outside the scope read.
    fn manual_row(&self, n: &need::Model) -> Option<NeedRow> {
        let &ci = self.comp_idx.get(&n.competency_id)?;
        let emp = n.employee_id.and_then(|id| self.employee_index(id)).map(|ei| &self.employees[ei]);
        if n.employee_id.is_some() && emp.is_none() {
            return None;
        }
        let unit_id = emp.map(|e| e.unit_id).or(n.unit_id);
        let pos = emp.and_then(|e| self.positions.get(&e.position_id));
        let c = &self.competencies[ci];
        let gap = u8::try_from(n.gap).unwrap_or(1);
        let priority = self.settings.priority_weights.priority(NeedFacts {
            gap,
            // A need without a position (a unit's, the instansi's) counts as medium.
            criticality: pos.map(|p| p.criticality.clamp(1, 3) as u8).unwrap_or(2),
            skp: emp.and_then(|e| self.skp.get(&e.id)).map(|s| s.1),
            policy: self.priority.contains(&c.id),
            target: false,
        });
        Some(NeedRow {
            need_id: Some(n.id),
            employee_id: n.employee_id,
            nip: emp.map(|e| e.nip.clone()).unwrap_or_default(),
            employee_name: emp.map(|e| e.name.clone()).unwrap_or_default(),
            unit_id,
            unit_name: unit_id.map(|u| self.unit_name(u)).unwrap_or_default(),
            position_name: pos.map(|p| p.name.clone()).unwrap_or_default(),
            position_kind: pos.map(|p| p.kind),
            competency_id: c.id,
            competency_name: c.name.clone(),
            family: c.family,
            source: cakap_domain::akpk::NeedSource::from_code(&n.source).unwrap_or(NeedSource::Manual),
            required: None,
            actual: None,
            gap,
            priority,
            note: n.note.clone(),
        })
    }

    /// Heatmap competencies: those some standard requires, at most 256 (no screen shows more),
    /// the first in dictionary order.
    fn used_competencies(&self) -> Vec<usize> {
        (0..self.nc()).filter(|ci| self.standards.values().any(|s| s[*ci] > 0)).take(256).collect()
    }

    /// Heatmap rows: the children of `parent` (or the root units), each over its whole subtree,
    /// plus a row for the parent's own staff. Summed from the kept per-unit measures: a pass over
    /// the units, not the employees.
    pub fn heatmap(&self, parent: Option<i64>) -> Heatmap {
        let mut row_units: Vec<(Unit, bool)> = self.units.values().filter(|u| u.active && u.parent_id == parent).map(|u| (u.clone(), false)).collect();
        row_units.sort_by(|a, b| a.0.name.cmp(&b.0.name));
        if let Some(p) = parent.and_then(|p| self.units.get(&p)) {
            row_units.push((p.clone(), true));
        }
        let row_of: HashMap<(i64, bool), usize> = row_units.iter().enumerate().map(|(i, (u, own))| ((u.id, *own), i)).collect();
        let used = self.used_competencies();
        let (nc, m) = (self.nc(), &self.measures);
        let mut rows: Vec<HeatRow> = row_units
            .into_iter()
            .map(|(unit, own_staff)| HeatRow {
                unit,
                own_staff,
                employees: 0,
                cells: vec![Agg::default(); used.len()],
                total: Agg::default(),
                bands: vec![0; m.nb],
            })
            .collect();
        for (&uid, &slot) in m.slot.iter() {
            // The row a unit's staff fall in: the parent's own row, or the child of `parent`
            // above the unit (walking up the tree; a cycle or a broken chain counts nowhere).
            let row = if Some(uid) == parent {
                row_of.get(&(uid, true))
            } else {
                let mut at = self.units.get(&uid);
                let mut hops = 0;
                while let Some(u) = at {
                    if u.parent_id == parent || hops > 64 {
                        break;
                    }
                    at = u.parent_id.and_then(|p| self.units.get(&p));
                    hops += 1;
                }
                at.filter(|u| u.parent_id == parent).and_then(|u| row_of.get(&(u.id, false)))
            };
            let Some(&r) = row else { continue };
            let row = &mut rows[r];
            row.employees += m.heads[slot] as usize;
            for (k, &ci) in used.iter().enumerate() {
                row.cells[k].merge(&m.cells[slot * nc + ci]);
            }
            for (b, n) in row.bands.iter_mut().zip(&m.bands[slot * m.nb..(slot + 1) * m.nb]) {
                *b += n;
            }
        }
        for row in &mut rows {
            row.cells.iter().for_each(|c| row.total.merge(c));
        }
        rows.retain(|r| !(r.own_staff && r.employees == 0));
        let bands: Vec<String> =
            self.settings.jpm_bands.bands.iter().map(|b| b.1.clone()).chain([self.settings.jpm_bands.lowest.clone(), "Belum dinilai".to_string()]).collect();
        Heatmap { competencies: used.iter().map(|ci| self.competencies[*ci].clone()).collect(), rows, bands }
    }

    /// Employees of a unit's subtree in name order, one page of them, with JPM and gap counts.
    pub fn employees_in(&self, unit_id: i64, offset: usize, limit: usize) -> Vec<EmployeeSummary> {
        let Some(root) = self.units.get(&unit_id) else { return vec![] };
        (0..self.employees.len()).filter(|ei| self.in_subtree(self.employees[*ei].unit_id, root)).skip(offset).take(limit).map(|ei| self.summary(ei)).collect()
    }

    /// How many employees a unit's subtree has.
    pub fn count_in(&self, unit_id: i64) -> usize {
        let Some(root) = self.units.get(&unit_id) else { return 0 };
        self.employees.iter().filter(|e| self.in_subtree(e.unit_id, root)).count()
    }

    /// Competency of a calibration entry.
    pub fn competency(&self, ci: usize) -> &Competency {
        &self.competencies[ci]
    }

    /// Brings a tenant-wide analysis up to date with logged changes, reading only what they
    /// touched. False when a change cannot be applied in place (a new, renamed or deactivated
    /// employee changes the name order; an unknown unit): the caller reloads instead.
    pub(crate) async fn apply<C: ConnectionTrait>(&mut self, db: &C, tenant_id: i64, changes: &[Change]) -> Result<bool> {
        let mut positions: Vec<i64> = changes.iter().filter_map(|c| if let Change::Position(p) = c { Some(*p) } else { None }).collect();
        let mut employees: Vec<i64> = changes.iter().filter_map(|c| if let Change::Employee(e) = c { Some(*e) } else { None }).collect();
        if changes.contains(&Change::All) {
            return Ok(false);
        }
        positions.sort_unstable();
        positions.dedup();
        employees.sort_unstable();
        employees.dedup();
        for p in positions {
            if !self.apply_position(db, tenant_id, p).await? {
                return Ok(false);
            }
        }
        for e in employees {
            if !self.apply_employee(db, tenant_id, e).await? {
                return Ok(false);
            }
        }
        Ok(true)
    }

    /// Takes employees' rows out of (or back into) the measures and the gap needs.
    fn recount(&mut self, eis: &[usize], add: bool) {
        for &ei in eis {
            self.count(ei, add);
        }
        if add {
            for &ei in eis {
                let needs = self.gap_needs_of(ei);
                self.gap_needs.extend(needs);
            }
        } else {
            let gone: HashSet<u32> = eis.iter().map(|e| *e as u32).collect();
            self.gap_needs.retain(|n| !gone.contains(&n.ei));
        }
    }

    async fn apply_position<C: ConnectionTrait>(&mut self, db: &C, tenant_id: i64, id: i64) -> Result<bool> {
        let p = match crate::org::positions::get(db, tenant_id, id).await {
            Ok(m) => crate::org::positions::typed(m)?,
            Err(crate::error::StoreError::NotFound) => return Ok(!self.positions.contains_key(&id)),
            Err(e) => return Err(e),
        };
        let overrides = crate::competency::standards::overrides_of(db, tenant_id, Some(&[id])).await?;
        let req = standard_of(&self.settings, &self.competencies, &p, &overrides);
        let holders: Vec<usize> = (0..self.employees.len())
            .filter(|ei| {
                let e = &self.employees[*ei];
                e.position_id == id || e.target_position_id == Some(id)
            })
            .collect();
        self.recount(&holders, false);
        Arc::make_mut(&mut self.positions).insert(id, p);
        Arc::make_mut(&mut self.standards).insert(id, req);
        self.recount(&holders, true);
        Ok(true)
    }

    async fn apply_employee<C: ConnectionTrait>(&mut self, db: &C, tenant_id: i64, id: i64) -> Result<bool> {
        let known = self.employee_index(id);
        let m = match crate::org::employees::get(db, tenant_id, &EmployeeScope::Tenant, id).await {
            Ok(m) => m,
            Err(crate::error::StoreError::NotFound) => return Ok(known.is_none()),
            Err(e) => return Err(e),
        };
        let Some(ei) = known else { return Ok(!m.active) };
        let now = staff(m.clone());
        if !m.active || now.name != self.employees[ei].name || !self.measures.slot.contains_key(&now.unit_id) {
            return Ok(false);
        }
        let ratings = super::assessments::ratings(db, tenant_id, Some(id)).await?;
        let skp = super::performance::latest(db, tenant_id, Some(id)).await?.remove(&id);
        self.recount(&[ei], false);
        let e = &self.employees[ei];
        if (e.nip.as_str(), e.unit_id, e.position_id, e.target_position_id) != (now.nip.as_str(), now.unit_id, now.position_id, now.target_position_id) {
            Arc::make_mut(&mut self.employees)[ei] = now;
        }
        if self.skp.get(&id) != skp.as_ref() {
            let map = Arc::make_mut(&mut self.skp);
            match skp {
                Some(s) => map.insert(id, s),
                None => map.remove(&id),
            };
        }
        let nc = self.nc();
        let j = judge(&self.settings, &self.comp_idx, nc, ei, &ratings);
        self.effective[ei * nc..(ei + 1) * nc].copy_from_slice(&j.effective);
        self.decided_by[ei * nc..(ei + 1) * nc].copy_from_slice(&j.decided_by);
        let from = self.calibration.partition_point(|d| d.employee < ei);
        let to = self.calibration.partition_point(|d| d.employee <= ei);
        self.calibration.splice(from..to, j.calibration);
        self.recount(&[ei], true);
        Ok(true)
    }
}

fn staff(e: employee::Model) -> Staff {
    Staff { id: e.id, nip: e.nip, name: e.name, unit_id: e.unit_id, position_id: e.position_id, target_position_id: e.target_position_id }
}

/// The required level per competency index of position `p`.
fn standard_of(settings: &TenantSettings, competencies: &[Competency], p: &Position, overrides: &HashMap<(i64, i64), i16>) -> Vec<u8> {
    let j = Some(p.jenjang);
    competencies
        .iter()
        .map(|c| crate::competency::standards::resolve(&settings.standard_defaults, j, c, overrides.get(&(p.id, c.id)).copied()).1.unwrap_or(0))
        .collect()
}

/// One employee's ratings (sorted by competency) as effective levels by the tenant's rule, and
/// where raters disagree.
fn judge(settings: &TenantSettings, comp_idx: &HashMap<i64, usize>, nc: usize, ei: usize, ratings: &[(i64, i64, Rating)]) -> Judged {
    let mut out = Judged { effective: vec![0; nc], decided_by: vec![None; nc], calibration: vec![] };
    for group in ratings.chunk_by(|a, b| a.1 == b.1) {
        let Some(&ci) = comp_idx.get(&group[0].1) else { continue };
        let rs: Vec<Rating> = group.iter().map(|g| g.2).collect();
        if let Some(r) = settings.effective_rule.effective(&rs) {
            out.effective[ci] = r.level;
            out.decided_by[ci] = Some(r.method);
        }
        if needs_calibration(&rs) {
            let latest = latest_per_method(&rs).iter().map(|r| (r.method, r.level)).collect();
            out.calibration.push(Disagreement { employee: ei, competency: ci, latest });
        }
    }
    out.calibration.sort_by_key(|d| d.competency);
    out
}

/// One tenant's share of the national roll-up: its active employees and, per national
/// competency, the sums over what each employee's held position requires.
#[derive(Debug, Clone)]
pub struct TenantNational {
    pub employees: usize,
    pub cells: Vec<Agg>,
}

impl Analysis {
    /// This tenant's national figures from the kept per-unit measures: a pass over units ×
    /// competencies, not over employees. The national page sums standings instead
    /// (`akpk::national`); tests hold the two to the same numbers. `codes`: the national
    /// dictionary's codes, in order.
    pub fn national_share(&self, codes: &[(String, String)]) -> TenantNational {
        let map: Vec<Option<usize>> =
            self.competencies.iter().map(|c| c.national_code.as_ref().and_then(|code| codes.iter().position(|(k, _)| k == code))).collect();
        let nc = self.nc();
        let mut cells = vec![Agg::default(); codes.len()];
        for slot in 0..self.measures.heads.len() {
            for (ci, k) in map.iter().enumerate() {
                if let Some(k) = k {
                    cells[*k].merge(&self.measures.cells[slot * nc + ci]);
                }
            }
        }
        TenantNational { employees: self.employees.len(), cells }
    }
}

impl Analysis {
    /// Per national competency of `codes` (the dictionary's, in order), the index of this
    /// tenant's competency that carries it, if active.
    pub(crate) fn national_columns(&self, codes: &[String]) -> Vec<Option<usize>> {
        codes.iter().map(|code| self.competencies.iter().position(|c| c.national_code.as_deref() == Some(code.as_str()))).collect()
    }

    /// Employee `ei`'s national standing: (effective, required by the held position) per
    /// national competency, packed, and the held position's kind.
    pub(crate) fn national_standing(&self, ei: usize, columns: &[Option<usize>]) -> (i64, Option<cakap_domain::org::PositionKind>) {
        let e = &self.employees[ei];
        let nc = self.nc();
        let req = self.standards.get(&e.position_id);
        let levels: Vec<(u8, u8)> = columns
            .iter()
            .map(|col| match (col, req) {
                (Some(ci), Some(req)) => (self.effective[ei * nc + ci], req[*ci]),
                (Some(ci), None) => (self.effective[ei * nc + ci], 0),
                _ => (0, 0),
            })
            .collect();
        (cakap_domain::national::pack(&levels), self.positions.get(&e.position_id).map(|p| p.kind))
    }
}
