//! Connecting, migrating and opening write transactions the same way on both backends.

use std::sync::Arc;
use std::time::Duration;

use sea_orm::sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous};
use sea_orm::{
    ConnectOptions, Database, DatabaseBackend, DatabaseConnection, DatabaseTransaction, DbErr, SqliteTransactionMode, TransactionOptions, TransactionTrait,
};
use sea_orm_migration::MigratorTrait;

use crate::memo::Memo;
use crate::migration::Migrator;

pub type Db = DatabaseConnection;

/// The database handle every repository function takes, with the read models the store keeps
/// in memory (each tied to the revisions it was built from, `crate::revision`).
#[derive(Clone, Debug)]
pub struct Store {
    pub db: DatabaseConnection,
    pub(crate) caches: Arc<Caches>,
}

/// Entries tied to revisions have no time limit: their revision says exactly when they are
/// stale, and a timed rebuild of an unchanged 10,000-employee directory in a 10-minute soak
/// left RSS 14 % higher (glibc keeps the freed copy). The caps bound memory.
const NO_TTL: Duration = Duration::MAX;
/// Directories kept at once (a 10,000-employee tenant takes about 2 MB).
const DIRECTORY_CAP: usize = 64;

/// How long revisions read from the database are trusted without asking again, unless this
/// process has written since (then at once). Writes by other processes (the CLI, a second
/// server) are therefore seen within this time; writes through this process immediately.
pub const REVISION_RECHECK: Duration = Duration::from_millis(250);

/// Tenant-wide analyses kept at once (a 20,000-employee tenant's takes tens of MB).
pub const ANALYSIS_CAP: usize = 64;

pub(crate) struct Caches {
    pub(crate) directory: Memo<i64, i64, Arc<cakap_domain::org::directory::Directory>>,
    /// The tenant-wide AKPK analysis: loading it reads every assessment of the tenant (a
    /// 20,000-employee tenant: ~280,000 rows, 0.4–0.9 s, `cakap bench akpk`); the heatmap,
    /// needs list, export, calibration list and Beranda share it.
    pub(crate) analysis: Memo<i64, crate::revision::Revisions, Arc<crate::akpk::analysis::Analysis>>,
    /// One employee's analysis (their AKPK page, their Beranda card), per (tenant, employee).
    pub(crate) own: Memo<(i64, i64), crate::revision::Revisions, Arc<crate::akpk::analysis::Analysis>>,
    /// A supervisor's team analysis, per (tenant, supervised unit).
    pub(crate) team: Memo<(i64, i64), crate::revision::Revisions, Arc<crate::akpk::analysis::Analysis>>,
    /// Every ASN's national standing (`akpk::national`), one lock: views and the keeper take
    /// turns bringing it up to date.
    pub(crate) nation: tokio::sync::Mutex<crate::akpk::national::Index>,
    /// Whether a keeper (`akpk::national::keep`) runs in this process.
    pub(crate) nation_keeper: std::sync::atomic::AtomicBool,
    /// Per tenant, under (local writes, recheck period): the revisions last read.
    pub(crate) revisions: Memo<i64, (u64, u64), crate::revision::Revisions>,
    /// Start of the recheck periods.
    pub(crate) started: std::time::Instant,
    /// Writes completed through this process ([`Store::note_write`]).
    pub(crate) writes: std::sync::atomic::AtomicU64,
    /// Tenant-wide analyses loaded from scratch (not brought up to date from the change log).
    pub(crate) analysis_loads: std::sync::atomic::AtomicU64,
    /// Tenants whose national standings were recomputed whole (`akpk::national`).
    pub(crate) national_rebuilds: std::sync::atomic::AtomicU64,
}

