//! Renders a plain-text note as a PDF (Helvetica 10 pt on US Letter) with `pdf-writer`, for
//! clinical document uploads.
//!
//! Lines are wrapped at [`WRAP_AT`] characters (at a space when there is one) and the text
//! runs onto as many pages as it needs, each with a "page N of M" footer. The base-14 fonts
//! are not embedded, so only characters of Windows-1252 (WinAnsi) can be shown: a few common
//! others are transliterated (`≥` → `>=`, `→` → `->`, `−` → `-`, …) and anything else is
//! replaced by `?`, never dropped silently and never a panic.

use pdf_writer::{Content, Finish, Name, Pdf, Rect, Ref, Str};

/// Characters per line before wrapping.
pub const WRAP_AT: usize = 90;
/// Text lines per page (the title and the blank line after it count on the first page).
pub const LINES_PER_PAGE: usize = 60;

const FONT: Name<'static> = Name(b"F1");
const FONT_SIZE: f32 = 10.0;
const LEADING: f32 = 12.0;
const LEFT: f32 = 50.0;
const TOP: f32 = 750.0;
const FOOTER_Y: f32 = 25.0;
const PAGE: Rect = Rect {
    x1: 0.0,
    y1: 0.0,
    x2: 612.0,
    y2: 792.0,
};

/// Renders `title`, a blank line and `text` as PDF bytes: wrapped, paginated, WinAnsi-encoded.
pub fn render_text(title: &str, text: &str) -> Vec<u8> {
    let mut lines: Vec<Vec<u8>> = vec![encode(title), Vec::new()];
    for line in text.lines() {
        wrap(&encode(line), &mut lines);
    }
    let pages: Vec<&[Vec<u8>]> = lines.chunks(LINES_PER_PAGE).collect();
    let count = pages.len();

    let catalog = Ref::new(1);
    let tree = Ref::new(2);
    let font = Ref::new(3);
    // Each page and its content stream: objects 4 and 5, 6 and 7, …
    let refs: Vec<(Ref, Ref)> = (4..)
        .step_by(2)
        .map(|id| (Ref::new(id), Ref::new(id + 1)))
        .take(count)
        .collect();

    let mut pdf = Pdf::new();
    pdf.catalog(catalog).pages(tree);
    pdf.pages(tree)
        .kids(refs.iter().map(|&(page, _)| page))
        .count(i32::try_from(count).unwrap_or(i32::MAX));
    pdf.type1_font(font)
        .base_font(Name(b"Helvetica"))
        .encoding_predefined(Name(b"WinAnsiEncoding"));
    for (i, (page_lines, &(page_id, content_id))) in pages.iter().zip(&refs).enumerate() {
        let mut page = pdf.page(page_id);
        page.parent(tree).media_box(PAGE).contents(content_id);
        page.resources().fonts().pair(FONT, font);
        page.finish();

        let mut content = Content::new();
        content
            .begin_text()
            .set_font(FONT, FONT_SIZE)
            .set_leading(LEADING)
            .next_line(LEFT, TOP);
        for (n, line) in page_lines.iter().enumerate() {
            if n == 0 {
                content.show(Str(line));
            } else {
                // `'`: next line (by the leading), then show.
                content.next_line_show(Str(line));
            }
        }
        content.end_text();
        let footer = format!("page {} of {count}", i + 1);
        content
            .begin_text()
            .set_font(FONT, 8.0)
            .next_line(LEFT, FOOTER_Y)
            .show(Str(footer.as_bytes()))
            .end_text();
        pdf.stream(content_id, &content.finish());
    }
    pdf.finish()
}

/// Splits one encoded line into lines of at most [`WRAP_AT`] bytes (one byte per glyph),
/// breaking at the last space when there is one.
fn wrap(mut rest: &[u8], out: &mut Vec<Vec<u8>>) {
    while rest.len() > WRAP_AT {
        let cut = rest[..WRAP_AT]
            .iter()
            .rposition(|&b| b == b' ')
            .filter(|&i| i > 0)
            .unwrap_or(WRAP_AT);
        out.push(rest[..cut].to_vec());
        rest = &rest[cut..];
        while let [b' ', tail @ ..] = rest {
            rest = tail;
        }
    }
    out.push(rest.to_vec());
}

/// Encodes text as WinAnsi bytes: tabs become four spaces, other control characters a
/// space, characters outside WinAnsi a transliteration or `?`.
fn encode(text: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(text.len());
    for c in text.chars() {
        if c == '\t' {
            out.extend_from_slice(b"    ");
        } else if c.is_control() {
            out.push(b' ');
        } else if let Some(b) = winansi(c) {
            out.push(b);
        } else {
            out.extend_from_slice(transliterate(c).as_bytes());
        }
    }
    out
}

