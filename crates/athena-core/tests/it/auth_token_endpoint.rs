//! The token endpoint against scripted servers: the HTTP Basic encoding (RFC 6749 §2.3.1),
//! OAuth error bodies, the per-endpoint token quota and its defaults, single-flight refresh
//! failures with back-off, hostile `expires_in` values, and `Error::attempts` for token
//! failures.
//!
//! Time is a `ManualClock`: a minute's wait is recorded, not waited for.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, SystemTime};

use athena_core::auth::authorization_code::RefreshTokenSource;
use athena_core::auth::{
    BasicAuthEncoding, MAX_TOKEN_LIFETIME, TokenQuota, TokenResponse, TokenSource,
};
use athena_core::runtime::{ManualClock, Runtime};
use athena_core::{Client, ClientBuilder, ErrorKind, Request};
use base64::Engine as _;
use secrecy::{ExposeSecret, SecretString};
use url::Url;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request as WmRequest, Respond, ResponseTemplate};

const TOKEN_PATH: &str = "/oauth2/v1/token";

fn token_ok(token: &str, expires: serde_json::Value) -> ResponseTemplate {
    ResponseTemplate::new(200)
        .set_body_json(serde_json::json!({ "access_token": token, "expires_in": expires }))
}

fn builder(server: &MockServer, clock: &ManualClock) -> ClientBuilder {
    Client::builder()
        .base_url(server.uri())
        .client_credentials("my-id", "my-secret")
        .runtime(Runtime::manual(clock, 0.5))
}

fn ping() -> Request {
    Request::get("/v1/{practiceid}/ping").path_param("practiceid", 195900)
}

async fn mount_ping(server: &MockServer) {
    Mock::given(method("GET"))
        .and(path("/v1/195900/ping"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({"ping": 1})))
        .mount(server)
        .await;
}

async fn token_requests(server: &MockServer) -> Vec<WmRequest> {
    server
        .received_requests()
        .await
        .unwrap()
        .into_iter()
        .filter(|r| r.url.path() == TOKEN_PATH)
        .collect()
}

fn basic_of(request: &WmRequest) -> String {
    let value = request
        .headers
        .get("authorization")
        .expect("an Authorization header")
        .to_str()
        .unwrap()
        .to_owned();
    let b64 = value.strip_prefix("Basic ").expect("HTTP Basic");
    String::from_utf8(
        base64::engine::general_purpose::STANDARD
            .decode(b64)
            .unwrap(),
    )
    .unwrap()
}

/// Answers the scripted responses in order, then the last one forever.
struct Script(Vec<ResponseTemplate>, Arc<AtomicUsize>);

impl Respond for Script {
    fn respond(&self, _: &WmRequest) -> ResponseTemplate {
        let n = self.1.fetch_add(1, Ordering::SeqCst);
        self.0[n.min(self.0.len() - 1)].clone()
    }
}

async fn script_token(server: &MockServer, steps: Vec<ResponseTemplate>) -> Arc<AtomicUsize> {
    let calls = Arc::new(AtomicUsize::new(0));
    Mock::given(method("POST"))
        .and(path(TOKEN_PATH))
        .respond_with(Script(steps, calls.clone()))
        .mount(server)
        .await;
    calls
}

// ---------------------------------------------------------------------------------------
// HTTP Basic encoding

const ODD_ID: &str = "app id:1";
const ODD_SECRET: &str = "s3cr:t+/%& x~";

