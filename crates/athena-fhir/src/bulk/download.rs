//! Streaming one manifest file as typed resources: the file's `GET` is the core transport's
//! streamed GET; a body that breaks is requested again and the lines already handed out are
//! skipped, so every resource is yielded exactly once.

use std::time::Duration;

use futures::{Stream, StreamExt};
use reqwest::Method;
use url::Url;

use athena_core::retry::{RetryBudget, RetryPolicy};
use athena_core::{BodyStream, ErrorKind, Request, StreamOptions};

use super::manifest::{Manifest, OutputFile};
use super::ndjson::Lines;
use crate::FhirClient;
use crate::error::{FhirError, Repr, Result};
use crate::r4::Resource;

/// The route template download errors and spans name (file URLs may carry ids; they are never
/// shown).
const BULK_FILE_ROUTE: &str = "/fhir/r4/{bulk-file}";

/// The media type asked for.
const FHIR_NDJSON: &str = "application/fhir+ndjson";

/// Redirects a file request follows (a storage host serving files by redirect); the token
/// never follows one off the FHIR server's origin.
const MAX_REDIRECTS: u32 = 10;

impl FhirClient {
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
        let download = Download {
            client: self.clone(),
            url: file.url.clone(),
            requires_token: manifest.requires_access_token,
            retry: policy.retry,
            idle: policy.idle_timeout,
            body: None,
            lines: Lines::default(),
            handed_out: 0,
            attempts: 0,
            retries: 0,
            validator: None,
            done: false,
        };
        futures::stream::unfold(download, |mut d| async move {
            let item = d.next().await?;
            Some((item, d))
        })
    }
}

/// How [`FhirClient::download_with`] retries one file.
///
/// Downloads are idempotent `GET`s of static files, so every retryable failure is retried,
/// before the body and during it. Before the body, the file request is the core transport's
/// streamed `GET` ([`athena_core::Client::execute_streamed`]): the same limiter, token cache
/// (a 401 refreshes the token once and replays once), retry classification
/// ([`athena_core::retry::classify`]: 408, 429, 500, 502, 503, 504, 529, a 403 whose body is
/// not JSON, connect failures, timeouts and lost connections), `Retry-After`, retry budget,
/// overall deadline and `athena.request` span (route `/fhir/r4/{bulk-file}`) as every other
/// call, with `retry` as its policy; anything else (404, 410, other 4xx) ends the stream at
/// once with [`crate::FhirErrorKind::Server`]. During the body, a broken or stalled connection requests
/// the file again and the lines already handed out are skipped (counted, not re-decoded), so
/// no resource is yielded twice or lost.
///
/// Waits are [`RetryPolicy::delay`] (full jitter, at least the server's `Retry-After`, given
/// up when that exceeds the policy's limit) on the core client's
/// [`Runtime`](athena_core::runtime::Runtime). For a body that breaks,
/// `retry.max_attempts()` bounds the requests *without progress*: one that handed out at
/// least one new resource before failing starts a fresh count, so a long file survives
/// several drops but a file that keeps failing at the same place does not loop. Each request
/// retries its head within `retry` on its own. A re-request after a broken body is not made
/// when the client's retry budget is empty.
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

