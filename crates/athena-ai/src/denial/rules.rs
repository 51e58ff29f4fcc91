//! Deterministic payer-rule checks over [`ClaimFacts`] (pre-adjudication information only).
//!
//! | rule id | fires when | fields read |
//! | --- | --- | --- |
//! | `eligibility_inactive` | the billed policy is `Ineligible`/`Inactive`/`Terminated`, cancelled, ended before or started after the date of service | `primarypatientinsuranceid` → insurance `eligibilitystatus`, `issuedate`, `expirationdate`, `cancelled`; `billedservicedate` |
//! | `missing_authorization` | a line's code is in [`PRIOR_AUTH`] and the claim has no `referralauthid` | `procedurecode`, `referralauthid` |
//! | `timely_filing` | days from service to submission exceed the plan type's limit ([`filing_limit_days`]) | `billedservicedate`, `claimcreateddate`, insurance `insurancetype` |
//! | `dx_procedure_mismatch` | a line's code is in [`DX_SUPPORT`] and no diagnosis on the claim starts with one of its supporting ICD-10 prefixes | `procedurecode`, `diagnosisrawcode` |
//! | `duplicate_claim` | an earlier claim (earlier creation date, then lower id) has the same patient, billed provider, date of service and procedure codes with modifiers | those fields of every claim |
//! | `missing_modifier_25` | an E/M line ([`is_evaluation_and_management`]) without modifier 25 shares the claim with a procedure in [`MODIFIER_25_PROCEDURES`] | modifiers written into `procedurecode` (athena's claim shows no modifier field: a line whose modifiers are not shown never counts as missing one) |
//!
//! The tables are small and deliberately conservative: they are a starting point a billing
//! team extends, not a payer policy database. Laboratory codes are not in [`DX_SUPPORT`]
//! (their coverage rules are long national and local coverage determinations).
//!
//! Evidence strings carry codes and relative day counts, never names, dates or ids, so they can
//! go into a prompt as they are.

use std::collections::HashMap;

use athena_core::ids::{ClaimId, PatientId, ProviderId};
use chrono::NaiveDate;

use super::ClaimFacts;

/// A payer rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Rule {
    /// Coverage not active on the date of service.
    EligibilityInactive,
    /// A procedure that needs prior authorization without one.
    MissingAuthorization,
    /// Filed after the payer's filing limit.
    TimelyFiling,
    /// No diagnosis on the claim supports a procedure.
    DxProcedureMismatch,
    /// Same patient, date and procedures as an earlier claim.
    DuplicateClaim,
    /// E/M with a same-day minor procedure and no modifier 25.
    MissingModifier25,
}

impl Rule {
    /// Every rule.
    pub const ALL: [Rule; 6] = [
        Rule::EligibilityInactive,
        Rule::MissingAuthorization,
        Rule::TimelyFiling,
        Rule::DxProcedureMismatch,
        Rule::DuplicateClaim,
        Rule::MissingModifier25,
    ];

    /// The id cited as `rule:<id>`.
    pub fn id(self) -> &'static str {
        match self {
            Rule::EligibilityInactive => "eligibility_inactive",
            Rule::MissingAuthorization => "missing_authorization",
            Rule::TimelyFiling => "timely_filing",
            Rule::DxProcedureMismatch => "dx_procedure_mismatch",
            Rule::DuplicateClaim => "duplicate_claim",
            Rule::MissingModifier25 => "missing_modifier_25",
        }
    }

    /// How likely a claim is denied when this rule fires (a prior, used by the combined
    /// score; see [`super::score`]).
    pub fn weight(self) -> f64 {
        match self {
            Rule::EligibilityInactive => 0.9,
            Rule::MissingAuthorization => 0.85,
            Rule::TimelyFiling => 0.95,
            Rule::DxProcedureMismatch => 0.7,
            Rule::DuplicateClaim => 0.9,
            Rule::MissingModifier25 => 0.6,
        }
    }

    /// What to do about it.
    pub fn fix(self) -> &'static str {
        match self {
            Rule::EligibilityInactive => {
                "verify eligibility for the date of service and bill the active policy or the patient"
            }
            Rule::MissingAuthorization => {
                "obtain (or attach) the prior authorization number before submitting"
            }
            Rule::TimelyFiling => {
                "attach proof of timely filing (an earlier submission or payer acknowledgement)"
            }
            Rule::DxProcedureMismatch => {
                "code the diagnosis documented as the reason for the procedure"
            }
            Rule::DuplicateClaim => {
                "do not resubmit; check the status of the earlier claim or send a corrected claim"
            }
            Rule::MissingModifier25 => {
                "append modifier 25 to the E/M line if the visit was significant and separately identifiable"
            }
        }
    }
}

