//! Static vocabularies the generator draws from. Names are common given names and surnames
//! combined at random, so no record describes a real person; phone numbers use the fictional
//! 555-01xx range and e-mail addresses the reserved `example.com` domain.

pub(crate) const FEMALE_NAMES: &[&str] = &[
    "Mary",
    "Patricia",
    "Jennifer",
    "Linda",
    "Elizabeth",
    "Barbara",
    "Susan",
    "Jessica",
    "Sarah",
    "Karen",
    "Lisa",
    "Nancy",
    "Betty",
    "Sandra",
    "Margaret",
    "Ashley",
    "Kimberly",
    "Emily",
    "Donna",
    "Michelle",
    "Carol",
    "Amanda",
    "Melissa",
    "Deborah",
    "Stephanie",
    "Rebecca",
    "Laura",
    "Helen",
    "Sharon",
    "Cynthia",
    "Kathleen",
    "Amy",
    "Angela",
    "Anna",
    "Ruth",
    "Brenda",
    "Pamela",
    "Nicole",
    "Katherine",
    "Samantha",
    "Christine",
    "Emma",
    "Catherine",
    "Debra",
    "Virginia",
    "Rachel",
    "Carolyn",
    "Janet",
    "Maria",
    "Heather",
    "Diane",
    "Julie",
    "Joyce",
    "Victoria",
    "Olivia",
    "Kelly",
    "Christina",
    "Lauren",
    "Joan",
    "Evelyn",
    "Judith",
    "Megan",
    "Andrea",
    "Cheryl",
    "Hannah",
    "Jacqueline",
    "Martha",
    "Gloria",
    "Teresa",
    "Ann",
    "Sara",
    "Madison",
    "Frances",
    "Kathryn",
    "Janice",
    "Jean",
    "Abigail",
    "Alice",
    "Judy",
    "Sophia",
    "Grace",
];

pub(crate) const MALE_NAMES: &[&str] = &[
    "James",
    "Robert",
    "John",
    "Michael",
    "David",
    "William",
    "Richard",
    "Joseph",
    "Thomas",
    "Christopher",
    "Charles",
    "Daniel",
    "Matthew",
    "Anthony",
    "Mark",
    "Donald",
    "Steven",
    "Andrew",
    "Paul",
    "Joshua",
    "Kenneth",
    "Kevin",
    "Brian",
    "George",
    "Timothy",
    "Ronald",
    "Jason",
    "Edward",
    "Jeffrey",
    "Ryan",
    "Jacob",
    "Gary",
    "Nicholas",
    "Eric",
    "Jonathan",
    "Stephen",
    "Larry",
    "Justin",
    "Scott",
    "Brandon",
    "Benjamin",
    "Samuel",
    "Gregory",
    "Alexander",
    "Patrick",
    "Frank",
    "Raymond",
    "Jack",
    "Dennis",
    "Jerry",
    "Tyler",
    "Aaron",
    "Jose",
    "Adam",
    "Nathan",
    "Henry",
    "Zachary",
    "Douglas",
    "Peter",
    "Kyle",
    "Noah",
    "Ethan",
    "Jeremy",
    "Walter",
    "Christian",
    "Keith",
    "Roger",
    "Terry",
    "Austin",
    "Sean",
    "Gerald",
    "Carl",
    "Harold",
    "Dylan",
    "Arthur",
    "Lawrence",
    "Jordan",
    "Jesse",
    "Bryan",
    "Billy",
    "Bruce",
    "Gabriel",
    "Joe",
    "Logan",
];

