//! The fault matrix: every endpoint kind the SDK has today, through every fault the sandbox
//! injects, with a `ManualClock` runtime so back-off and `Retry-After` waits take no time.
//!
//! For each cell it records the outcome (success, or the typed error kind), the number of
//! attempts the client made (counted from the SDK's per-attempt `attempt finished` trace
//! event, and cross-checked against `Error::attempts`), and, for writes, how many times the
//! sandbox applied the write. It asserts the expected table and the invariant that matters
//! most: a write that is not idempotent is applied at most once, whatever happens.
//!
//! `ATHENA_WRITE_FIGURES=1 cargo test -p athena-tests --test it fault_matrix` writes the table into
//! `docs/reliability.md`; otherwise it is only printed.

use std::fmt;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use athena_core::codec::AthenaDate;
use athena_core::ids::{AppointmentId, DepartmentId, InsuranceId, PatientId};
use athena_core::runtime::{ManualClock, Runtime};
use athena_core::{Client, Error, ErrorKind, PracticeId, Request};
use athena_fhir::bulk::{ExportJob, ExportOptions, Manifest, PollPolicy};
use athena_fhir::r4::Patient;
use athena_fhir::search::Search;
use athena_fhir::{FhirClient, FhirError, FhirErrorKind};
use athena_rest::prelude::*;
use athena_testkit::{Fault, FaultRule, RetryAfter, Sandbox, ops};
use futures::StreamExt as _;
use tracing_subscriber::layer::{Context, SubscriberExt};

/// Per-attempt events seen (the SDK emits one `attempt finished` event per attempt).
static ATTEMPTS: AtomicU32 = AtomicU32::new(0);

struct AttemptCounter;

struct IsAttemptEvent(bool);

impl tracing::field::Visit for IsAttemptEvent {
    fn record_str(&mut self, field: &tracing::field::Field, value: &str) {
        if field.name() == "message" && value == "attempt finished" {
            self.0 = true;
        }
    }
    fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn fmt::Debug) {
        if field.name() == "message" && format!("{value:?}") == "attempt finished" {
            self.0 = true;
        }
    }
}

impl<S: tracing::Subscriber> tracing_subscriber::Layer<S> for AttemptCounter {
    fn on_event(&self, event: &tracing::Event<'_>, _: Context<'_, S>) {
        if !event.metadata().target().starts_with("athena_core") {
            return;
        }
        let mut v = IsAttemptEvent(false);
        event.record(&mut v);
        if v.0 {
            ATTEMPTS.fetch_add(1, Ordering::SeqCst);
        }
    }
}

/// Counts this thread's attempts until the guard is dropped. The test runs on a
/// current-thread runtime, so every task of its client (and of the sandbox's front) is polled
/// on this thread and seen; other tests of the binary, on other threads, are not.
fn install_counter() -> tracing::subscriber::DefaultGuard {
    let subscriber = tracing_subscriber::registry().with(AttemptCounter);
    tracing::subscriber::set_default(subscriber)
}

/// The per-attempt timeout of the matrix clients (real time).
const ATTEMPT_TIMEOUT: Duration = Duration::from_millis(250);
/// Latency injected past the attempt timeout: eight times it, so that a loaded machine
/// delaying the client's timer cannot let the late answer arrive in time.
const LATENCY: Duration = Duration::from_millis(2000);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    List,
    GetOne,
    Create,
    Book,
    Cancel,
    Delete,
    FhirSearch,
    FhirTyped,
    BulkKickOff,
    BulkPoll,
    BulkFile,
    FeedPoll,
}

impl Kind {
    const ALL: [Kind; 12] = [
        Kind::List,
        Kind::GetOne,
        Kind::Create,
        Kind::Book,
        Kind::Cancel,
        Kind::Delete,
        Kind::FhirSearch,
        Kind::FhirTyped,
        Kind::BulkKickOff,
        Kind::BulkPoll,
        Kind::BulkFile,
        Kind::FeedPoll,
    ];

