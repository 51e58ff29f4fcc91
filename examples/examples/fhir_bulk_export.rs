//! A practice's FHIR Bulk Data export: kick off `Group/a-1.c-{practice}/$export`, poll it
//! (honouring `Retry-After`, showing `X-Progress`), read the manifest, then download every
//! file as a stream of typed resources with flat memory, counting them by type, and resume an
//! interrupted download from a state file.
//!
//! ```sh
//! cargo run --example fhir_bulk_export                    # against a local sandbox
//! ATHENA_CLIENT_ID=… ATHENA_CLIENT_SECRET=… ATHENA_PRACTICE_ID=195900 \
//!     cargo run --example fhir_bulk_export                # athenahealth's preview sandbox
//! ATHENA_EXPORT_TYPES=Patient,Condition cargo run --example fhir_bulk_export   # `_type`
//! ATHENA_EXPORT_TYPES= cargo run --example fhir_bulk_export   # every type the server offers
//! ATHENA_EXPORT_DIR=export cargo run --example fhir_bulk_export  # keep the files; re-run resumes
//! ```
//!
//! Without `ATHENA_EXPORT_DIR` the resources are counted and dropped (nothing is stored) and
//! the resume state lives in a temporary folder removed at exit. With it, each file is written
//! there as NDJSON, and the export's status URL and the resume state are kept, so running the
//! example again picks up the same export and skips the files already finished.
//!
//! Progress bars are drawn on a terminal only; when the output is captured (a pipe, a file, a
//! test) they stay hidden and plain progress lines say the same.

