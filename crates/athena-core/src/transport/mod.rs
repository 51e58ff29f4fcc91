//! How one logical call travels: limiter, token, attempt, classify, wait, retry.
//!
//! One call = one `tracing` span (`athena.request`) with the method, the route template, the
//! final status, the number of attempts and athena's request id — never the concrete URL, the
//! query or a body.

use std::time::Duration;

use bytes::Bytes;
use serde::de::DeserializeOwned;
use tracing::Instrument;

use crate::auth::AccessToken;
use crate::client::{Client, join_path};
use crate::decode::{Endpoint, decode_json};
use crate::error::{ApiError, Error, ErrorKind, Result};
use crate::request::{Body, Request};
use crate::retry::retry_after::parse_retry_after;
use crate::retry::{AttemptOutcome, Decision, RetryReason, classify};

/// A response, body read in full: always 2xx from [`Client::execute`]; any status from
/// [`Client::execute_any_status`]. `Debug` shows the status, request id and body length, never
/// the body.
#[derive(Clone)]
pub struct RawResponse {
    status: u16,
    headers: http::HeaderMap,
    body: Bytes,
    attempts: u32,
}

impl RawResponse {
    /// The HTTP status.
    pub fn status(&self) -> u16 {
        self.status
    }
    /// The response headers.
    pub fn headers(&self) -> &http::HeaderMap {
        &self.headers
    }
    /// The body.
    pub fn body(&self) -> &Bytes {
        &self.body
    }
    /// athena's `X-Request-Id`.
    pub fn request_id(&self) -> Option<&str> {
        self.headers
            .get("x-request-id")
            .and_then(|v| v.to_str().ok())
    }
    /// Attempts it took.
    pub fn attempts(&self) -> u32 {
        self.attempts
    }
}

impl std::fmt::Debug for RawResponse {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RawResponse")
            .field("status", &self.status)
            .field("request_id", &self.request_id())
            .field("body_len", &self.body.len())
            .field("attempts", &self.attempts)
            .finish()
    }
}

/// The result of one attempt, before classification.
enum Attempt {
    Response {
        status: u16,
        headers: http::HeaderMap,
        body: Bytes,
    },
    Failed {
        outcome: AttemptOutcome,
        error: reqwest::Error,
    },
}

impl Client {
    /// Sends `request` through auth, rate limiting and retries; returns the 2xx response or
    /// a typed error.
    pub async fn execute(&self, request: &Request) -> Result<RawResponse> {
        let span = tracing::info_span!(
            "athena.request",
            method = request.method_str(),
            route = request.route(),
            status = tracing::field::Empty,
            attempts = tracing::field::Empty,
            request_id = tracing::field::Empty,
        );
        self.execute_inner(request, false).instrument(span).await
    }

    /// Like [`Client::execute`] (same limiter, token, retries, `Retry-After`, budget, deadline
    /// and span), but the **final** HTTP response is returned whatever its status, once
    /// retries are exhausted or do not apply: a 404 or a 400 after no retry, a 503 after the
    /// last attempt, a 429 whose `Retry-After` is longer than the policy honours. For APIs
    /// whose error bodies the caller decodes itself (FHIR `OperationOutcome`); the body never
    /// enters an [`Error`]. Connection failures, the overall deadline and an empty retry
    /// budget with no response in hand are still errors.
    pub async fn execute_any_status(&self, request: &Request) -> Result<RawResponse> {
        let span = tracing::info_span!(
            "athena.request",
            method = request.method_str(),
            route = request.route(),
            status = tracing::field::Empty,
            attempts = tracing::field::Empty,
            request_id = tracing::field::Empty,
        );
        self.execute_inner(request, true).instrument(span).await
    }

    /// Sends `request` and decodes the JSON body into `T` (athena's lenient rules, errors
    /// naming the JSON path and the route).
    pub async fn send_json<T: DeserializeOwned>(&self, request: &Request) -> Result<T> {
        let response = self.execute(request).await?;
        decode_json(
            response.body(),
            Endpoint {
                method: request.method_str(),
                route: request.route(),
            },
        )
        .map_err(|e| {
            e.with_request_id(response.request_id().map(str::to_owned))
                .with_attempts(response.attempts())
        })
    }

