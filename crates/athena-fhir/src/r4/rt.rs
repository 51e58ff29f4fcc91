//! Runtime support for the generated models: the lossless pieces (`Decimal`, `Extras`,
//! `OtherResource`), hand-rolled map decoding, and validation.

use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, DeserializeSeed, MapAccess, Visitor};
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::value::RawValue;

/// A FHIR `decimal`, kept as the exact text received so that precision survives
/// (`1.50` stays `1.50`, `1.000000000000000000E-245` keeps every digit).
///
/// Decoding needs `serde_json` (the text is captured through [`RawValue`]).
#[derive(Clone)]
pub struct Decimal(Box<RawValue>);

impl Decimal {
    /// A decimal from its JSON text, e.g. `"1.50"`. Fails unless the text is a JSON number.
    pub fn new(text: &str) -> Result<Self, ParseDecimalError> {
        if !is_json_number(text) {
            return Err(ParseDecimalError(()));
        }
        RawValue::from_string(text.to_owned())
            .map(Self)
            .map_err(|_| ParseDecimalError(()))
    }

    /// The text of the number, exactly as received (a quoted value keeps its quotes stripped).
    pub fn as_str(&self) -> &str {
        let s = self.0.get();
        s.strip_prefix('"')
            .and_then(|s| s.strip_suffix('"'))
            .unwrap_or(s)
    }

    /// The value as `f64` (lossy), `None` if the text is not a number.
    pub fn to_f64(&self) -> Option<f64> {
        self.as_str().parse().ok()
    }

    /// True when the server sent the decimal as a JSON string rather than a number (a spec
    /// violation this crate tolerates and keeps as sent).
    pub fn is_quoted(&self) -> bool {
        self.0.get().starts_with('"')
    }
}

impl From<i64> for Decimal {
    fn from(v: i64) -> Self {
        Self::new(&v.to_string()).unwrap_or_else(|_| unreachable!("an integer is a JSON number"))
    }
}

impl std::str::FromStr for Decimal {
    type Err = ParseDecimalError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::new(s)
    }
}

impl PartialEq for Decimal {
    fn eq(&self, other: &Self) -> bool {
        self.0.get() == other.0.get()
    }
}

impl fmt::Debug for Decimal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0.get())
    }
}

impl fmt::Display for Decimal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Default for Decimal {
    fn default() -> Self {
        Self::from(0)
    }
}

impl<'de> Deserialize<'de> for Decimal {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = Box::<RawValue>::deserialize(d)?;
        let s = raw.get();
        let ok = is_json_number(s)
            || (s.len() >= 2 && s.starts_with('"') && is_json_number(&s[1..s.len() - 1]));
        if ok {
            Ok(Self(raw))
        } else {
            Err(de::Error::invalid_type(
                de::Unexpected::Other(s),
                &"a decimal number",
            ))
        }
    }
}

impl Serialize for Decimal {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(s)
    }
}

/// The text given to [`Decimal::new`] was not a JSON number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseDecimalError(());

impl fmt::Display for ParseDecimalError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("not a JSON number")
    }
}

impl std::error::Error for ParseDecimalError {}

fn is_json_number(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    if b.first() == Some(&b'-') {
        i += 1;
    }
    let int_start = i;
    while i < b.len() && b[i].is_ascii_digit() {
        i += 1;
    }
    if i == int_start || (b[int_start] == b'0' && i - int_start > 1) {
        return false;
    }
    if i < b.len() && b[i] == b'.' {
        i += 1;
        let f = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        if i == f {
            return false;
        }
    }
    if i < b.len() && (b[i] == b'e' || b[i] == b'E') {
        i += 1;
        if i < b.len() && (b[i] == b'+' || b[i] == b'-') {
            i += 1;
        }
        let e = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        if i == e {
            return false;
        }
    }
    i == b.len()
}

