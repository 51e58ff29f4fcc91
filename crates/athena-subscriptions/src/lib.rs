//! athenahealth changed-data feeds with durable checkpoints, and FHIR event webhooks.
//!
//! - [`Feed`] — every feed of athena's changed-data API (path, item key, record identity,
//!   events, cadence).
//! - [`FeedSubscription`] — subscribe (all events or chosen ones, one `eventname` per POST,
//!   optionally department-scoped), status (`ACTIVE`/`INACTIVE`/`PARTIAL`), events,
//!   unsubscribe.
//! - [`Poller`] — one `Stream` of [`Batch`]es for many practices × feeds over one
//!   [`athena_core::Client`] (shared rate limiter, token cache and retry budget), bounded
//!   (backpressure: a full channel stops the reads), with graceful shutdown and optional
//!   auto-subscribe on athena's 403 "Changed messages require setup (subscription)…".
//! - [`CheckpointStore`] — [`MemoryCheckpointStore`], [`FileCheckpointStore`]; a shared
//!   database plugs in through the trait (see its docs).
//! - [`ChangeEvent`] with a stable [`IdempotencyKey`], and a bounded [`Deduper`].
//! - [`push`] — FHIR Subscription notifications: HMAC verification, Bundle parsing into
//!   [`ChangeEvent`]s, a queueing receiver any HTTP framework can call. Creating the
//!   `/fhir/r4/Subscription`s themselves (signed with `X-Hub-Secret`) is athena-fhir's
//!   `FhirClient::subscriptions().create_signed(..)`.
//! - `webhook_server` (feature `webhook-server`, off by default: axum on hyper 1) — an
//!   HTTP/1.1 endpoint that answers athena within its 2 s and queues verified events.
//! - [`Error`] — the crate's one error: opaque, [`Error::kind`] ([`ErrorKind`]), the practice
//!   and feed it concerns, and the athena call's error ([`Error::core_error`], with its kind
//!   and request id) when one failed. `Display` is PHI-free and never includes a cause's text.
//!   Signature checks return their own verdict, [`push::SignatureError`].
//!
//! ```
//! use std::sync::Arc;
//! use std::time::Duration;
//! use athena_subscriptions::{
//!     CheckpointStore, Feed, FeedSubscription, FeedTarget, MemoryCheckpointStore, PollInterval,
//!     Poller,
//! };
//! use futures::StreamExt;
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! // A local sandbox stands in for athenahealth (`Client::from_env()` in real code).
//! let sandbox = athena_testkit::Sandbox::start().await;
//! let client = athena_core::Client::builder()
//!     .base_url(sandbox.base_url())
//!     .client_credentials(sandbox.client_id(), sandbox.client_secret())
//!     .build()?;
//! let practice = athena_core::PracticeId::new(sandbox.practice_id());
//!
//! // athena records changes only for subscribed feeds.
//! FeedSubscription::new(&client.practice(practice), Feed::PATIENTS)
//!     .subscribe_all()
//!     .await?;
//! sandbox.generate_changes(9); // round-robin over the feeds: one patient change
//!
//! // Poll with a checkpoint store (a file or a database in production).
//! let store = Arc::new(MemoryCheckpointStore::new());
//! let target = FeedTarget::new(practice, Feed::PATIENTS)
//!     .interval(PollInterval::fixed(Duration::from_millis(50)));
//! let key = target.checkpoint_key();
//! let mut poller = Poller::builder(client, store.clone()).target(target).start();
//!
//! let batch = poller.next().await.expect("the stream is open")?;
//! assert_eq!(batch.events.len(), 1);
//! let event = &batch.events[0];
//! assert!(event.patient().expect("a patients feed item").is_ok());
//! assert!(event.key.as_str().starts_with("195900:patients:")); // stable idempotency key
//!
//! // The read window was saved before the batch was handed out; acking it removes it.
//! assert_eq!(store.load(&key).await?.expect("a checkpoint").outstanding.len(), 1);
//! batch.ack().await?;
//! assert!(store.load(&key).await?.expect("a checkpoint").outstanding.is_empty());
//! poller.handle().shutdown();
//! # Ok(()) }
//! ```
//!
//! # Nothing lost: the checkpoint protocol
//!
//! `GET /{feed}/changed` is destructive: what it returns is marked processed and a plain read
//! never returns it again. athena can re-show processed messages for a while with
//! `showprocessedstartdatetime`/`showprocessedenddatetime` (US/Eastern,
//! `MM/DD/YYYY HH24:MI:SS`). Per practice × feed × filter the poller keeps a [`Checkpoint`]:
//! the list of read windows that are not yet acknowledged.
//!
//! 1. **Intent.** Before every destructive read, append window `{id, started: T0}` and save
//!    durably. If the save fails, the read is not sent.
//! 2. **Read** (destructive). athena marks the records processed at some time in `[T0, T1]`.
//!    - athena answered with an error (4xx, connect failure): nothing was processed; the
//!      window is dropped.
//!    - timeout / connection lost / unreadable answer: the read may have happened; the window
//!      stays and is replayed in-process (step 5) after the back-off.
//!    - empty answer: the window is dropped.
//! 3. **Record the batch**: set `finished: T1, items: n` and save durably — **before** the
//!    batch is handed out.
//! 4. **Hand out** the batch on the bounded channel. The consumer processes it and calls
//!    [`Batch::ack`], which removes the window and saves durably.
//! 5. **Replay** on start (and after an ambiguous read): if windows are outstanding, read
//!    non-destructively `[min(started) − margin, max(now, max(finished)) + margin]` (margin
//!    default 2 min: clock skew between us and athena, athena's one-second resolution, the
//!    repeated hour at the DST fall-back) and hand it out as one replay batch whose ack
//!    removes all those windows. If the process dies again first, the windows are still there.
//!
//! A crash at any point leaves either an outstanding window that covers the read (so the
//! replay re-delivers it) or an acknowledged one (the consumer had it). Delivery is therefore
//! **at-least-once**: replays re-deliver acknowledged changes processed within the margin and
//! unacknowledged ones that were already processed by the consumer. Every event has an
//! [`IdempotencyKey`] derived from feed + athena's record id + change marker + a digest of the
//! record (never from arrival order or read time), so [`Deduper`] (bounded, in memory) or the
//! consumer's own store drops repeats.
//!
//! Limits: athena keeps processed messages "for a short period of time only"; a process down
//! longer than that cannot replay (a warning is logged for windows over 3 days). athena's
//! replay read must be able to return the whole window: it is paged with `limit=5000` and
//! `offset`. Two workers must not poll the same practice × feed × filter at once (see
//! [`CheckpointStore`] for leases).
//!
//! Checkpoints hold timestamps and counters only, never records: no PHI on disk.
//!
//! ```no_run
//! use std::sync::Arc;
//! use athena_subscriptions::{Feed, FileCheckpointStore, Poller, AutoSubscribe};
//! use futures::StreamExt;
//!
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! let client = athena_core::Client::from_env()?;
//! let store = Arc::new(FileCheckpointStore::open("/var/lib/myapp/athena-checkpoints")?);
//! let practice = athena_core::PracticeId::new(195900);
//! let mut poller = Poller::builder(client, store)
//!     .feed(practice, Feed::APPOINTMENTS)
//!     .feed(practice, Feed::PATIENTS)
//!     .feed(practice, Feed::CLAIMS)
//!     .auto_subscribe(AutoSubscribe::AllEvents)
//!     .start();
//! let mut dedupe = athena_subscriptions::Deduper::new(100_000);
//! while let Some(batch) = poller.next().await {
//!     // A per-feed failure names its practice and feed; polling goes on after a back-off.
//!     let batch = match batch { Ok(b) => b, Err(e) => { eprintln!("{e}"); continue } };
//!     for event in batch.events.iter().filter(|e| dedupe.first_time(&e.key)) {
//!         println!("{} {:?}", event.key, event.record_id);
//!     }
//!     batch.ack().await?;
//! }
//! # Ok(()) }
//! ```
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod checkpoint;
pub mod error;
pub mod event;
pub mod feed;
pub mod manage;
pub mod poller;
pub mod push;
#[cfg(feature = "webhook-server")]
pub mod webhook_server;

pub use checkpoint::{
    Checkpoint, CheckpointStore, FileCheckpointStore, MemoryCheckpointStore, ReadWindow,
};
pub use error::{Error, ErrorKind, Result};
pub use event::{ChangeEvent, Deduper, IdempotencyKey, Origin};
pub use feed::{Feed, FeedKind, PollInterval};
pub use manage::{
    FeedSubscription, SETUP_REQUIRED, SubscriptionState, SubscriptionStatus, is_setup_required,
};
pub use poller::{
    AutoSubscribe, Batch, FeedTarget, Poller, PollerBuilder, PollerHandle, replay_query,
};

/// Recorded fixtures for unit tests, read at run time from `../shared/fixtures` beside the
/// repository (never at compile time: a fresh clone without it must build and test).
#[cfg(test)]
pub(crate) mod test_fixtures {
    /// The text of `shared/fixtures/{relative}`, or `None` with a printed notice when the
    /// file is absent (the calling test then skips).
    pub(crate) fn shared(relative: &str) -> Option<String> {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../../shared/fixtures")
            .join(relative);
        match std::fs::read_to_string(&path) {
            Ok(text) => Some(text),
            Err(_) => {
                println!("notice: {} is absent; skipping", path.display());
                None
            }
        }
    }
}
