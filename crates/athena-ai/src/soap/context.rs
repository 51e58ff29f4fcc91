//! Gathering a visit's context for SOAP drafting: the encounter, vitals, problems,
//! medications, allergies and recent labs, fetched **concurrently** through `athena-rest`, and
//! turned into the cited [`Fact`]s the drafting prompt lists.
//!
//! Minimum necessary: only what a note needs travels (visit type and date, chief complaint,
//! diagnoses, the latest reading of each vital, active problems and medications, allergies,
//! labs of the last year); no names, addresses or provider details. The patient's demographics
//! are read only to feed the PHI guard's list of identifiers to remove.
//!
//! A section whose call fails does not fail the draft and is not silently dropped: it becomes
//! an explicit "not available" fact (so the model cannot read absence as "none") and is listed
//! in [`VisitContext::sections`]. An empty section is "none recorded", which is different.
//!
//! Fact ids are `{section}:{n}` in the order athena returns items (`encounter:1` the visit,
//! then its chief complaint and diagnoses; `vital:1`, `problem:1`, `med:2`, `allergy:1`,
//! `lab:3`), so the same chart gives the same ids; `{section}:none` and
//! `{section}:unavailable` mark the two degraded cases.

use athena_core::codec::AthenaDate;
use athena_core::ids::{AppointmentId, EncounterId, PatientId};
use athena_core::{Department, Page};
use athena_rest::models::{
    AllergyList, Appointment, Encounter, LabResult, MedicationList, Patient, Problem, Vital,
};
use athena_rest::{DepartmentExt, PracticeExt};
use chrono::NaiveDate;

use super::Fact;
use crate::phi::{KnownIdentifiers, PhiKind};
use crate::{AiError, AiErrorKind};

/// Which visit the note is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Visit {
    /// A clinical encounter.
    Encounter(EncounterId),
    /// An appointment; its encounter is looked up among the patient's encounters (same
    /// appointment id, else same date).
    Appointment(AppointmentId),
}

/// A part of the chart the drafting prompt may use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Section {
    /// The visit itself: type, date, chief complaint, diagnoses.
    Encounter,
    /// The latest reading of each vital sign (on or before the visit).
    Vitals,
    /// Active problems.
    Problems,
    /// Active medications.
    Medications,
    /// Allergies (or NKDA).
    Allergies,
    /// Lab results of the year before the visit.
    Labs,
    /// The visit transcript, when the caller has one.
    Transcript,
}

impl Section {
    /// Every section, in prompt order.
    pub const ALL: [Section; 7] = [
        Section::Encounter,
        Section::Vitals,
        Section::Problems,
        Section::Medications,
        Section::Allergies,
        Section::Labs,
        Section::Transcript,
    ];

    /// A readable name.
    pub fn label(self) -> &'static str {
        match self {
            Section::Encounter => "Encounter",
            Section::Vitals => "Vitals",
            Section::Problems => "Problems",
            Section::Medications => "Medications",
            Section::Allergies => "Allergies",
            Section::Labs => "Recent labs",
            Section::Transcript => "Visit transcript",
        }
    }

    /// The fact id prefix.
    pub fn prefix(self) -> &'static str {
        match self {
            Section::Encounter => "encounter",
            Section::Vitals => "vital",
            Section::Problems => "problem",
            Section::Medications => "med",
            Section::Allergies => "allergy",
            Section::Labs => "lab",
            Section::Transcript => "transcript",
        }
    }
}

/// What a section contributed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Availability {
    /// This many facts.
    Facts(usize),
    /// The chart has nothing in this section (a `{prefix}:none` fact says so).
    NoneRecorded,
    /// The call failed or the data was missing; a `{prefix}:unavailable` fact says so.
    NotAvailable,
}

/// Everything gathered for one visit.
#[derive(Debug, Clone)]
pub struct VisitContext {
    /// The facts, with stable ids, in prompt order (the transcript is not among them; see
    /// [`VisitContext::transcript`]).
    pub facts: Vec<Fact>,
    /// The visit transcript, passed to drafting separately (cited as `transcript`).
    pub transcript: Option<String>,
    /// What each section contributed, in [`Section::ALL`] order.
    pub sections: Vec<(Section, Availability)>,
    /// The patient's identifiers, for the PHI guard (never sent to a non-PHI model).
    pub known: KnownIdentifiers,
    /// The visit date, when known.
    pub visit_date: Option<NaiveDate>,
}

