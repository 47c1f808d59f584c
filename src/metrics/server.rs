//! The operator's HTTP endpoints: `GET /healthz` and `GET /metrics`, on the address in
//! `NETRAL_METRICS_LISTEN` (e.g. `0.0.0.0:9100`), separate from any public port.
//!
//! `/healthz` answers 200 with `{"status":"ok",…}` when every front end is connected and 503
//! with `{"status":"unavailable","reason":…}` otherwise; `/metrics` answers the Prometheus text
//! format. [`router`] is the axum router, for a front end that already serves HTTP and wants to
//! mount it; [`spawn`] serves it on its own listener.

use super::{Health, Metrics};
use axum::Router;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use std::net::SocketAddr;

/// The environment variable with the address to serve `/healthz` and `/metrics` on.
pub const LISTEN_VAR: &str = "NETRAL_METRICS_LISTEN";

/// A [`LISTEN_VAR`] that is not an address.
#[derive(Debug, thiserror::Error)]
#[error(
    "{LISTEN_VAR}=`{value}` is not an address to listen on: expected HOST:PORT, e.g. 0.0.0.0:9100"
)]
pub struct ListenError {
    value: String,
}

/// The address from [`LISTEN_VAR`], or None when it is unset or empty.
pub fn listen_addr_from_env() -> Result<Option<SocketAddr>, ListenError> {
    parse_listen(std::env::var(LISTEN_VAR).ok().as_deref())
}

/// Parses a value of [`LISTEN_VAR`] (`:9100` means every interface).
pub fn parse_listen(value: Option<&str>) -> Result<Option<SocketAddr>, ListenError> {
    let Some(v) = value.map(str::trim).filter(|v| !v.is_empty()) else {
        return Ok(None);
    };
    let full = if v.starts_with(':') {
        format!("0.0.0.0{v}")
    } else {
        v.to_string()
    };
    full.parse().map(Some).map_err(|_| ListenError {
        value: v.to_string(),
    })
}

/// `GET /healthz` and `GET /metrics` over the process's [`Health::global`] and
/// [`Metrics::global`].
pub fn router() -> Router {
    router_with(Metrics::global(), Health::global())
}

/// The same router over the given state (tests).
pub fn router_with(metrics: &'static Metrics, health: &'static Health) -> Router {
    Router::new()
        .route("/healthz", get(move || async move { healthz(health) }))
        .route("/metrics", get(move || async move { render(metrics) }))
}

fn healthz(health: &Health) -> Response {
    let report = health.report();
    let status = if report.healthy() {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    let body = serde_json::to_string(&report).unwrap_or_else(|_| "{}".into());
    (status, [(header::CONTENT_TYPE, "application/json")], body).into_response()
}

fn render(metrics: &Metrics) -> Response {
    (
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        metrics.render(),
    )
        .into_response()
}

/// Serves `router` on `addr` in a background task of the current Tokio runtime until the
/// runtime ends; returns the address actually bound (port 0 picks a free one).
pub async fn spawn(addr: SocketAddr, router: Router) -> std::io::Result<SocketAddr> {
    let listener = tokio::net::TcpListener::bind(addr).await?;
    let local = listener.local_addr()?;
    tokio::spawn(async move {
        if let Err(e) = axum::serve(listener, router).await {
            tracing::error!("metrics: the /healthz and /metrics server failed: {e}");
        }
    });
    tracing::info!("metrics: serving /healthz and /metrics on {local}");
    Ok(local)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::record::Platform;
    use crate::metrics::Outcome;

    #[test]
    fn listen_addresses() {
        assert_eq!(parse_listen(None).ok(), Some(None));
        assert_eq!(parse_listen(Some(" ")).ok(), Some(None));
        assert_eq!(
            parse_listen(Some("127.0.0.1:9100")).ok().flatten(),
            Some("127.0.0.1:9100".parse().expect("address"))
        );
        assert_eq!(
            parse_listen(Some(":9100")).ok().flatten(),
            Some("0.0.0.0:9100".parse().expect("address"))
        );
        let e = parse_listen(Some("localhost")).expect_err("no port");
        assert!(e.to_string().contains("NETRAL_METRICS_LISTEN=`localhost`"));
    }

    async fn get(addr: SocketAddr, path: &str) -> (u16, String, String) {
        let response = reqwest::get(format!("http://{addr}{path}"))
            .await
            .expect("the server answers");
        let status = response.status().as_u16();
        let kind = response
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_string();
        (status, kind, response.text().await.expect("a body"))
    }

    #[tokio::test]
    async fn healthz_follows_the_adapters_and_metrics_serve_the_counts() {
        let metrics: &'static Metrics = Box::leak(Box::new(Metrics::new()));
        let health: &'static Health = Box::leak(Box::new(Health::new()));
        let addr = spawn(
            "127.0.0.1:0".parse().expect("address"),
            router_with(metrics, health),
        )
        .await
        .expect("bound");

        health.starting("telegram");
        let (status, kind, body) = get(addr, "/healthz").await;
        assert_eq!(status, 503);
        assert_eq!(kind, "application/json");
        let json: serde_json::Value = serde_json::from_str(&body).expect("JSON");
        assert_eq!(json["reason"], "telegram: starting");

        health.set_connected("telegram", true);
        let (status, _, body) = get(addr, "/healthz").await;
        assert_eq!(status, 200, "{body}");

        health.set_down("telegram", "the bot token was rejected");
        let (status, _, body) = get(addr, "/healthz").await;
        assert_eq!(status, 503);
        assert!(
            body.contains("telegram: the bot token was rejected"),
            "{body}"
        );

        metrics.record_question(Platform::Telegram, Outcome::OutOfScope, 0.002);
        let (status, kind, body) = get(addr, "/metrics").await;
        assert_eq!(status, 200);
        assert!(kind.starts_with("text/plain; version=0.0.4"), "{kind}");
        assert!(
            body.contains(
                r#"netral_questions_total{outcome="out_of_scope",platform="telegram"} 1"#
            ),
            "{body}"
        );
        let (status, _, _) = get(addr, "/nothing").await;
        assert_eq!(status, 404);
    }
}
