//! The field-name audit: every wire name a model types must be one athena really sends.
//!
//! A name passes when it appears as a key in a recorded/fixture body under
//! `../shared/fixtures/athena` (walked at run time, every JSON file, every depth) or in
//! athena's wire-format reference `../shared/reference/athena-api.md`; otherwise it must be in
//! [`EVIDENCE`], a checked table naming the public source that shows athena sends it, or marked
//! `UNVERIFIED` there with the reason it is kept. A new model field with no evidence fails
//! this test; so does a stale table entry. Skips with a notice when `../shared` is absent.
//!
//! A model added to the crate must be added to [`models`] below.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use athena_rest::models::*;

/// Every model and the wire names it types.
fn models() -> Vec<(&'static str, &'static [&'static str])> {
    macro_rules! list {
        ($($m:ident),* $(,)?) => { vec![$((stringify!($m), $m::FIELD_NAMES)),*] };
    }
    list![
        Appointment,
        AppointmentType,
        AppointmentReason,
        CancelledAppointment,
        CheckInRequirements,
        Problem,
        ProblemEvent,
        ProblemCreated,
        MedicationList,
        Medication,
        AllergyList,
        Allergy,
        Vital,
        VitalReading,
        VitalsCreated,
        LabResult,
        Analyte,
        Encounter,
        EncounterSummary,
        Claim,
        ClaimPayer,
        ClaimProcedure,
        ClaimDiagnosis,
        ClaimsCreated,
        PaymentRecorded,
        Success,
        Document,
        ClinicalDocumentCreated,
        PatientCase,
        PatientCaseCreated,
        InboxItem,
        Insurance,
        BenefitDetails,
        Patient,
        PatientBalance,
        CustomFieldValue,
        CustomFieldDefinition,
        CustomFieldsUpdated,
        BestMatch,
        PatientIdResponse,
        DepartmentInfo,
        Provider,
        PracticeInfo,
        Pong,
        CheckInRequiredFields,
    ]
}

const HTD: &str = "HTD-Health/athenahealth-sdk-dotnet AthenaHealth.Sdk/Models/Response/";

/// Names athena sends that the shared fixtures and reference do not show, with the public
/// source that does (`HTD` = the .NET SDK whose models carry athena's reference text and whose
/// integration data was recorded from preview practice 195900), or `UNVERIFIED: why kept`.
const EVIDENCE: &[(&str, &str, &str)] = &[
    ("Patient", "middlename", "HTD Patient.cs"),
    ("Patient", "preferredname", "HTD Patient.cs"),
    (
        "PatientBalance",
        "collectionsbalance",
        "HTD Patient.cs (Balance: collectionsbalance)",
    ),
    ("BestMatch", "score", "HTD PatientWithScore.cs"),
    ("PracticeInfo", "hasclinicals", "HTD Practice.cs"),
    ("PracticeInfo", "hascommunicator", "HTD Practice.cs"),
    ("PracticeInfo", "hascollector", "HTD Practice.cs"),
    (
        "PracticeInfo",
        "golivedate",
        "HTD Practice.cs; HTD Data/Practice/GetAll.json",
    ),
    (
        "Appointment",
        "checkoutdatetime",
        "HTD Appointment.cs (mm/dd/yyyy hh24:mi:ss)",
    ),
    (
        "AppointmentType",
        "shortname",
        "HTD AppointmentType.cs; eleanor appointment_types.go",
    ),
    (
        "AppointmentType",
        "patientdisplayname",
        "HTD AppointmentType.cs",
    ),
    (
        "AppointmentType",
        "generic",
        "HTD AppointmentType.cs; eleanor appointment_types.go",
    ),
    (
        "AppointmentType",
        "templatetypeonly",
        "HTD AppointmentType.cs; eleanor appointment_types.go",
    ),
    (
        "AppointmentReason",
        "reasontype",
        "HTD AppointmentReason.cs",
    ),
    (
        "AppointmentReason",
        "schedulingmaxdays",
        "HTD AppointmentReason.cs",
    ),
    (
        "AppointmentReason",
        "schedulingminhours",
        "HTD AppointmentReason.cs",
    ),
    ("Insurance", "policynumber", "HTD Insurance.cs"),
    ("Insurance", "issuedate", "HTD Insurance.cs"),
    (
        "Insurance",
        "expirationdate",
        "HTD Insurance.cs (mm/dd/yyyy)",
    ),
    (
        "Allergy",
        "deactivatedate",
        "HTD PatientAllergy.cs (mm/dd/yyyy)",
    ),
    (
        "Allergy",
        "reactions",
        "HTD PatientAllergy.cs; cassette update_patient_allergies.yml",
    ),
    ("Vital", "abbreviation", "HTD PatientVital.cs"),
    ("VitalReading", "unit", "HTD PatientVital.cs"),
    ("VitalReading", "readingtaken", "HTD PatientVital.cs"),
    ("VitalReading", "sourceid", "HTD PatientVital.cs"),
    ("Analyte", "referencerange", "HTD Analyte.cs"),
    ("Analyte", "abnormalflag", "HTD Analyte.cs"),
    ("Analyte", "loinc", "HTD Analyte.cs"),
    ("Encounter", "encounterdate", "HTD Encounter.cs"),
    ("Encounter", "encountertype", "HTD Encounter.cs"),
    ("Encounter", "encountervisitname", "HTD Encounter.cs"),
    ("Encounter", "closeddate", "HTD Encounter.cs"),
    ("Encounter", "closeduser", "HTD Encounter.cs"),
    (
        "ClaimProcedure",
        "allowableamount",
        "HTD Appointment.cs (Procedure)",
    ),
    (
        "ClaimProcedure",
        "allowablemin",
        "HTD Appointment.cs (Procedure)",
    ),
    (
        "ClaimProcedure",
        "allowablemax",
        "HTD Appointment.cs (Procedure)",
    ),
    (
        "VitalsCreated",
        "vitalids",
        "UNVERIFIED: POST /chart/{patientid}/vitals answer; no recording seen",
    ),
    (
        "BenefitDetails",
        "lastchecked",
        "UNVERIFIED: eligibility answer shape not captured (athena-api.md §10.4)",
    ),
    (
        "BenefitDetails",
        "ansi271",
        "UNVERIFIED: eligibility answer shape not captured (athena-api.md §10.4)",
    ),
];

fn shared() -> Option<PathBuf> {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared");
    if p.join("fixtures/athena").is_dir() && p.join("reference/athena-api.md").is_file() {
        Some(p)
    } else {
        println!(
            "NOTICE: {} not found; field-name audit skipped",
            p.display()
        );
        None
    }
}

fn collect_keys(v: &serde_json::Value, out: &mut BTreeSet<String>) {
    match v {
        serde_json::Value::Object(m) => {
            for (k, v) in m {
                out.insert(k.clone());
                collect_keys(v, out);
            }
        }
        serde_json::Value::Array(a) => a.iter().for_each(|v| collect_keys(v, out)),
        _ => {}
    }
}

fn json_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            json_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "json") {
            out.push(p);
        }
    }
}

