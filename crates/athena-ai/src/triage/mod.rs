//! Inbox triage: urgency, category, a drafted reply and suggested actions, with a
//! deterministic red-flag layer that forces `emergent` whatever the model says. Approved
//! replies go back to the chart as a patient case action.

pub mod inbox;
mod lexicon;
pub mod redflag;
mod text;

use athena_core::Practice;
use athena_core::ids::{PatientCaseId, PatientId};
use athena_rest::PracticeExt;
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::AiError;
use crate::engine::{Call, Engine};
use crate::model::Prompt;
use crate::phi::KnownIdentifiers;
use crate::prompt::TRIAGE_V1;
use crate::review::{Approved, Draft};
pub use inbox::{InboxCase, TriagedCase, read_inbox, triage_inbox};
pub use redflag::{Escalation, RedFlag, assess, red_flags};

/// How soon a message needs a human.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Urgency {
    /// Possible emergency.
    Emergent,
    /// A clinician today.
    SameDay,
    /// Normal queue.
    Routine,
    /// Front desk / billing, no clinical content.
    Administrative,
}

/// What a message is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    /// Medication refill.
    Refill,
    /// Lab or imaging results.
    Results,
    /// Appointments.
    Scheduling,
    /// Bills, insurance, payments.
    Billing,
    /// A clinical question or symptom.
    ClinicalQuestion,
}

/// The model's structured answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModelTriage {
    /// Urgency.
    pub urgency: Urgency,
    /// Category.
    pub category: Category,
    /// Draft reply to the patient.
    pub reply: String,
    /// Suggested staff actions.
    pub actions: Vec<String>,
}

/// The triage decision shown to the reviewer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TriageDecision {
    /// Final urgency (emergent when any red flag fired).
    pub urgency: Urgency,
    /// What the model said, for comparison.
    pub model_urgency: Urgency,
    /// Category.
    pub category: Category,
    /// Red flags found deterministically.
    pub red_flags: Vec<RedFlag>,
    /// Why each red flag fired: the criterion and the evidence span, in the text
    /// `"{subject}\n{body}"` of the message.
    #[serde(default)]
    pub escalations: Vec<Escalation>,
    /// Draft reply.
    pub reply: String,
    /// Suggested actions.
    pub actions: Vec<String>,
}

/// An inbox message to triage. `Debug` does not show its text.
#[derive(Clone)]
pub struct InboxMessage {
    /// Subject line.
    pub subject: String,
    /// Body.
    pub body: String,
    /// Identifiers known from the chart (patient name, DOB, MRN).
    pub known: KnownIdentifiers,
}

impl std::fmt::Debug for InboxMessage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("InboxMessage")
            .field("subject", &"<redacted>")
            .field("body", &"<redacted>")
            .finish_non_exhaustive()
    }
}

/// The JSON schema the model must follow.
pub fn schema() -> serde_json::Value {
    json!({
        "type": "object",
        "additionalProperties": false,
        "required": ["urgency", "category", "reply", "actions"],
        "properties": {
            "urgency": {"type": "string", "enum": ["emergent", "same_day", "routine", "administrative"]},
            "category": {"type": "string", "enum": ["refill", "results", "scheduling", "billing", "clinical_question"]},
            "reply": {"type": "string"},
            "actions": {"type": "array", "items": {"type": "string"}}
        }
    })
}

/// Triages one message into a draft for review.
pub async fn triage(
    engine: &Engine,
    message: &InboxMessage,
) -> Result<Draft<TriageDecision>, AiError> {
    let escalations = assess(&format!("{}\n{}", message.subject, message.body));
    let text = TRIAGE_V1.render(&[("subject", &message.subject), ("message", &message.body)])?;
    let call = Call {
        pipeline: "inbox_triage",
        template: &TRIAGE_V1,
        prompt: Prompt::user(text)
            .with_json_schema("triage", schema())
            .with_max_tokens(600),
        known: message.known.clone(),
    };
    let out = engine
        .structured::<ModelTriage>(call, |t| {
            if t.reply.trim().is_empty() {
                vec!["reply is empty".into()]
            } else {
                vec![]
            }
        })
        .await?;
    Ok(decide(out.value, escalations, out.draft_id))
}

