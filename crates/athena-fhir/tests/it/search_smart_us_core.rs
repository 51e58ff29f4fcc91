//! Search builders vs the US Core 3.1.1 server CapabilityStatement, SMART scopes, and the
//! US Core helpers on the US Core examples.

use std::path::Path;

use athena_fhir::r4::{self, Resource};
use athena_fhir::search::{Search, Token};
use athena_fhir::smart::{ClinicalScope, Permissions, Scope, ScopeContext, ScopeSyntax};
use athena_fhir::us_core;

fn fixtures() -> Option<std::path::PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/fixtures/fhir");
    if dir.is_dir() {
        Some(dir)
    } else {
        eprintln!("SKIP: FHIR fixtures not found at {}", dir.display());
        None
    }
}

/// Builds the search for a SHALL combination with the typed builders, or `None` if a
/// parameter has no builder. Clinical searches that US Core allows without `patient`
/// (`Encounter?identifier`, …) are expressed with athena's required `patient` added.
fn express(ty: &str, params: &[&str]) -> Option<Search> {
    let pt = &athena_fhir::FhirPatientId::new("a-195900.E-1").expect("patient id");
    let mut s = match (ty, params.contains(&"patient"), params.contains(&"_id")) {
        ("Patient", _, true) => Search::by_id::<r4::Patient>("x"),
        ("Patient", ..) if params.contains(&"identifier") => {
            Search::patients_by_identifier("sys|1")
        }
        ("Patient", ..) if params.contains(&"name") => Search::patients_by_name("Smith"),
        ("Patient", ..) if params.contains(&"family") => {
            Search::patients_by_family_and_given("Smith", "Ann")
        }
        (_, _, true) => match ty {
            "Encounter" => Search::by_id::<r4::Encounter>("x"),
            "DocumentReference" => Search::by_id::<r4::DocumentReference>("x"),
            "Location" => Search::by_id::<r4::Location>("x"),
            "Organization" => Search::by_id::<r4::Organization>("x"),
            "Practitioner" => Search::by_id::<r4::Practitioner>("x"),
            _ => return None,
        },
        _ => match ty {
            "AllergyIntolerance" => Search::for_patient::<r4::AllergyIntolerance>(pt),
            "CarePlan" => Search::for_patient::<r4::CarePlan>(pt),
            "CareTeam" => Search::for_patient::<r4::CareTeam>(pt),
            "Condition" => Search::for_patient::<r4::Condition>(pt),
            "Device" => Search::for_patient::<r4::Device>(pt),
            "DiagnosticReport" => Search::for_patient::<r4::DiagnosticReport>(pt),
            "DocumentReference" => Search::for_patient::<r4::DocumentReference>(pt),
            "Encounter" => Search::for_patient::<r4::Encounter>(pt),
            "Goal" => Search::for_patient::<r4::Goal>(pt),
            "Immunization" => Search::for_patient::<r4::Immunization>(pt),
            "MedicationRequest" => Search::for_patient::<r4::MedicationRequest>(pt),
            "Observation" => Search::for_patient::<r4::Observation>(pt),
            "Procedure" => Search::for_patient::<r4::Procedure>(pt),
            "Location" => Search::unscoped::<r4::Location>(),
            "Organization" => Search::unscoped::<r4::Organization>(),
            "Practitioner" => Search::unscoped::<r4::Practitioner>(),
            "PractitionerRole" => Search::unscoped::<r4::PractitionerRole>(),
            _ => return None,
        },
    };
    for p in params {
        if s.param_names().any(|n| n == *p) {
            continue;
        }
        s = match *p {
            "category" => s.category(Token::code("x")),
            "code" => s.code(Token::system_code("http://loinc.org", "1-1")),
            "date" => s.date_ge("2024-01-01"),
            "status" => s.status("final"),
            "clinical-status" => s.clinical_status(Token::code("active")),
            "intent" => s.intent("order"),
            "type" => s.type_(Token::code("x")),
            "identifier" => s.identifier("sys|1"),
            "name" => s.name("x"),
            "birthdate" => s.birthdate("1970-01-01"),
            "gender" => s.gender(&r4::AdministrativeGender::Female),
            "family" => s.param("family", "x"),
            "given" => s.param("given", "x"),
            "address" => s.address("x"),
            "address-city" => s.address_city("x"),
            "address-state" => s.address_state("x"),
            "address-postalcode" => s.address_postalcode("x"),
            "specialty" => s.specialty(Token::code("x")),
            "practitioner" => s.practitioner("Practitioner/1"),
            "onset-date" => s.onset_date("ge", "2024"),
            "authoredon" => s.authored_on("ge", "2024"),
            "period" => s.period("ge", "2024"),
            "lifecycle-status" => s.param("lifecycle-status", "active"),
            "target-date" => s.param("target-date", "2024"),
            "encounter" => s.encounter("Encounter/1"),
            _ => return None,
        };
    }
    Some(s)
}

