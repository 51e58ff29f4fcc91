//! The poller: a bounded `Stream` of acknowledged-or-replayed batches per practice × feed.

use std::fmt;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use athena_core::codec::tz::eastern_feed_timestamp;
use athena_core::{Client, DepartmentId, Practice, PracticeId};
use chrono::{DateTime, Utc};
use futures::Stream;
use http::Method;
use serde_json::Value;
use tokio::sync::{Mutex, mpsc, watch};
use tokio::task::JoinHandle;

use crate::checkpoint::{Checkpoint, CheckpointStore, StoreError};
use crate::event::{ChangeEvent, Origin};
use crate::feed::{Feed, PollInterval};
use crate::manage::{FeedSubscription, Tail, csv, feed_request, is_setup_required};

/// What to do when athena answers 403 "Changed messages require setup (subscription)…".
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum AutoSubscribe {
    /// Report the error (default).
    #[default]
    Off,
    /// Subscribe to all default events, then read again.
    AllEvents,
    /// Subscribe to these events (one POST each), then read again.
    Events(Vec<&'static str>),
}

/// One practice × feed to poll.
#[derive(Debug, Clone)]
pub struct FeedTarget {
    /// The practice.
    pub practice: PracticeId,
    /// The feed.
    pub feed: Feed,
    /// `departmentid` filter (required by the appointments feed; when empty there, the
    /// poller reads the practice's departments once and uses all of them).
    pub departments: Vec<DepartmentId>,
    /// Cadence (default: [`Feed::default_interval`]).
    pub interval: PollInterval,
    /// Extra query parameters (`showpatientdetail`, `returnglobalid`, …).
    pub query: Vec<(&'static str, String)>,
}

impl FeedTarget {
    /// `feed` of `practice` at the feed's default cadence.
    pub fn new(practice: PracticeId, feed: Feed) -> Self {
        FeedTarget {
            practice,
            feed,
            departments: Vec::new(),
            interval: feed.default_interval(),
            query: Vec::new(),
        }
    }

    /// Filters by departments.
    pub fn departments(mut self, ids: impl IntoIterator<Item = DepartmentId>) -> Self {
        self.departments = ids.into_iter().collect();
        self
    }

    /// Sets the cadence.
    pub fn interval(mut self, interval: PollInterval) -> Self {
        self.interval = interval;
        self
    }

    /// Adds a query parameter to every read.
    pub fn query(mut self, key: &'static str, value: impl fmt::Display) -> Self {
        self.query.push((key, value.to_string()));
        self
    }

    /// The checkpoint key: `{practice}/{feed path}[/departmentid=1,2]`. Filters change what a
    /// replay returns, so they are part of the key.
    pub fn checkpoint_key(&self) -> String {
        let mut key = format!("{}/{}", self.practice, self.feed.path);
        if !self.departments.is_empty() {
            key.push_str("/departmentid=");
            key.push_str(&csv(&self.departments));
        }
        for (k, v) in &self.query {
            key.push_str(&format!("/{k}={v}"));
        }
        key
    }
}

/// A poll failed; polling of that feed goes on after a back-off.
#[derive(Debug)]
pub struct FeedError {
    /// The practice.
    pub practice: PracticeId,
    /// The feed.
    pub feed: Feed,
    /// What failed.
    pub error: Error,
}

impl fmt::Display for FeedError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "practice {} feed {}: {}",
            self.practice, self.feed.path, self.error
        )
    }
}

impl std::error::Error for FeedError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.error)
    }
}

/// Why a poll or an acknowledgement failed.
#[derive(Debug)]
pub enum Error {
    /// athena (or the network) failed.
    Api(athena_core::Error),
    /// The checkpoint store failed.
    Store(StoreError),
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Api(e) => write!(f, "{e}"),
            Error::Store(e) => write!(f, "{e}"),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Api(e) => Some(e),
            Error::Store(e) => Some(e),
        }
    }
}

/// The durable state of one target, shared by its poll task and the acks of its batches.
struct FeedState {
    key: String,
    store: Arc<dyn CheckpointStore>,
    checkpoint: Mutex<Checkpoint>,
}

impl fmt::Debug for FeedState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FeedState").field("key", &self.key).finish()
    }
}

