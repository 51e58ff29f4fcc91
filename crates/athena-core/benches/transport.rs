//! CPU time per call of the core transport, against plain reqwest + `serde_json::Value`.
//!
//! `cargo bench -p athena-core`
//!
//! A loopback HTTP/1.1 server on its own OS thread answers every GET with the same 100-item
//! athena page (and the token endpoint with a token). The client under test runs on a
//! current-thread runtime on the main thread, so the main thread's CPU time
//! (`/proc/thread-self/schedstat`) is exactly the client's work: building the request, the
//! token cache, the limiter, the retry loop, tracing, hyper, and decoding the page. The
//! baseline does the same GET with reqwest and decodes into `serde_json::Value`. Rounds
//! alternate between the two so drift hits both equally; the median round is reported.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::time::{Duration, Instant};

use athena_core::{Client, Page, Request};

const CALLS_PER_ROUND: usize = 400;
const ROUNDS: usize = 9;

fn page_body() -> Vec<u8> {
    let items: Vec<serde_json::Value> = (0..100)
        .map(|i| {
            serde_json::json!({
                "patientid": (60_000 + i).to_string(),
                "firstname": format!("Name{i}"),
                "lastname": format!("Surname{i}"),
                "dob": "07/04/1961",
                "sex": if i % 2 == 0 { "F" } else { "M" },
                "status": "active",
                "departmentid": "1",
                "primarydepartmentid": "1",
                "homephone": "6175550142",
                "mobilephone": "6175550143",
                "email": format!("person{i}@example.com"),
                "address1": format!("{i} Main St"),
                "city": "BOSTON",
                "state": "MA",
                "zip": "02110",
                "countrycode": "USA",
                "countrycode3166": "US",
                "guarantorfirstname": format!("Name{i}"),
                "guarantorlastname": format!("Surname{i}"),
                "guarantorrelationshiptopatient": "1",
                "portalaccessgiven": "true",
                "consenttotext": false,
                "balances": [{"balance": "-25.15", "departmentlist": "1,21,102", "providergroupid": 1, "cleanbalance": true}],
                "lastupdated": "06/22/2016",
                "registrationdate": "06/22/2016",
                "firstappointment": "06/22/2016 10:30",
                "driverslicense": false,
                "privacyinformationverified": "false",
            })
        })
        .collect();
    serde_json::to_vec(&serde_json::json!({
        "patients": items,
        "totalcount": 111,
        "next": "/v1/195900/patients?DEPARTMENTID=1&OMITBALANCES=False&offset=100",
    }))
    .unwrap_or_default()
}

fn serve(listener: TcpListener, page: Vec<u8>) {
    let token = br#"{"access_token":"bench-token","expires_in":"3600"}"#.to_vec();
    for stream in listener.incoming().flatten() {
        let page = page.clone();
        let token = token.clone();
        std::thread::spawn(move || connection(stream, &page, &token));
    }
}

fn connection(mut stream: TcpStream, page: &[u8], token: &[u8]) {
    let _ = stream.set_nodelay(true);
    let mut buf = Vec::with_capacity(8192);
    let mut chunk = [0u8; 8192];
    loop {
        // Read one request head (+ body by Content-Length).
        let head_end = loop {
            if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                break i + 4;
            }
            match stream.read(&mut chunk) {
                Ok(0) | Err(_) => return,
                Ok(n) => buf.extend_from_slice(&chunk[..n]),
            }
        };
        let head = String::from_utf8_lossy(&buf[..head_end]).to_ascii_lowercase();
        let body_len: usize = head
            .lines()
            .find_map(|l| l.strip_prefix("content-length:"))
            .and_then(|v| v.trim().parse().ok())
            .unwrap_or(0);
        while buf.len() < head_end + body_len {
            match stream.read(&mut chunk) {
                Ok(0) | Err(_) => return,
                Ok(n) => buf.extend_from_slice(&chunk[..n]),
            }
        }
        let body = if head.starts_with("post") {
            token
        } else {
            page
        };
        buf.drain(..head_end + body_len);
        let header = format!(
            "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nx-request-id: rrt-1-c-gea1-1-1-1\r\n\r\n",
            body.len()
        );
        if stream.write_all(header.as_bytes()).is_err() || stream.write_all(body).is_err() {
            return;
        }
    }
}

