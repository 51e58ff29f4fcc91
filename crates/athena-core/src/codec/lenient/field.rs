//! Field-level lenient decoding for models: every field an `Option<T>` read in one pass, a
//! value of the wrong shape kept raw with a value-free [`DecodeWarning`](crate::decode::warnings::DecodeWarning).
//!
//! This is the one implementation behind `#[derive(athena_core::Model)]` (see
//! [`Model`](crate::Model)): `null` and blank strings are `None`; ids, dates, money and
//! counts accept a number or a string; booleans accept athena's spellings (the same words as
//! [`LenientBool`](super::LenientBool)); a list accepts a lone item.
//!
//! When athena sends a field in a shape its type cannot hold (an object where a date is
//! expected, an array where a string is, a number where a flag is, an unparseable date),
//! [`FieldValue::decode`] answers [`Decoded::Raw`]: the model leaves the field `None`, keeps
//! the value verbatim in its `extra` map under its own key, and a warning records the JSON
//! path and the kind expected, never the value. Malformed JSON still fails.
//!
//! # `#[derive(Model)]`
//!
//! A model is a plain struct: every modelled field is written `pub name: Option<T>` with `T`
//! a [`FieldValue`] (scalars, ids, dates, money, [`Phi<T>`](crate::phi::Phi), `Vec<T>`,
//! `serde_json::Value`, an `open_enum!`, another model), plus two fields the derive fills:
//! `pub extra: serde_json::Map<String, serde_json::Value>` (every field athena sent that is
//! not modelled, and every modelled field kept raw) and a private
//! `decode_warnings: Vec<DecodeWarning>`. The derive writes:
//!
//! - `Deserialize`, lenient as above, and `Serialize` (`None` omitted, `extra` written back,
//!   so a round trip loses nothing);
//! - a PHI-safe `Debug`: modelled fields (a `Phi` prints `<redacted>`) and only the *keys* of
//!   `extra`;
//! - `FIELD_NAMES` (the wire names it types), `decode_warnings()`, and [`FieldValue`] so the
//!   model can be a field of another;
//! - for every `Phi<T>` field, an accessor of the same name that reads it out of the wrapper:
//!   `Option<&str>` for `Phi<String>`, `Option<&T>` otherwise.
//!
//! The wire name is the field's name (`r#type` is `type`); write
//! `#[athena(rename = "WireName")]` when it is not a Rust identifier.
//!
//! ```
//! use athena_core::Model;
//! use athena_core::codec::AthenaDate;
//! use athena_core::decode::warnings::DecodeWarning;
//! use athena_core::phi::Phi;
//!
//! /// A pet, as some endpoint sends it.
//! #[derive(Clone, Default, Model)]
//! pub struct Pet {
//!     /// The pet's name.
//!     pub name: Option<Phi<String>>,
//!     /// Date of birth.
//!     pub born: Option<AthenaDate>,
//!     /// Sent as `Kind`.
//!     #[athena(rename = "Kind")]
//!     pub kind: Option<String>,
//!     /// Fields not modelled, kept verbatim.
//!     pub extra: serde_json::Map<String, serde_json::Value>,
//!     decode_warnings: Vec<DecodeWarning>,
//! }
//!
//! let pet: Pet = serde_json::from_str(
//!     r#"{"name":"Rex","born":{"odd":1},"Kind":"dog","tag":7}"#,
//! )?;
//! assert_eq!(pet.name(), Some("Rex"));
//! assert_eq!(pet.kind.as_deref(), Some("dog"));
//! assert_eq!(pet.born, None); // kept raw, with a warning naming the path, not the value
//! assert_eq!(pet.extra["born"], serde_json::json!({"odd": 1}));
//! assert_eq!(pet.decode_warnings()[0].path(), "born");
//! assert_eq!(Pet::FIELD_NAMES, ["name", "born", "Kind"]);
//! assert!(!format!("{pet:?}").contains("Rex"));
//! assert_eq!(serde_json::to_value(&pet)?["tag"], 7);
//! # Ok::<(), serde_json::Error>(())
//! ```
//!
//! `#[serde(...)]` attributes would be silently ignored by this decoder, so they do not
//! compile on a model:
//!
//! ```compile_fail
//! #[derive(Default, athena_core::Model)]
//! pub struct Pong {
//!     #[serde(rename = "Pong")] // error: write #[athena(rename = "Pong")]
//!     pub pong: Option<bool>,
//!     pub extra: serde_json::Map<String, serde_json::Value>,
//!     decode_warnings: Vec<athena_core::decode::warnings::DecodeWarning>,
//! }
//! ```
//!
//! Neither does a field that is not an `Option`:
//!
//! ```compile_fail
//! #[derive(Default, athena_core::Model)]
//! pub struct Pong {
//!     pub pong: bool, // error: a model field is written `Option<T>`
//!     pub extra: serde_json::Map<String, serde_json::Value>,
//!     decode_warnings: Vec<athena_core::decode::warnings::DecodeWarning>,
//! }
//! ```
//!
//! A new scalar type implements [`ScalarField`] and then [`FieldValue`] through
//! [`ScalarVisitor`] (or [`FieldValue`] by hand); its `decode` must never fail for a shape it
//! cannot hold, but return [`Decoded::Raw`] instead.

