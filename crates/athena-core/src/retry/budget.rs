//! A client-wide retry budget (AWS-style token bucket).

use std::sync::Mutex;

/// Stops retry storms: every retry spends tokens (5, or 10 after a timeout), every success
/// returns 1, and when the bucket is empty calls fail instead of retrying. Shared by all
/// clones of a client. Capacity 500 by default.
#[derive(Debug)]
pub struct RetryBudget {
    capacity: u32,
    tokens: Mutex<u32>,
    enabled: bool,
}

impl RetryBudget {
    /// Cost of an ordinary retry.
    pub const RETRY_COST: u32 = 5;
    /// Cost of a retry after a timeout.
    pub const TIMEOUT_COST: u32 = 10;

    /// A full bucket of `capacity` tokens.
    pub fn new(capacity: u32) -> Self {
        RetryBudget {
            capacity,
            tokens: Mutex::new(capacity),
            enabled: true,
        }
    }

    /// A budget that never runs out.
    pub fn unlimited() -> Self {
        RetryBudget {
            capacity: u32::MAX,
            tokens: Mutex::new(u32::MAX),
            enabled: false,
        }
    }

    /// Takes the price of one retry; false when the bucket cannot pay it.
    pub fn try_spend(&self, timeout: bool) -> bool {
        if !self.enabled {
            return true;
        }
        let cost = if timeout {
            Self::TIMEOUT_COST
        } else {
            Self::RETRY_COST
        };
        let mut t = self.tokens.lock().unwrap_or_else(|p| p.into_inner());
        if *t >= cost {
            *t -= cost;
            true
        } else {
            false
        }
    }

    /// Returns one token after a success.
    pub fn record_success(&self) {
        if !self.enabled {
            return;
        }
        let mut t = self.tokens.lock().unwrap_or_else(|p| p.into_inner());
        *t = (*t + 1).min(self.capacity);
    }

    /// Tokens left.
    pub fn available(&self) -> u32 {
        *self.tokens.lock().unwrap_or_else(|p| p.into_inner())
    }
}

impl Default for RetryBudget {
    fn default() -> Self {
        RetryBudget::new(500)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spends_refunds_and_runs_dry() {
        let b = RetryBudget::new(12);
        assert!(b.try_spend(false)); // 7 left
        assert!(!b.try_spend(true)); // a timeout costs 10
        assert!(b.try_spend(false)); // 2 left
        assert!(!b.try_spend(false));
        for _ in 0..3 {
            b.record_success();
        }
        assert!(b.try_spend(false));
        for _ in 0..100 {
            b.record_success();
        }
        assert_eq!(b.available(), 12);
        assert!(RetryBudget::unlimited().try_spend(true));
    }
}
