//! Claims and denials: read the practice's claims, score each one's denial risk (payer-rule
//! checks, the practice's own history, the model's judgment), show the riskiest with their
//! reasons, draft an appeal for a denied claim and walk it through the review gate.
//!
//! ```sh
//! cargo run --example claims_and_denials          # local sandbox, offline scripted model
//! ATHENA_AI_BASE_URL=http://localhost:11434/v1 ATHENA_AI_MODEL=llama3.1 \
//!     cargo run --example claims_and_denials      # a real model (prompts de-identified)
//! ```
//!
//! Nothing is submitted: the appeal becomes sendable only after a named reviewer approves it,
//! and sending it is left to the practice.

use std::sync::Arc;

use athena::ai::ModelAccess;
use athena::ai::audit::MemorySink;
use athena::ai::denial::appeal::{self, SendableAppeal};
use athena::ai::denial::{self, Assessment, ClaimRecord, Outcome, Scorer};
use athena::ai::engine::Engine;
use athena::ai::providers::scripted::ScriptedModel;
use athena::ai::review::{Reviewer, SandboxAuthenticator};
use athena::sandbox::{connect_or_sandbox, language_model_or_scripted};
use athena_examples::BoxError;

/// How many of the riskiest claims (by rules and history) the model is asked about.
const JUDGED: usize = 8;

