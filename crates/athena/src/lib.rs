//! athena-rs in one dependency: the athenaOne SDK's crates behind features, with one prelude.
//!
//! ```toml
//! [dependencies]
//! athena = { version = "0.1", features = ["fhir"] }   # `rest` is on by default
//! tokio = { version = "1", features = ["macros", "rt-multi-thread"] }
//! ```
//!
//! - At the root: everything of [`athena_core`] — [`Client`], [`Practice`], [`Department`],
//!   [`Error`] / [`ErrorKind`] / [`Result`], the typed ids ([`PatientId`], ...), and its
//!   modules ([`codec`], [`ids`], [`auth`], [`retry`], [`paging`], [`phi`], [`runtime`], ...).
//! - One module per crate, each behind the feature of the same name: `rest` (default),
//!   `fhir`, `subscriptions`, `ai`; `full` turns on all four. `sandbox` adds
//!   `athena::sandbox`: credentials from the environment, or else a local athena-testkit
//!   sandbox (what the examples use).
//! - [`prelude`]: `use athena::prelude::*;` brings every trait whose methods you call, so a
//!   missing import is never the only way to a method (the table below).
//!
//! # Features
//!
//! | feature | module | default | what it adds |
//! |---|---|---|---|
//! | `rest` | `rest` | yes | typed `/v1/{practiceid}` endpoints and models |
//! | `fhir` | `fhir` | no | FHIR R4 / US Core client, generated models, bulk `$export` |
//! | `subscriptions` | `subscriptions` | no | changed-data feeds with checkpoints, FHIR event webhooks (turns on `rest`) |
//! | `ai` | `ai` | no | LLM pipelines with PHI guards, audit and a review gate (turns on `rest`, `fhir`) |
//! | `full` | | no | `rest`, `fhir`, `subscriptions`, `ai` |
//! | `sandbox` | `sandbox` | no | [`Client::from_env`] when credentials are set, else a local sandbox (turns on `rest`; its FHIR and AI parts follow `fhir` and `ai`) |
//!
//! Only `rest` is on by default: it is what nearly every program needs, and the FHIR models
//! (generated, large) and the AI pipelines cost compile time that a REST-only user should not
//! pay.
//!
//! # The prelude: every trait a user calls methods through
//!
//! Every public trait of the workspace, and how its methods are reached:
//!
//! | trait | crate | methods | in the prelude |
//! |---|---|---|---|
//! | `PracticeExt` | rest | `practice.patients()`, `.departments()`, `.appointments()`, ... | by name |
//! | `DepartmentExt` | rest | `department.chart(p)`, `.appointments()`, `.documents(p)`, ... | by name |
//! | `ConflictExt` | rest | `error.is_slot_taken()` | by name |
//! | `LanguageModel` | ai | `model.generate(..)`, `.model_id()` (also inherent on `dyn LanguageModel`) | by name |
//! | `AuditSink`, `Authenticator` | ai | `sink.record(..)`; `auth.verify(..)`, `.method()` | by name |
//! | `CheckpointStore` | subscriptions | `store.load(key)`, `.save(key, cp)` | by name |
//! | `Searchable`, `SearchResult` | fhir | `Patient::TYPE`, `R::from_resource(..)` | anonymously (`as _`) |
//! | `Clock`, `Sleeper`, `Jitter` | core | `clock.now()`, `.sleep(d)`, `.unit()` | anonymously (`as _`) |
//! | `TokenSource`, `TokenCache` | core | called by the client, not by users | no: implement them via [`auth`] |
//! | `Clinical`, `Administrative` | fhir | none (marker bounds of typed search) | no |
//! | `FieldValue` | rest | none a user calls (the models' lenient decoding) | no |
//! | `futures::StreamExt`, `futures::TryStreamExt` | futures | `.next()`, `.try_collect()` on what `stream()` / `pages()` return | anonymously (`as _`) |
//!
//! The REST traits cannot become inherent methods: [`Practice`] and [`Department`] belong to
//! `athena-core`, which knows no endpoint. The stream traits are there because list builders'
//! `stream()` returns `impl Stream`, whose methods live in those traits. Traits imported
//! `as _` give their methods without taking a name you might use yourself.
//!
//! The prelude also names the types nearly every program uses: [`Client`], [`Practice`],
//! [`Department`], [`Error`], [`ErrorKind`], the ids and the date/time codecs. It does not
//! re-export `Result` (that would shadow `std`'s); write [`athena::Result`](Result).
//!
//! # The main workflow, with only the prelude
//!
//! ```
//! use athena::prelude::*;
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! # let sandbox = athena_testkit::Sandbox::start().await;
//! # let client = Client::builder()
//! #     .base_url(sandbox.base_url())
//! #     .client_credentials(sandbox.client_id(), sandbox.client_secret())
//! #     .build()?;
//! // In a real program: `let client = Client::from_env()?;`
//! let practice = client.practice(PracticeId::new(195900));
//!
//! let departments = practice.departments().list().send().await?;
//! let department_id = departments.items()[0].departmentid.ok_or("no department")?;
//! let department = practice.department(department_id);
//!
//! let patient = PatientId::new(1);
//! let problems = department.chart(patient).problems().send().await?;
//! println!("{} problems", problems.items().len());
//!
//! // Every open slot, walked lazily page by page (`StreamExt::next` comes with the prelude).
//! let mut slots = department.appointments().open().reasonid_any().stream();
//! let slot = slots.next().await.ok_or("no open slot")??;
//! let slot_id = slot.appointmentid.ok_or("no slot id")?;
//!
//! // A booking is never retried automatically; a taken slot is an error you can ask about.
//! match practice.appointments().book(slot_id, patient).send().await {
//!     Ok(appointment) => println!("booked #{}", appointment.appointmentid.unwrap_or(slot_id)),
//!     Err(e) if e.is_slot_taken() => println!("taken meanwhile"),
//!     Err(e) => return Err(e.into()),
//! }
//! # Ok(()) }
//! ```
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub use athena_core::*;

