//! In a real browser (Debian's chromium, headless, through chromium-driver): a planner of Kota
//! Medan logs in, opens the heatmap, clicks a unit in the SVG, clicks an employee, and reads the
//! AKPK; on a phone-sized window the AKPK page does not scroll sideways and its table is cards.
//!
//! Needs `chromium` and `chromium-driver`: `.ci/run` installs them and requires them; elsewhere
//! the test skips, saying so, when they are missing (see `chromium_present`).

use std::net::TcpListener as StdListener;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use fantoccini::{Client, ClientBuilder, Locator};

use crate::helpers::*;

const DRIVER: &str = "/usr/bin/chromedriver";

pub struct Driver(Child);

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    StdListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// Whether the browser is here. Tests never install system packages: `.ci/run` installs
/// chromium and sets `CAKAP_REQUIRE_BROWSER=1`, so in CI a missing browser fails the run; on a
/// developer machine without it the browser tests say so and skip.
pub fn chromium_present() -> bool {
    if std::path::Path::new(DRIVER).exists() && std::path::Path::new("/usr/bin/chromium").exists() {
        return true;
    }
    if std::env::var_os("CAKAP_REQUIRE_BROWSER").is_some() {
        panic!("browser tests need Debian's chromium and chromium-driver (CAKAP_REQUIRE_BROWSER is set): apt-get install -y chromium chromium-driver");
    }
    eprintln!("SKIPPED: browser test; install Debian's chromium and chromium-driver to run it");
    false
}

pub async fn browser() -> (Driver, Client) {
    let port = free_port();
    let child = Command::new(DRIVER).arg(format!("--port={port}")).stdout(Stdio::null()).stderr(Stdio::null()).spawn().expect("start chromedriver");
    let driver = Driver(child);
    let mut caps = serde_json::Map::new();
    caps.insert(
        "goog:chromeOptions".into(),
        serde_json::json!({"binary": "/usr/bin/chromium", "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1280,900"]}),
    );
    let url = format!("http://127.0.0.1:{port}");
    for attempt in 0.. {
        match ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new()).capabilities(caps.clone()).connect(&url).await {
            Ok(c) => return (driver, c),
            Err(e) if attempt < 50 => {
                let _ = e;
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
            Err(e) => panic!("chromedriver did not answer: {e}"),
        }
    }
    unreachable!()
}

/// Serves the app on a free port for the browser.
pub async fn serve(app: &TestApp) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let router = app.router.clone();
    tokio::spawn(async move { axum::serve(listener, router.into_make_service_with_connect_info::<std::net::SocketAddr>()).await.unwrap() });
    format!("http://{addr}")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn planner_drills_from_the_heatmap_to_an_akpk_in_a_browser() {
    if !chromium_present() {
        return;
    }
    let app = TestApp::demo().await;
    let base = serve(&app).await;
    let (_driver, c) = browser().await;
    let result = async {
        c.goto(&format!("{base}/masuk")).await?;
        c.find(Locator::Css("input[name=login]")).await?.send_keys("perencana.medan").await?;
        c.find(Locator::Css("input[name=password]")).await?.send_keys(PASSWORD).await?;
        c.find(Locator::Css("form button")).await?.click().await?;
        c.wait().for_element(Locator::LinkText("Peta Kesenjangan")).await?.click().await?;

        // The heatmap is an SVG with a cell per unit and competency; the unit names are links.
        let cells = c.find_all(Locator::Css("svg.heatmap rect")).await?;
        assert!(cells.len() >= 8 * 9, "{} cells", cells.len());
        let heading = c.find(Locator::Css("h1")).await?.text().await?;
        assert_eq!(heading, "Peta Kesenjangan Kompetensi");
        let kec = c.find(Locator::XPath("//*[name()='svg']//*[name()='a'][.//*[name()='title' and text()='Kecamatan Medan Amplas']]")).await?;
        kec.click().await?;
        c.wait().for_element(Locator::XPath("//h1[contains(., 'Kecamatan Medan Amplas')]")).await?;

        // The drill-down lists the kecamatan's staff; open the first one's AKPK.
        let first = c.find(Locator::Css("a[href^='/akpk/pegawai/']")).await?;
        let name = first.text().await?;
        first.click().await?;
        let h1 = c.wait().for_element(Locator::Css("h1")).await?.text().await?;
        assert_eq!(h1, "Analisis Kesenjangan Kompetensi dan Kinerja");
        let facts = c.find(Locator::Css("dl.facts")).await?.text().await?;
        assert!(facts.contains(&name), "{facts}");
        let part = c.find(Locator::Css("section.akpk-part h2")).await?.text().await?;
        assert!(part.starts_with("Terhadap jabatan saat ini"), "{part}");

        // On a phone the page fits the width (tables scroll inside their own box).
        c.set_window_size(390, 844).await?;
        let overflow = c.execute("return document.documentElement.scrollWidth - window.innerWidth", vec![]).await?;
        let wide = c.execute(WIDEST, vec![]).await?;
        assert!(overflow.as_i64().unwrap_or(99) <= 1, "page scrolls sideways by {overflow}: {wide}");
        // …and the gap table reads as one card per competency, its header hidden.
        let thead = c.execute("return getComputedStyle(document.querySelector('table.stack thead')).display", vec![]).await?;
        assert_eq!(thead.as_str(), Some("none"));
        Ok::<_, fantoccini::error::CmdError>(())
    }
    .await;
    close_or_report(c, result).await;
}

