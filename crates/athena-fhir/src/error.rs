//! The FHIR client's error: one opaque [`FhirError`] with a [`FhirErrorKind`] and accessors.
//!
//! Shaped like [`athena_core::Error`]: `Display` is a fixed, value-free sentence (it never
//! repeats a cause's text; the cause chain goes through [`std::error::Error::source`]);
//! `Debug` carries no text the server chose (an `OperationOutcome`'s `diagnostics`,
//! `details.text` and `expression`, athena's `{"details": …}` text) and no FHIR values.

use std::time::{Duration, SystemTime};

use crate::r4::{IssueSeverity, IssueType, OperationOutcome};

/// What kind of failure a [`FhirError`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum FhirErrorKind {
    /// The server answered with a non-2xx status ([`FhirError::status`],
    /// [`FhirError::outcome`], [`FhirError::details`]).
    Server,
    /// Getting an access token failed ([`FhirError::core_error`] says how).
    Auth,
    /// Reading a byte stream handed to [`crate::bulk::ndjson`] (or a Bulk Data file body)
    /// failed. Downloads through [`crate::FhirClient::download`] retry such failures and end
    /// in [`FhirErrorKind::Request`] when retries are exhausted.
    Transport,
    /// A call through the core transport failed without an HTTP answer to decode: connect
    /// failure, timeout, dropped connection, the overall deadline, an empty retry budget, or
    /// a misconfigured client. [`FhirError::core_kind`] says which.
    Request,
    /// The body was not the expected JSON ([`FhirError::resource_type`],
    /// [`FhirError::json_path`], [`FhirError::line`]), or a value could not be encoded.
    Decode,
    /// A URL from the server (a `next` link, a manifest file) points away from the FHIR
    /// server's origin while the bearer token would have been attached; it was not followed
    /// ([`FhirError::origin`]).
    ForeignOrigin,
    /// A URL could not be built or parsed, or the client is misconfigured.
    Url,
    /// The search is not allowed by athena (clinical searches need `patient` or `_id`).
    InvalidSearch,
    /// A Bulk Data export protocol violation (no `Content-Location`, bad manifest, …).
    Export,
    /// A typed search met a matching entry of another resource type
    /// ([`FhirError::expected_resource_type`], [`FhirError::resource_type`]).
    UnexpectedResource,
    /// Reading or writing local state (bulk resume) failed.
    Io,
}

/// Anything that can go wrong talking to a FHIR server. Opaque: read it through
/// [`kind`](Self::kind) and the accessors.
///
/// Neither `Display` nor `Debug` carries text the server chose; read
/// [`outcome`](Self::outcome) and [`details`](Self::details) when you know they are safe to
/// log.
pub struct FhirError {
    inner: Box<Inner>,
}

struct Inner {
    repr: Repr,
    /// The underlying cause, when it is not a core error (those are in `repr`).
    source: Option<Box<dyn std::error::Error + Send + Sync>>,
}

/// How the crate builds a [`FhirError`]: one variant per [`FhirErrorKind`]
/// (`Repr::Export(msg).into()`).
pub(crate) enum Repr {
    /// A non-2xx answer.
    Server {
        /// HTTP status.
        status: u16,
        /// The decoded `OperationOutcome`, when the body was one.
        outcome: Option<Box<OperationOutcome>>,
        /// athena's `{"details": "…"}` text, when the body was that shape.
        details: Option<String>,
        /// `X-Request-Id` of the answer.
        request_id: Option<String>,
        /// `Retry-After` of the answer.
        retry_after: Option<Duration>,
    },
    /// A token failure (a core error of kind `Auth`).
    Auth(athena_core::Error),
    /// A byte stream failed; the cause is the error's source.
    Transport,
    /// The core transport failed without an answer.
    Request(athena_core::Error),
    /// Decoding (or encoding) failed.
    Decode(Decode),
    /// A URL on another origin (its origin, not the URL).
    ForeignOrigin(String),
    /// A URL problem (a fixed text).
    Url(String),
    /// A search athena does not allow (a fixed text).
    InvalidSearch(String),
    /// A Bulk Data protocol violation (a fixed text, numbers only).
    Export(String),
    /// A typed search met another resource type.
    UnexpectedResource {
        /// The type asked for.
        expected: &'static str,
        /// The `resourceType` received.
        found: String,
    },
    /// Local I/O failed; the cause is the error's source.
    Io,
}

