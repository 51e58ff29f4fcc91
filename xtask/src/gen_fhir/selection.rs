//! What is generated: the resources athenahealth serves, and the largest value set turned into
//! an enum.

/// The resources the issue asks for, in output order.
pub(crate) const RESOURCES: &[&str] = &[
    "AllergyIntolerance",
    "Appointment",
    "Binary",
    "Bundle",
    "CapabilityStatement",
    "CarePlan",
    "CareTeam",
    "Condition",
    "Coverage",
    "Device",
    "DiagnosticReport",
    "DocumentReference",
    "Encounter",
    "FamilyMemberHistory",
    "Goal",
    "Group",
    "Immunization",
    "Location",
    "Media",
    "Medication",
    "MedicationDispense",
    "MedicationRequest",
    "Observation",
    "OperationOutcome",
    "Organization",
    "Parameters",
    "Patient",
    "Practitioner",
    "PractitionerRole",
    "Procedure",
    "Provenance",
    "Questionnaire",
    "QuestionnaireResponse",
    "RelatedPerson",
    "ServiceRequest",
    "Specimen",
    "Subscription",
];

/// Largest required-binding value set turned into an enum.
pub(crate) const MAX_ENUM_CODES: usize = 80;
