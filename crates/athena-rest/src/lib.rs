//! Typed endpoints for athenahealth's proprietary `/v1/{practiceid}` REST API.
//!
//! Endpoint groups hang off an [`athena_core::Practice`] (through [`PracticeExt`]) or, where
//! athena needs a `departmentid`, off an [`athena_core::Department`] (through
//! [`DepartmentExt`]), so forgetting the department does not compile. Every operation is one
//! builder: optional parameters are methods, `build()` returns the
//! [`Request`](athena_core::Request) it would send without any I/O, and `send()` sends it.
//!
//! ```no_run
//! use athena_rest::prelude::*;
//! use athena_core::codec::AthenaDate;
//! use athena_core::ids::{DepartmentId, PatientId};
//! use futures::TryStreamExt;
//!
//! # async fn run() -> athena_core::Result<()> {
//! let client = athena_core::Client::from_env()?;
//! let practice = client.practice(athena_core::PracticeId::new(195900));
//!
//! // One page of matching patients, then every match lazily.
//! let dob = AthenaDate::new(1985, 1, 15).expect("valid date");
//! let page = practice.patients().search().lastname("Smith").dob(dob).send().await?;
//! let everyone: Vec<_> = practice.patients().search().lastname("Smith").stream().try_collect().await?;
//!
//! // Department-scoped calls.
//! let dept = practice.department(DepartmentId::new(1));
//! let problems = dept.chart(PatientId::new(1)).problems().send().await?;
//! let slots = dept.appointments().open().reason_any().send().await?;
//! # let _ = (page, everyone, problems, slots); Ok(()) }
//! ```
//!
//! Retry safety: every builder declares whether a retry is safe. Booking, rescheduling,
//! payments, claim creation, patient creation, document upload and case creation are
//! [`RetrySafety::NotIdempotent`](athena_core::RetrySafety::NotIdempotent), even when athena
//! uses `PUT` for them.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod de;
mod send;

pub mod endpoints;
pub mod models;

pub use de::FieldValue;
pub use endpoints::ext::{DepartmentExt, PracticeExt};

/// Everything needed to call endpoints: `use athena_rest::prelude::*;`.
pub mod prelude {
    pub use crate::endpoints::ext::{DepartmentExt, PracticeExt};
    pub use crate::endpoints::scheduling::ConflictExt;
}
