//! A fake Telegram Bot API on 127.0.0.1 for the real teloxide `Dispatcher` (or the real binary).
//!
//! It serves `/bot<token>/<Method>` (method names case-insensitive, like Telegram), keeps a
//! queue of updates for `getUpdates` (honouring `offset`, long-polling up to `timeout`), answers
//! sends with Message objects, and records every call. Each request is checked against the
//! vendored spec and each sent text against Telegram's HTML rules; problems are collected as
//! violations that every test asserts empty. Failures can be scripted per method (429 with
//! `retry_after`, migration to a supergroup, any Bad Request), and the whole API can be taken
//! "offline" (connections dropped) to exercise back-off.

use super::html;
use super::spec::spec;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use serde_json::{Value, json};
use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::net::TcpListener;
use tokio::sync::Notify;

pub const BOT_ID: i64 = 777_000;
pub const BOT_USERNAME: &str = "NetralBot";
/// Looks like a real token; long enough that its secret half is searched for in outputs.
pub const TOKEN: &str = "123456789:AAFakeSecretPartOfTheToken_0123456789x";

/// One request the bot made.
#[derive(Debug, Clone)]
pub struct Call {
    /// Canonical method name (`sendMessage`).
    pub method: String,
    pub params: Value,
    /// Whether the fake answered with `ok: true`.
    pub ok: bool,
}

/// A scripted error answer.
#[derive(Debug, Clone)]
pub enum Failure {
    /// 429 Too Many Requests with `retry_after`.
    RetryAfter(u64),
    /// 400: the group was upgraded to the supergroup with this id.
    Migrate(i64),
    /// 400 Bad Request with this description.
    BadRequest(&'static str),
}

#[derive(Default)]
struct Inner {
    updates: Vec<(i64, Value)>,
    next_update_id: i64,
    /// Updates below this id are confirmed (the highest `offset` seen).
    confirmed: i64,
    calls: Vec<Call>,
    violations: Vec<String>,
    scripted: HashMap<String, VecDeque<Failure>>,
    chats: HashMap<i64, Value>,
    next_message_id: i64,
}

struct Shared {
    inner: Mutex<Inner>,
    changed: Notify,
    me: Value,
}

pub struct Fake {
    /// Base URL for `TELOXIDE_API_URL`.
    pub url: String,
    shared: Arc<Shared>,
    offline: Arc<AtomicBool>,
    connections: Arc<Mutex<Vec<tokio::task::AbortHandle>>>,
    tasks: Vec<tokio::task::JoinHandle<()>>,
}

impl Drop for Fake {
    fn drop(&mut self) {
        for t in &self.tasks {
            t.abort();
        }
    }
}

/// Options for the fake's getMe.
pub struct Me {
    pub can_read_all_group_messages: bool,
    pub supports_inline_queries: bool,
}

impl Default for Me {
    fn default() -> Self {
        Me {
            can_read_all_group_messages: false,
            supports_inline_queries: true,
        }
    }
}

impl Fake {
    pub async fn start() -> Fake {
        Fake::start_with(Me::default()).await
    }

