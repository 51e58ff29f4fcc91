//! The athenaOne FHIR R4 client: read, search (typed, paged as a stream), `$`-operations,
//! SMART discovery. Every request carries `ah-practice=Organization/a-1.Practice-{id}`.

use std::collections::VecDeque;
use std::sync::Arc;

use athena_core::auth::{ClientCredentials, TokenSource};
use athena_core::{FhirId, PatientId, PracticeId, RawResponse, Request};
use futures::Stream;
use reqwest::Method;
use reqwest::header::{HeaderName, HeaderValue};
use secrecy::SecretString;
use serde::de::DeserializeOwned;
use url::Url;

use crate::error::{FhirError, Result};
use crate::r4::{
    Bundle, CapabilityStatement, Issue, Parameters, Patient, Resource, SearchEntryMode,
};
use crate::search::{FhirPatientId, Search, SearchResult};
use crate::smart::SmartConfiguration;

/// FHIR JSON media type.
pub(crate) const FHIR_JSON: &str = "application/fhir+json";

/// Route templates: what spans and errors name instead of the concrete URL.
pub(crate) mod route {
    pub(crate) const READ: &str = "/fhir/r4/{type}/{id}";
    pub(crate) const SEARCH: &str = "/fhir/r4/{type}";
    pub(crate) const NEXT_PAGE: &str = "/fhir/r4/{type}?{next}";
    pub(crate) const OPERATION: &str = "/fhir/r4/{operation}";
    pub(crate) const SMART: &str = "/fhir/r4/.well-known/smart-configuration";
    pub(crate) const METADATA: &str = "/fhir/r4/metadata";
    pub(crate) const EXPORT: &str = "/fhir/r4/{group}/$export";
    pub(crate) const EXPORT_STATUS: &str = "/fhir/r4/{export-status}";
    pub(crate) const EXPORT_MANIFEST: &str = "/fhir/r4/{export-manifest-page}";
}

/// A FHIR R4 client for one athenaOne practice. Cheap to clone.
///
/// Every JSON call (read, search and its pages, `$`-operations, SMART discovery, the
/// CapabilityStatement, Bulk Data kick-off, status polls and cancel) goes through an
/// [`athena_core::Client`]: its QPS limiter, single-flight token cache (a 401 refreshes the
/// token once and replays once), retries with full jitter, `Retry-After`, retry budget and
/// overall deadline, and its `athena.request` tracing span, which names a route template such
/// as `/fhir/r4/{type}/{id}`, never the URL. A non-2xx answer that retries did not cure is
/// decoded into [`FhirError::Server`] with its `OperationOutcome`. POST operations are not
/// retried once they may have reached the server.
#[derive(Clone, Debug)]
pub struct FhirClient {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    /// Carries every call, Bulk Data file downloads included (and holds the token cache).
    core: athena_core::Client,
    base: Url,
    practice: PracticeId,
    /// Set: decode leniently and report each issue here.
    lenient: Option<LenientHook>,
}

/// The callback of [`FhirClientBuilder::lenient`].
#[derive(Clone)]
struct LenientHook(Arc<dyn Fn(&Issue) + Send + Sync>);

impl std::fmt::Debug for LenientHook {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("LenientHook")
    }
}

/// Builds a [`FhirClient`].
#[derive(Debug)]
pub struct FhirClientBuilder {
    base: String,
    practice: Option<PracticeId>,
    auth: Option<(athena_core::Client, Arc<dyn TokenSource>)>,
    core: Option<athena_core::Client>,
    lenient: Option<LenientHook>,
}

impl FhirClient {
    /// A builder for the FHIR server at `base` (e.g.
    /// `https://api.preview.platform.athenahealth.com/fhir/r4`; a trailing slash is added).
    pub fn builder(base: impl Into<String>) -> FhirClientBuilder {
        FhirClientBuilder {
            base: base.into(),
            practice: None,
            auth: None,
            core: None,
            lenient: None,
        }
    }

