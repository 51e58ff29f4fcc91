//! Pattern and name detectors over free text. Each returns byte spans with a kind; no regex
//! engine, just small scanners, so the rules are readable and testable one by one.

/// What an identifier is (the token prefix: `[NAME_1]`, `[DATE_2]`, …).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PhiKind {
    /// A person's name.
    Name,
    /// A date (any element but the year alone).
    Date,
    /// A phone or fax number.
    Phone,
    /// An email address.
    Email,
    /// A Social Security number.
    Ssn,
    /// A medical record, account, member or other id number.
    Id,
    /// A street address.
    Address,
    /// A ZIP code.
    Zip,
    /// A URL or IP address.
    Url,
}

impl PhiKind {
    /// The token prefix.
    pub fn label(self) -> &'static str {
        match self {
            PhiKind::Name => "NAME",
            PhiKind::Date => "DATE",
            PhiKind::Phone => "PHONE",
            PhiKind::Email => "EMAIL",
            PhiKind::Ssn => "SSN",
            PhiKind::Id => "ID",
            PhiKind::Address => "ADDRESS",
            PhiKind::Zip => "ZIP",
            PhiKind::Url => "URL",
        }
    }
}

/// A detected span `[start, end)` in bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    /// Start byte.
    pub start: usize,
    /// End byte (exclusive).
    pub end: usize,
    /// What it is.
    pub kind: PhiKind,
}

/// A word: a maximal run of alphanumerics, with byte offsets.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Word<'a> {
    pub(crate) start: usize,
    pub(crate) end: usize,
    pub(crate) text: &'a str,
}

pub(crate) fn words(text: &str) -> Vec<Word<'_>> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in text.char_indices() {
        if c.is_alphanumeric() {
            start.get_or_insert(i);
        } else if let Some(s) = start.take() {
            out.push(Word {
                start: s,
                end: i,
                text: &text[s..i],
            });
        }
    }
    if let Some(s) = start {
        out.push(Word {
            start: s,
            end: text.len(),
            text: &text[s..],
        });
    }
    out
}

const MONTHS: &[&str] = &[
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
    "jan",
    "feb",
    "mar",
    "apr",
    "jun",
    "jul",
    "aug",
    "sep",
    "sept",
    "oct",
    "nov",
    "dec",
];
const TITLES: &[&str] = &[
    "mr", "mrs", "ms", "miss", "dr", "doctor", "mister", "sr", "sra", "srta", "nurse", "señor",
    "señora",
];
const STREET: &[&str] = &[
    "street",
    "st",
    "avenue",
    "ave",
    "road",
    "rd",
    "boulevard",
    "blvd",
    "lane",
    "ln",
    "drive",
    "court",
    "ct",
    "way",
    "place",
    "pl",
    "terrace",
    "parkway",
    "pkwy",
    "highway",
    "hwy",
    "circle",
    "cir",
];
const ID_WORDS: &[&str] = &[
    "mrn", "record", "account", "acct", "member", "policy", "id", "chart", "license", "medicaid",
    "medicare",
];
const STATES: &[&str] = &[
    "AL", "AK", "AZ", "AR", "CA", "CO", "CT", "DE", "FL", "GA", "HI", "ID", "IL", "IN", "IA", "KS",
    "KY", "LA", "ME", "MD", "MA", "MI", "MN", "MS", "MO", "MT", "NE", "NV", "NH", "NJ", "NM", "NY",
    "NC", "ND", "OH", "OK", "OR", "PA", "RI", "SC", "SD", "TN", "TX", "UT", "VT", "VA", "WA", "WV",
    "WI", "WY", "DC",
];
/// Words that follow a title but are not names.
const NOT_NAMES: &[&str] = &[
    "the",
    "a",
    "and",
    "or",
    "is",
    "was",
    "will",
    "said",
    "office",
    "visit",
    "appointment",
    "told",
    "for",
    "to",
    "of",
];

