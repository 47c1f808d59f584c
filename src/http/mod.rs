//! The HTTP front end (`netral http`, and `netral serve` with `NETRAL_HTTP_LISTEN`): a JSON API
//! over the shared core, documented by an OpenAPI 3.1 document, and a self-contained web chat
//! page any agency can embed.
//!
//! Like the chat adapters it is thin: the handlers (`api.rs`) parse a request, call the engine
//! and answer with the reply as JSON (`reply.rs`); the page (`page.rs`, `assets/web/`) renders
//! that JSON in a browser. What protects the service is declared here, as tower layers: the
//! 64 KB body limit, the per-client limit (`limit.rs`), CORS by allow-list (`config.rs`),
//! panics caught, and every error answered as JSON (`error.rs`). `GET /healthz` and
//! `GET /metrics` come from `crate::metrics`, shared with the other front ends; questions are
//! counted there through the recorder, like everywhere else.

mod api;
pub mod config;
mod error;
mod limit;
mod page;
mod reply;

pub use api::{MAX_CONVERSATION_CHARS, valid_conversation};
pub use config::{ClientLimit, ConfigError, HttpConfig, Origins};
pub use page::message_keys as page_message_keys;

use crate::chat_memory::ChatMemory;
use crate::core::Engine;
use crate::core::record::Recorder;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, FromRef};
use axum::http::{HeaderName, HeaderValue, Method, header};
use axum::routing::{get, post};
use error::ErrorTexts;
use limit::{ClientLimiter, LimitState};
use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::cors::{AllowOrigin, CorsLayer};
use tower_layer::Layer;

pub use error::ERROR_MESSAGE_KEYS;

/// Largest request body accepted; a larger one is answered 413.
pub const MAX_BODY_BYTES: usize = 64 * 1024;

/// The OpenAPI 3.1 document of the API, served at `/openapi.json`.
pub const OPENAPI: &str = include_str!("openapi.json");

/// What every handler shares, behind one `Arc`: a handler's `State` costs one reference count,
/// not one per field.
#[derive(Clone)]
pub struct AppState(Arc<Shared>);

/// The fields of [`AppState`].
pub struct Shared {
    engine: Arc<Engine>,
    recorder: Arc<dyn Recorder>,
    texts: ErrorTexts,
    /// `GET /v1/topics`, built once: the knowledge does not change while serving.
    topics: Bytes,
    page: page::Page,
    /// Writes replies as JSON, with each entry's fixed parts rendered once at start-up.
    replies: reply::ReplyWriter,
    /// Each conversation's context, keyed by client and the id the client chose (in memory,
    /// bounded, expiring).
    conversations: Conversations,
}

impl std::ops::Deref for AppState {
    type Target = Shared;

    fn deref(&self) -> &Shared {
        &self.0
    }
}

/// The API's conversation memory: (client key, conversation id) → context.
type Conversations = ChatMemory<(Arc<str>, String)>;

impl FromRef<AppState> for ErrorTexts {
    fn from_ref(app: &AppState) -> ErrorTexts {
        app.texts.clone()
    }
}

