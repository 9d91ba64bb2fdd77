//! The optimizer's instance and solution, as JSON (docs/BENCHMARKS.md, "plan"), the
//! deterministic instance generator of `cakap bench plan`, and an independent feasibility
//! checker: separate code from the optimizer, so a plan it accepts is feasible whatever the
//! optimizer believed.

use std::collections::{BTreeMap, HashMap, HashSet};

use serde::{Deserialize, Serialize};

/// One program as the optimizer sees it (money in rupiah).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Program {
    pub id: String,
    pub fixed_cost: u64,
    pub cost_per_participant: u64,
    pub capacity: u64,
    /// Competencies the program develops.
    pub covers: Vec<String>,
}

/// One candidate: their needs as (competency, weight).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Candidate {
    pub id: String,
    pub needs: Vec<(String, u32)>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Instance {
    pub budget: u64,
    pub programs: Vec<Program>,
    pub candidates: Vec<Candidate>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Solution {
    pub objective: u64,
    /// Classes opened per program id.
    pub classes: BTreeMap<String, u64>,
    /// (candidate id, program id).
    pub assignments: Vec<(String, String)>,
    pub seconds: f64,
}

/// Why a plan is not feasible.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Infeasible {
    UnknownId(String),
    TwiceAssigned(String),
    ZeroValue(String, String),
    OverCapacity(String),
    OverBudget { cost: u64, budget: u64 },
    WrongObjective { claimed: u64, actual: u64 },
}

/// Checks a solution against its instance from scratch: known ids, each candidate at most once,
/// only pairs of positive value, seats within classes × capacity, total cost within the budget,
/// and the objective as claimed. Returns the plan's cost.
pub fn check(inst: &Instance, s: &Solution) -> Result<u64, Infeasible> {
    let programs: HashMap<&str, &Program> = inst.programs.iter().map(|p| (p.id.as_str(), p)).collect();
    let candidates: HashMap<&str, &Candidate> = inst.candidates.iter().map(|c| (c.id.as_str(), c)).collect();
    let mut seen = HashSet::new();
    let mut seated: HashMap<&str, u64> = HashMap::new();
    let mut value = 0u64;
    for (c, p) in &s.assignments {
        let cand = candidates.get(c.as_str()).ok_or_else(|| Infeasible::UnknownId(c.clone()))?;
        let prog = programs.get(p.as_str()).ok_or_else(|| Infeasible::UnknownId(p.clone()))?;
        if !seen.insert(c.as_str()) {
            return Err(Infeasible::TwiceAssigned(c.clone()));
        }
        let v: u64 = cand.needs.iter().filter(|(comp, _)| prog.covers.contains(comp)).map(|(_, w)| *w as u64).sum();
        if v == 0 {
            return Err(Infeasible::ZeroValue(c.clone(), p.clone()));
        }
        value += v;
        *seated.entry(p.as_str()).or_default() += 1;
    }
    let mut cost = 0u64;
    for (id, n) in &s.classes {
        let prog = programs.get(id.as_str()).ok_or_else(|| Infeasible::UnknownId(id.clone()))?;
        cost += n * prog.fixed_cost;
    }
    for (id, n) in &seated {
        let prog = programs[id];
        let classes = s.classes.get(*id).copied().unwrap_or(0);
        if *n > classes * prog.capacity {
            return Err(Infeasible::OverCapacity(id.to_string()));
        }
        cost += n * prog.cost_per_participant;
    }
    if cost > inst.budget {
        return Err(Infeasible::OverBudget { cost, budget: inst.budget });
    }
    if value != s.objective {
        return Err(Infeasible::WrongObjective { claimed: s.objective, actual: value });
    }
    Ok(cost)
}

/// SplitMix64: a small, fully specified generator, so an instance is the same for a seed on any
/// machine and in any language (the HiGHS peer script reads the JSON, but could rebuild it).
struct SplitMix(u64);

impl SplitMix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// Uniform in `lo..=hi`.
    fn range(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.next() % (hi - lo + 1)
    }
    /// `k` distinct values of `0..n`.
    fn distinct(&mut self, k: usize, n: u64) -> Vec<u64> {
        let mut out = Vec::with_capacity(k);
        while out.len() < k {
            let v = self.next() % n;
            if !out.contains(&v) {
                out.push(v);
            }
        }
        out
    }
}

pub const COMPETENCIES: u64 = 12;

