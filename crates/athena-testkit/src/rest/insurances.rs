//! `/patients/{pid}/insurances…` and eligibility (`benefitdetails`).

use serde_json::{Value, json};

use super::{Cx, d, envelope, page, parse_date, seg_id, slice};
use crate::data::patients::{Insurance, Patient};
use crate::data::tables::PAYERS;
use crate::http::Reply;
use crate::stats::ops;

/// One insurance object, typed like athena's (`insuranceid` string, `insurancepackageid` number).
pub(crate) fn insurance_json(i: &Insurance, pat: &Patient) -> Value {
    let crate::data::tables::Payer {
        name: payer,
        plan,
        insurance_type: kind,
        package_id: pkg,
        city,
        state,
        zip,
        phone,
    } = PAYERS[i.payer % PAYERS.len()];
    let mut v = json!({
        "insuranceid": i.insuranceid.to_string(),
        "id": i.insuranceid.to_string(),
        "sequencenumber": i.sequence,
        "insurancepackageid": pkg,
        "insuranceplanname": plan,
        "insuranceplandisplayname": payer,
        "ircname": payer,
        "ircid": pkg / 10,
        "insurancetype": kind,
        "insurancephone": phone,
        "insurancepackageaddress1": "PO BOX 14079",
        "insurancepackagecity": city,
        "insurancepackagestate": state,
        "insurancepackagezip": zip,
        "insuranceidnumber": i.memberid,
        "insurancepolicyholder": format!("{} {}", i.policyholder_first, i.policyholder_last),
        "insurancepolicyholderfirstname": i.policyholder_first,
        "insurancepolicyholderlastname": i.policyholder_last,
        "insurancepolicyholderdob": d(i.policyholder_dob),
        "insurancepolicyholdersex": i.policyholder_sex,
        "insurancepolicyholderaddress1": pat.address1.to_uppercase(),
        "insurancepolicyholdercity": pat.city.to_uppercase(),
        "insurancepolicyholderstate": pat.state,
        "insurancepolicyholderzip": pat.zip,
        "insurancepolicyholdercountrycode": "USA",
        "insurancepolicyholdercountryiso3166": "US",
        "relationshiptoinsured": "Self",
        "relationshiptoinsuredid": 1,
        "insuredentitytypeid": 1,
        "eligibilitystatus": i.eligibility,
        "eligibilityreason": "Athena",
        "eligibilitylastchecked": d(i.eligibility_checked),
        "issuedate": d(i.issue_date),
    });
    if let Some(exp) = i.expiration_date {
        v["expirationdate"] = json!(d(exp));
    }
    if i.cancelled {
        v["cancelled"] = json!(d(i.issue_date));
    }
    v
}

fn find(list: &[Insurance], id: &str) -> Option<usize> {
    let id: u64 = id.parse().ok()?;
    list.iter().position(|i| i.insuranceid == id)
}

