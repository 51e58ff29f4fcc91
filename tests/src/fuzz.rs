//! The bodies of the `cargo fuzz` targets in `fuzz/`, shared with `tests/tests/fuzz_corpus.rs`
//! so every checked-in corpus file also runs in an ordinary `cargo test`.
//!
//! Each function must not panic on any input, and checks the properties that should hold
//! (a value that parses prints to something that parses back to the same value; decode errors
//! never quote the input).

use athena_core::codec::lenient::{LenientBool, LenientInt, LenientString, OneOrMany};
use athena_core::codec::{AthenaDate, AthenaDateTime, AthenaTime, Money};
use athena_core::decode::{Endpoint, decode_json};
use athena_core::paging::decode_page;
use athena_rest::models::{Appointment, Insurance, Patient};

/// Names of the fuzz targets, as in `fuzz/fuzz_targets/` and `fuzz/corpus/`.
pub const TARGETS: [&str; 5] = [
    "codecs",
    "rest_envelope",
    "fhir_decode",
    "bulk_ndjson",
    "webhook_verify",
];

/// Runs `data` through the target called `name`.
///
/// # Panics
/// Panics on an unknown target name, or when the target finds a bug.
pub fn run(name: &str, data: &[u8]) {
    match name {
        "codecs" => codecs(data),
        "rest_envelope" => rest_envelope(data),
        "fhir_decode" => fhir_decode(data),
        "bulk_ndjson" => bulk_ndjson(data),
        "webhook_verify" => webhook_verify(data),
        other => panic!("unknown fuzz target {other}"),
    }
}

fn roundtrip<T>(s: &str)
where
    T: std::str::FromStr + std::fmt::Display + PartialEq + std::fmt::Debug,
{
    if let Ok(v) = s.parse::<T>() {
        let printed = v.to_string();
        let again = printed
            .parse::<T>()
            .unwrap_or_else(|_| panic!("{printed:?} (printed from {s:?}) does not parse back"));
        assert_eq!(again, v, "round trip of {s:?} through {printed:?}");
    }
}

/// Date, time, date-time and money codecs, and the lenient JSON scalar decoders.
pub fn codecs(data: &[u8]) {
    if let Ok(s) = std::str::from_utf8(data) {
        roundtrip::<AthenaDate>(s);
        // athena times are HH:MM: seconds are accepted and dropped, so only the printed
        // form must round-trip.
        if let Ok(t) = s.parse::<AthenaTime>() {
            roundtrip::<AthenaTime>(&t.to_string());
        }
        roundtrip::<AthenaDateTime>(s);
        roundtrip::<Money>(s);
        if let Ok(m) = s.parse::<Money>() {
            let _ = m.to_cents();
            let _ = m.checked_add(m);
            let _ = m.checked_neg();
        }
    }
    let _ = serde_json::from_slice::<LenientBool>(data);
    let _ = serde_json::from_slice::<LenientInt<i64>>(data);
    let _ = serde_json::from_slice::<LenientInt<u32>>(data);
    let _ = serde_json::from_slice::<LenientString>(data);
    let _ = serde_json::from_slice::<OneOrMany<serde_json::Value>>(data);
    let _ = serde_json::from_slice::<Option<AthenaDate>>(data);
    let _ = serde_json::from_slice::<Option<AthenaDateTime>>(data);
    let _ = serde_json::from_slice::<Option<Money>>(data);
}

const ENDPOINT: Endpoint = Endpoint {
    method: "GET",
    route: "/v1/{practiceid}/patients",
};

