//! The 3-legged authorization-code flow: the authorization URL (PKCE S256, state, SMART
//! parameters), the code exchange, the refresh-token grant with rotation, and value-free
//! errors, against a scripted token endpoint.

use std::sync::Arc;
use std::time::Duration;

use athena_core::auth::authorization_code::{
    AuthorizationCodeFlow, PendingAuthorization, RefreshTokenSource,
};
use athena_core::auth::{TokenEndpoint, TokenSource};
use athena_core::runtime::{ManualClock, Runtime};
use athena_core::{Client, ErrorKind, Request};
use oauth2::{PkceCodeChallenge, PkceCodeVerifier};
use secrecy::{ExposeSecret, SecretString};
use url::Url;
use wiremock::matchers::{body_string_contains, header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const TOKEN_PATH: &str = "/oauth2/v1/token";
const CLIENT_ID: &str = "app-3";
const CLIENT_SECRET: &str = "s3cret-value";
const SCOPES: &str = "launch/patient openid fhirUser offline_access patient/*.rs";
const REDIRECT: &str = "https://app.example.com/callback";

fn flow_for(server_uri: &str, secret: Option<&str>) -> AuthorizationCodeFlow {
    AuthorizationCodeFlow::new(
        CLIENT_ID,
        secret.map(|s| SecretString::from(s.to_owned())),
        Url::parse(&format!("{server_uri}/oauth2/v1/authorize")).unwrap(),
        Url::parse(&format!("{server_uri}{TOKEN_PATH}")).unwrap(),
        Url::parse(REDIRECT).unwrap(),
    )
    .with_scopes(SCOPES)
    .with_audience("https://api.preview.platform.athenahealth.com/fhir/r4")
}

fn query(url: &Url) -> Vec<(String, String)> {
    url.query_pairs().into_owned().collect()
}

fn one(pairs: &[(String, String)], name: &str) -> String {
    let values: Vec<&str> = pairs
        .iter()
        .filter(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
        .collect();
    assert_eq!(
        values.len(),
        1,
        "exactly one `{name}` expected in {pairs:?}"
    );
    values[0].to_owned()
}

fn s256(verifier: &str) -> String {
    PkceCodeChallenge::from_code_verifier_sha256(&PkceCodeVerifier::new(verifier.to_owned()))
        .as_str()
        .to_owned()
}

/// A client whose token endpoint door runs on a manual clock.
fn client_on(server: &MockServer, clock: &ManualClock, source: Arc<dyn TokenSource>) -> Client {
    Client::builder()
        .base_url(server.uri())
        .token_source(source)
        .runtime(Runtime::manual(clock, 0.5))
        .build()
        .unwrap()
}

fn endpoint_for(server: &MockServer, clock: &ManualClock) -> TokenEndpoint {
    Client::builder()
        .base_url(server.uri())
        .anonymous()
        .runtime(Runtime::manual(clock, 0.5))
        .build()
        .unwrap()
        .token_endpoint()
}

async fn token_requests(server: &MockServer) -> Vec<wiremock::Request> {
    server
        .received_requests()
        .await
        .unwrap()
        .into_iter()
        .filter(|r| r.url.path() == TOKEN_PATH)
        .collect()
}

fn form(request: &wiremock::Request) -> Vec<(String, String)> {
    url::form_urlencoded::parse(&request.body)
        .into_owned()
        .collect()
}

fn ok_json(body: serde_json::Value) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(body)
}

#[test]
fn authorize_url_carries_pkce_s256_state_and_smart_parameters() {
    let flow = flow_for("https://auth.example.com", Some(CLIENT_SECRET));
    let (url, pending) = flow.authorize_url();
    assert_eq!(url.path(), "/oauth2/v1/authorize");
    let q = query(&url);
    assert_eq!(one(&q, "response_type"), "code");
    assert_eq!(one(&q, "client_id"), CLIENT_ID);
    assert_eq!(one(&q, "redirect_uri"), REDIRECT);
    assert_eq!(one(&q, "scope"), SCOPES);
    assert_eq!(
        one(&q, "aud"),
        "https://api.preview.platform.athenahealth.com/fhir/r4"
    );
    assert_eq!(one(&q, "code_challenge_method"), "S256");
    let challenge = one(&q, "code_challenge");
    assert!(challenge.len() >= 43, "{challenge}");
    assert!(
        challenge
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'),
        "base64url without padding: {challenge}"
    );
    assert_eq!(challenge, s256(pending.code_verifier().expose_secret()));
    let verifier_len = pending.code_verifier().expose_secret().len();
    assert!(
        (43..=128).contains(&verifier_len),
        "RFC 7636 length: {verifier_len}"
    );
    let state = one(&q, "state");
    assert!(state.len() >= 16);
    assert_eq!(state, pending.state().expose_secret());
    assert!(q.iter().all(|(k, _)| k != "launch"));
    assert!(
        !url.as_str().contains(CLIENT_SECRET),
        "the secret never goes in the URL"
    );

    // Each authorization gets its own state and verifier.
    let (second, pending2) = flow.authorize_url();
    assert_ne!(one(&query(&second), "state"), state);
    assert_ne!(one(&query(&second), "code_challenge"), challenge);
    assert_ne!(
        pending2.code_verifier().expose_secret(),
        pending.code_verifier().expose_secret()
    );

    // EHR launch passes the launch id through.
    let (launch_url, _) = flow.authorize_url_for_launch("xyz123");
    assert_eq!(one(&query(&launch_url), "launch"), "xyz123");
}

#[test]
fn debug_output_and_cache_keys_hold_no_secrets() {
    let flow = flow_for("https://auth.example.com", Some(CLIENT_SECRET));
    let (_, pending) = flow.authorize_url();
    let pending_debug = format!("{pending:?}");
    assert!(!pending_debug.contains(pending.state().expose_secret()));
    assert!(!pending_debug.contains(pending.code_verifier().expose_secret()));
    assert!(!format!("{flow:?}").contains(CLIENT_SECRET));

    let source = flow.resume(SecretString::from("rt-persisted-123".to_owned()));
    let other = flow.resume(SecretString::from("rt-persisted-123".to_owned()));
    for text in [format!("{source:?}"), source.cache_key()] {
        assert!(!text.contains("rt-persisted-123"), "{text}");
        assert!(!text.contains(CLIENT_SECRET), "{text}");
    }
    assert!(source.cache_key().contains(CLIENT_ID));
    assert_ne!(
        source.cache_key(),
        other.cache_key(),
        "two user sessions never share a cache entry by default"
    );
    let named = |id: &str| {
        flow.resume(SecretString::from("x".to_owned()))
            .with_session_id(id)
            .cache_key()
    };
    assert_eq!(named("user-42"), named("user-42"));
    assert_ne!(named("user-42"), named("user-43"));
    assert_eq!(
        source.refresh_token().unwrap().expose_secret(),
        "rt-persisted-123"
    );

    // A pending authorization stored elsewhere can be rebuilt.
    let rebuilt = PendingAuthorization::from_parts(
        SecretString::from("st".to_owned()),
        SecretString::from("ver".to_owned()),
    );
    assert_eq!(rebuilt.state().expose_secret(), "st");
    assert_eq!(rebuilt.code_verifier().expose_secret(), "ver");
}

/// Exchange (code + verifier + Basic auth), then the client uses the exchanged token, then
/// refreshes with the refresh token once it expires and rotates it.
#[tokio::test]
async fn exchange_then_refresh_through_the_client() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(TOKEN_PATH))
        .and(body_string_contains("grant_type=authorization_code"))
        .respond_with(ok_json(serde_json::json!({
            "access_token": "at-1",
            "refresh_token": "rt-1",
            "expires_in": "3600",
            "scope": "launch/patient openid fhirUser offline_access patient/*.rs",
            "patient": "a-1.E-14545",
        })))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(TOKEN_PATH))
        .and(body_string_contains("grant_type=refresh_token"))
        .and(body_string_contains("refresh_token=rt-1"))
        .respond_with(ok_json(serde_json::json!({
            "access_token": "at-2", "refresh_token": "rt-2", "expires_in": 3600, "token_type": "bearer",
        })))
        .expect(1)
        .mount(&server)
        .await;
    for token in ["at-1", "at-2"] {
        Mock::given(method("GET"))
            .and(path("/v1/195900/ping"))
            .and(header("authorization", format!("Bearer {token}").as_str()))
            .respond_with(ok_json(serde_json::json!({"Pong": token})))
            .expect(1)
            .mount(&server)
            .await;
    }

    let clock = ManualClock::new();
    let flow = flow_for(&server.uri(), Some(CLIENT_SECRET));
    let (url, pending) = flow.authorize_url();
    let q = query(&url);
    let state = one(&q, "state");
    let challenge = one(&q, "code_challenge");

    let endpoint = endpoint_for(&server, &clock);
    let source = Arc::new(
        flow.exchange(&endpoint, "code-123", &state, pending)
            .await
            .unwrap(),
    );
    assert_eq!(source.refresh_token().unwrap().expose_secret(), "rt-1");
    let first = source.access_token().unwrap();
    assert_eq!(first.secret().expose_secret(), "at-1");
    assert_eq!(
        first
            .expires_at()
            .duration_since(first.obtained_at())
            .unwrap(),
        Duration::from_secs(3600),
        "string expires_in is read"
    );
    assert_eq!(first.scope(), Some(SCOPES));

    let requests = token_requests(&server).await;
    assert_eq!(requests.len(), 1);
    let exchange = &requests[0];
    let f = form(exchange);
    assert_eq!(one(&f, "grant_type"), "authorization_code");
    assert_eq!(one(&f, "code"), "code-123");
    assert_eq!(one(&f, "redirect_uri"), REDIRECT);
    assert_eq!(s256(&one(&f, "code_verifier")), challenge);
    // RFC 6749 §2.3.1: id and secret form-urlencoded, then Basic.
    let basic = exchange
        .headers
        .get("authorization")
        .unwrap()
        .to_str()
        .unwrap();
    use base64::Engine as _;
    let expected =
        base64::engine::general_purpose::STANDARD.encode(format!("{CLIENT_ID}:{CLIENT_SECRET}"));
    assert_eq!(basic, format!("Basic {expected}"));
    assert!(f.iter().all(|(k, _)| k != "client_secret"));

    // The client first uses the exchanged token (no extra token request) ...
    let client = client_on(&server, &clock, source.clone());
    let ping = || Request::get("/v1/{practiceid}/ping").path_param("practiceid", 195900);
    let v: serde_json::Value = client.send_json(&ping()).await.unwrap();
    assert_eq!(v["Pong"], "at-1");
    assert_eq!(token_requests(&server).await.len(), 1);

    // ... and after it expires, refreshes and keeps the rotated refresh token.
    clock.advance(Duration::from_secs(3600));
    let v: serde_json::Value = client.send_json(&ping()).await.unwrap();
    assert_eq!(v["Pong"], "at-2");
    let requests = token_requests(&server).await;
    assert_eq!(requests.len(), 2);
    let f = form(&requests[1]);
    assert_eq!(one(&f, "grant_type"), "refresh_token");
    assert_eq!(one(&f, "refresh_token"), "rt-1");
    assert_eq!(source.refresh_token().unwrap().expose_secret(), "rt-2");
    assert_eq!(
        source.access_token().unwrap().secret().expose_secret(),
        "at-2"
    );
}

