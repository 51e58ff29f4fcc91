//! `athena feed …`: athena's changed-data feeds through athena-subscriptions — subscribe,
//! status, unsubscribe, and a checkpointed poll (once, or `--follow`).

use std::sync::Arc;
use std::time::Duration;

use athena_core::{DepartmentId, ErrorKind, Practice, Request};
use athena_rest::prelude::*;
use athena_subscriptions::{
    AutoSubscribe, Batch, CheckpointStore, Feed, FeedSubscription, FeedTarget, FileCheckpointStore,
    MemoryCheckpointStore, PollInterval, Poller,
};
use futures::StreamExt;
use serde_json::{Value, json};

use crate::args::{FeedArgs, FeedCommand, PollArgs};
use crate::output::{Closed, err_line, out, print_json};
use crate::{Failure, usage};

/// Runs one `feed` command.
pub(crate) async fn run(
    json: bool,
    practice: &Practice,
    command: FeedCommand,
) -> Result<(), Failure> {
    match command {
        FeedCommand::List => list()?,
        FeedCommand::Subscribe(args) => {
            subscription(practice, &args)?.subscribe_all().await?;
            out(&format!("subscribed to {}\n", args.feed))?;
        }
        FeedCommand::Unsubscribe(args) => {
            subscription(practice, &args)?.unsubscribe_all().await?;
            out(&format!("unsubscribed from {}\n", args.feed))?;
        }
        FeedCommand::Status(args) => {
            let status = subscription(practice, &args)?.status().await?;
            if json {
                print_json(&json!({"status": status.raw_status, "events": status.events}))?;
            } else {
                out(&format!(
                    "{}: {} ({})\n",
                    args.feed,
                    status.raw_status,
                    status.events.join(", ")
                ))?;
            }
        }
        FeedCommand::Poll(args) => poll(json, practice, &args).await?,
    }
    Ok(())
}

/// `feed list`: the feeds this command knows, and their events (no call to athena).
pub(crate) fn list() -> Result<(), Failure> {
    let mut text = String::from("FEED  (events)\n");
    for f in Feed::ALL {
        text.push_str(&format!("{}  ({})\n", f.path, f.events.join(", ")));
    }
    Ok(out(&text)?)
}

/// The listed feed at `path`.
fn feed(path: &str) -> Result<Feed, Failure> {
    Feed::by_path(path.trim_matches('/')).ok_or_else(|| {
        usage(format!(
            "unknown feed `{path}` (`athena feed list` shows the feeds)"
        ))
    })
}

fn departments(args: &FeedArgs) -> Vec<DepartmentId> {
    args.departments
        .iter()
        .map(|d| DepartmentId::new(*d))
        .collect()
}

fn subscription(practice: &Practice, args: &FeedArgs) -> Result<FeedSubscription, Failure> {
    Ok(FeedSubscription::new(practice, feed(&args.feed)?).departments(departments(args)))
}

/// How many changes wait on the feed (a non-destructive peek, `leaveunprocessed=true`).
async fn pending(practice: &Practice, feed: Feed, depts: &[DepartmentId]) -> Result<u64, Failure> {
    // One path parameter per segment: the route stays a static template and the slashes of
    // `chart/healthhistory/problems` are not percent-encoded.
    let segments: Vec<&str> = feed.path.split('/').collect();
    let route = match segments.len() {
        1 => "/v1/{practiceid}/{f1}/changed",
        2 => "/v1/{practiceid}/{f1}/{f2}/changed",
        3 => "/v1/{practiceid}/{f1}/{f2}/{f3}/changed",
        _ => return Err(usage(format!("unsupported feed path `{}`", feed.path))),
    };
    let mut req = Request::get(route).path_param("practiceid", practice.id());
    for (name, seg) in ["f1", "f2", "f3"].iter().zip(&segments) {
        req = req.path_param(name, seg);
    }
    let mut req = req.query("leaveunprocessed", "true").query("limit", "1");
    let mut depts: Vec<DepartmentId> = depts.to_vec();
    if feed.requires_department && depts.is_empty() {
        let page = practice.departments().list().send().await?;
        depts = page.items().iter().filter_map(|d| d.departmentid).collect();
    }
    if !depts.is_empty() {
        let csv: Vec<String> = depts.iter().map(ToString::to_string).collect();
        req = req.query("departmentid", csv.join(","));
    }
    let body: Value = practice.client().send_json(&req).await?;
    Ok(match body.get("totalcount") {
        Some(Value::Number(n)) => n.as_u64().unwrap_or(0),
        Some(Value::String(s)) => s.trim().parse().unwrap_or(0),
        _ => body
            .get(feed.item_key)
            .and_then(Value::as_array)
            .map_or(0, |a| a.len() as u64),
    })
}