impl FeedState {
    async fn update(&self, f: impl FnOnce(&mut Checkpoint)) -> Result<(), StoreError> {
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
    state: Arc<FeedState>,
    windows: Vec<u64>,
}

impl Batch {
    /// Acknowledges the batch: its read window no longer needs a replay. Durable when it
    /// returns `Ok`.
    pub async fn ack(self) -> Result<(), StoreError> {
        let ids = self.windows;
        self.state.update(|cp| cp.acknowledge(&ids)).await
    }
}

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

#[derive(Debug)]
struct Config {
    margin: Duration,
    auto_subscribe: AutoSubscribe,
    limit: u32,
    error_backoff: Duration,
}

/// A running poller: a `Stream` of batches (and of per-feed errors, after which polling goes
/// on). The stream ends after [`PollerHandle::shutdown`] once every task has delivered what it
/// had read.
#[derive(Debug)]
pub struct Poller {
    rx: mpsc::Receiver<Result<Batch, FeedError>>,
    handle: PollerHandle,
}

impl Poller {
    /// A poller over `client` (its rate limiter, token cache and retry budget are shared by
    /// every feed) with checkpoints in `store`.
    pub fn builder(client: Client, store: Arc<dyn CheckpointStore>) -> PollerBuilder {
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

    /// A handle to stop the poller (cloneable, usable while the stream is being consumed).
    pub fn handle(&self) -> PollerHandle {
        self.handle.clone()
    }
}

impl Stream for Poller {
    type Item = Result<Batch, FeedError>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.rx.poll_recv(cx)
    }
}

/// Stops a [`Poller`].
#[derive(Debug, Clone)]
pub struct PollerHandle {
    stop: Arc<watch::Sender<bool>>,
    tasks: Arc<std::sync::Mutex<Vec<JoinHandle<()>>>>,
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

struct Worker {
    practice: Practice,
    target: FeedTarget,
    state: Arc<FeedState>,
    cfg: Arc<Config>,
    tx: mpsc::Sender<Result<Batch, FeedError>>,
    stop: watch::Receiver<bool>,
    subscribed: bool,
}

enum Step {
    /// Changes may be pending: poll again at once.
    More,
    /// Read finished with `n` items.
    Done(usize),
    /// The consumer is gone.
    Closed,
}

impl Worker {
    fn now(&self) -> DateTime<Utc> {
        DateTime::<Utc>::from(self.practice.client().runtime().clock.system_now())
    }

    fn stopping(&self) -> bool {
        *self.stop.borrow()
    }

    /// Sleeps `d` unless shutdown comes first; `true` if shutting down.
    async fn pause(&mut self, d: Duration) -> bool {
        if self.stopping() {
            return true;
        }
        let sleep = self.practice.client().runtime().sleeper.sleep(d);
        tokio::select! {
            _ = sleep => self.stopping(),
            _ = self.stop.changed() => true,
        }
    }

    async fn report(&self, error: Error) -> bool {
        tracing::warn!(practice = %self.target.practice, feed = self.target.feed.path, %error, "feed poll failed");
        self.tx
            .send(Err(FeedError {
                practice: self.target.practice,
                feed: self.target.feed,
                error,
            }))
            .await
            .is_ok()
    }

    async fn run(mut self) {
        // 1. Load the checkpoint; nothing is read destructively before this succeeds.
        loop {
            match self.state.store.load(&self.state.key).await {
                Ok(cp) => {
                    *self.state.checkpoint.lock().await = cp.unwrap_or_default();
                    break;
                }
                Err(e) => {
                    if !self.report(Error::Store(e)).await
                        || self.pause(self.cfg.error_backoff).await
                    {
                        return;
                    }
                }
            }
        }
        if self.target.feed.requires_department && self.target.departments.is_empty() {
            loop {
                match self.all_departments().await {
                    Ok(ids) => {
                        self.target.departments = ids;
                        break;
                    }
                    Err(e) => {
                        if !self.report(Error::Api(e)).await
                            || self.pause(self.cfg.error_backoff).await
                        {
                            return;
                        }
                    }
                }
            }
        }
        // 2. Replay whatever a previous process read and did not get acknowledged.
        if !self.replay_outstanding().await {
            return;
        }
        // 3. Poll.
        let mut empty_polls = 0u32;
        while !self.stopping() {
            match self.poll_once().await {
                Ok(Step::More) => continue,
                Ok(Step::Closed) => return,
                Ok(Step::Done(n)) => {
                    empty_polls = if n == 0 {
                        empty_polls.saturating_add(1)
                    } else {
                        0
                    };
                    let wait = self.target.interval.after(empty_polls.saturating_sub(1));
                    if self.pause(wait).await {
                        break;
                    }
                }
                Err(e) => {
                    let ambiguous = matches!(&e, Error::Api(a) if a.kind().is_ambiguous_for_poll());
                    if !self.report(e).await {
                        return;
                    }
                    if self.pause(self.cfg.error_backoff).await {
                        break;
                    }
                    // A read that may have reached athena is recovered in-process.
                    if ambiguous && !self.replay_outstanding().await {
                        return;
                    }
                }
            }
        }
    }

