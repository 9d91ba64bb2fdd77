//! The roll-up engine: competency aggregates over millions of (employee, competency) rows, held
//! as columns loaded once (DESIGN.md, "Performance shape").
//!
//! # Definitions
//! A row is one employee's standing on one competency: `unit`, `tenant`, `comp`, `actual` (0 =
//! not yet assessed, else 1–5) and `required` (the standard of the position held, 1–5). For any
//! group of rows:
//! - **assessed** = number of rows with `actual > 0`;
//! - **mean actual** = Σ actual / assessed, **mean required** = Σ required / assessed (over the
//!   same assessed rows, so the two compare like with like);
//! - **mean gap** = Σ max(required − actual, 0) / assessed;
//! - **share with gap** = (assessed rows with required > actual) / assessed;
//! - **JPM** (per unit) = Σ min(actual, required) / Σ required × 100 over *all* rows of the unit,
//!   unassessed rows counting actual 0, exactly as [`crate::competency::jpm`] does for one person;
//!   for a unit it is the required-weighted mean of its employees' JPM.
//!
//! Roll-ups: per (unit, competency), per competency nationally, per (tenant, competency), and per
//! unit JPM. All measures are sums and counts, so a national figure is the sum of the tenants'.
//!
//! # Layout
//! [`Engine::load`] clusters rows by unit with a counting sort (one pass to count, one to place)
//! and keeps per row only `comp` and one byte packing `actual << 4 | required`; units become an
//! offsets array. A (unit, competency) roll-up is then one sequential scan whose accumulators for
//! the current unit sit in L1, whatever order the rows arrived in; the other roll-ups read the
//! same two bytes per row. Work is split across threads by unit ranges of equal row counts.

use std::thread;

/// Sums for one group; the means are derived (see the module docs).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Agg {
    pub rows: u64,
    pub assessed: u64,
    pub sum_actual: u64,
    pub sum_required_assessed: u64,
    pub sum_gap: u64,
    pub with_gap: u64,
    /// Over all rows (for JPM): Σ min(actual, required) and Σ required.
    pub sum_met: u64,
    pub sum_required: u64,
}

impl Agg {
    /// One row, by the definitions in the module docs (the reference the tests hold the engine to).
    #[inline]
    pub fn add(&mut self, actual: u8, required: u8) {
        let (a, r) = (u64::from(actual), u64::from(required));
        self.rows += 1;
        self.sum_met += a.min(r);
        self.sum_required += r;
        if actual > 0 {
            self.assessed += 1;
            self.sum_actual += a;
            self.sum_required_assessed += r;
            self.sum_gap += r.saturating_sub(a);
            self.with_gap += u64::from(r > a);
        }
    }

    /// Adds `n` rows that all have the packed value `p` (`actual << 4 | required`), from a
    /// table of what one such row contributes: branch-free.
    #[inline]
    fn add_count(&mut self, p: u8, n: u64) {
        let c = &CONTRIB[p as usize];
        self.rows += n;
        self.sum_met += n * c[0];
        self.sum_required += n * c[1];
        self.assessed += n * c[2];
        self.sum_actual += n * c[3];
        self.sum_required_assessed += n * c[4];
        self.sum_gap += n * c[5];
        self.with_gap += n * c[6];
    }

    pub fn merge(&mut self, o: &Agg) {
        self.rows += o.rows;
        self.assessed += o.assessed;
        self.sum_actual += o.sum_actual;
        self.sum_required_assessed += o.sum_required_assessed;
        self.sum_gap += o.sum_gap;
        self.with_gap += o.with_gap;
        self.sum_met += o.sum_met;
        self.sum_required += o.sum_required;
    }

