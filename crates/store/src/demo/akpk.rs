//! Demo AKPK data: teknis competencies the seed regions name, standards that require them,
//! assessments by several raters (some disagreeing, so the calibration list is not empty), SKP
//! ratings and priority competencies tied to each region's vision.

use cakap_domain::Jenjang;
use cakap_domain::akpk::{PrioritySource, SkpRating};
use cakap_domain::competency::{Competency, Family, Method};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};

use super::Rng;
use crate::entity::{assessment, competency, competency_level, employee, performance_rating, position, position_standard, priority_competency, tenant};
use crate::error::Result;
use crate::ids::next_id;
use crate::org::tenants::TenantSettings;

/// (code, name, description, the subject as it reads inside level indicators)
const TEKNIS: [(&str, &str, &str, &str); 5] = [
    ("TK-ANDAT", "Analisis Data", "Kemampuan mengolah, menganalisis dan menyajikan data untuk pengambilan keputusan.", "pengolahan dan analisis data"),
    (
        "TK-ADMINDUK",
        "Administrasi Kependudukan",
        "Kemampuan melayani pendaftaran penduduk dan pencatatan sipil sesuai ketentuan.",
        "pelayanan administrasi kependudukan",
    ),
    ("TK-ETIKA", "Etika Pelayanan", "Kemampuan melayani masyarakat dengan santun, adil dan bebas pungutan.", "etika pelayanan publik"),
    ("TK-KEUDA", "Pengelolaan Keuangan Daerah", "Kemampuan menyusun, melaksanakan dan mempertanggungjawabkan anggaran daerah.", "pengelolaan keuangan daerah"),
    (
        "TK-PROYEK",
        "Manajemen Proyek",
        "Kemampuan merencanakan, melaksanakan dan mengendalikan kegiatan sesuai jadwal dan anggaran.",
        "manajemen proyek dan kegiatan",
    ),
];

/// Which staff positions (by name) require which teknis competency at which level.
const NEEDS: [(&str, &str, u8); 9] = [
    ("Pengolah Data", "TK-ANDAT", 2),
    ("Pranata Komputer Ahli Pertama", "TK-ANDAT", 3),
    ("Pengadministrasi Kependudukan", "TK-ADMINDUK", 2),
    ("Sekretaris Lurah", "TK-ADMINDUK", 2),
    ("Petugas Pelayanan", "TK-ETIKA", 2),
    ("Pengelola Layanan Operasional", "TK-ETIKA", 2),
    ("Perencana Ahli Muda", "TK-PROYEK", 3),
    ("Sekretaris", "TK-KEUDA", 3),
    ("Analis Kebijakan Ahli Muda", "TK-ANDAT", 2),
];

fn indicator(level: usize, subject: &str) -> String {
    match level {
        1 => format!("Memahami dasar {subject} dan menerapkannya pada tugas sendiri dengan bimbingan."),
        2 => format!("Menerapkan {subject} secara mandiri dan membantu rekan dalam tim."),
        3 => format!("Mengelola {subject} di tingkat unit kerja dan memperbaiki prosedurnya."),
        4 => format!("Mengembangkan kebijakan {subject} di tingkat instansi."),
        _ => format!("Menjadi rujukan nasional dalam {subject}."),
    }
}

