//! Doc comments: StructureDefinition prose made safe for rustdoc.

use std::fmt::Write as _;

/// Makes StructureDefinition prose safe for rustdoc (no accidental links, HTML or bare URLs).
pub(crate) fn doc_text(s: &str) -> String {
    let one_line = s.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut out = String::new();
    for (i, word) in one_line.split(' ').enumerate() {
        if i > 0 {
            out.push(' ');
        }
        if let Some(at) = word.find("http://").or_else(|| word.find("https://")) {
            let (head, rest) = word.split_at(at);
            let url_len = rest
                .find([')', ']', '"', '\'', '>', ',', ';'])
                .unwrap_or(rest.len());
            let url = rest[..url_len].trim_end_matches('.');
            escape_into(&mut out, head);
            let _ = write!(out, "<{}>", url.replace('<', ""));
            escape_into(&mut out, &rest[url.len()..]);
            continue;
        }
        escape_into(&mut out, word);
    }
    out
}

pub(crate) fn escape_into(out: &mut String, word: &str) {
    {
        for c in word.chars() {
            if matches!(
                c,
                '[' | ']' | '<' | '>' | '*' | '_' | '`' | '\\' | '#' | '|'
            ) {
                out.push('\\');
            }
            out.push(c);
        }
    }
}

pub(crate) fn doc(out: &mut String, s: &str) {
    let t = doc_text(s);
    let t = if t.is_empty() {
        "(no description in the StructureDefinition)".to_string()
    } else {
        t
    };
    let _ = writeln!(out, "/// {t}");
}
