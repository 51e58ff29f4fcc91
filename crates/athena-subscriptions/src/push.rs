//! Push: athenahealth FHIR Subscription notifications (alpha; reference §7.1).
//!
//! Framework-free: [`verify_signature`] checks `X-Hub-Signature: sha256=<hex>` (HMAC-SHA256 of
//! the raw body, constant-time), [`parse_notification`] turns the id-only `history` Bundle into
//! [`ChangeEvent`]s, and [`WebhookReceiver`] does both, drops replays and queues the events
//! without waiting, so any HTTP framework can answer within athena's 2 s. Creating, listing
//! and deleting the subscriptions themselves is `athena_fhir::subscriptions`
//! (`FhirClient::subscriptions()`), with typed `Subscription` resources.
//!
//! **Replay protection and its limit.** athena signs the body but sends no timestamp or nonce,
//! so a captured notification stays valid forever. The receiver remembers the last N bundle
//! ids and event keys ([`Deduper`]) and drops repeats; a replay older than that window is
//! accepted again and produces events with the **same** idempotency keys, so consumers that
//! apply changes idempotently by key (they must anyway: athena delivers at-least-once and
//! retries for an hour) are unaffected. Events are id-only: a replay discloses ids, and the
//! consumer re-reads the current record from athena.

use std::fmt;
use std::sync::Mutex;

use athena_core::PracticeId;
use chrono::{DateTime, Utc};
use hmac::{Hmac, Mac};
use serde_json::Value;
use sha2::Sha256;
use tokio::sync::mpsc;

use crate::error::{Error, ErrorKind};
use crate::event::{ChangeEvent, Deduper, IdempotencyKey, Origin};
use crate::feed::Feed;

/// Why a signature was rejected (see [`SignatureError::kind`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum SignatureErrorKind {
    /// No `X-Hub-Signature` header.
    Missing,
    /// Not `sha256=` followed by 64 hex digits.
    Malformed,
    /// Well-formed, but not the HMAC of this body under our secret.
    Mismatch,
}

/// A rejected `X-Hub-Signature`: the verdict of [`verify_signature`], separate from the crate's
/// [`Error`] because it judges a request rather than reporting a failure. Opaque;
/// read [`SignatureError::kind`]. Its `Display` names the reason only, never the header or body.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct SignatureError {
    kind: SignatureErrorKind,
}

impl SignatureError {
    fn new(kind: SignatureErrorKind) -> Self {
        SignatureError { kind }
    }

    /// Why the signature was rejected.
    pub fn kind(&self) -> SignatureErrorKind {
        self.kind
    }
}

impl fmt::Display for SignatureError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self.kind {
            SignatureErrorKind::Missing => "X-Hub-Signature missing",
            SignatureErrorKind::Malformed => "X-Hub-Signature malformed",
            SignatureErrorKind::Mismatch => "X-Hub-Signature does not match",
        })
    }
}

impl std::error::Error for SignatureError {}

/// The `X-Hub-Signature` value for `body` (`sha256=<lowercase hex>`), as athena computes it.
pub fn sign(secret: &[u8], body: &[u8]) -> String {
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(secret).expect("HMAC takes any key length");
    mac.update(body);
    let tag = mac.finalize().into_bytes();
    let hex: String = tag.iter().map(|b| format!("{b:02x}")).collect();
    format!("sha256={hex}")
}

