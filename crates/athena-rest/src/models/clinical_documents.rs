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

use crate::de::model;

model! {
    /// A document attached to an encounter. Every field below is in the recording.
    pub struct EncounterDocument {
        /// Document id.
        encounterdocumentid: DocumentId,
        /// `ENCOUNTERDOCUMENT`.
        documentclass: String,
        /// Subclass (`ENCOUNTERDOCUMENT_PROCEDUREDOC`, `ENCOUNTERDOCUMENT_PATIENTHISTORY`, …).
        documentsubclass: String,
        /// Type (`EXTERNAL`, …).
        documenttype: String,
        /// Type id.
        documenttypeid: u64,
        /// Description of the type.
        description: String,
        /// Status (`REVIEW`, `CLOSED`, …).
        status: String,
        /// Department (a string on the wire).
        departmentid: DepartmentId,
        /// Provider.
        providerid: ProviderId,
        /// Provider's username.
        providerusername: String,
        /// Patient (0 when athena leaves it out).
        patientid: PatientId,
        /// Encounter (`"0"` when none).
        encounterid: EncounterId,
        /// Appointment (0 when none).
        appointmentid: AppointmentId,
        /// Clinical provider (0 when none).
        clinicalproviderid: u64,
        /// Order the document is tied to (0 when none).
        tietoorderid: u64,
        /// Document date.
        documentdate: AthenaDate,
        /// Created date.
        createddate: AthenaDate,
        /// Created (ISO-8601 with offset).
        createddatetime: AthenaDateTime,
        /// Last modified date.
        lastmodifieddate: AthenaDate,
        /// Last modified (ISO-8601 with offset).
        lastmodifieddatetime: AthenaDateTime,
        /// Last modified by.
        lastmodifieduser: String,
        /// Deleted at (blank when not deleted).
        deleteddatetime: AthenaDateTime,
        /// Observation time (often blank).
        observationdatetime: AthenaDateTime,
        /// How it arrived (`FAX`, …).
        documentroute: String,
        /// Where it came from (`UPLOAD`, …).
        documentsource: String,
        /// Priority (1 high, 2 normal).
        priority: u32,
        /// Assigned to (a username).
        assignedto: String,
        /// External accession id (an identifying number: PHI).
        externalaccessionid: Phi<String>,
        /// Internal note (PHI).
        internalnote: Phi<String>,
        /// Note to the receiver (PHI).
        receivernote: Phi<String>,
        /// Subject (PHI).
        subject: Phi<String>,
        /// Why it was declined (PHI).
        declinedreasontext: Phi<String>,
    }
}

model! {
    /// `POST /patients/{patientid}/documents/encounterdocument` →
    /// `{"success":true,"encounterdocumentid":205959}` (verified against a recording).
    pub struct EncounterDocumentCreated {
        /// Whether athena reported success.
        success: bool,
        /// The new document id.
        encounterdocumentid: DocumentId,
    }
}

model! {
    /// A lab result document (`GET /patients/{patientid}/documents/labresult/{labresultid}`).
    /// The fields below are in the recording; `tietoorderid`, `isconfidential`,
    /// `interpretation` and `notefromlab` are athena's documented names, unverified.
    pub struct LabResultDocument {
        /// Lab result id (a string on the wire).
        labresultid: LabResultId,
        /// `LABRESULT`.
        documentclass: String,
        /// Subclass.
        documentsubclass: String,
        /// Type id.
        documenttypeid: u64,
        /// Description of the test.
        description: String,
        /// Document status (`REVIEW`, `CLOSED`, …).
        status: String,
        /// Report status (`partial`, `final`).
        reportstatus: String,
        /// Result status (`partial`, `final`).
        resultstatus: String,
        /// Department.
        departmentid: DepartmentId,
        /// Provider.
        providerid: ProviderId,
        /// Provider's username.
        providerusername: String,
        /// Patient (documented, not in the recording).
        patientid: PatientId,
        /// Priority (`"2"`).
        priority: u32,
        /// Assigned to.
        assignedto: String,
        /// LOINC of the whole result.
        labresultloinc: String,
        /// Observation date.
        observationdate: AthenaDate,
        /// Observation time (ISO-8601 with offset).
        observationdatetime: AthenaDateTime,
        /// Encounter date.
        encounterdate: AthenaDate,
        /// Created date.
        createddate: AthenaDate,
        /// Created (ISO-8601 with offset).
        createddatetime: AthenaDateTime,
        /// Created by.
        createduser: String,
        /// Last modified date.
        lastmodifieddate: AthenaDate,
        /// Last modified (ISO-8601 with offset).
        lastmodifieddatetime: AthenaDateTime,
        /// Last modified by.
        lastmodifieduser: String,
        /// How it arrived.
        documentroute: String,
        /// Where it came from.
        documentsource: String,
        /// The lab's accession id (an identifying number: PHI).
        externalaccessionid: Phi<String>,
        /// Internal note (PHI).
        internalnote: Phi<String>,
        /// Note to the patient (PHI).
        patientnote: Phi<String>,
        /// The practice's interpretation (PHI; documented, unverified).
        interpretation: Phi<String>,
        /// A note from the lab (PHI; documented, unverified).
        notefromlab: Phi<String>,
        /// Whether the patient must not see it (documented, unverified).
        isconfidential: bool,
        /// Order this result answers (documented, unverified).
        tietoorderid: u64,
        /// The analytes.
        observations: Vec<LabResultObservation>,
        /// Page references (kept as sent).
        pages: Vec<serde_json::Value>,
    }
}

