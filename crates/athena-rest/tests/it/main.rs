//! athena-rest's integration tests, in one binary (one link instead of nine): a module per
//! concern, named for what it tests.

mod common;

mod decode_warnings;
mod decode_warnings_log;
mod endpoints_against_sandbox;
mod endpoints_against_wiremock;
mod endpoints_lists_notes_orders;
mod field_audit;
mod model_behaviour;
mod recorded_bodies_decode;
mod request_snapshots;
