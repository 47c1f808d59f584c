//! The HTTP front end as a client sees it: a real server on 127.0.0.1, a real HTTP client, and
//! every response checked against the OpenAPI document the server itself serves.

#[allow(dead_code)]
mod common;

use common::openapi::Spec;
use netral::core::Engine;
use netral::core::record::{Asked, Feedback, Platform, Recorder};
use netral::http::{ClientLimit, HttpConfig, Origins};
use serde_json::{Value, json};
use std::collections::BTreeSet;
use std::sync::{Arc, Mutex, OnceLock};

/// The tests that serve share the process-wide health state (`Health::global`): one at a time.
async fn serial() -> tokio::sync::MutexGuard<'static, ()> {
    static LOCK: OnceLock<tokio::sync::Mutex<()>> = OnceLock::new();
    LOCK.get_or_init(|| tokio::sync::Mutex::new(()))
        .lock()
        .await
}

fn engine() -> Arc<Engine> {
    static ENGINE: OnceLock<Arc<Engine>> = OnceLock::new();
    ENGINE
        .get_or_init(|| Arc::new(Engine::builtin().expect("built-in knowledge")))
        .clone()
}

/// A question as recorded: platform, entry answered, asker key.
type AskedEvent = (Platform, Option<String>, Option<String>);

/// What the server reported for curators.
#[derive(Default)]
struct Recorded {
    asked: Mutex<Vec<AskedEvent>>,
    feedback: Mutex<Vec<(String, bool, Platform)>>,
}

impl Recorder for Recorded {
    fn asked(&self, e: &Asked<'_>) {
        self.asked.lock().unwrap().push((
            e.platform,
            e.reply.id.clone(),
            e.asker.map(str::to_string),
        ));
    }
    fn feedback(&self, e: &Feedback<'_>) {
        self.feedback
            .lock()
            .unwrap()
            .push((e.answer_id.to_string(), e.helpful, e.platform));
    }
}

/// A server on a free port of 127.0.0.1, stopped when dropped.
struct Server {
    base: String,
    recorded: Arc<Recorded>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    client: reqwest::Client,
}

impl Server {
    async fn start(config: HttpConfig) -> Server {
        let recorded = Arc::new(Recorded::default());
        let listener = netral::http::bind(&config).await.expect("bind");
        let addr = listener.local_addr().unwrap();
        // Counted in the shared metrics like in production, then recorded here.
        let recorder = Arc::new(netral::metrics::Metered::new(recorded.clone()));
        let app = netral::http::router(engine(), recorder, &config);
        // Up in the shared health state, as `netral http` registers itself once listening.
        netral::metrics::Health::global().set_connected("http", true);
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        tokio::spawn(netral::http::serve_until(listener, app, async move {
            let _ = rx.await;
        }));
        Server {
            base: format!("http://{addr}"),
            recorded,
            stop: Some(tx),
            client: reqwest::Client::new(),
        }
    }

    /// The default configuration, but with room for the many requests one test sends (the
    /// per-client limit has its own test).
    async fn default() -> Server {
        Server::start(HttpConfig {
            client_limit: Some(ClientLimit {
                per_minute: 6_000,
                burst: 1_000,
            }),
            ..HttpConfig::new("127.0.0.1:0")
        })
        .await
    }

    fn request(&self, method: &str, path: &str) -> reqwest::RequestBuilder {
        let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
        self.client.request(method, format!("{}{path}", self.base))
    }

    async fn json(&self, method: &str, path: &str, body: &Value) -> (u16, Value) {
        let r = self
            .request(method, path)
            .header("content-type", "application/json")
            .body(body.to_string())
            .send()
            .await
            .expect("request");
        read(r).await
    }

    async fn get(&self, path: &str) -> (u16, Value) {
        read(self.request("GET", path).send().await.expect("request")).await
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(tx) = self.stop.take() {
            let _ = tx.send(());
        }
    }
}

