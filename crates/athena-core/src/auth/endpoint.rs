//! HTTP to token endpoints, under the token-endpoint limiter.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex, OnceLock, Weak};
use std::time::{Duration, Instant};

use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;
use url::Url;

use crate::error::{ApiError, Error, ErrorKind, Result};
use crate::retry::retry_after::parse_retry_after;
use crate::runtime::Runtime;

const ROUTE: &str = "{token endpoint}";
const MAX_ATTEMPTS: u32 = 3;

/// A successful token response. athena sends `{"access_token": "…", "expires_in": "3600"}`
/// (a **string** `expires_in`, no `token_type`); other servers send the RFC 6749 shape.
#[derive(Debug, Clone)]
pub struct TokenResponse {
    /// The bearer token.
    pub access_token: SecretString,
    /// Lifetime, when the server said.
    pub expires_in: Option<Duration>,
    /// `token_type`, when present.
    pub token_type: Option<String>,
    /// The granted scope, when present.
    pub scope: Option<String>,
    /// A refresh token (3-legged flows only).
    pub refresh_token: Option<SecretString>,
}

impl TokenResponse {
    /// Parses a token response body; value-free errors.
    pub fn parse(body: &[u8]) -> Result<TokenResponse> {
        #[derive(Deserialize)]
        struct Wire {
            access_token: String,
            #[serde(default)]
            expires_in: Option<serde_json::Value>,
            #[serde(default)]
            token_type: Option<String>,
            #[serde(default)]
            scope: Option<String>,
            #[serde(default)]
            refresh_token: Option<String>,
        }
        let wire: Wire = serde_json::from_slice(body.trim_ascii()).map_err(|e| {
            Error::new(
                ErrorKind::Auth,
                format!(
                    "token response is not the expected JSON ({})",
                    crate::decode::describe_serde_error(&e)
                ),
            )
        })?;
        let expires_in = wire.expires_in.as_ref().and_then(lifetime_from_json);
        if wire.access_token.is_empty() {
            return Err(Error::new(
                ErrorKind::Auth,
                "token response has an empty access_token",
            ));
        }
        Ok(TokenResponse {
            access_token: SecretString::from(wire.access_token),
            expires_in,
            token_type: wire.token_type,
            scope: wire.scope,
            refresh_token: wire.refresh_token.map(SecretString::from),
        })
    }

    /// Converts into an [`AccessToken`](super::AccessToken) obtained at `now`; a response without
    /// `expires_in` is assumed to live 5 minutes (the conservative SMART figure). Lifetimes are
    /// capped at [`MAX_TOKEN_LIFETIME`] so no server value can overflow the clock.
    pub fn into_access_token(self, now: std::time::SystemTime) -> super::AccessToken {
        let lifetime = self
            .expires_in
            .unwrap_or(Duration::from_secs(300))
            .min(MAX_TOKEN_LIFETIME);
        let expires_at = now.checked_add(lifetime).unwrap_or(now);
        super::AccessToken::new(self.access_token, now, expires_at).with_scope(self.scope)
    }
}

/// The longest token lifetime believed: a server's `expires_in` above it (a year of seconds
/// or `1e300`) is read as this.
pub const MAX_TOKEN_LIFETIME: Duration = Duration::from_secs(24 * 60 * 60);

/// `expires_in` as athena and others send it: a number, or a number in a string (`"3600"`).
/// Negative values are zero, huge ones are [`MAX_TOKEN_LIFETIME`], anything else (a word, a
/// boolean, `NaN`) is "not said". Never panics.
pub(crate) fn lifetime_from_json(value: &serde_json::Value) -> Option<Duration> {
    let secs = match value {
        serde_json::Value::Number(n) => n.as_f64(),
        serde_json::Value::String(s) => s.trim().parse::<f64>().ok(),
        _ => None,
    }?;
    if secs.is_nan() {
        return None;
    }
    let max = MAX_TOKEN_LIFETIME.as_secs_f64();
    Some(Duration::from_secs_f64(secs.clamp(0.0, max)))
}

/// How many token requests a minute a client may send to a token endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum TokenQuota {
    /// athena's published figures for athena's own token endpoints (hosts under
    /// `athenahealth.com`): 5 a minute on preview hosts, 50 on the others (production). Any
    /// other token endpoint (a custom base URL, another identity provider) gets no limit.
    #[default]
    Auto,
    /// At most this many a minute (at least 1), whatever the host.
    PerMinute(u32),
    /// No client-side limit.
    Unlimited,
}

