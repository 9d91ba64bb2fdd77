//! Employee import: column mapping, row checks against the tenant's units and positions, and the
//! all-or-nothing write.

use std::collections::HashMap;

use cakap_domain::employee::EmployeeFields;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect, Set};
use serde::{Deserialize, Serialize};
use time::Date;

use super::sink::Sink;
use super::table::{RowError, Table};
use crate::Store;
use crate::audit::Ctx;
use crate::entity::{employee, import_job, position, unit};
use crate::error::Result;
use crate::ids;

/// What to do with a NIP that already exists in the tenant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub enum ImportMode {
    /// Update the existing employee (re-importing a file never duplicates).
    #[default]
    Upsert,
    /// Treat an existing NIP as an error (adding new staff only).
    InsertOnly,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Col {
    Nip,
    Nama,
    JenisKelamin,
    TanggalLahir,
    Status,
    Golongan,
    Unit,
    Jabatan,
    JabatanTarget,
    Email,
}

/// (column, label shown in messages, accepted header spellings after normalising, required)
const COLUMNS: [(Col, &str, &[&str], bool); 10] = [
    (Col::Nip, "NIP", &["nip", "nippppk", "nipnipppk", "nomorindukpegawai"], true),
    (Col::Nama, "Nama", &["nama", "namalengkap", "namapegawai"], true),
    (Col::JenisKelamin, "Jenis Kelamin", &["jeniskelamin", "jk", "gender"], true),
    (Col::TanggalLahir, "Tanggal Lahir", &["tanggallahir", "tgllahir"], true),
    (Col::Status, "Status", &["status", "statuspnspppk", "statuskepegawaian", "jenispegawai"], true),
    (Col::Golongan, "Golongan", &["golongan", "gol", "golonganruang", "golru"], false),
    (Col::Unit, "Unit", &["unit", "unitkerja", "unitorganisasi"], true),
    (Col::Jabatan, "Jabatan", &["jabatan", "namajabatan"], true),
    (Col::JabatanTarget, "Jabatan Target", &["jabatantarget", "targetjabatan"], false),
    (Col::Email, "Email", &["email", "surel", "alamatemail"], false),
];

/// The header line of the import template.
pub const TEMPLATE_HEADERS: [&str; 10] = ["NIP", "Nama", "Jenis Kelamin", "Tanggal Lahir", "Status", "Golongan", "Unit", "Jabatan", "Jabatan Target", "Email"];

fn norm(s: &str) -> String {
    s.chars().filter(|c| c.is_alphanumeric()).flat_map(char::to_lowercase).collect()
}

/// A row that passed every check, ready to write.
#[derive(Debug, Clone)]
pub struct ResolvedRow {
    pub nip: String,
    pub name: String,
    pub gender: &'static str,
    pub birth_date: Date,
    pub status: &'static str,
    pub golongan: Option<&'static str>,
    pub unit_id: i64,
    pub position_id: i64,
    pub target_position_id: Option<i64>,
    pub email: Option<String>,
    pub existing_id: Option<i64>,
}

/// Result of checking (and maybe writing) one file.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct ImportSummary {
    pub rows: usize,
    pub inserted: usize,
    pub updated: usize,
    /// The first [`MAX_LISTED_ERRORS`] errors; `error_count` counts all.
    pub errors: Vec<RowError>,
    pub error_count: usize,
    pub written: bool,
    pub job_id: Option<i64>,
    /// The text encoding the file was read in when it was not UTF-8 (shown in the preview).
    #[serde(default)]
    pub encoding: String,
}

pub const MAX_LISTED_ERRORS: usize = 1000;

enum Lookup {
    One(i64),
    Ambiguous,
}