/// The WinAnsi (Windows-1252) byte of `c`, if it has one.
fn winansi(c: char) -> Option<u8> {
    const HIGH: [(char, u8); 27] = [
        ('€', 0x80),
        ('‚', 0x82),
        ('ƒ', 0x83),
        ('„', 0x84),
        ('…', 0x85),
        ('†', 0x86),
        ('‡', 0x87),
        ('ˆ', 0x88),
        ('‰', 0x89),
        ('Š', 0x8A),
        ('‹', 0x8B),
        ('Œ', 0x8C),
        ('Ž', 0x8E),
        ('\u{2018}', 0x91),
        ('\u{2019}', 0x92),
        ('\u{201C}', 0x93),
        ('\u{201D}', 0x94),
        ('•', 0x95),
        ('–', 0x96),
        ('—', 0x97),
        ('˜', 0x98),
        ('™', 0x99),
        ('š', 0x9A),
        ('›', 0x9B),
        ('œ', 0x9C),
        ('ž', 0x9E),
        ('Ÿ', 0x9F),
    ];
    match u32::from(c) {
        0x20..=0x7E | 0xA0..=0xFF => u8::try_from(u32::from(c)).ok(),
        _ => HIGH.iter().find(|(h, _)| *h == c).map(|&(_, b)| b),
    }
}

/// An ASCII stand-in for a character WinAnsi cannot show; `?` when there is none.
fn transliterate(c: char) -> &'static str {
    match c {
        '≤' => "<=",
        '≥' => ">=",
        '≠' => "!=",
        '≈' => "~",
        '→' => "->",
        '←' => "<-",
        '↑' => "^",
        '↓' => "v",
        '\u{2010}'..='\u{2012}' | '\u{2212}' => "-",
        '\u{2032}' => "'",
        '\u{2033}' => "\"",
        '\u{2002}'..='\u{200A}' | '\u{202F}' | '\u{3000}' => " ",
        '\u{200B}'..='\u{200D}' | '\u{FEFF}' => "",
        'ﬁ' => "fi",
        'ﬂ' => "fl",
        '✓' | '✔' => "v",
        _ => "?",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encoding_keeps_winansi_and_replaces_the_rest_honestly() {
        assert_eq!(encode("BP 120/80 (ok) \\"), b"BP 120/80 (ok) \\".to_vec());
        assert_eq!(encode("37.5°C café"), b"37.5\xB0C caf\xE9".to_vec());
        assert_eq!(encode("“Dr.” – 5€"), b"\x93Dr.\x94 \x96 5\x80".to_vec());
        assert_eq!(encode("HR ≥ 100 → ER"), b"HR >= 100 -> ER".to_vec());
        assert_eq!(encode("患者 🙂"), b"?? ?".to_vec());
        assert_eq!(encode("a\tb\u{7}c"), b"a    b c".to_vec());
    }

    #[test]
    fn wrapping_breaks_at_spaces_and_splits_unbroken_runs() {
        let mut out = Vec::new();
        let words = "word ".repeat(30);
        wrap(words.trim_end().as_bytes(), &mut out);
        assert!(out.iter().all(|l| l.len() <= WRAP_AT));
        assert!(
            out.iter()
                .all(|l| !l.starts_with(b" ") && !l.ends_with(b" "))
        );
        assert_eq!(out.join(&b' '), words.trim_end().as_bytes());
        let mut out = Vec::new();
        wrap(&[b'x'; 200], &mut out);
        assert_eq!(
            out.iter().map(Vec::len).collect::<Vec<_>>(),
            [WRAP_AT, WRAP_AT, 20]
        );
        let mut out = Vec::new();
        wrap(b"", &mut out);
        assert_eq!(out, [Vec::<u8>::new()]);
    }

    #[test]
    fn structure_is_a_pdf_with_one_page_per_sixty_lines() {
        let short = render_text(
            "Note (draft)",
            "line one\nline two with (parens) \\ backslash",
        );
        assert!(short.starts_with(b"%PDF-") && short.ends_with(b"%%EOF"));
        let long_text = (0..130).map(|i| format!("line {i}\n")).collect::<String>();
        let long = String::from_utf8_lossy(&render_text("t", &long_text)).into_owned();
        // 2 + 130 lines: three pages.
        assert!(long.contains("/Count 3"), "{long}");
        assert!(long.contains("(page 3 of 3)"));
    }
}
