//! The PHI guard: de-identifies prompts into per-request tokens (`[NAME_1]`, `[DATE_2]`…)
//! before a model that may not see PHI, and re-identifies its output.
//!
//! Known identifiers from the chart (the patient's name, date of birth, MRN) are replaced
//! exactly, case-insensitively, on word boundaries; free text also goes through
//! [`detect`]'s pattern and name detectors. The guard fails closed: after replacement it
//! scans again, and any known identifier or detector hit left over is an error, never a
//! request.

pub mod detect;

use std::collections::HashMap;

use chrono::NaiveDate;

pub use detect::{PhiKind, Span};

use crate::model::Prompt;
use crate::{AiError, AiErrorKind};

/// A value the PHI guard has cleaned. The only constructor is [`PhiGuard::deidentify`].
#[derive(Debug, Clone, PartialEq)]
pub struct Deidentified<T>(T);

impl<T> Deidentified<T> {
    /// Borrows the de-identified value.
    pub fn get(&self) -> &T {
        &self.0
    }
    /// Unwraps it.
    pub fn into_inner(self) -> T {
        self.0
    }
}

/// Latin letters without their accents ("Peña" → "Pena", "José" → "Jose").
fn fold_accents(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            'á' | 'à' | 'â' | 'ä' | 'ã' | 'å' => 'a',
            'Á' | 'À' | 'Â' | 'Ä' | 'Ã' | 'Å' => 'A',
            'é' | 'è' | 'ê' | 'ë' => 'e',
            'É' | 'È' | 'Ê' | 'Ë' => 'E',
            'í' | 'ì' | 'î' | 'ï' => 'i',
            'Í' | 'Ì' | 'Î' | 'Ï' => 'I',
            'ó' | 'ò' | 'ô' | 'ö' | 'õ' => 'o',
            'Ó' | 'Ò' | 'Ô' | 'Ö' | 'Õ' => 'O',
            'ú' | 'ù' | 'û' | 'ü' => 'u',
            'Ú' | 'Ù' | 'Û' | 'Ü' => 'U',
            'ñ' => 'n',
            'Ñ' => 'N',
            'ç' => 'c',
            'Ç' => 'C',
            other => other,
        })
        .collect()
}

/// Credentials, suffixes and titles written inside a name ("Jane Smith, DO", "Mr. Lee Jr.").
const NOT_NAME_PARTS: &[&str] = &[
    "md", "do", "np", "pa", "pac", "rn", "lpn", "dds", "dmd", "phd", "pharmd", "fnp", "fnpc",
    "aprn", "crna", "cnm", "lcsw", "psyd", "od", "dpm", "dc", "pt", "dpt", "ot", "slp", "rd",
    "mph", "msn", "bsn", "facp", "faafp", "jr", "sr", "ii", "iii", "iv", "mr", "mrs", "ms", "miss",
    "dr", "doctor", "prof", "the", "and", "of",
];

