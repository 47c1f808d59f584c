//! Configuration of the Telegram adapter, read from the environment.
//!
//! The bot token is a secret: [`Token`] never prints it (its `Debug` is redacted) and
//! [`Token::redact`] removes it from any text before that text is logged or shown. Nothing here
//! talks to the network.

use std::net::SocketAddr;
use std::time::Duration;
use url::Url;

/// Environment variables holding the bot token, in order of preference.
pub const TOKEN_VARS: [&str; 2] = ["TELOXIDE_TOKEN", "TELEGRAM_BOT_TOKEN"];
/// Base URL of the Bot API (a self-hosted server, or a fake in tests).
pub const API_URL_VAR: &str = "TELOXIDE_API_URL";
/// Optional HTTP(S)/SOCKS proxy for the Bot API, as in teloxide.
pub const PROXY_VAR: &str = "TELOXIDE_PROXY";
/// Shared secret Telegram sends with each webhook request; generated when unset.
pub const WEBHOOK_SECRET_VAR: &str = "NETRAL_WEBHOOK_SECRET";
/// Questions one user may ask per minute (default [`DEFAULT_USER_LIMIT`]).
pub const USER_LIMIT_VAR: &str = "NETRAL_TELEGRAM_USER_LIMIT";
/// Default number of questions per user per minute.
pub const DEFAULT_USER_LIMIT: u32 = 20;

/// The bot token. Its `Debug` output is redacted; use [`Token::expose`] only to build the client.
#[derive(Clone, PartialEq, Eq)]
pub struct Token(String);

impl Token {
    /// Wraps the token and registers it (and its secret half) with [`crate::secret`], so that
    /// every log line of the process is redacted, whichever library writes it.
    pub fn new(token: impl Into<String>) -> Token {
        let token = Token(token.into());
        for s in token.secrets() {
            crate::secret::register(s);
        }
        token
    }

    /// The token itself, for the HTTP client only.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// `text` with every occurrence of the token (and of its secret half, after the `:`), and
    /// of every other registered secret, replaced by [`crate::secret::REDACTED`].
    pub fn redact(&self, text: &str) -> String {
        let mut out = text.to_string();
        for secret in self.secrets() {
            if out.contains(secret) {
                out = out.replace(secret, crate::secret::REDACTED);
            }
        }
        crate::secret::redact(&out)
    }

    /// The strings that must never be printed: the token and its secret half.
    pub fn secrets(&self) -> Vec<&str> {
        let mut v = Vec::new();
        if !self.0.is_empty() {
            v.push(self.0.as_str());
        }
        if let Some((_, secret)) = self.0.split_once(':')
            && secret.len() >= 8
        {
            v.push(secret);
        }
        v
    }
}

impl std::fmt::Debug for Token {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Token(<redacted>)")
    }
}

/// How updates reach the bot.
#[derive(Debug, Clone, PartialEq)]
pub enum Mode {
    /// Long polling (`getUpdates`): exactly one process per token.
    Polling,
    /// Telegram POSTs updates to `public_url`; several replicas may share one token.
    Webhook(WebhookConfig),
}

/// Webhook mode: where Telegram sends updates and where this process listens.
#[derive(Clone, PartialEq)]
pub struct WebhookConfig {
    /// The public HTTPS URL registered with `setWebhook`; its path is the route served.
    pub public_url: Url,
    /// The local address the HTTP server binds.
    pub listen: SocketAddr,
    /// The `X-Telegram-Bot-Api-Secret-Token` value; `None` generates one at start-up (fine for
    /// one process; replicas need the same secret, so set [`WEBHOOK_SECRET_VAR`]).
    pub secret: Option<String>,
}

impl std::fmt::Debug for WebhookConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WebhookConfig")
            .field("public_url", &self.public_url.as_str())
            .field("listen", &self.listen)
            .field("secret", &self.secret.as_ref().map(|_| "<redacted>"))
            .finish()
    }
}

