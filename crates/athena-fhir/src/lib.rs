//! FHIR R4 / US Core models and an athenahealth-aware FHIR client.
//!
//! - [`r4`] — the FHIR R4 resources athenaOne serves, generated from the official
//!   StructureDefinitions, decoded and encoded losslessly; [`r4::Resource`] is the enum over
//!   them.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod r4;
