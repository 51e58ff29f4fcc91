//! PHI leak check over every example: each binary in `examples/examples/` is run against its
//! local sandbox with `RUST_LOG=trace` (so [`athena_examples::init_tracing`] logs every span
//! and event of every crate to stderr), and its whole stderr — logs, error messages and any
//! panic — must not contain any PHI value of the sandbox's patients.
//!
//! The PHI values come from the same sandbox started in-process here with exactly the
//! examples' configuration ([`athena::sandbox::Session::local`]: `Sandbox::start()`'s defaults,
//! deterministic for the seed and the date, plus the seeded preview test patients), read back
//! through the REST API: names, dates of birth (as athena sends them, `MM/DD/YYYY`, and ISO),
//! phones, addresses, e-mails, masked SSNs, insurance member/policy ids and policyholders.
//!
//! Stdout is the example's user-facing output and is deliberately **not** checked here: some
//! examples show a patient's name to the clinician by design (`run_examples.rs` checks what
//! they print).
//!
//! The binaries are built once for the whole test binary ([`crate::common`]) and run with
//! every `ATHENA_*` / `ANTHROPIC_*` variable removed.

use std::collections::BTreeSet;
use std::path::PathBuf;

use athena::prelude::*;
use athena::rest::models::Patient;
use athena::sandbox::Session;

use crate::common::example_command;

/// Every example, from the sources (so a new example is covered without editing this test).
fn example_names() -> Vec<String> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("examples");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .expect("examples/examples")
        .filter_map(|e| {
            let path = e.ok()?.path();
            (path.extension()? == "rs").then(|| path.file_stem()?.to_str().map(str::to_owned))?
        })
        .collect();
    names.sort();
    names
}

/// Runs an example with no credentials and `RUST_LOG=trace`; returns its stderr.
fn run_traced(name: &str) -> String {
    let mut cmd = example_command(name);
    cmd.env("RUST_LOG", "trace").env("RUST_BACKTRACE", "1");
    let out = cmd.output().expect("example runs");
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    // A failure's error message or panic is in stderr and is checked below too, but an
    // example that fails exercises less than it should: fail, without printing the logs.
    assert!(
        out.status.success(),
        "example {name} failed with RUST_LOG=trace ({} bytes of stderr; rerun it by hand)",
        stderr.len()
    );
    stderr
}

/// The PHI strings of a patient, as the sandbox sends them.
fn phi_of(p: &Patient, out: &mut BTreeSet<String>) {
    let strings = [
        &p.firstname,
        &p.lastname,
        &p.middlename,
        &p.preferredname,
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
        out.insert(v.expose().clone());
    }
    // Phone numbers may be sent with or without punctuation: search the bare digits too.
    for v in [&p.homephone, &p.mobilephone, &p.workphone]
        .into_iter()
        .flatten()
    {
        out.insert(v.expose().chars().filter(char::is_ascii_digit).collect());
    }
    let mut dates: Vec<_> = [&p.dob, &p.guarantordob]
        .into_iter()
        .flatten()
        .map(|d| *d.expose())
        .collect();
    for ins in p.insurances.iter().flatten() {
        for v in [
            &ins.insuranceidnumber,
            &ins.policynumber,
            &ins.insurancepolicyholder,
            &ins.insurancepolicyholderfirstname,
            &ins.insurancepolicyholderlastname,
            &ins.insurancepolicyholderssn,
            &ins.insurancepolicyholderaddress1,
        ]
        .into_iter()
        .flatten()
        {
            out.insert(v.expose().clone());
        }
        dates.extend(ins.insurancepolicyholderdob.as_ref().map(|d| *d.expose()));
    }
    for d in dates {
        // athena's `MM/DD/YYYY` and ISO (FHIR's `birthDate`).
        out.insert(d.to_string());
        out.insert(d.naive().format("%Y-%m-%d").to_string());
    }
}

/// Drops values too short or generic to identify anyone, which would match log text by
/// accident: anything under 4 characters (a state, a sex, an initial) and digit-only values
/// under 7 digits (they occur in ports, timestamps and record ids).
fn meaningful(values: BTreeSet<String>) -> BTreeSet<String> {
    values
        .into_iter()
        .map(|v| v.trim().to_owned())
        .filter(|v| {
            let all_digits = v.chars().all(|c| c.is_ascii_digit());
            v.chars().count() >= 4 && !(all_digits && v.len() < 7)
        })
        .collect()
}

/// Every patient's PHI from a sandbox configured exactly as the examples' own.
async fn sandbox_phi() -> BTreeSet<String> {
    let session = Session::local().await.expect("local sandbox");
    let patients = session.practice().patients();
    let mut values = BTreeSet::new();
    let mut read = 0;
    // Patient ids are dense from 1 (the generated ones), then athena's documented test
    // patients 60178–60184, which the sandbox carries.
    let mut ids: Vec<u64> = Vec::new();
    for id in 1.. {
        match patients.get(PatientId::new(id)).send().await {
            Ok(_) => ids.push(id),
            Err(e) if e.is_not_found() => break,
            Err(e) => panic!("reading patient {id}: {e}"),
        }
    }
    ids.extend(60178..=60184);
    for id in ids {
        let p = patients
            .get(PatientId::new(id))
            .showinsurance(true)
            .send()
            .await
            .unwrap_or_else(|e| panic!("reading patient {id}: {e}"));
        phi_of(&p, &mut values);
        read += 1;
    }
    // 50 generated + 7 seeded preview test patients.
    assert!(read >= 57, "read {read} patients");
    meaningful(values)
}

#[test]
fn no_example_logs_phi_at_trace() {
    let names = example_names();
    assert!(names.len() >= 9, "found only {names:?}");
    let phi = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime")
        .block_on(sandbox_phi());
    // Names, DOBs in two formats, phones, addresses, e-mails, SSNs and member ids of 57
    // patients: several hundred distinct values.
    assert!(phi.len() >= 300, "only {} PHI values", phi.len());
    assert!(
        phi.contains("Sandboxtest"),
        "the seeded test patients are included"
    );

    let mut leaks = Vec::new();
    for name in &names {
        let stderr = run_traced(name);
        // Not vacuous: the SDK's request spans were logged.
        assert!(
            stderr.contains("athena.request"),
            "{name}: no athena.request span in {} bytes of stderr",
            stderr.len()
        );
        for value in &phi {
            if let Some(at) = stderr.find(value.as_str()) {
                // Where it leaked, without PHI: the log line up to the value, PHI masked.
                let line_start = stderr[..at].rfind('\n').map_or(0, |i| i + 1);
                let mut prefix: String = stderr[line_start..at].chars().take(160).collect();
                for other in &phi {
                    prefix = prefix.replace(other.as_str(), "[phi]");
                }
                leaks.push(format!(
                    "{name}: a {}-char PHI value after `{prefix}`",
                    value.len()
                ));
            }
        }
        eprintln!(
            "{name}: {} bytes of stderr at TRACE checked against {} PHI values",
            stderr.len(),
            phi.len()
        );
    }
    assert!(
        leaks.is_empty(),
        "PHI in logs/errors:\n{}",
        leaks.join("\n")
    );
}