    /// The FHIR server of `core`'s origin (`{base}/fhir/r4/`), authenticated as `core` is (give
    /// it FHIR scopes with [`athena_core::ClientBuilder::scope`], e.g. `system/Patient.rs`),
    /// sharing its limiter, retry budget, token cache and runtime.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let sandbox = athena_testkit::Sandbox::start().await;
    /// let core = athena_core::Client::builder()
    ///     .base_url(sandbox.base_url())
    ///     .client_credentials(sandbox.client_id(), sandbox.client_secret())
    ///     .scope("system/Patient.rs system/Observation.rs")
    ///     .build()?;
    /// let practice = athena_core::PracticeId::new(sandbox.practice_id());
    /// let fhir = athena_fhir::FhirClient::from_core(core, practice)?;
    /// let patient = fhir.read_patient(athena_core::PatientId::new(1)).await?;
    /// assert_eq!(patient.id.as_deref(), Some(format!("a-{}.E-1", practice).as_str()));
    /// # Ok(()) }
    /// ```
    pub fn from_core(core: athena_core::Client, practice: PracticeId) -> Result<Self> {
        let base = format!(
            "{}/fhir/r4/",
            core.base_url().as_str().trim_end_matches('/')
        );
        let base = Url::parse(&base).map_err(|e| FhirError::Url(format!("FHIR base: {e}")))?;
        Ok(Self {
            inner: Arc::new(Inner {
                core,
                base,
                practice,
                lenient: None,
            }),
        })
    }

    /// The FHIR base URL (always ending in `/`).
    pub fn base(&self) -> &Url {
        &self.inner.base
    }

    /// The practice every request is scoped to.
    pub fn practice(&self) -> PracticeId {
        self.inner.practice
    }

    /// The core client that carries this client's requests (its limiter, token cache, retry
    /// budget and runtime).
    pub fn core(&self) -> &athena_core::Client {
        &self.inner.core
    }

    /// True when `url` has the FHIR server's scheme, host and port.
    pub fn is_same_origin(&self, url: &Url) -> bool {
        url.origin() == self.inner.base.origin()
    }

    /// Resolves a link from the server against the FHIR base and refuses other origins,
    /// so the bearer token never leaves the FHIR server.
    pub fn resolve_link(&self, link: &str) -> Result<Url> {
        let url = self.inner.base.join(link).map_err(|e| {
            // The link may carry search values: name the problem, not the link.
            FhirError::Url(format!("a link from the server is not a valid URL: {e}"))
        })?;
        if self.is_same_origin(&url) {
            Ok(url)
        } else {
            Err(FhirError::ForeignOrigin(url.origin().ascii_serialization()))
        }
    }

    /// `base/path` with `ah-practice` added (unless already present).
    pub(crate) fn url(&self, path: &str, query: &[(String, String)]) -> Result<Url> {
        let mut url = self
            .inner
            .base
            .join(path.trim_start_matches('/'))
            .map_err(|e| FhirError::Url(format!("invalid FHIR path: {e}")))?;
        if !query.is_empty() {
            let mut q = url.query_pairs_mut();
            for (k, v) in query {
                q.append_pair(k, v);
            }
        }
        self.with_practice(&mut url);
        Ok(url)
    }

    fn with_practice(&self, url: &mut Url) {
        if !url.query_pairs().any(|(k, _)| k == "ah-practice") {
            url.query_pairs_mut()
                .append_pair("ah-practice", &self.inner.practice.ah_practice());
        }
    }

    /// A request for `url` (on the FHIR server's origin) named `route` in logs and errors.
    pub(crate) fn request(&self, method: Method, route: &'static str, url: Url) -> Request {
        Request::to_link(method, route, url).accept(FHIR_JSON)
    }

    /// Sends `request` through the core transport and returns the final response, whatever
    /// its status. A URL on another origin is refused before anything is sent.
    pub(crate) async fn send_raw(&self, request: &Request) -> Result<RawResponse> {
        if let Some(url) = request.link_url()
            && !self.is_same_origin(url)
        {
            return Err(FhirError::ForeignOrigin(url.origin().ascii_serialization()));
        }
        self.inner
            .core
            .execute_any_status(request)
            .await
            .map_err(FhirError::from_core)
    }

