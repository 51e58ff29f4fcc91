//! The change event both sources (polled feeds and FHIR push) produce, its idempotency key,
//! and a bounded de-duplication helper.

use std::collections::{HashSet, VecDeque};
use std::fmt;

use athena_core::PracticeId;
use chrono::{DateTime, Utc};
use serde::de::DeserializeOwned;
use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::feed::Feed;

/// A stable identity for one change, the same however often and by whichever path the change
/// arrives (a first read, a crash replay, a webhook retry).
///
/// Feed events: `{practice}:{feed path}:{record id}@{change marker}#{digest}` where the record
/// id is the first present of [`Feed::id_fields`], the change marker the first present of
/// [`Feed::version_fields`] (or `-`), and the digest the first 128 bits of SHA-256 over the
/// item's canonical JSON (keys sorted). athena returns a replayed record byte-for-byte as it
/// returned it the first time, so the key never depends on arrival order or read time. Two
/// changes that leave a record in the identical state share a key: dropping the repeat is
/// harmless for state synchronisation.
///
/// Push events: `{practice}:fhir:{topic}:{focus}#{notification event id}`.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
pub struct IdempotencyKey(String);

impl IdempotencyKey {
    /// Wraps an already computed key (e.g. read back from a consumer's store).
    pub fn from_string(s: impl Into<String>) -> Self {
        IdempotencyKey(s.into())
    }

    /// The key text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The key of a feed item.
    pub fn for_feed_item(practice: PracticeId, feed: &Feed, item: &Value) -> Self {
        let id = first_scalar(item, feed.id_fields).unwrap_or_else(|| "-".to_string());
        let version = first_scalar(item, feed.version_fields).unwrap_or_else(|| "-".to_string());
        IdempotencyKey(format!(
            "{practice}:{}:{id}@{version}#{}",
            feed.path,
            canonical_digest(item)
        ))
    }
}

impl fmt::Debug for IdempotencyKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Record ids and timestamps only; no PHI beyond ids.
        write!(f, "IdempotencyKey({})", self.0)
    }
}

impl fmt::Display for IdempotencyKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

fn first_scalar(item: &Value, fields: &[&str]) -> Option<String> {
    fields.iter().find_map(|f| match item.get(*f)? {
        Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_string()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    })
}

/// Hex of the first 16 bytes of SHA-256 over `value` written canonically (object keys sorted,
/// no whitespace), independent of serde_json's `preserve_order` feature.
pub fn canonical_digest(value: &Value) -> String {
    let mut buf = String::new();
    write_canonical(value, &mut buf);
    let digest = Sha256::digest(buf.as_bytes());
    digest[..16].iter().map(|b| format!("{b:02x}")).collect()
}

fn write_canonical(value: &Value, out: &mut String) {
    match value {
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            out.push('{');
            for (i, k) in keys.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&Value::String((*k).clone()).to_string());
                out.push(':');
                write_canonical(&map[k.as_str()], out);
            }
            out.push('}');
        }
        Value::Array(items) => {
            out.push('[');
            for (i, v) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_canonical(v, out);
            }
            out.push(']');
        }
        other => out.push_str(&other.to_string()),
    }
}

/// Where an event came from.
#[derive(Debug, Clone, PartialEq)]
pub enum Origin {
    /// A destructive `GET …/changed` read.
    Poll {
        /// Our clock just before the read was sent.
        read_at: DateTime<Utc>,
    },
    /// A `showprocessed…` replay after a restart (the event may have been delivered before).
    Replay {
        /// Window start (US/Eastern on the wire).
        from: DateTime<Utc>,
        /// Window end.
        to: DateTime<Utc>,
    },
    /// A FHIR Subscription notification.
    Push {
        /// The topic URL's last segment, e.g. `Appointment.create`.
        topic: String,
        /// The notification Bundle id.
        bundle_id: String,
        /// When athena says the event happened.
        timestamp: Option<DateTime<Utc>>,
    },
}

/// One change, from a feed or a webhook.
#[derive(Clone)]
pub struct ChangeEvent {
    /// Stable de-duplication key.
    pub key: IdempotencyKey,
    /// The practice.
    pub practice: PracticeId,
    /// The feed (for push events: the feed of the topic's resource, when there is one).
    pub feed: Option<Feed>,
    /// athena's record id (first present id field, or the push focus value).
    pub record_id: Option<String>,
    /// How it arrived.
    pub origin: Origin,
    /// The raw item (feed) or the notification event (push). May hold PHI: not in `Debug`.
    pub item: Value,
}

