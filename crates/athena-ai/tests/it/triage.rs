//! Triage over a hand-labelled set of 164 synthetic messages (tests/data/triage_messages.tsv):
//! red-flag recall must be 100%; precision, urgency and category accuracy are printed.

use std::sync::Arc;

use athena_ai::audit::MemorySink;
use athena_ai::engine::Engine;
use athena_ai::phi::KnownIdentifiers;
use athena_ai::providers::scripted::ScriptedModel;
use athena_ai::review::{Reviewer, SandboxAuthenticator};
use athena_ai::triage::{self, Category, InboxMessage, Urgency, keyword_baseline, red_flags};
use athena_ai::{AiError, AiErrorKind, ModelAccess, ModelRequest};

fn parse(u: &str) -> Urgency {
    serde_json::from_value(serde_json::Value::String(u.into())).unwrap()
}
fn parse_c(c: &str) -> Category {
    serde_json::from_value(serde_json::Value::String(c.into())).unwrap()
}

fn dataset() -> Vec<(Urgency, Category, String)> {
    include_str!("../data/triage_messages.tsv")
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| {
            let mut f = l.splitn(3, '\t');
            (
                parse(f.next().unwrap()),
                parse_c(f.next().unwrap()),
                f.next().unwrap().to_owned(),
            )
        })
        .collect()
}

/// The offline stand-in for a model: answers from the keyword baseline over the message it
/// was sent (which is de-identified).
fn scripted() -> ScriptedModel {
    ScriptedModel::new("keyword-baseline").with_responder(|r: &ModelRequest| {
        let text = &r.prompt().messages[0].content;
        let message = text.split("\"\"\"").nth(1).ok_or_else(|| AiError::new(AiErrorKind::InvalidResponse,"no message"))?;
        let (u, c) = keyword_baseline(message);
        Ok(serde_json::json!({"urgency": u, "category": c, "reply": "Thank you, our team will follow up.", "actions": ["Route to care team"]}).to_string())
    })
}

#[test]
fn red_flag_recall_is_total() {
    let data = dataset();
    assert!(data.len() >= 150);
    let (mut tp, mut fp, mut fn_, mut tn) = (0, 0, 0, 0);
    let mut missed = Vec::new();
    for (u, _, text) in &data {
        let flagged = !red_flags(text).is_empty();
        match (*u == Urgency::Emergent, flagged) {
            (true, true) => tp += 1,
            (true, false) => {
                fn_ += 1;
                missed.push(text.clone());
            }
            (false, true) => fp += 1,
            (false, false) => tn += 1,
        }
    }
    println!(
        "red flags over {} messages: recall {:.1}% ({tp}/{}), precision {:.1}% ({fp} false alarms), specificity {:.1}%",
        data.len(),
        100.0 * tp as f64 / (tp + fn_) as f64,
        tp + fn_,
        100.0 * tp as f64 / (tp + fp) as f64,
        100.0 * tn as f64 / (tn + fp) as f64
    );
    assert!(missed.is_empty(), "missed emergencies: {missed:#?}");
}

#[tokio::test]
async fn pipeline_accuracy_with_scripted_model_and_forced_escalation() {
    let data = dataset();
    let model = scripted();
    let engine = Engine::new(
        ModelAccess::Deidentified(Arc::new(model)),
        Arc::new(MemorySink::new()),
    );
    let (mut urgency_ok, mut category_ok, mut emergent_total, mut emergent_caught) = (0, 0, 0, 0);
    for (u, c, text) in &data {
        let msg = InboxMessage {
            subject: "Portal message".into(),
            body: text.clone(),
            known: KnownIdentifiers::new(),
        };
        let draft = triage::triage(&engine, &msg).await.unwrap();
        let d = draft.value();
        urgency_ok += usize::from(d.urgency == *u);
        category_ok += usize::from(d.category == *c);
        if *u == Urgency::Emergent {
            emergent_total += 1;
            emergent_caught += usize::from(d.urgency == Urgency::Emergent);
            assert!(d.reply.contains("911"), "emergent reply must direct to 911");
        }
    }
    assert_eq!(emergent_caught, emergent_total);
    println!(
        "triage pipeline (scripted keyword model) over {} messages: urgency accuracy {:.1}%, category accuracy {:.1}%, emergent recall {emergent_caught}/{emergent_total}",
        data.len(),
        100.0 * urgency_ok as f64 / data.len() as f64,
        100.0 * category_ok as f64 / data.len() as f64
    );
}

