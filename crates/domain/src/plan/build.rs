//! From ranked needs and a catalogue to a plan: the optimizer's instance, the rules the planner
//! switches on, and the report (who is covered, who is left out and why, what more budget buys).
//!
//! A need's value is its priority (0–100, from the AKPK) times the share of its gap a program
//! closes: a program that brings a participant to level 3 closes ⅔ of a gap from 1 to 4. To keep
//! the optimizer's instance format (values as sums of weights over covered competencies), each
//! gap is split into one token per level step ("c@2", "c@3", "c@4"), each weighing
//! `priority × 12 / gap` (12 is divisible by every gap 1–4, so weights stay integers), and a
//! program developing c to level L covers the tokens c@1 … c@L. A need added by hand has no
//! levels: any program developing its competency covers it whole (token "c"). A program meant
//! for some jenis jabatan only covers the tokens of employees holding one of them (each token is
//! prefixed by the employee's jenis jabatan).

use std::collections::{BTreeMap, HashMap, HashSet};

use super::catalogue::{Audience, Jalur, JalurGroup};
use super::instance::{Candidate, Instance, Program, Solution};
use crate::PositionKind;
use crate::learning::jp;

/// One need of one employee, as the needs list ranks it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NeedIn {
    pub employee_id: i64,
    pub unit_id: i64,
    pub kind: Option<PositionKind>,
    pub competency_id: i64,
    /// Held and required levels; None for a need added by hand.
    pub actual: Option<u8>,
    pub required: Option<u8>,
    pub gap: u8,
    pub priority: u8,
    /// JP the employee has in the ledger in the JP rule's year (the same for each of their
    /// needs); 0 when the rule is off, as the ledger is read only for it.
    pub jp: u32,
    /// The name of the position held (a program's bidang tugas is words of it).
    pub position: String,
}

/// One program of the catalogue, as the optimizer needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProgramIn {
    pub id: i64,
    pub jalur: Jalur,
    pub fixed_cost: u64,
    pub cost_per_participant: u64,
    pub capacity: u64,
    /// (competency, the level it brings a participant to).
    pub competencies: Vec<(i64, u8)>,
    /// Jenis jabatan it suits; empty for everyone.
    pub suits: Vec<PositionKind>,
    /// Bidang tugas it suits (words of position names); empty for every bidang.
    pub audience: Audience,
}

/// The rules the planner may switch on.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Rules {
    /// At least this many people per unit (that has a need some program fits), when the budget
    /// allows.
    pub min_per_unit: Option<u32>,
    /// Keep this percentage of the budget for programs of one jalur family.
    pub reserve: Option<(JalurGroup, u8)>,
    /// Give priority to employees below 20 JP (PP 11/2017 Pasal 203(4)) in this year of the JP
    /// ledger (the year the plan was drawn up in): their needs weigh [`JP_PRIORITY_FACTOR`]
    /// times. Absent in rules stored before the rule existed.
    #[serde(default)]
    pub below_minimum_jp: Option<i32>,
}

/// How much more the needs of an employee below the yearly JP minimum weigh when the planner
/// switches [`Rules::below_minimum_jp`] on: enough that a seat usually goes to them before a
/// colleague with the same need, not so much that a small need outranks a critical one (a
/// priority-30 gap of someone below 20 JP weighs as a priority-90 gap of someone above).
pub const JP_PRIORITY_FACTOR: u32 = 3;

/// Why an employee with needs is not in the plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LeftOut {
    /// No program of the catalogue develops their needs (for their jenis jabatan).
    NoProgram,
    /// A program fits, and its classes in the plan are full: a seat needs another class.
    Capacity,
    /// A program fits, and the budget left buys neither a seat nor a class of it.
    Budget,
}

impl LeftOut {
    pub fn code(self) -> &'static str {
        match self {
            LeftOut::NoProgram => "no_program",
            LeftOut::Capacity => "capacity",
            LeftOut::Budget => "budget",
        }
    }

    pub fn from_code(s: &str) -> Option<Self> {
        [LeftOut::NoProgram, LeftOut::Capacity, LeftOut::Budget].into_iter().find(|r| r.code() == s)
    }

    pub fn label(self) -> &'static str {
        match self {
            LeftOut::NoProgram => "Tidak ada program di katalog yang sesuai kebutuhannya",
            LeftOut::Capacity => "Kelas program yang sesuai sudah penuh; kursi berikutnya perlu kelas baru",
            LeftOut::Budget => "Anggaran tidak cukup untuk program yang sesuai",
        }
    }
}

