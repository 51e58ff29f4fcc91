//! Decode throughput of the bulk NDJSON fixtures: `athena_fhir::r4::Resource` vs
//! `serde_json::Value`, same run, same lines. Prints MB/s.
//!
//! `cargo bench -p athena-fhir --bench decode`

use std::hint::black_box;
use std::path::Path;
use std::time::{Duration, Instant};

fn main() {
    let dir =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/fixtures/fhir/bulk-ndjson");
    let Ok(entries) = std::fs::read_dir(&dir) else {
        eprintln!("SKIP: {} not found", dir.display());
        return;
    };
    let mut lines: Vec<String> = Vec::new();
    for e in entries.flatten() {
        let text = std::fs::read_to_string(e.path()).unwrap_or_default();
        lines.extend(
            text.lines()
                .filter(|l| l.contains("\"resourceType\""))
                .map(str::to_owned),
        );
    }
    let bytes: usize = lines.iter().map(String::len).sum();
    println!(
        "decode: {} NDJSON lines, {:.2} MB",
        lines.len(),
        bytes as f64 / 1e6
    );
    for round in 0..2 {
        let value = measure(bytes, || {
            for l in &lines {
                black_box(serde_json::from_str::<serde_json::Value>(l).expect("value"));
            }
        });
        let typed = measure(bytes, || {
            for l in &lines {
                black_box(serde_json::from_str::<athena_fhir::r4::Resource>(l).expect("resource"));
            }
        });
        let encode = {
            let parsed: Vec<athena_fhir::r4::Resource> = lines
                .iter()
                .map(|l| serde_json::from_str(l).expect("resource"))
                .collect();
            measure(bytes, || {
                for r in &parsed {
                    black_box(serde_json::to_vec(r).expect("encode"));
                }
            })
        };
        println!(
            "round {round}: serde_json::Value {value:.0} MB/s | r4::Resource {typed:.0} MB/s ({:.2}x Value) | r4::Resource encode {encode:.0} MB/s",
            typed / value
        );
    }
}

/// Runs `f` repeatedly for about two seconds; returns MB/s.
fn measure(bytes: usize, mut f: impl FnMut()) -> f64 {
    f();
    let start = Instant::now();
    let mut n = 0u32;
    while start.elapsed() < Duration::from_secs(2) {
        f();
        n += 1;
    }
    (bytes as f64 * f64::from(n)) / start.elapsed().as_secs_f64() / 1e6
}
