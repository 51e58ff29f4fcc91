//! The athenaOne FHIR R4 client: read, search (typed, paged as a stream), `$`-operations,
//! SMART discovery. Every request carries `ah-practice=Organization/a-1.Practice-{id}`.

use std::collections::VecDeque;
use std::sync::Arc;

use athena_core::{FhirId, PatientId, Practice, PracticeId, RawResponse, Request};
use futures::Stream;
use reqwest::Method;
use reqwest::header::{HeaderName, HeaderValue};
use serde::de::DeserializeOwned;
use url::Url;

#[allow(unused_imports)] // Named in doc links.
use crate::error::FhirErrorKind;
use crate::error::{FhirError, Repr, Result};
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
    pub(crate) const SUBSCRIPTION: &str = "/fhir/r4/Subscription";
    pub(crate) const SUBSCRIPTION_ID: &str = "/fhir/r4/Subscription/{id}";
}

/// A FHIR R4 client for one athenaOne practice. Cheap to clone.
///
/// Every JSON call (read, search and its pages, `$`-operations, SMART discovery, the
/// CapabilityStatement, Bulk Data kick-off, status polls and cancel) goes through an
/// [`athena_core::Client`]: its QPS limiter, single-flight token cache (a 401 refreshes the
/// token once and replays once), retries with full jitter, `Retry-After`, retry budget and
/// overall deadline, and its `athena.request` tracing span, which names a route template such
/// as `/fhir/r4/{type}/{id}`, never the URL. A non-2xx answer that retries did not cure is
/// decoded into a [`FhirErrorKind::Server`] error with its `OperationOutcome`. POST operations are not
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

impl FhirClient {
    /// The FHIR server of `practice`'s client environment (`{base}/fhir/r4/`), authenticated
    /// as that client is (give it FHIR scopes with [`athena_core::ClientBuilder::scope`], e.g.
    /// `system/Patient.rs`), sharing its limiter, retry budget, token cache and runtime. Every
    /// request carries `ah-practice=Organization/a-1.Practice-{id}`. This is the one
    /// constructor; [`with_base`](Self::with_base) points it at another FHIR base on the same
    /// origin and [`lenient`](Self::lenient) relaxes decoding.
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
    /// let practice = core.practice(athena_core::PracticeId::new(sandbox.practice_id()));
    /// let fhir = athena_fhir::FhirClient::new(&practice);
    /// let patient = fhir.read_patient(athena_core::PatientId::new(1)).await?;
    /// assert_eq!(patient.id.as_deref(), Some(format!("a-{}.E-1", practice.id()).as_str()));
    /// # Ok(()) }
    /// ```
    pub fn new(practice: &Practice) -> Self {
        let core = practice.client().clone();
        let mut base = core.base_url().clone();
        // The core client validated its base (http(s), no query): setting a path cannot fail.
        let path = format!("{}/fhir/r4/", base.path().trim_end_matches('/'));
        base.set_path(&path);
        Self {
            inner: Arc::new(Inner {
                core,
                base,
                practice: practice.id(),
                lenient: None,
            }),
        }
    }

    /// This client at another FHIR base on the core client's origin (a site-specific base such
    /// as `{origin}/{practiceid}/brand/{brandid}/csg/{csg}/fhir/r4`, or a proxy path); a
    /// trailing slash is added. Fails with [`FhirErrorKind::Url`] for a malformed URL or
    /// another origin: the bearer token never leaves the core client's origin.
    pub fn with_base(self, base: &str) -> Result<Self> {
        let mut base = base.trim().to_owned();
        if !base.ends_with('/') {
            base.push('/');
        }
        let base = Url::parse(&base).map_err(|e| {
            FhirError::from(Repr::Url("the FHIR base is not a valid URL".into())).with_source(e)
        })?;
        if base.origin() != self.inner.core.base_url().origin() {
            return Err(
                Repr::Url("the FHIR base must be on the core client's origin".into()).into(),
            );
        }
        if base.query().is_some() || base.fragment().is_some() {
            return Err(Repr::Url("the FHIR base must not have a query or fragment".into()).into());
        }
        let inner = &self.inner;
        Ok(Self {
            inner: Arc::new(Inner {
                core: inner.core.clone(),
                base,
                practice: inner.practice,
                lenient: inner.lenient.clone(),
            }),
        })
    }

