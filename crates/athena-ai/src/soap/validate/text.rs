//! Text normalisation for claim extraction: lower case, dotted abbreviations collapsed
//! (`p.o.` → `po`, `b.i.d.` → `bid`), spelled-out numbers turned into digits
//! ("ninety-eight point six" → `98.6`, "one twenty-eight over eighty" → `128 over 80`), and a
//! map from every byte of the normalised text back to the original, so claim spans point into
//! what the reviewer reads. Then a small tokenizer (numbers, words, punctuation).

use std::ops::Range;

/// Normalised text with a byte map back to the original.
#[derive(Debug, Clone)]
pub(crate) struct Norm {
    pub text: String,
    start: Vec<usize>,
    end: Vec<usize>,
}

impl Norm {
    /// The original byte range behind `range` of the normalised text.
    pub(crate) fn orig(&self, range: Range<usize>) -> Range<usize> {
        if range.start >= range.end || range.end > self.start.len() {
            let at = self.start.get(range.start).copied().unwrap_or(0);
            return at..at;
        }
        self.start[range.start]..self.end[range.end - 1]
    }
}

struct Builder {
    text: String,
    start: Vec<usize>,
    end: Vec<usize>,
}

impl Builder {
    fn push_str(&mut self, s: &str, from: usize, to: usize) {
        self.text.push_str(s);
        for _ in 0..s.len() {
            self.start.push(from);
            self.end.push(to);
        }
    }
}

/// Lower-cases and collapses dotted single-letter abbreviations.
fn lower(s: &str) -> Norm {
    let chars: Vec<(usize, char)> = s.char_indices().collect();
    let end_of = |i: usize| chars.get(i + 1).map_or(s.len(), |c| c.0);
    let mut b = Builder {
        text: String::with_capacity(s.len()),
        start: Vec::with_capacity(s.len()),
        end: Vec::with_capacity(s.len()),
    };
    let mut i = 0;
    while i < chars.len() {
        let (at, c) = chars[i];
        // `p.o.`, `b.i.d.`, `q.h.s.`: single letters each followed by a dot.
        let word_start = i == 0 || !chars[i - 1].1.is_alphanumeric();
        if word_start && c.is_ascii_alphabetic() {
            let mut j = i;
            let mut letters = String::new();
            while j + 1 < chars.len() && chars[j].1.is_ascii_alphabetic() && chars[j + 1].1 == '.' {
                letters.push(chars[j].1.to_ascii_lowercase());
                j += 2;
                // Go on only with another single letter followed by a dot.
                let single_next = j + 1 < chars.len()
                    && chars[j].1.is_ascii_alphabetic()
                    && chars[j + 1].1 == '.';
                if !single_next {
                    break;
                }
            }
            let followed_by_word = chars.get(j).is_some_and(|c| c.1.is_alphanumeric());
            if letters.len() >= 2 && !followed_by_word {
                b.push_str(&letters, at, end_of(j - 1));
                b.push_str(" ", end_of(j - 1), end_of(j - 1));
                i = j;
                continue;
            }
        }
        let to = end_of(i);
        for l in c.to_lowercase() {
            let mut buf = [0u8; 4];
            b.push_str(l.encode_utf8(&mut buf), at, to);
        }
        i += 1;
    }
    Norm {
        text: b.text,
        start: b.start,
        end: b.end,
    }
}

fn unit_word(w: &str) -> Option<u32> {
    Some(match w {
        "zero" => 0,
        "one" => 1,
        "two" => 2,
        "three" => 3,
        "four" => 4,
        "five" => 5,
        "six" => 6,
        "seven" => 7,
        "eight" => 8,
        "nine" => 9,
        _ => return None,
    })
}

fn teen_word(w: &str) -> Option<u32> {
    Some(match w {
        "ten" => 10,
        "eleven" => 11,
        "twelve" => 12,
        "thirteen" => 13,
        "fourteen" => 14,
        "fifteen" => 15,
        "sixteen" => 16,
        "seventeen" => 17,
        "eighteen" => 18,
        "nineteen" => 19,
        _ => return None,
    })
}

