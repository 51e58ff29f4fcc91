//! Documents and inbox: patient documents, clinical document upload, patient cases, a
//! provider's inbox.

use athena_core::codec::{AthenaDate, AthenaTime};
use athena_core::ids::{PatientCaseId, PatientId, ProviderId};
use athena_core::{Department, Practice, Request, Result, RetrySafety};
use base64::Engine as _;
use http::Method;

use crate::models::{
    ClinicalDocumentCreated, Document, InboxItem, PatientCase, PatientCaseCreated, Success,
};
use crate::send::{self, builder, param, pure_build};

/// A patient's documents in one department (`department.documents(patient)`).
#[derive(Debug, Clone)]
pub struct DepartmentDocuments {
    department: Department,
    patient: PatientId,
}

impl DepartmentDocuments {
    pub(crate) fn new(department: Department, patient: PatientId) -> Self {
        DepartmentDocuments {
            department,
            patient,
        }
    }

    fn request(&self, method: Method, route: &'static str) -> Request {
        self.department
            .practice()
            .request(method, route)
            .path_param("patientid", self.patient)
    }

    /// `GET /v1/{practiceid}/patients/{patientid}/documents`.
    pub fn list(&self) -> ListDocuments {
        ListDocuments::new(
            self.department.client(),
            self.request(
                Method::GET,
                "/v1/{practiceid}/patients/{patientid}/documents",
            )
            .query("departmentid", self.department.id()),
        )
    }

    /// `POST /v1/{practiceid}/patients/{patientid}/documents/clinicaldocument`: uploads a PDF (base64 in the
    /// form). `autoclose` is **false** unless set, so the document lands in the clinician's
    /// inbox for review. Never retried.
    pub fn upload_clinical(
        &self,
        pdf: &[u8],
        documentsubclass: impl Into<String>,
    ) -> UploadClinicalDocument {
        UploadClinicalDocument {
            client: self.department.client().clone(),
            req: self
                .request(
                    Method::POST,
                    "/v1/{practiceid}/patients/{patientid}/documents/clinicaldocument",
                )
                .retry_safety(RetrySafety::NotIdempotent)
                .form("departmentid", self.department.id())
                .form("documentsubclass", documentsubclass.into())
                .form("attachmenttype", "PDF")
                .form(
                    "attachmentcontents",
                    base64::engine::general_purpose::STANDARD.encode(pdf),
                ),
            autoclose: false,
        }
    }

    /// `POST /v1/{practiceid}/patients/{patientid}/documents/patientcase`: opens a case. Never retried.
    pub fn create_case(
        &self,
        documentsource: impl Into<String>,
        documentsubclass: impl Into<String>,
    ) -> CreatePatientCase {
        CreatePatientCase::new(
            self.department.client(),
            self.request(
                Method::POST,
                "/v1/{practiceid}/patients/{patientid}/documents/patientcase",
            )
            .retry_safety(RetrySafety::NotIdempotent)
            .form("departmentid", self.department.id())
            .form("documentsource", documentsource.into())
            .form("documentsubclass", documentsubclass.into()),
        )
    }
}

builder!(
    /// `GET /v1/{practiceid}/patients/{patientid}/documents`: a patient's documents. See
    /// [`DepartmentDocuments::list`].
    ListDocuments
);
pure_build!(ListDocuments);

impl ListDocuments {
    param!(/// Only this class.
        query_str documentclass => "documentclass");
    param!(/// Include deleted.
        query showdeleted(bool) => "showdeleted");
    param!(/// Page size (default 1000, max 10000).
        query limit(u32) => "limit");
}

send::list!(ListDocuments => Document, "documents");

/// `POST /v1/{practiceid}/patients/{patientid}/documents/clinicaldocument`: uploads a
/// clinical document. See [`DepartmentDocuments::upload_clinical`].
#[derive(Debug, Clone)]
#[must_use = "a builder does nothing until `send`"]
pub struct UploadClinicalDocument {
    client: athena_core::Client,
    req: Request,
    autoclose: bool,
}

impl UploadClinicalDocument {
    /// `true` files the document closed, skipping the inbox (default `false`).
    pub fn autoclose(mut self, autoclose: bool) -> Self {
        self.autoclose = autoclose;
        self
    }
    param!(/// Note for staff.
        form_str internalnote => "internalnote");
    param!(/// The provider whose inbox receives it.
        form providerid(ProviderId) => "providerid");
    param!(/// Document type id.
        form documenttypeid(u64) => "documenttypeid");
    param!(/// Observation date.
        form observationdate(AthenaDate) => "observationdate");
    param!(/// Observation time (`HH:MM`).
        form observationtime(AthenaTime) => "observationtime");
    param!(/// Original file name (≤ 200 characters, no extension).
        form_str originalfilename => "originalfilename");
    param!(/// Priority (1 high, 2 normal).
        form priority(u8) => "priority");

    /// The request (always carries `autoclose`); `InvalidInput` when the PDF is empty.
    pub fn build(&self) -> Result<Request> {
        send::check_attachment(&self.req)?;
        Ok(self.req.clone().form("autoclose", self.autoclose))
    }
}

send::send_as!(UploadClinicalDocument => ClinicalDocumentCreated, json);

builder!(
    /// `POST /v1/{practiceid}/patients/{patientid}/documents/patientcase`: opens a case. See
    /// [`DepartmentDocuments::create_case`].
    CreatePatientCase
);
pure_build!(CreatePatientCase);

