//! Typed endpoints for athenahealth's proprietary `/v1/{practiceid}` REST API.
//!
//! Endpoint groups hang off an [`athena_core::Practice`] (through [`PracticeExt`]) or, where
//! athena needs a `departmentid`, off an [`athena_core::Department`] (through
//! [`DepartmentExt`]), so forgetting the department does not compile. Every operation is one
//! builder: optional parameters are methods, `build()` returns the
//! [`Request`](athena_core::Request) it would send without any I/O, and `send()` sends it.
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
//! let slots = dept.appointments().open().reason_any().send().await?;
//! assert!(!slots.items().is_empty());
//! # let _ = problems; Ok(()) }
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

/// Everything needed to call endpoints: `use athena_rest::prelude::*;`.
pub mod prelude {
    pub use crate::endpoints::ext::{DepartmentExt, PracticeExt};
    pub use crate::endpoints::scheduling::ConflictExt;
}