async fn read(r: reqwest::Response) -> (u16, Value) {
    let status = r.status().as_u16();
    let content_type = r
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    let bytes = r.bytes().await.expect("body");
    assert!(
        content_type.starts_with("application/json"),
        "{status}: content type {content_type:?}, body {:?}",
        String::from_utf8_lossy(&bytes)
    );
    let body = serde_json::from_slice(&bytes).expect("the body is JSON");
    (status, body)
}

/// An error answer: JSON with a code and a message, and nothing of the server's insides.
fn assert_error(status: u16, body: &Value, expected_status: u16, code: &str) {
    assert_eq!(status, expected_status, "{body}");
    assert_eq!(body["error"], code, "{body}");
    let message = body["message"].as_str().expect("a message");
    assert!(!message.is_empty());
    let text = body.to_string();
    for leak in [
        "panicked",
        "src/",
        ".rs:",
        "RUST_BACKTRACE",
        "axum",
        "serde",
    ] {
        assert!(!text.contains(leak), "error leaks {leak}: {text}");
    }
}

/// Checks each response against the served OpenAPI document and remembers which documented
/// responses were seen.
struct Checked {
    spec: Spec,
    seen: BTreeSet<(String, String, u16)>,
}

impl Checked {
    async fn new(server: &Server) -> Checked {
        let (status, doc) = server.get("/openapi.json").await;
        assert_eq!(status, 200);
        assert_eq!(doc["openapi"], "3.1.0");
        let mut checked = Checked {
            spec: Spec::new(doc.clone(), ""),
            seen: BTreeSet::new(),
        };
        checked.check("GET", "/openapi.json", 200, &doc);
        checked
    }

    fn check(&mut self, method: &str, path: &str, status: u16, body: &Value) {
        let (template, errors) = self.spec.check_response(method, path, status, body);
        assert!(
            errors.is_empty(),
            "{method} {path} → {status}: {errors:#?}\n{body:#}"
        );
        self.seen.insert((method.to_string(), template, status));
    }
}