/// Everything `netral telegram` needs besides the engine and the recorder.
#[derive(Debug, Clone)]
pub struct TelegramConfig {
    pub token: Token,
    /// Bot API base URL; `None` is `https://api.telegram.org`.
    pub api_url: Option<Url>,
    /// Proxy for the Bot API client.
    pub proxy: Option<String>,
    pub mode: Mode,
    /// Questions (and answer buttons) one user may send per [`TelegramConfig::user_window`].
    pub user_limit: u32,
    pub user_window: Duration,
}

/// A setting in the environment that cannot be used. Messages name the variable and the fix;
/// they never contain the token.
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum ConfigError {
    #[error("{var} is not a valid URL ({reason}); use e.g. http://127.0.0.1:8081")]
    BadUrl { var: &'static str, reason: String },
    #[error(
        "{WEBHOOK_SECRET_VAR} must be 1–256 characters from A–Z, a–z, 0–9, _ and - (Telegram's rule)"
    )]
    BadSecret,
    #[error("{USER_LIMIT_VAR} must be a whole number of questions per minute, 1 or more")]
    BadUserLimit,
    #[error("the webhook URL must be an absolute https:// or http:// URL ({0})")]
    BadWebhookUrl(String),
}

impl TelegramConfig {
    /// A long-polling configuration with defaults around `token`.
    pub fn new(token: Token) -> TelegramConfig {
        TelegramConfig {
            token,
            api_url: None,
            proxy: None,
            mode: Mode::Polling,
            user_limit: DEFAULT_USER_LIMIT,
            user_window: Duration::from_secs(60),
        }
    }

    /// Reads the configuration from the process environment; `Ok(None)` when no token is set.
    pub fn from_env() -> Result<Option<TelegramConfig>, ConfigError> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// Like [`TelegramConfig::from_env`] over any variable lookup (for tests).
    pub fn from_lookup(
        get: impl Fn(&str) -> Option<String>,
    ) -> Result<Option<TelegramConfig>, ConfigError> {
        let value = |name: &str| {
            get(name)
                .map(|v| v.trim().to_string())
                .filter(|v| !v.is_empty())
        };
        let Some(token) = TOKEN_VARS.iter().find_map(|v| value(v)) else {
            return Ok(None);
        };
        let mut config = TelegramConfig::new(Token::new(token));
        if let Some(url) = value(API_URL_VAR) {
            let url = url.trim_end_matches('/');
            config.api_url = Some(Url::parse(url).map_err(|e| ConfigError::BadUrl {
                var: API_URL_VAR,
                reason: e.to_string(),
            })?);
        }
        config.proxy = value(PROXY_VAR);
        if let Some(limit) = value(USER_LIMIT_VAR) {
            config.user_limit = match limit.parse::<u32>() {
                Ok(n) if n > 0 => n,
                _ => return Err(ConfigError::BadUserLimit),
            };
        }
        Ok(Some(config))
    }

    /// Switches to webhook mode; the secret comes from [`WEBHOOK_SECRET_VAR`] when set.
    pub fn webhook(
        self,
        public_url: &str,
        listen: SocketAddr,
        secret: Option<String>,
    ) -> Result<TelegramConfig, ConfigError> {
        let public_url = Url::parse(public_url)
            .ok()
            .filter(|u| matches!(u.scheme(), "https" | "http") && u.has_host())
            .ok_or_else(|| ConfigError::BadWebhookUrl(public_url.to_string()))?;
        let secret = secret.filter(|s| !s.is_empty());
        if let Some(s) = &secret {
            if !valid_secret(s) {
                return Err(ConfigError::BadSecret);
            }
            crate::secret::register(s);
        }
        Ok(TelegramConfig {
            mode: Mode::Webhook(WebhookConfig {
                public_url,
                listen,
                secret,
            }),
            ..self
        })
    }
}

