//! How model fields decode: leniently, in one pass, with value-free reports.
//!
//! Every modelled field is an `Option<T>` read through [`FieldValue`]: `null` and blank
//! strings are `None`; ids, dates, money and counts accept a number or a string; booleans
//! accept athena's spellings; a list accepts a lone item. The [`model!`](crate::de::model)
//! macro writes the struct, its serde impls, an `extra` map that keeps every field this SDK
//! does not model, a PHI-safe `Debug`, and the list of wire names it models
//! (`FIELD_NAMES`).
//!
//! # One odd field does not fail the call
//!
//! When athena sends a modelled field in a shape its type cannot hold (an object where a
//! date is expected, an array where a string is, a number where a flag is, an unparseable
//! date), the field is left `None`, its value is kept **verbatim in `extra`** under its own
//! key (so re-serialising the model loses nothing), and a
//! [`DecodeWarning`](athena_core::decode::warnings::DecodeWarning) is reported: the JSON path
//! and the kind expected, never the value. Every other field of the record and every other
//! record is decoded as usual. The caller sees the warnings in three places:
//!
//! - on the model: `appointment.decode_warnings()` (paths relative to it: `patient.dob`);
//! - on a page: [`Page::warnings`](athena_core::Page::warnings) (paths from the body's root:
//!   `appointments[3].patient.dob`);
//! - in the log: one `tracing` warn event per field, with the route template and the path.
//!
//! A list whose *element* has the wrong shape at its top level (`"reasonid": ["-1", {}]`) is
//! kept raw as a whole (path `reasonid[1]`); a bad field *inside* an element only affects that
//! field. Malformed JSON and a record that is not an object still fail the call.
//!
//! # Adding a model
//!
//! Write it with [`model!`](crate::de::model); every field type must implement
//! [`FieldValue`] (all scalars, ids, dates, `Phi<T>`, `Vec<T>`, `serde_json::Value` and every
//! model do). A field whose wire name is not a Rust identifier is written
//! `pong as "Pong": bool` (do not use `#[serde(rename)]`: the decoder would not see it). A new
//! scalar type implements [`FieldValue`] with [`scalar_field!`](crate::de::scalar_field) (for
//! `FromStr` types) or by hand; its `decode` must never fail for a shape it cannot hold, but
//! return [`Decoded::Raw`] instead. A model that is used through serde directly (a page's
//! items, `send_json`, `serde_json::from_str`) gets all of this for free.
//!
//! Then list the model in `tests/field_audit.rs` (`models()`): every wire name it types must
//! appear in a recorded fixture, in `athena-api.md`, or in that test's `EVIDENCE` table with
//! the public source that shows athena sends it. Test one odd field per new model the way
//! `tests/decode_warnings.rs` does (`page_with_one_bad_field`).

use std::fmt;
use std::marker::PhantomData;
use std::str::FromStr;

use athena_core::codec::{AthenaDate, AthenaDateTime, AthenaTime, DepartmentTimeZone, Money};
use athena_core::decode::warnings::{self, Segment};
use athena_core::ids;
use athena_core::phi::Phi;
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
pub(crate) struct FieldSeed<T>(PhantomData<fn() -> T>);

