//! Tests of the builder rule (crate docs, "The builder rule") across every endpoint file.

use std::path::PathBuf;

use athena_core::codec::{AthenaDate, Money};
use athena_core::ids::{
    AppointmentId, ClaimId, DepartmentId, EncounterId, LabResultId, PatientCaseId, PatientId,
    ProviderId,
};
use athena_core::{Client, ErrorKind, Practice, PracticeId, Request, Result};
use futures::{StreamExt, TryStreamExt};

use super::appointment_extras::*;
use super::billing_history::*;
use super::chart::*;
use super::claims::*;
use super::clinical_documents::*;
use super::documents::*;
use super::encounter_orders::*;
use super::insurances::*;
use super::patients::*;
use super::practice::*;
use super::reference::*;
use super::scheduling::*;
use super::values::PatientStatus;
use crate::prelude::*;

/// One builder declared in an endpoint file.
#[derive(Debug)]
struct Declared {
    file: String,
    name: String,
    first_doc_line: String,
}

fn endpoint_sources() -> Vec<(String, String)> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("src/endpoints");
    let mut out = Vec::new();
    for entry in std::fs::read_dir(&dir).expect("src/endpoints is readable") {
        let path = entry.expect("a directory entry").path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if path.extension().is_some_and(|e| e == "rs") && name != "rule_tests.rs" {
            out.push((
                name,
                std::fs::read_to_string(&path).expect("readable source"),
            ));
        }
    }
    out.sort();
    out
}

/// Builders are declared with `builder!(/// docs… Name);` or as a struct marked
/// `#[must_use = "a builder does nothing until `send`"]` after its doc comment.
fn declared_builders() -> Vec<Declared> {
    let mut out = Vec::new();
    for (file, src) in endpoint_sources() {
        let lines: Vec<&str> = src.lines().collect();
        for (i, line) in lines.iter().enumerate() {
            if line.trim() == "builder!(" {
                let mut j = i + 1;
                let mut docs = Vec::new();
                while lines[j].trim_start().starts_with("///") {
                    docs.push(lines[j].trim_start().trim_start_matches("///").trim());
                    j += 1;
                }
                out.push(Declared {
                    file: file.clone(),
                    name: lines[j].trim().to_owned(),
                    first_doc_line: docs.first().copied().unwrap_or_default().to_owned(),
                });
            } else if line.starts_with("#[must_use = \"a builder") {
                let name = lines[i + 1]
                    .trim_start_matches("pub struct ")
                    .trim_end_matches(" {")
                    .to_owned();
                let mut k = i;
                while !lines[k - 1].starts_with("///") {
                    k -= 1;
                }
                let mut start = k - 1;
                while start > 0 && lines[start - 1].starts_with("///") {
                    start -= 1;
                }
                out.push(Declared {
                    file: file.clone(),
                    name,
                    first_doc_line: lines[start].trim_start_matches("///").trim().to_owned(),
                });
            }
        }
    }
    out
}

#[test]
fn every_builder_names_its_endpoint_first() {
    let builders = declared_builders();
    assert!(
        builders.len() >= 70,
        "found only {} builders",
        builders.len()
    );
    let sources = endpoint_sources();
    for b in &builders {
        let line = &b.first_doc_line;
        let (method, rest) = line
            .strip_prefix('`')
            .and_then(|l| l.split_once(' '))
            .unwrap_or_else(|| panic!("{}: {} doc starts with no `METHOD", b.file, b.name));
        assert!(
            ["GET", "POST", "PUT", "DELETE"].contains(&method),
            "{}: {} doc starts with `{method}`",
            b.file,
            b.name
        );
        let route = rest.split('`').next().unwrap_or_default();
        assert!(
            route.starts_with("/v1/{practiceid}/"),
            "{}: {}: `{route}` is not a route template",
            b.file,
            b.name
        );
        if !route.contains('|') {
            let src = &sources.iter().find(|(f, _)| *f == b.file).unwrap().1;
            assert!(
                src.contains(&format!("\"{route}\"")),
                "{}: {} documents `{route}`, which the file never requests",
                b.file,
                b.name
            );
        }
    }
}

