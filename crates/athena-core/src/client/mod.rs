//! The [`Client`] handle: what its clones share and what it tells about itself.
//!
//! Built by [`ClientBuilder`] (`builder.rs`, validation included) or from the environment
//! (`from_env.rs`); scoped to a practice or department by the handles in `scope.rs`.

mod builder;
mod environment;
mod from_env;
mod scope;
mod timeouts;

use std::fmt;
use std::sync::Arc;

use url::Url;

pub use builder::ClientBuilder;
pub(crate) use builder::is_loopback;
pub use environment::{Environment, PREVIEW_URL, PRODUCTION_URL};
pub use scope::{Department, Practice};
pub use timeouts::Timeouts;

use crate::auth::{
    AccessToken, InMemoryTokenCache, TokenCache, TokenEndpoint, TokenManager, TokenSource,
};
use crate::error::{Error, ErrorKind, Result};
use crate::ids::PracticeId;
use crate::rate_limit::{RateLimitStatus, RateLimiter};
use crate::retry::{RetryBudget, RetryPolicy};
use crate::runtime::Runtime;

/// A handle to athenahealth. Cheap to clone: clones share one connection pool, one token
/// cache, one rate limiter and one retry budget.
///
/// ```no_run
/// # async fn run() -> athena_core::Result<()> {
/// let client = athena_core::Client::builder()
///     .environment(athena_core::Environment::Preview)
///     .client_credentials("my-client-id", "my-client-secret")
///     .build()?;
/// let practice = client.practice(athena_core::PracticeId::new(195900));
/// # let _ = practice; Ok(()) }
/// ```
#[derive(Clone)]
pub struct Client {
    pub(crate) inner: Arc<Inner>,
}

pub(crate) struct Inner {
    pub(crate) http: reqwest::Client,
    pub(crate) base: Url,
    pub(crate) environment: Environment,
    pub(crate) tokens: Option<TokenManager>,
    pub(crate) policy: RetryPolicy,
    pub(crate) budget: Arc<RetryBudget>,
    pub(crate) limiter: Arc<RateLimiter>,
    pub(crate) timeouts: Timeouts,
    pub(crate) runtime: Runtime,
    pub(crate) default_practice: Option<PracticeId>,
    /// The door to token endpoints, shared by clones (also for anonymous clients).
    pub(crate) token_endpoint: TokenEndpoint,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("environment", &self.inner.environment.name())
            .field("base", &self.inner.base.as_str())
            .field("authenticated", &self.inner.tokens.is_some())
            .finish()
    }
}

impl Client {
    /// A builder.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// A handle scoped to one practice: `/v1/{practiceid}/…`. Infallible; for an id from
    /// configuration or user input prefer [`Client::try_practice`], which refuses `0`.
    pub fn practice(&self, id: PracticeId) -> Practice {
        Practice {
            client: self.clone(),
            id,
        }
    }

    /// Like [`Client::practice`], but refuses practice id `0` (an unset or defaulted value
    /// that would otherwise reach athena as `/v1/0/…`) with [`ErrorKind::InvalidInput`].
    pub fn try_practice(&self, id: PracticeId) -> Result<Practice> {
        if id.get() == 0 {
            return Err(Error::new(
                ErrorKind::InvalidInput,
                "practice id 0 is not a practice (athena practice ids start at 1)",
            ));
        }
        Ok(self.practice(id))
    }

    /// The practice named by `ATHENA_PRACTICE_ID` or [`ClientBuilder::practice_id`].
    pub fn default_practice(&self) -> Option<Practice> {
        self.inner.default_practice.map(|id| self.practice(id))
    }

    /// The environment this client talks to.
    pub fn environment(&self) -> &Environment {
        &self.inner.environment
    }

    /// The API origin.
    pub fn base_url(&self) -> &Url {
        &self.inner.base
    }

    /// The last quota headers seen, and how often the server throttled this client.
    pub fn rate_limit_status(&self) -> RateLimitStatus {
        self.inner.limiter.status()
    }

    /// Tokens left in the retry budget.
    pub fn retry_budget_available(&self) -> u32 {
        self.inner.budget.available()
    }

    /// How many token requests this client has sent.
    pub fn token_requests_sent(&self) -> u64 {
        self.inner
            .tokens
            .as_ref()
            .map_or(0, |t| t.endpoint().requests_sent())
    }

    /// The injected clock, sleeper and jitter.
    pub fn runtime(&self) -> &Runtime {
        &self.inner.runtime
    }

    /// The timeouts in force.
    pub fn timeouts(&self) -> Timeouts {
        self.inner.timeouts
    }

    /// The bearer token this client would send now: from its cache, or fetched once
    /// (single-flight) when the cached one is missing or about to expire; `None` for an
    /// anonymous client. To warm the cache or to see what the server granted
    /// ([`AccessToken::scope`], [`AccessToken::expires_at`]): every call, streamed downloads
    /// included ([`Client::execute_streamed`]), attaches the token itself, and a rejected one
    /// is evicted by the transport, never by the caller.
    pub async fn access_token(&self) -> Result<Option<AccessToken>> {
        match &self.inner.tokens {
            Some(tokens) => tokens.token().await.map(Some),
            None => Ok(None),
        }
    }

    /// A client on the same origin sharing this one's connection pool, rate limiter, retry
    /// budget, retry policy, timeouts, runtime and token-endpoint limiter, but authenticating
    /// with `source` (e.g. client credentials with FHIR `system/*.read` scopes next to the
    /// REST client's `athena/service/Athenanet.MDP.*`). Tokens go to the same cache under
    /// the source's own [`TokenSource::cache_key`].
    pub fn with_token_source(&self, source: Arc<dyn TokenSource>) -> Client {
        let inner = &self.inner;
        let cache = match &inner.tokens {
            Some(t) => t.cache(),
            None => Arc::new(InMemoryTokenCache::new()) as Arc<dyn TokenCache>,
        };
        let endpoint = inner.token_endpoint.clone();
        Client {
            inner: Arc::new(Inner {
                http: inner.http.clone(),
                base: inner.base.clone(),
                environment: inner.environment.clone(),
                tokens: Some(TokenManager::new(source, cache, endpoint.clone())),
                policy: inner.policy,
                budget: inner.budget.clone(),
                limiter: inner.limiter.clone(),
                timeouts: inner.timeouts,
                runtime: inner.runtime.clone(),
                default_practice: inner.default_practice,
                token_endpoint: endpoint,
            }),
        }
    }

    /// The client's token endpoint door (for custom token sources and the 3-legged flow):
    /// the same one every call of this client and its clones uses, so the token quota
    /// ([`TokenQuota`](crate::auth::TokenQuota)) and the request count are shared, never rebuilt per call.
    pub fn token_endpoint(&self) -> TokenEndpoint {
        self.inner.token_endpoint.clone()
    }
}

pub(crate) fn join_path(base: &Url, path: &str) -> Result<Url> {
    let mut url = base.clone();
    let mut full = String::with_capacity(base.path().len() + path.len());
    full.push_str(base.path().trim_end_matches('/'));
    full.push_str(path);
    url.set_path(&full);
    Ok(url)
}
