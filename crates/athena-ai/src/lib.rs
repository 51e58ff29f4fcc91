//! LLM pipelines over athenahealth data, with PHI de-identification, audit records and a
//! human review gate.
//!
//! - [`model`] — the [`LanguageModel`] trait (one async method, dyn-compatible), prompts,
//!   requests that can only be built from de-identified prompts or for one PHI-allowed model.
//! - [`providers`] — OpenAI-compatible chat completions, Anthropic Messages, a scripted double.
//! - [`phi`] — de-identification into `[NAME_1]`-style tokens (names, dates, ages over 89,
//!   contacts, ids; the chart's patient and provider identifiers) and re-identification.
//! - [`prompt`] — versioned prompt templates; [`audit`] — JSON-lines audit records.
//! - [`review`] — drafts, reviewers authenticated by the application, audited overrides of
//!   blocking problems, and single-use [`review::Approved`] values.
//! - [`engine`] — one guarded, audited, validated model call.
//! - [`triage`] — inbox triage with deterministic red-flag escalation, inbox reading and
//!   replies posted only from approved drafts.
//! - [`soap`] — SOAP drafting: context gathered concurrently from the chart
//!   ([`soap::context`]), cited facts, a validator for unsupported statements, upload after
//!   approval.
//! - [`denial`] — claim denial prediction (payer rules, practice history, model judgment) and
//!   appeal letter drafts.
//!
//! ```
//! use athena_ai::phi::{KnownIdentifiers, PhiGuard};
//! use athena_ai::providers::scripted::ScriptedModel;
//! use athena_ai::{LanguageModel, ModelRequest, Prompt};
//! use athena_core::ids::PatientId;
//! use athena_rest::prelude::*;
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! // A local sandbox stands in for athenahealth (`Client::from_env()` in real code).
//! let sandbox = athena_testkit::Sandbox::start().await;
//! let client = athena_core::Client::builder()
//!     .base_url(sandbox.base_url())
//!     .client_credentials(sandbox.client_id(), sandbox.client_secret())
//!     .build()?;
//! let practice = client.practice(athena_core::PracticeId::new(sandbox.practice_id()));
//!
//! // Minimum necessary context from the chart: the problem list, and who to scrub.
//! let id = PatientId::new(3);
//! let patient = practice.patients().get(id).send().await?;
//! let first = patient.firstname.as_ref().map(|n| n.expose().clone()).unwrap_or_default();
//! let last = patient.lastname.as_ref().map(|n| n.expose().clone()).unwrap_or_default();
//! let department = patient.departmentid.expect("a registration department");
//! let problems = practice.department(department).chart(id).problems().send().await?;
//! let names: Vec<&str> = problems.items().iter().filter_map(|p| p.name.as_deref()).collect();
//! assert!(!names.is_empty());
//!
//! // De-identify before anything reaches a model not allowed to see PHI.
//! let mut known = KnownIdentifiers::new().name(&format!("{first} {last}"));
//! if let Some(dob) = &patient.dob {
//!     known = known.date(dob.expose().naive());
//! }
//! let guard = PhiGuard::new(known);
//! let prompt = Prompt::user(format!("{first} {last}'s problems: {}.", names.join("; ")));
//! let (clean, vault) = guard.deidentify(prompt)?;
//!
//! let model = ScriptedModel::new("demo").reply("[NAME_1] has chronic conditions to review.");
//! let answer = model.generate(&ModelRequest::from(clean)).await?;
//! let requests = model.requests(); // what the model was sent
//! let sent = &requests[0].prompt().messages[0].content;
//! assert!(sent.starts_with("[NAME_1]'s problems: ") && !sent.contains(&last));
//! assert!(sent.contains(names[0])); // clinical content is kept
//! assert_eq!(
//!     vault.reidentify(&answer.text),
//!     format!("{first} {last} has chronic conditions to review.")
//! );
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

pub use error::{AiError, AiErrorKind};
pub use model::{LanguageModel, ModelAccess, ModelRequest, ModelResponse, PhiAllowedModel, Prompt};