#[test]
fn every_builder_follows_the_send_rule() {
    let sources = endpoint_sources();
    // GETs that answer one value not named by an id (no "or none").
    let plain_gets = ["GetGenderIdentities", "Ping"];
    for b in declared_builders() {
        let src = &sources.iter().find(|(f, _)| *f == b.file).unwrap().1;
        let has = |m: &str| src.contains(&format!("send::{m}!({} =>", b.name));
        let is_list = has("list");
        let is_get_one = has("get_one");
        let builds = src.contains(&format!("pure_build!({});", b.name))
            || src.contains(&format!("impl {} {{", b.name))
                && src
                    .split(&format!("impl {} {{", b.name))
                    .skip(1)
                    .any(|s| s.contains("pub fn build(&self) -> Result<Request>"));
        assert!(builds, "{}: {} has no `build() -> Result`", b.file, b.name);
        if b.name.starts_with("List") || b.name.starts_with("Search") {
            assert!(is_list, "{}: {} is not a `send::list!`", b.file, b.name);
        }
        if b.name.starts_with("Get") && !plain_gets.contains(&b.name.as_str()) {
            assert!(
                is_get_one,
                "{}: {} is not a `send::get_one!`",
                b.file, b.name
            );
        }
        if b.first_doc_line.starts_with("`GET ") && !plain_gets.contains(&b.name.as_str()) {
            assert!(
                is_list || is_get_one,
                "{}: {} is a GET that is neither a list nor a get-one",
                b.file,
                b.name
            );
        }
    }
}

/// The method sets, checked by the compiler: every list has `build`, `send`, `stream`,
/// `pages`; every "get one" has `build`, `send`, `send_optional`.
#[test]
fn list_and_get_one_method_sets() {
    macro_rules! methods {
        ($($t:ty: $($m:ident),+;)+) => { $($(let _ = <$t>::$m;)+)+ };
    }
    methods! {
        SearchPatients: build, send, stream, pages;
        EnhancedBestMatch: build, send, stream, pages;
        ListPatientCustomFields: build, send, stream, pages;
        ListCustomFields: build, send, stream, pages;
        OpenSlots: build, send, stream, pages;
        BookedAppointments: build, send, stream, pages;
        ListCheckInRequirements: build, send, stream, pages;
        ListAppointmentTypes: build, send, stream, pages;
        ListAppointmentReasons: build, send, stream, pages;
        ListProblems: build, send, stream, pages;
        ListVitals: build, send, stream, pages;
        ListLabResults: build, send, stream, pages;
        ListEncounters: build, send, stream, pages;
        ListDepartments: build, send, stream, pages;
        ListProviders: build, send, stream, pages;
        ListPracticeInfo: build, send, stream, pages;
        SearchAllergies: build, send, stream, pages;
        SearchMedications: build, send, stream, pages;
        SearchClaims: build, send, stream, pages;
        PatientOutstandingClaims: build, send, stream, pages;
        ListInsurances: build, send, stream, pages;
        ListDocuments: build, send, stream, pages;
        ListPatientCases: build, send, stream, pages;
        ListInbox: build, send, stream, pages;
        ListAppointmentNotes: build, send, stream, pages;
        ListWaitlist: build, send, stream, pages;
        ListClaimTransactions: build, send, stream, pages;
        PaymentHistory: build, send, stream, pages;
        ListReceipts: build, send, stream, pages;
        ListEncounterDocuments: build, send, stream, pages;
        ListPrescriptions: build, send, stream, pages;
        ListEncounterDiagnoses: build, send, stream, pages;
        ListEncounterOrders: build, send, stream, pages;
        GetPatient: build, send, send_optional;
        GetAppointment: build, send, send_optional;
        GetMedications: build, send, send_optional;
        GetAllergies: build, send, send_optional;
        GetEncounter: build, send, send_optional;
        GetEncounterSummary: build, send, send_optional;
        GetDepartment: build, send, send_optional;
        GetCheckInRequiredFields: build, send, send_optional;
        GetProvider: build, send, send_optional;
        GetClaim: build, send, send_optional;
        GetBenefitDetails: build, send, send_optional;
        GetPatientCase: build, send, send_optional;
        GetLabResultDocument: build, send, send_optional;
    }
}

fn offline() -> Practice {
    Client::builder()
        .base_url("http://127.0.0.1:9")
        .client_credentials("id", "secret")
        .build()
        .expect("client")
        .practice(PracticeId::new(195900))
}

fn d(y: i32, m: u32, day: u32) -> AthenaDate {
    AthenaDate::new(y, m, day).expect("a valid date")
}

/// An `InvalidInput` whose message names `parameter` and none of `values`.
fn assert_names(r: Result<Request>, parameter: &str, values: &[&str]) {
    let e = r.expect_err("build() refuses");
    assert_eq!(e.kind(), ErrorKind::InvalidInput, "{e}");
    let shown = format!("{e} {e:?}");
    assert!(
        shown.contains(parameter),
        "`{parameter}` not named: {shown}"
    );
    for v in values {
        assert!(!shown.contains(v), "value `{v}` shown: {shown}");
    }
}

