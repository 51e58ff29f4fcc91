//! The testkit's streaming `LargeExport` server end to end through `FhirClient` at a small
//! size (the ≥ 1 GiB run is `cargo bench -p athena-fhir --bench bulk_rss`): every generated
//! resource arrives typed, byte counts agree, and the files refuse a request without the token.

use athena_core::PracticeId;
use athena_fhir::FhirClient;
use athena_fhir::bulk::{ExportOptions, ExportStatus, PollPolicy};
use athena_fhir::r4::Resource;
use athena_testkit::LargeExport;
use futures::StreamExt;

#[tokio::test]
async fn a_generated_export_streams_through_the_client() {
    let server = LargeExport::start(300 * 1024, 3, 20).await;
    let core = athena_core::Client::builder()
        .base_url(server.base_url())
        .client_credentials(server.client_id(), server.client_secret())
        .build()
        .expect("core");
    let fhir = FhirClient::new(&core.practice(PracticeId::new(server.practice_id())));
    let job = fhir
        .export_group(&ExportOptions::default())
        .await
        .expect("kick-off");
    match job.poll().await.expect("first poll") {
        ExportStatus::InProgress {
            progress,
            retry_after,
        } => {
            assert_eq!(progress.as_deref(), Some("generating"));
            assert_eq!(retry_after, Some(std::time::Duration::from_secs(1)));
        }
        ExportStatus::Complete(_) => panic!("the first poll is 202"),
    }
    let manifest = job
        .wait(&PollPolicy::default(), |_| {})
        .await
        .expect("manifest");
    assert_eq!(manifest.output.len(), 3);
    let mut total = 0u64;
    for file in &manifest.output {
        let items: Vec<Resource> = fhir
            .download(&manifest, file)
            .map(|r| r.expect("resource"))
            .collect()
            .await;
        assert_eq!(
            Some(items.len() as u64),
            file.count,
            "{}",
            file.resource_type
        );
        assert!(
            items.iter().all(
                |r| r.resource_type() == file.resource_type && !matches!(r, Resource::Other(_))
            )
        );
        total += items.len() as u64;
    }
    assert_eq!(total, server.total_resources());
    assert_eq!(server.bytes_served(), server.total_bytes());
    assert!(server.total_bytes() >= 3 * 300 * 1024);

    // Without the token, a file is a 401 OperationOutcome.
    let anonymous = reqwest::get(&manifest.output[0].url).await.expect("get");
    assert_eq!(anonymous.status().as_u16(), 401);
}
