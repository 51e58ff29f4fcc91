//! `Phi<T>` is serde-transparent and never shows its value in `Debug`.

use std::collections::{BTreeMap, HashSet};

use athena_core::codec::AthenaDate;
use athena_core::phi::{Phi, Redacted};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
struct Patient {
    patientid: String,
    lastname: Phi<String>,
    #[serde(default)]
    firstname: Phi<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    dob: Option<Phi<AthenaDate>>,
    #[serde(default)]
    ssn: Option<Phi<String>>,
    #[serde(default)]
    phones: Phi<Vec<String>>,
    #[serde(default)]
    address: Phi<BTreeMap<String, String>>,
}

const JSON: &str = r#"{"patientid":"1","lastname":"Smith","firstname":"Jane","dob":"01/02/1970","ssn":"123-45-6789","phones":["5551234567"],"address":{"city":"Watertown"}}"#;

#[test]
fn serde_is_transparent() {
    let p: Patient = serde_json::from_str(JSON).unwrap();
    assert_eq!(p.lastname.expose(), "Smith");
    assert_eq!(p.dob.as_ref().unwrap().expose().to_string(), "01/02/1970");
    assert_eq!(p.ssn.as_ref().unwrap().expose(), "123-45-6789");
    assert_eq!(serde_json::to_string(&p).unwrap(), JSON);

    // Defaults and nulls.
    let q: Patient =
        serde_json::from_str(r#"{"patientid":"2","lastname":"Doe","ssn":null}"#).unwrap();
    assert_eq!(q.firstname.expose(), "");
    assert!(q.dob.is_none() && q.ssn.is_none() && q.phones.expose().is_empty());
    assert_eq!(
        serde_json::to_string(&q).unwrap(),
        r#"{"patientid":"2","lastname":"Doe","firstname":"","ssn":null,"phones":[],"address":{}}"#
    );
    // Errors come from T, so they are T's value-free messages.
    let err = serde_json::from_str::<Phi<AthenaDate>>(r#""13/45/1970""#)
        .unwrap_err()
        .to_string();
    assert!(!err.contains("13/45"), "{err}");
}

#[test]
fn debug_never_shows_the_value() {
    let p: Patient = serde_json::from_str(JSON).unwrap();
    for debug in [format!("{p:?}"), format!("{p:#?}")] {
        for secret in [
            "Smith",
            "Jane",
            "1970",
            "123-45-6789",
            "5551234567",
            "Watertown",
        ] {
            assert!(!debug.contains(secret), "{secret} in {debug}");
        }
        assert!(debug.contains("<redacted>"));
        assert!(debug.contains("patientid: \"1\"") || debug.contains("patientid: \"1\","));
    }
    assert_eq!(format!("{:?}", Phi::new(42)), "<redacted>");
    assert_eq!(format!("{:?}", Some(Phi::new("x"))), "Some(<redacted>)");
    assert_eq!(format!("{:>20?}", Phi::new("x")), "<redacted>");
}

#[test]
fn accessors_and_traits() {
    let mut name = Phi::new(String::from("Smith"));
    assert_eq!(name.expose(), "Smith");
    name.expose_mut().push_str("-Jones");
    assert_eq!(name.clone().into_inner(), "Smith-Jones");
    assert_eq!(name.as_ref().map(|s| s.len()).into_inner(), 11);
    let from: Phi<&str> = "x".into();
    assert_eq!(from, Phi::new("x"));
    assert_eq!(Phi::<String>::default().into_inner(), "");
    let set: HashSet<Phi<&str>> = ["a", "a", "b"].into_iter().map(Phi::new).collect();
    assert_eq!(set.len(), 2);
    let copied = Phi::new(5u8);
    let also = copied;
    assert_eq!(copied, also);
}

#[test]
fn redacted_shows_only_the_length() {
    assert_eq!(Redacted("Smith").to_string(), "<redacted 5 chars>");
    assert_eq!(format!("{:?}", Redacted("Zoë")), "<redacted 3 chars>");
    assert_eq!(Redacted("").to_string(), "<redacted 0 chars>");
}
