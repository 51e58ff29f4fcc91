//! Bulk Data `$export` (FHIR Bulk Data Access IG 1.0–3.0 and the post-3.0 `outcome` rename).
//!
//! 1. [`FhirClient::export_group`] kicks off `Group/a-1.c-{practice}/$export` with
//!    `Prefer: respond-async` and gets the polling URL from `Content-Location`
//!    ([`FhirClient::export_group_id`] any Group, [`FhirClient::export_patients`]
//!    `Patient/$export`; [`ExportOptions`] carries every kick-off parameter, as a query or a
//!    `POST`ed `Parameters`). A kick-off starts a job, so it is never resent once it may
//!    have reached the server (only a 429, the over-QPS 403 and a connect failure are
//!    retried).
//! 2. [`ExportJob::wait`] polls, honouring `Retry-After` (on a 202 "in progress" and on a
//!    429/503 alike; never sooner than the server asked), surfacing `X-Progress`, and treating a
//!    transient failure (429, 5xx, a transient `OperationOutcome`, a dropped connection) as
//!    "keep polling". [`ExportJob::cancel`] sends `DELETE`. Kick-off, polls and cancel go
//!    through the core transport (limiter, token cache, retries, spans named
//!    `/fhir/r4/{export-status}`, never the URL); waits use the core client's
//!    [`Runtime`](athena_core::runtime::Runtime), so tests with a manual clock run instantly.
//!    `wait` keeps [`PollPolicy::deadline`] whatever `Retry-After` says.
//! 3. [`Manifest`] accepts both `error` and `outcome`; `wait` follows a paged manifest's
//!    `next` links and returns every page's files in one manifest.
//! 4. [`FhirClient::download`] streams one NDJSON file as typed resources with flat memory
//!    (line by line; gzip accepted whether as `Content-Encoding` or as a gzip body). The
//!    bearer token is sent **only** when `requiresAccessToken` is true and **only** to the
//!    FHIR server's origin; a file elsewhere with `requiresAccessToken: true` is refused.
//!    Failures before or during the body are retried with the core retry policy and an idle
//!    timeout ([`DownloadPolicy`]); a retry skips the lines already handed out, so every
//!    resource is yielded exactly once.
//! 5. [`ResumeState`] records finished files so that a restarted download skips them and
//!    restarts the unfinished one.

use std::collections::BTreeSet;
use std::io::Write as _;
use std::path::Path;
use std::time::Duration;

use futures::{Stream, StreamExt};
use reqwest::Method;
use secrecy::ExposeSecret;
use serde::{Deserialize, Serialize};
use url::Url;

use athena_core::ErrorKind;
use athena_core::retry::{
    AttemptOutcome, Decision, RetryBudget, RetryPolicy, RetryReason, RetrySafety, classify,
};

use crate::FhirClient;
use crate::client::{prefer_respond_async, route};
use crate::error::{FhirError, Repr, Result};
use crate::r4::Resource;

/// Kick-off parameters (Bulk Data Access 2.0.0 §"Query Parameters").
///
/// Every field maps to one kick-off parameter. A `GET` kick-off sends them in the query
/// string; a `POST` kick-off (set [`post`](Self::post), or forced by a non-empty
/// [`patients`](Self::patients), which the specification allows only with `POST`) sends them
/// as a FHIR `Parameters` resource with `Prefer: respond-async`.
///
/// ```
/// use athena_fhir::bulk::ExportOptions;
/// use athena_fhir::FhirPatientId;
/// let options = ExportOptions::default()
///     .types(["Patient", "Observation"])
///     .since("2024-01-01T00:00:00Z")
///     .elements(["Observation.code"])
///     .patient(FhirPatientId::new("a-195900.E-1")?)
///     .include_associated_data("LatestProvenanceResources");
/// assert!(options.uses_post());
/// # Ok::<(), athena_fhir::FhirError>(())
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ExportOptions {
    /// `_type`: resource types to export (all the server offers when empty).
    pub types: Vec<String>,
    /// `_since`: only resources changed after this instant (FHIR `instant` text).
    pub since: Option<String>,
    /// `_typeFilter` values (one parameter each).
    pub type_filters: Vec<String>,
    /// `_outputFormat` (`application/fhir+ndjson`, the default, when `None`).
    pub output_format: Option<String>,
    /// `_elements`: the elements to include (`Patient.name` or `name`); mandatory elements
    /// are always sent by the server.
    pub elements: Vec<String>,
    /// `patient`: restrict a `Patient/$export` or `Group/{id}/$export` to these patients.
    /// Only allowed in a `POST` kick-off: a non-empty list makes the kick-off a `POST`.
    pub patients: Vec<crate::FhirPatientId>,
    /// `includeAssociatedData` values (e.g. `LatestProvenanceResources`,
    /// `RelevantProvenanceResources`).
    pub include_associated_data: Vec<String>,
    /// Send the kick-off as `POST` with a `Parameters` body instead of `GET`.
    pub post: bool,
}

impl ExportOptions {
    /// Sets `_type`.
    pub fn types<I: IntoIterator<Item = S>, S: Into<String>>(mut self, types: I) -> Self {
        self.types = types.into_iter().map(Into::into).collect();
        self
    }

    /// Sets `_since` (FHIR `instant` text).
    pub fn since(mut self, instant: impl Into<String>) -> Self {
        self.since = Some(instant.into());
        self
    }

