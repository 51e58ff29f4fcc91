//! Drafts a SOAP note for a visit, for a clinician to review: gathers the encounter's context
//! (encounter, vitals, problems, medications, allergies, recent labs, a visit transcript)
//! concurrently, drafts a note whose every statement cites its source facts, flags what the
//! sources do not support, has a named reviewer approve it, and uploads it as a PDF clinical
//! document left open for review (`autoclose` false) with the approver in the internal note.
//!
//! ```sh
//! cargo run --example soap_draft     # local sandbox, offline scripted model
//! ATHENA_AI_BASE_URL=http://localhost:11434/v1 ATHENA_AI_MODEL=llama3.1 \
//!     cargo run --example soap_draft # a real OpenAI-compatible model (or ANTHROPIC_MODEL/_API_KEY)
//! ```
//!
//! `ATHENA_REVIEWER` names the reviewer (default "Dr. Example Reviewer"). Whatever the model,
//! prompts go through the PHI guard: the patient's name, birth date and contacts never leave.

use std::sync::Arc;

use athena::ai::ModelAccess;
use athena::ai::ModelRequest;
use athena::ai::audit::MemorySink;
use athena::ai::engine::Engine;
use athena::ai::providers::scripted::ScriptedModel;
use athena::ai::review::{Reviewer, SandboxAuthenticator};
use athena::ai::soap::context::{self, Availability, Visit};
use athena::ai::soap::{self, SoapNote, Statement};
use athena::ids::{EncounterId, PatientId};
use athena::prelude::*;
use athena::sandbox::{TEST_LASTNAME, connect_or_sandbox, language_model_or_scripted};
use athena_examples::BoxError;

/// A visit transcript as an ambient scribe would hand it over.
const TRANSCRIPT: &str = "Clinician: How have you been since your last visit? \
Patient: Mostly fine. I take my medicines every morning. I get a mild headache some afternoons.";

/// The offline model: restates the chart facts in S/O/A/P with citations, and, like real
/// models sometimes do, adds one finding the chart does not support.
fn scripted() -> ScriptedModel {
    ScriptedModel::new("soap-extractive").with_responder(|r: &ModelRequest| {
        let mut note = soap::baseline_from_prompt(&r.prompt().messages[0].content);
        if let Some(vital) = note
            .objective
            .iter()
            .find(|s| s.sources[0].starts_with("vital:"))
        {
            let sources = vital.sources.clone();
            note.objective.push(Statement {
                text: "Heart rate 112 bpm, tachycardic.".into(),
                sources,
            });
        }
        serde_json::to_string(&note)
            .map_err(|_| athena::ai::AiError::new(athena::ai::AiErrorKind::InvalidResponse, "note"))
    })
}

