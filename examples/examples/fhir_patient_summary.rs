//! One patient through athenahealth's FHIR R4 / US Core API: find them with a FHIR search,
//! map the FHIR id to the athena patient id and back, read the Patient with its US Core
//! extensions (race, ethnicity, birth sex), then the problem list, vital signs and lab results
//! by LOINC, allergies, and a US Core profile check of everything read.
//!
//! ```sh
//! cargo run --example fhir_patient_summary                     # against a local sandbox
//! ATHENA_CLIENT_ID=… ATHENA_CLIENT_SECRET=… ATHENA_PRACTICE_ID=195900 \
//!     cargo run --example fhir_patient_summary                 # athenahealth's preview sandbox
//! ATHENA_PATIENT_ID=a-195900.E-1 cargo run --example fhir_patient_summary  # a particular patient
//! ```
//!
//! `ah-practice=Organization/a-1.Practice-{practice}` is added to every request by the
//! client; the example never writes it. Patients are shown by initials and birth year only.

use std::collections::BTreeMap;

use athena::fhir::r4::{
    AllergyIntolerance, CodeableConcept, Condition, ConditionOnset, Observation,
    ObservationEffective, ObservationValue, Patient, Quantity, Resource,
};
use athena::fhir::search::{Search, Token};
use athena::fhir::us_core::{self, BirthSex, ConditionKind, RaceOrEthnicity};
use athena::ids::{FhirId, PatientId};
use athena::prelude::*;
use athena::sandbox::{FhirSession, TEST_LASTNAME, connect_fhir_or_sandbox};
use athena_examples::{BoxError, initials};

/// The resources of one type out of a search's `Resource`s, for [`search_all`].
macro_rules! only {
    ($variant:ident) => {
        |r: Resource| match r {
            Resource::$variant(x) => Some(*x),
            _ => None,
        }
    };
}