    /// Adds a `_typeFilter`.
    pub fn type_filter(mut self, filter: impl Into<String>) -> Self {
        self.type_filters.push(filter.into());
        self
    }

    /// Sets `_outputFormat`.
    pub fn output_format(mut self, format: impl Into<String>) -> Self {
        self.output_format = Some(format.into());
        self
    }

    /// Sets `_elements`.
    pub fn elements<I: IntoIterator<Item = S>, S: Into<String>>(mut self, elements: I) -> Self {
        self.elements = elements.into_iter().map(Into::into).collect();
        self
    }

    /// Adds a `patient` (makes the kick-off a `POST`).
    pub fn patient(mut self, patient: crate::FhirPatientId) -> Self {
        self.patients.push(patient);
        self
    }

    /// Adds an `includeAssociatedData` value.
    pub fn include_associated_data(mut self, value: impl Into<String>) -> Self {
        self.include_associated_data.push(value.into());
        self
    }

    /// Kicks off with `POST` and a `Parameters` body.
    pub fn post(mut self) -> Self {
        self.post = true;
        self
    }

    /// True when the kick-off is a `POST` ([`post`](Self::post) set, or patients given).
    pub fn uses_post(&self) -> bool {
        self.post || !self.patients.is_empty()
    }

    /// The parameters as query pairs, for a `GET` kick-off (`patient` is not among them).
    fn query(&self) -> Vec<(String, String)> {
        let mut q = Vec::new();
        if let Some(f) = &self.output_format {
            q.push(("_outputFormat".to_owned(), f.clone()));
        }
        if let Some(s) = &self.since {
            q.push(("_since".to_owned(), s.clone()));
        }
        if !self.types.is_empty() {
            q.push(("_type".to_owned(), self.types.join(",")));
        }
        if !self.elements.is_empty() {
            q.push(("_elements".to_owned(), self.elements.join(",")));
        }
        for v in &self.include_associated_data {
            q.push(("includeAssociatedData".to_owned(), v.clone()));
        }
        for f in &self.type_filters {
            q.push(("_typeFilter".to_owned(), f.clone()));
        }
        q
    }

    /// The `Parameters` resource of a `POST` kick-off.
    pub fn to_parameters(&self) -> serde_json::Value {
        use serde_json::json;
        let mut p = Vec::new();
        if let Some(f) = &self.output_format {
            p.push(json!({"name": "_outputFormat", "valueString": f}));
        }
        if let Some(s) = &self.since {
            p.push(json!({"name": "_since", "valueInstant": s}));
        }
        for t in &self.types {
            p.push(json!({"name": "_type", "valueString": t}));
        }
        if !self.elements.is_empty() {
            p.push(json!({"name": "_elements", "valueString": self.elements.join(",")}));
        }
        for patient in &self.patients {
            p.push(
                json!({"name": "patient", "valueReference": {"reference": patient.to_reference()}}),
            );
        }
        for v in &self.include_associated_data {
            p.push(json!({"name": "includeAssociatedData", "valueString": v}));
        }
        for f in &self.type_filters {
            p.push(json!({"name": "_typeFilter", "valueString": f}));
        }
        json!({"resourceType": "Parameters", "parameter": p})
    }
}

/// A running export: its polling (status) URL.
#[derive(Clone, Debug)]
pub struct ExportJob {
    client: FhirClient,
    status_url: Url,
}

/// What one poll found.
#[derive(Clone, Debug, PartialEq)]
pub enum ExportStatus {
    /// Still running.
    InProgress {
        /// `X-Progress`, if sent.
        progress: Option<String>,
        /// `Retry-After`, if sent.
        retry_after: Option<Duration>,
    },
    /// Finished.
    Complete(Box<Manifest>),
}

/// How [`ExportJob::wait`] paces its polls.
#[derive(Clone, Debug)]
pub struct PollPolicy {
    /// Shortest wait between polls, whatever `Retry-After` says.
    pub floor: Duration,
    /// Longest wait between polls of our own back-off (a server's `Retry-After` is honoured
    /// even when longer, within `deadline`).
    pub ceiling: Duration,
    /// Wait when the server sends no `Retry-After` (doubled each time up to `ceiling`).
    pub initial: Duration,
    /// Give up after this long.
    pub deadline: Duration,
}