impl VisitContext {
    /// The sections that could not be retrieved.
    pub fn unavailable(&self) -> Vec<Section> {
        self.sections
            .iter()
            .filter(|(_, a)| *a == Availability::NotAvailable)
            .map(|(s, _)| *s)
            .collect()
    }
}

/// Labs older than this many days before the visit are left out.
const LAB_WINDOW_DAYS: i64 = 365;
/// At most this many lab results (the newest).
const MAX_LABS: usize = 8;

/// Gathers the context of `visit` for `patient` in `department`: the encounter (or
/// appointment), vitals, problems, medications, allergies and labs are requested
/// concurrently, together with the patient's demographics (for the PHI guard only).
///
/// Fails when the demographics cannot be read (without them the PHI guard could not remove
/// the patient's name, so it fails closed) or when the visit belongs to another patient.
/// Any other failure degrades its section to "not available".
pub async fn gather(
    department: &Department,
    patient: PatientId,
    visit: Visit,
    transcript: Option<String>,
) -> Result<VisitContext, AiError> {
    let practice = department.practice();
    let chart = department.chart(patient);
    let (demographics, providers, encounter, vitals, problems, medications, allergies, labs) = futures::join!(
        practice
            .patients()
            .get(patient)
            .departmentid(department.id())
            .send(),
        crate::phi::with_practice_providers(practice, KnownIdentifiers::new()),
        find_visit(department, patient, visit),
        chart.vitals().send(),
        chart.problems().send(),
        chart.medications().send(),
        chart.allergies().send(),
        chart.lab_results().send(),
    );
    let demographics = demographics.map_err(AiError::athena)?;
    let (visit_date, encounter_facts) = match encounter {
        Ok(found) => {
            if found.patient().is_some_and(|p| p != patient) {
                return Err(AiError::new(
                    AiErrorKind::Athena,
                    "the visit belongs to another patient",
                ));
            }
            (found.date(), Ok(found.facts()))
        }
        Err(e) => (None, Err(e)),
    };
    let mut ctx = VisitContext {
        facts: Vec::new(),
        transcript: transcript.filter(|t| !t.trim().is_empty()),
        sections: Vec::new(),
        known: known_identifiers(&demographics).merge(providers?),
        visit_date,
    };
    let on_or_before = |d: Option<NaiveDate>| match (d, visit_date) {
        (Some(d), Some(v)) => d <= v,
        _ => true,
    };
    let sections: [(Section, Result<Vec<String>, String>); 6] = [
        (Section::Encounter, encounter_facts),
        (
            Section::Vitals,
            vitals
                .map(|p| vital_facts(&p, &on_or_before))
                .map_err(|e| kind(&e)),
        ),
        (
            Section::Problems,
            problems.map(problem_facts).map_err(|e| kind(&e)),
        ),
        (
            Section::Medications,
            medications.map(medication_facts).map_err(|e| kind(&e)),
        ),
        (
            Section::Allergies,
            allergies.map(allergy_facts).map_err(|e| kind(&e)),
        ),
        (
            Section::Labs,
            labs.map(|p| lab_facts(p, visit_date)).map_err(|e| kind(&e)),
        ),
    ];
    for (section, result) in sections {
        ctx.push(section, result);
    }
    let transcript = if ctx.transcript.is_some() {
        Availability::Facts(1)
    } else {
        Availability::NoneRecorded
    };
    ctx.sections.push((Section::Transcript, transcript));
    Ok(ctx)
}

