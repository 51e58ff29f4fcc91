//! Serde helpers for athena's loose typing.
//!
//! athena sends the same field as a number in one endpoint and a string in another
//! (`"departmentid": "1"` vs `5`), booleans as `true`, `"true"`, `"Y"` or `"1"`, single objects
//! where arrays are expected, and "get one" answers as one-element arrays. Each helper here
//! comes both as a newtype (for new models) and as a module usable with
//! `#[serde(with = "…")]` (for plain field types):
//!
//! | accepts | newtype | `with` module | `Option` module (`null`, `""`, absent → `None`) |
//! |---|---|---|---|
//! | integer from number or numeric string | [`LenientInt`] | [`integer`] | [`option_integer`] |
//! | string from string or number | [`LenientString`] | [`string`] | [`option_string`] |
//! | boolean in any of athena's spellings | [`LenientBool`] | [`boolean`] | [`option_boolean`] |
//! | one value or an array of them | [`OneOrMany`] | [`one_or_many`] | — |
//! | `[ {…} ]` or a bare `{…}` | [`Single`] | [`first_of_one_element_array`] | — |
//!
//! `Option` modules treat an absent field as `None` only together with `#[serde(default)]`.
//! [`empty_as_none`] makes any `Option<T>` read `""` as `None`. [`BareOutcome`] reads the
//! bare `1` / `"Invalid PROVIDERID input"` bodies of some write endpoints.
//!
//! **Models** do not use these helpers field by field: `#[derive(Model)]` (see
//! [`Model`](crate::Model)) reads every field through [`field::FieldValue`], which never fails
//! for a value of the wrong shape but keeps it raw with a warning (see [`field`]). Both share
//! the scalar rules (e.g. the boolean spellings).
//!
//! Every error is value-free: it names the expected shape and the JSON type found, never
//! the value.
//!
//! ```
//! use athena_core::codec::lenient;
//! use serde::Deserialize;
//!
//! #[derive(Deserialize)]
//! struct Slot {
//!     #[serde(with = "lenient::integer")]
//!     duration: u32,
//!     #[serde(with = "lenient::string")]
//!     departmentid: String,
//!     #[serde(with = "lenient::boolean")]
//!     frozen: bool,
//!     #[serde(default, with = "lenient::option_integer")]
//!     priority: Option<u8>,
//! }
//!
//! let slot: Slot = serde_json::from_str(
//!     r#"{"duration":"30","departmentid":5,"frozen":"Y","priority":""}"#,
//! )?;
//! assert_eq!((slot.duration, slot.departmentid.as_str(), slot.frozen), (30, "5", true));
//! assert_eq!(slot.priority, None);
//! # Ok::<(), serde_json::Error>(())
//! ```

pub mod field;
mod open_enum;

pub use field::{Decoded, FieldValue, ScalarField, ScalarVisitor};

use std::fmt;
use std::marker::PhantomData;

use serde::de::value::{
    BoolDeserializer, BorrowedStrDeserializer, F64Deserializer, I64Deserializer, I128Deserializer,
    MapAccessDeserializer, StrDeserializer, StringDeserializer, U64Deserializer, U128Deserializer,
};
use serde::de::{
    self, DeserializeOwned, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor,
};
use serde::ser::SerializeSeq;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::{Scalar, ScalarSeed, wrong_type};

const EXPECTED_INT: &str = "an integer as a number or numeric string";
const EXPECTED_STRING: &str = "a string or number";
const EXPECTED_BOOL: &str = "a boolean (true/false, Y/N, yes/no, t/f, 1/0)";

// ---------------------------------------------------------------------------------------------
// Scalar decoders (the one place each rule lives).
// ---------------------------------------------------------------------------------------------