/// Checks rows one at a time against the tenant's data, remembering NIPs seen so far.
/// Memory stays small for a million rows: NIPs are kept as `u64`, not strings.
pub struct EmployeeImport {
    mode: ImportMode,
    tenant_id: i64,
    cols: Vec<(Col, usize)>,
    units: HashMap<String, Lookup>,
    pos_by_code: HashMap<String, i64>,
    pos_by_unit_name: HashMap<(i64, String), Lookup>,
    pos_by_name: HashMap<String, Lookup>,
    /// Unit and name of every active position: a held position must be in the row's unit.
    pos_unit: HashMap<i64, (i64, String)>,
    /// Unit names for messages.
    unit_names: HashMap<i64, String>,
    existing: HashMap<u64, i64>,
    seen: HashMap<u64, u32>,
    /// The tenant's NIPs were loaded up front ([`Self::preload_existing`]), so rows are counted
    /// as new or updated while they are checked.
    preloaded: bool,
    unit_memo: HashMap<String, Option<std::result::Result<i64, ()>>>,
    pos_memo: HashMap<(Option<i64>, String), std::result::Result<i64, String>>,
    /// The tenant's date (its zone, not UTC): a TMT after it is refused.
    today: time::Date,
    pub summary: ImportSummary,
}

fn add(map: &mut HashMap<String, Lookup>, key: String, id: i64) {
    map.entry(key)
        .and_modify(|l| {
            if !matches!(l, Lookup::One(x) if *x == id) {
                *l = Lookup::Ambiguous
            }
        })
        .or_insert(Lookup::One(id));
}

impl EmployeeImport {
    /// Maps the header and loads the tenant's units, positions and existing NIPs.
    pub async fn new<C: ConnectionTrait>(db: &C, tenant_id: i64, mode: ImportMode, headers: &[String]) -> Result<Self, Vec<RowError>> {
        let normed: Vec<String> = headers.iter().map(|h| norm(h)).collect();
        let mut cols = vec![];
        let mut errs = vec![];
        for (col, label, aliases, required) in COLUMNS {
            match normed.iter().position(|h| aliases.contains(&h.as_str())) {
                Some(i) => cols.push((col, i)),
                None if required => errs.push(RowError {
                    row: 1,
                    column: label.into(),
                    message: format!(
                        "kolom '{label}' tidak ditemukan pada baris judul (kolom wajib: NIP, Nama, Jenis Kelamin, Tanggal Lahir, Status, Unit, Jabatan)"
                    ),
                }),
                None => {}
            }
        }
        if !errs.is_empty() {
            return Err(errs);
        }
        let load = async {
            let units = unit::Entity::find().filter(unit::Column::TenantId.eq(tenant_id)).filter(unit::Column::Active.eq(true)).all(db).await?;
            let positions = position::Entity::find().filter(position::Column::TenantId.eq(tenant_id)).filter(position::Column::Active.eq(true)).all(db).await?;
            let tenant = crate::entity::tenant::Entity::find_by_id(tenant_id).one(db).await?;
            Ok::<_, sea_orm::DbErr>((units, positions, tenant))
        };
        let (units, positions, tenant) = load.await.map_err(|e| vec![RowError { row: 0, column: "-".into(), message: format!("gagal membaca data: {e}") }])?;
        let mut s = EmployeeImport {
            mode,
            cols,
            units: HashMap::new(),
            pos_by_code: HashMap::new(),
            pos_by_unit_name: HashMap::new(),
            pos_by_name: HashMap::new(),
            pos_unit: HashMap::new(),
            unit_names: HashMap::new(),
            tenant_id,
            existing: HashMap::new(),
            seen: HashMap::new(),
            preloaded: false,
            unit_memo: HashMap::new(),
            pos_memo: HashMap::new(),
            today: cakap_domain::Zone::from_code(tenant.as_ref().map_or("WIB", |t| t.timezone.as_str())).unwrap_or(cakap_domain::Zone::Wib).today(),
            summary: ImportSummary::default(),
        };
        for u in units {
            add(&mut s.units, norm(&u.code), u.id);
            add(&mut s.units, norm(&u.name), u.id);
            s.unit_names.insert(u.id, u.name);
        }
        for p in positions {
            s.pos_unit.insert(p.id, (p.unit_id, p.name.clone()));
            s.pos_by_code.insert(norm(&p.code), p.id);
            s.pos_by_unit_name.entry((p.unit_id, norm(&p.name))).and_modify(|l| *l = Lookup::Ambiguous).or_insert(Lookup::One(p.id));
            add(&mut s.pos_by_name, norm(&p.name), p.id);
        }
        Ok(s)
    }

