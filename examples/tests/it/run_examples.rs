//! Runs the examples against the local sandbox and checks what they print.
//!
//! The examples are built once with the cargo that runs this test ([`crate::common`]), then
//! each binary is run with every `ATHENA_*` variable removed, so it starts its own sandbox.

use crate::common::example_command;

/// Runs an example with no credentials; returns its stdout.
fn run_example(name: &str) -> String {
    let out = example_command(name).output().expect("example runs");
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
        // athena's documented test patients: five `Sandboxtest` (and two `Sandbox-Test`).
        "3. Patient search by last name: 5 found",
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
    assert!(
        out.starts_with("Talking to the local athena-testkit sandbox"),
        "{out}"
    );
    assert!(out.contains("subscribed to appointments: Active"), "{out}");
    let booked = out.matches("booked appointment ").count();
    assert!(booked >= 1, "{out}");
    // Every booking and the cancellation come back as events with idempotency keys.
    assert!(out.contains("status Some(Cancelled)"), "{out}");
    assert!(out.contains(":appointments:"), "{out}");
    assert!(out.contains("distinct change events"), "{out}");
}

#[test]
fn fhir_patient_summary_reads_a_us_core_chart() {
    let out = run_example("fhir_patient_summary");
    assert!(
        out.starts_with("Talking to the local athena-testkit sandbox's FHIR R4 server"),
        "{out}"
    );
    let steps = [
        "ah-practice=Organization/a-1.Practice-195900 (added by the client)",
        "1. FHIR search Patient?name=Sandboxtest: 5 found",
        "2. athena patient #",
        "3. Patient ",
        "birth sex",
        "4. Problem list (",
        "(SNOMED ",
        "5. Vital signs (",
        // Systolic blood pressure, recognised by its LOINC code, with its unit.
        " mmHg  (LOINC 8480-6, ",
        "6. Lab results (",
        "LOINC ",
        " ref ",
        "7. Allergies (",
        "8. US Core profile check: ",
    ];
    assert_in_order(&out, &steps);
    // The id mapping holds both ways: #N ⇄ a-195900.E-N, read back as the same id.
    let line = out
        .lines()
        .find(|l| l.starts_with("2. athena patient #"))
        .expect("mapping line");
    let n = line["2. athena patient #".len()..]
        .split(' ')
        .next()
        .expect("id");
    assert!(n.parse::<u64>().is_ok(), "{line}");
    for part in [
        format!("FHIR Patient/a-195900.E-{n}:"),
        format!("read back as Patient/a-195900.E-{n},"),
        format!("maps to athena patient #{n}"),
    ] {
        assert!(line.contains(&part), "missing `{part}` in {line}");
    }
    // The chosen patient has labs and allergies, and everything read was checked.
    let count = |prefix: &str| -> usize {
        let l = out
            .lines()
            .find(|l| l.starts_with(prefix))
            .unwrap_or_else(|| panic!("no `{prefix}` line in:\n{out}"));
        l[prefix.len()..]
            .split(|c: char| !c.is_ascii_digit())
            .next()
            .and_then(|d| d.parse().ok())
            .unwrap_or_else(|| panic!("no count in {l}"))
    };
    let problems = count("4. Problem list (");
    let vitals = count("5. Vital signs (");
    let labs = count("6. Lab results (");
    let allergies = count("7. Allergies (");
    assert!(
        problems > 0 && vitals > 0 && labs > 0 && allergies > 0,
        "{out}"
    );
    let checked = 1 + problems + vitals + labs + allergies;
    assert!(
        out.contains(&format!(
            "8. US Core profile check: {checked} of {checked} resources conform"
        )),
        "{out}"
    );
    // Readable, not a debug dump; initials and birth year only.
    assert!(!out.contains("Some("), "{out}");
    assert!(!out.contains("Box("), "{out}");
    assert!(!out.contains("birthDate"), "{out}");
}

