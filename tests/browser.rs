//! The web page in a real headless Chromium, used as a person would: type a question and press
//! Enter, see the verdict, press a related-question button, press 👍. Screenshots at phone and
//! desktop width are saved to `target/screenshots/` for review.
//!
//! Needs Debian's `chromium` and `chromium-driver` (`.ci/run` installs them when missing).
//! Driven with fantoccini over WebDriver; chromedriver and the server run on 127.0.0.1 and are
//! stopped at the end.

use fantoccini::{Client, ClientBuilder, Locator, key::Key};
use hyper_util::client::legacy::connect::HttpConnector;
use netral::core::Engine;
use netral::core::record::{Asked, Feedback, Recorder};
use netral::http::HttpConfig;
use serde_json::json;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// 👍/👎 the page sent.
#[derive(Default)]
struct Votes(Mutex<Vec<(String, bool)>>);

impl Recorder for Votes {
    fn asked(&self, _: &Asked<'_>) {}
    fn feedback(&self, e: &Feedback<'_>) {
        self.0
            .lock()
            .unwrap()
            .push((e.answer_id.to_string(), e.helpful));
    }
}

/// chromedriver on a free port of 127.0.0.1, killed when dropped.
struct Driver {
    child: Child,
    url: String,
}

impl Driver {
    fn start() -> Driver {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let child = Command::new("chromedriver")
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| {
                panic!(
                    "cannot start chromedriver ({e}): install Debian's chromium and chromium-driver \
                     (apt-get install -y chromium chromium-driver; .ci/run does this)"
                )
            });
        let deadline = Instant::now() + Duration::from_secs(20);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(Instant::now() < deadline, "chromedriver did not start");
            std::thread::sleep(Duration::from_millis(50));
        }
        Driver {
            child,
            url: format!("http://127.0.0.1:{port}"),
        }
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

async fn browser(driver: &Driver) -> Client {
    let mut caps = serde_json::Map::new();
    caps.insert(
        "goog:chromeOptions".into(),
        json!({
            "binary": "/usr/bin/chromium",
            // As root (CI) Chromium runs only without its sandbox.
            "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     "--force-device-scale-factor=1", "--hide-scrollbars", "--lang=id"]
        }),
    );
    ClientBuilder::new(HttpConnector::new())
        .capabilities(caps)
        .connect(&driver.url)
        .await
        .expect("a Chromium session")
}

fn screenshot_dir() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .parent()
        .map(|p| p.join("screenshots"))
        .expect("target dir");
    std::fs::create_dir_all(&dir).expect("screenshot dir");
    dir
}

async fn save(c: &Client, name: &str) {
    let png = c.screenshot().await.expect("screenshot");
    assert!(png.starts_with(b"\x89PNG"), "not a PNG");
    std::fs::write(screenshot_dir().join(format!("{name}.png")), png).expect("write screenshot");
}

async fn eval_bool(c: &Client, script: &str) -> bool {
    c.execute(script, vec![]).await.expect("script").as_bool() == Some(true)
}

