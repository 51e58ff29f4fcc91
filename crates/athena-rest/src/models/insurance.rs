//! Patient insurances and eligibility.

use athena_core::codec::AthenaDate;
use athena_core::ids::{InsuranceId, InsurancePackageId};
use athena_core::phi::Phi;

use crate::de::model;

model! {
    /// A patient insurance (`GET /patients/{patientid}/insurances`, item key `insurances`).
    pub struct Insurance {
        /// Insurance id.
        insuranceid: InsuranceId,
        /// Package (payer plan).
        insurancepackageid: InsurancePackageId,
        /// Plan name.
        insuranceplanname: String,
        /// Display name.
        insuranceplandisplayname: String,
        /// Type.
        insurancetype: String,
        /// Sequence (1 primary, 2 secondary).
        sequencenumber: u32,
        /// Member id.
        insuranceidnumber: Phi<String>,
        /// Policy number.
        policynumber: Phi<String>,
        /// Policy holder (full name).
        insurancepolicyholder: Phi<String>,
        /// Policy holder first name.
        insurancepolicyholderfirstname: Phi<String>,
        /// Policy holder last name.
        insurancepolicyholderlastname: Phi<String>,
        /// Policy holder date of birth.
        insurancepolicyholderdob: Phi<AthenaDate>,
        /// Policy holder SSN.
        insurancepolicyholderssn: Phi<String>,
        /// Policy holder address.
        insurancepolicyholderaddress1: Phi<String>,
        /// Policy holder sex.
        insurancepolicyholdersex: String,
        /// Relationship to the insured.
        relationshiptoinsured: String,
        /// Eligibility status (`Unverified`, `Eligible`, …).
        eligibilitystatus: String,
        /// Eligibility reason.
        eligibilityreason: String,
        /// Last eligibility check.
        eligibilitylastchecked: AthenaDate,
        /// Payer phone.
        insurancephone: String,
        /// Issue date.
        issuedate: AthenaDate,
        /// Expiration date.
        expirationdate: AthenaDate,
    }
}

model! {
    /// Eligibility / benefit details of a patient insurance
    /// (`…/insurances/{insuranceid}/benefitdetails`). athena's 271-derived shape is
    /// only partly documented: what is known is typed, the rest is kept in `extra`.
    pub struct BenefitDetails {
        /// Whether athena reported success.
        success: bool,
        /// Eligibility status.
        eligibilitystatus: String,
        /// Date of service checked.
        dateofservice: AthenaDate,
        /// Service type code checked.
        servicetypecode: String,
        /// When it was checked.
        lastchecked: String,
        /// The raw benefit details (271 segments).
        ansi271: Phi<String>,
        /// Benefit details.
        benefitdetails: serde_json::Value,
    }
}
