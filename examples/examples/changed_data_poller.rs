//! Changed-data poller: subscribes to the appointments and patients feeds, books and cancels a
//! few appointments, and prints the change events as they arrive. Bounded run (≤ 20 s).
//!
//! Runs against a local sandbox unless `ATHENA_CLIENT_ID` is set, in which case
//! `athena::sandbox::connect_or_sandbox()` talks to the real API (set `ATHENA_PRACTICE_ID`
//! too); against the real API nothing is booked, it only polls.

use std::sync::Arc;
use std::time::{Duration, Instant};

use athena::prelude::*;
use athena::sandbox::connect_or_sandbox;
use athena::subscriptions::{
    AutoSubscribe, Deduper, Feed, FeedSubscription, FeedTarget, MemoryCheckpointStore,
    PollInterval, Poller,
};
use athena::{Request, RetrySafety};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    athena_examples::init_tracing();
    let session = connect_or_sandbox().await?;
    println!("Talking to {}", session.description());
    let real = !session.is_local();
    let client = session.client().clone();
    let practice = session.practice().clone();
    let pid = practice.id();

    for feed in [Feed::APPOINTMENTS, Feed::PATIENTS] {
        let sub = FeedSubscription::new(&practice, feed);
        sub.subscribe_all().await?;
        let status = sub.status().await?;
        println!(
            "subscribed to {feed}: {:?} ({} events)",
            status.state,
            status.events.len()
        );
    }

    let interval = if real {
        Duration::from_secs(60)
    } else {
        Duration::from_millis(200)
    };
    let mut poller = Poller::builder(client.clone(), Arc::new(MemoryCheckpointStore::new()))
        .target(FeedTarget::new(pid, Feed::APPOINTMENTS).interval(PollInterval::fixed(interval)))
        .target(FeedTarget::new(pid, Feed::PATIENTS).interval(PollInterval::fixed(interval)))
        .auto_subscribe(AutoSubscribe::AllEvents)
        .error_backoff(Duration::from_secs(1))
        .start();

    if let Some(s) = session.sandbox() {
        // Book three open slots and cancel one of them, through raw requests.
        let slots = s.open_slot_ids(s.today());
        for (i, slot) in slots.iter().take(3).enumerate() {
            let book = practice
                .request(
                    http::Method::PUT,
                    "/v1/{practiceid}/appointments/{appointmentid}",
                )
                .path_param("appointmentid", slot)
                .form("patientid", 1 + i as u64)
                .retry_safety(RetrySafety::NotIdempotent);
            match client.execute(&book).await {
                Ok(_) => println!("booked appointment {slot}"),
                Err(e) => println!("booking {slot} failed: {e}"),
            }
        }
        if let Some(slot) = slots.first() {
            let cancel: Request = practice
                .request(
                    http::Method::PUT,
                    "/v1/{practiceid}/appointments/{appointmentid}/cancel",
                )
                .path_param("appointmentid", slot)
                .form("patientid", 1)
                .form("cancellationreason", "example")
                .retry_safety(RetrySafety::NotIdempotent);
            match client.execute(&cancel).await {
                Ok(_) => println!("cancelled appointment {slot}"),
                Err(e) => println!("cancelling {slot} failed: {e}"),
            }
        }
        s.generate_changes(18);
    }

    let handle = poller.handle();
    let deadline = Instant::now() + Duration::from_secs(if real { 20 } else { 3 });
    let mut dedupe = Deduper::new(10_000);
    let mut shown = 0usize;
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            handle.shutdown();
        }
        let next = tokio::time::timeout(left.max(Duration::from_millis(500)), poller.next()).await;
        let item = match next {
            Ok(Some(item)) => item,
            Ok(None) => break,
            Err(_) => {
                handle.shutdown();
                continue;
            }
        };
        match item {
            Ok(batch) => {
                for e in batch.events.iter().filter(|e| dedupe.first_time(&e.key)) {
                    shown += 1;
                    let what = match e.appointment() {
                        Some(Ok(a)) => format!(
                            "appointment {} status {:?}",
                            a.appointmentid.map(|x| x.get()).unwrap_or_default(),
                            a.appointmentstatus
                        ),
                        _ => format!(
                            "{} record {}",
                            batch.feed,
                            e.record_id.as_deref().unwrap_or("?")
                        ),
                    };
                    println!(
                        "  {what}{}  [{}]",
                        if e.is_replay() { " (replay)" } else { "" },
                        e.key
                    );
                }
                batch.ack().await?;
            }
            Err(e) => println!("  feed error: {e}"),
        }
    }
    handle.join().await;
    println!("done: {shown} distinct change events");
    Ok(())
}
