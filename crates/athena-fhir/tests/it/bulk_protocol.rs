//! Bulk Data protocol against a scripted local server: a kick-off is never resent once it may
//! have reached the server, every kick-off parameter is sent (GET query or POST `Parameters`),
//! any Group can be exported, paged manifests are followed, and `wait` keeps its deadline
//! whatever `Retry-After` says; typed search streams, and the lenient client. Time is a
//! `ManualClock`: nothing here waits for real.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use athena_core::PracticeId;
use athena_core::runtime::{ManualClock, Runtime};
use athena_fhir::bulk::{ExportOptions, PollPolicy};
use athena_fhir::{FhirClient, FhirErrorKind, FhirPatientId};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// One recorded request.
#[derive(Clone, Debug)]
struct Seen {
    method: String,
    target: String,
    head: String,
    body: String,
}

/// An answer: status, extra headers, body.
type Answer = (u16, Vec<(&'static str, String)>, String);
type Responder = dyn Fn(&Seen, usize) -> Answer + Send + Sync;

struct Server {
    origin: String,
    seen: Arc<Mutex<Vec<Seen>>>,
}

impl Server {
    fn seen(&self) -> Vec<Seen> {
        self.seen.lock().expect("lock").clone()
    }
}

/// A one-request-per-connection HTTP server; `respond` gets the request and its index.
async fn serve(respond: Arc<Responder>) -> Server {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let origin = format!("http://{}", listener.local_addr().expect("addr"));
    let seen = Arc::new(Mutex::new(Vec::new()));
    let recorded = seen.clone();
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
                let seen = Seen {
                    method: first.next().unwrap_or("").to_owned(),
                    target: first.next().unwrap_or("").to_owned(),
                    body: String::from_utf8_lossy(&buf[head_end..]).into_owned(),
                    head: head.clone(),
                };
                let index = {
                    let mut r = recorded.lock().expect("lock");
                    r.push(seen.clone());
                    r.len() - 1
                };
                let (status, headers, body) = respond(&seen, index);
                let mut reply = format!(
                    "HTTP/1.1 {status} X\r\ncontent-type: application/fhir+json\r\ncontent-length: {}\r\nconnection: close\r\n",
                    body.len()
                );
                for (k, v) in headers {
                    reply.push_str(&format!("{k}: {v}\r\n"));
                }
                reply.push_str("\r\n");
                reply.push_str(&body);
                let _ = stream.write_all(reply.as_bytes()).await;
                let _ = stream.shutdown().await;
            });
        }
    });
    Server { origin, seen }
}

fn client(server: &Server, clock: &ManualClock) -> FhirClient {
    let core = athena_core::Client::builder()
        .base_url(&server.origin)
        .anonymous()
        .runtime(Runtime::manual(clock, 0.5))
        .build()
        .expect("core");
    FhirClient::new(&core.practice(PracticeId::new(195900)))
}

fn accepted(origin: &str) -> Answer {
    (
        202,
        vec![("content-location", format!("{origin}/fhir/r4/bulkstatus/1"))],
        String::new(),
    )
}

const OUTCOME_500: &str = r#"{"resourceType":"OperationOutcome","issue":[{"severity":"error","code":"exception","diagnostics":"Patient Secretname crashed us"}]}"#;

#[tokio::test]
async fn a_kick_off_answered_500_is_sent_once() {
    let server = serve(Arc::new(|_, _| (500, vec![], OUTCOME_500.to_owned()))).await;
    let clock = ManualClock::new();
    let c = client(&server, &clock);
    let err = c
        .export_group(&ExportOptions::default())
        .await
        .expect_err("500");
    assert_eq!(err.status(), Some(500), "{err}");
    assert_eq!(
        server.seen().len(),
        1,
        "a kick-off that may have started a job is not resent"
    );

    // POST kick-offs too.
    let err = c
        .export_group(&ExportOptions::default().post())
        .await
        .expect_err("500");
    assert_eq!(err.status(), Some(500));
    assert_eq!(server.seen().len(), 2);
}

#[tokio::test]
async fn a_kick_off_answered_429_is_retried_after_retry_after() {
    // A 429 is the rate limiter's rejection: nothing was processed, so it is resent.
    let origin = Arc::new(Mutex::new(String::new()));
    let o = origin.clone();
    let server = serve(Arc::new(move |_, i| {
        if i == 0 {
            (429, vec![("retry-after", "3".to_owned())], String::new())
        } else {
            accepted(&o.lock().expect("lock"))
        }
    }))
    .await;
    *origin.lock().expect("lock") = server.origin.clone();
    let clock = ManualClock::new();
    let c = client(&server, &clock);
    let job = c
        .export_group(&ExportOptions::default())
        .await
        .expect("kick-off after one 429");
    assert!(job.status_url().path().ends_with("/bulkstatus/1"));
    assert_eq!(server.seen().len(), 2);
    assert!(
        clock.elapsed() >= Duration::from_secs(3),
        "{:?}",
        clock.elapsed()
    );
}