impl Default for PollPolicy {
    fn default() -> Self {
        Self {
            floor: Duration::from_secs(2),
            ceiling: Duration::from_secs(120),
            initial: Duration::from_secs(5),
            deadline: Duration::from_secs(6 * 3600),
        }
    }
}

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
            return Err(Repr::Export("a Group id must be 1-64 of A-Z a-z 0-9 - .".into()).into());
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
            return Err(Repr::Export(format!(
                "kick-off answered {} instead of 202",
                resp.status()
            ))
            .into());
        }
        let location = resp
            .headers()
            .get("content-location")
            .and_then(|v| v.to_str().ok())
            .ok_or_else(|| Repr::Export("kick-off without Content-Location".into()))?;
        let status_url = self.resolve_link(location)?;
        Ok(ExportJob {
            client: self.clone(),
            status_url,
        })
    }

    /// Fetches one page of a paged manifest (the `link` with `relation: next` of a complete
    /// manifest). [`ExportJob::wait`] follows these links itself.
    pub async fn manifest_page(&self, url: &str) -> Result<Manifest> {
        let url = self.resolve_link(url)?;
        let request = self.request(Method::GET, route::EXPORT_MANIFEST, url);
        let resp = self.send(&request).await?;
        self.decode(resp.body()).map_err(FhirError::decode)
    }

    /// Streams the resources of one manifest file, line by line (flat memory), retrying as
    /// [`DownloadPolicy::default`] says. The token is attached only when
    /// `manifest.requires_access_token` is true, and then only to the FHIR server's origin.
    ///
    /// A retryable failure before or during the body (429 or 503 with `Retry-After`
    /// honoured, 5xx, the non-JSON over-QPS 403, a connect failure, a dropped or truncated
    /// connection, no bytes for the idle timeout) re-requests the file and skips the lines
    /// already handed out: every resource is yielded exactly once, and the partial last line
    /// of a broken attempt is discarded, never yielded. See [`DownloadPolicy`].
    pub fn download(
        &self,
        manifest: &Manifest,
        file: &OutputFile,
    ) -> impl Stream<Item = Result<Resource>> + Send + 'static {
        self.download_with(manifest, file, &DownloadPolicy::default())
    }

    /// [`FhirClient::download`] with an explicit retry and timeout policy.
    pub fn download_with(
        &self,
        manifest: &Manifest,
        file: &OutputFile,
        policy: &DownloadPolicy,
    ) -> impl Stream<Item = Result<Resource>> + Send + 'static + use<> {
        let idle = policy
            .idle_timeout
            .unwrap_or_else(|| self.core().timeouts().attempt);
        let download = Download {
            client: self.clone(),
            url: file.url.clone(),
            requires_token: manifest.requires_access_token,
            retry: policy.retry,
            idle,
            body: None,
            lines: Lines::default(),
            handed_out: 0,
            attempts: 0,
            retries: 0,
            refreshed: false,
            validator: None,
            done: false,
        };
        futures::stream::unfold(download, |mut d| async move {
            let item = d.next().await?;
            Some((item, d))
        })
    }
}

/// The most manifest pages [`ExportJob::wait`] follows.
pub const MAX_MANIFEST_PAGES: usize = 100_000;

/// Parses a `Retry-After` the server sent at `now`, never panicking: delay-seconds of any
/// size (a count too large for any integer, `1e300`) saturate to [`Duration::MAX`] (the
/// callers compare it with what remains of their deadline); `NaN`, `inf`, negatives and
/// other text are ignored (`None`); HTTP dates go to the core parser.
pub(crate) fn server_wait(value: &str, now: std::time::SystemTime) -> Option<Duration> {
    let v = value.trim();
    if v.is_empty() {
        return None;
    }
    if v.bytes().all(|b| b.is_ascii_digit()) {
        return Some(v.parse::<u64>().map_or(Duration::MAX, Duration::from_secs));
    }
    if v.bytes()
        .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'e' | b'E' | b'+'))
    {
        // Only digits, `.`, `e` and `+` get here: an infinity is a numeral too large for f64.
        let secs = v.parse::<f64>().ok().filter(|s| *s >= 0.0)?;
        return Some(Duration::try_from_secs_f64(secs).unwrap_or(Duration::MAX));
    }
    if v.bytes().any(|b| b.is_ascii_alphabetic()) && v.contains(':') {
        return athena_core::retry::retry_after::parse_retry_after(v, now);
    }
    None
}

/// The route template download errors name (file URLs may carry ids; they are never shown).
const BULK_FILE_ROUTE: &str = "/fhir/r4/{bulk-file}";

/// The most of an error answer's body read to decode it (an `OperationOutcome`).
const ERROR_BODY_LIMIT: usize = 64 * 1024;

/// How [`FhirClient::download_with`] retries one file.
///
/// Downloads are idempotent `GET`s of static files, so every retryable failure is retried,
/// before the body and during it: the file is requested again and the lines already handed
/// out are skipped (counted, not re-decoded), so no resource is yielded twice or lost. What
/// is retried is what the core transport retries for a `GET` ([`athena_core::retry::classify`]:
/// 408, 429, 500, 502, 503, 504, 529, a 403 whose body is not JSON, connect failures, timeouts
/// and lost connections); a 401 refreshes the token once and replays once; anything else
/// (404, 410, other 4xx) ends the stream at once with a [`crate::FhirErrorKind::Server`] error.
///
/// Waits are [`RetryPolicy::delay`] (full jitter, at least the server's `Retry-After`, given
/// up when that exceeds the policy's limit) on the core client's
/// [`Runtime`](athena_core::runtime::Runtime). `retry.max_attempts()` bounds the attempts
/// *without progress*: an attempt that handed out at least one new resource before failing
/// starts a fresh count, so a long file survives several drops but a file that keeps failing
/// at the same place does not loop. A retry is not made when the client's retry budget is
/// empty (downloads read it but, outside the core transport, do not spend it).
#[derive(Clone, Debug, Default, PartialEq)]
#[non_exhaustive]
pub struct DownloadPolicy {
    /// Attempts and back-off (default [`RetryPolicy::default`]: 3 attempts, full jitter from
    /// 500 ms capped at 20 s, `Retry-After` honoured up to 60 s).
    pub retry: RetryPolicy,
    /// The longest wait for the response head and then for each piece of the body; a stalled
    /// attempt is abandoned and retried. `None` (the default) uses the core client's attempt
    /// timeout ([`athena_core::Timeouts::attempt`], 30 s by default). There is no limit on a
    /// whole attempt: a large file may take as long as it keeps flowing.
    pub idle_timeout: Option<Duration>,
}

