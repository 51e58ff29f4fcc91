//! The authorization-code flow's checks against a scripted issuer: `id_token` validation
//! (signature against the issuer's JWK Set, `iss`, `aud`, `exp`, `nonce`, algorithm, `kid`),
//! the callback's `state`, `error` and `iss` (RFC 9207), extra authorize parameters,
//! discovery, the launch context, and the token URL in the builder one-liners.
//!
//! The issuer's signing key is a committed test-only key (`tests/keys/`).

use std::time::UNIX_EPOCH;

use athena_core::auth::TokenSource;
use athena_core::auth::authorization_code::{
    AuthorizationCodeFlow, AuthorizationResponse, PendingAuthorization, RefreshTokenSource,
};
use athena_core::auth::oidc::IssuerMetadata;
use athena_core::auth::smart::{SigningAlgorithm, SigningKey};
use athena_core::runtime::{ManualClock, Runtime};
use athena_core::{Client, ClientBuilder, ErrorKind};
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use secrecy::{ExposeSecret, SecretString};
use url::Url;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const IDP_KEY: &str = include_str!("../keys/test-idp-es384.pkcs8.pem");
const IDP_JWK: &str = include_str!("../keys/test-idp-es384.public.jwk.json");
const OTHER_KEY: &str = include_str!("../keys/other-es384.pkcs8.pem");
const KID: &str = "test-idp-es384";
const CLIENT: &str = "app-7";
const REDIRECT: &str = "https://app.example.com/callback";
const PATIENT: &str = "pat-8812";

struct Issuer {
    server: MockServer,
    clock: ManualClock,
    client: Client,
}

impl Issuer {
    async fn start() -> Issuer {
        let server = MockServer::start().await;
        let jwk: serde_json::Value = serde_json::from_str(IDP_JWK).unwrap();
        Mock::given(method("GET"))
            .and(path("/jwks"))
            .respond_with(
                ResponseTemplate::new(200).set_body_json(serde_json::json!({ "keys": [jwk] })),
            )
            .mount(&server)
            .await;
        let clock = ManualClock::new();
        let client = Client::builder()
            .base_url(server.uri())
            .anonymous()
            .runtime(Runtime::manual(&clock, 0.5))
            .build()
            .unwrap();
        Issuer {
            server,
            clock,
            client,
        }
    }

    fn iss(&self) -> String {
        self.server.uri()
    }

    fn url(&self, p: &str) -> Url {
        Url::parse(&format!("{}{p}", self.server.uri())).unwrap()
    }

    fn flow(&self) -> AuthorizationCodeFlow {
        AuthorizationCodeFlow::new(
            CLIENT,
            None,
            self.url("/auth"),
            self.url("/token"),
            Url::parse(REDIRECT).unwrap(),
        )
        .with_scopes("openid fhirUser launch/patient patient/*.rs")
        .with_issuer(self.iss(), Some(self.url("/jwks")))
    }

    fn now(&self) -> u64 {
        self.clock.system_now_secs()
    }

    /// Claims of a valid id_token for `nonce`.
    fn claims(&self, nonce: &str) -> serde_json::Value {
        serde_json::json!({
            "iss": self.iss(),
            "sub": "user-1",
            "aud": CLIENT,
            "iat": self.now(),
            "exp": self.now() + 300,
            "nonce": nonce,
            "fhirUser": "Practitioner/prac-1",
        })
    }

    async fn token_answers(&self, id_token: Option<String>) {
        let mut body = serde_json::json!({
            "access_token": "at-1",
            "token_type": "Bearer",
            "expires_in": 300,
            "refresh_token": "rt-1",
            "patient": PATIENT,
            "encounter": "enc-2",
            "fhirContext": [{"reference": "DocumentReference/d-1"}],
        });
        if let Some(t) = id_token {
            body["id_token"] = serde_json::Value::String(t);
        }
        Mock::given(method("POST"))
            .and(path("/token"))
            .respond_with(ResponseTemplate::new(200).set_body_json(body))
            .mount(&self.server)
            .await;
    }

    async fn token_requests(&self) -> usize {
        self.server
            .received_requests()
            .await
            .unwrap()
            .iter()
            .filter(|r| r.url.path() == "/token")
            .count()
    }
}

trait SecsSinceEpoch {
    fn system_now_secs(&self) -> u64;
}

impl SecsSinceEpoch for ManualClock {
    fn system_now_secs(&self) -> u64 {
        use athena_core::runtime::Clock;
        self.system_now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .as_secs()
    }
}

