//! NIP (PNS) and NI PPPK: the 18-digit identity of an ASN.
//!
//! Layouts (see shared/DOMAIN.md, "Identity"):
//! - PNS:  birth date `yyyymmdd` (8) + TMT CPNS `yyyymm` (6) + gender (1) + sequence (3).
//! - PPPK: birth date `yyyymmdd` (8) + appointment year `yyyy` (4) + `2` + period `1..=9`
//!   + gender (1) + sequence (3).
//!
//! Digit 13 tells them apart: in a PNS NIP it is the tens digit of the TMT month (0 or 1),
//! in an NI PPPK it is always `2`.

use serde::{Deserialize, Serialize};
use std::fmt;
use time::{Date, Month};

use crate::org::{EmployeeStatus, Gender};

/// A validated NIP or NI PPPK, stored as its 18 digits without spaces.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Nip(String);

/// What a NIP says about its holder.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NipFacts {
    pub status: EmployeeStatus,
    pub birth_date: Date,
    /// TMT CPNS (PNS) or the appointment year as January (PPPK).
    pub appointed_year: i32,
    pub appointed_month: Option<u8>,
    pub gender: Gender,
    pub sequence: u16,
}

/// Why a NIP is invalid. `Display` is the message shown to users (Bahasa Indonesia).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NipError {
    #[error("harus 18 digit angka (ditemukan {0} karakter)")]
    Length(usize),
    #[error("hanya boleh berisi angka")]
    NotDigits,
    #[error("tanggal lahir pada digit 1–8 tidak valid ({0})")]
    BirthDate(String),
    #[error("TMT CPNS pada digit 9–14 tidak valid ({0}): bulan harus 01–12")]
    Tmt(String),
    #[error("tahun pengangkatan pada digit 9–12 tidak valid ({0})")]
    AppointmentYear(String),
    #[error("TMT/tahun pengangkatan ({appointed}) terlalu dekat dengan tahun lahir ({born}): usia minimal 18 tahun")]
    TooYoung { born: i32, appointed: i32 },
    #[error("digit ke-15 (jenis kelamin) harus 1 (laki-laki) atau 2 (perempuan), ditemukan {0}")]
    Gender(char),
    #[error("digit ke-13 NI PPPK harus 2, ditemukan {0}")]
    PppkMarker(char),
    #[error("digit ke-14 NI PPPK (periode) harus 1–9, ditemukan {0}")]
    PppkPeriod(char),
    #[error("nomor urut (digit 16–18) tidak boleh 000")]
    Sequence,
}

/// Minimum age at appointment; CPNS/PPPK applicants must be at least 18.
const MIN_AGE_AT_APPOINTMENT: i32 = 18;

impl Nip {
    /// Parses a NIP of the given status. Spaces are ignored, so `19800512 200501 1 001` is accepted.
    pub fn parse(input: &str, status: EmployeeStatus) -> Result<(Nip, NipFacts), NipError> {
        let digits: String = input.chars().filter(|c| !c.is_whitespace()).collect();
        if digits.chars().count() != 18 {
            return Err(NipError::Length(digits.chars().count()));
        }
        if !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(NipError::NotDigits);
        }
        let d = digits.as_bytes();
        let num = |from: usize, to: usize| -> i32 { d[from..to].iter().fold(0i32, |acc, b| acc * 10 + (b - b'0') as i32) };
        let birth_date = date_from(num(0, 4), num(4, 6), num(6, 8)).ok_or_else(|| NipError::BirthDate(digits[0..8].to_string()))?;
        let (appointed_year, appointed_month) = match status {
            EmployeeStatus::Pns => {
                let (y, m) = (num(8, 12), num(12, 14));
                if !(1900..=2200).contains(&y) || !(1..=12).contains(&m) {
                    return Err(NipError::Tmt(digits[8..14].to_string()));
                }
                (y, Some(m as u8))
            }
            EmployeeStatus::Pppk => {
                let y = num(8, 12);
                if !(1900..=2200).contains(&y) {
                    return Err(NipError::AppointmentYear(digits[8..12].to_string()));
                }
                if d[12] != b'2' {
                    return Err(NipError::PppkMarker(d[12] as char));
                }
                if !(b'1'..=b'9').contains(&d[13]) {
                    return Err(NipError::PppkPeriod(d[13] as char));
                }
                (y, None)
            }
        };
        if appointed_year - birth_date.year() < MIN_AGE_AT_APPOINTMENT {
            return Err(NipError::TooYoung { born: birth_date.year(), appointed: appointed_year });
        }
        let gender = match d[14] {
            b'1' => Gender::L,
            b'2' => Gender::P,
            other => return Err(NipError::Gender(other as char)),
        };
        let sequence = num(15, 18) as u16;
        if sequence == 0 {
            return Err(NipError::Sequence);
        }
        let facts = NipFacts { status, birth_date, appointed_year, appointed_month, gender, sequence };
        Ok((Nip(digits), facts))
    }

    /// Guesses the status from digit 13 (`2` only occurs in NI PPPK) and parses.
    pub fn parse_any(input: &str) -> Result<(Nip, NipFacts), NipError> {
        let digits: String = input.chars().filter(|c| !c.is_whitespace()).collect();
        let status = if digits.as_bytes().get(12) == Some(&b'2') { EmployeeStatus::Pppk } else { EmployeeStatus::Pns };
        Nip::parse(&digits, status)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Grouped for people: `19800512 200501 1 001` (PNS) or `19900101 2021 21 1 001` (PPPK).
    pub fn grouped(&self) -> String {
        group_nip(&self.0)
    }
}

