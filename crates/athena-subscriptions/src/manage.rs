//! Feed subscription management: `…/{feed}/changed/subscription[/events]`.

use athena_core::{DepartmentId, ErrorKind, Practice, Request, RetrySafety};
use http::Method;
use serde::Deserialize;
use serde_json::Value;

use crate::feed::Feed;

/// athena's answer to a `GET …/changed` on a feed nobody subscribed to.
pub const SETUP_REQUIRED: &str =
    "Changed messages require setup (subscription) that has not been done.";

/// Whether `error` is athena's 403 "Changed messages require setup (subscription)…".
pub fn is_setup_required(error: &athena_core::Error) -> bool {
    error.kind() == ErrorKind::Forbidden
        && error
            .api_error()
            .and_then(|a| a.error())
            .is_some_and(|e| e.to_ascii_lowercase().contains("require setup"))
}

/// A feed's subscription state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SubscriptionState {
    /// Subscribed to every default event.
    Active,
    /// Not subscribed.
    Inactive,
    /// Subscribed to some events.
    Partial,
    /// A status this SDK does not know.
    Other,
}

/// `GET …/changed/subscription`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubscriptionStatus {
    /// The state.
    pub state: SubscriptionState,
    /// The status text as athena sent it.
    pub raw_status: String,
    /// Subscribed event names.
    pub events: Vec<String>,
}

#[derive(Deserialize)]
struct EventName {
    eventname: String,
}

#[derive(Deserialize)]
struct StatusBody {
    #[serde(default)]
    status: Option<String>,
    #[serde(default)]
    subscriptions: Vec<EventName>,
}

/// Subscription calls for one feed of one practice, optionally department-scoped (athena
/// release 21.7+). Changes take up to 5 min to apply in production, 10–15 min in preview.
#[derive(Debug, Clone)]
pub struct FeedSubscription {
    practice: Practice,
    feed: Feed,
    departments: Vec<DepartmentId>,
}

impl FeedSubscription {
    /// Subscription calls for `feed` in `practice`.
    pub fn new(practice: &Practice, feed: Feed) -> Self {
        FeedSubscription {
            practice: practice.clone(),
            feed,
            departments: Vec::new(),
        }
    }

    /// Scopes subscribe/unsubscribe to these departments (sent as `departmentid`).
    pub fn departments(mut self, ids: impl IntoIterator<Item = DepartmentId>) -> Self {
        self.departments = ids.into_iter().collect();
        self
    }

    fn request(&self, method: Method, tail: Tail) -> Request {
        feed_request(&self.practice, self.feed, method, tail)
    }

    fn with_departments(&self, mut req: Request, form: bool) -> Request {
        if !self.departments.is_empty() {
            let csv = csv(&self.departments);
            req = if form {
                req.form("departmentid", csv)
            } else {
                req.query("departmentid", csv)
            };
        }
        req
    }

    /// Subscribes to every default event (no `eventname`).
    pub async fn subscribe_all(&self) -> athena_core::Result<()> {
        let req = self.with_departments(self.request(Method::POST, Tail::Subscription), true);
        self.post(req).await
    }

    /// Subscribes to the named events, one POST per event (athena takes one `eventname` per
    /// call).
    pub async fn subscribe(&self, events: &[&str]) -> athena_core::Result<()> {
        for event in events {
            let req = self
                .with_departments(self.request(Method::POST, Tail::Subscription), true)
                .form("eventname", *event);
            self.post(req).await?;
        }
        Ok(())
    }

    async fn post(&self, req: Request) -> athena_core::Result<()> {
        // Subscribing twice is harmless: idempotent.
        let req = req.retry_safety(RetrySafety::Idempotent);
        let body: Value = self.practice.client().send_json(&req).await?;
        check_success(&body)
    }

    /// The current subscription.
    pub async fn status(&self) -> athena_core::Result<SubscriptionStatus> {
        let req = self.request(Method::GET, Tail::Subscription);
        let body: StatusBody = self.practice.client().send_json(&req).await?;
        let raw = body.status.unwrap_or_default();
        let state = match raw.to_ascii_uppercase().as_str() {
            "ACTIVE" => SubscriptionState::Active,
            "INACTIVE" => SubscriptionState::Inactive,
            "PARTIAL" => SubscriptionState::Partial,
            _ => SubscriptionState::Other,
        };
        Ok(SubscriptionStatus {
            state,
            raw_status: raw,
            events: body
                .subscriptions
                .into_iter()
                .map(|e| e.eventname)
                .collect(),
        })
    }

    /// Events one can subscribe to.
    pub async fn available_events(&self) -> athena_core::Result<Vec<String>> {
        let req = self.request(Method::GET, Tail::Events);
        let body: StatusBody = self.practice.client().send_json(&req).await?;
        Ok(body
            .subscriptions
            .into_iter()
            .map(|e| e.eventname)
            .collect())
    }