fn sign(claims: &serde_json::Value, pem: &str, kid: Option<&str>) -> String {
    let mut header = Header::new(Algorithm::ES384);
    header.kid = kid.map(str::to_owned);
    jsonwebtoken::encode(
        &header,
        claims,
        &EncodingKey::from_ec_pem(pem.as_bytes()).unwrap(),
    )
    .unwrap()
}

fn nonce_of(pending: &PendingAuthorization) -> String {
    pending
        .nonce()
        .expect("a nonce for openid")
        .expose_secret()
        .to_owned()
}

fn callback(issuer: &Issuer, pending: &PendingAuthorization) -> AuthorizationResponse {
    AuthorizationResponse {
        code: Some("code-1".to_owned()),
        state: Some(pending.state().expose_secret().to_owned()),
        iss: Some(issuer.iss()),
        ..AuthorizationResponse::default()
    }
}

// ---------------------------------------------------------------------------------------
// id_token

#[tokio::test]
async fn a_valid_id_token_gives_the_launch_context() {
    let issuer = Issuer::start().await;
    let flow = issuer.flow();
    let (url, pending) = flow.authorize_url();
    let nonce = nonce_of(&pending);
    assert!(url.query_pairs().any(|(k, v)| k == "nonce" && v == nonce));
    let id_token = sign(&issuer.claims(&nonce), IDP_KEY, Some(KID));
    issuer.token_answers(Some(id_token.clone())).await;
    let source = flow
        .exchange_callback(
            &issuer.client.token_endpoint(),
            &callback(&issuer, &pending),
            pending,
        )
        .await
        .unwrap();
    let launch = source.launch_context().unwrap();
    assert_eq!(launch.patient(), Some(PATIENT));
    assert_eq!(launch.encounter(), Some("enc-2"));
    assert_eq!(launch.fhir_user(), Some("Practitioner/prac-1"));
    assert_eq!(launch.id_token().unwrap().expose_secret(), id_token);
    assert_eq!(launch.id_token_claims().unwrap()["sub"], "user-1");
    assert!(launch.extra().contains_key("fhirContext"));
    assert!(!launch.extra().contains_key("access_token"));
    let debug = format!("{launch:?}");
    assert!(
        !debug.contains(PATIENT) && !debug.contains("prac-1"),
        "{debug}"
    );
}

/// Exchanges with an id_token built by `make` and returns the error message.
async fn refused(make: impl FnOnce(&Issuer, &str) -> String) -> String {
    let issuer = Issuer::start().await;
    let flow = issuer.flow();
    let (_, pending) = flow.authorize_url();
    let nonce = nonce_of(&pending);
    issuer.token_answers(Some(make(&issuer, &nonce))).await;
    let err = flow
        .exchange_callback(
            &issuer.client.token_endpoint(),
            &callback(&issuer, &pending),
            pending,
        )
        .await
        .expect_err("the id_token must be refused");
    assert_eq!(err.kind(), ErrorKind::Auth);
    let text = err.to_string();
    assert!(
        !text.contains("user-1") && !text.contains(&nonce),
        "no claim value in {text}"
    );
    text
}

#[tokio::test]
async fn a_forged_signature_is_refused() {
    let msg = refused(|i, n| sign(&i.claims(n), OTHER_KEY, Some(KID))).await;
    assert!(msg.contains("signature"), "{msg}");
}

#[tokio::test]
async fn another_issuer_is_refused() {
    let msg = refused(|i, n| {
        let mut c = i.claims(n);
        c["iss"] = "https://evil.example".into();
        sign(&c, IDP_KEY, Some(KID))
    })
    .await;
    assert!(msg.contains("iss"), "{msg}");
}

#[tokio::test]
async fn another_audience_is_refused() {
    let msg = refused(|i, n| {
        let mut c = i.claims(n);
        c["aud"] = "someone-else".into();
        sign(&c, IDP_KEY, Some(KID))
    })
    .await;
    assert!(msg.contains("aud"), "{msg}");
    let msg = refused(|i, n| {
        let mut c = i.claims(n);
        c["aud"] = serde_json::json!([CLIENT, "someone-else"]);
        c["azp"] = "someone-else".into();
        sign(&c, IDP_KEY, Some(KID))
    })
    .await;
    assert!(msg.contains("azp"), "{msg}");
}

#[tokio::test]
async fn an_expired_id_token_is_refused() {
    let msg = refused(|i, n| {
        let mut c = i.claims(n);
        c["exp"] = (i.now() - 120).into();
        sign(&c, IDP_KEY, Some(KID))
    })
    .await;
    assert!(msg.contains("expired"), "{msg}");
}

