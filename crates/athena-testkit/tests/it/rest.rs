//! REST behaviour: required fields, state consistency, paging links, error shapes.

use crate::common::{S, date, first_open};
use athena_testkit::{Sandbox, ops};
use chrono::Duration;
use serde_json::{Value, json};

#[tokio::test]
async fn practice_level_calls_and_errors() {
    let sb = Sandbox::start().await;
    let s = S::new(&sb).await;
    assert_eq!(s.get("/ping").await, (200, json!({"Pong": "true"})));
    let (st, v) = s
        .get_url(&format!("{}/v1/999999/ping", sb.base_url()))
        .await;
    assert_eq!(st, 404);
    assert_eq!(
        v,
        json!({"error": "Invalid practice.", "detailedmessage": "The practice ID does not exist."})
    );
    let (st, _) = s.get("/no/such/path").await;
    assert_eq!(st, 404);
    let (st, v) = s.get("/departments/2").await;
    assert_eq!(st, 200);
    assert!(v.is_array());
    assert!(
        v[0]["departmentid"].is_string()
            && v[0]["timezone"].is_number()
            && v[0]["timezonename"].is_string()
    );
    let (_, v) = s.get("/providers").await;
    assert!(v["providers"][0]["providerid"].is_number());
    assert!(v["providers"][0]["homedepartment"].is_string());
    let (_, v) = s.get("/customfields").await;
    assert!(v.is_array());
}

#[tokio::test]
async fn patient_search_rules_and_paging_links() {
    let sb = Sandbox::builder().patients(500).start().await;
    let s = S::new(&sb).await;
    let (st, _) = s.get("/patients").await;
    assert_eq!(st, 400);
    let (st, v) = s.get("/patients?departmentid=1").await;
    assert_eq!(st, 200);
    let total = v["totalcount"].as_u64().unwrap();
    assert!(total > 10);
    assert_eq!(
        v["patients"].as_array().unwrap().len(),
        10,
        "default limit 10"
    );
    assert_eq!(
        v["next"],
        json!("/v1/195900/patients?DEPARTMENTID=1&offset=10")
    );
    assert!(v.get("previous").is_none());
    // Last page: next absent, previous present, limit rewritten when fewer remain.
    let last = total - 3;
    let (_, v) = s
        .get(&format!("/patients?departmentid=1&limit=5&offset={last}"))
        .await;
    assert_eq!(v["patients"].as_array().unwrap().len(), 3);
    assert!(v.get("next").is_none());
    assert!(
        v["previous"]
            .as_str()
            .unwrap()
            .starts_with("/v1/195900/patients?DEPARTMENTID=1&offset=")
    );
    let (_, v) = s
        .get(&format!(
            "/patients?departmentid=1&limit=5&offset={}",
            total - 8
        ))
        .await;
    assert_eq!(
        v["next"],
        json!(format!(
            "/v1/195900/patients?DEPARTMENTID=1&limit=3&offset={}",
            total - 3
        ))
    );
    // Max 1000.
    let (_, v) = s.get("/patients?departmentid=1&limit=5000").await;
    assert_eq!(
        v["patients"].as_array().unwrap().len() as u64,
        total.min(1000)
    );
    // One patient: a one-element array with options.
    let (_, v) = s
        .get("/patients/7?showinsurance=true&showcustomfields=true")
        .await;
    assert_eq!(v.as_array().unwrap().len(), 1);
    assert_eq!(v[0]["patientid"], "7");
    assert!(v[0]["customfields"].is_array());
    assert!(v[0]["insurances"].is_array());
    // Dates are percent-encoded and upper-cased in next links.
    let dob = v[0]["dob"].as_str().unwrap().to_string();
    let (_, v) = s.get(&format!("/patients?dob={dob}&limit=1")).await;
    if v["totalcount"].as_u64().unwrap() > 1 {
        assert!(
            v["next"].as_str().unwrap().contains("DOB=")
                && v["next"].as_str().unwrap().contains("%2F")
        );
    }
}

