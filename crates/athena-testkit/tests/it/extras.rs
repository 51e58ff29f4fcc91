//! The sandbox's reference searches, appointment notes, slot creation, waitlist, encounter
//! and lab result documents, prescriptions, encounter diagnoses and lab orders: behaviour,
//! error paths, and (when `shared/fixtures` is present) the JSON types of real recordings.

use std::path::PathBuf;

use crate::common::{S, first_open};
use athena_testkit::{Sandbox, ops};
use serde_json::{Value, json};

fn fixture(name: &str) -> Option<Value> {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/fixtures/athena/go-athenahealth")
        .join(name);
    match std::fs::read_to_string(&p) {
        Ok(raw) => Some(serde_json::from_str(raw.trim()).expect("fixture JSON")),
        Err(_) => {
            println!("NOTICE: {} not found; shape check skipped", p.display());
            None
        }
    }
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

/// Every key of the recording is present in the sandbox's answer with the same JSON type
/// (recursively through objects and first array items).
fn same_shape(path: &str, fixture: &Value, actual: &Value, out: &mut Vec<String>) {
    match (fixture, actual) {
        (Value::Object(f), Value::Object(a)) => {
            for (k, fv) in f {
                match a.get(k) {
                    Some(av) => same_shape(&format!("{path}.{k}"), fv, av, out),
                    None if k == "next" || k == "previous" => {}
                    None => out.push(format!("{path}.{k}: missing")),
                }
            }
        }
        (Value::Array(f), Value::Array(a)) => {
            if let (Some(fv), Some(av)) = (f.first(), a.first()) {
                same_shape(&format!("{path}[0]"), fv, av, out);
            }
        }
        (f, a) if kind(f) != kind(a) => {
            out.push(format!(
                "{path}: recording {} vs sandbox {}",
                kind(f),
                kind(a)
            ));
        }
        _ => {}
    }
}

fn assert_shape(name: &str, actual: &Value) {
    let Some(f) = fixture(name) else { return };
    let mut out = Vec::new();
    same_shape(name, &f, actual, &mut out);
    assert!(out.is_empty(), "{}", out.join("\n"));
}

#[tokio::test]
async fn reference_searches_and_gender_identities() {
    let sb = Sandbox::start().await;
    let s = S::new(&sb).await;

    let (st, v) = s.get("/reference/allergies?searchvalue=lat").await;
    assert_eq!(st, 200);
    let names: Vec<&str> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["allergenname"].as_str().unwrap())
        .collect();
    assert!(names.contains(&"Latex"), "{names:?}");
    assert!(names.contains(&"Latex, Natural Rubber"), "{names:?}");
    assert!(names.iter().all(|n| n.to_lowercase().contains("lat")));
    assert_eq!(v[0]["allergenid"], v[0]["allergyid"]);
    assert_shape("SearchAllergies.json", &v);

    let (st, v) = s.get("/reference/medications?searchvalue=IBU").await;
    assert_eq!(st, 200);
    let meds = v.as_array().unwrap();
    assert!(meds.len() >= 2, "{v}");
    assert!(
        meds.iter()
            .all(|m| m["medication"].as_str().unwrap().starts_with("ibuprofen"))
    );
    assert_shape("SearchMedications.json", &v);
    assert_eq!(
        s.get("/reference/medications?searchvalue=zzzz").await,
        (200, json!([]))
    );

    let (st, v) = s.get("/reference/allergies?searchvalue=l").await;
    assert_eq!(st, 400, "{v}");
    let (st, v) = s.get("/reference/allergies").await;
    assert_eq!(
        (st, v["missingfields"].clone()),
        (400, json!(["searchvalue"]))
    );

    let (_, v) = s.get("/configuration/patients/genderidentity").await;
    assert_eq!(v["totalcount"], json!(6));
    assert_eq!(v["genderidentityfields"][1], json!("Female"));
    let (_, v) = s
        .get("/configuration/patients/genderidentity?show2015edcehrtvalues=true")
        .await;
    assert_eq!(v["totalcount"], json!(8));
    assert_eq!(v["genderidentityfields"][0], json!(""));
}

