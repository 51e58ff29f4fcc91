//! The request path against scripted servers: auth, retry, rate limits, timeouts.
//!
//! Time is a `ManualClock`: a 60-second back-off is recorded, not waited for.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use athena_core::runtime::{ManualClock, Runtime};
use athena_core::{Client, ErrorKind, PracticeId, Request, RetryPolicy, RetrySafety};
use wiremock::matchers::{body_string_contains, header, header_exists, method, path};
use wiremock::{Mock, MockServer, Request as WmRequest, Respond, ResponseTemplate};

const TOKEN_PATH: &str = "/oauth2/v1/token";

fn token_body(token: &str, expires: &str) -> serde_json::Value {
    serde_json::json!({ "access_token": token, "expires_in": expires })
}

async fn mount_token(server: &MockServer, expected: u64) {
    Mock::given(method("POST"))
        .and(path(TOKEN_PATH))
        .respond_with(ResponseTemplate::new(200).set_body_json(token_body("tok-1", "3600")))
        .expect(expected)
        .mount(server)
        .await;
}

fn client(server: &MockServer, clock: &ManualClock) -> Client {
    Client::builder()
        .base_url(server.uri())
        .client_credentials("my-id", "my-secret")
        .runtime(Runtime::manual(clock, 0.5))
        .build()
        .unwrap()
}

fn ping() -> Request {
    Request::get("/v1/{practiceid}/ping").path_param("practiceid", 195900)
}

/// Answers with the scripted statuses in order, then 200 forever.
struct Script {
    steps: Vec<ResponseTemplate>,
    calls: Arc<AtomicUsize>,
}

impl Respond for Script {
    fn respond(&self, _: &WmRequest) -> ResponseTemplate {
        let n = self.calls.fetch_add(1, Ordering::SeqCst);
        self.steps.get(n).cloned().unwrap_or_else(|| {
            ResponseTemplate::new(200).set_body_json(serde_json::json!({"Pong": "true"}))
        })
    }
}

async fn scripted(
    server: &MockServer,
    http_method: &str,
    steps: Vec<ResponseTemplate>,
) -> Arc<AtomicUsize> {
    let calls = Arc::new(AtomicUsize::new(0));
    Mock::given(method(http_method))
        .and(path("/v1/195900/ping"))
        .respond_with(Script {
            steps,
            calls: calls.clone(),
        })
        .mount(server)
        .await;
    calls
}

#[tokio::test]
async fn token_request_is_athena_shaped_and_string_expiry_is_accepted() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(TOKEN_PATH))
        // base64("my-id:my-secret")
        .and(header("authorization", "Basic bXktaWQ6bXktc2VjcmV0"))
        .and(header("content-type", "application/x-www-form-urlencoded"))
        .and(body_string_contains("grant_type=client_credentials"))
        .and(body_string_contains(
            "scope=athena%2Fservice%2FAthenanet.MDP.*",
        ))
        .respond_with(ResponseTemplate::new(200).set_body_json(token_body("tok-1", "3600")))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v1/195900/ping"))
        .and(header("authorization", "Bearer tok-1"))
        .and(header_exists("user-agent"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({"Pong": "true"})))
        .expect(1)
        .mount(&server)
        .await;
    let clock = ManualClock::new();
    let v: serde_json::Value = client(&server, &clock).send_json(&ping()).await.unwrap();
    assert_eq!(v["Pong"], "true");
    let requests = server.received_requests().await.unwrap();
    let ua = requests[1]
        .headers
        .get("user-agent")
        .unwrap()
        .to_str()
        .unwrap();
    assert!(
        ua.starts_with(concat!("athena-rs/", env!("CARGO_PKG_VERSION"))),
        "{ua}"
    );
}

#[tokio::test]
async fn concurrent_callers_on_a_cold_cache_share_one_token_request() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(TOKEN_PATH))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(token_body("tok-1", "3600"))
                .set_delay(Duration::from_millis(50)),
        )
        .expect(1)
        .mount(&server)
        .await;
    scripted(&server, "GET", vec![]).await;
    let clock = ManualClock::new();
    let c = client(&server, &clock);
    let calls = (0..50).map(|_| {
        let c = c.clone();
        async move { c.execute(&ping()).await }
    });
    let results = futures::future::join_all(calls).await;
    assert!(results.iter().all(|r| r.is_ok()));
    assert_eq!(c.token_requests_sent(), 1);
}

#[tokio::test]
async fn tokens_are_refreshed_a_minute_before_expiry() {
    let server = MockServer::start().await;
    mount_token(&server, 2).await;
    scripted(&server, "GET", vec![]).await;
    let clock = ManualClock::new();
    let c = client(&server, &clock);
    c.execute(&ping()).await.unwrap();
    clock.advance(Duration::from_secs(3600 - 61));
    c.execute(&ping()).await.unwrap();
    assert_eq!(c.token_requests_sent(), 1, "still fresh 61 s before expiry");
    clock.advance(Duration::from_secs(2));
    c.execute(&ping()).await.unwrap();
    assert_eq!(c.token_requests_sent(), 2, "refreshed 59 s before expiry");
}

