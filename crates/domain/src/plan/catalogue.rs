//! The catalogue: partners (mitra) and the programs they or the instansi run, with the jalur of
//! Peraturan LAN 10/2018 (DOMAIN.md, "Jalur"). The codes KL01…/NKL13 are Cakap's own stable
//! labels; pages always show the full names.

use crate::code_enum;

code_enum! {
    pub enum Jalur {
        Pendidikan = ("pendidikan", "Pendidikan (tugas belajar / izin belajar)"),
        Kl01 = ("KL01", "Pelatihan struktural kepemimpinan"),
        Kl02 = ("KL02", "Pelatihan manajerial"),
        Kl03 = ("KL03", "Pelatihan teknis"),
        Kl04 = ("KL04", "Pelatihan fungsional"),
        Kl05 = ("KL05", "Pelatihan sosial kultural"),
        Kl06 = ("KL06", "Seminar/konferensi/sarasehan"),
        Kl07 = ("KL07", "Workshop/lokakarya"),
        Kl08 = ("KL08", "Kursus"),
        Kl09 = ("KL09", "Penataran"),
        Kl10 = ("KL10", "Bimbingan teknis"),
        Kl11 = ("KL11", "Sosialisasi"),
        Kl12 = ("KL12", "Klasikal lainnya"),
        Nkl01 = ("NKL01", "Coaching"),
        Nkl02 = ("NKL02", "Mentoring"),
        Nkl03 = ("NKL03", "E-learning"),
        Nkl04 = ("NKL04", "Pelatihan jarak jauh"),
        Nkl05 = ("NKL05", "Detasering (secondment)"),
        Nkl06 = ("NKL06", "Pembelajaran alam terbuka (outbound)"),
        Nkl07 = ("NKL07", "Patok banding (benchmarking)"),
        Nkl08 = ("NKL08", "Pertukaran PNS dengan pegawai swasta/BUMN/BUMD"),
        Nkl09 = ("NKL09", "Belajar mandiri"),
        Nkl10 = ("NKL10", "Komunitas belajar"),
        Nkl11 = ("NKL11", "Bimbingan di tempat kerja"),
        Nkl12 = ("NKL12", "Magang/praktik kerja"),
        Nkl13 = ("NKL13", "Nonklasikal lainnya"),
    }
}

code_enum! {
    /// The three families of jalur: what a budget share is kept for.
    pub enum JalurGroup {
        Pendidikan = ("pendidikan", "Pendidikan"),
        Klasikal = ("klasikal", "Pelatihan klasikal"),
        Nonklasikal = ("nonklasikal", "Pelatihan nonklasikal"),
    }
}

impl Jalur {
    pub fn group(self) -> JalurGroup {
        match self {
            Jalur::Pendidikan => JalurGroup::Pendidikan,
            j if j.code().starts_with("KL") => JalurGroup::Klasikal,
            _ => JalurGroup::Nonklasikal,
        }
    }

    /// "KL03 · Pelatihan teknis": code and full name, as lists show it.
    pub fn full(self) -> String {
        if self == Jalur::Pendidikan { self.label().to_string() } else { format!("{} · {}", self.code(), self.label()) }
    }
}

code_enum! {
    pub enum PartnerKind {
        Universitas = ("universitas", "Perguruan tinggi"),
        Kementerian = ("kementerian", "Kementerian (mis. KemenPAN-RB)"),
        Lembaga = ("lembaga", "Lembaga (mis. LAN, BKN)"),
        Bpsdm = ("bpsdm", "BPSDM provinsi"),
        Swasta = ("swasta", "Perusahaan swasta"),
        Lsm = ("lsm", "Lembaga swadaya masyarakat"),
    }
}

code_enum! {
    pub enum ProgramMode {
        TatapMuka = ("tatap_muka", "Tatap muka"),
        Daring = ("daring", "Daring"),
        Blended = ("blended", "Blended (tatap muka dan daring)"),
    }
}

/// How long before an agreement ends the catalogue warns about it.
pub const AGREEMENT_WARN_DAYS: i64 = 90;

/// Where an agreement stands on `today` (all dates as day numbers, the tenant's calendar).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AgreementState {
    NotYet,
    Active,
    /// Active, and ends within [`AGREEMENT_WARN_DAYS`]: `days` left (0 = ends today).
    EndingSoon {
        days: i64,
    },
    Expired,
}

impl AgreementState {
    pub fn of(valid_from: time::Date, valid_to: time::Date, today: time::Date) -> Self {
        if today < valid_from {
            AgreementState::NotYet
        } else if today > valid_to {
            AgreementState::Expired
        } else {
            let days = (valid_to - today).whole_days();
            if days <= AGREEMENT_WARN_DAYS { AgreementState::EndingSoon { days } } else { AgreementState::Active }
        }
    }

    pub fn label(self) -> String {
        match self {
            AgreementState::NotYet => "Belum berlaku".into(),
            AgreementState::Active => "Berlaku".into(),
            AgreementState::EndingSoon { days: 0 } => "Berakhir hari ini".into(),
            AgreementState::EndingSoon { days } => format!("Berakhir dalam {days} hari"),
            AgreementState::Expired => "Kedaluwarsa".into(),
        }
    }

    /// Whether a program may be planned under it.
    pub fn usable(self) -> bool {
        matches!(self, AgreementState::Active | AgreementState::EndingSoon { .. })
    }
}