use std::fmt;
use std::marker::PhantomData;
use std::str::FromStr;

use crate::codec::{AthenaDate, AthenaDateTime, AthenaTime, DepartmentTimeZone, Money};
use crate::decode::warnings::{self, Segment};
use crate::ids;
use crate::phi::Phi;
use serde::Deserialize;
use serde::de::value::{MapAccessDeserializer, SeqAccessDeserializer};
use serde::de::{
    self, DeserializeSeed, Deserializer, IntoDeserializer, MapAccess, SeqAccess, Visitor,
};
use serde_json::Value;

/// The outcome of decoding one field value.
#[derive(Debug, Clone, PartialEq)]
pub enum Decoded<T> {
    /// `null` or a blank value: the field is `None`.
    Absent,
    /// The typed value.
    Value(T),
    /// A shape the type cannot hold, kept verbatim. A type whose
    /// [`NESTED`](FieldValue::NESTED) is `false` has not reported it: the container does.
    Raw(Value),
}

/// A type a model field can hold, with athena's lenient decoding.
pub trait FieldValue: Sized {
    /// The kind of value expected, for warnings (`a date as MM/DD/YYYY`).
    const EXPECTED: &'static str;
    /// Whether decoding can report warnings of its own (models and lists): the enclosing
    /// model then prefixes their paths. A type with `NESTED = false` never reports; the
    /// container reports its [`Decoded::Raw`] at the field's path.
    const NESTED: bool = false;
    /// Decodes a field value. Errors only for malformed JSON: a shape the type cannot hold is
    /// [`Decoded::Raw`].
    fn decode<'de, D: Deserializer<'de>>(d: D) -> Result<Decoded<Self>, D::Error>;
}

/// A seed decoding one value through [`FieldValue`].
pub struct FieldSeed<T>(PhantomData<fn() -> T>);

impl<T> Default for FieldSeed<T> {
    fn default() -> Self {
        Self::new()
    }
}

impl<T> FieldSeed<T> {
    /// A seed for `T`.
    pub fn new() -> Self {
        FieldSeed(PhantomData)
    }
}

impl<'de, T: FieldValue> DeserializeSeed<'de> for FieldSeed<T> {
    type Value = Decoded<T>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Decoded<T>, D::Error> {
        T::decode(d)
    }
}

/// Reads the value of the model field `key` into `slot`, or into `extra` (with a warning)
/// when its shape is not the one expected.
pub fn read_field<'de, A: MapAccess<'de>, T: FieldValue>(
    map: &mut A,
    slot: &mut Option<T>,
    extra: &mut serde_json::Map<String, Value>,
    key: &'static str,
) -> Result<(), A::Error> {
    let mark = if T::NESTED {
        Some(warnings::mark())
    } else {
        None
    };
    let decoded = map.next_value_seed(FieldSeed::<T>::new())?;
    if let Some(mark) = mark {
        warnings::prefix_since(mark, Segment::Field(key));
    }
    match decoded {
        Decoded::Absent => *slot = None,
        Decoded::Value(v) => *slot = Some(v),
        Decoded::Raw(raw) => {
            if !T::NESTED {
                warnings::record_at(Segment::Field(key), T::EXPECTED);
            }
            *slot = None;
            extra.insert(key.to_owned(), raw);
        }
    }
    Ok(())
}

