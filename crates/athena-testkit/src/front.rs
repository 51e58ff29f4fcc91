//! A small HTTP/1.1-aware TCP front in front of the wiremock server. It forwards requests
//! byte-for-byte over a per-connection keep-alive upstream connection, and is where
//! connection-level faults happen (dropped connections, truncated bodies) as well as the
//! synthesized error responses of [`crate::Fault`].

use std::io;
use std::net::SocketAddr;
use std::sync::Arc;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

use crate::faults::{Fault, RetryAfter};
use crate::server::Shared;
use crate::stats::{Counters, InFlight};

const MAX_HEAD: usize = 64 * 1024;

/// One HTTP message read off a stream (head and raw body bytes, framing kept).
struct Msg {
    head: Vec<u8>,
    body: Vec<u8>,
    /// Body payload range inside `body` for truncation (whole body when not chunked).
    close: bool,
    first_line: String,
}

impl Msg {
    fn request_target(&self) -> (String, String) {
        let mut parts = self.first_line.split(' ');
        let method = parts.next().unwrap_or("").to_string();
        let target = parts.next().unwrap_or("/");
        let path = target.split('?').next().unwrap_or("/").to_string();
        (method, path)
    }

    fn status(&self) -> u16 {
        self.first_line
            .split(' ')
            .nth(1)
            .and_then(|s| s.parse().ok())
            .unwrap_or(0)
    }
}

/// Accept connections forever.
pub(crate) async fn serve(listener: TcpListener, upstream: SocketAddr, shared: Arc<Shared>) {
    loop {
        let Ok((stream, _)) = listener.accept().await else {
            continue;
        };
        Counters::inc(&shared.stats.connections);
        let shared = shared.clone();
        tokio::spawn(async move {
            let _ = connection(stream, upstream, shared).await;
        });
    }
}

fn find(buf: &[u8], pat: &[u8]) -> Option<usize> {
    buf.windows(pat.len()).position(|w| w == pat)
}

async fn fill(stream: &mut TcpStream, buf: &mut Vec<u8>) -> io::Result<usize> {
    let mut tmp = [0u8; 16 * 1024];
    let n = stream.read(&mut tmp).await?;
    buf.extend_from_slice(&tmp[..n]);
    Ok(n)
}

async fn take(stream: &mut TcpStream, buf: &mut Vec<u8>, n: usize) -> io::Result<Vec<u8>> {
    while buf.len() < n {
        if fill(stream, buf).await? == 0 {
            return Err(io::Error::new(io::ErrorKind::UnexpectedEof, "eof in body"));
        }
    }
    Ok(buf.drain(..n).collect())
}

