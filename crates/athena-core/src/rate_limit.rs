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

/// A slot that would come too late for the call's deadline.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Refusal {
    /// How long the call would have had to wait.
    pub(crate) wait: Duration,
    /// True when a server-requested pause (429 / over-QPS 403 / exhausted quota) is the
    /// cause, rather than the client-side QPS spacing.
    pub(crate) paused: bool,
}

impl RateLimiter {
    /// `qps` requests per second with bursts of `burst`; `None` for no client-side limit.
    pub(crate) fn new(qps: Option<f64>, burst: u32) -> Self {
        let interval = qps
            .filter(|q| q.is_finite() && *q > 0.0)
            .and_then(|q| Duration::try_from_secs_f64(1.0 / q).ok());
        let tolerance = interval
            .map(|i| {
                i.checked_mul(burst.max(1).saturating_sub(1))
                    .unwrap_or(Duration::MAX)
            })
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
    #[cfg(test)]
    pub(crate) fn reserve(&self, now: Instant) -> Duration {
        match self.reserve_before(now, None) {
            Ok(wait) => wait,
            Err(refusal) => refusal.wait,
        }
    }

    /// Reserves a slot that can be used before `deadline`; returns how long to wait before
    /// sending. When the wait would reach the deadline nothing is reserved and the refusal
    /// says how long it would have been, and whether a server-requested pause is the cause.
    pub(crate) fn reserve_before(
        &self,
        now: Instant,
        deadline: Option<Instant>,
    ) -> Result<Duration, Refusal> {
        let mut s = self.lock();
        let mut start = now;
        let mut paused = false;
        if let Some(p) = s.paused_until {
            if p > start {
                start = p;
                paused = true;
            } else {
                s.paused_until = None;
            }
        }
        let fits = |at: Instant| deadline.is_none_or(|d| at < d);
        let Some(interval) = self.interval else {
            let wait = start.saturating_duration_since(now);
            return if fits(start) {
                Ok(wait)
            } else {
                Err(Refusal { wait, paused })
            };
        };
        let tat = s.tat.map_or(start, |t| t.max(start));
        let allowed_at = tat.checked_sub(self.tolerance).unwrap_or(tat).max(start);
        let wait = allowed_at.saturating_duration_since(now);
        if !fits(allowed_at) {
            return Err(Refusal { wait, paused });
        }
        s.tat = Some(tat.checked_add(interval).unwrap_or(tat));
        Ok(wait)
    }

    /// Waits for a slot that is free before `deadline` (`None`: however long it takes).
    /// Returns the refusal, without waiting, when the slot would come at or after the
    /// deadline.
    pub(crate) async fn acquire_before(
        &self,
        rt: &Runtime,
        deadline: Option<Instant>,
    ) -> Result<(), Refusal> {
        let wait = self.reserve_before(rt.clock.now(), deadline)?;
        if !wait.is_zero() {
            tracing::trace!(wait_ms = wait.as_millis() as u64, "client-side rate limit");
            rt.sleeper.sleep(wait).await;
        }
        Ok(())
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
            let until = now.checked_add(EXHAUSTED_SPACING).unwrap_or(now);
            s.paused_until = Some(s.paused_until.map_or(until, |p| p.max(until)));
        }
    }

    /// The server throttled us: nobody sends before `now + wait`, where `wait` is clamped to
    /// `cap` (the longest `Retry-After` the retry policy honours), so one answer with a
    /// huge `Retry-After` cannot freeze every later call of the client.
    pub(crate) fn throttled(&self, now: Instant, wait: Duration, cap: Duration) {
        let mut s = self.lock();
        s.status.throttled_responses = s.status.throttled_responses.saturating_add(1);
        let until = now.checked_add(wait.min(cap)).unwrap_or(now);
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
        l.throttled(t0, Duration::from_secs(3), Duration::from_secs(60));
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

    #[test]
    fn a_huge_server_wait_is_capped_and_cannot_overflow() {
        let l = RateLimiter::new(Some(10.0), 1);
        let t0 = Instant::now();
        // Before the fix `now + wait` panicked here.
        l.throttled(t0, Duration::MAX, Duration::from_secs(60));
        assert_eq!(l.reserve(t0), Duration::from_secs(60));
        // A cap of Duration::MAX cannot overflow either.
        let l = RateLimiter::new(None, 1);
        l.throttled(t0, Duration::MAX, Duration::MAX);
        let _ = l.reserve(t0);
        assert_eq!(l.status().throttled_responses, 1);
    }

    #[test]
    fn a_slot_past_the_deadline_is_refused_without_reserving() {
        let l = RateLimiter::new(Some(1.0), 1);
        let t0 = Instant::now();
        let deadline = Some(t0 + Duration::from_millis(1500));
        assert_eq!(l.reserve_before(t0, deadline), Ok(Duration::ZERO));
        assert_eq!(l.reserve_before(t0, deadline), Ok(Duration::from_secs(1)));
        assert_eq!(
            l.reserve_before(t0, deadline),
            Err(Refusal {
                wait: Duration::from_secs(2),
                paused: false
            })
        );
        // The refusal reserved nothing: with more time the same slot is handed out.
        assert_eq!(l.reserve_before(t0, None), Ok(Duration::from_secs(2)));
        // A server pause past the deadline is reported as such.
        l.throttled(t0, Duration::from_secs(30), Duration::from_secs(60));
        assert_eq!(
            l.reserve_before(t0, deadline),
            Err(Refusal {
                wait: Duration::from_secs(30),
                paused: true
            })
        );
    }

    #[test]
    fn absurd_qps_values_do_not_panic() {
        for q in [
            1e-10,
            f64::MIN_POSITIVE,
            1e-300,
            f64::MAX,
            f64::NAN,
            f64::INFINITY,
            -1.0,
            0.0,
        ] {
            let l = RateLimiter::new(Some(q), u32::MAX);
            let t0 = Instant::now();
            let _ = l.reserve(t0);
            let _ = l.reserve(t0);
        }
    }
}