    fn cell<'a, S: AsRef<str>>(&self, cells: &'a [S], col: Col) -> &'a str {
        self.cols.iter().find(|(c, _)| *c == col).and_then(|(_, i)| cells.get(*i)).map(|s| s.as_ref().trim()).unwrap_or("")
    }

    /// Unit by code or name; the raw text is remembered so each distinct spelling is
    /// normalised once per file, not once per row.
    fn unit_lookup(&mut self, text: &str) -> Option<std::result::Result<i64, ()>> {
        if let Some(hit) = self.unit_memo.get(text) {
            return *hit;
        }
        let hit = match self.units.get(&norm(text)) {
            Some(Lookup::One(id)) => Some(Ok(*id)),
            Some(Lookup::Ambiguous) => Some(Err(())),
            None => None,
        };
        self.unit_memo.insert(text.to_string(), hit);
        hit
    }

    fn position_memo(&mut self, unit_id: Option<i64>, text: &str) -> std::result::Result<i64, String> {
        if let Some(hit) = self.pos_memo.get(&(unit_id, text.to_string())) {
            return hit.clone();
        }
        let hit = self.position(unit_id, text);
        self.pos_memo.insert((unit_id, text.to_string()), hit.clone());
        hit
    }

    fn error(&mut self, row: usize, column: &str, message: String) {
        self.summary.error_count += 1;
        if self.summary.errors.len() < MAX_LISTED_ERRORS {
            self.summary.errors.push(RowError { row, column: column.into(), message });
        }
    }

    fn position(&self, unit_id: Option<i64>, text: &str) -> std::result::Result<i64, String> {
        let key = norm(text);
        if let Some(id) = self.pos_by_code.get(&key) {
            return Ok(*id);
        }
        if let Some(u) = unit_id {
            match self.pos_by_unit_name.get(&(u, key.clone())) {
                Some(Lookup::One(id)) => return Ok(*id),
                Some(Lookup::Ambiguous) => return Err(format!("jabatan '{text}' ada lebih dari satu di unit ini; gunakan kode jabatan")),
                None => {}
            }
        }
        match self.pos_by_name.get(&key) {
            Some(Lookup::One(id)) => Ok(*id),
            Some(Lookup::Ambiguous) => Err(format!("jabatan '{text}' ada di beberapa unit; gunakan kode jabatan")),
            None => Err(format!("jabatan '{text}' tidak dikenal (isi kode atau nama jabatan yang terdaftar)")),
        }
    }

    /// After every row is checked: which of the file's NIPs already exist in the tenant. Counts
    /// new and updated rows, and in [`ImportMode::InsertOnly`] reports each existing NIP.
    /// A small file against a big tenant asks for its own NIPs only; a big file reads the
    /// tenant's NIPs page by page, keeping only the matches.
    pub async fn resolve_existing<C: ConnectionTrait>(&mut self, db: &C) -> Result<()> {
        self.existing.clear();
        if self.seen.is_empty() {
            return Ok(());
        }
        let tenant_total = self.tenant_count(db).await?;
        if (self.seen.len() as u64) * 16 < tenant_total {
            let keys: Vec<String> = self.seen.keys().map(|k| format!("{k:018}")).collect();
            for chunk in keys.chunks(500) {
                let found: Vec<(String, i64)> = employee::Entity::find()
                    .select_only()
                    .column(employee::Column::Nip)
                    .column(employee::Column::Id)
                    .filter(employee::Column::TenantId.eq(self.tenant_id))
                    .filter(employee::Column::Nip.is_in(chunk.iter().cloned()))
                    .into_tuple()
                    .all(db)
                    .await?;
                for (nip, id) in found {
                    if let Ok(k) = nip.parse::<u64>() {
                        self.existing.insert(k, id);
                    }
                }
            }
        } else {
            let seen = &self.seen;
            let existing = &mut self.existing;
            for_each_tenant_nip(db, self.tenant_id, |k, id| {
                if seen.contains_key(&k) {
                    existing.insert(k, id);
                }
            })
            .await?;
        }
        self.summary.updated = self.existing.len();
        self.summary.inserted = self.seen.len() - self.existing.len();
        if self.mode == ImportMode::InsertOnly && !self.existing.is_empty() {
            let mut rows: Vec<(u32, u64)> = self.existing.keys().map(|k| (self.seen[k], *k)).collect();
            rows.sort_unstable();
            for (row, k) in rows {
                self.error(row as usize, "NIP", format!("NIP {} sudah terdaftar di instansi ini", cakap_domain::nip::group_nip(&format!("{k:018}"))));
            }
            self.summary.errors.sort_by_key(|e| e.row);
        }
        Ok(())
    }

    pub async fn tenant_count<C: ConnectionTrait>(&self, db: &C) -> Result<u64> {
        use sea_orm::PaginatorTrait;
        Ok(employee::Entity::find().filter(employee::Column::TenantId.eq(self.tenant_id)).count(db).await?)
    }

    /// Loads every NIP of the tenant (8 bytes each, not strings) before a one-pass import.
    pub async fn preload_existing<C: ConnectionTrait>(&mut self, db: &C) -> Result<()> {
        let existing = &mut self.existing;
        for_each_tenant_nip(db, self.tenant_id, |k, id| {
            existing.insert(k, id);
        })
        .await?;
        self.preloaded = true;
        Ok(())
    }

    fn csv_error(&mut self, row: usize, e: csv::Error) {
        self.error(row, "-", format!("CSV tidak dapat dibaca: {e}"));
    }

    /// The id of an existing employee with this NIP (after [`Self::resolve_existing`]).
    pub fn existing_id(&self, nip: &str) -> Option<i64> {
        nip.parse::<u64>().ok().and_then(|k| self.existing.get(&k).copied())
    }

    /// Checks one data row (`row` = spreadsheet row number). Errors go to the summary.
    pub fn check_row<S: AsRef<str>>(&mut self, row: usize, cells: &[S]) -> Option<ResolvedRow> {
        self.summary.rows += 1;
        if cells.iter().all(|c| c.as_ref().trim().is_empty()) {
            self.summary.rows -= 1;
            return None;
        }
        let before = self.summary.error_count;
        if let Some(digits) = self.cell(cells, Col::Nip).strip_prefix(super::table::LOST_PRECISION) {
            self.error(
                row,
                "NIP",
                format!("NIP tersimpan sebagai angka di Excel ({digits}) sehingga digit terakhirnya hilang; format kolom NIP sebagai Teks lalu ketik ulang"),
            );
            return None;
        }
        let input = EmployeeFields {
            nip: self.cell(cells, Col::Nip),
            nama: self.cell(cells, Col::Nama),
            jenis_kelamin: self.cell(cells, Col::JenisKelamin),
            tanggal_lahir: self.cell(cells, Col::TanggalLahir),
            status: self.cell(cells, Col::Status),
            golongan: self.cell(cells, Col::Golongan),
            email: self.cell(cells, Col::Email),
        };
        let parsed = input.parse(self.today);
        if let Err(errs) = &parsed {
            for e in errs {
                let label = column_label(e.field);
                self.error(row, label, e.message.clone());
            }
        }
        let unit_text = self.cell(cells, Col::Unit);
        let unit_id = match self.unit_lookup(unit_text) {
            Some(Ok(id)) => Some(id),
            Some(Err(())) => {
                self.error(row, "Unit", format!("unit '{unit_text}' bernama sama dengan unit lain; gunakan kode unit"));
                None
            }
            None if unit_text.is_empty() => {
                self.error(row, "Unit", "wajib diisi".into());
                None
            }
            None => {
                self.error(row, "Unit", format!("unit '{unit_text}' tidak dikenal (isi kode atau nama unit yang terdaftar dan aktif)"));
                None
            }
        };
        let jab = self.cell(cells, Col::Jabatan);
        let position_id = if jab.is_empty() {
            self.error(row, "Jabatan", "wajib diisi".into());
            None
        } else {
            match self.position_memo(unit_id, jab) {
                // The same rule as the form: the held position belongs to the chosen unit
                // (a code, or a name unique in the tenant, can name another unit's seat).
                Ok(id) => match (unit_id, self.pos_unit.get(&id)) {
                    (Some(u), Some((pu, name))) if *pu != u => {
                        let (name, other) = (name.clone(), self.unit_names.get(pu).cloned().unwrap_or_default());
                        self.error(row, "Jabatan", format!("jabatan '{name}' berada di unit '{other}', bukan di unit pada kolom Unit"));
                        None
                    }
                    _ => Some(id),
                },
                Err(m) => {
                    self.error(row, "Jabatan", m);
                    None
                }
            }
        };
        let target_text = self.cell(cells, Col::JabatanTarget);
        let target = if target_text.is_empty() {
            None
        } else {
            match self.position_memo(None, target_text) {
                Ok(id) => Some(id),
                Err(m) => {
                    self.error(row, "Jabatan Target", m);
                    None
                }
            }
        };
        let mut existing_id = None;
        if let Ok(v) = &parsed {
            let key: u64 = v.nip.as_str().parse().expect("18 digits fit u64");
            if let Some(first) = self.seen.insert(key, row as u32) {
                self.error(row, "NIP", format!("NIP {} sudah muncul di baris {first}", v.nip.grouped()));
            }
            existing_id = self.existing.get(&key).copied();
            if self.preloaded && existing_id.is_some() && self.mode == ImportMode::InsertOnly {
                self.error(row, "NIP", format!("NIP {} sudah terdaftar di instansi ini", v.nip.grouped()));
            }
        }
        if self.summary.error_count > before {
            return None;
        }
        let v = parsed.ok()?;
        if self.preloaded {
            if existing_id.is_some() {
                self.summary.updated += 1;
            } else {
                self.summary.inserted += 1;
            }
        }
        Some(ResolvedRow {
            nip: v.nip.as_str().to_string(),
            name: v.name,
            gender: v.gender.code(),
            birth_date: v.birth_date,
            status: v.status.code(),
            golongan: v.golongan,
            unit_id: unit_id?,
            position_id: position_id?,
            target_position_id: target,
            email: v.email,
            existing_id,
        })
    }
}

