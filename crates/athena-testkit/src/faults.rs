//! Runtime fault injection: rules matched by the TCP front before (or after) a request reaches
//! the handlers.

use std::sync::{Arc, Mutex};
use std::time::Duration;

/// How a 429 tells the client when to come back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RetryAfter {
    /// No `Retry-After` header.
    Absent,
    /// `Retry-After: <seconds>`.
    Seconds(u64),
    /// `Retry-After: <HTTP-date>` this many seconds in the future.
    HttpDate(u64),
}

/// What a fault does.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Fault {
    /// HTTP 429 with a JSON body and the given `Retry-After`.
    TooManyRequests(RetryAfter),
    /// HTTP 403 with the legacy non-JSON HTML page `<h1>Developer Over Qps</h1>`.
    OverQpsHtml,
    /// A gateway error (500, 502, 503 or 504) with no body at all.
    GatewayError(u16),
    /// An error status with an athena JSON body (`{"error": …}`).
    JsonError(u16),
    /// Wait this long, then handle the request normally.
    Latency(Duration),
    /// HTTP 200 with a body that is not valid JSON.
    MalformedJson,
    /// HTTP 200 with an HTML error page instead of JSON.
    HtmlErrorPage,
    /// Close the connection after reading the request, before it reaches the handler: nothing
    /// is applied.
    DropBeforeHandler,
    /// Let the handler apply the request, then close the connection without answering: the
    /// write happened but the client never sees the response.
    DropAfterHandler,
    /// Let the handler apply the request, send the response head and half of the body, then
    /// close the connection.
    TruncatedBody,
}

/// A fault rule: which requests it matches, how often it fires, what it does.
#[derive(Debug, Clone)]
pub struct FaultRule {
    pub(crate) method: Option<String>,
    pub(crate) path: Option<String>,
    pub(crate) times: Option<u64>,
    pub(crate) fault: Fault,
}

impl FaultRule {
    /// A rule that matches every request and fires always.
    pub fn new(fault: Fault) -> Self {
        FaultRule {
            method: None,
            path: None,
            times: None,
            fault,
        }
    }

    /// Only match this HTTP method (case-insensitive).
    pub fn method(mut self, method: &str) -> Self {
        self.method = Some(method.to_ascii_uppercase());
        self
    }

    /// Only match paths (without query) fitting this glob: `*` matches within one segment,
    /// `**` matches anything, e.g. `/v1/*/appointments/*` or `/oauth2/**`.
    pub fn path(mut self, pattern: &str) -> Self {
        self.path = Some(pattern.to_string());
        self
    }

    /// Fire this many times, then stop matching.
    pub fn times(mut self, n: u64) -> Self {
        self.times = Some(n);
        self
    }

    /// Fire exactly once.
    pub fn once(self) -> Self {
        self.times(1)
    }

    fn matches(&self, method: &str, path: &str) -> bool {
        self.method.as_deref().is_none_or(|m| m == method)
            && self
                .path
                .as_deref()
                .is_none_or(|p| glob(p.as_bytes(), path.as_bytes()))
            && self.times != Some(0)
    }
}

fn glob(p: &[u8], s: &[u8]) -> bool {
    match p.first() {
        None => s.is_empty(),
        Some(b'*') if p.get(1) == Some(&b'*') => (0..=s.len()).any(|i| glob(&p[2..], &s[i..])),
        Some(b'*') => {
            let mut i = 0;
            loop {
                if glob(&p[1..], &s[i..]) {
                    return true;
                }
                if i >= s.len() || s[i] == b'/' {
                    return false;
                }
                i += 1;
            }
        }
        Some(c) => s.first() == Some(c) && glob(&p[1..], &s[1..]),
    }
}

/// A handle on the sandbox's fault rules; cheap to clone.
#[derive(Debug, Clone, Default)]
pub struct Faults {
    rules: Arc<Mutex<Vec<FaultRule>>>,
}

impl Faults {
    /// Add a rule. Rules are tried in the order they were pushed; the first match fires.
    pub fn push(&self, rule: FaultRule) {
        self.lock().push(rule);
    }

    /// Remove all rules.
    pub fn clear(&self) {
        self.lock().clear();
    }

    /// Number of rules that can still fire.
    pub fn active(&self) -> usize {
        self.lock().iter().filter(|r| r.times != Some(0)).count()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<FaultRule>> {
        self.rules.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Take the fault for a request, if a rule matches (consuming one firing).
    pub(crate) fn take(&self, method: &str, path: &str) -> Option<Fault> {
        let mut rules = self.lock();
        if rules.is_empty() {
            return None;
        }
        let rule = rules.iter_mut().find(|r| r.matches(method, path))?;
        if let Some(t) = rule.times.as_mut() {
            *t -= 1;
        }
        Some(rule.fault.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::glob;

    #[test]
    fn globs() {
        assert!(glob(b"/v1/*/appointments/*", b"/v1/195900/appointments/12"));
        assert!(!glob(
            b"/v1/*/appointments/*",
            b"/v1/195900/appointments/12/cancel"
        ));
        assert!(glob(b"/v1/**", b"/v1/195900/appointments/12/cancel"));
        assert!(glob(b"**/cancel", b"/v1/195900/appointments/12/cancel"));
        assert!(!glob(b"/oauth2/**", b"/v1/1/ping"));
    }
}
