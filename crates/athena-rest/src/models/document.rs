//! Documents, patient cases, inbox items.

use athena_core::codec::{AthenaDate, AthenaDateTime};
use athena_core::ids::{
    DepartmentId, DocumentId, EncounterId, PatientCaseId, PatientId, ProviderId,
};
use athena_core::phi::Phi;

use athena_core::Model;
use athena_core::decode::warnings::DecodeWarning;

/// A patient document (`GET /patients/{patientid}/documents`, item key `documents`), an
/// admin document (`admins`) or an encounter document (`encounterdocuments`).
#[derive(Clone, Default, Model)]
#[non_exhaustive]
pub struct Document {
    /// Document id (generic lists).
    pub documentid: Option<DocumentId>,
    /// Admin document id.
    pub adminid: Option<DocumentId>,
    /// Encounter document id.
    pub encounterdocumentid: Option<DocumentId>,
    /// Class (`CLINICALDOCUMENT`, `ADMIN`, …).
    pub documentclass: Option<String>,
    /// Subclass.
    pub documentsubclass: Option<String>,
    /// Type id.
    pub documenttypeid: Option<u64>,
    /// Description.
    pub description: Option<String>,
    /// Status (`REVIEW`, `CLOSED`, …).
    pub status: Option<String>,
    /// Department.
    pub departmentid: Option<DepartmentId>,
    /// Provider.
    pub providerid: Option<ProviderId>,
    /// Patient.
    pub patientid: Option<PatientId>,
    /// Encounter.
    pub encounterid: Option<EncounterId>,
    /// Document date.
    pub documentdate: Option<AthenaDate>,
    /// Created (ISO or `MM/DD/YYYY HH:MM:SS`).
    pub createddatetime: Option<AthenaDateTime>,
    /// Last modified.
    pub lastmodifieddatetime: Option<AthenaDateTime>,
    /// Source.
    pub documentsource: Option<String>,
    /// Route.
    pub documentroute: Option<String>,
    /// Priority.
    pub priority: Option<String>,
    /// Assigned to.
    pub assignedto: Option<String>,
    /// Internal note.
    pub internalnote: Option<Phi<String>>,
    /// Subject.
    pub subject: Option<Phi<String>>,
    /// Fields athena sent that are not modelled, and modelled fields that arrived in a shape
    /// their type cannot hold (see `decode_warnings()`), kept verbatim. May hold PHI: `Debug`
    /// shows only the keys.
    pub extra: serde_json::Map<String, serde_json::Value>,
    /// What `decode_warnings()` returns.
    decode_warnings: Vec<DecodeWarning>,
}

/// `POST /patients/{patientid}/documents/clinicaldocument` →
/// `{"success":true,"clinicaldocumentid":101}`.
#[derive(Clone, Default, Model)]
#[non_exhaustive]
pub struct ClinicalDocumentCreated {
    /// Whether athena reported success.
    pub success: Option<bool>,
    /// The new document id.
    pub clinicaldocumentid: Option<DocumentId>,
    /// Fields athena sent that are not modelled, and modelled fields that arrived in a shape
    /// their type cannot hold (see `decode_warnings()`), kept verbatim. May hold PHI: `Debug`
    /// shows only the keys.
    pub extra: serde_json::Map<String, serde_json::Value>,
    /// What `decode_warnings()` returns.
    decode_warnings: Vec<DecodeWarning>,
}

/// A patient case (`GET /patients/{patientid}/patientcases`, item key `patientcases`).
#[derive(Clone, Default, Model)]
#[non_exhaustive]
pub struct PatientCase {
    /// Case id.
    pub patientcaseid: Option<PatientCaseId>,
    /// Subject.
    pub subject: Option<Phi<String>>,
    /// Status.
    pub status: Option<String>,
    /// Subclass.
    pub documentsubclass: Option<String>,
    /// Source.
    pub documentsource: Option<String>,
    /// Department.
    pub departmentid: Option<DepartmentId>,
    /// Provider.
    pub providerid: Option<ProviderId>,
    /// Patient.
    pub patientid: Option<PatientId>,
    /// Priority.
    pub priority: Option<String>,
    /// Assigned to.
    pub assignedto: Option<String>,
    /// Internal note.
    pub internalnote: Option<Phi<String>>,
    /// Created.
    pub createddatetime: Option<AthenaDateTime>,
    /// Last modified.
    pub lastmodifieddatetime: Option<AthenaDateTime>,
    /// Notes and actions.
    pub notes: Option<Vec<serde_json::Value>>,
    /// Fields athena sent that are not modelled, and modelled fields that arrived in a shape
    /// their type cannot hold (see `decode_warnings()`), kept verbatim. May hold PHI: `Debug`
    /// shows only the keys.
    pub extra: serde_json::Map<String, serde_json::Value>,
    /// What `decode_warnings()` returns.
    decode_warnings: Vec<DecodeWarning>,
}

/// `POST /patients/{patientid}/documents/patientcase` →
/// `{"success":true,"patientcaseid":173696}`.
#[derive(Clone, Default, Model)]
#[non_exhaustive]
pub struct PatientCaseCreated {
    /// Whether athena reported success.
    pub success: Option<bool>,
    /// The new case id.
    pub patientcaseid: Option<PatientCaseId>,
    /// Fields athena sent that are not modelled, and modelled fields that arrived in a shape
    /// their type cannot hold (see `decode_warnings()`), kept verbatim. May hold PHI: `Debug`
    /// shows only the keys.
    pub extra: serde_json::Map<String, serde_json::Value>,
    /// What `decode_warnings()` returns.
    decode_warnings: Vec<DecodeWarning>,
}

/// An item of a provider's inbox (`GET /providers/{providerid}/inbox`).
#[derive(Clone, Default, Model)]
#[non_exhaustive]
pub struct InboxItem {
    /// Document id.
    pub documentid: Option<DocumentId>,
    /// Class.
    pub documentclass: Option<String>,
    /// Subclass.
    pub documentsubclass: Option<String>,
    /// Patient.
    pub patientid: Option<PatientId>,
    /// Department.
    pub departmentid: Option<DepartmentId>,
    /// Status.
    pub status: Option<String>,
    /// Priority.
    pub priority: Option<String>,
    /// Created.
    pub createddatetime: Option<AthenaDateTime>,
    /// Subject or description.
    pub description: Option<Phi<String>>,
    /// Fields athena sent that are not modelled, and modelled fields that arrived in a shape
    /// their type cannot hold (see `decode_warnings()`), kept verbatim. May hold PHI: `Debug`
    /// shows only the keys.
    pub extra: serde_json::Map<String, serde_json::Value>,
    /// What `decode_warnings()` returns.
    decode_warnings: Vec<DecodeWarning>,
}
