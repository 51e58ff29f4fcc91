//! Red-flag evaluation over labelled message sets (JSON lines: `id`, `text`, `expected`
//! `emergent`|`routine`, `criterion`, `lang`, `style`), run through the whole triage
//! pipeline with a model that always answers "routine", so that only the deterministic
//! layer can escalate. Each set fails when emergent recall is below 100% or routine false
//! escalation above 5%, and prints recall, the false-escalation rate, counts, recall per
//! criterion and per language, and the ids of every miss and false alarm.
//!
//! - `tests/data/triage_dev.jsonl`: the development set, written by the engineer who wrote
//!   the engine (its own examples plus the older labelled messages of
//!   `triage_messages.tsv`). It agrees with the code by construction; it is a regression
//!   net, not evidence of generalisation. After the second blind set, nine batches of new
//!   examples by class (562 messages, ids `dev-t2*`, both languages, terse/texting/caps/no
//!   punctuation/misspelt/formal/forwarded/caregiver styles, with negated, historical,
//!   hypothetical, admin and idiom look-alikes) were written by the same engineer, each
//!   before the engine was run on it. Their first runs, each on the engine as fixed after
//!   the batches before it, measure how it met wording it had not seen: batch 1 (classes of
//!   the blind misses) 21/44 emergent caught, 1/40 false alarms; batches 2–9 together
//!   191/244 (78.3%) caught and 26/234 (11.1%) false alarms (batch 9, on the final
//!   engine: 16/20 and 3/18). Every miss and false alarm was then closed by class; one
//!   false alarm is left (`dev-t2y013`, many gummy vitamins in a child, arguably a
//!   poison-control call). A triage-3 batch (46 messages, ids `dev-t3*`, 27 emergent and 19
//!   routine look-alikes, by root cause of the third blind set's failures) was run first on
//!   the engine before the triage-3 fixes: 12/27 caught, 4/19 false alarms; three more
//!   routine look-alikes written after those fixes (a blue mouth or nails from a popsicle or
//!   polish) first ran as 3/3 false alarms, and four more (a send-off from work, medicine
//!   for a take-back day, a leg heavy after a run) were written from false alarms found by
//!   probing the fixed engine. All then closed.
//! - `tests/data/triage_eval.jsonl`: 442 messages (185 emergent, 257 routine; 362 English,
//!   80 Spanish) written by someone who had not seen the code. First run, on the engine as
//!   built from the criteria and the development set, before any change made after seeing
//!   it: emergent recall 88.1% (163/185), routine false escalation 2.3% (6/257); misses
//!   b040 b055 b087 b092 b111 b112 b121 b123 b129 b142 b226 b254 b260 b265 b284 b318 b320
//!   b329 b340 b358 b412 b431, false alarms b074 b082 b135 b145 b276 b280. The failures
//!   were then fixed by rule (new synonyms, criteria and context triggers, never a phrase
//!   matching one message); after that the set passes with 100% (185/185) and 0/257, a
//!   figure that is no longer blind.

use std::collections::BTreeMap;
use std::sync::Arc;

use athena_ai::ModelAccess;
use athena_ai::audit::MemorySink;
use athena_ai::engine::Engine;
use athena_ai::phi::KnownIdentifiers;
use athena_ai::providers::scripted::ScriptedModel;
use athena_ai::triage::{self, InboxMessage, Urgency};
use serde::Deserialize;

#[derive(Deserialize)]
struct Case {
    id: String,
    text: String,
    expected: String,
    criterion: Option<String>,
    lang: Option<String>,
    style: Option<String>,
}

fn load(text: &str) -> Vec<Case> {
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .enumerate()
        .map(|(i, l)| serde_json::from_str(l).unwrap_or_else(|e| panic!("line {}: {e}", i + 1)))
        .collect()
}

#[derive(Default)]
struct Tally {
    emergent: usize,
    caught: usize,
    routine: usize,
    false_alarms: usize,
}

