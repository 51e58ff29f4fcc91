//! The one error type of the SDK.
//!
//! [`Error`] is opaque: what went wrong is read through accessors ([`Error::kind`],
//! [`Error::status`], [`Error::request_id`], [`Error::api_error`], [`Error::retry_after`]).
//! Its `Display` and `Debug` are PHI-safe by construction: they name the HTTP method, the
//! route *template* (`/v1/{practiceid}/patients/{patientid}`), the status, athena's request id
//! and the *names* of missing or invalid fields, but never a concrete URL, a query string, a
//! body, or any free text the server sent back (athena echoes submitted values in messages
//! such as "Expecting format date, but value is 01/01/1970"). Server text stays reachable
//! through [`Error::api_error`] for callers who decide it is safe to show.

use std::fmt;
use std::time::Duration;

/// A `Result` whose error is the SDK's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// What kind of failure an [`Error`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The client was configured wrongly (missing credentials, bad base URL, plain `http` to a
    /// non-loopback host, …).
    Config,
    /// A request could not be built from the caller's input (e.g. a search without any
    /// criterion).
    InvalidInput,
    /// Obtaining an access token failed (bad credentials, missing scope, token endpoint error).
    Auth,
    /// The API answered 401 even after one token refresh.
    Unauthorized,
    /// The API answered 403 with an athena JSON body (permissions, unsubscribed feed).
    Forbidden,
    /// The API answered 404.
    NotFound,
    /// The API answered 409 (athena uses it for a slot that is already booked).
    Conflict,
    /// The API answered 400/422 (validation: see [`ApiError::missing_fields`]).
    BadRequest,
    /// Rate limited (429, or athena's legacy non-JSON 403 "over QPS" page) and not recovered
    /// within the retry policy; see [`Error::retry_after`].
    RateLimited,
    /// A 5xx (or other unexpected status) that retries did not cure.
    Server,
    /// HTTP 200, but athena reported failure in the body (`{"success":"false",…}` or a bare
    /// error string).
    Unsuccessful,
    /// The body could not be decoded into the expected type; the message names the JSON path.
    Decode,
    /// Could not connect (DNS, refused, TLS handshake). The request never left.
    Connect,
    /// An attempt or the whole call ran out of time.
    Timeout,
    /// The connection failed after the request may have been sent (reset, truncated body).
    Transport,
    /// The client-wide retry budget is empty: the call was not retried to avoid a retry storm.
    RetryBudgetExhausted,
}

impl ErrorKind {
    fn describe(self) -> &'static str {
        match self {
            ErrorKind::Config => "configuration error",
            ErrorKind::InvalidInput => "invalid input",
            ErrorKind::Auth => "authentication failed",
            ErrorKind::Unauthorized => "unauthorized",
            ErrorKind::Forbidden => "forbidden",
            ErrorKind::NotFound => "not found",
            ErrorKind::Conflict => "conflict",
            ErrorKind::BadRequest => "bad request",
            ErrorKind::RateLimited => "rate limited",
            ErrorKind::Server => "server error",
            ErrorKind::Unsuccessful => "request reported failure",
            ErrorKind::Decode => "could not decode response",
            ErrorKind::Connect => "could not connect",
            ErrorKind::Timeout => "timed out",
            ErrorKind::Transport => "connection failed",
            ErrorKind::RetryBudgetExhausted => "retry budget exhausted",
        }
    }
}

/// athena's error body: `{"error": …, "detailedmessage": …, "missingfields": […],
/// "invalidfields": […]}`, or the `errormessage` of a 200 with `success: false`.
///
/// The free-text fields may echo values the caller submitted (dates of birth, names), so
/// `Debug` shows only their lengths; read them explicitly when you know it is safe.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct ApiError {
    pub(crate) error: Option<String>,
    pub(crate) detailed_message: Option<String>,
    pub(crate) error_message: Option<String>,
    pub(crate) missing_fields: Vec<String>,
    pub(crate) invalid_fields: Vec<String>,
}

impl ApiError {
    /// athena's `error` text (may contain submitted values).
    pub fn error(&self) -> Option<&str> {
        self.error.as_deref()
    }
    /// athena's `detailedmessage` text, or an OAuth token endpoint's `error_description`
    /// (may contain submitted values).
    pub fn detailed_message(&self) -> Option<&str> {
        self.detailed_message.as_deref()
    }
    /// The `errormessage` of a 200 `success: false` body, or a bare error string body
    /// (may contain submitted values).
    pub fn error_message(&self) -> Option<&str> {
        self.error_message.as_deref()
    }
    /// Names of required fields that were missing (`missingfields`).
    pub fn missing_fields(&self) -> &[String] {
        &self.missing_fields
    }
    /// Names of fields whose values were rejected (`invalidfields`).
    pub fn invalid_fields(&self) -> &[String] {
        &self.invalid_fields
    }

    /// Builds an `ApiError` from parts; the SDK crates use it when they map athena's
    /// endpoint-specific failure bodies.
    pub fn new(error: Option<String>, detailed_message: Option<String>) -> Self {
        ApiError {
            error,
            detailed_message,
            ..ApiError::default()
        }
    }

