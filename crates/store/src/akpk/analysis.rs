//! The analysis: one tenant's (or one employee's) standards, effective levels, SKP and priority
//! competencies read once, then gaps, JPM, needs, the heatmap and the calibration list computed
//! from them in memory. Needs from gaps are derived here every time, so they always follow the
//! current standards and assessments.
//!
//! A gap counts only for an assessed competency: an unassessed one is shown as "belum dinilai"
//! (it is a need for assessment, not for training) but counts as level 0 in JPM, as DOMAIN.md
//! defines JPM.

use std::collections::{HashMap, HashSet};

use cakap_domain::akpk::{NeedFacts, NeedSource, SkpRating};
use cakap_domain::competency::{Competency, Family, Method, Rating, jpm, latest_per_method, needs_calibration};
use cakap_domain::org::{Position, Unit};
use cakap_domain::rollup::{Agg, Columns, Engine};
use cakap_domain::{Jenjang, PositionKind};
use sea_orm::{ColumnTrait, ConnectionTrait, QueryFilter, QueryOrder};
use serde::Serialize;

use crate::entity::{employee, need};
use crate::error::Result;
use crate::org::employees::EmployeeScope;
use crate::org::tenants::TenantSettings;

/// Everything the analysis reads, for the employees of one scope.
pub struct Analysis {
    pub settings: TenantSettings,
    /// Active competencies in dictionary order.
    pub competencies: Vec<Competency>,
    comp_idx: HashMap<i64, usize>,
    pub units: HashMap<i64, Unit>,
    pub positions: HashMap<i64, Position>,
    /// Position id → required level per competency index (0 = not required).
    standards: HashMap<i64, Vec<u8>>,
    /// Active employees of the scope, by name.
    pub employees: Vec<Staff>,
    /// `employees.len() × competencies.len()`: effective level, 0 = not assessed.
    effective: Vec<u8>,
    /// Method that decided each effective level.
    decided_by: Vec<Option<Method>>,
    /// Where raters disagree by ≥ 2 levels.
    pub calibration: Vec<Disagreement>,
    pub skp: HashMap<i64, (i32, SkpRating)>,
    pub priority: HashSet<i64>,
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
            .map(|e| Staff { id: e.id, nip: e.nip, name: e.name, unit_id: e.unit_id, position_id: e.position_id, target_position_id: e.target_position_id })
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
        let standards = wanted
            .iter()
            .filter_map(|id| positions.get(id))
            .map(|p| {
                let j = Some(p.jenjang);
                let req = competencies
                    .iter()
                    .map(|c| crate::competency::standards::resolve(&settings.standard_defaults, j, c, overrides.get(&(p.id, c.id)).copied()).1.unwrap_or(0))
                    .collect();
                (p.id, req)
            })
            .collect();
        let emp_idx: HashMap<i64, usize> = employees.iter().enumerate().map(|(i, e)| (e.id, i)).collect();
        let ratings = super::assessments::ratings(db, tenant_id, only).await?;
        let nc = competencies.len();
        let mut effective = vec![0u8; employees.len() * nc];
        let mut decided_by = vec![None; employees.len() * nc];
        let mut calibration = vec![];
        // Ratings arrive sorted by (employee, competency): one group per pair.
        for group in ratings.chunk_by(|a, b| a.0 == b.0 && a.1 == b.1) {
            let (e, c) = (group[0].0, group[0].1);
            let (Some(&ei), Some(&ci)) = (emp_idx.get(&e), comp_idx.get(&c)) else { continue };
            let rs: Vec<Rating> = group.iter().map(|g| g.2).collect();
            if let Some(r) = settings.effective_rule.effective(&rs) {
                effective[ei * nc + ci] = r.level;
                decided_by[ei * nc + ci] = Some(r.method);
            }
            if needs_calibration(&rs) {
                let latest = latest_per_method(&rs).iter().map(|r| (r.method, r.level)).collect();
                calibration.push(Disagreement { employee: ei, competency: ci, latest });
            }
        }
        let skp = super::performance::latest(db, tenant_id, only).await?;
        let priority = super::priorities::list(db, tenant_id).await?.into_iter().map(|p| p.competency_id).collect();
        Ok(Analysis { settings, competencies, comp_idx, units, positions, standards, employees, effective, decided_by, calibration, skp, priority })
    }

    fn nc(&self) -> usize {
        self.competencies.len()
    }

    pub fn employee_index(&self, id: i64) -> Option<usize> {
        self.employees.iter().position(|e| e.id == id)
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
            calibration: self.calibration.iter().any(|d| d.employee == ei),
        }
    }

    fn unit_name(&self, id: i64) -> String {
        self.units.get(&id).map(|u| u.name.clone()).unwrap_or_default()
    }

    fn in_subtree(&self, unit_id: i64, root: &Unit) -> bool {
        self.units.get(&unit_id).is_some_and(|u| u.path.starts_with(&root.path))
    }

    /// Needs from every gap (held and target positions) plus the open hand-added ones, filtered,
    /// highest priority first.
    pub fn needs(&self, manual: &[need::Model], f: &NeedFilter) -> Vec<NeedRow> {
        let root = f.unit_id.and_then(|u| self.units.get(&u));
        let mut out = vec![];
        for (ei, e) in self.employees.iter().enumerate() {
            if root.is_some_and(|r| !self.in_subtree(e.unit_id, r)) {
                continue;
            }
            // A target equal to the position held adds nothing.
            let target = e.target_position_id.filter(|t| *t != e.position_id);
            let targets = std::iter::once((e.position_id, NeedSource::GapHeld)).chain(target.map(|t| (t, NeedSource::GapTarget)));
            for (pos, source) in targets {
                let Some(a) = self.against(ei, pos) else { continue };
                let p = &self.positions[&pos];
                for r in a.rows.iter().filter(|r| r.gap.unwrap_or(0) > 0) {
                    out.push(NeedRow {
                        need_id: None,
                        employee_id: Some(e.id),
                        nip: e.nip.clone(),
                        employee_name: e.name.clone(),
                        unit_id: Some(e.unit_id),
                        unit_name: self.unit_name(e.unit_id),
                        position_name: p.name.clone(),
                        position_kind: Some(p.kind),
                        competency_id: r.competency_id,
                        competency_name: r.name.clone(),
                        family: r.family,
                        source,
                        required: Some(r.required),
                        actual: r.actual,
                        gap: r.gap.unwrap_or(0),
                        priority: r.priority.unwrap_or(0),
                        note: String::new(),
                    });
                }
            }
        }
        for n in manual {
            let Some(&ci) = self.comp_idx.get(&n.competency_id) else { continue };
            let emp = n.employee_id.and_then(|id| self.employees.iter().find(|e| e.id == id));
            if n.employee_id.is_some() && emp.is_none() {
                continue; // outside the scope read
            }
            let unit_id = emp.map(|e| e.unit_id).or(n.unit_id);
            if let Some(r) = root
                && !unit_id.is_some_and(|u| self.in_subtree(u, r))
            {
                continue;
            }
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
            out.push(NeedRow {
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
            });
        }
        let pos_q = f.position_name.as_deref().map(str::trim).filter(|q| !q.is_empty()).map(str::to_lowercase);
        out.retain(|n| {
            pos_q.as_deref().is_none_or(|q| n.position_name.to_lowercase().contains(q))
                && f.competency_id.is_none_or(|c| n.competency_id == c)
                && f.family.is_none_or(|fam| n.family == fam)
                && f.position_kind.is_none_or(|k| n.position_kind == Some(k))
                && f.source.is_none_or(|s| n.source == s)
        });
        out.sort_by(|a, b| b.priority.cmp(&a.priority).then(b.gap.cmp(&a.gap)).then_with(|| a.employee_name.cmp(&b.employee_name)));
        out
    }

    /// Heatmap rows: the children of `parent` (or the root units), each over its whole
    /// subtree, plus a row for the parent's own staff. Columns: competencies some standard
    /// requires. Computed by the roll-up engine over (row, competency, actual, required).
    pub fn heatmap(&self, parent: Option<i64>) -> Heatmap {
        let mut row_units: Vec<(Unit, bool)> = self.units.values().filter(|u| u.active && u.parent_id == parent).map(|u| (u.clone(), false)).collect();
        row_units.sort_by(|a, b| a.0.name.cmp(&b.0.name));
        if let Some(p) = parent.and_then(|p| self.units.get(&p)) {
            row_units.push((p.clone(), true));
        }
        let nc = self.nc();
        // The engine keys competencies by a byte: a heatmap shows at most 256 columns (no screen
        // shows more), the first in dictionary order.
        let used: Vec<usize> = (0..nc).filter(|ci| self.standards.values().any(|s| s[*ci] > 0)).take(256).collect();
        let col_of: HashMap<usize, u8> = used.iter().enumerate().map(|(k, ci)| (*ci, k as u8)).collect();
        let (mut cu, mut ct, mut cc, mut ca, mut cr) = (vec![], vec![], vec![], vec![], vec![]);
        let bands: Vec<String> = self.settings.jpm_bands.bands.iter().map(|b| b.1.clone()).chain([self.settings.jpm_bands.lowest.clone()]).collect();
        let mut counts = vec![vec![0u32; bands.len() + 1]; row_units.len()];
        let mut heads = vec![0usize; row_units.len()];
        for (ei, e) in self.employees.iter().enumerate() {
            let Some(u) = self.units.get(&e.unit_id) else { continue };
            let row = row_units.iter().position(|(r, own)| if *own { r.id == u.id } else { u.path.starts_with(&r.path) });
            let Some(row) = row else { continue };
            heads[row] += 1;
            let Some(req) = self.standards.get(&e.position_id) else { continue };
            for &ci in &used {
                if req[ci] > 0 {
                    cu.push(row as u32);
                    ct.push(0u16);
                    cc.push(col_of[&ci]);
                    ca.push(self.effective[ei * nc + ci]);
                    cr.push(req[ci]);
                }
            }
            let any_assessed = (0..nc).any(|ci| req[ci] > 0 && self.effective[ei * nc + ci] > 0);
            let b = match self.held_jpm(ei) {
                Some(s) if any_assessed => {
                    let label = self.settings.jpm_bands.band(s);
                    bands.iter().position(|x| x == label).unwrap_or(bands.len() - 1)
                }
                _ => bands.len(),
            };
            counts[row][b] += 1;
        }
        let engine = Engine::load(Columns { unit: &cu, tenant: &ct, comp: &cc, actual: &ca, required: &cr });
        let ncols = used.len();
        let by_uc = engine.by_unit_comp();
        let by_u = engine.by_unit();
        let mut rows = vec![];
        for (ri, (u, own)) in row_units.into_iter().enumerate() {
            let k = engine.units.binary_search(&(ri as u32)).ok();
            let cells = match k {
                Some(k) => (0..ncols).map(|c| by_uc.get(k, c)).collect(),
                _ => vec![Agg::default(); ncols],
            };
            if heads[ri] == 0 && own {
                continue;
            }
            rows.push(HeatRow {
                unit: u,
                own_staff: own,
                employees: heads[ri],
                cells,
                total: k.map(|k| by_u[k]).unwrap_or_default(),
                bands: counts[ri].clone(),
            });
        }
        let mut bands = bands;
        bands.push("Belum dinilai".into());
        Heatmap { competencies: used.iter().map(|ci| self.competencies[*ci].clone()).collect(), rows, bands }
    }

    /// Employees of a unit's subtree, with JPM and gap counts.
    pub fn employees_in(&self, unit_id: i64) -> Vec<EmployeeSummary> {
        let Some(root) = self.units.get(&unit_id) else { return vec![] };
        (0..self.employees.len()).filter(|ei| self.in_subtree(self.employees[*ei].unit_id, root)).map(|ei| self.summary(ei)).collect()
    }

    /// Competency of a calibration entry.
    pub fn competency(&self, ci: usize) -> &Competency {
        &self.competencies[ci]
    }
}

