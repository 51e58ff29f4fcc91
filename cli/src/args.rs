//! The command line, as clap parses it: global flags, commands, and their arguments.

use clap::{Args, Parser, Subcommand, ValueEnum};

/// The `athena` command line.
#[derive(Debug, Parser)]
#[command(
    name = "athena",
    version,
    about = "A small command-line client for athenaOne, built on athena-rs",
    long_about = "A small command-line client for athenaOne, built on athena-rs.\n\n\
        Without --sandbox it talks to the athena the environment names: ATHENA_CLIENT_ID, \
        ATHENA_CLIENT_SECRET, ATHENA_PRACTICE_ID, and optionally ATHENA_BASE_URL or \
        ATHENA_ENVIRONMENT (preview | production). Output is a table, or the JSON athena sent \
        with --json. Errors never hold patient data; the exit code is 1 for a failed call and \
        2 for a usage error.",
    arg_required_else_help = true
)]
pub(crate) struct Cli {
    /// Start a local athena-testkit sandbox in-process and talk to it.
    #[arg(long, global = true)]
    pub(crate) sandbox: bool,
    /// Print the JSON athena answered instead of a table.
    #[arg(long, global = true)]
    pub(crate) json: bool,
    #[command(subcommand)]
    pub(crate) command: Command,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Search for or read patients.
    #[command(subcommand)]
    Patients(PatientsCommand),
    /// A section of a patient's chart, in a department.
    Chart(ChartArgs),
    /// Open slots, and booking one.
    #[command(subcommand)]
    Appointments(AppointmentsCommand),
    /// The practice's departments.
    Departments,
    /// The practice's providers.
    Providers,
    /// Peek at a changed-data feed without marking anything processed.
    Changed {
        /// The feed (this command knows `appointments`).
        feed: ChangedFeed,
    },
    /// Subscribe to, inspect and poll athena's changed-data feeds (athena-subscriptions).
    #[command(subcommand)]
    Feed(FeedCommand),
    /// Read a FHIR R4 resource.
    #[command(subcommand)]
    Fhir(FhirCommand),
    /// Run the local athena-testkit sandbox.
    #[command(subcommand)]
    Sandbox(SandboxCommand),
}

/// `athena patients …`.
#[derive(Debug, Subcommand)]
pub(crate) enum PatientsCommand {
    /// Patients by last name (and optionally first name and date of birth).
    Search {
        /// Last name.
        #[arg(long)]
        lastname: String,
        /// First name.
        #[arg(long)]
        firstname: Option<String>,
        /// Date of birth, MM/DD/YYYY.
        #[arg(long, value_parser = parse_date)]
        dob: Option<athena_core::codec::AthenaDate>,
    },
    /// One patient by id.
    Get {
        /// The patient id.
        #[arg(value_parser = positive)]
        patient: u64,
    },
}

/// `athena chart SECTION PATIENT --department D`.
#[derive(Debug, Args)]
pub(crate) struct ChartArgs {
    /// The chart section.
    pub(crate) section: ChartSection,
    /// The patient id.
    #[arg(value_parser = positive)]
    pub(crate) patient: u64,
    /// The department (athena needs one for chart calls).
    #[arg(long, value_parser = positive)]
    pub(crate) department: u64,
}

/// The chart sections the CLI reads.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub(crate) enum ChartSection {
    /// Problems.
    Problems,
    /// Medications.
    Medications,
    /// Allergies.
    Allergies,
    /// Vital signs, one row per reading.
    Vitals,
    /// Lab results, one row per analyte.
    Labs,
}

/// `athena appointments …`.
#[derive(Debug, Subcommand)]
pub(crate) enum AppointmentsCommand {
    /// Open slots in a department.
    Open {
        /// The department.
        #[arg(long, value_parser = positive)]
        department: u64,
        /// First day, MM/DD/YYYY.
        #[arg(long, value_parser = parse_date)]
        start: Option<athena_core::codec::AthenaDate>,
        /// Last day, MM/DD/YYYY.
        #[arg(long, value_parser = parse_date)]
        end: Option<athena_core::codec::AthenaDate>,
    },
    /// Book an open slot for a patient.
    Book {
        /// The slot (an open appointment id).
        #[arg(value_parser = positive)]
        slot: u64,
        /// The patient.
        #[arg(long, value_parser = positive)]
        patient: u64,
    },
}

