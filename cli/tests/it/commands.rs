//! Runs the `athena` binary against its in-process sandbox (`--sandbox`) and checks what it
//! prints, and that failures exit non-zero with a PHI-safe message.

use crate::common::{athena, ok};

#[test]
fn departments_as_a_table() {
    let out = ok(&["--sandbox", "departments"]);
    let mut lines = out.lines();
    let header = lines.next().expect("a header line");
    assert!(header.starts_with("ID  NAME"), "{out}");
    assert!(header.contains("TIME ZONE"), "{out}");
    assert!(out.contains("SANDBOX FAMILY MEDICINE"), "{out}");
    assert!(out.contains("US/Eastern"), "{out}");
    assert!(out.trim_end().ends_with("(3 rows)"), "{out}");
}

#[test]
fn patient_search_as_table_and_json() {
    let table = ok(&[
        "--sandbox",
        "patients",
        "search",
        "--lastname",
        "Sandboxtest",
    ]);
    assert!(table.starts_with("ID     LAST NAME"), "{table}");
    assert!(table.contains("Donna"), "{table}");
    assert!(table.contains("04/06/1970"), "{table}");
    // athena's documented preview patients: five `Sandboxtest`, two `Sandbox-Test`.
    assert!(table.trim_end().ends_with("(5 rows)"), "{table}");
    assert!(table.contains("60178  Sandboxtest  Donna"), "{table}");
    let hyphen = ok(&[
        "--sandbox",
        "patients",
        "search",
        "--lastname",
        "Sandbox-Test",
    ]);
    assert!(hyphen.trim_end().ends_with("(2 rows)"), "{hyphen}");
    assert!(
        hyphen.contains("Anna") && hyphen.contains("Rebecca"),
        "{hyphen}"
    );

    let json = ok(&[
        "patients",
        "search",
        "--lastname",
        "Sandboxtest",
        "--firstname",
        "Gary",
        "--json",
        "--sandbox",
    ]);
    let v: serde_json::Value = serde_json::from_str(&json).expect("--json prints JSON");
    let list = v.as_array().expect("a JSON array of patients");
    assert_eq!(list.len(), 1, "{json}");
    assert_eq!(list[0]["firstname"], "Gary", "{json}");
    assert_eq!(list[0]["dob"], "01/17/1955", "{json}");
}

#[test]
fn chart_labs_show_analytes_with_units_and_ranges() {
    let out = ok(&["--sandbox", "chart", "labs", "2", "--department", "3"]);
    assert!(out.starts_with("DATE"), "{out}");
    for part in ["ANALYTE", "REFERENCE", "Glucose", "mg/dL", "70-99"] {
        assert!(out.contains(part), "missing `{part}` in:\n{out}");
    }
    let vitals = ok(&[
        "--sandbox",
        "--json",
        "chart",
        "vitals",
        "2",
        "--department",
        "3",
    ]);
    let v: serde_json::Value = serde_json::from_str(&vitals).expect("JSON");
    assert!(
        v.as_array()
            .is_some_and(|a| a.iter().any(|r| r["unit"] == "mmHg")),
        "{vitals}"
    );
}

#[test]
fn open_slots_and_booking() {
    let open = ok(&[
        "--sandbox",
        "--json",
        "appointments",
        "open",
        "--department",
        "1",
    ]);
    let slots: serde_json::Value = serde_json::from_str(&open).expect("JSON");
    let slot = slots[0]["appointmentid"]
        .as_str()
        .map(str::to_owned)
        .or_else(|| slots[0]["appointmentid"].as_u64().map(|n| n.to_string()))
        .expect("an open slot");
    let booked = ok(&["--sandbox", "appointments", "book", &slot, "--patient", "2"]);
    assert!(booked.starts_with("ID "), "{booked}");
    assert!(booked.contains(&slot), "{booked}");
    // Status `f`: booked, in the future.
    let row = booked.lines().nth(1).expect("a row");
    assert!(row.trim_end().ends_with(" f"), "{booked}");
}

#[test]
fn fhir_get_prints_the_resource() {
    let out = ok(&["--sandbox", "fhir", "get", "Patient/a-195900.E-2"]);
    let v: serde_json::Value = serde_json::from_str(&out).expect("JSON");
    assert_eq!(v["resourceType"], "Patient", "{out}");
    assert_eq!(v["id"], "a-195900.E-2", "{out}");
}

#[test]
fn a_failing_call_exits_non_zero_with_a_phi_safe_message() {
    let out = athena(&["--sandbox", "patients", "get", "999999"]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("not found"), "{stderr}");
    // The route template, not the concrete path.
    assert!(stderr.contains("/patients/{patientid}"), "{stderr}");
    assert!(!stderr.contains("999999"), "{stderr}");
    assert!(out.stdout.is_empty());
}

#[test]
fn changed_feed_without_a_subscription_says_it_needs_setup() {
    let out = athena(&["--sandbox", "changed", "appointments"]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("requires setup"), "{stderr}");
    assert!(stderr.contains("403"), "{stderr}");
}

#[test]
fn usage_errors_exit_2() {
    let out = athena(&["--sandbox", "chart", "problems", "2"]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("required arguments were not provided")
            && stderr.contains("--department <DEPARTMENT>"),
        "{stderr}"
    );
    assert!(out.stdout.is_empty());
    let out = athena(&["--sandbox", "patients", "get", "abc"]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("must be a positive number"), "{stderr}");
    for bad in [
        &["--sandbox", "patients", "get", "0"][..],
        &["--sandbox", "chart", "x-rays", "2", "--department", "1"],
        &["--sandbox", "frobnicate"],
    ] {
        assert_eq!(athena(bad).status.code(), Some(2), "{bad:?}");
    }
}

#[test]
fn without_credentials_or_sandbox_it_says_what_is_missing() {
    let out = athena(&["departments"]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("ATHENA_CLIENT_ID"), "{stderr}");
}

#[test]
fn fhir_get_accepts_athena_ids_for_mapped_types() {
    // athena's own patient number is mapped to its FHIR id in the practice.
    let out = ok(&["--sandbox", "fhir", "get", "Patient/2"]);
    let v: serde_json::Value = serde_json::from_str(&out).expect("JSON");
    assert_eq!(v["id"], "a-195900.E-2", "{out}");
    // So is a department (a FHIR Location).
    let out = ok(&["--sandbox", "fhir", "get", "Location/1"]);
    let v: serde_json::Value = serde_json::from_str(&out).expect("JSON");
    assert_eq!(v["resourceType"], "Location", "{out}");
    assert_eq!(v["id"], "a-195900.Department-1", "{out}");
    // Not TYPE/ID: a usage error (exit 2).
    let bad = athena(&["--sandbox", "fhir", "get", "Patient"]);
    assert_eq!(bad.status.code(), Some(2));
}
