//! Repository automation (`cargo xtask <command>`).
//!
//! Commands grow as the issues that need them land (FHIR code generation, benchmark runner).

use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("bench") => run_benches(),
        _ => {
            eprintln!("usage: cargo xtask bench");
            ExitCode::from(2)
        }
    }
}

/// Runs every crate's benchmarks, which print their own figures.
fn run_benches() -> ExitCode {
    let status =
        std::process::Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
            .args(["bench", "--workspace"])
            .status();
    match status {
        Ok(s) if s.success() => ExitCode::SUCCESS,
        _ => ExitCode::FAILURE,
    }
}