/// Common short forms of given names, so a known "Thomas" also removes "Tom".
const NICKNAMES: &[(&str, &str)] = &[
    ("thomas", "tom tommy"),
    ("robert", "bob bobby rob robbie bert"),
    ("william", "bill billy will willie liam"),
    ("richard", "rick ricky dick rich"),
    ("james", "jim jimmy jamie"),
    ("john", "johnny jack"),
    ("joseph", "joe joey"),
    ("michael", "mike mikey mick"),
    ("david", "dave davey"),
    ("daniel", "dan danny"),
    ("christopher", "chris kit"),
    ("matthew", "matt"),
    ("anthony", "tony"),
    ("nicholas", "nick nicky"),
    ("benjamin", "ben benny benji"),
    ("samuel", "sam sammy"),
    ("edward", "ed eddie ted ned"),
    ("stephen", "steve"),
    ("steven", "steve"),
    ("gregory", "greg"),
    ("jeffrey", "jeff"),
    ("andrew", "andy drew"),
    ("alexander", "alex al"),
    ("albert", "al bert"),
    ("alfred", "al alf fred"),
    ("henry", "hank harry"),
    ("charles", "charlie chuck chas"),
    ("peter", "pete"),
    ("philip", "phil"),
    ("frederick", "fred freddie"),
    ("francis", "frank"),
    ("franklin", "frank"),
    ("lawrence", "larry"),
    ("gerald", "jerry"),
    ("raymond", "ray"),
    ("ronald", "ron ronnie"),
    ("donald", "don donnie"),
    ("kenneth", "ken kenny"),
    ("timothy", "tim timmy"),
    ("patrick", "pat paddy"),
    ("walter", "walt wally"),
    ("harold", "hal harry"),
    ("leonard", "leo len lenny"),
    ("eugene", "gene"),
    ("jose", "pepe chepe"),
    ("francisco", "paco pancho"),
    ("guadalupe", "lupe"),
    ("elizabeth", "liz lizzie beth betty betsy eliza"),
    ("margaret", "maggie meg peggy marge"),
    ("katherine", "kate katie kathy kat"),
    ("catherine", "cathy kate katie"),
    ("kathleen", "kathy kate"),
    ("patricia", "pat patty trish"),
    ("jennifer", "jen jenny"),
    ("rebecca", "becky becca"),
    ("deborah", "deb debbie"),
    ("susan", "sue susie"),
    ("barbara", "barb babs"),
    ("dorothy", "dot dottie"),
    ("victoria", "vicky tori"),
    ("christina", "chris tina"),
    ("christine", "chris tina"),
    ("jessica", "jess jessie"),
    ("samantha", "sam sammy"),
    ("abigail", "abby"),
    ("alexandra", "alex lexi"),
    ("cynthia", "cindy"),
    ("pamela", "pam"),
    ("theresa", "terry tess"),
    ("teresa", "terry tere"),
    ("virginia", "ginny"),
    ("eleanor", "ellie nell"),
    ("josephine", "jo josie"),
];

/// Identifiers known from the chart context, replaced exactly wherever they appear.
#[derive(Debug, Clone, Default)]
pub struct KnownIdentifiers {
    entries: Vec<(PhiKind, String)>,
}

impl KnownIdentifiers {
    /// No known identifiers.
    pub fn new() -> Self {
        Self::default()
    }
    /// A person's name: the full name and each part of two or more letters.
    pub fn name(mut self, name: &str) -> Self {
        let name = name.trim();
        if name.is_empty() {
            return self;
        }
        self.entries.push((PhiKind::Name, name.to_owned()));
        for part in name.split(|c: char| c.is_whitespace() || c == ',') {
            // "Jane Smith, DO": a credential or suffix is not a name ("Do not…").
            let bare: String = part
                .chars()
                .filter(|c| c.is_alphabetic())
                .collect::<String>()
                .to_lowercase();
            if NOT_NAME_PARTS.contains(&bare.as_str()) {
                continue;
            }
            if part.chars().filter(|c| c.is_alphabetic()).count() >= 2 {
                self.entries.push((PhiKind::Name, part.to_owned()));
                // "O'Neil" is also written "ONeil"/"Oneil"; "Thomas" is also "Tom".
                let plain: String = part.chars().filter(|c| c.is_alphanumeric()).collect();
                if plain != part {
                    self.entries.push((PhiKind::Name, plain));
                }
                // "Smith-Jones" is also written "Smith" or "Jones"; "Peña" also "Pena".
                if part.contains('-') {
                    for piece in part.split('-').filter(|p| p.chars().count() >= 2) {
                        self.entries.push((PhiKind::Name, piece.to_owned()));
                    }
                }
                let folded = fold_accents(part);
                if folded != part {
                    self.entries.push((PhiKind::Name, folded));
                }
                let lower = part.to_lowercase();
                for (full, short) in NICKNAMES {
                    if *full == lower {
                        for s in short.split(' ') {
                            self.entries.push((PhiKind::Name, s.to_owned()));
                        }
                    }
                }
            }
        }
        self
    }
    /// A provider's name from the chart (rendering, ordering, primary care, inbox owner):
    /// removed like a patient's name. Every pipeline passes the providers it read.
    pub fn provider(self, name: &str) -> Self {
        self.name(name)
    }
    /// Adds every identifier of `other`.
    pub fn merge(mut self, other: KnownIdentifiers) -> Self {
        self.entries.extend(other.entries);
        self
    }
    /// A date of birth, in the formats athena and people write it.
    pub fn date(mut self, date: NaiveDate) -> Self {
        for f in [
            "%m/%d/%Y",
            "%-m/%-d/%Y",
            "%Y-%m-%d",
            "%B %-d, %Y",
            "%b %-d, %Y",
            "%-d %B %Y",
            "%m/%d/%y",
            "%-m/%-d/%y",
            "%m-%d-%Y",
            "%m-%d-%y",
            "%-m-%-d-%y",
            "%m.%d.%Y",
            "%d %b %Y",
        ] {
            self.entries
                .push((PhiKind::Date, date.format(f).to_string()));
        }
        self
    }
    /// An MRN, account or other id.
    pub fn id(mut self, id: &str) -> Self {
        if !id.trim().is_empty() {
            self.entries.push((PhiKind::Id, id.trim().to_owned()));
        }
        self
    }
    /// Any other identifier of the given kind (address, phone, email).
    pub fn other(mut self, kind: PhiKind, value: &str) -> Self {
        if !value.trim().is_empty() {
            self.entries.push((kind, value.trim().to_owned()));
        }
        self
    }
}