#[tokio::main]
async fn main() -> Result<(), BoxError> {
    athena_examples::init_tracing();
    let session = connect_fhir_or_sandbox().await?;
    println!("Talking to {}", session.description());
    let fhir = session.fhir();
    println!(
        "Every request carries ah-practice={} (added by the client).",
        session.practice().ah_practice()
    );

    // 1. Find the patient.
    let patient_id = choose_patient(&session).await?;

    // 2. The id mapping, both ways, and a typed read by athena id.
    let fhir_id = patient_id.to_fhir_id(session.practice());
    let patient = fhir.read_patient(patient_id).await?;
    let read_id = patient.id.as_deref().unwrap_or("?");
    let back = FhirId::parse(read_id)?
        .patient()
        .ok_or("the Patient's id is not an athena patient id")?;
    println!(
        "\n2. athena patient #{patient_id} ⇄ FHIR Patient/{fhir_id}: read back as Patient/{read_id}, \
         which maps to athena patient #{back}"
    );

    // 3. Demographics, with the US Core extensions.
    print_patient(&patient);

    // Clinical searches take the FHIR patient id (never the raw athena number).
    let reference = fhir.patient_id(patient_id);
    let mut checked: Vec<Resource> = vec![Resource::from(patient.clone())];

    // 4. Problem list.
    let conditions = search_all(
        &session,
        &Search::for_patient::<Condition>(&reference).category(Token::code("problem-list-item")),
        only!(Condition),
    )
    .await?;
    let problems: Vec<&Condition> = conditions
        .iter()
        .filter(|c| us_core::condition_kind(c) == ConditionKind::ProblemListItem)
        .collect();
    println!("\n4. Problem list ({}):", problems.len());
    for c in &problems {
        let onset = match &c.onset {
            Some(ConditionOnset::DateTime(d)) => format!(", since {}", day(d)),
            _ => String::new(),
        };
        println!(
            "   - {}{} [{}]{onset}",
            concept_text(c.code.as_ref()),
            codes(
                c.code.as_ref(),
                &[
                    ("http://snomed.info/sct", "SNOMED"),
                    ("http://hl7.org/fhir/sid/icd-10-cm", "ICD-10")
                ]
            ),
            first_code(c.clinical_status.as_ref()).unwrap_or("status unknown"),
        );
    }
    checked.extend(conditions.into_iter().map(Resource::from));

    // 5. Vital signs, the latest of each kind, recognised by LOINC.
    let vitals = search_all(
        &session,
        &Search::for_patient::<Observation>(&reference).category(Token::code("vital-signs")),
        only!(Observation),
    )
    .await?;
    let mut latest: BTreeMap<String, &Observation> = BTreeMap::new();
    for o in vitals.iter().filter(|o| us_core::is_vital_sign(o)) {
        let Some(kind) = us_core::vital_sign(o) else {
            continue;
        };
        let key = format!("{kind:?}");
        if latest
            .get(&key)
            .is_none_or(|seen| effective(seen) < effective(o))
        {
            latest.insert(key, o);
        }
    }
    println!(
        "\n5. Vital signs ({} readings, {} kinds), latest of each:",
        vitals.len(),
        latest.len()
    );
    for o in latest.values() {
        println!(
            "   - {:<28} {:>10}  (LOINC {}, {})",
            concept_text(o.code.as_ref()),
            value_text(o),
            loinc(o.code.as_ref()).unwrap_or("?"),
            day(effective(o)),
        );
    }
    checked.extend(vitals.into_iter().map(Resource::from));

    // 6. Lab results, by LOINC, with reference range and interpretation.
    let labs = search_all(
        &session,
        &Search::for_patient::<Observation>(&reference).category(Token::code("laboratory")),
        only!(Observation),
    )
    .await?;
    let mut by_loinc: BTreeMap<&str, Vec<&Observation>> = BTreeMap::new();
    for o in &labs {
        if let Some(code) = us_core::lab_loinc(o) {
            by_loinc.entry(code).or_default().push(o);
        }
    }
    println!(
        "\n6. Lab results ({} results, {} LOINC codes):",
        labs.len(),
        by_loinc.len()
    );
    for (code, results) in &by_loinc {
        let Some(o) = results.iter().max_by_key(|o| effective(o)) else {
            continue;
        };
        let flag = o
            .interpretation
            .iter()
            .find_map(|i| first_code(Some(i)))
            .filter(|c| *c != "N")
            .map(|c| format!(" [{c}]"))
            .unwrap_or_default();
        println!(
            "   - LOINC {code:<8} {:<30} {:>12}  ref {:<12} {}{flag}{}",
            concept_text(o.code.as_ref()),
            value_text(o),
            reference_range(o),
            day(effective(o)),
            if results.len() > 1 {
                format!(" ({} results)", results.len())
            } else {
                String::new()
            },
        );
    }
    checked.extend(labs.into_iter().map(Resource::from));

    // 7. Allergies.
    let allergies = search_all(
        &session,
        &Search::for_patient::<AllergyIntolerance>(&reference),
        only!(AllergyIntolerance),
    )
    .await?;
    println!("\n7. Allergies ({}):", allergies.len());
    for a in &allergies {
        let reactions: Vec<String> = a
            .reaction
            .iter()
            .map(|r| {
                let what: Vec<String> = r
                    .manifestation
                    .iter()
                    .map(|m| concept_text(Some(m)))
                    .collect();
                match &r.severity {
                    Some(s) => format!("{} ({})", what.join(", "), s.as_str()),
                    None => what.join(", "),
                }
            })
            .collect();
        println!(
            "   - {}{}",
            concept_text(a.code.as_ref()),
            if reactions.is_empty() {
                String::new()
            } else {
                format!(": {}", reactions.join("; "))
            }
        );
    }
    checked.extend(allergies.into_iter().map(Resource::from));

    // 8. US Core profile check of everything read.
    print_profile_report(&checked);
    Ok(())
}

