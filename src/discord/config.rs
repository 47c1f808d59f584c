//! The Discord adapter's settings, read from the environment.

use crate::secret::Secret;
use std::time::Duration;

/// Environment variable holding the bot token.
pub const TOKEN_VAR: &str = "DISCORD_TOKEN";
/// Environment variable redirecting every REST call (and the gateway lookup) to another base.
pub const API_URL_VAR: &str = "DISCORD_API_URL";
/// Environment variable: register the slash commands to this guild only (instant; development).
pub const GUILD_ID_VAR: &str = "DISCORD_GUILD_ID";
/// Environment variable: `0`/`false`/`off` stops requesting the privileged MESSAGE_CONTENT intent.
pub const MESSAGE_CONTENT_VAR: &str = "DISCORD_MESSAGE_CONTENT_INTENT";

/// A setting that is present but unusable. Never quotes the token.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ConfigError {
    #[error("{TOKEN_VAR} contains whitespace or control characters — paste the bot token alone")]
    BadToken,
    #[error(
        "{API_URL_VAR} must be an http:// or https:// base such as http://127.0.0.1:8080, got `{0}`"
    )]
    BadApiUrl(String),
    #[error("{GUILD_ID_VAR} must be a guild (server) id: digits only, got `{0}`")]
    BadGuildId(String),
    #[error("{MESSAGE_CONTENT_VAR} must be 1/true/on or 0/false/off, got `{0}`")]
    BadFlag(String),
}

/// How `netral discord` connects.
#[derive(Debug, Clone)]
pub struct DiscordConfig {
    pub token: Secret,
    /// Base URL (scheme and host, e.g. `http://127.0.0.1:8080`) that replaces
    /// `https://discord.com` for every REST call; the gateway URL is then asked from
    /// `{api_url}/api/v10/gateway`. Testing/proxy mode: serenity's rate limiter is off.
    pub api_url: Option<String>,
    /// Register the slash commands to this guild instead of globally.
    pub guild_id: Option<u64>,
    /// Request the privileged MESSAGE_CONTENT intent (default). Mentions and DMs are answered
    /// without it too.
    pub message_content_intent: bool,
    /// A slash command not answered within this time is deferred first (Discord's deadline is
    /// three seconds).
    pub defer_after: Duration,
}

impl DiscordConfig {
    /// A configuration with defaults around a token.
    pub fn new(token: impl Into<String>) -> DiscordConfig {
        DiscordConfig {
            token: Secret::new(token),
            api_url: None,
            guild_id: None,
            message_content_intent: true,
            defer_after: Duration::from_millis(1500),
        }
    }

    /// Reads `DISCORD_TOKEN`, `DISCORD_API_URL`, `DISCORD_GUILD_ID` and
    /// `DISCORD_MESSAGE_CONTENT_INTENT`. `Ok(None)` when no token is set (or it is empty).
    pub fn from_env() -> Result<Option<DiscordConfig>, ConfigError> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// Like [`DiscordConfig::from_env`] over any variable lookup (for tests).
    pub fn from_lookup(
        get: impl Fn(&str) -> Option<String>,
    ) -> Result<Option<DiscordConfig>, ConfigError> {
        let token = get(TOKEN_VAR).unwrap_or_default();
        let token = token.trim();
        if token.is_empty() {
            return Ok(None);
        }
        // Registered before validation so that no later message can quote it.
        crate::secret::register(token);
        if token.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(ConfigError::BadToken);
        }
        let mut config = DiscordConfig::new(token);
        if let Some(url) = get(API_URL_VAR).filter(|u| !u.trim().is_empty()) {
            config.api_url = Some(api_base(&url)?);
        }
        if let Some(id) = get(GUILD_ID_VAR).filter(|u| !u.trim().is_empty()) {
            let id = id.trim();
            config.guild_id = Some(
                id.parse::<u64>()
                    .ok()
                    .filter(|n| *n > 0)
                    .ok_or_else(|| ConfigError::BadGuildId(id.to_string()))?,
            );
        }
        if let Some(flag) = get(MESSAGE_CONTENT_VAR).filter(|u| !u.trim().is_empty()) {
            config.message_content_intent = match flag.trim().to_ascii_lowercase().as_str() {
                "1" | "true" | "on" | "yes" => true,
                "0" | "false" | "off" | "no" => false,
                _ => return Err(ConfigError::BadFlag(flag)),
            };
        }
        Ok(Some(config))
    }
}

/// The scheme-and-host base serenity's proxy setting expects: a trailing `/`, `/api` or
/// `/api/v10` is dropped, since serenity appends `/api/v10/...` itself.
fn api_base(url: &str) -> Result<String, ConfigError> {
    let url = url.trim();
    let bad = || ConfigError::BadApiUrl(crate::secret::redact(url));
    let rest = url
        .strip_prefix("http://")
        .or_else(|| url.strip_prefix("https://"))
        .ok_or_else(bad)?;
    if rest.is_empty() || rest.starts_with('/') || rest.chars().any(char::is_whitespace) {
        return Err(bad());
    }
    let mut base = url.trim_end_matches('/');
    for suffix in ["/api/v10", "/api"] {
        if let Some(b) = base.strip_suffix(suffix) {
            base = b;
            break;
        }
    }
    Ok(base.trim_end_matches('/').to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn from(vars: &[(&str, &str)]) -> Result<Option<DiscordConfig>, ConfigError> {
        let vars: Vec<(String, String)> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        DiscordConfig::from_lookup(|name| {
            vars.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone())
        })
    }

    #[test]
    fn no_or_empty_token_means_not_configured() {
        assert!(from(&[]).unwrap().is_none());
        assert!(from(&[(TOKEN_VAR, "  ")]).unwrap().is_none());
    }

    #[test]
    fn api_url_is_reduced_to_its_base() {
        for url in [
            "http://127.0.0.1:9/",
            "http://127.0.0.1:9/api",
            "http://127.0.0.1:9/api/v10/",
        ] {
            let c = from(&[(TOKEN_VAR, "token-1234567"), (API_URL_VAR, url)])
                .unwrap()
                .unwrap();
            assert_eq!(c.api_url.as_deref(), Some("http://127.0.0.1:9"));
        }
        assert!(matches!(
            from(&[(TOKEN_VAR, "token-1234567"), (API_URL_VAR, "127.0.0.1:9")]),
            Err(ConfigError::BadApiUrl(_))
        ));
    }

    #[test]
    fn guild_id_and_intent_flag_are_checked() {
        let c = from(&[
            (TOKEN_VAR, "token-1234567"),
            (GUILD_ID_VAR, "123"),
            (MESSAGE_CONTENT_VAR, "off"),
        ])
        .unwrap()
        .unwrap();
        assert_eq!(c.guild_id, Some(123));
        assert!(!c.message_content_intent);
        assert_eq!(
            from(&[(TOKEN_VAR, "token-1234567"), (GUILD_ID_VAR, "abc")]).unwrap_err(),
            ConfigError::BadGuildId("abc".into())
        );
    }

    #[test]
    fn a_bad_token_error_does_not_quote_it() {
        let err = from(&[(TOKEN_VAR, "secret token with spaces")]).unwrap_err();
        assert!(!err.to_string().contains("secret token"));
        assert!(err.to_string().contains(TOKEN_VAR));
    }
}
