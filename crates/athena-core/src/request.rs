//! A request as a value: built purely, sent by the [`Client`](crate::Client).
//!
//! A [`Request`] carries its method, its **route template** (`/v1/{practiceid}/patients/{patientid}`,
//! used in logs and errors) and the concrete path (used only on the wire), its query, its
//! form body and whether it is safe to retry. Building it does no I/O, so endpoint crates
//! snapshot-test exactly what they would send.

use std::borrow::Cow;
use std::fmt;

use http::Method;

use crate::error::{Error, ErrorKind, Result};
use crate::retry::RetrySafety;

/// The body of a request.
#[derive(Clone, PartialEq, Eq)]
pub enum Body {
    /// No body.
    Empty,
    /// `application/x-www-form-urlencoded` pairs (athena's POST/PUT encoding).
    Form(Vec<(Cow<'static, str>, String)>),
    /// A JSON document (FHIR writes).
    Json(Vec<u8>),
}

impl fmt::Debug for Body {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Bodies carry PHI: show shape only.
        match self {
            Body::Empty => f.write_str("Empty"),
            Body::Form(pairs) => {
                let keys: Vec<&str> = pairs.iter().map(|(k, _)| k.as_ref()).collect();
                f.debug_tuple("Form").field(&keys).finish()
            }
            Body::Json(b) => write!(f, "Json(<{} bytes>)", b.len()),
        }
    }
}

/// One API request: method, route template, parameters, body and retry safety; built
/// purely, sent by [`Client::execute`](crate::Client::execute).
#[derive(Clone)]
pub struct Request {
    method: Method,
    route: &'static str,
    path: String,
    query: Vec<(Cow<'static, str>, String)>,
    body: Body,
    safety: RetrySafety,
    authenticated: bool,
    accept: &'static str,
    headers: Vec<(http::HeaderName, http::HeaderValue)>,
    /// An absolute URL from the server (a FHIR `next` link, a bulk status URL) sent as is.
    link: Option<url::Url>,
    /// Which origins the link may name.
    link_scope: LinkScope,
}

/// Which origins a link request may be sent to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum LinkScope {
    /// Only the client's own origin ([`Request::to_link`]).
    ClientOrigin,
    /// Any origin; the token goes only to the client's ([`Request::to_external`]).
    AnyOrigin,
}

impl Request {
    /// A request for `route`, a path template relative to the API origin whose `{name}`
    /// segments are filled with [`Request::path_param`].
    pub fn new(method: Method, route: &'static str) -> Self {
        let safety = RetrySafety::for_method(&method);
        Request {
            method,
            route,
            path: route.to_owned(),
            query: Vec::new(),
            body: Body::Empty,
            safety,
            authenticated: true,
            accept: "application/json",
            headers: Vec::new(),
            link: None,
            link_scope: LinkScope::ClientOrigin,
        }
    }

    /// A request to an absolute URL the server handed out (a FHIR Bundle `next` link, a Bulk
    /// Data status URL), logged and reported as `route` (a template such as
    /// `/fhir/r4/{type}?{next}`), never as the URL.
    ///
    /// The URL's path and query are sent unchanged (parameters added with
    /// [`Request::query`] are appended). The [`Client`](crate::Client) sends it **only** when
    /// the URL is on its own origin (scheme, host and port); any other origin is an
    /// [`ErrorKind::InvalidInput`] error before anything leaves, so a link can never carry the
    /// bearer token elsewhere.
    pub fn to_link(method: Method, route: &'static str, url: url::Url) -> Self {
        let mut request = Self::new(method, route);
        request.path = url.path().to_owned();
        request.link = Some(url);
        request
    }

    /// A request to an absolute URL that may be on **another** origin than the client's (a
    /// Bulk Data file on a storage host), logged and reported as `route`, never as the URL.
    ///
    /// The bearer token (and any `Authorization` or `Cookie` header set here) is sent only
    /// when the URL is on the client's own origin; elsewhere the request goes without it.
    /// Mark it [`Request::anonymous`] when no token is wanted even on the client's origin.
    pub fn to_external(method: Method, route: &'static str, url: url::Url) -> Self {
        let mut request = Self::to_link(method, route, url);
        request.link_scope = LinkScope::AnyOrigin;
        request
    }

