//! Deterministic red flags: a small clinical rule engine that forces a message to
//! `emergent` whatever the model says.
//!
//! Three layers, each built from triage criteria rather than from example messages:
//!
//! 1. **Findings** (`lexicon`): clinical concepts (chest pain, facial
//!    droop, throat closing, pregnancy, anticoagulant, …) written as small token patterns
//!    with synonyms, stems and Spanish. Words are case- and accent-folded; a typo matches
//!    only a long-enough lexicon word, within a bounded edit distance, with the same first
//!    letter, and never when the written word is itself a known word ("dropping" never
//!    becomes "drooping", "week" never "weak").
//! 2. **Context** (ConText/NegEx-style): triggers with a direction, a window and
//!    terminators decide whether a finding is negated ("I don't have chest pain" — but
//!    "no, the chest pain is worse" is not), historical ("years ago", "history of",
//!    "once in my twenties", "sober 10 years"; never a past-tense verb alone; cancelled by "now", "again", "today" unless the history is said nearer the finding),
//!    hypothetical ("if I ever", "warning signs of"), a relative's history ("my dad had a heart attack"), administrative ("bill for",
//!    "hotline volunteer"), a reference to a service ("seizure meds", "stroke clinic") or
//!    mild/chronic ("a little short of breath on the stairs").
//! 3. **Criteria**: rules that combine findings with modifiers and numbers — fever
//!    ≥ 100.4 °F / 38 °C in an infant under three months, head injury on an anticoagulant,
//!    pregnancy with bleeding or headache with vision changes, pill counts, a child's
//!    ingestion, diabetes with ketones or a meter reading "HI", sudden severe testicular
//!    pain, severe abdominal pain with a rigid belly or fever, an intake verb followed by a
//!    quantity and a drug ("swallowed a handful of my adderall"), a child found with an
//!    open or empty container, means made ready or a farewell with a final decision,
//!    pressure round the ribs with sweating, and so on.
//!
//! Every escalation names its criterion and the byte span of the evidence in the text
//! analysed, so a reviewer can see why; neither the criterion nor the span is PHI.

use std::collections::HashSet;
use std::ops::Range;
use std::sync::LazyLock;

use super::lexicon::{
    ADMIN_IMMUNE, COMMON_WORDS, Dir, FINDINGS, Kind, MILD_SENSITIVE, MODIFIER, PAST_EVENT,
    REFERENCE_IMMUNE, RELATIVES, TRIGGERS,
};
use super::text::{Punct, Token, distance, is_transposition, tokenize};

/// A red-flag class.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum RedFlag {
    /// Chest pain or pressure, heart attack.
    ChestPain,
    /// Stroke signs (BE-FAST: balance, eyes, face, arm, speech; thunderclap headache).
    Stroke,
    /// Suicidal thoughts, plans or self-harm (the writer or someone else).
    Suicidal,
    /// Thoughts of harming or killing someone else.
    Homicidal,
    /// Anaphylaxis (airway swelling, epinephrine used).
    Anaphylaxis,
    /// Severe breathing difficulty.
    Breathing,
    /// Severe bleeding, vomiting or coughing blood, bleeding on an anticoagulant.
    SevereBleeding,
    /// Fainting, seizure, unresponsiveness.
    Collapse,
    /// Obstetric emergency: bleeding, reduced fetal movement, pre-eclampsia signs, preterm labour.
    Obstetric,
    /// Signs of sepsis or meningitis; fever during chemotherapy.
    Sepsis,
    /// Fever (or low temperature) in an infant under three months.
    InfantFever,
    /// Overdose or poisoning, a child's ingestion.
    Overdose,
    /// Diabetic emergency (DKA signs, severe hypoglycaemia).
    Diabetic,
    /// Possible testicular torsion.
    Testicular,
    /// Head injury on an anticoagulant or with warning signs.
    HeadInjury,
    /// Acute abdomen.
    AcuteAbdomen,
}

/// Why a message was escalated: the criterion that fired and where its evidence is.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Escalation {
    /// The red-flag class.
    pub flag: RedFlag,
    /// The criterion id (for example `infant_fever`, `head_injury_anticoagulant`).
    pub criterion: String,
    /// Byte range of the evidence in the analysed text (from the first to the last token
    /// the criterion used).
    pub evidence: Range<usize>,
}

impl Escalation {
    /// The evidence as written in `text` (the text that was analysed), if the span fits.
    pub fn evidence_in<'a>(&self, text: &'a str) -> Option<&'a str> {
        text.get(self.evidence.clone())
    }
}

/// Lowercases, strips accents and apostrophes, turns other punctuation into spaces.
pub fn normalise(text: &str) -> Vec<String> {
    tokenize(text).into_iter().map(|t| t.norm).collect()
}

// ---------------------------------------------------------------------------------------
// Patterns

