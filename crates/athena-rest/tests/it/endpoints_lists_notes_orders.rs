//! The endpoints added for reference lists, appointment notes, slot creation, the waitlist,
//! encounter and lab result documents, prescriptions, encounter diagnoses and lab orders:
//! round trips against the testkit sandbox (an independent fake), their write safety, PHI
//! redaction, and decoding of the recorded bodies in `shared/fixtures` (skipped with a notice
//! when absent).

use crate::common;

use athena_core::codec::{AthenaDate, AthenaTime};
use athena_core::ids::{
    AppointmentId, AppointmentTypeId, DepartmentId, DocumentId, EncounterId, LabResultId,
    PatientId, ProviderId,
};
use athena_core::runtime::{ManualClock, Runtime};
use athena_core::{Client, ErrorKind, PracticeId, RetrySafety};
use athena_rest::endpoints::values::ResultStatus;
use athena_rest::models::*;
use athena_rest::prelude::*;
use athena_testkit::ops;
use futures::TryStreamExt;

fn fixture(name: &str) -> Option<Vec<u8>> {
    let p = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/fixtures/athena/go-athenahealth")
        .join(name);
    match std::fs::read(&p) {
        Ok(b) => Some(b),
        Err(_) => {
            println!("NOTICE: {} not found; skipped", p.display());
            None
        }
    }
}

fn time(s: &str) -> AthenaTime {
    s.parse().expect("time")
}

#[tokio::test]
async fn reference_lists() {
    let (sb, practice) = common::sandbox().await;
    let r = practice.reference();

    let found = r.allergies("lat").send().await.unwrap().into_items();
    let latex = found
        .iter()
        .find(|a| a.name() == Some("Latex"))
        .expect("Latex found");
    assert!(latex.id().is_some());
    assert!(
        found
            .iter()
            .all(|a| a.name().unwrap().to_lowercase().contains("lat"))
    );

    let meds = r.medications("ibu").send().await.unwrap().into_items();
    assert!(meds.len() >= 2);
    assert!(meds.iter().all(
        |m| m.medication.as_deref().unwrap().starts_with("ibuprofen") && m.medicationid.is_some()
    ));
    assert!(
        r.medications("zzzz")
            .send()
            .await
            .unwrap()
            .items()
            .is_empty()
    );

    // Too short: refused before any request.
    let before = sb.stats().api_requests;
    let err = r.allergies(" a ").send().await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidInput);
    assert_eq!(sb.stats().api_requests, before);

    let g = r.gender_identities().send().await.unwrap();
    let choices = g.genderidentityfields.unwrap();
    assert_eq!(g.totalcount, Some(choices.len() as u64));
    assert!(choices.iter().any(|c| c == "Female"));
    assert!(
        choices.iter().any(String::is_empty),
        "the blank choice is kept"
    );
    let g2015 = r
        .gender_identities()
        .show2015edcehrtvalues(true)
        .send()
        .await
        .unwrap();
    assert!(
        g2015
            .genderidentityfields
            .unwrap()
            .iter()
            .any(|c| c == "Identifies as Female")
    );
}

