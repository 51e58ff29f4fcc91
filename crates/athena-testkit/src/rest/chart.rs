//! `/chart/{pid}/…` (problems, medications, allergies, vitals, lab results, encounters) and
//! `/chart/encounter(s)/{id}…`.

use std::collections::BTreeMap;

use chrono::NaiveDateTime;
use serde_json::{Value, json};

use super::practice::provider_name;
use super::{Cx, d, dt, envelope, iso, page, seg_id, slice};
use crate::data::clinical::{Allergy, Chart, Encounter, LabResult, Problem, Reading};
use crate::data::patients::Patient;
use crate::data::tables::{ALLERGIES, PROBLEMS};
use crate::feeds::Scope;
use crate::http::Reply;
use crate::stats::ops;

pub(crate) fn problem_json(p: &Problem) -> Value {
    let at = p.onset.and_hms_opt(10, 0, 0).unwrap_or_default();
    json!({
        "problemid": p.id,
        "name": p.name,
        "code": p.snomed,
        "codeset": "SNOMED",
        "bestmatchicd10code": p.icd10,
        "lastmodifiedby": "sandbox",
        "lastmodifieddatetime": iso(at),
        "events": [{"eventtype": "START", "startdate": d(p.onset), "createddate": d(p.onset), "onsetdate": d(p.onset), "createdby": "sandbox"}],
        "note": p.note,
    })
}

/// The `/chart/healthhistory/problems/changed` item.
pub(crate) fn changed_problem_json(pid: u64, p: &Problem) -> Value {
    json!({"name": p.name, "patientid": pid, "problemid": p.id, "events": [{"eventtype": "START", "startdate": d(p.onset)}], "codeset": "SNOMED", "code": p.snomed})
}

pub(crate) fn allergy_json(a: &Allergy) -> Value {
    json!({
        "allergenid": a.allergenid,
        "allergenname": a.name,
        "onsetdate": d(a.onset),
        "note": "",
        "reactions": [{"reactionname": a.reaction, "snomedcode": a.reaction_snomed, "severity": a.severity}],
    })
}

pub(crate) fn lab_json(l: &LabResult) -> Value {
    let (pf, pl) = provider_name(l.providerid);
    json!({
        "labresultid": l.id,
        "priority": "2",
        "labresultloinc": l.loinc,
        "labresultdate": d(l.at.date()),
        "labresultdatetime": dt(l.at),
        "createddate": d(l.at.date()),
        "createddatetime": dt(l.at),
        "description": l.description,
        "providerid": l.providerid,
        "orderingprovider": format!("{pl}, {pf}"),
        "isreviewedbyprovider": "1",
        "attachmentexists": false,
        "performinglabname": "SANDBOX REFERENCE LAB",
        "performinglabaddress1": "1 Lab Way",
        "performinglabcity": "WATERTOWN",
        "performinglabstate": "MA",
        "performinglabzip": "02472",
        "resultstatus": "final",
        "analytes": l.analytes.iter().map(|a| json!({
            "analyteid": a.id,
            "analytename": a.name,
            "description": a.name,
            "loinc": a.loinc,
            "value": a.value,
            "units": a.unit,
            "referencerange": a.range,
            "abnormalflag": if a.abnormal { "abnormal" } else { "normal" },
            "analytedate": d(l.at.date()),
            "analytedatetime": dt(l.at),
            "resultstatus": "final",
        })).collect::<Vec<_>>(),
    })
}

pub(crate) fn encounter_json(pid: u64, e: &Encounter) -> Value {
    let (pf, pl) = provider_name(e.providerid);
    json!({
        "encounterid": e.id,
        "patientid": pid,
        "departmentid": e.departmentid,
        "providerid": e.providerid,
        "providerfirstname": pf,
        "providerlastname": pl,
        "encounterdate": d(e.date),
        "encountertype": "VISIT",
        "encountervisitname": "Office Visit",
        "status": "CLOSED",
        "stage": "SIGNOFF",
        "lastupdated": d(e.date),
        "chiefcomplaint": e.complaint,
        "diagnoses": [{"icdcodes": [{"code": PROBLEMS[e.diagnosis].icd10, "codeset": "ICD10", "description": PROBLEMS[e.diagnosis].name}], "snomedcode": PROBLEMS[e.diagnosis].snomed, "description": PROBLEMS[e.diagnosis].name}],
    })
}

