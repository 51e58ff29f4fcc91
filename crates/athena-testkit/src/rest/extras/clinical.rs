//! Encounter documents, lab result documents, prescriptions, encounter diagnoses and lab
//! orders.
//!
//! Shapes: encounter documents as in go-athenahealth `ListEncounterDocuments.json` (numbers
//! and strings exactly where athena puts them) and the add answer of the cassette
//! `create_patient_encounter_document.yml`; lab result documents as in the cassette
//! `patient_lab_result_document.yml` (a one-element array, ids as strings) and the add
//! answer of go-athenahealth `AddLabResultDocument.json`; prescriptions as in the cassette
//! `patient_prescriptions.yml`; diagnoses as the add answer of the cassette
//! `create_encounter_diagnoses.yml` (the list answer is a bare array of the same objects,
//! an assumption: no recording); orders as in the cassette `encounter_orders.yml`
//! (`[{"orders": […], "diagnosis", "diagnosissnomed"}]`, strings throughout) and the add
//! answer of `create_encounter_order_lab.yml`.

use base64::Engine as _;
use chrono::NaiveDateTime;
use serde_json::{Value, json};

use super::super::{Cx, d, envelope, iso, page, seg_id, slice};
use super::{AddedDiagnosis, FiledDocument, PlacedOrder, encounter, patient, username};
use crate::data::clinical::{Encounter, LabResult};
use crate::data::patients::Patient;
use crate::data::tables::{LABS, PROBLEMS};
use crate::http::{Reply, require};
use crate::stats::ops;

/// Lab order types: athena's `ordertypeid` for each test of the lab table.
fn lab_order_types() -> impl Iterator<Item = (u64, &'static str)> {
    LABS.iter()
        .enumerate()
        .map(|(i, l)| (387_200 + i as u64, l.name))
}

/// `MM/DD/YYYY hh:mm AM`, as orders and prescriptions carry.
fn ampm(at: NaiveDateTime) -> String {
    at.format("%m/%d/%Y %I:%M %p").to_string()
}

/// A base64 `attachmentcontents`, when present, must decode.
fn check_attachment(cx: &Cx<'_>) -> Result<(), Reply> {
    match cx.req.param("attachmentcontents") {
        Some(b64)
            if base64::engine::general_purpose::STANDARD
                .decode(b64.trim())
                .is_err() =>
        {
            Err(Reply::invalid(
                "The attachment contents are not valid base64.",
            ))
        }
        _ => Ok(()),
    }
}

fn department(cx: &Cx<'_>) -> Result<u64, Reply> {
    if let Some(r) = require(cx.req, &["departmentid"]) {
        return Err(r);
    }
    super::super::id_param(cx.req, "departmentid")?
        .filter(|d| cx.p.has_department(*d))
        .ok_or_else(|| Reply::invalid_fields(&["departmentid"]))
}

// ---------------------------------------------------------------- encounter documents

fn generated_encounter_document(pid: u64, e: &Encounter) -> Value {
    let at = e.date.and_hms_opt(16, 30, 0).unwrap_or_default();
    let user = username(e.providerid);
    json!({
        "appointmentid": 0,
        "assignedto": user,
        "clinicalproviderid": 0,
        "createddate": d(e.date),
        "createddatetime": iso(at),
        "declinedreasontext": "",
        "deleteddatetime": "",
        "departmentid": e.departmentid.to_string(),
        "description": "Visit summary",
        "documentclass": "ENCOUNTERDOCUMENT",
        "documentdate": d(e.date),
        "documentroute": "INTERFACE",
        "documentsource": "ENCOUNTER",
        "documentsubclass": "ENCOUNTERDOCUMENT_PROGRESSNOTE",
        "documenttype": "PROGRESS NOTE",
        "documenttypeid": 288_740,
        "encounterdocumentid": e.id * 10 + 1,
        "encounterid": e.id.to_string(),
        "externalaccessionid": "",
        "internalnote": "",
        "lastmodifieddate": d(e.date),
        "lastmodifieddatetime": iso(at),
        "lastmodifieduser": user,
        "observationdatetime": "",
        "patientid": pid,
        "priority": 2,
        "providerid": e.providerid,
        "providerusername": user,
        "receivernote": "",
        "status": "CLOSED",
        "subject": "",
        "tietoorderid": 0,
    })
}

