//! The 3-legged authorization-code grant with PKCE (S256) and refresh tokens, as SMART App
//! Launch requires, through the `oauth2` crate.
//!
//! 1. [`AuthorizationCodeFlow::authorize_url`] gives the URL to send the user to and a
//!    [`PendingAuthorization`] (PKCE verifier + CSRF `state`) to keep until the callback.
//! 2. [`AuthorizationCodeFlow::exchange`] checks the returned `state` (constant time) and
//!    trades the code for tokens, giving a [`RefreshTokenSource`].
//! 3. The [`RefreshTokenSource`] is a [`TokenSource`]: it hands out the exchanged access token
//!    once, then refreshes with the refresh-token grant, keeping a rotated refresh token.
//!
//! `oauth2` is built without its reqwest feature; every request goes through
//! [`TokenEndpoint::execute`] (our one reqwest, under the token-endpoint limiter). These
//! requests are **not** retried: a refresh token may be single-use, and a replayed exchange
//! would be refused anyway.

use std::fmt;
use std::sync::Mutex;
use std::time::Duration;

use futures::future::BoxFuture;
use oauth2::basic::{
    BasicErrorResponse, BasicRevocationErrorResponse, BasicTokenIntrospectionResponse,
    BasicTokenType,
};
use oauth2::{
    AuthUrl, AuthorizationCode, ClientId, ClientSecret, CsrfToken, EndpointNotSet, EndpointSet,
    PkceCodeChallenge, PkceCodeVerifier, RedirectUrl, RefreshToken, RequestTokenError, Scope,
    StandardRevocableToken, TokenUrl,
};
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Deserializer, Serialize};
use url::Url;

use super::endpoint::header_str;
use super::oidc::{IdTokenCheck, IssuerMetadata, LaunchContext};
use super::{AccessToken, TokenEndpoint, TokenResponse, TokenSource};
use crate::error::{ApiError, Error, ErrorKind, Result};

const ROUTE: &str = "{token endpoint}";

/// The 3-legged authorization-code + PKCE flow for one registered app.
///
/// `Debug` never prints the client secret.
#[derive(Clone)]
pub struct AuthorizationCodeFlow {
    client_id: String,
    client_secret: Option<SecretString>,
    authorize_url: Url,
    token_url: Url,
    redirect_url: Url,
    scopes: Vec<String>,
    audience: Option<String>,
    issuer: Option<String>,
    jwks_uri: Option<Url>,
    iss_required: bool,
    extra_params: Vec<(String, String)>,
}

/// Authorization request parameters the flow sets itself; [`AuthorizationCodeFlow::with_authorize_param`]
/// refuses them.
const RESERVED_PARAMS: &[&str] = &[
    "response_type",
    "client_id",
    "redirect_uri",
    "scope",
    "state",
    "code_challenge",
    "code_challenge_method",
    "nonce",
    "aud",
    "launch",
];

impl AuthorizationCodeFlow {
    /// A flow for `client_id` (with a secret for confidential clients, sent as HTTP Basic; a
    /// public client sends `client_id` in the form instead).
    pub fn new(
        client_id: impl Into<String>,
        client_secret: Option<SecretString>,
        authorize_url: Url,
        token_url: Url,
        redirect_url: Url,
    ) -> Self {
        AuthorizationCodeFlow {
            client_id: client_id.into(),
            client_secret,
            authorize_url,
            token_url,
            redirect_url,
            scopes: Vec::new(),
            audience: None,
            issuer: None,
            jwks_uri: None,
            iss_required: false,
            extra_params: Vec::new(),
        }
    }

    /// A flow for an authorization server found by
    /// [`IssuerMetadata::discover`]: its authorize and token endpoints, and its issuer and
    /// JWK Set for checking the callback's `iss` and the `id_token`.
    pub fn from_metadata(
        client_id: impl Into<String>,
        client_secret: Option<SecretString>,
        metadata: &IssuerMetadata,
        redirect_url: Url,
    ) -> Self {
        let mut flow = Self::new(
            client_id,
            client_secret,
            metadata.authorization_endpoint.clone(),
            metadata.token_endpoint.clone(),
            redirect_url,
        );
        if !metadata.issuer.is_empty() {
            flow.issuer = Some(metadata.issuer.clone());
        }
        flow.jwks_uri = metadata.jwks_uri.clone();
        flow.iss_required = metadata.iss_parameter_supported;
        flow
    }

