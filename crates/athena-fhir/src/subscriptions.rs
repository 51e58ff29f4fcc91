//! FHIR Subscription management: create, list and delete athenahealth's event subscriptions
//! (`/fhir/r4/Subscription`) as typed [`Subscription`] resources.
//!
//! athenahealth's FHIR Subscriptions (alpha) follow the R5 Subscriptions Backport: one
//! `rest-hook`, `id-only` subscription per topic (`Patient.create`, `Appointment.cancel`, …)
//! per practice, the practice given as a backport filter criterion. Scopes
//! `system/SubscriptionTopic.read system/Subscription.read system/Subscription.write`
//! (granted by athena). Receiving and verifying the notifications (`X-Hub-Signature`) is
//! `athena-subscriptions`' job; pass it the same secret given to
//! [`Subscriptions::create_signed`].
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! use athena_fhir::subscriptions;
//! let practice = athena_core::PracticeId::new(195900);
//! let s = subscriptions::rest_hook("Appointment.create", practice, "https://example.invalid/hook");
//! assert_eq!(
//!     s.criteria.as_deref(),
//!     Some("https://api.platform.athenahealth.com/fhir/r4/SubscriptionTopic/Appointment.create")
//! );
//! assert_eq!(subscriptions::practice_filter(&s).as_deref(),
//!     Some("ah-practice=Organization/a-1.Practice-195900"));
//! # Ok(()) }
//! ```

use athena_core::{PracticeId, RetrySafety};
use futures::TryStreamExt;
use reqwest::Method;
use reqwest::header::{CONTENT_TYPE, HeaderValue};
use secrecy::{ExposeSecret, SecretString};

use crate::FhirClient;
use crate::client::{FHIR_JSON, route};
use crate::error::{FhirError, Repr, Result};
use crate::r4::{
    Element, Extension, ExtensionValue, Meta, Resource, Subscription, SubscriptionChannel,
    SubscriptionChannelType, SubscriptionStatusCode,
};
use crate::search::{Search, is_fhir_id};

/// Where athena's topics live: a subscription's `criteria` is this followed by the topic
/// name (`Patient.create`).
pub const TOPIC_BASE: &str = "https://api.platform.athenahealth.com/fhir/r4/SubscriptionTopic/";

/// The Subscriptions Backport profile athena's subscriptions declare.
pub const BACKPORT_PROFILE: &str =
    "http://hl7.org/fhir/uv/subscriptions-backport/StructureDefinition/backport-subscription";

/// The extension on `_criteria` carrying the practice filter.
pub const FILTER_CRITERIA: &str =
    "http://hl7.org/fhir/uv/subscriptions-backport/StructureDefinition/backport-filter-criteria";

/// The extension on `channel._payload` carrying the payload content (`id-only`).
pub const PAYLOAD_CONTENT: &str =
    "http://hl7.org/fhir/uv/subscriptions-backport/StructureDefinition/backport-payload-content";

/// The `rest-hook`, `id-only` subscription athena accepts: to `topic` (`Patient.create`),
/// for `practice`, delivered to `endpoint`, status `requested`.
pub fn rest_hook(topic: &str, practice: PracticeId, endpoint: &str) -> Subscription {
    let mut subscription = Subscription {
        meta: Some(Meta {
            profile: vec![BACKPORT_PROFILE.to_owned()],
            ..Meta::default()
        }),
        status: Some(SubscriptionStatusCode::Requested),
        reason: Some(format!("athena-rs {topic}")),
        criteria: Some(format!("{TOPIC_BASE}{topic}")),
        channel: Some(SubscriptionChannel {
            r#type: Some(SubscriptionChannelType::RestHook),
            endpoint: Some(endpoint.to_owned()),
            payload: Some(FHIR_JSON.to_owned()),
            ..SubscriptionChannel::default()
        }),
        ..Subscription::default()
    };
    set_primitive_extension(
        &mut subscription.extra,
        "_criteria",
        FILTER_CRITERIA,
        ExtensionValue::String(format!("ah-practice={}", practice.ah_practice())),
    );
    if let Some(channel) = subscription.channel.as_mut() {
        set_primitive_extension(
            &mut channel.extra,
            "_payload",
            PAYLOAD_CONTENT,
            ExtensionValue::Code("id-only".to_owned()),
        );
    }
    subscription
}

