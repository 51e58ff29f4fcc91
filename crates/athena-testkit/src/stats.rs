//! Counters the sandbox keeps, and the snapshot returned by [`crate::Sandbox::stats`].

use std::collections::BTreeMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

/// Names of the write operations counted in [`Stats::writes`].
pub mod ops {
    /// `POST /patients` that created a new patient.
    pub const CREATE_PATIENT: &str = "create_patient";
    /// `PUT /patients/{id}`.
    pub const UPDATE_PATIENT: &str = "update_patient";
    /// `PUT /appointments/{id}` that booked a slot.
    pub const BOOK_APPOINTMENT: &str = "book_appointment";
    /// `PUT /appointments/{id}/cancel`.
    pub const CANCEL_APPOINTMENT: &str = "cancel_appointment";
    /// `PUT /appointments/{id}/reschedule`.
    pub const RESCHEDULE_APPOINTMENT: &str = "reschedule_appointment";
    /// `PUT /appointments/booked/{id}`.
    pub const UPDATE_APPOINTMENT: &str = "update_appointment";
    /// `POST /appointments/{id}/checkin`.
    pub const CHECK_IN: &str = "check_in";
    /// `POST /appointments/{id}/checkout`.
    pub const CHECK_OUT: &str = "check_out";
    /// `POST /claims`.
    pub const CREATE_CLAIM: &str = "create_claim";
    /// `POST /patients/{pid}/recordpayment`.
    pub const RECORD_PAYMENT: &str = "record_payment";
    /// `POST /chart/{pid}/problems`.
    pub const ADD_PROBLEM: &str = "add_problem";
    /// `POST /chart/{pid}/vitals`.
    pub const ADD_VITALS: &str = "add_vitals";
    /// `PUT /chart/{pid}/allergies`.
    pub const UPDATE_ALLERGIES: &str = "update_allergies";
    /// `POST /patients/{pid}/documents/clinicaldocument`.
    pub const ADD_CLINICAL_DOCUMENT: &str = "add_clinical_document";
    /// `POST /patients/{pid}/documents/patientcase`.
    pub const CREATE_PATIENT_CASE: &str = "create_patient_case";
    /// `POST /documents/patientcase/{id}/actions` and close.
    pub const PATIENT_CASE_ACTION: &str = "patient_case_action";
    /// `POST|PUT|DELETE /patients/{pid}/insurances…`.
    pub const INSURANCE_WRITE: &str = "insurance_write";
    /// `PUT /patients/{pid}/customfields`.
    pub const UPDATE_CUSTOM_FIELDS: &str = "update_custom_fields";
    /// `POST /appointments/{id}/notes`.
    pub const ADD_APPOINTMENT_NOTE: &str = "add_appointment_note";
    /// `POST /appointments/open` (one count per call, however many slots).
    pub const CREATE_SLOTS: &str = "create_slots";
    /// `POST /appointments/waitlist`.
    pub const ADD_WAITLIST: &str = "add_waitlist";
    /// `POST /patients/{pid}/documents/encounterdocument`.
    pub const ADD_ENCOUNTER_DOCUMENT: &str = "add_encounter_document";
    /// `POST /patients/{pid}/documents/labresult`.
    pub const ADD_LAB_RESULT_DOCUMENT: &str = "add_lab_result_document";
    /// `POST /chart/encounter/{id}/diagnoses`.
    pub const ADD_ENCOUNTER_DIAGNOSIS: &str = "add_encounter_diagnosis";
    /// `POST /chart/encounter/{id}/orders/lab`.
    pub const ADD_LAB_ORDER: &str = "add_lab_order";
}

#[derive(Debug, Default)]
pub(crate) struct Counters {
    pub(crate) token_requests: AtomicU64,
    pub(crate) tokens_issued: AtomicU64,
    pub(crate) api_requests: AtomicU64,
    pub(crate) rate_limited: AtomicU64,
    pub(crate) faults_injected: AtomicU64,
    pub(crate) connections: AtomicU64,
    /// Requests the fault front has read and not yet finished with (answered, dropped or
    /// abandoned), including ones held back by injected latency.
    pub(crate) in_flight: AtomicU64,
    pub(crate) writes: Mutex<BTreeMap<&'static str, u64>>,
}

/// Counts one request as in flight for as long as it lives.
pub(crate) struct InFlight<'a>(&'a AtomicU64);

impl<'a> InFlight<'a> {
    pub(crate) fn new(counter: &'a AtomicU64) -> Self {
        counter.fetch_add(1, Ordering::SeqCst);
        InFlight(counter)
    }
}

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

impl Counters {
    pub(crate) fn inc(c: &AtomicU64) {
        c.fetch_add(1, Ordering::Relaxed);
    }
    pub(crate) fn write(&self, op: &'static str) {
        let mut w = self.writes.lock().unwrap_or_else(|e| e.into_inner());
        *w.entry(op).or_insert(0) += 1;
    }
    pub(crate) fn snapshot(&self) -> Stats {
        Stats {
            token_requests: self.token_requests.load(Ordering::Relaxed),
            tokens_issued: self.tokens_issued.load(Ordering::Relaxed),
            api_requests: self.api_requests.load(Ordering::Relaxed),
            rate_limited: self.rate_limited.load(Ordering::Relaxed),
            faults_injected: self.faults_injected.load(Ordering::Relaxed),
            connections: self.connections.load(Ordering::Relaxed),
            writes: self
                .writes
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .iter()
                .map(|(k, v)| ((*k).to_string(), *v))
                .collect(),
        }
    }
}

/// A snapshot of what the sandbox has seen and done.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Stats {
    /// Requests to `/oauth2/v1/token` (answered or refused).
    pub token_requests: u64,
    /// Access tokens issued.
    pub tokens_issued: u64,
    /// Requests to the REST and FHIR APIs that reached the handlers.
    pub api_requests: u64,
    /// HTTP 429 responses sent (token limit, QPS limit and injected faults).
    pub rate_limited: u64,
    /// Fault rules that fired.
    pub faults_injected: u64,
    /// TCP connections accepted by the front.
    pub connections: u64,
    /// Writes actually applied, per operation (see [`ops`]).
    pub writes: BTreeMap<String, u64>,
}

impl Stats {
    /// How many times the write operation `op` (one of [`ops`]) was applied.
    pub fn writes(&self, op: &str) -> u64 {
        self.writes.get(op).copied().unwrap_or(0)
    }
}