#[tokio::test]
async fn a_wrong_or_missing_nonce_is_refused() {
    let msg = refused(|i, _| sign(&i.claims("another-nonce"), IDP_KEY, Some(KID))).await;
    assert!(msg.contains("nonce"), "{msg}");
    let msg = refused(|i, n| {
        let mut c = i.claims(n);
        c.as_object_mut().unwrap().remove("nonce");
        sign(&c, IDP_KEY, Some(KID))
    })
    .await;
    assert!(msg.contains("nonce"), "{msg}");
}

#[tokio::test]
async fn symmetric_algorithms_and_unknown_keys_are_refused() {
    let msg = refused(|i, n| {
        jsonwebtoken::encode(
            &Header::new(Algorithm::HS256),
            &i.claims(n),
            &EncodingKey::from_secret(b"shared"),
        )
        .unwrap()
    })
    .await;
    assert!(msg.contains("algorithm"), "{msg}");
    let msg = refused(|i, n| sign(&i.claims(n), IDP_KEY, Some("no-such-kid"))).await;
    assert!(msg.contains("kid"), "{msg}");
    let msg = refused(|_, _| "not.a.jwt".to_owned()).await;
    assert!(msg.contains("JWT"), "{msg}");
}

#[tokio::test]
async fn an_id_token_without_a_known_issuer_is_refused() {
    let issuer = Issuer::start().await;
    let flow = AuthorizationCodeFlow::new(
        CLIENT,
        None,
        issuer.url("/auth"),
        issuer.url("/token"),
        Url::parse(REDIRECT).unwrap(),
    )
    .with_scopes("openid");
    let (_, pending) = flow.authorize_url();
    let nonce = nonce_of(&pending);
    issuer
        .token_answers(Some(sign(&issuer.claims(&nonce), IDP_KEY, Some(KID))))
        .await;
    let state = pending.state().expose_secret().to_owned();
    let err = flow
        .exchange(&issuer.client.token_endpoint(), "code-1", &state, pending)
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Auth);
    assert!(err.to_string().contains("id_token"), "{err}");
}

#[tokio::test]
async fn a_refresh_without_an_issuer_drops_the_id_token_unexposed() {
    let issuer = Issuer::start().await;
    issuer
        .token_answers(Some(sign(&issuer.claims("n"), OTHER_KEY, Some(KID))))
        .await;
    let source = RefreshTokenSource::from_refresh_token(
        CLIENT,
        None,
        issuer.url("/token"),
        SecretString::from("rt-0".to_owned()),
    );
    source
        .fetch_token(&issuer.client.token_endpoint())
        .await
        .unwrap();
    let launch = source.launch_context().unwrap();
    assert!(launch.id_token().is_none());
    assert_eq!(launch.patient(), Some(PATIENT));

    // With the issuer known, the same forged id_token fails the refresh.
    let checked = RefreshTokenSource::from_refresh_token(
        CLIENT,
        None,
        issuer.url("/token"),
        SecretString::from("rt-0".to_owned()),
    )
    .with_issuer(issuer.iss(), issuer.url("/jwks"));
    let err = checked
        .fetch_token(&issuer.client.token_endpoint())
        .await
        .unwrap_err();
    assert!(err.to_string().contains("signature"), "{err}");
}

// ---------------------------------------------------------------------------------------
// The callback

#[tokio::test]
async fn a_callback_from_another_issuer_is_refused_before_any_request() {
    let issuer = Issuer::start().await;
    issuer.token_answers(None).await;
    let flow = issuer.flow();
    let (_, pending) = flow.authorize_url();
    let mut response = callback(&issuer, &pending);
    response.iss = Some("https://attacker.example".to_owned());
    let err = flow
        .exchange_callback(&issuer.client.token_endpoint(), &response, pending)
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Auth);
    assert!(err.to_string().contains("iss"), "{err}");
    assert!(!err.to_string().contains("attacker"), "{err}");
    assert_eq!(issuer.token_requests().await, 0);
}

