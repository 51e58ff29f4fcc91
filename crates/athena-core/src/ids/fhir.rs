//! athena's FHIR logical ids and how they map to the proprietary ids.
//!
//! | FHIR id | meaning | canonical reference type |
//! |---|---|---|
//! | `a-{practice}.E-{patient}` | patient | `Patient` |
//! | `a-1.Practice-{practice}` | the practice as an organization | `Organization` |
//! | `a-{practice}.Department-{department}` | department | `Location` (also seen on `Organization`) |
//! | `a-{practice}.Provider-{provider}` | provider | `Practitioner` |
//! | `a-{practice}.Enc-{encounter}` | encounter | `Encounter` |
//! | `a-{practice}.CSG-{group}` | chart sharing group | `Organization` |
//! | `a-1.c-{practice}` | bulk-export group of the practice | `Group` |

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::{ChartSharingGroupId, DepartmentId, EncounterId, PatientId, PracticeId, ProviderId};
use crate::codec::{ParseError, ParseErrorKind, deserialize_from_str, parse_u64};

const EXPECTED: &str = "an athena FHIR id such as a-{practice}.E-{patient}";
const EXPECTED_REF: &str = "a FHIR reference such as Patient/a-{practice}.E-{patient}";

/// An athena FHIR logical id, typed.
///
/// | FHIR id | meaning | canonical reference type |
/// |---|---|---|
/// | `a-{practice}.E-{patient}` | patient | `Patient` |
/// | `a-1.Practice-{practice}` | the practice as an organization | `Organization` |
/// | `a-{practice}.Department-{department}` | department | `Location` (also seen on `Organization`) |
/// | `a-{practice}.Provider-{provider}` | provider | `Practitioner` |
/// | `a-{practice}.Enc-{encounter}` | encounter | `Encounter` |
/// | `a-{practice}.CSG-{group}` | chart sharing group | `Organization` |
/// | `a-1.c-{practice}` | bulk-export group of the practice | `Group` |
///
/// `Display` writes the id; `FromStr` is strict (exact prefixes and tags, ASCII digits, no
/// leading zeros, no surrounding text) so that parsing and writing are inverse, and its errors
/// are value-free. Serde uses the same string form.
///
/// ```
/// use athena_core::ids::{FhirId, PatientId, PracticeId};
///
/// let id: FhirId = "a-195900.E-60178".parse()?;
/// assert_eq!(id, FhirId::Patient { practice: PracticeId::new(195900), patient: PatientId::new(60178) });
/// assert_eq!(id.patient(), Some(PatientId::new(60178)));
///
/// let same = FhirId::from_reference("Patient/a-195900.E-60178")?;
/// assert_eq!(same, id);
/// assert_eq!(PracticeId::new(195900).ah_practice(), "Organization/a-1.Practice-195900");
/// # Ok::<(), athena_core::codec::ParseError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum FhirId {
    /// `a-{practice}.E-{patient}`.
    Patient {
        /// The practice.
        practice: PracticeId,
        /// The patient.
        patient: PatientId,
    },
    /// `a-1.Practice-{practice}`: the practice as an `Organization` (the `ah-practice` value).
    PracticeOrganization {
        /// The practice.
        practice: PracticeId,
    },
    /// `a-{practice}.Department-{department}`.
    Department {
        /// The practice.
        practice: PracticeId,
        /// The department.
        department: DepartmentId,
    },
    /// `a-{practice}.Provider-{provider}`.
    Provider {
        /// The practice.
        practice: PracticeId,
        /// The provider.
        provider: ProviderId,
    },
    /// `a-{practice}.Enc-{encounter}`.
    Encounter {
        /// The practice.
        practice: PracticeId,
        /// The encounter.
        encounter: EncounterId,
    },
    /// `a-{practice}.CSG-{group}`.
    ChartSharingGroup {
        /// The practice.
        practice: PracticeId,
        /// The chart sharing group.
        group: ChartSharingGroupId,
    },
    /// `a-1.c-{practice}`: the practice's bulk `$export` group.
    BulkGroup {
        /// The practice.
        practice: PracticeId,
    },
}