/// What a bigger budget would buy.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct WhatIf {
    pub percent: u8,
    pub budget: u64,
    pub value: u64,
    pub people: u64,
}

/// The plan the optimizer chose, in the catalogue's and the employees' ids.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Outcome {
    pub budget: u64,
    pub value: u64,
    pub cost: u64,
    /// program → classes opened.
    pub classes: BTreeMap<i64, u64>,
    /// (employee, program, value to them).
    pub seats: Vec<(i64, i64, u64)>,
    pub left_out: Vec<(i64, LeftOut)>,
    /// A rule that the budget could not honour, in words for the planner.
    pub unmet: Vec<String>,
}

/// Weight of one level step of a gap (see the module's note).
fn step_weight(priority: u8, gap: u8) -> u32 {
    u32::from(priority.max(1)) * 12 / u32::from(gap.clamp(1, 4))
}

fn kind_code(k: Option<PositionKind>) -> &'static str {
    k.map_or("-", PositionKind::code)
}

/// The optimizer's instance for these needs and programs. Candidates are employees with at least
/// one need (one entry each, their needs merged: the larger weight of a token wins); ids are
/// the decimal database ids. A token's prefix says who may take it: the employee's jenis
/// jabatan and their audience group (the set of programs with a bidang tugas whose words their
/// position's name contains), and a program covers the tokens of the prefixes it suits.
pub fn instance(needs: &[NeedIn], programs: &[ProgramIn], budget: u64) -> Instance {
    let narrowed: Vec<usize> = programs.iter().enumerate().filter(|(_, p)| !p.audience.is_empty()).map(|(i, _)| i).collect();
    // Audience groups by the set of narrowed programs a position fits; group 0 fits none.
    let mut groups: Vec<Vec<usize>> = vec![vec![]];
    let mut group_of: HashMap<&str, usize> = HashMap::new();
    let mut prefixes: BTreeMap<String, (Option<PositionKind>, usize)> = BTreeMap::new();
    let mut per: BTreeMap<i64, BTreeMap<String, u32>> = BTreeMap::new();
    for n in needs {
        let g = *group_of.entry(n.position.as_str()).or_insert_with(|| {
            let fits: Vec<usize> = narrowed.iter().copied().filter(|&p| programs[p].audience.fits(&n.position)).collect();
            groups.iter().position(|x| *x == fits).unwrap_or_else(|| {
                groups.push(fits);
                groups.len() - 1
            })
        });
        let k = format!("{}/{g}", kind_code(n.kind));
        prefixes.entry(k.clone()).or_insert((n.kind, g));
        let tokens = per.entry(n.employee_id).or_default();
        let mut put = |t: String, w: u32| {
            let e = tokens.entry(t).or_insert(0);
            *e = (*e).max(w);
        };
        match (n.actual, n.required) {
            (_, Some(req)) if req > 0 => {
                let from = n.actual.unwrap_or(0).min(req);
                // An unassessed competency (no level held) counts its gap as the requirement.
                let gap = req - from;
                let steps = gap.clamp(1, 4);
                for l in (req + 1 - steps)..=req {
                    put(format!("{k}:{}@{l}", n.competency_id), step_weight(n.priority, steps));
                }
            }
            _ => put(format!("{k}:{}", n.competency_id), u32::from(n.priority.max(1)) * 12),
        }
    }
    let programs = programs
        .iter()
        .enumerate()
        .map(|(pi, p)| {
            let mut covers = vec![];
            let suits = |kind: &Option<PositionKind>, g: usize| {
                (p.suits.is_empty() || kind.is_some_and(|k| p.suits.contains(&k))) && (p.audience.is_empty() || groups[g].contains(&pi))
            };
            for (prefix, _) in prefixes.iter().filter(|(_, (kind, g))| suits(kind, *g)) {
                for (c, level) in &p.competencies {
                    covers.push(format!("{prefix}:{c}"));
                    for l in 1..=*level {
                        covers.push(format!("{prefix}:{c}@{l}"));
                    }
                }
            }
            Program { id: p.id.to_string(), fixed_cost: p.fixed_cost, cost_per_participant: p.cost_per_participant, capacity: p.capacity.max(1), covers }
        })
        .collect();
    let candidates = per.into_iter().map(|(id, t)| Candidate { id: id.to_string(), needs: t.into_iter().collect() }).collect();
    Instance { budget, programs, candidates }
}

