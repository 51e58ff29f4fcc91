//! Cross-crate integration and conformance tests for athena-rs live in `tests/tests/`.
//!
//! Shared helpers for those tests are here.
#![forbid(unsafe_code)]

use std::path::PathBuf;

pub mod fuzz;

/// The `../shared/fixtures` folder beside the project root, when it exists.
///
/// Conformance tests call this and skip with a printed notice when it returns `None`, so that a
/// clone without the shared folder still passes `cargo test --workspace`.
pub fn shared_fixtures() -> Option<PathBuf> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/fixtures");
    root.is_dir().then_some(root)
}

/// `docs/reliability.md` of the workspace.
pub fn reliability_doc() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../docs/reliability.md")
}

/// Whether the figure-producing tests should write their figures into `docs/` (only when
/// `ATHENA_WRITE_FIGURES=1`, so that ordinary test runs never modify the tree).
pub fn write_figures_enabled() -> bool {
    std::env::var("ATHENA_WRITE_FIGURES").is_ok_and(|v| v == "1")
}

/// Replaces the text between `<!-- BEGIN {section} -->` and `<!-- END {section} -->` in
/// `text` with `body`. Returns `None` when the markers are missing.
pub fn replace_section(text: &str, section: &str, body: &str) -> Option<String> {
    let begin = format!("<!-- BEGIN {section} -->");
    let end = format!("<!-- END {section} -->");
    let start = text.find(&begin)? + begin.len();
    let stop = start + text[start..].find(&end)?;
    Some(format!(
        "{}\n{}\n{}",
        &text[..start],
        body.trim_end(),
        &text[stop..]
    ))
}

/// Writes `body` into the `section` of `docs/reliability.md` when
/// [`write_figures_enabled`]; otherwise does nothing. Returns whether it wrote.
///
/// # Panics
/// Panics when writing is enabled and the file or its markers are missing.
pub fn write_reliability_section(section: &str, body: &str) -> bool {
    if !write_figures_enabled() {
        return false;
    }
    let path = reliability_doc();
    let text = std::fs::read_to_string(&path).expect("read docs/reliability.md");
    let new = replace_section(&text, section, body)
        .unwrap_or_else(|| panic!("docs/reliability.md lacks the `{section}` markers"));
    std::fs::write(&path, new).expect("write docs/reliability.md");
    true
}

#[cfg(test)]
mod tests {
    use super::replace_section;

    #[test]
    fn replaces_only_the_marked_section() {
        let text = "a\n<!-- BEGIN x -->\nold\n<!-- END x -->\nb";
        let out = replace_section(text, "x", "new").expect("markers");
        assert_eq!(out, "a\n<!-- BEGIN x -->\nnew\n<!-- END x -->\nb");
        assert!(replace_section(text, "y", "new").is_none());
    }
}
