//! `/patients…`: search, get, create (with best-match), update, enhanced best match, custom
//! fields.

use chrono::NaiveDate;
use serde_json::{Map, Value, json};

use super::insurances::insurance_json;
use super::{Cx, d, envelope, page, parse_date, seg_id};
use crate::data::patients::Patient;
use crate::feeds::Scope;
use crate::http::{Reply, Req};
use crate::state::Practice;
use crate::stats::ops;

/// The patient object, typed like athena's `GET /patients/{id}` (JSON booleans).
pub(crate) fn patient_json(p: &Practice, pat: &Patient, req: Option<&Req>) -> Value {
    let maritalname = match pat.maritalstatus.as_str() {
        "M" => "MARRIED",
        "D" => "DIVORCED",
        "W" => "WIDOWED",
        _ => "SINGLE",
    };
    let mut v = json!({
        "patientid": pat.id.to_string(),
        "firstname": pat.firstname,
        "lastname": pat.lastname,
        "sex": pat.sex,
        "dob": d(pat.dob),
        "departmentid": pat.departmentid.to_string(),
        "primarydepartmentid": pat.departmentid.to_string(),
        "primaryproviderid": pat.primaryproviderid.to_string(),
        "status": pat.status,
        "email": pat.email,
        "emailexists": !pat.email.is_empty(),
        "homephone": pat.homephone,
        "mobilephone": pat.mobilephone,
        "hasmobile": !pat.mobilephone.is_empty(),
        "address1": pat.address1,
        "city": pat.city.to_uppercase(),
        "state": pat.state,
        "zip": pat.zip,
        "countrycode": "USA",
        "countrycode3166": "US",
        "ssn": format!("*****{}", pat.ssn4),
        "maritalstatus": pat.maritalstatus,
        "maritalstatusname": maritalname,
        "registrationdate": d(pat.registrationdate),
        "language6392code": "eng",
        "race": [],
        "guarantorfirstname": pat.firstname,
        "guarantorlastname": pat.lastname,
        "guarantordob": d(pat.dob),
        "guarantorssn": format!("*****{}", pat.ssn4),
        "guarantoraddress1": pat.address1,
        "guarantorcity": pat.city.to_uppercase(),
        "guarantorstate": pat.state,
        "guarantorzip": pat.zip,
        "guarantorphone": pat.homephone,
        "guarantoremail": pat.email,
        "guarantorcountrycode": "USA",
        "guarantorcountrycode3166": "US",
        "guarantorrelationshiptopatient": "1",
        "guarantoraddresssameaspatient": true,
        "portalaccessgiven": true,
        "driverslicense": false,
        "homebound": false,
        "privacyinformationverified": true,
        "consenttocall": true,
        "consenttotext": !pat.id.is_multiple_of(3),
        "portaltermsonfile": false,
        "patientphoto": false,
        "contactpreference": "MOBILEPHONE",
        "caresummarydeliverypreference": "PORTAL",
        "balances": [{"balance": "0", "departmentlist": pat.departmentid.to_string(), "providergroupid": 1, "cleanbalance": true}],
    });
    if let Value::Object(m) = &mut v {
        for topic in ["announcement", "appointment", "billing", "lab"] {
            for channel in ["email", "phone", "sms"] {
                m.insert(
                    format!("contactpreference_{topic}_{channel}"),
                    json!(channel != "phone" || topic == "appointment"),
                );
            }
        }
        m.insert("lastemail".into(), json!(pat.email));
        for (k, val) in &pat.extra {
            m.insert(k.clone(), json!(val));
        }
        if let Some(req) = req {
            if req.flag("showinsurance") {
                let ins: Vec<Value> = p
                    .insurances(pat)
                    .iter()
                    .filter(|i| !i.cancelled)
                    .map(|i| insurance_json(i, pat))
                    .collect();
                m.insert("insurances".into(), Value::Array(ins));
            }
            if req.flag("showcustomfields") {
                let cf: Vec<Value> = p
                    .custom_values(pat.id)
                    .iter()
                    .map(|(id, val)| json!({"customfieldid": id, "customfieldvalue": val}))
                    .collect();
                m.insert("customfields".into(), Value::Array(cf));
            }
            if req.flag("showportalstatus") {
                m.insert(
                    "portalstatus".into(),
                    json!({"noportal": false, "status": "REGISTERED", "blockedfailedlogins": false, "familyregistered": false,
                           "familyblockedfailedlogins": false, "portalregistrationdate": d(pat.registrationdate), "registered": true,
                           "termsaccepted": true, "entitytodisplay": "PATIENT"}),
                );
            }
            if req.flag("showlocalpatientid") {
                m.insert("localpatientid".into(), json!(format!("L{}", pat.id)));
            }
        }
    }
    v
}

