//! Imports of assessment results (e.g. from an assessment centre or a uji kompetensi) and SKP
//! ratings from CSV/XLSX. All-or-nothing: every row is checked first; one bad row means nothing
//! is written and every problem is reported by row and column.

use std::collections::HashMap;

use cakap_domain::akpk::SkpRating;
use cakap_domain::competency::{Level, Method};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect};

use super::assessments::AssessmentInput;
use super::performance::SkpInput;
use crate::Store;
use crate::audit::{self, Ctx};
use crate::entity::employee;
use crate::error::Result;
use crate::import::table::{ColumnSpec, RowError, Table, map_columns, norm_header};

pub const ASSESSMENT_HEADERS: [&str; 7] = ["NIP", "Kode Kompetensi", "Level", "Metode", "Tanggal", "Penilai", "Catatan Bukti"];
const ASSESSMENT_COLUMNS: [ColumnSpec; 7] = [
    ("NIP", &["nip", "nippppk"], true),
    ("Kode Kompetensi", &["kodekompetensi", "kompetensi", "kode"], true),
    ("Level", &["level", "levelkompetensi", "nilai"], true),
    ("Metode", &["metode", "sumber", "jenispenilaian"], true),
    ("Tanggal", &["tanggal", "tanggalpenilaian", "tglpenilaian"], true),
    ("Penilai", &["penilai", "asesor", "assessor"], false),
    ("Catatan Bukti", &["catatanbukti", "bukti", "catatan", "keterangan"], false),
];

pub const SKP_HEADERS: [&str; 4] = ["NIP", "Tahun", "Predikat", "Nilai"];
const SKP_COLUMNS: [ColumnSpec; 4] = [
    ("NIP", &["nip", "nippppk"], true),
    ("Tahun", &["tahun", "tahunskp", "periode"], true),
    ("Predikat", &["predikat", "predikatkinerja", "rating", "hasilskp"], true),
    ("Nilai", &["nilai", "nilaiskp", "skor"], false),
];

/// Method as people write it in spreadsheets.
fn parse_method(s: &str) -> Option<Method> {
    // A calibration is the planner's act on the calibration page, never imported.
    Method::parse_loose(s).filter(|m| *m != Method::Calibration).or_else(|| match norm_header(s).as_str() {
        "diri" | "mandiri" | "selfassessment" | "penilaiandiri" => Some(Method::SelfAssessment),
        "atasan" | "atasanlangsung" => Some(Method::Supervisor),
        "rekan" | "rekankerja" | "sejawat" => Some(Method::Peer),
        "ac" | "asesor" | "assessmentcenter" | "assessmentcentre" => Some(Method::Assessor),
        "uk" | "ujikompetensi" => Some(Method::UjiKompetensi),
        _ => None,
    })
}

fn cell(row: &[String], col: Option<usize>) -> &str {
    col.and_then(|c| row.get(c)).map(|s| s.trim()).unwrap_or("")
}

async fn employees_by_nip<C: ConnectionTrait>(db: &C, tenant_id: i64) -> Result<HashMap<String, i64>> {
    let rows: Vec<(String, i64)> = employee::Entity::find()
        .select_only()
        .columns([employee::Column::Nip, employee::Column::Id])
        .filter(employee::Column::TenantId.eq(tenant_id))
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows.into_iter().collect())
}

/// Result of an import: rows written, or every problem found (nothing written).
pub type Outcome = std::result::Result<usize, Vec<RowError>>;

fn err(row: usize, column: &str, message: impl Into<String>) -> RowError {
    RowError { row, column: column.into(), message: message.into() }
}

pub(crate) async fn import_assessments(store: &Store, ctx: &Ctx, table: &Table) -> Result<Outcome> {
    let cols = match map_columns(&table.headers, &ASSESSMENT_COLUMNS) {
        Ok(c) => c,
        Err(e) => return Ok(Err(e)),
    };
    let txn = store.write().await?;
    let nips = employees_by_nip(&txn, ctx.tenant_id).await?;
    let comps: Vec<cakap_domain::competency::Competency> = crate::competency::list(&txn, ctx.tenant_id).await?.into_iter().filter(|c| c.active).collect();
    let find_comp = |s: &str| comps.iter().find(|c| c.code.eq_ignore_ascii_case(s) || c.name.eq_ignore_ascii_case(s));
    let today = crate::now().date();
    let mut errs = vec![];
    let mut ok = vec![];
    for (i, row) in table.rows.iter().enumerate() {
        let r = i + 2;
        let before = errs.len();
        let nip: String = cell(row, cols[0]).chars().filter(|c| !c.is_whitespace()).collect();
        let emp = nips.get(&nip).copied();
        if emp.is_none() {
            errs.push(err(r, "NIP", format!("NIP '{nip}' tidak terdaftar di instansi ini")));
        }
        let comp = find_comp(cell(row, cols[1]));
        if comp.is_none() {
            errs.push(err(r, "Kode Kompetensi", format!("kompetensi '{}' tidak ada di kamus kompetensi", cell(row, cols[1]))));
        }
        let level = Level::parse(cell(row, cols[2])).map_err(|m| errs.push(err(r, "Level", m))).ok();
        let method = parse_method(cell(row, cols[3]));
        if method.is_none() {
            errs.push(err(
                r,
                "Metode",
                format!(
                    "metode '{}' tidak dikenal; gunakan Penilaian Diri, Atasan Langsung, Rekan Kerja, Assessment Center atau Uji Kompetensi",
                    cell(row, cols[3])
                ),
            ));
        }
        let date = cakap_domain::format::parse_date(cell(row, cols[4]));
        if date.is_none() {
            errs.push(err(r, "Tanggal", format!("tanggal '{}' tidak dapat dibaca; gunakan format 31-12-2026 atau 2026-12-31", cell(row, cols[4]))));
        }
        if errs.len() > before {
            continue;
        }
        let (Some(emp), Some(comp), Some(level), Some(method), Some(date)) = (emp, comp, level, method, date) else { continue };
        let input = AssessmentInput {
            competency_id: comp.id,
            level: level.get(),
            method,
            assessed_on: date,
            evidence: cell(row, cols[6]).to_string(),
            rater_name: cell(row, cols[5]).to_string(),
        };
        if let Err(fe) = input.check(today) {
            errs.extend(fe.into_iter().map(|f| err(r, if f.field == "assessed_on" { "Tanggal" } else { "Catatan Bukti" }, f.message)));
            continue;
        }
        ok.push(super::assessments::model(ctx.tenant_id, emp, comp, &input, None));
    }
    finish(txn, ctx, cakap_domain::audit::AuditEntity::Assessment, table, errs, ok, crate::entity::assessment::Entity::insert_many).await
}