#[tokio::test]
async fn slots_notes_and_waitlist() {
    let (sb, practice) = common::sandbox().await;
    let dept = practice.department(DepartmentId::new(1));
    let day = AthenaDate::from(sb.today() + chrono::Duration::days(2));

    let created = dept
        .slots()
        .create(ProviderId::new(2), day)
        .appointmenttime(time("06:05"))
        .appointmenttime(time("06:35"))
        .appointmenttime(time("06:05"))
        .appointmenttypeid(AppointmentTypeId::new(2))
        .send()
        .await
        .unwrap();
    let slots = created.slots();
    assert_eq!(slots.len(), 2, "{created:?}");
    assert_eq!(created.unreadable(), 0);
    assert_eq!(slots[0].starttime, time("06:05"));
    assert_eq!(sb.stats().writes(ops::CREATE_SLOTS), 1);

    // The slot is open, then bookable.
    let open: Vec<Appointment> = dept
        .appointments()
        .open()
        .appointmenttypeid(AppointmentTypeId::new(2))
        .providerid(ProviderId::new(2))
        .startdate(day)
        .enddate(day)
        .stream()
        .try_collect()
        .await
        .unwrap();
    for s in &slots {
        assert!(
            open.iter()
                .any(|a| a.appointmentid == Some(s.appointmentid))
        );
    }
    let slot = slots[1].appointmentid;
    let booked = practice
        .appointments()
        .book(slot, PatientId::new(3))
        .send()
        .await
        .unwrap();
    assert_eq!(booked.starttime, Some(time("06:35")));

    // Notes on it.
    let notes = practice.appointment_notes(slot);
    assert_eq!(notes.list().send().await.unwrap().total_count(), Some(0));
    let ok = notes
        .add("patient asked for a morning slot")
        .displayonschedule(true)
        .send()
        .await
        .unwrap();
    assert_eq!(ok.success, Some(true));
    let page = notes.list().send().await.unwrap();
    assert_eq!(page.total_count(), Some(1));
    let n = &page.items()[0];
    assert_eq!(
        n.notetext.as_ref().unwrap().expose(),
        "patient asked for a morning slot"
    );
    assert_eq!(n.displayonschedule, Some(true));
    assert!(n.created.is_some() && n.noteid.is_some());
    assert!(!format!("{n:?}").contains("morning"), "note text redacted");
    let err = practice
        .appointment_notes(AppointmentId::new(999_999_999))
        .list()
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotFound);

    // Waitlist.
    let w = dept
        .waitlist()
        .add(PatientId::new(9))
        .priority("NORMAL")
        .hourfrom(8)
        .hourto(11)
        .send()
        .await
        .unwrap();
    assert!(w.waitlistid.is_some());
    assert_eq!(sb.stats().writes(ops::ADD_WAITLIST), 1);

    // Builders refuse incomplete slot requests before sending.
    let no_time = dept
        .slots()
        .create(ProviderId::new(2), day)
        .reasonid(athena_core::ids::ReasonId::new(1281))
        .build()
        .unwrap_err();
    assert_eq!(no_time.kind(), ErrorKind::InvalidInput);
    let no_kind = dept
        .slots()
        .create(ProviderId::new(2), day)
        .appointmenttime(time("07:00"))
        .build()
        .unwrap_err();
    assert_eq!(no_kind.kind(), ErrorKind::InvalidInput);
}

/// A patient with at least one encounter and one lab result.
async fn patient_with_chart(
    practice: &athena_core::Practice,
) -> (PatientId, EncounterId, LabResultId) {
    for pid in 1..60 {
        let chart = practice
            .department(DepartmentId::new(1))
            .chart(PatientId::new(pid));
        let enc = chart.encounters().send().await.unwrap();
        let labs = chart.lab_results().send().await.unwrap();
        if let (Some(e), Some(l)) = (enc.items().first(), labs.items().first()) {
            return (
                PatientId::new(pid),
                e.encounterid.unwrap(),
                l.labresultid.unwrap(),
            );
        }
    }
    panic!("no patient with an encounter and a lab result");
}

#[tokio::test]
async fn documents_of_a_patient() {
    let (sb, practice) = common::sandbox().await;
    let dept = practice.department(DepartmentId::new(1));
    let (pid, enc, lab) = patient_with_chart(&practice).await;

    // Encounter documents.
    let docs = dept.encounter_documents(pid);
    let before = docs.list().send().await.unwrap();
    assert!(before.total_count().unwrap() >= 1);
    assert!(
        before
            .items()
            .iter()
            .all(|d| d.encounterdocumentid.is_some())
    );
    let made = docs
        .add(
            enc,
            b"%PDF-1.4 outside records",
            "ENCOUNTERDOCUMENT_PROCEDUREDOC",
        )
        .internalnote("from the referring clinic")
        .send()
        .await
        .unwrap();
    let id = made.encounterdocumentid.unwrap();
    let mine: Vec<EncounterDocument> = docs
        .list()
        .encounterid(enc)
        .stream()
        .try_collect()
        .await
        .unwrap();
    let d = mine
        .iter()
        .find(|d| d.encounterdocumentid == Some(id))
        .expect("filed document listed");
    assert_eq!(d.encounterid, Some(enc));
    assert_eq!(d.status.as_deref(), Some("REVIEW"));
    assert_eq!(
        d.internalnote.as_ref().unwrap().expose(),
        "from the referring clinic"
    );
    assert!(d.createddatetime.is_some() && d.departmentid == Some(DepartmentId::new(1)));
    assert!(
        !format!("{d:?}").contains("referring"),
        "internal note redacted"
    );

    // Lab result documents: a generated one, then a filed one.
    let labs = dept.lab_result_documents(pid);
    let doc = labs.get(lab).send().await.unwrap();
    assert_eq!(doc.labresultid, Some(lab));
    assert!(!doc.observations.as_ref().unwrap().is_empty());
    assert!(doc.observations.unwrap()[0].value.is_some());
    let filed = labs
        .add()
        .attachmentcontents(b"%PDF-1.4 lab")
        .attachmenttype("PDF")
        .resultstatus(ResultStatus::Final)
        .internalnote("faxed in")
        .observationdate(AthenaDate::from(sb.today()))
        .send()
        .await
        .unwrap();
    assert_eq!(filed.success, Some(true));
    let back = labs.get(filed.labresultid.unwrap()).send().await.unwrap();
    assert_eq!(back.internalnote.unwrap().expose(), "faxed in");
    assert_eq!(back.resultstatus.as_deref(), Some("final"));
    assert!(
        labs.get(LabResultId::new(1))
            .send_optional()
            .await
            .unwrap()
            .is_none()
    );

    // Prescriptions.
    let rx = dept.prescriptions(pid).list().send().await.unwrap();
    let meds = dept.chart(pid).medications().send().await.unwrap();
    assert_eq!(rx.items().len(), meds.medications.unwrap_or_default().len());
    assert!(rx.items().iter().all(|p| p.id().is_some()
        && p.documentclass.as_deref() == Some("PRESCRIPTION")
        && p.createddatetime.is_some()));

    assert_eq!(sb.stats().writes(ops::ADD_ENCOUNTER_DOCUMENT), 1);
    assert_eq!(sb.stats().writes(ops::ADD_LAB_RESULT_DOCUMENT), 1);
}

