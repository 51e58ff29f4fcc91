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
//!
//! # PHI fields
//!
//! Fields that hold one of HIPAA's identifiers are typed
//! [`Phi<T>`](athena_core::phi::Phi): `Debug` prints `<redacted>` while serde round-trips
//! them. Each has an accessor of the same name that reads it out of the wrapper, so there is
//! no `Phi` to unwrap by hand: `Option<&str>` for text, `Option<&T>` otherwise.
//!
//! ```
//! use athena_rest::models::Patient;
//!
//! let p: Patient = serde_json::from_str(r#"{"firstname":"Jo","dob":"01/15/1985"}"#)?;
//! assert_eq!(p.firstname(), Some("Jo"));
//! assert_eq!(p.lastname(), None);
//! assert_eq!(p.dob().map(|d| d.to_string()).as_deref(), Some("01/15/1985"));
//! assert!(!format!("{p:?}").contains("Jo"));
//! # Ok::<(), serde_json::Error>(())
//! ```
//!
//! # Adding a model
//!
//! A model is a plain struct with `#[derive(Clone, Default, athena_core::Model)]` and
//! `#[non_exhaustive]`: every field `pub name: Option<T>` with a doc comment, plus
//! `pub extra: serde_json::Map<String, serde_json::Value>` and a private
//! `decode_warnings: Vec<DecodeWarning>` (see
//! [`athena_core::codec::lenient::field`] for what the derive writes). Every field type must
//! implement [`FieldValue`](crate::FieldValue) (all scalars, ids, dates, `Phi<T>`, `Vec<T>`,
//! `serde_json::Value`, `open_enum!` codes and every model do). A field whose wire name is
//! not a Rust identifier is written `#[athena(rename = "Pong")] pub pong: Option<bool>`
//! (`#[serde(...)]` does not compile on a model).
//!
//! Then list the model in `tests/it/field_audit.rs` (`models()`): every wire name it types
//! must appear in a recorded fixture, in `athena-api.md`, or in that test's `EVIDENCE` table
//! with the public source that shows athena sends it. Test one odd field per new model the
//! way `tests/it/decode_warnings.rs` does (`page_with_one_bad_field`).

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
