//! How one logical call travels: the public ways to send a [`Request`] through the loop.
//!
//! One call = one `tracing` span (`athena.request`, made and recorded in [`span`]) with the
//! method, the route template, the final status, the number of attempts and athena's request
//! id — never the concrete URL, the query or a body. Each call runs the same loop
//! ([`call`]): rate limiter, token, one attempt ([`attempt`]), classification, wait, retry.
//! What differs between the entry points is only what a call hands back: a buffered 2xx
//! response, the final response whatever its status, or a streamed body ([`response`]).

mod attempt;
mod call;
mod failure;
mod options;
mod response;
mod span;

use serde::de::DeserializeOwned;

pub use response::{BodyStream, RawResponse, StreamOptions, StreamedResponse};

use crate::client::Client;
use crate::decode::{Endpoint, decode_json};
use crate::error::{ApiError, Error, ErrorKind, Result};
use crate::request::Request;
use options::{CallOptions, Finish};

impl Client {
    /// Sends `request` through auth, rate limiting and retries; returns the 2xx response or
    /// a typed error.
    pub async fn execute(&self, request: &Request) -> Result<RawResponse> {
        let options = CallOptions::buffered(self, Finish::SuccessOnly);
        let answer = self.traced_call(request, &options).await?;
        Ok(answer.into_raw())
    }

    /// Like [`Client::execute`] (same limiter, token, retries, `Retry-After`, budget, deadline
    /// and span), but the **final** HTTP response is returned whatever its status, once
    /// retries are exhausted or do not apply: a 404 or a 400 after no retry, a 503 after the
    /// last attempt, a 429 whose `Retry-After` is longer than the policy honours. For APIs
    /// whose error bodies the caller decodes itself (FHIR `OperationOutcome`); the body never
    /// enters an [`Error`]. Connection failures, the overall deadline and an empty retry
    /// budget with no response in hand are still errors.
    pub async fn execute_any_status(&self, request: &Request) -> Result<RawResponse> {
        let options = CallOptions::buffered(self, Finish::AnyStatus);
        let answer = self.traced_call(request, &options).await?;
        Ok(answer.into_raw())
    }

    /// Sends an idempotent `GET` and hands its body back as a byte stream, never buffered
    /// whole (a Bulk Data NDJSON file of gigabytes, a document).
    ///
    /// The **head** (status and headers) goes through the same loop as every other call:
    /// limiter, token, a 401 refresh-and-replay, retry classification, `Retry-After`, the
    /// retry budget, the overall deadline, the span and the redirect policy of `options`.
    /// Retries happen only before the body is handed out; a body that breaks later is the
    /// caller's to re-request (it ends the stream with an [`ErrorKind::Transport`] or
    /// [`ErrorKind::Timeout`] error naming the route). The overall deadline bounds the head
    /// only: a body may take as long as it keeps flowing, each piece within
    /// [`StreamOptions::idle_timeout`].
    ///
    /// `request` may be a [`Request::to_external`] URL on another origin (a file on a storage
    /// host): the bearer token goes **only** to this client's origin, whether the URL is
    /// there or a redirect leads there or away. A request that is not a `GET` is refused
    /// with [`ErrorKind::InvalidInput`] before anything is sent.
    ///
    /// A 2xx head is handed back; any other final status is an [`Error`] unless
    /// [`StreamOptions::any_status`] asks for it (its body, at most 64 KiB of it, then comes
    /// as the stream).
    pub async fn execute_streamed(
        &self,
        request: &Request,
        options: &StreamOptions,
    ) -> Result<StreamedResponse> {
        if *request.method() != http::Method::GET {
            return Err(Error::new(
                ErrorKind::InvalidInput,
                "only a GET can be streamed (it is retried before its body is handed out)",
            )
            .with_endpoint(request.method_str(), request.route()));
        }
        let call_options = CallOptions::streamed(self, options);
        let answer = self.traced_call(request, &call_options).await?;
        Ok(answer.into_streamed(request, call_options.idle()))
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

    /// Runs the loop for `request` inside its span, recorded once the call ends.
    async fn traced_call(
        &self,
        request: &Request,
        options: &CallOptions,
    ) -> Result<response::Answer> {
        use tracing::Instrument;
        let span = span::open(request);
        let result = self.call(request, options).instrument(span.clone()).await;
        span::close(&span, &result);
        result
    }
}