fn column_label(field: &str) -> &'static str {
    match field {
        "nip" => "NIP",
        "nama" => "Nama",
        "jenis kelamin" => "Jenis Kelamin",
        "tanggal lahir" => "Tanggal Lahir",
        "status" => "Status",
        "golongan" => "Golongan",
        "email" => "Email",
        _ => "-",
    }
}

/// Rows per INSERT statement: 13 bound columns × 2,000 stays under SQLite's 32,766 parameters.
pub const BATCH: usize = 2000;

/// Every (NIP, id) of the tenant, page by page in id order.
async fn for_each_tenant_nip<C: ConnectionTrait>(db: &C, tenant_id: i64, mut f: impl FnMut(u64, i64)) -> Result<()> {
    use sea_orm::QueryOrder;
    let mut last = i64::MIN;
    loop {
        let page: Vec<(String, i64)> = employee::Entity::find()
            .select_only()
            .column(employee::Column::Nip)
            .column(employee::Column::Id)
            .filter(employee::Column::TenantId.eq(tenant_id))
            .filter(employee::Column::Id.gt(last))
            .order_by_asc(employee::Column::Id)
            .limit(50_000)
            .into_tuple()
            .all(db)
            .await?;
        let Some((_, l)) = page.last() else { return Ok(()) };
        last = *l;
        for (nip, id) in page {
            if let Ok(k) = nip.parse::<u64>() {
                f(k, id);
            }
        }
    }
}

