//! Who attends what within a budget that never suffices (issue "Programs, partners and the
//! annual plan"): choose how many classes of each program to open and which candidates fill
//! them, so that the total value of the needs covered is largest, with
//!
//! - classes whole: a class of program p costs `fixed_cost` once plus `cost_per_participant`
//!   per seat taken, and seats `capacity` people;
//! - at most one program per candidate in a plan round;
//! - the total cost within the budget;
//! - a candidate only in a program of positive value to them.
//!
//! The method: a greedy by value per rupiah over two kinds of move (a seat in an open class, or
//! a new class filled with the best remaining candidates), then local improvement (moving a
//! candidate to a program worth more to them, and filling seats the greedy left). Exactness is
//! checked against brute force on small instances in the tests; the checker in
//! [`super::instance::check`] is separate code and validates every plan in tests and the bench.

use super::instance::{Instance, Solution};

/// The value of candidate `i` in program `p`: the sum of `i`'s weights over the competencies
/// `p` covers. Computed once as a sparse list per candidate.
pub(crate) fn values(inst: &Instance) -> Vec<Vec<(usize, u64)>> {
    // competency → programs covering it
    let mut by_comp: std::collections::HashMap<&str, Vec<usize>> = std::collections::HashMap::new();
    for (p, prog) in inst.programs.iter().enumerate() {
        for c in &prog.covers {
            by_comp.entry(c.as_str()).or_default().push(p);
        }
    }
    inst.candidates
        .iter()
        .map(|cand| {
            let mut acc: std::collections::BTreeMap<usize, u64> = std::collections::BTreeMap::new();
            for (c, w) in &cand.needs {
                if let Some(ps) = by_comp.get(c.as_str()) {
                    for p in ps {
                        *acc.entry(*p).or_default() += *w as u64;
                    }
                }
            }
            acc.into_iter().filter(|(_, v)| *v > 0).collect()
        })
        .collect()
}

/// Working state: classes per program, who sits where.
#[derive(Clone)]
pub(crate) struct State {
    pub(crate) classes: Vec<u64>,
    pub(crate) seated: Vec<u64>,
    pub(crate) at: Vec<Option<usize>>,
    pub(crate) cost: u64,
    pub(crate) value: u64,
}

impl State {
    fn spare(&self, inst: &Instance, p: usize) -> u64 {
        self.classes[p] * inst.programs[p].capacity - self.seated[p]
    }
}

/// Candidates of each program by value to them, best first (ties by index, so runs repeat).
fn ranked(inst: &Instance, vals: &[Vec<(usize, u64)>]) -> Vec<Vec<(u64, usize)>> {
    let mut per: Vec<Vec<(u64, usize)>> = vec![vec![]; inst.programs.len()];
    for (i, vs) in vals.iter().enumerate() {
        for (p, v) in vs {
            per[*p].push((*v, i));
        }
    }
    for list in &mut per {
        list.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    }
    per
}

/// How long the improvement rounds of [`solve`] may take in all.
const IMPROVE_FOR: std::time::Duration = std::time::Duration::from_millis(600);
/// For an instance small enough for exact seat moves ([`super::market`]), a guard on the
/// whole search: the search itself stops at a work limit, so its plan does not depend on the
/// machine's speed (a debug build gets the release build's plan, later).
const SMALL_GUARD: std::time::Duration = std::time::Duration::from_secs(3);

