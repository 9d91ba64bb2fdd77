//! The JP ledger: each employee's hours of competency development per year. The totals are sums
//! of ledger entries, never stored counters (DATA-MODEL.md).

use crate::code_enum;

/// At least 20 JP of competency development per ASN per year (PP 11/2017 Pasal 203(4), as
/// amended by PP 17/2020). A rule of law, not a tenant setting.
pub const MINIMUM_PER_YEAR: u32 = 20;

/// One JP is 45 minutes (Peraturan LAN 10/2018 for PNS, 15/2020 for PPPK).
pub const MINUTES_PER_JP: u32 = 45;

/// The most JP one entry may carry: a year of full-time study is about 1,600 JP (40 weeks of
/// 40 JP); anything larger is a typing error.
pub const MAX_PER_ENTRY: u32 = 2_000;

code_enum! {
    /// Where an entry of the ledger comes from.
    pub enum JpSource {
        Enrollment = ("enrollment", "Pelatihan yang diselesaikan di Cakap"),
        Riwayat = ("riwayat", "Riwayat diklat/kursus (SIASN)"),
        External = ("external", "Pembelajaran di luar Cakap (disetujui atasan)"),
        Placement = ("placement", "Magang/pembelajaran di tempat kerja (dinilai mentor)"),
    }
}

/// JP for learning that lasted `minutes` (external learning recorded by its duration): whole JP
/// only, rounded down, so 44 minutes count nothing and 89 minutes count one. The rule is stated
/// once, here, and every path that turns a duration into JP calls it; a program's JP, a
/// riwayat's `jumlahJam` and a completion are whole JP already and are taken as they are.
/// Rounding down never credits more than was learnt, which is what a compliance figure must not
/// do.
pub fn from_minutes(minutes: u32) -> u32 {
    minutes / MINUTES_PER_JP
}

/// The ledger year a piece of learning counts in: the year it ended, in the tenant's zone (the
/// caller passes the local end date), so a course ending on 31 December counts for that year.
pub fn year_of(ended_on: time::Date) -> i32 {
    ended_on.year()
}

/// How many JP an employee still lacks this year; 0 at or above the minimum.
pub fn shortfall(jp: u32) -> u32 {
    MINIMUM_PER_YEAR.saturating_sub(jp)
}

/// Whether an employee with `jp` this year is below the minimum.
pub fn below_minimum(jp: u32) -> bool {
    shortfall(jp) > 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_minimum_is_twenty_jp_a_year() {
        assert_eq!(shortfall(0), 20);
        assert_eq!(shortfall(19), 1);
        assert_eq!(shortfall(20), 0);
        assert_eq!(shortfall(64), 0);
        assert!(below_minimum(19) && !below_minimum(20));
    }

    #[test]
    fn durations_round_down_to_whole_jp() {
        assert_eq!(from_minutes(0), 0);
        assert_eq!(from_minutes(44), 0, "less than one JP counts nothing");
        assert_eq!(from_minutes(45), 1);
        assert_eq!(from_minutes(89), 1);
        assert_eq!(from_minutes(90), 2);
        assert_eq!(from_minutes(120), 2, "a two-hour webinar is 2 JP, not 2.67");
        assert_eq!(from_minutes(8 * 60), 10, "a full day of 8 hours");
        assert_eq!(from_minutes(u32::MAX), u32::MAX / 45);
    }

    #[test]
    fn learning_counts_in_the_year_it_ended() {
        use time::macros::date;
        assert_eq!(year_of(date!(2026 - 12 - 31)), 2026);
        assert_eq!(year_of(date!(2027 - 01 - 01)), 2027);
    }

    #[test]
    fn sources_keep_their_codes() {
        for s in JpSource::ALL {
            assert_eq!(JpSource::from_code(s.code()), Some(*s));
        }
        assert_eq!(JpSource::Riwayat.code(), "riwayat");
    }
}
