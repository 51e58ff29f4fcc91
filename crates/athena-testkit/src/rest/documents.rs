//! Documents, patient cases and provider inboxes.

use serde_json::{Value, json};

use super::{Cx, d, dt, envelope, iso, page, seg_id, slice};
use crate::data::schedule::PatientCase;
use crate::http::{Reply, require};
use crate::state::Document;
use crate::stats::ops;

const SOURCES: &[&str] = &[
    "PORTAL",
    "PHONE",
    "FAX",
    "EMAIL",
    "PATIENT",
    "OVERRIDE",
    "ACCOUNTMANAGEMENT",
    "CALLCENTER",
    "INTERFACE",
    "OTHER",
];

pub(crate) fn case_json(c: &PatientCase) -> Value {
    json!({
        "patientcaseid": c.id,
        "documentid": c.id,
        "patientid": c.patientid,
        "departmentid": c.departmentid.to_string(),
        "providerid": c.providerid,
        "documentclass": "PATIENTCASE",
        "documentsubclass": c.subclass,
        "documentsource": c.source,
        "documentroute": "PORTAL",
        "subject": c.subject,
        "internalnote": c.message,
        "patientmessage": c.message,
        "priority": c.priority.to_string(),
        "status": c.status,
        "assignedto": format!("provider{}", c.providerid),
        "createddate": d(c.created.date()),
        "createddatetime": iso(c.created),
        "lastmodifieddatetime": iso(c.actions.last().map_or(c.created, |a| a.0)),
    })
}

fn doc_json(pid: u64, doc: &Document) -> Value {
    json!({
        "documentid": doc.id.to_string(),
        "patientid": pid,
        "departmentid": doc.departmentid.to_string(),
        "providerid": doc.providerid,
        "documentclass": doc.class,
        "documentsubclass": doc.subclass,
        "description": doc.description,
        "internalnote": doc.internalnote,
        "status": doc.status,
        "priority": doc.priority,
        "documentdate": d(doc.created.date()),
        "createddate": d(doc.created.date()),
        "createddatetime": iso(doc.created),
        "lastmodifieddatetime": iso(doc.created),
        "documentsource": "INTERFACE",
        "documentroute": "MDP",
    })
}

fn actions_json(c: &PatientCase) -> Value {
    let items: Vec<Value> = c
        .actions
        .iter()
        .enumerate()
        .map(|(i, (at, action, note))| json!({"actionid": i + 1, "action": action, "note": note, "createddatetime": dt(*at), "createdby": "API-SANDBOX"}))
        .collect();
    let n = items.len();
    json!({"actions": items, "totalcount": n})
}

