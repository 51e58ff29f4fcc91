//! US Core 3.1.1 helpers: the race, ethnicity and birth-sex extensions, vital-sign and lab
//! Observations by LOINC, problem-list vs encounter-diagnosis Conditions, and `us-core-*`
//! profile checks that return a readable report (never panic).

use crate::r4::{
    CodeableConcept, Condition, Extension, ExtensionValue, Issue, IssueKind, Observation, Patient,
    Resource,
};

/// `us-core-race`.
pub const RACE_URL: &str = "http://hl7.org/fhir/us/core/StructureDefinition/us-core-race";
/// `us-core-ethnicity`.
pub const ETHNICITY_URL: &str = "http://hl7.org/fhir/us/core/StructureDefinition/us-core-ethnicity";
/// `us-core-birthsex`.
pub const BIRTHSEX_URL: &str = "http://hl7.org/fhir/us/core/StructureDefinition/us-core-birthsex";
/// LOINC.
pub const LOINC: &str = "http://loinc.org";

/// One coded answer of the race or ethnicity extension (CDC Race & Ethnicity codes).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RaceCode {
    /// Code system (normally `urn:oid:2.16.840.1.113883.6.238`).
    pub system: Option<String>,
    /// The code, e.g. `2106-3`.
    pub code: Option<String>,
    /// Display text.
    pub display: Option<String>,
}

/// The race or ethnicity extension, typed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RaceOrEthnicity {
    /// `ombCategory` answers (OMB minimum categories).
    pub omb_category: Vec<RaceCode>,
    /// `detailed` answers.
    pub detailed: Vec<RaceCode>,
    /// `text` (required by the profile).
    pub text: Option<String>,
}

/// US Core birth sex (`M`, `F`, `UNK`), unknown codes kept.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BirthSex {
    /// `M`.
    Male,
    /// `F`.
    Female,
    /// `UNK`.
    Unknown,
    /// Any other code, as sent.
    Other(String),
}

fn ext<'a>(exts: &'a [Extension], url: &str) -> Option<&'a Extension> {
    exts.iter().find(|e| e.url.as_deref() == Some(url))
}

fn race_like(e: &Extension) -> RaceOrEthnicity {
    let mut out = RaceOrEthnicity::default();
    for sub in &e.extension {
        match (sub.url.as_deref(), &sub.value) {
            (Some(kind @ ("ombCategory" | "detailed")), Some(ExtensionValue::Coding(c))) => {
                let code = RaceCode {
                    system: c.system.clone(),
                    code: c.code.clone(),
                    display: c.display.clone(),
                };
                if kind == "ombCategory" {
                    out.omb_category.push(code);
                } else {
                    out.detailed.push(code);
                }
            }
            (Some("text"), Some(ExtensionValue::String(t))) => out.text = Some(t.clone()),
            _ => {}
        }
    }
    out
}

/// The patient's `us-core-race` extension, if present.
pub fn race(patient: &Patient) -> Option<RaceOrEthnicity> {
    ext(&patient.extension, RACE_URL).map(race_like)
}

/// The patient's `us-core-ethnicity` extension, if present.
pub fn ethnicity(patient: &Patient) -> Option<RaceOrEthnicity> {
    ext(&patient.extension, ETHNICITY_URL).map(race_like)
}

/// The patient's `us-core-birthsex` extension, if present.
pub fn birth_sex(patient: &Patient) -> Option<BirthSex> {
    match &ext(&patient.extension, BIRTHSEX_URL)?.value {
        Some(ExtensionValue::Code(c)) => Some(match c.as_str() {
            "M" => BirthSex::Male,
            "F" => BirthSex::Female,
            "UNK" => BirthSex::Unknown,
            other => BirthSex::Other(other.to_owned()),
        }),
        _ => None,
    }
}