impl DownloadPolicy {
    /// The default policy with these retries.
    pub fn with_retry(mut self, retry: RetryPolicy) -> Self {
        self.retry = retry;
        self
    }

    /// The default policy with this idle timeout.
    pub fn with_idle_timeout(mut self, idle: Duration) -> Self {
        self.idle_timeout = Some(idle);
        self
    }
}

/// One file download in progress: the current attempt's body and how far the consumer got.
struct Download {
    client: FhirClient,
    url: String,
    requires_token: bool,
    retry: RetryPolicy,
    idle: Duration,
    /// The body of the current attempt (`None`: the next step opens one).
    body: Option<reqwest::Response>,
    lines: Lines,
    /// The file line of the last item handed out (0: none yet). A new attempt skips up to it.
    handed_out: u64,
    /// Attempts since the last one that made progress.
    attempts: u32,
    /// Retries since the last progress (the back-off exponent).
    retries: u32,
    refreshed: bool,
    /// `ETag` / `Last-Modified` of the first answer: a retry must fetch the same file.
    validator: Option<(Option<String>, Option<String>)>,
    done: bool,
}

/// Why an attempt failed, with what the final error would be if it is not retried.
struct Failed {
    outcome: AttemptOutcome,
    retry_after: Option<Duration>,
    error: FhirError,
}

impl Download {
    async fn next(&mut self) -> Option<Result<Resource>> {
        loop {
            if self.done {
                return None;
            }
            if self.body.is_none() {
                if let Err(e) = self.open().await {
                    self.done = true;
                    return Some(Err(e));
                }
                continue;
            }
            if let Some((n, line)) = self.lines.next_line() {
                if n <= self.handed_out {
                    // `Lines` skips what earlier attempts handed out; never yield it twice.
                    continue;
                }
                // A new line: progress, so the next failure starts a fresh count.
                self.handed_out = n;
                self.attempts = 1;
                self.retries = 0;
                return Some(
                    self.client
                        .decode::<Resource>(&line)
                        .map_err(|e| FhirError::decode_line(n, e)),
                );
            }
            if self.lines.ended {
                self.done = true;
                if self.lines.line < self.handed_out {
                    return Some(Err(Repr::Export(format!(
                        "the file ended at line {} on a retried download, but line {} had \
                         already been read: it changed between attempts",
                        self.lines.line, self.handed_out
                    ))
                    .into()));
                }
                return None;
            }
            let Some(body) = self.body.as_mut() else {
                continue;
            };
            let failure = match tokio::time::timeout(self.idle, body.chunk()).await {
                Ok(Ok(Some(chunk))) => {
                    if let Err(e) = self.lines.push(&chunk) {
                        self.done = true;
                        return Some(Err(e));
                    }
                    continue;
                }
                Ok(Ok(None)) => {
                    if let Err(e) = self.lines.finish() {
                        self.done = true;
                        return Some(Err(e));
                    }
                    continue;
                }
                Ok(Err(e)) => transport_failure(e, self.attempts),
                Err(_) => idle_failure(self.idle, self.attempts),
            };
            // The body broke: discard this attempt (and its partial last line) and retry.
            self.body = None;
            if let Err(e) = self.retry_or_fail(failure).await {
                self.done = true;
                return Some(Err(e));
            }
        }
    }

    /// Requests the file until a 2xx head arrives (then `self.body` is set) or an attempt
    /// fails for good.
    async fn open(&mut self) -> Result<()> {
        let url = Url::parse(&self.url).map_err(|e| {
            FhirError::from(Repr::Url("a manifest file URL is not valid".into())).with_source(e)
        })?;
        if self.requires_token && !self.client.is_same_origin(&url) {
            return Err(Repr::ForeignOrigin(url.origin().ascii_serialization()).into());
        }
        loop {
            let token = if self.requires_token {
                self.client
                    .core()
                    .access_token()
                    .await
                    .map_err(FhirError::from_core)?
            } else {
                None
            };
            let mut req = self
                .client
                .http()
                .get(url.clone())
                .header("Accept", "application/fhir+ndjson");
            if let Some(t) = &token {
                req = req.bearer_auth(t.secret().expose_secret());
            }
            self.attempts += 1;
            let failure = match tokio::time::timeout(self.idle, req.send()).await {
                Err(_) => idle_failure(self.idle, self.attempts),
                Ok(Err(e)) => transport_failure(e, self.attempts),
                Ok(Ok(resp)) if resp.status().is_success() => {
                    self.check_same_file(resp.headers())?;
                    self.lines = Lines {
                        skip: self.handed_out,
                        ..Lines::default()
                    };
                    self.body = Some(resp);
                    return Ok(());
                }
                Ok(Ok(resp)) => {
                    let status = resp.status().as_u16();
                    let now = self.client.core().runtime().clock.system_now();
                    let retry_after = resp
                        .headers()
                        .get(reqwest::header::RETRY_AFTER)
                        .and_then(|v| v.to_str().ok())
                        .and_then(|v| server_wait(v, now));
                    let json_type = resp
                        .headers()
                        .get(reqwest::header::CONTENT_TYPE)
                        .and_then(|v| v.to_str().ok())
                        .is_some_and(|v| v.to_ascii_lowercase().contains("json"));
                    let body = error_body(resp, self.idle).await;
                    let json_body = status != 403
                        || json_type
                        || serde_json::from_slice::<serde::de::IgnoredAny>(&body).is_ok();
                    if status == 401
                        && let Some(t) = &token
                        && !self.refreshed
                    {
                        // One replay with a fresh token, not counted as a retry.
                        self.client.core().reject_access_token(t).await;
                        self.refreshed = true;
                        self.attempts -= 1;
                        continue;
                    }
                    Failed {
                        outcome: AttemptOutcome::Response { status, json_body },
                        retry_after,
                        error: FhirError::from_response(status, &body),
                    }
                }
            };
            self.retry_or_fail(failure).await?;
        }
    }