fn tens_word(w: &str) -> Option<u32> {
    Some(match w {
        "twenty" => 20,
        "thirty" => 30,
        "forty" => 40,
        "fifty" => 50,
        "sixty" => 60,
        "seventy" => 70,
        "eighty" => 80,
        "ninety" => 90,
        _ => return None,
    })
}

fn is_number_word(w: &str) -> bool {
    unit_word(w).is_some() || teen_word(w).is_some() || tens_word(w).is_some() || w == "hundred"
}

/// Parses a number below 100 at `i`.
fn below_100(w: &[&str], i: usize) -> Option<(u32, usize)> {
    let first = *w.get(i)?;
    if let Some(t) = tens_word(first) {
        if let Some(u) = w.get(i + 1).and_then(|x| unit_word(x)).filter(|u| *u > 0) {
            return Some((t + u, i + 2));
        }
        return Some((t, i + 1));
    }
    if let Some(t) = teen_word(first) {
        return Some((t, i + 1));
    }
    unit_word(first).map(|u| (u, i + 1))
}

/// Parses a number below 1000 at `i` ("a hundred and eight", "one twenty-eight").
fn below_1000(w: &[&str], i: usize) -> Option<(u32, usize)> {
    let first = *w.get(i)?;
    let next = w.get(i + 1).copied();
    let hundreds = if first == "a" && next == Some("hundred") {
        Some(1)
    } else if next == Some("hundred") {
        unit_word(first)
    } else {
        None
    };
    if let Some(h) = hundreds {
        let mut j = i + 2;
        if w.get(j) == Some(&"and") && w.get(j + 1).is_some_and(|x| is_number_word(x)) {
            j += 1;
        }
        return Some(match below_100(w, j) {
            Some((rest, k)) => (h * 100 + rest, k),
            None => (h * 100, j),
        });
    }
    // Dictation shorthand: "one twenty-eight" is 128, "one fifteen" is 115.
    if let Some(u) = unit_word(first).filter(|u| *u > 0)
        && next.is_some_and(|n| tens_word(n).is_some() || teen_word(n).is_some())
        && let Some((rest, k)) = below_100(w, i + 1)
    {
        return Some((u * 100 + rest, k));
    }
    below_100(w, i)
}

/// Parses a spelled number at `i`: the value as text and the next word index.
fn spelled(w: &[&str], i: usize) -> Option<(String, usize)> {
    let (mut value, mut j) = below_1000(w, i)?;
    if w.get(j) == Some(&"thousand") {
        value *= 1000;
        j += 1;
        if w.get(j) == Some(&"and") {
            j += 1;
        }
        if let Some((rest, k)) = below_1000(w, j) {
            value += rest;
            j = k;
        }
    }
    let mut out = value.to_string();
    if w.get(j) == Some(&"point") {
        let mut digits = String::new();
        let mut k = j + 1;
        while let Some(d) = w
            .get(k)
            .and_then(|x| if *x == "oh" { Some(0) } else { unit_word(x) })
        {
            digits.push(char::from_digit(d, 10).unwrap_or('0'));
            k += 1;
        }
        if !digits.is_empty() {
            out.push('.');
            out.push_str(&digits);
            j = k;
        }
    }
    Some((out, j))
}

