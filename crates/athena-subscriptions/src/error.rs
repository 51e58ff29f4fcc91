//! The crate's one error type: opaque, read through `kind()` and accessors, PHI-free `Display`.
//!
//! [`Error`] follows `athena_core::Error`'s shape: what went wrong is an [`ErrorKind`]
//! (`#[non_exhaustive]`), the practice and feed it concerns, and — when an athena call failed —
//! the core error itself ([`Error::core_error`]) with its kind, status and request id. `Display`
//! names the kind, a fixed value-free description, the route template, status and request id;
//! it never includes a cause's text (third-party errors may carry paths or values): the cause is
//! reachable through [`std::error::Error::source`].
//!
//! Signature verification has its own small result type,
//! [`SignatureError`](crate::push::SignatureError): it is a verdict on a request, not a failure
//! of this SDK.

use std::fmt;

use athena_core::PracticeId;

use crate::feed::Feed;

/// A `Result` whose error is this crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// What kind of failure an [`Error`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// An athena call (or the network) failed; [`Error::core_error`] has the details.
    Api,
    /// The checkpoint store failed: nothing is read destructively without it.
    Store,
    /// A push notification body is not athena's FHIR notification Bundle.
    Notification,
    /// A feed item did not decode into the requested model.
    Decode,
}

impl ErrorKind {
    fn describe(self) -> &'static str {
        match self {
            ErrorKind::Api => "athena call failed",
            ErrorKind::Store => "checkpoint store failed",
            ErrorKind::Notification => "invalid notification",
            ErrorKind::Decode => "could not decode feed item",
        }
    }
}

/// The error of athena-subscriptions. See the [module docs](self).
pub struct Error {
    inner: Box<Inner>,
}

struct Inner {
    kind: ErrorKind,
    /// A value-free description ("load", "not a Bundle", "wrong JSON type; expected a string").
    message: String,
    practice: Option<PracticeId>,
    feed: Option<Feed>,
    core: Option<athena_core::Error>,
    source: Option<Box<dyn std::error::Error + Send + Sync>>,
}

impl Error {
    /// Creates an error of `kind` with a value-free message.
    ///
    /// The message must not contain PHI: pass fixed texts (what was being done, which field),
    /// never a record, a path with patient data or a server's free text.
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Error {
            inner: Box::new(Inner {
                kind,
                message: message.into(),
                practice: None,
                feed: None,
                core: None,
                source: None,
            }),
        }
    }

    /// A checkpoint store failure ([`ErrorKind::Store`]) described by `what` (`"load"`,
    /// `"write"`, `"decode"`: no keys' values, no PHI). Attach the cause with
    /// [`Error::with_source`]. This is how a custom [`CheckpointStore`](crate::CheckpointStore)
    /// reports failures.
    pub fn store(what: impl Into<String>) -> Self {
        Error::new(ErrorKind::Store, what)
    }

    /// Attaches an underlying cause. Its `Display` is **not** part of this error's `Display`;
    /// it is reachable via [`std::error::Error::source`].
    pub fn with_source(mut self, source: impl std::error::Error + Send + Sync + 'static) -> Self {
        self.inner.source = Some(Box::new(source));
        self
    }

    /// Names the practice and feed the error concerns.
    pub(crate) fn for_feed(mut self, practice: PracticeId, feed: Feed) -> Self {
        self.inner.practice = Some(practice);
        self.inner.feed = Some(feed);
        self
    }

    /// What kind of failure this is.
    pub fn kind(&self) -> ErrorKind {
        self.inner.kind
    }

    /// The value-free description (may be empty for [`ErrorKind::Api`]).
    pub fn message(&self) -> &str {
        &self.inner.message
    }

    /// The practice whose feed failed, for poller errors.
    pub fn practice(&self) -> Option<PracticeId> {
        self.inner.practice
    }

    /// The feed that failed, for poller errors.
    pub fn feed(&self) -> Option<Feed> {
        self.inner.feed
    }

    /// The athena call's error, for [`ErrorKind::Api`].
    pub fn core_error(&self) -> Option<&athena_core::Error> {
        self.inner.core.as_ref()
    }

    /// The athena call's error kind, for [`ErrorKind::Api`].
    pub fn core_kind(&self) -> Option<athena_core::ErrorKind> {
        self.inner.core.as_ref().map(athena_core::Error::kind)
    }

    /// athena's `X-Request-Id` of the failed call (quote it in support tickets).
    pub fn request_id(&self) -> Option<&str> {
        self.inner.core.as_ref()?.request_id()
    }

    /// The HTTP status of the failed call, when a response was received.
    pub fn status(&self) -> Option<u16> {
        self.inner.core.as_ref()?.status()
    }

    /// Whether athena answered 403 "Changed messages require setup (subscription)…" (see
    /// [`is_setup_required`](crate::is_setup_required)).
    pub fn is_setup_required(&self) -> bool {
        self.core_error().is_some_and(crate::is_setup_required)
    }
}