/// Verifies `X-Hub-Signature: sha256=<hex>` over the raw `body`. The comparison is constant
/// time (`hmac`'s `verify_slice`). Unsigned and malformed requests are rejected.
pub fn verify_signature(
    secret: &[u8],
    body: &[u8],
    header: Option<&str>,
) -> Result<(), SignatureError> {
    let malformed = || SignatureError::new(SignatureErrorKind::Malformed);
    let mismatch = || SignatureError::new(SignatureErrorKind::Mismatch);
    let header = header
        .ok_or(SignatureError::new(SignatureErrorKind::Missing))?
        .trim();
    let (alg, hex) = header.split_once('=').ok_or_else(malformed)?;
    // Hex digits only: `u8::from_str_radix` alone would also take a sign (`+f`).
    if !alg.eq_ignore_ascii_case("sha256")
        || hex.len() != 64
        || !hex.bytes().all(|b| b.is_ascii_hexdigit())
    {
        return Err(malformed());
    }
    let mut tag = [0u8; 32];
    for (i, chunk) in hex.as_bytes().chunks(2).enumerate() {
        let s = std::str::from_utf8(chunk).map_err(|_| malformed())?;
        tag[i] = u8::from_str_radix(s, 16).map_err(|_| malformed())?;
    }
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(secret).map_err(|_| mismatch())?;
    mac.update(body);
    mac.verify_slice(&tag).map_err(|_| mismatch())
}

/// A parsed notification.
#[derive(Debug, Clone)]
pub struct Notification {
    /// Bundle id.
    pub bundle_id: String,
    /// `SubscriptionStatus.type`: `event-notification`, `heartbeat`, `handshake`.
    pub kind: String,
    /// `Subscription/{id}`.
    pub subscription: Option<String>,
    /// Topic name (`Appointment.create`).
    pub topic: String,
    /// One event per `notificationEvent`.
    pub events: Vec<ChangeEvent>,
}

/// The feed that carries the same resource as a topic (`Appointment.cancel` → appointments).
pub fn feed_for_topic(topic: &str) -> Option<Feed> {
    let resource = topic.split('.').next()?;
    Some(match resource {
        "Appointment" => Feed::APPOINTMENTS,
        "Patient" => Feed::PATIENTS,
        "Provider" => Feed::PROVIDERS,
        "Prescription" => Feed::PRESCRIPTIONS,
        "Claim" => Feed::CLAIMS,
        "PatientProblem" => Feed::PROBLEMS,
        "HistoricalMedication" => Feed::MEDICATIONS,
        "HistoricalVaccine" => Feed::VACCINES,
        "LabResult" => Feed::LAB_RESULTS,
        "ImagingResult" => Feed::IMAGING_RESULTS,
        "Order" => Feed::ORDERS,
        "PatientCase" => Feed::PATIENT_CASES,
        "ReferringProvider" => Feed::REFERRING_PROVIDERS,
        _ => return None,
    })
}

/// The practice of a focus: identifier system `…:{practiceid}` or reference
/// `Patient/a-{practiceid}.E-…`.
fn practice_of(focus: &Value) -> Option<u64> {
    if let Some(system) = focus.pointer("/identifier/system").and_then(Value::as_str)
        && let Some(p) = system.rsplit(':').next().and_then(|t| t.parse().ok())
    {
        return Some(p);
    }
    let reference = focus.get("reference")?.as_str()?;
    let id = reference.rsplit('/').next()?;
    id.strip_prefix("a-")?.split('.').next()?.parse().ok()
}

fn focus_text(focus: &Value) -> String {
    if let Some(r) = focus.get("reference").and_then(Value::as_str) {
        return r.to_string();
    }
    let system = focus
        .pointer("/identifier/system")
        .and_then(Value::as_str)
        .unwrap_or("-");
    let value = focus
        .pointer("/identifier/value")
        .and_then(Value::as_str)
        .unwrap_or("-");
    format!("{system}|{value}")
}

/// A notification Bundle that is not what athena sends ([`ErrorKind::Notification`]); `what`
/// is a fixed description, never a value from the body.
fn invalid(what: &'static str) -> Error {
    Error::new(ErrorKind::Notification, what)
}

