//! The per-client token manager: cache lookups, single-flight refresh, compare-and-clear.

use std::sync::Arc;

use super::{AccessToken, TokenCache, TokenEndpoint, TokenSource};
use crate::Result;

/// Hands out bearer tokens for one client (shared by its clones).
#[derive(Debug)]
pub(crate) struct TokenManager {
    source: Arc<dyn TokenSource>,
    cache: Arc<dyn TokenCache>,
    key: String,
    endpoint: TokenEndpoint,
    /// Held while a refresh is in flight; waiters re-check the cache after acquiring it.
    refresh: tokio::sync::Mutex<()>,
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
        }
    }

    pub(crate) fn cache(&self) -> Arc<dyn TokenCache> {
        self.cache.clone()
    }

    pub(crate) fn endpoint(&self) -> &TokenEndpoint {
        &self.endpoint
    }

    /// A fresh token: from the cache, or from one single-flight refresh.
    pub(crate) async fn token(&self) -> Result<AccessToken> {
        let now = self.endpoint.runtime().clock.system_now();
        if let Some(t) = self.cache.load(&self.key).await
            && t.is_fresh_at(now)
        {
            return Ok(t);
        }
        let _flight = self.refresh.lock().await;
        // Another caller may have refreshed while we waited for the lock.
        let now = self.endpoint.runtime().clock.system_now();
        if let Some(t) = self.cache.load(&self.key).await
            && t.is_fresh_at(now)
        {
            return Ok(t);
        }
        tracing::debug!("requesting a new access token");
        let token = self.source.fetch_token(&self.endpoint).await?;
        self.cache.store(&self.key, &token).await;
        Ok(token)
    }

    /// The server rejected `token` (401): forget it unless it was already replaced.
    pub(crate) async fn reject(&self, token: &AccessToken) {
        self.cache.evict(&self.key, token).await;
    }
}