impl Default for Caches {
    fn default() -> Self {
        Caches {
            directory: Memo::new(NO_TTL, DIRECTORY_CAP),
            analysis: Memo::new(NO_TTL, ANALYSIS_CAP),
            own: Memo::new(NO_TTL, 20_000),
            nation: Default::default(),
            nation_keeper: Default::default(),
            team: Memo::new(NO_TTL, 2_000),
            revisions: Memo::new(NO_TTL, 100_000),
            started: std::time::Instant::now(),
            writes: Default::default(),
            analysis_loads: Default::default(),
            national_rebuilds: Default::default(),
        }
    }
}

impl std::fmt::Debug for Caches {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Caches").finish_non_exhaustive()
    }
}

/// `DATABASE_URL` unset → the embedded default.
pub const DEFAULT_URL: &str = "sqlite://cakap.db";

impl Store {
    /// Connects and applies pending migrations. SQLite files are created when missing.
    pub async fn open(url: &str) -> Result<Store, DbErr> {
        let store = Store::connect(url).await?;
        Migrator::up(&store.db, None).await?;
        // Reference data that every tenant carries; idempotent.
        crate::competency::ensure_national(&store.db).await.map_err(|e| DbErr::Custom(e.to_string()))?;
        Ok(store)
    }

    pub async fn connect(url: &str) -> Result<Store, DbErr> {
        let mut url = url.to_string();
        let sqlite = url.starts_with("sqlite:");
        if sqlite && !url.contains("mode=") && !url.contains(":memory:") {
            url.push_str(if url.contains('?') { "&mode=rwc" } else { "?mode=rwc" });
        }
        let mut opt = ConnectOptions::new(url.clone());
        opt.sqlx_logging(false).acquire_timeout(Duration::from_secs(30));
        if sqlite {
            // WAL lets pages read while an import writes; busy_timeout makes writers queue
            // instead of failing; foreign keys are off by default in SQLite.
            opt.map_sqlx_sqlite_opts(|o| {
                o.journal_mode(SqliteJournalMode::Wal)
                    .synchronous(SqliteSynchronous::Normal)
                    .busy_timeout(Duration::from_secs(5))
                    .foreign_keys(true)
                    // 64 MiB page cache (a ceiling, not an allocation): bulk imports insert into
                    // four indexes in random key order, and a 2 MiB default cache thrashes.
                    .pragma("cache_size", "-65536")
                    .pragma("temp_store", "memory")
            });
            if url.contains(":memory:") {
                opt.max_connections(1).min_connections(1);
            } else {
                opt.max_connections(8);
            }
        } else {
            opt.max_connections(16);
        }
        Ok(Store { db: Database::connect(opt).await?, caches: Default::default() })
    }

    /// A write through this process has completed (the web layer calls this after every
    /// request that may write): revisions are read from the database again on next use.
    /// How many tenant-wide AKPK analyses this process has loaded from scratch: tests and
    /// benchmarks tell an update applied in place from a reload by it.
    pub fn analysis_loads(&self) -> u64 {
        self.caches.analysis_loads.load(std::sync::atomic::Ordering::SeqCst)
    }

    /// How many tenants' national standings this process has recomputed whole (rather than
    /// read as written or followed employee by employee).
    pub fn national_rebuilds(&self) -> u64 {
        self.caches.national_rebuilds.load(std::sync::atomic::Ordering::SeqCst)
    }

    pub fn note_write(&self) {
        self.caches.writes.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    }

    /// Whether the database answers (`/healthz`).
    pub async fn ping(&self) -> Result<(), DbErr> {
        use sea_orm::ConnectionTrait;
        self.db.execute_unprepared("SELECT 1").await.map(|_| ())
    }

    pub fn backend(&self) -> DatabaseBackend {
        self.db.get_database_backend()
    }

    pub fn is_postgres(&self) -> bool {
        self.backend() == DatabaseBackend::Postgres
    }

    /// A write transaction. On SQLite it is `BEGIN IMMEDIATE`, so the write lock is taken up front
    /// and concurrent writers wait (busy_timeout) instead of failing on lock upgrade.
    pub async fn write(&self) -> Result<DatabaseTransaction, DbErr> {
        self.db.begin_with_options(TransactionOptions { sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate), ..Default::default() }).await
    }
}