/// What a decode error knows: never the value.
pub(crate) struct Decode {
    /// What went wrong and where (line, column), from
    /// [`athena_core::decode::describe_serde_error`].
    pub(crate) description: String,
    /// The type being decoded (`Patient`, `Bundle`, `Resource`).
    pub(crate) resource_type: Option<&'static str>,
    /// The JSON path of the failure (`entry[0].resource.name[0].given`).
    pub(crate) path: Option<String>,
    /// The 1-based line of a Bulk Data NDJSON file.
    pub(crate) line: Option<u64>,
}

impl From<Repr> for FhirError {
    fn from(repr: Repr) -> Self {
        FhirError {
            inner: Box::new(Inner { repr, source: None }),
        }
    }
}

impl From<std::io::Error> for FhirError {
    fn from(e: std::io::Error) -> Self {
        FhirError::from(Repr::Io).with_source(e)
    }
}

impl FhirError {
    /// Attaches the cause reachable through [`std::error::Error::source`] (never shown in
    /// `Display`).
    pub(crate) fn with_source(mut self, e: impl std::error::Error + Send + Sync + 'static) -> Self {
        self.inner.source = Some(Box::new(e));
        self
    }

    /// What kind of failure this is.
    pub fn kind(&self) -> FhirErrorKind {
        match &self.inner.repr {
            Repr::Server { .. } => FhirErrorKind::Server,
            Repr::Auth(_) => FhirErrorKind::Auth,
            Repr::Transport => FhirErrorKind::Transport,
            Repr::Request(_) => FhirErrorKind::Request,
            Repr::Decode(_) => FhirErrorKind::Decode,
            Repr::ForeignOrigin(_) => FhirErrorKind::ForeignOrigin,
            Repr::Url(_) => FhirErrorKind::Url,
            Repr::InvalidSearch(_) => FhirErrorKind::InvalidSearch,
            Repr::Export(_) => FhirErrorKind::Export,
            Repr::UnexpectedResource { .. } => FhirErrorKind::UnexpectedResource,
            Repr::Io => FhirErrorKind::Io,
        }
    }

    /// The core error this one wraps ([`FhirErrorKind::Auth`] and
    /// [`FhirErrorKind::Request`]).
    pub fn core_error(&self) -> Option<&athena_core::Error> {
        match &self.inner.repr {
            Repr::Auth(e) | Repr::Request(e) => Some(e),
            _ => None,
        }
    }

    /// The core error's kind, when this error came from the core transport.
    pub fn core_kind(&self) -> Option<athena_core::ErrorKind> {
        self.core_error().map(athena_core::Error::kind)
    }

    /// The HTTP status: of the failed answer ([`FhirErrorKind::Server`]), or the one the core
    /// error recorded.
    pub fn status(&self) -> Option<u16> {
        match &self.inner.repr {
            Repr::Server { status, .. } => Some(*status),
            _ => self.core_error().and_then(athena_core::Error::status),
        }
    }

    /// The server's `X-Request-Id` of the failed answer (quote it in support tickets).
    pub fn request_id(&self) -> Option<&str> {
        match &self.inner.repr {
            Repr::Server { request_id, .. } => request_id.as_deref(),
            _ => self.core_error().and_then(athena_core::Error::request_id),
        }
    }

    /// How long the server asked to wait (`Retry-After`), when it did.
    pub fn retry_after(&self) -> Option<Duration> {
        match &self.inner.repr {
            Repr::Server { retry_after, .. } => *retry_after,
            _ => self.core_error().and_then(athena_core::Error::retry_after),
        }
    }

    /// The server's `OperationOutcome`, when the failed answer was one. Its texts are the
    /// server's: they may hold PHI.
    pub fn outcome(&self) -> Option<&OperationOutcome> {
        match &self.inner.repr {
            Repr::Server { outcome, .. } => outcome.as_deref(),
            _ => None,
        }
    }