    fn per_assessed(&self, v: u64) -> Option<f64> {
        (self.assessed > 0).then(|| v as f64 / self.assessed as f64)
    }
    pub fn mean_actual(&self) -> Option<f64> {
        self.per_assessed(self.sum_actual)
    }
    pub fn mean_required(&self) -> Option<f64> {
        self.per_assessed(self.sum_required_assessed)
    }
    pub fn mean_gap(&self) -> Option<f64> {
        self.per_assessed(self.sum_gap)
    }
    pub fn share_with_gap(&self) -> Option<f64> {
        self.per_assessed(self.with_gap)
    }
    pub fn jpm(&self) -> Option<f64> {
        (self.sum_required > 0).then(|| self.sum_met as f64 * 100.0 / self.sum_required as f64)
    }
}

/// What one row with packed value `p` adds to each sum (see [`Agg::add`], the same rule).
const CONTRIB: [[u64; 7]; 256] = {
    let mut t = [[0u64; 7]; 256];
    let mut p = 0;
    while p < 256 {
        let (a, r) = ((p >> 4) as u64, (p & 15) as u64);
        let assessed = (a > 0) as u64;
        t[p] = [
            if a < r { a } else { r },
            r,
            assessed,
            a,
            assessed * r,
            assessed * if r > a { r - a } else { 0 },
            assessed * (r > a) as u64,
        ];
        p += 1;
    }
    t
};

/// Input columns, one value per row, in any order.
#[derive(Debug, Clone, Copy)]
pub struct Columns<'a> {
    pub unit: &'a [u32],
    pub tenant: &'a [u16],
    pub comp: &'a [u8],
    pub actual: &'a [u8],
    pub required: &'a [u8],
}

impl Columns<'_> {
    pub fn len(&self) -> usize {
        self.unit.len()
    }
    pub fn is_empty(&self) -> bool {
        self.unit.is_empty()
    }
}

/// Rows clustered by unit.
pub struct Engine {
    /// Unit ids present, ascending.
    pub units: Vec<u32>,
    /// Tenant of each unit (a unit belongs to one tenant).
    pub unit_tenant: Vec<u16>,
    /// Rows of `units[i]` are `offsets[i]..offsets[i + 1]`.
    pub offsets: Vec<usize>,
    pub comp: Vec<u8>,
    /// `actual << 4 | required`.
    pub packed: Vec<u8>,
    pub n_comp: usize,
    pub n_tenant: usize,
}

impl Engine {
    /// Bytes of the engine's arrays (what the memory-bandwidth floor reads).
    pub fn bytes(&self) -> usize {
        self.comp.len() + self.packed.len() + self.offsets.len() * 8 + self.units.len() * 4 + self.unit_tenant.len() * 2
    }

    /// Clusters rows by unit (counting sort over unit ids). Panics if columns differ in length,
    /// a level exceeds 15, or a unit appears under two tenants.
    pub fn load(c: Columns<'_>) -> Engine {
        let n = c.len();
        assert!(c.tenant.len() == n && c.comp.len() == n && c.actual.len() == n && c.required.len() == n, "columns differ in length");
        let max_unit = c.unit.iter().copied().max().map(|u| u as usize + 1).unwrap_or(0);
        let mut count = vec![0usize; max_unit + 1];
        let mut tenant_of = vec![u16::MAX; max_unit];
        for i in 0..n {
            let u = c.unit[i] as usize;
            count[u + 1] += 1;
            let t = &mut tenant_of[u];
            assert!(*t == u16::MAX || *t == c.tenant[i], "unit {u} appears under two tenants");
            *t = c.tenant[i];
        }
        for u in 0..max_unit {
            count[u + 1] += count[u];
        }
        let mut next = count.clone();
        let mut comp = vec![0u8; n];
        let mut packed = vec![0u8; n];
        for i in 0..n {
            let u = c.unit[i] as usize;
            let at = next[u];
            next[u] += 1;
            assert!(c.actual[i] <= 15 && c.required[i] <= 15, "levels must fit 4 bits");
            comp[at] = c.comp[i];
            packed[at] = c.actual[i] << 4 | c.required[i];
        }
        let mut units = vec![];
        let mut unit_tenant = vec![];
        let mut offsets = vec![0];
        for u in 0..max_unit {
            if count[u + 1] > count[u] {
                units.push(u as u32);
                unit_tenant.push(tenant_of[u]);
                offsets.push(count[u + 1]);
            }
        }
        let n_comp = c.comp.iter().copied().max().map(|m| m as usize + 1).unwrap_or(0);
        let n_tenant = c.tenant.iter().copied().max().map(|m| m as usize + 1).unwrap_or(0);
        Engine { units, unit_tenant, offsets, comp, packed, n_comp, n_tenant }
    }

