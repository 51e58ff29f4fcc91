//! SOAP note validation as typed claims.
//!
//! Each statement of a draft is read for claims ([`extract_claims`]): vitals by kind with
//! units ("BP 120/80" is a systolic and a diastolic claim), qualitative statements
//! ("afebrile", "BP normal", "saturating well on room air"), medications normalised to their
//! generic name through a lexicon of brand and generic names ([`lexicon()`]) with dose, route
//! and frequency, allergies and "NKDA", and lab values. The chart's facts are read by the same
//! extractor, and each claim is compared only with facts of its own kind: a heart rate with
//! heart-rate facts (never with a diastolic value), units converted, within the precision the
//! claim was written with. A claim must also cite a fact that mentions what it claims.
//!
//! What is compared, and the thresholds used for qualitative words:
//!
//! | claim | against | problem when |
//! |---|---|---|
//! | vital value | chart vitals of the kind (°F/°C, lb/kg, in/cm converted) | no reading of the kind equals it at the written precision |
//! | "afebrile" / "febrile" | temperature | ≥ 100.4 °F / < 100.0 °F |
//! | "tachycardic" / "bradycardic" / "normal rate" | heart rate | ≤ 100 / ≥ 60 / outside 50–100 |
//! | "normotensive", "BP normal", "HTN controlled" | blood pressure | ≥ 140 systolic or ≥ 90 diastolic, or < 90 systolic |
//! | "hypertensive", "BP elevated", "HTN not at goal" | blood pressure | < 130 and < 80 |
//! | "hypotensive", "BP low" | blood pressure | > 100 systolic |
//! | "saturating well" / "hypoxic" | SpO₂ | < 94 % / ≥ 95 % |
//! | "tachypneic" / "RR normal" | respiratory rate | ≤ 20 / outside 10–20 |
//! | "obese" / "overweight" / "underweight" / "normal BMI" | BMI (or weight and height) | < 30 / < 25 / ≥ 18.5 / outside 18.5–25 |
//! | medication | the chart's medication list (generic via the lexicon) | not on it; dose, count, route or frequency differ |
//! | "NKDA" | allergy list | allergies are on file |
//! | allergy | allergy list (drug classes count: amoxicillin is a penicillin) | not on file; another reaction |
//! | lab value / "elevated" | lab results (value, reference range, flag) | value differs; level contradicts range or flag |
//!
//! Ranges and decades ("SpO₂ 88-90%", "HR in the 110s") match any reading inside them; a value
//! impossible for an explicit label ("RR 97", "98.4 C") is itself a problem.
//!
//! A statement citing the transcript (or another free-text fact) that contains the same
//! number or drug is supported by it. Proposed changes ("increase lisinopril to 20 mg",
//! "start amoxicillin") are warnings for the reviewer to confirm, not blocking problems.
//!
//! Problems are shown to the reviewer ([`Problem`]'s `Display` quotes the values compared);
//! they must not be logged: `Debug` leaves the values out.

mod check;
mod extract;
mod lexicon;
mod text;

use std::fmt;
use std::ops::Range;

pub use check::validate;
pub use extract::{
    AllergyClaim, Claim, Dose, DoseUnit, LabClaim, LabLevel, LabLevelClaim, MedAction,
    MedicationClaim, Qualitative, QualitativeClaim, Route, VitalClaim, VitalKind, VitalUnit,
    extract_claims,
};
pub use lexicon::{Drug, Lexicon, lexicon};

/// How serious a problem is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Severity {
    /// The statement contradicts the chart or cannot be supported: fix it or override.
    Blocking,
    /// The reviewer should confirm (a proposed change, a section that could not be read).
    Warning,
}