/// The elements reaching past the window's right edge (for a failure message).
const WIDEST: &str = "const over = e => e.getBoundingClientRect().right > window.innerWidth + 1; const clips = e => ['auto', 'scroll', 'hidden'].includes(getComputedStyle(e).overflowX); \
    return Array.from(document.querySelectorAll('body *')).filter(e => over(e) && !(e.parentElement && (over(e.parentElement) || clips(e.parentElement)))).slice(0, 8).map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right) + ' ' + e.outerHTML.slice(0, 200)).join(' | ')";

/// Ends a browser walk: closes the browser, and on a failure says where it stood (address and
/// the page's start).
async fn close_or_report(c: Client, result: Result<(), fantoccini::error::CmdError>) {
    if let Err(e) = &result {
        let url = c.current_url().await.map(|u| u.to_string()).unwrap_or_default();
        let src = c.source().await.unwrap_or_default();
        let _ = c.close().await;
        panic!("{e} at {url}: {}", src.chars().take(3000).collect::<String>());
    }
    let _ = c.close().await;
}

/// Whether the page scrolls sideways (a phone page must not).
async fn overflow(c: &Client) -> Result<i64, fantoccini::error::CmdError> {
    Ok(c.execute("return document.documentElement.scrollWidth - window.innerWidth", vec![]).await?.as_i64().unwrap_or(99))
}

async fn log_in(c: &Client, base: &str, login: &str) -> Result<(), fantoccini::error::CmdError> {
    c.goto(&format!("{base}/masuk")).await?;
    c.find(Locator::Css("input[name=login]")).await?.send_keys(login).await?;
    c.find(Locator::Css("input[name=password]")).await?.send_keys(PASSWORD).await?;
    c.find(Locator::Css("form button")).await?.click().await?;
    c.wait().for_element(Locator::XPath("//h1[text()='Beranda']")).await?;
    Ok(())
}

async fn log_out(c: &Client) -> Result<(), fantoccini::error::CmdError> {
    c.find(Locator::XPath("//button[text()='Keluar']")).await?.click().await?;
    c.wait().for_element(Locator::Css("input[name=login]")).await?;
    Ok(())
}