/// `None` for `null` or a blank string; the scalar otherwise.
fn non_empty(scalar: Scalar<'_>) -> Option<Scalar<'_>> {
    match scalar {
        Scalar::Null => None,
        Scalar::Str(s) if s.trim().is_empty() => None,
        other => Some(other),
    }
}

fn int_from_scalar<T: TryFrom<i128>, E: de::Error>(scalar: Scalar<'_>) -> Result<T, E> {
    let value: i128 = match scalar {
        Scalar::Int(i) => i,
        Scalar::Str(s) => {
            let t = s.trim();
            let (negative, body) = match t.strip_prefix('-') {
                Some(rest) => (true, rest),
                None => (false, t.strip_prefix('+').unwrap_or(t)),
            };
            if body.is_empty() || !body.bytes().all(|b| b.is_ascii_digit()) {
                return Err(E::custom(format_args!(
                    "malformed value: expected {EXPECTED_INT}"
                )));
            }
            let magnitude: i128 = body
                .parse()
                .map_err(|_| E::custom(format_args!("value too large: expected {EXPECTED_INT}")))?;
            if negative { -magnitude } else { magnitude }
        }
        // 30.0 is an integer; 2^53 is where f64 stops being exact.
        Scalar::Float(f) if f.fract() == 0.0 && f.abs() < 9_007_199_254_740_992.0 => f as i128,
        Scalar::Float(_) | Scalar::NumberText(_) => {
            return Err(E::custom(format_args!(
                "malformed value: expected {EXPECTED_INT}, found a non-integer or too large number"
            )));
        }
        other => return Err(wrong_type(EXPECTED_INT, other.type_name())),
    };
    T::try_from(value).map_err(|_| {
        E::custom(format_args!(
            "value out of range: expected {EXPECTED_INT} that fits the field's type"
        ))
    })
}

fn string_from_scalar<E: de::Error>(scalar: Scalar<'_>) -> Result<String, E> {
    match scalar {
        Scalar::Str(s) => Ok(s.into_owned()),
        Scalar::Int(i) => Ok(i.to_string()),
        Scalar::Float(f) => Ok(f.to_string()),
        Scalar::NumberText(s) => Ok(s),
        other => Err(wrong_type(EXPECTED_STRING, other.type_name())),
    }
}

/// athena's spellings of a boolean (`true`/`false`, `t`/`f`, `Y`/`N`, `yes`/`no`, `1`/`0`, any
/// case, already trimmed): the one table both [`LenientBool`] and the model fields use.
pub(crate) fn bool_word(t: &str) -> Option<bool> {
    const TRUE: [&str; 5] = ["true", "t", "y", "yes", "1"];
    const FALSE: [&str; 5] = ["false", "f", "n", "no", "0"];
    if TRUE.iter().any(|w| w.eq_ignore_ascii_case(t)) {
        Some(true)
    } else if FALSE.iter().any(|w| w.eq_ignore_ascii_case(t)) {
        Some(false)
    } else {
        None
    }
}

fn bool_from_scalar<E: de::Error>(scalar: Scalar<'_>) -> Result<bool, E> {
    let bad = || E::custom(format_args!("malformed value: expected {EXPECTED_BOOL}"));
    match scalar {
        Scalar::Bool(b) => Ok(b),
        Scalar::Int(1) => Ok(true),
        Scalar::Int(0) => Ok(false),
        Scalar::Str(s) => bool_word(s.trim()).ok_or_else(bad),
        Scalar::Int(_) | Scalar::Float(_) | Scalar::NumberText(_) => Err(bad()),
        Scalar::Null => Err(wrong_type(EXPECTED_BOOL, "null")),
    }
}

// ---------------------------------------------------------------------------------------------
// Newtypes.
// ---------------------------------------------------------------------------------------------

/// A boolean read from `true`/`false`, `"true"`/`"false"`, `"Y"`/`"N"`, `"yes"`/`"no"`,
/// `"t"`/`"f"`, `"1"`/`"0"` or `1`/`0` (strings case-insensitive, trimmed). Written as a JSON
/// boolean.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct LenientBool(pub bool);

impl From<LenientBool> for bool {
    fn from(b: LenientBool) -> bool {
        b.0
    }
}

impl From<bool> for LenientBool {
    fn from(b: bool) -> Self {
        Self(b)
    }
}

impl Serialize for LenientBool {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_bool(self.0)
    }
}

