//! Back-off settings and the full-jitter delay.

use std::time::Duration;

/// How many times and how patiently a call is retried.
///
/// Defaults: 3 attempts, full-jitter exponential back-off from 500 ms capped at 20 s, at least
/// 1 s after a rate-limit answer without `Retry-After`, and a `Retry-After` honoured up to 60 s.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RetryPolicy {
    pub(crate) max_attempts: u32,
    pub(crate) initial_backoff: Duration,
    pub(crate) max_backoff: Duration,
    pub(crate) max_retry_after: Duration,
    pub(crate) rate_limit_floor: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 3,
            initial_backoff: Duration::from_millis(500),
            max_backoff: Duration::from_secs(20),
            max_retry_after: Duration::from_secs(60),
            rate_limit_floor: Duration::from_secs(1),
        }
    }
}

impl RetryPolicy {
    /// One attempt, no retries (a 401 still refreshes and replays once).
    pub fn none() -> Self {
        RetryPolicy {
            max_attempts: 1,
            ..Self::default()
        }
    }
    /// Total attempts including the first (at least 1).
    pub fn with_max_attempts(mut self, n: u32) -> Self {
        self.max_attempts = n.max(1);
        self
    }
    /// The first back-off ceiling.
    pub fn with_initial_backoff(mut self, d: Duration) -> Self {
        self.initial_backoff = d;
        self
    }
    /// The largest back-off ceiling.
    pub fn with_max_backoff(mut self, d: Duration) -> Self {
        self.max_backoff = d;
        self
    }
    /// The longest `Retry-After` honoured; a longer one ends the call with the error (which
    /// exposes [`retry_after`](crate::Error::retry_after)).
    pub fn with_max_retry_after(mut self, d: Duration) -> Self {
        self.max_retry_after = d;
        self
    }
    /// The least wait after a 429 without `Retry-After`.
    pub fn with_rate_limit_floor(mut self, d: Duration) -> Self {
        self.rate_limit_floor = d;
        self
    }
    /// Total attempts.
    pub fn max_attempts(&self) -> u32 {
        self.max_attempts
    }

    /// Full jitter: uniform in `[0, min(max, initial · 2^(retry-1))]`, where `retry` counts
    /// retries from 1 and `unit` is uniform in `[0, 1)`.
    pub fn backoff(&self, retry: u32, unit: f64) -> Duration {
        let exp = retry.saturating_sub(1).min(30);
        let ceiling = self
            .initial_backoff
            .saturating_mul(1u32 << exp)
            .min(self.max_backoff);
        // `mul_f64` panics when rounding pushes a huge ceiling past `Duration::MAX`.
        let unit = if unit.is_nan() {
            0.0
        } else {
            unit.clamp(0.0, 1.0)
        };
        Duration::try_from_secs_f64(ceiling.as_secs_f64() * unit)
            .unwrap_or(ceiling)
            .min(ceiling)
    }

    /// The wait before retry number `retry`: the jittered back-off, raised to `Retry-After`
    /// when the server sent one, and to the rate-limit floor for rate limiting without one.
    /// `None` when `Retry-After` exceeds [`with_max_retry_after`](Self::with_max_retry_after).
    pub fn delay(
        &self,
        retry: u32,
        unit: f64,
        rate_limited: bool,
        retry_after: Option<Duration>,
    ) -> Option<Duration> {
        let backoff = self.backoff(retry, unit);
        match retry_after {
            Some(ra) if ra > self.max_retry_after => None,
            Some(ra) => Some(backoff.max(ra)),
            None if rate_limited => Some(backoff.max(self.rate_limit_floor)),
            None => Some(backoff),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_jitter_is_bounded_by_the_capped_exponential() {
        let p = RetryPolicy::default();
        for retry in 1..=10 {
            let ceiling =
                Duration::from_millis(500 * (1 << (retry - 1))).min(Duration::from_secs(20));
            assert_eq!(p.backoff(retry, 0.0), Duration::ZERO);
            assert_eq!(p.backoff(retry, 1.0), ceiling);
            let mid = p.backoff(retry, 0.5);
            assert!(mid <= ceiling && mid >= ceiling / 2 - Duration::from_millis(1));
        }
    }

    #[test]
    fn retry_after_and_floor() {
        let p = RetryPolicy::default();
        // Retry-After wins over a shorter back-off…
        assert_eq!(
            p.delay(1, 0.1, true, Some(Duration::from_secs(7))),
            Some(Duration::from_secs(7))
        );
        // …is refused past the ceiling…
        assert_eq!(p.delay(1, 0.1, true, Some(Duration::from_secs(61))), None);
        // …and rate limiting without it waits at least the floor.
        assert_eq!(p.delay(1, 0.0, true, None), Some(Duration::from_secs(1)));
        assert_eq!(p.delay(1, 0.0, false, None), Some(Duration::ZERO));
    }

    #[test]
    fn extreme_settings_do_not_panic() {
        let p = RetryPolicy::default()
            .with_initial_backoff(Duration::MAX)
            .with_max_backoff(Duration::MAX)
            .with_max_retry_after(Duration::MAX);
        for unit in [0.0, 0.5, 1.0, f64::NAN, f64::INFINITY, -1.0] {
            assert!(p.backoff(u32::MAX, unit) <= Duration::MAX);
            let _ = p.delay(u32::MAX, unit, true, Some(Duration::MAX));
        }
    }
}