    /// Unit index ranges of roughly equal row counts, one per thread.
    fn unit_ranges(&self, parts: usize) -> Vec<(usize, usize)> {
        let n = *self.offsets.last().unwrap_or(&0);
        let mut ranges = vec![];
        let mut start = 0;
        for p in 1..=parts {
            let target = n * p / parts;
            let end = if p == parts { self.units.len() } else { self.offsets.partition_point(|&o| o < target).min(self.units.len()).max(start) };
            ranges.push((start, end));
            start = end;
        }
        ranges
    }

    fn threads() -> usize {
        thread::available_parallelism().map(|n| n.get()).unwrap_or(1).min(8)
    }

    /// Runs `f` over unit ranges in parallel and returns the per-thread results in order.
    fn par<T: Send>(&self, f: impl Fn(usize, usize) -> T + Sync) -> Vec<T> {
        let ranges = self.unit_ranges(Self::threads());
        thread::scope(|s| {
            let f = &f;
            let handles: Vec<_> = ranges.iter().map(|&(a, b)| s.spawn(move || f(a, b))).collect();
            handles.into_iter().map(|h| h.join().expect("roll-up thread")).collect()
        })
    }

    // The roll-ups count rows per (competency, packed value) in a small histogram (12 × 256
    // counters: L1-resident) and turn counts into sums once per group: every measure is linear
    // in those counts. Per row that is one increment instead of eight accumulations.

    /// Counts one unit's rows into `hist[comp * 256 + packed]`, remembering which slots it used.
    #[inline]
    fn count_unit(&self, ui: usize, hist: &mut [u32], used: &mut Vec<u16>) {
        let (s, e) = (self.offsets[ui], self.offsets[ui + 1]);
        for (c, p) in self.comp[s..e].iter().zip(&self.packed[s..e]) {
            let k = (*c as usize) << 8 | *p as usize;
            let h = &mut hist[k];
            if *h == 0 {
                used.push(k as u16);
            }
            *h += 1;
        }
    }

    /// As [`Self::count_unit`] without the competency: `hist[packed]`.
    #[inline]
    fn count_unit_packed(&self, ui: usize, hist: &mut [u32], used: &mut Vec<u16>) {
        for p in &self.packed[self.offsets[ui]..self.offsets[ui + 1]] {
            let h = &mut hist[*p as usize];
            if *h == 0 {
                used.push(u16::from(*p));
            }
            *h += 1;
        }
    }

    /// Drains the used histogram slots into `acc[comp]` (or `acc[0]` with `by_comp == false`).
    #[inline]
    fn drain(hist: &mut [u32], used: &mut Vec<u16>, acc: &mut [Agg], by_comp: bool) {
        for &k in used.iter() {
            let k = k as usize;
            let slot = if by_comp { k >> 8 } else { 0 };
            acc[slot].add_count((k & 255) as u8, u64::from(hist[k]));
            hist[k] = 0;
        }
        used.clear();
    }

    fn hist(&self) -> (Vec<u32>, Vec<u16>) {
        (vec![0u32; self.n_comp.max(1) * 256], Vec::with_capacity(self.n_comp * 64))
    }

