//! OpenAI-compatible chat completions (`POST {base}/chat/completions`).

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use athena_core::auth::{AccessToken, TokenEndpoint, TokenSource};
use futures::future::BoxFuture;
use secrecy::SecretString;
use serde_json::{Value, json};

use super::ModelConfig;
use crate::model::{FinishReason, LanguageModel, ModelRequest, ModelResponse, OutputMode, Usage};
use crate::{AiError, AiErrorKind};

/// Translates a request into the chat-completions JSON body (pure).
pub fn encode_request(model: &str, request: &ModelRequest) -> Value {
    let p = request.prompt();
    let mut messages = Vec::new();
    if let Some(system) = &p.system {
        messages.push(json!({"role": "system", "content": system}));
    }
    for m in &p.messages {
        messages.push(json!({"role": m.role, "content": m.content}));
    }
    let mut body = json!({"model": model, "messages": messages, "max_tokens": p.max_tokens});
    if let Some(t) = p.temperature {
        body["temperature"] = json!(t);
    }
    if let OutputMode::JsonSchema { name, schema } = &p.output {
        body["response_format"] = json!({"type": "json_schema", "json_schema": {"name": name, "schema": schema, "strict": true}});
    }
    body
}

/// Translates a 2xx chat-completions body into a response (pure). A non-null `refusal` or a
/// `content_filter` stop is [`AiErrorKind::Refusal`].
pub fn decode_response(body: &Value) -> Result<ModelResponse, AiError> {
    let choice = body
        .get("choices")
        .and_then(|c| c.get(0))
        .ok_or_else(|| AiError::new(AiErrorKind::InvalidResponse, "no choices[0]"))?;
    let message = choice
        .get("message")
        .ok_or_else(|| AiError::new(AiErrorKind::InvalidResponse, "no choices[0].message"))?;
    if message.get("refusal").is_some_and(|r| !r.is_null()) {
        return Err(AiError::from(AiErrorKind::Refusal));
    }
    let finish = match choice.get("finish_reason").and_then(Value::as_str) {
        Some("stop") | None => FinishReason::Stop,
        Some("length") => FinishReason::Length,
        Some("content_filter") => return Err(AiError::from(AiErrorKind::Refusal)),
        Some(_) => FinishReason::Other,
    };
    let text = match message.get("content") {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Null) | None if finish == FinishReason::Length => String::new(),
        _ => {
            return Err(AiError::new(
                AiErrorKind::InvalidResponse,
                "choices[0].message.content is not a string",
            ));
        }
    };
    let usage = body.get("usage").map(|u| Usage {
        input_tokens: u.get("prompt_tokens").and_then(Value::as_u64).unwrap_or(0),
        output_tokens: u
            .get("completion_tokens")
            .and_then(Value::as_u64)
            .unwrap_or(0),
    });
    Ok(ModelResponse {
        text,
        finish,
        model: body
            .get("model")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned(),
        usage,
    })
}

/// Extracts the vendor's short error code from an error body (`error.code` or `error.type`).
pub fn decode_error_code(body: &[u8]) -> Option<String> {
    let v: Value = serde_json::from_slice(body).ok()?;
    let e = v.get("error")?;
    e.get("code")
        .and_then(Value::as_str)
        .or_else(|| e.get("type").and_then(Value::as_str))
        .map(str::to_owned)
}

/// A static API key presented as a bearer token through core's auth layer.
#[derive(Clone)]
struct StaticKey {
    key: SecretString,
    id: String,
}

impl std::fmt::Debug for StaticKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("StaticKey(<redacted>)")
    }
}

impl TokenSource for StaticKey {
    fn fetch_token<'a>(
        &'a self,
        _endpoint: &'a TokenEndpoint,
    ) -> BoxFuture<'a, athena_core::Result<AccessToken>> {
        let now = SystemTime::now();
        let token = AccessToken::new(
            self.key.clone(),
            now,
            now + Duration::from_secs(10 * 365 * 24 * 3600),
        );
        Box::pin(async move { Ok(token) })
    }
    fn cache_key(&self) -> String {
        format!("static-api-key:{}", self.id)
    }
}

/// An OpenAI-compatible chat-completions backend.
#[derive(Clone)]
pub struct OpenAiCompatible {
    client: athena_core::Client,
    model: String,
}

impl OpenAiCompatible {
    /// Builds the backend. Retries (429 with `Retry-After`, 5xx), timeouts and the
    /// plain-`http`-only-to-loopback rule come from `athena_core::Client`.
    pub fn new(config: &ModelConfig) -> Result<Self, AiError> {
        let builder = athena_core::Client::builder()
            .api_root(config.base_url.clone())
            .no_qps_limit()
            .attempt_timeout(config.timeout)
            .overall_timeout(config.timeout * 3);
        let builder = match &config.api_key {
            Some(key) => builder.token_source(Arc::new(StaticKey {
                key: SecretString::from(key.clone()),
                id: config.base_url.clone(),
            })),
            None => builder.anonymous(),
        };
        let client = builder
            .build()
            .map_err(|e| AiError::new(AiErrorKind::Config, "model client").with_source(e))?;
        Ok(OpenAiCompatible {
            client,
            model: config.model.clone(),
        })
    }

    /// From `ATHENA_AI_BASE_URL`, `ATHENA_AI_MODEL`, `ATHENA_AI_API_KEY`.
    pub fn from_env() -> Result<Self, AiError> {
        let config = ModelConfig::from_env("ATHENA_AI").ok_or_else(|| {
            AiError::new(
                AiErrorKind::Config,
                "set ATHENA_AI_BASE_URL and ATHENA_AI_MODEL",
            )
        })?;
        Self::new(&config)
    }
}

impl LanguageModel for OpenAiCompatible {
    fn generate<'a>(
        &'a self,
        request: &'a ModelRequest,
    ) -> BoxFuture<'a, Result<ModelResponse, AiError>> {
        Box::pin(async move {
            request.check_recipient(self)?;
            let http = super::generation_request(
                "/chat/completions",
                &encode_request(&self.model, request),
            )?;
            let value = super::send(&self.client, &http).await?;
            decode_response(&value)
        })
    }
    fn model_id(&self) -> String {
        format!("openai-compatible:{}", self.model)
    }
}
