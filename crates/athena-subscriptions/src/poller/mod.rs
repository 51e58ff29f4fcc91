//! The poller: a bounded `Stream` of acknowledged-or-replayed batches per practice × feed.
//!
//! One file per job: [`target`](FeedTarget) (what to poll), `builder` (configuration and
//! start), `worker` (the polling loop of one target), `replay` (re-reading outstanding windows)
//! and `batch` (delivery and acknowledgement). The checkpoint protocol is described in the
//! crate docs.

mod batch;
mod builder;
mod replay;
mod target;
mod worker;

use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use athena_core::Client;
use futures::Stream;
use tokio::sync::{mpsc, watch};
use tokio::task::JoinHandle;

use crate::checkpoint::CheckpointStore;
use crate::error::Error;

pub use batch::Batch;
pub use builder::PollerBuilder;
pub use replay::replay_query;
pub use target::{AutoSubscribe, FeedTarget};

/// A running poller: a `Stream` of batches (and of per-feed errors, which name their practice
/// and feed through [`Error::practice`] and [`Error::feed`]; polling goes on after them). The stream ends after [`PollerHandle::shutdown`] once every task has delivered what it
/// had read.
#[derive(Debug)]
pub struct Poller {
    pub(super) rx: mpsc::Receiver<Result<Batch, Error>>,
    pub(super) handle: PollerHandle,
}

impl Poller {
    /// A poller over `client` (its rate limiter, token cache and retry budget are shared by
    /// every feed) with checkpoints in `store`.
    pub fn builder(client: Client, store: Arc<dyn CheckpointStore>) -> PollerBuilder {
        PollerBuilder::new(client, store)
    }

    /// A handle to stop the poller (cloneable, usable while the stream is being consumed).
    pub fn handle(&self) -> PollerHandle {
        self.handle.clone()
    }
}

impl Stream for Poller {
    type Item = Result<Batch, Error>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.rx.poll_recv(cx)
    }
}

/// Stops a [`Poller`].
#[derive(Debug, Clone)]
pub struct PollerHandle {
    pub(super) stop: Arc<watch::Sender<bool>>,
    pub(super) tasks: Arc<std::sync::Mutex<Vec<JoinHandle<()>>>>,
}

impl PollerHandle {
    /// Graceful shutdown: no new reads start; a read in flight completes, is committed and
    /// delivered; the stream ends when every task is done. Keep draining (and acking) the
    /// stream after calling this.
    pub fn shutdown(&self) {
        let _ = self.stop.send(true);
    }

    /// Waits until every poll task has finished (call after [`PollerHandle::shutdown`], while
    /// something drains the stream).
    pub async fn join(&self) {
        let tasks = match self.tasks.lock() {
            Ok(mut t) => std::mem::take(&mut *t),
            Err(_) => Vec::new(),
        };
        for t in tasks {
            let _ = t.await;
        }
    }
}