    /// athena's non-FHIR `{"details": "…"}` text, when the failed answer was that shape. The
    /// server's text: it may hold PHI.
    pub fn details(&self) -> Option<&str> {
        match &self.inner.repr {
            Repr::Server { details, .. } => details.as_deref(),
            _ => None,
        }
    }

    /// The first issue's code of the server's `OperationOutcome`, if any.
    pub fn issue_code(&self) -> Option<&IssueType> {
        self.outcome()
            .and_then(|o| o.issue.first())
            .and_then(|i| i.code.as_ref())
    }

    /// The resource type involved: the type being decoded ([`FhirErrorKind::Decode`]) or the
    /// one received ([`FhirErrorKind::UnexpectedResource`]).
    pub fn resource_type(&self) -> Option<&str> {
        match &self.inner.repr {
            Repr::Decode(d) => d.resource_type,
            Repr::UnexpectedResource { found, .. } => Some(found),
            _ => None,
        }
    }

    /// The resource type a typed search asked for ([`FhirErrorKind::UnexpectedResource`]).
    pub fn expected_resource_type(&self) -> Option<&'static str> {
        match &self.inner.repr {
            Repr::UnexpectedResource { expected, .. } => Some(expected),
            _ => None,
        }
    }

    /// Where in the JSON a decode failed (`entry[0].resource.birthDate`), when known.
    pub fn json_path(&self) -> Option<&str> {
        match &self.inner.repr {
            Repr::Decode(d) => d.path.as_deref(),
            _ => None,
        }
    }

    /// The 1-based line of the Bulk Data NDJSON file that failed to decode.
    pub fn line(&self) -> Option<u64> {
        match &self.inner.repr {
            Repr::Decode(d) => d.line,
            _ => None,
        }
    }

    /// The origin a refused URL pointed to ([`FhirErrorKind::ForeignOrigin`]).
    pub fn origin(&self) -> Option<&str> {
        match &self.inner.repr {
            Repr::ForeignOrigin(o) => Some(o),
            _ => None,
        }
    }

    /// True when the server said the resource does not exist (404 / `not-found`).
    pub fn is_not_found(&self) -> bool {
        self.status() == Some(404) || matches!(self.issue_code(), Some(IssueType::NotFound))
    }

    /// True when the failure is transient (retry later): an `OperationOutcome` saying so, a
    /// retryable status, or a core failure that is a connection, timeout, rate-limit or
    /// server problem.
    pub fn is_transient(&self) -> bool {
        let server = matches!(&self.inner.repr, Repr::Server { .. });
        matches!(
            self.issue_code(),
            Some(
                IssueType::Transient
                    | IssueType::Throttled
                    | IssueType::Timeout
                    | IssueType::LockError
            )
        ) || (server && matches!(self.status(), Some(408 | 429 | 500 | 502 | 503 | 504)))
            || matches!(
                &self.inner.repr,
                Repr::Request(e) if matches!(
                    e.kind(),
                    athena_core::ErrorKind::Connect
                        | athena_core::ErrorKind::Timeout
                        | athena_core::ErrorKind::Transport
                        | athena_core::ErrorKind::RateLimited
                        | athena_core::ErrorKind::RetryBudgetExhausted
                        | athena_core::ErrorKind::Server
                )
            )
    }

    /// Wraps a core transport error: token failures become [`FhirErrorKind::Auth`].
    pub(crate) fn from_core(e: athena_core::Error) -> Self {
        match e.kind() {
            athena_core::ErrorKind::Auth => Repr::Auth(e).into(),
            _ => Repr::Request(e).into(),
        }
    }

    /// A decode failure of `T` without the value that failed to decode.
    pub(crate) fn decode(e: serde_json::Error) -> Self {
        Self::decode_as(None, None, None, &e)
    }

    /// A decode failure of `body` as `T`: the JSON path is found by decoding again with path
    /// tracking (only on this failure path, so successful decodes pay nothing).
    pub(crate) fn decode_body<T: serde::de::DeserializeOwned>(
        body: &[u8],
        e: &serde_json::Error,
    ) -> Self {
        let mut de = serde_json::Deserializer::from_slice(body);
        let path = match serde_path_to_error::deserialize::<_, T>(&mut de) {
            Err(tracked) => {
                let p = tracked.path().to_string();
                (p != ".").then_some(p)
            }
            Ok(_) => None,
        };
        Self::decode_as(Some(short_type_name::<T>()), path, None, e)
    }

    /// A decode failure of line `line` (1-based) of a Bulk Data NDJSON file.
    pub(crate) fn decode_line(line: u64, e: serde_json::Error) -> Self {
        Self::decode_as(Some("Resource"), None, Some(line), &e)
    }

    /// A value of ours could not be encoded as JSON.
    pub(crate) fn encode(e: serde_json::Error) -> Self {
        Repr::Decode(Decode {
            description: format!(
                "could not encode: {}",
                athena_core::decode::describe_serde_error(&e)
            ),
            resource_type: None,
            path: None,
            line: None,
        })
        .into()
    }

    fn decode_as(
        resource_type: Option<&'static str>,
        path: Option<String>,
        line: Option<u64>,
        e: &serde_json::Error,
    ) -> Self {
        Repr::Decode(Decode {
            description: athena_core::decode::describe_serde_error(e),
            resource_type,
            path,
            line,
        })
        .into()
    }

    /// Builds the error for a non-2xx answer from its body alone.
    pub(crate) fn from_response(status: u16, body: &[u8]) -> Self {
        Self::server(status, body, None, None)
    }

    /// Builds the error for a non-2xx answer of the core transport, keeping its
    /// `X-Request-Id` and `Retry-After` (an HTTP date is read against `now`).
    pub(crate) fn from_raw(response: &athena_core::RawResponse, now: SystemTime) -> Self {
        let retry_after = response
            .headers()
            .get("retry-after")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| athena_core::retry::retry_after::parse_retry_after(v, now));
        Self::server(
            response.status(),
            response.body(),
            response.request_id().map(str::to_owned),
            retry_after,
        )
    }

    fn server(
        status: u16,
        body: &[u8],
        request_id: Option<String>,
        retry_after: Option<Duration>,
    ) -> Self {
        #[derive(serde::Deserialize)]
        struct Details {
            details: String,
        }
        let outcome = serde_json::from_slice::<OperationOutcome>(body)
            .ok()
            .filter(|o| !o.issue.is_empty())
            .map(Box::new);
        let details = if outcome.is_none() {
            serde_json::from_slice::<Details>(body)
                .ok()
                .map(|d| d.details)
        } else {
            None
        };
        Repr::Server {
            status,
            outcome,
            details,
            request_id,
            retry_after,
        }
        .into()
    }
}