/// Common US first names (census top names). Those that are also ordinary words must be
/// capitalised to count.
const FIRST_NAMES: &str = include_str!("first_names.txt");
const AMBIGUOUS: &[&str] = &[
    "will", "mark", "may", "june", "april", "grace", "hope", "joy", "bill", "rose", "faith", "pat",
    "sue", "art", "dawn", "ray", "jack", "frank", "summer", "bob", "rich", "guy", "sandy", "max",
    "miles", "chase", "drew", "gene", "iris", "lily", "ruby", "amber", "crystal", "destiny",
    "harmony", "autumn", "sky", "rusty", "penny", "holly", "august", "don", "dean", "bishop",
    "page", "reed", "wade", "glen", "carol", "heather", "ivy", "jean", "angel", "forest", "hunter",
    "cash", "king", "major", "precious", "sterling", "tony",
];

/// Qualifiers that open a diagnosis phrase ("Major depressive disorder", "Acute myocardial
/// infarction", "Type 2 diabetes"). One that is also a first name ("Major") is not a name
/// when a clinical word follows it; see [`starts_clinical_phrase`].
const CLINICAL_QUALIFIERS: &[&str] = &[
    "major",
    "minor",
    "acute",
    "subacute",
    "chronic",
    "essential",
    "type",
    "mild",
    "moderate",
    "severe",
    "primary",
    "secondary",
    "benign",
    "malignant",
    "morbid",
    "recurrent",
    "persistent",
    "unspecified",
    "generalized",
    "generalised",
    "bilateral",
    "congenital",
    "idiopathic",
    "atypical",
    "mixed",
    "diabetic",
    "allergic",
    "seasonal",
    "obstructive",
    "intermittent",
    "paroxysmal",
    "unstable",
    "stable",
    "complete",
    "partial",
    "early",
    "late",
];

/// Clinical words that, after a qualifier, make it a diagnosis phrase whatever their case.
const CLINICAL_TERMS: &[&str] = &[
    "depressive",
    "depression",
    "disorder",
    "disease",
    "hypertension",
    "diabetes",
    "mellitus",
    "infarction",
    "myocardial",
    "kidney",
    "renal",
    "heart",
    "failure",
    "pain",
    "asthma",
    "bronchitis",
    "sinusitis",
    "pneumonia",
    "anemia",
    "anaemia",
    "migraine",
    "headache",
    "anxiety",
    "obesity",
    "hyperlipidemia",
    "pulmonary",
    "respiratory",
    "coronary",
    "cardiac",
    "artery",
    "arthritis",
    "osteoarthritis",
    "infection",
    "injury",
    "fracture",
    "syndrome",
    "insufficiency",
    "stenosis",
    "otitis",
    "gout",
    "hepatitis",
    "dermatitis",
    "rhinitis",
    "angina",
    "stroke",
    "episode",
    "illness",
    "liver",
    "hepatic",
    "ischemic",
    "atrial",
    "fibrillation",
    "embolism",
    "thrombosis",
    "neuropathy",
    "cellulitis",
    "allergy",
    "bleeding",
    "hemorrhage",
    "surgery",
    "sprain",
    "tear",
    "lumbar",
    "neurocognitive",
];

/// Endings of clinical adjectives and nouns (`depressive`, `myocardial`, `arthritis`…), used
/// only for a lower-case word after a qualifier, never for a capitalised one (a surname).
const CLINICAL_ENDINGS: &[&str] = &[
    "ive", "ic", "al", "osis", "itis", "emia", "aemia", "oma", "pathy", "ia", "ism", "ary", "ous",
    "ory", "ure", "ion", "ity",
];