#[tokio::test]
async fn a_state_mismatch_is_rejected_without_any_request() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ok_json(serde_json::json!({"access_token": "never"})))
        .expect(0)
        .mount(&server)
        .await;
    let clock = ManualClock::new();
    let flow = flow_for(&server.uri(), Some(CLIENT_SECRET));
    let (url, pending) = flow.authorize_url();
    let state = one(&query(&url), "state");
    let verifier = pending.code_verifier().expose_secret().to_owned();
    let forged = format!("{}X", &state[..state.len() - 1]);
    let endpoint = endpoint_for(&server, &clock);

    let err = flow
        .exchange(&endpoint, "code-123", &forged, pending)
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Auth);
    let shown = format!("{err} {err:?}");
    assert!(shown.contains("state"), "{shown}");
    for secret in [
        state.as_str(),
        forged.as_str(),
        verifier.as_str(),
        "code-123",
    ] {
        assert!(!shown.contains(secret), "{shown}");
    }

    // A different length, and an empty state, are refused as well.
    let (_, pending) = flow.authorize_url();
    let err = flow
        .exchange(&endpoint, "code-123", "", pending)
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Auth);
    assert_eq!(endpoint.requests_sent(), 0);
    assert!(token_requests(&server).await.is_empty());
}

#[tokio::test]
async fn refresh_rotates_and_keeps_the_old_token_when_none_is_returned() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(TOKEN_PATH))
        .and(body_string_contains("refresh_token=rt-old"))
        .respond_with(ok_json(serde_json::json!({
            "access_token": "at-a", "refresh_token": "rt-new", "expires_in": 300, "token_type": "Bearer",
        })))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(TOKEN_PATH))
        .and(body_string_contains("refresh_token=rt-new"))
        .respond_with(ok_json(
            serde_json::json!({"access_token": "at-b", "expires_in": "300"}),
        ))
        .expect(2)
        .mount(&server)
        .await;
    let clock = ManualClock::new();
    let endpoint = endpoint_for(&server, &clock);
    // A public client: no secret, so `client_id` goes in the form and there is no Basic header.
    let source = RefreshTokenSource::from_refresh_token(
        CLIENT_ID,
        None,
        Url::parse(&format!("{}{TOKEN_PATH}", server.uri())).unwrap(),
        SecretString::from("rt-old".to_owned()),
    );

    let a = source.fetch_token(&endpoint).await.unwrap();
    assert_eq!(a.secret().expose_secret(), "at-a");
    assert_eq!(source.refresh_token().unwrap().expose_secret(), "rt-new");
    let b = source.fetch_token(&endpoint).await.unwrap();
    assert_eq!(b.secret().expose_secret(), "at-b");
    assert_eq!(
        b.expires_at().duration_since(b.obtained_at()).unwrap(),
        Duration::from_secs(300)
    );
    assert_eq!(
        source.refresh_token().unwrap().expose_secret(),
        "rt-new",
        "no new refresh token in the response: keep the current one"
    );
    let c = source.fetch_token(&endpoint).await.unwrap();
    assert_eq!(c.secret().expose_secret(), "at-b");

    let requests = token_requests(&server).await;
    assert_eq!(requests.len(), 3);
    for request in &requests {
        assert!(request.headers.get("authorization").is_none());
        let f = form(request);
        assert_eq!(one(&f, "grant_type"), "refresh_token");
        assert_eq!(one(&f, "client_id"), CLIENT_ID);
    }
}

