//! Shared setup for the runnable examples in `examples/examples/`.
//!
//! [`connect`] decides where an example talks to: athenahealth itself when
//! `ATHENA_CLIENT_ID` is set (with `ATHENA_CLIENT_SECRET`, `ATHENA_PRACTICE_ID` and optionally
//! `ATHENA_BASE_URL` / `ATHENA_ENVIRONMENT`), or else a local `athena-testkit` sandbox started
//! in-process. Either way it prints one line saying which, so nobody mistakes one for the other.
//!
//! [`connect_fhir`] does the same for the FHIR examples: a [`FhirClient`] for
//! `{ATHENA_BASE_URL}/fhir/r4`, or for the local sandbox's FHIR server.
//!
//! [`language_model`] does the same for the AI examples: a real model when its variables are
//! set, else an offline scripted one.
//!
//! [`init_tracing`] (called by each of those) logs to stderr when `RUST_LOG` is set, e.g.
//! `RUST_LOG=athena=debug cargo run --example quickstart`; without it nothing is logged.
#![forbid(unsafe_code)]

use std::sync::Arc;

use athena_ai::LanguageModel;
use athena_ai::providers::ModelConfig;
use athena_ai::providers::anthropic::Anthropic;
use athena_ai::providers::openai::OpenAiCompatible;
use athena_ai::providers::scripted::ScriptedModel;
use athena_core::codec::AthenaDate;
use athena_core::{Client, PracticeId};
use athena_fhir::FhirClient;
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

/// Installs a `tracing` subscriber when `RUST_LOG` is set: `tracing_subscriber`'s fmt output
/// filtered by `RUST_LOG`, written to **stderr** without colours, with a line when each span
/// closes (its duration). Without `RUST_LOG` it does nothing, so an example's stdout is the
/// same either way. Calling it again, or after another subscriber was installed, is harmless.
///
/// [`connect`], [`connect_fhir`] and [`language_model`] call it; an example that uses none of
/// them calls it first thing in `main`.
pub fn init_tracing() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        if std::env::var_os("RUST_LOG").is_none() {
            return;
        }
        // `try_init` fails only when a subscriber is already installed: keep that one.
        let _ = tracing_subscriber::fmt()
            .with_env_filter(tracing_subscriber::EnvFilter::from_default_env())
            .with_writer(std::io::stderr)
            .with_ansi(false)
            .with_span_events(tracing_subscriber::fmt::format::FmtSpan::CLOSE)
            .try_init();
    });
}

/// Connects to athenahealth (credentials in the environment) or to a local sandbox.
pub async fn connect() -> Result<Session, BoxError> {
    init_tracing();
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
        local_session().await?
    };
    println!("Talking to {}", session.description);
    Ok(session)
}

/// The local sandbox session [`connect`] uses without credentials: a default
/// [`Sandbox::start`] (deterministic for its seed and date) seeded with the preview test
/// patients. Prints nothing.
pub async fn local_session() -> Result<Session, BoxError> {
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
    Ok(Session {
        client,
        practice,
        sandbox: Some(sandbox),
        description,
    })
}

/// Gives athenahealth's documented preview test patients (which the local sandbox carries,
/// ids 60178–60184) a little chart. `create` with the same name and date of birth finds the
/// existing record (athena's best match), so nobody is registered twice.
async fn seed_preview_test_patients(practice: &athena_core::Practice) -> Result<(), BoxError> {
    let departments = practice.departments().list().send().await?;
    let department = departments
        .items()
        .iter()
        .find_map(|d| d.departmentid)
        .ok_or("the sandbox has no department")?;
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
        let dob = AthenaDate::new(y, m, d).ok_or("bad seed date")?;
        let patient = practice
            .patients()
            .create(first, last, dob, department)
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
            .vital("VITALS.BLOODPRESSURE.SYSTOLIC", "128")
            .vital("VITALS.BLOODPRESSURE.DIASTOLIC", "82")
            .vital("VITALS.WEIGHT", "81000")
            .send()
            .await?;
    }
    Ok(())
}