/// CPU time of the calling thread.
fn thread_cpu() -> Duration {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|s| s.split_whitespace().next()?.parse::<u64>().ok())
        .map(Duration::from_nanos)
        .unwrap_or_else(|| {
            // Not Linux: fall back to wall time (the server thread's work is then included).
            static START: std::sync::OnceLock<Instant> = std::sync::OnceLock::new();
            START.get_or_init(Instant::now).elapsed()
        })
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    v[v.len() / 2]
}

fn main() {
    // `cargo test --benches` passes `--test`-style flags; run quickly then.
    let quick = std::env::args().any(|a| a == "--test");
    let (calls, rounds) = if quick {
        (20, 1)
    } else {
        (CALLS_PER_ROUND, ROUNDS)
    };

    let listener = TcpListener::bind("127.0.0.1:0").unwrap_or_else(|e| {
        eprintln!("cannot bind loopback: {e}");
        std::process::exit(1)
    });
    let addr = listener
        .local_addr()
        .map(|a| a.to_string())
        .unwrap_or_default();
    let page = page_body();
    let page_len = page.len();
    std::thread::spawn(move || serve(listener, page));

    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap_or_else(|_| std::process::exit(1));
    let base = format!("http://{addr}");

    let sdk = Client::builder()
        .base_url(&base)
        .client_credentials("bench", "bench-secret")
        .build()
        .unwrap_or_else(|e| {
            eprintln!("{e}");
            std::process::exit(1)
        });
    let request = Request::get("/v1/{practiceid}/patients")
        .path_param("practiceid", 195900)
        .query("departmentid", 1)
        .query("limit", 100);
    let plain = reqwest::Client::builder()
        .build()
        .unwrap_or_else(|_| std::process::exit(1));
    let plain_url = format!("{base}/v1/195900/patients?departmentid=1&limit=100");

    let run_sdk = |n: usize| {
        rt.block_on(async {
            for _ in 0..n {
                let page: Page<serde_json::Value> = sdk
                    .fetch_page(&request, "patients")
                    .await
                    .unwrap_or_else(|e| panic_free_exit(&e.to_string()));
                assert_eq!(page.items().len(), 100);
            }
        });
    };
    let run_plain = |n: usize| {
        rt.block_on(async {
            for _ in 0..n {
                let resp = plain
                    .get(&plain_url)
                    .bearer_auth("bench-token")
                    .header("accept", "application/json")
                    .send()
                    .await
                    .unwrap_or_else(|e| panic_free_exit(&e.to_string()));
                let bytes = resp
                    .bytes()
                    .await
                    .unwrap_or_else(|e| panic_free_exit(&e.to_string()));
                let v: serde_json::Value = serde_json::from_slice(&bytes)
                    .unwrap_or_else(|e| panic_free_exit(&e.to_string()));
                assert_eq!(v["patients"].as_array().map(Vec::len), Some(100));
            }
        });
    };

    // Warm up both (connections, token, allocator).
    run_sdk(calls / 4 + 1);
    run_plain(calls / 4 + 1);

    let mut sdk_us = Vec::new();
    let mut plain_us = Vec::new();
    for _ in 0..rounds {
        let t = thread_cpu();
        run_plain(calls);
        plain_us.push((thread_cpu() - t).as_secs_f64() * 1e6 / calls as f64);
        let t = thread_cpu();
        run_sdk(calls);
        sdk_us.push((thread_cpu() - t).as_secs_f64() * 1e6 / calls as f64);
    }
    let (s, p) = (median(sdk_us), median(plain_us));
    println!("transport: GET of a 100-item page ({page_len} bytes) from a loopback server");
    println!("  plain reqwest + serde_json::Value : {p:8.1} µs CPU per call");
    println!("  athena-core Client::fetch_page    : {s:8.1} µs CPU per call");
    println!(
        "  ratio (athena-core / plain)       : {:8.3}x  (target ≤ 1.05x)",
        s / p
    );
}

fn panic_free_exit(msg: &str) -> ! {
    eprintln!("bench failed: {msg}");
    std::process::exit(1)
}