/// Normalises `s` (see the module doc).
pub(crate) fn normalize(s: &str) -> Norm {
    let low = lower(s);
    // Words: maximal runs of ASCII letters, with the separators between them.
    let text = &low.text;
    let mut words: Vec<(usize, usize)> = Vec::new();
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i].is_ascii_alphabetic() {
            let s0 = i;
            while i < bytes.len() && bytes[i].is_ascii_alphanumeric() {
                i += 1;
            }
            words.push((s0, i));
        } else {
            i += 1;
        }
    }
    let mut b = Builder {
        text: String::with_capacity(text.len()),
        start: Vec::with_capacity(text.len()),
        end: Vec::with_capacity(text.len()),
    };
    let mut copied = 0; // bytes of `text` already copied
    let mut k = 0;
    while k < words.len() {
        // A run of words joined only by spaces or hyphens.
        let mut run = vec![k];
        while run.len() < 12 {
            let last = *run.last().unwrap_or(&k);
            let Some(next) = words.get(last + 1) else {
                break;
            };
            let gap = &text[words[last].1..next.0];
            if gap.is_empty() || !gap.chars().all(|c| c == ' ' || c == '-') {
                break;
            }
            run.push(last + 1);
        }
        let ws: Vec<&str> = run.iter().map(|&r| &text[words[r].0..words[r].1]).collect();
        let starts_number = |w: &str| w == "a" || is_number_word(w);
        if starts_number(ws[0])
            && let Some((digits, used)) = spelled(&ws, 0)
            && !(ws[0] == "a" && used < 2)
        {
            let from = words[run[0]].0;
            let to = words[run[used - 1]].1;
            // Copy what lies before, then the digits.
            for (off, c) in text[copied..from].char_indices() {
                let at = copied + off;
                let mut buf = [0u8; 4];
                let n = c.len_utf8();
                b.push_str(c.encode_utf8(&mut buf), low.start[at], low.end[at + n - 1]);
            }
            b.push_str(&digits, low.start[from], low.end[to - 1]);
            copied = to;
            k = run[used - 1] + 1;
            continue;
        }
        k += 1;
    }
    for (off, c) in text[copied..].char_indices() {
        let at = copied + off;
        let mut buf = [0u8; 4];
        let n = c.len_utf8();
        b.push_str(c.encode_utf8(&mut buf), low.start[at], low.end[at + n - 1]);
    }
    Norm {
        text: b.text,
        start: b.start,
        end: b.end,
    }
}

/// A token of normalised text.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Tok {
    /// A number and its count of decimals.
    Num(f64, u8),
    /// A word (letters and digits, lower case): `bp`, `spo2`, `q4h`, `a1c`.
    Word(String),
    /// Any other visible character.
    Punct(char),
}

/// A token and its byte range in the normalised text.
#[derive(Debug, Clone)]
pub(crate) struct Token {
    pub tok: Tok,
    pub span: Range<usize>,
}

impl Token {
    pub(crate) fn word(&self) -> Option<&str> {
        match &self.tok {
            Tok::Word(w) => Some(w),
            _ => None,
        }
    }
    pub(crate) fn num(&self) -> Option<(f64, u8)> {
        match self.tok {
            Tok::Num(v, d) => Some((v, d)),
            _ => None,
        }
    }
    pub(crate) fn is(&self, c: char) -> bool {
        self.tok == Tok::Punct(c)
    }
    /// Ends a clause: `.`, `;`, `!`, `?`, a line break, a bullet.
    pub(crate) fn ends_clause(&self) -> bool {
        matches!(self.tok, Tok::Punct('.' | ';' | '!' | '?' | '\n' | '•'))
    }
}

fn number(s: &str) -> Option<(f64, u8)> {
    let v: f64 = s.parse().ok()?;
    if !v.is_finite() {
        return None;
    }
    let dec = s.split_once('.').map_or(0, |(_, d)| d.len().min(6) as u8);
    Some((v, dec))
}

