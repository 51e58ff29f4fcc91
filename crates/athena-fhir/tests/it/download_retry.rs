//! Bulk Data file downloads retry like every other call: a scripted local server answers
//! each file request as told (an error status, a body cut mid-line, a stall, a gzip body cut
//! short), and the tests check that every resource is yielded exactly once, that waits follow
//! `Retry-After` on a `ManualClock`, and that what cannot be cured ends in a typed error that
//! names neither the file URL nor any value.

use std::io::Write as _;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use athena_core::runtime::{ManualClock, Runtime};
use athena_core::{ErrorKind, PracticeId};
use athena_fhir::bulk::{DownloadPolicy, Manifest};
use athena_fhir::r4::Resource;
use athena_fhir::{FhirClient, FhirError, FhirErrorKind};
use futures::StreamExt;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// The file path: its id-like segment must never appear in an error.
const FILE_PATH: &str = "/fhir/r4/bulkfiles/a-195900.E-77/Patient.ndjson";
const LINES: usize = 50;

/// `LINES` Patients, one per line; names are the "PHI" errors must not show.
fn ndjson() -> Vec<u8> {
    (1..=LINES)
        .map(|i| {
            format!(
                "{{\"resourceType\":\"Patient\",\"id\":\"p{i}\",\"name\":[{{\"family\":\"Secretname{i}\"}}]}}\n"
            )
        })
        .collect::<String>()
        .into_bytes()
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    enc.write_all(bytes).expect("gzip");
    enc.finish().expect("gzip")
}

/// A byte offset inside line `n` (1-based) of `ndjson()`: a cut there leaves a partial line.
fn inside_line(n: usize) -> usize {
    let body = ndjson();
    let start: usize = body
        .split(|&b| b == b'\n')
        .take(n - 1)
        .map(|l| l.len() + 1)
        .sum();
    start + 10
}

/// How the server answers one file request.
#[derive(Clone)]
enum Reply {
    /// A complete answer.
    Full {
        status: u16,
        headers: Vec<(&'static str, String)>,
        body: Vec<u8>,
    },
    /// Announces all of `body` but sends only `body[..at]`, waits `hold`, then closes. With
    /// `chunked`, the body is one chunk of the full size, cut short (no last chunk).
    Cut {
        headers: Vec<(&'static str, String)>,
        body: Vec<u8>,
        at: usize,
        chunked: bool,
        hold: Duration,
    },
    /// Waits `hold` before the head.
    StallHead { hold: Duration },
}

fn ok(body: Vec<u8>) -> Reply {
    Reply::Full {
        status: 200,
        headers: vec![("content-type", "application/fhir+ndjson".into())],
        body,
    }
}

fn cut(at: usize) -> Reply {
    Reply::Cut {
        headers: vec![("content-type", "application/fhir+ndjson".into())],
        body: ndjson(),
        at,
        chunked: false,
        hold: Duration::from_millis(50),
    }
}

fn status(code: u16, headers: Vec<(&'static str, String)>, body: &str) -> Reply {
    Reply::Full {
        status: code,
        headers,
        body: body.as_bytes().to_vec(),
    }
}

type Script = dyn Fn(usize) -> Reply + Send + Sync;

struct Server {
    origin: String,
    /// Heads of the file requests, in order.
    file_heads: Arc<Mutex<Vec<String>>>,
    tokens: Arc<AtomicUsize>,
}

impl Server {
    fn file_requests(&self) -> usize {
        self.file_heads.lock().expect("lock").len()
    }
}

async fn serve(script: Arc<Script>) -> Server {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let origin = format!("http://{}", listener.local_addr().expect("addr"));
    let file_heads = Arc::new(Mutex::new(Vec::new()));
    let tokens = Arc::new(AtomicUsize::new(0));
    let (heads, issued) = (file_heads.clone(), tokens.clone());
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            let (script, heads, issued) = (script.clone(), heads.clone(), issued.clone());
            tokio::spawn(async move {
                let mut buf = Vec::new();
                let mut chunk = [0u8; 4096];
                let head_end = loop {
                    match stream.read(&mut chunk).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => buf.extend_from_slice(&chunk[..n]),
                    }
                    if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                        break i + 4;
                    }
                };
                let head = String::from_utf8_lossy(&buf[..head_end]).into_owned();
                if head.starts_with("POST /oauth2/v1/token") {
                    let n = issued.fetch_add(1, Ordering::SeqCst) + 1;
                    let body = format!(
                        r#"{{"access_token":"token-{n}","expires_in":3600,"token_type":"Bearer"}}"#
                    );
                    let reply = format!(
                        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                        body.len()
                    );
                    let _ = stream.write_all(reply.as_bytes()).await;
                    let _ = stream.shutdown().await;
                    return;
                }
                let n = {
                    let mut h = heads.lock().expect("lock");
                    h.push(head);
                    h.len() - 1
                };
                let write_head = |code: u16, headers: &[(&str, String)], framing: String| {
                    let mut h = format!("HTTP/1.1 {code} X\r\nconnection: close\r\n{framing}");
                    for (k, v) in headers {
                        h.push_str(&format!("{k}: {v}\r\n"));
                    }
                    h.push_str("\r\n");
                    h.into_bytes()
                };
                match script(n) {
                    Reply::Full {
                        status,
                        headers,
                        body,
                    } => {
                        let mut wire = write_head(
                            status,
                            &headers,
                            format!("content-length: {}\r\n", body.len()),
                        );
                        wire.extend_from_slice(&body);
                        let _ = stream.write_all(&wire).await;
                    }
                    Reply::Cut {
                        headers,
                        body,
                        at,
                        chunked,
                        hold,
                    } => {
                        let mut wire = if chunked {
                            let mut w =
                                write_head(200, &headers, "transfer-encoding: chunked\r\n".into());
                            w.extend_from_slice(format!("{:x}\r\n", body.len()).as_bytes());
                            w
                        } else {
                            write_head(200, &headers, format!("content-length: {}\r\n", body.len()))
                        };
                        wire.extend_from_slice(&body[..at]);
                        let _ = stream.write_all(&wire).await;
                        let _ = stream.flush().await;
                        tokio::time::sleep(hold).await;
                    }
                    Reply::StallHead { hold } => {
                        tokio::time::sleep(hold).await;
                        return;
                    }
                }
                let _ = stream.shutdown().await;
            });
        }
    });
    Server {
        origin,
        file_heads,
        tokens,
    }
}

