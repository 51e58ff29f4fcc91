//! Reference searches, appointment notes, slot creation, the waitlist, encounter documents,
//! lab result documents, prescriptions, encounter diagnoses and lab orders.
//!
//! Shapes follow recorded athena answers (eleanorhealth/go-athenahealth fixtures and the
//! HTD-Health/athena_health preview cassettes); each handler says which. Generated data is
//! derived from the patient's generated chart, so it is deterministic per seed; writes live
//! in [`ExtrasState`].

use std::collections::{BTreeMap, HashMap};

use chrono::NaiveDateTime;

use super::Cx;
use crate::data::clinical::Encounter;
use crate::data::patients::Patient;
use crate::http::Reply;

mod billing;
mod clinical;
mod reference;
mod scheduling;

/// A note written through `POST /appointments/{id}/notes`.
#[derive(Debug, Clone)]
pub(crate) struct Note {
    pub(crate) id: u64,
    pub(crate) text: String,
    pub(crate) created: NaiveDateTime,
    pub(crate) displayonschedule: bool,
}

/// A document filed through the encounter-document or lab-result-document endpoints.
#[derive(Debug, Clone)]
pub(crate) struct FiledDocument {
    pub(crate) id: u64,
    pub(crate) departmentid: u64,
    pub(crate) encounterid: u64,
    pub(crate) subclass: String,
    pub(crate) internalnote: String,
    pub(crate) patientnote: String,
    pub(crate) providerid: u64,
    pub(crate) created: NaiveDateTime,
    pub(crate) resultstatus: String,
    pub(crate) tietoorderid: u64,
}

/// A diagnosis added to an encounter.
#[derive(Debug, Clone)]
pub(crate) struct AddedDiagnosis {
    pub(crate) id: u64,
    pub(crate) snomed: String,
    pub(crate) icd10: String,
    pub(crate) description: String,
    pub(crate) note: String,
    pub(crate) laterality: String,
}

/// A lab order placed on an encounter.
#[derive(Debug, Clone)]
pub(crate) struct PlacedOrder {
    pub(crate) documentid: u64,
    pub(crate) ordertypeid: u64,
    pub(crate) description: String,
    pub(crate) diagnosis_snomed: String,
    pub(crate) ordered: NaiveDateTime,
    pub(crate) providerid: u64,
}

/// An entry put on the waitlist through `POST /appointments/waitlist`.
#[derive(Debug, Clone)]
pub(crate) struct WaitEntry {
    pub(crate) id: u64,
    pub(crate) patientid: u64,
    pub(crate) departmentid: u64,
    pub(crate) providerid: Option<u64>,
    pub(crate) appointmenttypeid: Option<u64>,
    pub(crate) priority: String,
    pub(crate) note: String,
    pub(crate) hourfrom: Option<u64>,
    pub(crate) hourto: Option<u64>,
    pub(crate) days: Vec<u64>,
    pub(crate) created: NaiveDateTime,
}

/// Writes of this module, per practice.
#[derive(Debug, Default)]
pub(crate) struct ExtrasState {
    pub(crate) notes: BTreeMap<u64, Vec<Note>>,
    pub(crate) next_note: u64,
    /// Waitlist entries added (athena numbers them).
    pub(crate) waitlist_added: u64,
    /// The entries added through `POST /appointments/waitlist`.
    pub(crate) waitlist: Vec<WaitEntry>,
    pub(crate) encounter_documents: HashMap<u64, Vec<FiledDocument>>,
    pub(crate) lab_documents: HashMap<u64, Vec<FiledDocument>>,
    pub(crate) diagnoses: HashMap<u64, Vec<AddedDiagnosis>>,
    pub(crate) orders: HashMap<u64, Vec<PlacedOrder>>,
    pub(crate) next_document: u64,
}

impl ExtrasState {
    /// A fresh note id (40001, 40002, …).
    pub(crate) fn note_id(&mut self) -> u64 {
        self.next_note += 1;
        40_000 + self.next_note
    }
    /// A fresh document id (600001, …): encounter documents, orders, waitlist entries.
    pub(crate) fn document_id(&mut self) -> u64 {
        self.next_document += 1;
        600_000 + self.next_document
    }
}

