//! [`AiError`]: one error type for every model call and pipeline step.
//!
//! No variant carries a response body or prompt text: vendor error bodies can echo the prompt,
//! and prompts can hold PHI. Only statuses, short vendor error codes and our own messages.

use std::time::Duration;

/// Why a model call or pipeline step failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum AiError {
    /// The backend is configured wrongly (missing base URL, model or key).
    #[error("model configuration error: {0}")]
    Config(String),
    /// The provider rejected the credentials (401/403).
    #[error("model provider rejected the credentials (HTTP {status})")]
    Auth {
        /// HTTP status.
        status: u16,
    },
    /// The provider rate limited the call and retries did not cure it.
    #[error("model provider rate limited the call")]
    RateLimited {
        /// The provider's `Retry-After`, when it sent one.
        retry_after: Option<Duration>,
    },
    /// The provider answered 5xx (or Anthropic's 529 overloaded).
    #[error("model provider failed (HTTP {status})")]
    Server {
        /// HTTP status.
        status: u16,
    },
    /// The provider rejected the request (4xx other than auth and rate limiting).
    #[error("model provider rejected the request (HTTP {status}, {code})")]
    BadRequest {
        /// HTTP status.
        status: u16,
        /// The vendor's short error type/code (e.g. `invalid_request_error`), never its message.
        code: String,
    },
    /// The call timed out.
    #[error("model call timed out")]
    Timeout,
    /// The connection failed.
    #[error("model call failed to connect or was cut off")]
    Transport,
    /// The model refused to answer (OpenAI `refusal`, Anthropic `stop_reason: refusal`, or a
    /// content filter).
    #[error("the model refused the request")]
    Refusal,
    /// The output stopped at the token limit, so structured output is incomplete.
    #[error("the model output was truncated at the token limit")]
    Truncated,
    /// The provider's response did not have the expected shape.
    #[error("unexpected model response shape: {0}")]
    InvalidResponse(String),
    /// Structured output did not parse or validate, even after the repair round.
    #[error("model output failed validation: {}", .0.join("; "))]
    Validation(Vec<String>),
    /// The PHI guard refused to let text through (fails closed).
    #[error("PHI guard blocked the request: {0}")]
    PhiBlocked(String),
    /// A prompt template could not be rendered.
    #[error("prompt error: {0}")]
    Prompt(String),
    /// Writing an audit record failed; the pipeline stops rather than run unaudited.
    #[error("audit sink failed: {0}")]
    Audit(String),
    /// An athenahealth API call made by a pipeline failed.
    #[error("athenahealth call failed: {0}")]
    Athena(String),
    /// A draft with blocking problems was approved without an [`crate::review::Override`].
    #[error(
        "the draft has {blocking} blocking problem(s): edit it or approve with an override and a reason"
    )]
    ReviewBlocked {
        /// How many blocking problems.
        blocking: usize,
    },
    /// The application's authenticator refused the reviewer's credential.
    #[error("reviewer authentication failed: {0}")]
    ReviewerAuth(String),
    /// A request made for a PHI-allowed model was sent to another model.
    #[error("a PHI request bound to {declared} was sent to {target}")]
    PhiModelMismatch {
        /// The model id the request was declared for.
        declared: String,
        /// The model id it was sent to.
        target: String,
    },
    /// The scripted model ran out of turns.
    #[error("scripted model has no more turns")]
    ScriptExhausted,
}

impl AiError {
    /// True when the same call may succeed if retried later (rate limits, 5xx, timeouts,
    /// dropped connections).
    pub fn is_retryable(&self) -> bool {
        matches!(
            self,
            AiError::RateLimited { .. }
                | AiError::Server { .. }
                | AiError::Timeout
                | AiError::Transport
        )
    }

    /// Maps a provider HTTP status (non-2xx) to an error. `code` is the vendor's short error
    /// type; it is kept only when it looks like an identifier.
    pub fn from_status(status: u16, code: Option<&str>, retry_after: Option<Duration>) -> AiError {
        let code = code
            .filter(|c| {
                c.len() <= 64
                    && c.chars()
                        .all(|ch| ch.is_ascii_alphanumeric() || ch == '_' || ch == '.')
            })
            .unwrap_or("unknown")
            .to_owned();
        match status {
            401 | 403 => AiError::Auth { status },
            429 => AiError::RateLimited { retry_after },
            500..=599 => AiError::Server { status },
            _ => AiError::BadRequest { status, code },
        }
    }

    /// Maps a transport error from `athena_core` without copying its message (it may name
    /// a URL).
    pub fn from_core(e: &athena_core::Error) -> AiError {
        use athena_core::ErrorKind as K;
        match e.kind() {
            K::RateLimited => AiError::RateLimited {
                retry_after: e.retry_after(),
            },
            K::Timeout => AiError::Timeout,
            K::Connect | K::Transport | K::RetryBudgetExhausted => AiError::Transport,
            K::Unauthorized | K::Auth | K::Forbidden => AiError::Auth {
                status: e.status().unwrap_or(401),
            },
            K::Server => AiError::Server {
                status: e.status().unwrap_or(500),
            },
            K::Config => AiError::Config("transport configuration".into()),
            _ => match e.status() {
                Some(s) => AiError::from_status(s, None, None),
                None => AiError::InvalidResponse(format!("{:?}", e.kind())),
            },
        }
    }

    /// Wraps an athenahealth API failure for a pipeline, keeping only its kind and route.
    pub fn athena(e: &athena_core::Error) -> AiError {
        AiError::Athena(format!("{:?} on {}", e.kind(), e.route().unwrap_or("?")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retryable_table() {
        let cases = [
            (AiError::from_status(429, None, None), true),
            (AiError::from_status(529, None, None), true),
            (AiError::from_status(500, None, None), true),
            (AiError::from_status(401, None, None), false),
            (
                AiError::from_status(400, Some("invalid_request_error"), None),
                false,
            ),
            (AiError::Refusal, false),
            (AiError::Truncated, false),
            (AiError::Timeout, true),
        ];
        for (e, want) in cases {
            assert_eq!(e.is_retryable(), want, "{e:?}");
        }
    }

    #[test]
    fn vendor_code_with_prose_is_dropped() {
        let e = AiError::from_status(400, Some("patient John Smith said"), None);
        assert_eq!(
            e,
            AiError::BadRequest {
                status: 400,
                code: "unknown".into()
            }
        );
    }
}