    /// The expected issuer (the `iss` of the callback and of the `id_token`) and the JWK Set
    /// that signs its `id_token`s. Without them, a callback carrying `iss` or a token
    /// response carrying an `id_token` is refused, since neither can be checked.
    pub fn with_issuer(mut self, issuer: impl Into<String>, jwks_uri: Option<Url>) -> Self {
        self.issuer = Some(issuer.into());
        self.jwks_uri = jwks_uri;
        self
    }

    /// Adds a parameter to the authorization URL, such as `prompt=login`,
    /// `login_hint=…`, `max_age=…` or `ui_locales=…`. The parameters the flow sets itself
    /// (`response_type`, `client_id`, `redirect_uri`, `scope`, `state`, `code_challenge`,
    /// `code_challenge_method`, `nonce`, `aud`, `launch`) are refused with an
    /// [`ErrorKind::Config`] error.
    pub fn with_authorize_param(
        mut self,
        name: impl Into<String>,
        value: impl Into<String>,
    ) -> Result<Self> {
        let name = name.into();
        if name.is_empty() || RESERVED_PARAMS.contains(&name.as_str()) {
            return Err(Error::new(
                ErrorKind::Config,
                "this authorization parameter is set by the flow itself and cannot be added",
            ));
        }
        self.extra_params.push((name, value.into()));
        Ok(self)
    }

    /// The expected issuer, when known.
    pub fn issuer(&self) -> Option<&str> {
        self.issuer.as_deref()
    }

    fn id_token_check(&self) -> Option<IdTokenCheck> {
        Some(IdTokenCheck {
            issuer: self.issuer.clone()?,
            jwks_uri: self.jwks_uri.clone()?,
            client_id: self.client_id.clone(),
        })
    }

    /// The scopes to request, space-separated, e.g.
    /// `launch/patient openid fhirUser offline_access patient/*.rs` (`offline_access` is what
    /// gets a refresh token).
    pub fn with_scopes(mut self, scopes: impl AsRef<str>) -> Self {
        self.scopes = scopes
            .as_ref()
            .split_whitespace()
            .map(str::to_owned)
            .collect();
        self
    }

    /// The `aud` parameter SMART App Launch requires: the FHIR base URL the token is for.
    pub fn with_audience(mut self, aud: impl Into<String>) -> Self {
        self.audience = Some(aud.into());
        self
    }

    /// The client id.
    pub fn client_id(&self) -> &str {
        &self.client_id
    }

    /// The scopes requested.
    pub fn scopes(&self) -> &[String] {
        &self.scopes
    }

    /// The redirect URL registered for the app.
    pub fn redirect_url(&self) -> &Url {
        &self.redirect_url
    }

    /// The token endpoint.
    pub fn token_url(&self) -> &Url {
        &self.token_url
    }

    /// A standalone-launch authorization URL (`response_type=code`, `client_id`,
    /// `redirect_uri`, `scope`, `state`, `code_challenge`, `code_challenge_method=S256`,
    /// `aud` when set, a `nonce` when the scopes include `openid`, and the parameters added
    /// with [`with_authorize_param`](Self::with_authorize_param)), and what to keep until the
    /// callback.
    pub fn authorize_url(&self) -> (Url, PendingAuthorization) {
        self.build_authorize_url(None)
    }

    /// Like [`authorize_url`](Self::authorize_url) for an EHR launch: adds the `launch`
    /// parameter the EHR passed to the app.
    pub fn authorize_url_for_launch(&self, launch: &str) -> (Url, PendingAuthorization) {
        self.build_authorize_url(Some(launch))
    }

    fn build_authorize_url(&self, launch: Option<&str>) -> (Url, PendingAuthorization) {
        let client = oauth_client(
            &self.client_id,
            self.client_secret.as_ref(),
            &self.token_url,
        )
        .set_auth_uri(AuthUrl::from_url(self.authorize_url.clone()))
        .set_redirect_uri(RedirectUrl::from_url(self.redirect_url.clone()));
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        let mut request = client
            .authorize_url(CsrfToken::new_random)
            .add_scopes(self.scopes.iter().cloned().map(Scope::new))
            .set_pkce_challenge(challenge);
        if let Some(aud) = &self.audience {
            request = request.add_extra_param("aud", aud.as_str());
        }
        if let Some(launch) = launch {
            request = request.add_extra_param("launch", launch);
        }
        // OpenID Connect: a nonce binds the id_token to this request.
        let nonce = self
            .scopes
            .iter()
            .any(|s| s == "openid")
            .then(|| CsrfToken::new_random().into_secret());
        if let Some(n) = &nonce {
            request = request.add_extra_param("nonce", n.as_str());
        }
        for (name, value) in &self.extra_params {
            request = request.add_extra_param(name.as_str(), value.as_str());
        }
        let (url, state) = request.url();
        let pending = PendingAuthorization {
            state: SecretString::from(state.into_secret()),
            code_verifier: SecretString::from(verifier.into_secret()),
            nonce: nonce.map(SecretString::from),
        };
        (url, pending)
    }

