//! Every endpoint against the testkit sandbox (an independent fake of athena), with its
//! error paths.

use crate::common;

use athena_core::ErrorKind;
use athena_core::codec::{AthenaDate, Money};
use athena_core::ids::{
    AppointmentId, ClaimId, DepartmentId, EncounterId, PatientCaseId, PatientId, ProviderId,
};
use athena_rest::endpoints::claims::ClaimCharge;
use athena_rest::endpoints::scheduling::Booking;
use athena_rest::models::AppointmentStatus;
use athena_rest::prelude::*;
use futures::{StreamExt, TryStreamExt};

fn date(d: chrono::NaiveDate) -> AthenaDate {
    AthenaDate::from(d)
}

#[tokio::test]
async fn practice_departments_providers_ping() {
    let (_sb, practice) = common::sandbox().await;
    assert!(practice.ping().send().await.unwrap());

    let page = practice.departments().list().send().await.unwrap();
    assert!(!page.items().is_empty());
    let d = &page.items()[0];
    assert!(d.departmentid.is_some());
    assert!(
        d.timezonename.is_some(),
        "timezonename decodes into DepartmentTimeZone"
    );

    let one = practice
        .departments()
        .get(DepartmentId::new(2))
        .send()
        .await
        .unwrap();
    assert_eq!(one.departmentid, Some(DepartmentId::new(2)));
    let missing = practice
        .departments()
        .get(DepartmentId::new(999_999))
        .send_optional()
        .await
        .unwrap();
    assert!(missing.is_none());

    let providers = practice.providers().list().send().await.unwrap();
    let pid = providers.items()[0].providerid.unwrap();
    let p = practice.providers().get(pid).send().await.unwrap();
    assert_eq!(p.providerid, Some(pid));
    let err = practice
        .providers()
        .get(ProviderId::new(999_999))
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotFound);

    let info = practice.practice_info().send().await.unwrap();
    assert!(!info.items().is_empty());

    let fields = practice.custom_fields().list().send().await.unwrap();
    assert!(fields.items().iter().all(|f| f.customfieldid.is_some()));

    // Unknown practice: a typed 404.
    let other = practice
        .client()
        .practice(athena_core::PracticeId::new(999_999));
    assert_eq!(
        other.ping().send().await.unwrap_err().kind(),
        ErrorKind::NotFound
    );
}

#[tokio::test]
async fn patients_search_get_create_update() {
    let (_sb, practice) = common::sandbox().await;
    let patients = practice.patients();

    // No criterion: refused before anything is sent.
    let err = patients.search().send().await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidInput);
    let err = patients
        .search()
        .stream()
        .next()
        .await
        .unwrap()
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidInput);

    let one = patients
        .get(PatientId::new(1))
        .showinsurance(true)
        .send()
        .await
        .unwrap();
    assert_eq!(one.patientid, Some(PatientId::new(1)));
    assert!(!format!("{one:?}").contains(one.lastname.as_ref().unwrap().expose().as_str()));
    let lastname = one.lastname.clone().unwrap().into_inner();
    let dob = *one.dob.as_ref().unwrap().expose();

    let page = patients
        .search()
        .lastname(lastname.clone())
        .dob(dob)
        .send()
        .await
        .unwrap();
    assert!(
        page.items()
            .iter()
            .any(|p| p.patientid == Some(PatientId::new(1)))
    );

    let first = patients
        .search()
        .departmentid(DepartmentId::new(1))
        .limit(5)
        .send()
        .await
        .unwrap();
    let total = first.total_count().unwrap() as usize;
    assert!(total > 5 && first.has_next());
    let all: Vec<_> = patients
        .search()
        .departmentid(DepartmentId::new(1))
        .limit(5)
        .stream()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(all.len(), total, "streams across pages");
    // The same walk as a stream of pages: every page but the last is `limit` long, and
    // each carries `totalcount`.
    let pages: Vec<_> = patients
        .search()
        .departmentid(DepartmentId::new(1))
        .limit(5)
        .pages()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(pages.len(), total.div_ceil(5));
    assert!(pages.iter().all(|p| p.total_count() == Some(total as u64)));
    assert!(
        pages[..pages.len() - 1]
            .iter()
            .all(|p| p.items().len() == 5)
    );
    assert_eq!(pages.iter().map(|p| p.items().len()).sum::<usize>(), total);
    // A page size of 0 is refused before anything is sent.
    let err = patients
        .search()
        .departmentid(DepartmentId::new(1))
        .limit(0)
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidInput, "{err}");

    assert!(
        patients
            .get(PatientId::new(99_999_999))
            .send_optional()
            .await
            .unwrap()
            .is_none()
    );
    assert_eq!(
        patients
            .get(PatientId::new(99_999_999))
            .send()
            .await
            .unwrap_err()
            .kind(),
        ErrorKind::NotFound
    );

    // Create; a second identical create returns the SAME id (athena's best match).
    let dob = AthenaDate::new(1970, 3, 4).unwrap();
    let id = patients
        .create("Waylon", "Smithers", dob, DepartmentId::new(1))
        .email("ws@example.com")
        .send()
        .await
        .unwrap();
    let again = patients
        .create("Waylon", "Smithers", dob, DepartmentId::new(1))
        .email("ws@example.com")
        .send()
        .await
        .unwrap();
    assert_eq!(id, again);

    // Missing contact field: 400 with missingfields.
    let err = patients
        .create("No", "Contact", dob, DepartmentId::new(1))
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::BadRequest);

    let updated = patients
        .update(id)
        .city("Springfield")
        .send()
        .await
        .unwrap();
    assert_eq!(updated, id);
    let p = patients.get(id).send().await.unwrap();
    assert!(p.city.unwrap().expose().eq_ignore_ascii_case("Springfield"));

    let matches = patients
        .best_match("Waylon", "Smithers", dob)
        .send()
        .await
        .unwrap()
        .into_items();
    assert_eq!(matches[0].patientid, Some(id));
    assert!(matches[0].score.is_some());
}

