//! Crash test: a child process polling the sandbox is killed with SIGKILL at random points
//! while changes are generated; afterwards every generated change was delivered at least once.
//!
//! The child is this test binary re-invoked with `ATHENA_CRASH_CHILD=1` (test `crash::crash_child`).
//! It polls every generated feed with the file checkpoint store and appends each delivered
//! idempotency key to a file (fsync) before acknowledging.

use std::collections::HashSet;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use athena_core::{Client, PracticeId};
use athena_subscriptions::{
    Feed, FeedSubscription, FeedTarget, FileCheckpointStore, IdempotencyKey, PollInterval, Poller,
    replay_query,
};
use athena_testkit::Sandbox;
use futures::StreamExt;
use serde_json::Value;

const FEEDS: [Feed; 9] = [
    Feed::PATIENTS,
    Feed::PROBLEMS,
    Feed::APPOINTMENTS,
    Feed::CLAIMS,
    Feed::LAB_RESULTS,
    Feed::ALLERGIES,
    Feed::MEDICATIONS,
    Feed::PROVIDERS,
    Feed::PRESCRIPTIONS,
];

fn env(name: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| panic!("{name} unset"))
}

/// Drops a torn last line left by a kill in the middle of a write.
fn truncate_to_last_newline(path: &Path) {
    if let Ok(bytes) = std::fs::read(path) {
        let keep = bytes.iter().rposition(|b| *b == b'\n').map_or(0, |i| i + 1);
        if keep != bytes.len() {
            let f = std::fs::OpenOptions::new().write(true).open(path).unwrap();
            f.set_len(keep as u64).unwrap();
            f.sync_all().unwrap();
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn crash_child() {
    if std::env::var("ATHENA_CRASH_CHILD").is_err() {
        return; // Only runs when re-invoked by `sigkill_at_random_points_loses_nothing`.
    }
    let client = Client::builder()
        .base_url(env("CHILD_BASE_URL"))
        .client_credentials(env("CHILD_CLIENT_ID"), env("CHILD_CLIENT_SECRET"))
        .build()
        .unwrap();
    let pid = PracticeId::new(env("CHILD_PRACTICE").parse().unwrap());
    let keys_path = PathBuf::from(env("CHILD_KEYS"));
    truncate_to_last_newline(&keys_path);
    let store = Arc::new(FileCheckpointStore::open(env("CHILD_CHECKPOINTS")).unwrap());
    let mut builder = Poller::builder(client, store)
        .replay_margin(Duration::from_secs(2))
        .error_backoff(Duration::from_millis(50))
        .capacity(2);
    for feed in FEEDS {
        builder = builder.target(
            FeedTarget::new(pid, feed).interval(PollInterval::fixed(Duration::from_millis(30))),
        );
    }
    let mut poller = builder.start();
    let mut out = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&keys_path)
        .unwrap();
    while let Some(item) = poller.next().await {
        let Ok(batch) = item else { continue };
        let mut lines = String::new();
        for e in &batch.events {
            lines.push_str(e.key.as_str());
            lines.push('\n');
        }
        out.write_all(lines.as_bytes()).unwrap();
        out.sync_all().unwrap();
        batch.ack().await.unwrap();
    }
}

fn spawn_child(s: &Sandbox, dir: &Path) -> Child {
    Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "crash::crash_child",
            "--nocapture",
            "--test-threads=1",
        ])
        .env("ATHENA_CRASH_CHILD", "1")
        .env("CHILD_BASE_URL", s.base_url())
        .env("CHILD_CLIENT_ID", s.client_id())
        .env("CHILD_CLIENT_SECRET", s.client_secret())
        .env("CHILD_PRACTICE", s.practice_id().to_string())
        .env("CHILD_KEYS", dir.join("keys.txt"))
        .env("CHILD_CHECKPOINTS", dir.join("checkpoints"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap()
}

fn delivered(dir: &Path) -> Vec<String> {
    std::fs::read_to_string(dir.join("keys.txt"))
        .unwrap_or_default()
        .lines()
        .filter(|l| !l.is_empty())
        .map(str::to_string)
        .collect()
}

/// Every change the sandbox marked processed since `since`, as idempotency keys (a
/// non-destructive replay read by the parent).
async fn processed_keys(
    c: &Client,
    pid: PracticeId,
    since: chrono::DateTime<chrono::Utc>,
) -> (usize, HashSet<String>) {
    let practice = c.practice(pid);
    let (from, to) = replay_query(since, chrono::Utc::now() + chrono::Duration::seconds(60));
    let mut records = 0;
    let mut keys = HashSet::new();
    for feed in FEEDS {
        let path = feed.path;
        let route: &'static str = match path.split('/').count() {
            1 => "/v1/{practiceid}/{f1}/changed",
            _ => "/v1/{practiceid}/{f1}/{f2}/{f3}/changed",
        };
        let mut req = practice.request(http::Method::GET, route);
        for (name, seg) in ["f1", "f2", "f3"].iter().zip(path.split('/')) {
            req = req.path_param(name, seg);
        }
        req = req
            .query("showprocessedstartdatetime", &from)
            .query("showprocessedenddatetime", &to)
            .query("limit", 5000);
        if feed.requires_department {
            let depts: Value = c
                .send_json(&practice.request(http::Method::GET, "/v1/{practiceid}/departments"))
                .await
                .unwrap();
            let ids: Vec<String> = depts["departments"]
                .as_array()
                .unwrap()
                .iter()
                .map(|d| {
                    d["departmentid"]
                        .as_str()
                        .map(str::to_string)
                        .unwrap_or_else(|| d["departmentid"].to_string())
                })
                .collect();
            req = req.query("departmentid", ids.join(","));
        }
        let body: Value = c.send_json(&req).await.unwrap();
        let items = body[feed.item_key].as_array().cloned().unwrap_or_default();
        assert!(items.len() < 5000, "ground truth must fit one page");
        records += items.len();
        for item in items {
            keys.insert(
                IdempotencyKey::for_feed_item(pid, &feed, &item)
                    .as_str()
                    .to_string(),
            );
        }
    }
    (records, keys)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigkill_at_random_points_loses_nothing() {
    if std::env::var("ATHENA_CRASH_CHILD").is_ok() {
        return;
    }
    let started = Instant::now();
    let since = chrono::Utc::now() - chrono::Duration::seconds(5);
    // Every child fetches its own token: lift the preview-like 5 tokens/min limit.
    let s = Sandbox::builder()
        .token_rate_limit_per_minute(100_000)
        .start()
        .await;
    let c = Client::builder()
        .base_url(s.base_url())
        .client_credentials(s.client_id(), s.client_secret())
        .build()
        .unwrap();
    let pid = PracticeId::new(s.practice_id());
    for feed in FEEDS {
        FeedSubscription::new(&c.practice(pid), feed)
            .subscribe_all()
            .await
            .unwrap();
    }
    let dir = tempfile::tempdir().unwrap();
    // A small deterministic generator for kill points (no extra dependency).
    let mut rng = 0x9E37_79B9_7F4A_7C15u64 ^ u64::from(std::process::id());
    let mut next = move |bound: u64| {
        rng ^= rng << 13;
        rng ^= rng >> 7;
        rng ^= rng << 17;
        rng % bound
    };
    let runs = 60;
    let mut generated = 0usize;
    for _ in 0..runs {
        let mut child = spawn_child(&s, dir.path());
        // Changes arrive while the child starts, replays and polls; the kill lands anywhere
        // (start-up, replay, intent write, read, batch commit, key append, ack).
        let steps = 1 + next(4);
        for _ in 0..steps {
            generated += s.generate_changes(1 + next(12) as usize);
            tokio::time::sleep(Duration::from_millis(10 + next(120))).await;
        }
        child.kill().unwrap(); // SIGKILL on Unix
        child.wait().unwrap();
    }
    // A final child runs until everything is delivered.
    let mut child = spawn_child(&s, dir.path());
    // A safety cap against a hang, not an expectation of speed: a loaded machine may take
    // long to start the child and drain the feeds, and that is not a bug.
    let deadline = Instant::now() + Duration::from_secs(300);
    let (records, truth) = loop {
        let pending: usize = FEEDS.iter().map(|f| s.pending_changes(f.path)).sum();
        if pending == 0 {
            let (records, truth) = processed_keys(&c, pid, since).await;
            let got: HashSet<String> = delivered(dir.path()).into_iter().collect();
            if truth.is_subset(&got) {
                break (records, truth);
            }
        }
        if Instant::now() > deadline {
            let per: Vec<_> = FEEDS
                .iter()
                .map(|f| (f.path, s.pending_changes(f.path)))
                .collect();
            let (records, truth) = processed_keys(&c, pid, since).await;
            let got: HashSet<String> = delivered(dir.path()).into_iter().collect();
            let missing: Vec<_> = truth.difference(&got).take(5).collect();
            panic!(
                "not delivered in time: pending {per:?}, records {records}, generated {generated}, got {}, missing {} {missing:?}",
                got.len(),
                truth.difference(&got).count()
            );
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    // Let in-flight acks settle, then stop the child.
    tokio::time::sleep(Duration::from_millis(200)).await;
    child.kill().unwrap();
    child.wait().unwrap();

    let all = delivered(dir.path());
    let unique: HashSet<&String> = all.iter().collect();
    assert_eq!(
        records, generated,
        "every generated change was processed by athena"
    );
    let missing: Vec<_> = truth.iter().filter(|k| !unique.contains(k)).collect();
    assert!(missing.is_empty(), "lost: {missing:?}");
    let ratio = all.len() as f64 / unique.len() as f64;
    println!(
        "crash test: {runs} SIGKILLs, {generated} changes generated ({} distinct keys), {} deliveries, {} unique, duplicate ratio {ratio:.3}, {:.1}s",
        truth.len(),
        all.len(),
        unique.len(),
        started.elapsed().as_secs_f64()
    );
}
