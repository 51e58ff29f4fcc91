//! SOAP context gathering against the testkit sandbox: every section becomes cited facts with
//! stable ids, the chart calls are in flight together, a failed section degrades to an
//! explicit "not available", and an approved note lands as a PDF clinical document left open
//! for review with the approver named.

use std::sync::Arc;
use std::time::Duration;

use athena_ai::audit::MemorySink;
use athena_ai::engine::Engine;
use athena_ai::providers::scripted::ScriptedModel;
use athena_ai::review::{Reviewer, SandboxAuthenticator};
use athena_ai::soap::context::{self, Availability, Section, Visit};
use athena_ai::soap::{self, Statement};
use athena_ai::{ModelAccess, ModelRequest};
use athena_core::ids::{DepartmentId, EncounterId, PatientId};
use athena_core::{Client, Department, PracticeId};
use athena_rest::prelude::*;
use athena_testkit::{Fault, FaultRule, Sandbox};

fn client(sandbox: &Sandbox) -> Client {
    Client::builder()
        .base_url(sandbox.base_url())
        .client_credentials(sandbox.client_id(), sandbox.client_secret())
        .no_qps_limit()
        .build()
        .unwrap()
}

/// A patient of the sandbox with an encounter, the department and the encounter.
async fn visit(client: &Client, sandbox: &Sandbox) -> (Department, PatientId, EncounterId) {
    let practice = client.practice(PracticeId::new(sandbox.practice_id()));
    let department = practice.department(DepartmentId::new(1));
    for pid in 1..=50 {
        let patient = PatientId::new(pid);
        let encounters = department.chart(patient).encounters().send().await.unwrap();
        if let Some(id) = encounters.items().iter().find_map(|e| e.encounterid) {
            return (department, patient, id);
        }
    }
    panic!("no sandbox patient has an encounter");
}

/// The offline model: the extractive baseline over the (de-identified) prompt.
fn baseline_model() -> ScriptedModel {
    ScriptedModel::new("soap-baseline").with_responder(|r: &ModelRequest| {
        let note = soap::baseline_from_prompt(&r.prompt().messages[0].content);
        Ok(serde_json::to_string(&note).expect("a note serializes"))
    })
}

#[tokio::test]
async fn every_section_becomes_facts_with_stable_ids() {
    let sandbox = Sandbox::start().await;
    let client = client(&sandbox);
    let (department, patient, encounter) = visit(&client, &sandbox).await;
    let transcript = "Patient reports a dry cough for two weeks. No fever.".to_owned();
    let ctx = context::gather(
        &department,
        patient,
        Visit::Encounter(encounter),
        Some(transcript.clone()),
    )
    .await
    .unwrap();
    assert!(ctx.unavailable().is_empty(), "{:?}", ctx.sections);
    assert_eq!(
        ctx.sections.iter().map(|(s, _)| *s).collect::<Vec<_>>(),
        Section::ALL
    );
    assert!(matches!(
        ctx.sections[0],
        (Section::Encounter, Availability::Facts(n)) if n >= 2
    ));
    assert!(ctx.facts[0].id == "encounter:1" && ctx.facts[0].text.contains(" on "));
    assert!(
        ctx.facts
            .iter()
            .any(|f| f.id == "encounter:2" && f.text.starts_with("Chief complaint: ")),
        "{:#?}",
        ctx.facts
    );
    assert!(ctx.facts.iter().any(|f| f.id.starts_with("vital:")));
    assert!(
        ctx.facts
            .iter()
            .any(|f| f.id.starts_with("lab:") || f.id == "lab:none")
    );
    assert_eq!(ctx.transcript.as_deref(), Some(transcript.as_str()));
    assert_eq!(
        ctx.sections[6],
        (Section::Transcript, Availability::Facts(1))
    );
    let mut ids: Vec<&str> = ctx.facts.iter().map(|f| f.id.as_str()).collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), ctx.facts.len(), "fact ids are unique");

    // Minimum necessary: the patient's name is not among the facts.
    let practice = department.practice();
    let p = practice.patients().get(patient).send().await.unwrap();
    let last = p.lastname.as_ref().unwrap().expose().clone();
    assert!(ctx.facts.iter().all(|f| !f.text.contains(&last)));

    // Stable: the same chart gives the same facts and ids.
    let again = context::gather(&department, patient, Visit::Encounter(encounter), None)
        .await
        .unwrap();
    assert_eq!(again.facts, ctx.facts);
    assert_eq!(
        again.sections[6],
        (Section::Transcript, Availability::NoneRecorded)
    );
}

