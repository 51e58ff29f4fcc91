//! The client-side QPS limiter.
//!
//! athena limits each app's requests per second (about 15 in preview, 150 in production) and
//! per day (`X-RateLimit-Limit` / `X-RateLimit-Remaining` on every response). The limiter
//! keeps the client under its configured QPS with GCRA (a token bucket without a timer
//! thread): each call reserves the next free slot and waits for it, so concurrent callers
//! queue fairly. It also listens to the server: after a 429 (or the over-QPS 403) every call
//! waits out the `Retry-After` the server asked for, not just the one that was refused; and
//! when `X-RateLimit-Remaining` reaches 0, calls are spaced by at least a second until the
//! server reports capacity again.

use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::runtime::Runtime;

/// The last quota figures the server reported.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RateLimitStatus {
    /// `X-RateLimit-Limit`.
    pub limit: Option<u64>,
    /// `X-RateLimit-Remaining`.
    pub remaining: Option<u64>,
    /// How many rate-limit answers (429 / over-QPS 403) this client has received.
    pub throttled_responses: u64,
}

#[derive(Debug)]
struct State {
    /// GCRA theoretical arrival time.
    tat: Option<Instant>,
    /// No request leaves before this (server-requested pause).
    paused_until: Option<Instant>,
    status: RateLimitStatus,
}

/// See the [module docs](self).
#[derive(Debug)]
pub(crate) struct RateLimiter {
    interval: Option<Duration>,
    tolerance: Duration,
    state: Mutex<State>,
}

const EXHAUSTED_SPACING: Duration = Duration::from_secs(1);

impl RateLimiter {
    /// `qps` requests per second with bursts of `burst`; `None` for no client-side limit.
    pub(crate) fn new(qps: Option<f64>, burst: u32) -> Self {
        let interval = qps
            .filter(|q| q.is_finite() && *q > 0.0)
            .map(|q| Duration::from_secs_f64(1.0 / q));
        let tolerance = interval
            .map(|i| i * burst.max(1).saturating_sub(1))
            .unwrap_or_default();
        RateLimiter {
            interval,
            tolerance,
            state: Mutex::new(State {
                tat: None,
                paused_until: None,
                status: RateLimitStatus::default(),
            }),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Reserves a slot; returns how long to wait before sending.
    pub(crate) fn reserve(&self, now: Instant) -> Duration {
        let mut s = self.lock();
        let mut start = now;
        if let Some(p) = s.paused_until {
            if p > start {
                start = p;
            } else {
                s.paused_until = None;
            }
        }
        let Some(interval) = self.interval else {
            return start.saturating_duration_since(now);
        };
        let tat = s.tat.map_or(start, |t| t.max(start));
        let allowed_at = tat.checked_sub(self.tolerance).unwrap_or(tat).max(start);
        s.tat = Some(tat + interval);
        allowed_at.saturating_duration_since(now)
    }

    /// Waits for a slot.
    pub(crate) async fn acquire(&self, rt: &Runtime) {
        let wait = self.reserve(rt.clock.now());
        if !wait.is_zero() {
            tracing::trace!(wait_ms = wait.as_millis() as u64, "client-side rate limit");
            rt.sleeper.sleep(wait).await;
        }
    }

    /// Records the quota headers of a response.
    pub(crate) fn observe(&self, now: Instant, limit: Option<u64>, remaining: Option<u64>) {
        let mut s = self.lock();
        if limit.is_some() {
            s.status.limit = limit;
        }
        if remaining.is_some() {
            s.status.remaining = remaining;
        }
        if remaining == Some(0) {
            let until = now + EXHAUSTED_SPACING;
            s.paused_until = Some(s.paused_until.map_or(until, |p| p.max(until)));
        }
    }

    /// The server throttled us: nobody sends before `now + wait`.
    pub(crate) fn throttled(&self, now: Instant, wait: Duration) {
        let mut s = self.lock();
        s.status.throttled_responses += 1;
        let until = now + wait;
        s.paused_until = Some(s.paused_until.map_or(until, |p| p.max(until)));
    }

    pub(crate) fn status(&self) -> RateLimitStatus {
        self.lock().status
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spaces_requests_at_the_configured_rate() {
        let l = RateLimiter::new(Some(10.0), 1);
        let t0 = Instant::now();
        let waits: Vec<_> = (0..5).map(|_| l.reserve(t0)).collect();
        assert_eq!(
            waits,
            [0, 100, 200, 300, 400].map(Duration::from_millis).to_vec()
        );
    }

    #[test]
    fn burst_allows_an_initial_run() {
        let l = RateLimiter::new(Some(10.0), 3);
        let t0 = Instant::now();
        let waits: Vec<_> = (0..5).map(|_| l.reserve(t0)).collect();
        assert_eq!(
            waits,
            [0, 0, 0, 100, 200].map(Duration::from_millis).to_vec()
        );
        // After a quiet second, the burst is available again.
        let t1 = t0 + Duration::from_secs(2);
        assert_eq!(l.reserve(t1), Duration::ZERO);
    }

    #[test]
    fn server_pause_holds_everyone() {
        let l = RateLimiter::new(None, 1);
        let t0 = Instant::now();
        assert_eq!(l.reserve(t0), Duration::ZERO);
        l.throttled(t0, Duration::from_secs(3));
        assert_eq!(l.reserve(t0), Duration::from_secs(3));
        assert_eq!(
            l.reserve(t0 + Duration::from_secs(1)),
            Duration::from_secs(2)
        );
        assert_eq!(l.reserve(t0 + Duration::from_secs(4)), Duration::ZERO);
        assert_eq!(l.status().throttled_responses, 1);
    }

    #[test]
    fn exhausted_quota_spaces_calls() {
        let l = RateLimiter::new(None, 1);
        let t0 = Instant::now();
        l.observe(t0, Some(50_000), Some(0));
        assert_eq!(l.reserve(t0), EXHAUSTED_SPACING);
        assert_eq!(l.status().remaining, Some(0));
        l.observe(t0 + EXHAUSTED_SPACING, Some(50_000), Some(10));
        assert_eq!(l.reserve(t0 + EXHAUSTED_SPACING * 2), Duration::ZERO);
    }
}