    /// Like [`send_raw`](Self::send_raw), with a non-2xx answer turned into [`FhirError`].
    pub(crate) async fn send(&self, request: &Request) -> Result<RawResponse> {
        let response = self.send_raw(request).await?;
        if (200..300).contains(&response.status()) {
            Ok(response)
        } else {
            Err(FhirError::from_response(response.status(), response.body()))
        }
    }

    /// Decodes a body: strictly, or leniently (reporting each issue) when the client was
    /// built with [`FhirClientBuilder::lenient`].
    pub(crate) fn decode<T: DeserializeOwned>(&self, body: &[u8]) -> serde_json::Result<T> {
        match &self.inner.lenient {
            None => serde_json::from_slice(body),
            Some(hook) => {
                let decoded = crate::r4::decode_lenient::<T>(body)?;
                for issue in &decoded.issues {
                    (hook.0)(issue);
                }
                Ok(decoded.value)
            }
        }
    }

    async fn get_json<T: DeserializeOwned>(&self, route: &'static str, url: Url) -> Result<T> {
        let response = self.send(&self.request(Method::GET, route, url)).await?;
        self.decode(response.body()).map_err(FhirError::decode)
    }

    /// `GET [base]/{resource_type}/{id}` decoded as `T` (e.g. [`crate::r4::Observation`]).
    pub async fn read<T: DeserializeOwned>(&self, resource_type: &str, id: &str) -> Result<T> {
        let url = self.url(&format!("{resource_type}/{id}"), &[])?;
        self.get_json(route::READ, url).await
    }

    /// `GET [base]/{resource_type}/{id}` as a [`Resource`].
    pub async fn read_resource(&self, resource_type: &str, id: &str) -> Result<Resource> {
        self.read(resource_type, id).await
    }

    /// Reads the resource an athena FHIR id names (`a-195900.E-1` → `Patient/a-195900.E-1`).
    pub async fn read_id(&self, id: FhirId) -> Result<Resource> {
        self.read(id.resource_type(), &id.to_string()).await
    }

    /// The FHIR id of an athena patient of this client's practice (`a-{practice}.E-{id}`).
    pub fn patient_id(&self, patient: PatientId) -> FhirPatientId {
        FhirPatientId::athena(self.practice(), patient)
    }

    /// Reads an athena patient (`PatientId` → `a-{practice}.E-{id}`).
    pub async fn read_patient(&self, patient: PatientId) -> Result<Patient> {
        self.read("Patient", &patient.to_fhir_id(self.practice()).to_string())
            .await
    }

    /// One search page.
    pub async fn search(&self, search: &Search) -> Result<Bundle> {
        let url = self.url(search.resource_type(), search.params())?;
        self.get_json(route::SEARCH, url).await
    }

