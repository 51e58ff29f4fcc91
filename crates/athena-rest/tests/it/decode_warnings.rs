//! One field athena sends in an unexpected shape must not fail a whole call: the field is kept
//! raw (in the model's `extra`, so re-serialising loses nothing), a warning names its path and
//! the kind expected (never the value), and everything else is returned.
//!
//! For each kind of model (patient, appointment, chart items, claim, document, insurance,
//! practice) a body where one field has a wrong shape — an object where a date is, an array
//! where a string is, a number where a flag is, an unparseable date — decodes with the rest
//! intact and exactly one warning naming the path.

use athena_core::decode::Endpoint;
use athena_core::decode::warnings::DecodeWarning;
use athena_core::paging::decode_page;
use athena_core::{ErrorKind, decode::decode_json};
use athena_rest::models::*;
use serde_json::{Value, json};

const EP: Endpoint = Endpoint {
    method: "GET",
    route: "/v1/{practiceid}/appointments/booked",
};

fn paths(w: &[DecodeWarning]) -> Vec<&str> {
    w.iter().map(DecodeWarning::path).collect()
}

/// Decodes `body` as a page of `T` under `key` and checks: every item is there, exactly one
/// warning with `path` and `expected`, and the page re-serialises to the same JSON.
fn page_with_one_bad_field<T>(key: &str, body: Value, path: &str, expected: &str) -> Vec<T>
where
    T: serde::de::DeserializeOwned + serde::Serialize,
{
    let bytes = serde_json::to_vec(&body).unwrap();
    let page = decode_page::<T>(&bytes, key, EP).expect("the page decodes");
    assert_eq!(page.items().len(), body[key].as_array().unwrap().len());
    assert_eq!(paths(page.warnings()), [path], "{:?}", page.warnings());
    assert_eq!(page.warnings()[0].expected(), expected);
    let back: Vec<Value> = page
        .items()
        .iter()
        .map(|i| serde_json::to_value(i).unwrap())
        .collect();
    for (i, (orig, back)) in body[key].as_array().unwrap().iter().zip(&back).enumerate() {
        assert_same_json(orig, back, &format!("{key}[{i}]"));
    }
    page.into_items()
}

