//! The FHIR client on the core transport: 429 + `Retry-After` retried, a 401 refreshing the
//! token once, bulk polling that honours `Retry-After` and surfaces `X-Progress`, and the
//! bearer token never leaving the FHIR server's origin (foreign `next` links and manifest
//! URLs). Time is a `ManualClock`: a 5-minute `Retry-After` is recorded, not waited for.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use athena_core::PracticeId;
use athena_core::runtime::{ManualClock, Runtime};
use athena_fhir::bulk::{ExportOptions, Manifest, PollPolicy};
use athena_fhir::r4::{Observation, Resource};
use athena_fhir::search::Search;
use athena_fhir::{FhirClient, FhirErrorKind};
use athena_testkit::{Fault, FaultRule, RetryAfter, Sandbox};
use futures::StreamExt;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

fn core(base: &str, id: &str, secret: &str, clock: &ManualClock) -> athena_core::Client {
    athena_core::Client::builder()
        .base_url(base)
        .client_credentials(id, secret)
        .scope("system/*.read")
        .runtime(Runtime::manual(clock, 0.5))
        .build()
        .expect("core client")
}

fn fhir(sb: &Sandbox, clock: &ManualClock) -> FhirClient {
    let core = core(&sb.base_url(), sb.client_id(), sb.client_secret(), clock);
    FhirClient::new(&core.practice(PracticeId::new(sb.practice_id())))
}

fn patient(sb: &Sandbox) -> athena_fhir::FhirPatientId {
    athena_fhir::FhirPatientId::new(&format!("a-{}.E-3", sb.practice_id())).expect("patient id")
}

#[tokio::test]
async fn a_search_retries_429_after_retry_after() {
    let sb = Sandbox::start().await;
    let clock = ManualClock::new();
    let c = fhir(&sb, &clock);
    sb.faults().push(
        FaultRule::new(Fault::TooManyRequests(RetryAfter::Seconds(7)))
            .path("/fhir/r4/Observation")
            .once(),
    );
    let before = sb.stats();
    let bundle = c
        .search(&Search::for_patient::<Observation>(&patient(&sb)).count(5))
        .await
        .expect("search after one 429");
    assert!(!bundle.entry.is_empty());
    let after = sb.stats();
    assert_eq!(after.faults_injected - before.faults_injected, 1);
    assert!(
        clock.elapsed() >= Duration::from_secs(7),
        "waited {:?}, server asked 7 s",
        clock.elapsed()
    );
    assert!(c.core().rate_limit_status().throttled_responses >= 1);
}

#[tokio::test]
async fn a_401_refreshes_the_token_once_and_replays() {
    let sb = Sandbox::start().await;
    let clock = ManualClock::new();
    let c = fhir(&sb, &clock);
    let p = athena_core::PatientId::new(3);
    c.read_patient(p).await.expect("first read");
    assert_eq!(sb.stats().tokens_issued, 1);
    sb.expire_tokens();
    let again = c
        .read_patient(p)
        .await
        .expect("read after the token expired");
    assert_eq!(again.id.as_deref(), Some(patient(&sb).as_str()));
    assert_eq!(sb.stats().tokens_issued, 2, "exactly one refresh");
    // Downloads take the refreshed token from the same cache: no third token.
    let job = c
        .export_group(&ExportOptions {
            types: vec!["Patient".into()],
            ..Default::default()
        })
        .await
        .expect("kick-off");
    let manifest = job
        .wait(&PollPolicy::default(), |_| {})
        .await
        .expect("manifest");
    let n = c
        .download(&manifest, &manifest.output[0])
        .filter(|r| futures::future::ready(r.is_ok()))
        .count()
        .await;
    assert!(n > 0);
    assert_eq!(sb.stats().tokens_issued, 2);
}

