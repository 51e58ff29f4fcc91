//! Backends: each is a pair of pure translators (request → JSON, JSON → response) plus a thin
//! HTTP layer.
//!
//! - [`openai`] — OpenAI-compatible chat completions (OpenAI, vLLM, llama.cpp server, Ollama
//!   `/v1`), over `athena_core::Client` (its retries and timeouts).
//! - [`anthropic`] — Anthropic Messages, over `athena_core::Client` too (custom `x-api-key`
//!   and `anthropic-version` headers; 529 "overloaded" retried like 503).
//! - [`scripted`] — a test double that replays turns and records requests.

pub mod anthropic;
pub mod openai;
pub mod scripted;

use std::time::Duration;

use crate::{AiError, AiErrorKind};

/// Backend settings, usually from the environment.
#[derive(Clone, PartialEq, Eq)]
pub struct ModelConfig {
    /// The API root, e.g. `https://api.openai.com/v1` or `http://localhost:11434/v1`.
    pub base_url: String,
    /// The model name, e.g. `gpt-4o-mini`.
    pub model: String,
    /// The API key (`None` for local servers that need none).
    pub api_key: Option<String>,
    /// Per-attempt timeout.
    pub timeout: Duration,
}

impl std::fmt::Debug for ModelConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ModelConfig")
            .field("base_url", &self.base_url)
            .field("model", &self.model)
            .field("api_key", &self.api_key.as_ref().map(|_| "<redacted>"))
            .finish()
    }
}

impl ModelConfig {
    /// Reads `{prefix}_BASE_URL`, `{prefix}_MODEL` and `{prefix}_API_KEY` (e.g. prefix
    /// `ATHENA_AI`). `None` when base URL or model is unset.
    pub fn from_env(prefix: &str) -> Option<ModelConfig> {
        Self::from_vars(prefix, |k| std::env::var(k).ok())
    }

    /// As [`ModelConfig::from_env`], reading variables through `get` (testable).
    pub fn from_vars(prefix: &str, get: impl Fn(&str) -> Option<String>) -> Option<ModelConfig> {
        let nonempty = |k: String| get(&k).filter(|v| !v.trim().is_empty());
        Some(ModelConfig {
            base_url: nonempty(format!("{prefix}_BASE_URL"))?,
            model: nonempty(format!("{prefix}_MODEL"))?,
            api_key: nonempty(format!("{prefix}_API_KEY")),
            timeout: Duration::from_secs(120),
        })
    }
}

/// A generation request with `body` as its JSON, marked retry-safe: generating has no side
/// effects, so a retry after a 5xx or a timeout costs tokens, never data.
pub(crate) fn generation_request(
    route: &'static str,
    body: &serde_json::Value,
) -> Result<athena_core::Request, AiError> {
    let bytes = serde_json::to_vec(body)
        .map_err(|_| AiError::new(AiErrorKind::InvalidResponse, "encode"))?;
    Ok(athena_core::Request::post(route)
        .json_body(bytes)
        .retry_safety(athena_core::RetrySafety::Idempotent))
}

/// Sends `request` over core's transport (retries, `Retry-After`, budget, timeouts) and reads
/// the 2xx body as JSON.
pub(crate) async fn send(
    client: &athena_core::Client,
    request: &athena_core::Request,
) -> Result<serde_json::Value, AiError> {
    let raw = client.execute(request).await.map_err(error_from_core)?;
    serde_json::from_slice(raw.body())
        .map_err(|_| AiError::new(AiErrorKind::InvalidResponse, "body is not JSON"))
}

/// Maps a failed call of core's transport to an [`AiError`], keeping of the vendor's error
/// body only its short code (`error.code`, else `error.type`), never its message: vendor
/// messages can echo the prompt.
pub(crate) fn error_from_core(e: athena_core::Error) -> AiError {
    let status = e.status();
    // Core read `{"error": …}`; an object arrives here as its JSON text.
    let code = e
        .api_error()
        .and_then(|a| a.error())
        .and_then(|error| serde_json::from_str::<serde_json::Value>(error).ok())
        .and_then(|v| {
            ["code", "type"]
                .iter()
                .find_map(|k| v.get(*k).and_then(|c| c.as_str()).map(str::to_owned))
        });
    let err = AiError::from_core(e);
    match (err.kind(), status, code) {
        (AiErrorKind::BadRequest, Some(status), Some(code)) => err.with_vendor_code(status, &code),
        _ => err,
    }
}

/// Strips a Markdown code fence some models wrap around JSON.
pub(crate) fn strip_fence(text: &str) -> &str {
    let t = text.trim();
    if let Some(rest) = t.strip_prefix("```") {
        let rest = rest.trim_start_matches(|c: char| c.is_ascii_alphabetic());
        return rest.trim().strip_suffix("```").unwrap_or(rest).trim();
    }
    t
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn config_from_vars() {
        let vars = |k: &str| match k {
            "ATHENA_AI_BASE_URL" => Some("http://localhost:11434/v1".to_owned()),
            "ATHENA_AI_MODEL" => Some("llama3.1".to_owned()),
            _ => None,
        };
        let c = ModelConfig::from_vars("ATHENA_AI", vars).unwrap();
        assert_eq!(c.model, "llama3.1");
        assert!(c.api_key.is_none());
        assert!(ModelConfig::from_vars("NOPE", vars).is_none());
        let shown = format!(
            "{:?}",
            ModelConfig {
                api_key: Some("sk-secret".into()),
                ..c
            }
        );
        assert!(!shown.contains("sk-secret"));
    }

    #[test]
    fn fences() {
        assert_eq!(strip_fence("```json\n{\"a\":1}\n```"), "{\"a\":1}");
        assert_eq!(strip_fence(" {\"a\":1} "), "{\"a\":1}");
    }
}