/// An object key, borrowed from the input when possible (no allocation for modelled keys).
#[derive(Debug)]
pub enum Key<'de> {
    /// Borrowed from the input.
    Borrowed(&'de str),
    /// Unescaped or from an owned input.
    Owned(String),
}

impl Key<'_> {
    /// The key text.
    pub fn as_str(&self) -> &str {
        match self {
            Key::Borrowed(s) => s,
            Key::Owned(s) => s,
        }
    }
    /// The key as an owned string.
    pub fn into_owned(self) -> String {
        match self {
            Key::Borrowed(s) => s.to_owned(),
            Key::Owned(s) => s,
        }
    }
}

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Key<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an object key")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Key<'de>, E> {
                Ok(Key::Borrowed(v))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Key<'de>, E> {
                Ok(Key::Owned(v.to_owned()))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Key<'de>, E> {
                Ok(Key::Owned(v))
            }
        }
        d.deserialize_str(V)
    }
}

/// Reads whatever is left of a map or sequence as raw JSON.
fn raw_map<'de, A: MapAccess<'de>>(map: A) -> Result<Value, A::Error> {
    Value::deserialize(MapAccessDeserializer::new(map))
}

fn raw_seq<'de, A: SeqAccess<'de>>(seq: A) -> Result<Value, A::Error> {
    Value::deserialize(SeqAccessDeserializer::new(seq))
}

/// A scalar field type: how each JSON scalar maps to it (`None` = a shape it cannot hold).
pub trait ScalarField: Sized {
    /// The kind expected.
    const WHAT: &'static str;
    /// From text; `Some(None)` for blank.
    fn from_text(s: &str) -> Option<Option<Self>>;
    /// From owned text (lets `String` avoid a copy).
    fn from_owned(s: String) -> Result<Option<Self>, String> {
        Self::from_text(&s).ok_or(s)
    }
    /// From an unsigned integer.
    fn from_u64(v: u64) -> Option<Self>;
    /// From a signed integer.
    fn from_i64(v: i64) -> Option<Self>;
    /// From a float.
    fn from_f64(v: f64) -> Option<Self>;
    /// From a JSON boolean.
    fn from_bool(_v: bool) -> Option<Self> {
        None
    }
}

/// Decodes any JSON value into a [`ScalarField`], keeping unfitting shapes raw.
#[derive(Debug)]
pub struct ScalarVisitor<T>(PhantomData<fn() -> T>);

impl<T> Default for ScalarVisitor<T> {
    fn default() -> Self {
        Self::new()
    }
}

impl<T> ScalarVisitor<T> {
    /// A visitor for `T`.
    pub fn new() -> Self {
        ScalarVisitor(PhantomData)
    }
}

fn decided<T>(v: Option<Option<T>>, raw: impl FnOnce() -> Value) -> Decoded<T> {
    match v {
        Some(Some(v)) => Decoded::Value(v),
        Some(None) => Decoded::Absent,
        None => Decoded::Raw(raw()),
    }
}

impl<'de, T: ScalarField> Visitor<'de> for ScalarVisitor<T> {
    type Value = Decoded<T>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(T::WHAT)
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok(decided(T::from_text(v), || Value::String(v.to_owned())))
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
        Ok(match T::from_owned(v) {
            Ok(Some(v)) => Decoded::Value(v),
            Ok(None) => Decoded::Absent,
            Err(v) => Decoded::Raw(Value::String(v)),
        })
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        Ok(decided(T::from_u64(v).map(Some), || Value::from(v)))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        Ok(decided(T::from_i64(v).map(Some), || Value::from(v)))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
        Ok(decided(T::from_f64(v).map(Some), || Value::from(v)))
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
        Ok(decided(T::from_bool(v).map(Some), || Value::Bool(v)))
    }
    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(Decoded::Absent)
    }
    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(Decoded::Absent)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        raw_map(map).map(Decoded::Raw)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
        raw_seq(seq).map(Decoded::Raw)
    }
}

