//! Learning records outside Cakap's classes: external learning submitted by the employee with
//! evidence and approved (or turned down) by the atasan, and riwayat diklat/kursus imported in
//! SIASN's fields, all or nothing. An approved record's JP enter the ledger in the same
//! transaction; the export gives back every completion of a year in the same fields.

use std::collections::{HashMap, HashSet};

use cakap_domain::audit::AuditEntity;
use cakap_domain::learning::jp::{JpSource, year_of};
use cakap_domain::learning::notice::NoticeKind;
use cakap_domain::learning::record::{self as rules, RecordInput, RecordStatus};
use cakap_domain::plan::catalogue::Jalur;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set};
use serde::Serialize;

use crate::Store;
use crate::audit::{self, Ctx};
use crate::entity::{employee, jp_entry, learning_record};
use crate::error::{Result, StoreError, code};
use crate::ids::next_id;
use crate::import::table::{ColumnSpec, RowError, Table, map_columns};

/// A record as lists show it (the evidence's bytes stay in the database).
#[derive(Debug, Clone, Serialize)]
pub struct Record {
    pub id: i64,
    pub employee_id: i64,
    pub source: JpSource,
    pub status: RecordStatus,
    pub input: RecordInput,
    pub evidence_name: String,
    pub reason: String,
    pub created_at: time::OffsetDateTime,
}

fn typed(m: learning_record::Model) -> Result<Record> {
    Ok(Record {
        source: code(JpSource::from_code(&m.source), "sumber", &m.source)?,
        status: code(RecordStatus::from_code(&m.status), "status", &m.status)?,
        input: RecordInput {
            jalur: code(Jalur::from_code(&m.jalur), "jalur", &m.jalur)?,
            title: m.title,
            kind_text: m.kind_text,
            organiser: m.organiser,
            certificate_no: m.certificate_no,
            started_on: m.started_on,
            ended_on: m.ended_on,
            jp: m.jp.max(0) as u32,
        },
        id: m.id,
        employee_id: m.employee_id,
        evidence_name: m.evidence_name,
        reason: m.reason,
        created_at: m.created_at,
    })
}

/// The columns every list reads (not the evidence).
fn listed(tenant_id: i64) -> sea_orm::Select<learning_record::Entity> {
    learning_record::Entity::find()
        .select_only()
        .columns([
            learning_record::Column::TenantId,
            learning_record::Column::Id,
            learning_record::Column::EmployeeId,
            learning_record::Column::Source,
            learning_record::Column::Status,
            learning_record::Column::Title,
            learning_record::Column::Jalur,
            learning_record::Column::KindText,
            learning_record::Column::Organiser,
            learning_record::Column::CertificateNo,
            learning_record::Column::StartedOn,
            learning_record::Column::EndedOn,
            learning_record::Column::Jp,
            learning_record::Column::EvidenceName,
            learning_record::Column::EvidenceKind,
            learning_record::Column::DecidedBy,
            learning_record::Column::DecidedAt,
            learning_record::Column::Reason,
            learning_record::Column::CreatedBy,
            learning_record::Column::CreatedAt,
        ])
        .column_as(sea_orm::sea_query::Expr::cust("CAST(NULL AS BYTEA)"), "evidence")
        .filter(learning_record::Column::TenantId.eq(tenant_id))
}

/// Records one's external learning with its evidence (a PDF or a photo of the certificate); the
/// atasan is told. Its id.
pub(crate) async fn submit(store: &Store, ctx: &Ctx, employee_id: i64, input: &RecordInput, today: time::Date, evidence: (&str, Vec<u8>)) -> Result<i64> {
    let mut errs = input.check(today);
    let kind = match cakap_domain::document::check(&evidence.1) {
        Ok(k) => Some(k),
        Err(m) => {
            errs.push(cakap_domain::FieldError::new("evidence", format!("bukti: {m}")));
            None
        }
    };
    let Some(kind) = kind.filter(|_| errs.is_empty()) else { return Err(StoreError::Invalid(errs)) };
    let txn = store.write().await?;
    let person = employee::Entity::find_by_id((ctx.tenant_id, employee_id)).one(&txn).await?.ok_or(StoreError::NotFound)?;
    let id = next_id();
    insert(
        &txn,
        ctx,
        id,
        employee_id,
        JpSource::External,
        RecordStatus::Submitted,
        input,
        Some((cakap_domain::document::clean_file_name(evidence.0, kind), kind, evidence.1)),
    )
    .await?;
    audit::record(&txn, ctx, ctx.tenant_id, ("submit", AuditEntity::LearningRecord, id), None::<&()>, Some(input)).await?;
    let to = super::notify::supervisors_of(&txn, ctx.tenant_id, employee_id).await?;
    let body = format!("{} mencatat pembelajaran \"{}\" ({} JP) dan menunggu persetujuan Anda.", person.name, input.title.trim(), input.jp);
    super::notify::users(&txn, ctx.tenant_id, &to, NoticeKind::AwaitingApproval, &body, "/kelas/persetujuan").await?;
    txn.commit().await?;
    Ok(id)
}

