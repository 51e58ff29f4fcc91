//! Errors of the FHIR client.

use crate::r4::{IssueSeverity, IssueType, OperationOutcome};

/// Anything that can go wrong talking to a FHIR server.
///
/// Neither `Display` nor `Debug` carries text the server chose: an `OperationOutcome`'s
/// `diagnostics`, `details.text` and `expression`, and athena's `{"details": …}` text, are
/// shown as `<redacted>` (read them from the fields when you know they are safe to log).
#[derive(thiserror::Error)]
#[non_exhaustive]
pub enum FhirError {
    /// The server answered with a non-2xx status. `outcome` is the `OperationOutcome` it sent,
    /// if any; `details` is athena's non-FHIR `{"details": …}` text, if that was sent instead.
    #[error("FHIR server answered HTTP {status}{}", code_suffix(.outcome.as_deref()))]
    Server {
        /// HTTP status.
        status: u16,
        /// The decoded `OperationOutcome`, when the body was one.
        outcome: Option<Box<OperationOutcome>>,
        /// athena's `{"details": "…"}` text, when the body was that shape.
        details: Option<String>,
    },
    /// Getting an access token failed.
    #[error("authentication failed: {0}")]
    Auth(#[source] athena_core::Error),
    /// Reading a byte stream handed to [`crate::bulk::ndjson`] failed. (Downloads through
    /// [`crate::FhirClient::download`] retry such failures and end in [`FhirError::Request`]
    /// when retries are exhausted.)
    #[error("transport error: {0}")]
    Transport(#[source] reqwest::Error),
    /// A call through the core transport failed without an HTTP answer to decode: connect
    /// failure, timeout, dropped connection, the overall deadline, an empty retry budget, or
    /// a misconfigured client. [`athena_core::Error::kind`] says which; like every core error
    /// it names the route template, never the URL.
    #[error("request failed: {0}")]
    Request(#[source] athena_core::Error),
    /// The body was not the expected JSON. The message names what went wrong, what was
    /// expected and where (line and column; the file line for Bulk Data NDJSON), never the
    /// value: serde's own messages quote it, and FHIR values are PHI.
    #[error("could not decode the FHIR response: {0}")]
    Decode(#[source] serde_json::Error),
    /// A URL from the server (a `next` link, a manifest file) points away from the FHIR
    /// server's origin while the bearer token would have been attached; it was not followed.
    #[error("refused to send the access token to another origin: {0}")]
    ForeignOrigin(String),
    /// A URL could not be built or parsed.
    #[error("invalid URL: {0}")]
    Url(String),
    /// The search is not allowed by athena (clinical searches need `patient` or `_id`).
    #[error("invalid search: {0}")]
    InvalidSearch(String),
    /// A bulk export protocol violation (no `Content-Location`, bad manifest, …).
    #[error("bulk export: {0}")]
    Export(String),
    /// A typed search ([`crate::FhirClient::search_stream`]) met a matching entry of another
    /// resource type.
    #[error("expected a {expected} in the search results, found a {found}")]
    UnexpectedResource {
        /// The type asked for.
        expected: &'static str,
        /// The `resourceType` received.
        found: String,
    },
    /// Reading or writing local state (bulk resume) failed.
    #[error("I/O error: {0}")]
    Io(#[from] std::io::Error),
}

impl std::fmt::Debug for FhirError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Server {
                status,
                outcome,
                details,
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
                f.debug_struct("Server")
                    .field("status", status)
                    .field("issues", &codes)
                    .field("details", &details.as_ref().map(|_| Redacted))
                    .finish()
            }
            Self::Auth(e) => f.debug_tuple("Auth").field(e).finish(),
            Self::Transport(e) => f.debug_tuple("Transport").field(e).finish(),
            Self::Request(e) => f.debug_tuple("Request").field(e).finish(),
            Self::Decode(e) => f.debug_tuple("Decode").field(e).finish(),
            Self::ForeignOrigin(o) => f.debug_tuple("ForeignOrigin").field(o).finish(),
            Self::Url(m) => f.debug_tuple("Url").field(m).finish(),
            Self::InvalidSearch(m) => f.debug_tuple("InvalidSearch").field(m).finish(),
            Self::Export(m) => f.debug_tuple("Export").field(m).finish(),
            Self::UnexpectedResource { expected, found } => f
                .debug_struct("UnexpectedResource")
                .field("expected", expected)
                .field("found", found)
                .finish(),
            Self::Io(e) => f.debug_tuple("Io").field(e).finish(),
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

fn code_suffix(outcome: Option<&OperationOutcome>) -> String {
    outcome
        .and_then(|o| o.issue.first())
        .and_then(|i| i.code.as_ref())
        .map(|c| format!(" ({})", issue_code_text(Some(c))))
        .unwrap_or_default()
}

/// An issue code for messages: a code outside the value set is server text, not shown.
fn issue_code_text(code: Option<&IssueType>) -> &str {
    match code {
        None => "?",
        Some(IssueType::Unrecognized(_)) => "unrecognized",
        Some(c) => c.as_str(),
    }
}

impl FhirError {
    /// The first issue's code of the server's `OperationOutcome`, if any.
    pub fn issue_code(&self) -> Option<&IssueType> {
        match self {
            Self::Server {
                outcome: Some(o), ..
            } => o.issue.first().and_then(|i| i.code.as_ref()),
            _ => None,
        }
    }

    /// The HTTP status, for [`FhirError::Server`].
    pub fn status(&self) -> Option<u16> {
        match self {
            Self::Server { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// True when the server said the resource does not exist (404 / `not-found`).
    pub fn is_not_found(&self) -> bool {
        self.status() == Some(404) || matches!(self.issue_code(), Some(IssueType::NotFound))
    }

    /// True when the `OperationOutcome` marks the failure as transient (retry later).
    pub fn is_transient(&self) -> bool {
        matches!(
            self.issue_code(),
            Some(
                IssueType::Transient
                    | IssueType::Throttled
                    | IssueType::Timeout
                    | IssueType::LockError
            )
        ) || matches!(self.status(), Some(408 | 429 | 500 | 502 | 503 | 504))
            || matches!(
                self,
                Self::Request(e) if matches!(
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

    /// Wraps a core transport error: token failures become [`FhirError::Auth`].
    pub(crate) fn from_core(e: athena_core::Error) -> Self {
        match e.kind() {
            athena_core::ErrorKind::Auth => Self::Auth(e),
            _ => Self::Request(e),
        }
    }

    /// [`FhirError::Decode`] without the value that failed to decode.
    pub(crate) fn decode(e: serde_json::Error) -> Self {
        Self::Decode(serde::de::Error::custom(
            athena_core::decode::describe_serde_error(&e),
        ))
    }

    /// [`FhirError::decode`] for line `line` (1-based) of a Bulk Data NDJSON file.
    pub(crate) fn decode_line(line: u64, e: serde_json::Error) -> Self {
        Self::Decode(serde::de::Error::custom(format!(
            "NDJSON line {line}: {}",
            athena_core::decode::describe_serde_error(&e)
        )))
    }

    /// Builds the error for a non-2xx answer from its body.
    pub(crate) fn from_response(status: u16, body: &[u8]) -> Self {
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
        Self::Server {
            status,
            outcome,
            details,
        }
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
            r#"Server { status: 422, issues: ["error/processing"], details: None }"#
        );
        assert_eq!(e.to_string(), "FHIR server answered HTTP 422 (processing)");
        let e = FhirError::from_response(404, details);
        assert!(format!("{e:?}").contains("details: Some(<redacted>)"));
        // The fields still hold what the server sent, for callers who know it is safe.
        assert!(
            matches!(e, FhirError::Server { details: Some(ref d), .. } if d.contains("Secretname"))
        );
    }
}