    /// Completes the flow at the redirect: checks `returned_state` against `pending` (in
    /// constant time; a mismatch is an [`ErrorKind::Auth`] error and nothing is sent), then
    /// exchanges `code` with its PKCE verifier at the token endpoint.
    pub async fn exchange(
        &self,
        endpoint: &TokenEndpoint,
        code: &str,
        returned_state: &str,
        pending: PendingAuthorization,
    ) -> Result<RefreshTokenSource> {
        if !constant_time_eq(
            returned_state.as_bytes(),
            pending.state.expose_secret().as_bytes(),
        ) {
            return Err(Error::new(
                ErrorKind::Auth,
                "authorization response `state` does not match the pending request (possible \
                 CSRF); start a new authorization",
            ));
        }
        if code.is_empty() {
            return Err(Error::new(
                ErrorKind::Auth,
                "authorization response has no code",
            ));
        }
        let client = oauth_client(
            &self.client_id,
            self.client_secret.as_ref(),
            &self.token_url,
        )
        .set_redirect_uri(RedirectUrl::from_url(self.redirect_url.clone()));
        let http = Driver::new(endpoint);
        let now = endpoint.runtime().clock.system_now();
        let wire = client
            .exchange_code(AuthorizationCode::new(code.to_owned()))
            .set_pkce_verifier(PkceCodeVerifier::new(
                pending.code_verifier.expose_secret().to_owned(),
            ))
            .request_async(&http)
            .await
            .map_err(|e| token_error(e, http.take_seen(), false))?;
        let check = self.id_token_check();
        let launch = launch_context(
            &wire,
            check.as_ref(),
            endpoint,
            pending.nonce.as_ref(),
            true,
        )
        .await
        .map_err(|e| e.with_attempts(1))?;
        let (token, refresh) = wire.into_tokens(now)?;
        let source = RefreshTokenSource {
            client_id: self.client_id.clone(),
            client_secret: self.client_secret.clone(),
            token_url: self.token_url.clone(),
            scopes: self.scopes.join(" "),
            session: random_session_id(),
            held: Mutex::new(Held {
                unused: Some(token.clone()),
                latest: Some(token),
                refresh,
                launch: Some(launch),
            }),
            refreshing: tokio::sync::Mutex::new(()),
            id_token_check: check,
        };
        Ok(source)
    }

    /// Completes the flow from the redirect's query (`code`, `state`, and `iss` or `error`):
    /// checks `state` (constant time), then the authorization server's `error` (an
    /// [`ErrorKind::Auth`] error carrying `error` / `error_description`), then `iss` as
    /// RFC 9207 requires (when the response carries `iss` it must equal the expected issuer;
    /// when the server advertises `authorization_response_iss_parameter_supported` it must be
    /// present), then exchanges the code. Nothing is sent when a check fails.
    pub async fn exchange_callback(
        &self,
        endpoint: &TokenEndpoint,
        callback: &AuthorizationResponse,
        pending: PendingAuthorization,
    ) -> Result<RefreshTokenSource> {
        let returned_state = callback.state.as_deref().unwrap_or_default();
        if !constant_time_eq(
            returned_state.as_bytes(),
            pending.state.expose_secret().as_bytes(),
        ) {
            return Err(Error::new(
                ErrorKind::Auth,
                "authorization response `state` does not match the pending request (possible \
                 CSRF); start a new authorization",
            ));
        }
        if let Some(error) = &callback.error {
            return Err(Error::new(
                ErrorKind::Auth,
                "the authorization server refused the authorization request",
            )
            .with_api_error(Some(ApiError::new(
                Some(error.clone()),
                callback.error_description.clone(),
            ))));
        }
        match (&callback.iss, &self.issuer) {
            (Some(got), Some(expected)) if got == expected => {}
            (Some(_), Some(_)) => {
                return Err(Error::new(
                    ErrorKind::Auth,
                    "authorization response `iss` is not the expected issuer (RFC 9207; \
                     possible mix-up attack); nothing was exchanged",
                ));
            }
            (Some(_), None) => {
                return Err(Error::new(
                    ErrorKind::Auth,
                    "authorization response carries `iss` but the flow knows no issuer to \
                     compare it with; build it with from_metadata() or with_issuer()",
                ));
            }
            (None, _) if self.iss_required => {
                return Err(Error::new(
                    ErrorKind::Auth,
                    "authorization response lacks the `iss` its server advertises (RFC 9207)",
                ));
            }
            (None, _) => {}
        }
        let code = callback.code.as_deref().unwrap_or_default();
        self.exchange(endpoint, code, returned_state, pending).await
    }

