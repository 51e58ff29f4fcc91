//! The model's judgment of a claim's denial risk, as validated structured output.
//!
//! Minimum necessary: the prompt holds procedure and diagnosis codes with descriptions, the
//! payer and plan type, whether an authorization number is present, the days between service
//! and submission, the rule findings and the history rates. No patient name, date, member id
//! or claim id. It still goes through the PHI guard for models not allowed to see PHI.

use serde::{Deserialize, Serialize};
use serde_json::json;

use super::ClaimFacts;
use super::history::HistoryEvidence;
use super::rules::RuleFlag;
use crate::AiError;
use crate::engine::{Call, Engine, Output};
use crate::model::Prompt;
use crate::phi::KnownIdentifiers;
use crate::prompt::DENIAL_V1;

/// One reason, with what it rests on (`rule:<id>` or `history`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reason {
    /// The reason.
    pub text: String,
    /// Cited rule ids (`rule:timely_filing`) and/or `history`.
    pub cites: Vec<String>,
}

/// The model's structured answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RiskJudgment {
    /// Probability of denial in `[0, 1]`.
    pub risk: f64,
    /// Reasons.
    pub reasons: Vec<Reason>,
    /// What to change before submitting.
    pub suggested_fix: String,
}

/// The JSON schema the model must follow.
pub fn schema() -> serde_json::Value {
    json!({
        "type": "object",
        "additionalProperties": false,
        "required": ["risk", "reasons", "suggested_fix"],
        "properties": {
            "risk": {"type": "number"},
            "reasons": {"type": "array", "items": {
                "type": "object", "additionalProperties": false, "required": ["text", "cites"],
                "properties": {"text": {"type": "string"}, "cites": {"type": "array", "items": {"type": "string"}}}
            }},
            "suggested_fix": {"type": "string"}
        }
    })
}

/// The claim block of the prompt (minimum necessary; see the module docs).
pub fn claim_summary(c: &ClaimFacts) -> String {
    let mut out = String::new();
    match &c.coverage {
        Some(cov) => out.push_str(&format!(
            "payer: {} ({}); eligibility status on file: {}\n",
            cov.payer,
            if cov.kind.is_empty() {
                "plan type unknown"
            } else {
                &cov.kind
            },
            cov.eligibility_status.as_deref().unwrap_or("unknown")
        )),
        None => out.push_str("payer: the billed policy is not on file\n"),
    }
    out.push_str("service lines:\n");
    for l in &c.lines {
        out.push_str(&format!(
            "- {} {}; modifiers: {}\n",
            l.code,
            l.description,
            match &l.modifiers {
                None => "not shown".to_owned(),
                Some(m) => m.join(", "),
            },
        ));
    }
    out.push_str("diagnoses:\n");
    for d in &c.diagnoses {
        out.push_str(&format!("- {} {}\n", d.code, d.description));
    }
    out.push_str(&format!(
        "prior authorization number on the claim: {}\n",
        if c.authorization
            .as_deref()
            .is_some_and(|a| !a.trim().is_empty())
        {
            "present"
        } else {
            "none"
        }
    ));
    out.push_str(&format!(
        "days from date of service to submission: {}",
        (c.submitted - c.service_date).num_days()
    ));
    out
}

/// The rule findings block.
pub fn rules_summary(flags: &[RuleFlag]) -> String {
    if flags.is_empty() {
        return "none fired".to_owned();
    }
    flags
        .iter()
        .map(|f| format!("- rule:{}: {}", f.rule.id(), f.evidence))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The rendered prompt text.
pub fn render_prompt(
    claim: &ClaimFacts,
    flags: &[RuleFlag],
    history: &HistoryEvidence,
) -> Result<String, AiError> {
    DENIAL_V1.render(&[
        ("claim", &claim_summary(claim)),
        ("rules", &rules_summary(flags)),
        ("history", &history.render()),
    ])
}

/// Problems that make a judgment unusable (fed back for one repair round): a risk outside
/// `[0, 1]`, no reasons, a reason without citations, a citation of a rule that did not fire.
pub fn problems(j: &RiskJudgment, flags: &[RuleFlag]) -> Vec<String> {
    let mut out = Vec::new();
    if !j.risk.is_finite() || !(0.0..=1.0).contains(&j.risk) {
        out.push("risk must be a number between 0 and 1".to_owned());
    }
    if j.reasons.is_empty() {
        out.push("give at least one reason".to_owned());
    }
    for (i, r) in j.reasons.iter().enumerate() {
        if r.text.trim().is_empty() {
            out.push(format!("reasons[{i}] has no text"));
        }
        if r.cites.is_empty() {
            out.push(format!("reasons[{i}] cites nothing"));
        }
        for c in &r.cites {
            let known = c == "history"
                || c.strip_prefix("rule:")
                    .is_some_and(|id| flags.iter().any(|f| f.rule.id() == id));
            if !known {
                out.push(format!(
                    "reasons[{i}] cites {c}, which is neither history nor a rule that fired"
                ));
            }
        }
    }
    if j.suggested_fix.trim().is_empty() {
        out.push("suggested_fix is empty".to_owned());
    }
    out
}

/// Asks the model through `engine` (PHI guard, schema, validation, one repair round, audit).
pub async fn judge(
    engine: &Engine,
    claim: &ClaimFacts,
    flags: &[RuleFlag],
    history: &HistoryEvidence,
) -> Result<Output<RiskJudgment>, AiError> {
    let text = render_prompt(claim, flags, history)?;
    let call = Call {
        pipeline: "denial_risk",
        template: &DENIAL_V1,
        prompt: Prompt::user(text)
            .with_json_schema("denial_risk", schema())
            .with_max_tokens(700),
        known: KnownIdentifiers::new(),
    };
    engine
        .structured::<RiskJudgment>(call, |j| problems(j, flags))
        .await
}