    fn label(self) -> &'static str {
        match self {
            Kind::List => "GET list (departments)",
            Kind::GetOne => "GET one (patient)",
            Kind::Create => "POST create patient",
            Kind::Book => "PUT book (not idempotent)",
            Kind::Cancel => "PUT cancel (idempotent)",
            Kind::Delete => "DELETE insurance",
            Kind::FhirSearch => "FHIR Patient search (raw)",
            Kind::FhirTyped => "FHIR search (`FhirClient`)",
            Kind::BulkKickOff => "bulk `$export` kick-off",
            Kind::BulkPoll => "bulk status poll (`wait`)",
            Kind::BulkFile => "bulk file download",
            Kind::FeedPoll => "feed poll (raw)",
        }
    }

    fn short(self) -> &'static str {
        match self {
            Kind::List => "list",
            Kind::GetOne => "get",
            Kind::Create => "create",
            Kind::Book => "book",
            Kind::Cancel => "cancel",
            Kind::Delete => "delete",
            Kind::FhirSearch => "fhir",
            Kind::FhirTyped => "fhir-typed",
            Kind::BulkKickOff => "bulk-kickoff",
            Kind::BulkPoll => "bulk-poll",
            Kind::BulkFile => "bulk-file",
            Kind::FeedPoll => "feed",
        }
    }

    fn method(self) -> &'static str {
        match self {
            Kind::List
            | Kind::GetOne
            | Kind::FhirSearch
            | Kind::FhirTyped
            | Kind::BulkKickOff
            | Kind::BulkPoll
            | Kind::BulkFile
            | Kind::FeedPoll => "GET",
            Kind::Create => "POST",
            Kind::Book | Kind::Cancel => "PUT",
            Kind::Delete => "DELETE",
        }
    }

    fn glob(self) -> &'static str {
        match self {
            Kind::List => "/v1/*/departments",
            Kind::GetOne => "/v1/*/patients/*",
            Kind::Create => "/v1/*/patients",
            Kind::Book => "/v1/*/appointments/*",
            Kind::Cancel => "/v1/*/appointments/*/cancel",
            Kind::Delete => "/v1/*/patients/*/insurances/*",
            Kind::FhirSearch | Kind::FhirTyped => "/fhir/r4/Patient",
            Kind::BulkKickOff => "/fhir/r4/Group/**",
            Kind::BulkPoll => "/fhir/r4/bulkstatus/*",
            Kind::BulkFile => "/fhir/r4/bulkfiles/**",
            Kind::FeedPoll => "/v1/*/appointments/changed",
        }
    }

    /// Not idempotent: must never be applied twice.
    fn not_idempotent(self) -> bool {
        matches!(self, Kind::Create | Kind::Book)
    }

    /// Goes around the core transport (its attempts are counted by the sandbox, not traced).
    fn untraced(self) -> bool {
        self == Kind::BulkFile
    }

    fn write_op(self) -> Option<&'static str> {
        match self {
            Kind::Create => Some(ops::CREATE_PATIENT),
            Kind::Book => Some(ops::BOOK_APPOINTMENT),
            Kind::Cancel => Some(ops::CANCEL_APPOINTMENT),
            Kind::Delete => Some(ops::INSURANCE_WRITE),
            _ => None,
        }
    }
}

#[derive(Debug, Clone)]
enum Case {
    Inject(&'static str, Fault),
    ExpiredToken,
    TokenEndpoint429,
}

impl Case {
    fn label(&self) -> &'static str {
        match self {
            Case::Inject(l, _) => l,
            Case::ExpiredToken => "expired token (401)",
            Case::TokenEndpoint429 => "token endpoint 429",
        }
    }

    fn all() -> Vec<Case> {
        vec![
            Case::Inject(
                "429, no Retry-After",
                Fault::TooManyRequests(RetryAfter::Absent),
            ),
            Case::Inject(
                "429, Retry-After: 2",
                Fault::TooManyRequests(RetryAfter::Seconds(2)),
            ),
            Case::Inject(
                "429, Retry-After: HTTP date",
                Fault::TooManyRequests(RetryAfter::HttpDate(3)),
            ),
            Case::Inject("403, non-JSON (over QPS)", Fault::OverQpsHtml),
            Case::Inject("500, empty body", Fault::GatewayError(500)),
            Case::Inject("500, athena JSON", Fault::JsonError(500)),
            Case::Inject("502", Fault::GatewayError(502)),
            Case::Inject("503", Fault::GatewayError(503)),
            Case::Inject("504", Fault::GatewayError(504)),
            Case::Inject("latency past attempt timeout", Fault::Latency(LATENCY)),
            Case::Inject("drop before handler", Fault::DropBeforeHandler),
            Case::Inject("drop after handler", Fault::DropAfterHandler),
            Case::Inject("truncated body", Fault::TruncatedBody),
            Case::Inject("malformed JSON (200)", Fault::MalformedJson),
            Case::Inject("HTML error page (200)", Fault::HtmlErrorPage),
            Case::ExpiredToken,
            Case::TokenEndpoint429,
        ]
    }

