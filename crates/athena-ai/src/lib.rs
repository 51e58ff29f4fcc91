//! LLM pipelines over athenahealth data, with PHI de-identification, audit records and a
//! human review gate.
//!
//! This crate is being built (see the project issues). It has no public items yet.
#![forbid(unsafe_code)]
