//! Reference lists: allergens and medications searched by name, and the practice's
//! gender-identity choices.
//!
//! Sources: `GET /reference/allergies` and `GET /reference/medications` answer a **bare
//! array** (recorded in eleanorhealth/go-athenahealth `SearchAllergies.json` and
//! `SearchMedications.json`); `GET /configuration/patients/genderidentity` answers
//! `{"totalcount": N, "genderidentityfields": ["…", …]}` (recorded from the preview sandbox,
//! 2023, HTD-Health/athena_health cassette `all_gender_identities.yml`).

use athena_core::Model;
use athena_core::decode::warnings::DecodeWarning;

/// One allergen matching a search (`GET /reference/allergies?searchvalue=`).
///
/// athena sends the id twice (`allergenid`, `allergyid`) and the name twice (`allergenname`,
/// `allergy`); both spellings are modelled. Not PHI: a catalogue entry. Verified against a
/// recording.
#[derive(Clone, Default, Model)]
#[non_exhaustive]
pub struct AllergyReference {
    /// Allergen id, the value `PUT /chart/{patientid}/allergies` takes.
    pub allergenid: Option<u64>,
    /// Allergen name.
    pub allergenname: Option<String>,
    /// The same id under its older name.
    pub allergyid: Option<u64>,
    /// The same name under its older name.
    pub allergy: Option<String>,
    /// Fields athena sent that are not modelled, and modelled fields that arrived in a shape
    /// their type cannot hold (see `decode_warnings()`), kept verbatim. May hold PHI: `Debug`
    /// shows only the keys.
    pub extra: serde_json::Map<String, serde_json::Value>,
    /// What `decode_warnings()` returns.
    decode_warnings: Vec<DecodeWarning>,
}

impl AllergyReference {
    /// The allergen id, whichever of the two spellings athena sent.
    pub fn id(&self) -> Option<u64> {
        self.allergenid.or(self.allergyid)
    }
    /// The allergen name, whichever of the two spellings athena sent.
    pub fn name(&self) -> Option<&str> {
        self.allergenname.as_deref().or(self.allergy.as_deref())
    }
}

/// One medication matching a search (`GET /reference/medications?searchvalue=`). Not PHI: a
/// catalogue entry. Verified against a recording.
#[derive(Clone, Default, Model)]
#[non_exhaustive]
pub struct MedicationReference {
    /// Medication id (athena's, as `POST /chart/{patientid}/medications` takes it).
    pub medicationid: Option<u64>,
    /// Display name.
    pub medication: Option<String>,
    /// Fields athena sent that are not modelled, and modelled fields that arrived in a shape
    /// their type cannot hold (see `decode_warnings()`), kept verbatim. May hold PHI: `Debug`
    /// shows only the keys.
    pub extra: serde_json::Map<String, serde_json::Value>,
    /// What `decode_warnings()` returns.
    decode_warnings: Vec<DecodeWarning>,
}

/// The gender-identity choices of a practice (`GET /configuration/patients/genderidentity`).
///
/// The list keeps athena's order and its blank entry (`""`, meaning "not answered"):
/// these are the exact values `genderidentity` on a patient accepts. Verified against a
/// recording.
#[derive(Clone, Default, Model)]
#[non_exhaustive]
pub struct GenderIdentityChoices {
    /// How many choices there are.
    pub totalcount: Option<u64>,
    /// The choices, in athena's order.
    pub genderidentityfields: Option<Vec<String>>,
    /// Fields athena sent that are not modelled, and modelled fields that arrived in a shape
    /// their type cannot hold (see `decode_warnings()`), kept verbatim. May hold PHI: `Debug`
    /// shows only the keys.
    pub extra: serde_json::Map<String, serde_json::Value>,
    /// What `decode_warnings()` returns.
    decode_warnings: Vec<DecodeWarning>,
}
