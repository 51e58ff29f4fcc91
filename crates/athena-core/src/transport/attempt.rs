//! One attempt on the wire: build the HTTP request (token only to the client's origin), send
//! it, and read the head and, as the call's [`BodyMode`] says, the body.

use std::time::Duration;

use bytes::Bytes;
use secrecy::ExposeSecret;
use url::Url;

use super::failure::{CauseWithoutUrl, outcome_of};
use super::options::BodyMode;
use crate::auth::AccessToken;
use crate::client::Client;
use crate::request::{Body, Request};
use crate::retry::AttemptOutcome;

/// The most of a non-2xx body a streamed call reads (to classify it, and to hand it over).
pub(super) const ERROR_BODY_LIMIT: usize = 64 * 1024;

/// What one attempt ended with, before classification.
// One value per attempt, moved and never stored: boxing the head would buy nothing.
#[allow(clippy::large_enum_variant)]
pub(super) enum Attempt {
    /// A response head arrived.
    Response(Head),
    /// No response: the send or the body read failed.
    Failed {
        outcome: AttemptOutcome,
        cause: CauseWithoutUrl,
    },
}

/// A response: its status and headers, its body as read, and, for a streamed success, the
/// body still to read.
pub(super) struct Head {
    pub(super) status: u16,
    pub(super) headers: http::HeaderMap,
    /// The whole body (buffered calls), the first [`ERROR_BODY_LIMIT`] bytes of a non-2xx
    /// body (streamed calls), or empty (a streamed 2xx).
    pub(super) body: Bytes,
    /// A streamed 2xx: the body, not yet read.
    pub(super) open: Option<reqwest::Response>,
    /// Whether the answering URL (after redirects) is on the client's origin: only such
    /// answers tune the shared rate limiter.
    pub(super) same_origin: bool,
}

/// The parts of a call that do not change between attempts.
pub(super) struct Prepared {
    pub(super) url: Url,
    pub(super) content_type: Option<&'static str>,
    pub(super) body: Option<Bytes>,
}

impl Prepared {
    /// The body of `request`, encoded once.
    pub(super) fn new(request: &Request, url: Url) -> Self {
        let (content_type, body) = match request.body() {
            Body::Empty => (None, None),
            Body::Form(_) => (
                Some("application/x-www-form-urlencoded"),
                request.encoded_form().map(Bytes::from),
            ),
            Body::Json(b) => (Some("application/json"), Some(Bytes::from(b.clone()))),
        };
        Prepared {
            url,
            content_type,
            body,
        }
    }
}

impl Client {
    /// Sends one attempt of `request` within `timeout`.
    pub(super) async fn attempt(
        &self,
        request: &Request,
        prepared: &Prepared,
        token: Option<&AccessToken>,
        timeout: Duration,
        mode: BodyMode,
    ) -> Attempt {
        match mode {
            BodyMode::Buffered => self.buffered(request, prepared, token, timeout).await,
            BodyMode::Streamed { max_redirects, .. } => {
                self.streamed(request, prepared, token, timeout, max_redirects)
                    .await
            }
        }
    }

    /// Sends and reads the whole body, all within `timeout`.
    async fn buffered(
        &self,
        request: &Request,
        prepared: &Prepared,
        token: Option<&AccessToken>,
        timeout: Duration,
    ) -> Attempt {
        let builder = self
            .http_request(request, prepared, &prepared.url, token)
            .timeout(timeout);
        let response = match builder.send().await {
            Ok(r) => r,
            Err(error) => return failed(outcome_of(&error), &error),
        };
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let same_origin = self.is_own_origin(&prepared.url);
        match response.bytes().await {
            Ok(body) => Attempt::Response(Head {
                status,
                headers,
                body,
                open: None,
                same_origin,
            }),
            Err(error) => {
                let outcome = if error.is_timeout() {
                    AttemptOutcome::TimedOut
                } else {
                    AttemptOutcome::ConnectionLost
                };
                failed(outcome, &error)
            }
        }
    }

