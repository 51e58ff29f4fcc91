//! Starting an export: `$export` kick-offs on a Group or on `Patient`, answered by a polling URL.

use reqwest::Method;

use athena_core::retry::RetrySafety;

use super::job::ExportJob;
use super::options::ExportOptions;
use crate::FhirClient;
use crate::client::{prefer_respond_async, route};
use crate::error::{FhirError, Repr, Result};

impl FhirClient {
    /// Kicks off `[base]/Group/a-1.c-{practice}/$export` (the practice's own bulk group).
    pub async fn export_group(&self, options: &ExportOptions) -> Result<ExportJob> {
        let group = self.practice().to_fhir_bulk_group().to_string();
        self.export_group_id(&group, options).await
    }

    /// Kicks off `[base]/Group/{group_id}/$export` for any Group. The id must be a FHIR id
    /// (`[A-Za-z0-9\-\.]{1,64}`), so nothing else can be smuggled into the path.
    pub async fn export_group_id(
        &self,
        group_id: &str,
        options: &ExportOptions,
    ) -> Result<ExportJob> {
        if !crate::search::is_fhir_id(group_id) {
            return Err(FhirError::from(Repr::Export(
                "a Group id must be 1-64 of A-Z a-z 0-9 - .".into(),
            )));
        }
        self.kick_off(&format!("Group/{group_id}/$export"), options)
            .await
    }

    /// Kicks off `[base]/Patient/$export` (every patient the client may see).
    pub async fn export_patients(&self, options: &ExportOptions) -> Result<ExportJob> {
        self.kick_off("Patient/$export", options).await
    }

    /// Kicks off an export at `path` (`Patient/$export`, `$export`, `Group/{id}/$export`).
    ///
    /// A kick-off starts a job on the server, so it is never resent once its bytes may have
    /// reached the server (a 500, a timeout or a dropped connection ends in an error; check
    /// for a running export before kicking off again). A connect failure (nothing sent) is
    /// retried, and so is a `429`: a rate-limit rejection means the request was not
    /// processed, and the core transport honours its `Retry-After`. With
    /// [`ExportOptions::uses_post`] the kick-off is a `POST` with a `Parameters` body.
    pub async fn kick_off(&self, path: &str, options: &ExportOptions) -> Result<ExportJob> {
        let (name, value) = prefer_respond_async();
        let request = if options.uses_post() {
            let url = self.url(path, &[])?;
            let body = serde_json::to_vec(&options.to_parameters()).map_err(FhirError::encode)?;
            self.request(Method::POST, route::EXPORT, url)
                .json_body(body)
                .header(
                    reqwest::header::CONTENT_TYPE,
                    reqwest::header::HeaderValue::from_static(crate::client::FHIR_JSON),
                )
        } else {
            let url = self.url(path, &options.query())?;
            self.request(Method::GET, route::EXPORT, url)
        }
        .header(name, value)
        .retry_safety(RetrySafety::NotIdempotent);
        let resp = self.send(&request).await?;
        if resp.status() != 202 {
            return Err(FhirError::from(Repr::Export(format!(
                "kick-off answered {} instead of 202",
                resp.status()
            ))));
        }
        let location = resp
            .headers()
            .get("content-location")
            .and_then(|v| v.to_str().ok())
            .ok_or_else(|| {
                FhirError::from(Repr::Export("kick-off without Content-Location".into()))
            })?;
        let status_url = self.resolve_link(location)?;
        Ok(ExportJob {
            client: self.clone(),
            status_url,
        })
    }
}
