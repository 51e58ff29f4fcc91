//! Endpoint handlers and their builders, one file per area.

pub mod chart;
pub mod claims;
pub mod documents;
pub(crate) mod ext;
pub mod insurances;
pub mod patients;
pub mod practice;
pub mod scheduling;
