//! The review gate. Model output is a [`Draft`]; only an authenticated reviewer's decision
//! turns it into an [`Approved`] value, and write-back functions take `Approved` **by value**,
//! so one approval makes at most one write.
//!
//! The rules:
//!
//! - A [`Reviewer`] is an identity the application authenticated: it is built only by
//!   [`Reviewer::authenticate`] from an application-implemented [`Authenticator`] (a session
//!   check, an OIDC token verifier, …). The authenticator's [`Authenticator::method`] is written
//!   to every review record. [`SandboxAuthenticator`] exists for examples and tests; its
//!   records say `sandbox-unverified`.
//! - A draft with **blocking problems** (statements the validator found unsupported) cannot be
//!   approved as is: [`Draft::approve`] fails with [`AiErrorKind::ReviewBlocked`]. The reviewer
//!   either edits the draft (the pipeline's check runs again on the edited value, see
//!   [`Draft::edit`]) or approves over the problems with an explicit [`Override`] that carries
//!   a reason, which is audited ([`Draft::approve_with_override`]). Advisory notes
//!   ([`Draft::advisories`]) are shown but do not block.
//! - [`Approved`] is neither `Clone` nor `Copy`, and has no public constructor.
//!
//! A draft cannot be written:
//!
//! ```compile_fail
//! use athena_ai::review::{Approved, Draft};
//! fn write_back(_: Approved<String>) {}
//! let draft: Draft<String> = unreachable!();
//! write_back(draft); // a draft cannot be written
//! ```
//!
//! Nor can an approval be forged (the fields are private):
//!
//! ```compile_fail
//! use athena_ai::review::Approved;
//! let forged = Approved { value: String::new(), reviewer: String::new() };
//! ```
//!
//! An approval is single-use: it cannot be cloned …
//!
//! ```compile_fail
//! use athena_ai::review::Approved;
//! fn twice(a: Approved<String>) -> (Approved<String>, Approved<String>) {
//!     (a.clone(), a)
//! }
//! ```
//!
//! … nor copied, nor used again after a write took it:
//!
//! ```compile_fail
//! use athena_ai::review::Approved;
//! fn write_back(_: Approved<String>) {}
//! fn twice(a: Approved<String>) {
//!     write_back(a);
//!     write_back(a); // use of moved value
//! }
//! ```
//!
//! A reviewer cannot be made from a free string (there is no `Reviewer::new`, and the fields
//! are private):
//!
//! ```compile_fail
//! use athena_ai::review::Reviewer;
//! let r = Reviewer::new("Dr. Anybody");
//! ```
//!
//! ```compile_fail
//! use athena_ai::review::Reviewer;
//! let r = Reviewer { identity: todo!(), method: String::new() };
//! ```
//!
//! The write-backs take the approval by value, so one approval makes one write:
//!
//! ```compile_fail
//! # async fn f(d: athena_core::Department, a: athena_ai::review::Approved<athena_ai::soap::SoapNote>) {
//! let p = athena_core::ids::PatientId::new(1);
//! athena_ai::soap::upload_note(&d, p, a).await.unwrap();
//! athena_ai::soap::upload_note(&d, p, a).await.unwrap(); // the approval was consumed
//! # }
//! ```
//!
//! Where the gate stands: AI output reaches athenahealth only through this crate's
//! write-backs ([`crate::soap::upload_note`], [`crate::triage::post_reply`],
//! [`crate::denial::appeal::SendableAppeal::from_approved`]), each taking `Approved` by value.
//! `athena-rest`'s document upload stays a plain endpoint: `athena-rest` cannot depend on this
//! crate, and making it demand a token minted only from an `Approved` would need a type that
//! `athena-rest` defines and only `athena-ai` can build, which Rust cannot express across crates
//! without making it public to every caller (so it would forge nothing) — and documents that
//! no model wrote (scanned forms, letters) must keep uploading without a review gate.
//!
//! Drafts come only from pipelines (no public test constructor):
//!
//! ```compile_fail
//! use athena_ai::review::Draft;
//! let d = Draft::for_test(String::from("anything"), String::from("id"));
//! ```
//!
//! An override cannot be built without going through [`Override::new`]'s reason check:
//!
//! ```compile_fail
//! use athena_ai::review::Override;
//! let o = Override { reason: String::new() };
//! ```
//!
//! The whole flow, with the sandbox authenticator:
//!
//! ```
//! use athena_ai::audit::MemorySink;
//! use athena_ai::engine::{Call, Engine};
//! use athena_ai::providers::scripted::ScriptedModel;
//! use athena_ai::review::{Override, Reviewer, SandboxAuthenticator};
//! use athena_ai::{AiError, ModelAccess, Prompt};
//! use std::sync::Arc;
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), AiError> {
//! let audit = Arc::new(MemorySink::new());
//! let model = ScriptedModel::new("demo").reply("Take 2 tablets.");
//! let engine = Engine::new(ModelAccess::Deidentified(Arc::new(model)), audit.clone());
//! let template = athena_ai::prompt::TRIAGE_V1;
//! let call = Call {
//!     pipeline: "demo",
//!     template: &template,
//!     prompt: Prompt::user("How many?"),
//!     known: Default::default(),
//! };
//! // A check that finds one blocking problem in the answer.
//! let draft = engine
//!     .text_draft(call, |t: &String| {
//!         if t.contains('2') { vec!["unsupported number 2".into()] } else { vec![] }
//!     })
//!     .await?;
//! let reviewer = Reviewer::authenticate(&SandboxAuthenticator, "RN Example")?;
//! assert_eq!(draft.blocking().len(), 1);
//! // Approving over a blocking problem needs an explicit, audited override.
//! let approved = draft.approve_with_override(
//!     &reviewer,
//!     Override::new("confirmed the dose with the pharmacist by phone")?,
//!     audit.as_ref(),
//! )?;
//! assert!(approved.override_reason().is_some());
//! let last = audit.records().pop().unwrap();
//! assert_eq!(last.reviewer_auth.as_deref(), Some("sandbox-unverified"));
//! assert!(last.override_reason.is_some());
//! # Ok(()) }
//! ```

use std::sync::Arc;

use crate::audit::{AuditRecord, AuditSink};
use crate::{AiError, AiErrorKind};

/// Who the application says the reviewer is, once it has verified their credential.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identity {
    subject: String,
    display_name: String,
}