/// Adds the names of every provider of `practice` (first, last, display and scheduling
/// names) to `known`, so a clinician named in a message, transcript or letter is removed too.
/// Every pipeline that reads the chart calls it; it fails closed (without the list the guard
/// could not remove those names).
pub async fn with_practice_providers(
    practice: &athena_core::Practice,
    mut known: KnownIdentifiers,
) -> Result<KnownIdentifiers, AiError> {
    use athena_rest::PracticeExt;
    use futures::TryStreamExt;
    let providers: Vec<athena_rest::models::Provider> = practice
        .providers()
        .list()
        .stream()
        .try_collect()
        .await
        .map_err(AiError::athena)?;
    for p in &providers {
        if let (Some(f), Some(l)) = (&p.firstname, &p.lastname) {
            known = known.provider(&format!("{f} {l}"));
        }
        for name in [&p.firstname, &p.lastname, &p.displayname, &p.schedulingname]
            .into_iter()
            .flatten()
        {
            known = known.provider(name);
        }
    }
    Ok(known)
}

/// The per-request token map, for re-identification. Never logged or audited.
///
/// One identifier gets one token whatever its case ("SMITH" and "Smith" are both
/// `[NAME_1]`). Re-identification keeps how each occurrence was written: the n-th time the
/// model writes a token, it becomes the n-th spelling of that identifier in the input (models
/// echo names in reading order); past the input's count, the spelling used most often in the
/// input (the first one on a tie).
#[derive(Clone, Default)]
pub struct Vault {
    by_value: HashMap<(PhiKind, String), String>,
    by_token: HashMap<String, Vec<String>>,
    counters: HashMap<PhiKind, usize>,
}

impl std::fmt::Debug for Vault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Vault({} tokens)", self.by_token.len())
    }
}

impl Vault {
    fn token_for(&mut self, kind: PhiKind, value: &str) -> String {
        let key = (kind, value.to_lowercase());
        if let Some(t) = self.by_value.get(&key) {
            if let Some(forms) = self.by_token.get_mut(t) {
                forms.push(value.to_owned());
            }
            return t.clone();
        }
        let n = self.counters.entry(kind).or_insert(0);
        *n += 1;
        let token = format!("[{}_{}]", kind.label(), n);
        self.by_value.insert(key, token.clone());
        self.by_token.insert(token.clone(), vec![value.to_owned()]);
        token
    }