    /// Sends a write whose answer is athena's bare outcome: `1`, `true` or
    /// `{"success": true}` for success; a bare error string or `success: false` becomes
    /// [`ErrorKind::Unsuccessful`] carrying the server's text in
    /// [`Error::api_error`](crate::Error::api_error) (e.g. `PUT /appointments/booked/{id}`).
    pub async fn send_bare_outcome(&self, request: &Request) -> Result<()> {
        use crate::codec::lenient::BareOutcome;
        let response = self.execute(request).await?;
        let endpoint = Endpoint {
            method: request.method_str(),
            route: request.route(),
        };
        let request_id = response.request_id().map(str::to_owned);
        let outcome: BareOutcome = decode_json(response.body(), endpoint).map_err(|e| {
            e.with_request_id(request_id.clone())
                .with_attempts(response.attempts())
        })?;
        match outcome.failure_text() {
            None if outcome.is_success() => Ok(()),
            text => Err(
                Error::new(ErrorKind::Unsuccessful, "athena reported failure")
                    .with_endpoint(endpoint.method, endpoint.route)
                    .with_api_error(Some(
                        ApiError::default().with_error_message(text.map(|t| t.as_str().to_owned())),
                    ))
                    .with_request_id(request_id)
                    .with_attempts(response.attempts()),
            ),
        }
    }

