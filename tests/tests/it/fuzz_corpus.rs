//! Runs every checked-in corpus file of the `cargo fuzz` targets (`fuzz/corpus/TARGET/`)
//! through the same function the fuzzer drives, so CI covers them on stable.

use std::path::PathBuf;

#[test]
fn every_fuzz_corpus_file_passes_its_target() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../fuzz/corpus");
    for target in athena_tests::fuzz::TARGETS {
        let dir = root.join(target);
        let mut n = 0;
        for entry in std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
            let path = entry.expect("corpus entry").path();
            let data = std::fs::read(&path).expect("corpus file");
            athena_tests::fuzz::run(target, &data);
            n += 1;
        }
        assert!(n >= 3, "{target}: only {n} corpus files");
    }
}

#[test]
fn targets_find_round_trip_bugs() {
    // The harness is not vacuous: a value that parses is printed and parsed back.
    athena_tests::fuzz::run("codecs", b"01/15/1985");
    athena_tests::fuzz::run("codecs", b"12.5");
    let r = std::panic::catch_unwind(|| athena_tests::fuzz::run("no_such_target", b""));
    assert!(r.is_err());
}

/// The real FHIR fixtures (`../shared/fixtures/fhir`) through the FHIR, bulk NDJSON and webhook
/// targets: every example resource decodes losslessly, every NDJSON file (plain and gzip,
/// in small chunks) yields one resource per line, and athena's sample notification verifies.
#[test]
fn shared_fhir_fixtures_pass_the_targets() {
    let Some(root) = athena_tests::shared_fixtures() else {
        println!("notice: ../shared/fixtures absent; FHIR fixtures not replayed");
        return;
    };
    let fhir = root.join("fhir");
    let mut examples = 0;
    for dir in ["r4-core-examples", "us-core-3.1.1/examples"] {
        for entry in std::fs::read_dir(fhir.join(dir)).expect("fixture folder") {
            let path = entry.expect("entry").path();
            if path.extension().is_some_and(|e| e == "json") {
                let data = std::fs::read(&path).expect("fixture");
                serde_json::from_slice::<athena_fhir::r4::Resource>(&data)
                    .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
                athena_tests::fuzz::run("fhir_decode", &data);
                examples += 1;
            }
        }
    }
    assert!(examples >= 20, "only {examples} FHIR examples");

    let mut files = 0;
    for entry in std::fs::read_dir(fhir.join("bulk-ndjson")).expect("bulk folder") {
        let path = entry.expect("entry").path();
        let body = std::fs::read(&path).expect("ndjson");
        if body.len() > 100_000 {
            continue;
        }
        for mode in [0u8, 1] {
            let mut data = vec![mode, 7, 31, 200];
            data.extend_from_slice(&body);
            athena_tests::fuzz::run("bulk_ndjson", &data);
        }
        files += 1;
    }
    assert!(files >= 3, "only {files} NDJSON files");

    let note = std::fs::read(fhir.join("athena-subscription-notification-bundle.json"))
        .expect("notification fixture");
    let secret = b"fixture-secret";
    let mut data = vec![secret.len() as u8];
    data.extend_from_slice(secret);
    data.extend_from_slice(&[0, 1, 3]);
    data.extend_from_slice(&note);
    athena_tests::fuzz::run("webhook_verify", &data);
    let parsed = athena_subscriptions::push::parse_notification(&note).expect("athena's sample");
    assert_eq!(parsed.events.len(), 1);
}
