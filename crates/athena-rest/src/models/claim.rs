//! Claims, charges, payments, adjustments, denial codes.

use athena_core::codec::{AthenaDate, Money};
use athena_core::ids::{
    AppointmentId, ClaimId, DepartmentId, InsuranceId, PatientId, PaymentBatchId, ProviderId,
};

use athena_core::decode::warnings::DecodeWarning;
use athena_core::phi::Phi;
use athena_core::{Model, open_enum};

open_enum! {
    /// The status of a claim with one payer (`primaryinsurancepayer.status`, …).
    pub enum ClaimStatus {
        /// Held by athena.
        AthenaHold = "ATHENAHOLD",
        /// Held by the practice.
        Hold = "HOLD",
        /// Held by a manager.
        MgrHold = "MGRHOLD",
        /// Waiting to be sent.
        Pending = "PENDING",
        /// Submitted to the payer.
        Billed = "BILLED",
        /// Dropped to paper.
        Drop = "DROP",
        /// Closed.
        Closed = "CLOSED",
    }
}

open_enum! {
    /// Claim adjustment reason codes (CARC, X12 835), the denial reasons that matter most.
    pub enum DenialReasonCode {
        /// Claim lacks information or has billing errors.
        MissingInformation = "16",
        /// Duplicate claim/service.
        Duplicate = "18",
        /// Expenses incurred after coverage terminated.
        CoverageTerminated = "27",
        /// Time limit for filing has expired.
        TimelyFiling = "29",
        /// Charge exceeds fee schedule.
        ExceedsFeeSchedule = "45",
        /// Not deemed a medical necessity.
        NotMedicallyNecessary = "50",
        /// Non-covered service.
        NonCovered = "96",
        /// Included in another service already adjudicated.
        Bundled = "97",
        /// Precertification/authorization absent.
        NoAuthorization = "197",
        /// Not covered under the patient's current benefit plan.
        NotInBenefitPlan = "204",
    }
}

open_enum! {
    /// Remittance advice remark codes (RARC).
    pub enum RemarkCode {
        /// Missing/incomplete/invalid information.
        N130 = "N130",
        /// Claim information is inconsistent.
        MA130 = "MA130",
        /// Missing/incomplete/invalid procedure code(s).
        M51 = "M51",
        /// Missing/incomplete/invalid diagnosis.
        M76 = "M76",
        /// Alert: appeal rights.
        N386 = "N386",
    }
}

/// A claim (`GET /claims`, item key `claims`; `GET /claims/{claimid}`, an object).
#[derive(Clone, Default, Model)]
#[non_exhaustive]
pub struct Claim {
    /// Claim id.
    pub claimid: Option<ClaimId>,
    /// Patient.
    pub patientid: Option<PatientId>,
    /// Department.
    pub departmentid: Option<DepartmentId>,
    /// Billed provider.
    pub billedproviderid: Option<ProviderId>,
    /// Service date.
    pub billedservicedate: Option<AthenaDate>,
    /// Created.
    pub claimcreateddate: Option<AthenaDate>,
    /// Charges (procedures).
    pub procedures: Option<Vec<ClaimProcedure>>,
    /// Diagnoses.
    pub diagnoses: Option<Vec<ClaimDiagnosis>>,
    /// Primary insurance payer and status.
    pub primaryinsurancepayer: Option<ClaimPayer>,
    /// Secondary insurance payer and status.
    pub secondaryinsurancepayer: Option<ClaimPayer>,
    /// Patient as payer and status.
    pub patientpayer: Option<ClaimPayer>,
    /// Transaction id → amount.
    pub transactiondetails: Option<serde_json::Map<String, serde_json::Value>>,
    /// Custom fields.
    pub customfields: Option<Vec<serde_json::Value>>,
    /// The appointment the claim was created from.
    pub appointmentid: Option<AppointmentId>,
    /// Rendering provider.
    pub renderingproviderid: Option<ProviderId>,
    /// Referral / prior authorization on the claim (`referralauthid`, as on `POST /claims`).
    pub referralauthid: Option<String>,
    /// The total amount billed for all services of the claim.
    pub chargeamount: Option<Money>,
    /// The primary transaction this claim represents (useful for debugging).
    pub transactionid: Option<String>,
    /// Fields athena sent that are not modelled, and modelled fields that arrived in a shape
    /// their type cannot hold (see `decode_warnings()`), kept verbatim. May hold PHI: `Debug`
    /// shows only the keys.
    pub extra: serde_json::Map<String, serde_json::Value>,
    /// What `decode_warnings()` returns.
    decode_warnings: Vec<DecodeWarning>,
}

