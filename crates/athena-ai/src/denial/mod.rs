//! Claim denial prediction and appeal drafting.
//!
//! The pipeline, one claim at a time:
//!
//! 1. [`gather`] reads claims and the patients' insurances through `athena-rest` and splits
//!    each into [`ClaimFacts`] (what is known *before* the payer adjudicates) and its
//!    [`Outcome`] (what the payer did).
//! 2. [`rules`] runs deterministic payer-rule checks over the facts only: eligibility
//!    inactive, missing authorization, timely filing, diagnosis–procedure mismatch (a small
//!    documented table), duplicate claim, missing modifier 25. Each [`RuleFlag`] names the
//!    rule and the evidence.
//! 3. [`history`] computes the practice's own denial rates by payer and by procedure, smoothed
//!    toward the practice rate, from claims submitted before it only (so a claim's own
//!    outcome never counts in its history).
//! 4. [`judgment`] asks the model (through the [`Engine`]: PHI guard,
//!    JSON schema, serde, domain validation, one repair round, audit) for a risk, reasons that
//!    cite rule ids and history, and a suggested fix. The prompt carries the minimum
//!    necessary: codes, payer, relative day counts; no names, dates or ids.
//! 5. [`score`] combines the three into one number (formula documented there).
//! 6. [`appeal`] drafts an appeal letter for a denied claim, citing chart evidence, as a
//!    review-gate [`Draft`](crate::review::Draft); only a named reviewer's approval turns it
//!    into a [`appeal::SendableAppeal`]. Nothing is submitted by this crate.
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! use std::sync::Arc;
//! use athena_ai::audit::MemorySink;
//! use athena_ai::denial::{self, Scorer};
//! use athena_ai::engine::Engine;
//! use athena_ai::providers::scripted::ScriptedModel;
//! use athena_ai::ModelAccess;
//!
//! let sandbox = athena_testkit::Sandbox::start().await;
//! let client = athena_core::Client::builder()
//!     .base_url(sandbox.base_url())
//!     .client_credentials(sandbox.client_id(), sandbox.client_secret())
//!     .build()?;
//! let practice = client.practice(athena_core::PracticeId::new(sandbox.practice_id()));
//! let today = sandbox.today();
//! let claims = denial::gather::load_claims(&practice, today - chrono::Duration::days(730), today).await?;
//!
//! let model = ScriptedModel::new("offline").with_responder(denial::offline_reply);
//! let engine = Engine::new(ModelAccess::Deidentified(Arc::new(model)), Arc::new(MemorySink::new()));
//! let scorer = Scorer::new(&claims);
//! let first = scorer.assess(0, Some(&engine)).await?;
//! assert!((0.0..=1.0).contains(&first.score.combined));
//! # Ok(()) }
//! ```

pub mod appeal;
pub mod gather;
pub mod history;
pub mod judgment;
pub mod note;
mod offline;
pub mod rules;
pub mod score;

use athena_core::ids::{ClaimId, DepartmentId, InsuranceId, PatientId, ProviderId};
use chrono::NaiveDate;

use crate::engine::Engine;
use crate::{AiError, AiErrorKind};

pub use history::{DenialHistory, HistoryEvidence, Rate};
pub use judgment::{Reason, RiskJudgment};
pub use offline::offline_reply;
pub use rules::{Rule, RuleBook, RuleFlag};
pub use score::{CombinedScore, ScoreWeights};

/// One service line of a claim.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceLine {
    /// CPT/HCPCS code.
    pub code: String,
    /// Modifiers (`25`, `59`, …); `None` when unknown (athena's claim object shows no
    /// modifiers unless they are written into the procedure code).
    pub modifiers: Option<Vec<String>>,
    /// Description.
    pub description: String,
}

/// One diagnosis on a claim.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnosis {
    /// ICD-10-CM code, e.g. `M17.9`.
    pub code: String,
    /// Description.
    pub description: String,
}

/// The policy a claim is billed to, as the patient's insurance record shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Coverage {
    /// The patient insurance id.
    pub insurance_id: InsuranceId,
    /// Payer display name, e.g. `Aetna`.
    pub payer: String,
    /// Insurance type (`Commercial`, `Medicare`, `Medicaid`, …).
    pub kind: String,
    /// `eligibilitystatus` (`Eligible`, `Ineligible`, `Unverified`, …).
    pub eligibility_status: Option<String>,
    /// Coverage start (`issuedate`).
    pub issued: Option<NaiveDate>,
    /// Coverage end (`expirationdate`).
    pub expires: Option<NaiveDate>,
    /// True when the policy is cancelled.
    pub cancelled: bool,
}