impl TokenQuota {
    /// The per-minute limit this quota puts on requests to `token_url`; `None` for no limit.
    pub fn per_minute_for(self, token_url: &Url) -> Option<u32> {
        match self {
            TokenQuota::PerMinute(n) => Some(n.max(1)),
            TokenQuota::Unlimited => None,
            TokenQuota::Auto => {
                let host = token_url
                    .host_str()?
                    .trim_end_matches('.')
                    .to_ascii_lowercase();
                let athena = host == "athenahealth.com" || host.ends_with(".athenahealth.com");
                if !athena {
                    None
                } else if host.split('.').any(|label| label == "preview") {
                    Some(5)
                } else {
                    Some(50)
                }
            }
        }
    }
}

tokio::task_local! {
    /// The overall deadline of the API call a token is being fetched for, set by the
    /// transport around its token request: quota waits and back-offs never run past it.
    static CALL_DEADLINE: Instant;
}

/// Runs `f` (a token request made for an API call) under the call's overall deadline.
pub(crate) async fn within_call_deadline<F: std::future::Future>(
    deadline: Instant,
    f: F,
) -> F::Output {
    CALL_DEADLINE.scope(deadline, f).await
}

/// The deadline of the API call this token request serves, if any.
fn call_deadline() -> Option<Instant> {
    CALL_DEADLINE.try_with(|d| *d).ok()
}

/// True when waiting `wait` from `now` would reach the call's deadline.
fn passes_deadline(now: Instant, wait: Duration) -> bool {
    call_deadline().is_some_and(|d| now.checked_add(wait).is_none_or(|end| end >= d))
}

/// A wait longer than this for a token-request slot is logged at WARN.
const QUOTA_WAIT_WARN: Duration = Duration::from_secs(1);

/// Never lets more than `per_minute` token requests out in any 60-second window.
#[derive(Debug)]
pub(crate) struct TokenRateLimiter {
    per_minute: u32,
    sent: Mutex<VecDeque<Instant>>,
}

impl TokenRateLimiter {
    pub(crate) fn new(per_minute: u32) -> Self {
        TokenRateLimiter {
            per_minute: per_minute.max(1),
            sent: Mutex::new(VecDeque::new()),
        }
    }

    /// Waits for a slot and takes it. A wait of more than a second is logged at WARN (once
    /// per request), naming the quota and the wait: a caller is never held up to a minute
    /// without a trace of why. A wait that would reach the overall deadline of the API call
    /// the token is for is not started: `Err(wait)`, and no slot is taken.
    pub(crate) async fn acquire(&self, rt: &Runtime) -> std::result::Result<(), Duration> {
        const WINDOW: Duration = Duration::from_secs(60);
        let mut warned = false;
        loop {
            let wait = {
                let now = rt.clock.now();
                let mut sent = self.sent.lock().unwrap_or_else(|p| p.into_inner());
                while sent
                    .front()
                    .is_some_and(|t| now.saturating_duration_since(*t) >= WINDOW)
                {
                    sent.pop_front();
                }
                if sent.len() < self.per_minute as usize {
                    sent.push_back(now);
                    return Ok(());
                }
                let oldest = sent.front().copied().unwrap_or(now);
                let wait = oldest
                    .checked_add(WINDOW)
                    .map_or(WINDOW, |end| end.saturating_duration_since(now));
                if passes_deadline(now, wait) {
                    return Err(wait);
                }
                wait
            };
            if wait > QUOTA_WAIT_WARN && !warned {
                warned = true;
                tracing::warn!(
                    wait_secs = wait.as_secs_f64().ceil() as u64,
                    per_minute = self.per_minute,
                    "token endpoint quota reached: waiting for the next token-request slot \
                     (set ClientBuilder::token_quota to change the quota)"
                );
            } else {
                tracing::debug!(
                    wait_ms = wait.as_millis() as u64,
                    "token endpoint limit reached; waiting"
                );
            }
            rt.sleeper.sleep(wait.max(Duration::from_millis(1))).await;
        }
    }

    /// The server said 429: treat the rest of the window as used.
    pub(crate) fn saturate(&self, rt: &Runtime) {
        let now = rt.clock.now();
        let mut sent = self.sent.lock().unwrap_or_else(|p| p.into_inner());
        while sent.len() < self.per_minute as usize {
            sent.push_back(now);
        }
    }
}

