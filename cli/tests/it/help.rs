//! `--help` (on every command) and `--version` answer without credentials or network.

use crate::common::athena;

#[test]
fn version_and_help_need_no_credentials() {
    let out = athena(&["--version"]);
    assert_eq!(out.status.code(), Some(0));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        stdout.trim(),
        format!("athena {}", env!("CARGO_PKG_VERSION")),
        "{stdout}"
    );

    for args in [
        &["--help"][..],
        &["-h"],
        &["help"],
        &["patients", "--help"],
        &["patients", "search", "--help"],
        &["patients", "get", "--help"],
        &["chart", "--help"],
        &["appointments", "--help"],
        &["appointments", "open", "--help"],
        &["appointments", "book", "--help"],
        &["departments", "--help"],
        &["providers", "--help"],
        &["changed", "--help"],
        &["feed", "--help"],
        &["feed", "subscribe", "--help"],
        &["feed", "status", "--help"],
        &["feed", "unsubscribe", "--help"],
        &["feed", "poll", "--help"],
        &["feed", "list", "--help"],
        &["fhir", "--help"],
        &["fhir", "get", "--help"],
        &["sandbox", "--help"],
        &["sandbox", "serve", "--help"],
        &["help", "feed", "poll"],
    ] {
        let out = athena(args);
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert_eq!(out.status.code(), Some(0), "{args:?}: {stdout}");
        assert!(stdout.contains("Usage: athena"), "{args:?}: {stdout}");
        assert!(out.stderr.is_empty(), "{args:?}");
    }
    // The top-level help lists every command.
    let top = String::from_utf8_lossy(&athena(&["--help"]).stdout).into_owned();
    for command in [
        "patients",
        "chart",
        "appointments",
        "departments",
        "providers",
        "changed",
        "feed",
        "fhir",
        "sandbox",
    ] {
        assert!(top.contains(command), "{command} missing from:\n{top}");
    }
}

#[test]
fn no_arguments_prints_help_and_exits_2() {
    let out = athena(&[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("Usage: athena"));
}