pub async fn load<C: ConnectionTrait>(db: &C, t: i64, region: &str, seed: u64) -> Result<()> {
    let mut rng = Rng(seed ^ 0x9E37_79B9_7F4A_7C15);
    for (code, name, desc, subject) in TEKNIS {
        let id = next_id();
        competency::ActiveModel {
            tenant_id: Set(t),
            id: Set(id),
            code: Set(code.into()),
            family: Set(Family::Teknis.code().into()),
            name: Set(name.into()),
            description: Set(desc.into()),
            national_code: Set(None),
            version: Set(1),
            active: Set(true),
        }
        .insert(db)
        .await?;
        competency_level::Entity::insert_many((1..=5).map(|l| competency_level::ActiveModel {
            tenant_id: Set(t),
            competency_id: Set(id),
            version: Set(1),
            level: Set(l as i16),
            indicator: Set(indicator(l, subject)),
        }))
        .exec(db)
        .await?;
    }
    let comps = crate::competency::list(db, t).await?;
    let comp = |code: &str| comps.iter().find(|c| c.code == code).expect("demo competency");
    let positions = position::Entity::find().filter(position::Column::TenantId.eq(t)).all(db).await?;
    let mut standards = vec![];
    for p in &positions {
        for (name, code, level) in NEEDS {
            if p.name == name {
                standards.push(position_standard::ActiveModel {
                    tenant_id: Set(t),
                    position_id: Set(p.id),
                    competency_id: Set(comp(code).id),
                    required_level: Set(i16::from(level)),
                });
            }
        }
    }
    position_standard::Entity::insert_many(standards).exec(db).await?;

    // Assessments against each employee's standard: levels scatter around the requirement,
    // a little below on average (most instansi find gaps), by supervisor and self, and for
    // some by an assessment centre later.
    let settings = TenantSettings::default();
    let mut employees = employee::Entity::find().filter(employee::Column::TenantId.eq(t)).all(db).await?;
    employees.sort_by_key(|e| e.nip.clone());
    let day = |d: u16| time::Date::from_ordinal_date(2025, 1 + d % 365).expect("valid day");
    let mut rows = vec![];
    let mut skp = vec![];
    for e in &employees {
        let Some(p) = positions.iter().find(|p| p.id == e.position_id) else { continue };
        let base = Jenjang::from_code(&p.jenjang).and_then(|j| settings.standard_defaults.required(j)).unwrap_or(1);
        let mut required: Vec<(&Competency, u8)> = comps.iter().filter(|c| c.national_code.is_some()).map(|c| (c, base)).collect();
        for (name, code, level) in NEEDS {
            if p.name == name {
                required.push((comp(code), level));
            }
        }
        // A tenth not yet assessed at all; a third only partly.
        let roll = rng.below(10);
        if roll == 0 {
            continue;
        }
        let strength = rng.below(5) as i16 - 2; // this person's general standing
        for (c, req) in required {
            if roll < 4 && rng.below(3) == 0 {
                continue;
            }
            let noise = [-2, -1, -1, 0, 0, 0, 1][rng.below(7)];
            let sup = (i16::from(req) + noise + strength.signum() * (rng.below(2) as i16)).clamp(1, 5);
            let d0 = rng.below(200) as u16;
            rows.push(row(t, e.id, c, sup, Method::Supervisor, day(d0 + 30), "Atasan langsung", "Hasil observasi kinerja harian."));
            if rng.below(10) < 7 {
                // People rate themselves a little higher; one in twenty by two levels (calibration).
                let over = [0, 0, 0, 1, 1, 1, 0, 1, 0, 0, 1, 0, 0, 1, 0, 0, 1, 0, 0, 2][rng.below(20)];
                rows.push(row(t, e.id, c, (sup + over).clamp(1, 5), Method::SelfAssessment, day(d0), "", "Penilaian diri melalui kuesioner."));
            }
            if rng.below(8) == 0 {
                let ac = (sup + [-1, 0, 0, 1][rng.below(4)]).clamp(1, 5);
                rows.push(row(t, e.id, c, ac, Method::Assessor, day(d0 + 120), "UPT Penilaian Kompetensi BKN", "Laporan assessment center."));
            }
        }
        let rating = [SkpRating::SangatBaik, SkpRating::Baik, SkpRating::Baik, SkpRating::Baik, SkpRating::Baik, SkpRating::ButuhPerbaikan, SkpRating::Kurang]
            [rng.below(7)];
        skp.push(performance_rating::ActiveModel {
            tenant_id: Set(t),
            employee_id: Set(e.id),
            year: Set(2025),
            rating: Set(rating.code().into()),
            score: Set(None),
        });
    }
    for chunk in rows.chunks(500) {
        assessment::Entity::insert_many(chunk.to_vec()).exec(db).await?;
    }
    for chunk in skp.chunks(500) {
        performance_rating::Entity::insert_many(chunk.to_vec()).exec(db).await?;
    }

    // Priority competencies from the vision and the priority programs.
    let (misi, program, picks): (&str, &str, [(&str, PrioritySource, &str); 2]) = match region {
        "medan" => (
            "Mewujudkan pelayanan publik yang cepat, mudah dan terjangkau bagi semua warga",
            "Transformasi layanan kependudukan di kecamatan dan kelurahan; Medan digital",
            [
                ("M.5", PrioritySource::VisiMisi, "Misi pelayanan publik yang cepat dan mudah"),
                ("TK-ADMINDUK", PrioritySource::ProgramPrioritas, "Program layanan adminduk di kelurahan"),
            ],
        ),
        "lhokseumawe" => (
            "Meningkatkan ketangguhan daerah menghadapi bencana",
            "Sistem informasi kebencanaan terpadu",
            [
                ("M.2", PrioritySource::VisiMisi, "Kerja sama lintas perangkat daerah saat tanggap bencana"),
                ("TK-ANDAT", PrioritySource::ProgramPrioritas, "Data kebencanaan terpadu"),
            ],
        ),
        _ => (
            "Meningkatkan kualitas pelayanan publik dan tata kelola pemerintahan",
            "Reformasi birokrasi dan pelayanan terpadu",
            [
                ("M.5", PrioritySource::VisiMisi, "Misi pelayanan publik"),
                ("TK-ETIKA", PrioritySource::Pimpinan, "Arahan wali kota tentang pelayanan bebas pungli"),
            ],
        ),
    };
    for (code, source, reason) in picks {
        let Some(c) = comps.iter().find(|c| c.code == code || c.national_code.as_deref() == Some(code)) else { continue };
        priority_competency::ActiveModel { tenant_id: Set(t), competency_id: Set(c.id), source: Set(source.code().into()), reason: Set(reason.into()) }
            .insert(db)
            .await?;
    }
    let tm = tenant::Entity::find_by_id(t).one(db).await?.expect("demo tenant");
    let mut s = TenantSettings::parse(&tm.settings)?;
    s.misi = misi.into();
    s.program_prioritas = program.into();
    let mut am: tenant::ActiveModel = tm.into();
    am.settings = Set(serde_json::to_string(&s).unwrap_or_default());
    am.update(db).await?;
    Ok(())
}

#[allow(clippy::too_many_arguments)]
fn row(t: i64, e: i64, c: &Competency, level: i16, method: Method, on: time::Date, rater: &str, evidence: &str) -> assessment::ActiveModel {
    assessment::ActiveModel {
        tenant_id: Set(t),
        id: Set(next_id()),
        employee_id: Set(e),
        competency_id: Set(c.id),
        competency_version: Set(c.version),
        level: Set(level),
        method: Set(method.code().into()),
        rater_user_id: Set(None),
        rater_name: Set(rater.into()),
        assessed_on: Set(on),
        evidence: Set(evidence.into()),
        created_at: Set(crate::now()),
    }
}
