//! OpenID Connect and SMART App Launch around the authorization-code flow: discovery of the
//! authorization server ([`IssuerMetadata`]), the launch context a token response carries
//! ([`LaunchContext`]), and validation of the `id_token` (signature against the issuer's
//! JWK Set, `iss`, `aud`, `exp`, `nonce`).

use std::fmt;
use std::time::UNIX_EPOCH;

use jsonwebtoken::jwk::Jwk;
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use secrecy::{ExposeSecret, SecretString};
use serde_json::{Map, Value};
use url::Url;

use super::TokenEndpoint;
use crate::error::{Error, ErrorKind, Result};

/// How far an `id_token`'s `exp` may lie in the past (clock skew).
pub const ID_TOKEN_LEEWAY_SECS: u64 = 60;

/// What an authorization server publishes about itself, as far as the authorization-code
/// flow needs it: where to send the user, where to exchange the code, who signs the
/// `id_token` and with which keys, and whether the authorization response carries `iss`
/// (RFC 9207).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IssuerMetadata {
    /// The issuer identifier (`iss` of its `id_token`s and of its authorization responses).
    pub issuer: String,
    /// `authorization_endpoint`.
    pub authorization_endpoint: Url,
    /// `token_endpoint`.
    pub token_endpoint: Url,
    /// `jwks_uri`: the keys that sign the `id_token`.
    pub jwks_uri: Option<Url>,
    /// `authorization_response_iss_parameter_supported` (RFC 9207): when true, a callback
    /// without `iss` is refused.
    pub iss_parameter_supported: bool,
}

impl IssuerMetadata {
    /// Reads `{base}/.well-known/smart-configuration` (SMART App Launch), or, when that is
    /// missing, `{base}/.well-known/openid-configuration` (OpenID Connect Discovery). When
    /// the SMART document names an `issuer` but no `jwks_uri`, the issuer's OpenID document
    /// supplies it. `base` is a FHIR base URL or an issuer.
    ///
    /// Errors ([`ErrorKind::Auth`]) name the document and the missing member, never a URL.
    pub async fn discover(endpoint: &TokenEndpoint, base: &Url) -> Result<IssuerMetadata> {
        let smart = endpoint
            .get_json(
                &well_known(base, "smart-configuration"),
                "SMART configuration",
            )
            .await;
        let (doc, from_openid) = match smart {
            Ok(doc) => (doc, false),
            Err(_) => (
                endpoint
                    .get_json(
                        &well_known(base, "openid-configuration"),
                        "OpenID configuration",
                    )
                    .await?,
                true,
            ),
        };
        let mut meta = Self::from_document(&doc)?;
        if from_openid {
            // OpenID Connect Discovery §4.3: the document is the issuer's own.
            if meta.issuer.trim_end_matches('/') != base.as_str().trim_end_matches('/') {
                return Err(auth(
                    "the OpenID configuration's `issuer` is not the URL it was fetched from",
                ));
            }
            return Ok(meta);
        }
        if meta.jwks_uri.is_none() && !meta.issuer.is_empty() {
            let issuer = Url::parse(&meta.issuer)
                .map_err(|_| auth("the SMART configuration's `issuer` is not a URL"))?;
            if let Ok(openid) = endpoint
                .get_json(
                    &well_known(&issuer, "openid-configuration"),
                    "OpenID configuration",
                )
                .await
            {
                let other = Self::from_document(&openid)?;
                if other.issuer == meta.issuer {
                    meta.jwks_uri = other.jwks_uri;
                    meta.iss_parameter_supported |= other.iss_parameter_supported;
                }
            }
        }
        Ok(meta)
    }