#[tokio::test]
async fn encounter_diagnoses_and_lab_orders() {
    let (sb, practice) = common::sandbox().await;
    let (_, enc, _) = patient_with_chart(&practice).await;
    let eo = practice.encounter_orders(enc);

    let dx = eo.diagnoses().send().await.unwrap().into_items();
    assert_eq!(dx.len(), 1);
    let existing = dx[0].snomedcode.clone().unwrap();
    assert!(dx[0].icdcodes.as_ref().is_some_and(|c| !c.is_empty()));
    let code = ["59621000", "44054006", "55822004"]
        .into_iter()
        .find(|c| *c != existing)
        .unwrap();
    let added = eo
        .add_diagnosis(code.parse().unwrap())
        .note("first noted today")
        .send()
        .await
        .unwrap();
    assert_eq!(added.snomedcode.as_deref(), Some(code));
    assert_eq!(added.ranking, Some(1));
    assert!(!format!("{added:?}").contains("noted today"));
    assert_eq!(eo.diagnoses().send().await.unwrap().items().len(), 2);
    let bad = eo.add_diagnosis(77_777_777_777).send().await.unwrap_err();
    assert_eq!(bad.kind(), ErrorKind::BadRequest);
    assert_eq!(bad.status(), Some(400));

    let order = eo
        .add_lab_order(387_200, code.parse().unwrap())
        .providernote("fasting")
        .send()
        .await
        .unwrap();
    let doc = order.documentid.unwrap();
    let groups = eo.orders().send().await.unwrap().into_items();
    let g = groups
        .iter()
        .find(|g| g.diagnosissnomed.as_deref() == Some(code))
        .unwrap();
    let o = &g.orders.as_ref().unwrap()[0];
    assert_eq!(o.documentid, Some(doc));
    assert_eq!(o.class.as_deref(), Some("LAB"));
    assert_eq!(o.documentationonly, Some(false));
    assert!(o.dateordered.is_some());
    assert_eq!(sb.stats().writes(ops::ADD_LAB_ORDER), 1);
    assert_eq!(sb.stats().writes(ops::ADD_ENCOUNTER_DIAGNOSIS), 1);
}

#[test]
fn creating_endpoints_are_never_retried() {
    let practice = common::offline_practice();
    let dept = practice.department(DepartmentId::new(1));
    let day = AthenaDate::new(2030, 1, 2).unwrap();
    let pid = PatientId::new(1);
    let writes = [
        practice
            .appointment_notes(AppointmentId::new(1))
            .add("x")
            .build()
            .unwrap(),
        dept.slots()
            .create(ProviderId::new(1), day)
            .appointmenttime(time("08:00"))
            .appointmenttypeid(AppointmentTypeId::new(2))
            .build()
            .unwrap(),
        dept.waitlist().add(pid).build().unwrap(),
        dept.encounter_documents(pid)
            .add(EncounterId::new(1), b"%PDF", "X")
            .build()
            .unwrap(),
        dept.lab_result_documents(pid).add().build().unwrap(),
        practice
            .encounter_orders(EncounterId::new(1))
            .add_diagnosis(1)
            .build()
            .unwrap(),
        practice
            .encounter_orders(EncounterId::new(1))
            .add_lab_order(1, 1)
            .build()
            .unwrap(),
    ];
    for w in &writes {
        assert_eq!(w.method(), &http::Method::POST, "{}", w.route());
        assert_eq!(w.safety(), RetrySafety::NotIdempotent, "{}", w.route());
    }
    // Department scoping: every department handle sends its department.
    for w in &writes[1..5] {
        let body = w.encoded_form().unwrap_or_default();
        assert!(body.contains("departmentid=1"), "{}: {body}", w.route());
    }
    let list = dept.prescriptions(pid).list().build().unwrap();
    assert!(
        list.query_pairs()
            .iter()
            .any(|(k, v)| k == "departmentid" && v == "1")
    );
}