/// Whether word `i` is a clinical qualifier opening a diagnosis phrase: it is in
/// [`CLINICAL_QUALIFIERS`] and the next word, separated by spaces or a hyphen only, is a
/// number ("Type 2"), another qualifier or a word of [`CLINICAL_TERMS`] in any case, or a
/// lower-case word with a clinical ending.
fn starts_clinical_phrase(ws: &[Word<'_>], i: usize, text: &str) -> bool {
    let w = &ws[i];
    if !CLINICAL_QUALIFIERS.contains(&w.text.to_lowercase().as_str()) {
        return false;
    }
    let Some(n) = ws.get(i + 1) else {
        return false;
    };
    if !text[w.end..n.start].chars().all(|c| c == ' ' || c == '-') {
        return false;
    }
    let nl = n.text.to_lowercase();
    all_digits(n.text)
        || CLINICAL_QUALIFIERS.contains(&nl.as_str())
        || CLINICAL_TERMS.contains(&nl.as_str())
        || (n.text.chars().all(char::is_lowercase)
            && CLINICAL_ENDINGS.iter().any(|e| nl.ends_with(e)))
}

fn is_first_name(w: &str) -> bool {
    let lower = w.to_lowercase();
    let listed = FIRST_NAMES.lines().any(|n| n.trim() == lower);
    listed
        && (!AMBIGUOUS.contains(&lower.as_str())
            || w.chars().next().is_some_and(char::is_uppercase))
}

fn capitalised(w: &str) -> bool {
    let mut cs = w.chars();
    cs.next().is_some_and(char::is_uppercase) && cs.all(|c| c.is_lowercase() || c == '\'')
}

fn all_digits(w: &str) -> bool {
    !w.is_empty() && w.bytes().all(|b| b.is_ascii_digit())
}

/// Runs every detector.
pub fn detect(text: &str) -> Vec<Span> {
    let mut spans = Vec::new();
    emails(text, &mut spans);
    urls(text, &mut spans);
    digit_runs(text, &mut spans);
    let ws = words(text);
    word_rules(text, &ws, &mut spans);
    names(&ws, text, &mut spans);
    spans
}

fn emails(text: &str, out: &mut Vec<Span>) {
    let b = text.as_bytes();
    let local = |c: u8| c.is_ascii_alphanumeric() || b"._%+-".contains(&c);
    let domain = |c: u8| c.is_ascii_alphanumeric() || c == b'.' || c == b'-';
    for (at, _) in text.match_indices('@') {
        let mut s = at;
        while s > 0 && local(b[s - 1]) {
            s -= 1;
        }
        let mut e = at + 1;
        while e < b.len() && domain(b[e]) {
            e += 1;
        }
        while e > at + 1 && b[e - 1] == b'.' {
            e -= 1;
        }
        if s < at && text[at + 1..e].contains('.') {
            out.push(Span {
                start: s,
                end: e,
                kind: PhiKind::Email,
            });
        }
    }
}

fn urls(text: &str, out: &mut Vec<Span>) {
    for prefix in ["http://", "https://", "www."] {
        for (s, _) in text.match_indices(prefix) {
            let e = text[s..]
                .find(char::is_whitespace)
                .map_or(text.len(), |i| s + i);
            out.push(Span {
                start: s,
                end: e,
                kind: PhiKind::Url,
            });
        }
    }
}

/// Phones, SSNs, numeric dates and long ids: runs of digits and separators.
fn digit_runs(text: &str, out: &mut Vec<Span>) {
    let b = text.as_bytes();
    let mut i = 0;
    while i < b.len() {
        let starts = b[i].is_ascii_digit()
            || ((b[i] == b'(' || b[i] == b'+') && b.get(i + 1).is_some_and(u8::is_ascii_digit));
        if !starts || (i > 0 && b[i - 1].is_ascii_alphanumeric()) {
            i += 1;
            continue;
        }
        let mut e = i;
        while e < b.len() && (b[e].is_ascii_digit() || b"()-. /+".contains(&b[e])) {
            // A space or dot only continues the run when a digit or '(' follows.
            if (b[e] == b' ' || b[e] == b'.' || b[e] == b'/')
                && !b
                    .get(e + 1)
                    .is_some_and(|c| c.is_ascii_digit() || *c == b'(')
            {
                break;
            }
            e += 1;
        }
        while e > i && !b[e - 1].is_ascii_digit() {
            e -= 1;
        }
        let run = &text[i..e];
        let groups: Vec<&str> = run
            .split(|c: char| !c.is_ascii_digit())
            .filter(|g| !g.is_empty())
            .collect();
        let digits: usize = groups.iter().map(|g| g.len()).sum();
        let lens: Vec<usize> = groups.iter().map(|g| g.len()).collect();
        let kind = if lens == [3, 2, 4] && !run.contains('/') {
            Some(PhiKind::Ssn)
        } else if (run.contains('/')
            && matches!(lens.as_slice(), [1 | 2, 1 | 2, 2 | 4])
            && plausible_md(&groups))
            || (run.contains('-') && matches!(lens.as_slice(), [4, 1 | 2, 1 | 2]))
        {
            Some(PhiKind::Date)
        } else if (digits == 10
            || (digits == 11 && run.trim_start_matches(['+', '(']).starts_with('1')))
            && groups.len() <= 4
            && !run.contains('/')
        {
            Some(PhiKind::Phone)
        } else if groups.len() == 1 && digits >= 6 && (e >= b.len() || !b[e].is_ascii_alphabetic())
        {
            Some(PhiKind::Id)
        } else {
            None
        };
        if let Some(kind) = kind {
            out.push(Span {
                start: i,
                end: e,
                kind,
            });
        }
        i = e.max(i + 1);
    }
}

fn plausible_md(groups: &[&str]) -> bool {
    let a: u32 = groups[0].parse().unwrap_or(99);
    let b: u32 = groups[1].parse().unwrap_or(99);
    (1..=12).contains(&a) && (1..=31).contains(&b)
}

/// Month-name dates, ids after id words, street addresses, ZIPs.
fn word_rules(text: &str, ws: &[Word<'_>], out: &mut Vec<Span>) {
    for (i, w) in ws.iter().enumerate() {
        let lower = w.text.to_lowercase();
        // "March 3, 2021", "Mar 3", "3 March 2021", "March 2021" is year-level only? keep it.
        if MONTHS.contains(&lower.as_str())
            && (lower != "may" && lower != "mar" || capitalised(w.text))
        {
            let prev_day = i > 0
                && all_digits(ws[i - 1].text)
                && ws[i - 1].text.len() <= 2
                && text[ws[i - 1].end..w.start].trim().is_empty();
            let next_num = ws
                .get(i + 1)
                .filter(|n| all_digits(n.text) && n.text.len() <= 4);
            if prev_day || next_num.is_some() {
                let start = if prev_day { ws[i - 1].start } else { w.start };
                let mut end = next_num.map_or(w.end, |n| n.end);
                if let (Some(n), Some(y)) = (next_num, ws.get(i + 2))
                    && n.text.len() <= 2
                    && all_digits(y.text)
                    && y.text.len() == 4
                    && text[n.end..y.start].trim_matches([',', ' ']).is_empty()
                {
                    end = y.end;
                }
                out.push(Span {
                    start,
                    end,
                    kind: PhiKind::Date,
                });
            }
        }
        if ID_WORDS.contains(&lower.as_str()) {
            for n in ws.iter().skip(i + 1).take(2) {
                if n.text.bytes().filter(u8::is_ascii_digit).count() >= 4 {
                    out.push(Span {
                        start: n.start,
                        end: n.end,
                        kind: PhiKind::Id,
                    });
                    break;
                }
            }
        }
        if all_digits(w.text) && w.text.len() <= 6 {
            // house number + up to four words, the last a street suffix
            for k in 1..=4 {
                let Some(s) = ws.get(i + k) else { break };
                let sl = s.text.to_lowercase();
                if k > 1
                    && STREET.contains(&sl.as_str())
                    && ws[i + 1..i + k]
                        .iter()
                        .all(|x| x.text.chars().next().is_some_and(char::is_alphabetic))
                {
                    out.push(Span {
                        start: w.start,
                        end: s.end,
                        kind: PhiKind::Address,
                    });
                    break;
                }
            }
        }
        if all_digits(w.text) && w.text.len() == 5 && i > 0 {
            let prev = ws[i - 1].text;
            if STATES.contains(&prev) || prev.eq_ignore_ascii_case("zip") {
                let mut end = w.end;
                if text[end..].starts_with('-')
                    && ws
                        .get(i + 1)
                        .is_some_and(|n| n.text.len() == 4 && all_digits(n.text))
                {
                    end = ws[i + 1].end;
                }
                out.push(Span {
                    start: w.start,
                    end,
                    kind: PhiKind::Zip,
                });
            }
        }
    }
}

fn names(ws: &[Word<'_>], text: &str, out: &mut Vec<Span>) {
    for (i, w) in ws.iter().enumerate() {
        let lower = w.text.to_lowercase();
        let after_title = TITLES.contains(&lower.as_str());
        let first = is_first_name(w.text) && !starts_clinical_phrase(ws, i, text);
        if !after_title && !first {
            continue;
        }
        let (start, mut end, from) = if after_title {
            (None, 0, i + 1)
        } else {
            (Some(w.start), w.end, i + 1)
        };
        let mut start = start;
        for (j, n) in ws.iter().enumerate().skip(from).take(2) {
            let gap = &text[end.max(w.end)..n.start];
            if gap.chars().any(|c| !(c == ' ' || c == '.')) {
                break;
            }
            let nl = n.text.to_lowercase();
            let title_name = after_title
                && start.is_none()
                && n.text.chars().all(char::is_alphabetic)
                && !NOT_NAMES.contains(&nl.as_str())
                && n.text.len() > 1;
            if starts_clinical_phrase(ws, j, text) {
                break;
            }
            if title_name || capitalised(n.text) && !MONTHS.contains(&nl.as_str()) {
                start.get_or_insert(n.start);
                end = n.end;
            } else {
                break;
            }
        }
        if let Some(s) = start {
            out.push(Span {
                start: s,
                end: end.max(s),
                kind: PhiKind::Name,
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(text: &str) -> Vec<(PhiKind, String)> {
        let mut spans = detect(text);
        spans.sort_by_key(|s| s.start);
        spans
            .into_iter()
            .map(|s| (s.kind, text[s.start..s.end].to_owned()))
            .collect()
    }

    #[test]
    fn detector_table() {
        let cases: &[(&str, PhiKind, &str)] = &[
            (
                "call me at (617) 555-0142 please",
                PhiKind::Phone,
                "(617) 555-0142",
            ),
            ("cell 617.555.0142", PhiKind::Phone, "617.555.0142"),
            ("ssn 123-45-6789", PhiKind::Ssn, "123-45-6789"),
            (
                "mail jo.doe+x@example.org.",
                PhiKind::Email,
                "jo.doe+x@example.org",
            ),
            ("seen 03/14/2024 for", PhiKind::Date, "03/14/2024"),
            ("on 2024-03-14 she", PhiKind::Date, "2024-03-14"),
            ("since March 3, 2021 ok", PhiKind::Date, "March 3, 2021"),
            ("MRN: 88812 noted", PhiKind::Id, "88812"),
            (
                "lives at 12 Elm Street now",
                PhiKind::Address,
                "12 Elm Street",
            ),
            ("Boston MA 02139 area", PhiKind::Zip, "02139"),
            ("spoke with Mrs. Alvarez today", PhiKind::Name, "Alvarez"),
            ("dr. flores said", PhiKind::Name, "flores"),
            ("Margaret Lee called", PhiKind::Name, "Margaret Lee"),
            (
                "see https://x.example/p?id=1 now",
                PhiKind::Url,
                "https://x.example/p?id=1",
            ),
        ];
        for (text, kind, want) in cases {
            let found = kinds(text);
            assert!(
                found.iter().any(|(k, s)| k == kind && s == want),
                "{text}: {found:?}"
            );
        }
    }

    #[test]
    fn diagnosis_qualifiers_are_not_names() {
        for text in [
            "F32.9 Major depressive disorder",
            "Major Depressive Disorder, recurrent",
            "history of Major depression",
            "Acute myocardial infarction",
            "Chronic kidney disease stage 3",
            "Essential hypertension",
            "Type 2 diabetes mellitus",
            "Major neurocognitive disorder",
        ] {
            let found = kinds(text);
            assert!(
                found.iter().all(|(k, _)| *k != PhiKind::Name),
                "{text}: {found:?}"
            );
        }
    }

    #[test]
    fn a_person_called_major_is_still_a_name() {
        for (text, want) in [
            ("Major Thompson called about the bill", "Major Thompson"),
            ("Major said the pain is better", "Major"),
            ("spoke with Mr. Major today", "Major"),
            ("John Major reports chest pain", "John Major"),
            ("Grace Acute myocardial infarction in 2019", "Grace"),
        ] {
            let found = kinds(text);
            assert!(
                found.iter().any(|(k, s)| *k == PhiKind::Name && s == want),
                "{text}: {found:?}"
            );
        }
    }

    #[test]
    fn clinical_numbers_are_not_phi() {
        for text in [
            "BP 120/80, HR 72, temp 98.6",
            "metformin 500 mg twice daily",
            "A1c 7.2 in 2023",
            "I will mark it",
        ] {
            assert!(kinds(text).is_empty(), "{text}: {:?}", kinds(text));
        }
    }
}
