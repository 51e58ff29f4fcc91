//! Encounter documents, lab result documents and prescriptions (documents of a patient).
//!
//! Sources: encounter documents (`GET /patients/{patientid}/documents/encounterdocument`, item
//! key `encounterdocuments`) are recorded in eleanorhealth/go-athenahealth
//! `ListEncounterDocuments.json`; adding one answers `{"success":true,"encounterdocumentid":…}`
//! (preview cassette `create_patient_encounter_document.yml`, HTD-Health/athena_health, 2023).
//! A lab result document (`GET /patients/{patientid}/documents/labresult/{labresultid}`, a
//! one-element array) is recorded in the cassette `patient_lab_result_document.yml`; adding one
//! answers `{"success":true,"labresultid":…}` (eleanor `AddLabResultDocument.json`).
//! Prescriptions (`GET /patients/{patientid}/documents/prescription`, item key `prescriptions`)
//! are recorded in the cassette `patient_prescriptions.yml`, and the changed-feed items
//! (`/prescriptions/changed`) in eleanor `ListChangedPrescriptions.json`: one model reads both.

use athena_core::codec::{AthenaDate, AthenaDateTime};
use athena_core::ids::{
    AppointmentId, DepartmentId, DocumentId, EncounterId, LabResultId, PatientId, ProviderId,
};
use athena_core::phi::Phi;

use athena_core::Model;
use athena_core::decode::warnings::DecodeWarning;

/// A document attached to an encounter. Every field below is in the recording.
#[derive(Clone, Default, Model)]
#[non_exhaustive]
pub struct EncounterDocument {
    /// Document id.
    pub encounterdocumentid: Option<DocumentId>,
    /// `ENCOUNTERDOCUMENT`.
    pub documentclass: Option<String>,
    /// Subclass (`ENCOUNTERDOCUMENT_PROCEDUREDOC`, `ENCOUNTERDOCUMENT_PATIENTHISTORY`, …).
    pub documentsubclass: Option<String>,
    /// Type (`EXTERNAL`, …).
    pub documenttype: Option<String>,
    /// Type id.
    pub documenttypeid: Option<u64>,
    /// Description of the type.
    pub description: Option<String>,
    /// Status (`REVIEW`, `CLOSED`, …).
    pub status: Option<String>,
    /// Department (a string on the wire).
    pub departmentid: Option<DepartmentId>,
    /// Provider.
    pub providerid: Option<ProviderId>,
    /// Provider's username.
    pub providerusername: Option<String>,
    /// Patient (0 when athena leaves it out).
    pub patientid: Option<PatientId>,
    /// Encounter (`"0"` when none).
    pub encounterid: Option<EncounterId>,
    /// Appointment (0 when none).
    pub appointmentid: Option<AppointmentId>,
    /// Clinical provider (0 when none).
    pub clinicalproviderid: Option<u64>,
    /// Order the document is tied to (0 when none).
    pub tietoorderid: Option<u64>,
    /// Document date.
    pub documentdate: Option<AthenaDate>,
    /// Created date.
    pub createddate: Option<AthenaDate>,
    /// Created (ISO-8601 with offset).
    pub createddatetime: Option<AthenaDateTime>,
    /// Last modified date.
    pub lastmodifieddate: Option<AthenaDate>,
    /// Last modified (ISO-8601 with offset).
    pub lastmodifieddatetime: Option<AthenaDateTime>,
    /// Last modified by.
    pub lastmodifieduser: Option<String>,
    /// Deleted at (blank when not deleted).
    pub deleteddatetime: Option<AthenaDateTime>,
    /// Observation time (often blank).
    pub observationdatetime: Option<AthenaDateTime>,
    /// How it arrived (`FAX`, …).
    pub documentroute: Option<String>,
    /// Where it came from (`UPLOAD`, …).
    pub documentsource: Option<String>,
    /// Priority (1 high, 2 normal).
    pub priority: Option<u32>,
    /// Assigned to (a username).
    pub assignedto: Option<String>,
    /// External accession id (an identifying number: PHI).
    pub externalaccessionid: Option<Phi<String>>,
    /// Internal note (PHI).
    pub internalnote: Option<Phi<String>>,
    /// Note to the receiver (PHI).
    pub receivernote: Option<Phi<String>>,
    /// Subject (PHI).
    pub subject: Option<Phi<String>>,
    /// Why it was declined (PHI).
    pub declinedreasontext: Option<Phi<String>>,
    /// Fields athena sent that are not modelled, and modelled fields that arrived in a shape
    /// their type cannot hold (see `decode_warnings()`), kept verbatim. May hold PHI: `Debug`
    /// shows only the keys.
    pub extra: serde_json::Map<String, serde_json::Value>,
    /// What `decode_warnings()` returns.
    decode_warnings: Vec<DecodeWarning>,
}