/// The process-wide limiters, one per (token endpoint, quota): every client of this process
/// that talks to one token endpoint shares its quota, however many clients are built.
fn shared_limiter(token_url: &Url, per_minute: u32) -> Arc<TokenRateLimiter> {
    type Registry = Mutex<HashMap<(String, u32), Weak<TokenRateLimiter>>>;
    static REGISTRY: OnceLock<Registry> = OnceLock::new();
    let mut key_url = token_url.clone();
    key_url.set_query(None);
    key_url.set_fragment(None);
    let key = (key_url.as_str().to_owned(), per_minute);
    let mut map = REGISTRY
        .get_or_init(Registry::default)
        .lock()
        .unwrap_or_else(|p| p.into_inner());
    if let Some(limiter) = map.get(&key).and_then(Weak::upgrade) {
        return limiter;
    }
    map.retain(|_, w| w.strong_count() > 0);
    let limiter = Arc::new(TokenRateLimiter::new(per_minute));
    map.insert(key, Arc::downgrade(&limiter));
    limiter
}

/// The client's door to token endpoints: its connection pool, its clock, and the
/// token-endpoint quota. [`TokenSource`](super::TokenSource)s receive one.
///
/// Requests are limited per token endpoint ([`TokenQuota`]): the limiter of an endpoint URL
/// is shared by every client in the process that uses it with the same quota.
#[derive(Debug, Clone)]
pub struct TokenEndpoint {
    http: reqwest::Client,
    runtime: Runtime,
    quota: TokenQuota,
    /// Limiters already looked up, by token URL (the registry holds them weakly).
    limiters: Arc<Mutex<HashMap<String, Option<Arc<TokenRateLimiter>>>>>,
    attempt_timeout: Duration,
    requests: Arc<std::sync::atomic::AtomicU64>,
}

impl TokenEndpoint {
    pub(crate) fn new(
        http: reqwest::Client,
        runtime: Runtime,
        quota: TokenQuota,
        attempt_timeout: Duration,
    ) -> Self {
        TokenEndpoint {
            http,
            runtime,
            quota,
            limiters: Arc::default(),
            attempt_timeout,
            requests: Arc::default(),
        }
    }

    /// The client's runtime (clock for `iat`/`exp` claims, sleeper).
    pub fn runtime(&self) -> &Runtime {
        &self.runtime
    }

    /// The quota in force.
    pub fn quota(&self) -> TokenQuota {
        self.quota
    }

    /// How many token requests this client has sent.
    pub fn requests_sent(&self) -> u64 {
        self.requests.load(std::sync::atomic::Ordering::Relaxed)
    }

    fn limiter_for(&self, url: &Url) -> Option<Arc<TokenRateLimiter>> {
        let mut known = self.limiters.lock().unwrap_or_else(|p| p.into_inner());
        known
            .entry(url.as_str().to_owned())
            .or_insert_with(|| {
                self.quota
                    .per_minute_for(url)
                    .map(|n| shared_limiter(url, n))
            })
            .clone()
    }

    async fn acquire(&self, url: &Url) -> Result<Option<Arc<TokenRateLimiter>>> {
        let limiter = self.limiter_for(url);
        if let Some(l) = &limiter
            && let Err(wait) = l.acquire(&self.runtime).await
        {
            return Err(Error::new(
                ErrorKind::RateLimited,
                "the token endpoint's quota would delay the call past its overall deadline; \
                 no token requested",
            )
            .with_endpoint("POST", ROUTE)
            .with_retry_after(Some(wait)));
        }
        Ok(limiter)
    }

    /// POSTs a form to a token endpoint, with optional HTTP Basic client authentication, and
    /// parses the token response. 429 and 5xx are retried (a token request has no side effect
    /// beyond the quota) within the limiter; other failures become [`ErrorKind::Auth`] errors.
    ///
    /// `basic` is sent as given (`base64(id ":" secret)`): callers that follow RFC 6749
    /// §2.3.1 form-urlencode both parts first (see [`BasicAuthEncoding`]).
    pub async fn post_form(
        &self,
        url: &Url,
        form: &[(&str, &str)],
        basic: Option<(&str, &SecretString)>,
    ) -> Result<TokenResponse> {
        let owned: Vec<(String, String)> = form
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        self.post_form_with(url, || Ok(owned.clone()), basic).await
    }