    async fn execute_inner(&self, request: &Request, any_status: bool) -> Result<RawResponse> {
        request.validate()?;
        let inner = &self.inner;
        let rt = &inner.runtime;
        let method = request.method_str();
        let route = request.route();
        let fail = |e: Error| e.with_endpoint(method, route);

        let url = self.url_for(request).map_err(fail)?;
        let (content_type, body): (Option<&'static str>, Option<Bytes>) = match request.body() {
            Body::Empty => (None, None),
            Body::Form(_) => (
                Some("application/x-www-form-urlencoded"),
                request.encoded_form().map(Bytes::from),
            ),
            Body::Json(b) => (Some("application/json"), Some(Bytes::from(b.clone()))),
        };
        let started = rt.clock.now();
        // An overall timeout too large to add to `now` means "no deadline" in practice.
        let deadline = started
            .checked_add(inner.timeouts.overall)
            .unwrap_or_else(|| far_future(started));
        let authenticated = request.is_authenticated() && inner.tokens.is_some();

        let mut attempts: u32 = 0;
        let mut retries: u32 = 0;
        let mut refreshed = false;
        loop {
            // The limiter's wait is part of the deadline: a slot (or a server-requested
            // pause) that comes too late ends the call now instead of sleeping into it.
            if let Err(refusal) = inner.limiter.acquire_before(rt, Some(deadline)).await {
                let e = if refusal.paused {
                    Error::new(
                        ErrorKind::RateLimited,
                        "the server's rate-limit pause outlasts the call's overall deadline; not sent",
                    )
                    .with_retry_after(Some(refusal.wait))
                } else {
                    Error::new(
                        ErrorKind::Timeout,
                        "the client-side QPS limit would delay the call past its overall deadline; not sent",
                    )
                };
                return Err(fail(e).with_attempts(attempts));
            }
            let token = match (&inner.tokens, authenticated) {
                // The token request serves this call: its quota wait and back-offs never
                // run past the call's overall deadline.
                (Some(tokens), true) => Some(
                    crate::auth::within_call_deadline(deadline, tokens.token())
                        .await
                        .map_err(|e| {
                            // Count the API attempts already made (a 401 before the refresh)
                            // with the token requests.
                            let sent = e.attempts() + attempts;
                            let e = e.with_attempts(sent);
                            if e.route().is_none() { fail(e) } else { e }
                        })?,
                ),
                _ => None,
            };
            let now = rt.clock.now();
            let remaining = deadline.saturating_duration_since(now);
            if remaining.is_zero() {
                return Err(fail(Error::new(
                    ErrorKind::Timeout,
                    "the call's overall deadline passed",
                ))
                .with_attempts(attempts));
            }
            attempts += 1;
            let attempt = self
                .attempt(
                    request,
                    &url,
                    content_type,
                    body.clone(),
                    token.as_ref(),
                    inner.timeouts.attempt.min(remaining),
                )
                .await;

            let (outcome, retry_after) = match &attempt {
                Attempt::Response {
                    status,
                    headers,
                    body,
                } => {
                    let json_body = *status != 403
                        || ApiError::parse(body).is_some()
                        || is_fhir_json(headers, body);
                    let ra = headers
                        .get(http::header::RETRY_AFTER)
                        .and_then(|v| v.to_str().ok())
                        .and_then(|v| parse_retry_after(v, rt.clock.system_now()));
                    inner.limiter.observe(
                        rt.clock.now(),
                        header_u64(headers, "x-ratelimit-limit"),
                        header_u64(headers, "x-ratelimit-remaining"),
                    );
                    (
                        AttemptOutcome::Response {
                            status: *status,
                            json_body,
                        },
                        ra,
                    )
                }
                Attempt::Failed { outcome, .. } => (*outcome, None),
            };

            let decision = classify(outcome, request.safety(), authenticated, refreshed);
            let status = match &attempt {
                Attempt::Response { status, .. } => Some(*status),
                Attempt::Failed { .. } => None,
            };
            tracing::debug!(attempt = attempts, status, decision = ?decision, "attempt finished");

            match decision {
                Decision::Success => {
                    inner.budget.record_success();
                    if let Attempt::Response {
                        status,
                        headers,
                        body,
                    } = attempt
                    {
                        let span = tracing::Span::current();
                        span.record("status", status);
                        span.record("attempts", attempts);
                        if let Some(id) = headers.get("x-request-id").and_then(|v| v.to_str().ok())
                        {
                            span.record("request_id", id);
                        }
                        return Ok(RawResponse {
                            status,
                            headers,
                            body,
                            attempts,
                        });
                    }
                    // `classify` only says Success for a response.
                    return Err(fail(Error::new(
                        ErrorKind::Transport,
                        "internal error: success without a response",
                    )));
                }
                Decision::RefreshAndReplay => {
                    if let (Some(tokens), Some(t)) = (&inner.tokens, &token) {
                        tokens.reject(t).await;
                    }
                    refreshed = true;
                    tracing::debug!("401: refreshing the token and replaying once");
                    continue;
                }
                Decision::Retry(reason) => {
                    // With `any_status`, a response that will not be retried is handed over
                    // instead of becoming an error.
                    let hand_over = any_status && matches!(attempt, Attempt::Response { .. });
                    let final_error =
                        || self.error_for(attempt_ref(&attempt), &url, retry_after, attempts);
                    let rate_limited = reason == RetryReason::RateLimited;
                    let delay = if attempts >= inner.policy.max_attempts() + u32::from(refreshed) {
                        None
                    } else {
                        // The server may ask for a longer wait than we honour (`None`): the
                        // caller schedules it (the error carries retry_after).
                        inner
                            .policy
                            .delay(retries + 1, rt.jitter.unit(), rate_limited, retry_after)
                            .filter(|d| {
                                let fits = rt
                                    .clock
                                    .now()
                                    .checked_add(*d)
                                    .is_some_and(|at| at < deadline);
                                if !fits {
                                    tracing::debug!(
                                        delay_ms = d.as_millis() as u64,
                                        "next wait passes the deadline; giving up"
                                    );
                                }
                                fits
                            })
                    };
                    let Some(delay) = delay else {
                        if rate_limited {
                            // Everyone else waits too, but never longer than the policy
                            // honours: a huge `Retry-After` is the caller's to schedule.
                            inner.limiter.throttled(
                                rt.clock.now(),
                                retry_after.unwrap_or_default(),
                                inner.policy.max_retry_after,
                            );
                        }
                        if hand_over {
                            return Ok(final_response(attempt, attempts));
                        }
                        return Err(fail(final_error()));
                    };
                    if !inner.budget.try_spend(reason.is_timeout()) {
                        if hand_over {
                            return Ok(final_response(attempt, attempts));
                        }
                        let last = final_error();
                        return Err(fail(
                            Error::new(
                                ErrorKind::RetryBudgetExhausted,
                                "the client's retry budget is empty; not retrying",
                            )
                            .with_status_opt(last.status())
                            .with_request_id(last.request_id().map(str::to_owned))
                            .with_retry_after(last.retry_after())
                            .with_attempts(attempts),
                        ));
                    }
                    retries += 1;
                    if rate_limited {
                        inner.limiter.throttled(
                            rt.clock.now(),
                            delay,
                            inner.policy.max_retry_after,
                        );
                    }
                    tracing::info!(
                        attempt = attempts,
                        reason = reason.label(),
                        status,
                        delay_ms = delay.as_millis() as u64,
                        "retrying"
                    );
                    rt.sleeper.sleep(delay).await;
                }
                Decision::Fail => {
                    if let Attempt::Response { status: 429, .. } = attempt {
                        inner.limiter.throttled(
                            rt.clock.now(),
                            retry_after.unwrap_or_default(),
                            inner.policy.max_retry_after,
                        );
                    }
                    let span = tracing::Span::current();
                    if let Some(s) = status {
                        span.record("status", s);
                    }
                    span.record("attempts", attempts);
                    if any_status && let Attempt::Response { .. } = attempt {
                        return Ok(final_response(attempt, attempts));
                    }
                    return Err(fail(self.error_for(
                        attempt_ref(&attempt),
                        &url,
                        retry_after,
                        attempts,
                    )));
                }
            }
        }
    }