#[tokio::test]
async fn create_patient_then_search_and_best_match() {
    let sb = Sandbox::start().await;
    let s = S::new(&sb).await;
    let (st, v) = s.post("/patients", &[("departmentid", "1")]).await;
    assert_eq!(st, 400);
    assert_eq!(
        v,
        json!({"invalidfields": [], "missingfields": ["lastname", "dob", "firstname"], "error": "Additional fields are required."})
    );
    let (st, v) = s
        .post(
            "/patients",
            &[
                ("departmentid", "1"),
                ("firstname", "Zed"),
                ("lastname", "Quux"),
                ("dob", "13/45/2000"),
                ("zip", "02472"),
            ],
        )
        .await;
    assert_eq!((st, v), (400, json!({"error": "Improper DOB."})));
    let form = [
        ("departmentid", "1"),
        ("firstname", "Zed"),
        ("lastname", "Quuxley"),
        ("dob", "01/02/1980"),
        ("mobilephone", "6175550123"),
    ];
    let (st, v) = s.post("/patients", &form).await;
    assert_eq!(st, 200);
    let id = v[0]["patientid"].as_str().unwrap().to_string();
    assert_eq!(id, "51");
    let (_, v) = s.get("/patients?lastname=Quuxley").await;
    assert_eq!(v["totalcount"], 1);
    assert_eq!(v["patients"][0]["patientid"], json!(id));
    // Best match: the same person again returns the existing id, no new write.
    let (_, v) = s.post("/patients", &form).await;
    assert_eq!(v[0]["patientid"], json!(id));
    assert_eq!(sb.stats().writes(ops::CREATE_PATIENT), 1);
    let (_, v) = s
        .get("/patients/enhancedbestmatch?firstname=Zed&lastname=Quuxley&dob=01/02/1980")
        .await;
    assert_eq!(v[0]["patientid"], json!(id));
    assert_eq!(v[0]["score"], "27");
    let (st, _) = s
        .put(&format!("/patients/{id}"), &[("homephone", "6175550199")])
        .await;
    assert_eq!(st, 200);
    let (_, v) = s.get(&format!("/patients/{id}")).await;
    assert_eq!(v[0]["homephone"], "6175550199");
}