    /// Like [`post_form`](Self::post_form), but builds the form anew for every attempt —
    /// for forms that must not be replayed, such as a JWT client assertion whose `jti` a
    /// server may remember.
    ///
    /// Every error carries [`Error::attempts`]: the number of HTTP requests sent to the
    /// token endpoint for it.
    pub async fn post_form_with<F>(
        &self,
        url: &Url,
        make_form: F,
        basic: Option<(&str, &SecretString)>,
    ) -> Result<TokenResponse>
    where
        F: Fn() -> Result<Vec<(String, String)>> + Send + Sync,
    {
        let mut attempt = 0;
        loop {
            let limiter = self
                .acquire(url)
                .await
                .map_err(|e| e.with_attempts(attempt))?;
            let form = make_form().map_err(|e| e.with_attempts(attempt))?;
            attempt += 1;
            self.requests
                .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            let mut req = self
                .http
                .post(url.clone())
                .timeout(self.attempt_timeout)
                .header(reqwest::header::ACCEPT, "application/json")
                .form(&form);
            if let Some((id, secret)) = basic {
                req = req.basic_auth(id, Some(secret.expose_secret()));
            }
            let outcome = req.send().await;
            let response = match outcome {
                Ok(r) => r,
                Err(e) => {
                    let kind = if e.is_connect() {
                        ErrorKind::Connect
                    } else if e.is_timeout() {
                        ErrorKind::Timeout
                    } else {
                        ErrorKind::Transport
                    };
                    if attempt < MAX_ATTEMPTS && self.backoff(attempt, None).await {
                        continue;
                    }
                    return Err(Error::new(kind, "token request failed")
                        .with_endpoint("POST", ROUTE)
                        .with_attempts(attempt)
                        .with_source(e.without_url()));
                }
            };
            let status = response.status().as_u16();
            let request_id = header_str(response.headers(), "x-request-id");
            let retry_after = response
                .headers()
                .get(reqwest::header::RETRY_AFTER)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| parse_retry_after(v, self.runtime.clock.system_now()));
            let body = match response.bytes().await {
                Ok(b) => b,
                Err(e) => {
                    if attempt < MAX_ATTEMPTS && self.backoff(attempt, None).await {
                        continue;
                    }
                    return Err(
                        Error::new(ErrorKind::Transport, "token response body failed")
                            .with_endpoint("POST", ROUTE)
                            .with_attempts(attempt)
                            .with_source(e.without_url()),
                    );
                }
            };
            if (200..300).contains(&status) {
                return TokenResponse::parse(&body).map_err(|e| {
                    e.with_endpoint("POST", ROUTE)
                        .with_status(status)
                        .with_request_id(request_id)
                        .with_attempts(attempt)
                });
            }
            let retryable = status == 429 || matches!(status, 500 | 502 | 503 | 504);
            if status == 429
                && let Some(l) = &limiter
            {
                l.saturate(&self.runtime);
            }
            if retryable && attempt < MAX_ATTEMPTS && self.backoff(attempt, retry_after).await {
                tracing::debug!(status, attempt, "token endpoint asked us to retry");
                continue;
            }
            let kind = if status == 429 {
                ErrorKind::RateLimited
            } else {
                ErrorKind::Auth
            };
            let api = ApiError::parse(&body);
            return Err(Error::new(kind, "token endpoint refused the request")
                .with_endpoint("POST", ROUTE)
                .with_status(status)
                .with_request_id(request_id)
                .with_api_error(api)
                .with_retry_after(retry_after)
                .with_attempts(attempt));
        }
    }

    /// Sends a prepared request to a token endpoint under the quota, without retries (for
    /// the `oauth2` crate's async HTTP client interface). A failure carries
    /// [`Error::attempts`] = 1.
    pub async fn execute(
        &self,
        request: http::Request<Vec<u8>>,
    ) -> Result<http::Response<Vec<u8>>> {
        let (parts, body) = request.into_parts();
        let url = Url::parse(&parts.uri.to_string())
            .map_err(|_| Error::new(ErrorKind::Config, "token endpoint URL is not valid"))?;
        self.acquire(&url).await?;
        self.requests
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let mut req = self
            .http
            .request(parts.method, url)
            .timeout(self.attempt_timeout)
            .body(body);
        for (name, value) in parts.headers.iter() {
            req = req.header(name, value);
        }
        let response = req.send().await.map_err(|e| {
            Error::new(transport_kind(&e), "token request failed")
                .with_endpoint("POST", ROUTE)
                .with_attempts(1)
                .with_source(e.without_url())
        })?;
        let mut builder = http::Response::builder().status(response.status());
        for (name, value) in response.headers() {
            builder = builder.header(name, value);
        }
        let bytes = response.bytes().await.map_err(|e| {
            Error::new(ErrorKind::Transport, "token response body failed")
                .with_endpoint("POST", ROUTE)
                .with_attempts(1)
                .with_source(e.without_url())
        })?;
        builder.body(bytes.to_vec()).map_err(|_| {
            Error::new(ErrorKind::Transport, "token response could not be rebuilt").with_attempts(1)
        })
    }

    /// GETs a small JSON document (discovery metadata, a JWK Set) with the client's
    /// connection pool, outside the token quota. At most [`MAX_METADATA_BYTES`]; errors name
    /// `what`, never the URL.
    pub async fn get_json(&self, url: &Url, what: &'static str) -> Result<serde_json::Value> {
        let fail = |kind: ErrorKind, msg: String| Error::new(kind, msg).with_attempts(1);
        let response = self
            .http
            .get(url.clone())
            .timeout(self.attempt_timeout)
            .header(reqwest::header::ACCEPT, "application/json")
            .send()
            .await
            .map_err(|e| {
                fail(transport_kind(&e), format!("could not fetch the {what}"))
                    .with_source(e.without_url())
            })?;
        let status = response.status().as_u16();
        if !(200..300).contains(&status) {
            return Err(
                fail(ErrorKind::Auth, format!("the {what} answered an error")).with_status(status),
            );
        }
        if response
            .content_length()
            .is_some_and(|n| n > MAX_METADATA_BYTES as u64)
        {
            return Err(fail(ErrorKind::Auth, format!("the {what} is too large")));
        }
        let body = response.bytes().await.map_err(|e| {
            fail(ErrorKind::Transport, format!("could not read the {what}"))
                .with_source(e.without_url())
        })?;
        if body.len() > MAX_METADATA_BYTES {
            return Err(fail(ErrorKind::Auth, format!("the {what} is too large")));
        }
        serde_json::from_slice(&body).map_err(|_| {
            fail(ErrorKind::Auth, format!("the {what} is not JSON")).with_status(status)
        })
    }

    /// Sleeps before another token attempt; `false` (and no sleep) when the wait would reach
    /// the overall deadline of the API call the token is for.
    async fn backoff(&self, attempt: u32, retry_after: Option<Duration>) -> bool {
        let base = Duration::from_millis(500) * 2u32.saturating_pow(attempt - 1);
        let jittered = base.mul_f64(self.runtime.jitter.unit());
        let wait = retry_after
            .map(|r| r.max(jittered))
            .unwrap_or(jittered.max(Duration::from_millis(250)))
            .min(Duration::from_secs(60));
        if passes_deadline(self.runtime.clock.now(), wait) {
            return false;
        }
        self.runtime.sleeper.sleep(wait).await;
        true
    }
}

