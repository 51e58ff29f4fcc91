//! Anthropic Messages (`POST {base}/v1/messages`).
//!
//! Sent with `reqwest` directly: Anthropic authenticates with `x-api-key` and
//! `anthropic-version` headers, which `athena_core::Request` cannot set yet. The retry here is
//! deliberately small: 429, 5xx and 529 (overloaded), honouring `Retry-After`, capped.

use std::time::Duration;

use futures::future::BoxFuture;
use serde_json::{Value, json};

use super::{ModelConfig, retry_after_secs};
use crate::AiError;
use crate::model::{FinishReason, LanguageModel, ModelRequest, ModelResponse, OutputMode, Usage};

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
/// `stop_reason` `max_tokens` → [`FinishReason::Length`], `refusal` → [`AiError::Refusal`].
pub fn decode_response(body: &Value) -> Result<ModelResponse, AiError> {
    if body.get("type").and_then(Value::as_str) == Some("error") {
        return Err(AiError::InvalidResponse(
            "error object in a 2xx body".into(),
        ));
    }
    let content = body
        .get("content")
        .and_then(Value::as_array)
        .ok_or_else(|| AiError::InvalidResponse("no content[]".into()))?;
    let finish = match body.get("stop_reason").and_then(Value::as_str) {
        Some("end_turn") | Some("stop_sequence") | None => FinishReason::Stop,
        Some("max_tokens") => FinishReason::Length,
        Some("refusal") => return Err(AiError::Refusal),
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
    http: reqwest::Client,
    url: String,
    model: String,
    key: secrecy::SecretString,
    max_attempts: u32,
    max_wait: Duration,
}

impl Anthropic {
    /// Builds the backend; `config.base_url` is the API root (`https://api.anthropic.com`).
    pub fn new(config: &ModelConfig) -> Result<Self, AiError> {
        let key = config
            .api_key
            .clone()
            .ok_or_else(|| AiError::Config("Anthropic needs an API key".into()))?;
        let http = reqwest::Client::builder()
            .timeout(config.timeout)
            .build()
            .map_err(|_| AiError::Config("could not build HTTP client".into()))?;
        Ok(Anthropic {
            http,
            url: format!("{}/v1/messages", config.base_url.trim_end_matches('/')),
            model: config.model.clone(),
            key: secrecy::SecretString::from(key),
            max_attempts: 3,
            max_wait: Duration::from_secs(20),
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
                .ok_or_else(|| AiError::Config("set ANTHROPIC_MODEL".into()))?,
            api_key: get("ANTHROPIC_API_KEY"),
            timeout: Duration::from_secs(120),
        };
        Self::new(&config)
    }

    /// Caps attempts and the longest wait between them (tests use small values).
    pub fn with_retry(mut self, max_attempts: u32, max_wait: Duration) -> Self {
        self.max_attempts = max_attempts.max(1);
        self.max_wait = max_wait;
        self
    }
}

impl LanguageModel for Anthropic {
    fn generate<'a>(
        &'a self,
        request: &'a ModelRequest,
    ) -> BoxFuture<'a, Result<ModelResponse, AiError>> {
        use secrecy::ExposeSecret;
        Box::pin(async move {
            let body = encode_request(&self.model, request);
            let mut attempt = 0;
            loop {
                attempt += 1;
                let sent = self
                    .http
                    .post(&self.url)
                    .header("x-api-key", self.key.expose_secret())
                    .header("anthropic-version", ANTHROPIC_VERSION)
                    .json(&body)
                    .send()
                    .await;
                let err = match sent {
                    Err(e) if e.is_timeout() => AiError::Timeout,
                    Err(_) => AiError::Transport,
                    Ok(resp) => {
                        let status = resp.status().as_u16();
                        let retry_after = retry_after_secs(
                            resp.headers()
                                .get("retry-after")
                                .and_then(|v| v.to_str().ok()),
                        );
                        let bytes = resp.bytes().await.map_err(|_| AiError::Transport)?;
                        if (200..300).contains(&status) {
                            let v: Value = serde_json::from_slice(&bytes)
                                .map_err(|_| AiError::InvalidResponse("body is not JSON".into()))?;
                            return decode_response(&v);
                        }
                        decode_error(status, &bytes, retry_after)
                    }
                };
                if !err.is_retryable() || attempt >= self.max_attempts {
                    return Err(err);
                }
                let backoff = Duration::from_millis(250 * 2u64.pow(attempt - 1));
                let wait = match &err {
                    AiError::RateLimited {
                        retry_after: Some(d),
                    } => *d,
                    _ => backoff,
                };
                tokio::time::sleep(wait.min(self.max_wait)).await;
            }
        })
    }
    fn model_id(&self) -> String {
        format!("anthropic:{}", self.model)
    }
}
