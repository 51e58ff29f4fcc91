//! Small answers shared by many write endpoints.

use crate::de::model;

model! {
    /// `{"success": true|"true", "message": …}` and its relatives (check-in, notes, deletes).
    /// A `success: false` answer never reaches this type: it becomes an
    /// [`ErrorKind::Unsuccessful`](athena_core::ErrorKind::Unsuccessful) error.
    pub struct Success {
        /// Whether athena reported success.
        success: bool,
        /// athena's message, often empty.
        message: String,
        /// athena's error text, usually empty on success.
        errormessage: String,
    }
}
