//! The model trait and the request/response values every backend translates.
//!
//! A [`ModelRequest`] can only be made from a [`Deidentified`] prompt, or inside a
//! [`PhiAllowedModel`] (a model the operator declared allowed to see PHI). So raw chart text
//! cannot reach a model that is not allowed to see it without passing through the PHI guard.

use std::sync::{Arc, Weak};

use futures::future::BoxFuture;
use serde::{Deserialize, Serialize};

use crate::phi::Deidentified;
use crate::{AiError, AiErrorKind};

/// Who says a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// The person (or pipeline) asking.
    User,
    /// The model.
    Assistant,
}

/// One conversation turn.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Message {
    /// Who says it.
    pub role: Role,
    /// The text.
    pub content: String,
}

impl Message {
    /// A user turn.
    pub fn user(content: impl Into<String>) -> Message {
        Message {
            role: Role::User,
            content: content.into(),
        }
    }
    /// An assistant turn.
    pub fn assistant(content: impl Into<String>) -> Message {
        Message {
            role: Role::Assistant,
            content: content.into(),
        }
    }
}

/// Plain text or JSON constrained by a JSON schema.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum OutputMode {
    /// Free text.
    Text,
    /// A JSON document that must match `schema`.
    JsonSchema {
        /// A short name for the schema (OpenAI requires one).
        name: String,
        /// The JSON schema.
        schema: serde_json::Value,
    },
}

/// A prompt as the pipeline builds it. It may hold PHI: turn it into a [`ModelRequest`] with
/// [`crate::phi::PhiGuard::deidentify`] or hand it to a [`PhiAllowedModel`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Prompt {
    /// System instructions.
    pub system: Option<String>,
    /// The turns.
    pub messages: Vec<Message>,
    /// Upper bound on output tokens.
    pub max_tokens: u32,
    /// Sampling temperature (`None`: the provider's default).
    pub temperature: Option<f32>,
    /// Text or JSON-schema output.
    pub output: OutputMode,
}

impl Prompt {
    /// A single user turn with defaults (1024 tokens, temperature 0, text output).
    pub fn user(text: impl Into<String>) -> Prompt {
        Prompt {
            system: None,
            messages: vec![Message::user(text)],
            max_tokens: 1024,
            temperature: Some(0.0),
            output: OutputMode::Text,
        }
    }
    /// Sets the system instructions.
    pub fn with_system(mut self, system: impl Into<String>) -> Prompt {
        self.system = Some(system.into());
        self
    }
    /// Asks for JSON matching `schema`.
    pub fn with_json_schema(
        mut self,
        name: impl Into<String>,
        schema: serde_json::Value,
    ) -> Prompt {
        self.output = OutputMode::JsonSchema {
            name: name.into(),
            schema,
        };
        self
    }
    /// Sets the output token bound.
    pub fn with_max_tokens(mut self, n: u32) -> Prompt {
        self.max_tokens = n;
        self
    }
    /// Every text the prompt holds, for scanning.
    pub fn texts(&self) -> impl Iterator<Item = &str> {
        self.system
            .as_deref()
            .into_iter()
            .chain(self.messages.iter().map(|m| m.content.as_str()))
    }
}

/// What a backend receives. Build one from a [`Deidentified`] prompt (`ModelRequest::from`);
/// only [`PhiAllowedModel`] makes one from a raw [`Prompt`], and that request is **bound to
/// the declared model**: sending it to any other model fails at `generate` time with
/// [`AiErrorKind::PhiModelMismatch`] (see [`ModelRequest::check_recipient`]).
#[derive(Debug, Clone, PartialEq)]
pub struct ModelRequest {
    prompt: Prompt,
    contains_phi: bool,
    bound: Option<PhiBinding>,
}

/// The model instance a PHI request was made for (a weak reference, so the address cannot
/// be reused by another model while the request exists) and its id, for error messages.
#[derive(Clone)]
struct PhiBinding {
    model: Weak<dyn LanguageModel>,
    model_id: String,
}

impl std::fmt::Debug for PhiBinding {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "PhiBinding({})", self.model_id)
    }
}

impl PartialEq for PhiBinding {
    fn eq(&self, other: &Self) -> bool {
        Weak::ptr_eq(&self.model, &other.model)
    }
}