    /// Waits before the next attempt when the failure is retryable and the policy, the
    /// `Retry-After` limit and the retry budget allow it; otherwise returns the final error.
    async fn retry_or_fail(&mut self, failed: Failed) -> Result<()> {
        // The 401 replay is handled where the token is known; here a 401 is final.
        let reason = match classify(failed.outcome, RetrySafety::Idempotent, false, true) {
            Decision::Retry(reason) => reason,
            _ => return Err(failed.error),
        };
        if self.attempts >= self.retry.max_attempts() {
            return Err(failed.error);
        }
        let core = self.client.core();
        let runtime = core.runtime();
        let Some(delay) = self.retry.delay(
            self.retries + 1,
            runtime.jitter.unit(),
            reason == RetryReason::RateLimited,
            failed.retry_after,
        ) else {
            // The server asked for a longer wait than the policy honours.
            return Err(failed.error);
        };
        let cost = if reason.is_timeout() {
            RetryBudget::TIMEOUT_COST
        } else {
            RetryBudget::RETRY_COST
        };
        if core.retry_budget_available() < cost {
            return Err(failed.error);
        }
        self.retries += 1;
        runtime.sleeper.sleep(delay).await;
        Ok(())
    }

    /// A retry must fetch the file the earlier attempts read: when both answers carry an
    /// `ETag` (or else a `Last-Modified`), they must agree.
    fn check_same_file(&mut self, headers: &reqwest::header::HeaderMap) -> Result<()> {
        let get = |name: reqwest::header::HeaderName| {
            headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned)
        };
        let now = (
            get(reqwest::header::ETAG),
            get(reqwest::header::LAST_MODIFIED),
        );
        match &self.validator {
            None => {
                self.validator = Some(now);
                Ok(())
            }
            Some(first) => {
                let differs = |a: &Option<String>, b: &Option<String>| matches!((a, b), (Some(a), Some(b)) if a != b);
                if self.handed_out > 0
                    && (differs(&first.0, &now.0)
                        || (first.0.is_none() && differs(&first.1, &now.1)))
                {
                    return Err(Repr::Export(
                        "the file changed between download attempts (ETag or Last-Modified \
                         differs): resources may be missing or repeated"
                            .into(),
                    )
                    .into());
                }
                Ok(())
            }
        }
    }
}

/// A failed send or body read: connect failure, timeout or lost connection, as a typed core
/// error naming the route template (never the URL).
fn transport_failure(e: reqwest::Error, attempts: u32) -> Failed {
    let (outcome, kind, what) = if e.is_connect() {
        (
            AttemptOutcome::ConnectFailed,
            ErrorKind::Connect,
            "could not connect",
        )
    } else if e.is_timeout() {
        (AttemptOutcome::TimedOut, ErrorKind::Timeout, "timed out")
    } else {
        (
            AttemptOutcome::ConnectionLost,
            ErrorKind::Transport,
            "the connection was lost or the body was truncated",
        )
    };
    Failed {
        outcome,
        retry_after: None,
        error: FhirError::from_core(
            athena_core::Error::new(
                kind,
                format!("Bulk Data file download: {what} (attempt {attempts})"),
            )
            .with_endpoint("GET", BULK_FILE_ROUTE)
            .with_source(e.without_url()),
        ),
    }
}

/// No response head, or no body bytes, for `idle`.
fn idle_failure(idle: Duration, attempts: u32) -> Failed {
    Failed {
        outcome: AttemptOutcome::TimedOut,
        retry_after: None,
        error: FhirError::from_core(
            athena_core::Error::new(
                ErrorKind::Timeout,
                format!(
                    "Bulk Data file download: no data for {} ms (attempt {attempts})",
                    idle.as_millis()
                ),
            )
            .with_endpoint("GET", BULK_FILE_ROUTE),
        ),
    }
}

/// Up to [`ERROR_BODY_LIMIT`] bytes of an error answer (empty if it cannot be read in time).
async fn error_body(mut resp: reqwest::Response, idle: Duration) -> Vec<u8> {
    let mut body = Vec::new();
    while body.len() < ERROR_BODY_LIMIT {
        match tokio::time::timeout(idle, resp.chunk()).await {
            Ok(Ok(Some(chunk))) => body.extend_from_slice(&chunk),
            _ => break,
        }
    }
    body.truncate(ERROR_BODY_LIMIT);
    body
}

