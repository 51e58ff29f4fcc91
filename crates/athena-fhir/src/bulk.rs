//! Bulk Data `$export` (FHIR Bulk Data Access IG 1.0–3.0 and the post-3.0 `outcome` rename).
//!
//! 1. [`FhirClient::export_group`] kicks off `Group/a-1.c-{practice}/$export` with
//!    `Prefer: respond-async` and gets the polling URL from `Content-Location`.
//! 2. [`ExportJob::wait`] polls, honouring `Retry-After` (on a 202 "in progress" and on a
//!    429/503 alike; never sooner than the server asked), surfacing `X-Progress`, and treating a
//!    transient failure (429, 5xx, a transient `OperationOutcome`, a dropped connection) as
//!    "keep polling". [`ExportJob::cancel`] sends `DELETE`. Kick-off, polls and cancel go
//!    through the core transport (limiter, token cache, retries, spans named
//!    `/fhir/r4/{export-status}`, never the URL); waits use the core client's
//!    [`Runtime`](athena_core::runtime::Runtime), so tests with a manual clock run instantly.
//! 3. [`Manifest`] accepts both `error` and `outcome`.
//! 4. [`FhirClient::download`] streams one NDJSON file as typed resources with flat memory
//!    (line by line; gzip accepted whether as `Content-Encoding` or as a gzip body). The
//!    bearer token is sent **only** when `requiresAccessToken` is true and **only** to the
//!    FHIR server's origin; a file elsewhere with `requiresAccessToken: true` is refused.
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

use crate::FhirClient;
use crate::client::{prefer_respond_async, route};
use crate::error::{FhirError, Result};
use crate::r4::Resource;

/// Kick-off parameters.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ExportOptions {
    /// `_type`: resource types to export (all the server offers when empty).
    pub types: Vec<String>,
    /// `_since`: only resources changed after this instant (FHIR `instant` text).
    pub since: Option<String>,
    /// `_typeFilter` values.
    pub type_filters: Vec<String>,
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
    /// Kicks off `GET [base]/Group/a-1.c-{practice}/$export`.
    pub async fn export_group(&self, options: &ExportOptions) -> Result<ExportJob> {
        let group = self.practice().to_fhir_bulk_group().to_string();
        self.kick_off(&format!("Group/{group}/$export"), options)
            .await
    }

    /// Kicks off an export at `path` (`Patient/$export`, `$export`, `Group/{id}/$export`).
    pub async fn kick_off(&self, path: &str, options: &ExportOptions) -> Result<ExportJob> {
        let mut q = Vec::new();
        if !options.types.is_empty() {
            q.push(("_type".to_owned(), options.types.join(",")));
        }
        if let Some(s) = &options.since {
            q.push(("_since".to_owned(), s.clone()));
        }
        for f in &options.type_filters {
            q.push(("_typeFilter".to_owned(), f.clone()));
        }
        let url = self.url(path, &q)?;
        let (name, value) = prefer_respond_async();
        let request = self
            .request(Method::GET, route::EXPORT, url)
            .header(name, value);
        let resp = self.send(&request).await?;
        if resp.status() != 202 {
            return Err(FhirError::Export(format!(
                "kick-off answered {} instead of 202",
                resp.status()
            )));
        }
        let location = resp
            .headers()
            .get("content-location")
            .and_then(|v| v.to_str().ok())
            .ok_or_else(|| FhirError::Export("kick-off without Content-Location".into()))?;
        let status_url = self.resolve_link(location)?;
        Ok(ExportJob {
            client: self.clone(),
            status_url,
        })
    }

    /// Streams the resources of one manifest file, line by line (flat memory). The token is
    /// attached only when `manifest.requires_access_token` is true, and then only to the FHIR
    /// server's origin.
    pub fn download(
        &self,
        manifest: &Manifest,
        file: &OutputFile,
    ) -> impl Stream<Item = Result<Resource>> + Send + 'static {
        let client = self.clone();
        let requires_token = manifest.requires_access_token;
        let url = file.url.clone();
        let response = async move {
            let url = Url::parse(&url)
                .map_err(|e| FhirError::Url(format!("a manifest file URL is not valid: {e}")))?;
            if requires_token && !client.is_same_origin(&url) {
                return Err(FhirError::ForeignOrigin(url.origin().ascii_serialization()));
            }
            // One replay with a fresh token after a 401, as the transport does.
            let mut refreshed = false;
            loop {
                let mut req = client
                    .http()
                    .get(url.clone())
                    .header("Accept", "application/fhir+ndjson");
                let token = if requires_token {
                    client
                        .core()
                        .access_token()
                        .await
                        .map_err(FhirError::from_core)?
                } else {
                    None
                };
                if let Some(t) = &token {
                    req = req.bearer_auth(t.secret().expose_secret());
                }
                let resp = req.send().await.map_err(FhirError::Transport)?;
                let status = resp.status().as_u16();
                if status == 401
                    && !refreshed
                    && let Some(t) = &token
                {
                    client.core().reject_access_token(t).await;
                    refreshed = true;
                    continue;
                }
                if !resp.status().is_success() {
                    let body = resp.bytes().await.map_err(FhirError::Transport)?;
                    return Err(FhirError::from_response(status, &body));
                }
                return Ok(resp);
            }
        };
        futures::stream::once(response)
            .map(|r| match r {
                Ok(resp) => ndjson(resp.bytes_stream()).boxed(),
                Err(e) => futures::stream::iter([Err(e)]).boxed(),
            })
            .flatten()
    }
}

/// Decodes an NDJSON byte stream (plain or gzip) into resources, one line at a time.
pub fn ndjson<S, B, E>(bytes: S) -> impl Stream<Item = Result<Resource>> + Send + 'static
where
    S: Stream<Item = std::result::Result<B, E>> + Send + 'static,
    B: AsRef<[u8]>,
    E: Into<FhirError>,
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
                    return Some((Err(e.into()), st));
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

impl From<reqwest::Error> for FhirError {
    fn from(e: reqwest::Error) -> Self {
        FhirError::Transport(e)
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
        let retry_after = header("retry-after")
            .and_then(|v| athena_core::retry::retry_after::parse_retry_after(&v, now));
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

    /// Polls until the manifest arrives. `on_progress` sees each `X-Progress`. A transient
    /// error (429, 5xx, an `OperationOutcome` with a transient code, a lost connection) keeps
    /// polling. Waits are the server's `Retry-After` when it sent one (at least `floor`, even
    /// beyond `ceiling`), else our own back-off from `initial` doubling up to `ceiling`; they
    /// run on the core client's runtime clock and sleeper.
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
                Ok(ExportStatus::Complete(m)) => return Ok(*m),
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
            backoff = (backoff * 2).min(policy.ceiling);
            let elapsed = runtime.clock.now().saturating_duration_since(started);
            if elapsed + delay > policy.deadline {
                return Err(FhirError::Export(
                    "the export did not finish before the deadline".into(),
                ));
            }
            runtime.sleeper.sleep(delay).await;
        }
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
        f.write_all(&serde_json::to_vec(self).map_err(FhirError::Decode)?)?;
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
    fn splits_lines_across_chunks_and_skips_blanks() {
        assert_eq!(
            lines_of(&[b"{\"a\"", b":1}\n\n{\"b\":2}\r\n", b"{\"c\":3}"]),
            ["{\"a\":1}", "{\"b\":2}", "{\"c\":3}"]
        );
        assert_eq!(lines_of(&[b"{", b"}"]), ["{}"]);
        assert!(lines_of(&[b""]).is_empty());
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