fn expectation(v: &serde_json::Value) -> Option<&str> {
    v["extension"].as_array()?.iter().find_map(|e| {
        e["url"]
            .as_str()
            .filter(|u| u.ends_with("capabilitystatement-expectation"))
            .and(e["valueCode"].as_str())
    })
}

#[test]
fn every_shall_search_of_us_core_is_expressible() {
    let Some(dir) = fixtures() else { return };
    let text =
        std::fs::read_to_string(dir.join("us-core-3.1.1/capabilitystatement-us-core-server.json"))
            .expect("read");
    let cs: serde_json::Value = serde_json::from_str(&text).expect("json");
    let mut checked = 0;
    for res in cs["rest"][0]["resource"].as_array().expect("resources") {
        let ty = res["type"].as_str().expect("type");
        let mut combos: Vec<Vec<String>> = Vec::new();
        for sp in res["searchParam"].as_array().into_iter().flatten() {
            if expectation(sp) == Some("SHALL") {
                combos.push(vec![sp["name"].as_str().expect("name").to_owned()]);
            }
        }
        for ext in res["extension"].as_array().into_iter().flatten() {
            if ext["url"]
                .as_str()
                .is_some_and(|u| u.ends_with("search-parameter-combination"))
                && expectation(ext) == Some("SHALL")
            {
                let names = ext["extension"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter(|e| e["url"] == "required")
                    .filter_map(|e| e["valueString"].as_str().map(str::to_owned))
                    .collect();
                combos.push(names);
            }
        }
        for combo in combos {
            let names: Vec<&str> = combo.iter().map(String::as_str).collect();
            let s =
                express(ty, &names).unwrap_or_else(|| panic!("{ty}?{names:?} is not expressible"));
            assert_eq!(s.resource_type(), ty);
            for n in &names {
                assert!(
                    s.param_names().any(|p| p == *n),
                    "{ty}: {n} missing from {:?}",
                    s.params()
                );
            }
            let athena_ok = ty == "Patient"
                || s.param_names().any(|p| p == "patient" || p == "_id")
                || matches!(
                    ty,
                    "Location" | "Organization" | "Practitioner" | "PractitionerRole"
                );
            assert!(
                athena_ok,
                "{ty}: {:?} breaks athena's patient/_id rule",
                s.params()
            );
            checked += 1;
        }
    }
    assert!(checked >= 30, "only {checked} SHALL searches found");
}

#[test]
fn smart_scopes_parse_and_emit_both_syntaxes() {
    let v1 = ClinicalScope::parse("system/Observation.read").expect("v1");
    assert_eq!(v1.permissions, Permissions::READ);
    assert_eq!(v1.to_syntax(ScopeSyntax::V2), "system/Observation.rs");
    assert_eq!(v1.to_syntax(ScopeSyntax::V1), "system/Observation.read");
    let w = ClinicalScope::parse("patient/*.write").expect("write");
    assert_eq!(w.to_syntax(ScopeSyntax::V2), "patient/*.cud");
    let all = ClinicalScope::parse("user/Patient.*").expect("all");
    assert_eq!(all.to_syntax(ScopeSyntax::V2), "user/Patient.cruds");
    let q = ClinicalScope::parse("patient/Observation.rs?category=http://terminology.hl7.org/CodeSystem/observation-category|vital-signs")
        .expect("query");
    assert_eq!(q.context, ScopeContext::Patient);
    assert!(
        q.query
            .as_deref()
            .is_some_and(|x| x.ends_with("|vital-signs"))
    );
    assert_eq!(q.to_syntax(ScopeSyntax::V1), "patient/Observation.read");
    // Out-of-order or repeated v2 letters and unknown contexts are not clinical scopes.
    assert!(ClinicalScope::parse("system/Observation.sr").is_none());
    assert!(ClinicalScope::parse("system/Observation.rr").is_none());
    assert!(ClinicalScope::parse("admin/Observation.read").is_none());
    let list = Scope::parse_list("openid fhirUser system/Patient.rs launch/patient");
    assert_eq!(list.len(), 4);
    assert_eq!(list[0], Scope::Other("openid".into()));
    assert_eq!(list[2].to_syntax(ScopeSyntax::V1), "system/Patient.read");
}

fn load(dir: &Path, name: &str) -> Resource {
    serde_json::from_str(
        &std::fs::read_to_string(dir.join("us-core-3.1.1/examples").join(name)).expect("read"),
    )
    .expect("decode")
}

#[test]
fn us_core_helpers_on_the_examples() {
    let Some(dir) = fixtures() else { return };
    let Resource::Patient(p) = load(&dir, "patient-example.json") else {
        panic!("patient")
    };
    let race = us_core::race(&p).expect("race");
    assert!(
        race.omb_category
            .iter()
            .any(|c| c.code.as_deref() == Some("2106-3"))
    );
    assert!(race.text.is_some());
    assert!(us_core::ethnicity(&p).is_some());
    assert_eq!(us_core::birth_sex(&p), Some(us_core::BirthSex::Female));
    let report = us_core::check(&Resource::Patient(p.clone()));
    assert!(report.is_conformant(), "{report}");

    let Resource::Observation(hr) = load(&dir, "heart-rate.json") else {
        panic!("obs")
    };
    assert_eq!(
        us_core::vital_sign(&hr),
        Some(us_core::VitalSign::HeartRate)
    );
    assert!(us_core::is_vital_sign(&hr));
    let Resource::Observation(cr) = load(&dir, "serum-creatinine.json") else {
        panic!("obs")
    };
    assert!(us_core::is_lab(&cr));
    assert!(us_core::lab_loinc(&cr).is_some());

    // A broken patient gives a readable report, not a panic.
    let mut bad = (*p).clone();
    bad.identifier.clear();
    bad.gender = None;
    let report = us_core::check(&Resource::Patient(Box::new(bad)));
    assert_eq!(report.profile, Some("us-core-patient"));
    assert!(report.issues.len() >= 2);
    assert!(report.to_string().contains("Patient.identifier"));

    // Conditions: problem list vs encounter diagnosis, from the bulk fixtures.
    let text = std::fs::read_to_string(dir.join("bulk-ndjson/Condition.000.ndjson")).expect("read");
    let kinds: Vec<_> = text
        .lines()
        .map(
            |l| match serde_json::from_str::<Resource>(l).expect("decode") {
                Resource::Condition(c) => us_core::condition_kind(&c),
                _ => panic!("not a Condition"),
            },
        )
        .collect();
    assert!(
        kinds.contains(&us_core::ConditionKind::EncounterDiagnosis),
        "{:?}",
        &kinds[..3]
    );
}
