//! Tokenisation for the red-flag engine: case- and accent-folded word tokens that remember
//! where they came from in the original text (byte offsets, for evidence spans), which
//! punctuation followed them (sentence and clause boundaries), whether they were written in
//! capitals, and the number they spell (digits, decimals, English and Spanish number words).

/// Punctuation that followed a token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Punct {
    /// None (or only spaces).
    None,
    /// A comma, colon, dash or bracket: a clause may end here.
    Comma,
    /// `.`, `!`, `?`, `;`, a line break: the sentence ends here.
    Sentence,
}

/// One word of the message.
#[derive(Debug, Clone)]
pub(crate) struct Token {
    /// Lowercased, accents removed, apostrophes dropped.
    pub norm: String,
    /// Byte offset of the first character in the original text.
    pub start: usize,
    /// Byte offset just past the last character.
    pub end: usize,
    /// Written with at least two letters, all in capitals ("HI").
    pub upper: bool,
    /// The sentence ends with this token and a question mark.
    pub question: bool,
    /// What followed the token.
    pub punct: Punct,
    /// Index of the sentence the token belongs to.
    pub sentence: usize,
}

impl Token {
    /// The number this token spells, if any ("102.5", "38c" → 38, "400s", "twenty", "veinte").
    pub(crate) fn number(&self) -> Option<f64> {
        leading_number(&self.norm).or_else(|| word_number(&self.norm))
    }

    /// The letters after a leading number ("100.4f" → "f", "6wks" → "wks").
    pub(crate) fn unit_suffix(&self) -> &str {
        let digits = self
            .norm
            .char_indices()
            .find(|(_, c)| !(c.is_ascii_digit() || *c == '.'))
            .map_or(self.norm.len(), |(i, _)| i);
        if digits == 0 {
            ""
        } else {
            &self.norm[digits..]
        }
    }
}

fn fold(c: char) -> Option<char> {
    Some(match c {
        'á' | 'à' | 'â' | 'ä' | 'ã' => 'a',
        'é' | 'è' | 'ê' | 'ë' => 'e',
        'í' | 'ì' | 'î' | 'ï' => 'i',
        'ó' | 'ò' | 'ô' | 'ö' | 'õ' => 'o',
        'ú' | 'ù' | 'û' | 'ü' => 'u',
        'ñ' => 'n',
        'ç' => 'c',
        c if c.is_alphanumeric() => c,
        _ => return None,
    })
}

/// Splits `text` into tokens with their spans, punctuation and sentence index.
pub(crate) fn tokenize(text: &str) -> Vec<Token> {
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let mut tokens: Vec<Token> = Vec::new();
    let mut sentence = 0usize;
    let mut i = 0;
    let is_word = |c: char| c.is_alphanumeric();
    while i < chars.len() {
        let (pos, c) = chars[i];
        if is_word(c) {
            let start = pos;
            let mut norm = String::new();
            let mut letters = 0usize;
            let mut uppers = 0usize;
            let mut end = pos;
            while i < chars.len() {
                let (p, c) = chars[i];
                let next = chars.get(i + 1).map(|x| x.1);
                let prev = if i > 0 { Some(chars[i - 1].1) } else { None };
                if is_word(c) {
                    if c.is_alphabetic() {
                        letters += 1;
                        if c.is_uppercase() {
                            uppers += 1;
                        }
                    }
                    for l in c.to_lowercase() {
                        if let Some(f) = fold(l) {
                            norm.push(f);
                        }
                    }
                    end = p + c.len_utf8();
                    i += 1;
                } else if (c == '\'' || c == '’') && next.is_some_and(char::is_alphabetic) {
                    // don't, it's, mom's: the apostrophe is dropped.
                    i += 1;
                } else if (c == '.' || c == ',')
                    && prev.is_some_and(|p| p.is_ascii_digit())
                    && next.is_some_and(|n| n.is_ascii_digit())
                {
                    // 102.5, 38,5 (Spanish decimal comma)
                    norm.push('.');
                    i += 1;
                } else if c == '/'
                    && prev.is_some_and(is_word)
                    && next.is_some_and(is_word)
                    && (prev.is_some_and(|p| p.is_ascii_digit())
                        == next.is_some_and(|n| n.is_ascii_digit()))
                {
                    // 160/110, 10/10, h/o, m/o
                    norm.push('/');
                    i += 1;
                } else {
                    break;
                }
            }
            tokens.push(Token {
                norm,
                start,
                end,
                upper: letters >= 2 && uppers == letters,
                question: false,
                punct: Punct::None,
                sentence,
            });
        } else {
            let p = match c {
                '.' | '!' | '?' | ';' | '\n' | '¿' | '¡' | '…' => Punct::Sentence,
                ',' | ':' | '(' | ')' | '-' | '–' | '—' | '"' | '/' => Punct::Comma,
                _ => Punct::None,
            };
            if p != Punct::None {
                if let Some(last) = tokens.last_mut()
                    && last.sentence == sentence
                {
                    // "¿" opens a sentence: it ends the previous one too.
                    if p == Punct::Sentence || last.punct == Punct::None {
                        last.punct = p;
                    }
                    if c == '?' {
                        last.question = true;
                    }
                }
                if p == Punct::Sentence && tokens.last().is_some_and(|t| t.sentence == sentence) {
                    sentence += 1;
                }
            }
            i += 1;
        }
    }
    tokens
}

