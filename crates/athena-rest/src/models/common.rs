//! Small answers shared by many write endpoints.

use athena_core::Model;
use athena_core::decode::warnings::DecodeWarning;

/// `{"success": true|"true", "message": …}` and its relatives (check-in, notes, deletes).
/// A `success: false` answer never reaches this type: it becomes an
/// [`ErrorKind::Unsuccessful`](athena_core::ErrorKind::Unsuccessful) error.
#[derive(Clone, Default, Model)]
#[non_exhaustive]
pub struct Success {
    /// Whether athena reported success.
    pub success: Option<bool>,
    /// athena's message, often empty.
    pub message: Option<String>,
    /// athena's error text, usually empty on success.
    pub errormessage: Option<String>,
    /// Fields athena sent that are not modelled, and modelled fields that arrived in a shape
    /// their type cannot hold (see `decode_warnings()`), kept verbatim. May hold PHI: `Debug`
    /// shows only the keys.
    pub extra: serde_json::Map<String, serde_json::Value>,
    /// What `decode_warnings()` returns.
    decode_warnings: Vec<DecodeWarning>,
}
