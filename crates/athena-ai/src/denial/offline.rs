//! An offline stand-in for the model, for tests and examples that run without one.
//!
//! It is **not a predictor**: it answers from the de-identified prompt alone (it never sees
//! outcomes). A risk judgment gets a fixed neutral risk of 0.5 and echoes the rule ids and
//! history the prompt shows; an appeal letter quotes the evidence lines the prompt lists,
//! citing each by id. So in scoring it adds nothing to the ranking: the rules and the history
//! do all the work, which is what a test with it measures.

use crate::model::ModelRequest;
use crate::{AiError, AiErrorKind};

/// Answers a denial-risk or appeal-letter request (use with
/// [`ScriptedModel::with_responder`](crate::providers::scripted::ScriptedModel::with_responder)).
pub fn offline_reply(request: &ModelRequest) -> Result<String, AiError> {
    let text: String = request
        .prompt()
        .messages
        .first()
        .map(|m| m.content.clone())
        .unwrap_or_default();
    if text.contains("Draft an appeal letter") {
        Ok(appeal(&text))
    } else if text.contains("Rule findings:") {
        Ok(risk(&text))
    } else {
        Err(AiError::new(
            AiErrorKind::InvalidResponse,
            "the offline denial model only answers denial-risk and appeal prompts",
        ))
    }
}

fn section<'a>(text: &'a str, heading: &str) -> Vec<&'a str> {
    text.split_once(heading)
        .map(|(_, rest)| {
            rest.lines()
                .skip_while(|l| l.trim().is_empty())
                .take_while(|l| !l.trim().is_empty())
                .collect()
        })
        .unwrap_or_default()
}

fn risk(text: &str) -> String {
    let rules: Vec<String> = section(text, "Rule findings:")
        .iter()
        .filter_map(|l| {
            let rest = l.trim().strip_prefix("- rule:")?;
            Some(rest.split(':').next()?.trim().to_owned())
        })
        .collect();
    let mut reasons: Vec<serde_json::Value> = rules
        .iter()
        .map(|id| {
            serde_json::json!({
                "text": format!("The deterministic check {id} fired for this claim."),
                "cites": [format!("rule:{id}")],
            })
        })
        .collect();
    reasons.push(serde_json::json!({
        "text": "The practice's own denial rates for this payer and these procedures.",
        "cites": ["history"],
    }));
    serde_json::json!({
        "risk": 0.5,
        "reasons": reasons,
        "suggested_fix": if rules.is_empty() {
            "No rule finding; routine review before submission.".to_owned()
        } else {
            format!("Resolve the findings of {} before submission.", rules.join(", "))
        },
    })
    .to_string()
}

fn appeal(text: &str) -> String {
    let claim = section(text, "Claim:").join(" ");
    let denial = section(text, "Denial:").join(" ");
    let evidence: Vec<(&str, &str)> = section(text, "Chart evidence (id: text):")
        .into_iter()
        .filter_map(|l| l.split_once(": "))
        .collect();
    let mut letter = format!(
        "To the appeals department:\n\nWe request reconsideration of the denied claim below.\n{claim}\nDenial: {denial}\n\nThe record supports the service as billed:\n"
    );
    let cited = evidence
        .iter()
        .filter(|(id, _)| {
            id.starts_with("problem:")
                || id.starts_with("line:")
                || id.starts_with("dx:")
                || *id == "auth"
        })
        .take(6);
    for (id, fact) in cited {
        letter.push_str(&format!("- {fact} [{id}]\n"));
    }
    letter.push_str("\nPlease reprocess the claim. The full record is available on request.\n\nSincerely,\nBilling office");
    serde_json::json!({ "letter": letter }).to_string()
}