#[tokio::test]
async fn red_flag_overrides_a_model_that_says_routine() {
    let model = ScriptedModel::new("m").reply(
        r#"{"urgency":"routine","category":"refill","reply":"We will refill it.","actions":[]}"#,
    );
    let engine = Engine::new(
        ModelAccess::Deidentified(Arc::new(model.clone())),
        Arc::new(MemorySink::new()),
    );
    let msg = InboxMessage {
        subject: "refill".into(),
        body: "Need my nitro, Ms. Okafor here, chest pain again (call 617-555-0101)".into(),
        known: KnownIdentifiers::new().name("Ada Okafor"),
    };
    let draft = triage::triage(&engine, &msg).await.unwrap();
    assert_eq!(draft.value().urgency, Urgency::Emergent);
    assert_eq!(draft.value().model_urgency, Urgency::Routine);
    assert!(draft.problems().is_empty() && !draft.advisories().is_empty());
    let seen = model.requests();
    let sent = &seen[0].prompt().messages[0].content;
    assert!(
        !sent.contains("Okafor") && !sent.contains("555-0101"),
        "{sent}"
    );
}

#[tokio::test]
async fn approved_reply_is_posted_to_the_sandbox_case() {
    use athena_core::ids::{PatientCaseId, PatientId};
    let sandbox = athena_testkit::Sandbox::start().await;
    let urgent = sandbox.urgent_cases();
    let case = urgent.first().expect("sandbox plants urgent cases");
    // The case text as the API returns it (subject, notes): every string in the JSON.
    fn strings(v: &serde_json::Value, out: &mut String) {
        match v {
            serde_json::Value::String(s) => {
                out.push_str(s);
                out.push('\n');
            }
            serde_json::Value::Array(a) => a.iter().for_each(|x| strings(x, out)),
            serde_json::Value::Object(o) => o.values().for_each(|x| strings(x, out)),
            _ => {}
        }
    }
    let client_for_text = athena_core::Client::builder()
        .base_url(sandbox.base_url())
        .client_credentials(sandbox.client_id(), sandbox.client_secret())
        .build()
        .unwrap();
    let p = client_for_text.practice(athena_core::PracticeId::new(sandbox.practice_id()));
    let mut case_text = String::new();
    for u in &urgent {
        let req = p
            .request(
                http::Method::GET,
                "/v1/{practiceid}/patients/{patientid}/documents/patientcase/{patientcaseid}",
            )
            .path_param("patientid", u.patient_id)
            .path_param("patientcaseid", u.patient_case_id);
        let v: serde_json::Value = client_for_text.send_json(&req).await.unwrap();
        let mut text = String::new();
        strings(&v, &mut text);
        assert!(
            !red_flags(&text).is_empty(),
            "sandbox urgent case '{}' has no red flag",
            u.subject
        );
        if u.patient_case_id == case.patient_case_id {
            case_text = text;
        }
    }
    let client = athena_core::Client::builder()
        .base_url(sandbox.base_url())
        .client_credentials(sandbox.client_id(), sandbox.client_secret())
        .build()
        .unwrap();
    let practice = client.practice(athena_core::PracticeId::new(sandbox.practice_id()));
    let model = scripted();
    let audit = Arc::new(MemorySink::new());
    let engine = Engine::new(ModelAccess::Deidentified(Arc::new(model)), audit.clone());
    let msg = InboxMessage {
        subject: case.subject.clone(),
        body: case_text,
        known: KnownIdentifiers::new(),
    };
    let draft = triage::triage(&engine, &msg).await.unwrap();
    assert_eq!(
        draft.value().urgency,
        Urgency::Emergent,
        "sandbox urgent case '{}' not escalated",
        case.subject
    );
    let approved = draft
        .approve(
            &Reviewer::authenticate(&SandboxAuthenticator, "RN Maya Chen").unwrap(),
            audit.as_ref(),
        )
        .unwrap();
    triage::post_reply(
        &practice,
        PatientId::new(case.patient_id),
        PatientCaseId::new(case.patient_case_id),
        approved,
    )
    .await
    .unwrap();
    assert!(
        audit
            .records()
            .iter()
            .any(|r| r.review.as_deref() == Some("approved by RN Maya Chen"))
    );
}