/// A rule that fired, with its evidence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleFlag {
    /// The rule.
    pub rule: Rule,
    /// What in the claim made it fire (codes and day counts, no identifiers).
    pub evidence: String,
    /// The other claim involved (duplicates), for the people reviewing.
    pub related_claim: Option<ClaimId>,
}

/// Procedures that need prior authorization with most commercial and managed plans:
/// advanced imaging, nuclear cardiology, sleep studies, elective orthopaedic and spine
/// surgery. `(code, description)`.
pub const PRIOR_AUTH: &[(&str, &str)] = &[
    ("70551", "MRI brain without contrast"),
    ("70553", "MRI brain without and with contrast"),
    ("72141", "MRI cervical spine without contrast"),
    ("72148", "MRI lumbar spine without contrast"),
    ("73221", "MRI upper extremity joint without contrast"),
    ("73721", "MRI lower extremity joint without contrast"),
    ("73722", "MRI lower extremity joint with contrast"),
    (
        "73723",
        "MRI lower extremity joint without and with contrast",
    ),
    ("74177", "CT abdomen and pelvis with contrast"),
    ("78452", "Myocardial perfusion imaging, multiple studies"),
    ("95810", "Polysomnography"),
    ("29881", "Knee arthroscopy with meniscectomy"),
    ("63030", "Lumbar laminotomy"),
];

/// Diagnosis support: a procedure and the ICD-10-CM prefixes that support it.
pub const DX_SUPPORT: &[(&str, &[&str])] = &[
    // MRI lower extremity joint: knee/hip/ankle disorders, injuries, joint prostheses.
    (
        "73721",
        &[
            "M17", "M22", "M23", "M24", "M25", "M65", "M66", "M67", "M70", "M76", "M79.6", "M84",
            "M87", "S7", "S8", "S9", "T84", "Z96.6",
        ],
    ),
    // MRI upper extremity joint: shoulder/elbow/wrist disorders and injuries.
    (
        "73221",
        &[
            "M19.0", "M24", "M25", "M75", "M77", "S4", "S5", "S6", "T84", "Z96.6",
        ],
    ),
    // MRI lumbar spine: spine disorders, radiculopathy, injuries, tumours.
    (
        "72148",
        &[
            "M43", "M45", "M46", "M47", "M48", "M51", "M53", "M54", "G83.4", "C79.5", "S3",
        ],
    ),
    // Chest X-ray: respiratory disease and symptoms, heart failure, pre-operative exam.
    (
        "71046",
        &[
            "J", "R05", "R06", "R07", "R09", "R50", "I50", "I26", "C34", "Z01.81", "A15",
        ],
    ),
    // ECG: circulatory disease, palpitations, chest pain, syncope, electrolytes, pre-op.
    (
        "93000",
        &[
            "I", "R00", "R01", "R06", "R07", "R42", "R55", "E87", "Z01.81",
        ],
    ),
];

/// Minor procedures and drug administration that, billed with an E/M on the same day, need
/// modifier 25 on the E/M (NCCI).
pub const MODIFIER_25_PROCEDURES: &[&str] = &[
    "96372", "96373", "96374", "20550", "20552", "20610", "20611", "11102", "11200", "11720",
    "17000", "17003", "17110", "10060", "12001", "69210",
];