impl Identity {
    /// A verified identity: a stable subject (user id, `sub` claim) and the name shown on
    /// write-backs. Neither may be blank.
    pub fn new(
        subject: impl Into<String>,
        display_name: impl Into<String>,
    ) -> Result<Self, AiError> {
        let (subject, display_name) = (subject.into(), display_name.into());
        if subject.trim().is_empty() || display_name.trim().is_empty() {
            return Err(AiError::new(
                AiErrorKind::ReviewerAuth,
                "an identity needs a subject and a display name",
            ));
        }
        Ok(Identity {
            subject,
            display_name,
        })
    }
    /// The stable subject.
    pub fn subject(&self) -> &str {
        &self.subject
    }
    /// The display name.
    pub fn display_name(&self) -> &str {
        &self.display_name
    }
}

/// The application's authentication, plugged into the review gate: it checks a credential
/// (a session, a signed token, …) and says who it belongs to.
///
/// ```
/// use athena_ai::{AiError, AiErrorKind};
/// use athena_ai::review::{Authenticator, Identity, Reviewer};
///
/// /// Sessions the application's login created.
/// struct Sessions(std::collections::HashMap<String, (String, String)>);
///
/// impl Authenticator for Sessions {
///     type Credential = str;
///     fn verify(&self, session: &str) -> Result<Identity, AiError> {
///         let (sub, name) = self
///             .0
///             .get(session)
///             .ok_or_else(|| AiError::new(AiErrorKind::ReviewerAuth, "unknown or expired session"))?;
///         Identity::new(sub.as_str(), name.as_str())
///     }
///     fn method(&self) -> &str {
///         "app-session"
///     }
/// }
///
/// let sessions = Sessions([("s-1".to_owned(), ("u42".to_owned(), "Dr. Kim".to_owned()))].into());
/// let reviewer = Reviewer::authenticate(&sessions, "s-1").unwrap();
/// assert_eq!((reviewer.name(), reviewer.subject()), ("Dr. Kim", "u42"));
/// assert!(Reviewer::authenticate(&sessions, "forged").is_err());
/// ```
pub trait Authenticator: Send + Sync {
    /// What the reviewer presents.
    type Credential: ?Sized;
    /// Verifies the credential; an error (e.g. [`AiErrorKind::ReviewerAuth`]) refuses it.
    fn verify(&self, credential: &Self::Credential) -> Result<Identity, AiError>;
    /// How the identity was verified, written to review records (`oidc:issuer`,
    /// `app-session`, …).
    fn method(&self) -> &str;
}

/// For examples, tests and local sandboxes only: takes the reviewer's name on trust, and
/// every review record it produces says `sandbox-unverified`. Never use it where a real person
/// must be identified.
#[derive(Debug, Clone, Copy, Default)]
pub struct SandboxAuthenticator;