#[tokio::test]
async fn basic_credentials_are_form_urlencoded_by_default() {
    let server = MockServer::start().await;
    script_token(&server, vec![token_ok("tok", "3600".into())]).await;
    mount_ping(&server).await;
    let clock = ManualClock::new();
    let c = Client::builder()
        .base_url(server.uri())
        .client_credentials(ODD_ID, ODD_SECRET)
        .runtime(Runtime::manual(&clock, 0.5))
        .build()
        .unwrap();
    c.execute(&ping()).await.unwrap();
    let sent = token_requests(&server).await;
    assert_eq!(sent.len(), 1);
    // RFC 6749 §2.3.1: each part application/x-www-form-urlencoded, then joined by ':'.
    assert_eq!(basic_of(&sent[0]), "app+id%3A1:s3cr%3At%2B%2F%25%26+x%7E");
    // A conforming server recovers both exactly.
    let decoded = basic_of(&sent[0]);
    let (id, secret) = decoded.split_once(':').unwrap();
    let un = |s: &str| {
        url::form_urlencoded::parse(format!("v={s}").as_bytes())
            .next()
            .unwrap()
            .1
            .into_owned()
    };
    assert_eq!(un(id), ODD_ID);
    assert_eq!(un(secret), ODD_SECRET);
}

#[tokio::test]
async fn the_raw_switch_sends_the_bytes_as_they_are() {
    let server = MockServer::start().await;
    script_token(&server, vec![token_ok("tok", "3600".into())]).await;
    mount_ping(&server).await;
    let clock = ManualClock::new();
    let c = Client::builder()
        .base_url(server.uri())
        .client_credentials("plain-id", ODD_SECRET)
        .basic_auth_encoding(BasicAuthEncoding::Raw)
        .runtime(Runtime::manual(&clock, 0.5))
        .build()
        .unwrap();
    c.execute(&ping()).await.unwrap();
    let sent = token_requests(&server).await;
    assert_eq!(basic_of(&sent[0]), format!("plain-id:{ODD_SECRET}"));
}

#[test]
fn plain_credentials_encode_the_same_either_way() {
    let secret = SecretString::from("Abc-123_x.y*z".to_owned());
    let (a, sa) = BasicAuthEncoding::FormUrlEncoded.encode("id-1", &secret);
    let (b, sb) = BasicAuthEncoding::Raw.encode("id-1", &secret);
    assert_eq!(a, b);
    assert_eq!(sa.expose_secret(), sb.expose_secret());
}

// ---------------------------------------------------------------------------------------
// OAuth error bodies

#[tokio::test]
async fn error_description_is_kept_but_not_displayed() {
    let server = MockServer::start().await;
    script_token(
        &server,
        vec![ResponseTemplate::new(401).set_body_json(serde_json::json!({
            "error": "invalid_client",
            "error_description": "client authentication failed for app 42"
        }))],
    )
    .await;
    let clock = ManualClock::new();
    let c = builder(&server, &clock).build().unwrap();
    let err = c.execute(&ping()).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Auth);
    let api = err.api_error().expect("the OAuth error body");
    assert_eq!(api.error(), Some("invalid_client"));
    assert_eq!(
        api.detailed_message(),
        Some("client authentication failed for app 42")
    );
    assert!(!err.to_string().contains("app 42"), "{err}");
    assert!(!format!("{err:?}").contains("app 42"), "{err:?}");
}

// ---------------------------------------------------------------------------------------
// Token quota: defaults per host, shared per endpoint

#[test]
fn the_default_quota_is_athenas_only_on_athena_hosts() {
    let q = |u: &str| TokenQuota::Auto.per_minute_for(&Url::parse(u).unwrap());
    assert_eq!(
        q("https://api.preview.platform.athenahealth.com/oauth2/v1/token"),
        Some(5)
    );
    assert_eq!(
        q("https://api.platform.athenahealth.com/oauth2/v1/token"),
        Some(50)
    );
    assert_eq!(
        q("https://API.Platform.AthenaHealth.com./oauth2/v1/token"),
        Some(50)
    );
    assert_eq!(q("http://127.0.0.1:8080/oauth2/v1/token"), None);
    assert_eq!(q("https://idp.example.com/token"), None);
    assert_eq!(q("https://athenahealth.com.evil.example/token"), None);
    assert_eq!(q("https://notathenahealth.com/token"), None);
    let fixed = TokenQuota::PerMinute(0).per_minute_for(&Url::parse("https://x.example").unwrap());
    assert_eq!(fixed, Some(1));
    assert_eq!(
        TokenQuota::Unlimited
            .per_minute_for(&Url::parse("https://api.platform.athenahealth.com").unwrap()),
        None
    );
}

