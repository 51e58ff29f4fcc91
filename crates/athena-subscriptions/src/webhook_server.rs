//! An axum (hyper 1) HTTP endpoint for athenahealth's FHIR Subscription notifications (feature
//! `webhook-server`, off by default).
//!
//! athena POSTs each notification and wants a 2xx within **2 seconds**, retrying for up to an
//! hour otherwise. This server does nothing slow on that path: it reads the request (bounded in
//! size and time), hands the body and the `X-Hub-Signature` header to
//! [`WebhookReceiver::handle`] — which verifies, parses, de-duplicates and *queues* without
//! waiting — and answers with its status. Processing happens wherever the receiver's channel
//! is read. Put it behind your TLS-terminating proxy (athena only calls `https` endpoints).
//!
//! Answers: the receiver's status (200 accepted or a known replay, 401 bad or missing
//! signature, 400 not a notification, 503 queue full), 404 for another path, 405 for another
//! method, 413 for a body over [`WebhookServerConfig::max_body`], 408 when the body does not
//! arrive within [`WebhookServerConfig::read_timeout`]. Nothing from a request (body, header
//! values, query string) is logged; only statuses and counts, at `debug`.

use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{Method, StatusCode, header};
use futures::StreamExt;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;

use crate::push::WebhookReceiver;

/// Limits of the webhook endpoint.
#[derive(Debug, Clone)]
pub struct WebhookServerConfig {
    /// The path notifications are POSTed to (others get 404).
    pub path: String,
    /// Largest accepted body (default 1 MiB; an id-only Bundle is a few KiB).
    pub max_body: usize,
    /// How long a client may take to send its request headers, and then its body (default
    /// 1.5 s each, inside athena's 2 s for a client that sends at network speed).
    pub read_timeout: Duration,
}

impl Default for WebhookServerConfig {
    fn default() -> Self {
        WebhookServerConfig {
            path: "/athena/notifications".to_owned(),
            max_body: 1 << 20,
            read_timeout: Duration::from_millis(1500),
        }
    }
}

/// What every connection's handler shares.
struct Shared {
    receiver: Arc<WebhookReceiver>,
    config: WebhookServerConfig,
}

/// Serves notifications on `listener` until the task is dropped or aborted. One request per
/// connection (no keep-alive), HTTP/1.1.
pub async fn serve(
    listener: TcpListener,
    receiver: Arc<WebhookReceiver>,
    config: WebhookServerConfig,
) {
    let header_timeout = config.read_timeout;
    // Every path and method reaches one handler, which answers 404/405 itself: a configured
    // path that is not a valid route pattern can then never make the router panic.
    let app = axum::Router::new()
        .fallback(notification)
        .with_state(Arc::new(Shared { receiver, config }));
    loop {
        let stream = match listener.accept().await {
            Ok((stream, _)) => stream,
            Err(_) => {
                // Out of file descriptors or a reset during accept: try again shortly.
                tokio::time::sleep(Duration::from_millis(10)).await;
                continue;
            }
        };
        let service = TowerToHyperService::new(app.clone());
        tokio::spawn(async move {
            // A client that stalls in its headers is cut off (the connection is closed).
            let _ = hyper::server::conn::http1::Builder::new()
                .timer(TokioTimer::new())
                .header_read_timeout(header_timeout)
                .keep_alive(false)
                .serve_connection(TokioIo::new(stream), service)
                .await;
        });
    }
}

async fn notification(State(shared): State<Arc<Shared>>, request: Request) -> StatusCode {
    let config = &shared.config;
    let (parts, body) = request.into_parts();
    if parts.uri.path() != config.path {
        return StatusCode::NOT_FOUND;
    }
    if parts.method != Method::POST {
        return StatusCode::METHOD_NOT_ALLOWED;
    }
    let declared = parts
        .headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > config.max_body as u64) {
        return StatusCode::PAYLOAD_TOO_LARGE;
    }
    let body =
        match tokio::time::timeout(config.read_timeout, read_body(body, config.max_body)).await {
            Err(_) => return StatusCode::REQUEST_TIMEOUT,
            Ok(Err(status)) => return status,
            Ok(Ok(body)) => body,
        };
    let signature = parts
        .headers
        .get("x-hub-signature")
        .and_then(|v| v.to_str().ok());
    let outcome = shared.receiver.handle(signature, &body);
    tracing::debug!(
        status = outcome.status,
        queued = outcome.queued,
        duplicates = outcome.duplicates,
        "webhook notification answered"
    );
    StatusCode::from_u16(outcome.status).unwrap_or(StatusCode::SERVICE_UNAVAILABLE)
}

/// The body, at most `max` bytes (413 beyond; 400 when the connection fails mid-body).
async fn read_body(body: Body, max: usize) -> Result<Vec<u8>, StatusCode> {
    let mut stream = body.into_data_stream();
    let mut out = Vec::new();
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(|_| StatusCode::BAD_REQUEST)?;
        if out.len() + chunk.len() > max {
            return Err(StatusCode::PAYLOAD_TOO_LARGE);
        }
        out.extend_from_slice(&chunk);
    }
    Ok(out)
}