    pub async fn start_with(me: Me) -> Fake {
        let me = json!({
            "id": BOT_ID, "is_bot": true, "first_name": "Netral", "username": BOT_USERNAME,
            "can_join_groups": true,
            "can_read_all_group_messages": me.can_read_all_group_messages,
            "supports_inline_queries": me.supports_inline_queries,
            "can_connect_to_business": false, "has_main_web_app": false,
        });
        let shared = Arc::new(Shared {
            inner: Mutex::new(Inner {
                next_update_id: 1000,
                next_message_id: 5000,
                ..Inner::default()
            }),
            changed: Notify::new(),
            me,
        });
        let app = Router::new()
            .route("/{token}/{method}", post(handle))
            .with_state(shared.clone());
        let api = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind fake API");
        let api_addr = api.local_addr().expect("addr");
        let server = tokio::spawn(async move {
            let _ = axum::serve(api, app).await;
        });
        // A front door that forwards connections to the API, or drops them while "offline".
        let front = TcpListener::bind("127.0.0.1:0").await.expect("bind front");
        let url = format!("http://{}", front.local_addr().expect("addr"));
        let offline = Arc::new(AtomicBool::new(false));
        let connections: Arc<Mutex<Vec<tokio::task::AbortHandle>>> = Arc::default();
        let (off, conns) = (offline.clone(), connections.clone());
        let proxy = tokio::spawn(async move {
            while let Ok((mut inbound, _)) = front.accept().await {
                if off.load(Ordering::SeqCst) {
                    drop(inbound);
                    continue;
                }
                let task = tokio::spawn(async move {
                    if let Ok(mut outbound) = tokio::net::TcpStream::connect(api_addr).await {
                        let _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound).await;
                    }
                });
                conns.lock().unwrap().push(task.abort_handle());
            }
        });
        Fake {
            url,
            shared,
            offline,
            connections,
            tasks: vec![server, proxy],
        }
    }

    /// Drops every connection (open ones too) until set back online.
    pub fn set_offline(&self, offline: bool) {
        self.offline.store(offline, Ordering::SeqCst);
        if offline {
            for c in self.connections.lock().unwrap().drain(..) {
                c.abort();
            }
        }
    }

    fn inner(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.shared.inner.lock().unwrap()
    }

    /// Queues an update (`kind` is e.g. "message", "callback_query") and returns its id.
    pub fn push(&self, kind: &str, body: Value) -> i64 {
        let id = {
            let mut inner = self.inner();
            let id = inner.next_update_id;
            inner.next_update_id += 1;
            let update = json!({"update_id": id, kind: body});
            for e in spec().check_type("Update", &update) {
                inner
                    .violations
                    .push(format!("the test's own update is invalid: {e}"));
            }
            for chat in [&update[kind]["chat"], &update[kind]["message"]["chat"]] {
                if let Some(cid) = chat["id"].as_i64() {
                    inner.chats.insert(cid, chat.clone());
                }
            }
            inner.updates.push((id, update));
            id
        };
        self.shared.changed.notify_waiters();
        id
    }

    /// A new message id for an incoming message.
    pub fn message_id(&self) -> i64 {
        let mut inner = self.inner();
        inner.next_message_id += 1;
        inner.next_message_id
    }

    /// The next call of `method` fails this way (several queue up).
    pub fn fail_next(&self, method: &str, failure: Failure) {
        self.inner()
            .scripted
            .entry(method.to_lowercase())
            .or_default()
            .push_back(failure);
    }

    pub fn calls(&self) -> Vec<Call> {
        self.inner().calls.clone()
    }

    /// Successful calls of `method`.
    pub fn ok_calls(&self, method: &str) -> Vec<Value> {
        self.inner()
            .calls
            .iter()
            .filter(|c| c.ok && c.method == method)
            .map(|c| c.params.clone())
            .collect()
    }

    /// Successful sendMessage calls to `chat`.
    pub fn sent_to(&self, chat: i64) -> Vec<Value> {
        self.ok_calls("sendMessage")
            .into_iter()
            .filter(|p| p["chat_id"].as_i64() == Some(chat))
            .collect()
    }

    /// The highest offset the bot has confirmed with getUpdates.
    pub fn confirmed(&self) -> i64 {
        self.inner().confirmed
    }

    pub fn violations(&self) -> Vec<String> {
        self.inner().violations.clone()
    }

    /// Fails the test if any request broke the spec or sent invalid HTML.
    pub fn assert_clean(&self) {
        let v = self.violations();
        assert!(v.is_empty(), "Bot API violations:\n{}", v.join("\n"));
    }