    /// The absolute URL of a [`Request::to_link`] or [`Request::to_external`] request
    /// (contains ids: do not log).
    pub fn link_url(&self) -> Option<&url::Url> {
        self.link.as_ref()
    }

    /// True for a [`Request::to_external`] request (its URL may be on another origin).
    pub fn is_external(&self) -> bool {
        self.link_scope == LinkScope::AnyOrigin
    }

    /// A GET.
    pub fn get(route: &'static str) -> Self {
        Self::new(Method::GET, route)
    }
    /// A POST (not idempotent unless marked with [`Request::retry_safety`]).
    pub fn post(route: &'static str) -> Self {
        Self::new(Method::POST, route)
    }
    /// A PUT.
    pub fn put(route: &'static str) -> Self {
        Self::new(Method::PUT, route)
    }
    /// A DELETE.
    pub fn delete(route: &'static str) -> Self {
        Self::new(Method::DELETE, route)
    }

    /// Fills the `{name}` segment of the route with `value` (percent-encoded).
    pub fn path_param(mut self, name: &str, value: impl fmt::Display) -> Self {
        let placeholder = format!("{{{name}}}");
        let encoded = encode_segment(&value.to_string());
        self.path = self.path.replace(&placeholder, &encoded);
        self
    }

    /// Adds a query parameter.
    pub fn query(mut self, key: impl Into<Cow<'static, str>>, value: impl fmt::Display) -> Self {
        self.query.push((key.into(), value.to_string()));
        self
    }

    /// Adds a query parameter when `value` is `Some`.
    pub fn query_opt<V: fmt::Display>(
        self,
        key: impl Into<Cow<'static, str>>,
        value: Option<V>,
    ) -> Self {
        match value {
            Some(v) => self.query(key, v),
            None => self,
        }
    }

    /// Sets a query parameter, replacing any earlier value (paging uses it for `offset`).
    pub fn set_query(mut self, key: &'static str, value: impl fmt::Display) -> Self {
        self.query.retain(|(k, _)| !k.eq_ignore_ascii_case(key));
        self.query.push((Cow::Borrowed(key), value.to_string()));
        self
    }

    /// Adds a form field (the body becomes form-encoded).
    pub fn form(mut self, key: impl Into<Cow<'static, str>>, value: impl fmt::Display) -> Self {
        let pair = (key.into(), value.to_string());
        match &mut self.body {
            Body::Form(pairs) => pairs.push(pair),
            _ => self.body = Body::Form(vec![pair]),
        }
        self
    }

    /// Sets a form field, replacing any earlier value of the same key.
    pub fn set_form(mut self, key: &'static str, value: impl fmt::Display) -> Self {
        if let Body::Form(pairs) = &mut self.body {
            pairs.retain(|(k, _)| k != key);
        }
        self.form(key, value)
    }

    /// Adds a form field when `value` is `Some`.
    pub fn form_opt<V: fmt::Display>(
        self,
        key: impl Into<Cow<'static, str>>,
        value: Option<V>,
    ) -> Self {
        match value {
            Some(v) => self.form(key, v),
            None => self,
        }
    }

    /// Sets a JSON body.
    pub fn json_body(mut self, bytes: Vec<u8>) -> Self {
        self.body = Body::Json(bytes);
        self
    }

    /// Declares whether the request may be sent twice. Endpoint crates mark, e.g., booking,
    /// payments and claim creation [`RetrySafety::NotIdempotent`] even though they are PUTs.
    pub fn retry_safety(mut self, safety: RetrySafety) -> Self {
        self.safety = safety;
        self
    }

    /// Sends no bearer token (discovery documents, token endpoints).
    pub fn anonymous(mut self) -> Self {
        self.authenticated = false;
        self
    }

    /// Adds a header (e.g. `Prefer: respond-async`, `X-Hub-Secret`). Values may be secrets:
    /// `Debug` and snapshots show header names only. `Authorization` is set by the client
    /// from its token source; one set here is sent instead.
    pub fn header(mut self, name: http::HeaderName, value: http::HeaderValue) -> Self {
        self.headers.push((name, value));
        self
    }

