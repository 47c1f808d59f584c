//! Every error the API gives, as JSON: `{"error": code, "message": text, "detail"?: …}` with the
//! right status. Texts come from `knowledge/messages/web.toml`; no error shows a stack trace or
//! the server's internals.
//!
//! Three ways lead here: handlers and extractors return [`ApiError`]; the router's fallbacks
//! answer unknown routes and methods; and [`ensure_json`] rewrites any other error response
//! (from a layer or axum itself) into the same shape, so a client only ever parses one kind.

use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRef, FromRequest, Request};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use std::sync::Arc;
use std::time::Duration;

use crate::knowledge::Messages;

/// What went wrong, as a stable code a client can switch on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    BadRequest,
    UnsupportedMediaType,
    TooLarge,
    NotFound,
    UnknownEntry,
    MethodNotAllowed,
    TooManyRequests,
    Internal,
}

impl ErrorKind {
    pub fn status(self) -> StatusCode {
        match self {
            ErrorKind::BadRequest => StatusCode::BAD_REQUEST,
            ErrorKind::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ErrorKind::TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            ErrorKind::NotFound | ErrorKind::UnknownEntry => StatusCode::NOT_FOUND,
            ErrorKind::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            ErrorKind::TooManyRequests => StatusCode::TOO_MANY_REQUESTS,
            ErrorKind::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The `error` field.
    pub fn code(self) -> &'static str {
        match self {
            ErrorKind::BadRequest => "bad-request",
            ErrorKind::UnsupportedMediaType => "unsupported-media-type",
            ErrorKind::TooLarge => "payload-too-large",
            ErrorKind::NotFound => "not-found",
            ErrorKind::UnknownEntry => "unknown-entry",
            ErrorKind::MethodNotAllowed => "method-not-allowed",
            ErrorKind::TooManyRequests => "too-many-requests",
            ErrorKind::Internal => "internal",
        }
    }

    fn message_key(self) -> &'static str {
        match self {
            ErrorKind::BadRequest => "error-bad-request",
            ErrorKind::UnsupportedMediaType => "error-media-type",
            ErrorKind::TooLarge => "error-too-large",
            ErrorKind::NotFound => "error-not-found",
            ErrorKind::UnknownEntry => "error-unknown-entry",
            ErrorKind::MethodNotAllowed => "error-method",
            ErrorKind::TooManyRequests => "error-too-many",
            ErrorKind::Internal => "error-internal",
        }
    }

    /// The kind answering a bare error status from elsewhere (a layer, axum itself).
    fn from_status(status: StatusCode) -> ErrorKind {
        match status {
            StatusCode::UNSUPPORTED_MEDIA_TYPE => ErrorKind::UnsupportedMediaType,
            StatusCode::PAYLOAD_TOO_LARGE => ErrorKind::TooLarge,
            StatusCode::NOT_FOUND => ErrorKind::NotFound,
            StatusCode::METHOD_NOT_ALLOWED => ErrorKind::MethodNotAllowed,
            StatusCode::TOO_MANY_REQUESTS => ErrorKind::TooManyRequests,
            s if s.is_client_error() => ErrorKind::BadRequest,
            _ => ErrorKind::Internal,
        }
    }
}

/// Message keys the HTTP front end needs in `messages/web.toml` (checked by a test).
pub const ERROR_MESSAGE_KEYS: &[&str] = &[
    "error-bad-request",
    "error-media-type",
    "error-too-large",
    "error-not-found",
    "error-unknown-entry",
    "error-method",
    "error-too-many",
    "error-internal",
];

/// The error texts, taken from the knowledge once when the router is built.
#[derive(Clone)]
pub struct ErrorTexts(Arc<Messages>);

impl ErrorTexts {
    pub fn new(messages: &Messages) -> ErrorTexts {
        ErrorTexts(Arc::new(messages.clone()))
    }

    /// The error `kind`, with `detail` saying what exactly was wrong (a field, a position).
    pub fn error(&self, kind: ErrorKind, detail: Option<String>) -> ApiError {
        let message = self.0.fill(
            "web",
            kind.message_key(),
            &[("detail", detail.as_deref().unwrap_or_default())],
        );
        ApiError {
            kind,
            message,
            detail,
            retry_after: None,
        }
    }

    /// 429, telling the client how long to wait.
    pub fn too_many(&self, wait: Duration) -> ApiError {
        let seconds = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
        let seconds = seconds.max(1);
        ApiError {
            kind: ErrorKind::TooManyRequests,
            message: self.0.fill(
                "web",
                "error-too-many",
                &[("seconds", &seconds.to_string())],
            ),
            detail: None,
            retry_after: Some(seconds),
        }
    }
}

/// An error answer of the API.
#[derive(Debug, Clone)]
pub struct ApiError {
    pub kind: ErrorKind,
    pub message: String,
    pub detail: Option<String>,
    /// Seconds, for `Retry-After`.
    pub retry_after: Option<u64>,
}

