//! Chart data of a patient, generated from `(seed, practice, patient id)`.

use chrono::{Duration, NaiveDate, NaiveDateTime, NaiveTime};

use super::rng::Rng;
use super::tables::{self, ALLERGIES, LABS, MEDICATIONS, PROBLEMS, VITALS};

/// A problem-list entry.
#[derive(Debug, Clone)]
pub(crate) struct Problem {
    pub(crate) id: u64,
    pub(crate) name: String,
    pub(crate) snomed: String,
    pub(crate) icd10: String,
    pub(crate) onset: NaiveDate,
    pub(crate) note: String,
}

/// A medication-list entry.
#[derive(Debug, Clone)]
pub(crate) struct Medication {
    pub(crate) id: u64,
    pub(crate) name: &'static str,
    pub(crate) rxnorm: &'static str,
    pub(crate) sig: &'static str,
    pub(crate) class: &'static str,
    pub(crate) start: NaiveDate,
    pub(crate) discontinued: bool,
}

/// An allergy.
#[derive(Debug, Clone)]
pub(crate) struct Allergy {
    pub(crate) allergenid: u64,
    pub(crate) name: String,
    pub(crate) reaction: String,
    pub(crate) reaction_snomed: String,
    pub(crate) severity: String,
    pub(crate) onset: NaiveDate,
}

/// One vital-sign reading.
#[derive(Debug, Clone)]
pub(crate) struct Reading {
    pub(crate) id: u64,
    pub(crate) key: String,
    pub(crate) name: String,
    pub(crate) value: String,
    pub(crate) unit: String,
    pub(crate) loinc: String,
    pub(crate) at: NaiveDateTime,
}

/// One analyte of a lab result.
#[derive(Debug, Clone)]
pub(crate) struct Analyte {
    pub(crate) id: u64,
    pub(crate) name: &'static str,
    pub(crate) loinc: &'static str,
    pub(crate) value: String,
    pub(crate) unit: &'static str,
    pub(crate) range: String,
    pub(crate) abnormal: bool,
}

/// A lab result with its analytes.
#[derive(Debug, Clone)]
pub(crate) struct LabResult {
    pub(crate) id: u64,
    pub(crate) at: NaiveDateTime,
    pub(crate) description: String,
    pub(crate) loinc: String,
    pub(crate) providerid: u64,
    pub(crate) analytes: Vec<Analyte>,
}

/// A clinical encounter with a short note.
#[derive(Debug, Clone)]
pub(crate) struct Encounter {
    pub(crate) id: u64,
    pub(crate) date: NaiveDate,
    pub(crate) providerid: u64,
    pub(crate) departmentid: u64,
    pub(crate) complaint: String,
    pub(crate) note: String,
    pub(crate) diagnosis: usize,
}

/// Everything in one generated chart.
#[derive(Debug, Clone, Default)]
pub(crate) struct Chart {
    pub(crate) problems: Vec<Problem>,
    pub(crate) medications: Vec<Medication>,
    pub(crate) allergies: Vec<Allergy>,
    pub(crate) vitals: Vec<Reading>,
    pub(crate) labs: Vec<LabResult>,
    pub(crate) encounters: Vec<Encounter>,
}

fn fmt_value(v: f64, decimals: usize) -> String {
    format!("{v:.decimals$}")
}

