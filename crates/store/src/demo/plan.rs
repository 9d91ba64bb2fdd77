//! Demo catalogue for the five seed regions: the partners their texts name (KemenPAN-RB, LAN,
//! the province's BPSDM, the local university, a private firm, an NGO) with MoUs, and programs
//! for the competencies their needs show. One MoU ends within the warning window, so the
//! catalogue's warning has something to say.

use cakap_domain::PositionKind;
use cakap_domain::plan::catalogue::{Jalur, PartnerKind, ProgramMode};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};

use crate::entity::{agreement, competency, partner, program, program_competency};
use crate::error::Result;
use crate::ids::next_id;

/// (partner key, kind, name): `{prov}` and `{univ}` are the region's.
const PARTNERS: [(&str, PartnerKind, &str); 6] = [
    ("menpan", PartnerKind::Kementerian, "Kementerian PANRB"),
    ("lan", PartnerKind::Lembaga, "Lembaga Administrasi Negara (LAN RI)"),
    ("bpsdm", PartnerKind::Bpsdm, "BPSDM Provinsi {prov}"),
    ("univ", PartnerKind::Universitas, "{univ}"),
    ("swasta", PartnerKind::Swasta, "PT Edukasi Digital Nusantara"),
    ("lsm", PartnerKind::Lsm, "Yayasan Pelayanan Publik Indonesia"),
];

struct Prog {
    code: &'static str,
    name: &'static str,
    jalur: Jalur,
    jp: i32,
    mode: ProgramMode,
    /// Partner key; "" for the instansi's own.
    by: &'static str,
    fixed: i64,
    per: i64,
    cap: i32,
    suits: &'static [PositionKind],
    /// Bidang tugas (words of position names); "" for every bidang.
    audience: &'static str,
    comps: &'static [(&'static str, i16)],
    outline: &'static str,
}

