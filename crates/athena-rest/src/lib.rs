//! Typed endpoints for athenahealth's proprietary `/v1/{practiceid}` REST API.
//!
//! Endpoint groups hang off an [`athena_core::Practice`] (through [`PracticeExt`]) or, where
//! athena needs a `departmentid`, off an [`athena_core::Department`] (through
//! [`DepartmentExt`]), so forgetting the department does not compile. Every operation is one
//! builder, and every builder follows one rule (below).
//!
//! ```
//! use athena_rest::prelude::*;
//! use athena_core::codec::AthenaDate;
//! use athena_core::ids::{DepartmentId, PatientId};
//! use futures::TryStreamExt;
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> athena_core::Result<()> {
//! // A local sandbox stands in for athenahealth (`Client::from_env()` in real code).
//! let sandbox = athena_testkit::Sandbox::start().await;
//! let client = athena_core::Client::builder()
//!     .base_url(sandbox.base_url())
//!     .client_credentials(sandbox.client_id(), sandbox.client_secret())
//!     .build()?;
//! let practice = client.practice(athena_core::PracticeId::new(195900));
//!
//! // Register a patient, then find them: one page, then every match lazily.
//! let dob = AthenaDate::new(1985, 1, 15).expect("valid date");
//! let dept_id = DepartmentId::new(1);
//! let id = practice.patients().create("Jo", "Smith", dob, dept_id).zip("02110").send().await?;
//! let page = practice.patients().search().lastname("Smith").dob(dob).send().await?;
//! assert!(page.items().iter().any(|p| p.patientid == Some(id)));
//! let everyone: Vec<_> = practice.patients().search().lastname("Smith").stream().try_collect().await?;
//! assert!(everyone.len() >= page.items().len());
//!
//! // Department-scoped calls.
//! let dept = practice.department(dept_id);
//! let problems = dept.chart(PatientId::new(1)).problems().send().await?;
//! let slots = dept.appointments().open().reasonid_any().send().await?;
//! assert!(!slots.items().is_empty());
//! # let _ = problems; Ok(()) }
//! ```
//!
//! # The builder rule
//!
//! - **Setters are athena's parameter names**, lower-case as on the wire (`.lastname()`,
//!   `.dob()`, `.departmentid()`, `.appointmenttypeid()`, `.providerid()`), typed (ids,
//!   dates, times, money, and enums such as [`PatientStatus`] where athena documents a fixed
//!   set of codes), with the same name and type for the same parameter everywhere
//!   (`limit(u32)`, `offset(u64)`). Required parameters are the handler method's arguments. A
//!   parameter whose value is a JSON array inside the form is filled one element at a time by
//!   the singular of its name (`claimcharges` → `.claimcharge()`, `customfields` →
//!   `.customfield()`, `vitals` → `.vital()`, `appointmenttime` → `.appointmenttime()`).
//! - **`build()` → `Result<Request>`** on every builder: the
//!   [`Request`](athena_core::Request) it would send, without I/O, or an error of kind
//!   [`InvalidInput`](athena_core::ErrorKind::InvalidInput) whose message names the missing
//!   or invalid parameter (never its value). Nothing panics. `send()` runs the same checks.
//! - **"Or none"**: a "get one" builder (one resource named by the path) has `send()` →
//!   `Result<T>`, where a 404 is an error of kind
//!   [`NotFound`](athena_core::ErrorKind::NotFound), and `send_optional()` →
//!   `Result<Option<T>>`, where a 404 is `Ok(None)`. That is the only form.
//! - **Lists**: every list builder has `send()` (one [`Page`](athena_core::Page)),
//!   `stream()` (every item, page after page, lazily) and `pages()` (the pages, lazily).
//!   Lists athena answers in one piece (a bare array) are one page without `next`.
//! - Writes have `send()` (after `build()`'s checks); athena's `success:false` in a 200 is an
//!   error of kind [`Unsuccessful`](athena_core::ErrorKind::Unsuccessful).
//! - Every builder's doc comment starts with its endpoint: method and route template
//!   (`GET /v1/{practiceid}/patients`).
//!
//! ```
//! use athena_rest::prelude::*;
//! use athena_core::ids::PatientId;
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> athena_core::Result<()> {
//! # let sandbox = athena_testkit::Sandbox::start().await;
//! # let client = athena_core::Client::builder()
//! #     .base_url(sandbox.base_url())
//! #     .client_credentials(sandbox.client_id(), sandbox.client_secret())
//! #     .build()?;
//! # let practice = client.practice(athena_core::PracticeId::new(195900));
//! // A 404 is `Ok(None)` with `send_optional()`, an error of kind `NotFound` with `send()`.
//! let nobody = practice.patients().get(PatientId::new(99_999_999)).send_optional().await?;
//! assert!(nobody.is_none());
//! let err = practice.patients().get(PatientId::new(99_999_999)).send().await.unwrap_err();
//! assert_eq!(err.kind(), athena_core::ErrorKind::NotFound);
//! // A search without any criterion cannot be built; the error names no value.
//! let err = practice.patients().search().build().unwrap_err();
//! assert_eq!(err.kind(), athena_core::ErrorKind::InvalidInput);
//! # Ok(()) }
//! ```
//!
//! Retry safety: every builder declares whether a retry is safe. Booking, rescheduling,
//! payments, claim creation, patient creation, document upload and case creation are
//! [`RetrySafety::NotIdempotent`](athena_core::RetrySafety::NotIdempotent), even when athena
//! uses `PUT` for them; so are opening slots, appointment notes, waitlist entries,
//! encounter and lab result documents, encounter diagnoses and lab orders.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod send;

pub mod endpoints;
pub mod models;

pub use athena_core::codec::lenient::{Decoded, FieldValue};
pub use endpoints::ext::{DepartmentExt, PracticeExt};
pub use endpoints::values::{Laterality, PatientStatus, ProblemStatus, ResultStatus};

/// Everything needed to call endpoints: `use athena_rest::prelude::*;`.
pub mod prelude {
    pub use crate::endpoints::ext::{DepartmentExt, PracticeExt};
    pub use crate::endpoints::scheduling::ConflictExt;
}