#[tokio::test]
async fn scheduling_state_is_consistent() {
    let sb = Sandbox::start().await;
    let s = S::new(&sb).await;
    let today = sb.today();
    let (st, _) = s.get("/appointments/open?departmentid=1").await;
    assert_eq!(st, 400, "appointmenttypeid or reasonid required");
    let (st, _) = s.get("/appointments/booked?departmentid=1").await;
    assert_eq!(st, 400, "dates required");
    let (st, _) = s
        .get(&format!(
            "/appointments/booked?startdate={}&enddate={}",
            date(today),
            date(today)
        ))
        .await;
    assert_eq!(st, 400, "department or provider required");

    let (slot, _, _) = first_open(&s, &sb).await;
    let (st, v) = s.put(&format!("/appointments/{slot}"), &[]).await;
    assert_eq!(st, 400);
    assert_eq!(v["missingfields"], json!(["patientid"]));
    let (st, v) = s
        .put(&format!("/appointments/{slot}"), &[("patientid", "3")])
        .await;
    assert_eq!(st, 200);
    assert_eq!(v[0]["appointmentid"], json!(slot.to_string()));
    assert_eq!(v[0]["appointmentstatus"], "f");
    let (st, v) = s
        .put(&format!("/appointments/{slot}"), &[("patientid", "4")])
        .await;
    assert_eq!(st, 409);
    assert_eq!(
        v["error"],
        "That appointment time was already booked or not available for booking."
    );
    let window = format!(
        "startdate={}&enddate={}",
        date(today),
        date(today + Duration::days(14))
    );
    let (_, open) = s
        .get(&format!(
            "/appointments/open?departmentid=1&reasonid=-1&{window}&limit=10000"
        ))
        .await;
    assert!(
        !open["appointments"]
            .as_array()
            .unwrap()
            .iter()
            .any(|a| a["appointmentid"] == json!(slot))
    );
    let (_, booked) = s
        .get(&format!(
            "/appointments/booked?departmentid=1&{window}&patientid=3&showpatientdetail=true"
        ))
        .await;
    let mine = booked["appointments"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["appointmentid"] == json!(slot.to_string()))
        .unwrap()
        .clone();
    assert_eq!(mine["patient"]["patientid"], "3");
    assert!(
        mine["patient"]["portalaccessgiven"].is_string(),
        "string booleans in embedded patients"
    );

    let (st, v) = s.post(&format!("/appointments/{slot}/checkout"), &[]).await;
    assert_eq!(st, 400, "cannot check out before check-in: {v}");
    assert_eq!(
        s.post(&format!("/appointments/{slot}/startcheckin"), &[])
            .await,
        (200, json!({"success": "true"}))
    );
    assert_eq!(
        s.post(&format!("/appointments/{slot}/checkin"), &[]).await,
        (200, json!({"success": "true"}))
    );
    assert_eq!(
        s.get(&format!("/appointments/{slot}")).await.1[0]["appointmentstatus"],
        "2"
    );
    assert_eq!(
        s.post(&format!("/appointments/{slot}/checkout"), &[]).await,
        (200, json!({"success": "true"}))
    );
    assert_eq!(
        s.get(&format!("/appointments/{slot}")).await.1[0]["appointmentstatus"],
        "3"
    );

    // Book, reschedule, cancel.
    let (a, _, _) = first_open(&s, &sb).await;
    s.put(&format!("/appointments/{a}"), &[("patientid", "5")])
        .await;
    let (b, _, _) = first_open(&s, &sb).await;
    let (st, v) = s
        .put(
            &format!("/appointments/{a}/reschedule"),
            &[("patientid", "5"), ("newappointmentid", &b.to_string())],
        )
        .await;
    assert_eq!(st, 200, "{v}");
    assert_eq!(v[0]["appointmentid"], json!(b.to_string()));
    assert_eq!(v[0]["rescheduledappointmentid"], json!(a.to_string()));
    assert_eq!(
        s.get(&format!("/appointments/{a}")).await.1[0]["appointmentstatus"],
        "x"
    );
    assert_eq!(
        s.put(&format!("/appointments/{b}/cancel"), &[("patientid", "5")])
            .await,
        (200, json!({"status": "x"}))
    );
    assert_eq!(
        s.get(&format!("/appointments/{b}")).await.1[0]["appointmentstatus"],
        "x"
    );
    // Update booked answers bare 1 or a bare string.
    let (c, _, _) = first_open(&s, &sb).await;
    s.put(&format!("/appointments/{c}"), &[("patientid", "6")])
        .await;
    assert_eq!(
        s.put(&format!("/appointments/booked/{c}"), &[("providerid", "2")])
            .await,
        (200, json!(1))
    );
    assert_eq!(
        s.put(
            &format!("/appointments/booked/{c}"),
            &[("providerid", "999")]
        )
        .await,
        (200, json!("Invalid PROVIDERID input"))
    );
    let st = sb.stats();
    assert_eq!(st.writes(ops::BOOK_APPOINTMENT), 3);
    assert_eq!(st.writes(ops::CHECK_IN), 1);
    assert_eq!(st.writes(ops::CANCEL_APPOINTMENT), 1);
}