/// The vital signs of the FHIR R4 vital-signs profiles (used by US Core 3.1.1), by LOINC.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum VitalSign {
    /// 85353-1 vital signs panel.
    Panel,
    /// 9279-1 respiratory rate.
    RespiratoryRate,
    /// 8867-4 heart rate.
    HeartRate,
    /// 2708-6 / 59408-5 oxygen saturation.
    OxygenSaturation,
    /// 8310-5 body temperature.
    BodyTemperature,
    /// 8302-2 body height.
    BodyHeight,
    /// 9843-4 head circumference.
    HeadCircumference,
    /// 29463-7 body weight.
    BodyWeight,
    /// 39156-5 BMI.
    Bmi,
    /// 85354-9 blood pressure panel.
    BloodPressure,
    /// 8480-6 systolic.
    Systolic,
    /// 8462-4 diastolic.
    Diastolic,
    /// 59576-9 pediatric BMI-for-age percentile.
    PediatricBmiForAge,
    /// 77606-2 pediatric weight-for-height percentile.
    PediatricWeightForHeight,
    /// 8289-1 head occipital-frontal circumference percentile.
    HeadCircumferencePercentile,
}

impl VitalSign {
    /// The kind for a LOINC code.
    pub fn from_loinc(code: &str) -> Option<Self> {
        Some(match code {
            "85353-1" => Self::Panel,
            "9279-1" => Self::RespiratoryRate,
            "8867-4" => Self::HeartRate,
            "2708-6" | "59408-5" => Self::OxygenSaturation,
            "8310-5" => Self::BodyTemperature,
            "8302-2" => Self::BodyHeight,
            "9843-4" => Self::HeadCircumference,
            "29463-7" => Self::BodyWeight,
            "39156-5" => Self::Bmi,
            "85354-9" => Self::BloodPressure,
            "8480-6" => Self::Systolic,
            "8462-4" => Self::Diastolic,
            "59576-9" => Self::PediatricBmiForAge,
            "77606-2" => Self::PediatricWeightForHeight,
            "8289-1" => Self::HeadCircumferencePercentile,
            _ => return None,
        })
    }
}

fn has_coding(cc: &CodeableConcept, system: &str, code: &str) -> bool {
    cc.coding
        .iter()
        .any(|c| c.system.as_deref() == Some(system) && c.code.as_deref() == Some(code))
}

fn loinc_codes(cc: &CodeableConcept) -> impl Iterator<Item = &str> {
    cc.coding
        .iter()
        .filter(|c| c.system.as_deref() == Some(LOINC))
        .filter_map(|c| c.code.as_deref())
}

const OBS_CATEGORY: &str = "http://terminology.hl7.org/CodeSystem/observation-category";
const CONDITION_CATEGORY: &str = "http://terminology.hl7.org/CodeSystem/condition-category";

/// The vital sign an Observation records (by its LOINC `code`), if any.
pub fn vital_sign(o: &Observation) -> Option<VitalSign> {
    o.code
        .as_ref()
        .and_then(|c| loinc_codes(c).find_map(VitalSign::from_loinc))
}

/// True for a `vital-signs` category Observation.
pub fn is_vital_sign(o: &Observation) -> bool {
    o.category
        .iter()
        .any(|c| has_coding(c, OBS_CATEGORY, "vital-signs"))
}

/// True for a `laboratory` category Observation (US Core Laboratory Result Observation).
pub fn is_lab(o: &Observation) -> bool {
    o.category
        .iter()
        .any(|c| has_coding(c, OBS_CATEGORY, "laboratory"))
}

/// The LOINC code of a lab Observation, if it is one.
pub fn lab_loinc(o: &Observation) -> Option<&str> {
    if !is_lab(o) {
        return None;
    }
    o.code.as_ref().and_then(|c| loinc_codes(c).next())
}

/// What a Condition records.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ConditionKind {
    /// `problem-list-item`.
    ProblemListItem,
    /// `encounter-diagnosis`.
    EncounterDiagnosis,
    /// `health-concern` (US Core 4+).
    HealthConcern,
    /// No US Core category.
    Unspecified,
}

/// The US Core category of a Condition.
pub fn condition_kind(c: &Condition) -> ConditionKind {
    let has = |code| {
        c.category
            .iter()
            .any(|cc| has_coding(cc, CONDITION_CATEGORY, code))
    };
    if has("problem-list-item") {
        ConditionKind::ProblemListItem
    } else if has("encounter-diagnosis") {
        ConditionKind::EncounterDiagnosis
    } else if c.category.iter().any(|cc| {
        cc.coding
            .iter()
            .any(|x| x.code.as_deref() == Some("health-concern"))
    }) {
        ConditionKind::HealthConcern
    } else {
        ConditionKind::Unspecified
    }
}

