//! Documents and inbox: patient documents, clinical document upload, patient cases, a
//! provider's inbox.

use athena_core::codec::{AthenaDate, AthenaTime};
use athena_core::ids::{PatientCaseId, PatientId, ProviderId};
use athena_core::{Department, Page, Practice, Request, Result, RetrySafety};
use base64::Engine as _;
use futures::Stream;
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

    /// `GET /patients/{patientid}/documents`.
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

    /// `POST /patients/{patientid}/documents/clinicaldocument`: uploads a PDF (base64 in the
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

    /// `POST /patients/{patientid}/documents/patientcase`: opens a case. Never retried.
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
    /// `GET /patients/{patientid}/documents`.
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

    /// One page.
    pub async fn send(self) -> Result<Page<Document>> {
        send::page(&self.client, &self.req, "documents").await
    }
    /// Page after page, lazily (each with `totalcount` and the envelope's extra keys).
    pub fn pages(self) -> impl Stream<Item = Result<Page<Document>>> + Send + 'static {
        send::pages(&self.client, self.req, "documents")
    }
    /// Every document, lazily.
    pub fn stream(self) -> impl Stream<Item = Result<Document>> + Send + 'static {
        send::stream(&self.client, self.req, "documents")
    }
}

/// `POST …/documents/clinicaldocument`. See [`DepartmentDocuments::upload_clinical`].
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
        form provider(ProviderId) => "providerid");
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

    /// The request (always carries `autoclose`).
    pub fn build(&self) -> Request {
        self.req.clone().form("autoclose", self.autoclose)
    }

    /// Sends.
    pub async fn send(self) -> Result<ClinicalDocumentCreated> {
        send::json(&self.client, &self.build()).await
    }
}

builder!(
    /// `POST …/documents/patientcase`. See [`DepartmentDocuments::create_case`].
    CreatePatientCase
);
pure_build!(CreatePatientCase);

impl CreatePatientCase {
    param!(/// Subject.
        form_str subject => "subject");
    param!(/// Internal note.
        form_str internalnote => "internalnote");
    param!(/// Provider.
        form provider(ProviderId) => "providerid");
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

    /// Sends.
    pub async fn send(self) -> Result<PatientCaseCreated> {
        send::json(&self.client, &self.req).await
    }
}

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

    /// `GET /patients/{patientid}/patientcases`.
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
    /// `GET /patients/{patientid}/documents/patientcase/{patientcaseid}` (array).
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
    /// `POST /documents/patientcase/{patientcaseid}/actions`: adds a note (action).
    pub fn add_action(&self, case: PatientCaseId, note: impl Into<String>) -> CaseAction {
        CaseAction::new(
            self.practice.client(),
            self.practice
                .request(
                    Method::POST,
                    "/v1/{practiceid}/documents/patientcase/{patientcaseid}/actions",
                )
                .path_param("patientcaseid", case)
                .retry_safety(RetrySafety::NotIdempotent)
                .form("actionnote", note.into()),
        )
    }
    /// `PUT /patients/{patientid}/documents/patientcase/{patientcaseid}/close`.
    pub fn close(&self, case: PatientCaseId) -> CaseAction {
        CaseAction::new(
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
    /// `GET /patients/{patientid}/patientcases`.
    ListPatientCases
);
pure_build!(ListPatientCases);

impl ListPatientCases {
    param!(/// Include closed cases.
        query showclosed(bool) => "showclosed");
    param!(/// Page size (default 1000, max 10000).
        query limit(u32) => "limit");

    /// One page.
    pub async fn send(self) -> Result<Page<PatientCase>> {
        send::page(&self.client, &self.req, "patientcases").await
    }
    /// Every item across pages, lazily.
    pub fn stream(self) -> impl Stream<Item = Result<PatientCase>> + Send + 'static {
        send::stream(&self.client, self.req, "patientcases")
    }
    /// Page after page, lazily (each with `totalcount` and the envelope's extra keys).
    pub fn pages(self) -> impl Stream<Item = Result<Page<PatientCase>>> + Send + 'static {
        send::pages(&self.client, self.req, "patientcases")
    }
}

builder!(
    /// `GET …/documents/patientcase/{patientcaseid}`.
    GetPatientCase
);
pure_build!(GetPatientCase);

impl GetPatientCase {
    /// Sends.
    pub async fn send(self) -> Result<PatientCase> {
        send::one(&self.client, &self.req).await
    }
    /// Sends; a 404 is `Ok(None)`.
    pub async fn send_opt(self) -> Result<Option<PatientCase>> {
        send::opt(self.send().await)
    }
}

builder!(
    /// A case action (note) or close.
    CaseAction
);
pure_build!(CaseAction);

impl CaseAction {
    param!(/// Assign to a user (reopens for review).
        form_str assignedto => "assignedto");
    param!(/// Close note (on close).
        form_str closenote => "closenote");

    /// Sends.
    pub async fn send(self) -> Result<Success> {
        send::json(&self.client, &self.req).await
    }
}

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
    /// `GET /providers/{providerid}/inbox`.
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
    /// `GET /providers/{providerid}/inbox`.
    ListInbox
);
pure_build!(ListInbox);

impl ListInbox {
    param!(/// Page size.
        query limit(u32) => "limit");

    /// One page (item key `inbox`).
    pub async fn send(self) -> Result<Page<InboxItem>> {
        send::page(&self.client, &self.req, "inbox").await
    }
    /// Page after page, lazily (each with `totalcount` and the envelope's extra keys).
    pub fn pages(self) -> impl Stream<Item = Result<Page<InboxItem>>> + Send + 'static {
        send::pages(&self.client, self.req, "inbox")
    }
    /// Every item, lazily.
    pub fn stream(self) -> impl Stream<Item = Result<InboxItem>> + Send + 'static {
        send::stream(&self.client, self.req, "inbox")
    }
}
