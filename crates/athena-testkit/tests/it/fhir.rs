//! FHIR R4: tenant parameter, required search parameters, cursor paging, Bulk export, SMART
//! configuration (reference §8).

use crate::common::S;
use athena_testkit::Sandbox;
use serde_json::{Value, json};

#[tokio::test]
async fn fhir_rules_paging_and_export() {
    let sb = Sandbox::start().await;
    let s = S::new(&sb).await;
    let f = sb.fhir_base();
    let ah = "ah-practice=Organization/a-1.Practice-195900";

    let smart: Value =
        s.c.get(format!("{f}/.well-known/smart-configuration"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
    assert_eq!(smart["token_endpoint"], json!(sb.token_url()));

    let (st, v) = s
        .get_url(&format!("{f}/Patient?family=Smith&gender=female"))
        .await;
    assert_eq!(st, 400);
    assert!(
        v["details"]
            .as_str()
            .unwrap()
            .starts_with("Could not determine what practice")
    );
    let (st, v) = s.get_url(&format!("{f}/Condition?{ah}")).await;
    assert_eq!(st, 400);
    assert_eq!(v["issue"][0]["code"], "forbidden");
    assert!(
        v["issue"][0]["details"]["text"]
            .as_str()
            .unwrap()
            .contains("[[patient],[_id]]")
    );

    let (st, v) = s.get_url(&format!("{f}/Patient/a-195900.E-3?{ah}")).await;
    assert_eq!(st, 200);
    assert_eq!(v["resourceType"], "Patient");
    assert_eq!(v["id"], "a-195900.E-3");

    let (_, v) = s
        .get_url(&format!(
            "{f}/Observation?{ah}&patient=a-195900.E-3&_count=5"
        ))
        .await;
    assert_eq!(v["resourceType"], "Bundle");
    assert_eq!(v["type"], "searchset");
    let total = v["total"].as_u64().unwrap();
    assert!(total > 5);
    assert_eq!(v["entry"].as_array().unwrap().len(), 5);
    let next = v["link"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["relation"] == "next")
        .unwrap()["url"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(next.contains("cursor=5"));
    let (_, v2) = s.get_url(&next).await;
    assert_ne!(
        v2["entry"][0]["resource"]["id"],
        v["entry"][0]["resource"]["id"]
    );
    let id = v["entry"][0]["resource"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let (st, _) = s.get_url(&format!("{f}/Observation/{id}?{ah}")).await;
    assert_eq!(st, 200);

    let r =
        s.c.get(format!(
            "{f}/Group/a-1.c-195900/$export?_type=Patient,Condition"
        ))
        .bearer_auth(&s.t)
        .header("Prefer", "respond-async")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 202);
    let status_url = r.headers()["content-location"]
        .to_str()
        .unwrap()
        .to_string();
    let r = s.c.get(&status_url).bearer_auth(&s.t).send().await.unwrap();
    assert_eq!(r.status(), 202);
    assert_eq!(r.headers()["retry-after"], "1");
    assert!(
        r.headers()["x-progress"]
            .to_str()
            .unwrap()
            .contains("progress")
    );
    let manifest: Value =
        s.c.get(&status_url)
            .bearer_auth(&s.t)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
    assert_eq!(manifest["output"].as_array().unwrap().len(), 2);
    let url = manifest["output"][0]["url"].as_str().unwrap();
    let body =
        s.c.get(url)
            .bearer_auth(&s.t)
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
    let lines: Vec<&str> = body.lines().collect();
    // Every patient: the 50 generated and athena's 7 documented preview test patients.
    assert_eq!(lines.len(), 57);
    let first: Value = serde_json::from_str(lines[0]).unwrap();
    assert_eq!(first["resourceType"], "Patient");
}