/// The whole service: the routing table and the layers around it.
pub fn router(engine: Arc<Engine>, recorder: Arc<dyn Recorder>, config: &HttpConfig) -> Router {
    let kb = engine.knowledge();
    let texts = ErrorTexts::new(&kb.messages);
    let state = AppState(Arc::new(Shared {
        topics: Bytes::from(reply::topics_body(kb).to_string()),
        page: page::Page::new(&kb.messages),
        texts: texts.clone(),
        conversations: Conversations::default(),
        replies: reply::ReplyWriter::new(engine.clone())
            .expect("the knowledge's answers are written as JSON"),
        engine,
        recorder,
    }));
    let limits = Arc::new(LimitState {
        limiter: config.client_limit.map(ClientLimiter::new),
        client_header: config.client_header.clone(),
        texts: texts.clone(),
    });

    let api = Router::new()
        .route("/ask", post(api::ask))
        .route("/entries/{id}", get(api::entry))
        .route("/topics", get(api::topics))
        .route("/feedback", post(api::feedback))
        .layer(axum::middleware::from_fn_with_state(
            limits,
            limit::per_client,
        ));

    let routes = Router::new()
        .route(
            "/",
            get(|s: axum::extract::State<AppState>| async move { s.page.html() }),
        )
        .route("/assets/app.css", get(page::style))
        .route("/assets/app.js", get(page::script))
        .route("/openapi.json", get(api::openapi))
        .nest("/v1", api)
        .fallback(error::not_found)
        .method_not_allowed_fallback(error::method_not_allowed)
        .with_state(state)
        // `GET /healthz` and `GET /metrics`, shared with the other front ends.
        .merge(crate::metrics::server::router());

    // The layers every request passes (innermost first: the body limit, errors as JSON,
    // panics caught) wrap the whole router once. As layers of the router they would wrap each
    // route, each level boxed, and every level is cloned again for every request.
    let panic_texts = texts.clone();
    let layered = DefaultBodyLimit::max(MAX_BODY_BYTES).layer(routes);
    let layered =
        axum::middleware::map_response_with_state(texts, error::ensure_json).layer(layered);
    let layered = CatchPanicLayer::custom(move |panic| error::panic_response(&panic_texts, panic))
        .layer(layered);
    let app = Router::new().fallback_service(layered);
    match cors(&config.origins) {
        Some(layer) => app.layer(layer),
        None => app,
    }
}

/// CORS for the configured origins; `None` (no CORS headers at all) by default.
fn cors(origins: &Origins) -> Option<CorsLayer> {
    let allow = match origins {
        Origins::None => return None,
        Origins::Any => AllowOrigin::any(),
        Origins::List(list) => AllowOrigin::list(
            list.iter()
                .filter_map(|o| HeaderValue::from_str(o).ok())
                .collect::<Vec<_>>(),
        ),
    };
    Some(
        CorsLayer::new()
            .allow_origin(allow)
            .allow_methods([Method::GET, Method::POST])
            .allow_headers([header::CONTENT_TYPE])
            .expose_headers([HeaderName::from_static("retry-after")])
            .max_age(std::time::Duration::from_secs(3600)),
    )
}

/// Why the server could not run.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    #[error("cannot listen on {addr}: {source}")]
    Listen {
        addr: String,
        source: std::io::Error,
    },
    #[error("the HTTP server stopped: {0}")]
    Serve(std::io::Error),
}

/// Binds `config.listen`; the address actually bound is in the listener (port 0 picks one).
pub async fn bind(config: &HttpConfig) -> Result<tokio::net::TcpListener, ServeError> {
    tokio::net::TcpListener::bind(&config.listen)
        .await
        .map_err(|source| ServeError::Listen {
            addr: config.listen.clone(),
            source,
        })
}

/// Serves `app` on `listener` until `stop` completes, then finishes the requests in flight.
pub async fn serve_until(
    listener: tokio::net::TcpListener,
    app: Router,
    stop: impl Future<Output = ()> + Send + 'static,
) -> Result<(), ServeError> {
    axum::serve(
        listener,
        app.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(stop)
    .await
    .map_err(ServeError::Serve)
}

/// `netral http` and `netral serve`: binds, logs the address, serves until `stop`.
pub async fn run_until(
    config: HttpConfig,
    engine: Arc<Engine>,
    recorder: Arc<dyn Recorder>,
    stop: impl Future<Output = ()> + Send + 'static,
) -> Result<(), ServeError> {
    let listener = bind(&config).await?;
    let addr = listener.local_addr().map_err(ServeError::Serve)?;
    eprintln!("netral http: listening on http://{addr}");
    let health = crate::metrics::Health::global();
    health.set_connected(HEALTH_COMPONENT, true);
    tracing::info!(%addr, origins = ?config.origins, limit = ?config.client_limit, "http: listening");
    let result = serve_until(listener, router(engine, recorder, &config), stop).await;
    health.remove(HEALTH_COMPONENT);
    result
}

/// This front end's name in `/healthz` and `netral_up`.
const HEALTH_COMPONENT: &str = "http";
