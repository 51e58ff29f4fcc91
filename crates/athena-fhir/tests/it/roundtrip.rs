//! Every FHIR resource in the shared fixtures decodes into `athena_fhir::r4::Resource` and
//! encodes back to the same JSON (numbers compared as text, object key order ignored).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use athena_fhir::r4::{self, Resource};
use serde_json::value::RawValue;

/// A JSON tree that keeps numbers as their exact text.
#[derive(Debug, PartialEq)]
enum Canon {
    Null,
    Bool(bool),
    Number(String),
    String(String),
    Array(Vec<Canon>),
    Object(BTreeMap<String, Canon>),
}

fn canon(text: &str) -> Canon {
    let t = text.trim();
    match t.as_bytes().first() {
        Some(b'{') => {
            let m: Vec<(String, Box<RawValue>)> =
                serde_json::from_str::<BTreeMap<String, Box<RawValue>>>(t)
                    .expect("object")
                    .into_iter()
                    .collect();
            Canon::Object(m.into_iter().map(|(k, v)| (k, canon(v.get()))).collect())
        }
        Some(b'[') => {
            let v: Vec<Box<RawValue>> = serde_json::from_str(t).expect("array");
            Canon::Array(v.iter().map(|r| canon(r.get())).collect())
        }
        Some(b'"') => Canon::String(serde_json::from_str(t).expect("string")),
        Some(b't') => Canon::Bool(true),
        Some(b'f') => Canon::Bool(false),
        Some(b'n') => Canon::Null,
        _ => Canon::Number(t.to_owned()),
    }
}

fn fixtures() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/fixtures/fhir");
    if dir.is_dir() {
        Some(dir)
    } else {
        eprintln!("SKIP: FHIR fixtures not found at {}", dir.display());
        None
    }
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).expect("read_dir") {
        let p = e.expect("entry").path();
        if p.is_dir() {
            walk(&p, out);
        } else {
            out.push(p);
        }
    }
}

/// Decodes `text` as a resource, checks the round trip, returns the resource.
fn roundtrip(what: &str, text: &str) -> Resource {
    let r: Resource =
        serde_json::from_str(text).unwrap_or_else(|e| panic!("{what}: decode failed: {e}"));
    let back = serde_json::to_string(&r).expect("encode");
    assert!(
        canon(text) == canon(&back),
        "{what}: round trip changed the JSON\n--- in\n{text}\n--- out\n{back}"
    );
    // And the re-encoded text decodes to an equal value.
    let again: Resource = serde_json::from_str(&back).expect("decode again");
    assert_eq!(again, r, "{what}: second decode differs");
    r
}

#[test]
fn every_fixture_round_trips() {
    let Some(dir) = fixtures() else { return };
    let mut files = Vec::new();
    walk(&dir, &mut files);
    files.sort();
    let (mut resources, mut typed) = (0, 0);
    for f in &files {
        let name = f.strip_prefix(&dir).unwrap_or(f).display().to_string();
        let text = std::fs::read_to_string(f).expect("read");
        if name.ends_with(".ndjson") {
            for (i, line) in text
                .lines()
                .enumerate()
                .filter(|(_, l)| !l.trim().is_empty())
            {
                if !line.contains("\"resourceType\"") {
                    // The bulk-data export log (`log.ndjson`) is not FHIR; its lines are
                    // checked by the bulk module's own types.
                    continue;
                }
                let r = roundtrip(&format!("{name}:{}", i + 1), line);
                resources += 1;
                typed += usize::from(!matches!(r, Resource::Other(_)));
            }
        } else if text.contains("\"resourceType\"") && !name.starts_with("bulk-manifests") {
            let r = roundtrip(&name, &text);
            resources += 1;
            typed += usize::from(!matches!(r, Resource::Other(_)));
        }
    }
    eprintln!("{resources} resources round-tripped, {typed} through typed models");
    assert!(
        resources > 1900,
        "expected the whole fixture set, saw {resources}"
    );
}

