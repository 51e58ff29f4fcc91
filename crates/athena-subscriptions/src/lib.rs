//! athenahealth changed-data feeds with durable checkpoints, and FHIR event webhooks.
//!
//! This crate is being built (see the project issues). It has no public items yet.
#![forbid(unsafe_code)]