    /// Every page of a search, following the Bundle's `next` link (athena's `cursor`
    /// included). A `next` link on another origin ends the stream with
    /// [`FhirError::ForeignOrigin`]; the token is never sent there.
    pub fn search_pages(
        &self,
        search: &Search,
    ) -> impl Stream<Item = Result<Bundle>> + Send + 'static + use<> {
        let first = self
            .url(search.resource_type(), search.params())
            .map(|u| (route::SEARCH, u));
        let client = self.clone();
        futures::stream::unfold(Some(first), move |next| {
            let client = client.clone();
            async move {
                let (route, url) = match next? {
                    Ok(u) => u,
                    Err(e) => return Some((Err(e), None)),
                };
                match client.get_json::<Bundle>(route, url).await {
                    Ok(bundle) => {
                        let next = bundle
                            .link
                            .iter()
                            .find(|l| l.relation.as_deref() == Some("next"))
                            .and_then(|l| l.url.clone())
                            .map(|u| {
                                client.resolve_link(&u).map(|mut u| {
                                    client.with_practice(&mut u);
                                    (route::NEXT_PAGE, u)
                                })
                            });
                        Some((Ok(bundle), next))
                    }
                    Err(e) => Some((Err(e), None)),
                }
            }
        })
    }

    /// Every resource of a search, page after page, typed: `search_stream::<Resource>`
    /// yields every entry as is (`_include`d resources and `OperationOutcome`s too);
    /// `search_stream::<Condition>` yields `Condition`s, skips entries of other types that
    /// the server marked `include` or `outcome`, and yields
    /// [`FhirError::UnexpectedResource`] in place of a matching entry of another type (the
    /// stream goes on; stop at the first error if you prefer).
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// use athena_fhir::r4::Condition;
    /// use athena_fhir::search::Search;
    /// use futures::TryStreamExt;
    /// let sandbox = athena_testkit::Sandbox::start().await;
    /// let core = athena_core::Client::builder()
    ///     .base_url(sandbox.base_url())
    ///     .client_credentials(sandbox.client_id(), sandbox.client_secret())
    ///     .scope("system/Condition.rs")
    ///     .build()?;
    /// let practice = athena_core::PracticeId::new(sandbox.practice_id());
    /// let fhir = athena_fhir::FhirClient::from_core(core, practice)?;
    /// let patient = fhir.patient_id(athena_core::PatientId::new(1));
    /// let search = Search::for_patient::<Condition>(&patient);
    /// let conditions: Vec<Condition> = fhir.search_stream::<Condition>(&search).try_collect().await?;
    /// # let _ = conditions;
    /// # Ok(()) }
    /// ```
    pub fn search_stream<R: SearchResult>(
        &self,
        search: &Search,
    ) -> impl Stream<Item = Result<R>> + Send + 'static + use<R> {
        use futures::StreamExt;
        self.search_pages(search).flat_map(|page| {
            let mut items: VecDeque<Result<R>> = VecDeque::new();
            match page {
                Ok(bundle) => {
                    for entry in bundle.entry {
                        let aside = entry
                            .search
                            .as_ref()
                            .and_then(|s| s.mode.as_ref())
                            .is_some_and(|m| {
                                matches!(m, SearchEntryMode::Include | SearchEntryMode::Outcome)
                            });
                        let Some(resource) = entry.resource else {
                            continue;
                        };
                        match R::from_resource(resource) {
                            Ok(r) => items.push_back(Ok(r)),
                            Err(_) if aside => {}
                            Err(other) => {
                                items.push_back(Err(FhirError::UnexpectedResource {
                                    expected: R::WANTED.unwrap_or("any"),
                                    found: other.resource_type().to_owned(),
                                }));
                            }
                        }
                    }
                }
                Err(e) => items.push_back(Err(e)),
            }
            futures::stream::iter(items)
        })
    }

    /// Invokes an operation, e.g. `operation("Patient/a-1.E-2/$everything", None)` (GET) or
    /// with a `Parameters` body (POST). The answer is any resource (often a `Bundle` or
    /// `Parameters`).
    pub async fn operation(&self, path: &str, parameters: Option<&Parameters>) -> Result<Resource> {
        let url = self.url(path, &[])?;
        let request = match parameters {
            None => self.request(Method::GET, route::OPERATION, url),
            // POST: not idempotent, so never resent once it may have reached the server.
            Some(p) => self
                .request(Method::POST, route::OPERATION, url)
                .json_body(serde_json::to_vec(p).map_err(FhirError::Decode)?)
                .header(
                    reqwest::header::CONTENT_TYPE,
                    HeaderValue::from_static(FHIR_JSON),
                ),
        };
        let response = self.send(&request).await?;
        self.decode(response.body()).map_err(FhirError::decode)
    }

    /// `GET [base]/.well-known/smart-configuration` (anonymous).
    pub async fn smart_configuration(&self) -> Result<SmartConfiguration> {
        let url = self
            .inner
            .base
            .join(".well-known/smart-configuration")
            .map_err(|e| FhirError::Url(e.to_string()))?;
        let request = Request::to_link(Method::GET, route::SMART, url)
            .accept("application/json")
            .anonymous();
        let response = self.send(&request).await?;
        self.decode(response.body()).map_err(FhirError::decode)
    }

    /// `GET [base]/metadata`.
    pub async fn capability_statement(&self) -> Result<CapabilityStatement> {
        let url = self.url("metadata", &[])?;
        self.get_json(route::METADATA, url).await
    }
}