#[tokio::test]
async fn the_chart_calls_are_in_flight_together() {
    // Every chart call is held 300 ms in the sandbox's front. One HTTP/1.1 connection carries
    // one request at a time, so requests that overlap need connections of their own, while
    // sequential ones reuse the first: the sandbox's connection count tells them apart
    // without timing anything.
    let sandbox = Sandbox::builder()
        .fault(FaultRule::new(Fault::Latency(Duration::from_millis(300))).path("/v1/*/chart/**"))
        .start()
        .await;
    let client = client(&sandbox);
    let (department, patient, encounter) = visit(&client, &sandbox).await;
    let chart = department.chart(patient);

    // Control: the same calls one after the other open at most one new connection.
    let before = sandbox.stats().connections;
    chart.vitals().send().await.unwrap();
    chart.problems().send().await.unwrap();
    chart.medications().send().await.unwrap();
    chart.allergies().send().await.unwrap();
    let sequential = sandbox.stats().connections - before;
    assert!(
        sequential <= 1,
        "sequential calls opened {sequential} connections"
    );

    let before = sandbox.stats().connections;
    let ctx = context::gather(&department, patient, Visit::Encounter(encounter), None)
        .await
        .unwrap();
    let opened = sandbox.stats().connections - before;
    assert!(ctx.unavailable().is_empty());
    // Seven requests (demographics, encounter, five chart sections) went out together.
    assert!(
        opened >= 5,
        "gathering opened {opened} connections: the calls did not overlap"
    );
    println!("sequential: {sequential} new connections; gather: {opened} new connections");
}

#[tokio::test]
async fn failed_sections_degrade_to_not_available() {
    let sandbox = Sandbox::builder()
        .fault(FaultRule::new(Fault::JsonError(404)).path("/v1/*/chart/*/labresults"))
        .fault(FaultRule::new(Fault::GatewayError(503)).path("/v1/*/chart/*/allergies"))
        .start()
        .await;
    let client = Client::builder()
        .base_url(sandbox.base_url())
        .client_credentials(sandbox.client_id(), sandbox.client_secret())
        .no_qps_limit()
        .retry_policy(
            athena_core::RetryPolicy::default().with_max_backoff(Duration::from_millis(20)),
        )
        .build()
        .unwrap();
    let (department, patient, encounter) = visit(&client, &sandbox).await;
    let ctx = context::gather(&department, patient, Visit::Encounter(encounter), None)
        .await
        .unwrap();
    assert_eq!(ctx.unavailable(), vec![Section::Allergies, Section::Labs]);
    for id in ["allergy:unavailable", "lab:unavailable"] {
        let fact = ctx.facts.iter().find(|f| f.id == id).expect(id);
        assert!(fact.text.contains("not available"), "{}", fact.text);
    }
    assert!(!ctx.facts.iter().any(|f| f.id == "lab:none"));

    // Drafting goes on, and the model is told the section is missing, not empty.
    let model = baseline_model();
    let engine = Engine::new(
        ModelAccess::Deidentified(Arc::new(model.clone())),
        Arc::new(MemorySink::new()),
    );
    let draft = soap::draft_note(&engine, &ctx.facts, None, ctx.known.clone())
        .await
        .unwrap();
    assert!(!draft.value().objective.is_empty());
    let sent = model.requests()[0].prompt().messages[0].content.clone();
    assert!(
        sent.contains("lab:unavailable: Recent labs: not available"),
        "{sent}"
    );
}