#[test]
fn build_errors_name_the_parameter_never_the_value() {
    let p = offline();
    let dept = p.department(DepartmentId::new(1));
    let claim = || {
        p.claims().create(
            PatientId::new(1),
            DepartmentId::new(1),
            d(2026, 11, 2),
            ProviderId::new(1),
        )
    };
    assert_names(claim().build(), "claimcharges", &[]);
    let five = ClaimCharge::new("99213", 1, &["E11.9", "I10", "J45.909", "K21.9", "M54.5"]);
    assert_names(
        claim()
            .claimcharge(ClaimCharge::new("99214", 1, &["E11.9"]))
            .claimcharge(five)
            .build(),
        "claimcharges[1]",
        &["99213", "M54.5"],
    );
    assert_names(
        claim()
            .claimcharge(ClaimCharge::new("99213", 0, &["E11.9"]))
            .build(),
        "claimcharges[0].units",
        &["99213"],
    );
    assert_names(
        claim()
            .claimcharge(ClaimCharge::new(" ", 1, &["E11.9"]))
            .build(),
        "claimcharges[0].procedurecode",
        &[],
    );
    assert_names(
        claim()
            .claimcharge(ClaimCharge::new("99213", 1, &["E11.9", ""]))
            .build(),
        "claimcharges[0]",
        &["99213"],
    );
    // Four codes are athena's maximum and pass.
    let four = claim()
        .claimcharge(ClaimCharge::new(
            "99213",
            2,
            &["E11.9", "I10", "J45.909", "K21.9"],
        ))
        .build()
        .expect("four codes are fine");
    let form = four.encoded_form().unwrap_or_default();
    assert!(form.contains("icd10code4"), "{form}");

    assert_names(
        dept.documents(PatientId::new(1))
            .upload_clinical(b"", "CLINICALDOCUMENT")
            .build(),
        "attachmentcontents",
        &[],
    );
    assert_names(
        dept.encounter_documents(PatientId::new(1))
            .add(EncounterId::new(1), b"", "ENCOUNTERDOCUMENT_PROGRESSNOTE")
            .build(),
        "attachmentcontents",
        &[],
    );
    let labs = dept.lab_result_documents(PatientId::new(1));
    assert_names(
        labs.add().attachmentcontents(b"%PDF-1.4").build(),
        "attachmenttype",
        &[],
    );
    assert_names(
        labs.add().attachmenttype("PDF").build(),
        "attachmentcontents",
        &[],
    );
    assert!(
        labs.add().build().is_ok(),
        "a lab result without a file is fine"
    );
    assert_names(
        dept.slots()
            .create(ProviderId::new(1), d(2026, 11, 2))
            .build(),
        "appointmenttime",
        &[],
    );
    assert_names(
        p.patients()
            .update_custom_fields(PatientId::new(1), DepartmentId::new(1))
            .build(),
        "customfields",
        &[],
    );
    assert_names(
        dept.chart(PatientId::new(1)).add_vitals().build(),
        "vitals",
        &[],
    );
    let pay = p.patient_payments();
    assert_names(
        pay.history(&[], d(2026, 1, 1), d(2026, 2, 1)).build(),
        "patientidlist",
        &[],
    );
    assert_names(
        pay.history(&[PatientId::new(1)], d(2026, 2, 1), d(2026, 1, 1))
            .build(),
        "enddate",
        &["02/01/2026", "01/01/2026"],
    );
    assert_names(p.reference().allergies("x").build(), "searchvalue", &[]);
    assert_names(
        dept.appointments()
            .open()
            .providerid(ProviderId::new(3))
            .build(),
        "appointmenttypeid",
        &[],
    );
    assert_names(
        p.patients().search().status(PatientStatus::Active).build(),
        "lastname",
        &[],
    );
}

#[test]
fn a_setter_called_twice_sends_the_parameter_once() {
    let p = offline();
    let req = p
        .appointments()
        .book(AppointmentId::new(1), PatientId::new(2))
        .reasonid(athena_core::ids::ReasonId::new(3))
        .reasonid(athena_core::ids::ReasonId::new(4))
        .build()
        .expect("buildable");
    let form = req.encoded_form().unwrap_or_default();
    assert_eq!(form.matches("reasonid=").count(), 1, "{form}");
    assert!(form.contains("reasonid=4"), "{form}");
    let req = p
        .claims()
        .search()
        .patientid(PatientId::new(1))
        .patientid(PatientId::new(2))
        .build()
        .expect("buildable");
    let ids: Vec<_> = req
        .query_pairs()
        .iter()
        .filter(|(k, _)| k == "patientid")
        .map(|(_, v)| v.as_str())
        .collect();
    assert_eq!(ids, ["2"]);
}

