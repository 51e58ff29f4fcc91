//! `athena`: a small command-line client for athenaOne, built on athena-rs.
//!
//! ```text
//! athena [--sandbox] [--json] COMMAND
//!
//!   patients search --lastname NAME [--firstname NAME] [--dob MM/DD/YYYY]
//!   patients get PATIENT
//!   chart problems|medications|allergies|vitals|labs PATIENT --department D
//!   appointments open --department D [--start MM/DD/YYYY] [--end MM/DD/YYYY]
//!   appointments book SLOT --patient P
//!   departments
//!   providers
//!   changed appointments
//!   feed subscribe|status|unsubscribe FEED [--department D]…
//!   feed poll FEED [--follow] [--checkpoint DIR] [--subscribe]
//!   feed list
//!   fhir get TYPE/ID            (e.g. Patient/a-195900.E-2, or athena's Patient/2)
//!   sandbox serve [--port N]    (the local sandbox as a standalone server)
//! ```
//!
//! `athena --help` (and `--help` on every command) and `athena --version` need no
//! credentials. Configuration is the environment `Client::from_env` reads
//! (`ATHENA_CLIENT_ID`, `ATHENA_CLIENT_SECRET`, `ATHENA_PRACTICE_ID`, `ATHENA_BASE_URL` /
//! `ATHENA_ENVIRONMENT`). `--sandbox` instead starts a local `athena-testkit` sandbox
//! in-process (it carries athenahealth's documented preview test patients, last names
//! `Sandboxtest` and `Sandbox-Test`). Output is a table, or the JSON athena sent with `--json`;
//! a closed pipe (`athena … | head -1`) ends the command quietly. Errors print
//! `athena_core::Error`'s `Display`, which never holds patient data, and the exit code is 1
//! (2 for a usage error).
#![forbid(unsafe_code)]

mod args;
mod feed;
mod output;
mod serve;

use std::fmt;
use std::process::ExitCode;

use athena_core::ids::{AppointmentId, DepartmentId, EncounterId, PatientId, ProviderId};
use athena_core::{Client, ErrorKind, Practice, PracticeId, Request};
use athena_rest::endpoints::scheduling::Booking;
use athena_rest::prelude::*;
use athena_testkit::Sandbox;
use clap::Parser;
use serde_json::Value;

use crate::args::{
    AppointmentsCommand, ChartArgs, ChartSection, Cli, Command, FeedCommand, FhirCommand,
    PatientsCommand, SandboxCommand,
};
use crate::output::{
    ALLERGY_COLUMNS, APPOINTMENT_COLUMNS, CHANGED_COLUMNS, Closed, DEPARTMENT_COLUMNS, LAB_COLUMNS,
    MEDICATION_COLUMNS, PATIENT_COLUMNS, PROBLEM_COLUMNS, PROVIDER_COLUMNS, VITAL_COLUMNS,
    err_line, out, print_json, print_list, to_value,
};

/// The FHIR scope the CLI asks for with `fhir get` (SMART v1 syntax; athena grants FHIR
/// scopes per app, so `ATHENA_FHIR_SCOPE` can narrow it).
const FHIR_SCOPE: &str = "system/*.read";

/// What went wrong: a usage mistake (exit 2), a failed call (exit 1), or stdout closed (a
/// quiet exit 0).
pub(crate) enum Failure {
    Usage(String),
    Api(athena_core::Error),
    Other(String),
    Closed,
}

impl From<athena_core::Error> for Failure {
    fn from(e: athena_core::Error) -> Self {
        Failure::Api(e)
    }
}

impl From<Closed> for Failure {
    fn from(_: Closed) -> Self {
        Failure::Closed
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Failure::Usage(m) => write!(f, "{m}\n\nFor more information, try '--help'."),
            Failure::Api(e) => write!(f, "{e}"),
            Failure::Other(m) => f.write_str(m),
            Failure::Closed => f.write_str("standard output was closed"),
        }
    }
}

pub(crate) fn usage(msg: impl Into<String>) -> Failure {
    Failure::Usage(msg.into())
}

#[tokio::main]
async fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        // `--help` and `--version` (stdout, exit 0) and usage errors (stderr, exit 2). clap
        // ignores a failed write here, so a closed pipe is no panic either.
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
        }
    };
    match run(cli).await {
        Ok(()) | Err(Failure::Closed) => ExitCode::SUCCESS,
        Err(f) => {
            err_line(&format!("athena: {f}"));
            ExitCode::from(if matches!(f, Failure::Usage(_)) { 2 } else { 1 })
        }
    }
}