/// athena's list envelope and the model decoders behind `decode_json`.
pub fn rest_envelope(data: &[u8]) {
    let check = |e: athena_core::Error| {
        let text = format!("{e} {e:?}");
        // Errors name paths and routes, never values: a long input never shows up verbatim.
        if let Ok(s) = std::str::from_utf8(data)
            && s.trim().len() >= 12
        {
            assert!(!text.contains(s.trim()), "an error quotes the body: {text}");
        }
    };
    // A page that decodes may carry warnings (fields kept raw): their paths are made of model
    // field names, the item key and indices only — nothing from the input.
    let names: Vec<&str> = [
        Patient::FIELD_NAMES,
        Appointment::FIELD_NAMES,
        athena_rest::models::PatientBalance::FIELD_NAMES,
        Insurance::FIELD_NAMES,
        athena_rest::models::CustomFieldValue::FIELD_NAMES,
        &["patients", "appointments"],
    ]
    .concat();
    let path_is_static = |path: &str| {
        let mut rest = path.to_owned();
        while let Some(open) = rest.find('[') {
            let Some(close) = rest[open..].find(']') else {
                return false;
            };
            let index = &rest[open + 1..open + close];
            if index.is_empty() || !index.bytes().all(|b| b.is_ascii_digit()) {
                return false;
            }
            rest.replace_range(open..=open + close, ".");
        }
        rest.split('.')
            .filter(|p| !p.is_empty())
            .all(|p| names.contains(&p))
    };
    match decode_page::<Patient>(data, "patients", ENDPOINT) {
        Err(e) => check(e),
        Ok(page) => {
            for w in page.warnings() {
                assert!(
                    path_is_static(w.path()),
                    "a warning path is not static: {w:?}"
                );
            }
        }
    }
    match decode_page::<Appointment>(data, "appointments", ENDPOINT) {
        Err(e) => check(e),
        Ok(page) => {
            for w in page.warnings() {
                assert!(
                    path_is_static(w.path()),
                    "a warning path is not static: {w:?}"
                );
            }
        }
    }
    if let Err(e) = decode_json::<Vec<Patient>>(data, ENDPOINT) {
        check(e);
    }
    if let Err(e) = decode_json::<Vec<Insurance>>(data, ENDPOINT) {
        check(e);
    }
    if let Err(e) = decode_json::<serde_json::Value>(data, ENDPOINT) {
        check(e);
    }
}

/// Asserts that no string value of `input` that looks like data (at least 10 characters, two
/// of them digits, as ids, dates, phone numbers and member numbers do) appears in `message`.
fn assert_no_value_quoted(input: &[u8], message: &str) {
    let Some(tree) = std::str::from_utf8(input).ok().and_then(json::parse) else {
        return;
    };
    let mut strings = Vec::new();
    tree.strings(&mut strings);
    for s in strings {
        let digits = s.chars().filter(char::is_ascii_digit).count();
        if s.chars().count() >= 10 && digits >= 2 && !s.contains("line ") && !s.contains("column") {
            assert!(
                !message.contains(s),
                "an error quotes a value of the input: {message}"
            );
        }
    }
}

/// FHIR R4 resource decoding (`athena_fhir::r4::Resource`).
///
/// When the bytes decode, encoding is a fixed point (decode(encode(r)) == r, and encoding
/// that again gives the same text) and the JSON is kept: the encoded text is the same JSON
/// as the input, numbers compared as text, up to member order and the normalisations FHIR
/// JSON allows (a `null` or `[]` member is the same as an absent one; `-0` is `0`). Inputs
/// with a repeated member name are only checked for the fixed point. When the bytes do not
/// decode, the error (as the client reports it) quotes no value.
pub fn fhir_decode(data: &[u8]) {
    use athena_fhir::r4::Resource;
    match serde_json::from_slice::<Resource>(data) {
        Ok(r) => {
            let text = serde_json::to_string(&r).expect("a decoded resource encodes");
            let again: Resource = serde_json::from_str(&text)
                .unwrap_or_else(|e| panic!("encoded resource does not decode: {e}"));
            assert_eq!(again, r, "decode(encode(r)) != r");
            let text2 = serde_json::to_string(&again).expect("encodes");
            assert_eq!(text2, text, "encoding is not a fixed point");
            let _ = athena_fhir::r4::validate(&r);
            if let Some(input) = std::str::from_utf8(data).ok().and_then(json::parse)
                && !input.has_repeated_member()
            {
                let output = json::parse(&text).expect("encoded text is JSON");
                assert!(
                    input.normalized() == output.normalized(),
                    "decode lost or changed data: {}",
                    json::first_difference(&input.normalized(), &output.normalized())
                );
            }
        }
        Err(e) => {
            // What `FhirError::Decode` carries for this failure (the client and the bulk
            // reader build it from the same description; `bulk_ndjson` checks the reader's).
            let described = athena_core::decode::describe_serde_error(&e);
            assert_no_value_quoted(data, &described);
        }
    }
}

/// A waker that does nothing: the streams driven here never wait.
fn poll_all<T>(stream: impl futures::Stream<Item = T>) -> Vec<T> {
    use futures::StreamExt as _;
    use std::task::{Context, Poll, Waker};
    let mut stream = std::pin::pin!(stream);
    let mut cx = Context::from_waker(Waker::noop());
    let mut out = Vec::new();
    loop {
        match stream.poll_next_unpin(&mut cx) {
            Poll::Ready(Some(item)) => out.push(item),
            Poll::Ready(None) => return out,
            Poll::Pending => panic!("an in-memory NDJSON stream must never wait"),
        }
    }
}

