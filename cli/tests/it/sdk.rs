//! Through the SDK (athena-core / athena-rest) against the sandbox: what athena enforces —
//! scopes and departments — arrives as the SDK's typed errors, without PHI.

use athena_core::{Client, DepartmentId, ErrorKind, PatientId, PracticeId, Request};
use athena_rest::prelude::*;
use athena_testkit::Sandbox;

fn client(sb: &Sandbox, scope: Option<&str>) -> Client {
    let mut b = Client::builder()
        .base_url(sb.base_url())
        .client_credentials(sb.client_id(), sb.client_secret());
    if let Some(s) = scope {
        b = b.scope(s);
    }
    b.build().expect("client")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn scopes_are_enforced_and_reported_as_forbidden() {
    let sb = Sandbox::start().await;
    let practice = PracticeId::new(sb.practice_id());
    // Default scope (Athenanet.MDP.*): REST works, FHIR is forbidden.
    let rest = client(&sb, None);
    let depts = rest.practice(practice).departments().list().send().await;
    assert_eq!(depts.expect("departments").items().len(), 3);
    let fhir = Request::get("/fhir/r4/{type}/{id}")
        .path_param("type", "Patient")
        .path_param("id", "a-195900.E-60178")
        .query("ah-practice", "Organization/a-1.Practice-195900");
    let e = rest.execute(&fhir).await.expect_err("a REST token on FHIR");
    assert_eq!(e.kind(), ErrorKind::Forbidden, "{e}");
    assert!(!e.to_string().contains("60178"), "{e}");
    // A FHIR-only token: FHIR works, REST is forbidden with athena's message.
    let smart = client(&sb, Some("system/Patient.read"));
    assert!(smart.execute(&fhir).await.is_ok());
    let e = smart
        .practice(practice)
        .departments()
        .list()
        .send()
        .await
        .expect_err("a FHIR token on REST");
    assert_eq!(e.kind(), ErrorKind::Forbidden, "{e}");
    assert_eq!(
        e.api_error().and_then(|a| a.error()),
        Some("Incorrect permissions.")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unknown_department_is_a_bad_request_naming_the_field() {
    let sb = Sandbox::start().await;
    let practice = client(&sb, None).practice(PracticeId::new(sb.practice_id()));
    let e = practice
        .department(DepartmentId::new(99))
        .chart(PatientId::new(60178))
        .problems()
        .send()
        .await
        .expect_err("department 99 does not exist");
    assert_eq!(e.kind(), ErrorKind::BadRequest, "{e}");
    assert_eq!(
        e.api_error().and_then(|a| a.detailed_message()),
        Some("The departmentid is not a valid department.")
    );
    assert!(!e.to_string().contains("60178"), "{e}");
    // Department 3 exists.
    let ok = practice
        .department(DepartmentId::new(3))
        .chart(PatientId::new(60178))
        .problems()
        .send()
        .await;
    assert!(ok.is_ok());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_preview_patients_through_the_sdk() {
    let sb = Sandbox::start().await;
    let practice = client(&sb, None).practice(PracticeId::new(sb.practice_id()));
    let page = practice
        .patients()
        .search()
        .lastname("Sandbox-Test")
        .send()
        .await
        .expect("search");
    let mut ids: Vec<u64> = page
        .items()
        .iter()
        .filter_map(|p| p.patientid.map(|id| id.get()))
        .collect();
    ids.sort_unstable();
    assert_eq!(ids, [60181, 60182]);
    let gary = practice
        .patients()
        .get(PatientId::new(60183))
        .send()
        .await
        .expect("Gary");
    assert_eq!(
        gary.firstname.as_ref().map(|n| n.expose().as_str()),
        Some("Gary")
    );
}