    /// Waits (at most `secs` seconds) until `pred` holds over the calls so far.
    pub async fn wait_for<T>(
        &self,
        secs: u64,
        what: &str,
        mut pred: impl FnMut(&[Call]) -> Option<T>,
    ) -> T {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(secs);
        loop {
            let notified = self.shared.changed.notified();
            tokio::pin!(notified);
            notified.as_mut().enable();
            if let Some(t) = pred(&self.inner().calls) {
                return t;
            }
            if tokio::time::timeout_at(deadline, notified).await.is_err() {
                let calls: Vec<String> = self
                    .calls()
                    .iter()
                    .map(|c| format!("{} {}", c.method, c.params))
                    .collect();
                panic!("timed out waiting for {what}; calls:\n{}", calls.join("\n"));
            }
        }
    }

    /// Waits for the `n`-th successful sendMessage to `chat` and returns them all.
    pub async fn wait_sent(&self, chat: i64, n: usize) -> Vec<Value> {
        self.wait_for(10, &format!("{n} message(s) to chat {chat}"), |calls| {
            let sent: Vec<Value> = calls
                .iter()
                .filter(|c| c.ok && c.method == "sendMessage" && c.params["chat_id"] == chat)
                .map(|c| c.params.clone())
                .collect();
            (sent.len() >= n).then_some(sent)
        })
        .await
    }
}

fn reply(status: StatusCode, body: Value) -> Response {
    (status, axum::Json(body)).into_response()
}

fn ok(result: Value) -> Response {
    reply(StatusCode::OK, json!({"ok": true, "result": result}))
}

/// Checks the texts a request would show to users.
fn check_texts(method: &str, p: &Value, violations: &mut Vec<String>) {
    let mut texts = Vec::new();
    match method {
        "sendMessage" | "editMessageText" => {
            if p["parse_mode"] != "HTML" {
                violations.push(format!("{method} without parse_mode HTML: {p}"));
            }
            texts.push(p["text"].as_str().unwrap_or(""));
        }
        "answerInlineQuery" => {
            let results = p["results"].as_array().cloned().unwrap_or_default();
            if results.len() > 50 {
                violations.push(format!("{} inline results", results.len()));
            }
            for r in p["results"].as_array().into_iter().flatten() {
                let c = &r["input_message_content"];
                if c["parse_mode"] != "HTML" {
                    violations.push(format!("inline result without parse_mode HTML: {r}"));
                }
                texts.push(c["message_text"].as_str().unwrap_or(""));
            }
        }
        "answerCallbackQuery" => {
            if let Some(t) = p["text"].as_str()
                && t.chars().count() > 200
            {
                violations.push(format!("answerCallbackQuery text over 200 characters: {t}"));
            }
        }
        _ => {}
    }
    for t in texts {
        if t.chars().count() > 4096 {
            violations.push(format!(
                "{method}: text of {} characters",
                t.chars().count()
            ));
        }
        if let Err(e) = html::check(t) {
            violations.push(format!("{method}: invalid HTML: {e}"));
        }
    }
    // Every keyboard in the request: callback data 1–64 bytes.
    let mut markups = vec![&p["reply_markup"]];
    for r in p["results"].as_array().into_iter().flatten() {
        markups.push(&r["reply_markup"]);
    }
    for m in markups {
        for row in m["inline_keyboard"].as_array().into_iter().flatten() {
            for b in row.as_array().into_iter().flatten() {
                if let Some(d) = b["callback_data"].as_str()
                    && !(1..=64).contains(&d.len())
                {
                    violations.push(format!("callback_data of {} bytes: {d}", d.len()));
                }
            }
        }
    }
}

