//! Retry: a pure classifier, full-jitter back-off, `Retry-After`, and a retry budget.
//!
//! The transport loop ([`Client::execute`](crate::Client::execute)) asks [`classify`] what to do after each
//! attempt, then applies the attempt limit, the client-wide [`RetryBudget`] and the call's
//! overall deadline. Everything here is pure or driven by the injected
//! [`Runtime`](crate::runtime::Runtime), and table-tested.
//!
//! Writes are sacred: a non-idempotent request (POST, or any endpoint not marked safe) is
//! retried only when it provably never reached the server (a connect failure), or when the
//! server refused it *before* processing it as rate limiting (429, or athena's legacy non-JSON
//! 403 "over QPS" page from the gateway). A 5xx, a timeout or a dropped connection after the
//! request was sent is returned to the caller, because the write may have been applied.

mod budget;
mod classify;
mod policy;
pub mod retry_after;

pub use budget::RetryBudget;
pub use classify::{AttemptOutcome, Decision, RetryReason, RetrySafety, classify};
pub use policy::RetryPolicy;
