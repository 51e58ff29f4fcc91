//! Audit records of every model call: which prompt (id, version, hash), which model, a hash
//! of what the model saw, its output, the validation result and the reviewer's decision.
//!
//! Records hold de-identified text only, unless a sink is explicitly configured to keep PHI.

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::Path;
use std::sync::{Mutex, PoisonError};

use serde::{Deserialize, Serialize};

use crate::{AiError, AiErrorKind};

/// One audit record (one JSON line).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuditRecord {
    /// RFC 3339 time.
    pub time: String,
    /// Pipeline name (`inbox_triage`, `soap_draft`, …).
    pub pipeline: String,
    /// Prompt template id.
    pub prompt_id: String,
    /// Prompt template version.
    pub prompt_version: String,
    /// SHA-256 of the template text.
    pub prompt_hash: String,
    /// The model id.
    pub model_id: String,
    /// Whether the model was PHI-allowed (then the input hash is over raw text).
    pub phi_allowed_model: bool,
    /// SHA-256 of the de-identified input the model received.
    pub input_hash: String,
    /// The model output as received (de-identified for non-PHI models); `None` when the sink
    /// drops outputs of PHI-allowed models.
    pub output: Option<String>,
    /// `ok`, or the validation problems.
    pub validation: Vec<String>,
    /// Reviewer decision, filled by a later record keyed by the same `draft_id`.
    pub review: Option<String>,
    /// Links the generation record to its review record.
    pub draft_id: String,
    /// Review records: the reviewer's authenticated subject.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reviewer_subject: Option<String>,
    /// Review records: how the reviewer was authenticated (the authenticator's method;
    /// `sandbox-unverified` for [`crate::review::SandboxAuthenticator`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reviewer_auth: Option<String>,
    /// Review records: the reason given for approving over blocking problems.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub override_reason: Option<String>,
}

/// Where audit records go. Failing to write one stops the pipeline.
pub trait AuditSink: Send + Sync {
    /// Writes one record.
    fn record(&self, record: &AuditRecord) -> Result<(), AiError>;
}

/// Appends JSON lines to a file.
pub struct JsonlFileSink {
    file: Mutex<File>,
    keep_phi_outputs: bool,
}

impl JsonlFileSink {
    /// Opens (creates or appends to) `path`. Outputs of PHI-allowed models are dropped.
    pub fn open(path: impl AsRef<Path>) -> Result<Self, AiError> {
        let file = OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
            .map_err(|e| {
                AiError::new(AiErrorKind::Audit, format!("open: {}", e.kind())).with_source(e)
            })?;
        Ok(JsonlFileSink {
            file: Mutex::new(file),
            keep_phi_outputs: false,
        })
    }

    /// Keeps outputs of PHI-allowed models too (they may hold raw PHI). Off by default.
    pub fn keep_phi_outputs(mut self, keep: bool) -> Self {
        self.keep_phi_outputs = keep;
        self
    }
}

impl AuditSink for JsonlFileSink {
    fn record(&self, record: &AuditRecord) -> Result<(), AiError> {
        let mut r = record.clone();
        if r.phi_allowed_model && !self.keep_phi_outputs {
            r.output = None;
        }
        let mut line =
            serde_json::to_vec(&r).map_err(|_| AiError::new(AiErrorKind::Audit, "encode"))?;
        line.push(b'\n');
        let mut f = self.file.lock().unwrap_or_else(PoisonError::into_inner);
        f.write_all(&line).and_then(|()| f.flush()).map_err(|e| {
            AiError::new(AiErrorKind::Audit, format!("write: {}", e.kind())).with_source(e)
        })
    }
}

/// Keeps records in memory (tests, examples).
#[derive(Default)]
pub struct MemorySink {
    records: Mutex<Vec<AuditRecord>>,
}

impl MemorySink {
    /// Empty.
    pub fn new() -> Self {
        Self::default()
    }
    /// Everything recorded.
    pub fn records(&self) -> Vec<AuditRecord> {
        self.records
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }
}

impl AuditSink for MemorySink {
    fn record(&self, record: &AuditRecord) -> Result<(), AiError> {
        self.records
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(record.clone());
        Ok(())
    }
}