/// Parses text through `FromStr` (blank is `None`).
fn parse_text<T: FromStr>(s: &str) -> Option<Option<T>> {
    let s = s.trim();
    if s.is_empty() {
        return Some(None);
    }
    s.parse().ok().map(Some)
}

/// Implements [`ScalarField`] and [`FieldValue`] for `FromStr` types read from a string or a
/// number (the number's text is parsed).
macro_rules! scalar_field {
    ($($ty:ty => $what:literal),* $(,)?) => {$(
        impl ScalarField for $ty {
            const WHAT: &'static str = $what;
            fn from_text(s: &str) -> Option<Option<Self>> {
                parse_text(s)
            }
            fn from_u64(v: u64) -> Option<Self> {
                v.to_string().parse().ok()
            }
            fn from_i64(v: i64) -> Option<Self> {
                v.to_string().parse().ok()
            }
            fn from_f64(v: f64) -> Option<Self> {
                v.to_string().parse().ok()
            }
        }
        impl FieldValue for $ty {
            const EXPECTED: &'static str = $what;
            fn decode<'de, D: Deserializer<'de>>(d: D) -> Result<Decoded<Self>, D::Error> {
                d.deserialize_any(ScalarVisitor::<$ty>::new())
            }
        }
    )*};
}

scalar_field!(
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

/// Text: a string, or a number or boolean kept as its text. Blank stays `Some("")` so a round
/// trip is exact.
impl ScalarField for String {
    const WHAT: &'static str = "a string or number";
    fn from_text(s: &str) -> Option<Option<Self>> {
        Some(Some(s.to_owned()))
    }
    fn from_owned(s: String) -> Result<Option<Self>, String> {
        Ok(Some(s))
    }
    fn from_u64(v: u64) -> Option<Self> {
        Some(v.to_string())
    }
    fn from_i64(v: i64) -> Option<Self> {
        Some(v.to_string())
    }
    fn from_f64(v: f64) -> Option<Self> {
        Some(v.to_string())
    }
    fn from_bool(v: bool) -> Option<Self> {
        Some(v.to_string())
    }
}

impl FieldValue for String {
    const EXPECTED: &'static str = <String as ScalarField>::WHAT;
    fn decode<'de, D: Deserializer<'de>>(d: D) -> Result<Decoded<Self>, D::Error> {
        d.deserialize_any(ScalarVisitor::<String>::new())
    }
}

/// athena's booleans: `true`, `"true"`, `"Y"`, `"1"`, `1`, …
impl ScalarField for bool {
    const WHAT: &'static str = "a boolean (true/false, Y/N, yes/no, 1/0)";
    fn from_text(s: &str) -> Option<Option<Self>> {
        let t = s.trim();
        if t.is_empty() {
            return Some(None);
        }
        super::bool_word(t).map(Some)
    }
    fn from_u64(v: u64) -> Option<Self> {
        match v {
            0 => Some(false),
            1 => Some(true),
            _ => None,
        }
    }
    fn from_i64(v: i64) -> Option<Self> {
        u64::try_from(v).ok().and_then(Self::from_u64)
    }
    fn from_f64(_v: f64) -> Option<Self> {
        None
    }
    fn from_bool(v: bool) -> Option<Self> {
        Some(v)
    }
}

impl FieldValue for bool {
    const EXPECTED: &'static str = <bool as ScalarField>::WHAT;
    fn decode<'de, D: Deserializer<'de>>(d: D) -> Result<Decoded<Self>, D::Error> {
        d.deserialize_any(ScalarVisitor::<bool>::new())
    }
}

impl<T: FieldValue> FieldValue for Phi<T> {
    const EXPECTED: &'static str = T::EXPECTED;
    const NESTED: bool = T::NESTED;
    fn decode<'de, D: Deserializer<'de>>(d: D) -> Result<Decoded<Self>, D::Error> {
        Ok(match T::decode(d)? {
            Decoded::Absent => Decoded::Absent,
            Decoded::Value(v) => Decoded::Value(Phi::new(v)),
            Decoded::Raw(raw) => Decoded::Raw(raw),
        })
    }
}

/// Any JSON: never kept raw (it already is); only `null` is `None`.
impl FieldValue for Value {
    const EXPECTED: &'static str = "any JSON value";
    fn decode<'de, D: Deserializer<'de>>(d: D) -> Result<Decoded<Self>, D::Error> {
        Ok(match Value::deserialize(d)? {
            Value::Null => Decoded::Absent,
            v => Decoded::Value(v),
        })
    }
}

/// A JSON object kept as a map (`transactiondetails`); anything else is kept raw.
impl FieldValue for serde_json::Map<String, Value> {
    const EXPECTED: &'static str = "an object";
    fn decode<'de, D: Deserializer<'de>>(d: D) -> Result<Decoded<Self>, D::Error> {
        Ok(match Value::deserialize(d)? {
            Value::Null => Decoded::Absent,
            Value::Object(m) => Decoded::Value(m),
            other => Decoded::Raw(other),
        })
    }
}

/// Lists: a JSON array of items (a lone item is read as a one-element list). An element of
/// the wrong shape keeps the whole list raw, with one warning per such element
/// (`reasonid[1]`); warnings inside elements are prefixed with their index.
impl<T: FieldValue + serde::Serialize> FieldValue for Vec<T> {
    const EXPECTED: &'static str = "a list";
    const NESTED: bool = true;
    fn decode<'de, D: Deserializer<'de>>(d: D) -> Result<Decoded<Self>, D::Error> {
        d.deserialize_any(ListVisitor::<T>(PhantomData))
    }
}

struct ListVisitor<T>(PhantomData<fn() -> T>);

/// An already typed list element, back to JSON (only when its list is kept raw).
fn to_raw<T: serde::Serialize>(v: &T) -> Value {
    serde_json::to_value(v).unwrap_or(Value::Null)
}

impl<T: FieldValue> ListVisitor<T> {
    /// A lone item as a one-element list (paths inside it stay as in the JSON: no index).
    fn lone<'de, D: Deserializer<'de>>(d: D) -> Result<Decoded<Vec<T>>, D::Error> {
        let item = T::decode(d)?;
        Ok(match item {
            Decoded::Absent => Decoded::Absent,
            Decoded::Value(v) => Decoded::Value(vec![v]),
            Decoded::Raw(raw) => {
                if !T::NESTED {
                    warnings::record(String::new(), T::EXPECTED);
                }
                Decoded::Raw(raw)
            }
        })
    }
}

impl<'de, T: FieldValue + serde::Serialize> Visitor<'de> for ListVisitor<T> {
    type Value = Decoded<Vec<T>>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "a list of {}", T::EXPECTED)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut items: Vec<T> = Vec::new();
        // Becomes `Some` at the first element of the wrong shape: the list is then kept raw.
        let mut raw: Option<Vec<Value>> = None;
        let mut i = 0usize;
        loop {
            let mark = if T::NESTED {
                Some(warnings::mark())
            } else {
                None
            };
            let Some(item) = seq.next_element_seed(FieldSeed::<T>::new())? else {
                break;
            };
            if let Some(mark) = mark {
                warnings::prefix_since(mark, Segment::Index(i));
            }
            let value = match item {
                Decoded::Value(v) => {
                    match &mut raw {
                        None => items.push(v),
                        Some(values) => values.push(to_raw(&v)),
                    }
                    i += 1;
                    continue;
                }
                Decoded::Raw(v) => v,
                Decoded::Absent => Value::Null,
            };
            // A NESTED element reported its own top-level raw; a `null` element is reported
            // here whatever the type.
            if !T::NESTED || value.is_null() {
                warnings::record_at(Segment::Index(i), T::EXPECTED);
            }
            raw.get_or_insert_with(|| items.drain(..).map(|v| to_raw(&v)).collect())
                .push(value);
            i += 1;
        }
        Ok(match raw {
            None => Decoded::Value(items),
            Some(values) => Decoded::Raw(Value::Array(values)),
        })
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        Self::lone(MapAccessDeserializer::new(map))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Self::lone(v.into_deserializer())
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
        Self::lone(v.into_deserializer())
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        Self::lone(v.into_deserializer())
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        Self::lone(v.into_deserializer())
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
        Self::lone(v.into_deserializer())
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
        Self::lone(v.into_deserializer())
    }
    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(Decoded::Absent)
    }
    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(Decoded::Absent)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
}

