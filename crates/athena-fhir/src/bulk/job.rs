//! Status polling: [`ExportJob`] polls the status URL (honouring `Retry-After` and
//! `X-Progress`), follows a paged manifest, and cancels.

use std::collections::BTreeSet;
use std::time::Duration;

use reqwest::Method;
use url::Url;

use super::manifest::Manifest;
use crate::FhirClient;
use crate::client::route;
use crate::error::{FhirError, Repr, Result};

/// A running export: its polling (status) URL.
#[derive(Clone, Debug)]
pub struct ExportJob {
    pub(super) client: FhirClient,
    pub(super) status_url: Url,
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
                return Err(FhirError::from(Repr::Export(
                    "the export did not finish before the deadline".into(),
                )));
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
                return Err(FhirError::from(Repr::Export(
                    "the paged manifest's next links loop or never end".into(),
                )));
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

#[cfg(test)]
mod tests {
    use super::*;

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
}