pub(crate) fn route(cx: &mut Cx<'_>, segs: &[&str]) -> Option<Reply> {
    let m = cx.req.method.clone();
    let req = cx.req;
    let pid_prac = cx.p.id;
    match (m.as_str(), segs) {
        ("GET", ["providers", prov, "inbox"]) => {
            let Some(prov) = seg_id(prov).filter(|p| cx.p.has_provider(*p)) else {
                return Some(Reply::not_found("provider ID"));
            };
            let pg = match page(req, 1500, 5000) {
                Ok(p) => p,
                Err(e) => return Some(e),
            };
            let all: Vec<Value> =
                cx.p.cases
                    .values()
                    .filter(|c| c.providerid == prov && c.status != "CLOSED")
                    .map(case_json)
                    .collect();
            let items = slice(&all, pg);
            Some(Reply::ok(envelope(
                pid_prac,
                req,
                &format!("providers/{prov}/inbox"),
                "inbox",
                items,
                all.len(),
                pg,
            )))
        }
        ("GET" | "POST", ["documents", "patientcase", id, "actions"]) => {
            let Some(id) = seg_id(id).filter(|i| cx.p.cases.contains_key(i)) else {
                return Some(Reply::not_found("patient case ID"));
            };
            if m == "GET" {
                return Some(Reply::ok(actions_json(&cx.p.cases[&id])));
            }
            let now = cx.now();
            let note = req
                .param("actionnote")
                .or(req.param("note"))
                .unwrap_or_default()
                .to_string();
            let action = req.param("action").unwrap_or("NOTE").to_string();
            if let Some(c) = cx.p.cases.get_mut(&id) {
                if req.param("assignedto").is_some() {
                    c.status = "REVIEW".into();
                }
                c.actions.push((now, action, note));
            }
            cx.wrote(ops::PATIENT_CASE_ACTION);
            Some(Reply::ok(json!({"success": true})))
        }
        (_, ["patients", pid, rest @ ..]) => {
            let is_doc_path = matches!(rest, ["documents", ..] | ["patientcases"]);
            if !is_doc_path {
                return None;
            }
            let Some(pat) = seg_id(pid).and_then(|i| cx.p.patient(i)) else {
                return Some(Reply::not_found("patient ID"));
            };
            Some(match (m.as_str(), rest) {
                ("GET", ["documents"]) => {
                    let pg = match page(req, 1000, 10000) {
                        Ok(p) => p,
                        Err(e) => return Some(e),
                    };
                    let mut all: Vec<Value> =
                        cx.p.documents
                            .get(&pat.id)
                            .map(|v| v.iter().map(|doc| doc_json(pat.id, doc)).collect())
                            .unwrap_or_default();
                    for l in cx.p.chart(&pat).labs {
                        all.push(json!({"documentid": l.id.to_string(), "patientid": pat.id, "departmentid": pat.departmentid.to_string(), "documentclass": "LABRESULT",
                            "description": l.description, "status": "CLOSED", "priority": "2", "documentdate": d(l.at.date()), "createddate": d(l.at.date()),
                            "createddatetime": iso(l.at), "lastmodifieddatetime": iso(l.at), "documentsource": "INTERFACE", "documentroute": "INTERFACE", "providerid": l.providerid}));
                    }
                    for c in cx.p.cases.values().filter(|c| c.patientid == pat.id) {
                        all.push(case_json(c));
                    }
                    let items = slice(&all, pg);
                    Reply::ok(envelope(
                        pid_prac,
                        req,
                        &format!("patients/{}/documents", pat.id),
                        "documents",
                        items,
                        all.len(),
                        pg,
                    ))
                }
                ("POST", ["documents", "clinicaldocument"]) => {
                    if let Some(r) = require(req, &["departmentid", "documentsubclass"]) {
                        return Some(r);
                    }
                    let Some(dept) = req
                        .param("departmentid")
                        .and_then(|v| v.parse().ok())
                        .filter(|d| cx.p.has_department(*d))
                    else {
                        return Some(Reply::invalid_fields(&["departmentid"]));
                    };
                    let id = cx.p.next_document;
                    cx.p.next_document += 1;
                    let autoclose = req.flag("autoclose");
                    let doc = Document {
                        id,
                        class: "CLINICALDOCUMENT".into(),
                        subclass: req
                            .param("documentsubclass")
                            .unwrap_or_default()
                            .to_string(),
                        departmentid: dept,
                        providerid: req.param("providerid").and_then(|v| v.parse().ok()),
                        created: cx.now(),
                        description: req
                            .param("documentdata")
                            .or(req.param("originalfilename"))
                            .unwrap_or("Clinical document")
                            .chars()
                            .take(200)
                            .collect(),
                        internalnote: req.param("internalnote").unwrap_or_default().to_string(),
                        status: if autoclose {
                            "CLOSED".into()
                        } else {
                            "REVIEW".into()
                        },
                        priority: req.param("priority").unwrap_or("2").to_string(),
                    };
                    cx.p.documents.entry(pat.id).or_default().push(doc);
                    cx.wrote(ops::ADD_CLINICAL_DOCUMENT);
                    Reply::ok(json!({"success": true, "clinicaldocumentid": id}))
                }
                ("POST", ["documents", "patientcase"]) => {
                    if let Some(r) = require(
                        req,
                        &[
                            "departmentid",
                            "documentsource",
                            "documentsubclass",
                            "providerid",
                        ],
                    ) {
                        return Some(r);
                    }
                    let source = req.param("documentsource").unwrap_or_default();
                    if !SOURCES.contains(&source) {
                        return Some(Reply::invalid(&format!(
                            "The value '{source}' did not match any of the enum values for SOURCE"
                        )));
                    }
                    let Some(dept) = req
                        .param("departmentid")
                        .and_then(|v| v.parse().ok())
                        .filter(|d| cx.p.has_department(*d))
                    else {
                        return Some(Reply::invalid_fields(&["departmentid"]));
                    };
                    let Some(prov) = req
                        .param("providerid")
                        .and_then(|v| v.parse().ok())
                        .filter(|p| cx.p.has_provider(*p))
                    else {
                        return Some(Reply::invalid_fields(&["providerid"]));
                    };
                    let id = cx.p.next_case;
                    cx.p.next_case += 1;
                    let case = PatientCase {
                        id,
                        patientid: pat.id,
                        departmentid: dept,
                        providerid: prov,
                        subject: req.param("subject").unwrap_or_default().to_string(),
                        message: req.param("internalnote").unwrap_or_default().to_string(),
                        urgent: req.param("priority") == Some("1"),
                        priority: req
                            .param("priority")
                            .and_then(|v| v.parse().ok())
                            .unwrap_or(2),
                        status: if req.flag("autoclose") {
                            "CLOSED".into()
                        } else {
                            "OPEN".into()
                        },
                        source: source.to_string(),
                        subclass: req
                            .param("documentsubclass")
                            .unwrap_or_default()
                            .to_string(),
                        created: cx.now(),
                        actions: Vec::new(),
                    };
                    cx.p.cases.insert(id, case);
                    cx.wrote(ops::CREATE_PATIENT_CASE);
                    Reply::ok(json!({"success": true, "patientcaseid": id}))
                }
                ("GET", ["patientcases"]) => {
                    let pg = match page(req, 1000, 10000) {
                        Ok(p) => p,
                        Err(e) => return Some(e),
                    };
                    let all: Vec<Value> =
                        cx.p.cases
                            .values()
                            .filter(|c| c.patientid == pat.id)
                            .map(case_json)
                            .collect();
                    let items = slice(&all, pg);
                    Reply::ok(envelope(
                        pid_prac,
                        req,
                        &format!("patients/{}/patientcases", pat.id),
                        "patientcases",
                        items,
                        all.len(),
                        pg,
                    ))
                }
                ("GET", ["documents", "patientcase", id]) => match seg_id(id)
                    .and_then(|i| cx.p.cases.get(&i))
                    .filter(|c| c.patientid == pat.id)
                {
                    Some(c) => Reply::ok(json!([case_json(c)])),
                    None => Reply::not_found("patient case ID"),
                },
                ("PUT" | "POST", ["documents", "patientcase", id, "close"]) => {
                    let now = cx.now();
                    match seg_id(id)
                        .and_then(|i| cx.p.cases.get_mut(&i))
                        .filter(|c| c.patientid == pat.id)
                    {
                        Some(c) => {
                            c.status = "CLOSED".into();
                            let note = req.param("closenote").unwrap_or_default().to_string();
                            c.actions.push((now, "CLOSE".into(), note));
                            cx.wrote(ops::PATIENT_CASE_ACTION);
                            Reply::ok(json!({"success": true}))
                        }
                        None => Reply::not_found("patient case ID"),
                    }
                }
                _ => return None,
            })
        }
        _ => None,
    }
}