/// The topic name of a subscription (`Patient.create` from its `criteria`).
pub fn topic(subscription: &Subscription) -> Option<&str> {
    let criteria = subscription.criteria.as_deref()?;
    criteria.rsplit('/').next().filter(|t| !t.is_empty())
}

/// The practice filter of a subscription (`ah-practice=Organization/a-1.Practice-195900`).
pub fn practice_filter(subscription: &Subscription) -> Option<String> {
    primitive_extension(&subscription.extra, "_criteria", FILTER_CRITERIA).and_then(|v| match v {
        ExtensionValue::String(s) => Some(s),
        _ => None,
    })
}

/// The payload content of a subscription's channel (`id-only`).
pub fn payload_content(subscription: &Subscription) -> Option<String> {
    let channel = subscription.channel.as_ref()?;
    primitive_extension(&channel.extra, "_payload", PAYLOAD_CONTENT).and_then(|v| match v {
        ExtensionValue::Code(s) | ExtensionValue::String(s) => Some(s),
        _ => None,
    })
}

/// Sets `key` (`_criteria`) to an element with one extension `url` = `value`.
fn set_primitive_extension(
    extra: &mut crate::r4::Extras,
    key: &str,
    url: &str,
    value: ExtensionValue,
) {
    let element = Element {
        extension: vec![Extension {
            url: Some(url.to_owned()),
            value: Some(value),
            ..Extension::default()
        }],
        ..Element::default()
    };
    // Encoding a tree of strings cannot fail; if it ever did, the element is left out and
    // the server's validation names what is missing.
    if let Ok(raw) = serde_json::value::to_raw_value(&element) {
        extra.insert(key, raw);
    }
}

/// The value of extension `url` on primitive-extension sibling `key`, if present.
fn primitive_extension(extra: &crate::r4::Extras, key: &str, url: &str) -> Option<ExtensionValue> {
    let element: Element = extra.decode(key)?.ok()?;
    element
        .extension
        .into_iter()
        .find(|e| e.url.as_deref() == Some(url))
        .and_then(|e| e.value)
}

/// FHIR Subscription calls of one [`FhirClient`] (its practice, token, limiter and retries):
/// [`FhirClient::subscriptions`].
#[derive(Clone, Debug)]
pub struct Subscriptions {
    client: FhirClient,
}

impl FhirClient {
    /// Subscription management (`/fhir/r4/Subscription`) for this client's practice.
    pub fn subscriptions(&self) -> Subscriptions {
        Subscriptions {
            client: self.clone(),
        }
    }
}

impl Subscriptions {
    /// The subscription [`create`](Self::create) sends for `topic` and `endpoint`.
    pub fn request_body(&self, topic: &str, endpoint: &str) -> Subscription {
        rest_hook(topic, self.client.practice(), endpoint)
    }

    /// `POST /fhir/r4/Subscription` with the signing secret athena will use for
    /// `X-Hub-Signature` (sent as the `X-Hub-Secret` request header, never logged); returns
    /// the created subscription. Give the same secret to the webhook receiver. Not retried
    /// once it may have reached the server (a retry could create a second subscription).
    pub async fn create_signed(
        &self,
        topic: &str,
        endpoint: &str,
        secret: &SecretString,
    ) -> Result<Subscription> {
        self.send_create(&self.request_body(topic, endpoint), Some(secret))
            .await
    }

    /// `POST /fhir/r4/Subscription` without a signing secret (athena then sends unsigned
    /// notifications, which a verifying receiver rejects: prefer
    /// [`create_signed`](Self::create_signed)); returns the created subscription.
    pub async fn create(&self, topic: &str, endpoint: &str) -> Result<Subscription> {
        self.send_create(&self.request_body(topic, endpoint), None)
            .await
    }