impl VisitContext {
    fn push(&mut self, section: Section, result: Result<Vec<String>, String>) {
        let prefix = section.prefix();
        let availability = match result {
            Ok(texts) if texts.is_empty() => {
                self.facts.push(Fact {
                    id: format!("{prefix}:none"),
                    text: format!("{}: none recorded", section.label()),
                });
                Availability::NoneRecorded
            }
            Ok(texts) => {
                let n = texts.len();
                self.facts
                    .extend(texts.into_iter().enumerate().map(|(i, text)| Fact {
                        id: format!("{prefix}:{}", i + 1),
                        text,
                    }));
                Availability::Facts(n)
            }
            Err(why) => {
                tracing::warn!(section = section.label(), error = %why, "context section not available");
                self.facts.push(Fact {
                    id: format!("{prefix}:unavailable"),
                    text: format!(
                        "{}: not available (could not be retrieved; do not assume there are none)",
                        section.label()
                    ),
                });
                Availability::NotAvailable
            }
        };
        self.sections.push((section, availability));
    }
}

/// The error's kind and route, never its text (which may echo PHI).
fn kind(e: &athena_core::Error) -> String {
    format!("{:?} on {}", e.kind(), e.route().unwrap_or("?"))
}

/// The identifiers the PHI guard must remove: names, date of birth, contact details, SSN,
/// the patient id.
pub fn known_identifiers(p: &Patient) -> KnownIdentifiers {
    let mut known = KnownIdentifiers::new();
    let first = p.firstname.as_ref().map(|n| n.expose().as_str());
    let last = p.lastname.as_ref().map(|n| n.expose().as_str());
    if let (Some(f), Some(l)) = (first, last) {
        known = known.name(&format!("{f} {l}"));
    }
    for name in [&p.firstname, &p.middlename, &p.lastname, &p.preferredname]
        .into_iter()
        .flatten()
    {
        known = known.name(name.expose());
    }
    if let Some(dob) = &p.dob {
        known = known.date(NaiveDate::from(*dob.expose()));
    }
    for (kind, value) in [
        (PhiKind::Email, &p.email),
        (PhiKind::Phone, &p.homephone),
        (PhiKind::Phone, &p.mobilephone),
        (PhiKind::Phone, &p.workphone),
        (PhiKind::Address, &p.address1),
        (PhiKind::Address, &p.address2),
        (PhiKind::Zip, &p.zip),
        (PhiKind::Ssn, &p.ssn),
    ] {
        if let Some(v) = value {
            known = known.other(kind, v.expose());
        }
    }
    if let Some(id) = p.patientid {
        known = known.id(&id.to_string());
    }
    known
}

/// The visit as found: an encounter, or an appointment without one.
enum FoundVisit {
    Encounter(Box<Encounter>),
    Appointment(Box<Appointment>),
}

impl FoundVisit {
    fn patient(&self) -> Option<PatientId> {
        match self {
            FoundVisit::Encounter(e) => e.patientid,
            FoundVisit::Appointment(a) => a.patientid,
        }
    }
    fn date(&self) -> Option<NaiveDate> {
        match self {
            FoundVisit::Encounter(e) => e.encounterdate.map(NaiveDate::from),
            FoundVisit::Appointment(a) => a.date.map(NaiveDate::from),
        }
    }
    /// Visit type and date; chief complaint; diagnoses (descriptions and codes).
    fn facts(&self) -> Vec<String> {
        let mut out = Vec::new();
        match self {
            FoundVisit::Encounter(e) => {
                let name = e
                    .encountervisitname
                    .as_deref()
                    .or(e.encountertype.as_deref())
                    .unwrap_or("Visit");
                out.push(match e.encounterdate {
                    Some(d) => format!("{name} on {d}"),
                    None => name.to_owned(),
                });
                if let Some(cc) = e
                    .extra
                    .get("chiefcomplaint")
                    .and_then(|v| v.as_str())
                    .filter(|s| !s.trim().is_empty())
                {
                    out.push(format!("Chief complaint: {cc}"));
                }
                for d in e.diagnoses.iter().flatten() {
                    let desc = d.get("description").and_then(|v| v.as_str());
                    let icd = d
                        .pointer("/icdcodes/0/code")
                        .and_then(|v| v.as_str())
                        .map(|c| format!(" (ICD-10 {c})"))
                        .unwrap_or_default();
                    if let Some(desc) = desc {
                        out.push(format!("Visit diagnosis: {desc}{icd}"));
                    }
                }
            }
            FoundVisit::Appointment(a) => {
                let name = a.appointmenttype.as_deref().unwrap_or("Appointment");
                out.push(match a.date {
                    Some(d) => format!("{name} appointment on {d} (no encounter documented yet)"),
                    None => format!("{name} appointment (no encounter documented yet)"),
                });
            }
        }
        out
    }
}

