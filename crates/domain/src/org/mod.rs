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

/// A unit kerja: a node of the tenant's tree. `path` is the materialised path (`/12/40/`) that
/// subtree queries use.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Unit {
    pub id: i64,
    pub parent_id: Option<i64>,
    pub code: String,
    pub name: String,
    pub kind: UnitKind,
    #[serde(skip)]
    pub path: String,
    pub active: bool,
}

impl Unit {
    /// Depth in the tree, 0 for a root.
    pub fn depth(&self) -> usize {
        path_depth(&self.path)
    }

    /// Whether `other` is this unit or lies under it.
    pub fn contains(&self, other: &Unit) -> bool {
        other.path.starts_with(&self.path)
    }

    /// "— — Kelurahan Harjosari I": the name indented by depth, for selects.
    pub fn indented(&self) -> String {
        format!("{}{}", "— ".repeat(self.depth()), self.name)
    }
}

/// Depth of a materialised path: `/7/` is 0, `/7/9/` is 1.
pub fn path_depth(path: &str) -> usize {
    path.matches('/').count().saturating_sub(2)
}

/// An instansi (the tenant) as the super admin lists it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Tenant {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub kind: TenantKind,
    pub timezone: crate::Zone,
    pub active: bool,
}

/// A position (jabatan): a seat in one unit, with the jenjang that sets its default standard.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Position {
    pub id: i64,
    pub unit_id: i64,
    pub code: String,
    pub name: String,
    pub kind: PositionKind,
    pub jenjang: Jenjang,
    /// 1 (rendah) – 3 (tinggi).
    pub criticality: i16,
    pub active: bool,
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

    #[test]
    fn depth_and_containment_follow_the_path() {
        let unit = |id: i64, path: &str| Unit {
            id,
            parent_id: None,
            code: id.to_string(),
            name: format!("U{id}"),
            kind: UnitKind::Bidang,
            path: path.into(),
            active: true,
        };
        let (root, child, other) = (unit(7, "/7/"), unit(9, "/7/9/"), unit(79, "/79/"));
        assert_eq!((root.depth(), child.depth()), (0, 1));
        assert!(root.contains(&child) && root.contains(&root));
        assert!(!child.contains(&root));
        // "/79/" starts with "/7" but not with "/7/": the trailing slash keeps siblings apart.
        assert!(!root.contains(&other));
        assert_eq!(child.indented(), "— U9");
    }
}