/// Splits normalised text into tokens.
pub(crate) fn tokenize(text: &str) -> Vec<Token> {
    let mut out: Vec<Token> = Vec::new();
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let mut i = 0;
    while i < chars.len() {
        let (at, c) = chars[i];
        if c.is_alphanumeric() {
            let mut j = i;
            while j < chars.len()
                && (chars[j].1.is_alphanumeric()
                    || (chars[j].1 == '.'
                        && j > i
                        && chars[j - 1].1.is_ascii_digit()
                        && chars.get(j + 1).is_some_and(|n| n.1.is_ascii_digit())))
            {
                j += 1;
            }
            let end = chars.get(j).map_or(text.len(), |c| c.0);
            let s = &text[at..end];
            let digits_end = s
                .find(|c: char| !(c.is_ascii_digit() || c == '.'))
                .unwrap_or(s.len());
            if digits_end == s.len() {
                if let Some((v, d)) = number(s) {
                    out.push(Token {
                        tok: Tok::Num(v, d),
                        span: at..end,
                    });
                }
            } else if digits_end > 0
                && s[digits_end..].chars().all(|c| c.is_alphabetic())
                && let Some((v, d)) = number(&s[..digits_end])
            {
                // `500mg`, `98.4f`, `4x`, `78.2kg`
                out.push(Token {
                    tok: Tok::Num(v, d),
                    span: at..at + digits_end,
                });
                out.push(Token {
                    tok: Tok::Word(s[digits_end..].to_owned()),
                    span: at + digits_end..end,
                });
            } else {
                out.push(Token {
                    tok: Tok::Word(s.to_owned()),
                    span: at..end,
                });
            }
            i = j;
            continue;
        }
        if !c.is_whitespace() || c == '\n' {
            out.push(Token {
                tok: Tok::Punct(c),
                span: at..at + c.len_utf8(),
            });
        }
        i += 1;
    }
    // `1,000` → 1000
    let mut merged: Vec<Token> = Vec::with_capacity(out.len());
    let mut k = 0;
    while k < out.len() {
        if let (Some((a, 0)), Some(comma), Some(next)) =
            (out[k].num(), out.get(k + 1), out.get(k + 2))
            && comma.is(',')
            && comma.span.start == out[k].span.end
            && next.span.start == comma.span.end
            && next.num().is_some_and(|(_, d)| d == 0)
            && next.span.len() == 3
        {
            let (b, _) = next.num().unwrap_or((0.0, 0));
            merged.push(Token {
                tok: Tok::Num(a * 1000.0 + b, 0),
                span: out[k].span.start..next.span.end,
            });
            k += 3;
            continue;
        }
        merged.push(out[k].clone());
        k += 1;
    }
    merged
}

#[cfg(test)]
mod tests {
    use super::*;

    fn n(s: &str) -> String {
        normalize(s).text
    }

    #[test]
    fn spelled_numbers_become_digits() {
        assert_eq!(n("Temperature ninety-eight point six"), "temperature 98.6");
        assert_eq!(n("BP one hundred twenty over eighty"), "bp 120 over 80");
        assert_eq!(
            n("Blood pressure one twenty-eight over eighty-two."),
            "blood pressure 128 over 82."
        );
        assert_eq!(n("a hundred and eight"), "108");
        assert_eq!(n("one thousand milligrams"), "1000 milligrams");
        assert_eq!(n("TSH six point eight four"), "tsh 6.84");
        assert_eq!(n("two puffs, take a walk"), "2 puffs, take a walk");
        assert_eq!(
            n("Cont metformin 500 mg p.o. b.i.d."),
            "cont metformin 500 mg po  bid "
        );
    }

    #[test]
    fn spans_map_back_to_the_original() {
        let s = "Pulse Seventy-Two today";
        let norm = normalize(s);
        let at = norm.text.find("72").unwrap();
        assert_eq!(&s[norm.orig(at..at + 2)], "Seventy-Two");
    }

    #[test]
    fn tokens() {
        let t = tokenize("t 98.4f, 1,000 mg q4h 128/82");
        let kinds: Vec<Tok> = t.into_iter().map(|t| t.tok).collect();
        assert_eq!(
            kinds,
            vec![
                Tok::Word("t".into()),
                Tok::Num(98.4, 1),
                Tok::Word("f".into()),
                Tok::Punct(','),
                Tok::Num(1000.0, 0),
                Tok::Word("mg".into()),
                Tok::Word("q4h".into()),
                Tok::Num(128.0, 0),
                Tok::Punct('/'),
                Tok::Num(82.0, 0),
            ]
        );
    }
}
