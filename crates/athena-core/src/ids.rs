//! Typed athena ids, and their FHIR forms.
//!
//! Each id is its own type around a `u64`, so a [`PatientId`] can never be passed where a
//! [`DepartmentId`] goes. All of them:
//!
//! - `const fn new(u64)`, `get()`, `Copy`, `Eq`, `Ord`, `Hash`, `Debug` (`PatientId(42)`),
//!   `Display` (`42`), `FromStr`;
//! - serialize as a **string** (the form athena's form and query values take);
//! - deserialize from a JSON number or a numeric string (`5` or `" 5 "`), since athena sends
//!   both; anything else is a value-free error naming the type ("expected a numeric
//!   PatientId").
//!
//! FHIR ids (`a-195900.E-60178`, `a-1.Practice-195900`, …) are in [`FhirId`].
//!
//! ```
//! use athena_core::ids::{PatientId, PracticeId};
//!
//! let p: PatientId = serde_json::from_str("\"60178\"")?;
//! assert_eq!(p, serde_json::from_str::<PatientId>("60178")?);
//! assert_eq!(serde_json::to_string(&p)?, "\"60178\"");
//! assert_eq!(p.to_fhir_id(PracticeId::new(195900)).to_string(), "a-195900.E-60178");
//! # Ok::<(), serde_json::Error>(())
//! ```

use crate::codec::{
    ParseError, ParseErrorKind, Scalar, ScalarSeed, de_error, parse_u64, wrong_type,
};

mod fhir;

pub use fhir::FhirId;

/// Parses an id's text (surrounding whitespace allowed, digits only).
fn parse_id(s: &str, expected: &'static str) -> Result<u64, ParseError> {
    let t = s.trim();
    if t.is_empty() {
        return Err(ParseError::new(ParseErrorKind::Empty, expected));
    }
    if !t.bytes().all(|b| b.is_ascii_digit()) {
        return Err(ParseError::new(ParseErrorKind::Malformed, expected));
    }
    parse_u64(t, false).ok_or(ParseError::new(ParseErrorKind::Overflow, expected))
}

/// Decodes an id from a number or numeric string.
fn deserialize_id<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
    expected: &'static str,
) -> Result<u64, D::Error> {
    use serde::de::DeserializeSeed;
    match (ScalarSeed { expected }).deserialize(deserializer)? {
        Scalar::Int(i) => u64::try_from(i)
            .map_err(|_| de_error(ParseError::new(ParseErrorKind::OutOfRange, expected))),
        Scalar::Str(s) => parse_id(&s, expected).map_err(de_error),
        Scalar::Float(_) | Scalar::NumberText(_) => Err(de_error(ParseError::new(
            ParseErrorKind::Malformed,
            expected,
        ))),
        other => Err(wrong_type(expected, other.type_name())),
    }
}

/// Defines a `u64` newtype id with the behaviour described in the [module docs](self).
macro_rules! athena_id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub struct $name(u64);

        impl $name {
            const EXPECTED: &'static str = concat!("a numeric ", stringify!($name));

            /// Wraps a raw id (infallible and `const`, for ids known to be valid; see
            /// [`try_new`](Self::try_new) for ids from configuration or user input).
            pub const fn new(id: u64) -> Self {
                Self(id)
            }

            /// Wraps a raw id, rejecting `0`: athena's ids start at 1, and a 0 (an unset
            /// variable, a default) would otherwise reach the server as `/v1/0/…`.
            pub fn try_new(id: u64) -> Result<Self, ParseError> {
                if id == 0 {
                    Err(ParseError::new(ParseErrorKind::OutOfRange, Self::EXPECTED))
                } else {
                    Ok(Self(id))
                }
            }

            /// The raw id.
            pub const fn get(self) -> u64 {
                self.0
            }
        }

        impl From<u64> for $name {
            fn from(id: u64) -> Self {
                Self(id)
            }
        }

        impl From<$name> for u64 {
            fn from(id: $name) -> u64 {
                id.0
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                std::fmt::Display::fmt(&self.0, f)
            }
        }

        impl std::str::FromStr for $name {
            type Err = ParseError;

            fn from_str(s: &str) -> Result<Self, ParseError> {
                parse_id(s, Self::EXPECTED).map(Self)
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.collect_str(&self.0)
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                deserialize_id(deserializer, Self::EXPECTED).map(Self)
            }
        }
    };
}

athena_id!(
    /// A practice (the `{practiceid}` in `/v1/{practiceid}`).
    PracticeId
);
athena_id!(
    /// A department of a practice.
    DepartmentId
);
athena_id!(
    /// A patient (athena's enterprise id within a practice).
    PatientId
);
athena_id!(
    /// A rendering or scheduling provider.
    ProviderId
);
athena_id!(
    /// An appointment or open appointment slot.
    AppointmentId
);
athena_id!(
    /// An appointment type.
    AppointmentTypeId
);
athena_id!(
    /// A clinical encounter.
    EncounterId
);
athena_id!(
    /// A claim.
    ClaimId
);
athena_id!(
    /// A patient's insurance policy.
    InsuranceId
);
athena_id!(
    /// An insurance package (payer plan).
    InsurancePackageId
);
athena_id!(
    /// A document.
    DocumentId
);
athena_id!(
    /// A patient case.
    PatientCaseId
);
athena_id!(
    /// A problem-list entry.
    ProblemId
);
athena_id!(
    /// A lab result.
    LabResultId
);
athena_id!(
    /// A vital sign reading.
    VitalId
);
athena_id!(
    /// A custom field definition.
    CustomFieldId
);
athena_id!(
    /// A payment batch.
    PaymentBatchId
);
athena_id!(
    /// A patient appointment reason (scheduling "reasonid").
    ReasonId
);
athena_id!(
    /// A chart sharing group (departments sharing one patient chart).
    ChartSharingGroupId
);