/// Decodes an NDJSON byte stream (plain or gzip) into resources, one line at a time.
pub fn ndjson<S, B, E>(bytes: S) -> impl Stream<Item = Result<Resource>> + Send + 'static
where
    S: Stream<Item = std::result::Result<B, E>> + Send + 'static,
    B: AsRef<[u8]>,
    E: std::error::Error + Send + Sync + 'static,
{
    let state = LineState {
        input: Box::pin(bytes),
        lines: Lines::default(),
        done: false,
    };
    futures::stream::unfold(state, |mut st| async move {
        loop {
            if let Some((n, line)) = st.lines.next_line() {
                let item = serde_json::from_slice::<Resource>(&line)
                    .map_err(|e| FhirError::decode_line(n, e));
                return Some((item, st));
            }
            if st.done {
                return None;
            }
            match st.input.next().await {
                Some(Ok(chunk)) => {
                    if let Err(e) = st.lines.push(chunk.as_ref()) {
                        st.done = true;
                        return Some((Err(e), st));
                    }
                }
                Some(Err(e)) => {
                    st.done = true;
                    return Some((Err(FhirError::transport(e)), st));
                }
                None => {
                    st.done = true;
                    if let Err(e) = st.lines.finish() {
                        return Some((Err(e), st));
                    }
                }
            }
        }
    })
}

impl FhirError {
    /// A failed byte stream ([`crate::FhirErrorKind::Transport`]); the cause is its source.
    pub(crate) fn transport(e: impl std::error::Error + Send + Sync + 'static) -> Self {
        FhirError::from(Repr::Transport).with_source(e)
    }
}

struct LineState<S> {
    input: std::pin::Pin<Box<S>>,
    lines: Lines,
    done: bool,
}

/// Splits bytes into lines, gunzipping first when the body starts with the gzip magic.
#[derive(Default)]
struct Lines {
    /// Undecided until the first two bytes are seen.
    mode: Option<Mode>,
    head: Vec<u8>,
    buf: Vec<u8>,
    /// Start of the unread part of `buf`.
    pos: usize,
    /// Lines consumed so far (blank ones included).
    line: u64,
    /// Lines up to this number are consumed without being returned (already handed out by an
    /// earlier attempt of the same download).
    skip: u64,
    ended: bool,
}

enum Mode {
    Plain,
    Gzip(Box<flate2::write::MultiGzDecoder<Vec<u8>>>),
}

impl Lines {
    fn push(&mut self, chunk: &[u8]) -> Result<()> {
        if self.mode.is_none() {
            self.head.extend_from_slice(chunk);
            if self.head.len() < 2 {
                return Ok(());
            }
            let gz = self.head[0] == 0x1f && self.head[1] == 0x8b;
            self.mode = Some(if gz {
                Mode::Gzip(Box::new(flate2::write::MultiGzDecoder::new(Vec::new())))
            } else {
                Mode::Plain
            });
            let head = std::mem::take(&mut self.head);
            return self.feed(&head);
        }
        self.feed(chunk)
    }

    fn feed(&mut self, chunk: &[u8]) -> Result<()> {
        self.compact();
        match self.mode.as_mut() {
            Some(Mode::Gzip(d)) => {
                d.write_all(chunk)?;
                self.buf.append(d.get_mut());
            }
            _ => self.buf.extend_from_slice(chunk),
        }
        Ok(())
    }

    fn finish(&mut self) -> Result<()> {
        if self.mode.is_none() {
            self.mode = Some(Mode::Plain);
            let head = std::mem::take(&mut self.head);
            self.buf.extend_from_slice(&head);
        }
        if let Some(Mode::Gzip(d)) = self.mode.as_mut() {
            d.try_finish()?;
            self.buf.append(d.get_mut());
        }
        self.ended = true;
        Ok(())
    }

    /// Drops consumed bytes so the buffer holds at most one partial line plus a chunk.
    fn compact(&mut self) {
        if self.pos > 0 {
            self.buf.drain(..self.pos);
            self.pos = 0;
        }
    }

    /// The next line that is not blank, with its 1-based number in the file.
    fn next_line(&mut self) -> Option<(u64, Vec<u8>)> {
        loop {
            let rest = &self.buf[self.pos..];
            let (line, consumed) = match rest.iter().position(|&b| b == b'\n') {
                Some(i) => (&rest[..i], i + 1),
                None if self.ended && !rest.is_empty() => (rest, rest.len()),
                None => return None,
            };
            if self.line < self.skip {
                self.pos += consumed;
                self.line += 1;
                continue;
            }
            let line = line.strip_suffix(b"\r").unwrap_or(line);
            // Only JSON whitespace is blank: a line of anything else is reported, not skipped.
            let blank = line.iter().all(|b| matches!(b, b' ' | b'\t' | b'\r'));
            let out = (!blank).then(|| line.to_vec());
            self.pos += consumed;
            self.line += 1;
            if let Some(l) = out {
                return Some((self.line, l));
            }
        }
    }
}

impl ExportJob {
    /// The polling URL (from `Content-Location`).
    pub fn status_url(&self) -> &Url {
        &self.status_url
    }

    /// Re-attaches to an export whose polling URL was saved (resume after a restart).
    pub fn resume(client: &FhirClient, status_url: &str) -> Result<Self> {
        Ok(Self {
            client: client.clone(),
            status_url: client.resolve_link(status_url)?,
        })
    }