    async fn all_departments(&self) -> athena_core::Result<Vec<DepartmentId>> {
        let req = self
            .practice
            .request(Method::GET, "/v1/{practiceid}/departments");
        let page = self
            .practice
            .client()
            .fetch_page::<Value>(&req, "departments")
            .await?;
        Ok(page
            .items()
            .iter()
            .filter_map(|d| match d.get("departmentid")? {
                Value::String(s) => s.trim().parse().ok(),
                Value::Number(n) => n.as_u64(),
                _ => None,
            })
            .map(DepartmentId::new)
            .collect())
    }

    fn read_request(&self) -> athena_core::Request {
        // A destructive read: athena marks what it returns as processed. If an answer is lost
        // after the request reached athena, a transparent retry would return only what is
        // left and the lost records would never be delivered. So the transport must not
        // retry it (rate-limit refusals are still retried: they were not processed); the
        // poller sees the failure, keeps the window and replays it by processed time.
        let mut req = feed_request(&self.practice, self.target.feed, Method::GET, Tail::Changed)
            .retry_safety(athena_core::RetrySafety::NotIdempotent);
        if !self.target.departments.is_empty() {
            req = req.query("departmentid", csv(&self.target.departments));
        }
        for (k, v) in &self.target.query {
            req = req.query(*k, v);
        }
        req
    }

    async fn replay_outstanding(&mut self) -> bool {
        loop {
            let (ids, window) = {
                let cp = self.state.checkpoint.lock().await;
                let ids: Vec<u64> = cp.outstanding.iter().map(|w| w.id).collect();
                (ids, cp.replay_window(self.now(), self.cfg.margin))
            };
            let Some((from, to)) = window else {
                return true;
            };
            match self.replay(from, to).await {
                Ok(events) => {
                    if events.is_empty() {
                        if let Err(e) = self.state.update(|cp| cp.acknowledge(&ids)).await
                            && !self.report(Error::Store(e)).await
                        {
                            return false;
                        }
                        return true;
                    }
                    let batch = Batch {
                        practice: self.target.practice,
                        feed: self.target.feed,
                        events,
                        replay: true,
                        state: self.state.clone(),
                        windows: ids,
                    };
                    return self.tx.send(Ok(batch)).await.is_ok();
                }
                Err(e) => {
                    if !self.report(Error::Api(e)).await || self.pause(self.cfg.error_backoff).await
                    {
                        return false;
                    }
                }
            }
        }
    }

