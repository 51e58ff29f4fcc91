//! Shared setup for the runnable examples in `examples/examples/`.
//!
//! [`connect`] decides where an example talks to: athenahealth itself when
//! `ATHENA_CLIENT_ID` is set (with `ATHENA_CLIENT_SECRET`, `ATHENA_PRACTICE_ID` and optionally
//! `ATHENA_BASE_URL` / `ATHENA_ENVIRONMENT`), or else a local `athena-testkit` sandbox started
//! in-process. Either way it prints one line saying which, so nobody mistakes one for the other.
#![forbid(unsafe_code)]

use athena_core::codec::AthenaDate;
use athena_core::{Client, PracticeId};
use athena_rest::prelude::*;
use athena_testkit::Sandbox;

/// The error type of the examples.
pub type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// The last name of athenahealth's preview test patients (practice 195900), which the local
/// sandbox is seeded with too, so the examples search the same way in both places.
pub const TEST_LASTNAME: &str = "Sandboxtest";

/// Where an example is talking to.
pub struct Session {
    /// The client.
    pub client: Client,
    /// The practice the example works in.
    pub practice: athena_core::Practice,
    /// The local sandbox, when no credentials were set (kept alive for the example's run).
    pub sandbox: Option<Sandbox>,
    /// A one-line description of the environment.
    pub description: String,
}

impl Session {
    /// True when running against the local sandbox.
    pub fn is_local(&self) -> bool {
        self.sandbox.is_some()
    }
}

/// Connects to athenahealth (credentials in the environment) or to a local sandbox.
pub async fn connect() -> Result<Session, BoxError> {
    let has_credentials = std::env::var("ATHENA_CLIENT_ID").is_ok_and(|v| !v.trim().is_empty());
    let session = if has_credentials {
        let client = Client::from_env()?;
        let practice = client
            .default_practice()
            .ok_or("ATHENA_PRACTICE_ID is not set (the preview sandbox practice is 195900)")?;
        let description = format!(
            "athenahealth {} at {} (practice {})",
            client.environment().name(),
            client.base_url(),
            practice.id()
        );
        Session {
            client,
            practice,
            sandbox: None,
            description,
        }
    } else {
        let sandbox = Sandbox::start().await;
        let client = Client::builder()
            .base_url(sandbox.base_url())
            .client_credentials(sandbox.client_id(), sandbox.client_secret())
            .build()?;
        let practice = client.practice(PracticeId::new(sandbox.practice_id()));
        seed_preview_test_patients(&practice).await?;
        let description = format!(
            "the local athena-testkit sandbox at {} (practice {}; set ATHENA_CLIENT_ID, \
             ATHENA_CLIENT_SECRET and ATHENA_PRACTICE_ID to use athenahealth's preview)",
            sandbox.base_url(),
            practice.id()
        );
        Session {
            client,
            practice,
            sandbox: Some(sandbox),
            description,
        }
    };
    println!("Talking to {}", session.description);
    Ok(session)
}

/// Registers athenahealth's documented preview test patients in the local sandbox.
async fn seed_preview_test_patients(practice: &athena_core::Practice) -> Result<(), BoxError> {
    let departments = practice.departments().list().send().await?;
    let department = departments
        .items()
        .iter()
        .find_map(|d| d.departmentid)
        .ok_or("the sandbox has no department")?;
    let people = [
        ("Donna", 1970, 4, 6),
        ("Eleana", 1985, 11, 23),
        ("Frankie", 1992, 2, 14),
        ("Anna", 1963, 7, 30),
        ("Rebecca", 1978, 9, 2),
        ("Gary", 1955, 1, 17),
        ("Dorrie", 2001, 5, 9),
    ];
    for (first, y, m, d) in people {
        let dob = AthenaDate::new(y, m, d).ok_or("bad seed date")?;
        let patient = practice
            .patients()
            .create(first, TEST_LASTNAME, dob, department)
            .zip("02110")
            .send()
            .await?;
        // A little chart, as the preview test patients have.
        let chart = practice.department(department).chart(patient);
        for snomed in [59_621_000_u64, 44_054_006] {
            chart.add_problem(snomed).send().await?;
        }
        chart
            .add_vitals()
            .reading("VITALS.BLOODPRESSURE.SYSTOLIC", "128")
            .reading("VITALS.BLOODPRESSURE.DIASTOLIC", "82")
            .reading("VITALS.WEIGHT", "81000")
            .send()
            .await?;
    }
    Ok(())
}

/// Initials only: examples show that a patient was found without printing who.
pub fn initials(first: Option<&str>, last: Option<&str>) -> String {
    let i = |s: Option<&str>| s.and_then(|s| s.chars().next()).unwrap_or('?');
    format!("{}. {}.", i(first), i(last))
}

/// Compiles and runs the Rust blocks of the guides in `docs/` as doctests.
#[cfg(doctest)]
mod guides {
    macro_rules! guide {
        ($name:ident, $file:literal) => {
            #[doc = include_str!(concat!("../../docs/", $file))]
            pub struct $name;
        };
    }
    guide!(GettingStarted, "getting-started.md");
    guide!(Authentication, "authentication.md");
    guide!(Environments, "environments.md");
    guide!(DatesAndTimes, "dates-and-times.md");
    guide!(Pagination, "pagination.md");
    guide!(Subscriptions, "subscriptions.md");
    guide!(Fhir, "fhir.md");
    guide!(Ai, "ai.md");
    guide!(Testing, "testing.md");
    guide!(Production, "production.md");
    guide!(RetriesAndWrites, "retries-and-writes.md");
    guide!(Phi, "phi.md");
    guide!(Dependencies, "dependencies.md");
}