#[tokio::test]
async fn an_advertised_iss_must_be_present() {
    let issuer = Issuer::start().await;
    issuer.token_answers(None).await;
    let meta = IssuerMetadata::from_document(&serde_json::json!({
        "issuer": issuer.iss(),
        "authorization_endpoint": issuer.url("/auth").as_str(),
        "token_endpoint": issuer.url("/token").as_str(),
        "jwks_uri": issuer.url("/jwks").as_str(),
        "authorization_response_iss_parameter_supported": true,
    }))
    .unwrap();
    let flow =
        AuthorizationCodeFlow::from_metadata(CLIENT, None, &meta, Url::parse(REDIRECT).unwrap())
            .with_scopes("patient/*.rs");
    let (_, pending) = flow.authorize_url();
    let mut response = callback(&issuer, &pending);
    response.iss = None;
    let err = flow
        .exchange_callback(&issuer.client.token_endpoint(), &response, pending)
        .await
        .unwrap_err();
    assert!(err.to_string().contains("iss"), "{err}");
    assert_eq!(issuer.token_requests().await, 0);

    // With it, the exchange goes through.
    let (_, pending) = flow.authorize_url();
    let response = callback(&issuer, &pending);
    flow.exchange_callback(&issuer.client.token_endpoint(), &response, pending)
        .await
        .unwrap();
    assert_eq!(issuer.token_requests().await, 1);
}

#[tokio::test]
async fn error_and_state_of_the_callback_are_checked() {
    let issuer = Issuer::start().await;
    issuer.token_answers(None).await;
    let flow = issuer.flow();
    let (_, pending) = flow.authorize_url();
    let query = format!(
        "error=access_denied&error_description=user+said+no&state={}&iss={}",
        pending.state().expose_secret(),
        issuer.iss()
    );
    let response = AuthorizationResponse::from_query(&query);
    let err = flow
        .exchange_callback(&issuer.client.token_endpoint(), &response, pending)
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Auth);
    let api = err.api_error().unwrap();
    assert_eq!(api.error(), Some("access_denied"));
    assert_eq!(api.detailed_message(), Some("user said no"));

    let (_, pending) = flow.authorize_url();
    let mut response = callback(&issuer, &pending);
    response.state = Some("forged".to_owned());
    let err = flow
        .exchange_callback(&issuer.client.token_endpoint(), &response, pending)
        .await
        .unwrap_err();
    assert!(err.to_string().contains("state"), "{err}");
    assert_eq!(issuer.token_requests().await, 0);
    assert!(!format!("{response:?}").contains("code-1"));
}

#[test]
fn extra_authorize_parameters_are_added_and_reserved_ones_refused() {
    let flow = AuthorizationCodeFlow::new(
        CLIENT,
        None,
        Url::parse("https://idp.example/auth").unwrap(),
        Url::parse("https://idp.example/token").unwrap(),
        Url::parse(REDIRECT).unwrap(),
    )
    .with_scopes("patient/*.rs")
    .with_authorize_param("prompt", "login")
    .unwrap()
    .with_authorize_param("login_hint", "dr@example.com")
    .unwrap();
    let (url, pending) = flow.authorize_url();
    let pairs: Vec<(String, String)> = url.query_pairs().into_owned().collect();
    assert!(pairs.contains(&("prompt".into(), "login".into())));
    assert!(pairs.contains(&("login_hint".into(), "dr@example.com".into())));
    assert!(
        !pairs.iter().any(|(k, _)| k == "nonce"),
        "no openid, no nonce"
    );
    assert!(pending.nonce().is_none());
    for reserved in [
        "state",
        "code_challenge",
        "redirect_uri",
        "client_id",
        "nonce",
        "",
    ] {
        let err = flow
            .clone()
            .with_authorize_param(reserved, "x")
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Config, "{reserved}");
    }
}

// ---------------------------------------------------------------------------------------
// Discovery

#[tokio::test]
async fn discovery_reads_smart_configuration_and_fills_the_jwks_from_openid() {
    let issuer = Issuer::start().await;
    Mock::given(method("GET"))
        .and(path("/fhir/r4/.well-known/smart-configuration"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({
            "issuer": issuer.iss(),
            "authorization_endpoint": issuer.url("/auth").as_str(),
            "token_endpoint": issuer.url("/token").as_str(),
            "capabilities": ["launch-standalone"],
        })))
        .mount(&issuer.server)
        .await;
    Mock::given(method("GET"))
        .and(path("/.well-known/openid-configuration"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({
            "issuer": issuer.iss(),
            "authorization_endpoint": issuer.url("/auth").as_str(),
            "token_endpoint": issuer.url("/token").as_str(),
            "jwks_uri": issuer.url("/jwks").as_str(),
            "authorization_response_iss_parameter_supported": true,
        })))
        .mount(&issuer.server)
        .await;
    let meta = IssuerMetadata::discover(&issuer.client.token_endpoint(), &issuer.url("/fhir/r4"))
        .await
        .unwrap();
    assert_eq!(meta.issuer, issuer.iss());
    assert_eq!(meta.jwks_uri, Some(issuer.url("/jwks")));
    assert!(meta.iss_parameter_supported);
    assert_eq!(meta.token_endpoint, issuer.url("/token"));
}