/// Checks a whole table without writing.
pub(crate) async fn check_table(store: &Store, tenant_id: i64, mode: ImportMode, table: &Table) -> ImportSummary {
    match EmployeeImport::new(&store.db, tenant_id, mode, &table.headers).await {
        Err(errs) => ImportSummary { error_count: errs.len(), errors: errs, ..Default::default() },
        Ok(mut imp) => {
            for (i, cells) in table.rows.iter().enumerate() {
                imp.check_row(i + 2, cells);
            }
            if let Err(e) = imp.resolve_existing(&store.db).await {
                imp.error(0, "-", format!("gagal membaca data: {e}"));
            }
            imp.summary.encoding = table.encoding.clone();
            imp.summary
        }
    }
}

/// Checks and, when every row passes, writes the table in one transaction with its job record
/// and audit row. When any row fails, nothing is written and the summary lists the errors.
pub(crate) async fn commit_table(store: &Store, ctx: &Ctx, mode: ImportMode, file_name: &str, table: &Table) -> Result<ImportSummary> {
    let mut imp = match EmployeeImport::new(&store.db, ctx.tenant_id, mode, &table.headers).await {
        Ok(imp) => imp,
        Err(errs) => return Ok(ImportSummary { error_count: errs.len(), errors: errs, ..Default::default() }),
    };
    // Check everything before opening the write transaction: a failing file never takes the lock.
    let mut rows = Vec::with_capacity(table.rows.len());
    for (i, cells) in table.rows.iter().enumerate() {
        if let Some(r) = imp.check_row(i + 2, cells) {
            rows.push(r);
        }
    }
    imp.resolve_existing(&store.db).await?;
    if imp.summary.error_count > 0 {
        return Ok(imp.summary);
    }
    for r in &mut rows {
        r.existing_id = imp.existing_id(&r.nip);
    }
    let mut sink = Sink::open(store, ctx.tenant_id).await?;
    for chunk in rows.chunks(BATCH) {
        if let Err(e) = sink.write(chunk).await {
            let _ = sink.rollback().await;
            return Err(e);
        }
    }
    let mut summary = imp.summary;
    summary.job_id = Some(sink.commit(ctx, file_name, &summary).await?);
    summary.written = true;
    Ok(summary)
}

