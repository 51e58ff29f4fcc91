//! The per-client token manager: cache lookups, single-flight refresh (successes and
//! failures), back-off after a failed refresh, compare-and-clear.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use super::{AccessToken, TokenCache, TokenEndpoint, TokenSource};
use crate::Result;
use crate::error::Error;

/// The first wait after a failed refresh; it doubles with each further failure.
const FAILURE_BACKOFF_BASE: Duration = Duration::from_secs(1);
/// The longest wait after failed refreshes.
const FAILURE_BACKOFF_CAP: Duration = Duration::from_secs(30);

/// Hands out bearer tokens for one client (shared by its clones).
#[derive(Debug)]
pub(crate) struct TokenManager {
    source: Arc<dyn TokenSource>,
    cache: Arc<dyn TokenCache>,
    key: String,
    endpoint: TokenEndpoint,
    /// Held while a refresh is in flight; waiters re-check the cache after acquiring it.
    refresh: tokio::sync::Mutex<()>,
    state: Mutex<FlightState>,
}

#[derive(Debug, Default)]
struct FlightState {
    /// Bumped when a refresh finishes, well or badly.
    flights: u64,
    failure: Option<Failure>,
}

#[derive(Debug)]
struct Failure {
    error: Error,
    /// The flight that failed.
    flight: u64,
    /// No new token request before this.
    retry_at: Instant,
    consecutive: u32,
}

impl TokenManager {
    pub(crate) fn new(
        source: Arc<dyn TokenSource>,
        cache: Arc<dyn TokenCache>,
        endpoint: TokenEndpoint,
    ) -> Self {
        let key = source.cache_key();
        TokenManager {
            source,
            cache,
            key,
            endpoint,
            refresh: tokio::sync::Mutex::new(()),
            state: Mutex::new(FlightState::default()),
        }
    }

    pub(crate) fn cache(&self) -> Arc<dyn TokenCache> {
        self.cache.clone()
    }

    pub(crate) fn endpoint(&self) -> &TokenEndpoint {
        &self.endpoint
    }

    fn state(&self) -> std::sync::MutexGuard<'_, FlightState> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// A fresh token: from the cache, or from one single-flight refresh.
    ///
    /// When a refresh fails, the callers that were waiting for it get (a copy of) its error
    /// without sending anything, and so does every caller during the back-off that follows
    /// (1 s, doubling per consecutive failure, at most 30 s), with
    /// [`Error::retry_after`](crate::Error::retry_after) saying how long is left. Meanwhile a
    /// cached token that has not expired yet (only its refresh margin has begun) is still
    /// handed out.
    pub(crate) async fn token(&self) -> Result<AccessToken> {
        let now = self.endpoint.runtime().clock.system_now();
        if let Some(t) = self.cache.load(&self.key).await
            && t.is_fresh_at(now)
        {
            return Ok(t);
        }
        let flights_seen = self.state().flights;
        let _flight = self.refresh.lock().await;
        // Another caller may have refreshed while we waited for the lock.
        let now = self.endpoint.runtime().clock.system_now();
        let cached = self.cache.load(&self.key).await;
        if let Some(t) = &cached
            && t.is_fresh_at(now)
        {
            return Ok(t.clone());
        }
        let usable = cached.filter(|t| now < t.expires_at());
        let mono = self.endpoint.runtime().clock.now();
        if let Some(f) = &self.state().failure {
            let shared = f.flight > flights_seen;
            if shared || mono < f.retry_at {
                if let Some(t) = usable {
                    return Ok(t);
                }
                let error = f.error.shared_copy();
                return Err(if shared {
                    error
                } else {
                    error.with_retry_after(Some(f.retry_at.saturating_duration_since(mono)))
                });
            }
        }
        tracing::debug!("requesting a new access token");
        match self.source.fetch_token(&self.endpoint).await {
            Ok(token) => {
                self.cache.store(&self.key, &token).await;
                let mut st = self.state();
                st.flights += 1;
                st.failure = None;
                Ok(token)
            }
            Err(error) => {
                let mono = self.endpoint.runtime().clock.now();
                let mut st = self.state();
                st.flights += 1;
                let consecutive = st.failure.as_ref().map_or(0, |f| f.consecutive) + 1;
                let backoff = FAILURE_BACKOFF_BASE
                    .saturating_mul(2u32.saturating_pow(consecutive.saturating_sub(1).min(16)))
                    .min(FAILURE_BACKOFF_CAP);
                tracing::warn!(
                    consecutive,
                    backoff_ms = backoff.as_millis() as u64,
                    kind = ?error.kind(),
                    status = error.status(),
                    "token refresh failed; concurrent and following callers share this failure \
                     until the back-off ends"
                );
                st.failure = Some(Failure {
                    error: error.shared_copy(),
                    flight: st.flights,
                    retry_at: mono + backoff,
                    consecutive,
                });
                drop(st);
                match usable {
                    Some(t) => Ok(t),
                    None => Err(error),
                }
            }
        }
    }

    /// The server rejected `token` (401): forget it unless it was already replaced.
    pub(crate) async fn reject(&self, token: &AccessToken) {
        self.cache.evict(&self.key, token).await;
    }
}