/// Keys of every fixture body, and the words of the reference.
fn corpus(shared: &Path) -> (BTreeSet<String>, BTreeSet<String>) {
    let mut files = Vec::new();
    json_files(&shared.join("fixtures/athena"), &mut files);
    assert!(
        files.len() > 50,
        "expected the athena fixtures, found {}",
        files.len()
    );
    let mut keys = BTreeSet::new();
    for f in files {
        let text = std::fs::read_to_string(&f).unwrap();
        if let Ok(v) = serde_json::from_str::<serde_json::Value>(text.trim()) {
            collect_keys(&v, &mut keys);
        }
    }
    let doc = std::fs::read_to_string(shared.join("reference/athena-api.md")).unwrap();
    let words = doc
        .split(|c: char| !c.is_ascii_alphanumeric() && c != '_')
        .filter(|w| !w.is_empty())
        .map(str::to_owned)
        .collect();
    (keys, words)
}

#[test]
fn every_model_field_name_is_one_athena_sends() {
    let Some(shared) = shared() else { return };
    let (keys, words) = corpus(&shared);
    let table: BTreeMap<(&str, &str), &str> =
        EVIDENCE.iter().map(|(m, f, s)| ((*m, *f), *s)).collect();
    assert_eq!(table.len(), EVIDENCE.len(), "duplicate EVIDENCE rows");
    let mut unknown = Vec::new();
    let mut stale = Vec::new();
    let (mut in_fixtures, mut in_doc, mut in_table, mut unverified) = (0, 0, 0, Vec::new());
    for (model, fields) in models() {
        for &field in fields {
            let evidenced = table.get(&(model, field));
            if keys.contains(field) {
                in_fixtures += 1;
                if evidenced.is_some() {
                    stale.push(format!("{model}.{field} (now in a fixture)"));
                }
            } else if words.contains(field) {
                in_doc += 1;
                if evidenced.is_some() {
                    stale.push(format!("{model}.{field} (now in athena-api.md)"));
                }
            } else if let Some(source) = evidenced {
                in_table += 1;
                if source.starts_with("UNVERIFIED") {
                    unverified.push(format!("{model}.{field}: {source}"));
                }
            } else {
                unknown.push(format!("{model}.{field}"));
            }
        }
    }
    let modelled: BTreeSet<(&str, &str)> = models()
        .into_iter()
        .flat_map(|(m, fs)| fs.iter().map(move |f| (m, *f)))
        .collect();
    for (m, f, _) in EVIDENCE {
        if !modelled.contains(&(*m, *f)) {
            stale.push(format!("{m}.{f} (no such model field)"));
        }
    }
    println!(
        "field audit: {in_fixtures} names in fixtures, {in_doc} in athena-api.md, {in_table} from \
         the table ({} unverified); see {HTD}",
        unverified.len()
    );
    for u in &unverified {
        println!("  {u}");
    }
    assert!(
        unknown.is_empty(),
        "model fields with no evidence that athena sends them (fix the name, or add a row to \
         EVIDENCE naming the source):\n{}",
        unknown.join("\n")
    );
    assert!(
        stale.is_empty(),
        "stale EVIDENCE rows:\n{}",
        stale.join("\n")
    );
}

#[test]
fn field_names_are_the_wire_names() {
    // `r#type` is written `type`; `as "Pong"` keeps athena's casing.
    assert!(CustomFieldDefinition::FIELD_NAMES.contains(&"type"));
    assert_eq!(Pong::FIELD_NAMES, ["Pong"]);
    let pong: Pong = serde_json::from_str(r#"{"Pong":"true"}"#).unwrap();
    assert_eq!(pong.pong, Some(true));
    assert_eq!(
        serde_json::to_value(&pong).unwrap(),
        serde_json::json!({"Pong": true})
    );
    let def: CustomFieldDefinition = serde_json::from_str(r#"{"type":"STRING"}"#).unwrap();
    assert_eq!(def.r#type.as_deref(), Some("STRING"));
    assert!(def.extra.is_empty());
}
