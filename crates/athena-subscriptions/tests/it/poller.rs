//! The poller and subscription management against the testkit sandbox.

use std::sync::Arc;
use std::time::Duration;

use athena_core::{Client, PracticeId};
use athena_subscriptions::{
    AutoSubscribe, Batch, CheckpointStore, Feed, FeedSubscription, FeedTarget,
    MemoryCheckpointStore, PollInterval, Poller, SubscriptionState, is_setup_required,
};
use athena_testkit::Sandbox;
use futures::StreamExt;

fn client(s: &Sandbox) -> Client {
    Client::builder()
        .base_url(s.base_url())
        .client_credentials(s.client_id(), s.client_secret())
        .build()
        .unwrap()
}

fn fast(practice: PracticeId, feed: Feed) -> FeedTarget {
    FeedTarget::new(practice, feed).interval(PollInterval::fixed(Duration::from_millis(20)))
}

async fn next_batch(p: &mut Poller) -> Batch {
    let item = tokio::time::timeout(Duration::from_secs(60), p.next())
        .await
        .expect("a batch within 10 s")
        .expect("stream open");
    item.unwrap_or_else(|e| panic!("unexpected feed error: {e}"))
}

/// Shuts down, drains (acking), and waits for the tasks.
async fn stop(mut p: Poller) {
    let h = p.handle();
    h.shutdown();
    while let Some(item) = p.next().await {
        if let Ok(b) = item {
            b.ack().await.unwrap();
        }
    }
    h.join().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn subscription_management() {
    let s = Sandbox::start().await;
    let c = client(&s);
    let practice = c.practice(PracticeId::new(s.practice_id()));
    let sub = FeedSubscription::new(&practice, Feed::PATIENTS);
    assert_eq!(
        sub.status().await.unwrap().state,
        SubscriptionState::Inactive
    );
    assert!(
        sub.available_events()
            .await
            .unwrap()
            .contains(&"AddPatient".to_string())
    );
    sub.subscribe(&["AddPatient", "UpdatePatient"])
        .await
        .unwrap();
    let st = sub.status().await.unwrap();
    assert_eq!(st.state, SubscriptionState::Partial);
    assert_eq!(st.events, vec!["AddPatient", "UpdatePatient"]);
    sub.subscribe_all().await.unwrap();
    assert_eq!(sub.status().await.unwrap().state, SubscriptionState::Active);
    sub.unsubscribe("AddPatient").await.unwrap();
    assert_eq!(
        sub.status().await.unwrap().state,
        SubscriptionState::Partial
    );
    sub.unsubscribe_all().await.unwrap();
    assert_eq!(
        sub.status().await.unwrap().state,
        SubscriptionState::Inactive
    );
    // Nested feed paths work.
    let problems = FeedSubscription::new(&practice, Feed::PROBLEMS);
    problems.subscribe_all().await.unwrap();
    assert_eq!(
        problems.status().await.unwrap().state,
        SubscriptionState::Active
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_auto_subscribe_the_setup_error_is_reported() {
    let s = Sandbox::start().await;
    let pid = PracticeId::new(s.practice_id());
    let mut poller = Poller::builder(client(&s), Arc::new(MemoryCheckpointStore::new()))
        .target(fast(pid, Feed::PATIENTS))
        .error_backoff(Duration::from_millis(20))
        .start();
    let err = tokio::time::timeout(Duration::from_secs(60), poller.next())
        .await
        .unwrap()
        .unwrap()
        .expect_err("403 setup required");
    assert_eq!(err.kind(), athena_subscriptions::ErrorKind::Api, "{err}");
    assert_eq!(err.core_kind(), Some(athena_core::ErrorKind::Forbidden));
    assert_eq!(
        (err.practice(), err.feed()),
        (Some(pid), Some(Feed::PATIENTS))
    );
    let core = err.core_error().expect("the athena call's error");
    assert!(is_setup_required(core), "{core}");
    assert!(err.is_setup_required());
    poller.handle().shutdown();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn auto_subscribe_then_deliver_and_ack() {
    let s = Sandbox::start().await;
    let c = client(&s);
    let pid = PracticeId::new(s.practice_id());
    let store = Arc::new(MemoryCheckpointStore::new());
    let mut poller = Poller::builder(c.clone(), store.clone())
        .target(fast(pid, Feed::PATIENTS))
        .auto_subscribe(AutoSubscribe::AllEvents)
        .error_backoff(Duration::from_millis(20))
        .start();
    // Wait until the poller subscribed (first read 403 → subscribe → read again).
    let sub = FeedSubscription::new(&c.practice(pid), Feed::PATIENTS);
    // Polls until the state changes; the cap only guards against a hang (a loaded machine
    // may take long, which is not a bug).
    let cap = tokio::time::Instant::now() + Duration::from_secs(120);
    while tokio::time::Instant::now() < cap {
        if sub.status().await.unwrap().state == SubscriptionState::Active {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert_eq!(sub.status().await.unwrap().state, SubscriptionState::Active);
    // 9 changes round-robin → exactly one patient change.
    assert_eq!(s.generate_changes(9), 9);
    let batch = next_batch(&mut poller).await;
    assert!(!batch.replay);
    assert_eq!(batch.events.len(), 1);
    let ev = &batch.events[0];
    assert!(ev.patient().unwrap().is_ok());
    assert!(
        ev.key.as_str().starts_with(&format!("{pid}:patients:")),
        "{}",
        ev.key
    );
    let key = FeedTarget::new(pid, Feed::PATIENTS).checkpoint_key();
    // Committed before hand-out: the window is durable and outstanding.
    let cp = store.load(&key).await.unwrap().unwrap();
    assert_eq!(cp.outstanding.len(), 1);
    assert_eq!(cp.outstanding[0].items, Some(1));
    batch.ack().await.unwrap();
    assert!(store.get(&key).unwrap().outstanding.is_empty());
    assert_eq!(s.pending_changes("patients"), 0);
    poller.handle().shutdown();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unacked_batch_is_replayed_after_restart_with_the_same_keys() {
    let s = Sandbox::start().await;
    let c = client(&s);
    let pid = PracticeId::new(s.practice_id());
    FeedSubscription::new(&c.practice(pid), Feed::PROBLEMS)
        .subscribe_all()
        .await
        .unwrap();
    let store = Arc::new(MemoryCheckpointStore::new());
    s.generate_changes(18); // two problem changes
    let mut first = Poller::builder(c.clone(), store.clone())
        .target(fast(pid, Feed::PROBLEMS))
        .start();
    let batch = next_batch(&mut first).await;
    let keys: Vec<_> = batch.events.iter().map(|e| e.key.clone()).collect();
    assert_eq!(keys.len(), 2);
    // "Crash": the batch is never acknowledged.
    drop(batch);
    stop(first).await;
    assert_eq!(
        s.pending_changes("chart/healthhistory/problems"),
        0,
        "the read was destructive"
    );

    let mut second = Poller::builder(c.clone(), store.clone())
        .target(fast(pid, Feed::PROBLEMS))
        .replay_margin(Duration::from_secs(5))
        .start();
    let replay = next_batch(&mut second).await;
    assert!(replay.replay);
    let replayed: Vec<_> = replay.events.iter().map(|e| e.key.clone()).collect();
    for k in &keys {
        assert!(replayed.contains(k), "{k} not replayed");
    }
    assert!(replay.events.iter().all(|e| e.is_replay()));
    replay.ack().await.unwrap();
    stop(second).await;
    let key = FeedTarget::new(pid, Feed::PROBLEMS).checkpoint_key();
    assert!(store.get(&key).unwrap().outstanding.is_empty());
    // A third start has nothing to replay and new changes arrive normally.
    let mut third = Poller::builder(c, store.clone())
        .target(fast(pid, Feed::PROBLEMS))
        .start();
    s.generate_changes(9);
    let fresh = next_batch(&mut third).await;
    assert!(!fresh.replay);
    assert_eq!(fresh.events.len(), 1);
    assert!(!keys.contains(&fresh.events[0].key));
    fresh.ack().await.unwrap();
    third.handle().shutdown();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shutdown_stops_polling_drains_and_ends_the_stream() {
    let s = Sandbox::start().await;
    let c = client(&s);
    let pid = PracticeId::new(s.practice_id());
    for feed in [Feed::PATIENTS, Feed::CLAIMS, Feed::APPOINTMENTS] {
        FeedSubscription::new(&c.practice(pid), feed)
            .subscribe_all()
            .await
            .unwrap();
    }
    let store = Arc::new(MemoryCheckpointStore::new());
    let mut poller = Poller::builder(c, store.clone())
        .target(fast(pid, Feed::PATIENTS))
        .target(fast(pid, Feed::CLAIMS))
        .target(fast(pid, Feed::APPOINTMENTS)) // departments discovered automatically
        .capacity(1)
        .start();
    s.generate_changes(27);
    let first = next_batch(&mut poller).await;
    first.ack().await.unwrap();
    let handle = poller.handle();
    handle.shutdown();
    // Drain: every batch still delivered after shutdown can be acked; then the stream ends.
    let drained = tokio::time::timeout(Duration::from_secs(60), async {
        let mut n = 0;
        while let Some(item) = poller.next().await {
            if let Ok(b) = item {
                n += b.events.len();
                b.ack().await.unwrap();
            }
        }
        n
    })
    .await
    .expect("stream ends after shutdown");
    tokio::time::timeout(Duration::from_secs(60), handle.join())
        .await
        .expect("tasks end");
    // Whatever was read was delivered and acknowledged: no window left to replay.
    for feed in [Feed::PATIENTS, Feed::CLAIMS] {
        let key = FeedTarget::new(pid, feed).checkpoint_key();
        if let Some(cp) = store.get(&key) {
            assert!(cp.outstanding.is_empty(), "{feed}: {:?}", cp.outstanding);
        }
    }
    assert!(drained <= 27);
    // After shutdown nothing is read any more.
    s.generate_changes(27);
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert!(s.pending_changes("patients") > 0);
}

/// The destructive read is never retried transparently: an answer lost after athena marked
/// the records processed would otherwise be replaced by an empty retry and the records lost.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lost_answer_to_a_destructive_read_is_replayed_not_lost() {
    use athena_testkit::{Fault, FaultRule};
    let s = Sandbox::start().await;
    let c = client(&s);
    let pid = PracticeId::new(s.practice_id());
    FeedSubscription::new(&c.practice(pid), Feed::PATIENTS)
        .subscribe_all()
        .await
        .unwrap();
    s.generate_changes(27);
    let pending = s.pending_changes("patients");
    assert!(pending > 0);
    // The first read is applied by athena (records marked processed), then the connection
    // drops before the client sees the answer.
    s.faults().push(
        FaultRule::new(Fault::DropAfterHandler)
            .method("GET")
            .path("/v1/*/patients/changed")
            .once(),
    );
    let store = Arc::new(MemoryCheckpointStore::new());
    let mut poller = Poller::builder(c.clone(), store.clone())
        .target(fast(pid, Feed::PATIENTS))
        .error_backoff(Duration::from_millis(20))
        .start();
    let mut keys = std::collections::HashSet::new();
    let mut replayed = false;
    // A cap against a hang, not a speed expectation.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(120);
    while keys.len() < pending && tokio::time::Instant::now() < deadline {
        let Ok(Some(item)) = tokio::time::timeout(Duration::from_secs(60), poller.next()).await
        else {
            break;
        };
        // The lost answer surfaces as an error; the poller keeps going.
        let Ok(batch) = item else { continue };
        replayed |= batch.replay;
        for e in &batch.events {
            keys.insert(e.key.clone());
        }
        batch.ack().await.unwrap();
    }
    assert_eq!(
        keys.len(),
        pending,
        "every change delivered despite the lost answer"
    );
    assert!(replayed, "the lost window came back through a replay");
    assert_eq!(s.pending_changes("patients"), 0);
    stop(poller).await;
}