/// `raw` without the whitespace between JSON tokens: what a pretty-printed input leaves
/// in a captured value (newlines included) must not reach an encoding, which is always
/// compact (one resource per NDJSON line). Compact input is returned as is, unallocated.
pub(crate) fn compact(raw: Box<RawValue>) -> Box<RawValue> {
    fn is_ws(b: u8) -> bool {
        matches!(b, b' ' | b'\n' | b'\r' | b'\t')
    }
    // Multi-byte UTF-8 never contains ASCII bytes, so a byte scan is exact.
    let scan = |text: &str, mut keep: Option<&mut Vec<u8>>| -> bool {
        let (mut in_str, mut escaped, mut found) = (false, false, false);
        for &b in text.as_bytes() {
            if in_str {
                if escaped {
                    escaped = false;
                } else if b == b'\\' {
                    escaped = true;
                } else if b == b'"' {
                    in_str = false;
                }
            } else if b == b'"' {
                in_str = true;
            } else if is_ws(b) {
                found = true;
                if keep.is_none() {
                    return true;
                }
                continue;
            }
            if let Some(out) = keep.as_mut() {
                out.push(b);
            }
        }
        found
    };
    let text = raw.get();
    if !scan(text, None) {
        return raw;
    }
    let mut out = Vec::with_capacity(text.len());
    scan(text, Some(&mut out));
    match String::from_utf8(out).map(RawValue::from_string) {
        Ok(Ok(compacted)) => compacted,
        // Unreachable for valid JSON text; keep what was received rather than fail.
        _ => raw,
    }
}

/// Elements a struct does not model — unknown keys and `_element` primitive-extension
/// siblings — kept in arrival order as the exact JSON received, and written back on encode.
#[derive(Clone, Default)]
pub struct Extras(Vec<(String, Box<RawValue>)>);

impl Extras {
    /// True when nothing unknown was received.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Number of kept entries.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// The raw JSON under `key`, if kept.
    pub fn get(&self, key: &str) -> Option<&RawValue> {
        self.0
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_ref())
    }

    /// Decodes the entry under `key` (e.g. `"_birthDate"` into [`crate::r4::Element`]).
    pub fn decode<'a, T: Deserialize<'a>>(&'a self, key: &str) -> Option<serde_json::Result<T>> {
        self.get(key).map(|raw| serde_json::from_str(raw.get()))
    }

    /// Adds or replaces an entry.
    pub fn insert(&mut self, key: impl Into<String>, value: Box<RawValue>) {
        let key = key.into();
        let value = compact(value);
        match self.0.iter_mut().find(|(k, _)| *k == key) {
            Some(slot) => slot.1 = value,
            None => self.0.push((key, value)),
        }
    }

    /// Removes and returns the entry under `key`.
    pub fn remove(&mut self, key: &str) -> Option<Box<RawValue>> {
        let i = self.0.iter().position(|(k, _)| k == key)?;
        Some(self.0.remove(i).1)
    }

    /// The entries, in arrival order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &RawValue)> {
        self.0.iter().map(|(k, v)| (k.as_str(), v.as_ref()))
    }

    pub(crate) fn push(&mut self, key: String, value: Box<RawValue>) {
        self.0.push((key, compact(value)));
    }

    pub(crate) fn serialize_entries<M: SerializeMap>(&self, m: &mut M) -> Result<(), M::Error> {
        for (k, v) in &self.0 {
            m.serialize_entry(k, v)?;
        }
        Ok(())
    }
}

impl PartialEq for Extras {
    fn eq(&self, other: &Self) -> bool {
        self.0.len() == other.0.len()
            && self
                .0
                .iter()
                .zip(&other.0)
                .all(|(a, b)| a.0 == b.0 && a.1.get() == b.1.get())
    }
}

impl fmt::Debug for Extras {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Keys only: values may be PHI.
        f.debug_list()
            .entries(self.0.iter().map(|(k, _)| k))
            .finish()
    }
}

/// A resource of a type this crate does not model, kept as the exact JSON received.
#[derive(Clone)]
pub struct OtherResource {
    resource_type: String,
    raw: Box<RawValue>,
}

impl OtherResource {
    /// The `resourceType`.
    pub fn resource_type(&self) -> &str {
        &self.resource_type
    }

    /// The whole resource as JSON text.
    pub fn raw(&self) -> &RawValue {
        &self.raw
    }

    /// Wraps a JSON object that has a `resourceType` (kept compact: whitespace between
    /// tokens is dropped, so it encodes on one NDJSON line).
    pub fn from_json(raw: Box<RawValue>) -> serde_json::Result<Self> {
        let raw = compact(raw);
        #[derive(Deserialize)]
        struct Head {
            #[serde(rename = "resourceType")]
            resource_type: String,
        }
        let head: Head = serde_json::from_str(raw.get())?;
        Ok(Self {
            resource_type: head.resource_type,
            raw,
        })
    }

