//! Holds the sandbox to real recordings in `shared/fixtures/athena`: same item keys, same JSON
//! types per field, same quirks and error shapes. Skips with a notice when the folder is absent.

use std::path::{Path, PathBuf};

use crate::common::{S, first_open};
use athena_testkit::Sandbox;
use serde_json::{Value, json};

fn fixtures() -> Option<PathBuf> {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/fixtures/athena");
    if p.is_dir() {
        Some(p)
    } else {
        println!(
            "NOTICE: {} not found; fixture conformance tests skipped",
            p.display()
        );
        None
    }
}

fn load(dir: &Path, name: &str) -> Value {
    let raw = std::fs::read_to_string(dir.join(name)).unwrap_or_else(|e| panic!("{name}: {e}"));
    serde_json::from_str(raw.trim()).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "bool",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// Every field present on both sides must have the same JSON type (recursively); fixture nulls
/// are skipped. Returns the mismatches.
fn type_mismatches(fixture: &Value, actual: &Value, path: &str, out: &mut Vec<String>) {
    match (fixture, actual) {
        (Value::Null, _) => {}
        (Value::Object(f), Value::Object(a)) => {
            for (k, fv) in f {
                if let Some(av) = a.get(k) {
                    type_mismatches(fv, av, &format!("{path}.{k}"), out);
                }
            }
        }
        (Value::Array(f), Value::Array(a)) => {
            if let (Some(fv), Some(av)) = (f.first(), a.first()) {
                type_mismatches(fv, av, &format!("{path}[0]"), out);
            }
        }
        (f, a) if kind(f) != kind(a) => out.push(format!(
            "{path}: fixture {} vs sandbox {}",
            kind(f),
            kind(a)
        )),
        (Value::String(f), Value::String(a))
            if text_format(f) != text_format(a)
                && text_format(f) != "blank"
                && text_format(a) != "blank" =>
        {
            out.push(format!(
                "{path}: fixture {} vs sandbox {}",
                text_format(f),
                text_format(a)
            ));
        }
        _ => {}
    }
}

/// The date/time layout of a string value (`MM/DD/YYYY`, ISO-8601, …) or `text`. Digits are
/// masked so only the layout is compared; a blank on either side is not a layout.
fn text_format(s: &str) -> &'static str {
    let mask: String = s
        .trim()
        .chars()
        .map(|c| if c.is_ascii_digit() { '9' } else { c })
        .collect();
    match mask.as_str() {
        "" => "blank",
        "99/99/9999" => "date MM/DD/YYYY",
        "99/99/9999 99:99:99" => "date-time MM/DD/YYYY HH:MM:SS",
        "99/99/9999 99:99" => "date-time MM/DD/YYYY HH:MM",
        "99/99/9999 99:99 AM" | "99/99/9999 99:99 PM" => "date-time MM/DD/YYYY hh:mm AM",
        "9999-99-99" => "date YYYY-MM-DD",
        m if m.starts_with("9999-99-99T") => "date-time ISO-8601",
        "99:99" => "time HH:MM",
        _ => "text",
    }
}

/// Types agree and at least `min_share` of the fixture's keys (of the first item) are present.
fn conforms(name: &str, fixture: &Value, actual: &Value, min_share: f64) {
    let mut out = Vec::new();
    type_mismatches(fixture, actual, name, &mut out);
    assert!(
        out.is_empty(),
        "type mismatches against {name}:\n{}",
        out.join("\n")
    );
    if let (Value::Object(f), Value::Object(a)) = (fixture, actual) {
        let present = f.keys().filter(|k| a.contains_key(*k)).count();
        let share = present as f64 / f.len().max(1) as f64;
        let missing: Vec<&String> = f.keys().filter(|k| !a.contains_key(*k)).collect();
        assert!(
            share >= min_share,
            "{name}: only {present}/{} keys present; missing {missing:?}",
            f.len()
        );
    }
}

fn first(v: &Value, key: &str) -> Value {
    v[key][0].clone()
}