#[derive(Debug, Clone)]
enum Alt {
    Word(&'static str),
    Prefix(&'static str),
    /// An abbreviation written in capitals ("CP", "SOB", "SI").
    Upper(&'static str),
    Number,
    /// A year, 1900–2099.
    Year,
}

#[derive(Debug, Clone)]
struct Pattern {
    slots: Vec<Vec<Alt>>,
    /// `Some(window)` for any-order patterns, `None` for ordered ones.
    window: Option<usize>,
    gap: usize,
}

fn compile(p: &'static str) -> Pattern {
    let mut rest = p;
    let mut window = None;
    let mut gap = 1;
    if let Some(r) = rest.strip_prefix('~') {
        let (n, r) = r.split_once(' ').unwrap_or((r, ""));
        window = n.parse().ok();
        rest = r;
    } else if let Some(r) = rest.strip_prefix('^') {
        let (n, r) = r.split_once(' ').unwrap_or((r, ""));
        gap = n.parse().unwrap_or(1);
        rest = r;
    }
    let slots = rest
        .split(' ')
        // An optional slot ("to?") is left to the filler allowance.
        .filter(|s| !s.is_empty() && !s.ends_with('?'))
        .map(|slot| {
            slot.split('|')
                .filter(|a| !a.is_empty())
                .map(|a| {
                    if a == "#year" {
                        Alt::Year
                    } else if a == "#" {
                        Alt::Number
                    } else if let Some(abbr) = a.strip_prefix('=') {
                        Alt::Upper(abbr)
                    } else if let Some(stem) = a.strip_suffix('*') {
                        Alt::Prefix(stem)
                    } else {
                        Alt::Word(a)
                    }
                })
                .collect()
        })
        .collect();
    Pattern { slots, window, gap }
}

struct Compiled {
    findings: Vec<(&'static str, u8, Vec<Pattern>)>,
    triggers: Vec<(Kind, Dir, usize, Vec<Pattern>)>,
    excludes: Vec<Pattern>,
    known: HashSet<&'static str>,
}

/// Compound words in which "blood" or "chest" is not a symptom.
const EXCLUDES: &[&str] = &[
    "blood|sangre work|test|tests|testing|pressure|pressures|presure|sugar|sugars|draw|drawn|count|counts|type|donation|donor|donate|glucose|level|levels|panel|panels|results|bank|cells|cell|thinner|thinners|thiner|orange|oxygen|pressure",
    "sangre de cordon|tipo",
    // Hyperbole: "my husband is going to kill me for missing it", "me va a matar si no llego".
    "^3 going|gonna|va kill|matar me|him|her|us|my|mi|a for|if|si|por|cuando",
    // A cold: "chest tight when I have a cold", "pecho apretado cuando tengo gripa".
    "~8 chest|pecho cold|flu|gripa|gripe|resfriado|resfrio|catarro|coughing|toser|tos",
    // Stools darkened by iron, bismuth or berries.
    "~8 black|negra|negro|negras|negros|dark stool|stools|poop|popo|heces|caca iron|hierro|pepto|bismuth|bismuto|blueberries|arandanos",
    // Dyeing hair, not dying: "want to die my hair red".
    "die|dye|dying|dyeing my|his|her|the? hair",
    // Letters received and prescriptions ready at the pharmacy.
    "^2 got|received|recibi|recibio|mailed|sent letter|carta|note|notice",
    "~6 pills|pastillas|meds|medicine|prescription|prescriptions|receta|medicinas ready|listas|lista|listo|listos pickup|pick|recoger|pharmacy|farmacia",
    // A finished course, not an overdose: "me tomé todas las pastillas del antibiótico".
    "^3 todas|todos|all|whole|entire|rest|resto pastillas|pills|meds|medicine|tablets|course|tratamiento del|de|of the? antibiotico|antibioticos|antibiotic|antibiotics|prednisone|prednisona|steroids|esteroides|taper|course|tratamiento",
    "^2 all|whole|entire|rest|todas|todos|resto of|de my|his|her|the|mis|sus|el|la|los|las? antibiotico|antibioticos|antibiotic|antibiotics|prednisone|prednisona|steroids|taper|course|tratamiento|amoxicillin|amoxicilina|augmentin|azithromycin|zpack|keflex|cephalexin|doxycycline|cipro|penicillin|penicilina",
    // A finished course or a drink of water: "finished the whole bottle", "frasco de agua".
    "finished|finish|termine|terminamos|completed|complete the|el? whole|entire|todo|toda bottle|frasco|course|tratamiento",
    "^3 bottle|frasco|botella of|de water|agua|juice|jugo|soda|milk|leche|gatorade|electrolitos",
    "chest xray|xrays|congestion|congested|cold|infection|cough|mucus|phlegm|rash|hair|tattoo|ct|scan|tube|binder",
    "chest x ray|rays",
    "analisis|examen|prueba de sangre",
    "food poisoning|intoxication",
    "^2 breathe|breath|breathing|respirar through|thru|from|out|por|in|with nose|nariz|nostril|nostrils",
    "intoxicacion alimentaria",
    "moving|moved|move|mueve her|his|their|its|the|sus? bowels|bowel|poop|stool|stools|intestinos|arm|arms|leg|legs|head|neck|eyes|hand|hands",
    // Blue from a colour, not from want of air: "painted her nails blue", "mouth is blue
    // from the popsicle".
    "~6 nails|fingernails|lips|mouth|tongue|unas|labios|boca|lengua polish|painted|paint|esmalte|pintadas|pintados|pinto|lipstick|popsicle|paleta|candy|dulce|marker|crayon|dye|tinte|gatorade|slushie|raspberry",
];

static COMPILED: LazyLock<Compiled> = LazyLock::new(|| {
    let findings: Vec<_> = FINDINGS
        .iter()
        .map(|(id, flags, ps)| (*id, *flags, ps.iter().map(|p| compile(p)).collect()))
        .collect();
    let triggers: Vec<_> = TRIGGERS
        .iter()
        .map(|(k, d, w, ps)| (*k, *d, *w, ps.iter().map(|p| compile(p)).collect()))
        .collect();
    let mut known: HashSet<&'static str> = COMMON_WORDS.iter().copied().collect();
    for (_, _, ps) in &findings {
        for p in ps {
            add_words(p, &mut known);
        }
    }
    for (_, _, _, ps) in &triggers {
        for p in ps {
            add_words(p, &mut known);
        }
    }
    known.extend(RELATIVES.iter().copied());
    known.extend(PAST_EVENT.iter().copied());
    Compiled {
        findings,
        triggers,
        excludes: EXCLUDES.iter().map(|p| compile(p)).collect(),
        known,
    }
});

fn add_words(p: &Pattern, known: &mut HashSet<&'static str>) {
    for slot in &p.slots {
        for a in slot {
            if let Alt::Word(w) = a {
                known.insert(w);
            }
        }
    }
}

/// A typo of `word`: long enough, same first letter (or two letters swapped), and a
/// small edit distance (a 4-letter word only tolerates a swap).
/// A Spanish spelling-by-sound key: b/v, c(e,i)/s/z, ll/y, qu/k, silent h and x for
/// "ch" are the same ("bomitando" is "vomitando", "serrando" is "cerrando", "pastiyas" is
/// "pastillas", "muxo" is "mucho").
fn sound_key(w: &str) -> String {
    let b = w.as_bytes();
    let mut out = String::with_capacity(w.len());
    let mut i = 0;
    while i < b.len() {
        let next = b.get(i + 1).copied();
        match (b[i], next) {
            (b'l', Some(b'l')) => {
                out.push('y');
                i += 1;
            }
            (b'q', Some(b'u')) => {
                out.push('k');
                i += 1;
            }
            (b'c', Some(b'h')) => {
                out.push('x');
                i += 1;
            }
            (b'c', Some(b'e' | b'i')) | (b'z', _) => out.push('s'),
            (b'v', _) => out.push('b'),
            (b'h', _) => {}
            (c, _) => out.push(c as char),
        }
        i += 1;
    }
    out
}

fn typo_of(tok: &str, word: &str) -> bool {
    if word.len() >= 5
        && tok.len().abs_diff(word.len()) <= 1
        && tok.is_ascii()
        && sound_key(tok) == sound_key(word)
    {
        return true;
    }
    if tok.len().abs_diff(word.len()) > 2
        || (tok.as_bytes().first() != word.as_bytes().first() && tok.len() != word.len())
    {
        return false;
    }
    let n = word.chars().count();
    if n < 4 || tok.chars().any(|c| c.is_ascii_digit()) {
        return false;
    }
    if is_transposition(tok, word) {
        return true;
    }
    if n < 5 || tok.chars().next() != word.chars().next() {
        return false;
    }
    let allowed = if n >= 10 { 2 } else { 1 };
    tok.chars().count() >= 4 && distance(tok, word, allowed) <= allowed
}

fn alt_matches(tok: &Token, alt: &Alt, fuzzy: bool, known: &HashSet<&'static str>) -> bool {
    let t = tok.norm.as_str();
    match alt {
        Alt::Number => tok.number().is_some(),
        Alt::Year => t.len() == 4 && tok.number().is_some_and(|y| (1900.0..2100.0).contains(&y)),
        Alt::Upper(w) => tok.upper && t == *w,
        Alt::Word(w) => t == *w || (fuzzy && !known.contains(t) && typo_of(t, w)),
        Alt::Prefix(p) => {
            if t.starts_with(p) {
                return true;
            }
            if !fuzzy || known.contains(t) || p.chars().count() < 5 {
                return false;
            }
            let chars: Vec<char> = t.chars().collect();
            let n = p.chars().count();
            if t.is_ascii() && sound_key(t).starts_with(&sound_key(p)) {
                return true;
            }
            (n.saturating_sub(1)..=n + 1).any(|k| {
                k <= chars.len() && {
                    let head: String = chars[..k].iter().collect();
                    typo_of(&head, p) && distance(&head, p, 1) <= 1
                }
            })
        }
    }
}

fn slot_matches(tok: &Token, slot: &[Alt], fuzzy: bool, known: &HashSet<&'static str>) -> bool {
    slot.iter().any(|a| alt_matches(tok, a, fuzzy, known))
}

/// All matches of `p` in `toks` as token ranges, none crossing a sentence.
fn find(
    p: &Pattern,
    toks: &[Token],
    fuzzy: bool,
    known: &HashSet<&'static str>,
) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    if p.slots.is_empty() {
        return out;
    }
    let m = |i: usize, s: usize| slot_matches(&toks[i], &p.slots[s], fuzzy, known);
    for start in 0..toks.len() {
        if !m(start, 0) {
            continue;
        }
        let sent = toks[start].sentence;
        match p.window {
            None => {
                // Ordered, up to `gap` fillers between consecutive slots.
                let mut at = start;
                let mut ok = true;
                for s in 1..p.slots.len() {
                    let next = (at + 1..=at + 1 + p.gap)
                        .take_while(|&j| j < toks.len() && toks[j].sentence == sent)
                        .find(|&j| m(j, s));
                    match next {
                        Some(j) => at = j,
                        None => {
                            ok = false;
                            break;
                        }
                    }
                }
                if ok {
                    out.push(start..at + 1);
                }
            }
            Some(w) => {
                let lo = start.saturating_sub(w);
                let hi = (start + w).min(toks.len().saturating_sub(1));
                let mut used = vec![start];
                let mut ok = true;
                // No clause break between the two tokens.
                let same_clause = |a: usize, b: usize| {
                    let (a, b) = (a.min(b), a.max(b));
                    (a..b).all(|k| toks[k].punct != Punct::Comma)
                };
                for s in 1..p.slots.len() {
                    let hit = (lo..=hi)
                        .filter(|j| {
                            !used.contains(j)
                                && toks[*j].sentence == sent
                                && same_clause(start, *j)
                                && m(*j, s)
                        })
                        .min_by_key(|j| j.abs_diff(start));
                    match hit {
                        Some(j) => used.push(j),
                        None => {
                            ok = false;
                            break;
                        }
                    }
                }
                if ok {
                    let a = used.iter().copied().min().unwrap_or(start);
                    let b = used.iter().copied().max().unwrap_or(start);
                    out.push(a..b + 1);
                }
            }
        }
    }
    out
}

// ---------------------------------------------------------------------------------------
// Context

#[derive(Debug, Clone)]
struct Trig {
    kind: Kind,
    dir: Dir,
    window: usize,
    span: Range<usize>,
}

fn overlaps(a: &Range<usize>, b: &Range<usize>) -> bool {
    a.start < b.end && b.start < a.end
}

fn triggers(toks: &[Token], c: &Compiled) -> Vec<Trig> {
    let mut all = Vec::new();
    for (kind, dir, window, ps) in &c.triggers {
        for p in ps {
            for span in find(p, toks, false, &c.known) {
                all.push(Trig {
                    kind: *kind,
                    dir: *dir,
                    window: *window,
                    span,
                });
            }
        }
    }
    let pseudo: Vec<Range<usize>> = all
        .iter()
        .filter(|t| t.kind == Kind::Pseudo)
        .map(|t| t.span.clone())
        .collect();
    all.retain(|t| {
        if t.kind == Kind::Pseudo {
            return false;
        }
        if matches!(
            t.kind,
            Kind::Negation | Kind::Hypothetical | Kind::Historical
        ) && pseudo
            .iter()
            .any(|p| t.span.start >= p.start && t.span.start < p.end)
        {
            return false;
        }
        // "No, the pain is worse" / "Sí, ..." : an interjection, not a negation.
        if t.kind == Kind::Negation
            && t.dir == Dir::Pre
            && t.span.len() == 1
            && matches!(toks[t.span.start].norm.as_str(), "no")
            && toks[t.span.start].punct != Punct::None
        {
            return false;
        }
        // A post-negation "no" only as a bare answer ("chest pain? no.").
        if t.kind == Kind::Negation
            && t.dir == Dir::Post
            && t.span.len() == 1
            && toks[t.span.start].norm == "no"
            && toks[t.span.start].punct == Punct::None
            && t.span.start + 1 < toks.len()
        {
            return false;
        }
        if t.kind == Kind::Hypothetical
            && t.span.len() == 1
            && toks[t.span.start].norm == "si"
            && toks[t.span.start].punct != Punct::None
        {
            return false;
        }
        true
    });
    all
}

const LIST_WORDS: &[&str] = &["or", "nor", "ni", "o", "and"];

/// Whether the trigger reaches the finding: same sentence, within its window, no
/// terminator between them, and (for negation, hypotheticals, mild and current) no clause
/// break unless the finding sits in a list ("no fever, chills, or chest pain").
fn in_scope(t: &Trig, f: &Range<usize>, toks: &[Token], terms: &[Range<usize>]) -> bool {
    if overlaps(&t.span, f) {
        return false;
    }
    let (ts, fs) = (toks[t.span.start].sentence, toks[f.start].sentence);
    if ts != fs {
        // "Chest pain? No." — a one- or two-word answer to a question about the finding.
        let answer = ts == fs + 1
            && t.kind == Kind::Negation
            && t.dir != Dir::Pre
            && toks[f.end - 1..]
                .iter()
                .take_while(|x| x.sentence == fs)
                .last()
                .is_some_and(|x| x.question)
            && t.span.start > 0
            && toks[t.span.start - 1].sentence == fs
            && toks.iter().filter(|x| x.sentence == ts).count() <= 2;
        return answer;
    }
    let (from, to) = if t.span.end <= f.start {
        if t.dir == Dir::Post {
            return false;
        }
        (t.span.end, f.start)
    } else if f.end <= t.span.start {
        if t.dir == Dir::Pre {
            return false;
        }
        (f.end, t.span.start)
    } else {
        return false;
    };
    if to - from > t.window {
        return false;
    }
    if terms
        .iter()
        .any(|r| r.start >= from && r.end <= to && !overlaps(r, &t.span))
    {
        return false;
    }
    if matches!(
        t.kind,
        Kind::Negation | Kind::Hypothetical | Kind::Mild | Kind::Current | Kind::Reference
    ) {
        // A comma between them ends the clause, unless what follows the last comma is a
        // list continuation.
        let lo = from.saturating_sub(1);
        let commas: Vec<usize> = (lo..to)
            .filter(|&i| toks[i].punct == Punct::Comma)
            .collect();
        if let Some(&last) = commas.last().filter(|_| to > from) {
            let list = (last + 1..to).any(|i| LIST_WORDS.contains(&toks[i].norm.as_str()))
                || (t.span.end <= f.start
                    && (last + 1..f.start).is_empty()
                    && t.kind == Kind::Negation);
            if !(list && t.kind == Kind::Negation) {
                return false;
            }
        }
    }
    true
}

#[derive(Debug, Clone)]
struct Hit {
    id: &'static str,
    span: Range<usize>,
}

fn family_history(f: &Range<usize>, toks: &[Token]) -> bool {
    let sent = toks[f.start].sentence;
    let lo = f.start.saturating_sub(10);
    let before: Vec<&str> = (lo..f.start)
        .filter(|&i| toks[i].sentence == sent)
        .map(|i| toks[i].norm.as_str())
        .collect();
    let rel = before.iter().position(|w| RELATIVES.contains(w));
    let past = before.iter().rposition(|w| PAST_EVENT.contains(w));
    let family_history_words = before
        .windows(2)
        .any(|w| matches!(w, ["family", "history"] | ["runs", "in"]));
    // "had" alone is ambiguous ("my mom had chest pain and passed out" is now); it makes a
    // history only with an age ("at 50", "a los 60") in the sentence.
    let sentence: Vec<&Token> = toks.iter().filter(|t| t.sentence == sent).collect();
    let aged = sentence.windows(2).any(|w| {
        matches!(w[0].norm.as_str(), "at" | "age" | "los" | "aged") && w[1].number().is_some()
    });
    let is_past = |p: usize| !matches!(before[p], "had" | "suffered" | "tuvo" | "sufrio") || aged;
    family_history_words || matches!((rel, past), (Some(r), Some(p)) if r < p && is_past(p))
}

/// Context decisions for one text: which finding spans survive their context.
struct Context<'a> {
    toks: &'a [Token],
    trigs: Vec<Trig>,
    terms: Vec<Range<usize>>,
    /// Every finding's matches before context: (index in `findings`, span).
    raw: Vec<(usize, Range<usize>)>,
}

impl Context<'_> {
    fn new<'a>(toks: &'a [Token], c: &Compiled) -> Context<'a> {
        let mut trigs = triggers(toks, c);
        // A negation word that is part of a finding ("ya no voy a necesitar más citas", "no
        // puedo respirar") is used up by it and negates nothing else.
        let raw: Vec<(usize, Range<usize>)> = c
            .findings
            .iter()
            .enumerate()
            .flat_map(|(k, (_, _, ps))| ps.iter().map(move |p| (k, p)))
            .flat_map(|(k, p)| {
                find(p, toks, true, &c.known)
                    .into_iter()
                    .map(move |r| (k, r))
            })
            .collect();
        trigs.retain(|t| {
            t.kind != Kind::Negation
                || !raw.iter().any(|(_, r)| {
                    r.start <= t.span.start && t.span.end <= r.end && r.len() > t.span.len()
                })
        });
        let terms = trigs
            .iter()
            .filter(|t| t.kind == Kind::Terminator)
            .map(|t| t.span.clone())
            .collect();
        Context {
            toks,
            trigs,
            terms,
            raw,
        }
    }

    /// Whether a finding at `span` with `flags` stands in its context.
    fn keeps(&self, span: &Range<usize>, flags: u8) -> bool {
        let modifier = flags & MODIFIER != 0;
        let has = |k: Kind| {
            self.trigs
                .iter()
                .any(|t| t.kind == k && in_scope(t, span, self.toks, &self.terms))
        };
        if has(Kind::Negation) || has(Kind::Hypothetical) {
            return false;
        }
        // "Now" cancels a history, unless the history is said closer to the finding ("sugar
        // was 550 last month before I started insulin, now 130s").
        let nearest = |k: Kind| {
            self.trigs
                .iter()
                .filter(|t| t.kind == k && in_scope(t, span, self.toks, &self.terms))
                .map(|t| {
                    if t.span.end <= span.start {
                        span.start - t.span.end
                    } else {
                        t.span.start.saturating_sub(span.end)
                    }
                })
                .min()
        };
        let current = match (nearest(Kind::Current), nearest(Kind::Historical)) {
            (Some(c), Some(h)) => c <= h,
            (c, _) => c.is_some(),
        };
        if (has(Kind::Historical) || (!modifier && family_history(span, self.toks))) && !current {
            return false;
        }
        if !modifier {
            if flags & (ADMIN_IMMUNE | REFERENCE_IMMUNE) == 0 && has(Kind::Reference) {
                return false;
            }
            if flags & ADMIN_IMMUNE == 0 && has(Kind::Admin) && !current {
                return false;
            }
            if flags & MILD_SENSITIVE != 0 && has(Kind::Mild) {
                return false;
            }
        }
        true
    }
}

