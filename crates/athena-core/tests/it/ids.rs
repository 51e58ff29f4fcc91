//! Typed ids (number or string in, string out) and the FHIR id mapping.

use athena_core::codec::ParseErrorKind;
use athena_core::ids::*;
use proptest::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Debug, PartialEq, Serialize, Deserialize)]
struct Appointment {
    appointmentid: AppointmentId,
    departmentid: DepartmentId,
    patientid: Option<PatientId>,
    providerid: ProviderId,
}

#[test]
fn ids_read_numbers_and_strings_and_write_strings() {
    // Booked appointments send strings; open slots send numbers (reference §5.2).
    let a: Appointment = serde_json::from_str(
        r#"{"appointmentid":"3132","departmentid":5,"patientid":" 980 ","providerid":20}"#,
    )
    .unwrap();
    assert_eq!(a.appointmentid, AppointmentId::new(3132));
    assert_eq!(a.departmentid.get(), 5);
    assert_eq!(a.patientid, Some(PatientId::new(980)));
    assert_eq!(
        serde_json::to_string(&a).unwrap(),
        r#"{"appointmentid":"3132","departmentid":"5","patientid":"980","providerid":"20"}"#
    );
    let none: Appointment = serde_json::from_str(
        r#"{"appointmentid":1,"departmentid":1,"patientid":null,"providerid":1}"#,
    )
    .unwrap();
    assert_eq!(none.patientid, None);
}

#[test]
fn id_traits() {
    let p = PatientId::new(42);
    assert_eq!(format!("{p:?}"), "PatientId(42)");
    assert_eq!(p.to_string(), "42");
    assert_eq!(" 42 ".parse::<PatientId>().unwrap(), p);
    assert_eq!(u64::from(p), 42);
    assert_eq!(PatientId::from(42), p);
    assert!(PatientId::new(1) < PatientId::new(2));
    const PRACTICE: PracticeId = PracticeId::new(195900);
    assert_eq!(PRACTICE.get(), 195900);
}

#[test]
fn id_errors_name_the_type_and_not_the_value() {
    for (json, kind_word) in [
        ("\"RE-81588\"", "malformed"),
        ("\"Smith\"", "malformed"),
        ("\"\"", "empty"),
        ("-5", "out of range"),
        ("5.5", "malformed"),
        ("\"99999999999999999999\"", "too large"),
        ("true", "found a boolean"),
        ("null", "found null"),
        ("{}", "found an object"),
    ] {
        let err = serde_json::from_str::<PatientId>(json)
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("expected a numeric PatientId"),
            "{json}: {err}"
        );
        assert!(err.contains(kind_word), "{json}: {err}");
        for secret in ["RE-81588", "Smith", "5.5", "99999999999999999999"] {
            assert!(!err.contains(secret), "{err}");
        }
    }
    let err = "Smith".parse::<DepartmentId>().unwrap_err();
    assert_eq!(err.kind(), ParseErrorKind::Malformed);
    assert_eq!(
        err.to_string(),
        "malformed value: expected a numeric DepartmentId"
    );
    assert_eq!(
        "-1".parse::<ClaimId>().unwrap_err().kind(),
        ParseErrorKind::Malformed
    );
    assert_eq!(
        "18446744073709551616"
            .parse::<ClaimId>()
            .unwrap_err()
            .kind(),
        ParseErrorKind::Overflow
    );
}

#[test]
fn fhir_ids_table() {
    let p = PracticeId::new(195900);
    let cases = [
        (
            PatientId::new(60178).to_fhir_id(p),
            "a-195900.E-60178",
            "Patient/a-195900.E-60178",
        ),
        (
            p.to_fhir_organization(),
            "a-1.Practice-195900",
            "Organization/a-1.Practice-195900",
        ),
        (
            DepartmentId::new(1).to_fhir_id(p),
            "a-195900.Department-1",
            "Location/a-195900.Department-1",
        ),
        (
            ProviderId::new(71).to_fhir_id(p),
            "a-195900.Provider-71",
            "Practitioner/a-195900.Provider-71",
        ),
        (
            EncounterId::new(3314).to_fhir_id(p),
            "a-195900.Enc-3314",
            "Encounter/a-195900.Enc-3314",
        ),
        (
            ChartSharingGroupId::new(2).to_fhir_id(p),
            "a-195900.CSG-2",
            "Organization/a-195900.CSG-2",
        ),
        (p.to_fhir_bulk_group(), "a-1.c-195900", "Group/a-1.c-195900"),
    ];
    for (id, text, reference) in cases {
        assert_eq!(id.to_string(), text);
        assert_eq!(text.parse::<FhirId>().unwrap(), id, "{text}");
        assert_eq!(FhirId::parse(text).unwrap(), id, "{text}");
        assert_eq!(id.to_reference(), reference);
        assert_eq!(
            FhirId::from_reference(reference).unwrap(),
            id,
            "{reference}"
        );
        assert_eq!(id.practice(), p);
        assert_eq!(serde_json::to_string(&id).unwrap(), format!("\"{text}\""));
        assert_eq!(
            serde_json::from_str::<FhirId>(&format!("\"{text}\"")).unwrap(),
            id
        );
    }
    assert_eq!(p.ah_practice(), "Organization/a-1.Practice-195900");
    let id: FhirId = "a-432.E-528595".parse().unwrap();
    assert_eq!(id.patient(), Some(PatientId::new(528595)));
    assert_eq!(id.practice(), PracticeId::new(432));
    assert_eq!(id.department(), None);
    assert_eq!(
        "a-1.Department-9".parse::<FhirId>().unwrap().department(),
        Some(DepartmentId::new(9))
    );
    assert_eq!(
        FhirId::from_reference("Organization/a-1.Department-9")
            .unwrap()
            .department(),
        Some(DepartmentId::new(9))
    );
}