    /// Adds a header from strings; an invalid name or value is an
    /// [`ErrorKind::InvalidInput`] error naming the header (never the value).
    pub fn try_header(self, name: &str, value: &str) -> Result<Self> {
        let header_name = http::HeaderName::from_bytes(name.as_bytes()).map_err(|_| {
            Error::new(ErrorKind::InvalidInput, "invalid header name")
                .with_endpoint(self.method_str(), self.route)
        })?;
        let mut header_value = http::HeaderValue::from_str(value).map_err(|_| {
            Error::new(
                ErrorKind::InvalidInput,
                format!("invalid value for header `{header_name}`"),
            )
            .with_endpoint(self.method_str(), self.route)
        })?;
        header_value.set_sensitive(true);
        Ok(self.header(header_name, header_value))
    }

    /// Extra headers set with [`Request::header`].
    pub fn headers(&self) -> &[(http::HeaderName, http::HeaderValue)] {
        &self.headers
    }

    /// Sets the `Accept` header (default `application/json`).
    pub fn accept(mut self, media_type: &'static str) -> Self {
        self.accept = media_type;
        self
    }

    /// The HTTP method.
    pub fn method(&self) -> &Method {
        &self.method
    }
    /// The route template (safe to log).
    pub fn route(&self) -> &'static str {
        self.route
    }
    /// The concrete path (contains ids: do not log).
    pub fn path(&self) -> &str {
        &self.path
    }
    /// The query pairs (may contain PHI: do not log).
    pub fn query_pairs(&self) -> &[(Cow<'static, str>, String)] {
        &self.query
    }
    /// The body.
    pub fn body(&self) -> &Body {
        &self.body
    }
    /// Whether the request may be sent twice.
    pub fn safety(&self) -> RetrySafety {
        self.safety
    }
    /// Whether a bearer token is sent.
    pub fn is_authenticated(&self) -> bool {
        self.authenticated
    }
    /// The `Accept` header.
    pub fn accept_header(&self) -> &'static str {
        self.accept
    }

    /// The `method` as a static string, for errors and spans.
    pub fn method_str(&self) -> &'static str {
        method_str(&self.method)
    }

    /// Checks every route parameter was filled.
    pub(crate) fn validate(&self) -> Result<()> {
        let zero_limit = self
            .query
            .iter()
            .any(|(k, v)| k.eq_ignore_ascii_case("limit") && v.trim() == "0");
        if zero_limit {
            return Err(Error::new(
                ErrorKind::InvalidInput,
                "`limit` (the page size) must be at least 1",
            )
            .with_endpoint(self.method_str(), self.route));
        }
        if self.link.is_some() {
            // A server link is sent as is; it has no template parameters to fill.
            return Ok(());
        }
        if let Some(start) = self.path.find('{') {
            let name = self.path[start..]
                .split('}')
                .next()
                .unwrap_or_default()
                .trim_start_matches('{');
            return Err(Error::new(
                ErrorKind::InvalidInput,
                format!("route parameter `{name}` was not set"),
            )
            .with_endpoint(self.method_str(), self.route));
        }
        Ok(())
    }

    /// The form body encoded, or `None`.
    pub fn encoded_form(&self) -> Option<String> {
        match &self.body {
            Body::Form(pairs) => {
                let mut ser = url::form_urlencoded::Serializer::new(String::new());
                for (k, v) in pairs {
                    ser.append_pair(k, v);
                }
                Some(ser.finish())
            }
            _ => None,
        }
    }

    /// A stable, human-readable rendering of what would go on the wire (method, path,
    /// sorted-as-sent query, form body) for snapshot tests. Contains the request's values:
    /// use it in tests, never in logs.
    pub fn describe_for_snapshot(&self) -> String {
        let mut out = format!("{} {}", self.method, self.path);
        if let Some(q) = self.link.as_ref().and_then(|l| l.query()) {
            out.push('?');
            out.push_str(q);
        }
        if !self.query.is_empty() {
            out.push(if self.link.as_ref().and_then(|l| l.query()).is_some() {
                '&'
            } else {
                '?'
            });
            let mut ser = url::form_urlencoded::Serializer::new(String::new());
            for (k, v) in &self.query {
                ser.append_pair(k, v);
            }
            out.push_str(&ser.finish());
        }
        match &self.body {
            Body::Empty => {}
            Body::Form(pairs) => {
                out.push_str("\ncontent-type: application/x-www-form-urlencoded");
                for (k, v) in pairs {
                    out.push_str(&format!("\n  {k} = {v}"));
                }
            }
            Body::Json(b) => {
                out.push_str("\ncontent-type: application/json\n");
                out.push_str(&String::from_utf8_lossy(b));
            }
        }
        for (name, _) in &self.headers {
            out.push_str(&format!("\nheader: {name}: <set>"));
        }
        out.push_str(&format!("\nretry: {:?}", self.safety));
        out
    }
}

