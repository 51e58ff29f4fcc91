//! Encounter diagnoses and orders (lab orders).
//!
//! Sources: adding a diagnosis (`POST /chart/encounter/{encounterid}/diagnoses`) answers one
//! diagnosis object with `success` (preview cassette `create_encounter_diagnoses.yml`,
//! HTD-Health/athena_health, 2019); an unknown SNOMED code is a 400
//! (`create_encounter_diagnoses_wrong_snomed_code.yml`). Listing diagnoses
//! (`GET /chart/encounter/{encounterid}/diagnoses`) has no recording: the list items are taken
//! to be the same object as the add answer (athena's documented fields), which is
//! **unverified**. Adding a lab order (`POST /chart/encounter/{encounterid}/orders/lab`)
//! answers `{"success":true,"documentid":169312}` (cassette `create_encounter_order_lab.yml`);
//! `GET /chart/encounter/{encounterid}/orders` answers an array of
//! `{"diagnosis", "diagnosissnomed", "orders": […]}` groups (cassette `encounter_orders.yml`).

use athena_core::codec::AthenaDateTime;
use athena_core::ids::DocumentId;
use athena_core::phi::Phi;

use athena_core::Model;
use athena_core::decode::warnings::DecodeWarning;

/// A diagnosis on an encounter. `diagnosisid`, `snomedcode`, `description`, `icdcodes`,
/// `ranking`, `supportslaterality` are in the recording of the add answer; `laterality`
/// and `note` are documented, unverified.
#[derive(Clone, Default, Model)]
#[non_exhaustive]
pub struct EncounterDiagnosis {
    /// Diagnosis id.
    pub diagnosisid: Option<u64>,
    /// SNOMED CT code (a number on the wire).
    pub snomedcode: Option<String>,
    /// Description.
    pub description: Option<String>,
    /// Matching ICD-10 (or ICD-9) codes.
    pub icdcodes: Option<Vec<DiagnosisCode>>,
    /// Order on the encounter (0 = first).
    pub ranking: Option<u32>,
    /// Whether a laterality may be set.
    pub supportslaterality: Option<bool>,
    /// Laterality (`LEFT`, `RIGHT`, `BILATERAL`).
    pub laterality: Option<String>,
    /// Note (PHI).
    pub note: Option<Phi<String>>,
    /// Present on the add answer only.
    pub success: Option<bool>,
    /// Fields athena sent that are not modelled, and modelled fields that arrived in a shape
    /// their type cannot hold (see `decode_warnings()`), kept verbatim. May hold PHI: `Debug`
    /// shows only the keys.
    pub extra: serde_json::Map<String, serde_json::Value>,
    /// What `decode_warnings()` returns.
    decode_warnings: Vec<DecodeWarning>,
}

/// A code attached to a diagnosis or order (`{"code", "codeset", "description"}`).
#[derive(Clone, Default, Model)]
#[non_exhaustive]
pub struct DiagnosisCode {
    /// The code (`I10`).
    pub code: Option<String>,
    /// The code set (`ICD10`).
    pub codeset: Option<String>,
    /// Description.
    pub description: Option<String>,
    /// Fields athena sent that are not modelled, and modelled fields that arrived in a shape
    /// their type cannot hold (see `decode_warnings()`), kept verbatim. May hold PHI: `Debug`
    /// shows only the keys.
    pub extra: serde_json::Map<String, serde_json::Value>,
    /// What `decode_warnings()` returns.
    decode_warnings: Vec<DecodeWarning>,
}

/// `POST /chart/encounter/{encounterid}/orders/…` → `{"success":true,"documentid":…}`
/// (verified against a recording).
#[derive(Clone, Default, Model)]
#[non_exhaustive]
pub struct OrderCreated {
    /// Whether athena reported success.
    pub success: Option<bool>,
    /// The new order's document id.
    pub documentid: Option<DocumentId>,
    /// Fields athena sent that are not modelled, and modelled fields that arrived in a shape
    /// their type cannot hold (see `decode_warnings()`), kept verbatim. May hold PHI: `Debug`
    /// shows only the keys.
    pub extra: serde_json::Map<String, serde_json::Value>,
    /// What `decode_warnings()` returns.
    decode_warnings: Vec<DecodeWarning>,
}

/// One diagnosis of an encounter and the orders placed for it
/// (`GET /chart/encounter/{encounterid}/orders`, a bare array of these). Verified against
/// a recording.
#[derive(Clone, Default, Model)]
#[non_exhaustive]
pub struct EncounterOrderGroup {
    /// Diagnosis name.
    pub diagnosis: Option<String>,
    /// Its SNOMED code (`"0"` = no diagnosis).
    pub diagnosissnomed: Option<String>,
    /// Its ICD codes (documented, unverified).
    pub diagnosisicd: Option<Vec<DiagnosisCode>>,
    /// The orders.
    pub orders: Option<Vec<EncounterOrder>>,
    /// Fields athena sent that are not modelled, and modelled fields that arrived in a shape
    /// their type cannot hold (see `decode_warnings()`), kept verbatim. May hold PHI: `Debug`
    /// shows only the keys.
    pub extra: serde_json::Map<String, serde_json::Value>,
    /// What `decode_warnings()` returns.
    decode_warnings: Vec<DecodeWarning>,
}

/// One order. `documentid`, `class`, `classdescription`, `description`, `status`,
/// `dateordered`, `orderingprovider`, `assigneduser`, `documentationonly` are in the
/// recording; `orderid`, `ordertype`, `ordertypeid`, `priority` are documented, unverified.
#[derive(Clone, Default, Model)]
#[non_exhaustive]
pub struct EncounterOrder {
    /// Document id of the order.
    pub documentid: Option<DocumentId>,
    /// Order id (documented).
    pub orderid: Option<DocumentId>,
    /// `LAB`, `DME`, `PRESCRIPTION`, `IMAGING`, …
    pub class: Option<String>,
    /// Class and subclass in words.
    pub classdescription: Option<String>,
    /// What was ordered.
    pub description: Option<String>,
    /// Order type (documented).
    pub ordertype: Option<String>,
    /// Order type id (documented).
    pub ordertypeid: Option<u64>,
    /// Status (`REVIEW`, `PEND`, `SUBMITTED`, …).
    pub status: Option<String>,
    /// When it was ordered (`MM/DD/YYYY hh:mm AM`).
    pub dateordered: Option<AthenaDateTime>,
    /// Ordering provider (a username).
    pub orderingprovider: Option<String>,
    /// Assigned user.
    pub assigneduser: Option<String>,
    /// Whether it is only a record.
    pub documentationonly: Option<bool>,
    /// Priority (documented).
    pub priority: Option<u32>,
    /// Fields athena sent that are not modelled, and modelled fields that arrived in a shape
    /// their type cannot hold (see `decode_warnings()`), kept verbatim. May hold PHI: `Debug`
    /// shows only the keys.
    pub extra: serde_json::Map<String, serde_json::Value>,
    /// What `decode_warnings()` returns.
    decode_warnings: Vec<DecodeWarning>,
}
