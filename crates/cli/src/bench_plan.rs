//! `cakap bench plan`: the plan optimizer on one instance file, or on the deterministic
//! benchmark instances (docs/BENCHMARKS.md, "plan"). Every plan is validated by the
//! independent checker (`domain::plan::instance::check`) before its figures are printed.

use std::path::Path;

use cakap_domain::plan::instance::{Instance, Solution, check, generate};
use cakap_domain::plan::optimize::solve;

/// Reads an instance (JSON, or gzipped JSON when the name ends in `.gz`).
fn read(path: &Path) -> Result<Instance, Box<dyn std::error::Error>> {
    let bytes = std::fs::read(path)?;
    let text = if path.extension().is_some_and(|e| e == "gz") {
        let mut s = String::new();
        std::io::Read::read_to_string(&mut flate2::read::GzDecoder::new(&bytes[..]), &mut s)?;
        s
    } else {
        String::from_utf8(bytes)?
    };
    Ok(serde_json::from_str(&text)?)
}

fn solve_checked(inst: &Instance) -> Result<(Solution, u64), Box<dyn std::error::Error>> {
    let s = solve(inst);
    let cost = check(inst, &s).map_err(|e| format!("rencana tidak layak: {e:?}"))?;
    Ok((s, cost))
}

pub fn run(instance: Option<&Path>, out: Option<&Path>, write: Option<&Path>) -> Result<(), Box<dyn std::error::Error>> {
    if let Some(path) = instance {
        let inst = read(path)?;
        let (s, cost) = solve_checked(&inst)?;
        eprintln!("objective {} · cost {} of {} · {:.3} s", s.objective, cost, inst.budget, s.seconds);
        let json = serde_json::to_string(&s)?;
        match out {
            Some(o) => std::fs::write(o, json)?,
            None => println!("{json}"),
        }
        return Ok(());
    }
    println!("| instance | seed | objective | cost / budget | seconds |");
    println!("|---|---:|---:|---:|---:|");
    for (cands, progs) in [(300usize, 30usize), (6000, 150)] {
        for seed in 1..=3u64 {
            let inst = generate(seed, cands, progs, 0.3);
            if let Some(dir) = write {
                std::fs::create_dir_all(dir)?;
                std::fs::write(dir.join(format!("plan-{cands}x{progs}-{seed}.json")), serde_json::to_string(&inst)?)?;
            }
            let (s, cost) = solve_checked(&inst)?;
            println!("| {cands} × {progs} | {seed} | {} | {:.1} % | {:.3} |", s.objective, cost as f64 * 100.0 / inst.budget as f64, s.seconds);
        }
    }
    Ok(())
}

/// `cakap bench plan-job`: plan generation as its users wait for it, on Kota Serang's demo grown
/// to `employees` (budget Rp 750.000.000 per 400 staff, as the demo's): the API call that
/// generates (needs read, four solves, writes, the answer), the job the page starts followed
/// to its end, the plan's page, its PDF and XLSX; beside them the reference measured in the
/// same run on the same inputs: the four solves alone (`domain::plan::build`), which no
/// generation can beat. SQLite, and PostgreSQL with `--pg`.
pub async fn run_job(employees: usize, pg_url: Option<String>, dir: &Path) -> Result<(), Box<dyn std::error::Error>> {
    std::fs::create_dir_all(dir)?;
    let path = dir.join("plan-job.db");
    for f in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{f}", path.display()));
    }
    println!("# cakap bench plan-job: Kota Serang with {employees} employees (best of 3; the job once)\n");
    println!(
        "| database | people with needs | programs | read ms | solves ms (reference) | API generate ms | × reference | job ms | plan page ms | PDF ms | XLSX ms | PDF KB |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    let sqlite = cakap_store::Store::open(&format!("sqlite://{}?mode=rwc", path.display())).await?;
    job_row("SQLite", &sqlite, employees).await?;
    if let Some(admin_url) = pg_url {
        crate::bench::TempPg::run(&admin_url, |pg| async move { job_row("PostgreSQL", &pg, employees).await }).await?;
    }
    Ok(())
}

const JOB_PASSWORD: &str = "bench-plan-job-2026";

/// An in-process client of the router: the session cookie, the login form's cookie and the
/// last CSRF token a page carried.
pub(crate) struct Web {
    router: axum::Router,
    cookies: Vec<String>,
    csrf: String,
}

pub(crate) struct Answer {
    pub(crate) status: axum::http::StatusCode,
    location: String,
    pub(crate) body: Vec<u8>,
}

impl Web {
    pub(crate) fn new(router: axum::Router) -> Web {
        Web { router, cookies: vec![], csrf: String::new() }
    }

