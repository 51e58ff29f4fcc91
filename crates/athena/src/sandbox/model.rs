//! The AI half of the switch: a configured language model, or an offline scripted one.

use std::sync::Arc;
use std::time::Duration;

use athena_ai::LanguageModel;
use athena_ai::providers::ModelConfig;
use athena_ai::providers::anthropic::Anthropic;
use athena_ai::providers::openai::OpenAiCompatible;
use athena_ai::providers::scripted::ScriptedModel;
use athena_core::{Error, ErrorKind, Result};

/// Chooses the language model to talk to, and says which in one line.
///
/// - `ATHENA_AI_BASE_URL` and `ATHENA_AI_MODEL` (optionally `ATHENA_AI_API_KEY`) set: an
///   OpenAI-compatible server (OpenAI, vLLM, llama.cpp server, Ollama's `/v1`).
/// - otherwise `ANTHROPIC_MODEL` (with `ANTHROPIC_API_KEY`, optionally `ANTHROPIC_BASE_URL`)
///   set: Anthropic Messages.
/// - otherwise the offline [`ScriptedModel`] that `scripted` builds.
///
/// Wrap a real model in [`athena_ai::ModelAccess::Deidentified`] unless it is allowed to see
/// PHI. A half-set configuration (e.g. `ANTHROPIC_MODEL` without a key) is an error
/// ([`ErrorKind::Config`], the provider's error as `source()`), never a silent fall-back to the
/// scripted model.
///
/// ```
/// use athena::ai::providers::scripted::ScriptedModel;
/// use athena::prelude::*;
/// # // The doctest must not pick up a developer's real model settings.
/// # for k in ["ATHENA_AI_BASE_URL", "ATHENA_AI_MODEL", "ANTHROPIC_MODEL"] {
/// #     if std::env::var_os(k).is_some() { return; }
/// # }
/// let (model, description) =
///     athena::sandbox::language_model_or_scripted(|| ScriptedModel::new("demo").reply("hi"))
///         .unwrap();
/// assert_eq!(model.model_id(), "scripted:demo");
/// assert!(description.starts_with("the offline scripted model"));
/// ```
pub fn language_model_or_scripted(
    scripted: impl FnOnce() -> ScriptedModel,
) -> Result<(Arc<dyn LanguageModel>, String)> {
    choose_model(|k| std::env::var(k).ok(), scripted)
}

fn config_error(e: athena_ai::AiError) -> Error {
    Error::new(ErrorKind::Config, "the language model could not be set up").with_source(e)
}

pub(super) fn choose_model(
    get: impl Fn(&str) -> Option<String>,
    scripted: impl FnOnce() -> ScriptedModel,
) -> Result<(Arc<dyn LanguageModel>, String)> {
    let get = |k: &str| get(k).filter(|v| !v.trim().is_empty());
    if let Some(config) = ModelConfig::from_vars("ATHENA_AI", get) {
        let model = OpenAiCompatible::new(&config).map_err(config_error)?;
        let description = format!(
            "{} at {} (prompts de-identified before they leave)",
            model.model_id(),
            config.base_url
        );
        return Ok((Arc::new(model), description));
    }
    if get("ATHENA_AI_BASE_URL").is_some() || get("ATHENA_AI_MODEL").is_some() {
        return Err(Error::new(
            ErrorKind::Config,
            "set both ATHENA_AI_BASE_URL and ATHENA_AI_MODEL (or neither)",
        ));
    }
    if let Some(model) = get("ANTHROPIC_MODEL") {
        let config = ModelConfig {
            base_url: get("ANTHROPIC_BASE_URL")
                .unwrap_or_else(|| "https://api.anthropic.com".to_owned()),
            model,
            api_key: get("ANTHROPIC_API_KEY"),
            timeout: Duration::from_secs(120),
        };
        let model = Anthropic::new(&config).map_err(config_error)?;
        let description = format!(
            "{} (prompts de-identified before they leave)",
            model.model_id()
        );
        return Ok((Arc::new(model), description));
    }
    let model = scripted();
    let description = format!(
        "the offline scripted model {} (set ATHENA_AI_BASE_URL and ATHENA_AI_MODEL, or \
         ANTHROPIC_MODEL and ANTHROPIC_API_KEY, to use a real one)",
        model.model_id()
    );
    Ok((Arc::new(model), description))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vars(pairs: &'static [(&'static str, &'static str)]) -> impl Fn(&str) -> Option<String> {
        move |k| {
            pairs
                .iter()
                .find(|(name, _)| *name == k)
                .map(|(_, v)| (*v).to_owned())
        }
    }

    #[test]
    fn model_choice_follows_the_environment() {
        let scripted = || ScriptedModel::new("offline");
        let (m, d) = choose_model(vars(&[]), scripted).unwrap();
        assert_eq!(m.model_id(), "scripted:offline");
        assert!(d.contains("offline scripted model"), "{d}");

        let (m, d) = choose_model(
            vars(&[
                ("ATHENA_AI_BASE_URL", "http://127.0.0.1:11434/v1"),
                ("ATHENA_AI_MODEL", "llama3.1"),
            ]),
            scripted,
        )
        .unwrap();
        assert_eq!(m.model_id(), "openai-compatible:llama3.1");
        assert!(d.contains("http://127.0.0.1:11434/v1"), "{d}");

        let half = choose_model(vars(&[("ATHENA_AI_MODEL", "llama3.1")]), scripted);
        assert_eq!(half.err().map(|e| e.kind()), Some(ErrorKind::Config));
    }

    #[test]
    fn anthropic_without_a_key_is_an_error_not_the_scripted_model() {
        let scripted = || ScriptedModel::new("offline");
        let r = choose_model(vars(&[("ANTHROPIC_MODEL", "claude-x")]), scripted);
        let e = r.err().expect("a half-set Anthropic configuration fails");
        assert_eq!(e.kind(), ErrorKind::Config);
        assert!(std::error::Error::source(&e).is_some());

        let (m, _) = choose_model(
            vars(&[("ANTHROPIC_MODEL", "claude-x"), ("ANTHROPIC_API_KEY", "k")]),
            scripted,
        )
        .unwrap();
        assert!(m.model_id().contains("claude-x"), "{}", m.model_id());
    }
}
