//! Decode throughput of the bulk NDJSON fixtures (issue #5, "Measure") through four decoders in
//! the same process, same lines, alternated rounds:
//!
//! - `serde_json::Value`,
//! - `athena_fhir::r4::Resource` (our enum),
//! - `fhirbolt::model::r4::Resource` (fhirbolt's enum, its default strict mode),
//! - `serde::de::IgnoredAny` (parse only, for reference).
//!
//! Not part of the workspace: fhirbolt's build cost must not land on `cargo test --workspace`.
//! See README.md for the commands and the figures measured.
//!
//! ```text
//! CARGO_TARGET_DIR=/work/fhir-compare-target cargo run --release -- [--rounds N] [--sample-ms MS] [DIR]
//! ```
//!
//! With `--no-default-features` fhirbolt is left out, so `serde_json` is built without the
//! `arbitrary_precision` and `preserve_order` features fhirbolt forces on everything it is linked
//! with; that run gives the `Value` and enum figures an application without fhirbolt sees.

use std::collections::BTreeMap;
use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant};

use serde::de::IgnoredAny;

/// One of the decoders under comparison.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Decoder {
    /// `serde_json::Value`.
    Value,
    /// `athena_fhir::r4::Resource`.
    Athena,
    /// `fhirbolt::model::r4::Resource`, strict mode (fhirbolt's default).
    #[cfg(feature = "fhirbolt")]
    Fhirbolt,
    /// `serde::de::IgnoredAny`: parse only.
    Ignored,
}

/// Every decoder, in the order of the first round (later rounds rotate it).
const DECODERS: &[Decoder] = &[
    Decoder::Value,
    Decoder::Athena,
    #[cfg(feature = "fhirbolt")]
    Decoder::Fhirbolt,
    Decoder::Ignored,
];

/// What a decoder made of one line, for the cross-check between decoders.
#[derive(Debug, PartialEq, Eq)]
struct Summary {
    /// `resourceType`, `None` for the parse-only decoder.
    resource_type: Option<String>,
    /// The resource id, `None` for the parse-only decoder or when absent.
    id: Option<String>,
    /// True when athena's enum kept the resource in its `Other` (raw JSON) arm.
    athena_other: bool,
}

impl Decoder {
    fn name(self) -> &'static str {
        match self {
            Self::Value => "serde_json::Value",
            Self::Athena => "athena_fhir::r4::Resource",
            #[cfg(feature = "fhirbolt")]
            Self::Fhirbolt => "fhirbolt::model::r4::Resource",
            Self::Ignored => "serde::de::IgnoredAny",
        }
    }

    /// Decodes one line and says what came out (type, id), or why it was rejected.
    fn summarize(self, line: &str) -> Result<Summary, String> {
        match self {
            Self::Value => {
                let v: serde_json::Value = serde_json::from_str(line).map_err(|e| e.to_string())?;
                Ok(Summary {
                    resource_type: v["resourceType"].as_str().map(str::to_owned),
                    id: v["id"].as_str().map(str::to_owned),
                    athena_other: false,
                })
            }
            Self::Athena => {
                let r: athena_fhir::r4::Resource =
                    serde_json::from_str(line).map_err(|e| e.to_string())?;
                Ok(Summary {
                    resource_type: Some(r.resource_type().to_owned()),
                    id: r.id().map(str::to_owned),
                    athena_other: matches!(r, athena_fhir::r4::Resource::Other(_)),
                })
            }
            #[cfg(feature = "fhirbolt")]
            Self::Fhirbolt => {
                let r: fhirbolt::model::r4::Resource =
                    fhirbolt::json::from_str(line, None).map_err(|e| e.to_string())?;
                Ok(Summary {
                    resource_type: Some(fhirbolt_type(&r).to_owned()),
                    id: r.id().and_then(|id| id.value.clone()),
                    athena_other: false,
                })
            }
            Self::Ignored => {
                let _: IgnoredAny = serde_json::from_str(line).map_err(|e| e.to_string())?;
                Ok(Summary {
                    resource_type: None,
                    id: None,
                    athena_other: false,
                })
            }
        }
    }

    /// Decodes every line once, keeping each result alive until `black_box` has seen it (then
    /// dropping it: freeing is part of decoding). Returns how many lines decoded.
    fn pass(self, lines: &[&str]) -> usize {
        let mut ok = 0;
        for l in lines {
            match self {
                Self::Value => {
                    if let Ok(v) = serde_json::from_str::<serde_json::Value>(l) {
                        black_box(&v);
                        ok += 1;
                    }
                }
                Self::Athena => {
                    if let Ok(r) = serde_json::from_str::<athena_fhir::r4::Resource>(l) {
                        black_box(&r);
                        ok += 1;
                    }
                }
                #[cfg(feature = "fhirbolt")]
                Self::Fhirbolt => {
                    if let Ok(r) =
                        fhirbolt::json::from_str::<fhirbolt::model::r4::Resource>(l, None)
                    {
                        black_box(&r);
                        ok += 1;
                    }
                }
                Self::Ignored => {
                    if let Ok(r) = serde_json::from_str::<IgnoredAny>(l) {
                        black_box(&r);
                        ok += 1;
                    }
                }
            }
        }
        ok
    }
}