/// A 503 to a slot creation is answered once, not retried; the same 503 to a read is
/// retried (so the test can tell the difference). The manual clock makes back-off instant.
#[tokio::test]
async fn a_failed_slot_creation_is_not_replayed() {
    use wiremock::matchers::{method, path};
    use wiremock::{Mock, MockServer, ResponseTemplate};

    let s = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/oauth2/v1/token"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(serde_json::json!({"access_token": "t", "expires_in": "3600"})),
        )
        .mount(&s)
        .await;
    Mock::given(method("POST"))
        .and(path("/v1/195900/appointments/open"))
        .respond_with(ResponseTemplate::new(503))
        .expect(1)
        .mount(&s)
        .await;
    Mock::given(method("GET"))
        .and(path("/v1/195900/reference/medications"))
        .respond_with(ResponseTemplate::new(503))
        .expect(2..)
        .mount(&s)
        .await;
    let clock = ManualClock::new();
    let client = Client::builder()
        .base_url(s.uri())
        .client_credentials("id", "secret")
        .runtime(Runtime::manual(&clock, 0.5))
        .build()
        .unwrap();
    let practice = client.practice(PracticeId::new(195900));
    let err = practice
        .department(DepartmentId::new(1))
        .slots()
        .create(ProviderId::new(1), AthenaDate::new(2030, 1, 2).unwrap())
        .appointmenttime(time("08:00"))
        .appointmenttypeid(AppointmentTypeId::new(2))
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(503));
    assert!(
        practice
            .reference()
            .medications("ibu")
            .send()
            .await
            .is_err()
    );
    // `expect` counts are verified when the server drops.
}

#[test]
fn recorded_encounter_documents_decode() {
    let Some(raw) = fixture("ListEncounterDocuments.json") else {
        return;
    };
    let ep = athena_core::decode::Endpoint {
        method: "GET",
        route: "/v1/{practiceid}/patients/{patientid}/documents/encounterdocument",
    };
    let page: athena_core::Page<EncounterDocument> =
        athena_core::paging::decode_page(&raw, "encounterdocuments", ep).unwrap();
    let d = &page.items()[0];
    assert_eq!(d.encounterdocumentid, Some(DocumentId::new(44987)));
    assert_eq!(d.departmentid, Some(DepartmentId::new(5)));
    assert_eq!(d.encounterid, Some(EncounterId::new(0)));
    assert_eq!(d.providerid, Some(ProviderId::new(20)));
    assert_eq!(d.priority, Some(2));
    assert_eq!(d.documenttypeid, Some(288737));
    assert_eq!(
        d.documentsubclass.as_deref(),
        Some("ENCOUNTERDOCUMENT_PROCEDUREDOC")
    );
    assert_eq!(
        d.createddatetime.unwrap().to_string(),
        "2020-11-17T12:33:37-05:00"
    );
    assert_eq!(d.deleteddatetime, None, "blank is absent");
    assert_eq!(d.internalnote.as_ref().unwrap().expose(), "test");
    assert!(!format!("{d:?}").contains("\"test\""));
    // Nothing with a value is lost on a round trip (a typed field sent blank, like
    // `deleteddatetime: ""`, decodes as absent: the crate-wide rule for blanks).
    let orig: serde_json::Value = serde_json::from_slice(&raw).unwrap();
    let back = serde_json::to_value(d).unwrap();
    for (k, v) in orig["encounterdocuments"][0].as_object().unwrap() {
        assert!(back.get(k).is_some() || v == "", "{k} lost");
    }
    assert_eq!(back["externalaccessionid"], "", "blank text is kept");
}

#[test]
fn recorded_lab_results_feed_lab_result_documents() {
    // The lab result list carries the ids `GET …/documents/labresult/{id}` takes.
    let Some(raw) = fixture("ListLabResults.json") else {
        return;
    };
    let ep = athena_core::decode::Endpoint {
        method: "GET",
        route: "/v1/{practiceid}/chart/{patientid}/labresults",
    };
    let page: athena_core::Page<LabResult> =
        athena_core::paging::decode_page(&raw, "results", ep).unwrap();
    let ids: Vec<_> = page.items().iter().filter_map(|l| l.labresultid).collect();
    assert_eq!(ids[0], LabResultId::new(1083579));
    let dept = common::offline_practice().department(DepartmentId::new(1));
    let req = dept
        .lab_result_documents(PatientId::new(7))
        .get(ids[0])
        .build()
        .unwrap();
    assert_eq!(
        req.path(),
        "/v1/195900/patients/7/documents/labresult/1083579"
    );
}

