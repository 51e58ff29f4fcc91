//! Patient insurances and eligibility.

use athena_core::codec::AthenaDate;
use athena_core::ids::{InsuranceId, InsurancePackageId};
use athena_core::phi::Phi;

use athena_core::Model;
use athena_core::decode::warnings::DecodeWarning;

/// A patient insurance (`GET /patients/{patientid}/insurances`, item key `insurances`).
#[derive(Clone, Default, Model)]
#[non_exhaustive]
pub struct Insurance {
    /// Insurance id.
    pub insuranceid: Option<InsuranceId>,
    /// Package (payer plan).
    pub insurancepackageid: Option<InsurancePackageId>,
    /// Plan name.
    pub insuranceplanname: Option<String>,
    /// Display name.
    pub insuranceplandisplayname: Option<String>,
    /// Type.
    pub insurancetype: Option<String>,
    /// Sequence (1 primary, 2 secondary).
    pub sequencenumber: Option<u32>,
    /// Member id.
    pub insuranceidnumber: Option<Phi<String>>,
    /// Policy number.
    pub policynumber: Option<Phi<String>>,
    /// Policy holder (full name).
    pub insurancepolicyholder: Option<Phi<String>>,
    /// Policy holder first name.
    pub insurancepolicyholderfirstname: Option<Phi<String>>,
    /// Policy holder last name.
    pub insurancepolicyholderlastname: Option<Phi<String>>,
    /// Policy holder date of birth.
    pub insurancepolicyholderdob: Option<Phi<AthenaDate>>,
    /// Policy holder SSN.
    pub insurancepolicyholderssn: Option<Phi<String>>,
    /// Policy holder address.
    pub insurancepolicyholderaddress1: Option<Phi<String>>,
    /// Policy holder sex.
    pub insurancepolicyholdersex: Option<String>,
    /// Relationship to the insured.
    pub relationshiptoinsured: Option<String>,
    /// Eligibility status (`Unverified`, `Eligible`, …).
    pub eligibilitystatus: Option<String>,
    /// Eligibility reason.
    pub eligibilityreason: Option<String>,
    /// Last eligibility check.
    pub eligibilitylastchecked: Option<AthenaDate>,
    /// Payer phone.
    pub insurancephone: Option<String>,
    /// Issue date.
    pub issuedate: Option<AthenaDate>,
    /// Expiration date.
    pub expirationdate: Option<AthenaDate>,
    /// Fields athena sent that are not modelled, and modelled fields that arrived in a shape
    /// their type cannot hold (see `decode_warnings()`), kept verbatim. May hold PHI: `Debug`
    /// shows only the keys.
    pub extra: serde_json::Map<String, serde_json::Value>,
    /// What `decode_warnings()` returns.
    decode_warnings: Vec<DecodeWarning>,
}

/// Eligibility / benefit details of a patient insurance
/// (`…/insurances/{insuranceid}/benefitdetails`). athena's 271-derived shape is
/// only partly documented: what is known is typed, the rest is kept in `extra`.
#[derive(Clone, Default, Model)]
#[non_exhaustive]
pub struct BenefitDetails {
    /// Whether athena reported success.
    pub success: Option<bool>,
    /// Eligibility status.
    pub eligibilitystatus: Option<String>,
    /// Date of service checked.
    pub dateofservice: Option<AthenaDate>,
    /// Service type code checked.
    pub servicetypecode: Option<String>,
    /// When it was checked.
    pub lastchecked: Option<String>,
    /// The raw benefit details (271 segments).
    pub ansi271: Option<Phi<String>>,
    /// Benefit details.
    pub benefitdetails: Option<serde_json::Value>,
    /// Fields athena sent that are not modelled, and modelled fields that arrived in a shape
    /// their type cannot hold (see `decode_warnings()`), kept verbatim. May hold PHI: `Debug`
    /// shows only the keys.
    pub extra: serde_json::Map<String, serde_json::Value>,
    /// What `decode_warnings()` returns.
    decode_warnings: Vec<DecodeWarning>,
}