#[test]
fn fhir_bulk_export_polls_downloads_and_resumes() {
    let out = run_example("fhir_bulk_export");
    assert!(
        out.starts_with("Talking to the local athena-testkit sandbox's FHIR R4 server"),
        "{out}"
    );
    let steps = [
        "1. Kicked off Group/a-1.c-195900/$export",
        // The default `_type`: what the default FHIR scopes may read.
        "(_type=Patient,Condition,Observation,AllergyIntolerance,MedicationRequest,Encounter,Coverage)",
        "202 Accepted",
        "2. Polling the status URL",
        "poll 1: 202 Accepted, X-Progress: in-progress (50%)",
        "poll 2: 200 OK, the manifest",
        "3. Manifest",
        "output files:          7",
        "error/outcome files:   0",
        "4. Downloading 7 of 7 files (state file ",
        "Patient ",
        "finished",
        "interrupted after 5 resources",
        "5. Resume: the state file says 1 of 7 files are finished",
        "restarts from its beginning",
        "6. Downloaded ",
        "Nothing was stored",
    ];
    assert_in_order(&out, &steps);
    // Each file finishes exactly once (the interrupted one only after the resume), and the
    // totals are the sum of the finished files.
    let finished: Vec<(String, u64)> = out
        .lines()
        .filter(|l| l.trim_end().ends_with("finished") && l.contains(" resources, "))
        .map(|l| {
            let mut words = l.split_whitespace();
            let ty = words.next().expect("type").to_owned();
            let n = words.next().and_then(|n| n.parse().ok()).expect("count");
            (ty, n)
        })
        .collect();
    assert_eq!(finished.len(), 7, "{out}");
    let mut types: Vec<&str> = finished.iter().map(|(t, _)| t.as_str()).collect();
    types.sort_unstable();
    types.dedup();
    assert_eq!(types.len(), 7, "a file was downloaded twice:\n{out}");
    let total: u64 = finished.iter().map(|(_, n)| n).sum();
    assert!(
        out.contains(&format!("6. Downloaded {total} resources")),
        "{out}"
    );
    for (ty, n) in &finished {
        let row = format!("   {ty:<20} {n:>7}\n");
        assert!(out.contains(&row), "missing total row `{row}` in:\n{out}");
    }
    // Every patient of the practice is exported: 50 generated + athena's 7 documented test
    // patients (ids 60178–60184, which the sandbox carries).
    assert!(finished.contains(&("Patient".to_owned(), 57)), "{out}");
    // Captured output: plain lines only, no progress-bar drawing.
    assert!(!out.contains('\u{1b}') && !out.contains('\r'), "{out}");
}

#[test]
fn soap_draft_cites_flags_reviews_and_uploads() {
    let out = run_example("soap_draft");
    assert!(
        out.starts_with("Talking to the local athena-testkit sandbox"),
        "{out}"
    );
    for step in [
        "Model: the offline scripted model scripted:soap-extractive",
        "1. Visit: encounter #",
        "2. Context gathered (",
        "[encounter:1] ",
        "[vital:1] Blood pressure ",
        "3. Draft note (each statement cites its sources):",
        "SUBJECTIVE",
        "OBJECTIVE",
        "ASSESSMENT",
        "PLAN",
        "[transcript]",
        // The planted unsupported detail is flagged, then removed by the reviewer.
        "4. Validation flags for the reviewer:",
        "vital sign differs from the chart: heart rate 112",
        "5. Review: edited and approved by Dr. Example Reviewer (1 flagged statement(s) removed)",
        "6. Uploaded as clinical document #",
        "autoclose false",
    ] {
        assert!(out.contains(step), "missing `{step}` in:\n{out}");
    }
    // Every section reports what it contributed; none failed against a healthy sandbox.
    for section in [
        "Encounter",
        "Vitals",
        "Problems",
        "Medications",
        "Allergies",
        "Recent labs",
    ] {
        assert!(
            out.lines().any(|l| l.trim_start().starts_with(section)),
            "no `{section}` line in:\n{out}"
        );
    }
    assert!(!out.contains("NOT AVAILABLE"), "{out}");
    // Every draft statement carries a citation.
    let note = out
        .split("3. Draft note")
        .nth(1)
        .and_then(|rest| rest.split("4. Validation").next())
        .expect("a note section");
    for line in note.lines().filter(|l| l.trim_start().starts_with("- ")) {
        assert!(line.trim_end().ends_with(']'), "uncited statement `{line}`");
    }
    assert!(!out.contains("Sandboxtest"), "{out}");
}

