//! The completion manifest: [`Manifest`] (both `error` and `outcome`, paged manifests) and
//! its [`OutputFile`]s.

use reqwest::Method;
use serde::{Deserialize, Serialize};

use crate::FhirClient;
use crate::client::route;
use crate::error::{FhirError, Result};

/// The completion manifest.
#[derive(Clone, Debug, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Manifest {
    /// Server time the export reflects.
    pub transaction_time: String,
    /// The kick-off URL (required by Bulk Data 1.0–3.0; absent from the post-3.0 examples,
    /// decoded as empty and omitted again when encoding).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub request: String,
    /// Whether file downloads need the bearer token.
    pub requires_access_token: bool,
    /// Output files.
    #[serde(default)]
    pub output: Vec<OutputFile>,
    /// Files of deleted resources (transaction Bundles).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub deleted: Vec<OutputFile>,
    /// `OperationOutcome` NDJSON files (IG 1.0–3.0 name).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<Vec<OutputFile>>,
    /// `OperationOutcome` NDJSON files (post-3.0 name).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outcome: Option<Vec<OutputFile>>,
    /// Everything else (`manifestType`, `outputOrganizedBy`, `link`, `extension`, …), kept.
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

impl Manifest {
    /// The URL of the next page of a paged manifest (`link: [{relation: "next", url}]`,
    /// Bulk Data 2.0 with `allowPartialManifests`), if any.
    pub fn next_link(&self) -> Option<&str> {
        self.extra
            .get("link")?
            .as_array()?
            .iter()
            .find(|l| l.get("relation").and_then(|r| r.as_str()) == Some("next"))?
            .get("url")?
            .as_str()
    }

    /// Appends the files of a later page (`output`, `deleted`, `error`, `outcome`) and takes
    /// its `link` (so [`next_link`](Self::next_link) names the page after it, or nothing).
    pub fn append_page(&mut self, page: Manifest) {
        self.output.extend(page.output);
        self.deleted.extend(page.deleted);
        if let Some(e) = page.error {
            self.error.get_or_insert_with(Vec::new).extend(e);
        }
        if let Some(o) = page.outcome {
            self.outcome.get_or_insert_with(Vec::new).extend(o);
        }
        match page.extra.get("link") {
            Some(link) => {
                self.extra.insert("link".to_owned(), link.clone());
            }
            None => {
                self.extra.remove("link");
            }
        }
    }

    /// Outcome files under either name.
    pub fn outcome_files(&self) -> impl Iterator<Item = &OutputFile> {
        self.error
            .iter()
            .flatten()
            .chain(self.outcome.iter().flatten())
    }
}

/// One file of a manifest.
#[derive(Clone, Debug, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct OutputFile {
    /// Resource type in the file (empty when the server left it out: `deleted` and
    /// `outcome` entries, output organized by patient).
    #[serde(rename = "type", default, skip_serializing_if = "String::is_empty")]
    pub resource_type: String,
    /// Absolute URL.
    pub url: String,
    /// Resources in the file, if given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub count: Option<u64>,
    /// Other members (`continuesInFile`, `extension`, …), kept.
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

impl FhirClient {
    /// Fetches one page of a paged manifest (the `link` with `relation: next` of a complete
    /// manifest). [`ExportJob::wait`](super::ExportJob::wait) follows these links itself.
    pub async fn manifest_page(&self, url: &str) -> Result<Manifest> {
        let url = self.resolve_link(url)?;
        let request = self.request(Method::GET, route::EXPORT_MANIFEST, url);
        let resp = self.send(&request).await?;
        self.decode(resp.body()).map_err(FhirError::decode)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn manifest_accepts_error_and_outcome() {
        let v1 = r#"{"transactionTime":"t","request":"r","requiresAccessToken":true,"output":[],"error":[{"type":"OperationOutcome","url":"https://x/e.ndjson"}]}"#;
        let v4 = r#"{"transactionTime":"t","request":"r","requiresAccessToken":false,"output":[],"outcome":[{"type":"OperationOutcome","url":"https://x/o.ndjson"}],"manifestType":"m"}"#;
        let a: Manifest = serde_json::from_str(v1).expect("v1");
        let b: Manifest = serde_json::from_str(v4).expect("v4");
        assert_eq!(a.outcome_files().count(), 1);
        assert_eq!(
            b.outcome_files().next().map(|f| f.url.as_str()),
            Some("https://x/o.ndjson")
        );
        assert_eq!(
            b.extra.get("manifestType").and_then(|v| v.as_str()),
            Some("m")
        );
    }
}
