//! De-identification recall on a hand-written, hand-annotated set (`tests/data/deid_set.txt`:
//! portal messages, dialogues, notes, faxes, forwarded mail, Spanish, lowercase, all caps).
//! Each case passes its chart identifiers (patient, date of birth, MRN, contacts, providers)
//! as a pipeline would. An annotated identifier counts as caught when every letter and digit
//! of it lies inside a span the guard replaces. Also reported: how many words that are not
//! identifiers were replaced (over-scrubbing), which the recall figure alone would hide.

use std::collections::BTreeMap;

use athena_ai::phi::{KnownIdentifiers, PhiGuard, PhiKind};
use chrono::NaiveDate;

struct Case {
    known: KnownIdentifiers,
    text: String,
    /// (start, end, kind) in `text`.
    gold: Vec<(usize, usize, String)>,
}

fn parse_chart(line: &str) -> KnownIdentifiers {
    let mut known = KnownIdentifiers::new();
    for field in line.trim_start_matches("chart:").split('|') {
        let Some((k, v)) = field.split_once('=') else {
            continue;
        };
        let v = v.trim();
        known = match k.trim() {
            "patient" => known.name(v),
            "provider" => known.provider(v),
            "dob" => known.date(NaiveDate::parse_from_str(v, "%Y-%m-%d").expect("dob")),
            "mrn" => known.id(v),
            "phone" => known.other(PhiKind::Phone, v),
            "email" => known.other(PhiKind::Email, v),
            "address" => known.other(PhiKind::Address, v),
            other => panic!("unknown chart field {other}"),
        };
    }
    known
}

/// Strips `{{KIND|text}}` markup, keeping the gold spans.
fn parse_text(marked: &str) -> (String, Vec<(usize, usize, String)>) {
    let (mut text, mut gold) = (String::new(), Vec::new());
    let mut rest = marked;
    while let Some(open) = rest.find("{{") {
        text.push_str(&rest[..open]);
        let after = &rest[open + 2..];
        let close = after.find("}}").expect("unclosed annotation");
        let (kind, value) = after[..close].split_once('|').expect("KIND|text");
        let start = text.len();
        text.push_str(value);
        gold.push((start, text.len(), kind.to_owned()));
        rest = &after[close + 2..];
    }
    text.push_str(rest);
    (text, gold)
}

fn cases(raw: &str) -> Vec<Case> {
    let mut out = Vec::new();
    for block in raw.split("\n\n") {
        let lines: Vec<&str> = block.lines().filter(|l| !l.starts_with('#')).collect();
        let Some(chart) = lines.first().filter(|l| l.starts_with("chart:")) else {
            continue;
        };
        let (text, gold) = parse_text(&lines[1..].join("\n"));
        out.push(Case {
            known: parse_chart(chart),
            text,
            gold,
        });
    }
    out
}

/// Recall and over-scrubbing of `raw` (printed), returned as (recall, other words replaced).
fn score(name: &str, raw: &str) -> (f64, f64) {
    let cases = cases(raw);
    let (mut total, mut caught) = (0usize, 0usize);
    let mut by_kind: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    let (mut other_words, mut over) = (0usize, 0usize);
    let mut missed = Vec::new();
    let mut over_words = Vec::new();
    for case in &cases {
        let spans = PhiGuard::new(case.known.clone()).spans(&case.text);
        let covered = |i: usize| spans.iter().any(|s| s.start <= i && i < s.end);
        for (s, e, kind) in &case.gold {
            let ok = case.text[*s..*e]
                .char_indices()
                .filter(|(_, c)| c.is_alphanumeric())
                .all(|(i, _)| covered(s + i));
            total += 1;
            let k = by_kind.entry(kind.clone()).or_default();
            k.0 += 1;
            if ok {
                caught += 1;
                k.1 += 1;
            } else {
                missed.push(format!("{kind}: {}", &case.text[*s..*e]));
            }
        }
        // Words outside every annotation that the guard replaced anyway.
        let mut start = None;
        for (i, c) in case.text.char_indices().chain([(case.text.len(), ' ')]) {
            if c.is_alphanumeric() {
                start.get_or_insert(i);
            } else if let Some(st) = start.take() {
                if case.gold.iter().any(|(s, e, _)| st >= *s && st < *e) {
                    continue;
                }
                other_words += 1;
                if covered(st) {
                    over += 1;
                    over_words.push(case.text[st..i].to_owned());
                }
            }
        }
    }
    let recall = caught as f64 / total as f64;
    let over_rate = over as f64 / other_words as f64;
    println!(
        "{name}: {} cases, {total} identifiers, recall with chart identifiers {:.1}% ({caught}/{total}); other words replaced {:.1}% ({over}/{other_words})",
        cases.len(),
        100.0 * recall,
        100.0 * over_rate
    );
    for (k, (n, c)) in &by_kind {
        println!("  {k}: {c}/{n}");
    }
    println!("  other words replaced: {over_words:?}");
    for m in &missed {
        println!("  missed {m}");
    }
    (recall, over_rate)
}

#[test]
fn hand_annotated_set_recall_with_chart_identifiers() {
    let raw = include_str!("../data/deid_set.txt");
    assert!(cases(raw).len() >= 50);
    let (recall, over) = score("hand-annotated de-id set", raw);
    assert!(recall >= 0.99, "recall {:.1}% below 99%", 100.0 * recall);
    assert!(over < 0.05, "over-scrubbing {:.1}%", 100.0 * over);
}

/// The second set was written after the detector work on the first. First run 95.6%
/// (86/90); three general rules were added after it (a listed first name after a relative
/// word counts in lower case; shorthand age+sex "95F" after a comma or a name; a spelled
/// "ninety six" shortly after "old"/"age"), so its figure is no longer unseen; the floor
/// catches regressions.
#[test]
fn fresh_set_recall_with_chart_identifiers() {
    let raw = include_str!("../data/deid_set_fresh.txt");
    assert!(cases(raw).len() >= 20);
    let (recall, over) = score("fresh de-id set", raw);
    assert!(
        recall >= 0.95,
        "recall {:.1}% below the 95% floor",
        100.0 * recall
    );
    assert!(over < 0.05, "over-scrubbing {:.1}%", 100.0 * over);
}
