//! Decode warnings: a field athena sent in an unexpected shape, kept raw instead of failing
//! the whole call.
//!
//! athena changes quarterly and is loosely typed; one odd field (an object where a date was
//! expected, an unparseable date, a number where a flag was expected) must not throw away a
//! page of good records. Lenient decoders (athena-rest's model fields) therefore keep such a
//! value as raw JSON (in the model's unknown-field map, so a re-serialisation loses nothing),
//! and *report* it here as a [`DecodeWarning`]: the JSON path of the field
//! (`appointments[3].patient.dob`) and the kind of value that was expected — never the value.
//!
//! # How it works
//!
//! Decoding is synchronous, so the warnings of one decode are gathered in a thread-local
//! buffer:
//!
//! - a decoder that keeps a value raw calls [`record`] with the path *relative to itself*
//!   (usually just the field name);
//! - a container (a model, a list) takes a [`mark`] before decoding a child and calls
//!   [`prefix_since`] afterwards with the child's key or index, so paths grow outwards
//!   (`dob` → `patient.dob` → `[3].patient.dob` → `appointments[3].patient.dob`);
//! - a model opens a [`Scope`] while it decodes and copies [`Scope::since`] into itself, so
//!   the value carries its own warnings (paths relative to it);
//! - the response boundary ([`collect`], used by `decode_json` and `decode_page`) takes the
//!   warnings of the whole body, logs each as a `tracing` warn event with the route template
//!   and the path, and (for pages) hands them to [`Page::warnings`](crate::Page::warnings).
//!
//! Nothing is recorded outside a scope, and the buffer is emptied whenever the outermost scope
//! ends, so a plain `serde_json::from_str` of a model cannot leak memory. At most
//! [`MAX_WARNINGS`] warnings are kept per outermost decode; the rest are counted by the
//! `tracing` summary only. The happy path costs a few thread-local reads per model, none per
//! scalar field.

use std::cell::RefCell;
use std::fmt;

use crate::decode::Endpoint;

/// The most warnings kept for one outermost decode (one response body).
pub const MAX_WARNINGS: usize = 1024;

/// The most warnings logged one by one for one response; the rest are summed up in one event.
const MAX_LOGGED: usize = 20;

/// One field that athena sent in a shape this SDK did not expect, kept raw.
///
/// Holds the JSON path and the expected kind only: never the value (it may be PHI).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct DecodeWarning {
    path: String,
    expected: &'static str,
}

impl DecodeWarning {
    /// A warning for `path` (e.g. `appointments[3].patient.dob`).
    pub fn new(path: impl Into<String>, expected: &'static str) -> Self {
        DecodeWarning {
            path: path.into(),
            expected,
        }
    }

    /// The JSON path of the field, relative to the value that carries the warning
    /// (`appointments[3].patient.dob` on a page, `patient.dob` on an appointment).
    pub fn path(&self) -> &str {
        &self.path
    }

    /// The kind of value that was expected there (e.g. `a date as MM/DD/YYYY`).
    pub fn expected(&self) -> &'static str {
        self.expected
    }
}

impl fmt::Display for DecodeWarning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "`{}`: expected {}; the value was kept raw",
            self.path, self.expected
        )
    }
}

/// One step of a JSON path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Segment<'a> {
    /// An object key.
    Field(&'a str),
    /// An array index.
    Index(usize),
}

struct State {
    depth: usize,
    warnings: Vec<DecodeWarning>,
}

thread_local! {
    static STATE: RefCell<State> = const {
        RefCell::new(State { depth: 0, warnings: Vec::new() })
    };
}

/// A position in the thread's warning buffer, taken before decoding a child.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Mark(usize);

/// The current position of the buffer.
pub fn mark() -> Mark {
    STATE.with(|s| Mark(s.borrow().warnings.len()))
}

/// Records a warning at `path` (relative to the decoder that calls it). Does nothing outside
/// a [`Scope`] or once [`MAX_WARNINGS`] are held.
pub fn record(path: impl Into<String>, expected: &'static str) {
    STATE.with(|s| {
        let mut s = s.borrow_mut();
        if s.depth > 0 && s.warnings.len() < MAX_WARNINGS {
            s.warnings.push(DecodeWarning::new(path, expected));
        }
    });
}

/// Records a warning at one path segment (`dob`, `[2]`).
pub fn record_at(segment: Segment<'_>, expected: &'static str) {
    record(prefixed(segment, ""), expected);
}

/// Prefixes every warning recorded since `mark` with `segment` (a no-op when there is none,
/// which is the common case).
pub fn prefix_since(mark: Mark, segment: Segment<'_>) {
    STATE.with(|s| {
        let mut s = s.borrow_mut();
        if s.warnings.len() <= mark.0 {
            return;
        }
        for w in &mut s.warnings[mark.0..] {
            w.path = prefixed(segment, &w.path);
        }
    });
}