#[test]
fn fhir_ids_are_strict() {
    for bad in [
        "",
        "60178",
        "a-195900.E-",
        "a-.E-1",
        "a-195900E-1",
        "a-195900.e-1",
        "A-195900.E-1",
        "a-195900.E-01",
        "a-0195900.E-1",
        "a-195900.E-1 ",
        " a-195900.E-1",
        "a-195900.E-1x",
        "a-195900.E-+1",
        "a-195900.Practice-1",
        "a-2.Practice-195900",
        "a-2.c-195900",
        "a-195900.Unknown-1",
        "a-195900.E-99999999999999999999",
        "Patient/a-195900.E-1",
        "a-Smith.E-1",
    ] {
        let err = bad.parse::<FhirId>().expect_err(bad);
        if bad.len() > 2 {
            assert!(!err.to_string().contains(bad), "{err}");
        }
    }
    for bad in [
        "Practitioner/a-195900.E-1",
        "Patient/a-195900.Provider-1",
        "a-195900.E-1",
        "Patient/",
        "/a-195900.E-1",
        "Patient/a-195900.E-1/_history/2",
        "Group/a-1.Practice-1",
    ] {
        assert!(FhirId::from_reference(bad).is_err(), "{bad}");
    }
    let err = serde_json::from_str::<FhirId>("195900")
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("found a number") && !err.contains("195900"),
        "{err}"
    );
}

fn fhir_id() -> impl Strategy<Value = FhirId> {
    (any::<u64>(), any::<u64>(), 0usize..7).prop_map(|(a, b, k)| {
        let practice = PracticeId::new(a);
        match k {
            0 => PatientId::new(b).to_fhir_id(practice),
            1 => practice.to_fhir_organization(),
            2 => DepartmentId::new(b).to_fhir_id(practice),
            3 => ProviderId::new(b).to_fhir_id(practice),
            4 => EncounterId::new(b).to_fhir_id(practice),
            5 => ChartSharingGroupId::new(b).to_fhir_id(practice),
            _ => practice.to_fhir_bulk_group(),
        }
    })
}

macro_rules! id_round_trips {
    ($($t:ident),* $(,)?) => {
        fn all_ids_round_trip(n: u64) -> Result<(), TestCaseError> {
            $(
                let id = $t::new(n);
                prop_assert_eq!(id.to_string().parse::<$t>().unwrap(), id);
                let json = serde_json::to_string(&id).unwrap();
                prop_assert_eq!(&json, &format!("\"{n}\""));
                prop_assert_eq!(serde_json::from_str::<$t>(&json).unwrap(), id);
                prop_assert_eq!(serde_json::from_str::<$t>(&n.to_string()).unwrap(), id);
            )*
            Ok(())
        }
    };
}

id_round_trips!(
    PracticeId,
    DepartmentId,
    PatientId,
    ProviderId,
    AppointmentId,
    AppointmentTypeId,
    EncounterId,
    ClaimId,
    InsuranceId,
    InsurancePackageId,
    DocumentId,
    PatientCaseId,
    ProblemId,
    LabResultId,
    VitalId,
    CustomFieldId,
    PaymentBatchId,
    ReasonId,
    ChartSharingGroupId,
);

proptest! {
    #[test]
    fn every_id_round_trips(n in any::<u64>()) {
        all_ids_round_trip(n)?;
    }

    #[test]
    fn every_fhir_id_round_trips(id in fhir_id()) {
        let text = id.to_string();
        prop_assert_eq!(text.parse::<FhirId>().unwrap(), id);
        prop_assert_eq!(FhirId::from_reference(&id.to_reference()).unwrap(), id);
        let json = serde_json::to_string(&id).unwrap();
        prop_assert_eq!(serde_json::from_str::<FhirId>(&json).unwrap(), id);
    }

    #[test]
    fn id_parsers_never_panic(s in any::<String>()) {
        let _ = s.parse::<PatientId>();
        let _ = s.parse::<FhirId>();
        let _ = FhirId::from_reference(&s);
        let _ = serde_json::from_str::<PatientId>(&s);
        let _ = serde_json::from_str::<PatientId>(&serde_json::to_string(&s).unwrap());
    }

    #[test]
    fn fhir_like_inputs_never_panic(s in "a-[0-9]{0,3}[.][A-Za-z]{0,10}-[0-9+ ]{0,4}") {
        if let Ok(id) = s.parse::<FhirId>() {
            prop_assert_eq!(id.to_string(), s);
        }
    }
}
