//! [`AiError`]: the one error of model calls and pipeline steps, shaped like
//! [`athena_core::Error`]: opaque, read through [`AiError::kind`] and accessors.
//!
//! No error carries a response body or prompt text: vendor error bodies can echo the prompt,
//! and prompts can hold PHI. Only statuses, short vendor error codes, request ids and our own
//! value-free messages. An underlying cause (an athenahealth or FHIR call that failed) is kept
//! whole behind [`std::error::Error::source`] and never repeated in `Display`; the core
//! error's kind, status, route and request id are copied out so they stay readable here.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

/// What kind of failure an [`AiError`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum AiErrorKind {
    /// The backend or a pipeline step is configured or called wrongly (missing base URL, model
    /// or key; a claim that is not denied; an override without a reason).
    Config,
    /// The model provider rejected the credentials (401/403).
    Auth,
    /// The model provider rate limited the call and retries did not cure it; see
    /// [`AiError::retry_after`].
    RateLimited,
    /// The model provider answered 5xx (or Anthropic's 529 overloaded).
    Server,
    /// The model provider rejected the request (4xx other than auth and rate limiting); see
    /// [`AiError::vendor_code`].
    BadRequest,
    /// The model call timed out.
    Timeout,
    /// The model call failed to connect or was cut off.
    Transport,
    /// The model refused to answer (OpenAI `refusal`, Anthropic `stop_reason: refusal`, or a
    /// content filter).
    Refusal,
    /// The output stopped at the token limit, so structured output is incomplete.
    Truncated,
    /// The provider's response did not have the expected shape.
    InvalidResponse,
    /// Structured output did not parse or validate, even after the repair round; see
    /// [`AiError::problems`].
    Validation,
    /// The PHI guard refused to let text through (fails closed).
    PhiBlocked,
    /// A prompt template could not be rendered.
    Prompt,
    /// Writing an audit record failed; the pipeline stops rather than run unaudited.
    Audit,
    /// An athenahealth API call made by a pipeline failed (or answered something unusable);
    /// see [`AiError::core_kind`] and [`AiError::request_id`].
    Athena,
    /// A FHIR call made by a pipeline failed; the FHIR error is the
    /// [`source`](std::error::Error::source).
    Fhir,
    /// A draft with blocking problems was approved without an
    /// [`Override`](crate::review::Override); see [`AiError::blocking`].
    ReviewBlocked,
    /// The application's authenticator refused the reviewer's credential.
    ReviewerAuth,
    /// A request made for a PHI-allowed model was sent to another model; see
    /// [`AiError::declared_model`] and [`AiError::target_model`].
    PhiModelMismatch,
    /// The scripted model ran out of turns.
    ScriptExhausted,
}

impl AiErrorKind {
    fn describe(self) -> &'static str {
        match self {
            AiErrorKind::Config => "model configuration error",
            AiErrorKind::Auth => "model provider rejected the credentials",
            AiErrorKind::RateLimited => "model provider rate limited the call",
            AiErrorKind::Server => "model provider failed",
            AiErrorKind::BadRequest => "model provider rejected the request",
            AiErrorKind::Timeout => "model call timed out",
            AiErrorKind::Transport => "model call failed to connect or was cut off",
            AiErrorKind::Refusal => "the model refused the request",
            AiErrorKind::Truncated => "the model output was truncated at the token limit",
            AiErrorKind::InvalidResponse => "unexpected model response shape",
            AiErrorKind::Validation => "model output failed validation",
            AiErrorKind::PhiBlocked => "PHI guard blocked the request",
            AiErrorKind::Prompt => "prompt error",
            AiErrorKind::Audit => "audit sink failed",
            AiErrorKind::Athena => "athenahealth call failed",
            AiErrorKind::Fhir => "FHIR call failed",
            AiErrorKind::ReviewBlocked => "the draft has blocking problems",
            AiErrorKind::ReviewerAuth => "reviewer authentication failed",
            AiErrorKind::PhiModelMismatch => "a PHI request was sent to another model",
            AiErrorKind::ScriptExhausted => "scripted model has no more turns",
        }
    }
}

