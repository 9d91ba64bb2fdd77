//! One tenant's employee directory in memory: the list page, its filters, search and totals.
//!
//! A SQL `LIKE '%…%'` cannot use an index, so a search that matches most of a 10,000-row tenant
//! scans, counts and sorts every row on each page view (8 ms on SQLite). The directory keeps the
//! rows in name order with the lowercased names (and NIPs) in one buffer each, so a search is one
//! SIMD substring scan (`memchr::memmem`) and one pass over the rows: tens of microseconds. The
//! store builds it from three queries and rebuilds it when the tenant's `org` revision moves
//! (`store::revision`), so it is never staler than the database.
//!
//! Matching is the one rule for both backends: case-insensitive (Unicode lowercase) substring
//! of the name, or of the NIP with the query's spaces removed; order by name or NIP, ties by id,
//! descending being the exact reverse of ascending.

use std::collections::HashMap;

use time::Date;

use super::{EmployeeStatus, Gender, PositionKind};
use crate::employee::Employee;

/// Which employee rows a caller may see (decided by `access`, applied by the store).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EmployeeScope {
    Tenant,
    /// Units whose path starts with this prefix (a supervisor's subtree).
    UnitPath(String),
    /// Only this employee.
    Own(i64),
    Nothing,
}

/// List order (UI.md: sortable columns).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum EmployeeSort {
    #[default]
    NameAsc,
    NameDesc,
    NipAsc,
    NipDesc,
}

impl EmployeeSort {
    /// From the `sort` query value: `nama`, `-nama`, `nip`, `-nip`.
    pub fn parse(s: &str) -> EmployeeSort {
        match s {
            "-nama" => EmployeeSort::NameDesc,
            "nip" => EmployeeSort::NipAsc,
            "-nip" => EmployeeSort::NipDesc,
            _ => EmployeeSort::NameAsc,
        }
    }
}

#[derive(Debug, Clone, Default)]
pub struct EmployeeFilter {
    pub sort: EmployeeSort,
    /// Name or NIP (spaces ignored), substring.
    pub q: Option<String>,
    /// Unit and its subtree.
    pub unit_id: Option<i64>,
    pub kind: Option<PositionKind>,
    pub status: Option<EmployeeStatus>,
    pub include_inactive: bool,
}

#[derive(Debug, Clone)]
pub struct DirUnit {
    pub id: i64,
    pub name: String,
    /// Materialised path of ids, `/12/40/`.
    pub path: String,
}

#[derive(Debug, Clone)]
pub struct DirPosition {
    pub id: i64,
    pub name: String,
    pub kind: PositionKind,
}

/// One employee row as read from the store, before it is indexed.
#[derive(Debug, Clone)]
pub struct DirEmployee {
    pub id: i64,
    pub nip: String,
    pub name: String,
    pub gender: Gender,
    pub birth_date: Date,
    pub status: EmployeeStatus,
    pub golongan: Option<String>,
    pub unit_id: i64,
    pub position_id: i64,
    pub target_position_id: Option<i64>,
    pub email: Option<String>,
    pub active: bool,
}

#[derive(Debug)]
struct Row {
    id: i64,
    nip: Box<str>,
    name: Box<str>,
    gender: Gender,
    birth_date: Date,
    status: EmployeeStatus,
    golongan: Option<Box<str>>,
    unit: u32,
    position: u32,
    target: Option<u32>,
    email: Option<Box<str>>,
    active: bool,
}

/// Lowercased texts of all rows end to end, with where each row's text ends.
#[derive(Debug, Default)]
struct Texts {
    bytes: Vec<u8>,
    ends: Vec<u32>,
}

/// Separates rows in [`Texts`], so a match never spans two rows unless the needle holds it.
const SEP: u8 = 0;

impl Texts {
    fn push(&mut self, s: &str) {
        self.bytes.extend_from_slice(s.as_bytes());
        self.bytes.push(SEP);
        self.ends.push(u32::try_from(self.bytes.len()).unwrap_or(u32::MAX));
    }

    fn row(&self, i: usize) -> &[u8] {
        let start = if i == 0 { 0 } else { self.ends[i - 1] as usize };
        &self.bytes[start..self.ends[i] as usize - 1]
    }

    /// Marks every row whose text contains `needle`.
    fn mark(&self, needle: &[u8], hits: &mut [bool]) {
        if needle.is_empty() {
            return;
        }
        if needle.contains(&SEP) {
            for (i, hit) in hits.iter_mut().enumerate() {
                *hit |= memchr::memmem::find(self.row(i), needle).is_some();
            }
            return;
        }
        let mut row = 0usize;
        for pos in memchr::memmem::find_iter(&self.bytes, needle) {
            while row < self.ends.len() && (self.ends[row] as usize) <= pos {
                row += 1;
            }
            if let Some(h) = hits.get_mut(row) {
                *h = true;
            }
        }
    }
}

