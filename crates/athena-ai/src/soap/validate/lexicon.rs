//! The drug lexicon: generic names, brand names and common abbreviations, and a class for
//! each, read from `drugs.tsv` (in this folder, compiled in) on first use.

use std::collections::HashMap;
use std::sync::OnceLock;

const DATA: &str = include_str!("drugs.tsv");

/// One drug of the lexicon.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Drug {
    /// The generic name, lower case (`metformin`, `insulin glargine`).
    pub generic: &'static str,
    /// Brand names and common abbreviations, as written in the lexicon (`Glucophage`).
    pub other_names: Vec<&'static str>,
    /// The drug class (`biguanide`).
    pub class: &'static str,
}

/// The lexicon: drugs and a name index (lower-case words of each name → drug).
#[derive(Debug)]
pub struct Lexicon {
    drugs: Vec<Drug>,
    index: HashMap<String, usize>,
    longest: usize,
}

/// The words of a name as the tokenizer sees them: lower case, split on anything that is
/// neither a letter nor a digit.
pub(crate) fn name_words(name: &str) -> Vec<String> {
    name.to_lowercase()
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_owned)
        .collect()
}

impl Lexicon {
    fn parse(data: &'static str) -> Lexicon {
        let mut drugs = Vec::new();
        let mut index = HashMap::new();
        let mut longest = 1;
        for line in data.lines() {
            if line.starts_with('#') || line.trim().is_empty() {
                continue;
            }
            let mut cols = line.split('\t');
            let (Some(generic), others, class) = (cols.next(), cols.next(), cols.next()) else {
                continue;
            };
            let generic = generic.trim();
            if generic.is_empty() {
                continue;
            }
            let other_names: Vec<&'static str> = others
                .unwrap_or("")
                .split('|')
                .map(str::trim)
                .filter(|n| !n.is_empty())
                .collect();
            let id = drugs.len();
            let mut names: Vec<&str> = vec![generic];
            names.extend(other_names.iter().copied());
            // "insulin glargine" is also written "glargine".
            // (Not "regular": an ordinary word.)
            let short = generic
                .strip_prefix("insulin ")
                .filter(|s| !s.contains(' ') && *s != "regular");
            names.extend(short);
            for name in names {
                let words = name_words(name);
                if words.is_empty() {
                    continue;
                }
                longest = longest.max(words.len());
                index.entry(words.join(" ")).or_insert(id);
            }
            drugs.push(Drug {
                generic,
                other_names,
                class: class.unwrap_or("").trim(),
            });
        }
        Lexicon {
            drugs,
            index,
            longest,
        }
    }

    /// How many drugs the lexicon holds.
    pub fn len(&self) -> usize {
        self.drugs.len()
    }

    /// True when the lexicon holds no drug (never, for the built-in one).
    pub fn is_empty(&self) -> bool {
        self.drugs.is_empty()
    }

    /// The drug a name (generic, brand or abbreviation; any case) stands for.
    pub fn lookup(&self, name: &str) -> Option<&Drug> {
        self.index
            .get(&name_words(name).join(" "))
            .map(|&i| &self.drugs[i])
    }

    /// The drug with this internal id.
    pub(crate) fn drug(&self, id: usize) -> &Drug {
        &self.drugs[id]
    }

    /// The longest drug name starting at `words[0]`: (drug id, words used).
    pub(crate) fn match_at(&self, words: &[&str]) -> Option<(usize, usize)> {
        let max = self.longest.min(words.len());
        let mut key = String::new();
        let mut best = None;
        for (n, w) in words.iter().take(max).enumerate() {
            if n > 0 {
                key.push(' ');
            }
            key.push_str(w);
            if let Some(&id) = self.index.get(&key) {
                best = Some((id, n + 1));
            }
        }
        best
    }

    /// True when drug `a` is drug `b`, or one is a combination product containing the other
    /// (`lisinopril` and `lisinopril-hydrochlorothiazide`).
    pub(crate) fn related(&self, a: usize, b: usize) -> bool {
        if a == b {
            return true;
        }
        let parts = |i: usize| -> Vec<&'static str> { self.drugs[i].generic.split('-').collect() };
        let (pa, pb) = (parts(a), parts(b));
        (pa.len() == 1 && pb.contains(&pa[0])) || (pb.len() == 1 && pa.contains(&pb[0]))
    }
}

/// The built-in lexicon.
pub fn lexicon() -> &'static Lexicon {
    static LEXICON: OnceLock<Lexicon> = OnceLock::new();
    LEXICON.get_or_init(|| Lexicon::parse(DATA))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_lexicon_is_large_and_maps_brands_to_generics() {
        let lex = lexicon();
        assert!(lex.len() >= 500, "{} drugs", lex.len());
        assert_eq!(lex.lookup("Glucophage").unwrap().generic, "metformin");
        assert_eq!(lex.lookup("toprol-xl").unwrap().generic, "metoprolol");
        assert_eq!(lex.lookup("Lantus").unwrap().generic, "insulin glargine");
        assert_eq!(lex.lookup("glargine").unwrap().generic, "insulin glargine");
        assert_eq!(lex.lookup("amoxicillin").unwrap().class, "penicillin");
        assert!(lex.lookup("hypertension").is_none());
        assert!(lex.lookup("regular").is_none());
        let words = ["toprol", "xl", "100"];
        let (id, n) = lex.match_at(&words).unwrap();
        assert_eq!((lex.drug(id).generic, n), ("metoprolol", 2));
    }

    #[test]
    fn every_line_has_three_columns_and_no_name_is_shared() {
        let mut seen: HashMap<String, &str> = HashMap::new();
        for line in DATA
            .lines()
            .filter(|l| !l.starts_with('#') && !l.is_empty())
        {
            let cols: Vec<&str> = line.split('\t').collect();
            assert_eq!(cols.len(), 3, "{line}");
            assert!(!cols[2].trim().is_empty(), "{line}");
            for name in std::iter::once(cols[0]).chain(cols[1].split('|')) {
                if name.is_empty() {
                    continue;
                }
                let key = name_words(name).join(" ");
                if let Some(other) = seen.insert(key.clone(), cols[0]) {
                    assert_eq!(other, cols[0], "{key} names two drugs");
                }
            }
        }
    }
}
