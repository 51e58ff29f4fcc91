//! athenahealth's documented test patients of the shared preview practice 195900 ("Testing in
//! Sandbox": patient ids 60178–60184, FHIR ids `a-195900.E-{id}`, last names `Sandboxtest`
//! and `Sandbox-Test`), so a search that works in athena's preview works here too.

use chrono::NaiveDate;

use super::patients::{Patient, gen_patient};

/// The practice that carries them.
pub(crate) const PRACTICE: u64 = 195_900;

/// One documented test patient. athena's page lists id, FHIR id, first and last name; the
/// date of birth and sex are not documented, so these are the sandbox's own choice.
#[derive(Debug, Clone, Copy)]
pub(crate) struct PreviewPatient {
    pub(crate) patientid: u64,
    pub(crate) firstname: &'static str,
    pub(crate) lastname: &'static str,
    pub(crate) sex: &'static str,
    /// `(year, month, day)`.
    pub(crate) dob: (i32, u32, u32),
}

/// The seven patients, as documented.
pub(crate) const PATIENTS: &[PreviewPatient] = &[
    PreviewPatient {
        patientid: 60178,
        firstname: "Donna",
        lastname: "Sandboxtest",
        sex: "F",
        dob: (1970, 4, 6),
    },
    PreviewPatient {
        patientid: 60179,
        firstname: "Eleana",
        lastname: "Sandboxtest",
        sex: "F",
        dob: (1985, 11, 23),
    },
    PreviewPatient {
        patientid: 60180,
        firstname: "Frankie",
        lastname: "Sandboxtest",
        sex: "M",
        dob: (1992, 2, 14),
    },
    PreviewPatient {
        patientid: 60181,
        firstname: "Anna",
        lastname: "Sandbox-Test",
        sex: "F",
        dob: (1963, 7, 30),
    },
    PreviewPatient {
        patientid: 60182,
        firstname: "Rebecca",
        lastname: "Sandbox-Test",
        sex: "F",
        dob: (1978, 9, 2),
    },
    PreviewPatient {
        patientid: 60183,
        firstname: "Gary",
        lastname: "Sandboxtest",
        sex: "M",
        dob: (1955, 1, 17),
    },
    PreviewPatient {
        patientid: 60184,
        firstname: "Dorrie",
        lastname: "Sandboxtest",
        sex: "F",
        dob: (2001, 5, 9),
    },
];

/// The full records of the test patients for `practice` (none outside 195900): the
/// documented names on an otherwise generated record (synthetic address, 555-01xx phones),
/// registered in department 1.
pub(crate) fn records(
    seed: u64,
    practice: u64,
    departments: u64,
    providers: u64,
    today: NaiveDate,
) -> Vec<Patient> {
    if practice != PRACTICE {
        return Vec::new();
    }
    PATIENTS
        .iter()
        .filter_map(|d| {
            let (y, m, day) = d.dob;
            let dob = NaiveDate::from_ymd_opt(y, m, day)?;
            let mut p = gen_patient(seed, practice, d.patientid, departments, providers, today);
            p.firstname = d.firstname.to_string();
            p.lastname = d.lastname.to_string();
            p.sex = d.sex.to_string();
            p.dob = dob;
            p.departmentid = 1;
            p.status = "active".into();
            p.email = format!(
                "{}.{}@example.com",
                d.firstname.to_lowercase(),
                d.lastname.to_lowercase().replace('-', "")
            );
            Some(p)
        })
        .collect()
}