/// What is wrong with a claim.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ProblemKind {
    /// A vital's value differs from the chart's reading of that kind.
    VitalMismatch,
    /// A vital of a kind the chart has no reading of.
    VitalNotInChart,
    /// A vital that is impossible in the unit written (`98.4 C`).
    VitalImplausible,
    /// A qualitative statement the chart's values contradict ("afebrile" at 101.3 °F).
    QualitativeContradicted,
    /// A medication that is not on the chart's list.
    MedicationNotOnList,
    /// A medication proposed that is not on the list (warning).
    NewMedication,
    /// A dose (or count) that differs from the chart's.
    DoseMismatch,
    /// A proposed dose or frequency change (warning).
    ProposedChange,
    /// A route that differs from the chart's.
    RouteMismatch,
    /// A frequency that differs from the chart's.
    FrequencyMismatch,
    /// "NKDA" while allergies are on file.
    NkdaContradicted,
    /// An allergy that is not on file.
    AllergyNotOnFile,
    /// An allergy with another reaction than the one on file.
    AllergyReactionMismatch,
    /// A lab value that differs from the chart's.
    LabMismatch,
    /// A lab value of an analyte the chart has no result for.
    LabNotInChart,
    /// A lab level ("elevated", "normal") the range or flag contradicts.
    LabLevelContradicted,
    /// The cited facts do not mention what the statement claims.
    CitationMismatch,
    /// The chart section the claim needs could not be retrieved (warning).
    SectionUnavailable,
}

impl ProblemKind {
    /// A short readable name.
    pub fn label(self) -> &'static str {
        match self {
            ProblemKind::VitalMismatch => "vital sign differs from the chart",
            ProblemKind::VitalNotInChart => "vital sign not in the chart",
            ProblemKind::VitalImplausible => "impossible vital sign",
            ProblemKind::QualitativeContradicted => "contradicted by the chart's values",
            ProblemKind::MedicationNotOnList => "medication not on the chart's list",
            ProblemKind::NewMedication => "new medication, confirm",
            ProblemKind::DoseMismatch => "dose differs from the chart",
            ProblemKind::ProposedChange => "proposed change, confirm",
            ProblemKind::RouteMismatch => "route differs from the chart",
            ProblemKind::FrequencyMismatch => "frequency differs from the chart",
            ProblemKind::NkdaContradicted => "NKDA but allergies are on file",
            ProblemKind::AllergyNotOnFile => "allergy not on file",
            ProblemKind::AllergyReactionMismatch => "allergy reaction differs from the chart",
            ProblemKind::LabMismatch => "lab value differs from the chart",
            ProblemKind::LabNotInChart => "lab value not in the chart",
            ProblemKind::LabLevelContradicted => "lab level contradicted by the result",
            ProblemKind::CitationMismatch => "cited facts do not mention it",
            ProblemKind::SectionUnavailable => "chart section not available to check",
        }
    }
}

/// A SOAP section.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum NoteSection {
    /// Subjective.
    Subjective,
    /// Objective.
    Objective,
    /// Assessment.
    Assessment,
    /// Plan.
    Plan,
}

impl NoteSection {
    /// `S`, `O`, `A` or `P`.
    pub fn letter(self) -> char {
        match self {
            NoteSection::Subjective => 'S',
            NoteSection::Objective => 'O',
            NoteSection::Assessment => 'A',
            NoteSection::Plan => 'P',
        }
    }
}

/// A problem found in one statement of a note.
///
/// `Display` (for the reviewer) reads `O[1] vital sign differs from the chart: heart rate 82
/// (vital:2 has 72)`. `Debug` leaves the detail out, so that problems logged by mistake
/// carry no clinical values.
#[derive(Clone, PartialEq)]
pub struct Problem {
    /// What is wrong.
    pub kind: ProblemKind,
    /// Blocking or warning.
    pub severity: Severity,
    /// The section of the statement.
    pub section: NoteSection,
    /// The statement's index in its section.
    pub statement: usize,
    /// The claim's byte range in the statement's text.
    pub span: Range<usize>,
    /// The id of the fact the claim was compared with, when there is one.
    pub fact: Option<String>,
    detail: String,
}

impl Problem {
    /// The reviewer-facing detail: what was claimed and what the chart holds.
    pub fn detail(&self) -> &str {
        &self.detail
    }
    /// True for [`Severity::Blocking`].
    pub fn is_blocking(&self) -> bool {
        self.severity == Severity::Blocking
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}[{}] {}: {}",
            self.section.letter(),
            self.statement,
            self.kind.label(),
            self.detail
        )
    }
}

impl fmt::Debug for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Problem")
            .field("kind", &self.kind)
            .field("severity", &self.severity)
            .field("section", &self.section.letter())
            .field("statement", &self.statement)
            .field("span", &self.span)
            .field("fact", &self.fact)
            .finish_non_exhaustive()
    }
}
