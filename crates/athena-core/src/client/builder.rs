//! [`ClientBuilder`]: every setting of a [`Client`], validated once in
//! [`build`](ClientBuilder::build).

use std::fmt;
use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;

use secrecy::SecretString;
use url::Url;

use super::{Client, Environment, Inner, Timeouts, join_path};
use crate::auth::smart::{SigningKey, SmartBackendServices};
use crate::auth::{
    BasicAuthEncoding, ClientCredentials, InMemoryTokenCache, TokenCache, TokenEndpoint,
    TokenManager, TokenQuota, TokenSource,
};
use crate::error::{Error, ErrorKind, Result};
use crate::ids::PracticeId;
use crate::rate_limit::RateLimiter;
use crate::retry::{RetryBudget, RetryPolicy};
use crate::runtime::Runtime;

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
pub(super) fn valid_qps(q: f64) -> bool {
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
}
