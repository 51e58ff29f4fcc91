//! FHIR R4 / US Core models and an athenahealth-aware FHIR client.
//!
//! This crate is being built (see the project issues). It has no public items yet.
#![forbid(unsafe_code)]
