//! What the CLI prints: tables and JSON on stdout, written so that a closed pipe
//! (`athena … | head -1`) ends the command quietly instead of panicking.

use std::io::{self, Write};

use serde_json::Value;

/// Standard output went away (the reader closed the pipe): stop, quietly.
#[derive(Debug)]
pub(crate) struct Closed;

/// Writes `text` to stdout and flushes. A broken pipe is [`Closed`]; other write errors are
/// treated the same way (there is nowhere left to print to).
pub(crate) fn out(text: &str) -> Result<(), Closed> {
    let mut stdout = io::stdout().lock();
    stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
        .map_err(|_| Closed)
}

/// Writes a line to stderr, ignoring failure (`eprintln!` would panic on a closed stderr).
pub(crate) fn err_line(text: &str) {
    let _ = writeln!(io::stderr().lock(), "{text}");
}

/// Any serializable value as JSON.
pub(crate) fn to_value<T: serde::Serialize + ?Sized>(v: &T) -> Value {
    serde_json::to_value(v).unwrap_or(Value::Null)
}

/// Pretty JSON and a newline.
pub(crate) fn print_json<T: serde::Serialize + ?Sized>(v: &T) -> Result<(), Closed> {
    let text = serde_json::to_string_pretty(v).unwrap_or_else(|_| "null".into());
    out(&format!("{text}\n"))
}

/// A table column: heading and the JSON field (or `a+b` for two fields joined by a space).
pub(crate) type Column = (&'static str, &'static str);

pub(crate) const PATIENT_COLUMNS: [Column; 6] = [
    ("ID", "patientid"),
    ("LAST NAME", "lastname"),
    ("FIRST NAME", "firstname"),
    ("DOB", "dob"),
    ("SEX", "sex"),
    ("DEPT", "departmentid"),
];
pub(crate) const APPOINTMENT_COLUMNS: [Column; 7] = [
    ("ID", "appointmentid"),
    ("DATE", "date"),
    ("START", "starttime"),
    ("MIN", "duration"),
    ("TYPE", "appointmenttype"),
    ("PROVIDER", "providerid"),
    ("STATUS", "appointmentstatus"),
];
pub(crate) const CHANGED_COLUMNS: [Column; 6] = [
    ("ID", "appointmentid"),
    ("DATE", "date"),
    ("START", "starttime"),
    ("STATUS", "appointmentstatus"),
    ("PATIENT", "patientid"),
    ("DEPT", "departmentid"),
];
pub(crate) const DEPARTMENT_COLUMNS: [Column; 4] = [
    ("ID", "departmentid"),
    ("NAME", "name"),
    ("TIME ZONE", "timezonename"),
    ("CITY", "city"),
];
pub(crate) const PROVIDER_COLUMNS: [Column; 4] = [
    ("ID", "providerid"),
    ("NAME", "displayname"),
    ("TYPE", "providertype"),
    ("SPECIALTY", "specialty"),
];
pub(crate) const PROBLEM_COLUMNS: [Column; 4] = [
    ("ID", "problemid"),
    ("PROBLEM", "name"),
    ("CODE", "codeset+code"),
    ("ICD-10", "bestmatchicd10code"),
];
pub(crate) const MEDICATION_COLUMNS: [Column; 3] = [
    ("MEDICATION", "medication"),
    ("SIG", "unstructuredsig"),
    ("DISCONTINUED", "isdiscontinued"),
];
pub(crate) const ALLERGY_COLUMNS: [Column; 3] = [
    ("ALLERGEN", "allergenname"),
    ("ONSET", "onsetdate"),
    ("ID", "allergenid"),
];
pub(crate) const VITAL_COLUMNS: [Column; 3] = [
    ("VITAL", "clinicalelementid"),
    ("VALUE", "value+unit"),
    ("TAKEN", "readingtaken"),
];
pub(crate) const LAB_COLUMNS: [Column; 6] = [
    ("DATE", "labresultdate"),
    ("RESULT", "result"),
    ("ANALYTE", "analytename"),
    ("VALUE", "value+units"),
    ("REFERENCE", "referencerange"),
    ("FLAG", "abnormalflag"),
];

/// Prints items as JSON (`--json`) or as a table of `columns`.
pub(crate) fn print_list<T: serde::Serialize>(
    json: bool,
    items: &[T],
    columns: &[Column],
) -> Result<(), Closed> {
    if json {
        return print_json(items);
    }
    let rows: Vec<Vec<String>> = items
        .iter()
        .map(|item| row(&to_value(item), columns))
        .collect();
    out(&format!(
        "{}({} {})\n",
        table(columns, &rows),
        rows.len(),
        if rows.len() == 1 { "row" } else { "rows" }
    ))
}

/// The cells of one item.
pub(crate) fn row(v: &Value, columns: &[Column]) -> Vec<String> {
    columns
        .iter()
        .map(|(_, field)| {
            field
                .split('+')
                .map(|f| cell(v.get(f)))
                .filter(|s| !s.is_empty())
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect()
}

fn cell(v: Option<&Value>) -> String {
    match v {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(s)) => s.clone(),
        Some(other) => other.to_string(),
    }
}

/// Left-aligned columns separated by two spaces; cells longer than 48 characters are cut.
pub(crate) fn table(columns: &[Column], rows: &[Vec<String>]) -> String {
    const MAX: usize = 48;
    let clip = |s: &str| -> String {
        if s.chars().count() > MAX {
            let mut c: String = s.chars().take(MAX - 1).collect();
            c.push('…');
            c
        } else {
            s.to_owned()
        }
    };
    let rows: Vec<Vec<String>> = rows
        .iter()
        .map(|r| r.iter().map(|c| clip(c)).collect())
        .collect();
    let widths: Vec<usize> = columns
        .iter()
        .enumerate()
        .map(|(i, (h, _))| {
            rows.iter()
                .filter_map(|r| r.get(i))
                .map(|c| c.chars().count())
                .chain([h.len()])
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut out = String::new();
    let mut line = |cells: &mut dyn Iterator<Item = &str>| {
        let parts: Vec<String> = cells
            .zip(&widths)
            .map(|(c, w)| format!("{c:<w$}"))
            .collect();
        out.push_str(parts.join("  ").trim_end());
        out.push('\n');
    };
    line(&mut columns.iter().map(|(h, _)| *h));
    for r in &rows {
        line(&mut r.iter().map(String::as_str));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_align_columns_and_clip_long_cells() {
        let cols: [Column; 2] = [("ID", "id"), ("NAME", "name")];
        let long = "x".repeat(60);
        let t = table(
            &cols,
            &[vec!["1".into(), "Ann".into()], vec!["22".into(), long]],
        );
        let lines: Vec<&str> = t.lines().collect();
        assert_eq!(lines[0], "ID  NAME");
        assert_eq!(lines[1], "1   Ann");
        assert!(lines[2].ends_with('…'), "{t}");
        assert_eq!(lines[2].chars().count(), 4 + 48, "{t}");
    }
}
