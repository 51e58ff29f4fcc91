//! Chart (clinical) models: problems, medications, allergies, vitals, labs, encounters.

use athena_core::codec::{AthenaDate, AthenaDateTime};
use athena_core::ids::{
    AppointmentId, DepartmentId, EncounterId, LabResultId, PatientId, ProblemId, ProviderId,
    VitalId,
};
use athena_core::phi::Phi;

use crate::de::model;

model! {
    /// A problem-list entry (`GET /chart/{patientid}/problems`, item key `problems`).
    pub struct Problem {
        /// Problem id.
        problemid: ProblemId,
        /// Display name.
        name: String,
        /// Code.
        code: String,
        /// Code set (`SNOMED`).
        codeset: String,
        /// Best-matching ICD-10 code.
        bestmatchicd10code: String,
        /// Last modified (ISO-8601 with offset).
        lastmodifieddatetime: AthenaDateTime,
        /// Last modified by.
        lastmodifiedby: String,
        /// History events.
        events: Vec<ProblemEvent>,
        /// Patient (on feeds).
        patientid: PatientId,
    }
}

model! {
    /// One event of a problem.
    pub struct ProblemEvent {
        /// `START`, `END`, …
        eventtype: String,
        /// Start date.
        startdate: AthenaDate,
        /// Onset date.
        onsetdate: AthenaDate,
        /// Created date.
        createddate: AthenaDate,
        /// Created by.
        createdby: String,
        /// Status (`CHRONIC`, `ACUTE`).
        status: String,
        /// Note.
        note: Phi<String>,
    }
}

model! {
    /// `POST /chart/{patientid}/problems` → `{"success":"true","problemid":…}`.
    pub struct ProblemCreated {
        /// Whether athena reported success.
        success: bool,
        /// The new problem id.
        problemid: ProblemId,
    }
}

model! {
    /// The medication list (`GET /chart/{patientid}/medications`): `medications` is an array
    /// of arrays, one inner array (history entries) per medication.
    pub struct MedicationList {
        /// Medications; each inner list is one medication's entries.
        medications: Vec<Vec<Medication>>,
        /// Whether "no medications reported" is set.
        nomedicationsreported: bool,
        /// Last updated.
        lastupdated: String,
        /// Whether download consent is needed.
        patientneedsdownloadconsent: bool,
        /// Whether download consent was given.
        patientdownloadconsent: bool,
        /// Section note.
        sectionnote: Phi<String>,
    }
}

model! {
    /// One medication entry.
    pub struct Medication {
        /// Medication id.
        medicationid: u64,
        /// Entry id (e.g. `H228145`).
        medicationentryid: String,
        /// Display name.
        medication: String,
        /// First DataBank id.
        fdbmedicationid: String,
        /// Whether discontinued.
        isdiscontinued: bool,
        /// Free-text sig.
        unstructuredsig: Phi<String>,
        /// Structured sig.
        structuredsig: serde_json::Value,
        /// Source.
        source: String,
        /// Prescriber.
        prescribedby: String,
        /// History events.
        events: Vec<serde_json::Value>,
    }
}

model! {
    /// The allergy list (`GET /chart/{patientid}/allergies`).
    pub struct AllergyList {
        /// Allergies.
        allergies: Vec<Allergy>,
        /// No known drug allergies.
        nkda: bool,
        /// Last updated.
        lastupdated: String,
        /// Section note.
        sectionnote: Phi<String>,
    }
}

model! {
    /// One allergy.
    pub struct Allergy {
        /// Allergen id.
        allergenid: u64,
        /// Allergen name.
        allergenname: String,
        /// Onset date.
        onsetdate: AthenaDate,
        /// Deactivated date.
        deactivatedate: AthenaDate,
        /// Note.
        note: Phi<String>,
        /// Reactions.
        reactions: Vec<serde_json::Value>,
        /// Concept type.
        allergyconcepttype: String,
    }
}

