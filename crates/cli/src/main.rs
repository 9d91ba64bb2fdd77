//! `cakap`: serve the web app, migrate, load demo data, import/export, manage tokens.

mod bench;
mod bench_akpk;
mod bench_delivery;
mod bench_national;
mod bench_plan;
mod bench_rollup;
mod bench_web;

use std::path::PathBuf;

use cakap_store::Store;
use cakap_store::import::employees::ImportMode;
use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(name = "cakap", about = "Cakap: pengembangan kompetensi ASN")]
struct Cli {
    /// Database URL; unset means the embedded SQLite file cakap.db.
    #[arg(long, env = "DATABASE_URL", default_value = cakap_store::db::DEFAULT_URL, global = true)]
    database_url: String,
    #[command(subcommand)]
    cmd: Cmd,
}

#[derive(Subcommand)]
enum Cmd {
    /// Run the web app.
    Serve {
        #[arg(long, default_value = "127.0.0.1:8080")]
        listen: String,
        /// Load the demo data (once) and print the demo logins.
        #[arg(long)]
        demo: bool,
        /// Set the Secure flag on cookies (when served over TLS).
        #[arg(long)]
        secure_cookies: bool,
        /// Address of a reverse proxy in front of Cakap (repeat for several): only requests
        /// from it have X-Forwarded-For read, right to left, up to the first untrusted hop.
        #[arg(long = "trusted-proxy")]
        trusted_proxies: Vec<std::net::IpAddr>,
        /// Largest upload (imports) in MiB.
        #[arg(long, default_value_t = 64, value_parser = clap::value_parser!(u32).range(1..=1024))]
        max_upload_mb: u32,
        /// SMTP server for notification e-mail, e.g. `smtp://user:pass@mail.example.go.id:587?tls=required`
        /// or `smtps://…`; without it notifications stay in the app.
        #[arg(long, env = "CAKAP_SMTP_URL")]
        smtp_url: Option<String>,
        /// Sender of notification e-mail.
        #[arg(long, env = "CAKAP_SMTP_FROM", default_value = "Cakap <noreply@localhost>")]
        smtp_from: String,
        /// Cakap's address as people reach it (links in e-mails), e.g. `https://cakap.serangkota.go.id`.
        #[arg(long, env = "CAKAP_PUBLIC_URL", default_value = "")]
        public_url: String,
    },
    /// Apply migrations.
    Migrate,
    /// Load the demo data.
    Demo,
    /// Write the whole database to a file (JSON lines with checksums).
    Export {
        #[arg(long)]
        out: PathBuf,
    },
    /// Load an export into an empty database and verify it.
    Import {
        #[arg(long = "in")]
        input: PathBuf,
    },
    /// Import employees of one tenant from a CSV or XLSX file (all rows or nothing).
    ImportEmployees {
        #[arg(long)]
        tenant: String,
        #[arg(long)]
        file: PathBuf,
    },
    /// Benchmarks (docs/BENCHMARKS.md).
    Bench {
        #[command(subcommand)]
        cmd: BenchCmd,
    },
    /// API tokens.
    Token {
        #[command(subcommand)]
        cmd: TokenCmd,
    },
    /// National administrators.
    Admin {
        #[command(subcommand)]
        cmd: AdminCmd,
    },
}

#[derive(Subcommand)]
enum AdminCmd {
    /// Create a super admin (the first login of a fresh install). The password comes from
    /// CAKAP_ADMIN_PASSWORD or, when unset, from the first line of standard input.
    Create {
        #[arg(long)]
        login: String,
        #[arg(long, default_value = "Super Admin")]
        name: String,
    },
    /// Remove a user's second factor (a lost phone; for a super admin, who has no admin above
    /// them). The user's sessions and API tokens end; they enrol again at the next login.
    ResetSecondFactor {
        #[arg(long)]
        login: String,
    },
    /// Set up a user's second factor and print its secret (base32) for their authenticator app.
    EnrolSecondFactor {
        #[arg(long)]
        login: String,
    },
}

