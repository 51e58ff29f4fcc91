//! Claims, payments and patient balances.

use serde_json::{Map, Value, json};

use super::{Cx, d, envelope, page, parse_date, seg_id, slice};
use crate::data::schedule::{Claim, ClaimLine};
use crate::data::tables::{PROBLEMS, PROCEDURES};
use crate::feeds::Scope;
use crate::http::{Reply, require};
use crate::state::Payment;
use crate::stats::ops;

/// A claim object as `GET /claims/{id}` answers it: only the fields athena documents for it
/// (the recorded `ListClaims.json`, and athena's reference text carried by
/// `HTD-Health/athenahealth-sdk-dotnet` `Claim.cs`). Service-line modifiers, balances and
/// adjustment codes are not among them: a denial shows the way athena shows it, as the
/// payer's `status` with the `note` attached to that status.
pub(crate) fn claim_json(c: &Claim) -> Value {
    let mut details = Map::new();
    for l in &c.lines {
        details.insert(l.transactionid.to_string(), json!(l.amount));
    }
    let procedures: Vec<Value> = c
        .lines
        .iter()
        .map(|l| {
            json!({"chargeamount": l.amount, "proceduredescription": l.description, "transactionid": l.transactionid.to_string(),
                   "procedurecode": l.cpt, "procedurecategory": l.category})
        })
        .collect();
    let diagnoses: Vec<Value> = c
        .diagnoses
        .iter()
        .enumerate()
        .map(|(i, (code, desc))| {
            json!({"diagnosiscategory": "ICD-10-CM", "diagnosisid": (c.id * 10 + i as u64).to_string(), "diagnosisrawcode": code,
                   "diagnosiscodeset": "ICD10", "diagnosisdescription": desc, "deleteddiagnosis": "false"})
        })
        .collect();
    let mut primary = json!({"primarypatientinsuranceid": c.primary_insurance, "status": c.status});
    if let Some(den) = &c.denial {
        primary["note"] = json!(denial_note(c.id, den));
    }
    let mut patient = json!({"status": if c.deductible.is_some() { "BILLED" } else { "CLOSED" }});
    if let Some(ded) = &c.deductible {
        patient["note"] = json!(format!(
            "PR-1 Deductible Amount {ded}. Transferred to patient."
        ));
    }
    let mut v = json!({
        "claimid": c.id.to_string(),
        "patientid": c.patientid,
        "departmentid": c.departmentid,
        "billedproviderid": c.providerid,
        "billedservicedate": d(c.service),
        "claimcreateddate": d(c.created),
        "procedures": procedures,
        "diagnoses": diagnoses,
        "transactiondetails": details,
        "primaryinsurancepayer": primary,
        "secondaryinsurancepayer": {"secondarypatientinsuranceid": 0, "status": "CLOSED"},
        "patientpayer": patient,
        "customfields": [],
    });
    if let Some(a) = c.appointmentid {
        v["appointmentid"] = json!(a.to_string());
    }
    if let Some(auth) = &c.authorization {
        v["referralauthid"] = json!(auth);
    }
    v
}

/// The note a biller's remittance posting leaves on the payer's status when a claim is
/// denied: free text, so the sandbox writes it in three styles billers use (chosen by claim
/// id) rather than one a parser could be tuned to.
fn denial_note(id: u64, den: &crate::data::schedule::Denial) -> String {
    let (g, carc, rarc, text) = (den.group, den.carc, den.rarc, den.description);
    match id % 3 {
        0 if rarc.is_empty() => format!("Denied by payer {g}-{carc}: {text}"),
        0 => format!("Denied by payer {g}-{carc}: {text} Remark {rarc}."),
        1 if rarc.is_empty() => format!("DENIAL rec'd. CARC {carc} ({g}). {text}"),
        1 => format!("DENIAL rec'd. CARC {carc} ({g}), RARC {rarc}. {text}"),
        _ if rarc.is_empty() => format!("{text} - {g} {carc}; resubmit if correctable"),
        _ => format!("{text} - {g} {carc} / {rarc}; resubmit if correctable"),
    }
}

fn list(cx: &mut Cx<'_>) -> Reply {
    let req = cx.req;
    let num = |name: &str| -> Result<Option<u64>, Reply> { super::id_param(req, name) };
    let (pat, dept, prov, appt) = match (
        num("patientid"),
        num("departmentid"),
        num("providerid"),
        num("appointmentid"),
    ) {
        (Ok(a), Ok(b), Ok(c), Ok(d)) => (a, b, c, d),
        (Err(e), ..) | (_, Err(e), ..) | (_, _, Err(e), _) | (.., Err(e)) => return e,
    };
    let (from, to) = match (
        parse_date(req, "servicestartdate"),
        parse_date(req, "serviceenddate"),
    ) {
        (Ok(a), Ok(b)) => (a, b),
        (Err(e), _) | (_, Err(e)) => return e,
    };
    let pg = match page(req, 1500, 5000) {
        Ok(p) => p,
        Err(e) => return e,
    };
    let all: Vec<&Claim> =
        cx.p.claims
            .values()
            .filter(|c| {
                pat.is_none_or(|x| x == c.patientid)
                    && dept.is_none_or(|x| x == c.departmentid)
                    && prov.is_none_or(|x| x == c.providerid)
                    && appt.is_none_or(|x| Some(x) == c.appointmentid)
                    && from.is_none_or(|x| c.service >= x)
                    && to.is_none_or(|x| c.service <= x)
            })
            .collect();
    let items = slice(&all, pg).into_iter().map(claim_json).collect();
    Reply::ok(envelope(
        cx.p.id,
        req,
        "claims",
        "claims",
        items,
        all.len(),
        pg,
    ))
}