/// A client on `origin` (anonymous unless `auth`), on a manual clock.
fn client(origin: &str, clock: &ManualClock, auth: bool) -> FhirClient {
    let builder = athena_core::Client::builder()
        .base_url(origin)
        .runtime(Runtime::manual(clock, 0.5));
    let core = if auth {
        builder.client_credentials("id", "secret")
    } else {
        builder.anonymous()
    }
    .build()
    .expect("core client");
    FhirClient::new(&core.practice(PracticeId::new(195900)))
}

fn manifest(origin: &str, requires_token: bool) -> Manifest {
    serde_json::from_value(serde_json::json!({
        "transactionTime": "2024-05-01T00:00:00Z",
        "request": format!("{origin}/fhir/r4/Group/a-1.c-195900/$export"),
        "requiresAccessToken": requires_token,
        "output": [{"type": "Patient", "url": format!("{origin}{FILE_PATH}")}],
    }))
    .expect("manifest")
}

/// Downloads the file; every item, in order.
async fn download(
    c: &FhirClient,
    m: &Manifest,
    policy: &DownloadPolicy,
) -> Vec<Result<Resource, FhirError>> {
    c.download_with(m, &m.output[0], policy).collect().await
}

/// The ids of a clean download; fails on any error.
fn ids(items: Vec<Result<Resource, FhirError>>) -> Vec<String> {
    items
        .into_iter()
        .map(|r| match r.expect("a resource") {
            Resource::Patient(p) => p.id.expect("id"),
            other => panic!("not a Patient: {}", other.resource_type()),
        })
        .collect()
}

fn all_ids() -> Vec<String> {
    (1..=LINES).map(|i| format!("p{i}")).collect()
}

/// An error's `Display` and `Debug` name neither the file URL nor any value.
fn assert_phi_free(e: &FhirError) {
    let text = format!("{e} / {e:?}");
    for leak in ["E-77", "bulkfiles", "127.0.0.1", "Secretname"] {
        assert!(!text.contains(leak), "`{leak}` leaked into: {text}");
    }
}

#[tokio::test]
async fn a_503_with_retry_after_is_retried_after_the_wait() {
    let server = serve(Arc::new(|n| match n {
        0 => status(503, vec![("retry-after", "7".into())], ""),
        _ => ok(ndjson()),
    }))
    .await;
    let clock = ManualClock::new();
    let c = client(&server.origin, &clock, false);
    let m = manifest(&server.origin, false);
    let items = download(&c, &m, &DownloadPolicy::default()).await;
    assert_eq!(ids(items), all_ids());
    assert_eq!(server.file_requests(), 2);
    assert_eq!(
        clock.sleeps(),
        vec![Duration::from_secs(7)],
        "waited the Retry-After"
    );
}