impl Authenticator for SandboxAuthenticator {
    type Credential = str;
    fn verify(&self, name: &str) -> Result<Identity, AiError> {
        Identity::new(format!("sandbox:{}", name.trim()), name.trim())
    }
    fn method(&self) -> &str {
        "sandbox-unverified"
    }
}

/// An authenticated human reviewer. The only constructor is [`Reviewer::authenticate`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reviewer {
    identity: Identity,
    method: String,
}

impl Reviewer {
    /// Verifies `credential` with the application's `auth`.
    pub fn authenticate<A: Authenticator + ?Sized>(
        auth: &A,
        credential: &A::Credential,
    ) -> Result<Self, AiError> {
        let identity = auth.verify(credential)?;
        let method = auth.method().trim();
        if method.is_empty() {
            return Err(AiError::new(
                AiErrorKind::ReviewerAuth,
                "the authenticator names no method",
            ));
        }
        Ok(Reviewer {
            identity,
            method: method.to_owned(),
        })
    }
    /// The display name (shown on write-backs).
    pub fn name(&self) -> &str {
        &self.identity.display_name
    }
    /// The stable subject the authenticator verified.
    pub fn subject(&self) -> &str {
        &self.identity.subject
    }
    /// How the reviewer was authenticated.
    pub fn auth_method(&self) -> &str {
        &self.method
    }
}

/// An explicit decision to approve over blocking problems, with the reviewer's reason.
#[derive(Debug, PartialEq, Eq)]
pub struct Override {
    reason: String,
}

/// Fewest non-blank characters an override reason must have.
pub const MIN_OVERRIDE_REASON: usize = 10;

impl Override {
    /// An override; the reason must have at least [`MIN_OVERRIDE_REASON`] non-blank
    /// characters ("ok" is not a reason).
    pub fn new(reason: impl Into<String>) -> Result<Self, AiError> {
        let reason = reason.into();
        if reason.chars().filter(|c| !c.is_whitespace()).count() < MIN_OVERRIDE_REASON {
            return Err(AiError::new(
                AiErrorKind::Config,
                format!("an override needs a reason of at least {MIN_OVERRIDE_REASON} characters"),
            ));
        }
        Ok(Override {
            reason: reason.trim().to_owned(),
        })
    }
    /// The reason.
    pub fn reason(&self) -> &str {
        &self.reason
    }
}

/// The check a pipeline runs again on an edited value (blocking problems).
type Check<T> = Arc<dyn Fn(&T) -> Vec<String> + Send + Sync>;

/// AI output awaiting review. It cannot be written back, cloned or built outside a pipeline.
pub struct Draft<T> {
    value: T,
    draft_id: String,
    blocking: Vec<String>,
    advisories: Vec<String>,
    check: Option<Check<T>>,
    edited: bool,
}

impl<T: std::fmt::Debug> std::fmt::Debug for Draft<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Draft")
            .field("value", &self.value)
            .field("draft_id", &self.draft_id)
            .field("blocking", &self.blocking)
            .field("advisories", &self.advisories)
            .field("edited", &self.edited)
            .finish_non_exhaustive()
    }
}

/// An approved value: the only input write-back functions take, by value. Not `Clone`.
#[derive(Debug, PartialEq)]
pub struct Approved<T> {
    value: T,
    reviewer: String,
    subject: String,
    edited: bool,
    override_reason: Option<String>,
}

/// A rejected draft, with the reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejected {
    /// Who rejected it.
    pub reviewer: String,
    /// Why.
    pub reason: String,
}

impl<T> Draft<T> {
    /// A draft whose `problems` are blocking (statements the pipeline's validator found
    /// unsupported).
    pub(crate) fn new(value: T, draft_id: String, problems: Vec<String>) -> Self {
        Draft {
            value,
            draft_id,
            blocking: problems,
            advisories: Vec::new(),
            check: None,
            edited: false,
        }
    }
    /// Adds notes the reviewer must see that do not block approval.
    pub(crate) fn with_advisories(mut self, notes: Vec<String>) -> Self {
        self.advisories.extend(notes);
        self
    }
    /// The check that produced the blocking problems, run again after an edit.
    pub(crate) fn with_check(
        mut self,
        check: impl Fn(&T) -> Vec<String> + Send + Sync + 'static,
    ) -> Self {
        self.check = Some(Arc::new(check));
        self
    }
    /// A draft for this crate's unit tests.
    #[cfg(test)]
    pub(crate) fn for_test(value: T, draft_id: String) -> Self {
        Draft::new(value, draft_id, Vec::new())
    }
    /// The proposed value, to show the reviewer.
    pub fn value(&self) -> &T {
        &self.value
    }
    /// Blocking problems: approval needs an edit that clears them or an [`Override`].
    pub fn problems(&self) -> &[String] {
        &self.blocking
    }
    /// Same as [`Draft::problems`].
    pub fn blocking(&self) -> &[String] {
        &self.blocking
    }
    /// Notes the reviewer should see that do not block approval (a forced urgency, a long
    /// letter, …).
    pub fn advisories(&self) -> &[String] {
        &self.advisories
    }
    /// Links the draft to its audit record.
    pub fn draft_id(&self) -> &str {
        &self.draft_id
    }
    /// True when a reviewer edited it.
    pub fn was_edited(&self) -> bool {
        self.edited
    }

