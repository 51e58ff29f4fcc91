//! `use athena::prelude::*;` alone reaches every method a user calls through a trait.
//!
//! Each function here would fail to compile if the prelude lost one of the traits (this file
//! imports nothing else), and the test runs the REST part against a sandbox.

use athena::prelude::*;

/// REST: `PracticeExt`, `DepartmentExt`, `ConflictExt`, and the stream traits.
async fn rest_methods(practice: &Practice) -> Result<usize, Error> {
    let departments = practice.departments().list().send().await?;
    let department = departments.items()[0].departmentid.expect("department id");
    let chart = practice.department(department).chart(PatientId::new(1));
    let problems = chart.problems().send().await?;
    let mut pages = practice.departments().list().stream();
    let first = pages.next().await.transpose()?;
    let all: Vec<_> = practice
        .patients()
        .search()
        .lastname("Smith")
        .stream()
        .try_collect()
        .await?;
    let err = Error::new(ErrorKind::Conflict, "taken");
    assert!(err.is_slot_taken());
    Ok(problems.items().len() + usize::from(first.is_some()) + all.len())
}

#[tokio::test]
async fn rest_methods_are_reachable_with_the_prelude_alone() {
    let sandbox = athena_testkit::Sandbox::start().await;
    let client = Client::builder()
        .base_url(sandbox.base_url())
        .client_credentials(sandbox.client_id(), sandbox.client_secret())
        .build()
        .expect("client");
    let practice = client.practice(PracticeId::new(sandbox.practice_id()));
    let n = rest_methods(&practice).await.expect("calls");
    assert!(n > 0);
}

/// Core's runtime traits, anonymously.
#[test]
fn runtime_trait_methods_are_reachable() {
    let clock = athena::runtime::ManualClock::new();
    let before = clock.now();
    clock.advance(std::time::Duration::from_secs(1));
    assert_eq!(clock.now() - before, std::time::Duration::from_secs(1));
}

/// FHIR: the search traits' associated items.
#[cfg(feature = "fhir")]
#[test]
fn fhir_search_traits_are_reachable() {
    assert_eq!(athena::fhir::r4::Patient::TYPE, "Patient");
}

/// AI: `LanguageModel` on a concrete model.
#[cfg(feature = "ai")]
#[test]
fn language_model_methods_are_reachable() {
    let model = athena::ai::providers::scripted::ScriptedModel::new("m");
    assert_eq!(model.model_id(), "scripted:m");
}

/// Subscriptions: `CheckpointStore` on a concrete store.
#[cfg(feature = "subscriptions")]
#[tokio::test]
async fn checkpoint_store_methods_are_reachable() {
    let store = athena::subscriptions::checkpoint::MemoryCheckpointStore::default();
    assert!(store.load("k").await.expect("load").is_none());
}
