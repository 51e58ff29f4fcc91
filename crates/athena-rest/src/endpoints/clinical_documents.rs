//! A patient's encounter documents, lab result documents and prescriptions, in one
//! department.

use athena_core::codec::{AthenaDate, AthenaTime};
use athena_core::ids::{EncounterId, LabResultId, PatientId, ProviderId};
use athena_core::{Department, Request, Result, RetrySafety};
use base64::Engine as _;
use http::Method;

use super::values::ResultStatus;
use crate::models::{
    EncounterDocument, EncounterDocumentCreated, LabResultDocument, LabResultDocumentCreated,
    Prescription,
};
use crate::send::{self, builder, param, pure_build};

fn patient_request(
    department: &Department,
    patient: PatientId,
    method: Method,
    route: &'static str,
) -> Request {
    department
        .practice()
        .request(method, route)
        .path_param("patientid", patient)
}

/// A patient's encounter documents (`department.encounter_documents(patient)`).
#[derive(Debug, Clone)]
pub struct EncounterDocuments {
    department: Department,
    patient: PatientId,
}

impl EncounterDocuments {
    pub(crate) fn new(department: Department, patient: PatientId) -> Self {
        EncounterDocuments {
            department,
            patient,
        }
    }

    /// `GET /v1/{practiceid}/patients/{patientid}/documents/encounterdocument` (item key
    /// `encounterdocuments`).
    pub fn list(&self) -> ListEncounterDocuments {
        ListEncounterDocuments::new(
            self.department.client(),
            patient_request(
                &self.department,
                self.patient,
                Method::GET,
                "/v1/{practiceid}/patients/{patientid}/documents/encounterdocument",
            )
            .query("departmentid", self.department.id()),
        )
    }

    /// `POST /v1/{practiceid}/patients/{patientid}/documents/encounterdocument`: files a PDF against an
    /// encounter (base64 in the form). Never retried once the request may have reached athena.
    pub fn add(
        &self,
        encounter: EncounterId,
        pdf: &[u8],
        documentsubclass: impl Into<String>,
    ) -> AddEncounterDocument {
        AddEncounterDocument::new(
            self.department.client(),
            patient_request(
                &self.department,
                self.patient,
                Method::POST,
                "/v1/{practiceid}/patients/{patientid}/documents/encounterdocument",
            )
            .retry_safety(RetrySafety::NotIdempotent)
            .form("departmentid", self.department.id())
            .form("encounterid", encounter)
            .form("documentsubclass", documentsubclass.into())
            .form("attachmenttype", "PDF")
            .form(
                "attachmentcontents",
                base64::engine::general_purpose::STANDARD.encode(pdf),
            ),
        )
    }
}

builder!(
    /// `GET /v1/{practiceid}/patients/{patientid}/documents/encounterdocument`. See [`EncounterDocuments::list`].
    ListEncounterDocuments
);
pure_build!(ListEncounterDocuments);

impl ListEncounterDocuments {
    param!(/// Only this subclass.
        query_str documentsubclass => "documentsubclass");
    param!(/// Only documents of this encounter.
        query encounterid(EncounterId) => "encounterid");
    param!(/// Include deleted documents.
        query showdeleted(bool) => "showdeleted");
    param!(/// Page size.
        query limit(u32) => "limit");
}

send::list!(ListEncounterDocuments => EncounterDocument, "encounterdocuments");

builder!(
    /// `POST /v1/{practiceid}/patients/{patientid}/documents/encounterdocument`. See [`EncounterDocuments::add`].
    AddEncounterDocument
);

impl AddEncounterDocument {
    /// The request; `InvalidInput` when the PDF is empty.
    pub fn build(&self) -> Result<Request> {
        send::check_attachment(&self.req)?;
        Ok(self.req.clone())
    }
}

impl AddEncounterDocument {
    param!(/// Internal note.
        form_str internalnote => "internalnote");
    param!(/// Provider.
        form providerid(ProviderId) => "providerid");
    param!(/// Document type id.
        form documenttypeid(u64) => "documenttypeid");
    param!(/// File the document closed, skipping the inbox.
        form autoclose(bool) => "autoclose");
}

send::send_as!(AddEncounterDocument => EncounterDocumentCreated, json);

/// A patient's lab result documents (`department.lab_result_documents(patient)`).
#[derive(Debug, Clone)]
pub struct LabResultDocuments {
    department: Department,
    patient: PatientId,
}

impl LabResultDocuments {
    pub(crate) fn new(department: Department, patient: PatientId) -> Self {
        LabResultDocuments {
            department,
            patient,
        }
    }

    /// `GET /v1/{practiceid}/patients/{patientid}/documents/labresult/{labresultid}` (a one-element array).
    pub fn get(&self, id: LabResultId) -> GetLabResultDocument {
        GetLabResultDocument::new(
            self.department.client(),
            patient_request(
                &self.department,
                self.patient,
                Method::GET,
                "/v1/{practiceid}/patients/{patientid}/documents/labresult/{labresultid}",
            )
            .path_param("labresultid", id),
        )
    }

