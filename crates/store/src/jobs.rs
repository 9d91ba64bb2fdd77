//! Background jobs: work a user starts from a page that takes longer than a page should wait
//! (generating a plan over a big tenant's needs). The job row carries progress and stage for the
//! page that shows it, then the result's id or the error. The work runs in the server process;
//! a job still running when the server starts again was cut off, and says so.

use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};

use cakap_domain::job::{JobKind, JobStatus};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, Set};
use serde::Serialize;

use crate::Store;
use crate::audit::Ctx;
use crate::entity::job;
use crate::error::{Result, StoreError, code};
use crate::ids::next_id;

/// How often a running job writes its progress (only when it changed).
const TICK: std::time::Duration = std::time::Duration::from_millis(250);

/// Longest error text a job keeps.
const ERROR_MAX: usize = 2_000;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Job {
    pub id: i64,
    pub kind: JobKind,
    pub status: JobStatus,
    /// 0–100.
    pub progress: u8,
    pub stage: String,
    pub result_id: Option<i64>,
    pub error: String,
    pub created_by: Option<i64>,
    pub created_at: time::OffsetDateTime,
    pub updated_at: time::OffsetDateTime,
}

fn of_model(m: job::Model) -> Result<Job> {
    Ok(Job {
        id: m.id,
        kind: code(JobKind::from_code(&m.kind), "jenis tugas", &m.kind)?,
        status: code(JobStatus::from_code(&m.status), "status tugas", &m.status)?,
        progress: m.progress.clamp(0, 100) as u8,
        stage: m.stage,
        result_id: m.result_id,
        error: m.error,
        created_by: m.created_by,
        created_at: m.created_at,
        updated_at: m.updated_at,
    })
}

pub(crate) async fn get<C: ConnectionTrait>(db: &C, tenant_id: i64, id: i64) -> Result<Job> {
    of_model(job::Entity::find_by_id((tenant_id, id)).one(db).await?.ok_or(StoreError::NotFound)?)
}

/// Most jobs of one tenant running at once: each is a solver on a core, so a user who clicks
/// again (or a script) cannot queue up work without end.
pub const MAX_RUNNING_PER_TENANT: u64 = 1;

