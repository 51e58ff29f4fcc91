//! The [`Client`], its builder, environments, and practice/department scoping.

use std::fmt;
use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;

use secrecy::SecretString;
use url::Url;

use crate::auth::smart::{SigningKey, SmartBackendServices};
use crate::auth::{
    AccessToken, BasicAuthEncoding, ClientCredentials, InMemoryTokenCache, TokenCache,
    TokenEndpoint, TokenManager, TokenQuota, TokenSource,
};
use crate::error::{Error, ErrorKind, Result};
use crate::ids::{DepartmentId, PracticeId};
use crate::rate_limit::{RateLimitStatus, RateLimiter};
use crate::request::Request;
use crate::retry::{RetryBudget, RetryPolicy};
use crate::runtime::Runtime;

/// Production API host.
pub const PRODUCTION_URL: &str = "https://api.platform.athenahealth.com";
/// Preview (sandbox) API host.
pub const PREVIEW_URL: &str = "https://api.preview.platform.athenahealth.com";

/// Which athenahealth deployment to talk to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Environment {
    /// `https://api.platform.athenahealth.com`: 150 QPS, 50 tokens/min.
    Production,
    /// `https://api.preview.platform.athenahealth.com`: 15 QPS, 5 tokens/min.
    Preview,
    /// Any other origin (a proxy, the local `athena-testkit` sandbox). `http` is allowed only
    /// for loopback hosts. No QPS default, and no token-request quota unless its token
    /// endpoint is an athena host (see [`TokenQuota::Auto`]).
    Custom(Url),
}

impl Environment {
    /// The API origin (REST at `/v1/{practiceid}`, FHIR at `/fhir/r4`, OAuth at `/oauth2/v1`).
    pub fn base_url(&self) -> Url {
        match self {
            // Both constants are valid URLs; parsing cannot fail.
            Environment::Production => {
                Url::parse(PRODUCTION_URL).unwrap_or_else(|_| unreachable_url())
            }
            Environment::Preview => Url::parse(PREVIEW_URL).unwrap_or_else(|_| unreachable_url()),
            Environment::Custom(u) => u.clone(),
        }
    }

    /// A short name for logs and example banners.
    pub fn name(&self) -> &'static str {
        match self {
            Environment::Production => "production",
            Environment::Preview => "preview",
            Environment::Custom(_) => "custom",
        }
    }

    /// Recognises athena's own hosts in a custom URL so their limits apply.
    fn normalise(self) -> Environment {
        if let Environment::Custom(u) = &self {
            match u.host_str() {
                Some("api.platform.athenahealth.com") => return Environment::Production,
                Some("api.preview.platform.athenahealth.com") => return Environment::Preview,
                _ => {}
            }
        }
        self
    }

    fn default_qps(&self) -> Option<f64> {
        match self {
            Environment::Production => Some(150.0),
            Environment::Preview => Some(15.0),
            Environment::Custom(_) => None,
        }
    }
}

fn unreachable_url() -> Url {
    // Only reached if a compile-time constant stopped being a URL.
    Url::parse("https://invalid.invalid").unwrap_or_else(|_| std::process::abort())
}

/// The three timeouts of a call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timeouts {
    /// TCP + TLS connect. Default 5 s.
    pub connect: Duration,
    /// One attempt, from send to the last body byte. Default 30 s.
    pub attempt: Duration,
    /// The whole call, retries and waits included. Default 90 s.
    pub overall: Duration,
}

