//! Shared fixtures for the PHI tests: a server that echoes a patient back in every failure.
#![allow(dead_code)]

use athena_core::runtime::{ManualClock, Runtime};
use athena_core::{Client, Request};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

pub(crate) const NAME: &str = "Wilhelmina";
pub(crate) const SURNAME: &str = "Featherstonehaugh";
pub(crate) const DOB: &str = "07/04/1961";
pub(crate) const PHONE: &str = "6175550142";

pub(crate) async fn server() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/oauth2/v1/token"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({
            "access_token": "tok-secret-value", "expires_in": "3600"
        })))
        .mount(&server)
        .await;
    // Every failure echoes the patient, as athena's validation messages do.
    let echo = serde_json::json!({
        "error": format!("Patient {NAME} {SURNAME} could not be found"),
        "detailedmessage": format!("Expecting format date, but value is {DOB}"),
        "missingfields": ["dob"],
    });
    Mock::given(method("GET"))
        .and(path(format!("/v1/195900/patients/{SURNAME}")))
        .respond_with(ResponseTemplate::new(400).set_body_json(echo.clone()))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/v1/195900/patients"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({
            "success": "false", "errormessage": format!("{NAME} {SURNAME} already exists")
        })))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v1/195900/patients"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({
            "patients": [{"patientid": SURNAME, "dob": DOB}], "totalcount": 1
        })))
        .mount(&server)
        .await;
    server
}

pub(crate) fn requests() -> Vec<Request> {
    vec![
        Request::get("/v1/{practiceid}/patients/{patientid}")
            .path_param("practiceid", 195900)
            .path_param("patientid", SURNAME)
            .query("firstname", NAME)
            .query("dob", DOB)
            .query("anyphone", PHONE),
        Request::post("/v1/{practiceid}/patients")
            .path_param("practiceid", 195900)
            .form("firstname", NAME)
            .form("lastname", SURNAME)
            .form("dob", DOB),
    ]
}

pub(crate) fn assert_clean(text: &str) {
    for needle in [NAME, SURNAME, DOB, PHONE, "tok-secret-value", "my-secret"] {
        assert!(!text.contains(needle), "`{needle}` leaked into:\n{text}");
    }
}

pub(crate) fn client(server: &MockServer, clock: &ManualClock) -> Client {
    Client::builder()
        .base_url(server.uri())
        .client_credentials("my-id", "my-secret")
        .runtime(Runtime::manual(clock, 0.5))
        .build()
        .unwrap()
}