/// Recent import jobs of the tenant, newest first.
/// A completed import as Beranda lists it.
#[derive(Debug, Clone)]
pub struct JobSummary {
    pub created_at: time::OffsetDateTime,
    pub file_name: String,
    pub rows: i64,
    pub inserted: i64,
    pub updated: i64,
}

pub(crate) async fn recent_jobs<C: ConnectionTrait>(db: &C, tenant_id: i64, limit: u64) -> Result<Vec<JobSummary>> {
    use sea_orm::QueryOrder;
    Ok(import_job::Entity::find()
        .filter(import_job::Column::TenantId.eq(tenant_id))
        .filter(import_job::Column::Status.eq("done"))
        .order_by_desc(import_job::Column::CreatedAt)
        .limit(limit)
        .all(db)
        .await?
        .into_iter()
        .map(|j| JobSummary { created_at: j.created_at, file_name: j.file_name, rows: j.row_count, inserted: j.inserted, updated: j.updated })
        .collect())
}

/// Streams a CSV file from disk twice (check, then write) so a million rows fit in little memory.
pub(crate) async fn import_csv_file(store: &Store, ctx: &Ctx, mode: ImportMode, path: &std::path::Path) -> Result<ImportSummary> {
    use super::table::{csv_reader, sniff_delimiter};
    use std::io::{BufRead, BufReader};
    let open = || -> Result<(Vec<String>, csv::Reader<BufReader<std::fs::File>>)> {
        let f = std::fs::File::open(path).map_err(|e| crate::StoreError::Other(format!("berkas tidak dapat dibuka: {e}")))?;
        let mut br = BufReader::with_capacity(1 << 20, f);
        let delim = sniff_delimiter(br.fill_buf().map_err(|e| crate::StoreError::Other(e.to_string()))?.split(|&b| b == b'\n').next().unwrap_or(b""));
        let mut rdr = csv_reader(br, delim);
        let mut header = csv::StringRecord::new();
        rdr.read_record(&mut header).map_err(|e| crate::StoreError::Other(format!("CSV: {e}")))?;
        let headers = header.iter().map(|h| h.trim_start_matches('\u{feff}').trim().to_string()).collect();
        Ok((headers, rdr))
    };
    let file_name = path.file_name().map(|f| f.to_string_lossy().to_string()).unwrap_or_default();
    let (headers, rdr) = open()?;
    let mut imp = match EmployeeImport::new(&store.db, ctx.tenant_id, mode, &headers).await {
        Ok(imp) => imp,
        Err(errs) => return Ok(ImportSummary { error_count: errs.len(), errors: errs, ..Default::default() }),
    };
    // A file that is big next to the tenant (about 100 bytes a row) is checked and written in one
    // pass: the tenant's NIPs are loaded first, rows stream into the write transaction while
    // they are checked, and the first bad row turns the rest into checking only, ending in a
    // rollback. A small file is checked completely first, so a failing one never takes the lock.
    let file_rows = std::fs::metadata(path).map(|m| m.len() / 100).unwrap_or(0);
    let tenant_rows = imp.tenant_count(&store.db).await?;
    if file_rows * 16 >= tenant_rows {
        imp.preload_existing(&store.db).await?;
        return stream_into(store, ctx, &file_name, imp, rdr, None).await;
    }
    let mut rdr = rdr;
    let mut rec = csv::StringRecord::new();
    let mut row = 1;
    loop {
        row += 1;
        match rdr.read_record(&mut rec) {
            Ok(false) => break,
            Ok(true) => {
                let cells: Vec<&str> = rec.iter().collect();
                imp.check_row(row, &cells);
            }
            Err(e) => {
                imp.csv_error(row, e);
                break;
            }
        }
    }
    imp.resolve_existing(&store.db).await?;
    if imp.summary.error_count > 0 {
        return Ok(imp.summary);
    }
    let checked = std::mem::take(&mut imp.summary);
    imp.seen.clear();
    let (_, rdr) = open()?;
    stream_into(store, ctx, &file_name, imp, rdr, Some(checked)).await
}