#[allow(clippy::too_many_arguments)]
async fn insert<C: ConnectionTrait>(
    db: &C,
    ctx: &Ctx,
    id: i64,
    employee_id: i64,
    source: JpSource,
    status: RecordStatus,
    input: &RecordInput,
    evidence: Option<(String, cakap_domain::document::DocumentKind, Vec<u8>)>,
) -> Result<()> {
    let now = crate::now();
    let (evidence_name, evidence_kind, evidence) = match evidence {
        Some((n, k, b)) => (n, k.code().to_string(), Some(b)),
        None => (String::new(), String::new(), None),
    };
    learning_record::ActiveModel {
        tenant_id: Set(ctx.tenant_id),
        id: Set(id),
        employee_id: Set(employee_id),
        source: Set(source.code().into()),
        status: Set(status.code().into()),
        title: Set(input.title.trim().into()),
        jalur: Set(input.jalur.code().into()),
        kind_text: Set(input.kind_text.trim().into()),
        organiser: Set(input.organiser.trim().into()),
        certificate_no: Set(input.certificate_no.trim().into()),
        started_on: Set(input.started_on),
        ended_on: Set(input.ended_on),
        jp: Set(i32::try_from(input.jp).unwrap_or(i32::MAX)),
        evidence_name: Set(evidence_name),
        evidence_kind: Set(evidence_kind),
        evidence: Set(evidence),
        decided_by: Set((status == RecordStatus::Approved).then_some(ctx.user_id).flatten()),
        decided_at: Set((status == RecordStatus::Approved).then_some(now)),
        reason: Set(String::new()),
        created_by: Set(ctx.user_id),
        created_at: Set(now),
    }
    .insert(db)
    .await?;
    if status == RecordStatus::Approved {
        ledger_entry(db, ctx.tenant_id, id, employee_id, source, input).await?;
    }
    Ok(())
}

async fn ledger_entry<C: ConnectionTrait>(db: &C, tenant_id: i64, id: i64, employee_id: i64, source: JpSource, input: &RecordInput) -> Result<()> {
    jp_entry::ActiveModel {
        tenant_id: Set(tenant_id),
        id: Set(next_id()),
        employee_id: Set(employee_id),
        year: Set(year_of(input.ended_on)),
        jp: Set(i32::try_from(input.jp).unwrap_or(i32::MAX)),
        source: Set(source.code().into()),
        source_id: Set(Some(id)),
        title: Set(input.title.trim().into()),
        recorded_at: Set(crate::now()),
    }
    .insert(db)
    .await?;
    Ok(())
}

/// The record's employee (for the handles' checks of whose it is).
pub(crate) async fn employee_of<C: ConnectionTrait>(db: &C, tenant_id: i64, id: i64) -> Result<i64> {
    Ok(listed(tenant_id).filter(learning_record::Column::Id.eq(id)).one(db).await?.ok_or(StoreError::NotFound)?.employee_id)
}

