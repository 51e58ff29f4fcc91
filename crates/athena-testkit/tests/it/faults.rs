//! Every fault kind, injected at runtime, plus the QPS limit mode.

use std::time::{Duration, Instant};

use crate::common::{S, first_open};
use athena_testkit::{Fault, FaultRule, RetryAfter, Sandbox, ops};
use serde_json::Value;

async fn raw_get(s: &S, path: &str) -> reqwest::Result<reqwest::Response> {
    s.c.get(format!("{}{path}", s.base))
        .bearer_auth(&s.t)
        .send()
        .await
}

#[tokio::test]
async fn rate_limit_and_gateway_faults() {
    let sb = Sandbox::start().await;
    let s = S::new(&sb).await;
    let f = sb.faults();

    f.push(
        FaultRule::new(Fault::TooManyRequests(RetryAfter::Seconds(7)))
            .path("/v1/*/ping")
            .once(),
    );
    let r = raw_get(&s, "/ping").await.unwrap();
    assert_eq!(r.status(), 429);
    assert_eq!(r.headers()["retry-after"], "7");
    assert!(
        r.headers()["x-request-id"]
            .to_str()
            .unwrap()
            .starts_with("rrt-")
    );
    // Fired once; the next call is normal.
    assert_eq!(raw_get(&s, "/ping").await.unwrap().status(), 200);

    f.push(FaultRule::new(Fault::TooManyRequests(RetryAfter::HttpDate(30))).once());
    let r = raw_get(&s, "/ping").await.unwrap();
    assert_eq!(r.status(), 429);
    let date = r.headers()["retry-after"].to_str().unwrap().to_string();
    assert!(date.ends_with(" GMT") && date.contains(','), "{date}");

    f.push(FaultRule::new(Fault::TooManyRequests(RetryAfter::Absent)).once());
    let r = raw_get(&s, "/ping").await.unwrap();
    assert_eq!(r.status(), 429);
    assert!(r.headers().get("retry-after").is_none());

    f.push(FaultRule::new(Fault::OverQpsHtml).once());
    let r = raw_get(&s, "/ping").await.unwrap();
    assert_eq!(r.status(), 403);
    let body = r.text().await.unwrap();
    assert!(body.contains("Developer Over Qps"));
    assert!(serde_json::from_str::<Value>(&body).is_err());

    for status in [500u16, 502, 503, 504] {
        f.push(FaultRule::new(Fault::GatewayError(status)).once());
        let r = raw_get(&s, "/ping").await.unwrap();
        assert_eq!(r.status().as_u16(), status);
        assert!(
            r.text().await.unwrap().is_empty(),
            "gateway errors have no body"
        );
    }
    f.push(FaultRule::new(Fault::JsonError(503)).once());
    let r = raw_get(&s, "/ping").await.unwrap();
    assert_eq!(r.status(), 503);
    let v: Value = r.json().await.unwrap();
    assert!(v["error"].is_string());

    f.push(FaultRule::new(Fault::MalformedJson).once());
    let r = raw_get(&s, "/ping").await.unwrap();
    assert_eq!(r.status(), 200);
    assert!(r.json::<Value>().await.is_err());

    f.push(FaultRule::new(Fault::HtmlErrorPage).once());
    let r = raw_get(&s, "/ping").await.unwrap();
    assert_eq!(r.status(), 200);
    assert!(r.text().await.unwrap().starts_with("<html>"));

    let stats = sb.stats();
    assert_eq!(stats.faults_injected, 11);
    assert_eq!(stats.rate_limited, 3);
}

#[tokio::test]
async fn latency_and_times_and_clear() {
    let sb = Sandbox::start().await;
    let s = S::new(&sb).await;
    sb.faults().push(
        FaultRule::new(Fault::Latency(Duration::from_millis(300)))
            .method("GET")
            .times(2),
    );
    for _ in 0..2 {
        let t = Instant::now();
        assert_eq!(raw_get(&s, "/ping").await.unwrap().status(), 200);
        assert!(t.elapsed() >= Duration::from_millis(300));
    }
    assert_eq!(sb.faults().active(), 0);
    sb.faults().push(FaultRule::new(Fault::GatewayError(502)));
    assert_eq!(raw_get(&s, "/ping").await.unwrap().status(), 502);
    assert_eq!(raw_get(&s, "/ping").await.unwrap().status(), 502);
    sb.faults().clear();
    assert_eq!(raw_get(&s, "/ping").await.unwrap().status(), 200);
}