/// `Patient` for `athena_fhir::r4::generated::patient::Patient`.
fn short_type_name<T>() -> &'static str {
    let full = std::any::type_name::<T>();
    let head = full.split('<').next().unwrap_or(full);
    head.rsplit("::").next().unwrap_or(head)
}

impl std::fmt::Display for FhirError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.inner.repr {
            Repr::Server {
                status,
                outcome,
                request_id,
                ..
            } => {
                write!(f, "FHIR server answered HTTP {status}")?;
                if let Some(code) = outcome
                    .as_deref()
                    .and_then(|o| o.issue.first())
                    .and_then(|i| i.code.as_ref())
                {
                    write!(f, " ({})", issue_code_text(Some(code)))?;
                }
                if let Some(id) = request_id {
                    write!(f, " [request id {id}]")?;
                }
                Ok(())
            }
            Repr::Auth(e) => {
                f.write_str("authentication failed")?;
                core_suffix(f, e)
            }
            Repr::Transport => f.write_str("reading the response body failed"),
            Repr::Request(e) => {
                f.write_str("request failed")?;
                core_suffix(f, e)
            }
            Repr::Decode(d) => {
                f.write_str("could not decode the FHIR response")?;
                if let Some(t) = d.resource_type {
                    write!(f, " as {t}")?;
                }
                if let Some(line) = d.line {
                    write!(f, ": NDJSON line {line}")?;
                }
                if let Some(p) = &d.path {
                    write!(f, " at `{p}`")?;
                }
                write!(f, ": {}", d.description)
            }
            Repr::ForeignOrigin(o) => {
                write!(f, "refused to send the access token to another origin: {o}")
            }
            Repr::Url(m) => write!(f, "invalid URL: {m}"),
            Repr::InvalidSearch(m) => write!(f, "invalid search: {m}"),
            Repr::Export(m) => write!(f, "bulk export: {m}"),
            Repr::UnexpectedResource { expected, found } => {
                write!(
                    f,
                    "expected a {expected} in the search results, found a {found}"
                )
            }
            Repr::Io => f.write_str("I/O error on local bulk export state"),
        }
    }
}

