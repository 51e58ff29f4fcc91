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
    /// An age over 89.
    Age,
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
            PhiKind::Age => "AGE",
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
    "mr",
    "mrs",
    "ms",
    "miss",
    "dr",
    "doctor",
    "mister",
    "sr",
    "sra",
    "srta",
    "nurse",
    "señor",
    "señora",
    "dra",
    "doctora",
    "don",
    "doña",
    "prof",
    "professor",
    "rn",
    "np",
    "lpn",
    "cna",
];
/// Titles that are also nouns ("the doctor", "my nurse").
const NOUN_TITLES: &[&str] = &[
    "doctor",
    "nurse",
    "doctora",
    "professor",
    "miss",
    "mister",
    "señor",
    "señora",
];
/// Titles that are also ordinary words or texting shorthand ("don't", "rn" = right now): they
/// count only when written with a capital.
const CAPITAL_TITLES: &[&str] = &["don", "doña", "rn", "np", "lpn", "cna"];
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
    "mrn",
    "record",
    "account",
    "acct",
    "member",
    "policy",
    "id",
    "chart",
    "license",
    "medicaid",
    "medicare",
    "expediente",
    "paciente",
    "patient",
    "claim",
    "subscriber",
    "case",
    "ref",
    "reference",
    "confirmation",
    "insurance",
    "ssn",
    "dl",
];
/// Spanish month names (dates written "5 de marzo de 1961").
const MESES: &[&str] = &[
    "enero",
    "febrero",
    "marzo",
    "abril",
    "mayo",
    "junio",
    "julio",
    "agosto",
    "septiembre",
    "setiembre",
    "octubre",
    "noviembre",
    "diciembre",
];
const WEEKDAYS: &[&str] = &[
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
    "mon",
    "tue",
    "tues",
    "wed",
    "thu",
    "thur",
    "thurs",
    "fri",
    "sat",
    "sun",
    "lunes",
    "martes",
    "miercoles",
    "miércoles",
    "jueves",
    "viernes",
    "sabado",
    "sábado",
    "domingo",
];
/// Street types written before the name ("Calle Sol", "Avenida Juárez").
const STREET_PREFIX: &[&str] = &[
    "calle", "avenida", "av", "camino", "paseo", "rua", "carrera",
];
/// Words after which a person is named: relatives and carers ("my son Diego", "su hija Ana").
pub(crate) const KIN: &[&str] = &[
    "son",
    "daughter",
    "wife",
    "husband",
    "mom",
    "mother",
    "dad",
    "father",
    "sister",
    "brother",
    "niece",
    "nephew",
    "grandson",
    "granddaughter",
    "grandma",
    "grandpa",
    "grandmother",
    "grandfather",
    "aunt",
    "uncle",
    "cousin",
    "partner",
    "fiance",
    "fiancee",
    "boyfriend",
    "girlfriend",
    "caregiver",
    "friend",
    "neighbor",
    "neighbour",
    "roommate",
    "stepson",
    "stepdaughter",
    "hijo",
    "hija",
    "esposo",
    "esposa",
    "mamá",
    "mama",
    "papá",
    "papa",
    "madre",
    "padre",
    "hermano",
    "hermana",
    "nieto",
    "nieta",
    "sobrino",
    "sobrina",
    "tío",
    "tio",
    "tía",
    "tia",
    "abuela",
    "abuelo",
    "amigo",
    "amiga",
    "cuidador",
    "cuidadora",
    "novio",
    "novia",
];
/// Ordinary words that follow a name or a relative word ("john is", "son said"): never taken
/// as a lower-case surname or name.
pub(crate) const COMMON: &[&str] = &[
    "a",
    "about",
    "after",
    "again",
    "all",
    "also",
    "am",
    "an",
    "and",
    "any",
    "are",
    "as",
    "at",
    "back",
    "be",
    "because",
    "been",
    "before",
    "being",
    "but",
    "by",
    "can",
    "cant",
    "could",
    "did",
    "didnt",
    "do",
    "does",
    "doesnt",
    "dont",
    "down",
    "each",
    "even",
    "ever",
    "every",
    "for",
    "from",
    "get",
    "gets",
    "got",
    "had",
    "has",
    "have",
    "having",
    "he",
    "her",
    "here",
    "him",
    "his",
    "how",
    "i",
    "if",
    "im",
    "in",
    "into",
    "is",
    "isnt",
    "it",
    "its",
    "just",
    "like",
    "me",
    "more",
    "most",
    "much",
    "must",
    "my",
    "need",
    "needs",
    "no",
    "not",
    "now",
    "of",
    "off",
    "ok",
    "okay",
    "on",
    "once",
    "only",
    "or",
    "other",
    "our",
    "out",
    "over",
    "please",
    "pls",
    "plz",
    "said",
    "says",
    "say",
    "she",
    "should",
    "since",
    "so",
    "some",
    "still",
    "such",
    "than",
    "thanks",
    "thank",
    "thx",
    "that",
    "the",
    "their",
    "them",
    "then",
    "there",
    "these",
    "they",
    "this",
    "those",
    "through",
    "to",
    "too",
    "under",
    "until",
    "up",
    "us",
    "very",
    "was",
    "wasnt",
    "we",
    "were",
    "what",
    "when",
    "where",
    "which",
    "while",
    "who",
    "why",
    "will",
    "with",
    "would",
    "yes",
    "yet",
    "you",
    "your",
    "btw",
    "lol",
    "fyi",
    "asap",
    "called",
    "calls",
    "calling",
    "came",
    "comes",
    "went",
    "goes",
    "took",
    "takes",
    "wants",
    "wanted",
    "feels",
    "felt",
    "seems",
    "looks",
    "reports",
    "reported",
    "states",
    "stated",
    "denies",
    "notes",
    "noted",
    "complains",
    "tolerated",
    "uses",
    "used",
    "lives",
    "lived",
    "walks",
    "eats",
    "sleeps",
    "brought",
    "brings",
    "drove",
    "drives",
    "texted",
    "left",
    "asked",
    "asks",
    "agrees",
    "agreed",
    "declined",
    "declines",
    "presented",
    "presents",
    "present",
    "visits",
    "visited",
    "wrote",
    "writes",
    "passed",
    "died",
    "fell",
    "falls",
    "helps",
    "helped",
    "stays",
    "stayed",
    "knows",
    "thinks",
    "think",
    "told",
    "tells",
    "needed",
    "picked",
    "dropped",
    "home",
    "today",
    "tonight",
    "yesterday",
    "tomorrow",
    "again",
    "well",
    "better",
    "worse",
    "sick",
    "ill",
    "fine",
    "ok",
    "sent",
    "send",
    "signed",
    "bedside",
    "hcp",
    "proxy",
    "poa",
    "aware",
    "informed",
    "notified",
    "present",
    "reviewed",
    "saw",
    "sees",
    "seen",
    "said",
    "x",
    "y",
    "e",
    "o",
    "de",
    "del",
    "la",
    "las",
    "el",
    "los",
    "que",
    "con",
    "por",
    "para",
    "su",
    "sus",
    "es",
    "esta",
    "está",
    "tiene",
    "dijo",
    "llamo",
    "llamó",
    "quiere",
    "pregunta",
    "dice",
    "vino",
    "no",
    "si",
    "sí",
    "ya",
    "me",
    "mi",
    "se",
    "lo",
    "le",
    "un",
    "una",
    "en",
    "al",
    "pero",
    "también",
    "tambien",
    "cuida",
    "ayuda",
    "re",
    "fw",
    "fwd",
    "patient",
    "pt",
    "per",
    "next",
    "pcp",
    "dob",
    "mrn",
    "bp",
    "hr",
    "age",
    "fecha",
    "dolor",
    "line",
    "nacio",
    "nació",
    "name",
    "nombre",
    "subject",
    "sent",
    "date",
    "phone",
    "fax",
    "cell",
    "email",
    "call",
    "attending",
    "referring",
    "reason",
    "hpi",
    "cc",
    "dx",
    "hx",
    "rx",
    "pmh",
    "ros",
    "soap",
    "plan",
    "note",
    "notes",
    "seen",
    "follow",
    "dear",
    "hi",
    "hello",
    "hey",
    "hola",
    "regards",
    "sincerely",
    "cc",
    "attn",
    "pcp",
    "ems",
    "icu",
    "er",
    "ed",
    "or",
    "np",
    "md",
    "do",
    "pa",
    "rn",
    "dr",
    "mr",
    "mrs",
    "ms",
    "per",
    "come",
    "tell",
    "ordered",
    "check",
    "go",
    "see",
    "let",
    "make",
    "take",
    "give",
    "know",
    "look",
    "talk",
    "keep",
    "start",
    "stop",
    "try",
    "put",
    "bring",
    "run",
    "turn",
    "use",
    "work",
    "ask",
    "feel",
    "want",
    "gonna",
    "wanna",
    "gon",
    "na",
    "let's",
    "lets",
    "okay",
    "alright",
    "right",
    "so",
    "um",
    "uh",
    "yeah",
    "mm",
    "hmm",
    "sure",
    "good",
    "great",
    "orders",
    "checks",
    "recommends",
    "recommended",
    "prescribed",
    "started",
    "stopped",
    "increased",
    "decreased",
    "refilled",
    "wrote",
    "writes",
    "examined",
    "explained",
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
    "will",
    "mark",
    "may",
    "june",
    "april",
    "grace",
    "hope",
    "joy",
    "bill",
    "rose",
    "faith",
    "pat",
    "sue",
    "art",
    "dawn",
    "ray",
    "jack",
    "frank",
    "summer",
    "bob",
    "rich",
    "guy",
    "sandy",
    "max",
    "miles",
    "chase",
    "drew",
    "gene",
    "iris",
    "lily",
    "ruby",
    "amber",
    "crystal",
    "destiny",
    "harmony",
    "autumn",
    "sky",
    "rusty",
    "penny",
    "holly",
    "august",
    "don",
    "dean",
    "bishop",
    "page",
    "reed",
    "wade",
    "glen",
    "carol",
    "heather",
    "ivy",
    "jean",
    "angel",
    "forest",
    "hunter",
    "cash",
    "king",
    "major",
    "precious",
    "sterling",
    "tony",
    "ella",
    "dolores",
    "mia",
    "luz",
    "clara",
    "young",
    "min",
    "li",
    "ji",
    "jun",
    "al",
    "ed",
    "dan",
    "deb",
    "meg",
    "ali",
    "sam",
    "ben",
    "rick",
    "dick",
    "chuck",
    "harry",
    "pete",
    "bella",
    "luna",
    "esperanza",
    "pilar",
    "rosa",
    "consuelo",
    "mercedes",
    "stella",
    "violet",
    "willow",
    "serenity",
    "hazel",
    "kai",
    "ted",
    "soo",
    "hong",
    "mei",
    "yan",
    "lin",
    "andre",
    "paola",
    "nina",
    "sunny",
    "amina",
    "ling",
    "yong",
    "hao",
    "jie",
    "xin",
    "hui",
    "ming",
    "jin",
    "seo",
    "luke",
    "mason",
    "parker",
    "carter",
    "cooper",
    "jordan",
    "austin",
    "tyler",
    "taylor",
    "cole",
    "blake",
    "hudson",
    "marion",
    "vera",
    "earl",
    "norman",
    "ernest",
    "irving",
    "sidney",
    "miller",
    "lincoln",
    "kennedy",
    "addison",
    "harper",
    "savannah",
    "brooklyn",
    "madison",
    "paisley",
    "skylar",
    "nevaeh",
    "everly",
    "sadie",
    "mike",
    "nick",
    "matt",
    "chris",
    "joe",
    "bobby",
    "billy",
    "jimmy",
    "eddie",
    "andy",
    "phil",
    "fred",
    "larry",
    "jerry",
    "terry",
    "gary",
    "barry",
    "kate",
    "liz",
    "peggy",
    "maggie",
    "becky",
    "tina",
    "gina",
    "tara",
    "bridget",
    "delilah",
    "ivy",
    "axel",
    "asher",
    "angel",
    "hunter",
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

fn first_names() -> &'static std::collections::HashSet<&'static str> {
    static SET: std::sync::OnceLock<std::collections::HashSet<&'static str>> =
        std::sync::OnceLock::new();
    SET.get_or_init(|| FIRST_NAMES.lines().map(str::trim).collect())
}

fn is_first_name(w: &str) -> bool {
    let lower = w.to_lowercase();
    let listed = first_names().contains(lower.as_str());
    listed && (!AMBIGUOUS.contains(&lower.as_str()) || capitalised(w))
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
    spoken_dates(text, &ws, &mut spans);
    spoken_phones(text, &ws, &mut spans);
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
            || ((run.contains('-') || run.contains('.'))
                && !run.contains('/')
                && matches!(lens.as_slice(), [1 | 2, 1 | 2, 4])
                && plausible_md(&groups)
                && groups[2]
                    .parse::<u32>()
                    .is_ok_and(|y| (1880..=2100).contains(&y)))
            || (run.contains('/')
                && !run.contains(['-', ' ', '.'])
                && matches!(lens.as_slice(), [1 | 2, 1 | 2])
                && plausible_md(&groups)
                && (!fraction_like(&groups) || date_cue_before(text, i)))
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

/// "1/2", "3/4", "5/5", "7/10": a dose fraction, a strength grade or a pain score, not a
/// month/day.
fn fraction_like(groups: &[&str]) -> bool {
    let a: u32 = groups[0].parse().unwrap_or(0);
    let b: u32 = groups[1].parse().unwrap_or(0);
    [2, 3, 4, 5, 10].contains(&b) && a <= b
}

/// A word that introduces a date just before byte `at` ("on 4/5", "since 3/4", "el 2/3").
fn date_cue_before(text: &str, at: usize) -> bool {
    let before = text[..at].trim_end();
    let word: String = before
        .chars()
        .rev()
        .take_while(|c| c.is_alphabetic())
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    [
        "on", "since", "before", "after", "until", "by", "from", "dated", "el", "del", "dia",
        "día", "desde", "hasta", "born", "dob", "dos",
    ]
    .contains(&word.to_lowercase().as_str())
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
            // The id may be written with separators ("12-345-678", "MR-2231-77") after filler
            // ("MRN #", "acct no.", "número de paciente es").
            for n in ws.iter().skip(i + 1).take(3) {
                let (s, e) = id_token(text, n.start);
                if text[s..e].bytes().filter(u8::is_ascii_digit).count() >= 4 {
                    out.push(Span {
                        start: s,
                        end: e,
                        kind: PhiKind::Id,
                    });
                    break;
                }
            }
        }
        if all_digits(w.text)
            && w.text.len() <= 6
            && let Some(p) = ws.get(i + 1)
            && STREET_PREFIX.contains(&p.text.to_lowercase().as_str())
            && let Some(n) = ws.get(i + 2)
            && name_like(n.text)
        {
            let mut end = n.end;
            if let Some(m) = ws.get(i + 3)
                && capitalised(m.text)
                && only(&text[n.end..m.start], &[' '])
            {
                end = m.end;
            }
            out.push(Span {
                start: w.start,
                end,
                kind: PhiKind::Address,
            });
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

/// A word written like a name: `Smith`, `O'Neil` parts, or all capitals (`SMITH`) when it is
/// not an ordinary word.
fn name_like(w: &str) -> bool {
    capitalised(w)
        || (w.chars().count() >= 2
            && w.chars().all(|c| c.is_alphabetic() && c.is_uppercase())
            && !COMMON.contains(&w.to_lowercase().as_str())
            && !TITLES.contains(&w.to_lowercase().as_str()))
}

/// An ordinary word, month, weekday, relative or title: not part of a name even when
/// capitalised.
fn never_capitalised_name(lower: &str) -> bool {
    COMMON.contains(&lower)
        || NOT_NAMES.contains(&lower)
        || MONTHS.contains(&lower)
        || MESES.contains(&lower)
        || WEEKDAYS.contains(&lower)
        || KIN.contains(&lower)
        || TITLES.contains(&lower)
}

/// As [`never_capitalised_name`], plus clinical words: never a name written in lower case.
fn never_name(lower: &str) -> bool {
    never_capitalised_name(lower)
        || CLINICAL_TERMS.contains(&lower)
        || CLINICAL_QUALIFIERS.contains(&lower)
}

fn is_title(w: &str) -> bool {
    let lower = w.to_lowercase();
    TITLES.contains(&lower.as_str())
        && (!CAPITAL_TITLES.contains(&lower.as_str())
            || w.chars().next().is_some_and(char::is_uppercase))
}

/// The id starting at byte `start`: letters, digits and inner separators (`-`, `/`, `.`).
fn id_token(text: &str, start: usize) -> (usize, usize) {
    let b = text.as_bytes();
    let mut e = start;
    while e < b.len()
        && (b[e].is_ascii_alphanumeric()
            || (b"-/.".contains(&b[e]) && b.get(e + 1).is_some_and(u8::is_ascii_alphanumeric)))
    {
        e += 1;
    }
    (start, e)
}

fn names(ws: &[Word<'_>], text: &str, out: &mut Vec<Span>) {
    for (i, w) in ws.iter().enumerate() {
        let lower = w.text.to_lowercase();
        let after_title = is_title(w.text);
        let after_kin = KIN.contains(&lower.as_str());
        let first = is_first_name(w.text) && !starts_clinical_phrase(ws, i, text);
        if !after_title && !first && !after_kin {
            continue;
        }
        let (mut start, mut end) = if after_title || after_kin {
            (None, 0)
        } else {
            (Some(w.start), w.end)
        };
        for (j, n) in ws.iter().enumerate().skip(i + 1).take(2) {
            let gap = &text[end.max(w.end)..n.start];
            // A relative's name may follow a possessive or a colon ("son: Diego").
            let prev_initial = j > 0 && ws[j - 1].text.chars().count() == 1;
            let gap_ok = if after_kin && start.is_none() {
                gap.chars().all(|c| matches!(c, ' ' | ',' | ':' | '('))
            } else if start.is_none() || prev_initial {
                // "Dr. Kim", "John Q. Public"
                gap.chars().all(|c| c == ' ' || c == '.')
            } else {
                // a full stop after a surname ends the name ("Castillo. Dolor lumbar")
                gap.chars().all(|c| c == ' ')
            };
            if !gap_ok || gap.is_empty() {
                break;
            }
            let nl = n.text.to_lowercase();
            if starts_clinical_phrase(ws, j, text) || !n.text.chars().all(char::is_alphabetic) {
                break;
            }
            // "dr. flores" may be lower case; after a title that is also a noun ("the nurse
            // check", "his doctor tell") the name must look like one.
            let noun_title = NOUN_TITLES.contains(&lower.as_str());
            let title_name = after_title
                && start.is_none()
                && !never_capitalised_name(&nl)
                && !(CAPITAL_TITLES.contains(&lower.as_str()) && gap.contains('.'))
                && n.text.chars().count() > 1
                && (!noun_title || name_like(n.text) || is_first_name(n.text));
            // After a relative word a listed first name counts even in lower case and even
            // when it is also an ordinary word ("my grandson tyler", "daughter carol").
            let kin_name = after_kin
                && start.is_none()
                && !never_name(&nl)
                && (name_like(n.text) || first_names().contains(nl.as_str()));
            // "john smith": one lower-case surname after a detected first name.
            let lower_surname = first
                && start.is_some()
                && end == w.end
                && n.text.chars().all(char::is_lowercase)
                && n.text.chars().count() >= 2
                && !never_name(&nl);
            let cap = name_like(n.text) && !never_capitalised_name(&nl);
            if title_name || kin_name || lower_surname || (start.is_some() || after_title) && cap {
                start.get_or_insert(n.start);
                end = n.end;
                if lower_surname {
                    break;
                }
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

/// A day of the month written `15`, `15th`, `3rd`, `1st`.
fn day_of_month(w: &str) -> Option<u32> {
    let lower = w.to_lowercase();
    let digits = ["st", "nd", "rd", "th"]
        .iter()
        .find_map(|s| lower.strip_suffix(s))
        .unwrap_or(&lower);
    if digits.is_empty() || digits.len() > 2 || !all_digits(digits) {
        return None;
    }
    digits.parse().ok().filter(|d| (1..=31).contains(d))
}

fn has_ordinal_suffix(w: &str) -> bool {
    day_of_month(w).is_some() && !all_digits(w)
}

fn is_year(w: &str) -> bool {
    w.len() == 4 && all_digits(w) && w.parse::<u32>().is_ok_and(|y| (1880..=2100).contains(&y))
}

fn only(gap: &str, allowed: &[char]) -> bool {
    gap.chars().all(|c| allowed.contains(&c))
}

/// Spoken and ordinal dates: "February 15th, 1979", "the 3rd of March", "tuesday the 14th",
/// "17 de septiembre de 1966", "5, 7, 1961"; a weekday written just before a date joins it.
fn spoken_dates(text: &str, ws: &[Word<'_>], out: &mut Vec<Span>) {
    let mut found: Vec<(usize, usize)> = Vec::new();
    for (i, w) in ws.iter().enumerate() {
        let lower = w.text.to_lowercase();
        let gap = |a: usize, b: usize| &text[ws[a].end..ws[b].start];
        // English month with an ordinal day after it (any case, even "may 20th").
        if MONTHS.contains(&lower.as_str())
            && let Some(n) = ws.get(i + 1)
            && only(gap(i, i + 1), &[' ', '.'])
            && (has_ordinal_suffix(n.text)
                || (day_of_month(n.text).is_some()
                    && ws.get(i + 2).is_some_and(|y| is_year(y.text))
                    && only(gap(i + 1, i + 2), &[' ', ','])))
        {
            let mut end = n.end;
            if let Some(y) = ws.get(i + 2)
                && is_year(y.text)
                && only(gap(i + 1, i + 2), &[' ', ','])
            {
                end = y.end;
            }
            found.push((w.start, end));
        }
        // A day spelled out after the month: "september seventeenth", "August twenty-first",
        // "March 3rd" is above. "may first" in lower case is a verb phrase as often as a date,
        // so lower-case "may" needs a capital or a date word before it.
        if MONTHS.contains(&lower.as_str())
            && (lower != "may"
                || w.text.starts_with('M')
                || date_cue_before(text, w.start)
                || preceded_by_birthday(text, w.start))
            && ws.get(i + 1).is_some()
            && only(gap(i, i + 1), &[' ', '.'])
            && let Some(last) = spelled_ordinal_day(text, ws, i + 1)
        {
            let mut end = ws[last].end;
            if let Some(y) = ws.get(last + 1)
                && is_year(y.text)
                && only(gap(last, last + 1), &[' ', ','])
            {
                end = y.end;
            }
            found.push((w.start, end));
        }
        // "the seventeenth of September", "fourth of July".
        if let Some(last) = spelled_ordinal_day(text, ws, i)
            && let (Some(of), Some(m)) = (ws.get(last + 1), ws.get(last + 2))
            && of.text.eq_ignore_ascii_case("of")
            && MONTHS.contains(&m.text.to_lowercase().as_str())
        {
            let mut end = m.end;
            if let Some(y) = ws.get(last + 3)
                && is_year(y.text)
                && only(gap(last + 2, last + 3), &[' ', ','])
            {
                end = y.end;
            }
            found.push((w.start, end));
        }
        // "3rd of March", "the 4th of july".
        if has_ordinal_suffix(w.text)
            && let (Some(of), Some(m)) = (ws.get(i + 1), ws.get(i + 2))
            && of.text.eq_ignore_ascii_case("of")
            && MONTHS.contains(&m.text.to_lowercase().as_str())
        {
            let mut end = m.end;
            if let Some(y) = ws.get(i + 3)
                && is_year(y.text)
                && only(gap(i + 2, i + 3), &[' ', ','])
            {
                end = y.end;
            }
            found.push((w.start, end));
        }
        // "the 21st." / "on the 9th" / "tuesday the 14th": an ordinal day not followed by a
        // noun ("the 2nd floor" is not a date).
        if lower == "the"
            && let Some(n) = ws.get(i + 1)
            && has_ordinal_suffix(n.text)
            && only(gap(i, i + 1), &[' '])
        {
            let next = text[n.end..].trim_start_matches(' ');
            let next_word = ws.get(i + 2).map(|x| x.text.to_lowercase());
            if !next.starts_with(|c: char| c.is_alphanumeric())
                || next_word.as_deref().is_some_and(|x| {
                    ["at", "or", "and", "of", "in", "please", "pls", "then"].contains(&x)
                })
            {
                found.push((w.start, n.end));
            }
        }
        // Spanish: "5 de marzo", "17 de septiembre de 1966", "el 1 de agosto".
        if MESES.contains(&lower.as_str())
            && i >= 2
            && ws[i - 1].text.eq_ignore_ascii_case("de")
            && day_of_month(ws[i - 2].text).is_some()
        {
            let mut end = w.end;
            if let (Some(de), Some(y)) = (ws.get(i + 1), ws.get(i + 2))
                && de.text.eq_ignore_ascii_case("de")
                && is_year(y.text)
            {
                end = y.end;
            }
            found.push((ws[i - 2].start, end));
        }
        // "5, 7, 1961": month, day, year separated by commas.
        if all_digits(w.text)
            && w.text.len() <= 2
            && let (Some(d), Some(y)) = (ws.get(i + 1), ws.get(i + 2))
            && all_digits(d.text)
            && d.text.len() <= 2
            && is_year(y.text)
            && only(gap(i, i + 1), &[',', ' '])
            && only(gap(i + 1, i + 2), &[',', ' '])
            && gap(i, i + 1).contains(',')
            && plausible_md(&[w.text, d.text])
        {
            found.push((w.start, y.end));
        }
    }
    for (start, end) in found {
        out.push(Span {
            start: with_weekday(text, ws, start),
            end,
            kind: PhiKind::Date,
        });
    }
}

/// Ordinal day words, 1st to 19th, then the tens.
const ORDINAL_DAYS: &[&str] = &[
    "first",
    "second",
    "third",
    "fourth",
    "fifth",
    "sixth",
    "seventh",
    "eighth",
    "ninth",
    "tenth",
    "eleventh",
    "twelfth",
    "thirteenth",
    "fourteenth",
    "fifteenth",
    "sixteenth",
    "seventeenth",
    "eighteenth",
    "nineteenth",
    "twentieth",
    "thirtieth",
];

/// A day of the month spelled out as an ordinal starting at word `i` ("fourth",
/// "twenty-first", "thirty first"): the index of its last word.
fn spelled_ordinal_day(text: &str, ws: &[Word<'_>], i: usize) -> Option<usize> {
    let w = ws.get(i)?.text.to_lowercase();
    if ORDINAL_DAYS.contains(&w.as_str()) {
        return Some(i);
    }
    if w == "twenty" || w == "thirty" {
        let next = ws.get(i + 1)?;
        let unit = next.text.to_lowercase();
        let units = if w == "twenty" {
            &ORDINAL_DAYS[..9]
        } else {
            &ORDINAL_DAYS[..1]
        };
        if only(&text[ws[i].end..next.start], &[' ', '-']) && units.contains(&unit.as_str()) {
            return Some(i + 1);
        }
    }
    None
}

/// "birthday is", "birthday's", "born" just before byte `at`.
fn preceded_by_birthday(text: &str, at: usize) -> bool {
    let before = text[..at].trim_end().to_lowercase();
    ["birthday is", "birthday's", "birthday", "born", "born on"]
        .iter()
        .any(|cue| before.ends_with(cue))
}

/// Moves `start` back over a weekday written just before it ("Mon, Feb 12", "Friday, October 4").
fn with_weekday(text: &str, ws: &[Word<'_>], start: usize) -> usize {
    let Some(i) = ws.iter().position(|w| w.start == start) else {
        return start;
    };
    match i.checked_sub(1).map(|p| &ws[p]) {
        Some(p)
            if WEEKDAYS.contains(&p.text.to_lowercase().as_str())
                && only(&text[p.end..start], &[' ', ',', '.']) =>
        {
            p.start
        }
        _ => start,
    }
}

const SPELLED_UNITS: &[&str] = &[
    "one", "two", "three", "four", "five", "six", "seven", "eight", "nine",
];

/// Ages over 89 (HIPAA): "92-year-old", "93 yo", "94yo", "age 95", "Age: 96", "93 años",
/// "ninety-five years old", "she is 93" (after a person), "HAROLD (97)" (after a name).
/// `is_name_end(byte)`: whether a name span ends at that byte (for the last two forms).
pub(crate) fn ages(text: &str, spans: &[Span]) -> Vec<Span> {
    let ws = words(text);
    let mut out = Vec::new();
    let name_ends_at = |b: usize| {
        spans
            .iter()
            .any(|s| s.kind == PhiKind::Name && s.end <= b && text[s.end..b].trim().is_empty())
    };
    const PERSON: &[&str] = &[
        "he",
        "she",
        "patient",
        "pt",
        "who",
        "mom",
        "dad",
        "mother",
        "father",
        "grandma",
        "grandpa",
        "grandmother",
        "grandfather",
        "husband",
        "wife",
        "i",
        "im",
        "am",
        "ella",
        "él",
        "el",
        "paciente",
    ];
    const AFTER: &[&str] = &[
        "year", "years", "yr", "yrs", "yo", "yoa", "años", "anos", "year-old", "yearold",
    ];
    const BEFORE: &[&str] = &[
        "age", "aged", "turned", "turning", "turns", "edad", "cumplió", "cumplio",
    ];
    let mut i = 0;
    while i < ws.len() {
        let w = &ws[i];
        let lower = w.text.to_lowercase();
        // The number: digits (maybe glued to "yo"), or "ninety[-one]".
        let (value, mut last, glued) = if let Some(n) = lower
            .strip_suffix("yo")
            .or_else(|| lower.strip_suffix("yrs"))
            .or_else(|| lower.strip_suffix("y"))
            .filter(|d| !d.is_empty() && all_digits(d))
        {
            (n.parse::<u32>().ok(), i, true)
        } else if let Some(n) = lower
            .strip_suffix('f')
            .or_else(|| lower.strip_suffix('m'))
            .filter(|d| !d.is_empty() && all_digits(d))
            .filter(|_| age_sex_position(text, &ws, i, &name_ends_at))
        {
            // "Mrs Holm, 95F, presented": age and sex in clinical shorthand (not "temp 101F").
            (n.parse::<u32>().ok(), i, true)
        } else if all_digits(w.text) && w.text.len() <= 3 {
            (w.text.parse::<u32>().ok(), i, false)
        } else if lower == "ninety" {
            let unit = ws
                .get(i + 1)
                .and_then(|n| {
                    SPELLED_UNITS
                        .iter()
                        .position(|u| *u == n.text.to_lowercase())
                })
                .filter(|_| only(&text[w.end..ws[i + 1].start], &[' ', '-']));
            match unit {
                Some(u) => (Some(91 + u as u32), i + 1, false),
                None => (Some(90), i, false),
            }
        } else {
            i += 1;
            continue;
        };
        if !value.is_some_and(|v| (90..=125).contains(&v)) {
            i += 1;
            continue;
        }
        let next = |k: usize| ws.get(k).map(|n| n.text.to_lowercase());
        let mut is_age = glued;
        let mut start = w.start;
        // A spelled "ninety six" answering an age question just before ("how old are you").
        let spoken_unit = next(last + 1).is_some_and(|n| {
            [
                "percent",
                "over",
                "degrees",
                "beats",
                "breaths",
                "milligrams",
                "pounds",
                "kilos",
                "units",
                "point",
                "hundred",
                "thousand",
                "minutes",
                "seconds",
                "mg",
            ]
            .contains(&n.as_str())
        });
        if lower == "ninety" && !spoken_unit && !text[ws[last].end..].starts_with(['%', '/']) {
            let from = w.start.saturating_sub(80);
            let from = (from..w.start)
                .find(|b| text.is_char_boundary(*b))
                .unwrap_or(w.start);
            let asked = words(&text[from..w.start])
                .iter()
                .any(|x| ["old", "age", "edad", "años"].contains(&x.text.to_lowercase().as_str()));
            is_age |= asked;
        }
        // after: "year(s) old", "yo", "y/o", "y.o.", "años"
        if let Some(n) = next(last + 1)
            && only(&text[ws[last].end..ws[last + 1].start], &[' ', '-'])
        {
            if AFTER.contains(&n.as_str()) {
                is_age = true;
                last += 1;
                if next(last + 1).as_deref() == Some("old") {
                    last += 1;
                }
            } else if n == "y" && next(last + 2).as_deref() == Some("o") {
                is_age = true;
                last += 2;
            }
        }
        if !is_age && i > 0 {
            let p = ws[i - 1].text.to_lowercase();
            let gap = &text[ws[i - 1].end..w.start];
            if BEFORE.contains(&p.as_str()) && only(gap, &[' ', ':', '-']) {
                is_age = true;
                if p == "age" || p == "aged" || p == "edad" {
                    start = ws[i - 1].start;
                }
            } else {
                // "she is 93" / "Margaret is 95" (not "pulse is 95 bpm"), "HAROLD (97)".
                let after_person = ["is", "was", "tiene", "now"].contains(&p.as_str())
                    && only(gap, &[' '])
                    && i >= 2
                    && (PERSON.contains(&ws[i - 2].text.to_lowercase().as_str())
                        || name_ends_at(ws[i - 1].start))
                    && !followed_by_unit(text, ws[last].end);
                let after_name = gap.ends_with('(')
                    && text[ws[last].end..].starts_with(')')
                    && name_ends_at(w.start - 1);
                is_age = after_person || after_name;
            }
        }
        if is_age {
            let mut end = ws[last].end;
            if text[end..].starts_with('.') && text[..end].ends_with('o') {
                end += 1;
            }
            out.push(Span {
                start,
                end,
                kind: PhiKind::Age,
            });
            i = last + 1;
        } else {
            i += 1;
        }
    }
    out
}

/// Whether word `i` ("95F") sits where shorthand age+sex is written: after a comma, an
/// opening bracket, a line start, a name or "pt", and not after a temperature word.
fn age_sex_position(
    text: &str,
    ws: &[Word<'_>],
    i: usize,
    name_ends_at: &dyn Fn(usize) -> bool,
) -> bool {
    let before = text[..ws[i].start].trim_end_matches(' ');
    let prev = i
        .checked_sub(1)
        .map(|p| ws[p].text.to_lowercase())
        .unwrap_or_default();
    let temperature = [
        "temp",
        "temperature",
        "t",
        "tmax",
        "fever",
        "febrile",
        "of",
        "to",
        "at",
        "was",
        "is",
        "f",
        "c",
    ]
    .contains(&prev.as_str());
    !temperature
        && (before.is_empty()
            || before.ends_with([',', '(', '\n', ':'])
            || name_ends_at(ws[i].start)
            || ["pt", "patient"].contains(&prev.as_str()))
}

/// Whether a measurement unit follows byte `at` ("95 bpm", "95%", "93/60", "92 mg").
fn followed_by_unit(text: &str, at: usize) -> bool {
    let rest = text[at..].trim_start();
    if rest.starts_with(['%', '/', '.', '°']) && !rest.starts_with(". ") && rest != "." {
        return true;
    }
    let word: String = rest
        .chars()
        .take_while(|c| c.is_alphabetic())
        .collect::<String>()
        .to_lowercase();
    [
        "bpm",
        "mg",
        "mcg",
        "g",
        "kg",
        "lb",
        "lbs",
        "pounds",
        "percent",
        "degrees",
        "f",
        "c",
        "mmhg",
        "ml",
        "units",
        "u",
        "over",
        "beats",
        "breaths",
        "minutes",
        "min",
        "mins",
        "seconds",
        "sec",
        "hours",
        "hrs",
        "days",
        "mm",
        "cm",
        "in",
        "inches",
        "ng",
        "iu",
        "meq",
        "mmol",
        "percentile",
        "points",
        "score",
    ]
    .contains(&word.as_str())
}

/// A phone number read out digit by digit ("four one five five five five zero one ...").
fn spoken_phones(text: &str, ws: &[Word<'_>], out: &mut Vec<Span>) {
    let digit = |w: &str| {
        let l = w.to_lowercase();
        SPELLED_UNITS.contains(&l.as_str()) || l == "zero" || l == "oh"
    };
    let mut i = 0;
    while i < ws.len() {
        let mut j = i;
        while j < ws.len()
            && digit(ws[j].text)
            && (j == i || only(&text[ws[j - 1].end..ws[j].start], &[' ', '-', ',']))
        {
            j += 1;
        }
        if j - i >= 7 {
            out.push(Span {
                start: ws[i].start,
                end: ws[j - 1].end,
                kind: PhiKind::Phone,
            });
        }
        i = j.max(i + 1);
    }
}

/// Identifiers that depend on spans already found: an initial before a name ("S. Wright"), a
/// capitalised given name before a surname ("Ellen Bell"), a ZIP code after a street address,
/// and ages (see [`ages`]).
pub(crate) fn in_context(text: &str, spans: &[Span]) -> Vec<Span> {
    let ws = words(text);
    let mut out = ages(text, spans);
    for s in spans {
        let Some(i) = ws.iter().position(|w| w.start == s.start) else {
            continue;
        };
        if s.kind == PhiKind::Name && i > 0 {
            let p = &ws[i - 1];
            let gap = &text[p.end..s.start];
            let initial = p.text.chars().count() == 1
                && p.text.chars().all(char::is_uppercase)
                && gap == ". ";
            let given = gap == " "
                && name_like(p.text)
                && !never_name(&p.text.to_lowercase())
                && p.text.chars().all(char::is_alphabetic);
            if initial || given {
                out.push(Span {
                    start: p.start,
                    end: s.end,
                    kind: PhiKind::Name,
                });
            }
        }
    }
    for s in spans.iter().filter(|s| s.kind == PhiKind::Date) {
        let start = with_weekday(text, &ws, s.start);
        if start < s.start {
            out.push(Span {
                start,
                end: s.end,
                kind: PhiKind::Date,
            });
        }
    }
    for (i, w) in ws.iter().enumerate() {
        if w.text.len() == 5 && all_digits(w.text) && i > 0 {
            let after_address = spans.iter().any(|s| {
                s.kind == PhiKind::Address
                    && s.end <= w.start
                    && w.start - s.end <= 40
                    && !text[s.end..w.start].contains(['\n', '.'])
            });
            if after_address {
                out.push(Span {
                    start: w.start,
                    end: w.end,
                    kind: PhiKind::Zip,
                });
            }
        }
    }
    out
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
    fn spelled_ordinals_outside_dates_are_not_dates() {
        for text in [
            "you may first take the tablet with food",
            "first of all, the second dose is due",
            "the third visit in march was fine",
            "twenty first-time patients",
        ] {
            assert!(
                !kinds(text).iter().any(|(k, _)| *k == PhiKind::Date),
                "{text:?}: {:?}",
                kinds(text)
            );
        }
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
            (
                "yes, september seventeenth.",
                PhiKind::Date,
                "september seventeenth",
            ),
            (
                "born August twenty-first, 1950 in",
                PhiKind::Date,
                "August twenty-first, 1950",
            ),
            ("on the fourth of july we", PhiKind::Date, "fourth of july"),
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
