//! Documents, patient cases, inbox items.

use athena_core::codec::{AthenaDate, AthenaDateTime};
use athena_core::ids::{
    DepartmentId, DocumentId, EncounterId, PatientCaseId, PatientId, ProviderId,
};
use athena_core::phi::Phi;

use crate::de::model;

model! {
    /// A patient document (`GET /patients/{patientid}/documents`, item key `documents`), an
    /// admin document (`admins`) or an encounter document (`encounterdocuments`).
    pub struct Document {
        /// Document id (generic lists).
        documentid: DocumentId,
        /// Admin document id.
        adminid: DocumentId,
        /// Encounter document id.
        encounterdocumentid: DocumentId,
        /// Class (`CLINICALDOCUMENT`, `ADMIN`, …).
        documentclass: String,
        /// Subclass.
        documentsubclass: String,
        /// Type id.
        documenttypeid: u64,
        /// Description.
        description: String,
        /// Status (`REVIEW`, `CLOSED`, …).
        status: String,
        /// Department.
        departmentid: DepartmentId,
        /// Provider.
        providerid: ProviderId,
        /// Patient.
        patientid: PatientId,
        /// Encounter.
        encounterid: EncounterId,
        /// Document date.
        documentdate: AthenaDate,
        /// Created (ISO or `MM/DD/YYYY HH:MM:SS`).
        createddatetime: AthenaDateTime,
        /// Last modified.
        lastmodifieddatetime: AthenaDateTime,
        /// Source.
        documentsource: String,
        /// Route.
        documentroute: String,
        /// Priority.
        priority: String,
        /// Assigned to.
        assignedto: String,
        /// Internal note.
        internalnote: Phi<String>,
        /// Subject.
        subject: Phi<String>,
    }
}

model! {
    /// `POST /patients/{patientid}/documents/clinicaldocument` →
    /// `{"success":true,"clinicaldocumentid":101}`.
    pub struct ClinicalDocumentCreated {
        /// Whether athena reported success.
        success: bool,
        /// The new document id.
        clinicaldocumentid: DocumentId,
    }
}

model! {
    /// A patient case (`GET /patients/{patientid}/patientcases`, item key `patientcases`).
    pub struct PatientCase {
        /// Case id.
        patientcaseid: PatientCaseId,
        /// Subject.
        subject: Phi<String>,
        /// Status.
        status: String,
        /// Subclass.
        documentsubclass: String,
        /// Source.
        documentsource: String,
        /// Department.
        departmentid: DepartmentId,
        /// Provider.
        providerid: ProviderId,
        /// Patient.
        patientid: PatientId,
        /// Priority.
        priority: String,
        /// Assigned to.
        assignedto: String,
        /// Internal note.
        internalnote: Phi<String>,
        /// Created.
        createddatetime: AthenaDateTime,
        /// Last modified.
        lastmodifieddatetime: AthenaDateTime,
        /// Notes and actions.
        notes: Vec<serde_json::Value>,
    }
}

model! {
    /// `POST /patients/{patientid}/documents/patientcase` →
    /// `{"success":true,"patientcaseid":173696}`.
    pub struct PatientCaseCreated {
        /// Whether athena reported success.
        success: bool,
        /// The new case id.
        patientcaseid: PatientCaseId,
    }
}

model! {
    /// An item of a provider's inbox (`GET /providers/{providerid}/inbox`).
    pub struct InboxItem {
        /// Document id.
        documentid: DocumentId,
        /// Class.
        documentclass: String,
        /// Subclass.
        documentsubclass: String,
        /// Patient.
        patientid: PatientId,
        /// Department.
        departmentid: DepartmentId,
        /// Status.
        status: String,
        /// Priority.
        priority: String,
        /// Created.
        createddatetime: AthenaDateTime,
        /// Subject or description.
        description: Phi<String>,
    }
}