#[tokio::test]
async fn every_documented_response_happens_and_matches_the_document() {
    let _serial = serial().await;
    let server = Server::default().await;
    let mut api = Checked::new(&server).await;

    // Health, shared with the other front ends: a component that is down makes it 503.
    let (status, health) = server.get("/healthz").await;
    api.check("GET", "/healthz", status, &health);
    assert_eq!((status, health["status"].as_str()), (200, Some("ok")));
    let shared = netral::metrics::Health::global();
    shared.set_down("uji", "dimatikan oleh tes");
    let (status, health) = server.get("/healthz").await;
    shared.remove("uji");
    api.check("GET", "/healthz", status, &health);
    assert_eq!(status, 503);
    assert_eq!(health["components"]["uji"], "dimatikan oleh tes");

    // A question the bot answers: verdict, legal basis, sources, related, disclaimer.
    let ask =
        json!({"question": "bolehkah asn like postingan capres?", "conversation": "percakapan-1"});
    let (status, reply) = server.json("POST", "/v1/ask", &ask).await;
    api.check("POST", "/v1/ask", status, &reply);
    assert_eq!(status, 200);
    assert_eq!(reply["answered"], true);
    assert_eq!(reply["verdict"], "tidak-boleh");
    assert_eq!(reply["verdict_label"], "Tidak boleh");
    assert_eq!(reply["conversation"], "percakapan-1");
    assert!(!reply["legal_basis"].as_array().unwrap().is_empty());
    assert!(!reply["sources"].as_array().unwrap().is_empty());
    assert!(
        reply["disclaimer"]
            .as_str()
            .unwrap()
            .contains("bukan nasihat hukum")
    );
    let related = reply["related"][0].clone();
    assert!(related["id"].is_string(), "{reply}");

    // A question it declines, with suggestions; and one without a conversation.
    let (status, declined) = server
        .json(
            "POST",
            "/v1/ask",
            &json!({"question": "siapa capres yang harus saya pilih"}),
        )
        .await;
    api.check("POST", "/v1/ask", status, &declined);
    assert_eq!(declined["answered"], false);
    assert_eq!(declined["declined"]["reason"], "out-of-scope");
    assert_eq!(declined["conversation"], Value::Null);

    // Both questions were recorded for curators as web questions, with an asker key.
    let asked = server.recorded.asked.lock().unwrap().clone();
    assert_eq!(asked.len(), 2);
    assert!(
        asked
            .iter()
            .all(|(p, _, asker)| *p == Platform::Web && asker.as_deref() == Some("web:127.0.0.1"))
    );
    assert_eq!(asked[0].1, reply["id"].as_str().map(str::to_string));

    // A related question opened by id.
    let id = related["id"].as_str().unwrap();
    let (status, entry) = server.get(&format!("/v1/entries/{id}")).await;
    api.check("GET", &format!("/v1/entries/{id}"), status, &entry);
    assert_eq!(status, 200);
    assert_eq!(entry["id"], id);
    assert_eq!(entry["title"], related["title"]);
    let (status, missing) = server.get("/v1/entries/tidak-ada").await;
    api.check("GET", "/v1/entries/tidak-ada", status, &missing);
    assert_error(status, &missing, 404, "unknown-entry");
    let (status, bad) = server
        .get(&format!("/v1/entries/{id}?conversation=ada%20spasi"))
        .await;
    api.check("GET", &format!("/v1/entries/{id}"), status, &bad);
    assert_error(status, &bad, 400, "bad-request");

    // The menu: every listed topic opens.
    let (status, topics) = server.get("/v1/topics").await;
    api.check("GET", "/v1/topics", status, &topics);
    let ids: Vec<&str> = topics["categories"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|c| c["topics"].as_array().unwrap())
        .map(|t| t["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids.len(), engine().knowledge().topics.len());
    for id in ids.iter().take(5) {
        assert_eq!(server.get(&format!("/v1/entries/{id}")).await.0, 200);
    }

    // 👍 is recorded like the chat buttons; an unknown entry is not.
    let (status, thanks) = server
        .json("POST", "/v1/feedback", &json!({"id": id, "helpful": true}))
        .await;
    api.check("POST", "/v1/feedback", status, &thanks);
    assert_eq!(status, 200);
    assert!(!thanks["message"].as_str().unwrap().is_empty());
    let (status, unknown) = server
        .json(
            "POST",
            "/v1/feedback",
            &json!({"id": "tidak-ada", "helpful": false}),
        )
        .await;
    api.check("POST", "/v1/feedback", status, &unknown);
    assert_error(status, &unknown, 404, "unknown-entry");
    assert_eq!(
        *server.recorded.feedback.lock().unwrap(),
        vec![(id.to_string(), true, Platform::Web)]
    );

    // Malformed JSON, a missing field, a wrong type, an unknown field, a bad conversation id.
    for (path, raw, mentions) in [
        ("/v1/ask", "{\"question\": ", "line 1"),
        ("/v1/ask", "{}", "question"),
        ("/v1/ask", "{\"question\": 42}", "question"),
        (
            "/v1/ask",
            "{\"question\": \"a\", \"questoin\": \"b\"}",
            "questoin",
        ),
        (
            "/v1/ask",
            "{\"question\": \"a\", \"conversation\": \"ada spasi\"}",
            "conversation",
        ),
        ("/v1/feedback", "{\"id\": \"x\"}", "helpful"),
    ] {
        let r = server
            .request("POST", path)
            .header("content-type", "application/json")
            .body(raw)
            .send()
            .await
            .unwrap();
        let (status, body) = read(r).await;
        api.check("POST", path, status, &body);
        assert_error(status, &body, 400, "bad-request");
        assert!(
            body["detail"].as_str().unwrap().contains(mentions),
            "{raw}: {body}"
        );
    }

    // Not JSON, and a body over 64 KB.
    for path in ["/v1/ask", "/v1/feedback"] {
        let r = server
            .request("POST", path)
            .body("question=halo")
            .send()
            .await
            .unwrap();
        let (status, body) = read(r).await;
        api.check("POST", path, status, &body);
        assert_error(status, &body, 415, "unsupported-media-type");
        let big = json!({"question": "a".repeat(70 * 1024)});
        let (status, body) = server.json("POST", path, &big).await;
        api.check("POST", path, status, &body);
        assert_error(status, &body, 413, "payload-too-large");
    }
    // Just under the limit is fine.
    let (status, _) = server
        .json(
            "POST",
            "/v1/ask",
            &json!({"question": "a".repeat(60 * 1024)}),
        )
        .await;
    assert_eq!(status, 200);

    // 429 comes from the limit: on a server allowing one request a minute, after one request
    // every API route answers 429.
    let limited = Server::start(HttpConfig {
        client_limit: Some(ClientLimit {
            per_minute: 1,
            burst: 1,
        }),
        ..HttpConfig::new("127.0.0.1:0")
    })
    .await;
    assert_eq!(limited.get("/v1/topics").await.0, 200);
    for (method, path) in [
        ("POST", "/v1/ask"),
        ("GET", "/v1/entries/kampanye-ikut"),
        ("GET", "/v1/topics"),
        ("POST", "/v1/feedback"),
    ] {
        let r = limited
            .request(method, path)
            .header("content-type", "application/json")
            .body(r#"{"question": "halo"}"#)
            .send()
            .await
            .unwrap();
        assert!(r.headers().get("retry-after").is_some(), "{path}");
        let (status, body) = read(r).await;
        api.check(method, path, status, &body);
        assert_error(status, &body, 429, "too-many-requests");
    }

    // Questions are counted in the shared Prometheus metrics, as platform "web".
    let metrics = server.request("GET", "/metrics").send().await.unwrap();
    assert_eq!(metrics.status(), 200);
    let text = metrics.text().await.unwrap();
    assert!(
        text.lines()
            .any(|l| l.starts_with("netral_questions_total{") && l.contains("platform=\"web\"")),
        "{text}"
    );

    let missing: Vec<_> = api
        .spec
        .documented_responses()
        .into_iter()
        .filter(|r| !api.seen.contains(r))
        .collect();
    assert!(
        missing.is_empty(),
        "documented but never produced: {missing:?}"
    );
}

/// Asks `question`, in `conversation` if given; checks the reply against the document.
async fn ask_in(
    server: &Server,
    api: &mut Checked,
    question: &str,
    conversation: Option<&str>,
) -> Value {
    let body = match conversation {
        Some(c) => json!({"question": question, "conversation": c}),
        None => json!({"question": question}),
    };
    let (status, reply) = server.json("POST", "/v1/ask", &body).await;
    api.check("POST", "/v1/ask", status, &reply);
    assert_eq!(status, 200, "{reply}");
    reply
}

#[tokio::test]
async fn a_conversation_id_carries_follow_ups_and_button_choices() {
    let _serial = serial().await;
    let server = Server::default().await;
    let mut api = Checked::new(&server).await;

    // An answer, then "sanksinya apa?" in the same conversation: that answer's sanction.
    let first = ask_in(
        &server,
        &mut api,
        "bolehkah pns like postingan capres?",
        Some("obrolan-a"),
    )
    .await;
    assert_eq!(first["id"], "medsos-interaksi");
    assert_eq!(first["followup"], false);
    assert_eq!(first["context"], Value::Null);
    let sanction = ask_in(&server, &mut api, "sanksinya apa?", Some("obrolan-a")).await;
    assert_eq!(sanction["followup"], true, "{sanction}");
    assert_eq!(sanction["context"], "medsos-interaksi");
    assert_eq!(sanction["id"], "medsos-interaksi");
    let topic = engine().knowledge().topic("medsos-interaksi").cloned();
    assert_eq!(
        sanction["short_answer"].as_str(),
        topic.and_then(|t| t.sanction).as_deref()
    );

    // Another conversation (another page) knows nothing of it: the fragment is asked back.
    let elsewhere = ask_in(&server, &mut api, "sanksinya apa?", Some("obrolan-b")).await;
    assert_eq!(elsewhere["answered"], false);
    assert_eq!(elsewhere["declined"]["reason"], "needs-context");
    assert_eq!(elsewhere["followup"], false);

    // A button (an entry opened with the conversation id) moves that conversation on.
    let (status, chosen) = server
        .get("/v1/entries/hadir-kampanye?conversation=obrolan-b")
        .await;
    api.check("GET", "/v1/entries/hadir-kampanye", status, &chosen);
    assert_eq!(
        (status, chosen["conversation"].as_str()),
        (200, Some("obrolan-b"))
    );
    let now = ask_in(&server, &mut api, "dasar hukumnya?", Some("obrolan-b")).await;
    assert_eq!(now["followup"], true, "{now}");
    assert_eq!(now["context"], "hadir-kampanye");
    assert!(!now["legal_basis"].as_array().unwrap().is_empty());

    // Without a conversation id every question stands alone.
    let alone = ask_in(&server, &mut api, "sanksinya apa?", None).await;
    assert_eq!(alone["followup"], false);
    assert_eq!(alone["context"], Value::Null);
}

#[tokio::test]
async fn the_limit_is_per_client_and_says_how_long_to_wait() {
    let _serial = serial().await;
    let server = Server::start(HttpConfig {
        client_limit: Some(ClientLimit {
            per_minute: 6,
            burst: 2,
        }),
        client_header: Some("x-forwarded-for".into()),
        ..HttpConfig::new("127.0.0.1:0")
    })
    .await;
    let ask = |client: &'static str| {
        server
            .request("POST", "/v1/ask")
            .header("content-type", "application/json")
            .header("x-forwarded-for", client)
            .body(r#"{"question": "apa sanksi pns ikut kampanye"}"#)
            .send()
    };
    assert_eq!(ask("10.0.0.1").await.unwrap().status(), 200);
    assert_eq!(ask("10.0.0.1").await.unwrap().status(), 200);
    let r = ask("10.0.0.1").await.unwrap();
    let wait: u64 = r.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=10).contains(&wait), "retry after {wait}");
    let (status, body) = read(r).await;
    assert_error(status, &body, 429, "too-many-requests");
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .contains(&wait.to_string())
    );
    // Another client (the proxy's last hop names it) is served.
    assert_eq!(ask("192.0.2.7, 10.0.0.2").await.unwrap().status(), 200);
    // The page itself is not limited.
    let page = server.request("GET", "/").send().await.unwrap();
    assert_eq!(page.status(), 200);
}