#[tokio::test]
async fn appointment_notes_list_and_add() {
    let sb = Sandbox::start().await;
    let s = S::new(&sb).await;
    let (slot, _, _) = first_open(&s, &sb).await;
    s.put(
        &format!("/appointments/{slot}"),
        &[("patientid", "4"), ("bookingnote", "needs interpreter")],
    )
    .await;

    let (st, v) = s.get(&format!("/appointments/{slot}/notes")).await;
    assert_eq!(st, 200);
    assert_eq!(v["totalcount"], json!(1));
    assert_eq!(v["notes"][0]["notetext"], json!("needs interpreter"));

    let (st, v) = s
        .post(
            &format!("/appointments/{slot}/notes"),
            &[
                ("notetext", "called to confirm"),
                ("displayonschedule", "true"),
            ],
        )
        .await;
    assert_eq!((st, v), (200, json!({"success": "true"})));
    let (_, v) = s.get(&format!("/appointments/{slot}/notes")).await;
    assert_eq!(v["totalcount"], json!(2));
    assert_eq!(v["notes"][1]["notetext"], json!("called to confirm"));
    assert_eq!(v["notes"][1]["displayonschedule"], json!(true));
    assert_shape("ListAppointmentNotes.json", &v);
    assert_eq!(sb.stats().writes(ops::ADD_APPOINTMENT_NOTE), 1);

    let (st, v) = s.post(&format!("/appointments/{slot}/notes"), &[]).await;
    assert_eq!((st, v["missingfields"].clone()), (400, json!(["notetext"])));
    assert_eq!(s.get("/appointments/999999999/notes").await.0, 404);
}

#[tokio::test]
async fn creating_slots_opens_them() {
    let sb = Sandbox::start().await;
    let s = S::new(&sb).await;
    let day = sb.today() + chrono::Duration::days(3);
    let date = crate::common::date(day);
    let form = [
        ("departmentid", "1"),
        ("providerid", "1"),
        ("appointmentdate", date.as_str()),
        ("appointmenttime", "06:10,06:40"),
        ("appointmenttypeid", "2"),
    ];
    let (st, v) = s.post("/appointments/open", &form).await;
    assert_eq!(st, 200, "{v}");
    let ids = v["appointmentids"].as_object().unwrap();
    assert_eq!(ids.len(), 2);
    let times: Vec<&str> = ids.values().map(|t| t.as_str().unwrap()).collect();
    assert!(times.contains(&"06:10") && times.contains(&"06:40"));
    // The recording's keys are ids and its values times, both strings: so are ours.
    if let Some(f) = fixture("CreateAppointmentSlot.json") {
        for (k, t) in f["appointmentids"].as_object().unwrap().iter().chain(ids) {
            assert!(k.parse::<u64>().is_ok(), "{k}");
            assert_eq!(t.as_str().map(str::len), Some(5), "{t}");
        }
    }
    assert_eq!(sb.stats().writes(ops::CREATE_SLOTS), 1);

    // The new slots are open and bookable.
    let (_, open) = s
        .get(&format!(
            "/appointments/open?departmentid=1&providerid=1&appointmenttypeid=2&startdate={date}&enddate={date}"
        ))
        .await;
    for id in ids.keys() {
        let id: u64 = id.parse().unwrap();
        assert!(
            open["appointments"]
                .as_array()
                .unwrap()
                .iter()
                .any(|a| a["appointmentid"] == json!(id)),
            "slot {id} not open"
        );
    }
    let first = ids.keys().next().unwrap();
    let (st, _) = s
        .put(&format!("/appointments/{first}"), &[("patientid", "5")])
        .await;
    assert_eq!(st, 200);

    // No type or reason: athena's recorded 400.
    let (st, v) = s
        .post(
            "/appointments/open",
            &[
                ("departmentid", "1"),
                ("providerid", "1"),
                ("appointmentdate", date.as_str()),
                ("appointmenttime", "07:00"),
            ],
        )
        .await;
    assert_eq!(
        (st, v),
        (
            400,
            json!({"detailedmessage": "An appointment type or reason must be provided.", "error": "Additional fields are required."})
        )
    );
    let (st, _) = s
        .post(
            "/appointments/open",
            &[
                ("departmentid", "1"),
                ("providerid", "1"),
                ("appointmentdate", date.as_str()),
                ("appointmenttime", "7 o'clock"),
                ("reasonid", "1281"),
            ],
        )
        .await;
    assert_eq!(st, 400);
    assert_eq!(sb.stats().writes(ops::CREATE_SLOTS), 1);
}