    /// The fault reaches the handler (the write, if any, is applied).
    fn applies_write(&self) -> bool {
        matches!(
            self,
            Case::Inject(
                _,
                Fault::Latency(_) | Fault::DropAfterHandler | Fault::TruncatedBody
            )
        )
    }
}

/// What the cell must show.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Expect {
    /// Succeeds after exactly this many attempts.
    Ok(u32),
    /// Fails with this error (its label) after this many attempts.
    Err(String, u32),
}

fn err(kind: ErrorKind, attempts: u32) -> Expect {
    Expect::Err(format!("{kind:?}"), attempts)
}

/// A failed call: the label of its error and, for core errors, `Error::attempts`.
#[derive(Debug)]
struct Failure {
    label: String,
    attempts: Option<u32>,
}

impl From<Error> for Failure {
    fn from(e: Error) -> Self {
        Failure {
            label: format!("{:?}", e.kind()),
            // Decode errors are produced after the transport finished and report 0 attempts.
            attempts: (e.kind() != ErrorKind::Decode).then(|| e.attempts()),
        }
    }
}

impl From<FhirError> for Failure {
    fn from(e: FhirError) -> Self {
        let core = e.core_error();
        let (label, attempts) = match (e.kind(), core) {
            (FhirErrorKind::Server, _) => (format!("Server {}", e.status().unwrap_or(0)), None),
            (FhirErrorKind::Request, Some(c)) => (
                format!("Request/{:?}", c.kind()),
                (c.kind() != ErrorKind::Decode).then(|| c.attempts()),
            ),
            (FhirErrorKind::Auth, Some(c)) => (format!("Auth/{:?}", c.kind()), None),
            (FhirErrorKind::Transport, _) => ("Transport".to_owned(), None),
            (FhirErrorKind::Decode, _) => ("Decode".to_owned(), None),
            (FhirErrorKind::Export, _) => ("Export".to_owned(), None),
            _ => ("other FhirError".to_owned(), None),
        };
        Failure { label, attempts }
    }
}

fn expected(kind: Kind, case: &Case) -> Expect {
    let fault = match case {
        Case::Inject(_, f) => Some(f),
        _ => None,
    };
    match kind {
        // A clean `wait` polls twice (the sandbox answers the first poll 202 + Retry-After),
        // so every success takes one attempt more than a single GET.
        Kind::BulkPoll => match (fault, expected_single(kind, case)) {
            // ... unless the lost answer was that first 202: the replay gets the manifest.
            (Some(Fault::DropAfterHandler | Fault::TruncatedBody), e) => e,
            (_, Expect::Ok(n)) => Expect::Ok(n + 1),
            (_, e) => e,
        },
        Kind::BulkKickOff => match fault {
            // The kick-off must answer 202; a 200 is a protocol error, not a body to decode.
            Some(Fault::MalformedJson | Fault::HtmlErrorPage) => {
                Expect::Err("Export".to_owned(), 1)
            }
            // The 202 has no body: there is nothing to truncate.
            Some(Fault::TruncatedBody) => Expect::Ok(1),
            // A kick-off starts a job: like a non-idempotent write, it is not resent once it
            // may have reached the server (only 429, the over-QPS 403 and connect failures are).
            Some(Fault::GatewayError(s) | Fault::JsonError(s)) => {
                Expect::Err(format!("Server {s}"), 1)
            }
            Some(Fault::Latency(_)) => Expect::Err("Request/Timeout".to_owned(), 1),
            Some(Fault::DropBeforeHandler | Fault::DropAfterHandler) => {
                Expect::Err("Request/Transport".to_owned(), 1)
            }
            _ => expected_single(kind, case),
        },
        // The file download streams through its own `reqwest` client, outside the core
        // transport, but retries like a `GET` (same classifier, policy and `Retry-After`),
        // times out an idle attempt, and resumes after the lines already handed out: every
        // cell is a single `GET`'s.
        _ => expected_single(kind, case),
    }
}