/// Splits `bytes` into chunks whose sizes (1..=67) follow `seed`.
fn chunks(bytes: &[u8], seed: &[u8]) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    let mut rest = bytes;
    let mut i = 0usize;
    let mut state = 0x9e37_79b9u32;
    while !rest.is_empty() {
        let b = seed.get(i % seed.len().max(1)).copied().unwrap_or(0);
        state = state.rotate_left(5) ^ u32::from(b) ^ (i as u32);
        let size = (1 + state % 67) as usize;
        let (head, tail) = rest.split_at(size.min(rest.len()));
        out.push(head.to_vec());
        rest = tail;
        i += 1;
    }
    out
}

/// The lines of an NDJSON body as the reader must report them: split on `\n`, a trailing
/// `\r` removed, lines of nothing but JSON whitespace skipped; with their 1-based numbers.
pub fn ndjson_lines(body: &[u8]) -> Vec<(u64, &[u8])> {
    body.split(|&b| b == b'\n')
        .enumerate()
        .map(|(i, l)| (i as u64 + 1, l.strip_suffix(b"\r").unwrap_or(l)))
        .filter(|(_, l)| !l.iter().all(|b| matches!(b, b' ' | b'\t' | b'\r')))
        .collect()
}

/// The bulk NDJSON reader (`athena_fhir::bulk::ndjson`).
///
/// Layout: byte 0 selects the mode (bit 0: gzip the body, bit 1: a corrupt gzip stream),
/// bytes 1..4 drive the chunk sizes, the rest is the body. For plain and gzip bodies, every
/// line that is not blank yields exactly one item, in order: the resource when the line
/// decodes on its own, otherwise an error naming that line. Nothing is dropped or invented.
pub fn bulk_ndjson(data: &[u8]) {
    use athena_fhir::r4::Resource;
    let (mode, seed, body) = match data {
        [m, a, b, c, rest @ ..] => (*m, [*a, *b, *c], rest),
        _ => (0, [0; 3], data),
    };
    let corrupt = mode & 2 != 0;
    let gzip = mode & 1 != 0;
    let wire = if corrupt {
        let mut w = vec![0x1f, 0x8b];
        w.extend_from_slice(body);
        w
    } else if gzip {
        use std::io::Write as _;
        let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        enc.write_all(body).expect("gzip in memory");
        enc.finish().expect("gzip in memory")
    } else {
        body.to_vec()
    };
    let input = chunks(&wire, &seed)
        .into_iter()
        .map(Ok::<_, std::io::Error>)
        .collect::<Vec<_>>();
    let items = poll_all(athena_fhir::bulk::ndjson(futures::stream::iter(input)));
    if corrupt || (!gzip && body.starts_with(&[0x1f, 0x8b])) {
        // Not NDJSON: only "no panic, the stream ends" is required, and that any error
        // quotes nothing of the body.
        for item in &items {
            if let Err(e) = item {
                assert_no_value_quoted(body, &format!("{e} {e:?}"));
            }
        }
        return;
    }
    let lines = ndjson_lines(body);
    assert_eq!(
        items.len(),
        lines.len(),
        "{} non-blank lines gave {} items",
        lines.len(),
        items.len()
    );
    for (item, (no, line)) in items.iter().zip(&lines) {
        let expected = serde_json::from_slice::<Resource>(line);
        match (item, expected) {
            (Ok(got), Ok(want)) => assert_eq!(got, &want, "line {no} decoded differently"),
            (Err(e), Err(_)) => {
                let text = e.to_string();
                assert!(
                    text.contains(&format!("line {no}")),
                    "the error for line {no} does not name it: {text}"
                );
                assert_no_value_quoted(line, &format!("{e} {e:?}"));
            }
            (Ok(_), Err(_)) => {
                panic!("line {no} does not decode alone but the reader gave a resource")
            }
            (Err(e), Ok(_)) => panic!("line {no} decodes alone but the reader failed: {e}"),
        }
    }
}