#[tokio::test]
async fn a_connection_dropped_mid_line_resumes_with_every_resource_once() {
    let at = inside_line(20);
    let server = serve(Arc::new(move |n| match n {
        0 => cut(at),
        _ => ok(ndjson()),
    }))
    .await;
    let clock = ManualClock::new();
    let c = client(&server.origin, &clock, false);
    let m = manifest(&server.origin, false);
    // Consume as a caller would, noting what had arrived when the second request went out.
    let mut stream = std::pin::pin!(c.download(&m, &m.output[0]));
    let mut got = Vec::new();
    let mut before_retry = None;
    while let Some(item) = stream.next().await {
        if before_retry.is_none() && server.file_requests() == 2 {
            before_retry = Some(got.len());
        }
        got.push(item);
    }
    // The partial line 20 was discarded, not yielded as a decode error, and lines 1–19
    // were handed out by the first attempt, then skipped by the second.
    assert_eq!(ids(got), all_ids());
    assert_eq!(server.file_requests(), 2);
    assert_eq!(
        before_retry,
        Some(19),
        "19 complete lines came from the first attempt"
    );
}

#[tokio::test]
async fn truncated_bodies_plain_chunked_and_gzip_are_resumed() {
    let plain = ndjson();
    let gz = gzip(&plain);
    let cases: Vec<(&str, Reply, Reply)> = vec![
        (
            "chunked body without its last chunk",
            Reply::Cut {
                headers: vec![("content-type", "application/fhir+ndjson".into())],
                body: plain.clone(),
                at: inside_line(33),
                chunked: true,
                hold: Duration::from_millis(50),
            },
            ok(plain.clone()),
        ),
        (
            "Content-Encoding: gzip cut short",
            Reply::Cut {
                headers: vec![("content-encoding", "gzip".into())],
                body: gz.clone(),
                at: gz.len() / 2,
                chunked: false,
                hold: Duration::from_millis(50),
            },
            Reply::Full {
                status: 200,
                headers: vec![("content-encoding", "gzip".into())],
                body: gz.clone(),
            },
        ),
        (
            "a .gz body (no Content-Encoding) cut short",
            Reply::Cut {
                headers: vec![("content-type", "application/gzip".into())],
                body: gz.clone(),
                at: gz.len() / 2,
                chunked: true,
                hold: Duration::from_millis(50),
            },
            Reply::Full {
                status: 200,
                headers: vec![("content-type", "application/gzip".into())],
                body: gz.clone(),
            },
        ),
    ];
    for (label, first, then) in cases {
        let server = serve(Arc::new(
            move |n| if n == 0 { first.clone() } else { then.clone() },
        ))
        .await;
        let clock = ManualClock::new();
        let c = client(&server.origin, &clock, false);
        let m = manifest(&server.origin, false);
        let items = download(&c, &m, &DownloadPolicy::default()).await;
        assert!(items.iter().all(Result::is_ok), "{label}: {items:?}");
        assert_eq!(ids(items), all_ids(), "{label}");
        assert_eq!(server.file_requests(), 2, "{label}");
    }
}

#[tokio::test]
async fn drops_after_progress_start_a_fresh_count() {
    // Four drops, each further into the file: more failures than `max_attempts` (3), but
    // every attempt made progress, so the download completes.
    let server = serve(Arc::new(|n| match n {
        0..=3 => cut(inside_line(10 * (n + 1))),
        _ => ok(ndjson()),
    }))
    .await;
    let clock = ManualClock::new();
    let c = client(&server.origin, &clock, false);
    let m = manifest(&server.origin, false);
    let items = download(&c, &m, &DownloadPolicy::default()).await;
    assert_eq!(ids(items), all_ids());
    assert_eq!(server.file_requests(), 5);
}

#[tokio::test]
async fn a_stall_before_the_head_or_in_the_body_hits_the_idle_timeout() {
    for stall_in_body in [false, true] {
        let server = serve(Arc::new(move |n| match (n, stall_in_body) {
            (0, false) => Reply::StallHead {
                hold: Duration::from_secs(5),
            },
            (0, true) => Reply::Cut {
                headers: vec![],
                body: ndjson(),
                at: inside_line(12),
                chunked: false,
                hold: Duration::from_secs(5),
            },
            _ => ok(ndjson()),
        }))
        .await;
        let clock = ManualClock::new();
        let c = client(&server.origin, &clock, false);
        let m = manifest(&server.origin, false);
        let policy = DownloadPolicy::default().with_idle_timeout(Duration::from_millis(200));
        let items = download(&c, &m, &policy).await;
        assert_eq!(ids(items), all_ids(), "stall in body: {stall_in_body}");
        assert_eq!(server.file_requests(), 2);
    }
}