/// Solves `inst`: the classes to open and who takes each seat.
pub fn solve(inst: &Instance) -> Solution {
    let started = std::time::Instant::now();
    let vals = values(inst);
    let per = ranked(inst, &vals);
    let n_p = inst.programs.len();
    let empty = State { classes: vec![0; n_p], seated: vec![0; n_p], at: vec![None; inst.candidates.len()], cost: 0, value: 0 };
    let banned = vec![false; n_p];
    // Several greedy runs that weigh cost differently (value / cost^α): with a budget that buys a
    // few dozen classes, the pure ratio (α = 1) can favour cheap small gains over a class that
    // fills the budget better. The best run is improved below.
    let mut best = polish(inst, &vals, &per, greedy(inst, &per, empty.clone(), &banned, 1.0));
    if let Some(st) = priced(inst, &vals, &empty) {
        let st = polish(inst, &vals, &per, st);
        if st.value > best.value {
            best = st;
        }
    }
    for alpha in [0.6, 0.8, 0.9, 1.1, 1.25] {
        let st = polish(inst, &vals, &per, greedy(inst, &per, empty.clone(), &banned, alpha));
        if st.value > best.value {
            best = st;
        }
    }
    // Round after round, try closing each open program and spending its money again with it
    // barred, and, for small instances, starting from each program's class: keep what is better.
    let small = n_p <= 40 && inst.candidates.len() <= 400;
    let market = super::market::Market::new(inst, &vals);
    let improve_for = if market.is_some() { SMALL_GUARD } else { IMPROVE_FOR };
    loop {
        let mut improved = false;
        let open: Vec<usize> = (0..n_p).filter(|p| best.classes[*p] > 0).collect();
        for p in open {
            if started.elapsed() > improve_for {
                break;
            }
            let mut st = best.clone();
            close(inst, &vals, &mut st, p);
            let mut bar = banned.clone();
            bar[p] = true;
            let st = polish(inst, &vals, &per, greedy(inst, &per, st, &bar, 1.0));
            if st.value > best.value {
                best = st;
                improved = true;
            }
        }
        if small {
            for p in 0..n_p {
                let mut st = empty.clone();
                if !open_class(inst, &per, &mut st, p) {
                    continue;
                }
                let st = polish(inst, &vals, &per, greedy(inst, &per, st, &banned, 1.0));
                if st.value > best.value {
                    best = st;
                    improved = true;
                }
            }
        }
        if !improved || started.elapsed() > improve_for {
            break;
        }
    }
    if let Some(m) = market {
        best = m.search(best, started + SMALL_GUARD);
        drop_empty_classes(inst, &mut best);
    }
    finish(inst, &vals, best, started)
}

/// A start from prices: with λ rupiah-worth per unit of value, each pair scores
/// `v − λ·(seat price + fixed cost / capacity)`; pairs are seated best score first (a candidate
/// once, classes opened as seats are taken), and λ is searched (bisection) for the most value
/// whose plan fits the budget.
fn priced(inst: &Instance, vals: &[Vec<(usize, u64)>], empty: &State) -> Option<State> {
    let mut pairs: Vec<(usize, usize, u64, f64)> = vec![];
    for (i, vs) in vals.iter().enumerate() {
        for &(p, v) in vs {
            let prog = &inst.programs[p];
            let unit = prog.cost_per_participant as f64 + prog.fixed_cost as f64 / prog.capacity as f64;
            pairs.push((i, p, v, unit));
        }
    }
    if pairs.is_empty() {
        return None;
    }
    let build = |lambda: f64| -> State {
        let mut order: Vec<(f64, usize)> =
            pairs.iter().enumerate().map(|(k, (_, _, v, unit))| (*v as f64 - lambda * unit, k)).filter(|(sc, _)| *sc > 0.0).collect();
        order.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        let mut st = empty.clone();
        for (_, k) in order {
            let (i, p, v, _) = pairs[k];
            if st.at[i].is_some() {
                continue;
            }
            let prog = &inst.programs[p];
            let extra = if st.spare(inst, p) == 0 { prog.fixed_cost } else { 0 };
            if st.cost + extra + prog.cost_per_participant > inst.budget {
                continue;
            }
            if extra > 0 {
                st.classes[p] += 1;
            }
            st.cost += extra + prog.cost_per_participant;
            st.at[i] = Some(p);
            st.seated[p] += 1;
            st.value += v;
        }
        st
    };
    // λ from 0 (everything scores) to the largest value per unit cost (nothing does).
    let hi0 = pairs.iter().map(|(_, _, v, u)| *v as f64 / u).fold(0.0, f64::max);
    let (mut lo, mut hi) = (0.0, hi0);
    let mut best: Option<State> = None;
    for _ in 0..30 {
        let mid = (lo + hi) / 2.0;
        let st = build(mid);
        // Spending under the budget means λ can fall (more pairs score); seats were refused when
        // the budget ran out, so a plan is always feasible: keep the best of the probes.
        let full = st.cost * 100 >= inst.budget * 99;
        if best.as_ref().is_none_or(|b| st.value > b.value) {
            best = Some(st);
        }
        if full { lo = mid } else { hi = mid }
    }
    best
}

/// Local improvement after a greedy run.
fn polish(inst: &Instance, vals: &[Vec<(usize, u64)>], per: &[Vec<(u64, usize)>], mut st: State) -> State {
    for _ in 0..3 {
        let before = st.value;
        improve(inst, vals, &mut st);
        swap_in(vals, per, &mut st);
        if st.value == before {
            break;
        }
    }
    drop_empty_classes(inst, &mut st);
    fill_spare_seats(inst, per, &mut st);
    st
}

