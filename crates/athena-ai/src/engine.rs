//! One guarded model call: PHI guard (unless the model is PHI-allowed) → model → re-identify
//! → parse → validate → at most one repair round → audit record.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use serde::de::DeserializeOwned;

use crate::audit::{AuditRecord, AuditSink};
use crate::model::{FinishReason, Message, ModelAccess, ModelRequest, OutputMode, Prompt};
use crate::phi::{KnownIdentifiers, PhiGuard, Vault};
use crate::prompt::{PromptTemplate, sha256_hex};
use crate::providers::strip_fence;
use crate::review::Draft;
use crate::{AiError, AiErrorKind};

/// Runs guarded, audited model calls for the pipelines.
#[derive(Clone)]
pub struct Engine {
    access: ModelAccess,
    audit: Arc<dyn AuditSink>,
}

/// What a pipeline asks of the engine.
pub struct Call<'a> {
    /// Pipeline name for the audit record.
    pub pipeline: &'a str,
    /// The template the prompt was rendered from.
    pub template: &'a PromptTemplate,
    /// The rendered prompt (may hold PHI).
    pub prompt: Prompt,
    /// Identifiers known from the chart, replaced exactly for non-PHI models.
    pub known: KnownIdentifiers,
}

/// A successful call: the value, its draft id (for the review record), and the text.
#[derive(Debug, Clone)]
pub struct Output<T> {
    /// Parsed and validated value (re-identified).
    pub value: T,
    /// Links to the audit record.
    pub draft_id: String,
}

static DRAFTS: AtomicU64 = AtomicU64::new(0);

impl Engine {
    /// An engine over `access`, auditing to `audit`.
    pub fn new(access: ModelAccess, audit: Arc<dyn AuditSink>) -> Self {
        Engine { access, audit }
    }

    /// The audit sink (review decisions go to the same place).
    pub fn audit(&self) -> &dyn AuditSink {
        self.audit.as_ref()
    }

    /// Free-text generation.
    pub async fn text(&self, call: Call<'_>) -> Result<Output<String>, AiError> {
        self.run(
            call,
            |v: &serde_json::Value| Ok(v.as_str().unwrap_or_default().to_owned()),
            |_| Vec::new(),
        )
        .await
    }

    /// Free-text generation into a [`Draft`] for review: `check` lists the blocking
    /// problems (run on the output, and again on a reviewer's edit).
    pub async fn text_draft(
        &self,
        call: Call<'_>,
        check: impl Fn(&String) -> Vec<String> + Send + Sync + 'static,
    ) -> Result<Draft<String>, AiError> {
        let out = self.text(call).await?;
        let problems = check(&out.value);
        Ok(Draft::new(out.value, out.draft_id, problems).with_check(check))
    }

    /// Structured generation: the prompt's JSON schema, serde into `T`, then `validate`
    /// (problems are fed back once for a repair round).
    pub async fn structured<T: DeserializeOwned>(
        &self,
        call: Call<'_>,
        validate: impl Fn(&T) -> Vec<String>,
    ) -> Result<Output<T>, AiError> {
        self.run(
            call,
            |v: &serde_json::Value| {
                serde_json::from_value::<T>(v.clone())
                    .map_err(|e| vec![format!("schema: {}", schema_error(&e))])
            },
            validate,
        )
        .await
    }