fn filed_encounter_document(pid: u64, f: &FiledDocument) -> Value {
    let user = username(f.providerid);
    json!({
        "appointmentid": 0,
        "assignedto": user,
        "clinicalproviderid": 0,
        "createddate": d(f.created.date()),
        "createddatetime": iso(f.created),
        "declinedreasontext": "",
        "deleteddatetime": "",
        "departmentid": f.departmentid.to_string(),
        "description": "external records",
        "documentclass": "ENCOUNTERDOCUMENT",
        "documentdate": d(f.created.date()),
        "documentroute": "FAX",
        "documentsource": "UPLOAD",
        "documentsubclass": f.subclass,
        "documenttype": "EXTERNAL",
        "documenttypeid": 288_737,
        "encounterdocumentid": f.id,
        "encounterid": f.encounterid.to_string(),
        "externalaccessionid": "",
        "internalnote": f.internalnote,
        "lastmodifieddate": d(f.created.date()),
        "lastmodifieddatetime": iso(f.created),
        "lastmodifieduser": "API-SANDBOX",
        "observationdatetime": "",
        "patientid": pid,
        "priority": 2,
        "providerid": f.providerid,
        "providerusername": user,
        "receivernote": "",
        "status": "REVIEW",
        "subject": "",
        "tietoorderid": 0,
    })
}

pub(super) fn list_encounter_documents(cx: &mut Cx<'_>, seg: &str) -> Result<Reply, Reply> {
    department(cx)?;
    let pat = patient(cx, seg)?;
    let pg = page(cx.req, 1000, 10000)?;
    let only_encounter = super::super::id_param(cx.req, "encounterid")?;
    let only_subclass = cx
        .req
        .param("documentsubclass")
        .map(str::to_ascii_uppercase);
    let mut all: Vec<(u64, Value)> =
        cx.p.chart(&pat)
            .encounters
            .iter()
            .map(|e| (e.id, generated_encounter_document(pat.id, e)))
            .collect();
    if let Some(filed) = cx.p.extras.encounter_documents.get(&pat.id) {
        all.extend(
            filed
                .iter()
                .map(|f| (f.encounterid, filed_encounter_document(pat.id, f))),
        );
    }
    let all: Vec<Value> = all
        .into_iter()
        .filter(|(e, _)| only_encounter.is_none_or(|want| want == *e))
        .filter(|(_, v)| {
            only_subclass
                .as_deref()
                .is_none_or(|s| v["documentsubclass"] == json!(s))
        })
        .map(|(_, v)| v)
        .collect();
    let items = slice(&all, pg);
    Ok(Reply::ok(envelope(
        cx.p.id,
        cx.req,
        &format!("patients/{}/documents/encounterdocument", pat.id),
        "encounterdocuments",
        items,
        all.len(),
        pg,
    )))
}

pub(super) fn add_encounter_document(cx: &mut Cx<'_>, seg: &str) -> Result<Reply, Reply> {
    let dept = department(cx)?;
    if let Some(r) = require(cx.req, &["documentsubclass"]) {
        return Err(r);
    }
    let pat = patient(cx, seg)?;
    check_attachment(cx)?;
    let encounterid = match super::super::id_param(cx.req, "encounterid")? {
        None => 0,
        Some(e) if cx.p.chart(&pat).encounters.iter().any(|x| x.id == e) => e,
        Some(_) => return Err(Reply::invalid_fields(&["encounterid"])),
    };
    let providerid = super::super::id_param(cx.req, "providerid")?
        .filter(|p| cx.p.has_provider(*p))
        .unwrap_or(pat.primaryproviderid);
    let id = cx.p.extras.document_id();
    let doc = FiledDocument {
        id,
        departmentid: dept,
        encounterid,
        subclass: cx
            .req
            .param("documentsubclass")
            .unwrap_or_default()
            .to_ascii_uppercase(),
        internalnote: cx.req.param("internalnote").unwrap_or_default().to_string(),
        patientnote: String::new(),
        providerid,
        created: cx.now(),
        resultstatus: String::new(),
        tietoorderid: 0,
    };
    cx.p.extras
        .encounter_documents
        .entry(pat.id)
        .or_default()
        .push(doc);
    cx.wrote(ops::ADD_ENCOUNTER_DOCUMENT);
    Ok(Reply::ok(
        json!({"success": true, "encounterdocumentid": id}),
    ))
}

// ---------------------------------------------------------------- lab result documents