/// Turn every JSON boolean into `"true"`/`"false"` (patients embedded by `showpatientdetail`).
pub(crate) fn stringify_bools(v: Value) -> Value {
    match v {
        Value::Bool(b) => Value::String(b.to_string()),
        Value::Array(a) => Value::Array(a.into_iter().map(stringify_bools).collect()),
        Value::Object(m) => Value::Object(
            m.into_iter()
                .map(|(k, v)| (k, stringify_bools(v)))
                .collect::<Map<_, _>>(),
        ),
        other => other,
    }
}

const SEARCH_FIELDS: &[&str] = &[
    "firstname",
    "lastname",
    "dob",
    "departmentid",
    "anyphone",
    "homephone",
    "mobilephone",
    "email",
    "sex",
    "zip",
    "status",
    "guarantorfirstname",
    "guarantorlastname",
    "ssn",
    "anyfirstname",
];

fn digits(s: &str) -> String {
    s.chars().filter(char::is_ascii_digit).collect()
}

struct Filter {
    first: Option<String>,
    last: Option<String>,
    dob: Option<NaiveDate>,
    dept: Option<u64>,
    sex: Option<String>,
    phone: Option<String>,
    zip: Option<String>,
    email: Option<String>,
    status: Option<String>,
}

impl Filter {
    fn needs_full(&self) -> bool {
        self.phone.is_some() || self.zip.is_some() || self.email.is_some() || self.status.is_some()
    }
    fn name_ok(want: &Option<String>, have: &str) -> bool {
        want.as_deref().is_none_or(|w| match w.strip_suffix('%') {
            Some(prefix) => have.to_ascii_lowercase().starts_with(prefix),
            None => have.eq_ignore_ascii_case(w),
        })
    }
    fn full_ok(&self, p: &Patient) -> bool {
        Self::name_ok(&self.first, &p.firstname)
            && Self::name_ok(&self.last, &p.lastname)
            && self.dob.is_none_or(|x| x == p.dob)
            && self.dept.is_none_or(|x| x == p.departmentid)
            && self
                .sex
                .as_deref()
                .is_none_or(|x| x.eq_ignore_ascii_case(&p.sex))
            && self
                .phone
                .as_deref()
                .is_none_or(|x| digits(&p.homephone) == x || digits(&p.mobilephone) == x)
            && self.zip.as_deref().is_none_or(|x| p.zip.starts_with(x))
            && self
                .email
                .as_deref()
                .is_none_or(|x| x.eq_ignore_ascii_case(&p.email))
            && match self.status.as_deref() {
                Some(s) => s.eq_ignore_ascii_case(&p.status),
                None => p.status != "deleted",
            }
    }
}

/// Ids of patients matching the filter, in id order. Generated patients are screened by their
/// cheap key first, so a scan of 100,000 patients allocates only for the candidates.
fn scan(p: &Practice, f: &Filter) -> Vec<u64> {
    let mut out = Vec::new();
    for id in 1..=p.base_patients {
        if p.patients.contains_key(&id) {
            continue;
        }
        let k = p.key(id);
        if !Filter::name_ok(&f.first, k.firstname())
            || !Filter::name_ok(&f.last, k.lastname())
            || f.dob.is_some_and(|x| x != k.dob)
            || f.dept.is_some_and(|x| x != k.departmentid)
            || f.sex
                .as_deref()
                .is_some_and(|x| x.eq_ignore_ascii_case("F") != k.female)
        {
            continue;
        }
        if f.needs_full() {
            match p.patient(id) {
                Some(full) if f.full_ok(&full) => {}
                _ => continue,
            }
        }
        out.push(id);
    }
    for (id, pat) in &p.patients {
        if f.full_ok(pat) {
            out.push(*id);
        }
    }
    out.sort_unstable();
    out
}

