//! The API's handlers, one small function per route: parse the request, call the engine,
//! answer with the reply's JSON. Routing is in `mod.rs`.

use super::AppState;
use super::error::{ApiError, ErrorKind, JsonBody};
use super::limit::ClientKey;
use crate::core::Context;
use crate::core::record::{Asked, ChatKind, Feedback, Platform};
use axum::Extension;
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::{Value, json};
use std::time::Instant;

/// Longest conversation id accepted.
pub const MAX_CONVERSATION_CHARS: usize = 64;

/// `POST /v1/ask`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AskRequest {
    pub question: String,
    /// An id the client chooses for one conversation (1–64 of `A-Z a-z 0-9 _ -`), so that
    /// follow-up questions can be understood in context.
    #[serde(default)]
    pub conversation: Option<String>,
}

/// `POST /v1/feedback`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FeedbackRequest {
    pub id: String,
    pub helpful: bool,
}

/// Answers a question, and records it for curators like every front end.
pub async fn ask(
    State(app): State<AppState>,
    Extension(client): Extension<ClientKey>,
    JsonBody(request): JsonBody<AskRequest>,
) -> Result<Response, ApiError> {
    let conversation = match request.conversation.as_deref() {
        Some(id) if !valid_conversation(id) => return Err(bad_conversation(&app)),
        other => other,
    };
    // With a conversation id, the question is read in that conversation's context (kept per
    // client and id, bounded and expiring) and the context it leaves is stored back; without
    // one it is answered on its own.
    let started = std::time::Instant::now();
    let key = conversation.map(|id| (client.0.clone(), id.to_string()));
    let context = key.as_ref().and_then(|k| app.conversations.get(k, started));
    let reply = match &key {
        Some(_) => app.engine.ask_in(&request.question, context.as_ref()),
        None => app.engine.ask(&request.question),
    };
    if let Some(key) = key {
        let next = context.unwrap_or_default().after(&reply);
        app.conversations.put(key, next, started);
    }
    let asker = format!("web:{}", client.0);
    app.recorder.asked(&Asked {
        elapsed: started.elapsed(),
        reply: &reply,
        platform: Platform::Web,
        chat: ChatKind::Private,
        asker: Some(&asker),
    });
    reply_response(&app, &reply, conversation)
}

/// The reply's JSON as a response (written by the server's [`super::reply::ReplyWriter`]).
fn reply_response(
    app: &AppState,
    reply: &crate::core::Reply,
    conversation: Option<&str>,
) -> Result<Response, ApiError> {
    match app.replies.write(reply, conversation) {
        Ok(bytes) => {
            let mut response = Response::new(axum::body::Body::from(bytes));
            response.headers_mut().insert(
                header::CONTENT_TYPE,
                header::HeaderValue::from_static("application/json"),
            );
            Ok(response)
        }
        Err(e) => {
            tracing::error!(error = %e, "http: a reply could not be written as JSON");
            Err(app.texts.error(ErrorKind::Internal, None))
        }
    }
}

/// Whether `id` is a usable conversation id.
pub fn valid_conversation(id: &str) -> bool {
    (1..=MAX_CONVERSATION_CHARS).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

/// `GET /v1/entries/{id}`: the conversation an opened entry belongs to, if any.
#[derive(Debug, Deserialize)]
pub struct EntryQuery {
    #[serde(default)]
    pub conversation: Option<String>,
}

/// The full answer of one entry (a related question, a menu choice, a link, the choice of a
/// clarifying question). With `?conversation=`, that conversation is about this entry now.
pub async fn entry(
    State(app): State<AppState>,
    Extension(client): Extension<ClientKey>,
    Path(id): Path<String>,
    Query(query): Query<EntryQuery>,
) -> Result<Response, ApiError> {
    let conversation = query.conversation.as_deref();
    if conversation.is_some_and(|c| !valid_conversation(c)) {
        return Err(bad_conversation(&app));
    }
    let Some(reply) = app.engine.answer_by_id(&id) else {
        return Err(app.texts.error(ErrorKind::UnknownEntry, None));
    };
    if let Some(c) = conversation {
        let next = Context::default().after(&reply);
        app.conversations
            .put((client.0, c.to_string()), next, Instant::now());
    }
    reply_response(&app, &reply, conversation)
}

/// The error for a conversation id [`valid_conversation`] refuses.
fn bad_conversation(app: &AppState) -> ApiError {
    app.texts.error(
        ErrorKind::BadRequest,
        Some(format!(
            "conversation: 1 to {MAX_CONVERSATION_CHARS} characters of A-Z a-z 0-9 _ -"
        )),
    )
}

/// Categories and topics, for a menu (built once when the server starts).
pub async fn topics(State(app): State<AppState>) -> Response {
    (
        [(header::CONTENT_TYPE, "application/json")],
        app.topics.clone(),
    )
        .into_response()
}

/// A 👍 or 👎 on an answer, recorded for curators like the chat buttons.
pub async fn feedback(
    State(app): State<AppState>,
    JsonBody(request): JsonBody<FeedbackRequest>,
) -> Result<Json<Value>, ApiError> {
    let kb = app.engine.knowledge();
    if kb.title_of(&request.id).is_none() {
        return Err(app.texts.error(ErrorKind::UnknownEntry, None));
    }
    app.recorder.feedback(&Feedback {
        answer_id: &request.id,
        helpful: request.helpful,
        platform: Platform::Web,
    });
    Ok(Json(json!({
        "id": request.id,
        "helpful": request.helpful,
        "message": kb.messages.get("web", "feedback-thanks"),
    })))
}

/// The OpenAPI 3.1 document of this API.
pub async fn openapi() -> Response {
    ([(header::CONTENT_TYPE, "application/json")], super::OPENAPI).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conversation_ids_are_short_and_plain() {
        assert!(valid_conversation("3f2a9c1e-7b44-4c1d-9e0f-0a1b2c3d4e5f"));
        assert!(valid_conversation("a"));
        for bad in ["", "dengan spasi", "<script>", &"x".repeat(65), "ü"] {
            assert!(!valid_conversation(bad), "{bad:?} accepted");
        }
    }
}