#[tokio::test]
async fn chart_endpoints() {
    let sb = Sandbox::start().await;
    let s = S::new(&sb).await;
    let (st, v) = s.get("/chart/1/problems").await;
    assert_eq!(st, 400);
    assert_eq!(v["missingfields"], json!(["departmentid"]));
    let (_, v) = s.get("/chart/1/medications?departmentid=1").await;
    assert!(v["medications"].is_array());
    if let Some(first) = v["medications"].as_array().unwrap().first() {
        assert!(first.is_array(), "medications is an array of arrays");
    }
    let (_, v) = s.get("/chart/2/labresults?departmentid=1").await;
    assert!(v["results"].is_array() && v.get("labresults").is_none());
    let (_, v) = s.get("/chart/2/vitals?departmentid=1").await;
    assert!(v["vitals"][0]["readings"][0].is_array());
    let (st, v) = s
        .post(
            "/chart/1/problems",
            &[("departmentid", "1"), ("snomedcode", "0")],
        )
        .await;
    assert_eq!(
        (st, v),
        (
            200,
            json!({"success": "false", "errormessage": "Submitted snomedcode of '0' is not valid."})
        )
    );
    let (st, _) = s
        .post(
            "/chart/1/problems",
            &[("departmentid", "1"), ("snomedcode", "abc")],
        )
        .await;
    assert_eq!(st, 400);
    let (st, v) = s
        .post(
            "/chart/1/problems",
            &[("departmentid", "1"), ("snomedcode", "38341003")],
        )
        .await;
    assert_eq!(st, 200);
    let pid = v["problemid"].clone();
    let (_, v) = s.get("/chart/1/problems?departmentid=1").await;
    assert!(
        v["problems"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p["problemid"] == pid)
    );
    let (st, _) = s
        .post(
            "/chart/1/vitals",
            &[
                ("departmentid", "1"),
                (
                    "vitals",
                    r#"[[{"clinicalelementid":"VITALS.WEIGHT","value":"150"}]]"#,
                ),
            ],
        )
        .await;
    assert_eq!(st, 200);
    let (st, _) = s
        .put(
            "/chart/1/allergies",
            &[
                ("departmentid", "1"),
                (
                    "allergies",
                    r#"[{"allergenid":24640,"reactions":[{"reactionname":"hives"}]}]"#,
                ),
            ],
        )
        .await;
    assert_eq!(st, 200);
    let (_, v) = s.get("/chart/1/allergies?departmentid=1").await;
    assert_eq!(v["allergies"][0]["allergenid"], 24640);
    let (_, v) = s.get("/chart/1/encounters?departmentid=1").await;
    let enc = v["encounters"][0]["encounterid"].as_u64().unwrap();
    let (_, v) = s.get(&format!("/chart/encounter/{enc}")).await;
    assert!(v.is_array());
    let (_, v) = s.get(&format!("/chart/encounters/{enc}/summary")).await;
    assert!(v["summaryhtml"].as_str().unwrap().starts_with("<html>"));
}