fn vitals_json(readings: &[Reading]) -> Vec<Value> {
    // Group by vital key (`VITALS.BLOODPRESSURE.SYSTOLIC` → `BLOODPRESSURE`), then by time.
    let mut groups: BTreeMap<String, BTreeMap<NaiveDateTime, Vec<Value>>> = BTreeMap::new();
    for r in readings {
        let key = r.key.split('.').nth(1).unwrap_or("OTHER").to_string();
        groups
            .entry(key)
            .or_default()
            .entry(r.at)
            .or_default()
            .push(json!({
                "readingid": 0,
                "vitalid": r.id,
                "clinicalelementid": r.key,
                "value": r.value,
                "unit": r.unit,
                "codedescription": r.name,
                "code": r.loinc,
                "codeset": "LOINC",
                // athena: `createddate` is `mm/dd/yyyy hh24:mi:ss`; there is no `date` here.
                "createddate": dt(r.at),
                "readingtaken": dt(r.at),
                "source": "ENCOUNTER",
            }));
    }
    groups
        .into_iter()
        .enumerate()
        .map(|(i, (key, by_time))| {
            json!({
                "ordering": i,
                "key": key,
                "abbreviation": key.chars().take(3).collect::<String>(),
                "readings": by_time.into_values().map(Value::Array).collect::<Vec<_>>(),
            })
        })
        .collect()
}

fn summary_html(pat: &Patient, e: &Encounter) -> String {
    let (pf, pl) = provider_name(e.providerid);
    format!(
        "<html><div class=\"clinicalsummary\" id=\"SUMMARYCONTAINER\" sectionname=\"Patient\"><div id=\"SUMMARYHEADER\"><span class=\"clinicalsubsubheading\">Patient</span></div>\
         <table class=\"clinicalsummary\"><tr><th>Name <td>{}, {} ID# {} <th>Appt. Date/Time <td>{} <tr><th>DOB <td>{} <th>Provider <td>{} {}</table></div>\
         <div class=\"clinicalsummary\" sectionname=\"EncounterReason\"><span class=\"clinicalsubsubheading\">Chief Complaint</span><div>{}</div></div>\
         <div class=\"clinicalsummary\" sectionname=\"Note\"><span class=\"clinicalsubsubheading\">Assessment &amp; Plan</span><div>{}</div></div></html>",
        pat.lastname.to_uppercase(),
        pat.firstname.to_uppercase(),
        pat.id,
        d(e.date),
        d(pat.dob),
        pf.to_uppercase(),
        pl.to_uppercase(),
        e.complaint,
        e.note
    )
}

fn find_encounter(cx: &Cx<'_>, id: u64) -> Option<(Patient, Encounter)> {
    let pat = cx.p.patient(id / 100)?;
    let chart = cx.p.chart(&pat);
    let e = chart.encounters.into_iter().find(|e| e.id == id)?;
    Some((pat, e))
}

fn get_section(cx: &mut Cx<'_>, pat: &Patient, chart: Chart, section: &str) -> Reply {
    let req = cx.req;
    let pid = cx.p.id;
    let today = cx.now().date();
    match section {
        "problems" => {
            let n = chart.problems.len();
            Reply::ok(json!({
                "problems": chart.problems.iter().map(problem_json).collect::<Vec<_>>(),
                "totalcount": n,
                "lastupdated": d(today),
                "lastmodifiedby": "sandbox",
                "lastmodifieddatetime": iso(today.and_hms_opt(8, 0, 0).unwrap_or_default()),
                "sectionnote": "",
            }))
        }
        "medications" => Reply::ok(json!({
            "medications": chart.medications.iter().map(|m| vec![json!({
                "medicationid": m.id,
                "medicationentryid": format!("H{}", m.id),
                "medication": m.name,
                "rxnorm": m.rxnorm,
                "therapeuticclass": m.class,
                "unstructuredsig": m.sig,
                "isstructuredsig": false,
                "isdiscontinued": m.discontinued,
                "issafetorenew": !m.discontinued,
                "source": "Sandbox",
                "createdby": "sandbox",
                "prescribedby": "sandbox",
                "lastmodifiedby": "sandbox",
                "lastmodifieddate": d(m.start),
                "events": [{"eventdate": d(m.start), "type": "START"}, {"eventdate": d(m.start), "type": "ENTER"}],
            })]).collect::<Vec<_>>(),
            "lastupdated": d(today),
            "nomedicationsreported": chart.medications.is_empty(),
            "patientneedsdownloadconsent": false,
            "patientdownloadconsent": true,
            "sectionnote": "",
        })),
        "allergies" => {
            let nkda =
                cx.p.charts
                    .get(&pat.id)
                    .and_then(|o| o.nkda)
                    .unwrap_or(chart.allergies.is_empty());
            Reply::ok(json!({
                "allergies": chart.allergies.iter().map(allergy_json).collect::<Vec<_>>(),
                "nkda": nkda,
                "lastupdated": d(today),
                "sectionnote": "",
            }))
        }
        "vitals" => {
            let pg = match page(req, 1000, 10000) {
                Ok(p) => p,
                Err(e) => return e,
            };
            let all = vitals_json(&chart.vitals);
            let items = slice(&all, pg);
            Reply::ok(envelope(
                pid,
                req,
                &format!("chart/{}/vitals", pat.id),
                "vitals",
                items,
                all.len(),
                pg,
            ))
        }
        "labresults" => {
            let pg = match page(req, 1000, 10000) {
                Ok(p) => p,
                Err(e) => return e,
            };
            let all: Vec<Value> = chart.labs.iter().map(lab_json).collect();
            let items = slice(&all, pg);
            Reply::ok(envelope(
                pid,
                req,
                &format!("chart/{}/labresults", pat.id),
                "results",
                items,
                all.len(),
                pg,
            ))
        }
        "encounters" => {
            let pg = match page(req, 1000, 10000) {
                Ok(p) => p,
                Err(e) => return e,
            };
            let all: Vec<Value> = chart
                .encounters
                .iter()
                .map(|e| encounter_json(pat.id, e))
                .collect();
            let items = slice(&all, pg);
            Reply::ok(envelope(
                pid,
                req,
                &format!("chart/{}/encounters", pat.id),
                "encounters",
                items,
                all.len(),
                pg,
            ))
        }
        _ => Reply::unknown_path(),
    }
}