/// Read one message. `Ok(None)` on a clean EOF before any byte.
async fn read_msg(
    stream: &mut TcpStream,
    buf: &mut Vec<u8>,
    response_to: Option<&str>,
) -> io::Result<Option<Msg>> {
    let head_end = loop {
        if let Some(i) = find(buf, b"\r\n\r\n") {
            break i + 4;
        }
        if buf.len() > MAX_HEAD {
            return Err(io::Error::new(io::ErrorKind::InvalidData, "head too large"));
        }
        if fill(stream, buf).await? == 0 {
            if buf.is_empty() {
                return Ok(None);
            }
            return Err(io::Error::new(io::ErrorKind::UnexpectedEof, "eof in head"));
        }
    };
    let head: Vec<u8> = buf.drain(..head_end).collect();
    let text = String::from_utf8_lossy(&head).into_owned();
    let mut lines = text.split("\r\n");
    let first_line = lines.next().unwrap_or("").to_string();
    let mut length = None;
    let mut chunked = false;
    let mut close = first_line.starts_with("HTTP/1.0") || first_line.ends_with("HTTP/1.0");
    for l in lines {
        let Some((k, v)) = l.split_once(':') else {
            continue;
        };
        let k = k.trim().to_ascii_lowercase();
        let v = v.trim();
        match k.as_str() {
            "content-length" => length = v.parse::<usize>().ok(),
            "transfer-encoding" => chunked = v.to_ascii_lowercase().contains("chunked"),
            "connection" => {
                let v = v.to_ascii_lowercase();
                if v.contains("close") {
                    close = true;
                } else if v.contains("keep-alive") {
                    close = false;
                }
            }
            _ => {}
        }
    }
    let mut msg = Msg {
        head,
        body: Vec::new(),
        close,
        first_line,
    };
    if chunked {
        loop {
            let line_end = loop {
                if let Some(i) = find(buf, b"\r\n") {
                    break i + 2;
                }
                if fill(stream, buf).await? == 0 {
                    return Err(io::Error::new(io::ErrorKind::UnexpectedEof, "eof in chunk"));
                }
            };
            let line: Vec<u8> = buf.drain(..line_end).collect();
            let size_txt = String::from_utf8_lossy(&line);
            let size =
                usize::from_str_radix(size_txt.trim().split(';').next().unwrap_or("0").trim(), 16)
                    .map_err(|_| io::Error::new(io::ErrorKind::InvalidData, "bad chunk size"))?;
            msg.body.extend_from_slice(&line);
            if size == 0 {
                // Trailers up to the empty line.
                loop {
                    let end = loop {
                        if let Some(i) = find(buf, b"\r\n") {
                            break i + 2;
                        }
                        if fill(stream, buf).await? == 0 {
                            return Err(io::Error::new(
                                io::ErrorKind::UnexpectedEof,
                                "eof in trailer",
                            ));
                        }
                    };
                    let t: Vec<u8> = buf.drain(..end).collect();
                    msg.body.extend_from_slice(&t);
                    if t == b"\r\n" {
                        break;
                    }
                }
                break;
            }
            let data = take(stream, buf, size + 2).await?;
            msg.body.extend_from_slice(&data);
        }
    } else if let Some(n) = length {
        msg.body = take(stream, buf, n).await?;
    } else if let Some(method) = response_to {
        let status = msg.status();
        let bodiless = method == "HEAD" || status / 100 == 1 || status == 204 || status == 304;
        if !bodiless {
            // Read to EOF.
            while fill(stream, buf).await? > 0 {}
            msg.body = std::mem::take(buf);
            msg.close = true;
        }
    }
    Ok(Some(msg))
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        403 => "Forbidden",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        400 => "Bad Request",
        _ => "Error",
    }
}

fn synth(
    shared: &Shared,
    status: u16,
    content_type: Option<&str>,
    body: &[u8],
    extra: &[(String, String)],
) -> Vec<u8> {
    let mut out = format!(
        "HTTP/1.1 {status} {}\r\ncontent-length: {}\r\nx-request-id: {}\r\n",
        reason(status),
        body.len(),
        shared.request_id()
    );
    if let Some(ct) = content_type {
        out.push_str(&format!("content-type: {ct}\r\n"));
    }
    for (k, v) in extra {
        out.push_str(&format!("{k}: {v}\r\n"));
    }
    out.push_str("\r\n");
    let mut bytes = out.into_bytes();
    bytes.extend_from_slice(body);
    bytes
}