    /// Approves as is. Fails with [`AiErrorKind::ReviewBlocked`] (and records the refusal) when
    /// the draft has blocking problems.
    pub fn approve(
        self,
        reviewer: &Reviewer,
        audit: &dyn AuditSink,
    ) -> Result<Approved<T>, AiError> {
        if !self.blocking.is_empty() {
            let n = self.blocking.len();
            log_review(
                audit,
                &self.draft_id,
                reviewer,
                format!(
                    "approval refused for {}: {n} blocking problem(s)",
                    reviewer.name()
                ),
                None,
            )?;
            return Err(AiError::review_blocked(n));
        }
        let decision = if self.edited {
            format!("edited and approved by {}", reviewer.name())
        } else {
            format!("approved by {}", reviewer.name())
        };
        log_review(audit, &self.draft_id, reviewer, decision, None)?;
        Ok(self.into_approved(reviewer, None))
    }

    /// Approves over the blocking problems, with the reviewer's reason (audited). Without
    /// blocking problems it is a plain approval that still records the reason.
    pub fn approve_with_override(
        self,
        reviewer: &Reviewer,
        reason: Override,
        audit: &dyn AuditSink,
    ) -> Result<Approved<T>, AiError> {
        let decision = format!(
            "{} by {} over {} blocking problem(s)",
            if self.edited {
                "edited and approved"
            } else {
                "approved"
            },
            reviewer.name(),
            self.blocking.len()
        );
        log_review(
            audit,
            &self.draft_id,
            reviewer,
            decision,
            Some(reason.reason.clone()),
        )?;
        Ok(self.into_approved(reviewer, Some(reason.reason)))
    }

    /// Replaces the value with the reviewer's edit (audited). When the pipeline supplied its
    /// check, it runs again on the edited value and its result replaces the blocking
    /// problems; otherwise they stay (only the pipeline knows what they meant).
    pub fn edit(
        mut self,
        reviewer: &Reviewer,
        edit: impl FnOnce(T) -> T,
        audit: &dyn AuditSink,
    ) -> Result<Draft<T>, AiError> {
        self.value = edit(self.value);
        self.edited = true;
        if let Some(check) = &self.check {
            self.blocking = check(&self.value);
        }
        log_review(
            audit,
            &self.draft_id,
            reviewer,
            format!(
                "edited by {}; {} blocking problem(s) left",
                reviewer.name(),
                self.blocking.len()
            ),
            None,
        )?;
        Ok(self)
    }

    /// [`Draft::edit`], then [`Draft::approve`]: fails with [`AiErrorKind::ReviewBlocked`] when
    /// the edit did not clear the blocking problems.
    pub fn edit_and_approve(
        self,
        reviewer: &Reviewer,
        edit: impl FnOnce(T) -> T,
        audit: &dyn AuditSink,
    ) -> Result<Approved<T>, AiError> {
        self.edit(reviewer, edit, audit)?.approve(reviewer, audit)
    }

    /// Rejects; the reason must not be blank.
    pub fn reject(
        self,
        reviewer: &Reviewer,
        reason: impl Into<String>,
        audit: &dyn AuditSink,
    ) -> Result<Rejected, AiError> {
        let reason = reason.into();
        if reason.trim().is_empty() {
            return Err(AiError::new(
                AiErrorKind::Config,
                "a rejection needs a reason",
            ));
        }
        log_review(
            audit,
            &self.draft_id,
            reviewer,
            format!("rejected by {}", reviewer.name()),
            None,
        )?;
        Ok(Rejected {
            reviewer: reviewer.name().to_owned(),
            reason,
        })
    }

    fn into_approved(self, reviewer: &Reviewer, override_reason: Option<String>) -> Approved<T> {
        Approved {
            value: self.value,
            reviewer: reviewer.name().to_owned(),
            subject: reviewer.subject().to_owned(),
            edited: self.edited,
            override_reason,
        }
    }
}

