//! The changed-data feeds of reference §7: path, item key, record identity, events, cadence.

use std::fmt;
use std::time::Duration;

/// Clinical feeds are polled often; financial ones rarely (athena's own guidance).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FeedKind {
    /// Scheduling, chart, patients, providers: default interval 1–5 min.
    Clinical,
    /// Claims and other billing data: default interval 15–30 min.
    Financial,
}

/// How often one feed is polled: `min` while changes keep coming, doubling up to `max` while
/// the feed is quiet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PollInterval {
    /// Wait after a poll that returned changes.
    pub min: Duration,
    /// Longest wait after consecutive empty polls.
    pub max: Duration,
}

impl PollInterval {
    /// A fixed interval (`min == max`).
    pub const fn fixed(d: Duration) -> Self {
        PollInterval { min: d, max: d }
    }

    /// The wait after `empty_polls` consecutive empty polls: `min · 2^empty_polls`, capped at
    /// `max`.
    pub fn after(&self, empty_polls: u32) -> Duration {
        let factor = 1u32.checked_shl(empty_polls.min(16)).unwrap_or(u32::MAX);
        self.min.saturating_mul(factor).min(self.max.max(self.min))
    }
}

/// One changed-data feed: `GET /v1/{practiceid}/{path}/changed` answers
/// `{"<item_key>": [...], "totalcount": N}`.
///
/// The constants cover every feed listed in reference §7; [`Feed::custom`] names any other.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Feed {
    /// Path under `/v1/{practiceid}`, e.g. `chart/healthhistory/problems`.
    pub path: &'static str,
    /// The list key of the `…/changed` answer, e.g. `problems`.
    pub item_key: &'static str,
    /// Fields naming the record, most specific first (`appointmentid`); the first present one
    /// is the record identity in the idempotency key.
    pub id_fields: &'static [&'static str],
    /// Fields that change with every change of the record (`lastmodified`…); the first present
    /// one is shown as the change marker of the idempotency key.
    pub version_fields: &'static [&'static str],
    /// Events one can subscribe to (may be incomplete for unverified feeds; athena's
    /// `…/subscription/events` is authoritative).
    pub events: &'static [&'static str],
    /// Polling cadence class.
    pub kind: FeedKind,
    /// Whether `GET …/changed` requires `departmentid` (appointments).
    pub requires_department: bool,
}

impl fmt::Debug for Feed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Feed({})", self.path)
    }
}

impl fmt::Display for Feed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.path)
    }
}

const LASTMOD: &[&str] = &[
    "lastmodifieddatetime",
    "lastmodified",
    "lastupdated",
    "lastmodifieddate",
];

