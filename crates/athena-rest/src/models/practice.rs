//! Practice configuration: departments, providers, practice info.

use athena_core::codec::DepartmentTimeZone;
use athena_core::ids::{ChartSharingGroupId, DepartmentId, PracticeId, ProviderId};

use crate::de::model;

model! {
    /// A department (`GET /departments`, `GET /departments/{departmentid}`).
    pub struct DepartmentInfo {
        /// The department id.
        departmentid: DepartmentId,
        /// Internal name.
        name: String,
        /// Name shown to patients.
        patientdepartmentname: String,
        /// IANA zone for the department's local times (`timezonename`).
        timezonename: DepartmentTimeZone,
        /// UTC offset in hours (standard time).
        timezone: i64,
        /// UTC offset in hours now.
        timezoneoffset: i64,
        /// Whether the zone does not observe DST.
        doesnotobservedst: bool,
        /// Street address.
        address: String,
        /// Street address, second line.
        address2: String,
        /// City.
        city: String,
        /// State.
        state: String,
        /// ZIP code.
        zip: String,
        /// Phone.
        phone: String,
        /// Provider group.
        providergroupid: u64,
        /// Provider group name.
        providergroupname: String,
        /// Chart sharing group.
        chartsharinggroupid: ChartSharingGroupId,
        /// Whether this is a hospital department.
        ishospitaldepartment: bool,
        /// Whether the place of service is a facility.
        placeofservicefacility: bool,
        /// Whether clinicals are turned on (`ON`/`OFF`).
        clinicals: String,
    }
}

model! {
    /// A provider (`GET /providers`, `GET /providers/{providerid}`).
    pub struct Provider {
        /// The provider id.
        providerid: ProviderId,
        /// First name.
        firstname: String,
        /// Last name.
        lastname: String,
        /// Display name.
        displayname: String,
        /// Scheduling name.
        schedulingname: String,
        /// National provider identifier.
        npi: String,
        /// Specialty.
        specialty: String,
        /// Specialty id.
        specialtyid: String,
        /// Provider type (`MD`, `NP`, …).
        providertype: String,
        /// Home department **name** (not an id).
        homedepartment: String,
        /// Whether the provider bills.
        billable: bool,
        /// athena user name.
        providerusername: String,
        /// `Person` or `Group`.
        entitytype: String,
    }
}

model! {
    /// Practice information (`GET /practiceinfo`, item key `practiceinfo`).
    pub struct PracticeInfo {
        /// The practice id.
        practiceid: PracticeId,
        /// The practice name.
        name: String,
        /// Whether the practice has clinicals.
        hasclinicals: bool,
        /// Whether the practice has communicator.
        hascommunicator: bool,
        /// Whether the practice has collector.
        hascollector: bool,
        /// Golive date.
        golivedate: String,
    }
}

model! {
    /// `GET /ping` → `{"Pong":"true"}`.
    pub struct Pong {
        /// `true` when the API answered.
        pong as "Pong": bool,
    }
}

model! {
    /// `GET /departments/{departmentid}/checkinrequired` → `{"fieldlist":[…]}`.
    pub struct CheckInRequiredFields {
        /// Fields that must be filled before check-in.
        fieldlist: Vec<String>,
    }
}