/// The number at the start of a token ("102.5", "38c", "400s", "6wks"); `None` if it does
/// not start with a digit or the digits do not parse.
fn leading_number(s: &str) -> Option<f64> {
    let end = s
        .char_indices()
        .find(|(_, c)| !(c.is_ascii_digit() || *c == '.'))
        .map_or(s.len(), |(i, _)| i);
    if end == 0 {
        return None;
    }
    let digits = s[..end].trim_end_matches('.');
    if digits.len() > 9 {
        return None;
    }
    digits.parse::<f64>().ok().filter(|v| v.is_finite())
}

/// English and Spanish number words up to a hundred (for counts: "twenty pills",
/// "veinte pastillas", "two week old").
fn word_number(s: &str) -> Option<f64> {
    const WORDS: &[(&str, f64)] = &[
        ("one", 1.0),
        ("two", 2.0),
        ("three", 3.0),
        ("four", 4.0),
        ("five", 5.0),
        ("six", 6.0),
        ("seven", 7.0),
        ("eight", 8.0),
        ("nine", 9.0),
        ("ten", 10.0),
        ("eleven", 11.0),
        ("twelve", 12.0),
        ("thirteen", 13.0),
        ("fourteen", 14.0),
        ("fifteen", 15.0),
        ("sixteen", 16.0),
        ("twenty", 20.0),
        ("thirty", 30.0),
        ("forty", 40.0),
        ("fifty", 50.0),
        ("sixty", 60.0),
        ("hundred", 100.0),
        ("dozen", 12.0),
        ("uno", 1.0),
        ("un", 1.0),
        ("una", 1.0),
        ("dos", 2.0),
        ("tres", 3.0),
        ("cuatro", 4.0),
        ("cinco", 5.0),
        ("seis", 6.0),
        ("siete", 7.0),
        ("ocho", 8.0),
        ("nueve", 9.0),
        ("diez", 10.0),
        ("once", 11.0),
        ("doce", 12.0),
        ("quince", 15.0),
        ("veinte", 20.0),
        ("treinta", 30.0),
        ("cuarenta", 40.0),
        ("cincuenta", 50.0),
        ("cien", 100.0),
        ("docena", 12.0),
    ];
    WORDS.iter().find(|(w, _)| *w == s).map(|(_, v)| *v)
}