#[tokio::test]
async fn dropped_before_handler_applies_nothing() {
    let sb = Sandbox::start().await;
    let s = S::new(&sb).await;
    let (slot, _, _) = first_open(&s, &sb).await;
    sb.faults().push(
        FaultRule::new(Fault::DropBeforeHandler)
            .method("PUT")
            .path("/v1/*/appointments/*")
            .once(),
    );
    let r =
        s.c.put(format!("{}/appointments/{slot}", s.base))
            .bearer_auth(&s.t)
            .form(&[("patientid", "1")])
            .send()
            .await;
    assert!(r.is_err(), "connection dropped");
    assert_eq!(sb.stats().writes(ops::BOOK_APPOINTMENT), 0);
    let (st, v) = s.get(&format!("/appointments/{slot}")).await;
    assert_eq!(st, 200);
    assert_eq!(v[0]["appointmentstatus"], "o");
}

#[tokio::test]
async fn dropped_after_handler_applies_the_write() {
    let sb = Sandbox::start().await;
    let s = S::new(&sb).await;
    let (slot, _, _) = first_open(&s, &sb).await;
    sb.faults().push(
        FaultRule::new(Fault::DropAfterHandler)
            .method("PUT")
            .path("/v1/*/appointments/*")
            .once(),
    );
    let r =
        s.c.put(format!("{}/appointments/{slot}", s.base))
            .bearer_auth(&s.t)
            .form(&[("patientid", "1")])
            .send()
            .await;
    assert!(r.is_err(), "client never sees the response");
    assert_eq!(sb.stats().writes(ops::BOOK_APPOINTMENT), 1);
    let (_, v) = s.get(&format!("/appointments/{slot}")).await;
    assert_eq!(v[0]["appointmentstatus"], "f");
    // A blind retry now conflicts: the booking happened.
    let (st, _) = s
        .put(&format!("/appointments/{slot}"), &[("patientid", "1")])
        .await;
    assert_eq!(st, 409);
    assert_eq!(sb.stats().writes(ops::BOOK_APPOINTMENT), 1);
}

#[tokio::test]
async fn truncated_body() {
    let sb = Sandbox::start().await;
    let s = S::new(&sb).await;
    sb.faults().push(
        FaultRule::new(Fault::TruncatedBody)
            .path("/v1/*/departments")
            .once(),
    );
    let r = raw_get(&s, "/departments").await;
    if let Ok(resp) = r {
        assert!(resp.bytes().await.is_err(), "body must fail to read");
    }
    let (st, v) = s.get("/departments").await;
    assert_eq!(st, 200);
    assert_eq!(v["totalcount"], 3);
}

#[tokio::test]
async fn keep_alive_survives_many_requests() {
    let sb = Sandbox::start().await;
    let s = S::new(&sb).await;
    for _ in 0..300 {
        assert_eq!(raw_get(&s, "/ping").await.unwrap().status(), 200);
    }
    let st = sb.stats();
    assert!(
        st.connections <= 3,
        "connections reused: {}",
        st.connections
    );
    assert_eq!(st.api_requests, 300);
}

#[tokio::test]
async fn qps_limit_mode() {
    let sb = Sandbox::builder().qps_limit(3).start().await;
    let s = S::new(&sb).await;
    let mut codes = Vec::new();
    for _ in 0..10 {
        let r = raw_get(&s, "/ping").await.unwrap();
        if r.status() == 429 {
            assert_eq!(r.headers()["x-ratelimit-limit"], "3");
            assert_eq!(r.headers()["x-ratelimit-remaining"], "0");
        } else {
            assert_eq!(r.headers()["x-ratelimit-limit"], "50000");
        }
        codes.push(r.status().as_u16());
    }
    let limited = codes.iter().filter(|c| **c == 429).count();
    assert!(limited >= 4, "{codes:?}");
}