    /// `POST /v1/{practiceid}/patients/{patientid}/documents/labresult`: files a lab result (optionally with an
    /// attachment). Never retried once the request may have reached athena.
    pub fn add(&self) -> AddLabResultDocument {
        AddLabResultDocument::new(
            self.department.client(),
            patient_request(
                &self.department,
                self.patient,
                Method::POST,
                "/v1/{practiceid}/patients/{patientid}/documents/labresult",
            )
            .retry_safety(RetrySafety::NotIdempotent)
            .form("departmentid", self.department.id()),
        )
    }
}

builder!(
    /// `GET /v1/{practiceid}/patients/{patientid}/documents/labresult/{labresultid}`. See [`LabResultDocuments::get`].
    GetLabResultDocument
);
pure_build!(GetLabResultDocument);

impl GetLabResultDocument {
    param!(/// Include the analytes' templates.
        query showtemplate(bool) => "showtemplate");
}

send::get_one!(GetLabResultDocument => LabResultDocument);

builder!(
    /// `POST /v1/{practiceid}/patients/{patientid}/documents/labresult`. See [`LabResultDocuments::add`].
    AddLabResultDocument
);

impl AddLabResultDocument {
    /// The request; `InvalidInput` when an attachment is set without its type, or a type
    /// without an attachment, or the attachment is empty.
    pub fn build(&self) -> Result<Request> {
        let contents = send::form_value(&self.req, "attachmentcontents");
        let kind = send::form_value(&self.req, "attachmenttype");
        match (contents, kind) {
            (None, None) => Ok(self.req.clone()),
            (Some(_), None) => Err(send::missing(&self.req, "attachmenttype")),
            (None, Some(_)) => Err(send::missing(&self.req, "attachmentcontents")),
            (Some(_), Some(_)) => {
                send::check_attachment(&self.req)?;
                Ok(self.req.clone())
            }
        }
    }
}

impl AddLabResultDocument {
    /// Attaches a file (`attachmentcontents`, base64 in the form); set its
    /// [`attachmenttype`](Self::attachmenttype) too.
    pub fn attachmentcontents(mut self, bytes: &[u8]) -> Self {
        self.req = self.req.set_form(
            "attachmentcontents",
            base64::engine::general_purpose::STANDARD.encode(bytes),
        );
        self
    }
    param!(/// The attachment's type (`PDF`, `PNG`, `JPG`, `TIFF`, …).
        form_str attachmenttype => "attachmenttype");
    param!(/// Document type id (the test).
        form documenttypeid(u64) => "documenttypeid");
    param!(/// Internal note.
        form_str internalnote => "internalnote");
    param!(/// Note to the patient.
        form_str notetopatient => "notetopatient");
    param!(/// Observation date.
        form observationdate(AthenaDate) => "observationdate");
    param!(/// Observation time (`HH:MM`).
        form observationtime(AthenaTime) => "observationtime");
    param!(/// Original file name.
        form_str originalfilename => "originalfilename");
    param!(/// Priority (1 high, 2 normal).
        form priority(u8) => "priority");
    param!(/// Result notes.
        form_str resultnotes => "resultnotes");
    param!(/// Final, partial, pending…
        form resultstatus(ResultStatus) => "resultstatus");
    param!(/// The order this result answers.
        form tietoorderid(u64) => "tietoorderid");
    param!(/// Provider.
        form providerid(ProviderId) => "providerid");
}

send::send_as!(AddLabResultDocument => LabResultDocumentCreated, json);

/// A patient's prescriptions (`department.prescriptions(patient)`).
#[derive(Debug, Clone)]
pub struct Prescriptions {
    department: Department,
    patient: PatientId,
}

impl Prescriptions {
    pub(crate) fn new(department: Department, patient: PatientId) -> Self {
        Prescriptions {
            department,
            patient,
        }
    }

    /// `GET /v1/{practiceid}/patients/{patientid}/documents/prescription` (item key `prescriptions`).
    pub fn list(&self) -> ListPrescriptions {
        ListPrescriptions::new(
            self.department.client(),
            patient_request(
                &self.department,
                self.patient,
                Method::GET,
                "/v1/{practiceid}/patients/{patientid}/documents/prescription",
            )
            .query("departmentid", self.department.id()),
        )
    }
}

builder!(
    /// `GET /v1/{practiceid}/patients/{patientid}/documents/prescription`. See [`Prescriptions::list`].
    ListPrescriptions
);
pure_build!(ListPrescriptions);

impl ListPrescriptions {
    param!(/// Only this subclass (`PRESCRIPTION_NEW`, `PRESCRIPTION_RENEWAL`, …).
        query_str documentsubclass => "documentsubclass");
    param!(/// Only prescriptions of this encounter.
        query encounterid(EncounterId) => "encounterid");
    param!(/// Include deleted ones.
        query showdeleted(bool) => "showdeleted");
    param!(/// Page size.
        query limit(u32) => "limit");
}

send::list!(ListPrescriptions => Prescription, "prescriptions");
