//! Practice configuration: departments, providers, practice info, ping.

use athena_core::ids::{DepartmentId, ProviderId};
use athena_core::{Practice, Result};
use http::Method;

use crate::models::{CheckInRequiredFields, DepartmentInfo, Pong, PracticeInfo, Provider};
use crate::send::{self, builder, param, pure_build};

/// The departments handler (`practice.departments()`).
#[derive(Debug, Clone)]
pub struct Departments {
    practice: Practice,
}

impl Departments {
    pub(crate) fn new(practice: Practice) -> Self {
        Departments { practice }
    }
    /// `GET /v1/{practiceid}/departments`.
    pub fn list(&self) -> ListDepartments {
        ListDepartments::new(
            self.practice.client(),
            self.practice
                .request(Method::GET, "/v1/{practiceid}/departments"),
        )
    }
    /// `GET /v1/{practiceid}/departments/{departmentid}` (a one-element array).
    pub fn get(&self, department: DepartmentId) -> GetDepartment {
        GetDepartment::new(
            self.practice.client(),
            self.practice
                .request(Method::GET, "/v1/{practiceid}/departments/{departmentid}")
                .path_param("departmentid", department),
        )
    }
    /// `GET /v1/{practiceid}/departments/{departmentid}/checkinrequired`.
    pub fn checkin_required(&self, department: DepartmentId) -> GetCheckInRequiredFields {
        GetCheckInRequiredFields::new(
            self.practice.client(),
            self.practice
                .request(
                    Method::GET,
                    "/v1/{practiceid}/departments/{departmentid}/checkinrequired",
                )
                .path_param("departmentid", department),
        )
    }
}

builder!(
    /// `GET /v1/{practiceid}/departments`. See [`Departments::list`].
    ListDepartments
);
pure_build!(ListDepartments);

impl ListDepartments {
    param!(/// Include departments hidden from scheduling.
        query showalldepartments(bool) => "showalldepartments");
    param!(/// Include each department's providers.
        query providerlist(bool) => "providerlist");
    param!(/// Only hospital departments.
        query hospitalonly(bool) => "hospitalonly");
    param!(/// Page size.
        query limit(u32) => "limit");
}

send::list!(ListDepartments => DepartmentInfo, "departments");

builder!(
    /// `GET /v1/{practiceid}/departments/{departmentid}`. See [`Departments::get`].
    GetDepartment
);
pure_build!(GetDepartment);

send::get_one!(GetDepartment => DepartmentInfo);

builder!(
    /// `GET /v1/{practiceid}/departments/{departmentid}/checkinrequired`.
    GetCheckInRequiredFields
);
pure_build!(GetCheckInRequiredFields);

send::get_one!(GetCheckInRequiredFields => CheckInRequiredFields, json);

/// The providers handler (`practice.providers()`).
#[derive(Debug, Clone)]
pub struct Providers {
    practice: Practice,
}

impl Providers {
    pub(crate) fn new(practice: Practice) -> Self {
        Providers { practice }
    }
    /// `GET /v1/{practiceid}/providers`.
    pub fn list(&self) -> ListProviders {
        ListProviders::new(
            self.practice.client(),
            self.practice
                .request(Method::GET, "/v1/{practiceid}/providers"),
        )
    }
    /// `GET /v1/{practiceid}/providers/{providerid}` (a one-element array).
    pub fn get(&self, provider: ProviderId) -> GetProvider {
        GetProvider::new(
            self.practice.client(),
            self.practice
                .request(Method::GET, "/v1/{practiceid}/providers/{providerid}")
                .path_param("providerid", provider),
        )
    }
}

builder!(
    /// `GET /v1/{practiceid}/providers`. See [`Providers::list`].
    ListProviders
);
pure_build!(ListProviders);

impl ListProviders {
    param!(/// Include all provider ids.
        query showallproviderids(bool) => "showallproviderids");
    param!(/// Page size.
        query limit(u32) => "limit");
}

send::list!(ListProviders => Provider, "providers");

builder!(
    /// `GET /v1/{practiceid}/providers/{providerid}`. See [`Providers::get`].
    GetProvider
);
pure_build!(GetProvider);

send::get_one!(GetProvider => Provider);

builder!(
    /// `GET /v1/{practiceid}/practiceinfo`: the practice's information (item key
    /// `practiceinfo`; athena lists the practice's own entry). See
    /// [`PracticeExt::practice_info`](crate::PracticeExt::practice_info).
    ListPracticeInfo
);
pure_build!(ListPracticeInfo);
send::list!(ListPracticeInfo => PracticeInfo, "practiceinfo");

impl ListPracticeInfo {
    pub(crate) fn for_practice(practice: &Practice) -> Self {
        Self::new(
            practice.client(),
            practice.request(Method::GET, "/v1/{practiceid}/practiceinfo"),
        )
    }
}

builder!(
    /// `GET /v1/{practiceid}/ping` → `{"Pong":"true"}`: a health check. See
    /// [`PracticeExt::ping`](crate::PracticeExt::ping).
    Ping
);
pure_build!(Ping);

impl Ping {
    pub(crate) fn for_practice(practice: &Practice) -> Self {
        Self::new(
            practice.client(),
            practice.request(Method::GET, "/v1/{practiceid}/ping"),
        )
    }
    /// Sends; `true` when athena answered `Pong`.
    pub async fn send(self) -> Result<bool> {
        let req = self.build()?;
        let pong: Pong = send::json(&self.client, &req).await?;
        Ok(pong.pong.unwrap_or(false))
    }
}