async fn find_visit(
    department: &Department,
    patient: PatientId,
    visit: Visit,
) -> Result<FoundVisit, String> {
    let practice = department.practice();
    match visit {
        Visit::Encounter(id) => match practice.encounters().get(id).send_optional().await {
            Ok(Some(e)) => Ok(FoundVisit::Encounter(Box::new(e))),
            Ok(None) => Err("encounter not found".into()),
            Err(e) => Err(kind(&e)),
        },
        Visit::Appointment(id) => {
            let (appointment, encounters) = futures::join!(
                practice.appointments().get(id).send(),
                department.chart(patient).encounters().send(),
            );
            let appointment = appointment.map_err(|e| kind(&e))?;
            let encounters: Page<Encounter> = match encounters {
                Ok(p) => p,
                // The appointment alone still says what the visit was.
                Err(_) => return Ok(FoundVisit::Appointment(Box::new(appointment))),
            };
            let by_id = encounters
                .items()
                .iter()
                .find(|e| e.appointmentid == Some(id));
            let by_date = || {
                encounters
                    .items()
                    .iter()
                    .find(|e| e.encounterdate.is_some() && e.encounterdate == appointment.date)
            };
            Ok(match by_id.or_else(by_date) {
                Some(e) => FoundVisit::Encounter(Box::new(e.clone())),
                None => FoundVisit::Appointment(Box::new(appointment)),
            })
        }
    }
}

fn vital_facts(page: &Page<Vital>, keep: &dyn Fn(Option<NaiveDate>) -> bool) -> Vec<String> {
    let mut out = Vec::new();
    for vital in page.items() {
        // The latest reading time (on or before the visit) of this vital.
        let latest = vital
            .readings
            .iter()
            .flatten()
            .filter(|group| keep(group_date(group)))
            .max_by_key(|group| {
                group
                    .first()
                    .and_then(|r| r.readingtaken.as_ref())
                    .map(|t| (NaiveDate::from(t.date()), t.time().to_string()))
            });
        let Some(group) = latest else { continue };
        let value = |suffix: &str| {
            group.iter().find(|r| {
                r.clinicalelementid
                    .as_deref()
                    .is_some_and(|c| c.ends_with(suffix))
            })
        };
        let date = group_date(group)
            .map(|d| format!(" ({})", AthenaDate::from(d)))
            .unwrap_or_default();
        if let (Some(s), Some(d)) = (value(".SYSTOLIC"), value(".DIASTOLIC")) {
            let unit = s.unit.as_deref().unwrap_or("");
            out.push(format!(
                "Blood pressure {}/{} {unit}{date}",
                s.value.as_ref().map_or("?", |v| v.expose()),
                d.value.as_ref().map_or("?", |v| v.expose()),
            ));
            continue;
        }
        for r in group {
            let Some(v) = r
                .value
                .as_ref()
                .map(|v| v.expose())
                .filter(|v| !v.is_empty())
            else {
                continue;
            };
            let name = r
                .extra
                .get("codedescription")
                .and_then(|d| d.as_str())
                .map(str::to_owned)
                .or_else(|| {
                    r.clinicalelementid
                        .as_deref()
                        .map(|c| c.rsplit('.').next().unwrap_or(c).to_lowercase())
                })
                .unwrap_or_else(|| "Vital".into());
            let unit = r
                .unit
                .as_deref()
                .map(|u| format!(" {u}"))
                .unwrap_or_default();
            out.push(format!("{name} {v}{unit}{date}"));
        }
    }
    out
}

fn group_date(group: &[athena_rest::models::VitalReading]) -> Option<NaiveDate> {
    group
        .first()
        .and_then(|r| r.readingtaken.as_ref())
        .map(|t| NaiveDate::from(t.date()))
}