/// Unseats everyone in program `p` and closes its classes.
fn close(inst: &Instance, vals: &[Vec<(usize, u64)>], st: &mut State, p: usize) {
    for (at, vs) in st.at.iter_mut().zip(vals) {
        if *at == Some(p) {
            *at = None;
            st.value -= vs.iter().find(|(q, _)| *q == p).map_or(0, |(_, v)| *v);
            st.cost -= inst.programs[p].cost_per_participant;
        }
    }
    st.cost -= st.classes[p] * inst.programs[p].fixed_cost;
    st.classes[p] = 0;
    st.seated[p] = 0;
}

/// Opens one class of `p` filled with its best unseated candidates the budget allows.
fn open_class(inst: &Instance, per: &[Vec<(u64, usize)>], st: &mut State, p: usize) -> bool {
    let prog = &inst.programs[p];
    if st.cost + prog.fixed_cost + prog.cost_per_participant > inst.budget {
        return false;
    }
    st.classes[p] += 1;
    st.cost += prog.fixed_cost;
    for &(v, i) in &per[p] {
        if st.spare(inst, p) == 0 || st.cost + prog.cost_per_participant > inst.budget {
            break;
        }
        if st.at[i].is_none() {
            st.at[i] = Some(p);
            st.seated[p] += 1;
            st.cost += prog.cost_per_participant;
            st.value += v;
        }
    }
    st.seated[p] > 0
}

/// The greedy by value per rupiah (per rupiah^`alpha`) from `st`, never opening a barred program.
fn greedy(inst: &Instance, per: &[Vec<(u64, usize)>], mut st: State, banned: &[bool], alpha: f64) -> State {
    let price = |c: u64| (c.max(1) as f64).powf(alpha);
    let n_p = inst.programs.len();
    // Per program, how far down its ranked list every candidate is already seated somewhere.
    let mut cursor = vec![0usize; n_p];
    loop {
        // The best move by value per rupiah that fits the budget.
        let mut best: Option<(f64, usize, bool)> = None;
        let left = inst.budget.saturating_sub(st.cost);
        for p in 0..n_p {
            let prog = &inst.programs[p];
            while cursor[p] < per[p].len() && st.at[per[p][cursor[p]].1].is_some() {
                cursor[p] += 1;
            }
            if cursor[p] >= per[p].len() {
                continue;
            }
            if st.spare(inst, p) > 0 {
                // A seat in an open class: the next best unseated candidate.
                let v = per[p][cursor[p]].0;
                if prog.cost_per_participant <= left {
                    let ratio = v as f64 / price(prog.cost_per_participant);
                    if best.is_none_or(|b| ratio > b.0) {
                        best = Some((ratio, p, false));
                    }
                }
            } else if !banned[p] {
                // A new class with up to `capacity` of the best unseated candidates, as many as the
                // budget allows.
                let affordable = if left < prog.fixed_cost { 0 } else { ((left - prog.fixed_cost) / prog.cost_per_participant.max(1)).min(prog.capacity) };
                if affordable == 0 {
                    continue;
                }
                let mut gain = 0;
                let mut n = 0;
                for &(v, i) in &per[p][cursor[p]..] {
                    if n == affordable {
                        break;
                    }
                    if st.at[i].is_none() {
                        gain += v;
                        n += 1;
                    }
                }
                let cost = prog.fixed_cost + n * prog.cost_per_participant;
                let ratio = gain as f64 / price(cost);
                if best.is_none_or(|b| ratio > b.0) {
                    best = Some((ratio, p, true));
                }
            }
        }
        let Some((_, p, open)) = best else { break };
        let prog = &inst.programs[p];
        if open {
            st.classes[p] += 1;
            st.cost += prog.fixed_cost;
        }
        // Seat the next candidate (a new class seats its first one now, the rest in later moves
        // at seat prices, which ranks them against every other open seat).
        let (v, i) = per[p][cursor[p]];
        st.at[i] = Some(p);
        st.seated[p] += 1;
        st.cost += prog.cost_per_participant;
        st.value += v;
    }
    st
}

/// Moves candidates to a program with spare seats that is worth more to them, when the cost
/// difference fits; repeats until nothing improves (bounded by passes).
fn improve(inst: &Instance, vals: &[Vec<(usize, u64)>], st: &mut State) {
    for _ in 0..4 {
        let mut moved = false;
        for (i, vs) in vals.iter().enumerate() {
            let Some(cur) = st.at[i] else { continue };
            let cur_v = vs.iter().find(|(p, _)| *p == cur).map_or(0, |(_, v)| *v);
            let mut target = None;
            for &(p, v) in vs {
                if p == cur || v <= cur_v || st.spare(inst, p) == 0 {
                    continue;
                }
                let new_cost = st.cost - inst.programs[cur].cost_per_participant + inst.programs[p].cost_per_participant;
                if new_cost <= inst.budget && target.is_none_or(|(_, tv)| v > tv) {
                    target = Some((p, v));
                }
            }
            if let Some((p, v)) = target {
                st.cost = st.cost - inst.programs[cur].cost_per_participant + inst.programs[p].cost_per_participant;
                st.seated[cur] -= 1;
                st.seated[p] += 1;
                st.value = st.value - cur_v + v;
                st.at[i] = Some(p);
                moved = true;
            }
        }
        if !moved {
            break;
        }
    }
}