impl<'de> Deserialize<'de> for LenientBool {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        boolean::deserialize(deserializer).map(Self)
    }
}

/// An integer read from a JSON number or a numeric string (`3600`, `"3600"`, `" 3600 "`,
/// `30.0`). Written as a JSON number. Fractions, overflow and non-numeric text are
/// value-free errors.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct LenientInt<T>(pub T);

impl<T: Serialize> Serialize for LenientInt<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(serializer)
    }
}

impl<'de, T: TryFrom<i128>> Deserialize<'de> for LenientInt<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        integer::deserialize(deserializer).map(Self)
    }
}

/// A string read from a JSON string or number (`"189"` or `189` → `"189"`). Written as a
/// JSON string.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct LenientString(pub String);

impl LenientString {
    /// The text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl From<LenientString> for String {
    fn from(s: LenientString) -> String {
        s.0
    }
}

impl Serialize for LenientString {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for LenientString {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        string::deserialize(deserializer).map(Self)
    }
}

// ---------------------------------------------------------------------------------------------
// `with` modules.
// ---------------------------------------------------------------------------------------------

/// `#[serde(with = "lenient::integer")]` for any integer field: reads a number or numeric
/// string, writes a number.
pub mod integer {
    use super::*;

    /// Writes the integer as a JSON number.
    pub fn serialize<T: Serialize, S: Serializer>(
        value: &T,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        value.serialize(serializer)
    }

    /// Reads a number or numeric string.
    pub fn deserialize<'de, T: TryFrom<i128>, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<T, D::Error> {
        int_from_scalar(
            ScalarSeed {
                expected: EXPECTED_INT,
            }
            .deserialize(deserializer)?,
        )
    }
}

/// `#[serde(default, with = "lenient::option_integer")]` for `Option<integer>`: `null`, `""`
/// and (with `default`) an absent field are `None`.
pub mod option_integer {
    use super::*;

    /// Writes `Some` as a number and `None` as `null`.
    pub fn serialize<T: Serialize, S: Serializer>(
        value: &Option<T>,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        value.serialize(serializer)
    }

    /// Reads `null`/`""` as `None`, otherwise a number or numeric string.
    pub fn deserialize<'de, T: TryFrom<i128>, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Option<T>, D::Error> {
        non_empty(
            ScalarSeed {
                expected: EXPECTED_INT,
            }
            .deserialize(deserializer)?,
        )
        .map(int_from_scalar)
        .transpose()
    }
}

/// `#[serde(with = "lenient::string")]` for `String` fields that may arrive as numbers.
pub mod string {
    use super::*;

    /// Writes the string.
    pub fn serialize<S: Serializer>(value: &str, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(value)
    }

    /// Reads a string, or a number as its decimal text.
    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<String, D::Error> {
        string_from_scalar(
            ScalarSeed {
                expected: EXPECTED_STRING,
            }
            .deserialize(deserializer)?,
        )
    }
}

/// `#[serde(default, with = "lenient::option_string")]` for `Option<String>`: `null`, `""`
/// and (with `default`) an absent field are `None`.
pub mod option_string {
    use super::*;

    /// Writes `Some` as a string and `None` as `null`.
    pub fn serialize<S: Serializer>(
        value: &Option<String>,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        value.serialize(serializer)
    }

    /// Reads `null`/blank as `None`, otherwise a string or number.
    pub fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Option<String>, D::Error> {
        non_empty(
            ScalarSeed {
                expected: EXPECTED_STRING,
            }
            .deserialize(deserializer)?,
        )
        .map(string_from_scalar)
        .transpose()
    }
}

/// `#[serde(with = "lenient::boolean")]` for `bool` fields (see [`LenientBool`] for the
/// accepted spellings). Writes a JSON boolean.
pub mod boolean {
    use super::*;

    /// Writes a JSON boolean.
    pub fn serialize<S: Serializer>(value: &bool, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_bool(*value)
    }