/// The delivery journey on a phone-sized window (390 × 844), in Kota Serang's demo: the employee
/// registers for a class of the approved plan from "Kelas Saya"; the atasan and then BKPSDM
/// approve on their phones; the instructor's screen shows the session's code; the employee
/// checks in with it; the employee's certificate opens its public verification page. No page
/// scrolls sideways.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_delivery_journey_on_a_phone() {
    if !chromium_present() {
        return;
    }
    let app = TestApp::demo().await;
    cakap_store::demo::delivery::load(&app.store).await.unwrap();
    let t = app.tenant_id("serang").await;
    let year = op(&app, t).await.today().year() + 1;
    let andat: i64 = sql_text(
        &app,
        &format!(
            "SELECT CAST(id AS TEXT) FROM offering WHERE tenant_id = {t} AND title = 'Pelatihan Analisis Data dan Kebijakan Publik Angkatan I Tahun {year}'"
        ),
    )
    .await
    .parse()
    .unwrap();
    let now = time::OffsetDateTime::now_utc();
    let meeting = op(&app, t)
        .await
        .classes()
        .unwrap()
        .add_meeting(andat, now - time::Duration::minutes(10), now + time::Duration::hours(2), "Aula BKPSDM Kota Serang")
        .await
        .unwrap();
    let me =
        sql_text(&app, "SELECT e.name FROM employee e JOIN app_user u ON u.employee_id = e.id AND u.tenant_id = e.tenant_id WHERE u.login = 'pegawai.serang'")
            .await;
    let base = serve(&app).await;
    let (_driver, c) = browser().await;
    let result = async {
        c.set_window_size(390, 844).await?;
        // The employee: Beranda shows JP against 20; "Kelas Saya" lists what may be registered for.
        log_in(&c, &base, "pegawai.serang").await?;
        let gauge = c.find(Locator::Css("section.jp-gauge h2")).await?.text().await?;
        assert!(gauge.contains("dari 20 JP"), "{gauge}");
        c.goto(&format!("{base}/kelas-saya")).await?;
        assert!(overflow(&c).await? <= 1, "Kelas Saya scrolls sideways");
        c.find(Locator::Css(&format!("a[href='/kelas/{andat}']"))).await?.click().await?;
        c.wait().for_element(Locator::XPath("//button[text()='Daftar kelas ini']")).await?.click().await?;
        let status = c.wait().for_element(Locator::Css("div.flash")).await?.text().await?;
        assert!(status.contains("menunggu persetujuan atasan"), "{status}");
        assert!(overflow(&c).await? <= 1, "the class page scrolls sideways");
        log_out(&c).await?;
        // The atasan, then BKPSDM, approve from their lists.
        for who in ["atasan.serang", "perencana.serang"] {
            log_in(&c, &base, who).await?;
            c.goto(&format!("{base}/kelas/persetujuan")).await?;
            assert!(overflow(&c).await? <= 1, "{who}: the approvals page scrolls sideways");
            let row = c.find(Locator::XPath(&format!("//tr[td[text()='{me}']]//button[text()='Setujui']"))).await?;
            row.click().await?;
            c.wait().for_element(Locator::Css("div.flash")).await?;
            log_out(&c).await?;
        }
        // The instructor's screen shows the QR and the code of this minute.
        log_in(&c, &base, "instruktur.serang").await?;
        c.goto(&format!("{base}/kelas/sesi/{meeting}")).await?;
        c.find(Locator::Css(".qr-panel svg")).await?;
        let code = c.find(Locator::Css("p.bigcode")).await?.text().await?;
        assert_eq!(code.len(), 8, "{code}");
        assert!(overflow(&c).await? <= 1, "the QR screen scrolls sideways");
        log_out(&c).await?;
        // The employee opens what the QR holds and checks in.
        log_in(&c, &base, "pegawai.serang").await?;
        c.goto(&format!("{base}/hadir/{meeting}?kode={code}")).await?;
        c.find(Locator::XPath("//button[text()='Hadir']")).await?.click().await?;
        let done = c.wait().for_element(Locator::Css("div.flash")).await?.text().await?;
        assert!(done.contains("tercatat"), "{done}");
        // The certificate of this year's class opens its public page, which verifies.
        c.find(Locator::LinkText("Halaman verifikasi")).await?.click().await?;
        let verdict = c.wait().for_element(Locator::Css("div.flash")).await?.text().await?;
        assert!(verdict.contains("tanda tangan elektroniknya sah"), "{verdict}");
        assert!(overflow(&c).await? <= 1, "the verification page scrolls sideways");
        Ok::<_, fantoccini::error::CmdError>(())
    }
    .await;
    close_or_report(c, result).await;
    assert_eq!(sql_count(&app, &format!("SELECT COUNT(*) FROM attendance WHERE tenant_id = {t} AND meeting_id = {meeting} AND method = 'qr'")).await, 1);
}

/// The page as Chromium prints it (A4), through WebDriver's "print page".
async fn print_pdf(c: &Client) -> Vec<u8> {
    use base64::Engine;
    use webdriver::command::{PrintParameters, WebDriverCommand};
    let json = c.issue_cmd(WebDriverCommand::Print(PrintParameters { background: true, ..Default::default() })).await.expect("print");
    base64::engine::general_purpose::STANDARD.decode(json.as_str().expect("base64 text")).expect("a PDF")
}