#[tokio::test]
async fn a_401_refreshes_once_and_replays_once() {
    let server = MockServer::start().await;
    mount_token(&server, 2).await;
    let calls = scripted(&server, "POST", vec![ResponseTemplate::new(401)]).await;
    let clock = ManualClock::new();
    let c = client(&server, &clock);
    // Even a non-idempotent POST is replayed after a 401: it was not applied.
    let post = Request::post("/v1/{practiceid}/ping").path_param("practiceid", 195900);
    c.execute(&post).await.unwrap();
    assert_eq!(calls.load(Ordering::SeqCst), 2);
    assert_eq!(c.token_requests_sent(), 2);
}

#[tokio::test]
async fn a_second_401_is_returned_not_looped() {
    let server = MockServer::start().await;
    mount_token(&server, 2).await;
    let calls = scripted(
        &server,
        "GET",
        vec![
            ResponseTemplate::new(401),
            ResponseTemplate::new(401)
                .set_body_json(serde_json::json!({"error": "Developer Inactive"})),
        ],
    )
    .await;
    let clock = ManualClock::new();
    let err = client(&server, &clock).execute(&ping()).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Unauthorized);
    assert_eq!(calls.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn the_token_endpoint_limiter_never_exceeds_its_rate() {
    let server = MockServer::start().await;
    // Every token expires at once, so every call needs a new one.
    Mock::given(method("POST"))
        .and(path(TOKEN_PATH))
        .respond_with(ResponseTemplate::new(200).set_body_json(token_body("tok", "0")))
        .mount(&server)
        .await;
    scripted(&server, "GET", vec![]).await;
    let clock = ManualClock::new();
    // A custom origin has no default token quota; this one is given athena's preview figure.
    let c = Client::builder()
        .base_url(server.uri())
        .client_credentials("my-id", "my-secret")
        .runtime(Runtime::manual(&clock, 0.5))
        .token_requests_per_minute(5)
        .build()
        .unwrap();
    for _ in 0..6 {
        c.execute(&ping()).await.unwrap();
    }
    assert_eq!(c.token_requests_sent(), 6);
    // The sixth token request waited for the minute window to reopen.
    assert!(
        clock.sleeps().iter().any(|d| *d >= Duration::from_secs(59)),
        "{:?}",
        clock.sleeps()
    );
    assert!(clock.elapsed() >= Duration::from_secs(60));
}

#[tokio::test]
async fn a_token_quota_wait_past_the_deadline_ends_the_call_at_once() {
    let server = MockServer::start().await;
    // Every token expires at once, so the second call needs a second token request.
    Mock::given(method("POST"))
        .and(path(TOKEN_PATH))
        .respond_with(ResponseTemplate::new(200).set_body_json(token_body("tok", "0")))
        .mount(&server)
        .await;
    scripted(&server, "GET", vec![]).await;
    let clock = ManualClock::new();
    let c = Client::builder()
        .base_url(server.uri())
        .client_credentials("my-id", "my-secret")
        .runtime(Runtime::manual(&clock, 0.5))
        .token_requests_per_minute(1)
        .overall_timeout(Duration::from_secs(3))
        .build()
        .unwrap();
    c.execute(&ping()).await.unwrap();
    let before = clock.elapsed();
    // The next token slot is a minute away: the call fails now instead of waiting.
    let e = c.execute(&ping()).await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::RateLimited, "{e}");
    let wait = e.retry_after().expect("says how long the quota needs");
    assert!(wait > Duration::from_secs(50), "{wait:?}");
    assert_eq!(e.attempts(), 0, "nothing was sent");
    assert_eq!(c.token_requests_sent(), 1);
    assert_eq!(
        clock.elapsed(),
        before,
        "no time passed: {:?}",
        clock.sleeps()
    );
}

#[tokio::test]
async fn token_endpoint_429_is_waited_out() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(TOKEN_PATH))
        .respond_with(ResponseTemplate::new(429).insert_header("retry-after", "20"))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    mount_token(&server, 1).await;
    scripted(&server, "GET", vec![]).await;
    let clock = ManualClock::new();
    client(&server, &clock).execute(&ping()).await.unwrap();
    assert!(clock.elapsed() >= Duration::from_secs(20));
}

#[tokio::test]
async fn bad_credentials_are_a_typed_auth_error() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(TOKEN_PATH))
        .respond_with(ResponseTemplate::new(401).set_body_json(serde_json::json!({
            "detailedmessage": "Policy evaluation failed for this request, please check the policy configurations.",
            "error": "access_denied"
        })))
        .expect(1)
        .mount(&server)
        .await;
    let clock = ManualClock::new();
    let err = client(&server, &clock).execute(&ping()).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Auth);
    assert_eq!(err.status(), Some(401));
    assert_eq!(err.api_error().unwrap().error(), Some("access_denied"));
    assert!(!format!("{err} {err:?}").contains("my-secret"));
}

#[tokio::test]
async fn transient_statuses_are_retried_with_full_jitter_for_gets() {
    let server = MockServer::start().await;
    mount_token(&server, 1).await;
    let calls = scripted(
        &server,
        "GET",
        vec![ResponseTemplate::new(503), ResponseTemplate::new(502)],
    )
    .await;
    let clock = ManualClock::new();
    let r = client(&server, &clock).execute(&ping()).await.unwrap();
    assert_eq!(r.attempts(), 3);
    assert_eq!(calls.load(Ordering::SeqCst), 3);
    // Jitter 0.5 of 500 ms, then of 1 s.
    assert_eq!(
        clock.sleeps(),
        vec![Duration::from_millis(250), Duration::from_millis(500)]
    );
}

