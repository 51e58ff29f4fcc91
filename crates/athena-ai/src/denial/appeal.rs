//! Appeal letters for denied claims, citing chart evidence, through the review gate.
//!
//! The letter comes back as a [`Draft`]; only [`Draft::approve`] (or edit-then-approve) by a
//! named reviewer yields an [`Approved`] letter, and only that becomes a [`SendableAppeal`].
//! This crate submits nothing: sending is the practice's own step after approval.

use athena_core::Practice;
use athena_core::codec::AthenaDate;
use athena_core::ids::ClaimId;
use athena_rest::{DepartmentExt, PracticeExt};
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::{ClaimRecord, Outcome};
use crate::engine::{Call, Engine};
use crate::model::Prompt;
use crate::phi::KnownIdentifiers;
use crate::prompt::APPEAL_V1;
use crate::review::{Approved, Draft};
use crate::soap::Fact;
use crate::{AiError, AiErrorKind};

/// Longest letter the reviewer is not warned about.
pub const MAX_WORDS: usize = 300;

/// The model's structured answer: the letter text, citing evidence ids in square brackets.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppealLetter {
    /// The letter.
    pub letter: String,
}

impl AppealLetter {
    /// Evidence ids cited as `[id]` (lowercase ids such as `problem:1`, `dx:1`, `auth`).
    pub fn citations(&self) -> Vec<String> {
        let mut out = Vec::new();
        let mut rest = self.letter.as_str();
        while let Some(open) = rest.find('[') {
            let after = &rest[open + 1..];
            let Some(close) = after.find(']') else { break };
            for id in after[..close].split([',', ';']).map(str::trim) {
                let looks_like_id = !id.is_empty()
                    && id.chars().all(|c| {
                        c.is_ascii_lowercase() || c.is_ascii_digit() || c == ':' || c == '_'
                    });
                if looks_like_id && !out.iter().any(|o| o == id) {
                    out.push(id.to_owned());
                }
            }
            rest = &after[close + 1..];
        }
        out
    }
}

/// What an appeal rests on.
#[derive(Debug, Clone)]
pub struct AppealContext {
    /// The claim block of the prompt (holds PHI: name, date of birth, member id, date of
    /// service; de-identified before any model not allowed to see it).
    pub claim: String,
    /// The denial block (codes and the payer's description).
    pub denial: String,
    /// Evidence facts, cited by id.
    pub evidence: Vec<Fact>,
    /// Identifiers to replace exactly for non-PHI models.
    pub known: KnownIdentifiers,
}