/// Checks rows on a reader thread while this task writes the previous batch (parsing and the
/// database each get a core). Commits when every row passed, else rolls back and returns the
/// errors. `checked`: the summary of an earlier full check, if there was one.
async fn stream_into(
    store: &Store,
    ctx: &Ctx,
    file_name: &str,
    mut imp: EmployeeImport,
    mut rdr: csv::Reader<std::io::BufReader<std::fs::File>>,
    checked: Option<ImportSummary>,
) -> Result<ImportSummary> {
    let (tx, mut rx) = tokio::sync::mpsc::channel::<Vec<ResolvedRow>>(4);
    let reader = std::thread::spawn(move || {
        let mut rec = csv::StringRecord::new();
        let mut batch = Vec::with_capacity(BATCH);
        let mut row = 1;
        loop {
            row += 1;
            match rdr.read_record(&mut rec) {
                Ok(false) => break,
                Ok(true) => {}
                Err(e) => {
                    imp.csv_error(row, e);
                    break;
                }
            }
            let cells: Vec<&str> = rec.iter().collect();
            let checked = imp.check_row(row, &cells);
            // After the first error nothing more is sent: the import will roll back, and the
            // remaining rows are only checked so every error can be reported.
            if let Some(r) = checked.filter(|_| imp.summary.error_count == 0) {
                batch.push(r);
                if batch.len() == BATCH && tx.blocking_send(std::mem::replace(&mut batch, Vec::with_capacity(BATCH))).is_err() {
                    break;
                }
            }
        }
        if imp.summary.error_count == 0 {
            let _ = tx.blocking_send(batch);
        }
        imp
    });
    let mut sink = Sink::open(store, ctx.tenant_id).await?;
    let mut result = Ok(());
    while let Some(batch) = rx.recv().await {
        if let Err(e) = sink.write(&batch).await {
            result = Err(e);
            break;
        }
    }
    drop(rx);
    let imp = reader.join().map_err(|_| crate::StoreError::Other("pembaca berkas berhenti tak terduga".into()))?;
    if let Err(e) = result {
        let _ = sink.rollback().await;
        return Err(e);
    }
    if imp.summary.error_count > 0 {
        sink.rollback().await?;
        return Ok(imp.summary);
    }
    let mut summary = checked.unwrap_or(imp.summary);
    summary.job_id = Some(sink.commit(ctx, file_name, &summary).await?);
    summary.written = true;
    Ok(summary)
}