/// A claim's status with one payer.
#[derive(Clone, Default, Model)]
#[non_exhaustive]
pub struct ClaimPayer {
    /// Status.
    pub status: Option<ClaimStatus>,
    /// The patient insurance (primary).
    pub primarypatientinsuranceid: Option<InsuranceId>,
    /// The patient insurance (secondary).
    pub secondarypatientinsuranceid: Option<InsuranceId>,
    /// The note attached to this status: free text, where a posted denial's reason
    /// usually appears (e.g. `Denied CO-197 ... N54`). May name the patient: kept as
    /// [`Phi`].
    pub note: Option<Phi<String>>,
    /// Fields athena sent that are not modelled, and modelled fields that arrived in a shape
    /// their type cannot hold (see `decode_warnings()`), kept verbatim. May hold PHI: `Debug`
    /// shows only the keys.
    pub extra: serde_json::Map<String, serde_json::Value>,
    /// What `decode_warnings()` returns.
    decode_warnings: Vec<DecodeWarning>,
}

/// One charge line of a claim.
#[derive(Clone, Default, Model)]
#[non_exhaustive]
pub struct ClaimProcedure {
    /// Transaction id.
    pub transactionid: Option<String>,
    /// CPT/HCPCS code.
    pub procedurecode: Option<String>,
    /// Description.
    pub proceduredescription: Option<String>,
    /// Category.
    pub procedurecategory: Option<String>,
    /// Charge.
    pub chargeamount: Option<Money>,
    /// The total amount expected from the payer for this procedure.
    pub allowableamount: Option<Money>,
    /// The minimum amount expected from the payer.
    pub allowablemin: Option<Money>,
    /// The maximum amount expected from the payer.
    pub allowablemax: Option<Money>,
    /// Fields athena sent that are not modelled, and modelled fields that arrived in a shape
    /// their type cannot hold (see `decode_warnings()`), kept verbatim. May hold PHI: `Debug`
    /// shows only the keys.
    pub extra: serde_json::Map<String, serde_json::Value>,
    /// What `decode_warnings()` returns.
    decode_warnings: Vec<DecodeWarning>,
}

/// One diagnosis of a claim.
#[derive(Clone, Default, Model)]
#[non_exhaustive]
pub struct ClaimDiagnosis {
    /// Diagnosis id.
    pub diagnosisid: Option<String>,
    /// Raw code (`A00.9`).
    pub diagnosisrawcode: Option<String>,
    /// Code set (`ICD10`).
    pub diagnosiscodeset: Option<String>,
    /// Description.
    pub diagnosisdescription: Option<String>,
    /// Category.
    pub diagnosiscategory: Option<String>,
    /// Whether deleted (`"false"`).
    pub deleteddiagnosis: Option<bool>,
    /// Fields athena sent that are not modelled, and modelled fields that arrived in a shape
    /// their type cannot hold (see `decode_warnings()`), kept verbatim. May hold PHI: `Debug`
    /// shows only the keys.
    pub extra: serde_json::Map<String, serde_json::Value>,
    /// What `decode_warnings()` returns.
    decode_warnings: Vec<DecodeWarning>,
}

/// `POST /claims` → `{"claimids":["1","2"],"errormessage":"","success":true}`.
#[derive(Clone, Default, Model)]
#[non_exhaustive]
pub struct ClaimsCreated {
    /// New claim ids.
    pub claimids: Option<Vec<ClaimId>>,
    /// Whether athena reported success.
    pub success: Option<bool>,
    /// Error text.
    pub errormessage: Option<String>,
    /// Fields athena sent that are not modelled, and modelled fields that arrived in a shape
    /// their type cannot hold (see `decode_warnings()`), kept verbatim. May hold PHI: `Debug`
    /// shows only the keys.
    pub extra: serde_json::Map<String, serde_json::Value>,
    /// What `decode_warnings()` returns.
    decode_warnings: Vec<DecodeWarning>,
}

/// `POST /patients/{patientid}/recordpayment` → `[{"success":"true","paymentbatchid":"5"}]`.
#[derive(Clone, Default, Model)]
#[non_exhaustive]
pub struct PaymentRecorded {
    /// Whether athena reported success.
    pub success: Option<bool>,
    /// The batch the payment went into.
    pub paymentbatchid: Option<PaymentBatchId>,
    /// Fields athena sent that are not modelled, and modelled fields that arrived in a shape
    /// their type cannot hold (see `decode_warnings()`), kept verbatim. May hold PHI: `Debug`
    /// shows only the keys.
    pub extra: serde_json::Map<String, serde_json::Value>,
    /// What `decode_warnings()` returns.
    decode_warnings: Vec<DecodeWarning>,
}