#[tokio::test]
async fn bulk_polling_honours_retry_after_and_surfaces_progress() {
    let sb = Sandbox::start().await;
    let clock = ManualClock::new();
    let c = fhir(&sb, &clock);
    let options = ExportOptions {
        types: vec!["Patient".into()],
        ..Default::default()
    };
    let policy = PollPolicy {
        floor: Duration::from_millis(10),
        initial: Duration::from_millis(10),
        // Below every Retry-After here: the server's waits must win over our own ceiling.
        ceiling: Duration::from_millis(500),
        ..Default::default()
    };

    // The sandbox answers the first poll with 202, `Retry-After: 1` and `X-Progress`.
    let job = c.export_group(&options).await.expect("kick-off");
    let mut seen = Vec::new();
    let manifest = job
        .wait(&policy, |p| seen.push(p.map(str::to_owned)))
        .await
        .expect("manifest");
    assert_eq!(seen, [Some("in-progress (50%)".to_owned())]);
    assert_eq!(manifest.output.len(), 1);
    assert_eq!(
        clock.elapsed(),
        Duration::from_secs(1),
        "exactly the 1 s asked"
    );

    // Now the first poll is throttled for 5 minutes, longer than the transport's retry policy
    // honours (60 s): the transport hands the 429 over and `wait` waits it out.
    let job = c.export_group(&options).await.expect("kick-off 2");
    sb.faults().push(
        FaultRule::new(Fault::TooManyRequests(RetryAfter::Seconds(300)))
            .path("/fhir/r4/bulkstatus/*")
            .once(),
    );
    let start = clock.elapsed();
    let mut seen = Vec::new();
    job.wait(&policy, |p| seen.push(p.map(str::to_owned)))
        .await
        .expect("manifest after a 429");
    assert_eq!(seen, [Some("in-progress (50%)".to_owned())]);
    let waited = clock.elapsed() - start;
    assert!(
        waited >= Duration::from_secs(301),
        "waited {waited:?}: 300 s for the 429 + 1 s for the 202"
    );
    assert!(waited < Duration::from_secs(400), "waited {waited:?}");
}

#[tokio::test]
async fn bulk_polling_gives_up_at_its_deadline() {
    let sb = Sandbox::start().await;
    let clock = ManualClock::new();
    let c = fhir(&sb, &clock);
    let job = c
        .export_group(&ExportOptions::default())
        .await
        .expect("kick-off");
    sb.faults().push(
        FaultRule::new(Fault::TooManyRequests(RetryAfter::Seconds(7200)))
            .path("/fhir/r4/bulkstatus/*"),
    );
    let policy = PollPolicy {
        deadline: Duration::from_secs(3600),
        ..Default::default()
    };
    let err = job.wait(&policy, |_| {}).await.expect_err("deadline");
    assert_eq!(err.kind(), FhirErrorKind::Export, "{err}");
    sb.faults().clear();
}

/// A one-request-per-connection HTTP server answering from `respond(method, target)` and
/// recording each request head.
struct Server {
    origin: String,
    heads: Arc<Mutex<Vec<String>>>,
}

type Responder = dyn Fn(&str, &str) -> (u16, &'static str, String) + Send + Sync;

async fn serve(respond: Arc<Responder>) -> Server {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let origin = format!("http://{}", listener.local_addr().expect("addr"));
    let heads = Arc::new(Mutex::new(Vec::new()));
    let recorded = heads.clone();
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            let respond = respond.clone();
            let recorded = recorded.clone();
            tokio::spawn(async move {
                let mut buf = Vec::new();
                let mut chunk = [0u8; 4096];
                let head_end = loop {
                    let Ok(n) = stream.read(&mut chunk).await else {
                        return;
                    };
                    if n == 0 {
                        return;
                    }
                    buf.extend_from_slice(&chunk[..n]);
                    if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                        break i + 4;
                    }
                };
                let head = String::from_utf8_lossy(&buf[..head_end]).into_owned();
                let length = head
                    .lines()
                    .find_map(|l| {
                        let (k, v) = l.split_once(':')?;
                        k.eq_ignore_ascii_case("content-length")
                            .then(|| v.trim().parse::<usize>().ok())?
                    })
                    .unwrap_or(0);
                while buf.len() < head_end + length {
                    match stream.read(&mut chunk).await {
                        Ok(0) | Err(_) => break,
                        Ok(n) => buf.extend_from_slice(&chunk[..n]),
                    }
                }
                let mut first = head.lines().next().unwrap_or("").split(' ');
                let method = first.next().unwrap_or("").to_owned();
                let target = first.next().unwrap_or("").to_owned();
                recorded.lock().expect("lock").push(head);
                let (status, content_type, body) = respond(&method, &target);
                let reply = format!(
                    "HTTP/1.1 {status} X\r\ncontent-type: {content_type}\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                    body.len()
                );
                let _ = stream.write_all(reply.as_bytes()).await;
                let _ = stream.shutdown().await;
            });
        }
    });
    Server { origin, heads }
}