/// The pages of a PDF and its text, by poppler's pdfinfo and pdftotext.
fn pdf_facts(pdf: &[u8]) -> (u32, String) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cetak.pdf");
    std::fs::write(&path, pdf).unwrap();
    let info = Command::new("pdfinfo").arg(&path).output().expect("pdfinfo (poppler-utils)");
    let info = String::from_utf8_lossy(&info.stdout).to_string();
    let pages = info.lines().find_map(|l| l.strip_prefix("Pages:")).map(|p| p.trim().parse().unwrap()).expect("a page count");
    let text = Command::new("pdftotext").args(["-layout"]).arg(&path).arg("-").output().expect("pdftotext");
    (pages, String::from_utf8_lossy(&text.stdout).to_string())
}

/// One employee's AKPK, printed as Chromium prints it: at most two A4 pages, numbered, with the
/// signature block of the employee, the atasan and the head of BKPSDM named in the settings.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_akpk_prints_on_two_pages_with_signatures() {
    if !chromium_present() {
        return;
    }
    let app = TestApp::demo().await;
    let t = app.tenant_id("medan").await;
    let scope = op(&app, t).await;
    scope
        .settings_admin()
        .unwrap()
        .update(|mut s| {
            s.kepala_bkpsdm = "Drs. Hendra Siregar, M.Si.".into();
            s
        })
        .await
        .unwrap();
    // The employee with the longest standard, aiming at a JPT position (both tables print).
    let an = op(&app, t).await.analysis().await.unwrap();
    let ei = (0..an.employees.len()).max_by_key(|ei| an.required(*ei).len()).unwrap();
    let e = an.employees[ei].clone();
    let target = an.positions.values().filter(|p| p.id != e.position_id).max_by_key(|p| p.jenjang.code().starts_with("jpt")).unwrap().id;
    sql_exec(&app, &format!("UPDATE employee SET target_position_id = {target} WHERE tenant_id = {t} AND id = {}", e.id)).await;
    cakap_store::revision::bump(&app.store.db, t, cakap_domain::audit::Area::Org).await.unwrap();
    let base = serve(&app).await;
    let (_driver, c) = browser().await;
    let result = async {
        log_in(&c, &base, "perencana.medan").await?;
        c.goto(&format!("{base}/akpk/pegawai/{}", e.id)).await?;
        c.wait().for_element(Locator::XPath("//h2[starts-with(text(), 'Terhadap jabatan target')]")).await?;
        Ok::<_, fantoccini::error::CmdError>(print_pdf(&c).await)
    }
    .await;
    let _ = c.close().await;
    let (pages, text) = pdf_facts(&result.expect("printed"));
    assert!((1..=2).contains(&pages), "{pages} pages:\n{text}");
    for want in
        ["Pegawai yang dinilai", "Atasan Langsung", "Kepala BKPSDM", "Drs. Hendra Siregar, M.Si.", e.name.as_str(), "Halaman 1 dari", "Terhadap jabatan target"]
    {
        assert!(text.contains(want), "{want:?} missing from the print:\n{text}");
    }
    assert!(!text.contains("Riwayat Penilaian") && !text.contains("Catat Penilaian"), "history and forms stay off paper:\n{text}");
}