#[tokio::test]
async fn exhausted_retries_end_in_a_typed_phi_free_error() {
    // Always cut at the same place: no progress after the first attempt.
    let at = inside_line(10);
    let server = serve(Arc::new(move |_| cut(at))).await;
    let clock = ManualClock::new();
    let c = client(&server.origin, &clock, false);
    let m = manifest(&server.origin, false);
    let items = download(&c, &m, &DownloadPolicy::default()).await;
    assert_eq!(items.len(), 10, "9 resources, then the error");
    assert_eq!(
        ids(items[..9]
            .iter()
            .map(|r| Ok(r.as_ref().expect("ok").clone()))
            .collect()),
        all_ids()[..9]
    );
    let e = items[9].as_ref().expect_err("the last item is the error");
    assert_eq!(e.kind(), FhirErrorKind::Request, "{e:?}");
    assert_eq!(e.core_kind(), Some(ErrorKind::Transport), "{e}");
    assert_eq!(
        e.core_error().and_then(athena_core::Error::route),
        Some("/fhir/r4/{bulk-file}")
    );
    assert!(e.is_transient());
    assert_phi_free(e);
    // `max_attempts` (3) counted from the last attempt that made progress (the first).
    assert_eq!(server.file_requests(), 3);

    // A server that keeps answering 503: `Server 503` after 3 attempts, 2 waits.
    let server = serve(Arc::new(|_| {
        status(
            503,
            vec![("content-type", "application/fhir+json".into())],
            r#"{"resourceType":"OperationOutcome","issue":[{"severity":"error","code":"transient","diagnostics":"Secretname1 a-195900.E-77"}]}"#,
        )
    }))
    .await;
    let clock = ManualClock::new();
    let c = client(&server.origin, &clock, false);
    let m = manifest(&server.origin, false);
    let items = download(&c, &m, &DownloadPolicy::default()).await;
    assert_eq!(items.len(), 1);
    let e = items[0].as_ref().expect_err("an error");
    assert!(
        e.kind() == FhirErrorKind::Server && e.status() == Some(503),
        "{e:?}"
    );
    assert_eq!(format!("{e}"), "FHIR server answered HTTP 503 (transient)");
    assert_eq!(server.file_requests(), 3);
    assert_eq!(clock.sleeps().len(), 2);
}

#[tokio::test]
async fn non_retryable_answers_fail_at_once() {
    let outcome =
        r#"{"resourceType":"OperationOutcome","issue":[{"severity":"error","code":"forbidden"}]}"#;
    for (code, ctype) in [
        (404, "application/fhir+json"),
        (410, "application/fhir+json"),
        (400, "application/fhir+json"),
        (403, "application/fhir+json"),
    ] {
        let server = serve(Arc::new(move |_| {
            status(code, vec![("content-type", ctype.into())], outcome)
        }))
        .await;
        let clock = ManualClock::new();
        let c = client(&server.origin, &clock, false);
        let m = manifest(&server.origin, false);
        let items = download(&c, &m, &DownloadPolicy::default()).await;
        assert!(
            matches!(items.as_slice(), [Err(e)] if e.kind() == FhirErrorKind::Server && e.status() == Some(code)),
            "{code}: {items:?}"
        );
        assert_eq!(server.file_requests(), 1, "{code} is not retried");
        assert!(clock.sleeps().is_empty());
    }
    // A 429 whose Retry-After is past the policy's limit (60 s) is not waited for here.
    let server = serve(Arc::new(|_| {
        status(429, vec![("retry-after", "120".into())], "")
    }))
    .await;
    let clock = ManualClock::new();
    let c = client(&server.origin, &clock, false);
    let m = manifest(&server.origin, false);
    let items = download(&c, &m, &DownloadPolicy::default()).await;
    assert!(
        matches!(
            items.as_slice(),
            [Err(e)] if e.kind() == FhirErrorKind::Server && e.status() == Some(429)
        ),
        "{items:?}"
    );
    assert_eq!(server.file_requests(), 1);
}

