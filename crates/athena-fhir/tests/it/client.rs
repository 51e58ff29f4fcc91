//! The FHIR client against the local athena sandbox: ah-practice, id mapping, typed reads,
//! cursor paging as a stream, OperationOutcome errors, SMART discovery, bulk export
//! (kick-off, poll, manifest, NDJSON download, resume, cancel) and the origin rule for `next`
//! links.

use athena_core::{PatientId, PracticeId};
use athena_fhir::bulk::{ExportOptions, ExportStatus, PollPolicy, ResumeState};
use athena_fhir::r4::{IssueType, Resource};
use athena_fhir::search::Search;
use athena_fhir::smart::ScopeSyntax;
use athena_fhir::{FhirClient, FhirErrorKind};
use athena_testkit::Sandbox;
use futures::StreamExt;
use std::time::Duration;

async fn client(sb: &Sandbox) -> FhirClient {
    let core = athena_core::Client::builder()
        .base_url(sb.base_url())
        .client_credentials(sb.client_id(), sb.client_secret())
        .scope("system/*.read")
        .build()
        .expect("core client");
    FhirClient::new(&core.practice(PracticeId::new(sb.practice_id())))
}

#[tokio::test]
async fn read_search_page_and_errors() {
    let sb = Sandbox::start().await;
    let c = client(&sb).await;

    // athena id mapping: PatientId -> a-{practice}.E-{id}.
    let p = c
        .read_patient(PatientId::new(3))
        .await
        .expect("read patient");
    assert_eq!(
        p.id.as_deref(),
        Some(format!("a-{}.E-3", sb.practice_id()).as_str())
    );

    // Paging: _count=5 forces several pages; the stream follows `next` (athena's cursor).
    let patient = athena_fhir::FhirPatientId::new(&format!("a-{}.E-3", sb.practice_id()))
        .expect("patient id");
    let search = Search::for_patient::<athena_fhir::r4::Observation>(&patient).count(5);
    let first = c.search(&search).await.expect("first page");
    let total = first.total.expect("total") as usize;
    assert!(total > 5, "need several pages, total={total}");
    let pages: Vec<_> = c.search_pages(&search).collect().await;
    assert!(pages.len() >= 2);
    let all: Vec<Resource> = c
        .search_stream::<Resource>(&search)
        .map(|r| r.expect("resource"))
        .collect()
        .await;
    assert_eq!(all.len(), total);
    assert!(all.iter().all(|r| matches!(r, Resource::Observation(_))));
    let mut ids: Vec<_> = all
        .iter()
        .filter_map(|r| r.id().map(str::to_owned))
        .collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), total, "pages overlap or repeat");

    // An unknown id is a typed server error, not a panic or a decode failure.
    let missing = c
        .read_resource("Patient", "a-999999999.E-1")
        .await
        .expect_err("no such patient");
    assert!(missing.status().is_some_and(|s| s >= 400), "{missing}");

    // SMART discovery.
    let smart = c.smart_configuration().await.expect("smart");
    assert!(smart.token_endpoint.ends_with("/oauth2/v1/token"));
    assert_eq!(smart.scope_syntax(), ScopeSyntax::V2);
}

#[tokio::test]
async fn server_rule_violations_become_typed_errors() {
    let sb = Sandbox::start().await;
    let c = client(&sb).await;
    // `operation` lets a caller send anything; athena's rule answers with an OperationOutcome.
    let err = c
        .operation("Condition", None)
        .await
        .expect_err("needs patient or _id");
    assert_eq!(err.kind(), FhirErrorKind::Server, "{err:?}");
    assert_eq!(err.status(), Some(400), "{err:?}");
    assert!(err.outcome().is_some(), "{err:?}");
    assert_eq!(err.issue_code(), Some(&IssueType::Forbidden));
}

