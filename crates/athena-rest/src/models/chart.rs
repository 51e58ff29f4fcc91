//! Chart (clinical) models: problems, medications, allergies, vitals, labs, encounters.

use athena_core::codec::{AthenaDate, AthenaDateTime};
use athena_core::ids::{
    AppointmentId, DepartmentId, EncounterId, LabResultId, PatientId, ProblemId, ProviderId,
    VitalId,
};
use athena_core::phi::Phi;

use athena_core::Model;
use athena_core::decode::warnings::DecodeWarning;

/// A problem-list entry (`GET /chart/{patientid}/problems`, item key `problems`).
#[derive(Clone, Default, Model)]
#[non_exhaustive]
pub struct Problem {
    /// Problem id.
    pub problemid: Option<ProblemId>,
    /// Display name.
    pub name: Option<String>,
    /// Code.
    pub code: Option<String>,
    /// Code set (`SNOMED`).
    pub codeset: Option<String>,
    /// Best-matching ICD-10 code.
    pub bestmatchicd10code: Option<String>,
    /// Last modified (ISO-8601 with offset).
    pub lastmodifieddatetime: Option<AthenaDateTime>,
    /// Last modified by.
    pub lastmodifiedby: Option<String>,
    /// History events.
    pub events: Option<Vec<ProblemEvent>>,
    /// Patient (on feeds).
    pub patientid: Option<PatientId>,
    /// Fields athena sent that are not modelled, and modelled fields that arrived in a shape
    /// their type cannot hold (see `decode_warnings()`), kept verbatim. May hold PHI: `Debug`
    /// shows only the keys.
    pub extra: serde_json::Map<String, serde_json::Value>,
    /// What `decode_warnings()` returns.
    decode_warnings: Vec<DecodeWarning>,
}

/// One event of a problem.
#[derive(Clone, Default, Model)]
#[non_exhaustive]
pub struct ProblemEvent {
    /// `START`, `END`, …
    pub eventtype: Option<String>,
    /// Start date.
    pub startdate: Option<AthenaDate>,
    /// Onset date.
    pub onsetdate: Option<AthenaDate>,
    /// Created date.
    pub createddate: Option<AthenaDate>,
    /// Created by.
    pub createdby: Option<String>,
    /// Status (`CHRONIC`, `ACUTE`).
    pub status: Option<String>,
    /// Note.
    pub note: Option<Phi<String>>,
    /// Fields athena sent that are not modelled, and modelled fields that arrived in a shape
    /// their type cannot hold (see `decode_warnings()`), kept verbatim. May hold PHI: `Debug`
    /// shows only the keys.
    pub extra: serde_json::Map<String, serde_json::Value>,
    /// What `decode_warnings()` returns.
    decode_warnings: Vec<DecodeWarning>,
}

/// `POST /chart/{patientid}/problems` → `{"success":"true","problemid":…}`.
#[derive(Clone, Default, Model)]
#[non_exhaustive]
pub struct ProblemCreated {
    /// Whether athena reported success.
    pub success: Option<bool>,
    /// The new problem id.
    pub problemid: Option<ProblemId>,
    /// Fields athena sent that are not modelled, and modelled fields that arrived in a shape
    /// their type cannot hold (see `decode_warnings()`), kept verbatim. May hold PHI: `Debug`
    /// shows only the keys.
    pub extra: serde_json::Map<String, serde_json::Value>,
    /// What `decode_warnings()` returns.
    decode_warnings: Vec<DecodeWarning>,
}

