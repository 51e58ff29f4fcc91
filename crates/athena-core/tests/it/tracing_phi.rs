//! Trace output carries route templates, never PHI.
//!
//! The subscriber is scoped to the test's own thread (`tracing::subscriber::with_default` around a
//! current-thread runtime), so the test shares its binary with the others.

use crate::common;

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

#[test]
fn trace_output_carries_route_templates_not_phi() {
    let capture = Capture::default();
    let writer = capture.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
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