/// The national roll-up: per tenant and nationally, per national competency (the only ones
/// every tenant shares), over each employee's effective level against the held position.
pub struct National {
    /// (national code, name)
    pub competencies: Vec<(String, String)>,
    /// (tenant, employees, per competency, over all competencies)
    pub tenants: Vec<(cakap_domain::org::Tenant, usize, Vec<Agg>, Agg)>,
    pub total: Vec<Agg>,
    pub overall: Agg,
}

pub(crate) async fn national<C: ConnectionTrait>(db: &C) -> Result<National> {
    let dict = crate::competency::national::dictionary();
    let codes: Vec<(String, String)> = dict.competencies.iter().map(|c| (c.code.clone(), c.name.clone())).collect();
    let tenants = crate::org::tenants::list(db).await?;
    let (mut cu, mut ct, mut cc, mut ca, mut cr) = (vec![], vec![], vec![], vec![], vec![]);
    let mut heads = vec![];
    for (ti, t) in tenants.iter().enumerate() {
        let a = Analysis::load(db, t.id, &EmployeeScope::Tenant).await?;
        let map: Vec<Option<u8>> =
            a.competencies.iter().map(|c| c.national_code.as_ref().and_then(|code| codes.iter().position(|(k, _)| k == code)).map(|i| i as u8)).collect();
        let nc = a.nc();
        heads.push(a.employees.len());
        for (ei, e) in a.employees.iter().enumerate() {
            let Some(req) = a.standards.get(&e.position_id) else { continue };
            for (ci, k) in map.iter().enumerate() {
                if let Some(k) = k
                    && req[ci] > 0
                {
                    // One pseudo-unit per tenant: the national view needs no unit detail.
                    cu.push(ti as u32);
                    ct.push(ti as u16);
                    cc.push(*k);
                    ca.push(a.effective[ei * nc + ci]);
                    cr.push(req[ci]);
                }
            }
        }
    }
    let engine = Engine::load(Columns { unit: &cu, tenant: &ct, comp: &cc, actual: &ca, required: &cr });
    let nk = codes.len();
    let by_tc = engine.by_tenant_comp();
    let mut by_c = engine.by_comp();
    by_c.resize(nk, Agg::default());
    let mut overall = Agg::default();
    by_c.iter().for_each(|a| overall.merge(a));
    let rows = tenants
        .into_iter()
        .enumerate()
        .map(|(ti, t)| {
            let cells: Vec<Agg> =
                (0..nk).map(|k| if ti < engine.n_tenant && k < engine.n_comp { by_tc[ti * engine.n_comp + k] } else { Agg::default() }).collect();
            let mut all = Agg::default();
            cells.iter().for_each(|a| all.merge(a));
            Ok((crate::org::tenants::typed(t)?, heads[ti], cells, all))
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(National { competencies: codes, tenants: rows, total: by_c, overall })
}