pub(crate) const LAST_NAMES: &[&str] = &[
    "Smith",
    "Johnson",
    "Williams",
    "Brown",
    "Jones",
    "Garcia",
    "Miller",
    "Davis",
    "Rodriguez",
    "Martinez",
    "Hernandez",
    "Lopez",
    "Gonzalez",
    "Wilson",
    "Anderson",
    "Thomas",
    "Taylor",
    "Moore",
    "Jackson",
    "Martin",
    "Lee",
    "Perez",
    "Thompson",
    "White",
    "Harris",
    "Sanchez",
    "Clark",
    "Ramirez",
    "Lewis",
    "Robinson",
    "Walker",
    "Young",
    "Allen",
    "King",
    "Wright",
    "Scott",
    "Torres",
    "Nguyen",
    "Hill",
    "Flores",
    "Green",
    "Adams",
    "Nelson",
    "Baker",
    "Hall",
    "Rivera",
    "Campbell",
    "Mitchell",
    "Carter",
    "Roberts",
    "Gomez",
    "Phillips",
    "Evans",
    "Turner",
    "Diaz",
    "Parker",
    "Cruz",
    "Edwards",
    "Collins",
    "Reyes",
    "Stewart",
    "Morris",
    "Morales",
    "Murphy",
    "Cook",
    "Rogers",
    "Gutierrez",
    "Ortiz",
    "Morgan",
    "Cooper",
    "Peterson",
    "Bailey",
    "Reed",
    "Kelly",
    "Howard",
    "Ramos",
    "Kim",
    "Cox",
    "Ward",
    "Richardson",
    "Watson",
    "Brooks",
    "Chavez",
    "Wood",
    "James",
    "Bennett",
    "Gray",
    "Mendoza",
    "Ruiz",
    "Hughes",
    "Price",
    "Alvarez",
    "Castillo",
    "Sanders",
    "Patel",
    "Myers",
    "Long",
    "Ross",
    "Foster",
    "Jimenez",
    "Powell",
    "Jenkins",
    "Perry",
    "Russell",
    "Sullivan",
    "Bell",
    "Coleman",
    "Butler",
    "Henderson",
    "Barnes",
    "Gonzales",
    "Fisher",
    "Vasquez",
    "Simmons",
    "Romero",
    "Jordan",
    "Patterson",
    "Alexander",
    "Hamilton",
    "Graham",
];

pub(crate) const STREETS: &[&str] = &[
    "Main St",
    "Oak Ave",
    "Maple Dr",
    "Cedar Ln",
    "Pine St",
    "Elm St",
    "Washington Ave",
    "Lake Rd",
    "Hill St",
    "Park Ave",
    "Sunset Blvd",
    "River Rd",
    "Church St",
    "Highland Ave",
    "Forest Dr",
    "Meadow Ln",
    "Spring St",
    "Walnut St",
    "Chestnut St",
    "Willow Way",
];

/// Cities patients live in.
pub(crate) const CITIES: &[City] = &[
    City {
        name: "BOSTON",
        state: "MA",
        zip3: "021",
    },
    City {
        name: "WORCESTER",
        state: "MA",
        zip3: "016",
    },
    City {
        name: "PROVIDENCE",
        state: "RI",
        zip3: "029",
    },
    City {
        name: "HARTFORD",
        state: "CT",
        zip3: "061",
    },
    City {
        name: "MANCHESTER",
        state: "NH",
        zip3: "031",
    },
    City {
        name: "ALBANY",
        state: "NY",
        zip3: "122",
    },
    City {
        name: "ATLANTA",
        state: "GA",
        zip3: "303",
    },
    City {
        name: "CHICAGO",
        state: "IL",
        zip3: "606",
    },
    City {
        name: "DENVER",
        state: "CO",
        zip3: "802",
    },
    City {
        name: "PHOENIX",
        state: "AZ",
        zip3: "850",
    },
    City {
        name: "SEATTLE",
        state: "WA",
        zip3: "981",
    },
    City {
        name: "AUSTIN",
        state: "TX",
        zip3: "787",
    },
];