fn generated_lab_document(pat: &Patient, l: &LabResult) -> Value {
    let user = username(l.providerid);
    json!([{
        "priority": "2",
        "assignedto": user,
        "observationdate": d(l.at.date()),
        "documentclass": "LABRESULT",
        "createddatetime": iso(l.at),
        "departmentid": pat.departmentid.to_string(),
        "labresultid": l.id.to_string(),
        "documenttypeid": "342158",
        "internalnote": "",
        "observations": l.analytes.iter().map(|a| json!({
            "resultstatus": "final",
            "analytename": a.name,
            "value": a.value,
            "units": a.unit,
            "referencerange": a.range,
            "abnormalflag": if a.abnormal { "abnormal" } else { "normal" },
            "analyteid": a.id.to_string(),
            "loinc": a.loinc,
            "note": "",
        })).collect::<Vec<_>>(),
        "createduser": "API-SANDBOX",
        "description": l.description,
        "documentroute": "INTERFACE",
        "patientnote": "",
        "documentsource": "INTERFACE",
        "createddate": d(l.at.date()),
        "reportstatus": "final",
        "pages": [],
        "lastmodifieduser": user,
        "status": "CLOSED",
        "observationdatetime": iso(l.at),
        "resultstatus": "final",
        "providerid": l.providerid.to_string(),
        "externalaccessionid": format!("SBX{:07}", l.id % 10_000_000),
        "encounterdate": d(l.at.date()),
        "providerusername": user,
        "lastmodifieddatetime": iso(l.at),
        "labresultloinc": l.loinc,
        "lastmodifieddate": d(l.at.date()),
    }])
}

fn filed_lab_document(f: &FiledDocument) -> Value {
    let user = username(f.providerid);
    let status = if f.resultstatus.is_empty() {
        "final".to_string()
    } else {
        f.resultstatus.to_ascii_lowercase()
    };
    json!([{
        "priority": "2",
        "assignedto": user,
        "observationdate": d(f.created.date()),
        "documentclass": "LABRESULT",
        "createddatetime": iso(f.created),
        "departmentid": f.departmentid.to_string(),
        "labresultid": f.id.to_string(),
        "documenttypeid": "342158",
        "internalnote": f.internalnote,
        "observations": [],
        "createduser": "API-SANDBOX",
        "description": "lab result",
        "documentroute": "FAX",
        "patientnote": f.patientnote,
        "documentsource": "UPLOAD",
        "createddate": d(f.created.date()),
        "reportstatus": status,
        "pages": [],
        "lastmodifieduser": "API-SANDBOX",
        "status": "REVIEW",
        "observationdatetime": iso(f.created),
        "resultstatus": status,
        "providerid": f.providerid.to_string(),
        "externalaccessionid": "",
        "encounterdate": d(f.created.date()),
        "providerusername": user,
        "lastmodifieddatetime": iso(f.created),
        "lastmodifieddate": d(f.created.date()),
        "tietoorderid": f.tietoorderid,
    }])
}

pub(super) fn get_lab_document(cx: &mut Cx<'_>, seg: &str, id: &str) -> Result<Reply, Reply> {
    let pat = patient(cx, seg)?;
    let missing = || Reply::not_found("lab result ID");
    let id = seg_id(id).ok_or_else(missing)?;
    if let Some(l) = cx.p.chart(&pat).labs.iter().find(|l| l.id == id) {
        return Ok(Reply::ok(generated_lab_document(&pat, l)));
    }
    cx.p.extras
        .lab_documents
        .get(&pat.id)
        .and_then(|v| v.iter().find(|f| f.id == id))
        .map(|f| Reply::ok(filed_lab_document(f)))
        .ok_or_else(missing)
}

pub(super) fn add_lab_document(cx: &mut Cx<'_>, seg: &str) -> Result<Reply, Reply> {
    let dept = department(cx)?;
    let pat = patient(cx, seg)?;
    check_attachment(cx)?;
    let providerid = super::super::id_param(cx.req, "providerid")?
        .filter(|p| cx.p.has_provider(*p))
        .unwrap_or(pat.primaryproviderid);
    let tietoorderid = super::super::id_param(cx.req, "tietoorderid")?.unwrap_or(0);
    let id = cx.p.chart_id();
    let doc = FiledDocument {
        id,
        departmentid: dept,
        encounterid: 0,
        subclass: "LABRESULT".into(),
        internalnote: cx.req.param("internalnote").unwrap_or_default().to_string(),
        patientnote: cx
            .req
            .param("notetopatient")
            .unwrap_or_default()
            .to_string(),
        providerid,
        created: cx.now(),
        resultstatus: cx.req.param("resultstatus").unwrap_or_default().to_string(),
        tietoorderid,
    };
    cx.p.extras
        .lab_documents
        .entry(pat.id)
        .or_default()
        .push(doc);
    cx.wrote(ops::ADD_LAB_RESULT_DOCUMENT);
    Ok(Reply::ok(json!({"success": true, "labresultid": id})))
}

