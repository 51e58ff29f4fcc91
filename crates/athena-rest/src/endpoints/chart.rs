//! The chart: problems, medications, allergies, vitals, lab results, encounters, and the
//! structured writes athena allows (problem, vitals, allergies).

use athena_core::codec::AthenaDate;
use athena_core::ids::{EncounterId, PatientId};
use athena_core::{Department, Practice, Request, Result, RetrySafety};
use http::Method;

use super::values::{Laterality, ProblemStatus};
use crate::models::{
    AllergyList, Encounter, EncounterSummary, LabResult, MedicationList, Problem, ProblemCreated,
    Success, Vital, VitalsCreated,
};
use crate::send::{self, builder, param, pure_build};

/// A patient's chart in one department (`department.chart(patient)`).
#[derive(Debug, Clone)]
pub struct Chart {
    department: Department,
    patient: PatientId,
}

impl Chart {
    pub(crate) fn new(department: Department, patient: PatientId) -> Self {
        Chart {
            department,
            patient,
        }
    }

    fn request(&self, method: Method, route: &'static str) -> Request {
        let r = self
            .department
            .practice()
            .request(method.clone(), route)
            .path_param("patientid", self.patient);
        if method == Method::GET {
            r.query("departmentid", self.department.id())
        } else {
            r.form("departmentid", self.department.id())
        }
    }

    fn client(&self) -> &athena_core::Client {
        self.department.client()
    }

    /// `GET /v1/{practiceid}/chart/{patientid}/problems`.
    pub fn problems(&self) -> ListProblems {
        ListProblems::new(
            self.client(),
            self.request(Method::GET, "/v1/{practiceid}/chart/{patientid}/problems"),
        )
    }
    /// `GET /v1/{practiceid}/chart/{patientid}/medications` (athena's array of arrays).
    pub fn medications(&self) -> GetMedications {
        GetMedications::new(
            self.client(),
            self.request(
                Method::GET,
                "/v1/{practiceid}/chart/{patientid}/medications",
            ),
        )
    }
    /// `GET /v1/{practiceid}/chart/{patientid}/allergies`.
    pub fn allergies(&self) -> GetAllergies {
        GetAllergies::new(
            self.client(),
            self.request(Method::GET, "/v1/{practiceid}/chart/{patientid}/allergies"),
        )
    }
    /// `GET /v1/{practiceid}/chart/{patientid}/vitals`.
    pub fn vitals(&self) -> ListVitals {
        ListVitals::new(
            self.client(),
            self.request(Method::GET, "/v1/{practiceid}/chart/{patientid}/vitals"),
        )
    }
    /// `GET /v1/{practiceid}/chart/{patientid}/labresults` (item key `results`), with analytes.
    pub fn lab_results(&self) -> ListLabResults {
        ListLabResults::new(
            self.client(),
            self.request(Method::GET, "/v1/{practiceid}/chart/{patientid}/labresults"),
        )
    }
    /// `GET /v1/{practiceid}/chart/{patientid}/encounters`.
    pub fn encounters(&self) -> ListEncounters {
        ListEncounters::new(
            self.client(),
            self.request(Method::GET, "/v1/{practiceid}/chart/{patientid}/encounters"),
        )
    }

    /// `POST /v1/{practiceid}/chart/{patientid}/problems`: adds a problem by SNOMED code. A 200 with
    /// `success:false` (e.g. an unknown code) is [`ErrorKind::Unsuccessful`](athena_core::ErrorKind::Unsuccessful).
    pub fn add_problem(&self, snomedcode: u64) -> AddProblem {
        AddProblem::new(
            self.client(),
            self.request(Method::POST, "/v1/{practiceid}/chart/{patientid}/problems")
                .retry_safety(RetrySafety::NotIdempotent)
                .form("snomedcode", snomedcode),
        )
    }

    /// `POST /v1/{practiceid}/chart/{patientid}/vitals`: records readings (`vitals` is JSON in the form).
    pub fn add_vitals(&self) -> AddVitals {
        AddVitals {
            client: self.client().clone(),
            req: self
                .request(Method::POST, "/v1/{practiceid}/chart/{patientid}/vitals")
                .retry_safety(RetrySafety::NotIdempotent)
                .form("source", "DEVICE"),
            readings: Vec::new(),
        }
    }

