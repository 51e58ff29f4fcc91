//! Typed FHIR searches with athena's rules built in.
//!
//! athenaOne refuses practice-wide searches of clinical resources: they need `patient` or
//! `_id`. Here that is a compile-time rule — a clinical search can only be started with
//! [`Search::for_patient`] or [`Search::by_id`]; [`Search::unscoped`] exists only for
//! administrative resources (Practitioner, Organization, Location, …), and a `Patient`
//! search starts from one of the combinations athena accepts ([`Search::patients_by_name`],
//! …).
//!
//! ```
//! use athena_fhir::r4::Observation;
//! use athena_fhir::search::{Search, Token};
//! let patient = athena_fhir::FhirPatientId::new("a-195900.E-1")?;
//! let s = Search::for_patient::<Observation>(&patient)
//!     .category(Token::code("vital-signs"))
//!     .date_ge("2024-01-01");
//! assert_eq!(s.resource_type(), "Observation");
//! // Search::unscoped::<Observation>() does not compile: Observation is clinical.
//! # Ok::<(), athena_fhir::FhirError>(())
//! ```
//!
//! An athena `PatientId` is not a FHIR patient id, and does not compile as one:
//!
//! ```compile_fail
//! use athena_fhir::search::Search;
//! let s = Search::for_patient::<athena_fhir::r4::Condition>(&athena_core::PatientId::new(1));
//! ```
//!
//! ```compile_fail
//! use athena_fhir::search::Search;
//! let s = Search::unscoped::<athena_fhir::r4::Observation>();
//! ```

use std::fmt;

use crate::r4;

/// A resource type that can be searched.
pub trait Searchable {
    /// The `resourceType`.
    const TYPE: &'static str;
}

/// A clinical resource: athena requires `patient` or `_id` to search it.
pub trait Clinical: Searchable {}

/// An administrative resource that may be searched without a patient.
pub trait Administrative: Searchable {}

/// What [`crate::FhirClient::search_stream`] yields: [`r4::Resource`] (every entry, as is)
/// or one resource type (`search_stream::<Condition>` yields `Condition`).
pub trait SearchResult: Sized + Send + 'static {
    /// The `resourceType` wanted, `None` for any.
    const WANTED: Option<&'static str>;
    /// The typed value, or the resource back when it is of another type.
    fn from_resource(resource: r4::Resource) -> Result<Self, r4::Resource>;
}

impl SearchResult for r4::Resource {
    const WANTED: Option<&'static str> = None;
    fn from_resource(resource: r4::Resource) -> Result<Self, r4::Resource> {
        Ok(resource)
    }
}

macro_rules! searchable {
    (clinical: $($c:ident),*; administrative: $($a:ident),*; other: $($o:ident),*) => {
        $(impl Searchable for r4::$c { const TYPE: &'static str = stringify!($c); }
          impl Clinical for r4::$c {})*
        $(impl Searchable for r4::$a { const TYPE: &'static str = stringify!($a); }
          impl Administrative for r4::$a {})*
        $(impl Searchable for r4::$o { const TYPE: &'static str = stringify!($o); })*
        $(searchable!(@result $c);)*
        $(searchable!(@result $a);)*
        $(searchable!(@result $o);)*
    };
    (@result $t:ident) => {
        impl SearchResult for r4::$t {
            const WANTED: Option<&'static str> = Some(stringify!($t));
            fn from_resource(resource: r4::Resource) -> Result<Self, r4::Resource> {
                match resource {
                    r4::Resource::$t(r) => Ok(*r),
                    other => Err(other),
                }
            }
        }
    };
}

searchable!(
    clinical: AllergyIntolerance, Appointment, CarePlan, CareTeam, Condition, Coverage, Device, DiagnosticReport,
        DocumentReference, Encounter, FamilyMemberHistory, Goal, Immunization, Media, MedicationDispense,
        MedicationRequest, Observation, Procedure, Provenance, QuestionnaireResponse, RelatedPerson,
        ServiceRequest, Specimen;
    administrative: Location, Medication, Organization, Practitioner, PractitionerRole, Questionnaire,
        Subscription;
    other: Patient, Binary, Group
);

/// A token search value: `system|code`, `code`, or `system|`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Token {
    system: Option<String>,
    code: Option<String>,
}

impl Token {
    /// Just a code (any system).
    pub fn code(code: impl Into<String>) -> Self {
        Self {
            system: None,
            code: Some(code.into()),
        }
    }

    /// A code in a system, e.g. `Token::system_code("http://loinc.org", "8867-4")`.
    pub fn system_code(system: impl Into<String>, code: impl Into<String>) -> Self {
        Self {
            system: Some(system.into()),
            code: Some(code.into()),
        }
    }

    /// Any code of a system (`system|`).
    pub fn system(system: impl Into<String>) -> Self {
        Self {
            system: Some(system.into()),
            code: None,
        }
    }
}

impl fmt::Display for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.system, &self.code) {
            (Some(s), Some(c)) => write!(f, "{s}|{c}"),
            (Some(s), None) => write!(f, "{s}|"),
            (None, Some(c)) => f.write_str(c),
            (None, None) => Ok(()),
        }
    }
}

