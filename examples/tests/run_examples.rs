//! Runs the examples against the local sandbox and checks what they print.
//!
//! The examples are built once with the cargo that runs this test, then each binary is run
//! with every `ATHENA_*` variable removed, so it starts its own sandbox.

use std::path::PathBuf;
use std::process::Command;
use std::sync::OnceLock;

fn examples_dir() -> &'static PathBuf {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
        let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
        let out = Command::new(cargo)
            .args([
                "build",
                "--examples",
                "-p",
                "athena-examples",
                "--message-format=short",
            ])
            .current_dir(&manifest)
            .output()
            .expect("cargo runs");
        assert!(
            out.status.success(),
            "building the examples failed:\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
        // target/<profile>/examples beside this test binary's deps folder.
        let exe = std::env::current_exe().expect("test binary path");
        exe.parent()
            .and_then(|deps| deps.parent())
            .map(|profile| profile.join("examples"))
            .expect("target layout")
    })
}

/// Runs an example with no credentials; returns its stdout.
fn run_example(name: &str) -> String {
    let mut cmd = Command::new(examples_dir().join(name));
    for (key, _) in std::env::vars() {
        if key.starts_with("ATHENA_") {
            cmd.env_remove(key);
        }
    }
    let out = cmd.output().expect("example runs");
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "example {name} failed:\nstdout:\n{stdout}\nstderr:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
}

#[test]
fn quickstart_books_an_appointment_in_the_sandbox() {
    let out = run_example("quickstart");
    assert!(
        out.starts_with("Talking to the local athena-testkit sandbox"),
        "{out}"
    );
    for step in [
        "1. Authenticated",
        "2. 3 departments",
        "3. Patient search by last name: 7 found",
        "4. Chart summary",
        "Essential hypertension (SNOMED 59621000)",
        "5. ",
        "open slots in department",
        "6. Booked appointment #",
    ] {
        assert!(out.contains(step), "missing `{step}` in:\n{out}");
    }
    // Patients are shown by id and initials only.
    assert!(!out.contains("Sandboxtest"), "{out}");
}

#[test]
fn patient_chart_shows_a_readable_chart() {
    let out = run_example("patient_chart");
    assert!(
        out.starts_with("Talking to the local athena-testkit sandbox"),
        "{out}"
    );
    for part in [
        "\nPatient #",
        "\nProblems (",
        "(SNOMED ",
        "\nMedications (",
        "\nAllergies (",
        // Vitals with units and the time they were taken.
        " mmHg",
        "(taken ",
        // Lab results with analytes, units and reference ranges.
        "\nLab results (",
        " mg/dL",
        "ref ",
        "\nRecent encounters (",
        "\nSummary of encounter #",
        // The summary is text: tags gone, entities decoded, name and birth date masked.
        "Assessment & Plan",
        "[name]",
        "[dob]",
    ] {
        assert!(out.contains(part), "missing `{part}` in:\n{out}");
    }
    assert!(!out.contains('<'), "HTML left in:\n{out}");
    assert!(!out.contains("&amp;"), "entity left in:\n{out}");
    // Not a debug dump.
    assert!(!out.contains("Some("), "{out}");
    assert!(!out.contains("<redacted>"), "{out}");
}

#[test]
fn schedule_appointment_walks_the_whole_flow() {
    let out = run_example("schedule_appointment");
    assert!(
        out.starts_with("Talking to the local athena-testkit sandbox"),
        "{out}"
    );
    // Each step, in order, with the status it leaves the appointment in.
    let steps = [
        "1. Open: ",
        "2. Booked for #",
        "booked (future) [f]",
        "3. Booking slot #",
        "refused, Booking::SlotTaken (409 conflict)",
        "as an error: conflict (PUT /v1/{practiceid}/appointments/{appointmentid} -> 409)",
        "status after the refused attempt: appointment #",
        "4. Check-in:",
        "after check-in: appointment #",
        "is checked in [2]",
        "5. Checked out: appointment #",
        "is checked out [3]",
        "6. Booked for #",
        "rescheduled to: #",
        "the original: appointment #",
        "is cancelled [x]",
        "7. Cancelled appointment #",
        "looked up again: appointment #",
    ];
    let mut from = 0;
    for step in steps {
        let at = out[from..]
            .find(step)
            .unwrap_or_else(|| panic!("missing `{step}` after byte {from} in:\n{out}"));
        from += at + step.len();
    }
    assert!(!out.contains("Sandboxtest"), "{out}");
}

#[test]
fn changed_data_poller_prints_the_changes_it_caused() {
    let out = run_example("changed_data_poller");
    assert!(out.contains("local sandbox"), "{out}");
    assert!(out.contains("subscribed to appointments: Active"), "{out}");
    let booked = out.matches("booked appointment ").count();
    assert!(booked >= 1, "{out}");
    // Every booking and the cancellation come back as events with idempotency keys.
    assert!(out.contains("status Some(Cancelled)"), "{out}");
    assert!(out.contains(":appointments:"), "{out}");
    assert!(out.contains("distinct change events"), "{out}");
}