async fn evaluate(name: &str, cases: &[Case]) -> (f64, f64) {
    assert!(!cases.is_empty(), "{name}: empty set");
    let model = ScriptedModel::new("always-routine").with_responder(|_| {
        Ok(r#"{"urgency":"routine","category":"clinical_question","reply":"Thanks for your message; we will get back to you.","actions":["Route to care team"]}"#.to_owned())
    });
    let engine = Engine::new(
        ModelAccess::Deidentified(Arc::new(model)),
        Arc::new(MemorySink::new()),
    );
    let mut total = Tally::default();
    let mut by_criterion: BTreeMap<String, Tally> = BTreeMap::new();
    let mut by_lang: BTreeMap<String, Tally> = BTreeMap::new();
    let mut misses = Vec::new();
    let mut alarms = Vec::new();
    for c in cases {
        let msg = InboxMessage {
            subject: "Portal message".into(),
            body: c.text.clone(),
            known: KnownIdentifiers::new(),
        };
        let draft = triage::triage(&engine, &msg)
            .await
            .unwrap_or_else(|e| panic!("{}: triage failed: {e}", c.id));
        let d = draft.value();
        let escalated = d.urgency == Urgency::Emergent;
        let lang = c.lang.clone().unwrap_or_else(|| "?".into());
        let crit = c.criterion.clone().unwrap_or_else(|| "-".into());
        match c.expected.as_str() {
            "emergent" => {
                for t in [
                    &mut total,
                    by_criterion.entry(crit.clone()).or_default(),
                    by_lang.entry(lang).or_default(),
                ] {
                    t.emergent += 1;
                    t.caught += usize::from(escalated);
                }
                if escalated {
                    assert!(
                        d.reply.contains("911"),
                        "{}: emergent reply without 911",
                        c.id
                    );
                } else {
                    misses.push(format!(
                        "{} [{crit}, {}]",
                        c.id,
                        c.style.as_deref().unwrap_or("?")
                    ));
                }
            }
            "routine" => {
                for t in [&mut total, by_lang.entry(lang).or_default()] {
                    t.routine += 1;
                    t.false_alarms += usize::from(escalated);
                }
                if escalated {
                    let why: Vec<String> =
                        d.escalations.iter().map(|e| e.criterion.clone()).collect();
                    alarms.push(format!("{} {why:?}", c.id));
                }
            }
            other => panic!("{}: unknown label {other}", c.id),
        }
    }
    let pct = |a: usize, b: usize| {
        if b == 0 {
            100.0
        } else {
            100.0 * a as f64 / b as f64
        }
    };
    let recall = pct(total.caught, total.emergent);
    let false_rate = if total.routine == 0 {
        0.0
    } else {
        pct(total.false_alarms, total.routine)
    };
    println!(
        "{name}: {} messages; emergent recall {recall:.1}% ({}/{}); routine false escalation {false_rate:.1}% ({}/{})",
        cases.len(),
        total.caught,
        total.emergent,
        total.false_alarms,
        total.routine
    );
    for (lang, t) in &by_lang {
        println!(
            "  lang {lang}: recall {}/{}, false alarms {}/{}",
            t.caught, t.emergent, t.false_alarms, t.routine
        );
    }
    for (crit, t) in &by_criterion {
        println!(
            "  criterion {crit:<28} recall {:>5.1}% ({}/{})",
            pct(t.caught, t.emergent),
            t.caught,
            t.emergent
        );
    }
    println!("  misses: {misses:?}");
    println!("  false alarms: {alarms:?}");
    (recall, false_rate)
}

fn check(name: &str, (recall, false_rate): (f64, f64)) {
    assert!(
        recall >= 100.0,
        "{name}: emergent recall {recall:.1}% is below 100%"
    );
    assert!(
        false_rate <= 5.0,
        "{name}: routine false escalation {false_rate:.1}% is above 5%"
    );
}

#[tokio::test]
async fn development_set() {
    let cases = load(include_str!("../data/triage_dev.jsonl"));
    assert!(cases.len() >= 400, "{} cases", cases.len());
    check("development set", evaluate("development set", &cases).await);
}

#[tokio::test]
async fn blind_evaluation_set() {
    let cases = load(include_str!("../data/triage_eval.jsonl"));
    assert!(cases.len() >= 400, "{} cases", cases.len());
    check(
        "blind evaluation set",
        evaluate("blind evaluation set", &cases).await,
    );
}

/// A second blind set (`tests/data/triage_blind2.jsonl`: 122 messages, 61 emergent and 61
/// routine, 100 English and 22 Spanish, new wording), written by the same outside author after
/// the engine had been fixed on the first blind set, to measure how those fixes generalise.
/// First run: emergent recall 83.6% (51/61), routine false escalation 0/61; misses c036 c039
/// c050 c059 c062 c069 c072 c080 c095 c108 (ingestion by "handful"/"empty bottle", a stated
/// plan without the word suicide, "can't keep myself safe", a squeezing band with sweating,
/// Spanish DKA, nosebleed, chest weight and rigid abdomen, pregnancy bleeding in "wks").
/// After the triage-2 fixes (tuned on its misses, by class: quantity words and named drugs,
/// open or empty containers near a child, safety statements, decided plans and farewells,
/// pressure with sweating, Spanish "no paro de"/"me sale sangre"/"peso en el pecho"/"lo
/// tengo duro", flowing blood): 100% (61/61), 0/61 false escalation — a figure that is no
/// longer blind. It is held to that floor so that a regression shows.
#[tokio::test]
async fn second_blind_set() {
    let cases = load(include_str!("../data/triage_blind2.jsonl"));
    assert!(cases.len() >= 100, "{} cases", cases.len());
    let (recall, false_rate) = evaluate("second blind set", &cases).await;
    assert!(
        recall >= 100.0,
        "second blind set: recall {recall:.1}% fell"
    );
    assert!(
        false_rate <= 5.0,
        "second blind set: {false_rate:.1}% false escalation"
    );
}

/// A third blind set (`tests/data/triage_blind3.jsonl`: 80 messages, 41 emergent and 39
/// routine, 59 English and 21 Spanish), written by the same outside author after the engine
/// had been tuned on the first two. First run: emergent recall 80.5% (33/41), routine false
/// escalation 7.7% (3/39); misses d014 d017 d038 d045 d059 d063 d064 d079 (a farewell with
/// "I'm done", Spanish "arrojando sangre", "vomited a cup of bright red blood", "ya me despedí
/// … me voy a quitar la vida", Spanish fever with purple spots, a dark eye with a heavy arm,
/// blue around the mouth in an asthma attack, stockpiled opioids "to use them all"); false
/// alarms d016 d026 d055 (a 10-month-old's fever, an overdose in one's twenties, stroke rehab
/// records). After the triage-3 fixes (tuned on its misses, by class: a separated clitic in
/// "me voy a quitar la vida" and the past-tense farewell "me despedí", a quantity between
/// "vomited" and "blood" and the Spanish verbs arrojar/devolver/echar por la boca, blue around
/// the mouth or nails, vision going dark in one eye and a heavy arm, purple spots or rash with
/// fever, "I'm done" ending a sentence after a farewell, stockpiling a named drug; a symptom
/// before "but" is not what a child ate, "once in my twenties"/"sober N years" are history,
/// "rehab"/"records" are references): 100% (41/41), 0/39 false escalation — a figure that is
/// no longer blind. It is held to that floor so that a regression shows.
#[tokio::test]
async fn third_blind_set() {
    let cases = load(include_str!("../data/triage_blind3.jsonl"));
    assert!(cases.len() >= 80, "{} cases", cases.len());
    let (recall, false_rate) = evaluate("third blind set", &cases).await;
    assert!(recall >= 100.0, "third blind set: recall {recall:.1}% fell");
    assert!(
        false_rate <= 0.0,
        "third blind set: {false_rate:.1}% false escalation"
    );
}