    /// `PUT /v1/{practiceid}/chart/{patientid}/allergies`: sets allergies (`allergies` is JSON in the form).
    pub fn update_allergies(&self) -> UpdateAllergies {
        UpdateAllergies {
            client: self.client().clone(),
            req: self
                .request(Method::PUT, "/v1/{practiceid}/chart/{patientid}/allergies")
                .retry_safety(RetrySafety::Idempotent),
            allergies: Vec::new(),
        }
    }
}

builder!(
    /// `GET /v1/{practiceid}/chart/{patientid}/problems`: a patient's problems
    /// (`lastupdated`, `sectionnote`… are in [`athena_core::Page::extra`]). See [`Chart::problems`].
    ListProblems
);
pure_build!(ListProblems);

impl ListProblems {
    param!(/// Include diagnosis info.
        query showdiagnosisinfo(bool) => "showdiagnosisinfo");
    param!(/// Include inactive problems.
        query showinactive(bool) => "showinactive");
}

send::list!(ListProblems => Problem, "problems");

builder!(
    /// `GET /v1/{practiceid}/chart/{patientid}/medications`: a patient's medication section
    /// (one value, not a paged list). See [`Chart::medications`].
    GetMedications
);
pure_build!(GetMedications);

impl GetMedications {
    param!(/// `PRESCRIPTION`, `ENTERED`, `DOWNLOADED`.
        query_str medicationtype => "medicationtype");
    param!(/// Include no-longer-active medications.
        query showndc(bool) => "showndc");
}

send::get_one!(GetMedications => MedicationList, json);

builder!(
    /// `GET /v1/{practiceid}/chart/{patientid}/allergies`: a patient's allergy section (one
    /// value, not a paged list). See [`Chart::allergies`].
    GetAllergies
);
pure_build!(GetAllergies);

impl GetAllergies {
    param!(/// Include inactive allergies.
        query showinactive(bool) => "showinactive");
}

send::get_one!(GetAllergies => AllergyList, json);

builder!(
    /// `GET /v1/{practiceid}/chart/{patientid}/vitals`.
    ListVitals
);
pure_build!(ListVitals);

impl ListVitals {
    param!(/// From this date.
        query startdate(AthenaDate) => "startdate");
    param!(/// To this date.
        query enddate(AthenaDate) => "enddate");
    param!(/// Page size (default 1000, max 10000).
        query limit(u32) => "limit");
}

send::list!(ListVitals => Vital, "vitals");

builder!(
    /// `GET /v1/{practiceid}/chart/{patientid}/labresults`.
    ListLabResults
);
pure_build!(ListLabResults);

impl ListLabResults {
    param!(/// From this date.
        query startdate(AthenaDate) => "startdate");
    param!(/// To this date.
        query enddate(AthenaDate) => "enddate");
    param!(/// Include hidden results.
        query showhidden(bool) => "showhidden");
    param!(/// Include abnormal details.
        query showabnormaldetails(bool) => "showabnormaldetails");
    param!(/// Hide duplicates.
        query hideduplicate(bool) => "hideduplicate");
    param!(/// Page size (default 1000, max 10000).
        query limit(u32) => "limit");
}

send::list!(ListLabResults => LabResult, "results");

builder!(
    /// `GET /v1/{practiceid}/chart/{patientid}/encounters`.
    ListEncounters
);
pure_build!(ListEncounters);

impl ListEncounters {
    param!(/// From this date.
        query startdate(AthenaDate) => "startdate");
    param!(/// To this date.
        query enddate(AthenaDate) => "enddate");
    param!(/// Include all statuses.
        query showallstatuses(bool) => "showallstatuses");
    param!(/// Page size (default 1000, max 10000).
        query limit(u32) => "limit");
}

send::list!(ListEncounters => Encounter, "encounters");

builder!(
    /// `POST /v1/{practiceid}/chart/{patientid}/problems`.
    AddProblem
);
pure_build!(AddProblem);

impl AddProblem {
    param!(/// Onset date.
        form startdate(AthenaDate) => "startdate");
    param!(/// Chronic or acute.
        form status(ProblemStatus) => "status");
    param!(/// Laterality.
        form laterality(Laterality) => "laterality");
    param!(/// Note.
        form_str note => "note");
}

send::send_as!(AddProblem => ProblemCreated, json);

