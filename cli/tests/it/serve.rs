//! `athena sandbox serve`: a standalone sandbox other processes (the SDK, the CLI itself,
//! curl) reach through `ATHENA_BASE_URL`, stopped by SIGTERM.

use std::collections::HashMap;
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use athena_core::ClientBuilder;
use athena_rest::prelude::*;

use crate::common::{athena, command};

/// A running `athena sandbox serve` and the variables it printed.
pub(crate) struct Served {
    child: Child,
    /// `ATHENA_BASE_URL`, `ATHENA_CLIENT_ID`, `ATHENA_CLIENT_SECRET`, `ATHENA_PRACTICE_ID`.
    pub(crate) vars: HashMap<String, String>,
}

impl Served {
    /// Starts `athena sandbox serve --port 0` and reads its `export` lines. Every `athena`
    /// run fetches a token, so the tests allow more than preview's 5 a minute.
    pub(crate) fn start() -> Served {
        let mut child = command()
            .args([
                "sandbox",
                "serve",
                "--port",
                "0",
                "--token-rate-limit",
                "1000",
            ])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("athena starts");
        let mut lines = BufReader::new(child.stdout.take().expect("stdout")).lines();
        let mut vars = HashMap::new();
        let header = lines.next().expect("a first line").expect("utf-8");
        assert!(
            header.starts_with("athena-testkit sandbox at http://127.0.0.1:"),
            "{header}"
        );
        while vars.len() < 4 {
            let line = lines.next().expect("an export line").expect("utf-8");
            let (k, v) = line
                .strip_prefix("export ")
                .and_then(|kv| kv.split_once('='))
                .unwrap_or_else(|| panic!("not an export line: {line}"));
            vars.insert(k.to_string(), v.to_string());
        }
        Served { child, vars }
    }

    /// `athena ARGS` with the served sandbox's variables.
    pub(crate) fn athena(&self, args: &[&str]) -> std::process::Output {
        command()
            .envs(&self.vars)
            .args(args)
            .output()
            .expect("athena runs")
    }

    /// Sends SIGTERM and waits (at most a minute: a hang fails the test) for the exit code.
    pub(crate) fn terminate(mut self) -> Option<i32> {
        let pid = self.child.id().to_string();
        let sent = Command::new("kill").args(["-TERM", &pid]).status();
        if !sent.is_ok_and(|s| s.success()) {
            let _ = self.child.kill();
            let _ = self.child.wait();
            panic!("could not send SIGTERM");
        }
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            if let Some(status) = self.child.try_wait().expect("wait") {
                return status.code();
            }
            if Instant::now() > deadline {
                let _ = self.child.kill();
                let _ = self.child.wait();
                panic!("athena sandbox serve did not stop on SIGTERM");
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

#[test]
fn a_served_sandbox_is_used_through_the_environment_and_stops_on_sigterm() {
    let served = Served::start();
    assert_eq!(served.vars["ATHENA_PRACTICE_ID"], "195900");
    assert!(served.vars["ATHENA_BASE_URL"].starts_with("http://127.0.0.1:"));

    // The SDK, configured from the printed variables only.
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let names = rt.block_on(async {
        let client = ClientBuilder::from_vars(|k| served.vars.get(k).cloned())
            .expect("config")
            .build()
            .expect("client");
        let practice = client.default_practice().expect("ATHENA_PRACTICE_ID");
        let page = practice
            .patients()
            .search()
            .lastname("Sandboxtest")
            .send()
            .await
            .expect("search");
        page.items()
            .iter()
            .filter_map(|p| p.patientid.map(|id| id.to_string()))
            .collect::<Vec<_>>()
    });
    assert_eq!(names.len(), 5, "{names:?}");
    assert!(names.contains(&"60178".to_string()), "{names:?}");

    // The CLI itself, without --sandbox: state persists between runs of other processes.
    let out = served.athena(&["departments"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}");
    assert!(stdout.contains("SANDBOX FAMILY MEDICINE"), "{stdout}");
    let open = served.athena(&["--json", "appointments", "open", "--department", "1"]);
    let slots: serde_json::Value = serde_json::from_slice(&open.stdout).expect("JSON");
    let slot = slots[0]["appointmentid"].to_string().replace('"', "");
    let booked = served.athena(&["appointments", "book", &slot, "--patient", "60178"]);
    assert!(booked.status.success());
    let again = served.athena(&["appointments", "book", &slot, "--patient", "60179"]);
    assert_eq!(
        again.status.code(),
        Some(1),
        "the slot was taken in the same server"
    );
    assert!(String::from_utf8_lossy(&again.stderr).contains("already booked"));

    assert_eq!(served.terminate(), Some(0));
}

#[test]
fn a_port_in_use_is_an_error_not_a_panic() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = taken.local_addr().expect("addr").port().to_string();
    let out = athena(&["sandbox", "serve", "--port", &port]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("cannot serve the sandbox"), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}