    /// Collects the rest of a map whose `resourceType` key was read first.
    pub(crate) fn from_rest<'de, A: MapAccess<'de>>(
        resource_type: &str,
        mut map: A,
    ) -> Result<Self, A::Error> {
        let mut entries: Vec<(String, Box<RawValue>)> = Vec::new();
        while let Some(k) = map.next_key::<String>()? {
            let v = map.next_value()?;
            entries.push((k, compact(v)));
        }
        let rt =
            RawValue::from_string(serde_json::to_string(resource_type).map_err(de::Error::custom)?)
                .map_err(de::Error::custom)?;
        entries.insert(0, ("resourceType".into(), rt));
        Self::from_entries(resource_type, &entries).map_err(de::Error::custom)
    }

    fn from_entries(
        resource_type: &str,
        entries: &[(String, Box<RawValue>)],
    ) -> serde_json::Result<Self> {
        let text = entries_to_json(entries)?;
        Ok(Self {
            resource_type: resource_type.to_owned(),
            raw: RawValue::from_string(text)?,
        })
    }
}

fn entries_to_json(entries: &[(String, Box<RawValue>)]) -> serde_json::Result<String> {
    let mut out = Vec::with_capacity(256);
    let mut ser = serde_json::Serializer::new(&mut out);
    let mut m = ser.serialize_map(Some(entries.len()))?;
    for (k, v) in entries {
        m.serialize_entry(k, v)?;
    }
    m.end()?;
    String::from_utf8(out).map_err(serde::ser::Error::custom)
}

impl PartialEq for OtherResource {
    fn eq(&self, other: &Self) -> bool {
        self.raw.get() == other.raw.get()
    }
}

impl fmt::Debug for OtherResource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "OtherResource({})", self.resource_type)
    }
}

impl Serialize for OtherResource {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.raw.serialize(s)
    }
}

impl<'de> Deserialize<'de> for crate::r4::Resource {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_map(ResourceVisitor)
    }
}

struct ResourceVisitor;

impl<'de> Visitor<'de> for ResourceVisitor {
    type Value = crate::r4::Resource;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a FHIR resource (a JSON object with resourceType)")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        // Fast path: `resourceType` comes first (as every server we know writes it), so the
        // typed decoder continues on the same map. Otherwise buffer the leading entries raw.
        let mut before: Vec<(String, Box<RawValue>)> = Vec::new();
        while let Some(key) = map.next_key::<std::borrow::Cow<'de, str>>()? {
            if key == "resourceType" {
                let rt: std::borrow::Cow<'de, str> = map.next_value()?;
                if before.is_empty() {
                    return crate::r4::Resource::from_rest(&rt, map);
                }
                let mut entries = vec![(
                    "resourceType".to_owned(),
                    RawValue::from_string(serde_json::to_string(&rt).map_err(de::Error::custom)?)
                        .map_err(de::Error::custom)?,
                )];
                entries.append(&mut before);
                while let Some(k) = map.next_key::<String>()? {
                    let v = map.next_value()?;
                    entries.push((k, compact(v)));
                }
                let text = entries_to_json(&entries).map_err(de::Error::custom)?;
                return serde_json::from_str(&text).map_err(de::Error::custom);
            }
            let v = map.next_value()?;
            before.push((key.into_owned(), v));
        }
        Err(de::Error::missing_field("resourceType"))
    }
}

impl Serialize for crate::r4::Resource {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.serialize_inner(s)
    }
}

/// Decoding of a generated struct from a JSON object.
pub(crate) trait FromMap: Sized {
    /// Index of a known JSON key.
    fn key(k: &str) -> Option<u16>;
    /// Decodes the remaining entries of a map.
    fn from_map<'de, A: MapAccess<'de>>(map: A) -> Result<Self, A::Error>;
}

/// A decoded key: one the struct knows (by index) or an unknown one kept by name.
pub(crate) enum Key {
    /// A known element.
    Known(u16),
    /// Anything else (kept in [`Extras`]).
    Unknown(String),
}

/// Decodes a key straight into [`Key`] without allocating for known keys.
pub(crate) struct KeySeed<T>(PhantomData<fn() -> T>);

impl<T> KeySeed<T> {
    /// A seed for `T`'s keys.
    pub(crate) fn new() -> Self {
        Self(PhantomData)
    }
}

