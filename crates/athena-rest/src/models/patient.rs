//! Patients, best-match results, custom fields.

use athena_core::codec::{AthenaDate, AthenaDateTime, Money};
use athena_core::ids::{CustomFieldId, DepartmentId, PatientId, ProviderId};
use athena_core::phi::Phi;

use super::Insurance;
use athena_core::Model;
use athena_core::decode::warnings::DecodeWarning;

/// A patient (`GET /patients`, `GET /patients/{patientid}`, changed feed).
#[derive(Clone, Default, Model)]
#[non_exhaustive]
pub struct Patient {
    /// The patient id.
    pub patientid: Option<PatientId>,
    /// Registration department.
    pub departmentid: Option<DepartmentId>,
    /// Primary department.
    pub primarydepartmentid: Option<DepartmentId>,
    /// Primary provider.
    pub primaryproviderid: Option<ProviderId>,
    /// `active`, `inactive`, `prospective`, `deleted`.
    pub status: Option<String>,
    /// First name.
    pub firstname: Option<Phi<String>>,
    /// Middle name.
    pub middlename: Option<Phi<String>>,
    /// Last name.
    pub lastname: Option<Phi<String>>,
    /// Preferred name.
    pub preferredname: Option<Phi<String>>,
    /// Date of birth.
    pub dob: Option<Phi<AthenaDate>>,
    /// Sex as registered (`M`, `F`, …).
    pub sex: Option<String>,
    /// E-mail address.
    pub email: Option<Phi<String>>,
    /// Home phone.
    pub homephone: Option<Phi<String>>,
    /// Mobile phone.
    pub mobilephone: Option<Phi<String>>,
    /// Work phone.
    pub workphone: Option<Phi<String>>,
    /// Street address.
    pub address1: Option<Phi<String>>,
    /// Street address, second line.
    pub address2: Option<Phi<String>>,
    /// City.
    pub city: Option<Phi<String>>,
    /// State.
    pub state: Option<Phi<String>>,
    /// ZIP code.
    pub zip: Option<Phi<String>>,
    /// Social security number.
    pub ssn: Option<Phi<String>>,
    /// Guarantor first name.
    pub guarantorfirstname: Option<Phi<String>>,
    /// Guarantor last name.
    pub guarantorlastname: Option<Phi<String>>,
    /// Guarantor date of birth.
    pub guarantordob: Option<Phi<AthenaDate>>,
    /// Guarantor e-mail.
    pub guarantoremail: Option<Phi<String>>,
    /// Guarantor SSN.
    pub guarantorssn: Option<Phi<String>>,
    /// Whether portal access was given.
    pub portalaccessgiven: Option<bool>,
    /// Whether the patient consents to calls.
    pub consenttocall: Option<bool>,
    /// Registration date.
    pub registrationdate: Option<AthenaDate>,
    /// First appointment (`MM/DD/YYYY HH:MM`).
    pub firstappointment: Option<AthenaDateTime>,
    /// Last appointment (`MM/DD/YYYY HH:MM`).
    pub lastappointment: Option<AthenaDateTime>,
    /// Balances per provider group (collections balance).
    pub balances: Option<Vec<PatientBalance>>,
    /// Insurances (with `showinsurance=true`).
    pub insurances: Option<Vec<Insurance>>,
    /// Custom field values (with `showcustomfields=true`).
    pub customfields: Option<Vec<CustomFieldValue>>,
    /// Fields athena sent that are not modelled, and modelled fields that arrived in a shape
    /// their type cannot hold (see `decode_warnings()`), kept verbatim. May hold PHI: `Debug`
    /// shows only the keys.
    pub extra: serde_json::Map<String, serde_json::Value>,
    /// What `decode_warnings()` returns.
    decode_warnings: Vec<DecodeWarning>,
}

/// A patient's balance with one provider group.
#[derive(Clone, Default, Model)]
#[non_exhaustive]
pub struct PatientBalance {
    /// The balance (negative is a credit).
    pub balance: Option<Money>,
    /// Departments the balance covers (comma-separated ids).
    pub departmentlist: Option<String>,
    /// The provider group.
    pub providergroupid: Option<u64>,
    /// Whether the balance is clean (no pending claims).
    pub cleanbalance: Option<bool>,
    /// Amount in collections, where athena reports it.
    pub collectionsbalance: Option<Money>,
    /// Fields athena sent that are not modelled, and modelled fields that arrived in a shape
    /// their type cannot hold (see `decode_warnings()`), kept verbatim. May hold PHI: `Debug`
    /// shows only the keys.
    pub extra: serde_json::Map<String, serde_json::Value>,
    /// What `decode_warnings()` returns.
    decode_warnings: Vec<DecodeWarning>,
}

