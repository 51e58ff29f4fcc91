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
pub const TARGETS: [&str; 2] = ["codecs", "rest_envelope"];

/// Runs `data` through the target called `name`.
///
/// # Panics
/// Panics on an unknown target name, or when the target finds a bug.
pub fn run(name: &str, data: &[u8]) {
    match name {
        "codecs" => codecs(data),
        "rest_envelope" => rest_envelope(data),
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
    if let Err(e) = decode_page::<Patient>(data, "patients", ENDPOINT) {
        check(e);
    }
    if let Err(e) = decode_page::<Appointment>(data, "appointments", ENDPOINT) {
        check(e);
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