    /// Reads any of athena's boolean spellings.
    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<bool, D::Error> {
        bool_from_scalar(
            ScalarSeed {
                expected: EXPECTED_BOOL,
            }
            .deserialize(deserializer)?,
        )
    }
}

/// `#[serde(default, with = "lenient::option_boolean")]` for `Option<bool>`: `null`, `""`
/// and (with `default`) an absent field are `None`.
pub mod option_boolean {
    use super::*;

    /// Writes `Some` as a boolean and `None` as `null`.
    pub fn serialize<S: Serializer>(
        value: &Option<bool>,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        value.serialize(serializer)
    }

    /// Reads `null`/blank as `None`, otherwise any of athena's boolean spellings.
    pub fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Option<bool>, D::Error> {
        non_empty(
            ScalarSeed {
                expected: EXPECTED_BOOL,
            }
            .deserialize(deserializer)?,
        )
        .map(bool_from_scalar)
        .transpose()
    }
}

/// `#[serde(default, deserialize_with = "lenient::empty_as_none")]` for any `Option<T>`:
/// `null` and `""` (blank) are `None`, anything else is read as `T`.
///
/// The value is buffered as a `serde_json::Value` first (so `T`'s error paths are relative to
/// the field).
pub fn empty_as_none<'de, D, T>(deserializer: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: DeserializeOwned,
{
    match serde_json::Value::deserialize(deserializer)? {
        serde_json::Value::Null => Ok(None),
        serde_json::Value::String(s) if s.trim().is_empty() => Ok(None),
        value => T::deserialize(value).map(Some).map_err(de::Error::custom),
    }
}

// ---------------------------------------------------------------------------------------------
// One or many / single.
// ---------------------------------------------------------------------------------------------

/// Reads a single `T` or an array of `T`; `null` is an empty list. With `first_only`, stops
/// after the first element (the rest is skipped).
struct OneOrManyVisitor<T> {
    first_only: bool,
    marker: PhantomData<T>,
}

impl<T> OneOrManyVisitor<T> {
    fn new(first_only: bool) -> Self {
        Self {
            first_only,
            marker: PhantomData,
        }
    }
}