/// Gathers the evidence for appealing a denied claim: its diagnoses and lines, authorization
/// and coverage, the days to submission, and the patient's problem list in the claim's
/// department. Errors with [`AiErrorKind::Config`] when the claim is not denied.
pub async fn gather_context(
    practice: &Practice,
    record: &ClaimRecord,
) -> Result<AppealContext, AiError> {
    let Outcome::Denied {
        codes,
        remarks,
        description,
    } = &record.outcome
    else {
        return Err(AiError::new(
            AiErrorKind::Config,
            "only a denied claim can be appealed",
        ));
    };
    let f = &record.facts;
    let patient = practice
        .patients()
        .get(f.patient_id)
        .send()
        .await
        .map_err(AiError::athena)?;
    let first = patient
        .firstname
        .as_ref()
        .map(|n| n.expose().clone())
        .unwrap_or_default();
    let last = patient
        .lastname
        .as_ref()
        .map(|n| n.expose().clone())
        .unwrap_or_default();
    let name = format!("{first} {last}").trim().to_owned();
    let dob = patient.dob.as_ref().map(|d| *d.expose());
    let insurances = super::gather::insurances_of(practice, f.patient_id).await?;
    let member = f.coverage.as_ref().and_then(|c| {
        insurances
            .iter()
            .find(|i| i.insuranceid == Some(c.insurance_id))
            .and_then(|i| i.insuranceidnumber.as_ref())
            .map(|m| m.expose().clone())
    });
    // The letter may name the billing or rendering clinician: every provider is removed too.
    let mut known = crate::phi::with_practice_providers(practice, KnownIdentifiers::new())
        .await?
        .name(&name)
        .id(&f.claim_id.to_string());
    if let Some(d) = dob {
        known = known.date(d.naive());
    }
    if let Some(m) = &member {
        known = known.id(m);
    }
    if let Some(a) = &f.authorization {
        known = known.id(a);
    }
    let claim = format!(
        "claim {}; date of service {}; payer {}\npatient: {}; date of birth {}; member id {}",
        f.claim_id,
        AthenaDate::from(f.service_date),
        f.payer(),
        if name.is_empty() { "(unknown)" } else { &name },
        dob.map_or_else(|| "(unknown)".to_owned(), |d| d.to_string()),
        member.as_deref().unwrap_or("(unknown)")
    );
    let denial = format!(
        "{}{}: {}",
        if codes.is_empty() {
            "denied".to_owned()
        } else {
            codes.join(", ")
        },
        if remarks.is_empty() {
            String::new()
        } else {
            format!(" ({})", remarks.join(", "))
        },
        description.as_deref().unwrap_or("no description")
    );
    let mut evidence = Vec::new();
    for (i, d) in f.diagnoses.iter().enumerate() {
        evidence.push(Fact {
            id: format!("dx:{}", i + 1),
            text: format!("diagnosis on the claim: {} {}", d.code, d.description),
        });
    }
    for (i, l) in f.lines.iter().enumerate() {
        evidence.push(Fact {
            id: format!("line:{}", i + 1),
            text: format!(
                "service billed: {} {}{}",
                l.code,
                l.description,
                match &l.modifiers {
                    Some(m) if !m.is_empty() => format!(" modifier {}", m.join(",")),
                    _ => String::new(),
                },
            ),
        });
    }
    if let Some(a) = &f.authorization {
        evidence.push(Fact {
            id: "auth".into(),
            text: format!("prior authorization number {a} is on the claim"),
        });
    }
    if let Some(c) = &f.coverage {
        evidence.push(Fact {
            id: "coverage".into(),
            text: format!(
                "{} policy ({}); eligibility status on file: {}",
                c.payer,
                if c.kind.is_empty() {
                    "plan type unknown"
                } else {
                    &c.kind
                },
                c.eligibility_status.as_deref().unwrap_or("unknown")
            ),
        });
    }
    evidence.push(Fact {
        id: "filing".into(),
        text: format!(
            "claim submitted {} days after the date of service",
            (f.submitted - f.service_date).num_days()
        ),
    });
    if let Some(dept) = f.department_id {
        let problems = practice
            .department(dept)
            .chart(f.patient_id)
            .problems()
            .send()
            .await
            .map_err(AiError::athena)?;
        for (i, p) in problems.items().iter().enumerate() {
            let Some(name) = &p.name else { continue };
            let status = p
                .events
                .iter()
                .flatten()
                .find_map(|e| e.status.clone())
                .unwrap_or_default();
            evidence.push(Fact {
                id: format!("problem:{}", i + 1),
                text: format!(
                    "problem list: {name}{}{}",
                    p.bestmatchicd10code
                        .as_deref()
                        .map(|c| format!(" (ICD-10 {c})"))
                        .unwrap_or_default(),
                    if status.is_empty() {
                        String::new()
                    } else {
                        format!(", {}", status.to_lowercase())
                    }
                ),
            });
        }
    }
    Ok(AppealContext {
        claim,
        denial,
        evidence,
        known,
    })
}

/// The JSON schema of the answer.
pub fn schema() -> serde_json::Value {
    json!({
        "type": "object",
        "additionalProperties": false,
        "required": ["letter"],
        "properties": {"letter": {"type": "string"}}
    })
}

/// The rendered prompt (holds PHI until the engine de-identifies it).
pub fn render_prompt(ctx: &AppealContext) -> Result<String, AiError> {
    let evidence: String = ctx
        .evidence
        .iter()
        .map(|f| format!("{}: {}\n", f.id, f.text))
        .collect();
    APPEAL_V1.render(&[
        ("claim", &ctx.claim),
        ("denial", &ctx.denial),
        ("evidence", evidence.trim_end()),
    ])
}