/// `POST /patients/{patientid}/documents/encounterdocument` →
/// `{"success":true,"encounterdocumentid":205959}` (verified against a recording).
#[derive(Clone, Default, Model)]
#[non_exhaustive]
pub struct EncounterDocumentCreated {
    /// Whether athena reported success.
    pub success: Option<bool>,
    /// The new document id.
    pub encounterdocumentid: Option<DocumentId>,
    /// Fields athena sent that are not modelled, and modelled fields that arrived in a shape
    /// their type cannot hold (see `decode_warnings()`), kept verbatim. May hold PHI: `Debug`
    /// shows only the keys.
    pub extra: serde_json::Map<String, serde_json::Value>,
    /// What `decode_warnings()` returns.
    decode_warnings: Vec<DecodeWarning>,
}

/// A lab result document (`GET /patients/{patientid}/documents/labresult/{labresultid}`).
/// The fields below are in the recording; `tietoorderid`, `isconfidential`,
/// `interpretation` and `notefromlab` are athena's documented names, unverified.
#[derive(Clone, Default, Model)]
#[non_exhaustive]
pub struct LabResultDocument {
    /// Lab result id (a string on the wire).
    pub labresultid: Option<LabResultId>,
    /// `LABRESULT`.
    pub documentclass: Option<String>,
    /// Subclass.
    pub documentsubclass: Option<String>,
    /// Type id.
    pub documenttypeid: Option<u64>,
    /// Description of the test.
    pub description: Option<String>,
    /// Document status (`REVIEW`, `CLOSED`, …).
    pub status: Option<String>,
    /// Report status (`partial`, `final`).
    pub reportstatus: Option<String>,
    /// Result status (`partial`, `final`).
    pub resultstatus: Option<String>,
    /// Department.
    pub departmentid: Option<DepartmentId>,
    /// Provider.
    pub providerid: Option<ProviderId>,
    /// Provider's username.
    pub providerusername: Option<String>,
    /// Patient (documented, not in the recording).
    pub patientid: Option<PatientId>,
    /// Priority (`"2"`).
    pub priority: Option<u32>,
    /// Assigned to.
    pub assignedto: Option<String>,
    /// LOINC of the whole result.
    pub labresultloinc: Option<String>,
    /// Observation date.
    pub observationdate: Option<AthenaDate>,
    /// Observation time (ISO-8601 with offset).
    pub observationdatetime: Option<AthenaDateTime>,
    /// Encounter date.
    pub encounterdate: Option<AthenaDate>,
    /// Created date.
    pub createddate: Option<AthenaDate>,
    /// Created (ISO-8601 with offset).
    pub createddatetime: Option<AthenaDateTime>,
    /// Created by.
    pub createduser: Option<String>,
    /// Last modified date.
    pub lastmodifieddate: Option<AthenaDate>,
    /// Last modified (ISO-8601 with offset).
    pub lastmodifieddatetime: Option<AthenaDateTime>,
    /// Last modified by.
    pub lastmodifieduser: Option<String>,
    /// How it arrived.
    pub documentroute: Option<String>,
    /// Where it came from.
    pub documentsource: Option<String>,
    /// The lab's accession id (an identifying number: PHI).
    pub externalaccessionid: Option<Phi<String>>,
    /// Internal note (PHI).
    pub internalnote: Option<Phi<String>>,
    /// Note to the patient (PHI).
    pub patientnote: Option<Phi<String>>,
    /// The practice's interpretation (PHI; documented, unverified).
    pub interpretation: Option<Phi<String>>,
    /// A note from the lab (PHI; documented, unverified).
    pub notefromlab: Option<Phi<String>>,
    /// Whether the patient must not see it (documented, unverified).
    pub isconfidential: Option<bool>,
    /// Order this result answers (documented, unverified).
    pub tietoorderid: Option<u64>,
    /// The analytes.
    pub observations: Option<Vec<LabResultObservation>>,
    /// Page references (kept as sent).
    pub pages: Option<Vec<serde_json::Value>>,
    /// Fields athena sent that are not modelled, and modelled fields that arrived in a shape
    /// their type cannot hold (see `decode_warnings()`), kept verbatim. May hold PHI: `Debug`
    /// shows only the keys.
    pub extra: serde_json::Map<String, serde_json::Value>,
    /// What `decode_warnings()` returns.
    decode_warnings: Vec<DecodeWarning>,
}