impl fmt::Debug for ChangeEvent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ChangeEvent")
            .field("key", &self.key)
            .field("practice", &self.practice)
            .field("feed", &self.feed)
            .field("record_id", &self.record_id)
            .field("origin", &self.origin)
            .field("item", &"<redacted>")
            .finish()
    }
}

impl ChangeEvent {
    /// An event for one feed item.
    pub fn from_feed_item(practice: PracticeId, feed: Feed, item: Value, origin: Origin) -> Self {
        ChangeEvent {
            key: IdempotencyKey::for_feed_item(practice, &feed, &item),
            practice,
            record_id: first_scalar(&item, feed.id_fields),
            feed: Some(feed),
            origin,
            item,
        }
    }

    /// Decodes the item into a typed model (e.g. `athena_rest::models::Appointment`).
    ///
    /// A failure is an [`ErrorKind::Decode`](crate::ErrorKind::Decode) error naming the JSON
    /// path and what was expected, never the value.
    pub fn decode<T: DeserializeOwned>(&self) -> Result<T, crate::Error> {
        serde_path_to_error::deserialize(&self.item).map_err(|e| {
            let message = format!(
                "at `{}`: {}",
                e.path(),
                athena_core::decode::describe_serde_error(e.inner())
            );
            let error = crate::Error::new(crate::ErrorKind::Decode, message);
            match self.feed {
                Some(feed) => error.for_feed(self.practice, feed),
                None => error,
            }
        })
    }

    /// Whether this event came from a replay (it may have been delivered before).
    pub fn is_replay(&self) -> bool {
        matches!(self.origin, Origin::Replay { .. })
    }

    /// The appointment, for the `appointments` feed.
    pub fn appointment(&self) -> Option<Result<athena_rest::models::Appointment, crate::Error>> {
        self.typed(Feed::APPOINTMENTS)
    }

    /// The patient, for the `patients` feed.
    pub fn patient(&self) -> Option<Result<athena_rest::models::Patient, crate::Error>> {
        self.typed(Feed::PATIENTS)
    }

    /// The provider, for the `providers` feed.
    pub fn provider(&self) -> Option<Result<athena_rest::models::Provider, crate::Error>> {
        self.typed(Feed::PROVIDERS)
    }

    /// The claim, for the `claims` feed.
    pub fn claim(&self) -> Option<Result<athena_rest::models::Claim, crate::Error>> {
        self.typed(Feed::CLAIMS)
    }

    /// The problem, for the `chart/healthhistory/problems` feed.
    pub fn problem(&self) -> Option<Result<athena_rest::models::Problem, crate::Error>> {
        self.typed(Feed::PROBLEMS)
    }

    fn typed<T: DeserializeOwned>(&self, feed: Feed) -> Option<Result<T, crate::Error>> {
        (self.feed.map(|f| f.path) == Some(feed.path)
            && !matches!(self.origin, Origin::Push { .. }))
        .then(|| self.decode())
    }
}

/// Drops repeats of recently seen keys. Bounded: remembers the last `capacity` keys (FIFO
/// eviction), so memory stays constant; a repeat older than that passes through again, which
/// is why consumers that need exactly-once effects must also make their writes idempotent on
/// [`IdempotencyKey`].
#[derive(Debug)]
pub struct Deduper {
    seen: HashSet<IdempotencyKey>,
    order: VecDeque<IdempotencyKey>,
    capacity: usize,
}

impl Deduper {
    /// Remembers up to `capacity` keys (at least 1).
    pub fn new(capacity: usize) -> Self {
        Deduper {
            seen: HashSet::new(),
            order: VecDeque::new(),
            capacity: capacity.max(1),
        }
    }

    /// `true` the first time a key is seen (deliver it), `false` for a remembered repeat.
    pub fn first_time(&mut self, key: &IdempotencyKey) -> bool {
        if self.seen.contains(key) {
            return false;
        }
        if self.order.len() >= self.capacity
            && let Some(old) = self.order.pop_front()
        {
            self.seen.remove(&old);
        }
        self.seen.insert(key.clone());
        self.order.push_back(key.clone());
        true
    }

    /// Forgets a key (e.g. an event that could not be queued, so its retry passes).
    pub fn forget(&mut self, key: &IdempotencyKey) {
        if self.seen.remove(key) {
            self.order.retain(|k| k != key);
        }
    }