/// FHIR subscription webhook verification and notification parsing
/// (`athena_subscriptions::push`).
///
/// Layout: byte 0 = secret length, then the secret, byte = header length, the header, two
/// bytes choosing a bit to flip, the rest is the body. Arbitrary headers never panic and are
/// only accepted when they are the body's signature; a signature made with the secret
/// verifies; flipping any one bit of the body, the secret or the signature's hex is rejected
/// (unless the flip only changes the case of a hex letter, which encodes the same tag).
pub fn webhook_verify(data: &[u8]) {
    use athena_subscriptions::push::{
        SignatureErrorKind, parse_notification, sign, verify_signature,
    };
    let mut rest = data;
    let mut take = |n: usize| {
        let (a, b) = rest.split_at(n.min(rest.len()));
        rest = b;
        a
    };
    let secret_len = take(1).first().copied().unwrap_or(0) as usize;
    let secret = take(secret_len % 65).to_vec();
    let header_len = take(1).first().copied().unwrap_or(0) as usize;
    let header = take(header_len % 80).to_vec();
    let flip = take(2);
    let flip = usize::from(flip.first().copied().unwrap_or(0)) << 8
        | usize::from(flip.get(1).copied().unwrap_or(0));
    let body = rest;

    let good = sign(&secret, body);
    let canonical = |h: &str| h.trim().to_ascii_lowercase() == good;
    // An arbitrary header verifies only when it is the signature (in any letter case).
    let header_text = String::from_utf8_lossy(&header);
    let arbitrary = verify_signature(&secret, body, Some(&header_text));
    if arbitrary.is_ok() {
        assert!(
            canonical(&header_text),
            "a header that is not the signature verified"
        );
    }
    assert_eq!(
        verify_signature(&secret, body, None).map_err(|e| e.kind()),
        Err(SignatureErrorKind::Missing)
    );
    verify_signature(&secret, body, Some(&good)).expect("our own signature verifies");
    verify_signature(&secret, body, Some(&good.to_ascii_uppercase()))
        .expect("upper-case hex verifies");

    // Only hex digits: a `0` written `+` (which `from_str_radix` would take) is refused.
    if let Some(i) = good["sha256=".len()..]
        .bytes()
        .step_by(2)
        .position(|b| b == b'0')
    {
        let mut plus = good.clone().into_bytes();
        plus["sha256=".len() + 2 * i] = b'+';
        let plus = String::from_utf8(plus).expect("ASCII");
        assert_eq!(
            verify_signature(&secret, body, Some(&plus)).map_err(|e| e.kind()),
            Err(SignatureErrorKind::Malformed),
            "a sign inside the hex verified"
        );
    }

    // One bit of the body.
    if !body.is_empty() {
        let mut b = body.to_vec();
        let bit = flip % (b.len() * 8);
        b[bit / 8] ^= 1 << (bit % 8);
        assert!(
            verify_signature(&secret, &b, Some(&good)).is_err(),
            "body bit {bit} flipped"
        );
    }
    // One bit of the secret (HMAC pads keys with zeros: a different key of the same length
    // always gives a different tag).
    if !secret.is_empty() {
        let mut s = secret.clone();
        let bit = flip % (s.len() * 8);
        s[bit / 8] ^= 1 << (bit % 8);
        assert!(
            verify_signature(&s, body, Some(&good)).is_err(),
            "secret bit {bit} flipped"
        );
    }
    // One bit of the signature's hex.
    let mut h = good.clone().into_bytes();
    let start = "sha256=".len();
    let bit = flip % ((h.len() - start) * 8);
    h[start + bit / 8] ^= 1 << (bit % 8);
    let h = String::from_utf8_lossy(&h).into_owned();
    if verify_signature(&secret, body, Some(&h)).is_ok() {
        assert!(
            canonical(&h),
            "signature bit {bit} flipped and still verified: {h}"
        );
    }

    // The receiver: a correctly signed body is 200/400/503, never a panic; a wrong one 401.
    let (receiver, _rx) = athena_subscriptions::push::WebhookReceiver::new(secret, 4, 8);
    let outcome = receiver.handle(Some(&good), body);
    assert!(matches!(outcome.status, 200 | 400 | 503), "{outcome:?}");
    if let Ok(n) = parse_notification(body) {
        assert_ne!(outcome.status, 400, "a parsed notification was refused");
        assert!(outcome.queued + outcome.duplicates <= n.events.len());
        if outcome.status == 200 {
            assert_eq!(outcome.queued + outcome.duplicates, n.events.len());
        }
    } else {
        assert_eq!(outcome.status, 400);
    }
    if !body.is_empty() {
        let mut b = body.to_vec();
        let bit = flip % (b.len() * 8);
        b[bit / 8] ^= 1 << (bit % 8);
        assert_eq!(receiver.handle(Some(&good), &b).status, 401);
    }
    assert_eq!(receiver.handle(None, body).status, 401);
}