    /// Per (unit, competency): a dense `units.len() × n_comp` table, row-major by unit index.
    /// Threads write disjoint parts of one table (no copy to join them).
    pub fn by_unit_comp(&self) -> Vec<Agg> {
        let nc = self.n_comp;
        let mut out = vec![Agg::default(); self.units.len() * nc];
        let ranges = self.unit_ranges(Self::threads());
        thread::scope(|s| {
            let mut rest: &mut [Agg] = &mut out;
            for &(a, b) in &ranges {
                let (mine, tail) = rest.split_at_mut((b - a) * nc);
                rest = tail;
                s.spawn(move || {
                    let (mut hist, mut used) = self.hist();
                    for ui in a..b {
                        self.count_unit(ui, &mut hist, &mut used);
                        Self::drain(&mut hist, &mut used, &mut mine[(ui - a) * nc..(ui - a + 1) * nc], true);
                    }
                });
            }
        });
        out
    }

    /// Per competency over every row (national).
    pub fn by_comp(&self) -> Vec<Agg> {
        let nc = self.n_comp;
        let parts = self.par(|a, b| {
            let (mut hist, mut used) = self.hist();
            let mut acc = vec![Agg::default(); nc];
            for ui in a..b {
                self.count_unit(ui, &mut hist, &mut used);
            }
            Self::drain(&mut hist, &mut used, &mut acc, true);
            acc
        });
        merge_all(parts, nc)
    }

    /// Per (tenant, competency): a dense `n_tenant × n_comp` table.
    pub fn by_tenant_comp(&self) -> Vec<Agg> {
        let nc = self.n_comp;
        let size = self.n_tenant * nc;
        let parts = self.par(|a, b| {
            let (mut hist, mut used) = self.hist();
            let mut acc = vec![Agg::default(); size];
            let mut ui = a;
            while ui < b {
                // Units of one tenant that sit together share one drain.
                let t = self.unit_tenant[ui] as usize;
                while ui < b && self.unit_tenant[ui] as usize == t {
                    self.count_unit(ui, &mut hist, &mut used);
                    ui += 1;
                }
                Self::drain(&mut hist, &mut used, &mut acc[t * nc..(t + 1) * nc], true);
            }
            acc
        });
        merge_all(parts, size)
    }

    /// Per unit over all its rows (JPM and the other measures across competencies).
    pub fn by_unit(&self) -> Vec<Agg> {
        self.par(|a, b| {
            let (mut hist, mut used) = self.hist();
            (a..b)
                .map(|ui| {
                    let mut acc = [Agg::default()];
                    self.count_unit_packed(ui, &mut hist, &mut used);
                    Self::drain(&mut hist, &mut used, &mut acc, false);
                    acc[0]
                })
                .collect::<Vec<_>>()
        })
        .concat()
    }

    /// Reads every byte of the engine's row arrays once (the memory-bandwidth floor), on the same
    /// threads as the roll-ups. Returns a checksum so the reads cannot be optimised away.
    pub fn touch(&self) -> u64 {
        self.par(|a, b| {
            let (s, e) = (self.offsets[a], self.offsets[b]);
            let sum = |xs: &[u8]| xs.chunks(64).fold(0u64, |acc, c| acc.wrapping_add(c.iter().map(|&x| u64::from(x)).sum::<u64>()));
            sum(&self.comp[s..e]).wrapping_add(sum(&self.packed[s..e]))
        })
        .into_iter()
        .fold(0, u64::wrapping_add)
    }
}