#[test]
fn decimal_precision_survives() {
    let Some(dir) = fixtures() else { return };
    let text = std::fs::read_to_string(dir.join("r4-core-examples/observation-decimal.json"))
        .expect("read");
    let r = roundtrip("observation-decimal", &text);
    let Resource::Observation(o) = r else {
        panic!("not an Observation")
    };
    let texts: Vec<String> = o
        .component
        .iter()
        .filter_map(|c| match &c.value {
            Some(r4::ObservationComponentValue::Quantity(q)) => {
                q.value.as_ref().map(|d| d.as_str().to_owned())
            }
            _ => None,
        })
        .collect();
    assert!(texts.contains(&"1.00".to_owned()), "{texts:?}");
    assert!(
        texts.contains(&"1.000000000000000000E-245".to_owned()),
        "{texts:?}"
    );
    let small = r#"{"resourceType":"Observation","valueQuantity":{"value":1.50},"component":[{"valueQuantity":{"value":1.000000000000000000E-245}}]}"#;
    let r: Resource = serde_json::from_str(small).expect("decode");
    assert_eq!(serde_json::to_string(&r).expect("encode"), small);
}

#[test]
fn unknown_elements_primitive_extensions_and_contained_survive() {
    let text = r#"{"resourceType":"Patient","id":"p1","contained":[{"resourceType":"Organization","id":"o1","name":"Org"},{"resourceType":"Basic","id":"b1","code":{"text":"x"}}],"birthDate":"1970-01-01","_birthDate":{"extension":[{"url":"http://hl7.org/fhir/StructureDefinition/patient-birthTime","valueDateTime":"1970-01-01T10:00:00Z"}]},"futureElement":{"n":1.10},"gender":"unheard-of"}"#;
    let r: Resource = serde_json::from_str(text).expect("decode");
    let Resource::Patient(p) = &r else {
        panic!("not a Patient")
    };
    assert_eq!(p.contained.len(), 2);
    assert!(matches!(p.contained[0], Resource::Organization(_)));
    assert!(matches!(&p.contained[1], Resource::Other(o) if o.resource_type() == "Basic"));
    assert_eq!(
        p.extra.get("futureElement").map(RawValue::get),
        Some(r#"{"n":1.10}"#)
    );
    let birth: r4::Element = p
        .extra
        .decode("_birthDate")
        .expect("kept")
        .expect("decodes");
    assert_eq!(birth.extension.len(), 1);
    assert_eq!(
        p.gender,
        Some(r4::AdministrativeGender::Unrecognized("unheard-of".into()))
    );
    assert_eq!(
        canon(&serde_json::to_string(&r).expect("encode")),
        canon(text)
    );
    let issues = r4::validate(&r);
    assert!(
        issues.iter().any(|i| i.path == "Patient.gender"),
        "{issues:?}"
    );
}

#[test]
fn resource_type_not_first_is_still_typed() {
    let text = r#"{"id":"c1","code":{"text":"x"},"resourceType":"Condition","subject":{"reference":"Patient/1"}}"#;
    let r = roundtrip("late resourceType", text);
    assert!(matches!(r, Resource::Condition(_)));
    let other = r#"{"id":"x","resourceType":"Basic"}"#;
    let r = roundtrip("late resourceType, unmodelled", other);
    assert!(matches!(r, Resource::Other(_)));
}

#[test]
fn narrative_without_div_is_accepted_and_reported() {
    let Some(dir) = fixtures() else { return };
    let text = std::fs::read_to_string(dir.join("us-core-3.1.1/examples/cbc.json")).expect("read");
    let r = roundtrip("cbc", &text);
    let issues = r4::validate(&r);
    assert!(
        issues
            .iter()
            .any(|i| i.path.ends_with("text.div") && i.kind == r4::IssueKind::MissingRequired),
        "{issues:?}"
    );
}