impl<T: FromMap> Default for KeySeed<T> {
    fn default() -> Self {
        Self::new()
    }
}

impl<'de, T: FromMap> DeserializeSeed<'de> for KeySeed<T> {
    type Value = Key;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Key, D::Error> {
        d.deserialize_str(self)
    }
}

impl<'de, T: FromMap> Visitor<'de> for KeySeed<T> {
    type Value = Key;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an element name")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Key, E> {
        Ok(match T::key(v) {
            Some(i) => Key::Known(i),
            None => Key::Unknown(v.to_owned()),
        })
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Key, E> {
        Ok(match T::key(&v) {
            Some(i) => Key::Known(i),
            None => Key::Unknown(v),
        })
    }
}

/// A map visitor that hands over to [`FromMap::from_map`].
pub(crate) struct MapVisitor<T>(PhantomData<fn() -> T>);

impl<T> MapVisitor<T> {
    /// A visitor for `T`.
    pub(crate) fn new() -> Self {
        Self(PhantomData)
    }
}

impl<T: FromMap> Default for MapVisitor<T> {
    fn default() -> Self {
        Self::new()
    }
}

impl<'de, T: FromMap> Visitor<'de> for MapVisitor<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<T, A::Error> {
        T::from_map(map)
    }
}

/// `impl Deserialize` through [`FromMap`].
macro_rules! map_deserialize {
    ($t:ident) => {
        impl<'de> serde::Deserialize<'de> for $t {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                d.deserialize_map(rt::MapVisitor::<$t>::new())
            }
        }
    };
}
pub(crate) use map_deserialize;

/// The impls of a generated code enum (with its `Unrecognized(String)` arm).
macro_rules! code_enum_impl {
    ($t:ident { $($v:ident => $code:literal,)* }) => {
        impl $t {
            /// The code as sent on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    $(Self::$v => $code,)*
                    Self::Unrecognized(s) => s,
                }
            }
        }
        impl From<&str> for $t {
            fn from(s: &str) -> Self {
                match s {
                    $($code => Self::$v,)*
                    other => Self::Unrecognized(other.to_owned()),
                }
            }
        }
        impl std::fmt::Display for $t {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
        impl serde::Serialize for $t {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }
        impl<'de> serde::Deserialize<'de> for $t {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                d.deserialize_str(rt::CodeVisitor(|s: &str| Self::from(s)))
            }
        }
        impl rt::Validate for $t {
            fn validate_at(&self, path: &str, out: &mut Vec<rt::Issue>) {
                if let Self::Unrecognized(code) = self {
                    out.push(rt::Issue::unknown_code(path, code, stringify!($t)));
                }
            }
        }
    };
}
pub(crate) use code_enum_impl;

/// Decodes a string through a conversion function.
pub(crate) struct CodeVisitor<T>(pub(crate) fn(&str) -> T);

impl<T> Visitor<'_> for CodeVisitor<T> {
    type Value = T;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a code")
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<T, E> {
        Ok((self.0)(v))
    }
}

/// Writes an optional element.
pub(crate) fn ser_opt<M: SerializeMap, T: Serialize>(
    m: &mut M,
    key: &'static str,
    v: &Option<T>,
) -> Result<(), M::Error> {
    match v {
        Some(v) => m.serialize_entry(key, v),
        None => Ok(()),
    }
}

/// Writes a repeated element (omitted when empty, as FHIR requires).
pub(crate) fn ser_vec<M: SerializeMap, T: Serialize>(
    m: &mut M,
    key: &'static str,
    v: &[T],
) -> Result<(), M::Error> {
    if v.is_empty() {
        Ok(())
    } else {
        m.serialize_entry(key, v)
    }
}

/// One finding of [`crate::r4::validate`]: the data was kept, but it breaks a rule of the
/// specification.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Issue {
    /// FHIRPath-like location, e.g. `Observation.text.div`.
    pub path: String,
    /// What is wrong.
    pub kind: IssueKind,
}