model! {
    /// One analyte of a lab result document.
    pub struct LabResultObservation {
        /// Analyte id (a string on the wire).
        analyteid: u64,
        /// Analyte name.
        analytename: String,
        /// The value (PHI).
        value: Phi<String>,
        /// Units.
        units: String,
        /// Reference range.
        referencerange: String,
        /// `normal`, `abnormal`, `positive`, …
        abnormalflag: String,
        /// `final`, `partial`, …
        resultstatus: String,
        /// LOINC (documented).
        loinc: String,
        /// Note on this analyte (PHI).
        note: Phi<String>,
    }
}

model! {
    /// `POST /patients/{patientid}/documents/labresult` →
    /// `{"success":true,"labresultid":1083563}` (verified against a recording).
    pub struct LabResultDocumentCreated {
        /// Whether athena reported success.
        success: bool,
        /// The new lab result id.
        labresultid: LabResultId,
    }
}

model! {
    /// A prescription document: an item of `GET /patients/{patientid}/documents/prescription`
    /// (`prescriptionid`, `documentclass`, `documentsubclass`, `documentdescription`, …) or of
    /// the `/prescriptions/changed` feed (`documentid`, `class`, `classdescription`,
    /// `dateordered`, …). Both spellings are in recordings; `Prescription::id` picks either.
    pub struct Prescription {
        /// Prescription id (patient list).
        prescriptionid: DocumentId,
        /// Document id (changed feed).
        documentid: DocumentId,
        /// `PRESCRIPTION` (patient list).
        documentclass: String,
        /// `PRESCRIPTION` (changed feed).
        class: String,
        /// Subclass (`PRESCRIPTION_RENEWAL`, …).
        documentsubclass: String,
        /// `Prescription - New`, `Prescription - Refill`, … (changed feed).
        classdescription: String,
        /// What was prescribed (changed feed), e.g. `Adderall 10 mg tablet`.
        description: String,
        /// What the document is (patient list), e.g. `prescription - renewal`.
        documentdescription: String,
        /// Status (`REVIEW`, `CLOSED`, `NOTIFY`, `DATAENTRY`, …).
        status: String,
        /// Patient.
        patientid: PatientId,
        /// Department.
        departmentid: DepartmentId,
        /// Encounter.
        encounterid: EncounterId,
        /// Encounter date.
        encounterdate: AthenaDate,
        /// When it was ordered (`MM/DD/YYYY hh:mm AM`).
        dateordered: AthenaDateTime,
        /// When it was approved (`MM/DD/YYYY hh:mm AM`).
        approvedtimestamp: AthenaDateTime,
        /// Who approved it (a username).
        approvedby: String,
        /// Ordering provider (a username).
        orderingprovider: String,
        /// Assigned user (changed feed).
        assigneduser: String,
        /// Assigned to (patient list).
        assignedto: String,
        /// Whether it is only a record (no prescription goes out).
        documentationonly: bool,
        /// Priority.
        priority: u32,
        /// How it arrived.
        documentroute: String,
        /// Where it came from.
        documentsource: String,
        /// Created date.
        createddate: AthenaDate,
        /// Created (ISO-8601 with offset).
        createddatetime: AthenaDateTime,
        /// Last modified (ISO-8601 with offset).
        lastmodifieddatetime: AthenaDateTime,
    }
}

impl Prescription {
    /// The document id, whichever spelling athena used.
    pub fn id(&self) -> Option<DocumentId> {
        self.prescriptionid.or(self.documentid)
    }
}