    /// Non-destructive read of `[from, to]` (US/Eastern on the wire), paged by `offset`.
    async fn replay(
        &self,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> athena_core::Result<Vec<ChangeEvent>> {
        if to - from > chrono::Duration::days(3) {
            tracing::warn!(
                feed = self.target.feed.path,
                "replay window longer than 3 days: athena may have deleted old messages"
            );
        }
        let limit = 5000usize;
        let mut out = Vec::new();
        let mut offset = 0usize;
        loop {
            let (start, end) = replay_query(from, to);
            let mut req = self
                .read_request()
                .query("showprocessedstartdatetime", start)
                .query("showprocessedenddatetime", end)
                .query("limit", limit);
            if offset > 0 {
                req = req.query("offset", offset);
            }
            let page = self
                .practice
                .client()
                .fetch_page::<Value>(&req, self.target.feed.item_key)
                .await?;
            let total = page.total_count().map(|t| t as usize);
            let items = page.into_items();
            let n = items.len();
            out.extend(items.into_iter().map(|item| {
                ChangeEvent::from_feed_item(
                    self.target.practice,
                    self.target.feed,
                    item,
                    Origin::Replay { from, to },
                )
            }));
            offset += n;
            if n < limit || total.is_none_or(|t| offset >= t) {
                return Ok(out);
            }
        }
    }

    async fn poll_once(&mut self) -> Result<Step, Error> {
        // Intent: durable BEFORE the destructive read.
        let started = self.now();
        let mut id = 0;
        self.state
            .update(|cp| id = cp.open(started))
            .await
            .map_err(Error::Store)?;
        let page = match self.read().await {
            Ok(page) => page,
            Err(e) => {
                if !e.kind().is_ambiguous_for_poll() {
                    // athena answered with an error: nothing was marked processed.
                    let _ = self.state.update(|cp| cp.acknowledge(&[id])).await;
                }
                return Err(Error::Api(e));
            }
        };
        let finished = self.now();
        let total = page.total_count().map(|t| t as usize);
        let items = page.into_items();
        let n = items.len();
        if n == 0 {
            // Nothing was read. (A failed save only costs an empty replay later.)
            let _ = self.state.update(|cp| cp.acknowledge(&[id])).await;
            return Ok(Step::Done(0));
        }
        // Record the batch (count, read time) BEFORE handing it out. The intent alone already
        // covers it, so a failed save here does not hold the batch back.
        if let Err(e) = self
            .state
            .update(|cp| cp.finish(id, finished, n as u64))
            .await
            && !self.report(Error::Store(e)).await
        {
            return Ok(Step::Closed);
        }
        let batch = Batch {
            practice: self.target.practice,
            feed: self.target.feed,
            events: items
                .into_iter()
                .map(|item| {
                    ChangeEvent::from_feed_item(
                        self.target.practice,
                        self.target.feed,
                        item,
                        Origin::Poll { read_at: started },
                    )
                })
                .collect(),
            replay: false,
            state: self.state.clone(),
            windows: vec![id],
        };
        if self.tx.send(Ok(batch)).await.is_err() {
            return Ok(Step::Closed);
        }
        if total.is_some_and(|t| t > n) && !self.stopping() {
            Ok(Step::More)
        } else {
            Ok(Step::Done(n))
        }
    }

    async fn read(&mut self) -> athena_core::Result<athena_core::Page<Value>> {
        let req = self.read_request().query("limit", self.cfg.limit);
        let client = self.practice.client().clone();
        match client
            .fetch_page::<Value>(&req, self.target.feed.item_key)
            .await
        {
            Err(e)
                if is_setup_required(&e)
                    && !self.subscribed
                    && self.cfg.auto_subscribe != AutoSubscribe::Off =>
            {
                let sub = FeedSubscription::new(&self.practice, self.target.feed);
                match &self.cfg.auto_subscribe {
                    AutoSubscribe::Events(events) => sub.subscribe(events).await?,
                    _ => sub.subscribe_all().await?,
                }
                self.subscribed = true;
                tracing::info!(
                    feed = self.target.feed.path,
                    "auto-subscribed after athena's setup-required answer"
                );
                client
                    .fetch_page::<Value>(&req, self.target.feed.item_key)
                    .await
            }
            other => other,
        }
    }
}

/// The `showprocessedstartdatetime`/`showprocessedenddatetime` values (US/Eastern
/// `MM/DD/YYYY HH:MM:SS`) for the instants `[from, to]`.
///
/// athena compares Eastern wall-clock times, which run backwards for an hour at the DST
/// fall-back: `[01:50 EDT, 01:10 EST]` would be an empty wall-clock range. When the UTC offset
/// differs between `from` and `to`, the range is widened by one hour on each side, which
/// covers every wall-clock time the instants in between can have.
pub fn replay_query(from: DateTime<Utc>, to: DateTime<Utc>) -> (String, String) {
    use athena_core::codec::tz::EASTERN;
    use chrono::Offset;
    let offset = |t: DateTime<Utc>| t.with_timezone(&EASTERN).offset().fix();
    if offset(from) == offset(to) {
        (eastern_feed_timestamp(from), eastern_feed_timestamp(to))
    } else {
        let hour = chrono::Duration::hours(1);
        let lo = from.with_timezone(&EASTERN).naive_local() - hour;
        let hi = to.with_timezone(&EASTERN).naive_local() + hour;
        let fmt = "%m/%d/%Y %H:%M:%S";
        (lo.format(fmt).to_string(), hi.format(fmt).to_string())
    }
}

/// Whether a failed read may still have been processed by athena.
trait Ambiguous {
    fn is_ambiguous_for_poll(&self) -> bool;
}

impl Ambiguous for athena_core::ErrorKind {
    fn is_ambiguous_for_poll(&self) -> bool {
        use athena_core::ErrorKind as K;
        // The request may have reached athena and the answer been lost (or unreadable).
        matches!(self, K::Timeout | K::Transport | K::Decode | K::Server)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use athena_core::PracticeId;

    use chrono::TimeZone;

    fn utc(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, mo, d, h, mi, 0).unwrap()
    }