/// The `resourceType` of a fhirbolt resource, for the types the Synthea bulk export holds.
#[cfg(feature = "fhirbolt")]
fn fhirbolt_type(r: &fhirbolt::model::r4::Resource) -> &'static str {
    use fhirbolt::model::r4::Resource as R;
    match r {
        R::AllergyIntolerance(_) => "AllergyIntolerance",
        R::CarePlan(_) => "CarePlan",
        R::CareTeam(_) => "CareTeam",
        R::Condition(_) => "Condition",
        R::Device(_) => "Device",
        R::DiagnosticReport(_) => "DiagnosticReport",
        R::DocumentReference(_) => "DocumentReference",
        R::Encounter(_) => "Encounter",
        R::Immunization(_) => "Immunization",
        R::Location(_) => "Location",
        R::Medication(_) => "Medication",
        R::MedicationRequest(_) => "MedicationRequest",
        R::Observation(_) => "Observation",
        R::Organization(_) => "Organization",
        R::Patient(_) => "Patient",
        R::Practitioner(_) => "Practitioner",
        R::PractitionerRole(_) => "PractitionerRole",
        R::Procedure(_) => "Procedure",
        R::Provenance(_) => "Provenance",
        R::Invalid => "(fhirbolt Invalid)",
        _ => "(another fhirbolt variant)",
    }
}

/// Command line: `[--rounds N] [--sample-ms MS] [DIR]`.
struct Args {
    rounds: usize,
    sample: Duration,
    dir: PathBuf,
}

fn parse_args() -> Result<Args, String> {
    let mut args = Args {
        rounds: 9,
        sample: Duration::from_millis(500),
        dir: Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../../shared/fixtures/fhir/bulk-ndjson"),
    };
    let mut it = std::env::args().skip(1);
    while let Some(a) = it.next() {
        match a.as_str() {
            "--rounds" => {
                args.rounds = it
                    .next()
                    .and_then(|v| v.parse().ok())
                    .filter(|&n| n > 0)
                    .ok_or("--rounds needs a positive integer")?;
            }
            "--sample-ms" => {
                let ms: u64 = it
                    .next()
                    .and_then(|v| v.parse().ok())
                    .filter(|&n| n > 0)
                    .ok_or("--sample-ms needs a positive integer")?;
                args.sample = Duration::from_millis(ms);
            }
            s if s.starts_with("--") => return Err(format!("unknown option {s}")),
            s => args.dir = PathBuf::from(s),
        }
    }
    Ok(args)
}

/// One NDJSON line and where it came from.
struct Line {
    file: String,
    number: usize,
    text: String,
}