impl<'de, T: Deserialize<'de>> Visitor<'de> for OneOrManyVisitor<T> {
    type Value = Vec<T>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a value or an array of values")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<T>, A::Error> {
        if self.first_only {
            let first = seq.next_element()?;
            while seq.next_element::<IgnoredAny>()?.is_some() {}
            return Ok(first.into_iter().collect());
        }
        let mut out = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(1024));
        while let Some(item) = seq.next_element()? {
            out.push(item);
        }
        Ok(out)
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Vec<T>, A::Error> {
        T::deserialize(MapAccessDeserializer::new(map)).map(|v| vec![v])
    }

    fn visit_unit<E: de::Error>(self) -> Result<Vec<T>, E> {
        Ok(Vec::new())
    }

    fn visit_none<E: de::Error>(self) -> Result<Vec<T>, E> {
        Ok(Vec::new())
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Vec<T>, D::Error> {
        deserializer.deserialize_any(self)
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Vec<T>, E> {
        T::deserialize(BoolDeserializer::<E>::new(v)).map(|v| vec![v])
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Vec<T>, E> {
        T::deserialize(I64Deserializer::<E>::new(v)).map(|v| vec![v])
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Vec<T>, E> {
        T::deserialize(U64Deserializer::<E>::new(v)).map(|v| vec![v])
    }

    fn visit_i128<E: de::Error>(self, v: i128) -> Result<Vec<T>, E> {
        T::deserialize(I128Deserializer::<E>::new(v)).map(|v| vec![v])
    }

    fn visit_u128<E: de::Error>(self, v: u128) -> Result<Vec<T>, E> {
        T::deserialize(U128Deserializer::<E>::new(v)).map(|v| vec![v])
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Vec<T>, E> {
        T::deserialize(F64Deserializer::<E>::new(v)).map(|v| vec![v])
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Vec<T>, E> {
        T::deserialize(StrDeserializer::<E>::new(v)).map(|v| vec![v])
    }

    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Vec<T>, E> {
        T::deserialize(BorrowedStrDeserializer::<E>::new(v)).map(|v| vec![v])
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Vec<T>, E> {
        T::deserialize(StringDeserializer::<E>::new(v)).map(|v| vec![v])
    }

    fn visit_bytes<E: de::Error>(self, _v: &[u8]) -> Result<Vec<T>, E> {
        Err(wrong_type("a value or an array of values", "bytes"))
    }
}

/// A list that athena sometimes sends as a single bare value: reads `x` as `[x]`, `[x, y]` as
/// is, and `null` as `[]`. Written as an array.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct OneOrMany<T>(pub Vec<T>);

impl<T> Default for OneOrMany<T> {
    fn default() -> Self {
        Self(Vec::new())
    }
}

impl<T> From<OneOrMany<T>> for Vec<T> {
    fn from(v: OneOrMany<T>) -> Vec<T> {
        v.0
    }
}

impl<T> std::ops::Deref for OneOrMany<T> {
    type Target = [T];

    fn deref(&self) -> &[T] {
        &self.0
    }
}

impl<T: Serialize> Serialize for OneOrMany<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(serializer)
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for OneOrMany<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        one_or_many::deserialize(deserializer).map(Self)
    }
}

/// `#[serde(default, with = "lenient::one_or_many")]` for `Vec<T>` fields that may hold a
/// single bare value (see [`OneOrMany`]).
pub mod one_or_many {
    use super::*;

    /// Writes an array.
    pub fn serialize<T: Serialize, S: Serializer>(
        value: &[T],
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        value.serialize(serializer)
    }

    /// Reads a single value or an array.
    pub fn deserialize<'de, T: Deserialize<'de>, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Vec<T>, D::Error> {
        deserializer.deserialize_any(OneOrManyVisitor::new(false))
    }
}

/// The answer of a "get one" endpoint, which athena sends as a one-element array `[ {…} ]`
/// (a bare `{…}` is accepted too). Elements after the first are skipped; an empty array (or
/// `null`) is the error "expected one element, got none". Written back as a one-element
/// array, the form athena uses.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct Single<T>(pub T);

impl<T> Single<T> {
    /// The element.
    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T: Serialize> Serialize for Single<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        first_of_one_element_array::serialize(&self.0, serializer)
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Single<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        first_of_one_element_array::deserialize(deserializer).map(Self)
    }
}

/// `#[serde(with = "lenient::first_of_one_element_array")]` for a `T` that athena wraps in a
/// one-element array (see [`Single`]).
pub mod first_of_one_element_array {
    use super::*;

    /// Writes `[value]`.
    pub fn serialize<T: Serialize, S: Serializer>(
        value: &T,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        let mut seq = serializer.serialize_seq(Some(1))?;
        seq.serialize_element(value)?;
        seq.end()
    }

    /// Reads `[x, …]` as `x`, or a bare `x`.
    pub fn deserialize<'de, T: Deserialize<'de>, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<T, D::Error> {
        deserializer
            .deserialize_any(OneOrManyVisitor::new(true))?
            .into_iter()
            .next()
            .ok_or_else(|| de::Error::custom("expected one element, got none"))
    }
}

// ---------------------------------------------------------------------------------------------
// Bare outcomes.
// ---------------------------------------------------------------------------------------------

/// Text written by the server, such as an `errormessage`.
///
/// **It can contain submitted values** (athena echoes parameters back: "Submitted snomedcode of
/// '0' is not valid"), so it may be PHI: `Debug` prints only its length and there is no
/// `Display`. Read it deliberately with [`as_str`](Self::as_str).
#[derive(Clone, PartialEq, Eq, Hash, Default)]
pub struct ServerText(String);

impl ServerText {
    /// Wraps server text.
    pub fn new(text: impl Into<String>) -> Self {
        Self(text.into())
    }

    /// The text. It may contain PHI; do not log it.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The text, owned. It may contain PHI; do not log it.
    pub fn into_string(self) -> String {
        self.0
    }

    /// Whether there is no text.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Debug for ServerText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ServerText({})", crate::phi::Redacted(&self.0))
    }
}

/// The body of write endpoints that answer with a bare value instead of an object:
/// `1` (success) or `"Invalid PROVIDERID input"` (failure, carrying the server's text).
///
/// Also read: `true`/`"true"`/`"1"`/`"success"` as success, `0`/`false` as failure without
/// text, and the objects `{"success": <bool-ish>, "errormessage": "…"}` (`message` or `error`
/// are taken as the text when `errormessage` is absent). The failure text is a
/// [`ServerText`], whose `Debug` hides it: it can contain submitted values.
///
/// Written back as `1` or the failure text.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum BareOutcome {
    /// The server reported success.
    Success,
    /// The server reported failure; the text may be empty.
    Failure(ServerText),
}

impl BareOutcome {
    /// Whether the server reported success.
    pub fn is_success(&self) -> bool {
        matches!(self, Self::Success)
    }

    /// The failure text, if the server reported failure.
    pub fn failure_text(&self) -> Option<&ServerText> {
        match self {
            Self::Success => None,
            Self::Failure(text) => Some(text),
        }
    }
}

impl Serialize for BareOutcome {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::Success => serializer.serialize_u8(1),
            Self::Failure(text) => serializer.serialize_str(text.as_str()),
        }
    }
}

