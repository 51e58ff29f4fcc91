//! A parsed request and a reply, independent of wiremock's types so handlers stay plain.

use serde_json::{Value, json};

/// A request as the handlers see it: path segments, query and form parameters.
#[derive(Debug, Clone)]
pub(crate) struct Req {
    pub(crate) method: String,
    pub(crate) segs: Vec<String>,
    pub(crate) query: Vec<(String, String)>,
    pub(crate) form: Vec<(String, String)>,
    pub(crate) headers: Vec<(String, String)>,
}

impl Req {
    /// Build from raw parts.
    pub(crate) fn new(
        method: &str,
        path: &str,
        query: Option<&str>,
        headers: Vec<(String, String)>,
        body: Vec<u8>,
    ) -> Self {
        let segs = path
            .split('/')
            .filter(|s| !s.is_empty())
            .map(percent_decode)
            .collect();
        let query = query
            .map(|q| {
                url::form_urlencoded::parse(q.as_bytes())
                    .into_owned()
                    .collect()
            })
            .unwrap_or_default();
        let is_form = headers
            .iter()
            .any(|(k, v)| k == "content-type" && v.contains("x-www-form-urlencoded"));
        let form =
            if is_form || (!body.is_empty() && !headers.iter().any(|(k, _)| k == "content-type")) {
                url::form_urlencoded::parse(&body).into_owned().collect()
            } else {
                Vec::new()
            };
        Req {
            method: method.to_ascii_uppercase(),
            segs,
            query,
            form,
            headers,
        }
    }

    /// A header value (name lower-case).
    pub(crate) fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// A parameter from the query or form body (names are case-insensitive). Empty values count
    /// as absent, as athena treats them.
    pub(crate) fn param(&self, name: &str) -> Option<&str> {
        self.query
            .iter()
            .chain(self.form.iter())
            .find(|(k, v)| k.eq_ignore_ascii_case(name) && !v.is_empty())
            .map(|(_, v)| v.as_str())
    }

    /// All values of a parameter, comma lists and repeats flattened.
    pub(crate) fn params(&self, name: &str) -> Vec<String> {
        self.query
            .iter()
            .chain(self.form.iter())
            .filter(|(k, _)| k.eq_ignore_ascii_case(name))
            .flat_map(|(_, v)| {
                v.split(',')
                    .map(|s| s.trim().to_string())
                    .collect::<Vec<_>>()
            })
            .filter(|s| !s.is_empty())
            .collect()
    }

    /// A boolean flag (`true`, `1`, `Y`).
    pub(crate) fn flag(&self, name: &str) -> bool {
        matches!(
            self.param(name).map(str::to_ascii_lowercase).as_deref(),
            Some("true" | "1" | "y" | "yes")
        )
    }

    /// A numeric parameter: `Ok(None)` when absent, `Err(())` when present but not a number.
    pub(crate) fn num(&self, name: &str) -> Result<Option<u64>, ()> {
        match self.param(name) {
            None => Ok(None),
            Some(v) => v.trim().parse().map(Some).map_err(|_| ()),
        }
    }
}

/// The body of a reply.
#[derive(Debug, Clone)]
pub(crate) enum Body {
    Json(Value),
    Raw(Vec<u8>, &'static str),
}

/// A reply: status, body, extra headers.
#[derive(Debug, Clone)]
pub(crate) struct Reply {
    pub(crate) status: u16,
    pub(crate) body: Body,
    pub(crate) headers: Vec<(String, String)>,
}

impl Reply {
    pub(crate) fn json(status: u16, v: Value) -> Self {
        Reply {
            status,
            body: Body::Json(v),
            headers: Vec::new(),
        }
    }
    pub(crate) fn ok(v: Value) -> Self {
        Self::json(200, v)
    }
    pub(crate) fn raw(status: u16, body: impl Into<Vec<u8>>, mime: &'static str) -> Self {
        Reply {
            status,
            body: Body::Raw(body.into(), mime),
            headers: Vec::new(),
        }
    }
    pub(crate) fn header(mut self, k: &str, v: impl Into<String>) -> Self {
        self.headers.push((k.to_string(), v.into()));
        self
    }
    /// `{"error": e, "detailedmessage": d}`.
    pub(crate) fn error(status: u16, error: &str, detailed: &str) -> Self {
        Self::json(status, json!({"detailedmessage": detailed, "error": error}))
    }
    /// 400 with `missingfields`.
    pub(crate) fn missing(fields: &[&str]) -> Self {
        Self::json(
            400,
            json!({"invalidfields": [], "missingfields": fields, "error": "Additional fields are required."}),
        )
    }
    /// 400 `The data provided is invalid.`
    pub(crate) fn invalid(detail: &str) -> Self {
        Self::error(400, "The data provided is invalid.", detail)
    }
    /// 400 for a field that is not the right type.
    pub(crate) fn invalid_fields(fields: &[&str]) -> Self {
        Self::json(
            400,
            json!({"invalidfields": fields, "missingfields": [], "error": "Invalid fields."}),
        )
    }
    /// 404 for an unknown path.
    pub(crate) fn unknown_path() -> Self {
        Self::error(
            404,
            "An unknown API path was called.",
            "The API path you called does not exist.",
        )
    }
    /// 404 for an unknown record.
    pub(crate) fn not_found(what: &str) -> Self {
        Self::error(
            404,
            &format!("The {what} is not valid."),
            &format!("The {what} does not exist."),
        )
    }
}

/// Check required parameters; `Some(400)` naming the missing ones.
pub(crate) fn require(req: &Req, names: &[&str]) -> Option<Reply> {
    let missing: Vec<&str> = names
        .iter()
        .copied()
        .filter(|n| req.param(n).is_none())
        .collect();
    if missing.is_empty() {
        None
    } else {
        Some(Reply::missing(&missing))
    }
}

/// Decode `%XX` escapes in a path segment (invalid escapes are kept as they are).
pub(crate) fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' && i + 2 < b.len() {
            let hex = std::str::from_utf8(&b[i + 1..i + 3])
                .ok()
                .and_then(|h| u8::from_str_radix(h, 16).ok());
            if let Some(v) = hex {
                out.push(v);
                i += 3;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}