fn merge_all(parts: Vec<Vec<Agg>>, size: usize) -> Vec<Agg> {
    let mut out = vec![Agg::default(); size];
    for p in parts {
        for (o, a) in out.iter_mut().zip(&p) {
            o.merge(a);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::collections::HashMap;

    /// The naive per-row computation the engine must equal.
    fn naive(c: Columns<'_>) -> (HashMap<(u32, u8), Agg>, HashMap<u8, Agg>, HashMap<(u16, u8), Agg>, HashMap<u32, Agg>) {
        let (mut uc, mut cc, mut tc, mut u) = (HashMap::new(), HashMap::new(), HashMap::new(), HashMap::new());
        for i in 0..c.len() {
            let (a, r) = (c.actual[i], c.required[i]);
            uc.entry((c.unit[i], c.comp[i])).or_insert_with(Agg::default).add(a, r);
            cc.entry(c.comp[i]).or_insert_with(Agg::default).add(a, r);
            tc.entry((c.tenant[i], c.comp[i])).or_insert_with(Agg::default).add(a, r);
            u.entry(c.unit[i]).or_insert_with(Agg::default).add(a, r);
        }
        (uc, cc, tc, u)
    }

    fn data() -> impl Strategy<Value = Vec<(u32, u8, u8, u8)>> {
        proptest::collection::vec((0u32..40, 0u8..6, 0u8..=5, 1u8..=5), 0..600)
    }

    proptest! {
        #[test]
        fn engine_equals_naive(rows in data()) {
            // A unit belongs to one tenant: tenant = unit / 7.
            let unit: Vec<u32> = rows.iter().map(|r| r.0).collect();
            let tenant: Vec<u16> = rows.iter().map(|r| (r.0 / 7) as u16).collect();
            let comp: Vec<u8> = rows.iter().map(|r| r.1).collect();
            let actual: Vec<u8> = rows.iter().map(|r| r.2).collect();
            let required: Vec<u8> = rows.iter().map(|r| r.3).collect();
            let cols = Columns { unit: &unit, tenant: &tenant, comp: &comp, actual: &actual, required: &required };
            let e = Engine::load(cols);
            let (uc, cc, tc, u) = naive(cols);
            let table = e.by_unit_comp();
            for (ui, &unit_id) in e.units.iter().enumerate() {
                for c in 0..e.n_comp {
                    let got = table[ui * e.n_comp + c];
                    prop_assert_eq!(got, uc.get(&(unit_id, c as u8)).copied().unwrap_or_default());
                }
            }
            let by_comp = e.by_comp();
            for c in 0..e.n_comp {
                prop_assert_eq!(by_comp[c], cc.get(&(c as u8)).copied().unwrap_or_default());
            }
            let by_tc = e.by_tenant_comp();
            for t in 0..e.n_tenant {
                for c in 0..e.n_comp {
                    prop_assert_eq!(by_tc[t * e.n_comp + c], tc.get(&(t as u16, c as u8)).copied().unwrap_or_default());
                }
            }
            let by_u = e.by_unit();
            prop_assert_eq!(by_u.len(), u.len());
            for (ui, unit_id) in e.units.iter().enumerate() {
                prop_assert_eq!(by_u[ui], u[unit_id]);
            }
            prop_assert_eq!(e.touch(), comp.iter().chain(e.packed.iter()).map(|&x| u64::from(x)).sum::<u64>());
        }
    }

    #[test]
    fn measures_hand_worked() {
        // Unit 0, competency 0: actual 2 vs 3 (gap 1), 4 vs 3 (no gap), unassessed vs 3.
        let cols = Columns { unit: &[0, 0, 0], tenant: &[0, 0, 0], comp: &[0, 0, 0], actual: &[2, 4, 0], required: &[3, 3, 3] };
        let a = Engine::load(cols).by_unit()[0];
        assert_eq!((a.rows, a.assessed), (3, 2));
        assert_eq!(a.mean_actual(), Some(3.0));
        assert_eq!(a.mean_required(), Some(3.0));
        assert_eq!(a.mean_gap(), Some(0.5));
        assert_eq!(a.share_with_gap(), Some(0.5));
        // JPM: (2 + 3 + 0) / 9 × 100.
        assert!((a.jpm().unwrap() - 55.555).abs() < 0.01);
        assert_eq!(Agg::default().mean_gap(), None);
    }
}
