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
    }
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
    fn sources_keep_their_codes() {
        for s in JpSource::ALL {
            assert_eq!(JpSource::from_code(s.code()), Some(*s));
        }
        assert_eq!(JpSource::Riwayat.code(), "riwayat");
    }
}
