//! `athena::sandbox`: both branches of the switch (credentials → that server; none → a local
//! sandbox), read through variables rather than the process environment.

use std::collections::HashMap;

use athena::prelude::*;
use athena::sandbox::{Session, TEST_LASTNAME};
use athena_testkit::Sandbox;

/// The variables a user would export to point the SDK at `sandbox` (as with a sandbox started
/// by `athena sandbox serve`).
fn vars_for(sandbox: &Sandbox, practice: Option<u64>) -> HashMap<&'static str, String> {
    let mut vars = HashMap::from([
        ("ATHENA_BASE_URL", sandbox.base_url()),
        ("ATHENA_CLIENT_ID", sandbox.client_id().to_owned()),
        ("ATHENA_CLIENT_SECRET", sandbox.client_secret().to_owned()),
    ]);
    if let Some(p) = practice {
        vars.insert("ATHENA_PRACTICE_ID", p.to_string());
    }
    vars
}

#[tokio::test]
async fn without_credentials_a_seeded_local_sandbox_is_started() {
    let session = Session::from_vars(|_| None).await.expect("local session");
    assert!(session.is_local());
    assert!(session.sandbox().is_some());
    assert!(
        session
            .description()
            .starts_with("the local athena-testkit sandbox at http://127.0.0.1:"),
        "{}",
        session.description()
    );
    let sandbox_practice = session.sandbox().map(Sandbox::practice_id);
    assert_eq!(Some(session.practice().id().get()), sandbox_practice);
    // The preview practice's test patients are there, each with a small chart.
    let found = session
        .practice()
        .patients()
        .search()
        .lastname(TEST_LASTNAME)
        .send()
        .await
        .expect("search");
    // athena documents five `Sandboxtest` and two `Sandbox-Test` preview patients.
    assert_eq!(found.items().len(), 5);
    let patient = found.items()[0].patientid.expect("id");
    let departments = session
        .practice()
        .departments()
        .list()
        .send()
        .await
        .expect("departments");
    let department = departments.items()[0].departmentid.expect("department id");
    let problems = session
        .practice()
        .department(department)
        .chart(patient)
        .problems()
        .send()
        .await
        .expect("problems");
    assert!(problems.items().len() >= 2, "{}", problems.items().len());
}

#[tokio::test]
async fn blank_credentials_count_as_unset() {
    let session = Session::from_vars(|k| (k == "ATHENA_CLIENT_ID").then(|| "  ".to_owned()))
        .await
        .expect("local session");
    assert!(session.is_local());
}

#[tokio::test]
async fn with_credentials_the_session_talks_to_the_named_server_and_starts_none() {
    // A sandbox standing in for athenahealth, named by ATHENA_BASE_URL.
    let remote = Sandbox::start().await;
    let vars = vars_for(&remote, Some(remote.practice_id()));
    let session = Session::from_vars(|k| vars.get(k).cloned())
        .await
        .expect("session");
    assert!(!session.is_local());
    assert!(session.sandbox().is_none());
    assert_eq!(session.practice().id().get(), remote.practice_id());
    let origin = remote.base_url();
    assert!(
        session.description().contains(origin.trim_end_matches('/')),
        "{}",
        session.description()
    );
    assert!(!session.description().contains(remote.client_secret()));

    let before = remote.stats().api_requests;
    assert!(session.practice().ping().send().await.expect("ping"));
    assert!(
        remote.stats().api_requests > before,
        "the call reached the named server"
    );
    // Nothing was seeded into a server the user named: it holds only the preview patients
    // it carries itself (ids 60178–60184), none registered by the session.
    let found = session
        .practice()
        .patients()
        .search()
        .lastname(TEST_LASTNAME)
        .send()
        .await
        .expect("search");
    assert!(found.items().iter().all(|p| {
        p.patientid
            .is_some_and(|id| (60_178..=60_184).contains(&id.get()))
    }));
}

#[tokio::test]
async fn credentials_without_a_practice_are_a_config_error_naming_the_variable() {
    let remote = Sandbox::start().await;
    let vars = vars_for(&remote, None);
    let err = Session::from_vars(|k| vars.get(k).cloned())
        .await
        .expect_err("no practice");
    assert_eq!(err.kind(), ErrorKind::Config);
    assert!(err.to_string().contains("ATHENA_PRACTICE_ID"), "{err}");
    assert!(!err.to_string().contains(remote.client_secret()));
}

#[tokio::test]
async fn connect_or_sandbox_reads_the_process_environment() {
    // Only the branch the environment selects can be checked without changing it.
    if std::env::var_os("ATHENA_CLIENT_ID").is_some() {
        println!("notice: ATHENA_CLIENT_ID is set; connect_or_sandbox not exercised");
        return;
    }
    let session = athena::sandbox::connect_or_sandbox()
        .await
        .expect("session");
    assert!(session.is_local());
}

#[cfg(feature = "fhir")]
mod fhir {
    use super::*;
    use athena::fhir::r4::Patient;
    use athena::fhir::search::Search;
    use athena::sandbox::FhirSession;

    #[tokio::test]
    async fn without_credentials_the_local_fhir_server_is_used() {
        let session = FhirSession::from_vars(|_| None).await.expect("session");
        assert!(session.is_local());
        assert!(
            session
                .description()
                .contains("FHIR R4 server at http://127.0.0.1:")
        );
        let search = Search::patients_by_name(TEST_LASTNAME);
        let bundle = session.fhir().search(&search).await.expect("search");
        assert_eq!(bundle.entry.len(), 5);
    }

    #[tokio::test]
    async fn with_credentials_the_named_servers_fhir_base_is_used() {
        let remote = Sandbox::start().await;
        let vars = vars_for(&remote, Some(remote.practice_id()));
        let session = FhirSession::from_vars(|k| vars.get(k).cloned())
            .await
            .expect("session");
        assert!(!session.is_local());
        assert_eq!(session.practice().get(), remote.practice_id());
        assert_eq!(
            session.fhir().base().as_str().trim_end_matches('/'),
            athena::sandbox::fhir_base(&remote.base_url())
        );
        assert!(session.description().contains("DEFAULT_FHIR_SCOPE"));
        let search = Search::by_id::<Patient>("a-1.E-1");
        let before = remote.stats().api_requests;
        let _ = session.fhir().search(&search).await;
        assert!(
            remote.stats().api_requests > before,
            "the call reached the named server"
        );
    }
}
