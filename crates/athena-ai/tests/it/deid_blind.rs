//! De-identification on a set written blind (`tests/data/deid_blind.json`): by someone who had
//! not read the detector and never tuned against it. Nine charts, 40 texts (portal messages,
//! dictation, ACI-Bench-style transcripts, record headers) with 128 annotated identifiers:
//! patient, guardian and provider names in every casing, dates of birth written eight ways,
//! ages over 89, record numbers with separators, phones, emails and a street address.
//!
//! An identifier counts as caught when it no longer appears, as a whole word and in any
//! casing, in the scrubbed text. The chart's identifiers are passed as every pipeline passes
//! them (patient, guardian and providers as names, date of birth, record number, phone, email,
//! address). Nicknames that appear nowhere in the chart ("Maggie", "Gracie", "Bob") are not
//! annotated: no chart-driven detector can be asked to know them. The test prints recall and
//! the clinical words lost, and fails below 99 % recall or when a clinical word is lost.
//!
//! First run, before any change made after seeing it: 125/128 (97.7 %), every name caught;
//! the three misses were dates of birth ("02-15-79", "september seventeenth", "august
//! fourth"). After two general rules (more written forms of a known date of birth; a month
//! followed by a spelled-out ordinal day): 128/128. The set is no longer unseen data.

use athena_ai::phi::{KnownIdentifiers, PhiGuard, PhiKind, Vault};
use chrono::NaiveDate;
use serde_json::Value;

fn contains_word(haystack: &str, needle: &str) -> bool {
    let h = haystack.to_lowercase();
    let n = needle.to_lowercase();
    let mut from = 0;
    while let Some(pos) = h[from..].find(&n) {
        let start = from + pos;
        let end = start + n.len();
        let before = h[..start].chars().next_back();
        let after = h[end..].chars().next();
        let boundary = |c: Option<char>| c.is_none_or(|c| !c.is_alphanumeric());
        if boundary(before) && boundary(after) {
            return true;
        }
        from = start + n.len().max(1);
    }
    false
}

#[test]
fn blind_deidentification_set() {
    let cases: Vec<Value> =
        serde_json::from_str(include_str!("../data/deid_blind.json")).expect("the set parses");
    let (mut total, mut caught, mut kept_total, mut kept) = (0, 0, 0, 0);
    let mut missed = Vec::new();
    let mut lost = Vec::new();
    for c in &cases {
        let k = &c["known"];
        let mut known = KnownIdentifiers::new().name(k["patient"].as_str().unwrap());
        if let Some(g) = k["guardian"].as_str() {
            known = known.name(g);
        }
        for p in k["providers"].as_array().unwrap() {
            known = known.provider(p.as_str().unwrap());
        }
        let dob = NaiveDate::parse_from_str(k["dob"].as_str().unwrap(), "%Y-%m-%d").unwrap();
        known = known.date(dob).id(k["mrn"].as_str().unwrap());
        if let Some(p) = k["phone"].as_str() {
            known = known.other(PhiKind::Phone, p);
        }
        if let Some(e) = k["email"].as_str() {
            known = known.other(PhiKind::Email, e);
        }
        if let Some(a) = k["address"].as_str() {
            known = known.other(PhiKind::Address, a);
        }
        let guard = PhiGuard::new(known);
        let mut vault = Vault::default();
        let text = c["text"].as_str().unwrap();
        let out = guard.scrub(text, &mut vault);
        for phi in c["phi"].as_array().unwrap() {
            let phi = phi.as_str().unwrap();
            total += 1;
            if contains_word(&out, phi) {
                missed.push(format!("{}: {phi:?} in {out:?}", c["id"]));
            } else {
                caught += 1;
            }
        }
        for word in c["keep"].as_array().unwrap() {
            let word = word.as_str().unwrap();
            kept_total += 1;
            if contains_word(&out, word) {
                kept += 1;
            } else {
                lost.push(format!("{}: {word:?} lost in {out:?}", c["id"]));
            }
        }
    }
    let recall = caught as f64 / total as f64;
    println!(
        "blind de-identification set: recall {caught}/{total} = {:.1}%, clinical words kept {kept}/{kept_total}",
        100.0 * recall
    );
    for m in &missed {
        println!("  missed {m}");
    }
    for l in &lost {
        println!("  {l}");
    }
    assert!(recall >= 0.99, "recall {recall:.3} < 0.99");
    assert!(lost.is_empty(), "clinical words lost");
}
