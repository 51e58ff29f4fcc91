//! SOAP drafting end to end with the scripted model: a planted hallucinated vital is flagged
//! for the reviewer, unknown citations trigger the repair round, and the approved note is
//! uploaded to the sandbox as a PDF clinical document.

use std::sync::Arc;

use athena_ai::ModelAccess;
use athena_ai::audit::MemorySink;
use athena_ai::engine::Engine;
use athena_ai::phi::KnownIdentifiers;
use athena_ai::providers::scripted::ScriptedModel;
use athena_ai::review::{Override, Reviewer, SandboxAuthenticator};
use athena_ai::soap::{self, Fact};

fn facts() -> Vec<Fact> {
    vec![
        Fact {
            id: "vital:1".into(),
            text: "BP 142/90, HR 78, SpO2 97%".into(),
        },
        Fact {
            id: "med:1".into(),
            text: "lisinopril 10 mg daily".into(),
        },
        Fact {
            id: "problem:1".into(),
            text: "essential hypertension".into(),
        },
    ]
}

const GOOD_WITH_HALLUCINATION: &str = r#"{
  "subjective": [{"text": "Follow-up for hypertension; taking lisinopril daily.", "sources": ["problem:1", "med:1"]}],
  "objective": [{"text": "BP 142/90, HR 78.", "sources": ["vital:1"]}, {"text": "Temp 38.9 C.", "sources": ["vital:1"]}],
  "assessment": [{"text": "Hypertension, above goal.", "sources": ["problem:1", "vital:1"]}],
  "plan": [{"text": "Increase lisinopril to 20 mg daily.", "sources": ["med:1"]}]
}"#;

#[tokio::test]
async fn hallucinated_vital_is_flagged_and_unknown_ids_repaired() {
    let model = ScriptedModel::new("soap")
        .reply(r#"{"subjective": [], "objective": [{"text": "BP 142/90", "sources": ["vital:7"]}], "assessment": [], "plan": []}"#)
        .reply(GOOD_WITH_HALLUCINATION);
    let engine = Engine::new(
        ModelAccess::Deidentified(Arc::new(model.clone())),
        Arc::new(MemorySink::new()),
    );
    let draft = soap::draft_note(
        &engine,
        &facts(),
        None,
        KnownIdentifiers::new().name("Hana Suzuki"),
    )
    .await
    .unwrap();
    assert_eq!(
        model.requests().len(),
        2,
        "unknown citation vital:7 should cost one repair round"
    );
    // The temperature is in no fact: it blocks approval.
    let problems = draft.problems();
    assert!(
        problems
            .iter()
            .any(|p| p.starts_with("O[1] vital sign not in the chart") && p.contains("38.9")),
        "{problems:?}"
    );
    assert_eq!(problems.len(), 1, "{problems:?}");
    // 20 mg is a proposed change: shown to the reviewer, not blocking.
    let advisories = draft.advisories();
    assert!(
        advisories
            .iter()
            .any(|p| p.starts_with("P[0] proposed change") && p.contains("lisinopril")),
        "{advisories:?}"
    );
}

#[tokio::test]
async fn approved_note_uploads_as_pdf_to_the_sandbox() {
    use athena_core::ids::{DepartmentId, PatientId};
    let sandbox = athena_testkit::Sandbox::start().await;
    let client = athena_core::Client::builder()
        .base_url(sandbox.base_url())
        .client_credentials(sandbox.client_id(), sandbox.client_secret())
        .build()
        .unwrap();
    let practice = client.practice(athena_core::PracticeId::new(sandbox.practice_id()));
    let case = &sandbox.urgent_cases()[0];
    let model = ScriptedModel::new("soap")
        .reply(GOOD_WITH_HALLUCINATION)
        .reply(GOOD_WITH_HALLUCINATION)
        .reply(GOOD_WITH_HALLUCINATION);
    let audit = Arc::new(MemorySink::new());
    let engine = Engine::new(ModelAccess::Deidentified(Arc::new(model)), audit.clone());
    let reviewer = Reviewer::authenticate(&SandboxAuthenticator, "Dr. Ana Ruiz").unwrap();
    // The unsupported temperature blocks approving as is…
    let draft = soap::draft_note(&engine, &facts(), None, KnownIdentifiers::new())
        .await
        .unwrap();
    let refused = draft.approve(&reviewer, audit.as_ref()).unwrap_err();
    assert_eq!(refused.kind(), athena_ai::AiErrorKind::ReviewBlocked);
    assert_eq!(refused.blocking(), Some(1));
    // …an override needs a reason, and the reason is audited…
    let overridden = soap::draft_note(&engine, &facts(), None, KnownIdentifiers::new())
        .await
        .unwrap()
        .approve_with_override(
            &reviewer,
            Override::new("temperature taken by the nurse, chart not updated yet").unwrap(),
            audit.as_ref(),
        )
        .unwrap();
    drop(overridden);
    assert!(audit.records().iter().any(|r| r.override_reason.as_deref()
        == Some("temperature taken by the nurse, chart not updated yet")
        && r.reviewer_auth.as_deref() == Some("sandbox-unverified")));
    // …and an edit that removes it clears the block (the check runs again); the proposed
    // 20 mg dose stays an advisory.
    let draft = soap::draft_note(&engine, &facts(), None, KnownIdentifiers::new())
        .await
        .unwrap()
        .edit(
            &reviewer,
            |mut n| {
                n.objective.retain(|s| !s.text.contains("38.9"));
                n
            },
            audit.as_ref(),
        )
        .unwrap();
    assert!(draft.problems().is_empty(), "{:?}", draft.problems());
    let approved = draft.approve(&reviewer, audit.as_ref()).unwrap();
    let department = practice.department(DepartmentId::new(1));
    let id = soap::upload_note(&department, PatientId::new(case.patient_id), approved).await;
    assert!(id.is_ok(), "{id:?}");
}