/// A claim as known **before** the payer adjudicates it: the only input the rules see.
///
/// Fields come from `GET /claims`: `claimid`, `patientid`, `departmentid`, `billedproviderid`,
/// `billedservicedate`, `claimcreateddate` (taken as the submission date),
/// `procedures[].procedurecode/proceduredescription` (modifiers only when written into the
/// code, see [`gather::split_modifiers`]),
/// `diagnoses[].diagnosisrawcode/diagnosisdescription` (deleted ones dropped),
/// `referralauthid`, and `primaryinsurancepayer.primarypatientinsuranceid` resolved against
/// `GET /patients/{id}/insurances?showcancelled=true`. Never the payer status or its note
/// (those are the adjudication: see [`Outcome`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClaimFacts {
    /// Claim id.
    pub claim_id: ClaimId,
    /// Patient.
    pub patient_id: PatientId,
    /// Department.
    pub department_id: Option<DepartmentId>,
    /// Billed provider.
    pub provider_id: Option<ProviderId>,
    /// Date of service.
    pub service_date: NaiveDate,
    /// Date the claim was created / submitted.
    pub submitted: NaiveDate,
    /// Service lines.
    pub lines: Vec<ServiceLine>,
    /// Diagnoses.
    pub diagnoses: Vec<Diagnosis>,
    /// Prior authorization / referral number, when the claim carries one.
    pub authorization: Option<String>,
    /// Primary coverage; `None` when the billed policy is not on file.
    pub coverage: Option<Coverage>,
}

impl ClaimFacts {
    /// The payer name for history (`unknown payer` when coverage is not on file).
    pub fn payer(&self) -> &str {
        self.coverage
            .as_ref()
            .map_or("unknown payer", |c| c.payer.as_str())
    }
}

/// What the payer did with a claim: used for history and to pick claims to appeal, never by
/// the rules.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Not adjudicated yet (held, pending, billed).
    Pending,
    /// Adjudicated without a denial.
    Paid,
    /// Denied, with the adjustment codes (`CO-197`), remark codes and description.
    Denied {
        /// Adjustment codes, e.g. `CO-197`.
        codes: Vec<String>,
        /// Remark codes, e.g. `N54`.
        remarks: Vec<String>,
        /// The payer's description.
        description: Option<String>,
    },
}

impl Outcome {
    /// True for [`Outcome::Denied`].
    pub fn is_denied(&self) -> bool {
        matches!(self, Outcome::Denied { .. })
    }
    /// True when adjudicated (paid or denied).
    pub fn is_adjudicated(&self) -> bool {
        !matches!(self, Outcome::Pending)
    }
}

/// A claim: facts and outcome, kept apart so the rules cannot read the outcome.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClaimRecord {
    /// Pre-adjudication facts.
    pub facts: ClaimFacts,
    /// The adjudication.
    pub outcome: Outcome,
}

/// The assessment of one claim: rule flags, history, the model's judgment, the score.
/// Advisory only: nothing here is written anywhere.
#[derive(Debug, Clone, PartialEq)]
pub struct Assessment {
    /// The claim.
    pub claim_id: ClaimId,
    /// Rules that fired.
    pub flags: Vec<RuleFlag>,
    /// History rates (from claims submitted before this one).
    pub history: HistoryEvidence,
    /// The model's judgment, when a model was asked.
    pub judgment: Option<RiskJudgment>,
    /// The combined score.
    pub score: CombinedScore,
    /// Links the judgment to its audit record.
    pub draft_id: Option<String>,
}

/// Scores the claims of one practice: rules and history are built once over all claims.
pub struct Scorer<'a> {
    records: &'a [ClaimRecord],
    rules: RuleBook,
    history: DenialHistory,
    weights: ScoreWeights,
}

impl<'a> Scorer<'a> {
    /// Indexes `records` (duplicates, history).
    pub fn new(records: &'a [ClaimRecord]) -> Self {
        Scorer {
            records,
            rules: RuleBook::new(records.iter().map(|r| &r.facts)),
            history: DenialHistory::new(records),
            weights: ScoreWeights::default(),
        }
    }

    /// Replaces the score weights.
    pub fn with_weights(mut self, weights: ScoreWeights) -> Self {
        self.weights = weights;
        self
    }

    /// The records being scored.
    pub fn records(&self) -> &'a [ClaimRecord] {
        self.records
    }

    /// Assesses the claim at `index`: rules and history always; the model's judgment when an
    /// engine is given. Out-of-range indexes are a [`AiErrorKind::Config`] error.
    pub async fn assess(
        &self,
        index: usize,
        engine: Option<&Engine>,
    ) -> Result<Assessment, AiError> {
        let record = self.records.get(index).ok_or_else(|| {
            AiError::new(AiErrorKind::Config, format!("no claim at index {index}"))
        })?;
        let flags = self.rules.check(&record.facts);
        let history = self.history.evidence(record);
        let (judgment, draft_id) = match engine {
            Some(engine) => {
                let out = judgment::judge(engine, &record.facts, &flags, &history).await?;
                (Some(out.value), Some(out.draft_id))
            }
            None => (None, None),
        };
        let score = self
            .weights
            .combine(&flags, &history, judgment.as_ref().map(|j| j.risk));
        Ok(Assessment {
            claim_id: record.facts.claim_id,
            flags,
            history,
            judgment,
            score,
            draft_id,
        })
    }
}
