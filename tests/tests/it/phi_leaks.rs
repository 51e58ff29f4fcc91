//! PHI leak check: the quickstart's workflow and its error paths, run in-process against the
//! sandbox with every `tracing` event and span at TRACE captured into a buffer, every error's
//! `Display` and `Debug`, and the message of a panic carrying an error. None of the PHI of the
//! patients involved (read back from the sandbox through the REST API) may appear in any of it.
//!
//! The example binaries themselves are checked by `examples/tests/it/phi_in_logs.rs`, which runs
//! every example with `RUST_LOG=trace` and scans its stderr; this in-process run adds the
//! error paths (every error's `Display`/`Debug` and a panic message).

use std::io::Write;
use std::sync::{Arc, Mutex};

use athena_core::codec::AthenaDate;
use athena_core::ids::{DepartmentId, PatientId};
use athena_core::{Client, Error, PracticeId};
use athena_rest::models::Patient;
use athena_rest::prelude::*;
use athena_testkit::Sandbox;
use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::layer::SubscriberExt;

#[derive(Clone, Default)]
struct Buffer(Arc<Mutex<Vec<u8>>>);

impl Write for Buffer {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> MakeWriter<'a> for Buffer {
    type Writer = Buffer;
    fn make_writer(&'a self) -> Self::Writer {
        self.clone()
    }
}

/// Every PHI string of a patient worth searching for (short values such as a state code or a
/// sex would match by accident and identify nobody).
fn phi_of(p: &Patient) -> Vec<String> {
    let mut out = Vec::new();
    let strings = [
        &p.firstname,
        &p.lastname,
        &p.middlename,
        &p.email,
        &p.homephone,
        &p.mobilephone,
        &p.workphone,
        &p.address1,
        &p.address2,
        &p.ssn,
        &p.guarantorfirstname,
        &p.guarantorlastname,
        &p.guarantoremail,
        &p.guarantorssn,
    ];
    for v in strings.into_iter().flatten() {
        out.push(v.expose().clone());
    }
    for d in [&p.dob, &p.guarantordob].into_iter().flatten() {
        let d = d.expose();
        out.push(d.to_string());
        out.push(d.naive().format("%Y-%m-%d").to_string());
    }
    for ins in p.insurances.iter().flatten() {
        for v in [
            &ins.insuranceidnumber,
            &ins.policynumber,
            &ins.insurancepolicyholderssn,
        ]
        .into_iter()
        .flatten()
        {
            out.push(v.expose().clone());
        }
    }
    out.retain(|s| s.trim().len() >= 4);
    // Phone numbers also appear without punctuation.
    let digits: Vec<String> = out
        .iter()
        .map(|s| s.chars().filter(char::is_ascii_digit).collect::<String>())
        .filter(|d| d.len() >= 7)
        .collect();
    out.extend(digits);
    out
}

fn record(errors: &mut String, e: &Error) {
    errors.push_str(&format!("{e}\n{e:?}\n"));
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        errors.push_str(&format!("{s}\n{s:?}\n"));
        source = s.source();
    }
}

