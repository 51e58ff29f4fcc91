//! Wire codecs for athenahealth's loosely typed values: dates, times, date-times, time zones,
//! money and the lenient number/string/boolean helpers.
//!
//! Two rules hold for everything in here:
//!
//! - **Lenient in, exact out.** Parsers accept every shape athena is known to send
//!   (`M/D/YYYY` as well as `MM/DD/YYYY`, `"3600"` as well as `3600`, `"Y"` as well as `true`);
//!   writers produce one canonical form.
//! - **No value in any error.** A value may be a patient's birth date or name, so a
//!   [`ParseError`] (and every serde error raised here) says only what was *expected*
//!   ("expected a date as MM/DD/YYYY") and never echoes the input. Parsers never panic.
//!
//! ```
//! use athena_core::codec::{AthenaDate, AthenaDateTime, DateTimeFormat};
//!
//! let dob: AthenaDate = "06/22/2016".parse()?;
//! assert_eq!(dob.to_string(), "06/22/2016");
//!
//! let modified: AthenaDateTime = "2021-01-11T17:03:05-05:00".parse()?;
//! assert_eq!(modified.format(), DateTimeFormat::IsoOffset);
//! assert_eq!(modified.format_as(DateTimeFormat::UsSeconds), "01/11/2021 17:03:05");
//! # Ok::<(), athena_core::codec::ParseError>(())
//! ```

use std::borrow::Cow;
use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};

mod date;
mod datetime;
pub mod lenient;
mod money;
mod time;
pub mod tz;

pub use date::AthenaDate;
pub use datetime::{AthenaDateTime, DateTimeFormat};
pub use money::Money;
pub use time::AthenaTime;
pub use tz::DepartmentTimeZone;

/// What went wrong while parsing a wire value. The input itself is never kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ParseErrorKind {
    /// The input was empty (or only whitespace).
    Empty,
    /// The input did not have the expected shape.
    Malformed,
    /// The shape was right but the value is impossible (month 13, February 30th, hour 25).
    OutOfRange,
    /// A number was too large (or had too many decimal places) to be represented.
    Overflow,
    /// A practice-local time that does not exist in the time zone (a DST spring-forward gap).
    NonexistentLocalTime,
    /// The time zone name is not a known IANA zone.
    UnknownTimeZone,
    /// The JSON value had the wrong type (for example a number where a string was expected).
    WrongType,
}

impl ParseErrorKind {
    fn describe(self) -> &'static str {
        match self {
            Self::Empty => "empty value",
            Self::Malformed => "malformed value",
            Self::OutOfRange => "value out of range",
            Self::Overflow => "value too large",
            Self::NonexistentLocalTime => "local time does not exist in the time zone (DST gap)",
            Self::UnknownTimeZone => "unknown time zone",
            Self::WrongType => "wrong value type",
        }
    }
}

/// A value-free parse error: it records *what kind* of failure happened and *what format was
/// expected*, never the input (which may be PHI).
///
/// ```
/// use athena_core::codec::AthenaDate;
///
/// let err = "13/45/1970".parse::<AthenaDate>().unwrap_err();
/// assert_eq!(err.to_string(), "value out of range: expected a date as MM/DD/YYYY");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ParseError {
    kind: ParseErrorKind,
    expected: &'static str,
}

impl ParseError {
    /// Builds an error from its kind and a description of the expected format
    /// (for example `"a date as MM/DD/YYYY"`). `expected` must not contain input data.
    pub const fn new(kind: ParseErrorKind, expected: &'static str) -> Self {
        Self { kind, expected }
    }

    /// What went wrong.
    pub const fn kind(&self) -> ParseErrorKind {
        self.kind
    }

    /// A description of the expected format, such as `"a date as MM/DD/YYYY"`.
    pub const fn expected(&self) -> &'static str {
        self.expected
    }
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: expected {}", self.kind.describe(), self.expected)
    }
}

impl std::error::Error for ParseError {}

// ---------------------------------------------------------------------------------------------
// Crate-internal helpers shared by the codecs, the ids and the lenient module.
// ---------------------------------------------------------------------------------------------

/// Parses `s` as an unsigned decimal of `min..=max` ASCII digits (no sign, no spaces).
pub(crate) fn digits(s: &str, min: usize, max: usize) -> Option<u32> {
    if s.len() < min || s.len() > max || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.bytes().try_fold(0u32, |acc, b| {
        acc.checked_mul(10)?.checked_add(u32::from(b - b'0'))
    })
}