/// A synthesized response for a fault, or `None` when the fault needs the handler.
fn fault_response(shared: &Shared, fault: &Fault) -> Option<Vec<u8>> {
    const JSON: Option<&str> = Some("application/json");
    Some(match fault {
        Fault::TooManyRequests(ra) => {
            Counters::inc(&shared.stats.rate_limited);
            let mut extra = vec![("x-ratelimit-limit".to_string(), "15".to_string()), ("x-ratelimit-remaining".to_string(), "0".to_string())];
            match ra {
                RetryAfter::Absent => {}
                RetryAfter::Seconds(s) => extra.push(("retry-after".into(), s.to_string())),
                RetryAfter::HttpDate(s) => {
                    let at = chrono::Utc::now() + chrono::Duration::seconds(*s as i64);
                    extra.push(("retry-after".into(), at.format("%a, %d %b %Y %H:%M:%S GMT").to_string()));
                }
            }
            synth(shared, 429, JSON, br#"{"error":"Rate limit exceeded.","detailedmessage":"Too many requests. Please slow down."}"#, &extra)
        }
        Fault::OverQpsHtml => synth(shared, 403, Some("text/html"), b"<h1>Developer Over Qps</h1>", &[]),
        Fault::GatewayError(s) => synth(shared, *s, None, b"", &[]),
        Fault::JsonError(s) => {
            let body = serde_json::json!({"error": reason(*s), "detailedmessage": "The service encountered an unexpected condition."});
            synth(shared, *s, JSON, body.to_string().as_bytes(), &[])
        }
        Fault::MalformedJson => synth(shared, 200, JSON, br#"{"patients":[{"patientid":"1","firstname":"#, &[]),
        Fault::HtmlErrorPage => synth(
            shared,
            200,
            Some("text/html"),
            b"<html><head><title>Service Unavailable</title></head><body><h1>athenahealth is temporarily unavailable</h1><p>Please try again later.</p></body></html>",
            &[],
        ),
        Fault::Latency(_) | Fault::DropBeforeHandler | Fault::DropAfterHandler | Fault::TruncatedBody => return None,
    })
}

async fn forward(
    upstream_addr: SocketAddr,
    up: &mut Option<(TcpStream, Vec<u8>)>,
    req: &Msg,
    method: &str,
) -> io::Result<Msg> {
    for attempt in 0..2 {
        if up.is_none() {
            let s = TcpStream::connect(upstream_addr).await?;
            s.set_nodelay(true)?;
            *up = Some((s, Vec::new()));
        }
        let Some((stream, buf)) = up.as_mut() else {
            continue;
        };
        let mut wire = Vec::with_capacity(req.head.len() + req.body.len());
        wire.extend_from_slice(&req.head);
        wire.extend_from_slice(&req.body);
        let sent = stream.write_all(&wire).await;
        let got = match sent {
            Ok(()) => read_msg(stream, buf, Some(method)).await,
            Err(e) => Err(e),
        };
        match got {
            Ok(Some(msg)) => {
                if msg.close {
                    *up = None;
                }
                return Ok(msg);
            }
            // A stale keep-alive connection: reconnect once.
            Ok(None) | Err(_) if attempt == 0 => {
                *up = None;
            }
            Ok(None) => {
                return Err(io::Error::new(
                    io::ErrorKind::UnexpectedEof,
                    "upstream closed",
                ));
            }
            Err(e) => return Err(e),
        }
    }
    Err(io::Error::other("upstream unavailable"))
}

async fn connection(
    mut client: TcpStream,
    upstream_addr: SocketAddr,
    shared: Arc<Shared>,
) -> io::Result<()> {
    client.set_nodelay(true)?;
    let mut buf = Vec::new();
    let mut up: Option<(TcpStream, Vec<u8>)> = None;
    loop {
        let Some(req) = read_msg(&mut client, &mut buf, None).await? else {
            return Ok(());
        };
        let _in_flight = InFlight::new(&shared.stats.in_flight);
        let (method, path) = req.request_target();
        let fault = shared.faults.take(&method, &path);
        if fault.is_some() {
            Counters::inc(&shared.stats.faults_injected);
        }
        if let Some(f) = &fault {
            if *f == Fault::DropBeforeHandler {
                return Ok(());
            }
            if let Fault::Latency(d) = f {
                tokio::time::sleep(*d).await;
            }
            if let Some(bytes) = fault_response(&shared, f) {
                client.write_all(&bytes).await?;
                if req.close {
                    return Ok(());
                }
                continue;
            }
        }
        let resp = match forward(upstream_addr, &mut up, &req, &method).await {
            Ok(r) => r,
            Err(_) => {
                let bytes = synth(&shared, 502, None, b"", &[]);
                client.write_all(&bytes).await?;
                return Ok(());
            }
        };
        match fault {
            Some(Fault::DropAfterHandler) => return Ok(()),
            Some(Fault::TruncatedBody) => {
                // The connection is closed after the half body: say so in the head, so that
                // whether the client reuses it for its next request never depends on how fast
                // it notices the close (an empty body, a 202, is otherwise a complete answer
                // on a connection the client may or may not pick again: a timing race).
                let mut head = resp.head;
                if head.ends_with(b"\r\n\r\n") {
                    head.truncate(head.len() - 2);
                    head.extend_from_slice(b"Connection: close\r\n\r\n");
                }
                client.write_all(&head).await?;
                let half = resp.body.len() / 2;
                client.write_all(&resp.body[..half]).await?;
                client.flush().await?;
                let _ = client.shutdown().await;
                return Ok(());
            }
            _ => {}
        }
        let mut wire = resp.head;
        wire.extend_from_slice(&resp.body);
        client.write_all(&wire).await?;
        if req.close || resp.close {
            let _ = client.shutdown().await;
            return Ok(());
        }
    }
}