// A current-thread runtime: the subscriber below is this thread's default, and every task of
// the test (the client's and the sandbox front's) is polled on this thread.
#[tokio::test(flavor = "current_thread")]
async fn no_phi_in_logs_errors_or_panics() {
    let logs = Buffer::default();
    let subscriber = tracing_subscriber::registry().with(
        tracing_subscriber::fmt::layer()
            .with_writer(logs.clone())
            .with_ansi(false)
            .with_span_events(tracing_subscriber::fmt::format::FmtSpan::FULL)
            .with_filter_level(),
    );
    let _logs = tracing::subscriber::set_default(subscriber);

    let sandbox = Sandbox::start().await;
    let client = Client::builder()
        .base_url(sandbox.base_url())
        .client_credentials(sandbox.client_id(), sandbox.client_secret())
        .build()
        .expect("client");
    let practice = client.practice(PracticeId::new(sandbox.practice_id()));
    let mut errors = String::new();

    // The patients involved, read back with their PHI (outside the captured text).
    let ids = [PatientId::new(1), PatientId::new(2), PatientId::new(3)];
    let mut patients = Vec::new();
    for id in ids {
        patients.push(
            practice
                .patients()
                .get(id)
                .showinsurance(true)
                .send()
                .await
                .expect("patient"),
        );
    }
    let subject = &patients[0];
    assert!(
        phi_of(subject).len() >= 6,
        "the subject has PHI to look for"
    );
    let first = subject
        .firstname
        .as_ref()
        .expect("first name")
        .expose()
        .clone();
    let last = subject
        .lastname
        .as_ref()
        .expect("last name")
        .expose()
        .clone();
    let dob = *subject.dob.as_ref().expect("dob").expose();

    // Quickstart: ping, departments, patient search, chart reads, open slots, book.
    practice.ping().send().await.expect("ping");
    let departments = practice
        .departments()
        .list()
        .send()
        .await
        .expect("departments");
    assert!(!departments.items().is_empty());
    let found = practice
        .patients()
        .search()
        .lastname(last.clone())
        .firstname(first.clone())
        .dob(dob)
        .send()
        .await
        .expect("search");
    assert!(!found.items().is_empty(), "the search finds the subject");
    let dept = practice.department(DepartmentId::new(1));
    dept.chart(ids[0])
        .problems()
        .send()
        .await
        .expect("problems");
    dept.chart(ids[0])
        .allergies()
        .send()
        .await
        .expect("allergies");
    dept.chart(ids[0])
        .medications()
        .send()
        .await
        .expect("medications");
    let slots = dept
        .appointments()
        .open()
        .reasonid_any()
        .send()
        .await
        .expect("slots");
    let slot = slots.items()[0].appointmentid.expect("slot id");
    let booked = practice.appointments().book(slot, ids[0]).send().await;
    assert!(booked.is_ok(), "booking");

    // Error paths. 409: the slot is taken now.
    let taken = practice
        .appointments()
        .book(slot, ids[1])
        .send()
        .await
        .expect_err("409");
    assert!(taken.is_conflict());
    record(&mut errors, &taken);
    // 400 with missingfields: a registration with the subject's demographics but no contact.
    let missing = practice
        .patients()
        .create(first.clone(), last.clone(), dob, DepartmentId::new(1))
        .send()
        .await;
    if let Err(e) = &missing {
        record(&mut errors, e);
    }
    // 400 echoing a submitted value: an impossible date of birth next to real names.
    let bad = practice
        .patients()
        .create(
            first.clone(),
            last.clone(),
            AthenaDate::new(1900, 1, 1).expect("date"),
            DepartmentId::new(999),
        )
        .zip("02134")
        .send()
        .await
        .expect_err("bad department");
    record(&mut errors, &bad);
    // 404.
    let absent = practice
        .patients()
        .get(PatientId::new(9_999_999))
        .send()
        .await
        .expect_err("404");
    record(&mut errors, &absent);
    // A panic carrying an error (what `.expect()` on a failed call prints).
    let panic = std::panic::catch_unwind(std::panic::AssertUnwindSafe(move || {
        let r: Result<(), Error> = std::hint::black_box(Err(taken));
        r.expect("booking failed");
    }))
    .expect_err("panics");
    let panic_text = panic
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
        .unwrap_or_default();
    assert!(panic_text.contains("booking failed"));
    errors.push_str(&panic_text);

    let captured =
        String::from_utf8_lossy(&logs.0.lock().unwrap_or_else(|e| e.into_inner())).into_owned();
    assert!(
        captured.contains("athena.request"),
        "the capture holds the SDK's spans"
    );
    assert!(
        captured.contains("/v1/{practiceid}/patients"),
        "routes are logged as templates"
    );
    let mut leaks = Vec::new();
    for p in &patients {
        for value in phi_of(p) {
            for (what, text) in [("logs", &captured), ("errors/panics", &errors)] {
                if text.contains(&value) {
                    leaks.push(format!(
                        "{what} contain a PHI value of {} chars",
                        value.len()
                    ));
                }
            }
        }
    }
    // The captured text is large enough to mean something.
    assert!(
        captured.len() > 1_000,
        "captured {} bytes of logs",
        captured.len()
    );
    assert!(leaks.is_empty(), "PHI leaked: {leaks:?}");
}

/// `with_filter_level` keeps the layer at TRACE whatever `RUST_LOG` says.
trait TraceLevel: Sized {
    fn with_filter_level(
        self,
    ) -> tracing_subscriber::filter::Filtered<
        Self,
        tracing_subscriber::filter::LevelFilter,
        tracing_subscriber::Registry,
    >;
}

impl<L> TraceLevel for L
where
    L: tracing_subscriber::Layer<tracing_subscriber::Registry>,
{
    fn with_filter_level(
        self,
    ) -> tracing_subscriber::filter::Filtered<
        Self,
        tracing_subscriber::filter::LevelFilter,
        tracing_subscriber::Registry,
    > {
        tracing_subscriber::Layer::with_filter(self, tracing_subscriber::filter::LevelFilter::TRACE)
    }
}
