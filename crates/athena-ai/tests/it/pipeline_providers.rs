//! Every pipeline that reads the chart (SOAP context, inbox triage, appeal letters) passes the
//! practice's provider names to the PHI guard: a clinician named in the text does not reach a
//! model that may not see PHI.

use athena_ai::Prompt;
use athena_ai::denial::{self, appeal};
use athena_ai::phi::{KnownIdentifiers, PhiGuard};
use athena_ai::soap::context::{self, Visit};
use athena_ai::triage::read_inbox;
use athena_core::ids::{DepartmentId, PatientId, ProviderId};
use athena_core::{Client, PracticeId};
use athena_rest::{DepartmentExt, PracticeExt};
use athena_testkit::Sandbox;

/// The sandbox's first provider's last name, and a message naming them.
async fn provider_line(practice: &athena_core::Practice) -> (String, String) {
    let providers = practice.providers().list().send().await.unwrap();
    let p = providers
        .items()
        .iter()
        .find(|p| p.lastname.is_some() && p.firstname.is_some())
        .expect("a named provider");
    let (first, last) = (p.firstname.clone().unwrap(), p.lastname.clone().unwrap());
    (
        last.clone(),
        format!(
            "dr {} said {first} {} would call back",
            last.to_lowercase(),
            last.to_uppercase()
        ),
    )
}

fn assert_removed(known: &KnownIdentifiers, last: &str, line: &str, pipeline: &str) {
    let (p, _) = PhiGuard::new(known.clone())
        .deidentify(Prompt::user(line))
        .unwrap();
    let sent = p.get().messages[0].content.to_lowercase();
    assert!(
        !sent.contains(&last.to_lowercase()),
        "{pipeline}: provider name reached the model: {sent}"
    );
}

#[tokio::test]
async fn soap_inbox_and_appeal_pass_provider_names() {
    let sandbox = Sandbox::start().await;
    let client = Client::builder()
        .base_url(sandbox.base_url())
        .client_credentials(sandbox.client_id(), sandbox.client_secret())
        .no_qps_limit()
        .build()
        .unwrap();
    let practice = client.practice(PracticeId::new(sandbox.practice_id()));
    let (last, line) = provider_line(&practice).await;
    // "dr x" is caught by the detectors anyway; a bare lower-case surname only through the
    // chart's provider list.
    let bare = format!("{line}; {} is covering", last.to_lowercase());

    // SOAP context.
    let department = practice.department(DepartmentId::new(1));
    let mut found = None;
    for pid in 1..=50 {
        let patient = PatientId::new(pid);
        let encounters = department.chart(patient).encounters().send().await.unwrap();
        if let Some(id) = encounters.items().iter().find_map(|e| e.encounterid) {
            found = Some((patient, id));
            break;
        }
    }
    let (patient, encounter) = found.expect("a sandbox patient with an encounter");
    let ctx = context::gather(&department, patient, Visit::Encounter(encounter), None)
        .await
        .unwrap();
    assert_removed(&ctx.known, &last, &bare, "soap");
    // Without the provider list the bare mention would survive (so the check can fail).
    let (p, _) = PhiGuard::default()
        .deidentify(Prompt::user(format!("{} is covering", last.to_lowercase())))
        .unwrap();
    assert!(p.get().messages[0].content.contains(&last.to_lowercase()));

    // Inbox triage.
    let urgent = sandbox.urgent_cases();
    let cases = read_inbox(&practice, ProviderId::new(urgent[0].provider_id))
        .await
        .unwrap();
    assert!(!cases.is_empty());
    for c in &cases {
        assert_removed(&c.message.known, &last, &bare, "inbox");
    }

    // Appeal letters.
    let today = chrono::Utc::now().date_naive();
    let records =
        denial::gather::load_claims(&practice, today - chrono::Duration::days(800), today)
            .await
            .unwrap();
    let denied = records.iter().find(|r| r.outcome.is_denied()).unwrap();
    let ctx = appeal::gather_context(&practice, denied).await.unwrap();
    assert_removed(&ctx.known, &last, &bare, "appeal");
}