fn decide(
    model: ModelTriage,
    escalations: Vec<Escalation>,
    draft_id: String,
) -> Draft<TriageDecision> {
    let mut flags: Vec<RedFlag> = escalations.iter().map(|e| e.flag).collect();
    flags.dedup();
    let mut problems = Vec::new();
    let mut actions = model.actions;
    let mut reply = model.reply;
    let urgency = if flags.is_empty() {
        model.urgency
    } else {
        if model.urgency != Urgency::Emergent {
            let criteria: Vec<&str> = escalations.iter().map(|e| e.criterion.as_str()).collect();
            problems.push(format!(
                "red flags {flags:?} (criteria {criteria:?}) forced emergent; the model said {:?}",
                model.urgency
            ));
        }
        actions.insert(
            0,
            "Call the patient now; if unreachable, follow the emergency protocol".into(),
        );
        if !reply.contains("911") {
            reply = format!(
                "If this is an emergency, call 911 or go to the nearest emergency department now. {reply}"
            );
        }
        Urgency::Emergent
    };
    // The forced urgency is already applied: the reviewer sees it, it does not block.
    Draft::new(
        TriageDecision {
            urgency,
            model_urgency: model.urgency,
            category: model.category,
            red_flags: flags,
            escalations,
            reply,
            actions,
        },
        draft_id,
        Vec::new(),
    )
    .with_advisories(problems)
}

/// A keyword baseline for urgency and category, used by the offline scripted model in tests
/// and examples (it is not a clinical classifier).
pub fn keyword_baseline(text: &str) -> (Urgency, Category) {
    let words = redflag::normalise(text).join(" ");
    let has = |keys: &[&str]| keys.iter().any(|k| words.contains(k));
    let category = if has(&[
        "refill",
        "prescription",
        "pharmacy",
        "run out",
        "ran out",
        "receta",
        "medicina",
        "more pills",
        "renew",
    ]) {
        Category::Refill
    } else if has(&[
        "bill",
        "invoice",
        "charge",
        "insurance",
        "copay",
        "payment",
        "statement",
        "factura",
        "cobro",
        "seguro",
        "balance",
        "pay ",
    ]) {
        Category::Billing
    } else if has(&[
        "result",
        "lab",
        "blood work",
        "bloodwork",
        "x ray",
        "xray",
        "mri",
        "scan",
        "resultado",
        "analisis",
        "test came",
    ]) {
        Category::Results
    } else if has(&[
        "appointment",
        "reschedule",
        "schedule",
        "cancel",
        "book",
        "cita",
        "availability",
        "slot",
        "visit time",
    ]) {
        Category::Scheduling
    } else {
        Category::ClinicalQuestion
    };
    let urgency = if !red_flags(text).is_empty() {
        Urgency::Emergent
    } else if has(&[
        "fever",
        "worse",
        "vomiting",
        "infection",
        "swollen",
        "rash",
        "pain",
        "fiebre",
        "dolor",
        "today",
        "urgent",
        "hoy",
    ]) && category == Category::ClinicalQuestion
    {
        Urgency::SameDay
    } else if matches!(category, Category::Billing | Category::Scheduling) {
        Urgency::Administrative
    } else {
        Urgency::Routine
    };
    (urgency, category)
}

/// Posts an approved reply to the patient case as an action note naming the approver.
///
/// Only an [`Approved`] decision is accepted; a draft straight from [`triage`] is not:
///
/// ```compile_fail
/// # async fn f(engine: athena_ai::engine::Engine, practice: athena_core::Practice,
/// #     msg: athena_ai::triage::InboxMessage) {
/// use athena_core::ids::{PatientCaseId, PatientId};
/// let draft = athena_ai::triage::triage(&engine, &msg).await.unwrap();
/// athena_ai::triage::post_reply(&practice, PatientId::new(1), PatientCaseId::new(2), draft)
///     .await
///     .unwrap();
/// # }
/// ```
pub async fn post_reply(
    practice: &Practice,
    patient: PatientId,
    case: PatientCaseId,
    approved: Approved<TriageDecision>,
) -> Result<(), AiError> {
    let d = approved.value();
    let note = format!(
        "{}\n\n[AI-drafted reply, urgency {:?}, approved by {}{}]",
        d.reply,
        d.urgency,
        approved.reviewer(),
        if approved.was_edited() {
            " after edits"
        } else {
            ""
        }
    );
    practice
        .patient_cases(patient)
        .add_action(case, note)
        .send()
        .await
        .map_err(AiError::athena)?;
    Ok(())
}
