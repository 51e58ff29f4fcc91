//! The SOAP validator on a set written blind (`tests/data/soap_blind.json`): by someone who had
//! not read the validator, before it existed in this form, and never tuned against. Eight charts,
//! sixteen clean drafts in several styles (shorthand, sentences, dictation with spelled-out
//! numbers, brand names of listed drugs) and 43 drafts with one planted hallucination each.
//!
//! A plant counts as caught when a blocking problem lands on the statement that differs from the
//! chart's first clean draft (or on the added statement). The test prints the figures and fails
//! below the targets (≥ 95 % caught, ≤ 10 % of clean drafts blocked). First run, before
//! any change made after seeing it: 41/43 caught (95.3 %), 0/16 clean drafts blocked. The two
//! misses: a statin statement citing an allergy fact, and a new drug started in the plan (a
//! warning by design, since plans do start drugs).

use athena_ai::soap::validate;
use athena_ai::soap::{Fact, SoapNote, Statement};
use serde_json::Value;

fn note(v: &Value) -> SoapNote {
    let section = |k: &str| -> Vec<Statement> {
        v[k].as_array()
            .unwrap()
            .iter()
            .map(|s| Statement {
                text: s["text"].as_str().unwrap().to_owned(),
                sources: s["sources"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|x| x.as_str().unwrap().to_owned())
                    .collect(),
            })
            .collect()
    };
    SoapNote {
        subjective: section("subjective"),
        objective: section("objective"),
        assessment: section("assessment"),
        plan: section("plan"),
    }
}

fn statements(n: &SoapNote) -> Vec<(char, usize, &str)> {
    let mut out = Vec::new();
    for (c, s) in [
        ('S', &n.subjective),
        ('O', &n.objective),
        ('A', &n.assessment),
        ('P', &n.plan),
    ] {
        for (i, st) in s.iter().enumerate() {
            out.push((c, i, st.text.as_str()));
        }
    }
    out
}

#[test]
fn blind_planted_set() {
    let cases: Vec<Value> =
        serde_json::from_str(include_str!("../data/soap_blind.json")).expect("the set parses");
    let mut clean = (0, 0);
    let mut planted = (0, 0);
    let mut missed = Vec::new();
    let mut false_alarms = Vec::new();
    let bases: std::collections::HashMap<String, SoapNote> = cases
        .iter()
        .filter(|c| c["id"].as_str().unwrap().ends_with('0'))
        .map(|c| (c["id"].as_str().unwrap()[..1].to_owned(), note(&c["note"])))
        .collect();
    for c in &cases {
        let id = c["id"].as_str().unwrap();
        let facts: Vec<Fact> = c["facts"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| Fact {
                id: f["id"].as_str().unwrap().to_owned(),
                text: f["text"].as_str().unwrap().to_owned(),
            })
            .collect();
        let n = note(&c["note"]);
        let problems = validate::validate(&n, &facts);
        let blocking: Vec<_> = problems.iter().filter(|p| p.is_blocking()).collect();
        let label = c["label"].as_str().unwrap();
        if label == "clean" {
            clean.0 += 1;
            if !blocking.is_empty() {
                clean.1 += 1;
                false_alarms.push(format!(
                    "{id}: {}",
                    blocking
                        .iter()
                        .map(|p| p.to_string())
                        .collect::<Vec<_>>()
                        .join(" | ")
                ));
            }
            continue;
        }
        planted.0 += 1;
        let base = &bases[&id[..1]];
        let base_st = statements(base);
        let changed: Vec<(char, usize)> = statements(&n)
            .into_iter()
            .filter(|(c, i, t)| {
                !base_st
                    .iter()
                    .any(|(bc, bi, bt)| bc == c && bi == i && bt == t)
            })
            .map(|(c, i, _)| (c, i))
            .collect();
        let hit = blocking
            .iter()
            .any(|p| changed.contains(&(p.section.letter(), p.statement)));
        if hit {
            planted.1 += 1;
        } else {
            missed.push(format!(
                "{id} ({label}): {}",
                problems
                    .iter()
                    .map(|p| p.to_string())
                    .collect::<Vec<_>>()
                    .join(" | ")
            ));
        }
    }
    let caught = planted.1 as f64 / planted.0 as f64;
    let flagged = clean.1 as f64 / clean.0 as f64;
    println!(
        "blind SOAP set: caught {}/{} = {:.1}%, clean drafts blocked {}/{} = {:.1}%",
        planted.1,
        planted.0,
        100.0 * caught,
        clean.1,
        clean.0,
        100.0 * flagged
    );
    for m in &missed {
        println!("  missed {m}");
    }
    for f in &false_alarms {
        println!("  false alarm {f}");
    }
    assert!(caught >= 0.95, "caught {caught:.3} < 0.95");
    assert!(flagged <= 0.10, "clean drafts blocked {flagged:.3} > 0.10");
}