    /// A [`RefreshTokenSource`] for this app from a stored refresh token (to resume a session
    /// after a restart).
    pub fn resume(&self, refresh_token: SecretString) -> RefreshTokenSource {
        RefreshTokenSource::from_refresh_token(
            self.client_id.clone(),
            self.client_secret.clone(),
            self.token_url.clone(),
            refresh_token,
        )
        .with_scopes(self.scopes.join(" "))
        .with_id_token_check(self.id_token_check())
    }
}

/// The parameters of the redirect back from the authorization server.
#[derive(Clone, Default)]
pub struct AuthorizationResponse {
    /// `code`.
    pub code: Option<String>,
    /// `state`.
    pub state: Option<String>,
    /// `iss` (RFC 9207).
    pub iss: Option<String>,
    /// `error`, when the server refused.
    pub error: Option<String>,
    /// `error_description`.
    pub error_description: Option<String>,
}

impl AuthorizationResponse {
    /// Reads the redirect URL's query.
    pub fn from_url(url: &Url) -> Self {
        Self::from_query(url.query().unwrap_or_default())
    }

    /// Reads a query string (`code=…&state=…&iss=…`); the first of repeated names counts.
    pub fn from_query(query: &str) -> Self {
        let mut r = AuthorizationResponse::default();
        for (k, v) in url::form_urlencoded::parse(query.trim_start_matches('?').as_bytes()) {
            let slot = match k.as_ref() {
                "code" => &mut r.code,
                "state" => &mut r.state,
                "iss" => &mut r.iss,
                "error" => &mut r.error,
                "error_description" => &mut r.error_description,
                _ => continue,
            };
            if slot.is_none() {
                *slot = Some(v.into_owned());
            }
        }
        r
    }
}

impl fmt::Debug for AuthorizationResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AuthorizationResponse")
            .field("code", &self.code.as_ref().map(|_| "<redacted>"))
            .field("state", &self.state.as_ref().map(|_| "<redacted>"))
            .field("iss", &self.iss)
            .field("error", &self.error)
            .finish_non_exhaustive()
    }
}

/// The launch context of a token response, its `id_token` validated when present. With
/// `require_check`, an `id_token` that cannot be checked (no issuer known) is an error;
/// without it (a resumed session), such an `id_token` is dropped unexposed.
async fn launch_context(
    wire: &WireToken,
    check: Option<&IdTokenCheck>,
    endpoint: &TokenEndpoint,
    nonce: Option<&SecretString>,
    require_check: bool,
) -> Result<LaunchContext> {
    let context = LaunchContext::from_members(&wire.extra);
    let id_token = match wire.extra.get("id_token") {
        Some(serde_json::Value::String(t)) if !t.is_empty() => SecretString::from(t.clone()),
        _ => return Ok(context),
    };
    match check {
        Some(check) => {
            let claims = check.validate(endpoint, &id_token, nonce).await?;
            Ok(context.with_id_token(id_token, claims))
        }
        None if require_check => Err(Error::new(
            ErrorKind::Auth,
            "token response carries an id_token but the flow knows no issuer and JWK Set to \
             validate it; build the flow with from_metadata() or with_issuer()",
        )),
        None => {
            tracing::debug!("id_token dropped: no issuer configured to validate it");
            Ok(context)
        }
    }
}

impl fmt::Debug for AuthorizationCodeFlow {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AuthorizationCodeFlow")
            .field("client_id", &self.client_id)
            .field(
                "client_secret",
                &self.client_secret.as_ref().map(|_| "<redacted>"),
            )
            .field("authorize_url", &self.authorize_url.as_str())
            .field("token_url", &self.token_url.as_str())
            .field("redirect_url", &self.redirect_url.as_str())
            .field("scopes", &self.scopes)
            .field("audience", &self.audience)
            .finish()
    }
}

/// What to keep between sending the user to the authorization URL and the callback: the CSRF
/// `state` and the PKCE code verifier. Store it server-side (e.g. in the session); `Debug`
/// prints neither value.
pub struct PendingAuthorization {
    state: SecretString,
    code_verifier: SecretString,
    nonce: Option<SecretString>,
}

