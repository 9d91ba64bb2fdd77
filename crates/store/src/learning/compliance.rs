//! The compliance dashboard's figures: the employees within the reader's reach, their JP in a
//! year from the ledger, counted per child unit of the chosen unit (`domain::learning::compliance`).

use cakap_domain::Permission;
use cakap_domain::learning::compliance::{Tally, group_of};
use cakap_domain::learning::jp::MINIMUM_PER_YEAR;
use cakap_domain::org::directory::EmployeeFilter;
use serde::Serialize;

use crate::Scope;
use crate::error::{Result, StoreError};

/// One group (a child unit) of the dashboard.
#[derive(Debug, Clone, Serialize)]
pub struct Group {
    pub unit_id: i64,
    pub name: String,
    /// Whether it has units below it (a link to drill down).
    pub has_children: bool,
    #[serde(skip)]
    pub tally: Tally,
}

/// An employee's JP against the minimum.
#[derive(Debug, Clone, Serialize)]
pub struct Behind {
    pub employee_id: i64,
    pub nip: String,
    pub name: String,
    pub unit_name: String,
    pub jp: u32,
    pub short: u32,
}

/// The dashboard for one unit and year.
#[derive(Debug, Clone)]
pub struct Compliance {
    pub year: i32,
    /// The unit looked at: (id, name); (0, the instansi's name) for the whole instansi.
    pub unit: (i64, String),
    /// The unit one level up (0: the instansi), where the reader may go.
    pub parent: Option<i64>,
    pub groups: Vec<Group>,
    pub total: Tally,
    /// Everyone counted, most short first (then by name): those below 20 JP lead.
    pub people: Vec<Behind>,
}

/// Most employees one dashboard counts: a ministry's whole staff (the national page has its own
/// roll-up).
pub const MAX_EMPLOYEES: u64 = 500_000;

impl Scope {
    /// The 20 JP compliance of `year` below `unit` (default: the reader's top unit), for the
    /// employees the reader may see (`ReadLedger`; the atasan their subtree).
    pub async fn compliance(&self, year: i32, unit: Option<i64>) -> Result<Compliance> {
        self.require(Permission::ReadLedger)?;
        let units = self.units()?.list().await?;
        // Where the reader's view starts: the atasan's unit, or the whole instansi (all roots).
        let reach_root = match self.principal().supervised() {
            Some(s) if self.principal().roles().employee_scope() == cakap_domain::ReadScope::UnitSubtree => {
                Some(units.iter().find(|u| u.path == s.path).ok_or(StoreError::NotFound)?)
            }
            _ => None,
        };
        let at = match unit {
            Some(id) => Some(units.iter().find(|u| u.id == id && reach_root.is_none_or(|r| u.path.starts_with(&r.path))).ok_or(StoreError::NotFound)?),
            None => reach_root,
        };
        let (at_path, at_id) = at.map_or(("/", None), |u| (u.path.as_str(), Some(u.id)));
        let staff = self.employees()?.list(&EmployeeFilter { unit_id: at_id, ..Default::default() }, 1, MAX_EMPLOYEES).await?.items;
        let jp = super::ledger::totals(&self.store().db, self.tenant_id(), year).await?;
        let path_of: std::collections::HashMap<i64, &str> = units.iter().map(|u| (u.id, u.path.as_str())).collect();
        let mut groups: Vec<Group> = units
            .iter()
            .filter(|u| u.parent_id == at_id && u.active)
            .map(|u| Group { unit_id: u.id, name: u.name.clone(), has_children: units.iter().any(|c| c.parent_id == Some(u.id)), tally: Tally::default() })
            .collect();
        if let Some(u) = at {
            groups.insert(0, Group { unit_id: u.id, name: format!("{} (langsung)", u.name), has_children: false, tally: Tally::default() });
        }
        let mut total = Tally::default();
        let mut people = vec![];
        for e in staff.iter().filter(|e| e.active) {
            let n = jp.get(&e.id).copied().unwrap_or(0);
            total.add(n);
            let Some(g) = path_of.get(&e.unit_id).and_then(|p| group_of(p, at_path)) else { continue };
            if let Some(group) = groups.iter_mut().find(|x| x.unit_id == g) {
                group.tally.add(n);
            }
            people.push(Behind {
                employee_id: e.id,
                nip: e.nip.clone(),
                name: e.name.clone(),
                unit_name: e.unit_name.clone(),
                jp: n,
                short: MINIMUM_PER_YEAR.saturating_sub(n),
            });
        }
        groups.retain(|g| g.tally.people > 0);
        people.sort_by(|a, b| b.short.cmp(&a.short).then_with(|| a.name.cmp(&b.name)));
        Ok(Compliance {
            year,
            unit: at.map_or_else(|| (0, self.tenant().name.clone()), |u| (u.id, u.name.clone())),
            // The way back up, never above where the reader's view starts.
            parent: at.filter(|u| reach_root.is_none_or(|r| r.id != u.id)).map(|u| u.parent_id.unwrap_or(0)),
            groups,
            total,
            people,
        })
    }
}