/// Why a model call or pipeline step failed: opaque, with accessors. `Clone` (a shared cause
/// is reference-counted); `Display` and `Debug` are PHI-free.
#[derive(Clone)]
pub struct AiError {
    inner: Box<Inner>,
}

#[derive(Clone)]
struct Inner {
    kind: AiErrorKind,
    /// Our own value-free description.
    message: Option<String>,
    status: Option<u16>,
    vendor_code: Option<String>,
    retry_after: Option<Duration>,
    problems: Vec<String>,
    blocking: Option<usize>,
    models: Option<(String, String)>,
    core_kind: Option<athena_core::ErrorKind>,
    route: Option<&'static str>,
    request_id: Option<String>,
    source: Option<Arc<dyn std::error::Error + Send + Sync>>,
}

impl From<AiErrorKind> for AiError {
    /// An error of `kind` with no message.
    fn from(kind: AiErrorKind) -> Self {
        AiError {
            inner: Box::new(Inner {
                kind,
                message: None,
                status: None,
                vendor_code: None,
                retry_after: None,
                problems: Vec::new(),
                blocking: None,
                models: None,
                core_kind: None,
                route: None,
                request_id: None,
                source: None,
            }),
        }
    }
}

impl From<athena_core::Error> for AiError {
    /// An athenahealth API call failed: see [`AiError::athena`].
    fn from(e: athena_core::Error) -> Self {
        AiError::athena(e)
    }
}

impl AiError {
    /// Creates an error of `kind` with a value-free message.
    ///
    /// The message must not contain PHI (it is shown by `Display` and `Debug`): pass fixed
    /// texts and field names, never prompt text, model output or chart values. For errors in
    /// your own [`LanguageModel`](crate::LanguageModel), audit sink or reviewer authenticator.
    pub fn new(kind: AiErrorKind, message: impl Into<String>) -> Self {
        let mut e = AiError::from(kind);
        e.inner.message = Some(message.into());
        e
    }