/// The atasan's decision on submitted external learning: approved (its JP enter the ledger) or
/// turned down with a reason; the employee is told.
pub(crate) async fn decide(store: &Store, ctx: &Ctx, id: i64, approve: bool, reason: &str) -> Result<()> {
    let txn = store.write().await?;
    let before = learning_record::Entity::find_by_id((ctx.tenant_id, id)).one(&txn).await?.ok_or(StoreError::NotFound)?;
    if !approve && let Some(e) = cakap_domain::text::reason("reason", reason, 1_000, "tuliskan alasan penolakan") {
        return Err(StoreError::Invalid(vec![e]));
    }
    if before.status != RecordStatus::Submitted.code() {
        return Err(StoreError::Conflict("status", "pembelajaran ini sudah diputuskan".into()));
    }
    let rec = typed(before.clone())?;
    let mut am: learning_record::ActiveModel = before.clone().into();
    am.status = Set(if approve { RecordStatus::Approved } else { RecordStatus::Rejected }.code().into());
    am.decided_by = Set(ctx.user_id);
    am.decided_at = Set(Some(crate::now()));
    am.reason = Set(reason.trim().into());
    am.update(&txn).await?;
    if approve {
        ledger_entry(&txn, ctx.tenant_id, id, rec.employee_id, JpSource::External, &rec.input).await?;
    }
    audit::record(&txn, ctx, ctx.tenant_id, (if approve { "approve" } else { "reject" }, AuditEntity::LearningRecord, id), Some(&before.status), Some(&reason))
        .await?;
    let body = if approve {
        format!("Pembelajaran \"{}\" disetujui; {} JP tercatat.", rec.input.title, rec.input.jp)
    } else {
        format!("Pembelajaran \"{}\" tidak disetujui: {}", rec.input.title, reason.trim())
    };
    let to = super::notify::accounts_of(&txn, ctx.tenant_id, rec.employee_id).await?;
    super::notify::users(&txn, ctx.tenant_id, &to, NoticeKind::Enrolled, &body, "/kelas-saya").await?;
    txn.commit().await?;
    Ok(())
}

/// An employee's records, newest first.
pub(crate) async fn of_employee<C: ConnectionTrait>(db: &C, tenant_id: i64, employee_id: i64) -> Result<Vec<Record>> {
    listed(tenant_id)
        .filter(learning_record::Column::EmployeeId.eq(employee_id))
        .order_by_desc(learning_record::Column::EndedOn)
        .limit(1_000)
        .all(db)
        .await?
        .into_iter()
        .map(typed)
        .collect()
}

/// Submitted records of the tenant, oldest first (the handles filter by reach).
pub(crate) async fn submitted<C: ConnectionTrait>(db: &C, tenant_id: i64) -> Result<Vec<Record>> {
    listed(tenant_id)
        .filter(learning_record::Column::Status.eq(RecordStatus::Submitted.code()))
        .order_by_asc(learning_record::Column::CreatedAt)
        .limit(1_000)
        .all(db)
        .await?
        .into_iter()
        .map(typed)
        .collect()
}

/// A record's evidence: (file name, kind, bytes).
pub(crate) async fn evidence<C: ConnectionTrait>(db: &C, tenant_id: i64, id: i64) -> Result<(String, cakap_domain::document::DocumentKind, Vec<u8>)> {
    let m = learning_record::Entity::find_by_id((tenant_id, id)).one(db).await?.ok_or(StoreError::NotFound)?;
    let kind = cakap_domain::document::DocumentKind::from_code(&m.evidence_kind).ok_or(StoreError::NotFound)?;
    Ok((m.evidence_name, kind, m.evidence.ok_or(StoreError::NotFound)?))
}

const RIWAYAT_COLUMNS: [ColumnSpec; 9] = [
    ("nipBaru", &["nipbaru", "nip"], true),
    ("namaKursus", &["namakursus", "namadiklat", "nama"], true),
    ("jenisKursus", &["jeniskursus", "jenisdiklat", "jenis"], false),
    ("institusiPenyelenggara", &["institusipenyelenggara", "penyelenggara"], true),
    ("jumlahJam", &["jumlahjam", "jp", "jam"], true),
    ("nomorSertipikat", &["nomorsertipikat", "nomorsertifikat", "nosertifikat"], false),
    ("tahunKursus", &["tahunkursus", "tahun"], false),
    ("tanggalKursus", &["tanggalkursus", "tanggalmulai"], true),
    ("tanggalSelesaiKursus", &["tanggalselesaikursus", "tanggalselesai"], true),
];

/// Most rows one riwayat file may have.
pub const MAX_IMPORT_ROWS: usize = 50_000;

