//! Claims, charges, payments, adjustments, denial codes.

use athena_core::codec::{AthenaDate, Money};
use athena_core::ids::{
    AppointmentId, ClaimId, DepartmentId, InsuranceId, PatientId, PaymentBatchId, ProviderId,
};

use athena_core::phi::Phi;

use crate::de::{model, open_enum};

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

model! {
    /// A claim (`GET /claims`, item key `claims`; `GET /claims/{claimid}`, an object).
    pub struct Claim {
        /// Claim id.
        claimid: ClaimId,
        /// Patient.
        patientid: PatientId,
        /// Department.
        departmentid: DepartmentId,
        /// Billed provider.
        billedproviderid: ProviderId,
        /// Service date.
        billedservicedate: AthenaDate,
        /// Created.
        claimcreateddate: AthenaDate,
        /// Charges (procedures).
        procedures: Vec<ClaimProcedure>,
        /// Diagnoses.
        diagnoses: Vec<ClaimDiagnosis>,
        /// Primary insurance payer and status.
        primaryinsurancepayer: ClaimPayer,
        /// Secondary insurance payer and status.
        secondaryinsurancepayer: ClaimPayer,
        /// Patient as payer and status.
        patientpayer: ClaimPayer,
        /// Transaction id → amount.
        transactiondetails: serde_json::Map<String, serde_json::Value>,
        /// Custom fields.
        customfields: Vec<serde_json::Value>,
        /// The appointment the claim was created from.
        appointmentid: AppointmentId,
        /// Rendering provider.
        renderingproviderid: ProviderId,
        /// Referral / prior authorization on the claim (`referralauthid`, as on `POST /claims`).
        referralauthid: String,
        /// The total amount billed for all services of the claim.
        chargeamount: Money,
        /// The primary transaction this claim represents (useful for debugging).
        transactionid: String,
    }
}

model! {
    /// A claim's status with one payer.
    pub struct ClaimPayer {
        /// Status.
        status: ClaimStatus,
        /// The patient insurance (primary).
        primarypatientinsuranceid: InsuranceId,
        /// The patient insurance (secondary).
        secondarypatientinsuranceid: InsuranceId,
        /// The note attached to this status: free text, where a posted denial's reason
        /// usually appears (e.g. `Denied CO-197 ... N54`). May name the patient: kept as
        /// [`Phi`].
        note: Phi<String>,
    }
}

model! {
    /// One charge line of a claim.
    pub struct ClaimProcedure {
        /// Transaction id.
        transactionid: String,
        /// CPT/HCPCS code.
        procedurecode: String,
        /// Description.
        proceduredescription: String,
        /// Category.
        procedurecategory: String,
        /// Charge.
        chargeamount: Money,
        /// The total amount expected from the payer for this procedure.
        allowableamount: Money,
        /// The minimum amount expected from the payer.
        allowablemin: Money,
        /// The maximum amount expected from the payer.
        allowablemax: Money,
    }
}

model! {
    /// One diagnosis of a claim.
    pub struct ClaimDiagnosis {
        /// Diagnosis id.
        diagnosisid: String,
        /// Raw code (`A00.9`).
        diagnosisrawcode: String,
        /// Code set (`ICD10`).
        diagnosiscodeset: String,
        /// Description.
        diagnosisdescription: String,
        /// Category.
        diagnosiscategory: String,
        /// Whether deleted (`"false"`).
        deleteddiagnosis: bool,
    }
}

model! {
    /// `POST /claims` → `{"claimids":["1","2"],"errormessage":"","success":true}`.
    pub struct ClaimsCreated {
        /// New claim ids.
        claimids: Vec<ClaimId>,
        /// Whether athena reported success.
        success: bool,
        /// Error text.
        errormessage: String,
    }
}

model! {
    /// `POST /patients/{patientid}/recordpayment` → `[{"success":"true","paymentbatchid":"5"}]`.
    pub struct PaymentRecorded {
        /// Whether athena reported success.
        success: bool,
        /// The batch the payment went into.
        paymentbatchid: PaymentBatchId,
    }
}