    /// Sets the `errormessage` text.
    pub fn with_error_message(mut self, message: Option<String>) -> Self {
        self.error_message = message;
        self
    }

    /// Parses athena's JSON error body; `None` when the body is not such a JSON object
    /// (gateway errors "generally have no JSONed content").
    pub(crate) fn parse(body: &[u8]) -> Option<ApiError> {
        #[derive(serde::Deserialize)]
        struct Wire {
            error: Option<serde_json::Value>,
            detailedmessage: Option<serde_json::Value>,
            errormessage: Option<serde_json::Value>,
            details: Option<serde_json::Value>,
            /// OAuth 2.0 (RFC 6749 §5.2) token endpoint errors.
            error_description: Option<serde_json::Value>,
            #[serde(default)]
            missingfields: Option<serde_json::Value>,
            #[serde(default)]
            invalidfields: Option<serde_json::Value>,
        }
        fn text(v: Option<serde_json::Value>) -> Option<String> {
            match v? {
                serde_json::Value::String(s) => Some(s),
                serde_json::Value::Null => None,
                other => Some(other.to_string()),
            }
        }
        fn list(v: Option<serde_json::Value>) -> Vec<String> {
            match v {
                Some(serde_json::Value::Array(items)) => items
                    .into_iter()
                    .filter_map(|i| match i {
                        serde_json::Value::String(s) => Some(s),
                        serde_json::Value::Null => None,
                        other => Some(other.to_string()),
                    })
                    .collect(),
                Some(serde_json::Value::String(s)) if !s.is_empty() => {
                    s.split(',').map(|p| p.trim().to_owned()).collect()
                }
                _ => Vec::new(),
            }
        }
        let trimmed = trim_ascii(body);
        if trimmed.first() != Some(&b'{') {
            return None;
        }
        let wire: Wire = serde_json::from_slice(trimmed).ok()?;
        let api = ApiError {
            error: text(wire.error),
            detailed_message: text(wire.detailedmessage)
                .or_else(|| text(wire.details))
                .or_else(|| text(wire.error_description)),
            error_message: text(wire.errormessage),
            missing_fields: list(wire.missingfields),
            invalid_fields: list(wire.invalidfields),
        };
        let empty = api.error.is_none()
            && api.detailed_message.is_none()
            && api.error_message.is_none()
            && api.missing_fields.is_empty()
            && api.invalid_fields.is_empty();
        (!empty).then_some(api)
    }
}

impl fmt::Debug for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        struct Len<'a>(&'a Option<String>);
        impl fmt::Debug for Len<'_> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                match self.0 {
                    Some(s) => write!(f, "<redacted {} chars>", s.chars().count()),
                    None => f.write_str("None"),
                }
            }
        }
        f.debug_struct("ApiError")
            .field("error", &Len(&self.error))
            .field("detailed_message", &Len(&self.detailed_message))
            .field("error_message", &Len(&self.error_message))
            .field("missing_fields", &self.missing_fields)
            .field("invalid_fields", &self.invalid_fields)
            .finish()
    }
}

/// The SDK's error: opaque, with accessors. See the [module docs](self) for the PHI rules.
pub struct Error {
    inner: Box<Inner>,
}

struct Inner {
    kind: ErrorKind,
    /// A fixed, value-free description (e.g. "expected a date as MM/DD/YYYY at `dob`").
    message: Option<String>,
    method: Option<&'static str>,
    route: Option<&'static str>,
    status: Option<u16>,
    request_id: Option<String>,
    api: Option<ApiError>,
    retry_after: Option<Duration>,
    attempts: u32,
    source: Option<Box<dyn std::error::Error + Send + Sync>>,
}