#[tokio::test]
async fn get_and_post_kick_offs_carry_every_parameter() {
    let origin = Arc::new(Mutex::new(String::new()));
    let o = origin.clone();
    let server = serve(Arc::new(move |_, _| accepted(&o.lock().expect("lock")))).await;
    *origin.lock().expect("lock") = server.origin.clone();
    let clock = ManualClock::new();
    let c = client(&server, &clock);
    let base = ExportOptions::default()
        .types(["Patient", "Observation"])
        .since("2024-01-01T00:00:00Z")
        .output_format("application/fhir+ndjson")
        .elements(["Patient.name", "Observation.code"])
        .include_associated_data("LatestProvenanceResources")
        .type_filter("Observation?category=laboratory");

    // GET: every parameter in the query, no body.
    c.export_group_id("my-group.1", &base).await.expect("GET");
    let get = &server.seen()[0];
    assert_eq!(get.method, "GET");
    assert!(
        get.target.starts_with("/fhir/r4/Group/my-group.1/$export?"),
        "{}",
        get.target
    );
    let url = url::Url::parse(&format!("http://x{}", get.target)).expect("url");
    let q: Vec<(String, String)> = url.query_pairs().into_owned().collect();
    for (k, v) in [
        ("_type", "Patient,Observation"),
        ("_since", "2024-01-01T00:00:00Z"),
        ("_outputFormat", "application/fhir+ndjson"),
        ("_elements", "Patient.name,Observation.code"),
        ("includeAssociatedData", "LatestProvenanceResources"),
        ("_typeFilter", "Observation?category=laboratory"),
    ] {
        assert!(
            q.contains(&(k.to_owned(), v.to_owned())),
            "{k} missing: {q:?}"
        );
    }
    assert!(
        get.head
            .to_ascii_lowercase()
            .contains("prefer: respond-async")
    );

    // A patient makes it a POST with a Parameters body.
    let with_patient = base
        .clone()
        .patient(FhirPatientId::new("a-195900.E-7").expect("id"));
    assert!(with_patient.uses_post());
    c.export_patients(&with_patient).await.expect("POST");
    let post = &server.seen()[1];
    assert_eq!(post.method, "POST");
    assert!(
        post.target.starts_with("/fhir/r4/Patient/$export"),
        "{}",
        post.target
    );
    assert!(!post.target.contains("_type="), "parameters go in the body");
    let head = post.head.to_ascii_lowercase();
    assert!(head.contains("prefer: respond-async"), "{head}");
    assert!(
        head.contains("content-type: application/fhir+json"),
        "{head}"
    );
    let body: serde_json::Value = serde_json::from_str(&post.body).expect("json body");
    assert_eq!(body["resourceType"], "Parameters");
    let params = body["parameter"].as_array().expect("parameter");
    let named =
        |n: &str| -> Vec<&serde_json::Value> { params.iter().filter(|p| p["name"] == n).collect() };
    assert_eq!(named("_type").len(), 2);
    assert_eq!(named("_since")[0]["valueInstant"], "2024-01-01T00:00:00Z");
    assert_eq!(
        named("_outputFormat")[0]["valueString"],
        "application/fhir+ndjson"
    );
    assert_eq!(
        named("_elements")[0]["valueString"],
        "Patient.name,Observation.code"
    );
    assert_eq!(
        named("patient")[0]["valueReference"]["reference"],
        "Patient/a-195900.E-7"
    );
    assert_eq!(
        named("includeAssociatedData")[0]["valueString"],
        "LatestProvenanceResources"
    );
    assert_eq!(
        named("_typeFilter")[0]["valueString"],
        "Observation?category=laboratory"
    );

    // A Group id that is not a FHIR id is refused before anything is sent.
    let err = c
        .export_group_id("x/../../Patient", &base)
        .await
        .expect_err("bad id");
    assert!(err.kind() == FhirErrorKind::Export, "{err}");
    assert_eq!(server.seen().len(), 2);
}