/// The medication list (`GET /chart/{patientid}/medications`): `medications` is an array
/// of arrays, one inner array (history entries) per medication.
#[derive(Clone, Default, Model)]
#[non_exhaustive]
pub struct MedicationList {
    /// Medications; each inner list is one medication's entries.
    pub medications: Option<Vec<Vec<Medication>>>,
    /// Whether "no medications reported" is set.
    pub nomedicationsreported: Option<bool>,
    /// Last updated.
    pub lastupdated: Option<String>,
    /// Whether download consent is needed.
    pub patientneedsdownloadconsent: Option<bool>,
    /// Whether download consent was given.
    pub patientdownloadconsent: Option<bool>,
    /// Section note.
    pub sectionnote: Option<Phi<String>>,
    /// Fields athena sent that are not modelled, and modelled fields that arrived in a shape
    /// their type cannot hold (see `decode_warnings()`), kept verbatim. May hold PHI: `Debug`
    /// shows only the keys.
    pub extra: serde_json::Map<String, serde_json::Value>,
    /// What `decode_warnings()` returns.
    decode_warnings: Vec<DecodeWarning>,
}

/// One medication entry.
#[derive(Clone, Default, Model)]
#[non_exhaustive]
pub struct Medication {
    /// Medication id.
    pub medicationid: Option<u64>,
    /// Entry id (e.g. `H228145`).
    pub medicationentryid: Option<String>,
    /// Display name.
    pub medication: Option<String>,
    /// First DataBank id.
    pub fdbmedicationid: Option<String>,
    /// Whether discontinued.
    pub isdiscontinued: Option<bool>,
    /// Free-text sig.
    pub unstructuredsig: Option<Phi<String>>,
    /// Structured sig.
    pub structuredsig: Option<serde_json::Value>,
    /// Source.
    pub source: Option<String>,
    /// Prescriber.
    pub prescribedby: Option<String>,
    /// History events.
    pub events: Option<Vec<serde_json::Value>>,
    /// Fields athena sent that are not modelled, and modelled fields that arrived in a shape
    /// their type cannot hold (see `decode_warnings()`), kept verbatim. May hold PHI: `Debug`
    /// shows only the keys.
    pub extra: serde_json::Map<String, serde_json::Value>,
    /// What `decode_warnings()` returns.
    decode_warnings: Vec<DecodeWarning>,
}

/// The allergy list (`GET /chart/{patientid}/allergies`).
#[derive(Clone, Default, Model)]
#[non_exhaustive]
pub struct AllergyList {
    /// Allergies.
    pub allergies: Option<Vec<Allergy>>,
    /// No known drug allergies.
    pub nkda: Option<bool>,
    /// Last updated.
    pub lastupdated: Option<String>,
    /// Section note.
    pub sectionnote: Option<Phi<String>>,
    /// Fields athena sent that are not modelled, and modelled fields that arrived in a shape
    /// their type cannot hold (see `decode_warnings()`), kept verbatim. May hold PHI: `Debug`
    /// shows only the keys.
    pub extra: serde_json::Map<String, serde_json::Value>,
    /// What `decode_warnings()` returns.
    decode_warnings: Vec<DecodeWarning>,
}

/// One allergy.
#[derive(Clone, Default, Model)]
#[non_exhaustive]
pub struct Allergy {
    /// Allergen id.
    pub allergenid: Option<u64>,
    /// Allergen name.
    pub allergenname: Option<String>,
    /// Onset date.
    pub onsetdate: Option<AthenaDate>,
    /// Deactivated date.
    pub deactivatedate: Option<AthenaDate>,
    /// Note.
    pub note: Option<Phi<String>>,
    /// Reactions.
    pub reactions: Option<Vec<serde_json::Value>>,
    /// Concept type.
    pub allergyconcepttype: Option<String>,
    /// Fields athena sent that are not modelled, and modelled fields that arrived in a shape
    /// their type cannot hold (see `decode_warnings()`), kept verbatim. May hold PHI: `Debug`
    /// shows only the keys.
    pub extra: serde_json::Map<String, serde_json::Value>,
    /// What `decode_warnings()` returns.
    decode_warnings: Vec<DecodeWarning>,
}

