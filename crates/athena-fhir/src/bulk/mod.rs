//! Bulk Data `$export` (FHIR Bulk Data Access IG 1.0–3.0 and the post-3.0 `outcome` rename).
//!
//! 1. [`FhirClient::export_group`](crate::FhirClient::export_group) kicks off `Group/a-1.c-{practice}/$export` with
//!    `Prefer: respond-async` and gets the polling URL from `Content-Location`
//!    ([`FhirClient::export_group_id`](crate::FhirClient::export_group_id) any Group, [`FhirClient::export_patients`](crate::FhirClient::export_patients)
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
//! 4. [`FhirClient::download`](crate::FhirClient::download) streams one NDJSON file as typed resources with flat memory
//!    (line by line; gzip accepted whether as `Content-Encoding` or as a gzip body). The
//!    bearer token is sent **only** when `requiresAccessToken` is true and **only** to the
//!    FHIR server's origin; a file elsewhere with `requiresAccessToken: true` is refused.
//!    Failures before or during the body are retried with the core retry policy and an idle
//!    timeout ([`DownloadPolicy`]); a retry skips the lines already handed out, so every
//!    resource is yielded exactly once.
//! 5. [`ResumeState`] records finished files so that a restarted download skips them and
//!    restarts the unfinished one.

mod download;
mod job;
mod kick_off;
mod manifest;
mod ndjson;
mod options;
mod resume;

pub use download::DownloadPolicy;
pub use job::{ExportJob, ExportStatus, MAX_MANIFEST_PAGES, PollPolicy};
pub use manifest::{Manifest, OutputFile};
pub use ndjson::ndjson;
pub use options::ExportOptions;
pub use resume::ResumeState;