#[tokio::test]
async fn the_over_qps_page_and_429_are_retried() {
    let server = serve(Arc::new(|n| match n {
        0 => status(
            403,
            vec![("content-type", "text/html".into())],
            "<h1>Developer Over Qps</h1>",
        ),
        1 => status(429, vec![], ""),
        _ => ok(ndjson()),
    }))
    .await;
    let clock = ManualClock::new();
    let c = client(&server.origin, &clock, false);
    let m = manifest(&server.origin, false);
    let items = download(&c, &m, &DownloadPolicy::default()).await;
    assert_eq!(ids(items), all_ids());
    assert_eq!(server.file_requests(), 3);
    // Rate limiting without Retry-After waits at least the policy's 1 s floor.
    assert!(
        clock.sleeps().iter().all(|d| *d >= Duration::from_secs(1)),
        "{:?}",
        clock.sleeps()
    );
}

#[tokio::test]
async fn a_401_refreshes_once_and_retries_keep_the_token_on_its_origin() {
    let server = serve(Arc::new(|n| match n {
        0 => status(401, vec![], ""),
        1 => cut(inside_line(5)),
        _ => ok(ndjson()),
    }))
    .await;
    let clock = ManualClock::new();
    let c = client(&server.origin, &clock, true);
    let m = manifest(&server.origin, true);
    let items = download(&c, &m, &DownloadPolicy::default()).await;
    assert_eq!(ids(items), all_ids());
    let heads = server.file_heads.lock().expect("lock").clone();
    assert_eq!(heads.len(), 3);
    let bearer = |h: &str| {
        h.lines().find_map(|l| {
            l.to_ascii_lowercase()
                .strip_prefix("authorization: bearer ")
                .map(str::to_owned)
        })
    };
    assert_eq!(bearer(&heads[0]).as_deref(), Some("token-1"));
    assert_eq!(
        bearer(&heads[1]).as_deref(),
        Some("token-2"),
        "refreshed after the 401"
    );
    assert_eq!(
        bearer(&heads[2]).as_deref(),
        Some("token-2"),
        "the retry reuses it"
    );
    assert_eq!(
        server.tokens.load(Ordering::SeqCst),
        2,
        "exactly one refresh"
    );

    // Without requiresAccessToken no attempt carries the token.
    let server = serve(Arc::new(|n| {
        if n == 0 {
            cut(inside_line(5))
        } else {
            ok(ndjson())
        }
    }))
    .await;
    let c = client(&server.origin, &clock, true);
    let m = manifest(&server.origin, false);
    assert_eq!(
        ids(download(&c, &m, &DownloadPolicy::default()).await),
        all_ids()
    );
    let heads = server.file_heads.lock().expect("lock").clone();
    assert_eq!(heads.len(), 2);
    assert!(heads.iter().all(|h| bearer(h).is_none()), "{heads:?}");
}

#[tokio::test]
async fn a_file_that_changed_between_attempts_is_an_error_not_a_silent_mix() {
    let server = serve(Arc::new(|n| match n {
        0 => Reply::Cut {
            headers: vec![("etag", "\"v1\"".into())],
            body: ndjson(),
            at: inside_line(8),
            chunked: false,
            hold: Duration::from_millis(50),
        },
        _ => Reply::Full {
            status: 200,
            headers: vec![("etag", "\"v2\"".into())],
            body: ndjson(),
        },
    }))
    .await;
    let clock = ManualClock::new();
    let c = client(&server.origin, &clock, false);
    let m = manifest(&server.origin, false);
    let items = download(&c, &m, &DownloadPolicy::default()).await;
    assert_eq!(items.len(), 8, "7 resources, then the error");
    assert!(
        matches!(&items[7], Err(e) if e.kind() == FhirErrorKind::Export),
        "{:?}",
        items[7]
    );
    assert_phi_free(items[7].as_ref().expect_err("error"));
}

#[tokio::test]
async fn no_retries_with_a_one_attempt_policy() {
    let server = serve(Arc::new(|_| status(503, vec![], ""))).await;
    let clock = ManualClock::new();
    let c = client(&server.origin, &clock, false);
    let m = manifest(&server.origin, false);
    let policy = DownloadPolicy::default().with_retry(athena_core::retry::RetryPolicy::none());
    let items = download(&c, &m, &policy).await;
    assert!(matches!(
        items.as_slice(),
        [Err(e)] if e.kind() == FhirErrorKind::Server && e.status() == Some(503)
    ));
    assert_eq!(server.file_requests(), 1);
}