impl Error {
    /// Creates an error of `kind` with a value-free message.
    ///
    /// The message must not contain PHI: SDK crates pass fixed texts and field names only.
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Error {
            inner: Box::new(Inner {
                kind,
                message: Some(message.into()),
                method: None,
                route: None,
                status: None,
                request_id: None,
                api: None,
                retry_after: None,
                attempts: 0,
                source: None,
            }),
        }
    }

    pub(crate) fn bare(kind: ErrorKind) -> Self {
        let mut e = Error::new(kind, "");
        e.inner.message = None;
        e
    }

    /// Attaches the method and route template of the call that failed.
    pub fn with_endpoint(mut self, method: &'static str, route: &'static str) -> Self {
        self.inner.method = Some(method);
        self.inner.route = Some(route);
        self
    }
    pub(crate) fn with_status(mut self, status: u16) -> Self {
        self.inner.status = Some(status);
        self
    }
    pub(crate) fn with_request_id(mut self, id: Option<String>) -> Self {
        if id.is_some() {
            self.inner.request_id = id;
        }
        self
    }
    /// Attaches athena's error body.
    pub fn with_api_error(mut self, api: Option<ApiError>) -> Self {
        self.inner.api = api;
        self
    }
    pub(crate) fn with_retry_after(mut self, d: Option<Duration>) -> Self {
        self.inner.retry_after = d;
        self
    }
    pub(crate) fn with_attempts(mut self, n: u32) -> Self {
        self.inner.attempts = n;
        self
    }
    /// Attaches an underlying cause. Its `Display` is **not** included in this error's
    /// `Display` (third-party errors may carry URLs); it is reachable via
    /// [`std::error::Error::source`].
    pub fn with_source(mut self, source: impl std::error::Error + Send + Sync + 'static) -> Self {
        self.inner.source = Some(Box::new(source));
        self
    }

    /// What kind of failure this is.
    pub fn kind(&self) -> ErrorKind {
        self.inner.kind
    }
    /// The HTTP status, when a response was received.
    pub fn status(&self) -> Option<u16> {
        self.inner.status
    }
    /// athena's `X-Request-Id` of the last response (quote it in support tickets).
    pub fn request_id(&self) -> Option<&str> {
        self.inner.request_id.as_deref()
    }
    /// athena's error body, when one was sent.
    pub fn api_error(&self) -> Option<&ApiError> {
        self.inner.api.as_ref()
    }
    /// How long the server asked us to wait (`Retry-After`), when it did and the call gave up.
    pub fn retry_after(&self) -> Option<Duration> {
        self.inner.retry_after
    }
    /// How many HTTP requests were sent for this call (0 when none was, e.g. a configuration
    /// error or a token failure shared with a concurrent call). A failure to obtain a token
    /// counts the token requests sent plus any API attempts before it.
    pub fn attempts(&self) -> u32 {
        self.inner.attempts
    }
    /// The route template of the failed call, e.g. `/v1/{practiceid}/patients`.
    pub fn route(&self) -> Option<&'static str> {
        self.inner.route
    }
    /// The value-free description, if any.
    pub fn message(&self) -> Option<&str> {
        self.inner.message.as_deref()
    }

    /// A copy for a second caller that shares this failure (a single-flight token refresh):
    /// everything but the source, with 0 attempts (the copy's caller sent nothing).
    pub(crate) fn shared_copy(&self) -> Error {
        let i = &self.inner;
        Error {
            inner: Box::new(Inner {
                kind: i.kind,
                message: i.message.clone(),
                method: i.method,
                route: i.route,
                status: i.status,
                request_id: i.request_id.clone(),
                api: i.api.clone(),
                retry_after: i.retry_after,
                attempts: 0,
                source: None,
            }),
        }
    }

    /// True for [`ErrorKind::NotFound`].
    pub fn is_not_found(&self) -> bool {
        self.kind() == ErrorKind::NotFound
    }
    /// True for [`ErrorKind::Conflict`].
    pub fn is_conflict(&self) -> bool {
        self.kind() == ErrorKind::Conflict
    }
    /// True for [`ErrorKind::RateLimited`].
    pub fn is_rate_limited(&self) -> bool {
        self.kind() == ErrorKind::RateLimited
    }
    /// True for [`ErrorKind::Timeout`].
    pub fn is_timeout(&self) -> bool {
        self.kind() == ErrorKind::Timeout
    }
    /// True for [`ErrorKind::Decode`].
    pub fn is_decode(&self) -> bool {
        self.kind() == ErrorKind::Decode
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let i = &self.inner;
        f.write_str(i.kind.describe())?;
        if let Some(m) = i.message.as_deref().filter(|m| !m.is_empty()) {
            write!(f, ": {m}")?;
        }
        if let (Some(method), Some(route)) = (i.method, i.route) {
            write!(f, " ({method} {route}")?;
            if let Some(s) = i.status {
                write!(f, " -> {s}")?;
            }
            f.write_str(")")?;
        } else if let Some(s) = i.status {
            write!(f, " (HTTP {s})")?;
        }
        if let Some(api) = &i.api {
            if !api.missing_fields.is_empty() {
                write!(f, "; missing fields: {}", api.missing_fields.join(", "))?;
            }
            if !api.invalid_fields.is_empty() {
                write!(f, "; invalid fields: {}", api.invalid_fields.join(", "))?;
            }
        }
        if let Some(d) = i.retry_after {
            write!(f, "; retry after {}s", d.as_secs_f64().ceil() as u64)?;
        }
        if i.attempts > 1 {
            write!(f, "; after {} attempts", i.attempts)?;
        }
        if let Some(id) = &i.request_id {
            write!(f, " [request id {id}]")?;
        }
        Ok(())
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let i = &self.inner;
        f.debug_struct("Error")
            .field("kind", &i.kind)
            .field("message", &i.message)
            .field("method", &i.method)
            .field("route", &i.route)
            .field("status", &i.status)
            .field("request_id", &i.request_id)
            .field("api", &i.api)
            .field("retry_after", &i.retry_after)
            .field("attempts", &i.attempts)
            .field("has_source", &i.source.is_some())
            .finish()
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.inner
            .source
            .as_deref()
            .map(|e| e as &(dyn std::error::Error + 'static))
    }
}

pub(crate) fn trim_ascii(b: &[u8]) -> &[u8] {
    b.trim_ascii()
}
