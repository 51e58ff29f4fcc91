//! The pure retry decision.

/// Whether a request may be sent twice.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RetrySafety {
    /// Sending it twice has the same effect as once (GET, PUT, DELETE, or a POST the endpoint
    /// documents as safe).
    Idempotent,
    /// Sending it twice may apply it twice (booking, payment, claim creation, most POSTs).
    NotIdempotent,
}

impl RetrySafety {
    /// The HTTP default: GET, HEAD, OPTIONS, PUT and DELETE are idempotent; others are not.
    pub fn for_method(method: &http::Method) -> Self {
        match *method {
            http::Method::GET
            | http::Method::HEAD
            | http::Method::OPTIONS
            | http::Method::PUT
            | http::Method::DELETE => RetrySafety::Idempotent,
            _ => RetrySafety::NotIdempotent,
        }
    }
}

/// What one attempt ended with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AttemptOutcome {
    /// A response arrived with this status.
    Response {
        /// HTTP status.
        status: u16,
        /// The body was athena JSON (403 with JSON is a real permission error; 403 without is
        /// the gateway's over-QPS page).
        json_body: bool,
    },
    /// Could not connect: the request never left.
    ConnectFailed,
    /// The attempt timed out; the request may have reached the server.
    TimedOut,
    /// The connection closed or reset after the request may have been sent, or the body was
    /// truncated.
    ConnectionLost,
}

/// Why a retry happens (recorded in tracing).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RetryReason {
    /// Connect failure.
    Connect,
    /// Attempt timeout.
    Timeout,
    /// Connection lost.
    ConnectionLost,
    /// 429 or the over-QPS 403 page.
    RateLimited,
    /// A transient status (408, 500, 502, 503, 504, or 529 "overloaded").
    TransientStatus(u16),
}

impl RetryReason {
    /// True when the retry should cost the budget a timeout's price.
    pub fn is_timeout(self) -> bool {
        matches!(self, RetryReason::Timeout)
    }
    /// A short label for logs.
    pub fn label(self) -> &'static str {
        match self {
            RetryReason::Connect => "connect",
            RetryReason::Timeout => "timeout",
            RetryReason::ConnectionLost => "connection_lost",
            RetryReason::RateLimited => "rate_limited",
            RetryReason::TransientStatus(_) => "transient_status",
        }
    }
}

/// The classifier's verdict.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// A success: hand the response on.
    Success,
    /// Try again (subject to attempts, budget and deadline).
    Retry(RetryReason),
    /// 401: refresh the token once and replay once.
    RefreshAndReplay,
    /// Give up; the outcome is the caller's error.
    Fail,
}

/// Decides what to do after an attempt.
///
/// `refreshed` is true when this call already refreshed its token once; `authenticated` is
/// false for anonymous calls (which a 401 cannot cure).
pub fn classify(
    outcome: AttemptOutcome,
    safety: RetrySafety,
    authenticated: bool,
    refreshed: bool,
) -> Decision {
    let idempotent = safety == RetrySafety::Idempotent;
    match outcome {
        AttemptOutcome::Response { status, json_body } => match status {
            200..=299 => Decision::Success,
            401 if authenticated && !refreshed => Decision::RefreshAndReplay,
            // Rejected by the rate limiter before processing: safe for every method.
            429 => Decision::Retry(RetryReason::RateLimited),
            403 if !json_body => Decision::Retry(RetryReason::RateLimited),
            // 529 is the non-standard "overloaded" that some APIs (Anthropic's among them)
            // send instead of 503.
            408 | 500 | 502 | 503 | 504 | 529 if idempotent => {
                Decision::Retry(RetryReason::TransientStatus(status))
            }
            _ => Decision::Fail,
        },
        AttemptOutcome::ConnectFailed => Decision::Retry(RetryReason::Connect),
        AttemptOutcome::TimedOut if idempotent => Decision::Retry(RetryReason::Timeout),
        AttemptOutcome::ConnectionLost if idempotent => {
            Decision::Retry(RetryReason::ConnectionLost)
        }
        AttemptOutcome::TimedOut | AttemptOutcome::ConnectionLost => Decision::Fail,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use AttemptOutcome::*;
    use Decision::*;
    use RetrySafety::*;

    fn resp(status: u16) -> AttemptOutcome {
        Response {
            status,
            json_body: true,
        }
    }

    /// Every status class and transport case, for both idempotency classes.
    #[test]
    fn classification_table() {
        let rl = Retry(RetryReason::RateLimited);
        let ts = |s| Retry(RetryReason::TransientStatus(s));
        #[rustfmt::skip]
        let table: &[(AttemptOutcome, Decision, Decision)] = &[
            // outcome,                                   idempotent,                       not idempotent
            (resp(200),                                   Success,                          Success),
            (resp(201),                                   Success,                          Success),
            (resp(204),                                   Success,                          Success),
            (resp(301),                                   Fail,                             Fail),
            (resp(304),                                   Fail,                             Fail),
            (resp(400),                                   Fail,                             Fail),
            (resp(401),                                   RefreshAndReplay,                 RefreshAndReplay),
            (resp(402),                                   Fail,                             Fail),
            (resp(403),                                   Fail,                             Fail),
            (Response { status: 403, json_body: false },  rl,                               rl),
            (resp(404),                                   Fail,                             Fail),
            (resp(405),                                   Fail,                             Fail),
            (resp(408),                                   ts(408),                          Fail),
            (resp(409),                                   Fail,                             Fail),
            (resp(410),                                   Fail,                             Fail),
            (resp(422),                                   Fail,                             Fail),
            (resp(429),                                   rl,                               rl),
            (Response { status: 429, json_body: false },  rl,                               rl),
            (resp(500),                                   ts(500),                          Fail),
            (resp(501),                                   Fail,                             Fail),
            (resp(502),                                   ts(502),                          Fail),
            (resp(503),                                   ts(503),                          Fail),
            (resp(504),                                   ts(504),                          Fail),
            (resp(505),                                   Fail,                             Fail),
            (resp(529),                                   ts(529),                          Fail),
            (resp(599),                                   Fail,                             Fail),
            (ConnectFailed,                               Retry(RetryReason::Connect),      Retry(RetryReason::Connect)),
            (TimedOut,                                    Retry(RetryReason::Timeout),      Fail),
            (ConnectionLost,                              Retry(RetryReason::ConnectionLost), Fail),
        ];
        for (outcome, idem, non_idem) in table {
            assert_eq!(
                classify(*outcome, Idempotent, true, false),
                *idem,
                "{outcome:?} idempotent"
            );
            assert_eq!(
                classify(*outcome, NotIdempotent, true, false),
                *non_idem,
                "{outcome:?} not idempotent"
            );
        }
    }

    #[test]
    fn a_401_refreshes_only_once_and_only_when_authenticated() {
        assert_eq!(classify(resp(401), Idempotent, true, true), Fail);
        assert_eq!(classify(resp(401), Idempotent, false, false), Fail);
    }

    #[test]
    fn method_defaults() {
        use http::Method;
        for m in [
            Method::GET,
            Method::HEAD,
            Method::OPTIONS,
            Method::PUT,
            Method::DELETE,
        ] {
            assert_eq!(RetrySafety::for_method(&m), Idempotent, "{m}");
        }
        for m in [Method::POST, Method::PATCH] {
            assert_eq!(RetrySafety::for_method(&m), NotIdempotent, "{m}");
        }
    }
}