impl From<&str> for Token {
    fn from(s: &str) -> Self {
        match s.split_once('|') {
            Some((sys, "")) => Self::system(sys),
            Some((sys, code)) => Self::system_code(sys, code),
            None => Self::code(s),
        }
    }
}

/// True when `s` is a FHIR logical id: 1 to 64 of `A-Z a-z 0-9 - .`.
pub(crate) fn is_fhir_id(s: &str) -> bool {
    (1..=64).contains(&s.len())
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.')
}

/// A FHIR `Patient` logical id, e.g. `a-195900.E-1`: what [`Search::for_patient`] and the
/// Bulk Data `patient` parameter take.
///
/// An athena [`PatientId`](athena_core::PatientId) is *not* a FHIR id (athena's FHIR server
/// names patient 1 of practice 195900 `a-195900.E-1`), so there is no conversion from it
/// without the practice: use [`FhirPatientId::athena`] (or `From<FhirId>` for a parsed
/// athena FHIR patient id).
///
/// ```
/// use athena_core::{PatientId, PracticeId};
/// use athena_fhir::FhirPatientId;
/// let p = FhirPatientId::athena(PracticeId::new(195900), PatientId::new(1));
/// assert_eq!(p.as_str(), "a-195900.E-1");
/// assert_eq!(FhirPatientId::new("Patient/a-195900.E-1")?, p);
/// assert!(FhirPatientId::new("a-195900.E-1&_count=1000").is_err());
/// # Ok::<(), athena_fhir::FhirError>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FhirPatientId(String);

impl FhirPatientId {
    /// A patient id from its logical id (`a-195900.E-1`) or reference (`Patient/a-195900.E-1`).
    /// Fails unless the id is a FHIR id (1–64 of `A-Z a-z 0-9 - .`); the error does not quote
    /// it.
    pub fn new(id: &str) -> crate::Result<Self> {
        let id = id.strip_prefix("Patient/").unwrap_or(id);
        if is_fhir_id(id) {
            Ok(Self(id.to_owned()))
        } else {
            Err(crate::error::Repr::InvalidSearch(
                "a FHIR patient id must be 1-64 of A-Z a-z 0-9 - .".into(),
            )
            .into())
        }
    }

    /// athena patient `patient` of `practice`: `a-{practice}.E-{patient}`.
    pub fn athena(practice: athena_core::PracticeId, patient: athena_core::PatientId) -> Self {
        Self(patient.to_fhir_id(practice).to_string())
    }

    /// The logical id.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// `Patient/{id}`.
    pub fn to_reference(&self) -> String {
        format!("Patient/{}", self.0)
    }
}