    /// Logs in through the form (a user without a second factor).
    pub(crate) async fn login(&mut self, login: &str, password: &str) -> Result<(), Box<dyn std::error::Error>> {
        self.get("/masuk").await?;
        let a = self.post("/masuk", &[("login", login), ("password", password)]).await?;
        if a.status != axum::http::StatusCode::SEE_OTHER || a.location.starts_with("/masuk") {
            return Err(format!("login: {} {}", a.status, a.location).into());
        }
        Ok(())
    }

    /// Logs in through the form and the second-factor step, with the code of `secret`.
    pub(crate) async fn login_second_factor(&mut self, login: &str, password: &str, secret: &str) -> Result<(), Box<dyn std::error::Error>> {
        self.get("/masuk").await?;
        let a = self.post("/masuk", &[("login", login), ("password", password)]).await?;
        if a.location != "/masuk/verifikasi" {
            return Err(format!("login: {} {}", a.status, a.location).into());
        }
        self.get("/masuk/verifikasi").await?;
        let code = cakap_store::second_factor::current_code(secret).ok_or("second factor secret")?;
        let a = self.post("/masuk/verifikasi", &[("code", &code)]).await?;
        if a.status != axum::http::StatusCode::SEE_OTHER || a.location.starts_with("/masuk") {
            return Err(format!("second factor: {} {}", a.status, a.location).into());
        }
        Ok(())
    }

    async fn send(&mut self, req: axum::http::Request<axum::body::Body>) -> Result<Answer, Box<dyn std::error::Error>> {
        use tower::ServiceExt;
        let res = self.router.clone().oneshot(req).await?;
        let status = res.status();
        for v in res.headers().get_all(axum::http::header::SET_COOKIE) {
            let c = v.to_str()?.split(';').next().unwrap_or("").to_string();
            let name = c.split('=').next().unwrap_or("").to_string();
            self.cookies.retain(|k| !k.starts_with(&format!("{name}=")));
            self.cookies.push(c);
        }
        let location = res.headers().get(axum::http::header::LOCATION).and_then(|v| v.to_str().ok()).unwrap_or("").to_string();
        let body = axum::body::to_bytes(res.into_body(), 256 << 20).await?.to_vec();
        if let Some(t) = std::str::from_utf8(&body).ok().and_then(|s| s.split("name=\"_csrf\" value=\"").nth(1)).and_then(|s| s.split('"').next()) {
            self.csrf = t.to_string();
        }
        Ok(Answer { status, location, body })
    }

    fn request(&self, method: &str, path: &str) -> axum::http::request::Builder {
        axum::http::Request::builder().method(method).uri(path).header(axum::http::header::COOKIE, self.cookies.join("; "))
    }

    pub(crate) async fn get(&mut self, path: &str) -> Result<Answer, Box<dyn std::error::Error>> {
        let req = self.request("GET", path).body(axum::body::Body::empty())?;
        let a = self.send(req).await?;
        if a.status != axum::http::StatusCode::OK && a.status != axum::http::StatusCode::SEE_OTHER {
            return Err(format!("GET {path}: {}", a.status).into());
        }
        Ok(a)
    }

    pub(crate) async fn post(&mut self, path: &str, fields: &[(&str, &str)]) -> Result<Answer, Box<dyn std::error::Error>> {
        let mut all = vec![("_csrf", self.csrf.clone())];
        all.extend(fields.iter().map(|(k, v)| (*k, v.to_string())));
        let body: String = all.iter().map(|(k, v)| format!("{k}={}", percent(v))).collect::<Vec<_>>().join("&");
        let req =
            self.request("POST", path).header(axum::http::header::CONTENT_TYPE, "application/x-www-form-urlencoded").body(axum::body::Body::from(body))?;
        self.send(req).await
    }

    async fn api(&mut self, method: &str, path: &str, token: &str, json: Option<serde_json::Value>) -> Result<Answer, Box<dyn std::error::Error>> {
        let req = axum::http::Request::builder()
            .method(method)
            .uri(path)
            .header(axum::http::header::AUTHORIZATION, format!("Bearer {token}"))
            .header(axum::http::header::CONTENT_TYPE, "application/json")
            .body(json.map_or_else(axum::body::Body::empty, |j| axum::body::Body::from(j.to_string())))?;
        let a = self.send(req).await?;
        if a.status != axum::http::StatusCode::OK {
            return Err(format!("{method} {path}: {} {}", a.status, String::from_utf8_lossy(&a.body)).into());
        }
        Ok(a)
    }
}

/// Form encoding of a value (letters and digits as they are, everything else %XX).
fn percent(s: &str) -> String {
    s.bytes().map(|b| if b.is_ascii_alphanumeric() { (b as char).to_string() } else { format!("%{b:02X}") }).collect()
}