/// The directory of one tenant; see the module comment.
#[derive(Debug, Default)]
pub struct Directory {
    units: Vec<DirUnit>,
    unit_at: HashMap<i64, u32>,
    positions: Vec<DirPosition>,
    /// In name order (ties by id).
    rows: Vec<Row>,
    names: Texts,
    nips: Texts,
    /// Row indexes in NIP order (ties by id).
    by_nip: Vec<u32>,
    /// Row index of each employee id.
    at: HashMap<i64, u32>,
    /// The last answers of [`Directory::matching`], oldest first.
    recent: std::sync::Mutex<std::collections::VecDeque<(SearchKey, std::sync::Arc<[u32]>)>>,
}

/// How many recent answers a directory keeps (each at most 4 bytes per employee).
const RECENT: usize = 16;

/// What decides an answer of [`Directory::matching`].
#[derive(Debug, Clone, PartialEq, Eq)]
struct SearchKey {
    reach: EmployeeScope,
    q: String,
    unit_id: Option<i64>,
    kind: Option<PositionKind>,
    status: Option<EmployeeStatus>,
    include_inactive: bool,
    sort: EmployeeSort,
}

impl SearchKey {
    fn of(reach: &EmployeeScope, f: &EmployeeFilter) -> SearchKey {
        SearchKey {
            reach: reach.clone(),
            q: f.q.as_deref().map(str::trim).unwrap_or("").to_string(),
            unit_id: f.unit_id,
            kind: f.kind,
            status: f.status,
            include_inactive: f.include_inactive,
            sort: f.sort,
        }
    }
}

impl Directory {
    /// Indexes the rows. Rows whose unit or position is not among those given (which the
    /// database's keys prevent) are left out, as an inner join would.
    pub fn build(units: Vec<DirUnit>, positions: Vec<DirPosition>, mut employees: Vec<DirEmployee>) -> Directory {
        let index = |ids: &mut dyn Iterator<Item = i64>| ids.enumerate().map(|(i, id)| (id, i as u32)).collect::<HashMap<_, _>>();
        let unit_at = index(&mut units.iter().map(|u| u.id));
        let position_at = index(&mut positions.iter().map(|p| p.id));
        employees.sort_by(|a, b| a.name.cmp(&b.name).then(a.id.cmp(&b.id)));
        let mut rows = Vec::with_capacity(employees.len());
        let (mut names, mut nips) = (Texts::default(), Texts::default());
        for e in employees {
            let (Some(&unit), Some(&position)) = (unit_at.get(&e.unit_id), position_at.get(&e.position_id)) else { continue };
            names.push(&e.name.to_lowercase());
            nips.push(&e.nip.to_lowercase());
            rows.push(Row {
                id: e.id,
                nip: e.nip.into(),
                name: e.name.into(),
                gender: e.gender,
                birth_date: e.birth_date,
                status: e.status,
                golongan: e.golongan.map(Into::into),
                unit,
                position,
                target: e.target_position_id.and_then(|t| position_at.get(&t).copied()),
                email: e.email.map(Into::into),
                active: e.active,
            });
        }
        let mut by_nip: Vec<u32> = (0..rows.len() as u32).collect();
        by_nip.sort_by(|&a, &b| {
            let (a, b) = (&rows[a as usize], &rows[b as usize]);
            a.nip.cmp(&b.nip).then(a.id.cmp(&b.id))
        });
        let at = rows.iter().enumerate().map(|(i, r)| (r.id, i as u32)).collect();
        Directory { units, unit_at, positions, rows, names, nips, by_nip, at, recent: Default::default() }
    }