#[tokio::test]
async fn approved_note_is_uploaded_for_review_naming_the_approver() {
    let sandbox = Sandbox::start().await;
    let client = client(&sandbox);
    let (department, patient, encounter) = visit(&client, &sandbox).await;
    let ctx = context::gather(&department, patient, Visit::Encounter(encounter), None)
        .await
        .unwrap();
    // The baseline note plus one planted hallucination: a temperature the chart lacks.
    let model = ScriptedModel::new("soap-planted").with_responder(|r: &ModelRequest| {
        let mut note = soap::baseline_from_prompt(&r.prompt().messages[0].content);
        let cite = note
            .objective
            .first()
            .map(|s| s.sources.clone())
            .unwrap_or_default();
        note.objective.push(Statement {
            text: "Temperature 39.4 C.".into(),
            sources: cite,
        });
        Ok(serde_json::to_string(&note).expect("a note serializes"))
    });
    let audit = Arc::new(MemorySink::new());
    let engine = Engine::new(
        ModelAccess::Deidentified(Arc::new(model.clone())),
        audit.clone(),
    );
    let draft = soap::draft_note(&engine, &ctx.facts, None, ctx.known.clone())
        .await
        .unwrap();
    assert!(
        draft
            .problems()
            .iter()
            .any(|p| p.starts_with("O[") && p.contains("temperature 39.4")),
        "{:?}",
        draft.problems()
    );
    // The model never saw the patient's name.
    let p = department
        .practice()
        .patients()
        .get(patient)
        .send()
        .await
        .unwrap();
    let last = p.lastname.as_ref().unwrap().expose().clone();
    assert!(
        !model.requests()[0].prompt().messages[0]
            .content
            .contains(&last)
    );

    let reviewer = Reviewer::authenticate(&SandboxAuthenticator, "Dr. Ana Ruiz").unwrap();
    let approved = draft
        .edit_and_approve(
            &reviewer,
            |mut n| {
                n.objective.retain(|s| !s.text.contains("39.4"));
                n
            },
            audit.as_ref(),
        )
        .unwrap();
    let before = sandbox
        .stats()
        .writes(athena_testkit::ops::ADD_CLINICAL_DOCUMENT);
    let id = soap::upload_note(&department, patient, approved)
        .await
        .unwrap();
    assert_eq!(
        sandbox
            .stats()
            .writes(athena_testkit::ops::ADD_CLINICAL_DOCUMENT),
        before + 1
    );
    let docs = department.documents(patient).list().send().await.unwrap();
    let doc = docs
        .items()
        .iter()
        .find(|d| d.documentid == Some(id))
        .expect("the uploaded document is listed");
    assert_eq!(
        doc.status.as_deref(),
        Some("REVIEW"),
        "autoclose false leaves it for review"
    );
    let note = doc.internalnote.as_ref().unwrap().expose();
    assert_eq!(
        note,
        "AI-drafted SOAP note approved by Dr. Ana Ruiz after edits"
    );
}

#[tokio::test]
async fn an_appointment_visit_and_a_visit_of_another_patient() {
    use athena_core::codec::AthenaDate;
    let sandbox = Sandbox::start().await;
    let client = client(&sandbox);
    let practice = client.practice(PracticeId::new(sandbox.practice_id()));
    let department = practice.department(DepartmentId::new(1));
    let today = sandbox.today();
    let booked = department
        .appointments()
        .booked(
            AthenaDate::from(today - chrono::Duration::days(30)),
            AthenaDate::from(today + chrono::Duration::days(30)),
        )
        .send()
        .await
        .unwrap();
    let appointment = booked
        .items()
        .iter()
        .find(|a| a.patientid.is_some() && a.appointmentid.is_some())
        .expect("the sandbox has booked appointments");
    let patient = appointment.patientid.unwrap();
    let id = appointment.appointmentid.unwrap();

    let ctx = context::gather(&department, patient, Visit::Appointment(id), None)
        .await
        .unwrap();
    assert!(matches!(
        ctx.sections[0],
        (Section::Encounter, Availability::Facts(_))
    ));
    assert_eq!(ctx.visit_date, appointment.date.map(Into::into));
    assert!(ctx.facts[0].id == "encounter:1", "{:#?}", ctx.facts);

    // The same appointment for another patient is refused, not drafted.
    let other = PatientId::new(if patient.get() == 1 { 2 } else { 1 });
    let err = context::gather(&department, other, Visit::Appointment(id), None)
        .await
        .unwrap_err();
    assert!(err.to_string().contains("another patient"), "{err}");
}