#[tokio::test]
async fn recorded_bodies_match_exactly() {
    let Some(dir) = fixtures() else { return };
    let rec = dir.join("recorded");
    let sb = Sandbox::start().await;
    let s = S::new(&sb).await;

    let c = crate::common::client();
    let tok: Value = c
        .post(sb.token_url())
        .basic_auth(sb.client_id(), Some(sb.client_secret()))
        .form(&[
            ("grant_type", "client_credentials"),
            ("scope", "athena/service/Athenanet.MDP.*"),
        ])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let recorded_tok = load(&rec, "rbvcr_preview_authentication_0.json");
    conforms("token", &recorded_tok, &tok, 1.0);
    assert_eq!(
        tok.as_object().unwrap().len(),
        recorded_tok.as_object().unwrap().len()
    );

    let (st, v) = s.post("/patients", &[("departmentid", "1")]).await;
    assert_eq!(
        (st, v),
        (
            400,
            load(&rec, "rbvcr_create_patient_with_wrong_data_0.json")
        )
    );
    let (st, v) = s.put("/appointments/999999", &[("patientid", "1")]).await;
    assert_eq!(
        (st, v),
        (
            409,
            load(
                &rec,
                "rbvcr_book_appointment_with_wrong_appointment_id_0.json"
            )
        )
    );
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
            load(&rec, "rbvcr_create_patient_problem_with_wrong_data_0.json")
        )
    );
    let (st, v) = s.get("/providers/changed").await;
    assert_eq!(
        (st, v),
        (403, load(&rec, "rbvcr_provider_subscription_1.json"))
    );
    s.post("/claims/changed/subscription", &[]).await;
    assert_eq!(
        s.get("/claims/changed").await.1,
        load(&rec, "rbvcr_claim_subscription_1.json")
    );
    s.post("/appointments/changed/subscription", &[]).await;
    assert_eq!(
        s.get("/appointments/changed/subscription").await.1,
        load(&rec, "rbvcr_appointment_subscription_1.json")
    );
    assert_eq!(
        s.get("/appointments/changed/subscription/events").await.1,
        load(&dir, "go-athenahealth/ListSubscriptionEvents.json")
    );

    let (slot, _, _) = first_open(&s, &sb).await;
    s.put(&format!("/appointments/{slot}"), &[("patientid", "1")])
        .await;
    assert_eq!(
        s.post(&format!("/appointments/{slot}/checkin"), &[])
            .await
            .1,
        load(&rec, "rbvcr_check_in_0.json")
    );

    let (_, v) = s.get("/chart/1/encounters?departmentid=1").await;
    let enc = v["encounters"][0]["encounterid"].as_u64().unwrap();
    conforms(
        "summary",
        &load(&rec, "rbvcr_encounter_summary_0.json"),
        &s.get(&format!("/chart/encounters/{enc}/summary")).await.1,
        1.0,
    );

    // Envelope quirks: `next` starts with /v1/, params upper-cased, offset lower-case.
    let recorded = load(&rec, "rbvcr_all_patients_0.json");
    let (_, v) = s.get("/patients?departmentid=1&limit=1").await;
    let expect = recorded["next"]
        .as_str()
        .unwrap()
        .replace("DEPARTMENTID=162", "DEPARTMENTID=1");
    assert_eq!(v["next"], json!(expect));
    assert!(v["totalcount"].is_number());
    // Empty list: no `next`.
    let far = sb.today() + chrono::Duration::days(400);
    let d = crate::common::date(far);
    let (_, v) = s
        .get(&format!(
            "/appointments/booked?departmentid=1&startdate={d}&enddate={d}"
        ))
        .await;
    assert_eq!(v, json!({"appointments": [], "totalcount": 0}));
}

