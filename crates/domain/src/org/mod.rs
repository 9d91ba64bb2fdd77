//! Organisation vocabulary: tenants, units, positions, employees (shared/DOMAIN.md).

pub mod directory;

use crate::code_enum;

code_enum! {
    /// Kind of instansi (tenant).
    pub enum TenantKind {
        Kota = ("kota", "Pemerintah Kota"),
        Kabupaten = ("kabupaten", "Pemerintah Kabupaten"),
        Provinsi = ("provinsi", "Pemerintah Provinsi"),
        Kementerian = ("kementerian", "Kementerian"),
        Lembaga = ("lembaga", "Lembaga"),
    }
}

code_enum! {
    pub enum UnitKind {
        Sekretariat = ("sekretariat", "Sekretariat"),
        Opd = ("opd", "Perangkat Daerah (Dinas/Badan)"),
        Bidang = ("bidang", "Bidang/Bagian"),
        Seksi = ("seksi", "Seksi/Subbagian"),
        Kecamatan = ("kecamatan", "Kecamatan"),
        Kelurahan = ("kelurahan", "Kelurahan"),
        Upt = ("upt", "UPT"),
    }
}

code_enum! {
    /// Jabatan kinds (UU ASN).
    pub enum PositionKind {
        Jpt = ("jpt", "Jabatan Pimpinan Tinggi"),
        Administrator = ("administrator", "Administrator"),
        Pengawas = ("pengawas", "Pengawas"),
        Pelaksana = ("pelaksana", "Pelaksana"),
        Fungsional = ("fungsional", "Fungsional"),
    }
}

code_enum! {
    /// Jenjang within a kind; decides the default required competency level.
    pub enum Jenjang {
        JptUtama = ("jpt_utama", "JPT Utama"),
        JptMadya = ("jpt_madya", "JPT Madya"),
        JptPratama = ("jpt_pratama", "JPT Pratama"),
        Administrator = ("administrator", "Administrator"),
        Pengawas = ("pengawas", "Pengawas"),
        Pelaksana = ("pelaksana", "Pelaksana"),
        AhliUtama = ("ahli_utama", "Ahli Utama"),
        AhliMadya = ("ahli_madya", "Ahli Madya"),
        AhliMuda = ("ahli_muda", "Ahli Muda"),
        AhliPertama = ("ahli_pertama", "Ahli Pertama"),
        Penyelia = ("penyelia", "Penyelia"),
        Mahir = ("mahir", "Mahir"),
        Terampil = ("terampil", "Terampil"),
        Pemula = ("pemula", "Pemula"),
    }
}

impl Jenjang {
    /// The kind a jenjang belongs to; a position's jenjang must agree with its kind.
    pub fn kind(self) -> PositionKind {
        use Jenjang::*;
        match self {
            JptUtama | JptMadya | JptPratama => PositionKind::Jpt,
            Administrator => PositionKind::Administrator,
            Pengawas => PositionKind::Pengawas,
            Pelaksana => PositionKind::Pelaksana,
            AhliUtama | AhliMadya | AhliMuda | AhliPertama | Penyelia | Mahir | Terampil | Pemula => PositionKind::Fungsional,
        }
    }
}

code_enum! {
    pub enum EmployeeStatus {
        Pns = ("pns", "PNS"),
        Pppk = ("pppk", "PPPK"),
    }
}

code_enum! {
    pub enum Gender {
        L = ("L", "Laki-laki"),
        P = ("P", "Perempuan"),
    }
}

impl Gender {
    /// Accepts L/P, Laki-laki/Perempuan, and the NIP digits 1/2.
    pub fn parse_any(s: &str) -> Option<Gender> {
        match s.trim().to_ascii_lowercase().as_str() {
            "l" | "lk" | "laki-laki" | "laki laki" | "pria" | "1" => Some(Gender::L),
            "p" | "pr" | "perempuan" | "wanita" | "2" => Some(Gender::P),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip_and_labels_parse() {
        for j in Jenjang::ALL {
            assert_eq!(Jenjang::from_code(j.code()), Some(*j));
        }
        assert_eq!(PositionKind::parse_loose("fungsional"), Some(PositionKind::Fungsional));
        assert_eq!(EmployeeStatus::parse_loose("PPPK"), Some(EmployeeStatus::Pppk));
        assert_eq!(Jenjang::AhliMuda.kind(), PositionKind::Fungsional);
        assert_eq!(Gender::parse_any("Perempuan"), Some(Gender::P));
        assert_eq!(Gender::parse_any("x"), None);
    }
}