/// Departments, in id order (department `n` is row `(n - 1) % len`).
pub(crate) const DEPARTMENTS: &[Department] = &[
    Department {
        name: "SANDBOX FAMILY MEDICINE",
        city: "WATERTOWN",
        state: "MA",
        zip: "02472",
        timezone: "US/Eastern",
        utc_offset: -5,
    },
    Department {
        name: "SANDBOX CARDIOLOGY",
        city: "CHICAGO",
        state: "IL",
        zip: "60601",
        timezone: "US/Central",
        utc_offset: -6,
    },
    Department {
        name: "SANDBOX PEDIATRICS",
        city: "DENVER",
        state: "CO",
        zip: "80202",
        timezone: "US/Mountain",
        utc_offset: -7,
    },
    Department {
        name: "SANDBOX INTERNAL MEDICINE",
        city: "SEATTLE",
        state: "WA",
        zip: "98101",
        timezone: "US/Pacific",
        utc_offset: -8,
    },
    Department {
        name: "SANDBOX ORTHOPEDICS",
        city: "ATLANTA",
        state: "GA",
        zip: "30303",
        timezone: "US/Eastern",
        utc_offset: -5,
    },
];

/// Provider specialties.
pub(crate) const SPECIALTIES: &[Specialty] = &[
    Specialty {
        name: "Family Medicine",
        ansi_code: "207Q00000X",
        provider_type_id: "MD",
        provider_type: "MEDICAL DOCTOR",
    },
    Specialty {
        name: "Internal Medicine",
        ansi_code: "207R00000X",
        provider_type_id: "MD",
        provider_type: "MEDICAL DOCTOR",
    },
    Specialty {
        name: "Cardiology",
        ansi_code: "207RC0000X",
        provider_type_id: "MD",
        provider_type: "MEDICAL DOCTOR",
    },
    Specialty {
        name: "Pediatrics",
        ansi_code: "208000000X",
        provider_type_id: "DO",
        provider_type: "DOCTOR OF OSTEOPATHY",
    },
    Specialty {
        name: "Nurse Practitioner",
        ansi_code: "363L00000X",
        provider_type_id: "NP",
        provider_type: "NURSE PRACTITIONER",
    },
];

/// Payers.
pub(crate) const PAYERS: &[Payer] = &[
    Payer {
        name: "Aetna",
        plan: "AETNA CHOICE POS II",
        insurance_type: "Commercial",
        package_id: 1352,
        city: "EL PASO",
        state: "TX",
        zip: "79998-1106",
        phone: "(888) 632-3862",
    },
    Payer {
        name: "Blue Cross Blue Shield",
        plan: "BCBS PPO",
        insurance_type: "Commercial",
        package_id: 2101,
        city: "CHICAGO",
        state: "IL",
        zip: "60601-0001",
        phone: "(800) 555-0142",
    },
    Payer {
        name: "UnitedHealthcare",
        plan: "UHC CHOICE PLUS",
        insurance_type: "Commercial",
        package_id: 3310,
        city: "ATLANTA",
        state: "GA",
        zip: "30374-0800",
        phone: "(877) 555-0198",
    },
    Payer {
        name: "Cigna",
        plan: "CIGNA OPEN ACCESS PLUS",
        insurance_type: "Commercial",
        package_id: 4120,
        city: "CHATTANOOGA",
        state: "TN",
        zip: "37422-7215",
        phone: "(800) 555-0110",
    },
    Payer {
        name: "Medicare",
        plan: "MEDICARE PART B",
        insurance_type: "Medicare",
        package_id: 5001,
        city: "HINGHAM",
        state: "MA",
        zip: "02043-9124",
        phone: "(800) 555-0133",
    },
    Payer {
        name: "Medicaid",
        plan: "MASSHEALTH STANDARD",
        insurance_type: "Medicaid",
        package_id: 6002,
        city: "TAUNTON",
        state: "MA",
        zip: "02780-0500",
        phone: "(800) 555-0177",
    },
    Payer {
        name: "Humana",
        plan: "HUMANA GOLD PLUS HMO",
        insurance_type: "Medicare Advantage",
        package_id: 7105,
        city: "LOUISVILLE",
        state: "KY",
        zip: "40201-4601",
        phone: "(800) 555-0161",
    },
];

