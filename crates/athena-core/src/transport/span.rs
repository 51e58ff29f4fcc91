//! The one place a call's `athena.request` span is made and recorded.
//!
//! The span names the method and the route template (`/v1/{practiceid}/patients/{patientid}`),
//! never the concrete URL, query or body; when the call ends it records the final status,
//! the number of attempts and athena's `X-Request-Id`.

use tracing::Span;

use super::response::Answer;
use crate::error::Result;
use crate::request::Request;

/// The span of one logical call, with the fields recorded when it ends left empty.
pub(super) fn open(request: &Request) -> Span {
    tracing::info_span!(
        "athena.request",
        method = request.method_str(),
        route = request.route(),
        status = tracing::field::Empty,
        attempts = tracing::field::Empty,
        request_id = tracing::field::Empty,
    )
}

/// Records how the call ended: the final status (when a response was in hand), the attempts
/// and the request id.
pub(super) fn close(span: &Span, result: &Result<Answer>) {
    let (status, attempts, request_id) = match result {
        Ok(answer) => (Some(answer.status), answer.attempts, answer.request_id()),
        Err(e) => (e.status(), e.attempts(), e.request_id()),
    };
    if let Some(s) = status {
        span.record("status", s);
    }
    if attempts > 0 {
        span.record("attempts", attempts);
    }
    if let Some(id) = request_id {
        span.record("request_id", id);
    }
}