impl From<Deidentified<Prompt>> for ModelRequest {
    fn from(p: Deidentified<Prompt>) -> Self {
        ModelRequest {
            prompt: p.into_inner(),
            contains_phi: false,
            bound: None,
        }
    }
}

impl ModelRequest {
    /// The prompt this request carries.
    pub fn prompt(&self) -> &Prompt {
        &self.prompt
    }
    /// True when the request was made by a [`PhiAllowedModel`] and may hold raw PHI.
    pub fn may_contain_phi(&self) -> bool {
        self.contains_phi
    }
    /// The model id a PHI request is bound to (`None` for de-identified requests).
    pub fn bound_model_id(&self) -> Option<&str> {
        self.bound.as_ref().map(|b| b.model_id.as_str())
    }

    /// Checks that `model` may receive this request: a de-identified request may go
    /// anywhere; a PHI request only to the very model instance it was declared for. Every
    /// built-in backend calls this first in `generate`, and so does the engine; a custom
    /// [`LanguageModel`] should too.
    ///
    /// ```
    /// use std::sync::Arc;
    /// use athena_ai::providers::scripted::ScriptedModel;
    /// use athena_ai::{AiErrorKind, LanguageModel, PhiAllowedModel, Prompt};
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let local = PhiAllowedModel::declare(Arc::new(ScriptedModel::new("local").reply("ok")), "self-hosted").unwrap();
    /// let request = local.request(Prompt::user("Ana Ruiz, DOB 02/03/1950"));
    /// assert!(local.model().generate(&request).await.is_ok());
    /// // The same request sent to a model not declared PHI-allowed is refused.
    /// let cloud = ScriptedModel::new("cloud").reply("ok");
    /// assert!(matches!(
    ///     cloud.generate(&request).await,
    ///     Err(e) if e.kind() == AiErrorKind::PhiModelMismatch
    /// ));
    /// assert!(cloud.requests().is_empty());
    /// # }
    /// ```
    pub fn check_recipient<M: LanguageModel + ?Sized>(&self, model: &M) -> Result<(), AiError> {
        if !self.contains_phi {
            return Ok(());
        }
        let mismatch = || {
            AiError::phi_model_mismatch(
                self.bound
                    .as_ref()
                    .map_or_else(|| "no model".to_owned(), |b| b.model_id.clone()),
                model.model_id(),
            )
        };
        match &self.bound {
            Some(b)
                if std::ptr::addr_eq(b.model.as_ptr(), std::ptr::from_ref(model))
                    && b.model.strong_count() > 0 =>
            {
                Ok(())
            }
            _ => Err(mismatch()),
        }
    }

    /// For a model that wraps another (a cache, a router): re-binds a PHI request bound to
    /// `wrapper` so it can be forwarded to `inner`. Fails unless the request is bound to
    /// `wrapper` itself, so only the declared model can hand its request on.
    pub fn delegate<W: LanguageModel + ?Sized>(
        &self,
        wrapper: &W,
        inner: &Arc<dyn LanguageModel>,
    ) -> Result<ModelRequest, AiError> {
        self.check_recipient(wrapper)?;
        let mut next = self.clone();
        if next.contains_phi {
            next.bound = Some(PhiBinding {
                model: Arc::downgrade(inner),
                model_id: inner.model_id(),
            });
        }
        Ok(next)
    }

    /// The same request with an extra pair of turns (used by the structured-output repair
    /// round; the new text is the model's own output and our validation messages).
    pub(crate) fn with_turns(&self, extra: Vec<Message>) -> ModelRequest {
        let mut next = self.clone();
        next.prompt.messages.extend(extra);
        next
    }
}

/// Why the model stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub enum FinishReason {
    /// Natural end.
    Stop,
    /// Hit the token limit.
    Length,
    /// Anything else the provider reported.
    Other,
}

/// Token counts when the provider reports them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Usage {
    /// Prompt tokens.
    pub input_tokens: u64,
    /// Output tokens.
    pub output_tokens: u64,
}

/// A model's answer.
#[derive(Debug, Clone, PartialEq)]
pub struct ModelResponse {
    /// The output text (JSON in JSON-schema mode).
    pub text: String,
    /// Why it stopped.
    pub finish: FinishReason,
    /// The model id the provider reported.
    pub model: String,
    /// Token usage.
    pub usage: Option<Usage>,
}