#[tokio::main]
async fn main() -> Result<(), BoxError> {
    athena_examples::init_tracing();
    let session = connect_or_sandbox().await?;
    println!("Talking to {}", session.description());
    let (model, description) = language_model_or_scripted(scripted)?;
    println!("Model: {description}");
    let practice = session.practice();

    // A test patient with an encounter to document.
    let departments = practice.departments().list().send().await?;
    let department_id = departments
        .items()
        .iter()
        .find_map(|d| d.departmentid)
        .ok_or("no department to work in")?;
    let department = practice.department(department_id);
    let (patient, encounter) = find_visit(practice, &department).await?;
    println!(
        "\n1. Visit: encounter #{encounter} of patient #{patient} in department #{department_id}"
    );

    // 2. Context, gathered concurrently; each section says what it contributed.
    let ctx = context::gather(
        &department,
        patient,
        Visit::Encounter(encounter),
        Some(TRANSCRIPT.to_owned()),
    )
    .await?;
    println!("\n2. Context gathered ({} facts):", ctx.facts.len());
    for (section, availability) in &ctx.sections {
        let what = match availability {
            Availability::Facts(n) => format!("{n} fact(s)"),
            Availability::NoneRecorded => "none recorded".to_owned(),
            Availability::NotAvailable => "NOT AVAILABLE (call failed)".to_owned(),
        };
        println!("   {:<18} {what}", section.label());
    }
    for fact in &ctx.facts {
        println!("   [{}] {}", fact.id, fact.text);
    }

    // 3. Draft: de-identified prompt, JSON output, cited ids checked (one repair round).
    let audit = Arc::new(MemorySink::new());
    let engine = Engine::new(ModelAccess::Deidentified(model), audit.clone());
    let draft = soap::draft_note(
        &engine,
        &ctx.facts,
        ctx.transcript.as_deref(),
        ctx.known.clone(),
    )
    .await?;
    println!("\n3. Draft note (each statement cites its sources):\n");
    for line in draft.value().render().lines() {
        println!("   {line}");
    }

    // 4. Validation: typed claims (vitals, medications, allergies, labs) against the chart.
    if draft.problems().is_empty() {
        println!("4. Validation: every claim is supported by the chart");
    } else {
        println!("4. Validation flags for the reviewer:");
        for p in draft.problems() {
            println!("   ! {p}");
        }
    }

    // 5. Review: a named clinician removes the flagged statements and approves.
    let name =
        std::env::var("ATHENA_REVIEWER").unwrap_or_else(|_| "Dr. Example Reviewer".to_owned());
    // A real application authenticates the reviewer with its own `Authenticator`; the
    // sandbox one takes the name on trust and marks the audit record `sandbox-unverified`.
    let reviewer = Reviewer::authenticate(&SandboxAuthenticator, name.as_str())?;
    let flagged = flagged_statements(draft.problems());
    let approved = if flagged.is_empty() {
        draft.approve(&reviewer, audit.as_ref())?
    } else {
        draft.edit_and_approve(&reviewer, |note| remove(note, &flagged), audit.as_ref())?
    };
    println!(
        "\n5. Review: {} {} ({} flagged statement(s) removed)",
        if approved.was_edited() {
            "edited and approved by"
        } else {
            "approved by"
        },
        approved.reviewer(),
        flagged.len()
    );

    // 6. Write-back: only an approved note can be uploaded.
    let document = soap::upload_note(&department, patient, approved).await?;
    println!(
        "\n6. Uploaded as clinical document #{document} (PDF, autoclose false: it waits in the \
         clinician's inbox; the internal note names the approver)"
    );
    println!(
        "\nAudit: {} record(s) (prompt id, version and hash, model, input hash, validation, decision)",
        audit.records().len()
    );
    Ok(())
}

/// The first test patient (or `ATHENA_SOAP_PATIENT`) with an encounter in `department`.
async fn find_visit(
    practice: &athena::Practice,
    department: &athena::Department,
) -> Result<(PatientId, EncounterId), BoxError> {
    let candidates: Vec<PatientId> = match std::env::var("ATHENA_SOAP_PATIENT") {
        Ok(id) => vec![PatientId::new(id.trim().parse()?)],
        Err(_) => {
            let mut ids: Vec<PatientId> = practice
                .patients()
                .search()
                .lastname(TEST_LASTNAME)
                .send()
                .await?
                .items()
                .iter()
                .filter_map(|p| p.patientid)
                .collect();
            // The local sandbox's generated patients have richer charts; try them too.
            ids.extend((1..=10).map(PatientId::new));
            ids
        }
    };
    for patient in candidates {
        let Ok(encounters) = department.chart(patient).encounters().send().await else {
            continue;
        };
        if let Some(id) = encounters.items().iter().rev().find_map(|e| e.encounterid) {
            return Ok((patient, id));
        }
    }
    Err("no patient with an encounter found (set ATHENA_SOAP_PATIENT)".into())
}

/// `(section letter, index)` of every statement a validation flag names (`O[1] …`).
fn flagged_statements(problems: &[String]) -> Vec<(char, usize)> {
    let mut out: Vec<(char, usize)> = problems
        .iter()
        .filter_map(|p| {
            let section = p.chars().next()?;
            let index = p.get(2..)?.split(']').next()?.parse().ok()?;
            Some((section, index))
        })
        .collect();
    out.sort_unstable();
    out.dedup();
    out
}

fn remove(mut note: SoapNote, flagged: &[(char, usize)]) -> SoapNote {
    for (section, list) in [
        ('S', &mut note.subjective),
        ('O', &mut note.objective),
        ('A', &mut note.assessment),
        ('P', &mut note.plan),
    ] {
        let mut i = 0;
        list.retain(|_| {
            let keep = !flagged.contains(&(section, i));
            i += 1;
            keep
        });
    }
    note
}
