//! A standalone Bulk Data server that streams a generated export of any size (1 GB and more)
//! without holding it in memory: the sandbox's US Core resources for a few hundred patients
//! are rendered once into a small pool of NDJSON lines, and each output file repeats them,
//! written with chunked transfer encoding, until the file reaches its size.
//!
//! It speaks just enough of the athena surface for a Bulk Data client: the token endpoint
//! (`POST /oauth2/v1/token`, HTTP Basic client credentials), `Group/a-1.c-{practice}/$export`
//! kick-off, one `202` status poll with `X-Progress` and `Retry-After`, the manifest
//! (`requiresAccessToken: true`), and the files, which require the bearer token.

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};

use base64::Engine as _;
use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

use super::resources::{clinical, patient};
use crate::DEFAULT_PRACTICE_ID;
use crate::state::Practice;

const TYPES: &[&str] = &[
    "Patient",
    "Condition",
    "Observation",
    "AllergyIntolerance",
    "MedicationRequest",
    "Encounter",
    "Coverage",
];

/// Bytes written per chunk of a file.
const CHUNK: usize = 256 * 1024;

/// A running large-export server; it stops when dropped.
#[derive(Debug)]
pub struct LargeExport {
    origin: String,
    shared: Arc<LargeShared>,
    task: tokio::task::JoinHandle<()>,
}

#[derive(Debug)]
struct LargeShared {
    client_id: String,
    client_secret: String,
    token: String,
    file_bytes: u64,
    files: u32,
    /// NDJSON lines (each ending in `\n`) per type, in `TYPES` order.
    pool: Vec<Vec<u8>>,
    polls: AtomicU32,
    bytes_served: AtomicU64,
    lines_served: AtomicU64,
}

impl Drop for LargeExport {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl LargeExport {
    /// Starts a server whose export has `files` NDJSON files of at least `file_bytes` bytes
    /// each (cycling through Patient, Condition, Observation, AllergyIntolerance,
    /// MedicationRequest, Encounter and Coverage), generated from `patients` sandbox patients.
    pub async fn start(file_bytes: u64, files: u32, patients: u64) -> LargeExport {
        let today = crate::rest::now_eastern().date();
        let practice = Practice::new(DEFAULT_PRACTICE_ID, 42, today, 3, 5, patients.max(1));
        let pool = TYPES
            .iter()
            .map(|ty| {
                let mut out = Vec::new();
                for pid in 1..=practice.max_patient_id() {
                    let Some(pat) = practice.patient(pid) else {
                        continue;
                    };
                    let resources = if *ty == "Patient" {
                        vec![patient(practice.id, &pat)]
                    } else {
                        clinical(&practice, &pat, &practice.chart(&pat), Some(ty))
                    };
                    for r in resources {
                        out.extend_from_slice(r.to_string().as_bytes());
                        out.push(b'\n');
                    }
                }
                out
            })
            .collect();
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind a loopback port");
        let origin = format!(
            "http://{}",
            listener.local_addr().expect("the listener has an address")
        );
        let shared = Arc::new(LargeShared {
            client_id: "large-export-client".into(),
            client_secret: "large-export-secret".into(),
            token: format!("large-export-token-{}", std::process::id()),
            file_bytes,
            files: files.max(1),
            pool,
            polls: AtomicU32::new(0),
            bytes_served: AtomicU64::new(0),
            lines_served: AtomicU64::new(0),
        });
        let task = {
            let shared = shared.clone();
            let origin = origin.clone();
            tokio::spawn(async move {
                while let Ok((stream, _)) = listener.accept().await {
                    let shared = shared.clone();
                    let origin = origin.clone();
                    tokio::spawn(async move {
                        let _ = connection(stream, &shared, &origin).await;
                    });
                }
            })
        };
        LargeExport {
            origin,
            shared,
            task,
        }
    }