    fn url_for(&self, request: &Request) -> Result<url::Url> {
        let mut url = match request.link_url() {
            Some(link) if link.origin() == self.inner.base.origin() => link.clone(),
            Some(_) => {
                return Err(Error::new(
                    ErrorKind::InvalidInput,
                    "the link points to another origin than the client's; it was not followed",
                ));
            }
            None => join_path(&self.inner.base, request.path())?,
        };
        let pairs = request.query_pairs();
        if !pairs.is_empty() {
            let mut q = url.query_pairs_mut();
            for (k, v) in pairs {
                q.append_pair(k, v);
            }
        }
        Ok(url)
    }

    async fn attempt(
        &self,
        request: &Request,
        url: &url::Url,
        content_type: Option<&'static str>,
        body: Option<Bytes>,
        token: Option<&AccessToken>,
        timeout: Duration,
    ) -> Attempt {
        use secrecy::ExposeSecret;
        let mut builder = self
            .inner
            .http
            .request(request.method().clone(), url.clone())
            .timeout(timeout)
            .header(http::header::ACCEPT, request.accept_header());
        let custom_auth = request
            .headers()
            .iter()
            .any(|(n, _)| n == http::header::AUTHORIZATION);
        if let (Some(t), false) = (token, custom_auth) {
            builder = builder.bearer_auth(t.secret().expose_secret());
        }
        for (name, value) in request.headers() {
            builder = builder.header(name.clone(), value.clone());
        }
        let custom_content_type = request
            .headers()
            .iter()
            .any(|(n, _)| n == http::header::CONTENT_TYPE);
        if let Some(b) = body {
            if let (Some(ct), false) = (content_type, custom_content_type) {
                builder = builder.header(http::header::CONTENT_TYPE, ct);
            }
            builder = builder.body(b);
        }
        let response = match builder.send().await {
            Ok(r) => r,
            Err(error) => {
                return Attempt::Failed {
                    outcome: outcome_of(&error),
                    error,
                };
            }
        };
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        match response.bytes().await {
            Ok(body) => Attempt::Response {
                status,
                headers,
                body,
            },
            Err(error) => Attempt::Failed {
                outcome: if error.is_timeout() {
                    AttemptOutcome::TimedOut
                } else {
                    AttemptOutcome::ConnectionLost
                },
                error,
            },
        }
    }

    fn error_for(
        &self,
        attempt: AttemptRef<'_>,
        url: &url::Url,
        retry_after: Option<Duration>,
        attempts: u32,
    ) -> Error {
        match attempt {
            AttemptRef::Response {
                status,
                headers,
                body,
            } => {
                let api = ApiError::parse(body);
                let kind = match status {
                    400 | 422 => ErrorKind::BadRequest,
                    401 => ErrorKind::Unauthorized,
                    403 if api.is_some() || is_fhir_json(headers, body) => ErrorKind::Forbidden,
                    403 | 429 => ErrorKind::RateLimited,
                    404 => ErrorKind::NotFound,
                    409 => ErrorKind::Conflict,
                    402 | 405..=499 => ErrorKind::BadRequest,
                    _ => ErrorKind::Server,
                };
                Error::bare(kind)
                    .with_status(status)
                    .with_request_id(
                        headers
                            .get("x-request-id")
                            .and_then(|v| v.to_str().ok())
                            .map(str::to_owned),
                    )
                    .with_api_error(api)
                    .with_retry_after(retry_after)
                    .with_attempts(attempts)
            }
            AttemptRef::Failed { outcome, error } => {
                // Which server: host and port only, never the path or the query (they carry
                // patient ids and search values).
                let host = url.host_str().unwrap_or("?");
                let port = url
                    .port_or_known_default()
                    .map_or_else(String::new, |p| format!(":{p}"));
                let (kind, message) = match outcome {
                    AttemptOutcome::ConnectFailed => (
                        ErrorKind::Connect,
                        format!("could not connect to {host}{port}"),
                    ),
                    AttemptOutcome::TimedOut => (
                        ErrorKind::Timeout,
                        format!("the attempt to {host}{port} timed out"),
                    ),
                    _ => (
                        ErrorKind::Transport,
                        format!(
                            "the connection to {host}{port} failed after the request may have been sent"
                        ),
                    ),
                };
                Error::new(kind, message)
                    .with_attempts(attempts)
                    .with_source(CauseWithoutUrl::from(error))
            }
        }
    }
}

