//! `Money`: exact decimals from athena's strings and numbers.

use std::collections::HashSet;

use athena_core::codec::{Money, ParseErrorKind};

fn m(s: &str) -> Money {
    s.parse().unwrap_or_else(|e| panic!("{s:?}: {e}"))
}

#[test]
fn parses_and_keeps_scale() {
    let cases = [
        ("-25.15", "-25.15", -2515, 2),
        ("189", "189", 189, 0),
        ("25.10", "25.10", 2510, 2),
        ("0", "0", 0, 0),
        ("0.00", "0.00", 0, 2),
        ("-0.50", "-0.50", -50, 2),
        ("+3.5", "3.5", 35, 1),
        (".5", "0.5", 5, 1),
        ("5.", "5", 5, 0),
        (" 12.345 ", "12.345", 12345, 3),
        ("1.5e2", "150", 150, 0),
        ("1.25E-1", "0.125", 125, 3),
        ("007.10", "7.10", 710, 2),
        (
            "999999999999999.999999999",
            "999999999999999.999999999",
            999_999_999_999_999_999_999_999,
            9,
        ),
        ("1.000000000000", "1.000000000", 1_000_000_000, 9),
    ];
    for (input, written, mantissa, scale) in cases {
        let v = m(input);
        assert_eq!(v.to_string(), written, "{input:?}");
        assert_eq!((v.mantissa(), v.scale()), (mantissa, scale), "{input:?}");
    }
}

#[test]
fn rejects_bad_input_without_echoing_it() {
    let cases = [
        ("", ParseErrorKind::Empty),
        ("abc", ParseErrorKind::Malformed),
        ("$25.00", ParseErrorKind::Malformed),
        ("1,000.00", ParseErrorKind::Malformed),
        ("25.1.0", ParseErrorKind::Malformed),
        ("-", ParseErrorKind::Malformed),
        (".", ParseErrorKind::Malformed),
        ("--5", ParseErrorKind::Malformed),
        ("1e", ParseErrorKind::Malformed),
        ("1e99999", ParseErrorKind::Malformed),
        ("NaN", ParseErrorKind::Malformed),
        ("1.0000000001", ParseErrorKind::Overflow),
        ("1000000000000000", ParseErrorKind::Overflow),
        ("1e15", ParseErrorKind::Overflow),
        (
            "99999999999999999999999999999999999999999999",
            ParseErrorKind::Overflow,
        ),
    ];
    for (input, kind) in cases {
        let err = input.parse::<Money>().expect_err(input);
        assert_eq!(err.kind(), kind, "{input:?}");
        if !input.is_empty() && input.len() > 1 {
            assert!(!err.to_string().contains(input), "{err}");
        }
    }
}

#[test]
fn serde_from_strings_and_numbers_writes_strings() {
    for (json, written) in [
        ("\"-25.15\"", "-25.15"),
        ("\"189\"", "189"),
        ("0", "0"),
        ("12.5", "12.5"),
        ("-3", "-3"),
        ("0.1", "0.1"),
        ("\"25.10\"", "25.10"),
        ("1e2", "100"),
    ] {
        let v: Money = serde_json::from_str(json).unwrap_or_else(|e| panic!("{json}: {e}"));
        assert_eq!(v.to_string(), written, "{json}");
        assert_eq!(serde_json::to_string(&v).unwrap(), format!("\"{written}\""));
        let back: Money = serde_json::from_str(&serde_json::to_string(&v).unwrap()).unwrap();
        assert_eq!((back.mantissa(), back.scale()), (v.mantissa(), v.scale()));
    }
    for (json, found) in [
        ("true", "a boolean"),
        ("null", "null"),
        ("[1]", "an array"),
        ("{\"a\":1}", "an object"),
    ] {
        let err = serde_json::from_str::<Money>(json).unwrap_err().to_string();
        assert!(
            err.contains(found) && err.contains("amount of money"),
            "{json}: {err}"
        );
    }
    let err = serde_json::from_str::<Money>("\"Smith\"")
        .unwrap_err()
        .to_string();
    assert!(!err.contains("Smith"), "{err}");
    // Option<Money> with null.
    let v: Option<Money> = serde_json::from_str("null").unwrap();
    assert!(v.is_none());
}

#[test]
fn arithmetic_and_cents() {
    assert_eq!(m("189") + m("-25.15"), m("163.85"));
    assert_eq!((m("189") + m("-25.15")).to_string(), "163.85");
    assert_eq!((m("0.1") + m("0.2")).to_string(), "0.3");
    assert_eq!((m("10.00") - m("0.005")).to_string(), "9.995");
    assert_eq!((-m("2.50")).to_string(), "-2.50");
    assert_eq!(
        [m("1.10"), m("2"), m("-0.05")]
            .into_iter()
            .sum::<Money>()
            .to_string(),
        "3.05"
    );

    assert_eq!(m("-25.15").to_cents(), Some(-2515));
    assert_eq!(m("189").to_cents(), Some(18900));
    assert_eq!(m("0.005").to_cents(), Some(1));
    assert_eq!(m("-0.005").to_cents(), Some(-1));
    assert_eq!(m("0.0049").to_cents(), Some(0));
    assert_eq!(m("1.999").to_cents(), Some(200));
    assert_eq!(Money::from_cents(-2515).to_string(), "-25.15");
    assert_eq!(Money::new(i128::MAX, 0).unwrap().to_cents(), None);
    assert_eq!(Money::new(1, 10), None);
    assert!(
        Money::new(i128::MAX, 0)
            .unwrap()
            .checked_add(m("1"))
            .is_none()
    );
    assert_eq!(m("1.5").with_scale(3).unwrap().to_string(), "1.500");
    assert_eq!(m("1.50").with_scale(1).unwrap().to_string(), "1.5");
    assert!(m("1.55").with_scale(1).is_none());
}

#[test]
fn ordering_and_equality_are_by_value() {
    assert_eq!(m("25.10"), m("25.1"));
    assert_ne!(m("25.10").to_string(), m("25.1").to_string());
    let set: HashSet<Money> = [m("25.10"), m("25.1"), m("25.100")].into_iter().collect();
    assert_eq!(set.len(), 1);
    let mut v = [
        m("10"),
        m("-25.15"),
        m("0.5"),
        m("-0.51"),
        m("0"),
        m("9.999"),
    ];
    v.sort();
    let s: Vec<String> = v.iter().map(ToString::to_string).collect();
    assert_eq!(s, ["-25.15", "-0.51", "0", "0.5", "9.999", "10"]);
    // Rescaling overflow still orders correctly.
    let huge = Money::new(i128::MAX / 2, 0).unwrap();
    let tiny = Money::new(1, 9).unwrap();
    assert!(huge > tiny);
    assert!(-huge < tiny);
    assert!(Money::ZERO.is_zero() && m("-1").is_negative());
}