pub(crate) async fn insert(store: &Store, ctx: &Ctx, kind: JobKind, stage: &str) -> Result<i64> {
    let txn = store.write().await?;
    let running =
        job::Entity::find().filter(job::Column::TenantId.eq(ctx.tenant_id)).filter(job::Column::Status.eq(JobStatus::Running.code())).count(&txn).await?;
    if running >= MAX_RUNNING_PER_TENANT {
        return Err(StoreError::Conflict("job", "penyusunan rencana lain di instansi ini sedang berjalan; tunggu sampai selesai lalu coba lagi".into()));
    }
    let id = next_id();
    let now = crate::now();
    job::ActiveModel {
        tenant_id: Set(ctx.tenant_id),
        id: Set(id),
        kind: Set(kind.code().into()),
        status: Set(JobStatus::Running.code().into()),
        progress: Set(0),
        stage: Set(stage.into()),
        result_id: Set(None),
        error: Set(String::new()),
        created_by: Set(ctx.user_id),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(&txn)
    .await?;
    txn.commit().await?;
    Ok(id)
}

/// Writes a running job's progress; a job that is no longer running is left as it is.
pub(crate) async fn set_progress(store: &Store, tenant_id: i64, id: i64, progress: u8, stage: &str) -> Result<()> {
    let txn = store.write().await?;
    job::Entity::update_many()
        .col_expr(job::Column::Progress, sea_orm::sea_query::Expr::value(i32::from(progress)))
        .col_expr(job::Column::Stage, sea_orm::sea_query::Expr::value(stage))
        .col_expr(job::Column::UpdatedAt, sea_orm::sea_query::Expr::value(crate::now()))
        .filter(job::Column::TenantId.eq(tenant_id))
        .filter(job::Column::Id.eq(id))
        .filter(job::Column::Status.eq(JobStatus::Running.code()))
        .exec(&txn)
        .await?;
    txn.commit().await?;
    Ok(())
}

async fn finish(store: &Store, tenant_id: i64, id: i64, outcome: &Result<i64>) -> Result<()> {
    let (status, result, error) = match outcome {
        Ok(r) => (JobStatus::Done, Some(*r), String::new()),
        Err(e) => (JobStatus::Failed, None, describe(e)),
    };
    let txn = store.write().await?;
    job::Entity::update_many()
        .col_expr(job::Column::Status, sea_orm::sea_query::Expr::value(status.code()))
        .col_expr(job::Column::Progress, sea_orm::sea_query::Expr::value(if status == JobStatus::Done { 100 } else { 0 }))
        .col_expr(job::Column::ResultId, sea_orm::sea_query::Expr::value(result))
        .col_expr(job::Column::Error, sea_orm::sea_query::Expr::value(error))
        .col_expr(job::Column::UpdatedAt, sea_orm::sea_query::Expr::value(crate::now()))
        .filter(job::Column::TenantId.eq(tenant_id))
        .filter(job::Column::Id.eq(id))
        .exec(&txn)
        .await?;
    txn.commit().await?;
    Ok(())
}

/// What the job page says went wrong: field errors as their messages, conflicts as their
/// reason, anything else without internals (the server log has those).
fn describe(e: &StoreError) -> String {
    let text = match e {
        StoreError::Invalid(errs) => errs.iter().map(|e| e.message.clone()).collect::<Vec<_>>().join("; "),
        StoreError::Conflict(_, msg) => msg.clone(),
        StoreError::NotFound => "data yang diperlukan tidak ditemukan (mungkin baru saja dihapus)".into(),
        _ => "terjadi kesalahan pada server; coba lagi atau hubungi admin".into(),
    };
    text.chars().take(ERROR_MAX).collect()
}

/// Starts `work` as a job of the scope's tenant and returns the job's id at once. `work` counts
/// its steps done in the counter it is given; every [`TICK`] the job row shows them as a
/// percentage of `steps` with the stage `stage_of(done)` names.
pub(crate) async fn spawn<F, Fut>(store: &Store, ctx: &Ctx, kind: JobKind, steps: u32, stage_of: fn(u32) -> &'static str, work: F) -> Result<i64>
where
    F: FnOnce(Arc<AtomicU32>) -> Fut + Send + 'static,
    Fut: Future<Output = Result<i64>> + Send + 'static,
{
    let id = insert(store, ctx, kind, stage_of(0)).await?;
    let store = store.clone();
    let tenant_id = ctx.tenant_id;
    tokio::spawn(async move {
        let done = Arc::new(AtomicU32::new(0));
        let work = work(done.clone());
        tokio::pin!(work);
        let mut tick = tokio::time::interval(TICK);
        let mut shown = 0u8;
        let outcome = loop {
            tokio::select! {
                r = &mut work => break r,
                _ = tick.tick() => {
                    let d = done.load(Ordering::Relaxed);
                    let p = cakap_domain::job::percent(d, steps);
                    if p != shown {
                        shown = p;
                        if let Err(e) = set_progress(&store, tenant_id, id, p, stage_of(d)).await {
                            tracing::warn!(job = id, error = %e, "job progress not written");
                        }
                    }
                }
            }
        };
        if let Err(e) = &outcome {
            tracing::warn!(job = id, error = %e, "job failed");
        }
        if let Err(e) = finish(&store, tenant_id, id, &outcome).await {
            tracing::error!(job = id, error = %e, "job outcome not written");
        }
    });
    Ok(id)
}

/// Marks the jobs a previous server process left running as cut off: called once at start,
/// before the server takes requests.
pub async fn abandon_running(store: &Store) -> Result<u64> {
    let txn = store.write().await?;
    let res = job::Entity::update_many()
        .col_expr(job::Column::Status, sea_orm::sea_query::Expr::value(JobStatus::Failed.code()))
        .col_expr(job::Column::Error, sea_orm::sea_query::Expr::value("server dimulai ulang saat tugas berjalan; jalankan lagi"))
        .col_expr(job::Column::UpdatedAt, sea_orm::sea_query::Expr::value(crate::now()))
        .filter(job::Column::Status.eq(JobStatus::Running.code()))
        .exec(&txn)
        .await?;
    txn.commit().await?;
    Ok(res.rows_affected)
}