/// The benchmark's instances: 12 competencies; each candidate 1–4 distinct needs of weight
/// 1–10; each program 1–3 distinct competencies, a fixed cost of 5–50 million in steps of
/// 100,000, 0.5–5 million per participant in steps of 10,000, capacity 20–40; the budget
/// `budget_share` of the cost of sending every candidate to their highest-value program.
pub fn generate(seed: u64, candidates: usize, programs: usize, budget_share: f64) -> Instance {
    let mut r = SplitMix(seed);
    let comp = |c: u64| format!("K{c:02}");
    let programs: Vec<Program> = (0..programs)
        .map(|p| {
            let k = r.range(1, 3) as usize;
            Program {
                id: format!("P{p:04}"),
                fixed_cost: r.range(50, 500) * 100_000,
                cost_per_participant: r.range(50, 500) * 10_000,
                capacity: r.range(20, 40),
                covers: r.distinct(k, COMPETENCIES).into_iter().map(comp).collect(),
            }
        })
        .collect();
    let candidates: Vec<Candidate> = (0..candidates)
        .map(|i| {
            let k = r.range(1, 4) as usize;
            let needs = r.distinct(k, COMPETENCIES).into_iter().map(|c| (comp(c), r.range(1, 10) as u32)).collect();
            Candidate { id: format!("C{i:05}"), needs }
        })
        .collect();
    let mut inst = Instance { budget: 0, programs, candidates };
    let vals = super::optimize::values(&inst);
    let mut seated = vec![0u64; inst.programs.len()];
    for vs in &vals {
        // Highest value, the cheaper program on ties.
        if let Some((p, _)) = vs.iter().max_by(|a, b| a.1.cmp(&b.1).then(inst.programs[b.0].cost_per_participant.cmp(&inst.programs[a.0].cost_per_participant)))
        {
            seated[*p] += 1;
        }
    }
    let full: u64 = inst.programs.iter().zip(&seated).map(|(p, n)| n.div_ceil(p.capacity) * p.fixed_cost + n * p.cost_per_participant).sum();
    inst.budget = (full as f64 * budget_share) as u64;
    inst
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_generator_is_deterministic_and_within_its_ranges() {
        let a = generate(7, 300, 30, 0.3);
        assert_eq!(a, generate(7, 300, 30, 0.3));
        assert_ne!(a, generate(8, 300, 30, 0.3));
        for p in &a.programs {
            assert!((5_000_000..=50_000_000).contains(&p.fixed_cost) && p.fixed_cost % 100_000 == 0);
            assert!((500_000..=5_000_000).contains(&p.cost_per_participant) && p.cost_per_participant % 10_000 == 0);
            assert!((20..=40).contains(&p.capacity) && (1..=3).contains(&p.covers.len()));
        }
        for c in &a.candidates {
            assert!((1..=4).contains(&c.needs.len()) && c.needs.iter().all(|(_, w)| (1..=10).contains(w)));
        }
        assert!(a.budget > 0);
    }

    #[test]
    fn the_checker_catches_each_kind_of_infeasible_plan() {
        let inst = Instance {
            budget: 100,
            programs: vec![Program { id: "A".into(), fixed_cost: 50, cost_per_participant: 10, capacity: 2, covers: vec!["x".into()] }],
            candidates: vec![
                Candidate { id: "a".into(), needs: vec![("x".into(), 3)] },
                Candidate { id: "b".into(), needs: vec![("x".into(), 2)] },
                Candidate { id: "c".into(), needs: vec![("x".into(), 1)] },
                Candidate { id: "z".into(), needs: vec![("y".into(), 5)] },
            ],
        };
        let plan = |pairs: &[(&str, &str)], classes: u64, objective: u64| Solution {
            objective,
            classes: [("A".to_string(), classes)].into_iter().collect(),
            assignments: pairs.iter().map(|(c, p)| (c.to_string(), p.to_string())).collect(),
            seconds: 0.0,
        };
        assert_eq!(check(&inst, &plan(&[("a", "A"), ("b", "A")], 1, 5)), Ok(70));
        assert_eq!(check(&inst, &plan(&[("a", "A"), ("a", "A")], 1, 6)), Err(Infeasible::TwiceAssigned("a".into())));
        assert_eq!(check(&inst, &plan(&[("z", "A")], 1, 0)), Err(Infeasible::ZeroValue("z".into(), "A".into())));
        assert_eq!(check(&inst, &plan(&[("a", "A"), ("b", "A"), ("c", "A")], 1, 6)), Err(Infeasible::OverCapacity("A".into())));
        assert_eq!(check(&inst, &plan(&[("a", "A"), ("b", "A"), ("c", "A")], 2, 6)), Err(Infeasible::OverBudget { cost: 130, budget: 100 }));
        assert_eq!(check(&inst, &plan(&[("a", "A")], 1, 9)), Err(Infeasible::WrongObjective { claimed: 9, actual: 3 }));
        assert_eq!(check(&inst, &plan(&[("q", "A")], 1, 0)), Err(Infeasible::UnknownId("q".into())));
    }
}
