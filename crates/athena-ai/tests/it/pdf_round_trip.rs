//! Note PDFs read back by an independent parser (lopdf): every line of the note is there, in
//! order, wrapped and paginated, with characters the base-14 fonts cannot show replaced.

use athena_ai::pdf::{LINES_PER_PAGE, WRAP_AT, render_text};

/// Parses `pdf` with lopdf: the page count, the text it extracts line by line (lopdf folds
/// blank lines away), and how many text lines each page shows (`Tj` and `'` operators).
fn read_back(pdf: &[u8]) -> (usize, Vec<String>, Vec<usize>) {
    let doc = lopdf::Document::load_mem(pdf).expect("a PDF lopdf can parse");
    let pages = doc.get_pages();
    let mut lines = Vec::new();
    let mut shown = Vec::new();
    for (number, id) in &pages {
        let text = doc.extract_text(&[*number]).expect("text extracts");
        lines.extend(text.lines().map(str::to_owned));
        let content = lopdf::content::Content::decode(&doc.get_page_content(*id))
            .expect("the content stream decodes");
        shown.push(
            content
                .operations
                .iter()
                .filter(|op| op.operator == "Tj" || op.operator == "'")
                .count(),
        );
    }
    (pages.len(), lines, shown)
}

#[test]
fn a_short_note_reads_back_line_by_line_with_its_unicode_handled() {
    let note = "S: Patient reports chest pain (3 days) \\ worse on exertion.\n\
                O: Temp 37.5°C, café-au-lait macule; “stable” – no distress.\n\
                A: HR ≥ 100 → tachycardia; 患者 noted.\n\
                P: Follow up in 2 weeks.";
    let (pages, lines, shown) = read_back(&render_text("SOAP note", note));
    assert_eq!(pages, 1);
    // Title, blank line, four note lines, footer.
    assert_eq!(shown, [7]);
    assert_eq!(
        lines,
        [
            "SOAP note",
            "S: Patient reports chest pain (3 days) \\ worse on exertion.",
            "O: Temp 37.5°C, café-au-lait macule; “stable” – no distress.",
            "A: HR >= 100 -> tachycardia; ?? noted.",
            "P: Follow up in 2 weeks.",
            "page 1 of 1",
        ]
    );
}

#[test]
fn a_long_note_wraps_and_runs_onto_more_pages_in_order() {
    let long_line = "word ".repeat(40); // 200 characters: wraps into three lines
    let mut note = String::new();
    for i in 0..150 {
        note.push_str(&format!("line {i}\n"));
        if i % 50 == 0 {
            note.push_str(&long_line);
            note.push('\n');
        }
    }
    let (pages, lines, shown) = read_back(&render_text("Long note", &note));
    // Title, blank, 150 short lines and 3 long ones wrapped into 3 each: 161 lines.
    let expected_lines: usize = 2 + 150 + 3 * 3;
    assert_eq!(pages, expected_lines.div_ceil(LINES_PER_PAGE));
    assert_eq!(pages, 3);
    // Full pages of text lines plus a footer each; the rest on the last page.
    assert_eq!(shown, [61, 61, expected_lines - 2 * LINES_PER_PAGE + 1]);
    let body: Vec<&String> = lines.iter().filter(|l| !l.starts_with("page ")).collect();
    // All but the folded blank line after the title.
    assert_eq!(body.len(), expected_lines - 1);
    assert!(body.iter().all(|l| l.chars().count() <= WRAP_AT));
    // The short lines come back in order, and the wrapped words are all there.
    let numbered: Vec<&str> = body
        .iter()
        .filter(|l| l.starts_with("line "))
        .map(|l| l.as_str())
        .collect();
    let want: Vec<String> = (0..150).map(|i| format!("line {i}")).collect();
    assert_eq!(numbered, want);
    let words: usize = body
        .iter()
        .filter(|l| l.starts_with("word"))
        .map(|l| l.split_whitespace().count())
        .sum();
    assert_eq!(words, 3 * 40);
    let footers: Vec<&String> = lines.iter().filter(|l| l.starts_with("page ")).collect();
    assert_eq!(footers, ["page 1 of 3", "page 2 of 3", "page 3 of 3"]);
}

#[test]
fn an_empty_note_is_still_a_valid_one_page_pdf() {
    let (pages, lines, shown) = read_back(&render_text("Empty", ""));
    assert_eq!(pages, 1);
    assert_eq!(shown, [3]);
    assert_eq!(lines, ["Empty", "page 1 of 1"]);
}