    /// Reads a SMART configuration or OpenID Connect discovery document.
    pub fn from_document(doc: &Value) -> Result<IssuerMetadata> {
        let url = |name: &'static str| -> Result<Option<Url>> {
            match doc.get(name) {
                None | Some(Value::Null) => Ok(None),
                Some(Value::String(s)) => {
                    let u = Url::parse(s).map_err(|_| {
                        Error::new(
                            ErrorKind::Auth,
                            format!("discovery document: `{name}` is not a URL"),
                        )
                    })?;
                    if !secure(&u) {
                        return Err(Error::new(
                            ErrorKind::Auth,
                            format!(
                                "discovery document: `{name}` must be https (http only on loopback)"
                            ),
                        ));
                    }
                    Ok(Some(u))
                }
                Some(_) => Err(Error::new(
                    ErrorKind::Auth,
                    format!("discovery document: `{name}` is not a string"),
                )),
            }
        };
        let required = |name: &'static str| -> Result<Url> {
            url(name)?.ok_or_else(|| {
                Error::new(
                    ErrorKind::Auth,
                    format!("discovery document has no `{name}`"),
                )
            })
        };
        Ok(IssuerMetadata {
            issuer: doc
                .get("issuer")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned(),
            authorization_endpoint: required("authorization_endpoint")?,
            token_endpoint: required("token_endpoint")?,
            jwks_uri: url("jwks_uri")?,
            iss_parameter_supported: doc
                .get("authorization_response_iss_parameter_supported")
                .and_then(Value::as_bool)
                .unwrap_or(false),
        })
    }
}

fn well_known(base: &Url, name: &str) -> Url {
    let mut url = base.clone();
    url.set_query(None);
    url.set_fragment(None);
    let path = format!("{}/.well-known/{name}", base.path().trim_end_matches('/'));
    url.set_path(&path);
    url
}

fn secure(url: &Url) -> bool {
    match url.scheme() {
        "https" => true,
        "http" => crate::client::is_loopback(url),
        _ => false,
    }
}

/// The SMART launch context that comes with a user's token: the patient and encounter in
/// context, the user (`fhirUser`), the validated `id_token` and its claims, and the other
/// launch parameters the server sent.
///
/// `Debug` says which parts are present, never their values (a patient id identifies a
/// patient).
#[derive(Clone, Default)]
pub struct LaunchContext {
    pub(crate) patient: Option<String>,
    pub(crate) encounter: Option<String>,
    pub(crate) fhir_user: Option<String>,
    pub(crate) id_token: Option<SecretString>,
    pub(crate) id_token_claims: Option<Map<String, Value>>,
    pub(crate) need_patient_banner: Option<bool>,
    pub(crate) smart_style_url: Option<String>,
    pub(crate) intent: Option<String>,
    pub(crate) tenant: Option<String>,
    pub(crate) extra: Map<String, Value>,
}

/// Token response members that are not launch context.
const TOKEN_MEMBERS: &[&str] = &[
    "access_token",
    "token_type",
    "expires_in",
    "refresh_token",
    "scope",
    "id_token",
];

impl LaunchContext {
    /// The FHIR id of the patient in context (`patient`).
    pub fn patient(&self) -> Option<&str> {
        self.patient.as_deref()
    }
    /// The FHIR id of the encounter in context (`encounter`).
    pub fn encounter(&self) -> Option<&str> {
        self.encounter.as_deref()
    }
    /// The signed-in user as a FHIR resource URL: the `id_token`'s `fhirUser` claim (or
    /// SMART v1 `profile`), or a top-level `fhirUser` in the token response.
    pub fn fhir_user(&self) -> Option<&str> {
        self.fhir_user.as_deref()
    }
    /// The `id_token` as received (only ever exposed after it validated).
    pub fn id_token(&self) -> Option<&SecretString> {
        self.id_token.as_ref()
    }
    /// The validated `id_token`'s claims.
    pub fn id_token_claims(&self) -> Option<&Map<String, Value>> {
        self.id_token_claims.as_ref()
    }
    /// `need_patient_banner`.
    pub fn need_patient_banner(&self) -> Option<bool> {
        self.need_patient_banner
    }
    /// `smart_style_url`.
    pub fn smart_style_url(&self) -> Option<&str> {
        self.smart_style_url.as_deref()
    }
    /// `intent`.
    pub fn intent(&self) -> Option<&str> {
        self.intent.as_deref()
    }
    /// `tenant`.
    pub fn tenant(&self) -> Option<&str> {
        self.tenant.as_deref()
    }
    /// Every other member of the token response (e.g. `fhirContext`), as sent.
    pub fn extra(&self) -> &Map<String, Value> {
        &self.extra
    }

