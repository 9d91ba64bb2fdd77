//! Demo data shaped like the five seed regions (shared/seeds, DOMAIN.md "The five seed regions"):
//! Kota Medan (Kecamatan Medan Amplas), Kota Lhokseumawe, Kota Serang, Kota Semarang (Kecamatan
//! Candisari) and Kota Ambon (Dinas Kependudukan dan Pencatatan Sipil). Deterministic: the same
//! run gives the same people, so screenshots and tests can name them.

use cakap_domain::{Jenjang, Role, UnitKind};
use sea_orm::{ActiveModelTrait, ConnectionTrait, EntityTrait, Set};

mod akpk;
pub mod delivery;
mod ledger;
pub mod national;
mod plan;

use crate::Store;
use crate::entity::{app_user, employee, position, tenant, unit, user_role};
use crate::error::Result;
use crate::ids::next_id;
use crate::org::tenants::TenantSettings;
use crate::users::hash_password;

pub const DEFAULT_PASSWORD: &str = "cakap-demo-2026";

/// A demo login printed at start.
#[derive(Debug, Clone)]
pub struct DemoLogin {
    pub login: String,
    pub role: String,
    pub tenant: String,
}

struct Region {
    code: &'static str,
    name: &'static str,
    timezone: &'static str,
    visi: &'static str,
    /// The kecamatan and its kelurahan.
    kecamatan: (&'static str, &'static [&'static str]),
    /// Dinas beyond the common ones.
    extra_opd: &'static [&'static str],
    surnames: &'static [&'static str],
    employees: usize,
}

const REGIONS: [Region; 5] = [
    Region {
        code: "medan",
        name: "Pemerintah Kota Medan",
        timezone: "WIB",
        visi: "Kota Medan untuk semua: kolaboratif, berkah, maju dan kondusif",
        kecamatan: (
            "Kecamatan Medan Amplas",
            &[
                "Kelurahan Harjosari I",
                "Kelurahan Harjosari II",
                "Kelurahan Bangun Mulia",
                "Kelurahan Timbang Deli",
                "Kelurahan Siti Rejo II",
                "Kelurahan Sitirejo III",
                "Kelurahan Amplas",
            ],
        ),
        extra_opd: &["Dinas Pendidikan"],
        surnames: &["Nasution", "Siregar", "Lubis", "Harahap", "Simanjuntak", "Sitepu", "Ginting", "Hasibuan", "Tanjung", "Pohan"],
        employees: 320,
    },
    Region {
        code: "lhokseumawe",
        name: "Pemerintah Kota Lhokseumawe",
        timezone: "WIB",
        visi: "Lhokseumawe yang tangguh bencana, islami dan berdaya saing",
        kecamatan: ("Kecamatan Banda Sakti", &["Gampong Kuta Blang", "Gampong Mon Geudong", "Gampong Hagu Selatan"]),
        extra_opd: &["Badan Penanggulangan Bencana Daerah"],
        surnames: &["Ismail", "Abdullah", "Ibrahim", "Yusuf", "Hasan", "Husain", "Mahmud", "Zakaria", "Ridwan", "Syahputra"],
        employees: 220,
    },
    Region {
        code: "serang",
        name: "Pemerintah Kota Serang",
        timezone: "WIB",
        visi: "Serang kota peradaban yang madani",
        kecamatan: ("Kecamatan Serang", &["Kelurahan Cipare", "Kelurahan Sumurpecung", "Kelurahan Kotabaru"]),
        extra_opd: &["Dinas Pekerjaan Umum dan Penataan Ruang"],
        surnames: &["Hidayat", "Suryana", "Permana", "Sudrajat", "Rohmawati", "Mulyana", "Saputra", "Nurhasanah", "Setiawan", "Kurniawan"],
        employees: 400,
    },
    Region {
        code: "semarang",
        name: "Pemerintah Kota Semarang",
        timezone: "WIB",
        visi: "Semarang kota perdagangan dan jasa yang hebat menuju masyarakat makin sejahtera",
        kecamatan: (
            "Kecamatan Candisari",
            &[
                "Kelurahan Candi",
                "Kelurahan Jatingaleh",
                "Kelurahan Jomblang",
                "Kelurahan Karanganyar Gunung",
                "Kelurahan Kaliwiru",
                "Kelurahan Tegalsari",
                "Kelurahan Wonotingal",
            ],
        ),
        extra_opd: &["Dinas Perdagangan"],
        surnames: &["Wibowo", "Susanto", "Rahayu", "Purnomo", "Wulandari", "Hartono", "Nugroho", "Lestari", "Prasetyo", "Handayani"],
        employees: 300,
    },
    Region {
        code: "ambon",
        name: "Pemerintah Kota Ambon",
        timezone: "WIT",
        visi: "Ambon kota yang sejahtera, religius, harmonis dan berdaya saing",
        kecamatan: ("Kecamatan Sirimau", &["Kelurahan Batu Merah", "Kelurahan Honipopu", "Kelurahan Rijali"]),
        extra_opd: &["Dinas Perikanan"],
        surnames: &["Latuconsina", "Tuhumury", "Wattimena", "Sahetapy", "Pattiasina", "Leiwakabessy", "Matulessy", "Siahaya", "Latupeirissa", "Tahapary"],
        employees: 220,
    },
];