/// A single request through the core transport.
fn expected_single(kind: Kind, case: &Case) -> Expect {
    use Expect::*;
    let fault = match case {
        Case::ExpiredToken => return Ok(2),
        Case::TokenEndpoint429 => return Ok(1),
        Case::Inject(_, f) => f,
    };
    match fault {
        // Refused before athena processed it: every call retries, writes included.
        Fault::TooManyRequests(_) | Fault::OverQpsHtml => Ok(2),
        // A 200 whose body is not the JSON the endpoint promises: not retried.
        Fault::MalformedJson | Fault::HtmlErrorPage => err(ErrorKind::Decode, 1),
        _ if kind.not_idempotent() => match fault {
            Fault::GatewayError(_) | Fault::JsonError(_) => err(ErrorKind::Server, 1),
            Fault::Latency(_) => err(ErrorKind::Timeout, 1),
            // A connection the server closed after reading the request looks, from the
            // client, exactly like one lost after sending: the write is not retried.
            _ => err(ErrorKind::Transport, 1),
        },
        // cancel is marked idempotent, and its effect is; but athena answers a second
        // cancel of the same appointment with 400, so after a lost response the replay
        // reports BadRequest although the appointment was cancelled exactly once.
        Fault::DropAfterHandler | Fault::TruncatedBody if kind == Kind::Cancel => {
            err(ErrorKind::BadRequest, 2)
        }
        _ => Ok(2),
    }
}

/// What a cell needs, prepared without faults.
#[derive(Debug, Clone)]
struct Prepared {
    patient: PatientId,
    slot: Option<AppointmentId>,
    appointment: Option<AppointmentId>,
    insurance: Option<(PatientId, InsuranceId)>,
    name: String,
    /// The polling URL of an export kicked off and not yet polled.
    status_url: Option<String>,
    /// A finished export's manifest, and the lines of its Patient file.
    manifest: Option<(Manifest, usize)>,
}

struct Cell {
    outcome: Result<(), String>,
    attempts: u32,
    writes: Option<u64>,
    attempts_mismatch: Option<String>,
}

impl fmt::Display for Cell {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.outcome {
            Ok(()) if self.attempts > 1 => write!(f, "retried→ok")?,
            Ok(()) => write!(f, "ok")?,
            Err(k) => write!(f, "**{k}**")?,
        }
        write!(f, " · {}a", self.attempts)?;
        if let Some(w) = self.writes {
            write!(f, " · w{w}")?;
        }
        Ok(())
    }
}

fn client(sandbox: &Sandbox, clock: &ManualClock) -> Client {
    Client::builder()
        .base_url(sandbox.base_url())
        .client_credentials(sandbox.client_id(), sandbox.client_secret())
        // One client for REST and FHIR: the sandbox, like athena, checks both scopes.
        .scope("athena/service/Athenanet.MDP.* system/*.read")
        .runtime(Runtime::manual(clock, 0.5))
        .attempt_timeout(ATTEMPT_TIMEOUT)
        .token_requests_per_minute(1000)
        .build()
        .expect("client")
}

const DEPT: u64 = 1;

