//! Security defences that need two servers: the bearer token never follows a redirect to
//! another origin, and a REST `next` link naming another origin is never requested
//! (threats 7 and 9 of `docs/security.md`).

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use athena_core::{Client, Request};
use futures::StreamExt;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request as WmRequest, Respond, ResponseTemplate};

const TOKEN: &str = "tok-7f3a9c-secret-bearer";

/// Answers everything with 200 `{}` and counts what arrives, and how much of it carried an
/// `Authorization` header.
#[derive(Clone, Default)]
struct Recorder {
    requests: Arc<AtomicUsize>,
    with_authorization: Arc<AtomicUsize>,
}

impl Respond for Recorder {
    fn respond(&self, req: &WmRequest) -> ResponseTemplate {
        self.requests.fetch_add(1, Ordering::SeqCst);
        if req.headers.contains_key("authorization") {
            self.with_authorization.fetch_add(1, Ordering::SeqCst);
        }
        ResponseTemplate::new(200).set_body_json(serde_json::json!({"patients": []}))
    }
}

async fn other_origin() -> (MockServer, Recorder) {
    let server = MockServer::start().await;
    let rec = Recorder::default();
    Mock::given(wiremock::matchers::any())
        .respond_with(rec.clone())
        .mount(&server)
        .await;
    (server, rec)
}