/// A provider's athenaNet username (`ahughes3`): first initial, last name, provider id.
pub(crate) fn username(providerid: u64) -> String {
    let (first, last) = super::practice::provider_name(providerid);
    format!(
        "{}{}{}",
        first.chars().next().unwrap_or('x').to_ascii_lowercase(),
        last.to_ascii_lowercase(),
        providerid
    )
}

/// The patient of a `/patients/{pid}/…` path, or a 404.
fn patient(cx: &Cx<'_>, seg: &str) -> Result<Patient, Reply> {
    super::seg_id(seg)
        .and_then(|id| cx.p.patient(id))
        .ok_or_else(|| Reply::not_found("patient ID"))
}

/// An encounter by id (encounter ids are `patientid * 100 + n`), with its patient.
fn encounter(cx: &Cx<'_>, seg: &str) -> Result<(Patient, Encounter), Reply> {
    let missing = || Reply::not_found("encounter ID");
    let id = super::seg_id(seg).ok_or_else(missing)?;
    let pat = cx.p.patient(id / 100).ok_or_else(missing)?;
    let e =
        cx.p.chart(&pat)
            .encounters
            .into_iter()
            .find(|e| e.id == id)
            .ok_or_else(missing)?;
    Ok((pat, e))
}

/// Route the calls this module serves; `None` for every other path. Runs before the other
/// routes because `POST /appointments/open` and `/appointments/waitlist` would otherwise be
/// read as an appointment id.
pub(crate) fn route(cx: &mut Cx<'_>, segs: &[&str]) -> Option<Reply> {
    let m = cx.req.method.clone();
    let reply = match (m.as_str(), segs) {
        ("GET", ["reference", "allergies"]) => reference::allergies(cx),
        ("GET", ["reference", "medications"]) => reference::medications(cx),
        ("GET", ["configuration", "patients", "genderidentity"]) => {
            reference::gender_identities(cx)
        }
        ("POST", ["appointments", "open"]) => scheduling::create_slots(cx),
        ("POST", ["appointments", "waitlist"]) => scheduling::add_waitlist(cx),
        ("GET", ["appointments", "waitlist"]) => scheduling::list_waitlist(cx),
        ("GET", ["claims", id, "claimtransactions"]) => billing::claim_transactions(cx, id),
        ("GET", ["patients", "paymenthistory"]) => billing::payment_history(cx),
        ("GET", ["patients", pid, "receipts"]) => billing::receipts(cx, pid),
        ("GET", ["appointments", id, "notes"]) => scheduling::list_notes(cx, id),
        ("POST", ["appointments", id, "notes"]) => scheduling::add_note(cx, id),
        ("GET", ["patients", pid, "documents", "encounterdocument"]) => {
            clinical::list_encounter_documents(cx, pid)
        }
        ("POST", ["patients", pid, "documents", "encounterdocument"]) => {
            clinical::add_encounter_document(cx, pid)
        }
        ("GET", ["patients", pid, "documents", "labresult", id]) => {
            clinical::get_lab_document(cx, pid, id)
        }
        ("POST", ["patients", pid, "documents", "labresult"]) => {
            clinical::add_lab_document(cx, pid)
        }
        ("GET", ["patients", pid, "documents", "prescription"]) => {
            clinical::list_prescriptions(cx, pid)
        }
        ("GET", ["chart", "encounter", id, "diagnoses"]) => clinical::list_diagnoses(cx, id),
        ("POST", ["chart", "encounter", id, "diagnoses"]) => clinical::add_diagnosis(cx, id),
        ("GET", ["chart", "encounter", id, "orders"]) => clinical::list_orders(cx, id),
        ("POST", ["chart", "encounter", id, "orders", "lab"]) => clinical::add_lab_order(cx, id),
        _ => return None,
    };
    Some(reply.unwrap_or_else(|e| e))
}