#[tokio::test]
async fn unknown_routes_and_methods_get_json_errors() {
    let _serial = serial().await;
    let server = Server::default().await;
    let (status, body) = server.get("/v2/ask").await;
    assert_error(status, &body, 404, "not-found");
    let (status, body) = server.get("/v1/ask").await;
    assert_error(status, &body, 405, "method-not-allowed");
    let r = server.request("DELETE", "/v1/topics").send().await.unwrap();
    let (status, body) = read(r).await;
    assert_error(status, &body, 405, "method-not-allowed");
}

#[tokio::test]
async fn cors_is_off_unless_origins_are_allowed() {
    let _serial = serial().await;
    let closed = Server::default().await;
    let r = closed
        .request("GET", "/v1/topics")
        .header("origin", "https://contoh.go.id")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert!(r.headers().get("access-control-allow-origin").is_none());

    let open = Server::start(HttpConfig {
        origins: Origins::List(vec!["https://bkn.go.id".into()]),
        ..HttpConfig::new("127.0.0.1:0")
    })
    .await;
    let preflight = |origin: &'static str| {
        open.request("OPTIONS", "/v1/ask")
            .header("origin", origin)
            .header("access-control-request-method", "POST")
            .header("access-control-request-headers", "content-type")
            .send()
    };
    let r = preflight("https://bkn.go.id").await.unwrap();
    assert!(r.status().is_success());
    assert_eq!(
        r.headers()["access-control-allow-origin"],
        "https://bkn.go.id"
    );
    let methods = r.headers()["access-control-allow-methods"]
        .to_str()
        .unwrap()
        .to_string();
    assert!(methods.contains("POST"), "{methods}");
    let r = preflight("https://lain.example").await.unwrap();
    assert!(r.headers().get("access-control-allow-origin").is_none());
    let r = open
        .request("POST", "/v1/ask")
        .header("origin", "https://bkn.go.id")
        .header("content-type", "application/json")
        .body(r#"{"question": "halo"}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(
        r.headers()["access-control-allow-origin"],
        "https://bkn.go.id"
    );
}