    /// `POST /fhir/r4/Subscription` with a subscription built by the caller (start from
    /// [`rest_hook`]); `secret`, when given, is sent as `X-Hub-Secret`.
    pub async fn create_from(
        &self,
        subscription: &Subscription,
        secret: Option<&SecretString>,
    ) -> Result<Subscription> {
        self.send_create(subscription, secret).await
    }

    async fn send_create(
        &self,
        subscription: &Subscription,
        secret: Option<&SecretString>,
    ) -> Result<Subscription> {
        let body = serde_json::to_vec(subscription).map_err(FhirError::encode)?;
        let url = self.client.url("Subscription", &[])?;
        let mut request = self
            .client
            .request(Method::POST, route::SUBSCRIPTION, url)
            .json_body(body)
            .header(CONTENT_TYPE, HeaderValue::from_static(FHIR_JSON))
            .retry_safety(RetrySafety::NotIdempotent);
        if let Some(secret) = secret {
            request = request
                .try_header("X-Hub-Secret", secret.expose_secret())
                .map_err(FhirError::from_core)?;
        }
        let response = self.client.send(&request).await?;
        if response.body().iter().all(u8::is_ascii_whitespace) {
            // 201 with no body: the id is the last segment of `Location`
            // (`…/Subscription/{id}` or `…/Subscription/{id}/_history/1`).
            let mut created = subscription.clone();
            created.id = response
                .headers()
                .get(reqwest::header::LOCATION)
                .and_then(|v| v.to_str().ok())
                .and_then(location_id)
                .map(str::to_owned);
            return Ok(created);
        }
        self.client.decode_typed(response.body())
    }

    /// `GET /fhir/r4/Subscription`: every subscription of this client's practice, page
    /// after page.
    pub async fn list(&self) -> Result<Vec<Subscription>> {
        self.client
            .search_stream::<Subscription>(&Search::unscoped::<Subscription>())
            .try_collect()
            .await
    }

    /// `GET /fhir/r4/Subscription/{id}`.
    pub async fn get(&self, id: &str) -> Result<Subscription> {
        check_id(id)?;
        self.client.read("Subscription", id).await
    }

    /// `GET /fhir/r4/SubscriptionTopic`: the topics athena offers (`Patient.create`,
    /// `Appointment.check-in`, …), every page. `SubscriptionTopic` is an R5 resource served
    /// through the backport, so it is read here rather than generated.
    pub async fn topics(&self) -> Result<Vec<Topic>> {
        let pages = self
            .client
            .search_pages(&Search::start("SubscriptionTopic"));
        futures::pin_mut!(pages);
        let mut topics = Vec::new();
        while let Some(bundle) = pages.try_next().await? {
            for resource in bundle.entry.into_iter().filter_map(|e| e.resource) {
                if let Resource::Other(other) = resource
                    && other.resource_type() == "SubscriptionTopic"
                {
                    let topic: Topic = serde_json::from_str(other.raw().get()).map_err(|e| {
                        FhirError::decode_body::<Topic>(other.raw().get().as_bytes(), &e)
                    })?;
                    topics.push(topic);
                }
            }
        }
        Ok(topics)
    }

    /// `DELETE /fhir/r4/Subscription/{id}` (athena answers 204). Idempotent, so retried like
    /// a read.
    pub async fn delete(&self, id: &str) -> Result<()> {
        check_id(id)?;
        let url = self.client.url(&format!("Subscription/{id}"), &[])?;
        let request = self
            .client
            .request(Method::DELETE, route::SUBSCRIPTION_ID, url)
            .retry_safety(RetrySafety::Idempotent);
        self.client.send(&request).await.map(|_| ())
    }
}

/// A topic athena offers for subscriptions (a `SubscriptionTopic`).
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Deserialize)]
pub struct Topic {
    url: Option<String>,
    name: Option<String>,
    title: Option<String>,
    description: Option<String>,
}

