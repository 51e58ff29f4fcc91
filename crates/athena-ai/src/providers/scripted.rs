//! A scripted model: replays canned turns (or answers through a function) and records every
//! request it saw. For tests and offline examples.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex, PoisonError};

use futures::future::BoxFuture;

use crate::model::{FinishReason, LanguageModel, ModelRequest, ModelResponse};
use crate::{AiError, AiErrorKind};

type Responder = dyn Fn(&ModelRequest) -> Result<String, AiError> + Send + Sync;

/// A test double for [`LanguageModel`].
#[derive(Clone)]
pub struct ScriptedModel {
    id: String,
    turns: Arc<Mutex<VecDeque<Result<ModelResponse, AiError>>>>,
    responder: Option<Arc<Responder>>,
    seen: Arc<Mutex<Vec<ModelRequest>>>,
}

impl ScriptedModel {
    /// An empty script named `id`.
    pub fn new(id: impl Into<String>) -> Self {
        ScriptedModel {
            id: id.into(),
            turns: Arc::default(),
            responder: None,
            seen: Arc::default(),
        }
    }

    /// Answers every request (after the queued turns run out) with `f(request)`.
    pub fn with_responder(
        mut self,
        f: impl Fn(&ModelRequest) -> Result<String, AiError> + Send + Sync + 'static,
    ) -> Self {
        self.responder = Some(Arc::new(f));
        self
    }

    /// Queues a text turn.
    pub fn reply(self, text: impl Into<String>) -> Self {
        let model = self.id.clone();
        self.push(Ok(ModelResponse {
            text: text.into(),
            finish: FinishReason::Stop,
            model,
            usage: None,
        }))
    }

    /// Queues a turn cut off at the token limit.
    pub fn reply_truncated(self, text: impl Into<String>) -> Self {
        let model = self.id.clone();
        self.push(Ok(ModelResponse {
            text: text.into(),
            finish: FinishReason::Length,
            model,
            usage: None,
        }))
    }

    /// Queues a failure.
    pub fn fail(self, error: AiError) -> Self {
        self.push(Err(error))
    }

    fn push(self, turn: Result<ModelResponse, AiError>) -> Self {
        self.turns
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push_back(turn);
        self
    }

    /// Every request received so far.
    pub fn requests(&self) -> Vec<ModelRequest> {
        self.seen
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }
}

impl LanguageModel for ScriptedModel {
    fn generate<'a>(
        &'a self,
        request: &'a ModelRequest,
    ) -> BoxFuture<'a, Result<ModelResponse, AiError>> {
        Box::pin(async move {
            request.check_recipient(self)?;
            self.seen
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .push(request.clone());
            let next = self
                .turns
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .pop_front();
            match (next, &self.responder) {
                (Some(turn), _) => turn,
                (None, Some(f)) => Ok(ModelResponse {
                    text: f(request)?,
                    finish: FinishReason::Stop,
                    model: self.id.clone(),
                    usage: None,
                }),
                (None, None) => Err(AiError::from(AiErrorKind::ScriptExhausted)),
            }
        })
    }
    fn model_id(&self) -> String {
        format!("scripted:{}", self.id)
    }
}
