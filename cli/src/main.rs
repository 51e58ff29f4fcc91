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
//!   fhir get TYPE/ID            (e.g. Patient/a-195900.E-2, or athena's Patient/2)
//! ```
//!
//! Configuration is the environment `Client::from_env` reads (`ATHENA_CLIENT_ID`,
//! `ATHENA_CLIENT_SECRET`, `ATHENA_PRACTICE_ID`, `ATHENA_BASE_URL` / `ATHENA_ENVIRONMENT`).
//! `--sandbox` instead starts a local `athena-testkit` sandbox in-process, with athenahealth's
//! preview test patients (last name `Sandboxtest`) registered. Output is a table, or the JSON
//! athena sent with `--json`. Errors print `athena_core::Error`'s `Display`, which never holds
//! patient data, and the exit code is 1 (2 for a usage error).
#![forbid(unsafe_code)]

use std::collections::VecDeque;
use std::fmt;
use std::process::ExitCode;

use athena_core::codec::AthenaDate;
use athena_core::ids::{AppointmentId, DepartmentId, EncounterId, PatientId, ProviderId};
use athena_core::{Client, ErrorKind, Practice, PracticeId, Request};
use athena_rest::endpoints::scheduling::Booking;
use athena_rest::prelude::*;
use athena_testkit::Sandbox;
use serde_json::Value;

const USAGE: &str = "\
usage: athena [--sandbox] [--json] COMMAND

commands:
  patients search --lastname NAME [--firstname NAME] [--dob MM/DD/YYYY]
  patients get PATIENT
  chart problems|medications|allergies|vitals|labs PATIENT --department D
  appointments open --department D [--start MM/DD/YYYY] [--end MM/DD/YYYY]
  appointments book SLOT --patient P
  departments
  providers
  changed appointments
  fhir get TYPE/ID            e.g. Patient/a-195900.E-2, or athena's own id: Patient/2
                              (also Location/DEPT, Practitioner/PROVIDER, Encounter/ENC)

options:
  --sandbox   start a local athena-testkit sandbox in-process and talk to it
  --json      print the JSON athena answered instead of a table

environment (without --sandbox): ATHENA_CLIENT_ID, ATHENA_CLIENT_SECRET, ATHENA_PRACTICE_ID,
and optionally ATHENA_BASE_URL or ATHENA_ENVIRONMENT (preview | production).";

/// What went wrong: a usage mistake (exit 2) or a failed call (exit 1).
enum Failure {
    Usage(String),
    Api(athena_core::Error),
    Other(String),
}

impl From<athena_core::Error> for Failure {
    fn from(e: athena_core::Error) -> Self {
        Failure::Api(e)
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Failure::Usage(m) => write!(f, "{m}\n\n{USAGE}"),
            Failure::Api(e) => write!(f, "{e}"),
            Failure::Other(m) => f.write_str(m),
        }
    }
}

fn usage(msg: impl Into<String>) -> Failure {
    Failure::Usage(msg.into())
}

/// The command line after the global flags are taken out.
struct Args {
    words: VecDeque<String>,
    json: bool,
    sandbox: bool,
}

impl Args {
    fn parse(raw: impl Iterator<Item = String>) -> Args {
        let mut words = VecDeque::new();
        let (mut json, mut sandbox) = (false, false);
        for a in raw {
            match a.as_str() {
                "--json" => json = true,
                "--sandbox" => sandbox = true,
                _ => words.push_back(a),
            }
        }
        Args {
            words,
            json,
            sandbox,
        }
    }

    /// The next positional word.
    fn next(&mut self, what: &str) -> Result<String, Failure> {
        match self.words.front() {
            Some(w) if !w.starts_with("--") => Ok(self.words.pop_front().unwrap_or_default()),
            _ => Err(usage(format!("missing {what}"))),
        }
    }

    /// Takes `--name VALUE` out of the remaining words.
    fn option(&mut self, name: &str) -> Result<Option<String>, Failure> {
        let Some(i) = self.words.iter().position(|w| w == name) else {
            return Ok(None);
        };
        self.words.remove(i);
        match self.words.remove(i) {
            Some(v) if !v.starts_with("--") => Ok(Some(v)),
            _ => Err(usage(format!("{name} needs a value"))),
        }
    }

