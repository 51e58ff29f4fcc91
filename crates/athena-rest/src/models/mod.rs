//! Typed models of athena's responses. Every model keeps unknown fields in `extra` and
//! redacts PHI in `Debug`.

mod appointment;
mod chart;
mod claim;
mod common;
mod document;
mod insurance;
mod patient;
mod practice;

pub use appointment::*;
pub use chart::*;
pub use claim::*;
pub use common::*;
pub use document::*;
pub use insurance::*;
pub use patient::*;
pub use practice::*;
