//! SMART Backend Services: JWT client assertions signed with the SMART example keys (RS384 and
//! ES384), verified with the matching public JWKs, and the token request against a scripted
//! token endpoint.
//!
//! The example key pairs live outside the repository in `shared/fixtures/smart-jwks`; tests
//! that need them print a notice and return when the directory is absent.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use athena_core::auth::smart::{SigningAlgorithm, SigningKey, SmartBackendServices};
use athena_core::auth::{AccessToken, TokenSource};
use athena_core::runtime::{ManualClock, Runtime};
use athena_core::{Client, ErrorKind, Request};
use base64::Engine as _;
use jsonwebtoken::jwk::Jwk;
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use secrecy::ExposeSecret;
use url::Url;
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const TOKEN_PATH: &str = "/oauth2/v1/token";
const CLIENT_ID: &str = "backend-app-7";
const SCOPE: &str = "system/Patient.rs system/Observation.rs";

fn fixture_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/fixtures/smart-jwks")
}

/// The fixture file `name` as JSON, or `None` (with a notice) when the fixtures are absent.
fn fixture(name: &str) -> Option<serde_json::Value> {
    let file = fixture_dir().join(name);
    match std::fs::read_to_string(&file) {
        Ok(text) => Some(serde_json::from_str(&text).expect("fixture is JSON")),
        Err(_) => {
            eprintln!(
                "skipping: SMART example keys not found at {} (shared fixtures absent)",
                file.display()
            );
            None
        }
    }
}

/// The private entry (the one with `d`) of an example private JWK Set.
fn private_jwk(alg: &str) -> Option<serde_json::Value> {
    let set = fixture(&format!("{alg}.private.json"))?;
    let keys = set["keys"].as_array().expect("keys array");
    Some(
        keys.iter()
            .find(|k| k.get("d").is_some())
            .expect("a private entry")
            .clone(),
    )
}

fn public_jwk(alg: &str) -> Option<Jwk> {
    let set = fixture(&format!("{alg}.public.json"))?;
    Some(serde_json::from_value(set["keys"][0].clone()).expect("public JWK"))
}

fn token_url() -> Url {
    Url::parse("https://api.preview.platform.athenahealth.com/oauth2/v1/token").unwrap()
}

fn fixed_now() -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(1_760_000_000)
}

/// Verifies `jwt` with the public JWK and returns its header and claims.
fn verify(
    jwt: &str,
    public: &Jwk,
    alg: Algorithm,
    aud: &str,
) -> (jsonwebtoken::Header, serde_json::Value) {
    let key = DecodingKey::from_jwk(public).expect("public key");
    let mut validation = Validation::new(alg);
    validation.set_audience(&[aud]);
    validation.set_issuer(&[CLIENT_ID]);
    validation.set_required_spec_claims(&["exp", "iat", "iss", "sub", "aud"]);
    // The fixed test time is in the past; signature and claims are what is checked here.
    validation.validate_exp = false;
    let data = jsonwebtoken::decode::<serde_json::Value>(jwt, &key, &validation)
        .expect("assertion verifies with the public JWK");
    (data.header, data.claims)
}

fn check_assertion(alg_name: &str, alg: Algorithm, expected: SigningAlgorithm) {
    let (Some(private), Some(public)) = (private_jwk(alg_name), public_jwk(alg_name)) else {
        return;
    };
    let key = SigningKey::from_jwk(&private).expect("private JWK is accepted");
    assert_eq!(key.algorithm(), expected);
    assert_eq!(Some(key.kid()), private["kid"].as_str());
    let source = SmartBackendServices::new(CLIENT_ID, token_url(), key).with_scope(SCOPE);

    let jwt = source.assertion(fixed_now()).unwrap();
    let (header, claims) = verify(&jwt, &public, alg, token_url().as_str());
    assert_eq!(header.alg, alg);
    assert_eq!(header.kid.as_deref(), private["kid"].as_str());
    assert_eq!(header.typ.as_deref(), Some("JWT"));
    assert_eq!(header.jku, None);

    let iat = fixed_now().duration_since(UNIX_EPOCH).unwrap().as_secs();
    assert_eq!(claims["iss"], CLIENT_ID);
    assert_eq!(claims["sub"], CLIENT_ID);
    assert_eq!(claims["aud"], token_url().as_str());
    assert_eq!(claims["iat"], iat);
    let exp = claims["exp"].as_u64().unwrap();
    assert!(exp > iat && exp - iat <= 300, "exp - iat = {}", exp - iat);
    let jti = claims["jti"].as_str().unwrap();
    assert_eq!(jti.len(), 32, "128 bits as hex");
    assert!(jti.bytes().all(|b| b.is_ascii_hexdigit()));
    let mut names: Vec<&str> = claims
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    names.sort_unstable();
    assert_eq!(names, ["aud", "exp", "iat", "iss", "jti", "sub"]);

    let (_, again) = verify(
        &source.assertion(fixed_now()).unwrap(),
        &public,
        alg,
        token_url().as_str(),
    );
    assert_ne!(
        again["jti"], claims["jti"],
        "every assertion has a fresh jti"
    );
}