/// The kinds of [`Issue`].
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum IssueKind {
    /// A required element (cardinality `1..`) is absent.
    MissingRequired,
    /// A code outside the required value set.
    UnknownCode {
        /// The code received.
        code: String,
        /// The value set's enum name.
        value_set: &'static str,
    },
    /// A profile rule (US Core) is not met.
    Profile(String),
    /// A single value was received where the specification requires an array (`"given":
    /// "Ann"` for `"given": ["Ann"]`), and accepted by the lenient decoder
    /// ([`crate::r4::decode_lenient`]) as a one-element array. The path is the element's
    /// definition path (`HumanName.given`), not its place in the instance.
    NotAnArray,
    /// A choice element (`deceased[x]`) received more than one value, e.g. both
    /// `deceasedBoolean` and `deceasedDateTime`. The first is in the typed field, the others
    /// are kept in the struct's `extra` and written back on encode.
    MultipleChoiceValues {
        /// The choice element, e.g. `deceased[x]`.
        element: &'static str,
        /// The JSON keys received for it, in arrival order (no values).
        keys: Vec<&'static str>,
    },
}

impl Issue {
    /// A missing required element.
    pub fn missing(path: &str, element: &str) -> Self {
        Self {
            path: join(path, element),
            kind: IssueKind::MissingRequired,
        }
    }

    /// A code outside its required value set.
    pub fn unknown_code(path: &str, code: &str, value_set: &'static str) -> Self {
        Self {
            path: path.to_owned(),
            kind: IssueKind::UnknownCode {
                code: code.to_owned(),
                value_set,
            },
        }
    }
}

impl fmt::Display for Issue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            IssueKind::MissingRequired => write!(f, "{}: required element is missing", self.path),
            IssueKind::UnknownCode { code, value_set } => {
                write!(
                    f,
                    "{}: code {code:?} is not in the required value set {value_set}",
                    self.path
                )
            }
            IssueKind::Profile(msg) => write!(f, "{}: {msg}", self.path),
            IssueKind::NotAnArray => write!(
                f,
                "{}: a single value was sent where an array is required (kept as a one-element array)",
                self.path
            ),
            IssueKind::MultipleChoiceValues { element, keys } => write!(
                f,
                "{}: more than one value for choice element {element} ({})",
                self.path,
                keys.join(", ")
            ),
        }
    }
}

/// `path.element`.
pub(crate) fn join(path: &str, element: &str) -> String {
    let mut s = String::with_capacity(path.len() + element.len() + 1);
    s.push_str(path);
    s.push('.');
    s.push_str(element);
    s
}

/// Keeps the next value, as received, in `extra` under `keys[index]`: a further value of a
/// choice element whose typed field is already set.
pub(crate) fn keep_extra<'de, A: MapAccess<'de>>(
    map: &mut A,
    extra: &mut Extras,
    keys: &'static [&'static str],
    index: u16,
) -> Result<(), A::Error> {
    // The generated decoders pass an index inside the element's key range.
    let key = keys.get(usize::from(index)).copied().unwrap_or_default();
    extra.push(key.to_owned(), map.next_value()?);
    Ok(())
}

/// Reports a choice element that received more than one value: `set` is the key of the
/// value in the typed field, `keys` every key of the element; the other values sit in `extra`.
pub(crate) fn check_choice(
    set: Option<&'static str>,
    extra: &Extras,
    keys: &'static [&'static str],
    path: &str,
    element: &'static str,
    out: &mut Vec<Issue>,
) {
    if extra.is_empty() {
        return;
    }
    let mut received: Vec<&'static str> = set.into_iter().collect();
    received.extend(
        extra
            .iter()
            .filter_map(|(k, _)| keys.iter().copied().find(|key| *key == k)),
    );
    if received.len() > 1 {
        out.push(Issue {
            path: join(path, element),
            kind: IssueKind::MultipleChoiceValues {
                element,
                keys: received,
            },
        });
    }
}