/// Parses athena's id-only `history` Bundle into events (none for heartbeats/handshakes).
/// A body that is not one fails with [`ErrorKind::Notification`].
pub fn parse_notification(body: &[u8]) -> Result<Notification, Error> {
    let bundle: Value = serde_json::from_slice(body).map_err(|_| invalid("not JSON"))?;
    if bundle.get("resourceType").and_then(Value::as_str) != Some("Bundle") {
        return Err(invalid("not a Bundle"));
    }
    let bundle_id = bundle
        .get("id")
        .and_then(Value::as_str)
        .ok_or_else(|| invalid("Bundle without id"))?
        .to_string();
    let status = bundle
        .pointer("/entry/0/resource")
        .filter(|r| r.get("resourceType").and_then(Value::as_str) == Some("SubscriptionStatus"))
        .ok_or_else(|| invalid("entry[0] is not a SubscriptionStatus"))?;
    let topic_url = status
        .get("topic")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let topic = topic_url.rsplit('/').next().unwrap_or_default().to_string();
    let kind = status
        .get("type")
        .and_then(Value::as_str)
        .unwrap_or("event-notification")
        .to_string();
    let subscription = status
        .pointer("/subscription/reference")
        .and_then(Value::as_str)
        .map(str::to_string);
    let feed = feed_for_topic(&topic);
    let mut events = Vec::new();
    if let Some(list) = status.get("notificationEvent").and_then(Value::as_array) {
        for ev in list {
            let focus = ev.get("focus").cloned().unwrap_or(Value::Null);
            let practice =
                practice_of(&focus).ok_or_else(|| invalid("focus without a practice"))?;
            let event_id = ev
                .get("id")
                .and_then(Value::as_str)
                .map(str::to_string)
                // No event id: the focus and timestamp identify the event.
                .unwrap_or_else(|| {
                    ev.get("timestamp")
                        .and_then(Value::as_str)
                        .unwrap_or("-")
                        .to_string()
                });
            let timestamp = ev
                .get("timestamp")
                .and_then(Value::as_str)
                .and_then(|t| DateTime::parse_from_rfc3339(t).ok())
                .map(|t| t.with_timezone(&Utc));
            let focus_key = focus_text(&focus);
            let record_id = focus
                .pointer("/identifier/value")
                .and_then(Value::as_str)
                .map(str::to_string)
                .or_else(|| {
                    focus
                        .get("reference")
                        .and_then(Value::as_str)
                        .and_then(|r| r.rsplit('-').next())
                        .map(str::to_string)
                });
            events.push(ChangeEvent {
                key: IdempotencyKey::from_string(format!(
                    "{practice}:fhir:{topic}:{focus_key}#{event_id}"
                )),
                practice: PracticeId::new(practice),
                feed,
                record_id,
                origin: Origin::Push {
                    topic: topic.clone(),
                    bundle_id: bundle_id.clone(),
                    timestamp,
                },
                item: ev.clone(),
            });
        }
    }
    Ok(Notification {
        bundle_id,
        kind,
        subscription,
        topic,
        events,
    })
}

/// What the webhook should answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebhookOutcome {
    /// HTTP status: 200 accepted (or a known replay), 401 bad signature, 400 bad body, 503
    /// queue full (athena retries for up to an hour).
    pub status: u16,
    /// Events queued now.
    pub queued: usize,
    /// Events dropped as repeats.
    pub duplicates: usize,
}

/// Verifies, parses, de-duplicates and queues notifications. Never waits: a full queue
/// answers 503 so athena retries later.
#[derive(Debug)]
pub struct WebhookReceiver {
    secret: Vec<u8>,
    seen: Mutex<Deduper>,
    tx: mpsc::Sender<ChangeEvent>,
}

impl WebhookReceiver {
    /// A receiver with the `X-Hub-Secret` given to athena, queueing into a bounded channel of
    /// `capacity` events; remembers the last `remember` bundle ids and event keys.
    pub fn new(
        secret: impl Into<Vec<u8>>,
        capacity: usize,
        remember: usize,
    ) -> (Self, mpsc::Receiver<ChangeEvent>) {
        let (tx, rx) = mpsc::channel(capacity.max(1));
        (
            WebhookReceiver {
                secret: secret.into(),
                seen: Mutex::new(Deduper::new(remember)),
                tx,
            },
            rx,
        )
    }

