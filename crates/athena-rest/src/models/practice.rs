//! Practice configuration: departments, providers, practice info.

use athena_core::codec::DepartmentTimeZone;
use athena_core::ids::{ChartSharingGroupId, DepartmentId, PracticeId, ProviderId};

use athena_core::Model;
use athena_core::decode::warnings::DecodeWarning;

/// A department (`GET /departments`, `GET /departments/{departmentid}`).
#[derive(Clone, Default, Model)]
#[non_exhaustive]
pub struct DepartmentInfo {
    /// The department id.
    pub departmentid: Option<DepartmentId>,
    /// Internal name.
    pub name: Option<String>,
    /// Name shown to patients.
    pub patientdepartmentname: Option<String>,
    /// IANA zone for the department's local times (`timezonename`).
    pub timezonename: Option<DepartmentTimeZone>,
    /// UTC offset in hours (standard time).
    pub timezone: Option<i64>,
    /// UTC offset in hours now.
    pub timezoneoffset: Option<i64>,
    /// Whether the zone does not observe DST.
    pub doesnotobservedst: Option<bool>,
    /// Street address.
    pub address: Option<String>,
    /// Street address, second line.
    pub address2: Option<String>,
    /// City.
    pub city: Option<String>,
    /// State.
    pub state: Option<String>,
    /// ZIP code.
    pub zip: Option<String>,
    /// Phone.
    pub phone: Option<String>,
    /// Provider group.
    pub providergroupid: Option<u64>,
    /// Provider group name.
    pub providergroupname: Option<String>,
    /// Chart sharing group.
    pub chartsharinggroupid: Option<ChartSharingGroupId>,
    /// Whether this is a hospital department.
    pub ishospitaldepartment: Option<bool>,
    /// Whether the place of service is a facility.
    pub placeofservicefacility: Option<bool>,
    /// Whether clinicals are turned on (`ON`/`OFF`).
    pub clinicals: Option<String>,
    /// Fields athena sent that are not modelled, and modelled fields that arrived in a shape
    /// their type cannot hold (see `decode_warnings()`), kept verbatim. May hold PHI: `Debug`
    /// shows only the keys.
    pub extra: serde_json::Map<String, serde_json::Value>,
    /// What `decode_warnings()` returns.
    decode_warnings: Vec<DecodeWarning>,
}

/// A provider (`GET /providers`, `GET /providers/{providerid}`).
#[derive(Clone, Default, Model)]
#[non_exhaustive]
pub struct Provider {
    /// The provider id.
    pub providerid: Option<ProviderId>,
    /// First name.
    pub firstname: Option<String>,
    /// Last name.
    pub lastname: Option<String>,
    /// Display name.
    pub displayname: Option<String>,
    /// Scheduling name.
    pub schedulingname: Option<String>,
    /// National provider identifier.
    pub npi: Option<String>,
    /// Specialty.
    pub specialty: Option<String>,
    /// Specialty id.
    pub specialtyid: Option<String>,
    /// Provider type (`MD`, `NP`, …).
    pub providertype: Option<String>,
    /// Home department **name** (not an id).
    pub homedepartment: Option<String>,
    /// Whether the provider bills.
    pub billable: Option<bool>,
    /// athena user name.
    pub providerusername: Option<String>,
    /// `Person` or `Group`.
    pub entitytype: Option<String>,
    /// Fields athena sent that are not modelled, and modelled fields that arrived in a shape
    /// their type cannot hold (see `decode_warnings()`), kept verbatim. May hold PHI: `Debug`
    /// shows only the keys.
    pub extra: serde_json::Map<String, serde_json::Value>,
    /// What `decode_warnings()` returns.
    decode_warnings: Vec<DecodeWarning>,
}

/// Practice information (`GET /practiceinfo`, item key `practiceinfo`).
#[derive(Clone, Default, Model)]
#[non_exhaustive]
pub struct PracticeInfo {
    /// The practice id.
    pub practiceid: Option<PracticeId>,
    /// The practice name.
    pub name: Option<String>,
    /// Whether the practice has clinicals.
    pub hasclinicals: Option<bool>,
    /// Whether the practice has communicator.
    pub hascommunicator: Option<bool>,
    /// Whether the practice has collector.
    pub hascollector: Option<bool>,
    /// Golive date.
    pub golivedate: Option<String>,
    /// Fields athena sent that are not modelled, and modelled fields that arrived in a shape
    /// their type cannot hold (see `decode_warnings()`), kept verbatim. May hold PHI: `Debug`
    /// shows only the keys.
    pub extra: serde_json::Map<String, serde_json::Value>,
    /// What `decode_warnings()` returns.
    decode_warnings: Vec<DecodeWarning>,
}

/// `GET /ping` → `{"Pong":"true"}`.
#[derive(Clone, Default, Model)]
#[non_exhaustive]
pub struct Pong {
    /// `true` when the API answered.
    #[athena(rename = "Pong")]
    pub pong: Option<bool>,
    /// Fields athena sent that are not modelled, and modelled fields that arrived in a shape
    /// their type cannot hold (see `decode_warnings()`), kept verbatim. May hold PHI: `Debug`
    /// shows only the keys.
    pub extra: serde_json::Map<String, serde_json::Value>,
    /// What `decode_warnings()` returns.
    decode_warnings: Vec<DecodeWarning>,
}

/// `GET /departments/{departmentid}/checkinrequired` → `{"fieldlist":[…]}`.
#[derive(Clone, Default, Model)]
#[non_exhaustive]
pub struct CheckInRequiredFields {
    /// Fields that must be filled before check-in.
    pub fieldlist: Option<Vec<String>>,
    /// Fields athena sent that are not modelled, and modelled fields that arrived in a shape
    /// their type cannot hold (see `decode_warnings()`), kept verbatim. May hold PHI: `Debug`
    /// shows only the keys.
    pub extra: serde_json::Map<String, serde_json::Value>,
    /// What `decode_warnings()` returns.
    decode_warnings: Vec<DecodeWarning>,
}
