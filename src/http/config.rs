//! Settings of the HTTP front end from the environment: where to listen, which browser origins
//! may call the API (CORS), the per-client request limit and how a client is told apart.

use std::time::Duration;

/// Where `netral serve` listens for HTTP (unset: no HTTP front end).
pub const LISTEN_VAR: &str = "NETRAL_HTTP_LISTEN";
/// Comma-separated origins allowed to call the API from a browser (unset: none; `*`: any).
pub const ORIGINS_VAR: &str = "NETRAL_HTTP_ORIGINS";
/// API requests per minute per client (0: no limit).
pub const CLIENT_LIMIT_VAR: &str = "NETRAL_HTTP_CLIENT_LIMIT";
/// A header set by a trusted reverse proxy that names the client (e.g. `X-Forwarded-For`).
pub const CLIENT_HEADER_VAR: &str = "NETRAL_HTTP_CLIENT_HEADER";

/// Default API requests per minute per client.
pub const DEFAULT_CLIENT_LIMIT: u32 = 60;

/// A setting that cannot be used.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ConfigError {
    #[error(
        "{ORIGINS_VAR}: {0:?} is not an origin like https://example.go.id (scheme, host, optional port, no path)"
    )]
    Origin(String),
    #[error(
        "{CLIENT_LIMIT_VAR}: {0:?} is not a whole number of requests per minute (0 turns the limit off)"
    )]
    ClientLimit(String),
    #[error("{CLIENT_HEADER_VAR}: {0:?} is not a header name")]
    ClientHeader(String),
}

/// Which browser origins may call the API.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Origins {
    /// CORS off: only pages served by netral itself (same origin) can call the API.
    #[default]
    None,
    /// These origins (`https://host[:port]`), exactly.
    List(Vec<String>),
    /// Any origin (`*`), for a public API without credentials.
    Any,
}

/// A per-client request limit: `per_minute` on average, bursts of `burst`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientLimit {
    pub per_minute: u32,
    pub burst: u32,
}

impl ClientLimit {
    /// `per_minute` with a burst of a third of it (at least one request).
    pub fn per_minute(per_minute: u32) -> ClientLimit {
        ClientLimit {
            per_minute: per_minute.max(1),
            burst: (per_minute / 3).max(1),
        }
    }

    /// Time between two requests at the sustained rate.
    pub fn interval(self) -> Duration {
        Duration::from_secs(60) / self.per_minute.max(1)
    }
}

/// Everything the HTTP front end needs besides the engine and the recorder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpConfig {
    /// `host:port` to listen on.
    pub listen: String,
    pub origins: Origins,
    /// `None`: no limit.
    pub client_limit: Option<ClientLimit>,
    /// Lower-case header name; `None`: the client is the TCP peer address.
    pub client_header: Option<String>,
}

impl HttpConfig {
    /// Listens on `listen` with CORS off and the default limit.
    pub fn new(listen: impl Into<String>) -> HttpConfig {
        HttpConfig {
            listen: listen.into(),
            origins: Origins::None,
            client_limit: Some(ClientLimit::per_minute(DEFAULT_CLIENT_LIMIT)),
            client_header: None,
        }
    }

    /// `netral serve`'s settings: `None` when `NETRAL_HTTP_LISTEN` is unset or empty.
    pub fn from_env() -> Result<Option<HttpConfig>, ConfigError> {
        match std::env::var(LISTEN_VAR) {
            Ok(listen) if !listen.trim().is_empty() => {
                HttpConfig::with_env(listen.trim()).map(Some)
            }
            _ => Ok(None),
        }
    }

    /// Listens on `listen`, with the other settings from the environment.
    pub fn with_env(listen: &str) -> Result<HttpConfig, ConfigError> {
        let var = |name| std::env::var(name).ok().filter(|v| !v.trim().is_empty());
        let mut config = HttpConfig::new(listen);
        if let Some(v) = var(ORIGINS_VAR) {
            config.origins = parse_origins(&v)?;
        }
        if let Some(v) = var(CLIENT_LIMIT_VAR) {
            config.client_limit = parse_limit(&v)?;
        }
        if let Some(v) = var(CLIENT_HEADER_VAR) {
            config.client_header = Some(parse_header(&v)?);
        }
        Ok(config)
    }
}

/// `*`, or a comma-separated list of origins.
pub fn parse_origins(text: &str) -> Result<Origins, ConfigError> {
    if text.trim() == "*" {
        return Ok(Origins::Any);
    }
    let mut list = Vec::new();
    for origin in text.split(',').map(str::trim).filter(|o| !o.is_empty()) {
        let origin = origin.trim_end_matches('/');
        let valid = url::Url::parse(origin).is_ok_and(|u| {
            matches!(u.scheme(), "http" | "https")
                && u.host_str().is_some()
                && u.path() == "/"
                && u.query().is_none()
                && u.username().is_empty()
                && u.origin().ascii_serialization() == origin
        });
        if !valid {
            return Err(ConfigError::Origin(origin.to_string()));
        }
        list.push(origin.to_string());
    }
    Ok(if list.is_empty() {
        Origins::None
    } else {
        Origins::List(list)
    })
}

fn parse_limit(text: &str) -> Result<Option<ClientLimit>, ConfigError> {
    match text.trim().parse::<u32>() {
        Ok(0) => Ok(None),
        Ok(n) => Ok(Some(ClientLimit::per_minute(n))),
        Err(_) => Err(ConfigError::ClientLimit(text.to_string())),
    }
}

fn parse_header(text: &str) -> Result<String, ConfigError> {
    axum::http::HeaderName::from_bytes(text.trim().as_bytes())
        .map(|h| h.as_str().to_string())
        .map_err(|_| ConfigError::ClientHeader(text.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins_are_exact_scheme_host_port() {
        assert_eq!(parse_origins("*"), Ok(Origins::Any));
        assert_eq!(parse_origins(" "), Ok(Origins::None));
        assert_eq!(
            parse_origins("https://bkn.go.id, http://localhost:3000/"),
            Ok(Origins::List(vec![
                "https://bkn.go.id".into(),
                "http://localhost:3000".into()
            ]))
        );
        for bad in [
            "bkn.go.id",
            "https://bkn.go.id/halaman",
            "ftp://x.id",
            "https://",
        ] {
            assert!(parse_origins(bad).is_err(), "{bad} accepted");
        }
    }

    #[test]
    fn the_limit_is_per_minute_and_zero_turns_it_off() {
        assert_eq!(parse_limit("0"), Ok(None));
        let l = parse_limit("120").unwrap().unwrap();
        assert_eq!((l.per_minute, l.burst), (120, 40));
        assert_eq!(l.interval(), Duration::from_millis(500));
        assert!(parse_limit("banyak").is_err());
        assert!(parse_limit("-1").is_err());
    }

    #[test]
    fn the_client_header_must_be_a_header_name() {
        assert_eq!(
            parse_header("X-Forwarded-For"),
            Ok("x-forwarded-for".into())
        );
        assert!(parse_header("bad header").is_err());
    }
}
