//! What real servers send and what must never leak: `Debug` of the generated models shows no
//! PHI, encoding is always compact (NDJSON-safe) whatever the input's layout, and the lenient
//! decoder keeps a lone value where an array is required and reports it.

use athena_fhir::r4::{self, IssueKind, Patient, Resource};

/// A pretty-printed Patient with PHI in typed fields, in a choice element, in an unknown
/// element (kept in `extra`) and in a contained resource of an unmodelled type.
const PRETTY: &str = r#"{
  "resourceType": "Patient",
  "id": "a-195900.E-42",
  "name": [
    {
      "family": "Secretfamily",
      "given": ["Secretgiven"]
    }
  ],
  "birthDate": "1961-02-03",
  "deceasedDateTime": "2020-01-02T03:04:05Z",
  "telecom": [{"system": "phone", "value": "555-0100"}],
  "x-unknown": {
    "note": "Secretnote\nline two",
    "list": [ 1.50, 2 ]
  },
  "contained": [
    {
      "resourceType": "Basic",
      "id": "b1",
      "text": "Secretbasic"
    }
  ]
}"#;

const PHI: &[&str] = &[
    "Secretfamily",
    "Secretgiven",
    "1961",
    "2020-01-02",
    "555-0100",
    "Secretnote",
    "Secretbasic",
];

#[test]
fn debug_of_generated_models_prints_no_phi() {
    let p: Patient = serde_json::from_str(PRETTY).expect("decode");
    let resource = Resource::from(p.clone());
    let bundle: r4::Bundle = serde_json::from_value(serde_json::json!({
        "resourceType": "Bundle",
        "type": "searchset",
        "entry": [{"resource": serde_json::from_str::<serde_json::Value>(PRETTY).expect("json")}],
    }))
    .expect("bundle");
    let texts = [
        format!("{p:?}"),
        format!("{p:#?}"),
        format!("{resource:?}"),
        format!("{bundle:?}"),
        format!("{:?}", p.name),
        format!("{:?}", p.deceased),
        format!("{:?}", p.telecom),
        format!("{:?}", p.contained),
    ];
    for text in &texts {
        for phi in PHI {
            assert!(!text.contains(phi), "{phi} in {text}");
        }
    }
    // Still useful: the type and the id.
    assert_eq!(
        texts[0],
        r#"Patient { id: Some("a-195900.E-42"), <redacted> }"#
    );
    assert_eq!(texts[5], "Some(deceasedDateTime(<redacted>))");
    assert_eq!(texts[4], "[HumanName { <redacted> }]");
}

#[test]
fn encoding_is_compact_whatever_the_input_layout() {
    let expected: serde_json::Value = serde_json::from_str(PRETTY).expect("json");
    let r: Resource = serde_json::from_str(PRETTY).expect("decode");
    let out = serde_json::to_string(&r).expect("encode");
    assert!(!out.contains('\n'), "raw newline in {out}");
    assert!(!out.contains(": "), "whitespace between tokens in {out}");
    // The string's own (escaped) newline is kept, and nothing else changed.
    assert!(out.contains(r#""Secretnote\nline two""#), "{out}");
    assert!(out.contains("[1.50,2]"), "decimal text kept: {out}");
    let back: serde_json::Value = serde_json::from_str(&out).expect("json");
    assert_eq!(back, expected);

    // A resource type this crate does not model, pretty-printed, and whitespace in keys'
    // strings that must survive.
    let other = "{\n  \"resourceType\" : \"Basic\",\n  \"id\" : \"x\",\n  \"code\" : { \"text\" : \"a  b\\t c\" }\n}";
    let r: Resource = serde_json::from_str(other).expect("decode");
    assert!(matches!(r, Resource::Other(_)));
    let out = serde_json::to_string(&r).expect("encode");
    assert_eq!(
        out,
        r#"{"resourceType":"Basic","id":"x","code":{"text":"a  b\t c"}}"#
    );
    // `resourceType` not first takes the buffering path.
    let late = "{\n \"id\": \"y\",\n \"extra\": [ 1 ,\n 2 ],\n \"resourceType\": \"Patient\"\n}";
    let out = serde_json::to_string(&serde_json::from_str::<Resource>(late).expect("decode"))
        .expect("encode");
    assert_eq!(out, r#"{"resourceType":"Patient","id":"y","extra":[1,2]}"#);
}

/// A server that sends single values where arrays are required, at three depths.
const NON_CONFORMANT: &str = r#"{"resourceType":"Patient","id":"p1",
  "name":{"family":"Secretfamily","given":"Secretgiven"},
  "identifier":[{"system":"urn:x","value":"1"}],
  "contact":[{"telecom":{"system":"phone","value":"555-0100"}}]}"#;

#[test]
fn lenient_decoding_keeps_a_lone_value_and_reports_it() {
    // Strict (the default) refuses, and says where without quoting the value.
    let strict = serde_json::from_str::<Patient>(NON_CONFORMANT).expect_err("strict");
    assert!(
        strict.to_string().contains("expected a sequence"),
        "{strict}"
    );

    let decoded = r4::decode_lenient::<Patient>(NON_CONFORMANT.as_bytes()).expect("lenient");
    let p = decoded.value;
    assert_eq!(p.name.len(), 1);
    assert_eq!(p.name[0].family.as_deref(), Some("Secretfamily"));
    assert_eq!(p.name[0].given, ["Secretgiven"]);
    assert_eq!(p.identifier.len(), 1, "a conformant array is unchanged");
    assert_eq!(p.contact[0].telecom[0].value.as_deref(), Some("555-0100"));
    let paths: Vec<&str> = decoded.issues.iter().map(|i| i.path.as_str()).collect();
    assert_eq!(
        paths,
        ["HumanName.given", "Patient.name", "PatientContact.telecom"]
    );
    assert!(
        decoded
            .issues
            .iter()
            .all(|i| i.kind == IssueKind::NotAnArray)
    );
    for issue in &decoded.issues {
        let text = format!("{issue} {issue:?}");
        for phi in PHI {
            assert!(!text.contains(phi), "{text}");
        }
    }
    // Re-encoded as the specification wants.
    let out = serde_json::to_value(&p).expect("encode");
    assert_eq!(out["name"][0]["given"], serde_json::json!(["Secretgiven"]));

    // Through the Resource enum too, and the lenient mode ends with the call.
    let r = r4::decode_lenient::<Resource>(NON_CONFORMANT.as_bytes()).expect("lenient");
    assert_eq!(r.issues.len(), 3);
    assert!(serde_json::from_str::<Resource>(NON_CONFORMANT).is_err());
    // Conformant input: no issue.
    let clean = r4::decode_lenient::<Resource>(PRETTY.as_bytes()).expect("clean");
    assert!(clean.issues.is_empty(), "{:?}", clean.issues);
    // What is wrong in another way still fails, leniently or not.
    let bad = r#"{"resourceType":"Patient","name":[{"given":[1]}]}"#;
    assert!(r4::decode_lenient::<Patient>(bad.as_bytes()).is_err());
}