impl PendingAuthorization {
    /// Rebuilds a pending authorization from stored parts (add the nonce with
    /// [`with_nonce`](Self::with_nonce) when one was sent).
    pub fn from_parts(state: SecretString, code_verifier: SecretString) -> Self {
        PendingAuthorization {
            state,
            code_verifier,
            nonce: None,
        }
    }

    /// The OpenID Connect `nonce` sent in the authorization URL, which the `id_token` must
    /// echo.
    pub fn with_nonce(mut self, nonce: SecretString) -> Self {
        self.nonce = Some(nonce);
        self
    }

    /// The `nonce` sent (scopes with `openid`), to store with the rest.
    pub fn nonce(&self) -> Option<&SecretString> {
        self.nonce.as_ref()
    }

    /// The `state` sent in the authorization URL.
    pub fn state(&self) -> &SecretString {
        &self.state
    }

    /// The PKCE code verifier (its S256 hash is the URL's `code_challenge`).
    pub fn code_verifier(&self) -> &SecretString {
        &self.code_verifier
    }
}

impl fmt::Debug for PendingAuthorization {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PendingAuthorization")
            .field("state", &"<redacted>")
            .field("code_verifier", &"<redacted>")
            .field("nonce", &self.nonce.as_ref().map(|_| "<redacted>"))
            .finish()
    }
}

/// A [`TokenSource`] for one authorized user: it hands out the access token from the code
/// exchange once, then uses the refresh-token grant, keeping the rotated refresh token when
/// the server sends one. Without a refresh token (no `offline_access`) it fails with an
/// [`ErrorKind::Auth`] error asking for a new authorization.
///
/// Persist [`refresh_token`](Self::refresh_token) after use (it may rotate) and resume with
/// [`from_refresh_token`](Self::from_refresh_token). Refreshes through one source are
/// serialized, so a single-use refresh token is never sent twice. `Debug` prints no token.
pub struct RefreshTokenSource {
    client_id: String,
    client_secret: Option<SecretString>,
    token_url: Url,
    scopes: String,
    session: String,
    held: Mutex<Held>,
    refreshing: tokio::sync::Mutex<()>,
    id_token_check: Option<IdTokenCheck>,
}

struct Held {
    /// The exchanged access token, not yet handed out.
    unused: Option<AccessToken>,
    latest: Option<AccessToken>,
    refresh: Option<SecretString>,
    launch: Option<LaunchContext>,
}

impl RefreshTokenSource {
    /// Resumes from a stored refresh token.
    pub fn from_refresh_token(
        client_id: impl Into<String>,
        client_secret: Option<SecretString>,
        token_url: Url,
        refresh_token: SecretString,
    ) -> Self {
        RefreshTokenSource {
            client_id: client_id.into(),
            client_secret,
            token_url,
            scopes: String::new(),
            session: random_session_id(),
            held: Mutex::new(Held {
                unused: None,
                latest: None,
                refresh: Some(refresh_token),
                launch: None,
            }),
            refreshing: tokio::sync::Mutex::new(()),
            id_token_check: None,
        }
    }

    /// Validates `id_token`s in refresh responses against this issuer and JWK Set (set by
    /// [`AuthorizationCodeFlow::resume`] when the flow knows them). Without it, an `id_token`
    /// in a refresh response is dropped, never exposed unvalidated.
    pub fn with_issuer(mut self, issuer: impl Into<String>, jwks_uri: Url) -> Self {
        self.id_token_check = Some(IdTokenCheck {
            issuer: issuer.into(),
            jwks_uri,
            client_id: self.client_id.clone(),
        });
        self
    }

    fn with_id_token_check(mut self, check: Option<IdTokenCheck>) -> Self {
        if check.is_some() {
            self.id_token_check = check;
        }
        self
    }

    /// The SMART launch context (patient, encounter, `fhirUser`, validated `id_token`, …)
    /// from the code exchange, updated by what later refreshes send.
    pub fn launch_context(&self) -> Option<LaunchContext> {
        self.held().launch.clone()
    }

    /// Records the scopes the session was granted (informational; part of the cache key).
    pub fn with_scopes(mut self, scopes: impl Into<String>) -> Self {
        self.scopes = scopes.into();
        self
    }

    /// Names the session in the [`TokenCache`](super::TokenCache) key (e.g. your user id), so
    /// processes sharing a cache share this user's token. By default the key carries a random
    /// id, so two users of one app never share a cache entry.
    pub fn with_session_id(mut self, id: impl Into<String>) -> Self {
        self.session = id.into();
        self
    }

