//! Shared helpers for the sandbox tests: a plain reqwest client, token fetching, JSON calls.
#![allow(dead_code, unreachable_pub)]

use athena_testkit::Sandbox;
use serde_json::Value;

/// The scopes the helpers' tokens are granted: the whole proprietary API and every FHIR read.
pub const SCOPES: &str = "athena/service/Athenanet.MDP.* system/*.read";

pub fn client() -> reqwest::Client {
    reqwest::Client::builder().build().expect("client")
}

pub async fn token(sb: &Sandbox, c: &reqwest::Client) -> String {
    let r = c
        .post(sb.token_url())
        .basic_auth(sb.client_id(), Some(sb.client_secret()))
        .form(&[
            ("grant_type", "client_credentials"),
            // The proprietary API and FHIR reads, space-separated as athena takes them.
            ("scope", SCOPES),
        ])
        .send()
        .await
        .expect("token request");
    assert_eq!(r.status(), 200);
    let v: Value = r.json().await.expect("token json");
    v["access_token"]
        .as_str()
        .expect("access_token")
        .to_string()
}

/// An authenticated session against one sandbox.
pub struct S {
    pub c: reqwest::Client,
    pub t: String,
    pub base: String,
}

impl S {
    pub async fn new(sb: &Sandbox) -> S {
        let c = client();
        let t = token(sb, &c).await;
        S {
            c,
            t,
            base: sb.rest_base(),
        }
    }

    pub async fn get(&self, path: &str) -> (u16, Value) {
        let r = self
            .c
            .get(format!("{}{path}", self.base))
            .bearer_auth(&self.t)
            .send()
            .await
            .expect("send");
        let s = r.status().as_u16();
        (s, r.json().await.unwrap_or(Value::Null))
    }

    pub async fn get_url(&self, url: &str) -> (u16, Value) {
        let r = self
            .c
            .get(url)
            .bearer_auth(&self.t)
            .send()
            .await
            .expect("send");
        let s = r.status().as_u16();
        (s, r.json().await.unwrap_or(Value::Null))
    }

    pub async fn send(
        &self,
        method: reqwest::Method,
        path: &str,
        form: &[(&str, &str)],
    ) -> (u16, Value) {
        let r = self
            .c
            .request(method, format!("{}{path}", self.base))
            .bearer_auth(&self.t)
            .form(form)
            .send()
            .await
            .expect("send");
        let s = r.status().as_u16();
        (s, r.json().await.unwrap_or(Value::Null))
    }

    pub async fn post(&self, path: &str, form: &[(&str, &str)]) -> (u16, Value) {
        self.send(reqwest::Method::POST, path, form).await
    }

    pub async fn put(&self, path: &str, form: &[(&str, &str)]) -> (u16, Value) {
        self.send(reqwest::Method::PUT, path, form).await
    }
}

pub fn date(d: chrono::NaiveDate) -> String {
    d.format("%m/%d/%Y").to_string()
}

/// The first open slot in department 1 from `today` on (id, provider, appointment type id).
pub async fn first_open(s: &S, sb: &Sandbox) -> (u64, u64, u64) {
    let today = sb.today();
    let (st, v) = s
        .get(&format!(
            "/appointments/open?departmentid=1&reasonid=-1&startdate={}&enddate={}",
            date(today),
            date(today + chrono::Duration::days(14))
        ))
        .await;
    assert_eq!(st, 200, "{v}");
    let a = &v["appointments"][0];
    (
        a["appointmentid"].as_u64().expect("numeric id"),
        a["providerid"].as_u64().expect("provider"),
        a["appointmenttypeid"].as_u64().expect("type"),
    )
}