impl CreatePatientCase {
    param!(/// Subject.
        form_str subject => "subject");
    param!(/// Internal note.
        form_str internalnote => "internalnote");
    param!(/// Provider.
        form providerid(ProviderId) => "providerid");
    param!(/// Priority (1 high, 2 normal).
        form priority(u8) => "priority");
    param!(/// Close on creation.
        form autoclose(bool) => "autoclose");
    param!(/// Outbound only.
        form outboundonly(bool) => "outboundonly");
    param!(/// Call-back name.
        form_str callbackname => "callbackname");
    param!(/// Call-back number.
        form_str callbacknumber => "callbacknumber");
}

send::send_as!(CreatePatientCase => PatientCaseCreated, json);

/// A patient's cases (`practice.patient_cases(patient)`).
#[derive(Debug, Clone)]
pub struct PatientCases {
    practice: Practice,
    patient: PatientId,
}

impl PatientCases {
    pub(crate) fn new(practice: Practice, patient: PatientId) -> Self {
        PatientCases { practice, patient }
    }

    /// `GET /v1/{practiceid}/patients/{patientid}/patientcases`.
    pub fn list(&self) -> ListPatientCases {
        ListPatientCases::new(
            self.practice.client(),
            self.practice
                .request(
                    Method::GET,
                    "/v1/{practiceid}/patients/{patientid}/patientcases",
                )
                .path_param("patientid", self.patient),
        )
    }
    /// `GET /v1/{practiceid}/patients/{patientid}/documents/patientcase/{patientcaseid}`
    /// (a one-element array); `send_optional()` for "or none".
    pub fn get(&self, case: PatientCaseId) -> GetPatientCase {
        GetPatientCase::new(
            self.practice.client(),
            self.practice
                .request(
                    Method::GET,
                    "/v1/{practiceid}/patients/{patientid}/documents/patientcase/{patientcaseid}",
                )
                .path_param("patientid", self.patient)
                .path_param("patientcaseid", case),
        )
    }
    /// `POST /v1/{practiceid}/documents/patientcase/{patientcaseid}/actions`: adds a note (action).
    pub fn add_action(&self, case: PatientCaseId, actionnote: impl Into<String>) -> AddCaseAction {
        AddCaseAction::new(
            self.practice.client(),
            self.practice
                .request(
                    Method::POST,
                    "/v1/{practiceid}/documents/patientcase/{patientcaseid}/actions",
                )
                .path_param("patientcaseid", case)
                .retry_safety(RetrySafety::NotIdempotent)
                .form("actionnote", actionnote.into()),
        )
    }
    /// `PUT /v1/{practiceid}/patients/{patientid}/documents/patientcase/{patientcaseid}/close`.
    pub fn close(&self, case: PatientCaseId) -> ClosePatientCase {
        ClosePatientCase::new(
            self.practice.client(),
            self.practice
                .request(
                    Method::PUT,
                    "/v1/{practiceid}/patients/{patientid}/documents/patientcase/{patientcaseid}/close",
                )
                .path_param("patientid", self.patient)
                .path_param("patientcaseid", case)
                .retry_safety(RetrySafety::Idempotent),
        )
    }
}

builder!(
    /// `GET /v1/{practiceid}/patients/{patientid}/patientcases`: a patient's cases. See
    /// [`PatientCases::list`].
    ListPatientCases
);
pure_build!(ListPatientCases);

impl ListPatientCases {
    param!(/// Include closed cases.
        query showclosed(bool) => "showclosed");
    param!(/// Page size (default 1000, max 10000).
        query limit(u32) => "limit");
}

send::list!(ListPatientCases => PatientCase, "patientcases");

builder!(
    /// `GET /v1/{practiceid}/patients/{patientid}/documents/patientcase/{patientcaseid}`:
    /// one case. See [`PatientCases::get`].
    GetPatientCase
);
pure_build!(GetPatientCase);

send::get_one!(GetPatientCase => PatientCase);

builder!(
    /// `POST /v1/{practiceid}/documents/patientcase/{patientcaseid}/actions`: adds a note
    /// (an action) to a case. See [`PatientCases::add_action`].
    AddCaseAction
);
pure_build!(AddCaseAction);

impl AddCaseAction {
    param!(/// Assign to a user (reopens for review).
        form_str assignedto => "assignedto");
}

send::send_as!(AddCaseAction => Success, json);

builder!(
    /// `PUT /v1/{practiceid}/patients/{patientid}/documents/patientcase/{patientcaseid}/close`:
    /// closes a case. See [`PatientCases::close`].
    ClosePatientCase
);
pure_build!(ClosePatientCase);

impl ClosePatientCase {
    param!(/// Close note.
        form_str closenote => "closenote");
    param!(/// Assign to a user.
        form_str assignedto => "assignedto");
}

send::send_as!(ClosePatientCase => Success, json);

/// A provider's inbox (`practice.inbox(provider)`).
#[derive(Debug, Clone)]
pub struct ProviderInbox {
    practice: Practice,
    provider: ProviderId,
}

impl ProviderInbox {
    pub(crate) fn new(practice: Practice, provider: ProviderId) -> Self {
        ProviderInbox { practice, provider }
    }
    /// `GET /v1/{practiceid}/providers/{providerid}/inbox`.
    pub fn list(&self) -> ListInbox {
        ListInbox::new(
            self.practice.client(),
            self.practice
                .request(Method::GET, "/v1/{practiceid}/providers/{providerid}/inbox")
                .path_param("providerid", self.provider),
        )
    }
}

builder!(
    /// `GET /v1/{practiceid}/providers/{providerid}/inbox`: a provider's inbox (item key
    /// `inbox`). See [`ProviderInbox::list`].
    ListInbox
);
pure_build!(ListInbox);

impl ListInbox {
    param!(/// Page size.
        query limit(u32) => "limit");
}

send::list!(ListInbox => InboxItem, "inbox");