use std::collections::BTreeMap;
use std::io::{BufWriter, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

use athena::fhir::FhirClient;
use athena::fhir::bulk::{ExportJob, ExportOptions, Manifest, OutputFile, PollPolicy, ResumeState};
use athena::fhir::r4::Resource;
use athena::prelude::*;
use athena::sandbox::{FhirSession, connect_fhir_or_sandbox};
use athena_examples::BoxError;
use indicatif::{HumanBytes, ProgressBar, ProgressStyle};

/// `_type` unless `ATHENA_EXPORT_TYPES` says otherwise: the types `DEFAULT_FHIR_SCOPE` may
/// read (an export of a type the app has no scope for is refused).
const DEFAULT_TYPES: &[&str] = &[
    "Patient",
    "Condition",
    "Observation",
    "AllergyIntolerance",
    "MedicationRequest",
    "Encounter",
    "Coverage",
];

/// Resources the simulated interruption lets through before it "crashes" the download.
const INTERRUPT_AFTER: u64 = 5;
/// On a captured output, a plain progress line every this many resources.
const LINE_EVERY: u64 = 1000;

#[tokio::main]
async fn main() -> Result<(), BoxError> {
    athena_examples::init_tracing();
    let session = connect_fhir_or_sandbox().await?;
    println!("Talking to {}", session.description());
    let fhir = session.fhir();

    // Where the resume state (and, when asked for, the files) go.
    let keep_dir = std::env::var("ATHENA_EXPORT_DIR")
        .ok()
        .filter(|d| !d.trim().is_empty())
        .map(PathBuf::from);
    let temp = match &keep_dir {
        Some(_) => None,
        None => Some(tempfile::tempdir()?),
    };
    let dir: PathBuf = match (&keep_dir, &temp) {
        (Some(d), _) => {
            std::fs::create_dir_all(d)?;
            d.clone()
        }
        (None, Some(t)) => t.path().to_owned(),
        (None, None) => return Err("no folder for the resume state".into()),
    };
    let state_path = dir.join("export-state.json");
    let job_path = dir.join("export-job.txt");

    // 1. Kick off (or re-attach to the export a previous run saved).
    let options = ExportOptions {
        types: std::env::var("ATHENA_EXPORT_TYPES")
            .ok()
            .map(|t| {
                t.split(',')
                    .map(|s| s.trim().to_owned())
                    .filter(|s| !s.is_empty())
                    .collect()
            })
            .unwrap_or_else(|| DEFAULT_TYPES.iter().map(|t| (*t).to_owned()).collect()),
        ..ExportOptions::default()
    };
    // A local sandbox is new on every run, so only an export on athenahealth can be re-attached.
    let saved_job = (keep_dir.is_some() && !session.is_local()).then_some(&job_path);
    let job = start_export(&session, &options, saved_job).await?;

    // 2. Poll until the manifest arrives.
    let manifest = wait_for_manifest(&session, &job).await?;

    // 3. The manifest.
    print_manifest(&manifest);
    print_outcomes(fhir, &manifest).await?;

    // 4. Download, "crash" partway (a simulated interruption), then 5. resume from the state
    //    file. A run that re-attached to a saved export already is a resume: no simulation.
    let mut totals = Totals::default();
    let pending_at_start = ResumeState::load(&state_path, &manifest)?
        .pending(&manifest)
        .count();
    println!(
        "\n4. Downloading {pending_at_start} of {} files (state file {})",
        manifest.output.len(),
        state_path.display()
    );
    let simulate = pending_at_start >= 2;
    if simulate {
        println!(
            "   To show resuming, the download is interrupted after the first file and \
             {INTERRUPT_AFTER} resources of the second, as a crash or Ctrl-C would."
        );
    }
    let store = keep_dir.as_deref();
    let interrupted = download(
        fhir,
        &manifest,
        &state_path,
        store,
        simulate.then_some(INTERRUPT_AFTER),
        &mut totals,
    )
    .await?;
    if interrupted {
        let state = ResumeState::load(&state_path, &manifest)?;
        let next = state
            .pending(&manifest)
            .next()
            .map(|f| f.resource_type.as_str());
        println!(
            "\n5. Resume: the state file says {} of {} files are finished; those are skipped and \
             {} restarts from its beginning.",
            state.done.len(),
            manifest.output.len(),
            next.unwrap_or("nothing")
        );
        download(fhir, &manifest, &state_path, store, None, &mut totals).await?;
    }

    // 6. Counts and where the data went.
    println!(
        "\n6. Downloaded {} resources ({} of NDJSON) in {} files:",
        totals.by_type.values().sum::<u64>(),
        HumanBytes(totals.bytes),
        totals.files
    );
    for (ty, n) in &totals.by_type {
        println!("   {ty:<20} {n:>7}");
    }
    if totals.undecodable > 0 {
        println!(
            "   {} lines could not be decoded and were skipped",
            totals.undecodable
        );
    }
    let state = ResumeState::load(&state_path, &manifest)?;
    let all_done = state.pending(&manifest).next().is_none();
    match &keep_dir {
        Some(d) => {
            println!(
                "\nNDJSON files are in {} ({} of {} files finished; state in {}).",
                d.display(),
                state.done.len(),
                manifest.output.len(),
                state_path.display()
            );
            if all_done && saved_job.is_some() {
                println!(
                    "Everything is downloaded; delete {} to start a new export next time.",
                    job_path.display()
                );
            }
        }
        None => println!(
            "\nNothing was stored: the resources were streamed, counted and dropped. The resume \
             state was in {} and is removed now (set ATHENA_EXPORT_DIR=path to keep the files \
             and resume across runs).",
            dir.display()
        ),
    }
    if !all_done {
        return Err("some files are not downloaded yet".into());
    }
    Ok(())
}

/// Kicks the export off, or re-attaches to the one whose status URL `saved` holds.
async fn start_export(
    session: &FhirSession,
    options: &ExportOptions,
    saved: Option<&PathBuf>,
) -> Result<ExportJob, BoxError> {
    let fhir = session.fhir();
    if let Some(path) = saved
        && let Ok(url) = std::fs::read_to_string(path)
    {
        match ExportJob::resume(fhir, url.trim()) {
            Ok(job) => match job.poll().await {
                Ok(_) => {
                    println!(
                        "\n1. Re-attached to the export saved in {} (delete it to start anew)",
                        path.display()
                    );
                    return Ok(job);
                }
                Err(e) => println!("\n   The saved export is no longer available ({e})."),
            },
            Err(e) => println!("\n   The saved export cannot be used ({e})."),
        }
    }
    let group = session.practice().to_fhir_bulk_group();
    let job = fhir.export_group(options).await?;
    println!(
        "\n1. Kicked off Group/{group}/$export ({}) with Prefer: respond-async: 202 Accepted",
        if options.types.is_empty() {
            "every type the server offers".to_owned()
        } else {
            format!("_type={}", options.types.join(","))
        }
    );
    println!("   status URL: {}", job.status_url());
    if let Some(path) = saved {
        std::fs::write(path, job.status_url().as_str())?;
    }
    Ok(job)
}

/// Polls with `ExportJob::wait` (which honours `Retry-After`), showing `X-Progress`.
async fn wait_for_manifest(session: &FhirSession, job: &ExportJob) -> Result<Manifest, BoxError> {
    let policy = if session.is_local() {
        // The sandbox asks for a poll a second; no need to wait longer.
        PollPolicy {
            floor: Duration::from_millis(200),
            initial: Duration::from_millis(500),
            ..PollPolicy::default()
        }
    } else {
        PollPolicy::default()
    };
    println!("\n2. Polling the status URL");
    let bar = progress_bar(Some(100));
    bar.set_style(style(
        "{spinner} export {msg} [{elapsed}] [{bar:30}] {pos}%",
    ));
    bar.enable_steady_tick(Duration::from_millis(120));
    let mut polls = 0u32;
    let manifest = job
        .wait(&policy, |progress| {
            polls += 1;
            let text = progress.unwrap_or("(no X-Progress)");
            if let Some(pct) = percent(text) {
                bar.set_position(pct);
            }
            bar.set_message(text.to_owned());
            bar.suspend(|| println!("   poll {polls}: 202 Accepted, X-Progress: {text}"));
        })
        .await?;
    bar.set_position(100);
    bar.finish_and_clear();
    println!(
        "   poll {}: 200 OK, the manifest (after {polls} in-progress answers)",
        polls + 1
    );
    Ok(manifest)
}

/// The first `NN%` in an `X-Progress` text (free text; often "in-progress (50%)").
fn percent(text: &str) -> Option<u64> {
    let end = text.find('%')?;
    let digits: String = text[..end]
        .chars()
        .rev()
        .take_while(char::is_ascii_digit)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    digits.parse().ok().filter(|p| *p <= 100)
}

fn print_manifest(m: &Manifest) {
    println!("\n3. Manifest");
    println!("   transaction time:      {}", m.transaction_time);
    println!(
        "   requires access token: {} (the token goes only to the FHIR server's own origin)",
        if m.requires_access_token { "yes" } else { "no" }
    );
    println!("   output files:          {}", m.output.len());
    for f in &m.output {
        println!(
            "     - {:<20} {:>14}  {}",
            f.resource_type,
            f.count
                .map(|n| format!("{n} resources"))
                .unwrap_or_else(|| "count not given".into()),
            file_name(f)
        );
    }
    let outcomes: Vec<&OutputFile> = m.outcome_files().collect();
    println!(
        "   error/outcome files:   {}{}",
        outcomes.len(),
        if outcomes.is_empty() {
            " (nothing went wrong on the server's side)"
        } else {
            ""
        }
    );
    for f in &outcomes {
        println!("     - {:<20} {}", f.resource_type, file_name(f));
    }
    if !m.deleted.is_empty() {
        println!("   deleted-resource files: {}", m.deleted.len());
    }
}

/// The last path segment of a file URL (the host and query are not interesting here).
fn file_name(f: &OutputFile) -> &str {
    let path = f.url.split(['?', '#']).next().unwrap_or(&f.url);
    path.rsplit('/').next().unwrap_or(path)
}

/// Outcome files hold `OperationOutcome`s: show their severities and codes (not their text,
/// which may quote data).
async fn print_outcomes(fhir: &FhirClient, m: &Manifest) -> Result<(), BoxError> {
    for f in m.outcome_files() {
        let mut issues: BTreeMap<String, u64> = BTreeMap::new();
        let mut stream = Box::pin(fhir.download(m, f));
        while let Some(item) = stream.next().await {
            if let Resource::OperationOutcome(o) = item? {
                for i in &o.issue {
                    let key = format!(
                        "{} {}",
                        i.severity.as_ref().map(|s| s.as_str()).unwrap_or("?"),
                        i.code.as_ref().map(|c| c.as_str()).unwrap_or("?")
                    );
                    *issues.entry(key).or_default() += 1;
                }
            }
        }
        println!("   {}: {} issue kinds", file_name(f), issues.len());
        for (k, n) in issues {
            println!("     - {k} ×{n}");
        }
    }
    Ok(())
}

#[derive(Default)]
struct Totals {
    by_type: BTreeMap<String, u64>,
    bytes: u64,
    files: usize,
    undecodable: u64,
}

/// Downloads the files the state file does not list as finished, marking each one finished
/// (and saving the state) as soon as it is complete. With `interrupt_after`, stops in the
/// second file after that many resources and returns `true`, as a crash would.
async fn download(
    fhir: &FhirClient,
    manifest: &Manifest,
    state_path: &Path,
    store: Option<&Path>,
    interrupt_after: Option<u64>,
    totals: &mut Totals,
) -> Result<bool, BoxError> {
    let mut state = ResumeState::load(state_path, manifest)?;
    let pending: Vec<OutputFile> = state.pending(manifest).cloned().collect();
    for (nth, file) in pending.iter().enumerate() {
        let stop_at = interrupt_after.filter(|_| nth == 1);
        let bar = progress_bar(file.count);
        bar.set_style(style(if file.count.is_some() {
            "{spinner} {prefix:<20} [{bar:30}] {pos}/{len} resources, {msg}"
        } else {
            "{spinner} {prefix:<20} {pos} resources, {msg}"
        }));
        bar.set_prefix(file.resource_type.clone());
        let mut out = match store {
            Some(dir) => Some(BufWriter::new(std::fs::File::create(part_path(
                dir, manifest, file,
            ))?)),
            None => None,
        };
        let (mut n, mut bytes, mut bad) = (0u64, 0u64, 0u64);
        let mut by_type: BTreeMap<String, u64> = BTreeMap::new();
        let mut stream = Box::pin(fhir.download(manifest, file));
        while let Some(item) = stream.next().await {
            let resource = match item {
                Ok(r) => r,
                // One unreadable line does not spoil the file; anything else ends the run
                // with the state file saying which files are finished.
                Err(e) if e.kind() == athena::fhir::FhirErrorKind::Decode => {
                    bad += 1;
                    continue;
                }
                Err(e) => {
                    bar.abandon();
                    return Err(e.into());
                }
            };
            // The line as it would be written (the decoding is lossless, so this is the size
            // of the NDJSON that arrived, give or take insignificant whitespace).
            let line = serde_json::to_vec(&resource)?;
            bytes += line.len() as u64 + 1;
            if let Some(w) = out.as_mut() {
                w.write_all(&line)?;
                w.write_all(b"\n")?;
            }
            *by_type
                .entry(resource.resource_type().to_owned())
                .or_default() += 1;
            n += 1;
            bar.inc(1);
            bar.set_message(HumanBytes(bytes).to_string());
            if bar.is_hidden() && n % LINE_EVERY == 0 {
                println!("   {:<20} … {n} resources so far", file.resource_type);
            }
            if stop_at == Some(n) {
                bar.abandon();
                println!(
                    "   {:<20} interrupted after {n} resources (state file not updated for it)",
                    file.resource_type
                );
                return Ok(true);
            }
        }
        drop(stream);
        bar.finish_and_clear();
        if let (Some(mut w), Some(dir)) = (out, store) {
            w.flush()?;
            std::fs::rename(
                part_path(dir, manifest, file),
                final_path(dir, manifest, file),
            )?;
        }
        state.complete(file);
        state.save(state_path)?;
        println!(
            "   {:<20} {n:>7} resources, {:>10}{}  finished",
            file.resource_type,
            HumanBytes(bytes).to_string(),
            if bad > 0 {
                format!(", {bad} undecodable lines")
            } else {
                String::new()
            }
        );
        for (ty, k) in by_type {
            *totals.by_type.entry(ty).or_default() += k;
        }
        totals.bytes += bytes;
        totals.files += 1;
        totals.undecodable += bad;
    }
    Ok(false)
}

/// `NNN-Type.ndjson` by the file's place in the manifest (a type may span several files).
fn final_path(dir: &Path, manifest: &Manifest, file: &OutputFile) -> PathBuf {
    let index = manifest
        .output
        .iter()
        .position(|f| f.url == file.url)
        .unwrap_or(0);
    dir.join(format!("{:03}-{}.ndjson", index + 1, file.resource_type))
}

/// Where a file is written until it is complete.
fn part_path(dir: &Path, manifest: &Manifest, file: &OutputFile) -> PathBuf {
    final_path(dir, manifest, file).with_extension("ndjson.part")
}

/// A bar on a terminal; hidden when stdout or stderr is captured, so captured output holds
/// only the plain lines.
fn progress_bar(len: Option<u64>) -> ProgressBar {
    if !std::io::stdout().is_terminal() || !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    match len {
        Some(n) => ProgressBar::new(n),
        None => ProgressBar::new_spinner(),
    }
}

fn style(template: &str) -> ProgressStyle {
    ProgressStyle::with_template(template)
        .unwrap_or_else(|_| ProgressStyle::default_bar())
        .progress_chars("=> ")
}