/// Telegram's rule for webhook secrets.
pub fn valid_secret(s: &str) -> bool {
    (1..=256).contains(&s.len())
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn lookup(vars: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let map: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        move |k| map.get(k).cloned()
    }

    #[test]
    fn no_token_is_none() {
        assert_eq!(
            TelegramConfig::from_lookup(lookup(&[])).map(|c| c.is_none()),
            Ok(true)
        );
        let blank = lookup(&[("TELOXIDE_TOKEN", "  ")]);
        assert_eq!(
            TelegramConfig::from_lookup(blank).map(|c| c.is_none()),
            Ok(true)
        );
    }

    #[test]
    fn either_token_variable_works_and_teloxide_wins() {
        let c = TelegramConfig::from_lookup(lookup(&[("TELEGRAM_BOT_TOKEN", "1:b")]));
        assert_eq!(c.ok().flatten().map(|c| c.token), Some(Token::new("1:b")));
        let both = lookup(&[("TELEGRAM_BOT_TOKEN", "1:b"), ("TELOXIDE_TOKEN", "1:a\n")]);
        let c = TelegramConfig::from_lookup(both);
        assert_eq!(c.ok().flatten().map(|c| c.token), Some(Token::new("1:a")));
    }

    #[test]
    fn api_url_trailing_slash_is_dropped_and_bad_urls_are_named() {
        let c = TelegramConfig::from_lookup(lookup(&[
            ("TELOXIDE_TOKEN", "1:a"),
            ("TELOXIDE_API_URL", "http://127.0.0.1:9/"),
        ]));
        let url = c.ok().flatten().and_then(|c| c.api_url);
        assert_eq!(
            url.map(|u| u.to_string()),
            Some("http://127.0.0.1:9/".into())
        );
        let bad = TelegramConfig::from_lookup(lookup(&[
            ("TELOXIDE_TOKEN", "1:a"),
            ("TELOXIDE_API_URL", "not a url"),
        ]));
        let msg = bad.err().map(|e| e.to_string()).unwrap_or_default();
        assert!(msg.contains("TELOXIDE_API_URL"), "{msg}");
    }

    #[test]
    fn user_limit_must_be_positive() {
        let c = |v: &str| {
            TelegramConfig::from_lookup(lookup(&[("TELOXIDE_TOKEN", "1:a"), (USER_LIMIT_VAR, v)]))
        };
        assert_eq!(c("5").ok().flatten().map(|c| c.user_limit), Some(5));
        assert_eq!(c("0").err(), Some(ConfigError::BadUserLimit));
        assert_eq!(c("lots").err(), Some(ConfigError::BadUserLimit));
    }

    #[test]
    fn webhook_secret_follows_telegrams_rule() {
        let base = || TelegramConfig::new(Token::new("1:a"));
        let addr: SocketAddr = "127.0.0.1:8080".parse().unwrap();
        assert!(
            base()
                .webhook("https://bot.example.org/tg", addr, None)
                .is_ok()
        );
        assert!(
            base()
                .webhook("https://x.org/", addr, Some("abc_DEF-123".into()))
                .is_ok()
        );
        assert_eq!(
            base()
                .webhook("https://x.org/", addr, Some("has space".into()))
                .err(),
            Some(ConfigError::BadSecret)
        );
        assert!(matches!(
            base().webhook("bot.example.org", addr, None),
            Err(ConfigError::BadWebhookUrl(_))
        ));
    }

    #[test]
    fn token_is_redacted_everywhere() {
        let t = Token::new("123456:ABCdefGHIjklMNOpqr");
        assert_eq!(format!("{t:?}"), "Token(<redacted>)");
        let text = "error sending request for url (http://x/bot123456:ABCdefGHIjklMNOpqr/GetMe)";
        let red = t.redact(text);
        assert!(!red.contains("ABCdefGHIjklMNOpqr"), "{red}");
        let alone = t.redact("secret ABCdefGHIjklMNOpqr alone");
        assert!(alone.contains(crate::secret::REDACTED), "{alone}");
        // registered process-wide: every log line is redacted too
        assert!(!crate::secret::redact(text).contains("ABCdefGHIjklMNOpqr"));
    }
}