// ---------------------------------------------------------------- prescriptions

pub(super) fn list_prescriptions(cx: &mut Cx<'_>, seg: &str) -> Result<Reply, Reply> {
    department(cx)?;
    let pat = patient(cx, seg)?;
    let pg = page(cx.req, 1000, 10000)?;
    let user = username(pat.primaryproviderid);
    let chart = cx.p.chart(&pat);
    let all: Vec<Value> = chart
        .medications
        .iter()
        .enumerate()
        .map(|(i, m)| {
            let at = m.start.and_hms_opt(9, 15, 0).unwrap_or_default();
            let renewal = i % 3 == 2;
            json!({
                "prescriptionid": (m.id * 10 + 3).to_string(),
                "priority": "2",
                "assignedto": user,
                "documentclass": "PRESCRIPTION",
                "createddatetime": iso(at),
                "documentroute": "ERX",
                "documentsource": "ENCOUNTER",
                "createddate": d(m.start),
                "status": if m.discontinued { "CLOSED" } else { "SUBMITTED" },
                "documentdescription": if renewal { "prescription - renewal" } else { "prescription - new" },
                "encounterdate": d(m.start),
                "lastmodifieddatetime": iso(at),
                "documentsubclass": if renewal { "PRESCRIPTION_RENEWAL" } else { "PRESCRIPTION_NEW" },
            })
        })
        .collect();
    let items = slice(&all, pg);
    Ok(Reply::ok(envelope(
        cx.p.id,
        cx.req,
        &format!("patients/{}/documents/prescription", pat.id),
        "prescriptions",
        items,
        all.len(),
        pg,
    )))
}

// ---------------------------------------------------------------- diagnoses and orders

/// Every diagnosis of an encounter: the generated one, then the added ones.
fn diagnoses_of(cx: &Cx<'_>, e: &Encounter) -> Vec<AddedDiagnosis> {
    let p = PROBLEMS[e.diagnosis];
    let mut out = vec![AddedDiagnosis {
        id: e.id * 10 + 2,
        snomed: p.snomed.to_string(),
        icd10: p.icd10.to_string(),
        description: p.name.to_string(),
        note: String::new(),
        laterality: String::new(),
    }];
    if let Some(added) = cx.p.extras.diagnoses.get(&e.id) {
        out.extend(added.iter().cloned());
    }
    out
}

fn diagnosis_json(dx: &AddedDiagnosis, ranking: usize) -> Value {
    let mut v = json!({
        "diagnosisid": dx.id,
        "snomedcode": dx.snomed.parse::<u64>().unwrap_or(0),
        "description": dx.description,
        "icdcodes": [{"code": dx.icd10, "codeset": "ICD10", "description": dx.description}],
        "ranking": ranking,
        "supportslaterality": false,
    });
    if !dx.note.is_empty() {
        v["note"] = json!(dx.note);
    }
    if !dx.laterality.is_empty() {
        v["laterality"] = json!(dx.laterality);
    }
    v
}

pub(super) fn list_diagnoses(cx: &mut Cx<'_>, seg: &str) -> Result<Reply, Reply> {
    let (_, e) = encounter(cx, seg)?;
    let list: Vec<Value> = diagnoses_of(cx, &e)
        .iter()
        .enumerate()
        .map(|(i, dx)| diagnosis_json(dx, i))
        .collect();
    Ok(Reply::ok(Value::Array(list)))
}