impl<T> FieldSeed<T> {
    pub(crate) fn new() -> Self {
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
pub(crate) fn read_field<'de, A: MapAccess<'de>, T: FieldValue>(
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
pub(crate) enum Key<'de> {
    Borrowed(&'de str),
    Owned(String),
}

impl Key<'_> {
    pub(crate) fn as_str(&self) -> &str {
        match self {
            Key::Borrowed(s) => s,
            Key::Owned(s) => s,
        }
    }
    pub(crate) fn into_owned(self) -> String {
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
pub(crate) trait ScalarField: Sized {
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
pub(crate) struct ScalarVisitor<T>(PhantomData<fn() -> T>);

impl<T> ScalarVisitor<T> {
    pub(crate) fn new() -> Self {
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
        impl $crate::de::ScalarField for $ty {
            const WHAT: &'static str = $what;
            fn from_text(s: &str) -> Option<Option<Self>> {
                $crate::de::parse_text_pub(s)
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
        impl $crate::de::FieldValue for $ty {
            const EXPECTED: &'static str = $what;
            fn decode<'de, D: serde::Deserializer<'de>>(
                d: D,
            ) -> Result<$crate::de::Decoded<Self>, D::Error> {
                d.deserialize_any($crate::de::ScalarVisitor::<$ty>::new())
            }
        }
    )*};
}
#[allow(unused_imports)] // for models that add a `FromStr` scalar
pub(crate) use scalar_field;

/// [`parse_text`] for [`scalar_field!`].
pub(crate) fn parse_text_pub<T: FromStr>(s: &str) -> Option<Option<T>> {
    parse_text(s)
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
        match t.to_ascii_lowercase().as_str() {
            "true" | "t" | "y" | "yes" | "1" => Some(Some(true)),
            "false" | "f" | "n" | "no" | "0" => Some(Some(false)),
            _ => None,
        }
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
pub(crate) struct NestedModelVisitor<T>(pub(crate) PhantomData<fn() -> T>);

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

/// The wire name of a model field: its identifier without `r#`, or the `as "…"` name.
macro_rules! wire_name {
    ($field:ident) => {{
        const W: &str = {
            const NAME: &str = stringify!($field);
            const BYTES: &[u8] = NAME.as_bytes();
            // `r#type` → `type`.
            if BYTES.len() > 2 && BYTES[0] == b'r' && BYTES[1] == b'#' {
                match std::str::from_utf8(BYTES.split_at(2).1) {
                    Ok(rest) => rest,
                    Err(_) => NAME,
                }
            } else {
                NAME
            }
        };
        W
    }};
    ($field:ident $wire:literal) => {
        $wire
    };
}
pub(crate) use wire_name;

/// Defines a model: every field `Option<T>` decoded through [`FieldValue`], absent fields
/// omitted on output, an `extra` map keeping unknown fields (and modelled fields of an
/// unexpected shape, verbatim), the decode warnings of the value, a `Debug` that shows
/// modelled fields (PHI fields print `<redacted>`) and only the *names* of extra fields, and
/// `FIELD_NAMES`, the wire names it models. Write `name as "WireName": Type` for a wire name
/// that is not the identifier.
macro_rules! model {
    (
        $(#[$meta:meta])*
        pub struct $name:ident {
            $(
                $(#[$fmeta:meta])*
                $field:ident $(as $wire:literal)? : $ty:ty
            ),* $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Clone, Default, serde::Serialize)]
        #[non_exhaustive]
        pub struct $name {
            $(
                $(#[$fmeta])*
                #[serde(skip_serializing_if = "Option::is_none")]
                $(#[serde(rename = $wire)])?
                pub $field: Option<$ty>,
            )*
            /// Every field athena sent that this SDK does not model — and every modelled field
            /// that arrived in a shape its type cannot hold (see `decode_warnings`) — kept
            /// verbatim so a round trip loses nothing. May hold PHI: `Debug` shows only the
            /// keys.
            #[serde(flatten)]
            pub extra: serde_json::Map<String, serde_json::Value>,
            #[serde(skip)]
            decode_warnings: Vec<athena_core::decode::warnings::DecodeWarning>,
        }

        impl $name {
            /// The wire names of the fields this model types (the rest land in `extra`).
            pub const FIELD_NAMES: &'static [&'static str] =
                &[$($crate::de::wire_name!($field $($wire)?)),*];

            /// Fields of this value (or of values nested in it) that athena sent in a shape
            /// their type cannot hold: each was left `None` and kept verbatim in the `extra`
            /// map of the value that models it. Paths are relative to this value
            /// (`patient.dob`); never the value itself.
            pub fn decode_warnings(&self) -> &[athena_core::decode::warnings::DecodeWarning] {
                &self.decode_warnings
            }
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
                if !self.decode_warnings.is_empty() {
                    s.field("decode_warnings", &self.decode_warnings);
                }
                s.finish()
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                struct ModelVisitor;
                impl<'de> serde::de::Visitor<'de> for ModelVisitor {
                    type Value = $name;
                    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                        f.write_str(concat!("an object (", stringify!($name), ")"))
                    }
                    fn visit_map<A: serde::de::MapAccess<'de>>(
                        self,
                        mut map: A,
                    ) -> Result<$name, A::Error> {
                        let scope = athena_core::decode::warnings::scope();
                        let mut out = $name::default();
                        while let Some(key) = map.next_key::<$crate::de::Key<'de>>()? {
                            let k = key.as_str();
                            $(
                                if k == $crate::de::wire_name!($field $($wire)?) {
                                    $crate::de::read_field(
                                        &mut map,
                                        &mut out.$field,
                                        &mut out.extra,
                                        $crate::de::wire_name!($field $($wire)?),
                                    )?;
                                    continue;
                                }
                            )*
                            let value: serde_json::Value = map.next_value()?;
                            out.extra.insert(key.into_owned(), value);
                        }
                        out.decode_warnings = scope.since();
                        Ok(out)
                    }
                }
                d.deserialize_map(ModelVisitor)
            }
        }

        impl $crate::de::FieldValue for $name {
            const EXPECTED: &'static str = "an object";
            const NESTED: bool = true;
            fn decode<'de, D: serde::Deserializer<'de>>(
                d: D,
            ) -> Result<$crate::de::Decoded<Self>, D::Error> {
                d.deserialize_any($crate::de::NestedModelVisitor::<$name>(std::marker::PhantomData))
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
                use serde::de::Error as _;
                match <String as $crate::de::FieldValue>::decode(d)? {
                    $crate::de::Decoded::Value(text) => {
                        Ok(text.parse().unwrap_or_else(|e: std::convert::Infallible| match e {}))
                    }
                    $crate::de::Decoded::Absent => Ok($name::Other(String::new())),
                    $crate::de::Decoded::Raw(_) => Err(D::Error::custom(concat!(
                        "wrong JSON type; expected a code (",
                        stringify!($name),
                        ")"
                    ))),
                }
            }
        }

        impl $crate::de::FieldValue for $name {
            const EXPECTED: &'static str = concat!("a code (", stringify!($name), ")");
            fn decode<'de, D: serde::Deserializer<'de>>(
                d: D,
            ) -> Result<$crate::de::Decoded<Self>, D::Error> {
                Ok(match <String as $crate::de::FieldValue>::decode(d)? {
                    $crate::de::Decoded::Value(s) if !s.trim().is_empty() => $crate::de::Decoded::Value(
                        s.parse().unwrap_or_else(|e: std::convert::Infallible| match e {}),
                    ),
                    $crate::de::Decoded::Value(_) | $crate::de::Decoded::Absent => {
                        $crate::de::Decoded::Absent
                    }
                    $crate::de::Decoded::Raw(raw) => $crate::de::Decoded::Raw(raw),
                })
            }
        }
    };
}
pub(crate) use open_enum;
