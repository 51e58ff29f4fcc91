//! HTTP to token endpoints, under the token-endpoint limiter.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
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
        let expires_in = match wire.expires_in {
            None | Some(serde_json::Value::Null) => None,
            Some(serde_json::Value::Number(n)) => n.as_f64().map(|s| s.max(0.0)),
            Some(serde_json::Value::String(s)) => s.trim().parse::<f64>().ok(),
            Some(_) => None,
        }
        .filter(|s| s.is_finite())
        .map(Duration::from_secs_f64);
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
    /// `expires_in` is assumed to live 5 minutes (the conservative SMART figure).
    pub fn into_access_token(self, now: std::time::SystemTime) -> super::AccessToken {
        let lifetime = self.expires_in.unwrap_or(Duration::from_secs(300));
        super::AccessToken::new(self.access_token, now, now + lifetime).with_scope(self.scope)
    }
}

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

    /// Waits for a slot and takes it.
    pub(crate) async fn acquire(&self, rt: &Runtime) {
        const WINDOW: Duration = Duration::from_secs(60);
        loop {
            let wait = {
                let now = rt.clock.now();
                let mut sent = self.sent.lock().unwrap_or_else(|p| p.into_inner());
                while sent
                    .front()
                    .is_some_and(|t| now.duration_since(*t) >= WINDOW)
                {
                    sent.pop_front();
                }
                if sent.len() < self.per_minute as usize {
                    sent.push_back(now);
                    return;
                }
                let oldest = sent.front().copied().unwrap_or(now);
                (oldest + WINDOW).saturating_duration_since(now)
            };
            tracing::debug!(
                wait_ms = wait.as_millis() as u64,
                "token endpoint limit reached; waiting"
            );
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

/// The client's door to token endpoints: its connection pool, its clock, and the
/// token-endpoint limiter. [`TokenSource`](super::TokenSource)s receive one.
#[derive(Debug, Clone)]
pub struct TokenEndpoint {
    http: reqwest::Client,
    runtime: Runtime,
    limiter: Arc<TokenRateLimiter>,
    attempt_timeout: Duration,
    requests: Arc<std::sync::atomic::AtomicU64>,
}

impl TokenEndpoint {
    pub(crate) fn new(
        http: reqwest::Client,
        runtime: Runtime,
        per_minute: u32,
        attempt_timeout: Duration,
    ) -> Self {
        TokenEndpoint {
            http,
            runtime,
            limiter: Arc::new(TokenRateLimiter::new(per_minute)),
            attempt_timeout,
            requests: Arc::default(),
        }
    }

    /// The client's runtime (clock for `iat`/`exp` claims, sleeper).
    pub fn runtime(&self) -> &Runtime {
        &self.runtime
    }

    /// How many token requests this client has sent.
    pub fn requests_sent(&self) -> u64 {
        self.requests.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// POSTs a form to a token endpoint, with optional HTTP Basic client authentication, and
    /// parses the token response. 429 and 5xx are retried (a token request has no side effect
    /// beyond the quota) within the limiter; other failures become [`ErrorKind::Auth`] errors.
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
            attempt += 1;
            self.limiter.acquire(&self.runtime).await;
            let form = make_form()?;
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
                    if attempt < MAX_ATTEMPTS {
                        self.backoff(attempt, None).await;
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
                    if attempt < MAX_ATTEMPTS {
                        self.backoff(attempt, None).await;
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
                });
            }
            let retryable = status == 429 || matches!(status, 500 | 502 | 503 | 504);
            if status == 429 {
                self.limiter.saturate(&self.runtime);
            }
            if retryable && attempt < MAX_ATTEMPTS {
                tracing::debug!(status, attempt, "token endpoint asked us to retry");
                self.backoff(attempt, retry_after).await;
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

    /// Sends a prepared request to a token endpoint under the limiter, without retries (for
    /// the `oauth2` crate's async HTTP client interface).
    pub async fn execute(
        &self,
        request: http::Request<Vec<u8>>,
    ) -> Result<http::Response<Vec<u8>>> {
        self.limiter.acquire(&self.runtime).await;
        self.requests
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let (parts, body) = request.into_parts();
        let url = Url::parse(&parts.uri.to_string())
            .map_err(|_| Error::new(ErrorKind::Config, "token endpoint URL is not valid"))?;
        let mut req = self
            .http
            .request(parts.method, url)
            .timeout(self.attempt_timeout)
            .body(body);
        for (name, value) in parts.headers.iter() {
            req = req.header(name, value);
        }
        let response = req.send().await.map_err(|e| {
            Error::new(ErrorKind::Transport, "token request failed")
                .with_endpoint("POST", ROUTE)
                .with_source(e.without_url())
        })?;
        let mut builder = http::Response::builder().status(response.status());
        for (name, value) in response.headers() {
            builder = builder.header(name, value);
        }
        let bytes = response.bytes().await.map_err(|e| {
            Error::new(ErrorKind::Transport, "token response body failed")
                .with_endpoint("POST", ROUTE)
                .with_source(e.without_url())
        })?;
        builder
            .body(bytes.to_vec())
            .map_err(|_| Error::new(ErrorKind::Transport, "token response could not be rebuilt"))
    }

    async fn backoff(&self, attempt: u32, retry_after: Option<Duration>) {
        let base = Duration::from_millis(500) * 2u32.saturating_pow(attempt - 1);
        let jittered = base.mul_f64(self.runtime.jitter.unit());
        let wait = retry_after
            .map(|r| r.max(jittered))
            .unwrap_or(jittered.max(Duration::from_millis(250)))
            .min(Duration::from_secs(60));
        self.runtime.sleeper.sleep(wait).await;
    }
}

pub(crate) fn header_str(headers: &reqwest::header::HeaderMap, name: &str) -> Option<String> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
}