    /// The current refresh token, to persist (it may have rotated since the last call).
    pub fn refresh_token(&self) -> Option<SecretString> {
        self.held().refresh.clone()
    }

    /// The most recent access token obtained.
    pub fn access_token(&self) -> Option<AccessToken> {
        self.held().latest.clone()
    }

    /// The client id.
    pub fn client_id(&self) -> &str {
        &self.client_id
    }

    /// The token endpoint.
    pub fn token_url(&self) -> &Url {
        &self.token_url
    }

    fn held(&self) -> std::sync::MutexGuard<'_, Held> {
        self.held.lock().unwrap_or_else(|p| p.into_inner())
    }

    async fn refresh(&self, endpoint: &TokenEndpoint) -> Result<AccessToken> {
        // One refresh at a time: a rotated refresh token must not be sent twice.
        let _one = self.refreshing.lock().await;
        let now = endpoint.runtime().clock.system_now();
        let refresh = {
            let mut held = self.held();
            if let Some(token) = held.unused.take()
                && token.is_fresh_at(now)
            {
                return Ok(token);
            }
            held.refresh.clone()
        };
        let Some(refresh) = refresh else {
            return Err(Error::new(
                ErrorKind::Auth,
                "no refresh token (was `offline_access` granted?); the user must authorize the \
                 app again",
            ));
        };
        let client = oauth_client(
            &self.client_id,
            self.client_secret.as_ref(),
            &self.token_url,
        );
        let http = Driver::new(endpoint);
        let refresh_token = RefreshToken::new(refresh.expose_secret().to_owned());
        let wire = client
            .exchange_refresh_token(&refresh_token)
            .request_async(&http)
            .await
            .map_err(|e| token_error(e, http.take_seen(), true))?;
        let context = launch_context(&wire, self.id_token_check.as_ref(), endpoint, None, false)
            .await
            .map_err(|e| e.with_attempts(1))?;
        let (token, rotated) = wire.into_tokens(now)?;
        let mut held = self.held();
        if let Some(rotated) = rotated {
            held.refresh = Some(rotated);
        }
        held.latest = Some(token.clone());
        held.launch = Some(match &held.launch {
            Some(previous) => context.merged_over(previous),
            None => context,
        });
        Ok(token)
    }
}

impl fmt::Debug for RefreshTokenSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let held = self.held();
        f.debug_struct("RefreshTokenSource")
            .field("client_id", &self.client_id)
            .field(
                "client_secret",
                &self.client_secret.as_ref().map(|_| "<redacted>"),
            )
            .field("token_url", &self.token_url.as_str())
            .field("scopes", &self.scopes)
            .field("session", &self.session)
            .field("latest", &held.latest)
            .field("has_refresh_token", &held.refresh.is_some())
            .finish()
    }
}

impl TokenSource for RefreshTokenSource {
    fn fetch_token<'a>(
        &'a self,
        endpoint: &'a TokenEndpoint,
    ) -> BoxFuture<'a, Result<AccessToken>> {
        Box::pin(self.refresh(endpoint))
    }

    fn cache_key(&self) -> String {
        format!(
            "authorization_code|{}|{}|{}|{}",
            self.token_url, self.client_id, self.scopes, self.session
        )
    }
}

type OAuthClient = oauth2::Client<
    BasicErrorResponse,
    WireToken,
    BasicTokenIntrospectionResponse,
    StandardRevocableToken,
    BasicRevocationErrorResponse,
    EndpointNotSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointSet,
>;

fn oauth_client(client_id: &str, secret: Option<&SecretString>, token_url: &Url) -> OAuthClient {
    let client = oauth2::Client::new(ClientId::new(client_id.to_owned()))
        .set_token_uri(TokenUrl::from_url(token_url.clone()));
    match secret {
        Some(s) => client.set_client_secret(ClientSecret::new(s.expose_secret().to_owned())),
        None => client,
    }
}

/// What the token endpoint answered, kept for the error when `oauth2` reports a failure.
struct Seen {
    status: u16,
    request_id: Option<String>,
    api: Option<ApiError>,
}

/// `oauth2`'s async HTTP client: [`TokenEndpoint::execute`], noting the status (and, for a
/// failure, athena/OAuth error fields) for error reporting.
///
/// It owns a clone of the endpoint (a few `Arc`s) rather than borrowing it: a borrowed
/// lifetime here trips rustc's `Send` check of the boxed future (higher-ranked lifetimes).
struct Driver {
    endpoint: TokenEndpoint,
    seen: Mutex<Option<Seen>>,
}