fn active_findings(toks: &[Token], c: &Compiled, cx: &Context<'_>) -> Vec<Hit> {
    let excluded: Vec<Range<usize>> = c
        .excludes
        .iter()
        .flat_map(|p| find(p, toks, false, &c.known))
        .collect();
    let mut hits = Vec::new();
    for (k, span) in &cx.raw {
        let (id, flags, _) = &c.findings[*k];
        let span = span.clone();
        {
            {
                if matches!(
                    *id,
                    "bleeding_severe"
                        | "bleeding_any"
                        | "vomit_blood"
                        | "chest_pain"
                        | "fetal_movement"
                        | "overdose_named"
                        | "breathing_distress"
                        | "quantity_all"
                        | "homicidal"
                        | "si_self"
                        | "si_method"
                        | "breathing_blue"
                ) && excluded.iter().any(|e| overlaps(e, &span))
                {
                    continue;
                }
                if cx.keeps(&span, *flags) {
                    hits.push(Hit { id, span });
                }
            }
        }
    }
    hits
}

// ---------------------------------------------------------------------------------------
// Numbers

fn near(toks: &[Token], i: usize, before: usize, after: usize, words: &[&str]) -> bool {
    let sent = toks[i].sentence;
    (i.saturating_sub(before)..(i + after + 1).min(toks.len()))
        .filter(|&j| j != i && toks[j].sentence == sent)
        .any(|j| {
            let w = toks[j].norm.as_str();
            words.iter().any(|k| match k.strip_suffix('*') {
                Some(p) => w.starts_with(p),
                None => w == *k,
            })
        })
}

const TEMP_WORDS: &[&str] = &[
    "fever",
    "fevers",
    "temp",
    "temperature",
    "temperatura",
    "fiebre",
    "febrile",
    "calentura",
    "thermometer",
    "termometro",
    "rectal",
    "rectally",
    "armpit",
    "axillary",
    "oral",
    "ear",
    "forehead",
    "degrees",
    "grados",
    "tmax",
];

/// Temperatures in °F (Celsius converted), with the token index.
fn temperatures(toks: &[Token]) -> Vec<(usize, f64)> {
    let mut out = Vec::new();
    for (i, t) in toks.iter().enumerate() {
        let Some(v) = t.number() else { continue };
        if t.norm.contains('/') {
            continue;
        }
        let suffix = t.unit_suffix();
        let next = toks.get(i + 1).map(|n| n.norm.as_str()).unwrap_or("");
        let f_unit = matches!(suffix, "f" | "of") || matches!(next, "f" | "fahrenheit");
        let c_unit =
            matches!(suffix, "c" | "oc") || matches!(next, "c" | "celsius" | "centigrados");
        // A decimal in a body-temperature range is a temperature unless a weight unit
        // follows ("38.4", "100.8"; not "38.4 lbs").
        let decimal = t.norm.contains('.')
            && !matches!(
                next,
                "lb" | "lbs" | "kg" | "pounds" | "kilos" | "oz" | "libras" | "mg" | "ml"
            );
        let ctx = near(toks, i, 4, 2, TEMP_WORDS) || decimal;
        if (95.0..=110.0).contains(&v) && (f_unit || ctx) && suffix.is_empty() | f_unit {
            out.push((i, v));
        } else if (34.0..=43.0).contains(&v) && (c_unit || ctx) && (suffix.is_empty() || c_unit) {
            out.push((i, v * 9.0 / 5.0 + 32.0));
        }
    }
    out
}

const AGE_UNITS_DAYS: &[(&str, f64)] = &[
    ("day", 1.0),
    ("days", 1.0),
    ("d", 1.0),
    ("dias", 1.0),
    ("dia", 1.0),
    ("week", 7.0),
    ("weeks", 7.0),
    ("wk", 7.0),
    ("wks", 7.0),
    ("w", 7.0),
    ("wo", 7.0),
    ("semana", 7.0),
    ("semanas", 7.0),
    ("sem", 7.0),
    ("month", 30.4),
    ("months", 30.4),
    ("mo", 30.4),
    ("mos", 30.4),
    ("mth", 30.4),
    ("mths", 30.4),
    ("m", 30.4),
    ("mes", 30.4),
    ("meses", 30.4),
];

const AGE_LEAD: &[&str] = &[
    "baby",
    "babys",
    "infant",
    "newborn",
    "son",
    "daughter",
    "bebe",
    "bebita",
    "bebito",
    "hijo",
    "hija",
    "nino",
    "nina",
    "is",
    "hes",
    "shes",
    "de",
    "tiene",
    "just",
    "only",
    "turned",
    "born",
    "grandson",
    "granddaughter",
    "boy",
    "girl",
    "nieto",
    "nieta",
    "lo",
    "la",
    "apenas",
    "was",
];

