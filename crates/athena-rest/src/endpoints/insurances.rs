//! A patient's insurances and eligibility (benefit details).

use athena_core::codec::AthenaDate;
use athena_core::ids::{DepartmentId, InsuranceId, InsurancePackageId, PatientId};
use athena_core::{Page, Practice, Request, Result, RetrySafety};
use futures::Stream;
use http::Method;

use crate::models::{BenefitDetails, Insurance, Success};
use crate::send::{self, builder, param, pure_build};

const LIST: &str = "/v1/{practiceid}/patients/{patientid}/insurances";
const ONE: &str = "/v1/{practiceid}/patients/{patientid}/insurances/{insuranceid}";

/// A patient's insurances (`practice.insurances(patient)`).
#[derive(Debug, Clone)]
pub struct PatientInsurances {
    practice: Practice,
    patient: PatientId,
}

impl PatientInsurances {
    pub(crate) fn new(practice: Practice, patient: PatientId) -> Self {
        PatientInsurances { practice, patient }
    }

    fn request(&self, method: Method, route: &'static str) -> Request {
        self.practice
            .request(method, route)
            .path_param("patientid", self.patient)
    }

    /// `GET /patients/{patientid}/insurances`.
    pub fn list(&self) -> ListInsurances {
        ListInsurances::new(self.practice.client(), self.request(Method::GET, LIST))
    }

    /// `POST /patients/{patientid}/insurances`: adds a policy. Not retried.
    pub fn add(
        &self,
        package: InsurancePackageId,
        member_id: impl Into<String>,
        department: DepartmentId,
        sequencenumber: u32,
    ) -> AddInsurance {
        AddInsurance::new(
            self.practice.client(),
            self.request(Method::POST, LIST)
                .retry_safety(RetrySafety::NotIdempotent)
                .form("insurancepackageid", package)
                .form("insuranceidnumber", member_id.into())
                .form("departmentid", department)
                .form("sequencenumber", sequencenumber),
        )
    }

    /// `PUT /patients/{patientid}/insurances/{insuranceid}`.
    pub fn update(&self, insurance: InsuranceId) -> UpdateInsurance {
        UpdateInsurance::new(
            self.practice.client(),
            self.request(Method::PUT, ONE)
                .path_param("insuranceid", insurance)
                .retry_safety(RetrySafety::Idempotent),
        )
    }

    /// `DELETE /patients/{patientid}/insurances/{insuranceid}`.
    pub fn delete(&self, insurance: InsuranceId) -> DeleteInsurance {
        DeleteInsurance::new(
            self.practice.client(),
            self.request(Method::DELETE, ONE)
                .path_param("insuranceid", insurance)
                .retry_safety(RetrySafety::Idempotent),
        )
    }

    /// `GET …/insurances/{insuranceid}/benefitdetails`: the last eligibility answer.
    pub fn benefit_details(&self, insurance: InsuranceId) -> GetBenefitDetails {
        GetBenefitDetails::new(
            self.practice.client(),
            self.request(
                Method::GET,
                "/v1/{practiceid}/patients/{patientid}/insurances/{insuranceid}/benefitdetails",
            )
            .path_param("insuranceid", insurance),
        )
    }

    /// `POST …/insurances/{insuranceid}/benefitdetails`: asks athena for a fresh eligibility
    /// check (production only; preview does not run checks).
    pub fn check_eligibility(&self, insurance: InsuranceId) -> CheckEligibility {
        CheckEligibility::new(
            self.practice.client(),
            self.request(
                Method::POST,
                "/v1/{practiceid}/patients/{patientid}/insurances/{insuranceid}/benefitdetails",
            )
            .path_param("insuranceid", insurance)
            .retry_safety(RetrySafety::Idempotent),
        )
    }
}

builder!(
    /// `GET /patients/{patientid}/insurances`.
    ListInsurances
);
pure_build!(ListInsurances);