impl Default for Timeouts {
    fn default() -> Self {
        Timeouts {
            connect: Duration::from_secs(5),
            attempt: Duration::from_secs(30),
            overall: Duration::from_secs(90),
        }
    }
}

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

    /// A client configured from the environment:
    /// `ATHENA_BASE_URL` (an origin) or `ATHENA_ENVIRONMENT` (`production` | `preview`,
    /// default `preview`), `ATHENA_CLIENT_ID`, `ATHENA_CLIENT_SECRET` (required),
    /// `ATHENA_PRACTICE_ID` (optional default practice), `ATHENA_SCOPE` and `ATHENA_MAX_QPS`
    /// (optional).
    pub fn from_env() -> Result<Client> {
        ClientBuilder::from_env()?.build()
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
    /// anonymous client. For requests the transport cannot carry, such as streamed Bulk Data
    /// file downloads: send it only to this client's origin ([`Client::base_url`]).
    pub async fn access_token(&self) -> Result<Option<AccessToken>> {
        match &self.inner.tokens {
            Some(tokens) => tokens.token().await.map(Some),
            None => Ok(None),
        }
    }

    /// Tells the cache the server rejected `token` (a 401 on a request sent outside the
    /// transport); the next [`Client::access_token`] fetches a new one unless another caller
    /// already replaced it.
    pub async fn reject_access_token(&self, token: &AccessToken) {
        if let Some(tokens) = &self.inner.tokens {
            tokens.reject(token).await;
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
    /// ([`TokenQuota`]) and the request count are shared, never rebuilt per call.
    pub fn token_endpoint(&self) -> TokenEndpoint {
        self.inner.token_endpoint.clone()
    }
}

/// Builds a [`Client`].
#[derive(Default)]
pub struct ClientBuilder {
    environment: Option<Environment>,
    base_url: Option<String>,
    /// Set by [`ClientBuilder::api_root`]: the base URL may carry a path prefix.
    path_prefix_allowed: bool,
    credentials: Option<(String, SecretString)>,
    scope: Option<String>,
    token_source: Option<Arc<dyn TokenSource>>,
    smart: Option<(String, SigningKey)>,
    token_cache: Option<Arc<dyn TokenCache>>,
    anonymous: bool,
    policy: RetryPolicy,
    budget: Option<Option<u32>>,
    qps: Option<Option<f64>>,
    burst: Option<u32>,
    timeouts: Timeouts,
    runtime: Option<Runtime>,
    practice: Option<PracticeId>,
    token_quota: TokenQuota,
    token_url: Option<String>,
    basic_encoding: BasicAuthEncoding,
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("environment", &self.environment)
            .field("base_url", &self.base_url)
            .field("client_id", &self.credentials.as_ref().map(|c| &c.0))
            .field(
                "client_secret",
                &self.credentials.as_ref().map(|_| "<redacted>"),
            )
            .finish_non_exhaustive()
    }
}

impl ClientBuilder {
    /// Reads the variables listed on [`Client::from_env`].
    pub fn from_env() -> Result<ClientBuilder> {
        Self::from_vars(|k| std::env::var(k).ok())
    }

    /// Like [`ClientBuilder::from_env`], reading variables through `get`.
    pub fn from_vars(get: impl Fn(&str) -> Option<String>) -> Result<ClientBuilder> {
        let get = |k: &str| get(k).filter(|v| !v.trim().is_empty());
        let mut b = ClientBuilder::default();
        if let Some(url) = get("ATHENA_BASE_URL") {
            b = b.base_url(url.trim());
        } else if let Some(env) = get("ATHENA_ENVIRONMENT") {
            b = b.environment(match env.trim().to_ascii_lowercase().as_str() {
                "production" | "prod" => Environment::Production,
                "preview" | "sandbox" => Environment::Preview,
                _ => {
                    return Err(Error::new(
                        ErrorKind::Config,
                        "ATHENA_ENVIRONMENT must be `production` or `preview`",
                    ));
                }
            });
        } else {
            b = b.environment(Environment::Preview);
        }
        let id = get("ATHENA_CLIENT_ID")
            .ok_or_else(|| Error::new(ErrorKind::Config, "ATHENA_CLIENT_ID is not set"))?;
        let secret = get("ATHENA_CLIENT_SECRET")
            .ok_or_else(|| Error::new(ErrorKind::Config, "ATHENA_CLIENT_SECRET is not set"))?;
        b = b.client_credentials(id.trim(), secret);
        if let Some(p) = get("ATHENA_PRACTICE_ID") {
            let id = p
                .trim()
                .parse::<u64>()
                .ok()
                .and_then(|id| PracticeId::try_new(id).ok())
                .ok_or_else(|| {
                    Error::new(
                        ErrorKind::Config,
                        "ATHENA_PRACTICE_ID must be a positive number (athena practice ids start at 1)",
                    )
                })?;
            b = b.practice_id(id);
        }
        if let Some(scope) = get("ATHENA_SCOPE") {
            b = b.scope(scope);
        }
        if let Some(url) = get("ATHENA_TOKEN_URL") {
            b = b.token_url(url.trim());
        }
        if let Some(q) = get("ATHENA_MAX_QPS") {
            let q: f64 = q
                .trim()
                .parse()
                .ok()
                .filter(|q: &f64| valid_qps(*q))
                .ok_or_else(|| {
                    Error::new(
                        ErrorKind::Config,
                        "ATHENA_MAX_QPS must be a finite number above 0",
                    )
                })?;
            b = b.max_qps(q);
        }
        Ok(b)
    }

    /// Production, Preview, or a custom origin.
    pub fn environment(mut self, environment: Environment) -> Self {
        self.environment = Some(environment);
        self.base_url = None;
        self
    }

    /// A custom origin such as `http://127.0.0.1:8080` (validated in [`build`](Self::build)):
    /// scheme, host and port only. athena's routes are absolute (`/v1/{practiceid}/…`,
    /// `/fhir/r4/…`, `/oauth2/v1/token`), so a path (`https://proxy.example/athena`) is
    /// refused as [`ErrorKind::Config`] rather than silently dropped or doubled.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into());
        self.path_prefix_allowed = false;
        self.environment = None;
        self
    }

    /// A base URL that may carry a path prefix every route is appended to, for APIs other
    /// than athena's that reuse this transport (an OpenAI-compatible server at
    /// `http://localhost:11434/v1`). For athena itself use [`base_url`](Self::base_url).
    pub fn api_root(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into());
        self.path_prefix_allowed = true;
        self.environment = None;
        self
    }

    /// athena's 2-legged client credentials (HTTP Basic to `/oauth2/v1/token`, or to
    /// [`token_url`](Self::token_url)). The id and secret are form-urlencoded inside the
    /// Basic header (RFC 6749 §2.3.1); see [`basic_auth_encoding`](Self::basic_auth_encoding).
    pub fn client_credentials(
        mut self,
        client_id: impl Into<String>,
        client_secret: impl Into<String>,
    ) -> Self {
        self.credentials = Some((client_id.into(), SecretString::from(client_secret.into())));
        self
    }

    /// The token endpoint for [`client_credentials`](Self::client_credentials) and
    /// [`smart_backend_services`](Self::smart_backend_services), when it is not the API
    /// origin's `/oauth2/v1/token` (another identity provider, a proxy). Validated in
    /// [`build`](Self::build): `https`, or `http` to a loopback host. Also read from
    /// `ATHENA_TOKEN_URL` by [`from_env`](Self::from_env).
    pub fn token_url(mut self, url: impl Into<String>) -> Self {
        self.token_url = Some(url.into());
        self
    }

    /// How [`client_credentials`](Self::client_credentials) encodes the id and secret in the
    /// HTTP Basic header: form-urlencoded first (the default, RFC 6749 §2.3.1) or
    /// [`BasicAuthEncoding::Raw`] for a server that does not decode them.
    pub fn basic_auth_encoding(mut self, encoding: BasicAuthEncoding) -> Self {
        self.basic_encoding = encoding;
        self
    }

    /// The OAuth scope for client credentials (default `athena/service/Athenanet.MDP.*`).
    pub fn scope(mut self, scope: impl Into<String>) -> Self {
        self.scope = Some(scope.into());
        self
    }

    /// SMART Backend Services: a JWT client assertion signed with `key` (RS384 or ES384) sent
    /// to this environment's token endpoint. Set the FHIR scopes with [`scope`](Self::scope)
    /// (e.g. `system/Patient.rs system/Observation.rs`).
    pub fn smart_backend_services(mut self, client_id: impl Into<String>, key: SigningKey) -> Self {
        self.smart = Some((client_id.into(), key));
        self
    }

    /// Any other token source (SMART Backend Services, a 3-legged refresh token, your own).
    pub fn token_source(mut self, source: Arc<dyn TokenSource>) -> Self {
        self.token_source = Some(source);
        self
    }

    /// Where tokens are cached (default: in this process).
    pub fn token_cache(mut self, cache: Arc<dyn TokenCache>) -> Self {
        self.token_cache = Some(cache);
        self
    }

    /// No authentication at all (for anonymous endpoints such as SMART discovery).
    pub fn anonymous(mut self) -> Self {
        self.anonymous = true;
        self
    }

    /// Attempts and back-off.
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.policy = policy;
        self
    }

    /// The client-wide retry budget capacity (default 500); `None` disables the budget.
    pub fn retry_budget(mut self, capacity: Option<u32>) -> Self {
        self.budget = Some(capacity);
        self
    }

    /// The client-side QPS ceiling (default 15 preview, 150 production, none for custom URLs).
    /// Must be a finite number above 0 ([`build`](Self::build) refuses anything else as
    /// [`ErrorKind::Config`]); to turn the limiter off use [`no_qps_limit`](Self::no_qps_limit).
    pub fn max_qps(mut self, qps: f64) -> Self {
        self.qps = Some(Some(qps));
        self
    }

    /// Turns the client-side QPS limiter off.
    pub fn no_qps_limit(mut self) -> Self {
        self.qps = Some(None);
        self
    }

    /// How many requests may leave back-to-back before the QPS spacing applies (default 1).
    pub fn qps_burst(mut self, burst: u32) -> Self {
        self.burst = Some(burst);
        self
    }

    /// Connect timeout.
    pub fn connect_timeout(mut self, d: Duration) -> Self {
        self.timeouts.connect = d;
        self
    }

    /// Per-attempt timeout.
    pub fn attempt_timeout(mut self, d: Duration) -> Self {
        self.timeouts.attempt = d;
        self
    }

    /// Overall timeout of a call, retries included.
    pub fn overall_timeout(mut self, d: Duration) -> Self {
        self.timeouts.overall = d;
        self
    }

    /// Injects the clock, sleeper and jitter (tests).
    pub fn runtime(mut self, runtime: Runtime) -> Self {
        self.runtime = Some(runtime);
        self
    }

    /// The default practice ([`Client::default_practice`]); `0` is refused by
    /// [`build`](Self::build).
    pub fn practice_id(mut self, id: PracticeId) -> Self {
        self.practice = Some(id);
        self
    }

    /// Token requests allowed per minute, per token endpoint (at least 1). Without it
    /// ([`TokenQuota::Auto`]) athena's own hosts get athena's figures (5 a minute on preview,
    /// 50 on production) and any other token endpoint gets no limit.
    pub fn token_requests_per_minute(mut self, n: u32) -> Self {
        self.token_quota = TokenQuota::PerMinute(n);
        self
    }

    /// The token-request quota ([`TokenQuota::Auto`] by default).
    pub fn token_quota(mut self, quota: TokenQuota) -> Self {
        self.token_quota = quota;
        self
    }

    /// Validates the configuration and builds the client.
    pub fn build(self) -> Result<Client> {
        let environment = match (self.base_url, self.environment) {
            (Some(raw), _) => {
                let url = Url::parse(raw.trim()).map_err(|_| {
                    Error::new(
                        ErrorKind::Config,
                        "the base URL is not a valid absolute URL",
                    )
                })?;
                Environment::Custom(url)
            }
            (None, Some(env)) => env,
            (None, None) => Environment::Preview,
        }
        .normalise();
        let mut base = environment.base_url();
        check_scheme(&base)?;
        if base.query().is_some() || base.fragment().is_some() {
            return Err(Error::new(
                ErrorKind::Config,
                "the base URL must not have a query or fragment",
            ));
        }
        if !self.path_prefix_allowed && !matches!(base.path(), "" | "/") {
            // Routes are absolute (`/v1/{practiceid}/…`, `/fhir/r4/…`, `/oauth2/v1/token`):
            // a path here would be silently dropped or doubled.
            return Err(Error::new(
                ErrorKind::Config,
                "the base URL must be an origin (scheme, host and port) without a path",
            ));
        }
        if base.host_str().is_none_or(str::is_empty) {
            return Err(Error::new(ErrorKind::Config, "the base URL has no host"));
        }
        let trimmed = base.path().trim_end_matches('/').to_owned();
        base.set_path(&trimmed);
        if let Some(Some(q)) = self.qps
            && !valid_qps(q)
        {
            return Err(Error::new(
                ErrorKind::Config,
                "max_qps must be a finite number above 0 (use no_qps_limit() to turn the limiter off)",
            ));
        }
        if self.practice.is_some_and(|p| p.get() == 0) {
            return Err(Error::new(
                ErrorKind::Config,
                "practice_id must not be 0 (athena practice ids start at 1)",
            ));
        }

        let http = reqwest::Client::builder()
            .connect_timeout(self.timeouts.connect)
            .pool_idle_timeout(Duration::from_secs(60))
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!(
                "athena-rs/",
                env!("CARGO_PKG_VERSION"),
                " (athena-core; +rust)"
            ))
            .build()
            .map_err(|e| {
                Error::new(ErrorKind::Config, "the HTTP client could not be built")
                    .with_source(e.without_url())
            })?;
        let runtime = self.runtime.unwrap_or_default();

        let token_url = match &self.token_url {
            Some(raw) => {
                let url = Url::parse(raw.trim()).map_err(|_| {
                    Error::new(
                        ErrorKind::Config,
                        "the token URL is not a valid absolute URL",
                    )
                })?;
                check_scheme(&url)?;
                url
            }
            None => join_path(&base, "/oauth2/v1/token")?,
        };
        let source: Option<Arc<dyn TokenSource>> = if self.anonymous {
            None
        } else if let Some(s) = self.token_source {
            Some(s)
        } else if let Some((id, key)) = self.smart {
            let scope = self
                .scope
                .unwrap_or_else(|| crate::auth::DEFAULT_SCOPE.to_owned());
            Some(Arc::new(
                SmartBackendServices::new(id, token_url, key).with_scope(scope),
            ))
        } else if let Some((id, secret)) = self.credentials {
            let mut cc = ClientCredentials::new(id, secret, token_url)
                .with_basic_auth_encoding(self.basic_encoding);
            if let Some(scope) = self.scope {
                if scope.trim().is_empty() {
                    return Err(Error::new(ErrorKind::Config, "the OAuth scope is empty"));
                }
                cc = cc.with_scope(scope);
            }
            Some(Arc::new(cc))
        } else {
            return Err(Error::new(
                ErrorKind::Config,
                "no credentials: call client_credentials(), smart_backend_services(), token_source() or anonymous()",
            ));
        };
        let token_endpoint = TokenEndpoint::new(
            http.clone(),
            runtime.clone(),
            self.token_quota,
            self.timeouts.attempt,
        );
        let tokens = source.map(|source| {
            let cache = self
                .token_cache
                .unwrap_or_else(|| Arc::new(InMemoryTokenCache::new()));
            TokenManager::new(source, cache, token_endpoint.clone())
        });
        let qps = self.qps.unwrap_or_else(|| environment.default_qps());
        let budget = match self.budget {
            Some(None) => RetryBudget::unlimited(),
            Some(Some(c)) => RetryBudget::new(c),
            None => RetryBudget::default(),
        };
        Ok(Client {
            inner: Arc::new(Inner {
                http,
                base,
                environment,
                tokens,
                policy: self.policy,
                budget: Arc::new(budget),
                limiter: Arc::new(RateLimiter::new(qps, self.burst.unwrap_or(1))),
                timeouts: self.timeouts,
                runtime,
                default_practice: self.practice,
                token_endpoint,
            }),
        })
    }
}

