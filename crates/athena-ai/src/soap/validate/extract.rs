//! Typed claims out of free text: vitals by kind with units, qualitative statements,
//! medications with dose, route and frequency, allergies and "no known allergies", labs.
//!
//! The same extractor reads the chart's facts (they are text too), so a claim and the fact it
//! is compared with are understood the same way.

use std::ops::Range;

use super::lexicon::lexicon;
use super::text::{Norm, Token, normalize, tokenize};

/// The kind of a vital sign.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum VitalKind {
    /// Heart rate (pulse), beats per minute.
    HeartRate,
    /// Systolic blood pressure, mmHg.
    Systolic,
    /// Diastolic blood pressure, mmHg.
    Diastolic,
    /// Respiratory rate, breaths per minute.
    RespiratoryRate,
    /// Body temperature (°F or °C).
    Temperature,
    /// Oxygen saturation, %.
    SpO2,
    /// Body weight (lb or kg).
    Weight,
    /// Body height (in or cm).
    Height,
    /// Body mass index, kg/m².
    Bmi,
}

impl VitalKind {
    /// A readable name.
    pub fn label(self) -> &'static str {
        match self {
            VitalKind::HeartRate => "heart rate",
            VitalKind::Systolic => "systolic blood pressure",
            VitalKind::Diastolic => "diastolic blood pressure",
            VitalKind::RespiratoryRate => "respiratory rate",
            VitalKind::Temperature => "temperature",
            VitalKind::SpO2 => "oxygen saturation",
            VitalKind::Weight => "weight",
            VitalKind::Height => "height",
            VitalKind::Bmi => "BMI",
        }
    }
}

/// The unit a vital was written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VitalUnit {
    /// °F.
    Fahrenheit,
    /// °C.
    Celsius,
    /// Pounds.
    Pound,
    /// Kilograms.
    Kilogram,
    /// Inches.
    Inch,
    /// Centimetres.
    Centimeter,
    /// The kind's only unit (bpm, mmHg, /min, %, kg/m²), or none written.
    Default,
}

/// A vital sign stated with a value.
#[derive(Debug, Clone, PartialEq)]
pub struct VitalClaim {
    /// Which vital.
    pub kind: VitalKind,
    /// The value as written (in `unit`).
    pub value: f64,
    /// Decimals written (the claim's precision).
    pub decimals: u8,
    /// The unit written or inferred.
    pub unit: VitalUnit,
    /// False when the unit was written and the value is impossible in it (`98.4 C`).
    pub plausible: bool,
    /// Half the width of a written range ("88-90%" → 1, "in the 110s" → 5); 0 for a value.
    pub spread: f64,
    /// Byte range in the text.
    pub span: Range<usize>,
}

impl VitalClaim {
    /// The value in the kind's reference unit (°F, lb, in).
    pub fn canonical(&self) -> f64 {
        to_canonical(self.value, self.unit)
    }
}

pub(crate) fn to_canonical(v: f64, unit: VitalUnit) -> f64 {
    match unit {
        VitalUnit::Celsius => v * 9.0 / 5.0 + 32.0,
        VitalUnit::Kilogram => v / 0.453_592_37,
        VitalUnit::Centimeter => v / 2.54,
        _ => v,
    }
}

pub(crate) fn from_canonical(v: f64, unit: VitalUnit) -> f64 {
    match unit {
        VitalUnit::Celsius => (v - 32.0) * 5.0 / 9.0,
        VitalUnit::Kilogram => v * 0.453_592_37,
        VitalUnit::Centimeter => v * 2.54,
        _ => v,
    }
}

/// A qualitative statement about a vital sign.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Qualitative {
    /// "afebrile", "normothermic".
    Afebrile,
    /// "febrile".
    Febrile,
    /// "tachycardic".
    Tachycardic,
    /// "bradycardic".
    Bradycardic,
    /// "heart rate normal", "regular rate".
    NormalHeartRate,
    /// "normotensive", "BP normal", "hypertension controlled".
    Normotensive,
    /// "hypertensive", "BP elevated", "hypertension not at goal".
    Hypertensive,
    /// "hypotensive", "BP low".
    Hypotensive,
    /// "saturating well", "sats normal".
    NormalSaturation,
    /// "hypoxic", "desaturating".
    Hypoxic,
    /// "tachypneic".
    Tachypneic,
    /// "respiratory rate normal", "eupneic".
    NormalRespiratoryRate,
    /// "obese" (BMI ≥ 30).
    Obese,
    /// "overweight" (BMI ≥ 25).
    Overweight,
    /// "underweight" (BMI < 18.5).
    Underweight,
    /// "normal BMI".
    NormalBmi,
}

impl Qualitative {
    /// The vital it is judged by.
    pub fn kind(self) -> VitalKind {
        use Qualitative::*;
        match self {
            Afebrile | Febrile => VitalKind::Temperature,
            Tachycardic | Bradycardic | NormalHeartRate => VitalKind::HeartRate,
            Normotensive | Hypertensive | Hypotensive => VitalKind::Systolic,
            NormalSaturation | Hypoxic => VitalKind::SpO2,
            Tachypneic | NormalRespiratoryRate => VitalKind::RespiratoryRate,
            Obese | Overweight | Underweight | NormalBmi => VitalKind::Bmi,
        }
    }
    /// A readable name.
    pub fn label(self) -> &'static str {
        use Qualitative::*;
        match self {
            Afebrile => "afebrile",
            Febrile => "febrile",
            Tachycardic => "tachycardic",
            Bradycardic => "bradycardic",
            NormalHeartRate => "normal heart rate",
            Normotensive => "normal blood pressure",
            Hypertensive => "elevated blood pressure",
            Hypotensive => "low blood pressure",
            NormalSaturation => "normal oxygen saturation",
            Hypoxic => "hypoxic",
            Tachypneic => "tachypneic",
            NormalRespiratoryRate => "normal respiratory rate",
            Obese => "obese",
            Overweight => "overweight",
            Underweight => "underweight",
            NormalBmi => "normal BMI",
        }
    }
}

/// A qualitative claim ("afebrile", "not tachycardic").
#[derive(Debug, Clone, PartialEq)]
pub struct QualitativeClaim {
    /// What is said.
    pub what: Qualitative,
    /// "not …".
    pub negated: bool,
    /// Byte range in the text.
    pub span: Range<usize>,
}

/// A route of administration.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Route {
    /// By mouth.
    Oral,
    /// Under the tongue.
    Sublingual,
    /// Intravenous.
    Intravenous,
    /// Intramuscular.
    Intramuscular,
    /// Subcutaneous.
    Subcutaneous,
    /// Inhaled.
    Inhaled,
    /// On the skin.
    Topical,
    /// Through a patch.
    Transdermal,
    /// Rectal.
    Rectal,
    /// Nasal.
    Nasal,
    /// Into the eye.
    Ophthalmic,
    /// Into the ear.
    Otic,
    /// Vaginal.
    Vaginal,
}

/// A dose's dimension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DoseUnit {
    /// Mass, in milligrams (mcg and g are converted).
    Milligram,
    /// Units (insulin, heparin).
    Unit,
    /// Volume, millilitres.
    Milliliter,
    /// Milliequivalents.
    MilliEquivalent,
}

/// A dose: value in the unit's reference scale.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Dose {
    /// The amount (mg for masses).
    pub value: f64,
    /// Its dimension.
    pub unit: DoseUnit,
}

/// What a statement does with a medication.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MedAction {
    /// Named without a verb ("on metformin", a list).
    Mentioned,
    /// Continue, refill, taking.
    Continue,
    /// Start, prescribe, add, consider.
    Start,
    /// Increase, decrease, titrate.
    Change,
    /// Stop, hold, discontinue.
    Stop,
}

/// A medication claim.
#[derive(Debug, Clone, PartialEq)]
pub struct MedicationClaim {
    pub(crate) drug: usize,
    /// The generic name (brand names are normalised through the lexicon).
    pub generic: &'static str,
    /// The dose per administration, when written (`500 mg`).
    pub dose: Option<Dose>,
    pub(crate) dose_number: Option<f64>,
    pub(crate) bare_dose: Option<f64>,
    pub(crate) tablets: Option<f64>,
    /// The count per administration, when written (`2 puffs`, `1 tablet`).
    pub count: Option<f64>,
    /// Routes written (`PO`, `subcutaneously`).
    pub routes: Vec<Route>,
    /// Administrations per day, when written (`BID` → 2).
    pub per_day: Option<f64>,
    /// "as needed".
    pub as_needed: bool,
    /// The verb.
    pub action: MedAction,
    /// Byte range in the text (the drug name).
    pub span: Range<usize>,
}

/// An allergy claim ("allergic to penicillin (hives)").
#[derive(Debug, Clone, PartialEq)]
pub struct AllergyClaim {
    /// The allergen, normalised (`penicillin`, `sulfa`, `peanut`, or a generic drug name).
    pub allergen: String,
    /// The drug class, when the allergen is a drug.
    pub class: Option<&'static str>,
    /// The reaction, normalised (`hives`, `anaphylaxis`), when stated.
    pub reaction: Option<&'static str>,
    /// Byte range in the text.
    pub span: Range<usize>,
}

/// The level a lab value is said to have.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LabLevel {
    /// Within the reference range.
    Normal,
    /// Above it.
    High,
    /// Below it.
    Low,
    /// Outside it.
    Abnormal,
}

/// A lab value claim ("A1c 7.4%").
#[derive(Debug, Clone, PartialEq)]
pub struct LabClaim {
    /// The analyte, normalised (`a1c`, `ldl`, `creatinine`).
    pub analyte: &'static str,
    /// The value written.
    pub value: f64,
    /// Decimals written.
    pub decimals: u8,
    /// Byte range in the text.
    pub span: Range<usize>,
}

/// A lab level claim ("creatinine elevated", "TSH normal").
#[derive(Debug, Clone, PartialEq)]
pub struct LabLevelClaim {
    /// The analyte, normalised.
    pub analyte: &'static str,
    /// The level.
    pub level: LabLevel,
    /// "not elevated".
    pub negated: bool,
    /// Byte range in the text.
    pub span: Range<usize>,
}