async fn prepare(
    sandbox: &Sandbox,
    setup: &Client,
    kind: Kind,
    n: usize,
    used_slots: &mut std::collections::HashSet<u64>,
    insurances: &mut Vec<(PatientId, InsuranceId)>,
) -> Prepared {
    let practice = setup.practice(PracticeId::new(sandbox.practice_id()));
    let patient = PatientId::new(1 + (n as u64 % 40));
    let mut p = Prepared {
        patient,
        slot: None,
        appointment: None,
        insurance: None,
        name: format!("Matrixcell{n}"),
        status_url: None,
        manifest: None,
    };
    let fhir = FhirClient::new(&setup.practice(PracticeId::new(sandbox.practice_id())));
    // Generated feed changes book slots too: pick a slot that is open now.
    let mut open_slot = || {
        let id = sandbox
            .open_slot_ids(sandbox.today() + chrono::Duration::days(1))
            .into_iter()
            .find(|id| !used_slots.contains(id))
            .expect("an open slot");
        used_slots.insert(id);
        AppointmentId::new(id)
    };
    match kind {
        Kind::Book => p.slot = Some(open_slot()),
        Kind::Cancel => {
            let slot = open_slot();
            practice
                .appointments()
                .book(slot, patient)
                .send()
                .await
                .expect("setup booking");
            p.appointment = Some(slot);
        }
        Kind::Delete => p.insurance = Some(insurances.pop().expect("an insurance to delete")),
        Kind::FeedPoll => {
            sandbox.generate_changes(5);
        }
        Kind::BulkPoll => {
            let job = fhir
                .export_group(&export_options())
                .await
                .expect("kick-off");
            p.status_url = Some(job.status_url().to_string());
        }
        Kind::BulkFile => {
            let job = fhir
                .export_group(&export_options())
                .await
                .expect("kick-off");
            let manifest = job
                .wait(&PollPolicy::default(), |_| {})
                .await
                .expect("manifest");
            let file = patient_file(&manifest);
            let lines = fhir
                .download(&manifest, file)
                .map(|r| r.expect("a clean download"))
                .count()
                .await;
            assert!(lines > 0, "the Patient file has lines");
            p.manifest = Some((manifest, lines));
        }
        _ => {}
    }
    p
}

fn export_options() -> ExportOptions {
    ExportOptions {
        types: vec!["Patient".to_owned()],
        ..ExportOptions::default()
    }
}

fn patient_file(manifest: &Manifest) -> &athena_fhir::bulk::OutputFile {
    manifest
        .output
        .iter()
        .find(|f| f.resource_type == "Patient")
        .expect("a Patient file in the manifest")
}

/// The FHIR kinds, through `FhirClient` (on the core transport, except file downloads).
async fn call_fhir(
    kind: Kind,
    fhir: &FhirClient,
    practice_id: u64,
    p: &Prepared,
) -> Result<(), Failure> {
    match kind {
        Kind::FhirTyped => {
            let search = Search::by_id::<Patient>(format!("a-{practice_id}.E-{}", p.patient));
            let bundle = fhir.search(&search).await?;
            assert_eq!(bundle.entry.len(), 1, "the patient is found");
            Ok(())
        }
        Kind::BulkKickOff => {
            fhir.export_group(&export_options()).await?;
            Ok(())
        }
        Kind::BulkPoll => {
            let job = ExportJob::resume(fhir, p.status_url.as_deref().expect("status URL"))?;
            let manifest = job.wait(&PollPolicy::default(), |_| {}).await?;
            assert!(!manifest.output.is_empty());
            Ok(())
        }
        Kind::BulkFile => {
            let (manifest, lines) = p.manifest.as_ref().expect("manifest");
            let mut stream = std::pin::pin!(fhir.download(manifest, patient_file(manifest)));
            let mut got = 0;
            while let Some(item) = stream.next().await {
                item?;
                got += 1;
            }
            if got != *lines {
                // Ended without an error but short: resources were silently lost.
                return Err(Failure {
                    label: format!("LOST {} of {lines}", lines - got),
                    attempts: None,
                });
            }
            Ok(())
        }
        other => unreachable!("{other:?} is not a FHIR kind"),
    }
}