#[tokio::test]
async fn waitlist_add() {
    let sb = Sandbox::start().await;
    let s = S::new(&sb).await;
    let (st, v) = s.post("/appointments/waitlist", &[]).await;
    assert_eq!(
        (st, v["missingfields"].clone()),
        (400, json!(["patientid", "departmentid"]))
    );
    let (st, v) = s
        .post(
            "/appointments/waitlist",
            &[
                ("patientid", "7"),
                ("departmentid", "1"),
                ("priority", "NORMAL"),
            ],
        )
        .await;
    assert_eq!(st, 200);
    assert!(v["waitlistid"].is_number());
    let (_, w) = s
        .post(
            "/appointments/waitlist",
            &[("patientid", "8"), ("departmentid", "1")],
        )
        .await;
    assert_ne!(w["waitlistid"], v["waitlistid"]);
    assert_eq!(sb.stats().writes(ops::ADD_WAITLIST), 2);
}

/// The first encounter of one of the first patients: (patient id, encounter id).
async fn some_encounter(s: &S) -> (u64, u64) {
    for pid in 1..40 {
        let (_, v) = s
            .get(&format!("/chart/{pid}/encounters?departmentid=1"))
            .await;
        if let Some(e) = v["encounters"][0]["encounterid"].as_u64() {
            return (pid, e);
        }
    }
    panic!("no encounter in the first patients");
}

#[tokio::test]
async fn encounter_documents_and_prescriptions() {
    let sb = Sandbox::start().await;
    let s = S::new(&sb).await;
    let (pid, enc) = some_encounter(&s).await;
    let path = format!("/patients/{pid}/documents/encounterdocument");

    let (st, v) = s.get(&format!("{path}?departmentid=1")).await;
    assert_eq!(st, 200, "{v}");
    let before = v["totalcount"].as_u64().unwrap();
    assert!(before >= 1);
    assert_shape("ListEncounterDocuments.json", &v);

    let (st, v) = s
        .post(
            &path,
            &[
                ("departmentid", "1"),
                ("documentsubclass", "ENCOUNTERDOCUMENT_PROCEDUREDOC"),
                ("encounterid", &enc.to_string()),
                ("attachmentcontents", "JVBERi0xLjQK"),
                ("internalnote", "outside records"),
            ],
        )
        .await;
    assert_eq!(st, 200, "{v}");
    assert_eq!(v["success"], json!(true));
    let id = v["encounterdocumentid"].as_u64().unwrap();
    let (_, v) = s
        .get(&format!("{path}?departmentid=1&encounterid={enc}"))
        .await;
    let mine = v["encounterdocuments"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["encounterdocumentid"] == json!(id))
        .cloned()
        .expect("filed document listed");
    assert_eq!(mine["status"], json!("REVIEW"));
    assert_eq!(mine["encounterid"], json!(enc.to_string()));
    assert_eq!(sb.stats().writes(ops::ADD_ENCOUNTER_DOCUMENT), 1);

    // Error paths.
    assert_eq!(
        s.get(&path).await.1["missingfields"],
        json!(["departmentid"])
    );
    let (st, _) = s
        .post(
            &path,
            &[
                ("departmentid", "1"),
                ("documentsubclass", "X"),
                ("attachmentcontents", "not base64!"),
            ],
        )
        .await;
    assert_eq!(st, 400);
    let (st, _) = s
        .get("/patients/99999999/documents/encounterdocument?departmentid=1")
        .await;
    assert_eq!(st, 404);

    let (st, v) = s
        .get(&format!(
            "/patients/{pid}/documents/prescription?departmentid=1"
        ))
        .await;
    assert_eq!(st, 200, "{v}");
    let (_, meds) = s
        .get(&format!("/chart/{pid}/medications?departmentid=1"))
        .await;
    assert_eq!(
        v["totalcount"].as_u64().unwrap() as usize,
        meds["medications"].as_array().unwrap().len()
    );
}