impl fmt::Display for FhirPatientId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<athena_core::FhirId> for FhirPatientId {
    type Error = crate::FhirError;
    /// Accepts only a patient id (`a-{practice}.E-{patient}`).
    fn try_from(id: athena_core::FhirId) -> crate::Result<Self> {
        match id {
            athena_core::FhirId::Patient { .. } => Ok(Self(id.to_string())),
            _ => Err(
                crate::error::Repr::InvalidSearch("the FHIR id is not a patient's".into()).into(),
            ),
        }
    }
}

/// A search request: a resource type and its parameters (in order). Build one with the
/// constructors below, which encode athena's required-parameter rules.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Search {
    resource_type: &'static str,
    params: Vec<(String, String)>,
}

impl Search {
    pub(crate) fn start(resource_type: &'static str) -> Self {
        Self {
            resource_type,
            params: Vec::new(),
        }
    }

    /// A clinical search for one patient (`patient={id}`). The id is a [`FhirPatientId`]:
    /// an athena [`PatientId`](athena_core::PatientId) cannot be passed by mistake.
    pub fn for_patient<R: Clinical>(patient: &FhirPatientId) -> Self {
        Self::start(R::TYPE).param("patient", patient)
    }

    /// A search by logical id (`_id=`), allowed for every type.
    pub fn by_id<R: Searchable>(id: impl fmt::Display) -> Self {
        Self::start(R::TYPE).param("_id", id)
    }

    /// A search of an administrative resource with no required parameter.
    pub fn unscoped<R: Administrative>() -> Self {
        Self::start(R::TYPE)
    }

    /// `Patient?identifier=`.
    pub fn patients_by_identifier(identifier: impl Into<Token>) -> Self {
        Self::start("Patient").param("identifier", identifier.into())
    }

    /// `Patient?name=`.
    pub fn patients_by_name(name: impl fmt::Display) -> Self {
        Self::start("Patient").param("name", name)
    }

    /// `Patient?family=&given=`.
    pub fn patients_by_family_and_given(
        family: impl fmt::Display,
        given: impl fmt::Display,
    ) -> Self {
        Self::start("Patient")
            .param("family", family)
            .param("given", given)
    }

    /// `Patient?family=&birthdate=`.
    pub fn patients_by_family_and_birthdate(
        family: impl fmt::Display,
        birthdate: impl fmt::Display,
    ) -> Self {
        Self::start("Patient")
            .param("family", family)
            .param("birthdate", birthdate)
    }

    /// `Patient?family=&gender=`.
    pub fn patients_by_family_and_gender(
        family: impl fmt::Display,
        gender: &r4::AdministrativeGender,
    ) -> Self {
        Self::start("Patient")
            .param("family", family)
            .param("gender", gender)
    }

    /// Any parameter (modifiers included, e.g. `code:text`). Repeating a name ANDs.
    pub fn param(mut self, name: impl Into<String>, value: impl fmt::Display) -> Self {
        self.params.push((name.into(), value.to_string()));
        self
    }

    /// `category=`.
    pub fn category(self, t: impl Into<Token>) -> Self {
        self.param("category", t.into())
    }

    /// `code=` (several codes are OR'ed with commas).
    pub fn code(self, t: impl Into<Token>) -> Self {
        self.param("code", t.into())
    }

    /// `code=` with several codes OR'ed.
    pub fn codes<I: IntoIterator<Item = Token>>(self, codes: I) -> Self {
        let v: Vec<String> = codes.into_iter().map(|t| t.to_string()).collect();
        self.param("code", v.join(","))
    }

    /// `type=`.
    pub fn type_(self, t: impl Into<Token>) -> Self {
        self.param("type", t.into())
    }

    /// `status=` (comma-separated values are OR'ed).
    pub fn status(self, status: impl fmt::Display) -> Self {
        self.param("status", status)
    }

    /// `clinical-status=`.
    pub fn clinical_status(self, t: impl Into<Token>) -> Self {
        self.param("clinical-status", t.into())
    }