/// Ages in days written in the text ("2 week old", "6wks", "mi bebé de 2 meses",
/// "born 10 days ago"), with the token index.
fn ages_in_days(toks: &[Token]) -> Vec<(usize, f64)> {
    let mut out = Vec::new();
    for (i, t) in toks.iter().enumerate() {
        let Some(v) = t.number() else { continue };
        if !(0.0..=400.0).contains(&v) {
            continue;
        }
        let suffix = t.unit_suffix();
        let (unit, after) = if !suffix.is_empty() {
            (suffix.trim_end_matches("old").trim_end_matches('o'), i + 1)
        } else {
            match toks.get(i + 1) {
                Some(n) => (n.norm.as_str(), i + 2),
                None => continue,
            }
        };
        let unit = if suffix == "wo" || suffix == "mo" {
            suffix
        } else {
            unit
        };
        let Some((_, per)) = AGE_UNITS_DAYS.iter().find(|(u, _)| *u == unit) else {
            continue;
        };
        let old = toks.get(after).is_some_and(|n| {
            matches!(n.norm.as_str(), "old" | "o" | "viejo" | "vieja" | "de")
                || (n.norm == "ago" && near(toks, i, 3, 0, &["born", "birth", "nacio", "nacido"]))
        }) || matches!(suffix, "wo" | "mo" | "do");
        let lead = (i.saturating_sub(3)..i)
            .any(|j| AGE_LEAD.contains(&toks[j].norm.as_str()) && toks[j].sentence == t.sentence)
            && !near(
                toks,
                i,
                2,
                0,
                &[
                    "for", "since", "por", "durante", "desde", "hace", "last", "past", "every",
                    "cada",
                ],
            );
        if old || lead {
            out.push((i, v * per));
        }
    }
    out
}

const GLUCOSE_WORDS: &[&str] = &[
    "sugar",
    "sugars",
    "glucose",
    "bg",
    "bs",
    "azucar",
    "glucosa",
    "meter",
    "glucometer",
    "glucometro",
    "cgm",
    "dexcom",
    "libre",
    "reading",
    "readings",
    "mg/dl",
    "glycemia",
    "glicemia",
];

/// Glucose readings (mg/dL) with their token index; "HI" on a meter counts as 600.
fn glucose(toks: &[Token]) -> Vec<(usize, f64)> {
    let mut out = Vec::new();
    for (i, t) in toks.iter().enumerate() {
        if t.norm == "hi" && t.upper && near(toks, i, 6, 3, GLUCOSE_WORDS) {
            out.push((i, 600.0));
            continue;
        }
        if t.norm == "hi"
            && near(
                toks,
                i,
                2,
                0,
                &[
                    "says", "reads", "reading", "shows", "showing", "read", "said", "dice", "marca",
                ],
            )
            && near(toks, i, 6, 0, GLUCOSE_WORDS)
        {
            out.push((i, 600.0));
            continue;
        }
        let Some(v) = t.number() else { continue };
        if t.norm.contains('/') || !(20.0..=1500.0).contains(&v) {
            continue;
        }
        if near(toks, i, 5, 0, GLUCOSE_WORDS)
            || matches!(t.unit_suffix(), "mg/dl" | "s") && near(toks, i, 6, 0, GLUCOSE_WORDS)
            || toks.get(i + 1).is_some_and(|n| n.norm == "mg/dl")
        {
            out.push((i, v));
        }
    }
    out
}

/// Blood pressures (systolic, diastolic) with their token index.
fn blood_pressures(toks: &[Token]) -> Vec<(usize, f64, f64)> {
    toks.iter()
        .enumerate()
        .filter_map(|(i, t)| {
            let (a, b) = t.norm.split_once('/')?;
            let (s, d) = (a.parse::<f64>().ok()?, b.parse::<f64>().ok()?);
            ((70.0..=300.0).contains(&s) && (30.0..=200.0).contains(&d) && s > d)
                .then_some((i, s, d))
        })
        .collect()
}

const PILL_WORDS: &[&str] = &[
    "pill",
    "pills",
    "tablet",
    "tablets",
    "tabs",
    "tab",
    "capsule",
    "capsules",
    "caps",
    "of",
    "pastillas",
    "pastilla",
    "pildoras",
    "tabletas",
    "meds",
    "gummies",
    "xanax",
    "tylenol",
    "advil",
    "ibuprofen",
    "benadryl",
    "aspirin",
    "vicodin",
    "percocet",
    "oxy",
    "ambien",
    "melatonin",
    "de",
    "sleeping",
    "extra",
    "acetaminophen",
    "motrin",
    "aleve",
    "valium",
    "klonopin",
    "ativan",
    "adderall",
    "seroquel",
    "trazodone",
];

const TAKE_VERBS: &[&str] = &[
    "took",
    "taken",
    "take",
    "taking",
    "swallowed",
    "ate",
    "downed",
    "popped",
    "tomo",
    "tome",
    "trago",
    "ingested",
    "tomado",
    "tomaron",
    "comio",
];

/// Large pill counts ("took 20 pills", "swallowed like fifteen of my xanax").
fn pill_counts(toks: &[Token]) -> Vec<(usize, f64)> {
    let mut out = Vec::new();
    for (i, t) in toks.iter().enumerate() {
        if !TAKE_VERBS.contains(&t.norm.as_str()) {
            continue;
        }
        for j in i + 1..(i + 5).min(toks.len()) {
            if toks[j].sentence != t.sentence {
                break;
            }
            let Some(v) = toks[j].number() else { continue };
            if !toks[j].unit_suffix().is_empty() || v < 8.0 || toks[j].norm.contains('/') {
                break;
            }
            let after = (j + 1..(j + 4).min(toks.len()))
                .any(|k| PILL_WORDS.contains(&toks[k].norm.as_str()));
            if after {
                out.push((j, v));
            }
            break;
        }
        // Doses that add up: "took 2 sleeping pills then 4 more then like 6 more".
        let counted: Vec<(usize, f64)> = (i + 1..(i + 20).min(toks.len()))
            .take_while(|&j| toks[j].sentence == t.sentence)
            .filter_map(|j| {
                let v = toks[j].number()?;
                let next = toks.get(j + 1)?.norm.as_str();
                (toks[j].unit_suffix().is_empty()
                    && !toks[j].norm.contains('/')
                    && (PILL_WORDS.contains(&next) || matches!(next, "more" | "mas" | "otras")))
                .then_some((j, v))
            })
            .collect();
        let total: f64 = counted.iter().map(|(_, v)| v).sum();
        if counted.len() >= 2 && total >= 8.0 {
            out.push((counted[0].0, total));
        }
    }
    out
}

/// Weeks of pregnancy written as "32 weeks pregnant", "at 30 wks", "28 semanas".
fn gestation_weeks(toks: &[Token], pregnant: bool) -> Vec<(usize, f64)> {
    toks.iter()
        .enumerate()
        .filter_map(|(i, t)| {
            let v = t.number()?;
            let unit = if t.unit_suffix().is_empty() {
                toks.get(i + 1)?.norm.as_str()
            } else {
                t.unit_suffix()
            };
            let weeks = matches!(unit, "weeks" | "wks" | "wk" | "w" | "semanas");
            let preg = pregnant
                || near(
                    toks,
                    i,
                    4,
                    4,
                    &[
                        "pregnant",
                        "along",
                        "embarazada",
                        "embarazo",
                        "gestation",
                        "pregnancy",
                        "de",
                    ],
                );
            (weeks && preg && (4.0..=43.0).contains(&v)).then_some((i, v))
        })
        .collect()
}

// ---------------------------------------------------------------------------------------
// Criteria

struct Facts<'a> {
    toks: &'a [Token],
    hits: Vec<Hit>,
}

impl Facts<'_> {
    fn get(&self, id: &str) -> Option<Range<usize>> {
        self.hits
            .iter()
            .find(|h| h.id == id)
            .map(|h| h.span.clone())
    }
    fn any(&self, ids: &[&str]) -> Option<Range<usize>> {
        ids.iter().find_map(|id| self.get(id))
    }
    /// A hit of `id` in the same sentence as token `at`.
    fn in_sentence(&self, id: &str, at: usize) -> Option<Range<usize>> {
        let s = self.toks[at].sentence;
        self.hits
            .iter()
            .find(|h| h.id == id && self.toks[h.span.start].sentence == s)
            .map(|h| h.span.clone())
    }
    /// A hit of `a` and a hit of `b` in the same sentence.
    fn together(&self, a: &str, b: &[&str]) -> Option<Range<usize>> {
        self.hits.iter().filter(|h| h.id == a).find_map(|h| {
            b.iter()
                .find_map(|id| self.in_sentence(id, h.span.start))
                .map(|r| join(&h.span, &r))
        })
    }
}

fn join(a: &Range<usize>, b: &Range<usize>) -> Range<usize> {
    a.start.min(b.start)..a.end.max(b.end)
}

fn tok_span(i: usize) -> Range<usize> {
    i..i + 1
}