#[tokio::test]
async fn patient_custom_fields_and_insurances() {
    let (_sb, practice) = common::sandbox().await;
    let patients = practice.patients();
    let defs = practice.custom_fields().list().send().await.unwrap();
    let field = defs
        .items()
        .iter()
        .find(|f| f.select != Some(true) && f.disallowupdate != Some(true))
        .and_then(|f| f.customfieldid)
        .expect("a free-text field");
    let res = patients
        .update_custom_fields(PatientId::new(1), DepartmentId::new(1))
        .customfield(field, "hello")
        .send()
        .await
        .unwrap();
    assert_eq!(res.updatedcount, Some(1));
    let values = patients
        .custom_fields(PatientId::new(1))
        .send()
        .await
        .unwrap();
    assert!(
        values
            .items()
            .iter()
            .any(|v| v.customfieldid == Some(field))
    );
    let err = patients
        .update_custom_fields(PatientId::new(1), DepartmentId::new(1))
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidInput);

    let ins = practice.insurances(PatientId::new(1));
    let before = ins.list().send().await.unwrap();
    let added = ins
        .add(
            athena_core::ids::InsurancePackageId::new(1352),
            "MEMBER123",
            DepartmentId::new(1),
            2,
        )
        .insurancepolicyholderfirstname("Ann")
        .insurancepolicyholderlastname("Example")
        .relationshiptoinsuredid(1)
        .send()
        .await
        .unwrap();
    let iid = added.insuranceid.expect("new insurance id");
    let after = ins.list().send().await.unwrap();
    assert_eq!(after.items().len(), before.items().len() + 1);
    ins.update(iid).policynumber("G-1").send().await.unwrap();
    ins.delete(iid)
        .cancellationnote("test")
        .send()
        .await
        .unwrap();
    let err = ins
        .delete(athena_core::ids::InsuranceId::new(999_999))
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotFound);
}