    /// The spelling for the `n`-th (from 0) occurrence of a token in model output.
    fn spelling(forms: &[String], n: usize) -> &str {
        if let Some(f) = forms.get(n) {
            return f;
        }
        let mut best: Option<(&str, usize)> = None;
        for f in forms {
            let count = forms.iter().filter(|g| *g == f).count();
            if best.is_none_or(|(_, c)| count > c) {
                best = Some((f, count));
            }
        }
        best.map_or("", |(f, _)| f)
    }

    /// How many distinct identifiers were replaced.
    pub fn len(&self) -> usize {
        self.by_token.len()
    }

    /// True when nothing was replaced.
    pub fn is_empty(&self) -> bool {
        self.by_token.is_empty()
    }

    /// Puts the originals back into model output.
    pub fn reidentify(&self, text: &str) -> String {
        let mut out = String::with_capacity(text.len());
        let mut seen: HashMap<&str, usize> = HashMap::new();
        let mut rest = text;
        while let Some(open) = rest.find('[') {
            out.push_str(&rest[..open]);
            let tail = &rest[open..];
            match tail
                .find(']')
                .map(|c| &tail[..=c])
                .and_then(|t| self.by_token.get_key_value(t))
            {
                Some((token, forms)) => {
                    let n = seen.entry(token.as_str()).or_insert(0);
                    out.push_str(Self::spelling(forms, *n));
                    *n += 1;
                    rest = &tail[token.len()..];
                }
                None => {
                    out.push('[');
                    rest = &tail[1..];
                }
            }
        }
        out.push_str(rest);
        out
    }

    /// Re-identifies every string inside a JSON value.
    pub fn reidentify_json(&self, value: &mut serde_json::Value) {
        match value {
            serde_json::Value::String(s) => *s = self.reidentify(s),
            serde_json::Value::Array(a) => a.iter_mut().for_each(|v| self.reidentify_json(v)),
            serde_json::Value::Object(o) => o.values_mut().for_each(|v| self.reidentify_json(v)),
            _ => {}
        }
    }
}

/// The guard for one request.
#[derive(Debug, Clone, Default)]
pub struct PhiGuard {
    known: KnownIdentifiers,
}

fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric()
}

/// Case-insensitive, word-bounded occurrences of `needle` in `hay` (ASCII case folding, so
/// byte offsets stay valid).
fn find_word(hay: &str, needle: &str) -> Vec<(usize, usize)> {
    let (h, n) = (hay.as_bytes(), needle.as_bytes());
    let mut out = Vec::new();
    if n.is_empty() || n.len() > h.len() {
        return out;
    }
    let mut i = 0;
    while i + n.len() <= h.len() {
        if h[i..i + n.len()].eq_ignore_ascii_case(n)
            && (i == 0 || !is_word_byte(h[i - 1]) || !is_word_byte(n[0]))
            && (i + n.len() == h.len()
                || !is_word_byte(h[i + n.len()])
                || !is_word_byte(n[n.len() - 1]))
            && hay.is_char_boundary(i)
            && hay.is_char_boundary(i + n.len())
        {
            out.push((i, i + n.len()));
            i += n.len();
        } else {
            i += 1;
        }
    }
    out
}

/// Masks our own `[KIND_n]` tokens (same byte length) so detectors skip them.
fn mask_tokens(text: &str) -> String {
    let mut out = text.to_owned();
    let bytes = text.as_bytes();
    let mut i = 0;
    while let Some(open) = text[i..].find('[').map(|o| o + i) {
        let close = text[open..].find(']').map(|c| c + open);
        let is_token = close.is_some_and(|c| {
            let inner = &text[open + 1..c];
            inner.split_once('_').is_some_and(|(k, n)| {
                !k.is_empty()
                    && k.bytes().all(|b| b.is_ascii_uppercase())
                    && !n.is_empty()
                    && n.bytes().all(|b| b.is_ascii_digit())
            })
        });
        match close {
            Some(c) if is_token => {
                out.replace_range(open..=c, &"#".repeat(c + 1 - open));
                i = c + 1;
            }
            _ => i = open + 1,
        }
        if i >= bytes.len() {
            break;
        }
    }
    out
}