const PROGRAMS: [Prog; 11] = [
    Prog {
        code: "PR-ANDAT",
        name: "Pelatihan Analisis Data dan Kebijakan Publik",
        jalur: Jalur::Kl03,
        jp: 32,
        mode: ProgramMode::Blended,
        by: "univ",
        fixed: 60_000_000,
        per: 6_000_000,
        cap: 30,
        suits: &[PositionKind::Fungsional, PositionKind::Pelaksana],
        audience: "Perencana; Analis; Pranata Komputer; Pengolah Data",
        comps: &[("TK-ANDAT", 3), ("M.8", 3)],
        outline: "Statistik dasar; visualisasi data; analisis kebijakan berbasis bukti; studi kasus data pelayanan daerah.",
    },
    Prog {
        code: "PR-ETIKA",
        name: "Bimbingan Teknis Etika dan Komunikasi Pelayanan",
        jalur: Jalur::Kl10,
        jp: 16,
        mode: ProgramMode::TatapMuka,
        by: "",
        fixed: 15_000_000,
        per: 1_250_000,
        cap: 40,
        suits: &[PositionKind::Pelaksana],
        audience: "Pelayanan; Pengadministrasi Kependudukan; Pengelola Layanan",
        comps: &[("TK-ETIKA", 3), ("M.5", 3), ("M.3", 2)],
        outline: "Standar pelayanan; komunikasi dengan warga; menangani keluhan; pelayanan bebas pungutan.",
    },
    Prog {
        code: "PR-ADMINDUK",
        name: "Pelatihan Teknis Administrasi Kependudukan",
        jalur: Jalur::Kl03,
        jp: 24,
        mode: ProgramMode::TatapMuka,
        by: "bpsdm",
        fixed: 30_000_000,
        per: 3_000_000,
        cap: 30,
        suits: &[],
        audience: "",
        comps: &[("TK-ADMINDUK", 3)],
        outline: "Pendaftaran penduduk; pencatatan sipil; SIAK; verifikasi dokumen.",
    },
    Prog {
        code: "PR-KEUDA",
        name: "Pelatihan Pengelolaan Keuangan Daerah",
        jalur: Jalur::Kl03,
        jp: 40,
        mode: ProgramMode::TatapMuka,
        by: "bpsdm",
        fixed: 50_000_000,
        per: 5_000_000,
        cap: 30,
        suits: &[],
        audience: "",
        comps: &[("TK-KEUDA", 3), ("M.4", 3)],
        outline: "Siklus APBD; penatausahaan; SIPD; laporan pertanggungjawaban.",
    },
    Prog {
        code: "PR-PROYEK",
        name: "Pelatihan Manajemen Proyek Pemerintahan",
        jalur: Jalur::Kl03,
        jp: 40,
        mode: ProgramMode::Blended,
        by: "menpan",
        fixed: 60_000_000,
        per: 7_500_000,
        cap: 25,
        suits: &[],
        audience: "",
        comps: &[("TK-PROYEK", 3), ("M.4", 3), ("M.7", 3)],
        outline: "Perencanaan kegiatan; jadwal dan anggaran; pengendalian risiko; pelaporan.",
    },
    Prog {
        code: "PR-INTEGRITAS",
        name: "E-learning Integritas dan Antikorupsi",
        jalur: Jalur::Nkl03,
        jp: 10,
        mode: ProgramMode::Daring,
        by: "lan",
        fixed: 7_500_000,
        per: 400_000,
        cap: 200,
        suits: &[],
        audience: "",
        comps: &[("M.1", 3)],
        outline: "Nilai dasar ASN BerAKHLAK; konflik kepentingan; gratifikasi; studi kasus.",
    },
    Prog {
        code: "PR-PKP",
        name: "Pelatihan Kepemimpinan Pengawas (PKP)",
        jalur: Jalur::Kl01,
        jp: 180,
        mode: ProgramMode::Blended,
        by: "bpsdm",
        fixed: 75_000_000,
        per: 35_000_000,
        cap: 30,
        suits: &[PositionKind::Pengawas],
        audience: "",
        comps: &[("M.6", 4), ("M.7", 4), ("M.8", 4)],
        outline: "Kepemimpinan pelayanan; aksi perubahan di unit kerja dengan coach dan mentor; seminar aksi perubahan.",
    },
    Prog {
        code: "PR-COACHING",
        name: "Coaching dan Mentoring Pengembangan Diri",
        jalur: Jalur::Nkl01,
        jp: 10,
        mode: ProgramMode::TatapMuka,
        by: "",
        fixed: 6_000_000,
        per: 500_000,
        cap: 20,
        suits: &[],
        audience: "",
        comps: &[("M.6", 3), ("M.2", 2)],
        outline: "Sesi coaching bulanan dengan atasan; rencana pengembangan individu.",
    },
    Prog {
        code: "PR-MAGANG",
        name: "Magang Pelayanan Kependudukan di Dukcapil Provinsi",
        jalur: Jalur::Nkl12,
        jp: 60,
        mode: ProgramMode::TatapMuka,
        by: "bpsdm",
        fixed: 15_000_000,
        per: 8_000_000,
        cap: 10,
        suits: &[PositionKind::Pelaksana],
        audience: "",
        comps: &[("TK-ADMINDUK", 4), ("TK-ETIKA", 3)],
        outline: "Dua minggu di layanan Dukcapil provinsi dengan mentor; laporan dan presentasi hasil.",
    },
    Prog {
        code: "PR-KOLABORASI",
        name: "Lokakarya Kerja Sama Tim dan Perekat Bangsa",
        jalur: Jalur::Kl07,
        jp: 12,
        mode: ProgramMode::TatapMuka,
        by: "lsm",
        fixed: 15_000_000,
        per: 1_000_000,
        cap: 40,
        suits: &[],
        audience: "",
        comps: &[("M.2", 3), ("SK.1", 3)],
        outline: "Kerja sama lintas unit; keberagaman dan toleransi; forum warga sebagai sumber masukan.",
    },
    Prog {
        code: "PR-DIGITAL",
        name: "Kursus Literasi Digital dan Aplikasi Pemerintahan",
        jalur: Jalur::Kl08,
        jp: 20,
        mode: ProgramMode::Daring,
        by: "swasta",
        fixed: 20_000_000,
        per: 2_000_000,
        cap: 50,
        suits: &[],
        audience: "",
        comps: &[("TK-ANDAT", 2), ("M.3", 3)],
        outline: "Aplikasi e-government; keamanan data pribadi; lembar kerja dan dasbor sederhana.",
    },
];