#[tokio::test]
async fn lab_result_documents() {
    let sb = Sandbox::start().await;
    let s = S::new(&sb).await;
    let mut found = None;
    for pid in 1..40 {
        let (_, v) = s
            .get(&format!("/chart/{pid}/labresults?departmentid=1"))
            .await;
        if let Some(id) = v["results"][0]["labresultid"].as_u64() {
            found = Some((pid, id, v["results"][0].clone()));
            break;
        }
    }
    let (pid, lid, lab) = found.expect("a lab result in the first patients");
    let (st, v) = s
        .get(&format!("/patients/{pid}/documents/labresult/{lid}"))
        .await;
    assert_eq!(st, 200, "{v}");
    assert_eq!(v[0]["labresultid"], json!(lid.to_string()));
    assert_eq!(v[0]["description"], lab["description"]);
    assert_eq!(
        v[0]["observations"].as_array().unwrap().len(),
        lab["analytes"].as_array().unwrap().len()
    );

    let (st, v) = s
        .post(
            &format!("/patients/{pid}/documents/labresult"),
            &[
                ("departmentid", "1"),
                ("attachmentcontents", "JVBERi0xLjQK"),
                ("attachmenttype", "PDF"),
                ("resultstatus", "Final"),
                ("internalnote", "faxed in"),
            ],
        )
        .await;
    assert_eq!(st, 200, "{v}");
    assert_shape("AddLabResultDocument.json", &v);
    let new = v["labresultid"].as_u64().unwrap();
    let (_, v) = s
        .get(&format!("/patients/{pid}/documents/labresult/{new}"))
        .await;
    assert_eq!(v[0]["internalnote"], json!("faxed in"));
    assert_eq!(v[0]["resultstatus"], json!("final"));
    assert_eq!(sb.stats().writes(ops::ADD_LAB_RESULT_DOCUMENT), 1);

    assert_eq!(
        s.get(&format!("/patients/{pid}/documents/labresult/1"))
            .await
            .0,
        404
    );
    let (st, v) = s
        .post(&format!("/patients/{pid}/documents/labresult"), &[])
        .await;
    assert_eq!(
        (st, v["missingfields"].clone()),
        (400, json!(["departmentid"]))
    );
}