async fn handle(
    State(shared): State<Arc<Shared>>,
    Path((token, method)): Path<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let content_type = headers
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let params = if let Some(b) = content_type.split("boundary=").nth(1) {
        multipart(&method, b.trim_matches('"'), &body)
    } else if body.iter().all(u8::is_ascii_whitespace) {
        Ok(json!({}))
    } else {
        serde_json::from_slice(&body).map_err(|e| e.to_string())
    };
    let response = match params {
        Ok(params) => answer(&shared, &token, &method, params).await,
        Err(e) => {
            shared
                .inner
                .lock()
                .unwrap()
                .violations
                .push(format!("{method}: unreadable body: {e}"));
            reply(
                StatusCode::BAD_REQUEST,
                json!({"ok": false, "error_code": 400, "description": "Bad Request: unreadable body"}),
            )
        }
    };
    shared.changed.notify_waiters();
    response
}

/// Parameters sent as multipart/form-data (teloxide does so for methods that can upload a
/// file): strings as they are, other types JSON-encoded, as Telegram reads them.
fn multipart(method: &str, boundary: &str, body: &[u8]) -> Result<Value, String> {
    let body = String::from_utf8_lossy(body);
    let mut params = serde_json::Map::new();
    for part in body.split(&format!("--{boundary}")).skip(1) {
        if part.starts_with("--") {
            break;
        }
        let (head, value) = part
            .split_once("\r\n\r\n")
            .ok_or("a part without headers")?;
        let name = head
            .split("name=\"")
            .nth(1)
            .and_then(|r| r.split('"').next())
            .ok_or("a part without a name")?;
        let value = value.strip_suffix("\r\n").unwrap_or(value);
        let types = spec().param_types(method, name);
        let as_string = types.iter().any(|t| t == "String" || t == "InputFile");
        let v = match serde_json::from_str::<Value>(value) {
            Ok(v) if !as_string => v,
            _ => Value::String(value.to_string()),
        };
        params.insert(name.to_string(), v);
    }
    Ok(Value::Object(params))
}

async fn answer(shared: &Shared, token: &str, method: &str, params: Value) -> Response {
    if token != format!("bot{TOKEN}") {
        return reply(
            StatusCode::UNAUTHORIZED,
            json!({"ok": false, "error_code": 401, "description": "Unauthorized"}),
        );
    }
    let Some(name) = spec().method_name(method) else {
        shared
            .inner
            .lock()
            .unwrap()
            .violations
            .push(format!("unknown method {method}"));
        return reply(
            StatusCode::NOT_FOUND,
            json!({"ok": false, "error_code": 404, "description": "Not Found"}),
        );
    };
    {
        let mut inner = shared.inner.lock().unwrap();
        for e in spec().check_request(&name, &params) {
            inner.violations.push(format!("{name}: {e}"));
        }
        check_texts(&name, &params, &mut inner.violations);
        if let Some(f) = inner
            .scripted
            .get_mut(&name.to_lowercase())
            .and_then(VecDeque::pop_front)
        {
            inner.calls.push(Call {
                method: name.clone(),
                params,
                ok: false,
            });
            return match f {
                Failure::RetryAfter(s) => reply(
                    StatusCode::TOO_MANY_REQUESTS,
                    json!({"ok": false, "error_code": 429,
                           "description": format!("Too Many Requests: retry after {s}"),
                           "parameters": {"retry_after": s}}),
                ),
                Failure::Migrate(id) => reply(
                    StatusCode::BAD_REQUEST,
                    json!({"ok": false, "error_code": 400,
                           "description": "Bad Request: group chat was upgraded to a supergroup chat",
                           "parameters": {"migrate_to_chat_id": id}}),
                ),
                Failure::BadRequest(d) => reply(
                    StatusCode::BAD_REQUEST,
                    json!({"ok": false, "error_code": 400, "description": format!("Bad Request: {d}")}),
                ),
            };
        }
    }
    if name == "getUpdates" {
        return get_updates(shared, params).await;
    }
    let mut inner = shared.inner.lock().unwrap();
    let result = match name.as_str() {
        "getMe" => shared.me.clone(),
        "getWebhookInfo" => {
            json!({"url": "", "has_custom_certificate": false, "pending_update_count": 0})
        }
        "sendMessage" | "editMessageText" if params.get("inline_message_id").is_none() => {
            inner.next_message_id += 1;
            let cid = params["chat_id"].as_i64().unwrap_or(0);
            let chat = inner.chats.get(&cid).cloned().unwrap_or_else(|| {
                if cid > 0 {
                    json!({"id": cid, "type": "private", "first_name": "U"})
                } else {
                    json!({"id": cid, "type": "supergroup", "title": "Grup"})
                }
            });
            let id = params["message_id"]
                .as_i64()
                .unwrap_or(inner.next_message_id);
            json!({
                "message_id": id, "date": 1_700_000_000, "chat": chat,
                "from": {"id": BOT_ID, "is_bot": true, "first_name": "Netral", "username": BOT_USERNAME},
                "text": params["text"],
            })
        }
        _ => json!(true),
    };
    inner.calls.push(Call {
        method: name,
        params,
        ok: true,
    });
    ok(result)
}

