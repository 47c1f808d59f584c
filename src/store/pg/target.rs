//! [`PgTarget`]: a PostgreSQL URL from `NETRAL_DB`, checked once at start-up and shown
//! without its password.

use postgres::config::{Host, SslMode};
use std::time::Duration;

/// How long connecting may take when the URL does not say (`connect_timeout=`).
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// TCP keepalive idle time when the URL does not say: a server that vanished without closing
/// the connection is noticed within a minute or so, not after the system's two hours.
const KEEPALIVE_IDLE: Duration = Duration::from_secs(30);

/// A PostgreSQL server and database to store into. `Debug` and `Display` show
/// `user@host:port/database`, never the password (which is also registered for redaction
/// from every log line, see [`crate::secret`]).
#[derive(Clone)]
pub struct PgTarget {
    config: postgres::Config,
    shown: String,
}

impl PgTarget {
    /// Reads a `postgres://` or `postgresql://` URL. The error is one line that quotes
    /// nothing of the URL but option names.
    pub fn parse(url: &str) -> Result<PgTarget, String> {
        let mut config: postgres::Config = url
            .parse()
            .map_err(|e: postgres::Error| super::message(&e))?;
        if let Some(password) = config.get_password() {
            crate::secret::register(&String::from_utf8_lossy(password));
        }
        if config.get_hosts().is_empty() {
            return Err("no host; for a Unix socket add ?host=/run/postgresql".to_string());
        }
        if config.get_ssl_mode() == SslMode::Require {
            return Err(
                "sslmode=require: this build talks to PostgreSQL without TLS; use a private network or a local TLS tunnel, and sslmode=disable or prefer"
                    .to_string(),
            );
        }
        if config.get_connect_timeout().is_none() {
            config.connect_timeout(CONNECT_TIMEOUT);
        }
        if config.get_keepalives_idle() > KEEPALIVE_IDLE {
            config.keepalives_idle(KEEPALIVE_IDLE);
        }
        if config.get_application_name().is_none() {
            config.application_name("netral");
        }
        let shown = show(&config);
        Ok(PgTarget { config, shown })
    }

    /// `PostgreSQL user@host:port/database`.
    pub fn shown(&self) -> &str {
        &self.shown
    }

    /// Connects (without TLS; see [`PgTarget::parse`]).
    pub(super) fn connect(&self) -> Result<postgres::Client, postgres::Error> {
        self.config.connect(postgres::NoTls)
    }
}

fn show(config: &postgres::Config) -> String {
    let ports = config.get_ports();
    let hosts: Vec<String> = config
        .get_hosts()
        .iter()
        .enumerate()
        .map(|(i, h)| {
            let host = match h {
                Host::Tcp(name) => name.clone(),
                #[cfg(unix)]
                Host::Unix(path) => path.display().to_string(),
            };
            let port = ports
                .get(i)
                .or_else(|| ports.first())
                .copied()
                .unwrap_or(5432);
            format!("{host}:{port}")
        })
        .collect();
    let user = config.get_user().map_or(String::new(), |u| format!("{u}@"));
    let db = config.get_dbname().or(config.get_user()).unwrap_or("");
    format!("PostgreSQL {user}{}/{db}", hosts.join(","))
}

impl std::fmt::Debug for PgTarget {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.shown)
    }
}

impl std::fmt::Display for PgTarget {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.shown)
    }
}

impl PartialEq for PgTarget {
    fn eq(&self, other: &PgTarget) -> bool {
        // The Debug form of the configuration has every setting but the password.
        self.shown == other.shown
            && format!("{:?}", self.config) == format!("{:?}", other.config)
            && self.config.get_password() == other.config.get_password()
    }
}

impl Eq for PgTarget {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shown_without_the_password() {
        let t = PgTarget::parse("postgres://netral:hunter2-long-secret@db.internal:6543/bot")
            .expect("a valid URL");
        assert_eq!(t.shown(), "PostgreSQL netral@db.internal:6543/bot");
        assert!(!format!("{t:?}").contains("hunter2"));
        let t = PgTarget::parse("postgresql://netral@10.0.0.5/netral?sslmode=disable").unwrap();
        assert_eq!(t.shown(), "PostgreSQL netral@10.0.0.5:5432/netral");
    }

    #[test]
    fn malformed_urls_are_one_line_without_the_password() {
        for url in [
            "postgres://netral:hunter2-long-secret@db:notaport/netral",
            "postgres://netral:hunter2-long-secret@db/netral?frobnicate=1",
            "postgres://netral:hunter2-long-secret@/netral",
            "postgres://netral:hunter2-long-secret@db/netral?sslmode=require",
            "postgres://netral:hunter2-long-secret@[::1/netral",
        ] {
            let e = PgTarget::parse(url).expect_err(url);
            assert!(!e.contains("hunter2"), "{url}: {e}");
            assert!(!e.contains('\n'), "{url}: {e}");
            assert!(!e.is_empty());
        }
    }
}
