//! FHIR R4 / US Core models and an athenahealth-aware FHIR client.
//!
//! - [`r4`] — the FHIR R4 resources athenaOne serves, generated from the official
//!   StructureDefinitions, decoded and encoded losslessly; [`r4::Resource`] is the enum over
//!   them.
//! - [`FhirClient`] — read, search ([`search::Search`], paged as a stream), `$`-operations,
//!   with `ah-practice` on every request and the bearer token kept to the FHIR server's
//!   origin.
//! - [`smart`] — `.well-known/smart-configuration` and SMART v1/v2 scopes.
//! - [`bulk`] — Bulk Data `$export`: kick-off, polling, manifest, streaming NDJSON download,
//!   resume and cancel.
//! - [`us_core`] — US Core 3.1.1 helpers: race/ethnicity/birth sex, vital signs and labs by
//!   LOINC, problem-list vs encounter-diagnosis, profile checks.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod bulk;
mod client;
mod error;
pub mod r4;
pub mod search;
pub mod smart;
pub mod us_core;

pub use client::{FhirClient, FhirClientBuilder};
pub use error::{FhirError, Result};
