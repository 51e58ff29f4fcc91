//! Endpoint handlers and their builders, one file per area.

pub mod appointment_extras;
pub mod billing_history;
pub mod chart;
pub mod claims;
pub mod clinical_documents;
pub mod documents;
pub mod encounter_orders;
pub(crate) mod ext;
pub mod insurances;
pub mod patients;
pub mod practice;
pub mod reference;
#[cfg(test)]
mod rule_tests;
pub mod scheduling;
pub mod values;