/// Error texts can quote values from the input: keep the shape, drop what was quoted.
fn redact(msg: &str) -> String {
    let mut out = String::with_capacity(msg.len());
    let mut quoted = false;
    for c in msg.chars() {
        if c == '"' {
            if !quoted {
                out.push_str("\"…\"");
            }
            quoted = !quoted;
        } else if !quoted {
            out.push(c);
        }
    }
    out
}

fn median(v: &mut [f64]) -> f64 {
    v.sort_by(f64::total_cmp);
    let n = v.len();
    if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    }
}

/// Runs `d` over `lines` repeatedly for at least `sample`; returns MB/s (1 MB = 10^6 bytes).
fn sample(d: Decoder, lines: &[&str], bytes: usize, expect_ok: usize, sample: Duration) -> f64 {
    let start = Instant::now();
    let mut passes = 0u32;
    loop {
        let ok = d.pass(lines);
        assert_eq!(
            ok,
            expect_ok,
            "{} decoded a different number of lines",
            d.name()
        );
        passes += 1;
        if start.elapsed() >= sample {
            break;
        }
    }
    bytes as f64 * f64::from(passes) / start.elapsed().as_secs_f64() / 1e6
}

fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("error: {e}");
            eprintln!("usage: athena-fhir-compare [--rounds N] [--sample-ms MS] [DIR]");
            return ExitCode::from(2);
        }
    };
    let Ok(entries) = std::fs::read_dir(&args.dir) else {
        eprintln!(
            "SKIP: {} not found (the shared fixtures are absent)",
            args.dir.display()
        );
        return ExitCode::SUCCESS;
    };
    let mut files: Vec<PathBuf> = entries
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "ndjson"))
        .collect();
    files.sort();

    // Every non-empty line of every file.
    let mut all: Vec<Line> = Vec::new();
    for f in &files {
        let text = match std::fs::read_to_string(f) {
            Ok(t) => t,
            Err(e) => {
                eprintln!("error: cannot read {}: {e}", f.display());
                return ExitCode::FAILURE;
            }
        };
        let file = f
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        for (i, l) in text.lines().enumerate() {
            if !l.trim().is_empty() {
                all.push(Line {
                    file: file.clone(),
                    number: i + 1,
                    text: l.to_owned(),
                });
            }
        }
    }

    let probe_order: serde_json::Value =
        serde_json::from_str(r#"{"b":1,"a":2}"#).expect("literal JSON");
    let preserve_order = probe_order
        .as_object()
        .and_then(|o| o.keys().next())
        .map(String::as_str)
        == Some("b");
    let probe_num: serde_json::Value = serde_json::from_str("1.50").expect("literal JSON");
    let arbitrary_precision = serde_json::to_string(&probe_num).is_ok_and(|s| s == "1.50");
    println!(
        "serde_json features in this build: preserve_order={preserve_order} arbitrary_precision={arbitrary_precision}{}",
        if cfg!(feature = "fhirbolt") {
            " (fhirbolt turns both on)"
        } else {
            " (fhirbolt not linked)"
        }
    );
    println!(
        "{} files, {} non-empty lines, {:.3} MB, from {}",
        files.len(),
        all.len(),
        all.iter().map(|l| l.text.len()).sum::<usize>() as f64 / 1e6,
        args.dir.display()
    );

    // Cross-check pass: every decoder over every line, one at a time.
    let summaries: Vec<Vec<Result<Summary, String>>> = DECODERS
        .iter()
        .map(|d| all.iter().map(|l| d.summarize(&l.text)).collect())
        .collect();
    let vi = 0; // DECODERS[0] is Value.
    let is_resource = |i: usize| matches!(&summaries[vi][i], Ok(s) if s.resource_type.is_some());
    let not_resources: Vec<&Line> = (0..all.len())
        .filter(|&i| !is_resource(i))
        .map(|i| &all[i])
        .collect();
    if !not_resources.is_empty() {
        let mut by_file: BTreeMap<&str, usize> = BTreeMap::new();
        for l in &not_resources {
            *by_file.entry(&l.file).or_default() += 1;
        }
        println!(
            "left out, no top-level \"resourceType\" (not FHIR resources): {} lines {:?}",
            not_resources.len(),
            by_file
        );
    }
    let resource_idx: Vec<usize> = (0..all.len()).filter(|&i| is_resource(i)).collect();

    println!(
        "\nrejections over the {} resource lines:",
        resource_idx.len()
    );
    let mut failed = false;
    for (di, d) in DECODERS.iter().enumerate() {
        let rejected: Vec<usize> = resource_idx
            .iter()
            .copied()
            .filter(|&i| summaries[di][i].is_err())
            .collect();
        println!("  {:<30} {:>5} rejected", d.name(), rejected.len());
        let mut by_file: BTreeMap<&str, usize> = BTreeMap::new();
        for &i in &rejected {
            *by_file.entry(&all[i].file).or_default() += 1;
        }
        if !rejected.is_empty() {
            println!("      by file: {by_file:?}");
        }
        for &i in rejected.iter().take(3) {
            if let Err(e) = &summaries[di][i] {
                println!(
                    "      e.g. {}:{}: {}",
                    all[i].file,
                    all[i].number,
                    redact(e)
                );
            }
        }
    }

    // Lines every decoder accepted: they must agree on type and id.
    let common: Vec<usize> = resource_idx
        .iter()
        .copied()
        .filter(|&i| summaries.iter().all(|s| s[i].is_ok()))
        .collect();
    let mut by_type: BTreeMap<String, usize> = BTreeMap::new();
    let mut mismatches = 0usize;
    let mut athena_other = 0usize;
    for &i in &common {
        let Ok(reference) = &summaries[vi][i] else {
            unreachable!("common lines decoded")
        };
        *by_type
            .entry(reference.resource_type.clone().unwrap_or_default())
            .or_default() += 1;
        for (di, d) in DECODERS.iter().enumerate() {
            let Ok(s) = &summaries[di][i] else {
                unreachable!("common lines decoded")
            };
            if *d == Decoder::Athena && s.athena_other {
                athena_other += 1;
            }
            if s.resource_type.is_some()
                && (s.resource_type != reference.resource_type || s.id != reference.id)
            {
                mismatches += 1;
                failed = true;
                println!(
                    "  MISMATCH {}:{}: {} says {:?}, Value says {:?}",
                    all[i].file,
                    all[i].number,
                    d.name(),
                    s.resource_type,
                    reference.resource_type
                );
            }
        }
    }
    println!(
        "\naccepted by every decoder: {} lines, by type {by_type:?}\n  \
         type+id cross-check against Value: {mismatches} mismatches; \
         athena resources left in the Other (raw JSON) arm: {athena_other}",
        common.len()
    );
    if failed {
        eprintln!("error: decoders disagree; figures would be meaningless");
        return ExitCode::FAILURE;
    }
    if common.is_empty() {
        eprintln!("error: no line was accepted by every decoder");
        return ExitCode::FAILURE;
    }

    let lines: Vec<&str> = common.iter().map(|&i| all[i].text.as_str()).collect();
    let bytes: usize = lines.iter().map(|l| l.len()).sum();
    println!(
        "\ntimed set: {} lines, {:.3} MB; {} rounds, each decoder >= {} ms per round, order rotated each round",
        lines.len(),
        bytes as f64 / 1e6,
        args.rounds,
        args.sample.as_millis()
    );

    // Warm-up (page in, allocator), then rounds with the order rotated.
    for d in DECODERS {
        d.pass(&lines);
    }
    let n = DECODERS.len();
    let mut mbps: Vec<Vec<f64>> = vec![Vec::with_capacity(args.rounds); n];
    for round in 0..args.rounds {
        let mut line = format!("round {round}:");
        for k in 0..n {
            let di = (round + k) % n;
            let v = sample(DECODERS[di], &lines, bytes, lines.len(), args.sample);
            mbps[di].push(v);
            line.push_str(&format!(" {}={v:.0}", short(DECODERS[di])));
        }
        println!("{line}");
    }

    let med: Vec<f64> = mbps.iter_mut().map(|v| median(v)).collect();
    println!(
        "\n{:<30} {:>10} {:>8} {:>8}",
        "decoder", "median", "min", "max"
    );
    for (di, d) in DECODERS.iter().enumerate() {
        let (lo, hi) = mbps[di]
            .iter()
            .fold((f64::MAX, 0f64), |(lo, hi), &v| (lo.min(v), hi.max(v)));
        println!(
            "{:<30} {:>5.0} MB/s {:>8.0} {:>8.0}",
            d.name(),
            med[di],
            lo,
            hi
        );
    }
    let pos = |d: Decoder| {
        DECODERS
            .iter()
            .position(|&x| x == d)
            .expect("decoder listed")
    };
    // Two views of each ratio: of the medians, and the median of the per-round ratios (decoders
    // of one round ran back to back, so that one is steadier when the machine is shared).
    let ratio = |a: Decoder, b: Decoder| {
        let (a, b) = (pos(a), pos(b));
        let mut per_round: Vec<f64> = mbps[a].iter().zip(&mbps[b]).map(|(x, y)| x / y).collect();
        (med[a] / med[b], median(&mut per_round))
    };
    println!("\nratios            of medians   median per round");
    let show = |label: &str, a: Decoder, b: Decoder, target: &str| {
        let (of_medians, per_round) = ratio(a, b);
        println!("  {label:<18} {of_medians:>6.2}x {per_round:>12.2}x   {target}");
    };
    show(
        "enum / Value",
        Decoder::Athena,
        Decoder::Value,
        "(target >= 1.0x)",
    );
    #[cfg(feature = "fhirbolt")]
    {
        show(
            "enum / fhirbolt",
            Decoder::Athena,
            Decoder::Fhirbolt,
            "(target >= 3x)",
        );
        show("fhirbolt / Value", Decoder::Fhirbolt, Decoder::Value, "");
    }
    show("IgnoredAny / Value", Decoder::Ignored, Decoder::Value, "");
    ExitCode::SUCCESS
}