/// One file download in progress: the current request's body and how far the consumer got.
struct Download {
    client: FhirClient,
    url: String,
    requires_token: bool,
    retry: RetryPolicy,
    idle: Option<Duration>,
    /// The body of the current request (`None`: the next step opens one).
    body: Option<BodyStream>,
    lines: Lines,
    /// The file line of the last item handed out (0: none yet). A new request skips up to it.
    handed_out: u64,
    /// Requests since the last one that made progress.
    attempts: u32,
    /// Re-requests since the last progress (the back-off exponent).
    retries: u32,
    /// `ETag` / `Last-Modified` of the first answer: a retry must fetch the same file.
    validator: Option<(Option<String>, Option<String>)>,
    done: bool,
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
                    // `Lines` skips what earlier requests handed out; never yield it twice.
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
                    return Some(Err(FhirError::from(Repr::Export(format!(
                        "the file ended at line {} on a retried download, but line {} had \
                         already been read: it changed between attempts",
                        self.lines.line, self.handed_out
                    )))));
                }
                return None;
            }
            let Some(body) = self.body.as_mut() else {
                continue;
            };
            let pushed = match body.next().await {
                Some(Ok(chunk)) => self.lines.push(&chunk),
                None => self.lines.finish(),
                Some(Err(broken)) => {
                    // Discard this request (and its partial last line) and request again.
                    self.body = None;
                    self.retry_or_fail(broken).await
                }
            };
            if let Err(e) = pushed {
                self.done = true;
                return Some(Err(e));
            }
        }
    }

    /// The file request: with the token only when the manifest requires it, and then only on
    /// the FHIR server's origin (a file elsewhere is refused); otherwise anonymous, to any
    /// origin.
    fn request(&self) -> Result<Request> {
        let url = Url::parse(&self.url).map_err(|e| {
            FhirError::from(Repr::Url("a manifest file URL is not valid".into())).with_source(e)
        })?;
        let request = if self.requires_token {
            if !self.client.is_same_origin(&url) {
                return Err(FhirError::from(Repr::ForeignOrigin(
                    url.origin().ascii_serialization(),
                )));
            }
            Request::to_link(Method::GET, BULK_FILE_ROUTE, url)
        } else {
            Request::to_external(Method::GET, BULK_FILE_ROUTE, url).anonymous()
        };
        Ok(request.accept(FHIR_NDJSON))
    }

    /// Requests the file through the core transport until a 2xx head arrives (then
    /// `self.body` is set) or the request fails for good.
    async fn open(&mut self) -> Result<()> {
        let request = self.request()?;
        let mut options = StreamOptions::new()
            .retry_policy(self.retry)
            .follow_redirects(MAX_REDIRECTS)
            .any_status();
        if let Some(idle) = self.idle {
            options = options.idle_timeout(idle);
        }
        self.attempts += 1;
        let response = self
            .client
            .core()
            .execute_streamed(&request, &options)
            .await
            .map_err(FhirError::from_core)?;
        let status = response.status();
        if !(200..300).contains(&status) {
            // At most 64 KiB of it, already read by the transport.
            let mut body = Vec::new();
            let mut stream = response.into_body();
            while let Some(Ok(chunk)) = stream.next().await {
                body.extend_from_slice(&chunk);
            }
            return Err(FhirError::from_response(status, &body));
        }
        self.check_same_file(response.headers())?;
        self.lines = Lines::skipping(self.handed_out);
        self.body = Some(response.into_body());
        Ok(())
    }

    /// After a body broke: waits before requesting the file again when the policy and the
    /// retry budget allow it; otherwise returns the final error.
    async fn retry_or_fail(&mut self, broken: athena_core::Error) -> Result<()> {
        let timed_out = broken.kind() == ErrorKind::Timeout;
        let failed = FhirError::from_core(broken);
        if self.attempts >= self.retry.max_attempts() {
            return Err(failed);
        }
        let core = self.client.core();
        let runtime = core.runtime();
        let Some(delay) = self
            .retry
            .delay(self.retries + 1, runtime.jitter.unit(), false, None)
        else {
            return Err(failed);
        };
        let cost = if timed_out {
            RetryBudget::TIMEOUT_COST
        } else {
            RetryBudget::RETRY_COST
        };
        if core.retry_budget_available() < cost {
            return Err(failed);
        }
        self.retries += 1;
        runtime.sleeper.sleep(delay).await;
        Ok(())
    }

    /// A retry must fetch the file the earlier requests read: when both answers carry an
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
                    return Err(FhirError::from(Repr::Export(
                        "the file changed between download attempts (ETag or Last-Modified \
                         differs): resources may be missing or repeated"
                            .into(),
                    )));
                }
                Ok(())
            }
        }
    }
}
