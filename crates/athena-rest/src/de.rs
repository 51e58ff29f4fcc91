//! How model fields decode: leniently, in one pass, with value-free errors.
//!
//! Every modelled field is an `Option<T>` read through [`FieldValue`]: `null` and blank
//! strings are `None`; ids, dates, money and counts accept a number or a string; booleans
//! accept athena's spellings. Nested models and lists decode through serde as usual. The
//! [`model!`](crate::de::model) macro writes the struct, its serde attributes, an `extra` map
//! that keeps every field this SDK does not model, and a PHI-safe `Debug`.

use std::fmt;
use std::marker::PhantomData;
use std::str::FromStr;

use athena_core::codec::{AthenaDate, AthenaDateTime, AthenaTime, DepartmentTimeZone, Money};
use athena_core::ids;
use athena_core::phi::Phi;
use serde::de::{self, Deserializer, Visitor};

/// A type a model field can hold, with athena's lenient decoding.
pub trait FieldValue: Sized {
    /// Decodes an optional field value (`null`/blank → `None`).
    fn decode<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Self>, D::Error>;
}

/// `deserialize_with` target for every model field.
pub(crate) fn field<'de, D: Deserializer<'de>, T: FieldValue>(d: D) -> Result<Option<T>, D::Error> {
    T::decode(d)
}

/// Parses scalars (string or number) through `FromStr`; blank is `None`.
struct ParseVisitor<T>(&'static str, PhantomData<T>);

impl<T: FromStr> ParseVisitor<T> {
    fn parse<E: de::Error>(&self, s: &str) -> Result<Option<T>, E> {
        let s = s.trim();
        if s.is_empty() {
            return Ok(None);
        }
        s.parse()
            .map(Some)
            .map_err(|_| E::custom(format_args!("expected {}", self.0)))
    }
}

impl<'de, T: FromStr> Visitor<'de> for ParseVisitor<T> {
    type Value = Option<T>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0)
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        self.parse(v)
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        self.parse(itoa(v as i128).as_str())
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        self.parse(itoa(v as i128).as_str())
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
        self.parse(&v.to_string())
    }
    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
}

fn itoa(v: i128) -> String {
    v.to_string()
}

macro_rules! parsed_field {
    ($($ty:ty => $what:literal),* $(,)?) => {$(
        impl FieldValue for $ty {
            fn decode<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Self>, D::Error> {
                d.deserialize_any(ParseVisitor::<$ty>($what, PhantomData))
            }
        }
    )*};
}

parsed_field!(
    AthenaDate => "a date as MM/DD/YYYY",
    AthenaTime => "a time as HH:MM",
    AthenaDateTime => "a date-time",
    DepartmentTimeZone => "an IANA time zone name",
    Money => "an amount of money",
    u32 => "an unsigned integer as a number or numeric string",
    u64 => "an unsigned integer as a number or numeric string",
    i64 => "an integer as a number or numeric string",
    f64 => "a number or numeric string",
    ids::PatientId => "a numeric patient id",
    ids::DepartmentId => "a numeric department id",
    ids::ProviderId => "a numeric provider id",
    ids::AppointmentId => "a numeric appointment id",
    ids::AppointmentTypeId => "a numeric appointment type id",
    ids::EncounterId => "a numeric encounter id",
    ids::ClaimId => "a numeric claim id",
    ids::InsuranceId => "a numeric insurance id",
    ids::InsurancePackageId => "a numeric insurance package id",
    ids::DocumentId => "a numeric document id",
    ids::PatientCaseId => "a numeric patient case id",
    ids::ProblemId => "a numeric problem id",
    ids::LabResultId => "a numeric lab result id",
    ids::VitalId => "a numeric vital id",
    ids::CustomFieldId => "a numeric custom field id",
    ids::PaymentBatchId => "a numeric payment batch id",
    ids::ReasonId => "a numeric reason id",
    ids::ChartSharingGroupId => "a numeric chart sharing group id",
    ids::PracticeId => "a numeric practice id",
);

/// Text: a string, or a number kept as its text. Blank stays `Some("")` so a round trip is
/// exact.
impl FieldValue for String {
    fn decode<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Self>, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Option<String>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string or number")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(Some(v.to_owned()))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
                Ok(Some(v))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
                Ok(Some(v.to_string()))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
                Ok(Some(v.to_string()))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
                Ok(Some(v.to_string()))
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
                Ok(Some(v.to_string()))
            }
            fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok(None)
            }
            fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok(None)
            }
            fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
                d.deserialize_any(self)
            }
        }
        d.deserialize_any(V)
    }
}

