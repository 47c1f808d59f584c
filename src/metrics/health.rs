//! [`Health`]: whether the front ends of this process are connected to their platforms, as
//! `GET /healthz` reports it.
//!
//! Each front end registers itself as a component when it starts ([`Health::starting`]) and
//! says when it is connected or not ([`Health::set_connected`]); a passing failure (a failed
//! long poll that the adapter retries) is reported with [`Health::failed`] and counts as down
//! for [`FAILURE_WINDOW`] unless the component reports itself connected again. The process is
//! healthy when at least one component is registered and every registered one is up.

use super::Metrics;
use serde::Serialize;
use std::collections::BTreeMap;
use std::sync::{Mutex, OnceLock, PoisonError};
use std::time::{Duration, Instant};

/// How long a reported failure keeps a component down when nothing says otherwise: longer
/// than the adapters' longest back-off (30 s) plus a long poll (10 s).
pub const FAILURE_WINDOW: Duration = Duration::from_secs(60);

#[derive(Debug, Clone)]
enum State {
    Up,
    Down(String),
    Failed { reason: String, at: Instant },
}

/// The connection state of the process's front ends. Cheap to update from any thread.
pub struct Health {
    components: Mutex<BTreeMap<String, State>>,
    metrics: Option<&'static Metrics>,
}

/// What `/healthz` answers, as JSON.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Report {
    /// `ok` or `unavailable`.
    pub status: &'static str,
    /// Why the process is unavailable (absent when it is ok).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// Each component: `connected`, or why it is not.
    pub components: BTreeMap<String, String>,
}

impl Report {
    /// True when every component is connected.
    pub fn healthy(&self) -> bool {
        self.reason.is_none()
    }
}

impl Health {
    /// The process's health, created on first use; it mirrors itself in
    /// [`Metrics::global`]'s `netral_up`.
    pub fn global() -> &'static Health {
        static GLOBAL: OnceLock<Health> = OnceLock::new();
        GLOBAL.get_or_init(|| Health {
            components: Mutex::default(),
            metrics: Some(Metrics::global()),
        })
    }

    /// A fresh, independent state (tests; the process uses [`Health::global`]).
    pub fn new() -> Health {
        Health {
            components: Mutex::default(),
            metrics: None,
        }
    }

    fn set(&self, component: &str, state: State) {
        if let Some(m) = self.metrics {
            m.set_up(component, matches!(state, State::Up));
        }
        self.components
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(component.to_string(), state);
    }

    /// Registers a front end that is starting: down ("starting") until it says it is connected.
    pub fn starting(&self, component: &str) {
        self.set(component, State::Down("starting".into()));
    }

    /// A front end is connected (true) or has lost its connection (false).
    pub fn set_connected(&self, component: &str, connected: bool) {
        let state = if connected {
            State::Up
        } else {
            State::Down("disconnected".into())
        };
        self.set(component, state);
    }

    /// A front end is down for a reason the operator should read (no secrets in it).
    pub fn set_down(&self, component: &str, reason: &str) {
        self.set(component, State::Down(reason.to_string()));
    }

    /// A request failed and the front end retries: down for [`FAILURE_WINDOW`] unless it
    /// reports itself connected sooner.
    pub fn failed(&self, component: &str, reason: &str) {
        self.set(
            component,
            State::Failed {
                reason: reason.to_string(),
                at: Instant::now(),
            },
        );
    }

    /// A front end has stopped: it no longer counts.
    pub fn remove(&self, component: &str) {
        if let Some(m) = self.metrics {
            m.set_up(component, false);
        }
        self.components
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .remove(component);
    }

    /// The state now.
    pub fn report(&self) -> Report {
        self.report_at(Instant::now())
    }

    fn report_at(&self, now: Instant) -> Report {
        let components = self
            .components
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        let described: BTreeMap<String, String> = components
            .iter()
            .map(|(name, state)| {
                let text = match state {
                    State::Up => "connected".to_string(),
                    State::Down(reason) => reason.clone(),
                    State::Failed { at, .. } if now.duration_since(*at) >= FAILURE_WINDOW => {
                        "connected".to_string()
                    }
                    State::Failed { reason, .. } => reason.clone(),
                };
                (name.clone(), text)
            })
            .collect();
        let down: Vec<String> = described
            .iter()
            .filter(|(_, s)| *s != "connected")
            .map(|(name, s)| format!("{name}: {s}"))
            .collect();
        let reason = if described.is_empty() {
            Some("no front end has started".to_string())
        } else if down.is_empty() {
            None
        } else {
            Some(down.join("; "))
        };
        Report {
            status: if reason.is_none() {
                "ok"
            } else {
                "unavailable"
            },
            reason,
            components: described,
        }
    }
}

impl Default for Health {
    fn default() -> Health {
        Health::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn healthy_only_when_every_component_is_connected() {
        let h = Health::new();
        assert_eq!(
            h.report().reason.as_deref(),
            Some("no front end has started")
        );
        h.starting("telegram");
        h.starting("discord");
        assert_eq!(
            h.report().reason.as_deref(),
            Some("discord: starting; telegram: starting")
        );
        h.set_connected("telegram", true);
        assert_eq!(h.report().reason.as_deref(), Some("discord: starting"));
        h.set_connected("discord", true);
        let ok = h.report();
        assert!(ok.healthy());
        assert_eq!(ok.status, "ok");
        assert_eq!(ok.components["discord"], "connected");
        h.set_connected("discord", false);
        assert_eq!(h.report().reason.as_deref(), Some("discord: disconnected"));
        h.remove("discord");
        assert!(h.report().healthy());
    }

    #[test]
    fn a_failure_counts_until_the_window_passes_or_the_component_recovers() {
        let h = Health::new();
        h.set_connected("telegram", true);
        h.failed("telegram", "getUpdates failing");
        let now = Instant::now();
        assert_eq!(
            h.report_at(now).reason.as_deref(),
            Some("telegram: getUpdates failing")
        );
        assert!(h.report_at(now + FAILURE_WINDOW).healthy());
        h.failed("telegram", "getUpdates failing");
        h.set_connected("telegram", true);
        assert!(h.report().healthy());
    }

    #[test]
    fn the_report_is_json_with_a_reason_only_when_down() {
        let h = Health::new();
        h.set_connected("telegram", true);
        let json = serde_json::to_value(h.report()).expect("serialisable");
        assert_eq!(
            json,
            serde_json::json!({"status": "ok", "components": {"telegram": "connected"}})
        );
        h.set_down("telegram", "token rejected");
        let json = serde_json::to_value(h.report()).expect("serialisable");
        assert_eq!(json["status"], "unavailable");
        assert_eq!(json["reason"], "telegram: token rejected");
    }
}
