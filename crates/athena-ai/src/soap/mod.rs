//! SOAP note drafting from cited source facts, and the validator ([`validate`]) that reads
//! each statement for typed claims (vitals, medications, allergies, labs, qualitative
//! statements) and checks them against the chart.
//!
//! The flow: [`context::gather`] (concurrent chart reads → facts with stable ids) →
//! [`draft_note`] (model, validation, one repair round) → the review gate
//! ([`Draft::approve`](crate::review::Draft::approve)) → [`upload_note`] (a PDF clinical
//! document, `autoclose` false, an internal note naming the approver).

pub mod context;
pub mod validate;

use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::engine::{Call, Engine};
use crate::model::Prompt;
use crate::phi::KnownIdentifiers;
use crate::prompt::SOAP_V1;
use crate::review::Draft;
use crate::{AiError, AiErrorKind};

/// One source fact from the chart, e.g. `vital:1` → `BP 128/82 (2025-03-02)`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fact {
    /// Stable id cited by statements (`vital:1`, `med:2`, `problem:3`, `lab:1`, `transcript`).
    pub id: String,
    /// The fact's text.
    pub text: String,
}

/// One statement in a note, with the facts it rests on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Statement {
    /// The sentence.
    pub text: String,
    /// Cited fact ids.
    pub sources: Vec<String>,
}

/// A SOAP note.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct SoapNote {
    /// Subjective.
    pub subjective: Vec<Statement>,
    /// Objective.
    pub objective: Vec<Statement>,
    /// Assessment.
    pub assessment: Vec<Statement>,
    /// Plan.
    pub plan: Vec<Statement>,
}

