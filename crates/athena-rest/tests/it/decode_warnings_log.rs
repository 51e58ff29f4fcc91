//! The `tracing` event for a field kept raw names the route template and the JSON path, never
//! the value. The subscriber is scoped to this test's thread (`with_default`), and the
//! per-callsite interest cache is rebuilt while it is installed, so tests decoding on other
//! threads without a subscriber cannot hide the event from it.

use athena_core::decode::Endpoint;
use athena_core::paging::decode_page;
use athena_rest::models::Appointment;

const EP: Endpoint = Endpoint {
    method: "GET",
    route: "/v1/{practiceid}/appointments/booked",
};

#[test]
fn the_tracing_event_names_the_route_and_path_never_the_value() {
    use std::sync::{Arc, Mutex};
    #[derive(Clone, Default)]
    struct Buf(Arc<Mutex<Vec<u8>>>);
    impl std::io::Write for Buf {
        fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(b);
            Ok(b.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let buf = Buf::default();
    let writer = buf.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .finish();
    let body = br#"{"appointments": [{"appointmentid": 1}, {"appointmentid": 2,
        "patient": {"dob": "Sandboxtest-1985"}}], "totalcount": 2}"#;
    tracing::subscriber::with_default(subscriber, || {
        tracing::callsite::rebuild_interest_cache();
        let page = decode_page::<Appointment>(body, "appointments", EP).unwrap();
        assert_eq!(page.warnings().len(), 1);
    });
    let out = String::from_utf8(buf.0.lock().unwrap().clone()).unwrap();
    assert!(out.contains("WARN"), "{out}");
    assert!(
        out.contains("/v1/{practiceid}/appointments/booked"),
        "{out}"
    );
    assert!(out.contains("appointments[1].patient.dob"), "{out}");
    assert!(!out.contains("Sandboxtest"), "the value leaked: {out}");
}
