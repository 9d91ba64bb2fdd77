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