/// Sorts spans and merges overlapping ones (the earlier span's kind wins).
fn merge(mut spans: Vec<Span>) -> Vec<Span> {
    spans.sort_by(|a, b| a.start.cmp(&b.start).then(b.end.cmp(&a.end)));
    let mut kept: Vec<Span> = Vec::new();
    for s in spans {
        match kept.last_mut() {
            Some(last) if s.start < last.end => last.end = last.end.max(s.end),
            _ => kept.push(s),
        }
    }
    kept
}

impl PhiGuard {
    /// A guard that also replaces `known` exactly.
    pub fn new(known: KnownIdentifiers) -> Self {
        PhiGuard { known }
    }

    /// Every span to replace in `text`: known identifiers, then detector hits; overlaps
    /// resolved longest-first.
    pub fn spans(&self, text: &str) -> Vec<Span> {
        let masked = mask_tokens(text);
        let text = masked.as_str();
        let mut spans: Vec<Span> = Vec::new();
        for (kind, value) in &self.known.entries {
            for (start, end) in find_word(text, value) {
                spans.push(Span {
                    start,
                    end,
                    kind: *kind,
                });
            }
        }
        spans.extend(detect::detect(text));
        let first = merge(spans);
        // Rules that need the spans found so far (an initial before a surname, a ZIP after an
        // address, "she is 93", "HAROLD (97)").
        let mut all = detect::in_context(text, &first);
        all.extend(first);
        merge(all)
    }

    /// Replaces identifiers in one text.
    pub fn scrub(&self, text: &str, vault: &mut Vault) -> String {
        let mut out = String::with_capacity(text.len());
        let mut at = 0;
        for s in self.spans(text) {
            out.push_str(&text[at..s.start]);
            out.push_str(&vault.token_for(s.kind, &text[s.start..s.end]));
            at = s.end;
        }
        out.push_str(&text[at..]);
        out
    }

    /// Checks that nothing identifiable is left; the error names only kinds.
    pub fn verify(&self, text: &str) -> Result<(), AiError> {
        let left = self.spans(text);
        if left.is_empty() {
            Ok(())
        } else {
            let mut kinds: Vec<&str> = left.iter().map(|s| s.kind.label()).collect();
            kinds.dedup();
            Err(AiError::new(
                AiErrorKind::PhiBlocked,
                format!("identifiers left after scrubbing: {}", kinds.join(",")),
            ))
        }
    }