/// The end of an all-or-nothing import: with any error (or no rows) nothing is written;
/// otherwise the rows go in by 500, with one audit row, in the transaction that checked them.
async fn finish<A>(
    txn: sea_orm::DatabaseTransaction,
    ctx: &Ctx,
    entity: cakap_domain::audit::AuditEntity,
    table: &Table,
    mut errs: Vec<RowError>,
    ok: Vec<A>,
    insert: fn(Vec<A>) -> sea_orm::InsertMany<A>,
) -> Result<Outcome>
where
    A: sea_orm::ActiveModelTrait + Clone + Send,
{
    if table.rows.is_empty() {
        errs.push(err(2, "-", "berkas tidak berisi baris data"));
    }
    if !errs.is_empty() {
        txn.rollback().await?;
        return Ok(Err(errs));
    }
    let n = ok.len();
    for chunk in ok.chunks(500) {
        insert(chunk.to_vec()).exec(&txn).await?;
    }
    audit::record(&txn, ctx, ctx.tenant_id, ("import", entity, ctx.tenant_id), None::<&()>, Some(&serde_json::json!({ "rows": n }))).await?;
    txn.commit().await?;
    Ok(Ok(n))
}

pub(crate) async fn import_skp(store: &Store, ctx: &Ctx, table: &Table) -> Result<Outcome> {
    let cols = match map_columns(&table.headers, &SKP_COLUMNS) {
        Ok(c) => c,
        Err(e) => return Ok(Err(e)),
    };
    let txn = store.write().await?;
    let nips = employees_by_nip(&txn, ctx.tenant_id).await?;
    let this_year = crate::now().year();
    let mut errs = vec![];
    let mut ok = vec![];
    let mut seen: HashMap<(i64, i32), usize> = HashMap::new();
    for (i, row) in table.rows.iter().enumerate() {
        let r = i + 2;
        let nip: String = cell(row, cols[0]).chars().filter(|c| !c.is_whitespace()).collect();
        let emp = nips.get(&nip).copied();
        if emp.is_none() {
            errs.push(err(r, "NIP", format!("NIP '{nip}' tidak terdaftar di instansi ini")));
        }
        let year = cell(row, cols[1]).parse::<i32>().ok();
        if year.is_none() {
            errs.push(err(r, "Tahun", format!("tahun '{}' harus berupa angka, misalnya {this_year}", cell(row, cols[1]))));
        }
        let rating = SkpRating::parse_loose(cell(row, cols[2]));
        if rating.is_none() {
            errs.push(err(
                r,
                "Predikat",
                format!("predikat '{}' tidak dikenal; gunakan Sangat Baik, Baik, Butuh Perbaikan, Kurang atau Sangat Kurang", cell(row, cols[2])),
            ));
        }
        let score_text = cell(row, cols[3]);
        let score = if score_text.is_empty() { Some(None) } else { cakap_domain::format::parse_decimal(score_text).map(Some) };
        if score.is_none() {
            errs.push(err(r, "Nilai", format!("nilai '{score_text}' harus berupa angka")));
        }
        let (Some(emp), Some(year), Some(rating), Some(score)) = (emp, year, rating, score) else { continue };
        let input = SkpInput { year, rating, score };
        if let Err(fe) = input.check(this_year) {
            errs.extend(fe.into_iter().map(|f| err(r, if f.field == "year" { "Tahun" } else { "Nilai" }, f.message)));
            continue;
        }
        if let Some(first) = seen.insert((emp, year), r) {
            errs.push(err(r, "NIP", format!("NIP {nip} tahun {year} sudah ada di baris {first}")));
            continue;
        }
        ok.push(super::performance::model(ctx.tenant_id, emp, &input));
    }
    finish(txn, ctx, cakap_domain::audit::AuditEntity::PerformanceRating, table, errs, ok, super::performance::upsert).await
}