    /// Keeps only the events whose key was not seen before.
    pub fn filter(&mut self, events: Vec<ChangeEvent>) -> Vec<ChangeEvent> {
        events
            .into_iter()
            .filter(|e| self.first_time(&e.key))
            .collect()
    }

    /// Number of remembered keys.
    pub fn len(&self) -> usize {
        self.order.len()
    }

    /// Whether nothing is remembered.
    pub fn is_empty(&self) -> bool {
        self.order.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn key_ignores_key_order_and_arrival() {
        let p = PracticeId::new(195900);
        let a = json!({"appointmentid": "1050322", "lastmodified": "06/02/2020 09:06:50", "appointmentstatus": "x"});
        let b = json!({"appointmentstatus": "x", "lastmodified": "06/02/2020 09:06:50", "appointmentid": "1050322"});
        let ka = IdempotencyKey::for_feed_item(p, &Feed::APPOINTMENTS, &a);
        assert_eq!(
            ka,
            IdempotencyKey::for_feed_item(p, &Feed::APPOINTMENTS, &b)
        );
        assert!(
            ka.as_str()
                .starts_with("195900:appointments:1050322@06/02/2020 09:06:50#"),
            "{ka}"
        );
        let c = json!({"appointmentid": "1050322", "lastmodified": "06/02/2020 09:07:00", "appointmentstatus": "f"});
        assert_ne!(
            ka,
            IdempotencyKey::for_feed_item(p, &Feed::APPOINTMENTS, &c)
        );
        // Same record, different practice: different key.
        assert_ne!(
            ka,
            IdempotencyKey::for_feed_item(PracticeId::new(1), &Feed::APPOINTMENTS, &a)
        );
    }

    #[test]
    fn prescriptions_with_same_document_but_new_status_differ() {
        let p = PracticeId::new(1);
        let a = json!({"documentid": 2, "status": "REVIEW"});
        let b = json!({"documentid": 2, "status": "NOTIFY"});
        assert_ne!(
            IdempotencyKey::for_feed_item(p, &Feed::PRESCRIPTIONS, &a),
            IdempotencyKey::for_feed_item(p, &Feed::PRESCRIPTIONS, &b)
        );
    }

    #[test]
    fn deduper_is_bounded() {
        let mut d = Deduper::new(2);
        let k = |s: &str| IdempotencyKey::from_string(s);
        assert!(d.first_time(&k("a")));
        assert!(!d.first_time(&k("a")));
        assert!(d.first_time(&k("b")));
        assert!(d.first_time(&k("c")));
        assert_eq!(d.len(), 2);
        // "a" was evicted.
        assert!(d.first_time(&k("a")));
        assert!(!d.first_time(&k("c")));
    }

    #[test]
    fn typed_accessor_decodes_recorded_appointment() {
        let Some(text) =
            crate::test_fixtures::shared("athena/go-athenahealth/ListChangedAppointments.json")
        else {
            return;
        };
        let raw: Value = serde_json::from_str(&text).expect("fixture");
        let item = raw["appointments"][0].clone();
        let e = ChangeEvent::from_feed_item(
            PracticeId::new(1),
            Feed::APPOINTMENTS,
            item,
            Origin::Poll {
                read_at: Utc::now(),
            },
        );
        let appt = e
            .appointment()
            .expect("appointments feed")
            .expect("decodes");
        assert_eq!(appt.appointmentid.map(|a| a.get()), Some(1050322));
        assert!(e.patient().is_none());
        assert_eq!(e.record_id.as_deref(), Some("1050322"));
    }

    #[test]
    fn decode_errors_name_the_path_not_the_value() {
        #[derive(Debug, serde::Deserialize)]
        #[allow(dead_code)]
        struct Item {
            lastname: u32,
        }
        let e = ChangeEvent::from_feed_item(
            PracticeId::new(195900),
            Feed::PATIENTS,
            json!({"patientid": "1", "lastname": "SMITH"}),
            Origin::Poll {
                read_at: Utc::now(),
            },
        );
        let err = e.decode::<Item>().unwrap_err();
        assert_eq!(err.kind(), crate::ErrorKind::Decode);
        assert_eq!(err.feed(), Some(Feed::PATIENTS));
        let shown = err.to_string();
        assert!(shown.contains("`lastname`"), "{shown}");
        assert!(!shown.contains("SMITH") && !format!("{err:?}").contains("SMITH"));
    }
}