thread_local! {
    /// Whether the decoder on this thread is lenient ([`crate::r4::decode_lenient`]).
    static LENIENT: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
    /// What the lenient decoder on this thread accepted against the specification.
    static LENIENT_ISSUES: std::cell::RefCell<Vec<Issue>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// Decodes `json` leniently: where an array is required, a single value is accepted as a
/// one-element array and reported. Nothing else changes (the same data is kept, unknown
/// elements included).
pub(crate) fn with_lenient<T>(decode: impl FnOnce() -> T) -> (T, Vec<Issue>) {
    struct Reset(bool);
    impl Drop for Reset {
        fn drop(&mut self) {
            LENIENT.with(|l| l.set(self.0));
        }
    }
    let outer = LENIENT.with(|l| l.replace(true));
    let saved = LENIENT_ISSUES.with(|i| std::mem::take(&mut *i.borrow_mut()));
    let value = {
        let _reset = Reset(outer);
        decode()
    };
    let issues = LENIENT_ISSUES.with(|i| std::mem::replace(&mut *i.borrow_mut(), saved));
    (value, issues)
}

/// Decodes the next value as a repeated element (`path` names it, e.g. `HumanName.given`).
/// Strict (the default): only an array. Lenient: a single value too, as a one-element
/// array, reported as [`IssueKind::NotAnArray`].
pub(crate) fn next_vec<'de, A: MapAccess<'de>, T: serde::de::DeserializeOwned>(
    map: &mut A,
    path: &'static str,
) -> Result<Vec<T>, A::Error> {
    if !LENIENT.with(std::cell::Cell::get) {
        return map.next_value();
    }
    let raw: Box<RawValue> = map.next_value()?;
    lenient_vec(&raw, path).map_err(de::Error::custom)
}

/// The lenient half of [`next_vec`], generic over the element type only (one copy per type,
/// not one per type and input): `from_slice`, like the client's own decoding, so it reuses
/// the decoders already built for byte input.
#[inline(never)]
fn lenient_vec<T: serde::de::DeserializeOwned>(
    raw: &RawValue,
    path: &'static str,
) -> Result<Vec<T>, String> {
    let text = raw.get();
    let described =
        |e: serde_json::Error| format!("{path}: {}", athena_core::decode::describe_serde_error(&e));
    if text.starts_with('[') {
        return serde_json::from_slice(text.as_bytes()).map_err(described);
    }
    let one: T = serde_json::from_slice(text.as_bytes()).map_err(described)?;
    LENIENT_ISSUES.with(|i| {
        i.borrow_mut().push(Issue {
            path: path.to_owned(),
            kind: IssueKind::NotAnArray,
        });
    });
    Ok(vec![one])
}

/// `Debug` for a generated datatype or backbone element: its name only, values may be PHI.
macro_rules! redacted_debug {
    ($t:ident) => {
        impl std::fmt::Debug for $t {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(concat!(stringify!($t), " { <redacted> }"))
            }
        }
    };
}
pub(crate) use redacted_debug;

/// `Debug` for a generated resource: its type and logical id, nothing else.
macro_rules! resource_debug {
    ($t:ident) => {
        impl std::fmt::Debug for $t {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                rt::debug_resource(f, stringify!($t), self.id.as_deref())
            }
        }
    };
}
pub(crate) use resource_debug;

/// `Debug` for a generated choice element: the JSON key it holds, not the value.
macro_rules! choice_debug {
    ($t:ident) => {
        impl std::fmt::Debug for $t {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                write!(f, "{}(<redacted>)", self.json_key())
            }
        }
    };
}
pub(crate) use choice_debug;

/// `Type { id: Some("…"), <redacted> }`.
pub(crate) fn debug_resource(
    f: &mut fmt::Formatter<'_>,
    name: &str,
    id: Option<&str>,
) -> fmt::Result {
    write!(f, "{name} {{ id: {id:?}, <redacted> }}")
}

/// Structural validation against the base specification (cardinality, required codes).
pub(crate) trait Validate {
    /// Appends this value's issues, `path` naming where it sits.
    fn validate_at(&self, path: &str, out: &mut Vec<Issue>);
}

impl<T: Validate> Validate for Option<T> {
    fn validate_at(&self, path: &str, out: &mut Vec<Issue>) {
        if let Some(v) = self {
            v.validate_at(path, out);
        }
    }
}

impl<T: Validate> Validate for Box<T> {
    fn validate_at(&self, path: &str, out: &mut Vec<Issue>) {
        (**self).validate_at(path, out);
    }
}

impl<T: Validate> Validate for Vec<T> {
    fn validate_at(&self, path: &str, out: &mut Vec<Issue>) {
        for (i, v) in self.iter().enumerate() {
            v.validate_at(&format!("{path}[{i}]"), out);
        }
    }
}

macro_rules! no_validation {
    ($($t:ty),*) => {$(
        impl Validate for $t {
            fn validate_at(&self, _path: &str, _out: &mut Vec<Issue>) {}
        }
    )*};
}
no_validation!(String, bool, i64, Decimal);

impl Validate for crate::r4::Resource {
    fn validate_at(&self, path: &str, out: &mut Vec<Issue>) {
        self.validate_inner(path, out);
    }
}
