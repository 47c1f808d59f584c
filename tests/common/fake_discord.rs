//! A fake Discord on 127.0.0.1 for driving the real serenity client: the REST API (axum) and
//! the gateway (tokio-tungstenite), both started by the test itself.
//!
//! Every REST request is recorded and checked against the vendored OpenAPI subset and against
//! the limits and rules Discord enforces beyond it (2,000 characters of content, 6,000 in all
//! embeds, unique custom ids) plus netral's own rule that every message carries
//! `allowed_mentions` with an empty `parse` list. Problems are collected as violations; tests
//! end with [`FakeDiscord::assert_clean`].

use super::openapi::Spec;
use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::net::TcpListener;
use tokio::sync::{Notify, mpsc};
use tokio_tungstenite::tungstenite::Message as WsMessage;

pub const APP_ID: &str = "700000000000000001";
pub const BOT_ID: &str = "700000000000000001";
pub const GUILD_ID: &str = "800000000000000001";
pub const CHANNEL_ID: &str = "810000000000000001";
pub const DM_CHANNEL_ID: &str = "820000000000000001";
pub const USER_ID: &str = "900000000000000001";

/// Bounds every wait of the tests.
pub const WAIT: Duration = Duration::from_secs(10);

/// One REST request as the fake saw it.
#[derive(Debug, Clone)]
pub struct Request {
    pub method: String,
    /// Path without the `/api/v10` prefix.
    pub path: String,
    pub body: Value,
    pub authorization: Option<String>,
}

#[derive(Default)]
struct Shared {
    requests: Vec<Request>,
    violations: Vec<String>,
    /// Frames received on the gateway (Identify, heartbeats…), as JSON.
    gateway_in: Vec<Value>,
    /// Close codes the client sent.
    closes: Vec<u16>,
    /// Fail this many upcoming channel message posts with a 400.
    fail_messages: usize,
    /// Answer this many upcoming `GET /gateway` with a 502 (Discord unreachable).
    refuse_gateway: usize,
    /// Answer `GET /gateway` with a 401 (a rejected token).
    reject_token: bool,
    ws_url: String,
    next_seq: u64,
    next_id: u64,
}

#[derive(Clone)]
pub struct FakeDiscord {
    shared: Arc<Mutex<Shared>>,
    changed: Arc<Notify>,
    spec: Arc<Spec>,
    /// Sends frames to the connected gateway session.
    session: Arc<Mutex<Option<mpsc::UnboundedSender<WsMessage>>>>,
    pub base_url: String,
}