/// In each program, an unseated candidate who values it more takes the seat of the seated one
/// who values it least (the same price, so the budget holds); the displaced one becomes free for
/// a later move.
fn swap_in(vals: &[Vec<(usize, u64)>], per: &[Vec<(u64, usize)>], st: &mut State) {
    let value_in = |i: usize, p: usize| vals[i].iter().find(|(q, _)| *q == p).map_or(0, |(_, v)| *v);
    for (p, ranked) in per.iter().enumerate() {
        if st.seated[p] == 0 {
            continue;
        }
        // Seated in p, least valued first.
        let mut seated: Vec<(u64, usize)> = ranked.iter().filter(|(_, i)| st.at[*i] == Some(p)).copied().collect();
        seated.sort_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)));
        let mut out = seated.into_iter();
        for &(v, i) in ranked {
            if st.at[i].is_some() {
                continue;
            }
            let Some((w, j)) = out.next() else { break };
            if v <= w {
                break;
            }
            st.at[j] = None;
            st.at[i] = Some(p);
            st.value = st.value - value_in(j, p) + v;
        }
    }
}

/// Closes classes no longer needed (moves can empty one), returning their fixed cost.
fn drop_empty_classes(inst: &Instance, st: &mut State) {
    for p in 0..inst.programs.len() {
        let cap = inst.programs[p].capacity;
        let needed = st.seated[p].div_ceil(cap);
        if st.classes[p] > needed {
            st.cost -= (st.classes[p] - needed) * inst.programs[p].fixed_cost;
            st.classes[p] = needed;
        }
    }
}

/// Seats unseated candidates in open classes with spare seats while the budget allows, best
/// value per rupiah first.
fn fill_spare_seats(inst: &Instance, per: &[Vec<(u64, usize)>], st: &mut State) {
    let mut offers: Vec<(f64, u64, usize, usize)> = vec![];
    for (p, list) in per.iter().enumerate() {
        if st.spare(inst, p) == 0 {
            continue;
        }
        for &(v, i) in list {
            if st.at[i].is_none() {
                offers.push((v as f64 / inst.programs[p].cost_per_participant.max(1) as f64, v, p, i));
            }
        }
    }
    offers.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.3.cmp(&b.3)));
    for (_, v, p, i) in offers {
        let c = inst.programs[p].cost_per_participant;
        if st.at[i].is_none() && st.spare(inst, p) > 0 && st.cost + c <= inst.budget {
            st.at[i] = Some(p);
            st.seated[p] += 1;
            st.cost += c;
            st.value += v;
        }
    }
}

fn finish(inst: &Instance, vals: &[Vec<(usize, u64)>], st: State, started: std::time::Instant) -> Solution {
    let mut assignments = vec![];
    let mut objective = 0;
    for (i, at) in st.at.iter().enumerate() {
        if let Some(p) = at {
            objective += vals[i].iter().find(|(q, _)| q == p).map_or(0, |(_, v)| *v);
            assignments.push((inst.candidates[i].id.clone(), inst.programs[*p].id.clone()));
        }
    }
    debug_assert_eq!(objective, st.value);
    let classes = inst.programs.iter().zip(&st.classes).filter(|(_, n)| **n > 0).map(|(p, n)| (p.id.clone(), *n)).collect();
    Solution { objective, classes, assignments, seconds: started.elapsed().as_secs_f64() }
}

#[cfg(test)]
mod tests {
    use super::super::instance::{Candidate, Program, check, generate};
    use super::*;

    fn prog(id: &str, fixed: u64, cpp: u64, cap: u64, covers: &[&str]) -> Program {
        Program { id: id.into(), fixed_cost: fixed, cost_per_participant: cpp, capacity: cap, covers: covers.iter().map(|c| c.to_string()).collect() }
    }

    fn cand(id: &str, needs: &[(&str, u32)]) -> Candidate {
        Candidate { id: id.into(), needs: needs.iter().map(|(c, w)| (c.to_string(), *w)).collect() }
    }