/// Keeps a checked table between preview and commit (status `preview`).
pub(crate) async fn save_preview(store: &Store, ctx: &Ctx, file_name: &str, mode: ImportMode, table: &Table, s: &ImportSummary) -> Result<i64> {
    let id = ids::next_id();
    let payload = serde_json::json!({ "mode": mode, "table": table }).to_string();
    import_job::ActiveModel {
        tenant_id: Set(ctx.tenant_id),
        id: Set(id),
        kind: Set("employee".into()),
        file_name: Set(file_name.to_string()),
        row_count: Set(s.rows as i64),
        status: Set("preview".into()),
        errors_json: Set("[]".into()),
        payload_json: Set(Some(payload)),
        created_by: Set(ctx.user_id),
        created_at: Set(crate::now()),
        finished_at: Set(None),
        inserted: Set(0),
        updated: Set(0),
    }
    .insert(&store.db)
    .await?;
    Ok(id)
}

/// Commits a previewed table: checks again (the data may have changed since) and writes all or
/// nothing. The preview row is removed once the import is written.
pub(crate) async fn commit_preview(store: &Store, ctx: &Ctx, job_id: i64) -> Result<ImportSummary> {
    let job = import_job::Entity::find_by_id((ctx.tenant_id, job_id)).one(&store.db).await?.ok_or(crate::StoreError::NotFound)?;
    if job.status != "preview" || job.created_by != ctx.user_id {
        return Err(crate::StoreError::NotFound);
    }
    #[derive(Deserialize)]
    struct Payload {
        mode: ImportMode,
        table: Table,
    }
    let p: Payload = serde_json::from_str(job.payload_json.as_deref().unwrap_or("{}")).map_err(|e| crate::StoreError::Other(e.to_string()))?;
    let summary = commit_table(store, ctx, p.mode, &job.file_name, &p.table).await?;
    if summary.written {
        import_job::Entity::delete_by_id((ctx.tenant_id, job_id)).exec(&store.db).await?;
    }
    Ok(summary)
}

impl crate::org::OrgAdmin<'_> {
    /// Checks an employee table without writing anything.
    pub async fn check_employee_table(&self, mode: ImportMode, table: &Table) -> ImportSummary {
        check_table(self.scope.store(), self.scope.tenant_id(), mode, table).await
    }

    /// Checks and writes an employee table, all or nothing (the CLI's one-step import).
    pub async fn import_employee_table(&self, mode: ImportMode, file_name: &str, table: &Table) -> Result<ImportSummary> {
        commit_table(self.scope.store(), &self.scope.ctx(), mode, file_name, table).await
    }

    /// Streams a CSV file from disk (the CLI's import of a million rows).
    pub async fn import_employee_csv(&self, mode: ImportMode, path: &std::path::Path) -> Result<ImportSummary> {
        import_csv_file(self.scope.store(), &self.scope.ctx(), mode, path).await
    }

    /// Keeps a checked table until the user confirms it; the preview's id.
    pub async fn save_employee_preview(&self, file_name: &str, mode: ImportMode, table: &Table, s: &ImportSummary) -> Result<i64> {
        save_preview(self.scope.store(), &self.scope.ctx(), file_name, mode, table, s).await
    }

    /// Writes a preview the same user saved (someone else's, or another tenant's: not found).
    pub async fn commit_employee_preview(&self, job_id: i64) -> Result<ImportSummary> {
        commit_preview(self.scope.store(), &self.scope.ctx(), job_id).await
    }

    /// The tenant's last completed imports, newest first.
    pub async fn recent_imports(&self, limit: u64) -> Result<Vec<JobSummary>> {
        recent_jobs(&self.scope.store().db, self.scope.tenant_id(), limit).await
    }
}