/// ` (GET /fhir/r4/{type}/{id} -> 503) [request id …]`: the core error's value-free facts,
/// not its text.
fn core_suffix(f: &mut std::fmt::Formatter<'_>, e: &athena_core::Error) -> std::fmt::Result {
    write!(f, " ({:?}", e.kind())?;
    if let Some(route) = e.route() {
        write!(f, " {route}")?;
    }
    if let Some(s) = e.status() {
        write!(f, " -> {s}")?;
    }
    f.write_str(")")?;
    if let Some(id) = e.request_id() {
        write!(f, " [request id {id}]")?;
    }
    Ok(())
}

impl std::fmt::Debug for FhirError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut d = f.debug_struct("FhirError");
        d.field("kind", &self.kind());
        match &self.inner.repr {
            Repr::Server {
                status,
                outcome,
                details,
                request_id,
                retry_after,
            } => {
                let codes: Vec<String> = outcome
                    .iter()
                    .flat_map(|o| o.issue.iter())
                    .map(|i| {
                        let severity = match &i.severity {
                            None => "?",
                            Some(IssueSeverity::Unrecognized(_)) => "unrecognized",
                            Some(s) => s.as_str(),
                        };
                        format!("{severity}/{}", issue_code_text(i.code.as_ref()))
                    })
                    .collect();
                d.field("status", status)
                    .field("issues", &codes)
                    .field("details", &details.as_ref().map(|_| Redacted))
                    .field("request_id", request_id)
                    .field("retry_after", retry_after);
            }
            Repr::Auth(e) | Repr::Request(e) => {
                d.field("core", e);
            }
            Repr::Decode(x) => {
                d.field("resource_type", &x.resource_type)
                    .field("path", &x.path)
                    .field("line", &x.line)
                    .field("description", &x.description);
            }
            Repr::ForeignOrigin(m) | Repr::Url(m) | Repr::InvalidSearch(m) | Repr::Export(m) => {
                d.field("message", m);
            }
            Repr::UnexpectedResource { expected, found } => {
                d.field("expected", expected).field("found", found);
            }
            Repr::Transport | Repr::Io => {}
        }
        d.field("has_source", &self.inner.source.is_some()).finish()
    }
}

impl std::error::Error for FhirError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match &self.inner.repr {
            Repr::Auth(e) | Repr::Request(e) => Some(e),
            _ => self
                .inner
                .source
                .as_deref()
                .map(|e| e as &(dyn std::error::Error + 'static)),
        }
    }
}

/// Prints `<redacted>` in `Debug`.
struct Redacted;

impl std::fmt::Debug for Redacted {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("<redacted>")
    }
}

/// An issue code for messages: a code outside the value set is server text, not shown.
fn issue_code_text(code: Option<&IssueType>) -> &str {
    match code {
        None => "?",
        Some(IssueType::Unrecognized(_)) => "unrecognized",
        Some(c) => c.as_str(),
    }
}