#[test]
fn slot_answers_in_either_orientation() {
    let v: SlotsCreated = serde_json::from_value(serde_json::json!({
        "appointmentids": {"702724": "08:00", "08:30": "702725", "junk": "x"}
    }))
    .unwrap();
    let slots = v.slots();
    assert_eq!(slots.len(), 2);
    assert_eq!(slots[0].appointmentid, AppointmentId::new(702724));
    assert_eq!(slots[1].starttime, time("08:30"));
    assert_eq!(v.unreadable(), 1);
    let empty: SlotsCreated = serde_json::from_value(serde_json::json!({})).unwrap();
    assert!(empty.slots().is_empty());
}

/// The sandbox applies the write, then drops the connection without answering: the SDK must
/// surface the error and not send the write again (the sandbox counts one write). A read
/// hit by the same fault is retried and succeeds, so the test can tell the two apart.
#[tokio::test]
async fn writes_lost_in_flight_are_not_replayed() {
    use athena_testkit::{Fault, FaultRule};

    let sb = athena_testkit::Sandbox::start().await;
    let clock = ManualClock::new();
    let client = Client::builder()
        .base_url(sb.base_url())
        .client_credentials(sb.client_id(), sb.client_secret())
        .runtime(Runtime::manual(&clock, 0.5))
        .build()
        .unwrap();
    let practice = client.practice(PracticeId::new(sb.practice_id()));
    let dept = practice.department(DepartmentId::new(1));
    let day = AthenaDate::from(sb.today() + chrono::Duration::days(4));

    for (method, glob) in [
        ("POST", "/v1/*/appointments/open"),
        ("POST", "/v1/*/appointments/*/notes"),
        ("POST", "/v1/*/chart/encounter/*/diagnoses"),
        ("POST", "/v1/*/patients/*/documents/labresult"),
        ("GET", "/v1/*/reference/allergies"),
    ] {
        sb.faults().push(
            FaultRule::new(Fault::DropAfterHandler)
                .method(method)
                .path(glob)
                .once(),
        );
    }

    let err = dept
        .slots()
        .create(ProviderId::new(1), day)
        .appointmenttime(time("06:20"))
        .appointmenttypeid(AppointmentTypeId::new(2))
        .send()
        .await
        .unwrap_err();
    assert_ne!(err.kind(), ErrorKind::InvalidInput);
    assert_eq!(
        sb.stats().writes(ops::CREATE_SLOTS),
        1,
        "applied once, not replayed"
    );

    let open = dept
        .appointments()
        .open()
        .reasonid_any()
        .send()
        .await
        .unwrap();
    let slot = open.items()[0].appointmentid.unwrap();
    assert!(
        practice
            .appointment_notes(slot)
            .add("lost answer")
            .send()
            .await
            .is_err()
    );
    assert_eq!(sb.stats().writes(ops::ADD_APPOINTMENT_NOTE), 1);

    let (pid, enc, _) = patient_with_chart(&practice).await;
    let dx = practice
        .encounter_orders(enc)
        .diagnoses()
        .send()
        .await
        .unwrap()
        .into_items();
    let code = ["59621000", "44054006", "55822004"]
        .into_iter()
        .find(|c| Some(*c) != dx[0].snomedcode.as_deref())
        .unwrap();
    assert!(
        practice
            .encounter_orders(enc)
            .add_diagnosis(code.parse().unwrap())
            .send()
            .await
            .is_err()
    );
    assert_eq!(sb.stats().writes(ops::ADD_ENCOUNTER_DIAGNOSIS), 1);
    assert!(dept.lab_result_documents(pid).add().send().await.is_err());
    assert_eq!(sb.stats().writes(ops::ADD_LAB_RESULT_DOCUMENT), 1);

    // The read is retried past the same fault.
    let found = practice.reference().allergies("pe").send().await.unwrap();
    assert!(!found.items().is_empty());
    assert_eq!(sb.faults().active(), 0, "every fault fired");
}