fn add_problem(cx: &mut Cx<'_>, pat: &Patient) -> Reply {
    if let Some(r) = crate::http::require(cx.req, &["departmentid", "snomedcode"]) {
        return r;
    }
    let raw = cx.req.param("snomedcode").unwrap_or_default();
    let Ok(code) = raw.trim().parse::<u64>() else {
        return Reply::invalid(&format!("Expecting type integer, but value is {raw}"));
    };
    let known = PROBLEMS.iter().find(|p| p.snomed == code.to_string());
    if code < 100_000 && known.is_none() {
        return Reply::ok(
            json!({"success": "false", "errormessage": format!("Submitted snomedcode of '{code}' is not valid.")}),
        );
    }
    let onset = match super::parse_date(cx.req, "startdate") {
        Ok(v) => v.unwrap_or(cx.now().date()),
        Err(e) => return e,
    };
    let id = cx.p.chart_id();
    let problem = Problem {
        id,
        name: known.map_or_else(
            || format!("Problem (SNOMED {code})"),
            |k| k.name.to_string(),
        ),
        snomed: code.to_string(),
        icd10: known.map_or_else(|| "R69".to_string(), |k| k.icd10.to_string()),
        onset,
        note: cx.req.param("note").unwrap_or_default().to_string(),
    };
    let item = changed_problem_json(pat.id, &problem);
    cx.p.charts
        .entry(pat.id)
        .or_default()
        .problems
        .push(problem);
    cx.p.feeds.emit(
        "chart/healthhistory/problems",
        "ProblemAdd",
        item,
        Scope {
            departmentid: Some(pat.departmentid),
            patientid: Some(pat.id),
            providerid: None,
        },
    );
    cx.wrote(ops::ADD_PROBLEM);
    Reply::ok(json!({"success": "true", "problemid": id}))
}

fn add_vitals(cx: &mut Cx<'_>, pat: &Patient) -> Reply {
    if let Some(r) = crate::http::require(cx.req, &["departmentid", "vitals"]) {
        return r;
    }
    let Ok(Value::Array(groups)) =
        serde_json::from_str::<Value>(cx.req.param("vitals").unwrap_or_default())
    else {
        return Reply::invalid("Expecting type array for vitals.");
    };
    let now = cx.now();
    let mut ids = Vec::new();
    let mut readings = Vec::new();
    for g in groups {
        let items = match g {
            Value::Array(a) => a,
            other => vec![other],
        };
        for it in items {
            let (Some(key), Some(value)) = (it["clinicalelementid"].as_str(), it.get("value"))
            else {
                return Reply::invalid("Each vital needs a clinicalelementid and a value.");
            };
            let Some(def) = crate::data::tables::VITALS.iter().find(|v| v.key == key) else {
                return Reply::invalid(&format!("The clinicalelementid {key} is not valid."));
            };
            let id = cx.p.chart_id();
            ids.push(id.to_string());
            readings.push(Reading {
                id,
                key: key.into(),
                name: def.name.into(),
                value: value
                    .as_str()
                    .map(str::to_string)
                    .unwrap_or_else(|| value.to_string()),
                unit: def.unit.into(),
                loinc: def.loinc.into(),
                at: now,
            });
        }
    }
    cx.p.charts
        .entry(pat.id)
        .or_default()
        .vitals
        .extend(readings);
    cx.wrote(ops::ADD_VITALS);
    Reply::ok(json!({"success": "true", "vitalids": ids}))
}

