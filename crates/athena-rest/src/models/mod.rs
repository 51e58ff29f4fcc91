//! Typed models of athena's responses. Every model keeps unknown fields in `extra` and
//! redacts PHI in `Debug`.

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
