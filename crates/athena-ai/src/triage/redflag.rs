//! Deterministic red flags: phrases that force a message to `emergent` whatever the model
//! says. Text is normalised (case, accents, punctuation), phrases come in synonym lists
//! (English and Spanish), and each word may be off by a small edit distance (typos,
//! transpositions). A negation just before a phrase ("no chest pain") suppresses it.

/// A red-flag class.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RedFlag {
    /// Chest pain or pressure, heart attack.
    ChestPain,
    /// Stroke signs (face droop, slurred speech, one-sided weakness, worst headache).
    Stroke,
    /// Suicidal thoughts or self-harm.
    Suicidal,
    /// Anaphylaxis (throat/tongue swelling after exposure).
    Anaphylaxis,
    /// Severe breathing difficulty.
    Breathing,
    /// Severe bleeding, vomiting or coughing blood.
    SevereBleeding,
    /// Fainting, seizure, unresponsiveness, overdose.
    Collapse,
}

const PHRASES: &[(RedFlag, &[&str])] = &[
    (
        RedFlag::ChestPain,
        &[
            "chest pain",
            "chest pains",
            "chest pressure",
            "chest tightness",
            "chest hurts",
            "chest is hurting",
            "pain in my chest",
            "pressure in my chest",
            "tightness in my chest",
            "tight chest",
            "crushing chest",
            "heart attack",
            "elephant on my chest",
            "pain going down my left arm",
            "pain radiating to my arm",
            "dolor de pecho",
            "dolor en el pecho",
            "presion en el pecho",
            "me duele el pecho",
            "ataque al corazon",
            "dolor en el pecho",
            "opresion en el pecho",
        ],
    ),
    (
        RedFlag::Stroke,
        &[
            "face drooping",
            "face droop",
            "face is drooping",
            "facial droop",
            "droopy face",
            "side of my face",
            "half my face",
            "slurred speech",
            "slurring my words",
            "slurring words",
            "speech is slurred",
            "cant speak",
            "cant talk right",
            "trouble speaking",
            "weakness on one side",
            "one side weak",
            "one side of my body",
            "numb on one side",
            "cant move my arm",
            "cant lift my arm",
            "stroke",
            "worst headache of my life",
            "worst headache ever",
            "sudden confusion",
            "cara caida",
            "no puedo hablar",
            "derrame cerebral",
            "un lado del cuerpo",
            "boca torcida",
        ],
    ),
    (
        RedFlag::Suicidal,
        &[
            "suicidal",
            "suicide",
            "kill myself",
            "killing myself",
            "end my life",
            "ending my life",
            "want to die",
            "wanna die",
            "better off dead",
            "dont want to live",
            "no reason to live",
            "hurt myself",
            "hurting myself",
            "self harm",
            "end it all",
            "not be here anymore",
            "quiero morir",
            "quiero morirme",
            "matarme",
            "suicidarme",
            "no quiero vivir",
            "quitarme la vida",
        ],
    ),
    (
        RedFlag::Anaphylaxis,
        &[
            "throat closing",
            "throat is closing",
            "throat closing up",
            "throat swelling",
            "throat is swelling",
            "tongue swelling",
            "tongue is swelling",
            "lips swelling",
            "lips are swelling",
            "swollen tongue",
            "anaphylaxis",
            "anaphylactic",
            "used my epipen",
            "used epipen",
            "se me cierra la garganta",
            "garganta cerrada",
            "lengua hinchada",
            "labios hinchados",
        ],
    ),
    (
        RedFlag::Breathing,
        &[
            "cant breathe",
            "shortness of breath",
            "short of breath",
            "cannot breathe",
            "can barely breathe",
            "hard to breathe",
            "struggling to breathe",
            "trouble breathing",
            "difficulty breathing",
            "gasping for air",
            "lips turning blue",
            "lips are blue",
            "no puedo respirar",
            "me falta el aire",
            "dificultad para respirar",
        ],
    ),
    (
        RedFlag::SevereBleeding,
        &[
            "severe bleeding",
            "bleeding heavily",
            "heavy bleeding",
            "bleeding a lot",
            "wont stop bleeding",
            "bleeding wont stop",
            "bleeding that wont stop",
            "soaking through pads",
            "soaking a pad",
            "vomiting blood",
            "throwing up blood",
            "blood in my vomit",
            "coughing up blood",
            "black tarry stool",
            "tarry stools",
            "sangrado abundante",
            "sangrando mucho",
            "vomitando sangre",
            "mucha sangre",
            "no para de sangrar",
        ],
    ),
    (
        RedFlag::Collapse,
        &[
            "passed out",
            "fainted",
            "unconscious",
            "unresponsive",
            "wont wake up",
            "seizure",
            "seizing",
            "convulsion",
            "convulsions",
            "overdose",
            "overdosed",
            "took too many pills",
            "took the whole bottle",
            "me desmaye",
            "desmayo",
            "convulsiones",
            "no responde",
            "sobredosis",
        ],
    ),
];