    fn required(&mut self, name: &str) -> Result<String, Failure> {
        self.option(name)?
            .ok_or_else(|| usage(format!("{name} is required")))
    }

    /// Fails on anything left over.
    fn done(&self) -> Result<(), Failure> {
        match self.words.front() {
            None => Ok(()),
            Some(w) => Err(usage(format!("unexpected argument `{w}`"))),
        }
    }
}

fn id<T>(s: &str, what: &str, make: impl Fn(u64) -> T) -> Result<T, Failure> {
    // athena ids start at 1: a 0 would reach the server as `/…/0`.
    s.parse::<u64>()
        .ok()
        .filter(|n| *n != 0)
        .map(make)
        .ok_or_else(|| usage(format!("{what} must be a positive number, not `{s}`")))
}

fn date(s: &str, what: &str) -> Result<AthenaDate, Failure> {
    s.parse()
        .map_err(|_| usage(format!("{what} must be a date as MM/DD/YYYY")))
}

#[tokio::main]
async fn main() -> ExitCode {
    let mut args = Args::parse(std::env::args().skip(1));
    if args.words.is_empty() || matches!(args.words[0].as_str(), "help" | "--help" | "-h") {
        println!("{USAGE}");
        return if args.words.is_empty() {
            ExitCode::from(2)
        } else {
            ExitCode::SUCCESS
        };
    }
    match run(&mut args).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(f) => {
            eprintln!("athena: {f}");
            ExitCode::from(if matches!(f, Failure::Usage(_)) { 2 } else { 1 })
        }
    }
}