/// A usable client-side QPS ceiling.
fn valid_qps(q: f64) -> bool {
    q.is_finite() && q > 0.0
}

/// `https` everywhere; plain `http` only to loopback hosts.
fn check_scheme(url: &Url) -> Result<()> {
    match url.scheme() {
        "https" => Ok(()),
        "http" if is_loopback(url) => Ok(()),
        "http" => Err(Error::new(
            ErrorKind::Config,
            "plain http is allowed only for loopback hosts; use https",
        )),
        _ => Err(Error::new(
            ErrorKind::Config,
            "the base URL must be http(s)",
        )),
    }
}

pub(crate) fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => IpAddr::V4(ip).is_loopback(),
        Some(url::Host::Ipv6(ip)) => IpAddr::V6(ip).is_loopback(),
        None => false,
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

/// A practice: the scope of every `/v1/{practiceid}/…` call.
#[derive(Clone, Debug)]
pub struct Practice {
    client: Client,
    id: PracticeId,
}

impl Practice {
    /// The practice id.
    pub fn id(&self) -> PracticeId {
        self.id
    }

    /// The client.
    pub fn client(&self) -> &Client {
        &self.client
    }

    /// A request for a route under `/v1/{practiceid}` with the practice filled in. `route`
    /// is the full template, e.g. `/v1/{practiceid}/patients/{patientid}`.
    pub fn request(&self, method: http::Method, route: &'static str) -> Request {
        Request::new(method, route).path_param("practiceid", self.id)
    }