async fn call(kind: Kind, client: &Client, practice_id: u64, p: &Prepared) -> Result<(), Error> {
    let practice = client.practice(PracticeId::new(practice_id));
    match kind {
        Kind::List => practice.departments().list().send().await.map(drop),
        Kind::GetOne => practice.patients().get(p.patient).send().await.map(drop),
        Kind::Create => practice
            .patients()
            .create(
                p.name.clone(),
                "Faultmatrix",
                AthenaDate::new(1970, 1, 2).expect("date"),
                DepartmentId::new(DEPT),
            )
            .zip("02134")
            .send()
            .await
            .map(drop),
        Kind::Book => practice
            .appointments()
            .book(p.slot.expect("slot"), p.patient)
            .send()
            .await
            .map(drop),
        Kind::Cancel => practice
            .appointments()
            .cancel(p.appointment.expect("appointment"), p.patient)
            .send()
            .await
            .map(drop),
        Kind::Delete => {
            let (patient, insurance) = p.insurance.expect("insurance");
            practice
                .insurances(patient)
                .delete(insurance)
                .send()
                .await
                .map(drop)
        }
        Kind::FhirSearch => {
            let req = Request::get("/fhir/r4/Patient")
                .query("_id", format!("a-{practice_id}.E-{}", p.patient))
                .query(
                    "ah-practice",
                    format!("Organization/a-1.Practice-{practice_id}"),
                )
                .accept("application/fhir+json");
            let bundle: serde_json::Value = client.send_json(&req).await?;
            assert_eq!(bundle["resourceType"], "Bundle");
            Ok(())
        }
        Kind::FeedPoll => {
            let req = practice
                .request(http::Method::GET, "/v1/{practiceid}/appointments/changed")
                .query("departmentid", DEPT);
            client.send_json::<serde_json::Value>(&req).await.map(drop)
        }
        other => unreachable!("{other:?} goes through call_fhir"),
    }
}

async fn run_cell(sandbox: &Sandbox, kind: Kind, case: &Case, p: &Prepared) -> Cell {
    let clock = ManualClock::new();
    let client = client(sandbox, &clock);
    let practice = client.practice(PracticeId::new(sandbox.practice_id()));
    match case {
        Case::Inject(_, fault) => sandbox.faults().push(
            FaultRule::new(fault.clone())
                .method(kind.method())
                .path(kind.glob())
                .once(),
        ),
        Case::ExpiredToken => {
            practice.ping().send().await.expect("warm-up ping");
            sandbox.expire_tokens();
        }
        Case::TokenEndpoint429 => sandbox.faults().push(
            FaultRule::new(Fault::TooManyRequests(RetryAfter::Seconds(1)))
                .method("POST")
                .path("/oauth2/**")
                .once(),
        ),
    }
    let fhir = FhirClient::new(&client.practice(PracticeId::new(sandbox.practice_id())));
    let before = sandbox.stats();
    ATTEMPTS.store(0, Ordering::SeqCst);
    let result = match kind {
        Kind::FhirTyped | Kind::BulkKickOff | Kind::BulkPoll | Kind::BulkFile => {
            call_fhir(kind, &fhir, sandbox.practice_id(), p).await
        }
        _ => call(kind, &client, sandbox.practice_id(), p)
            .await
            .map_err(Failure::from),
    };
    let traced = ATTEMPTS.load(Ordering::SeqCst);
    if case.applies_write() {
        // The delayed / orphaned original may still be on its way to the handler: wait
        // until the sandbox has finished with every request it received (no fixed sleep,
        // which a loaded machine can outlast).
        assert!(
            sandbox.wait_until_idle().await,
            "{} / {}: a request was still in flight after a minute",
            kind.label(),
            case.label()
        );
    }
    let after = sandbox.stats();
    let attempts = if kind.untraced() {
        // Requests that reached the handlers, plus one the fault answered instead, plus one
        // per 401 replay (each replay follows a token refresh; a cold client's first token
        // is not a refresh).
        let handled = after.api_requests - before.api_requests;
        let answered_by_fault =
            u64::from(matches!(case, Case::Inject(..)) && !case.applies_write());
        let cold = u64::from(!matches!(case, Case::ExpiredToken));
        let refreshes = (after.tokens_issued - before.tokens_issued).saturating_sub(cold);
        u32::try_from(handled + answered_by_fault + refreshes).expect("few attempts")
    } else {
        traced
    };
    assert_eq!(
        sandbox.faults().active(),
        0,
        "{} / {}: the injected fault did not fire",
        kind.label(),
        case.label()
    );
    sandbox.faults().clear();
    // Core errors (other than decode errors) must agree with the trace.
    let attempts_mismatch = match &result {
        Err(Failure {
            attempts: Some(n), ..
        }) if *n != attempts && !kind.untraced() => Some(format!(
            "Error::attempts() = {n} but {attempts} attempts were traced"
        )),
        _ => None,
    };
    Cell {
        outcome: result.map_err(|e| e.label),
        attempts,
        writes: kind
            .write_op()
            .map(|op| after.writes(op) - before.writes(op)),
        attempts_mismatch,
    }
}

