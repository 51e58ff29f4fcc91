//! The athenaOne FHIR R4 client: read, search (typed, paged as a stream), `$`-operations,
//! SMART discovery. Every request carries `ah-practice=Organization/a-1.Practice-{id}`.

use std::collections::VecDeque;
use std::sync::Arc;
use std::time::SystemTime;

use athena_core::auth::{AccessToken, ClientCredentials, TokenSource};
use athena_core::{FhirId, PatientId, PracticeId};
use futures::Stream;
use secrecy::{ExposeSecret, SecretString};
use serde::de::DeserializeOwned;
use url::Url;

use crate::error::{FhirError, Result};
use crate::r4::{Bundle, CapabilityStatement, Parameters, Patient, Resource};
use crate::search::Search;
use crate::smart::SmartConfiguration;

/// FHIR JSON media type.
pub(crate) const FHIR_JSON: &str = "application/fhir+json";

/// A FHIR R4 client for one athenaOne practice. Cheap to clone.
#[derive(Clone, Debug)]
pub struct FhirClient {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    http: reqwest::Client,
    base: Url,
    practice: PracticeId,
    auth: Option<Auth>,
}

#[derive(Debug)]
struct Auth {
    core: athena_core::Client,
    source: Arc<dyn TokenSource>,
    cached: tokio::sync::Mutex<Option<AccessToken>>,
}

/// Builds a [`FhirClient`].
#[derive(Debug)]
pub struct FhirClientBuilder {
    base: String,
    practice: Option<PracticeId>,
    auth: Option<(athena_core::Client, Arc<dyn TokenSource>)>,
    http: Option<reqwest::Client>,
}