/// The largest discovery document or JWK Set read.
pub const MAX_METADATA_BYTES: usize = 1 << 20;

fn transport_kind(e: &reqwest::Error) -> ErrorKind {
    if e.is_connect() {
        ErrorKind::Connect
    } else if e.is_timeout() {
        ErrorKind::Timeout
    } else {
        ErrorKind::Transport
    }
}

/// How HTTP Basic client credentials are put together.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum BasicAuthEncoding {
    /// RFC 6749 §2.3.1: the client id and the secret are each
    /// `application/x-www-form-urlencoded` before `base64(id ":" secret)`, so a secret
    /// holding `:`, `%`, `+` or a space arrives intact at a conforming server. The default.
    #[default]
    FormUrlEncoded,
    /// `base64(id ":" secret)` with the bytes as they are, for a server that does not decode
    /// them (identical to the default when both are letters, digits and `-._*`).
    Raw,
}

impl BasicAuthEncoding {
    /// The id and secret as they go into the Basic header under this encoding.
    pub fn encode(self, client_id: &str, secret: &SecretString) -> (String, SecretString) {
        match self {
            BasicAuthEncoding::Raw => (client_id.to_owned(), secret.clone()),
            BasicAuthEncoding::FormUrlEncoded => (
                url::form_urlencoded::byte_serialize(client_id.as_bytes()).collect(),
                SecretString::from(
                    url::form_urlencoded::byte_serialize(secret.expose_secret().as_bytes())
                        .collect::<String>(),
                ),
            ),
        }
    }
}

pub(crate) fn header_str(headers: &reqwest::header::HeaderMap, name: &str) -> Option<String> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
}
