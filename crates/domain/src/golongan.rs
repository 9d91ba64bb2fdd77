//! Golongan/ruang: 17 for PNS (I/a … IV/e), I–XVII for PPPK (shared/DOMAIN.md, "Identity").

use crate::org::EmployeeStatus;

/// (code, pangkat name) in rank order.
pub const PNS: [(&str, &str); 17] = [
    ("I/a", "Juru Muda"),
    ("I/b", "Juru Muda Tingkat I"),
    ("I/c", "Juru"),
    ("I/d", "Juru Tingkat I"),
    ("II/a", "Pengatur Muda"),
    ("II/b", "Pengatur Muda Tingkat I"),
    ("II/c", "Pengatur"),
    ("II/d", "Pengatur Tingkat I"),
    ("III/a", "Penata Muda"),
    ("III/b", "Penata Muda Tingkat I"),
    ("III/c", "Penata"),
    ("III/d", "Penata Tingkat I"),
    ("IV/a", "Pembina"),
    ("IV/b", "Pembina Tingkat I"),
    ("IV/c", "Pembina Utama Muda"),
    ("IV/d", "Pembina Utama Madya"),
    ("IV/e", "Pembina Utama"),
];

pub const PPPK: [&str; 17] = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII", "XIII", "XIV", "XV", "XVI", "XVII"];

/// Normalises a golongan as typed ("iii/a", "III A", "3a" are not all accepted: only
/// roman/letter forms with an optional space or slash) and checks it fits the status.
pub fn parse(input: &str, status: EmployeeStatus) -> Option<&'static str> {
    let norm: String = input.trim().to_ascii_uppercase().replace([' ', '-'], "/");
    match status {
        EmployeeStatus::Pns => {
            let norm = norm.replace("//", "/");
            PNS.iter().map(|(c, _)| *c).find(|c| c.eq_ignore_ascii_case(&norm))
        }
        EmployeeStatus::Pppk => PPPK.iter().copied().find(|c| *c == norm),
    }
}

/// Pangkat name for a PNS golongan code.
pub fn pangkat(code: &str) -> Option<&'static str> {
    PNS.iter().find(|(c, _)| *c == code).map(|(_, n)| *n)
}

/// Rank 1..=17 for sorting and reports, for either status.
pub fn rank(code: &str) -> Option<u8> {
    PNS.iter().position(|(c, _)| *c == code).or_else(|| PPPK.iter().position(|c| *c == code)).map(|i| i as u8 + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_checks_status() {
        assert_eq!(parse("iii/a", EmployeeStatus::Pns), Some("III/a"));
        assert_eq!(parse("IV b", EmployeeStatus::Pns), Some("IV/b"));
        assert_eq!(parse("IX", EmployeeStatus::Pppk), Some("IX"));
        assert_eq!(parse("IX", EmployeeStatus::Pns), None);
        assert_eq!(parse("III/a", EmployeeStatus::Pppk), None);
        assert_eq!(parse("V/a", EmployeeStatus::Pns), None);
        assert_eq!(pangkat("IV/e"), Some("Pembina Utama"));
        assert_eq!(rank("III/a"), Some(9));
        assert_eq!(rank("XVII"), Some(17));
    }
}