pub(crate) fn route(cx: &mut Cx<'_>, segs: &[&str]) -> Option<Reply> {
    let ["patients", pid, "insurances", tail @ ..] = segs else {
        return None;
    };
    let pat = match seg_id(pid).and_then(|i| cx.p.patient(i)) {
        Some(p) => p,
        None => return Some(Reply::not_found("patient ID")),
    };
    let req = cx.req;
    let m = req.method.as_str();
    Some(match (m, tail) {
        ("GET", []) => {
            let pg = match page(req, 100, 5000) {
                Ok(p) => p,
                Err(e) => return Some(e),
            };
            let show_cancelled = req.flag("showcancelled");
            let all: Vec<Insurance> =
                cx.p.insurances(&pat)
                    .into_iter()
                    .filter(|i| show_cancelled || !i.cancelled)
                    .collect();
            let items = slice(&all, pg)
                .iter()
                .map(|i| insurance_json(i, &pat))
                .collect();
            Reply::ok(envelope(
                cx.p.id,
                req,
                &format!("patients/{}/insurances", pat.id),
                "insurances",
                items,
                all.len(),
                pg,
            ))
        }
        ("POST", []) => {
            if let Some(r) = crate::http::require(
                req,
                &["insurancepackageid", "insuranceidnumber", "sequencenumber"],
            ) {
                return Some(r);
            }
            let pkg: u64 = match req.param("insurancepackageid").and_then(|v| v.parse().ok()) {
                Some(p) => p,
                None => return Some(Reply::invalid_fields(&["insurancepackageid"])),
            };
            let Some(payer) = PAYERS.iter().position(|p| p.package_id == pkg) else {
                return Some(Reply::invalid(&format!(
                    "The insurance package ID {pkg} is not valid."
                )));
            };
            let seq: u64 = req
                .param("sequencenumber")
                .and_then(|v| v.parse().ok())
                .unwrap_or(1);
            let id = cx.p.next_insurance;
            cx.p.next_insurance += 1;
            let today = cx.now().date();
            let ins = Insurance {
                insuranceid: id,
                payer,
                memberid: req
                    .param("insuranceidnumber")
                    .unwrap_or_default()
                    .to_string(),
                sequence: seq,
                eligibility: "Unverified".into(),
                policyholder_first: req
                    .param("insurancepolicyholderfirstname")
                    .unwrap_or(&pat.firstname)
                    .to_uppercase(),
                policyholder_last: req
                    .param("insurancepolicyholderlastname")
                    .unwrap_or(&pat.lastname)
                    .to_uppercase(),
                policyholder_dob: pat.dob,
                policyholder_sex: req
                    .param("insurancepolicyholdersex")
                    .unwrap_or(&pat.sex)
                    .to_string(),
                cancelled: false,
                issue_date: today,
                expiration_date: None,
                eligibility_checked: today,
            };
            let v = insurance_json(&ins, &pat);
            cx.p.insurances_mut(&pat).push(ins);
            cx.wrote(ops::INSURANCE_WRITE);
            Reply::ok(json!([v]))
        }
        ("PUT", [iid]) => {
            let list = cx.p.insurances_mut(&pat);
            let Some(i) = find(list, iid) else {
                return Some(Reply::not_found("insurance ID"));
            };
            if let Some(v) = req.param("insuranceidnumber") {
                list[i].memberid = v.to_string();
            }
            if let Some(v) = req.param("sequencenumber").and_then(|v| v.parse().ok()) {
                list[i].sequence = v;
            }
            if let Some(v) = req.param("insurancepolicyholderfirstname") {
                list[i].policyholder_first = v.to_uppercase();
            }
            if let Some(v) = req.param("insurancepolicyholderlastname") {
                list[i].policyholder_last = v.to_uppercase();
            }
            cx.wrote(ops::INSURANCE_WRITE);
            Reply::ok(json!({"success": true, "message": ""}))
        }
        ("DELETE", [iid]) => {
            let list = cx.p.insurances_mut(&pat);
            let Some(i) = find(list, iid) else {
                return Some(Reply::not_found("insurance ID"));
            };
            list[i].cancelled = true;
            cx.wrote(ops::INSURANCE_WRITE);
            Reply::ok(json!({"success": true, "message": ""}))
        }
        ("POST", [iid, "reactivate"]) => {
            let list = cx.p.insurances_mut(&pat);
            let Some(i) = find(list, iid) else {
                return Some(Reply::not_found("insurance ID"));
            };
            list[i].cancelled = false;
            cx.wrote(ops::INSURANCE_WRITE);
            Reply::ok(json!({"success": true, "message": ""}))
        }
        (_, [iid, "benefitdetails"]) if m == "GET" || m == "POST" => {
            let list = cx.p.insurances(&pat);
            let Some(i) = find(&list, iid) else {
                return Some(Reply::not_found("insurance ID"));
            };
            let ins = &list[i];
            let dos = match parse_date(req, "dateofservice") {
                Ok(v) => v.unwrap_or(cx.now().date()),
                Err(e) => return Some(e),
            };
            if m == "POST" {
                return Some(Reply::ok(
                    json!({"success": true, "message": "Eligibility check submitted."}),
                ));
            }
            let active = ins.eligibility != "Ineligible";
            let crate::data::tables::Payer {
                name: payer, plan, ..
            } = PAYERS[ins.payer % PAYERS.len()];
            let mut v = json!({
                "insuranceid": ins.insuranceid.to_string(),
                "dateofservice": d(dos),
                "servicetypecode": req.param("servicetypecode").unwrap_or("30"),
                "eligibilitystatus": ins.eligibility,
                "coverageactive": if active { "true" } else { "false" },
                "payername": payer,
                "planname": plan,
                "memberid": ins.memberid,
                "lastchecked": d(cx.now().date()),
                "benefits": if active {
                    json!([
                        {"benefittype": "Co-Payment", "servicetype": "Professional (Physician) Visit - Office", "amount": "25.00", "innetwork": "true"},
                        {"benefittype": "Deductible", "servicetype": "Health Benefit Plan Coverage", "amount": "1500.00", "remaining": "850.00", "innetwork": "true"},
                        {"benefittype": "Co-Insurance", "servicetype": "Health Benefit Plan Coverage", "percent": "20", "innetwork": "true"},
                    ])
                } else {
                    json!([])
                },
            });
            if let Some(exp) = ins.expiration_date {
                v["coverageenddate"] = json!(d(exp));
                v["rejectionreason"] = json!("Subscriber coverage terminated.");
            }
            Reply::ok(v)
        }
        _ => return None,
    })
}
