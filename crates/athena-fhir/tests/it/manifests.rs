//! The Bulk Data manifests in `../shared/fixtures/fhir/bulk-manifests` (the IG's post-3.0
//! examples: `outcome`, `manifestType`, `outputOrganizedBy`, `link`, `deleted`, extensions)
//! round-trip through [`Manifest`] to identical JSON, and so does each one rewritten in the
//! 1.0–3.0 shape (`error` instead of `outcome`).

use std::path::Path;

use athena_fhir::bulk::Manifest;
use serde_json::Value;

fn fixtures() -> Option<std::path::PathBuf> {
    let dir =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/fixtures/fhir/bulk-manifests");
    if dir.is_dir() {
        Some(dir)
    } else {
        eprintln!(
            "SKIP: bulk manifest fixtures not found at {}",
            dir.display()
        );
        None
    }
}

fn round_trip(name: &str, original: &Value) -> Manifest {
    let manifest: Manifest = serde_json::from_value(original.clone())
        .unwrap_or_else(|e| panic!("{name}: does not decode: {e}"));
    let again = serde_json::to_value(&manifest).expect("encode");
    assert_eq!(&again, original, "{name}: JSON changed in the round trip");
    manifest
}

#[test]
fn every_fixture_manifest_round_trips_with_outcome_and_with_error() {
    let Some(dir) = fixtures() else { return };
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("read dir")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    assert!(
        files.len() >= 3,
        "expected the IG's manifest examples in {}",
        dir.display()
    );
    let mut with_outcome = 0;
    for path in &files {
        let name = path
            .file_name()
            .expect("name")
            .to_string_lossy()
            .into_owned();
        let text = std::fs::read_to_string(path).expect("read");
        let original: Value = serde_json::from_str(&text).expect("fixture is JSON");
        let m = round_trip(&name, &original);
        assert_eq!(
            m.output.len(),
            original["output"].as_array().map_or(0, Vec::len),
            "{name}"
        );
        let outcomes = original["outcome"].as_array().map_or(0, Vec::len);
        assert_eq!(m.outcome_files().count(), outcomes, "{name}");
        if outcomes > 0 {
            with_outcome += 1;
            assert!(m.error.is_none(), "{name}");
            // The same manifest as Bulk Data 1.0–3.0 servers send it: `error`.
            let mut v1 = original.clone();
            let map = v1.as_object_mut().expect("object");
            let files = map.remove("outcome").expect("outcome");
            map.insert("error".into(), files);
            let m1 = round_trip(&format!("{name} (as `error`)"), &v1);
            assert!(m1.outcome.is_none(), "{name}");
            assert_eq!(m1.outcome_files().count(), outcomes, "{name}");
            assert_eq!(
                m1.outcome_files().map(|f| &f.url).collect::<Vec<_>>(),
                m.outcome_files().map(|f| &f.url).collect::<Vec<_>>()
            );
        }
    }
    assert!(with_outcome >= 1, "no fixture exercised `outcome`");
}
