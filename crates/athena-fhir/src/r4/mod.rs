//! FHIR R4 (4.0.1) models, generated from the official StructureDefinitions by
//! `cargo xtask gen-fhir`.
//!
//! Decoding is lossless: every struct keeps unknown elements and `_element`
//! primitive-extension siblings in its `extra` field ([`Extras`]), decimals keep their text
//! ([`Decimal`]), unmodelled resources are kept whole ([`Resource::Other`]), and code enums
//! keep unknown codes (`Unrecognized`). Every element is optional in the Rust types so that
//! what real servers send is accepted; [`validate`] reports what breaks the specification.
//!
//! ```
//! use athena_fhir::r4::Resource;
//! let json = r#"{"resourceType":"Observation","status":"final","code":{"text":"x"},"valueQuantity":{"value":1.50}}"#;
//! let r: Resource = serde_json::from_str(json).unwrap();
//! assert_eq!(serde_json::to_string(&r).unwrap(), json);
//! ```

#[allow(missing_docs)]
mod generated;
pub(crate) mod rt;

pub use generated::*;
pub use rt::{Decimal, Extras, Issue, IssueKind, OtherResource, ParseDecimalError};

/// Checks a resource against the base specification's cardinalities and required code
/// bindings. Never panics; an empty list means no finding.
pub fn validate(resource: &Resource) -> Vec<Issue> {
    let mut out = Vec::new();
    rt::Validate::validate_at(resource, resource.resource_type(), &mut out);
    out
}