    async fn run<T>(
        &self,
        call: Call<'_>,
        parse: impl Fn(&serde_json::Value) -> Result<T, Vec<String>>,
        validate: impl Fn(&T) -> Vec<String>,
    ) -> Result<Output<T>, AiError> {
        let json_mode = matches!(call.prompt.output, OutputMode::JsonSchema { .. });
        let guard = PhiGuard::new(call.known);
        let (mut request, mut vault, phi_allowed): (ModelRequest, Option<Vault>, bool) =
            match &self.access {
                ModelAccess::PhiAllowed(m) => (m.request(call.prompt), None, true),
                ModelAccess::Deidentified(_) => {
                    let (p, v) = guard.deidentify(call.prompt)?;
                    (ModelRequest::from(p), Some(v), false)
                }
            };
        let model = self.access.model();
        let draft_id = format!(
            "{}-{}-{}",
            call.pipeline,
            chrono::Utc::now().timestamp_millis(),
            DRAFTS.fetch_add(1, Ordering::Relaxed)
        );
        for round in 0..2 {
            let input_hash = sha256_hex(
                serde_json::to_string(request.prompt())
                    .unwrap_or_default()
                    .as_bytes(),
            );
            let record = |output: Option<String>, validation: Vec<String>| AuditRecord {
                time: chrono::Utc::now().to_rfc3339(),
                pipeline: call.pipeline.to_owned(),
                prompt_id: call.template.id.to_owned(),
                prompt_version: call.template.version.to_owned(),
                prompt_hash: call.template.hash(),
                model_id: model.model_id(),
                phi_allowed_model: phi_allowed,
                input_hash: input_hash.clone(),
                output,
                validation,
                review: None,
                draft_id: draft_id.clone(),
                reviewer_subject: None,
                reviewer_auth: None,
                override_reason: None,
            };
            let response = match match request.check_recipient(&**model) {
                Ok(()) => model.generate(&request).await,
                Err(e) => Err(e),
            } {
                Ok(r) => r,
                Err(e) => {
                    self.audit
                        .record(&record(None, vec![format!("error: {e}")]))?;
                    return Err(e);
                }
            };
            if json_mode && response.finish == FinishReason::Length {
                self.audit
                    .record(&record(Some(response.text), vec!["truncated".into()]))?;
                return Err(AiError::from(AiErrorKind::Truncated));
            }
            let mut value = if json_mode {
                serde_json::from_str::<serde_json::Value>(strip_fence(&response.text))
                    .map_err(|e| vec![format!("not valid JSON ({})", e.classify_name())])
            } else {
                Ok(serde_json::Value::String(response.text.clone()))
            };
            if let (Ok(v), Some(vault)) = (&mut value, &vault) {
                vault.reidentify_json(v);
            }
            let problems = match value.and_then(|v| parse(&v)) {
                Ok(t) => {
                    let problems = validate(&t);
                    if problems.is_empty() {
                        self.audit
                            .record(&record(Some(response.text), vec!["ok".into()]))?;
                        return Ok(Output { value: t, draft_id });
                    }
                    problems
                }
                Err(p) => p,
            };
            self.audit
                .record(&record(Some(response.text.clone()), problems.clone()))?;
            if round == 1 {
                return Err(AiError::validation(problems));
            }
            let mut feedback = format!(
                "Your answer had these problems:\n- {}\nAnswer again with the corrected JSON only.",
                problems.join("\n- ")
            );
            if let Some(vault) = &mut vault {
                // Validation messages quote re-identified text: scrub with the same vault.
                feedback = guard.scrub(&feedback, vault);
                guard.verify(&feedback)?;
            }
            request = request.with_turns(vec![
                Message::assistant(response.text),
                Message::user(feedback),
            ]);
        }
        Err(AiError::validation(vec!["no rounds left".into()]))
    }
}

trait ClassifyName {
    fn classify_name(&self) -> &'static str;
}

impl ClassifyName for serde_json::Error {
    fn classify_name(&self) -> &'static str {
        match self.classify() {
            serde_json::error::Category::Eof => "ends early",
            serde_json::error::Category::Syntax => "syntax error",
            serde_json::error::Category::Data => "wrong types",
            serde_json::error::Category::Io => "io",
        }
    }
}

/// serde's message without quoted values (which could be PHI): keeps "missing field `x`",
/// "unknown variant", drops what follows a colon.
fn schema_error(e: &serde_json::Error) -> String {
    let msg = e.to_string();
    let msg = msg.split(" at line").next().unwrap_or(&msg);
    if msg.starts_with("missing field") {
        msg.to_owned()
    } else {
        msg.split(&[':', '"'][..])
            .next()
            .unwrap_or("invalid")
            .trim()
            .to_owned()
    }
}