fn cost_of(inst: &Instance, s: &Solution) -> u64 {
    let by: HashMap<&str, &Program> = inst.programs.iter().map(|p| (p.id.as_str(), p)).collect();
    let mut seats: HashMap<&str, u64> = HashMap::new();
    for (_, p) in &s.assignments {
        *seats.entry(p.as_str()).or_default() += 1;
    }
    s.classes
        .iter()
        .map(|(p, n)| by.get(p.as_str()).map_or(0, |pr| n * pr.fixed_cost + seats.get(p.as_str()).copied().unwrap_or(0) * pr.cost_per_participant))
        .sum()
}

/// Solves with the jalur reserve: first the reserved share over that family's programs, then
/// the rest of the money (and what the first part left) over every program for those still
/// unplaced. Both parts are feasible on their own, so their union is.
fn solve_with_reserve(inst: &Instance, jalur: &HashMap<String, JalurGroup>, reserve: Option<(JalurGroup, u8)>) -> Solution {
    let Some((group, pct)) = reserve.filter(|(_, p)| *p > 0) else { return super::optimize::solve(inst) };
    let kept = inst.budget / 100 * u64::from(pct.min(100)) + inst.budget % 100 * u64::from(pct.min(100)) / 100;
    let first = Instance {
        budget: kept,
        programs: inst.programs.iter().filter(|p| jalur.get(&p.id) == Some(&group)).cloned().collect(),
        candidates: inst.candidates.clone(),
    };
    let a = super::optimize::solve(&first);
    let spent = cost_of(&first, &a);
    let placed: HashSet<&str> = a.assignments.iter().map(|(c, _)| c.as_str()).collect();
    let second = Instance {
        budget: inst.budget - spent,
        programs: inst.programs.clone(),
        candidates: inst.candidates.iter().filter(|c| !placed.contains(c.id.as_str())).cloned().collect(),
    };
    let b = super::optimize::solve(&second);
    let mut classes = a.classes.clone();
    for (p, n) in b.classes {
        *classes.entry(p).or_default() += n;
    }
    let mut assignments = a.assignments;
    assignments.extend(b.assignments);
    Solution { objective: a.objective + b.objective, classes, assignments, seconds: a.seconds + b.seconds }
}

