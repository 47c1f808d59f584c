//! The per-client request limit of the API (by default 60 a minute, bursts of 20), so one
//! client cannot take the service from everyone else. Over the limit the answer is 429 with
//! `Retry-After`.
//!
//! GCRA (the "generic cell rate algorithm" of token buckets): one instant per client, the time
//! at which its bucket is empty again. Clients are told apart by the TCP peer address, or by a
//! header a trusted reverse proxy sets (`NETRAL_HTTP_CLIENT_HEADER`).

use super::config::ClientLimit;
use super::error::ErrorTexts;
use axum::extract::{ConnectInfo, Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Above this many tracked clients, those whose bucket is full again are forgotten.
const PRUNE_ABOVE: usize = 10_000;

/// Counts requests per client.
#[derive(Debug)]
pub struct ClientLimiter {
    interval: Duration,
    /// How far ahead of now a client's bucket may run: `interval × (burst − 1)`.
    tolerance: Duration,
    /// Per client: when its bucket is full again ("theoretical arrival time").
    clients: Mutex<HashMap<String, Instant>>,
}

impl ClientLimiter {
    pub fn new(limit: ClientLimit) -> ClientLimiter {
        let interval = limit.interval();
        ClientLimiter {
            interval,
            tolerance: interval * limit.burst.saturating_sub(1),
            clients: Mutex::new(HashMap::new()),
        }
    }

    /// Counts a request from `client` at `now`; `Err(wait)` when it is over the limit.
    pub fn check(&self, client: &str, now: Instant) -> Result<(), Duration> {
        let mut clients = match self.clients.lock() {
            Ok(c) => c,
            Err(poisoned) => poisoned.into_inner(),
        };
        if clients.len() > PRUNE_ABOVE {
            clients.retain(|_, full_at| *full_at > now);
        }
        let full_at = clients.get(client).copied().unwrap_or(now).max(now);
        let ahead = full_at - now;
        if ahead > self.tolerance {
            return Err(ahead - self.tolerance);
        }
        let next = full_at + self.interval;
        match clients.get_mut(client) {
            Some(t) => *t = next,
            None => {
                clients.insert(client.to_string(), next);
            }
        }
        Ok(())
    }
}

/// Who sent a request (an address), put on every API request by [`per_client`]: the limit
/// counts by it and the store counts distinct askers by a salted hash of it.
#[derive(Debug, Clone)]
pub struct ClientKey(pub Arc<str>);

/// The state the limit layer needs (shared: the layer clones it for every request).
pub struct LimitState {
    /// `None`: no limit.
    pub limiter: Option<ClientLimiter>,
    pub client_header: Option<String>,
    pub texts: ErrorTexts,
}

/// The client a request comes from: the last address in the trusted proxy's header (the one
/// the proxy itself added), else the TCP peer.
pub fn client_of(req: &Request, client_header: Option<&str>) -> String {
    if let Some(name) = client_header
        && let Some(value) = req.headers().get(name).and_then(|v| v.to_str().ok())
        && let Some(last) = value.rsplit(',').map(str::trim).find(|v| !v.is_empty())
    {
        return last.to_string();
    }
    peer_ip(req).to_string()
}

/// The TCP peer's address (unspecified when the server was not started with connect info).
pub fn peer_ip(req: &Request) -> IpAddr {
    req.extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED), |c| c.0.ip())
}

/// The layer: names the client, then lets the request through or answers 429.
pub async fn per_client(
    State(state): State<Arc<LimitState>>,
    mut req: Request,
    next: Next,
) -> Response {
    let client = client_of(&req, state.client_header.as_deref());
    if let Some(limiter) = &state.limiter
        && let Err(wait) = limiter.check(&client, Instant::now())
    {
        return state.texts.too_many(wait).into_response();
    }
    req.extensions_mut().insert(ClientKey(client.into()));
    next.run(req).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_burst_passes_then_the_sustained_rate_applies() {
        let limiter = ClientLimiter::new(ClientLimit {
            per_minute: 60,
            burst: 3,
        });
        let t0 = Instant::now();
        for _ in 0..3 {
            assert_eq!(limiter.check("a", t0), Ok(()));
        }
        let wait = limiter.check("a", t0).unwrap_err();
        assert_eq!(wait, Duration::from_secs(1));
        // Another client is not affected.
        assert_eq!(limiter.check("b", t0), Ok(()));
        // One second later, one more request is allowed, and only one.
        let t1 = t0 + Duration::from_secs(1);
        assert_eq!(limiter.check("a", t1), Ok(()));
        assert!(limiter.check("a", t1).is_err());
        // After a long pause the whole burst is available again.
        let t2 = t0 + Duration::from_secs(60);
        for _ in 0..3 {
            assert_eq!(limiter.check("a", t2), Ok(()));
        }
    }

    #[test]
    fn idle_clients_are_forgotten_when_many_are_tracked() {
        let limiter = ClientLimiter::new(ClientLimit::per_minute(60));
        let t0 = Instant::now();
        for i in 0..=PRUNE_ABOVE {
            let _ = limiter.check(&i.to_string(), t0);
        }
        let _ = limiter.check("new", t0 + Duration::from_secs(5));
        assert_eq!(limiter.clients.lock().unwrap().len(), 1);
    }
}