    /// A department of this practice: scheduling and chart calls hang off it, so a
    /// `departmentid` cannot be forgotten.
    pub fn department(&self, id: DepartmentId) -> Department {
        Department {
            practice: self.clone(),
            id,
        }
    }
}

/// A department within a practice.
#[derive(Clone, Debug)]
pub struct Department {
    practice: Practice,
    id: DepartmentId,
}

impl Department {
    /// The department id.
    pub fn id(&self) -> DepartmentId {
        self.id
    }
    /// Its practice.
    pub fn practice(&self) -> &Practice {
        &self.practice
    }
    /// The client.
    pub fn client(&self) -> &Client {
        &self.practice.client
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn http_only_for_loopback() {
        for ok in [
            "http://127.0.0.1:8080",
            "http://localhost:1",
            "http://[::1]:9",
            "https://x.example",
        ] {
            assert!(
                Client::builder()
                    .base_url(ok)
                    .client_credentials("a", "b")
                    .build()
                    .is_ok(),
                "{ok}"
            );
        }
        for bad in [
            "http://10.0.0.1",
            "http://example.com",
            "ftp://127.0.0.1",
            "not a url",
        ] {
            let e = Client::builder()
                .base_url(bad)
                .client_credentials("a", "b")
                .build()
                .unwrap_err();
            assert_eq!(e.kind(), ErrorKind::Config, "{bad}");
        }
    }

    #[test]
    fn known_hosts_get_their_environment() {
        let c = Client::builder()
            .base_url("https://api.preview.platform.athenahealth.com/")
            .client_credentials("a", "b")
            .build()
            .unwrap();
        assert_eq!(c.environment(), &Environment::Preview);
        assert_eq!(
            c.base_url().as_str(),
            "https://api.preview.platform.athenahealth.com/"
        );
    }

    #[test]
    fn from_vars_reads_the_documented_names() {
        let vars = |k: &str| match k {
            "ATHENA_BASE_URL" => Some("http://127.0.0.1:9999".to_owned()),
            "ATHENA_CLIENT_ID" => Some("id".to_owned()),
            "ATHENA_CLIENT_SECRET" => Some("s3cret".to_owned()),
            "ATHENA_PRACTICE_ID" => Some("195900".to_owned()),
            _ => None,
        };
        let b = ClientBuilder::from_vars(vars).unwrap();
        assert!(!format!("{b:?}").contains("s3cret"));
        let c = b.build().unwrap();
        assert_eq!(c.default_practice().unwrap().id(), PracticeId::new(195900));
        let missing = ClientBuilder::from_vars(|k| (k == "ATHENA_CLIENT_ID").then(|| "x".into()))
            .unwrap_err();
        assert!(
            missing.to_string().contains("ATHENA_CLIENT_SECRET"),
            "{missing}"
        );
        let env = ClientBuilder::from_vars(|k| match k {
            "ATHENA_ENVIRONMENT" => Some("production".into()),
            "ATHENA_CLIENT_ID" | "ATHENA_CLIENT_SECRET" => Some("x".into()),
            _ => None,
        })
        .unwrap()
        .build()
        .unwrap();
        assert_eq!(env.environment(), &Environment::Production);
    }

    fn build_with(b: ClientBuilder) -> Result<Client> {
        b.client_credentials("a", "b").build()
    }

    #[test]
    fn invalid_settings_are_typed_config_errors_naming_the_setting() {
        for q in [0.0, -1.0, f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
            let e = build_with(Client::builder().max_qps(q)).unwrap_err();
            assert_eq!(e.kind(), ErrorKind::Config, "{q}");
            assert!(e.to_string().contains("max_qps"), "{e}");
        }
        assert!(build_with(Client::builder().max_qps(0.5)).is_ok());
        let e = build_with(Client::builder().practice_id(PracticeId::new(0))).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Config);
        assert!(e.to_string().contains("practice_id"), "{e}");
        for with_path in [
            "https://proxy.example/athena",
            "https://proxy.example/v1/195900",
            "http://127.0.0.1:8080/api/",
        ] {
            let e = build_with(Client::builder().base_url(with_path)).unwrap_err();
            assert_eq!(e.kind(), ErrorKind::Config, "{with_path}");
            assert!(e.to_string().contains("without a path"), "{e}");
        }
        for origin in [
            "https://proxy.example",
            "https://proxy.example/",
            "http://[::1]:9/",
        ] {
            let c = build_with(Client::builder().base_url(origin)).unwrap();
            assert_eq!(c.base_url().path(), "/", "{origin}");
        }
        // Other APIs on this transport may have a root with a path, said explicitly.
        let c = build_with(Client::builder().api_root("http://localhost:11434/v1/")).unwrap();
        assert_eq!(c.base_url().path(), "/v1");
    }