#[tokio::test]
async fn attempts_are_capped() {
    let server = MockServer::start().await;
    mount_token(&server, 1).await;
    let calls = scripted(&server, "GET", vec![ResponseTemplate::new(500); 10]).await;
    let clock = ManualClock::new();
    let err = client(&server, &clock).execute(&ping()).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Server);
    assert_eq!(err.attempts(), 3);
    assert_eq!(calls.load(Ordering::SeqCst), 3);
}

#[tokio::test]
async fn non_idempotent_writes_are_not_retried_after_a_5xx() {
    let server = MockServer::start().await;
    // Two clients, two token caches.
    mount_token(&server, 2).await;
    let calls = scripted(&server, "POST", vec![ResponseTemplate::new(503)]).await;
    let clock = ManualClock::new();
    let post = Request::post("/v1/{practiceid}/ping").path_param("practiceid", 195900);
    let err = client(&server, &clock).execute(&post).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Server);
    assert_eq!(calls.load(Ordering::SeqCst), 1);
    // A PUT marked not idempotent (booking) behaves the same.
    let calls = scripted(&server, "PUT", vec![ResponseTemplate::new(500)]).await;
    let book = Request::put("/v1/{practiceid}/ping")
        .path_param("practiceid", 195900)
        .retry_safety(RetrySafety::NotIdempotent);
    client(&server, &clock).execute(&book).await.unwrap_err();
    assert_eq!(calls.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn writes_are_retried_after_a_429_which_was_not_applied() {
    let server = MockServer::start().await;
    mount_token(&server, 1).await;
    let calls = scripted(&server, "POST", vec![ResponseTemplate::new(429)]).await;
    let clock = ManualClock::new();
    let post = Request::post("/v1/{practiceid}/ping").path_param("practiceid", 195900);
    client(&server, &clock).execute(&post).await.unwrap();
    assert_eq!(calls.load(Ordering::SeqCst), 2);
    // No Retry-After: at least the 1 s floor.
    assert!(clock.sleeps()[0] >= Duration::from_secs(1));
}

#[tokio::test]
async fn retry_after_seconds_and_http_dates_are_honoured() {
    let server = MockServer::start().await;
    mount_token(&server, 1).await;
    let clock = ManualClock::new();
    // Formatted whole seconds from now; the 7 s wait happens first.
    let date = httpdate_in(&clock, 20);
    scripted(
        &server,
        "GET",
        vec![
            ResponseTemplate::new(429).insert_header("retry-after", "7"),
            ResponseTemplate::new(503).insert_header("retry-after", date.as_str()),
        ],
    )
    .await;
    client(&server, &clock).execute(&ping()).await.unwrap();
    let sleeps = clock.sleeps();
    assert_eq!(sleeps[0], Duration::from_secs(7));
    assert!(
        sleeps[1] >= Duration::from_secs(12) && sleeps[1] <= Duration::from_secs(13),
        "{sleeps:?}"
    );
}

fn httpdate_in(clock: &ManualClock, secs: u64) -> String {
    use athena_core::runtime::Clock;
    let at = clock.system_now() + Duration::from_secs(secs);
    let dt: chrono::DateTime<chrono::Utc> = at.into();
    dt.format("%a, %d %b %Y %H:%M:%S GMT").to_string()
}

#[tokio::test]
async fn a_retry_after_past_the_deadline_fails_at_once_and_exposes_it() {
    let server = MockServer::start().await;
    // Two clients, two token caches.
    mount_token(&server, 2).await;
    let calls = scripted(
        &server,
        "GET",
        vec![ResponseTemplate::new(429).insert_header("retry-after", "45")],
    )
    .await;
    let clock = ManualClock::new();
    let c = Client::builder()
        .base_url(server.uri())
        .client_credentials("my-id", "my-secret")
        .runtime(Runtime::manual(&clock, 0.5))
        .overall_timeout(Duration::from_secs(30))
        .build()
        .unwrap();
    let err = c.execute(&ping()).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::RateLimited);
    assert_eq!(err.retry_after(), Some(Duration::from_secs(45)));
    assert_eq!(calls.load(Ordering::SeqCst), 1);
    assert!(
        clock.sleeps().is_empty(),
        "never slept: {:?}",
        clock.sleeps()
    );
    // A Retry-After above the policy's ceiling is also handed to the caller.
    let capped = Client::builder()
        .base_url(server.uri())
        .client_credentials("my-id", "my-secret")
        .runtime(Runtime::manual(&clock, 0.5))
        .retry_policy(RetryPolicy::default().with_max_retry_after(Duration::from_secs(10)))
        .build()
        .unwrap();
    let calls = scripted(
        &server,
        "DELETE",
        vec![ResponseTemplate::new(429).insert_header("retry-after", "11")],
    )
    .await;
    let del = Request::delete("/v1/{practiceid}/ping").path_param("practiceid", 195900);
    let err = capped.execute(&del).await.unwrap_err();
    assert_eq!(err.retry_after(), Some(Duration::from_secs(11)));
    assert_eq!(calls.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn the_retry_budget_stops_retry_storms() {
    let server = MockServer::start().await;
    mount_token(&server, 1).await;
    let calls = scripted(&server, "GET", vec![ResponseTemplate::new(503); 10]).await;
    let clock = ManualClock::new();
    let c = Client::builder()
        .base_url(server.uri())
        .client_credentials("my-id", "my-secret")
        .runtime(Runtime::manual(&clock, 0.5))
        .retry_budget(Some(7))
        .build()
        .unwrap();
    let err = c.execute(&ping()).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::RetryBudgetExhausted);
    assert_eq!(err.status(), Some(503));
    // One retry (cost 5) was affordable, the second was not.
    assert_eq!(calls.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn a_non_json_403_is_rate_limiting_but_a_json_403_is_final() {
    let server = MockServer::start().await;
    mount_token(&server, 1).await;
    let calls = scripted(
        &server,
        "GET",
        vec![ResponseTemplate::new(403).set_body_string("<h1>Developer Over Qps</h1>")],
    )
    .await;
    let clock = ManualClock::new();
    let c = client(&server, &clock);
    c.execute(&ping()).await.unwrap();
    assert_eq!(calls.load(Ordering::SeqCst), 2);
    assert_eq!(c.rate_limit_status().throttled_responses, 1);

    let calls = scripted(
        &server,
        "DELETE",
        vec![ResponseTemplate::new(403).set_body_json(serde_json::json!({
            "error": "Changed messages require setup (subscription) that has not been done."
        }))],
    )
    .await;
    let del = Request::delete("/v1/{practiceid}/ping").path_param("practiceid", 195900);
    let err = c.execute(&del).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Forbidden);
    assert_eq!(calls.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn the_qps_limiter_spaces_calls_and_reads_quota_headers() {
    let server = MockServer::start().await;
    mount_token(&server, 1).await;
    Mock::given(method("GET"))
        .and(path("/v1/195900/ping"))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("x-ratelimit-limit", "50000")
                .insert_header("x-ratelimit-remaining", "49998")
                .set_body_json(serde_json::json!({"Pong": "true"})),
        )
        .mount(&server)
        .await;
    let clock = ManualClock::new();
    let c = Client::builder()
        .base_url(server.uri())
        .client_credentials("my-id", "my-secret")
        .runtime(Runtime::manual(&clock, 0.5))
        .max_qps(10.0)
        .build()
        .unwrap();
    for _ in 0..5 {
        c.execute(&ping()).await.unwrap();
    }
    // Every call after the first waited for its 100 ms slot.
    let waits = clock.sleeps();
    assert_eq!(waits.len(), 4, "{waits:?}");
    assert!(
        waits.iter().all(|d| *d == Duration::from_millis(100)),
        "{waits:?}"
    );
    let status = c.rate_limit_status();
    assert_eq!(
        (status.limit, status.remaining),
        (Some(50_000), Some(49_998))
    );
}

#[tokio::test]
async fn an_exhausted_quota_slows_the_client() {
    let server = MockServer::start().await;
    mount_token(&server, 1).await;
    Mock::given(method("GET"))
        .and(path("/v1/195900/ping"))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("x-ratelimit-remaining", "0")
                .set_body_json(serde_json::json!({"Pong": "true"})),
        )
        .mount(&server)
        .await;
    let clock = ManualClock::new();
    let c = client(&server, &clock);
    c.execute(&ping()).await.unwrap();
    c.execute(&ping()).await.unwrap();
    assert_eq!(clock.sleeps(), vec![Duration::from_secs(1)]);
}

#[tokio::test]
async fn attempt_timeouts_retry_reads_but_not_writes() {
    let server = MockServer::start().await;
    mount_token(&server, 1).await;
    // Far longer than the 100 ms attempt timeout, so only the timeout can end these attempts.
    let slow = ResponseTemplate::new(200).set_delay(Duration::from_secs(30));
    let calls = scripted(&server, "GET", vec![slow.clone(), slow.clone()]).await;
    let clock = ManualClock::new();
    let c = Client::builder()
        .base_url(server.uri())
        .client_credentials("my-id", "my-secret")
        .runtime(Runtime::manual(&clock, 0.5))
        .attempt_timeout(Duration::from_millis(100))
        .build()
        .unwrap();
    c.execute(&ping()).await.unwrap();
    assert_eq!(calls.load(Ordering::SeqCst), 3);

    let calls = scripted(&server, "POST", vec![slow]).await;
    let post = Request::post("/v1/{practiceid}/ping").path_param("practiceid", 195900);
    let err = c.execute(&post).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Timeout);
    assert_eq!(calls.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn connect_failures_are_retried_even_for_writes() {
    // A port nobody listens on: the request provably never left.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    let clock = ManualClock::new();
    let c = Client::builder()
        .base_url(format!("http://{addr}"))
        .anonymous()
        .runtime(Runtime::manual(&clock, 0.5))
        .build()
        .unwrap();
    let post = Request::post("/v1/{practiceid}/ping").path_param("practiceid", 1);
    let err = c.execute(&post).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Connect);
    assert_eq!(err.attempts(), 3);
}

#[tokio::test]
async fn request_ids_are_captured_on_errors() {
    let server = MockServer::start().await;
    mount_token(&server, 1).await;
    scripted(
        &server,
        "GET",
        vec![ResponseTemplate::new(409)
            .insert_header("x-request-id", "rrt-123-c-gea1-1-2-3")
            .set_body_json(serde_json::json!({
                "detailedmessage": "The appointment ID is already booked or is not marked as being available to be scheduled via the API.",
                "error": "That appointment time was already booked or not available for booking."
            }))],
    )
    .await;
    let clock = ManualClock::new();
    let err = client(&server, &clock).execute(&ping()).await.unwrap_err();
    assert!(err.is_conflict());
    assert_eq!(err.request_id(), Some("rrt-123-c-gea1-1-2-3"));
    assert!(err.to_string().contains("rrt-123-c-gea1-1-2-3"));
    assert!(
        err.api_error()
            .unwrap()
            .detailed_message()
            .unwrap()
            .contains("already booked")
    );
}

#[tokio::test]
async fn practice_scoping_fills_the_route() {
    let server = MockServer::start().await;
    mount_token(&server, 1).await;
    scripted(&server, "GET", vec![]).await;
    let clock = ManualClock::new();
    let practice = client(&server, &clock).practice(PracticeId::new(195900));
    let req = practice.request(http::Method::GET, "/v1/{practiceid}/ping");
    assert_eq!(req.path(), "/v1/195900/ping");
    practice.client().execute(&req).await.unwrap();
}

#[tokio::test]
async fn bare_outcomes_are_success_or_a_typed_failure() {
    let server = MockServer::start().await;
    mount_token(&server, 1).await;
    scripted(
        &server,
        "PUT",
        vec![
            ResponseTemplate::new(200).set_body_string("1"),
            ResponseTemplate::new(200).set_body_string("\"Invalid PROVIDERID input\""),
            ResponseTemplate::new(200)
                .set_body_string(r#"{"success":"false","errormessage":"nope"}"#),
        ],
    )
    .await;
    let clock = ManualClock::new();
    let c = client(&server, &clock);
    let put = Request::put("/v1/{practiceid}/ping").path_param("practiceid", 195900);
    c.send_bare_outcome(&put).await.unwrap();
    let err = c.send_bare_outcome(&put).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Unsuccessful);
    assert_eq!(
        err.api_error().unwrap().error_message(),
        Some("Invalid PROVIDERID input")
    );
    assert!(!err.to_string().contains("PROVIDERID"));
    let err = c.send_bare_outcome(&put).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Unsuccessful);
}

/// A server that accepts connections and never answers: an attempt against it can only end
/// by its timeout, whatever the machine's load.
async fn silent_server() -> (String, Arc<AtomicUsize>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let uri = format!("http://{}", listener.local_addr().unwrap());
    let accepted = Arc::new(AtomicUsize::new(0));
    let count = accepted.clone();
    tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((socket, _)) = listener.accept().await {
            count.fetch_add(1, Ordering::SeqCst);
            held.push(socket);
        }
    });
    (uri, accepted)
}

