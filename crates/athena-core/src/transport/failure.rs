//! Turning what went wrong into a typed, PHI-free [`Error`]: a final status, a failed send, a
//! broken streamed body; the cause is kept without its URL.

use std::time::Duration;

use super::attempt::Head;
use super::response::request_id;
use crate::error::{ApiError, Error, ErrorKind};
use crate::retry::AttemptOutcome;

/// The error for a final response that is not a success.
pub(super) fn status_error(head: &Head, retry_after: Option<Duration>, attempts: u32) -> Error {
    let api = ApiError::parse(&head.body);
    let kind = match head.status {
        400 | 422 => ErrorKind::BadRequest,
        401 => ErrorKind::Unauthorized,
        403 if api.is_some() || is_fhir_json(&head.headers, &head.body) => ErrorKind::Forbidden,
        403 | 429 => ErrorKind::RateLimited,
        404 => ErrorKind::NotFound,
        409 => ErrorKind::Conflict,
        402 | 405..=499 => ErrorKind::BadRequest,
        _ => ErrorKind::Server,
    };
    Error::bare(kind)
        .with_status(head.status)
        .with_request_id(request_id(&head.headers).map(str::to_owned))
        .with_api_error(api)
        .with_retry_after(retry_after)
        .with_attempts(attempts)
}

/// The error for an attempt that got no response: which server (host and port only, never
/// the path or the query: they carry patient ids and search values) and what happened.
pub(super) fn send_error(
    outcome: AttemptOutcome,
    cause: &CauseWithoutUrl,
    url: &url::Url,
    attempts: u32,
) -> Error {
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
            format!("the connection to {host}{port} failed after the request may have been sent"),
        ),
    };
    Error::new(kind, message)
        .with_attempts(attempts)
        .with_source(cause.clone())
}

/// The error that ends a streamed body: no bytes for `idle` (`error` is `None`), or a broken
/// or truncated connection.
pub(super) fn body_failure(
    error: Option<&reqwest::Error>,
    idle: Duration,
    method: &'static str,
    route: &'static str,
) -> Error {
    let e = match error {
        None => Error::new(
            ErrorKind::Timeout,
            format!("the streamed body sent no data for {} ms", idle.as_millis()),
        ),
        Some(e) if e.is_timeout() => Error::new(ErrorKind::Timeout, "the streamed body timed out")
            .with_source(CauseWithoutUrl::from(e)),
        Some(e) => Error::new(
            ErrorKind::Transport,
            "the connection was lost or the streamed body was truncated",
        )
        .with_source(CauseWithoutUrl::from(e)),
    };
    e.with_endpoint(method, route)
}

/// What a failed send means for the retry decision.
pub(super) fn outcome_of(e: &reqwest::Error) -> AttemptOutcome {
    if e.is_connect() {
        AttemptOutcome::ConnectFailed
    } else if e.is_timeout() {
        AttemptOutcome::TimedOut
    } else {
        AttemptOutcome::ConnectionLost
    }
}

/// A FHIR JSON answer (`application/fhir+json`, or a JSON object naming its `resourceType`):
/// a 403 carrying one is a real refusal, not the gateway's over-QPS page.
pub(super) fn is_fhir_json(headers: &http::HeaderMap, body: &[u8]) -> bool {
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

/// A transport cause with the URL (which carries patient ids and query values) removed.
#[derive(Debug, Clone)]
pub(super) struct CauseWithoutUrl(String);

impl CauseWithoutUrl {
    /// A cause of our own (no reqwest error behind it).
    pub(super) fn text(text: impl Into<String>) -> Self {
        CauseWithoutUrl(text.into())
    }
}

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