/// A typed claim found in a statement.
#[derive(Debug, Clone, PartialEq)]
pub enum Claim {
    /// A vital sign with a value ("BP 120/80" gives two).
    Vital(VitalClaim),
    /// A qualitative statement about a vital sign.
    Qualitative(QualitativeClaim),
    /// A medication.
    Medication(MedicationClaim),
    /// An allergy.
    Allergy(AllergyClaim),
    /// "NKDA", "no known drug allergies" (the byte range).
    NoKnownAllergies(Range<usize>),
    /// A lab value.
    Lab(LabClaim),
    /// A lab level.
    LabLevel(LabLevelClaim),
}

impl Claim {
    /// The byte range of the claim in its text.
    pub fn span(&self) -> Range<usize> {
        match self {
            Claim::Vital(c) => c.span.clone(),
            Claim::Qualitative(c) => c.span.clone(),
            Claim::Medication(c) => c.span.clone(),
            Claim::Allergy(c) => c.span.clone(),
            Claim::NoKnownAllergies(s) => s.clone(),
            Claim::Lab(c) => c.span.clone(),
            Claim::LabLevel(c) => c.span.clone(),
        }
    }
    fn span_mut(&mut self) -> &mut Range<usize> {
        match self {
            Claim::Vital(c) => &mut c.span,
            Claim::Qualitative(c) => &mut c.span,
            Claim::Medication(c) => &mut c.span,
            Claim::Allergy(c) => &mut c.span,
            Claim::NoKnownAllergies(s) => s,
            Claim::Lab(c) => &mut c.span,
            Claim::LabLevel(c) => &mut c.span,
        }
    }
}

/// Text read for claims: normalised, tokenized.
pub(crate) struct Parsed {
    pub norm: Norm,
    pub toks: Vec<Token>,
}

impl Parsed {
    pub(crate) fn new(text: &str) -> Parsed {
        let norm = normalize(text);
        let toks = tokenize(&norm.text);
        Parsed { norm, toks }
    }

    /// Every number in the text with its decimals.
    pub(crate) fn numbers(&self) -> Vec<(f64, u8)> {
        self.toks.iter().filter_map(Token::num).collect()
    }

    /// Byte range in the normalised text of tokens `a..b`.
    fn span(&self, a: usize, b: usize) -> Range<usize> {
        let start = self.toks.get(a).map_or(0, |t| t.span.start);
        let end = self
            .toks
            .get(b.saturating_sub(1))
            .map_or(start, |t| t.span.end);
        start..end.max(start)
    }

    fn word(&self, i: usize) -> Option<&str> {
        self.toks.get(i).and_then(Token::word)
    }

    /// Matches `pat` as consecutive words at `i` (a hyphen may join them); the next index.
    fn words_at(&self, i: usize, pat: &[&str]) -> Option<usize> {
        let mut k = i;
        for (n, p) in pat.iter().enumerate() {
            if n > 0 && self.toks.get(k).is_some_and(|t| t.is('-') || t.is('/')) {
                k += 1;
            }
            if self.word(k)? != *p {
                return None;
            }
            k += 1;
        }
        Some(k)
    }

    /// The clause (token range) around token `i`.
    fn clause(&self, i: usize) -> Range<usize> {
        let mut a = i;
        while a > 0 && !self.toks[a - 1].ends_clause() {
            a -= 1;
        }
        let mut b = i;
        while b < self.toks.len() && !self.toks[b].ends_clause() {
            b += 1;
        }
        a..b
    }
}

/// Vital keywords (longest match wins).
const VITAL_KEYWORDS: &[(&[&str], Kw)] = &[
    (&["bp"], Kw::Bp),
    (&["blood", "pressure"], Kw::Bp),
    (&["blood", "pressures"], Kw::Bp),
    (&["nibp"], Kw::Bp),
    (&["systolic"], Kw::V(VitalKind::Systolic)),
    (
        &["systolic", "blood", "pressure"],
        Kw::V(VitalKind::Systolic),
    ),
    (&["systolic", "bp"], Kw::V(VitalKind::Systolic)),
    (&["sbp"], Kw::V(VitalKind::Systolic)),
    (&["diastolic"], Kw::V(VitalKind::Diastolic)),
    (
        &["diastolic", "blood", "pressure"],
        Kw::V(VitalKind::Diastolic),
    ),
    (&["diastolic", "bp"], Kw::V(VitalKind::Diastolic)),
    (&["dbp"], Kw::V(VitalKind::Diastolic)),
    (&["hr"], Kw::V(VitalKind::HeartRate)),
    (&["heart", "rate"], Kw::V(VitalKind::HeartRate)),
    (&["pulse"], Kw::V(VitalKind::HeartRate)),
    (&["pulse", "rate"], Kw::V(VitalKind::HeartRate)),
    (&["tachycardic"], Kw::V(VitalKind::HeartRate)),
    (&["bradycardic"], Kw::V(VitalKind::HeartRate)),
    (&["p"], Kw::Letter(VitalKind::HeartRate)),
    (&["rr"], Kw::V(VitalKind::RespiratoryRate)),
    (&["resp"], Kw::V(VitalKind::RespiratoryRate)),
    (&["resps"], Kw::V(VitalKind::RespiratoryRate)),
    (&["respirations"], Kw::V(VitalKind::RespiratoryRate)),
    (&["respiratory", "rate"], Kw::V(VitalKind::RespiratoryRate)),
    (&["respiration", "rate"], Kw::V(VitalKind::RespiratoryRate)),
    (&["resp", "rate"], Kw::V(VitalKind::RespiratoryRate)),
    (&["breathing", "rate"], Kw::V(VitalKind::RespiratoryRate)),
    (&["tachypneic"], Kw::V(VitalKind::RespiratoryRate)),
    (&["r"], Kw::Letter(VitalKind::RespiratoryRate)),
    (&["t"], Kw::Letter(VitalKind::Temperature)),
    (&["temp"], Kw::V(VitalKind::Temperature)),
    (&["temperature"], Kw::V(VitalKind::Temperature)),
    (&["body", "temperature"], Kw::V(VitalKind::Temperature)),
    (&["tmax"], Kw::V(VitalKind::Temperature)),
    (&["febrile"], Kw::V(VitalKind::Temperature)),
    (&["afebrile"], Kw::V(VitalKind::Temperature)),
    (&["spo2"], Kw::V(VitalKind::SpO2)),
    (&["sp02"], Kw::V(VitalKind::SpO2)),
    (&["o2", "sat"], Kw::V(VitalKind::SpO2)),
    (&["o2", "sats"], Kw::V(VitalKind::SpO2)),
    (&["o2", "saturation"], Kw::V(VitalKind::SpO2)),
    (&["sat"], Kw::V(VitalKind::SpO2)),
    (&["sats"], Kw::V(VitalKind::SpO2)),
    (&["saturation"], Kw::V(VitalKind::SpO2)),
    (&["oxygen", "saturation"], Kw::V(VitalKind::SpO2)),
    (&["pulse", "ox"], Kw::V(VitalKind::SpO2)),
    (&["pulse", "oximetry"], Kw::V(VitalKind::SpO2)),
    (&["pox"], Kw::V(VitalKind::SpO2)),
    (&["saturating"], Kw::V(VitalKind::SpO2)),
    (&["satting"], Kw::V(VitalKind::SpO2)),
    (&["hypoxic"], Kw::V(VitalKind::SpO2)),
    (&["wt"], Kw::V(VitalKind::Weight)),
    (&["weight"], Kw::V(VitalKind::Weight)),
    (&["weighs"], Kw::V(VitalKind::Weight)),
    (&["weighing"], Kw::V(VitalKind::Weight)),
    (&["body", "weight"], Kw::V(VitalKind::Weight)),
    (&["ht"], Kw::V(VitalKind::Height)),
    (&["height"], Kw::V(VitalKind::Height)),
    (&["body", "height"], Kw::V(VitalKind::Height)),
    (&["bmi"], Kw::V(VitalKind::Bmi)),
    (&["body", "mass", "index"], Kw::V(VitalKind::Bmi)),
];

#[derive(Debug, Clone, Copy)]
enum Kw {
    Bp,
    V(VitalKind),
    /// A one-letter keyword (`T 98.6 P 72 R 16`): the number must follow at once.
    Letter(VitalKind),
}

const FILLERS: &[&str] = &[
    "is",
    "was",
    "were",
    "are",
    "of",
    "at",
    "to",
    "today",
    "now",
    "currently",
    "measured",
    "noted",
    "reading",
    "recorded",
    "remains",
    "remained",
    "about",
    "approximately",
    "approx",
    "around",
    "elevated",
    "high",
    "low",
    "normal",
    "mildly",
    "slightly",
    "markedly",
    "on",
    "repeat",
    "recheck",
    "initial",
    "initially",
    "in",
    "clinic",
    "office",
    "the",
    "a",
    "an",
    "with",
    "by",
    "checked",
    "taken",
    "max",
    "tmax",
];

fn plausible(kind: VitalKind, canonical: f64) -> bool {
    let (lo, hi) = match kind {
        VitalKind::HeartRate => (20.0, 250.0),
        VitalKind::Systolic => (50.0, 300.0),
        VitalKind::Diastolic => (20.0, 200.0),
        VitalKind::RespiratoryRate => (4.0, 80.0),
        VitalKind::Temperature => (86.0, 113.0),
        VitalKind::SpO2 => (40.0, 100.0),
        VitalKind::Weight => (2.0, 800.0),
        VitalKind::Height => (10.0, 96.0),
        VitalKind::Bmi => (8.0, 90.0),
    };
    (lo..=hi).contains(&canonical)
}