/// The same JSON, modulo how lenient scalars re-encode (`"5"` ↔ `5`, `"true"` ↔ `true`):
/// every key is there, and every object/array keeps its shape.
fn assert_same_json(orig: &Value, back: &Value, at: &str) {
    match (orig, back) {
        (Value::Object(a), Value::Object(b)) => {
            for (k, v) in a {
                if v.is_null() || v.as_str().is_some_and(|s| s.trim().is_empty()) {
                    continue; // blanks decode to None and are omitted
                }
                let Some(w) = b.get(k) else {
                    panic!("{at}.{k} was lost on the round trip");
                };
                assert_same_json(v, w, &format!("{at}.{k}"));
            }
        }
        (Value::Array(a), Value::Array(b)) => {
            assert_eq!(a.len(), b.len(), "{at}: array length");
            for (i, (v, w)) in a.iter().zip(b).enumerate() {
                assert_same_json(v, w, &format!("{at}[{i}]"));
            }
        }
        (Value::Object(_) | Value::Array(_), _) | (_, Value::Object(_) | Value::Array(_)) => {
            panic!("{at}: shape changed on the round trip")
        }
        (a, b) => {
            let text = |v: &Value| match v {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            let (a, b) = (text(a), text(b));
            let same = a == b
                || a.parse::<f64>().ok() == b.parse::<f64>().ok() && a.parse::<f64>().is_ok()
                || matches!(
                    (a.to_ascii_lowercase().as_str(), b.as_str()),
                    ("y" | "yes" | "1" | "true", "true") | ("n" | "no" | "0" | "false", "false")
                );
            assert!(same, "{at}: scalar changed on the round trip");
        }
    }
}

#[test]
fn patient_an_object_where_a_date_is() {
    let body = json!({"patients": [
        {"patientid": "1", "lastname": "Alpha", "dob": "01/02/1980", "status": "active"},
        {"patientid": "2", "lastname": "Bravo", "dob": {"year": 1985}, "status": "active",
         "portalaccessgiven": "true", "balances": [{"balance": "-25.15", "cleanbalance": "true"}]},
        {"patientid": "3", "lastname": "Charlie", "dob": "03/04/1990"}
    ], "totalcount": 3});
    let items = page_with_one_bad_field::<Patient>(
        "patients",
        body,
        "patients[1].dob",
        "a date as MM/DD/YYYY",
    );
    let p = &items[1];
    assert!(p.dob.is_none());
    assert_eq!(p.extra["dob"], json!({"year": 1985}), "kept verbatim");
    assert_eq!(paths(p.decode_warnings()), ["dob"]);
    // Every other field of the record is there.
    assert_eq!(p.patientid.unwrap().get(), 2);
    assert_eq!(p.portalaccessgiven, Some(true));
    assert_eq!(p.status.as_deref(), Some("active"));
    assert_eq!(p.balances.as_ref().unwrap().len(), 1);
    // And the other records carry no warning.
    assert!(items[0].decode_warnings().is_empty() && items[2].decode_warnings().is_empty());
    assert!(items[2].dob.is_some());
    // Debug names the path, never the value.
    let dbg = format!("{p:?}");
    assert!(dbg.contains("dob") && !dbg.contains("1985"), "{dbg}");
}

#[test]
fn appointment_a_nested_unparseable_date() {
    let mut items: Vec<Value> = (0..5)
        .map(|i| {
            json!({"appointmentid": 100 + i, "date": "10/25/2020", "starttime": "09:30",
            "appointmentstatus": "f", "reasonid": ["-1"],
            "patient": {"patientid": "7", "dob": "01/15/1985", "portalaccessgiven": "true"}})
        })
        .collect();
    items[3]["patient"]["dob"] = json!("02/30/1985");
    let items = page_with_one_bad_field::<Appointment>(
        "appointments",
        json!({"appointments": items, "totalcount": 5}),
        "appointments[3].patient.dob",
        "a date as MM/DD/YYYY",
    );
    let a = &items[3];
    assert_eq!(paths(a.decode_warnings()), ["patient.dob"]);
    let patient = a.patient.as_ref().expect("the patient decodes");
    assert_eq!(paths(patient.decode_warnings()), ["dob"]);
    assert_eq!(patient.extra["dob"], "02/30/1985");
    assert_eq!(patient.portalaccessgiven, Some(true));
    assert_eq!(a.appointmentid.unwrap().get(), 103);
    assert_eq!(a.appointmentstatus, Some(AppointmentStatus::Future));
}

#[test]
fn appointment_an_object_inside_a_list_of_strings() {
    let body = json!({"appointments": [
        {"appointmentid": 1, "reasonid": ["-1"], "date": "10/25/2020"},
        {"appointmentid": 2, "reasonid": ["-1", {"id": "962"}], "date": "10/25/2020"}
    ], "totalcount": 2});
    let items = page_with_one_bad_field::<Appointment>(
        "appointments",
        body,
        "appointments[1].reasonid[1]",
        "a string or number",
    );
    // The list keeps its shape (raw, whole); everything else is typed.
    assert!(items[1].reasonid.is_none());
    assert_eq!(items[1].extra["reasonid"], json!(["-1", {"id": "962"}]));
    assert!(items[1].date.is_some());
    assert_eq!(items[0].reasonid.as_deref(), Some(&["-1".to_owned()][..]));
}

#[test]
fn appointment_a_string_where_a_nested_object_is() {
    let body = json!({"appointments": [
        {"appointmentid": 1, "patient": "REDACTED", "duration": 30}
    ], "totalcount": 1});
    let items = page_with_one_bad_field::<Appointment>(
        "appointments",
        body,
        "appointments[0].patient",
        "an object",
    );
    assert_eq!(items[0].extra["patient"], "REDACTED");
    assert_eq!(items[0].duration, Some(30));
}

#[test]
fn problem_an_array_where_a_date_is_in_an_event() {
    let body = json!({"problems": [
        {"problemid": 11, "name": "Asthma", "events": [
            {"eventtype": "START", "startdate": ["01/01/2020"]},
            {"eventtype": "END", "startdate": "02/02/2021"}
        ]}
    ], "totalcount": 1, "lastupdated": "01/01/2021"});
    let items = page_with_one_bad_field::<Problem>(
        "problems",
        body,
        "problems[0].events[0].startdate",
        "a date as MM/DD/YYYY",
    );
    let events = items[0].events.as_ref().unwrap();
    assert_eq!(events.len(), 2);
    assert_eq!(events[0].extra["startdate"], json!(["01/01/2020"]));
    assert!(events[1].startdate.is_some());
    assert_eq!(items[0].name.as_deref(), Some("Asthma"));
}

#[test]
fn medications_a_number_where_a_flag_is_in_an_array_of_arrays() {
    let body = br#"{"medications": [[{"medicationid": 1, "medication": "A"}],
        [{"medicationid": 2, "medication": "B"}, {"medicationid": 3, "isdiscontinued": 7}]],
        "nomedicationsreported": false, "lastupdated": "01/01/2021"}"#;
    let list: MedicationList = decode_json(body, EP).expect("decodes");
    assert_eq!(
        paths(list.decode_warnings()),
        ["medications[1][1].isdiscontinued"]
    );
    assert_eq!(
        list.decode_warnings()[0].expected(),
        "a boolean (true/false, Y/N, yes/no, 1/0)"
    );
    let meds = list.medications.as_ref().unwrap();
    assert_eq!(meds[1][1].extra["isdiscontinued"], 7);
    assert_eq!(meds[1][1].medicationid, Some(3));
    assert_eq!(meds[0][0].medication.as_deref(), Some("A"));
    assert_eq!(list.nomedicationsreported, Some(false));
}

