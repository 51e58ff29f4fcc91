//! Reference lookups: allergens and medications by name, gender-identity choices.

use athena_core::{Practice, Request, Result};
use http::Method;

use crate::models::{AllergyReference, GenderIdentityChoices, MedicationReference};
use crate::send::{self, builder, param, pure_build};

/// Reference lists of a practice (`practice.reference()`).
#[derive(Debug, Clone)]
pub struct Reference {
    practice: Practice,
}

impl Reference {
    pub(crate) fn new(practice: Practice) -> Self {
        Reference { practice }
    }

    /// `GET /v1/{practiceid}/reference/allergies?searchvalue=`: allergens whose name starts with
    /// `searchvalue` (athena wants at least two characters). A bare array.
    pub fn allergies(&self, searchvalue: impl Into<String>) -> SearchAllergies {
        SearchAllergies::new(
            self.practice.client(),
            self.practice
                .request(Method::GET, "/v1/{practiceid}/reference/allergies")
                .query("searchvalue", searchvalue.into()),
        )
    }

    /// `GET /v1/{practiceid}/reference/medications?searchvalue=`: medications whose name starts with
    /// `searchvalue` (at least two characters). A bare array.
    pub fn medications(&self, searchvalue: impl Into<String>) -> SearchMedications {
        SearchMedications::new(
            self.practice.client(),
            self.practice
                .request(Method::GET, "/v1/{practiceid}/reference/medications")
                .query("searchvalue", searchvalue.into()),
        )
    }

    /// `GET /v1/{practiceid}/configuration/patients/genderidentity`: the values a patient's
    /// `genderidentity` accepts.
    pub fn gender_identities(&self) -> GetGenderIdentities {
        GetGenderIdentities::new(
            self.practice.client(),
            self.practice.request(
                Method::GET,
                "/v1/{practiceid}/configuration/patients/genderidentity",
            ),
        )
    }
}

/// `InvalidInput` unless `searchvalue` has at least two non-blank characters.
fn check_search(req: &Request) -> Result<()> {
    let ok = req
        .query_pairs()
        .iter()
        .find(|(k, _)| k == "searchvalue")
        .is_some_and(|(_, v)| v.trim().chars().count() >= 2);
    if ok {
        Ok(())
    } else {
        Err(send::invalid(
            req,
            "`searchvalue` needs at least two characters",
        ))
    }
}

builder!(
    /// `GET /v1/{practiceid}/reference/allergies`. See [`Reference::allergies`].
    SearchAllergies
);

impl SearchAllergies {
    /// The request; `InvalidInput` when `searchvalue` is shorter than two characters.
    pub fn build(&self) -> Result<Request> {
        check_search(&self.req)?;
        Ok(self.req.clone())
    }
}

send::list!(SearchAllergies => AllergyReference, bare Vec<AllergyReference>);

builder!(
    /// `GET /v1/{practiceid}/reference/medications`. See [`Reference::medications`].
    SearchMedications
);

impl SearchMedications {
    /// The request; `InvalidInput` when `searchvalue` is shorter than two characters.
    pub fn build(&self) -> Result<Request> {
        check_search(&self.req)?;
        Ok(self.req.clone())
    }
}

send::list!(SearchMedications => MedicationReference, bare Vec<MedicationReference>);

builder!(
    /// `GET /v1/{practiceid}/configuration/patients/genderidentity`. See [`Reference::gender_identities`].
    GetGenderIdentities
);
pure_build!(GetGenderIdentities);

impl GetGenderIdentities {
    param!(/// The 2015 Edition CEHRT value set instead of the practice's list.
        query show2015edcehrtvalues(bool) => "show2015edcehrtvalues");
}

send::send_as!(GetGenderIdentities => GenderIdentityChoices, json);