/// `Prefer: respond-async` for Bulk Data kick-offs.
pub(crate) fn prefer_respond_async() -> (HeaderName, HeaderValue) {
    (
        HeaderName::from_static("prefer"),
        HeaderValue::from_static("respond-async"),
    )
}

impl FhirClientBuilder {
    /// The practice (required): sets `ah-practice` on every request.
    pub fn practice(mut self, practice: PracticeId) -> Self {
        self.practice = Some(practice);
        self
    }

    /// Tokens from `source`, fetched through `core`'s token endpoint (its limiter applies).
    /// Requests go through a client derived from `core` (same origin, limiter, retry budget,
    /// policy and runtime; see [`athena_core::Client::with_token_source`]); the FHIR base must
    /// be on `core`'s origin.
    pub fn token_source(mut self, core: athena_core::Client, source: Arc<dyn TokenSource>) -> Self {
        self.auth = Some((core, source));
        self
    }

    /// Sends through `core` as is (its token source, limiter, retries); the FHIR base must be
    /// on `core`'s origin. Overrides [`token_source`](Self::token_source) and
    /// [`client_credentials`](Self::client_credentials).
    pub fn core_client(mut self, core: athena_core::Client) -> Self {
        self.core = Some(core);
        self
    }

    /// athena's client credentials against `core`'s `/oauth2/v1/token`, with `scope`
    /// (e.g. `system/Patient.read system/Observation.read`).
    pub fn client_credentials(
        self,
        core: athena_core::Client,
        client_id: impl Into<String>,
        client_secret: impl Into<String>,
        scope: impl Into<String>,
    ) -> Result<Self> {
        let token_url = core
            .base_url()
            .join("oauth2/v1/token")
            .map_err(|e| FhirError::Url(format!("token URL: {e}")))?;
        let source = ClientCredentials::new(
            client_id,
            SecretString::from(client_secret.into()),
            token_url,
        )
        .with_scope(scope);
        Ok(self.token_source(core, Arc::new(source)))
    }

    /// Decodes every answer leniently (see [`crate::r4::decode_lenient`]): a single value
    /// where the specification requires an array is kept as a one-element array and
    /// `on_issue` is told (the issue names the element, never the value), instead of the
    /// whole read, search page or NDJSON line failing. For servers known not to conform;
    /// the default is strict.
    pub fn lenient(mut self, on_issue: impl Fn(&Issue) + Send + Sync + 'static) -> Self {
        self.lenient = Some(LenientHook(Arc::new(on_issue)));
        self
    }

    /// Builds the client. Fails without a practice, with a malformed base URL, or with a base
    /// on another origin than the core client's. Without a core client or token source, the
    /// client is anonymous (an anonymous core client on the base's origin, which must be
    /// `https`, or `http` to a loopback host).
    pub fn build(self) -> Result<FhirClient> {
        let mut base = self.base;
        if !base.ends_with('/') {
            base.push('/');
        }
        let base = Url::parse(&base).map_err(|e| FhirError::Url(format!("FHIR base: {e}")))?;
        let practice = self
            .practice
            .ok_or_else(|| FhirError::Url("a practice is required (ah-practice)".into()))?;
        let same_origin = |core: &athena_core::Client| {
            if core.base_url().origin() == base.origin() {
                Ok(())
            } else {
                Err(FhirError::Url(
                    "the FHIR base must be on the core client's origin".into(),
                ))
            }
        };
        let core = match (self.core, self.auth) {
            (Some(core), _) => {
                same_origin(&core)?;
                core
            }
            (None, Some((core, source))) => {
                same_origin(&core)?;
                core.with_token_source(source)
            }
            (None, None) => athena_core::Client::builder()
                .base_url(base.origin().ascii_serialization())
                .anonymous()
                .build()
                .map_err(FhirError::from_core)?,
        };
        Ok(FhirClient {
            inner: Arc::new(Inner {
                core,
                base,
                practice,
                lenient: self.lenient,
            }),
        })
    }
}