/// `feed poll`: reads through a [`Poller`] (checkpoint saved before a batch is printed,
/// acknowledged after), once or until Ctrl-C / SIGTERM with `--follow`.
async fn poll(json: bool, practice: &Practice, args: &PollArgs) -> Result<(), Failure> {
    let feed = feed(&args.feed.feed)?;
    let depts = departments(&args.feed);
    let store: Arc<dyn CheckpointStore> = match &args.checkpoint {
        Some(dir) => Arc::new(
            FileCheckpointStore::open(dir)
                .map_err(|e| Failure::Other(format!("cannot use the checkpoint folder: {e}")))?,
        ),
        None => Arc::new(MemoryCheckpointStore::new()),
    };
    if args.subscribe {
        FeedSubscription::new(practice, feed)
            .departments(depts.clone())
            .subscribe_all()
            .await?;
    }
    // Once: learn how much waits, so the command can stop after reading it.
    let waiting = if args.follow {
        None
    } else {
        match pending(practice, feed, &depts).await {
            Ok(n) => Some(n),
            Err(Failure::Api(e)) if e.kind() == ErrorKind::Forbidden => {
                return Err(Failure::Other(format!(
                    "the {feed} feed requires setup: run `athena feed subscribe {feed}` (or \
                     poll with --subscribe), and make sure the app may use it ({e})"
                )));
            }
            Err(e) => return Err(e),
        }
    };
    let interval = Duration::from_secs(args.interval);
    let mut target = FeedTarget::new(practice.id(), feed).interval(PollInterval::fixed(interval));
    if !depts.is_empty() {
        target = target.departments(depts);
    }
    let mut poller = Poller::builder(practice.client().clone(), store)
        .target(target)
        .auto_subscribe(if args.subscribe {
            AutoSubscribe::AllEvents
        } else {
            AutoSubscribe::Off
        })
        .error_backoff(interval)
        .start();
    let handle = poller.handle();
    if waiting == Some(0) {
        // Nothing new: only what an earlier run left unacknowledged is replayed.
        handle.shutdown();
    }
    let mut printer = Printer {
        json,
        header: false,
    };
    // Without --follow, a peek that promised changes the read did not find must not hang.
    let quiet_limit = interval.saturating_mul(3).max(Duration::from_secs(30));
    let stop = shutdown_signal();
    tokio::pin!(stop);
    let mut stopping = waiting == Some(0);
    let mut failure = None;
    loop {
        let next = tokio::select! {
            item = poller.next() => item,
            () = &mut stop, if !stopping => {
                stopping = true;
                handle.shutdown();
                continue;
            }
            () = tokio::time::sleep(quiet_limit), if !args.follow && !stopping => {
                stopping = true;
                handle.shutdown();
                continue;
            }
        };
        let Some(item) = next else { break };
        match item {
            Ok(batch) => {
                let fresh = !batch.replay;
                if printer.batch(&batch).is_err() {
                    // Nobody reads what we print: keep the batch unacknowledged (a file
                    // checkpoint replays it next time) and stop.
                    failure = Some(Failure::Closed);
                    handle.shutdown();
                    stopping = true;
                    continue;
                }
                if failure.is_none() {
                    batch
                        .ack()
                        .await
                        .map_err(|e| Failure::Other(format!("cannot save the checkpoint: {e}")))?;
                }
                if fresh && !args.follow && !stopping {
                    stopping = true;
                    handle.shutdown();
                }
            }
            Err(e) => {
                let text = e.to_string();
                if args.follow {
                    err_line(&format!("athena: {feed}: {text} (polling goes on)"));
                } else {
                    failure.get_or_insert(Failure::Other(format!("{feed}: {text}")));
                    stopping = true;
                    handle.shutdown();
                }
            }
        }
    }
    if let Some(f) = failure {
        return Err(f);
    }
    if !json && !printer.header {
        out("(no changes)\n")?;
    }
    Ok(())
}

/// Prints events as they come: one line per event (`--json`: one JSON object per line).
struct Printer {
    json: bool,
    header: bool,
}

impl Printer {
    fn batch(&mut self, batch: &Batch) -> Result<(), Closed> {
        let mut text = String::new();
        for e in &batch.events {
            if self.json {
                let line = json!({
                    "key": e.key.as_str(),
                    "feed": batch.feed.path,
                    "record": e.record_id,
                    "replay": batch.replay,
                    "item": e.item,
                });
                text.push_str(&line.to_string());
                text.push('\n');
            } else {
                if !self.header {
                    text.push_str("FEED  RECORD  KEY\n");
                    self.header = true;
                }
                text.push_str(&format!(
                    "{}  {}  {}{}\n",
                    batch.feed.path,
                    e.record_id.as_deref().unwrap_or("-"),
                    e.key.as_str(),
                    if batch.replay { "  (replay)" } else { "" }
                ));
            }
        }
        if text.is_empty() { Ok(()) } else { out(&text) }
    }
}

/// Resolves on Ctrl-C or SIGTERM.
async fn shutdown_signal() {
    crate::serve::shutdown_signal().await;
}
