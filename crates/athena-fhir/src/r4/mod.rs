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

/// What [`decode_lenient`] decoded, and what it accepted against the specification.
#[derive(Clone, PartialEq)]
pub struct Lenient<T> {
    /// The decoded value (all the data received, as in a strict decode).
    pub value: T,
    /// What was accepted although the specification forbids it (no values, only paths).
    pub issues: Vec<Issue>,
}

impl<T: std::fmt::Debug> std::fmt::Debug for Lenient<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Lenient")
            .field("value", &self.value)
            .field("issues", &self.issues)
            .finish()
    }
}

/// Decodes FHIR JSON from a server that does not quite conform: where an array is required
/// and a single value arrives (`"given": "Ann"`), the value is kept as a one-element array
/// and reported as [`IssueKind::NotAnArray`] instead of failing the whole resource. A strict
/// decode (`serde_json::from_slice`) rejects such input. Everything else is as strict.
///
/// ```
/// use athena_fhir::r4::{self, IssueKind, Patient};
/// let json = br#"{"resourceType":"Patient","name":[{"given":"Ann"}]}"#;
/// assert!(serde_json::from_slice::<Patient>(json).is_err());
/// let decoded = r4::decode_lenient::<Patient>(json).unwrap();
/// assert_eq!(decoded.value.name[0].given, ["Ann"]);
/// assert_eq!(decoded.issues[0].path, "HumanName.given");
/// assert_eq!(decoded.issues[0].kind, IssueKind::NotAnArray);
/// ```
pub fn decode_lenient<T: serde::de::DeserializeOwned>(
    json: &[u8],
) -> serde_json::Result<Lenient<T>> {
    let (value, issues) = rt::with_lenient(|| serde_json::from_slice::<T>(json));
    value.map(|value| Lenient { value, issues })
}

/// Checks a resource against the base specification's cardinalities and required code
/// bindings. Never panics; an empty list means no finding.
pub fn validate(resource: &Resource) -> Vec<Issue> {
    let mut out = Vec::new();
    rt::Validate::validate_at(resource, resource.resource_type(), &mut out);
    out
}