#[tokio::test]
async fn a_custom_token_endpoint_gets_no_default_quota() {
    let server = MockServer::start().await;
    // Every token expires at once, so every call needs a new one.
    script_token(&server, vec![token_ok("tok", 0.into())]).await;
    mount_ping(&server).await;
    let clock = ManualClock::new();
    let c = builder(&server, &clock).build().unwrap();
    for _ in 0..8 {
        c.execute(&ping()).await.unwrap();
    }
    assert_eq!(c.token_requests_sent(), 8);
    assert!(
        clock.sleeps().is_empty(),
        "no quota wait expected: {:?}",
        clock.sleeps()
    );
}

#[tokio::test]
async fn the_quota_is_shared_by_every_client_of_one_token_endpoint() {
    let server = MockServer::start().await;
    script_token(&server, vec![token_ok("tok", 0.into())]).await;
    mount_ping(&server).await;
    let clock = ManualClock::new();
    let a = builder(&server, &clock)
        .token_requests_per_minute(2)
        .build()
        .unwrap();
    let b = builder(&server, &clock)
        .token_requests_per_minute(2)
        .build()
        .unwrap();
    a.execute(&ping()).await.unwrap();
    b.execute(&ping()).await.unwrap();
    assert!(clock.sleeps().is_empty(), "{:?}", clock.sleeps());
    // The third token request of the minute, from either client, waits for the window.
    a.execute(&ping()).await.unwrap();
    assert!(
        clock.sleeps().iter().sum::<Duration>() >= Duration::from_secs(59),
        "{:?}",
        clock.sleeps()
    );
    assert_eq!(token_requests(&server).await.len(), 3);
}

#[tokio::test]
async fn an_anonymous_clients_token_endpoint_is_not_rebuilt_per_call() {
    let server = MockServer::start().await;
    script_token(
        &server,
        vec![
            ResponseTemplate::new(200)
                .set_body_json(serde_json::json!({"access_token": "a", "refresh_token": "r"})),
        ],
    )
    .await;
    let clock = ManualClock::new();
    let c = Client::builder()
        .base_url(server.uri())
        .anonymous()
        .token_requests_per_minute(1)
        .runtime(Runtime::manual(&clock, 0.5))
        .build()
        .unwrap();
    let token_url = Url::parse(&format!("{}{TOKEN_PATH}", server.uri())).unwrap();
    for _ in 0..2 {
        let source = RefreshTokenSource::from_refresh_token(
            "app",
            None,
            token_url.clone(),
            SecretString::from("r".to_owned()),
        );
        source.fetch_token(&c.token_endpoint()).await.unwrap();
    }
    // One request a minute: the second waited, whichever `token_endpoint()` it came through.
    assert!(
        clock.sleeps().iter().sum::<Duration>() >= Duration::from_secs(59),
        "{:?}",
        clock.sleeps()
    );
    assert_eq!(c.token_endpoint().requests_sent(), 2);
}

// ---------------------------------------------------------------------------------------
// Failed refreshes: single-flight, back-off, the still-valid token