#[tokio::test]
async fn token_endpoint_error_bodies_become_value_free_auth_errors() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(TOKEN_PATH))
        .and(body_string_contains("grant_type=refresh_token"))
        .respond_with(
            ResponseTemplate::new(400)
                .insert_header("x-request-id", "req-77")
                .set_body_json(serde_json::json!({
                    "error": "invalid_grant",
                    "error_description": "refresh token rt-leaky-999 for patient Jane Doe expired",
                })),
        )
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(TOKEN_PATH))
        .and(body_string_contains("grant_type=authorization_code"))
        .respond_with(ResponseTemplate::new(401).set_body_json(serde_json::json!({
            "error": "invalid_client",
            "detailedmessage": "client app-3 with secret s3cret-value is not allowed",
        })))
        .mount(&server)
        .await;
    let clock = ManualClock::new();
    let endpoint = endpoint_for(&server, &clock);
    let token_url = Url::parse(&format!("{}{TOKEN_PATH}", server.uri())).unwrap();

    let source = RefreshTokenSource::from_refresh_token(
        CLIENT_ID,
        Some(SecretString::from(CLIENT_SECRET.to_owned())),
        token_url,
        SecretString::from("rt-leaky-999".to_owned()),
    );
    let err = source.fetch_token(&endpoint).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Auth);
    assert_eq!(err.status(), Some(400));
    assert_eq!(err.request_id(), Some("req-77"));
    assert_eq!(
        err.api_error().and_then(|a| a.error()),
        Some("invalid_grant")
    );
    let shown = format!("{err} {err:?}");
    assert!(shown.contains("authorize the app again"), "{shown}");
    for leak in ["rt-leaky-999", "Jane Doe", CLIENT_SECRET] {
        assert!(!shown.contains(leak), "{shown}");
    }
    assert_eq!(
        source.refresh_token().unwrap().expose_secret(),
        "rt-leaky-999"
    );

    let flow = flow_for(&server.uri(), Some(CLIENT_SECRET));
    let (url, pending) = flow.authorize_url();
    let state = one(&query(&url), "state");
    let err = flow
        .exchange(&endpoint, "code-9", &state, pending)
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Auth);
    assert_eq!(err.status(), Some(401));
    let shown = format!("{err} {err:?}");
    for leak in [CLIENT_SECRET, "code-9", state.as_str()] {
        assert!(!shown.contains(leak), "{shown}");
    }
}

