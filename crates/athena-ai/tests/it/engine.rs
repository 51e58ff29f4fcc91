//! The guarded call: de-identification, repair round, truncation, audit, snapshots of prompts.

use std::sync::Arc;

use athena_ai::audit::{AuditSink, JsonlFileSink, MemorySink};
use athena_ai::engine::{Call, Engine};
use athena_ai::phi::KnownIdentifiers;
use athena_ai::prompt::{APPEAL_V1, DENIAL_V1, SOAP_V1, TRIAGE_V1};
use athena_ai::providers::scripted::ScriptedModel;
use athena_ai::review::{Reviewer, SandboxAuthenticator};
use athena_ai::{AiErrorKind, ModelAccess, PhiAllowedModel, Prompt};
use serde::Deserialize;
use serde_json::json;

#[derive(Debug, Deserialize, PartialEq)]
struct Greeting {
    text: String,
}

fn call(text: &str) -> Call<'static> {
    Call {
        pipeline: "test",
        template: &TRIAGE_V1,
        prompt: Prompt::user(text).with_json_schema("greeting", json!({"type": "object"})),
        known: KnownIdentifiers::new().name("Rosa Delgado"),
    }
}

#[tokio::test]
async fn repair_round_feeds_errors_back_and_reidentifies() {
    let model = ScriptedModel::new("m")
        .reply("{\"txt\": 1}")
        .reply("```json\n{\"text\": \"Dear [NAME_1], ok\"}\n```");
    let audit = Arc::new(MemorySink::new());
    let engine = Engine::new(
        ModelAccess::Deidentified(Arc::new(model.clone())),
        audit.clone(),
    );
    let out = engine
        .structured::<Greeting>(call("Rosa Delgado asks for a refill"), |_| Vec::new())
        .await
        .unwrap();
    assert_eq!(out.value.text, "Dear Rosa Delgado, ok");
    let seen = model.requests();
    assert_eq!(seen.len(), 2);
    for r in &seen {
        for t in r.prompt().texts() {
            assert!(
                !t.contains("Rosa") && !t.contains("Delgado"),
                "PHI reached the model: {t}"
            );
        }
    }
    assert!(
        seen[1]
            .prompt()
            .messages
            .last()
            .unwrap()
            .content
            .contains("missing field `text`")
    );
    let records = audit.records();
    assert_eq!(records.len(), 2);
    assert_eq!(records[1].validation, vec!["ok"]);
    assert_eq!(records[0].prompt_hash, TRIAGE_V1.hash());
    assert!(
        records
            .iter()
            .all(|r| !r.output.as_deref().unwrap_or("").contains("Rosa"))
    );
}

#[tokio::test]
async fn domain_validation_fails_after_one_repair() {
    let model = ScriptedModel::new("m")
        .reply("{\"text\": \"bad\"}")
        .reply("{\"text\": \"still bad\"}")
        .reply("never");
    let engine = Engine::new(
        ModelAccess::Deidentified(Arc::new(model.clone())),
        Arc::new(MemorySink::new()),
    );
    let err = engine
        .structured::<Greeting>(call("hello"), |g| {
            if g.text.contains("bad") {
                vec!["text says bad".into()]
            } else {
                vec![]
            }
        })
        .await
        .unwrap_err();
    assert_eq!(err.kind(), AiErrorKind::Validation);
    assert_eq!(err.problems(), ["text says bad"]);
    assert_eq!(model.requests().len(), 2, "at most one repair round");
}

#[tokio::test]
async fn truncated_json_is_an_error_not_a_repair() {
    let model = ScriptedModel::new("m").reply_truncated("{\"text\": \"Dear");
    let engine = Engine::new(
        ModelAccess::Deidentified(Arc::new(model.clone())),
        Arc::new(MemorySink::new()),
    );
    assert_eq!(
        engine
            .structured::<Greeting>(call("hi"), |_| vec![])
            .await
            .unwrap_err()
            .kind(),
        AiErrorKind::Truncated
    );
}

#[tokio::test]
async fn phi_allowed_model_sees_raw_text_and_file_sink_drops_its_output() {
    let model = ScriptedModel::new("m").reply("{\"text\": \"Hi Rosa Delgado\"}");
    let dir = std::env::temp_dir().join(format!("athena-ai-audit-{}.jsonl", std::process::id()));
    let _ = std::fs::remove_file(&dir);
    let sink = Arc::new(JsonlFileSink::open(&dir).unwrap());
    let access = ModelAccess::PhiAllowed(
        PhiAllowedModel::declare(Arc::new(model.clone()), "self-hosted").unwrap(),
    );
    let engine = Engine::new(access, sink.clone());
    let draft = engine
        .text_draft(
            Call {
                prompt: Prompt::user("Rosa Delgado asks"),
                ..call("")
            },
            |_| vec![],
        )
        .await
        .unwrap();
    assert!(model.requests()[0].may_contain_phi());
    assert!(
        model.requests()[0].prompt().messages[0]
            .content
            .contains("Rosa")
    );
    // Review decision goes to the same audit file.
    let approved = draft
        .approve(
            &Reviewer::authenticate(&SandboxAuthenticator, "Dr. Jane Kim").unwrap(),
            sink.as_ref() as &dyn AuditSink,
        )
        .unwrap();
    assert_eq!(approved.reviewer(), "Dr. Jane Kim");
    let log = std::fs::read_to_string(&dir).unwrap();
    let lines: Vec<serde_json::Value> = log
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2);
    assert!(
        lines[0]["output"].is_null(),
        "PHI-allowed output kept without opt-in"
    );
    assert_eq!(lines[1]["review"], "approved by Dr. Jane Kim");
    assert!(!log.contains("Rosa"));
    let _ = std::fs::remove_file(&dir);
}

#[test]
fn rendered_prompts_snapshot() {
    let triage = TRIAGE_V1
        .render(&[
            ("subject", "Refill"),
            ("message", "Need more lisinopril 10 mg please"),
        ])
        .unwrap();
    insta::assert_snapshot!("triage_v1", triage);
    let soap = SOAP_V1
        .render(&[
            ("facts", "vital:1: BP 128/82\nmed:1: lisinopril 10 mg daily"),
            ("transcript", ""),
        ])
        .unwrap();
    insta::assert_snapshot!("soap_v1", soap);
    let denial = DENIAL_V1
        .render(&[
            ("claim", "99214 + 20610, payer 5"),
            ("rules", "rule:missing_modifier"),
            ("history", "3/10 denied"),
        ])
        .unwrap();
    insta::assert_snapshot!("denial_v1", denial);
    let appeal = APPEAL_V1
        .render(&[
            ("claim", "claim 1"),
            ("denial", "CO-11"),
            ("evidence", "problem:1: knee osteoarthritis"),
        ])
        .unwrap();
    insta::assert_snapshot!("appeal_v1", appeal);
}