/// Common OPD with their bidang, for every region.
const COMMON_OPD: [(&str, &str, &[&str]); 6] = [
    ("SETDA", "Sekretariat Daerah", &["Bagian Organisasi", "Bagian Umum", "Bagian Perencanaan dan Keuangan"]),
    (
        "BKPSDM",
        "Badan Kepegawaian dan Pengembangan Sumber Daya Manusia",
        &["Bidang Pengembangan Kompetensi Aparatur", "Bidang Mutasi dan Promosi", "Bidang Penilaian Kinerja Aparatur"],
    ),
    ("DINKES", "Dinas Kesehatan", &["Bidang Pelayanan Kesehatan", "Bidang Pencegahan dan Pengendalian Penyakit"]),
    ("DISKOMINFO", "Dinas Komunikasi dan Informatika", &["Bidang Aplikasi Informatika", "Bidang Statistik dan Persandian"]),
    (
        "DISDUKCAPIL",
        "Dinas Kependudukan dan Pencatatan Sipil",
        &["Bidang Pelayanan Pendaftaran Penduduk", "Bidang Pelayanan Pencatatan Sipil", "Bidang Pengelolaan Informasi Administrasi Kependudukan"],
    ),
    ("BKAD", "Badan Keuangan dan Aset Daerah", &["Bidang Anggaran", "Bidang Akuntansi"]),
];

const FIRST_MALE: [&str; 16] =
    ["Ahmad", "Budi", "Rizky", "Muhammad", "Hendra", "Agus", "Fajar", "Dedi", "Irfan", "Yudi", "Andi", "Bambang", "Teguh", "Arief", "Joko", "Rahmat"];
const FIRST_FEMALE: [&str; 16] =
    ["Siti", "Dewi", "Rina", "Nur", "Fitri", "Lestari", "Maya", "Ayu", "Indah", "Sri", "Ratna", "Yuliana", "Putri", "Wulan", "Nadia", "Eka"];
const DEGREES: [&str; 6] = [", S.E.", ", S.Kom.", ", S.Sos., M.Si.", ", S.H.", ", S.Kep.", ", S.T."];

/// Small deterministic generator (xorshift64*): demo and benchmark data must not change between
/// runs. The seed must not be 0.
pub struct Rng(pub u64);
impl Rng {
    pub fn next_u64(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }
    pub fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[self.below(xs.len())]
    }
}

struct Pos {
    id: i64,
    unit_id: i64,
    jenjang: Jenjang,
}

/// Loads the demo data unless the first demo tenant exists. Returns the demo logins.
pub async fn load(store: &Store, password: &str) -> Result<Vec<DemoLogin>> {
    let mut logins = vec![DemoLogin { login: "superadmin".into(), role: Role::SuperAdmin.label().into(), tenant: "(nasional)".into() }];
    for r in &REGIONS {
        for (role, who) in ROLE_LOGINS {
            logins.push(DemoLogin { login: format!("{who}.{}", r.code), role: role.label().into(), tenant: r.name.into() });
        }
    }
    if crate::org::tenants::by_code(&store.db, REGIONS[0].code).await?.is_some() {
        return Ok(logins);
    }
    let hash = hash_password(password);
    let txn = store.write().await?;
    insert_user(&txn, None, "superadmin", "Super Admin Nasional", &hash, None, true).await?;
    for (i, region) in REGIONS.iter().enumerate() {
        load_region(&txn, region, region.employees, &hash, 0x9E37_79B9_7F4A_7C15 ^ (i as u64 + 1)).await?;
    }
    txn.commit().await?;
    Ok(logins)
}