    /// The origin (`http://127.0.0.1:{port}`): the token endpoint is `/oauth2/v1/token`.
    pub fn base_url(&self) -> String {
        self.origin.clone()
    }
    /// `{base}/fhir/r4`.
    pub fn fhir_base(&self) -> String {
        format!("{}/fhir/r4", self.origin)
    }
    /// The client id the token endpoint accepts.
    pub fn client_id(&self) -> &str {
        &self.shared.client_id
    }
    /// The matching secret.
    pub fn client_secret(&self) -> &str {
        &self.shared.client_secret
    }
    /// The practice of the export group (`Group/a-1.c-{practice}`).
    pub fn practice_id(&self) -> u64 {
        DEFAULT_PRACTICE_ID
    }
    /// Total bytes of the export (`files` × the rounded-up file size).
    pub fn total_bytes(&self) -> u64 {
        (0..self.shared.files)
            .map(|i| file_plan(&self.shared, i).0)
            .sum()
    }
    /// Total resources in the export.
    pub fn total_resources(&self) -> u64 {
        (0..self.shared.files)
            .map(|i| file_plan(&self.shared, i).1)
            .sum()
    }
    /// NDJSON bytes written to clients so far.
    pub fn bytes_served(&self) -> u64 {
        self.shared.bytes_served.load(Ordering::Relaxed)
    }
    /// NDJSON lines (resources) written to clients so far.
    pub fn resources_served(&self) -> u64 {
        self.shared.lines_served.load(Ordering::Relaxed)
    }
}

/// Bytes and lines of file `i`: whole passes over its type's pool, then whole lines until
/// the size is reached.
fn file_plan(shared: &LargeShared, i: u32) -> (u64, u64) {
    let pool = &shared.pool[i as usize % shared.pool.len()];
    let mut bytes = 0u64;
    let mut lines = 0u64;
    if pool.is_empty() {
        return (0, 0);
    }
    while bytes < shared.file_bytes {
        for line in pool.split_inclusive(|b| *b == b'\n') {
            bytes += line.len() as u64;
            lines += 1;
            if bytes >= shared.file_bytes {
                break;
            }
        }
    }
    (bytes, lines)
}

async fn connection(
    mut stream: TcpStream,
    shared: &LargeShared,
    origin: &str,
) -> std::io::Result<()> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    let head_end = loop {
        let n = stream.read(&mut chunk).await?;
        if n == 0 {
            return Ok(());
        }
        buf.extend_from_slice(&chunk[..n]);
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
        if buf.len() > 64 * 1024 {
            return Ok(());
        }
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).into_owned();
    let header = |name: &str| {
        head.lines().skip(1).find_map(|l| {
            let (k, v) = l.split_once(':')?;
            k.trim()
                .eq_ignore_ascii_case(name)
                .then(|| v.trim().to_owned())
        })
    };
    let length: usize = header("content-length")
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
        .min(64 * 1024);
    while buf.len() < head_end + length {
        let n = stream.read(&mut chunk).await?;
        if n == 0 {
            break;
        }
        buf.extend_from_slice(&chunk[..n]);
    }
    let mut first = head.lines().next().unwrap_or("").split(' ');
    let method = first.next().unwrap_or("").to_owned();
    let target = first.next().unwrap_or("/").to_owned();
    let path = target.split('?').next().unwrap_or("/");
    let segs: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    let authorized =
        header("authorization").as_deref() == Some(&format!("Bearer {}", shared.token));
    let fhir = "application/fhir+json";
    let outcome = |code: &str, text: &str| {
        json!({"resourceType": "OperationOutcome", "issue": [{"severity": "error", "code": code, "details": {"text": text}}]})
            .to_string()
    };
    match (method.as_str(), segs.as_slice()) {
        ("POST", ["oauth2", "v1", "token"]) => {
            let basic = base64::engine::general_purpose::STANDARD
                .encode(format!("{}:{}", shared.client_id, shared.client_secret));
            if header("authorization").as_deref() == Some(&format!("Basic {basic}")) {
                let body = json!({"access_token": shared.token, "token_type": "Bearer", "expires_in": 3600, "scope": "system/*.read"});
                reply(&mut stream, 200, "application/json", &[], &body.to_string()).await
            } else {
                reply(
                    &mut stream,
                    401,
                    "application/json",
                    &[],
                    r#"{"error":"invalid_client"}"#,
                )
                .await
            }
        }
        _ if !authorized => {
            reply(
                &mut stream,
                401,
                fhir,
                &[],
                &outcome("login", "A valid bearer token is required."),
            )
            .await
        }
        ("GET", ["fhir", "r4", "Group", group, "$export"])
            if *group == format!("a-1.c-{DEFAULT_PRACTICE_ID}") =>
        {
            shared.polls.store(0, Ordering::Relaxed);
            let location = format!("{origin}/fhir/r4/bulkstatus/large");
            reply(
                &mut stream,
                202,
                fhir,
                &[("Content-Location", &location)],
                "",
            )
            .await
        }
        ("GET", ["fhir", "r4", "bulkstatus", "large"]) => {
            if shared.polls.fetch_add(1, Ordering::Relaxed) == 0 {
                return reply(
                    &mut stream,
                    202,
                    fhir,
                    &[("Retry-After", "1"), ("X-Progress", "generating")],
                    "",
                )
                .await;
            }
            let output: Vec<_> = (0..shared.files)
                .map(|i| {
                    let (_, count) = file_plan(shared, i);
                    json!({"type": TYPES[i as usize % TYPES.len()], "url": format!("{origin}/fhir/r4/bulkfiles/large/{i}.ndjson"), "count": count})
                })
                .collect();
            let manifest = json!({
                "transactionTime": chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string(),
                "request": format!("{origin}/fhir/r4/Group/a-1.c-{DEFAULT_PRACTICE_ID}/$export"),
                "requiresAccessToken": true,
                "output": output,
                "error": [],
            });
            reply(
                &mut stream,
                200,
                "application/json",
                &[],
                &manifest.to_string(),
            )
            .await
        }
        ("GET", ["fhir", "r4", "bulkfiles", "large", file]) => {
            let Some(i) = file
                .strip_suffix(".ndjson")
                .and_then(|n| n.parse::<u32>().ok())
                .filter(|i| *i < shared.files)
            else {
                return reply(
                    &mut stream,
                    404,
                    fhir,
                    &[],
                    &outcome("not-found", "Unknown export file."),
                )
                .await;
            };
            stream_file(&mut stream, shared, i).await
        }
        _ => {
            reply(
                &mut stream,
                404,
                fhir,
                &[],
                &outcome("not-found", "Unknown path."),
            )
            .await
        }
    }
}