    /// `intent=`.
    pub fn intent(self, intent: impl fmt::Display) -> Self {
        self.param("intent", intent)
    }

    /// `identifier=`.
    pub fn identifier(self, t: impl Into<Token>) -> Self {
        self.param("identifier", t.into())
    }

    /// `name=`.
    pub fn name(self, name: impl fmt::Display) -> Self {
        self.param("name", name)
    }

    /// `birthdate=`.
    pub fn birthdate(self, date: impl fmt::Display) -> Self {
        self.param("birthdate", date)
    }

    /// `gender=`.
    pub fn gender(self, gender: &r4::AdministrativeGender) -> Self {
        self.param("gender", gender)
    }

    /// `address=`.
    pub fn address(self, text: impl fmt::Display) -> Self {
        self.param("address", text)
    }

    /// `address-city=`.
    pub fn address_city(self, text: impl fmt::Display) -> Self {
        self.param("address-city", text)
    }

    /// `address-state=`.
    pub fn address_state(self, text: impl fmt::Display) -> Self {
        self.param("address-state", text)
    }

    /// `address-postalcode=`.
    pub fn address_postalcode(self, text: impl fmt::Display) -> Self {
        self.param("address-postalcode", text)
    }

    /// `specialty=`.
    pub fn specialty(self, t: impl Into<Token>) -> Self {
        self.param("specialty", t.into())
    }

    /// `practitioner=`.
    pub fn practitioner(self, reference: impl fmt::Display) -> Self {
        self.param("practitioner", reference)
    }

    /// `encounter=`.
    pub fn encounter(self, reference: impl fmt::Display) -> Self {
        self.param("encounter", reference)
    }

    /// `date=` with a FHIR prefix, e.g. `date("ge", "2024-01-01")`.
    pub fn date(self, prefix: &str, value: impl fmt::Display) -> Self {
        self.param("date", format!("{prefix}{value}"))
    }

    /// `date=ge…`.
    pub fn date_ge(self, value: impl fmt::Display) -> Self {
        self.date("ge", value)
    }

    /// `date=le…`.
    pub fn date_le(self, value: impl fmt::Display) -> Self {
        self.date("le", value)
    }

    /// `onset-date=` with a prefix.
    pub fn onset_date(self, prefix: &str, value: impl fmt::Display) -> Self {
        self.param("onset-date", format!("{prefix}{value}"))
    }

    /// `authoredon=` with a prefix.
    pub fn authored_on(self, prefix: &str, value: impl fmt::Display) -> Self {
        self.param("authoredon", format!("{prefix}{value}"))
    }

    /// `period=` with a prefix.
    pub fn period(self, prefix: &str, value: impl fmt::Display) -> Self {
        self.param("period", format!("{prefix}{value}"))
    }

    /// `_lastUpdated=` with a prefix.
    pub fn last_updated(self, prefix: &str, value: impl fmt::Display) -> Self {
        self.param("_lastUpdated", format!("{prefix}{value}"))
    }

    /// `_include=`.
    pub fn include(self, spec: impl fmt::Display) -> Self {
        self.param("_include", spec)
    }

    /// `_revinclude=` (e.g. `Provenance:target`).
    pub fn revinclude(self, spec: impl fmt::Display) -> Self {
        self.param("_revinclude", spec)
    }

    /// `_count=` (page size).
    pub fn count(self, n: u32) -> Self {
        self.param("_count", n)
    }

    /// The resource type searched.
    pub fn resource_type(&self) -> &'static str {
        self.resource_type
    }

    /// The parameters, in order (without `ah-practice`, which the client adds).
    pub fn params(&self) -> &[(String, String)] {
        &self.params
    }

    /// The names of the parameters, in order.
    pub fn param_names(&self) -> impl Iterator<Item = &str> {
        self.params.iter().map(|(k, _)| k.as_str())
    }
}