/// Office/outpatient and preventive E/M codes (99202–99215, 99381–99397).
pub fn is_evaluation_and_management(code: &str) -> bool {
    let Ok(n) = code.parse::<u32>() else {
        return false;
    };
    (99202..=99215).contains(&n) || (99381..=99397).contains(&n)
}

/// Days from service to submission a plan type allows: Medicare and Medicaid 365,
/// commercial 180, anything else (or unknown) 90.
pub fn filing_limit_days(kind: Option<&str>) -> i64 {
    match kind.map(str::to_ascii_lowercase).as_deref() {
        Some(k) if k.contains("medicare") || k.contains("medicaid") => 365,
        Some(k) if k.contains("commercial") => 180,
        _ => 90,
    }
}

type Signature = Vec<(String, Vec<String>)>;
type Visit = (PatientId, Option<ProviderId>, NaiveDate);

fn signature(c: &ClaimFacts) -> Signature {
    let mut s: Signature = c
        .lines
        .iter()
        .map(|l| {
            let mut m = l.modifiers.clone().unwrap_or_default();
            m.sort();
            (l.code.clone(), m)
        })
        .collect();
    s.sort();
    s
}

/// The rules, with an index of every claim (for duplicates).
pub struct RuleBook {
    by_visit: HashMap<Visit, Vec<(NaiveDate, ClaimId, Signature)>>,
}

impl RuleBook {
    /// Indexes `claims` (every claim the practice has, so duplicates can be found).
    pub fn new<'a>(claims: impl IntoIterator<Item = &'a ClaimFacts>) -> Self {
        let mut by_visit: HashMap<_, Vec<_>> = HashMap::new();
        for c in claims {
            by_visit
                .entry((c.patient_id, c.provider_id, c.service_date))
                .or_default()
                .push((c.submitted, c.claim_id, signature(c)));
        }
        RuleBook { by_visit }
    }

    /// Every rule that fires for `claim`, in [`Rule::ALL`] order.
    pub fn check(&self, claim: &ClaimFacts) -> Vec<RuleFlag> {
        let mut out = Vec::new();
        eligibility(claim, &mut out);
        authorization(claim, &mut out);
        timely(claim, &mut out);
        mismatch(claim, &mut out);
        self.duplicate(claim, &mut out);
        modifier(claim, &mut out);
        out
    }

    fn duplicate(&self, claim: &ClaimFacts, out: &mut Vec<RuleFlag>) {
        let sig = signature(claim);
        if sig.is_empty() {
            return;
        }
        let Some(visit) =
            self.by_visit
                .get(&(claim.patient_id, claim.provider_id, claim.service_date))
        else {
            return;
        };
        let earlier = visit
            .iter()
            .filter(|(submitted, id, s)| {
                *s == sig && (*submitted, *id) < (claim.submitted, claim.claim_id)
            })
            .min_by_key(|(submitted, id, _)| (*submitted, *id));
        if let Some((submitted, id, _)) = earlier {
            let codes: Vec<&str> = sig.iter().map(|(c, _)| c.as_str()).collect();
            out.push(RuleFlag {
                rule: Rule::DuplicateClaim,
                evidence: format!(
                    "an earlier claim has the same patient, provider, date of service and procedures ({}), submitted {} days before this one",
                    codes.join(", "),
                    (claim.submitted - *submitted).num_days()
                ),
                related_claim: Some(*id),
            });
        }
    }
}

fn flag(rule: Rule, evidence: String) -> RuleFlag {
    RuleFlag {
        rule,
        evidence,
        related_claim: None,
    }
}

