//! Types that keep protected health information out of logs.
//!
//! [`Phi<T>`] wraps a model field that holds one of HIPAA's identifiers (a name, a birth date,
//! an address, a phone number, a medical record number, …). It serializes and deserializes
//! exactly as `T` does, so models round-trip unchanged, but its `Debug` prints `<redacted>`
//! whatever `T` is, and it has no `Display`: reading the value is always a deliberate
//! [`expose`](Phi::expose).
//!
//! ```
//! use athena_core::phi::Phi;
//! use serde::{Deserialize, Serialize};
//!
//! #[derive(Debug, Serialize, Deserialize)]
//! struct Patient {
//!     patientid: String,
//!     lastname: Phi<String>,
//!     #[serde(default)]
//!     dob: Option<Phi<String>>,
//! }
//!
//! let p: Patient = serde_json::from_str(r#"{"patientid":"1","lastname":"Smith"}"#)?;
//! assert_eq!(p.lastname.expose(), "Smith");
//! assert!(!format!("{p:?}").contains("Smith"));
//! assert_eq!(serde_json::to_string(&p)?, r#"{"patientid":"1","lastname":"Smith","dob":null}"#);
//! # Ok::<(), serde_json::Error>(())
//! ```

use std::fmt;

use serde::{Deserialize, Serialize};

/// A value that is PHI. Serde-transparent; `Debug` prints `<redacted>`; no `Display`.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Phi<T>(T);

impl<T> Phi<T> {
    /// Wraps a value.
    pub const fn new(value: T) -> Self {
        Self(value)
    }

    /// Borrows the value. Every read of PHI goes through here (or [`into_inner`](Self::into_inner)),
    /// which makes reads easy to audit.
    pub const fn expose(&self) -> &T {
        &self.0
    }

    /// Mutably borrows the value.
    pub fn expose_mut(&mut self) -> &mut T {
        &mut self.0
    }

    /// Unwraps the value.
    pub fn into_inner(self) -> T {
        self.0
    }

    /// Applies `f` to the value, keeping it wrapped.
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Phi<U> {
        Phi(f(self.0))
    }

    /// A wrapped reference to the value.
    pub const fn as_ref(&self) -> Phi<&T> {
        Phi(&self.0)
    }
}

impl<T> From<T> for Phi<T> {
    fn from(value: T) -> Self {
        Self(value)
    }
}

impl<T> fmt::Debug for Phi<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

/// Formats a string as `<redacted N chars>` (its length in characters, never its content),
/// for log lines that need to say *something* about a value.
///
/// ```
/// use athena_core::phi::Redacted;
///
/// assert_eq!(Redacted("Smith").to_string(), "<redacted 5 chars>");
/// ```
#[derive(Clone, Copy)]
pub struct Redacted<'a>(pub &'a str);

impl fmt::Display for Redacted<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "<redacted {} chars>", self.0.chars().count())
    }
}

impl fmt::Debug for Redacted<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}
