//! Ground truth planted in the synthetic data, so that AI pipelines (claim denial prediction,
//! inbox triage) can be scored for precision and recall against the sandbox.

/// Why a planted claim was denied.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum DenialCause {
    /// Coverage was not active on the date of service (CO-27): the claim is billed to the
    /// patient's former policy, whose `eligibilitystatus` is `Ineligible` and whose end date
    /// precedes the date of service.
    InactiveEligibility,
    /// A procedure that needs prior authorization was billed without one (CO-197, N54).
    MissingAuthorization,
    /// The claim was filed more than a year after the date of service (CO-29).
    TimelyFiling,
    /// The diagnosis does not support the procedure (CO-11, M76).
    DiagnosisProcedureMismatch,
    /// An exact duplicate of an earlier, paid claim (CO-18, N522).
    DuplicateClaim,
    /// An E/M line billed with a same-day procedure without modifier 25 (CO-4, N519).
    MissingModifier,
    /// The claim lacks information needed for adjudication (CO-16, MA130).
    MissingInformation,
    /// The payer deemed the service not medically necessary (CO-50, N115).
    NotMedicallyNecessary,
}

impl DenialCause {
    /// `(group code, CARC, RARC, description)` as they appear on the claim.
    pub fn codes(self) -> (&'static str, &'static str, &'static str, &'static str) {
        match self {
            DenialCause::InactiveEligibility => (
                "CO",
                "27",
                "N30",
                "Expenses incurred after coverage terminated.",
            ),
            DenialCause::MissingAuthorization => (
                "CO",
                "197",
                "N54",
                "Precertification/authorization/notification/pre-treatment absent.",
            ),
            DenialCause::TimelyFiling => ("CO", "29", "", "The time limit for filing has expired."),
            DenialCause::DiagnosisProcedureMismatch => (
                "CO",
                "11",
                "M76",
                "The diagnosis is inconsistent with the procedure.",
            ),
            DenialCause::DuplicateClaim => ("CO", "18", "N522", "Exact duplicate claim/service."),
            DenialCause::MissingModifier => (
                "CO",
                "4",
                "N519",
                "The procedure code is inconsistent with the modifier used or a required modifier is missing.",
            ),
            DenialCause::MissingInformation => (
                "CO",
                "16",
                "MA130",
                "Claim/service lacks information or has submission/billing error(s).",
            ),
            DenialCause::NotMedicallyNecessary => (
                "CO",
                "50",
                "N115",
                "These are non-covered services because this is not deemed a 'medical necessity' by the payer.",
            ),
        }
    }

    /// The adjustment code as written on remittances, e.g. `CO-197`.
    pub fn adjustment_code(self) -> String {
        let (g, c, _, _) = self.codes();
        format!("{g}-{c}")
    }
}

/// One denied claim and the cause planted in it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlantedDenial {
    /// The claim id (as in `GET /claims/{claimid}`).
    pub claim_id: u64,
    /// The patient the claim is for.
    pub patient_id: u64,
    /// The planted cause.
    pub cause: DenialCause,
    /// The adjustment code on the claim, e.g. `CO-197`.
    pub adjustment_code: String,
    /// The remark code on the claim (may be empty), e.g. `N54`.
    pub remark_code: String,
}

/// A patient case (inbox message) that a triage pipeline must escalate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UrgentCase {
    /// The patient case id.
    pub patient_case_id: u64,
    /// The patient who wrote.
    pub patient_id: u64,
    /// The provider whose inbox holds it.
    pub provider_id: u64,
    /// The case subject, e.g. `Chest pain`.
    pub subject: String,
}