async fn mount_token(server: &MockServer) {
    Mock::given(method("POST"))
        .and(path("/oauth2/v1/token"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(serde_json::json!({"access_token": TOKEN, "expires_in": 3600})),
        )
        .mount(server)
        .await;
}

fn client(server: &MockServer) -> Client {
    Client::builder()
        .base_url(server.uri())
        .client_credentials("client-id", "client-secret")
        .build()
        .expect("client")
}

#[tokio::test]
async fn a_redirect_to_another_origin_is_not_followed_and_never_carries_the_token() {
    let (evil, evil_rec) = other_origin().await;
    for status in [301u16, 302, 303, 307, 308] {
        let api = MockServer::start().await;
        mount_token(&api).await;
        let location = format!("{}/v1/195900/departments", evil.uri());
        Mock::given(method("GET"))
            .and(path("/v1/195900/departments"))
            .respond_with(ResponseTemplate::new(status).insert_header("Location", location))
            .mount(&api)
            .await;
        let req = Request::get("/v1/{practiceid}/departments").path_param("practiceid", 195900);
        let result = client(&api).send_json::<serde_json::Value>(&req).await;
        let err = result.expect_err("a redirect is not a success");
        // The redirect went to the API origin with the token; the other origin saw nothing.
        let api_calls = api.received_requests().await.expect("recording");
        let authorized = api_calls
            .iter()
            .filter(|r| r.url.path() == "/v1/195900/departments")
            .all(|r| {
                r.headers.get("authorization").and_then(|v| v.to_str().ok())
                    == Some(&format!("Bearer {TOKEN}"))
            });
        assert!(authorized, "{status}: the API call carried the token");
        let sent = api_calls
            .iter()
            .filter(|r| r.url.path() == "/v1/195900/departments")
            .count();
        assert_eq!(
            sent, 1,
            "{status}: a redirect is answered once, not retried"
        );
        assert_eq!(err.kind(), athena_core::ErrorKind::Server, "{status}");
        assert_eq!(
            evil_rec.requests.load(Ordering::SeqCst),
            0,
            "{status}: the redirect target was requested"
        );
        let text = format!("{err} {err:?}");
        assert!(!text.contains(TOKEN), "{status}: the error shows the token");
        assert!(
            !text.contains(&evil.uri()),
            "{status}: the error shows the redirect target"
        );
        println!("HTTP {status} → {:?}: {err}", err.kind());
    }
}

#[tokio::test]
async fn the_fhir_client_never_sends_the_token_across_a_redirect() {
    let (evil, evil_rec) = other_origin().await;
    let api = MockServer::start().await;
    mount_token(&api).await;
    let location = format!("{}/fhir/r4/Patient/a-195900.E-1", evil.uri());
    Mock::given(method("GET"))
        .and(path("/fhir/r4/Patient/a-195900.E-1"))
        .respond_with(ResponseTemplate::new(302).insert_header("Location", location))
        .mount(&api)
        .await;
    let core = Client::builder()
        .base_url(api.uri())
        .client_credentials("client-id", "client-secret")
        .scope("system/Patient.rs")
        .build()
        .expect("core client");
    let fhir = athena_fhir::FhirClient::new(&core.practice(athena_core::PracticeId::new(195900)));
    let result = fhir.read_patient(athena_core::PatientId::new(1)).await;
    assert!(result.is_err(), "a redirect is not the patient");
    // JSON calls go through the core transport: the redirect is not followed at all.
    assert_eq!(
        evil_rec.requests.load(Ordering::SeqCst),
        0,
        "the FHIR read followed a redirect"
    );

    // Bulk files stream through their own HTTP client: a same-origin file URL that
    // redirects elsewhere must not take the token along.
    Mock::given(method("GET"))
        .and(path("/fhir/r4/bulkfiles/1/Patient.ndjson"))
        .respond_with(ResponseTemplate::new(302).insert_header(
            "Location",
            format!("{}/bulkfiles/1/Patient.ndjson", evil.uri()),
        ))
        .mount(&api)
        .await;
    let manifest: athena_fhir::bulk::Manifest = serde_json::from_value(serde_json::json!({
        "transactionTime": "2024-05-01T00:00:00Z",
        "request": format!("{}/fhir/r4/Group/a-1.c-195900/$export", api.uri()),
        "requiresAccessToken": true,
        "output": [{"type": "Patient", "url": format!("{}/fhir/r4/bulkfiles/1/Patient.ndjson", api.uri())}],
        "error": []
    }))
    .expect("manifest");
    let items: Vec<_> = fhir
        .download(&manifest, &manifest.output[0])
        .collect()
        .await;
    let file_request = api
        .received_requests()
        .await
        .expect("recording")
        .into_iter()
        .find(|r| r.url.path() == "/fhir/r4/bulkfiles/1/Patient.ndjson")
        .expect("the file was requested on the API origin");
    assert!(
        file_request.headers.contains_key("authorization"),
        "the same-origin file request carried the token"
    );
    assert_eq!(
        evil_rec.with_authorization.load(Ordering::SeqCst),
        0,
        "the token followed a bulk file redirect to another origin"
    );
    println!(
        "bulk file answered 302 to another origin: {} item(s), the other origin was requested \
         {} time(s), {} with a token",
        items.len(),
        evil_rec.requests.load(Ordering::SeqCst),
        evil_rec.with_authorization.load(Ordering::SeqCst)
    );
}

/// First page links to another origin (and another route) for the second page.
struct ForeignNext {
    served: Arc<AtomicUsize>,
    next: String,
}

impl Respond for ForeignNext {
    fn respond(&self, req: &WmRequest) -> ResponseTemplate {
        self.served.fetch_add(1, Ordering::SeqCst);
        let offset = req
            .url
            .query_pairs()
            .find(|(k, _)| k == "offset")
            .and_then(|(_, v)| v.parse::<u32>().ok())
            .unwrap_or(0);
        let mut body = serde_json::json!({
            "patients": [{"patientid": offset.to_string()}],
            "totalcount": "2",
        });
        if offset == 0 {
            body["next"] = self.next.clone().into();
        }
        ResponseTemplate::new(200).set_body_json(body)
    }
}

#[derive(Debug, serde::Deserialize)]
struct Item {
    patientid: String,
}

#[tokio::test]
async fn a_rest_next_link_to_another_origin_is_never_requested() {
    let (evil, evil_rec) = other_origin().await;
    for next in [
        format!("{}/v1/195900/patients?offset=1", evil.uri()),
        format!("{}/internal/admin?OFFSET=1", evil.uri()),
        "//169.254.169.254/latest/meta-data?offset=1".to_owned(),
        "/v1/195900/patients/1/delete?offset=1".to_owned(),
    ] {
        let api = MockServer::start().await;
        mount_token(&api).await;
        let served = Arc::new(AtomicUsize::new(0));
        Mock::given(method("GET"))
            .and(path("/v1/195900/patients"))
            .respond_with(ForeignNext {
                served: served.clone(),
                next: next.clone(),
            })
            .mount(&api)
            .await;
        let list = Request::get("/v1/{practiceid}/patients").path_param("practiceid", 195900);
        let ids: Vec<String> = client(&api)
            .paginate::<Item>(list, "patients")
            .items()
            .map(|r| r.expect("page").patientid)
            .collect()
            .await;
        // Only the offset is taken from `next`; the request is rebuilt on the client's own
        // origin and route, so the second page comes from the API server.
        assert_eq!(ids, ["0", "1"], "next = {next}");
        assert_eq!(served.load(Ordering::SeqCst), 2, "next = {next}");
        let paths: Vec<String> = api
            .received_requests()
            .await
            .expect("recording")
            .iter()
            .map(|r| r.url.path().to_owned())
            .filter(|p| p != "/oauth2/v1/token")
            .collect();
        assert_eq!(paths, ["/v1/195900/patients"; 2], "next = {next}");
    }
    assert_eq!(
        evil_rec.requests.load(Ordering::SeqCst),
        0,
        "a foreign next link was requested"
    );
}
