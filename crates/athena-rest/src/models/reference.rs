//! Reference lists: allergens and medications searched by name, and the practice's
//! gender-identity choices.
//!
//! Sources: `GET /reference/allergies` and `GET /reference/medications` answer a **bare
//! array** (recorded in eleanorhealth/go-athenahealth `SearchAllergies.json` and
//! `SearchMedications.json`); `GET /configuration/patients/genderidentity` answers
//! `{"totalcount": N, "genderidentityfields": ["…", …]}` (recorded from the preview sandbox,
//! 2023, HTD-Health/athena_health cassette `all_gender_identities.yml`).

use crate::de::model;

model! {
    /// One allergen matching a search (`GET /reference/allergies?searchvalue=`).
    ///
    /// athena sends the id twice (`allergenid`, `allergyid`) and the name twice (`allergenname`,
    /// `allergy`); both spellings are modelled. Not PHI: a catalogue entry. Verified against a
    /// recording.
    pub struct AllergyReference {
        /// Allergen id, the value `PUT /chart/{patientid}/allergies` takes.
        allergenid: u64,
        /// Allergen name.
        allergenname: String,
        /// The same id under its older name.
        allergyid: u64,
        /// The same name under its older name.
        allergy: String,
    }
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

model! {
    /// One medication matching a search (`GET /reference/medications?searchvalue=`). Not PHI: a
    /// catalogue entry. Verified against a recording.
    pub struct MedicationReference {
        /// Medication id (athena's, as `POST /chart/{patientid}/medications` takes it).
        medicationid: u64,
        /// Display name.
        medication: String,
    }
}

model! {
    /// The gender-identity choices of a practice (`GET /configuration/patients/genderidentity`).
    ///
    /// The list keeps athena's order and its blank entry (`""`, meaning "not answered"):
    /// these are the exact values `genderidentity` on a patient accepts. Verified against a
    /// recording.
    pub struct GenderIdentityChoices {
        /// How many choices there are.
        totalcount: u64,
        /// The choices, in athena's order.
        genderidentityfields: Vec<String>,
    }
}