#[test]
fn rs384_assertion_verifies_with_the_public_jwk() {
    check_assertion("RS384", Algorithm::RS384, SigningAlgorithm::Rs384);
}

#[test]
fn es384_assertion_verifies_with_the_public_jwk() {
    check_assertion("ES384", Algorithm::ES384, SigningAlgorithm::Es384);
}

#[test]
fn a_jwk_set_with_one_private_entry_is_accepted_and_jku_goes_in_the_header() {
    let Some(set) = fixture("ES384.private.json") else {
        return;
    };
    let Some(public) = public_jwk("ES384") else {
        return;
    };
    let key = SigningKey::from_jwk_json(&set.to_string()).expect("JWK Set with one private key");
    let jku = Url::parse("https://app.example.com/.well-known/jwks.json").unwrap();
    let source = SmartBackendServices::new(CLIENT_ID, token_url(), key)
        .with_scope(SCOPE)
        .with_jku(jku.clone());
    let (header, _) = verify(
        &source.assertion(fixed_now()).unwrap(),
        &public,
        Algorithm::ES384,
        token_url().as_str(),
    );
    assert_eq!(header.jku.as_deref(), Some(jku.as_str()));
}

#[test]
fn assertion_lifetime_is_clamped_to_five_minutes() {
    let Some(private) = private_jwk("ES384") else {
        return;
    };
    let key = SigningKey::from_jwk(&private).unwrap();
    let source = SmartBackendServices::new(CLIENT_ID, token_url(), key)
        .with_assertion_lifetime(Duration::from_secs(3600));
    let claims = payload(&source.assertion(fixed_now()).unwrap());
    assert_eq!(
        claims["exp"].as_u64().unwrap() - claims["iat"].as_u64().unwrap(),
        300
    );
    let short = source.with_assertion_lifetime(Duration::from_secs(60));
    let claims = payload(&short.assertion(fixed_now()).unwrap());
    assert_eq!(
        claims["exp"].as_u64().unwrap() - claims["iat"].as_u64().unwrap(),
        60
    );
}

fn payload(jwt: &str) -> serde_json::Value {
    let part = jwt.split('.').nth(1).expect("three parts");
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(part)
        .expect("base64url payload");
    serde_json::from_slice(&bytes).unwrap()
}

fn header_json(jwt: &str) -> serde_json::Value {
    let part = jwt.split('.').next().unwrap();
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(part)
        .unwrap();
    serde_json::from_slice(&bytes).unwrap()
}

#[test]
fn assertion_claims_snapshot() {
    let Some(private) = private_jwk("RS384") else {
        return;
    };
    let source = SmartBackendServices::new(
        CLIENT_ID,
        token_url(),
        SigningKey::from_jwk(&private).unwrap(),
    )
    .with_scope(SCOPE);
    let jwt = source.assertion(fixed_now()).unwrap();
    insta::assert_json_snapshot!("assertion_header", header_json(&jwt));
    insta::assert_json_snapshot!("assertion_claims", payload(&jwt), {
        ".iat" => "[iat]",
        ".exp" => "[exp]",
        ".jti" => "[jti]",
    });
}

