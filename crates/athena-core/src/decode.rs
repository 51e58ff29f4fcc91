//! Turning athena response bodies into values — leniently, with exact, value-free errors.
//!
//! The happy path is a single `serde_json::from_slice`. Only when that fails is the body
//! looked at again: to recognise athena's failure shapes (HTTP 200 carrying
//! `{"success":"false","errormessage":…}`, or a bare JSON string where data was expected),
//! and otherwise to re-run the decode with path tracking so the error names the JSON path
//! (`appointments[3].date`) and the endpoint, never the offending value.
//!
//! Decoders that keep an unexpected field raw instead of failing report it through
//! [`warnings`]; [`decode_json`] logs those warnings with the route template.

pub mod warnings;

use serde::de::DeserializeOwned;

use crate::error::{ApiError, Error, ErrorKind, Result};

/// The method and route template of a call, for error messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Endpoint {
    /// HTTP method.
    pub method: &'static str,
    /// Route template, e.g. `/v1/{practiceid}/patients`.
    pub route: &'static str,
}

/// Decodes an athena JSON body into `T`.
///
/// Fields that lenient decoders kept raw (see [`warnings`]) are logged as `tracing` warn
/// events naming the route template and the JSON path; the value carries them itself (e.g.
/// athena-rest models' `decode_warnings()`).
pub fn decode_json<T: DeserializeOwned>(body: &[u8], endpoint: Endpoint) -> Result<T> {
    let body = body.trim_ascii();
    let (decoded, found) = warnings::collect(|| serde_json::from_slice::<T>(body));
    match decoded {
        Ok(v) => {
            if let Some(err) = reported_failure(body) {
                return Err(err.with_endpoint(endpoint.method, endpoint.route));
            }
            warnings::log(endpoint, &found);
            Ok(v)
        }
        Err(first) => Err(explain_failure::<T>(body, &first, endpoint)),
    }
}

/// Builds the error for a body that did not decode as `T`.
pub(crate) fn explain_failure<T: DeserializeOwned>(
    body: &[u8],
    first: &serde_json::Error,
    endpoint: Endpoint,
) -> Error {
    if let Some(err) = failure_in_body(body) {
        return err.with_endpoint(endpoint.method, endpoint.route);
    }
    // Re-run with path tracking; the fast path above pays nothing for it.
    let mut de = serde_json::Deserializer::from_slice(body);
    let (path, inner) = match serde_path_to_error::deserialize::<_, T>(&mut de) {
        Err(e) => (e.path().to_string(), describe_serde_error(e.inner())),
        Ok(_) => (String::from("."), describe_serde_error(first)),
    };
    Error::new(ErrorKind::Decode, format!("at `{path}`: {inner}"))
        .with_endpoint(endpoint.method, endpoint.route)
        .with_source(ValueFreeSerdeError(describe_serde_error(first)))
}

/// athena's ways of reporting a failure in the body of a 2xx answer, checked once for every
/// decoder (single values here, pages in [`paging`](crate::paging)): the
/// `{"success": false|"false", "errormessage": …}` object ([`reported_failure`]) or a bare
/// JSON string where data was expected (`"Invalid PROVIDERID input"`). Call it only after the
/// body failed to decode as what was asked for: a bare string *is* the data when a string was
/// asked for. `None` when the body is neither.
pub fn failure_in_body(body: &[u8]) -> Option<Error> {
    let body = body.trim_ascii();
    reported_failure(body).or_else(|| bare_string_failure(body))
}

/// athena's "HTTP 200 but failed" object: `{"success": false|"false", "errormessage": …}`.
///
/// Only small bodies are probed (a failure body is a few hundred bytes), so data pages pay
/// nothing.
pub fn reported_failure(body: &[u8]) -> Option<Error> {
    const PROBE_LIMIT: usize = 16 * 1024;
    let body = body.trim_ascii();
    if body.len() > PROBE_LIMIT || body.first() != Some(&b'{') || !contains(body, b"\"success\"") {
        return None;
    }
    #[derive(serde::Deserialize)]
    struct Probe {
        success: Option<serde_json::Value>,
        errormessage: Option<serde_json::Value>,
        error: Option<serde_json::Value>,
    }
    let probe: Probe = serde_json::from_slice(body).ok()?;
    let failed = match probe.success? {
        serde_json::Value::Bool(b) => !b,
        serde_json::Value::String(s) => {
            matches!(
                s.trim().to_ascii_lowercase().as_str(),
                "false" | "n" | "no" | "0"
            )
        }
        serde_json::Value::Number(n) => n.as_i64() == Some(0),
        _ => false,
    };
    if !failed {
        return None;
    }
    let text = |v: Option<serde_json::Value>| match v {
        Some(serde_json::Value::String(s)) if !s.is_empty() => Some(s),
        _ => None,
    };
    let api = ApiError::new(text(probe.error), None).with_error_message(text(probe.errormessage));
    Some(
        Error::new(
            ErrorKind::Unsuccessful,
            "athena reported failure in a 200 response",
        )
        .with_api_error(Some(api)),
    )
}

