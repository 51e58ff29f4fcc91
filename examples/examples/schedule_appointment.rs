//! An appointment's whole life: find an open slot, book it, see that booking the same slot
//! again is a typed conflict, check the patient in and out; then book another, reschedule it,
//! and cancel the rescheduled one. The status is shown after every step.
//!
//! ```sh
//! cargo run --example schedule_appointment            # against a local sandbox
//! ATHENA_CLIENT_ID=… ATHENA_CLIENT_SECRET=… ATHENA_PRACTICE_ID=195900 \
//!     cargo run --example schedule_appointment        # athenahealth's preview sandbox
//! ```
//!
//! Bookings and reschedules are never retried by the SDK (athena has no idempotency key, so a
//! retry after a timeout could book twice); a taken slot is `Booking::SlotTaken`, or an error
//! whose `is_slot_taken()` is true.

use athena::ids::AppointmentId;
use athena::prelude::*;
use athena::rest::endpoints::scheduling::Booking;
use athena::rest::models::{Appointment, AppointmentStatus};
use athena::sandbox::{TEST_LASTNAME, connect_or_sandbox};
use athena::{DepartmentId, Practice};
use athena_examples::{BoxError, initials};

#[tokio::main]
async fn main() -> Result<(), BoxError> {
    athena_examples::init_tracing();
    let session = connect_or_sandbox().await?;
    println!("Talking to {}", session.description());
    let practice = session.practice();

    // Two patients: one to book for, one who tries to take the same slot.
    let found = practice
        .patients()
        .search()
        .lastname(TEST_LASTNAME)
        .send()
        .await?;
    let patients: Vec<_> = found
        .items()
        .iter()
        .filter_map(|p| {
            Some((
                p.patientid?,
                initials(
                    p.firstname.as_ref().map(|n| n.expose().as_str()),
                    p.lastname.as_ref().map(|n| n.expose().as_str()),
                ),
            ))
        })
        .take(2)
        .collect();
    let [(patient, patient_initials), (other, other_initials)] = patients.as_slice() else {
        return Err("need two test patients (last name Sandboxtest)".into());
    };
    let (patient, other) = (*patient, *other);
    println!("\nPatients: #{patient} ({patient_initials}) and #{other} ({other_initials})");

    // The first department with at least three open slots in the coming week.
    let departments = practice.departments().list().send().await?;
    let mut chosen = None;
    for d in departments.items() {
        let Some(id) = d.departmentid else { continue };
        let open = practice
            .department(id)
            .appointments()
            .open()
            .reasonid_any()
            .send()
            .await?;
        if open.items().len() >= 3 {
            chosen = Some((id, d.name.clone().unwrap_or_default(), open.into_items()));
            break;
        }
    }
    let (department, name, open): (DepartmentId, String, Vec<Appointment>) =
        chosen.ok_or("no department has three open slots this week")?;
    println!(
        "\n1. Open: {} slots in department #{department} ({name}); the first three:",
        open.len()
    );
    let slots: Vec<AppointmentId> = open
        .iter()
        .filter_map(|s| s.appointmentid)
        .take(3)
        .collect();
    for s in open.iter().take(3) {
        println!("   {}", describe(s));
    }
    let [first, second, third] = slots[..] else {
        return Err("open slots without ids".into());
    };

    // 2. Book.
    let booked = match practice
        .appointments()
        .book(first, patient)
        .send_or_taken()
        .await?
    {
        Booking::Booked(a) => a,
        Booking::SlotTaken => return Err("the first slot was taken meanwhile; run again".into()),
        _ => return Err("unexpected booking answer".into()),
    };
    let appointment = booked.appointmentid.unwrap_or(first);
    println!(
        "\n2. Booked for #{patient}: {}, {}",
        describe(&booked),
        status_of(&booked)
    );

    // 3. The taken-slot case: the same slot again, for someone else.
    match practice
        .appointments()
        .book(first, other)
        .send_or_taken()
        .await?
    {
        Booking::SlotTaken => println!(
            "\n3. Booking slot #{first} again for #{other}: refused, Booking::SlotTaken (409 conflict)"
        ),
        Booking::Booked(_) => return Err("the sandbox double-booked a slot".into()),
        _ => return Err("unexpected booking answer".into()),
    }
    // The same refusal as an error, for code that uses `send()`.
    match practice.appointments().book(first, other).send().await {
        Err(e) if e.is_slot_taken() => println!("   as an error: {e}"),
        Err(e) => return Err(e.into()),
        Ok(_) => return Err("the sandbox double-booked a slot".into()),
    }
    status(practice, appointment, "   status after the refused attempt").await?;

    // 4. Check in: what is still needed, start, complete.
    let requirements = practice
        .appointments()
        .checkin_requirements(appointment)
        .send()
        .await?
        .into_items();
    println!(
        "\n4. Check-in: {} section(s), {} required and incomplete",
        requirements.len(),
        requirements
            .iter()
            .filter(|r| r.required == Some(true) && r.complete != Some(true))
            .count(),
    );
    practice
        .appointments()
        .start_checkin(appointment)
        .send()
        .await?;
    status(practice, appointment, "   after start check-in").await?;
    practice.appointments().checkin(appointment).send().await?;
    status(practice, appointment, "   after check-in").await?;

    // 5. Check out.
    practice.appointments().checkout(appointment).send().await?;
    status(practice, appointment, "\n5. Checked out").await?;

    // 6. Reschedule: book another slot, move it to a third; the answer is a NEW appointment
    //    and the old one is cancelled.
    let Booking::Booked(to_move) = practice
        .appointments()
        .book(second, other)
        .send_or_taken()
        .await?
    else {
        return Err("the second slot was taken meanwhile; run again".into());
    };
    let to_move_id = to_move.appointmentid.unwrap_or(second);
    println!(
        "\n6. Booked for #{other}: {}, {}",
        describe(&to_move),
        status_of(&to_move)
    );
    let moved = practice
        .appointments()
        .reschedule(to_move_id, third, other)
        .reschedulereason("Patient asked for a later time")
        .send()
        .await?;
    let moved_id = moved.appointmentid.unwrap_or(third);
    println!(
        "   rescheduled to: {}, {}",
        describe(&moved),
        status_of(&moved)
    );
    status(practice, to_move_id, "   the original").await?;

    // 7. Cancel the rescheduled appointment.
    let cancelled = practice
        .appointments()
        .cancel(moved_id, other)
        .cancellationreason("Patient cancelled")
        .send()
        .await?;
    println!(
        "\n7. Cancelled appointment #{moved_id}: status {}",
        cancelled
            .status
            .as_ref()
            .map_or("?".to_owned(), status_name)
    );
    status(practice, moved_id, "   looked up again").await?;
    Ok(())
}

