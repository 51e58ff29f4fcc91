//! The three timeouts of a call: connect, one attempt, the whole call.

use std::time::Duration;

/// The three timeouts of a call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timeouts {
    /// TCP + TLS connect. Default 5 s.
    pub connect: Duration,
    /// One attempt, from send to the last body byte. Default 30 s.
    pub attempt: Duration,
    /// The whole call, retries and waits included. Default 90 s.
    pub overall: Duration,
}

impl Default for Timeouts {
    fn default() -> Self {
        Timeouts {
            connect: Duration::from_secs(5),
            attempt: Duration::from_secs(30),
            overall: Duration::from_secs(90),
        }
    }
}