#[tokio::test]
async fn documents_cases_inbox_claims_payments() {
    let sb = Sandbox::start().await;
    let s = S::new(&sb).await;
    let (_, v) = s
        .post(
            "/patients/1/documents/clinicaldocument",
            &[
                ("departmentid", "1"),
                ("documentsubclass", "CLINICALDOCUMENT"),
            ],
        )
        .await;
    assert_eq!(v["success"], true);
    assert!(v["clinicaldocumentid"].is_number());
    let (st, v) = s
        .post(
            "/patients/1/documents/patientcase",
            &[
                ("departmentid", "1"),
                ("documentsource", "patient"),
                ("documentsubclass", "PATIENTCASE_OTHER"),
                ("providerid", "1"),
            ],
        )
        .await;
    assert_eq!(st, 400);
    assert_eq!(
        v["detailedmessage"],
        "The value 'patient' did not match any of the enum values for SOURCE"
    );
    let (_, v) = s
        .post(
            "/patients/1/documents/patientcase",
            &[
                ("departmentid", "1"),
                ("documentsource", "PORTAL"),
                ("documentsubclass", "PATIENTCASE_OTHER"),
                ("providerid", "1"),
                ("subject", "Hi"),
            ],
        )
        .await;
    let case = v["patientcaseid"].as_u64().unwrap();
    let (_, v) = s.get("/patients/1/patientcases").await;
    assert!(
        v["patientcases"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["patientcaseid"] == case)
    );
    assert_eq!(
        s.post(
            &format!("/documents/patientcase/{case}/actions"),
            &[("actionnote", "called back")]
        )
        .await
        .0,
        200
    );
    assert_eq!(
        s.get(&format!("/documents/patientcase/{case}/actions"))
            .await
            .1["totalcount"],
        1
    );
    let (_, v) = s.get("/providers/1/inbox").await;
    assert!(v["totalcount"].as_u64().unwrap() >= 1);
    assert!(!sb.urgent_cases().is_empty());

    let (_, v) = s.get("/claims?limit=2").await;
    let claim = v["claims"][0]["claimid"].as_str().unwrap().to_string();
    let (_, v) = s.get(&format!("/claims/{claim}")).await;
    assert!(v.is_object() && v["claimid"].is_string() && v["departmentid"].is_number());
    let charges = r#"[{"procedurecode":"99213","units":1,"icd10code1":"I10","unitamount":125}]"#;
    let (st, v) = s
        .post(
            "/claims",
            &[
                ("claimcharges", charges),
                ("departmentid", "1"),
                ("patientid", "1"),
                ("servicedate", "01/02/2024"),
                ("supervisingproviderid", "1"),
            ],
        )
        .await;
    assert_eq!(st, 200);
    assert_eq!(v["success"], true);
    assert_eq!(v["errormessage"], "");
    assert!(v["claimids"][0].is_string());
    let (_, v) = s
        .post(
            "/patients/1/recordpayment",
            &[
                ("departmentid", "1"),
                ("paymentmethod", "CASH"),
                ("copayamount", "20"),
            ],
        )
        .await;
    assert_eq!(v, json!([{"success": "true", "paymentbatchid": "5"}]));
    let st = sb.stats();
    assert_eq!(st.writes(ops::CREATE_CLAIM), 1);
    assert_eq!(st.writes(ops::RECORD_PAYMENT), 1);
    // Planted denials are visible on the wire.
    let d = sb.planted_denials();
    assert!(d.len() >= 6, "{}", d.len());
    // Planted denials are visible on the wire the way athena shows a denial: the payer's
    // status with a note naming the adjustment reason; no invented denial fields.
    for den in &d {
        let (_, v) = s.get(&format!("/claims/{}", den.claim_id)).await;
        let payer = &v["primaryinsurancepayer"];
        assert_eq!(payer["status"], "HOLD", "{}", den.claim_id);
        let note = payer["note"].as_str().unwrap_or_default();
        let (group, reason) = den.adjustment_code.split_once('-').unwrap();
        assert!(
            note.contains(group) && note.contains(reason),
            "{note:?} names {}",
            den.adjustment_code
        );
        assert!(note.contains(&den.remark_code), "{note:?}");
        for gone in ["adjustments", "outstandingbalance"] {
            assert!(v.get(gone).is_none(), "{gone} is not an athena field");
        }
        for p in v["procedures"].as_array().unwrap() {
            assert!(p.get("proceduremodifier").is_none() && p.get("units").is_none());
        }
    }
}

/// The policy a claim is billed to, as a client reads it: `primarypatientinsuranceid`
/// resolved against the patient's insurances (cancelled ones included).
async fn billed_policy(s: &S, claim: &Value) -> Option<Value> {
    let billed = &claim["primaryinsurancepayer"]["primarypatientinsuranceid"];
    let billed = billed
        .as_u64()
        .map(|n| n.to_string())
        .or_else(|| billed.as_str().map(str::to_owned))?;
    let pid = &claim["patientid"];
    let (st, v) = s
        .get(&format!("/patients/{pid}/insurances?showcancelled=true"))
        .await;
    assert_eq!(st, 200);
    v["insurances"]
        .as_array()?
        .iter()
        .find(|i| i["insuranceid"].as_str() == Some(billed.as_str()))
        .cloned()
}