/// Imports riwayat diklat/kursus in SIASN's fields: every row checked first (NIP of this
/// instansi, dates, JP, lengths, not already recorded); one bad row and nothing is written.
pub(crate) async fn import(store: &Store, ctx: &Ctx, table: &Table, today: time::Date) -> Result<std::result::Result<usize, Vec<RowError>>> {
    let cols = match map_columns(&table.headers, &RIWAYAT_COLUMNS) {
        Ok(c) => c,
        Err(e) => return Ok(Err(e)),
    };
    let err = |row: usize, column: &str, message: String| RowError { row, column: column.into(), message };
    if table.rows.len() > MAX_IMPORT_ROWS {
        return Ok(Err(vec![err(1, "", format!("berkas berisi {} baris; paling banyak {MAX_IMPORT_ROWS} per impor", table.rows.len()))]));
    }
    let txn = store.write().await?;
    let nips: HashMap<String, i64> = employee::Entity::find()
        .select_only()
        .columns([employee::Column::Nip, employee::Column::Id])
        .filter(employee::Column::TenantId.eq(ctx.tenant_id))
        .into_tuple()
        .all(&txn)
        .await?
        .into_iter()
        .collect();
    // What is recorded already (employee, title, end date): a second import of the same file
    // is refused row by row instead of counting the JP twice.
    let mut known: HashSet<(i64, String, time::Date)> = learning_record::Entity::find()
        .select_only()
        .columns([learning_record::Column::EmployeeId, learning_record::Column::Title, learning_record::Column::EndedOn])
        .filter(learning_record::Column::TenantId.eq(ctx.tenant_id))
        .into_tuple::<(i64, String, time::Date)>()
        .all(&txn)
        .await?
        .into_iter()
        .map(|(e, t, d)| (e, t.to_lowercase(), d))
        .collect();
    let cell = |row: &[String], i: usize| cols[i].and_then(|c| row.get(c)).map(|s| s.trim().to_string()).unwrap_or_default();
    let mut errs = vec![];
    let mut ok = vec![];
    for (i, row) in table.rows.iter().enumerate() {
        let r = i + 2;
        let before = errs.len();
        let nip: String = cell(row, 0).chars().filter(|c| !c.is_whitespace()).collect();
        let emp = nips.get(&nip).copied();
        if emp.is_none() {
            errs.push(err(r, "nipBaru", format!("NIP '{}' tidak terdaftar di instansi ini", nip.chars().take(30).collect::<String>())));
        }
        let date = |i: usize, name: &str, errs: &mut Vec<RowError>| {
            let v = cell(row, i);
            cakap_domain::format::parse_date(&v).or_else(|| {
                errs.push(err(r, name, format!("tanggal '{}' tidak dapat dibaca; gunakan format 31-12-2026", v.chars().take(30).collect::<String>())));
                None
            })
        };
        let started_on = date(7, "tanggalKursus", &mut errs);
        let ended_on = date(8, "tanggalSelesaiKursus", &mut errs);
        let jp = cell(row, 4).replace(',', ".").parse::<f64>().ok().filter(|x| x.fract() == 0.0 && *x >= 0.0 && *x <= f64::from(u32::MAX)).map(|x| x as u32);
        if jp.is_none() {
            errs.push(err(r, "jumlahJam", format!("jumlah jam '{}' harus bilangan bulat (JP)", cell(row, 4).chars().take(30).collect::<String>())));
        }
        let year = cell(row, 6);
        if let (false, Some(e)) = (year.is_empty(), ended_on)
            && year.parse::<i32>().ok() != Some(e.year())
        {
            errs.push(err(
                r,
                "tahunKursus",
                format!("tahun '{}' tidak sama dengan tahun tanggal selesai ({})", year.chars().take(10).collect::<String>(), e.year()),
            ));
        }
        let (Some(emp), Some(started_on), Some(ended_on), Some(jp), true) = (emp, started_on, ended_on, jp, errs.len() == before) else { continue };
        let kind_text = cell(row, 2);
        let input = RecordInput {
            title: cell(row, 1),
            jalur: rules::jalur_of(&kind_text).unwrap_or(Jalur::Kl12),
            kind_text,
            organiser: cell(row, 3),
            certificate_no: cell(row, 5),
            started_on,
            ended_on,
            jp,
        };
        let problems = input.check(today);
        if !problems.is_empty() {
            let column = |f: &str| match f {
                "title" => "namaKursus",
                "organiser" => "institusiPenyelenggara",
                "certificate_no" => "nomorSertipikat",
                "kind_text" => "jenisKursus",
                "jp" => "jumlahJam",
                _ => "tanggalSelesaiKursus",
            };
            errs.extend(problems.into_iter().map(|p| err(r, column(p.field), p.message)));
            continue;
        }
        if !known.insert((emp, input.title.trim().to_lowercase(), input.ended_on)) {
            errs.push(err(
                r,
                "namaKursus",
                format!("\"{}\" yang selesai {} sudah tercatat untuk pegawai ini", input.title.trim(), cakap_domain::format::date_short(input.ended_on)),
            ));
            continue;
        }
        ok.push((emp, input));
    }
    if !errs.is_empty() {
        return Ok(Err(errs));
    }
    for (emp, input) in &ok {
        insert(&txn, ctx, next_id(), *emp, JpSource::Riwayat, RecordStatus::Approved, input, None).await?;
    }
    audit::record(&txn, ctx, ctx.tenant_id, ("import", AuditEntity::LearningRecord, 0), None::<&()>, Some(&ok.len())).await?;
    txn.commit().await?;
    Ok(Ok(ok.len()))
}

