//! De-identification over the ACI-Bench validation dialogues (read from the shared fixtures,
//! never copied into the repo): no patient or doctor name from the metadata may survive into
//! what a non-PHI model receives.

use crate::common::csv::parse_csv;
use std::collections::HashMap;
use std::path::PathBuf;

use athena_ai::Prompt;
use athena_ai::phi::{KnownIdentifiers, PhiGuard};

fn occurrences(hay: &str, needle: &str) -> usize {
    let hay = hay.to_lowercase();
    let needle = needle.to_lowercase();
    hay.match_indices(&needle)
        .filter(|(i, _)| {
            let before = hay[..*i]
                .chars()
                .next_back()
                .is_none_or(|c| !c.is_alphanumeric());
            let after = hay[i + needle.len()..]
                .chars()
                .next()
                .is_none_or(|c| !c.is_alphanumeric());
            before && after
        })
        .count()
}

#[test]
fn no_metadata_name_survives_deidentification() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/fixtures/aci-bench");
    let (Ok(dialogues), Ok(meta)) = (
        std::fs::read_to_string(dir.join("valid.csv")),
        std::fs::read_to_string(dir.join("valid_metadata.csv")),
    ) else {
        println!("SKIP: ACI-Bench fixtures not found at {}", dir.display());
        return;
    };
    let meta = parse_csv(&meta);
    let mh = &meta[0];
    let col = |name: &str| mh.iter().position(|h| h == name).unwrap();
    let (enc, first, family, doctor) = (
        col("encounter_id"),
        col("patient_firstname"),
        col("patient_familyname"),
        col("doctor_name"),
    );
    let names: HashMap<String, Vec<String>> = meta[1..]
        .iter()
        .map(|r| {
            let ns = [first, family, doctor]
                .iter()
                .map(|&i| r[i].trim().to_owned())
                .filter(|n| n.len() >= 2)
                .collect();
            (r[enc].clone(), ns)
        })
        .collect();
    let rows = parse_csv(&dialogues);
    let (denc, ddia) = (
        rows[0].iter().position(|h| h == "encounter_id").unwrap(),
        rows[0].iter().position(|h| h == "dialogue").unwrap(),
    );

    let (mut total, mut caught_full, mut caught_detectors, mut dialogues_seen) =
        (0usize, 0usize, 0usize, 0usize);
    let mut other: std::collections::BTreeMap<&str, usize> = Default::default();
    for row in &rows[1..] {
        let Some(ns) = names.get(&row[denc]) else {
            continue;
        };
        dialogues_seen += 1;
        let text = &row[ddia];
        let mut known = KnownIdentifiers::new();
        for n in ns {
            known = known.name(n);
        }
        let (full, _) = PhiGuard::new(known)
            .deidentify(Prompt::user(text.as_str()))
            .expect("guard must not fail on a dialogue");
        let sent = &full.get().messages[0].content;
        // What else was replaced (over-scrubbing shows here: clinical words must survive).
        for s in PhiGuard::new(KnownIdentifiers::new()).spans(text) {
            let value = &text[s.start..s.end];
            if !ns
                .iter()
                .any(|n| value.to_lowercase().contains(&n.to_lowercase()))
            {
                *other.entry(s.kind.label()).or_insert(0usize) += 1;
                if std::env::var_os("ACI_SHOW_OTHER").is_some() {
                    println!("  other {}: {value}", s.kind.label());
                }
            }
        }
        let (detectors_only, _) = PhiGuard::default()
            .deidentify(Prompt::user(text.as_str()))
            .expect("guard must not fail");
        let sent_detectors = &detectors_only.get().messages[0].content;
        for n in ns {
            let before = occurrences(text, n);
            total += before;
            caught_full += before - occurrences(sent, n);
            caught_detectors += before - occurrences(sent_detectors, n).min(before);
            if std::env::var_os("ACI_SHOW_OTHER").is_some() && occurrences(sent_detectors, n) > 0 {
                let lower = sent_detectors.to_lowercase();
                let at = lower.find(&n.to_lowercase()).unwrap_or(0);
                let from = lower[..at]
                    .char_indices()
                    .rev()
                    .nth(40)
                    .map_or(0, |(i, _)| i);
                println!(
                    "  detectors missed: …{}…",
                    &sent_detectors[from..(at + n.len() + 20).min(sent_detectors.len())]
                );
            }
            assert_eq!(
                occurrences(sent, n),
                0,
                "{}: a metadata name survived",
                row[denc]
            );
        }
    }
    assert!(dialogues_seen >= 10 && total > 0);
    println!(
        "ACI-Bench de-id over {dialogues_seen} dialogues, {total} name mentions: recall with chart identifiers {:.1}%, detectors alone {:.1}%",
        100.0 * caught_full as f64 / total as f64,
        100.0 * caught_detectors as f64 / total as f64
    );
    println!("other spans replaced by the detectors (not metadata names): {other:?}");
}