fn problem_facts(page: Page<Problem>) -> Vec<String> {
    page.items()
        .iter()
        .filter_map(|p| {
            let name = p.name.as_deref()?;
            Some(
                match p.bestmatchicd10code.as_deref().filter(|c| !c.is_empty()) {
                    Some(icd) => format!("{name} (ICD-10 {icd})"),
                    None => name.to_owned(),
                },
            )
        })
        .collect()
}

fn medication_facts(list: MedicationList) -> Vec<String> {
    list.medications
        .iter()
        .flatten()
        .filter_map(|history| history.first())
        .filter(|m| m.isdiscontinued != Some(true))
        .filter_map(|m| {
            let name = m.medication.as_deref()?;
            Some(
                match m
                    .unstructuredsig
                    .as_ref()
                    .map(|s| s.expose().trim())
                    .filter(|s| !s.is_empty())
                {
                    Some(sig) => format!("{name}; sig: {sig}"),
                    None => name.to_owned(),
                },
            )
        })
        .collect()
}

fn allergy_facts(list: AllergyList) -> Vec<String> {
    let allergies = list.allergies.unwrap_or_default();
    if allergies.is_empty() && list.nkda == Some(true) {
        return vec!["No known drug allergies (NKDA)".into()];
    }
    allergies
        .iter()
        .filter(|a| a.deactivatedate.is_none())
        .filter_map(|a| {
            let name = a.allergenname.as_deref()?;
            let reactions: Vec<String> = a
                .reactions
                .iter()
                .flatten()
                .filter_map(|r| {
                    let what = r.get("reactionname").and_then(|v| v.as_str())?;
                    Some(match r.get("severity").and_then(|v| v.as_str()) {
                        Some(sev) if !sev.is_empty() => format!("{what} ({sev})"),
                        _ => what.to_owned(),
                    })
                })
                .collect();
            Some(if reactions.is_empty() {
                format!("Allergy: {name}")
            } else {
                format!("Allergy: {name}; reaction: {}", reactions.join(", "))
            })
        })
        .collect()
}

fn lab_facts(page: Page<LabResult>, visit: Option<NaiveDate>) -> Vec<String> {
    let mut labs: Vec<(NaiveDate, &LabResult)> = page
        .items()
        .iter()
        .filter_map(|l| {
            let date = l
                .labresultdate
                .map(NaiveDate::from)
                .or_else(|| l.labresultdatetime.as_ref().map(|t| t.date().into()))?;
            Some((date, l))
        })
        .filter(|(d, _)| match visit {
            Some(v) => *d <= v && (v - *d).num_days() <= LAB_WINDOW_DAYS,
            None => true,
        })
        .collect();
    labs.sort_by_key(|l| std::cmp::Reverse(l.0));
    labs.truncate(MAX_LABS);
    labs.into_iter()
        .map(|(date, l)| {
            let analytes: Vec<String> = l
                .analytes
                .iter()
                .flatten()
                .filter_map(|a| {
                    let name = a.analytename.as_deref()?;
                    let value = a.value.as_ref().map(|v| v.expose().as_str()).unwrap_or("?");
                    let units = a
                        .units
                        .as_deref()
                        .map(|u| format!(" {u}"))
                        .unwrap_or_default();
                    let range = a
                        .referencerange
                        .as_deref()
                        .filter(|r| !r.is_empty())
                        .map(|r| format!(", reference {r}"))
                        .unwrap_or_default();
                    let flag = match a.abnormalflag.as_deref() {
                        Some(f) if !f.is_empty() && !f.eq_ignore_ascii_case("normal") => {
                            format!(", {}", f.to_lowercase())
                        }
                        _ => String::new(),
                    };
                    Some(format!("{name} {value}{units}{range}{flag}"))
                })
                .collect();
            let what = l.description.as_deref().unwrap_or("Lab result");
            format!(
                "{what} ({}): {}",
                AthenaDate::from(date),
                if analytes.is_empty() {
                    "no analytes reported".to_owned()
                } else {
                    analytes.join("; ")
                }
            )
        })
        .collect()
}