/// One custom field value of a patient (`GET /patients/{patientid}/customfields`).
#[derive(Clone, Default, Model)]
#[non_exhaustive]
pub struct CustomFieldValue {
    /// The field definition.
    pub customfieldid: Option<CustomFieldId>,
    /// The value (free text fields).
    pub customfieldvalue: Option<Phi<String>>,
    /// The chosen option (select fields).
    pub optionid: Option<String>,
    /// Fields athena sent that are not modelled, and modelled fields that arrived in a shape
    /// their type cannot hold (see `decode_warnings()`), kept verbatim. May hold PHI: `Debug`
    /// shows only the keys.
    pub extra: serde_json::Map<String, serde_json::Value>,
    /// What `decode_warnings()` returns.
    decode_warnings: Vec<DecodeWarning>,
}

/// A custom field definition (`GET /customfields`, a bare array).
#[derive(Clone, Default, Model)]
#[non_exhaustive]
pub struct CustomFieldDefinition {
    /// The field id.
    pub customfieldid: Option<CustomFieldId>,
    /// The field name.
    pub name: Option<String>,
    /// `STRING`, `DATE`, `NUMERIC`, …
    pub r#type: Option<String>,
    /// Whether the field is a select list.
    pub select: Option<bool>,
    /// Whether athena forbids API updates.
    pub disallowupdate: Option<bool>,
    /// Whether values are case sensitive.
    pub casesensitive: Option<bool>,
    /// Whether patients can be searched by it.
    pub searchable: Option<bool>,
    /// Options of a select field.
    pub selectlist: Option<Vec<serde_json::Value>>,
    /// Fields athena sent that are not modelled, and modelled fields that arrived in a shape
    /// their type cannot hold (see `decode_warnings()`), kept verbatim. May hold PHI: `Debug`
    /// shows only the keys.
    pub extra: serde_json::Map<String, serde_json::Value>,
    /// What `decode_warnings()` returns.
    decode_warnings: Vec<DecodeWarning>,
}

/// `{"success":true,"updatedcount":1,"disallowedcount":0}` from a custom field update.
#[derive(Clone, Default, Model)]
#[non_exhaustive]
pub struct CustomFieldsUpdated {
    /// Whether athena reported success.
    pub success: Option<bool>,
    /// Fields updated.
    pub updatedcount: Option<u32>,
    /// Fields athena refused to update.
    pub disallowedcount: Option<u32>,
    /// Fields athena sent that are not modelled, and modelled fields that arrived in a shape
    /// their type cannot hold (see `decode_warnings()`), kept verbatim. May hold PHI: `Debug`
    /// shows only the keys.
    pub extra: serde_json::Map<String, serde_json::Value>,
    /// What `decode_warnings()` returns.
    decode_warnings: Vec<DecodeWarning>,
}

/// A best-match candidate with its score (`GET /patients/enhancedbestmatch`).
#[derive(Clone, Default, Model)]
#[non_exhaustive]
pub struct BestMatch {
    /// The candidate patient id.
    pub patientid: Option<PatientId>,
    /// athena's match score.
    pub score: Option<f64>,
    /// First name.
    pub firstname: Option<Phi<String>>,
    /// Last name.
    pub lastname: Option<Phi<String>>,
    /// Date of birth.
    pub dob: Option<Phi<AthenaDate>>,
    /// Status.
    pub status: Option<String>,
    /// Fields athena sent that are not modelled, and modelled fields that arrived in a shape
    /// their type cannot hold (see `decode_warnings()`), kept verbatim. May hold PHI: `Debug`
    /// shows only the keys.
    pub extra: serde_json::Map<String, serde_json::Value>,
    /// What `decode_warnings()` returns.
    decode_warnings: Vec<DecodeWarning>,
}

/// `[{"patientid":"…"}]` from `POST /patients` and `PUT /patients/{patientid}`.
#[derive(Clone, Default, Model)]
#[non_exhaustive]
pub struct PatientIdResponse {
    /// The patient id (on create: possibly an EXISTING patient's id).
    pub patientid: Option<PatientId>,
    /// athena's error text, empty on success.
    pub errormessage: Option<String>,
    /// Fields athena sent that are not modelled, and modelled fields that arrived in a shape
    /// their type cannot hold (see `decode_warnings()`), kept verbatim. May hold PHI: `Debug`
    /// shows only the keys.
    pub extra: serde_json::Map<String, serde_json::Value>,
    /// What `decode_warnings()` returns.
    decode_warnings: Vec<DecodeWarning>,
}
