//! Exact seat moves for the optimizer (used where the instance is small enough for a dense
//! value table): with the classes fixed, who sits where is a transportation problem, and its
//! exact moves are paths and cycles in a small graph whose nodes are the open programs and the
//! pool of unseated candidates. An edge a → b is the best candidate now in a to move to b (gain
//! v(j, b) − v(j, a); the pool has value 0). Then
//!
//! - a positive cycle reseats people at the same seat counts and cost: cancelling every one
//!   makes the assignment optimal for its seat counts;
//! - the longest path pool → q is the exact value of one more seat in q (someone may move to q
//!   so that someone else takes their seat), and the longest path p → pool the exact loss of
//!   one seat fewer in p.
//!
//! On these, [`Market::fill`] buys seats by value per rupiah, [`Market::trade`] moves money
//! from one program's seat to another's, and [`Market::search`] tries closing, opening and
//! exchanging whole classes (each re-solved warm from the current plan) until its deadline.

use super::instance::Instance;
use super::optimize::State;

/// Largest candidates × programs for which the dense table is built.
pub(crate) const MAX_CELLS: usize = 40_000;

pub(crate) struct Market<'a> {
    inst: &'a Instance,
    n_p: usize,
    /// Value of candidate i in program p at `i * n_p + p` (0: not allowed).
    val: Vec<u32>,
    /// Work done: table cells read building graphs (the search stops at [`WORK`], so a plan
    /// does not depend on the machine's speed; the deadline is only a guard).
    work: std::cell::Cell<u64>,
}

/// The search's work limit in table cells read: about 30 ms on the benchmark machine (a
/// release build) for the 300 × 30 instances.
pub(crate) const WORK: u64 = 30_000_000;

/// One move of a path or cycle: candidate `who` goes to program `to` (None: the pool).
#[derive(Clone, Copy)]
struct Step {
    who: usize,
    to: Option<usize>,
}

/// The exchange graph of a plan (see the module comment); node `m - 1` is the pool.
struct Graph {
    m: usize,
    /// Program of each node (NONE for the pool).
    nodes: Vec<usize>,
    /// Node of each program (the pool's number for a program without classes).
    idx: Vec<usize>,
    gain: Vec<i64>,
    who: Vec<usize>,
}

impl Graph {
    fn pool(&self) -> usize {
        self.m - 1
    }

    fn step(&self, a: usize, b: usize) -> Step {
        Step { who: self.who[a * self.m + b], to: (b != self.pool()).then(|| self.nodes[b]) }
    }

    /// Longest paths from `src` (Bellman–Ford; `forward` false: along reversed edges, i.e. the
    /// longest paths into `src`). `None` when a positive cycle is reachable.
    fn longest(&self, src: usize, forward: bool) -> Option<(Vec<i64>, Vec<usize>)> {
        let m = self.m;
        let mut dist = vec![i64::MIN; m];
        let mut pred = vec![NONE; m];
        dist[src] = 0;
        for _ in 0..m {
            let mut changed = false;
            for a in 0..m {
                if dist[a] == i64::MIN {
                    continue;
                }
                for b in 0..m {
                    let g = if forward { self.gain[a * m + b] } else { self.gain[b * m + a] };
                    if g == i64::MIN || b == src {
                        continue;
                    }
                    if dist[a] + g > dist[b] {
                        dist[b] = dist[a] + g;
                        pred[b] = a;
                        changed = true;
                    }
                }
            }
            if !changed {
                return Some((dist, pred));
            }
        }
        None
    }

    /// The moves of the longest path pool → `end` (forward) or `end` → pool (not forward).
    fn path(&self, pred: &[usize], end: usize, forward: bool) -> Option<Vec<Step>> {
        let mut steps = vec![];
        let mut b = end;
        while pred[b] != NONE {
            let a = pred[b];
            steps.push(if forward { self.step(a, b) } else { self.step(b, a) });
            b = a;
            if steps.len() > self.m {
                return None;
            }
        }
        Some(steps)
    }

    /// A cycle of positive gain, if any (Bellman–Ford from a virtual source joined to all).
    fn positive_cycle(&self) -> Option<Vec<Step>> {
        let m = self.m;
        let mut dist = vec![0i64; m];
        let mut pred = vec![NONE; m];
        let mut last = NONE;
        for _ in 0..=m {
            last = NONE;
            for a in 0..m {
                for b in 0..m {
                    let g = self.gain[a * m + b];
                    if g != i64::MIN && dist[a] + g > dist[b] {
                        dist[b] = dist[a] + g;
                        pred[b] = a;
                        last = b;
                    }
                }
            }
            if last == NONE {
                return None;
            }
        }
        // Relaxed in the last round: walking back m steps lands on the cycle.
        let mut x = last;
        for _ in 0..m {
            x = pred[x];
            if x == NONE {
                return None;
            }
        }
        let mut steps = vec![];
        let mut b = x;
        loop {
            let a = pred[b];
            if a == NONE || steps.len() > m {
                return None;
            }
            steps.push(self.step(a, b));
            b = a;
            if b == x {
                return Some(steps);
            }
        }
    }
}