impl Driver {
    fn new(endpoint: &TokenEndpoint) -> Self {
        Driver {
            endpoint: endpoint.clone(),
            seen: Mutex::new(None),
        }
    }

    fn take_seen(&self) -> Option<Seen> {
        self.seen.lock().unwrap_or_else(|p| p.into_inner()).take()
    }
}

impl<'c> oauth2::AsyncHttpClient<'c> for Driver {
    type Error = Error;
    type Future = BoxFuture<'c, Result<oauth2::HttpResponse>>;

    fn call(&'c self, request: oauth2::HttpRequest) -> Self::Future {
        Box::pin(async move {
            let response = self.endpoint.execute(request).await?;
            let failed = !response.status().is_success();
            let seen = Seen {
                status: response.status().as_u16(),
                request_id: header_str(response.headers(), "x-request-id"),
                api: if failed {
                    ApiError::parse(response.body())
                } else {
                    None
                },
            };
            *self.seen.lock().unwrap_or_else(|p| p.into_inner()) = Some(seen);
            Ok(response)
        })
    }
}

/// A value-free error from an `oauth2` failure: never the body, the token or the description.
fn token_error(
    error: RequestTokenError<Error, BasicErrorResponse>,
    seen: Option<Seen>,
    refreshing: bool,
) -> Error {
    let (status, request_id, api) = match seen {
        Some(s) => (Some(s.status), s.request_id, s.api),
        None => (None, None, None),
    };
    let refused = status.is_some_and(|s| !(200..300).contains(&s));
    let err = match error {
        RequestTokenError::Request(e) => return e,
        _ if status == Some(429) => {
            Error::new(ErrorKind::RateLimited, "token endpoint refused the request")
        }
        RequestTokenError::ServerResponse(_) | RequestTokenError::Parse(..) if refused => {
            let invalid_grant = api.as_ref().and_then(ApiError::error) == Some("invalid_grant");
            if refreshing && invalid_grant {
                Error::new(
                    ErrorKind::Auth,
                    "refresh token was rejected (invalid_grant); the user must authorize the app \
                     again",
                )
            } else {
                Error::new(ErrorKind::Auth, "token endpoint refused the request")
            }
        }
        RequestTokenError::Parse(e, _) => Error::new(
            ErrorKind::Auth,
            format!(
                "token response is not the expected JSON (at `{}`)",
                e.path()
            ),
        ),
        _ => Error::new(
            ErrorKind::Auth,
            "token endpoint sent an unexpected response (not JSON, empty, or an unexpected status)",
        ),
    };
    let err = err
        .with_endpoint("POST", ROUTE)
        .with_request_id(request_id)
        .with_api_error(api)
        // The driver sends one request per exchange and never retries.
        .with_attempts(u32::from(status.is_some()));
    match status {
        Some(s) => err.with_status(s),
        None => err,
    }
}

/// The token response as `oauth2` sees it, lenient where athena differs from RFC 6749:
/// `expires_in` may be a string (`"3600"`) and `token_type` may be missing.
#[derive(Debug, Serialize, Deserialize)]
struct WireToken {
    access_token: oauth2::AccessToken,
    #[serde(default = "bearer", deserialize_with = "lenient_token_type")]
    token_type: BasicTokenType,
    #[serde(default, deserialize_with = "lenient_seconds")]
    expires_in: Option<u64>,
    #[serde(default)]
    refresh_token: Option<RefreshToken>,
    #[serde(default, rename = "scope", deserialize_with = "space_delimited")]
    scopes: Option<Vec<Scope>>,
    /// Everything else: SMART launch context (`patient`, `encounter`, …) and `id_token`.
    #[serde(flatten)]
    extra: serde_json::Map<String, serde_json::Value>,
}

impl WireToken {
    fn into_tokens(
        self,
        now: std::time::SystemTime,
    ) -> Result<(AccessToken, Option<SecretString>)> {
        if self.access_token.secret().is_empty() {
            return Err(
                Error::new(ErrorKind::Auth, "token response has an empty access_token")
                    .with_endpoint("POST", ROUTE),
            );
        }
        let refresh = self
            .refresh_token
            .filter(|r| !r.secret().is_empty())
            .map(|r| SecretString::from(r.into_secret()));
        let response = TokenResponse {
            access_token: SecretString::from(self.access_token.into_secret()),
            expires_in: self.expires_in.map(Duration::from_secs),
            token_type: Some(self.token_type.as_ref().to_owned()),
            scope: self
                .scopes
                .map(|s| s.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(" ")),
            refresh_token: None,
        };
        Ok((response.into_access_token(now), refresh))
    }
}