    /// Sends and waits for the head (at most `timeout`), following up to `max_redirects`
    /// redirects; a 2xx body is left open, any other body is read up to
    /// [`ERROR_BODY_LIMIT`].
    async fn streamed(
        &self,
        request: &Request,
        prepared: &Prepared,
        token: Option<&AccessToken>,
        timeout: Duration,
        max_redirects: u32,
    ) -> Attempt {
        let mut url = prepared.url.clone();
        let mut hops = 0;
        loop {
            let builder = self.http_request(request, prepared, &url, token);
            let response = match tokio::time::timeout(timeout, builder.send()).await {
                Err(_) => {
                    return Attempt::Failed {
                        outcome: AttemptOutcome::TimedOut,
                        cause: CauseWithoutUrl::text(format!(
                            "no response head within {} ms",
                            timeout.as_millis()
                        )),
                    };
                }
                Ok(Err(error)) => return failed(outcome_of(&error), &error),
                Ok(Ok(r)) => r,
            };
            let status = response.status().as_u16();
            if hops < max_redirects
                && let Some(next) = redirect_target(status, response.headers(), &url)
            {
                hops += 1;
                url = next;
                continue;
            }
            let headers = response.headers().clone();
            let same_origin = self.is_own_origin(&url);
            if response.status().is_success() {
                return Attempt::Response(Head {
                    status,
                    headers,
                    body: Bytes::new(),
                    open: Some(response),
                    same_origin,
                });
            }
            let body = read_limited(response, timeout).await;
            return Attempt::Response(Head {
                status,
                headers,
                body,
                open: None,
                same_origin,
            });
        }
    }

    /// The HTTP request for `url`: `Accept`, the request's headers and body, and the bearer
    /// token, which (like any `Authorization` or `Cookie` header of the request) goes only to
    /// the client's own origin.
    fn http_request(
        &self,
        request: &Request,
        prepared: &Prepared,
        url: &Url,
        token: Option<&AccessToken>,
    ) -> reqwest::RequestBuilder {
        let own_origin = self.is_own_origin(url);
        let mut builder = self
            .inner
            .http
            .request(request.method().clone(), url.clone())
            .header(http::header::ACCEPT, request.accept_header());
        let custom_auth = request
            .headers()
            .iter()
            .any(|(n, _)| n == http::header::AUTHORIZATION);
        if let (Some(t), false, true) = (token, custom_auth, own_origin) {
            builder = builder.bearer_auth(t.secret().expose_secret());
        }
        for (name, value) in request.headers() {
            let credential = name == http::header::AUTHORIZATION
                || name == http::header::COOKIE
                || name == http::header::PROXY_AUTHORIZATION;
            if own_origin || !credential {
                builder = builder.header(name.clone(), value.clone());
            }
        }
        let custom_content_type = request
            .headers()
            .iter()
            .any(|(n, _)| n == http::header::CONTENT_TYPE);
        if let Some(b) = &prepared.body {
            if let (Some(ct), false) = (prepared.content_type, custom_content_type) {
                builder = builder.header(http::header::CONTENT_TYPE, ct);
            }
            builder = builder.body(b.clone());
        }
        builder
    }

    /// True when `url` has the client's scheme, host and port.
    pub(super) fn is_own_origin(&self, url: &Url) -> bool {
        url.origin() == self.inner.base.origin()
    }
}

/// A failed send or body read, its cause kept without the URL.
fn failed(outcome: AttemptOutcome, error: &reqwest::Error) -> Attempt {
    Attempt::Failed {
        outcome,
        cause: CauseWithoutUrl::from(error),
    }
}

/// Where a redirect answer points (`http`/`https` only), resolved against `from`.
fn redirect_target(status: u16, headers: &http::HeaderMap, from: &Url) -> Option<Url> {
    if !matches!(status, 301 | 302 | 303 | 307 | 308) {
        return None;
    }
    let location = headers.get(http::header::LOCATION)?.to_str().ok()?;
    let next = from.join(location).ok()?;
    matches!(next.scheme(), "http" | "https").then_some(next)
}

/// Up to [`ERROR_BODY_LIMIT`] bytes of a body, each piece awaited at most `idle` (what
/// arrived so far when it stalls or breaks).
async fn read_limited(mut response: reqwest::Response, idle: Duration) -> Bytes {
    let mut body = Vec::new();
    while body.len() < ERROR_BODY_LIMIT {
        match tokio::time::timeout(idle, response.chunk()).await {
            Ok(Ok(Some(chunk))) => body.extend_from_slice(&chunk),
            _ => break,
        }
    }
    body.truncate(ERROR_BODY_LIMIT);
    Bytes::from(body)
}
