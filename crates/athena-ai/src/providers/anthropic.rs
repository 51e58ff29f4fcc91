//! Anthropic Messages (`POST {base}/v1/messages`).
//!
//! Sent over `athena_core::Client` (anonymous; the key travels in `x-api-key`, with
//! `anthropic-version`), so it gets core's retries: 429 and 529 "overloaded" and 5xx, honouring
//! `Retry-After`, within the retry budget and the call's deadline. The POST is marked
//! retry-safe because generation has no side effects.

use std::time::Duration;

use futures::future::BoxFuture;
use serde_json::{Value, json};

use athena_core::{Request, RetryPolicy};
use secrecy::SecretString;

use super::ModelConfig;
use crate::model::{FinishReason, LanguageModel, ModelRequest, ModelResponse, OutputMode, Usage};
use crate::{AiError, AiErrorKind};

/// The API version header value.
pub const ANTHROPIC_VERSION: &str = "2023-06-01";

/// Translates a request into the Messages JSON body (pure). JSON-schema mode is expressed
/// as a system instruction carrying the schema.
pub fn encode_request(model: &str, request: &ModelRequest) -> Value {
    let p = request.prompt();
    let mut system = p.system.clone().unwrap_or_default();
    if let OutputMode::JsonSchema { schema, .. } = &p.output {
        if !system.is_empty() {
            system.push_str("\n\n");
        }
        system.push_str("Respond with one JSON object only, no prose and no code fence, matching this JSON schema:\n");
        system.push_str(&schema.to_string());
    }
    let messages: Vec<Value> = p
        .messages
        .iter()
        .map(|m| json!({"role": m.role, "content": m.content}))
        .collect();
    let mut body = json!({"model": model, "max_tokens": p.max_tokens, "messages": messages});
    if !system.is_empty() {
        body["system"] = json!(system);
    }
    if let Some(t) = p.temperature {
        body["temperature"] = json!(t);
    }
    body
}