/// A vital sign (`GET /chart/{patientid}/vitals`, item key `vitals`): `readings` is an
/// array of arrays (one inner array per reading time).
#[derive(Clone, Default, Model)]
#[non_exhaustive]
pub struct Vital {
    /// Abbreviation (`BP`, `Weight`, …).
    pub abbreviation: Option<String>,
    /// Key (`BLOODPRESSURE`).
    pub key: Option<String>,
    /// Ordering.
    pub ordering: Option<u32>,
    /// Readings.
    pub readings: Option<Vec<Vec<VitalReading>>>,
    /// Fields athena sent that are not modelled, and modelled fields that arrived in a shape
    /// their type cannot hold (see `decode_warnings()`), kept verbatim. May hold PHI: `Debug`
    /// shows only the keys.
    pub extra: serde_json::Map<String, serde_json::Value>,
    /// What `decode_warnings()` returns.
    decode_warnings: Vec<DecodeWarning>,
}

/// One vital reading.
#[derive(Clone, Default, Model)]
#[non_exhaustive]
pub struct VitalReading {
    /// Reading id.
    pub vitalid: Option<VitalId>,
    /// Clinical element (`VITALS.BLOODPRESSURE.SYSTOLIC`).
    pub clinicalelementid: Option<String>,
    /// Value.
    pub value: Option<Phi<String>>,
    /// Unit.
    pub unit: Option<String>,
    /// Read date.
    pub readingtaken: Option<AthenaDateTime>,
    /// Created.
    pub createddate: Option<AthenaDateTime>,
    /// Source (`ENCOUNTER`).
    pub source: Option<String>,
    /// Source id.
    pub sourceid: Option<u64>,
    /// Fields athena sent that are not modelled, and modelled fields that arrived in a shape
    /// their type cannot hold (see `decode_warnings()`), kept verbatim. May hold PHI: `Debug`
    /// shows only the keys.
    pub extra: serde_json::Map<String, serde_json::Value>,
    /// What `decode_warnings()` returns.
    decode_warnings: Vec<DecodeWarning>,
}

/// `POST /chart/{patientid}/vitals` → `{"success":…,"vitalids":[…]}`.
#[derive(Clone, Default, Model)]
#[non_exhaustive]
pub struct VitalsCreated {
    /// Whether athena reported success.
    pub success: Option<bool>,
    /// New vital ids.
    pub vitalids: Option<Vec<serde_json::Value>>,
    /// Fields athena sent that are not modelled, and modelled fields that arrived in a shape
    /// their type cannot hold (see `decode_warnings()`), kept verbatim. May hold PHI: `Debug`
    /// shows only the keys.
    pub extra: serde_json::Map<String, serde_json::Value>,
    /// What `decode_warnings()` returns.
    decode_warnings: Vec<DecodeWarning>,
}

/// A lab result (`GET /chart/{patientid}/labresults`, item key **`results`**).
#[derive(Clone, Default, Model)]
#[non_exhaustive]
pub struct LabResult {
    /// Lab result id.
    pub labresultid: Option<LabResultId>,
    /// Description.
    pub description: Option<String>,
    /// Result date.
    pub labresultdate: Option<AthenaDate>,
    /// Result date-time.
    pub labresultdatetime: Option<AthenaDateTime>,
    /// Created.
    pub createddatetime: Option<AthenaDateTime>,
    /// LOINC.
    pub labresultloinc: Option<String>,
    /// Priority.
    pub priority: Option<String>,
    /// Ordering provider.
    pub providerid: Option<ProviderId>,
    /// Order id.
    pub orderid: Option<u64>,
    /// Whether a provider reviewed it (`"1"`/`"0"`).
    pub isreviewedbyprovider: Option<bool>,
    /// Note to the patient.
    pub labresultnote: Option<Phi<String>>,
    /// Internal note.
    pub internalnote: Option<Phi<String>>,
    /// Performing lab.
    pub performinglabname: Option<String>,
    /// Whether an attachment exists.
    pub attachmentexists: Option<bool>,
    /// Analytes.
    pub analytes: Option<Vec<Analyte>>,
    /// Fields athena sent that are not modelled, and modelled fields that arrived in a shape
    /// their type cannot hold (see `decode_warnings()`), kept verbatim. May hold PHI: `Debug`
    /// shows only the keys.
    pub extra: serde_json::Map<String, serde_json::Value>,
    /// What `decode_warnings()` returns.
    decode_warnings: Vec<DecodeWarning>,
}