/// No recording pins down the diagnosis list's shape: a bare array and a `diagnoses`
/// envelope both decode; anything else is a typed decode error naming no value.
#[tokio::test]
async fn diagnosis_list_accepts_both_shapes() {
    use wiremock::matchers::{method, path};
    use wiremock::{Mock, MockServer, ResponseTemplate};

    let s = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/oauth2/v1/token"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(serde_json::json!({"access_token": "t", "expires_in": "3600"})),
        )
        .mount(&s)
        .await;
    let item = serde_json::json!({
        "diagnosisid": 15002, "snomedcode": 174041007, "ranking": 0,
        "description": "Laparoscopic emergency appendectomy", "icdcodes": [],
        "supportslaterality": false, "note": "seen in ER"
    });
    for (enc, body) in [
        ("1", serde_json::json!([item.clone()])),
        (
            "2",
            serde_json::json!({"totalcount": 1, "diagnoses": [item.clone()]}),
        ),
        ("3", serde_json::json!({"totalcount": 1})),
    ] {
        Mock::given(method("GET"))
            .and(path(format!("/v1/195900/chart/encounter/{enc}/diagnoses")))
            .respond_with(ResponseTemplate::new(200).set_body_json(body))
            .mount(&s)
            .await;
    }
    let p = common::wiremock_practice(&s.uri());
    for enc in [1, 2] {
        let list = p
            .encounter_orders(EncounterId::new(enc))
            .diagnoses()
            .send()
            .await
            .unwrap()
            .into_items();
        assert_eq!(list.len(), 1);
        assert_eq!(list[0].diagnosisid, Some(15002));
        assert_eq!(list[0].snomedcode.as_deref(), Some("174041007"));
        assert_eq!(list[0].supportslaterality, Some(false));
        assert!(!format!("{:?}", list[0]).contains("seen in ER"));
    }
    let err = p
        .encounter_orders(EncounterId::new(3))
        .diagnoses()
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Decode);
    assert!(!err.to_string().contains("totalcount\": 1"));
}

#[tokio::test]
async fn claim_transactions_match_the_claim() {
    use athena_core::codec::Money;
    let (_sb, practice) = common::sandbox().await;
    let claims = practice.claims().search().limit(200).send().await.unwrap();
    assert!(!claims.items().is_empty());
    let mut denied_seen = false;
    let mut deductible_seen = false;
    for c in claims.items().iter().take(60) {
        let id = c.claimid.unwrap();
        let page = practice.claim_transactions(id).list().send().await.unwrap();
        let tx = page.items();
        let charges: Vec<_> = tx
            .iter()
            .filter(|t| t.transactiontype.as_deref() == Some("CHARGE"))
            .collect();
        let procedures = c.procedures.as_deref().unwrap_or_default();
        assert_eq!(charges.len(), procedures.len());
        let charged: Money = procedures.iter().map(|p| p.chargeamount.unwrap()).sum();
        let ledger_charges: Money = charges.iter().map(|t| t.amount.unwrap()).sum();
        assert_eq!(
            ledger_charges, charged,
            "claim {id}: one CHARGE per procedure"
        );
        let sum: Money = tx.iter().map(|t| t.amount.unwrap()).sum();
        assert!(
            sum.to_cents() >= Some(0) && sum.to_cents() <= charged.to_cents(),
            "claim {id}: what is left is between nothing and the charges"
        );
        let note = c
            .primaryinsurancepayer
            .as_ref()
            .and_then(|p| p.note.as_ref())
            .map(|n| n.expose().clone());
        if let Some(adj) = tx
            .iter()
            .find(|t| t.transactiontype.as_deref() == Some("ADJUSTMENT"))
        {
            denied_seen = true;
            let note = note.expect("a denied claim carries the payer's note");
            let code = adj.reasoncode.as_deref().unwrap();
            assert!(note.contains(code), "{note:?} names CARC {code}");
        }
        if tx
            .iter()
            .any(|t| t.transactiontype.as_deref() == Some("TRANSFERIN"))
        {
            deductible_seen = true;
            let t = tx
                .iter()
                .find(|t| t.transactiontype.as_deref() == Some("TRANSFERIN"))
                .unwrap();
            assert_eq!(t.payer.as_deref(), Some("PATIENT"));
        }
        assert!(
            tx.iter()
                .all(|t| t.postdate.is_some() && t.voided == Some(false))
        );
        // Paged with a small limit, the stream sees the same transactions.
        let streamed: Vec<ClaimTransactionEntry> = practice
            .claim_transactions(id)
            .list()
            .limit(1)
            .stream()
            .try_collect()
            .await
            .unwrap();
        assert_eq!(streamed.len(), tx.len());
    }
    assert!(denied_seen, "the sandbox's claims include denials");
    assert!(deductible_seen, "the sandbox's claims include deductibles");
    let err = practice
        .claim_transactions(athena_core::ids::ClaimId::new(999_999_999))
        .list()
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotFound);
}

