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
//! [`Engine::load`] clusters rows by (unit, competency) with a counting sort (one pass to count,
//! one to place) and keeps per row one byte, `actual << 4 | required`; units and groups become
//! offset arrays (a clustered index, as a database would keep one). Every roll-up is then one
//! sequential scan of that byte array, whatever order the rows arrived in: a group's sums are
//! two table lookups and two adds per row into 16-bit fields packed in two words (SWAR), and
//! only the per-group totals touch the output. Work is split across threads by unit ranges of
//! equal row counts.

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

    /// Takes back one row added by [`Agg::add`] (a measure kept current as an assessment
    /// replaces the row it changes). Saturating: a row never added cannot wrap a sum around.
    #[inline]
    pub fn remove(&mut self, actual: u8, required: u8) {
        let mut one = Agg::default();
        one.add(actual, required);
        self.rows = self.rows.saturating_sub(one.rows);
        self.assessed = self.assessed.saturating_sub(one.assessed);
        self.sum_actual = self.sum_actual.saturating_sub(one.sum_actual);
        self.sum_required_assessed = self.sum_required_assessed.saturating_sub(one.sum_required_assessed);
        self.sum_gap = self.sum_gap.saturating_sub(one.sum_gap);
        self.with_gap = self.with_gap.saturating_sub(one.with_gap);
        self.sum_met = self.sum_met.saturating_sub(one.sum_met);
        self.sum_required = self.sum_required.saturating_sub(one.sum_required);
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

/// What one row with packed value `p` (`actual << 4 | required`) adds to each sum, 16 bits a
/// field in two words (the rule of [`Agg::add`]): word 0 = rows, Σmin(actual, required),
/// Σrequired, assessed; word 1 = Σactual, Σrequired (assessed), Σgap, with gap. Every field is at
/// most 15 a row, so 4,096 rows fit in a 16-bit field before it must be flushed.
const LUT: [[u64; 2]; 256] = {
    let mut t = [[0u64; 2]; 256];
    let mut p = 0;
    while p < 256 {
        let (a, r) = ((p >> 4) as u64, (p & 15) as u64);
        let assessed = (a > 0) as u64;
        let met = if a < r { a } else { r };
        let gap = r.saturating_sub(a);
        t[p] = [1 | met << 16 | r << 32 | assessed << 48, a | (assessed * r) << 16 | (assessed * gap) << 32 | (assessed * (r > a) as u64) << 48];
        p += 1;
    }
    t
};

/// Rows per flush of the 16-bit fields (4,096 × 15 < 65,536).
const BLOCK: usize = 4096;

/// The sums of a run of packed rows: two table lookups and two adds a row, in two independent
/// chains so consecutive rows do not wait on each other.
#[inline]
fn sums(ps: &[u8]) -> Agg {
    let mut out = Agg::default();
    for block in ps.chunks(BLOCK) {
        let (mut x0, mut x1, mut y0, mut y1) = (0u64, 0u64, 0u64, 0u64);
        let mut pairs = block.chunks_exact(2);
        for pair in &mut pairs {
            let (a, b) = (&LUT[pair[0] as usize], &LUT[pair[1] as usize]);
            x0 += a[0];
            x1 += a[1];
            y0 += b[0];
            y1 += b[1];
        }
        for &p in pairs.remainder() {
            x0 += LUT[p as usize][0];
            x1 += LUT[p as usize][1];
        }
        // Each chain saw at most BLOCK / 2 + 1 rows: the field sums stay below 65,536.
        let (w0, w1) = (x0 + y0, x1 + y1);
        let f = |w: u64, i: u32| (w >> (16 * i)) & 0xFFFF;
        out.rows += f(w0, 0);
        out.sum_met += f(w0, 1);
        out.sum_required += f(w0, 2);
        out.assessed += f(w0, 3);
        out.sum_actual += f(w1, 0);
        out.sum_required_assessed += f(w1, 1);
        out.sum_gap += f(w1, 2);
        out.with_gap += f(w1, 3);
    }
    out
}

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

/// Rows clustered by (unit, competency): a group is one unit's rows of one competency.
pub struct Engine {
    /// Unit ids present, ascending.
    pub units: Vec<u32>,
    /// Tenant of each unit (a unit belongs to one tenant).
    pub unit_tenant: Vec<u16>,
    /// Groups of `units[i]` are `unit_start[i]..unit_start[i + 1]`.
    pub unit_start: Vec<u32>,
    /// Competency of each group, ascending within a unit.
    pub group_comp: Vec<u8>,
    /// Rows of group `g` are `packed[group_start[g]..group_start[g + 1]]`.
    pub group_start: Vec<u32>,
    /// `actual << 4 | required`, one byte a row.
    pub packed: Vec<u8>,
    pub n_comp: usize,
    pub n_tenant: usize,
}

/// The (unit, competency) roll-up: a dense `units × n_comp` table. Cells keep the sums in
/// 32 bits (a group has fewer than 2³² / 15 rows), half the bytes of [`Agg`]: with ~700,000
/// groups, writing the table is a large part of the roll-up.
pub struct UnitComp {
    pub n_comp: usize,
    pub cells: Vec<[u32; 8]>,
}

impl UnitComp {
    /// Measures of unit index `ui` (an index into [`Engine::units`]) and competency `c`.
    pub fn get(&self, ui: usize, c: usize) -> Agg {
        if c >= self.n_comp {
            return Agg::default();
        }
        let [rows, assessed, sum_actual, sum_required_assessed, sum_gap, with_gap, sum_met, sum_required] = self.cells[ui * self.n_comp + c].map(u64::from);
        Agg { rows, assessed, sum_actual, sum_required_assessed, sum_gap, with_gap, sum_met, sum_required }
    }

    fn cell(a: &Agg) -> [u32; 8] {
        [a.rows, a.assessed, a.sum_actual, a.sum_required_assessed, a.sum_gap, a.with_gap, a.sum_met, a.sum_required].map(|v| v as u32)
    }
}

impl Engine {
    /// Bytes of the engine's arrays (what the memory-bandwidth floor reads).
    pub fn bytes(&self) -> usize {
        self.packed.len() + self.group_comp.len() + self.group_start.len() * 4 + self.unit_start.len() * 4 + self.units.len() * 4 + self.unit_tenant.len() * 2
    }

    /// Clusters rows by (unit, competency) with a counting sort (one pass to count, one to
    /// place). Panics if columns differ in length, a level exceeds 15, a unit appears under two
    /// tenants, or there are 2³² rows or more. Memory for the count table is proportional to
    /// (largest unit id + 1) × competencies: unit ids are meant to be dense indices.
    pub fn load(c: Columns<'_>) -> Engine {
        let n = c.len();
        assert!(c.tenant.len() == n && c.comp.len() == n && c.actual.len() == n && c.required.len() == n, "columns differ in length");
        assert!(n < u32::MAX as usize, "at most 2^32 − 1 rows");
        let nc = c.comp.iter().copied().max().map(|m| m as usize + 1).unwrap_or(0);
        let max_unit = c.unit.iter().copied().max().map(|u| u as usize + 1).unwrap_or(0);
        let keys = max_unit * nc;
        let mut count = vec![0u32; keys + 1];
        let mut tenant_of = vec![u16::MAX; max_unit];
        for i in 0..n {
            let u = c.unit[i] as usize;
            count[u * nc + c.comp[i] as usize + 1] += 1;
            let t = &mut tenant_of[u];
            assert!(*t == u16::MAX || *t == c.tenant[i], "unit {u} appears under two tenants");
            *t = c.tenant[i];
        }
        let (mut units, mut unit_tenant, mut unit_start, mut group_comp, mut group_start) = (vec![], vec![], vec![], vec![], vec![]);
        for (u, &tenant) in tenant_of.iter().enumerate() {
            let mut first = true;
            for k in 0..nc {
                let key = u * nc + k;
                let here = count[key + 1];
                if here > 0 {
                    if first {
                        units.push(u as u32);
                        unit_tenant.push(tenant);
                        unit_start.push(group_comp.len() as u32);
                        first = false;
                    }
                    group_comp.push(k as u8);
                }
                count[key + 1] += count[key];
                if here > 0 {
                    group_start.push(count[key]);
                }
            }
        }
        unit_start.push(group_comp.len() as u32);
        group_start.push(n as u32);
        let mut packed = vec![0u8; n];
        for i in 0..n {
            let key = c.unit[i] as usize * nc + c.comp[i] as usize;
            assert!(c.actual[i] <= 15 && c.required[i] <= 15, "levels must fit 4 bits");
            let at = &mut count[key];
            packed[*at as usize] = c.actual[i] << 4 | c.required[i];
            *at += 1;
        }
        let n_tenant = c.tenant.iter().copied().max().map(|m| m as usize + 1).unwrap_or(0);
        Engine { units, unit_tenant, unit_start, group_comp, group_start, packed, n_comp: nc, n_tenant }
    }

    /// Row range of unit index `ui`.
    fn unit_rows(&self, ui: usize) -> std::ops::Range<usize> {
        self.group_start[self.unit_start[ui] as usize] as usize..self.group_start[self.unit_start[ui + 1] as usize] as usize
    }

    /// Groups of unit index `ui` as (competency, rows).
    fn groups(&self, ui: usize) -> impl Iterator<Item = (usize, &[u8])> {
        (self.unit_start[ui] as usize..self.unit_start[ui + 1] as usize)
            .map(|g| (self.group_comp[g] as usize, &self.packed[self.group_start[g] as usize..self.group_start[g + 1] as usize]))
    }

    /// Unit index ranges of roughly equal row counts, one per thread.
    fn unit_ranges(&self, parts: usize) -> Vec<(usize, usize)> {
        let nu = self.units.len();
        let row_of = |ui: usize| self.group_start[self.unit_start[ui] as usize] as usize;
        let n = self.packed.len();
        let mut ranges = vec![];
        let mut start = 0;
        for p in 1..=parts {
            let target = n * p / parts;
            let mut end = if p == parts { nu } else { start };
            while end < nu && row_of(end) < target {
                end += 1;
            }
            let end = if p == parts { nu } else { end.max(start) };
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

    /// Per (unit, competency). Threads write disjoint parts of one table (no copy to join them).
    pub fn by_unit_comp(&self) -> UnitComp {
        let nc = self.n_comp;
        let mut cells = vec![[0u32; 8]; self.units.len() * nc];
        let ranges = self.unit_ranges(Self::threads());
        thread::scope(|s| {
            let mut rest: &mut [[u32; 8]] = &mut cells;
            for &(a, b) in &ranges {
                let (mine, tail) = rest.split_at_mut((b - a) * nc);
                rest = tail;
                s.spawn(move || {
                    for ui in a..b {
                        let row = &mut mine[(ui - a) * nc..(ui - a + 1) * nc];
                        for (c, ps) in self.groups(ui) {
                            debug_assert!(ps.len() < (u32::MAX / 15) as usize);
                            row[c] = UnitComp::cell(&sums(ps));
                        }
                    }
                });
            }
        });
        UnitComp { n_comp: nc, cells }
    }

    /// Per competency over every row (national).
    pub fn by_comp(&self) -> Vec<Agg> {
        let nc = self.n_comp;
        let parts = self.par(|a, b| {
            let mut acc = vec![Agg::default(); nc];
            for ui in a..b {
                for (c, ps) in self.groups(ui) {
                    acc[c].merge(&sums(ps));
                }
            }
            acc
        });
        merge_all(parts, nc)
    }

    /// Per (tenant, competency): a dense `n_tenant × n_comp` table.
    pub fn by_tenant_comp(&self) -> Vec<Agg> {
        let nc = self.n_comp;
        let size = self.n_tenant * nc;
        let parts = self.par(|a, b| {
            let mut acc = vec![Agg::default(); size];
            for ui in a..b {
                let t = self.unit_tenant[ui] as usize;
                for (c, ps) in self.groups(ui) {
                    acc[t * nc + c].merge(&sums(ps));
                }
            }
            acc
        });
        merge_all(parts, size)
    }

    /// Per unit over all its rows (JPM and the other measures across competencies): a unit's
    /// rows are contiguous, so one pass over them.
    pub fn by_unit(&self) -> Vec<Agg> {
        self.par(|a, b| (a..b).map(|ui| sums(&self.packed[self.unit_rows(ui)])).collect::<Vec<_>>()).concat()
    }

    /// Reads every byte of the engine's arrays once (the memory-bandwidth floor), on the same
    /// threads as the roll-ups. Returns a checksum so the reads cannot be optimised away.
    pub fn touch(&self) -> u64 {
        let sum = |xs: &[u8]| xs.chunks(64).fold(0u64, |acc, c| acc.wrapping_add(c.iter().map(|&x| u64::from(x)).sum::<u64>()));
        let rows = self
            .par(|a, b| {
                let r = self.group_start[self.unit_start[a] as usize] as usize..self.group_start[self.unit_start[b] as usize] as usize;
                sum(&self.packed[r])
            })
            .into_iter()
            .fold(0, u64::wrapping_add);
        let index = sum(&self.group_comp)
            .wrapping_add(self.group_start.iter().map(|&x| u64::from(x)).sum::<u64>())
            .wrapping_add(self.unit_start.iter().map(|&x| u64::from(x)).sum::<u64>());
        rows.wrapping_add(index)
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
    #[test]
    fn removing_a_row_undoes_adding_it() {
        let mut a = super::Agg::default();
        for (x, r) in [(3u8, 4u8), (0, 2), (5, 3), (2, 2)] {
            a.add(x, r);
        }
        let before = a;
        a.add(1, 4);
        assert_ne!(a, before);
        a.remove(1, 4);
        assert_eq!(a, before);
        a.remove(0, 2);
        let mut expect = super::Agg::default();
        for (x, r) in [(3u8, 4u8), (5, 3), (2, 2)] {
            expect.add(x, r);
        }
        assert_eq!(a, expect, "an unassessed row comes out of the JPM sums only");
    }
    use super::*;
    use proptest::prelude::*;
    use std::collections::HashMap;

    /// Sums by (unit, competency), competency, (tenant, competency) and unit.
    type Naive = (HashMap<(u32, u8), Agg>, HashMap<u8, Agg>, HashMap<(u16, u8), Agg>, HashMap<u32, Agg>);

    /// The naive per-row computation the engine must equal.
    fn naive(c: Columns<'_>) -> Naive {
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
                    let got = table.get(ui, c);
                    prop_assert_eq!(got, uc.get(&(unit_id, c as u8)).copied().unwrap_or_default());
                }
            }
            let by_comp = e.by_comp();
            prop_assert_eq!(by_comp.len(), e.n_comp);
            for (c, got) in by_comp.iter().enumerate() {
                prop_assert_eq!(*got, cc.get(&(c as u8)).copied().unwrap_or_default());
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
            let index: u64 = e.group_comp.iter().map(|&x| u64::from(x)).chain(e.group_start.iter().chain(&e.unit_start).map(|&x| u64::from(x))).sum();
            prop_assert_eq!(e.touch(), e.packed.iter().map(|&x| u64::from(x)).sum::<u64>() + index);
            // Every row is placed once, in its unit's and competency's group.
            let mut sorted_in: Vec<u8> = actual.iter().zip(&required).map(|(a, r)| a << 4 | r).collect();
            let mut sorted_out = e.packed.clone();
            sorted_in.sort_unstable();
            sorted_out.sort_unstable();
            prop_assert_eq!(sorted_in, sorted_out);
        }
    }

    #[test]
    fn long_groups_flush_their_16_bit_fields() {
        // 10,001 rows of one group at actual 1, required 5: Σrequired = 50,005 and Σgap = 40,004
        // overflow a 16-bit field many times over unless flushed every block.
        let n = 10_001;
        let cols = Columns { unit: &vec![3; n], tenant: &vec![0; n], comp: &vec![2; n], actual: &vec![1; n], required: &vec![5; n] };
        let e = Engine::load(cols);
        let a = e.by_unit_comp().get(0, 2);
        assert_eq!((a.rows, a.sum_required, a.sum_gap, a.with_gap, a.sum_met), (10_001, 50_005, 40_004, 10_001, 10_001));
        assert_eq!(e.by_unit()[0], a);
        let empty = Engine::load(Columns { unit: &[], tenant: &[], comp: &[], actual: &[], required: &[] });
        assert!(empty.by_comp().is_empty() && empty.by_unit().is_empty() && empty.by_unit_comp().cells.is_empty());
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