/// Problems (diagnoses).
pub(crate) const PROBLEMS: &[Problem] = &[
    Problem {
        name: "Essential hypertension",
        snomed: "59621000",
        icd10: "I10",
    },
    Problem {
        name: "Type 2 diabetes mellitus",
        snomed: "44054006",
        icd10: "E11.9",
    },
    Problem {
        name: "Hyperlipidemia",
        snomed: "55822004",
        icd10: "E78.5",
    },
    Problem {
        name: "Asthma",
        snomed: "195967001",
        icd10: "J45.909",
    },
    Problem {
        name: "Major depressive disorder",
        snomed: "370143000",
        icd10: "F32.9",
    },
    Problem {
        name: "Generalized anxiety disorder",
        snomed: "21897009",
        icd10: "F41.1",
    },
    Problem {
        name: "Gastroesophageal reflux disease",
        snomed: "235595009",
        icd10: "K21.9",
    },
    Problem {
        name: "Hypothyroidism",
        snomed: "40930008",
        icd10: "E03.9",
    },
    Problem {
        name: "Osteoarthritis of knee",
        snomed: "239873007",
        icd10: "M17.9",
    },
    Problem {
        name: "Chronic low back pain",
        snomed: "278860009",
        icd10: "M54.50",
    },
    Problem {
        name: "Obesity",
        snomed: "414916001",
        icd10: "E66.9",
    },
    Problem {
        name: "Insomnia",
        snomed: "193462001",
        icd10: "G47.00",
    },
    Problem {
        name: "Migraine",
        snomed: "37796009",
        icd10: "G43.909",
    },
    Problem {
        name: "Atrial fibrillation",
        snomed: "49436004",
        icd10: "I48.91",
    },
    Problem {
        name: "Chronic kidney disease stage 3",
        snomed: "433144002",
        icd10: "N18.30",
    },
];

/// Medications.
pub(crate) const MEDICATIONS: &[Medication] = &[
    Medication {
        description: "lisinopril 10 mg tablet",
        rxnorm: "314076",
        sig: "Take 1 tablet by mouth once daily",
        therapeutic_class: "ACE inhibitors",
    },
    Medication {
        description: "metformin 500 mg tablet",
        rxnorm: "861007",
        sig: "Take 1 tablet by mouth twice daily with meals",
        therapeutic_class: "Biguanides",
    },
    Medication {
        description: "atorvastatin 20 mg tablet",
        rxnorm: "617310",
        sig: "Take 1 tablet by mouth at bedtime",
        therapeutic_class: "Statins",
    },
    Medication {
        description: "albuterol sulfate HFA 90 mcg/actuation inhaler",
        rxnorm: "745679",
        sig: "Inhale 2 puffs every 4 hours as needed",
        therapeutic_class: "Beta agonists",
    },
    Medication {
        description: "sertraline 50 mg tablet",
        rxnorm: "312940",
        sig: "Take 1 tablet by mouth once daily",
        therapeutic_class: "SSRIs",
    },
    Medication {
        description: "omeprazole 20 mg capsule",
        rxnorm: "198053",
        sig: "Take 1 capsule by mouth before breakfast",
        therapeutic_class: "Proton pump inhibitors",
    },
    Medication {
        description: "levothyroxine 50 mcg tablet",
        rxnorm: "966222",
        sig: "Take 1 tablet by mouth every morning",
        therapeutic_class: "Thyroid hormones",
    },
    Medication {
        description: "amlodipine 5 mg tablet",
        rxnorm: "197361",
        sig: "Take 1 tablet by mouth once daily",
        therapeutic_class: "Calcium channel blockers",
    },
    Medication {
        description: "ibuprofen 400 mg tablet",
        rxnorm: "197805",
        sig: "Take 1 tablet by mouth every 6 hours as needed",
        therapeutic_class: "NSAIDs",
    },
    Medication {
        description: "apixaban 5 mg tablet",
        rxnorm: "1364445",
        sig: "Take 1 tablet by mouth twice daily",
        therapeutic_class: "Anticoagulants",
    },
];

