//! A small HTTP/1.1 endpoint for athenahealth's FHIR Subscription notifications (feature
//! `webhook-server`).
//!
//! athena POSTs each notification and wants a 2xx within **2 seconds**, retrying for up to an
//! hour otherwise. This server does nothing slow on that path: it reads the request (bounded
//! in size and time), hands the body and the `X-Hub-Signature` header to
//! [`WebhookReceiver::handle`] — which verifies, parses, de-duplicates and *queues* without
//! waiting — and answers with its status. Processing happens wherever the receiver's channel
//! is read. It has no dependency beyond tokio; put it behind your TLS-terminating proxy (athena
//! only calls `https` endpoints).

use std::sync::Arc;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

use crate::push::WebhookReceiver;

/// Limits of the webhook endpoint.
#[derive(Debug, Clone)]
pub struct WebhookServerConfig {
    /// The path notifications are POSTed to (others get 404).
    pub path: String,
    /// Largest accepted body (default 1 MiB; an id-only Bundle is a few KiB).
    pub max_body: usize,
    /// How long a client may take to send its request (default 1.5 s, inside athena's 2 s).
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

/// Serves notifications on `listener` until the task is dropped or aborted.
pub async fn serve(
    listener: TcpListener,
    receiver: Arc<WebhookReceiver>,
    config: WebhookServerConfig,
) {
    let config = Arc::new(config);
    loop {
        let Ok((stream, _)) = listener.accept().await else {
            continue;
        };
        let receiver = receiver.clone();
        let config = config.clone();
        tokio::spawn(async move {
            let _ = connection(stream, &receiver, &config).await;
        });
    }
}

struct Parsed {
    method: String,
    path: String,
    signature: Option<String>,
    body: Vec<u8>,
}

enum ReadError {
    Status(u16),
    Closed,
}

async fn connection(
    mut stream: TcpStream,
    receiver: &WebhookReceiver,
    config: &WebhookServerConfig,
) -> std::io::Result<()> {
    let status =
        match tokio::time::timeout(config.read_timeout, read_request(&mut stream, config)).await {
            Err(_) => 408,
            Ok(Err(ReadError::Closed)) => return Ok(()),
            Ok(Err(ReadError::Status(s))) => s,
            Ok(Ok(req)) if req.path.split('?').next() != Some(config.path.as_str()) => 404,
            Ok(Ok(req)) if req.method != "POST" => 405,
            Ok(Ok(req)) => receiver.handle(req.signature.as_deref(), &req.body).status,
        };
    let reason = match status {
        200 => "OK",
        400 => "Bad Request",
        401 => "Unauthorized",
        404 => "Not Found",
        405 => "Method Not Allowed",
        408 => "Request Timeout",
        411 => "Length Required",
        413 => "Content Too Large",
        _ => "Service Unavailable",
    };
    let response =
        format!("HTTP/1.1 {status} {reason}\r\ncontent-length: 0\r\nconnection: close\r\n\r\n");
    stream.write_all(response.as_bytes()).await?;
    stream.shutdown().await
}

async fn read_request(
    stream: &mut TcpStream,
    config: &WebhookServerConfig,
) -> Result<Parsed, ReadError> {
    const MAX_HEAD: usize = 16 * 1024;
    let mut buf = Vec::with_capacity(4096);
    let mut chunk = [0u8; 4096];
    let head_end = loop {
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
        if buf.len() > MAX_HEAD {
            return Err(ReadError::Status(400));
        }
        match stream.read(&mut chunk).await {
            Ok(0) | Err(_) => return Err(ReadError::Closed),
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
        }
    };
    let head = std::str::from_utf8(&buf[..head_end]).map_err(|_| ReadError::Status(400))?;
    let mut lines = head.split("\r\n");
    let mut request_line = lines.next().unwrap_or_default().split(' ');
    let method = request_line.next().unwrap_or_default().to_owned();
    let path = request_line.next().unwrap_or_default().to_owned();
    let mut length = None;
    let mut signature = None;
    for line in lines {
        let Some((name, value)) = line.split_once(':') else {
            continue;
        };
        let value = value.trim();
        if name.eq_ignore_ascii_case("content-length") {
            length = Some(value.parse::<usize>().map_err(|_| ReadError::Status(400))?);
        } else if name.eq_ignore_ascii_case("x-hub-signature") {
            signature = Some(value.to_owned());
        } else if name.eq_ignore_ascii_case("transfer-encoding") {
            return Err(ReadError::Status(411));
        }
    }
    let length = match (method.as_str(), length) {
        ("POST", None) => return Err(ReadError::Status(411)),
        (_, l) => l.unwrap_or(0),
    };
    if length > config.max_body {
        return Err(ReadError::Status(413));
    }
    let mut body = buf[head_end..].to_vec();
    while body.len() < length {
        match stream.read(&mut chunk).await {
            Ok(0) | Err(_) => return Err(ReadError::Closed),
            Ok(n) => body.extend_from_slice(&chunk[..n]),
        }
    }
    body.truncate(length);
    Ok(Parsed {
        method,
        path,
        signature,
        body,
    })
}