    /// Attaches an underlying cause, reachable through [`std::error::Error::source`] and
    /// never shown by this error's `Display`. If `athena_core::Error` is in the cause's chain,
    /// its kind, status, route and request id are copied onto this error.
    pub fn with_source(mut self, source: impl std::error::Error + Send + Sync + 'static) -> Self {
        let mut cause: Option<&(dyn std::error::Error + 'static)> = Some(&source);
        while let Some(c) = cause {
            if let Some(core) = c.downcast_ref::<athena_core::Error>() {
                self.copy_core(core);
                break;
            }
            cause = c.source();
        }
        self.inner.source = Some(Arc::new(source));
        self
    }

    fn copy_core(&mut self, core: &athena_core::Error) {
        let i = &mut self.inner;
        i.core_kind = Some(core.kind());
        i.status = i.status.or(core.status());
        i.route = core.route();
        i.request_id = core.request_id().map(str::to_owned);
        i.retry_after = i.retry_after.or(core.retry_after());
    }

    /// An athenahealth API call made by a pipeline failed. Keeps `e` as the source and its
    /// kind, status, route and request id (see [`AiError::core_kind`]).
    pub fn athena(e: athena_core::Error) -> Self {
        AiError::from(AiErrorKind::Athena).with_source(e)
    }

    /// A FHIR call made by a pipeline failed. The error is kept opaquely as the source; when
    /// an `athena_core::Error` is in its `source()` chain, its kind, status and request id are
    /// kept too.
    pub fn fhir(e: impl std::error::Error + Send + Sync + 'static) -> Self {
        AiError::from(AiErrorKind::Fhir).with_source(e)
    }

    /// Structured output failed validation with these problems (our validators' own texts).
    pub fn validation(problems: Vec<String>) -> Self {
        let mut e = AiError::from(AiErrorKind::Validation);
        e.inner.problems = problems;
        e
    }

    /// A draft with `blocking` blocking problems was approved without an override.
    pub fn review_blocked(blocking: usize) -> Self {
        let mut e = AiError::new(
            AiErrorKind::ReviewBlocked,
            format!(
                "{blocking} blocking problem(s): edit the draft or approve with an override and a reason"
            ),
        );
        e.inner.blocking = Some(blocking);
        e
    }

    /// A request bound to the PHI-allowed model `declared` was sent to `target` (model ids).
    pub fn phi_model_mismatch(declared: impl Into<String>, target: impl Into<String>) -> Self {
        let (declared, target) = (declared.into(), target.into());
        let mut e = AiError::new(
            AiErrorKind::PhiModelMismatch,
            format!("bound to {declared}, sent to {target}"),
        );
        e.inner.models = Some((declared, target));
        e
    }

    /// Maps a provider HTTP status (non-2xx) to an error. `code` is the vendor's short error
    /// type; it is kept only when it looks like an identifier.
    pub fn from_status(status: u16, code: Option<&str>, retry_after: Option<Duration>) -> Self {
        let kind = match status {
            401 | 403 => AiErrorKind::Auth,
            429 => AiErrorKind::RateLimited,
            500..=599 => AiErrorKind::Server,
            _ => AiErrorKind::BadRequest,
        };
        let mut e = AiError::from(kind);
        e.inner.status = Some(status);
        match kind {
            AiErrorKind::RateLimited => e.inner.retry_after = retry_after,
            AiErrorKind::BadRequest => e.inner.vendor_code = Some(identifier_or_unknown(code)),
            _ => {}
        }
        e
    }

    /// Sets the vendor's short error code of a rejected request (kept only when it looks
    /// like an identifier), with the status it came with.
    pub(crate) fn with_vendor_code(mut self, status: u16, code: &str) -> Self {
        self.inner.status = Some(status);
        self.inner.vendor_code = Some(identifier_or_unknown(Some(code)));
        self
    }

    /// Maps a failed model-provider call made over `athena_core`'s transport to an error of
    /// the provider kinds (rate limited, timeout, …), keeping `e` as the source and its kind,
    /// status and request id. The core error's text is not copied (it may name a URL).
    pub fn from_core(e: athena_core::Error) -> Self {
        use athena_core::ErrorKind as K;
        let kind = match e.kind() {
            K::RateLimited => AiErrorKind::RateLimited,
            K::Timeout => AiErrorKind::Timeout,
            K::Connect | K::Transport | K::RetryBudgetExhausted => AiErrorKind::Transport,
            K::Unauthorized | K::Auth | K::Forbidden => AiErrorKind::Auth,
            K::Server => AiErrorKind::Server,
            K::Config => AiErrorKind::Config,
            _ => match e.status() {
                Some(s) => AiError::from_status(s, None, None).kind(),
                None => AiErrorKind::InvalidResponse,
            },
        };
        let mut out = AiError::from(kind);
        match kind {
            AiErrorKind::Auth => out.inner.status = Some(e.status().unwrap_or(401)),
            AiErrorKind::Server => out.inner.status = Some(e.status().unwrap_or(500)),
            AiErrorKind::BadRequest => out.inner.vendor_code = Some("unknown".to_owned()),
            AiErrorKind::Config => out.inner.message = Some("transport configuration".into()),
            _ => {}
        }
        out.with_source(e)
    }

    /// What kind of failure this is.
    pub fn kind(&self) -> AiErrorKind {
        self.inner.kind
    }
    /// Our value-free description, if any.
    pub fn message(&self) -> Option<&str> {
        self.inner.message.as_deref()
    }
    /// The HTTP status: the model provider's, or the athenahealth call's.
    pub fn status(&self) -> Option<u16> {
        self.inner.status
    }
    /// The model vendor's short error type/code (e.g. `invalid_request_error`), never its
    /// message; `unknown` when it sent none that looks like an identifier.
    pub fn vendor_code(&self) -> Option<&str> {
        self.inner.vendor_code.as_deref()
    }
    /// How long the provider (or athenahealth) asked us to wait, when it did and the call
    /// gave up.
    pub fn retry_after(&self) -> Option<Duration> {
        self.inner.retry_after
    }
    /// The validation problems of an [`AiErrorKind::Validation`] error (empty otherwise).
    pub fn problems(&self) -> &[String] {
        &self.inner.problems
    }
    /// How many blocking problems an [`AiErrorKind::ReviewBlocked`] draft has.
    pub fn blocking(&self) -> Option<usize> {
        self.inner.blocking
    }
    /// The model id a mismatched PHI request was declared for.
    pub fn declared_model(&self) -> Option<&str> {
        self.inner.models.as_ref().map(|(d, _)| d.as_str())
    }
    /// The model id a mismatched PHI request was sent to.
    pub fn target_model(&self) -> Option<&str> {
        self.inner.models.as_ref().map(|(_, t)| t.as_str())
    }
    /// The kind of the `athena_core::Error` behind this one, when it came from a call over
    /// core's transport (an athenahealth call, a provider call, or a FHIR call whose error
    /// chain holds a core error).
    pub fn core_kind(&self) -> Option<athena_core::ErrorKind> {
        self.inner.core_kind
    }
    /// The route template of the athenahealth call that failed, e.g.
    /// `/v1/{practiceid}/patients`.
    pub fn route(&self) -> Option<&'static str> {
        self.inner.route
    }
    /// The `X-Request-Id` of the failed call's last response (quote it in support tickets).
    pub fn request_id(&self) -> Option<&str> {
        self.inner.request_id.as_deref()
    }

