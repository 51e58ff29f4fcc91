//! The FHIR half of the switch: a `FhirClient` for athenahealth's FHIR R4 server, or for the
//! local sandbox's.

use athena_core::{Client, ClientBuilder, Error, ErrorKind, PracticeId, Result};
use athena_fhir::{FhirClient, FhirError};
use athena_testkit::Sandbox;

use super::{sandbox_client, seed_preview_test_patients};

/// The FHIR scopes asked for unless `ATHENA_FHIR_SCOPE` says otherwise (SMART v1
/// `system/*.read` syntax, space-separated; athena grants FHIR scopes per app).
pub const DEFAULT_FHIR_SCOPE: &str = "system/Patient.read system/Condition.read \
     system/Observation.read system/AllergyIntolerance.read system/MedicationRequest.read \
     system/Encounter.read system/Coverage.read system/Organization.read";

/// The FHIR R4 base of an athena API origin: `{origin}/fhir/r4`.
///
/// ```
/// assert_eq!(
///     athena::sandbox::fhir_base("https://api.preview.platform.athenahealth.com/"),
///     "https://api.preview.platform.athenahealth.com/fhir/r4"
/// );
/// ```
pub fn fhir_base(origin: &str) -> String {
    format!("{}/fhir/r4", origin.trim_end_matches('/'))
}

/// Where a FHIR program is talking to.
#[derive(Debug)]
pub struct FhirSession {
    fhir: FhirClient,
    practice: PracticeId,
    sandbox: Option<Sandbox>,
    description: String,
}

impl FhirSession {
    /// The FHIR R4 client (it adds `ah-practice` to every request).
    pub fn fhir(&self) -> &FhirClient {
        &self.fhir
    }

    /// The practice to work in.
    pub fn practice(&self) -> PracticeId {
        self.practice
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

    /// Like [`connect_fhir_or_sandbox`], reading variables through `get` (a blank value counts
    /// as unset).
    pub async fn from_vars(get: impl Fn(&str) -> Option<String>) -> Result<FhirSession> {
        let get = |k: &str| get(k).filter(|v| !v.trim().is_empty());
        let Some(client_id) = get("ATHENA_CLIENT_ID") else {
            return FhirSession::local().await;
        };
        let core = ClientBuilder::from_vars(get)?.build()?;
        let practice = core
            .default_practice()
            .ok_or_else(|| {
                Error::new(
                    ErrorKind::Config,
                    "ATHENA_PRACTICE_ID is not set (the preview sandbox practice is 195900)",
                )
            })?
            .id();
        let secret = get("ATHENA_CLIENT_SECRET")
            .ok_or_else(|| Error::new(ErrorKind::Config, "ATHENA_CLIENT_SECRET is not set"))?;
        let scope = get("ATHENA_FHIR_SCOPE");
        let base = fhir_base(core.base_url().as_str());
        let description = format!(
            "athenahealth {} FHIR R4 at {base} (practice {practice}, scopes from {})",
            core.environment().name(),
            if scope.is_some() {
                "ATHENA_FHIR_SCOPE"
            } else {
                "DEFAULT_FHIR_SCOPE"
            },
        );
        let scope = scope.unwrap_or_else(|| DEFAULT_FHIR_SCOPE.to_owned());
        let fhir = fhir_client(core, base, practice, client_id, secret, scope)?;
        Ok(FhirSession {
            fhir,
            practice,
            sandbox: None,
            description,
        })
    }

    /// A local sandbox's FHIR server whatever the environment says, seeded like
    /// [`Session::local`](super::Session::local).
    pub async fn local() -> Result<FhirSession> {
        let sandbox = Sandbox::start().await;
        let core = sandbox_client(&sandbox)?;
        let practice = PracticeId::new(sandbox.practice_id());
        seed_preview_test_patients(&core.practice(practice)).await?;
        let fhir = fhir_client(
            core,
            sandbox.fhir_base(),
            practice,
            sandbox.client_id().to_owned(),
            sandbox.client_secret().to_owned(),
            DEFAULT_FHIR_SCOPE.to_owned(),
        )?;
        let description = format!(
            "the local athena-testkit sandbox's FHIR R4 server at {} (practice {practice}; set \
             ATHENA_CLIENT_ID, ATHENA_CLIENT_SECRET and ATHENA_PRACTICE_ID to use athenahealth's \
             preview)",
            fhir.base().as_str().trim_end_matches('/'),
        );
        Ok(FhirSession {
            fhir,
            practice,
            sandbox: Some(sandbox),
            description,
        })
    }
}

/// A FHIR client for athenahealth's FHIR R4 server (`{ATHENA_BASE_URL}/fhir/r4`, practice
/// `ATHENA_PRACTICE_ID`, the client credentials `ATHENA_CLIENT_ID` / `ATHENA_CLIENT_SECRET`,
/// scopes `ATHENA_FHIR_SCOPE` or [`DEFAULT_FHIR_SCOPE`]) when `ATHENA_CLIENT_ID` is set, or
/// else for a local sandbox's FHIR server ([`FhirSession::local`]).
///
/// # Errors
/// As [`connect_or_sandbox`](super::connect_or_sandbox), and a missing
/// `ATHENA_CLIENT_SECRET`; a FHIR client that cannot be built is [`ErrorKind::Config`] with
/// the FHIR error as its `source()`.
pub async fn connect_fhir_or_sandbox() -> Result<FhirSession> {
    FhirSession::from_vars(|k| std::env::var(k).ok()).await
}

fn fhir_client(
    core: Client,
    base: String,
    practice: PracticeId,
    client_id: String,
    secret: String,
    scope: String,
) -> Result<FhirClient> {
    // The FHIR client is authenticated as its core client: one with the FHIR scopes.
    let fhir_core = Client::builder()
        .base_url(core.base_url().as_str())
        .client_credentials(client_id, secret)
        .scope(scope)
        .build()?;
    FhirClient::new(&fhir_core.practice(practice))
        .with_base(&base)
        .map_err(|e: FhirError| {
            Error::new(ErrorKind::Config, "the FHIR client could not be built").with_source(e)
        })
}