#[tokio::test]
async fn payment_history_and_receipts() {
    use athena_core::codec::Money;
    let (sb, practice) = common::sandbox().await;
    let dept = practice.department(DepartmentId::new(1));
    // A claim with a balance, paid by its patient's card.
    let claims = practice.claims().search().limit(300).send().await.unwrap();
    // The first claim whose ledger still shows more than 5.00 owed.
    let mut found = None;
    for c in claims.items() {
        let id = c.claimid.unwrap();
        let tx = practice.claim_transactions(id).list().send().await.unwrap();
        let owed: Money = tx.items().iter().map(|t| t.amount.unwrap()).sum();
        if owed.to_cents() > Some(500) {
            found = Some((c, owed));
            break;
        }
    }
    let (c, owed_before) = found.expect("a claim with a balance");
    let (pid, cid) = (c.patientid.unwrap(), c.claimid.unwrap());
    let five: Money = "5.00".parse().unwrap();
    dept.payments(pid)
        .record("CREDITCARD")
        .claimpayment(cid, five)
        .cardnumberlast4("4242")
        .send()
        .await
        .unwrap();
    dept.payments(pid)
        .record("CASH")
        .otheramount("12.50".parse().unwrap())
        .send()
        .await
        .unwrap();

    let wide = (
        AthenaDate::from(chrono::NaiveDate::from_ymd_opt(2000, 1, 1).unwrap()),
        AthenaDate::from(chrono::NaiveDate::from_ymd_opt(2099, 12, 31).unwrap()),
    );
    let pp = practice.patient_payments();
    let hist = pp
        .history(&[pid, PatientId::new(1)], wide.0, wide.1)
        .additionalpaymentinfo(true)
        .send()
        .await
        .unwrap();
    assert_eq!(hist.total_count(), Some(2));
    let card = hist
        .items()
        .iter()
        .find(|p| p.paymentmethod.as_deref() == Some("CREDITCARD"))
        .unwrap();
    assert_eq!(card.amount, Some(five));
    assert_eq!(card.claimid, Some(cid));
    assert_eq!(card.patientid, Some(pid));
    assert!(card.servicedate.is_some() && card.procedurecode.is_some());
    assert_eq!(card.cardnumberlast4.as_ref().unwrap().expose(), "4242");
    assert!(
        !format!("{card:?}").contains("4242"),
        "card digits redacted"
    );
    let cash = hist
        .items()
        .iter()
        .find(|p| p.paymentmethod.as_deref() == Some("CASH"))
        .unwrap();
    assert_eq!(cash.unappliedamount, Some("12.50".parse().unwrap()));
    // The claim's ledger shows the payment.
    let tx = practice
        .claim_transactions(cid)
        .list()
        .send()
        .await
        .unwrap();
    let sum: Money = tx.items().iter().map(|t| t.amount.unwrap()).sum();
    assert_eq!(
        sum.to_cents()
            .zip(owed_before.to_cents())
            .map(|(a, b)| b - a),
        Some(500),
        "the 5.00 card payment reduced what the ledger shows owed"
    );

    // A window without payments, and the builder's own checks (no request sent).
    let y2000 = AthenaDate::from(chrono::NaiveDate::from_ymd_opt(2000, 12, 31).unwrap());
    let none = pp.history(&[pid], wide.0, y2000).send().await.unwrap();
    assert_eq!(none.total_count(), Some(0));
    let before = sb.stats().api_requests;
    let err = pp.history(&[], wide.0, wide.1).send().await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidInput);
    let err = pp.history(&[pid], wide.1, wide.0).send().await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidInput);
    assert_eq!(sb.stats().api_requests, before);

    // Receipts: the card payment only.
    let r = pp.receipts(pid, DepartmentId::new(1)).send().await.unwrap();
    assert_eq!(r.total_count(), Some(1));
    let rc = &r.items()[0];
    assert_eq!(rc.amount, Some(five));
    assert!(rc.epaymentid.is_some() && rc.requestdate.is_some());
    assert_eq!(rc.kind.as_deref(), Some("PAYMENT"));
    assert!(!format!("{rc:?}").contains("4242"), "card digits redacted");
}

