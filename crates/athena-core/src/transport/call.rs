//! The attempt loop of one call: wait for a limiter slot, get a token, make one attempt,
//! classify it, then hand the answer over, refresh and replay, wait and retry, or give up.
//!
//! Each step is one method of [`Call`]; the retry decision itself is the pure
//! [`classify`](crate::retry::classify).

use std::time::{Duration, Instant};

use super::attempt::{Attempt, Head, Prepared};
use super::failure::{is_fhir_json, send_error, status_error};
use super::options::{BodyMode, CallOptions, Finish};
use super::response::Answer;
use crate::auth::AccessToken;
use crate::client::{Client, join_path};
use crate::error::{ApiError, Error, ErrorKind, Result};
use crate::request::Request;
use crate::retry::retry_after::parse_retry_after;
use crate::retry::{AttemptOutcome, Decision, RetryReason, classify};

/// One logical call in progress: what the loop's steps share.
struct Call<'a> {
    client: &'a Client,
    request: &'a Request,
    options: &'a CallOptions,
    prepared: Prepared,
    deadline: Instant,
    authenticated: bool,
    attempts: u32,
    retries: u32,
    refreshed: bool,
}

/// What the classifier's verdict leads to.
// One value per attempt, returned at once: boxing the answer would buy nothing.
#[allow(clippy::large_enum_variant)]
enum Next {
    /// Sleep this long, then attempt again.
    Wait(Duration),
    /// End the call with this result.
    Done(Result<Answer>),
}

impl Client {
    /// Runs the attempt loop of `request` (the caller holds the span).
    pub(super) async fn call(&self, request: &Request, options: &CallOptions) -> Result<Answer> {
        request.validate()?;
        let mut call = Call::new(self, request, options)?;
        loop {
            call.wait_for_slot().await?;
            let token = call.token().await?;
            let timeout = call.attempt_timeout()?;
            call.attempts += 1;
            let attempt = self
                .attempt(
                    request,
                    &call.prepared,
                    token.as_ref(),
                    timeout,
                    options.body,
                )
                .await;
            match call.after(attempt, token.as_ref()).await {
                None => continue,
                Some(Next::Wait(delay)) => self.inner.runtime.sleeper.sleep(delay).await,
                Some(Next::Done(result)) => return result,
            }
        }
    }

