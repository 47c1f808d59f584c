//! Secrets (bot tokens) that must never reach a log line, an error message or the terminal.
//!
//! A [`Secret`] hides its value from `Debug` and `Display`. Every secret an adapter uses is
//! also registered process-wide ([`register`]) so that [`redact`] — applied to each error an
//! adapter logs and, through [`RedactingStderr`], to every log line of the process, the
//! libraries' own included — replaces it with `[redacted]`. Library errors (reqwest, serenity,
//! teloxide) often quote request URLs or payloads; this is the one place that keeps a token
//! out of them.

use std::io::Write;
use std::sync::RwLock;

static SECRETS: RwLock<Vec<String>> = RwLock::new(Vec::new());

/// What a secret is replaced with in logs and errors.
pub const REDACTED: &str = "[redacted]";

/// A secret value (a token). Its `Debug` and `Display` never show the value.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wraps the value and registers it for redaction.
    pub fn new(value: impl Into<String>) -> Secret {
        let value = value.into();
        register(&value);
        Secret(value)
    }

    /// The value, for the one place that must send it (the platform client).
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(REDACTED)
    }
}

impl std::fmt::Display for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(REDACTED)
    }
}

/// Registers a secret so that [`redact`] removes it from any text. Values shorter than eight
/// characters are ignored: they are not real tokens, and blanking them would mangle logs.
pub fn register(secret: &str) {
    let secret = secret.trim();
    if secret.len() < 8 {
        return;
    }
    let mut secrets = match SECRETS.write() {
        Ok(s) => s,
        Err(poisoned) => poisoned.into_inner(),
    };
    if !secrets.iter().any(|s| s == secret) {
        secrets.push(secret.to_string());
        // Longest first, so that a secret containing another is removed whole.
        secrets.sort_by_key(|s| std::cmp::Reverse(s.len()));
    }
}

/// `text` with every registered secret replaced by `[redacted]`.
pub fn redact(text: &str) -> String {
    let secrets = match SECRETS.read() {
        Ok(s) => s,
        Err(poisoned) => poisoned.into_inner(),
    };
    let mut out = text.to_string();
    for s in secrets.iter() {
        if out.contains(s.as_str()) {
            out = out.replace(s.as_str(), REDACTED);
        }
    }
    out
}

/// A `tracing_subscriber` writer to standard error that redacts every registered secret from
/// each log event before it is written.
#[derive(Debug, Clone, Copy, Default)]
pub struct RedactingStderr;

/// Buffers one log event; redacts and writes it when dropped.
pub struct EventBuffer(Vec<u8>);

impl Write for EventBuffer {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Drop for EventBuffer {
    fn drop(&mut self) {
        if self.0.is_empty() {
            return;
        }
        let text = redact(&String::from_utf8_lossy(&self.0));
        let _ = std::io::stderr().lock().write_all(text.as_bytes());
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for RedactingStderr {
    type Writer = EventBuffer;

    fn make_writer(&'a self) -> Self::Writer {
        EventBuffer(Vec::new())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_secret_never_shows_in_debug_display_or_redacted_text() {
        let s = Secret::new("MTIz.secret-token-value.xyz");
        assert_eq!(format!("{s:?} {s}"), "[redacted] [redacted]");
        let line = "GET https://x/?t=MTIz.secret-token-value.xyz failed";
        assert_eq!(redact(line), "GET https://x/?t=[redacted] failed");
    }

    #[test]
    fn short_values_are_not_treated_as_secrets() {
        register("abc");
        assert_eq!(redact("abc abc"), "abc abc");
    }
}
