//! FHIR R4 / US Core models and an athenahealth-aware FHIR client.
//!
//! - [`r4`] — the FHIR R4 resources athenaOne serves, generated from the official
//!   StructureDefinitions, decoded and encoded losslessly; [`r4::Resource`] is the enum over
//!   them.
//! - [`FhirClient`] — read, search ([`search::Search`], paged as a stream), `$`-operations,
//!   with `ah-practice` on every request and the bearer token kept to the FHIR server's
//!   origin. Every JSON call goes through [`athena_core::Client`]: its QPS limiter, token
//!   cache (401 → refresh once), retries with `Retry-After`, retry budget, deadline and
//!   PHI-safe spans (route templates such as `/fhir/r4/{type}/{id}`, never URLs). Build it
//!   with [`FhirClient::new`] from an [`athena_core::Practice`]. Failures are one opaque
//!   [`FhirError`] with a [`FhirErrorKind`].
//! - [`smart`] — `.well-known/smart-configuration` and SMART v1/v2 scopes.
//! - [`bulk`] — Bulk Data `$export`: kick-off, polling that honours `Retry-After` and
//!   surfaces `X-Progress`, manifest (`error` and `outcome`), streaming NDJSON download with
//!   flat memory (a 1 GiB export peaks well under 100 MB RSS:
//!   `cargo bench -p athena-fhir --bench bulk_rss`), resume and cancel.
//! - [`subscriptions`] — athena's FHIR event Subscriptions: create (signed), list, delete,
//!   as typed [`r4::Subscription`]s ([`FhirClient::subscriptions`]).
//! - [`us_core`] — US Core 3.1.1 helpers: race/ethnicity/birth sex, vital signs and labs by
//!   LOINC, problem-list vs encounter-diagnosis, profile checks.
//!
//! ```
//! use athena_core::{PatientId, PracticeId};
//! use athena_fhir::FhirClient;
//! use athena_fhir::r4::{Observation, Resource};
//! use athena_fhir::search::{Search, Token};
//! use athena_fhir::us_core;
//! use futures::TryStreamExt;
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! // A local sandbox stands in for athenahealth: in real code the base is
//! // `https://api.preview.platform.athenahealth.com/fhir/r4` and `core` is `Client::from_env()?`.
//! let sandbox = athena_testkit::Sandbox::start().await;
//! let core = athena_core::Client::builder()
//!     .base_url(sandbox.base_url())
//!     .client_credentials(sandbox.client_id(), sandbox.client_secret())
//!     .scope("system/Patient.read system/Observation.read")
//!     .build()?;
//! // ah-practice=Organization/a-1.Practice-195900 on every request; FHIR base `{base}/fhir/r4`.
//! let fhir = FhirClient::new(&core.practice(PracticeId::new(195900)));
//!
//! // athena patient 2 is FHIR `Patient/a-195900.E-2`.
//! let patient = fhir.read_patient(PatientId::new(2)).await?;
//! assert_eq!(patient.id.as_deref(), Some("a-195900.E-2"));
//! assert!(us_core::check(&Resource::from(patient)).is_conformant());
//!
//! // Clinical searches need a patient (a compile-time rule); the stream follows athena's
//! // `cursor` pages.
//! let search = Search::for_patient::<Observation>(&fhir.patient_id(PatientId::new(2)))
//!     .category(Token::code("vital-signs"));
//! let vitals: Vec<Observation> = fhir.search_stream::<Observation>(&search).try_collect().await?;
//! assert!(!vitals.is_empty());
//! for o in &vitals {
//!     assert!(us_core::vital_sign(o).is_some()); // recognised by its LOINC code
//! }
//! # Ok(()) }
//! ```
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod bulk;
mod client;
mod error;
pub mod r4;
pub mod search;
pub mod smart;
pub mod subscriptions;
pub mod us_core;

pub use client::FhirClient;
pub use error::{FhirError, FhirErrorKind, Result};
pub use search::FhirPatientId;
pub use subscriptions::Subscriptions;