impl FhirId {
    /// Parses a FHIR id (same as `FromStr`).
    pub fn parse(s: &str) -> Result<Self, ParseError> {
        s.parse()
    }

    /// Parses a reference `{ResourceType}/{id}` such as `Patient/a-195900.E-60178`, checking
    /// that the resource type fits the id (see the table on [`FhirId`]; departments are
    /// accepted as `Location` or `Organization`, providers as `Practitioner` or
    /// `PractitionerRole`).
    pub fn from_reference(reference: &str) -> Result<Self, ParseError> {
        let malformed = ParseError::new(ParseErrorKind::Malformed, EXPECTED_REF);
        let (resource, id) = reference.split_once('/').ok_or(malformed)?;
        let id: FhirId = id
            .parse()
            .map_err(|e: ParseError| ParseError::new(e.kind(), EXPECTED_REF))?;
        let fits = match id {
            FhirId::Patient { .. } => resource == "Patient",
            FhirId::PracticeOrganization { .. } | FhirId::ChartSharingGroup { .. } => {
                resource == "Organization"
            }
            FhirId::Department { .. } => matches!(resource, "Location" | "Organization"),
            FhirId::Provider { .. } => matches!(resource, "Practitioner" | "PractitionerRole"),
            FhirId::Encounter { .. } => resource == "Encounter",
            FhirId::BulkGroup { .. } => resource == "Group",
        };
        if fits { Ok(id) } else { Err(malformed) }
    }

    /// The canonical reference, `{ResourceType}/{id}` (see the table on [`FhirId`]).
    pub fn to_reference(&self) -> String {
        format!("{}/{self}", self.resource_type())
    }

    /// The canonical FHIR resource type for this id.
    pub fn resource_type(&self) -> &'static str {
        match self {
            FhirId::Patient { .. } => "Patient",
            FhirId::PracticeOrganization { .. } | FhirId::ChartSharingGroup { .. } => {
                "Organization"
            }
            FhirId::Department { .. } => "Location",
            FhirId::Provider { .. } => "Practitioner",
            FhirId::Encounter { .. } => "Encounter",
            FhirId::BulkGroup { .. } => "Group",
        }
    }

    /// The practice the id belongs to.
    pub fn practice(&self) -> PracticeId {
        match *self {
            FhirId::Patient { practice, .. }
            | FhirId::PracticeOrganization { practice }
            | FhirId::Department { practice, .. }
            | FhirId::Provider { practice, .. }
            | FhirId::Encounter { practice, .. }
            | FhirId::ChartSharingGroup { practice, .. }
            | FhirId::BulkGroup { practice } => practice,
        }
    }

    /// The patient id, if this is a patient.
    pub fn patient(&self) -> Option<PatientId> {
        match *self {
            FhirId::Patient { patient, .. } => Some(patient),
            _ => None,
        }
    }

    /// The department id, if this is a department.
    pub fn department(&self) -> Option<DepartmentId> {
        match *self {
            FhirId::Department { department, .. } => Some(department),
            _ => None,
        }
    }

    /// The provider id, if this is a provider.
    pub fn provider(&self) -> Option<ProviderId> {
        match *self {
            FhirId::Provider { provider, .. } => Some(provider),
            _ => None,
        }
    }

    /// The encounter id, if this is an encounter.
    pub fn encounter(&self) -> Option<EncounterId> {
        match *self {
            FhirId::Encounter { encounter, .. } => Some(encounter),
            _ => None,
        }
    }

    /// The chart sharing group id, if this is a chart sharing group.
    pub fn chart_sharing_group(&self) -> Option<ChartSharingGroupId> {
        match *self {
            FhirId::ChartSharingGroup { group, .. } => Some(group),
            _ => None,
        }
    }
}

impl fmt::Display for FhirId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FhirId::Patient { practice, patient } => write!(f, "a-{practice}.E-{patient}"),
            FhirId::PracticeOrganization { practice } => write!(f, "a-1.Practice-{practice}"),
            FhirId::Department {
                practice,
                department,
            } => {
                write!(f, "a-{practice}.Department-{department}")
            }
            FhirId::Provider { practice, provider } => {
                write!(f, "a-{practice}.Provider-{provider}")
            }
            FhirId::Encounter {
                practice,
                encounter,
            } => write!(f, "a-{practice}.Enc-{encounter}"),
            FhirId::ChartSharingGroup { practice, group } => write!(f, "a-{practice}.CSG-{group}"),
            FhirId::BulkGroup { practice } => write!(f, "a-1.c-{practice}"),
        }
    }
}