/// Reads the unit after a vital's number at `k`: (unit, explicit, next index).
fn vital_unit(p: &Parsed, kind: VitalKind, k: usize) -> (VitalUnit, bool, usize) {
    let mut j = k;
    if p.toks.get(j).is_some_and(|t| t.is('°')) {
        j += 1;
    }
    let w = p.word(j);
    match kind {
        VitalKind::Temperature => {
            let mut unit = match w {
                Some("f" | "fahrenheit" | "degf") => Some(VitalUnit::Fahrenheit),
                Some("c" | "celsius" | "centigrade" | "degc") => Some(VitalUnit::Celsius),
                _ => None,
            };
            if unit.is_some() {
                return (unit.unwrap_or(VitalUnit::Default), true, j + 1);
            }
            if matches!(w, Some("degrees" | "deg" | "degree")) {
                let mut n = j + 1;
                if p.toks.get(n).is_some_and(|t| t.is('°')) {
                    n += 1;
                }
                unit = match p.word(n) {
                    Some("f" | "fahrenheit") => Some(VitalUnit::Fahrenheit),
                    Some("c" | "celsius" | "centigrade") => Some(VitalUnit::Celsius),
                    _ => None,
                };
                if let Some(u) = unit {
                    return (u, true, n + 1);
                }
                return (VitalUnit::Default, false, j + 1);
            }
            (VitalUnit::Default, false, k)
        }
        VitalKind::Weight => match w {
            Some("kg" | "kgs" | "kilograms" | "kilogram" | "kilos" | "kilo") => {
                (VitalUnit::Kilogram, true, j + 1)
            }
            Some("lb" | "lbs" | "pounds" | "pound") => (VitalUnit::Pound, true, j + 1),
            _ if p.toks.get(k).is_some_and(|t| t.is('#')) => (VitalUnit::Pound, true, k + 1),
            _ => (VitalUnit::Default, false, k),
        },
        VitalKind::Height => match w {
            Some("cm" | "centimeters" | "centimetres") => (VitalUnit::Centimeter, true, j + 1),
            Some("in" | "inches" | "inch") => (VitalUnit::Inch, true, j + 1),
            _ if p.toks.get(k).is_some_and(|t| t.is('"')) => (VitalUnit::Inch, true, k + 1),
            _ => (VitalUnit::Default, false, k),
        },
        _ => {
            let explicit = matches!(
                w,
                Some("bpm" | "mmhg" | "percent" | "breaths" | "beats" | "min")
            ) || p.toks.get(k).is_some_and(|t| t.is('%'));
            (
                VitalUnit::Default,
                explicit,
                if explicit { k + 1 } else { k },
            )
        }
    }
}

fn vital_claim(
    p: &Parsed,
    kind: VitalKind,
    num: usize,
    explicit_unit: Option<VitalUnit>,
) -> Option<(VitalClaim, usize)> {
    let (value, decimals) = p.toks.get(num)?.num()?;
    // Height as feet and inches: 5'8" or 5 ft 8 in.
    if kind == VitalKind::Height {
        let ft = p.toks.get(num + 1).is_some_and(|t| t.is('\''))
            || matches!(p.word(num + 1), Some("ft" | "feet" | "foot"));
        if ft && let Some((inches, _)) = p.toks.get(num + 2).and_then(Token::num) {
            let mut end = num + 3;
            if p.toks.get(end).is_some_and(|t| t.is('"') || t.is('\''))
                || matches!(p.word(end), Some("in" | "inches"))
            {
                end += 1;
            }
            let v = value * 12.0 + inches;
            return Some((
                VitalClaim {
                    kind,
                    value: v,
                    decimals: 0,
                    unit: VitalUnit::Inch,
                    plausible: plausible(kind, v),
                    spread: 0.0,
                    span: p.span(num, end),
                },
                end,
            ));
        }
    }
    // "in the 110s" (a decade) and "88-90%" (a range): the value is the middle, the spread
    // half the width.
    let mut value = value;
    let mut spread = 0.0;
    let mut after = num + 1;
    if p.word(after) == Some("s") && decimals == 0 && value >= 10.0 && value % 10.0 == 0.0 {
        value += 4.5;
        spread = 5.0;
        after += 1;
    } else if p.toks.get(after).is_some_and(|t| t.is('-'))
        && let Some((hi, _)) = p.toks.get(after + 1).and_then(Token::num)
        && hi > value
        && hi - value <= value * 0.5
    {
        spread = (hi - value) / 2.0;
        value = (value + hi) / 2.0;
        after += 2;
    }
    let (mut unit, explicit, end) = match explicit_unit {
        Some(u) => (u, true, after),
        None => vital_unit(p, kind, after),
    };
    if kind == VitalKind::Temperature && unit == VitalUnit::Default {
        unit = if value >= 80.0 {
            VitalUnit::Fahrenheit
        } else if (30.0..=45.0).contains(&value) {
            VitalUnit::Celsius
        } else {
            return None;
        };
    }
    let ok = match unit {
        VitalUnit::Default if matches!(kind, VitalKind::Weight | VitalKind::Height) => {
            // Unit not written: plausible in one of the two.
            let alt = if kind == VitalKind::Weight {
                VitalUnit::Kilogram
            } else {
                VitalUnit::Centimeter
            };
            plausible(kind, value) || plausible(kind, to_canonical(value, alt))
        }
        u => plausible(kind, to_canonical(value, u)),
    };
    if !ok && !explicit {
        return None;
    }
    Some((
        VitalClaim {
            kind,
            value,
            decimals,
            unit,
            plausible: ok,
            spread,
            span: p.span(num, end),
        },
        end,
    ))
}

fn longest_keyword(p: &Parsed, i: usize) -> Option<(Kw, usize)> {
    let mut best: Option<(Kw, usize)> = None;
    for (pat, kw) in VITAL_KEYWORDS {
        if let Some(end) = p.words_at(i, pat)
            && best.is_none_or(|(_, e)| end > e)
        {
            best = Some((*kw, end));
        }
    }
    best
}

fn vitals(p: &Parsed, out: &mut Vec<Claim>, used: &mut [bool]) {
    let n = p.toks.len();
    let mut i = 0;
    while i < n {
        let Some((kw, kw_end)) = longest_keyword(p, i) else {
            i += 1;
            continue;
        };
        // Skip fillers to the number.
        let mut j = kw_end;
        if matches!(kw, Kw::Letter(_)) && p.toks.get(j).is_some_and(|t| t.is(':') || t.is('=')) {
            j += 1;
        }
        if !matches!(kw, Kw::Letter(_)) {
            let mut skipped = 0;
            while j < n && skipped < 4 {
                let t = &p.toks[j];
                let filler = matches!(
                    t.tok,
                    super::text::Tok::Punct(':' | '=' | '-' | '~' | '(' | ',')
                ) || t.word().is_some_and(|w| FILLERS.contains(&w));
                if !filler {
                    break;
                }
                j += 1;
                skipped += 1;
            }
        }
        if j >= n || p.toks[j].num().is_none() || used[j] {
            i = kw_end;
            continue;
        }
        match kw {
            Kw::Bp => {
                let sep =
                    p.toks.get(j + 1).is_some_and(|t| t.is('/')) || p.word(j + 1) == Some("over");
                let dia = p.toks.get(j + 2).and_then(Token::num);
                if let (true, Some((d, dd)), Some((s, sd))) = (sep, dia, p.toks[j].num())
                    && plausible(VitalKind::Systolic, s)
                    && plausible(VitalKind::Diastolic, d)
                    && d < s
                {
                    let mut end = j + 3;
                    if p.word(end) == Some("mmhg") {
                        end += 1;
                    }
                    out.push(Claim::Vital(VitalClaim {
                        kind: VitalKind::Systolic,
                        value: s,
                        decimals: sd,
                        unit: VitalUnit::Default,
                        plausible: true,
                        spread: 0.0,
                        span: p.span(j, j + 1),
                    }));
                    out.push(Claim::Vital(VitalClaim {
                        kind: VitalKind::Diastolic,
                        value: d,
                        decimals: dd,
                        unit: VitalUnit::Default,
                        plausible: true,
                        spread: 0.0,
                        span: p.span(j + 2, j + 3),
                    }));
                    for u in used.iter_mut().take(end).skip(j) {
                        *u = true;
                    }
                    i = end;
                    continue;
                }
                i = kw_end;
            }
            Kw::V(kind) | Kw::Letter(kind) => {
                // A ratio right after is not this vital ("6/10").
                if p.toks.get(j + 1).is_some_and(|t| t.is('/'))
                    && p.toks.get(j + 2).and_then(Token::num).is_some()
                {
                    i = j + 3;
                    continue;
                }
                match vital_claim(p, kind, j, None) {
                    Some((claim, end)) => {
                        for u in used.iter_mut().take(end).skip(j) {
                            *u = true;
                        }
                        out.push(Claim::Vital(claim));
                        i = end;
                    }
                    // A value impossible for an explicit label ("RR 97", "HR 9") is a claim
                    // too, an impossible one; not after a one-letter label, nor "pulses 2+".
                    None if matches!(kw, Kw::V(_))
                        && !p.toks.get(j + 1).is_some_and(|t| t.is('+'))
                        && kind != VitalKind::Height =>
                    {
                        if let Some((v, d)) = p.toks[j].num() {
                            used[j] = true;
                            out.push(Claim::Vital(VitalClaim {
                                kind,
                                value: v,
                                decimals: d,
                                unit: VitalUnit::Default,
                                plausible: false,
                                spread: 0.0,
                                span: p.span(j, j + 1),
                            }));
                        }
                        i = j + 1;
                    }
                    None => i = j + 1,
                }
            }
        }
    }
    // Numbers whose unit alone says what they are.
    for j in 0..n {
        if used[j] || p.toks[j].num().is_none() {
            continue;
        }
        let w = p.word(j + 1);
        let degree = p.toks.get(j + 1).is_some_and(|t| t.is('°'));
        let found = if w == Some("bpm") {
            vital_claim(p, VitalKind::HeartRate, j, Some(VitalUnit::Default))
        } else if degree
            || matches!(w, Some("f" | "c" | "fahrenheit" | "celsius"))
            || (w == Some("degrees")
                && matches!(p.word(j + 2), Some("f" | "c" | "fahrenheit" | "celsius")))
        {
            vital_claim(p, VitalKind::Temperature, j, None).filter(|(c, _)| c.plausible)
        } else if (p.toks.get(j + 1).is_some_and(|t| t.is('%')) || w == Some("percent"))
            && (p.words_at(j + 2, &["ra"]).is_some()
                || p.words_at(j + 2, &["on", "ra"]).is_some()
                || p.words_at(j + 2, &["room", "air"]).is_some()
                || p.words_at(j + 2, &["on", "room", "air"]).is_some())
        {
            vital_claim(p, VitalKind::SpO2, j, Some(VitalUnit::Default))
                .filter(|(c, _)| c.plausible)
        } else if p.toks.get(j + 1).is_some_and(|t| t.is('/'))
            && p.word(j + 3) == Some("mmhg")
            && let (Some((s, sd)), Some((d, dd))) =
                (p.toks[j].num(), p.toks.get(j + 2).and_then(Token::num))
        {
            if plausible(VitalKind::Systolic, s) && plausible(VitalKind::Diastolic, d) && d < s {
                out.push(Claim::Vital(VitalClaim {
                    kind: VitalKind::Systolic,
                    value: s,
                    decimals: sd,
                    unit: VitalUnit::Default,
                    plausible: true,
                    spread: 0.0,
                    span: p.span(j, j + 1),
                }));
                out.push(Claim::Vital(VitalClaim {
                    kind: VitalKind::Diastolic,
                    value: d,
                    decimals: dd,
                    unit: VitalUnit::Default,
                    plausible: true,
                    spread: 0.0,
                    span: p.span(j + 2, j + 3),
                }));
                for u in used.iter_mut().take(j + 4).skip(j) {
                    *u = true;
                }
            }
            None
        } else {
            None
        };
        if let Some((claim, end)) = found {
            for u in used.iter_mut().take(end).skip(j) {
                *u = true;
            }
            out.push(Claim::Vital(claim));
        }
    }
    vitals_line(p, out, used);
}

