//! Model behaviour: lenient decoding, unknown fields kept, PHI redacted, open enums.

use athena_core::codec::AthenaDate;
use athena_rest::models::{
    Appointment, AppointmentStatus, ClaimPayer, ClaimStatus, DenialReasonCode, Insurance, Patient,
    Pong, RemarkCode,
};

#[test]
fn patient_debug_redacts_phi_and_keeps_unknown_fields() {
    let body = r#"{"patientid":"5","firstname":"Waylon","lastname":"Smithers","dob":"03/04/1970",
        "ssn":"111223333","email":"w@example.com","homephone":"5555550100","portalaccessgiven":"true",
        "brandnewfield":{"nested":"Smithers"},"sex":"M"}"#;
    let p: Patient = serde_json::from_str(body).unwrap();
    assert_eq!(p.portalaccessgiven, Some(true));
    let dbg = format!("{p:?}");
    for secret in [
        "Waylon",
        "Smithers",
        "03/04/1970",
        "111223333",
        "w@example.com",
        "5555550100",
    ] {
        assert!(!dbg.contains(secret), "{secret} leaked: {dbg}");
    }
    assert!(dbg.contains("brandnewfield"), "extra keys are named: {dbg}");
    let back = serde_json::to_value(&p).unwrap();
    assert_eq!(back["brandnewfield"]["nested"], "Smithers");
    assert_eq!(back["dob"], "03/04/1970");
    assert_eq!(back["lastname"], "Smithers");
}

#[test]
fn blanks_are_none_and_numbers_or_strings_both_decode() {
    let a: Appointment = serde_json::from_str(
        r#"{"appointmentid":"3132","departmentid":5,"duration":"30","patientid":"","starttime":"09:30","date":"10/25/2020"}"#,
    )
    .unwrap();
    assert_eq!(a.appointmentid.unwrap().get(), 3132);
    assert_eq!(a.departmentid.unwrap().get(), 5);
    assert_eq!(a.duration, Some(30));
    assert_eq!(a.patientid, None);
    // An unparseable date does not fail the record: it is kept raw, with a value-free warning.
    let a: Appointment = serde_json::from_str(r#"{"date":"2020-13-45","duration":30}"#).unwrap();
    assert_eq!(a.date, None);
    assert_eq!(a.extra["date"], "2020-13-45");
    assert_eq!(a.duration, Some(30));
    let w = &a.decode_warnings()[0];
    assert_eq!((w.path(), w.expected()), ("date", "a date as MM/DD/YYYY"));
    assert!(!w.to_string().contains("2020-13-45"), "value-free: {w}");
}

#[test]
fn open_enums_keep_unknown_codes() {
    assert_eq!(
        "f".parse::<AppointmentStatus>().unwrap(),
        AppointmentStatus::Future
    );
    assert_eq!(
        "z".parse::<AppointmentStatus>().unwrap(),
        AppointmentStatus::Other("z".into())
    );
    let payer: ClaimPayer = serde_json::from_str(
        r#"{"status":"NEWSTATUS","note":"Denied CO-197 N54","primarypatientinsuranceid":"945"}"#,
    )
    .unwrap();
    assert_eq!(payer.status, Some(ClaimStatus::Other("NEWSTATUS".into())));
    assert_eq!(
        payer.note.as_ref().map(|n| n.expose().as_str()),
        Some("Denied CO-197 N54")
    );
    assert!(
        !format!("{payer:?}").contains("CO-197"),
        "the note is redacted in Debug"
    );
    let back = serde_json::to_value(&payer).unwrap();
    assert_eq!(back["status"], "NEWSTATUS");
    assert_eq!(back["note"], "Denied CO-197 N54");
    // The code enums still read athena's codes and keep unknown ones.
    assert_eq!(
        "197".parse::<DenialReasonCode>().unwrap(),
        DenialReasonCode::NoAuthorization
    );
    assert_eq!(
        "ZZ9".parse::<RemarkCode>().unwrap(),
        RemarkCode::Other("ZZ9".into())
    );
}

#[test]
fn phi_fields_have_plain_accessors() {
    let p: Patient = serde_json::from_str(
        r#"{"firstname":"Waylon","lastname":"","dob":"03/04/1970","ssn":null,"status":"active"}"#,
    )
    .unwrap();
    assert_eq!(p.firstname(), Some("Waylon"));
    // Text keeps a blank as `Some("")` (an exact round trip); `null` and absent are `None`.
    assert_eq!(p.lastname(), Some(""));
    assert_eq!(p.ssn(), None);
    assert_eq!(p.middlename(), None);
    assert_eq!(p.dob(), Some(&AthenaDate::new(1970, 3, 4).unwrap()));
    // The accessor reads the same value the field holds.
    assert_eq!(
        p.firstname.as_ref().map(|v| v.expose().as_str()),
        p.firstname()
    );
    let i: Insurance =
        serde_json::from_str(r#"{"insurancepolicyholderdob":"12/31/1960","policynumber":77}"#)
            .unwrap();
    assert_eq!(i.policynumber(), Some("77"));
    assert_eq!(
        i.insurancepolicyholderdob()
            .map(ToString::to_string)
            .as_deref(),
        Some("12/31/1960")
    );
}

#[test]
fn a_renamed_field_reads_and_writes_its_wire_name() {
    assert_eq!(Pong::FIELD_NAMES, ["Pong"]);
    let pong: Pong = serde_json::from_str(r#"{"Pong":"true","pong":"x"}"#).unwrap();
    assert_eq!(pong.pong, Some(true));
    // The Rust name is not the wire name: `pong` is an unknown field, kept.
    assert_eq!(pong.extra["pong"], "x");
    let back = serde_json::to_value(&pong).unwrap();
    assert_eq!(back, serde_json::json!({"Pong": true, "pong": "x"}));
}