    /// Handles one POST: `signature` is the `X-Hub-Signature` header, `body` the raw body.
    pub fn handle(&self, signature: Option<&str>, body: &[u8]) -> WebhookOutcome {
        let reject = |status| WebhookOutcome {
            status,
            queued: 0,
            duplicates: 0,
        };
        if verify_signature(&self.secret, body, signature).is_err() {
            return reject(401);
        }
        let Ok(notification) = parse_notification(body) else {
            return reject(400);
        };
        let Ok(mut seen) = self.seen.lock() else {
            return reject(503);
        };
        let bundle_key = IdempotencyKey::from_string(format!("bundle:{}", notification.bundle_id));
        if !seen.first_time(&bundle_key) {
            return WebhookOutcome {
                status: 200,
                queued: 0,
                duplicates: notification.events.len(),
            };
        }
        let mut out = WebhookOutcome {
            status: 200,
            queued: 0,
            duplicates: 0,
        };
        for event in notification.events {
            if !seen.first_time(&event.key) {
                out.duplicates += 1;
                continue;
            }
            let key = event.key.clone();
            if self.tx.try_send(event).is_err() {
                // Forget what was not queued, so athena's retry delivers it.
                seen.forget(&key);
                seen.forget(&bundle_key);
                out.status = 503;
                return out;
            }
            out.queued += 1;
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// The recorded notification bundle (read at run time; `None` skips the test).
    fn fixture() -> Option<String> {
        crate::test_fixtures::shared("fhir/athena-subscription-notification-bundle.json")
    }

    #[test]
    fn signature_good_bad_missing_malformed() {
        let Some(fixture) = fixture() else {
            return;
        };
        let body = fixture.as_bytes();
        let sig = sign(b"s3cret", body);
        assert!(verify_signature(b"s3cret", body, Some(&sig)).is_ok());
        assert!(
            verify_signature(
                b"s3cret",
                body,
                Some(&sig.to_uppercase().replace("SHA256", "sha256"))
            )
            .is_ok()
        );
        let kind = |r: Result<(), SignatureError>| r.map_err(|e| e.kind());
        assert_eq!(
            kind(verify_signature(b"other", body, Some(&sig))),
            Err(SignatureErrorKind::Mismatch)
        );
        let mut tampered = body.to_vec();
        tampered[10] ^= 1;
        assert_eq!(
            kind(verify_signature(b"s3cret", &tampered, Some(&sig))),
            Err(SignatureErrorKind::Mismatch)
        );
        assert_eq!(
            kind(verify_signature(b"s3cret", body, None)),
            Err(SignatureErrorKind::Missing)
        );
        for bad in [
            "",
            "sha256=",
            "sha1=abcd",
            &sig[..sig.len() - 1],
            &format!("{}zz", &sig[..sig.len() - 2]),
            "sha256:00",
        ] {
            assert_eq!(
                kind(verify_signature(b"s3cret", body, Some(bad))),
                Err(SignatureErrorKind::Malformed),
                "{bad}"
            );
        }
    }

    #[test]
    fn a_sign_in_the_hex_is_malformed_not_a_digit() {
        // Found while writing the `webhook_verify` fuzz target: `from_str_radix("+f", 16)` is
        // 15, so a valid signature with a `0` pair written `+x` verified.
        let (body, sig) = (0..)
            .map(|i| format!("body {i}").into_bytes())
            .map(|b| {
                let sig = sign(b"k", &b);
                (b, sig)
            })
            .find(|(_, sig)| sig.as_bytes()["sha256=".len()] == b'0')
            .expect("a signature starting with 0");
        let plus = format!("sha256=+{}", &sig["sha256=0".len()..]);
        assert_eq!(
            verify_signature(b"k", &body, Some(&plus)).map_err(|e| e.kind()),
            Err(SignatureErrorKind::Malformed)
        );
        assert!(verify_signature(b"k", &body, Some(&sig)).is_ok());
    }

    #[test]
    fn fixture_parses_into_one_appointment_event() {
        let Some(fixture) = fixture() else {
            return;
        };
        let n = parse_notification(fixture.as_bytes()).unwrap();
        assert_eq!(n.bundle_id, "05f90103-5ce1-327b-b8fe-287225e176a8");
        assert_eq!(n.topic, "Appointment.create");
        assert_eq!(n.kind, "event-notification");
        assert_eq!(n.events.len(), 1);
        let e = &n.events[0];
        assert_eq!(e.practice, PracticeId::new(195900));
        assert_eq!(e.feed, Some(Feed::APPOINTMENTS));
        assert_eq!(e.record_id.as_deref(), Some("1"));
        assert!(
            e.key
                .as_str()
                .ends_with("#0901fb5b-6858-33f2-994f-6680c0c6aadb"),
            "{}",
            e.key
        );
        assert!(e.appointment().is_none(), "push events are id-only");
    }

    #[test]
    fn reference_focus_yields_practice() {
        assert_eq!(
            practice_of(&json!({"reference": "Patient/a-432.E-528595"})),
            Some(432)
        );
        assert_eq!(
            practice_of(
                &json!({"identifier": {"system": "urn:athenahealth:athenanet:patient:432", "value": "528595"}})
            ),
            Some(432)
        );
    }

    #[test]
    fn not_a_notification_is_rejected() {
        for body in [
            &b"{"[..],
            br#"{"resourceType":"Patient"}"#,
            br#"{"resourceType":"Bundle","id":"x","entry":[]}"#,
        ] {
            let e = parse_notification(body).unwrap_err();
            assert_eq!(e.kind(), ErrorKind::Notification);
            assert!(e.to_string().starts_with("invalid notification: "), "{e}");
        }
    }

    #[tokio::test]
    async fn receiver_verifies_queues_and_drops_replays() {
        let Some(fixture) = fixture() else {
            return;
        };
        let (rx_side, mut rx) = WebhookReceiver::new(b"k".to_vec(), 8, 100);
        let body = fixture.as_bytes();
        let sig = sign(b"k", body);
        assert_eq!(rx_side.handle(None, body).status, 401);
        assert_eq!(rx_side.handle(Some("sha256=00"), body).status, 401);
        assert_eq!(rx_side.handle(Some(&sign(b"k", b"{}")), b"{}").status, 400);
        let first = rx_side.handle(Some(&sig), body);
        assert_eq!((first.status, first.queued), (200, 1));
        // The same signed bundle again (athena retry or an attacker's replay): 200, nothing queued.
        let again = rx_side.handle(Some(&sig), body);
        assert_eq!((again.status, again.queued, again.duplicates), (200, 0, 1));
        // A new bundle id carrying the same event: the event key still dedupes.
        let rebundled = fixture.replace("05f90103-5ce1-327b-b8fe-287225e176a8", "another-bundle");
        let out = rx_side.handle(
            Some(&sign(b"k", rebundled.as_bytes())),
            rebundled.as_bytes(),
        );
        assert_eq!((out.status, out.queued, out.duplicates), (200, 0, 1));
        assert_eq!(rx.try_recv().unwrap().record_id.as_deref(), Some("1"));
        assert!(rx.try_recv().is_err());
    }

    #[tokio::test]
    async fn full_queue_answers_503_and_the_retry_is_delivered() {
        let Some(fixture) = fixture() else {
            return;
        };
        let (recv, mut rx) = WebhookReceiver::new(b"k".to_vec(), 1, 100);
        let mk = |bundle: &str, event: &str| {
            fixture
                .replace("05f90103-5ce1-327b-b8fe-287225e176a8", bundle)
                .replace("0901fb5b-6858-33f2-994f-6680c0c6aadb", event)
        };
        let a = mk("b1", "e1");
        let b = mk("b2", "e2");
        assert_eq!(
            recv.handle(Some(&sign(b"k", a.as_bytes())), a.as_bytes())
                .status,
            200
        );
        assert_eq!(
            recv.handle(Some(&sign(b"k", b.as_bytes())), b.as_bytes())
                .status,
            503
        );
        rx.recv().await.unwrap();
        let retry = recv.handle(Some(&sign(b"k", b.as_bytes())), b.as_bytes());
        assert_eq!((retry.status, retry.queued), (200, 1));
    }
}
