//! The mutable world: one [`Practice`] per practice id, holding overlays on top of the lazily
//! generated data, the eager schedule/claims/inbox, and the changed-data feeds.

use std::collections::{BTreeMap, HashMap};

use chrono::{NaiveDate, NaiveDateTime};

use crate::data::clinical::{Allergy, Chart, Problem, Reading, gen_chart};
use crate::data::patients::{
    Insurance, Patient, PatientKey, gen_former_insurance, gen_insurances, gen_patient, patient_key,
};
use crate::data::preview;
use crate::data::schedule::{self, Appointment, Claim, PatientCase};
use crate::feeds::Feeds;
use crate::truth::DenialCause;

/// Writes to a patient's chart on top of the generated chart.
#[derive(Debug, Clone, Default)]
pub(crate) struct ChartOverlay {
    pub(crate) problems: Vec<Problem>,
    pub(crate) vitals: Vec<Reading>,
    pub(crate) allergies: Option<Vec<Allergy>>,
    pub(crate) nkda: Option<bool>,
}

/// A document filed through the API.
#[derive(Debug, Clone)]
pub(crate) struct Document {
    pub(crate) id: u64,
    pub(crate) class: String,
    pub(crate) subclass: String,
    pub(crate) departmentid: u64,
    pub(crate) providerid: Option<u64>,
    pub(crate) created: NaiveDateTime,
    pub(crate) description: String,
    pub(crate) internalnote: String,
    pub(crate) status: String,
    pub(crate) priority: String,
}

/// A payment recorded through `POST /patients/{pid}/recordpayment`.
#[derive(Debug, Clone)]
pub(crate) struct Payment {
    pub(crate) batchid: u64,
    pub(crate) patientid: u64,
    pub(crate) amount: String,
    pub(crate) method: String,
    /// When it was posted (practice clock) and where.
    pub(crate) posted: NaiveDateTime,
    pub(crate) departmentid: u64,
    /// `cardnumberlast4`, when given.
    pub(crate) last4: Option<String>,
    /// Claims it was applied to (`claimpayment`).
    pub(crate) claims: Vec<u64>,
}

/// One practice's state.
#[derive(Debug)]
pub(crate) struct Practice {
    pub(crate) id: u64,
    pub(crate) seed: u64,
    pub(crate) today: NaiveDate,
    pub(crate) departments: u64,
    pub(crate) providers: u64,
    pub(crate) base_patients: u64,
    pub(crate) patients: HashMap<u64, Patient>,
    pub(crate) next_patient: u64,
    pub(crate) insurances: HashMap<u64, Vec<Insurance>>,
    pub(crate) next_insurance: u64,
    pub(crate) charts: HashMap<u64, ChartOverlay>,
    pub(crate) customfields: HashMap<u64, Vec<(String, String)>>,
    pub(crate) appointments: BTreeMap<u64, Appointment>,
    pub(crate) next_appointment: u64,
    pub(crate) claims: BTreeMap<u64, Claim>,
    pub(crate) next_claim: u64,
    pub(crate) cases: BTreeMap<u64, PatientCase>,
    pub(crate) next_case: u64,
    pub(crate) documents: HashMap<u64, Vec<Document>>,
    pub(crate) next_document: u64,
    pub(crate) next_chart_id: u64,
    pub(crate) payments: Vec<Payment>,
    pub(crate) next_batch: u64,
    /// Patients with a claim planted as [`DenialCause::InactiveEligibility`], and the earliest
    /// date of service billed to their former, terminated policy.
    pub(crate) former_policy: HashMap<u64, NaiveDate>,
    pub(crate) feeds: Feeds,
    /// Notes, filed documents, diagnoses and orders written through `rest::extras`.
    pub(crate) extras: crate::rest::extras::ExtrasState,
}

impl Practice {
    /// Build a practice and generate its eager data.
    pub(crate) fn new(
        id: u64,
        seed: u64,
        today: NaiveDate,
        departments: u64,
        providers: u64,
        patients: u64,
    ) -> Self {
        let g = schedule::generate(seed, id, departments, providers, patients, today);
        let mut former_policy: HashMap<u64, NaiveDate> = HashMap::new();
        for c in &g.claims {
            if let Some(d) = &c.denial
                && d.cause == DenialCause::InactiveEligibility
            {
                former_policy
                    .entry(c.patientid)
                    .and_modify(|first| *first = (*first).min(c.service))
                    .or_insert(c.service);
            }
        }
        let next_appointment = g
            .appointments
            .last()
            .map_or(schedule::FIRST_APPOINTMENT_ID, |a| a.id + 1);
        let next_claim = g
            .claims
            .iter()
            .map(|c| c.id + 1)
            .max()
            .unwrap_or(schedule::FIRST_CLAIM_ID);
        let next_case = g.cases.last().map_or(schedule::FIRST_CASE_ID, |c| c.id + 1);
        // athena's documented preview test patients (practice 195900 only) live in the
        // overlay ([`Practice::new_patient_id`] skips their ids).
        let preview = preview::records(seed, id, departments, providers, today);
        Practice {
            id,
            seed,
            today,
            departments,
            providers,
            base_patients: patients,
            patients: preview.into_iter().map(|p| (p.id, p)).collect(),
            next_patient: patients + 1,
            insurances: HashMap::new(),
            next_insurance: 9_000_000_001,
            charts: HashMap::new(),
            customfields: HashMap::new(),
            appointments: g.appointments.into_iter().map(|a| (a.id, a)).collect(),
            next_appointment,
            claims: g.claims.into_iter().map(|c| (c.id, c)).collect(),
            next_claim,
            cases: g.cases.into_iter().map(|c| (c.id, c)).collect(),
            next_case,
            documents: HashMap::new(),
            next_document: 300_001,
            next_chart_id: 8_000_000_001,
            payments: Vec::new(),
            next_batch: 5,
            former_policy,
            feeds: Feeds::default(),
            extras: Default::default(),
        }
    }