async fn run(cli: Cli) -> Result<(), Failure> {
    let json = cli.json;
    if let Command::Sandbox(SandboxCommand::Serve {
        port,
        seed,
        patients,
        token_rate_limit,
    }) = cli.command
    {
        return serve::serve(port, seed, patients, token_rate_limit).await;
    }
    if let Command::Feed(FeedCommand::List) = cli.command {
        return feed::list();
    }
    // Keep the sandbox alive for the whole command.
    let (practice, _sandbox) = connect(cli.sandbox).await?;
    match cli.command {
        Command::Patients(PatientsCommand::Search {
            lastname,
            firstname,
            dob,
        }) => {
            let mut search = practice.patients().search().lastname(lastname);
            if let Some(first) = firstname {
                search = search.firstname(first);
            }
            if let Some(dob) = dob {
                search = search.dob(dob);
            }
            let page = search.send().await?;
            print_list(json, page.items(), &PATIENT_COLUMNS)?;
        }
        Command::Patients(PatientsCommand::Get { patient }) => {
            let p = practice
                .patients()
                .get(PatientId::new(patient))
                .send()
                .await?;
            print_list(json, std::slice::from_ref(&p), &PATIENT_COLUMNS)?;
        }
        Command::Chart(args) => chart(json, &practice, &args).await?,
        Command::Appointments(AppointmentsCommand::Open {
            department,
            start,
            end,
        }) => {
            let mut open = practice
                .department(DepartmentId::new(department))
                .appointments()
                .open()
                .reasonid_any();
            if let Some(s) = start {
                open = open.startdate(s);
            }
            if let Some(e) = end {
                open = open.enddate(e);
            }
            let page = open.send().await?;
            print_list(json, page.items(), &APPOINTMENT_COLUMNS)?;
        }
        Command::Appointments(AppointmentsCommand::Book { slot, patient }) => {
            let slot = AppointmentId::new(slot);
            match practice
                .appointments()
                .book(slot, PatientId::new(patient))
                .send_or_taken()
                .await?
            {
                Booking::Booked(a) => {
                    print_list(json, std::slice::from_ref(&*a), &APPOINTMENT_COLUMNS)?;
                }
                Booking::SlotTaken => {
                    return Err(Failure::Other(format!(
                        "slot {slot} is already booked or cannot be booked through the API (409)"
                    )));
                }
                _ => return Err(Failure::Other("unexpected booking answer".into())),
            }
        }
        Command::Departments => {
            let page = practice.departments().list().send().await?;
            print_list(json, page.items(), &DEPARTMENT_COLUMNS)?;
        }
        Command::Providers => {
            let page = practice.providers().list().send().await?;
            print_list(json, page.items(), &PROVIDER_COLUMNS)?;
        }
        Command::Changed { feed: _ } => changed_appointments(json, &practice).await?,
        Command::Feed(command) => feed::run(json, &practice, command).await?,
        Command::Fhir(FhirCommand::Get { reference }) => {
            fhir_get(&practice, &reference, _sandbox.as_ref()).await?;
        }
        // Served above, before any connection.
        Command::Sandbox(_) => {}
    }
    Ok(())
}

/// The practice to talk to: a local sandbox with `--sandbox`, else the environment.
async fn connect(sandbox: bool) -> Result<(Practice, Option<Sandbox>), Failure> {
    if !sandbox {
        let client = Client::from_env()?;
        let practice = client.default_practice().ok_or_else(|| {
            Failure::Other(
                "ATHENA_PRACTICE_ID is not set (the preview sandbox practice is 195900)".into(),
            )
        })?;
        return Ok((practice, None));
    }
    // The sandbox carries athenahealth's documented preview test patients, so
    // `patients search --lastname Sandboxtest` finds the same people here as in 195900.
    let sandbox = Sandbox::start().await;
    let client = Client::builder()
        .base_url(sandbox.base_url())
        .client_credentials(sandbox.client_id(), sandbox.client_secret())
        .build()?;
    let practice = client.practice(PracticeId::new(sandbox.practice_id()));
    Ok((practice, Some(sandbox)))
}

async fn chart(json: bool, practice: &Practice, args: &ChartArgs) -> Result<(), Failure> {
    let chart = practice
        .department(DepartmentId::new(args.department))
        .chart(PatientId::new(args.patient));
    match args.section {
        ChartSection::Problems => {
            let page = chart.problems().send().await?;
            print_list(json, page.items(), &PROBLEM_COLUMNS)?;
        }
        ChartSection::Medications => {
            let list = chart.medications().send().await?;
            // One inner list of history entries per medication: show the first entry of each.
            let meds: Vec<Value> = list
                .medications
                .iter()
                .flatten()
                .filter_map(|entries| entries.first())
                .map(to_value)
                .collect();
            print_list(json, &meds, &MEDICATION_COLUMNS)?;
        }
        ChartSection::Allergies => {
            let list = chart.allergies().send().await?;
            if json {
                print_json(&list)?;
            } else {
                let rows: Vec<Value> = list.allergies.iter().flatten().map(to_value).collect();
                print_list(false, &rows, &ALLERGY_COLUMNS)?;
                if list.nkda == Some(true) {
                    out("NKDA (no known drug allergies)\n")?;
                }
            }
        }
        ChartSection::Vitals => {
            let page = chart.vitals().send().await?;
            // One row per reading.
            let readings: Vec<Value> = page
                .items()
                .iter()
                .flat_map(|v| v.readings.iter().flatten().flatten())
                .map(to_value)
                .collect();
            print_list(json, &readings, &VITAL_COLUMNS)?;
        }
        ChartSection::Labs => {
            let page = chart.lab_results().send().await?;
            if json {
                print_json(page.items())?;
            } else {
                // One row per analyte, under its result's date and description.
                let mut rows = Vec::new();
                for l in page.items() {
                    for a in l.analytes.iter().flatten() {
                        let mut row = to_value(a);
                        row["labresultdate"] = to_value(&l.labresultdate);
                        row["result"] = to_value(&l.description);
                        rows.push(row);
                    }
                }
                print_list(false, &rows, &LAB_COLUMNS)?;
            }
        }
    }
    Ok(())
}