    pub fn len(&self) -> usize {
        self.rows.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// Units whose rows `reach` and `within` (a unit and its subtree) allow; None: all.
    fn unit_mask(&self, reach: &EmployeeScope, within: Option<&str>) -> Option<Vec<bool>> {
        let prefix = match reach {
            EmployeeScope::UnitPath(p) => Some(p.as_str()),
            _ => None,
        };
        if prefix.is_none() && within.is_none() {
            return None;
        }
        Some(self.units.iter().map(|u| prefix.is_none_or(|p| u.path.starts_with(p)) && within.is_none_or(|w| u.path.starts_with(w))).collect())
    }

    fn record(&self, r: &Row) -> Employee {
        let unit = &self.units[r.unit as usize];
        let position = &self.positions[r.position as usize];
        let target = r.target.map(|t| &self.positions[t as usize]);
        Employee {
            id: r.id,
            nip: r.nip.to_string(),
            name: r.name.to_string(),
            gender: r.gender,
            birth_date: r.birth_date,
            status: r.status,
            golongan: r.golongan.as_deref().map(str::to_string),
            unit_id: unit.id,
            unit_name: unit.name.clone(),
            position_id: position.id,
            position_name: position.name.clone(),
            target_position_id: target.map(|t| t.id),
            target_position_name: target.map(|t| t.name.clone()),
            email: r.email.as_deref().map(str::to_string),
            active: r.active,
        }
    }

    /// One page (1-based) of the rows `reach` allows that pass `f`, and how many pass in all.
    /// None when `f.unit_id` is not a unit of this tenant.
    pub fn search(&self, reach: &EmployeeScope, f: &EmployeeFilter, page: u64, per_page: u64) -> Option<(Vec<Employee>, u64)> {
        let rows = self.matching(reach, f)?;
        let per_page = per_page.max(1);
        let skip = usize::try_from(page.saturating_sub(1).saturating_mul(per_page)).unwrap_or(usize::MAX);
        let take = usize::try_from(per_page).unwrap_or(usize::MAX);
        let items = rows.iter().skip(skip).take(take).map(|&i| self.record(&self.rows[i as usize])).collect();
        Some((items, rows.len() as u64))
    }

    /// The rows that pass, in the requested order. The last few answers are kept: paging
    /// through one search (page 1, 2, 3 …) or many people opening the same list does not scan
    /// again, and the directory itself is replaced when the data changes.
    fn matching(&self, reach: &EmployeeScope, f: &EmployeeFilter) -> Option<std::sync::Arc<[u32]>> {
        let key = SearchKey::of(reach, f);
        {
            let recent = self.recent.lock().unwrap_or_else(|p| p.into_inner());
            if let Some((_, rows)) = recent.iter().find(|(k, _)| *k == key) {
                return Some(rows.clone());
            }
        }
        let rows: std::sync::Arc<[u32]> = self.scan(reach, f)?.into();
        let mut recent = self.recent.lock().unwrap_or_else(|p| p.into_inner());
        if recent.len() >= RECENT {
            recent.pop_front();
        }
        recent.push_back((key, rows.clone()));
        Some(rows)
    }

    fn scan(&self, reach: &EmployeeScope, f: &EmployeeFilter) -> Option<Vec<u32>> {
        let within = match f.unit_id {
            Some(id) => Some(self.units[*self.unit_at.get(&id)? as usize].path.as_str()),
            None => None,
        };
        if *reach == EmployeeScope::Nothing {
            return Some(vec![]);
        }
        let units = self.unit_mask(reach, within);
        let hits = f.q.as_deref().map(str::trim).filter(|q| !q.is_empty()).map(|q| {
            let mut hits = vec![false; self.rows.len()];
            self.names.mark(q.to_lowercase().as_bytes(), &mut hits);
            let digits: String = q.chars().filter(|c| !c.is_whitespace()).collect::<String>().to_lowercase();
            self.nips.mark(digits.as_bytes(), &mut hits);
            hits
        });
        let own = match reach {
            EmployeeScope::Own(id) => Some(*id),
            _ => None,
        };
        let keep = |i: u32| {
            let r = &self.rows[i as usize];
            (f.include_inactive || r.active)
                && f.status.is_none_or(|s| r.status == s)
                && f.kind.is_none_or(|k| self.positions[r.position as usize].kind == k)
                && own.is_none_or(|id| r.id == id)
                && units.as_ref().is_none_or(|m| m[r.unit as usize])
                && hits.as_ref().is_none_or(|h| h[i as usize])
        };
        let n = self.rows.len() as u32;
        Some(match f.sort {
            EmployeeSort::NameAsc => (0..n).filter(|&i| keep(i)).collect(),
            EmployeeSort::NameDesc => (0..n).rev().filter(|&i| keep(i)).collect(),
            EmployeeSort::NipAsc => self.by_nip.iter().copied().filter(|&i| keep(i)).collect(),
            EmployeeSort::NipDesc => self.by_nip.iter().rev().copied().filter(|&i| keep(i)).collect(),
        })
    }

    /// One employee (active or not) if `reach` allows it.
    pub fn get(&self, reach: &EmployeeScope, id: i64) -> Option<Employee> {
        let r = &self.rows[*self.at.get(&id)? as usize];
        let allowed = match reach {
            EmployeeScope::Tenant => true,
            EmployeeScope::UnitPath(prefix) => self.units[r.unit as usize].path.starts_with(prefix.as_str()),
            EmployeeScope::Own(own) => *own == id,
            EmployeeScope::Nothing => false,
        };
        allowed.then(|| self.record(r))
    }

    /// Active employees within `reach`.
    pub fn count_active(&self, reach: &EmployeeScope) -> u64 {
        self.search(reach, &EmployeeFilter::default(), 1, 1).map_or(0, |(_, n)| n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dir() -> Directory {
        let units = vec![
            DirUnit { id: 1, name: "Dinas Kesehatan".into(), path: "/1/".into() },
            DirUnit { id: 2, name: "Bidang Pelayanan".into(), path: "/1/2/".into() },
            DirUnit { id: 3, name: "Dinas Pendidikan".into(), path: "/3/".into() },
        ];
        let positions = vec![
            DirPosition { id: 10, name: "Kepala Dinas".into(), kind: PositionKind::Jpt },
            DirPosition { id: 11, name: "Analis".into(), kind: PositionKind::Fungsional },
        ];
        let e = |id: i64, nip: &str, name: &str, unit_id: i64, active: bool| DirEmployee {
            id,
            nip: nip.into(),
            name: name.into(),
            gender: Gender::P,
            birth_date: Date::from_calendar_date(1980, time::Month::May, 1).unwrap(),
            status: if id % 2 == 0 { EmployeeStatus::Pns } else { EmployeeStatus::Pppk },
            golongan: None,
            unit_id,
            position_id: if id == 1 { 10 } else { 11 },
            target_position_id: (id == 2).then_some(10),
            email: None,
            active,
        };
        Directory::build(
            units,
            positions,
            vec![
                e(4, "198001012005012004", "Siti Ḿaryam", 2, true),
                e(1, "197501012000031001", "Budi Santoso", 1, true),
                e(2, "198502022010012002", "ANI RAHAYU", 2, true),
                e(3, "199003032015021003", "Budi Santoso", 3, true),
                e(5, "199104042016011005", "Dewi Lestari", 3, false),
                e(6, "199204042016011006", "Orphan", 99, true),
            ],
        )
    }

    fn names(d: &Directory, reach: &EmployeeScope, f: &EmployeeFilter) -> Vec<String> {
        d.search(reach, f, 1, 100).unwrap().0.into_iter().map(|e| format!("{}#{}", e.name, e.id)).collect()
    }

    #[test]
    fn name_order_ties_by_id_and_descending_is_the_reverse() {
        let d = dir();
        assert_eq!(d.len(), 5, "inactive rows are kept, the orphan is not");
        let all = names(&d, &EmployeeScope::Tenant, &EmployeeFilter::default());
        assert_eq!(all, ["ANI RAHAYU#2", "Budi Santoso#1", "Budi Santoso#3", "Siti Ḿaryam#4"]);
        let desc = names(&d, &EmployeeScope::Tenant, &EmployeeFilter { sort: EmployeeSort::NameDesc, ..Default::default() });
        assert_eq!(desc, all.iter().rev().cloned().collect::<Vec<_>>());
        let nip = names(&d, &EmployeeScope::Tenant, &EmployeeFilter { sort: EmployeeSort::NipAsc, ..Default::default() });
        assert_eq!(nip, ["Budi Santoso#1", "Siti Ḿaryam#4", "ANI RAHAYU#2", "Budi Santoso#3"]);
    }

    #[test]
    fn search_is_case_insensitive_on_names_and_ignores_spaces_in_nips() {
        let d = dir();
        let q = |s: &str| names(&d, &EmployeeScope::Tenant, &EmployeeFilter { q: Some(s.into()), ..Default::default() });
        assert_eq!(q("rahayu"), ["ANI RAHAYU#2"]);
        assert_eq!(q("  budi "), ["Budi Santoso#1", "Budi Santoso#3"]);
        assert_eq!(q("ḿaryam"), ["Siti Ḿaryam#4"], "Unicode lowercase, not ASCII only");
        assert_eq!(q("19850202 2010"), ["ANI RAHAYU#2"]);
        assert_eq!(q("%"), Vec::<String>::new(), "no wildcard characters");
        assert_eq!(q("o\u{0}b"), Vec::<String>::new(), "a match never spans two rows");
        assert_eq!(q("yu\u{0}"), Vec::<String>::new());
        assert_eq!(q("santoso"), ["Budi Santoso#1", "Budi Santoso#3"]);
        assert_eq!(q("lestari"), Vec::<String>::new(), "inactive rows are left out by default");
        let inactive = names(&d, &EmployeeScope::Tenant, &EmployeeFilter { q: Some("lestari".into()), include_inactive: true, ..Default::default() });
        assert_eq!(inactive, ["Dewi Lestari#5"]);
    }

    #[test]
    fn reach_and_unit_filters_take_subtrees_and_unknown_units_are_none() {
        let d = dir();
        let sub = EmployeeScope::UnitPath("/1/".into());
        assert_eq!(names(&d, &sub, &EmployeeFilter::default()), ["ANI RAHAYU#2", "Budi Santoso#1", "Siti Ḿaryam#4"]);
        assert_eq!(names(&d, &EmployeeScope::Tenant, &EmployeeFilter { unit_id: Some(2), ..Default::default() }), ["ANI RAHAYU#2", "Siti Ḿaryam#4"]);
        assert_eq!(names(&d, &sub, &EmployeeFilter { unit_id: Some(3), ..Default::default() }), Vec::<String>::new(), "outside the reach");
        assert_eq!(names(&d, &EmployeeScope::Own(3), &EmployeeFilter::default()), ["Budi Santoso#3"]);
        assert_eq!(names(&d, &EmployeeScope::Nothing, &EmployeeFilter::default()), Vec::<String>::new());
        assert!(d.search(&EmployeeScope::Tenant, &EmployeeFilter { unit_id: Some(99), ..Default::default() }, 1, 10).is_none());
        assert_eq!(d.get(&sub, 2).map(|e| e.name), Some("ANI RAHAYU".into()));
        assert_eq!(d.get(&sub, 3), None, "outside the subtree");
        assert_eq!(d.get(&EmployeeScope::Tenant, 5).map(|e| e.active), Some(false), "inactive rows are found by id");
        assert_eq!(d.get(&EmployeeScope::Own(4), 2), None);
        assert_eq!(d.get(&EmployeeScope::Tenant, 6), None, "left out at build");
        assert_eq!(d.count_active(&EmployeeScope::Tenant), 4);
        assert_eq!(d.count_active(&sub), 3);
        let kind = EmployeeFilter { kind: Some(PositionKind::Jpt), ..Default::default() };
        assert_eq!(names(&d, &EmployeeScope::Tenant, &kind), ["Budi Santoso#1"]);
        let pns = EmployeeFilter { status: Some(EmployeeStatus::Pns), ..Default::default() };
        assert_eq!(names(&d, &EmployeeScope::Tenant, &pns), ["ANI RAHAYU#2", "Siti Ḿaryam#4"]);
    }

    #[test]
    fn pages_count_all_matches_and_labels_come_from_units_and_positions() {
        let d = dir();
        let (items, total) = d.search(&EmployeeScope::Tenant, &EmployeeFilter::default(), 2, 3).unwrap();
        assert_eq!(total, 4);
        assert_eq!(items.len(), 1);
        assert_eq!(items[0].name, "Siti Ḿaryam");
        let (far, total) = d.search(&EmployeeScope::Tenant, &EmployeeFilter::default(), u64::MAX, u64::MAX).unwrap();
        assert!(far.is_empty() && total == 4, "huge page numbers are an empty page");
        let (one, _) = d.search(&EmployeeScope::Own(2), &EmployeeFilter::default(), 1, 10).unwrap();
        assert_eq!((one[0].unit_name.as_str(), one[0].position_name.as_str()), ("Bidang Pelayanan", "Analis"));
        assert_eq!(one[0].target_position_name.as_deref(), Some("Kepala Dinas"));
    }

    #[test]
    fn kept_answers_are_per_key_and_bounded() {
        let d = dir();
        let budi = EmployeeFilter { q: Some("budi".into()), ..Default::default() };
        let first = names(&d, &EmployeeScope::Tenant, &budi);
        // Same words, other reach or order: not the kept answer.
        assert_eq!(names(&d, &EmployeeScope::Own(3), &budi), ["Budi Santoso#3"]);
        assert_eq!(names(&d, &EmployeeScope::Tenant, &EmployeeFilter { sort: EmployeeSort::NameDesc, ..budi.clone() }), ["Budi Santoso#3", "Budi Santoso#1"]);
        for i in 0..(RECENT * 2) {
            names(&d, &EmployeeScope::Tenant, &EmployeeFilter { q: Some(format!("x{i}")), ..Default::default() });
        }
        assert!(d.recent.lock().unwrap().len() <= RECENT);
        assert_eq!(names(&d, &EmployeeScope::Tenant, &budi), first, "scanned again after eviction, same answer");
    }
}