/// A small JSON reader that keeps numbers as their text, for the losslessness checks.
pub mod json {
    use std::collections::BTreeMap;

    /// A JSON value; numbers are their text, strings are decoded when valid.
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub enum Json {
        /// `null`.
        Null,
        /// `true` / `false`.
        Bool(bool),
        /// A number, as written.
        Num(String),
        /// A string (decoded; the raw text when it holds an invalid escape).
        Str(String),
        /// An array.
        Arr(Vec<Json>),
        /// An object, members in order (names may repeat).
        Obj(Vec<(String, Json)>),
    }

    /// Parses `text`, `None` when it is not one JSON value (or nests deeper than 200).
    pub fn parse(text: &str) -> Option<Json> {
        let mut p = Parser {
            s: text.as_bytes(),
            text,
            i: 0,
        };
        let v = p.value(0)?;
        p.ws();
        (p.i == p.s.len()).then_some(v)
    }

    struct Parser<'a> {
        s: &'a [u8],
        text: &'a str,
        i: usize,
    }

    impl Parser<'_> {
        fn ws(&mut self) {
            while self.i < self.s.len() && matches!(self.s[self.i], b' ' | b'\t' | b'\n' | b'\r') {
                self.i += 1;
            }
        }

        fn value(&mut self, depth: usize) -> Option<Json> {
            if depth > 200 {
                return None;
            }
            self.ws();
            match *self.s.get(self.i)? {
                b'n' => self.lit("null", Json::Null),
                b't' => self.lit("true", Json::Bool(true)),
                b'f' => self.lit("false", Json::Bool(false)),
                b'"' => self.string().map(Json::Str),
                b'[' => {
                    self.i += 1;
                    let mut items = Vec::new();
                    self.ws();
                    if self.s.get(self.i) == Some(&b']') {
                        self.i += 1;
                        return Some(Json::Arr(items));
                    }
                    loop {
                        items.push(self.value(depth + 1)?);
                        self.ws();
                        match self.s.get(self.i)? {
                            b',' => self.i += 1,
                            b']' => {
                                self.i += 1;
                                return Some(Json::Arr(items));
                            }
                            _ => return None,
                        }
                    }
                }
                b'{' => {
                    self.i += 1;
                    let mut members = Vec::new();
                    self.ws();
                    if self.s.get(self.i) == Some(&b'}') {
                        self.i += 1;
                        return Some(Json::Obj(members));
                    }
                    loop {
                        self.ws();
                        if self.s.get(self.i) != Some(&b'"') {
                            return None;
                        }
                        let k = self.string()?;
                        self.ws();
                        if self.s.get(self.i) != Some(&b':') {
                            return None;
                        }
                        self.i += 1;
                        members.push((k, self.value(depth + 1)?));
                        self.ws();
                        match self.s.get(self.i)? {
                            b',' => self.i += 1,
                            b'}' => {
                                self.i += 1;
                                return Some(Json::Obj(members));
                            }
                            _ => return None,
                        }
                    }
                }
                b'-' | b'0'..=b'9' => {
                    let start = self.i;
                    while self.i < self.s.len()
                        && matches!(
                            self.s[self.i],
                            b'-' | b'+' | b'.' | b'e' | b'E' | b'0'..=b'9'
                        )
                    {
                        self.i += 1;
                    }
                    let t = &self.text[start..self.i];
                    serde_json::from_str::<serde::de::IgnoredAny>(t).ok()?;
                    Some(Json::Num(t.to_owned()))
                }
                _ => None,
            }
        }

        fn lit(&mut self, word: &str, v: Json) -> Option<Json> {
            if self.s[self.i..].starts_with(word.as_bytes()) {
                self.i += word.len();
                Some(v)
            } else {
                None
            }
        }

        fn string(&mut self) -> Option<String> {
            let start = self.i;
            self.i += 1;
            loop {
                match *self.s.get(self.i)? {
                    b'"' => break,
                    b'\\' => self.i += 2,
                    c if c < 0x20 => return None,
                    _ => self.i += 1,
                }
            }
            self.i += 1;
            let raw = self.text.get(start..self.i)?;
            Some(serde_json::from_str::<String>(raw).unwrap_or_else(|_| raw.to_owned()))
        }
    }

    impl Json {
        /// Every string value (not member names), depth first.
        pub fn strings<'a>(&'a self, out: &mut Vec<&'a str>) {
            match self {
                Json::Str(s) => out.push(s),
                Json::Arr(a) => a.iter().for_each(|v| v.strings(out)),
                Json::Obj(m) => m.iter().for_each(|(_, v)| v.strings(out)),
                _ => {}
            }
        }

        /// True when some object repeats a member name (JSON gives a repeated name no
        /// meaning; the decoder keeps one of the values). Two values for one FHIR choice
        /// element (`deceasedBoolean` and `deceasedDateTime`) are not repeated names: they
        /// are held to the lossless property like any other input.
        pub fn has_repeated_member(&self) -> bool {
            match self {
                Json::Arr(a) => a.iter().any(Json::has_repeated_member),
                Json::Obj(m) => {
                    let mut names: Vec<&str> = m.iter().map(|(k, _)| k.as_str()).collect();
                    names.sort_unstable();
                    names.windows(2).any(|w| w[0] == w[1])
                        || m.iter().any(|(_, v)| v.has_repeated_member())
                }
                _ => false,
            }
        }

        /// Members sorted by name, `null` and `[]` members removed, `-0` as `0`.
        pub fn normalized(&self) -> Norm {
            match self {
                Json::Null => Norm::Null,
                Json::Bool(b) => Norm::Bool(*b),
                Json::Num(n) if n == "-0" => Norm::Num("0".to_owned()),
                Json::Num(n) => Norm::Num(n.clone()),
                Json::Str(s) => Norm::Str(s.clone()),
                Json::Arr(a) => Norm::Arr(a.iter().map(Json::normalized).collect()),
                Json::Obj(m) => Norm::Obj(
                    m.iter()
                        .filter(|(_, v)| !matches!(v, Json::Null) && *v != Json::Arr(Vec::new()))
                        .map(|(k, v)| (k.clone(), v.normalized()))
                        .collect(),
                ),
            }
        }
    }

    /// A normalised [`Json`] (see [`Json::normalized`]).
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub enum Norm {
        /// `null` (inside arrays).
        Null,
        /// A boolean.
        Bool(bool),
        /// A number's text.
        Num(String),
        /// A string.
        Str(String),
        /// An array.
        Arr(Vec<Norm>),
        /// An object.
        Obj(BTreeMap<String, Norm>),
    }

    /// Where `a` and `b` first differ, as a path and the two kinds found (no values).
    pub fn first_difference(a: &Norm, b: &Norm) -> String {
        fn walk(a: &Norm, b: &Norm, path: &mut String) -> Option<String> {
            match (a, b) {
                (Norm::Obj(x), Norm::Obj(y)) => {
                    for k in x.keys().chain(y.keys()) {
                        match (x.get(k), y.get(k)) {
                            (Some(p), Some(q)) => {
                                let len = path.len();
                                path.push('.');
                                path.push_str(k);
                                if let Some(d) = walk(p, q, path) {
                                    return Some(d);
                                }
                                path.truncate(len);
                            }
                            (Some(_), None) => return Some(format!("{path}.{k} dropped")),
                            (None, Some(_)) => return Some(format!("{path}.{k} added")),
                            (None, None) => {}
                        }
                    }
                    None
                }
                (Norm::Arr(x), Norm::Arr(y)) => {
                    if x.len() != y.len() {
                        return Some(format!("{path}: {} items became {}", x.len(), y.len()));
                    }
                    for (i, (p, q)) in x.iter().zip(y).enumerate() {
                        let len = path.len();
                        path.push_str(&format!("[{i}]"));
                        if let Some(d) = walk(p, q, path) {
                            return Some(d);
                        }
                        path.truncate(len);
                    }
                    None
                }
                (p, q) if p == q => None,
                (p, q) => Some(format!("{path}: {} became {}", kind(p), kind(q))),
            }
        }
        fn kind(v: &Norm) -> String {
            match v {
                Norm::Null => "null".into(),
                Norm::Bool(_) => "a boolean".into(),
                Norm::Num(n) => format!("the number {n}"),
                Norm::Str(_) => "a string".into(),
                Norm::Arr(_) => "an array".into(),
                Norm::Obj(_) => "an object".into(),
            }
        }
        walk(a, b, &mut String::new()).unwrap_or_else(|| "(equal)".to_owned())
    }
}