/// The plan for these needs, programs, budget and rules.
pub fn plan(needs: &[NeedIn], programs: &[ProgramIn], budget: u64, rules: &Rules) -> Outcome {
    let inst = instance(needs, programs, budget);
    // The instance the optimizer weighs (priorities applied); the report values seats with
    // `inst`'s own weights.
    let weighed = if rules.below_minimum_jp.is_some() { below_minimum_first(&inst, needs) } else { inst.clone() };
    let jalur: HashMap<String, JalurGroup> = programs.iter().map(|p| (p.id.to_string(), p.jalur.group())).collect();
    let mut sol = solve_with_reserve(&weighed, &jalur, rules.reserve);
    let unit_of: HashMap<i64, i64> = needs.iter().map(|n| (n.employee_id, n.unit_id)).collect();
    let vals = super::optimize::values(&inst);
    let weighed_vals = super::optimize::values(&weighed);
    let mut unmet = vec![];
    if let Some(min) = rules.min_per_unit.filter(|m| *m > 0) {
        // Units below the minimum: their best-served candidates (up to the minimum) weigh far
        // more in a second solve, so the optimizer seats them first if the money allows.
        let covered_in = |s: &Solution| {
            let mut per: HashMap<i64, u32> = HashMap::new();
            for (c, _) in &s.assignments {
                if let Some(u) = c.parse::<i64>().ok().and_then(|e| unit_of.get(&e)) {
                    *per.entry(*u).or_default() += 1;
                }
            }
            per
        };
        let per = covered_in(&sol);
        let mut boost: HashSet<usize> = HashSet::new();
        let mut by_unit: BTreeMap<i64, Vec<(u64, usize)>> = BTreeMap::new();
        for (i, c) in inst.candidates.iter().enumerate() {
            let best = weighed_vals[i].iter().map(|(_, v)| *v).max().unwrap_or(0);
            if best > 0
                && let Some(u) = c.id.parse::<i64>().ok().and_then(|e| unit_of.get(&e))
            {
                by_unit.entry(*u).or_default().push((best, i));
            }
        }
        for (u, list) in &mut by_unit {
            if per.get(u).copied().unwrap_or(0) < min {
                list.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
                boost.extend(list.iter().take(min as usize).map(|(_, i)| *i));
            }
        }
        if !boost.is_empty() {
            let total: u64 = weighed_vals.iter().flat_map(|v| v.iter().map(|(_, x)| *x)).max().unwrap_or(1) * inst.candidates.len() as u64;
            let factor = u32::try_from(total.clamp(2, 1 << 20)).unwrap_or(1 << 20);
            let mut boosted = weighed.clone();
            for i in &boost {
                for (_, w) in &mut boosted.candidates[*i].needs {
                    *w = w.saturating_mul(factor);
                }
            }
            let s = solve_with_reserve(&boosted, &jalur, rules.reserve);
            // Its objective counts the boosted weights; the report values seats with the true ones.
            sol = s;
        }
        let per = covered_in(&sol);
        let short: Vec<i64> = by_unit.keys().filter(|u| per.get(u).copied().unwrap_or(0) < min.min(by_unit[u].len() as u32)).copied().collect();
        if !short.is_empty() {
            unmet.push(format!("{} unit belum mencapai minimal {min} peserta: anggaran tidak mencukupi", short.len()));
        }
    }
    report(&inst, &sol, &vals, unmet)
}

/// `inst` with the weights of every employee below the yearly JP minimum multiplied by
/// [`JP_PRIORITY_FACTOR`] (weights stay far below `u32::MAX`: at most 1,200 × 3, and the
/// minimum-per-unit boost multiplies by at most 2^20 after).
fn below_minimum_first(inst: &Instance, needs: &[NeedIn]) -> Instance {
    let below: HashSet<String> = needs.iter().filter(|n| jp::below_minimum(n.jp)).map(|n| n.employee_id.to_string()).collect();
    let mut out = inst.clone();
    for c in out.candidates.iter_mut().filter(|c| below.contains(&c.id)) {
        for (_, w) in &mut c.needs {
            *w = w.saturating_mul(JP_PRIORITY_FACTOR);
        }
    }
    out
}

fn report(inst: &Instance, sol: &Solution, vals: &[Vec<(usize, u64)>], unmet: Vec<String>) -> Outcome {
    let pid: HashMap<&str, usize> = inst.programs.iter().enumerate().map(|(i, p)| (p.id.as_str(), i)).collect();
    let mut seated = vec![0u64; inst.programs.len()];
    let mut placed: HashMap<&str, usize> = HashMap::new();
    for (c, p) in &sol.assignments {
        if let Some(&pi) = pid.get(p.as_str()) {
            seated[pi] += 1;
            placed.insert(c.as_str(), pi);
        }
    }
    let cost = cost_of(inst, sol);
    let left = inst.budget.saturating_sub(cost);
    let classes_of = |pi: usize| sol.classes.get(&inst.programs[pi].id).copied().unwrap_or(0);
    let mut seats = vec![];
    let mut left_out = vec![];
    for (i, c) in inst.candidates.iter().enumerate() {
        let id: i64 = c.id.parse().unwrap_or_default();
        if let Some(&pi) = placed.get(c.id.as_str()) {
            let v = vals[i].iter().find(|(p, _)| *p == pi).map_or(0, |(_, v)| *v);
            seats.push((id, inst.programs[pi].id.parse().unwrap_or_default(), v));
            continue;
        }
        let reason = if vals[i].is_empty() {
            LeftOut::NoProgram
        } else if vals[i].iter().any(|(p, _)| {
            let pr = &inst.programs[*p];
            classes_of(*p) > 0 && seated[*p] >= classes_of(*p) * pr.capacity && left >= pr.cost_per_participant
        }) {
            LeftOut::Capacity
        } else {
            LeftOut::Budget
        };
        left_out.push((id, reason));
    }
    let classes = sol.classes.iter().map(|(p, n)| (p.parse().unwrap_or_default(), *n)).collect();
    // The value from the seats with the instance's own weights (a boosted solve's objective is not).
    let value = seats.iter().map(|(_, _, v)| *v).sum();
    Outcome { budget: inst.budget, value, cost, classes, seats, left_out, unmet }
}

