//! `athena feed …` through athena-subscriptions: subscribe, status, a checkpointed poll
//! (once and `--follow`), against a served sandbox and the in-process one.

use std::io::{BufRead, BufReader};
use std::process::Stdio;

use crate::common::{command, ok};
use crate::serve::Served;

fn text(out: &std::process::Output) -> String {
    format!(
        "status {:?}\nstdout:\n{}\nstderr:\n{}",
        out.status.code(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// Books the first open slot in department 1 for patient 60178; returns the slot id.
fn book_a_slot(served: &Served) -> String {
    let open = served.athena(&["--json", "appointments", "open", "--department", "1"]);
    let slots: serde_json::Value = serde_json::from_slice(&open.stdout).expect("JSON");
    let slot = slots[0]["appointmentid"].to_string().replace('"', "");
    let booked = served.athena(&["appointments", "book", &slot, "--patient", "60178"]);
    assert!(booked.status.success(), "{}", text(&booked));
    slot
}

#[test]
fn subscribe_then_poll_the_appointments_feed() {
    let served = Served::start();
    // Not subscribed: athena's 403, explained.
    let out = served.athena(&["feed", "poll", "appointments"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("athena feed subscribe appointments"),
        "{}",
        text(&out)
    );

    let out = served.athena(&["feed", "subscribe", "appointments"]);
    assert!(out.status.success(), "{}", text(&out));
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        "subscribed to appointments"
    );
    let out = served.athena(&["feed", "status", "appointments"]);
    assert!(
        String::from_utf8_lossy(&out.stdout).starts_with("appointments: ACTIVE"),
        "{}",
        text(&out)
    );

    // Nothing changed yet.
    let out = served.athena(&["feed", "poll", "appointments"]);
    assert!(out.status.success(), "{}", text(&out));
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "(no changes)");

    // A booking is a change: one poll delivers it, the next finds nothing (the read marked it
    // processed).
    let slot = book_a_slot(&served);
    // `changed` peeks without consuming.
    let peek = served.athena(&["changed", "appointments"]);
    assert!(peek.status.success(), "{}", text(&peek));
    assert!(
        String::from_utf8_lossy(&peek.stdout).contains(&slot),
        "{}",
        text(&peek)
    );
    let out = served.athena(&["feed", "poll", "appointments"]);
    assert!(out.status.success(), "{}", text(&out));
    let stdout = String::from_utf8_lossy(&out.stdout);
    let mut lines = stdout.lines();
    assert_eq!(lines.next(), Some("FEED  RECORD  KEY"), "{stdout}");
    let row = lines.next().expect("a change");
    assert!(
        row.starts_with(&format!("appointments  {slot}  195900:appointments:")),
        "{stdout}"
    );
    let out = served.athena(&["feed", "poll", "appointments"]);
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "(no changes)");

    // JSON lines, with the item.
    let slot = book_a_slot(&served);
    let out = served.athena(&["--json", "feed", "poll", "appointments"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    let events: Vec<serde_json::Value> = stdout
        .lines()
        .map(|l| serde_json::from_str(l).expect("a JSON line"))
        .collect();
    assert_eq!(events.len(), 1, "{stdout}");
    assert_eq!(events[0]["record"], slot.as_str(), "{stdout}");
    assert_eq!(events[0]["feed"], "appointments");
    assert_eq!(events[0]["replay"], false);
    assert_eq!(
        events[0]["item"]["patientid"].to_string().replace('"', ""),
        "60178"
    );

    let out = served.athena(&["feed", "unsubscribe", "appointments"]);
    assert!(out.status.success(), "{}", text(&out));
    let out = served.athena(&["feed", "status", "appointments"]);
    assert!(
        String::from_utf8_lossy(&out.stdout).starts_with("appointments: INACTIVE"),
        "{}",
        text(&out)
    );
}

#[test]
fn follow_prints_changes_as_they_come_and_stops_on_sigterm() {
    let served = Served::start();
    assert!(
        served
            .athena(&["feed", "subscribe", "appointments"])
            .status
            .success()
    );
    let mut follow = command()
        .envs(&served.vars)
        .args([
            "feed",
            "poll",
            "appointments",
            "--follow",
            "--interval",
            "1",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("athena starts");
    let slot = book_a_slot(&served);
    // Reading blocks until the poller delivers the change (athena's next read).
    let mut lines = BufReader::new(follow.stdout.take().expect("stdout")).lines();
    assert_eq!(
        lines.next().and_then(Result::ok).as_deref(),
        Some("FEED  RECORD  KEY")
    );
    let row = lines.next().and_then(Result::ok).expect("the change");
    assert!(row.starts_with(&format!("appointments  {slot}  ")), "{row}");
    let pid = follow.id().to_string();
    let sent = std::process::Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .expect("kill runs");
    assert!(sent.success());
    let out = follow.wait_with_output().expect("athena exits");
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    drop(lines);
    // What follow read was acknowledged: nothing is left for a one-shot poll.
    let again = served.athena(&["feed", "poll", "appointments"]);
    assert_eq!(
        String::from_utf8_lossy(&again.stdout).trim(),
        "(no changes)"
    );
}

#[test]
fn a_checkpoint_folder_keeps_unprinted_changes_for_the_next_run() {
    let served = Served::start();
    let dir = std::env::temp_dir().join(format!("athena-cli-checkpoint-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let dir_arg = dir.to_string_lossy().into_owned();
    assert!(
        served
            .athena(&["feed", "subscribe", "appointments"])
            .status
            .success()
    );
    let slot = book_a_slot(&served);
    // stdout closed: the change is read (athena marks it processed) but cannot be printed,
    // so it is not acknowledged and the checkpoint keeps its read window.
    let mut child = command()
        .envs(&served.vars)
        .args(["feed", "poll", "appointments", "--checkpoint", &dir_arg])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("athena starts");
    drop(child.stdout.take());
    let out = child.wait_with_output().expect("athena exits");
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    // The next run replays it.
    let out = served.athena(&["feed", "poll", "appointments", "--checkpoint", &dir_arg]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{}", text(&out));
    assert!(
        stdout.contains(&format!("appointments  {slot}  ")) && stdout.contains("(replay)"),
        "{stdout}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn in_process_sandbox_poll_with_subscribe() {
    let out = ok(&["--sandbox", "feed", "poll", "patients", "--subscribe"]);
    assert_eq!(out.trim(), "(no changes)");
    let list = ok(&["feed", "list"]);
    assert!(list.contains("appointments") && list.contains("chart/healthhistory/problems"));
    let bad = crate::common::athena(&["--sandbox", "feed", "poll", "nosuchfeed"]);
    assert_eq!(bad.status.code(), Some(2));
}
