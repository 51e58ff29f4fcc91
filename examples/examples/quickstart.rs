//! The main workflow in one run: authenticate, list departments, find a patient, read a
//! chart summary, find open slots, book one.
//!
//! ```sh
//! cargo run --example quickstart            # against a local sandbox
//! ATHENA_CLIENT_ID=… ATHENA_CLIENT_SECRET=… ATHENA_PRACTICE_ID=195900 \
//!     cargo run --example quickstart        # against athenahealth's preview sandbox
//! ```

use athena::DepartmentId;
use athena::prelude::*;
use athena::rest::endpoints::scheduling::Booking;
use athena::sandbox::{TEST_LASTNAME, connect_or_sandbox};
use athena_examples::{BoxError, initials};

#[tokio::main]
async fn main() -> Result<(), BoxError> {
    athena_examples::init_tracing();
    let session = connect_or_sandbox().await?;
    println!("Talking to {}", session.description());
    let practice = session.practice();

    // 1. Authenticate: the first call fetches a token (and caches it for the hour).
    let alive = practice.ping().send().await?;
    println!(
        "\n1. Authenticated; ping answered {}",
        if alive { "Pong" } else { "without Pong" }
    );

    // 2. Departments, each with the time zone its local times are in.
    let departments = practice.departments().list().send().await?;
    println!("\n2. {} departments:", departments.items().len());
    for d in departments.items().iter().take(5) {
        println!(
            "   #{:<6} {:<36} {}",
            d.departmentid.map(|i| i.to_string()).unwrap_or_default(),
            d.name.as_deref().unwrap_or("(unnamed)"),
            d.timezonename
                .as_ref()
                .map(|z| z.name().to_owned())
                .unwrap_or_default(),
        );
    }
    let department_info = departments
        .items()
        .iter()
        .find(|d| d.departmentid.is_some())
        .ok_or("no department to work in")?;
    let department_id: DepartmentId = department_info.departmentid.ok_or("no department id")?;
    let department = practice.department(department_id);

    // 3. A patient search (athena requires at least one criterion).
    let lastname =
        std::env::var("ATHENA_QUICKSTART_LASTNAME").unwrap_or_else(|_| TEST_LASTNAME.to_owned());
    let found = practice
        .patients()
        .search()
        .lastname(&lastname)
        .send()
        .await?;
    let patient = found
        .items()
        .iter()
        .find(|p| p.patientid.is_some())
        .ok_or("no patient found; set ATHENA_QUICKSTART_LASTNAME")?;
    let patient_id = patient.patientid.ok_or("no patient id")?;
    println!(
        "\n3. Patient search by last name: {} found (total {}); using patient #{patient_id} ({})",
        found.items().len(),
        found.total_count().unwrap_or(found.items().len() as u64),
        initials(
            patient.firstname.as_ref().map(|n| n.expose().as_str()),
            patient.lastname.as_ref().map(|n| n.expose().as_str()),
        ),
    );

    // 4. Chart summary, in the department (athena needs `departmentid` for chart calls).
    let chart = department.chart(patient_id);
    let problems = chart.problems().send().await?;
    let medications = chart.medications().send().await?;
    let allergies = chart.allergies().send().await?;
    let vitals = chart.vitals().send().await?;
    println!("\n4. Chart summary for patient #{patient_id}:");
    println!("   problems:    {}", problems.items().len());
    for p in problems.items().iter().take(3) {
        println!(
            "     - {} ({} {})",
            p.name.as_deref().unwrap_or("?"),
            p.codeset.as_deref().unwrap_or(""),
            p.code.as_deref().unwrap_or("")
        );
    }
    println!(
        "   medications: {}",
        medications.medications.as_ref().map_or(0, Vec::len)
    );
    println!(
        "   allergies:   {}{}",
        allergies.allergies.as_ref().map_or(0, Vec::len),
        if allergies.nkda == Some(true) {
            " (NKDA)"
        } else {
            ""
        }
    );
    println!("   vitals:      {} sets", vitals.items().len());

    // 5. Open slots in the department (any web-schedulable reason).
    let open = department
        .appointments()
        .open()
        .reasonid_any()
        .send()
        .await?;
    println!(
        "\n5. {} open slots in department #{department_id}; the first few:",
        open.items().len()
    );
    let zone = department_info.timezonename;
    for slot in open.items().iter().take(3) {
        let when = match (&slot.date, &slot.starttime) {
            (Some(d), Some(t)) => format!("{d} {t}"),
            _ => "?".to_owned(),
        };
        let utc = match (&zone, &slot.date, &slot.starttime) {
            (Some(z), Some(d), Some(t)) => z
                .to_utc(*d, *t)
                .map(|u| format!(" = {} UTC", u.format("%Y-%m-%d %H:%M")))
                .unwrap_or_default(),
            _ => String::new(),
        };
        println!(
            "   slot #{:<8} {when} ({}){utc}",
            slot.appointmentid
                .map(|i| i.to_string())
                .unwrap_or_default(),
            zone.as_ref().map(|z| z.name()).unwrap_or("department time"),
        );
    }

    // 6. Book one. A booking is never retried automatically (it may have been applied);
    //    a slot taken in the meantime comes back as `Booking::SlotTaken`, so try the next.
    for slot in open.items().iter().filter_map(|s| s.appointmentid).take(5) {
        match practice
            .appointments()
            .book(slot, patient_id)
            .send_or_taken()
            .await?
        {
            Booking::Booked(appointment) => {
                println!(
                    "\n6. Booked appointment #{} for patient #{patient_id} on {} at {} (status {:?})",
                    appointment.appointmentid.unwrap_or(slot),
                    appointment.date.map(|d| d.to_string()).unwrap_or_default(),
                    appointment
                        .starttime
                        .map(|t| t.to_string())
                        .unwrap_or_default(),
                    appointment.appointmentstatus,
                );
                return Ok(());
            }
            Booking::SlotTaken => println!("   slot #{slot} was taken meanwhile; trying the next"),
            _ => println!("   slot #{slot} could not be booked; trying the next"),
        }
    }
    Err("no open slot could be booked".into())
}
