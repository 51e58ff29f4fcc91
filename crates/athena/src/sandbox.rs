//! Real credentials when the environment has them, else a local sandbox: the switch every
//! example, demo and smoke test needs (feature `sandbox`).
//!
//! [`connect_or_sandbox`] reads the variables of [`Client::from_env`]: with `ATHENA_CLIENT_ID`
//! set (and `ATHENA_CLIENT_SECRET`, `ATHENA_PRACTICE_ID`, optionally `ATHENA_BASE_URL` /
//! `ATHENA_ENVIRONMENT`) it returns a [`Session`] on that client; without it, it starts an
//! in-process [`athena_testkit::Sandbox`] seeded with the preview practice's
//! [`TEST_LASTNAME`] patients, so the same program searches the same way in both places.
//! `ATHENA_BASE_URL` may point at a sandbox started elsewhere (`athena sandbox serve`).
//! [`Session::description`] says in one line which it is: print it, so nobody mistakes one for
//! the other. Nothing here prints.
//!
//! ```
//! use athena::prelude::*;
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> athena::Result<()> {
//! # // The doctest must not reach a developer's real athenahealth account.
//! # if std::env::var_os("ATHENA_CLIENT_ID").is_some() { return Ok(()); }
//! let session = athena::sandbox::connect_or_sandbox().await?;
//! println!("Talking to {}", session.description());
//! let departments = session.practice().departments().list().send().await?;
//! assert!(session.is_local() && !departments.items().is_empty());
//! # Ok(()) }
//! ```
//!
//! With the `fhir` feature, `connect_fhir_or_sandbox` does the same for a FHIR R4 client;
//! with `ai`, `language_model_or_scripted` chooses between a configured language model and
//! an offline scripted one.

use athena_core::codec::AthenaDate;
use athena_core::{Client, ClientBuilder, Error, ErrorKind, Practice, PracticeId, Result};
use athena_rest::prelude::*;
use athena_testkit::Sandbox;

/// The last name of athenahealth's preview test patients (practice 195900), which the local
/// sandbox of [`connect_or_sandbox`] has too.
pub const TEST_LASTNAME: &str = "Sandboxtest";

/// Where a program is talking to: athenahealth (or a sandbox named by `ATHENA_BASE_URL`), or a
/// local sandbox this session started and keeps alive.
#[derive(Debug)]
pub struct Session {
    client: Client,
    practice: Practice,
    sandbox: Option<Sandbox>,
    description: String,
}

impl Session {
    /// The client.
    pub fn client(&self) -> &Client {
        &self.client
    }

    /// The practice to work in (`ATHENA_PRACTICE_ID`, or the local sandbox's).
    pub fn practice(&self) -> &Practice {
        &self.practice
    }

    /// The local sandbox, when no credentials were set (alive as long as the session).
    pub fn sandbox(&self) -> Option<&Sandbox> {
        self.sandbox.as_ref()
    }

    /// True when talking to a local sandbox started by this session.
    pub fn is_local(&self) -> bool {
        self.sandbox.is_some()
    }

    /// One line saying where this session talks to (no credentials in it).
    pub fn description(&self) -> &str {
        &self.description
    }

    /// Like [`connect_or_sandbox`], reading variables through `get` instead of the process
    /// environment (a blank value counts as unset).
    pub async fn from_vars(get: impl Fn(&str) -> Option<String>) -> Result<Session> {
        let get = |k: &str| get(k).filter(|v| !v.trim().is_empty());
        if get("ATHENA_CLIENT_ID").is_none() {
            return Session::local().await;
        }
        let client = ClientBuilder::from_vars(get)?.build()?;
        let practice = client.default_practice().ok_or_else(|| {
            Error::new(
                ErrorKind::Config,
                "ATHENA_PRACTICE_ID is not set (the preview sandbox practice is 195900)",
            )
        })?;
        let description = format!(
            "athenahealth {} at {} (practice {})",
            client.environment().name(),
            client.base_url(),
            practice.id()
        );
        Ok(Session {
            client,
            practice,
            sandbox: None,
            description,
        })
    }

    /// A local sandbox session whatever the environment says: a default [`Sandbox::start`]
    /// (deterministic for its seed and date) with the preview test patients.
    pub async fn local() -> Result<Session> {
        let sandbox = Sandbox::start().await;
        let client = sandbox_client(&sandbox)?;
        let practice = client.practice(PracticeId::new(sandbox.practice_id()));
        seed_preview_test_patients(&practice).await?;
        let description = format!(
            "the local athena-testkit sandbox at {} (practice {}; set ATHENA_CLIENT_ID, \
             ATHENA_CLIENT_SECRET and ATHENA_PRACTICE_ID to use athenahealth's preview)",
            sandbox.base_url(),
            practice.id()
        );
        Ok(Session {
            client,
            practice,
            sandbox: Some(sandbox),
            description,
        })
    }
}

/// athenahealth when `ATHENA_CLIENT_ID` is set (the variables of [`Client::from_env`]; then
/// `ATHENA_PRACTICE_ID` is required), else a local sandbox ([`Session::local`]).
///
/// # Errors
/// The client's configuration errors ([`ErrorKind::Config`]), a missing
/// `ATHENA_PRACTICE_ID`, or a failure seeding the local sandbox.
pub async fn connect_or_sandbox() -> Result<Session> {
    Session::from_vars(|k| std::env::var(k).ok()).await
}

fn sandbox_client(sandbox: &Sandbox) -> Result<Client> {
    Client::builder()
        .base_url(sandbox.base_url())
        .client_credentials(sandbox.client_id(), sandbox.client_secret())
        .build()
}

/// Gives athenahealth's documented preview test patients a small chart in a local sandbox.
///
/// The sandbox carries those patients (ids 60178–60184: `Sandboxtest`, and Anna and Rebecca
/// as `Sandbox-Test`) with empty charts. `create` with the same name and date of birth finds
/// the existing record (athena's best match), so nobody is registered twice, and a chart
/// that already has problems is left alone, so calling this again adds nothing.
async fn seed_preview_test_patients(practice: &Practice) -> Result<()> {
    let departments = practice.departments().list().send().await?;
    let department = departments
        .items()
        .iter()
        .find_map(|d| d.departmentid)
        .ok_or_else(|| Error::new(ErrorKind::Config, "the local sandbox has no department"))?;
    let people = [
        ("Donna", TEST_LASTNAME, 1970, 4, 6),
        ("Eleana", TEST_LASTNAME, 1985, 11, 23),
        ("Frankie", TEST_LASTNAME, 1992, 2, 14),
        ("Anna", "Sandbox-Test", 1963, 7, 30),
        ("Rebecca", "Sandbox-Test", 1978, 9, 2),
        ("Gary", TEST_LASTNAME, 1955, 1, 17),
        ("Dorrie", TEST_LASTNAME, 2001, 5, 9),
    ];
    for (first, last, y, m, d) in people {
        let dob = AthenaDate::new(y, m, d)
            .ok_or_else(|| Error::new(ErrorKind::InvalidInput, "a seed date is not a date"))?;
        let patient = practice
            .patients()
            .create(first, last, dob, department)
            .zip("02110")
            .send()
            .await?;
        let chart = practice.department(department).chart(patient);
        if !chart.problems().send().await?.items().is_empty() {
            continue;
        }
        // A little chart, as the preview test patients have.
        for snomed in [59_621_000_u64, 44_054_006] {
            chart.add_problem(snomed).send().await?;
        }
        chart
            .add_vitals()
            .vital("VITALS.BLOODPRESSURE.SYSTOLIC", "128")
            .vital("VITALS.BLOODPRESSURE.DIASTOLIC", "82")
            .vital("VITALS.WEIGHT", "81000")
            .send()
            .await?;
    }
    Ok(())
}

#[cfg(feature = "fhir")]
mod fhir;
#[cfg(feature = "fhir")]
pub use fhir::{DEFAULT_FHIR_SCOPE, FhirSession, connect_fhir_or_sandbox, fhir_base};

#[cfg(feature = "ai")]
mod model;
#[cfg(feature = "ai")]
pub use model::language_model_or_scripted;