#[tokio::test]
async fn go_athenahealth_shapes() {
    let Some(dir) = fixtures() else { return };
    let g = |n: &str| load(&dir, &format!("go-athenahealth/{n}.json"));
    let sb = Sandbox::start().await;
    let s = S::new(&sb).await;
    let today = sb.today();
    let window = format!(
        "startdate={}&enddate={}",
        crate::common::date(today - chrono::Duration::days(14)),
        crate::common::date(today + chrono::Duration::days(14))
    );

    conforms(
        "GetPatient",
        &g("GetPatient")[0],
        &s.get("/patients/1?showinsurance=true&showcustomfields=true&showportalstatus=true")
            .await
            .1[0],
        0.8,
    );
    conforms(
        "ListPatients",
        &first(&g("ListPatients"), "patients"),
        &first(&s.get("/patients?departmentid=1").await.1, "patients"),
        0.7,
    );
    conforms(
        "GetDepartment",
        &g("GetDepartment")[0],
        &s.get("/departments/1").await.1[0],
        0.9,
    );
    conforms(
        "ListDepartments",
        &first(&g("ListDepartments"), "departments"),
        &first(&s.get("/departments").await.1, "departments"),
        0.9,
    );
    conforms(
        "GetProvider",
        &g("GetProvider")[0],
        &s.get("/providers/1").await.1[0],
        0.9,
    );
    conforms(
        "ListProviders",
        &first(&g("ListProviders"), "providers"),
        &first(&s.get("/providers").await.1, "providers"),
        0.9,
    );
    conforms(
        "ListCustomFields",
        &g("ListCustomFields")[0],
        &s.get("/customfields").await.1[0],
        0.9,
    );
    conforms(
        "GetPatientCustomFields",
        &g("GetPatientCustomFields")[0],
        &s.get("/patients/1/customfields").await.1[0],
        1.0,
    );
    let (_, v) = s
        .put(
            "/patients/1/customfields",
            &[
                ("departmentid", "1"),
                (
                    "customfields",
                    r#"[{"customfieldid":"22","customfieldvalue":"AM"}]"#,
                ),
            ],
        )
        .await;
    conforms(
        "UpdatePatientCustomFields",
        &g("UpdatePatientCustomFields"),
        &v,
        1.0,
    );
    conforms(
        "ListProblems",
        &g("ListProblems"),
        &s.get("/chart/2/problems?departmentid=1").await.1,
        0.9,
    );
    conforms(
        "ListMedications",
        &g("ListMedications"),
        &s.get("/chart/2/medications?departmentid=1").await.1,
        0.9,
    );
    let mut labs = Value::Null;
    for pid in 1..20 {
        let (_, v) = s
            .get(&format!("/chart/{pid}/labresults?departmentid=1"))
            .await;
        if v["totalcount"].as_u64().unwrap_or(0) > 0 {
            labs = v;
            break;
        }
    }
    conforms("ListLabResults", &g("ListLabResults"), &labs, 1.0);
    conforms(
        "ListLabResults item",
        &first(&g("ListLabResults"), "results"),
        &first(&labs, "results"),
        0.6,
    );
    conforms(
        "ListPatientInsurancePackages",
        &first(&g("ListPatientInsurancePackages"), "insurances"),
        &first(&s.get("/patients/1/insurances").await.1, "insurances"),
        0.9,
    );
    let (_, created) = s
        .post(
            "/patients/1/insurances",
            &[
                ("insurancepackageid", "1352"),
                ("insuranceidnumber", "W123"),
                ("sequencenumber", "2"),
            ],
        )
        .await;
    conforms(
        "CreatePatientInsurancePackage",
        &g("CreatePatientInsurancePackage")[0],
        &created[0],
        0.9,
    );
    let iid = created[0]["insuranceid"].as_str().unwrap().to_string();
    conforms(
        "DeletePatientInsurancePackage",
        &g("DeletePatientInsurancePackage"),
        &s.send(
            reqwest::Method::DELETE,
            &format!("/patients/1/insurances/{iid}"),
            &[],
        )
        .await
        .1,
        1.0,
    );
    let (_, v) = s
        .post(
            "/patients/1/documents/clinicaldocument",
            &[
                ("departmentid", "1"),
                ("documentsubclass", "CLINICALDOCUMENT"),
            ],
        )
        .await;
    conforms("AddClinicalDocument", &g("AddClinicalDocument"), &v, 1.0);
    let (_, v) = s
        .post(
            "/patients/1/documents/patientcase",
            &[
                ("departmentid", "1"),
                ("documentsource", "PORTAL"),
                ("documentsubclass", "PATIENTCASE_OTHER"),
                ("providerid", "1"),
            ],
        )
        .await;
    conforms(
        "AddPatientCaseDocument",
        &g("AddPatientCaseDocument"),
        &v,
        1.0,
    );
    conforms(
        "ListClaims",
        &first(&g("ListClaims"), "claims"),
        &first(&s.get("/claims").await.1, "claims"),
        0.9,
    );
    let charges = r#"[{"procedurecode":"99213","units":1,"icd10code1":"I10"}]"#;
    let (_, v) = s
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
    conforms("CreateClaim", &g("CreateClaim"), &v, 1.0);
    let (_, v) = s
        .post(
            "/patients",
            &[
                ("departmentid", "1"),
                ("firstname", "Fix"),
                ("lastname", "Ture"),
                ("dob", "01/01/1990"),
                ("zip", "02472"),
            ],
        )
        .await;
    conforms("CreatePatient", &g("CreatePatient")[0], &v[0], 1.0);
    let (_, v) = s.put("/patients/1", &[("zip", "02139")]).await;
    conforms("UpdatePatient", &g("UpdatePatient")[0], &v[0], 1.0);

    let (_, open) = s
        .get(&format!(
            "/appointments/open?departmentid=1&appointmenttypeid=2&{window}"
        ))
        .await;
    conforms(
        "ListOpenAppointmentSlots",
        &first(&g("ListOpenAppointmentSlots"), "appointments"),
        &first(&open, "appointments"),
        1.0,
    );
    let (slot, _, _) = first_open(&s, &sb).await;
    let (_, booked) = s
        .put(
            &format!("/appointments/{slot}"),
            &[("patientid", "2"), ("bookingnote", "hello")],
        )
        .await;
    conforms("BookAppointment", &g("BookAppointment")[0], &booked[0], 0.6);
    conforms(
        "GetAppointment",
        &g("GetAppointment")[0],
        &s.get(&format!("/appointments/{slot}")).await.1[0],
        1.0,
    );
    let (_, list) = s
        .get(&format!(
            "/appointments/booked?departmentid=1&{window}&patientid=2"
        ))
        .await;
    let mine = list["appointments"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["appointmentid"] == json!(slot.to_string()))
        .cloned()
        .unwrap();
    conforms(
        "ListBookedAppointments",
        &first(&g("ListBookedAppointments"), "appointments"),
        &mine,
        0.9,
    );
    let (new_slot, _, _) = first_open(&s, &sb).await;
    let (_, rs) = s
        .put(
            &format!("/appointments/{slot}/reschedule"),
            &[
                ("patientid", "2"),
                ("newappointmentid", &new_slot.to_string()),
            ],
        )
        .await;
    conforms(
        "RescheduleAppointment",
        &g("RescheduleAppointment")[0],
        &rs[0],
        0.5,
    );
    assert_eq!(
        s.put(
            &format!("/appointments/booked/{new_slot}"),
            &[("providerid", "1")]
        )
        .await
        .1,
        g("UpdateBookedAppointment_IntResponse")
    );
    assert_eq!(
        s.put(
            &format!("/appointments/booked/{new_slot}"),
            &[("providerid", "4242")]
        )
        .await
        .1,
        g("UpdateBookedAppointment_StringResponse")
    );
    let (free, _, _) = first_open(&s, &sb).await;
    s.put(
        &format!("/appointments/{free}/freeze"),
        &[("freeze", "true")],
    )
    .await;
    assert_eq!(
        s.put(
            &format!("/appointments/{free}/freeze"),
            &[("freeze", "true")]
        )
        .await
        .1,
        g("FreezeAppointmentSlotErrorFrozen")
    );

    // Changed feeds use the same item shapes.
    for feed in [
        "patients",
        "chart/healthhistory/problems",
        "providers",
        "appointments",
    ] {
        s.post(&format!("/{feed}/changed/subscription"), &[]).await;
    }
    sb.generate_changes(9);
    s.put("/patients/2", &[("zip", "02140")]).await;
    conforms(
        "ListChangedPatients",
        &first(&g("ListChangedPatients"), "patients"),
        &first(&s.get("/patients/changed").await.1, "patients"),
        0.7,
    );
    conforms(
        "ListChangedProblems",
        &g("ListChangedProblems"),
        &s.get("/chart/healthhistory/problems/changed").await.1,
        1.0,
    );
    conforms(
        "ListChangedProviders",
        &g("ListChangedProviders"),
        &s.get("/providers/changed").await.1,
        1.0,
    );
    let (c2, _, _) = first_open(&s, &sb).await;
    s.put(&format!("/appointments/{c2}"), &[("patientid", "3")])
        .await;
    s.put(&format!("/appointments/{c2}/cancel"), &[("patientid", "3")])
        .await;
    let (_, ch) = s.get("/appointments/changed?departmentid=1").await;
    let cancelled = ch["appointments"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["appointmentstatus"] == "x")
        .cloned()
        .unwrap();
    conforms(
        "ListChangedAppointments",
        &first(&g("ListChangedAppointments"), "appointments"),
        &cancelled,
        0.8,
    );
}

