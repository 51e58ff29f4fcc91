//! Typed models of athena's responses. Every model keeps unknown fields in `extra` and
//! redacts PHI in `Debug`.
//!
//! # A field in an unexpected shape
//!
//! athena is loosely typed and changes quarterly. When a modelled field arrives in a shape
//! its type cannot hold (an object where a date is, an array where a string is, a number where
//! a flag is, an unparseable date), the call does **not** fail: the field is left `None`, its
//! value is kept verbatim in the model's `extra` under its own key (so serialising the model
//! back loses nothing), and a [`DecodeWarning`](athena_core::decode::warnings::DecodeWarning)
//! records the JSON path and the kind that was expected — never the value. Every other field
//! and every other record decodes as usual. The warnings are on the model
//! (`decode_warnings()`, paths relative to it such as `patient.dob`), on the page
//! ([`Page::warnings`](athena_core::Page::warnings), paths from the body such as
//! `appointments[3].patient.dob`), and in the log (a `tracing` warn event per field with the
//! route template). Malformed JSON, and a list item that is not an object, still fail.
//!
//! ```
//! use athena_rest::models::Patient;
//!
//! let p: Patient = serde_json::from_str(
//!     r#"{"patientid":"7","dob":{"unexpected":true},"status":"active"}"#,
//! )?;
//! assert_eq!(p.dob, None);
//! assert_eq!(p.status.as_deref(), Some("active"));
//! assert_eq!(p.extra["dob"], serde_json::json!({"unexpected": true}));
//! assert_eq!(p.decode_warnings()[0].path(), "dob");
//! assert_eq!(p.decode_warnings()[0].expected(), "a date as MM/DD/YYYY");
//! # Ok::<(), serde_json::Error>(())
//! ```
//!
//! Each model also lists the wire names it types (`Patient::FIELD_NAMES`).

mod appointment;
mod appointment_extras;
mod billing_history;
mod chart;
mod claim;
mod clinical_documents;
mod common;
mod document;
mod encounter_orders;
mod insurance;
mod patient;
mod practice;
mod reference;

pub use appointment::*;
pub use appointment_extras::*;
pub use billing_history::*;
pub use chart::*;
pub use claim::*;
pub use clinical_documents::*;
pub use common::*;
pub use document::*;
pub use encounter_orders::*;
pub use insurance::*;
pub use patient::*;
pub use practice::*;
pub use reference::*;