/// `Result` with [`FhirError`].
pub type Result<T, E = FhirError> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_and_display_carry_no_server_text() {
        let outcome = br#"{"resourceType":"OperationOutcome","issue":[{"severity":"error","code":"processing","diagnostics":"Patient Secretname (DOB 1961-02-03) not found","details":{"text":"Secretdetail"},"expression":["Patient.name.where(family='Secretfamily')"]}]}"#;
        let weird_code = br#"{"resourceType":"OperationOutcome","issue":[{"severity":"Secretsev","code":"Secretcode"}]}"#;
        let details = br#"{"details":"No patient Secretname in practice"}"#;
        for body in [&outcome[..], weird_code, details] {
            let e = FhirError::from_response(422, body);
            let text = format!("{e} | {e:?} | {e:#?}");
            for secret in ["Secret", "1961"] {
                assert!(!text.contains(secret), "{text}");
            }
            assert!(text.contains("422"), "{text}");
        }
        let e = FhirError::from_response(422, outcome);
        assert_eq!(
            format!("{e:?}"),
            r#"FhirError { kind: Server, status: 422, issues: ["error/processing"], details: None, request_id: None, retry_after: None, has_source: false }"#
        );
        assert_eq!(e.to_string(), "FHIR server answered HTTP 422 (processing)");
        assert_eq!(e.kind(), FhirErrorKind::Server);
        assert_eq!(e.status(), Some(422));
        assert_eq!(e.issue_code(), Some(&IssueType::Processing));
        let e = FhirError::from_response(404, details);
        assert!(format!("{e:?}").contains("details: Some(<redacted>)"));
        // The accessors still hold what the server sent, for callers who know it is safe.
        assert!(e.details().is_some_and(|d| d.contains("Secretname")));
        assert!(e.is_not_found());
    }

    #[test]
    fn decode_errors_name_type_and_path_never_the_value() {
        let body =
            br#"{"resourceType":"Patient","birthDate":"1961-02-03","name":[{"given":[9876543]}]}"#;
        let err = serde_json::from_slice::<crate::r4::Patient>(body).expect_err("bad given");
        let e = FhirError::decode_body::<crate::r4::Patient>(body, &err);
        assert_eq!(e.kind(), FhirErrorKind::Decode);
        assert_eq!(e.resource_type(), Some("Patient"));
        assert_eq!(e.json_path(), Some("name[0].given[0]"));
        let text = format!("{e} | {e:?}");
        assert!(text.contains("as Patient at `name[0].given[0]`"), "{text}");
        assert!(
            !text.contains("1961") && !text.contains("9876543"),
            "{text}"
        );
        let line = FhirError::decode_line(4, err);
        assert_eq!(line.line(), Some(4));
        assert!(line.to_string().contains("NDJSON line 4:"), "{line}");
    }

    #[test]
    fn core_errors_keep_kind_status_and_request_id_but_not_their_text() {
        let core = athena_core::Error::new(athena_core::ErrorKind::Timeout, "Secret text")
            .with_endpoint("GET", "/fhir/r4/{type}/{id}");
        let e = FhirError::from_core(core);
        assert_eq!(e.kind(), FhirErrorKind::Request);
        assert_eq!(e.core_kind(), Some(athena_core::ErrorKind::Timeout));
        assert!(e.is_transient());
        let shown = e.to_string();
        assert_eq!(shown, "request failed (Timeout /fhir/r4/{type}/{id})");
        assert!(std::error::Error::source(&e).is_some());
        let auth = FhirError::from_core(athena_core::Error::new(
            athena_core::ErrorKind::Auth,
            "no token",
        ));
        assert_eq!(auth.kind(), FhirErrorKind::Auth);
        assert!(!auth.is_transient());
    }

    #[test]
    fn is_send_sync_and_small() {
        fn assert_send_sync<T: Send + Sync + 'static>() {}
        assert_send_sync::<FhirError>();
        assert_eq!(
            std::mem::size_of::<FhirError>(),
            std::mem::size_of::<usize>()
        );
    }

    #[test]
    fn io_and_transport_causes_go_through_source_only() {
        let e = FhirError::from(std::io::Error::other("Secret path /home/x"));
        assert_eq!(e.kind(), FhirErrorKind::Io);
        assert!(!e.to_string().contains("Secret"));
        assert!(!format!("{e:?}").contains("Secret"));
        let src = std::error::Error::source(&e).expect("cause kept");
        assert!(src.to_string().contains("Secret"));
    }
}