/// A bare JSON string body where data was expected (e.g. `"Invalid PROVIDERID input"`).
fn bare_string_failure(body: &[u8]) -> Option<Error> {
    if body.first() != Some(&b'"') {
        return None;
    }
    let text: String = serde_json::from_slice(body).ok()?;
    let api = ApiError::default().with_error_message(Some(text));
    Some(
        Error::new(
            ErrorKind::Unsuccessful,
            "athena answered with a bare error string",
        )
        .with_api_error(Some(api)),
    )
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// Describes a serde_json error without the value that caused it.
///
/// serde's messages embed the offending value (`invalid type: string "Smith", expected u32`);
/// this keeps the category, what was expected, and the position.
pub fn describe_serde_error(e: &serde_json::Error) -> String {
    use serde_json::error::Category;
    let full = e.to_string();
    // serde_json appends " at line L column C".
    let msg = match full.rfind(" at line ") {
        Some(i) => &full[..i],
        None => full.as_str(),
    };
    let described = match e.classify() {
        Category::Syntax => "malformed JSON".to_owned(),
        Category::Eof => "the body ended early (truncated JSON)".to_owned(),
        Category::Io => "I/O error while reading".to_owned(),
        Category::Data => describe_data_message(msg),
    };
    if e.line() > 0 {
        format!("{described} (line {}, column {})", e.line(), e.column())
    } else {
        described
    }
}

fn describe_data_message(msg: &str) -> String {
    let expected = msg.rsplit_once(", expected ").map(|(_, x)| x);
    if msg.starts_with("invalid type:") {
        return match expected {
            Some(x) => format!("wrong JSON type; expected {x}"),
            None => "wrong JSON type".to_owned(),
        };
    }
    if msg.starts_with("invalid value:") {
        return match expected {
            Some(x) => format!("invalid value; expected {x}"),
            None => "invalid value".to_owned(),
        };
    }
    if msg.starts_with("unknown variant") {
        return match expected {
            Some(x) => format!("unknown variant; expected {x}"),
            None => "unknown variant".to_owned(),
        };
    }
    if msg.starts_with("missing field")
        || msg.starts_with("duplicate field")
        || msg.starts_with("invalid length")
    {
        return msg.to_owned();
    }
    // Custom messages come from our own codecs, which never include the value; cap the
    // length anyway.
    msg.chars().take(160).collect()
}

/// The source attached to decode errors: the value-free description only.
#[derive(Debug)]
struct ValueFreeSerdeError(String);

impl std::fmt::Display for ValueFreeSerdeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ValueFreeSerdeError {}

#[cfg(test)]
mod tests {
    use super::*;

    const EP: Endpoint = Endpoint {
        method: "GET",
        route: "/v1/{practiceid}/patients",
    };

    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct P {
        patientid: u64,
        lastname: String,
    }

    #[test]
    fn decode_errors_name_the_path_not_the_value() {
        let body =
            br#"[{"patientid": 1, "lastname": "Ok"}, {"patientid": "Smithson", "lastname": "x"}]"#;
        let err = decode_json::<Vec<P>>(body, EP).unwrap_err();
        let shown = format!("{err} {err:?}");
        assert_eq!(err.kind(), ErrorKind::Decode);
        assert!(shown.contains("[1].patientid"), "{shown}");
        assert!(shown.contains("/v1/{practiceid}/patients"), "{shown}");
        assert!(!shown.contains("Smithson"), "{shown}");
        let src = std::error::Error::source(&err).unwrap().to_string();
        assert!(!src.contains("Smithson"), "{src}");
    }

    #[test]
    fn success_false_in_a_200_is_an_error() {
        for body in [
            &br#"{"success":"false","errormessage":"Submitted snomedcode of '0' is not valid."}"#[..],
            br#"{"success":false,"errormessage":"Appointment is already frozen."}"#,
        ] {
            let err = decode_json::<serde_json::Value>(body, EP).unwrap_err();
            assert_eq!(err.kind(), ErrorKind::Unsuccessful);
            assert!(err.api_error().unwrap().error_message().is_some());
            assert!(!err.to_string().contains("snomed"));
        }
        let ok: serde_json::Value = decode_json(br#"{"success":"true"}"#, EP).unwrap();
        assert_eq!(ok["success"], "true");
    }

    #[test]
    fn bare_string_where_data_expected() {
        let err = decode_json::<Vec<P>>(br#""Invalid PROVIDERID input""#, EP).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Unsuccessful);
        assert_eq!(
            err.api_error().unwrap().error_message(),
            Some("Invalid PROVIDERID input")
        );
        assert!(!err.to_string().contains("PROVIDERID"));
    }

    #[test]
    fn one_failure_check_for_both_shapes() {
        let reported = failure_in_body(br#" {"success":"N","errormessage":"No such slot"} "#);
        assert_eq!(reported.map(|e| e.kind()), Some(ErrorKind::Unsuccessful));
        let bare = failure_in_body(br#""Invalid PROVIDERID input""#).unwrap();
        assert_eq!(
            bare.api_error().unwrap().error_message(),
            Some("Invalid PROVIDERID input")
        );
        for data in [
            &br#"{"success":"true"}"#[..],
            br#"{"patients":[],"totalcount":0}"#,
            br#"[{"success":false}]"#,
            b"42",
        ] {
            assert!(failure_in_body(data).is_none());
        }
    }

    #[test]
    fn truncated_and_malformed() {
        let err = decode_json::<Vec<P>>(br#"[{"patientid": 1, "lastna"#, EP).unwrap_err();
        assert!(err.to_string().contains("truncated"), "{err}");
        let err = decode_json::<Vec<P>>(b"<html>oops</html>", EP).unwrap_err();
        assert!(err.to_string().contains("malformed"), "{err}");
    }

    #[test]
    fn leading_newlines_are_trimmed() {
        let v: serde_json::Value = decode_json(b"\n\n{\"a\":1}", EP).unwrap();
        assert_eq!(v["a"], 1);
    }
}
