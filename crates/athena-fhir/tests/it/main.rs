//! athena-fhir's integration tests, one binary (`cargo test -p athena-fhir --test it`); one
//! module per subject.

mod bulk_protocol;
mod choice_twice;
mod client;
mod constructor;
mod download_retry;
mod hardening;
mod large_export;
mod manifests;
mod roundtrip;
mod search_smart_us_core;
mod subscriptions;
mod transport;
