//! Peak memory of a Bulk Data download: streams a generated ≥ 1 GiB NDJSON export from the
//! testkit's [`athena_testkit::LargeExport`] server through `FhirClient` (token, kick-off,
//! polling, manifest, streamed download) into typed `athena_fhir::r4::Resource` values, and
//! prints bytes, resources, MB/s and the client's peak RSS.
//!
//! The client runs in its **own process** (this binary re-executed with
//! `ATHENA_BULK_RSS_CHILD` set), so its `VmHWM` (peak resident set, from `/proc/self/status`)
//! counts the client alone, not the server that generates the export.
//!
//! ```text
//! cargo bench -p athena-fhir --bench bulk_rss
//! ATHENA_BULK_RSS_MIB=4096 cargo bench -p athena-fhir --bench bulk_rss   # 4 GiB
//! ```
//!
//! Exits non-zero if the client's peak RSS exceeds 100 MB (`ATHENA_BULK_RSS_BUDGET_MB`) or a
//! resource is missing or untyped.

use std::process::Command;
use std::time::Instant;

use athena_core::PracticeId;
use athena_fhir::FhirClient;
use athena_fhir::bulk::{ExportOptions, PollPolicy};
use athena_fhir::r4::Resource;
use futures::StreamExt;

const CHILD: &str = "ATHENA_BULK_RSS_CHILD";
const MIB: u64 = 1024 * 1024;

/// `VmHWM` / `VmRSS` of this process in bytes (Linux), or `None` elsewhere.
fn proc_status(field: &str) -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with(field))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}

fn env_u64(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(default)
}

fn main() {
    if std::env::var_os(CHILD).is_some() {
        child();
    } else {
        parent();
    }
}

/// Serves the export and runs the client in a child process.
fn parent() {
    let total_mib = env_u64("ATHENA_BULK_RSS_MIB", 1024);
    let files = env_u64("ATHENA_BULK_RSS_FILES", 8).max(1);
    let budget_mb = env_u64("ATHENA_BULK_RSS_BUDGET_MB", 100);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .expect("runtime");
    let server = runtime.block_on(athena_testkit::LargeExport::start(
        total_mib * MIB / files,
        files as u32,
        300,
    ));
    println!(
        "bulk_rss: export of {} files, {:.1} MiB, {} resources, served by the testkit LargeExport server",
        files,
        server.total_bytes() as f64 / MIB as f64,
        server.total_resources()
    );
    let exe = std::env::current_exe().expect("current exe");
    let output = Command::new(exe)
        .env(CHILD, "1")
        .env("ATHENA_BULK_RSS_BASE", server.base_url())
        .env("ATHENA_BULK_RSS_ID", server.client_id())
        .env("ATHENA_BULK_RSS_SECRET", server.client_secret())
        .env("ATHENA_BULK_RSS_PRACTICE", server.practice_id().to_string())
        .output()
        .expect("run the client process");
    let stdout = String::from_utf8_lossy(&output.stdout);
    eprint!("{}", String::from_utf8_lossy(&output.stderr));
    if !output.status.success() {
        println!("{stdout}");
        panic!("the client process failed: {}", output.status);
    }
    let field = |name: &str| -> u64 {
        stdout
            .lines()
            .find_map(|l| l.strip_prefix(name)?.trim().parse().ok())
            .unwrap_or_else(|| panic!("the client did not report {name}: {stdout}"))
    };
    let resources = field("resources=");
    let untyped = field("untyped=");
    let nanos = field("elapsed_ns=");
    let hwm = field("vmhwm=");
    let baseline = field("baseline_rss=");
    let bytes = server.bytes_served();
    let secs = nanos as f64 / 1e9;
    let server_hwm = proc_status("VmHWM:").unwrap_or(0);
    println!(
        "bulk_rss: client streamed {:.1} MiB ({bytes} bytes), {resources} resources ({untyped} untyped) in {secs:.2} s = {:.0} MB/s",
        bytes as f64 / MIB as f64,
        bytes as f64 / 1e6 / secs,
    );
    println!(
        "bulk_rss: client peak RSS (VmHWM, client process only) = {:.1} MB; RSS before the download = {:.1} MB; budget {budget_mb} MB",
        hwm as f64 / 1e6,
        baseline as f64 / 1e6
    );
    println!(
        "bulk_rss: (server process peak RSS, not counted: {:.1} MB)",
        server_hwm as f64 / 1e6
    );
    let mut ok = true;
    if resources != server.total_resources() || bytes != server.total_bytes() {
        println!(
            "bulk_rss: FAIL: expected {} resources / {} bytes",
            server.total_resources(),
            server.total_bytes()
        );
        ok = false;
    }
    if untyped != 0 {
        println!("bulk_rss: FAIL: {untyped} resources decoded as Resource::Other");
        ok = false;
    }
    if hwm > budget_mb * 1_000_000 {
        println!("bulk_rss: FAIL: peak RSS over the {budget_mb} MB budget");
        ok = false;
    }
    drop(server);
    if !ok {
        std::process::exit(1);
    }
    println!("bulk_rss: OK");
}

/// The client: kick-off, poll, manifest, then every file streamed into typed resources.
fn child() {
    let var = |name: &str| std::env::var(name).unwrap_or_else(|_| panic!("{name} is not set"));
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async {
        let core = athena_core::Client::builder()
            .base_url(var("ATHENA_BULK_RSS_BASE"))
            .client_credentials(var("ATHENA_BULK_RSS_ID"), var("ATHENA_BULK_RSS_SECRET"))
            .scope("system/*.read")
            .build()
            .expect("core client");
        let practice = PracticeId::new(var("ATHENA_BULK_RSS_PRACTICE").parse().expect("id"));
        let fhir = FhirClient::new(&core.practice(practice));
        let job = fhir
            .export_group(&ExportOptions::default())
            .await
            .expect("kick-off");
        let policy = PollPolicy {
            floor: std::time::Duration::from_millis(10),
            ..Default::default()
        };
        let manifest = job.wait(&policy, |_| {}).await.expect("manifest");
        let baseline = proc_status("VmRSS:").unwrap_or(0);
        let started = Instant::now();
        let mut resources = 0u64;
        let mut untyped = 0u64;
        for file in &manifest.output {
            let mut stream = std::pin::pin!(fhir.download(&manifest, file));
            while let Some(item) = stream.next().await {
                match item.expect("resource") {
                    Resource::Other(_) => untyped += 1,
                    r => {
                        // Touch the typed value so the decode cannot be optimised away.
                        std::hint::black_box(&r);
                    }
                }
                resources += 1;
            }
        }
        let elapsed = started.elapsed();
        println!("resources={resources}");
        println!("untyped={untyped}");
        println!("elapsed_ns={}", elapsed.as_nanos());
        println!("baseline_rss={baseline}");
        println!("vmhwm={}", proc_status("VmHWM:").unwrap_or(0));
    });
}