/// One analyte of a lab result document.
#[derive(Clone, Default, Model)]
#[non_exhaustive]
pub struct LabResultObservation {
    /// Analyte id (a string on the wire).
    pub analyteid: Option<u64>,
    /// Analyte name.
    pub analytename: Option<String>,
    /// The value (PHI).
    pub value: Option<Phi<String>>,
    /// Units.
    pub units: Option<String>,
    /// Reference range.
    pub referencerange: Option<String>,
    /// `normal`, `abnormal`, `positive`, …
    pub abnormalflag: Option<String>,
    /// `final`, `partial`, …
    pub resultstatus: Option<String>,
    /// LOINC (documented).
    pub loinc: Option<String>,
    /// Note on this analyte (PHI).
    pub note: Option<Phi<String>>,
    /// Fields athena sent that are not modelled, and modelled fields that arrived in a shape
    /// their type cannot hold (see `decode_warnings()`), kept verbatim. May hold PHI: `Debug`
    /// shows only the keys.
    pub extra: serde_json::Map<String, serde_json::Value>,
    /// What `decode_warnings()` returns.
    decode_warnings: Vec<DecodeWarning>,
}

/// `POST /patients/{patientid}/documents/labresult` →
/// `{"success":true,"labresultid":1083563}` (verified against a recording).
#[derive(Clone, Default, Model)]
#[non_exhaustive]
pub struct LabResultDocumentCreated {
    /// Whether athena reported success.
    pub success: Option<bool>,
    /// The new lab result id.
    pub labresultid: Option<LabResultId>,
    /// Fields athena sent that are not modelled, and modelled fields that arrived in a shape
    /// their type cannot hold (see `decode_warnings()`), kept verbatim. May hold PHI: `Debug`
    /// shows only the keys.
    pub extra: serde_json::Map<String, serde_json::Value>,
    /// What `decode_warnings()` returns.
    decode_warnings: Vec<DecodeWarning>,
}

/// A prescription document: an item of `GET /patients/{patientid}/documents/prescription`
/// (`prescriptionid`, `documentclass`, `documentsubclass`, `documentdescription`, …) or of
/// the `/prescriptions/changed` feed (`documentid`, `class`, `classdescription`,
/// `dateordered`, …). Both spellings are in recordings; `Prescription::id` picks either.
#[derive(Clone, Default, Model)]
#[non_exhaustive]
pub struct Prescription {
    /// Prescription id (patient list).
    pub prescriptionid: Option<DocumentId>,
    /// Document id (changed feed).
    pub documentid: Option<DocumentId>,
    /// `PRESCRIPTION` (patient list).
    pub documentclass: Option<String>,
    /// `PRESCRIPTION` (changed feed).
    pub class: Option<String>,
    /// Subclass (`PRESCRIPTION_RENEWAL`, …).
    pub documentsubclass: Option<String>,
    /// `Prescription - New`, `Prescription - Refill`, … (changed feed).
    pub classdescription: Option<String>,
    /// What was prescribed (changed feed), e.g. `Adderall 10 mg tablet`.
    pub description: Option<String>,
    /// What the document is (patient list), e.g. `prescription - renewal`.
    pub documentdescription: Option<String>,
    /// Status (`REVIEW`, `CLOSED`, `NOTIFY`, `DATAENTRY`, …).
    pub status: Option<String>,
    /// Patient.
    pub patientid: Option<PatientId>,
    /// Department.
    pub departmentid: Option<DepartmentId>,
    /// Encounter.
    pub encounterid: Option<EncounterId>,
    /// Encounter date.
    pub encounterdate: Option<AthenaDate>,
    /// When it was ordered (`MM/DD/YYYY hh:mm AM`).
    pub dateordered: Option<AthenaDateTime>,
    /// When it was approved (`MM/DD/YYYY hh:mm AM`).
    pub approvedtimestamp: Option<AthenaDateTime>,
    /// Who approved it (a username).
    pub approvedby: Option<String>,
    /// Ordering provider (a username).
    pub orderingprovider: Option<String>,
    /// Assigned user (changed feed).
    pub assigneduser: Option<String>,
    /// Assigned to (patient list).
    pub assignedto: Option<String>,
    /// Whether it is only a record (no prescription goes out).
    pub documentationonly: Option<bool>,
    /// Priority.
    pub priority: Option<u32>,
    /// How it arrived.
    pub documentroute: Option<String>,
    /// Where it came from.
    pub documentsource: Option<String>,
    /// Created date.
    pub createddate: Option<AthenaDate>,
    /// Created (ISO-8601 with offset).
    pub createddatetime: Option<AthenaDateTime>,
    /// Last modified (ISO-8601 with offset).
    pub lastmodifieddatetime: Option<AthenaDateTime>,
    /// Fields athena sent that are not modelled, and modelled fields that arrived in a shape
    /// their type cannot hold (see `decode_warnings()`), kept verbatim. May hold PHI: `Debug`
    /// shows only the keys.
    pub extra: serde_json::Map<String, serde_json::Value>,
    /// What `decode_warnings()` returns.
    decode_warnings: Vec<DecodeWarning>,
}

impl Prescription {
    /// The document id, whichever spelling athena used.
    pub fn id(&self) -> Option<DocumentId> {
        self.prescriptionid.or(self.documentid)
    }
}
