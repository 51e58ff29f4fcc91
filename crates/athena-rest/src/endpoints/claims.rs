//! Revenue cycle: claims search and get, claim creation with charges, payments, a patient's
//! outstanding claims.

use athena_core::codec::{AthenaDate, Money};
use athena_core::ids::{AppointmentId, ClaimId, DepartmentId, InsuranceId, PatientId, ProviderId};
use athena_core::{Department, Practice, Request, Result, RetrySafety};
use http::Method;

use crate::models::{Claim, ClaimsCreated, PaymentRecorded};
use crate::send::{self, builder, param, pure_build};

/// Claims (`practice.claims()`).
#[derive(Debug, Clone)]
pub struct Claims {
    practice: Practice,
}

impl Claims {
    pub(crate) fn new(practice: Practice) -> Self {
        Claims { practice }
    }
    /// `GET /v1/{practiceid}/claims`.
    pub fn search(&self) -> SearchClaims {
        SearchClaims::new(
            self.practice.client(),
            self.practice
                .request(Method::GET, "/v1/{practiceid}/claims"),
        )
    }
    /// `GET /v1/{practiceid}/claims/{claimid}` (an object).
    pub fn get(&self, claim: ClaimId) -> GetClaim {
        GetClaim::new(
            self.practice.client(),
            self.practice
                .request(Method::GET, "/v1/{practiceid}/claims/{claimid}")
                .path_param("claimid", claim),
        )
    }
    /// `POST /v1/{practiceid}/claims`: a claim with charges (`claimcharges` is JSON in the form). Never
    /// retried.
    pub fn create(
        &self,
        patient: PatientId,
        department: DepartmentId,
        servicedate: AthenaDate,
        supervising_provider: ProviderId,
    ) -> CreateClaim {
        CreateClaim {
            client: self.practice.client().clone(),
            req: self
                .practice
                .request(Method::POST, "/v1/{practiceid}/claims")
                .retry_safety(RetrySafety::NotIdempotent)
                .form("patientid", patient)
                .form("departmentid", department)
                .form("servicedate", servicedate)
                .form("supervisingproviderid", supervising_provider),
            charges: Vec::new(),
        }
    }
    /// `GET /v1/{practiceid}/patients/{patientid}/claims/patientoutstanding`.
    pub fn patient_outstanding(&self, patient: PatientId) -> PatientOutstandingClaims {
        PatientOutstandingClaims::new(
            self.practice.client(),
            self.practice
                .request(
                    Method::GET,
                    "/v1/{practiceid}/patients/{patientid}/claims/patientoutstanding",
                )
                .path_param("patientid", patient),
        )
    }
}

builder!(
    /// `GET /v1/{practiceid}/claims`: a claim search. See [`Claims::search`].
    SearchClaims
);
pure_build!(SearchClaims);

impl SearchClaims {
    param!(/// Patient.
        query patientid(PatientId) => "patientid");
    param!(/// Department.
        query departmentid(DepartmentId) => "departmentid");
    param!(/// Provider.
        query providerid(ProviderId) => "providerid");
    param!(/// Appointment.
        query appointmentid(AppointmentId) => "appointmentid");
    param!(/// Service from.
        query servicestartdate(AthenaDate) => "servicestartdate");
    param!(/// Service to.
        query serviceenddate(AthenaDate) => "serviceenddate");
    param!(/// Created from.
        query createdstartdate(AthenaDate) => "createdstartdate");
    param!(/// Created to.
        query createdenddate(AthenaDate) => "createdenddate");
    param!(/// Procedure codes (comma-separated).
        query_str procedurecodes => "procedurecodes");
    param!(/// Page size.
        query limit(u32) => "limit");
}

send::list!(SearchClaims => Claim, "claims");

builder!(
    /// `GET /v1/{practiceid}/claims/{claimid}`: one claim. See [`Claims::get`].
    GetClaim
);
pure_build!(GetClaim);

send::get_one!(GetClaim => Claim);

/// One charge line of a new claim: one element of `POST /claims`'s `claimcharges`.
///
/// A plain value; [`CreateClaim::build`] checks it (a non-blank `procedurecode`, at least one
/// unit, at most four ICD-10 codes: athena has `icd10code1`…`icd10code4`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClaimCharge {
    /// CPT/HCPCS code.
    pub procedurecode: String,
    /// Units.
    pub units: u32,
    /// ICD-10 codes (up to four).
    pub icd10codes: Vec<String>,
    /// Unit amount, when not the fee schedule's.
    pub unitamount: Option<Money>,
}

impl ClaimCharge {
    /// A charge of `units` × `procedurecode` for the given diagnoses.
    pub fn new(procedurecode: impl Into<String>, units: u32, icd10codes: &[&str]) -> Self {
        ClaimCharge {
            procedurecode: procedurecode.into(),
            units,
            icd10codes: icd10codes.iter().map(|s| (*s).to_owned()).collect(),
            unitamount: None,
        }
    }

    /// What is wrong with this charge (a value-free message naming the parameter).
    fn problem(&self, index: usize) -> Option<String> {
        let at = format!("claimcharges[{index}]");
        if self.procedurecode.trim().is_empty() {
            Some(format!("`{at}.procedurecode` is required"))
        } else if self.units == 0 {
            Some(format!("`{at}.units` must be at least 1"))
        } else if self.icd10codes.len() > 4 {
            Some(format!(
                "`{at}` has more than four ICD-10 codes (`icd10code1`..`icd10code4`)"
            ))
        } else if self.icd10codes.iter().any(|c| c.trim().is_empty()) {
            Some(format!("`{at}` has a blank ICD-10 code"))
        } else {
            None
        }
    }

