//! Typed endpoints for athenahealth's proprietary `/v1/{practiceid}` REST API.
//!
//! This crate is being built (see the project issues); its endpoint groups hang off an
//! [`athena_core`] practice handle. It has no public items yet.
#![forbid(unsafe_code)]