/// Groups any 18-digit string like a NIP; other strings come back unchanged.
pub fn group_nip(s: &str) -> String {
    if s.len() != 18 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return s.to_string();
    }
    if s.as_bytes()[12] == b'2' {
        format!("{} {} {} {} {}", &s[0..8], &s[8..12], &s[12..14], &s[14..15], &s[15..18])
    } else {
        format!("{} {} {} {}", &s[0..8], &s[8..14], &s[14..15], &s[15..18])
    }
}

fn date_from(y: i32, m: i32, d: i32) -> Option<Date> {
    if !(1900..=2200).contains(&y) {
        return None;
    }
    let month = Month::try_from(u8::try_from(m).ok()?).ok()?;
    Date::from_calendar_date(y, month, u8::try_from(d).ok()?).ok()
}

impl fmt::Display for Nip {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for Nip {
    type Error = NipError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Nip::parse_any(&s).map(|(n, _)| n)
    }
}

impl From<Nip> for String {
    fn from(n: Nip) -> String {
        n.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use time::macros::date;

    #[test]
    fn parses_a_pns_nip_with_spaces() {
        let (nip, f) = Nip::parse("19800512 200501 1 001", EmployeeStatus::Pns).unwrap();
        assert_eq!(nip.as_str(), "198005122005011001");
        assert_eq!(f.birth_date, date!(1980 - 05 - 12));
        assert_eq!((f.appointed_year, f.appointed_month), (2005, Some(1)));
        assert_eq!(f.gender, Gender::L);
        assert_eq!(f.sequence, 1);
        assert_eq!(nip.grouped(), "19800512 200501 1 001");
    }

    #[test]
    fn parses_an_ni_pppk() {
        let (nip, f) = Nip::parse("199203152022212003", EmployeeStatus::Pppk).unwrap();
        assert_eq!(f.gender, Gender::P);
        assert_eq!(f.appointed_year, 2022);
        assert_eq!(nip.grouped(), "19920315 2022 21 2 003");
        assert_eq!(Nip::parse_any("199203152022212003").unwrap().1.status, EmployeeStatus::Pppk);
    }

    #[test]
    fn rejects_each_broken_part() {
        use NipError::*;
        let pns = |s| Nip::parse(s, EmployeeStatus::Pns).unwrap_err();
        let pppk = |s| Nip::parse(s, EmployeeStatus::Pppk).unwrap_err();
        assert_eq!(pns("19800512200501100"), Length(17));
        assert_eq!(pns("19800512200501100a"), NotDigits);
        assert_eq!(pns("198002302005011001"), BirthDate("19800230".into()));
        assert_eq!(pns("198005122005131001"), Tmt("200513".into()));
        assert_eq!(pns("198005122005003001"), Tmt("200500".into()));
        assert_eq!(pns("198005121990011001"), TooYoung { born: 1980, appointed: 1990 });
        assert_eq!(pns("198005122005013001"), Gender('3'));
        assert_eq!(pns("198005122005011000"), Sequence);
        assert_eq!(pppk("199203152022112003"), PppkMarker('1'));
        assert_eq!(pppk("199203152022202003"), PppkPeriod('0'));
    }

    #[test]
    fn messages_are_indonesian() {
        let e = Nip::parse("123", EmployeeStatus::Pns).unwrap_err();
        assert_eq!(e.to_string(), "harus 18 digit angka (ditemukan 3 karakter)");
    }

    proptest! {
        #[test]
        fn every_valid_pns_nip_round_trips(
            y in 1960i32..1999, m in 1u8..=12, d in 1u8..=28,
            ty in 0i32..20, tm in 1u8..=12, g in 1u8..=2, seq in 1u16..=999
        ) {
            let s = format!("{y:04}{m:02}{d:02}{:04}{tm:02}{g}{seq:03}", y + 18 + ty);
            let (nip, f) = Nip::parse(&s, EmployeeStatus::Pns).unwrap();
            prop_assert_eq!(nip.as_str(), s.as_str());
            prop_assert_eq!(f.sequence, seq);
            prop_assert_eq!(Nip::parse(&nip.grouped(), EmployeeStatus::Pns).unwrap().0, nip);
        }

        #[test]
        fn arbitrary_input_never_panics(s in "\\PC{0,24}") {
            let _ = Nip::parse_any(&s);
        }
    }
}
