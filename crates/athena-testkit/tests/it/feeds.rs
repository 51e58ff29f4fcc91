//! Changed-data feeds (reference §7).

use crate::common::{S, first_open};
use athena_testkit::Sandbox;
use serde_json::json;

#[tokio::test]
async fn subscription_lifecycle_and_destructive_reads() {
    let sb = Sandbox::start().await;
    let s = S::new(&sb).await;
    let (st, v) = s.get("/providers/changed").await;
    assert_eq!(
        (st, v),
        (
            403,
            json!({"error": "Changed messages require setup (subscription) that has not been done."})
        )
    );
    assert_eq!(
        s.get("/appointments/changed/subscription").await.1,
        json!({"status": "INACTIVE", "subscriptions": []})
    );
    let (_, ev) = s.get("/appointments/changed/subscription/events").await;
    assert_eq!(ev["subscriptions"].as_array().unwrap().len(), 11);
    assert_eq!(
        s.post("/appointments/changed/subscription", &[]).await,
        (200, json!({"success": true}))
    );
    assert_eq!(
        s.get("/appointments/changed/subscription").await.1["status"],
        "ACTIVE"
    );

    let (slot, _, _) = first_open(&s, &sb).await;
    s.put(&format!("/appointments/{slot}"), &[("patientid", "2")])
        .await;
    s.put(
        &format!("/appointments/{slot}/cancel"),
        &[("patientid", "2")],
    )
    .await;
    let (st, _) = s.get("/appointments/changed").await;
    assert_eq!(st, 400, "departmentid required on appointments");
    let (_, peek) = s
        .get("/appointments/changed?departmentid=1&leaveunprocessed=true")
        .await;
    assert_eq!(peek["totalcount"], 2);
    let (_, v) = s.get("/appointments/changed?departmentid=1").await;
    let items = v["appointments"].as_array().unwrap();
    assert_eq!(items.len(), 2);
    assert_eq!(items[0]["appointmentstatus"], "f");
    assert_eq!(items[1]["appointmentstatus"], "x");
    assert!(items[0]["departmentid"].is_string());
    // Destructive: a second read is empty.
    assert_eq!(
        s.get("/appointments/changed?departmentid=1").await.1,
        json!({"appointments": [], "totalcount": 0})
    );
    // Replay the processed window (US/Eastern).
    let now = chrono::Utc::now()
        .with_timezone(&chrono_tz::US::Eastern)
        .naive_local();
    let start = (now - chrono::Duration::minutes(5))
        .format("%m/%d/%Y %H:%M:%S")
        .to_string();
    let end = (now + chrono::Duration::minutes(5))
        .format("%m/%d/%Y %H:%M:%S")
        .to_string();
    let (_, v) = s.get(&format!("/appointments/changed?departmentid=1&showprocessedstartdatetime={start}&showprocessedenddatetime={end}")).await;
    assert_eq!(v["totalcount"], 2);
    // Unsubscribe one event then all.
    assert_eq!(
        s.send(
            reqwest::Method::DELETE,
            "/appointments/changed/subscription",
            &[("eventname", "CheckIn")]
        )
        .await
        .0,
        200
    );
    assert_eq!(
        s.get("/appointments/changed/subscription").await.1["status"],
        "PARTIAL"
    );
    s.send(
        reqwest::Method::DELETE,
        "/appointments/changed/subscription",
        &[],
    )
    .await;
    assert_eq!(s.get("/appointments/changed?departmentid=1").await.0, 403);
}

#[tokio::test]
async fn rest_mutations_and_generated_changes_reach_feeds() {
    let sb = Sandbox::start().await;
    let s = S::new(&sb).await;
    for feed in [
        "patients",
        "chart/healthhistory/problems",
        "providers",
        "claims",
        "labresults",
        "prescriptions",
        "chart/healthhistory/allergies",
        "chart/healthhistory/medication",
    ] {
        assert_eq!(
            s.post(&format!("/{feed}/changed/subscription"), &[])
                .await
                .0,
            200,
            "{feed}"
        );
    }
    s.post(
        "/patients",
        &[
            ("departmentid", "1"),
            ("firstname", "Ada"),
            ("lastname", "Feedtest"),
            ("dob", "02/03/1970"),
            ("zip", "02472"),
        ],
    )
    .await;
    s.post(
        "/chart/3/problems",
        &[("departmentid", "1"), ("snomedcode", "59621000")],
    )
    .await;
    let (_, v) = s.get("/patients/changed").await;
    assert_eq!(v["patients"][0]["lastname"], "Feedtest");
    let (_, v) = s.get("/chart/healthhistory/problems/changed").await;
    assert_eq!(v["problems"][0]["patientid"], 3);
    assert_eq!(v["problems"][0]["code"], "59621000");

    assert_eq!(sb.generate_changes(18), 18);
    assert_eq!(sb.pending_changes("patients"), 2);
    let (_, v) = s.get("/providers/changed").await;
    assert_eq!(v["totalcount"], 2);
    assert!(v["providers"][0]["providerid"].is_number());
    let (_, v) = s.get("/labresults/changed").await;
    assert_eq!(v["labresults"].as_array().unwrap().len(), 2);
    let (_, v) = s.get("/prescriptions/changed?limit=1").await;
    assert_eq!(v["prescriptions"].as_array().unwrap().len(), 1);
    assert_eq!(v["totalcount"], 2);
}