    /// This client decoding every answer leniently (see [`crate::r4::decode_lenient`]): a
    /// single value where the specification requires an array is kept as a one-element array
    /// and `on_issue` is told (the issue names the element, never the value), instead of the
    /// whole read, search page or NDJSON line failing. For servers known not to conform; the
    /// default is strict.
    pub fn lenient(self, on_issue: impl Fn(&Issue) + Send + Sync + 'static) -> Self {
        let inner = &self.inner;
        Self {
            inner: Arc::new(Inner {
                core: inner.core.clone(),
                base: inner.base.clone(),
                practice: inner.practice,
                lenient: Some(LenientHook(Arc::new(on_issue))),
            }),
        }
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
            FhirError::from(Repr::Url(
                "a link from the server is not a valid URL".into(),
            ))
            .with_source(e)
        })?;
        if self.is_same_origin(&url) {
            Ok(url)
        } else {
            Err(Repr::ForeignOrigin(url.origin().ascii_serialization()).into())
        }
    }

    /// `base/path` with `ah-practice` added (unless already present).
    pub(crate) fn url(&self, path: &str, query: &[(String, String)]) -> Result<Url> {
        let mut url = self
            .inner
            .base
            .join(path.trim_start_matches('/'))
            .map_err(|e| FhirError::from(Repr::Url("invalid FHIR path".into())).with_source(e))?;
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
            return Err(Repr::ForeignOrigin(url.origin().ascii_serialization()).into());
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
            let now = self.inner.core.runtime().clock.system_now();
            Err(FhirError::from_raw(&response, now))
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

    /// [`decode`](Self::decode) with a failure turned into a [`FhirError`] naming the type
    /// and JSON path.
    pub(crate) fn decode_typed<T: DeserializeOwned>(&self, body: &[u8]) -> Result<T> {
        self.decode(body)
            .map_err(|e| FhirError::decode_body::<T>(body, &e))
    }

    async fn get_json<T: DeserializeOwned>(&self, route: &'static str, url: Url) -> Result<T> {
        let response = self.send(&self.request(Method::GET, route, url)).await?;
        self.decode_typed(response.body())
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
    /// [`FhirErrorKind::ForeignOrigin`]; the token is never sent there.
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
    /// a [`FhirErrorKind::UnexpectedResource`] error in place of a matching entry of another type (the
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
    /// let practice = core.practice(athena_core::PracticeId::new(sandbox.practice_id()));
    /// let fhir = athena_fhir::FhirClient::new(&practice);
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
                                items.push_back(Err(Repr::UnexpectedResource {
                                    expected: R::WANTED.unwrap_or("any"),
                                    found: other.resource_type().to_owned(),
                                }
                                .into()));
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
                .json_body(serde_json::to_vec(p).map_err(FhirError::encode)?)
                .header(
                    reqwest::header::CONTENT_TYPE,
                    HeaderValue::from_static(FHIR_JSON),
                ),
        };
        let response = self.send(&request).await?;
        self.decode_typed(response.body())
    }

    /// `GET [base]/.well-known/smart-configuration` (anonymous).
    pub async fn smart_configuration(&self) -> Result<SmartConfiguration> {
        let url = self
            .inner
            .base
            .join(".well-known/smart-configuration")
            .map_err(|e| {
                FhirError::from(Repr::Url("invalid SMART configuration URL".into())).with_source(e)
            })?;
        let request = Request::to_link(Method::GET, route::SMART, url)
            .accept("application/json")
            .anonymous();
        let response = self.send(&request).await?;
        self.decode_typed(response.body())
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