#[tokio::test]
async fn scheduling_open_book_conflict_reschedule_cancel_checkin() {
    let (sb, practice) = common::sandbox().await;
    let dept = practice.department(DepartmentId::new(1));
    let today = date(sb.today());
    let later = date(sb.today() + chrono::Duration::days(14));

    assert_eq!(
        dept.appointments().open().send().await.unwrap_err().kind(),
        ErrorKind::InvalidInput
    );
    let slots = dept
        .appointments()
        .open()
        .reasonid_any()
        .startdate(today)
        .enddate(later)
        .send()
        .await
        .unwrap();
    assert!(slots.items().len() >= 2);
    let slot = slots.items()[0].appointmentid.unwrap();
    let slot2 = slots.items()[1].appointmentid.unwrap();

    let appts = practice.appointments();
    let booked = appts.book(slot, PatientId::new(3)).send().await.unwrap();
    assert_eq!(booked.patientid, Some(PatientId::new(3)));
    assert_eq!(booked.appointmentstatus, Some(AppointmentStatus::Future));

    // Booking again: 409 → Conflict, and SlotTaken through the helper.
    let err = appts
        .book(slot, PatientId::new(4))
        .send()
        .await
        .unwrap_err();
    assert!(err.is_slot_taken());
    assert!(matches!(
        appts
            .book(slot, PatientId::new(4))
            .send_or_taken()
            .await
            .unwrap(),
        Booking::SlotTaken
    ));

    let got = appts.get(slot).send().await.unwrap();
    assert_eq!(got.appointmentid, Some(slot));
    assert!(
        appts
            .get(AppointmentId::new(999_999_999))
            .send_optional()
            .await
            .unwrap()
            .is_none()
    );

    let list = dept
        .appointments()
        .booked(today, later)
        .patientid(PatientId::new(3))
        .showpatientdetail(true)
        .send()
        .await
        .unwrap();
    assert!(list.items().iter().any(|a| a.appointmentid == Some(slot)));

    // Reschedule answers the NEW appointment.
    let new = appts
        .reschedule(slot, slot2, PatientId::new(3))
        .send()
        .await
        .unwrap();
    assert_eq!(new.appointmentid, Some(slot2));

    // Update booked: bare 1, or a bare error string.
    appts
        .update_booked(slot2)
        .providerid(ProviderId::new(1))
        .send()
        .await
        .unwrap();
    let err = appts
        .update_booked(slot2)
        .providerid(ProviderId::new(987_654))
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Unsuccessful);

    // Check-in flow.
    let sections = appts
        .checkin_requirements(slot2)
        .send()
        .await
        .unwrap()
        .into_items();
    assert_eq!(sections[0].name.as_deref(), Some("Check In"));
    assert_eq!(
        sections[0].fields.as_ref().map(Vec::len),
        Some(1),
        "a lone object is a list"
    );
    assert!(sections.iter().all(|s| s.decode_warnings().is_empty()));
    appts.start_checkin(slot2).send().await.unwrap();
    appts.checkin(slot2).send().await.unwrap();
    appts.checkout(slot2).send().await.unwrap();

    // Cancel another booking.
    let slot3 = slots.items()[2].appointmentid.unwrap();
    appts.book(slot3, PatientId::new(5)).send().await.unwrap();
    let c = appts
        .cancel(slot3, PatientId::new(5))
        .cancellationreason("test")
        .send()
        .await
        .unwrap();
    assert_eq!(c.status, Some(AppointmentStatus::Cancelled));

    let types = practice.appointment_catalog().types().send().await.unwrap();
    assert!(!types.items().is_empty());
}

#[tokio::test]
async fn chart_reads_and_writes() {
    let (_sb, practice) = common::sandbox().await;
    let dept = practice.department(DepartmentId::new(1));
    let chart = dept.chart(PatientId::new(1));

    let problems = chart.problems().send().await.unwrap();
    let meds = chart.medications().send().await.unwrap();
    assert!(meds.medications.is_some());
    let labs = dept
        .chart(PatientId::new(2))
        .lab_results()
        .send()
        .await
        .unwrap();
    assert!(labs.items().iter().all(|l| l.labresultid.is_some()));
    let vitals = dept.chart(PatientId::new(2)).vitals().send().await.unwrap();
    assert!(vitals.items().iter().all(|v| v.readings.is_some()));

    // success:false in a 200 → Unsuccessful.
    let err = chart.add_problem(0).send().await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Unsuccessful);
    let created = chart.add_problem(38_341_003).send().await.unwrap();
    let after = chart.problems().send().await.unwrap();
    assert_eq!(after.items().len(), problems.items().len() + 1);
    assert!(
        after
            .items()
            .iter()
            .any(|p| p.problemid == created.problemid)
    );

    chart
        .add_vitals()
        .vital("VITALS.WEIGHT", "150")
        .send()
        .await
        .unwrap();
    assert_eq!(
        chart.add_vitals().send().await.unwrap_err().kind(),
        ErrorKind::InvalidInput
    );
    chart
        .update_allergies()
        .allergy(24640, Some("hives"))
        .send()
        .await
        .unwrap();
    let allergies = chart.allergies().send().await.unwrap();
    assert_eq!(allergies.allergies.unwrap()[0].allergenid, Some(24640));

    let encs = chart.encounters().send().await.unwrap();
    let enc = encs.items()[0].encounterid.unwrap();
    let e = practice.encounters().get(enc).send().await.unwrap();
    assert_eq!(e.encounterid, Some(enc));
    let summary = practice.encounters().summary(enc).send().await.unwrap();
    assert!(summary.summaryhtml.unwrap().expose().starts_with("<html>"));
    assert!(
        practice
            .encounters()
            .get(EncounterId::new(999_999_999))
            .send_optional()
            .await
            .unwrap()
            .is_none()
    );
}