/// Translates a 2xx Messages body into a response (pure): text blocks concatenated,
/// `stop_reason` `max_tokens` → [`FinishReason::Length`], `refusal` → [`AiErrorKind::Refusal`].
pub fn decode_response(body: &Value) -> Result<ModelResponse, AiError> {
    if body.get("type").and_then(Value::as_str) == Some("error") {
        return Err(AiError::new(
            AiErrorKind::InvalidResponse,
            "error object in a 2xx body",
        ));
    }
    let content = body
        .get("content")
        .and_then(Value::as_array)
        .ok_or_else(|| AiError::new(AiErrorKind::InvalidResponse, "no content[]"))?;
    let finish = match body.get("stop_reason").and_then(Value::as_str) {
        Some("end_turn") | Some("stop_sequence") | None => FinishReason::Stop,
        Some("max_tokens") => FinishReason::Length,
        Some("refusal") => return Err(AiError::from(AiErrorKind::Refusal)),
        Some(_) => FinishReason::Other,
    };
    let text: String = content
        .iter()
        .filter(|b| b.get("type").and_then(Value::as_str) == Some("text"))
        .filter_map(|b| b.get("text").and_then(Value::as_str))
        .collect();
    let usage = body.get("usage").map(|u| Usage {
        input_tokens: u.get("input_tokens").and_then(Value::as_u64).unwrap_or(0),
        output_tokens: u.get("output_tokens").and_then(Value::as_u64).unwrap_or(0),
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

/// Maps an error status and body (`{"type":"error","error":{"type":…,"message":…}}`) to an
/// error, keeping only `error.type`.
pub fn decode_error(status: u16, body: &[u8], retry_after: Option<Duration>) -> AiError {
    let code = serde_json::from_slice::<Value>(body).ok().and_then(|v| {
        v.pointer("/error/type")
            .and_then(Value::as_str)
            .map(str::to_owned)
    });
    AiError::from_status(status, code.as_deref(), retry_after)
}

/// The Anthropic Messages backend.
#[derive(Clone)]
pub struct Anthropic {
    client: athena_core::Client,
    config: ModelConfig,
    key: SecretString,
    retry: RetryPolicy,
}

impl std::fmt::Debug for Anthropic {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Anthropic")
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

impl Anthropic {
    /// Builds the backend; `config.base_url` is the API root (`https://api.anthropic.com`).
    /// Retries (429 and 529 with `Retry-After`, 5xx), timeouts and the retry budget come from
    /// `athena_core::Client`.
    pub fn new(config: &ModelConfig) -> Result<Self, AiError> {
        let key = config
            .api_key
            .clone()
            .ok_or_else(|| AiError::new(AiErrorKind::Config, "Anthropic needs an API key"))?;
        // Checked once here, so a key that cannot be a header value is a config error.
        http::HeaderValue::from_str(&key).map_err(|_| {
            AiError::new(
                AiErrorKind::Config,
                "the Anthropic API key is not a valid header",
            )
        })?;
        let retry = RetryPolicy::default();
        Ok(Anthropic {
            client: build_client(config, retry)?,
            config: config.clone(),
            key: SecretString::from(key),
            retry,
        })
    }

    /// From `ANTHROPIC_BASE_URL` (default `https://api.anthropic.com`), `ANTHROPIC_MODEL`,
    /// `ANTHROPIC_API_KEY`.
    pub fn from_env() -> Result<Self, AiError> {
        let get = |k: &str| std::env::var(k).ok().filter(|v| !v.is_empty());
        let config = ModelConfig {
            base_url: get("ANTHROPIC_BASE_URL")
                .unwrap_or_else(|| "https://api.anthropic.com".into()),
            model: get("ANTHROPIC_MODEL")
                .ok_or_else(|| AiError::new(AiErrorKind::Config, "set ANTHROPIC_MODEL"))?,
            api_key: get("ANTHROPIC_API_KEY"),
            timeout: Duration::from_secs(120),
        };
        Self::new(&config)
    }

    /// Caps attempts and the longest back-off between them (tests use small values). A
    /// `Retry-After` longer than `max_wait` ends the call with [`AiErrorKind::RateLimited`]
    /// carrying it, rather than sleeping.
    pub fn with_retry(mut self, max_attempts: u32, max_wait: Duration) -> Result<Self, AiError> {
        let retry = self
            .retry
            .with_max_attempts(max_attempts)
            .with_initial_backoff(max_wait.min(Duration::from_millis(500)))
            .with_max_backoff(max_wait)
            .with_max_retry_after(max_wait)
            .with_rate_limit_floor(max_wait.min(Duration::from_secs(1)));
        self.client = build_client(&self.config, retry)?;
        self.retry = retry;
        Ok(self)
    }

    /// The HTTP request for `body`: anonymous for core, the key in `x-api-key` (marked
    /// sensitive), the API version, retry-safe.
    fn http_request(&self, body: &Value) -> Result<Request, AiError> {
        use secrecy::ExposeSecret;
        let mut key = http::HeaderValue::from_str(self.key.expose_secret()).map_err(|_| {
            AiError::new(
                AiErrorKind::Config,
                "the Anthropic API key is not a valid header",
            )
        })?;
        key.set_sensitive(true);
        Ok(super::generation_request("/v1/messages", body)?
            .anonymous()
            .header(http::HeaderName::from_static("x-api-key"), key)
            .header(
                http::HeaderName::from_static("anthropic-version"),
                http::HeaderValue::from_static(ANTHROPIC_VERSION),
            ))
    }
}

fn build_client(config: &ModelConfig, retry: RetryPolicy) -> Result<athena_core::Client, AiError> {
    athena_core::Client::builder()
        .api_root(config.base_url.trim_end_matches('/').to_owned())
        .anonymous()
        .no_qps_limit()
        .retry_policy(retry)
        .attempt_timeout(config.timeout)
        .overall_timeout(config.timeout * 3)
        .build()
        .map_err(|e| AiError::new(AiErrorKind::Config, "model client").with_source(e))
}

impl LanguageModel for Anthropic {
    fn generate<'a>(
        &'a self,
        request: &'a ModelRequest,
    ) -> BoxFuture<'a, Result<ModelResponse, AiError>> {
        Box::pin(async move {
            request.check_recipient(self)?;
            let http = self.http_request(&encode_request(&self.config.model, request))?;
            let value = super::send(&self.client, &http).await?;
            decode_response(&value)
        })
    }
    fn model_id(&self) -> String {
        format!("anthropic:{}", self.config.model)
    }
}