/// Feeds `athena changed` peeks at.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub(crate) enum ChangedFeed {
    /// `/appointments/changed`.
    Appointments,
}

/// `athena feed …`.
#[derive(Debug, Subcommand)]
pub(crate) enum FeedCommand {
    /// Subscribe to every default event of a feed (athena records changes only then).
    Subscribe(FeedArgs),
    /// The subscription status of a feed.
    Status(FeedArgs),
    /// Remove a feed's subscription.
    Unsubscribe(FeedArgs),
    /// Read (and mark processed) a feed's changes, with a checkpoint so nothing is lost.
    Poll(PollArgs),
    /// The feeds this command knows.
    List,
}

/// A feed, optionally department-scoped.
#[derive(Debug, Args)]
pub(crate) struct FeedArgs {
    /// The feed path, e.g. `appointments`, `patients`, `chart/healthhistory/problems`
    /// (`athena feed list` shows them).
    pub(crate) feed: String,
    /// Only these departments (repeatable).
    #[arg(long = "department", value_parser = positive)]
    pub(crate) departments: Vec<u64>,
}

/// `athena feed poll FEED`.
#[derive(Debug, Args)]
pub(crate) struct PollArgs {
    #[command(flatten)]
    pub(crate) feed: FeedArgs,
    /// Keep polling until Ctrl-C (or SIGTERM), printing changes as they come.
    #[arg(long)]
    pub(crate) follow: bool,
    /// Keep the read checkpoints in this folder, so a crash replays instead of losing changes.
    #[arg(long, value_name = "DIR")]
    pub(crate) checkpoint: Option<std::path::PathBuf>,
    /// Seconds between reads with --follow.
    #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub(crate) interval: u64,
    /// Subscribe first if athena says the feed is not set up.
    #[arg(long)]
    pub(crate) subscribe: bool,
}

/// `athena fhir …`.
#[derive(Debug, Subcommand)]
pub(crate) enum FhirCommand {
    /// One resource: TYPE/ID, e.g. Patient/a-195900.E-2, or athena's own id: Patient/2
    /// (also Location/DEPT, Practitioner/PROVIDER, Encounter/ENC).
    Get {
        /// TYPE/ID.
        reference: String,
    },
}

/// `athena sandbox …`.
#[derive(Debug, Subcommand)]
pub(crate) enum SandboxCommand {
    /// Serve the athena-testkit sandbox on loopback until Ctrl-C or SIGTERM, so any HTTP
    /// client (curl, other languages, the examples with ATHENA_BASE_URL) can use it.
    Serve {
        /// The port on 127.0.0.1 (0: any free port).
        #[arg(long, default_value_t = 8080)]
        port: u16,
        /// Seed of the synthetic data (same seed, same data).
        #[arg(long, default_value_t = 42)]
        seed: u64,
        /// Patients in the practice (generated lazily).
        #[arg(long, default_value_t = 50, value_parser = clap::value_parser!(u64).range(1..))]
        patients: u64,
        /// New tokens allowed per minute before the token endpoint answers 429 (athena's
        /// preview allows 5, production 50; every `athena` run fetches one).
        #[arg(long, default_value_t = 5)]
        token_rate_limit: u32,
    },
}

/// An athena id: a positive number (ids start at 1; a 0 would reach the server as `/…/0`).
pub(crate) fn positive(s: &str) -> Result<u64, String> {
    s.parse::<u64>()
        .ok()
        .filter(|n| *n != 0)
        .ok_or_else(|| format!("must be a positive number, not `{s}`"))
}

/// A date as `MM/DD/YYYY`.
fn parse_date(s: &str) -> Result<athena_core::codec::AthenaDate, String> {
    s.parse()
        .map_err(|_| "must be a date as MM/DD/YYYY".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn the_command_line_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn ids_must_be_positive_numbers() {
        assert_eq!(positive("42"), Ok(42));
        for bad in ["0", "-1", "abc", ""] {
            let e = positive(bad).expect_err(bad);
            assert!(e.contains("positive number"), "{e}");
        }
    }
}