/// The best of `n` runs of an async step, in milliseconds, and its last result.
pub(crate) async fn best_ms<T, F: std::future::Future<Output = Result<T, Box<dyn std::error::Error>>>>(
    n: usize,
    mut f: impl FnMut() -> F,
) -> Result<(f64, T), Box<dyn std::error::Error>> {
    let mut best = f64::INFINITY;
    let mut last = None;
    for _ in 0..n {
        let t = std::time::Instant::now();
        let r = f().await?;
        best = best.min(t.elapsed().as_secs_f64() * 1e3);
        last = Some(r);
    }
    Ok((best, last.expect("n > 0")))
}

async fn job_row(label: &str, store: &cakap_store::Store, employees: usize) -> Result<(), Box<dyn std::error::Error>> {
    use cakap_domain::plan::build;
    let t = cakap_store::demo::load_sized(store, "serang", employees, JOB_PASSWORD).await?;
    let budget = 750_000_000i64 * employees as i64 / 400;
    let scope = cakap_store::Scope::operator(store, t).await?;
    let this_year = scope.today().year();
    let planner = scope.planner()?;
    let rules = build::Rules::default();
    let (read, run) = best_ms(3, || async { Ok(planner.run_inputs(&rules).await?) }).await?;
    let people = run.needs.iter().map(|n| n.employee_id).collect::<std::collections::HashSet<_>>().len();
    let (solve, _) = best_ms(3, || async {
        let (needs, programs) = (run.needs.clone(), run.programs.clone());
        Ok(tokio::task::spawn_blocking(move || {
            let o = build::plan(&needs, &programs, budget as u64, &Default::default());
            let w = build::what_if(&needs, &programs, budget as u64, &Default::default());
            (o, w)
        })
        .await?)
    })
    .await?;

    let mut web = Web { router: cakap_web::router(store.clone(), Default::default()), cookies: vec![], csrf: String::new() };
    let token = cakap_store::users::issue_token(store, "perencana.serang", "bench", Some(1), cakap_domain::TokenScope::ReadWrite).await?;
    // Three plans by the API (three years), then one by the page's job.
    let mut ids = vec![];
    let mut api = f64::INFINITY;
    for year in this_year - 1..=this_year + 1 {
        let body = serde_json::json!({"year": year, "title": "Rencana Uji", "budget": budget});
        let started = std::time::Instant::now();
        let a = web.api("POST", "/api/v1/plans", &token, Some(body)).await?;
        api = api.min(started.elapsed().as_secs_f64() * 1e3);
        let v: serde_json::Value = serde_json::from_slice(&a.body)?;
        ids.push(v["plan"]["id"].as_i64().ok_or("no plan id")?);
    }
    web.get("/masuk").await?;
    let a = web.post("/masuk", &[("login", "perencana.serang"), ("password", JOB_PASSWORD)]).await?;
    if a.status != axum::http::StatusCode::SEE_OTHER || a.location == "/masuk" {
        return Err(format!("login: {} {}", a.status, a.location).into());
    }
    web.get("/rencana").await?;
    let started = std::time::Instant::now();
    let year = (this_year + 2).to_string();
    let budget_text = budget.to_string();
    let a = web.post("/rencana/baru", &[("year", &year), ("title", "Rencana Uji"), ("budget", &budget_text)]).await?;
    if !a.location.starts_with("/rencana/tugas/") {
        return Err(format!("job not started: {} {}", a.status, String::from_utf8_lossy(&a.body)).into());
    }
    let job_url = a.location;
    loop {
        let a = web.get(&job_url).await?;
        if a.status == axum::http::StatusCode::SEE_OTHER {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    }
    let job = started.elapsed().as_secs_f64() * 1e3;
    let url = format!("/rencana/{}", ids[0]);
    let (page, _) = best_ms(3, || async { web.clone_get(&url).await }).await?;
    let pdf_url = format!("{url}/unduh.pdf");
    let (pdf, bytes) = best_ms(3, || async { web.clone_get(&pdf_url).await }).await?;
    let pdf_kb = bytes.len() / 1024;
    let xlsx_url = format!("{url}/unduh.xlsx");
    let (xlsx, _) = best_ms(3, || async { web.clone_get(&xlsx_url).await }).await?;
    println!(
        "| {label} | {people} | {} | {read:.0} | {solve:.0} | {api:.0} | {:.2} | {job:.0} | {page:.0} | {pdf:.0} | {xlsx:.0} | {pdf_kb} |",
        run.programs.len(),
        api / solve
    );
    Ok(())
}

impl Web {
    /// A GET that shares the session but not `&mut self` (for timing closures).
    pub(crate) async fn clone_get(&self, path: &str) -> Result<Vec<u8>, Box<dyn std::error::Error>> {
        let mut w = Web { router: self.router.clone(), cookies: self.cookies.clone(), csrf: self.csrf.clone() };
        Ok(w.get(path).await?.body)
    }
}
