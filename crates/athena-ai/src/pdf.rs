//! A minimal, valid single-page PDF (Helvetica, Letter) written by hand: no PDF crate.

/// Renders `text` (lines wrapped at 90 characters, up to one page) as PDF bytes.
pub fn single_page(title: &str, text: &str) -> Vec<u8> {
    let mut lines: Vec<String> = vec![title.to_owned(), String::new()];
    for line in text.lines() {
        let mut rest = line;
        while rest.chars().count() > 90 {
            let cut = rest.char_indices().nth(90).map_or(rest.len(), |(i, _)| i);
            let cut = rest[..cut].rfind(' ').filter(|&i| i > 0).unwrap_or(cut);
            lines.push(rest[..cut].to_owned());
            rest = rest[cut..].trim_start();
        }
        lines.push(rest.to_owned());
    }
    lines.truncate(60);
    let mut content = String::from("BT /F1 10 Tf 12 TL 50 750 Td\n");
    for l in &lines {
        let escaped: String = l
            .chars()
            .map(|c| {
                if c.is_ascii() && !c.is_ascii_control() {
                    c
                } else {
                    '?'
                }
            })
            .flat_map(|c| match c {
                '(' | ')' | '\\' => vec!['\\', c],
                c => vec![c],
            })
            .collect();
        content.push_str(&format!("({escaped}) Tj T*\n"));
    }
    content.push_str("ET\n");
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>".to_owned(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_owned(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>".to_owned(),
        format!("<< /Length {} >>\nstream\n{}endstream", content.len(), content),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_owned(),
    ];
    let mut out = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::new();
    for (i, o) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n{}\nendobj\n", i + 1, o).as_bytes());
    }
    let xref = out.len();
    out.extend_from_slice(
        format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes(),
    );
    for off in offsets {
        out.extend_from_slice(format!("{off:010} 00000 n \n").as_bytes());
    }
    out.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .as_bytes(),
    );
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn structure_and_xref_offsets() {
        let pdf = super::single_page(
            "Note (draft)",
            "line one\nline two with (parens) \\ backslash",
        );
        let s = String::from_utf8(pdf).unwrap();
        assert!(s.starts_with("%PDF-1.4\n") && s.ends_with("%%EOF\n"));
        let startxref: usize = s
            .rsplit("startxref\n")
            .next()
            .unwrap()
            .lines()
            .next()
            .unwrap()
            .parse()
            .unwrap();
        assert!(s[startxref..].starts_with("xref"));
        for line in s[startxref..].lines().skip(3).take(5) {
            let off: usize = line[..10].parse().unwrap();
            assert!(
                s[off..].split_whitespace().nth(1) == Some("0"),
                "xref entry points at an object"
            );
        }
        assert!(s.contains("\\(parens\\)"));
    }
}
