//! A claim's transactions (`GET /claims/{claimid}/claimtransactions`), patient payment
//! history (`GET /patients/paymenthistory`) and e-payment receipts
//! (`GET /patients/{patientid}/receipts`).
//!
//! No recording of these answers exists. Receipts carry the output fields athena documents
//! (<https://docs.athenahealth.com/api/api-ref/receipt>); claim transactions and payment history
//! use athena's vocabulary for the same facts elsewhere (claim `transactionid`,
//! `procedurecode`, `postdate`; `recordpayment`'s `paymentmethod`), under the item keys
//! `claimtransactions` and `payments`. Everything is derived from the sandbox's claims and
//! recorded payments, so the ledger of a claim always adds up to what the claim still owes
//! (the sandbox keeps that balance internally; athena's claim object shows none).

use serde_json::{Value, json};

use super::super::{Cx, d, dt, envelope, page, parse_date, seg_id, slice};
use crate::data::schedule::Claim;
use crate::http::{Reply, require};

/// Cents of an amount as the sandbox stores it (`"189"`, `"24.50"`); unreadable is 0.
fn cents(s: &str) -> i64 {
    s.trim()
        .parse::<f64>()
        .map(|v| (v * 100.0).round() as i64)
        .unwrap_or(0)
}

fn money(c: i64) -> String {
    let sign = if c < 0 { "-" } else { "" };
    let a = c.unsigned_abs();
    format!("{sign}{}.{:02}", a / 100, a % 100)
}

/// The ledger of a claim: one `CHARGE` per line; the amount paid so far (charges less the
/// outstanding balance) as one `PAYMENT` on the first line; a denial as a zero `ADJUSTMENT`
/// carrying its CARC/RARC; a deductible as a transfer from the primary payer to the patient.
/// The amounts add up to the claim's outstanding balance.
pub(crate) fn ledger(c: &Claim) -> Vec<Value> {
    let insurer = if c.primary_insurance == 0 {
        "PATIENT"
    } else {
        "PRIMARY"
    };
    let mut out = Vec::new();
    let mut next = 0u64;
    let mut id = || {
        next += 1;
        (c.id * 100 + 50 + next).to_string()
    };
    let mut charged = 0i64;
    for l in &c.lines {
        charged += cents(&l.amount);
        out.push(json!({
            "transactionid": l.transactionid.to_string(),
            "chargeid": l.transactionid.to_string(),
            "transactiontype": "CHARGE",
            "procedurecode": l.cpt,
            "amount": money(cents(&l.amount)),
            "postdate": d(c.created),
            "servicedate": d(c.service),
            "payer": insurer,
            "patientinsuranceid": c.primary_insurance.to_string(),
            "voided": "false",
        }));
    }
    let first = c.lines.first();
    let chargeid = first
        .map(|l| l.transactionid.to_string())
        .unwrap_or_default();
    let cpt = first.map(|l| l.cpt.clone()).unwrap_or_default();
    let paid = charged - cents(&c.outstanding);
    if paid > 0 {
        out.push(json!({
            "transactionid": id(), "chargeid": chargeid, "transactiontype": "PAYMENT",
            "procedurecode": cpt, "amount": money(-paid), "postdate": d(c.created),
            "servicedate": d(c.service), "payer": insurer,
            "paymentbatchid": (c.id % 1000 + 7000).to_string(), "voided": "false",
        }));
    }
    if let Some(den) = &c.denial {
        out.push(json!({
            "transactionid": id(), "chargeid": chargeid, "transactiontype": "ADJUSTMENT",
            "transactionreason": den.description, "procedurecode": cpt, "amount": "0.00",
            "postdate": d(c.created), "servicedate": d(c.service), "payer": insurer,
            "reasoncode": den.carc,
            "remarkcodes": if den.rarc.is_empty() { vec![] } else { vec![den.rarc] },
            "voided": "false",
        }));
    }
    if let Some(ded) = &c.deductible {
        let amt = cents(ded);
        for (kind, payer, sign) in [("TRANSFEROUT", insurer, -1), ("TRANSFERIN", "PATIENT", 1)] {
            out.push(json!({
                "transactionid": id(), "chargeid": chargeid, "transactiontype": kind,
                "transactionreason": "Deductible Amount", "procedurecode": cpt,
                "amount": money(sign * amt), "postdate": d(c.created), "servicedate": d(c.service),
                "payer": payer, "reasoncode": "1", "voided": "false",
            }));
        }
    }
    out
}