/// One analyte of a lab result.
#[derive(Clone, Default, Model)]
#[non_exhaustive]
pub struct Analyte {
    /// Analyte id.
    pub analyteid: Option<u64>,
    /// Name.
    pub analytename: Option<String>,
    /// Value.
    pub value: Option<Phi<String>>,
    /// Units.
    pub units: Option<String>,
    /// Reference range.
    pub referencerange: Option<String>,
    /// Abnormal flag.
    pub abnormalflag: Option<String>,
    /// LOINC.
    pub loinc: Option<String>,
    /// Date.
    pub analytedate: Option<AthenaDate>,
    /// Date-time.
    pub analytedatetime: Option<AthenaDateTime>,
    /// Description.
    pub description: Option<String>,
    /// Fields athena sent that are not modelled, and modelled fields that arrived in a shape
    /// their type cannot hold (see `decode_warnings()`), kept verbatim. May hold PHI: `Debug`
    /// shows only the keys.
    pub extra: serde_json::Map<String, serde_json::Value>,
    /// What `decode_warnings()` returns.
    decode_warnings: Vec<DecodeWarning>,
}

/// A clinical encounter (`GET /chart/{patientid}/encounters`, `GET /chart/encounter/{id}`).
#[derive(Clone, Default, Model)]
#[non_exhaustive]
pub struct Encounter {
    /// Encounter id.
    pub encounterid: Option<EncounterId>,
    /// Appointment.
    pub appointmentid: Option<AppointmentId>,
    /// Patient.
    pub patientid: Option<PatientId>,
    /// Department.
    pub departmentid: Option<DepartmentId>,
    /// Provider.
    pub providerid: Option<ProviderId>,
    /// Date.
    pub encounterdate: Option<AthenaDate>,
    /// Type (`VISIT`, …).
    pub encountertype: Option<String>,
    /// Visit type.
    pub encountervisitname: Option<String>,
    /// Status (`OPEN`, `CLOSED`, …).
    pub status: Option<String>,
    /// Closed.
    pub closeddate: Option<AthenaDateTime>,
    /// Closed by.
    pub closeduser: Option<String>,
    /// Last updated (`lastupdated`).
    pub lastupdated: Option<String>,
    /// Diagnoses.
    pub diagnoses: Option<Vec<serde_json::Value>>,
    /// Fields athena sent that are not modelled, and modelled fields that arrived in a shape
    /// their type cannot hold (see `decode_warnings()`), kept verbatim. May hold PHI: `Debug`
    /// shows only the keys.
    pub extra: serde_json::Map<String, serde_json::Value>,
    /// What `decode_warnings()` returns.
    decode_warnings: Vec<DecodeWarning>,
}

/// `GET /chart/encounters/{encounterid}/summary` → `{"summaryhtml": "<html>…"}`.
#[derive(Clone, Default, Model)]
#[non_exhaustive]
pub struct EncounterSummary {
    /// The rendered summary (PHI).
    pub summaryhtml: Option<Phi<String>>,
    /// Fields athena sent that are not modelled, and modelled fields that arrived in a shape
    /// their type cannot hold (see `decode_warnings()`), kept verbatim. May hold PHI: `Debug`
    /// shows only the keys.
    pub extra: serde_json::Map<String, serde_json::Value>,
    /// What `decode_warnings()` returns.
    decode_warnings: Vec<DecodeWarning>,
}