#[tokio::test]
async fn the_page_and_its_assets_come_from_this_server_only() {
    let _serial = serial().await;
    let server = Server::default().await;
    let r = server.request("GET", "/").send().await.unwrap();
    assert_eq!(r.status(), 200);
    assert!(
        r.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    let csp = r.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_string();
    assert!(csp.contains("default-src 'none'") && csp.contains("connect-src 'self'"));
    let html = r.text().await.unwrap();
    assert!(html.contains("<html lang=\"id\">"));
    assert!(html.contains("Tanya Netralitas ASN"));
    assert!(html.contains("<label for=\"question\">"));
    for (path, kind) in [
        ("/assets/app.css", "text/css"),
        ("/assets/app.js", "text/javascript"),
    ] {
        let r = server.request("GET", path).send().await.unwrap();
        assert_eq!(r.status(), 200, "{path}");
        assert!(
            r.headers()["content-type"]
                .to_str()
                .unwrap()
                .starts_with(kind)
        );
        assert!(
            !r.text().await.unwrap().contains("https://"),
            "{path} loads from elsewhere"
        );
    }
}

/// The binary: `netral http --listen 127.0.0.1:0` prints where it listens, answers, and stops
/// cleanly on SIGTERM.
#[test]
fn the_binary_serves_until_sigterm() {
    use std::io::{BufRead, BufReader};
    use std::process::{Command, Stdio};
    let mut child = Command::new(env!("CARGO_BIN_EXE_netral"))
        .args(["http", "--listen", "127.0.0.1:0"])
        .env("NETRAL_DB", "off")
        .env_remove("NETRAL_HTTP_ORIGINS")
        .env_remove("NETRAL_HTTP_CLIENT_LIMIT")
        .stderr(Stdio::piped())
        .spawn()
        .expect("start netral http");
    let mut stderr = BufReader::new(child.stderr.take().unwrap());
    let mut line = String::new();
    let addr = loop {
        line.clear();
        assert!(
            stderr.read_line(&mut line).unwrap() > 0,
            "netral http exited early"
        );
        if let Some(rest) = line.trim().strip_prefix("netral http: listening on ") {
            break rest.to_string();
        }
    };
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let body = runtime.block_on(async {
        reqwest::Client::new()
            .post(format!("{addr}/v1/ask"))
            .header("content-type", "application/json")
            .body(r#"{"question": "apa sanksi pns ikut kampanye"}"#)
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap()
    });
    let reply: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(reply["answered"], true, "{body}");
    let killed = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let status = child.wait().unwrap();
    assert!(status.success(), "exit {status}");
}

/// `netral serve` starts the HTTP front end when only NETRAL_HTTP_LISTEN is set.
#[test]
fn serve_starts_http_from_the_environment() {
    use std::io::{BufRead, BufReader};
    use std::process::{Command, Stdio};
    let mut child = Command::new(env!("CARGO_BIN_EXE_netral"))
        .arg("serve")
        .env("NETRAL_DB", "off")
        .env("NETRAL_HTTP_LISTEN", "127.0.0.1:0")
        .env_remove("TELOXIDE_TOKEN")
        .env_remove("TELEGRAM_BOT_TOKEN")
        .env_remove("DISCORD_TOKEN")
        .stderr(Stdio::piped())
        .spawn()
        .expect("start netral serve");
    let mut stderr = BufReader::new(child.stderr.take().unwrap());
    let mut line = String::new();
    let mut seen = Vec::new();
    let addr = loop {
        line.clear();
        assert!(
            stderr.read_line(&mut line).unwrap() > 0,
            "netral serve exited: {seen:?}"
        );
        seen.push(line.clone());
        if let Some(rest) = line.trim().strip_prefix("netral http: listening on ") {
            break rest.to_string();
        }
    };
    assert!(seen.iter().any(|l| l.contains("starting http")), "{seen:?}");
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let status = runtime.block_on(async {
        reqwest::get(format!("{addr}/v1/topics"))
            .await
            .unwrap()
            .status()
    });
    assert_eq!(status, 200);
    Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(child.wait().unwrap().success());
}
