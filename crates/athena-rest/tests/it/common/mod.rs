//! Shared test setup: a client against the testkit sandbox.
#![allow(dead_code, unreachable_pub)]

use athena_core::{Client, Practice, PracticeId};
use athena_testkit::Sandbox;

pub async fn sandbox() -> (Sandbox, Practice) {
    let sb = Sandbox::start().await;
    let practice = practice_for(&sb);
    (sb, practice)
}

pub fn practice_for(sb: &Sandbox) -> Practice {
    let client = Client::builder()
        .base_url(sb.base_url())
        .client_credentials(sb.client_id(), sb.client_secret())
        .build()
        .expect("client");
    client.practice(PracticeId::new(sb.practice_id()))
}

/// A client for a wiremock server (no retries so error paths are immediate).
pub fn wiremock_practice(uri: &str) -> Practice {
    let client = Client::builder()
        .base_url(uri)
        .client_credentials("id", "secret")
        .retry_policy(athena_core::RetryPolicy::none())
        .build()
        .expect("client");
    client.practice(PracticeId::new(195900))
}

/// A client that never connects (for pure `build()` snapshots).
pub fn offline_practice() -> Practice {
    wiremock_practice("http://127.0.0.1:9")
}