const NEGATIONS: &[&str] = &["no", "denies", "without", "never", "sin", "not", "nunca"];

/// Lowercases, strips accents and apostrophes, turns other punctuation into spaces.
pub fn normalise(text: &str) -> Vec<String> {
    let mut s = String::with_capacity(text.len());
    for c in text.chars().flat_map(char::to_lowercase) {
        let c = match c {
            'á' | 'à' | 'â' | 'ä' => 'a',
            'é' | 'è' | 'ê' | 'ë' => 'e',
            'í' | 'ì' | 'î' | 'ï' => 'i',
            'ó' | 'ò' | 'ô' | 'ö' => 'o',
            'ú' | 'ù' | 'û' | 'ü' => 'u',
            'ñ' => 'n',
            '\'' | '’' => continue,
            c if c.is_alphanumeric() => c,
            _ => ' ',
        };
        s.push(c);
    }
    s.split_whitespace().map(str::to_owned).collect()
}

/// Optimal-string-alignment distance (edits and adjacent transpositions), capped.
fn distance(a: &str, b: &str) -> usize {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    let mut d = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in d[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            d[i][j] = (d[i - 1][j] + 1)
                .min(d[i][j - 1] + 1)
                .min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                d[i][j] = d[i][j].min(d[i - 2][j - 2] + 1);
            }
        }
    }
    d[a.len()][b.len()]
}

fn word_matches(text: &str, phrase: &str) -> bool {
    if text == phrase {
        return true;
    }
    let allowed = match phrase.chars().count() {
        0..=3 => 0,
        4..=7 => 1,
        _ => 2,
    };
    allowed > 0
        && text.chars().count().abs_diff(phrase.chars().count()) <= allowed
        && distance(text, phrase) <= allowed
}

/// Phrase words matched in order; one filler word may sit between two phrase words.
fn phrase_at(words: &[String], start: usize, phrase: &[&str]) -> bool {
    let mut i = start;
    for (k, p) in phrase.iter().enumerate() {
        if i < words.len() && word_matches(&words[i], p) {
            i += 1;
        } else if k > 0 && i + 1 < words.len() && word_matches(&words[i + 1], p) {
            i += 2;
        } else {
            return false;
        }
    }
    true
}

/// Every red flag in `text` (deduplicated, in table order).
pub fn red_flags(text: &str) -> Vec<RedFlag> {
    let words = normalise(text);
    let mut found = Vec::new();
    for (flag, phrases) in PHRASES {
        let hit = phrases.iter().any(|p| {
            let pw: Vec<&str> = p.split(' ').collect();
            (0..words.len()).any(|s| {
                phrase_at(&words, s, &pw)
                    && !words[s.saturating_sub(2)..s]
                        .iter()
                        .any(|w| NEGATIONS.contains(&w.as_str()) && pw[0] != *w)
            })
        });
        if hit {
            found.push(*flag);
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

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
        assert_eq!(
            red_flags("no chest pain, just need a refill"),
            Vec::<RedFlag>::new()
        );
        assert_eq!(red_flags("No puedo respirar"), vec![RedFlag::Breathing]);
        assert!(red_flags("I need to reschedule my appointment").is_empty());
    }
}