#[tokio::test]
async fn the_overall_deadline_bounds_the_whole_call() {
    // No wall-clock expectation: the deadline runs on the manual clock, the server never
    // answers, so each attempt ends by its (deadline-shortened) timeout and the back-off
    // sleeps are what move the clock. 350 ms overall, 200 ms per attempt, jitter 0.5:
    // attempt 1 times out; 250 ms back-off fits; attempt 2 (100 ms left) times out; the
    // 500 ms back-off would pass the deadline, so the call ends after exactly 2 attempts.
    let (uri, accepted) = silent_server().await;
    let clock = ManualClock::new();
    let c = Client::builder()
        .base_url(uri)
        .anonymous()
        .runtime(Runtime::manual(&clock, 0.5))
        .attempt_timeout(Duration::from_millis(200))
        .overall_timeout(Duration::from_millis(350))
        .build()
        .unwrap();
    let err = c.execute(&ping()).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Timeout, "{err}");
    assert_eq!(err.attempts(), 2, "{err}");
    assert_eq!(clock.sleeps(), vec![Duration::from_millis(250)]);
    assert!(accepted.load(Ordering::SeqCst) <= 2);
    // Once the deadline has passed on the clock, nothing more is sent.
    let c = Client::builder()
        .base_url(server_uri_of(&c))
        .anonymous()
        .runtime(Runtime::manual(&clock, 0.5))
        .overall_timeout(Duration::ZERO)
        .build()
        .unwrap();
    let before = accepted.load(Ordering::SeqCst);
    let err = c.execute(&ping()).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Timeout, "{err}");
    assert_eq!(err.attempts(), 0);
    assert_eq!(accepted.load(Ordering::SeqCst), before);
}