#[test]
fn lab_result_an_unparseable_analyte_date() {
    let body = json!({"results": [
        {"labresultid": 5, "description": "CBC", "analytes": [
            {"analyteid": 1, "analytename": "WBC", "analytedate": "yesterday", "value": "7.1"}
        ]}
    ], "totalcount": 1});
    let items = page_with_one_bad_field::<LabResult>(
        "results",
        body,
        "results[0].analytes[0].analytedate",
        "a date as MM/DD/YYYY",
    );
    let analyte = &items[0].analytes.as_ref().unwrap()[0];
    assert_eq!(analyte.analytename.as_deref(), Some("WBC"));
    assert_eq!(analyte.extra["analytedate"], "yesterday");
}

#[test]
fn claim_a_flag_where_a_date_is_and_a_string_where_a_payer_is() {
    let body = json!({"claims": [
        {"claimid": "5569", "billedservicedate": true, "departmentid": 3,
         "transactiondetails": {"17846": "189"},
         "procedures": [{"procedurecode": "80305", "chargeamount": "189"}],
         "primaryinsurancepayer": {"status": "CLOSED", "primarypatientinsuranceid": 945}}
    ], "totalcount": 1});
    let items = page_with_one_bad_field::<Claim>(
        "claims",
        body,
        "claims[0].billedservicedate",
        "a date as MM/DD/YYYY",
    );
    assert_eq!(items[0].extra["billedservicedate"], true);
    assert_eq!(items[0].claimid.unwrap().get(), 5569);
    assert_eq!(
        items[0].primaryinsurancepayer.as_ref().unwrap().status,
        Some(ClaimStatus::Closed)
    );

    let body = json!({"claims": [
        {"claimid": "1", "primaryinsurancepayer": "CLOSED", "transactiondetails": []}
    ], "totalcount": 1});
    let bytes = serde_json::to_vec(&body).unwrap();
    let page = decode_page::<Claim>(&bytes, "claims", EP).unwrap();
    assert_eq!(
        paths(page.warnings()),
        [
            "claims[0].primaryinsurancepayer",
            "claims[0].transactiondetails"
        ]
    );
    assert_eq!(page.items()[0].extra["transactiondetails"], json!([]));
}

#[test]
fn document_an_unparseable_date_time() {
    let body = json!({"documents": [
        {"documentid": 1, "documentclass": "ADMIN", "createddatetime": "2021-01-11T17:03:05-05:00"},
        {"documentid": 2, "documentclass": "ADMIN", "createddatetime": "last tuesday", "status": "REVIEW"}
    ], "totalcount": 2});
    let items = page_with_one_bad_field::<Document>(
        "documents",
        body,
        "documents[1].createddatetime",
        "a date-time",
    );
    assert!(items[0].createddatetime.is_some());
    assert_eq!(items[1].status.as_deref(), Some("REVIEW"));
}

#[test]
fn insurance_a_flag_where_a_number_is() {
    let body = json!({"insurances": [
        {"insuranceid": "11", "sequencenumber": true, "insuranceplanname": "PLAN",
         "insurancepolicyholderdob": "01/02/1970"}
    ], "totalcount": 1});
    let items = page_with_one_bad_field::<Insurance>(
        "insurances",
        body,
        "insurances[0].sequencenumber",
        "an unsigned integer as a number or numeric string",
    );
    assert_eq!(items[0].insuranceplanname.as_deref(), Some("PLAN"));
    assert!(items[0].insurancepolicyholderdob.is_some());
}