#[test]
fn inbox_triage_escalates_red_flags_and_posts_an_approved_reply() {
    let out = run_example("inbox_triage");
    assert!(
        out.starts_with("Talking to the local athena-testkit sandbox"),
        "{out}"
    );
    for step in [
        "Model: the offline scripted model scripted:triage-keywords",
        "1. Inbox of provider #",
        "urgency",
        "red flags",
        "2. Most urgent: case #",
        "(emergent)",
        "Drafted reply: If this is an emergency, call 911",
        "Suggested actions:",
        "3. Review: approved by RN Example Reviewer",
        "4. Posted the reply to patient case #",
    ] {
        assert!(out.contains(step), "missing `{step}` in:\n{out}");
    }
    // The table lists the emergent cases first, each with the red flag that forced it.
    let rows: Vec<&str> = out
        .lines()
        .filter(|l| l.trim_start().starts_with('#'))
        .collect();
    assert!(rows.len() >= 2, "{out}");
    assert!(rows[0].contains("EMERGENT"), "{out}");
    let first_calm = rows
        .iter()
        .position(|r| !r.contains("EMERGENT"))
        .unwrap_or(rows.len());
    assert!(
        rows[first_calm..].iter().all(|r| !r.contains("EMERGENT")),
        "not sorted by urgency:\n{out}"
    );
    for row in rows.iter().filter(|r| r.contains("EMERGENT")) {
        assert!(
            ["chest_pain", "breathing", "suicidal", "stroke"]
                .iter()
                .any(|f| row.contains(f)),
            "emergent without a red flag: {row}"
        );
    }
}

#[test]
fn claims_and_denials_scores_claims_and_gates_the_appeal() {
    let out = run_example("claims_and_denials");
    for step in [
        "Talking to the local athena-testkit sandbox",
        "Model: the offline scripted model",
        "claims with a date of service since",
        "Payer-rule checks flagged",
        "rules fired",
        "[rule:",
        "[history] payer ",
        "Suggested fix:",
        "Drafting an appeal for denied claim",
        "--- draft (not sendable) ---",
        "Approved by Pat Biller, CPC (example)",
        "Nothing was submitted",
    ] {
        assert!(out.contains(step), "missing `{step}` in:\n{out}");
    }
    // The riskiest rows come first, every one with a score, and the letter cites evidence ids.
    let scores: Vec<f64> = out
        .lines()
        .skip_while(|l| !l.contains("rules fired"))
        .skip(1)
        .take_while(|l| !l.trim().is_empty())
        .filter_map(|l| {
            let cells: Vec<&str> = l.split_whitespace().collect();
            let at = cells
                .iter()
                .position(|c| *c == "paid" || *c == "denied" || *c == "pending")?;
            cells.get(at.checked_sub(1)?)?.parse().ok()
        })
        .collect();
    assert!(scores.len() >= 3, "{out}");
    assert!(
        scores.windows(2).all(|w| w[0] >= w[1]),
        "not sorted:\n{out}"
    );
    let cites = out
        .lines()
        .find(|l| l.trim_start().starts_with("Cites: "))
        .unwrap_or_default();
    assert!(cites.contains(':'), "the letter cites nothing:\n{out}");
}

/// Asserts that each of `steps` occurs in `out`, in this order.
fn assert_in_order(out: &str, steps: &[&str]) {
    let mut from = 0;
    for step in steps {
        let at = out[from..]
            .find(step)
            .unwrap_or_else(|| panic!("missing `{step}` after byte {from} in:\n{out}"));
        from += at + step.len();
    }
}