#[tokio::test]
async fn encounter_diagnoses_and_lab_orders() {
    let sb = Sandbox::start().await;
    let s = S::new(&sb).await;
    let (_, enc) = some_encounter(&s).await;
    let base = format!("/chart/encounter/{enc}");

    let (st, v) = s.get(&format!("{base}/diagnoses")).await;
    assert_eq!(st, 200, "{v}");
    let list = v.as_array().unwrap();
    assert_eq!(list.len(), 1);
    let existing = list[0]["snomedcode"].as_u64().unwrap().to_string();

    // Add a diagnosis the encounter does not have yet.
    let new_code = ["59621000", "44054006", "55822004"]
        .into_iter()
        .find(|c| *c != existing)
        .unwrap();
    let (st, v) = s
        .post(&format!("{base}/diagnoses"), &[("snomedcode", new_code)])
        .await;
    assert_eq!(st, 200, "{v}");
    assert_eq!(v["success"], json!(true));
    assert_eq!(v["snomedcode"], json!(new_code.parse::<u64>().unwrap()));
    assert_eq!(v["ranking"], json!(1));
    assert_eq!(
        s.get(&format!("{base}/diagnoses"))
            .await
            .1
            .as_array()
            .unwrap()
            .len(),
        2
    );
    // Twice: refused. Unknown code: athena's recorded 400.
    assert_eq!(
        s.post(&format!("{base}/diagnoses"), &[("snomedcode", new_code)])
            .await
            .0,
        400
    );
    assert_eq!(
        s.post(
            &format!("{base}/diagnoses"),
            &[("snomedcode", "77777777777")]
        )
        .await,
        (
            400,
            json!({"detailedmessage": "SNOMED code not valid.", "error": "The data provided is invalid."})
        )
    );
    assert_eq!(sb.stats().writes(ops::ADD_ENCOUNTER_DIAGNOSIS), 1);

    // A lab order for the new diagnosis.
    let (st, v) = s
        .post(
            &format!("{base}/orders/lab"),
            &[("ordertypeid", "387200"), ("diagnosissnomedcode", new_code)],
        )
        .await;
    assert_eq!(st, 200, "{v}");
    let doc = v["documentid"].as_u64().unwrap();
    let (_, groups) = s.get(&format!("{base}/orders")).await;
    let group = groups
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["diagnosissnomed"] == json!(new_code))
        .unwrap();
    assert_eq!(group["orders"][0]["documentid"], json!(doc.to_string()));
    assert_eq!(group["orders"][0]["class"], json!("LAB"));
    // Not a diagnosis of the encounter; unknown order type; missing fields.
    assert_eq!(
        s.post(
            &format!("{base}/orders/lab"),
            &[("ordertypeid", "387200"), ("diagnosissnomedcode", "1")],
        )
        .await
        .0,
        400
    );
    assert_eq!(
        s.post(
            &format!("{base}/orders/lab"),
            &[("ordertypeid", "5"), ("diagnosissnomedcode", new_code)],
        )
        .await
        .0,
        400
    );
    assert_eq!(
        s.post(&format!("{base}/orders/lab"), &[]).await.1["missingfields"],
        json!(["ordertypeid", "diagnosissnomedcode"])
    );
    assert_eq!(sb.stats().writes(ops::ADD_LAB_ORDER), 1);
    assert_eq!(s.get("/chart/encounter/1/diagnoses").await.0, 404);
}

/// Cents of a money string; panics on anything else (the sandbox writes money as text).
fn cents(v: &Value) -> i64 {
    let s = v.as_str().expect("money as a string");
    (s.parse::<f64>().expect("numeric money") * 100.0).round() as i64
}