#[derive(Serialize)]
struct ErrorBody<'a> {
    error: &'a str,
    message: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    detail: Option<&'a str>,
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = ErrorBody {
            error: self.kind.code(),
            message: &self.message,
            detail: self.detail.as_deref(),
        };
        let mut response = (self.kind.status(), axum::Json(body)).into_response();
        if let Some(s) = self.retry_after {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(s));
        }
        response
    }
}

/// A JSON request body whose every failure is an [`ApiError`]: malformed JSON or a missing or
/// mistyped field is 400 (with the parser's position), a body over the limit 413, another
/// content type 415.
pub struct JsonBody<T>(pub T);

impl<S, T> FromRequest<S> for JsonBody<T>
where
    axum::Json<T>: FromRequest<S, Rejection = JsonRejection>,
    ErrorTexts: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        match axum::Json::<T>::from_request(req, state).await {
            Ok(axum::Json(value)) => Ok(JsonBody(value)),
            Err(rejection) => {
                let texts = ErrorTexts::from_ref(state);
                Err(match &rejection {
                    JsonRejection::JsonDataError(e) => {
                        texts.error(ErrorKind::BadRequest, Some(serde_detail(&e.body_text())))
                    }
                    JsonRejection::JsonSyntaxError(e) => {
                        texts.error(ErrorKind::BadRequest, Some(serde_detail(&e.body_text())))
                    }
                    JsonRejection::MissingJsonContentType(_) => {
                        texts.error(ErrorKind::UnsupportedMediaType, None)
                    }
                    other => texts.error(ErrorKind::from_status(other.status()), None),
                })
            }
        }
    }
}

/// The parser's own words without axum's prefix ("Failed to deserialize the JSON body into the
/// target type: missing field `question` at line 1 column 2" → "missing field `question` …").
fn serde_detail(text: &str) -> String {
    text.split_once(": ")
        .map_or(text, |(_, detail)| detail)
        .to_string()
}

/// The router's fallback: 404 for a route that does not exist.
pub async fn not_found(axum::extract::State(texts): axum::extract::State<ErrorTexts>) -> ApiError {
    texts.error(ErrorKind::NotFound, None)
}

/// 405 for a route that exists with another method.
pub async fn method_not_allowed(
    axum::extract::State(texts): axum::extract::State<ErrorTexts>,
) -> ApiError {
    texts.error(ErrorKind::MethodNotAllowed, None)
}

/// Rewrites an error response that is not JSON (a bare status from a layer or from axum) into
/// the API's error shape, keeping its status and headers such as `Allow` and `Retry-After`.
pub async fn ensure_json(
    axum::extract::State(texts): axum::extract::State<ErrorTexts>,
    response: Response,
) -> Response {
    let status = response.status();
    let is_json = response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"application/json"));
    if !(status.is_client_error() || status.is_server_error()) || is_json {
        return response;
    }
    let mut error = texts.error(ErrorKind::from_status(status), None);
    if error.kind == ErrorKind::TooManyRequests {
        error = texts.too_many(Duration::from_secs(1));
    }
    let mut fresh = error.into_response();
    *fresh.status_mut() = status;
    for name in [header::ALLOW, header::RETRY_AFTER] {
        if let Some(v) = response.headers().get(&name) {
            fresh.headers_mut().insert(name, v.clone());
        }
    }
    fresh
}

/// A panic in a handler (a bug) becomes a 500 JSON answer; the panic message is logged, never
/// sent.
pub fn panic_response(texts: &ErrorTexts, panic: Box<dyn std::any::Any + Send>) -> Response {
    let what = panic
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| panic.downcast_ref::<&str>().copied())
        .unwrap_or("(no message)");
    tracing::error!(panic = what, "http: a handler panicked");
    texts.error(ErrorKind::Internal, None).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_parser_detail_keeps_only_what_was_wrong() {
        assert_eq!(
            serde_detail(
                "Failed to deserialize the JSON body into the target type: missing field `question` at line 1 column 2"
            ),
            "missing field `question` at line 1 column 2"
        );
    }

    #[test]
    fn the_parser_detail_keeps_the_field_path() {
        assert_eq!(
            serde_detail(
                "Failed to deserialize the JSON body into the target type: question: invalid type: integer `1`, expected a string at line 1 column 14"
            ),
            "question: invalid type: integer `1`, expected a string at line 1 column 14"
        );
    }

    #[test]
    fn a_wait_is_rounded_up_to_whole_seconds() {
        let texts = ErrorTexts::new(&crate::knowledge::KnowledgeBase::builtin().unwrap().messages);
        assert_eq!(
            texts.too_many(Duration::from_millis(1200)).retry_after,
            Some(2)
        );
        assert_eq!(
            texts.too_many(Duration::from_millis(10)).retry_after,
            Some(1)
        );
        assert!(texts.too_many(Duration::from_secs(3)).message.contains('3'));
    }
}
