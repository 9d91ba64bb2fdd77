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

struct Driver(Child);

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
fn chromium_present() -> bool {
    if std::path::Path::new(DRIVER).exists() && std::path::Path::new("/usr/bin/chromium").exists() {
        return true;
    }
    if std::env::var_os("CAKAP_REQUIRE_BROWSER").is_some() {
        panic!("browser tests need Debian's chromium and chromium-driver (CAKAP_REQUIRE_BROWSER is set): apt-get install -y chromium chromium-driver");
    }
    eprintln!("SKIPPED: browser test; install Debian's chromium and chromium-driver to run it");
    false
}

async fn browser() -> (Driver, Client) {
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
async fn serve(app: &TestApp) -> String {
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
        assert!(overflow.as_i64().unwrap_or(99) <= 1, "page scrolls sideways by {overflow}");
        // …and the gap table reads as one card per competency, its header hidden.
        let thead = c.execute("return getComputedStyle(document.querySelector('table.stack thead')).display", vec![]).await?;
        assert_eq!(thead.as_str(), Some("none"));
        Ok::<_, fantoccini::error::CmdError>(())
    }
    .await;
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
    if let Err(e) = &result {
        let url = c.current_url().await.map(|u| u.to_string()).unwrap_or_default();
        let src = c.source().await.unwrap_or_default();
        let _ = c.close().await;
        panic!("{e} at {url}: {}", src.chars().take(3000).collect::<String>());
    }
    let _ = c.close().await;
    assert_eq!(sql_count(&app, &format!("SELECT COUNT(*) FROM attendance WHERE tenant_id = {t} AND meeting_id = {meeting} AND method = 'qr'")).await, 1);
}
