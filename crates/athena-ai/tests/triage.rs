//! Triage over a hand-labelled set of 164 synthetic messages (tests/data/triage_messages.tsv):
//! red-flag recall must be 100%; precision, urgency and category accuracy are printed.

use std::sync::Arc;

use athena_ai::audit::MemorySink;
use athena_ai::engine::Engine;
use athena_ai::phi::KnownIdentifiers;
use athena_ai::providers::scripted::ScriptedModel;
use athena_ai::review::Reviewer;
use athena_ai::triage::{self, Category, InboxMessage, Urgency, keyword_baseline, red_flags};
use athena_ai::{AiError, ModelAccess, ModelRequest};

fn parse(u: &str) -> Urgency {
    serde_json::from_value(serde_json::Value::String(u.into())).unwrap()
}
fn parse_c(c: &str) -> Category {
    serde_json::from_value(serde_json::Value::String(c.into())).unwrap()
}

fn dataset() -> Vec<(Urgency, Category, String)> {
    include_str!("data/triage_messages.tsv")
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
        let message = text.split("\"\"\"").nth(1).ok_or_else(|| AiError::InvalidResponse("no message".into()))?;
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
    assert!(!draft.problems().is_empty());
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
        .approve(&Reviewer::new("RN Maya Chen").unwrap(), audit.as_ref())
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