    /// The context in a token response's members (the `id_token` is handled separately).
    pub(crate) fn from_members(members: &Map<String, Value>) -> LaunchContext {
        let text = |name: &str| match members.get(name) {
            Some(Value::String(s)) if !s.is_empty() => Some(s.clone()),
            Some(Value::Number(n)) => Some(n.to_string()),
            _ => None,
        };
        let need_patient_banner = match members.get("need_patient_banner") {
            Some(Value::Bool(b)) => Some(*b),
            Some(Value::String(s)) if s.eq_ignore_ascii_case("true") => Some(true),
            Some(Value::String(s)) if s.eq_ignore_ascii_case("false") => Some(false),
            _ => None,
        };
        const KNOWN: &[&str] = &[
            "patient",
            "encounter",
            "fhirUser",
            "need_patient_banner",
            "smart_style_url",
            "intent",
            "tenant",
        ];
        LaunchContext {
            patient: text("patient"),
            encounter: text("encounter"),
            fhir_user: text("fhirUser"),
            id_token: None,
            id_token_claims: None,
            need_patient_banner,
            smart_style_url: text("smart_style_url"),
            intent: text("intent"),
            tenant: text("tenant"),
            extra: members
                .iter()
                .filter(|(k, _)| {
                    !KNOWN.contains(&k.as_str()) && !TOKEN_MEMBERS.contains(&k.as_str())
                })
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect(),
        }
    }

    /// Adds a validated `id_token` and its claims; `fhirUser` (or v1 `profile`) fills in
    /// the user when the response did not name one.
    pub(crate) fn with_id_token(mut self, token: SecretString, claims: Map<String, Value>) -> Self {
        if self.fhir_user.is_none() {
            self.fhir_user = claims
                .get("fhirUser")
                .or_else(|| claims.get("profile"))
                .and_then(Value::as_str)
                .map(str::to_owned);
        }
        self.id_token = Some(token);
        self.id_token_claims = Some(claims);
        self
    }

    /// A refresh's context on top of the previous one: what the refresh says wins, what it
    /// leaves out stays.
    pub(crate) fn merged_over(self, previous: &LaunchContext) -> LaunchContext {
        let mut extra = previous.extra.clone();
        extra.extend(self.extra);
        LaunchContext {
            patient: self.patient.or_else(|| previous.patient.clone()),
            encounter: self.encounter.or_else(|| previous.encounter.clone()),
            fhir_user: self.fhir_user.or_else(|| previous.fhir_user.clone()),
            id_token: self.id_token.or_else(|| previous.id_token.clone()),
            id_token_claims: self
                .id_token_claims
                .or_else(|| previous.id_token_claims.clone()),
            need_patient_banner: self.need_patient_banner.or(previous.need_patient_banner),
            smart_style_url: self
                .smart_style_url
                .or_else(|| previous.smart_style_url.clone()),
            intent: self.intent.or_else(|| previous.intent.clone()),
            tenant: self.tenant.or_else(|| previous.tenant.clone()),
            extra,
        }
    }
}

impl fmt::Debug for LaunchContext {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let present = |o: bool| if o { "<present>" } else { "<absent>" };
        f.debug_struct("LaunchContext")
            .field("patient", &present(self.patient.is_some()))
            .field("encounter", &present(self.encounter.is_some()))
            .field("fhir_user", &present(self.fhir_user.is_some()))
            .field("id_token", &present(self.id_token.is_some()))
            .field("need_patient_banner", &self.need_patient_banner)
            .field("intent", &present(self.intent.is_some()))
            .field("extra_members", &self.extra.keys().collect::<Vec<_>>())
            .finish()
    }
}

/// Who must have signed an `id_token`, and for whom.
#[derive(Debug, Clone)]
pub(crate) struct IdTokenCheck {
    pub(crate) issuer: String,
    pub(crate) jwks_uri: Url,
    pub(crate) client_id: String,
}

/// The asymmetric algorithms an `id_token` may be signed with (never `HS*`, never `none`).
const ALLOWED: &[Algorithm] = &[
    Algorithm::RS256,
    Algorithm::RS384,
    Algorithm::RS512,
    Algorithm::PS256,
    Algorithm::PS384,
    Algorithm::PS512,
    Algorithm::ES256,
    Algorithm::ES384,
    Algorithm::EdDSA,
];

fn auth(message: &'static str) -> Error {
    Error::new(ErrorKind::Auth, message)
}