fn server_uri_of(c: &Client) -> String {
    c.base_url().as_str().trim_end_matches('/').to_owned()
}

#[tokio::test]
async fn custom_headers_are_sent_and_kept_out_of_debug() {
    let server = MockServer::start().await;
    mount_token(&server, 1).await;
    Mock::given(method("GET"))
        .and(path("/v1/195900/ping"))
        .and(header("prefer", "respond-async"))
        .and(header("x-hub-secret", "hush-hush"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({"Pong": "true"})))
        .expect(1)
        .mount(&server)
        .await;
    let clock = ManualClock::new();
    let req = ping()
        .try_header("Prefer", "respond-async")
        .unwrap()
        .try_header("X-Hub-Secret", "hush-hush")
        .unwrap();
    assert!(!format!("{req:?}").contains("hush-hush"));
    assert!(!req.describe_for_snapshot().contains("hush-hush"));
    client(&server, &clock).execute(&req).await.unwrap();
    let bad = ping().try_header("X-Bad", "line\nbreak").unwrap_err();
    assert_eq!(bad.kind(), ErrorKind::InvalidInput);
    assert!(!bad.to_string().contains("break"));
}

// --- Additions for callers that decode their own error bodies (FHIR) -------------------------

fn fhir_outcome(code: &str) -> serde_json::Value {
    serde_json::json!({"resourceType": "OperationOutcome",
        "issue": [{"severity": "error", "code": code}]})
}