async fn sandbox() -> (athena_testkit::Sandbox, Practice) {
    let sb = athena_testkit::Sandbox::start().await;
    let practice = Client::builder()
        .base_url(sb.base_url())
        .client_credentials(sb.client_id(), sb.client_secret())
        .build()
        .expect("client")
        .practice(PracticeId::new(sb.practice_id()));
    (sb, practice)
}

#[tokio::test]
async fn send_optional_is_the_one_or_none() {
    let (_sb, p) = sandbox().await;
    let dept = p.department(DepartmentId::new(1));
    let unknown = 987_654_321;
    macro_rules! or_none {
        ($($b:expr),+ $(,)?) => {$(
            assert!($b.send_optional().await.expect("a 404 is not an error").is_none());
            let e = $b.send().await.expect_err("a 404 is an error with send()");
            assert_eq!(e.kind(), ErrorKind::NotFound, "{e}");
        )+};
    }
    or_none!(
        p.patients().get(PatientId::new(unknown)),
        p.appointments().get(AppointmentId::new(unknown)),
        p.encounters().get(EncounterId::new(unknown)),
        p.departments().get(DepartmentId::new(unknown)),
        p.providers().get(ProviderId::new(unknown)),
        p.claims().get(ClaimId::new(unknown)),
        p.patient_cases(PatientId::new(1))
            .get(PatientCaseId::new(unknown)),
        dept.lab_result_documents(PatientId::new(1))
            .get(LabResultId::new(unknown)),
    );
    // Found: `send_optional` gives `Some` of what `send` gives.
    let one = p.patients().get(PatientId::new(1));
    let a = one.clone().send().await.expect("patient 1");
    let b = one.send_optional().await.expect("patient 1").expect("some");
    assert_eq!(a.patientid, b.patientid);
}

#[tokio::test]
async fn a_list_answered_in_one_piece_is_one_page() {
    let (sb, p) = sandbox().await;
    let page = p
        .custom_fields()
        .list()
        .send()
        .await
        .expect("custom fields");
    assert!(!page.items().is_empty());
    assert!(page.next().is_none());
    let pages: Vec<_> = p
        .custom_fields()
        .list()
        .pages()
        .try_collect()
        .await
        .expect("pages");
    assert_eq!(pages.len(), 1);
    assert_eq!(pages[0].items().len(), page.items().len());
    let items: Vec<_> = p
        .custom_fields()
        .list()
        .stream()
        .try_collect()
        .await
        .expect("items");
    let ids = |v: &[crate::models::CustomFieldDefinition]| {
        v.iter().map(|f| f.customfieldid).collect::<Vec<_>>()
    };
    assert_eq!(ids(&items), ids(page.items()));

    // A list that cannot be built yields its error once, without a request.
    let before = sb.stats().api_requests;
    let mut s = Box::pin(p.reference().medications("i").stream());
    let first = s.next().await.expect("one item");
    assert_eq!(first.expect_err("refused").kind(), ErrorKind::InvalidInput);
    assert!(s.next().await.is_none());
    let mut pages = Box::pin(
        p.patient_payments()
            .history(&[], d(2026, 1, 1), d(2026, 1, 2))
            .pages(),
    );
    assert!(pages.next().await.expect("one item").is_err());
    assert!(pages.next().await.is_none());
    assert_eq!(sb.stats().api_requests, before, "nothing was sent");
}

#[tokio::test]
async fn a_write_refused_by_build_sends_nothing() {
    let (sb, p) = sandbox().await;
    let before = sb.stats().api_requests;
    let e = p
        .department(DepartmentId::new(1))
        .documents(PatientId::new(1))
        .upload_clinical(b"", "CLINICALDOCUMENT")
        .send()
        .await
        .expect_err("refused");
    assert_eq!(e.kind(), ErrorKind::InvalidInput);
    let payment = p
        .department(DepartmentId::new(1))
        .payments(PatientId::new(1))
        .record("CASH")
        .claimpayment(ClaimId::new(1), "1.00".parse::<Money>().expect("money"))
        .build();
    assert!(payment.is_ok(), "a payment builds");
    let e = p
        .patients()
        .update_custom_fields(PatientId::new(1), DepartmentId::new(1))
        .send()
        .await
        .expect_err("refused");
    assert_eq!(e.kind(), ErrorKind::InvalidInput);
    assert_eq!(sb.stats().api_requests, before, "nothing was sent");
}