#[tokio::test]
async fn documents_cases_inbox() {
    let (_sb, practice) = common::sandbox().await;
    let dept = practice.department(DepartmentId::new(1));
    let docs = dept.documents(PatientId::new(1));

    let up = docs
        .upload_clinical(b"%PDF-1.4 test", "CLINICALDOCUMENT")
        .internalnote("please review")
        .send()
        .await
        .unwrap();
    assert!(up.clinicaldocumentid.is_some());
    let _list = docs.list().send().await.unwrap();

    let err = docs
        .create_case("patient", "PATIENTCASE_OTHER")
        .providerid(ProviderId::new(1))
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::BadRequest);
    let case = docs
        .create_case("PORTAL", "PATIENTCASE_OTHER")
        .providerid(ProviderId::new(1))
        .subject("Question")
        .send()
        .await
        .unwrap()
        .patientcaseid
        .unwrap();

    let cases = practice.patient_cases(PatientId::new(1));
    assert!(
        cases
            .list()
            .send()
            .await
            .unwrap()
            .items()
            .iter()
            .any(|c| c.patientcaseid == Some(case))
    );
    assert_eq!(
        cases.get(case).send().await.unwrap().patientcaseid,
        Some(case)
    );
    assert!(
        cases
            .get(PatientCaseId::new(999_999))
            .send_optional()
            .await
            .unwrap()
            .is_none()
    );
    cases.add_action(case, "called back").send().await.unwrap();

    let inbox = practice
        .inbox(ProviderId::new(1))
        .list()
        .send()
        .await
        .unwrap();
    assert!(!inbox.items().is_empty());
    cases.close(case).closenote("done").send().await.unwrap();
    assert_eq!(
        practice
            .inbox(ProviderId::new(999_999))
            .list()
            .send()
            .await
            .unwrap_err()
            .kind(),
        ErrorKind::NotFound
    );
}

#[tokio::test]
async fn claims_and_payments() {
    let (sb, practice) = common::sandbox().await;
    let claims = practice.claims();
    let page = claims.search().limit(2).send().await.unwrap();
    let claim = page.items()[0].claimid.unwrap();
    let got = claims.get(claim).send().await.unwrap();
    assert_eq!(got.claimid, Some(claim));
    assert!(
        claims
            .get(ClaimId::new(999_999_999))
            .send_optional()
            .await
            .unwrap()
            .is_none()
    );

    let created = claims
        .create(
            PatientId::new(1),
            DepartmentId::new(1),
            date(sb.today()),
            ProviderId::new(1),
        )
        .claimcharge(ClaimCharge::new("99213", 1, &["E11.9"]))
        .send()
        .await
        .unwrap();
    assert_eq!(created.claimids.unwrap().len(), 1);
    assert_eq!(
        claims
            .create(
                PatientId::new(1),
                DepartmentId::new(1),
                date(sb.today()),
                ProviderId::new(1)
            )
            .send()
            .await
            .unwrap_err()
            .kind(),
        ErrorKind::InvalidInput
    );

    let _outstanding = claims
        .patient_outstanding(PatientId::new(1))
        .send()
        .await
        .unwrap();

    let paid = practice
        .department(DepartmentId::new(1))
        .payments(PatientId::new(1))
        .record("CASH")
        .otheramount("10.00".parse::<Money>().unwrap())
        .send()
        .await
        .unwrap();
    assert!(paid.paymentbatchid.is_some());
}

#[tokio::test]
async fn reasons_checkin_fields_and_eligibility_against_the_sandbox() {
    let (_sb, practice) = common::sandbox().await;
    let reasons = practice
        .appointment_catalog()
        .reasons(DepartmentId::new(1), ProviderId::new(1))
        .send()
        .await
        .unwrap();
    assert!(!reasons.items().is_empty());
    assert!(reasons.items().iter().all(|r| r.reasonid.is_some()));

    let fields = practice
        .departments()
        .checkin_required(DepartmentId::new(1))
        .send()
        .await
        .unwrap();
    assert!(!fields.fieldlist.unwrap_or_default().is_empty());
    let err = practice
        .departments()
        .checkin_required(DepartmentId::new(999_999))
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotFound);

    let ins = practice.insurances(PatientId::new(1));
    let list = ins.list().send().await.unwrap();
    let iid = list
        .items()
        .iter()
        .find_map(|i| i.insuranceid)
        .expect("patient 1 has an insurance");
    let details = ins.benefit_details(iid).send().await.unwrap();
    assert!(details.eligibilitystatus.is_some());
    assert!(details.dateofservice.is_some());
    ins.check_eligibility(iid).send().await.unwrap();
    let err = ins
        .benefit_details(athena_core::ids::InsuranceId::new(999_999))
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotFound);
}