fn manifest(origin: &str, file: &str, next: Option<&str>) -> String {
    let mut m = serde_json::json!({
        "transactionTime": "2024-01-01T00:00:00Z",
        "request": format!("{origin}/fhir/r4/Group/a-1.c-195900/$export"),
        "requiresAccessToken": true,
        "output": [{"type": "Patient", "url": format!("{origin}/files/{file}.ndjson")}],
        "error": [{"type": "OperationOutcome", "url": format!("{origin}/files/{file}-err.ndjson")}],
    });
    if let Some(n) = next {
        m["link"] = serde_json::json!([{"relation": "next", "url": format!("{origin}{n}")}]);
    }
    m.to_string()
}

#[tokio::test]
async fn wait_follows_paged_manifests() {
    let origin = Arc::new(Mutex::new(String::new()));
    let o = origin.clone();
    let server = serve(Arc::new(move |seen: &Seen, _| {
        let origin = o.lock().expect("lock").clone();
        let page = |file: &str, next: Option<&str>| (200, vec![], manifest(&origin, file, next));
        match seen.target.split('?').next().unwrap_or("") {
            "/fhir/r4/bulkstatus/1" => page("a", Some("/fhir/r4/bulkstatus/1/page/2")),
            "/fhir/r4/bulkstatus/1/page/2" => page("b", Some("/fhir/r4/bulkstatus/1/page/3")),
            "/fhir/r4/bulkstatus/1/page/3" => page("c", None),
            // A server whose pages point back at themselves.
            "/fhir/r4/bulkstatus/loop" => page("x", Some("/fhir/r4/bulkstatus/loop")),
            _ => (404, vec![], String::new()),
        }
    }))
    .await;
    *origin.lock().expect("lock") = server.origin.clone();
    let clock = ManualClock::new();
    let c = client(&server, &clock);
    let job = athena_fhir::bulk::ExportJob::resume(
        &c,
        &format!("{}/fhir/r4/bulkstatus/1", server.origin),
    )
    .expect("job");
    let m = job
        .wait(&PollPolicy::default(), |_| {})
        .await
        .expect("manifest");
    let files: Vec<&str> = m
        .output
        .iter()
        .map(|f| f.url.rsplit('/').next().unwrap_or(""))
        .collect();
    assert_eq!(files, ["a.ndjson", "b.ndjson", "c.ndjson"]);
    assert_eq!(m.outcome_files().count(), 3);
    assert_eq!(
        m.next_link(),
        None,
        "the merged manifest has no next page left"
    );
    assert_eq!(server.seen().len(), 3);

    let looping = athena_fhir::bulk::ExportJob::resume(
        &c,
        &format!("{}/fhir/r4/bulkstatus/loop", server.origin),
    )
    .expect("job");
    let err = looping
        .wait(&PollPolicy::default(), |_| {})
        .await
        .expect_err("a loop ends");
    assert!(err.kind() == FhirErrorKind::Export, "{err}");
}

#[tokio::test]
async fn wait_keeps_its_deadline_whatever_retry_after_says() {
    for (status, retry_after) in [
        (202, "1e300"),
        (202, "99999999999999999999999999999"),
        (202, "18446744073709551615"),
        (429, "1e300"),
        (429, "99999999999999999999999999999"),
        (503, "1e300"),
    ] {
        let server = serve(Arc::new(move |_, _| {
            (
                status,
                vec![("retry-after", retry_after.to_owned())],
                String::new(),
            )
        }))
        .await;
        let clock = ManualClock::new();
        let c = client(&server, &clock);
        let job = athena_fhir::bulk::ExportJob::resume(
            &c,
            &format!("{}/fhir/r4/bulkstatus/1", server.origin),
        )
        .expect("job");
        let policy = PollPolicy {
            deadline: Duration::from_secs(3600),
            ..Default::default()
        };
        let err = job
            .wait(&policy, |_| {})
            .await
            .expect_err("gives up at once");
        assert!(
            err.kind() == FhirErrorKind::Export,
            "{status} {retry_after}: {err}"
        );
        assert!(
            clock.elapsed() <= Duration::from_secs(3600),
            "{status} {retry_after}: slept {:?}",
            clock.elapsed()
        );
    }

    // A Retry-After within the deadline is honoured; the next one past it ends the wait
    // without sleeping it.
    let server = serve(Arc::new(|_, i| {
        let ra = if i == 0 { "600" } else { "3500" };
        (202, vec![("retry-after", ra.to_owned())], String::new())
    }))
    .await;
    let clock = ManualClock::new();
    let c = client(&server, &clock);
    let job = athena_fhir::bulk::ExportJob::resume(
        &c,
        &format!("{}/fhir/r4/bulkstatus/1", server.origin),
    )
    .expect("job");
    let policy = PollPolicy {
        deadline: Duration::from_secs(3600),
        ..Default::default()
    };
    job.wait(&policy, |_| {}).await.expect_err("deadline");
    assert_eq!(clock.sleeps(), [Duration::from_secs(600)]);
}

