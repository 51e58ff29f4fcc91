//! Trace output carries route templates, never PHI.
//!
//! Alone in its binary: tracing caches per-callsite interest, so a test running without a
//! subscriber in parallel could hide these events from the scoped subscriber.

mod common;

use std::io::Write;
use std::sync::{Arc, Mutex};

use athena_core::Request;
use athena_core::runtime::ManualClock;
use common::{SURNAME, assert_clean, client, requests, server};
use wiremock::matchers::{method, path};
use wiremock::{Mock, ResponseTemplate};

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

#[tokio::test]
async fn trace_output_carries_route_templates_not_phi() {
    let capture = Capture::default();
    let writer = capture.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .finish();
    tracing::subscriber::set_global_default(subscriber).unwrap();

    let server = server().await;
    let clock = ManualClock::new();
    let c = client(&server, &clock);
    for req in requests() {
        let _ = c.send_json::<serde_json::Value>(&req).await;
    }
    // A retried call too, so the retry events are covered.
    Mock::given(method("GET"))
        .and(path(format!("/v1/195900/chart/{SURNAME}/problems")))
        .respond_with(ResponseTemplate::new(503))
        .mount(&server)
        .await;
    let retried = Request::get("/v1/{practiceid}/chart/{patientid}/problems")
        .path_param("practiceid", 195900)
        .path_param("patientid", SURNAME)
        .query("departmentid", 1);
    let _ = c.execute(&retried).await;

    let logs = String::from_utf8(capture.0.lock().unwrap().clone()).unwrap();
    assert!(
        logs.contains("/v1/{practiceid}/patients/{patientid}"),
        "{logs}"
    );
    assert!(
        logs.contains("/v1/{practiceid}/chart/{patientid}/problems"),
        "{logs}"
    );
    assert!(logs.contains("retrying"), "{logs}");
    assert!(logs.contains("requesting a new access token"), "{logs}");
    assert_clean(&logs);
}