#[tokio::test]
async fn execute_any_status_hands_over_the_final_response_after_retries() {
    let server = MockServer::start().await;
    mount_token(&server, 1).await;
    let calls = scripted(
        &server,
        "GET",
        vec![
            ResponseTemplate::new(503),
            ResponseTemplate::new(503),
            ResponseTemplate::new(503).set_body_json(fhir_outcome("transient")),
        ],
    )
    .await;
    let clock = ManualClock::new();
    let c = client(&server, &clock);
    let r = c.execute_any_status(&ping()).await.unwrap();
    assert_eq!(r.status(), 503);
    assert_eq!(r.attempts(), 3, "retried as execute would");
    assert!(std::str::from_utf8(r.body()).unwrap().contains("transient"));
    assert!(
        !format!("{r:?}").contains("transient"),
        "Debug hides the body"
    );
    assert_eq!(calls.load(Ordering::SeqCst), 3);
}

#[tokio::test]
async fn execute_any_status_returns_a_404_and_a_long_retry_after_429_at_once() {
    let server = MockServer::start().await;
    mount_token(&server, 1).await;
    let calls = scripted(
        &server,
        "GET",
        vec![
            ResponseTemplate::new(404).set_body_json(fhir_outcome("not-found")),
            ResponseTemplate::new(429).insert_header("retry-after", "600"),
        ],
    )
    .await;
    let clock = ManualClock::new();
    let c = client(&server, &clock);
    assert_eq!(c.execute_any_status(&ping()).await.unwrap().status(), 404);
    // 600 s is longer than the policy honours (60 s): handed over with its header, no wait.
    let r = c.execute_any_status(&ping()).await.unwrap();
    assert_eq!(r.status(), 429);
    assert_eq!(r.headers()["retry-after"], "600");
    assert_eq!(clock.elapsed(), Duration::ZERO);
    assert_eq!(calls.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn a_fhir_403_is_a_refusal_not_the_over_qps_page() {
    let server = MockServer::start().await;
    mount_token(&server, 1).await;
    let calls = scripted(
        &server,
        "GET",
        vec![ResponseTemplate::new(403).set_body_json(fhir_outcome("forbidden"))],
    )
    .await;
    let clock = ManualClock::new();
    let e = client(&server, &clock).execute(&ping()).await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Forbidden);
    assert_eq!(calls.load(Ordering::SeqCst), 1, "not retried");
}

#[tokio::test]
async fn links_are_sent_as_is_on_the_same_origin_only() {
    let server = MockServer::start().await;
    mount_token(&server, 1).await;
    Mock::given(method("GET"))
        .and(path("/fhir/r4/Observation"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({})))
        .expect(1)
        .mount(&server)
        .await;
    let clock = ManualClock::new();
    let c = client(&server, &clock);
    let link = url::Url::parse(&format!(
        "{}/fhir/r4/Observation?cursor=a%2Cb+c&patient=p1",
        server.uri()
    ))
    .unwrap();
    let r = Request::to_link(http::Method::GET, "/fhir/r4/{type}?{next}", link)
        .query("ah-practice", "Organization/a-1.Practice-1");
    c.execute(&r).await.unwrap();
    let sent = server.received_requests().await.unwrap();
    assert_eq!(
        sent.last().unwrap().url.query(),
        Some("cursor=a%2Cb+c&patient=p1&ah-practice=Organization%2Fa-1.Practice-1")
    );

    // Another origin (here: another port): an error before anything is sent, no token spent.
    let before = server.received_requests().await.unwrap().len();
    let foreign = url::Url::parse("http://127.0.0.1:9/fhir/r4/Observation?cursor=2").unwrap();
    let e = c
        .execute(&Request::to_link(
            http::Method::GET,
            "/fhir/r4/{type}?{next}",
            foreign,
        ))
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidInput);
    assert!(!e.to_string().contains("127.0.0.1:9"), "{e}");
    assert!(e.to_string().contains("/fhir/r4/{type}?{next}"), "{e}");
    assert_eq!(server.received_requests().await.unwrap().len(), before);
}