fn searchset(entries: serde_json::Value) -> Answer {
    let bundle =
        serde_json::json!({"resourceType": "Bundle", "type": "searchset", "entry": entries});
    (200, vec![], bundle.to_string())
}

#[tokio::test]
async fn typed_search_streams_yield_the_type_asked_for() {
    let server = serve(Arc::new(|seen: &Seen, _| {
        if seen.target.starts_with("/fhir/r4/Condition?patient=a-195900.E-1&") {
            searchset(serde_json::json!([
                {"resource": {"resourceType": "Condition", "id": "c1"}, "search": {"mode": "match"}},
                {"resource": {"resourceType": "Provenance", "id": "v1"}, "search": {"mode": "include"}},
                {"resource": {"resourceType": "Condition", "id": "c2"}},
                {"resource": {"resourceType": "OperationOutcome", "issue": []}, "search": {"mode": "outcome"}},
            ]))
        } else {
            // A server answering with another type as a match.
            searchset(serde_json::json!([
                {"resource": {"resourceType": "Condition", "id": "c1"}},
                {"resource": {"resourceType": "Observation", "id": "o1", "status": "final", "code": {}}, "search": {"mode": "match"}},
                {"resource": {"resourceType": "Condition", "id": "c3"}},
            ]))
        }
    }))
    .await;
    let clock = ManualClock::new();
    let c = client(&server, &clock);
    use athena_fhir::r4::{Condition, Resource};
    use athena_fhir::search::Search;
    use futures::StreamExt;
    let patient = c.patient_id(athena_core::PatientId::new(1));
    assert_eq!(patient.as_str(), "a-195900.E-1");
    let search = Search::for_patient::<Condition>(&patient);
    let conditions: Vec<Condition> = c
        .search_stream::<Condition>(&search)
        .map(|r| r.expect("condition"))
        .collect()
        .await;
    let ids: Vec<_> = conditions
        .iter()
        .map(|c| c.id.as_deref().unwrap_or(""))
        .collect();
    assert_eq!(ids, ["c1", "c2"]);
    // Untyped: every entry, as before.
    let all: Vec<Resource> = c
        .search_stream::<Resource>(&search)
        .map(|r| r.expect("resource"))
        .collect()
        .await;
    assert_eq!(all.len(), 4);

    let other = Search::for_patient::<Condition>(&FhirPatientId::new("a-195900.E-2").expect("id"));
    let items: Vec<_> = c.search_stream::<Condition>(&other).collect().await;
    assert_eq!(items.len(), 3, "{items:?}");
    assert!(items[0].is_ok());
    assert_eq!(
        items[2].as_ref().ok().and_then(|c| c.id.as_deref()),
        Some("c3")
    );
    let err = items[1]
        .as_ref()
        .expect_err("an Observation is not a Condition");
    assert!(
        err.kind() == FhirErrorKind::UnexpectedResource
            && err.expected_resource_type() == Some("Condition")
            && err.resource_type() == Some("Observation"),
        "{err:?}"
    );
}

#[tokio::test]
async fn a_lenient_client_reads_what_a_strict_one_refuses() {
    let server = serve(Arc::new(|_, _| {
        (
            200,
            vec![],
            r#"{"resourceType":"Patient","id":"a-195900.E-1","name":{"family":"Secretfamily"}}"#
                .to_owned(),
        )
    }))
    .await;
    let clock = ManualClock::new();
    let strict = client(&server, &clock);
    let err = strict
        .read_patient(athena_core::PatientId::new(1))
        .await
        .expect_err("strict");
    assert_eq!(err.kind(), FhirErrorKind::Decode, "{err}");
    assert!(!format!("{err} {err:?}").contains("Secretfamily"));

    let core = athena_core::Client::builder()
        .base_url(&server.origin)
        .anonymous()
        .runtime(Runtime::manual(&clock, 0.5))
        .build()
        .expect("core");
    let seen = Arc::new(Mutex::new(Vec::new()));
    let sink = seen.clone();
    let lenient = FhirClient::new(&core.practice(PracticeId::new(195900)))
        .lenient(move |issue| sink.lock().expect("lock").push(issue.to_string()));
    let p = lenient
        .read_patient(athena_core::PatientId::new(1))
        .await
        .expect("lenient");
    assert_eq!(p.name[0].family.as_deref(), Some("Secretfamily"));
    let seen = seen.lock().expect("lock").clone();
    assert_eq!(seen.len(), 1);
    assert!(
        seen[0].starts_with("Patient.name: a single value"),
        "{seen:?}"
    );
}