fn short(d: Decoder) -> &'static str {
    match d {
        Decoder::Value => "Value",
        Decoder::Athena => "enum",
        #[cfg(feature = "fhirbolt")]
        Decoder::Fhirbolt => "fhirbolt",
        Decoder::Ignored => "IgnoredAny",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redact_drops_quoted_text_and_keeps_the_rest() {
        assert_eq!(
            redact(r#"invalid value: string "Jane Doe", expected a date at line 1 column 9"#),
            r#"invalid value: string "…", expected a date at line 1 column 9"#
        );
        assert_eq!(redact("unknown field `foo`"), "unknown field `foo`");
    }

    #[test]
    fn median_of_odd_and_even_counts() {
        assert_eq!(median(&mut [3.0, 1.0, 2.0]), 2.0);
        assert_eq!(median(&mut [4.0, 1.0, 3.0, 2.0]), 2.5);
    }

    #[test]
    fn every_decoder_accepts_a_patient_and_agrees_on_type_and_id() {
        let line =
            r#"{"resourceType":"Patient","id":"p1","gender":"female","birthDate":"1970-01-01"}"#;
        for d in DECODERS {
            let s = d
                .summarize(line)
                .unwrap_or_else(|e| panic!("{}: {e}", d.name()));
            if *d != Decoder::Ignored {
                assert_eq!(s.resource_type.as_deref(), Some("Patient"), "{}", d.name());
                assert_eq!(s.id.as_deref(), Some("p1"), "{}", d.name());
            }
            assert!(!s.athena_other, "{}", d.name());
            assert_eq!(d.pass(&[line, "{not json"]), 1, "{}", d.name());
        }
    }
}
