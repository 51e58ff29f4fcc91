//! Decodes a 1,000-item booked-appointments page into the typed models (through
//! `athena_core::paging::decode_page`) and into `serde_json::Value`, same bytes, same run,
//! and prints MB/s for both and the ratio. `cargo bench -p athena-rest`.

use std::hint::black_box;
use std::time::{Duration, Instant};

use athena_core::decode::Endpoint;
use athena_core::paging::decode_page;
use athena_rest::models::Appointment;

/// A page modelled on the recorded `/appointments/booked` items (ids as strings and numbers,
/// string booleans in the embedded patient, copay objects, notes).
const STATUSES: [&str; 5] = ["f", "x", "2", "3", "4"];

fn page_bytes(n: usize) -> Vec<u8> {
    let mut items = Vec::with_capacity(n);
    for i in 0..n {
        let id = 3000 + i;
        let day = 1 + i % 28;
        let hour = 8 + i % 9;
        let mut item = serde_json::json!({
            "date": format!("10/{day:02}/2020"),
            "appointmentid": id.to_string(),
            "starttime": format!("{hour:02}:{:02}", (i % 4) * 15),
            "departmentid": if i % 2 == 0 { serde_json::json!("1") } else { serde_json::json!(1) },
            "appointmentstatus": STATUSES[i % 5],
            "scheduledby": "fterragna",
            "patientid": (1 + i % 400).to_string(),
            "duration": 30,
            "templateappointmenttypeid": "11",
            "hl7providerid": 1,
            "lastmodifiedby": "fterragna",
            "appointmentcopay": {"collectedforother": 0, "collectedforappointment": 0, "insurancecopay": 0},
            "copay": 0,
            "appointmenttypeid": "11",
            "lastmodified": "07/15/2020 13:01:49",
            "appointmenttype": "FOLLOW UP 30 - Virtual",
            "providerid": (1 + i % 12).to_string(),
            "chargeentrynotrequired": false,
            "scheduleddatetime": "07/15/2020 13:01:49",
            "coordinatorenterprise": false,
            "templateappointmentid": id.to_string(),
            "appointmentnotes": [{"displayonschedule": false, "text": "Follow-up visit", "id": 1103 + i}],
            "patientappointmenttypename": "FOLLOW UP 30 - Virtual"
        });
        if i % 3 == 0 {
            item["patient"] = serde_json::json!({
                "patientid": (1 + i % 400).to_string(), "firstname": "Donna", "lastname": "Sandboxtest",
                "dob": "01/15/1985", "sex": "F", "portalaccessgiven": "true", "homephone": "5555550100",
                "status": "active", "departmentid": "1", "email": "donna@example.invalid"
            });
        }
        items.push(item);
    }
    serde_json::to_vec(&serde_json::json!({"appointments": items, "totalcount": n})).expect("json")
}

fn measure(name: &str, bytes: &[u8], mut f: impl FnMut(&[u8])) -> f64 {
    // Warm up, then run for a fixed time budget.
    for _ in 0..5 {
        f(bytes);
    }
    let budget = Duration::from_secs(3);
    let start = Instant::now();
    let mut iters = 0u64;
    while start.elapsed() < budget {
        f(bytes);
        iters += 1;
    }
    let secs = start.elapsed().as_secs_f64();
    let mbps = (bytes.len() as f64 * iters as f64) / secs / 1e6;
    println!("{name:>28}: {iters:>6} iterations, {mbps:>8.1} MB/s");
    mbps
}

fn main() {
    let bytes = page_bytes(1000);
    let endpoint = Endpoint {
        method: "GET",
        route: "/v1/{practiceid}/appointments/booked",
    };
    println!("page: 1000 appointments, {} bytes", bytes.len());
    let typed = measure("typed (decode_page)", &bytes, |b| {
        let page = decode_page::<Appointment>(b, "appointments", endpoint).expect("typed decode");
        black_box(page);
    });
    let value = measure("serde_json::Value", &bytes, |b| {
        let v: serde_json::Value = serde_json::from_slice(b).expect("value decode");
        black_box(v);
    });
    println!("typed / Value throughput ratio: {:.2}", typed / value);
}