model! {
    /// A vital sign (`GET /chart/{patientid}/vitals`, item key `vitals`): `readings` is an
    /// array of arrays (one inner array per reading time).
    pub struct Vital {
        /// Abbreviation (`BP`, `Weight`, …).
        abbreviation: String,
        /// Key (`BLOODPRESSURE`).
        key: String,
        /// Ordering.
        ordering: u32,
        /// Readings.
        readings: Vec<Vec<VitalReading>>,
    }
}

model! {
    /// One vital reading.
    pub struct VitalReading {
        /// Reading id.
        vitalid: VitalId,
        /// Clinical element (`VITALS.BLOODPRESSURE.SYSTOLIC`).
        clinicalelementid: String,
        /// Value.
        value: Phi<String>,
        /// Unit.
        unit: String,
        /// Read date.
        readingtaken: AthenaDateTime,
        /// Created.
        createddate: AthenaDateTime,
        /// Source (`ENCOUNTER`).
        source: String,
        /// Source id.
        sourceid: u64,
    }
}

model! {
    /// `POST /chart/{patientid}/vitals` → `{"success":…,"vitalids":[…]}`.
    pub struct VitalsCreated {
        /// Whether athena reported success.
        success: bool,
        /// New vital ids.
        vitalids: Vec<serde_json::Value>,
    }
}

model! {
    /// A lab result (`GET /chart/{patientid}/labresults`, item key **`results`**).
    pub struct LabResult {
        /// Lab result id.
        labresultid: LabResultId,
        /// Description.
        description: String,
        /// Result date.
        labresultdate: AthenaDate,
        /// Result date-time.
        labresultdatetime: AthenaDateTime,
        /// Created.
        createddatetime: AthenaDateTime,
        /// LOINC.
        labresultloinc: String,
        /// Priority.
        priority: String,
        /// Ordering provider.
        providerid: ProviderId,
        /// Order id.
        orderid: u64,
        /// Whether a provider reviewed it (`"1"`/`"0"`).
        isreviewedbyprovider: bool,
        /// Note to the patient.
        labresultnote: Phi<String>,
        /// Internal note.
        internalnote: Phi<String>,
        /// Performing lab.
        performinglabname: String,
        /// Whether an attachment exists.
        attachmentexists: bool,
        /// Analytes.
        analytes: Vec<Analyte>,
    }
}

model! {
    /// One analyte of a lab result.
    pub struct Analyte {
        /// Analyte id.
        analyteid: u64,
        /// Name.
        analytename: String,
        /// Value.
        value: Phi<String>,
        /// Units.
        units: String,
        /// Reference range.
        referencerange: String,
        /// Abnormal flag.
        abnormalflag: String,
        /// LOINC.
        loinc: String,
        /// Date.
        analytedate: AthenaDate,
        /// Date-time.
        analytedatetime: AthenaDateTime,
        /// Description.
        description: String,
    }
}

model! {
    /// A clinical encounter (`GET /chart/{patientid}/encounters`, `GET /chart/encounter/{id}`).
    pub struct Encounter {
        /// Encounter id.
        encounterid: EncounterId,
        /// Appointment.
        appointmentid: AppointmentId,
        /// Patient.
        patientid: PatientId,
        /// Department.
        departmentid: DepartmentId,
        /// Provider.
        providerid: ProviderId,
        /// Date.
        encounterdate: AthenaDate,
        /// Type (`VISIT`, …).
        encountertype: String,
        /// Visit type.
        encountervisitname: String,
        /// Status (`OPEN`, `CLOSED`, …).
        status: String,
        /// Closed.
        closeddate: AthenaDateTime,
        /// Closed by.
        closeduser: String,
        /// Last updated (`lastupdated`).
        lastupdated: String,
        /// Diagnoses.
        diagnoses: Vec<serde_json::Value>,
    }
}

model! {
    /// `GET /chart/encounters/{encounterid}/summary` → `{"summaryhtml": "<html>…"}`.
    pub struct EncounterSummary {
        /// The rendered summary (PHI).
        summaryhtml: Phi<String>,
    }
}