#[tokio::test]
async fn waitlist_lists_generated_and_added_entries() {
    let (_sb, practice) = common::sandbox().await;
    let dept = practice.department(DepartmentId::new(1));
    let first = dept.waitlist().list().send().await.unwrap();
    let standing = first.total_count().unwrap();
    assert!(standing > 0, "the sandbox has a standing waitlist");
    assert!(
        first
            .items()
            .iter()
            .all(|w| w.departmentid == Some(DepartmentId::new(1)))
    );
    let w0 = &first.items()[0];
    assert!(w0.waitlistid.is_some() && w0.created.is_some() && w0.priority.is_some());
    assert!(!w0.days().is_empty() && w0.days().iter().all(|d| (1..=7).contains(d)));

    let added = dept
        .waitlist()
        .add(PatientId::new(9))
        .priority("HIGH")
        .note("call after 3pm")
        .hourfrom(15)
        .hourto(18)
        .send()
        .await
        .unwrap();
    let mine = dept
        .waitlist()
        .list()
        .patientid(PatientId::new(9))
        .priority("HIGH")
        .send()
        .await
        .unwrap();
    let e = mine
        .items()
        .iter()
        .find(|w| w.waitlistid == added.waitlistid)
        .expect("the added entry is listed");
    assert_eq!(e.patientid, Some(PatientId::new(9)));
    assert_eq!((e.hourfrom, e.hourto), (Some(15), Some(18)));
    assert_eq!(e.note.as_ref().unwrap().expose(), "call after 3pm");
    assert!(!format!("{e:?}").contains("3pm"), "note redacted");

    let all: Vec<WaitlistEntry> = dept
        .waitlist()
        .list()
        .limit(3)
        .stream()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(all.len() as u64, standing + 1);
    let mut ids: Vec<_> = all.iter().map(|w| w.waitlistid).collect();
    ids.dedup();
    assert_eq!(ids.len(), all.len(), "no entry twice across pages");
}

#[tokio::test]
async fn unverified_lists_accept_several_shapes() {
    use wiremock::matchers::{method, path};
    use wiremock::{Mock, MockServer, ResponseTemplate};

    let s = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/oauth2/v1/token"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(serde_json::json!({"access_token": "t", "expires_in": "3600"})),
        )
        .mount(&s)
        .await;
    let tx = serde_json::json!({"transactionid": 77, "transactiontype": "PAYMENT",
        "amount": -20.5, "postdate": "03/04/2025", "newfield": {"x": 1}});
    for (claim, body) in [
        ("1", serde_json::json!([tx.clone()])),
        (
            "2",
            serde_json::json!({"totalcount": 1, "transactions": [tx.clone()]}),
        ),
        (
            "3",
            serde_json::json!({"totalcount": 1, "whatever": [tx.clone()]}),
        ),
        ("4", serde_json::json!({"totalcount": 0})),
        ("5", serde_json::json!({"a": [], "b": []})),
        (
            "6",
            serde_json::json!({"claimtransactions": [{"amount": "Smith"}]}),
        ),
    ] {
        Mock::given(method("GET"))
            .and(path(format!("/v1/195900/claims/{claim}/claimtransactions")))
            .respond_with(ResponseTemplate::new(200).set_body_json(body))
            .mount(&s)
            .await;
    }
    let p = common::wiremock_practice(&s.uri());
    let list = |n: u64| {
        p.claim_transactions(athena_core::ids::ClaimId::new(n))
            .list()
    };
    for n in [1, 2, 3] {
        let page = list(n).send().await.unwrap();
        assert_eq!(page.items().len(), 1, "shape {n}");
        let t = &page.items()[0];
        assert_eq!(t.transactionid.as_deref(), Some("77"));
        assert_eq!(t.amount, Some("-20.50".parse().unwrap()));
        assert!(t.extra.contains_key("newfield"), "unknown fields kept");
    }
    assert!(list(4).send().await.unwrap().items().is_empty());
    let err = list(5).send().await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Decode);
    // A field of the wrong shape does not fail the call: the value is kept raw and a
    // warning names its path, never its value.
    let page = list(6).send().await.unwrap();
    assert_eq!(page.items().len(), 1);
    assert_eq!(page.items()[0].amount, None);
    assert!(
        page.items()[0].extra.contains_key("amount"),
        "raw value kept"
    );
    let warnings: Vec<String> = page.warnings().iter().map(|w| format!("{w:?}")).collect();
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert!(
        warnings[0].contains("claimtransactions[0].amount"),
        "{warnings:?}"
    );
    assert!(
        !warnings[0].contains("Smith"),
        "no value in the warning: {warnings:?}"
    );
}

#[tokio::test]
async fn a_next_link_that_does_not_advance_ends_the_stream() {
    use wiremock::matchers::{method, path};
    use wiremock::{Mock, MockServer, ResponseTemplate};

    let s = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/oauth2/v1/token"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(serde_json::json!({"access_token": "t", "expires_in": "3600"})),
        )
        .mount(&s)
        .await;
    // Every request answers the same page, whose `next` points back at offset 0.
    Mock::given(method("GET"))
        .and(path("/v1/195900/appointments/waitlist"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({
            "totalcount": 50,
            "waitlists": [{"waitlistid": 1}, {"waitlistid": 2}],
            "next": "/v1/195900/appointments/waitlist?DEPARTMENTID=1&offset=0"
        })))
        .expect(1)
        .mount(&s)
        .await;
    let p = common::wiremock_practice(&s.uri());
    let all: Vec<WaitlistEntry> = p
        .department(DepartmentId::new(1))
        .waitlist()
        .list()
        .stream()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(all.len(), 2);
}
