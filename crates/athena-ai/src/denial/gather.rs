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
            Some(ServiceLine {
                code: p.procedurecode.clone()?.trim().to_owned(),
                modifiers: p
                    .proceduremodifier
                    .as_deref()
                    .unwrap_or_default()
                    .split(',')
                    .map(str::trim)
                    .filter(|m| !m.is_empty())
                    .map(str::to_owned)
                    .collect(),
                description: p.proceduredescription.clone().unwrap_or_default(),
                units: p.units.unwrap_or(1),
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

/// CARCs that adjust without denying: contractual (45) and patient responsibility (1–3).
const NOT_DENIALS: &[&str] = &["1", "2", "3", "45"];

/// The adjudication: `DENIED` payer status or a non-PR adjustment with a denial CARC is a
/// denial; `CLOSED` otherwise is paid; anything else is pending.
pub fn outcome_of(c: &Claim) -> Outcome {
    let status = c
        .primaryinsurancepayer
        .as_ref()
        .and_then(|p| p.status.as_ref())
        .map(|s| s.code().to_ascii_uppercase());
    let denials: Vec<_> = c
        .adjustments
        .iter()
        .flatten()
        .filter(|a| {
            a.groupcode.as_deref() != Some("PR")
                && a.reasoncode
                    .as_ref()
                    .is_some_and(|r| !NOT_DENIALS.contains(&r.code()))
        })
        .collect();
    if status.as_deref() == Some("DENIED") || !denials.is_empty() {
        return Outcome::Denied {
            codes: denials
                .iter()
                .filter_map(|a| {
                    a.adjustmentcode.clone().or_else(|| {
                        Some(format!(
                            "{}-{}",
                            a.groupcode.as_deref().unwrap_or("CO"),
                            a.reasoncode.as_ref()?.code()
                        ))
                    })
                })
                .collect(),
            remarks: denials
                .iter()
                .flat_map(|a| a.remarkcodes.iter().flatten())
                .map(|r| r.code().to_owned())
                .collect(),
            description: denials.iter().find_map(|a| a.description.clone()),
        };
    }
    match status.as_deref() {
        Some("CLOSED") => Outcome::Paid,
        _ => Outcome::Pending,
    }
}