/// A model used as a field: an object decodes through the model; anything else is kept raw
/// (and reported here, at the field's own path).
#[derive(Debug)]
pub struct NestedModelVisitor<T>(pub PhantomData<fn() -> T>);

impl<'de, T: Deserialize<'de>> Visitor<'de> for NestedModelVisitor<T> {
    type Value = Decoded<T>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object")
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        T::deserialize(MapAccessDeserializer::new(map)).map(Decoded::Value)
    }
    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(Decoded::Absent)
    }
    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(Decoded::Absent)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
        Ok(not_an_object(raw_seq(seq)?))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok(not_an_object(Value::String(v.to_owned())))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        Ok(not_an_object(Value::from(v)))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        Ok(not_an_object(Value::from(v)))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
        Ok(not_an_object(Value::from(v)))
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
        Ok(not_an_object(Value::Bool(v)))
    }
}

fn not_an_object<T>(raw: Value) -> Decoded<T> {
    warnings::record(String::new(), "an object");
    Decoded::Raw(raw)
}

// ---------------------------------------------------------------------------------------------
// What `#[derive(Model)]` expands to calls these; not for hand use.
// ---------------------------------------------------------------------------------------------

/// How a model reads its modelled fields: implemented by `#[derive(Model)]`.
#[doc(hidden)]
pub trait ModelFields: Default {
    /// The model's name, for `expecting` messages.
    const NAME: &'static str;
    /// Reads the value of `key` if the model types it; `Ok(false)` leaves it unread.
    fn read_known<'de, A: MapAccess<'de>>(
        &mut self,
        key: &str,
        map: &mut A,
    ) -> Result<bool, A::Error>;
    /// The map of fields not modelled (and modelled fields kept raw).
    fn extra_mut(&mut self) -> &mut serde_json::Map<String, Value>;
    /// Stores the warnings reported while decoding this value.
    fn set_decode_warnings(&mut self, found: Vec<warnings::DecodeWarning>);
}