/// Keys of every fixture body (all depths) and the words of athena's wire-format reference.
fn athena_names(dir: &Path) -> std::collections::BTreeSet<String> {
    fn keys(v: &Value, out: &mut std::collections::BTreeSet<String>) {
        match v {
            Value::Object(m) => {
                for (k, v) in m {
                    out.insert(k.clone());
                    keys(v, out);
                }
            }
            Value::Array(a) => a.iter().for_each(|v| keys(v, out)),
            _ => {}
        }
    }
    let mut out = std::collections::BTreeSet::new();
    for sub in ["go-athenahealth", "recorded"] {
        for e in std::fs::read_dir(dir.join(sub)).unwrap().flatten() {
            let text = std::fs::read_to_string(e.path()).unwrap_or_default();
            if let Ok(v) = serde_json::from_str::<Value>(text.trim()) {
                keys(&v, &mut out);
            }
        }
    }
    let reference = dir.join("../../reference/athena-api.md");
    if let Ok(doc) = std::fs::read_to_string(reference) {
        out.extend(
            doc.split(|c: char| !c.is_ascii_alphanumeric() && c != '_')
                .filter(|w| !w.is_empty())
                .map(str::to_owned),
        );
    }
    out
}

/// Names the sandbox sends that neither the fixtures nor the reference show, with the public
/// source showing athena sends them (`HTD` = `HTD-Health/athenahealth-sdk-dotnet`
/// `AthenaHealth.Sdk/Models/Response/*.cs`, athena's reference text over preview practice
/// 195900), or `UNVERIFIED: why the sandbox still sends it`.
const SANDBOX_NAMES: &[(&str, &str)] = &[
    ("checkoutdatetime", "HTD Appointment.cs"),
    ("abbreviation", "HTD PatientVital.cs"),
    ("readingid", "HTD PatientVital.cs"),
    ("readingtaken", "HTD PatientVital.cs"),
    ("unit", "HTD PatientVital.cs"),
    ("codedescription", "HTD PatientVital.cs"),
    ("abnormalflag", "HTD Analyte.cs"),
    ("referencerange", "HTD Analyte.cs"),
    ("loinc", "HTD Analyte.cs"),
    ("resultstatus", "HTD LabResult.cs"),
    ("encounterdate", "HTD Encounter.cs"),
    ("encountertype", "HTD Encounter.cs"),
    ("encountervisitname", "HTD Encounter.cs"),
    ("providerfirstname", "HTD Encounter.cs"),
    ("providerlastname", "HTD Encounter.cs"),
    ("stage", "HTD Encounter.cs"),
    ("icdcodes", "HTD DiagnoseForEncounter.cs"),
    ("reactions", "HTD PatientAllergy.cs"),
    ("reactionname", "HTD AllergyReaction.cs"),
    ("rxnorm", "HTD PatientMedication.cs"),
    ("score", "HTD PatientWithScore.cs"),
    ("shortname", "HTD AppointmentType.cs"),
    ("patientdisplayname", "HTD AppointmentType.cs"),
    ("generic", "HTD AppointmentType.cs"),
    ("templatetypeonly", "HTD AppointmentType.cs"),
    ("reasontype", "HTD AppointmentReason.cs"),
    ("schedulingmaxdays", "HTD AppointmentReason.cs"),
    ("schedulingminhours", "HTD AppointmentReason.cs"),
    ("hasclinicals", "HTD Practice.cs"),
    ("hascommunicator", "HTD Practice.cs"),
    ("hascollector", "HTD Practice.cs"),
    ("iscoordinatorsender", "HTD Practice.cs"),
    ("iscoordinatorreceiver", "HTD Practice.cs"),
    ("golivedate", "HTD Practice.cs"),
    ("experiencemode", "HTD Practice.cs"),
    ("publicnames", "HTD Practice.cs"),
    ("issuedate", "HTD Insurance.cs"),
    (
        "patientmessage",
        "UNVERIFIED: patient case text read by athena-ai inbox triage",
    ),
    (
        "chiefcomplaint",
        "UNVERIFIED: encounter chief complaint, feeds the SOAP example",
    ),
];

