//! What a call hands back: a buffered [`RawResponse`], or a [`StreamedResponse`] whose body is
//! a [`BodyStream`], and the [`StreamOptions`] of a streamed `GET`.

use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use futures::Stream;

use super::attempt::Head;
use super::failure::body_failure;
use crate::error::Result;
use crate::request::Request;
use crate::retry::RetryPolicy;

/// A response, body read in full: always 2xx from [`Client::execute`](crate::Client::execute);
/// any status from [`Client::execute_any_status`](crate::Client::execute_any_status). `Debug`
/// shows the status, request id and body length, never the body.
#[derive(Clone)]
pub struct RawResponse {
    pub(super) status: u16,
    pub(super) headers: http::HeaderMap,
    pub(super) body: Bytes,
    pub(super) attempts: u32,
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
        request_id(&self.headers)
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

/// How [`Client::execute_streamed`](crate::Client::execute_streamed) sends its `GET`.
///
/// By default: the client's retry policy, the client's attempt timeout as the idle timeout,
/// no redirects followed (a 3xx is a final answer, as for every other call), and only a 2xx
/// head handed back.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct StreamOptions {
    pub(super) retry: Option<RetryPolicy>,
    pub(super) idle_timeout: Option<Duration>,
    pub(super) max_redirects: u32,
    pub(super) any_status: bool,
}

impl StreamOptions {
    /// The default options.
    pub fn new() -> Self {
        Self::default()
    }

    /// Retries the head with `policy` instead of the client's.
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry = Some(policy);
        self
    }

    /// The longest wait for the response head and then for each piece of the body (default:
    /// the client's attempt timeout). A stalled head is retried; a stalled body ends the
    /// stream with an [`ErrorKind::Timeout`](crate::ErrorKind::Timeout) error.
    pub fn idle_timeout(mut self, idle: Duration) -> Self {
        self.idle_timeout = Some(idle);
        self
    }

    /// Follows up to `max` redirects (`301`, `302`, `303`, `307`, `308` with a `Location`)
    /// within one attempt, as a storage host serving files by redirect needs. The bearer
    /// token (and any `Authorization` header of the request) is sent to a hop only when it is
    /// on the client's own origin.
    pub fn follow_redirects(mut self, max: u32) -> Self {
        self.max_redirects = max;
        self
    }

    /// Hands back the final head whatever its status (a 404, a 503 after the last retry),
    /// with at most 64 KiB of its body as the stream, instead of an
    /// [`Error`](crate::Error): for APIs whose error bodies the caller decodes (FHIR
    /// `OperationOutcome`).
    pub fn any_status(mut self) -> Self {
        self.any_status = true;
        self
    }
}

/// The head of a streamed `GET` and its body, not yet read. `Debug` shows the status,
/// request id and attempts, never the body.
pub struct StreamedResponse {
    pub(super) status: u16,
    pub(super) headers: http::HeaderMap,
    pub(super) attempts: u32,
    pub(super) body: BodyStream,
}

impl StreamedResponse {
    /// The HTTP status.
    pub fn status(&self) -> u16 {
        self.status
    }
    /// The response headers.
    pub fn headers(&self) -> &http::HeaderMap {
        &self.headers
    }
    /// athena's `X-Request-Id`.
    pub fn request_id(&self) -> Option<&str> {
        request_id(&self.headers)
    }
    /// Attempts the head took.
    pub fn attempts(&self) -> u32 {
        self.attempts
    }
    /// The body, as a stream of byte chunks.
    pub fn into_body(self) -> BodyStream {
        self.body
    }
}

impl std::fmt::Debug for StreamedResponse {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StreamedResponse")
            .field("status", &self.status)
            .field("request_id", &self.request_id())
            .field("attempts", &self.attempts)
            .finish_non_exhaustive()
    }
}

/// The body of a [`StreamedResponse`]: byte chunks as they arrive. Each chunk must come within
/// the idle timeout; a stall or a broken connection ends the stream with one error naming the
/// route (never the URL), after which the stream is over.
pub struct BodyStream {
    inner: Pin<Box<dyn Stream<Item = Result<Bytes>> + Send>>,
}

impl BodyStream {
    /// A body already read (an error answer's first bytes).
    pub(super) fn read(bytes: Bytes) -> Self {
        let once = futures::stream::iter((!bytes.is_empty()).then_some(Ok(bytes)));
        BodyStream {
            inner: Box::pin(once),
        }
    }

    /// The body of an open response, each chunk awaited at most `idle`.
    pub(super) fn open(
        response: reqwest::Response,
        idle: Duration,
        method: &'static str,
        route: &'static str,
    ) -> Self {
        let state = Some(response);
        let inner = futures::stream::unfold(state, move |state| async move {
            let mut response = state?;
            match tokio::time::timeout(idle, response.chunk()).await {
                Ok(Ok(Some(chunk))) => Some((Ok(chunk), Some(response))),
                Ok(Ok(None)) => None,
                Ok(Err(e)) => Some((Err(body_failure(Some(&e), idle, method, route)), None)),
                Err(_) => Some((Err(body_failure(None, idle, method, route)), None)),
            }
        });
        BodyStream {
            inner: Box::pin(inner),
        }
    }
}

impl Stream for BodyStream {
    type Item = Result<Bytes>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.inner.as_mut().poll_next(cx)
    }
}

impl std::fmt::Debug for BodyStream {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("BodyStream")
    }
}

/// athena's `X-Request-Id`.
pub(super) fn request_id(headers: &http::HeaderMap) -> Option<&str> {
    headers.get("x-request-id").and_then(|v| v.to_str().ok())
}

/// The response a call hands back.
pub(super) struct Answer {
    pub(super) status: u16,
    pub(super) headers: http::HeaderMap,
    pub(super) body: bytes::Bytes,
    pub(super) open: Option<reqwest::Response>,
    pub(super) attempts: u32,
}

impl Answer {
    pub(super) fn new(head: Head, attempts: u32) -> Self {
        Answer {
            status: head.status,
            headers: head.headers,
            body: head.body,
            open: head.open,
            attempts,
        }
    }

    /// athena's `X-Request-Id`.
    pub(super) fn request_id(&self) -> Option<&str> {
        request_id(&self.headers)
    }

    /// The buffered response.
    pub(super) fn into_raw(self) -> RawResponse {
        RawResponse {
            status: self.status,
            headers: self.headers,
            body: self.body,
            attempts: self.attempts,
        }
    }

    /// The streamed response: the open body, or the body already read.
    pub(super) fn into_streamed(self, request: &Request, idle: Duration) -> StreamedResponse {
        let body = match self.open {
            Some(open) => BodyStream::open(open, idle, request.method_str(), request.route()),
            None => BodyStream::read(self.body),
        };
        StreamedResponse {
            status: self.status,
            headers: self.headers,
            attempts: self.attempts,
            body,
        }
    }
}
