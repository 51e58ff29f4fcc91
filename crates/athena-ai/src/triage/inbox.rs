//! Reading a provider's inbox: the open patient cases, each with its message and the
//! patient's identifiers (for the PHI guard), triaged one by one into drafts for review.

use athena_core::Practice;
use athena_core::ids::{DepartmentId, PatientCaseId, PatientId, ProviderId};
use athena_rest::PracticeExt;
use athena_rest::models::{InboxItem, PatientCase};
use futures::{StreamExt, TryStreamExt};

use super::{InboxMessage, TriageDecision, triage};
use crate::AiError;
use crate::engine::Engine;
use crate::phi::KnownIdentifiers;
use crate::review::Draft;
use crate::soap::context::known_identifiers;

/// How many cases are read (case + demographics) at once.
const CONCURRENCY: usize = 4;

/// An open patient case from the inbox, with its message.
#[derive(Clone)]
pub struct InboxCase {
    /// The patient who wrote.
    pub patient: PatientId,
    /// The case.
    pub case: PatientCaseId,
    /// The case's department, when athena says.
    pub department: Option<DepartmentId>,
    /// Subject and body, with the patient's identifiers for the PHI guard.
    pub message: InboxMessage,
}

impl std::fmt::Debug for InboxCase {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("InboxCase")
            .field("case", &self.case)
            .field("department", &self.department)
            .field("message", &"<redacted>")
            .finish_non_exhaustive()
    }
}

/// One case and its triage draft (or why triage failed for it).
#[derive(Debug)]
pub struct TriagedCase {
    /// The case.
    pub case: InboxCase,
    /// The draft for review.
    pub draft: Result<Draft<TriageDecision>, AiError>,
}

/// Reads `provider`'s inbox: its open patient cases, each fetched in full (subject and the
/// patient's message) with the patient's demographics (names, date of birth, contacts) for
/// the PHI guard. Other inbox items (lab results, documents) are skipped.
pub async fn read_inbox(
    practice: &Practice,
    provider: ProviderId,
) -> Result<Vec<InboxCase>, AiError> {
    let items: Vec<InboxItem> = practice
        .inbox(provider)
        .list()
        .stream()
        .try_collect()
        .await
        .map_err(AiError::athena)?;
    let open: Vec<(PatientId, PatientCaseId, Option<DepartmentId>)> = items
        .iter()
        .filter(|i| i.documentclass.as_deref() == Some("PATIENTCASE"))
        .filter(|i| i.status.as_deref() != Some("CLOSED"))
        .filter_map(|i| {
            let case = i
                .extra
                .get("patientcaseid")
                .and_then(|v| {
                    v.as_u64()
                        .or_else(|| v.as_str().and_then(|s| s.parse().ok()))
                })
                .map(PatientCaseId::new)
                .or_else(|| i.documentid.map(|d| PatientCaseId::new(d.get())))?;
            Some((i.patientid?, case, i.departmentid))
        })
        .collect();
    // Clinicians named in a message are removed like the patient's own identifiers.
    let providers = crate::phi::with_practice_providers(practice, KnownIdentifiers::new()).await?;
    futures::stream::iter(open)
        .map(|(patient, case, department)| read_case(practice, patient, case, department))
        .buffered(CONCURRENCY)
        .map_ok(|mut c| {
            c.message.known = std::mem::take(&mut c.message.known).merge(providers.clone());
            c
        })
        .try_collect()
        .await
}

async fn read_case(
    practice: &Practice,
    patient: PatientId,
    case: PatientCaseId,
    department: Option<DepartmentId>,
) -> Result<InboxCase, AiError> {
    let (full, demographics) = futures::join!(
        practice.patient_cases(patient).get(case).send(),
        practice.patients().get(patient).send(),
    );
    let full = full.map_err(AiError::athena)?;
    // Without the patient's identifiers the PHI guard could not remove them: fail closed.
    let demographics = demographics.map_err(AiError::athena)?;
    Ok(InboxCase {
        patient,
        case,
        department: full.departmentid.or(department),
        message: InboxMessage {
            subject: full
                .subject
                .as_ref()
                .map(|s| s.expose().clone())
                .unwrap_or_default(),
            body: case_body(&full),
            known: known_identifiers(&demographics),
        },
    })
}

/// The patient's words: `patientmessage` when athena sends it, else the internal note, else
/// the case's notes.
fn case_body(case: &PatientCase) -> String {
    if let Some(m) = case
        .extra
        .get("patientmessage")
        .and_then(|v| v.as_str())
        .filter(|s| !s.trim().is_empty())
    {
        return m.to_owned();
    }
    if let Some(n) = case
        .internalnote
        .as_ref()
        .map(|n| n.expose())
        .filter(|s| !s.trim().is_empty())
    {
        return n.clone();
    }
    case.notes
        .iter()
        .flatten()
        .filter_map(|n| {
            n.get("note")
                .or_else(|| n.get("notetext"))
                .and_then(|v| v.as_str())
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Reads `provider`'s inbox and triages every open case, most urgent first (red flags force
/// emergent whatever the model says). A case whose triage fails is kept, with its error, so
/// nothing in the inbox is silently skipped.
pub async fn triage_inbox(
    engine: &Engine,
    practice: &Practice,
    provider: ProviderId,
) -> Result<Vec<TriagedCase>, AiError> {
    let cases = read_inbox(practice, provider).await?;
    let mut out = Vec::with_capacity(cases.len());
    for case in cases {
        let draft = triage(engine, &case.message).await;
        out.push(TriagedCase { case, draft });
    }
    // Failures first (a human must look), then by urgency.
    out.sort_by_key(|t| match &t.draft {
        Err(_) => 0,
        Ok(d) => 1 + d.value().urgency as u8,
    });
    Ok(out)
}