/// `GET /v1/{practiceid}/appointments/changed?leaveunprocessed=true`: a peek at the changed
/// appointments feed that leaves them for the real consumer.
async fn changed_appointments(json: bool, practice: &Practice) -> Result<(), Failure> {
    // athena needs the departments for this feed: all of them.
    let departments: Vec<String> = practice
        .departments()
        .list()
        .send()
        .await?
        .items()
        .iter()
        .filter_map(|d| d.departmentid.map(|id| id.to_string()))
        .collect();
    let request = Request::get("/v1/{practiceid}/appointments/changed")
        .path_param("practiceid", practice.id())
        .query("leaveunprocessed", "true")
        .query("departmentid", departments.join(","));
    let response = match practice.client().execute(&request).await {
        Ok(r) => r,
        Err(e) if e.kind() == ErrorKind::Forbidden => {
            return Err(Failure::Other(format!(
                "the appointments changed-data feed requires setup: subscribe first \
                 (`athena feed subscribe appointments`, or athena-subscriptions), and make \
                 sure the app is allowed to use it ({e})"
            )));
        }
        Err(e) => return Err(e.into()),
    };
    let body: Value = serde_json::from_slice(response.body()).map_err(|_| {
        Failure::Other("the changed feed answered with something other than JSON".into())
    })?;
    let items = body
        .get("appointments")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    print_list(json, &items, &CHANGED_COLUMNS)?;
    Ok(())
}

/// `GET /fhir/r4/{type}/{id}?ah-practice=Organization/a-1.Practice-{practiceid}`, with a
/// token for FHIR scopes (`ATHENA_FHIR_SCOPE`, default `system/*.read`): athena's REST scope
/// does not cover FHIR.
async fn fhir_get(
    practice: &Practice,
    reference: &str,
    sandbox: Option<&Sandbox>,
) -> Result<(), Failure> {
    let (kind, rid) = reference
        .split_once('/')
        .filter(|(k, i)| !k.is_empty() && !i.is_empty() && !i.contains('/'))
        .ok_or_else(|| {
            usage(format!(
                "`{reference}` is not TYPE/ID, e.g. Patient/a-195900.E-1"
            ))
        })?;
    let scope = std::env::var("ATHENA_FHIR_SCOPE")
        .ok()
        .filter(|s| !s.trim().is_empty())
        .unwrap_or_else(|| FHIR_SCOPE.to_owned());
    let client = match sandbox {
        Some(sb) => Client::builder()
            .base_url(sb.base_url())
            .client_credentials(sb.client_id(), sb.client_secret())
            .scope(scope)
            .build()?,
        None => fhir_client_from_env(&scope)?,
    };
    let rid = fhir_id(kind, rid, practice.id());
    let request = Request::get("/fhir/r4/{type}/{id}")
        .path_param("type", kind)
        .path_param("id", &rid)
        .query(
            "ah-practice",
            format!("Organization/a-1.Practice-{}", practice.id()),
        )
        .accept("application/fhir+json");
    let response = client.execute(&request).await?;
    let body: Value = serde_json::from_slice(response.body()).map_err(|_| {
        Failure::Other("the FHIR server answered with something other than JSON".into())
    })?;
    print_json(&body)?;
    Ok(())
}

/// A client like `Client::from_env`'s, asking for FHIR `scope`.
fn fhir_client_from_env(scope: &str) -> Result<Client, Failure> {
    Ok(athena_core::ClientBuilder::from_env()?
        .scope(scope)
        .build()?)
}

/// athena's own number for a patient, department, provider or encounter, as the FHIR id of
/// that resource type in `practice` (`Patient/2` → `a-195900.E-2`); anything else unchanged.
fn fhir_id(kind: &str, id: &str, practice: PracticeId) -> String {
    let Ok(n) = id.parse::<u64>() else {
        return id.to_owned();
    };
    let mapped = match kind {
        "Patient" => PatientId::new(n).to_fhir_id(practice),
        "Location" => DepartmentId::new(n).to_fhir_id(practice),
        "Practitioner" => ProviderId::new(n).to_fhir_id(practice),
        "Encounter" => EncounterId::new(n).to_fhir_id(practice),
        _ => return id.to_owned(),
    };
    mapped.to_string()
}