fn eligibility(c: &ClaimFacts, out: &mut Vec<RuleFlag>) {
    let Some(cov) = &c.coverage else { return };
    let mut why = Vec::new();
    if let Some(status) = &cov.eligibility_status {
        let s = status.to_ascii_lowercase();
        if ["ineligible", "inactive", "terminated"].contains(&s.as_str()) {
            why.push(format!("eligibility status on file is {status}"));
        }
    }
    if let Some(end) = cov.expires
        && end < c.service_date
    {
        why.push(format!(
            "coverage ended {} days before the date of service",
            (c.service_date - end).num_days()
        ));
    }
    if let Some(start) = cov.issued
        && start > c.service_date
    {
        why.push(format!(
            "coverage started {} days after the date of service",
            (start - c.service_date).num_days()
        ));
    }
    if cov.cancelled {
        why.push("the billed policy is cancelled".into());
    }
    if !why.is_empty() {
        out.push(flag(
            Rule::EligibilityInactive,
            format!("{} policy: {}", cov.payer, why.join("; ")),
        ));
    }
}

fn authorization(c: &ClaimFacts, out: &mut Vec<RuleFlag>) {
    if c.authorization
        .as_deref()
        .is_some_and(|a| !a.trim().is_empty())
    {
        return;
    }
    for l in &c.lines {
        if let Some((code, what)) = PRIOR_AUTH.iter().find(|(code, _)| *code == l.code) {
            out.push(flag(
                Rule::MissingAuthorization,
                format!("{code} ({what}) needs prior authorization; the claim has no authorization number"),
            ));
            return;
        }
    }
}

fn timely(c: &ClaimFacts, out: &mut Vec<RuleFlag>) {
    let kind = c.coverage.as_ref().map(|c| c.kind.as_str());
    let limit = filing_limit_days(kind);
    let days = (c.submitted - c.service_date).num_days();
    if days > limit {
        out.push(flag(
            Rule::TimelyFiling,
            format!(
                "submitted {days} days after the date of service; the limit for {} plans is {limit} days",
                kind.filter(|k| !k.is_empty()).unwrap_or("unknown")
            ),
        ));
    }
}

fn mismatch(c: &ClaimFacts, out: &mut Vec<RuleFlag>) {
    for l in &c.lines {
        let Some((code, prefixes)) = DX_SUPPORT.iter().find(|(code, _)| *code == l.code) else {
            continue;
        };
        let supported = c.diagnoses.iter().any(|d| {
            let dx = d.code.to_ascii_uppercase();
            prefixes.iter().any(|p| dx.starts_with(p))
        });
        if !supported {
            let dx: Vec<&str> = c.diagnoses.iter().map(|d| d.code.as_str()).collect();
            out.push(flag(
                Rule::DxProcedureMismatch,
                format!(
                    "{code} is not supported by the claim's diagnoses ({}); supporting ICD-10 groups include {}",
                    if dx.is_empty() { "none".to_owned() } else { dx.join(", ") },
                    prefixes.iter().take(5).copied().collect::<Vec<_>>().join(", ")
                ),
            ));
        }
    }
}