    /// Unsubscribes from everything.
    pub async fn unsubscribe_all(&self) -> athena_core::Result<()> {
        let req = self.with_departments(self.request(Method::DELETE, Tail::Subscription), false);
        self.delete(req).await
    }

    /// Unsubscribes from one event.
    pub async fn unsubscribe(&self, event: &str) -> athena_core::Result<()> {
        let req = self
            .with_departments(self.request(Method::DELETE, Tail::Subscription), false)
            .query("eventname", event);
        self.delete(req).await
    }

    async fn delete(&self, req: Request) -> athena_core::Result<()> {
        let req = req.retry_safety(RetrySafety::Idempotent);
        let raw = self.practice.client().execute(&req).await?;
        match serde_json::from_slice::<Value>(raw.body()) {
            Ok(body) => check_success(&body),
            // An empty or non-JSON 2xx body is success.
            Err(_) => Ok(()),
        }
    }
}

/// Which `…/changed…` endpoint.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Tail {
    Changed,
    Subscription,
    Events,
}

/// A request for `/v1/{practiceid}/{feed path}/changed[…]`. Each segment of the feed path is
/// its own path parameter, so the route template stays a static, low-cardinality string and
/// the slashes of `chart/healthhistory/problems` are not percent-encoded.
pub(crate) fn feed_request(practice: &Practice, feed: Feed, method: Method, tail: Tail) -> Request {
    let segments: Vec<&str> = feed.path.split('/').collect();
    let route: &'static str = match (segments.len(), tail) {
        (1, Tail::Changed) => "/v1/{practiceid}/{f1}/changed",
        (1, Tail::Subscription) => "/v1/{practiceid}/{f1}/changed/subscription",
        (1, Tail::Events) => "/v1/{practiceid}/{f1}/changed/subscription/events",
        (2, Tail::Changed) => "/v1/{practiceid}/{f1}/{f2}/changed",
        (2, Tail::Subscription) => "/v1/{practiceid}/{f1}/{f2}/changed/subscription",
        (2, Tail::Events) => "/v1/{practiceid}/{f1}/{f2}/changed/subscription/events",
        (_, Tail::Changed) => "/v1/{practiceid}/{f1}/{f2}/{f3}/changed",
        (_, Tail::Subscription) => "/v1/{practiceid}/{f1}/{f2}/{f3}/changed/subscription",
        (_, Tail::Events) => "/v1/{practiceid}/{f1}/{f2}/{f3}/changed/subscription/events",
    };
    let mut req = practice.request(method, route);
    for (name, seg) in ["f1", "f2", "f3"].iter().zip(&segments) {
        req = req.path_param(name, seg);
    }
    req
}

pub(crate) fn csv(ids: &[DepartmentId]) -> String {
    ids.iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(",")
}

fn check_success(body: &Value) -> athena_core::Result<()> {
    let ok = match body.get("success") {
        None => true,
        Some(Value::Bool(b)) => *b,
        Some(Value::String(s)) => s.eq_ignore_ascii_case("true"),
        Some(_) => false,
    };
    if ok {
        Ok(())
    } else {
        Err(athena_core::Error::new(
            ErrorKind::Unsuccessful,
            "subscription change reported success=false",
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nested_feed_paths_keep_their_slashes() {
        let client = athena_core::Client::builder()
            .base_url("http://127.0.0.1:9")
            .anonymous()
            .build()
            .unwrap();
        let p = client.practice(athena_core::PracticeId::new(195900));
        let r = feed_request(&p, Feed::PROBLEMS, Method::GET, Tail::Changed);
        assert_eq!(r.path(), "/v1/195900/chart/healthhistory/problems/changed");
        let r = feed_request(&p, Feed::PATIENTS, Method::POST, Tail::Subscription);
        assert_eq!(r.path(), "/v1/195900/patients/changed/subscription");
        let r = feed_request(&p, Feed::PATIENT_CASES, Method::GET, Tail::Events);
        assert_eq!(
            r.path(),
            "/v1/195900/documents/patientcase/changed/subscription/events"
        );
    }

    #[test]
    fn success_forms() {
        assert!(check_success(&serde_json::json!({"success": true})).is_ok());
        assert!(check_success(&serde_json::json!({"success": "true"})).is_ok());
        assert!(check_success(&serde_json::json!({"success": "false"})).is_err());
    }

    #[test]
    fn recorded_subscription_bodies_parse() {
        let (Some(status), Some(events)) = (
            crate::test_fixtures::shared("athena/go-athenahealth/GetSubscription.json"),
            crate::test_fixtures::shared("athena/go-athenahealth/ListSubscriptionEvents.json"),
        ) else {
            return;
        };
        let status: StatusBody = serde_json::from_str(&status).unwrap();
        assert!(status.status.is_some());
        let events: StatusBody = serde_json::from_str(&events).unwrap();
        assert!(!events.subscriptions.is_empty());
    }
}