    /// De-identifies every text of a prompt. Fails closed.
    pub fn deidentify(&self, prompt: Prompt) -> Result<(Deidentified<Prompt>, Vault), AiError> {
        let mut vault = Vault::default();
        let mut p = prompt;
        // A replacement can change a neighbour's context (a title now followed by another
        // word), so scrub until stable; `verify` below still fails closed.
        for _ in 0..3 {
            if let Some(s) = &p.system {
                p.system = Some(self.scrub(s, &mut vault));
            }
            for m in &mut p.messages {
                m.content = self.scrub(&m.content, &mut vault);
            }
        }
        for text in p.texts() {
            self.verify(text)?;
        }
        Ok((Deidentified(p), vault))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_identifiers_and_detectors_round_trip() {
        let known = KnownIdentifiers::new()
            .name("Maria Alvarez")
            .date(NaiveDate::from_ymd_opt(1961, 4, 9).unwrap())
            .id("A-77812");
        let guard = PhiGuard::new(known);
        let text = "maria alvarez (DOB 04/09/1961, MRN A-77812) called from 617-555-0199 about Maria's refill.";
        let (p, vault) = guard.deidentify(Prompt::user(text)).unwrap();
        let sent = &p.get().messages[0].content;
        for leaked in ["maria", "Maria", "alvarez", "1961", "77812", "555"] {
            assert!(!sent.contains(leaked), "{leaked} leaked in {sent}");
        }
        assert!(sent.contains("[NAME_1]"), "{sent}");
        assert_eq!(vault.reidentify(sent), text);
    }

    fn replaced(guard: &PhiGuard, text: &str) -> Vec<(PhiKind, String)> {
        guard
            .spans(text)
            .into_iter()
            .map(|s| (s.kind, text[s.start..s.end].to_owned()))
            .collect()
    }

    #[test]
    fn ages_over_89_spoken_dates_and_separated_ids() {
        let guard = PhiGuard::default();
        let cases: &[(&str, PhiKind, &str)] = &[
            ("a 92-year-old woman", PhiKind::Age, "92-year-old"),
            ("seen at age 95 today", PhiKind::Age, "age 95"),
            ("93 yo M with CHF", PhiKind::Age, "93 yo"),
            ("94yo f", PhiKind::Age, "94yo"),
            ("97 y/o male", PhiKind::Age, "97 y/o"),
            ("she is 93 and confused", PhiKind::Age, "93"),
            (
                "ninety-five years old",
                PhiKind::Age,
                "ninety-five years old",
            ),
            ("tiene 93 años", PhiKind::Age, "93 años"),
            (
                "born february 15th, 1979 in",
                PhiKind::Date,
                "february 15th, 1979",
            ),
            ("DOB 5, 7, 1961.", PhiKind::Date, "5, 7, 1961"),
            ("before 9/17 please", PhiKind::Date, "9/17"),
            ("since the 3rd of March", PhiKind::Date, "the 3rd of March"),
            (
                "nacio el 17 de septiembre de 1966",
                PhiKind::Date,
                "17 de septiembre de 1966",
            ),
            (
                "confused since tuesday the 14th.",
                PhiKind::Date,
                "tuesday the 14th",
            ),
            ("On Mon, Feb 12 she", PhiKind::Date, "Mon, Feb 12"),
            ("dob 08-08-1950", PhiKind::Date, "08-08-1950"),
            ("MRN 12-345-678 on file", PhiKind::Id, "12-345-678"),
            ("acct# 4411-22", PhiKind::Id, "4411-22"),
            ("MRN: M-003344", PhiKind::Id, "M-003344"),
            ("hi its john smith here", PhiKind::Name, "john smith"),
            ("my daughter beth drives", PhiKind::Name, "beth"),
            ("my grandson tyler came", PhiKind::Name, "tyler"),
            ("Mrs Holm, 95F, presented", PhiKind::Age, "95F"),
            (
                "how old are you now? ninety six in june",
                PhiKind::Age,
                "ninety six",
            ),
            ("Su hijo Andrés llamó", PhiKind::Name, "Andrés"),
            ("KEISHA BROWN CALLED", PhiKind::Name, "KEISHA BROWN"),
            (
                "number four one five five five five zero one three three",
                PhiKind::Phone,
                "four one five five five five zero one three three",
            ),
            (
                "lives at 250 Calle Sol now",
                PhiKind::Address,
                "250 Calle Sol",
            ),
            ("12 Elm Street, Springfield 01103", PhiKind::Zip, "01103"),
        ];
        for (text, kind, want) in cases {
            let found = replaced(&guard, text);
            assert!(
                found.iter().any(|(k, s)| k == kind && s == want),
                "{text}: {found:?}"
            );
        }
    }

    #[test]
    fn clinical_numbers_and_words_survive() {
        let guard = PhiGuard::default();
        for text in [
            "HR is 95 bpm, pulse was 92/min",
            "her pulse is 96.",
            "take 1/2 tab twice daily",
            "pain 7/10, strength 5/5",
            "moved to the 2nd floor",
            "her 89-year-old mother",
            "in the 2nd trimester",
            "BP 120/80, O2 sat 94%, glucose 110 mg/dL",
            "the nurse will check your pressure",
            "his doctor ordered labs",
            "i need it rn please",
            "I may be late",
            "my son will call, her daughter said ok",
            "temp 101F, fever to 102F",
            "how old is he? oxygen is ninety eight percent",
            "i dont know",
            "99214 OFFICE O/P EST MOD 30 MIN; modifiers: none",
            "WILL CALL BACK. MAY NEED REFILL.",
        ] {
            assert!(
                guard.spans(text).is_empty(),
                "{text}: {:?}",
                replaced(&guard, text)
            );
        }
    }

    #[test]
    fn providers_and_nicknames_from_the_chart() {
        let guard = PhiGuard::new(
            KnownIdentifiers::new()
                .name("Thomas O'Neil")
                .name("José Peña-Ruiz")
                .provider("Helen Park"),
        );
        let text =
            "tom oneil asked dr park; Helen said ok; routed to H. Park; jose pena and mr ruiz";
        let (p, _) = guard.deidentify(Prompt::user(text)).unwrap();
        let sent = &p.get().messages[0].content;
        for leaked in [
            "tom", "oneil", "park", "Helen", "H.", "Park", "jose", "pena", "ruiz",
        ] {
            assert!(!sent.contains(leaked), "{leaked} in {sent}");
        }
    }

    #[test]
    fn reidentification_keeps_each_occurrence_as_written() {
        let guard = PhiGuard::new(KnownIdentifiers::new().name("Smith"));
        let text = "SMITH, JOHN. Mr. Smith called; smith again.";
        let (p, vault) = guard.deidentify(Prompt::user(text)).unwrap();
        let sent = p.get().messages[0].content.clone();
        assert!(!sent.to_lowercase().contains("smith"), "{sent}");
        // The model echoes the input: every spelling comes back where it was.
        assert_eq!(vault.reidentify(&sent), text);
        // A token used more often than in the input: the n-th occurrence gets the n-th
        // spelling, then the most frequent one (first on a tie).
        let token = sent.split(',').next().unwrap().to_owned();
        let echo = format!("{token} {token} {token} {token}");
        assert_eq!(vault.reidentify(&echo), "SMITH Smith smith SMITH");
    }

    #[test]
    fn no_panic_on_arbitrary_text() {
        // Multi-byte letters next to digits, brackets and separators the scanners slice on.
        let alphabet: Vec<char> = "aZé ñ9 0(1)/-.,:#@[]_yoñ'\nÅ中🙂93 y.o.the 3rd de marzo Dr. MRN"
            .chars()
            .collect();
        let guard = PhiGuard::new(KnownIdentifiers::new().name("Ña Öz").provider("Li Wu"));
        let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
        for _ in 0..3000 {
            let len = (state % 40) as usize;
            let text: String = (0..len)
                .map(|_| {
                    state ^= state << 13;
                    state ^= state >> 7;
                    state ^= state << 17;
                    alphabet[(state % alphabet.len() as u64) as usize]
                })
                .collect();
            let (p, vault) = guard
                .deidentify(Prompt::user(text.clone()))
                .unwrap_or_else(|_| (Deidentified(Prompt::user(String::new())), Vault::default()));
            let _ = vault.reidentify(&p.get().messages[0].content);
        }
    }

    #[test]
    fn reidentify_leaves_unknown_brackets() {
        let guard = PhiGuard::default();
        let (p, vault) = guard
            .deidentify(Prompt::user("Call Mr. Smith at 555-123-4567"))
            .unwrap();
        let out = format!("{} [x] [NAME_9]", p.get().messages[0].content);
        assert_eq!(
            vault.reidentify(&out),
            "Call Mr. Smith at 555-123-4567 [x] [NAME_9]"
        );
    }
}
