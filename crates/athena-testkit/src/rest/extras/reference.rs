//! `GET /reference/allergies`, `GET /reference/medications` (bare arrays, ids as numbers, as
//! recorded in go-athenahealth `SearchAllergies.json` / `SearchMedications.json`) and
//! `GET /configuration/patients/genderidentity` (`{"totalcount", "genderidentityfields"}`, as
//! recorded from the preview sandbox in the cassette `all_gender_identities.yml`).

use serde_json::{Value, json};

use super::super::Cx;
use crate::data::tables::{ALLERGIES, MEDICATIONS};
use crate::http::Reply;

/// Allergens beyond the chart table: name and id.
const MORE_ALLERGENS: &[(&str, u64)] = &[
    ("Latex, Natural Rubber", 24443),
    ("Aspirin", 10005),
    ("Amoxicillin", 10072),
    ("Ibuprofen", 10109),
    ("Eggs", 24610),
    ("Bee Venom", 24870),
    ("Penicillin G", 10074),
];

/// Medications beyond the chart table.
const MORE_MEDICATIONS: &[&str] = &[
    "ibuprofen 200 mg tablet",
    "ibuprofen 800 mg tablet",
    "acetaminophen 500 mg tablet",
    "amoxicillin 500 mg capsule",
    "amlodipine 5 mg tablet",
];

/// The practice's gender-identity choices (athena's order, with its blank entry).
const GENDER_IDENTITIES: &[&str] = &[
    "Additional gender category or other",
    "Female",
    "Male",
    "Genderqueer (neither exclusively male nor female)",
    "Choose not to disclose",
    "",
];

/// The 2015 Edition CEHRT value set (`show2015edcehrtvalues=true`).
const GENDER_IDENTITIES_2015: &[&str] = &[
    "",
    "Identifies as Male",
    "Identifies as Female",
    "Transgender Male/Female-to-Male (FTM)",
    "Transgender Female/Male-to-Female (MTF)",
    "Gender non-conforming (neither exclusively male nor female)",
    "Additional gender category / other, please specify",
    "Choose not to disclose",
];

/// The lower-cased search value: 400 when absent or shorter than two characters.
fn search_value(cx: &Cx<'_>) -> Result<String, Reply> {
    let Some(v) = cx.req.param("searchvalue") else {
        return Err(Reply::missing(&["searchvalue"]));
    };
    let v = v.trim().to_lowercase();
    if v.chars().count() < 2 {
        return Err(Reply::invalid(
            "The search value must be at least 2 characters.",
        ));
    }
    Ok(v)
}

/// Does a word of `name` start with `needle` (lower-case)?
fn matches(name: &str, needle: &str) -> bool {
    let name = name.to_lowercase();
    name.starts_with(needle)
        || name
            .split(|c: char| !c.is_alphanumeric())
            .any(|w| w.starts_with(needle))
}

pub(super) fn allergies(cx: &mut Cx<'_>) -> Result<Reply, Reply> {
    let needle = search_value(cx)?;
    let all = ALLERGIES
        .iter()
        .map(|a| (a.name, a.allergen_id))
        .chain(MORE_ALLERGENS.iter().copied());
    let found: Vec<Value> = all
        .filter(|(name, _)| matches(name, &needle))
        .map(|(name, id)| {
            json!({"allergy": name, "allergenname": name, "allergyid": id, "allergenid": id})
        })
        .collect();
    Ok(Reply::ok(Value::Array(found)))
}

pub(super) fn medications(cx: &mut Cx<'_>) -> Result<Reply, Reply> {
    let needle = search_value(cx)?;
    let all = MEDICATIONS
        .iter()
        .map(|m| m.description)
        .chain(MORE_MEDICATIONS.iter().copied());
    let found: Vec<Value> = all
        .enumerate()
        .filter(|(_, name)| matches(name, &needle))
        .map(|(i, name)| json!({"medicationid": 280_000 + 17 * i as u64, "medication": name}))
        .collect();
    Ok(Reply::ok(Value::Array(found)))
}

pub(super) fn gender_identities(cx: &mut Cx<'_>) -> Result<Reply, Reply> {
    let list = if cx.req.flag("show2015edcehrtvalues") {
        GENDER_IDENTITIES_2015
    } else {
        GENDER_IDENTITIES
    };
    Ok(Reply::ok(
        json!({"totalcount": list.len(), "genderidentityfields": list}),
    ))
}