/// Allergies.
pub(crate) const ALLERGIES: &[Allergy] = &[
    Allergy {
        name: "Penicillins",
        allergen_id: 10071,
        reaction: "hives",
        reaction_snomed: "247472004",
        severity: "moderate",
    },
    Allergy {
        name: "Sulfa (Sulfonamide Antibiotics)",
        allergen_id: 10171,
        reaction: "rash",
        reaction_snomed: "271807003",
        severity: "mild",
    },
    Allergy {
        name: "Peanut",
        allergen_id: 24640,
        reaction: "anaphylaxis",
        reaction_snomed: "39579001",
        severity: "severe",
    },
    Allergy {
        name: "Latex",
        allergen_id: 20281,
        reaction: "contact dermatitis",
        reaction_snomed: "40275004",
        severity: "mild",
    },
    Allergy {
        name: "Codeine",
        allergen_id: 10333,
        reaction: "nausea",
        reaction_snomed: "422587007",
        severity: "mild",
    },
    Allergy {
        name: "Shellfish",
        allergen_id: 24811,
        reaction: "swelling",
        reaction_snomed: "65124004",
        severity: "moderate",
    },
];

/// Lab analytes.
pub(crate) const LABS: &[LabAnalyte] = &[
    LabAnalyte {
        name: "Hemoglobin A1c",
        loinc: "4548-4",
        unit: "%",
        low: 4.0,
        high: 5.6,
        decimals: 1,
    },
    LabAnalyte {
        name: "Glucose",
        loinc: "2345-7",
        unit: "mg/dL",
        low: 70.0,
        high: 99.0,
        decimals: 0,
    },
    LabAnalyte {
        name: "LDL Cholesterol",
        loinc: "13457-7",
        unit: "mg/dL",
        low: 0.0,
        high: 99.0,
        decimals: 0,
    },
    LabAnalyte {
        name: "Creatinine",
        loinc: "2160-0",
        unit: "mg/dL",
        low: 0.6,
        high: 1.3,
        decimals: 2,
    },
    LabAnalyte {
        name: "Potassium",
        loinc: "2823-3",
        unit: "mmol/L",
        low: 3.5,
        high: 5.1,
        decimals: 1,
    },
    LabAnalyte {
        name: "Hemoglobin",
        loinc: "718-7",
        unit: "g/dL",
        low: 12.0,
        high: 17.5,
        decimals: 1,
    },
    LabAnalyte {
        name: "TSH",
        loinc: "3016-3",
        unit: "mIU/L",
        low: 0.4,
        high: 4.0,
        decimals: 2,
    },
    LabAnalyte {
        name: "Sodium",
        loinc: "2951-2",
        unit: "mmol/L",
        low: 136.0,
        high: 145.0,
        decimals: 0,
    },
];