async fn reply(
    stream: &mut TcpStream,
    status: u16,
    content_type: &str,
    headers: &[(&str, &str)],
    body: &str,
) -> std::io::Result<()> {
    let mut head = format!(
        "HTTP/1.1 {status} {}\r\ncontent-type: {content_type}\r\ncontent-length: {}\r\nconnection: close\r\n",
        if status < 300 { "OK" } else { "Error" },
        body.len()
    );
    for (k, v) in headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes()).await?;
    stream.write_all(body.as_bytes()).await?;
    stream.shutdown().await
}

/// Writes file `i` with chunked encoding, one bounded chunk at a time.
async fn stream_file(stream: &mut TcpStream, shared: &LargeShared, i: u32) -> std::io::Result<()> {
    stream
        .write_all(
            b"HTTP/1.1 200 OK\r\ncontent-type: application/fhir+ndjson\r\ntransfer-encoding: chunked\r\nconnection: close\r\n\r\n",
        )
        .await?;
    let pool = &shared.pool[i as usize % shared.pool.len()];
    let mut written = 0u64;
    let mut chunk = Vec::with_capacity(CHUNK + 64 * 1024);
    let mut lines = 0u64;
    'file: while written < shared.file_bytes && !pool.is_empty() {
        for line in pool.split_inclusive(|b| *b == b'\n') {
            chunk.extend_from_slice(line);
            written += line.len() as u64;
            lines += 1;
            let last = written >= shared.file_bytes;
            if chunk.len() >= CHUNK || last {
                stream
                    .write_all(format!("{:x}\r\n", chunk.len()).as_bytes())
                    .await?;
                stream.write_all(&chunk).await?;
                stream.write_all(b"\r\n").await?;
                shared
                    .bytes_served
                    .fetch_add(chunk.len() as u64, Ordering::Relaxed);
                shared.lines_served.fetch_add(lines, Ordering::Relaxed);
                chunk.clear();
                lines = 0;
            }
            if last {
                break 'file;
            }
        }
    }
    stream.write_all(b"0\r\n\r\n").await?;
    stream.shutdown().await
}
