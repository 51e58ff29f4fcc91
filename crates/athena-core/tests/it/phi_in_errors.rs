//! PHI never reaches an error message or a log line.

use crate::common;

use athena_core::Request;
use athena_core::runtime::ManualClock;
use common::{SURNAME, assert_clean, client, requests, server};

#[tokio::test]
async fn errors_never_show_urls_bodies_or_server_text() {
    let server = server().await;
    let clock = ManualClock::new();
    let c = client(&server, &clock);
    for req in requests() {
        let err = c
            .send_json::<serde_json::Value>(&req)
            .await
            .map(|_| ())
            .unwrap_err();
        let mut shown = format!("{err}\n{err:?}\n{req:?}");
        let mut source = std::error::Error::source(&err);
        while let Some(s) = source {
            shown.push_str(&format!("\n{s}\n{s:?}"));
            source = s.source();
        }
        assert_clean(&shown);
        // The text is still reachable for a caller who decides it is safe to show.
        let api = err.api_error().expect("athena error body");
        assert!(
            api.error()
                .or(api.error_message())
                .unwrap()
                .contains(SURNAME)
        );
    }
    // A decode failure (a surname where a number belongs) through the typed path.
    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct P {
        patientid: u64,
    }
    let list = Request::get("/v1/{practiceid}/patients").path_param("practiceid", 195900);
    let err = c.fetch_page::<P>(&list, "patients").await.unwrap_err();
    assert!(err.is_decode());
    assert_eq!(err.attempts(), 1, "decode errors carry the attempt count");
    assert_clean(&format!("{err}\n{err:?}"));
}