    /// True when the same call may succeed if retried later (rate limits, 5xx, timeouts,
    /// dropped connections).
    pub fn is_retryable(&self) -> bool {
        matches!(
            self.kind(),
            AiErrorKind::RateLimited
                | AiErrorKind::Server
                | AiErrorKind::Timeout
                | AiErrorKind::Transport
        )
    }
}

/// A vendor's error code when it looks like an identifier (`invalid_request_error`), else
/// `unknown`: prose could echo the prompt.
fn identifier_or_unknown(code: Option<&str>) -> String {
    code.filter(|c| {
        c.len() <= 64
            && c.chars()
                .all(|ch| ch.is_ascii_alphanumeric() || ch == '_' || ch == '.')
    })
    .unwrap_or("unknown")
    .to_owned()
}

impl fmt::Display for AiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let i = &self.inner;
        f.write_str(i.kind.describe())?;
        if let Some(m) = i.message.as_deref().filter(|m| !m.is_empty()) {
            write!(f, ": {m}")?;
        }
        if !i.problems.is_empty() {
            write!(f, ": {} problem(s)", i.problems.len())?;
        }
        match (i.core_kind, i.route) {
            (Some(k), Some(route)) => write!(f, " ({k:?} on {route})")?,
            (Some(k), None) => write!(f, " ({k:?})")?,
            _ => {}
        }
        if let Some(s) = i.status {
            write!(f, " (HTTP {s}")?;
            if let Some(code) = &i.vendor_code {
                write!(f, ", {code}")?;
            }
            f.write_str(")")?;
        }
        if let Some(d) = i.retry_after {
            write!(f, "; retry after {}s", d.as_secs_f64().ceil() as u64)?;
        }
        if let Some(id) = &i.request_id {
            write!(f, " [request id {id}]")?;
        }
        Ok(())
    }
}

impl fmt::Debug for AiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let i = &self.inner;
        f.debug_struct("AiError")
            .field("kind", &i.kind)
            .field("message", &i.message)
            .field("status", &i.status)
            .field("vendor_code", &i.vendor_code)
            .field("retry_after", &i.retry_after)
            .field("problems", &i.problems.len())
            .field("blocking", &i.blocking)
            .field("models", &i.models)
            .field("core_kind", &i.core_kind)
            .field("route", &i.route)
            .field("request_id", &i.request_id)
            .field("has_source", &i.source.is_some())
            .finish()
    }
}