#[derive(Subcommand)]
enum BenchCmd {
    /// The plan optimizer: one instance (`--instance FILE`, JSON or .json.gz) or the benchmark's
    /// generated instances (300 × 30 and 6,000 × 150, seeds 1–3); every plan is checked.
    Plan {
        #[arg(long)]
        instance: Option<PathBuf>,
        /// Where to write the solution of `--instance` (default: standard output).
        #[arg(long)]
        out: Option<PathBuf>,
        /// Write the generated instances to this folder (for the HiGHS peer).
        #[arg(long)]
        write_instances: Option<PathBuf>,
    },
    /// Employee import from CSV/XLSX on SQLite and PostgreSQL against PostgreSQL COPY.
    Import {
        #[arg(long, default_value_t = 1_000_000)]
        rows: u64,
        /// PostgreSQL server to compare on (a database is created and dropped); none skips it.
        #[arg(long, env = "BENCH_PG_URL")]
        pg: Option<String>,
        #[arg(long, default_value = "bench-data")]
        dir: PathBuf,
    },
    /// Plan generation as users wait for it (API call, job, plan page, PDF, XLSX) against the
    /// optimizer's solves alone, on Kota Serang's demo grown to `--employees`.
    PlanJob {
        #[arg(long, default_value_t = 400)]
        employees: usize,
        /// PostgreSQL server to run on as well (a database is created and dropped).
        #[arg(long, env = "BENCH_PG_URL")]
        pg: Option<String>,
        #[arg(long, default_value = "bench-data")]
        dir: PathBuf,
    },
    /// Delivery at a real size: enrolment, the register, the class page, closing, certificates,
    /// the compliance dashboard and the SIASN export, each against a one-statement reference.
    Delivery {
        #[arg(long, default_value_t = 20_000)]
        employees: usize,
        #[arg(long, default_value_t = 1_000)]
        class_size: usize,
        /// PostgreSQL server to run on as well (a database is created and dropped).
        #[arg(long, env = "BENCH_PG_URL")]
        pg: Option<String>,
        #[arg(long, default_value = "bench-data")]
        dir: PathBuf,
    },
    /// The AKPK pages of one tenant at a ministry's size: load, heatmap after an assessment, one
    /// employee's page, needs lists.
    Akpk {
        #[arg(long, default_value_t = 200_000)]
        employees: usize,
        /// Assessments posted, each followed by the heatmap page that shows it.
        #[arg(long, default_value_t = 200)]
        writes: usize,
        /// PostgreSQL server to run on as well (a database is created and dropped).
        #[arg(long, env = "BENCH_PG_URL")]
        pg: Option<String>,
        #[arg(long, default_value = "bench-data")]
        dir: PathBuf,
    },
    /// The national roll-up over a national database: first build, restart, the page after
    /// writes, ad-hoc filters, against one SQL query over the same tables.
    National {
        #[arg(long, default_value_t = 4_300_000)]
        employees: usize,
        #[arg(long, default_value_t = 500)]
        tenants: usize,
        /// Assessments written, each followed by the national page that must show it.
        #[arg(long, default_value_t = 50)]
        writes: usize,
        /// PostgreSQL server to run on as well (a database is created and dropped).
        #[arg(long, env = "BENCH_PG_URL")]
        pg: Option<String>,
        /// Only PostgreSQL (with --pg).
        #[arg(long)]
        no_sqlite: bool,
        #[arg(long, default_value = "bench-data")]
        dir: PathBuf,
    },
    /// The serving half of `bench national`, run by it as its own process.
    #[command(hide = true)]
    NationalServe {
        #[arg(long)]
        url: String,
        #[arg(long)]
        secret: String,
        #[arg(long)]
        label: String,
        #[arg(long)]
        reference_ms: f64,
        #[arg(long)]
        writes: usize,
    },
    /// Data for bench/web.sh: the demo, with Kota Medan grown to `--employees`.
    WebSetup {
        #[arg(long, default_value_t = 10_000)]
        employees: u64,
    },
    /// The reference server of bench/web.sh: 20 employee rows from the same database, rendered.
    WebReference {
        #[arg(long, default_value = "127.0.0.1:18081")]
        listen: String,
    },
    /// The competency roll-up engine on synthetic national data (or `--data DIR` column files).
    Rollup {
        #[arg(long, default_value_t = 4_300_000)]
        employees: u64,
        #[arg(long, default_value_t = 12)]
        comps: u8,
        #[arg(long, default_value_t = 500)]
        tenants: u32,
        #[arg(long, default_value_t = 60_000)]
        units: u32,
        #[arg(long, default_value_t = 20261126)]
        seed: u64,
        /// Read unit.u32, tenant.u16, comp.u8, actual.u8, required.u8 from this folder.
        #[arg(long)]
        data: Option<PathBuf>,
        /// Write the generated data as column files to this folder (for peers).
        #[arg(long)]
        out: Option<PathBuf>,
        /// Write each roll-up's sums as CSV to this folder (for the peers' equality check).
        #[arg(long)]
        results: Option<PathBuf>,
        /// Write the timings as JSON to this file.
        #[arg(long)]
        json: Option<PathBuf>,
    },
}

