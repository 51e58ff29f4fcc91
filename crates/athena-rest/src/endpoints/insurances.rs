//! A patient's insurances and eligibility (benefit details).

use athena_core::codec::AthenaDate;
use athena_core::ids::{DepartmentId, InsuranceId, InsurancePackageId, PatientId};
use athena_core::{Practice, Request, RetrySafety};
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

    /// `GET /v1/{practiceid}/patients/{patientid}/insurances`.
    pub fn list(&self) -> ListInsurances {
        ListInsurances::new(self.practice.client(), self.request(Method::GET, LIST))
    }

    /// `POST /v1/{practiceid}/patients/{patientid}/insurances`: adds a policy. Not retried.
    pub fn add(
        &self,
        package: InsurancePackageId,
        insuranceidnumber: impl Into<String>,
        department: DepartmentId,
        sequencenumber: u32,
    ) -> AddInsurance {
        AddInsurance::new(
            self.practice.client(),
            self.request(Method::POST, LIST)
                .retry_safety(RetrySafety::NotIdempotent)
                .form("insurancepackageid", package)
                .form("insuranceidnumber", insuranceidnumber.into())
                .form("departmentid", department)
                .form("sequencenumber", sequencenumber),
        )
    }

    /// `PUT /v1/{practiceid}/patients/{patientid}/insurances/{insuranceid}`.
    pub fn update(&self, insurance: InsuranceId) -> UpdateInsurance {
        UpdateInsurance::new(
            self.practice.client(),
            self.request(Method::PUT, ONE)
                .path_param("insuranceid", insurance)
                .retry_safety(RetrySafety::Idempotent),
        )
    }

    /// `DELETE /v1/{practiceid}/patients/{patientid}/insurances/{insuranceid}`.
    pub fn delete(&self, insurance: InsuranceId) -> DeleteInsurance {
        DeleteInsurance::new(
            self.practice.client(),
            self.request(Method::DELETE, ONE)
                .path_param("insuranceid", insurance)
                .retry_safety(RetrySafety::Idempotent),
        )
    }

    /// `GET /v1/{practiceid}/patients/{patientid}/insurances/{insuranceid}/benefitdetails`: the last eligibility answer.
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

    /// `POST /v1/{practiceid}/patients/{patientid}/insurances/{insuranceid}/benefitdetails`: asks athena for a fresh eligibility
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
    /// `GET /v1/{practiceid}/patients/{patientid}/insurances`: a patient's policies. See
    /// [`PatientInsurances::list`].
    ListInsurances
);
pure_build!(ListInsurances);

impl ListInsurances {
    param!(/// Include cancelled policies.
        query showcancelled(bool) => "showcancelled");
    param!(/// Page size (default 100).
        query limit(u32) => "limit");
}

send::list!(ListInsurances => Insurance, "insurances");

macro_rules! holder_fields {
    () => {
        param!(/// Policy holder first name.
            form_str insurancepolicyholderfirstname => "insurancepolicyholderfirstname");
        param!(/// Policy holder last name.
            form_str insurancepolicyholderlastname => "insurancepolicyholderlastname");
        param!(/// Policy holder date of birth.
            form insurancepolicyholderdob(AthenaDate) => "insurancepolicyholderdob");
        param!(/// Policy holder sex (`M`/`F`).
            form_str insurancepolicyholdersex => "insurancepolicyholdersex");
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
    /// `POST /v1/{practiceid}/patients/{patientid}/insurances`: adds a policy. See
    /// [`PatientInsurances::add`].
    AddInsurance
);
pure_build!(AddInsurance);

impl AddInsurance {
    holder_fields!();
}

send::send_as!(AddInsurance => Insurance, one);

builder!(
    /// `PUT /v1/{practiceid}/patients/{patientid}/insurances/{insuranceid}`: updates a
    /// policy. See [`PatientInsurances::update`].
    UpdateInsurance
);
pure_build!(UpdateInsurance);

impl UpdateInsurance {
    holder_fields!();
    param!(/// Member id.
        form_str insuranceidnumber => "insuranceidnumber");
}

send::send_as!(UpdateInsurance => Success, json);

builder!(
    /// `DELETE /v1/{practiceid}/patients/{patientid}/insurances/{insuranceid}`: cancels a
    /// policy. See [`PatientInsurances::delete`].
    DeleteInsurance
);
pure_build!(DeleteInsurance);

impl DeleteInsurance {
    param!(/// Why the policy is cancelled.
        query_str cancellationnote => "cancellationnote");
}

send::send_as!(DeleteInsurance => Success, json);

builder!(
    /// `GET /v1/{practiceid}/patients/{patientid}/insurances/{insuranceid}/benefitdetails`:
    /// the last eligibility answer. See [`PatientInsurances::benefit_details`].
    GetBenefitDetails
);
pure_build!(GetBenefitDetails);

impl GetBenefitDetails {
    param!(/// Date of service.
        query dateofservice(AthenaDate) => "dateofservice");
    param!(/// X12 service type code (`30` = health benefit plan coverage).
        query_str servicetypecode => "servicetypecode");
}

send::get_one!(GetBenefitDetails => BenefitDetails, json);

builder!(
    /// `POST /v1/{practiceid}/patients/{patientid}/insurances/{insuranceid}/benefitdetails`:
    /// asks for a fresh eligibility check. See [`PatientInsurances::check_eligibility`].
    CheckEligibility
);
pure_build!(CheckEligibility);

impl CheckEligibility {
    param!(/// Date of service.
        form dateofservice(AthenaDate) => "dateofservice");
    param!(/// X12 service type code.
        form_str servicetypecode => "servicetypecode");
}

send::send_as!(CheckEligibility => BenefitDetails, json);