async fn run(args: &mut Args) -> Result<(), Failure> {
    // Keep the sandbox alive for the whole command.
    let (practice, _sandbox) = connect(args.sandbox).await?;
    let json = args.json;
    let command = args.next("command")?;
    match command.as_str() {
        "patients" => match args.next("`search` or `get`")?.as_str() {
            "search" => {
                let mut search = practice
                    .patients()
                    .search()
                    .lastname(args.required("--lastname")?);
                if let Some(first) = args.option("--firstname")? {
                    search = search.firstname(first);
                }
                if let Some(dob) = args.option("--dob")? {
                    search = search.dob(date(&dob, "--dob")?);
                }
                args.done()?;
                let page = search.send().await?;
                print_list(json, page.items(), &PATIENT_COLUMNS);
            }
            "get" => {
                let patient = id(&args.next("patient id")?, "patient id", PatientId::new)?;
                args.done()?;
                let p = practice.patients().get(patient).send().await?;
                print_list(json, std::slice::from_ref(&p), &PATIENT_COLUMNS);
            }
            other => return Err(usage(format!("unknown `patients {other}`"))),
        },
        "chart" => {
            let section = args.next("chart section")?;
            let patient = id(&args.next("patient id")?, "patient id", PatientId::new)?;
            let department = id(
                &args.required("--department")?,
                "--department",
                DepartmentId::new,
            )?;
            args.done()?;
            chart(json, &practice, &section, patient, department).await?;
        }
        "appointments" => match args.next("`open` or `book`")?.as_str() {
            "open" => {
                let department = id(
                    &args.required("--department")?,
                    "--department",
                    DepartmentId::new,
                )?;
                let mut open = practice
                    .department(department)
                    .appointments()
                    .open()
                    .reasonid_any();
                if let Some(s) = args.option("--start")? {
                    open = open.startdate(date(&s, "--start")?);
                }
                if let Some(e) = args.option("--end")? {
                    open = open.enddate(date(&e, "--end")?);
                }
                args.done()?;
                let page = open.send().await?;
                print_list(json, page.items(), &APPOINTMENT_COLUMNS);
            }
            "book" => {
                let slot = id(&args.next("slot id")?, "slot id", AppointmentId::new)?;
                let patient = id(&args.required("--patient")?, "--patient", PatientId::new)?;
                args.done()?;
                match practice
                    .appointments()
                    .book(slot, patient)
                    .send_or_taken()
                    .await?
                {
                    Booking::Booked(a) => {
                        print_list(json, std::slice::from_ref(&*a), &APPOINTMENT_COLUMNS);
                    }
                    Booking::SlotTaken => {
                        return Err(Failure::Other(format!(
                            "slot {slot} is already booked or cannot be booked through the API (409)"
                        )));
                    }
                    _ => return Err(Failure::Other("unexpected booking answer".into())),
                }
            }
            other => return Err(usage(format!("unknown `appointments {other}`"))),
        },
        "departments" => {
            args.done()?;
            let page = practice.departments().list().send().await?;
            print_list(json, page.items(), &DEPARTMENT_COLUMNS);
        }
        "providers" => {
            args.done()?;
            let page = practice.providers().list().send().await?;
            print_list(json, page.items(), &PROVIDER_COLUMNS);
        }
        "changed" => {
            let feed = args.next("feed (`appointments`)")?;
            args.done()?;
            if feed != "appointments" {
                return Err(usage(format!(
                    "unknown feed `{feed}` (this command knows `appointments`)"
                )));
            }
            changed_appointments(json, &practice).await?;
        }
        "fhir" => {
            if args.next("`get`")? != "get" {
                return Err(usage("the fhir command is `fhir get TYPE/ID`"));
            }
            let reference = args.next("TYPE/ID")?;
            args.done()?;
            fhir_get(&practice, &reference).await?;
        }
        other => return Err(usage(format!("unknown command `{other}`"))),
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
    let sandbox = Sandbox::start().await;
    let client = Client::builder()
        .base_url(sandbox.base_url())
        .client_credentials(sandbox.client_id(), sandbox.client_secret())
        .build()?;
    let practice = client.practice(PracticeId::new(sandbox.practice_id()));
    // athenahealth's preview test patients, so `patients search --lastname Sandboxtest` finds
    // the same people here as in practice 195900.
    let department = practice
        .departments()
        .list()
        .send()
        .await?
        .items()
        .iter()
        .find_map(|d| d.departmentid)
        .ok_or_else(|| Failure::Other("the sandbox has no department".into()))?;
    for (first, y, m, d) in [
        ("Donna", 1970, 4, 6),
        ("Eleana", 1985, 11, 23),
        ("Frankie", 1992, 2, 14),
        ("Anna", 1963, 7, 30),
        ("Rebecca", 1978, 9, 2),
        ("Gary", 1955, 1, 17),
        ("Dorrie", 2001, 5, 9),
    ] {
        let dob = AthenaDate::new(y, m, d).ok_or_else(|| Failure::Other("bad seed date".into()))?;
        practice
            .patients()
            .create(first, "Sandboxtest", dob, department)
            .zip("02110")
            .send()
            .await?;
    }
    Ok((practice, Some(sandbox)))
}

async fn chart(
    json: bool,
    practice: &Practice,
    section: &str,
    patient: PatientId,
    department: DepartmentId,
) -> Result<(), Failure> {
    let chart = practice.department(department).chart(patient);
    match section {
        "problems" => {
            let page = chart.problems().send().await?;
            print_list(json, page.items(), &PROBLEM_COLUMNS);
        }
        "medications" => {
            let list = chart.medications().send().await?;
            // One inner list of history entries per medication: show the first entry of each.
            let meds: Vec<Value> = list
                .medications
                .iter()
                .flatten()
                .filter_map(|entries| entries.first())
                .map(to_value)
                .collect();
            print_list(json, &meds, &MEDICATION_COLUMNS);
        }
        "allergies" => {
            let list = chart.allergies().send().await?;
            if json {
                print_json(&list);
            } else {
                let rows: Vec<Value> = list.allergies.iter().flatten().map(to_value).collect();
                print_list(false, &rows, &ALLERGY_COLUMNS);
                if list.nkda == Some(true) {
                    out("NKDA (no known drug allergies)\n");
                }
            }
        }
        "vitals" => {
            let page = chart.vitals().send().await?;
            // One row per reading.
            let readings: Vec<Value> = page
                .items()
                .iter()
                .flat_map(|v| v.readings.iter().flatten().flatten())
                .map(to_value)
                .collect();
            print_list(json, &readings, &VITAL_COLUMNS);
        }
        "labs" => {
            let page = chart.lab_results().send().await?;
            if json {
                print_json(page.items());
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
                print_list(false, &rows, &LAB_COLUMNS);
            }
        }
        other => {
            return Err(usage(format!(
                "unknown chart section `{other}` (problems, medications, allergies, vitals, labs)"
            )));
        }
    }
    Ok(())
}

/// `GET /v1/{practiceid}/appointments/changed?leaveunprocessed=true`: a peek at the changed
/// appointments feed that leaves them for the real consumer.
async fn changed_appointments(json: bool, practice: &Practice) -> Result<(), Failure> {
    let request = Request::get("/v1/{practiceid}/appointments/changed")
        .path_param("practiceid", practice.id())
        .query("leaveunprocessed", "true");
    let response = match practice.client().execute(&request).await {
        Ok(r) => r,
        Err(e) if e.kind() == ErrorKind::Forbidden => {
            return Err(Failure::Other(format!(
                "the appointments changed-data feed requires setup: subscribe first \
                 (POST /v1/{{practiceid}}/appointments/changed/subscription, or \
                 athena-subscriptions), and make sure the app is allowed to use it ({e})"
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
    print_list(json, &items, &CHANGED_COLUMNS);
    Ok(())
}

/// `GET /fhir/r4/{type}/{id}?ah-practice=Organization/a-1.Practice-{practiceid}`.
async fn fhir_get(practice: &Practice, reference: &str) -> Result<(), Failure> {
    let (kind, rid) = reference
        .split_once('/')
        .filter(|(k, i)| !k.is_empty() && !i.is_empty() && !i.contains('/'))
        .ok_or_else(|| {
            usage(format!(
                "`{reference}` is not TYPE/ID, e.g. Patient/a-195900.E-1"
            ))
        })?;
    let rid = fhir_id(kind, rid, practice.id());
    let request = Request::get("/fhir/r4/{type}/{id}")
        .path_param("type", kind)
        .path_param("id", &rid)
        .query(
            "ah-practice",
            format!("Organization/a-1.Practice-{}", practice.id()),
        )
        .accept("application/fhir+json");
    let response = practice.client().execute(&request).await?;
    let body: Value = serde_json::from_slice(response.body()).map_err(|_| {
        Failure::Other("the FHIR server answered with something other than JSON".into())
    })?;
    print_json(&body);
    Ok(())
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

fn to_value<T: serde::Serialize>(v: &T) -> Value {
    serde_json::to_value(v).unwrap_or(Value::Null)
}

/// Writes to stdout; a closed pipe (`athena … | head`) is not an error worth a panic.
fn out(text: &str) {
    use std::io::Write;
    let _ = std::io::stdout().lock().write_all(text.as_bytes());
}

fn print_json<T: serde::Serialize + ?Sized>(v: &T) {
    let text = serde_json::to_string_pretty(v).unwrap_or_else(|_| "null".into());
    out(&format!("{text}\n"));
}

/// A table column: heading and the JSON field (or `a+b` for two fields joined by a space).
type Column = (&'static str, &'static str);

const PATIENT_COLUMNS: [Column; 6] = [
    ("ID", "patientid"),
    ("LAST NAME", "lastname"),
    ("FIRST NAME", "firstname"),
    ("DOB", "dob"),
    ("SEX", "sex"),
    ("DEPT", "departmentid"),
];
const APPOINTMENT_COLUMNS: [Column; 7] = [
    ("ID", "appointmentid"),
    ("DATE", "date"),
    ("START", "starttime"),
    ("MIN", "duration"),
    ("TYPE", "appointmenttype"),
    ("PROVIDER", "providerid"),
    ("STATUS", "appointmentstatus"),
];
const CHANGED_COLUMNS: [Column; 6] = [
    ("ID", "appointmentid"),
    ("DATE", "date"),
    ("START", "starttime"),
    ("STATUS", "appointmentstatus"),
    ("PATIENT", "patientid"),
    ("DEPT", "departmentid"),
];
const DEPARTMENT_COLUMNS: [Column; 4] = [
    ("ID", "departmentid"),
    ("NAME", "name"),
    ("TIME ZONE", "timezonename"),
    ("CITY", "city"),
];
const PROVIDER_COLUMNS: [Column; 4] = [
    ("ID", "providerid"),
    ("NAME", "displayname"),
    ("TYPE", "providertype"),
    ("SPECIALTY", "specialty"),
];
const PROBLEM_COLUMNS: [Column; 4] = [
    ("ID", "problemid"),
    ("PROBLEM", "name"),
    ("CODE", "codeset+code"),
    ("ICD-10", "bestmatchicd10code"),
];
const MEDICATION_COLUMNS: [Column; 3] = [
    ("MEDICATION", "medication"),
    ("SIG", "unstructuredsig"),
    ("DISCONTINUED", "isdiscontinued"),
];
const ALLERGY_COLUMNS: [Column; 3] = [
    ("ALLERGEN", "allergenname"),
    ("ONSET", "onsetdate"),
    ("ID", "allergenid"),
];
const VITAL_COLUMNS: [Column; 3] = [
    ("VITAL", "clinicalelementid"),
    ("VALUE", "value+unit"),
    ("TAKEN", "readingtaken"),
];
const LAB_COLUMNS: [Column; 6] = [
    ("DATE", "labresultdate"),
    ("RESULT", "result"),
    ("ANALYTE", "analytename"),
    ("VALUE", "value+units"),
    ("REFERENCE", "referencerange"),
    ("FLAG", "abnormalflag"),
];

/// Prints items as JSON (`--json`) or as a table of `columns`.
fn print_list<T: serde::Serialize>(json: bool, items: &[T], columns: &[Column]) {
    if json {
        print_json(items);
        return;
    }
    let rows: Vec<Vec<String>> = items
        .iter()
        .map(|item| {
            let v = to_value(item);
            columns
                .iter()
                .map(|(_, field)| {
                    field
                        .split('+')
                        .map(|f| cell(v.get(f)))
                        .filter(|s| !s.is_empty())
                        .collect::<Vec<_>>()
                        .join(" ")
                })
                .collect()
        })
        .collect();
    out(&format!(
        "{}({} {})\n",
        table(columns, &rows),
        rows.len(),
        if rows.len() == 1 { "row" } else { "rows" }
    ));
}

fn cell(v: Option<&Value>) -> String {
    match v {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(s)) => s.clone(),
        Some(other) => other.to_string(),
    }
}

/// Left-aligned columns separated by two spaces; cells longer than 48 characters are cut.
fn table(columns: &[Column], rows: &[Vec<String>]) -> String {
    const MAX: usize = 48;
    let clip = |s: &str| -> String {
        if s.chars().count() > MAX {
            let mut c: String = s.chars().take(MAX - 1).collect();
            c.push('…');
            c
        } else {
            s.to_owned()
        }
    };
    let rows: Vec<Vec<String>> = rows
        .iter()
        .map(|r| r.iter().map(|c| clip(c)).collect())
        .collect();
    let widths: Vec<usize> = columns
        .iter()
        .enumerate()
        .map(|(i, (h, _))| {
            rows.iter()
                .map(|r| r[i].chars().count())
                .chain([h.len()])
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut out = String::new();
    let mut line = |cells: &mut dyn Iterator<Item = &str>| {
        let parts: Vec<String> = cells
            .zip(&widths)
            .map(|(c, w)| format!("{c:<w$}"))
            .collect();
        out.push_str(parts.join("  ").trim_end());
        out.push('\n');
    };
    line(&mut columns.iter().map(|(h, _)| *h));
    for r in &rows {
        line(&mut r.iter().map(String::as_str));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_must_be_positive_numbers() {
        assert!(matches!(id("42", "patient id", |n| n), Ok(42)));
        for bad in ["0", "-1", "abc", ""] {
            match id(bad, "patient id", |n| n) {
                Err(Failure::Usage(m)) => assert!(m.contains("patient id"), "{m}"),
                _ => panic!("`{bad}` was accepted"),
            }
        }
    }
}