/// Parses an unsigned integer of ASCII digits only (no sign), rejecting leading zeros when
/// `canonical` is set (so that parse and display are a bijection).
pub(crate) fn parse_u64(s: &str, canonical: bool) -> Option<u64> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    if canonical && s.len() > 1 && s.starts_with('0') {
        return None;
    }
    s.bytes().try_fold(0u64, |acc, b| {
        acc.checked_mul(10)?.checked_add(u64::from(b - b'0'))
    })
}

/// One self-describing scalar as it came off the wire. Used by every lenient decoder so that
/// each rejects the same things with the same value-free messages.
pub(crate) enum Scalar<'de> {
    Null,
    Bool(bool),
    Int(i128),
    Float(f64),
    Str(Cow<'de, str>),
    /// A number's exact text (serde_json `arbitrary_precision`, or an integer beyond i128).
    NumberText(String),
}

impl Scalar<'_> {
    /// The JSON type, for "found …" in error messages. Never the value.
    pub(crate) fn type_name(&self) -> &'static str {
        match self {
            Scalar::Null => "null",
            Scalar::Bool(_) => "a boolean",
            Scalar::Int(_) | Scalar::Float(_) | Scalar::NumberText(_) => "a number",
            Scalar::Str(_) => "a string",
        }
    }
}

/// A serde error saying the value had the wrong JSON type. Value-free.
pub(crate) fn wrong_type<E: de::Error>(expected: &'static str, found: &'static str) -> E {
    E::custom(format_args!(
        "wrong value type: expected {expected}, found {found}"
    ))
}

/// Turns a [`ParseError`] into a serde error (its `Display` is already value-free).
pub(crate) fn de_error<E: de::Error>(err: ParseError) -> E {
    E::custom(err)
}

/// Deserializes one [`Scalar`]; arrays, objects and bytes are rejected with a message naming
/// `expected`.
pub(crate) struct ScalarSeed {
    pub(crate) expected: &'static str,
}

impl<'de> DeserializeSeed<'de> for ScalarSeed {
    type Value = Scalar<'de>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for ScalarSeed {
    type Value = Scalar<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.expected)
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
        Ok(Scalar::Bool(v))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        Ok(Scalar::Int(i128::from(v)))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        Ok(Scalar::Int(i128::from(v)))
    }

    fn visit_i128<E: de::Error>(self, v: i128) -> Result<Self::Value, E> {
        Ok(Scalar::Int(v))
    }

    fn visit_u128<E: de::Error>(self, v: u128) -> Result<Self::Value, E> {
        Ok(match i128::try_from(v) {
            Ok(i) => Scalar::Int(i),
            Err(_) => Scalar::NumberText(v.to_string()),
        })
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
        Ok(Scalar::Float(v))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok(Scalar::Str(Cow::Owned(v.to_owned())))
    }

    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
        Ok(Scalar::Str(Cow::Borrowed(v)))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
        Ok(Scalar::Str(Cow::Owned(v)))
    }

    fn visit_bytes<E: de::Error>(self, _v: &[u8]) -> Result<Self::Value, E> {
        Err(wrong_type(self.expected, "bytes"))
    }

    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(Scalar::Null)
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(Scalar::Null)
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_any(self)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, _seq: A) -> Result<Self::Value, A::Error> {
        Err(wrong_type(self.expected, "an array"))
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        // With serde_json's `arbitrary_precision` feature a number that does not fit u64/i64
        // arrives as a one-entry map holding its exact text; `serde_json::Number` knows how to
        // read it. Any other object is a type error.
        match number_from_map(map) {
            Ok(n) => Ok(Scalar::NumberText(n.to_string())),
            Err(()) => Err(wrong_type(self.expected, "an object")),
        }
    }
}

/// Reads a `serde_json::Number` out of a map (the `arbitrary_precision` encoding), mapping any
/// failure to `()` so the caller can report a value-free error.
fn number_from_map<'de, A: MapAccess<'de>>(map: A) -> Result<serde_json::Number, ()> {
    use serde::Deserialize;
    serde_json::Number::deserialize(de::value::MapAccessDeserializer::new(map)).map_err(|_| ())
}

/// Deserializes a value that must arrive as a JSON string and parses it with `parse`.
/// Other JSON types give a value-free "wrong value type" error.
pub(crate) fn deserialize_from_str<'de, D, T>(
    deserializer: D,
    expected: &'static str,
    parse: impl FnOnce(&str) -> Result<T, ParseError>,
) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
{
    match (ScalarSeed { expected }).deserialize(deserializer)? {
        Scalar::Str(s) => parse(&s).map_err(de_error),
        other => Err(wrong_type(expected, other.type_name())),
    }
}