/// Looks an appointment up and prints its status.
async fn status(practice: &Practice, id: AppointmentId, label: &str) -> Result<(), BoxError> {
    let a = practice.appointments().get(id).send().await?;
    println!("{label}: appointment #{id} is {}", status_of(&a));
    Ok(())
}

/// One line for a slot or an appointment: id, local date and time, length, type.
fn describe(a: &Appointment) -> String {
    format!(
        "#{} on {} at {} ({} min, {})",
        a.appointmentid.map(|i| i.to_string()).unwrap_or_default(),
        a.date.map(|d| d.to_string()).unwrap_or_else(|| "?".into()),
        a.starttime
            .map(|t| t.to_string())
            .unwrap_or_else(|| "?".into()),
        a.duration
            .map(|d| d.to_string())
            .unwrap_or_else(|| "?".into()),
        a.appointmenttype.as_deref().unwrap_or("any type"),
    )
}

fn status_of(a: &Appointment) -> String {
    a.appointmentstatus
        .as_ref()
        .map_or("status unknown".to_owned(), status_name)
}

/// athena's one-letter status codes, spelled out.
fn status_name(s: &AppointmentStatus) -> String {
    let name = match s {
        AppointmentStatus::Open => "open",
        AppointmentStatus::Future => "booked (future)",
        AppointmentStatus::CheckedIn => "checked in",
        AppointmentStatus::CheckedOut => "checked out",
        AppointmentStatus::ChargeEntered => "charge entered",
        AppointmentStatus::Cancelled => "cancelled",
        _ => "other",
    };
    format!("{name} [{}]", s.code())
}