#[test]
fn discovery_documents_are_checked() {
    let missing = IssuerMetadata::from_document(&serde_json::json!({
        "authorization_endpoint": "https://idp.example/auth",
    }))
    .unwrap_err();
    assert_eq!(missing.kind(), ErrorKind::Auth);
    assert!(missing.to_string().contains("token_endpoint"), "{missing}");
    let insecure = IssuerMetadata::from_document(&serde_json::json!({
        "authorization_endpoint": "https://idp.example/auth",
        "token_endpoint": "https://idp.example/token",
        "jwks_uri": "http://idp.example/jwks",
    }))
    .unwrap_err();
    assert!(insecure.to_string().contains("jwks_uri"), "{insecure}");
    let not_text = IssuerMetadata::from_document(&serde_json::json!({
        "authorization_endpoint": 7,
        "token_endpoint": "https://idp.example/token",
    }))
    .unwrap_err();
    assert!(not_text.to_string().contains("authorization_endpoint"));
}

// ---------------------------------------------------------------------------------------
// The token URL in the builder one-liners

async fn token_at(server: &MockServer, p: &str) {
    Mock::given(method("POST"))
        .and(path(p.to_owned()))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(serde_json::json!({"access_token": "t", "expires_in": 300})),
        )
        .expect(1)
        .mount(server)
        .await;
}

fn on(server: &MockServer) -> ClientBuilder {
    Client::builder()
        .base_url(server.uri())
        .token_url(format!("{}/idp/oauth2/token", server.uri()))
}

#[tokio::test]
async fn client_credentials_use_the_configured_token_url() {
    let server = MockServer::start().await;
    token_at(&server, "/idp/oauth2/token").await;
    let c = on(&server)
        .client_credentials("id", "secret")
        .build()
        .unwrap();
    c.access_token().await.unwrap().unwrap();
}

#[tokio::test]
async fn smart_backend_services_use_the_configured_token_url() {
    let server = MockServer::start().await;
    token_at(&server, "/idp/oauth2/token").await;
    let key = SigningKey::from_pkcs8_pem(SigningAlgorithm::Es384, "k1", IDP_KEY).unwrap();
    let c = on(&server)
        .smart_backend_services("id", key)
        .scope("system/Patient.rs")
        .build()
        .unwrap();
    c.access_token().await.unwrap().unwrap();
    // The assertion's audience is the configured token URL.
    let sent = server.received_requests().await.unwrap();
    let form: Vec<(String, String)> = url::form_urlencoded::parse(&sent[0].body)
        .into_owned()
        .collect();
    let jwt = &form
        .iter()
        .find(|(k, _)| k == "client_assertion")
        .unwrap()
        .1;
    let payload = jwt.split('.').nth(1).unwrap();
    use base64::Engine as _;
    let claims: serde_json::Value = serde_json::from_slice(
        &base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(payload)
            .unwrap(),
    )
    .unwrap();
    assert_eq!(claims["aud"], format!("{}/idp/oauth2/token", server.uri()));
}

#[test]
fn a_token_url_must_be_https_or_loopback_and_is_read_from_the_environment() {
    for bad in ["http://idp.example/token", "not a url", "ftp://127.0.0.1/t"] {
        let err = Client::builder()
            .base_url("https://api.example")
            .client_credentials("a", "b")
            .token_url(bad)
            .build()
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Config, "{bad}");
    }
    let b = ClientBuilder::from_vars(|k| match k {
        "ATHENA_BASE_URL" => Some("http://127.0.0.1:9".into()),
        "ATHENA_CLIENT_ID" | "ATHENA_CLIENT_SECRET" => Some("x".into()),
        "ATHENA_TOKEN_URL" => Some("http://idp.example/token".into()),
        _ => None,
    })
    .unwrap();
    // The variable was read: its plain-http, non-loopback URL is refused.
    assert_eq!(b.build().unwrap_err().kind(), ErrorKind::Config);
}

#[tokio::test]
async fn an_openid_configuration_for_another_issuer_is_refused() {
    let issuer = Issuer::start().await;
    Mock::given(method("GET"))
        .and(path("/.well-known/openid-configuration"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({
            "issuer": "https://other-issuer.example",
            "authorization_endpoint": issuer.url("/auth").as_str(),
            "token_endpoint": issuer.url("/token").as_str(),
            "jwks_uri": issuer.url("/jwks").as_str(),
        })))
        .mount(&issuer.server)
        .await;
    let err = IssuerMetadata::discover(&issuer.client.token_endpoint(), &issuer.url("/"))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Auth);
    assert!(err.to_string().contains("issuer"), "{err}");
}
