//! FHIR Subscription management against a scripted server: a signed create sends the typed
//! backport subscription with `X-Hub-Secret` and `ah-practice` and is never resent, a list
//! comes back typed, a delete is a `DELETE` of a checked id, and a 201 without a body takes
//! its id from `Location`.

use athena_core::PracticeId;
use athena_core::runtime::{ManualClock, Runtime};
use athena_fhir::r4::{SubscriptionChannelType, SubscriptionStatusCode};
use athena_fhir::{FhirClient, FhirErrorKind, subscriptions};
use secrecy::SecretString;
use wiremock::matchers::{body_partial_json, header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

const AH_PRACTICE: &str = "Organization/a-1.Practice-195900";

fn client(server: &MockServer, clock: &ManualClock) -> FhirClient {
    let core = athena_core::Client::builder()
        .base_url(server.uri())
        .anonymous()
        .runtime(Runtime::manual(clock, 0.5))
        .build()
        .expect("core client");
    FhirClient::new(&core.practice(PracticeId::new(195900)))
}

fn created(id: &str) -> serde_json::Value {
    serde_json::json!({
        "resourceType": "Subscription",
        "id": id,
        "status": "requested",
        "reason": "athena-rs Appointment.create",
        "criteria": format!("{}Appointment.create", subscriptions::TOPIC_BASE),
        "channel": {"type": "rest-hook", "endpoint": "https://example.invalid/hook",
            "payload": "application/fhir+json"}
    })
}

#[tokio::test]
async fn signed_create_sends_the_backport_subscription_once() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/fhir/r4/Subscription"))
        .and(query_param("ah-practice", AH_PRACTICE))
        .and(header("x-hub-secret", "s3cret"))
        .and(header("content-type", "application/fhir+json"))
        .and(body_partial_json(serde_json::json!({
            "resourceType": "Subscription",
            "status": "requested",
            "criteria": "https://api.platform.athenahealth.com/fhir/r4/SubscriptionTopic/Appointment.create",
            "_criteria": {"extension": [{"url": subscriptions::FILTER_CRITERIA,
                "valueString": format!("ah-practice={AH_PRACTICE}")}]},
            "channel": {"type": "rest-hook", "endpoint": "https://example.invalid/hook",
                "payload": "application/fhir+json",
                "_payload": {"extension": [{"url": subscriptions::PAYLOAD_CONTENT,
                    "valueCode": "id-only"}]}}
        })))
        .respond_with(ResponseTemplate::new(201).set_body_json(created("sub-1")))
        .expect(1)
        .mount(&server)
        .await;
    let clock = ManualClock::new();
    let fhir = client(&server, &clock);
    let secret = SecretString::from("s3cret");
    let s = fhir
        .subscriptions()
        .create_signed(
            "Appointment.create",
            "https://example.invalid/hook",
            &secret,
        )
        .await
        .expect("created");
    assert_eq!(s.id.as_deref(), Some("sub-1"));
    assert_eq!(s.status, Some(SubscriptionStatusCode::Requested));
    assert_eq!(subscriptions::topic(&s), Some("Appointment.create"));
    let channel = s.channel.as_ref().expect("channel");
    assert_eq!(channel.r#type, Some(SubscriptionChannelType::RestHook));
}

#[tokio::test]
async fn a_failed_create_is_not_resent() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/fhir/r4/Subscription"))
        .respond_with(ResponseTemplate::new(503).insert_header("x-request-id", "req-9"))
        .expect(1)
        .mount(&server)
        .await;
    let clock = ManualClock::new();
    let fhir = client(&server, &clock);
    let err = fhir
        .subscriptions()
        .create("Patient.create", "https://example.invalid/hook")
        .await
        .expect_err("503");
    assert_eq!(err.kind(), FhirErrorKind::Server, "{err:?}");
    assert_eq!(err.status(), Some(503));
    assert_eq!(err.request_id(), Some("req-9"));
    // `expect(1)` is checked when the server drops: a retry would have been a second POST.
}

#[tokio::test]
async fn created_without_a_body_takes_the_id_from_location() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/fhir/r4/Subscription"))
        .respond_with(ResponseTemplate::new(201).insert_header(
            "location",
            format!("{}/fhir/r4/Subscription/sub-7/_history/1", server.uri()).as_str(),
        ))
        .expect(1)
        .mount(&server)
        .await;
    let clock = ManualClock::new();
    let fhir = client(&server, &clock);
    let s = fhir
        .subscriptions()
        .create("Patient.update", "https://example.invalid/hook")
        .await
        .expect("created");
    assert_eq!(s.id.as_deref(), Some("sub-7"));
    assert_eq!(subscriptions::topic(&s), Some("Patient.update"));
    assert_eq!(
        subscriptions::payload_content(&s).as_deref(),
        Some("id-only")
    );
}

#[tokio::test]
async fn list_is_typed_and_delete_checks_the_id() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/fhir/r4/Subscription"))
        .and(query_param("ah-practice", AH_PRACTICE))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({
            "resourceType": "Bundle",
            "type": "searchset",
            "entry": [{"resource": created("sub-1")}, {"resource": created("sub-2")}]
        })))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("DELETE"))
        .and(path("/fhir/r4/Subscription/sub-1"))
        .and(query_param("ah-practice", AH_PRACTICE))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;
    let clock = ManualClock::new();
    let fhir = client(&server, &clock);
    let subs = fhir.subscriptions();
    let all = subs.list().await.expect("list");
    let ids: Vec<_> = all.iter().map(|s| s.id.as_deref()).collect();
    assert_eq!(ids, [Some("sub-1"), Some("sub-2")]);
    subs.delete("sub-1").await.expect("deleted");
    let err = subs
        .delete("../Patient/a-195900.E-1")
        .await
        .expect_err("not an id");
    assert_eq!(err.kind(), FhirErrorKind::Url);
    assert!(!err.to_string().contains("Patient"), "{err}");
}

#[tokio::test]
async fn topics_are_read_from_subscription_topic_on_every_page() {
    let server = MockServer::start().await;
    let topic = |url: &str| serde_json::json!({"resourceType": "SubscriptionTopic", "url": url});
    Mock::given(method("GET"))
        .and(path("/fhir/r4/SubscriptionTopic"))
        .and(query_param("cursor", "2"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({
            "resourceType": "Bundle",
            "type": "searchset",
            "entry": [{"resource": topic(&format!("{}Appointment.check-in", subscriptions::TOPIC_BASE))}]
        })))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/fhir/r4/SubscriptionTopic"))
        .and(query_param("ah-practice", AH_PRACTICE))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({
            "resourceType": "Bundle",
            "type": "searchset",
            "link": [{"relation": "next",
                "url": format!("{}/fhir/r4/SubscriptionTopic?cursor=2", server.uri())}],
            "entry": [
                {"resource": {"resourceType": "SubscriptionTopic", "name": "Patient.create",
                    "title": "Patient created", "url": "urn:x"}},
                {"resource": {"resourceType": "OperationOutcome", "issue": []}}
            ]
        })))
        .expect(1)
        .mount(&server)
        .await;
    let clock = ManualClock::new();
    let fhir = client(&server, &clock);
    let topics = fhir.subscriptions().topics().await.expect("topics");
    let names: Vec<_> = topics.iter().map(|t| t.name()).collect();
    assert_eq!(
        names,
        [Some("Patient.create"), Some("Appointment.check-in")]
    );
    assert_eq!(topics[0].title(), Some("Patient created"));
    assert_eq!(topics[0].url(), Some("urn:x"));
}