    #[test]
    fn replay_query_is_eastern_wall_clock() {
        // Summer (EDT, UTC-4) and winter (EST, UTC-5).
        assert_eq!(
            replay_query(utc(2024, 7, 1, 16, 0), utc(2024, 7, 1, 16, 5)),
            ("07/01/2024 12:00:00".into(), "07/01/2024 12:05:00".into())
        );
        assert_eq!(
            replay_query(utc(2024, 1, 15, 17, 0), utc(2024, 1, 15, 17, 30)),
            ("01/15/2024 12:00:00".into(), "01/15/2024 12:30:00".into())
        );
    }

    #[test]
    fn replay_query_across_fall_back_covers_the_repeated_hour() {
        // 05:50Z = 01:50 EDT; 06:10Z = 01:10 EST. Naively the range would be backwards.
        let (from, to) = (utc(2024, 11, 3, 5, 50), utc(2024, 11, 3, 6, 10));
        assert_eq!(eastern_feed_timestamp(from), "11/03/2024 01:50:00");
        assert_eq!(eastern_feed_timestamp(to), "11/03/2024 01:10:00");
        let (s, e) = replay_query(from, to);
        assert_eq!(
            (s.as_str(), e.as_str()),
            ("11/03/2024 00:50:00", "11/03/2024 02:10:00")
        );
        // Every instant in the window has a wall-clock time inside [s, e].
        let fmt = "%m/%d/%Y %H:%M:%S";
        let lo = chrono::NaiveDateTime::parse_from_str(&s, fmt).unwrap();
        let hi = chrono::NaiveDateTime::parse_from_str(&e, fmt).unwrap();
        let mut t = from;
        while t <= to {
            let wall = t
                .with_timezone(&athena_core::codec::tz::EASTERN)
                .naive_local();
            assert!(lo <= wall && wall <= hi, "{t}");
            // The parsed form resolves inside the widened range too.
            let back =
                athena_core::codec::tz::parse_eastern_feed_timestamp(&eastern_feed_timestamp(t))
                    .unwrap();
            assert!(back <= t);
            t += chrono::Duration::minutes(1);
        }
    }

    #[test]
    fn replay_query_across_spring_forward() {
        // 06:50Z = 01:50 EST; 07:10Z = 03:10 EDT (02:xx does not exist).
        let (s, e) = replay_query(utc(2024, 3, 10, 6, 50), utc(2024, 3, 10, 7, 10));
        assert_eq!(
            (s.as_str(), e.as_str()),
            ("03/10/2024 00:50:00", "03/10/2024 04:10:00")
        );
        assert_eq!(
            athena_core::codec::tz::parse_eastern_feed_timestamp("03/10/2024 03:10:00").unwrap(),
            utc(2024, 3, 10, 7, 10)
        );
    }

    #[test]
    fn checkpoint_key_includes_filters() {
        let t = FeedTarget::new(PracticeId::new(195900), Feed::APPOINTMENTS)
            .departments([DepartmentId::new(1), DepartmentId::new(2)]);
        assert_eq!(t.checkpoint_key(), "195900/appointments/departmentid=1,2");
        let t =
            FeedTarget::new(PracticeId::new(1), Feed::PROBLEMS).query("showpatientdetail", true);
        assert_eq!(
            t.checkpoint_key(),
            "1/chart/healthhistory/problems/showpatientdetail=true"
        );
    }
}
