//! athena-core (being built).
#![forbid(unsafe_code)]

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
pub use ids::{DepartmentId, PracticeId};
pub use paging::{Page, PageLink, Paginator};
pub use request::{Body, Request};
pub use retry::{RetryPolicy, RetrySafety};
pub use transport::RawResponse;
