//! LLM pipelines over athenahealth data, with PHI de-identification, audit records and a
//! human review gate.
//!
//! - [`model`] — the [`LanguageModel`] trait (one async method, dyn-compatible), prompts,
//!   requests that can only be built from de-identified prompts or for a PHI-allowed model.
//! - [`providers`] — OpenAI-compatible chat completions, Anthropic Messages, a scripted double.
//! - [`phi`] — de-identification into `[NAME_1]`-style tokens and re-identification.
//! - [`prompt`] — versioned prompt templates; [`audit`] — JSON-lines audit records.
//! - [`review`] — drafts, named reviewers and [`review::Approved`] values.
//! - [`engine`] — one guarded, audited, validated model call.
//! - [`triage`] — inbox triage with deterministic red-flag escalation.
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), athena_ai::AiError> {
//! use athena_ai::phi::{KnownIdentifiers, PhiGuard};
//! use athena_ai::providers::scripted::ScriptedModel;
//! use athena_ai::{LanguageModel, ModelRequest, Prompt};
//!
//! let model = ScriptedModel::new("demo").reply("Hello [NAME_1].");
//! let guard = PhiGuard::new(KnownIdentifiers::new().name("Ada Lovelace"));
//! let (clean, vault) = guard.deidentify(Prompt::user("Greet Ada Lovelace."))?;
//! let answer = model.generate(&ModelRequest::from(clean)).await?;
//! assert_eq!(model.requests()[0].prompt().messages[0].content, "Greet [NAME_1].");
//! assert_eq!(vault.reidentify(&answer.text), "Hello Ada Lovelace.");
//! # Ok(()) }
//! ```
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod audit;
pub mod denial;
pub mod engine;
mod error;
pub mod model;
pub mod pdf;
pub mod phi;
pub mod prompt;
pub mod providers;
pub mod review;
pub mod soap;
pub mod triage;

pub use error::AiError;
pub use model::{LanguageModel, ModelAccess, ModelRequest, ModelResponse, PhiAllowedModel, Prompt};
