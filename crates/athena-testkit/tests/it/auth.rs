//! OAuth token endpoint and bearer checks (reference §2.2).

use std::time::Duration;

use crate::common::client;
use athena_testkit::Sandbox;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Value, json};

const SCOPE: &str = "athena/service/Athenanet.MDP.*";

#[tokio::test]
async fn basic_auth_token_has_the_recorded_shape() {
    let sb = Sandbox::start().await;
    let c = client();
    let r = c
        .post(sb.token_url())
        .basic_auth(sb.client_id(), Some(sb.client_secret()))
        .form(&[("grant_type", "client_credentials"), ("scope", SCOPE)])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["x-ratelimit-limit"], "5");
    assert_eq!(r.headers()["x-ratelimit-remaining"], "4");
    assert!(
        r.headers()["x-request-id"]
            .to_str()
            .unwrap()
            .starts_with("rrt-")
    );
    let v: Value = r.json().await.unwrap();
    let obj = v.as_object().unwrap();
    assert_eq!(obj.len(), 2, "only access_token and expires_in: {v}");
    assert_eq!(v["expires_in"], json!("3600"));
    assert!(v["access_token"].as_str().unwrap().len() >= 20);
}

#[tokio::test]
async fn body_credentials_are_accepted_and_bad_ones_refused() {
    let sb = Sandbox::start().await;
    let c = client();
    let ok = c
        .post(sb.token_url())
        .form(&[
            ("grant_type", "client_credentials"),
            ("scope", SCOPE),
            ("client_id", sb.client_id()),
            ("client_secret", sb.client_secret()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(ok.status(), 200);
    let bad = c
        .post(sb.token_url())
        .basic_auth(sb.client_id(), Some("wrong"))
        .form(&[("grant_type", "client_credentials"), ("scope", SCOPE)])
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), 401);
    let v: Value = bad.json().await.unwrap();
    assert_eq!(v["error"], "invalid_client");
    assert_eq!(sb.stats().tokens_issued, 1);
}

#[tokio::test]
async fn missing_scope_is_access_denied() {
    let sb = Sandbox::start().await;
    let r = client()
        .post(sb.token_url())
        .basic_auth(sb.client_id(), Some(sb.client_secret()))
        .form(&[("grant_type", "client_credentials")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    let v: Value = r.json().await.unwrap();
    assert_eq!(
        v,
        json!({"detailedmessage": "Policy evaluation failed for this request, please check the policy configurations.", "error": "access_denied"})
    );
}

#[tokio::test]
async fn five_tokens_per_minute_then_429() {
    let sb = Sandbox::start().await;
    let c = client();
    let mut statuses = Vec::new();
    for _ in 0..7 {
        let r = c
            .post(sb.token_url())
            .basic_auth(sb.client_id(), Some(sb.client_secret()))
            .form(&[("grant_type", "client_credentials"), ("scope", SCOPE)])
            .send()
            .await
            .unwrap();
        statuses.push(r.status().as_u16());
    }
    assert_eq!(statuses, vec![200, 200, 200, 200, 200, 429, 429]);
    let s = sb.stats();
    assert_eq!(
        (s.token_requests, s.tokens_issued, s.rate_limited),
        (7, 5, 2)
    );
}

#[tokio::test]
async fn bearer_is_checked_and_tokens_expire() {
    // The default (long) token lifetime: a fresh token is valid however loaded the machine.
    let sb = Sandbox::builder().start().await;
    let c = client();
    let r = c
        .get(format!("{}/ping", sb.rest_base()))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["error"], "Developer Inactive");
    let r = c
        .get(format!("{}/ping", sb.rest_base()))
        .bearer_auth("nonsense")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);

    let t = crate::common::token(&sb, &c).await;
    let r = c
        .get(format!("{}/ping", sb.rest_base()))
        .bearer_auth(&t)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.json::<Value>().await.unwrap(), json!({"Pong": "true"}));
    // Expiry without a "long enough" sleep: a sandbox whose tokens live zero time hands out
    // tokens that are already expired when they are presented.
    let short = Sandbox::builder()
        .token_lifetime(Duration::ZERO)
        .start()
        .await;
    let expired = crate::common::token(&short, &c).await;
    let r = c
        .get(format!("{}/ping", short.rest_base()))
        .bearer_auth(&expired)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401, "expired token");

    let t = crate::common::token(&sb, &c).await;
    sb.expire_tokens();
    let r = c
        .get(format!("{}/ping", sb.rest_base()))
        .bearer_auth(&t)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401, "expire_tokens");
}

fn jwt(claims: Value) -> String {
    let h = URL_SAFE_NO_PAD.encode(br#"{"alg":"RS384","typ":"JWT","kid":"k1"}"#);
    let p = URL_SAFE_NO_PAD.encode(claims.to_string());
    format!("{h}.{p}.c2lnbmF0dXJl")
}

#[tokio::test]
async fn smart_client_assertion() {
    let sb = Sandbox::start().await;
    let c = client();
    let exp = chrono::Utc::now().timestamp() + 300;
    let send = |assertion: String| {
        c.post(sb.token_url())
            .form(&[
                ("grant_type", "client_credentials".to_string()),
                ("scope", "system/Patient.read".to_string()),
                (
                    "client_assertion_type",
                    "urn:ietf:params:oauth:client-assertion-type:jwt-bearer".to_string(),
                ),
                ("client_assertion", assertion),
            ])
            .send()
    };
    let good = jwt(
        json!({"iss": sb.client_id(), "sub": sb.client_id(), "aud": sb.token_url(), "exp": exp, "jti": "1"}),
    );
    assert_eq!(send(good).await.unwrap().status(), 200);
    let wrong_aud = jwt(
        json!({"iss": sb.client_id(), "sub": sb.client_id(), "aud": "https://elsewhere/token", "exp": exp}),
    );
    assert_eq!(send(wrong_aud).await.unwrap().status(), 401);
    assert_eq!(send("not-a-jwt".into()).await.unwrap().status(), 401);
}
