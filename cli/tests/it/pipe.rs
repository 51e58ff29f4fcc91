//! A closed stdout (`athena … | head -1`) ends the command quietly: no panic, exit 0.

use std::io::{BufRead, BufReader, Read};
use std::process::{Command, Stdio};

use crate::common::command;

/// Runs `athena ARGS` with its stdout pipe closed before it writes anything.
fn with_closed_stdout(args: &[&str]) -> (Option<i32>, String) {
    let mut child = command()
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("athena starts");
    // Close the read end now: every write the command makes fails with EPIPE.
    drop(child.stdout.take());
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .expect("stderr")
        .read_to_string(&mut stderr)
        .expect("read stderr");
    let status = child.wait().expect("athena exits");
    (status.code(), stderr)
}

#[test]
fn a_closed_pipe_is_no_panic() {
    for args in [
        &["--sandbox", "departments"][..],
        &[
            "--sandbox",
            "--json",
            "patients",
            "search",
            "--lastname",
            "Sandboxtest",
        ],
        &["--sandbox", "fhir", "get", "Patient/2"],
        &["--sandbox", "chart", "labs", "2", "--department", "3"],
        &["feed", "list"],
        &["--help"],
        &["--version"],
    ] {
        let (code, stderr) = with_closed_stdout(args);
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
        assert_eq!(code, Some(0), "{args:?}: {stderr}");
        assert!(stderr.is_empty(), "{args:?}: {stderr}");
    }
}

#[test]
fn head_dash_1_reads_one_line_and_the_command_exits_quietly() {
    // More output (about 120 KB) than a pipe buffers (64 KiB), so the command is still
    // writing when the reader goes away.
    let mut child = command()
        .args([
            "--sandbox",
            "--json",
            "appointments",
            "open",
            "--department",
            "1",
            "--start",
            "01/01/2000",
            "--end",
            "12/31/2099",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("athena starts");
    let mut first = String::new();
    BufReader::new(child.stdout.take().expect("stdout"))
        .read_line(&mut first)
        .expect("one line");
    // The reader (and the pipe) is dropped here, like `head -1` exiting.
    assert_eq!(first.trim(), "[");
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .expect("stderr")
        .read_to_string(&mut stderr)
        .expect("read stderr");
    let status = child.wait().expect("athena exits");
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(status.code(), Some(0), "{stderr}");
}

#[test]
fn in_a_shell_pipeline_too() {
    let Ok(out) = Command::new("sh")
        .arg("-c")
        .arg("\"$0\" --sandbox --json appointments open --department 1 --start 01/01/2000 --end 12/31/2099 | head -1")
        .arg(env!("CARGO_BIN_EXE_athena"))
        .output()
    else {
        println!("no `sh` here: skipped");
        return;
    };
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(stdout.lines().next(), Some("["), "{stdout}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(stderr.is_empty(), "{stderr}");
}