#[tokio::test]
async fn claim_transactions_ledger() {
    let sb = Sandbox::start().await;
    let s = S::new(&sb).await;
    let (st, claims) = s.get("/claims?limit=80").await;
    assert_eq!(st, 200);
    let mut kinds = std::collections::BTreeSet::new();
    for c in claims["claims"].as_array().unwrap() {
        let id = c["claimid"].as_str().unwrap();
        let (st, v) = s.get(&format!("/claims/{id}/claimtransactions")).await;
        assert_eq!(st, 200);
        let tx = v["claimtransactions"].as_array().unwrap();
        assert_eq!(v["totalcount"], json!(tx.len()));
        let total: i64 = tx.iter().map(|t| cents(&t["amount"])).sum();
        // What the ledger leaves owed is between nothing and the claim's charges.
        let charged: i64 = c["procedures"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| cents(&p["chargeamount"]))
            .sum();
        assert!(
            (0..=charged).contains(&total),
            "claim {id}: {total} of {charged}"
        );
        for t in tx {
            assert!(t["transactionid"].is_string() && t["postdate"].is_string());
            kinds.insert(t["transactiontype"].as_str().unwrap().to_string());
        }
        let charges = tx
            .iter()
            .filter(|t| t["transactiontype"] == "CHARGE")
            .count();
        assert_eq!(charges, c["procedures"].as_array().unwrap().len());
    }
    for k in [
        "CHARGE",
        "PAYMENT",
        "ADJUSTMENT",
        "TRANSFERIN",
        "TRANSFEROUT",
    ] {
        assert!(kinds.contains(k), "{k} among {kinds:?}");
    }
    let (st, _) = s.get("/claims/999999999/claimtransactions").await;
    assert_eq!(st, 404);
    // Paged.
    let id = claims["claims"][0]["claimid"].as_str().unwrap();
    let (_, p1) = s
        .get(&format!("/claims/{id}/claimtransactions?limit=1"))
        .await;
    assert_eq!(p1["claimtransactions"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn payment_history_and_receipts_follow_recorded_payments() {
    let sb = Sandbox::start().await;
    let s = S::new(&sb).await;
    let (st, v) = s.get("/patients/paymenthistory").await;
    assert_eq!(
        (st, v["missingfields"].clone()),
        (400, json!(["patientidlist", "startdate", "enddate"]))
    );
    let (st, _) = s
        .get("/patients/paymenthistory?patientidlist=x&startdate=01/01/2000&enddate=01/01/2099")
        .await;
    assert_eq!(st, 400);
    let (st, _) = s
        .post(
            "/patients/5/recordpayment",
            &[
                ("departmentid", "1"),
                ("paymentmethod", "CREDITCARD"),
                ("otheramount", "30"),
                ("cardnumberlast4", "1111"),
            ],
        )
        .await;
    assert_eq!(st, 200);
    let (st, h) = s
        .get("/patients/paymenthistory?patientidlist=5,6&startdate=01/01/2000&enddate=12/31/2099")
        .await;
    assert_eq!(st, 200);
    assert_eq!(h["totalcount"], json!(1));
    let p = &h["payments"][0];
    assert_eq!(p["amount"], json!("30.00"));
    assert_eq!(p["unappliedamount"], json!("30.00"));
    assert_eq!(p["patientid"], json!("5"));
    let (_, other) = s
        .get("/patients/paymenthistory?patientidlist=6&startdate=01/01/2000&enddate=12/31/2099")
        .await;
    assert_eq!(other["totalcount"], json!(0));
    let (_, r) = s.get("/patients/5/receipts?departmentid=1").await;
    assert_eq!(r["totalcount"], json!(1));
    let rc = &r["receipts"][0];
    for k in [
        "epaymentid",
        "amount",
        "cardnumberlast4digits",
        "cardtypename",
        "requestdate",
        "type",
    ] {
        assert!(rc[k].is_string(), "{k} is a string as documented");
    }
    let (_, r2) = s.get("/patients/5/receipts?departmentid=2").await;
    assert_eq!(r2["totalcount"], json!(0));
}

#[tokio::test]
async fn waitlist_list() {
    let sb = Sandbox::start().await;
    let s = S::new(&sb).await;
    let (st, all) = s.get("/appointments/waitlist").await;
    assert_eq!(st, 200);
    let n = all["totalcount"].as_u64().unwrap();
    assert!(n > 0);
    let (_, d1) = s.get("/appointments/waitlist?departmentid=1").await;
    assert!(
        d1["waitlists"]
            .as_array()
            .unwrap()
            .iter()
            .all(|w| w["departmentid"] == "1")
    );
    let (_, added) = s
        .post(
            "/appointments/waitlist",
            &[
                ("patientid", "7"),
                ("departmentid", "1"),
                ("priority", "low"),
                ("note", "any day"),
            ],
        )
        .await;
    let (_, mine) = s
        .get("/appointments/waitlist?patientid=7&priority=LOW")
        .await;
    let e = mine["waitlists"]
        .as_array()
        .unwrap()
        .iter()
        .find(|w| w["waitlistid"] == added["waitlistid"])
        .expect("listed");
    assert_eq!(e["note"], json!("any day"));
    let (_, after) = s.get("/appointments/waitlist").await;
    assert_eq!(after["totalcount"].as_u64(), Some(n + 1));
    let (st, _) = s
        .post(
            "/appointments/waitlist",
            &[
                ("patientid", "7"),
                ("departmentid", "1"),
                ("priority", "URGENT"),
            ],
        )
        .await;
    assert_eq!(st, 400);
    let (st, _) = s
        .post(
            "/appointments/waitlist",
            &[
                ("patientid", "7"),
                ("departmentid", "1"),
                ("hourfrom", "25"),
            ],
        )
        .await;
    assert_eq!(st, 400);
}