impl std::error::Error for AiError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.inner
            .source
            .as_deref()
            .map(|e| e as &(dyn std::error::Error + 'static))
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
            (AiErrorKind::Refusal.into(), false),
            (AiErrorKind::Truncated.into(), false),
            (AiErrorKind::Timeout.into(), true),
        ];
        for (e, want) in cases {
            assert_eq!(e.is_retryable(), want, "{e:?}");
        }
    }

    #[test]
    fn vendor_code_with_prose_is_dropped() {
        let e = AiError::from_status(400, Some("patient John Smith said"), None);
        assert_eq!(e.kind(), AiErrorKind::BadRequest);
        assert_eq!(e.status(), Some(400));
        assert_eq!(e.vendor_code(), Some("unknown"));
        assert!(!format!("{e} {e:?}").contains("John"));
        let kept = AiError::from_status(400, Some("invalid_request_error"), None);
        assert_eq!(kept.vendor_code(), Some("invalid_request_error"));
        assert_eq!(
            kept.to_string(),
            "model provider rejected the request (HTTP 400, invalid_request_error)"
        );
    }

    #[test]
    fn athena_errors_keep_core_kind_request_id_and_source_without_its_text() {
        use std::error::Error as _;
        let core = athena_core::Error::new(athena_core::ErrorKind::NotFound, "no such patient")
            .with_endpoint("GET", "/v1/{practiceid}/patients/{patientid}");
        let e = AiError::from(core);
        assert_eq!(e.kind(), AiErrorKind::Athena);
        assert_eq!(e.core_kind(), Some(athena_core::ErrorKind::NotFound));
        assert_eq!(e.route(), Some("/v1/{practiceid}/patients/{patientid}"));
        let shown = e.to_string();
        assert_eq!(
            shown,
            "athenahealth call failed (NotFound on /v1/{practiceid}/patients/{patientid})"
        );
        assert!(
            !shown.contains("no such patient"),
            "cause text stays in source()"
        );
        let source = e.source().expect("the core error is the source");
        assert!(source.downcast_ref::<athena_core::Error>().is_some());
        // A clone shares the cause.
        assert!(e.clone().source().is_some());
    }

    #[test]
    fn fhir_errors_find_a_core_error_down_the_chain() {
        use std::error::Error as _;
        #[derive(Debug)]
        struct Wrapper(athena_core::Error);
        impl fmt::Display for Wrapper {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("fhir wrapper with Jane Doe")
            }
        }
        impl std::error::Error for Wrapper {
            fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
                Some(&self.0)
            }
        }
        let core = athena_core::Error::new(athena_core::ErrorKind::Timeout, "");
        let e = AiError::fhir(Wrapper(core));
        assert_eq!(e.kind(), AiErrorKind::Fhir);
        assert_eq!(e.core_kind(), Some(athena_core::ErrorKind::Timeout));
        assert!(!format!("{e} {e:?}").contains("Jane"));
        assert!(e.source().unwrap().downcast_ref::<Wrapper>().is_some());
        // Without a core error in the chain there is no core kind.
        let plain = AiError::fhir(std::io::Error::other("x"));
        assert_eq!(plain.core_kind(), None);
    }

    #[test]
    fn provider_errors_from_core_keep_core_kind() {
        let core = athena_core::Error::new(athena_core::ErrorKind::RetryBudgetExhausted, "");
        let e = AiError::from_core(core);
        assert_eq!(e.kind(), AiErrorKind::Transport);
        assert!(e.is_retryable());
        assert_eq!(
            e.core_kind(),
            Some(athena_core::ErrorKind::RetryBudgetExhausted)
        );
    }

    #[test]
    fn structured_errors_read_through_accessors() {
        let v = AiError::validation(vec!["a".into(), "b".into()]);
        assert_eq!(v.problems(), ["a", "b"]);
        assert_eq!(
            v.to_string(),
            "model output failed validation: 2 problem(s)"
        );
        let b = AiError::review_blocked(2);
        assert_eq!(
            (b.kind(), b.blocking()),
            (AiErrorKind::ReviewBlocked, Some(2))
        );
        let m = AiError::phi_model_mismatch("a", "b");
        assert_eq!(
            (m.declared_model(), m.target_model()),
            (Some("a"), Some("b"))
        );
    }
}