impl SoapNote {
    fn sections(&self) -> [(&'static str, &[Statement]); 4] {
        [
            ("S", &self.subjective),
            ("O", &self.objective),
            ("A", &self.assessment),
            ("P", &self.plan),
        ]
    }

    /// Plain text with citations, for review and the PDF.
    pub fn render(&self) -> String {
        let mut out = String::new();
        for (name, statements) in self.sections() {
            out.push_str(match name {
                "S" => "SUBJECTIVE\n",
                "O" => "OBJECTIVE\n",
                "A" => "ASSESSMENT\n",
                _ => "PLAN\n",
            });
            for s in statements {
                out.push_str(&format!("- {} [{}]\n", s.text, s.sources.join(", ")));
            }
            out.push('\n');
        }
        out
    }
}

/// Problems that make a note unusable (cited ids that do not exist, empty citations): fed
/// back to the model for one repair round.
pub fn hard_problems(note: &SoapNote, facts: &[Fact]) -> Vec<String> {
    let mut out = Vec::new();
    for (section, statements) in note.sections() {
        for (i, s) in statements.iter().enumerate() {
            if s.sources.is_empty() {
                out.push(format!("{section}[{i}] cites no source"));
            }
            for id in &s.sources {
                if !facts.iter().any(|f| &f.id == id) {
                    out.push(format!("{section}[{i}] cites unknown source id {id}"));
                }
            }
        }
    }
    out
}

/// The validator's problems with `note`, as the reviewer sees them in a draft
/// (`O[1] vital sign differs from the chart: heart rate 82 (vital:2 has 72)`), warnings
/// included; [`validate::validate`] gives the typed problems and their severity.
pub fn unsupported(note: &SoapNote, facts: &[Fact]) -> Vec<String> {
    validate::validate(note, facts)
        .iter()
        .map(ToString::to_string)
        .collect()
}

/// The JSON schema for a note.
pub fn schema() -> serde_json::Value {
    let statements = json!({"type": "array", "items": {"type": "object", "additionalProperties": false, "required": ["text", "sources"],
        "properties": {"text": {"type": "string"}, "sources": {"type": "array", "items": {"type": "string"}}}}});
    json!({"type": "object", "additionalProperties": false, "required": ["subjective", "objective", "assessment", "plan"],
        "properties": {"subjective": statements, "objective": statements, "assessment": statements, "plan": statements}})
}

/// Drafts a note from `facts` (minimum necessary: only what the caller gathered) and an
/// optional transcript. Unknown citations get one repair round; the validator's problems
/// ([`validate::validate`], rendered) are listed in the draft's problems.
pub async fn draft_note(
    engine: &Engine,
    facts: &[Fact],
    transcript: Option<&str>,
    known: KnownIdentifiers,
) -> Result<Draft<SoapNote>, AiError> {
    let mut all = facts.to_vec();
    if let Some(t) = transcript {
        all.push(Fact {
            id: "transcript".into(),
            text: t.to_owned(),
        });
    }
    let listing: String = facts
        .iter()
        .map(|f| format!("{}: {}\n", f.id, f.text))
        .collect();
    let text = SOAP_V1.render(&[
        ("facts", listing.trim_end()),
        ("transcript", transcript.unwrap_or("")),
    ])?;
    let call = Call {
        pipeline: "soap_draft",
        template: &SOAP_V1,
        prompt: Prompt::user(text)
            .with_json_schema("soap_note", schema())
            .with_max_tokens(1500),
        known,
    };
    let out = engine
        .structured::<SoapNote>(call, |n| hard_problems(n, &all))
        .await?;
    let (blocking, warnings) = split_problems(&out.value, &all);
    // Contradictions with the chart block approval, and the same check runs again on a
    // reviewer's edit; warnings (a proposed dose change, a new prescription) are shown to the
    // reviewer without blocking.
    Ok(Draft::new(out.value, out.draft_id, blocking)
        .with_advisories(warnings)
        .with_check(move |n| split_problems(n, &all).0))
}

/// The validator's problems with `note`, rendered for the reviewer and split into blocking
/// ones and warnings.
fn split_problems(note: &SoapNote, facts: &[Fact]) -> (Vec<String>, Vec<String>) {
    let (blocking, warnings): (Vec<_>, Vec<_>) = validate::validate(note, facts)
        .into_iter()
        .partition(validate::Problem::is_blocking);
    (
        blocking.iter().map(ToString::to_string).collect(),
        warnings.iter().map(ToString::to_string).collect(),
    )
}

/// An extractive baseline note for the offline scripted model in tests and examples (it is
/// not a clinical note writer): reads the fact listing out of a rendered [`SOAP_V1`] prompt
/// and restates each fact verbatim in the section it belongs to, citing it. The chief
/// complaint and the patient's words from the transcript go to S; vitals, labs and allergies to O;
/// problems and visit diagnoses to A; medications to P. Degraded facts (`…:none`, `…:unavailable`) are left out.
pub fn baseline_from_prompt(prompt: &str) -> SoapNote {
    let listing = prompt
        .split_once("Facts (id: text):\n")
        .map(|(_, rest)| rest.split("\n\nTranscript").next().unwrap_or(rest))
        .unwrap_or("");
    let mut note = SoapNote::default();
    for line in listing.lines() {
        let Some((id, text)) = line.split_once(": ") else {
            continue;
        };
        let Some((prefix, n)) = id.split_once(':') else {
            continue;
        };
        if n == "none" || n == "unavailable" {
            continue;
        }
        let section = match prefix {
            "encounter" if text.starts_with("Chief complaint") => &mut note.subjective,
            "encounter" if text.starts_with("Visit diagnosis") => &mut note.assessment,
            "vital" | "lab" | "allergy" => &mut note.objective,
            "problem" => &mut note.assessment,
            "med" => &mut note.plan,
            _ => continue,
        };
        let text = if prefix == "med" {
            format!("Continue {text}.")
        } else {
            format!("{text}.")
        };
        section.push(Statement {
            text,
            sources: vec![id.to_owned()],
        });
    }
    if let Some((_, rest)) = prompt.split_once("Transcript (may be empty):\n\"\"\"\n") {
        let transcript = rest.split("\"\"\"").next().unwrap_or("").trim();
        // The patient's own words when the transcript labels speakers.
        let said = transcript
            .split_once("Patient:")
            .map_or(transcript, |(_, r)| r)
            .split(['\n', '\r'])
            .next()
            .unwrap_or("")
            .split("Clinician:")
            .next()
            .unwrap_or("")
            .trim();
        if !said.is_empty() {
            note.subjective.push(Statement {
                text: format!("Per the visit transcript, the patient reports: {said}"),
                sources: vec!["transcript".into()],
            });
        }
    }
    note
}

/// Uploads an approved note as a clinical document (PDF), `autoclose` false so it lands in
/// the clinician's inbox, with an internal note naming the approver. Returns the document id.
pub async fn upload_note(
    department: &athena_core::Department,
    patient: athena_core::ids::PatientId,
    approved: crate::review::Approved<SoapNote>,
) -> Result<athena_core::ids::DocumentId, AiError> {
    use athena_rest::DepartmentExt;
    let pdf = crate::pdf::render_text(
        "SOAP note (AI-drafted, clinician-approved)",
        &approved.value().render(),
    );
    let created = department
        .documents(patient)
        .upload_clinical(&pdf, "CLINICALDOCUMENT")
        .autoclose(false)
        .internalnote(format!(
            "AI-drafted SOAP note approved by {}{}",
            approved.reviewer(),
            if approved.was_edited() {
                " after edits"
            } else {
                ""
            }
        ))
        .send()
        .await
        .map_err(AiError::athena)?;
    created
        .clinicaldocumentid
        .ok_or_else(|| AiError::new(AiErrorKind::Athena, "upload answered without a document id"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts() -> Vec<Fact> {
        vec![
            Fact {
                id: "vital:1".into(),
                text: "BP 128/82, HR 72".into(),
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

    #[test]
    fn planted_hallucinated_vital_is_caught() {
        let note = SoapNote {
            objective: vec![
                Statement {
                    text: "BP 128/82, HR 72.".into(),
                    sources: vec!["vital:1".into()],
                },
                Statement {
                    text: "Temperature 101.3 F.".into(),
                    sources: vec!["vital:1".into()],
                },
            ],
            plan: vec![Statement {
                text: "Continue lisinopril 10 mg; continue metformin 500 mg.".into(),
                sources: vec!["med:1".into()],
            }],
            ..SoapNote::default()
        };
        let problems = unsupported(&note, &facts());
        assert_eq!(
            problems,
            vec![
                "O[1] vital sign not in the chart: temperature 101.3 °F: the chart has no \
                 temperature reading",
                "P[0] medication not on the chart's list: metformin",
            ],
        );
        assert!(hard_problems(&note, &facts()).is_empty());
        let bad = SoapNote {
            assessment: vec![Statement {
                text: "x".into(),
                sources: vec!["lab:9".into()],
            }],
            ..SoapNote::default()
        };
        assert_eq!(
            hard_problems(&bad, &facts()),
            vec!["A[0] cites unknown source id lab:9"]
        );
    }
}