#[test]
fn department_a_number_where_a_zone_name_is() {
    let body = json!({"departments": [
        {"departmentid": "1", "timezonename": -5, "name": "Main", "placeofservicefacility": false}
    ], "totalcount": 1});
    let items = page_with_one_bad_field::<DepartmentInfo>(
        "departments",
        body,
        "departments[0].timezonename",
        "an IANA time zone name",
    );
    assert_eq!(items[0].name.as_deref(), Some("Main"));
    assert_eq!(items[0].placeofservicefacility, Some(false));
}

#[test]
fn provider_an_array_where_a_string_is() {
    let body = json!({"providers": [
        {"providerid": 20, "displayname": ["Dr", "Who"], "npi": "1234567890", "billable": true}
    ], "totalcount": 1});
    let items = page_with_one_bad_field::<Provider>(
        "providers",
        body,
        "providers[0].displayname",
        "a string or number",
    );
    assert_eq!(items[0].extra["displayname"], json!(["Dr", "Who"]));
    assert_eq!(items[0].npi.as_deref(), Some("1234567890"));
    assert_eq!(items[0].billable, Some(true));
}

#[test]
fn a_one_element_array_answer_reports_on_the_model() {
    // "Get one" answers are one-element arrays; the warning lives on the model.
    let body = br#"[{"appointmentid": "9", "duration": {"minutes": 30}, "date": "10/25/2020"}]"#;
    let one: athena_core::codec::lenient::Single<Appointment> = decode_json(body, EP).unwrap();
    let a = one.into_inner();
    assert_eq!(paths(a.decode_warnings()), ["duration"]);
    assert!(a.date.is_some());
}

#[test]
fn malformed_json_and_non_object_records_still_fail() {
    let err =
        decode_page::<Patient>(br#"{"patients": [{"patientid": 1,"#, "patients", EP).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Decode);
    let err = decode_page::<Patient>(br#"{"patients": ["Smith"]}"#, "patients", EP).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Decode);
    assert!(err.to_string().contains("patients[0]"), "{err}");
    assert!(!err.to_string().contains("Smith"), "{err}");
}

#[test]
fn warnings_do_not_leak_between_decodes() {
    let bad = br#"{"patients": [{"dob": "99/99/9999"}], "totalcount": 1}"#;
    let good = br#"{"patients": [{"dob": "01/01/2000"}], "totalcount": 1}"#;
    assert_eq!(
        decode_page::<Patient>(bad, "patients", EP)
            .unwrap()
            .warnings()
            .len(),
        1
    );
    assert!(
        decode_page::<Patient>(good, "patients", EP)
            .unwrap()
            .warnings()
            .is_empty()
    );
    // A direct serde decode keeps the warning on the model and leaves nothing behind.
    let p: Patient = serde_json::from_str(r#"{"dob": "99/99/9999"}"#).unwrap();
    assert_eq!(paths(p.decode_warnings()), ["dob"]);
    assert!(
        decode_page::<Patient>(good, "patients", EP)
            .unwrap()
            .warnings()
            .is_empty()
    );
}

#[tokio::test]
async fn through_the_client_pages_and_streams_carry_the_warnings() {
    use athena_rest::prelude::*;
    use futures::TryStreamExt;
    use wiremock::matchers::{method, path};
    use wiremock::{Mock, MockServer, ResponseTemplate};

    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/oauth2/v1/token"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"access_token": "t", "expires_in": "3600"})),
        )
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v1/195900/patients"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "patients": [
                {"patientid": "1", "lastname": "Smith", "dob": "01/02/1980"},
                {"patientid": "2", "lastname": "Smith", "dob": "01/02/1980", "consenttocall": [true]}
            ],
            "totalcount": 2
        })))
        .mount(&server)
        .await;
    let client = athena_core::Client::builder()
        .base_url(server.uri())
        .client_credentials("id", "secret")
        .build()
        .unwrap();
    let practice = client.practice(athena_core::PracticeId::new(195900));
    let page = practice
        .patients()
        .search()
        .lastname("Smith")
        .send()
        .await
        .unwrap();
    assert_eq!(page.items().len(), 2);
    assert_eq!(paths(page.warnings()), ["patients[1].consenttocall"]);
    let all: Vec<Patient> = practice
        .patients()
        .search()
        .lastname("Smith")
        .stream()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(all.len(), 2);
    assert_eq!(paths(all[1].decode_warnings()), ["consenttocall"]);
    assert_eq!(all[1].extra["consenttocall"], json!([true]));
}
