//! A wait for a token-request slot is never silent: it is logged at WARN with the wait and
//! the quota.
//!
//! The subscriber is scoped to the test's own thread (`tracing::subscriber::with_default` around a
//! current-thread runtime), so the test shares its binary with the others.

use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use athena_core::runtime::{ManualClock, Runtime};
use athena_core::{Client, Request};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

#[derive(Clone, Default)]
struct Capture(Arc<Mutex<Vec<u8>>>);

impl Write for Capture {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[test]
fn waiting_for_the_token_quota_is_logged_at_warn() {
    let capture = Capture::default();
    let writer = capture.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::INFO)
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .finish();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    tracing::subscriber::with_default(subscriber, || runtime.block_on(scenario(capture)));
}

async fn scenario(capture: Capture) {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/oauth2/v1/token"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(serde_json::json!({"access_token": "t", "expires_in": 0})),
        )
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v1/195900/ping"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({"ping": 1})))
        .mount(&server)
        .await;
    let clock = ManualClock::new();
    let c = Client::builder()
        .base_url(server.uri())
        .client_credentials("id", "secret")
        .token_requests_per_minute(1)
        .runtime(Runtime::manual(&clock, 0.5))
        .build()
        .unwrap();
    let ping = Request::get("/v1/{practiceid}/ping").path_param("practiceid", 195900);
    c.execute(&ping).await.unwrap();
    let quiet = String::from_utf8(capture.0.lock().unwrap().clone()).unwrap();
    assert!(!quiet.contains("quota"), "no wait, no warning: {quiet}");

    c.execute(&ping).await.unwrap();
    assert!(clock.elapsed() >= Duration::from_secs(59));
    let logs = String::from_utf8(capture.0.lock().unwrap().clone()).unwrap();
    let warning = logs
        .lines()
        .find(|l| l.contains("token endpoint quota reached"))
        .unwrap_or_else(|| panic!("a WARN line about the quota: {logs}"));
    assert!(warning.contains("WARN"), "{warning}");
    assert!(warning.contains("wait_secs=60"), "{warning}");
    assert!(warning.contains("per_minute=1"), "{warning}");
    assert_eq!(
        logs.matches("token endpoint quota reached").count(),
        1,
        "one warning per wait: {logs}"
    );
}
