//! What each builder puts on the wire (`Request::describe_for_snapshot`), pinned with insta.

use crate::common;

use athena_core::codec::{AthenaDate, AthenaTime, Money};
use athena_core::ids::*;
use athena_core::{ErrorKind, Request, RetrySafety};
use athena_rest::endpoints::claims::ClaimCharge;
use athena_rest::endpoints::values::{PatientStatus, ProblemStatus};
use athena_rest::prelude::*;

fn d(y: i32, m: u32, day: u32) -> AthenaDate {
    AthenaDate::new(y, m, day).unwrap()
}

fn snap(name: &str, req: athena_core::Result<Request>) {
    let req = req.unwrap_or_else(|e| panic!("{name}: {e}"));
    insta::assert_snapshot!(name, req.describe_for_snapshot());
}

#[test]
fn patients() {
    let p = common::offline_practice();
    let pats = p.patients();
    snap(
        "patients_search",
        pats.search()
            .lastname("Smith")
            .dob(d(1985, 1, 15))
            .status(PatientStatus::Active)
            .limit(50)
            .build(),
    );
    let err = pats
        .search()
        .status(PatientStatus::Active)
        .build()
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidInput);
    snap(
        "patients_get",
        pats.get(PatientId::new(1))
            .showinsurance(true)
            .showcustomfields(true)
            .build(),
    );
    // `send_optional()` sends the same request as `send()`.
    snap("patients_get_opt", pats.get(PatientId::new(1)).build());
    let create = pats
        .create("Ann", "Example", d(1990, 2, 3), DepartmentId::new(1))
        .email("ann@example.com")
        .mobilephone("5555550100")
        .build()
        .unwrap();
    assert_eq!(create.safety(), RetrySafety::NotIdempotent);
    snap("patients_create", Ok(create));
    snap(
        "patients_update",
        pats.update(PatientId::new(7))
            .city("Boston")
            .zip("02110")
            .build(),
    );
    snap(
        "patients_best_match",
        pats.best_match("Ann", "Example", d(1990, 2, 3))
            .minscore(20)
            .build(),
    );
    snap(
        "patients_custom_fields",
        pats.custom_fields(PatientId::new(7)).build(),
    );
    snap(
        "patients_update_custom_fields",
        pats.update_custom_fields(PatientId::new(7), DepartmentId::new(1))
            .customfield(CustomFieldId::new(22), "Foo")
            .customfield_option(CustomFieldId::new(23), 3)
            .build(),
    );
    snap("custom_fields_list", p.custom_fields().list().build());
}

#[test]
fn practice() {
    let p = common::offline_practice();
    snap(
        "departments_list",
        p.departments().list().showalldepartments(true).build(),
    );
    snap(
        "departments_get",
        p.departments().get(DepartmentId::new(2)).build(),
    );
    snap(
        "departments_checkin_required",
        p.departments()
            .checkin_required(DepartmentId::new(2))
            .build(),
    );
    snap("providers_list", p.providers().list().build());
    snap(
        "providers_get",
        p.providers().get(ProviderId::new(20)).build(),
    );
    snap("practice_info", p.practice_info().build());
    snap("ping", p.ping().build());
}

#[test]
fn scheduling() {
    let p = common::offline_practice();
    let dept = p.department(DepartmentId::new(1));
    snap(
        "appointments_open",
        dept.appointments()
            .open()
            .reasonid_any()
            .providerid(ProviderId::new(1))
            .startdate(d(2026, 11, 2))
            .enddate(d(2026, 11, 9))
            .build(),
    );
    assert_eq!(
        dept.appointments().open().build().unwrap_err().kind(),
        ErrorKind::InvalidInput
    );
    snap(
        "appointments_booked",
        dept.appointments()
            .booked(d(2026, 11, 2), d(2026, 11, 9))
            .showpatientdetail(true)
            .build(),
    );
    let a = p.appointments();
    let id = AppointmentId::new(2204083);
    snap("appointments_get", a.get(id).build());
    let book = a
        .book(id, PatientId::new(3))
        .appointmenttypeid(AppointmentTypeId::new(44))
        .bookingnote("first visit")
        .build()
        .unwrap();
    assert_eq!(book.safety(), RetrySafety::NotIdempotent);
    snap("appointments_book", Ok(book));
    snap(
        "appointments_cancel",
        a.cancel(id, PatientId::new(3))
            .cancellationreason("sick")
            .build(),
    );
    let re = a
        .reschedule(id, AppointmentId::new(2204084), PatientId::new(3))
        .build()
        .unwrap();
    assert_eq!(re.safety(), RetrySafety::NotIdempotent);
    snap("appointments_reschedule", Ok(re));
    snap(
        "appointments_update_booked",
        a.update_booked(id).providerid(ProviderId::new(2)).build(),
    );
    snap(
        "appointments_checkin_requirements",
        a.checkin_requirements(id).build(),
    );
    snap("appointments_start_checkin", a.start_checkin(id).build());
    snap("appointments_checkin", a.checkin(id).build());
    snap("appointments_cancel_checkin", a.cancel_checkin(id).build());
    snap("appointments_checkout", a.checkout(id).build());
    snap("appointment_types", p.appointment_catalog().types().build());
    snap(
        "appointment_reasons",
        p.appointment_catalog()
            .reasons(DepartmentId::new(1), ProviderId::new(1))
            .build(),
    );
}