/// A "Vitals: 132/84, 76, 16, 98.2F, 99%" line: unlabelled values in the usual order (blood
/// pressure, heart rate, respiratory rate, temperature, saturation). Only the plain numbers
/// left after the labelled and unit-bearing ones are read by position, and only when the
/// line labels no heart rate or respiratory rate itself.
fn vitals_line(p: &Parsed, out: &mut Vec<Claim>, used: &mut [bool]) {
    let n = p.toks.len();
    let mut i = 0;
    while i < n {
        let header = p
            .words_at(i, &["vital", "signs"])
            .or_else(|| p.words_at(i, &["vitals"]))
            .or_else(|| p.words_at(i, &["vs"]));
        let Some(start) = header else {
            i += 1;
            continue;
        };
        let clause = p.clause(start);
        let end = clause.end;
        let bytes = p.span(clause.start, end);
        let labelled = |k: VitalKind| {
            out.iter().any(|c| {
                matches!(c, Claim::Vital(v) if v.kind == k
                    && v.span.start >= bytes.start
                    && v.span.end <= bytes.end)
            })
        };
        let has_bp = labelled(VitalKind::Systolic);
        let positional_ok =
            !labelled(VitalKind::HeartRate) && !labelled(VitalKind::RespiratoryRate);
        let mut plain: Vec<usize> = Vec::new();
        let mut j = start;
        while j < end {
            if used[j] || p.toks[j].num().is_none() {
                j += 1;
                continue;
            }
            let next_is = |c: char| p.toks.get(j + 1).is_some_and(|t| t.is(c));
            if next_is('/')
                && let (Some((s, sd)), Some((d, dd))) =
                    (p.toks[j].num(), p.toks.get(j + 2).and_then(Token::num))
            {
                if !has_bp
                    && plausible(VitalKind::Systolic, s)
                    && plausible(VitalKind::Diastolic, d)
                    && d < s
                {
                    out.push(Claim::Vital(VitalClaim {
                        kind: VitalKind::Systolic,
                        value: s,
                        decimals: sd,
                        unit: VitalUnit::Default,
                        plausible: true,
                        spread: 0.0,
                        span: p.span(j, j + 1),
                    }));
                    out.push(Claim::Vital(VitalClaim {
                        kind: VitalKind::Diastolic,
                        value: d,
                        decimals: dd,
                        unit: VitalUnit::Default,
                        plausible: true,
                        spread: 0.0,
                        span: p.span(j + 2, j + 3),
                    }));
                }
                for u in used.iter_mut().take(j + 3).skip(j) {
                    *u = true;
                }
                j += 3;
                continue;
            }
            if next_is('%') {
                if let Some((c, e)) = vital_claim(p, VitalKind::SpO2, j, Some(VitalUnit::Default)) {
                    for u in used.iter_mut().take(e).skip(j) {
                        *u = true;
                    }
                    out.push(Claim::Vital(c));
                }
                j += 2;
                continue;
            }
            let sep = p.toks.get(j + 1).is_none_or(|t| {
                t.is(',') || t.is(';') || t.is('/') || t.ends_clause() || j + 1 >= end
            });
            if sep {
                plain.push(j);
            }
            j += 1;
        }
        if positional_ok {
            let kinds = [VitalKind::HeartRate, VitalKind::RespiratoryRate];
            for (k, idx) in kinds.iter().zip(plain.iter()) {
                if let Some((v, d)) = p.toks[*idx].num()
                    && plausible(*k, v)
                {
                    used[*idx] = true;
                    out.push(Claim::Vital(VitalClaim {
                        kind: *k,
                        value: v,
                        decimals: d,
                        unit: VitalUnit::Default,
                        plausible: true,
                        spread: 0.0,
                        span: p.span(*idx, idx + 1),
                    }));
                }
            }
        }
        i = end.max(i + 1);
    }
}

const QUALITATIVE: &[(&[&str], Qualitative)] = {
    use Qualitative::*;
    &[
        (&["afebrile"], Afebrile),
        (&["normothermic"], Afebrile),
        (&["temp", "normal"], Afebrile),
        (&["temperature", "normal"], Afebrile),
        (&["normal", "temperature"], Afebrile),
        (&["febrile"], Febrile),
        (&["pyrexic"], Febrile),
        (&["tachycardic"], Tachycardic),
        (&["tachycardia"], Tachycardic),
        (&["bradycardic"], Bradycardic),
        (&["bradycardia"], Bradycardic),
        (&["hr", "normal"], NormalHeartRate),
        (&["heart", "rate", "normal"], NormalHeartRate),
        (&["normal", "heart", "rate"], NormalHeartRate),
        (&["pulse", "normal"], NormalHeartRate),
        (&["normal", "rate"], NormalHeartRate),
        (&["regular", "rate"], NormalHeartRate),
        (&["rrr"], NormalHeartRate),
        (&["normotensive"], Normotensive),
        (&["bp", "normal"], Normotensive),
        (&["normal", "bp"], Normotensive),
        (&["blood", "pressure", "normal"], Normotensive),
        (&["normal", "blood", "pressure"], Normotensive),
        (&["bp", "controlled"], Normotensive),
        (&["blood", "pressure", "controlled"], Normotensive),
        (&["bp", "at", "goal"], Normotensive),
        (&["blood", "pressure", "at", "goal"], Normotensive),
        (&["bp", "wnl"], Normotensive),
        (&["bp", "within", "normal", "limits"], Normotensive),
        (&["htn", "controlled"], Normotensive),
        (&["hypertension", "controlled"], Normotensive),
        (&["htn", "at", "goal"], Normotensive),
        (&["hypertension", "at", "goal"], Normotensive),
        (&["controlled", "htn"], Normotensive),
        (&["controlled", "hypertension"], Normotensive),
        (&["hypertensive"], Hypertensive),
        (&["bp", "elevated"], Hypertensive),
        (&["elevated", "bp"], Hypertensive),
        (&["blood", "pressure", "elevated"], Hypertensive),
        (&["elevated", "blood", "pressure"], Hypertensive),
        (&["bp", "high"], Hypertensive),
        (&["high", "bp"], Hypertensive),
        (&["blood", "pressure", "high"], Hypertensive),
        (&["htn", "uncontrolled"], Hypertensive),
        (&["uncontrolled", "htn"], Hypertensive),
        (&["hypertension", "uncontrolled"], Hypertensive),
        (&["uncontrolled", "hypertension"], Hypertensive),
        (&["htn", "above", "goal"], Hypertensive),
        (&["hypertension", "above", "goal"], Hypertensive),
        (&["htn", "not", "at", "goal"], Hypertensive),
        (&["hypertension", "not", "at", "goal"], Hypertensive),
        (&["bp", "above", "goal"], Hypertensive),
        (&["bp", "not", "at", "goal"], Hypertensive),
        (&["blood", "pressure", "above", "goal"], Hypertensive),
        (&["blood", "pressure", "not", "at", "goal"], Hypertensive),
        (&["htn", "not", "controlled"], Hypertensive),
        (&["hypertension", "not", "controlled"], Hypertensive),
        (&["htn", "poorly", "controlled"], Hypertensive),
        (&["hypertension", "poorly", "controlled"], Hypertensive),
        (&["bp", "not", "controlled"], Hypertensive),
        (&["bp", "poorly", "controlled"], Hypertensive),
        (&["bp", "uncontrolled"], Hypertensive),
        (&["hypotensive"], Hypotensive),
        (&["bp", "low"], Hypotensive),
        (&["low", "bp"], Hypotensive),
        (&["blood", "pressure", "low"], Hypotensive),
        (&["saturating", "well"], NormalSaturation),
        (&["satting", "well"], NormalSaturation),
        (&["sats", "normal"], NormalSaturation),
        (&["sat", "normal"], NormalSaturation),
        (&["spo2", "normal"], NormalSaturation),
        (&["o2", "sat", "normal"], NormalSaturation),
        (&["normal", "oxygen", "saturation"], NormalSaturation),
        (&["oxygen", "saturation", "normal"], NormalSaturation),
        (&["oxygenating", "well"], NormalSaturation),
        (&["good", "saturation"], NormalSaturation),
        (&["good", "sats"], NormalSaturation),
        (&["well", "saturated"], NormalSaturation),
        (&["hypoxic"], Hypoxic),
        (&["hypoxemic"], Hypoxic),
        (&["hypoxia"], Hypoxic),
        (&["hypoxemia"], Hypoxic),
        (&["desaturating"], Hypoxic),
        (&["low", "sats"], Hypoxic),
        (&["low", "oxygen", "saturation"], Hypoxic),
        (&["tachypneic"], Tachypneic),
        (&["tachypnea"], Tachypneic),
        (&["tachypnoeic"], Tachypneic),
        (&["rr", "normal"], NormalRespiratoryRate),
        (&["respiratory", "rate", "normal"], NormalRespiratoryRate),
        (&["normal", "respiratory", "rate"], NormalRespiratoryRate),
        (&["resp", "rate", "normal"], NormalRespiratoryRate),
        (&["respirations", "normal"], NormalRespiratoryRate),
        (&["eupneic"], NormalRespiratoryRate),
        (&["obese"], Obese),
        (&["overweight"], Overweight),
        (&["underweight"], Underweight),
        (&["normal", "bmi"], NormalBmi),
        (&["bmi", "normal"], NormalBmi),
    ]
};

