//! The review gate. Model output is a [`Draft`]; only a named reviewer's decision turns it
//! into an [`Approved`] value, and write-back functions accept only `Approved`.
//!
//! ```compile_fail
//! use athena_ai::review::{Approved, Draft};
//! fn write_back(_: Approved<String>) {}
//! let draft: Draft<String> = unreachable!();
//! write_back(draft); // a draft cannot be written
//! ```
//!
//! ```compile_fail
//! use athena_ai::review::Approved;
//! // Nor can an approval be forged: the fields are private.
//! let forged = Approved { value: String::new(), reviewer: String::new() };
//! ```

use crate::AiError;
use crate::audit::{AuditRecord, AuditSink};

/// A named human reviewer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reviewer {
    name: String,
}

impl Reviewer {
    /// A reviewer; the name must not be blank.
    pub fn new(name: impl Into<String>) -> Result<Self, AiError> {
        let name = name.into();
        if name.trim().is_empty() {
            return Err(AiError::Config("a reviewer needs a name".into()));
        }
        Ok(Reviewer { name })
    }
    /// The name.
    pub fn name(&self) -> &str {
        &self.name
    }
}

/// AI output awaiting review. It cannot be written back.
#[derive(Debug, Clone, PartialEq)]
pub struct Draft<T> {
    value: T,
    draft_id: String,
    problems: Vec<String>,
}

/// An approved value: the only input write-back functions take.
#[derive(Debug, Clone, PartialEq)]
pub struct Approved<T> {
    value: T,
    reviewer: String,
    edited: bool,
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
    pub(crate) fn new(value: T, draft_id: String, problems: Vec<String>) -> Self {
        Draft {
            value,
            draft_id,
            problems,
        }
    }
    /// A draft made outside a pipeline, for tests of review flows. It is still only a draft.
    #[doc(hidden)]
    pub fn for_test(value: T, draft_id: String) -> Self {
        Draft::new(value, draft_id, Vec::new())
    }
    /// The proposed value, to show the reviewer.
    pub fn value(&self) -> &T {
        &self.value
    }
    /// Validation problems the reviewer must see (unsupported statements, …).
    pub fn problems(&self) -> &[String] {
        &self.problems
    }
    /// Links the draft to its audit record.
    pub fn draft_id(&self) -> &str {
        &self.draft_id
    }
    /// Approves as is.
    pub fn approve(
        self,
        reviewer: &Reviewer,
        audit: &dyn AuditSink,
    ) -> Result<Approved<T>, AiError> {
        log_review(
            audit,
            &self.draft_id,
            &format!("approved by {}", reviewer.name),
        )?;
        Ok(Approved {
            value: self.value,
            reviewer: reviewer.name.clone(),
            edited: false,
        })
    }
    /// Replaces the value with the reviewer's edit, then approves.
    pub fn edit_and_approve(
        self,
        reviewer: &Reviewer,
        edit: impl FnOnce(T) -> T,
        audit: &dyn AuditSink,
    ) -> Result<Approved<T>, AiError> {
        log_review(
            audit,
            &self.draft_id,
            &format!("edited and approved by {}", reviewer.name),
        )?;
        Ok(Approved {
            value: edit(self.value),
            reviewer: reviewer.name.clone(),
            edited: true,
        })
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
            return Err(AiError::Config("a rejection needs a reason".into()));
        }
        log_review(
            audit,
            &self.draft_id,
            &format!("rejected by {}", reviewer.name),
        )?;
        Ok(Rejected {
            reviewer: reviewer.name.clone(),
            reason,
        })
    }
}

impl<T> Approved<T> {
    /// The approved value.
    pub fn value(&self) -> &T {
        &self.value
    }
    /// Who approved it.
    pub fn reviewer(&self) -> &str {
        &self.reviewer
    }
    /// True when the reviewer edited before approving.
    pub fn was_edited(&self) -> bool {
        self.edited
    }
}

fn log_review(audit: &dyn AuditSink, draft_id: &str, decision: &str) -> Result<(), AiError> {
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
        review: Some(decision.to_owned()),
        draft_id: draft_id.to_owned(),
    })
}