fn create(cx: &mut Cx<'_>) -> Reply {
    let req = cx.req;
    if let Some(r) = require(
        req,
        &[
            "claimcharges",
            "departmentid",
            "patientid",
            "servicedate",
            "supervisingproviderid",
        ],
    ) {
        return r;
    }
    let Some(pat) = req
        .param("patientid")
        .and_then(|v| v.parse().ok())
        .and_then(|p| cx.p.patient(p))
    else {
        return Reply::invalid_fields(&["patientid"]);
    };
    let Some(dept) = req
        .param("departmentid")
        .and_then(|v| v.parse().ok())
        .filter(|d| cx.p.has_department(*d))
    else {
        return Reply::invalid_fields(&["departmentid"]);
    };
    let Some(prov) = req
        .param("supervisingproviderid")
        .and_then(|v| v.parse().ok())
        .filter(|p| cx.p.has_provider(*p))
    else {
        return Reply::invalid_fields(&["supervisingproviderid"]);
    };
    let service = match parse_date(req, "servicedate") {
        Ok(Some(d)) => d,
        Ok(None) => return Reply::missing(&["servicedate"]),
        Err(e) => return e,
    };
    let Ok(Value::Array(charges)) =
        serde_json::from_str::<Value>(req.param("claimcharges").unwrap_or_default())
    else {
        return Reply::invalid("Expecting type array for claimcharges.");
    };
    if charges.is_empty() {
        return Reply::invalid("At least one claim charge is required.");
    }
    let id = cx.p.next_claim;
    let mut lines = Vec::new();
    let mut diagnoses: Vec<(String, String)> = Vec::new();
    for (i, ch) in charges.iter().enumerate() {
        let Some(cpt) = ch["procedurecode"].as_str().map(str::to_string) else {
            return Reply::invalid("Each claim charge needs a procedurecode.");
        };
        let Some(dx1) = ch["icd10code1"].as_str() else {
            return Reply::invalid("Each claim charge needs icd10code1.");
        };
        for k in 1..=4 {
            if let Some(code) = ch[format!("icd10code{k}")].as_str()
                && !diagnoses.iter().any(|(c, _)| c == code)
            {
                let desc = PROBLEMS
                    .iter()
                    .find(|p| p.icd10 == code)
                    .map_or("Diagnosis", |p| p.name);
                diagnoses.push((code.to_string(), desc.to_string()));
            }
        }
        let _ = dx1;
        let known = PROCEDURES
            .iter()
            .find(|p| p.cpt == cpt.split(',').next().unwrap_or(""));
        let amount = match &ch["unitamount"] {
            Value::String(s) => s.clone(),
            Value::Number(n) => n.to_string(),
            _ => known.map_or("100", |k| k.charge).to_string(),
        };
        let (code, modifier) = match cpt.split_once(',') {
            Some((c, m)) => (c.to_string(), Some(m.to_string())),
            None => (
                cpt.clone(),
                ch["procedurecodemodifier"].as_str().map(str::to_string),
            ),
        };
        lines.push(ClaimLine {
            transactionid: id * 100 + i as u64,
            cpt: code,
            description: known.map_or("PROCEDURE", |k| k.description).to_string(),
            category: known.map_or("Other", |k| k.category).to_string(),
            amount,
            units: ch["units"]
                .as_u64()
                .or_else(|| ch["units"].as_str().and_then(|s| s.parse().ok()))
                .unwrap_or(1),
            modifier,
        });
    }
    cx.p.next_claim += 1;
    // Billed to the lowest-sequence policy in force on the date of service (not a cancelled
    // or terminated one); none means self-pay.
    let primary =
        cx.p.insurances(&pat)
            .iter()
            .filter(|i| {
                !i.cancelled
                    && i.eligibility != "Ineligible"
                    && i.issue_date <= service
                    && i.expiration_date.is_none_or(|end| end >= service)
            })
            .min_by_key(|i| i.sequence)
            .map_or(0, |i| i.insuranceid);
    let outstanding: f64 = lines
        .iter()
        .map(|l| l.amount.parse::<f64>().unwrap_or(0.0))
        .sum();
    let claim = Claim {
        id,
        patientid: pat.id,
        departmentid: dept,
        providerid: prov,
        appointmentid: None,
        service,
        created: cx.now().date(),
        lines,
        diagnoses,
        primary_insurance: primary,
        authorization: req
            .param("referralauthid")
            .filter(|a| !a.trim().is_empty())
            .map(str::to_string),
        status: "HOLD".into(),
        denial: None,
        deductible: None,
        outstanding: format!("{outstanding:.2}"),
    };
    let item = claim_json(&claim);
    cx.p.claims.insert(id, claim);
    cx.p.feeds.emit(
        "claims",
        "UpdateClaim",
        item,
        Scope {
            departmentid: Some(dept),
            patientid: Some(pat.id),
            providerid: Some(prov),
        },
    );
    cx.wrote(ops::CREATE_CLAIM);
    Reply::ok(json!({"claimids": [id.to_string()], "errormessage": "", "success": true}))
}