#[tokio::test(flavor = "current_thread")]
async fn a_failed_refresh_is_shared_by_its_waiters_and_backed_off() {
    let server = MockServer::start().await;
    let calls = script_token(
        &server,
        vec![
            ResponseTemplate::new(400)
                .set_body_json(serde_json::json!({"error": "invalid_client"})),
            ResponseTemplate::new(400)
                .set_body_json(serde_json::json!({"error": "invalid_client"})),
            token_ok("tok", 3600.into()),
        ],
    )
    .await;
    mount_ping(&server).await;
    let clock = ManualClock::new();
    let c = builder(&server, &clock).build().unwrap();
    let request = ping();
    let results = futures::future::join_all((0..10).map(|_| c.execute(&request))).await;
    assert_eq!(
        calls.load(Ordering::SeqCst),
        1,
        "one token request for ten callers"
    );
    let errors: Vec<_> = results.into_iter().map(|r| r.unwrap_err()).collect();
    assert!(errors.iter().all(|e| e.kind() == ErrorKind::Auth));
    assert_eq!(errors.iter().filter(|e| e.attempts() == 1).count(), 1);
    assert_eq!(
        errors.iter().filter(|e| e.attempts() == 0).count(),
        9,
        "the waiters sent nothing themselves"
    );

    // During the back-off: no request, the error says how long is left.
    let err = c.execute(&ping()).await.unwrap_err();
    assert_eq!(calls.load(Ordering::SeqCst), 1);
    assert_eq!(err.attempts(), 0);
    assert!(
        err.retry_after()
            .is_some_and(|d| d <= Duration::from_secs(1))
    );

    // After it: one more try, which fails, and the back-off doubles.
    clock.advance(Duration::from_millis(1001));
    c.execute(&ping()).await.unwrap_err();
    assert_eq!(calls.load(Ordering::SeqCst), 2);
    clock.advance(Duration::from_millis(1500));
    let err = c.execute(&ping()).await.unwrap_err();
    assert_eq!(
        calls.load(Ordering::SeqCst),
        2,
        "still backing off after 1.5 s of 2 s"
    );
    assert!(
        err.retry_after()
            .is_some_and(|d| d <= Duration::from_millis(500))
    );
    clock.advance(Duration::from_millis(501));
    c.execute(&ping()).await.unwrap();
    assert_eq!(calls.load(Ordering::SeqCst), 3);
}

#[tokio::test]
async fn a_failed_early_refresh_keeps_using_the_unexpired_token() {
    let server = MockServer::start().await;
    let calls = script_token(
        &server,
        vec![token_ok("first", 600.into()), ResponseTemplate::new(503)],
    )
    .await;
    mount_ping(&server).await;
    let clock = ManualClock::new();
    let c = builder(&server, &clock).build().unwrap();
    c.execute(&ping()).await.unwrap();
    // 30 s before expiry the refresh is due; it fails (503 three times)...
    clock.advance(Duration::from_secs(570));
    let t = c.access_token().await.unwrap().unwrap();
    assert_eq!(t.secret().expose_secret(), "first");
    assert_eq!(calls.load(Ordering::SeqCst), 4);
    // ...and once it has expired, the failure shows.
    clock.advance(Duration::from_secs(60));
    let err = c.execute(&ping()).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Auth);
    assert_eq!(err.status(), Some(503));
    assert_eq!(calls.load(Ordering::SeqCst), 7);
}

// ---------------------------------------------------------------------------------------
// expires_in from a hostile server

#[test]
fn odd_expires_in_values_never_panic_or_overflow() {
    let now = SystemTime::now();
    for (raw, expect) in [
        (serde_json::json!(1e300), Some(MAX_TOKEN_LIFETIME)),
        (serde_json::json!("1e400"), Some(MAX_TOKEN_LIFETIME)),
        (serde_json::json!(u64::MAX), Some(MAX_TOKEN_LIFETIME)),
        (
            serde_json::json!("18446744073709551616"),
            Some(MAX_TOKEN_LIFETIME),
        ),
        (serde_json::json!(-5), Some(Duration::ZERO)),
        (serde_json::json!("-5"), Some(Duration::ZERO)),
        (serde_json::json!("-1e300"), Some(Duration::ZERO)),
        (serde_json::json!(0), Some(Duration::ZERO)),
        (serde_json::json!("3600"), Some(Duration::from_secs(3600))),
        (
            serde_json::json!(" 299.5 "),
            Some(Duration::from_millis(299_500)),
        ),
        (serde_json::json!("NaN"), None),
        (serde_json::json!("soon"), None),
        (serde_json::json!(true), None),
        (serde_json::json!({"s": 1}), None),
    ] {
        let body = serde_json::json!({"access_token": "t", "expires_in": raw}).to_string();
        let parsed = TokenResponse::parse(body.as_bytes()).unwrap();
        assert_eq!(parsed.expires_in, expect, "{raw}");
        let token = parsed.into_access_token(now);
        assert!(token.expires_at() >= now);
        assert!(token.expires_at() <= now + MAX_TOKEN_LIFETIME, "{raw}");
    }
}