/// Procedures (CPT).
pub(crate) const PROCEDURES: &[Procedure] = &[
    Procedure {
        cpt: "99213",
        description: "OFFICE O/P EST LOW 20 MIN",
        category: "Evaluation and Management",
        charge: "125",
    },
    Procedure {
        cpt: "99214",
        description: "OFFICE O/P EST MOD 30 MIN",
        category: "Evaluation and Management",
        charge: "185",
    },
    Procedure {
        cpt: "99203",
        description: "OFFICE O/P NEW LOW 30 MIN",
        category: "Evaluation and Management",
        charge: "160",
    },
    Procedure {
        cpt: "93000",
        description: "ELECTROCARDIOGRAM COMPLETE",
        category: "Cardiovascular",
        charge: "60",
    },
    Procedure {
        cpt: "80053",
        description: "COMPREHEN METABOLIC PANEL",
        category: "Chemistry",
        charge: "45",
    },
    Procedure {
        cpt: "83036",
        description: "HEMOGLOBIN GLYCOSYLATED A1C",
        category: "Chemistry",
        charge: "35",
    },
    Procedure {
        cpt: "96372",
        description: "THER/PROPH/DIAG INJ SC/IM",
        category: "Injections",
        charge: "40",
    },
    Procedure {
        cpt: "71046",
        description: "X-RAY EXAM CHEST 2 VIEWS",
        category: "Radiology",
        charge: "95",
    },
    Procedure {
        cpt: "73721",
        description: "MRI JNT OF LWR EXTRE W/O DYE",
        category: "Radiology",
        charge: "900",
    },
];

/// Appointment types.
pub(crate) const APPOINTMENT_TYPES: &[AppointmentType] = &[
    AppointmentType {
        id: 2,
        name: "Office Visit",
        duration: 30,
        patient_name: "Office Visit",
    },
    AppointmentType {
        id: 3,
        name: "New Patient",
        duration: 30,
        patient_name: "New Patient Visit",
    },
    AppointmentType {
        id: 4,
        name: "Follow Up",
        duration: 30,
        patient_name: "Follow-up Visit",
    },
    AppointmentType {
        id: 5,
        name: "Telehealth",
        duration: 30,
        patient_name: "Video Visit",
    },
    AppointmentType {
        id: 6,
        name: "Physical Exam",
        duration: 30,
        patient_name: "Annual Physical",
    },
];

/// Patient appointment reasons.
pub(crate) const REASONS: &[Reason] = &[
    Reason {
        reasonid: 1281,
        appointment_type_id: 2,
        description: "Sick visit",
    },
    Reason {
        reasonid: 1282,
        appointment_type_id: 3,
        description: "New patient consultation",
    },
    Reason {
        reasonid: 1283,
        appointment_type_id: 4,
        description: "Follow-up",
    },
    Reason {
        reasonid: 1284,
        appointment_type_id: 5,
        description: "Video visit",
    },
    Reason {
        reasonid: 1285,
        appointment_type_id: 6,
        description: "Annual physical",
    },
];

/// Inbox messages.
pub(crate) const MESSAGES: &[Message] = &[
    Message {
        subject: "Prescription refill",
        text: "Hi, I am almost out of my blood pressure pills. Could you send a refill to my pharmacy?",
        urgent: false,
    },
    Message {
        subject: "Lab results question",
        text: "I saw my lab results in the portal. Is my cholesterol number something to worry about?",
        urgent: false,
    },
    Message {
        subject: "Appointment question",
        text: "Can I move my appointment next week to a morning slot?",
        urgent: false,
    },
    Message {
        subject: "Chest pain",
        text: "I have had crushing chest pain for the last hour that goes down my left arm and I feel sweaty.",
        urgent: true,
    },
    Message {
        subject: "Billing question",
        text: "I received a bill for my last visit but I thought my insurance covered it.",
        urgent: false,
    },
    Message {
        subject: "Shortness of breath",
        text: "I can't catch my breath even sitting still and my lips look a little blue.",
        urgent: true,
    },
    Message {
        subject: "Medication side effect",
        text: "The new medication gives me a mild upset stomach. Should I keep taking it?",
        urgent: false,
    },
    Message {
        subject: "Feeling hopeless",
        text: "I have been thinking about ending my life and I don't know what to do.",
        urgent: true,
    },
    Message {
        subject: "Form request",
        text: "Could you fill out the school sports physical form for my son?",
        urgent: false,
    },
    Message {
        subject: "Headache",
        text: "Sudden worst headache of my life started 20 minutes ago with a stiff neck.",
        urgent: true,
    },
    Message {
        subject: "Rash",
        text: "I have a small itchy rash on my arm since yesterday, no fever.",
        urgent: false,
    },
    Message {
        subject: "Referral",
        text: "I need a referral to a dermatologist for my insurance.",
        urgent: false,
    },
];