#[derive(Debug)]
struct FixedToken(&'static str);

impl athena_core::auth::TokenSource for FixedToken {
    fn fetch_token<'a>(
        &'a self,
        _endpoint: &'a athena_core::auth::TokenEndpoint,
    ) -> futures::future::BoxFuture<'a, athena_core::Result<athena_core::auth::AccessToken>> {
        let now = std::time::SystemTime::now();
        Box::pin(async move {
            Ok(athena_core::auth::AccessToken::new(
                self.0.to_owned().into(),
                now,
                now + Duration::from_secs(3600),
            ))
        })
    }
    fn cache_key(&self) -> String {
        format!("fixed|{}", self.0)
    }
}

#[tokio::test]
async fn a_derived_client_has_its_own_token_and_shares_the_budget() {
    use secrecy::ExposeSecret;
    let server = MockServer::start().await;
    mount_token(&server, 2).await;
    Mock::given(method("GET"))
        .and(path("/v1/195900/ping"))
        .and(header("authorization", "Bearer fhir-token"))
        .respond_with(ResponseTemplate::new(503))
        .expect(3)
        .mount(&server)
        .await;
    let clock = ManualClock::new();
    let rest = client(&server, &clock);
    let fhir = rest.with_token_source(Arc::new(FixedToken("fhir-token")));
    let token = fhir.access_token().await.unwrap().unwrap();
    assert_eq!(token.secret().expose_secret(), "fhir-token");
    let rest_token = rest.access_token().await.unwrap().unwrap();
    assert_eq!(rest_token.secret().expose_secret(), "tok-1");
    let budget = rest.retry_budget_available();
    let e = fhir.execute(&ping()).await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Server);
    assert!(
        rest.retry_budget_available() < budget,
        "the derived client's retries spend the shared budget"
    );
    // After a rejection (a 401 on the REST client's call) the cache no longer serves the
    // token: it is fetched again, by the transport.
    let anonymous = Client::builder()
        .base_url(server.uri())
        .anonymous()
        .build()
        .unwrap();
    assert!(anonymous.access_token().await.unwrap().is_none());
    Mock::given(method("GET"))
        .and(path("/v1/195900/departments"))
        .respond_with(ResponseTemplate::new(401))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v1/195900/departments"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({})))
        .mount(&server)
        .await;
    let departments = Request::get("/v1/{practiceid}/departments").path_param("practiceid", 195900);
    assert_eq!(rest.execute(&departments).await.unwrap().attempts(), 2);
    rest.access_token().await.unwrap();
    assert_eq!(rest.token_requests_sent(), 2);
}

/// A 429 whose `Retry-After` is absurd (`1e300`, `u64::MAX`, a date in the year 9999) neither
/// panics nor freezes the client: the error carries the clamped wait, the shared pause is
/// capped at the policy's `max_retry_after`, and a later call with a 3 s overall deadline
/// fails at once with a rate-limit error instead of sleeping into the pause. Before the fix,
/// `1e300` panicked in `Duration::from_secs_f64`, `18446744073709551615` panicked in the
/// limiter's `now + wait`, and the next call slept the whole pause before checking its
/// deadline.
#[tokio::test]
async fn an_absurd_retry_after_neither_panics_nor_freezes_later_calls() {
    use athena_core::retry::retry_after::MAX_SERVER_WAIT;
    for (value, any_status) in [
        ("1e300", false),
        ("18446744073709551615", false),
        ("99999999999999999999999999", false),
        ("Fri, 31 Dec 9999 23:59:59 GMT", false),
        ("1e300", true),
        ("18446744073709551615", true),
    ] {
        let server = MockServer::start().await;
        mount_token(&server, 1).await;
        let calls = scripted(
            &server,
            "GET",
            vec![ResponseTemplate::new(429).insert_header("retry-after", value)],
        )
        .await;
        let clock = ManualClock::new();
        let c = Client::builder()
            .base_url(server.uri())
            .client_credentials("my-id", "my-secret")
            .runtime(Runtime::manual(&clock, 0.5))
            .overall_timeout(Duration::from_secs(3))
            .build()
            .unwrap();
        if any_status {
            let r = c.execute_any_status(&ping()).await.unwrap();
            assert_eq!(r.status(), 429, "{value}");
        } else {
            let err = c.execute(&ping()).await.unwrap_err();
            assert_eq!(err.kind(), ErrorKind::RateLimited, "{value}");
            assert_eq!(err.retry_after(), Some(MAX_SERVER_WAIT), "{value}");
        }
        assert_eq!(calls.load(Ordering::SeqCst), 1, "{value}");

        // The next call: 3 s overall, the limiter paused (capped at 60 s). It answers at
        // once with a rate-limit error, without sending and without sleeping.
        let err = c.execute(&ping()).await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::RateLimited, "{value}: {err}");
        assert_eq!(err.retry_after(), Some(Duration::from_secs(60)), "{value}");
        assert_eq!(err.attempts(), 0, "{value}");
        assert_eq!(calls.load(Ordering::SeqCst), 1, "{value}: nothing was sent");
        assert!(clock.sleeps().is_empty(), "{value}: {:?}", clock.sleeps());
        assert_eq!(clock.elapsed(), Duration::ZERO, "{value}");

        // Once the capped pause is over, calls flow again.
        clock.advance(Duration::from_secs(60));
        c.execute(&ping()).await.unwrap();
        assert_eq!(calls.load(Ordering::SeqCst), 2, "{value}");
    }
}

