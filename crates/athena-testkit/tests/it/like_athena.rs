//! The sandbox answers like athena where a client can get it wrong: tokens whose scopes do not
//! cover a call get 403 (REST and FHIR), a `departmentid` the practice does not have gets
//! athena's 400, the documented "Sandboxtest" preview patients are there, and a sandbox can
//! be served on a chosen port.

use athena_testkit::Sandbox;
use serde_json::Value;

use crate::common::{S, client};

/// A token for exactly `scope`.
async fn token_for(sb: &Sandbox, scope: &str) -> String {
    let r = client()
        .post(sb.token_url())
        .basic_auth(sb.client_id(), Some(sb.client_secret()))
        .form(&[("grant_type", "client_credentials"), ("scope", scope)])
        .send()
        .await
        .expect("token request");
    assert_eq!(r.status(), 200);
    let v: Value = r.json().await.expect("token json");
    v["access_token"]
        .as_str()
        .expect("access_token")
        .to_string()
}

async fn get(url: &str, token: &str) -> (u16, Value) {
    let r = client()
        .get(url)
        .bearer_auth(token)
        .send()
        .await
        .expect("send");
    let st = r.status().as_u16();
    (st, r.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn a_fhir_only_token_cannot_call_the_proprietary_api() {
    let sb = Sandbox::start().await;
    let t = token_for(&sb, "system/Patient.read").await;
    let (st, v) = get(&format!("{}/departments", sb.rest_base()), &t).await;
    assert_eq!(st, 403, "{v}");
    assert_eq!(v["error"], "Incorrect permissions.", "{v}");
    assert!(
        v["detailedmessage"]
            .as_str()
            .is_some_and(|m| m.contains("athena/service/Athenanet.MDP.*")),
        "{v}"
    );
    // The same token reads the FHIR resource it names.
    let patient = format!(
        "{}/Patient/a-{}.E-1?ah-practice=Organization/a-1.Practice-{}",
        sb.fhir_base(),
        sb.practice_id(),
        sb.practice_id()
    );
    assert_eq!(get(&patient, &t).await.0, 200);
}

#[tokio::test]
async fn fhir_needs_a_smart_scope_for_the_resource_and_interaction() {
    let sb = Sandbox::start().await;
    let pid = sb.practice_id();
    let tenant = format!("ah-practice=Organization/a-1.Practice-{pid}");
    let patient = format!("{}/Patient/a-{pid}.E-1?{tenant}", sb.fhir_base());
    let conditions = format!("{}/Condition?patient=a-{pid}.E-1&{tenant}", sb.fhir_base());

    // The REST scope alone does not cover FHIR.
    let rest_only = token_for(&sb, "athena/service/Athenanet.MDP.*").await;
    let (st, v) = get(&patient, &rest_only).await;
    assert_eq!(st, 403, "{v}");
    assert_eq!(v["resourceType"], "OperationOutcome", "{v}");
    assert_eq!(v["issue"][0]["code"], "forbidden", "{v}");

    // A scope for another type does not either; v1 `.read` and v2 `.rs` for the type do.
    let patient_only = token_for(&sb, "system/Patient.read").await;
    assert_eq!(get(&patient, &patient_only).await.0, 200);
    assert_eq!(get(&conditions, &patient_only).await.0, 403);
    let v2 = token_for(&sb, "system/Condition.rs").await;
    assert_eq!(get(&conditions, &v2).await.0, 200);
    // v2 `r` (read) without `s` (search) does not allow a search.
    let read_only = token_for(&sb, "system/Condition.r").await;
    assert_eq!(get(&conditions, &read_only).await.0, 403);
    // Combined scopes, space-separated, cover both APIs.
    let both = token_for(&sb, "athena/service/Athenanet.MDP.* system/*.read").await;
    assert_eq!(get(&conditions, &both).await.0, 200);
    assert_eq!(
        get(&format!("{}/departments", sb.rest_base()), &both)
            .await
            .0,
        200
    );
    // The SMART configuration stays anonymous.
    let smart = format!("{}/.well-known/smart-configuration", sb.fhir_base());
    let r = client().get(smart).send().await.expect("send");
    assert_eq!(r.status(), 200);
}

#[tokio::test]
async fn an_unknown_department_gets_athenas_invalid_data_answer() {
    let sb = Sandbox::start().await;
    let s = S::new(&sb).await;
    // The default practice has departments 1–3.
    for path in [
        "/chart/1/problems?departmentid=99",
        "/appointments/open?departmentid=99&reasonid=-1",
        "/appointments/open?departmentid=1,99&reasonid=-1",
        "/patients?lastname=Sandboxtest&departmentid=4",
    ] {
        let (st, v) = s.get(path).await;
        assert_eq!(st, 400, "{path}: {v}");
        assert_eq!(v["error"], "The data provided is invalid.", "{path}: {v}");
        assert_eq!(
            v["detailedmessage"], "The departmentid is not a valid department.",
            "{path}: {v}"
        );
    }
    let (st, v) = s
        .post(
            "/patients/1/documents/patientcase",
            &[("departmentid", "42"), ("documentsource", "PORTAL")],
        )
        .await;
    assert_eq!(st, 400, "{v}");
    // Known departments still work.
    assert_eq!(s.get("/chart/1/problems?departmentid=3").await.0, 200);
}

#[tokio::test]
async fn the_documented_preview_test_patients_are_seeded() {
    let sb = Sandbox::start().await;
    let s = S::new(&sb).await;
    let (st, v) = s.get("/patients?lastname=Sandboxtest").await;
    assert_eq!(st, 200, "{v}");
    let mut found: Vec<(String, String)> = v["patients"]
        .as_array()
        .expect("patients")
        .iter()
        .map(|p| {
            (
                p["patientid"].as_str().unwrap_or_default().to_string(),
                p["firstname"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect();
    found.sort();
    let want = [
        ("60178", "Donna"),
        ("60179", "Eleana"),
        ("60180", "Frankie"),
        ("60183", "Gary"),
        ("60184", "Dorrie"),
    ];
    assert_eq!(
        found,
        want.map(|(a, b)| (a.to_string(), b.to_string())).to_vec(),
        "{v}"
    );
    let (_, v) = s.get("/patients?lastname=Sandbox-Test").await;
    let names: Vec<&str> = v["patients"]
        .as_array()
        .expect("patients")
        .iter()
        .filter_map(|p| p["firstname"].as_str())
        .collect();
    assert_eq!(names.len(), 2, "{v}");
    assert!(names.contains(&"Anna") && names.contains(&"Rebecca"), "{v}");
    // By id, with a chart, and by their documented FHIR id and FHIR name search.
    let (st, v) = s.get("/patients/60182").await;
    assert_eq!(st, 200, "{v}");
    assert_eq!(v[0]["lastname"], "Sandbox-Test", "{v}");
    let (st, _) = s.get("/chart/60178/problems?departmentid=1").await;
    assert_eq!(st, 200);
    let tenant = format!("ah-practice=Organization/a-1.Practice-{}", sb.practice_id());
    let (st, v) = s
        .get_url(&format!(
            "{}/Patient/a-195900.E-60183?{tenant}",
            sb.fhir_base()
        ))
        .await;
    assert_eq!(st, 200, "{v}");
    assert_eq!(v["name"][0]["family"], "Sandboxtest", "{v}");
    let (st, v) = s
        .get_url(&format!(
            "{}/Patient?name=Sandboxtest&{tenant}",
            sb.fhir_base()
        ))
        .await;
    assert_eq!(st, 200, "{v}");
    assert_eq!(v["entry"].as_array().map(Vec::len), Some(5), "{v}");
    // A new patient never takes one of their ids.
    let (st, v) = s
        .post(
            "/patients",
            &[
                ("firstname", "New"),
                ("lastname", "Person"),
                ("dob", "01/02/1990"),
                ("departmentid", "1"),
                ("zip", "02110"),
            ],
        )
        .await;
    assert_eq!(st, 200, "{v}");
    let id: u64 = v[0]["patientid"]
        .as_str()
        .and_then(|s| s.parse().ok())
        .expect("an id");
    assert!(!(60178..=60184).contains(&id), "{v}");
}

#[tokio::test]
async fn other_practices_do_not_get_the_preview_patients() {
    let sb = Sandbox::builder().practices(2).start().await;
    let s = S::new(&sb).await;
    let other = sb.practice_ids()[1];
    let (st, v) = s
        .get_url(&format!(
            "{}/v1/{other}/patients?lastname=Sandboxtest",
            sb.base_url()
        ))
        .await;
    assert_eq!(st, 200, "{v}");
    assert_eq!(v["totalcount"], 0, "{v}");
}

#[tokio::test]
async fn a_sandbox_serves_on_the_port_it_is_given() {
    // Take a free port from the OS, release it, and ask the sandbox for it.
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        l.local_addr().expect("addr").port()
    };
    let sb = Sandbox::builder()
        .port(port)
        .try_start()
        .await
        .expect("the port is free");
    assert_eq!(sb.base_url(), format!("http://127.0.0.1:{port}"));
    let s = S::new(&sb).await;
    assert_eq!(s.get("/departments").await.0, 200);
    // A second sandbox on the same port is an error, not a panic.
    let taken = Sandbox::builder().port(port).try_start().await;
    assert!(taken.is_err());
}