impl Topic {
    /// The canonical URL: what a subscription's `criteria` names.
    pub fn url(&self) -> Option<&str> {
        self.url.as_deref()
    }

    /// The topic name to pass to [`Subscriptions::create_signed`] (`Patient.create`): the
    /// `name`, or else the last segment of the URL.
    pub fn name(&self) -> Option<&str> {
        self.name
            .as_deref()
            .or_else(|| self.url.as_deref()?.rsplit('/').next())
            .filter(|n| !n.is_empty())
    }

    /// The human title, if any.
    pub fn title(&self) -> Option<&str> {
        self.title.as_deref()
    }

    /// The description, if any.
    pub fn description(&self) -> Option<&str> {
        self.description.as_deref()
    }
}

/// A subscription id must be a FHIR id (so it cannot change the path); the error does not
/// quote it.
fn check_id(id: &str) -> Result<()> {
    if is_fhir_id(id) {
        Ok(())
    } else {
        Err(Repr::Url("a Subscription id must be 1-64 of A-Z a-z 0-9 - .".into()).into())
    }
}

/// The id in a `Location` header: `…/Subscription/{id}[/_history/{v}]`.
fn location_id(location: &str) -> Option<&str> {
    let path = location.split(['?', '#']).next()?;
    let mut segments = path.trim_end_matches('/').rsplit('/');
    let last = segments.next()?;
    let id = if segments.next() == Some("_history") {
        segments.next()?
    } else {
        last
    };
    is_fhir_id(id).then_some(id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rest_hook_has_practice_filter_and_id_only_on_the_wire() {
        let s = rest_hook(
            "Patient.create",
            PracticeId::new(195900),
            "https://example.invalid/hook",
        );
        let b: serde_json::Value = serde_json::to_value(&s).expect("encode");
        assert_eq!(b["resourceType"], "Subscription");
        assert_eq!(b["status"], "requested");
        assert_eq!(b["meta"]["profile"][0], BACKPORT_PROFILE);
        assert_eq!(
            b["criteria"],
            "https://api.platform.athenahealth.com/fhir/r4/SubscriptionTopic/Patient.create"
        );
        assert_eq!(b["_criteria"]["extension"][0]["url"], FILTER_CRITERIA);
        assert_eq!(
            b["_criteria"]["extension"][0]["valueString"],
            "ah-practice=Organization/a-1.Practice-195900"
        );
        assert_eq!(b["channel"]["type"], "rest-hook");
        assert_eq!(b["channel"]["endpoint"], "https://example.invalid/hook");
        assert_eq!(b["channel"]["payload"], "application/fhir+json");
        assert_eq!(
            b["channel"]["_payload"]["extension"][0]["url"],
            PAYLOAD_CONTENT
        );
        assert_eq!(
            b["channel"]["_payload"]["extension"][0]["valueCode"],
            "id-only"
        );
        // And back: the typed accessors read what was written.
        let back: Subscription = serde_json::from_value(b).expect("decode");
        assert_eq!(topic(&back), Some("Patient.create"));
        assert_eq!(
            practice_filter(&back).as_deref(),
            Some("ah-practice=Organization/a-1.Practice-195900")
        );
        assert_eq!(payload_content(&back).as_deref(), Some("id-only"));
    }

    #[test]
    fn ids_from_location_and_bad_ids_refused() {
        assert_eq!(
            location_id("https://h/fhir/r4/Subscription/abc-1"),
            Some("abc-1")
        );
        assert_eq!(
            location_id("https://h/fhir/r4/Subscription/abc-1/_history/2"),
            Some("abc-1")
        );
        assert_eq!(location_id("https://h/fhir/r4/Subscription/a b"), None);
        assert!(check_id("abc.1-2").is_ok());
        for bad in ["", "../Patient/1", "a/b", "x?y"] {
            let e = check_id(bad).expect_err(bad);
            assert_eq!(e.kind(), crate::FhirErrorKind::Url);
            assert!(!e.to_string().contains("Patient/1"), "{e}");
        }
    }
}