#[test]
fn chart() {
    let p = common::offline_practice();
    let chart = p.department(DepartmentId::new(1)).chart(PatientId::new(1));
    snap("chart_problems", chart.problems().build());
    snap("chart_medications", chart.medications().build());
    snap("chart_allergies", chart.allergies().build());
    snap("chart_vitals", chart.vitals().build());
    snap(
        "chart_lab_results",
        chart.lab_results().startdate(d(2026, 1, 1)).build(),
    );
    snap("chart_encounters", chart.encounters().build());
    snap(
        "chart_add_problem",
        chart
            .add_problem(38_341_003)
            .status(ProblemStatus::Chronic)
            .build(),
    );
    snap(
        "chart_add_vitals",
        chart.add_vitals().vital("VITALS.WEIGHT", "150").build(),
    );
    snap(
        "chart_update_allergies",
        chart
            .update_allergies()
            .allergy(24640, Some("hives"))
            .nkda(false)
            .build(),
    );
    snap(
        "encounter_get",
        p.encounters().get(EncounterId::new(9)).build(),
    );
    snap(
        "encounter_summary",
        p.encounters().summary(EncounterId::new(9)).build(),
    );
}

#[test]
fn documents() {
    let p = common::offline_practice();
    let docs = p
        .department(DepartmentId::new(1))
        .documents(PatientId::new(1));
    snap("documents_list", docs.list().build());
    let up = docs
        .upload_clinical(b"%PDF-1.4", "CLINICALDOCUMENT")
        .internalnote("AI draft, please review")
        .observationdate(d(2026, 11, 2))
        .observationtime(AthenaTime::new(9, 30).unwrap())
        .build()
        .unwrap();
    assert_eq!(up.safety(), RetrySafety::NotIdempotent);
    assert!(up.describe_for_snapshot().contains("autoclose = false"));
    snap("documents_upload_clinical", Ok(up));
    snap(
        "documents_create_case",
        docs.create_case("PORTAL", "PATIENTCASE_OTHER")
            .subject("Question")
            .providerid(ProviderId::new(1))
            .build(),
    );
    let cases = p.patient_cases(PatientId::new(1));
    snap("cases_list", cases.list().build());
    snap("cases_get", cases.get(PatientCaseId::new(5)).build());
    snap(
        "cases_add_action",
        cases
            .add_action(PatientCaseId::new(5), "called back")
            .build(),
    );
    snap(
        "cases_close",
        cases.close(PatientCaseId::new(5)).closenote("done").build(),
    );
    snap("inbox_list", p.inbox(ProviderId::new(1)).list().build());
}

#[test]
fn revenue_cycle() {
    let p = common::offline_practice();
    let c = p.claims();
    snap(
        "claims_search",
        c.search()
            .patientid(PatientId::new(1))
            .servicestartdate(d(2026, 1, 1))
            .build(),
    );
    snap("claims_get", c.get(ClaimId::new(5569)).build());
    let create = c
        .create(
            PatientId::new(1),
            DepartmentId::new(1),
            d(2026, 11, 2),
            ProviderId::new(1),
        )
        .claimcharge(ClaimCharge::new("99213", 1, &["E11.9", "I10"]))
        .build()
        .unwrap();
    assert_eq!(create.safety(), RetrySafety::NotIdempotent);
    snap("claims_create", Ok(create));
    snap(
        "claims_patient_outstanding",
        c.patient_outstanding(PatientId::new(1)).build(),
    );
    let pay = p
        .department(DepartmentId::new(1))
        .payments(PatientId::new(1))
        .record("CHECK")
        .checknumber("1001")
        .claimpayment(ClaimId::new(1), "1.00".parse::<Money>().unwrap())
        .build()
        .unwrap();
    assert_eq!(pay.safety(), RetrySafety::NotIdempotent);
    snap("payments_record", Ok(pay));
}

#[test]
fn insurances() {
    let p = common::offline_practice();
    let ins = p.insurances(PatientId::new(1));
    snap("insurances_list", ins.list().showcancelled(true).build());
    snap(
        "insurances_add",
        ins.add(
            InsurancePackageId::new(1352),
            "M123",
            DepartmentId::new(1),
            1,
        )
        .insurancepolicyholderlastname("Example")
        .build(),
    );
    snap(
        "insurances_update",
        ins.update(InsuranceId::new(82)).policynumber("G-1").build(),
    );
    snap(
        "insurances_delete",
        ins.delete(InsuranceId::new(82)).build(),
    );
    snap(
        "insurances_benefit_details",
        ins.benefit_details(InsuranceId::new(82))
            .servicetypecode("30")
            .build(),
    );
    snap(
        "insurances_check_eligibility",
        ins.check_eligibility(InsuranceId::new(82))
            .dateofservice(d(2026, 11, 2))
            .build(),
    );
}
