//! Running the built `athena` binary with a clean environment.

use std::process::{Command, Output};

/// `athena` with no `ATHENA_*` variables from the developer's environment.
pub(crate) fn command() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_athena"));
    for (key, _) in std::env::vars() {
        if key.starts_with("ATHENA_") {
            cmd.env_remove(key);
        }
    }
    cmd
}

/// Runs `athena ARGS` to completion.
pub(crate) fn athena(args: &[&str]) -> Output {
    command().args(args).output().expect("athena runs")
}

/// Runs `athena ARGS`, asserts success, returns stdout.
pub(crate) fn ok(args: &[&str]) -> String {
    let out = athena(args);
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "athena {args:?} failed:\nstdout:\n{stdout}\nstderr:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
}