impl FhirClient {
    /// A builder for the FHIR server at `base` (e.g.
    /// `https://api.preview.platform.athenahealth.com/fhir/r4`; a trailing slash is added).
    pub fn builder(base: impl Into<String>) -> FhirClientBuilder {
        FhirClientBuilder {
            base: base.into(),
            practice: None,
            auth: None,
            http: None,
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

    /// The HTTP client (shared with bulk downloads).
    pub(crate) fn http(&self) -> &reqwest::Client {
        &self.inner.http
    }

    /// A bearer token (cached; refreshed a minute before expiry), `None` when anonymous.
    pub(crate) async fn bearer(&self) -> Result<Option<SecretString>> {
        let Some(auth) = &self.inner.auth else {
            return Ok(None);
        };
        let mut cached = auth.cached.lock().await;
        if let Some(t) = cached.as_ref().filter(|t| t.is_fresh_at(SystemTime::now())) {
            return Ok(Some(t.secret().clone()));
        }
        let token = auth
            .source
            .fetch_token(&auth.core.token_endpoint())
            .await
            .map_err(FhirError::Auth)?;
        let secret = token.secret().clone();
        *cached = Some(token);
        Ok(Some(secret))
    }

    /// Drops the cached token (after a 401).
    async fn forget_token(&self) {
        if let Some(auth) = &self.inner.auth {
            *auth.cached.lock().await = None;
        }
    }

    /// True when `url` has the FHIR server's scheme, host and port.
    pub fn is_same_origin(&self, url: &Url) -> bool {
        url.origin() == self.inner.base.origin()
    }

    /// Resolves a link from the server against the FHIR base and refuses other origins,
    /// so the bearer token never leaves the FHIR server.
    pub fn resolve_link(&self, link: &str) -> Result<Url> {
        let url = self
            .inner
            .base
            .join(link)
            .map_err(|e| FhirError::Url(format!("{link}: {e}")))?;
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
            .map_err(|e| FhirError::Url(format!("{path}: {e}")))?;
        {
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

    /// Sends a request to the FHIR server (token attached only for its own origin), replays
    /// once after a 401 with a fresh token, and turns non-2xx answers into [`FhirError`].
    pub(crate) async fn send(
        &self,
        method: reqwest::Method,
        url: Url,
        headers: &[(&'static str, String)],
        body: Option<Vec<u8>>,
    ) -> Result<reqwest::Response> {
        if !self.is_same_origin(&url) {
            return Err(FhirError::ForeignOrigin(url.origin().ascii_serialization()));
        }
        for attempt in 0..2 {
            let mut req = self
                .inner
                .http
                .request(method.clone(), url.clone())
                .header("Accept", FHIR_JSON);
            for (k, v) in headers {
                req = req.header(*k, v);
            }
            if let Some(b) = &body {
                req = req.header("Content-Type", FHIR_JSON).body(b.clone());
            }
            if let Some(token) = self.bearer().await? {
                req = req.bearer_auth(token.expose_secret());
            }
            let resp = req.send().await.map_err(FhirError::Transport)?;
            let status = resp.status().as_u16();
            if status == 401 && attempt == 0 && self.inner.auth.is_some() {
                self.forget_token().await;
                continue;
            }
            if resp.status().is_success() {
                return Ok(resp);
            }
            let bytes = resp.bytes().await.map_err(FhirError::Transport)?;
            return Err(FhirError::from_response(status, &bytes));
        }
        Err(FhirError::Server {
            status: 401,
            outcome: None,
            details: None,
        })
    }

    async fn get_json<T: DeserializeOwned>(&self, url: Url) -> Result<T> {
        let resp = self.send(reqwest::Method::GET, url, &[], None).await?;
        let bytes = resp.bytes().await.map_err(FhirError::Transport)?;
        serde_json::from_slice(&bytes).map_err(FhirError::Decode)
    }

    /// `GET [base]/{resource_type}/{id}` decoded as `T` (e.g. [`crate::r4::Observation`]).
    pub async fn read<T: DeserializeOwned>(&self, resource_type: &str, id: &str) -> Result<T> {
        self.get_json(self.url(&format!("{resource_type}/{id}"), &[])?)
            .await
    }

    /// `GET [base]/{resource_type}/{id}` as a [`Resource`].
    pub async fn read_resource(&self, resource_type: &str, id: &str) -> Result<Resource> {
        self.read(resource_type, id).await
    }

    /// Reads the resource an athena FHIR id names (`a-195900.E-1` → `Patient/a-195900.E-1`).
    pub async fn read_id(&self, id: FhirId) -> Result<Resource> {
        self.read(id.resource_type(), &id.to_string()).await
    }

    /// Reads an athena patient (`PatientId` → `a-{practice}.E-{id}`).
    pub async fn read_patient(&self, patient: PatientId) -> Result<Patient> {
        self.read("Patient", &patient.to_fhir_id(self.practice()).to_string())
            .await
    }

    /// One search page.
    pub async fn search(&self, search: &Search) -> Result<Bundle> {
        self.get_json(self.url(search.resource_type(), search.params())?)
            .await
    }

    /// Every page of a search, following the Bundle's `next` link (athena's `cursor`
    /// included). A `next` link on another origin ends the stream with
    /// [`FhirError::ForeignOrigin`]; the token is never sent there.
    pub fn search_pages(
        &self,
        search: &Search,
    ) -> impl Stream<Item = Result<Bundle>> + Send + 'static {
        let first = self.url(search.resource_type(), search.params());
        let client = self.clone();
        futures::stream::unfold(Some(first), move |next| {
            let client = client.clone();
            async move {
                let url = match next? {
                    Ok(u) => u,
                    Err(e) => return Some((Err(e), None)),
                };
                match client.get_json::<Bundle>(url).await {
                    Ok(bundle) => {
                        let next = bundle
                            .link
                            .iter()
                            .find(|l| l.relation.as_deref() == Some("next"))
                            .and_then(|l| l.url.clone())
                            .map(|u| {
                                client.resolve_link(&u).map(|mut u| {
                                    client.with_practice(&mut u);
                                    u
                                })
                            });
                        Some((Ok(bundle), next))
                    }
                    Err(e) => Some((Err(e), None)),
                }
            }
        })
    }

    /// Every matching resource of a search (entries with `search.mode = match` or no mode;
    /// `_include`d resources come too), page after page.
    pub fn search_stream(
        &self,
        search: &Search,
    ) -> impl Stream<Item = Result<Resource>> + Send + 'static {
        use futures::StreamExt;
        self.search_pages(search).flat_map(|page| {
            let items: VecDeque<Result<Resource>> = match page {
                Ok(bundle) => bundle
                    .entry
                    .into_iter()
                    .filter_map(|e| e.resource)
                    .map(Ok)
                    .collect(),
                Err(e) => VecDeque::from([Err(e)]),
            };
            futures::stream::iter(items)
        })
    }

    /// Invokes an operation, e.g. `operation("Patient/a-1.E-2/$everything", None)` (GET) or
    /// with a `Parameters` body (POST). The answer is any resource (often a `Bundle` or
    /// `Parameters`).
    pub async fn operation(&self, path: &str, parameters: Option<&Parameters>) -> Result<Resource> {
        let url = self.url(path, &[])?;
        let resp = match parameters {
            None => self.send(reqwest::Method::GET, url, &[], None).await?,
            Some(p) => {
                let body = serde_json::to_vec(p).map_err(FhirError::Decode)?;
                self.send(reqwest::Method::POST, url, &[], Some(body))
                    .await?
            }
        };
        let bytes = resp.bytes().await.map_err(FhirError::Transport)?;
        serde_json::from_slice(&bytes).map_err(FhirError::Decode)
    }

    /// `GET [base]/.well-known/smart-configuration` (anonymous).
    pub async fn smart_configuration(&self) -> Result<SmartConfiguration> {
        let url = self
            .inner
            .base
            .join(".well-known/smart-configuration")
            .map_err(|e| FhirError::Url(e.to_string()))?;
        let resp = self
            .inner
            .http
            .get(url)
            .header("Accept", "application/json")
            .send()
            .await
            .map_err(FhirError::Transport)?;
        let status = resp.status().as_u16();
        let bytes = resp.bytes().await.map_err(FhirError::Transport)?;
        if !(200..300).contains(&status) {
            return Err(FhirError::from_response(status, &bytes));
        }
        serde_json::from_slice(&bytes).map_err(FhirError::Decode)
    }

    /// `GET [base]/metadata`.
    pub async fn capability_statement(&self) -> Result<CapabilityStatement> {
        self.get_json(self.url("metadata", &[])?).await
    }
}

impl FhirClientBuilder {
    /// The practice (required): sets `ah-practice` on every request.
    pub fn practice(mut self, practice: PracticeId) -> Self {
        self.practice = Some(practice);
        self
    }

    /// Tokens from `source`, fetched through `core`'s token endpoint (its limiter applies).
    pub fn token_source(mut self, core: athena_core::Client, source: Arc<dyn TokenSource>) -> Self {
        self.auth = Some((core, source));
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

    /// Uses this `reqwest` client (connection pool, timeouts) instead of a new one.
    pub fn http_client(mut self, http: reqwest::Client) -> Self {
        self.http = Some(http);
        self
    }

    /// Builds the client. Fails without a practice or with a malformed base URL.
    pub fn build(self) -> Result<FhirClient> {
        let mut base = self.base;
        if !base.ends_with('/') {
            base.push('/');
        }
        let base = Url::parse(&base).map_err(|e| FhirError::Url(format!("{base}: {e}")))?;
        let practice = self
            .practice
            .ok_or_else(|| FhirError::Url("a practice is required (ah-practice)".into()))?;
        let http = self.http.unwrap_or_default();
        let auth = self.auth.map(|(core, source)| Auth {
            core,
            source,
            cached: tokio::sync::Mutex::new(None),
        });
        Ok(FhirClient {
            inner: Arc::new(Inner {
                http,
                base,
                practice,
                auth,
            }),
        })
    }
}