fn region_names(region: &str) -> (&'static str, &'static str) {
    match region {
        "medan" => ("Sumatera Utara", "Universitas Sumatera Utara"),
        "lhokseumawe" => ("Aceh", "Universitas Malikussaleh"),
        "serang" => ("Banten", "Universitas Sultan Ageng Tirtayasa"),
        "semarang" => ("Jawa Tengah", "Universitas Diponegoro"),
        _ => ("Maluku", "Universitas Pattimura"),
    }
}

pub async fn load<C: ConnectionTrait>(db: &C, t: i64, region: &str, today: time::Date) -> Result<()> {
    let (prov, univ) = region_names(region);
    let mut agreement_of = std::collections::HashMap::new();
    for (n, (key, kind, name)) in PARTNERS.iter().enumerate() {
        let id = next_id();
        let name = name.replace("{prov}", prov).replace("{univ}", univ);
        partner::ActiveModel {
            tenant_id: Set(t),
            id: Set(id),
            kind: Set(kind.code().into()),
            name: Set(name),
            contact: Set(format!("Bagian Kerja Sama · kerjasama{}@mitra.example.id", n + 1)),
            active: Set(true),
        }
        .insert(db)
        .await?;
        // The NGO's MoU ends in 45 days: the catalogue warns about it.
        let (from, to) = if *key == "lsm" {
            (today - time::Duration::days(320), today + time::Duration::days(45))
        } else {
            (
                time::Date::from_calendar_date(2025, time::Month::January, 2).expect("date"),
                time::Date::from_calendar_date(2028, time::Month::December, 31).expect("date"),
            )
        };
        let aid = next_id();
        agreement::ActiveModel {
            tenant_id: Set(t),
            id: Set(aid),
            partner_id: Set(id),
            number: Set(format!("{:03}/PKS/BKPSDM-{}/{}/2025", 100 + n * 7, region.to_uppercase(), ["I", "III", "V", "VII", "IX", "XI"][n])),
            scope: Set("Penyelenggaraan pelatihan dan pengembangan kompetensi ASN, termasuk narasumber, kurikulum dan sertifikat.".into()),
            valid_from: Set(from),
            valid_to: Set(to),
            quota: Set(if *key == "univ" { 120 } else { 0 }),
            tariff: Set("Sesuai standar biaya masukan daerah".into()),
        }
        .insert(db)
        .await?;
        agreement_of.insert(*key, aid);
    }
    let comps: std::collections::HashMap<String, i64> =
        competency::Entity::find().filter(competency::Column::TenantId.eq(t)).all(db).await?.into_iter().map(|c| (c.code, c.id)).collect();
    for p in &PROGRAMS {
        let id = next_id();
        program::ActiveModel {
            tenant_id: Set(t),
            id: Set(id),
            code: Set(p.code.into()),
            name: Set(p.name.into()),
            jalur: Set(p.jalur.code().into()),
            jp: Set(p.jp),
            mode: Set(p.mode.code().into()),
            agreement_id: Set(agreement_of.get(p.by).copied()),
            outline: Set(p.outline.into()),
            fixed_cost: Set(p.fixed),
            cost_per_participant: Set(p.per),
            capacity: Set(p.cap),
            suits: Set(p.suits.iter().map(|k| k.code()).collect::<Vec<_>>().join(",")),
            audience: Set(p.audience.into()),
            active: Set(true),
        }
        .insert(db)
        .await?;
        for (c, level) in p.comps {
            if let Some(cid) = comps.get(*c) {
                program_competency::ActiveModel { tenant_id: Set(t), program_id: Set(id), competency_id: Set(*cid), target_level: Set(*level) }
                    .insert(db)
                    .await?;
            }
        }
    }
    Ok(())
}