impl ListInsurances {
    param!(/// Include cancelled policies.
        query showcancelled(bool) => "showcancelled");
    param!(/// Page size (default 100).
        query limit(u32) => "limit");

    /// One page.
    pub async fn send(self) -> Result<Page<Insurance>> {
        send::page(&self.client, &self.req, "insurances").await
    }
    /// Every item across pages, lazily.
    pub fn stream(self) -> impl Stream<Item = Result<Insurance>> + Send + 'static {
        send::stream(&self.client, self.req, "insurances")
    }
    /// Page after page, lazily (each with `totalcount` and the envelope's extra keys).
    pub fn pages(self) -> impl Stream<Item = Result<Page<Insurance>>> + Send + 'static {
        send::pages(&self.client, self.req, "insurances")
    }
}

macro_rules! holder_fields {
    () => {
        param!(/// Policy holder first name.
            form_str policyholder_firstname => "insurancepolicyholderfirstname");
        param!(/// Policy holder last name.
            form_str policyholder_lastname => "insurancepolicyholderlastname");
        param!(/// Policy holder date of birth.
            form policyholder_dob(AthenaDate) => "insurancepolicyholderdob");
        param!(/// Policy holder sex (`M`/`F`).
            form_str policyholder_sex => "insurancepolicyholdersex");
        param!(/// Relationship to the insured (1 = self).
            form relationshiptoinsuredid(u32) => "relationshiptoinsuredid");
        param!(/// Policy (group) number.
            form_str policynumber => "policynumber");
        param!(/// Issue date.
            form issuedate(AthenaDate) => "issuedate");
        param!(/// Expiration date.
            form expirationdate(AthenaDate) => "expirationdate");
    };
}

builder!(
    /// `POST /patients/{patientid}/insurances`.
    AddInsurance
);
pure_build!(AddInsurance);

impl AddInsurance {
    holder_fields!();

    /// Sends; athena answers the new insurance (an array in current recordings).
    pub async fn send(self) -> Result<Insurance> {
        send::one(&self.client, &self.req).await
    }
}

builder!(
    /// `PUT /patients/{patientid}/insurances/{insuranceid}`.
    UpdateInsurance
);
pure_build!(UpdateInsurance);

impl UpdateInsurance {
    holder_fields!();
    param!(/// Member id.
        form_str insuranceidnumber => "insuranceidnumber");

    /// Sends.
    pub async fn send(self) -> Result<Success> {
        send::json(&self.client, &self.req).await
    }
}

builder!(
    /// `DELETE /patients/{patientid}/insurances/{insuranceid}`.
    DeleteInsurance
);
pure_build!(DeleteInsurance);

impl DeleteInsurance {
    param!(/// Why the policy is cancelled.
        query_str cancellationnote => "cancellationnote");

    /// Sends.
    pub async fn send(self) -> Result<Success> {
        send::json(&self.client, &self.req).await
    }
}

builder!(
    /// `GET …/insurances/{insuranceid}/benefitdetails`.
    GetBenefitDetails
);
pure_build!(GetBenefitDetails);

impl GetBenefitDetails {
    param!(/// Date of service.
        query dateofservice(AthenaDate) => "dateofservice");
    param!(/// X12 service type code (`30` = health benefit plan coverage).
        query_str servicetypecode => "servicetypecode");

    /// Sends.
    pub async fn send(self) -> Result<BenefitDetails> {
        send::json(&self.client, &self.req).await
    }
}

builder!(
    /// `POST …/insurances/{insuranceid}/benefitdetails`.
    CheckEligibility
);
pure_build!(CheckEligibility);

impl CheckEligibility {
    param!(/// Date of service.
        form dateofservice(AthenaDate) => "dateofservice");
    param!(/// X12 service type code.
        form_str servicetypecode => "servicetypecode");

    /// Sends.
    pub async fn send(self) -> Result<BenefitDetails> {
        send::json(&self.client, &self.req).await
    }
}
