//! What a call is asked to do: which final statuses it hands back ([`Finish`]), how it reads
//! bodies ([`BodyMode`]), and with which retry policy.

use std::time::Duration;

use super::response::StreamOptions;
use crate::client::Client;
use crate::retry::RetryPolicy;

/// What a final response that is not a success becomes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Finish {
    /// An [`Error`] (typed from the status and athena's error body).
    SuccessOnly,
    /// The response itself, handed to a caller that decodes its own error bodies.
    AnyStatus,
}

/// How an attempt reads its body.
#[derive(Clone, Copy, Debug)]
pub(super) enum BodyMode {
    /// Read in full within the attempt timeout.
    Buffered,
    /// A 2xx body is left open and handed out as a stream; `idle` bounds the head and each
    /// body chunk; up to `max_redirects` redirects are followed.
    Streamed { idle: Duration, max_redirects: u32 },
}

/// The options of one call.
pub(super) struct CallOptions {
    pub(super) finish: Finish,
    pub(super) body: BodyMode,
    pub(super) policy: RetryPolicy,
}

impl CallOptions {
    /// A buffered call with the client's retry policy.
    pub(super) fn buffered(client: &Client, finish: Finish) -> Self {
        CallOptions {
            finish,
            body: BodyMode::Buffered,
            policy: client.inner.policy,
        }
    }

    /// A streamed call as `options` says.
    pub(super) fn streamed(client: &Client, options: &StreamOptions) -> Self {
        CallOptions {
            finish: if options.any_status {
                Finish::AnyStatus
            } else {
                Finish::SuccessOnly
            },
            body: BodyMode::Streamed {
                idle: options
                    .idle_timeout
                    .unwrap_or(client.inner.timeouts.attempt),
                max_redirects: options.max_redirects,
            },
            policy: options.retry.unwrap_or(client.inner.policy),
        }
    }

    /// The idle timeout of a streamed body (the attempt timeout otherwise).
    pub(super) fn idle(&self) -> Duration {
        match self.body {
            BodyMode::Streamed { idle, .. } => idle,
            BodyMode::Buffered => Duration::MAX,
        }
    }
}