    #[test]
    fn env_values_are_validated_and_name_the_variable() {
        let with = |name: &'static str, value: &'static str| {
            ClientBuilder::from_vars(move |k| match k {
                "ATHENA_CLIENT_ID" | "ATHENA_CLIENT_SECRET" => Some("x".into()),
                k if k == name => Some(value.into()),
                _ => None,
            })
            .and_then(ClientBuilder::build)
        };
        for (name, value) in [
            ("ATHENA_PRACTICE_ID", "0"),
            ("ATHENA_PRACTICE_ID", "-3"),
            ("ATHENA_PRACTICE_ID", "abc"),
            ("ATHENA_MAX_QPS", "0"),
            ("ATHENA_MAX_QPS", "-2"),
            ("ATHENA_MAX_QPS", "NaN"),
            ("ATHENA_MAX_QPS", "inf"),
            ("ATHENA_BASE_URL", "https://proxy.example/base"),
        ] {
            let e = with(name, value).unwrap_err();
            assert_eq!(e.kind(), ErrorKind::Config, "{name}={value}");
            let text = e.to_string();
            assert!(
                text.contains(name) || name == "ATHENA_BASE_URL",
                "{name}={value}: {text}"
            );
        }
        assert!(with("ATHENA_MAX_QPS", "2.5").is_ok());
        assert!(with("ATHENA_PRACTICE_ID", "1").is_ok());
    }

    #[test]
    fn try_practice_refuses_zero_and_practice_stays_infallible() {
        const SANDBOX: PracticeId = PracticeId::new(195900);
        let c = build_with(Client::builder().base_url("http://127.0.0.1:1")).unwrap();
        assert_eq!(c.practice(SANDBOX).id(), SANDBOX);
        assert_eq!(c.try_practice(SANDBOX).unwrap().id(), SANDBOX);
        let e = c.try_practice(PracticeId::new(0)).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidInput);
        assert!(PracticeId::try_new(0).is_err());
        assert_eq!(PracticeId::try_new(7).unwrap().get(), 7);
    }
}
