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