#[tokio::test]
async fn a_huge_expires_in_through_the_refresh_grant_does_not_panic() {
    let server = MockServer::start().await;
    script_token(&server, vec![token_ok("t", serde_json::json!(1e300))]).await;
    let clock = ManualClock::new();
    let c = Client::builder()
        .base_url(server.uri())
        .anonymous()
        .runtime(Runtime::manual(&clock, 0.5))
        .build()
        .unwrap();
    let source = RefreshTokenSource::from_refresh_token(
        "app",
        None,
        Url::parse(&format!("{}{TOKEN_PATH}", server.uri())).unwrap(),
        SecretString::from("r".to_owned()),
    );
    let token = source.fetch_token(&c.token_endpoint()).await.unwrap();
    let lifetime = token
        .expires_at()
        .duration_since(token.obtained_at())
        .unwrap();
    assert_eq!(lifetime, MAX_TOKEN_LIFETIME);
}

// ---------------------------------------------------------------------------------------
// Error::attempts for token failures

#[tokio::test]
async fn token_failures_count_the_http_requests_sent() {
    // A 2xx that is not a token response: one request.
    let server = MockServer::start().await;
    script_token(
        &server,
        vec![ResponseTemplate::new(200).set_body_string("<html>gateway</html>")],
    )
    .await;
    let clock = ManualClock::new();
    let c = builder(&server, &clock).build().unwrap();
    let err = c.execute(&ping()).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Auth);
    assert_eq!(err.attempts(), 1, "{err:?}");

    // 503 on every attempt: three requests.
    let server = MockServer::start().await;
    script_token(&server, vec![ResponseTemplate::new(503)]).await;
    let c = builder(&server, &clock).build().unwrap();
    let err = c.execute(&ping()).await.unwrap_err();
    assert_eq!(err.attempts(), 3, "{err:?}");
    assert_eq!(token_requests(&server).await.len(), 3);

    // A refresh-grant failure through the `oauth2` driver: one request.
    let server = MockServer::start().await;
    script_token(
        &server,
        vec![
            ResponseTemplate::new(400).set_body_json(serde_json::json!({"error": "invalid_grant"})),
        ],
    )
    .await;
    let anon = Client::builder()
        .base_url(server.uri())
        .anonymous()
        .runtime(Runtime::manual(&clock, 0.5))
        .build()
        .unwrap();
    let source = RefreshTokenSource::from_refresh_token(
        "app",
        None,
        Url::parse(&format!("{}{TOKEN_PATH}", server.uri())).unwrap(),
        SecretString::from("r".to_owned()),
    );
    let err = source
        .fetch_token(&anon.token_endpoint())
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Auth);
    assert_eq!(err.attempts(), 1, "{err:?}");
}

#[tokio::test]
async fn a_401_then_a_failed_refresh_counts_both_requests() {
    let server = MockServer::start().await;
    script_token(
        &server,
        vec![
            token_ok("old", 3600.into()),
            ResponseTemplate::new(400)
                .set_body_json(serde_json::json!({"error": "invalid_client"})),
        ],
    )
    .await;
    Mock::given(method("GET"))
        .and(path("/v1/195900/ping"))
        .respond_with(ResponseTemplate::new(401))
        .mount(&server)
        .await;
    let clock = ManualClock::new();
    let c = builder(&server, &clock).build().unwrap();
    let err = c.execute(&ping()).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Auth);
    // The API attempt that got the 401, and the refresh request that failed.
    assert_eq!(err.attempts(), 2, "{err:?}");
}
