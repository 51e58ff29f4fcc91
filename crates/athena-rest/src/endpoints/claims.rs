//! Revenue cycle: claims search and get, claim creation with charges, payments, a patient's
//! outstanding claims.

use athena_core::codec::{AthenaDate, Money};
use athena_core::ids::{AppointmentId, ClaimId, DepartmentId, InsuranceId, PatientId, ProviderId};
use athena_core::{Department, Page, Practice, Request, Result, RetrySafety};
use futures::Stream;
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
    /// `GET /claims`.
    pub fn search(&self) -> SearchClaims {
        SearchClaims::new(
            self.practice.client(),
            self.practice
                .request(Method::GET, "/v1/{practiceid}/claims"),
        )
    }
    /// `GET /claims/{claimid}` (an object).
    pub fn get(&self, claim: ClaimId) -> GetClaim {
        GetClaim::new(
            self.practice.client(),
            self.practice
                .request(Method::GET, "/v1/{practiceid}/claims/{claimid}")
                .path_param("claimid", claim),
        )
    }
    /// `POST /claims`: a claim with charges (`claimcharges` is JSON in the form). Never
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
    /// `GET /patients/{patientid}/claims/patientoutstanding`.
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
    /// `GET /claims`.
    SearchClaims
);
pure_build!(SearchClaims);

impl SearchClaims {
    param!(/// Patient.
        query patient(PatientId) => "patientid");
    param!(/// Department.
        query department(DepartmentId) => "departmentid");
    param!(/// Provider.
        query provider(ProviderId) => "providerid");
    param!(/// Appointment.
        query appointment(AppointmentId) => "appointmentid");
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

    /// One page.
    pub async fn send(self) -> Result<Page<Claim>> {
        send::page(&self.client, &self.req, "claims").await
    }
    /// Page after page, lazily (each with `totalcount` and the envelope's extra keys).
    pub fn pages(self) -> impl Stream<Item = Result<Page<Claim>>> + Send + 'static {
        send::pages(&self.client, self.req, "claims")
    }
    /// Every claim, lazily.
    pub fn stream(self) -> impl Stream<Item = Result<Claim>> + Send + 'static {
        send::stream(&self.client, self.req, "claims")
    }
}

builder!(
    /// `GET /claims/{claimid}`.
    GetClaim
);
pure_build!(GetClaim);

impl GetClaim {
    /// Sends.
    pub async fn send(self) -> Result<Claim> {
        send::one(&self.client, &self.req).await
    }
    /// Sends; a 404 is `Ok(None)`.
    pub async fn send_opt(self) -> Result<Option<Claim>> {
        send::opt(self.send().await)
    }
}

/// One charge line of a new claim.
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

    fn to_json(&self) -> serde_json::Value {
        let mut m = serde_json::Map::new();
        m.insert("procedurecode".into(), self.procedurecode.clone().into());
        m.insert("units".into(), self.units.to_string().into());
        for (i, code) in self.icd10codes.iter().take(4).enumerate() {
            m.insert(format!("icd10code{}", i + 1), code.clone().into());
        }
        if let Some(a) = &self.unitamount {
            m.insert("unitamount".into(), a.to_string().into());
        }
        serde_json::Value::Object(m)
    }
}

/// `POST /claims`. See [`Claims::create`].
#[derive(Debug, Clone)]
#[must_use = "a builder does nothing until `send`"]
pub struct CreateClaim {
    client: athena_core::Client,
    req: Request,
    charges: Vec<ClaimCharge>,
}

impl CreateClaim {
    /// Adds a charge line.
    pub fn charge(mut self, charge: ClaimCharge) -> Self {
        self.charges.push(charge);
        self
    }
    param!(/// Rendering provider.
        form rendering_provider(ProviderId) => "renderingproviderid");
    param!(/// Primary patient insurance.
        form primary_insurance(InsuranceId) => "primarypatientinsuranceid");
    param!(/// Secondary patient insurance.
        form secondary_insurance(InsuranceId) => "secondarypatientinsuranceid");
    param!(/// Referring provider.
        form referring_provider(u64) => "referringproviderid");

    /// The request; `InvalidInput` without any charge.
    pub fn build(&self) -> Result<Request> {
        if self.charges.is_empty() {
            return Err(send::invalid(
                &self.req,
                "a claim needs at least one charge",
            ));
        }
        let json =
            serde_json::Value::Array(self.charges.iter().map(ClaimCharge::to_json).collect())
                .to_string();
        Ok(self.req.clone().form("claimcharges", json))
    }

    /// Sends; `success:false` is [`ErrorKind::Unsuccessful`](athena_core::ErrorKind::Unsuccessful).
    pub async fn send(self) -> Result<ClaimsCreated> {
        let req = self.build()?;
        send::json(&self.client, &req).await
    }
}

builder!(
    /// `GET /patients/{patientid}/claims/patientoutstanding`.
    PatientOutstandingClaims
);
pure_build!(PatientOutstandingClaims);

impl PatientOutstandingClaims {
    param!(/// Page size.
        query limit(u32) => "limit");

    /// One page.
    pub async fn send(self) -> Result<Page<Claim>> {
        send::page(&self.client, &self.req, "claims").await
    }
    /// Every item across pages, lazily.
    pub fn stream(self) -> impl Stream<Item = Result<Claim>> + Send + 'static {
        send::stream(&self.client, self.req, "claims")
    }
    /// Page after page, lazily (each with `totalcount` and the envelope's extra keys).
    pub fn pages(self) -> impl Stream<Item = Result<Page<Claim>>> + Send + 'static {
        send::pages(&self.client, self.req, "claims")
    }
}

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
    /// `POST /patients/{patientid}/recordpayment` (`CASH`, `CHECK`, `VISA`, …). Never
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

/// `POST /patients/{patientid}/recordpayment`. See [`DepartmentPayments::record`].
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
        form appointment(AppointmentId) => "appointmentid");
    param!(/// Check number.
        form_str checknumber => "checknumber");
    param!(/// Last four digits of the card.
        form_str cardnumberlast4 => "cardnumberlast4");
    param!(/// Posting date.
        form postdate(AthenaDate) => "postdate");

    /// Applies `amount` to a claim (`claimpayment` JSON).
    pub fn claim_payment(mut self, claim: ClaimId, amount: Money) -> Self {
        self.claims.push((claim, amount));
        self
    }

    /// The request.
    pub fn build(&self) -> Request {
        if self.claims.is_empty() {
            return self.req.clone();
        }
        let json = serde_json::Value::Array(
            self.claims
                .iter()
                .map(|(c, a)| serde_json::json!({ c.to_string(): a.to_string() }))
                .collect(),
        )
        .to_string();
        self.req.clone().form("claimpayment", json)
    }

    /// Sends (athena answers a one-element array).
    pub async fn send(self) -> Result<PaymentRecorded> {
        send::one(&self.client, &self.build()).await
    }
}