#[tokio::test]
async fn unexpected_success_bodies_are_auth_errors() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(TOKEN_PATH))
        .and(body_string_contains("refresh_token=rt-html"))
        .respond_with(
            ResponseTemplate::new(200).set_body_raw("<html>at-secret</html>", "text/html"),
        )
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(TOKEN_PATH))
        .and(body_string_contains("refresh_token=rt-shape"))
        .respond_with(ok_json(serde_json::json!({"token": "at-secret-2"})))
        .mount(&server)
        .await;
    let clock = ManualClock::new();
    let endpoint = endpoint_for(&server, &clock);
    for (refresh, leak) in [("rt-html", "at-secret"), ("rt-shape", "at-secret-2")] {
        let source = RefreshTokenSource::from_refresh_token(
            CLIENT_ID,
            None,
            Url::parse(&format!("{}{TOKEN_PATH}", server.uri())).unwrap(),
            SecretString::from(refresh.to_owned()),
        );
        let err = source.fetch_token(&endpoint).await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Auth, "{err}");
        let shown = format!("{err} {err:?}");
        assert!(!shown.contains(leak), "{shown}");
        assert!(!shown.contains(refresh), "{shown}");
    }
}

#[tokio::test]
async fn without_a_refresh_token_the_user_must_authorize_again() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(TOKEN_PATH))
        .respond_with(ok_json(
            serde_json::json!({"access_token": "at-only", "expires_in": "3600"}),
        ))
        .expect(1)
        .mount(&server)
        .await;
    let clock = ManualClock::new();
    let endpoint = endpoint_for(&server, &clock);
    let flow = flow_for(&server.uri(), None).with_scopes("launch/patient openid fhirUser");
    let (url, pending) = flow.authorize_url();
    let state = one(&query(&url), "state");
    let source = flow
        .exchange(&endpoint, "code-1", &state, pending)
        .await
        .unwrap();
    assert!(source.refresh_token().is_none());

    // The exchanged token is handed out once ...
    let token = source.fetch_token(&endpoint).await.unwrap();
    assert_eq!(token.secret().expose_secret(), "at-only");
    // ... and after that (expired, or rejected with a 401) there is nothing to refresh with.
    let err = source.fetch_token(&endpoint).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Auth);
    assert!(err.to_string().contains("authorize the app again"), "{err}");
    assert_eq!(token_requests(&server).await.len(), 1);
}