    /// The best plan by trying every assignment (each candidate: nothing or one program of
    /// positive value), classes opened as needed: for instances of a few candidates.
    fn exact(inst: &Instance) -> u64 {
        let vals = values(inst);
        let n = inst.candidates.len();
        let mut best = 0;
        let mut choice = vec![0usize; n];
        loop {
            let mut seated = vec![0u64; inst.programs.len()];
            let mut value = 0;
            for i in 0..n {
                if choice[i] > 0 {
                    let (p, v) = vals[i][choice[i] - 1];
                    seated[p] += 1;
                    value += v;
                }
            }
            let cost: u64 = inst.programs.iter().zip(&seated).map(|(p, s)| s.div_ceil(p.capacity) * p.fixed_cost + s * p.cost_per_participant).sum();
            if cost <= inst.budget {
                best = best.max(value);
            }
            // Next choice vector (odometer).
            let mut k = 0;
            loop {
                if k == n {
                    return best;
                }
                choice[k] += 1;
                if choice[k] <= vals[k].len() {
                    break;
                }
                choice[k] = 0;
                k += 1;
            }
        }
    }

    /// A hand-worked case: 50 buys the class of A (fixed 30, 2 × 10) for both candidates who
    /// value it 9 + 8, not B's class (fixed 10, 1 × 5) for the one who values it 4 — but with 70
    /// both fit: 17 + 4.
    #[test]
    fn a_hand_worked_case() {
        let programs = vec![prog("A", 30, 10, 5, &["data"]), prog("B", 10, 5, 5, &["etika"])];
        let candidates = vec![cand("budi", &[("data", 9)]), cand("siti", &[("data", 8)]), cand("wati", &[("etika", 4)])];
        let inst = Instance { budget: 50, programs: programs.clone(), candidates: candidates.clone() };
        let s = solve(&inst);
        check(&inst, &s).unwrap();
        assert_eq!(s.objective, 17);
        let inst = Instance { budget: 70, programs, candidates };
        let s = solve(&inst);
        check(&inst, &s).unwrap();
        assert_eq!(s.objective, 21);
    }

    #[test]
    fn small_instances_reach_the_exact_optimum() {
        let mut worst: f64 = 1.0;
        for seed in 0..40 {
            let inst = generate(seed, 7, 4, 0.3);
            let s = solve(&inst);
            check(&inst, &s).unwrap();
            let opt = exact(&inst);
            assert!(s.objective <= opt, "seed {seed}: above the optimum {opt}?");
            if opt > 0 {
                worst = worst.min(s.objective as f64 / opt as f64);
            }
        }
        assert!(worst >= 0.999, "worst ratio to the exact optimum {worst:.3}: every small plan is optimal");
    }

    /// The small benchmark instances against the optima HiGHS proved for them
    /// (`bench/plan_highs.py`, status Optimal): within 0.5 %.
    #[test]
    fn benchmark_300_by_30_within_half_a_percent_of_the_proven_optimum() {
        for (seed, optimum) in [(1, 2174u64), (2, 2060), (3, 1902)] {
            let inst = generate(seed, 300, 30, 0.3);
            let s = solve(&inst);
            check(&inst, &s).unwrap();
            assert!(s.objective <= optimum, "seed {seed}: {} above the proven optimum {optimum}?", s.objective);
            let ratio = s.objective as f64 / optimum as f64;
            eprintln!("seed {seed}: {} / {optimum} = {:.4} in {:.3} s", s.objective, ratio, s.seconds);
            assert!(ratio >= 0.995, "seed {seed}: {} is {:.2} % of the optimum {optimum}", s.objective, ratio * 100.0);
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(48))]
        /// Any generated instance (sizes, budget shares from nearly nothing to everything),
        /// every plan passes the independent checker, and on tiny ones none beats brute force.
        #[test]
        fn every_plan_is_feasible(seed in 0u64..1_000_000, n in 1usize..80, p in 1usize..14, share in 0.01f64..1.2) {
            let inst = generate(seed, n, p, share);
            let s = solve(&inst);
            proptest::prop_assert!(check(&inst, &s).is_ok(), "{:?}", check(&inst, &s));
            if n <= 6 && p <= 3 {
                proptest::prop_assert_eq!(s.objective, exact(&inst));
            }
        }
    }

    #[test]
    fn generated_instances_give_feasible_plans() {
        for seed in 0..5 {
            let inst = generate(seed, 600, 40, 0.3);
            let s = solve(&inst);
            check(&inst, &s).unwrap();
            assert!(s.objective > 0);
        }
    }
}