fn record_payment(cx: &mut Cx<'_>, pid: u64) -> Reply {
    let req = cx.req;
    if let Some(r) = require(req, &["departmentid", "paymentmethod"]) {
        return r;
    }
    if cx.p.patient(pid).is_none() {
        return Reply::not_found("patient ID");
    }
    let method = req
        .param("paymentmethod")
        .unwrap_or_default()
        .to_uppercase();
    if !["CASH", "CHECK", "CREDITCARD", "DEBITCARD", "OTHER"].contains(&method.as_str()) {
        return Reply::invalid(&format!(
            "The value '{method}' did not match any of the enum values for PAYMENTMETHOD"
        ));
    }
    let money = |name: &str| {
        req.param(name)
            .and_then(|v| v.parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    let mut total = money("copayamount") + money("otheramount");
    let mut per_claim: Vec<(u64, f64)> = Vec::new();
    if let Some(raw) = req.param("claimpayment") {
        let Ok(Value::Array(items)) = serde_json::from_str::<Value>(raw) else {
            return Reply::invalid("Expecting type array for claimpayment.");
        };
        for it in items {
            if let Value::Object(m) = it {
                for (k, v) in m {
                    let amt = v
                        .as_str()
                        .and_then(|s| s.parse().ok())
                        .or(v.as_f64())
                        .unwrap_or(0.0);
                    if let Ok(cid) = k.parse::<u64>() {
                        per_claim.push((cid, amt));
                        total += amt;
                    }
                }
            }
        }
    }
    if total <= 0.0 {
        return Reply::invalid("A payment amount is required.");
    }
    let applied: Vec<u64> = per_claim.iter().map(|(c, _)| *c).collect();
    for (cid, amt) in per_claim {
        if let Some(c) = cx.p.claims.get_mut(&cid) {
            let left = c.outstanding.parse::<f64>().unwrap_or(0.0) - amt;
            c.outstanding = format!("{:.2}", left.max(0.0));
        }
    }
    let batch = cx.p.next_batch;
    cx.p.next_batch += 1;
    cx.p.payments.push(Payment {
        batchid: batch,
        patientid: pid,
        amount: format!("{total:.2}"),
        method,
        posted: cx.now(),
        departmentid: req
            .param("departmentid")
            .and_then(|v| v.trim().parse().ok())
            .unwrap_or(0),
        last4: req
            .param("cardnumberlast4")
            .filter(|v| !v.trim().is_empty())
            .map(str::to_string),
        claims: applied,
    });
    cx.wrote(ops::RECORD_PAYMENT);
    Reply::ok(json!([{"success": "true", "paymentbatchid": batch.to_string()}]))
}

pub(crate) fn route(cx: &mut Cx<'_>, segs: &[&str]) -> Option<Reply> {
    let m = cx.req.method.clone();
    Some(match (m.as_str(), segs) {
        ("GET", ["claims"]) => list(cx),
        ("POST", ["claims"]) => create(cx),
        ("GET", ["claims", id]) => match seg_id(id).and_then(|i| cx.p.claims.get(&i)) {
            Some(c) => Reply::ok(claim_json(c)),
            None => Reply::not_found("claim ID"),
        },
        ("POST", ["patients", pid, "recordpayment"]) => match seg_id(pid) {
            Some(p) => record_payment(cx, p),
            None => Reply::not_found("patient ID"),
        },
        ("GET", ["patients", pid, "claims", "patientoutstanding"]) => {
            let Some(p) = seg_id(pid).and_then(|p| cx.p.patient(p)) else {
                return Some(Reply::not_found("patient ID"));
            };
            let pg = match page(cx.req, 1500, 5000) {
                Ok(p) => p,
                Err(e) => return Some(e),
            };
            let all: Vec<Value> =
                cx.p.claims
                    .values()
                    .filter(|c| {
                        c.patientid == p.id && c.outstanding.parse::<f64>().unwrap_or(0.0) > 0.0
                    })
                    .map(claim_json)
                    .collect();
            let items = slice(&all, pg);
            Reply::ok(envelope(
                cx.p.id,
                cx.req,
                &format!("patients/{}/claims/patientoutstanding", p.id),
                "claims",
                items,
                all.len(),
                pg,
            ))
        }
        _ => return None,
    })
}