fn put_allergies(cx: &mut Cx<'_>, pat: &Patient) -> Reply {
    if let Some(r) = crate::http::require(cx.req, &["departmentid"]) {
        return r;
    }
    let mut list = None;
    if let Some(raw) = cx.req.param("allergies") {
        let Ok(Value::Array(items)) = serde_json::from_str::<Value>(raw) else {
            return Reply::invalid("Expecting type array for allergies.");
        };
        let mut out = Vec::new();
        for it in items {
            let Some(id) = it["allergenid"]
                .as_u64()
                .or_else(|| it["allergenid"].as_str().and_then(|s| s.parse().ok()))
            else {
                return Reply::invalid("Each allergy needs an allergenid.");
            };
            let known = ALLERGIES.iter().find(|a| a.allergen_id == id);
            let reaction = &it["reactions"][0];
            out.push(Allergy {
                allergenid: id,
                name: it["allergenname"]
                    .as_str()
                    .map(str::to_string)
                    .or(known.map(|k| k.name.to_string()))
                    .unwrap_or_else(|| format!("Allergen {id}")),
                reaction: reaction["reactionname"]
                    .as_str()
                    .unwrap_or("unknown")
                    .into(),
                reaction_snomed: reaction["snomedcode"].as_str().unwrap_or("").into(),
                severity: reaction["severity"].as_str().unwrap_or("").into(),
                onset: it["onsetdate"]
                    .as_str()
                    .and_then(|s| chrono::NaiveDate::parse_from_str(s, "%m/%d/%Y").ok())
                    .unwrap_or(cx.now().date()),
            });
        }
        list = Some(out);
    }
    let nkda = cx.req.param("nkda").map(|v| v.eq_ignore_ascii_case("true"));
    let o = cx.p.charts.entry(pat.id).or_default();
    if let Some(l) = list.clone() {
        o.allergies = Some(l);
    }
    if nkda.is_some() {
        o.nkda = nkda;
    }
    for a in list.unwrap_or_default() {
        let mut item = allergy_json(&a);
        item["patientid"] = json!(pat.id);
        cx.p.feeds.emit(
            "chart/healthhistory/allergies",
            "AllergyUpdate",
            item,
            Scope {
                departmentid: Some(pat.departmentid),
                patientid: Some(pat.id),
                providerid: None,
            },
        );
    }
    cx.wrote(ops::UPDATE_ALLERGIES);
    Reply::ok(json!({"success": "true"}))
}

pub(crate) fn route(cx: &mut Cx<'_>, segs: &[&str]) -> Option<Reply> {
    let m = cx.req.method.clone();
    match (m.as_str(), segs) {
        ("GET", ["chart", "encounter", id]) => {
            Some(match seg_id(id).and_then(|i| find_encounter(cx, i)) {
                Some((pat, e)) => Reply::ok(json!([encounter_json(pat.id, &e)])),
                None => Reply::not_found("encounter ID"),
            })
        }
        ("GET", ["chart", "encounters", id, "summary"]) => {
            Some(match seg_id(id).and_then(|i| find_encounter(cx, i)) {
                Some((pat, e)) => Reply::ok(json!({"summaryhtml": summary_html(&pat, &e)})),
                None => Reply::not_found("encounter ID"),
            })
        }
        (_, ["chart", pid, section])
            if matches!(
                *section,
                "problems" | "medications" | "allergies" | "vitals" | "labresults" | "encounters"
            ) =>
        {
            let Some(pat) = seg_id(pid).and_then(|i| cx.p.patient(i)) else {
                return Some(Reply::not_found("patient ID"));
            };
            Some(match (m.as_str(), *section) {
                ("GET", s) => {
                    if cx.req.param("departmentid").is_none() {
                        return Some(Reply::missing(&["departmentid"]));
                    }
                    let chart = cx.p.chart(&pat);
                    get_section(cx, &pat, chart, s)
                }
                ("POST", "problems") => add_problem(cx, &pat),
                ("POST", "vitals") => add_vitals(cx, &pat),
                ("PUT", "allergies") => put_allergies(cx, &pat),
                _ => return None,
            })
        }
        _ => None,
    }
}
