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

use crate::de::model;

model! {
    /// A diagnosis on an encounter. `diagnosisid`, `snomedcode`, `description`, `icdcodes`,
    /// `ranking`, `supportslaterality` are in the recording of the add answer; `laterality`
    /// and `note` are documented, unverified.
    pub struct EncounterDiagnosis {
        /// Diagnosis id.
        diagnosisid: u64,
        /// SNOMED CT code (a number on the wire).
        snomedcode: String,
        /// Description.
        description: String,
        /// Matching ICD-10 (or ICD-9) codes.
        icdcodes: Vec<DiagnosisCode>,
        /// Order on the encounter (0 = first).
        ranking: u32,
        /// Whether a laterality may be set.
        supportslaterality: bool,
        /// Laterality (`LEFT`, `RIGHT`, `BILATERAL`).
        laterality: String,
        /// Note (PHI).
        note: Phi<String>,
        /// Present on the add answer only.
        success: bool,
    }
}

model! {
    /// A code attached to a diagnosis or order (`{"code", "codeset", "description"}`).
    pub struct DiagnosisCode {
        /// The code (`I10`).
        code: String,
        /// The code set (`ICD10`).
        codeset: String,
        /// Description.
        description: String,
    }
}

model! {
    /// `POST /chart/encounter/{encounterid}/orders/…` → `{"success":true,"documentid":…}`
    /// (verified against a recording).
    pub struct OrderCreated {
        /// Whether athena reported success.
        success: bool,
        /// The new order's document id.
        documentid: DocumentId,
    }
}

model! {
    /// One diagnosis of an encounter and the orders placed for it
    /// (`GET /chart/encounter/{encounterid}/orders`, a bare array of these). Verified against
    /// a recording.
    pub struct EncounterOrderGroup {
        /// Diagnosis name.
        diagnosis: String,
        /// Its SNOMED code (`"0"` = no diagnosis).
        diagnosissnomed: String,
        /// Its ICD codes (documented, unverified).
        diagnosisicd: Vec<DiagnosisCode>,
        /// The orders.
        orders: Vec<EncounterOrder>,
    }
}

model! {
    /// One order. `documentid`, `class`, `classdescription`, `description`, `status`,
    /// `dateordered`, `orderingprovider`, `assigneduser`, `documentationonly` are in the
    /// recording; `orderid`, `ordertype`, `ordertypeid`, `priority` are documented, unverified.
    pub struct EncounterOrder {
        /// Document id of the order.
        documentid: DocumentId,
        /// Order id (documented).
        orderid: DocumentId,
        /// `LAB`, `DME`, `PRESCRIPTION`, `IMAGING`, …
        class: String,
        /// Class and subclass in words.
        classdescription: String,
        /// What was ordered.
        description: String,
        /// Order type (documented).
        ordertype: String,
        /// Order type id (documented).
        ordertypeid: u64,
        /// Status (`REVIEW`, `PEND`, `SUBMITTED`, …).
        status: String,
        /// When it was ordered (`MM/DD/YYYY hh:mm AM`).
        dateordered: AthenaDateTime,
        /// Ordering provider (a username).
        orderingprovider: String,
        /// Assigned user.
        assigneduser: String,
        /// Whether it is only a record.
        documentationonly: bool,
        /// Priority (documented).
        priority: u32,
    }
}