macro_rules! feed {
    ($(#[$doc:meta])* $name:ident, $path:literal, $key:literal, [$($id:literal),*], [$($ev:literal),*], $kind:ident, $dept:literal) => {
        $(#[$doc])*
        pub const $name: Feed = Feed {
            path: $path,
            item_key: $key,
            id_fields: &[$($id),*],
            version_fields: LASTMOD,
            events: &[$($ev),*],
            kind: FeedKind::$kind,
            requires_department: $dept,
        };
    };
}

impl Feed {
    feed!(
        /// `appointments` → `appointments` (items have the `/appointments/booked` shape;
        /// `departmentid` is required).
        APPOINTMENTS, "appointments", "appointments", ["appointmentid"],
        ["ScheduleAppointment", "CheckIn", "CheckOut", "UpdateAppointment", "CancelAppointment",
         "FreezeAppointment", "UnfreezeAppointment", "DeleteAppointment", "AddAppointmentSlot",
         "UpdateReminderCall", "UpdateSuggestedOverbooking"], Clinical, true);
    feed!(
        /// `patients` → `patients`.
        PATIENTS, "patients", "patients", ["patientid", "enterpriseid"],
        ["AddPatient", "DeletePatient", "UpdatePatient", "MergePatient", "UpdatePatientCustomField"],
        Clinical, false);
    feed!(
        /// `providers` → `providers`.
        PROVIDERS, "providers", "providers", ["providerid"],
        ["ProviderAdd", "ProviderUpdate", "ProviderDelete", "ProviderUndelete"], Clinical, false);
    feed!(
        /// `prescriptions` → `prescriptions`.
        PRESCRIPTIONS, "prescriptions", "prescriptions", ["documentid", "prescriptionid"],
        ["PrescriptionAdd", "PrescriptionUpdate", "PrescriptionDelete", "PrescriptionRefillAdd",
         "PrescriptionReopen", "PrescriptionPreApproval", "PrescriptionRefillUpdate"], Clinical, false);
    feed!(
        /// `claims` → `claims` (more events with `showadditionalevents`).
        CLAIMS, "claims", "claims", ["claimid"], ["UpdateClaim"], Financial, false);
    feed!(
        /// `chart/healthhistory/problems` → `problems`.
        PROBLEMS, "chart/healthhistory/problems", "problems", ["problemid"],
        ["ProblemAdd", "ProblemUpdate"], Clinical, false);
    feed!(
        /// `chart/healthhistory/allergies` → `allergies`.
        ALLERGIES, "chart/healthhistory/allergies", "allergies", ["allergenid", "allergyid"],
        ["AllergyUpdate", "AllergyAdd"], Clinical, false);
    feed!(
        /// `chart/healthhistory/medication` → `medications`.
        MEDICATIONS, "chart/healthhistory/medication", "medications", ["medicationentryid", "medicationid"],
        ["MedicationHxAdd", "MedicationHxUpdate", "MedicationHxDelete"], Clinical, false);
    feed!(
        /// `labresults` → `labresults`.
        LAB_RESULTS, "labresults", "labresults", ["labresultid"],
        ["LabResultAdd", "LabResultUpdate", "LabResultClose"], Clinical, false);
    feed!(
        /// `chart/healthhistory/vaccine` → `vaccines` (item key unverified).
        VACCINES, "chart/healthhistory/vaccine", "vaccines", ["vaccineid"], [], Clinical, false);
    feed!(
        /// `chart/healthhistory/familyhistory` → `familyhistory` (item key unverified).
        FAMILY_HISTORY, "chart/healthhistory/familyhistory", "familyhistory", ["problemid", "familyhistoryid"], [], Clinical, false);
    feed!(
        /// `imagingresults` → `imagingresults` (item key unverified).
        IMAGING_RESULTS, "imagingresults", "imagingresults", ["imagingresultid"], [], Clinical, false);
    feed!(
        /// `orders` → `orders` (item key unverified).
        ORDERS, "orders", "orders", ["orderid", "documentid"], [], Clinical, false);
    feed!(
        /// `documents/patientcase` → `patientcases` (item key unverified).
        PATIENT_CASES, "documents/patientcase", "patientcases", ["patientcaseid", "documentid"], [], Clinical, false);
    feed!(
        /// `referringproviders` → `referringproviders` (item key unverified).
        REFERRING_PROVIDERS, "referringproviders", "referringproviders", ["referringproviderid"], [], Clinical, false);
    feed!(
        /// `referringprovidernumbers` → `referringprovidernumbers` (item key unverified).
        REFERRING_PROVIDER_NUMBERS, "referringprovidernumbers", "referringprovidernumbers", ["referringprovidernumberid", "referringproviderid"], [], Financial, false);
    feed!(
        /// `providernumbers` → `providernumbers` (item key unverified).
        PROVIDER_NUMBERS, "providernumbers", "providernumbers", ["providernumberid", "providerid"], [], Financial, false);
    feed!(
        /// `ccmenrollmentstatus` → `ccmenrollmentstatus` (item key unverified).
        CCM_ENROLLMENT_STATUS, "ccmenrollmentstatus", "ccmenrollmentstatus", ["patientid"], [], Clinical, false);
    feed!(
        /// `chargecodes` → `chargecodes` (item key unverified).
        CHARGE_CODES, "chargecodes", "chargecodes", ["chargecodeid", "procedurecode"], [], Financial, false);
    feed!(
        /// `visits` → `visits` (item key unverified).
        VISITS, "visits", "visits", ["visitid"], [], Clinical, false);
    feed!(
        /// `stays` → `stays` (item key unverified).
        STAYS, "stays", "stays", ["stayid"], [], Clinical, false);
    feed!(
        /// `surgerycases` → `surgerycases` (item key unverified).
        SURGERY_CASES, "surgerycases", "surgerycases", ["surgerycaseid"], [], Clinical, false);
    feed!(
        /// `orcase` → `orcases` (item key unverified).
        OR_CASES, "orcase", "orcases", ["orcaseid"], [], Clinical, false);

    /// Every feed of reference §7.
    pub const ALL: &'static [Feed] = &[
        Feed::APPOINTMENTS,
        Feed::PATIENTS,
        Feed::PROVIDERS,
        Feed::PRESCRIPTIONS,
        Feed::CLAIMS,
        Feed::PROBLEMS,
        Feed::ALLERGIES,
        Feed::MEDICATIONS,
        Feed::LAB_RESULTS,
        Feed::VACCINES,
        Feed::FAMILY_HISTORY,
        Feed::IMAGING_RESULTS,
        Feed::ORDERS,
        Feed::PATIENT_CASES,
        Feed::REFERRING_PROVIDERS,
        Feed::REFERRING_PROVIDER_NUMBERS,
        Feed::PROVIDER_NUMBERS,
        Feed::CCM_ENROLLMENT_STATUS,
        Feed::CHARGE_CODES,
        Feed::VISITS,
        Feed::STAYS,
        Feed::SURGERY_CASES,
        Feed::OR_CASES,
    ];

    /// A feed this crate does not list. Its events are unknown and its cadence is clinical.
    pub const fn custom(
        path: &'static str,
        item_key: &'static str,
        id_fields: &'static [&'static str],
    ) -> Feed {
        Feed {
            path,
            item_key,
            id_fields,
            version_fields: LASTMOD,
            events: &[],
            kind: FeedKind::Clinical,
            requires_department: false,
        }
    }

    /// The listed feed with this path.
    pub fn by_path(path: &str) -> Option<Feed> {
        Feed::ALL.iter().copied().find(|f| f.path == path)
    }

    /// The default cadence: 1–5 min for clinical feeds, 15–30 min for financial ones.
    pub fn default_interval(&self) -> PollInterval {
        match self.kind {
            FeedKind::Clinical => PollInterval {
                min: Duration::from_secs(60),
                max: Duration::from_secs(300),
            },
            FeedKind::Financial => PollInterval {
                min: Duration::from_secs(15 * 60),
                max: Duration::from_secs(30 * 60),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_feed_has_a_unique_path_and_defaults() {
        let mut paths: Vec<_> = Feed::ALL.iter().map(|f| f.path).collect();
        paths.sort_unstable();
        paths.dedup();
        assert_eq!(paths.len(), Feed::ALL.len());
        assert_eq!(
            Feed::by_path("chart/healthhistory/medication").map(|f| f.item_key),
            Some("medications")
        );
        assert_eq!(
            Feed::CLAIMS.default_interval().min,
            Duration::from_secs(900)
        );
        assert_eq!(
            Feed::APPOINTMENTS.default_interval().max,
            Duration::from_secs(300)
        );
    }

    #[test]
    fn interval_backs_off_and_caps() {
        let i = Feed::PATIENTS.default_interval();
        assert_eq!(i.after(0), Duration::from_secs(60));
        assert_eq!(i.after(1), Duration::from_secs(120));
        assert_eq!(i.after(2), Duration::from_secs(240));
        assert_eq!(i.after(3), Duration::from_secs(300));
        assert_eq!(i.after(40), Duration::from_secs(300));
    }
}