/// The result of a US Core profile check.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ProfileReport {
    /// The profile checked (e.g. `us-core-patient`), `None` when no US Core profile applies.
    pub profile: Option<&'static str>,
    /// Findings; empty means conformant for the checked rules.
    pub issues: Vec<Issue>,
}

impl ProfileReport {
    /// True when nothing was found.
    pub fn is_conformant(&self) -> bool {
        self.issues.is_empty()
    }
}

impl std::fmt::Display for ProfileReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let name = self.profile.unwrap_or("(no US Core profile)");
        if self.issues.is_empty() {
            return write!(f, "{name}: conformant");
        }
        writeln!(f, "{name}: {} issue(s)", self.issues.len())?;
        for i in &self.issues {
            writeln!(f, "  - {i}")?;
        }
        Ok(())
    }
}

fn need(issues: &mut Vec<Issue>, ok: bool, path: &str, msg: &str) {
    if !ok {
        issues.push(Issue {
            path: path.to_owned(),
            kind: IssueKind::Profile(msg.to_owned()),
        });
    }
}

/// Checks the elements US Core 3.1.1 requires (cardinality 1.. and the required
/// categories) for the profile that applies to `resource`. Never panics.
pub fn check(resource: &Resource) -> ProfileReport {
    let mut issues = Vec::new();
    let profile = match resource {
        Resource::Patient(p) => {
            need(
                &mut issues,
                !p.identifier.is_empty(),
                "Patient.identifier",
                "us-core-patient requires an identifier",
            );
            for (i, id) in p.identifier.iter().enumerate() {
                need(
                    &mut issues,
                    id.system.is_some(),
                    &format!("Patient.identifier[{i}].system"),
                    "required",
                );
                need(
                    &mut issues,
                    id.value.is_some(),
                    &format!("Patient.identifier[{i}].value"),
                    "required",
                );
            }
            need(
                &mut issues,
                !p.name.is_empty(),
                "Patient.name",
                "us-core-patient requires a name",
            );
            for (i, n) in p.name.iter().enumerate() {
                need(
                    &mut issues,
                    n.family.is_some() || !n.given.is_empty(),
                    &format!("Patient.name[{i}]"),
                    "us-core-8: family or given is required",
                );
            }
            need(
                &mut issues,
                p.gender.is_some(),
                "Patient.gender",
                "us-core-patient requires gender",
            );
            if let Some(r) = race(p) {
                need(
                    &mut issues,
                    r.text.is_some(),
                    "Patient.extension:race.text",
                    "race text is required",
                );
            }
            if let Some(e) = ethnicity(p) {
                need(
                    &mut issues,
                    e.text.is_some(),
                    "Patient.extension:ethnicity.text",
                    "ethnicity text is required",
                );
            }
            Some("us-core-patient")
        }
        Resource::Condition(c) => {
            need(
                &mut issues,
                !c.category.is_empty(),
                "Condition.category",
                "us-core-condition requires a category",
            );
            need(
                &mut issues,
                c.code.is_some(),
                "Condition.code",
                "us-core-condition requires a code",
            );
            need(
                &mut issues,
                c.subject.is_some(),
                "Condition.subject",
                "us-core-condition requires a subject",
            );
            Some("us-core-condition")
        }
        Resource::Observation(o) => {
            let profile = if vital_sign(o).is_some() {
                need(
                    &mut issues,
                    is_vital_sign(o),
                    "Observation.category",
                    "vital signs need category vital-signs",
                );
                need(
                    &mut issues,
                    o.value.is_some() || !o.component.is_empty() || o.data_absent_reason.is_some(),
                    "Observation.value[x]",
                    "vs-2: a value, components or a dataAbsentReason is required",
                );
                "vitalsigns"
            } else if is_lab(o) {
                need(
                    &mut issues,
                    o.value.is_some() || o.data_absent_reason.is_some() || !o.has_member.is_empty(),
                    "Observation.value[x]",
                    "us-core-2: a value, dataAbsentReason or hasMember is required",
                );
                "us-core-observation-lab"
            } else {
                "observation"
            };
            need(
                &mut issues,
                o.status.is_some(),
                "Observation.status",
                "required",
            );
            need(
                &mut issues,
                o.code.is_some(),
                "Observation.code",
                "required",
            );
            need(
                &mut issues,
                o.subject.is_some(),
                "Observation.subject",
                "US Core requires a subject",
            );
            Some(profile)
        }
        Resource::AllergyIntolerance(a) => {
            need(
                &mut issues,
                a.code.is_some(),
                "AllergyIntolerance.code",
                "required",
            );
            need(
                &mut issues,
                a.patient.is_some(),
                "AllergyIntolerance.patient",
                "required",
            );
            Some("us-core-allergyintolerance")
        }
        Resource::Encounter(e) => {
            need(
                &mut issues,
                !e.identifier.is_empty() || e.id.is_some(),
                "Encounter.identifier",
                "an identifier or id is expected",
            );
            need(
                &mut issues,
                e.status.is_some(),
                "Encounter.status",
                "required",
            );
            need(
                &mut issues,
                e.class.is_some(),
                "Encounter.class",
                "required",
            );
            need(
                &mut issues,
                !e.r#type.is_empty(),
                "Encounter.type",
                "us-core-encounter requires a type",
            );
            need(
                &mut issues,
                e.subject.is_some(),
                "Encounter.subject",
                "required",
            );
            Some("us-core-encounter")
        }
        Resource::Immunization(i) => {
            need(
                &mut issues,
                i.status.is_some(),
                "Immunization.status",
                "required",
            );
            need(
                &mut issues,
                i.vaccine_code.is_some(),
                "Immunization.vaccineCode",
                "required",
            );
            need(
                &mut issues,
                i.patient.is_some(),
                "Immunization.patient",
                "required",
            );
            need(
                &mut issues,
                i.occurrence.is_some(),
                "Immunization.occurrence[x]",
                "required",
            );
            need(
                &mut issues,
                i.primary_source.is_some(),
                "Immunization.primarySource",
                "us-core requires primarySource",
            );
            Some("us-core-immunization")
        }
        Resource::DiagnosticReport(d) => {
            need(
                &mut issues,
                d.status.is_some(),
                "DiagnosticReport.status",
                "required",
            );
            need(
                &mut issues,
                !d.category.is_empty(),
                "DiagnosticReport.category",
                "required",
            );
            need(
                &mut issues,
                d.code.is_some(),
                "DiagnosticReport.code",
                "required",
            );
            need(
                &mut issues,
                d.subject.is_some(),
                "DiagnosticReport.subject",
                "required",
            );
            need(
                &mut issues,
                d.effective.is_some(),
                "DiagnosticReport.effective[x]",
                "required",
            );
            Some("us-core-diagnosticreport")
        }
        Resource::Practitioner(p) => {
            need(
                &mut issues,
                !p.identifier.is_empty(),
                "Practitioner.identifier",
                "required",
            );
            need(
                &mut issues,
                !p.name.is_empty(),
                "Practitioner.name",
                "required",
            );
            Some("us-core-practitioner")
        }
        Resource::Organization(o) => {
            need(
                &mut issues,
                o.active.is_some(),
                "Organization.active",
                "required",
            );
            need(
                &mut issues,
                o.name.is_some(),
                "Organization.name",
                "required",
            );
            Some("us-core-organization")
        }
        Resource::Location(l) => {
            need(&mut issues, l.name.is_some(), "Location.name", "required");
            Some("us-core-location")
        }
        Resource::Device(d) => {
            need(&mut issues, d.r#type.is_some(), "Device.type", "required");
            need(
                &mut issues,
                d.patient.is_some(),
                "Device.patient",
                "required",
            );
            Some("us-core-implantable-device")
        }
        Resource::Goal(g) => {
            need(
                &mut issues,
                g.lifecycle_status.is_some(),
                "Goal.lifecycleStatus",
                "required",
            );
            need(
                &mut issues,
                g.description.is_some(),
                "Goal.description",
                "required",
            );
            need(&mut issues, g.subject.is_some(), "Goal.subject", "required");
            Some("us-core-goal")
        }
        Resource::Procedure(p) => {
            need(
                &mut issues,
                p.status.is_some(),
                "Procedure.status",
                "required",
            );
            need(&mut issues, p.code.is_some(), "Procedure.code", "required");
            need(
                &mut issues,
                p.subject.is_some(),
                "Procedure.subject",
                "required",
            );
            need(
                &mut issues,
                p.performed.is_some(),
                "Procedure.performed[x]",
                "required",
            );
            Some("us-core-procedure")
        }
        _ => None,
    };
    ProfileReport { profile, issues }
}
