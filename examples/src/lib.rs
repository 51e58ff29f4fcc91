//! What the runnable examples in `examples/examples/` share beyond the SDK: log set-up and
//! PHI-free display helpers.
//!
//! Where an example talks to is public API, not example code: each calls
//! `athena::sandbox::connect_or_sandbox()` (or `connect_fhir_or_sandbox()`,
//! `language_model_or_scripted()`) from the `athena` facade's `sandbox` feature, which uses
//! athenahealth when `ATHENA_CLIENT_ID` is set and else a local `athena-testkit` sandbox, and
//! prints the session's one-line description so nobody mistakes one for the other.
//!
//! [`init_tracing`] logs to stderr when `RUST_LOG` is set, e.g.
//! `RUST_LOG=athena=debug cargo run --example quickstart`; without it nothing is logged.
#![forbid(unsafe_code)]

/// The error type of the examples.
pub type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// Installs a `tracing` subscriber when `RUST_LOG` is set: `tracing_subscriber`'s fmt output
/// filtered by `RUST_LOG`, written to **stderr** without colours, with a line when each span
/// closes (its duration). Without `RUST_LOG` it does nothing, so an example's stdout is the
/// same either way. Calling it again, or after another subscriber was installed, is harmless.
///
/// Every example calls it first thing in `main`.
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

/// Initials only: examples show that a patient was found without printing who.
///
/// ```
/// assert_eq!(athena_examples::initials(Some("Donna"), None), "D. ?.");
/// ```
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
