//! A local athenahealth sandbox for tests, examples and benchmarks.
//!
//! `athena-testkit` is an **independent** implementation of athenahealth's wire format (the
//! proprietary `/v1/{practiceid}` REST API, the OAuth token endpoint, the changed-data feeds and
//! the FHIR R4 API). It shares no code with the SDK, so a codec bug in the SDK cannot be hidden
//! by the same bug in the fake. It runs in-process on `wiremock`, behind a small TCP front that
//! can drop connections and truncate bodies.
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() {
//! let sandbox = athena_testkit::Sandbox::start().await;
//! assert_eq!(sandbox.practice_id(), athena_testkit::DEFAULT_PRACTICE_ID); // 195900
//! let token_url = format!("{}/oauth2/v1/token", sandbox.base_url());
//! assert_eq!(sandbox.token_url(), token_url);
//! let patients = format!("{}/v1/{}/patients?lastname=Smith", sandbox.base_url(), sandbox.practice_id());
//! # let _ = (patients, sandbox.client_id(), sandbox.client_secret());
//! // Point any HTTP client (or `athena_core::Client::builder().base_url(…)`) at it.
//! assert_eq!(sandbox.stats().api_requests, 0);
//! # }
//! ```
//!
//! Data is synthetic and deterministic from the seed: patients are generated lazily from
//! `(seed, index)` with a write overlay, so a 100,000-patient practice starts instantly.
//! Names are random combinations of common names, phone numbers use 555-01xx and e-mail
//! addresses `example.com`: no record describes a real person.
//!
//! The SMART `client_assertion` form of the token endpoint checks the form fields and the
//! JWT's claims (`iss` = `sub` = client id, `aud` = token URL, `exp`), **not** its signature.
//!
//! Like athena, it enforces what a token was granted: the proprietary API needs
//! `athena/service/Athenanet.MDP.*`, FHIR a SMART scope for the resource and interaction
//! (`system/Patient.read`, `system/Condition.rs`, `system/*.read`); anything else is 403. A
//! `departmentid` the practice does not have is athena's 400 "The data provided is
//! invalid.". Practice 195900 carries athena's documented preview test patients (ids
//! 60178–60184, last names `Sandboxtest` and `Sandbox-Test`). [`SandboxBuilder::port`] serves
//! on a chosen loopback port (`athena sandbox serve --port 8080` runs one as a process).
#![forbid(unsafe_code)]
#![warn(missing_docs)]
#![recursion_limit = "256"]

mod auth;
mod changes;
mod data;
mod faults;
mod feeds;
mod fhir;
mod front;
mod http;
mod rest;
mod sandbox;
mod scopes;
mod server;
mod state;
mod stats;
mod truth;

pub use faults::{Fault, FaultRule, Faults, RetryAfter};
pub use fhir::LargeExport;
pub use sandbox::{DEFAULT_PRACTICE_ID, Sandbox, SandboxBuilder};
pub use stats::{Stats, ops};
pub use truth::{DenialCause, PlantedDenial, UrgentCase};

/// Patients included in a Bulk `$export` (the first this many patient ids).
pub const EXPORT_PATIENT_CAP: u64 = fhir::EXPORT_CAP;
