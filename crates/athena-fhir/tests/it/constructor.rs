//! `FhirClient::new(&Practice)`, the one constructor: the FHIR base is `{base}/fhir/r4/` of the
//! practice's client; `with_base` moves it on the same origin only.

use athena_core::runtime::{ManualClock, Runtime};
use athena_core::{PatientId, PracticeId};
use athena_fhir::{FhirClient, FhirErrorKind};
use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn core(origin: &str, clock: &ManualClock) -> athena_core::Client {
    athena_core::Client::builder()
        .base_url(origin)
        .anonymous()
        .runtime(Runtime::manual(clock, 0.5))
        .build()
        .expect("core client")
}

#[tokio::test]
async fn new_derives_the_base_and_with_base_stays_on_the_origin() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/195900/brand/1/csg/2/fhir/r4/Patient/a-195900.E-5"))
        .and(query_param(
            "ah-practice",
            "Organization/a-1.Practice-195900",
        ))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(
                serde_json::json!({"resourceType": "Patient", "id": "a-195900.E-5"}),
            ),
        )
        .expect(1)
        .mount(&server)
        .await;
    let clock = ManualClock::new();
    let practice = core(&server.uri(), &clock).practice(PracticeId::new(195900));
    let fhir = FhirClient::new(&practice);
    assert_eq!(fhir.base().as_str(), format!("{}/fhir/r4/", server.uri()));
    assert_eq!(fhir.practice(), PracticeId::new(195900));

    let site = fhir
        .clone()
        .with_base(&format!("{}/195900/brand/1/csg/2/fhir/r4", server.uri()))
        .expect("same origin");
    let p = site.read_patient(PatientId::new(5)).await.expect("read");
    assert_eq!(p.id.as_deref(), Some("a-195900.E-5"));

    for bad in [
        "https://elsewhere.example/fhir/r4",
        "not a url",
        &format!("{}/fhir/r4?x=1", server.uri()),
    ] {
        let e = fhir.clone().with_base(bad).expect_err(bad);
        assert_eq!(e.kind(), FhirErrorKind::Url, "{bad}: {e}");
    }
    let preview = athena_core::Client::builder()
        .environment(athena_core::Environment::Preview)
        .anonymous()
        .build()
        .expect("preview client");
    assert_eq!(
        FhirClient::new(&preview.practice(PracticeId::new(1)))
            .base()
            .as_str(),
        "https://api.preview.platform.athenahealth.com/fhir/r4/"
    );
}