impl oauth2::TokenResponse for WireToken {
    type TokenType = BasicTokenType;

    fn access_token(&self) -> &oauth2::AccessToken {
        &self.access_token
    }
    fn token_type(&self) -> &BasicTokenType {
        &self.token_type
    }
    fn expires_in(&self) -> Option<Duration> {
        self.expires_in.map(Duration::from_secs)
    }
    fn refresh_token(&self) -> Option<&RefreshToken> {
        self.refresh_token.as_ref()
    }
    fn scopes(&self) -> Option<&Vec<Scope>> {
        self.scopes.as_ref()
    }
}

fn bearer() -> BasicTokenType {
    BasicTokenType::Bearer
}

fn lenient_token_type<'de, D: Deserializer<'de>>(
    d: D,
) -> std::result::Result<BasicTokenType, D::Error> {
    Ok(match Option::<String>::deserialize(d)? {
        None => BasicTokenType::Bearer,
        Some(t) if t.eq_ignore_ascii_case("bearer") => BasicTokenType::Bearer,
        Some(t) if t.eq_ignore_ascii_case("mac") => BasicTokenType::Mac,
        Some(t) => BasicTokenType::Extension(t),
    })
}

/// A number or a numeric string of seconds, clamped like every other `expires_in`; anything
/// else is "not said".
fn lenient_seconds<'de, D: Deserializer<'de>>(d: D) -> std::result::Result<Option<u64>, D::Error> {
    let value = serde_json::Value::deserialize(d)?;
    Ok(super::endpoint::lifetime_from_json(&value).map(|d| d.as_secs()))
}

fn space_delimited<'de, D: Deserializer<'de>>(
    d: D,
) -> std::result::Result<Option<Vec<Scope>>, D::Error> {
    Ok(Option::<String>::deserialize(d)?.map(|s| {
        s.split_whitespace()
            .map(|s| Scope::new(s.to_owned()))
            .collect()
    }))
}

/// Compares without an early exit, so the time taken does not reveal how much of a guessed
/// `state` was right. (The length is not secret: every `state` we issue has the same length.)
pub(crate) fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let diff = a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y));
    std::hint::black_box(diff) == 0
}

fn random_session_id() -> String {
    CsrfToken::new_random_len(12).into_secret()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn constant_time_eq_compares_whole_values() {
        assert!(constant_time_eq(b"abc", b"abc"));
        assert!(!constant_time_eq(b"abc", b"abd"));
        assert!(!constant_time_eq(b"xbc", b"abc"));
        assert!(!constant_time_eq(b"abc", b"abcd"));
        assert!(!constant_time_eq(b"", b"a"));
        assert!(constant_time_eq(b"", b""));
    }

    #[test]
    fn token_responses_are_read_leniently() {
        let wire: WireToken = serde_json::from_str(
            r#"{"access_token":"a","expires_in":"3600","scope":"openid  fhirUser"}"#,
        )
        .unwrap();
        assert_eq!(wire.expires_in, Some(3600));
        assert_eq!(wire.token_type, BasicTokenType::Bearer);
        let scopes: Vec<&str> = wire
            .scopes
            .as_ref()
            .unwrap()
            .iter()
            .map(|s| s.as_str())
            .collect();
        assert_eq!(scopes, ["openid", "fhirUser"]);

        let wire: WireToken = serde_json::from_str(
            r#"{"access_token":"a","token_type":"MAC","expires_in":299.9,"refresh_token":"r"}"#,
        )
        .unwrap();
        assert_eq!(wire.expires_in, Some(299));
        assert_eq!(wire.token_type, BasicTokenType::Mac);
        assert!(wire.refresh_token.is_some());

        let wire: WireToken =
            serde_json::from_str(r#"{"access_token":"a","expires_in":-5}"#).unwrap();
        assert_eq!(wire.expires_in, Some(0), "negative is already expired");
        for odd in [r#""soon""#, "null", "true"] {
            let wire: WireToken =
                serde_json::from_str(&format!(r#"{{"access_token":"a","expires_in":{odd}}}"#))
                    .unwrap();
            assert_eq!(wire.expires_in, None, "{odd}");
        }
    }

    #[test]
    fn an_empty_access_token_is_refused() {
        let wire: WireToken = serde_json::from_str(r#"{"access_token":""}"#).unwrap();
        let err = wire.into_tokens(std::time::SystemTime::now()).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Auth);
    }
}