/// Bidang tugas a program is meant for, as words found in the names of the positions it suits
/// ("Perencana", "Analis Kebijakan", "Petugas Pelayanan"): the Candisari seed sends planners to
/// data analysis and policy and service staff to ethics and communication. Position names are
/// what every instansi already has (a separate bidang code on each position would be one more
/// column for admins to keep), and a word list is what a planner can type.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Audience(Vec<String>);

/// Words a program's bidang tugas may list, and the longest word.
pub const AUDIENCE_MAX_WORDS: usize = 12;
pub const AUDIENCE_WORD_MAX: usize = 60;
/// The longest text the words may come in (separators and spaces included).
pub const AUDIENCE_TEXT_MAX: usize = 800;

impl Audience {
    /// Reads words separated by ";" (or new lines). Empty text: every bidang.
    pub fn parse(text: &str) -> Result<Audience, String> {
        if text.chars().count() > AUDIENCE_TEXT_MAX {
            return Err(format!("bidang tugas maksimal {AUDIENCE_TEXT_MAX} karakter"));
        }
        let words: Vec<String> = text.split([';', '\n']).map(|w| w.split_whitespace().collect::<Vec<_>>().join(" ")).filter(|w| !w.is_empty()).collect();
        if words.len() > AUDIENCE_MAX_WORDS {
            return Err(format!("maksimal {AUDIENCE_MAX_WORDS} kata bidang tugas (ada {})", words.len()));
        }
        if let Some(w) = words.iter().find(|w| w.chars().count() > AUDIENCE_WORD_MAX) {
            return Err(format!("kata bidang tugas \"{}…\" lebih dari {AUDIENCE_WORD_MAX} karakter", w.chars().take(20).collect::<String>()));
        }
        if words.iter().any(|w| w.chars().any(char::is_control)) {
            return Err("kata bidang tugas memuat karakter kendali".into());
        }
        Ok(Audience(words))
    }

    pub fn words(&self) -> &[String] {
        &self.0
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// As stored and shown: the words joined by "; ".
    pub fn text(&self) -> String {
        self.0.join("; ")
    }

    /// Whether a position of this name is meant: every position when there are no words, else
    /// one whose name contains one of them, ignoring case.
    pub fn fits(&self, position_name: &str) -> bool {
        if self.0.is_empty() {
            return true;
        }
        let name = position_name.to_lowercase();
        self.0.iter().any(|w| name.contains(&w.to_lowercase()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn jalur_groups_follow_the_codes() {
        assert_eq!(Jalur::Kl03.group(), JalurGroup::Klasikal);
        assert_eq!(Jalur::Nkl12.group(), JalurGroup::Nonklasikal);
        assert_eq!(Jalur::Pendidikan.group(), JalurGroup::Pendidikan);
        assert_eq!(Jalur::ALL.iter().filter(|j| j.group() == JalurGroup::Klasikal).count(), 12);
        assert_eq!(Jalur::ALL.iter().filter(|j| j.group() == JalurGroup::Nonklasikal).count(), 13);
        assert_eq!(Jalur::Kl03.full(), "KL03 · Pelatihan teknis");
    }

    #[test]
    fn an_audience_is_words_of_position_names() {
        let a = Audience::parse(" Perencana ;analis   kebijakan;\n; Petugas Pelayanan").unwrap();
        assert_eq!(a.words(), ["Perencana", "analis kebijakan", "Petugas Pelayanan"]);
        assert_eq!(a.text(), "Perencana; analis kebijakan; Petugas Pelayanan");
        assert!(a.fits("Perencana Ahli Muda") && a.fits("ANALIS KEBIJAKAN AHLI MADYA") && a.fits("Petugas Pelayanan"));
        assert!(!a.fits("Arsiparis Terampil") && !a.fits("Analis Data"), "every word of a phrase, in order");
        let all = Audience::parse("  ;  ").unwrap();
        assert!(all.is_empty() && all.fits("Arsiparis Terampil"));
        assert!(Audience::parse(&vec!["a"; 13].join(";")).unwrap_err().contains("maksimal 12"));
        assert!(Audience::parse(&"x".repeat(61)).unwrap_err().contains("60 karakter"));
        assert!(Audience::parse(&";".repeat(801)).unwrap_err().contains("800 karakter"), "separators alone are bounded too");
    }

    #[test]
    fn an_agreement_warns_ninety_days_before_it_ends() {
        let (from, to) = (date!(2026 - 01 - 01), date!(2027 - 12 - 31));
        assert_eq!(AgreementState::of(from, to, date!(2025 - 12 - 31)), AgreementState::NotYet);
        assert_eq!(AgreementState::of(from, to, date!(2027 - 10 - 01)), AgreementState::Active);
        assert_eq!(AgreementState::of(from, to, date!(2027 - 10 - 02)), AgreementState::EndingSoon { days: 90 });
        assert_eq!(AgreementState::of(from, to, date!(2027 - 12 - 31)), AgreementState::EndingSoon { days: 0 });
        assert_eq!(AgreementState::of(from, to, date!(2028 - 01 - 01)), AgreementState::Expired);
        assert!(!AgreementState::Expired.usable() && AgreementState::EndingSoon { days: 3 }.usable());
    }
}