    /// The URL of `request`: its link (on the client's origin unless it is an external
    /// link) or its path under the client's base, plus its query.
    fn url_for(&self, request: &Request) -> Result<url::Url> {
        let mut url = match request.link_url() {
            Some(link) if request.is_external() || self.is_own_origin(link) => link.clone(),
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
}

impl<'a> Call<'a> {
    fn new(client: &'a Client, request: &'a Request, options: &'a CallOptions) -> Result<Self> {
        let url = client.url_for(request).map_err(|e| fail(request, e))?;
        let started = client.inner.runtime.clock.now();
        // An overall timeout too large to add to `now` means "no deadline" in practice.
        let deadline = started
            .checked_add(client.inner.timeouts.overall)
            .unwrap_or_else(|| far_future(started));
        // No token for a URL on another origin: it would not be sent there.
        let authenticated = request.is_authenticated()
            && client.inner.tokens.is_some()
            && client.is_own_origin(&url);
        Ok(Call {
            client,
            request,
            options,
            prepared: Prepared::new(request, url),
            deadline,
            authenticated,
            attempts: 0,
            retries: 0,
            refreshed: false,
        })
    }

    /// The call's typed error: the route named, the attempts so far counted.
    fn fail(&self, e: Error) -> Error {
        fail(self.request, e).with_attempts(self.attempts)
    }

    /// Waits for a limiter slot. The wait is part of the deadline: a slot (or a
    /// server-requested pause) that comes too late ends the call now instead of sleeping
    /// into it.
    async fn wait_for_slot(&self) -> Result<()> {
        let inner = &self.client.inner;
        let Err(refusal) = inner
            .limiter
            .acquire_before(&inner.runtime, Some(self.deadline))
            .await
        else {
            return Ok(());
        };
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
        Err(self.fail(e))
    }

    /// The bearer token for this attempt (`None` for an anonymous request). The token
    /// request serves this call: its quota wait and back-offs never run past the call's
    /// overall deadline.
    async fn token(&self) -> Result<Option<AccessToken>> {
        let (Some(tokens), true) = (&self.client.inner.tokens, self.authenticated) else {
            return Ok(None);
        };
        crate::auth::within_call_deadline(self.deadline, tokens.token())
            .await
            .map(Some)
            .map_err(|e| {
                // Count the API attempts already made (a 401 before the refresh) with the
                // token requests.
                let sent = e.attempts() + self.attempts;
                let e = e.with_attempts(sent);
                if e.route().is_none() {
                    fail(self.request, e)
                } else {
                    e
                }
            })
    }

    /// The time the next attempt may take: the attempt (or idle) timeout, cut to what is
    /// left of the deadline; an error when nothing is left.
    fn attempt_timeout(&self) -> Result<Duration> {
        let inner = &self.client.inner;
        let remaining = self
            .deadline
            .saturating_duration_since(inner.runtime.clock.now());
        if remaining.is_zero() {
            return Err(self.fail(Error::new(
                ErrorKind::Timeout,
                "the call's overall deadline passed",
            )));
        }
        let per_attempt = match self.options.body {
            BodyMode::Buffered => inner.timeouts.attempt,
            BodyMode::Streamed { idle, .. } => idle,
        };
        Ok(per_attempt.min(remaining))
    }

    /// Classifies an attempt and acts on the verdict: `None` to replay at once (after a 401
    /// refresh), else a wait or the call's result.
    async fn after(&mut self, attempt: Attempt, token: Option<&AccessToken>) -> Option<Next> {
        let (outcome, retry_after) = self.observe(&attempt);
        // A 401 from another origin (after a redirect) is not about our token.
        let authenticated = self.authenticated
            && match &attempt {
                Attempt::Response(head) => head.same_origin,
                Attempt::Failed { .. } => true,
            };
        let decision = classify(
            outcome,
            self.request.safety(),
            authenticated,
            self.refreshed,
        );
        let status = match &attempt {
            Attempt::Response(head) => Some(head.status),
            Attempt::Failed { .. } => None,
        };
        tracing::debug!(attempt = self.attempts, status, decision = ?decision, "attempt finished");
        match decision {
            Decision::Success => {
                self.client.inner.budget.record_success();
                Some(Next::Done(self.hand_over(attempt, retry_after)))
            }
            Decision::RefreshAndReplay => {
                if let (Some(tokens), Some(t)) = (&self.client.inner.tokens, token) {
                    tokens.reject(t).await;
                }
                self.refreshed = true;
                tracing::debug!("401: refreshing the token and replaying once");
                None
            }
            Decision::Retry(reason) => Some(self.retry(reason, attempt, retry_after, status)),
            Decision::Fail => {
                if let Attempt::Response(head) = &attempt
                    && head.status == 429
                {
                    self.throttle(head, retry_after.unwrap_or_default());
                }
                Some(Next::Done(self.hand_over(attempt, retry_after)))
            }
        }
    }

    /// What the classifier needs from an attempt, and the server's `Retry-After`; quota
    /// headers from the client's origin go to the limiter.
    fn observe(&self, attempt: &Attempt) -> (AttemptOutcome, Option<Duration>) {
        let head = match attempt {
            Attempt::Response(head) => head,
            Attempt::Failed { outcome, .. } => return (*outcome, None),
        };
        let runtime = &self.client.inner.runtime;
        let json_body = head.status != 403
            || ApiError::parse(&head.body).is_some()
            || is_fhir_json(&head.headers, &head.body);
        let retry_after = head
            .headers
            .get(http::header::RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| parse_retry_after(v, runtime.clock.system_now()));
        if head.same_origin {
            self.client.inner.limiter.observe(
                runtime.clock.now(),
                header_u64(&head.headers, "x-ratelimit-limit"),
                header_u64(&head.headers, "x-ratelimit-remaining"),
            );
        }
        (
            AttemptOutcome::Response {
                status: head.status,
                json_body,
            },
            retry_after,
        )
    }

    /// A retryable failure: the wait before the next attempt, or the end of the call when
    /// attempts, the deadline, the server's `Retry-After` or the retry budget say so.
    fn retry(
        &mut self,
        reason: RetryReason,
        attempt: Attempt,
        retry_after: Option<Duration>,
        status: Option<u16>,
    ) -> Next {
        let rate_limited = reason == RetryReason::RateLimited;
        let Some(delay) = self.next_delay(rate_limited, retry_after) else {
            if rate_limited && let Attempt::Response(head) = &attempt {
                // Everyone else waits too, but never longer than the policy honours: a huge
                // `Retry-After` is the caller's to schedule.
                self.throttle(head, retry_after.unwrap_or_default());
            }
            return Next::Done(self.hand_over(attempt, retry_after));
        };
        if !self.client.inner.budget.try_spend(reason.is_timeout()) {
            return Next::Done(self.budget_exhausted(attempt, retry_after));
        }
        self.retries += 1;
        if rate_limited && let Attempt::Response(head) = &attempt {
            self.throttle(head, delay);
        }
        tracing::info!(
            attempt = self.attempts,
            reason = reason.label(),
            status,
            delay_ms = delay.as_millis() as u64,
            "retrying"
        );
        Next::Wait(delay)
    }

    /// The back-off before the next attempt, or `None` when the attempts are spent, the
    /// server asked for a longer wait than the policy honours (the caller schedules it: the
    /// error carries `retry_after`), or the wait would pass the deadline.
    fn next_delay(&self, rate_limited: bool, retry_after: Option<Duration>) -> Option<Duration> {
        let policy = &self.options.policy;
        if self.attempts >= policy.max_attempts() + u32::from(self.refreshed) {
            return None;
        }
        let runtime = &self.client.inner.runtime;
        let delay = policy.delay(
            self.retries + 1,
            runtime.jitter.unit(),
            rate_limited,
            retry_after,
        )?;
        let fits = runtime
            .clock
            .now()
            .checked_add(delay)
            .is_some_and(|at| at < self.deadline);
        if !fits {
            tracing::debug!(
                delay_ms = delay.as_millis() as u64,
                "next wait passes the deadline; giving up"
            );
        }
        fits.then_some(delay)
    }

    /// Pauses the shared limiter after a rate-limit answer from the client's origin.
    fn throttle(&self, head: &Head, wait: Duration) {
        if head.same_origin {
            let inner = &self.client.inner;
            inner.limiter.throttled(
                inner.runtime.clock.now(),
                wait,
                self.options.policy.max_retry_after,
            );
        }
    }

    /// The call's result from its last attempt: a success, a response handed over whatever
    /// its status ([`Finish::AnyStatus`]), or the typed error.
    fn hand_over(&self, attempt: Attempt, retry_after: Option<Duration>) -> Result<Answer> {
        match attempt {
            Attempt::Response(head)
                if self.options.finish == Finish::AnyStatus
                    || (200..300).contains(&head.status) =>
            {
                Ok(Answer::new(head, self.attempts))
            }
            attempt => Err(self.error_for(&attempt, retry_after)),
        }
    }

    /// The retry budget is empty: the response in hand ([`Finish::AnyStatus`]) or
    /// [`ErrorKind::RetryBudgetExhausted`] with what the last attempt said.
    fn budget_exhausted(&self, attempt: Attempt, retry_after: Option<Duration>) -> Result<Answer> {
        if let (Attempt::Response(_), Finish::AnyStatus) = (&attempt, self.options.finish) {
            return self.hand_over(attempt, retry_after);
        }
        let last = self.error_for(&attempt, retry_after);
        let mut e = Error::new(
            ErrorKind::RetryBudgetExhausted,
            "the client's retry budget is empty; not retrying",
        )
        .with_request_id(last.request_id().map(str::to_owned))
        .with_retry_after(last.retry_after());
        if let Some(s) = last.status() {
            e = e.with_status(s);
        }
        Err(self.fail(e))
    }

    /// The typed error for the last attempt.
    fn error_for(&self, attempt: &Attempt, retry_after: Option<Duration>) -> Error {
        let e = match attempt {
            Attempt::Response(head) => status_error(head, retry_after, self.attempts),
            Attempt::Failed { outcome, cause } => {
                send_error(*outcome, cause, &self.prepared.url, self.attempts)
            }
        };
        fail(self.request, e)
    }
}

/// `e` naming the request's method and route.
fn fail(request: &Request, e: Error) -> Error {
    e.with_endpoint(request.method_str(), request.route())
}

/// An instant a century after `from` (or as far as the platform's `Instant` reaches).
fn far_future(from: Instant) -> Instant {
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

fn header_u64(headers: &http::HeaderMap, name: &str) -> Option<u64> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse().ok())
}