impl fmt::Debug for Request {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let keys: Vec<&str> = self.query.iter().map(|(k, _)| k.as_ref()).collect();
        f.debug_struct("Request")
            .field("method", &self.method)
            .field("route", &self.route)
            .field("query_keys", &keys)
            .field("body", &self.body)
            .field(
                "header_names",
                &self
                    .headers
                    .iter()
                    .map(|(n, _)| n.as_str())
                    .collect::<Vec<_>>(),
            )
            .field("safety", &self.safety)
            .field("link", &self.link.is_some())
            .field("external", &self.is_external())
            .finish()
    }
}

pub(crate) fn method_str(m: &Method) -> &'static str {
    match *m {
        Method::GET => "GET",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::DELETE => "DELETE",
        Method::PATCH => "PATCH",
        Method::HEAD => "HEAD",
        Method::OPTIONS => "OPTIONS",
        _ => "OTHER",
    }
}

fn encode_segment(s: &str) -> String {
    const SAFE: &[u8] = b"-._~";
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || SAFE.contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn route_params_are_encoded_and_checked() {
        let r = Request::get("/v1/{practiceid}/patients/{patientid}")
            .path_param("practiceid", 195900)
            .path_param("patientid", "a/b c");
        assert_eq!(r.path(), "/v1/195900/patients/a%2Fb%20c");
        assert_eq!(r.route(), "/v1/{practiceid}/patients/{patientid}");
        assert!(r.validate().is_ok());
        let missing = Request::get("/v1/{practiceid}/patients/{patientid}")
            .path_param("practiceid", 1)
            .validate()
            .unwrap_err();
        assert!(missing.to_string().contains("`patientid`"), "{missing}");
    }

    #[test]
    fn debug_hides_values() {
        let r = Request::post("/v1/{practiceid}/patients")
            .query("lastname", "Smithers")
            .form("firstname", "Waylon");
        let d = format!("{r:?}");
        assert!(!d.contains("Smithers") && !d.contains("Waylon"), "{d}");
        assert!(d.contains("lastname") && d.contains("firstname"), "{d}");
        assert_eq!(r.safety(), RetrySafety::NotIdempotent);
    }

    #[test]
    fn set_form_replaces() {
        let r = Request::put("/x")
            .form("a", 1)
            .form("b", 2)
            .set_form("a", 3);
        assert_eq!(r.encoded_form().as_deref(), Some("b=2&a=3"));
    }

    #[test]
    fn links_keep_their_query_and_hide_it_in_debug() {
        let url = url::Url::parse("https://h.example/fhir/r4/Observation?cursor=a%2Cb&patient=p1")
            .unwrap();
        let r = Request::to_link(Method::GET, "/fhir/r4/{type}?{next}", url)
            .query("ah-practice", "Organization/a-1.Practice-1");
        assert!(r.validate().is_ok());
        assert_eq!(r.route(), "/fhir/r4/{type}?{next}");
        assert_eq!(
            r.describe_for_snapshot().lines().next(),
            Some(
                "GET /fhir/r4/Observation?cursor=a%2Cb&patient=p1&ah-practice=Organization%2Fa-1.Practice-1"
            )
        );
        let d = format!("{r:?}");
        assert!(!d.contains("p1") && !d.contains("cursor"), "{d}");
    }

    #[test]
    fn set_query_replaces() {
        let r = Request::get("/x")
            .query("offset", 0)
            .set_query("offset", 10);
        assert_eq!(r.query_pairs().len(), 1);
        assert_eq!(r.query_pairs()[0].1, "10");
    }
}