fn search(cx: &mut Cx<'_>) -> Reply {
    let req = cx.req;
    if !SEARCH_FIELDS.iter().any(|f| req.param(f).is_some()) {
        return Reply::json(
            400,
            json!({"error": "Additional fields are required.", "detailedmessage": "At least one of firstname, lastname, dob, departmentid, anyphone, email, zip or guarantor name must be given.", "missingfields": ["firstname", "lastname", "dob"]}),
        );
    }
    let dob = match parse_date(req, "dob") {
        Ok(v) => v,
        Err(e) => return e,
    };
    let dept = match req.param("departmentid").map(|s| s.parse::<i64>()) {
        None => None,
        Some(Ok(-1)) => None,
        Some(Ok(v)) if v > 0 => Some(v as u64),
        Some(_) => return Reply::invalid_fields(&["departmentid"]),
    };
    let pg = match page(req, 10, 1000) {
        Ok(p) => p,
        Err(e) => return e,
    };
    let f = Filter {
        first: req
            .param("firstname")
            .or(req.param("anyfirstname"))
            .map(str::to_ascii_lowercase),
        last: req.param("lastname").map(str::to_ascii_lowercase),
        dob,
        dept,
        sex: req.param("sex").map(str::to_string),
        phone: req
            .param("anyphone")
            .or(req.param("homephone"))
            .or(req.param("mobilephone"))
            .map(digits),
        zip: req.param("zip").map(str::to_string),
        email: req.param("email").map(str::to_string),
        status: req.param("status").map(str::to_string),
    };
    let ids = scan(cx.p, &f);
    let items: Vec<Value> = ids
        .iter()
        .skip(pg.offset)
        .take(pg.limit)
        .filter_map(|id| cx.p.patient(*id))
        .map(|pat| patient_json(cx.p, &pat, Some(req)))
        .collect();
    Reply::ok(envelope(
        cx.p.id,
        req,
        "patients",
        "patients",
        items,
        ids.len(),
        pg,
    ))
}

const CONTACT_FIELDS: &[&str] = &[
    "email",
    "guarantoremail",
    "ssn",
    "homephone",
    "mobilephone",
    "workphone",
    "zip",
];
const SETTABLE: &[&str] = &[
    "firstname",
    "lastname",
    "sex",
    "address1",
    "address2",
    "city",
    "state",
    "zip",
    "homephone",
    "mobilephone",
    "email",
    "status",
    "maritalstatus",
    "middlename",
    "suffix",
    "workphone",
    "preferredname",
    "language6392code",
    "ethnicitycode",
    "notes",
];

fn apply_fields(pat: &mut Patient, req: &Req) {
    for name in SETTABLE {
        let Some(v) = req.param(name) else { continue };
        let v = v.to_string();
        match *name {
            "firstname" => pat.firstname = v,
            "lastname" => pat.lastname = v,
            "sex" => pat.sex = v.to_uppercase(),
            "address1" => pat.address1 = v,
            "city" => pat.city = v,
            "state" => pat.state = v,
            "zip" => pat.zip = v,
            "homephone" => pat.homephone = digits(&v),
            "mobilephone" => pat.mobilephone = digits(&v),
            "email" => pat.email = v,
            "status" => pat.status = v.to_lowercase(),
            "maritalstatus" => pat.maritalstatus = v,
            other => {
                pat.extra.retain(|(k, _)| k != other);
                pat.extra.push((other.to_string(), v));
            }
        }
    }
}