/// Typed endpoints for athenahealth's `/v1/{practiceid}` REST API (the `athena-rest` crate).
#[cfg(feature = "rest")]
pub use athena_rest as rest;

/// FHIR R4 / US Core: client, generated models, search, bulk `$export` (the `athena-fhir`
/// crate).
#[cfg(feature = "fhir")]
pub use athena_fhir as fhir;

/// Changed-data feeds with durable checkpoints and FHIR event webhooks (the
/// `athena-subscriptions` crate).
#[cfg(feature = "subscriptions")]
pub use athena_subscriptions as subscriptions;

/// LLM pipelines with PHI guards, audit and a human review gate (the `athena-ai` crate).
#[cfg(feature = "ai")]
pub use athena_ai as ai;

#[cfg(feature = "sandbox")]
pub mod sandbox;

/// `use athena::prelude::*;`: every trait whose methods a user calls, and the everyday types.
///
/// See the [crate docs](crate#the-prelude-every-trait-a-user-calls-methods-through) for the
/// list of the workspace's traits and why each is, or is not, here.
pub mod prelude {
    pub use athena_core::codec::{AthenaDate, AthenaDateTime, AthenaTime};
    pub use athena_core::ids::*;
    pub use athena_core::runtime::{Clock as _, Jitter as _, Sleeper as _};
    pub use athena_core::{Client, Department, Error, ErrorKind, Practice};
    pub use futures::{StreamExt as _, TryStreamExt as _};

    #[cfg(feature = "rest")]
    pub use athena_rest::prelude::*;

    #[cfg(feature = "fhir")]
    pub use athena_fhir::FhirClient;
    #[cfg(feature = "fhir")]
    pub use athena_fhir::search::{SearchResult as _, Searchable as _};

    #[cfg(feature = "subscriptions")]
    pub use athena_subscriptions::checkpoint::CheckpointStore;

    #[cfg(feature = "ai")]
    pub use athena_ai::LanguageModel;
    #[cfg(feature = "ai")]
    pub use athena_ai::audit::AuditSink;
    #[cfg(feature = "ai")]
    pub use athena_ai::review::Authenticator;
}

/// The README's code blocks, compiled as doctests (the main workflow there uses only the
/// prelude).
#[cfg(doctest)]
#[doc = include_str!("../../../README.md")]
pub struct ReadmeDoctests;