/// The atasan rates the team on a phone (390 × 844): the grid is one card per staff member,
/// levels are picked from selects, one save records them, the card says "lengkap", and the page
/// never scrolls sideways.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_atasan_rates_the_team_grid_on_a_phone() {
    if !chromium_present() {
        return;
    }
    let app = TestApp::demo().await;
    let scope = scope_of(&app, "atasan.medan").await;
    let grid = scope.team().unwrap().grid(false, 0, 25).await.unwrap();
    let first = grid.rows[0].clone();
    let base = serve(&app).await;
    let (_driver, c) = browser().await;
    let result = async {
        c.set_window_size(390, 844).await?;
        log_in(&c, &base, "atasan.medan").await?;
        c.find(Locator::Css("a[href='/akpk/tim/penilaian']")).await?.click().await?;
        c.wait().for_element(Locator::XPath("//h1[text()='Penilaian Kompetensi Tim']")).await?;
        assert!(overflow(&c).await? <= 1, "the grid scrolls sideways on a phone");
        for cell in first.cells.iter().flatten() {
            let select = c.find(Locator::Css(&format!("select[name='n_{}_{}']", first.employee_id, cell.competency_id))).await?;
            select.select_by_value(&cell.required.to_string()).await?;
        }
        c.find(Locator::XPath("//button[text()='Simpan penilaian']")).await?.click().await?;
        let flash = c.wait().for_element(Locator::Css("div.flash")).await?.text().await?;
        assert!(flash.contains("berhasil disimpan"), "{flash}");
        let card = c
            .find(Locator::XPath(&format!("//tr[.//select[@name='n_{}_{}']]", first.employee_id, first.cells.iter().flatten().next().unwrap().competency_id)))
            .await?;
        assert!(card.text().await?.contains("lengkap"), "the saved staff member is done");
        // The "belum dinilai" filter leaves them out.
        c.find(Locator::Css("input[name=belum]")).await?.click().await?;
        c.find(Locator::XPath("//button[text()='Tampilkan']")).await?.click().await?;
        // The box is checked before the form is sent: wait for the filtered page's address.
        for _ in 0..100 {
            if c.current_url().await?.query().unwrap_or("").contains("belum=1") {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        c.wait().for_element(Locator::XPath("//h1[text()='Penilaian Kompetensi Tim']")).await?;
        let left = c.find_all(Locator::Css(&format!("select[name^='n_{}_']", first.employee_id))).await?;
        assert!(left.is_empty(), "a done staff member is filtered out");
        assert!(overflow(&c).await? <= 1);
        Ok::<_, fantoccini::error::CmdError>(())
    }
    .await;
    close_or_report(c, result).await;
    let after = scope_of(&app, "atasan.medan").await.team().unwrap().grid(false, 0, 1000).await.unwrap();
    assert!(after.rows.iter().find(|r| r.employee_id == first.employee_id).unwrap().done());
}

/// The planner's journey from Beranda's high-priority count to the filtered needs list, a name
/// search and a different order, then to the calibration list, where one disagreement is
/// settled with a level and a reason.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_planner_goes_from_needs_to_calibration() {
    if !chromium_present() {
        return;
    }
    let app = TestApp::demo().await;
    let t = app.tenant_id("medan").await;
    let an = op(&app, t).await.analysis().await.unwrap();
    let before = an.calibration.len();
    let base = serve(&app).await;
    let (_driver, c) = browser().await;
    let result = async {
        log_in(&c, &base, "perencana.medan").await?;
        c.find(Locator::Css("a[href='/akpk/kebutuhan?prioritas=tinggi']")).await?.click().await?;
        c.wait().for_element(Locator::Css("select[name=prioritas] option[value=tinggi][selected]")).await?;
        let prios = c.find_all(Locator::Css("table tbody tr td.num:first-child")).await?;
        assert!(!prios.is_empty(), "high-priority needs are listed");
        for p in prios.iter().take(10) {
            let n: u32 = p.text().await?.split_whitespace().next().unwrap_or("0").parse().unwrap_or(0);
            assert!(n >= 60, "only high priorities: {n}");
        }
        // Search by the first row's name, ordered by gap.
        let name = c.find(Locator::Css("table tbody tr td:nth-child(2) a")).await?.text().await?;
        c.find(Locator::Css("input[name=q]")).await?.send_keys(&name).await?;
        c.find(Locator::Css("select[name=urut]")).await?.select_by_value("kesenjangan").await?;
        c.find(Locator::XPath("//button[text()='Saring']")).await?.click().await?;
        c.wait().for_element(Locator::Css("select[name=urut] option[value=kesenjangan][selected]")).await?;
        for a in c.find_all(Locator::Css("table tbody tr td:nth-child(2) a")).await? {
            assert_eq!(a.text().await?, name, "the search keeps to the name");
        }
        // To the calibration list, and settle the first row.
        c.goto(&format!("{base}/")).await?;
        c.find(Locator::Css("a[href='/akpk/kalibrasi']")).await?.click().await?;
        c.wait().for_element(Locator::XPath("//h1[text()='Perlu Kalibrasi']")).await?;
        c.find(Locator::Css("form.calibrate select[name=level]")).await?.select_by_value("3").await?;
        c.find(Locator::Css("form.calibrate input[name=note]")).await?.send_keys("Disepakati bersama atasan").await?;
        c.find(Locator::Css("form.calibrate button")).await?.click().await?;
        let flash = c.wait().for_element(Locator::Css("div.flash")).await?.text().await?;
        assert!(flash.contains("berhasil disimpan"), "{flash}");
        let count = c.find(Locator::XPath("//p[contains(., 'kompetensi pegawai perlu dikalibrasi')]/strong")).await?.text().await?;
        assert_eq!(count, (before - 1).to_string(), "one fewer to calibrate");
        Ok::<_, fantoccini::error::CmdError>(())
    }
    .await;
    close_or_report(c, result).await;
}