/// Words that may sit between the words of a qualitative phrase.
const SOFT: &[&str] = &[
    "is",
    "was",
    "are",
    "remains",
    "remained",
    "appears",
    "seems",
    "been",
    "has",
    "be",
    "well",
    "adequately",
    "reasonably",
    "fairly",
    "optimally",
    "currently",
    "today",
    "now",
    "still",
    "overall",
];

const NEGATIONS: &[&str] = &[
    "not", "no", "non", "without", "never", "isn", "wasn", "aren", "denies", "nor",
];

/// Word positions of a clause (numbers and punctuation left out).
fn clause_words(p: &Parsed, clause: Range<usize>) -> Vec<(usize, &str)> {
    clause.filter_map(|i| p.word(i).map(|w| (i, w))).collect()
}

/// Matches `pat` at word position `k` of `ws`, letting soft words sit between; the end.
fn phrase_at(ws: &[(usize, &str)], k: usize, pat: &[&str]) -> Option<usize> {
    let mut j = k;
    for (n, want) in pat.iter().enumerate() {
        loop {
            let (_, w) = *ws.get(j)?;
            if w == *want {
                break;
            }
            if n > 0 && SOFT.contains(&w) {
                j += 1;
                continue;
            }
            return None;
        }
        j += 1;
    }
    Some(j)
}

fn negated_before(ws: &[(usize, &str)], k: usize) -> bool {
    let mut seen = 0;
    let mut j = k;
    while j > 0 && seen < 3 {
        j -= 1;
        let w = ws[j].1;
        if SOFT.contains(&w) {
            continue;
        }
        if NEGATIONS.contains(&w) {
            return true;
        }
        seen += 1;
    }
    false
}

fn clauses(p: &Parsed) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut a = 0;
    for (i, t) in p.toks.iter().enumerate() {
        if t.ends_clause() {
            if a < i {
                out.push(a..i);
            }
            a = i + 1;
        }
    }
    if a < p.toks.len() {
        out.push(a..p.toks.len());
    }
    out
}

fn qualitative(p: &Parsed, out: &mut Vec<Claim>) {
    for clause in clauses(p) {
        let ws = clause_words(p, clause);
        let mut k = 0;
        while k < ws.len() {
            let mut best: Option<(usize, Qualitative)> = None;
            for (pat, what) in QUALITATIVE {
                if let Some(end) = phrase_at(&ws, k, pat)
                    && best.is_none_or(|(e, _)| end > e)
                {
                    best = Some((end, *what));
                }
            }
            match best {
                Some((end, what)) => {
                    out.push(Claim::Qualitative(QualitativeClaim {
                        what,
                        negated: negated_before(&ws, k),
                        span: p.span(ws[k].0, ws[end - 1].0 + 1),
                    }));
                    k = end;
                }
                None => k += 1,
            }
        }
    }
}

// ---------------------------------------------------------------- allergies

/// Allergens that are not (only) drugs of the lexicon: pattern → key.
const ALLERGENS: &[(&[&str], &str)] = &[
    (&["penicillins"], "penicillin"),
    (&["pcn"], "penicillin"),
    (&["sulfa"], "sulfa"),
    (&["sulfas"], "sulfa"),
    (&["sulfa", "drugs"], "sulfa"),
    (&["sulfonamide"], "sulfa"),
    (&["sulfonamides"], "sulfa"),
    (&["sulfonamide", "antibiotics"], "sulfa"),
    (&["peanut"], "peanut"),
    (&["peanuts"], "peanut"),
    (&["tree", "nut"], "tree nut"),
    (&["tree", "nuts"], "tree nut"),
    (&["nuts"], "tree nut"),
    (&["shellfish"], "shellfish"),
    (&["shrimp"], "shellfish"),
    (&["fish"], "fish"),
    (&["egg"], "egg"),
    (&["eggs"], "egg"),
    (&["milk"], "milk"),
    (&["dairy"], "milk"),
    (&["soy"], "soy"),
    (&["wheat"], "wheat"),
    (&["gluten"], "wheat"),
    (&["sesame"], "sesame"),
    (&["latex"], "latex"),
    (&["iodine"], "contrast"),
    (&["contrast"], "contrast"),
    (&["iodinated", "contrast"], "contrast"),
    (&["contrast", "dye"], "contrast"),
    (&["bee", "stings"], "insect sting"),
    (&["bee", "sting"], "insect sting"),
    (&["bees"], "insect sting"),
    (&["wasps"], "insect sting"),
    (&["cats"], "cat"),
    (&["cat", "dander"], "cat"),
    (&["dogs"], "dog"),
    (&["pollen"], "pollen"),
    (&["dust", "mites"], "dust"),
    (&["dust"], "dust"),
    (&["mold"], "mold"),
    (&["adhesive"], "adhesive"),
    (&["adhesive", "tape"], "adhesive"),
    (&["tape"], "adhesive"),
    (&["nickel"], "nickel"),
    (&["strawberries"], "strawberry"),
    (&["nsaids"], "nsaid"),
    (&["nsaid"], "nsaid"),
    (&["opioids"], "opioid"),
    (&["opiates"], "opioid"),
    (&["ace", "inhibitors"], "ace inhibitor"),
    (&["ace", "inhibitor"], "ace inhibitor"),
    (&["cephalosporins"], "cephalosporin"),
    (&["statins"], "statin"),
    (&["macrolides"], "macrolide"),
    (&["fluoroquinolones"], "fluoroquinolone"),
    (&["quinolones"], "fluoroquinolone"),
    (&["tetracyclines"], "tetracycline"),
];

const REACTIONS: &[(&[&str], &str)] = &[
    (&["hives"], "hives"),
    (&["urticaria"], "hives"),
    (&["rash"], "rash"),
    (&["rashes"], "rash"),
    (&["anaphylaxis"], "anaphylaxis"),
    (&["anaphylactic"], "anaphylaxis"),
    (&["swelling"], "swelling"),
    (&["angioedema"], "swelling"),
    (&["nausea"], "nausea"),
    (&["vomiting"], "vomiting"),
    (&["itching"], "itching"),
    (&["itch"], "itching"),
    (&["itchy"], "itching"),
    (&["pruritus"], "itching"),
    (&["contact", "dermatitis"], "dermatitis"),
    (&["dermatitis"], "dermatitis"),
    (&["photosensitivity"], "photosensitivity"),
    (&["wheezing"], "wheezing"),
    (&["bronchospasm"], "wheezing"),
    (&["shortness", "of", "breath"], "dyspnea"),
    (&["dyspnea"], "dyspnea"),
    (&["gi", "upset"], "gi upset"),
    (&["upset", "stomach"], "gi upset"),
    (&["diarrhea"], "gi upset"),
    (&["cough"], "cough"),
    (&["sjs"], "sjs"),
    (&["stevens", "johnson"], "sjs"),
    (&["headache"], "headache"),
    (&["dizziness"], "dizziness"),
    (&["myalgias"], "myalgia"),
    (&["myalgia"], "myalgia"),
];

const NKDA: &[&[&str]] = &[
    &["nkda"],
    &["nka"],
    &["nkma"],
    &["no", "known", "drug", "allergies"],
    &["no", "known", "drug", "allergy"],
    &["no", "known", "allergies"],
    &["no", "known", "allergy"],
    &["no", "known", "medication", "allergies"],
    &["no", "drug", "allergies"],
    &["no", "allergies"],
    &["denies", "allergies"],
    &["denies", "any", "allergies"],
    &["denies", "drug", "allergies"],
    &["allergies", "none"],
    &["allergies", "nkda"],
];

fn is_allergy_clause(p: &Parsed, clause: &Range<usize>) -> bool {
    clause.clone().any(|i| {
        p.word(i).is_some_and(|w| {
            w.starts_with("allerg") || w == "nkda" || w == "nka" || w.starts_with("intoleran")
        }) || (p.word(i) == Some("all") && p.toks.get(i + 1).is_some_and(|t| t.is(':')))
    })
}