/// A `Retry-After` date in the past means "now"; `-5`, `NaN` and `inf` are ignored (the
/// ordinary back-off applies) — none of them panics.
#[tokio::test]
async fn past_negative_and_non_numeric_retry_after_values_are_harmless() {
    for value in [
        "Thu, 01 Jan 1970 00:00:00 GMT",
        "-5",
        "NaN",
        "inf",
        "-inf",
        "1e",
    ] {
        let server = MockServer::start().await;
        mount_token(&server, 1).await;
        let calls = scripted(
            &server,
            "GET",
            vec![ResponseTemplate::new(503).insert_header("retry-after", value)],
        )
        .await;
        let clock = ManualClock::new();
        let c = client(&server, &clock);
        c.execute(&ping()).await.unwrap();
        assert_eq!(calls.load(Ordering::SeqCst), 2, "{value}");
        // Jitter 0.5 of the first 500 ms ceiling.
        assert_eq!(clock.sleeps(), vec![Duration::from_millis(250)], "{value}");
    }
}

/// Absurd quota headers (`X-RateLimit-*` negative, huge, non-numeric) are ignored or kept
/// as numbers; none panics or pauses the client.
#[tokio::test]
async fn absurd_quota_headers_are_harmless() {
    let server = MockServer::start().await;
    mount_token(&server, 1).await;
    Mock::given(method("GET"))
        .and(path("/v1/195900/ping"))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("x-ratelimit-limit", "99999999999999999999999")
                .insert_header("x-ratelimit-remaining", "-1")
                .set_body_json(serde_json::json!({"Pong": "true"})),
        )
        .mount(&server)
        .await;
    let clock = ManualClock::new();
    let c = client(&server, &clock);
    c.execute(&ping()).await.unwrap();
    c.execute(&ping()).await.unwrap();
    let status = c.rate_limit_status();
    assert_eq!((status.limit, status.remaining), (None, None));
    assert!(clock.sleeps().is_empty(), "{:?}", clock.sleeps());
}

/// The client-side QPS wait counts against the deadline: a slot 10 s away with a 3 s
/// deadline fails at once (nothing sent, nothing slept) instead of sleeping 10 s first.
#[tokio::test]
async fn a_qps_slot_past_the_deadline_fails_at_once() {
    let server = MockServer::start().await;
    mount_token(&server, 1).await;
    let calls = scripted(&server, "GET", vec![]).await;
    let clock = ManualClock::new();
    let c = Client::builder()
        .base_url(server.uri())
        .client_credentials("my-id", "my-secret")
        .runtime(Runtime::manual(&clock, 0.5))
        .max_qps(0.1)
        .overall_timeout(Duration::from_secs(3))
        .build()
        .unwrap();
    c.execute(&ping()).await.unwrap();
    let err = c.execute(&ping()).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Timeout, "{err}");
    assert_eq!(err.attempts(), 0);
    assert_eq!(calls.load(Ordering::SeqCst), 1);
    assert!(clock.sleeps().is_empty(), "{:?}", clock.sleeps());
    // The refused call reserved nothing: after 10 s the next slot is free at once.
    clock.advance(Duration::from_secs(10));
    c.execute(&ping()).await.unwrap();
    assert!(clock.sleeps().is_empty(), "{:?}", clock.sleeps());
}

/// Connection errors say which host and port could not be reached (so a wrong
/// `ATHENA_BASE_URL` is obvious), never the path or the query (they carry patient ids and
/// search values).
#[tokio::test]
async fn connection_errors_name_host_and_port_but_not_path_or_query() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    let clock = ManualClock::new();
    let c = Client::builder()
        .base_url(format!("http://{addr}"))
        .anonymous()
        .runtime(Runtime::manual(&clock, 0.5))
        .build()
        .unwrap();
    let req = Request::get("/v1/{practiceid}/patients/{patientid}")
        .path_param("practiceid", 195900)
        .path_param("patientid", "Featherstonehaugh")
        .query("dob", "07/04/1961");
    let err = c.execute(&req).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Connect);
    let text = err.to_string();
    assert!(
        text.contains(&format!("127.0.0.1:{}", addr.port())),
        "{text}"
    );
    for secret in ["Featherstonehaugh", "07/04/1961", "1961", "195900"] {
        assert!(!text.contains(secret), "{secret} leaked: {text}");
        assert!(
            !format!("{err:?}").contains(secret),
            "{secret} leaked: {err:?}"
        );
    }

    // A timed-out attempt names the server too.
    let (uri, _accepted) = silent_server().await;
    let c = Client::builder()
        .base_url(&uri)
        .anonymous()
        .runtime(Runtime::manual(&clock, 0.5))
        .retry_policy(RetryPolicy::none())
        .attempt_timeout(Duration::from_millis(50))
        .build()
        .unwrap();
    let err = c.execute(&req).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Timeout);
    let text = err.to_string();
    assert!(text.contains(uri.trim_start_matches("http://")), "{text}");
    assert!(!text.contains("Featherstonehaugh"), "{text}");
}