/// Every key the sandbox answers the main GET endpoints with is one athena sends.
#[tokio::test]
async fn sandbox_field_names_are_athenas() {
    let Some(dir) = fixtures() else { return };
    let known = athena_names(&dir);
    let table: std::collections::BTreeMap<&str, &str> = SANDBOX_NAMES.iter().copied().collect();
    let sb = Sandbox::start().await;
    let s = S::new(&sb).await;
    let today = sb.today();
    let window = format!(
        "startdate={}&enddate={}",
        crate::common::date(today - chrono::Duration::days(14)),
        crate::common::date(today + chrono::Duration::days(14))
    );
    let paths = [
        "/patients?departmentid=1".to_owned(),
        "/patients/1?showinsurance=true&showcustomfields=true".to_owned(),
        format!("/appointments/booked?departmentid=1&showpatientdetail=true&{window}"),
        "/appointments/open?departmentid=1&reasonid=-1".to_owned(),
        "/appointmenttypes".to_owned(),
        "/patientappointmentreasons?departmentid=1&providerid=1".to_owned(),
        "/departments".to_owned(),
        "/providers".to_owned(),
        "/practiceinfo".to_owned(),
        "/customfields".to_owned(),
        "/chart/1/problems?departmentid=1".to_owned(),
        "/chart/1/medications?departmentid=1".to_owned(),
        "/chart/1/allergies?departmentid=1".to_owned(),
        "/chart/2/vitals?departmentid=1".to_owned(),
        "/chart/1/encounters?departmentid=1".to_owned(),
        "/patients/1/insurances".to_owned(),
        "/patients/1/patientcases".to_owned(),
        "/providers/1/inbox".to_owned(),
        "/claims?limit=5".to_owned(),
    ];
    let mut seen = std::collections::BTreeMap::<String, String>::new();
    fn walk(v: &Value, at: &str, seen: &mut std::collections::BTreeMap<String, String>) {
        match v {
            Value::Object(m) => {
                for (k, v) in m {
                    // Map keys that are data (`transactiondetails` is id → amount), not names.
                    if !k.bytes().all(|b| b.is_ascii_digit()) {
                        seen.entry(k.clone()).or_insert_with(|| at.to_owned());
                    }
                    walk(v, at, seen);
                }
            }
            Value::Array(a) => a.iter().for_each(|v| walk(v, at, seen)),
            _ => {}
        }
    }
    for p in &paths {
        let (st, v) = s.get(p).await;
        assert_eq!(st, 200, "{p}");
        walk(&v, p, &mut seen);
    }
    let mut labs = Value::Null;
    for pid in 1..20 {
        let (_, v) = s
            .get(&format!("/chart/{pid}/labresults?departmentid=1"))
            .await;
        if v["totalcount"].as_u64().unwrap_or(0) > 0 {
            labs = v;
            break;
        }
    }
    walk(&labs, "/chart/{patientid}/labresults", &mut seen);
    let invented: Vec<String> = seen
        .iter()
        .filter(|(k, _)| !known.contains(*k) && !table.contains_key(k.as_str()))
        .map(|(k, at)| format!("{k} (first in {at})"))
        .collect();
    let stale: Vec<&str> = SANDBOX_NAMES
        .iter()
        .map(|(k, _)| *k)
        .filter(|k| known.contains(*k))
        .collect();
    let unverified: Vec<&str> = SANDBOX_NAMES
        .iter()
        .filter(|(_, src)| src.starts_with("UNVERIFIED"))
        .map(|(k, _)| *k)
        .collect();
    println!(
        "sandbox names: {} keys, {} from the table, unverified: {unverified:?}",
        seen.len(),
        SANDBOX_NAMES.len()
    );
    assert!(
        invented.is_empty(),
        "the sandbox sends names athena is not shown to send (rename, drop, or add evidence):\n{}",
        invented.join("\n")
    );
    assert!(
        stale.is_empty(),
        "SANDBOX_NAMES rows now shown by the fixtures or reference: {stale:?}"
    );
}