/// Chooses the language model an AI example talks to, and says which in one line.
///
/// - `ATHENA_AI_BASE_URL` and `ATHENA_AI_MODEL` (optionally `ATHENA_AI_API_KEY`) set: an
///   OpenAI-compatible server (OpenAI, vLLM, llama.cpp server, Ollama's `/v1`).
/// - otherwise `ANTHROPIC_MODEL` (with `ANTHROPIC_API_KEY`, optionally `ANTHROPIC_BASE_URL`)
///   set: Anthropic Messages.
/// - otherwise the offline [`ScriptedModel`] that `scripted` builds, with replies that are
///   plausible for the sandbox's data.
///
/// Real models are reached through the PHI guard (the examples never declare a model allowed
/// to see PHI), so wrap the returned model in [`athena_ai::ModelAccess::Deidentified`]. A
/// half-set configuration (e.g. `ANTHROPIC_MODEL` without a key) is an error, not a silent
/// fall-back to the scripted model.
///
/// ```
/// use athena_ai::providers::scripted::ScriptedModel;
/// # // The doctest must not pick up a developer's real model settings.
/// # for k in ["ATHENA_AI_BASE_URL", "ATHENA_AI_MODEL", "ANTHROPIC_MODEL"] {
/// #     if std::env::var_os(k).is_some() { return; }
/// # }
/// let (model, description) =
///     athena_examples::language_model(|| ScriptedModel::new("demo").reply("hi")).unwrap();
/// assert_eq!(model.model_id(), "scripted:demo");
/// assert!(description.starts_with("the offline scripted model"));
/// ```
pub fn language_model(
    scripted: impl FnOnce() -> ScriptedModel,
) -> Result<(Arc<dyn LanguageModel>, String), BoxError> {
    init_tracing();
    choose_model(|k| std::env::var(k).ok(), scripted)
}

fn choose_model(
    get: impl Fn(&str) -> Option<String>,
    scripted: impl FnOnce() -> ScriptedModel,
) -> Result<(Arc<dyn LanguageModel>, String), BoxError> {
    let set = |k: &str| get(k).is_some_and(|v| !v.trim().is_empty());
    if let Some(config) = ModelConfig::from_vars("ATHENA_AI", &get) {
        let model = OpenAiCompatible::new(&config)?;
        let description = format!(
            "{} at {} (prompts de-identified before they leave)",
            model.model_id(),
            config.base_url
        );
        return Ok((Arc::new(model), description));
    }
    if set("ATHENA_AI_BASE_URL") || set("ATHENA_AI_MODEL") {
        return Err("set both ATHENA_AI_BASE_URL and ATHENA_AI_MODEL (or neither)".into());
    }
    if set("ANTHROPIC_MODEL") {
        let model = Anthropic::from_env()?;
        let description = format!(
            "{} (prompts de-identified before they leave)",
            model.model_id()
        );
        return Ok((Arc::new(model), description));
    }
    let model = scripted();
    let description = format!(
        "the offline scripted model {} (set ATHENA_AI_BASE_URL and ATHENA_AI_MODEL, or \
         ANTHROPIC_MODEL and ANTHROPIC_API_KEY, to use a real one)",
        model.model_id()
    );
    Ok((Arc::new(model), description))
}

/// Initials only: examples show that a patient was found without printing who.
pub fn initials(first: Option<&str>, last: Option<&str>) -> String {
    let i = |s: Option<&str>| s.and_then(|s| s.chars().next()).unwrap_or('?');
    format!("{}. {}.", i(first), i(last))
}

/// The FHIR scopes the FHIR examples ask for unless `ATHENA_FHIR_SCOPE` says otherwise
/// (SMART v1 `system/*.read` syntax, space-separated; athena grants FHIR scopes per app).
pub const DEFAULT_FHIR_SCOPE: &str = "system/Patient.read system/Condition.read \
     system/Observation.read system/AllergyIntolerance.read system/MedicationRequest.read \
     system/Encounter.read system/Coverage.read system/Organization.read";

/// Where a FHIR example is talking to.
pub struct FhirSession {
    /// The FHIR R4 client (adds `ah-practice` to every request).
    pub fhir: FhirClient,
    /// The practice the example works in.
    pub practice: PracticeId,
    /// The local sandbox, when no credentials were set (kept alive for the example's run).
    pub sandbox: Option<Sandbox>,
    /// A one-line description of the environment.
    pub description: String,
}

impl FhirSession {
    /// True when running against the local sandbox.
    pub fn is_local(&self) -> bool {
        self.sandbox.is_some()
    }
}

/// The FHIR R4 base of an athena API origin: `{origin}/fhir/r4`.
///
/// ```
/// assert_eq!(
///     athena_examples::fhir_base("https://api.preview.platform.athenahealth.com/"),
///     "https://api.preview.platform.athenahealth.com/fhir/r4"
/// );
/// ```
pub fn fhir_base(origin: &str) -> String {
    format!("{}/fhir/r4", origin.trim_end_matches('/'))
}

