//! Patients: search, get, create, update, enhanced best match, custom fields.

use athena_core::codec::AthenaDate;
use athena_core::ids::{DepartmentId, PatientId};
use athena_core::{Practice, Request, Result, RetrySafety};
use http::Method;

use super::values::PatientStatus;
use crate::models::{
    BestMatch, CustomFieldDefinition, CustomFieldValue, CustomFieldsUpdated, Patient,
    PatientIdResponse,
};
use crate::send::{self, builder, param, pure_build};

const SEARCH: &str = "/v1/{practiceid}/patients";
const ONE: &str = "/v1/{practiceid}/patients/{patientid}";

/// The patients handler (`practice.patients()`).
#[derive(Debug, Clone)]
pub struct Patients {
    practice: Practice,
}

impl Patients {
    pub(crate) fn new(practice: Practice) -> Self {
        Patients { practice }
    }

    /// `GET /v1/{practiceid}/patients`: search. At least one criterion is required (checked
    /// by `build`).
    pub fn search(&self) -> SearchPatients {
        SearchPatients {
            client: self.practice.client().clone(),
            req: self.practice.request(Method::GET, SEARCH),
            criteria: 0,
        }
    }

    /// `GET /v1/{practiceid}/patients/{patientid}`: one patient (athena answers a
    /// one-element array); `send_optional()` for "or none".
    pub fn get(&self, patient: PatientId) -> GetPatient {
        GetPatient::new(
            self.practice.client(),
            self.practice
                .request(Method::GET, ONE)
                .path_param("patientid", patient),
        )
    }

    /// `POST /v1/{practiceid}/patients`: registers a patient.
    ///
    /// athena runs its best-match first: if the demographics match an existing patient, it
    /// answers with **that existing patient's id** and creates nothing. athena also wants one
    /// contact field (email, a phone, SSN or ZIP) besides the required ones. Not retried.
    pub fn create(
        &self,
        firstname: impl Into<String>,
        lastname: impl Into<String>,
        dob: AthenaDate,
        department: DepartmentId,
    ) -> CreatePatient {
        CreatePatient::new(
            self.practice.client(),
            self.practice
                .request(Method::POST, SEARCH)
                .retry_safety(RetrySafety::NotIdempotent)
                .form("firstname", firstname.into())
                .form("lastname", lastname.into())
                .form("dob", dob)
                .form("departmentid", department),
        )
    }

    /// `PUT /v1/{practiceid}/patients/{patientid}`: updates the fields set on the builder.
    pub fn update(&self, patient: PatientId) -> UpdatePatient {
        UpdatePatient::new(
            self.practice.client(),
            self.practice
                .request(Method::PUT, ONE)
                .path_param("patientid", patient)
                .retry_safety(RetrySafety::Idempotent),
        )
    }

    /// `GET /v1/{practiceid}/patients/enhancedbestmatch`: candidates with scores (a bare
    /// array: one page).
    pub fn best_match(
        &self,
        firstname: impl Into<String>,
        lastname: impl Into<String>,
        dob: AthenaDate,
    ) -> EnhancedBestMatch {
        EnhancedBestMatch::new(
            self.practice.client(),
            self.practice
                .request(Method::GET, "/v1/{practiceid}/patients/enhancedbestmatch")
                .query("firstname", firstname.into())
                .query("lastname", lastname.into())
                .query("dob", dob),
        )
    }

    /// `GET /v1/{practiceid}/patients/{patientid}/customfields`: a bare array of values
    /// (one page).
    pub fn custom_fields(&self, patient: PatientId) -> ListPatientCustomFields {
        ListPatientCustomFields::new(
            self.practice.client(),
            self.practice
                .request(
                    Method::GET,
                    "/v1/{practiceid}/patients/{patientid}/customfields",
                )
                .path_param("patientid", patient),
        )
    }

    /// `PUT /v1/{practiceid}/patients/{patientid}/customfields`: `customfields` is JSON
    /// inside the form.
    pub fn update_custom_fields(
        &self,
        patient: PatientId,
        department: DepartmentId,
    ) -> UpdatePatientCustomFields {
        UpdatePatientCustomFields {
            client: self.practice.client().clone(),
            req: self
                .practice
                .request(
                    Method::PUT,
                    "/v1/{practiceid}/patients/{patientid}/customfields",
                )
                .path_param("patientid", patient)
                .retry_safety(RetrySafety::Idempotent)
                .form("departmentid", department),
            values: Vec::new(),
        }
    }
}