fn has_bearer(head: &str) -> bool {
    head.lines()
        .any(|l| l.to_ascii_lowercase().starts_with("authorization: bearer"))
}

#[tokio::test]
async fn the_token_never_goes_to_another_origin() {
    // `elsewhere` would accept anything and records what reaches it.
    let elsewhere = serve(Arc::new(|_, _| {
        (
            200,
            "application/fhir+ndjson",
            "{\"resourceType\":\"Patient\",\"id\":\"x\"}\n".to_owned(),
        )
    }))
    .await;
    let foreign = elsewhere.origin.clone();
    // The FHIR server: a token endpoint and an Observation search whose `next` link points to
    // `elsewhere`.
    let fhir_server = serve(Arc::new(move |method: &str, target: &str| {
        if method == "POST" && target.starts_with("/oauth2/v1/token") {
            return (
                200,
                "application/json",
                r#"{"access_token":"secret-token","expires_in":3600,"token_type":"Bearer"}"#.to_owned(),
            );
        }
        if target.starts_with("/fhir/r4/Observation") {
            let bundle = serde_json::json!({
                "resourceType": "Bundle",
                "type": "searchset",
                "link": [{"relation": "next", "url": format!("{foreign}/fhir/r4/Observation?cursor=2")}],
                "entry": [{"resource": {"resourceType": "Observation", "id": "o1", "status": "final",
                    "code": {"text": "x"}}}],
            });
            return (200, "application/fhir+json", bundle.to_string());
        }
        (404, "application/fhir+json", r#"{"resourceType":"OperationOutcome","issue":[{"severity":"error","code":"not-found"}]}"#.to_owned())
    }))
    .await;
    let clock = ManualClock::new();
    let c = FhirClient::new(
        &core(&fhir_server.origin, "id", "secret", &clock).practice(PracticeId::new(195900)),
    );

    // Search paging: page 1 arrives, the foreign `next` link ends the stream with an error.
    let items: Vec<_> = c
        .search_stream::<Resource>(&Search::for_patient::<Observation>(
            &athena_fhir::FhirPatientId::new("a-195900.E-1").expect("id"),
        ))
        .collect()
        .await;
    assert!(
        matches!(items[0], Ok(Resource::Observation(_))),
        "{items:?}"
    );
    assert!(
        matches!(items.last(), Some(Err(e)) if e.kind() == FhirErrorKind::ForeignOrigin),
        "{items:?}"
    );
    let fhir_heads = fhir_server.heads.lock().expect("lock").clone();
    assert!(
        fhir_heads
            .iter()
            .any(|h| h.starts_with("GET /fhir/r4/Observation") && has_bearer(h)),
        "the FHIR server itself gets the token"
    );

    // Manifest files elsewhere: with requiresAccessToken the download is refused; without,
    // it is fetched with no Authorization header.
    let manifest = |requires: bool| -> Manifest {
        serde_json::from_value(serde_json::json!({
            "transactionTime": "2024-01-01T00:00:00Z",
            "request": format!("{}/fhir/r4/Group/a-1.c-195900/$export", fhir_server.origin),
            "requiresAccessToken": requires,
            "output": [{"type": "Patient", "url": format!("{}/files/Patient.ndjson", elsewhere.origin)}],
        }))
        .expect("manifest")
    };
    let m = manifest(true);
    let refused: Vec<_> = c.download(&m, &m.output[0]).collect().await;
    assert!(
        matches!(refused.as_slice(), [Err(e)] if e.kind() == FhirErrorKind::ForeignOrigin),
        "{refused:?}"
    );
    assert!(
        elsewhere.heads.lock().expect("lock").is_empty(),
        "nothing reached the other origin"
    );
    let m = manifest(false);
    let fetched: Vec<_> = c.download(&m, &m.output[0]).collect().await;
    assert!(
        matches!(fetched.as_slice(), [Ok(Resource::Patient(_))]),
        "{fetched:?}"
    );
    let heads = elsewhere.heads.lock().expect("lock").clone();
    assert_eq!(heads.len(), 1);
    assert!(
        !has_bearer(&heads[0]),
        "capability URL fetched without the token"
    );
    assert!(!heads[0].contains("secret-token"));
}
