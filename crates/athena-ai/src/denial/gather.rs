//! Reads claims and their coverage through `athena-rest`, and splits each claim into the
//! facts known before adjudication and the outcome.

use std::collections::{BTreeSet, HashMap};

use athena_core::Practice;
use athena_core::codec::AthenaDate;
use athena_core::ids::PatientId;
use athena_rest::PracticeExt;
use athena_rest::models::{Claim, Insurance};
use chrono::NaiveDate;
use futures::{StreamExt, TryStreamExt};

use super::{ClaimFacts, ClaimRecord, Coverage, Diagnosis, Outcome, ServiceLine};
use crate::{AiError, AiErrorKind};

/// How many patients' insurances are read at once.
const CONCURRENCY: usize = 4;

/// Every claim with a date of service in `from..=to`, with the billed policy resolved against
/// the patient's insurances (cancelled ones included). Claims whose policy is not on file get
/// `coverage: None`.
pub async fn load_claims(
    practice: &Practice,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<ClaimRecord>, AiError> {
    let claims: Vec<Claim> = practice
        .claims()
        .search()
        .servicestartdate(AthenaDate::from(from))
        .serviceenddate(AthenaDate::from(to))
        .stream()
        .try_collect()
        .await
        .map_err(AiError::athena)?;
    let patients: BTreeSet<PatientId> = claims.iter().filter_map(|c| c.patientid).collect();
    let insurances: HashMap<PatientId, Vec<Insurance>> = futures::stream::iter(patients)
        .map(|p| async move { Ok::<_, AiError>((p, insurances_of(practice, p).await?)) })
        .buffer_unordered(CONCURRENCY)
        .try_collect()
        .await?;
    claims
        .iter()
        .map(|c| {
            let ins = c
                .patientid
                .and_then(|p| insurances.get(&p))
                .map_or(&[][..], Vec::as_slice);
            to_record(c, ins)
        })
        .collect()
}

/// A patient's insurances, cancelled ones included; a patient that is gone has none.
pub async fn insurances_of(
    practice: &Practice,
    patient: PatientId,
) -> Result<Vec<Insurance>, AiError> {
    match practice
        .insurances(patient)
        .list()
        .showcancelled(true)
        .send()
        .await
    {
        Ok(page) => Ok(page.items().to_vec()),
        Err(e) if e.status() == Some(404) => Ok(Vec::new()),
        Err(e) => Err(AiError::athena(e)),
    }
}

fn missing(field: &str) -> AiError {
    AiError::new(AiErrorKind::Athena, format!("a claim has no {field}"))
}

/// Splits one claim into facts and outcome; `insurances` are its patient's.
pub fn to_record(c: &Claim, insurances: &[Insurance]) -> Result<ClaimRecord, AiError> {
    let service_date = c
        .billedservicedate
        .ok_or_else(|| missing("billedservicedate"))?
        .naive();
    let lines = c
        .procedures
        .iter()
        .flatten()
        .filter_map(|p| {
            let (code, modifiers) = split_modifiers(p.procedurecode.as_deref()?);
            Some(ServiceLine {
                code,
                modifiers,
                description: p.proceduredescription.clone().unwrap_or_default(),
            })
        })
        .collect();
    let diagnoses = c
        .diagnoses
        .iter()
        .flatten()
        .filter(|d| d.deleteddiagnosis != Some(true))
        .filter_map(|d| {
            Some(Diagnosis {
                code: d.diagnosisrawcode.clone()?.trim().to_owned(),
                description: d.diagnosisdescription.clone().unwrap_or_default(),
            })
        })
        .collect();
    let billed = c
        .primaryinsurancepayer
        .as_ref()
        .and_then(|p| p.primarypatientinsuranceid);
    let coverage = billed
        .and_then(|id| insurances.iter().find(|i| i.insuranceid == Some(id)))
        .and_then(coverage_of);
    let facts = ClaimFacts {
        claim_id: c.claimid.ok_or_else(|| missing("claimid"))?,
        patient_id: c.patientid.ok_or_else(|| missing("patientid"))?,
        department_id: c.departmentid,
        provider_id: c.billedproviderid,
        service_date,
        submitted: c.claimcreateddate.map_or(service_date, AthenaDate::naive),
        lines,
        diagnoses,
        authorization: c.referralauthid.clone().filter(|a| !a.trim().is_empty()),
        coverage,
    };
    Ok(ClaimRecord {
        facts,
        outcome: outcome_of(c),
    })
}

fn coverage_of(i: &Insurance) -> Option<Coverage> {
    Some(Coverage {
        insurance_id: i.insuranceid?,
        payer: i
            .insuranceplandisplayname
            .clone()
            .or_else(|| i.insuranceplanname.clone())
            .unwrap_or_else(|| "unnamed payer".to_owned()),
        kind: i.insurancetype.clone().unwrap_or_default(),
        eligibility_status: i.eligibilitystatus.clone(),
        issued: i.issuedate.map(AthenaDate::naive),
        expires: i.expirationdate.map(AthenaDate::naive),
        cancelled: i
            .extra
            .get("cancelled")
            .is_some_and(|v| !v.is_null() && v.as_str() != Some("")),
    })
}

/// A procedure code as `GET /claims` gives it, and the modifiers it carries if any.
///
/// athena documents no modifier field on a claim's procedures; a code written with its
/// modifiers (`99214-25`, `99214,25`, `99214 25 59`) is split, and a bare code gives `None`:
/// *unknown*, not "no modifiers", so no rule concludes a modifier is missing from data that
/// never shows modifiers.
pub fn split_modifiers(raw: &str) -> (String, Option<Vec<String>>) {
    let mut parts = raw
        .split(|c: char| c == '-' || c == ',' || c.is_whitespace())
        .map(str::trim)
        .filter(|p| !p.is_empty());
    let code = parts.next().unwrap_or_default().to_owned();
    let modifiers: Vec<String> = parts
        .filter(|m| m.len() == 2 && m.bytes().all(|b| b.is_ascii_alphanumeric()))
        .map(str::to_ascii_uppercase)
        .collect();
    (code, (!modifiers.is_empty()).then_some(modifiers))
}

/// The adjudication, from the primary payer's `status` and the `note` attached to it (the
/// only adjudication data athena's claim object documents): a note that reads as a denial
/// ([`note::read`](super::note::read)), or a `DENIED` status, is a denial with the codes the
/// note names; `CLOSED` otherwise is paid; anything else (`BILLED`, `HOLD` without a denial
/// note, …) is pending.
pub fn outcome_of(c: &Claim) -> Outcome {
    let payer = c.primaryinsurancepayer.as_ref();
    let status = payer
        .and_then(|p| p.status.as_ref())
        .map(|s| s.code().to_ascii_uppercase());
    let reading = payer
        .and_then(|p| p.note.as_ref())
        .map(|n| super::note::read(n.expose()))
        .unwrap_or_default();
    if reading.denied || status.as_deref() == Some("DENIED") {
        let description = reading
            .codes
            .iter()
            .find_map(|c| super::note::carc_description(c))
            .map(str::to_owned);
        return Outcome::Denied {
            codes: reading.codes,
            remarks: reading.remarks,
            description,
        };
    }
    match status.as_deref() {
        Some("CLOSED") => Outcome::Paid,
        _ => Outcome::Pending,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn modifiers_written_into_the_code_are_split_and_absent_ones_are_unknown() {
        assert_eq!(split_modifiers("99214"), ("99214".to_owned(), None));
        assert_eq!(
            split_modifiers(" 99214-25 "),
            ("99214".to_owned(), Some(vec!["25".to_owned()]))
        );
        assert_eq!(
            split_modifiers("20610,rt 59"),
            (
                "20610".to_owned(),
                Some(vec!["RT".to_owned(), "59".to_owned()])
            )
        );
    }

    fn claim(json: &str) -> Claim {
        serde_json::from_str(json).unwrap()
    }

    #[test]
    fn the_outcome_comes_from_the_payer_status_and_its_note() {
        let denied = claim(
            r#"{"claimid":"1","primaryinsurancepayer":{"status":"HOLD","note":"DENIAL rec'd. CARC 197 (CO), RARC N54."}}"#,
        );
        assert_eq!(
            outcome_of(&denied),
            Outcome::Denied {
                codes: vec!["CO-197".into()],
                remarks: vec!["N54".into()],
                description: super::super::note::carc_description("197").map(str::to_owned),
            }
        );
        let paid = claim(r#"{"claimid":"2","primaryinsurancepayer":{"status":"CLOSED"}}"#);
        assert_eq!(outcome_of(&paid), Outcome::Paid);
        let held = claim(
            r#"{"claimid":"3","primaryinsurancepayer":{"status":"HOLD","note":"waiting on records"}}"#,
        );
        assert_eq!(outcome_of(&held), Outcome::Pending);
        let closed_with_pr = claim(
            r#"{"claimid":"4","primaryinsurancepayer":{"status":"CLOSED","note":"PR-1 deductible"}}"#,
        );
        assert_eq!(outcome_of(&closed_with_pr), Outcome::Paid);
    }
}
