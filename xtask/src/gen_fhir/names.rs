//! Naming: FHIR element, type and code names turned into Rust identifiers.

use serde_json::Value;

pub(crate) fn type_code(t: &Value) -> String {
    let code = t["code"].as_str().unwrap_or("string");
    if code.starts_with("http://hl7.org/fhirpath/System.") {
        let url = t["extension"]
            .as_array()
            .and_then(|a| a.iter().find_map(|x| x["valueUrl"].as_str()))
            .unwrap_or("string");
        return url.to_string();
    }
    code.to_string()
}

pub(crate) fn type_name_for_path(path: &str) -> String {
    path.split('.').map(upper_first).collect()
}

pub(crate) fn upper_first(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

pub(crate) fn camel(s: &str) -> String {
    s.split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(upper_first)
        .collect()
}

pub(crate) fn variant_for_code(code: &str, display: &str) -> String {
    let symbolic = match code {
        "<" => Some("LessThan"),
        "<=" => Some("LessOrEqual"),
        ">=" => Some("GreaterOrEqual"),
        ">" => Some("GreaterThan"),
        "=" => Some("Equal"),
        "!=" => Some("NotEqual"),
        "*" => Some("Any"),
        _ => None,
    };
    if let Some(s) = symbolic {
        return s.into();
    }
    let mut v = camel(code);
    if v.is_empty() {
        v = camel(display);
    }
    if v.chars().next().is_some_and(|c| c.is_ascii_digit()) {
        v = format!("N{v}");
    }
    v
}

pub(crate) fn snake(s: &str) -> String {
    let mut out = String::new();
    let chars: Vec<char> = s.chars().collect();
    for (i, c) in chars.iter().enumerate() {
        if c.is_uppercase() {
            let prev_lower =
                i > 0 && (chars[i - 1].is_lowercase() || chars[i - 1].is_ascii_digit());
            let next_lower = chars.get(i + 1).is_some_and(|n| n.is_lowercase());
            if i > 0 && (prev_lower || (next_lower && chars[i - 1].is_uppercase())) {
                out.push('_');
            }
            out.extend(c.to_lowercase());
        } else {
            out.push(*c);
        }
    }
    out
}

pub(crate) fn rust_field(json: &str) -> String {
    let s = snake(json);
    pub(crate) const KW: &[&str] = &[
        "as", "async", "await", "break", "const", "continue", "dyn", "else", "enum", "extern",
        "false", "fn", "for", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut",
        "pub", "ref", "return", "static", "struct", "trait", "true", "type", "unsafe", "use",
        "where", "while", "abstract", "become", "box", "do", "final", "macro", "override", "priv",
        "typeof", "unsized", "virtual", "yield", "try", "gen",
    ];
    if ["self", "super", "crate"].contains(&s.as_str()) {
        format!("{s}_")
    } else if KW.contains(&s.as_str()) {
        format!("r#{s}")
    } else {
        s
    }
}
