//! The per-user question limit (by default 20 a minute), so one user cannot flood the bot.
//!
//! A sliding window per user id, in memory. The first question over the limit gets a polite
//! answer; further ones in the same window are dropped silently so the limit message itself
//! cannot be used to spam a group.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// The decision for one question.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    Allowed,
    /// Over the limit; `notify` is true the first time in this window. `wait` is how long
    /// until the user may ask again.
    Limited {
        notify: bool,
        wait: Duration,
    },
}

#[derive(Debug, Default)]
struct UserWindow {
    asked: VecDeque<Instant>,
    notified: bool,
}

/// Counts questions per user in a sliding window.
#[derive(Debug)]
pub struct UserLimiter {
    max: usize,
    window: Duration,
    users: Mutex<HashMap<u64, UserWindow>>,
}

/// Above this many tracked users, idle ones are forgotten on the next check.
const PRUNE_ABOVE: usize = 10_000;

impl UserLimiter {
    pub fn new(max: u32, window: Duration) -> UserLimiter {
        UserLimiter {
            max: max.max(1) as usize,
            window,
            users: Mutex::new(HashMap::new()),
        }
    }

    /// Records a question from `user` at `now` unless the user is over the limit.
    pub fn check(&self, user: u64, now: Instant) -> Decision {
        let mut users = match self.users.lock() {
            Ok(u) => u,
            Err(poisoned) => poisoned.into_inner(),
        };
        if users.len() > PRUNE_ABOVE {
            let window = self.window;
            users.retain(|_, w| {
                w.asked
                    .back()
                    .is_some_and(|t| now.saturating_duration_since(*t) < window)
            });
        }
        let w = users.entry(user).or_default();
        while w
            .asked
            .front()
            .is_some_and(|t| now.saturating_duration_since(*t) >= self.window)
        {
            w.asked.pop_front();
        }
        if w.asked.len() < self.max {
            w.asked.push_back(now);
            w.notified = false;
            return Decision::Allowed;
        }
        let oldest = w.asked.front().copied().unwrap_or(now);
        let wait = self
            .window
            .saturating_sub(now.saturating_duration_since(oldest));
        let notify = !w.notified;
        w.notified = true;
        Decision::Limited { notify, wait }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_per_user_and_window() {
        let l = UserLimiter::new(3, Duration::from_secs(60));
        let t0 = Instant::now();
        for i in 0..3 {
            assert_eq!(l.check(1, t0 + Duration::from_secs(i)), Decision::Allowed);
        }
        let d = l.check(1, t0 + Duration::from_secs(10));
        assert_eq!(
            d,
            Decision::Limited {
                notify: true,
                wait: Duration::from_secs(50)
            }
        );
        assert!(matches!(
            l.check(1, t0 + Duration::from_secs(11)),
            Decision::Limited { notify: false, .. }
        ));
        // another user is unaffected
        assert_eq!(l.check(2, t0 + Duration::from_secs(11)), Decision::Allowed);
        // after the window the user may ask again
        assert_eq!(l.check(1, t0 + Duration::from_secs(61)), Decision::Allowed);
    }
}