fn wire_date(v: &Value) -> Option<chrono::NaiveDate> {
    chrono::NaiveDate::parse_from_str(v.as_str()?, "%m/%d/%Y").ok()
}

/// Eligibility truth is per claim: a claim planted as an eligibility denial is billed to a
/// policy that ended before its date of service, while every other claim, the same patient's
/// included, is billed to a policy in force on its date of service (or to none on file).
#[tokio::test]
async fn eligibility_denials_are_billed_to_a_terminated_policy_and_only_they_are() {
    let sb = Sandbox::start().await;
    let s = S::new(&sb).await;
    let planted: std::collections::HashMap<u64, athena_testkit::PlantedDenial> = sb
        .planted_denials()
        .into_iter()
        .map(|d| (d.claim_id, d))
        .collect();
    let patients: std::collections::HashSet<u64> = planted
        .values()
        .filter(|d| d.cause == athena_testkit::DenialCause::InactiveEligibility)
        .map(|d| d.patient_id)
        .collect();
    assert!(!patients.is_empty(), "no eligibility denial planted");
    let (mut denied, mut others) = (0, 0);
    for id in sb.claim_ids() {
        let (st, v) = s.get(&format!("/claims/{id}")).await;
        assert_eq!(st, 200);
        let claim = if v.is_array() { v[0].clone() } else { v };
        assert!(claim["patientid"].is_u64(), "claim {id} without patientid");
        let service = wire_date(&claim["billedservicedate"]).expect("billedservicedate");
        let policy = billed_policy(&s, &claim).await;
        let planted_here = planted
            .get(&id)
            .is_some_and(|d| d.cause == athena_testkit::DenialCause::InactiveEligibility);
        if planted_here {
            denied += 1;
            let policy = policy.expect("an eligibility denial's billed policy is on file");
            assert_eq!(policy["eligibilitystatus"], "Ineligible", "claim {id}");
            let ended = wire_date(&policy["expirationdate"]).expect("expirationdate");
            assert!(
                ended < service,
                "claim {id}: policy ended {ended}, service {service}"
            );
            assert!(wire_date(&policy["issuedate"]).is_some_and(|s| s < ended));
        } else if let Some(policy) = policy {
            others += usize::from(patients.contains(&claim["patientid"].as_u64().unwrap_or(0)));
            assert_ne!(policy["eligibilitystatus"], "Ineligible", "claim {id}");
            assert!(
                wire_date(&policy["issuedate"]).is_some_and(|d| d <= service),
                "claim {id}: policy not yet issued on the date of service"
            );
            assert!(
                wire_date(&policy["expirationdate"]).is_none_or(|d| d >= service),
                "claim {id}: policy ended before the date of service"
            );
        }
    }
    assert!(
        denied >= 1 && others >= 1,
        "denied {denied}, other claims of those patients {others}"
    );
}

/// A patient is seen at most once a day by a provider, so the only claims sharing patient,
/// provider and date of service are the planted duplicates and their originals.
#[tokio::test]
async fn only_planted_duplicates_share_patient_provider_and_day() {
    let sb = Sandbox::start().await;
    let s = S::new(&sb).await;
    let duplicates = sb
        .planted_denials()
        .iter()
        .filter(|d| d.cause == athena_testkit::DenialCause::DuplicateClaim)
        .count();
    assert!(duplicates >= 1);
    let mut visits: std::collections::HashMap<(String, String, String), usize> =
        std::collections::HashMap::new();
    for id in sb.claim_ids() {
        let (_, v) = s.get(&format!("/claims/{id}")).await;
        let claim = if v.is_array() { v[0].clone() } else { v };
        *visits
            .entry((
                claim["patientid"].to_string(),
                claim["billedproviderid"].to_string(),
                claim["billedservicedate"].to_string(),
            ))
            .or_default() += 1;
    }
    let shared: usize = visits.values().map(|n| n - 1).sum();
    assert_eq!(
        shared, duplicates,
        "claims sharing a visit beyond the planted duplicates"
    );
}