/// Deserializes a model: modelled keys through [`FieldValue`], every other key into `extra`.
#[doc(hidden)]
pub fn deserialize_model<'de, M: ModelFields, D: Deserializer<'de>>(d: D) -> Result<M, D::Error> {
    d.deserialize_map(ModelVisitor::<M>(PhantomData))
}

/// Decodes a model used as a field (an object; anything else is kept raw and reported).
#[doc(hidden)]
pub fn decode_nested<'de, M: Deserialize<'de>, D: Deserializer<'de>>(
    d: D,
) -> Result<Decoded<M>, D::Error> {
    d.deserialize_any(NestedModelVisitor::<M>(PhantomData))
}

struct ModelVisitor<M>(PhantomData<fn() -> M>);

impl<'de, M: ModelFields> Visitor<'de> for ModelVisitor<M> {
    type Value = M;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "an object ({})", M::NAME)
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<M, A::Error> {
        let scope = warnings::scope();
        let mut out = M::default();
        while let Some(key) = map.next_key::<Key<'de>>()? {
            if out.read_known(key.as_str(), &mut map)? {
                continue;
            }
            let value: Value = map.next_value()?;
            out.extra_mut().insert(key.into_owned(), value);
        }
        out.set_decode_warnings(scope.since());
        Ok(out)
    }
}