    /// Polls once: `202` is [`ExportStatus::InProgress`] (with `X-Progress` and
    /// `Retry-After`), `200` the manifest. The core transport already retries a 429 (honouring
    /// `Retry-After` up to its policy's limit) and transient 5xx; what remains is an error.
    pub async fn poll(&self) -> Result<ExportStatus> {
        self.poll_detailed().await.map_err(|(e, _)| e)
    }

    /// One poll; a failure comes with the `Retry-After` the server sent with it.
    async fn poll_detailed(
        &self,
    ) -> std::result::Result<ExportStatus, (FhirError, Option<Duration>)> {
        let request =
            self.client
                .request(Method::GET, route::EXPORT_STATUS, self.status_url.clone());
        let resp = self
            .client
            .send_raw(&request)
            .await
            .map_err(|e| (e, None))?;
        let header = |name: &str| {
            resp.headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned)
        };
        let now = self.client.core().runtime().clock.system_now();
        let retry_after = header("retry-after").and_then(|v| server_wait(&v, now));
        match resp.status() {
            202 => Ok(ExportStatus::InProgress {
                progress: header("x-progress"),
                retry_after,
            }),
            200..=299 => {
                let manifest: Manifest = serde_json::from_slice(resp.body())
                    .map_err(|e| (FhirError::decode(e), None))?;
                Ok(ExportStatus::Complete(Box::new(manifest)))
            }
            status => Err((FhirError::from_response(status, resp.body()), retry_after)),
        }
    }

    /// Polls until the manifest arrives, then follows a paged manifest's `next` links and
    /// returns every page's files in one [`Manifest`]. `on_progress` sees each `X-Progress`.
    /// A transient error (429, 5xx, an `OperationOutcome` with a transient code, a lost
    /// connection) keeps polling. Waits are the server's `Retry-After` when it sent one (at
    /// least `floor`, even beyond `ceiling`), else our own back-off from `initial` doubling up
    /// to `ceiling`; they run on the core client's runtime clock and sleeper.
    ///
    /// `policy.deadline` always holds: a wait that would end past it (whatever `Retry-After`
    /// asked, `1e300` or a 30-digit number included) is not started and the call ends with
    /// [`crate::FhirErrorKind::Export`].
    pub async fn wait(
        &self,
        policy: &PollPolicy,
        mut on_progress: impl FnMut(Option<&str>),
    ) -> Result<Manifest> {
        let runtime = self.client.core().runtime().clone();
        let started = runtime.clock.now();
        let mut backoff = policy.initial.min(policy.ceiling);
        loop {
            let (retry_after, transient) = match self.poll_detailed().await {
                Ok(ExportStatus::Complete(m)) => return self.follow_pages(*m).await,
                Ok(ExportStatus::InProgress {
                    progress,
                    retry_after,
                }) => {
                    on_progress(progress.as_deref());
                    (retry_after, false)
                }
                Err((e, retry_after)) if e.is_transient() => (retry_after, true),
                Err((e, _)) => return Err(e),
            };
            let delay = match retry_after {
                Some(asked) => asked.max(policy.floor),
                None if transient => backoff.max(Duration::from_secs(1)).max(policy.floor),
                None => backoff.max(policy.floor),
            };
            backoff = backoff.saturating_mul(2).min(policy.ceiling);
            let elapsed = runtime.clock.now().saturating_duration_since(started);
            let remaining = policy.deadline.saturating_sub(elapsed);
            if delay > remaining {
                return Err(
                    Repr::Export("the export did not finish before the deadline".into()).into(),
                );
            }
            runtime.sleeper.sleep(delay).await;
        }
    }

    /// Follows `next` links from `first`, appending each page (at most [`MAX_MANIFEST_PAGES`];
    /// a link seen twice is an error, never a loop).
    async fn follow_pages(&self, mut manifest: Manifest) -> Result<Manifest> {
        let mut seen = BTreeSet::new();
        let mut pages = 1usize;
        while let Some(next) = manifest.next_link().map(str::to_owned) {
            if !seen.insert(next.clone()) || pages >= MAX_MANIFEST_PAGES {
                return Err(Repr::Export(
                    "the paged manifest's next links loop or never end".into(),
                )
                .into());
            }
            let page = self.client.manifest_page(&next).await?;
            manifest.append_page(page);
            pages += 1;
        }
        Ok(manifest)
    }

    /// Cancels the export (`DELETE` on the polling URL).
    pub async fn cancel(&self) -> Result<()> {
        let request = self.client.request(
            Method::DELETE,
            route::EXPORT_STATUS,
            self.status_url.clone(),
        );
        self.client.send(&request).await?;
        Ok(())
    }
}

/// Which files of a manifest are finished, saved between runs so an interrupted download
/// resumes: finished files are skipped, the unfinished one restarts from its beginning.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize, Serialize)]
pub struct ResumeState {
    /// The manifest's `transactionTime` (a state for another export is ignored).
    pub transaction_time: String,
    /// URLs of finished files.
    pub done: BTreeSet<String>,
}

impl ResumeState {
    /// A fresh state for `manifest`.
    pub fn new(manifest: &Manifest) -> Self {
        Self {
            transaction_time: manifest.transaction_time.clone(),
            done: BTreeSet::new(),
        }
    }

