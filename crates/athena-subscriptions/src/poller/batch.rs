//! Delivery: a batch handed to the consumer, and the shared checkpoint state its ack updates.

use std::fmt;
use std::sync::Arc;

use athena_core::PracticeId;
use tokio::sync::Mutex;

use crate::checkpoint::{Checkpoint, CheckpointStore};
use crate::error::Error;
use crate::event::ChangeEvent;
use crate::feed::Feed;

/// The durable state of one target, shared by its poll task and the acks of its batches.
pub(super) struct FeedState {
    pub(super) key: String,
    pub(super) store: Arc<dyn CheckpointStore>,
    pub(super) checkpoint: Mutex<Checkpoint>,
}

impl fmt::Debug for FeedState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FeedState").field("key", &self.key).finish()
    }
}

impl FeedState {
    pub(super) async fn update(&self, f: impl FnOnce(&mut Checkpoint)) -> Result<(), Error> {
        let mut cp = self.checkpoint.lock().await;
        let mut next = cp.clone();
        f(&mut next);
        self.store.save(&self.key, &next).await?;
        *cp = next;
        Ok(())
    }
}

/// A batch of events from one read or replay of one feed. Committed to the checkpoint store
/// before it was handed out; [`Batch::ack`] it once its events are safely processed. A batch
/// that is dropped unacknowledged is replayed after the next restart.
#[derive(Debug)]
pub struct Batch {
    /// The practice.
    pub practice: PracticeId,
    /// The feed.
    pub feed: Feed,
    /// The events, in athena's order.
    pub events: Vec<ChangeEvent>,
    /// Whether this batch is a replay (its events may have been delivered before).
    pub replay: bool,
    pub(super) state: Arc<FeedState>,
    pub(super) windows: Vec<u64>,
}

impl Batch {
    /// Acknowledges the batch: its read window no longer needs a replay. Durable when it
    /// returns `Ok`.
    pub async fn ack(self) -> Result<(), Error> {
        let ids = self.windows;
        let (practice, feed) = (self.practice, self.feed);
        self.state
            .update(|cp| cp.acknowledge(&ids))
            .await
            .map_err(|e| e.for_feed(practice, feed))
    }
}