/// One demo region with `employees` staff (for benchmarks at a tenant's real size). Returns the
/// tenant id.
pub async fn load_sized(store: &Store, code: &str, employees: usize, password: &str) -> Result<i64> {
    let region = REGIONS.iter().find(|r| r.code == code).ok_or(crate::error::StoreError::NotFound)?;
    let hash = hash_password(password);
    let txn = store.write().await?;
    load_region(&txn, region, employees, &hash, 0x5EED).await?;
    txn.commit().await?;
    Ok(crate::org::tenants::by_code(&store.db, code).await?.ok_or(crate::error::StoreError::NotFound)?.id)
}

const ROLE_LOGINS: [(Role, &str); 7] = [
    (Role::Admin, "admin"),
    (Role::Planner, "perencana"),
    (Role::Approver, "ppk"),
    (Role::Pyb, "pyb"),
    (Role::Supervisor, "atasan"),
    (Role::Instructor, "instruktur"),
    (Role::Employee, "pegawai"),
];

async fn insert_user<C: ConnectionTrait>(
    db: &C,
    tenant_id: Option<i64>,
    login: &str,
    name: &str,
    hash: &str,
    employee_id: Option<i64>,
    sa: bool,
) -> Result<i64> {
    let id = next_id();
    app_user::ActiveModel {
        id: Set(id),
        tenant_id: Set(tenant_id),
        login: Set(login.into()),
        name: Set(name.into()),
        password_hash: Set(hash.into()),
        employee_id: Set(employee_id),
        is_super_admin: Set(sa),
        active: Set(true),
        created_at: Set(crate::now()),
    }
    .insert(db)
    .await?;
    Ok(id)
}

async fn add_unit<C: ConnectionTrait>(db: &C, t: i64, parent: Option<&unit::Model>, code: String, name: &str, kind: UnitKind) -> Result<unit::Model> {
    let id = next_id();
    let path = match parent {
        Some(p) => format!("{}{id}/", p.path),
        None => format!("/{id}/"),
    };
    Ok(unit::ActiveModel {
        tenant_id: Set(t),
        id: Set(id),
        parent_id: Set(parent.map(|p| p.id)),
        code: Set(code),
        name: Set(name.into()),
        kind: Set(kind.code().into()),
        path: Set(path),
        active: Set(true),
    }
    .insert(db)
    .await?)
}

async fn add_pos<C: ConnectionTrait>(db: &C, t: i64, u: &unit::Model, n: &mut usize, name: &str, j: Jenjang, crit: i16) -> Result<Pos> {
    *n += 1;
    let id = next_id();
    position::ActiveModel {
        tenant_id: Set(t),
        id: Set(id),
        unit_id: Set(u.id),
        code: Set(format!("JAB-{:04}", n)),
        name: Set(name.into()),
        kind: Set(j.kind().code().into()),
        jenjang: Set(j.code().into()),
        criticality: Set(crit),
        active: Set(true),
    }
    .insert(db)
    .await?;
    Ok(Pos { id, unit_id: u.id, jenjang: j })
}

/// Short unit name for position titles: "Dinas Kesehatan" → "Dinas Kesehatan", "Bidang X" → "Bidang X".
fn head_title(kind: UnitKind, name: &str) -> (String, Jenjang) {
    match kind {
        UnitKind::Opd | UnitKind::Sekretariat => (format!("Kepala {name}"), Jenjang::JptPratama),
        UnitKind::Bidang => (format!("Kepala {name}"), Jenjang::Administrator),
        UnitKind::Kecamatan => (format!("Camat {}", name.trim_start_matches("Kecamatan ")), Jenjang::Administrator),
        UnitKind::Kelurahan => (format!("Lurah {}", name.trim_start_matches("Kelurahan ").trim_start_matches("Gampong ")), Jenjang::Pengawas),
        UnitKind::Seksi | UnitKind::Upt => (format!("Kepala {name}"), Jenjang::Pengawas),
    }
}