/// Vital signs.
pub(crate) const VITALS: &[Vital] = &[
    Vital {
        key: "VITALS.BLOODPRESSURE.SYSTOLIC",
        name: "Systolic blood pressure",
        unit: "mmHg",
        low: 105.0,
        high: 160.0,
        decimals: 0,
        loinc: "8480-6",
    },
    Vital {
        key: "VITALS.BLOODPRESSURE.DIASTOLIC",
        name: "Diastolic blood pressure",
        unit: "mmHg",
        low: 60.0,
        high: 100.0,
        decimals: 0,
        loinc: "8462-4",
    },
    Vital {
        key: "VITALS.PULSE.RATE",
        name: "Heart rate",
        unit: "bpm",
        low: 55.0,
        high: 105.0,
        decimals: 0,
        loinc: "8867-4",
    },
    Vital {
        key: "VITALS.TEMPERATURE",
        name: "Body temperature",
        unit: "F",
        low: 97.0,
        high: 99.8,
        decimals: 1,
        loinc: "8310-5",
    },
    Vital {
        key: "VITALS.WEIGHT",
        name: "Body weight",
        unit: "lb",
        low: 110.0,
        high: 260.0,
        decimals: 1,
        loinc: "29463-7",
    },
    Vital {
        key: "VITALS.HEIGHT",
        name: "Body height",
        unit: "in",
        low: 59.0,
        high: 76.0,
        decimals: 0,
        loinc: "8302-2",
    },
    Vital {
        key: "VITALS.O2SATURATION",
        name: "Oxygen saturation",
        unit: "%",
        low: 92.0,
        high: 100.0,
        decimals: 0,
        loinc: "59408-5",
    },
];

/// A row of [`CITIES`].
#[derive(Debug, Clone, Copy)]
pub(crate) struct City {
    /// City name, as athena upper-cases it.
    pub(crate) name: &'static str,
    /// Two-letter state.
    pub(crate) state: &'static str,
    /// The first three digits of its ZIP codes.
    pub(crate) zip3: &'static str,
}

/// A row of [`DEPARTMENTS`].
#[derive(Debug, Clone, Copy)]
pub(crate) struct Department {
    /// Department name.
    pub(crate) name: &'static str,
    /// City.
    pub(crate) city: &'static str,
    /// Two-letter state.
    pub(crate) state: &'static str,
    /// ZIP code.
    pub(crate) zip: &'static str,
    /// IANA-style zone name athena sends in `timezonename`.
    pub(crate) timezone: &'static str,
    /// Standard-time offset from UTC, in hours.
    pub(crate) utc_offset: i64,
}

/// A row of [`SPECIALTIES`].
#[derive(Debug, Clone, Copy)]
pub(crate) struct Specialty {
    /// Specialty name.
    pub(crate) name: &'static str,
    /// ANSI (NUCC taxonomy) code.
    pub(crate) ansi_code: &'static str,
    /// Provider type id (`MD`, `DO`, `NP`).
    pub(crate) provider_type_id: &'static str,
    /// Provider type name.
    pub(crate) provider_type: &'static str,
}

/// A row of [`PAYERS`].
#[derive(Debug, Clone, Copy)]
pub(crate) struct Payer {
    /// Payer name.
    pub(crate) name: &'static str,
    /// Insurance plan name.
    pub(crate) plan: &'static str,
    /// Insurance type (`Commercial`, `Medicare`…).
    pub(crate) insurance_type: &'static str,
    /// athena insurance package id.
    pub(crate) package_id: u64,
    /// Claims address: city.
    pub(crate) city: &'static str,
    /// Claims address: state.
    pub(crate) state: &'static str,
    /// Claims address: ZIP+4.
    pub(crate) zip: &'static str,
    /// Payer phone number.
    pub(crate) phone: &'static str,
}