/// `GET /v1/{practiceid}/patients`: a patient search. See [`Patients::search`].
#[derive(Debug, Clone)]
#[must_use = "a builder does nothing until `send`"]
pub struct SearchPatients {
    client: athena_core::Client,
    req: Request,
    criteria: u32,
}

macro_rules! criterion {
    ($(#[$meta:meta])* $fn:ident($ty:ty) => $key:literal) => {
        $(#[$meta])*
        pub fn $fn(mut self, value: $ty) -> Self {
            self.req = self.req.set_query($key, value);
            self.criteria += 1;
            self
        }
    };
    ($(#[$meta:meta])* str $fn:ident => $key:literal) => {
        $(#[$meta])*
        pub fn $fn(mut self, value: impl Into<String>) -> Self {
            self.req = self.req.set_query($key, value.into());
            self.criteria += 1;
            self
        }
    };
}

impl SearchPatients {
    criterion!(/// First name.
        str firstname => "firstname");
    criterion!(/// Last name.
        str lastname => "lastname");
    criterion!(/// Date of birth.
        dob(AthenaDate) => "dob");
    criterion!(/// Any of the patient's phone numbers.
        str anyphone => "anyphone");
    criterion!(/// Home phone.
        str homephone => "homephone");
    criterion!(/// Mobile phone.
        str mobilephone => "mobilephone");
    criterion!(/// E-mail.
        str email => "email");
    criterion!(/// Guarantor first name.
        str guarantorfirstname => "guarantorfirstname");
    criterion!(/// Guarantor last name.
        str guarantorlastname => "guarantorlastname");
    criterion!(/// ZIP code.
        str zip => "zip");
    criterion!(/// Registration department (`-1`: none).
        departmentid(DepartmentId) => "departmentid");
    param!(/// Registration status.
        query status(PatientStatus) => "status");
    param!(/// Leave balances out of the answer.
        query omitbalances(bool) => "omitbalances");
    param!(/// Page size (default 10, max 1000).
        query limit(u32) => "limit");
    param!(/// Offset of the first item.
        query offset(u64) => "offset");

    /// The request; `InvalidInput` when no search criterion was set (athena would answer 400).
    pub fn build(&self) -> Result<Request> {
        if self.criteria == 0 {
            return Err(send::invalid(
                &self.req,
                "a patient search needs at least one criterion \
                 (`firstname`, `lastname`, `dob`, `anyphone`, `email`, …)",
            ));
        }
        Ok(self.req.clone())
    }
}

send::list!(SearchPatients => Patient, "patients");

builder!(
    /// `GET /v1/{practiceid}/patients/{patientid}`: one patient. See [`Patients::get`].
    GetPatient
);
pure_build!(GetPatient);

impl GetPatient {
    param!(/// Include insurances.
        query showinsurance(bool) => "showinsurance");
    param!(/// Include custom fields.
        query showcustomfields(bool) => "showcustomfields");
    param!(/// Include portal status.
        query showportalstatus(bool) => "showportalstatus");
    param!(/// Include local patient ids.
        query showlocalpatientid(bool) => "showlocalpatientid");
    param!(/// Include balance details.
        query showbalancedetails(bool) => "showbalancedetails");
    param!(/// Department context (for department-specific fields).
        query departmentid(DepartmentId) => "departmentid");
}

send::get_one!(GetPatient => Patient);

builder!(
    /// `POST /v1/{practiceid}/patients`: registers a patient. See [`Patients::create`].
    CreatePatient
);
pure_build!(CreatePatient);

macro_rules! patient_fields {
    () => {
        param!(/// Middle name.
            form_str middlename => "middlename");
        param!(/// Sex (`M`, `F`).
            form_str sex => "sex");
        param!(/// E-mail.
            form_str email => "email");
        param!(/// Home phone.
            form_str homephone => "homephone");
        param!(/// Mobile phone.
            form_str mobilephone => "mobilephone");
        param!(/// Work phone.
            form_str workphone => "workphone");
        param!(/// Street address.
            form_str address1 => "address1");
        param!(/// Street address, second line.
            form_str address2 => "address2");
        param!(/// City.
            form_str city => "city");
        param!(/// State.
            form_str state => "state");
        param!(/// ZIP code.
            form_str zip => "zip");
        param!(/// SSN.
            form_str ssn => "ssn");
        param!(/// Registration status ([`PatientStatus::Deleted`] deletes the patient).
            form status(PatientStatus) => "status");
    };
}

impl CreatePatient {
    patient_fields!();

    /// Sends. The id may be an EXISTING patient's (athena's best match).
    pub async fn send(self) -> Result<PatientId> {
        let req = self.build()?;
        let r: PatientIdResponse = send::one(&self.client, &req).await?;
        r.patientid
            .ok_or_else(|| send::decode_missing(&req, "patientid"))
    }
}

builder!(
    /// `PUT /v1/{practiceid}/patients/{patientid}`: updates a patient. See
    /// [`Patients::update`].
    UpdatePatient
);
pure_build!(UpdatePatient);

impl UpdatePatient {
    patient_fields!();
    param!(/// First name.
        form_str firstname => "firstname");
    param!(/// Last name.
        form_str lastname => "lastname");
    param!(/// Date of birth.
        form dob(AthenaDate) => "dob");
    param!(/// Registration department.
        form departmentid(DepartmentId) => "departmentid");

    /// Sends; the answer is the patient id.
    pub async fn send(self) -> Result<PatientId> {
        let req = self.build()?;
        let r: PatientIdResponse = send::one(&self.client, &req).await?;
        r.patientid
            .ok_or_else(|| send::decode_missing(&req, "patientid"))
    }
}

builder!(
    /// `GET /v1/{practiceid}/patients/enhancedbestmatch`: best-match candidates. See
    /// [`Patients::best_match`].
    EnhancedBestMatch
);
pure_build!(EnhancedBestMatch);

impl EnhancedBestMatch {
    param!(/// Department.
        query departmentid(DepartmentId) => "departmentid");
    param!(/// Phone.
        query_str anyphone => "anyphone");
    param!(/// E-mail.
        query_str email => "email");
    param!(/// ZIP code.
        query_str zip => "zip");
    param!(/// Minimum score to return.
        query minscore(u32) => "minscore");
}

send::list!(EnhancedBestMatch => BestMatch, bare Vec<BestMatch>);

builder!(
    /// `GET /v1/{practiceid}/patients/{patientid}/customfields`: a patient's custom field
    /// values. See [`Patients::custom_fields`].
    ListPatientCustomFields
);
pure_build!(ListPatientCustomFields);

send::list!(ListPatientCustomFields => CustomFieldValue, bare Vec<CustomFieldValue>);

/// `PUT /v1/{practiceid}/patients/{patientid}/customfields`: sets custom field values. See
/// [`Patients::update_custom_fields`].
#[derive(Debug, Clone)]
#[must_use = "a builder does nothing until `send`"]
pub struct UpdatePatientCustomFields {
    client: athena_core::Client,
    req: Request,
    values: Vec<serde_json::Value>,
}

impl UpdatePatientCustomFields {
    /// Adds one element of `customfields`: a free-text field's `customfieldvalue`.
    pub fn customfield(
        mut self,
        field: athena_core::ids::CustomFieldId,
        value: impl Into<String>,
    ) -> Self {
        self.values.push(serde_json::json!({
            "customfieldid": field.to_string(),
            "customfieldvalue": value.into(),
        }));
        self
    }

    /// Adds one element of `customfields`: a select field's `optionid`.
    pub fn customfield_option(
        mut self,
        field: athena_core::ids::CustomFieldId,
        option_id: u64,
    ) -> Self {
        self.values.push(serde_json::json!({
            "customfieldid": field.to_string(),
            "optionid": option_id.to_string(),
        }));
        self
    }

    /// The request (`customfields` is a JSON array inside the form); `InvalidInput` when no
    /// value was set.
    pub fn build(&self) -> Result<Request> {
        if self.values.is_empty() {
            return Err(send::missing(&self.req, "customfields"));
        }
        let json = serde_json::Value::Array(self.values.clone()).to_string();
        Ok(self.req.clone().form("customfields", json))
    }
}

send::send_as!(UpdatePatientCustomFields => CustomFieldsUpdated, json);

/// Custom field definitions (`practice.custom_fields()`).
#[derive(Debug, Clone)]
pub struct CustomFields {
    practice: Practice,
}

impl CustomFields {
    pub(crate) fn new(practice: Practice) -> Self {
        CustomFields { practice }
    }

    /// `GET /v1/{practiceid}/customfields`: a bare array (one page).
    pub fn list(&self) -> ListCustomFields {
        ListCustomFields::new(
            self.practice.client(),
            self.practice
                .request(Method::GET, "/v1/{practiceid}/customfields"),
        )
    }
}

builder!(
    /// `GET /v1/{practiceid}/customfields`: the practice's custom field definitions. See
    /// [`CustomFields::list`].
    ListCustomFields
);
pure_build!(ListCustomFields);

send::list!(ListCustomFields => CustomFieldDefinition, bare Vec<CustomFieldDefinition>);
