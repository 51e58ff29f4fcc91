//! Practice configuration: departments, providers, practice info, ping.

use athena_core::ids::{DepartmentId, ProviderId};
use athena_core::{Page, Practice, Result};
use futures::Stream;
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
    /// `GET /departments`.
    pub fn list(&self) -> ListDepartments {
        ListDepartments::new(
            self.practice.client(),
            self.practice
                .request(Method::GET, "/v1/{practiceid}/departments"),
        )
    }
    /// `GET /departments/{departmentid}` (a one-element array).
    pub fn get(&self, department: DepartmentId) -> GetDepartment {
        GetDepartment::new(
            self.practice.client(),
            self.practice
                .request(Method::GET, "/v1/{practiceid}/departments/{departmentid}")
                .path_param("departmentid", department),
        )
    }
    /// `GET /departments/{departmentid}/checkinrequired`.
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
    /// `GET /departments`. See [`Departments::list`].
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

    /// One page.
    pub async fn send(self) -> Result<Page<DepartmentInfo>> {
        send::page(&self.client, &self.req, "departments").await
    }
    /// Page after page, lazily (each with `totalcount` and the envelope's extra keys).
    pub fn pages(self) -> impl Stream<Item = Result<Page<DepartmentInfo>>> + Send + 'static {
        send::pages(&self.client, self.req, "departments")
    }
    /// Every department, lazily.
    pub fn stream(self) -> impl Stream<Item = Result<DepartmentInfo>> + Send + 'static {
        send::stream(&self.client, self.req, "departments")
    }
}

builder!(
    /// `GET /departments/{departmentid}`. See [`Departments::get`].
    GetDepartment
);
pure_build!(GetDepartment);

impl GetDepartment {
    /// Sends.
    pub async fn send(self) -> Result<DepartmentInfo> {
        send::one(&self.client, &self.req).await
    }
    /// Sends; a 404 is `Ok(None)`.
    pub async fn send_opt(self) -> Result<Option<DepartmentInfo>> {
        send::opt(self.send().await)
    }
}

builder!(
    /// `GET /departments/{departmentid}/checkinrequired`.
    GetCheckInRequiredFields
);
pure_build!(GetCheckInRequiredFields);

impl GetCheckInRequiredFields {
    /// Sends.
    pub async fn send(self) -> Result<CheckInRequiredFields> {
        send::json(&self.client, &self.req).await
    }
}

/// The providers handler (`practice.providers()`).
#[derive(Debug, Clone)]
pub struct Providers {
    practice: Practice,
}

impl Providers {
    pub(crate) fn new(practice: Practice) -> Self {
        Providers { practice }
    }
    /// `GET /providers`.
    pub fn list(&self) -> ListProviders {
        ListProviders::new(
            self.practice.client(),
            self.practice
                .request(Method::GET, "/v1/{practiceid}/providers"),
        )
    }
    /// `GET /providers/{providerid}` (a one-element array).
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
    /// `GET /providers`. See [`Providers::list`].
    ListProviders
);
pure_build!(ListProviders);

impl ListProviders {
    param!(/// Include all provider ids.
        query showallproviderids(bool) => "showallproviderids");
    param!(/// Page size.
        query limit(u32) => "limit");

    /// One page.
    pub async fn send(self) -> Result<Page<Provider>> {
        send::page(&self.client, &self.req, "providers").await
    }
    /// Page after page, lazily (each with `totalcount` and the envelope's extra keys).
    pub fn pages(self) -> impl Stream<Item = Result<Page<Provider>>> + Send + 'static {
        send::pages(&self.client, self.req, "providers")
    }
    /// Every provider, lazily.
    pub fn stream(self) -> impl Stream<Item = Result<Provider>> + Send + 'static {
        send::stream(&self.client, self.req, "providers")
    }
}

builder!(
    /// `GET /providers/{providerid}`. See [`Providers::get`].
    GetProvider
);
pure_build!(GetProvider);

impl GetProvider {
    /// Sends.
    pub async fn send(self) -> Result<Provider> {
        send::one(&self.client, &self.req).await
    }
    /// Sends; a 404 is `Ok(None)`.
    pub async fn send_opt(self) -> Result<Option<Provider>> {
        send::opt(self.send().await)
    }
}

builder!(
    /// `GET /practiceinfo` (item key `practiceinfo`).
    GetPracticeInfo
);
pure_build!(GetPracticeInfo);

impl GetPracticeInfo {
    pub(crate) fn for_practice(practice: &Practice) -> Self {
        Self::new(
            practice.client(),
            practice.request(Method::GET, "/v1/{practiceid}/practiceinfo"),
        )
    }
    /// Sends; the practice's own entry (athena lists one).
    pub async fn send(self) -> Result<Vec<PracticeInfo>> {
        let page: Page<PracticeInfo> = send::page(&self.client, &self.req, "practiceinfo").await?;
        Ok(page.into_items())
    }
}

builder!(
    /// `GET /ping` → `{"Pong":"true"}`.
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
        let pong: Pong = send::json(&self.client, &self.req).await?;
        Ok(pong.pong.unwrap_or(false))
    }
}