impl IdTokenCheck {
    /// Validates `id_token`: its signature against a key of the issuer's JWK Set (fetched
    /// now), `iss` = the issuer, `aud` = the client id (and `azp` when there are several
    /// audiences), `exp` not past (60 s leeway, by the client's clock), and `nonce` when one
    /// was sent. Returns the claims. Errors are [`ErrorKind::Auth`] and name the check that
    /// failed, never a claim value.
    pub(crate) async fn validate(
        &self,
        endpoint: &TokenEndpoint,
        id_token: &SecretString,
        nonce: Option<&SecretString>,
    ) -> Result<Map<String, Value>> {
        let jwt = id_token.expose_secret();
        let header =
            jsonwebtoken::decode_header(jwt).map_err(|_| auth("id_token is not a signed JWT"))?;
        if !ALLOWED.contains(&header.alg) {
            return Err(auth(
                "id_token is signed with an algorithm that is not accepted (HS* and none are refused)",
            ));
        }
        let jwks = endpoint
            .get_json(&self.jwks_uri, "issuer's JWK Set")
            .await?;
        let keys: Vec<Jwk> = jwks
            .get("keys")
            .and_then(Value::as_array)
            .ok_or_else(|| auth("the issuer's JWK Set has no `keys` array"))?
            .iter()
            .filter_map(|k| serde_json::from_value::<Jwk>(k.clone()).ok())
            .filter(|k| {
                !matches!(
                    k.common.public_key_use,
                    Some(jsonwebtoken::jwk::PublicKeyUse::Encryption)
                )
            })
            .collect();
        let jwk = match &header.kid {
            Some(kid) => keys
                .iter()
                .find(|k| k.common.key_id.as_deref() == Some(kid.as_str())),
            None if keys.len() == 1 => keys.first(),
            None => None,
        }
        .ok_or_else(|| auth("no key of the issuer's JWK Set matches the id_token's `kid`"))?;
        let key = DecodingKey::from_jwk(jwk)
            .map_err(|_| auth("the issuer's JWK for the id_token is not a usable public key"))?;
        let mut validation = Validation::new(header.alg);
        validation.set_issuer(&[self.issuer.as_str()]);
        validation.set_audience(&[self.client_id.as_str()]);
        validation.set_required_spec_claims(&["iss", "aud", "sub", "exp"]);
        // `exp` is checked below against the client's (injectable) clock.
        validation.validate_exp = false;
        validation.validate_nbf = false;
        let data =
            jsonwebtoken::decode::<Map<String, Value>>(jwt, &key, &validation).map_err(|e| {
                use jsonwebtoken::errors::ErrorKind as J;
                auth(match e.kind() {
                    J::InvalidSignature => {
                        "id_token signature does not verify against the issuer's JWK Set"
                    }
                    J::InvalidIssuer => "id_token `iss` is not the expected issuer",
                    J::InvalidAudience => "id_token `aud` does not name this client",
                    J::MissingRequiredClaim(_) => {
                        "id_token lacks a required claim (iss, aud, sub, exp)"
                    }
                    J::InvalidAlgorithm => "id_token algorithm does not match the issuer's key",
                    _ => "id_token is not valid",
                })
            })?;
        let claims = data.claims;
        let now = endpoint
            .runtime()
            .clock
            .system_now()
            .duration_since(UNIX_EPOCH)
            .unwrap_or_default()
            .as_secs_f64();
        let exp = claims
            .get("exp")
            .and_then(Value::as_f64)
            .ok_or_else(|| auth("id_token `exp` is not a number"))?;
        if exp + (ID_TOKEN_LEEWAY_SECS as f64) < now {
            return Err(auth("id_token has expired"));
        }
        if let Some(Value::Array(auds)) = claims.get("aud")
            && auds.len() > 1
            && claims.get("azp").and_then(Value::as_str) != Some(self.client_id.as_str())
        {
            return Err(auth(
                "id_token has several audiences but `azp` is not this client",
            ));
        }
        if let Some(expected) = nonce {
            let got = claims
                .get("nonce")
                .and_then(Value::as_str)
                .unwrap_or_default();
            if !super::authorization_code::constant_time_eq(
                got.as_bytes(),
                expected.expose_secret().as_bytes(),
            ) {
                return Err(auth(
                    "id_token `nonce` does not match the authorization request",
                ));
            }
        }
        Ok(claims)
    }
}