#[derive(Subcommand)]
enum TokenCmd {
    /// Create a token for a user and print its secret once.
    Create {
        #[arg(long)]
        login: String,
        #[arg(long, default_value = "cli")]
        name: String,
        /// Days the token lives (1–365).
        #[arg(long, default_value_t = 90, value_parser = clap::value_parser!(i64).range(1..=365))]
        days: i64,
        /// A token that may only read.
        #[arg(long)]
        read_only: bool,
    },
}

fn demo_password() -> String {
    std::env::var("CAKAP_DEMO_PASSWORD")
        .ok()
        .filter(|p| cakap_domain::password::problem(p, "", "").is_none())
        .unwrap_or_else(|| cakap_store::demo::DEFAULT_PASSWORD.to_string())
}

#[tokio::main]
async fn main() {
    // Logs go to stderr: stdout carries what a command prints for scripts (a token, a count).
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_env_filter(tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info,sqlx=warn".into()))
        .init();
    if let Err(e) = run(Cli::parse()).await {
        eprintln!("galat: {e}");
        std::process::exit(1);
    }
}

async fn run(cli: Cli) -> Result<(), Box<dyn std::error::Error>> {
    match &cli.cmd {
        Cmd::Bench { cmd: BenchCmd::Import { rows, pg, dir } } => return bench::run(*rows, pg.clone(), dir).await,
        Cmd::Bench { cmd: BenchCmd::Plan { instance, out, write_instances } } => {
            return bench_plan::run(instance.as_deref(), out.as_deref(), write_instances.as_deref());
        }
        Cmd::Bench { cmd: BenchCmd::PlanJob { employees, pg, dir } } => {
            return bench_plan::run_job(*employees, pg.clone(), dir).await;
        }
        Cmd::Bench { cmd: BenchCmd::Delivery { employees, class_size, pg, dir } } => {
            return bench_delivery::run(*employees, *class_size, pg.clone(), dir).await;
        }
        Cmd::Bench { cmd: BenchCmd::Akpk { employees, writes, pg, dir } } => {
            return bench_akpk::run(*employees, *writes, pg.clone(), dir).await;
        }
        Cmd::Bench { cmd: BenchCmd::National { employees, tenants, writes, pg, no_sqlite, dir } } => {
            return bench_national::run(*employees, *tenants, *writes, pg.clone(), dir, !*no_sqlite).await;
        }
        Cmd::Bench { cmd: BenchCmd::NationalServe { url, secret, label, reference_ms, writes } } => {
            return bench_national::serve(url, secret, label, *reference_ms, *writes).await;
        }
        Cmd::Bench { cmd: BenchCmd::Rollup { employees, comps, tenants, units, seed, data, out, results, json } } => {
            let files = bench_rollup::Files { data: data.as_deref(), out: out.as_deref(), results: results.as_deref(), json: json.as_deref() };
            return bench_rollup::run(*employees, *comps, *tenants, *units, *seed, files);
        }
        _ => {}
    }
    let store = Store::open(&cli.database_url).await?;
    match cli.cmd {
        Cmd::Bench { cmd: BenchCmd::WebSetup { employees } } => bench_web::setup(&store, &demo_password(), employees).await?,
        Cmd::Bench { cmd: BenchCmd::WebReference { listen } } => bench_web::serve_reference(store, &listen).await?,
        Cmd::Bench { .. } => unreachable!("handled above"),
        Cmd::Migrate => println!("Migrasi selesai."),
        Cmd::Demo => {
            load_demo(&store).await?;
        }
        Cmd::Serve { listen, demo, secure_cookies, trusted_proxies, max_upload_mb, smtp_url, smtp_from, public_url } => {
            if demo {
                load_demo(&store).await?;
            }
            tokio::spawn(purge_forever(store.clone()));
            let mailer = match smtp_url.as_deref() {
                Some(url) => Some(cakap_web::mail::Mailer::new(url, &smtp_from, &public_url)?),
                None => None,
            };
            tokio::spawn(notify_forever(store.clone(), mailer));
            // The largest tenants' AKPK analyses are loaded while the server already answers.
            let warm = store.clone();
            tokio::spawn(async move {
                let started = std::time::Instant::now();
                match cakap_store::akpk::warm(&warm, cakap_store::db::ANALYSIS_CAP / 2).await {
                    Ok(n) => tracing::info!("analisis AKPK {n} instansi dimuat dalam {:.1} s", started.elapsed().as_secs_f64()),
                    Err(e) => tracing::warn!("analisis AKPK gagal dimuat di awal: {e}"),
                }
            });
            // Every ASN's national standing: read from what the last run wrote, then kept
            // current and written back behind the super admin's Rekap Nasional.
            cakap_store::akpk::national::keep(store.clone());
            // Jobs a previous process left running were cut off with it; their pages say so.
            let cut = cakap_store::jobs::abandon_running(&store).await?;
            if cut > 0 {
                println!("{cut} tugas latar yang terhenti saat server berhenti ditandai gagal.");
            }
            let app = cakap_web::router(
                store,
                cakap_web::WebConfig { secure_cookies, trusted_proxies, max_body: max_upload_mb as usize * 1024 * 1024, public_url: public_url.clone() },
            );
            let listener = tokio::net::TcpListener::bind(&listen).await?;
            println!("Cakap berjalan di http://{listen}/  (basis data: {})", cli.database_url);
            axum_serve(listener, app).await?;
        }
        Cmd::Export { out } => {
            let f = std::fs::File::create(&out)?;
            let mut w = std::io::BufWriter::new(f);
            let sums = cakap_store::transfer::export(&store, &mut w).await?;
            for s in sums {
                println!("{:<16} {:>10} baris  sha256 {}", s.table, s.rows, s.sha256);
            }
            println!("Ekspor ditulis ke {}", out.display());
        }
        Cmd::Import { input } => {
            let f = std::io::BufReader::new(std::fs::File::open(&input)?);
            let sums = cakap_store::transfer::import(&store, f).await?;
            for s in sums {
                println!("{:<16} {:>10} baris  sha256 {}  cocok", s.table, s.rows, s.sha256);
            }
            println!("Impor selesai dan terverifikasi.");
        }
        Cmd::ImportEmployees { tenant, file } => {
            let t = cakap_store::org::tenants::by_code(&store.db, &tenant).await?.ok_or("instansi tidak ditemukan")?;
            let started = std::time::Instant::now();
            let scope = cakap_store::Scope::operator(&store, t.id).await?;
            let admin = scope.org_admin()?;
            let is_csv = file.extension().and_then(|e| e.to_str()).is_none_or(|e| !e.eq_ignore_ascii_case("xlsx") && !e.eq_ignore_ascii_case("xls"));
            let s = if is_csv {
                // CSV streams: a million rows never sit in memory at once.
                admin.import_employee_csv(ImportMode::Upsert, &file).await?
            } else {
                // XLSX goes through the web's reader and checks: the same messages for the same file.
                let name = file.file_name().and_then(|n| n.to_str()).unwrap_or("pegawai.xlsx").to_string();
                let table = cakap_store::import::read_table(&name, &std::fs::read(&file)?).map_err(|e| e.to_string())?;
                admin.import_employee_table(ImportMode::Upsert, &name, &table).await?
            };
            for e in &s.errors {
                println!("{e}");
            }
            let secs = started.elapsed().as_secs_f64();
            println!(
                "{} baris, {} baru, {} diperbarui, {} kesalahan, {} dalam {secs:.2} s (memori puncak {:.0} MB)",
                s.rows,
                s.inserted,
                s.updated,
                s.error_count,
                if s.written { "tersimpan" } else { "TIDAK ADA yang disimpan" },
                bench::peak_rss_mb()
            );
            if std::env::var_os("CAKAP_BENCH_REPORT").is_some() {
                eprintln!("bench-report secs={secs} rss_mb={}", bench::peak_rss_mb());
            }
            if !s.written {
                std::process::exit(2);
            }
        }
        Cmd::Admin { cmd: AdminCmd::Create { login, name } } => {
            let password = match std::env::var("CAKAP_ADMIN_PASSWORD") {
                Ok(p) => p,
                Err(_) => {
                    eprintln!("Kata sandi untuk {login} (minimal 8 karakter), lalu Enter:");
                    let mut line = String::new();
                    std::io::stdin().read_line(&mut line)?;
                    line.trim_end_matches(['\r', '\n']).to_string()
                }
            };
            match cakap_store::users::create_super_admin(&store, &login, &name, &password).await {
                Ok(_) => println!("Super admin {login} dibuat. Masuk di /masuk lalu tambahkan instansi di menu Instansi."),
                Err(cakap_store::StoreError::Invalid(errs)) => {
                    return Err(errs.iter().map(|e| e.message.clone()).collect::<Vec<_>>().join("; ").into());
                }
                Err(e) => return Err(e.to_string().into()),
            }
        }
        Cmd::Admin { cmd: AdminCmd::ResetSecondFactor { login } } => match cakap_store::second_factor::operator_reset(&store, &login).await {
            Err(cakap_store::StoreError::NotFound) => return Err("pengguna tidak ditemukan".into()),
            other => {
                other?;
                println!("verifikasi dua langkah {login} direset");
            }
        },
        Cmd::Admin { cmd: AdminCmd::EnrolSecondFactor { login } } => match cakap_store::second_factor::operator_enrol(&store, &login).await {
            Err(cakap_store::StoreError::NotFound) => return Err("pengguna tidak ditemukan".into()),
            other => println!("{}", other?),
        },
        Cmd::Token { cmd: TokenCmd::Create { login, name, days, read_only } } => {
            let scope = if read_only { cakap_domain::TokenScope::Read } else { cakap_domain::TokenScope::ReadWrite };
            let secret = match cakap_store::users::issue_token(&store, &login, &name, Some(days), scope).await {
                Err(cakap_store::StoreError::NotFound) => return Err("pengguna tidak ditemukan".into()),
                other => other?,
            };
            println!("{secret}");
        }
    }
    Ok(())
}

/// Session reminders and notification e-mail, every minute (a failed pass is retried at the
/// next; nothing is lost, as the rows say what is still to do).
async fn notify_forever(store: Store, mailer: Option<cakap_web::mail::Mailer>) {
    let mut every = tokio::time::interval(std::time::Duration::from_secs(60));
    loop {
        every.tick().await;
        match cakap_web::mail::pass(&store, mailer.as_ref()).await {
            Ok((r, s)) if r + s > 0 => tracing::info!(reminded = r, emailed = s, "notifications"),
            Ok(_) => {}
            Err(e) => tracing::warn!("notifications: {e}"),
        }
    }
}

/// Expired sessions and old login attempts go every ten minutes (a busy database is retried
/// at the next round).
async fn purge_forever(store: Store) {
    let mut every = tokio::time::interval(std::time::Duration::from_secs(600));
    loop {
        every.tick().await;
        match cakap_store::users::purge_expired(&store, cakap_store::now()).await {
            Ok(p) if p.sessions + p.login_attempts > 0 => tracing::info!(sessions = p.sessions, login_attempts = p.login_attempts, "purged"),
            Ok(_) => {}
            Err(e) => tracing::warn!("purge: {e}"),
        }
    }
}

async fn load_demo(store: &Store) -> Result<(), Box<dyn std::error::Error>> {
    let password = demo_password();
    let logins = cakap_store::demo::load(store, &password).await?;
    // Serang's walk-through from an approved plan to certificates (the issue's demo).
    cakap_store::demo::delivery::load(store).await?;
    println!("Data demo siap. Kata sandi semua akun demo: {password}");
    for l in logins {
        println!("  {:<24} {:<36} {}", l.login, l.role, l.tenant);
    }
    Ok(())
}

async fn axum_serve(listener: tokio::net::TcpListener, app: axum_router::Router) -> std::io::Result<()> {
    axum_router::serve(listener, app.into_make_service_with_connect_info::<std::net::SocketAddr>())
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await
}

mod axum_router {
    pub use cakap_web::reexport::axum::{Router, serve};
}
