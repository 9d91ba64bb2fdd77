//! The national AKPK roll-up's per-employee standing: how one ASN stands against what the held
//! position requires in each national competency (PermenPAN-RB 38/2017: 8 manajerial and 1
//! sosial kultural), and who that ASN is for the super admin's ad-hoc filters.
//!
//! One standing is packed into one 64-bit integer (3 bits per level, actual then required, per
//! competency), so a national database of millions of ASN keeps one small row per employee and
//! loads it in seconds (`store::akpk::national`).

use time::Date;

use crate::code_enum;
use crate::org::{EmployeeStatus, Gender, PositionKind};
use crate::rollup::Agg;

/// Competencies one packed standing holds: 10 × 2 × 3 bits = 60 bits of an i64.
pub const MAX_COMPETENCIES: usize = 10;

/// Packs (actual, required) per competency, each level 0–5 (0: not assessed / not required).
/// Levels above 7 cannot be stored and are clamped (the dictionary's levels are 1–5).
pub fn pack(levels: &[(u8, u8)]) -> i64 {
    debug_assert!(levels.len() <= MAX_COMPETENCIES);
    let mut v: u64 = 0;
    for (k, (actual, required)) in levels.iter().take(MAX_COMPETENCIES).enumerate() {
        v |= u64::from((*actual).min(7)) << (6 * k);
        v |= u64::from((*required).min(7)) << (6 * k + 3);
    }
    v as i64
}

/// The (actual, required) pair of competency `k` in a packed standing.
pub fn unpack(packed: i64, k: usize) -> (u8, u8) {
    let v = packed as u64;
    (((v >> (6 * k)) & 7) as u8, ((v >> (6 * k + 3)) & 7) as u8)
}

/// Adds (or takes back) one packed standing to per-competency sums: a competency counts only
/// where the position requires it, as in the tenant's heatmap.
pub fn count(cells: &mut [Agg], packed: i64, add: bool) {
    for (k, cell) in cells.iter_mut().enumerate().take(MAX_COMPETENCIES) {
        let (actual, required) = unpack(packed, k);
        if required == 0 {
            continue;
        }
        if add { cell.add(actual, required) } else { cell.remove(actual, required) }
    }
}

code_enum! {
    /// Age bands of the national roll-up's filter (age in full years on the day asked).
    pub enum AgeBand {
        Under30 = ("lt30", "Di bawah 30 tahun"),
        From30 = ("30_39", "30–39 tahun"),
        From40 = ("40_49", "40–49 tahun"),
        From50 = ("50plus", "50 tahun ke atas"),
    }
}

impl AgeBand {
    pub fn of(born: Date, today: Date) -> AgeBand {
        let mut age = today.year() - born.year();
        if (today.month() as u8, today.day()) < (born.month() as u8, born.day()) {
            age -= 1;
        }
        match age {
            ..30 => AgeBand::Under30,
            30..40 => AgeBand::From30,
            40..50 => AgeBand::From40,
            _ => AgeBand::From50,
        }
    }
}

/// Who one standing belongs to, as the filters ask.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Traits {
    pub kind: Option<PositionKind>,
    pub status: Option<EmployeeStatus>,
    pub gender: Option<Gender>,
    /// Index into [`crate::golongan::PNS`] / [`crate::golongan::PPPK`] by status; None: not set.
    pub golongan: Option<u8>,
    pub born: Date,
}

/// The super admin's ad-hoc filter over every ASN of the nation; empty fields do not filter.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Filter {
    pub kind: Option<PositionKind>,
    pub status: Option<EmployeeStatus>,
    pub gender: Option<Gender>,
    /// With `status`: a golongan of that status (index as in [`Traits::golongan`]).
    pub golongan: Option<u8>,
    pub age: Option<AgeBand>,
}

impl Filter {
    pub fn is_empty(&self) -> bool {
        *self == Filter::default()
    }

    pub fn matches(&self, t: &Traits, today: Date) -> bool {
        (self.kind.is_none() || self.kind == t.kind)
            && (self.status.is_none() || self.status == t.status)
            && (self.gender.is_none() || self.gender == t.gender)
            && (self.golongan.is_none() || (self.golongan == t.golongan && self.status == t.status))
            && self.age.is_none_or(|a| AgeBand::of(t.born, today) == a)
    }
}