/// A token endpoint that checks the SMART form and answers athena-style (string `expires_in`),
/// and an API that accepts only the token it issued.
#[tokio::test]
async fn token_request_carries_the_assertion_and_the_token_is_used() {
    let (Some(private), Some(public)) = (private_jwk("ES384"), public_jwk("ES384")) else {
        return;
    };
    let server = MockServer::start().await;
    let token_url = Url::parse(&format!("{}{TOKEN_PATH}", server.uri())).unwrap();
    Mock::given(method("POST"))
        .and(path(TOKEN_PATH))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(
                serde_json::json!({"access_token": "smart-tok-1", "expires_in": "300"}),
            ),
        )
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v1/195900/ping"))
        .and(header("authorization", "Bearer smart-tok-1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({"Pong": "true"})))
        .expect(2)
        .mount(&server)
        .await;

    let source = SmartBackendServices::new(
        CLIENT_ID,
        token_url.clone(),
        SigningKey::from_jwk(&private).unwrap(),
    )
    .with_scope(SCOPE);
    let clock = ManualClock::new();
    let client = Client::builder()
        .base_url(server.uri())
        .token_source(Arc::new(source))
        .runtime(Runtime::manual(&clock, 0.5))
        .build()
        .unwrap();
    let ping = || Request::get("/v1/{practiceid}/ping").path_param("practiceid", 195900);
    let v: serde_json::Value = client.send_json(&ping()).await.unwrap();
    assert_eq!(v["Pong"], "true");
    // Cached: the second call needs no new token.
    let _: serde_json::Value = client.send_json(&ping()).await.unwrap();

    let requests = server.received_requests().await.unwrap();
    let token_requests: Vec<_> = requests
        .iter()
        .filter(|r| r.url.path() == TOKEN_PATH)
        .collect();
    assert_eq!(token_requests.len(), 1);
    let request = token_requests[0];
    assert!(
        request.headers.get("authorization").is_none(),
        "a JWT-authenticated client sends no Basic header"
    );
    let form: Vec<(String, String)> = url::form_urlencoded::parse(&request.body)
        .into_owned()
        .collect();
    let get = |name: &str| {
        let values: Vec<&str> = form
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .collect();
        assert_eq!(values.len(), 1, "exactly one `{name}` in the form");
        values[0].to_owned()
    };
    assert_eq!(get("grant_type"), "client_credentials");
    assert_eq!(get("scope"), SCOPE);
    assert_eq!(
        get("client_assertion_type"),
        "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
    );
    let mut names: Vec<&str> = form.iter().map(|(k, _)| k.as_str()).collect();
    names.sort_unstable();
    assert_eq!(
        names,
        [
            "client_assertion",
            "client_assertion_type",
            "grant_type",
            "scope"
        ]
    );
    let (header, claims) = verify(
        &get("client_assertion"),
        &public,
        Algorithm::ES384,
        token_url.as_str(),
    );
    assert_eq!(header.kid.as_deref(), private["kid"].as_str());
    // iat/exp come from the client's injected clock, not the system clock.
    let now = clock_secs(&clock);
    assert_eq!(claims["iat"].as_u64(), Some(now));
    assert!(claims["exp"].as_u64().unwrap() <= now + 300);
}

fn clock_secs(clock: &ManualClock) -> u64 {
    use athena_core::runtime::Clock;
    clock
        .system_now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

#[tokio::test]
async fn fetch_token_reads_a_string_expires_in() {
    let Some(private) = private_jwk("RS384") else {
        return;
    };
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(TOKEN_PATH))
        .respond_with(ResponseTemplate::new(200).set_body_json(
            serde_json::json!({"access_token": "smart-tok-2", "expires_in": "300", "scope": "system/Patient.rs"}),
        ))
        .expect(1)
        .mount(&server)
        .await;
    let token_url = Url::parse(&format!("{}{TOKEN_PATH}", server.uri())).unwrap();
    let source = SmartBackendServices::new(
        CLIENT_ID,
        token_url,
        SigningKey::from_jwk(&private).unwrap(),
    )
    .with_scope(SCOPE);
    let clock = ManualClock::new();
    let client = Client::builder()
        .base_url(server.uri())
        .token_source(Arc::new(source.clone()))
        .runtime(Runtime::manual(&clock, 0.5))
        .build()
        .unwrap();
    let token: AccessToken = source.fetch_token(&client.token_endpoint()).await.unwrap();
    assert_eq!(token.secret().expose_secret(), "smart-tok-2");
    assert_eq!(
        token
            .expires_at()
            .duration_since(token.obtained_at())
            .unwrap(),
        Duration::from_secs(300)
    );
    assert_eq!(token.scope(), Some("system/Patient.rs"));
}

#[tokio::test]
async fn a_missing_scope_is_a_config_error_before_any_request() {
    let Some(private) = private_jwk("ES384") else {
        return;
    };
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200))
        .expect(0)
        .mount(&server)
        .await;
    let token_url = Url::parse(&format!("{}{TOKEN_PATH}", server.uri())).unwrap();
    let source = SmartBackendServices::new(
        CLIENT_ID,
        token_url,
        SigningKey::from_jwk(&private).unwrap(),
    );
    let client = Client::builder()
        .base_url(server.uri())
        .token_source(Arc::new(source.clone()))
        .build()
        .unwrap();
    let err = source
        .fetch_token(&client.token_endpoint())
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Config);
    assert!(err.to_string().contains("scope"), "{err}");
}