/// `ATHENA_PATIENT_ID` (an athena id or a FHIR id), or the first patient a FHIR search by the
/// preview test patients' last name finds whose chart has lab results and allergies (in the
/// local sandbox, generated patients with fuller charts are tried too).
async fn choose_patient(session: &FhirSession) -> Result<PatientId, BoxError> {
    if let Ok(raw) = std::env::var("ATHENA_PATIENT_ID") {
        let raw = raw.trim();
        let id = match raw.parse::<u64>() {
            Ok(n) => PatientId::new(n),
            Err(_) => FhirId::parse(raw.trim_start_matches("Patient/"))?
                .patient()
                .ok_or("ATHENA_PATIENT_ID is neither an athena patient id nor a FHIR patient id")?,
        };
        println!("\n1. Patient from ATHENA_PATIENT_ID: #{id}");
        return Ok(id);
    }
    let search = Search::patients_by_name(TEST_LASTNAME);
    let found = search_all(session, &search, only!(Patient)).await?;
    println!(
        "\n1. FHIR search Patient?name={TEST_LASTNAME}: {} found",
        found.len()
    );
    let mut candidates: Vec<PatientId> = found
        .iter()
        .filter_map(|p| p.id.as_deref())
        .filter_map(|id| FhirId::parse(id).ok()?.patient())
        .collect();
    if session.is_local() {
        candidates.extend((1..=10).map(PatientId::new));
    }
    let first = *candidates
        .first()
        .ok_or("no patient found; set ATHENA_PATIENT_ID")?;
    // One small page per question is enough to know whether there is anything.
    let mut labs_only = None;
    for id in candidates {
        let reference = session.fhir().patient_id(id);
        let labs = Search::for_patient::<Observation>(&reference)
            .category(Token::code("laboratory"))
            .count(1);
        if session.fhir().search(&labs).await?.entry.is_empty() {
            continue;
        }
        let allergies = Search::for_patient::<AllergyIntolerance>(&reference).count(1);
        if !session.fhir().search(&allergies).await?.entry.is_empty() {
            println!(
                "   using patient #{id} (the first whose chart has lab results and allergies)"
            );
            return Ok(id);
        }
        labs_only.get_or_insert(id);
    }
    let id = labs_only.unwrap_or(first);
    println!("   using patient #{id}");
    Ok(id)
}

/// Every resource a search finds, page after page (the stream follows athena's `cursor`
/// links), keeping those `pick` accepts (`_include`d resources of other types are dropped).
async fn search_all<T>(
    session: &FhirSession,
    search: &Search,
    pick: fn(Resource) -> Option<T>,
) -> Result<Vec<T>, BoxError> {
    let all: Vec<Resource> = session
        .fhir()
        .search_stream::<Resource>(search)
        .try_collect()
        .await?;
    Ok(all.into_iter().filter_map(pick).collect())
}

fn print_patient(p: &Patient) {
    let name = p.name.first();
    let first = name.and_then(|n| n.given.first()).map(String::as_str);
    let last = name.and_then(|n| n.family.as_deref());
    // The year alone is not one of HIPAA's identifiers; the full date is.
    let born = p
        .birth_date
        .as_deref()
        .and_then(|d| d.get(..4))
        .unwrap_or("?");
    println!(
        "\n3. Patient {}, {}, born {born}, {}",
        initials(first, last),
        p.gender
            .as_ref()
            .map(|g| g.as_str())
            .unwrap_or("gender unknown"),
        match p.active {
            Some(true) => "active",
            Some(false) => "inactive",
            None => "activity unknown",
        },
    );
    let race_line = |label: &str, r: Option<RaceOrEthnicity>| match r {
        None => println!("   {label:<10} not recorded"),
        Some(r) => {
            let categories: Vec<&str> = r
                .omb_category
                .iter()
                .chain(&r.detailed)
                .filter_map(|c| c.display.as_deref().or(c.code.as_deref()))
                .collect();
            println!(
                "   {label:<10} {} ({})",
                r.text.as_deref().unwrap_or("no text"),
                if categories.is_empty() {
                    "no coded category".to_owned()
                } else {
                    categories.join(", ")
                }
            );
        }
    };
    race_line("race", us_core::race(p));
    race_line("ethnicity", us_core::ethnicity(p));
    println!(
        "   {:<10} {}",
        "birth sex",
        match us_core::birth_sex(p) {
            Some(BirthSex::Male) => "male (M)".to_owned(),
            Some(BirthSex::Female) => "female (F)".to_owned(),
            Some(BirthSex::Unknown) => "unknown (UNK)".to_owned(),
            Some(BirthSex::Other(code)) => format!("code {code}"),
            None => "not recorded".to_owned(),
        }
    );
}