/// Generate the chart of patient `pid`.
pub(crate) fn gen_chart(
    seed: u64,
    practice: u64,
    pid: u64,
    departmentid: u64,
    providers: u64,
    today: NaiveDate,
) -> Chart {
    let mut r = Rng::new(seed, &[4, practice, pid]);
    let mut chart = Chart::default();
    let base = pid * 100;
    let nprob = r.below(4) as usize;
    let mut used = Vec::new();
    for i in 0..nprob {
        let idx = r.below(PROBLEMS.len() as u64) as usize;
        if used.contains(&idx) {
            continue;
        }
        used.push(idx);
        let tables::Problem {
            name,
            snomed,
            icd10: icd,
        } = PROBLEMS[idx];
        chart.problems.push(Problem {
            id: base + i as u64,
            name: name.into(),
            snomed: snomed.into(),
            icd10: icd.into(),
            onset: today - Duration::days(r.range(60, 3000)),
            note: String::new(),
        });
    }
    for (i, idx) in used.iter().enumerate() {
        let m = MEDICATIONS[*idx % MEDICATIONS.len()];
        chart.medications.push(Medication {
            id: base + 20 + i as u64,
            name: m.description,
            rxnorm: m.rxnorm,
            sig: m.sig,
            class: m.therapeutic_class,
            start: today - Duration::days(r.range(30, 2000)),
            discontinued: r.chance(10),
        });
    }
    if r.chance(35) {
        let a = ALLERGIES[r.below(ALLERGIES.len() as u64) as usize];
        chart.allergies.push(Allergy {
            allergenid: a.allergen_id,
            name: a.name.into(),
            reaction: a.reaction.into(),
            reaction_snomed: a.reaction_snomed.into(),
            severity: a.severity.into(),
            onset: today - Duration::days(r.range(365, 9000)),
        });
    }
    let nenc = 1 + r.below(3);
    for e in 0..nenc {
        let date = today - Duration::days(r.range(7, 700));
        let at = date.and_time(
            NaiveTime::from_hms_opt(9 + r.below(8) as u32, (r.below(4) * 15) as u32, 0)
                .unwrap_or_default(),
        );
        let providerid = 1 + (pid + e) % providers.max(1);
        let diagnosis = used
            .first()
            .copied()
            .unwrap_or(r.below(PROBLEMS.len() as u64) as usize);
        let complaint = match r.below(4) {
            0 => "Follow-up of chronic conditions",
            1 => "Cough and congestion for 4 days",
            2 => "Annual wellness visit",
            _ => "Medication review",
        };
        let note = format!(
            "S: Patient presents for {}. Reports adherence to current medications. \
             O: Vitals reviewed, exam unremarkable. A: {} ({}). P: Continue current plan, labs ordered, follow up in 3 months.",
            complaint.to_lowercase(),
            PROBLEMS[diagnosis].name,
            PROBLEMS[diagnosis].icd10
        );
        chart.encounters.push(Encounter {
            id: base + 40 + e,
            date,
            providerid,
            departmentid,
            complaint: complaint.into(),
            note,
            diagnosis,
        });
        for (v, vital) in VITALS.iter().enumerate() {
            let tables::Vital {
                key,
                name,
                unit,
                low: lo,
                high: hi,
                decimals: dec,
                loinc,
            } = vital;
            let value = lo + (hi - lo) * (r.below(1000) as f64 / 1000.0);
            chart.vitals.push(Reading {
                id: base * 10 + e * 10 + v as u64,
                key: (*key).into(),
                name: (*name).into(),
                value: fmt_value(value, *dec),
                unit: (*unit).into(),
                loinc: (*loinc).into(),
                at,
            });
        }
        if r.chance(70) {
            let mut analytes = Vec::new();
            let first = r.below(LABS.len() as u64) as usize;
            for k in 0..3 {
                let tables::LabAnalyte {
                    name,
                    loinc,
                    unit,
                    low: lo,
                    high: hi,
                    decimals: dec,
                } = LABS[(first + k) % LABS.len()];
                let span = hi - lo;
                let value = lo - span * 0.2 + span * 1.4 * (r.below(1000) as f64 / 1000.0);
                let value = if value < 0.0 { 0.0 } else { value };
                analytes.push(Analyte {
                    id: base * 10 + e * 10 + k as u64,
                    name,
                    loinc,
                    value: fmt_value(value, dec),
                    unit,
                    range: format!("{}-{}", fmt_value(lo, dec), fmt_value(hi, dec)),
                    abnormal: value < lo || value > hi,
                });
            }
            chart.labs.push(LabResult {
                id: base + 60 + e,
                at: at + Duration::hours(2),
                description: format!("{} panel", analytes[0].name),
                loinc: analytes[0].loinc.into(),
                providerid,
                analytes,
            });
        }
    }
    chart
}