async fn get_updates(shared: &Shared, params: Value) -> Response {
    let offset = params["offset"].as_i64().unwrap_or(0);
    let limit = params["limit"].as_u64().unwrap_or(100).clamp(1, 100) as usize;
    let timeout = params["timeout"].as_u64().unwrap_or(0).min(10);
    let deadline = tokio::time::Instant::now() + Duration::from_secs(timeout);
    // Recorded on arrival (a long poll may wait); `delivered` is filled in on return.
    let index = {
        let mut inner = shared.inner.lock().unwrap();
        if offset > inner.confirmed {
            inner.confirmed = offset;
            let confirmed = inner.confirmed;
            inner.updates.retain(|(id, _)| *id >= confirmed);
        }
        inner.calls.push(Call {
            method: "getUpdates".into(),
            params: params.clone(),
            ok: true,
        });
        inner.calls.len() - 1
    };
    shared.changed.notify_waiters();
    loop {
        let notified = shared.changed.notified();
        tokio::pin!(notified);
        notified.as_mut().enable();
        {
            let mut inner = shared.inner.lock().unwrap();
            let batch: Vec<(i64, Value)> = inner
                .updates
                .iter()
                .filter(|(id, _)| *id >= offset)
                .take(limit)
                .cloned()
                .collect();
            if !batch.is_empty() || tokio::time::Instant::now() >= deadline {
                let ids: Vec<i64> = batch.iter().map(|(id, _)| *id).collect();
                inner.calls[index].params["delivered"] = json!(ids);
                drop(inner);
                shared.changed.notify_waiters();
                return ok(Value::Array(batch.into_iter().map(|(_, u)| u).collect()));
            }
        }
        let _ = tokio::time::timeout_at(deadline, notified).await;
    }
}

// ---- updates the tests send -------------------------------------------------------------------

pub fn user(id: i64) -> Value {
    json!({"id": id, "is_bot": false, "first_name": "Asn", "language_code": "id"})
}

pub fn private_chat(id: i64) -> Value {
    json!({"id": id, "type": "private", "first_name": "Asn"})
}

pub fn group_chat(id: i64) -> Value {
    json!({"id": id, "type": "supergroup", "title": "ASN Kecamatan"})
}

/// A text message from `from` in `chat`, with a fresh message id.
pub fn text(fake: &Fake, chat: Value, from: Value, text: &str) -> Value {
    json!({"message_id": fake.message_id(), "date": 1_700_000_000, "chat": chat, "from": from,
           "text": text})
}

/// A message the bot sent earlier, as it appears in `reply_to_message`.
pub fn bot_message(fake: &Fake, chat: Value, text: &str) -> Value {
    json!({"message_id": fake.message_id(), "date": 1_700_000_000, "chat": chat,
           "from": {"id": BOT_ID, "is_bot": true, "first_name": "Netral", "username": BOT_USERNAME},
           "text": text})
}