impl FromStr for FhirId {
    type Err = ParseError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if s.is_empty() {
            return Err(ParseError::new(ParseErrorKind::Empty, EXPECTED));
        }
        let malformed = ParseError::new(ParseErrorKind::Malformed, EXPECTED);
        let number = |t: &str| parse_u64(t, true).ok_or(malformed);
        let rest = s.strip_prefix("a-").ok_or(malformed)?;
        let (prefix, rest) = rest.split_once('.').ok_or(malformed)?;
        let (tag, value) = rest.split_once('-').ok_or(malformed)?;
        let prefix = number(prefix)?;
        let value = number(value)?;
        let practice = PracticeId::new(prefix);
        let id = match tag {
            "Practice" if prefix == 1 => FhirId::PracticeOrganization {
                practice: PracticeId::new(value),
            },
            "c" if prefix == 1 => FhirId::BulkGroup {
                practice: PracticeId::new(value),
            },
            "E" => FhirId::Patient {
                practice,
                patient: PatientId::new(value),
            },
            "Department" => FhirId::Department {
                practice,
                department: DepartmentId::new(value),
            },
            "Provider" => FhirId::Provider {
                practice,
                provider: ProviderId::new(value),
            },
            "Enc" => FhirId::Encounter {
                practice,
                encounter: EncounterId::new(value),
            },
            "CSG" => FhirId::ChartSharingGroup {
                practice,
                group: ChartSharingGroupId::new(value),
            },
            _ => return Err(malformed),
        };
        Ok(id)
    }
}

impl Serialize for FhirId {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for FhirId {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserialize_from_str(deserializer, EXPECTED, str::parse)
    }
}

impl PracticeId {
    /// The practice as a FHIR `Organization` id, `a-1.Practice-{practice}`.
    pub const fn to_fhir_organization(self) -> FhirId {
        FhirId::PracticeOrganization { practice: self }
    }

    /// The practice's bulk `$export` group id, `a-1.c-{practice}`.
    pub const fn to_fhir_bulk_group(self) -> FhirId {
        FhirId::BulkGroup { practice: self }
    }

    /// The `ah-practice` search parameter value every FHIR request carries:
    /// `Organization/a-1.Practice-{practice}`.
    pub fn ah_practice(self) -> String {
        self.to_fhir_organization().to_reference()
    }
}

impl PatientId {
    /// This patient's FHIR id in `practice`, `a-{practice}.E-{patient}`.
    pub const fn to_fhir_id(self, practice: PracticeId) -> FhirId {
        FhirId::Patient {
            practice,
            patient: self,
        }
    }
}

impl DepartmentId {
    /// This department's FHIR id in `practice`, `a-{practice}.Department-{department}`.
    pub const fn to_fhir_id(self, practice: PracticeId) -> FhirId {
        FhirId::Department {
            practice,
            department: self,
        }
    }
}

impl ProviderId {
    /// This provider's FHIR id in `practice`, `a-{practice}.Provider-{provider}`.
    pub const fn to_fhir_id(self, practice: PracticeId) -> FhirId {
        FhirId::Provider {
            practice,
            provider: self,
        }
    }
}

impl EncounterId {
    /// This encounter's FHIR id in `practice`, `a-{practice}.Enc-{encounter}`.
    pub const fn to_fhir_id(self, practice: PracticeId) -> FhirId {
        FhirId::Encounter {
            practice,
            encounter: self,
        }
    }
}

impl ChartSharingGroupId {
    /// This chart sharing group's FHIR id in `practice`, `a-{practice}.CSG-{group}`.
    pub const fn to_fhir_id(self, practice: PracticeId) -> FhirId {
        FhirId::ChartSharingGroup {
            practice,
            group: self,
        }
    }
}