pub(super) fn add_diagnosis(cx: &mut Cx<'_>, seg: &str) -> Result<Reply, Reply> {
    let (_, e) = encounter(cx, seg)?;
    if let Some(r) = require(cx.req, &["snomedcode"]) {
        return Err(r);
    }
    let raw = cx
        .req
        .param("snomedcode")
        .unwrap_or_default()
        .trim()
        .to_string();
    if raw.parse::<u64>().is_err() {
        return Err(Reply::invalid(&format!(
            "Expecting type integer, but value is {raw}"
        )));
    }
    let Some(p) = PROBLEMS.iter().find(|p| p.snomed == raw) else {
        return Err(Reply::invalid("SNOMED code not valid."));
    };
    let existing = diagnoses_of(cx, &e);
    if existing.iter().any(|dx| dx.snomed == raw) {
        return Err(Reply::invalid(
            "Diagnosis already present on this encounter.",
        ));
    }
    let icd10 = cx
        .req
        .params("icd10codes")
        .into_iter()
        .next()
        .unwrap_or_else(|| p.icd10.to_string());
    let dx = AddedDiagnosis {
        id: cx.p.chart_id(),
        snomed: raw,
        icd10,
        description: p.name.to_string(),
        note: cx.req.param("note").unwrap_or_default().to_string(),
        laterality: cx
            .req
            .param("laterality")
            .unwrap_or_default()
            .to_ascii_uppercase(),
    };
    let mut answer = diagnosis_json(&dx, existing.len());
    answer["success"] = json!(true);
    cx.p.extras.diagnoses.entry(e.id).or_default().push(dx);
    cx.wrote(ops::ADD_ENCOUNTER_DIAGNOSIS);
    Ok(Reply::ok(answer))
}

fn order_json(o: &PlacedOrder) -> Value {
    let user = username(o.providerid);
    json!({
        "status": "SUBMITTED",
        "description": o.description,
        "documentid": o.documentid.to_string(),
        "documentationonly": "false",
        "classdescription": "lab",
        "orderingprovider": user,
        "assigneduser": user,
        "dateordered": ampm(o.ordered),
        "class": "LAB",
        "ordertypeid": o.ordertypeid.to_string(),
    })
}

pub(super) fn list_orders(cx: &mut Cx<'_>, seg: &str) -> Result<Reply, Reply> {
    let (_, e) = encounter(cx, seg)?;
    let placed = cx.p.extras.orders.get(&e.id).cloned().unwrap_or_default();
    let groups: Vec<Value> = diagnoses_of(cx, &e)
        .iter()
        .map(|dx| {
            json!({
                "orders": placed
                    .iter()
                    .filter(|o| o.diagnosis_snomed == dx.snomed)
                    .map(order_json)
                    .collect::<Vec<_>>(),
                "diagnosis": dx.description,
                "diagnosissnomed": dx.snomed,
            })
        })
        .collect();
    Ok(Reply::ok(Value::Array(groups)))
}

pub(super) fn add_lab_order(cx: &mut Cx<'_>, seg: &str) -> Result<Reply, Reply> {
    let (_, e) = encounter(cx, seg)?;
    if let Some(r) = require(cx.req, &["ordertypeid", "diagnosissnomedcode"]) {
        return Err(r);
    }
    let ordertypeid = super::super::id_param(cx.req, "ordertypeid")?.unwrap_or(0);
    let Some((_, test)) = lab_order_types().find(|(id, _)| *id == ordertypeid) else {
        return Err(Reply::invalid_fields(&["ordertypeid"]));
    };
    let snomed = cx
        .req
        .param("diagnosissnomedcode")
        .unwrap_or_default()
        .trim()
        .to_string();
    if !diagnoses_of(cx, &e).iter().any(|dx| dx.snomed == snomed) {
        return Err(Reply::invalid("The diagnosis is not on this encounter."));
    }
    let documentid = cx.p.extras.document_id();
    let order = PlacedOrder {
        documentid,
        ordertypeid,
        description: test.to_string(),
        diagnosis_snomed: snomed,
        ordered: cx.now(),
        providerid: e.providerid,
    };
    cx.p.extras.orders.entry(e.id).or_default().push(order);
    cx.wrote(ops::ADD_LAB_ORDER);
    Ok(Reply::ok(
        json!({"success": true, "documentid": documentid}),
    ))
}

#[cfg(test)]
mod tests {
    use super::super::super::dt;
    use super::*;

    #[test]
    fn order_times_use_twelve_hour_clock() {
        let at = chrono::NaiveDate::from_ymd_opt(2016, 3, 30)
            .and_then(|d| d.and_hms_opt(17, 46, 0))
            .expect("valid");
        assert_eq!(ampm(at), "03/30/2016 05:46 PM");
        assert_eq!(dt(at), "03/30/2016 17:46:00");
    }
}