pub(super) fn claim_transactions(cx: &mut Cx<'_>, seg: &str) -> Result<Reply, Reply> {
    let claim = seg_id(seg)
        .and_then(|id| cx.p.claims.get(&id))
        .ok_or_else(|| Reply::not_found("claim ID"))?;
    let pg = page(cx.req, 1500, 5000)?;
    let all = ledger(claim);
    let items = slice(&all, pg);
    Ok(Reply::ok(envelope(
        cx.p.id,
        cx.req,
        &format!("claims/{}/claimtransactions", claim.id),
        "claimtransactions",
        items,
        all.len(),
        pg,
    )))
}

/// `GET /patients/paymenthistory`: `patientidlist` (comma-separated), `startdate` and
/// `enddate` required. Payments recorded through `recordpayment` in the window, each
/// applied payment with its claim; `additionalpaymentinfo=true` adds the claim's date of
/// service, first procedure code and supervising provider.
pub(super) fn payment_history(cx: &mut Cx<'_>) -> Result<Reply, Reply> {
    if let Some(r) = require(cx.req, &["patientidlist", "startdate", "enddate"]) {
        return Err(r);
    }
    let mut ids = Vec::new();
    for part in cx.req.param("patientidlist").unwrap_or_default().split(',') {
        match part.trim().parse::<u64>() {
            Ok(id) => ids.push(id),
            Err(_) => return Err(Reply::invalid_fields(&["patientidlist"])),
        }
    }
    let from = parse_date(cx.req, "startdate")?;
    let to = parse_date(cx.req, "enddate")?;
    let extra = cx
        .req
        .param("additionalpaymentinfo")
        .is_some_and(|v| v.trim().eq_ignore_ascii_case("true"));
    let pg = page(cx.req, 1500, 5000)?;
    let all: Vec<Value> =
        cx.p.payments
            .iter()
            .filter(|p| ids.contains(&p.patientid))
            .filter(|p| {
                let day = p.posted.date();
                from.is_none_or(|f| day >= f) && to.is_none_or(|t| day <= t)
            })
            .map(|p| {
                let mut v = json!({
                    "patientid": p.patientid.to_string(),
                    "paymentid": format!("{}", 90_000 + p.batchid),
                    "postdate": d(p.posted.date()),
                    "amount": p.amount,
                    "paymentmethod": p.method,
                    "paymentreason": "PAYMENT",
                    "paymentbatchid": p.batchid.to_string(),
                    "departmentid": p.departmentid.to_string(),
                });
                if let Some(l4) = &p.last4 {
                    v["cardnumberlast4"] = json!(l4);
                }
                if let Some(c) = p.claims.first().and_then(|id| cx.p.claims.get(id)) {
                    v["claimid"] = json!(c.id.to_string());
                    if extra {
                        v["servicedate"] = json!(d(c.service));
                        v["supervisingproviderid"] = json!(c.providerid.to_string());
                        if let Some(l) = c.lines.first() {
                            v["procedurecode"] = json!(l.cpt);
                        }
                    }
                } else {
                    v["unappliedamount"] = json!(p.amount);
                }
                v
            })
            .collect();
    let items = slice(&all, pg);
    Ok(Reply::ok(envelope(
        cx.p.id,
        cx.req,
        "patients/paymenthistory",
        "payments",
        items,
        all.len(),
        pg,
    )))
}

/// `GET /patients/{patientid}/receipts`: the patient's card payments (`CREDITCARD`,
/// `DEBITCARD`) as e-payment receipts, in the asked department when one is given.
pub(super) fn receipts(cx: &mut Cx<'_>, seg: &str) -> Result<Reply, Reply> {
    let pat = super::patient(cx, seg)?;
    let dept = super::super::id_param(cx.req, "departmentid")?;
    let pg = page(cx.req, 1500, 5000)?;
    let all: Vec<Value> =
        cx.p.payments
            .iter()
            .filter(|p| p.patientid == pat.id && dept.is_none_or(|d| d == p.departmentid))
            .filter(|p| p.method == "CREDITCARD" || p.method == "DEBITCARD")
            .map(|p| {
                let mut v = json!({
                    "epaymentid": (80_000 + p.batchid).to_string(),
                    "amount": p.amount,
                    "cardtypeabbreviation": if p.method == "CREDITCARD" { "VI" } else { "DB" },
                    "cardtypename": if p.method == "CREDITCARD" { "Visa" } else { "Debit" },
                    "requestdate": dt(p.posted),
                    "type": "PAYMENT",
                });
                if let Some(l4) = &p.last4 {
                    v["cardnumberlast4digits"] = json!(l4);
                }
                v
            })
            .collect();
    let items = slice(&all, pg);
    Ok(Reply::ok(envelope(
        cx.p.id,
        cx.req,
        &format!("patients/{}/receipts", pat.id),
        "receipts",
        items,
        all.len(),
        pg,
    )))
}
