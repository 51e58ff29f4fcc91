//! A patient's chart, the way a clinician skims it: who (initials only), problems,
//! medications, allergies, vitals with units and dates, lab results with analytes and reference
//! ranges, recent encounters, and the latest encounter summary as plain text.
//!
//! ```sh
//! cargo run --example patient_chart                    # against a local sandbox
//! ATHENA_CLIENT_ID=… ATHENA_CLIENT_SECRET=… ATHENA_PRACTICE_ID=195900 \
//!     cargo run --example patient_chart                # athenahealth's preview sandbox
//! ATHENA_PATIENT_ID=… cargo run --example patient_chart  # a particular patient
//! ```
//!
//! Chart calls need a department (`practice.department(id).chart(patient)`); the example uses
//! the patient's registration department.

use athena::DepartmentId;
use athena::ids::PatientId;
use athena::prelude::*;
use athena::rest::models::Patient;
use athena::sandbox::{TEST_LASTNAME, connect_or_sandbox};
use athena_examples::{BoxError, initials};

#[tokio::main]
async fn main() -> Result<(), BoxError> {
    athena_examples::init_tracing();
    let session = connect_or_sandbox().await?;
    println!("Talking to {}", session.description());
    let practice = session.practice();

    // Pick the patient: ATHENA_PATIENT_ID, or the first candidate whose chart has lab results
    // and encounters (the preview test patients in practice 195900; in the local sandbox also
    // its generated patients, whose charts are fuller than the seeded test patients').
    let fallback_department = practice
        .departments()
        .list()
        .send()
        .await?
        .items()
        .iter()
        .find_map(|d| d.departmentid)
        .ok_or("the practice has no department")?;
    let mut candidates: Vec<PatientId> = Vec::new();
    if let Ok(id) = std::env::var("ATHENA_PATIENT_ID") {
        candidates.push(PatientId::new(id.trim().parse()?));
    } else {
        let found = practice
            .patients()
            .search()
            .lastname(TEST_LASTNAME)
            .send()
            .await?;
        candidates.extend(found.items().iter().filter_map(|p| p.patientid));
        if session.is_local() {
            candidates.extend((1..=5).map(PatientId::new));
        }
    }
    let mut chosen: Option<(Patient, DepartmentId)> = None;
    for id in &candidates {
        let patient = practice.patients().get(*id).send().await?;
        let department = patient
            .departmentid
            .or(patient.primarydepartmentid)
            .unwrap_or(fallback_department);
        let chart = practice.department(department).chart(*id);
        let rich = !chart.lab_results().send().await?.items().is_empty()
            && !chart.encounters().send().await?.items().is_empty();
        let first = chosen.is_none();
        if first || rich {
            chosen = Some((patient, department));
        }
        if rich {
            break;
        }
    }
    let (patient, department_id) = chosen.ok_or("no patient found; set ATHENA_PATIENT_ID")?;
    let patient_id = patient.patientid.ok_or("the patient has no id")?;
    let first_name = patient.firstname.as_ref().map(|n| n.expose().clone());
    let last_name = patient.lastname.as_ref().map(|n| n.expose().clone());

    println!(
        "\nPatient #{patient_id} ({}), sex {}, born {}, status {}, department #{department_id}",
        initials(first_name.as_deref(), last_name.as_deref()),
        patient.sex.as_deref().unwrap_or("?"),
        // The year alone is not one of HIPAA's identifiers; the full date is.
        patient
            .dob
            .as_ref()
            .and_then(|d| d.expose().to_string().rsplit('/').next().map(str::to_owned))
            .unwrap_or_else(|| "?".into()),
        patient.status.as_deref().unwrap_or("?"),
    );

    let chart = practice.department(department_id).chart(patient_id);

    // Problems.
    let problems = chart.problems().send().await?;
    println!("\nProblems ({}):", problems.items().len());
    for p in problems.items() {
        let since = p
            .events
            .as_ref()
            .and_then(|e| e.iter().find_map(|e| e.onsetdate.or(e.startdate)))
            .map(|d| format!(", since {d}"))
            .unwrap_or_default();
        println!(
            "  - {} ({} {}){since}",
            p.name.as_deref().unwrap_or("?"),
            p.codeset.as_deref().unwrap_or(""),
            p.code.as_deref().unwrap_or(""),
        );
    }

    // Medications: one inner list of history entries per medication.
    let medications = chart.medications().send().await?;
    let meds = medications.medications.unwrap_or_default();
    println!("\nMedications ({}):", meds.len());
    for entries in &meds {
        if let Some(m) = entries.first() {
            println!(
                "  - {}{}{}",
                m.medication.as_deref().unwrap_or("?"),
                m.unstructuredsig
                    .as_ref()
                    .map(|s| format!(": {}", s.expose()))
                    .unwrap_or_default(),
                if m.isdiscontinued == Some(true) {
                    " (discontinued)"
                } else {
                    ""
                },
            );
        }
    }
    if medications.nomedicationsreported == Some(true) {
        println!("  (no medications reported)");
    }

    // Allergies.
    let allergies = chart.allergies().send().await?;
    let list = allergies.allergies.unwrap_or_default();
    println!(
        "\nAllergies ({}){}:",
        list.len(),
        if allergies.nkda == Some(true) {
            ", NKDA"
        } else {
            ""
        }
    );
    for a in &list {
        let reactions: Vec<String> = a
            .reactions
            .iter()
            .flatten()
            .filter_map(|r| {
                let name = r.get("reactionname")?.as_str()?;
                Some(match r.get("severity").and_then(|s| s.as_str()) {
                    Some(sev) if !sev.is_empty() => format!("{name}, {sev}"),
                    _ => name.to_owned(),
                })
            })
            .collect();
        println!(
            "  - {}{}{}",
            a.allergenname.as_deref().unwrap_or("?"),
            if reactions.is_empty() {
                String::new()
            } else {
                format!(" ({})", reactions.join("; "))
            },
            a.onsetdate
                .map(|d| format!(", onset {d}"))
                .unwrap_or_default(),
        );
    }

    // Vitals: each vital has readings grouped by the time they were taken.
    let vitals = chart.vitals().send().await?;
    println!(
        "\nVitals ({} kinds), most recent reading of each:",
        vitals.items().len()
    );
    for v in vitals.items() {
        let Some(latest) = v.readings.as_ref().and_then(|r| r.last()) else {
            continue;
        };
        let values: Vec<String> = latest
            .iter()
            .map(|r| {
                let element = r
                    .clinicalelementid
                    .as_deref()
                    .and_then(|e| e.strip_prefix("VITALS."))
                    .unwrap_or("?");
                format!(
                    "{element} {} {}",
                    r.value.as_ref().map(|v| v.expose().as_str()).unwrap_or("?"),
                    r.unit.as_deref().unwrap_or(""),
                )
                .trim_end()
                .to_owned()
            })
            .collect();
        let when = latest
            .iter()
            .find_map(|r| r.readingtaken.as_ref())
            .map(|t| t.to_string())
            .unwrap_or_else(|| "?".into());
        println!(
            "  - {:<16} {}  (taken {when})",
            v.key.as_deref().unwrap_or("?"),
            values.join(", ")
        );
    }

    // Lab results, with each analyte's value, units, reference range and flag.
    let labs = chart.lab_results().send().await?;
    println!("\nLab results ({}):", labs.items().len());
    for l in labs.items().iter().take(5) {
        println!(
            "  - {} on {} (LOINC {}, {})",
            l.description.as_deref().unwrap_or("?"),
            l.labresultdate
                .map(|d| d.to_string())
                .unwrap_or_else(|| "?".into()),
            l.labresultloinc.as_deref().unwrap_or("?"),
            l.performinglabname.as_deref().unwrap_or("lab unknown"),
        );
        for a in l.analytes.iter().flatten() {
            let flag = a.abnormalflag.as_deref().unwrap_or("");
            let line = format!(
                "      {:<28} {:>8} {:<10} ref {:<14}{}",
                a.analytename.as_deref().unwrap_or("?"),
                a.value.as_ref().map(|v| v.expose().as_str()).unwrap_or("?"),
                a.units.as_deref().unwrap_or(""),
                a.referencerange.as_deref().unwrap_or("-"),
                if flag.eq_ignore_ascii_case("normal") || flag.is_empty() {
                    String::new()
                } else {
                    format!(" [{}]", flag.to_uppercase())
                },
            );
            println!("{}", line.trim_end());
        }
    }

    // Recent encounters, newest first.
    let mut encounters = chart.encounters().send().await?.into_items();
    encounters.sort_by_key(|e| std::cmp::Reverse(e.encounterdate));
    println!("\nRecent encounters ({}):", encounters.len());
    for e in encounters.iter().take(5) {
        println!(
            "  - #{:<10} {} {} ({}), provider #{}",
            e.encounterid.map(|i| i.to_string()).unwrap_or_default(),
            e.encounterdate
                .map(|d| d.to_string())
                .unwrap_or_else(|| "?".into()),
            e.encountervisitname
                .as_deref()
                .or(e.encountertype.as_deref())
                .unwrap_or("?"),
            e.status.as_deref().unwrap_or("?"),
            e.providerid.map(|i| i.to_string()).unwrap_or_default(),
        );
    }

    // The latest encounter's summary: athena renders it as HTML; show it as plain text with
    // the patient's name and date of birth masked.
    if let Some(id) = encounters.iter().find_map(|e| e.encounterid) {
        let summary = practice.encounters().summary(id).send().await?;
        let html = summary
            .summaryhtml
            .as_ref()
            .map(|h| h.expose().as_str())
            .unwrap_or("");
        let mut text = html_to_text(html);
        for secret in [first_name.as_deref(), last_name.as_deref()]
            .into_iter()
            .flatten()
            .filter(|s| s.len() > 1)
        {
            text = replace_ignore_case(&text, secret, "[name]");
        }
        if let Some(dob) = &patient.dob {
            text = text.replace(&dob.expose().to_string(), "[dob]");
        }
        println!("\nSummary of encounter #{id} (as text, name and birth date masked):");
        for line in text.lines().take(20) {
            println!("  | {line}");
        }
    } else {
        println!("\nNo encounter to summarise.");
    }
    Ok(())
}