#[tokio::test]
async fn every_urgent_sandbox_case_in_the_inboxes_comes_out_emergent() {
    use athena_core::ids::ProviderId;
    use std::collections::BTreeSet;

    let sandbox = athena_testkit::Sandbox::start().await;
    let client = athena_core::Client::builder()
        .base_url(sandbox.base_url())
        .client_credentials(sandbox.client_id(), sandbox.client_secret())
        .build()
        .unwrap();
    let practice = client.practice(athena_core::PracticeId::new(sandbox.practice_id()));
    let urgent = sandbox.urgent_cases();
    assert!(!urgent.is_empty());
    // A model that calls everything routine: only the red-flag layer can escalate.
    let model = ScriptedModel::new("always-routine").with_responder(|_| {
        Ok(r#"{"urgency":"routine","category":"clinical_question","reply":"Thanks for your message; we will get back to you.","actions":["Route to care team"]}"#.to_owned())
    });
    let audit = Arc::new(MemorySink::new());
    let engine = Engine::new(
        ModelAccess::Deidentified(Arc::new(model.clone())),
        audit.clone(),
    );
    let providers: BTreeSet<u64> = urgent.iter().map(|u| u.provider_id).collect();
    let mut seen_urgent = 0;
    let mut triaged_total = 0;
    let mut first_emergent = None;
    for provider in providers {
        let triaged = triage::triage_inbox(&engine, &practice, ProviderId::new(provider))
            .await
            .unwrap();
        assert!(!triaged.is_empty());
        triaged_total += triaged.len();
        // Most urgent first.
        let order: Vec<Urgency> = triaged
            .iter()
            .map(|t| t.draft.as_ref().unwrap().value().urgency)
            .collect();
        let mut sorted = order.clone();
        sorted.sort_by_key(|u| *u as u8);
        assert_eq!(order, sorted);
        for t in &triaged {
            let d = t.draft.as_ref().unwrap().value();
            let is_urgent = urgent
                .iter()
                .any(|u| u.patient_case_id == t.case.case.get());
            if is_urgent {
                seen_urgent += 1;
                assert_eq!(d.urgency, Urgency::Emergent, "case {:?}", t.case.case);
                assert!(!d.red_flags.is_empty());
                assert!(d.reply.contains("911"));
                if first_emergent.is_none() {
                    first_emergent = Some((t.case.patient, t.case.case));
                }
            } else {
                assert_eq!(d.urgency, Urgency::Routine, "a calm case was escalated");
            }
        }
    }
    assert_eq!(
        seen_urgent,
        urgent.len(),
        "every urgent case was read and triaged"
    );
    println!(
        "inbox triage over the sandbox: {triaged_total} open cases read, {} urgent, all emergent",
        urgent.len()
    );

    // The model saw no patient names (they were read for the PHI guard).
    for r in model.requests() {
        assert!(!r.may_contain_phi());
    }

    // Approve the first emergent reply and post it: the case's actions show it, with the
    // approver named.
    let (patient, case) = first_emergent.unwrap();
    let triaged = triage::triage_inbox(
        &engine,
        &practice,
        ProviderId::new(
            urgent
                .iter()
                .find(|u| u.patient_case_id == case.get())
                .unwrap()
                .provider_id,
        ),
    )
    .await
    .unwrap();
    let t = triaged.into_iter().find(|t| t.case.case == case).unwrap();
    let approved = t
        .draft
        .unwrap()
        .approve(
            &Reviewer::authenticate(&SandboxAuthenticator, "RN Maya Chen").unwrap(),
            audit.as_ref(),
        )
        .unwrap();
    let before = sandbox
        .stats()
        .writes(athena_testkit::ops::PATIENT_CASE_ACTION);
    triage::post_reply(&practice, patient, case, approved)
        .await
        .unwrap();
    assert_eq!(
        sandbox
            .stats()
            .writes(athena_testkit::ops::PATIENT_CASE_ACTION),
        before + 1
    );
    let req = practice
        .request(
            http::Method::GET,
            "/v1/{practiceid}/documents/patientcase/{patientcaseid}/actions",
        )
        .path_param("patientcaseid", case);
    let actions: serde_json::Value = client.send_json(&req).await.unwrap();
    let last = actions["actions"].as_array().unwrap().last().unwrap()["note"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(last.contains("911"), "{last}");
    assert!(last.contains("approved by RN Maya Chen"), "{last}");
}