const NONE: usize = usize::MAX;

impl<'a> Market<'a> {
    pub(crate) fn new(inst: &'a Instance, vals: &[Vec<(usize, u64)>]) -> Option<Market<'a>> {
        let n_p = inst.programs.len();
        if inst.candidates.len().saturating_mul(n_p) > MAX_CELLS || n_p == 0 {
            return None;
        }
        let mut val = vec![0u32; inst.candidates.len() * n_p];
        for (i, vs) in vals.iter().enumerate() {
            for &(p, v) in vs {
                val[i * n_p + p] = v.min(u32::MAX as u64) as u32;
            }
        }
        Some(Market { inst, n_p, val, work: std::cell::Cell::new(0) })
    }

    fn v(&self, i: usize, program: Option<usize>) -> i64 {
        program.map_or(0, |p| self.val[i * self.n_p + p] as i64)
    }

    /// The graph of the current plan: nodes are the programs with classes and the pool (last);
    /// the best edge a → b for every pair, its gain and its candidate.
    fn graph(&self, st: &State) -> Graph {
        let mut nodes: Vec<usize> = (0..self.n_p).filter(|p| st.classes[*p] > 0).collect();
        let m = nodes.len() + 1;
        self.work.set(self.work.get() + (st.at.len() * m) as u64);
        let mut idx = vec![m - 1; self.n_p];
        for (k, p) in nodes.iter().enumerate() {
            idx[*p] = k;
        }
        let pool = m - 1;
        let mut gain = vec![i64::MIN; m * m];
        let mut who = vec![NONE; m * m];
        for (i, at) in st.at.iter().enumerate() {
            let a = at.map_or(pool, |p| idx[p]);
            let here = self.v(i, *at);
            let row = &self.val[i * self.n_p..(i + 1) * self.n_p];
            for (b, &q) in nodes.iter().enumerate() {
                if b == a || row[q] == 0 {
                    continue;
                }
                let g = row[q] as i64 - here;
                if g > gain[a * m + b] {
                    gain[a * m + b] = g;
                    who[a * m + b] = i;
                }
            }
            if a != pool && -here > gain[a * m + pool] {
                gain[a * m + pool] = -here;
                who[a * m + pool] = i;
            }
        }
        nodes.push(NONE);
        Graph { m, nodes, idx, gain, who }
    }

    fn apply(&self, st: &mut State, steps: &[Step]) {
        for s in steps {
            let from = st.at[s.who];
            st.value = (st.value as i64 + self.v(s.who, s.to) - self.v(s.who, from)) as u64;
            if let Some(f) = from {
                st.seated[f] -= 1;
                st.cost -= self.inst.programs[f].cost_per_participant;
            }
            if let Some(t) = s.to {
                st.seated[t] += 1;
                st.cost += self.inst.programs[t].cost_per_participant;
            }
            st.at[s.who] = s.to;
        }
    }

    /// Cancels positive cycles until none is left: the best assignment for the seat counts.
    pub(crate) fn cancel_cycles(&self, st: &mut State) {
        for _ in 0..10_000 {
            let g = self.graph(st);
            let Some(cycle) = g.positive_cycle() else { return };
            let mut trial = st.clone();
            self.apply(&mut trial, &cycle);
            if trial.value <= st.value || !self.consistent(&trial) {
                return;
            }
            *st = trial;
        }
    }

    fn consistent(&self, st: &State) -> bool {
        (0..self.n_p).all(|p| st.seated[p] <= st.classes[p] * self.inst.programs[p].capacity) && st.cost <= self.inst.budget
    }

    fn spare(&self, st: &State, p: usize) -> bool {
        st.seated[p] < st.classes[p] * self.inst.programs[p].capacity
    }

    /// Buys seats in open classes' spare places by exact value per rupiah while the money lasts.
    pub(crate) fn fill(&self, st: &mut State) {
        loop {
            self.cancel_cycles(st);
            let g = self.graph(st);
            let Some((dist, pred)) = g.longest(g.pool(), true) else { return };
            let left = self.inst.budget.saturating_sub(st.cost);
            let mut best: Option<(f64, usize)> = None;
            for (b, (&q, &d)) in g.nodes.iter().zip(&dist).enumerate().take(g.pool()) {
                let c = self.inst.programs[q].cost_per_participant;
                if d <= 0 || !self.spare(st, q) || c > left {
                    continue;
                }
                let ratio = d as f64 / (c.max(1) as f64);
                if best.is_none_or(|x| ratio > x.0) {
                    best = Some((ratio, b));
                }
            }
            let Some((_, b)) = best else { return };
            let Some(steps) = g.path(&pred, b, true) else { return };
            let mut trial = st.clone();
            self.apply(&mut trial, &steps);
            if trial.value <= st.value || !self.consistent(&trial) {
                return;
            }
            *st = trial;
        }
    }

    /// Gives up one seat of `p` at the least loss.
    fn release(&self, st: &mut State, p: usize) -> bool {
        let g = self.graph(st);
        let Some((_, pred)) = g.longest(g.pool(), false) else { return false };
        let node = g.idx[p];
        if node == g.pool() || pred[node] == NONE {
            return false;
        }
        let Some(steps) = g.path(&pred, node, false) else { return false };
        self.apply(st, &steps);
        true
    }

    /// The least loss per rupiah of one seat fewer, over the programs with someone seated.
    fn cheapest_release(&self, st: &State) -> Option<usize> {
        let g = self.graph(st);
        let (dist, _) = g.longest(g.pool(), false)?;
        (0..g.pool())
            .filter(|b| st.seated[g.nodes[*b]] > 0 && dist[*b] != i64::MIN)
            .max_by(|a, b| {
                let per = |x: usize| dist[x] as f64 / self.inst.programs[g.nodes[x]].cost_per_participant.max(1) as f64;
                per(*a).total_cmp(&per(*b))
            })
            .map(|b| g.nodes[b])
    }

    /// Moves money between programs: one seat fewer in p, then the best seats the money buys,
    /// kept when the plan is worth more.
    pub(crate) fn trade(&self, st: &mut State, deadline: std::time::Instant) {
        let mut improved = true;
        while improved && !self.over(deadline) {
            improved = false;
            for p in 0..self.n_p {
                if st.seated[p] == 0 {
                    continue;
                }
                let mut trial = st.clone();
                if !self.release(&mut trial, p) {
                    continue;
                }
                self.close_unused(&mut trial);
                self.fill(&mut trial);
                if trial.value > st.value {
                    *st = trial;
                    improved = true;
                }
            }
        }
    }

    /// Closes classes with no one left to seat in them, returning their fixed cost.
    fn close_unused(&self, st: &mut State) {
        for p in 0..self.n_p {
            let need = st.seated[p].div_ceil(self.inst.programs[p].capacity);
            if st.classes[p] > need {
                st.cost -= (st.classes[p] - need) * self.inst.programs[p].fixed_cost;
                st.classes[p] = need;
            }
        }
    }

    /// The plan after closing one class of `close` and/or opening one of `open`: seats given up
    /// at the least loss until the classes and the budget allow, then the money spent again.
    fn reshape(&self, st: &State, close: Option<usize>, open: Option<usize>) -> Option<State> {
        let mut t = st.clone();
        if let Some(p) = close {
            if t.classes[p] == 0 {
                return None;
            }
            let cap = self.inst.programs[p].capacity;
            while t.seated[p] > (t.classes[p] - 1) * cap {
                if !self.release(&mut t, p) {
                    return None;
                }
            }
            t.classes[p] -= 1;
            t.cost -= self.inst.programs[p].fixed_cost;
        }
        if let Some(q) = open {
            t.classes[q] += 1;
            t.cost += self.inst.programs[q].fixed_cost;
            // Over budget: give up the seats whose loss per rupiah is least.
            while t.cost > self.inst.budget {
                let victim = self.cheapest_release(&t)?;
                if !self.release(&mut t, victim) {
                    return None;
                }
                self.close_unused(&mut t);
                if t.classes[q] == 0 {
                    return None;
                }
            }
        }
        self.fill(&mut t);
        self.close_unused(&mut t);
        self.fill(&mut t);
        Some(t)
    }

    /// Improves `st` until `deadline`: exact reseating, trading seats, then whole-class moves
    /// (close one, open one, exchange one for another), first improvement, round after round.
    fn over(&self, deadline: std::time::Instant) -> bool {
        self.work.get() >= WORK || std::time::Instant::now() >= deadline
    }

    pub(crate) fn search(&self, mut st: State, deadline: std::time::Instant) -> State {
        self.fill(&mut st);
        self.trade(&mut st, deadline);
        loop {
            let mut improved = false;
            let open: Vec<usize> = (0..self.n_p).filter(|p| st.classes[*p] > 0).collect();
            let mut moves: Vec<(Option<usize>, Option<usize>)> = vec![];
            moves.extend(open.iter().map(|p| (Some(*p), None)));
            moves.extend((0..self.n_p).map(|q| (None, Some(q))));
            for p in &open {
                moves.extend((0..self.n_p).filter(|q| q != p).map(|q| (Some(*p), Some(q))));
            }
            for (close, open) in moves {
                if self.over(deadline) {
                    return st;
                }
                if let Some(t) = self.reshape(&st, close, open)
                    && t.value > st.value
                    && self.consistent(&t)
                {
                    st = t;
                    improved = true;
                }
            }
            if !improved {
                return st;
            }
            self.trade(&mut st, deadline);
        }
    }
}
