//! Employee import: column mapping, row checks against the tenant's units and positions, and the
//! all-or-nothing write.

use std::collections::HashMap;

use cakap_domain::employee::EmployeeInput;
use cakap_domain::EmployeeStatus;
use sea_orm::sea_query::{OnConflict, Query};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait, QueryFilter, QuerySelect, Set};
use serde::{Deserialize, Serialize};
use time::Date;

use super::sink::Sink;
use super::table::{RowError, Table};
use crate::audit::{self, Ctx};
use crate::entity::{employee, import_job, position, unit};
use crate::error::Result;
use crate::ids;
use crate::Store;

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
pub const TEMPLATE_HEADERS: [&str; 10] =
    ["NIP", "Nama", "Jenis Kelamin", "Tanggal Lahir", "Status", "Golongan", "Unit", "Jabatan", "Jabatan Target", "Email"];

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
    cols: Vec<(Col, usize)>,
    units: HashMap<String, Lookup>,
    pos_by_code: HashMap<String, i64>,
    pos_by_unit_name: HashMap<(i64, String), Lookup>,
    pos_by_name: HashMap<String, Lookup>,
    existing: HashMap<u64, i64>,
    seen: HashMap<u64, u32>,
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
                    message: format!("kolom '{label}' tidak ditemukan pada baris judul (kolom wajib: NIP, Nama, Jenis Kelamin, Tanggal Lahir, Status, Unit, Jabatan)"),
                }),
                None => {}
            }
        }
        if !errs.is_empty() {
            return Err(errs);
        }
        let load = async {
            let units = unit::Entity::find().filter(unit::Column::TenantId.eq(tenant_id)).filter(unit::Column::Active.eq(true)).all(db).await?;
            let positions =
                position::Entity::find().filter(position::Column::TenantId.eq(tenant_id)).filter(position::Column::Active.eq(true)).all(db).await?;
            let existing: Vec<(String, i64)> = employee::Entity::find()
                .select_only()
                .column(employee::Column::Nip)
                .column(employee::Column::Id)
                .filter(employee::Column::TenantId.eq(tenant_id))
                .into_tuple()
                .all(db)
                .await?;
            Ok::<_, sea_orm::DbErr>((units, positions, existing))
        };
        let (units, positions, existing) = load.await.map_err(|e| vec![RowError { row: 0, column: "-".into(), message: format!("gagal membaca data: {e}") }])?;
        let mut s = EmployeeImport {
            mode,
            cols,
            units: HashMap::new(),
            pos_by_code: HashMap::new(),
            pos_by_unit_name: HashMap::new(),
            pos_by_name: HashMap::new(),
            existing: existing.into_iter().filter_map(|(n, id)| n.parse::<u64>().ok().map(|n| (n, id))).collect(),
            seen: HashMap::new(),
            summary: ImportSummary::default(),
        };
        for u in units {
            add(&mut s.units, norm(&u.code), u.id);
            add(&mut s.units, norm(&u.name), u.id);
        }
        for p in positions {
            s.pos_by_code.insert(norm(&p.code), p.id);
            s.pos_by_unit_name
                .entry((p.unit_id, norm(&p.name)))
                .and_modify(|l| *l = Lookup::Ambiguous)
                .or_insert(Lookup::One(p.id));
            add(&mut s.pos_by_name, norm(&p.name), p.id);
        }
        Ok(s)
    }

    fn cell<'a>(&self, cells: &'a [String], col: Col) -> &'a str {
        self.cols.iter().find(|(c, _)| *c == col).and_then(|(_, i)| cells.get(*i)).map(|s| s.trim()).unwrap_or("")
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

    /// Checks one data row (`row` = spreadsheet row number). Errors go to the summary.
    pub fn check_row(&mut self, row: usize, cells: &[String]) -> Option<ResolvedRow> {
        self.summary.rows += 1;
        if cells.iter().all(|c| c.trim().is_empty()) {
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
        let input = EmployeeInput {
            nip: self.cell(cells, Col::Nip).to_string(),
            nama: self.cell(cells, Col::Nama).to_string(),
            jenis_kelamin: self.cell(cells, Col::JenisKelamin).to_string(),
            tanggal_lahir: self.cell(cells, Col::TanggalLahir).to_string(),
            status: self.cell(cells, Col::Status).to_string(),
            golongan: self.cell(cells, Col::Golongan).to_string(),
            email: self.cell(cells, Col::Email).to_string(),
        };
        let parsed = input.parse();
        if let Err(errs) = &parsed {
            for e in errs {
                let label = column_label(e.field);
                self.error(row, label, e.message.clone());
            }
        }
        let unit_text = self.cell(cells, Col::Unit);
        let unit_id = match self.units.get(&norm(unit_text)) {
            Some(Lookup::One(id)) => Some(*id),
            Some(Lookup::Ambiguous) => {
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
            match self.position(unit_id, jab) {
                Ok(id) => Some(id),
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
            match self.position(None, target_text) {
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
            if existing_id.is_some() && self.mode == ImportMode::InsertOnly {
                self.error(row, "NIP", format!("NIP {} sudah terdaftar di instansi ini", v.nip.grouped()));
            }
        }
        if self.summary.error_count > before {
            return None;
        }
        let v = parsed.ok()?;
        if existing_id.is_some() {
            self.summary.updated += 1;
        } else {
            self.summary.inserted += 1;
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

/// Rows per INSERT statement: 14 columns × 2,000 stays under SQLite's 32,766 bound parameters.
pub const BATCH: usize = 2000;

/// Writes checked rows (insert, or update by NIP) inside the caller's transaction.
pub async fn write_batch(txn: &DatabaseTransaction, tenant_id: i64, rows: &[ResolvedRow]) -> Result<()> {
    if rows.is_empty() {
        return Ok(());
    }
    use employee::Column as C;
    let now = crate::now();
    let mut ins = Query::insert()
        .into_table(employee::Entity)
        .columns([
            C::TenantId, C::Id, C::Nip, C::Name, C::Gender, C::BirthDate, C::Status, C::Golongan, C::UnitId, C::PositionId,
            C::TargetPositionId, C::Email, C::Active, C::UpdatedAt,
        ])
        .to_owned();
    let mut id = ids::reserve(rows.len() as u64);
    for r in rows {
        ins.values_panic([
            tenant_id.into(),
            r.existing_id.unwrap_or(id).into(),
            r.nip.clone().into(),
            r.name.clone().into(),
            r.gender.into(),
            r.birth_date.into(),
            r.status.into(),
            r.golongan.map(str::to_string).into(),
            r.unit_id.into(),
            r.position_id.into(),
            r.target_position_id.into(),
            r.email.clone().into(),
            true.into(),
            now.into(),
        ]);
        id = ids::successor(id);
    }
    ins.on_conflict(
        OnConflict::columns([C::TenantId, C::Nip])
            .update_columns([
                C::Name, C::Gender, C::BirthDate, C::Status, C::Golongan, C::UnitId, C::PositionId, C::TargetPositionId, C::Email,
                C::Active, C::UpdatedAt,
            ])
            .to_owned(),
    );
    txn.execute(&ins).await?;
    Ok(())
}

/// Checks a whole table without writing.
pub async fn check_table(store: &Store, tenant_id: i64, mode: ImportMode, table: &Table) -> ImportSummary {
    match EmployeeImport::new(&store.db, tenant_id, mode, &table.headers).await {
        Err(errs) => ImportSummary { error_count: errs.len(), errors: errs, ..Default::default() },
        Ok(mut imp) => {
            for (i, cells) in table.rows.iter().enumerate() {
                imp.check_row(i + 2, cells);
            }
            imp.summary
        }
    }
}

/// Checks and, when every row passes, writes the table in one transaction with its job record
/// and audit row. When any row fails, nothing is written and the summary lists the errors.
pub async fn commit_table(store: &Store, ctx: &Ctx, mode: ImportMode, file_name: &str, table: &Table) -> Result<ImportSummary> {
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
    if imp.summary.error_count > 0 {
        return Ok(imp.summary);
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

/// Records the import job and its audit row (one row per import, not per employee: the job
/// row names the file and counts, and each employee's `updated_at` marks the change).
pub async fn finish_job(txn: &DatabaseTransaction, ctx: &Ctx, file_name: &str, s: &ImportSummary) -> Result<i64> {
    let id = ids::next_id();
    let now = crate::now();
    import_job::ActiveModel {
        tenant_id: Set(ctx.tenant_id),
        id: Set(id),
        kind: Set("employee".into()),
        file_name: Set(file_name.to_string()),
        row_count: Set(s.rows as i64),
        status: Set("done".into()),
        errors_json: Set("[]".into()),
        payload_json: Set(None),
        created_by: Set(ctx.user_id),
        created_at: Set(now),
        finished_at: Set(Some(now)),
        inserted: Set(s.inserted as i64),
        updated: Set(s.updated as i64),
    }
    .insert(txn)
    .await?;
    audit::record(
        txn,
        ctx,
        ctx.tenant_id,
        "import",
        "employee",
        id,
        None::<&()>,
        Some(&serde_json::json!({"file": file_name, "rows": s.rows, "inserted": s.inserted, "updated": s.updated})),
    )
    .await?;
    Ok(id)
}

/// Recent import jobs of the tenant, newest first.
pub async fn recent_jobs<C: ConnectionTrait>(db: &C, tenant_id: i64, limit: u64) -> Result<Vec<import_job::Model>> {
    use sea_orm::QueryOrder;
    Ok(import_job::Entity::find()
        .filter(import_job::Column::TenantId.eq(tenant_id))
        .filter(import_job::Column::Status.eq("done"))
        .order_by_desc(import_job::Column::CreatedAt)
        .limit(limit)
        .all(db)
        .await?)
}

/// Streams a CSV file from disk twice (check, then write) so a million rows fit in little memory.
pub async fn import_csv_file(store: &Store, ctx: &Ctx, mode: ImportMode, path: &std::path::Path) -> Result<ImportSummary> {
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
    // Pass 1: check every row; nothing is written unless all pass.
    let (headers, mut rdr) = open()?;
    let mut imp = match EmployeeImport::new(&store.db, ctx.tenant_id, mode, &headers).await {
        Ok(imp) => imp,
        Err(errs) => return Ok(ImportSummary { error_count: errs.len(), errors: errs, ..Default::default() }),
    };
    let mut rec = csv::StringRecord::new();
    let mut cells: Vec<String> = Vec::new();
    let mut row = 1;
    let read = |rdr: &mut csv::Reader<_>, rec: &mut csv::StringRecord, row: usize| -> std::result::Result<bool, RowError> {
        rdr.read_record(rec).map_err(|e| RowError { row, column: "-".into(), message: format!("CSV tidak dapat dibaca: {e}") })
    };
    loop {
        row += 1;
        match read(&mut rdr, &mut rec, row) {
            Ok(false) => break,
            Ok(true) => {
                cells.clear();
                cells.extend(rec.iter().map(str::to_string));
                imp.check_row(row, &cells);
            }
            Err(e) => {
                imp.summary.error_count += 1;
                imp.summary.errors.push(e);
                break;
            }
        }
    }
    if imp.summary.error_count > 0 {
        return Ok(imp.summary);
    }
    // Pass 2: the rows were all valid; check again (cheap, and it resolves ids) and write.
    let checked = std::mem::take(&mut imp.summary);
    imp.seen.clear();
    let (_, mut rdr) = open()?;
    let mut sink = Sink::open(store, ctx.tenant_id).await?;
    let mut batch = Vec::with_capacity(BATCH);
    let mut row = 1;
    let written = async {
        while read(&mut rdr, &mut rec, row).unwrap_or(false) {
            row += 1;
            cells.clear();
            cells.extend(rec.iter().map(str::to_string));
            if let Some(r) = imp.check_row(row, &cells) {
                batch.push(r);
                if batch.len() == BATCH {
                    sink.write(&batch).await?;
                    batch.clear();
                }
            }
        }
        sink.write(&batch).await
    }
    .await;
    if let Err(e) = written {
        let _ = sink.rollback().await;
        return Err(e);
    }
    let mut summary = checked;
    summary.job_id = Some(sink.commit(ctx, &file_name, &summary).await?);
    summary.written = true;
    Ok(summary)
}

/// Status of an employee row as typed, for the template and docs.
pub fn status_hint() -> String {
    EmployeeStatus::ALL.iter().map(|s| s.label()).collect::<Vec<_>>().join(" / ")
}

/// Keeps a checked table between preview and commit (status `preview`).
pub async fn save_preview(store: &Store, ctx: &Ctx, file_name: &str, mode: ImportMode, table: &Table, s: &ImportSummary) -> Result<i64> {
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
pub async fn commit_preview(store: &Store, ctx: &Ctx, job_id: i64) -> Result<ImportSummary> {
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