impl<T> Approved<T> {
    /// The approved value.
    pub fn value(&self) -> &T {
        &self.value
    }
    /// Who approved it (display name).
    pub fn reviewer(&self) -> &str {
        &self.reviewer
    }
    /// The approver's authenticated subject.
    pub fn reviewer_subject(&self) -> &str {
        &self.subject
    }
    /// True when the reviewer edited before approving.
    pub fn was_edited(&self) -> bool {
        self.edited
    }
    /// The override reason, when it was approved over blocking problems.
    pub fn override_reason(&self) -> Option<&str> {
        self.override_reason.as_deref()
    }
}

fn log_review(
    audit: &dyn AuditSink,
    draft_id: &str,
    reviewer: &Reviewer,
    decision: String,
    override_reason: Option<String>,
) -> Result<(), AiError> {
    audit.record(&AuditRecord {
        time: chrono::Utc::now().to_rfc3339(),
        pipeline: "review".into(),
        prompt_id: String::new(),
        prompt_version: String::new(),
        prompt_hash: String::new(),
        model_id: String::new(),
        phi_allowed_model: false,
        input_hash: String::new(),
        output: None,
        validation: Vec::new(),
        review: Some(decision),
        draft_id: draft_id.to_owned(),
        reviewer_subject: Some(reviewer.subject().to_owned()),
        reviewer_auth: Some(reviewer.auth_method().to_owned()),
        override_reason,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::MemorySink;

    fn reviewer() -> Reviewer {
        Reviewer::authenticate(&SandboxAuthenticator, "RN Test").unwrap()
    }

    #[test]
    fn blocking_problems_need_an_edit_that_clears_them_or_an_override() {
        let audit = MemorySink::new();
        let check = |v: &String| {
            if v.contains("999") {
                vec!["unsupported number 999".to_owned()]
            } else {
                vec![]
            }
        };
        let draft = || {
            Draft::new(
                "HR 999".to_owned(),
                "d-1".into(),
                check(&"HR 999".to_owned()),
            )
            .with_check(check)
        };
        assert_eq!(
            draft().approve(&reviewer(), &audit).unwrap_err().blocking(),
            Some(1)
        );
        assert!(Override::new("ok").is_err());
        assert!(Override::new("          ").is_err());
        let a = draft()
            .approve_with_override(
                &reviewer(),
                Override::new("checked the monitor strip").unwrap(),
                &audit,
            )
            .unwrap();
        assert_eq!(a.override_reason(), Some("checked the monitor strip"));
        // An edit that leaves the problem still blocks; one that removes it approves.
        assert!(
            draft()
                .edit_and_approve(&reviewer(), |v| v + ".", &audit)
                .is_err()
        );
        let a = draft()
            .edit_and_approve(&reviewer(), |_| "HR 72".into(), &audit)
            .unwrap();
        assert!(a.was_edited() && a.override_reason().is_none());
        // Without a check the problems stay after an edit.
        let unchecked = Draft::new("x".to_owned(), "d-2".into(), vec!["p".into()]);
        assert!(
            unchecked
                .edit_and_approve(&reviewer(), |_| "y".into(), &audit)
                .is_err()
        );
        let records = audit.records();
        assert!(
            records
                .iter()
                .all(|r| r.reviewer_auth.as_deref() == Some("sandbox-unverified"))
        );
        assert!(
            records
                .iter()
                .any(|r| r.override_reason.as_deref() == Some("checked the monitor strip"))
        );
        assert!(records.iter().any(|r| {
            r.review
                .as_deref()
                .is_some_and(|d| d.starts_with("approval refused"))
        }));
    }

    #[test]
    fn advisories_do_not_block_and_test_drafts_are_crate_private() {
        let audit = MemorySink::new();
        let d = Draft::for_test(1u8, "d".into()).with_advisories(vec!["long".into()]);
        assert_eq!(d.advisories(), ["long"]);
        let a = d.approve(&reviewer(), &audit).unwrap();
        assert_eq!(
            (*a.value(), a.reviewer(), a.reviewer_subject()),
            (1, "RN Test", "sandbox:RN Test")
        );
    }

    #[test]
    fn blank_identities_are_refused() {
        assert!(Reviewer::authenticate(&SandboxAuthenticator, "  ").is_err());
        struct NoMethod;
        impl Authenticator for NoMethod {
            type Credential = ();
            fn verify(&self, (): &()) -> Result<Identity, AiError> {
                Identity::new("u", "U")
            }
            fn method(&self) -> &str {
                " "
            }
        }
        assert!(Reviewer::authenticate(&NoMethod, &()).is_err());
    }
}