fn modifier(c: &ClaimFacts, out: &mut Vec<RuleFlag>) {
    // Only lines whose modifiers are shown can be missing one.
    let Some(em) = c.lines.iter().find(|l| {
        is_evaluation_and_management(&l.code)
            && l.modifiers
                .as_ref()
                .is_some_and(|m| !m.iter().any(|m| m == "25"))
    }) else {
        return;
    };
    if let Some(proc) = c
        .lines
        .iter()
        .find(|l| MODIFIER_25_PROCEDURES.contains(&l.code.as_str()))
    {
        out.push(flag(
            Rule::MissingModifier25,
            format!(
                "E/M {} billed with {} on the same claim without modifier 25",
                em.code, proc.code
            ),
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::denial::{Coverage, Diagnosis, ServiceLine};
    use athena_core::ids::InsuranceId;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn line(code: &str, modifiers: &[&str]) -> ServiceLine {
        ServiceLine {
            code: code.into(),
            modifiers: Some(modifiers.iter().map(|m| (*m).to_owned()).collect()),
            description: String::new(),
        }
    }

    fn claim(id: u64, lines: Vec<ServiceLine>, dx: &[&str]) -> ClaimFacts {
        ClaimFacts {
            claim_id: ClaimId::new(id),
            patient_id: PatientId::new(7),
            department_id: None,
            provider_id: None,
            service_date: d(2025, 3, 3),
            submitted: d(2025, 3, 4),
            lines,
            diagnoses: dx
                .iter()
                .map(|c| Diagnosis {
                    code: (*c).into(),
                    description: String::new(),
                })
                .collect(),
            authorization: None,
            coverage: Some(Coverage {
                insurance_id: InsuranceId::new(71),
                payer: "Aetna".into(),
                kind: "Commercial".into(),
                eligibility_status: Some("Eligible".into()),
                issued: Some(d(2020, 1, 1)),
                expires: None,
                cancelled: false,
            }),
        }
    }

    fn ids(flags: &[RuleFlag]) -> Vec<&'static str> {
        flags.iter().map(|f| f.rule.id()).collect()
    }

    #[test]
    fn clean_claim_fires_nothing() {
        let c = claim(1, vec![line("99214", &[]), line("80053", &[])], &["I10"]);
        assert!(RuleBook::new([&c]).check(&c).is_empty());
    }

    #[test]
    fn each_rule_fires_on_its_evidence() {
        let mut c = claim(1, vec![line("73721", &[])], &["F32.9"]);
        c.coverage.as_mut().unwrap().eligibility_status = Some("Ineligible".into());
        c.submitted = d(2025, 12, 1);
        let flags = RuleBook::new([&c]).check(&c);
        assert_eq!(
            ids(&flags),
            [
                "eligibility_inactive",
                "missing_authorization",
                "timely_filing",
                "dx_procedure_mismatch"
            ]
        );
        assert!(
            flags[2].evidence.contains("273 days"),
            "{}",
            flags[2].evidence
        );
        c.authorization = Some("PA1".into());
        assert!(!ids(&RuleBook::new([&c]).check(&c)).contains(&"missing_authorization"));

        let m = claim(2, vec![line("99214", &[]), line("96372", &[])], &["I10"]);
        assert_eq!(ids(&RuleBook::new([&m]).check(&m)), ["missing_modifier_25"]);
        // The same claim as athena's `GET /claims` shows it (no modifiers): not flagged.
        let mut unknown = m;
        unknown.lines.iter_mut().for_each(|l| l.modifiers = None);
        assert!(RuleBook::new([&unknown]).check(&unknown).is_empty());
        let ok = claim(
            3,
            vec![line("99214", &["25"]), line("96372", &[])],
            &["I10"],
        );
        assert!(RuleBook::new([&ok]).check(&ok).is_empty());
    }

    #[test]
    fn only_the_later_of_two_identical_claims_is_a_duplicate() {
        let a = claim(10, vec![line("99214", &[])], &["I10"]);
        let b = claim(11, vec![line("99214", &[])], &["I10"]);
        let other_code = claim(12, vec![line("99213", &[])], &["I10"]);
        let book = RuleBook::new([&a, &b, &other_code]);
        assert!(book.check(&a).is_empty());
        let flags = book.check(&b);
        assert_eq!(ids(&flags), ["duplicate_claim"]);
        assert_eq!(flags[0].related_claim, Some(ClaimId::new(10)));
        assert!(book.check(&other_code).is_empty());
    }

    #[test]
    fn expired_coverage_counts_from_the_date_of_service() {
        let mut c = claim(1, vec![line("99213", &[])], &["I10"]);
        c.coverage.as_mut().unwrap().expires = Some(d(2025, 2, 1));
        let flags = RuleBook::new([&c]).check(&c);
        assert_eq!(ids(&flags), ["eligibility_inactive"]);
        assert!(
            flags[0].evidence.contains("30 days before"),
            "{}",
            flags[0].evidence
        );
        assert_eq!(filing_limit_days(Some("Medicare Part B")), 365);
        assert_eq!(filing_limit_days(None), 90);
    }
}
