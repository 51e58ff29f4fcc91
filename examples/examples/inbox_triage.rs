//! Triages a provider's inbox: reads the open patient cases, classifies each (urgency,
//! category) with a drafted reply and suggested actions, escalates red flags (chest pain,
//! stroke signs, suicidal thoughts, …) to emergent whatever the model says, has a named
//! reviewer approve the most urgent reply, and posts it to the patient case as an action.
//!
//! ```sh
//! cargo run --example inbox_triage     # local sandbox, offline scripted model
//! ATHENA_AI_BASE_URL=https://api.openai.com/v1 ATHENA_AI_MODEL=gpt-4o-mini ATHENA_AI_API_KEY=… \
//!     cargo run --example inbox_triage # a real model (or ANTHROPIC_MODEL/_API_KEY)
//! ```
//!
//! `ATHENA_PROVIDER_ID` picks the inbox (default: the first provider with open cases);
//! `ATHENA_REVIEWER` names the reviewer (default "RN Example Reviewer").

use std::sync::Arc;

use athena::ai::audit::MemorySink;
use athena::ai::engine::Engine;
use athena::ai::providers::scripted::ScriptedModel;
use athena::ai::review::{Reviewer, SandboxAuthenticator};
use athena::ai::triage::{self, Category, TriagedCase, Urgency, keyword_baseline};
use athena::ai::{AiError, AiErrorKind, ModelAccess, ModelRequest};
use athena::ids::ProviderId;
use athena::prelude::*;
use athena::sandbox::{connect_or_sandbox, language_model_or_scripted};
use athena_examples::BoxError;

/// The offline model: a keyword classifier with a plausible reply per category.
fn scripted() -> ScriptedModel {
    ScriptedModel::new("triage-keywords").with_responder(|r: &ModelRequest| {
        let prompt = &r.prompt().messages[0].content;
        let message = prompt
            .split("\"\"\"")
            .nth(1)
            .ok_or_else(|| AiError::new(AiErrorKind::InvalidResponse,"no message in the prompt"))?;
        let (urgency, category) = keyword_baseline(message);
        let (reply, actions) = match category {
            Category::Refill => (
                "Thank you. We have sent your refill request to your provider for review and will let you know once it is sent to your pharmacy.",
                vec!["Check last visit and labs before renewing", "Route to provider for refill approval"],
            ),
            Category::Results => (
                "Thank you for your question. Your provider will review your results and reply with what they mean for you.",
                vec!["Route to ordering provider with the result attached"],
            ),
            Category::Scheduling => (
                "Thank you. Our front desk will contact you with the available times.",
                vec!["Offer the next open morning slots"],
            ),
            Category::Billing => (
                "Thank you. Our billing team will review the charge with your insurance and get back to you.",
                vec!["Forward to billing; check the claim's remittance"],
            ),
            Category::ClinicalQuestion => (
                "Thank you for letting us know. A nurse will review your message and call you.",
                vec!["Nurse to call the patient today"],
            ),
        };
        Ok(serde_json::json!({"urgency": urgency, "category": category, "reply": reply, "actions": actions}).to_string())
    })
}

/// The wire name of an enum value (`same_day`, `clinical_question`, `chest_pain`).
fn label(v: serde_json::Result<serde_json::Value>) -> String {
    v.ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

#[tokio::main]
async fn main() -> Result<(), BoxError> {
    athena_examples::init_tracing();
    let session = connect_or_sandbox().await?;
    println!("Talking to {}", session.description());
    let (model, description) = language_model_or_scripted(scripted)?;
    println!("Model: {description}");
    let practice = session.practice();
    let audit = Arc::new(MemorySink::new());
    let engine = Engine::new(ModelAccess::Deidentified(model), audit.clone());

    // 1. The inbox: the chosen provider's, or the first one with open patient cases.
    let providers: Vec<ProviderId> = match std::env::var("ATHENA_PROVIDER_ID") {
        Ok(id) => vec![ProviderId::new(id.trim().parse()?)],
        Err(_) => practice
            .providers()
            .list()
            .send()
            .await?
            .items()
            .iter()
            .filter_map(|p| p.providerid)
            .collect(),
    };
    let mut inbox: Option<(ProviderId, Vec<TriagedCase>)> = None;
    for provider in providers {
        let triaged = triage::triage_inbox(&engine, practice, provider).await?;
        if !triaged.is_empty() {
            inbox = Some((provider, triaged));
            break;
        }
    }
    let Some((provider, triaged)) = inbox else {
        println!("\nNo open patient cases in any inbox.");
        return Ok(());
    };
    println!(
        "\n1. Inbox of provider #{provider}: {} open patient case(s), most urgent first\n",
        triaged.len()
    );
    println!(
        "   {:<8} {:<15} {:<15} {:<18} {:<26} subject",
        "case", "urgency", "model said", "category", "red flags"
    );
    for t in &triaged {
        match &t.draft {
            Ok(d) => {
                let v = d.value();
                let flags: Vec<String> = v
                    .red_flags
                    .iter()
                    .map(|f| label(serde_json::to_value(f)))
                    .collect();
                println!(
                    "   #{:<7} {:<15} {:<15} {:<18} {:<26} {}",
                    t.case.case,
                    label(serde_json::to_value(v.urgency)).to_uppercase(),
                    label(serde_json::to_value(v.model_urgency)),
                    label(serde_json::to_value(v.category)),
                    if flags.is_empty() {
                        "-".to_owned()
                    } else {
                        flags.join(", ")
                    },
                    t.case.message.subject
                );
            }
            Err(e) => println!(
                "   #{:<7} TRIAGE FAILED ({e}): a human must read it",
                t.case.case
            ),
        }
    }

    // 2. The most urgent case: its drafted reply and suggested actions.
    let Some(top) = triaged.into_iter().find(|t| t.draft.is_ok()) else {
        return Err("no case could be triaged".into());
    };
    let draft = top.draft?;
    let v = draft.value();
    println!(
        "\n2. Most urgent: case #{} ({})",
        top.case.case,
        label(serde_json::to_value(v.urgency))
    );
    println!("   Drafted reply: {}", v.reply);
    println!("   Suggested actions:");
    for a in &v.actions {
        println!("   - {a}");
    }
    for p in draft.problems().iter().chain(draft.advisories()) {
        println!("   ! {p}");
    }

    // 3. Review: a named person approves; only an approved reply can be posted.
    let name =
        std::env::var("ATHENA_REVIEWER").unwrap_or_else(|_| "RN Example Reviewer".to_owned());
    // A real application authenticates the reviewer with its own `Authenticator`; the
    // sandbox one takes the name on trust and marks the audit record `sandbox-unverified`.
    let reviewer = Reviewer::authenticate(&SandboxAuthenticator, name.as_str())?;
    let approved = draft.approve(&reviewer, audit.as_ref())?;
    let urgency = approved.value().urgency;
    println!("\n3. Review: approved by {}", approved.reviewer());

    // 4. Write-back through the patient case actions.
    triage::post_reply(practice, top.case.patient, top.case.case, approved).await?;
    println!(
        "\n4. Posted the reply to patient case #{} as an action note naming the approver{}",
        top.case.case,
        if urgency == Urgency::Emergent {
            "; call the patient now"
        } else {
            ""
        }
    );
    println!(
        "\nAudit: {} record(s) (one per model call and per review decision)",
        audit.records().len()
    );
    Ok(())
}