/// One line of the SIASN export, in `domain::learning::record::SIASN_FIELDS` order.
pub type ExportRow = [String; 9];

/// Every piece of learning that ended in `year` for the employees in `ids` (the reader's
/// reach), in SIASN's fields: completions of Cakap's classes (with their certificate numbers)
/// and approved records. Dates as SIASN writes them (dd-mm-yyyy); `jumlahJam` in JP.
pub(crate) async fn export<C: ConnectionTrait>(db: &C, tenant_id: i64, year: i32, nip_of: &HashMap<i64, String>) -> Result<Vec<ExportRow>> {
    use crate::entity::{certificate, enrollment, offering, program};
    let d = cakap_domain::format::date_short;
    let (Ok(from), Ok(to)) = (time::Date::from_calendar_date(year, time::Month::January, 1), time::Date::from_calendar_date(year, time::Month::December, 31))
    else {
        return Ok(vec![]);
    };
    let mut out: Vec<ExportRow> = vec![];
    let classes = offering::Entity::find().filter(offering::Column::TenantId.eq(tenant_id)).filter(offering::Column::EndsOn.between(from, to)).all(db).await?;
    let programs: HashMap<i64, program::Model> =
        program::Entity::find().filter(program::Column::TenantId.eq(tenant_id)).all(db).await?.into_iter().map(|p| (p.id, p)).collect();
    let cat = crate::plan::catalogue::load(db, tenant_id).await?;
    for o in &classes {
        let Some(p) = programs.get(&o.program_id) else { continue };
        let organiser = cat.programs.iter().find(|x| x.id == p.id).map(|x| cat.organiser(x)).unwrap_or_default();
        let done = enrollment::Entity::find()
            .filter(enrollment::Column::TenantId.eq(tenant_id))
            .filter(enrollment::Column::OfferingId.eq(o.id))
            .filter(enrollment::Column::Status.eq(cakap_domain::learning::enrollment::EnrollmentStatus::Completed.code()))
            .all(db)
            .await?;
        let certs: HashMap<i64, String> = certificate::Entity::find()
            .filter(certificate::Column::TenantId.eq(tenant_id))
            .filter(certificate::Column::EnrollmentId.is_in(done.iter().map(|e| e.id).collect::<Vec<_>>()))
            .filter(certificate::Column::RevokedAt.is_null())
            .all(db)
            .await?
            .into_iter()
            .map(|c| (c.enrollment_id, c.number))
            .collect();
        for e in &done {
            let Some(nip) = nip_of.get(&e.employee_id) else { continue };
            let jalur = Jalur::from_code(&p.jalur).map(|j| j.label().to_string()).unwrap_or_default();
            out.push([
                nip.clone(),
                p.name.clone(),
                jalur,
                organiser.clone(),
                p.jp.to_string(),
                certs.get(&e.id).cloned().unwrap_or_default(),
                o.ends_on.year().to_string(),
                d(o.starts_on),
                d(o.ends_on),
            ]);
        }
    }
    let records = listed(tenant_id)
        .filter(learning_record::Column::Status.eq(RecordStatus::Approved.code()))
        .filter(learning_record::Column::EndedOn.between(from, to))
        .all(db)
        .await?;
    for r in records.into_iter().map(typed) {
        let r = r?;
        let Some(nip) = nip_of.get(&r.employee_id) else { continue };
        let i = &r.input;
        let kind = if i.kind_text.is_empty() { i.jalur.label().to_string() } else { i.kind_text.clone() };
        out.push([
            nip.clone(),
            i.title.clone(),
            kind,
            i.organiser.clone(),
            i.jp.to_string(),
            i.certificate_no.clone(),
            i.ended_on.year().to_string(),
            d(i.started_on),
            d(i.ended_on),
        ]);
    }
    out.sort_by(|a, b| a[0].cmp(&b[0]).then_with(|| a[6].cmp(&b[6])).then_with(|| a[1].cmp(&b[1])));
    Ok(out)
}