#[tokio::test]
async fn next_links_to_other_origins_are_refused() {
    let sb = Sandbox::start().await;
    let c = client(&sb).await;
    assert!(c.resolve_link("Observation?cursor=5").is_ok());
    assert!(
        c.resolve_link(&format!("{}/Observation?cursor=5", sb.fhir_base()))
            .is_ok()
    );
    let err = c
        .resolve_link("https://evil.example/fhir/r4/Observation?cursor=5")
        .expect_err("foreign");
    assert!(err.kind() == FhirErrorKind::ForeignOrigin);
    // Same host, other port: another origin too.
    let err = c
        .resolve_link("http://127.0.0.1:1/fhir/r4/Observation")
        .expect_err("other port");
    assert!(err.kind() == FhirErrorKind::ForeignOrigin);
}

#[tokio::test]
async fn bulk_export_poll_download_resume_cancel() {
    let sb = Sandbox::start().await;
    let c = client(&sb).await;
    let options = ExportOptions {
        types: vec!["Patient".into(), "Condition".into()],
        ..Default::default()
    };
    let job = c.export_group(&options).await.expect("kick-off");
    assert!(job.status_url().as_str().starts_with(&sb.fhir_base()));

    // First poll: 202 with X-Progress and Retry-After.
    match job.poll().await.expect("poll") {
        ExportStatus::InProgress {
            progress,
            retry_after,
        } => {
            assert!(progress.is_some());
            assert_eq!(retry_after, Some(Duration::from_secs(1)));
        }
        ExportStatus::Complete(_) => panic!("the sandbox answers 202 first"),
    }
    let policy = PollPolicy {
        floor: Duration::from_millis(10),
        initial: Duration::from_millis(10),
        ..Default::default()
    };
    let mut seen = Vec::new();
    let manifest = job
        .wait(&policy, |p| seen.push(p.map(str::to_owned)))
        .await
        .expect("manifest");
    assert!(manifest.requires_access_token);
    assert_eq!(manifest.output.len(), 2);

    // Resume: finish the first file, "crash" halfway through the second, resume.
    let dir = std::env::temp_dir().join(format!("athena-fhir-resume-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let state_path = dir.join("state.json");
    let _ = std::fs::remove_file(&state_path);
    let mut state = ResumeState::load(&state_path, &manifest).expect("state");
    let first = state.pending(&manifest).next().expect("file").clone();
    let n_first = c
        .download(&manifest, &first)
        .filter(|r| futures::future::ready(r.is_ok()))
        .count()
        .await;
    assert!(n_first > 0);
    state.complete(&first);
    state.save(&state_path).expect("save");
    let second = state.pending(&manifest).next().expect("second").clone();
    let partial: Vec<_> = c.download(&manifest, &second).take(1).collect().await;
    assert_eq!(partial.len(), 1);
    drop(partial); // interrupted here
    let resumed = ResumeState::load(&state_path, &manifest).expect("reload");
    let pending: Vec<_> = resumed.pending(&manifest).map(|f| f.url.clone()).collect();
    assert_eq!(
        pending,
        vec![second.url.clone()],
        "finished file skipped, unfinished one restarts"
    );
    let all: Vec<Resource> = c
        .download(&manifest, &second)
        .map(|r| r.expect("resource"))
        .collect()
        .await;
    assert!(
        all.iter()
            .all(|r| r.resource_type() == second.resource_type)
    );
    let _ = std::fs::remove_dir_all(&dir);

    // Cancel: DELETE, then the job is gone.
    let job2 = c.export_group(&options).await.expect("kick-off 2");
    job2.cancel().await.expect("cancel");
    let gone = job2.poll().await.expect_err("cancelled");
    assert!(gone.is_not_found(), "{gone}");
}

#[tokio::test]
async fn manifest_file_on_another_origin_gets_no_token() {
    let sb = Sandbox::start().await;
    let c = client(&sb).await;
    let manifest: athena_fhir::bulk::Manifest = serde_json::from_str(
        r#"{"transactionTime":"t","request":"r","requiresAccessToken":true,"output":[{"type":"Patient","url":"http://127.0.0.1:9/x.ndjson"}]}"#,
    )
    .expect("manifest");
    let items: Vec<_> = c.download(&manifest, &manifest.output[0]).collect().await;
    assert!(
        matches!(items.as_slice(), [Err(e)] if e.kind() == FhirErrorKind::ForeignOrigin),
        "{items:?}"
    );
}