/// Per profile: how many resources were checked and how many conform; the findings, counted.
fn print_profile_report(resources: &[Resource]) {
    let mut per_profile: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    let mut findings: BTreeMap<String, usize> = BTreeMap::new();
    for r in resources {
        let report = us_core::check(r);
        let Some(profile) = report.profile else {
            continue;
        };
        let entry = per_profile.entry(profile).or_default();
        entry.0 += 1;
        if report.is_conformant() {
            entry.1 += 1;
        }
        for issue in &report.issues {
            *findings.entry(format!("{profile}: {issue}")).or_default() += 1;
        }
    }
    let total: usize = per_profile.values().map(|(n, _)| n).sum();
    let ok: usize = per_profile.values().map(|(_, ok)| ok).sum();
    println!("\n8. US Core profile check: {ok} of {total} resources conform");
    for (profile, (n, ok)) in &per_profile {
        println!("   - {profile:<28} {ok}/{n} conformant");
    }
    if findings.is_empty() {
        println!("   no findings");
    }
    for (finding, n) in &findings {
        println!("   ! {finding} (×{n})");
    }
}

fn concept_text(cc: Option<&CodeableConcept>) -> String {
    cc.and_then(|c| {
        c.text
            .clone()
            .or_else(|| c.coding.iter().find_map(|x| x.display.clone()))
    })
    .unwrap_or_else(|| "?".to_owned())
}

fn first_code(cc: Option<&CodeableConcept>) -> Option<&str> {
    cc?.coding.iter().find_map(|c| c.code.as_deref())
}

fn loinc(cc: Option<&CodeableConcept>) -> Option<&str> {
    cc?.coding
        .iter()
        .filter(|c| c.system.as_deref() == Some(us_core::LOINC))
        .find_map(|c| c.code.as_deref())
}

/// ` (SNOMED 123, ICD-10 I10)` for the systems named in `systems`.
fn codes(cc: Option<&CodeableConcept>, systems: &[(&str, &str)]) -> String {
    let Some(cc) = cc else {
        return String::new();
    };
    let parts: Vec<String> = systems
        .iter()
        .filter_map(|(system, label)| {
            cc.coding
                .iter()
                .find(|c| c.system.as_deref() == Some(*system))
                .and_then(|c| c.code.as_deref())
                .map(|code| format!("{label} {code}"))
        })
        .collect();
    if parts.is_empty() {
        String::new()
    } else {
        format!(" ({})", parts.join(", "))
    }
}

/// The effective date-time (or period start) as sent, `""` when absent (sorts first).
fn effective(o: &Observation) -> &str {
    match &o.effective {
        Some(ObservationEffective::DateTime(d) | ObservationEffective::Instant(d)) => d,
        Some(ObservationEffective::Period(p)) => p.start.as_deref().unwrap_or(""),
        _ => "",
    }
}

/// The date part of a FHIR dateTime.
fn day(datetime: &str) -> &str {
    match datetime.get(..10) {
        Some(d) => d,
        None if datetime.is_empty() => "date unknown",
        None => datetime,
    }
}

fn quantity(q: &Quantity) -> String {
    format!(
        "{} {}",
        q.value.as_ref().map(|v| v.as_str()).unwrap_or("?"),
        q.unit.as_deref().or(q.code.as_deref()).unwrap_or("")
    )
    .trim_end()
    .to_owned()
}

fn value_text(o: &Observation) -> String {
    match &o.value {
        Some(ObservationValue::Quantity(q)) => quantity(q),
        Some(ObservationValue::String(s)) => s.clone(),
        Some(ObservationValue::CodeableConcept(c)) => concept_text(Some(c)),
        Some(ObservationValue::Integer(i)) => i.to_string(),
        Some(ObservationValue::Boolean(b)) => b.to_string(),
        Some(_) => "(other value type)".to_owned(),
        None if !o.component.is_empty() => o
            .component
            .iter()
            .filter_map(|c| match &c.value {
                Some(athena::fhir::r4::ObservationComponentValue::Quantity(q)) => Some(quantity(q)),
                _ => None,
            })
            .collect::<Vec<_>>()
            .join(" / "),
        None => "no value".to_owned(),
    }
}

fn reference_range(o: &Observation) -> String {
    let Some(r) = o.reference_range.first() else {
        return "-".to_owned();
    };
    if let Some(text) = &r.text {
        return text.clone();
    }
    let v = |q: Option<&Quantity>| {
        q.and_then(|q| q.value.as_ref())
            .map(|v| v.as_str().to_owned())
            .unwrap_or_default()
    };
    format!("{}-{}", v(r.low.as_ref()), v(r.high.as_ref()))
}