fn create(cx: &mut Cx<'_>) -> Reply {
    let req = cx.req;
    let mut missing: Vec<&str> = ["lastname", "dob", "firstname", "departmentid"]
        .into_iter()
        .filter(|f| req.param(f).is_none())
        .collect();
    if !CONTACT_FIELDS.iter().any(|f| req.param(f).is_some()) && missing.is_empty() {
        missing.extend(CONTACT_FIELDS);
    }
    if !missing.is_empty() {
        return Reply::missing(&missing);
    }
    let Ok(dob) = NaiveDate::parse_from_str(req.param("dob").unwrap_or_default(), "%m/%d/%Y")
    else {
        return Reply::json(400, json!({"error": "Improper DOB."}));
    };
    let dept = match req
        .param("departmentid")
        .and_then(|v| v.parse::<u64>().ok())
    {
        Some(d) if cx.p.has_department(d) => d,
        _ => return Reply::invalid("The departmentid is not a valid department."),
    };
    let first = req
        .param("firstname")
        .unwrap_or_default()
        .to_ascii_lowercase();
    let last = req
        .param("lastname")
        .unwrap_or_default()
        .to_ascii_lowercase();
    // Best match: an existing patient with the same name and date of birth wins.
    let f = Filter {
        first: Some(first),
        last: Some(last),
        dob: Some(dob),
        dept: None,
        sex: None,
        phone: None,
        zip: None,
        email: None,
        status: None,
    };
    if let Some(existing) = scan(cx.p, &f).first() {
        return Reply::ok(json!([{"patientid": existing.to_string()}]));
    }
    let id = cx.p.new_patient_id();
    let today = cx.now().date();
    let mut pat = Patient {
        id,
        firstname: String::new(),
        lastname: String::new(),
        sex: "U".into(),
        dob,
        departmentid: dept,
        address1: String::new(),
        city: String::new(),
        state: String::new(),
        zip: String::new(),
        homephone: String::new(),
        mobilephone: String::new(),
        email: String::new(),
        status: "active".into(),
        ssn4: req
            .param("ssn")
            .map(|s| {
                digits(s)
                    .chars()
                    .rev()
                    .take(4)
                    .collect::<Vec<_>>()
                    .into_iter()
                    .rev()
                    .collect()
            })
            .unwrap_or_default(),
        registrationdate: today,
        maritalstatus: "S".into(),
        primaryproviderid: req
            .param("primaryproviderid")
            .and_then(|v| v.parse().ok())
            .unwrap_or(1),
        extra: Vec::new(),
    };
    apply_fields(&mut pat, req);
    let item = patient_json(cx.p, &pat, None);
    cx.p.put_patient(pat);
    cx.p.feeds.emit(
        "patients",
        "AddPatient",
        item,
        Scope {
            departmentid: Some(dept),
            patientid: Some(id),
            providerid: None,
        },
    );
    cx.wrote(ops::CREATE_PATIENT);
    Reply::ok(json!([{"patientid": id.to_string(), "errormessage": ""}]))
}

fn update(cx: &mut Cx<'_>, id: u64) -> Reply {
    let Some(mut pat) = cx.p.patient(id) else {
        return Reply::not_found("patient ID");
    };
    if let Some(v) = cx.req.param("dob") {
        match NaiveDate::parse_from_str(v, "%m/%d/%Y") {
            Ok(dob) => pat.dob = dob,
            Err(_) => return Reply::json(400, json!({"error": "Improper DOB."})),
        }
    }
    if let Some(dv) = cx.req.param("departmentid") {
        match dv.parse::<u64>() {
            Ok(dep) if cx.p.has_department(dep) => pat.departmentid = dep,
            _ => return Reply::invalid_fields(&["departmentid"]),
        }
    }
    apply_fields(&mut pat, cx.req);
    let event = if pat.status == "deleted" {
        "DeletePatient"
    } else {
        "UpdatePatient"
    };
    let item = patient_json(cx.p, &pat, None);
    let scope = Scope {
        departmentid: Some(pat.departmentid),
        patientid: Some(id),
        providerid: None,
    };
    cx.p.put_patient(pat);
    cx.p.feeds.emit("patients", event, item, scope);
    cx.wrote(ops::UPDATE_PATIENT);
    Reply::ok(json!([{"patientid": id.to_string()}]))
}

fn bestmatch(cx: &mut Cx<'_>) -> Reply {
    let req = cx.req;
    let missing: Vec<&str> = ["firstname", "lastname", "dob"]
        .into_iter()
        .filter(|f| req.param(f).is_none())
        .collect();
    if !missing.is_empty() {
        return Reply::missing(&missing);
    }
    let dob = match parse_date(req, "dob") {
        Ok(Some(d)) => d,
        _ => {
            return Reply::invalid(&format!(
                "Expecting format date, but value is {}",
                req.param("dob").unwrap_or_default()
            ));
        }
    };
    let first = req
        .param("firstname")
        .unwrap_or_default()
        .to_ascii_lowercase();
    let last = req
        .param("lastname")
        .unwrap_or_default()
        .to_ascii_lowercase();
    let mut scored: Vec<(u64, u64)> = Vec::new();
    let score = |f: &str, l: &str, b: NaiveDate| -> u64 {
        let fm = f.eq_ignore_ascii_case(&first);
        let lm = l.eq_ignore_ascii_case(&last);
        let bm = b == dob;
        match (fm, lm, bm) {
            (true, true, true) => 27,
            (false, true, true) => 20,
            (true, false, true) => 18,
            (true, true, false) => 15,
            _ => 0,
        }
    };
    for id in 1..=cx.p.base_patients {
        if cx.p.patients.contains_key(&id) {
            continue;
        }
        let k = cx.p.key(id);
        let s = score(k.firstname(), k.lastname(), k.dob);
        if s > 0 {
            scored.push((s, id));
        }
    }
    for (id, p) in &cx.p.patients {
        let s = score(&p.firstname, &p.lastname, p.dob);
        if s > 0 && p.status != "deleted" {
            scored.push((s, *id));
        }
    }
    scored.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    let out: Vec<Value> = scored
        .iter()
        .take(10)
        .filter_map(|(s, id)| {
            cx.p.patient(*id).map(|p| {
                let mut v = patient_json(cx.p, &p, None);
                v["score"] = json!(s.to_string());
                v
            })
        })
        .collect();
    Reply::ok(Value::Array(out))
}