fn prefixed(segment: Segment<'_>, rest: &str) -> String {
    let head = match segment {
        Segment::Field(name) => name.to_owned(),
        Segment::Index(i) => format!("[{i}]"),
    };
    if rest.is_empty() {
        head
    } else if rest.starts_with('[') {
        format!("{head}{rest}")
    } else {
        format!("{head}.{rest}")
    }
}

/// A decode in progress: while any scope is open, [`record`] keeps warnings; when the
/// outermost one ends (normally or by an error), the buffer is emptied.
#[derive(Debug)]
#[must_use = "a scope ends when dropped"]
pub struct Scope {
    start: Mark,
}

/// Opens a [`Scope`].
pub fn scope() -> Scope {
    STATE.with(|s| {
        let mut s = s.borrow_mut();
        s.depth += 1;
        Scope {
            start: Mark(s.warnings.len()),
        }
    })
}

impl Scope {
    /// Where this scope started.
    pub fn start(&self) -> Mark {
        self.start
    }

    /// A copy of the warnings recorded since the scope opened (paths relative to it).
    pub fn since(&self) -> Vec<DecodeWarning> {
        STATE.with(|s| {
            let s = s.borrow();
            s.warnings.get(self.start.0..).unwrap_or_default().to_vec()
        })
    }

    /// Takes the warnings recorded since the scope opened out of the buffer.
    pub fn take(&self) -> Vec<DecodeWarning> {
        STATE.with(|s| {
            let mut s = s.borrow_mut();
            if s.warnings.len() <= self.start.0 {
                return Vec::new();
            }
            let start = self.start.0;
            s.warnings.drain(start..).collect()
        })
    }
}

impl Drop for Scope {
    fn drop(&mut self) {
        // `try_with`: a scope dropped during thread teardown must not panic.
        let _ = STATE.try_with(|s| {
            if let Ok(mut s) = s.try_borrow_mut() {
                s.depth = s.depth.saturating_sub(1);
                if s.depth == 0 {
                    s.warnings.clear();
                }
            }
        });
    }
}

/// Runs one decode and returns its value with the warnings recorded during it.
pub fn collect<R>(decode: impl FnOnce() -> R) -> (R, Vec<DecodeWarning>) {
    let scope = scope();
    let value = decode();
    let warnings = scope.take();
    (value, warnings)
}

/// Logs `warnings` as `tracing` warn events naming the endpoint's route template, the JSON
/// path and the expected kind (never the value).
pub fn log(endpoint: Endpoint, warnings: &[DecodeWarning]) {
    for w in warnings.iter().take(MAX_LOGGED) {
        tracing::warn!(
            method = endpoint.method,
            route = endpoint.route,
            path = w.path(),
            expected = w.expected(),
            "athena sent a field in an unexpected shape; kept it raw"
        );
    }
    if warnings.len() > MAX_LOGGED {
        tracing::warn!(
            method = endpoint.method,
            route = endpoint.route,
            more = warnings.len() - MAX_LOGGED,
            "more fields in an unexpected shape in the same response"
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_grow_outwards() {
        let ((), got) = collect(|| {
            let m = mark();
            record_at(Segment::Field("dob"), "a date");
            prefix_since(m, Segment::Field("patient"));
            prefix_since(m, Segment::Index(3));
            prefix_since(m, Segment::Field("appointments"));
            let m = mark();
            record_at(Segment::Index(2), "a string");
            prefix_since(m, Segment::Field("reasonid"));
        });
        let paths: Vec<_> = got.iter().map(DecodeWarning::path).collect();
        assert_eq!(paths, ["appointments[3].patient.dob", "reasonid[2]"]);
        assert_eq!(got[0].expected(), "a date");
        // The outermost scope ended: nothing is left behind.
        assert_eq!(mark(), Mark(0));
    }

    #[test]
    fn nothing_is_recorded_outside_a_scope_and_the_cap_holds() {
        record("x", "y");
        assert_eq!(mark(), Mark(0));
        let ((), got) = collect(|| {
            for _ in 0..MAX_WARNINGS + 10 {
                record("x", "y");
            }
        });
        assert_eq!(got.len(), MAX_WARNINGS);
    }

    #[test]
    fn an_inner_scope_sees_its_own_warnings_and_leaves_them_to_the_outer() {
        let ((), got) = collect(|| {
            record("a", "e");
            let inner = scope();
            record("b", "e");
            assert_eq!(inner.since(), [DecodeWarning::new("b", "e")]);
            drop(inner);
        });
        assert_eq!(got.len(), 2);
    }
}