async fn load_region<C: ConnectionTrait>(db: &C, r: &Region, employees: usize, hash: &str, seed: u64) -> Result<()> {
    let mut rng = Rng(seed);
    let t = next_id();
    let settings = TenantSettings { visi: r.visi.into(), ..Default::default() };
    tenant::ActiveModel {
        id: Set(t),
        code: Set(r.code.into()),
        name: Set(r.name.into()),
        kind: Set("kota".into()),
        timezone: Set(r.timezone.into()),
        settings: Set(serde_json::to_string(&settings).unwrap_or_default()),
        active: Set(true),
        created_at: Set(crate::now()),
    }
    .insert(db)
    .await?;
    crate::competency::ensure_national_for(db, t).await?;

    let mut units: Vec<(unit::Model, UnitKind)> = vec![];
    let mut ucount = 0;
    let mut code = |prefix: &str| {
        ucount += 1;
        format!("{prefix}-{ucount:03}")
    };
    let mut opd: Vec<(&str, &str, Vec<&str>)> = COMMON_OPD.iter().map(|(c, n, b)| (*c, *n, b.to_vec())).collect();
    for (i, extra) in r.extra_opd.iter().enumerate() {
        opd.push((["OPD-A", "OPD-B"][i % 2], extra, vec!["Bidang Program dan Evaluasi", "Bidang Teknis"]));
    }
    for (c, name, bidang) in opd {
        let kind = if c == "SETDA" { UnitKind::Sekretariat } else { UnitKind::Opd };
        let o = add_unit(db, t, None, c.to_string(), name, kind).await?;
        for b in bidang {
            let bu = add_unit(db, t, Some(&o), code("BID"), b, UnitKind::Bidang).await?;
            units.push((bu, UnitKind::Bidang));
        }
        units.push((o, kind));
    }
    let (kec_name, kels) = r.kecamatan;
    let kec = add_unit(db, t, None, code("KEC"), kec_name, UnitKind::Kecamatan).await?;
    let seksi = add_unit(db, t, Some(&kec), code("SKS"), "Seksi Pelayanan Umum", UnitKind::Seksi).await?;
    for k in kels {
        let ku = add_unit(db, t, Some(&kec), code("KEL"), k, UnitKind::Kelurahan).await?;
        units.push((ku, UnitKind::Kelurahan));
    }
    units.push((seksi, UnitKind::Seksi));
    let kec_id = kec.id;
    units.push((kec, UnitKind::Kecamatan));

    // Positions: a head per unit, then staff positions of every kind.
    let mut n = 0;
    let mut heads = vec![];
    let mut staff = vec![];
    for (u, kind) in &units {
        let (title, j) = head_title(*kind, &u.name);
        heads.push(add_pos(db, t, u, &mut n, &title, j, 3).await?);
        let staff_titles: &[(&str, Jenjang, i16)] = match kind {
            UnitKind::Opd | UnitKind::Sekretariat => &[("Sekretaris", Jenjang::Administrator, 2), ("Analis Kebijakan Ahli Madya", Jenjang::AhliMadya, 2)],
            UnitKind::Bidang => &[
                ("Analis Kebijakan Ahli Muda", Jenjang::AhliMuda, 2),
                ("Pranata Komputer Ahli Pertama", Jenjang::AhliPertama, 2),
                ("Pengolah Data", Jenjang::Pelaksana, 1),
                ("Pengadministrasi Umum", Jenjang::Pelaksana, 1),
                ("Perencana Ahli Muda", Jenjang::AhliMuda, 2),
                ("Arsiparis Terampil", Jenjang::Terampil, 1),
            ],
            UnitKind::Kecamatan => &[("Sekretaris Camat", Jenjang::Pengawas, 2), ("Pengelola Layanan Operasional", Jenjang::Pelaksana, 1)],
            UnitKind::Kelurahan => &[("Sekretaris Lurah", Jenjang::Pelaksana, 2), ("Pengadministrasi Kependudukan", Jenjang::Pelaksana, 1)],
            UnitKind::Seksi | UnitKind::Upt => &[("Petugas Pelayanan", Jenjang::Pelaksana, 1), ("Penyuluh Kesehatan Masyarakat Mahir", Jenjang::Mahir, 1)],
        };
        for (title, j, c) in staff_titles {
            staff.push(add_pos(db, t, u, &mut n, title, *j, *c).await?);
        }
    }

    // Employees: every head position filled, the rest spread over staff positions.
    let mut seq = std::collections::HashMap::<String, u32>::new();
    let mut emps: Vec<employee::ActiveModel> = vec![];
    let mut amplas_staff = None;
    for i in 0..employees {
        let pos = if i < heads.len() { &heads[i] } else { rng.pick(&staff) };
        let male = rng.below(2) == 0;
        let senior = matches!(pos.jenjang, Jenjang::JptPratama | Jenjang::Administrator | Jenjang::AhliMadya);
        let year = if senior { 1968 + rng.below(12) as i32 } else { 1972 + rng.below(28) as i32 };
        let month = 1 + rng.below(12) as u8;
        let day = 1 + rng.below(28) as u8;
        let pppk = !senior && i >= heads.len() && rng.below(4) == 0;
        let (first, gender) = if male { (*rng.pick(&FIRST_MALE), "L") } else { (*rng.pick(&FIRST_FEMALE), "P") };
        let surname = rng.pick(r.surnames);
        let degree = if rng.below(3) == 0 { "" } else { rng.pick(&DEGREES) };
        let name = format!("{first} {surname}{degree}");
        let gdigit = if male { 1 } else { 2 };
        let (nip_prefix, golongan, status) = if pppk {
            let ay = 2019 + rng.below(5) as i32;
            (format!("{year:04}{month:02}{day:02}{ay:04}2{}{gdigit}", 1 + rng.below(3)), ["V", "VII", "IX", "X"][rng.below(4)].to_string(), "pppk")
        } else {
            let tmt = (year + 22 + rng.below(8) as i32).min(2024);
            let gol = if senior { ["IV/a", "IV/b", "IV/c"][rng.below(3)] } else { ["II/c", "III/a", "III/b", "III/c", "III/d"][rng.below(5)] };
            (format!("{year:04}{month:02}{day:02}{tmt:04}{:02}{gdigit}", 1 + rng.below(12)), gol.to_string(), "pns")
        };
        let s = seq.entry(nip_prefix.clone()).or_insert(0);
        *s += 1;
        let nip = format!("{nip_prefix}{:03}", *s);
        let id = next_id();
        // The demo "pegawai" is a staff member of the kecamatan's kelurahan, under the demo supervisor.
        if amplas_staff.is_none() && i >= heads.len() && units.iter().any(|(u, k)| u.id == pos.unit_id && *k == UnitKind::Kelurahan) {
            amplas_staff = Some((id, name.clone()));
        }
        let target = (i % 7 == 0 && i >= heads.len()).then(|| heads[rng.below(heads.len())].id);
        emps.push(employee::ActiveModel {
            tenant_id: Set(t),
            id: Set(id),
            nip: Set(nip),
            name: Set(name),
            gender: Set(gender.into()),
            birth_date: Set(time::Date::from_calendar_date(year, time::Month::try_from(month).expect("1..=12"), day).expect("valid")),
            status: Set(status.into()),
            golongan: Set(Some(golongan)),
            unit_id: Set(pos.unit_id),
            position_id: Set(pos.id),
            target_position_id: Set(target),
            email: Set(None),
            active: Set(true),
            updated_at: Set(crate::now()),
        });
    }
    for chunk in emps.chunks(200) {
        employee::Entity::insert_many(chunk.to_vec()).exec(db).await?;
    }
    akpk::load(db, t, r.code, seed).await?;
    let zone = cakap_domain::Zone::from_code(r.timezone).unwrap_or(cakap_domain::Zone::Wib);
    plan::load(db, t, r.code, zone.today()).await?;
    ledger::load(db, t, zone.today().year(), seed).await?;

    let (emp_id, emp_name) = amplas_staff.expect("a kelurahan staff member exists");
    for (role, who) in ROLE_LOGINS {
        let (name, employee_id, unit_id) = match role {
            Role::Employee => (emp_name.clone(), Some(emp_id), None),
            Role::Supervisor => (format!("Camat {}", kec_name.trim_start_matches("Kecamatan ")), None, Some(kec_id)),
            _ => (format!("{} {}", role.label(), r.name.trim_start_matches("Pemerintah ")), None, None),
        };
        let uid = insert_user(db, Some(t), &format!("{who}.{}", r.code), &name, hash, employee_id, false).await?;
        user_role::ActiveModel { tenant_id: Set(t), user_id: Set(uid), role: Set(role.code().into()), unit_id: Set(unit_id) }.insert(db).await?;
    }
    Ok(())
}