/// A row of [`PROBLEMS`].
#[derive(Debug, Clone, Copy)]
pub(crate) struct Problem {
    /// Problem name.
    pub(crate) name: &'static str,
    /// SNOMED CT code.
    pub(crate) snomed: &'static str,
    /// ICD-10-CM code.
    pub(crate) icd10: &'static str,
}

/// A row of [`MEDICATIONS`].
#[derive(Debug, Clone, Copy)]
pub(crate) struct Medication {
    /// Medication description.
    pub(crate) description: &'static str,
    /// RxNorm code.
    pub(crate) rxnorm: &'static str,
    /// Directions (unstructured sig).
    pub(crate) sig: &'static str,
    /// Therapeutic class.
    pub(crate) therapeutic_class: &'static str,
}

/// A row of [`ALLERGIES`].
#[derive(Debug, Clone, Copy)]
pub(crate) struct Allergy {
    /// Allergen name.
    pub(crate) name: &'static str,
    /// athena allergen id.
    pub(crate) allergen_id: u64,
    /// Reaction name.
    pub(crate) reaction: &'static str,
    /// SNOMED CT code of the reaction.
    pub(crate) reaction_snomed: &'static str,
    /// Severity.
    pub(crate) severity: &'static str,
}

/// A row of [`LABS`].
#[derive(Debug, Clone, Copy)]
pub(crate) struct LabAnalyte {
    /// Analyte name.
    pub(crate) name: &'static str,
    /// LOINC code.
    pub(crate) loinc: &'static str,
    /// Unit.
    pub(crate) unit: &'static str,
    /// Low end of the reference range.
    pub(crate) low: f64,
    /// High end of the reference range.
    pub(crate) high: f64,
    /// Decimal places of a value.
    pub(crate) decimals: usize,
}

/// A row of [`PROCEDURES`].
#[derive(Debug, Clone, Copy)]
pub(crate) struct Procedure {
    /// CPT code.
    pub(crate) cpt: &'static str,
    /// Description.
    pub(crate) description: &'static str,
    /// Category.
    pub(crate) category: &'static str,
    /// Charge in dollars.
    pub(crate) charge: &'static str,
}

/// A row of [`APPOINTMENT_TYPES`].
#[derive(Debug, Clone, Copy)]
pub(crate) struct AppointmentType {
    /// Appointment type id.
    pub(crate) id: u64,
    /// Name.
    pub(crate) name: &'static str,
    /// Duration in minutes.
    pub(crate) duration: u64,
    /// Patient-facing name.
    pub(crate) patient_name: &'static str,
}

/// A row of [`REASONS`].
#[derive(Debug, Clone, Copy)]
pub(crate) struct Reason {
    /// Patient appointment reason id.
    pub(crate) reasonid: u64,
    /// The appointment type it books.
    pub(crate) appointment_type_id: u64,
    /// Description.
    pub(crate) description: &'static str,
}

/// A row of [`MESSAGES`].
#[derive(Debug, Clone, Copy)]
pub(crate) struct Message {
    /// Subject.
    pub(crate) subject: &'static str,
    /// Message text.
    pub(crate) text: &'static str,
    /// Whether it must be escalated.
    pub(crate) urgent: bool,
}

/// A row of [`VITALS`].
#[derive(Debug, Clone, Copy)]
pub(crate) struct Vital {
    /// Clinical element id.
    pub(crate) key: &'static str,
    /// Name.
    pub(crate) name: &'static str,
    /// Unit.
    pub(crate) unit: &'static str,
    /// Low end of the generated range.
    pub(crate) low: f64,
    /// High end of the generated range.
    pub(crate) high: f64,
    /// Decimal places of a value.
    pub(crate) decimals: usize,
    /// LOINC code.
    pub(crate) loinc: &'static str,
}