    /// The highest patient id that exists.
    pub(crate) fn max_patient_id(&self) -> u64 {
        self.next_patient - 1
    }

    /// A patient by id (generated or overlaid).
    pub(crate) fn patient(&self, id: u64) -> Option<Patient> {
        if let Some(p) = self.patients.get(&id) {
            return Some(p.clone());
        }
        if id >= 1 && id <= self.base_patients {
            Some(gen_patient(
                self.seed,
                self.id,
                id,
                self.departments,
                self.providers,
                self.today,
            ))
        } else {
            None
        }
    }

    /// Every patient id in order: the generated and created ones (`1..=max`), then those
    /// stored with higher ids (athena's documented preview test patients).
    pub(crate) fn patient_ids(&self) -> impl Iterator<Item = u64> + '_ {
        let max = self.max_patient_id();
        let mut high: Vec<u64> = self
            .patients
            .keys()
            .copied()
            .filter(|id| *id > max)
            .collect();
        high.sort_unstable();
        (1..=max).chain(high)
    }

    /// The cheap key of a generated, not overlaid patient.
    pub(crate) fn key(&self, id: u64) -> PatientKey {
        patient_key(self.seed, self.id, id, self.departments, self.today)
    }

    /// The id of a patient about to be created (never one that exists).
    pub(crate) fn new_patient_id(&mut self) -> u64 {
        while self.patients.contains_key(&self.next_patient) {
            self.next_patient += 1;
        }
        let id = self.next_patient;
        self.next_patient += 1;
        id
    }

    /// Store a patient in the overlay.
    pub(crate) fn put_patient(&mut self, p: Patient) {
        self.patients.insert(p.id, p);
    }

    /// A patient's insurances (copy of the generated ones unless written).
    pub(crate) fn insurances(&self, p: &Patient) -> Vec<Insurance> {
        if let Some(v) = self.insurances.get(&p.id) {
            return v.clone();
        }
        if !self.generated(p.id) {
            return Vec::new();
        }
        let mut v = gen_insurances(self.seed, self.id, p, self.today);
        if let Some(first_billed) = self.former_policy.get(&p.id) {
            let former = gen_former_insurance(self.seed, self.id, p, &v, *first_billed);
            v.push(former);
        }
        v
    }

    /// Mutable insurances (materialised in the overlay).
    pub(crate) fn insurances_mut(&mut self, p: &Patient) -> &mut Vec<Insurance> {
        if !self.insurances.contains_key(&p.id) {
            let v = self.insurances(p);
            self.insurances.insert(p.id, v);
        }
        self.insurances.entry(p.id).or_default()
    }

    /// The chart of a patient, with writes applied.
    pub(crate) fn chart(&self, p: &Patient) -> Chart {
        let mut c = if self.generated(p.id) {
            gen_chart(
                self.seed,
                self.id,
                p.id,
                p.departmentid,
                self.providers,
                self.today,
            )
        } else {
            Chart::default()
        };
        if let Some(o) = self.charts.get(&p.id) {
            c.problems.extend(o.problems.iter().cloned());
            c.vitals.extend(o.vitals.iter().cloned());
            if let Some(a) = &o.allergies {
                c.allergies = a.clone();
            }
        }
        c
    }

    /// A fresh id for chart items.
    pub(crate) fn chart_id(&mut self) -> u64 {
        self.next_chart_id += 1;
        self.next_chart_id
    }

    /// Custom field values of a patient.
    pub(crate) fn custom_values(&self, pid: u64) -> Vec<(String, String)> {
        if let Some(v) = self.customfields.get(&pid) {
            return v.clone();
        }
        if pid <= self.base_patients {
            vec![("1".into(), format!("LEG-{pid:06}"))]
        } else {
            Vec::new()
        }
    }

    /// Does patient `id` have generated insurances and chart data? Only the generated
    /// patients do; created ones and athena's documented preview test patients start with an
    /// empty chart, filled through the API.
    pub(crate) fn generated(&self, id: u64) -> bool {
        id >= 1 && id <= self.base_patients
    }

    /// Does the department exist?
    pub(crate) fn has_department(&self, id: u64) -> bool {
        id >= 1 && id <= self.departments
    }

    /// Does the provider exist?
    pub(crate) fn has_provider(&self, id: u64) -> bool {
        id >= 1 && id <= self.providers
    }
}

/// The whole sandbox state.
#[derive(Debug)]
pub(crate) struct World {
    pub(crate) practices: BTreeMap<u64, Practice>,
}