/// athena's booleans: `true`, `"true"`, `"Y"`, `"1"`, `1`, …
impl FieldValue for bool {
    fn decode<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Self>, D::Error> {
        struct V;
        const WHAT: &str = "a boolean (true/false, Y/N, yes/no, 1/0)";
        impl<'de> Visitor<'de> for V {
            type Value = Option<bool>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(WHAT)
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
                Ok(Some(v))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
                match v {
                    0 => Ok(Some(false)),
                    1 => Ok(Some(true)),
                    _ => Err(E::custom(WHAT)),
                }
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
                self.visit_u64(u64::try_from(v).map_err(|_| E::custom(WHAT))?)
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                let t = v.trim();
                if t.is_empty() {
                    return Ok(None);
                }
                match t.to_ascii_lowercase().as_str() {
                    "true" | "t" | "y" | "yes" | "1" => Ok(Some(true)),
                    "false" | "f" | "n" | "no" | "0" => Ok(Some(false)),
                    _ => Err(E::custom(WHAT)),
                }
            }
            fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok(None)
            }
            fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok(None)
            }
            fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
                d.deserialize_any(self)
            }
        }
        d.deserialize_any(V)
    }
}

impl<T: FieldValue> FieldValue for Phi<T> {
    fn decode<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Self>, D::Error> {
        Ok(T::decode(d)?.map(Phi::new))
    }
}

impl FieldValue for serde_json::Value {
    fn decode<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Self>, D::Error> {
        use serde::Deserialize;
        Ok(match serde_json::Value::deserialize(d)? {
            serde_json::Value::Null => None,
            v => Some(v),
        })
    }
}

/// Lists: a JSON array of items (a lone item is read as a one-element list).
impl<T: serde::de::DeserializeOwned> FieldValue for Vec<T> {
    fn decode<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Self>, D::Error> {
        use serde::Deserialize;
        athena_core::codec::lenient::OneOrMany::<T>::deserialize(d).map(|v| Some(v.0))
    }
}

/// Defines a model: every field `Option<T>` decoded through [`FieldValue`], absent fields
/// omitted on output, an `extra` map keeping unknown fields, and a `Debug` that shows
/// modelled fields (PHI fields print `<redacted>`) and only the *names* of extra fields.
macro_rules! model {
    (
        $(#[$meta:meta])*
        pub struct $name:ident {
            $(
                $(#[$fmeta:meta])*
                $field:ident : $ty:ty
            ),* $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Clone, Default, serde::Serialize, serde::Deserialize)]
        #[non_exhaustive]
        pub struct $name {
            $(
                $(#[$fmeta])*
                #[serde(
                    default,
                    deserialize_with = "crate::de::field",
                    skip_serializing_if = "Option::is_none"
                )]
                pub $field: Option<$ty>,
            )*
            /// Every field athena sent that this SDK does not model, kept verbatim so a
            /// round trip loses nothing. May hold PHI: `Debug` shows only the keys.
            #[serde(flatten)]
            pub extra: serde_json::Map<String, serde_json::Value>,
        }

        impl std::fmt::Debug for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                let mut s = f.debug_struct(stringify!($name));
                $(
                    if let Some(v) = &self.$field {
                        s.field(stringify!($field), v);
                    }
                )*
                s.field("extra_keys", &self.extra.keys().collect::<Vec<_>>());
                s.finish()
            }
        }

        impl $crate::de::FieldValue for $name {
            fn decode<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Self>, D::Error> {
                <Option<Self> as serde::Deserialize>::deserialize(d)
            }
        }
    };
}
pub(crate) use model;

/// Defines an open enum over athena's codes: known variants plus `Other(String)`, decoded
/// from the code text and written back unchanged.
macro_rules! open_enum {
    (
        $(#[$meta:meta])*
        pub enum $name:ident {
            $( $(#[$vmeta:meta])* $variant:ident = $code:literal ),* $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum $name {
            $( $(#[$vmeta])* $variant, )*
            /// A code this SDK does not know yet, kept verbatim.
            Other(String),
        }

        impl $name {
            /// athena's code for this value.
            pub fn code(&self) -> &str {
                match self {
                    $( $name::$variant => $code, )*
                    $name::Other(s) => s,
                }
            }
        }

        impl std::str::FromStr for $name {
            type Err = std::convert::Infallible;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Ok(match s.trim() {
                    $( c if c.eq_ignore_ascii_case($code) => $name::$variant, )*
                    other => $name::Other(other.to_owned()),
                })
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.code())
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.code())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let text = <String as $crate::de::FieldValue>::decode(d)?.unwrap_or_default();
                Ok(text.parse().unwrap_or_else(|e: std::convert::Infallible| match e {}))
            }
        }

        impl $crate::de::FieldValue for $name {
            fn decode<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Self>, D::Error> {
                Ok(<String as $crate::de::FieldValue>::decode(d)?
                    .filter(|s| !s.trim().is_empty())
                    .map(|s| s.parse().unwrap_or_else(|e: std::convert::Infallible| match e {})))
            }
        }
    };
}
pub(crate) use open_enum;
