//! Configuration: `PollerBuilder` (targets, capacity, margin, limit, back-off) and starting the tasks.

use std::sync::Arc;
use std::time::Duration;

use athena_core::{Client, PracticeId};
use tokio::sync::{Mutex, mpsc, watch};

use super::batch::FeedState;
use super::target::{AutoSubscribe, FeedTarget};
use super::worker::Worker;
use super::{Poller, PollerHandle};
use crate::checkpoint::{Checkpoint, CheckpointStore};
use crate::feed::Feed;

/// Builds a [`Poller`].
#[derive(Debug)]
pub struct PollerBuilder {
    client: Client,
    store: Arc<dyn CheckpointStore>,
    targets: Vec<FeedTarget>,
    capacity: usize,
    margin: Duration,
    auto_subscribe: AutoSubscribe,
    limit: u32,
    error_backoff: Duration,
}

impl PollerBuilder {
    /// The defaults: capacity 4, margin 2 min, auto-subscribe off, limit 1000, back-off 30 s.
    pub(super) fn new(client: Client, store: Arc<dyn CheckpointStore>) -> Self {
        PollerBuilder {
            client,
            store,
            targets: Vec::new(),
            capacity: 4,
            margin: Duration::from_secs(120),
            auto_subscribe: AutoSubscribe::Off,
            limit: 1000,
            error_backoff: Duration::from_secs(30),
        }
    }

    /// Polls `feed` of `practice` at its default cadence.
    pub fn feed(mut self, practice: PracticeId, feed: Feed) -> Self {
        self.targets.push(FeedTarget::new(practice, feed));
        self
    }

    /// Polls a configured target.
    pub fn target(mut self, target: FeedTarget) -> Self {
        self.targets.push(target);
        self
    }

    /// Batches buffered before the poller stops reading (backpressure). Default 4.
    pub fn capacity(mut self, n: usize) -> Self {
        self.capacity = n.max(1);
        self
    }

    /// Widening of replay windows on both sides (clock skew, 1-second resolution). Default
    /// 2 minutes.
    pub fn replay_margin(mut self, margin: Duration) -> Self {
        self.margin = margin;
        self
    }

    /// Auto-subscribe on athena's 403 setup answer. Default off.
    pub fn auto_subscribe(mut self, mode: AutoSubscribe) -> Self {
        self.auto_subscribe = mode;
        self
    }

    /// `limit` of each destructive read (athena: default 1000, max 5000). Default 1000.
    pub fn limit(mut self, limit: u32) -> Self {
        self.limit = limit.clamp(1, 5000);
        self
    }

    /// Wait after a failed poll. Default 30 s.
    pub fn error_backoff(mut self, d: Duration) -> Self {
        self.error_backoff = d;
        self
    }

    /// Starts one task per target on the current tokio runtime.
    pub fn start(self) -> Poller {
        let (tx, rx) = mpsc::channel(self.capacity);
        let (stop_tx, stop_rx) = watch::channel(false);
        let cfg = Arc::new(Config {
            margin: self.margin,
            auto_subscribe: self.auto_subscribe,
            limit: self.limit,
            error_backoff: self.error_backoff,
        });
        let tasks = self
            .targets
            .into_iter()
            .map(|target| {
                let worker = Worker {
                    practice: self.client.practice(target.practice),
                    state: Arc::new(FeedState {
                        key: target.checkpoint_key(),
                        store: self.store.clone(),
                        checkpoint: Mutex::new(Checkpoint::default()),
                    }),
                    target,
                    cfg: cfg.clone(),
                    tx: tx.clone(),
                    stop: stop_rx.clone(),
                    subscribed: false,
                };
                tokio::spawn(worker.run())
            })
            .collect();
        Poller {
            rx,
            handle: PollerHandle {
                stop: Arc::new(stop_tx),
                tasks: Arc::new(std::sync::Mutex::new(tasks)),
            },
        }
    }
}

/// The settings every task of one poller shares.
#[derive(Debug)]
pub(super) struct Config {
    pub(super) margin: Duration,
    pub(super) auto_subscribe: AutoSubscribe,
    pub(super) limit: u32,
    pub(super) error_backoff: Duration,
}