    /// Loads the state at `path` for `manifest`; a missing file or a state from another
    /// export gives a fresh one.
    pub fn load(path: &Path, manifest: &Manifest) -> Result<Self> {
        match std::fs::read(path) {
            Ok(bytes) => {
                let s: Self = serde_json::from_slice(&bytes).map_err(FhirError::decode)?;
                Ok(if s.transaction_time == manifest.transaction_time {
                    s
                } else {
                    Self::new(manifest)
                })
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Self::new(manifest)),
            Err(e) => Err(e.into()),
        }
    }

    /// Saves atomically (write then rename).
    pub fn save(&self, path: &Path) -> Result<()> {
        let tmp = path.with_extension("tmp");
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(&serde_json::to_vec(self).map_err(FhirError::encode)?)?;
        f.sync_all()?;
        std::fs::rename(tmp, path)?;
        Ok(())
    }

    /// The output files still to fetch, in manifest order.
    pub fn pending<'a>(
        &'a self,
        manifest: &'a Manifest,
    ) -> impl Iterator<Item = &'a OutputFile> + 'a {
        manifest
            .output
            .iter()
            .filter(move |f| !self.done.contains(&f.url))
    }

    /// Marks a file finished.
    pub fn complete(&mut self, file: &OutputFile) {
        self.done.insert(file.url.clone());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines_of(chunks: &[&[u8]]) -> Vec<String> {
        let mut l = Lines::default();
        let mut out = Vec::new();
        for c in chunks {
            l.push(c).expect("push");
            while let Some((_, x)) = l.next_line() {
                out.push(String::from_utf8(x).expect("utf8"));
            }
        }
        l.finish().expect("finish");
        while let Some((_, x)) = l.next_line() {
            out.push(String::from_utf8(x).expect("utf8"));
        }
        out
    }

    #[test]
    fn server_waits_of_any_size_never_panic() {
        let now = std::time::SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        assert_eq!(server_wait("120", now), Some(Duration::from_secs(120)));
        assert_eq!(server_wait(" 1.5 ", now), Some(Duration::from_millis(1500)));
        for huge in [
            "1e300",
            "99999999999999999999999999999",
            "1E+400",
            "1.7976931348623157e308",
        ] {
            assert_eq!(server_wait(huge, now), Some(Duration::MAX), "{huge}");
        }
        for bad in ["", "inf", "NaN", "-1", "-1e300", "soon", "1e", "e5", "..."] {
            assert_eq!(server_wait(bad, now), None, "{bad}");
        }
        assert_eq!(
            server_wait("Tue, 14 Nov 2023 22:15:20 GMT", now),
            Some(Duration::from_secs(120))
        );
    }

    #[test]
    fn splits_lines_across_chunks_and_skips_blanks() {
        assert_eq!(
            lines_of(&[b"{\"a\"", b":1}\n\n{\"b\":2}\r\n", b"{\"c\":3}"]),
            ["{\"a\":1}", "{\"b\":2}", "{\"c\":3}"]
        );
        assert_eq!(lines_of(&[b"{", b"}"]), ["{}"]);
        assert!(lines_of(&[b""]).is_empty());
    }

    #[test]
    fn skips_the_lines_an_earlier_attempt_handed_out() {
        let mut l = Lines {
            skip: 3,
            ..Lines::default()
        };
        for c in [
            &b"{\"a\":1}\n\n{\"b\""[..],
            b":2}\n{\"c\":3}\n{\"d\"",
            b":4}",
        ] {
            l.push(c).expect("push");
        }
        l.finish().expect("finish");
        // Lines 1–3 (one of them blank) are skipped; numbering stays the file's.
        assert_eq!(l.next_line(), Some((4, b"{\"c\":3}".to_vec())));
        assert_eq!(l.next_line(), Some((5, b"{\"d\":4}".to_vec())));
        assert_eq!(l.next_line(), None);
    }

    #[tokio::test]
    async fn ndjson_errors_name_the_line_never_the_value() {
        // Found by the `bulk_ndjson` fuzz target: errors quoted the value and did not say
        // which line failed; a form-feed line was skipped as blank.
        let body: &[u8] = b"{\"resourceType\":\"Patient\",\"id\":\"1\"}\n\n\x0c\n{\"resourceType\":\"Patient\",\"active\":\"555-0100-1234\"}\n";
        let input = futures::stream::iter([Ok::<_, std::io::Error>(body)]);
        let items: Vec<_> = ndjson(input).collect().await;
        assert_eq!(items.len(), 3);
        assert!(items[0].is_ok());
        for (item, line) in items[1..].iter().zip([3, 4]) {
            let e = item.as_ref().expect_err("not a resource");
            let text = format!("{e} {e:?}");
            assert!(text.contains(&format!("NDJSON line {line}:")), "{text}");
            assert!(!text.contains("555-0100"), "{text}");
        }
    }

    #[test]
    fn gunzips_by_magic_even_in_tiny_chunks() {
        let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        enc.write_all(b"{\"x\":1}\n{\"y\":2}\n").expect("write");
        let gz = enc.finish().expect("finish");
        let chunks: Vec<&[u8]> = gz.chunks(1).collect();
        assert_eq!(lines_of(&chunks), ["{\"x\":1}", "{\"y\":2}"]);
    }

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