/// What +10%, +25% and +50% of the budget would buy, under the same rules.
pub fn what_if(needs: &[NeedIn], programs: &[ProgramIn], budget: u64, rules: &Rules) -> Vec<WhatIf> {
    WHAT_IF_PERCENTS.into_iter().map(|pct| what_if_at(needs, programs, budget, rules, pct)).collect()
}

/// The budget increases a plan reports on.
pub const WHAT_IF_PERCENTS: [u8; 3] = [10, 25, 50];

/// What `pct` percent more budget would buy.
pub fn what_if_at(needs: &[NeedIn], programs: &[ProgramIn], budget: u64, rules: &Rules, pct: u8) -> WhatIf {
    let b = budget.saturating_add(budget / 100 * u64::from(pct));
    let o = plan(needs, programs, b, rules);
    WhatIf { percent: pct, budget: b, value: o.value, people: o.seats.len() as u64 }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::instance::check;

    fn need(e: i64, unit: i64, c: i64, actual: Option<u8>, required: Option<u8>, priority: u8) -> NeedIn {
        let gap = required.unwrap_or(1).saturating_sub(actual.unwrap_or(0)).max(1);
        NeedIn {
            employee_id: e,
            unit_id: unit,
            kind: Some(PositionKind::Pelaksana),
            competency_id: c,
            actual,
            required,
            gap,
            priority,
            jp: 20,
            position: "Pengadministrasi Umum".into(),
        }
    }

    fn prog(id: i64, jalur: Jalur, fixed: u64, cpp: u64, cap: u64, comps: &[(i64, u8)]) -> ProgramIn {
        ProgramIn {
            id,
            jalur,
            fixed_cost: fixed,
            cost_per_participant: cpp,
            capacity: cap,
            competencies: comps.to_vec(),
            suits: vec![],
            audience: Audience::default(),
        }
    }

    fn value_of(needs: &[NeedIn], p: &ProgramIn) -> u64 {
        let inst = instance(needs, std::slice::from_ref(p), 0);
        super::super::optimize::values(&inst).iter().flatten().map(|(_, v)| *v).sum()
    }

    #[test]
    fn a_program_is_worth_the_share_of_the_gap_it_closes() {
        // Gap 1 → 4 (three steps) at priority 50: each step weighs 50 × 12 / 3 = 200.
        let n = [need(1, 10, 7, Some(1), Some(4), 50)];
        assert_eq!(value_of(&n, &prog(1, Jalur::Kl03, 0, 0, 10, &[(7, 4)])), 600);
        assert_eq!(value_of(&n, &prog(1, Jalur::Kl03, 0, 0, 10, &[(7, 3)])), 400, "to level 3 closes two of three steps");
        assert_eq!(value_of(&n, &prog(1, Jalur::Kl03, 0, 0, 10, &[(7, 1)])), 0, "a level already held closes nothing");
        assert_eq!(value_of(&n, &prog(1, Jalur::Kl03, 0, 0, 10, &[(8, 5)])), 0);
        // A need added by hand (no levels) is covered whole by any level: 30 × 12.
        let m = [need(2, 10, 7, None, None, 30)];
        assert_eq!(value_of(&m, &prog(1, Jalur::Kl03, 0, 0, 10, &[(7, 1)])), 360);
    }

    #[test]
    fn a_program_for_some_jenis_jabatan_is_worth_nothing_to_others() {
        let n = [need(1, 10, 7, Some(1), Some(2), 50)];
        let mut p = prog(1, Jalur::Kl03, 0, 0, 10, &[(7, 3)]);
        p.suits = vec![PositionKind::Fungsional];
        assert_eq!(value_of(&n, &p), 0);
        p.suits = vec![PositionKind::Fungsional, PositionKind::Pelaksana];
        assert_eq!(value_of(&n, &p), 600);
    }

    #[test]
    fn a_program_for_some_bidang_tugas_is_worth_nothing_to_others() {
        // Same need, two positions; the program is for planners and analysts.
        let mut n = [need(1, 10, 7, Some(1), Some(2), 50), need(2, 10, 7, Some(1), Some(2), 50)];
        n[0].position = "Perencana Ahli Muda".into();
        n[1].position = "Petugas Pelayanan".into();
        let mut planners = prog(1, Jalur::Kl03, 0, 0, 10, &[(7, 3)]);
        planners.audience = Audience::parse("perencana; Analis").unwrap();
        let mut service = prog(2, Jalur::Kl10, 0, 0, 10, &[(7, 3)]);
        service.audience = Audience::parse("Pelayanan").unwrap();
        let open = prog(3, Jalur::Kl10, 0, 0, 10, &[(7, 3)]);
        let inst = instance(&n, &[planners, service, open], 0);
        let vals = super::super::optimize::values(&inst);
        assert_eq!(vals[0], vec![(0, 600), (2, 600)], "the planner: the planners' program and the open one");
        assert_eq!(vals[1], vec![(1, 600), (2, 600)], "the service officer: the service program and the open one");
        // With the jenis jabatan rule too: both must hold.
        let mut fungsional = prog(4, Jalur::Kl04, 0, 0, 10, &[(7, 3)]);
        fungsional.audience = Audience::parse("Perencana").unwrap();
        fungsional.suits = vec![PositionKind::Fungsional];
        assert_eq!(value_of(&n[..1], &fungsional), 0, "a planner who is pelaksana");
    }

    #[test]
    fn the_report_says_who_is_covered_and_why_others_are_not() {
        // Two employees fit A (capacity 1, one class affordable), one fits nothing.
        let needs = [need(1, 10, 7, Some(1), Some(2), 80), need(2, 10, 7, Some(1), Some(2), 40), need(3, 11, 9, Some(1), Some(2), 90)];
        let programs = [prog(100, Jalur::Kl03, 1_000, 100, 1, &[(7, 2)])];
        let o = plan(&needs, &programs, 1_150, &Rules::default());
        assert_eq!(o.seats, vec![(1, 100, 960)]);
        assert_eq!(o.cost, 1_100);
        assert_eq!(o.left_out, vec![(2, LeftOut::Budget), (3, LeftOut::NoProgram)], "50 left buys not even a seat");
        // 100 left would buy a seat, but the one class is full and a second costs 1,100.
        let o = plan(&needs, &programs, 1_200, &Rules::default());
        assert_eq!(o.left_out[0], (2, LeftOut::Capacity));
        let o = plan(&needs, &programs, 2_200, &Rules::default());
        assert_eq!(o.seats.len(), 2);
        assert_eq!(o.left_out, vec![(3, LeftOut::NoProgram)]);
    }

    #[test]
    fn the_reserve_keeps_money_for_a_jalur_and_the_plan_stays_feasible() {
        let needs: Vec<NeedIn> = (0..20).map(|e| need(e, e % 3, 7, Some(1), Some(3), 50 + (e % 5) as u8)).collect();
        let programs = [prog(1, Jalur::Kl03, 5_000, 500, 10, &[(7, 3)]), prog(2, Jalur::Nkl03, 2_000, 100, 10, &[(7, 2)])];
        let rules = Rules { reserve: Some((JalurGroup::Klasikal, 50)), ..Default::default() };
        let kept = plan(&needs, &programs, 12_000, &rules);
        let klasikal: u64 = kept.classes.get(&1).copied().unwrap_or(0);
        assert!(klasikal >= 1, "half the budget buys a klasikal class: {kept:?}");
        assert!(kept.cost <= 12_000);
        let inst = instance(&needs, &programs, 12_000);
        let sol = Solution {
            objective: kept.value,
            classes: kept.classes.iter().map(|(p, n)| (p.to_string(), *n)).collect(),
            assignments: kept.seats.iter().map(|(e, p, _)| (e.to_string(), p.to_string())).collect(),
            seconds: 0.0,
        };
        assert_eq!(check(&inst, &sol), Ok(kept.cost));
    }

    #[test]
    fn a_minimum_per_unit_pulls_people_of_a_unit_in() {
        // Unit 2's people are worth less; without the rule the one class goes to unit 1.
        let mut needs: Vec<NeedIn> = (0..4).map(|e| need(e, 1, 7, Some(1), Some(2), 90)).collect();
        needs.extend((10..12).map(|e| need(e, 2, 7, Some(1), Some(2), 10)));
        let programs = [prog(1, Jalur::Kl03, 1_000, 10, 4, &[(7, 2)])];
        let free = plan(&needs, &programs, 1_100, &Rules::default());
        assert!(free.seats.iter().all(|(e, _, _)| *e < 10));
        let o = plan(&needs, &programs, 1_100, &Rules { min_per_unit: Some(1), ..Default::default() });
        assert_eq!(o.seats.iter().filter(|(e, _, _)| *e >= 10).count(), 1, "{o:?}");
        assert!(o.unmet.is_empty());
        let o = plan(&needs, &programs, 1_100, &Rules { min_per_unit: Some(3), ..Default::default() });
        assert_eq!(o.unmet.len(), 1, "four seats cannot give two units three each");
    }

    #[test]
    fn the_jp_rule_seats_an_employee_below_twenty_jp_first() {
        // One seat. Employee 1 (priority 60, 24 JP this year) is worth 60 × 12 = 720; employee 2
        // (priority 40, 8 JP) 480, and 3 × 480 = 1,440 with the rule on; employee 3 (priority 10,
        // no JP) 120, and 360 with the rule: still less than employee 1's 720.
        let mut needs = [need(1, 10, 7, Some(1), Some(2), 60), need(2, 10, 7, Some(1), Some(2), 40), need(3, 10, 7, Some(1), Some(2), 10)];
        (needs[0].jp, needs[1].jp, needs[2].jp) = (24, 8, 0);
        let programs = [prog(100, Jalur::Kl03, 1_000, 100, 1, &[(7, 2)])];
        let on = Rules { below_minimum_jp: Some(2026), ..Default::default() };
        assert_eq!(plan(&needs, &programs, 1_100, &Rules::default()).seats, vec![(1, 100, 720)]);
        let o = plan(&needs, &programs, 1_100, &on);
        assert_eq!(o.seats, vec![(2, 100, 480)], "the seat and the plan's value in true weights");
        assert_eq!(o.value, 480);
        assert_eq!(plan(&[needs[0].clone(), needs[2].clone()], &programs, 1_100, &on).seats, vec![(1, 100, 720)], "a small need does not outrank a large one");
        // At exactly 20 JP the minimum is met: no priority.
        needs[1].jp = 20;
        assert_eq!(plan(&needs, &programs, 1_100, &on).seats, vec![(1, 100, 720)]);
    }

    #[test]
    fn stored_rules_without_the_jp_rule_still_read() {
        let r: Rules = serde_json::from_str(r#"{"min_per_unit":2,"reserve":null}"#).unwrap();
        assert_eq!(r, Rules { min_per_unit: Some(2), reserve: None, below_minimum_jp: None });
    }

    #[test]
    fn more_budget_buys_at_least_as_much() {
        let needs: Vec<NeedIn> = (0..60).map(|e| need(e, e % 4, e % 3, Some(1), Some(3), 20 + (e % 7) as u8 * 10)).collect();
        let programs = [prog(1, Jalur::Kl03, 3_000, 200, 20, &[(0, 3), (1, 2)]), prog(2, Jalur::Kl10, 2_000, 150, 25, &[(2, 3)])];
        let base = plan(&needs, &programs, 6_000, &Rules::default());
        let w = what_if(&needs, &programs, 6_000, &Rules::default());
        assert_eq!(w.iter().map(|x| x.budget).collect::<Vec<_>>(), vec![6_600, 7_500, 9_000]);
        assert!(w[0].value >= base.value && w[1].value >= w[0].value && w[2].value > base.value, "{w:?} vs {}", base.value);
    }
}
