//! The transport under every athena-rs crate: how a request to athenahealth's athenaOne
//! platform travels, not what it asks.
//!
//! - [`Client`] — built with [`Client::builder`] or [`Client::from_env`]; cheap to clone (one
//!   connection pool, token cache, rate limiter and retry budget shared by all clones).
//! - [`auth`] — OAuth 2.0: athena's client credentials (default), SMART Backend Services
//!   (JWT assertions, RS384/ES384), 3-legged authorization code + PKCE; a single-flight token
//!   cache and a token-endpoint limiter.
//! - [`retry`] — a pure classifier, full-jitter back-off, `Retry-After`, a retry budget, and
//!   the rule that writes which may have reached the server are never retried.
//! - [`rate_limit`] — the client-side QPS limiter that also listens to the server.
//! - [`codec`] — athena's `MM/DD/YYYY` dates, times and date-times, department time zones,
//!   money, and lenient decoders for athena's loosely typed JSON; [`ids`] — typed ids and FHIR
//!   id mapping; [`phi`] — `Phi<T>`, redacted in `Debug`.
//! - [`paging`] — athena's list envelope and lazy page/item streams.
//! - [`Error`] — one opaque, PHI-safe error type.
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> athena_core::Result<()> {
//! // A local sandbox stands in for athenahealth's preview environment.
//! let sandbox = athena_testkit::Sandbox::start().await;
//! let client = athena_core::Client::builder()
//!     .base_url(sandbox.base_url())
//!     .client_credentials(sandbox.client_id(), sandbox.client_secret())
//!     .build()?;
//! let practice = client.practice(athena_core::PracticeId::new(sandbox.practice_id()));
//!
//! // Any endpoint, as a request value: route template + parameters.
//! let ping = practice.request(http::Method::GET, "/v1/{practiceid}/ping");
//! let pong: serde_json::Value = client.send_json(&ping).await?;
//! assert_eq!(pong["Pong"], "true");
//!
//! // A list endpoint, walked lazily.
//! use futures::StreamExt;
//! let departments = practice.request(http::Method::GET, "/v1/{practiceid}/departments");
//! let mut stream = client.paginate::<serde_json::Value>(departments, "departments").items();
//! while let Some(department) = stream.next().await {
//!     assert!(department?.get("departmentid").is_some());
//! }
//! # Ok(()) }
//! ```
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod auth;
mod client;
pub mod codec;
pub mod decode;
pub mod error;
pub mod ids;
pub mod paging;
pub mod phi;
pub mod rate_limit;
mod request;
pub mod retry;
pub mod runtime;
mod transport;

pub use client::{
    Client, ClientBuilder, Department, Environment, PREVIEW_URL, PRODUCTION_URL, Practice, Timeouts,
};
pub use error::{ApiError, Error, ErrorKind, Result};
pub use ids::*;
pub use paging::{Page, PageLink, Paginator};
pub use request::{Body, Request};
pub use retry::{RetryPolicy, RetrySafety};
pub use transport::{BodyStream, RawResponse, StreamOptions, StreamedResponse};

/// Derives a lenient, PHI-safe model of an athena JSON object from a plain struct of
/// `Option` fields: see [`codec::lenient::field`] for the rules and an example.
pub use athena_derive::Model;

/// What generated code (`#[derive(Model)]`, `open_enum!`) refers to; not a public API.
#[doc(hidden)]
pub mod __private {
    pub use serde;
    pub use serde_json;
}

// The README's code blocks are compiled as doctests by the `athena` facade crate.