/// The golongan index of a stored code under its status (see [`Traits::golongan`]).
pub fn golongan_index(code: &str, status: EmployeeStatus) -> Option<u8> {
    let pos = match status {
        EmployeeStatus::Pns => crate::golongan::PNS.iter().position(|(c, _)| *c == code),
        EmployeeStatus::Pppk => crate::golongan::PPPK.iter().position(|c| *c == code),
    };
    pos.map(|p| p as u8)
}

/// The stored code of a golongan index under its status: [`golongan_index`] backwards.
pub fn golongan_code(index: u8, status: EmployeeStatus) -> Option<&'static str> {
    let i = usize::from(index);
    match status {
        EmployeeStatus::Pns => crate::golongan::PNS.get(i).map(|p| p.0),
        EmployeeStatus::Pppk => crate::golongan::PPPK.get(i).copied(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use time::macros::date;

    proptest! {
        #[test]
        fn packing_keeps_every_level(levels in proptest::collection::vec((0u8..=5, 0u8..=5), 0..=MAX_COMPETENCIES)) {
            let p = pack(&levels);
            for (k, l) in levels.iter().enumerate() {
                prop_assert_eq!(unpack(p, k), *l);
            }
            for k in levels.len()..MAX_COMPETENCIES {
                prop_assert_eq!(unpack(p, k), (0, 0));
            }
        }
    }

    #[test]
    fn counting_skips_what_the_position_does_not_require_and_takes_back_exactly() {
        let mut cells = vec![Agg::default(); 3];
        let p = pack(&[(2, 3), (4, 0), (0, 2)]);
        count(&mut cells, p, true);
        assert_eq!((cells[0].rows, cells[0].assessed, cells[0].sum_gap), (1, 1, 1));
        assert_eq!(cells[1], Agg::default());
        assert_eq!((cells[2].rows, cells[2].assessed), (1, 0));
        count(&mut cells, p, false);
        assert!(cells.iter().all(|c| *c == Agg::default()));
    }

    #[test]
    fn every_golongan_code_reads_back_under_its_status() {
        for status in EmployeeStatus::ALL {
            for i in 0..17u8 {
                let code = golongan_code(i, *status).unwrap();
                assert_eq!(golongan_index(code, *status), Some(i));
            }
            assert_eq!(golongan_code(17, *status), None);
        }
    }

    #[test]
    fn age_band_turns_on_the_birthday() {
        let born = date!(1996 - 12 - 07);
        assert_eq!(AgeBand::of(born, date!(2026 - 12 - 06)), AgeBand::Under30);
        assert_eq!(AgeBand::of(born, date!(2026 - 12 - 07)), AgeBand::From30);
        assert_eq!(AgeBand::of(date!(1976 - 01 - 01), date!(2026 - 12 - 06)), AgeBand::From50);
        assert_eq!(AgeBand::of(date!(1980 - 06 - 30), date!(2026 - 12 - 06)), AgeBand::From40);
    }

    #[test]
    fn filter_matches_each_field_and_golongan_only_within_its_status() {
        let t = Traits {
            kind: Some(PositionKind::Pelaksana),
            status: Some(EmployeeStatus::Pns),
            gender: Some(Gender::P),
            golongan: golongan_index("III/a", EmployeeStatus::Pns),
            born: date!(1990 - 01 - 01),
        };
        let today = date!(2026 - 12 - 06);
        assert!(Filter::default().matches(&t, today));
        assert!(Filter { kind: Some(PositionKind::Pelaksana), age: Some(AgeBand::From30), ..Default::default() }.matches(&t, today));
        assert!(!Filter { kind: Some(PositionKind::Fungsional), ..Default::default() }.matches(&t, today));
        assert!(!Filter { gender: Some(Gender::L), ..Default::default() }.matches(&t, today));
        assert!(!Filter { age: Some(AgeBand::Under30), ..Default::default() }.matches(&t, today));
        let g = golongan_index("III/a", EmployeeStatus::Pns);
        assert!(Filter { status: Some(EmployeeStatus::Pns), golongan: g, ..Default::default() }.matches(&t, today));
        // The same index under PPPK is another golongan.
        assert!(!Filter { status: Some(EmployeeStatus::Pppk), golongan: g, ..Default::default() }.matches(&t, today));
    }
}
