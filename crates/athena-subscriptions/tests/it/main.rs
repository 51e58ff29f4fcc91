//! athena-subscriptions' integration tests, one binary: each module is one former test file.
//!
//! - `crash` — a child poller killed with SIGKILL at random points loses no change.
//! - `poller` — the poller and feed subscription management against the testkit sandbox.
//! - `webhook_server` — the axum webhook endpoint (feature `webhook-server`, enabled for tests
//!   through the crate's dev-dependency on itself).

mod crash;
mod poller;
#[cfg(feature = "webhook-server")]
mod webhook_server;
