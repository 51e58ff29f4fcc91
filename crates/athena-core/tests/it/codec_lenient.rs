//! The lenient serde helpers against athena's loose typing (reference §5.2).

use athena_core::codec::lenient::{
    self, BareOutcome, LenientBool, LenientInt, LenientString, OneOrMany, ServerText, Single,
};
use athena_core::codec::{AthenaDate, Money};
use serde::{Deserialize, Serialize};

fn from<T: for<'de> Deserialize<'de>>(json: &str) -> Result<T, String> {
    serde_json::from_str(json).map_err(|e| e.to_string())
}

// ------------------------------------------------------------------------------------------
// Integers
// ------------------------------------------------------------------------------------------

#[derive(Debug, PartialEq, Serialize, Deserialize)]
struct Slot {
    #[serde(with = "lenient::integer")]
    duration: u32,
    #[serde(default, with = "lenient::option_integer")]
    priority: Option<i64>,
}

#[test]
fn integers_from_numbers_and_numeric_strings() {
    for (json, want) in [
        ("3600", 3600u64),
        ("\"3600\"", 3600),
        ("\" 3600 \"", 3600),
        ("\"+7\"", 7),
        ("30.0", 30),
        ("0", 0),
        ("\"18446744073709551615\"", u64::MAX),
    ] {
        let got: LenientInt<u64> = from(json).unwrap_or_else(|e| panic!("{json}: {e}"));
        assert_eq!(got.0, want, "{json}");
    }
    assert_eq!(from::<LenientInt<i32>>("\"-25\"").unwrap().0, -25);
    assert_eq!(serde_json::to_string(&LenientInt(3600u32)).unwrap(), "3600");

    let s: Slot = from(r#"{"duration":"30","priority":"2"}"#).unwrap();
    assert_eq!(
        s,
        Slot {
            duration: 30,
            priority: Some(2)
        }
    );
    assert_eq!(
        serde_json::to_string(&s).unwrap(),
        r#"{"duration":30,"priority":2}"#
    );
    for json in [
        r#"{"duration":5}"#,
        r#"{"duration":5,"priority":null}"#,
        r#"{"duration":5,"priority":""}"#,
        r#"{"duration":5,"priority":"  "}"#,
    ] {
        assert_eq!(from::<Slot>(json).unwrap().priority, None, "{json}");
    }
}

#[test]
fn integer_errors_are_value_free() {
    for json in [
        "\"3600s\"",
        "\"Smith\"",
        "12.5",
        "\"-1\"",
        "-1",
        "\"99999999999999999999999\"",
        "true",
        "[1]",
        "{}",
        "\"\"",
        "null",
    ] {
        let err = from::<LenientInt<u32>>(json).expect_err(json);
        assert!(err.contains("expected an integer"), "{json}: {err}");
        let inner = json.trim_matches('"');
        // `null`/`true` are JSON types, named on purpose; everything else is a value.
        if inner.len() > 1 && !["null", "true"].contains(&inner) {
            assert!(!err.contains(inner), "{err} contains {inner}");
        }
    }
    // Fits u64 but not u8: out of range for the field type.
    let err = from::<LenientInt<u8>>("\"300\"").unwrap_err();
    assert!(
        err.contains("out of range") && !err.contains("300"),
        "{err}"
    );
}

// ------------------------------------------------------------------------------------------
// Strings
// ------------------------------------------------------------------------------------------

#[derive(Debug, PartialEq, Serialize, Deserialize)]
struct Dept {
    #[serde(with = "lenient::string")]
    departmentid: String,
    #[serde(default, with = "lenient::option_string")]
    clinicalproviderid: Option<String>,
}

#[test]
fn strings_from_strings_or_numbers() {
    for (json, want) in [
        ("\"189\"", "189"),
        ("189", "189"),
        ("-3", "-3"),
        ("12.5", "12.5"),
        ("\"a b\"", "a b"),
    ] {
        assert_eq!(
            from::<LenientString>(json).unwrap().as_str(),
            want,
            "{json}"
        );
    }
    let d: Dept = from(r#"{"departmentid":5}"#).unwrap();
    assert_eq!(
        d,
        Dept {
            departmentid: "5".into(),
            clinicalproviderid: None
        }
    );
    assert_eq!(
        serde_json::to_string(&d).unwrap(),
        r#"{"departmentid":"5","clinicalproviderid":null}"#
    );
    let d: Dept = from(r#"{"departmentid":"1","clinicalproviderid":""}"#).unwrap();
    assert_eq!(d.clinicalproviderid, None);
    let d: Dept = from(r#"{"departmentid":"1","clinicalproviderid":20}"#).unwrap();
    assert_eq!(d.clinicalproviderid.as_deref(), Some("20"));
    let err = from::<LenientString>("true").unwrap_err();
    assert!(err.contains("found a boolean"), "{err}");
}

// ------------------------------------------------------------------------------------------
// Booleans
// ------------------------------------------------------------------------------------------

#[derive(Debug, PartialEq, Serialize, Deserialize)]
struct Flags {
    #[serde(with = "lenient::boolean")]
    portalaccessgiven: bool,
    #[serde(default, with = "lenient::option_boolean")]
    confidentialitycode: Option<bool>,
}

#[test]
fn booleans_in_every_spelling() {
    let truthy = [
        "true", "\"true\"", "\"TRUE\"", "\"Y\"", "\"y\"", "\"yes\"", "\"Yes\"", "\"t\"", "\"T\"",
        "\"1\"", "1", "\" Y \"",
    ];
    let falsy = [
        "false",
        "\"false\"",
        "\"False\"",
        "\"N\"",
        "\"n\"",
        "\"no\"",
        "\"NO\"",
        "\"f\"",
        "\"0\"",
        "0",
    ];
    for json in truthy {
        assert!(
            from::<LenientBool>(json)
                .unwrap_or_else(|e| panic!("{json}: {e}"))
                .0,
            "{json}"
        );
    }
    for json in falsy {
        assert!(
            !from::<LenientBool>(json)
                .unwrap_or_else(|e| panic!("{json}: {e}"))
                .0,
            "{json}"
        );
    }
    for json in ["2", "\"maybe\"", "\"\"", "null", "1.0", "[]", "\"Smith\""] {
        let err = from::<LenientBool>(json).expect_err(json);
        assert!(err.contains("expected a boolean"), "{json}: {err}");
        assert!(!err.contains("maybe") && !err.contains("Smith"), "{err}");
    }
    assert_eq!(serde_json::to_string(&LenientBool(true)).unwrap(), "true");

    let f: Flags = from(r#"{"portalaccessgiven":"true","confidentialitycode":"N"}"#).unwrap();
    assert_eq!(
        f,
        Flags {
            portalaccessgiven: true,
            confidentialitycode: Some(false)
        }
    );
    assert_eq!(
        serde_json::to_string(&f).unwrap(),
        r#"{"portalaccessgiven":true,"confidentialitycode":false}"#
    );
    for json in [
        r#"{"portalaccessgiven":false}"#,
        r#"{"portalaccessgiven":false,"confidentialitycode":""}"#,
        r#"{"portalaccessgiven":false,"confidentialitycode":null}"#,
    ] {
        assert_eq!(
            from::<Flags>(json).unwrap().confidentialitycode,
            None,
            "{json}"
        );
    }
}

// ------------------------------------------------------------------------------------------
// One or many, single, empty-as-none
// ------------------------------------------------------------------------------------------

#[derive(Debug, PartialEq, Deserialize)]
struct Field {
    name: String,
}

#[derive(Debug, PartialEq, Deserialize)]
struct Requirement {
    #[serde(default, with = "lenient::one_or_many")]
    fields: Vec<Field>,
}

#[test]
fn one_or_many() {
    let one: Requirement = from(r#"{"fields":{"name":"a"}}"#).unwrap();
    assert_eq!(one.fields, vec![Field { name: "a".into() }]);
    let many: Requirement = from(r#"{"fields":[{"name":"a"},{"name":"b"}]}"#).unwrap();
    assert_eq!(many.fields.len(), 2);
    assert!(
        from::<Requirement>(r#"{"fields":null}"#)
            .unwrap()
            .fields
            .is_empty()
    );
    assert!(from::<Requirement>(r#"{}"#).unwrap().fields.is_empty());

    assert_eq!(from::<OneOrMany<u32>>("5").unwrap().0, vec![5]);
    assert_eq!(from::<OneOrMany<u32>>("[5,6]").unwrap().0, vec![5, 6]);
    assert_eq!(
        from::<OneOrMany<String>>("\"x\"").unwrap().0,
        vec!["x".to_string()]
    );
    assert_eq!(
        from::<OneOrMany<AthenaDate>>("\"06/22/2016\"")
            .unwrap()
            .len(),
        1
    );
    assert_eq!(
        from::<OneOrMany<LenientInt<u32>>>("[\"1\", 2]").unwrap().0,
        vec![LenientInt(1), LenientInt(2)]
    );
    assert_eq!(
        serde_json::to_string(&OneOrMany(vec![1, 2])).unwrap(),
        "[1,2]"
    );
    // Element errors keep their own (value-free) message.
    let err = from::<OneOrMany<AthenaDate>>("\"13/45/1970\"").unwrap_err();
    assert!(
        err.contains("MM/DD/YYYY") && !err.contains("13/45"),
        "{err}"
    );
}

#[test]
fn single_for_get_one_endpoints() {
    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    struct Updated {
        #[serde(with = "lenient::string")]
        patientid: String,
    }
    // UpdatePatient.json answers `[ {"patientid": "100"} ]`.
    let s: Single<Updated> = from("[\n    {\n        \"patientid\": \"100\"\n    }\n]").unwrap();
    assert_eq!(s.0.patientid, "100");
    let bare: Single<Updated> = from(r#"{"patientid":100}"#).unwrap();
    assert_eq!(bare, s);
    let first: Single<Updated> = from(r#"[{"patientid":"1"},{"patientid":"2"}]"#).unwrap();
    assert_eq!(first.into_inner().patientid, "1");
    assert_eq!(
        serde_json::to_string(&s).unwrap(),
        r#"[{"patientid":"100"}]"#
    );

    let err = from::<Single<Updated>>("[]").unwrap_err();
    assert!(err.starts_with("expected one element, got none"), "{err}");
    assert!(from::<Single<Updated>>("null").is_err());

    #[derive(Deserialize)]
    struct Wrapper {
        #[serde(with = "lenient::first_of_one_element_array")]
        item: Updated,
    }
    let w: Wrapper = from(r#"{"item":[{"patientid":"7"}]}"#).unwrap();
    assert_eq!(w.item.patientid, "7");
}

#[test]
fn empty_as_none() {
    #[derive(Debug, Deserialize)]
    struct Claim {
        #[serde(default, deserialize_with = "lenient::empty_as_none")]
        balance: Option<Money>,
        #[serde(default, deserialize_with = "lenient::empty_as_none")]
        servicedate: Option<AthenaDate>,
    }
    let c: Claim = from(r#"{"balance":"","servicedate":""}"#).unwrap();
    assert!(c.balance.is_none() && c.servicedate.is_none());
    let c: Claim = from(r#"{"balance":"-25.15","servicedate":"06/22/2016"}"#).unwrap();
    assert_eq!(c.balance.unwrap().to_string(), "-25.15");
    assert_eq!(c.servicedate.unwrap().to_string(), "06/22/2016");
    let c: Claim = from(r#"{}"#).unwrap();
    assert!(c.balance.is_none());
    let err = from::<Claim>(r#"{"servicedate":"13/45/1970"}"#).unwrap_err();
    assert!(!err.contains("13/45"), "{err}");
}

// ------------------------------------------------------------------------------------------
// Bare outcomes
// ------------------------------------------------------------------------------------------

#[test]
fn bare_outcomes() {
    // go-athenahealth UpdateBookedAppointment_IntResponse.json / _StringResponse.json
    assert_eq!(from::<BareOutcome>("1\n").unwrap(), BareOutcome::Success);
    let failure = from::<BareOutcome>("\"Invalid PROVIDERID input\"\n").unwrap();
    assert!(!failure.is_success());
    assert_eq!(
        failure.failure_text().unwrap().as_str(),
        "Invalid PROVIDERID input"
    );

    for json in [
        "true",
        "\"true\"",
        "\"1\"",
        r#"{"success":true,"errormessage":""}"#,
        r#"{"success":"true"}"#,
        r#"{"message":"Shows which section caused the check-in to fail.","success":true}"#,
    ] {
        assert_eq!(
            from::<BareOutcome>(json).unwrap(),
            BareOutcome::Success,
            "{json}"
        );
    }
    let f = from::<BareOutcome>(r#"{"success":false,"errormessage":"oops"}"#).unwrap();
    assert_eq!(f, BareOutcome::Failure(ServerText::new("oops")));
    let f = from::<BareOutcome>(
        r#"{"success":"false","errormessage":"Submitted snomedcode of '0' is not valid."}"#,
    )
    .unwrap();
    assert_eq!(
        f.failure_text().unwrap().as_str(),
        "Submitted snomedcode of '0' is not valid."
    );
    let f = from::<BareOutcome>(r#"{"error":"Invalid departmentid"}"#).unwrap();
    assert_eq!(f.failure_text().unwrap().as_str(), "Invalid departmentid");
    assert!(
        from::<BareOutcome>("0")
            .unwrap()
            .failure_text()
            .unwrap()
            .is_empty()
    );
    assert!(from::<BareOutcome>("null").is_err());
    assert!(from::<BareOutcome>(r#"{"status":"ok"}"#).is_err());

    assert_eq!(serde_json::to_string(&BareOutcome::Success).unwrap(), "1");
    assert_eq!(
        serde_json::to_string(&f).unwrap(),
        "\"Invalid departmentid\""
    );
}

#[test]
fn server_text_debug_hides_the_text() {
    let f = from::<BareOutcome>("\"Patient Smith, DOB 01/02/1970 not found\"").unwrap();
    let debug = format!("{f:?}");
    assert!(
        !debug.contains("Smith") && !debug.contains("1970"),
        "{debug}"
    );
    assert!(debug.contains("redacted"), "{debug}");
    assert_eq!(
        format!("{:?}", ServerText::new("abc")),
        "ServerText(<redacted 3 chars>)"
    );
}