/// Plain text from athena's summary HTML: tags dropped, block tags and table cells turned into
/// line breaks and separators, entities decoded, whitespace collapsed.
fn html_to_text(html: &str) -> String {
    let mut out = String::new();
    let mut rest = html;
    while let Some(start) = rest.find('<') {
        out.push_str(&rest[..start]);
        let Some(end) = rest[start..].find('>') else {
            rest = "";
            break;
        };
        let tag = rest[start + 1..start + end]
            .trim_start_matches('/')
            .split(|c: char| c.is_whitespace() || c == '/')
            .next()
            .unwrap_or("")
            .to_ascii_lowercase();
        match tag.as_str() {
            "div" | "tr" | "br" | "p" | "table" | "li" | "h1" | "h2" | "h3" | "html" => {
                out.push('\n');
            }
            "th" | "td" | "span" => out.push(' '),
            _ => {}
        }
        rest = &rest[start + end + 1..];
    }
    out.push_str(rest);
    let decoded = out
        .replace("&nbsp;", " ")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&");
    decoded
        .lines()
        .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join("\n")
}

/// `text` with every case-insensitive occurrence of `needle` replaced (ASCII case folding).
fn replace_ignore_case(text: &str, needle: &str, with: &str) -> String {
    let lower = text.to_ascii_lowercase();
    let needle = needle.to_ascii_lowercase();
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    for (i, _) in lower.match_indices(&needle) {
        out.push_str(&text[last..i]);
        out.push_str(with);
        last = i + needle.len();
    }
    out.push_str(&text[last..]);
    out
}
