//! The webhook endpoint (axum on hyper 1, feature `webhook-server`) answers athena quickly and queues verified events.

use std::sync::Arc;
use std::time::Duration;

use athena_subscriptions::push::{WebhookReceiver, sign};
use athena_subscriptions::webhook_server::{WebhookServerConfig, serve};

fn notification() -> Option<Vec<u8>> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/fixtures/fhir/athena-subscription-notification-bundle.json");
    match std::fs::read(&path) {
        Ok(b) => Some(b),
        Err(_) => {
            println!("notice: {} is absent; skipping", path.display());
            None
        }
    }
}

#[tokio::test]
async fn signed_notifications_are_queued_and_everything_else_refused() {
    let Some(body) = notification() else {
        return;
    };
    let (receiver, mut events) = WebhookReceiver::new(b"s3cret".to_vec(), 64, 1_000);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let server = tokio::spawn(serve(
        listener,
        Arc::new(receiver),
        WebhookServerConfig::default(),
    ));
    let url = format!("http://{addr}/athena/notifications");
    let http = reqwest::Client::new();

    // athena wants an answer within 2 s; the handler only verifies and enqueues, so the
    // answer does not wait on the consumer (nothing reads `events` until after it). No
    // wall-clock bound is asserted: that would fail on a loaded machine, not on a bug.
    let ok = http
        .post(&url)
        .header("x-hub-signature", sign(b"s3cret", &body))
        .body(body.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(ok.status().as_u16(), 200);
    let first = events.recv().await.expect("an event was queued");
    assert!(!first.key.as_str().is_empty());

    // Replayed: accepted (athena must stop retrying) but not queued again.
    let again = http
        .post(&url)
        .header("x-hub-signature", sign(b"s3cret", &body))
        .body(body.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(again.status().as_u16(), 200);

    // Unsigned, wrongly signed, wrong path, wrong method.
    let unsigned = http.post(&url).body(body.clone()).send().await.unwrap();
    assert_eq!(unsigned.status().as_u16(), 401);
    let forged = http
        .post(&url)
        .header("x-hub-signature", sign(b"other", &body))
        .body(body.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status().as_u16(), 401);
    let elsewhere = http
        .post(format!("http://{addr}/other"))
        .body(body.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(elsewhere.status().as_u16(), 404);
    let get = http.get(&url).send().await.unwrap();
    assert_eq!(get.status().as_u16(), 405);
    // Nothing else was queued.
    while let Ok(e) = events.try_recv() {
        assert_ne!(e.key, first.key, "a replay was queued twice");
    }
    server.abort();
}

#[tokio::test]
async fn oversized_and_slow_requests_are_cut_off() {
    let (receiver, _events) = WebhookReceiver::new(b"k".to_vec(), 4, 16);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let config = WebhookServerConfig {
        max_body: 1024,
        read_timeout: Duration::from_millis(200),
        ..WebhookServerConfig::default()
    };
    let server = tokio::spawn(serve(listener, Arc::new(receiver), config));
    let http = reqwest::Client::new();
    let big = http
        .post(format!("http://{addr}/athena/notifications"))
        .body(vec![b'x'; 4096])
        .send()
        .await
        .unwrap();
    assert_eq!(big.status().as_u16(), 413);

    // A client that sends headers and then stalls gets 408 within the read timeout.
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut slow = tokio::net::TcpStream::connect(addr).await.unwrap();
    slow.write_all(b"POST /athena/notifications HTTP/1.1\r\ncontent-length: 10\r\n\r\nabc")
        .await
        .unwrap();
    // The 408 can only come from the read timeout, which is configured inside athena's 2 s.
    assert!(WebhookServerConfig::default().read_timeout < Duration::from_secs(2));
    let mut answer = String::new();
    slow.read_to_string(&mut answer).await.unwrap();
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    server.abort();
}

/// Starts the server with `config` on a loopback port; returns its address and task.
async fn start(
    secret: &[u8],
    config: WebhookServerConfig,
) -> (
    std::net::SocketAddr,
    tokio::task::JoinHandle<()>,
    tokio::sync::mpsc::Receiver<athena_subscriptions::ChangeEvent>,
) {
    let (receiver, events) = WebhookReceiver::new(secret.to_vec(), 4, 16);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let server = tokio::spawn(serve(listener, Arc::new(receiver), config));
    (addr, server, events)
}

#[tokio::test]
async fn chunked_bodies_are_read_and_limited() {
    let Some(body) = notification() else {
        return;
    };
    let config = WebhookServerConfig {
        max_body: body.len() + 16,
        ..WebhookServerConfig::default()
    };
    let (addr, server, mut events) = start(b"k", config).await;
    let url = format!("http://{addr}/athena/notifications");
    let http = reqwest::Client::new();
    // A streamed body has no content-length: it is sent chunked and still verified and queued.
    let stream = |b: Vec<u8>| {
        reqwest::Body::wrap_stream(futures::stream::iter(
            b.chunks(100)
                .map(|c| Ok::<_, std::io::Error>(c.to_vec()))
                .collect::<Vec<_>>(),
        ))
    };
    let ok = http
        .post(&url)
        .header("x-hub-signature", sign(b"k", &body))
        .body(stream(body.clone()))
        .send()
        .await
        .unwrap();
    assert_eq!(ok.status().as_u16(), 200);
    assert!(events.recv().await.is_some());
    // Chunked and too large: refused without reading it all.
    let mut big = body.clone();
    big.extend_from_slice(&[b' '; 64]);
    let refused = http
        .post(&url)
        .header("x-hub-signature", sign(b"k", &big))
        .body(stream(big))
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status().as_u16(), 413);
    server.abort();
}

#[tokio::test]
async fn a_client_stalling_in_its_headers_is_disconnected() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let config = WebhookServerConfig {
        read_timeout: Duration::from_millis(200),
        ..WebhookServerConfig::default()
    };
    let (addr, server, _events) = start(b"k", config).await;
    let mut slow = tokio::net::TcpStream::connect(addr).await.unwrap();
    slow.write_all(b"POST /athena/notifications HTTP/1.1\r\nx-hub-sig")
        .await
        .unwrap();
    // Without a header timeout this read would never end; the generous bound only turns
    // that hang into a failure (the configured timeout is 200 ms).
    let mut answer = Vec::new();
    let read = tokio::time::timeout(Duration::from_secs(30), slow.read_to_end(&mut answer)).await;
    assert!(read.is_ok(), "the connection was kept open");
    assert!(!answer.starts_with(b"HTTP/1.1 200"));
    server.abort();
}

#[tokio::test]
async fn a_path_that_is_no_route_pattern_never_panics() {
    let config = WebhookServerConfig {
        path: "hooks/{athena".to_owned(),
        ..WebhookServerConfig::default()
    };
    let (addr, server, _events) = start(b"k", config).await;
    let http = reqwest::Client::new();
    let answer = http
        .post(format!("http://{addr}/athena/notifications"))
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status().as_u16(), 404);
    assert!(!server.is_finished());
    server.abort();
}