/// Every escalation in `text`, in criterion order (one per criterion).
pub fn assess(text: &str) -> Vec<Escalation> {
    let c = &*COMPILED;
    let toks = tokenize(text);
    if toks.is_empty() {
        return Vec::new();
    }
    let cx = Context::new(&toks, c);
    let f = Facts {
        toks: &toks,
        hits: active_findings(&toks, c, &cx),
    };
    let mut out: Vec<(RedFlag, &'static str, Range<usize>)> = Vec::new();
    let mut fire = |flag: RedFlag, id: &'static str, span: Option<Range<usize>>| {
        if let Some(s) = span
            && !out.iter().any(|(_, i, _)| *i == id)
        {
            out.push((flag, id, s));
        }
    };

    // Cardiac, breathing, collapse.
    fire(RedFlag::ChestPain, "chest_pain", f.get("chest_pain"));
    // Pressure round the ribs or "sitting on me" with sweating, faintness or breathlessness.
    fire(
        RedFlag::ChestPain,
        "chest_pressure_companion",
        f.get("torso_pressure").and_then(|t| {
            f.any(&["diaphoresis", "presyncope", "breathing_distress"])
                .map(|x| join(&t, &x))
        }),
    );
    fire(RedFlag::Collapse, "cardiac_arrest", f.get("cardiac_arrest"));
    fire(
        RedFlag::Breathing,
        "breathing_distress",
        f.any(&["breathing_blue", "breathing_distress"]),
    );
    fire(RedFlag::Collapse, "collapse", f.get("collapse"));
    fire(RedFlag::Collapse, "seizure", f.get("seizure"));

    // Stroke, BE-FAST.
    fire(RedFlag::Stroke, "stroke_face", f.get("stroke_face"));
    fire(
        RedFlag::Stroke,
        "stroke_arm",
        f.any(&["stroke_side", "limb_deficit"]),
    );
    fire(RedFlag::Stroke, "stroke_speech", f.get("stroke_speech"));
    fire(RedFlag::Stroke, "stroke_vision", f.get("stroke_vision"));
    fire(
        RedFlag::Stroke,
        "thunderclap_headache",
        f.get("thunderclap"),
    );
    fire(RedFlag::Stroke, "stroke_named", f.get("stroke_named"));
    fire(
        RedFlag::Stroke,
        "stroke_sudden_deficit",
        f.together(
            "sudden",
            &["weak_numb", "confusion", "balance_loss", "vision_change"],
        )
        .or_else(|| {
            f.together("weak_numb", &["face_or_limb"])
                .filter(|_| f.hits.iter().filter(|h| h.id == "face_or_limb").count() >= 2)
        }),
    );
    fire(
        RedFlag::Stroke,
        "thunderclap_headache",
        f.together("headache", &["sudden"]).and_then(|r| {
            f.in_sentence("severe", r.start)
                .filter(|s| f.toks[s.start].norm != "sudden" && f.toks[s.start].norm != "suddenly")
                .map(|s| join(&r, &s))
        }),
    );

    // Mental health.
    fire(
        RedFlag::Suicidal,
        "suicidal_ideation",
        f.any(&["si_self", "si_word"]),
    );
    fire(RedFlag::Suicidal, "suicide_method", f.get("si_method"));
    // Stockpiling a medicine named just after ("stockpiling my oxycodone", "juntando mis
    // clonazepam").
    fire(
        RedFlag::Suicidal,
        "suicide_method",
        f.hits
            .iter()
            .filter(|h| h.id == "si_stockpile")
            .find_map(|h| {
                f.hits
                    .iter()
                    .find(|x| {
                        x.id == "substance"
                            && x.span.start >= h.span.end
                            && x.span.start <= h.span.end + 3
                            && toks[x.span.start].sentence == toks[h.span.start].sentence
                    })
                    // Not gathered to hand in: "to bring to the take back day".
                    .filter(|_| {
                        let sent = toks[h.span.start].sentence;
                        let take_back = toks.windows(2).any(|w| {
                            w[0].sentence == sent && w[0].norm == "take" && w[1].norm == "back"
                        });
                        !take_back
                            && !toks.iter().any(|t| {
                                t.sentence == sent
                                    && matches!(
                                        t.norm.as_str(),
                                        "dispose"
                                            | "disposal"
                                            | "takeback"
                                            | "return"
                                            | "pharmacy"
                                            | "desechar"
                                            | "devolver"
                                            | "farmacia"
                                    )
                            })
                    })
                    .map(|x| join(&h.span, &x.span))
            }),
    );
    fire(RedFlag::Homicidal, "homicidal_ideation", f.get("homicidal"));
    // A farewell with a decision that sounds final, or two such decisions ("tonight is
    // the night. sorry to everyone"; "won't be around after tonight, everything is ready").
    // "I'm done" is final at the end of its sentence or "done with it all", not "done with
    // the paperwork".
    let finals: Vec<&Hit> = f
        .hits
        .iter()
        .filter(|h| h.id == "si_final")
        .filter(|h| {
            let last = h.span.end - 1;
            if !matches!(toks[last].norm.as_str(), "done" | "finished" | "through") {
                return true;
            }
            // Not a send-off from work or a party ("said goodbye to my coworkers at my
            // retirement party, I'm done!").
            let send_off = |sent: usize| {
                toks.iter().any(|t| {
                    t.sentence == sent
                        && matches!(
                            t.norm.as_str(),
                            "retirement"
                                | "party"
                                | "coworkers"
                                | "colleagues"
                                | "job"
                                | "shift"
                                | "semester"
                                | "graduation"
                                | "vacation"
                                | "jubilacion"
                                | "fiesta"
                                | "companeros"
                                | "trabajo"
                        )
                })
            };
            if send_off(toks[last].sentence)
                || f.hits
                    .iter()
                    .any(|b| b.id == "si_farewell" && send_off(toks[b.span.start].sentence))
            {
                return false;
            }
            let next = |k: usize| {
                toks.get(last + k)
                    .filter(|t| t.sentence == toks[last].sentence)
                    .map(|t| t.norm.as_str())
            };
            match next(1) {
                None => true,
                Some("with") => matches!(
                    next(2),
                    Some("it" | "this" | "everything" | "all" | "life" | "living" | "everyone")
                ),
                Some(_) => false,
            }
        })
        .collect();
    // Means made ready or within reach with a final word, a farewell, a wish to die or a
    // bare time ("I have the pills counted out. Tonight."); farewell letters with a bare
    // time ("wrote letters to my kids. it's time").
    fire(
        RedFlag::Suicidal,
        "suicide_method",
        f.any(&["si_means_ready", "si_means_access"])
            .and_then(|m| {
                f.any(&["si_final", "si_farewell", "si_self"])
                    .or_else(|| {
                        toks.iter()
                            .position(|t| {
                                matches!(
                                    t.norm.as_str(),
                                    "tonight" | "today" | "tomorrow" | "noche" | "hoy" | "manana"
                                ) && toks.iter().filter(|x| x.sentence == t.sentence).count() <= 2
                            })
                            .map(tok_span)
                    })
                    .map(|x| join(&m, &x))
            })
            .or_else(|| {
                f.get("si_farewell").and_then(|m| {
                    toks.iter()
                        .position(|t| {
                            matches!(t.norm.as_str(), "time" | "hora" | "tonight" | "noche")
                                && toks.iter().filter(|x| x.sentence == t.sentence).count() <= 3
                        })
                        .map(|i| join(&m, &tok_span(i)))
                })
            }),
    );
    fire(
        RedFlag::Suicidal,
        "suicidal_farewell",
        finals.first().and_then(|a| {
            f.get("si_farewell").map(|b| join(&a.span, &b)).or_else(|| {
                finals
                    .iter()
                    .find(|b| !overlaps(&a.span, &b.span))
                    .map(|b| join(&a.span, &b.span))
            })
        }),
    );

    // Anaphylaxis.
    fire(
        RedFlag::Anaphylaxis,
        "anaphylaxis_airway",
        f.any(&["throat_closing", "tongue_swelling"]),
    );
    fire(
        RedFlag::Anaphylaxis,
        "epinephrine_used",
        f.get("epinephrine_used"),
    );
    fire(
        RedFlag::Anaphylaxis,
        "anaphylaxis_named",
        f.get("anaphylaxis_named"),
    );
    if let Some(x) = f.get("allergen_exposure") {
        fire(
            RedFlag::Anaphylaxis,
            "allergic_respiratory",
            f.any(&[
                "wheeze",
                "breathing_distress",
                "breathing_blue",
                "swallow_trouble",
            ])
            .map(|r| join(&x, &r)),
        );
    }
    if f.get("allergic_ctx").is_some() || f.get("swallow_trouble").is_some() {
        fire(
            RedFlag::Anaphylaxis,
            "allergic_swelling",
            f.any(&["throat_swelling", "lip_swelling"])
                .filter(|_| f.get("allergic_ctx").is_some()),
        );
        fire(
            RedFlag::Anaphylaxis,
            "allergic_swelling",
            f.get("swallow_trouble")
                .filter(|_| f.get("allergic_ctx").is_some()),
        );
    }

    // Bleeding.
    fire(
        RedFlag::SevereBleeding,
        "severe_bleeding",
        f.get("bleeding_severe"),
    );
    fire(
        RedFlag::SevereBleeding,
        "gi_or_lung_bleeding",
        f.get("vomit_blood"),
    );
    // Bleeding with faintness: a sign of significant blood loss.
    fire(
        RedFlag::SevereBleeding,
        "bleeding_with_faintness",
        f.any(&["blood_in_output", "bleeding_any"])
            .and_then(|b| f.get("presyncope").map(|p| join(&b, &p))),
    );
    // Bleeding that has gone on for 20 minutes or more.
    fire(
        RedFlag::SevereBleeding,
        "prolonged_bleeding",
        f.hits
            .iter()
            .filter(|h| h.id == "bleeding_any")
            .find_map(|h| {
                let s = toks[h.span.start].sentence;
                toks.iter().enumerate().find_map(|(i, t)| {
                    if t.sentence != s || i == 0 {
                        return None;
                    }
                    let n = toks[i - 1].number().or_else(|| {
                        matches!(toks[i - 1].norm.as_str(), "an" | "una" | "several" | "few")
                            .then_some(1.0)
                    })?;
                    let long = match t.norm.as_str() {
                        "minutes" | "mins" | "min" | "minutos" => n >= 20.0,
                        "hour" | "hours" | "hrs" | "hr" | "hora" | "horas" => true,
                        _ => false,
                    };
                    long.then(|| join(&h.span, &(i..i + 1)))
                })
            }),
    );
    if let Some(a) = f.get("anticoagulant") {
        fire(
            RedFlag::SevereBleeding,
            "anticoagulant_bleeding",
            f.get("blood_in_output").map(|b| join(&a, &b)),
        );
        fire(
            RedFlag::HeadInjury,
            "head_injury_anticoagulant",
            f.get("head_injury").map(|h| join(&a, &h)),
        );
    }
    if let Some(h) = f.get("head_injury") {
        fire(
            RedFlag::HeadInjury,
            "head_injury_warning_signs",
            f.any(&[
                "vomiting",
                "confusion",
                "collapse",
                "seizure",
                "thunderclap",
            ])
            .map(|x| join(&h, &x)),
        );
    }

    // Obstetric.
    // "35 weeks and bleeding", "tengo 30 semanas": weeks of gestation said without the
    // word "pregnant" (not a duration: "for 3 weeks", "2 weeks ago").
    let gestation = gestation_weeks(&toks, true).into_iter().find(|(i, _)| {
        let lead = *i == 0
            || toks[*i - 1].sentence != toks[*i].sentence
            || matches!(
                toks[*i - 1].norm.as_str(),
                "im" | "am" | "at" | "estoy" | "tengo" | "tiene" | "is" | "shes" | "wife" | "she"
            );
        let ago = toks.get(*i + 2).is_some_and(|t| t.norm == "ago")
            || toks.get(*i + 1).is_some_and(|t| t.norm == "ago");
        lead && !ago
    });
    let pregnant = f
        .any(&["pregnant"])
        .or_else(|| gestation.map(|(i, _)| tok_span(i)));
    let peripartum = pregnant.clone().or_else(|| f.get("postpartum"));
    if let Some(p) = &peripartum {
        // Gums and nosebleeds are common in pregnancy and not obstetric bleeding.
        let benign_site = |b: &Range<usize>| {
            let s = toks[b.start].sentence;
            toks.iter().filter(|t| t.sentence == s).any(|t| {
                matches!(
                    t.norm.as_str(),
                    "gum" | "gums" | "nose" | "nosebleed" | "nosebleeds" | "encias" | "nariz"
                ) || t.norm.starts_with("hemorrhoid")
            })
        };
        fire(
            RedFlag::Obstetric,
            "ob_bleeding",
            f.hits
                .iter()
                .filter(|h| h.id == "bleeding_any" || h.id == "bleeding_severe")
                .find(|h| !benign_site(&h.span))
                .map(|b| join(p, &b.span)),
        );
        let htn_sign = f
            .any(&["vision_change", "preeclampsia_named"])
            .or_else(|| {
                f.get("headache")
                    .filter(|_| f.any(&["swelling", "severe"]).is_some())
            })
            .or_else(|| {
                blood_pressures(&toks)
                    .into_iter()
                    .find(|(_, s, d)| *s >= 160.0 || *d >= 110.0)
                    .map(|(i, _, _)| tok_span(i))
            });
        fire(
            RedFlag::Obstetric,
            "ob_preeclampsia",
            htn_sign.map(|x| join(p, &x)),
        );
        fire(
            RedFlag::Obstetric,
            "ob_acute_abdomen",
            f.get("abd_pain")
                .filter(|_| {
                    pregnant.is_some()
                        && f.any(&["severe", "presyncope", "bleeding_any", "collapse"])
                            .is_some()
                })
                .map(|x| join(p, &x)),
        );
    }
    // A prolapsed cord or a baby's head showing: delivery is happening now.
    if peripartum.is_some() || f.get("labor_sign").is_some() {
        fire(
            RedFlag::Obstetric,
            "ob_imminent_delivery",
            f.get("ob_imminent"),
        );
    }
    // Before ~24 weeks not feeling the baby move is expected.
    let weeks: Vec<(usize, f64)> = gestation_weeks(&toks, true)
        .into_iter()
        .filter(|(i, _)| !near(&toks, *i, 1, 0, &["for", "in", "past", "last", "about"]))
        .collect();
    // Kick counts said to be fine are reassurance, not reduced movement.
    if (weeks.is_empty() || weeks.iter().any(|(_, w)| *w >= 24.0))
        && f.get("kick_count_ok").is_none()
    {
        fire(
            RedFlag::Obstetric,
            "ob_fetal_movement",
            f.get("fetal_movement"),
        );
    }
    if let Some(l) = f.get("labor_sign") {
        fire(
            RedFlag::Obstetric,
            "ob_preterm_labor",
            gestation_weeks(&toks, true)
                .into_iter()
                .find(|(_, w)| *w < 37.0)
                .map(|(i, _)| join(&l, &tok_span(i))),
        );
    }

    // Infection.
    // A temperature reading obeys the same context as the word "fever" ("had a fever of
    // 100.5 last month", "no temp over 99").
    let temps: Vec<(usize, f64)> = temperatures(&toks)
        .into_iter()
        .filter(|(i, _)| cx.keeps(&(*i..*i + 1), MODIFIER))
        .collect();
    let febrile_temp = temps
        .iter()
        .find(|(_, v)| *v >= 100.4)
        .map(|(i, _)| tok_span(*i));
    let fever_word = f.get("fever").filter(|r| {
        // "temp 99.1" is a temperature, not a fever.
        let named_temp = matches!(
            f.toks[r.start].norm.as_str(),
            "temp" | "temperature" | "temperatura"
        );
        !(named_temp || (!temps.is_empty() && febrile_temp.is_none()))
    });
    let fever = febrile_temp.or(fever_word);
    let infected = fever.clone().or_else(|| f.get("infection"));
    if let Some(x) = &infected {
        // A systolic pressure under 90 is a sign too ("bp 85/50 on my home cuff").
        let low_bp = blood_pressures(&toks)
            .into_iter()
            .find(|(_, s, _)| *s < 90.0)
            .map(|(i, _, _)| tok_span(i));
        fire(
            RedFlag::Sepsis,
            "sepsis_signs",
            f.any(&["sepsis_sign", "confusion"])
                .or(low_bp)
                .map(|s| join(x, &s)),
        );
    }
    fire(RedFlag::Sepsis, "sepsis_named", f.get("sepsis_named"));
    if let (Some(x), Some(i)) = (&fever, f.get("infection")) {
        fire(
            RedFlag::Sepsis,
            "sepsis_signs",
            f.get("presyncope").map(|p| join(&join(x, &i), &p)),
        );
    }
    fire(
        RedFlag::Sepsis,
        "meningitis_signs",
        f.get("headache").and_then(|h| {
            f.hits
                .iter()
                .find(|x| {
                    let w = f.toks[x.span.start].norm.as_str();
                    x.id == "sepsis_sign" && (w.contains("neck") || w == "stiff" || w == "cuello")
                })
                .map(|x| join(&h, &x.span))
        }),
    );
    if let (Some(x), Some(c)) = (&fever, f.get("chemo")) {
        fire(RedFlag::Sepsis, "neutropenic_fever", Some(join(x, &c)));
    }

    // Infants under three months.
    let infant = ages_in_days(&toks)
        .into_iter()
        .find(|(_, d)| *d < 90.0)
        .map(|(i, _)| tok_span(i))
        .or_else(|| f.get("newborn"));
    if let Some(a) = &infant {
        fire(
            RedFlag::InfantFever,
            "infant_fever",
            fever.clone().map(|x| join(a, &x)),
        );
        fire(
            RedFlag::InfantFever,
            "infant_hypothermia",
            temps
                .iter()
                .find(|(_, v)| *v < 97.0)
                .map(|(i, _)| join(a, &tok_span(*i))),
        );
    }

    // Poisoning.
    fire(RedFlag::Overdose, "overdose", f.get("overdose_named"));
    fire(
        RedFlag::Overdose,
        "pill_count",
        pill_counts(&toks).first().map(|(i, _)| tok_span(*i)),
    );
    // "my 2yo", "4 y/o": an age written as one token.
    let young = toks.iter().any(|t| {
        t.number().is_some_and(|n| n < 13.0)
            && matches!(t.unit_suffix(), "yo" | "y/o" | "yr" | "yrs" | "mo" | "mos")
    });
    if f.get("child").is_some() || infant.is_some() || young {
        fire(
            RedFlag::Overdose,
            "child_ingestion",
            // The substance follows the verb closely, in the same clause ("ate some of my
            // metoprolol"; not "hives after eating strawberries, gone with Benadryl").
            f.hits
                .iter()
                .filter(|h| h.id == "ingestion_verb")
                .find_map(|v| {
                    f.hits
                        .iter()
                        .filter(|x| x.id == "substance")
                        .find(|x| {
                            let (a, b) = if x.span.start >= v.span.end {
                                (v.span.end, x.span.start)
                            } else {
                                (x.span.end.min(v.span.start), v.span.start)
                            };
                            // A substance named before the verb must be in its clause:
                            // not "a cough but is eating".
                            let clause = x.span.start < v.span.start
                                && (a..b).any(|k| {
                                    matches!(
                                        toks[k].norm.as_str(),
                                        "but" | "pero" | "though" | "aunque"
                                    )
                                });
                            b <= a + 5
                                && !clause
                                && (a.saturating_sub(1)..b).all(|k| toks[k].punct != Punct::Comma)
                                && toks[x.span.start].sentence == toks[v.span.start].sentence
                        })
                        .map(|x| join(&v.span, &x.span))
                }),
        );
        // Found with an open or empty container of medicine ("found my son with an empty
        // bottle of his grandmother's heart pills").
        fire(
            RedFlag::Overdose,
            "child_ingestion",
            f.hits
                .iter()
                .filter(|h| h.id == "container_open")
                .find_map(|c| {
                    let s = toks[c.span.start].sentence;
                    let found = toks.iter().any(|t| {
                        t.sentence == s
                            && matches!(
                                t.norm.as_str(),
                                "found"
                                    | "finding"
                                    | "caught"
                                    | "with"
                                    | "holding"
                                    | "playing"
                                    | "encontre"
                                    | "encontramos"
                                    | "encontro"
                                    | "con"
                                    | "jugando"
                                    | "next"
                                    | "junto"
                                    | "into"
                            )
                    });
                    let drug = f.hits.iter().find(|x| {
                        x.id == "substance"
                            && toks[x.span.start].sentence == s
                            && x.span.start + 8 >= c.span.end
                            && x.span.start <= c.span.end + 6
                    })?;
                    found.then(|| join(&c.span, &drug.span))
                }),
        );
        // A button battery or magnets near a child's mouth.
        fire(
            RedFlag::Overdose,
            "child_ingestion",
            f.get("hazard_object").and_then(|h| {
                let s = toks[h.start].sentence;
                let mouth = toks.iter().position(|t| {
                    t.sentence == s
                        && matches!(
                            t.norm.as_str(),
                            "mouth"
                                | "boca"
                                | "swallowed"
                                | "swallow"
                                | "trago"
                                | "tragado"
                                | "ate"
                                | "comio"
                        )
                });
                f.get("ingestion_verb")
                    .or_else(|| mouth.map(tok_span))
                    .map(|m| join(&h, &m))
            }),
        );
        fire(
            RedFlag::Overdose,
            "child_medication_error",
            f.get("med_error"),
        );
    }

    // Doses doubled or tripled with confusion, collapse or a seizure.
    fire(
        RedFlag::Overdose,
        "dose_error_with_signs",
        f.get("dose_error").and_then(|d| {
            f.any(&["confusion", "collapse", "seizure", "sepsis_sign"])
                .map(|x| join(&d, &x))
        }),
    );
    // Intake of a quantity: "swallowed a handful of my adderall", "took all of her
    // brother's ritalin", "se tomó todas las pastillas". The verb, then the quantity, then
    // the substance, close together in one clause.
    fire(
        RedFlag::Overdose,
        "overdose_quantity",
        f.hits
            .iter()
            .filter(|h| h.id == "intake_past")
            .find_map(|v| {
                let took = matches!(
                    toks[v.span.end - 1].norm.as_str(),
                    "took" | "tomo" | "tome" | "ate" | "comio" | "comi"
                );
                let q = f.hits.iter().find(|q| {
                    let w = toks[q.span.start].norm.as_str();
                    q.id == "quantity_all"
                        && q.span.start >= v.span.end
                        && q.span.start <= v.span.end + 3
                        && !(took && matches!(w, "rest" | "resto"))
                        && (v.span.end..q.span.start).all(|k| toks[k].punct != Punct::Comma)
                })?;
                let x = f.hits.iter().find(|x| {
                    x.id == "substance"
                        && x.span.start >= q.span.end
                        && x.span.start <= q.span.end + 4
                        && (q.span.start..x.span.start).all(|k| toks[k].punct != Punct::Comma)
                        && !matches!(toks[x.span.start].norm.as_str(), "of" | "de")
                })?;
                // Taken for a complaint ("a bunch of advil for my back") or spread over a
                // time ("over a month") is a dosing question.
                let purpose = toks
                    .get(x.span.end)
                    .is_some_and(|t| matches!(t.norm.as_str(), "for" | "para"));
                let spread = (x.span.end..toks.len())
                    .take_while(|&k| toks[k].sentence == toks[x.span.start].sentence)
                    .any(|k| {
                        matches!(toks[k].norm.as_str(), "over" | "durante" | "across")
                            && (k + 1..(k + 4).min(toks.len())).any(|j| {
                                matches!(
                                    toks[j].norm.as_str(),
                                    "month"
                                        | "months"
                                        | "week"
                                        | "weeks"
                                        | "year"
                                        | "years"
                                        | "mes"
                                        | "meses"
                                        | "semanas"
                                        | "semana"
                                        | "days"
                                )
                            })
                    });
                if purpose || spread {
                    return None;
                }
                Some(join(&v.span, &x.span))
            }),
    );

    // Diabetes.
    if let Some(d) = f.get("diabetic").or_else(|| f.get("ketones")) {
        // Readings obey context too ("says HI with control solution, is it broken?").
        let readings: Vec<(usize, f64)> = glucose(&toks)
            .into_iter()
            .filter(|(i, _)| cx.keeps(&(*i..*i + 1), 0))
            .collect();
        let max = readings.iter().map(|(_, v)| *v).fold(0.0, f64::max);
        let at = |min: f64| {
            readings
                .iter()
                .find(|(_, v)| *v >= min)
                .map(|(i, _)| tok_span(*i))
        };
        let ketone_reading = toks.iter().enumerate().find_map(|(i, t)| {
            (t.norm.starts_with("keton") || t.norm.starts_with("cetona"))
                .then(|| {
                    (i + 1..(i + 4).min(toks.len())).find(|&j| {
                        toks[j].number().is_some_and(|v| (1.5..=20.0).contains(&v))
                            && toks[j].unit_suffix().is_empty()
                    })
                })
                .flatten()
                .map(|j| i..j + 1)
        });
        let dka = f
            .any(&["ketones", "fruity_breath"])
            .or(ketone_reading)
            .or_else(|| at(500.0))
            .or_else(|| {
                at(300.0).filter(|_| {
                    f.any(&["vomiting", "abd_pain", "breathing_distress", "confusion"])
                        .is_some()
                })
            })
            .or_else(|| at(250.0).filter(|_| f.get("vomiting").is_some() && max >= 250.0));
        fire(RedFlag::Diabetic, "dka", dka.map(|x| join(&d, &x)));
        let low = readings
            .iter()
            .find(|(_, v)| *v <= 54.0)
            .map(|(i, _)| tok_span(*i));
        fire(
            RedFlag::Diabetic,
            "severe_hypoglycemia",
            low.filter(|_| {
                f.any(&[
                    "confusion",
                    "collapse",
                    "seizure",
                    "sepsis_sign",
                    "hypo_symptom",
                ])
                .is_some()
            })
            .map(|x| join(&d, &x)),
        );
    }

    // Testicular torsion: testicular pain that is sudden, severe, or with vomiting.
    if let Some(t) = f.get("testicle_pain") {
        let torsion_named = f.toks[t.start].norm == "torsion";
        fire(
            RedFlag::Testicular,
            "testicular_torsion",
            if torsion_named {
                Some(t)
            } else {
                // Sudden, severe, with vomiting, or in a boy: an acute scrotum.
                f.any(&["sudden", "severe", "vomiting", "child"])
                    .map(|x| join(&t, &x))
            },
        );
    }

    // Acute abdomen.
    if let Some(a) = f
        .get("abd_pain")
        .or_else(|| f.get("rigid_abdomen").filter(|_| f.get("severe").is_some()))
    {
        let severe = f.get("severe");
        let worst = severe.clone().filter(|s| {
            matches!(
                f.toks[s.start].norm.as_str(),
                "worst" | "unbearable" | "excruciating" | "insoportable" | "agonizing"
            )
        });
        let sign = f.get("rigid_abdomen").or(worst).or_else(|| {
            severe.clone().and_then(|_| {
                fever.clone().or_else(|| {
                    f.any(&[
                        "vomit_blood",
                        "vomiting",
                        "bleeding_any",
                        "collapse",
                        "sudden",
                    ])
                })
            })
        });
        fire(
            RedFlag::AcuteAbdomen,
            "acute_abdomen",
            sign.map(|s| join(&a, &s)),
        );
    }

    out.sort_by_key(|(flag, _, _)| *flag as u8);
    out.into_iter()
        .map(|(flag, id, span)| {
            let first = &toks[span.start.min(toks.len() - 1)];
            let last = &toks[(span.end.max(1) - 1).min(toks.len() - 1)];
            Escalation {
                flag,
                criterion: id.to_owned(),
                evidence: first.start..last.end.max(first.start),
            }
        })
        .collect()
}

