//! Patients, best-match results, custom fields.

use athena_core::codec::{AthenaDate, AthenaDateTime, Money};
use athena_core::ids::{CustomFieldId, DepartmentId, PatientId, ProviderId};
use athena_core::phi::Phi;

use super::Insurance;
use crate::de::model;

model! {
    /// A patient (`GET /patients`, `GET /patients/{patientid}`, changed feed).
    pub struct Patient {
        /// The patient id.
        patientid: PatientId,
        /// Registration department.
        departmentid: DepartmentId,
        /// Primary department.
        primarydepartmentid: DepartmentId,
        /// Primary provider.
        primaryproviderid: ProviderId,
        /// `active`, `inactive`, `prospective`, `deleted`.
        status: String,
        /// First name.
        firstname: Phi<String>,
        /// Middle name.
        middlename: Phi<String>,
        /// Last name.
        lastname: Phi<String>,
        /// Preferred name.
        preferredname: Phi<String>,
        /// Date of birth.
        dob: Phi<AthenaDate>,
        /// Sex as registered (`M`, `F`, …).
        sex: String,
        /// E-mail address.
        email: Phi<String>,
        /// Home phone.
        homephone: Phi<String>,
        /// Mobile phone.
        mobilephone: Phi<String>,
        /// Work phone.
        workphone: Phi<String>,
        /// Street address.
        address1: Phi<String>,
        /// Street address, second line.
        address2: Phi<String>,
        /// City.
        city: Phi<String>,
        /// State.
        state: Phi<String>,
        /// ZIP code.
        zip: Phi<String>,
        /// Social security number.
        ssn: Phi<String>,
        /// Guarantor first name.
        guarantorfirstname: Phi<String>,
        /// Guarantor last name.
        guarantorlastname: Phi<String>,
        /// Guarantor date of birth.
        guarantordob: Phi<AthenaDate>,
        /// Guarantor e-mail.
        guarantoremail: Phi<String>,
        /// Guarantor SSN.
        guarantorssn: Phi<String>,
        /// Whether portal access was given.
        portalaccessgiven: bool,
        /// Whether the patient consents to calls.
        consenttocall: bool,
        /// Registration date.
        registrationdate: AthenaDate,
        /// First appointment (`MM/DD/YYYY HH:MM`).
        firstappointment: AthenaDateTime,
        /// Last appointment (`MM/DD/YYYY HH:MM`).
        lastappointment: AthenaDateTime,
        /// Balances per provider group (collections balance).
        balances: Vec<PatientBalance>,
        /// Insurances (with `showinsurance=true`).
        insurances: Vec<Insurance>,
        /// Custom field values (with `showcustomfields=true`).
        customfields: Vec<CustomFieldValue>,
    }
}

model! {
    /// A patient's balance with one provider group.
    pub struct PatientBalance {
        /// The balance (negative is a credit).
        balance: Money,
        /// Departments the balance covers (comma-separated ids).
        departmentlist: String,
        /// The provider group.
        providergroupid: u64,
        /// Whether the balance is clean (no pending claims).
        cleanbalance: bool,
        /// Amount in collections, where athena reports it.
        collectionsbalance: Money,
    }
}

model! {
    /// One custom field value of a patient (`GET /patients/{patientid}/customfields`).
    pub struct CustomFieldValue {
        /// The field definition.
        customfieldid: CustomFieldId,
        /// The value (free text fields).
        customfieldvalue: Phi<String>,
        /// The chosen option (select fields).
        optionid: String,
    }
}

model! {
    /// A custom field definition (`GET /customfields`, a bare array).
    pub struct CustomFieldDefinition {
        /// The field id.
        customfieldid: CustomFieldId,
        /// The field name.
        name: String,
        /// `STRING`, `DATE`, `NUMERIC`, …
        r#type: String,
        /// Whether the field is a select list.
        select: bool,
        /// Whether athena forbids API updates.
        disallowupdate: bool,
        /// Whether values are case sensitive.
        casesensitive: bool,
        /// Whether patients can be searched by it.
        searchable: bool,
        /// Options of a select field.
        selectlist: Vec<serde_json::Value>,
    }
}

model! {
    /// `{"success":true,"updatedcount":1,"disallowedcount":0}` from a custom field update.
    pub struct CustomFieldsUpdated {
        /// Whether athena reported success.
        success: bool,
        /// Fields updated.
        updatedcount: u32,
        /// Fields athena refused to update.
        disallowedcount: u32,
    }
}

model! {
    /// A best-match candidate with its score (`GET /patients/enhancedbestmatch`).
    pub struct BestMatch {
        /// The candidate patient id.
        patientid: PatientId,
        /// athena's match score.
        score: f64,
        /// First name.
        firstname: Phi<String>,
        /// Last name.
        lastname: Phi<String>,
        /// Date of birth.
        dob: Phi<AthenaDate>,
        /// Status.
        status: String,
    }
}

model! {
    /// `[{"patientid":"…"}]` from `POST /patients` and `PUT /patients/{patientid}`.
    pub struct PatientIdResponse {
        /// The patient id (on create: possibly an EXISTING patient's id).
        patientid: PatientId,
        /// athena's error text, empty on success.
        errormessage: String,
    }
}
