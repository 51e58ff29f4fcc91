//! The polling loop of one target: load the checkpoint, replay, then intent → destructive read → record → hand out.

use std::sync::Arc;
use std::time::Duration;

use athena_core::{DepartmentId, Practice};
use chrono::{DateTime, Utc};
use http::Method;
use serde_json::Value;
use tokio::sync::{mpsc, watch};

use super::batch::{Batch, FeedState};
use super::builder::Config;
use super::target::{AutoSubscribe, FeedTarget};
use crate::error::Error;
use crate::event::{ChangeEvent, Origin};
use crate::manage::{FeedSubscription, Tail, csv, feed_request, is_setup_required};

/// The task that polls one target.
pub(super) struct Worker {
    pub(super) practice: Practice,
    pub(super) target: FeedTarget,
    pub(super) state: Arc<FeedState>,
    pub(super) cfg: Arc<Config>,
    pub(super) tx: mpsc::Sender<Result<Batch, Error>>,
    pub(super) stop: watch::Receiver<bool>,
    pub(super) subscribed: bool,
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
    pub(super) fn now(&self) -> DateTime<Utc> {
        DateTime::<Utc>::from(self.practice.client().runtime().clock.system_now())
    }

    fn stopping(&self) -> bool {
        *self.stop.borrow()
    }

    /// Sleeps `d` unless shutdown comes first; `true` if shutting down.
    pub(super) async fn pause(&mut self, d: Duration) -> bool {
        if self.stopping() {
            return true;
        }
        let sleep = self.practice.client().runtime().sleeper.sleep(d);
        tokio::select! {
            _ = sleep => self.stopping(),
            _ = self.stop.changed() => true,
        }
    }

    pub(super) async fn report(&self, error: Error) -> bool {
        let error = error.for_feed(self.target.practice, self.target.feed);
        tracing::warn!(practice = %self.target.practice, feed = self.target.feed.path, %error, "feed poll failed");
        self.tx.send(Err(error)).await.is_ok()
    }

    pub(super) async fn run(mut self) {
        // 1. Load the checkpoint; nothing is read destructively before this succeeds.
        loop {
            match self.state.store.load(&self.state.key).await {
                Ok(cp) => {
                    *self.state.checkpoint.lock().await = cp.unwrap_or_default();
                    break;
                }
                Err(e) => {
                    if !self.report(e).await || self.pause(self.cfg.error_backoff).await {
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
                        if !self.report(Error::from(e)).await
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
                    let ambiguous = e.core_kind().is_some_and(|k| k.is_ambiguous_for_poll());
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

    pub(super) fn read_request(&self) -> athena_core::Request {
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

    async fn poll_once(&mut self) -> Result<Step, Error> {
        // Intent: durable BEFORE the destructive read.
        let started = self.now();
        let mut id = 0;
        self.state.update(|cp| id = cp.open(started)).await?;
        let page = match self.read().await {
            Ok(page) => page,
            Err(e) => {
                if !e.kind().is_ambiguous_for_poll() {
                    // athena answered with an error: nothing was marked processed.
                    let _ = self.state.update(|cp| cp.acknowledge(&[id])).await;
                }
                return Err(Error::from(e));
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
            && !self.report(e).await
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