#[test]
fn cache_key_and_debug_hold_no_key_material() {
    let Some(private) = private_jwk("RS384") else {
        return;
    };
    let key = SigningKey::from_jwk(&private).unwrap();
    let source = SmartBackendServices::new(CLIENT_ID, token_url(), key.clone()).with_scope(SCOPE);
    let d = private["d"].as_str().unwrap();
    for text in [
        format!("{key:?}"),
        format!("{source:?}"),
        source.cache_key(),
    ] {
        assert!(!text.contains(d), "{text}");
        assert!(!text.contains(&d[..16]), "{text}");
    }
    assert!(source.cache_key().contains(CLIENT_ID));
    assert!(source.cache_key().contains(SCOPE));
}

/// Asserts a `Config` error whose `Display` and `Debug` repeat none of `secrets`.
fn assert_config_error(result: athena_core::Result<SigningKey>, secrets: &[&str], mentions: &str) {
    let err = result.expect_err("bad key must be refused");
    assert_eq!(err.kind(), ErrorKind::Config, "{err}");
    let shown = format!("{err} {err:?}");
    for secret in secrets.iter().filter(|s| s.len() > 8) {
        assert!(
            !shown.contains(*secret),
            "error repeats key material: {shown}"
        );
    }
    assert!(shown.contains(mentions), "`{mentions}` not in: {shown}");
}

fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// Made-up P-384-sized members (not a real key): enough to reach each validation step.
fn made_up_ec() -> (serde_json::Value, String, String) {
    let x = b64(&(1..=48).collect::<Vec<u8>>());
    let y = b64(&(49..=96).collect::<Vec<u8>>());
    let d = b64(&(101..=148).collect::<Vec<u8>>());
    let jwk = serde_json::json!({"kty": "EC", "crv": "P-384", "kid": "k1", "x": x, "y": y});
    (jwk, x, d)
}

#[test]
fn bad_keys_give_value_free_config_errors() {
    let (ec, x, d) = made_up_ec();
    let (x, d) = (x.as_str(), d.as_str());

    // A public JWK (no `d`).
    assert_config_error(SigningKey::from_jwk(&ec), &[x], "no `d`");

    // Wrong key types and curves.
    let mut oct = serde_json::json!({"kty": "oct", "k": d, "kid": "k1", "d": d});
    assert_config_error(SigningKey::from_jwk(&oct), &[d], "kty");
    oct["kty"] = "OKP".into();
    assert_config_error(SigningKey::from_jwk(&oct), &[d], "kty");
    let mut p256 = ec.clone();
    p256["crv"] = "P-256".into();
    p256["d"] = d.into();
    assert_config_error(SigningKey::from_jwk(&p256), &[d, x], "P-384");

    // An `alg` SMART does not allow, and no `kid`.
    let mut es256 = ec.clone();
    es256["d"] = d.into();
    es256["alg"] = "ES256".into();
    assert_config_error(SigningKey::from_jwk(&es256), &[d, x], "ES384");
    let mut no_kid = ec.clone();
    no_kid["d"] = d.into();
    no_kid.as_object_mut().unwrap().remove("kid");
    assert_config_error(SigningKey::from_jwk(&no_kid), &[d, x], "kid");

    // Well-formed members that are not a key (the point is not on the curve).
    let mut not_a_key = ec.clone();
    not_a_key["d"] = d.into();
    assert_config_error(
        SigningKey::from_jwk(&not_a_key),
        &[d, x],
        "usable private key",
    );

    // A truncated coordinate, a member that is not base64url.
    let mut short = not_a_key.clone();
    short["x"] = b64(&[7; 16]).into();
    assert_config_error(SigningKey::from_jwk(&short), &[d], "P-384 length");
    let mut not_b64 = not_a_key.clone();
    not_b64["y"] = "%%%%".into();
    assert_config_error(SigningKey::from_jwk(&not_b64), &[d, x], "base64url");

    // Not JSON, a JWK Set without a private key, an RSA JWK missing its CRT members.
    assert_config_error(SigningKey::from_jwk_json("{not json"), &[], "JSON");
    let set = serde_json::json!({ "keys": [ec] });
    assert_config_error(SigningKey::from_jwk(&set), &[x], "exactly one private key");
    let rsa = serde_json::json!({"kty": "RSA", "kid": "r1", "n": x, "e": "AQAB", "d": d});
    assert_config_error(
        SigningKey::from_jwk(&rsa),
        &[d, x],
        "missing a required member",
    );
}