/// Every red flag in `text` (deduplicated, in [`RedFlag`] order).
pub fn red_flags(text: &str) -> Vec<RedFlag> {
    let mut flags: Vec<RedFlag> = assess(text).into_iter().map(|e| e.flag).collect();
    flags.dedup();
    flags
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(text: &str) -> Vec<String> {
        assess(text).into_iter().map(|e| e.criterion).collect()
    }

    #[test]
    fn typos_paraphrases_spanish_and_negation() {
        assert_eq!(
            red_flags("I have crushing chset pian since 1h"),
            vec![RedFlag::ChestPain]
        );
        assert_eq!(
            red_flags("my moms face is droopping and shes slurring her words"),
            vec![RedFlag::Stroke]
        );
        assert_eq!(
            red_flags("Me duele mucho el pecho"),
            vec![RedFlag::ChestPain]
        );
        assert_eq!(
            red_flags("tengo dolor en el pecho"),
            vec![RedFlag::ChestPain]
        );
        assert_eq!(
            red_flags("I don't want to live anymore"),
            vec![RedFlag::Suicidal]
        );
        assert!(red_flags("no chest pain, just need a refill").is_empty());
        assert_eq!(red_flags("No puedo respirar"), vec![RedFlag::Breathing]);
        assert!(red_flags("I need to reschedule my appointment").is_empty());
    }

    #[test]
    fn spanish_cannot_stop_is_not_a_negation_and_a_nearer_history_wins() {
        // "no paro de" / "no deja de": continuing, not negated.
        assert_eq!(
            red_flags("soy diabético, mi azúcar está en 550 y no paro de vomitar"),
            vec![RedFlag::Diabetic]
        );
        assert!(red_flags("no he vomitado y mi azúcar está en 150").is_empty());
        // "last month" sits next to the reading, "now" next to the current one.
        assert!(
            red_flags("sugar was 550 last month before I started insulin, now 130s").is_empty()
        );
        assert_eq!(
            red_flags("my sugar is 550 right now, last month it was fine"),
            vec![RedFlag::Diabetic]
        );
    }

    #[test]
    fn quantities_plans_and_companions() {
        assert_eq!(
            red_flags("my teenager swallowed a handful of my adderall"),
            vec![RedFlag::Overdose]
        );
        assert!(red_flags("I took the rest of my prednisone, taper done").is_empty());
        assert!(red_flags("ya me tomé todas las pastillas del antibiótico").is_empty());
        assert_eq!(
            red_flags("made up my mind, tonight is the night. sorry to everyone"),
            vec![RedFlag::Suicidal]
        );
        assert!(red_flags("I've made up my mind to do the knee surgery").is_empty());
        assert_eq!(
            red_flags("band squeezing around my ribs and I'm clammy"),
            vec![RedFlag::ChestPain]
        );
        assert!(red_flags("tight band around my head when I'm stressed").is_empty());
    }

    #[test]
    fn spanish_spelling_by_sound() {
        assert_eq!(
            red_flags("estoy bomitando sangre"),
            vec![RedFlag::SevereBleeding]
        );
        assert_eq!(
            red_flags("me pico una abeja y se me esta serrando la garganta"),
            vec![RedFlag::Anaphylaxis]
        );
        assert_eq!(sound_key("pastiyas"), sound_key("pastillas"));
        assert_ne!(sound_key("bota"), sound_key("gota"));
    }

    #[test]
    fn negation_inside_a_finding_and_hyperbole() {
        // "no" belongs to "ya no voy a necesitar más citas" and does not negate the farewell.
        assert_eq!(
            red_flags("gracias por todo, ya no voy a necesitar más citas, cuiden a mis hijos"),
            vec![RedFlag::Suicidal]
        );
        assert!(red_flags("my husband is going to kill me for missing the appointment").is_empty());
        assert!(red_flags("mi esposo me va a matar si no llego a tiempo").is_empty());
        assert_eq!(
            red_flags("I'm going to stab my stepdad when he gets home"),
            vec![RedFlag::Homicidal]
        );
    }

    #[test]
    fn negation_has_a_scope() {
        assert!(red_flags("I don't have chest pain").is_empty());
        assert_eq!(
            red_flags("no, the chest pain is worse"),
            vec![RedFlag::ChestPain]
        );
        assert!(red_flags("no fever, chills, or chest pain").is_empty());
        assert_eq!(
            red_flags("No fever but my chest hurts bad"),
            vec![RedFlag::ChestPain]
        );
        assert_eq!(
            red_flags("not sure if this is a heart attack"),
            vec![RedFlag::ChestPain]
        );
    }

    #[test]
    fn history_hypotheticals_relatives_and_admin() {
        assert!(red_flags("I had a heart attack 5 years ago, need a refill").is_empty());
        assert_eq!(
            red_flags("I had a stroke years ago and now my face is drooping again"),
            vec![RedFlag::Stroke]
        );
        assert!(red_flags("what are the warning signs of a stroke?").is_empty());
        assert!(red_flags("if I ever get chest pain should I call 911").is_empty());
        assert!(red_flags("my dad had a heart attack at 50, should I get screened").is_empty());
        assert_eq!(
            red_flags("my mom is having chest pain right now"),
            vec![RedFlag::ChestPain]
        );
        assert!(red_flags("I got a bill for my chest pain ER visit").is_empty());
        assert!(red_flags("I volunteer at a suicide hotline and need a TB test form").is_empty());
        assert!(red_flags("refill my seizure meds please").is_empty());
    }

    #[test]
    fn typo_tolerance_never_bends_ordinary_words() {
        for routine in [
            "my phone keeps dropping calls",
            "I need a new week for my visit",
            "can you send the breast exam results",
            "the bleachers at the game were cold",
            "my son plays chess after school",
            "I heard the attack ads on tv",
            "hi, can I pay my bill online",
        ] {
            assert!(assess(routine).is_empty(), "{routine}: {:?}", ids(routine));
        }
    }

    #[test]
    fn odd_input_never_panics() {
        let long = "chest ".repeat(2000);
        for text in [
            "",
            "?!...,,,",
            "🙂🙂 ¿¿ ¡¡",
            "1/0 0/0 999999999999999999999/1 100.4.5.6 38,5,5 .5 5.",
            "HI HI HI hi",
            "my 0 day old 0 weeks 400 months old temp 0.0",
            "ن ש 中文 текст",
            "\u{0}\t\r\n",
            long.as_str(),
        ] {
            let out = assess(text);
            for e in &out {
                assert!(e.evidence_in(text).is_some(), "{:?}", e);
            }
        }
    }

    #[test]
    fn context_kinds() {
        // Negation with scope and list continuation; "no," as an interjection.
        assert!(ids("denies SI/HI, requesting med refill").is_empty());
        assert!(ids("No CP, SOB, or fever. Just need my refills.").is_empty());
        assert_eq!(ids("SI with plan"), ["suicidal_ideation"]);
        // Temporality: years, "last year", a resolved episode; "again"/"now" is current.
        assert!(ids("mi esposo tuvo un infarto en 2015 y necesita su receta").is_empty());
        assert!(ids("I had some chest pain but it went away").is_empty());
        assert_eq!(
            ids("hace 2 años tuve un infarto y ahora tengo el mismo dolor en el pecho"),
            ["chest_pain"]
        );
        // Hypotheticals and education; uncertainty about a present symptom is not one.
        assert!(ids("what should I do if my baby gets a fever?").is_empty());
        assert_eq!(
            ids("I'm not sure if this is a stroke but her face is drooping"),
            ["stroke_face", "stroke_named"]
        );
        // Experiencer: a relative's history vs. someone else's emergency now.
        assert!(ids("my grandfather died of a stroke, am I at risk?").is_empty());
        assert_eq!(ids("my neighbor collapsed in the yard"), ["collapse"]);
        // Admin and references; a current symptom outranks a billing word.
        assert!(ids("claim denied for the stroke workup MRI").is_empty());
        assert!(ids("my dog is vomiting blood, which vet do you recommend").is_empty());
        assert_eq!(
            ids("Chest pain since this morning, will insurance cover the ER?"),
            ["chest_pain"]
        );
        // Mild/chronic qualifiers only downgrade mild-sensitive findings.
        assert!(ids("a little short of breath climbing stairs lately").is_empty());
        assert_eq!(ids("a little chest pain right now"), ["chest_pain"]);
    }

    #[test]
    fn criteria_with_modifiers_and_numbers() {
        assert_eq!(
            ids("my 6 week old has a temp of 100.6 rectal"),
            ["infant_fever"]
        );
        assert_eq!(
            ids("mi bebé de 2 meses tiene fiebre de 38.3"),
            ["infant_fever"]
        );
        assert!(ids("my 6 month old has a fever of 101").is_empty());
        assert!(ids("my 2 week old's temp was 99.1").is_empty());
        assert_eq!(
            ids("fell and hit my head, I'm on eliquis"),
            ["head_injury_anticoagulant"]
        );
        assert!(ids("bumped my head on the cabinet, small bump").is_empty());
        assert_eq!(ids("I'm 30 weeks pregnant and bleeding"), ["ob_bleeding"]);
        assert_eq!(ids("took 20 pills of my xanax"), ["pill_count"]);
        assert!(ids("I took 2 pills of tylenol").is_empty());
        assert_eq!(
            ids("my toddler swallowed a button battery"),
            ["child_ingestion"]
        );
        assert_eq!(
            ids("type 1 diabetic, meter says HI and I'm throwing up"),
            ["dka"]
        );
        assert!(ids("my blood sugar is 350 and I feel awful today").is_empty());
        assert_eq!(
            ids("sudden severe pain in my left testicle"),
            ["testicular_torsion"]
        );
        assert_eq!(
            ids("severe stomach pain and my belly is hard as a rock"),
            ["acute_abdomen"]
        );
        assert_eq!(
            ids("my 2 month old had a fever of 100.5 last month"),
            Vec::<String>::new()
        );
        assert_eq!(
            ids("I'm 34 weeks pregnant and my blood pressure is 160/105"),
            ["ob_preeclampsia"]
        );
        assert_eq!(
            ids("I'm 16 weeks and haven't felt the baby move yet"),
            Vec::<String>::new()
        );
        assert_eq!(
            ids("34 weeks and the baby hasn't moved since last night"),
            ["ob_fetal_movement"]
        );
        assert_eq!(
            ids("I'm on chemo and my temp is 100.9"),
            ["neutropenic_fever"]
        );
        assert_eq!(ids("my mom has a fever and is confused"), ["sepsis_signs"]);
        assert_eq!(ids("t1d with ketones 3.5 and vomiting"), ["dka"]);
        assert_eq!(
            ids("my son's nose has been bleeding for 45 minutes"),
            ["prolonged_bleeding"]
        );
        assert!(ids("small nosebleed this morning that stopped after 5 minutes").is_empty());
        assert_eq!(
            ids("I accidentally gave my 6 month old 5 ml of adult tylenol"),
            ["child_medication_error"]
        );
        let e = &assess("Hi. My 3 wk old feels hot, temp 38.5C")[0];
        assert_eq!(e.criterion, "infant_fever");
        assert_eq!(
            e.evidence_in("Hi. My 3 wk old feels hot, temp 38.5C"),
            Some("3 wk old feels hot, temp 38.5C")
        );
    }

    #[test]
    fn third_blind_set_root_causes() {
        // A past-tense farewell never makes a present plan historical; the clitic may stand
        // apart from "quitar la vida".
        assert!(
            ids("ya me despedí de todos, hoy me voy a quitar la vida")
                .contains(&"suicidal_ideation".to_owned())
        );
        // A quantity between the verb and the blood; Spanish verbs of vomiting.
        assert!(!ids("vomited a cup of bright red blood").is_empty());
        assert!(!ids("estoy arrojando sangre por la boca").is_empty());
        assert!(ids("vomited a cup of red jello, no blood, feeling better now").is_empty());
        // "I'm done" is final at the end of its sentence, not "done with the paperwork".
        assert_eq!(
            ids("I wrote letters to my kids tonight. I'm done."),
            ["suicidal_farewell"]
        );
        assert!(ids("wrote thank you letters to my kids' teachers, I'm done with the school year paperwork").is_empty());
        // A symptom before "but" is not what the child ate.
        assert!(
            ids("my 10 month old has a fever of 101 and a cough but is eating and playing")
                .is_empty()
        );
        assert_eq!(
            ids("my 18 month old found my Xanax and ate some"),
            ["child_ingestion"]
        );
        // A time of life or years of sobriety place an event in the past.
        assert!(ids("I overdosed once in my twenties, been sober 10 years, want to talk about my anxiety meds").is_empty());
        assert!(
            ids("he overdosed once before and now he is not breathing right")
                .contains(&"overdose".to_owned())
        );
        // Records and rehab are references.
        assert!(ids("please send my stroke rehab records to my new neurologist").is_empty());
        assert_eq!(
            ids(
                "I have been stockpiling my oxycodone and I think I'm going to use them all this weekend"
            ),
            ["suicide_method"]
        );
    }

    #[test]
    fn triage_three_look_alikes_stay_routine() {
        assert!(ids("said goodbye to my coworkers at my retirement party, I'm done!").is_empty());
        assert!(ids("I am hoarding my leftover vicodin to bring to the take back day").is_empty());
        assert_eq!(
            ids("been stockpiling my oxycodone for my back, going to take them all tonight"),
            ["suicide_method"]
        );
        assert!(ids("my left leg feels heavy after the long run").is_empty());
        assert!(ids("she painted her nails blue for the party").is_empty());
    }
}