fn match_table(
    p: &Parsed,
    i: usize,
    table: &[(&[&str], &'static str)],
) -> Option<(&'static str, usize)> {
    let mut best: Option<(&'static str, usize)> = None;
    for (pat, key) in table {
        if let Some(end) = p.words_at(i, pat)
            && best.is_none_or(|(_, e)| end > e)
        {
            best = Some((key, end));
        }
    }
    best
}

/// A drug name at token `i`: (drug id, next token).
pub(crate) fn drug_at(p: &Parsed, i: usize) -> Option<(usize, usize)> {
    p.word(i)?;
    let mut words: Vec<&str> = Vec::new();
    let mut idx: Vec<usize> = Vec::new();
    let mut k = i;
    while words.len() < 6 {
        match p.word(k) {
            Some(w) => {
                words.push(w);
                idx.push(k);
                k += 1;
            }
            None => {
                if p.toks.get(k).is_some_and(|t| t.is('-')) && p.word(k + 1).is_some() {
                    k += 1;
                    continue;
                }
                break;
            }
        }
    }
    let (id, n) = lexicon().match_at(&words)?;
    Some((id, idx[n - 1] + 1))
}

fn allergies(p: &Parsed, out: &mut Vec<Claim>, in_allergy: &mut [bool]) {
    for clause in clauses(p) {
        let ws = clause_words(p, clause.clone());
        // NKDA
        let mut k = 0;
        let mut nkda_done = false;
        while k < ws.len() {
            let hit = NKDA.iter().filter_map(|pat| phrase_at(&ws, k, pat)).max();
            if let Some(end) = hit {
                if !nkda_done {
                    out.push(Claim::NoKnownAllergies(p.span(ws[k].0, ws[end - 1].0 + 1)));
                    nkda_done = true;
                }
                k = end;
            } else {
                k += 1;
            }
        }
        if !is_allergy_clause(p, &clause) {
            continue;
        }
        for f in in_allergy.iter_mut().take(clause.end).skip(clause.start) {
            *f = true;
        }
        if nkda_done {
            continue;
        }
        // Allergens, each with the first reaction named before the next allergen.
        let mut found: Vec<(String, Option<&'static str>, usize, usize)> = Vec::new();
        let mut i = clause.start;
        while i < clause.end {
            if let Some((id, end)) = drug_at(p, i) {
                let d = lexicon().drug(id);
                found.push((d.generic.to_owned(), Some(d.class), i, end));
                i = end;
                continue;
            }
            if let Some((key, end)) = match_table(p, i, ALLERGENS) {
                found.push((key.to_owned(), None, i, end));
                i = end;
                continue;
            }
            i += 1;
        }
        for (n, (allergen, class, a, b)) in found.iter().enumerate() {
            let until = found.get(n + 1).map_or(clause.end, |f| f.2);
            let mut reaction = None;
            let mut j = *b;
            while j < until {
                if let Some((r, _)) = match_table(p, j, REACTIONS) {
                    reaction = Some(r);
                    break;
                }
                j += 1;
            }
            // "not allergic to", "no allergy to"
            let before: Vec<&str> = (clause.start..*a)
                .rev()
                .take(3)
                .filter_map(|x| p.word(x))
                .collect();
            if before.iter().any(|w| NEGATIONS.contains(w)) {
                continue;
            }
            out.push(Claim::Allergy(AllergyClaim {
                allergen: allergen.clone(),
                class: *class,
                reaction,
                span: p.span(*a, *b),
            }));
        }
    }
}

/// Allergens named anywhere in a text: drug generics of the lexicon and known allergens.
pub(crate) fn allergen_mentions(p: &Parsed) -> Vec<String> {
    let mut keys = Vec::new();
    let mut i = 0;
    while i < p.toks.len() {
        if let Some((id, end)) = drug_at(p, i) {
            keys.push(lexicon().drug(id).generic.to_owned());
            i = end;
        } else if let Some((key, end)) = match_table(p, i, ALLERGENS) {
            keys.push(key.to_owned());
            i = end;
        } else {
            i += 1;
        }
    }
    keys
}

/// The allergen keys named in an allergen name from the chart ("Sulfa (Sulfonamide
/// Antibiotics)" → `sulfa`), or its words when none is known.
pub(crate) fn allergen_keys(name: &str) -> Vec<String> {
    let p = Parsed::new(name);
    let mut keys = allergen_mentions(&p);
    if keys.is_empty() {
        let words: Vec<&str> = p.toks.iter().filter_map(Token::word).collect();
        if !words.is_empty() {
            keys.push(words.join(" "));
        }
    }
    keys
}

/// Every frequency written in a text (administrations per day).
pub(crate) fn all_frequencies(p: &Parsed) -> Vec<f64> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < p.toks.len() {
        if let Some((f, end)) = frequency_at(p, i) {
            out.push(f);
            i = end;
        } else {
            i += 1;
        }
    }
    out
}

/// The reactions named in a text.
pub(crate) fn reactions(text: &str) -> Vec<&'static str> {
    let p = Parsed::new(text);
    let mut out = Vec::new();
    let mut i = 0;
    while i < p.toks.len() {
        if let Some((r, end)) = match_table(&p, i, REACTIONS) {
            out.push(r);
            i = end;
        } else {
            i += 1;
        }
    }
    out
}

// ---------------------------------------------------------------- medications

fn action_word(w: &str) -> Option<Option<MedAction>> {
    // Some(None): a negation (the mention is not a claim of use).
    Some(Some(match w {
        "continue" | "continued" | "continues" | "continuing" | "cont" | "resume" | "resumed"
        | "refill" | "refilled" | "refills" | "renew" | "renewed" | "maintain" | "maintained"
        | "taking" | "takes" | "take" | "tolerating" | "using" | "uses" | "on" | "home" => {
            MedAction::Continue
        }
        "start" | "started" | "starting" | "begin" | "began" | "initiate" | "initiated" | "add"
        | "added" | "prescribe" | "prescribed" | "trial" | "rx" | "consider" | "considering"
        | "recommend" | "recommended" | "new" | "switch" | "switched" | "try" | "offer"
        | "offered" | "discuss" | "discussed" | "order" | "ordered" | "give" | "given" => {
            MedAction::Start
        }
        "increase" | "increased" | "increasing" | "uptitrate" | "titrate" | "titrated"
        | "double" | "doubled" | "decrease" | "decreased" | "reduce" | "reduced" | "lower"
        | "lowered" | "wean" | "taper" | "adjust" | "adjusted" | "change" | "changed" => {
            MedAction::Change
        }
        "stop" | "stopped" | "discontinue" | "discontinued" | "dc" | "hold" | "held"
        | "holding" | "off" | "cease" => MedAction::Stop,
        "not" | "no" | "denies" | "denied" | "never" | "avoid" | "avoiding" | "without" => {
            return Some(None);
        }
        _ => return None,
    }))
}

fn dose_unit(w: &str) -> Option<(DoseUnit, f64)> {
    Some(match w {
        "mg" | "mgs" | "milligram" | "milligrams" => (DoseUnit::Milligram, 1.0),
        "mcg" | "mcgs" | "microgram" | "micrograms" | "ug" | "µg" | "μg" => {
            (DoseUnit::Milligram, 0.001)
        }
        "g" | "gm" | "gram" | "grams" => (DoseUnit::Milligram, 1000.0),
        "unit" | "units" | "u" | "iu" => (DoseUnit::Unit, 1.0),
        "ml" | "milliliter" | "milliliters" | "millilitre" | "millilitres" | "cc" => {
            (DoseUnit::Milliliter, 1.0)
        }
        "meq" => (DoseUnit::MilliEquivalent, 1.0),
        _ => return None,
    })
}

/// Words after a drug's name that make it something other than a medication taken.
const NOT_TAKEN_AFTER: &[&str] = &[
    "dependence",
    "dependency",
    "use",
    "abuse",
    "level",
    "levels",
    "toxicity",
    "deficiency",
    "withdrawal",
    "induced",
    "overdose",
    "resistance",
    "exposure",
    "poisoning",
    "screen",
    "intolerance",
    "allergy",
];

/// Words before a drug's name that make it a lab or a condition.
const NOT_TAKEN_BEFORE: &[&str] = &["low", "serum", "free", "total", "high", "elevated"];

/// Release forms and salts written between a drug's name and its dose.
const FORM_WORDS: &[&str] = &[
    "er",
    "xr",
    "xl",
    "sr",
    "cr",
    "dr",
    "la",
    "ec",
    "odt",
    "hcl",
    "hydrochloride",
    "succinate",
    "tartrate",
    "sodium",
    "sulfate",
    "hfa",
    "succ",
    "tab",
    "tabs",
    "tablet",
    "cap",
    "caps",
];

fn solid_word(w: &str) -> bool {
    matches!(
        w,
        "tablet"
            | "tablets"
            | "tab"
            | "tabs"
            | "capsule"
            | "capsules"
            | "cap"
            | "caps"
            | "pill"
            | "pills"
    )
}

fn count_word(w: &str) -> bool {
    matches!(
        w,
        "tablet"
            | "tablets"
            | "tab"
            | "tabs"
            | "capsule"
            | "capsules"
            | "cap"
            | "caps"
            | "pill"
            | "pills"
            | "puff"
            | "puffs"
            | "spray"
            | "sprays"
            | "drop"
            | "drops"
            | "actuation"
            | "actuations"
            | "patch"
            | "patches"
            | "packet"
            | "packets"
            | "suppository"
            | "suppositories"
            | "softgel"
            | "softgels"
            | "lozenge"
            | "lozenges"
    )
}

fn route_at(p: &Parsed, i: usize) -> Option<(Route, usize)> {
    let w = p.word(i)?;
    let one = |r| Some((r, i + 1));
    match w {
        "po" | "oral" | "orally" => one(Route::Oral),
        "by" if p.word(i + 1) == Some("mouth") => Some((Route::Oral, i + 2)),
        "per" if p.word(i + 1) == Some("os") => Some((Route::Oral, i + 2)),
        "sl" | "sublingual" | "sublingually" => one(Route::Sublingual),
        "iv" | "intravenous" | "intravenously" | "ivp" | "ivpb" => one(Route::Intravenous),
        "im" | "intramuscular" | "intramuscularly" => one(Route::Intramuscular),
        "sc" | "sq" | "subq" | "subcut" | "subcutaneous" | "subcutaneously" => {
            one(Route::Subcutaneous)
        }
        "sub" if matches!(p.word(i + 1), Some("q" | "cut")) => Some((Route::Subcutaneous, i + 2)),
        "inhaled" | "inhale" | "inhalation" | "inh" | "nebulized" | "nebulizer" | "neb"
        | "nebs" | "inhaler" | "mdi" => one(Route::Inhaled),
        "topical" | "topically" => one(Route::Topical),
        "transdermal" | "transdermally" => one(Route::Transdermal),
        "pr" | "rectal" | "rectally" => one(Route::Rectal),
        "intranasal" | "intranasally" | "nasal" | "nasally" => one(Route::Nasal),
        "ophthalmic" => one(Route::Ophthalmic),
        "otic" => one(Route::Otic),
        "vaginal" | "vaginally" => one(Route::Vaginal),
        _ => None,
    }
}

/// Form words that imply a route when no route is written (chart facts only).
fn form_route(w: &str) -> Option<Route> {
    Some(match w {
        "tablet" | "tablets" | "capsule" | "capsules" | "tab" | "cap" | "solution"
        | "suspension" | "syrup" | "elixir" => Route::Oral,
        "hfa" | "handihaler" | "diskus" | "respimat" | "ellipta" | "puffs" | "puff" => {
            Route::Inhaled
        }
        "pen" | "syringe" => Route::Subcutaneous,
        "cream" | "ointment" | "lotion" | "gel" => Route::Topical,
        "patch" => Route::Transdermal,
        _ => return None,
    })
}

/// A frequency at token `i`: (administrations per day, next token).
fn frequency_at(p: &Parsed, i: usize) -> Option<(f64, usize)> {
    let w = p.word(i);
    let num = p.toks.get(i).and_then(Token::num);
    if let Some(w) = w {
        let fixed = match w {
            "daily" | "qd" | "qday" | "qdaily" | "od" | "qam" | "qpm" | "qhs" | "hs"
            | "nightly" | "qnight" | "q24h" | "qam." => Some(1.0),
            "bid" | "q12h" => Some(2.0),
            "tid" | "q8h" => Some(3.0),
            "qid" | "q6h" => Some(4.0),
            "qod" => Some(0.5),
            "weekly" | "qweek" | "qwk" => Some(1.0 / 7.0),
            "monthly" => Some(1.0 / 30.0),
            _ => None,
        };
        // "q4h", "q4hr", "q4-6h"
        let qh = w
            .strip_prefix('q')
            .and_then(|r| {
                r.strip_suffix("hrs")
                    .or(r.strip_suffix("hr"))
                    .or(r.strip_suffix('h'))
                    .or(Some(r))
            })
            .and_then(|n| n.parse::<f64>().ok())
            .filter(|h| *h >= 1.0 && *h <= 72.0);
        let phrases: &[(&[&str], f64)] = &[
            (&["once", "weekly"], 1.0 / 7.0),
            (&["once", "a", "week"], 1.0 / 7.0),
            (&["every", "week"], 1.0 / 7.0),
            (&["every", "other", "day"], 0.5),
            (&["once", "daily"], 1.0),
            (&["once", "a", "day"], 1.0),
            (&["once", "per", "day"], 1.0),
            (&["every", "day"], 1.0),
            (&["each", "day"], 1.0),
            (&["every", "morning"], 1.0),
            (&["each", "morning"], 1.0),
            (&["every", "evening"], 1.0),
            (&["every", "night"], 1.0),
            (&["at", "bedtime"], 1.0),
            (&["at", "night"], 1.0),
            (&["in", "the", "morning"], 1.0),
            (&["in", "the", "evening"], 1.0),
            (&["before", "breakfast"], 1.0),
            (&["with", "breakfast"], 1.0),
            (&["twice", "daily"], 2.0),
            (&["twice", "a", "day"], 2.0),
            (&["twice", "per", "day"], 2.0),
            (&["twice"], 2.0),
            (&["every", "hour"], 24.0),
        ];
        let mut best: Option<(f64, usize)> = None;
        for (pat, v) in phrases {
            if let Some(end) = p.words_at(i, pat)
                && best.is_none_or(|(_, e)| end > e)
            {
                best = Some((*v, end));
            }
        }
        if best.is_some() {
            return best;
        }
        if let Some(v) = fixed {
            return Some((v, i + 1));
        }
        if let Some(h) = qh {
            let mut end = i + 1;
            // q4-6h
            if p.toks.get(end).is_some_and(|t| t.is('-'))
                && p.toks.get(end + 1).and_then(Token::num).is_some()
            {
                end += 2;
                if matches!(p.word(end), Some("h" | "hr" | "hrs" | "hours")) {
                    end += 1;
                }
            }
            return Some((24.0 / h, end));
        }
        // "every 4 hours", "every 4 to 6 hours"
        if w == "every"
            && let Some((h, _)) = p.toks.get(i + 1).and_then(Token::num)
            && h > 0.0
        {
            let mut k = i + 2;
            if (p.word(k) == Some("to") || p.toks.get(k).is_some_and(|t| t.is('-')))
                && p.toks.get(k + 1).and_then(Token::num).is_some()
            {
                k += 2;
            }
            if matches!(p.word(k), Some("hours" | "hour" | "hrs" | "hr" | "h")) {
                return Some((24.0 / h, k + 1));
            }
            if matches!(p.word(k), Some("days")) {
                return Some((1.0 / h, k + 1));
            }
        }
        return None;
    }
    // "3 times a day", "3 times daily", "4x/day", "2x daily"
    let (n, _) = num?;
    let k = i + 1;
    let times = match p.word(k) {
        Some("times" | "x") => k + 1,
        _ => return None,
    };
    let per_day = [
        &["a", "day"][..],
        &["per", "day"],
        &["daily"],
        &["day"],
        &["a", "daily"],
    ];
    for pat in per_day {
        if let Some(end) = p.words_at(times, pat) {
            return Some((n, end));
        }
    }
    if p.toks.get(times).is_some_and(|t| t.is('/'))
        && matches!(p.word(times + 1), Some("day" | "d"))
    {
        return Some((n, times + 2));
    }
    None
}

fn as_needed_at(p: &Parsed, i: usize) -> bool {
    p.word(i) == Some("prn")
        || p.words_at(i, &["as", "needed"]).is_some()
        || p.words_at(i, &["as", "need"]).is_some()
}

/// Attributes of a medication read from tokens `range`.
#[derive(Debug, Default, Clone)]
pub(crate) struct MedAttrs {
    pub doses: Vec<Dose>,
    pub dose_numbers: Vec<f64>,
    pub counts: Vec<f64>,
    /// Counts of solid doses (tablets, capsules): a dose may be strength × this.
    pub tablets: Vec<f64>,
    pub routes: Vec<Route>,
    pub form_routes: Vec<Route>,
    pub per_day: Option<f64>,
    pub as_needed: bool,
    pub change_verb: bool,
}

pub(crate) fn med_attrs(p: &Parsed, range: Range<usize>) -> MedAttrs {
    let mut a = MedAttrs::default();
    let mut i = range.start;
    while i < range.end {
        // "1/2 tab"
        if let (Some((a_, _)), true, Some((b_, _))) = (
            p.toks[i].num(),
            p.toks.get(i + 1).is_some_and(|t| t.is('/')),
            p.toks.get(i + 2).and_then(Token::num),
        ) && b_ > 0.0
            && p.word(i + 3).is_some_and(count_word)
        {
            a.counts.push(a_ / b_);
            if p.word(i + 3).is_some_and(solid_word) {
                a.tablets.push(a_ / b_);
            }
            i += 4;
            continue;
        }
        if let Some((v, _)) = p.toks[i].num()
            && let Some(w) = p.word(i + 1)
        {
            if let Some((unit, scale)) = dose_unit(w) {
                a.doses.push(Dose {
                    value: v * scale,
                    unit,
                });
                a.dose_numbers.push(v);
            } else if count_word(w) {
                a.counts.push(v);
                if solid_word(w) {
                    a.tablets.push(v);
                }
            }
        }
        if let Some(w) = p.word(i) {
            if let Some(r) = form_route(w) {
                a.form_routes.push(r);
            }
            if matches!(action_word(w), Some(Some(MedAction::Change))) {
                a.change_verb = true;
            }
        }
        if as_needed_at(p, i) {
            a.as_needed = true;
        }
        if let Some((r, end)) = route_at(p, i) {
            a.routes.push(r);
            i = end;
            continue;
        }
        if a.per_day.is_none()
            && let Some((f, end)) = frequency_at(p, i)
        {
            a.per_day = Some(f);
            i = end;
            continue;
        }
        i += 1;
    }
    a
}

/// Drug mentions: (drug id, token range).
pub(crate) fn mentions(p: &Parsed) -> Vec<(usize, Range<usize>)> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < p.toks.len() {
        if let Some((id, end)) = drug_at(p, i) {
            out.push((id, i..end));
            i = end;
        } else {
            i += 1;
        }
    }
    out
}

fn medications(p: &Parsed, out: &mut Vec<Claim>, in_allergy: &[bool]) {
    let found = mentions(p);
    let mut last_action: Option<(usize, MedAction)> = None; // (clause start, action)
    for (n, (id, range)) in found.iter().enumerate() {
        if in_allergy.get(range.start).copied().unwrap_or(false) {
            continue;
        }
        // "nicotine dependence", "lithium level", "low testosterone", "heparin-induced":
        // the drug's name, not a claim that it is taken.
        let after = p.word(range.end).or_else(|| {
            p.toks
                .get(range.end)
                .filter(|t| t.is('-'))
                .and_then(|_| p.word(range.end + 1))
        });
        let before = range.start.checked_sub(1).and_then(|b| p.word(b));
        if after.is_some_and(|w| NOT_TAKEN_AFTER.contains(&w))
            || before.is_some_and(|w| NOT_TAKEN_BEFORE.contains(&w))
        {
            continue;
        }
        let clause = p.clause(range.start);
        let prev_end = found[..n]
            .iter()
            .rev()
            .map(|m| m.1.end)
            .find(|e| *e > clause.start)
            .unwrap_or(clause.start);
        // The nearest verb before the name (back to the previous drug or the clause start).
        let mut action: Option<Option<MedAction>> = None;
        let mut k = range.start;
        let mut looked = 0;
        while k > prev_end && looked < 8 {
            k -= 1;
            if let Some(w) = p.word(k) {
                looked += 1;
                if let Some(a) = action_word(w) {
                    action = Some(a);
                    break;
                }
            }
        }
        let action = match action {
            Some(None) => continue, // "not on warfarin", "avoid NSAIDs"
            Some(Some(a)) => a,
            None => match last_action {
                Some((c, a)) if c == clause.start => a,
                _ => MedAction::Mentioned,
            },
        };
        last_action = Some((clause.start, action));
        let next = found
            .get(n + 1)
            .map_or(clause.end, |m| m.1.start.min(clause.end));
        let end = next.min(range.end + 16).max(range.end);
        let attrs = med_attrs(p, range.end..end);
        // "allopurinol 300 daily", "Lasix 40": a number right after the name, unit left out.
        let bare_dose = if attrs.doses.is_empty() {
            let mut k = range.end;
            while k < end && p.word(k).is_some_and(|w| FORM_WORDS.contains(&w)) {
                k += 1;
            }
            p.toks
                .get(k)
                .filter(|_| k < end)
                .and_then(Token::num)
                .map(|(v, _)| v)
                .filter(|_| {
                    let next = p.toks.get(k + 1);
                    !next.is_some_and(|t| {
                        t.is('/')
                            || t.is('-')
                            || t.word()
                                .is_some_and(|w| count_word(w) || dose_unit(w).is_some())
                    })
                })
        } else {
            None
        };
        let action = if attrs.change_verb && action != MedAction::Start {
            MedAction::Change
        } else {
            action
        };
        out.push(Claim::Medication(MedicationClaim {
            drug: *id,
            generic: lexicon().drug(*id).generic,
            dose: attrs.doses.first().copied(),
            dose_number: attrs.dose_numbers.first().copied(),
            bare_dose,
            count: attrs.counts.first().copied(),
            tablets: attrs.tablets.first().copied(),
            routes: attrs.routes,
            per_day: attrs.per_day,
            as_needed: attrs.as_needed,
            action,
            span: p.span(range.start, range.end),
        }));
    }
}

// ---------------------------------------------------------------- labs

const ANALYTES: &[(&[&str], &str)] = &[
    (&["hemoglobin", "a1c"], "a1c"),
    (&["haemoglobin", "a1c"], "a1c"),
    (&["hgb", "a1c"], "a1c"),
    (&["hb", "a1c"], "a1c"),
    (&["hba1c"], "a1c"),
    (&["a1c"], "a1c"),
    (&["glycated", "hemoglobin"], "a1c"),
    (&["glycohemoglobin"], "a1c"),
    (&["ldl"], "ldl"),
    (&["ldl", "cholesterol"], "ldl"),
    (&["ldl", "c"], "ldl"),
    (&["hdl"], "hdl"),
    (&["hdl", "cholesterol"], "hdl"),
    (&["total", "cholesterol"], "total cholesterol"),
    (&["cholesterol"], "total cholesterol"),
    (&["triglycerides"], "triglycerides"),
    (&["trigs"], "triglycerides"),
    (&["glucose"], "glucose"),
    (&["blood", "glucose"], "glucose"),
    (&["fasting", "glucose"], "glucose"),
    (&["blood", "sugar"], "glucose"),
    (&["fasting", "blood", "sugar"], "glucose"),
    (&["creatinine"], "creatinine"),
    (&["cr"], "creatinine"),
    (&["creat"], "creatinine"),
    (&["potassium"], "potassium"),
    (&["k"], "potassium"),
    (&["sodium"], "sodium"),
    (&["na"], "sodium"),
    (&["hemoglobin"], "hemoglobin"),
    (&["haemoglobin"], "hemoglobin"),
    (&["hgb"], "hemoglobin"),
    (&["hb"], "hemoglobin"),
    (&["tsh"], "tsh"),
    (&["egfr"], "egfr"),
    (&["gfr"], "egfr"),
    (&["bun"], "bun"),
    (&["wbc"], "wbc"),
    (&["platelets"], "platelets"),
    (&["platelet", "count"], "platelets"),
    (&["plt"], "platelets"),
    (&["inr"], "inr"),
    (&["alt"], "alt"),
    (&["ast"], "ast"),
    (&["free", "t4"], "free t4"),
    (&["ft4"], "free t4"),
    (&["psa"], "psa"),
    (&["ferritin"], "ferritin"),
    (&["uric", "acid"], "uric acid"),
    (&["albumin"], "albumin"),
    (&["microalbumin"], "microalbumin"),
    (&["bnp"], "bnp"),
    (&["troponin"], "troponin"),
];

/// The analyte named at token `i`: (key, next token).
pub(crate) fn analyte_at(p: &Parsed, i: usize) -> Option<(&'static str, usize)> {
    match_table(p, i, ANALYTES)
}

fn level_word(w: &str) -> Option<LabLevel> {
    Some(match w {
        "normal" | "wnl" | "unremarkable" => LabLevel::Normal,
        "elevated" | "high" | "raised" | "increased" | "h" => LabLevel::High,
        "low" | "decreased" | "l" => LabLevel::Low,
        "abnormal" => LabLevel::Abnormal,
        _ => return None,
    })
}

const LAB_FILLERS: &[&str] = &[
    "is", "was", "of", "at", "level", "levels", "value", "result", "today", "now", "remains",
    "remained", "recent", "most", "has", "been", "mildly", "slightly", "up", "down", "still",
];

fn labs(p: &Parsed, out: &mut Vec<Claim>, in_med: &[bool]) {
    let n = p.toks.len();
    let mut i = 0;
    while i < n {
        if in_med.get(i).copied().unwrap_or(false) {
            i += 1;
            continue;
        }
        let Some((analyte, end)) = analyte_at(p, i) else {
            i += 1;
            continue;
        };
        let single_letter = end == i + 1 && p.word(i).is_some_and(|w| w.len() <= 2);
        // Level before: "elevated creatinine", "not elevated creatinine".
        if !single_letter
            && i > 0
            && let Some(level) = p.word(i - 1).filter(|w| w.len() > 1).and_then(level_word)
        {
            let negated = i >= 2 && p.word(i - 2).is_some_and(|w| NEGATIONS.contains(&w));
            out.push(Claim::LabLevel(LabLevelClaim {
                analyte,
                level,
                negated,
                span: p.span(i - 1, end),
            }));
        }
        // Value and level after.
        let mut j = end;
        let mut skipped = 0;
        let mut level_after: Option<(LabLevel, bool, usize)> = None;
        let mut negate_next = false;
        while j < n && skipped < 5 {
            let t = &p.toks[j];
            if let Some(w) = t.word() {
                if NEGATIONS.contains(&w) {
                    negate_next = true;
                } else if let Some(l) = level_word(w).filter(|_| w.len() > 1) {
                    level_after = Some((l, negate_next, j));
                } else if !LAB_FILLERS.contains(&w) {
                    break;
                }
            } else if !matches!(t.tok, super::text::Tok::Punct(':' | '=' | '-' | '~' | ',')) {
                break;
            }
            j += 1;
            skipped += 1;
        }
        if let Some((level, negated, at)) = level_after
            && !single_letter
        {
            out.push(Claim::LabLevel(LabLevelClaim {
                analyte,
                level,
                negated,
                span: p.span(i, at + 1),
            }));
        }
        if let Some((v, d)) = p.toks.get(j).and_then(Token::num) {
            // Not a dose ("potassium 20 mEq"), not a ratio.
            let unit = p.word(j + 1);
            let dose = unit.is_some_and(|u| dose_unit(u).is_some())
                && !p.toks.get(j + 2).is_some_and(|t| t.is('/'));
            let ratio = p.toks.get(j + 1).is_some_and(|t| t.is('/'))
                && p.toks.get(j + 2).and_then(Token::num).is_some();
            if !dose && !ratio {
                out.push(Claim::Lab(LabClaim {
                    analyte,
                    value: v,
                    decimals: d,
                    span: p.span(i, j + 1),
                }));
                // "(H)", "(L)" after the value and its unit; "…, which is normal".
                let mut k = j + 1;
                let mut negated = false;
                while k < n && k < j + 8 {
                    if p.toks[k].is('(')
                        && let Some(level) = p.word(k + 1).and_then(level_word)
                        && p.toks.get(k + 2).is_some_and(|t| t.is(')'))
                    {
                        out.push(Claim::LabLevel(LabLevelClaim {
                            analyte,
                            level,
                            negated: false,
                            span: p.span(k, k + 3),
                        }));
                        break;
                    }
                    if let Some(w) = p.word(k) {
                        if NEGATIONS.contains(&w) {
                            negated = true;
                        } else if let Some(level) = level_word(w).filter(|_| w.len() > 1) {
                            out.push(Claim::LabLevel(LabLevelClaim {
                                analyte,
                                level,
                                negated,
                                span: p.span(k, k + 1),
                            }));
                            break;
                        } else if !matches!(
                            w,
                            "which" | "that" | "is" | "was" | "and" | "it" | "still"
                        ) && dose_unit(w).is_none()
                            && !w.contains('/')
                            && !matches!(
                                w,
                                "dl" | "l" | "mmol" | "miu" | "iu" | "ml" | "min" | "meq"
                            )
                        {
                            break;
                        }
                    }
                    if p.toks[k].ends_clause()
                        || p.toks[k].num().is_some()
                        || analyte_at(p, k).is_some()
                    {
                        break;
                    }
                    k += 1;
                }
                i = j + 1;
                continue;
            }
        }
        i = end;
    }
}

/// Extracts the typed claims of `text`, spans in the normalised text.
pub(crate) fn claims_of(p: &Parsed) -> Vec<Claim> {
    let mut out = Vec::new();
    let mut used = vec![false; p.toks.len()];
    let mut in_allergy = vec![false; p.toks.len()];
    allergies(p, &mut out, &mut in_allergy);
    medications(p, &mut out, &in_allergy);
    let mut in_med = vec![false; p.toks.len()];
    for (_, r) in mentions(p) {
        for f in in_med.iter_mut().take(r.end).skip(r.start) {
            *f = true;
        }
    }
    vitals(p, &mut out, &mut used);
    qualitative(p, &mut out);
    // A lab value is not also a vital (both tables know no shared word, but be sure).
    let mut lab_block = in_med.clone();
    for (i, u) in used.iter().enumerate() {
        if *u {
            lab_block[i] = true;
        }
    }
    labs(p, &mut out, &lab_block);
    out
}

/// Extracts the typed claims of a statement: vitals, qualitative statements, medications,
/// allergies, "no known allergies", labs. Spans are byte ranges of `text`.
pub fn extract_claims(text: &str) -> Vec<Claim> {
    let p = Parsed::new(text);
    let mut claims = claims_of(&p);
    for c in &mut claims {
        let s = c.span_mut();
        *s = p.norm.orig(s.clone());
    }
    claims.sort_by_key(|c| c.span().start);
    claims
}
