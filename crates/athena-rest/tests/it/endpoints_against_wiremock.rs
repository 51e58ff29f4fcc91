//! Endpoints the sandbox does not serve (appointment reasons, benefit details, department
//! check-in requirements) and error bodies replayed from real recordings, against wiremock.
//! A catch-all mock names any request nobody expected.

use crate::common;

use athena_core::ErrorKind;
use athena_core::ids::*;
use athena_rest::prelude::*;
use wiremock::matchers::{body_string_contains, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn fixture(name: &str) -> Option<Vec<u8>> {
    let p = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/fixtures/athena")
        .join(name);
    std::fs::read(p).ok()
}

async fn server() -> MockServer {
    let s = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/oauth2/v1/token"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(serde_json::json!({"access_token": "t", "expires_in": "3600"})),
        )
        .mount(&s)
        .await;
    s
}

/// Mounted last, lowest priority: any unexpected request gets a 599 naming itself.
async fn catch_all(s: &MockServer) {
    Mock::given(wiremock::matchers::any())
        .respond_with(|req: &wiremock::Request| {
            ResponseTemplate::new(599).set_body_string(format!(
                "unexpected request: {} {}",
                req.method,
                req.url.path()
            ))
        })
        .with_priority(255)
        .mount(s)
        .await;
}

#[tokio::test]
async fn appointment_reasons_and_checkin_required() {
    let s = server().await;
    Mock::given(method("GET"))
        .and(path("/v1/195900/patientappointmentreasons"))
        .and(query_param("departmentid", "1"))
        .and(query_param("providerid", "2"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({
            "patientappointmentreasons": [{"reasonid": 1, "reason": "Sick visit", "reasontype": "All", "schedulingmaxdays": "90"}],
            "totalcount": 1
        })))
        .mount(&s)
        .await;
    let body = fixture("go-athenahealth/DepartmentGetRequiredCheckInFields.json")
        .unwrap_or_else(|| br#"{"fieldlist":["a","b","c","d","e"]}"#.to_vec());
    Mock::given(method("GET"))
        .and(path("/v1/195900/departments/1/checkinrequired"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(body, "application/json"))
        .mount(&s)
        .await;
    catch_all(&s).await;
    let p = common::wiremock_practice(&s.uri());
    let reasons = p
        .appointment_catalog()
        .reasons(DepartmentId::new(1), ProviderId::new(2))
        .send()
        .await
        .unwrap();
    assert_eq!(reasons.items()[0].reasonid, Some(ReasonId::new(1)));
    assert_eq!(reasons.items()[0].schedulingmaxdays, Some(90));
    let fields = p
        .departments()
        .checkin_required(DepartmentId::new(1))
        .send()
        .await
        .unwrap();
    assert_eq!(fields.fieldlist.unwrap().len(), 5);
    // An error path: the same reasons call for another provider reaches nobody's mock.
    let err = p
        .appointment_catalog()
        .reasons(DepartmentId::new(1), ProviderId::new(3))
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(599));
}

#[tokio::test]
async fn benefit_details_get_and_check() {
    let s = server().await;
    let route = "/v1/195900/patients/1/insurances/82/benefitdetails";
    Mock::given(method("GET"))
        .and(path(route))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({
            "eligibilitystatus": "Eligible", "dateofservice": "11/02/2026",
            "ansi271": "ISA*00*...~", "benefitdetails": {"coinsurance": "20%"}, "newfield": 1
        })))
        .mount(&s)
        .await;
    Mock::given(method("POST"))
        .and(path(route))
        .and(body_string_contains("servicetypecode=30"))
        .respond_with(ResponseTemplate::new(200).set_body_json(
            serde_json::json!({"success": "false", "errormessage": "Eligibility is not available in preview."}),
        ))
        .mount(&s)
        .await;
    catch_all(&s).await;
    let p = common::wiremock_practice(&s.uri());
    let ins = p.insurances(PatientId::new(1));
    let b = ins
        .benefit_details(InsuranceId::new(82))
        .send()
        .await
        .unwrap();
    assert_eq!(b.eligibilitystatus.as_deref(), Some("Eligible"));
    assert!(b.extra.contains_key("newfield"), "unknown fields kept");
    assert!(!format!("{b:?}").contains("ISA*00"), "271 text redacted");
    let err = ins
        .check_eligibility(InsuranceId::new(82))
        .servicetypecode("30")
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Unsuccessful);
}

#[tokio::test]
async fn recorded_error_bodies_become_typed_errors() {
    let s = server().await;
    let conflict = fixture("recorded/rbvcr_book_appointment_with_wrong_appointment_id_0.json")
        .unwrap_or_else(|| {
            br#"{"error":"That appointment time was already booked or not available for booking."}"#
                .to_vec()
        });
    Mock::given(method("PUT"))
        .and(path("/v1/195900/appointments/1"))
        .respond_with(ResponseTemplate::new(409).set_body_raw(conflict, "application/json"))
        .expect(1) // never retried
        .mount(&s)
        .await;
    let missing = fixture("recorded/rbvcr_create_patient_with_wrong_data_0.json").unwrap_or_else(|| {
        br#"{"invalidfields":[],"missingfields":["lastname","dob","firstname"],"error":"Additional fields are required."}"#.to_vec()
    });
    Mock::given(method("POST"))
        .and(path("/v1/195900/patients"))
        .respond_with(ResponseTemplate::new(400).set_body_raw(missing, "application/json"))
        .mount(&s)
        .await;
    let bare = fixture("go-athenahealth/UpdateBookedAppointment_StringResponse.json")
        .unwrap_or_else(|| br#""Invalid PROVIDERID input""#.to_vec());
    Mock::given(method("PUT"))
        .and(path("/v1/195900/appointments/booked/1"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(bare, "application/json"))
        .mount(&s)
        .await;
    Mock::given(method("POST"))
        .and(path("/v1/195900/appointments/1/checkin"))
        .respond_with(ResponseTemplate::new(200).set_body_json(
            serde_json::json!({"success": "false", "errormessage": "Check-in is not started."}),
        ))
        .mount(&s)
        .await;
    catch_all(&s).await;
    let p = common::wiremock_practice(&s.uri());
    let a = p.appointments();

    let err = a
        .book(AppointmentId::new(1), PatientId::new(2))
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Conflict);
    assert!(err.is_slot_taken());

    let err = p
        .patients()
        .create(
            "A",
            "B",
            athena_core::codec::AthenaDate::new(1990, 1, 1).unwrap(),
            DepartmentId::new(1),
        )
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::BadRequest);
    assert!(
        err.api_error()
            .unwrap()
            .missing_fields()
            .iter()
            .any(|f| f == "dob")
    );

    let err = a
        .update_booked(AppointmentId::new(1))
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Unsuccessful);
    assert_eq!(
        err.api_error().unwrap().error_message(),
        Some("Invalid PROVIDERID input")
    );

    let err = a.checkin(AppointmentId::new(1)).send().await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Unsuccessful);
}
