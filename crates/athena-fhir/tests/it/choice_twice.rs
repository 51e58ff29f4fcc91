//! Two (or more) values for one choice element — invalid FHIR, but sent — are kept: the first in
//! the typed field, the others (and their `_element` siblings) in `extra`, written back on
//! encode; `validate` reports the element.

use std::collections::BTreeMap;

use athena_fhir::r4::{self, IssueKind, Observation, Patient, PatientDeceased, Resource};
use serde_json::value::RawValue;

/// A JSON tree with numbers as their exact text and object members sorted by name (a repeated
/// member name keeps every value, in order).
#[derive(Debug, PartialEq)]
enum Canon {
    Scalar(String),
    Array(Vec<Canon>),
    Object(BTreeMap<String, Vec<Canon>>),
}

fn canon(text: &str) -> Canon {
    let t = text.trim();
    match t.as_bytes().first() {
        Some(b'{') => {
            struct Entries(Vec<(String, Box<RawValue>)>);
            impl<'de> serde::Deserialize<'de> for Entries {
                fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                    struct V;
                    impl<'de> serde::de::Visitor<'de> for V {
                        type Value = Entries;
                        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                            f.write_str("an object")
                        }
                        fn visit_map<A: serde::de::MapAccess<'de>>(
                            self,
                            mut m: A,
                        ) -> Result<Entries, A::Error> {
                            let mut out = Vec::new();
                            while let Some(e) = m.next_entry()? {
                                out.push(e);
                            }
                            Ok(Entries(out))
                        }
                    }
                    d.deserialize_map(V)
                }
            }
            let Entries(entries) = serde_json::from_str(t).expect("object");
            let mut m: BTreeMap<String, Vec<Canon>> = BTreeMap::new();
            for (k, v) in entries {
                m.entry(k).or_default().push(canon(v.get()));
            }
            Canon::Object(m)
        }
        Some(b'[') => {
            let v: Vec<Box<RawValue>> = serde_json::from_str(t).expect("array");
            Canon::Array(v.iter().map(|r| canon(r.get())).collect())
        }
        _ => Canon::Scalar(t.to_owned()),
    }
}

/// Decodes, checks the encoded JSON is the input's and that it is a fixed point.
fn roundtrip(text: &str) -> Resource {
    let r: Resource = serde_json::from_str(text).expect("decodes");
    let back = serde_json::to_string(&r).expect("encodes");
    assert_eq!(
        canon(&back),
        canon(text),
        "round trip changed the JSON: {back}"
    );
    let again: Resource = serde_json::from_str(&back).expect("decodes again");
    assert_eq!(again, r, "decode(encode(r)) != r");
    assert_eq!(serde_json::to_string(&again).expect("encodes"), back);
    r
}

fn choice_issues(r: &Resource) -> Vec<r4::Issue> {
    r4::validate(r)
        .into_iter()
        .filter(|i| matches!(i.kind, IssueKind::MultipleChoiceValues { .. }))
        .collect()
}

#[test]
fn two_values_for_deceased_survive_and_are_reported() {
    let text = r#"{"resourceType":"Patient","deceasedBoolean":true,"_deceasedBoolean":{"id":"b"},"deceasedDateTime":"2020","_deceasedDateTime":{"extension":[{"url":"http://example.org/x","valueString":"y"}]}}"#;
    let r = roundtrip(text);
    let Resource::Patient(p) = &r else {
        panic!("not a Patient: {r:?}")
    };
    let p: &Patient = p;
    // The first value is the typed one, the second is kept as received.
    assert_eq!(p.deceased, Some(PatientDeceased::Boolean(true)));
    assert_eq!(
        p.extra.get("deceasedDateTime").map(RawValue::get),
        Some(r#""2020""#)
    );
    assert!(p.extra.get("_deceasedBoolean").is_some());
    assert!(p.extra.get("_deceasedDateTime").is_some());

    let issues = r4::validate(&r);
    assert_eq!(
        issues,
        vec![r4::Issue {
            path: "Patient.deceased[x]".into(),
            kind: IssueKind::MultipleChoiceValues {
                element: "deceased[x]",
                keys: vec!["deceasedBoolean", "deceasedDateTime"],
            },
        }]
    );
    assert_eq!(
        issues[0].to_string(),
        "Patient.deceased[x]: more than one value for choice element deceased[x] \
         (deceasedBoolean, deceasedDateTime)"
    );
}

#[test]
fn the_order_received_decides_which_value_is_typed() {
    let text =
        r#"{"resourceType":"Patient","deceasedDateTime":"2020-01-02","deceasedBoolean":false}"#;
    let r = roundtrip(text);
    let Resource::Patient(p) = &r else {
        panic!("not a Patient")
    };
    assert!(matches!(p.deceased, Some(PatientDeceased::DateTime(_))));
    assert_eq!(
        p.extra.get("deceasedBoolean").map(RawValue::get),
        Some("false")
    );
    let issues = choice_issues(&r);
    assert_eq!(issues.len(), 1);
    assert_eq!(
        issues[0].kind,
        IssueKind::MultipleChoiceValues {
            element: "deceased[x]",
            keys: vec!["deceasedDateTime", "deceasedBoolean"],
        }
    );
}

#[test]
fn nested_struct_values_keep_decimal_text_and_report_their_path() {
    let text = r#"{"resourceType":"Observation","status":"final","code":{"text":"bp"},"component":[{"code":{"text":"a"},"valueString":"x"},{"code":{"text":"b"},"valueQuantity":{"value":1.50,"unit":"mm"},"valueString":"one point five","valueInteger":2}]}"#;
    let r = roundtrip(text);
    let back = serde_json::to_string(&r).expect("encodes");
    assert!(back.contains("1.50"), "decimal text changed: {back}");
    let Resource::Observation(o) = &r else {
        panic!("not an Observation")
    };
    let o: &Observation = o;
    assert!(o.component[0].extra.is_empty());
    assert_eq!(o.component[1].extra.len(), 2);
    assert_eq!(
        choice_issues(&r),
        vec![r4::Issue {
            path: "Observation.component[1].value[x]".into(),
            kind: IssueKind::MultipleChoiceValues {
                element: "value[x]",
                keys: vec!["valueQuantity", "valueString", "valueInteger"],
            },
        }]
    );
}

#[test]
fn the_same_choice_key_twice_keeps_both_values() {
    let text = r#"{"resourceType":"Patient","deceasedBoolean":true,"deceasedBoolean":false}"#;
    let r = roundtrip(text);
    let back = serde_json::to_string(&r).expect("encodes");
    assert_eq!(back.matches("deceasedBoolean").count(), 2, "{back}");
    assert_eq!(
        choice_issues(&r)[0].kind,
        IssueKind::MultipleChoiceValues {
            element: "deceased[x]",
            keys: vec!["deceasedBoolean", "deceasedBoolean"],
        }
    );
}

#[test]
fn one_value_is_typed_and_not_reported() {
    let text = r#"{"resourceType":"Patient","deceasedDateTime":"2020","_deceasedDateTime":{"id":"d"},"multipleBirthInteger":2}"#;
    let r = roundtrip(text);
    let Resource::Patient(p) = &r else {
        panic!("not a Patient")
    };
    assert!(p.extra.get("deceasedDateTime").is_none());
    assert_eq!(
        p.extra.len(),
        1,
        "only the _deceasedDateTime sibling is extra"
    );
    assert!(choice_issues(&r).is_empty());
}