/// An instant a century after `from` (or as far as the platform's `Instant` reaches).
fn far_future(from: std::time::Instant) -> std::time::Instant {
    let mut span = Duration::from_secs(100 * 365 * 24 * 60 * 60);
    loop {
        if let Some(at) = from.checked_add(span) {
            return at;
        }
        span /= 2;
        if span.is_zero() {
            return from;
        }
    }
}

/// The response of the last attempt, as a [`RawResponse`] (recorded on the span).
fn final_response(attempt: Attempt, attempts: u32) -> RawResponse {
    match attempt {
        Attempt::Response {
            status,
            headers,
            body,
        } => {
            let span = tracing::Span::current();
            span.record("status", status);
            span.record("attempts", attempts);
            if let Some(id) = headers.get("x-request-id").and_then(|v| v.to_str().ok()) {
                span.record("request_id", id);
            }
            RawResponse {
                status,
                headers,
                body,
                attempts,
            }
        }
        // Callers only pass responses.
        Attempt::Failed { .. } => RawResponse {
            status: 0,
            headers: http::HeaderMap::new(),
            body: Bytes::new(),
            attempts,
        },
    }
}

/// A FHIR JSON answer (`application/fhir+json`, or a JSON object naming its `resourceType`):
/// a 403 carrying one is a real refusal, not the gateway's over-QPS page.
fn is_fhir_json(headers: &http::HeaderMap, body: &[u8]) -> bool {
    let fhir_type = headers
        .get(http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.to_ascii_lowercase().contains("fhir+json"));
    fhir_type || {
        #[derive(serde::Deserialize)]
        struct Typed<'a> {
            #[serde(rename = "resourceType", borrow)]
            resource_type: Option<&'a str>,
        }
        serde_json::from_slice::<Typed<'_>>(body).is_ok_and(|t| t.resource_type.is_some())
    }
}

enum AttemptRef<'a> {
    Response {
        status: u16,
        headers: &'a http::HeaderMap,
        body: &'a Bytes,
    },
    Failed {
        outcome: AttemptOutcome,
        error: &'a reqwest::Error,
    },
}

fn attempt_ref(a: &Attempt) -> AttemptRef<'_> {
    match a {
        Attempt::Response {
            status,
            headers,
            body,
        } => AttemptRef::Response {
            status: *status,
            headers,
            body,
        },
        Attempt::Failed { outcome, error } => AttemptRef::Failed {
            outcome: *outcome,
            error,
        },
    }
}

fn outcome_of(e: &reqwest::Error) -> AttemptOutcome {
    if e.is_connect() {
        AttemptOutcome::ConnectFailed
    } else if e.is_timeout() {
        AttemptOutcome::TimedOut
    } else {
        AttemptOutcome::ConnectionLost
    }
}

fn header_u64(headers: &http::HeaderMap, name: &str) -> Option<u64> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse().ok())
}

/// A transport cause with the URL (which carries patient ids and query values) removed.
#[derive(Debug)]
struct CauseWithoutUrl(String);

impl From<&reqwest::Error> for CauseWithoutUrl {
    fn from(e: &reqwest::Error) -> Self {
        let mut text = String::new();
        let mut cur: Option<&(dyn std::error::Error + 'static)> = Some(e);
        // reqwest's own Display names the URL; walk to the underlying causes instead.
        let mut first = true;
        while let Some(err) = cur {
            if !first {
                if !text.is_empty() {
                    text.push_str(": ");
                }
                text.push_str(&err.to_string());
            }
            first = false;
            cur = err.source();
        }
        if text.is_empty() {
            text.push_str(if e.is_timeout() {
                "timed out"
            } else {
                "transport error"
            });
        }
        CauseWithoutUrl(text)
    }
}

impl std::fmt::Display for CauseWithoutUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for CauseWithoutUrl {}

impl Error {
    fn with_status_opt(self, status: Option<u16>) -> Self {
        match status {
            Some(s) => self.with_status(s),
            None => self,
        }
    }
}