impl From<athena_core::Error> for Error {
    fn from(core: athena_core::Error) -> Self {
        let mut e = Error::new(ErrorKind::Api, "");
        e.inner.core = Some(core);
        e
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let i = &self.inner;
        f.write_str(i.kind.describe())?;
        if !i.message.is_empty() {
            write!(f, ": {}", i.message)?;
        }
        if let Some(core) = &i.core {
            // Only value-free parts of the core error: kind, route template, status, id.
            write!(f, " ({:?}", core.kind())?;
            if let Some(route) = core.route() {
                write!(f, " at {route}")?;
            }
            if let Some(status) = core.status() {
                write!(f, ", HTTP {status}")?;
            }
            f.write_str(")")?;
        }
        match (i.practice, i.feed) {
            (Some(p), Some(feed)) => write!(f, " [practice {p}, feed {}]", feed.path)?,
            (Some(p), None) => write!(f, " [practice {p}]")?,
            (None, Some(feed)) => write!(f, " [feed {}]", feed.path)?,
            (None, None) => {}
        }
        if let Some(id) = self.request_id() {
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
            .field("practice", &i.practice)
            .field("feed", &i.feed.map(|feed| feed.path))
            .field("core", &i.core)
            .field("has_source", &i.source.is_some())
            .finish()
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        if let Some(core) = &self.inner.core {
            return Some(core);
        }
        self.inner
            .source
            .as_deref()
            .map(|e| e as &(dyn std::error::Error + 'static))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::error::Error as _;

    #[derive(Debug)]
    struct Cause;
    impl fmt::Display for Cause {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("/home/SMITH_JOHN/checkpoints: permission denied")
        }
    }
    impl std::error::Error for Cause {}

    #[test]
    fn display_never_contains_the_cause_text() {
        let e = Error::store("write")
            .with_source(Cause)
            .for_feed(PracticeId::new(195900), Feed::PATIENTS);
        let shown = e.to_string();
        assert_eq!(
            shown,
            "checkpoint store failed: write [practice 195900, feed patients]"
        );
        assert!(!format!("{e:?}").contains("SMITH"));
        assert_eq!(e.kind(), ErrorKind::Store);
        assert_eq!(e.practice(), Some(PracticeId::new(195900)));
        assert_eq!(e.feed(), Some(Feed::PATIENTS));
        assert!(e.source().unwrap().to_string().contains("SMITH"));
        assert!(e.core_error().is_none() && e.request_id().is_none());
    }

    #[test]
    fn api_errors_keep_the_core_kind_and_show_no_server_text() {
        let api = athena_core::ApiError::new(Some("Patient SMITH not found".into()), None);
        let core = athena_core::Error::new(athena_core::ErrorKind::NotFound, "")
            .with_endpoint("GET", "/v1/{practiceid}/patients/changed")
            .with_api_error(Some(api));
        let e = Error::from(core);
        assert_eq!(e.kind(), ErrorKind::Api);
        assert_eq!(e.core_kind(), Some(athena_core::ErrorKind::NotFound));
        assert_eq!(
            e.to_string(),
            "athena call failed (NotFound at /v1/{practiceid}/patients/changed)"
        );
        assert!(!format!("{e:?}").contains("SMITH"));
        assert!(e.source().is_some());
        assert!(!e.is_setup_required());
    }
}