fn render(cases: &[Case], cells: &[Vec<Cell>]) -> String {
    let mut out = String::new();
    out.push_str("| fault \\ call |");
    for k in Kind::ALL {
        out.push_str(&format!(" {} |", k.label()));
    }
    out.push_str("\n|---|");
    for _ in Kind::ALL {
        out.push_str("---|");
    }
    out.push('\n');
    for (case, row) in cases.iter().zip(cells) {
        out.push_str(&format!("| {} |", case.label()));
        for cell in row {
            out.push_str(&format!(" {cell} |"));
        }
        out.push('\n');
    }
    out.push_str(
        "\n`retried→ok` = succeeded after a retry; **Kind** = the typed `ErrorKind` returned; \
         `Na` = attempts the client made (a 401 refresh-and-replay counts as an attempt); \
         `wN` = times the sandbox applied the write.\n",
    );
    out
}

#[tokio::test(flavor = "current_thread")]
async fn fault_matrix() {
    let _counter = install_counter();
    let sandbox = Sandbox::builder()
        .patients(60)
        .token_rate_limit_per_minute(10_000)
        .start()
        .await;
    let setup = client(&sandbox, &ManualClock::new());
    let practice = setup.practice(PracticeId::new(sandbox.practice_id()));
    // A feed must be subscribed before it can be read.
    let subscribe = practice.request(
        http::Method::POST,
        "/v1/{practiceid}/appointments/changed/subscription",
    );
    setup
        .send_json::<serde_json::Value>(&subscribe)
        .await
        .expect("subscribe to the appointments feed");

    let cases = Case::all();
    let mut used_slots = std::collections::HashSet::new();
    let mut insurances = Vec::new();
    for pid in 1..=60u64 {
        let list = practice
            .insurances(PatientId::new(pid))
            .list()
            .send()
            .await
            .expect("list insurances");
        for ins in list.items() {
            if let Some(id) = ins.insuranceid {
                insurances.push((PatientId::new(pid), id));
            }
        }
    }
    assert!(insurances.len() >= cases.len(), "enough insurances");

    let mut cells = Vec::new();
    let mut n = 0;
    for case in &cases {
        let mut row = Vec::new();
        for kind in Kind::ALL {
            n += 1;
            let p = prepare(&sandbox, &setup, kind, n, &mut used_slots, &mut insurances).await;
            row.push(run_cell(&sandbox, kind, case, &p).await);
        }
        cells.push(row);
    }

    let table = render(&cases, &cells);
    println!("{table}");
    if athena_tests::write_reliability_section("fault-matrix", &table) {
        println!("(written to docs/reliability.md)");
    }

    let mut failures = Vec::new();
    for (case, row) in cases.iter().zip(&cells) {
        for (kind, cell) in Kind::ALL.into_iter().zip(row) {
            let here = format!("{} / {}", case.label(), kind.short());
            // The invariant: a write that is not idempotent is applied at most once.
            if kind.not_idempotent() {
                let w = cell.writes.unwrap_or(0);
                if w > 1 {
                    failures.push(format!("{here}: applied {w} times"));
                }
                let should_apply = cell.outcome.is_ok() || case.applies_write();
                if w != u64::from(should_apply) {
                    failures.push(format!(
                        "{here}: applied {w} times, expected {}",
                        u8::from(should_apply)
                    ));
                }
            }
            // Idempotent writes take effect (once at least) whenever the call succeeded.
            if cell.outcome.is_ok() && cell.writes == Some(0) {
                failures.push(format!("{here}: succeeded but the write was not applied"));
            }
            if let Some(m) = &cell.attempts_mismatch {
                failures.push(format!("{here}: {m}"));
            }
            let got = match &cell.outcome {
                Ok(()) => Expect::Ok(cell.attempts),
                Err(k) => Expect::Err(k.clone(), cell.attempts),
            };
            let want = expected(kind, case);
            if got != want {
                failures.push(format!("{here}: got {got:?}, expected {want:?}"));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "fault matrix failures:\n{}",
        failures.join("\n")
    );
}