fn customfields_put(cx: &mut Cx<'_>, id: u64) -> Reply {
    if let Some(r) = crate::http::require(cx.req, &["departmentid", "customfields"]) {
        return r;
    }
    let Some(pat) = cx.p.patient(id) else {
        return Reply::not_found("patient ID");
    };
    let Ok(Value::Array(items)) =
        serde_json::from_str::<Value>(cx.req.param("customfields").unwrap_or_default())
    else {
        return Reply::invalid("Expecting type array for customfields.");
    };
    let mut values = cx.p.custom_values(id);
    let (mut updated, mut disallowed) = (0u64, 0u64);
    for item in items {
        let fid = match &item["customfieldid"] {
            Value::String(s) => s.clone(),
            Value::Number(n) => n.to_string(),
            _ => return Reply::invalid("Each custom field needs a customfieldid."),
        };
        let value = item
            .get("customfieldvalue")
            .or(item.get("optionid"))
            .map(|v| {
                v.as_str()
                    .map(str::to_string)
                    .unwrap_or_else(|| v.to_string())
            });
        match fid.as_str() {
            "1" => disallowed += 1,
            "22" | "23" => {
                values.retain(|(k, _)| *k != fid);
                if let Some(v) = value {
                    values.push((fid, v));
                }
                updated += 1;
            }
            _ => return Reply::invalid(&format!("The custom field ID {fid} is not valid.")),
        }
    }
    cx.p.customfields.insert(id, values);
    let item = patient_json(cx.p, &pat, None);
    cx.p.feeds.emit(
        "patients",
        "UpdatePatientCustomField",
        item,
        Scope {
            departmentid: Some(pat.departmentid),
            patientid: Some(id),
            providerid: None,
        },
    );
    cx.wrote(ops::UPDATE_CUSTOM_FIELDS);
    Reply::ok(json!({"success": true, "updatedcount": updated, "disallowedcount": disallowed}))
}

pub(crate) fn route(cx: &mut Cx<'_>, segs: &[&str]) -> Option<Reply> {
    let m = cx.req.method.as_str();
    Some(match (m, segs) {
        ("GET", ["patients"]) => search(cx),
        ("POST", ["patients"]) => create(cx),
        ("GET", ["patients", "enhancedbestmatch"]) => bestmatch(cx),
        ("GET", ["patients", id]) => match seg_id(id).and_then(|i| cx.p.patient(i)) {
            Some(p) => Reply::ok(json!([patient_json(cx.p, &p, Some(cx.req))])),
            None => Reply::not_found("patient ID"),
        },
        ("PUT", ["patients", id]) => match seg_id(id) {
            Some(i) => update(cx, i),
            None => Reply::not_found("patient ID"),
        },
        ("GET", ["patients", id, "customfields"]) => match seg_id(id).and_then(|i| cx.p.patient(i))
        {
            Some(p) => Reply::ok(Value::Array(
                cx.p.custom_values(p.id)
                    .iter()
                    .map(|(k, v)| json!({"customfieldid": k, "customfieldvalue": v}))
                    .collect(),
            )),
            None => Reply::not_found("patient ID"),
        },
        ("PUT", ["patients", id, "customfields"]) => match seg_id(id) {
            Some(i) => customfields_put(cx, i),
            None => Reply::not_found("patient ID"),
        },
        _ => return None,
    })
}