#[test]
fn a_private_key_that_does_not_match_its_public_half_is_refused() {
    let Some(mut jwk) = private_jwk("RS384") else {
        return;
    };
    // Swap the primes' CRT exponent: a consistent-looking but wrong private key.
    let dq = jwk["dq"].clone();
    jwk["dq"] = jwk["dp"].clone();
    jwk["dp"] = dq;
    let d = jwk["d"].as_str().unwrap().to_owned();
    assert_config_error(SigningKey::from_jwk(&jwk), &[&d], "usable private key");
}

#[test]
fn sec1_and_malformed_pems_are_refused_with_guidance() {
    // The header is what is recognised; the body is made up.
    let body = base64::engine::general_purpose::STANDARD.encode([0x30u8; 120]);
    let sec1 = format!("-----BEGIN EC PRIVATE KEY-----\n{body}\n-----END EC PRIVATE KEY-----\n");
    assert_config_error(
        SigningKey::from_pkcs8_pem(SigningAlgorithm::Es384, "k1", &sec1),
        &[&body[..40]],
        "openssl pkcs8 -topk8 -nocrypt",
    );

    let garbage =
        "-----BEGIN PRIVATE KEY-----\nbm90IGEga2V5IGF0IGFsbA==\n-----END PRIVATE KEY-----\n";
    assert_config_error(
        SigningKey::from_pkcs8_pem(SigningAlgorithm::Rs384, "k1", garbage),
        &["bm90IGEga2V5IGF0IGFsbA"],
        "RSA",
    );
    assert_config_error(
        SigningKey::from_pkcs8_pem(SigningAlgorithm::Es384, "k1", "not a pem"),
        &[],
        "EC",
    );
    let encrypted =
        "-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----\n";
    assert_config_error(
        SigningKey::from_pkcs8_pem(SigningAlgorithm::Rs384, "k1", encrypted),
        &[],
        "encrypted",
    );
    assert_config_error(
        SigningKey::from_pkcs8_pem(SigningAlgorithm::Rs384, " ", garbage),
        &[],
        "kid",
    );
}

#[tokio::test]
async fn a_retried_token_request_carries_a_fresh_assertion() {
    let Some(private) = private_jwk("RS384") else {
        return;
    };
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(TOKEN_PATH))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(TOKEN_PATH))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(serde_json::json!({"access_token": "t", "expires_in": "300"})),
        )
        .mount(&server)
        .await;
    let token_url = Url::parse(&format!("{}{TOKEN_PATH}", server.uri())).unwrap();
    let source = SmartBackendServices::new(
        CLIENT_ID,
        token_url,
        SigningKey::from_jwk(&private).unwrap(),
    )
    .with_scope(SCOPE);
    let clock = ManualClock::new();
    let client = Client::builder()
        .base_url(server.uri())
        .token_source(Arc::new(source.clone()))
        .runtime(Runtime::manual(&clock, 0.5))
        .build()
        .unwrap();
    source.fetch_token(&client.token_endpoint()).await.unwrap();
    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests.len(), 2);
    let jti = |body: &[u8]| {
        let assertion = url::form_urlencoded::parse(body)
            .find(|(k, _)| k == "client_assertion")
            .map(|(_, v)| v.into_owned())
            .unwrap();
        payload(&assertion)["jti"].as_str().unwrap().to_owned()
    };
    assert_ne!(jti(&requests[0].body), jti(&requests[1].body));
}