/// Problems that make a letter unusable (one repair round): empty, no citation, or a cited
/// id that is not in the evidence.
pub fn hard_problems(letter: &AppealLetter, evidence: &[Fact]) -> Vec<String> {
    let mut out = Vec::new();
    if letter.letter.trim().is_empty() {
        out.push("the letter is empty".to_owned());
        return out;
    }
    let cited = letter.citations();
    if cited.is_empty() {
        out.push("the letter cites no evidence id in square brackets".to_owned());
    }
    for id in cited {
        if !evidence.iter().any(|f| f.id == id) {
            out.push(format!(
                "the letter cites [{id}], which is not in the evidence"
            ));
        }
    }
    out
}

/// What the reviewer must see: length over [`MAX_WORDS`], chart problems never cited.
pub fn review_notes(letter: &AppealLetter, evidence: &[Fact]) -> Vec<String> {
    let mut out = Vec::new();
    let words = letter.letter.split_whitespace().count();
    if words > MAX_WORDS {
        out.push(format!(
            "the letter has {words} words (aim for at most {MAX_WORDS})"
        ));
    }
    let cited = letter.citations();
    if evidence.iter().any(|f| f.id.starts_with("problem:"))
        && !cited.iter().any(|c| c.starts_with("problem:"))
    {
        out.push("the letter cites no problem-list entry from the chart".to_owned());
    }
    out
}

/// Drafts an appeal letter for review.
pub async fn draft_appeal(
    engine: &Engine,
    ctx: &AppealContext,
) -> Result<Draft<AppealLetter>, AiError> {
    let text = render_prompt(ctx)?;
    let call = Call {
        pipeline: "appeal_letter",
        template: &APPEAL_V1,
        prompt: Prompt::user(text)
            .with_json_schema("appeal_letter", schema())
            .with_max_tokens(900),
        known: ctx.known.clone(),
    };
    let out = engine
        .structured::<AppealLetter>(call, |l| hard_problems(l, &ctx.evidence))
        .await?;
    let notes = review_notes(&out.value, &ctx.evidence);
    // Length and uncited problems are for the reviewer to weigh; they do not block.
    Ok(Draft::new(out.value, out.draft_id, Vec::new()).with_advisories(notes))
}

/// An approved appeal letter, ready for the practice to send (this crate sends nothing).
/// The only way to make one is from an [`Approved`] letter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SendableAppeal {
    claim_id: ClaimId,
    text: String,
    reviewer: String,
}

impl SendableAppeal {
    /// Turns an approved letter for `claim` into a sendable appeal, signed off with the
    /// reviewer's name.
    pub fn from_approved(claim: ClaimId, approved: Approved<AppealLetter>) -> Self {
        let reviewer = approved.reviewer().to_owned();
        let text = format!(
            "{}\n\n[Drafted with AI assistance; reviewed and approved by {}{}]",
            approved.value().letter.trim_end(),
            reviewer,
            if approved.was_edited() {
                " after edits"
            } else {
                ""
            }
        );
        SendableAppeal {
            claim_id: claim,
            text,
            reviewer,
        }
    }
    /// The claim appealed.
    pub fn claim_id(&self) -> ClaimId {
        self.claim_id
    }
    /// The letter as it will be sent.
    pub fn text(&self) -> &str {
        &self.text
    }
    /// Who approved it.
    pub fn reviewer(&self) -> &str {
        &self.reviewer
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts() -> Vec<Fact> {
        vec![
            Fact {
                id: "problem:1".into(),
                text: "problem list: Osteoarthritis of knee".into(),
            },
            Fact {
                id: "line:1".into(),
                text: "service billed: 73721".into(),
            },
        ]
    }

    #[test]
    fn citations_are_checked_against_the_evidence() {
        let good = AppealLetter {
            letter: "Dear payer, the MRI [line:1] was for knee osteoarthritis [problem:1]. Patient Ana Ruiz [NAME_2].".into(),
        };
        assert_eq!(good.citations(), ["line:1", "problem:1"]);
        assert!(hard_problems(&good, &facts()).is_empty());
        assert!(review_notes(&good, &facts()).is_empty());
        let bad = AppealLetter {
            letter: "See [lab:3] and [problem:1, line:1].".into(),
        };
        assert_eq!(
            hard_problems(&bad, &facts()),
            ["the letter cites [lab:3], which is not in the evidence"]
        );
        let none = AppealLetter {
            letter: "Please pay.".into(),
        };
        assert_eq!(hard_problems(&none, &facts()).len(), 1);
        assert_eq!(review_notes(&none, &facts()).len(), 1);
    }
}