/// Connects a [`FhirClient`] to athenahealth's FHIR R4 server (`{ATHENA_BASE_URL}/fhir/r4`,
/// practice `ATHENA_PRACTICE_ID`, the client credentials `ATHENA_CLIENT_ID` /
/// `ATHENA_CLIENT_SECRET`, scopes `ATHENA_FHIR_SCOPE` or [`DEFAULT_FHIR_SCOPE`]) when
/// `ATHENA_CLIENT_ID` is set, or else to a local sandbox seeded like [`connect`]'s. Prints one
/// line saying which.
pub async fn connect_fhir() -> Result<FhirSession, BoxError> {
    init_tracing();
    let var = |k: &str| std::env::var(k).ok().filter(|v| !v.trim().is_empty());
    let session = if var("ATHENA_CLIENT_ID").is_some() {
        let scope = var("ATHENA_FHIR_SCOPE").unwrap_or_else(|| DEFAULT_FHIR_SCOPE.to_owned());
        // The FHIR client is authenticated as its core client: give that one the FHIR scopes.
        let core = athena_core::ClientBuilder::from_env()?
            .scope(scope)
            .build()?;
        let practice = core
            .default_practice()
            .ok_or("ATHENA_PRACTICE_ID is not set (the preview sandbox practice is 195900)")?
            .id();
        var("ATHENA_CLIENT_SECRET").ok_or("ATHENA_CLIENT_SECRET is not set")?;
        let base = fhir_base(core.base_url().as_str());
        let description = format!(
            "athenahealth {} FHIR R4 at {base} (practice {practice}, scopes from {})",
            core.environment().name(),
            if var("ATHENA_FHIR_SCOPE").is_some() {
                "ATHENA_FHIR_SCOPE"
            } else {
                "DEFAULT_FHIR_SCOPE"
            },
        );
        let fhir = FhirClient::new(&core.practice(practice));
        FhirSession {
            fhir,
            practice,
            sandbox: None,
            description,
        }
    } else {
        let sandbox = Sandbox::start().await;
        let core = Client::builder()
            .base_url(sandbox.base_url())
            .client_credentials(sandbox.client_id(), sandbox.client_secret())
            .build()?;
        let practice = PracticeId::new(sandbox.practice_id());
        seed_preview_test_patients(&core.practice(practice)).await?;
        let fhir_core = Client::builder()
            .base_url(sandbox.base_url())
            .client_credentials(sandbox.client_id(), sandbox.client_secret())
            .scope(DEFAULT_FHIR_SCOPE)
            .build()?;
        let fhir = FhirClient::new(&fhir_core.practice(practice));
        let description = format!(
            "the local athena-testkit sandbox's FHIR R4 server at {} (practice {practice}; set \
             ATHENA_CLIENT_ID, ATHENA_CLIENT_SECRET and ATHENA_PRACTICE_ID to use athenahealth's \
             preview)",
            fhir.base().as_str().trim_end_matches('/'),
        );
        FhirSession {
            fhir,
            practice,
            sandbox: Some(sandbox),
            description,
        }
    };
    println!("Talking to {}", session.description);
    Ok(session)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vars(pairs: &'static [(&'static str, &'static str)]) -> impl Fn(&str) -> Option<String> {
        move |k| {
            pairs
                .iter()
                .find(|(name, _)| *name == k)
                .map(|(_, v)| (*v).to_owned())
        }
    }

    #[test]
    fn model_choice_follows_the_environment() {
        let scripted = || ScriptedModel::new("offline");
        let (m, d) = choose_model(vars(&[]), scripted).unwrap();
        assert_eq!(m.model_id(), "scripted:offline");
        assert!(d.contains("offline scripted model"), "{d}");

        let (m, d) = choose_model(
            vars(&[
                ("ATHENA_AI_BASE_URL", "http://127.0.0.1:11434/v1"),
                ("ATHENA_AI_MODEL", "llama3.1"),
            ]),
            scripted,
        )
        .unwrap();
        assert_eq!(m.model_id(), "openai-compatible:llama3.1");
        assert!(d.contains("http://127.0.0.1:11434/v1"), "{d}");

        let half = choose_model(vars(&[("ATHENA_AI_MODEL", "llama3.1")]), scripted);
        assert!(half.is_err());
    }
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