/// A language model. One required async method, dyn-compatible (`Arc<dyn LanguageModel>`).
pub trait LanguageModel: Send + Sync {
    /// Generates a response. Refusals are `Err(AiError::Refusal)`; a length stop is
    /// `Ok` with [`FinishReason::Length`].
    fn generate<'a>(
        &'a self,
        request: &'a ModelRequest,
    ) -> BoxFuture<'a, Result<ModelResponse, AiError>>;

    /// A stable id for audit records (`provider:model`).
    fn model_id(&self) -> String {
        "unknown".to_owned()
    }
}

impl<M: LanguageModel + ?Sized> LanguageModel for Arc<M> {
    fn generate<'a>(
        &'a self,
        request: &'a ModelRequest,
    ) -> BoxFuture<'a, Result<ModelResponse, AiError>> {
        (**self).generate(request)
    }
    fn model_id(&self) -> String {
        (**self).model_id()
    }
}

/// A model the operator declared allowed to see PHI (e.g. self-hosted, or covered by a BAA).
/// It is the only way a raw [`Prompt`] becomes a [`ModelRequest`].
#[derive(Clone)]
pub struct PhiAllowedModel {
    model: Arc<dyn LanguageModel>,
    basis: String,
}

impl PhiAllowedModel {
    /// Declares `model` allowed to see PHI; `basis` says why (recorded in audits), e.g.
    /// `"self-hosted vLLM in our VPC"` or `"BAA 2025-03"`. An empty basis is refused.
    pub fn declare(
        model: Arc<dyn LanguageModel>,
        basis: impl Into<String>,
    ) -> Result<Self, AiError> {
        let basis = basis.into();
        if basis.trim().is_empty() {
            return Err(AiError::new(
                AiErrorKind::Config,
                "a PHI-allowed model needs a stated basis",
            ));
        }
        Ok(PhiAllowedModel { model, basis })
    }
    /// Why this model may see PHI.
    pub fn basis(&self) -> &str {
        &self.basis
    }
    /// The wrapped model.
    pub fn model(&self) -> &Arc<dyn LanguageModel> {
        &self.model
    }
    /// Wraps a raw prompt into a request for this model, and this model only.
    pub fn request(&self, prompt: Prompt) -> ModelRequest {
        ModelRequest {
            prompt,
            contains_phi: true,
            bound: Some(PhiBinding {
                model: Arc::downgrade(&self.model),
                model_id: self.model.model_id(),
            }),
        }
    }
}

/// How a pipeline reaches its model: either PHI-allowed (raw prompt), or de-identifying
/// (every prompt goes through the PHI guard first, output re-identified).
#[derive(Clone)]
pub enum ModelAccess {
    /// May see PHI.
    PhiAllowed(PhiAllowedModel),
    /// Must never see PHI.
    Deidentified(Arc<dyn LanguageModel>),
}

impl ModelAccess {
    /// The underlying model.
    pub fn model(&self) -> &Arc<dyn LanguageModel> {
        match self {
            ModelAccess::PhiAllowed(m) => m.model(),
            ModelAccess::Deidentified(m) => m,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::providers::scripted::ScriptedModel;

    #[tokio::test]
    async fn a_phi_request_goes_only_to_its_model_or_through_its_delegation() {
        let inner: Arc<dyn LanguageModel> = Arc::new(ScriptedModel::new("inner").reply("ok"));
        let declared = PhiAllowedModel::declare(
            Arc::new(ScriptedModel::new("wrapper").reply("ok")),
            "self-hosted",
        )
        .unwrap();
        let request = declared.request(Prompt::user("raw"));
        assert_eq!(request.bound_model_id(), Some("scripted:wrapper"));
        // The inner model is not the declared one.
        assert!(matches!(
            inner.generate(&request).await,
            Err(e) if e.kind() == AiErrorKind::PhiModelMismatch
        ));
        // The declared model may hand it on; nobody else may.
        let handed = request.delegate(declared.model().as_ref(), &inner).unwrap();
        assert!(inner.generate(&handed).await.is_ok());
        assert!(request.delegate(inner.as_ref(), &inner).is_err());
        // De-identified requests go anywhere.
        let other = ScriptedModel::new("other").reply("ok");
        let plain = ModelRequest::from(
            crate::phi::PhiGuard::default()
                .deidentify(Prompt::user("hi"))
                .unwrap()
                .0,
        );
        assert!(other.generate(&plain).await.is_ok());
    }
}