/// Opens the page at `width`×`height`, asks, follows a related question and votes 👍.
async fn session(c: &Client, base: &str, width: u32, height: u32, name: &str, votes: &Votes) {
    c.set_window_size(width, height).await.expect("window size");
    c.goto(base).await.expect("open the page");
    let title = c.title().await.unwrap();
    assert_eq!(title, "Tanya Netralitas ASN");

    // Keyboard only: the question field has a label, takes the text, Enter sends it.
    let field = c
        .find(Locator::Css("#question"))
        .await
        .expect("question field");
    field
        .send_keys(&format!(
            "bolehkah asn like postingan capres?{}",
            char::from(Key::Enter)
        ))
        .await
        .expect("type");
    let verdict = c
        .wait()
        .at_most(Duration::from_secs(10))
        .for_element(Locator::Css(".answer .verdict"))
        .await
        .expect("a verdict appears");
    assert_eq!(verdict.text().await.unwrap(), "Tidak boleh");
    // Focus moved to the answer, so a keyboard or screen-reader user lands on it.
    assert!(
        eval_bool(
            c,
            "return document.activeElement.classList.contains('answer')"
        )
        .await
    );
    let basis = c
        .find(Locator::Css(".answer .basis li"))
        .await
        .expect("legal basis");
    assert!(
        !basis.text().await.unwrap().trim().is_empty(),
        "a legal basis line"
    );
    assert!(
        c.find(Locator::Css(".answer .sources a")).await.is_ok(),
        "sources"
    );
    let note = c.find(Locator::Css(".answer .footer-note")).await.unwrap();
    assert!(note.text().await.unwrap().contains("bukan nasihat hukum"));
    // Nothing wider than the screen.
    assert!(
        eval_bool(
            c,
            "return document.documentElement.scrollWidth <= window.innerWidth"
        )
        .await,
        "horizontal scrolling at {width}px"
    );
    save(c, &format!("{name}-answer")).await;

    // A related question, as a button.
    let related = c
        .find(Locator::Css(".answer .related button"))
        .await
        .expect("related button");
    let related_title = related.text().await.unwrap();
    // By keyboard: focus the button and press Enter (the sticky question form may cover it for a pointer).
    related
        .send_keys(&char::from(Key::Enter).to_string())
        .await
        .expect("press related");
    let second = c
        .wait()
        .at_most(Duration::from_secs(10))
        .for_element(Locator::XPath(&format!(
            "(//article[contains(@class,'answer')])[last()]//h2[normalize-space(.)={}]",
            xpath_literal(&related_title)
        )))
        .await;
    assert!(
        second.is_ok(),
        "the related answer {related_title:?} appears"
    );

    // 👍 on that answer: recorded, thanked, and the button shows it was pressed.
    let thumbs = c
        .find(Locator::XPath(
            "(//article[contains(@class,'answer')])[last()]//button[@data-helpful='true']",
        ))
        .await
        .expect("👍 button");
    assert_eq!(
        thumbs.attr("aria-label").await.unwrap().as_deref(),
        Some("Membantu")
    );
    let before = votes.0.lock().unwrap().len();
    // By keyboard, like the related question: the sticky question form may cover the button.
    thumbs
        .send_keys(&char::from(Key::Enter).to_string())
        .await
        .expect("press 👍");
    c.wait()
        .at_most(Duration::from_secs(10))
        .for_element(Locator::XPath(
            "(//article[contains(@class,'answer')])[last()]//*[contains(@class,'thanks')][normalize-space(.)!='']",
        ))
        .await
        .expect("a thank-you");
    assert_eq!(
        thumbs.attr("aria-pressed").await.unwrap().as_deref(),
        Some("true")
    );
    let recorded = votes.0.lock().unwrap().clone();
    assert_eq!(recorded.len(), before + 1);
    assert!(recorded[before].1, "recorded as helpful");
    save(c, &format!("{name}-related-feedback")).await;
}

fn xpath_literal(s: &str) -> String {
    if !s.contains('\'') {
        format!("'{s}'")
    } else {
        format!("concat('{}')", s.replace('\'', "', \"'\", '"))
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_person_asks_follows_a_related_question_and_says_it_helped() {
    let engine = Arc::new(Engine::builtin().expect("built-in knowledge"));
    let votes = Arc::new(Votes::default());
    let config = HttpConfig::new("127.0.0.1:0");
    let listener = netral::http::bind(&config).await.expect("bind");
    let base = format!("http://{}/", listener.local_addr().unwrap());
    let app = netral::http::router(engine, votes.clone(), &config);
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(netral::http::serve_until(listener, app, async move {
        let _ = stopped.await;
    }));

    let driver = Driver::start();
    let c = browser(&driver).await;
    session(&c, &base, 390, 844, "phone", &votes).await;
    session(&c, &base, 1280, 900, "desktop", &votes).await;
    c.close().await.expect("close the browser");
    drop(driver);
    let _ = stop.send(());
    server.await.unwrap().unwrap();
}