    fn to_json(&self) -> serde_json::Value {
        let mut m = serde_json::Map::new();
        m.insert("procedurecode".into(), self.procedurecode.clone().into());
        m.insert("units".into(), self.units.to_string().into());
        for (i, code) in self.icd10codes.iter().enumerate() {
            m.insert(format!("icd10code{}", i + 1), code.clone().into());
        }
        if let Some(a) = &self.unitamount {
            m.insert("unitamount".into(), a.to_string().into());
        }
        serde_json::Value::Object(m)
    }
}

/// `POST /v1/{practiceid}/claims`: creates a claim with charges. See [`Claims::create`].
#[derive(Debug, Clone)]
#[must_use = "a builder does nothing until `send`"]
pub struct CreateClaim {
    client: athena_core::Client,
    req: Request,
    charges: Vec<ClaimCharge>,
}

impl CreateClaim {
    /// Adds one element of `claimcharges` (a charge line).
    pub fn claimcharge(mut self, charge: ClaimCharge) -> Self {
        self.charges.push(charge);
        self
    }
    param!(/// Rendering provider.
        form renderingproviderid(ProviderId) => "renderingproviderid");
    param!(/// Primary patient insurance.
        form primarypatientinsuranceid(InsuranceId) => "primarypatientinsuranceid");
    param!(/// Secondary patient insurance.
        form secondarypatientinsuranceid(InsuranceId) => "secondarypatientinsuranceid");
    param!(/// Referring provider.
        form referringproviderid(u64) => "referringproviderid");

    /// The request; `InvalidInput` without any charge, or with a charge that is not valid
    /// (the message names the charge and the parameter, e.g. `claimcharges[1].units`).
    pub fn build(&self) -> Result<Request> {
        if self.charges.is_empty() {
            return Err(send::missing(&self.req, "claimcharges"));
        }
        if let Some(problem) = self
            .charges
            .iter()
            .enumerate()
            .find_map(|(i, c)| c.problem(i))
        {
            return Err(send::invalid(&self.req, problem));
        }
        let json =
            serde_json::Value::Array(self.charges.iter().map(ClaimCharge::to_json).collect())
                .to_string();
        Ok(self.req.clone().form("claimcharges", json))
    }
}

send::send_as!(CreateClaim => ClaimsCreated, json);

builder!(
    /// `GET /v1/{practiceid}/patients/{patientid}/claims/patientoutstanding`: a patient's
    /// outstanding claims. See [`Claims::patient_outstanding`].
    PatientOutstandingClaims
);
pure_build!(PatientOutstandingClaims);

impl PatientOutstandingClaims {
    param!(/// Page size.
        query limit(u32) => "limit");
}

send::list!(PatientOutstandingClaims => Claim, "claims");

/// Payments posted in a department (`department.payments(patient)`).
#[derive(Debug, Clone)]
pub struct DepartmentPayments {
    department: Department,
    patient: PatientId,
}

impl DepartmentPayments {
    pub(crate) fn new(department: Department, patient: PatientId) -> Self {
        DepartmentPayments {
            department,
            patient,
        }
    }
    /// `POST /v1/{practiceid}/patients/{patientid}/recordpayment` (`CASH`, `CHECK`, `VISA`, …). Never
    /// retried: a double-posted payment is the worst bug.
    pub fn record(&self, paymentmethod: impl Into<String>) -> RecordPayment {
        RecordPayment {
            client: self.department.client().clone(),
            req: self
                .department
                .practice()
                .request(
                    Method::POST,
                    "/v1/{practiceid}/patients/{patientid}/recordpayment",
                )
                .path_param("patientid", self.patient)
                .retry_safety(RetrySafety::NotIdempotent)
                .form("departmentid", self.department.id())
                .form("paymentmethod", paymentmethod.into()),
            claims: Vec::new(),
        }
    }
}

/// `POST /v1/{practiceid}/patients/{patientid}/recordpayment`: records a payment. See
/// [`DepartmentPayments::record`].
#[derive(Debug, Clone)]
#[must_use = "a builder does nothing until `send`"]
pub struct RecordPayment {
    client: athena_core::Client,
    req: Request,
    claims: Vec<(ClaimId, Money)>,
}

impl RecordPayment {
    param!(/// Copay amount.
        form copayamount(Money) => "copayamount");
    param!(/// Other amount.
        form otheramount(Money) => "otheramount");
    param!(/// Appointment the copay belongs to.
        form appointmentid(AppointmentId) => "appointmentid");
    param!(/// Check number.
        form_str checknumber => "checknumber");
    param!(/// Last four digits of the card.
        form_str cardnumberlast4 => "cardnumberlast4");
    param!(/// Posting date.
        form postdate(AthenaDate) => "postdate");

    /// Adds one element of `claimpayment` (JSON): applies `amount` to a claim.
    pub fn claimpayment(mut self, claim: ClaimId, amount: Money) -> Self {
        self.claims.push((claim, amount));
        self
    }

    /// The request (`claimpayment` is a JSON array inside the form, when set). Never fails:
    /// athena checks the amounts.
    pub fn build(&self) -> Result<Request> {
        if self.claims.is_empty() {
            return Ok(self.req.clone());
        }
        let json = serde_json::Value::Array(
            self.claims
                .iter()
                .map(|(c, a)| serde_json::json!({ c.to_string(): a.to_string() }))
                .collect(),
        )
        .to_string();
        Ok(self.req.clone().form("claimpayment", json))
    }
}

send::send_as!(RecordPayment => PaymentRecorded, one);