#[tokio::main]
async fn main() -> Result<(), BoxError> {
    athena_examples::init_tracing();
    let session = connect_or_sandbox().await?;
    println!("Talking to {}", session.description());
    let practice = session.practice();
    let (model, model_description) = language_model_or_scripted(|| {
        ScriptedModel::new("offline-denials").with_responder(denial::offline_reply)
    })?;
    println!("Model: {model_description}");
    let audit = Arc::new(MemorySink::new());
    let engine = Engine::new(ModelAccess::Deidentified(model), audit.clone());

    // 1. Claims of the last two years, with the billed policy of each.
    let today = session
        .sandbox()
        .map_or_else(|| chrono::Local::now().date_naive(), |s| s.today());
    let from = today - chrono::Duration::days(730);
    let records = denial::gather::load_claims(practice, from, today).await?;
    let denied = records.iter().filter(|r| r.outcome.is_denied()).count();
    let paid = records
        .iter()
        .filter(|r| r.outcome == Outcome::Paid)
        .count();
    println!(
        "\n1. {} claims with a date of service since {from}: {paid} paid, {denied} denied, {} not adjudicated yet",
        records.len(),
        records.len() - paid - denied
    );
    if records.is_empty() {
        println!("   Nothing to score.");
        return Ok(());
    }
    print_payers(&records);

    // 2. Rules and history for every claim; the model for the riskiest few.
    let scorer = Scorer::new(&records);
    let mut screened = Vec::with_capacity(records.len());
    for i in 0..records.len() {
        screened.push((i, scorer.assess(i, None).await?));
    }
    screened.sort_by(|a, b| b.1.score.combined.total_cmp(&a.1.score.combined));
    let flagged = screened.iter().filter(|(_, a)| !a.flags.is_empty()).count();
    println!(
        "\n2. Payer-rule checks flagged {flagged} of {} claims. The model judges the {JUDGED} riskiest:",
        records.len()
    );
    let mut judged = Vec::new();
    for (i, _) in screened.iter().take(JUDGED) {
        judged.push((*i, scorer.assess(*i, Some(&engine)).await?));
    }
    println!(
        "   {:<8} {:<10} {:<24} {:<14} {:<42} {:>7} {:>6} {:>6}  outcome",
        "claim", "service", "payer", "procedures", "rules fired", "history", "model", "score"
    );
    for (i, a) in &judged {
        print_row(&records[*i], a);
    }

    // 3. Reasons and fixes for the top three.
    println!("\n3. Why, and what to fix:");
    for (i, a) in judged.iter().take(3) {
        println!("   Claim {}:", records[*i].facts.claim_id);
        for f in &a.flags {
            println!("     - [rule:{}] {}", f.rule.id(), f.evidence);
        }
        println!(
            "     - [history] {}",
            a.history.render().replace('\n', "; ")
        );
        if let Some(j) = &a.judgment {
            for r in &j.reasons {
                println!("     - model: {} ({})", r.text, r.cites.join(", "));
            }
            println!("     Suggested fix: {}", j.suggested_fix);
        }
    }

    // 4. An appeal for a denied claim (the riskiest denied one scored above, else any).
    let Some(target) = judged
        .iter()
        .map(|(i, _)| *i)
        .find(|i| records[*i].outcome.is_denied())
        .or_else(|| records.iter().position(|r| r.outcome.is_denied()))
    else {
        println!("\n4. No denied claim to appeal.");
        return Ok(());
    };
    let record = &records[target];
    println!(
        "\n4. Drafting an appeal for denied claim {} ({}):",
        record.facts.claim_id,
        outcome_text(&record.outcome)
    );
    let ctx = appeal::gather_context(practice, record).await?;
    println!(
        "   Evidence gathered: {}",
        ctx.evidence
            .iter()
            .map(|f| f.id.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    );
    let draft = appeal::draft_appeal(&engine, &ctx).await?;
    println!("   --- draft (not sendable) ---");
    for line in draft.value().letter.lines() {
        println!("   | {line}");
    }
    println!("   ----------------------------");
    println!("   Cites: {}", draft.value().citations().join(", "));
    if draft.problems().is_empty() && draft.advisories().is_empty() {
        println!("   Reviewer notes: none");
    } else {
        for p in draft.problems().iter().chain(draft.advisories()) {
            println!("   Reviewer note: {p}");
        }
    }

    // 5. The review gate: only a named reviewer's approval makes it sendable.
    // A real application authenticates the reviewer with its own `Authenticator`; the
    // sandbox one takes the name on trust and marks the audit record `sandbox-unverified`.
    let name =
        std::env::var("ATHENA_REVIEWER").unwrap_or_else(|_| "Pat Biller, CPC (example)".into());
    let reviewer = Reviewer::authenticate(&SandboxAuthenticator, name.as_str())?;
    let approved = draft.approve(&reviewer, audit.as_ref())?;
    let sendable = SendableAppeal::from_approved(record.facts.claim_id, approved);
    println!(
        "\n5. Approved by {}: the appeal for claim {} is ready to send ({} characters).",
        sendable.reviewer(),
        sendable.claim_id(),
        sendable.text().len()
    );
    println!(
        "   Nothing was submitted: this example sends no appeal and changes no claim. Without a \
         named reviewer's approval there is no sendable letter at all."
    );
    println!(
        "   Audit: {} records (prompt id, version and hash, model, de-identified input hash, validation, review).",
        audit.records().len()
    );
    Ok(())
}

fn print_payers(records: &[ClaimRecord]) {
    let mut by_payer: Vec<(String, usize, usize)> = Vec::new();
    for r in records {
        let payer = r.facts.payer().to_owned();
        let denied = usize::from(r.outcome.is_denied());
        match by_payer.iter_mut().find(|(p, _, _)| *p == payer) {
            Some(row) => {
                row.1 += 1;
                row.2 += denied;
            }
            None => by_payer.push((payer, 1, denied)),
        }
    }
    by_payer.sort_by_key(|row| std::cmp::Reverse(row.1));
    println!(
        "   {:<28} {:>7} {:>7} {:>7}",
        "payer", "claims", "denied", "rate"
    );
    for (payer, n, d) in by_payer {
        println!(
            "   {:<28} {:>7} {:>7} {:>6.0}%",
            truncate(&payer, 28),
            n,
            d,
            100.0 * d as f64 / n as f64
        );
    }
}

fn print_row(r: &ClaimRecord, a: &Assessment) {
    let codes: Vec<&str> = r.facts.lines.iter().map(|l| l.code.as_str()).collect();
    let rules: Vec<&str> = a.flags.iter().map(|f| f.rule.id()).collect();
    println!(
        "   {:<8} {:<10} {:<24} {:<14} {:<42} {:>7.2} {:>6} {:>6.2}  {}",
        r.facts.claim_id.to_string(),
        r.facts.service_date.format("%m/%d/%Y").to_string(),
        truncate(r.facts.payer(), 24),
        truncate(&codes.join(","), 14),
        truncate(
            &if rules.is_empty() {
                "-".to_owned()
            } else {
                rules.join(",")
            },
            42
        ),
        a.score.history,
        a.score
            .model
            .map_or_else(|| "-".to_owned(), |m| format!("{m:.2}")),
        a.score.combined,
        outcome_text(&r.outcome)
    );
}

fn outcome_text(o: &Outcome) -> String {
    match o {
        Outcome::Pending => "pending".to_owned(),
        Outcome::Paid => "paid".to_owned(),
        Outcome::Denied { codes, .. } if codes.is_empty() => "denied".to_owned(),
        Outcome::Denied { codes, .. } => format!("denied {}", codes.join(",")),
    }
}

fn truncate(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_owned()
    } else {
        let mut t: String = s.chars().take(n.saturating_sub(1)).collect();
        t.push('…');
        t
    }
}