impl FakeDiscord {
    pub async fn start() -> FakeDiscord {
        let rest = TcpListener::bind("127.0.0.1:0").await.expect("bind REST");
        let gateway = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind gateway");
        let base_url = format!("http://{}", rest.local_addr().expect("addr"));
        let ws_url = format!("ws://{}", gateway.local_addr().expect("addr"));
        let fake = FakeDiscord {
            shared: Arc::new(Mutex::new(Shared {
                ws_url,
                next_seq: 1,
                next_id: 1_000_000_000_000_000_000,
                ..Shared::default()
            })),
            changed: Arc::new(Notify::new()),
            spec: Arc::new(Spec::discord()),
            session: Arc::new(Mutex::new(None)),
            base_url,
        };
        let app = Router::new()
            .fallback(rest_handler)
            .with_state(fake.clone());
        tokio::spawn(async move {
            let _ = axum::serve(rest, app).await;
        });
        let gw = fake.clone();
        tokio::spawn(async move {
            while let Ok((stream, _)) = gateway.accept().await {
                let gw = gw.clone();
                tokio::spawn(async move { gw.session_loop(stream).await });
            }
        });
        fake
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Shared> {
        self.shared.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn next_id(&self) -> String {
        let mut s = self.lock();
        s.next_id += 1;
        s.next_id.to_string()
    }

    fn violation(&self, v: String) {
        self.lock().violations.push(v);
    }

    pub fn requests(&self) -> Vec<Request> {
        self.lock().requests.clone()
    }

    pub fn gateway_frames(&self) -> Vec<Value> {
        self.lock().gateway_in.clone()
    }

    pub fn close_codes(&self) -> Vec<u16> {
        self.lock().closes.clone()
    }

    /// The next `n` start-up requests for the gateway fail with 502 Bad Gateway.
    pub fn refuse_gateway(&self, n: usize) {
        self.lock().refuse_gateway = n;
    }

    /// Every request for the gateway is refused with 401 Unauthorized.
    pub fn reject_token(&self) {
        self.lock().reject_token = true;
    }

    pub fn fail_next_messages(&self, n: usize) {
        self.lock().fail_messages = n;
    }

    /// Waits until `find` returns something for the state, or panics after [`WAIT`].
    pub async fn wait_for<T>(&self, what: &str, find: impl Fn(&FakeView) -> Option<T>) -> T {
        let deadline = tokio::time::Instant::now() + WAIT;
        loop {
            let notified = self.changed.notified();
            {
                let s = self.lock();
                let view = FakeView {
                    requests: &s.requests,
                    gateway_in: &s.gateway_in,
                    closes: &s.closes,
                };
                if let Some(found) = find(&view) {
                    return found;
                }
            }
            if tokio::time::timeout_at(deadline, notified).await.is_err() {
                panic!(
                    "timed out waiting for {what}; requests so far: {:#?}",
                    self.requests()
                        .iter()
                        .map(|r| format!("{} {}", r.method, r.path))
                        .collect::<Vec<_>>()
                );
            }
        }
    }

    /// Waits for the request of `method` to a path matching `matches`, returns the `n`-th one.
    pub async fn wait_request(&self, method: &str, matches: impl Fn(&str) -> bool) -> Request {
        self.wait_for(&format!("{method} request"), |v| {
            v.requests
                .iter()
                .find(|r| r.method == method && matches(&r.path))
                .cloned()
        })
        .await
    }

    /// Waits until the client has identified on the gateway and registered its commands.
    pub async fn wait_ready(&self) {
        self.wait_request("PUT", |p| p.ends_with("/commands")).await;
    }

    /// Sends a dispatch event (op 0) to the connected session.
    pub fn dispatch(&self, event: &str, d: Value) {
        let seq = {
            let mut s = self.lock();
            s.next_seq += 1;
            s.next_seq
        };
        let frame = json!({"op": 0, "t": event, "s": seq, "d": d}).to_string();
        let session = self.session.lock().unwrap_or_else(|p| p.into_inner());
        session
            .as_ref()
            .expect("a gateway session is connected")
            .send(WsMessage::Text(frame.into()))
            .expect("session alive");
    }

    /// Panics with every violation seen so far.
    pub fn assert_clean(&self) {
        let v = self.lock().violations.clone();
        assert!(
            v.is_empty(),
            "the fake Discord saw violations:\n{}",
            v.join("\n")
        );
    }

    async fn session_loop(&self, stream: tokio::net::TcpStream) {
        let Ok(ws) = tokio_tungstenite::accept_async(stream).await else {
            return;
        };
        let (mut sink, mut source) = ws.split();
        let (tx, mut rx) = mpsc::unbounded_channel::<WsMessage>();
        let mut writer = tokio::spawn(async move {
            while let Some(m) = rx.recv().await {
                if matches!(m, WsMessage::Close(_)) {
                    // tungstenite has queued the reply to the client's close frame: flush it.
                    let _ = sink.flush().await;
                    let _ = sink.close().await;
                    break;
                }
                if sink.send(m).await.is_err() {
                    break;
                }
            }
        });
        let hello = json!({"op": 10, "d": {"heartbeat_interval": 41250}}).to_string();
        let _ = tx.send(WsMessage::Text(hello.into()));
        while let Some(Ok(msg)) = source.next().await {
            let text = match msg {
                WsMessage::Text(t) => t.to_string(),
                WsMessage::Close(frame) => {
                    let code = frame.map_or(1005, |f| u16::from(f.code));
                    self.lock().closes.push(code);
                    self.changed.notify_waiters();
                    let _ = tx.send(WsMessage::Close(None));
                    break;
                }
                _ => continue,
            };
            let Ok(frame) = serde_json::from_str::<Value>(&text) else {
                self.violation(format!("gateway: not JSON: {text}"));
                continue;
            };
            self.lock().gateway_in.push(frame.clone());
            match frame["op"].as_u64() {
                Some(1) => {
                    let _ = tx.send(WsMessage::Text(json!({"op": 11}).to_string().into()));
                }
                Some(2) => {
                    *self.session.lock().unwrap_or_else(|p| p.into_inner()) = Some(tx.clone());
                    let ws_url = self.lock().ws_url.clone();
                    let ready = json!({"op": 0, "t": "READY", "s": 1, "d": {
                        "v": 10,
                        "user": {"id": BOT_ID, "username": "netral", "discriminator": "0000",
                                 "global_name": null, "avatar": null, "bot": true},
                        "guilds": [],
                        "session_id": "fake-session",
                        "resume_gateway_url": ws_url,
                        "application": {"id": APP_ID, "flags": 0},
                    }});
                    let _ = tx.send(WsMessage::Text(ready.to_string().into()));
                }
                _ => {}
            }
            self.changed.notify_waiters();
        }
        // Let the writer send the close reply; it ends after that.
        let _ = tokio::time::timeout(Duration::from_secs(1), &mut writer).await;
        writer.abort();
    }

    fn message_object(&self, channel_id: &str, body: &Value) -> Value {
        json!({
            "id": self.next_id(),
            "channel_id": channel_id,
            "author": {"id": BOT_ID, "username": "netral", "discriminator": "0000",
                       "global_name": null, "avatar": null, "bot": true},
            "content": body["content"].as_str().unwrap_or(""),
            "timestamp": "2026-11-23T10:00:00.000000+00:00",
            "edited_timestamp": null,
            "tts": false,
            "mention_everyone": false,
            "mentions": [],
            "mention_roles": [],
            "attachments": [],
            "embeds": [],
            "pinned": false,
            "type": 0,
        })
    }

    /// Discord's rules beyond the schema, and netral's rule on mentions.
    fn check_message(&self, at: &str, data: &Value) {
        let mut errors = Vec::new();
        if data["allowed_mentions"]["parse"] != json!([]) {
            errors.push(format!(
                "{at}: allowed_mentions.parse must be present and empty, got {}",
                data["allowed_mentions"]
            ));
        }
        let units = |v: &Value| v.as_str().map_or(0, |s| s.encode_utf16().count());
        if units(&data["content"]) > 2000 {
            errors.push(format!("{at}: content over 2,000 characters"));
        }
        let embeds = data["embeds"].as_array().cloned().unwrap_or_default();
        if embeds.len() > 10 {
            errors.push(format!("{at}: more than 10 embeds"));
        }
        let total: usize = embeds
            .iter()
            .map(|e| {
                units(&e["title"])
                    + units(&e["description"])
                    + units(&e["footer"]["text"])
                    + units(&e["author"]["name"])
                    + e["fields"]
                        .as_array()
                        .into_iter()
                        .flatten()
                        .map(|f| units(&f["name"]) + units(&f["value"]))
                        .sum::<usize>()
            })
            .sum();
        if total > 6000 {
            errors.push(format!("{at}: embeds total {total} characters, over 6,000"));
        }
        let mut ids = Vec::new();
        for row in data["components"].as_array().into_iter().flatten() {
            let comps = row["components"].as_array().cloned().unwrap_or_default();
            if comps.len() > 5 {
                errors.push(format!("{at}: more than 5 components in a row"));
            }
            for c in comps {
                if let Some(id) = c["custom_id"].as_str() {
                    if ids.contains(&id.to_string()) {
                        errors.push(format!("{at}: duplicate custom_id {id}"));
                    }
                    ids.push(id.to_string());
                }
            }
        }
        if data["components"].as_array().is_some_and(|r| r.len() > 5) {
            errors.push(format!("{at}: more than 5 action rows"));
        }
        for e in errors {
            self.violation(e);
        }
    }
}

/// What `wait_for` predicates look at.
pub struct FakeView<'a> {
    pub requests: &'a [Request],
    pub gateway_in: &'a [Value],
    pub closes: &'a [u16],
}

async fn rest_handler(
    State(fake): State<FakeDiscord>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let full_path = uri.path().to_string();
    let query = uri.query().unwrap_or("").to_string();
    let method = method.as_str().to_string();
    let json_body: Option<Value> = if body.is_empty() {
        None
    } else {
        match serde_json::from_slice(&body) {
            Ok(v) => Some(v),
            Err(_) => {
                fake.violation(format!("{method} {full_path}: body is not JSON"));
                None
            }
        }
    };
    for v in fake
        .spec
        .check(&method, &full_path, &query, json_body.as_ref())
    {
        fake.violation(v);
    }
    let path = full_path
        .strip_prefix("/api/v10")
        .unwrap_or(&full_path)
        .to_string();
    let authorization = headers
        .get("authorization")
        .and_then(|h| h.to_str().ok())
        .map(str::to_string);
    let body = json_body.unwrap_or(Value::Null);
    let segs: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    let at = format!("{method} {path}");
    let response = match (method.as_str(), segs.as_slice()) {
        ("GET", ["gateway"]) => {
            let mut s = fake.lock();
            if s.reject_token {
                (
                    StatusCode::UNAUTHORIZED,
                    axum::Json(json!({"message": "401: Unauthorized", "code": 0})),
                )
                    .into_response()
            } else if s.refuse_gateway > 0 {
                s.refuse_gateway -= 1;
                StatusCode::BAD_GATEWAY.into_response()
            } else {
                (StatusCode::OK, axum::Json(json!({"url": s.ws_url.clone()}))).into_response()
            }
        }
        ("PUT", ["applications", app, "commands"])
        | ("PUT", ["applications", app, "guilds", _, "commands"]) => {
            let commands: Vec<Value> = body
                .as_array()
                .into_iter()
                .flatten()
                .map(|c| {
                    let mut c = c.clone();
                    c["id"] = json!(fake.next_id());
                    c["application_id"] = json!(app);
                    c["version"] = json!(fake.next_id());
                    c["type"] = json!(1);
                    c
                })
                .collect();
            (StatusCode::OK, axum::Json(Value::Array(commands))).into_response()
        }
        ("POST", ["interactions", _, _, "callback"]) => {
            let kind = body["type"].as_u64().unwrap_or(0);
            if matches!(kind, 4 | 5 | 7) {
                fake.check_message(&at, &body["data"]);
            }
            StatusCode::NO_CONTENT.into_response()
        }
        ("PATCH", ["webhooks", _, _, "messages", "@original"]) | ("POST", ["webhooks", _, _]) => {
            fake.check_message(&at, &body);
            (
                StatusCode::OK,
                axum::Json(fake.message_object(CHANNEL_ID, &body)),
            )
                .into_response()
        }
        ("POST", ["channels", channel, "messages"]) => {
            fake.check_message(&at, &body);
            let fail = {
                let mut s = fake.lock();
                let fail = s.fail_messages > 0;
                s.fail_messages = s.fail_messages.saturating_sub(1);
                fail
            };
            if fail {
                (
                    StatusCode::BAD_REQUEST,
                    axum::Json(json!({"message": "Invalid Form Body", "code": 50035})),
                )
                    .into_response()
            } else {
                (
                    StatusCode::OK,
                    axum::Json(fake.message_object(channel, &body)),
                )
                    .into_response()
            }
        }
        _ => {
            fake.violation(format!("{at}: the fake does not serve this route"));
            (
                StatusCode::NOT_FOUND,
                axum::Json(json!({"message": "404: Not Found", "code": 0})),
            )
                .into_response()
        }
    };
    {
        let mut s = fake.lock();
        s.requests.push(Request {
            method,
            path,
            body,
            authorization,
        });
    }
    fake.changed.notify_waiters();
    response
}

// ---- gateway event payloads --------------------------------------------------------------

pub fn user(id: &str, name: &str) -> Value {
    json!({"id": id, "username": name, "discriminator": "0000", "global_name": name,
           "avatar": null, "bot": false})
}

fn member(id: &str) -> Value {
    json!({"user": user(id, "penanya"), "roles": [], "joined_at": "2024-01-01T00:00:00.000000+00:00",
           "deaf": false, "mute": false, "flags": 0, "permissions": "0"})
}

fn interaction(id: &str, kind: u8, data: Value, in_guild: bool, extra: Value) -> Value {
    let mut i = json!({
        "id": id,
        "application_id": APP_ID,
        "type": kind,
        "data": data,
        "channel_id": if in_guild { CHANNEL_ID } else { DM_CHANNEL_ID },
        "token": format!("itoken-{id}"),
        "version": 1,
        "locale": "id",
        "entitlements": [],
        "attachment_size_limit": 8_388_608,
        "app_permissions": "0",
        "authorizing_integration_owners": {},
        "context": if in_guild { 0 } else { 1 },
    });
    if in_guild {
        i["guild_id"] = json!(GUILD_ID);
        i["guild_locale"] = json!("id");
        i["member"] = member(USER_ID);
    } else {
        i["user"] = user(USER_ID, "penanya");
    }
    if let (Some(obj), Some(extra)) = (i.as_object_mut(), extra.as_object()) {
        for (k, v) in extra {
            obj.insert(k.clone(), v.clone());
        }
    }
    i
}

/// `/tanya pertanyaan:<question>` in the guild.
pub fn tanya(id: &str, question: &str) -> Value {
    interaction(
        id,
        2,
        json!({"id": "710000000000000001", "name": "tanya", "type": 1,
               "options": [{"name": "pertanyaan", "type": 3, "value": question}]}),
        true,
        json!({}),
    )
}

/// A slash command without options.
pub fn command(id: &str, name: &str, in_guild: bool) -> Value {
    interaction(
        id,
        2,
        json!({"id": "710000000000000002", "name": name, "type": 1}),
        in_guild,
        json!({}),
    )
}

/// The user is typing `typed` into `/tanya`'s question.
pub fn autocomplete(id: &str, typed: &str) -> Value {
    interaction(
        id,
        4,
        json!({"id": "710000000000000001", "name": "tanya", "type": 1,
               "options": [{"name": "pertanyaan", "type": 3, "value": typed, "focused": true}]}),
        true,
        json!({}),
    )
}

/// A press on the button `custom_id` (or a choice of `values` in the select menu).
pub fn component(id: &str, custom_id: &str, values: Option<&[&str]>) -> Value {
    let data = match values {
        Some(v) => json!({"custom_id": custom_id, "component_type": 3, "values": v}),
        None => json!({"custom_id": custom_id, "component_type": 2}),
    };
    let message = json!({
        "id": "830000000000000001", "channel_id": CHANNEL_ID,
        "author": {"id": BOT_ID, "username": "netral", "discriminator": "0000", "avatar": null, "bot": true},
        "content": "", "timestamp": "2026-11-23T10:00:00.000000+00:00", "edited_timestamp": null,
        "tts": false, "mention_everyone": false, "mentions": [], "mention_roles": [],
        "attachments": [], "embeds": [], "pinned": false, "type": 20, "components": [],
    });
    interaction(id, 3, data, true, json!({"message": message}))
}

/// A message from a user; `guild` false makes it a DM; `mentions` lists mentioned user ids.
pub fn message(id: &str, content: &str, guild: bool, mentions: &[&str], everyone: bool) -> Value {
    let mut m = json!({
        "id": id,
        "channel_id": if guild { CHANNEL_ID } else { DM_CHANNEL_ID },
        "author": user(USER_ID, "penanya"),
        "content": content,
        "timestamp": "2026-11-23T10:00:00.000000+00:00",
        "edited_timestamp": null,
        "tts": false,
        "mention_everyone": everyone,
        "mentions": mentions.iter().map(|m| user(m, "disebut")).collect::<Vec<_>>(),
        "mention_roles": [],
        "attachments": [],
        "embeds": [],
        "pinned": false,
        "type": 0,
    });
    if guild {
        m["guild_id"] = json!(GUILD_ID);
        m["member"] = json!({"roles": [], "joined_at": "2024-01-01T00:00:00.000000+00:00",
                             "deaf": false, "mute": false, "flags": 0});
    }
    m
}
