//! OAuth 2.0: where bearer tokens come from and how they are cached.
//!
//! - A [`TokenSource`] obtains a fresh token: [`ClientCredentials`] (athena's 2-legged flow,
//!   the default), [`SmartBackendServices`](crate::auth::smart::SmartBackendServices) (JWT client
//!   assertion, RS384/ES384), or a refresh-token source from the 3-legged
//!   [`AuthorizationCodeFlow`](crate::auth::authorization_code::AuthorizationCodeFlow).
//! - A [`TokenCache`] stores tokens; [`InMemoryTokenCache`] is the default and a shared cache
//!   (Redis, a database) lets several processes use one token.
//! - The client's token manager (internal) makes refreshes **single-flight**: however many
//!   calls arrive on a cold or expiring cache, one token request is made and the others wait
//!   for it. Tokens are refreshed a minute before they expire (half their lifetime for tokens
//!   shorter than two minutes). A 401 evicts exactly the rejected token (compare-and-clear, so
//!   a newer token fetched meanwhile survives), refreshes once and replays once.
//! - Every token request goes through a [`TokenEndpoint`], which holds the client's
//!   connection pool and the **token-endpoint quota** ([`TokenQuota`]): athena allows 5 new
//!   tokens per minute in preview and 50 in production and answers 429 beyond that. For
//!   athena's hosts the limiter never lets more requests out, whatever the load; it is shared
//!   by every client of the process that uses the same token endpoint, and a wait of more
//!   than a second is logged at WARN. Other token endpoints get no quota unless configured.
//! - A failed refresh is single-flight too: callers waiting on it get its error instead of
//!   each trying again, and for a short, growing back-off after it (1 s, doubling, at most
//!   30 s) callers get the error at once, or the previous token while it has not expired.

pub mod authorization_code;
mod client_credentials;
mod endpoint;
pub(crate) use endpoint::within_call_deadline;
mod manager;
pub mod oidc;
pub mod smart;

use std::collections::HashMap;
use std::fmt;
use std::sync::Mutex;
use std::time::{Duration, SystemTime};

use futures::future::BoxFuture;
use secrecy::{ExposeSecret, SecretString};

pub use client_credentials::ClientCredentials;
pub use endpoint::{
    BasicAuthEncoding, MAX_METADATA_BYTES, MAX_TOKEN_LIFETIME, TokenEndpoint, TokenQuota,
    TokenResponse,
};
pub(crate) use manager::TokenManager;

use crate::Result;

/// athena's default scope for the proprietary REST API.
pub const DEFAULT_SCOPE: &str = "athena/service/Athenanet.MDP.*";

/// A bearer token with its expiry. `Debug` never prints the token.
#[derive(Clone)]
pub struct AccessToken {
    secret: SecretString,
    obtained_at: SystemTime,
    expires_at: SystemTime,
    scope: Option<String>,
}

impl AccessToken {
    /// A token obtained at `obtained_at` that expires at `expires_at`.
    pub fn new(secret: SecretString, obtained_at: SystemTime, expires_at: SystemTime) -> Self {
        AccessToken {
            secret,
            obtained_at,
            expires_at,
            scope: None,
        }
    }

    /// Records the scope the server granted (it may differ from what was asked).
    pub fn with_scope(mut self, scope: Option<String>) -> Self {
        self.scope = scope;
        self
    }

    /// The token itself.
    pub fn secret(&self) -> &SecretString {
        &self.secret
    }
    /// When it was obtained.
    pub fn obtained_at(&self) -> SystemTime {
        self.obtained_at
    }
    /// When it expires.
    pub fn expires_at(&self) -> SystemTime {
        self.expires_at
    }
    /// The granted scope, when the server said.
    pub fn scope(&self) -> Option<&str> {
        self.scope.as_deref()
    }

    /// How long before expiry this token should be replaced: a minute, or half the lifetime
    /// for tokens that live less than two minutes.
    pub(crate) fn refresh_margin(&self) -> Duration {
        let lifetime = self
            .expires_at
            .duration_since(self.obtained_at)
            .unwrap_or(Duration::ZERO);
        Duration::from_secs(60).min(lifetime / 2)
    }

    /// True while the token is usable at `now` without a refresh.
    pub(crate) fn is_fresh_at(&self, now: SystemTime) -> bool {
        now + self.refresh_margin() < self.expires_at
    }

    /// True when both hold the same token string.
    pub fn same_token(&self, other: &AccessToken) -> bool {
        self.secret.expose_secret() == other.secret.expose_secret()
    }
}

impl fmt::Debug for AccessToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AccessToken")
            .field("secret", &"<redacted>")
            .field("expires_at", &self.expires_at)
            .field("scope", &self.scope)
            .finish()
    }
}

/// Obtains fresh access tokens. Implement it to plug in another grant.
///
/// The client calls [`TokenSource::fetch_token`] only when its cache has no fresh token, and at
/// most once at a time per client (single-flight).
pub trait TokenSource: Send + Sync + fmt::Debug {
    /// Requests a new token, using `endpoint` for HTTP (it applies the token-endpoint limiter).
    fn fetch_token<'a>(&'a self, endpoint: &'a TokenEndpoint)
    -> BoxFuture<'a, Result<AccessToken>>;

    /// A stable key naming this credential in a [`TokenCache`] (token URL, client id, scope —
    /// never the secret).
    fn cache_key(&self) -> String;
}

/// Stores tokens by key. Implement it over Redis or a database so many workers share one
/// practice's token; the in-process single-flight still applies per process.
pub trait TokenCache: Send + Sync + fmt::Debug {
    /// The stored token for `key`, fresh or not.
    fn load<'a>(&'a self, key: &'a str) -> BoxFuture<'a, Option<AccessToken>>;
    /// Stores `token` under `key`.
    fn store<'a>(&'a self, key: &'a str, token: &'a AccessToken) -> BoxFuture<'a, ()>;
    /// Removes the token under `key` **only if** it is `rejected` (compare-and-clear).
    fn evict<'a>(&'a self, key: &'a str, rejected: &'a AccessToken) -> BoxFuture<'a, ()>;
}

/// The default [`TokenCache`]: a map in this process, shared by clones of a client.
#[derive(Debug, Default)]
pub struct InMemoryTokenCache {
    tokens: Mutex<HashMap<String, AccessToken>>,
}

impl InMemoryTokenCache {
    /// An empty cache.
    pub fn new() -> Self {
        Self::default()
    }

    fn map(&self) -> std::sync::MutexGuard<'_, HashMap<String, AccessToken>> {
        self.tokens.lock().unwrap_or_else(|p| p.into_inner())
    }
}

impl TokenCache for InMemoryTokenCache {
    fn load<'a>(&'a self, key: &'a str) -> BoxFuture<'a, Option<AccessToken>> {
        let found = self.map().get(key).cloned();
        Box::pin(std::future::ready(found))
    }

    fn store<'a>(&'a self, key: &'a str, token: &'a AccessToken) -> BoxFuture<'a, ()> {
        self.map().insert(key.to_owned(), token.clone());
        Box::pin(std::future::ready(()))
    }

    fn evict<'a>(&'a self, key: &'a str, rejected: &'a AccessToken) -> BoxFuture<'a, ()> {
        let mut map = self.map();
        if map.get(key).is_some_and(|t| t.same_token(rejected)) {
            map.remove(key);
        }
        Box::pin(std::future::ready(()))
    }
}