/// `POST /v1/{practiceid}/chart/{patientid}/vitals`. See [`Chart::add_vitals`].
#[derive(Debug, Clone)]
#[must_use = "a builder does nothing until `send`"]
pub struct AddVitals {
    client: athena_core::Client,
    req: Request,
    readings: Vec<serde_json::Value>,
}

impl AddVitals {
    /// Adds one element of `vitals`: a clinical element (`VITALS.WEIGHT`) and its value.
    pub fn vital(mut self, clinicalelementid: impl Into<String>, value: impl Into<String>) -> Self {
        self.readings.push(serde_json::json!({
            "clinicalelementid": clinicalelementid.into(),
            "value": value.into(),
        }));
        self
    }
    /// The reading date.
    pub fn readingtaken(mut self, date: AthenaDate) -> Self {
        self.req = self.req.form("readingtaken", date);
        self
    }

    /// The request (`vitals` is a JSON array of reading groups); `InvalidInput` when empty.
    pub fn build(&self) -> Result<Request> {
        if self.readings.is_empty() {
            return Err(send::missing(&self.req, "vitals"));
        }
        let json = serde_json::json!([self.readings]).to_string();
        Ok(self.req.clone().form("vitals", json))
    }
}

send::send_as!(AddVitals => VitalsCreated, json);

/// `PUT /v1/{practiceid}/chart/{patientid}/allergies`. See [`Chart::update_allergies`].
#[derive(Debug, Clone)]
#[must_use = "a builder does nothing until `send`"]
pub struct UpdateAllergies {
    client: athena_core::Client,
    req: Request,
    allergies: Vec<serde_json::Value>,
}

impl UpdateAllergies {
    /// Adds one element of `allergies`: an allergy by allergen id, with an optional note.
    pub fn allergy(mut self, allergenid: u64, note: Option<&str>) -> Self {
        let mut a = serde_json::json!({ "allergenid": allergenid });
        if let Some(n) = note {
            a["note"] = serde_json::Value::from(n);
        }
        self.allergies.push(a);
        self
    }
    /// No known drug allergies.
    pub fn nkda(mut self, nkda: bool) -> Self {
        self.req = self.req.form("nkda", nkda);
        self
    }
    /// Section note.
    pub fn sectionnote(mut self, note: impl Into<String>) -> Self {
        self.req = self.req.form("sectionnote", note.into());
        self
    }

    /// The request (`allergies` is a JSON array inside the form). Never fails: an empty
    /// `allergies` with `nkda` is how athena records "no known drug allergies".
    pub fn build(&self) -> Result<Request> {
        let json = serde_json::Value::Array(self.allergies.clone()).to_string();
        Ok(self.req.clone().form("allergies", json))
    }
}

send::send_as!(UpdateAllergies => Success, json);

/// Encounters by id (`practice.encounters()`).
#[derive(Debug, Clone)]
pub struct Encounters {
    practice: Practice,
}

impl Encounters {
    pub(crate) fn new(practice: Practice) -> Self {
        Encounters { practice }
    }
    /// `GET /v1/{practiceid}/chart/encounter/{encounterid}` (a one-element array).
    pub fn get(&self, id: EncounterId) -> GetEncounter {
        GetEncounter::new(
            self.practice.client(),
            self.practice
                .request(
                    Method::GET,
                    "/v1/{practiceid}/chart/encounter/{encounterid}",
                )
                .path_param("encounterid", id),
        )
    }
    /// `GET /v1/{practiceid}/chart/encounters/{encounterid}/summary` → `summaryhtml`.
    pub fn summary(&self, id: EncounterId) -> GetEncounterSummary {
        GetEncounterSummary::new(
            self.practice.client(),
            self.practice
                .request(
                    Method::GET,
                    "/v1/{practiceid}/chart/encounters/{encounterid}/summary",
                )
                .path_param("encounterid", id),
        )
    }
}

builder!(
    /// `GET /v1/{practiceid}/chart/encounter/{encounterid}`.
    GetEncounter
);
pure_build!(GetEncounter);

send::get_one!(GetEncounter => Encounter);

builder!(
    /// `GET /v1/{practiceid}/chart/encounters/{encounterid}/summary`.
    GetEncounterSummary
);
pure_build!(GetEncounterSummary);

impl GetEncounterSummary {
    param!(/// Mobile layout.
        query mobile(bool) => "mobile");
    param!(/// Leave amendments out.
        query skipamendments(bool) => "skipamendments");
}

send::get_one!(GetEncounterSummary => EncounterSummary, json);