/// Optimal-string-alignment distance (substitutions, insertions, deletions and adjacent
/// transpositions), giving up (returning `cap + 1`) once it exceeds `cap`.
pub(crate) fn distance(a: &str, b: &str, cap: usize) -> usize {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    if a.len().abs_diff(b.len()) > cap {
        return cap + 1;
    }
    let mut d = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in d[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = if a[i - 1] == b[j - 1] {
                0
            } else if slip(a[i - 1], b[j - 1]) {
                1
            } else {
                // A substitution between unrelated letters is how one real word becomes
                // another ("cooking" / "choking"), not how people mistype.
                cap + 1
            };
            d[i][j] = (d[i - 1][j] + 1)
                .min(d[i][j - 1] + 1)
                .min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                d[i][j] = d[i][j].min(d[i - 2][j - 2] + 1);
            }
        }
    }
    d[a.len()][b.len()].min(cap + 1)
}

/// Two letters a typist confuses: neighbouring keys on a QWERTY keyboard, or two vowels
/// (spelling by ear: "diabetis", "siezure").
fn slip(a: char, b: char) -> bool {
    const VOWELS: &str = "aeiouy";
    if VOWELS.contains(a) && VOWELS.contains(b) {
        return true;
    }
    const ROWS: [&str; 3] = ["qwertyuiop", "asdfghjkl", "zxcvbnm"];
    const SHIFT: [f32; 3] = [0.0, 0.3, 0.8];
    let at = |c: char| {
        ROWS.iter()
            .enumerate()
            .find_map(|(r, row)| row.find(c).map(|x| (r as f32, x as f32 + SHIFT[r])))
    };
    match (at(a), at(b)) {
        (Some((ra, xa)), Some((rb, xb))) => (ra - rb).abs() <= 1.0 && (xa - xb).abs() <= 1.0,
        _ => false,
    }
}

/// `a` is `b` with two adjacent letters swapped.
pub(crate) fn is_transposition(a: &str, b: &str) -> bool {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    if a.len() != b.len() {
        return false;
    }
    let diff: Vec<usize> = (0..a.len()).filter(|&i| a[i] != b[i]).collect();
    diff.len() == 2
        && diff[1] == diff[0] + 1
        && a[diff[0]] == b[diff[1]]
        && a[diff[1]] == b[diff[0]]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_numbers_and_boundaries() {
        let text = "Temp 100.4F, my 6-wk-old isn't eating. ¿Fiebre de 38,5? BP 160/110";
        let t = tokenize(text);
        let norms: Vec<&str> = t.iter().map(|t| t.norm.as_str()).collect();
        assert_eq!(
            norms,
            [
                "temp", "100.4f", "my", "6", "wk", "old", "isnt", "eating", "fiebre", "de", "38.5",
                "bp", "160/110"
            ]
        );
        assert_eq!(&text[t[1].start..t[1].end], "100.4F");
        assert_eq!(t[1].number(), Some(100.4));
        assert_eq!(t[1].unit_suffix(), "f");
        assert_eq!(t[1].punct, Punct::Comma);
        assert_eq!(t[7].punct, Punct::Sentence);
        assert_eq!(t[8].sentence, 1);
        assert_eq!(t[10].number(), Some(38.5));
        assert_eq!(t[12].sentence, 2);
        assert!(tokenize("meter says HI")[2].upper);
        assert!(!tokenize("Hi there")[0].upper);
        assert_eq!(tokenize("twenty")[0].number(), Some(20.0));
    }

    #[test]
    fn distances() {
        assert_eq!(distance("chset", "chest", 2), 1);
        assert_eq!(distance("abc", "xyzzzz", 1), 2);
        assert_eq!(distance("vomitting", "vomiting", 2), 1);
        assert_eq!(distance("diabetis", "diabetes", 2), 1);
        assert_eq!(distance("bleeding", "bleefing", 2), 1);
        assert!(distance("cooking", "choking", 1) > 1);
        assert!(is_transposition("pian", "pain"));
        assert!(!is_transposition("paid", "pain"));
    }
}