const EXPECTED_OUTCOME: &str = "1, a success flag object, or a failure message";

struct BareOutcomeVisitor;

impl<'de> Visitor<'de> for BareOutcomeVisitor {
    type Value = BareOutcome;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(EXPECTED_OUTCOME)
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<BareOutcome, E> {
        Ok(if v {
            BareOutcome::Success
        } else {
            BareOutcome::Failure(ServerText::default())
        })
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<BareOutcome, E> {
        self.visit_bool(v == 1)
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<BareOutcome, E> {
        self.visit_bool(v == 1)
    }

    fn visit_f64<E: de::Error>(self, _v: f64) -> Result<BareOutcome, E> {
        Err(wrong_type(EXPECTED_OUTCOME, "a non-integer number"))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<BareOutcome, E> {
        let t = v.trim();
        if ["1", "true", "success"]
            .iter()
            .any(|w| w.eq_ignore_ascii_case(t))
        {
            Ok(BareOutcome::Success)
        } else {
            Ok(BareOutcome::Failure(ServerText::new(v)))
        }
    }

    fn visit_bytes<E: de::Error>(self, _v: &[u8]) -> Result<BareOutcome, E> {
        Err(wrong_type(EXPECTED_OUTCOME, "bytes"))
    }

    fn visit_unit<E: de::Error>(self) -> Result<BareOutcome, E> {
        Err(wrong_type(EXPECTED_OUTCOME, "null"))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, _seq: A) -> Result<BareOutcome, A::Error> {
        Err(wrong_type(EXPECTED_OUTCOME, "an array"))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<BareOutcome, A::Error> {
        let mut success: Option<bool> = None;
        let mut errormessage: Option<String> = None;
        let mut other_text: Option<String> = None;
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "success" => success = Some(map.next_value::<LenientBool>()?.0),
                "errormessage" => {
                    errormessage = map.next_value::<Option<LenientString>>()?.map(String::from);
                }
                "message" | "error" if other_text.is_none() => {
                    other_text = map.next_value::<Option<LenientString>>()?.map(String::from);
                }
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        let text = || {
            ServerText(
                errormessage
                    .clone()
                    .or(other_text.clone())
                    .unwrap_or_default(),
            )
        };
        match success {
            Some(true) => Ok(BareOutcome::Success),
            Some(false) => Ok(BareOutcome::Failure(text())),
            None if errormessage.is_some() || other_text.is_some() => {
                Ok(BareOutcome::Failure(text()))
            }
            None => Err(de::Error::custom(format_args!(
                "missing success flag: expected {EXPECTED_OUTCOME}"
            ))),
        }
    }
}

impl<'de> Deserialize<'de> for BareOutcome {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(BareOutcomeVisitor)
    }
}
