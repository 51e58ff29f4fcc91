//! Claims compared with the chart.

use std::ops::Range;

use super::extract::{
    Claim, LabLevel, MedAction, MedAttrs, Parsed, Qualitative, Route, VitalKind, VitalUnit,
    all_frequencies, allergen_keys, allergen_mentions, claims_of, from_canonical, med_attrs,
    mentions, reactions,
};
use super::lexicon::lexicon;
use super::{NoteSection, Problem, ProblemKind, Severity};
use crate::soap::{Fact, SoapNote};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Status {
    Absent,
    Present,
    NoneRecorded,
    Unavailable,
}

#[derive(Debug)]
struct ChartVital {
    kind: VitalKind,
    /// In the reference unit (°F, lb, in).
    value: f64,
    /// Half the written precision, in the reference unit.
    tol: f64,
    fact: String,
    shown: String,
}

#[derive(Debug)]
struct ChartMed {
    fact: String,
    drugs: Vec<usize>,
    attrs: MedAttrs,
    routes: Vec<Route>,
}

#[derive(Debug)]
struct ChartAllergy {
    fact: String,
    keys: Vec<String>,
    classes: Vec<&'static str>,
    reactions: Vec<&'static str>,
}

#[derive(Debug)]
struct ChartLab {
    fact: String,
    analyte: &'static str,
    value: f64,
    shown: String,
    range: Option<(f64, f64)>,
    flag: Option<LabLevel>,
}

/// What a fact mentions, for citations and free-text support.
#[derive(Debug, Default)]
struct FactInfo {
    id: String,
    prefix: String,
    /// Transcript, encounter, problem or any other fact that is not a structured section.
    free: bool,
    numbers: Vec<(f64, u8)>,
    drugs: Vec<usize>,
    vital_kinds: Vec<VitalKind>,
    analytes: Vec<&'static str>,
    allergens: Vec<String>,
    frequencies: Vec<f64>,
}

#[derive(Debug)]
struct Chart {
    vitals: Vec<ChartVital>,
    vital_status: Status,
    meds: Vec<ChartMed>,
    med_status: Status,
    allergies: Vec<ChartAllergy>,
    allergy_status: Status,
    no_allergy_fact: Option<String>,
    labs: Vec<ChartLab>,
    lab_status: Status,
    facts: Vec<FactInfo>,
}

fn half_ulp(decimals: u8) -> f64 {
    0.5 * 10f64.powi(-i32::from(decimals))
}

fn unit_text(kind: VitalKind, unit: VitalUnit) -> &'static str {
    match unit {
        VitalUnit::Fahrenheit => " °F",
        VitalUnit::Celsius => " °C",
        VitalUnit::Pound => " lb",
        VitalUnit::Kilogram => " kg",
        VitalUnit::Inch => " in",
        VitalUnit::Centimeter => " cm",
        VitalUnit::Default => match kind {
            VitalKind::SpO2 => "%",
            VitalKind::Systolic | VitalKind::Diastolic => " mmHg",
            _ => "",
        },
    }
}

fn fmt_num(v: f64, decimals: u8) -> String {
    format!("{v:.*}", usize::from(decimals))
}

fn status_of(facts: &[Fact], prefix: &str) -> Status {
    let mut status = Status::Absent;
    for f in facts {
        let Some((p, n)) = f.id.split_once(':') else {
            continue;
        };
        if p != prefix {
            continue;
        }
        status = match n {
            "none" => Status::NoneRecorded,
            "unavailable" => return Status::Unavailable,
            _ => Status::Present,
        };
    }
    status
}

impl Chart {
    fn build(facts: &[Fact]) -> Chart {
        let mut chart = Chart {
            vitals: Vec::new(),
            vital_status: status_of(facts, "vital"),
            meds: Vec::new(),
            med_status: status_of(facts, "med"),
            allergies: Vec::new(),
            allergy_status: status_of(facts, "allergy"),
            no_allergy_fact: None,
            labs: Vec::new(),
            lab_status: status_of(facts, "lab"),
            facts: Vec::new(),
        };
        for f in facts {
            let (prefix, n) = f.id.split_once(':').unwrap_or((f.id.as_str(), ""));
            let p = Parsed::new(&f.text);
            let mut info = FactInfo {
                id: f.id.clone(),
                prefix: prefix.to_owned(),
                free: !matches!(prefix, "vital" | "med" | "allergy" | "lab"),
                numbers: p.numbers(),
                drugs: mentions(&p).into_iter().map(|m| m.0).collect(),
                ..FactInfo::default()
            };
            if info.free {
                info.allergens = allergen_mentions(&p);
                info.frequencies = all_frequencies(&p);
            }
            let degraded = n == "none" || n == "unavailable";
            match prefix {
                "vital" if !degraded => {
                    for c in claims_of(&p) {
                        if let Claim::Vital(v) = c
                            && v.plausible
                        {
                            let canonical = v.canonical();
                            let unit = if v.unit == VitalUnit::Default
                                && matches!(v.kind, VitalKind::Weight | VitalKind::Height)
                            {
                                // The chart writes lb and in unless it says otherwise.
                                if v.kind == VitalKind::Weight {
                                    VitalUnit::Pound
                                } else {
                                    VitalUnit::Inch
                                }
                            } else {
                                v.unit
                            };
                            let tol = (super::extract::to_canonical(
                                v.value + half_ulp(v.decimals),
                                unit,
                            ) - canonical)
                                .abs();
                            info.vital_kinds.push(v.kind);
                            chart.vitals.push(ChartVital {
                                kind: v.kind,
                                value: canonical,
                                tol,
                                fact: f.id.clone(),
                                shown: format!(
                                    "{}{}",
                                    fmt_num(v.value, v.decimals),
                                    unit_text(v.kind, unit)
                                ),
                            });
                        }
                    }
                }
                "med" if !degraded => {
                    let attrs = med_attrs(&p, 0..p.toks.len());
                    let routes = if attrs.routes.is_empty() {
                        attrs.form_routes.clone()
                    } else {
                        attrs.routes.clone()
                    };
                    chart.meds.push(ChartMed {
                        fact: f.id.clone(),
                        drugs: info.drugs.clone(),
                        attrs,
                        routes,
                    });
                }
                "allergy" if !degraded => {
                    let lower = f.text.to_lowercase();
                    if lower.contains("no known") || lower.contains("nkda") {
                        chart.no_allergy_fact = Some(f.id.clone());
                    } else {
                        let body = lower.strip_prefix("allergy:").unwrap_or(&lower);
                        let (name, rest) = body.split_once(';').unwrap_or((body, ""));
                        let keys = allergen_keys(name);
                        let classes = keys
                            .iter()
                            .filter_map(|k| lexicon().lookup(k).map(|d| d.class))
                            .collect();
                        info.allergens = keys.clone();
                        chart.allergies.push(ChartAllergy {
                            fact: f.id.clone(),
                            keys,
                            classes,
                            reactions: if rest.trim().is_empty() {
                                reactions(name)
                            } else {
                                reactions(rest)
                            },
                        });
                    }
                }
                "allergy" if n == "none" => chart.no_allergy_fact = Some(f.id.clone()),
                "lab" if !degraded => {
                    let body = match f.text.split_once("):") {
                        Some((_, rest)) => rest,
                        None => f.text.split_once(':').map_or(f.text.as_str(), |x| x.1),
                    };
                    for segment in body.split(';') {
                        let sp = Parsed::new(segment);
                        let lab = claims_of(&sp).into_iter().find_map(|c| match c {
                            Claim::Lab(l) => Some(l),
                            _ => None,
                        });
                        let Some(lab) = lab else { continue };
                        // The flag is the last comma-separated part, when it is one.
                        let last = segment
                            .rsplit(',')
                            .next()
                            .unwrap_or("")
                            .trim()
                            .to_lowercase();
                        let flag = match last.trim_matches(|c| c == '(' || c == ')') {
                            "high" | "h" | "hh" | "above high normal" => Some(LabLevel::High),
                            "low" | "l" | "ll" | "below low normal" => Some(LabLevel::Low),
                            "abnormal" | "a" | "critical" | "panic" => Some(LabLevel::Abnormal),
                            _ => None,
                        };
                        let range = sp
                            .toks
                            .iter()
                            .position(|t| t.word() == Some("reference") || t.word() == Some("ref"))
                            .and_then(|k| {
                                let lo = sp.toks.get(k + 1)?.num()?.0;
                                if !sp.toks.get(k + 2)?.is('-') {
                                    return None;
                                }
                                let hi = sp.toks.get(k + 3)?.num()?.0;
                                Some((lo, hi))
                            });
                        info.analytes.push(lab.analyte);
                        chart.labs.push(ChartLab {
                            fact: f.id.clone(),
                            analyte: lab.analyte,
                            value: lab.value,
                            shown: fmt_num(lab.value, lab.decimals),
                            range,
                            flag,
                        });
                    }
                }
                _ => {}
            }
            chart.facts.push(info);
        }
        chart
    }

    fn vitals_of(&self, kind: VitalKind) -> Vec<&ChartVital> {
        self.vitals.iter().filter(|v| v.kind == kind).collect()
    }

    /// BMI from the chart, or computed from weight (lb) and height (in).
    fn bmi(&self) -> Option<(f64, f64, String)> {
        if let Some(b) = self.vitals_of(VitalKind::Bmi).first() {
            return Some((b.value, b.tol, b.fact.clone()));
        }
        let w = self
            .vitals_of(VitalKind::Weight)
            .first()
            .map(|v| (v.value, v.fact.clone()))?;
        let h = self.vitals_of(VitalKind::Height).first().map(|v| v.value)?;
        if h <= 0.0 {
            return None;
        }
        Some((703.0 * w.0 / (h * h), 0.25, w.1))
    }
}

struct Ctx<'a> {
    chart: &'a Chart,
    cited: Vec<&'a FactInfo>,
    section: NoteSection,
    statement: usize,
    sources: String,
    /// The statement cites a free-text fact that shares its topic.
    topical: bool,
    out: Vec<Problem>,
}

impl Ctx<'_> {
    fn push(
        &mut self,
        kind: ProblemKind,
        severity: Severity,
        span: &Range<usize>,
        fact: Option<&str>,
        detail: String,
    ) {
        let p = Problem {
            kind,
            severity,
            section: self.section,
            statement: self.statement,
            span: span.clone(),
            fact: fact.map(str::to_owned),
            detail,
        };
        if !self
            .out
            .iter()
            .any(|q| q.kind == p.kind && q.span == p.span)
        {
            self.out.push(p);
        }
    }

    fn free_has_number(&self, v: f64, decimals: u8) -> bool {
        self.cited.iter().filter(|f| f.free).any(|f| {
            f.numbers
                .iter()
                .any(|(n, _)| (n - v).abs() <= half_ulp(decimals) + 1e-9)
        })
    }

    fn free_mentions_drug(&self, drug: usize) -> bool {
        let lex = lexicon();
        self.cited
            .iter()
            .filter(|f| f.free)
            .any(|f| f.drugs.iter().any(|d| lex.related(*d, drug)))
    }

    fn cites_prefix(&self, prefix: &str) -> bool {
        self.cited.iter().any(|f| f.prefix == prefix || f.free)
    }

    /// A claim whose cited facts do not mention it. Blocking, unless the statement cites a
    /// free-text fact (a problem, the visit, the transcript) on its topic ("HTN controlled
    /// on lisinopril [problem:1]"): then an incomplete citation, a warning.
    fn citation(&mut self, ok: bool, span: &Range<usize>, what: &str) {
        if !ok {
            let detail = format!("{what} cites [{}]", self.sources);
            let first = self.cited.first().map(|f| f.id.clone());
            let severity = if self.topical {
                Severity::Warning
            } else {
                Severity::Blocking
            };
            self.push(
                ProblemKind::CitationMismatch,
                severity,
                span,
                first.as_deref(),
                detail,
            );
        }
    }

    fn unavailable(&mut self, span: &Range<usize>, what: &str) {
        self.push(
            ProblemKind::SectionUnavailable,
            Severity::Warning,
            span,
            None,
            format!("{what}: the chart section could not be retrieved"),
        );
    }
}

fn vital(ctx: &mut Ctx<'_>, c: &super::VitalClaim) {
    let label = c.kind.label();
    let written = format!(
        "{}{}",
        fmt_num(c.value, c.decimals),
        unit_text(c.kind, c.unit)
    );
    if !c.plausible {
        ctx.push(
            ProblemKind::VitalImplausible,
            Severity::Blocking,
            &c.span,
            None,
            format!("{label} {written}"),
        );
        return;
    }
    if ctx.free_has_number(c.value, c.decimals) {
        return;
    }
    let chart = ctx.chart;
    let units: Vec<VitalUnit> = match (c.kind, c.unit) {
        (VitalKind::Weight, VitalUnit::Default) => vec![VitalUnit::Pound, VitalUnit::Kilogram],
        (VitalKind::Height, VitalUnit::Default) => vec![VitalUnit::Inch, VitalUnit::Centimeter],
        (_, u) => vec![u],
    };
    let matches = |value: f64, tol: f64| {
        units.iter().any(|u| {
            let chart_v = from_canonical(value, *u);
            let chart_tol = (from_canonical(value + tol, *u) - chart_v).abs();
            (chart_v - c.value).abs() <= half_ulp(c.decimals) + c.spread + chart_tol + 1e-9
        })
    };
    let candidates: Vec<(f64, f64, String, String)> = if c.kind == VitalKind::Bmi {
        chart
            .bmi()
            .map(|(v, t, f)| (v, t, f, fmt_num(v, 1)))
            .into_iter()
            .collect()
    } else {
        chart
            .vitals_of(c.kind)
            .into_iter()
            .map(|v| (v.value, v.tol, v.fact.clone(), v.shown.clone()))
            .collect()
    };
    if candidates.is_empty() {
        if chart.vital_status == Status::Unavailable {
            ctx.unavailable(&c.span, label);
        } else {
            ctx.push(
                ProblemKind::VitalNotInChart,
                Severity::Blocking,
                &c.span,
                None,
                format!("{label} {written}: the chart has no {label} reading"),
            );
        }
        return;
    }
    if !candidates.iter().any(|(v, t, _, _)| matches(*v, *t)) {
        let (_, _, fact, shown) = &candidates[0];
        ctx.push(
            ProblemKind::VitalMismatch,
            Severity::Blocking,
            &c.span,
            Some(fact),
            format!("{label} {written} ({fact} has {shown})"),
        );
        return;
    }
    let wanted: &[VitalKind] = if c.kind == VitalKind::Bmi {
        &[VitalKind::Bmi, VitalKind::Weight, VitalKind::Height]
    } else {
        std::slice::from_ref(&c.kind)
    };
    let ok = ctx
        .cited
        .iter()
        .any(|f| f.vital_kinds.iter().any(|k| wanted.contains(k)));
    ctx.citation(ok, &c.span, label);
}

/// Whether the qualitative statement holds for the chart's values: `Some(true)` clearly,
/// `Some(false)` clearly not, `None` in between or unknown.
fn holds(q: Qualitative, chart: &Chart) -> Option<(bool, String)> {
    use Qualitative::*;
    let first = |k: VitalKind| {
        chart
            .vitals_of(k)
            .first()
            .map(|v| (v.value, v.fact.clone(), v.shown.clone()))
    };
    let test = |v: f64, yes: bool, no: bool| -> Option<bool> {
        let _ = v;
        if yes {
            Some(true)
        } else if no {
            Some(false)
        } else {
            None
        }
    };
    let (result, fact, shown) = match q {
        Afebrile | Febrile => {
            let (t, f, s) = first(VitalKind::Temperature)?;
            let r = if q == Afebrile {
                test(t, t < 100.0, t >= 100.4)
            } else {
                test(t, t >= 100.4, t < 100.0)
            };
            (r, f, s)
        }
        Tachycardic | Bradycardic | NormalHeartRate => {
            let (hr, f, s) = first(VitalKind::HeartRate)?;
            let r = match q {
                Tachycardic => test(hr, hr > 100.0, hr <= 100.0),
                Bradycardic => test(hr, hr < 60.0, hr >= 60.0),
                _ => test(
                    hr,
                    (50.0..=100.0).contains(&hr),
                    !(50.0..=100.0).contains(&hr),
                ),
            };
            (r, f, s)
        }
        Normotensive | Hypertensive | Hypotensive => {
            let (sys, f, s1) = first(VitalKind::Systolic)?;
            let (dia, _, s2) =
                first(VitalKind::Diastolic).unwrap_or((0.0, String::new(), String::new()));
            let shown = format!("{}/{}", s1.trim_end_matches(" mmHg"), s2);
            let high = sys >= 140.0 || dia >= 90.0;
            let raised = sys >= 130.0 || dia >= 80.0;
            let low = sys < 90.0;
            let r = match q {
                Normotensive => test(sys, !raised && !low, high || low),
                Hypertensive => test(sys, high, !raised),
                _ => test(sys, low, sys > 100.0),
            };
            (r, f, shown)
        }
        NormalSaturation | Hypoxic => {
            let (o2, f, s) = first(VitalKind::SpO2)?;
            let r = if q == NormalSaturation {
                test(o2, o2 >= 95.0, o2 < 94.0)
            } else {
                test(o2, o2 < 92.0, o2 >= 95.0)
            };
            (r, f, s)
        }
        Tachypneic | NormalRespiratoryRate => {
            let (rr, f, s) = first(VitalKind::RespiratoryRate)?;
            let r = if q == Tachypneic {
                test(rr, rr > 20.0, rr <= 20.0)
            } else {
                test(
                    rr,
                    (10.0..=20.0).contains(&rr),
                    !(10.0..=20.0).contains(&rr),
                )
            };
            (r, f, s)
        }
        Obese | Overweight | Underweight | NormalBmi => {
            let (bmi, _, f) = chart.bmi()?;
            let r = match q {
                Obese => test(bmi, bmi >= 30.0, bmi < 30.0),
                Overweight => test(bmi, bmi >= 25.0, bmi < 25.0),
                Underweight => test(bmi, bmi < 18.5, bmi >= 18.5),
                _ => test(
                    bmi,
                    (18.5..25.0).contains(&bmi),
                    !(18.5..25.0).contains(&bmi),
                ),
            };
            (r, f, format!("BMI {bmi:.1}"))
        }
    };
    let _ = &shown;
    result.map(|r| (r, format!("{fact} has {shown}")))
}

fn qualitative(ctx: &mut Ctx<'_>, c: &super::QualitativeClaim) {
    let Some((holds, why)) = holds(c.what, ctx.chart) else {
        return;
    };
    let contradicted = if c.negated { holds } else { !holds };
    if contradicted {
        let fact = why.split(' ').next().map(str::to_owned);
        ctx.push(
            ProblemKind::QualitativeContradicted,
            Severity::Blocking,
            &c.span,
            fact.as_deref(),
            format!(
                "\"{}{}\" but {why}",
                if c.negated { "not " } else { "" },
                c.what.label()
            ),
        );
    }
}

fn medication(ctx: &mut Ctx<'_>, c: &super::MedicationClaim) {
    let lex = lexicon();
    let chart = ctx.chart;
    let name = c.generic;
    let on_list: Vec<&ChartMed> = chart
        .meds
        .iter()
        .filter(|m| m.drugs.iter().any(|d| lex.related(*d, c.drug)))
        .collect();
    let cited_ok = ctx
        .cited
        .iter()
        .any(|f| f.drugs.iter().any(|d| lex.related(*d, c.drug)));
    if on_list.is_empty() {
        if ctx.free_mentions_drug(c.drug) {
            return;
        }
        if chart.med_status == Status::Unavailable {
            ctx.unavailable(&c.span, name);
            return;
        }
        // A plan proposes: a drug named there without "continue" / "on" / "taking" is a
        // new prescription or a recommendation for the reviewer to confirm. Anywhere else,
        // or continued, it claims the patient takes it.
        let (kind, severity) = match c.action {
            MedAction::Start => (ProblemKind::NewMedication, Severity::Warning),
            MedAction::Mentioned if ctx.section == NoteSection::Plan => {
                (ProblemKind::NewMedication, Severity::Warning)
            }
            MedAction::Stop => (ProblemKind::MedicationNotOnList, Severity::Warning),
            _ => (ProblemKind::MedicationNotOnList, Severity::Blocking),
        };
        ctx.push(kind, severity, &c.span, None, name.to_owned());
        return;
    }
    // The list entry that fits best.
    let mut best: Option<(usize, Vec<Issue>)> = None;
    for m in &on_list {
        let mut issues: Vec<Issue> = Vec::new();
        let a = &m.attrs;
        if let Some(d) = c.dose {
            let same: Vec<f64> = a
                .doses
                .iter()
                .filter(|x| x.unit == d.unit)
                .map(|x| x.value)
                .collect();
            // A dose may be the strength or, for tablets and capsules, strength × count
            // (2 tablets of 500 mg = 1000 mg; half of 25 mg = 12.5 mg). Puffs and sprays
            // are counted apart: "220 mcg 2 puffs" is a 220 mcg strength.
            let mut allowed = same.clone();
            for st in &same {
                match c.tablets {
                    Some(n) => allowed.push(st * n),
                    None => allowed.extend(a.tablets.iter().map(|n| st * n)),
                }
            }
            let supported = c.dose_number.is_some_and(|n| ctx.free_has_number(n, 3));
            if !same.is_empty()
                && !supported
                && !allowed
                    .iter()
                    .any(|v| (v - d.value).abs() <= 1e-6 * v.abs().max(1.0))
            {
                issues.push((
                    ProblemKind::DoseMismatch,
                    m.fact.clone(),
                    format!("{name}: dose differs from {}", m.fact),
                ));
            }
        }
        if c.dose.is_none()
            && let Some(n) = c.bare_dose
            && !a.dose_numbers.is_empty()
            && !ctx.free_has_number(n, 3)
        {
            let mut allowed = a.dose_numbers.clone();
            for d in &a.dose_numbers {
                for k in &a.tablets {
                    allowed.push(d * k);
                }
            }
            if !allowed.iter().any(|v| (v - n).abs() < 1e-9) {
                issues.push((
                    ProblemKind::DoseMismatch,
                    m.fact.clone(),
                    format!("{name}: dose {} differs from {}", trim(n), m.fact),
                ));
            }
        }
        if let Some(n) = c.count
            && !a.counts.is_empty()
            && !a.counts.iter().any(|x| (x - n).abs() < 1e-9)
            && !ctx.free_has_number(n, 3)
        {
            issues.push((
                ProblemKind::DoseMismatch,
                m.fact.clone(),
                format!("{name}: amount per dose differs from {}", m.fact),
            ));
        }
        if !c.routes.is_empty()
            && !m.routes.is_empty()
            && c.routes.iter().any(|r| !m.routes.contains(r))
        {
            issues.push((
                ProblemKind::RouteMismatch,
                m.fact.clone(),
                format!(
                    "{name}: {:?} but {} says {:?}",
                    c.routes[0], m.fact, m.routes[0]
                ),
            ));
        }
        if let (Some(f), Some(g)) = (c.per_day, a.per_day)
            && (f - g).abs() > 1e-6
        {
            let supported = ctx
                .cited
                .iter()
                .filter(|x| x.free)
                .any(|x| x.frequencies.iter().any(|h| (h - f).abs() < 1e-6));
            if !supported {
                issues.push((
                    ProblemKind::FrequencyMismatch,
                    m.fact.clone(),
                    format!("{name}: {} a day but {} says {}", trim(f), m.fact, trim(g)),
                ));
            }
        }
        if best.as_ref().is_none_or(|(n, _)| issues.len() < *n) {
            best = Some((issues.len(), issues));
        }
    }
    if let Some((_, issues)) = best {
        for (kind, fact, detail) in issues {
            let change = matches!(c.action, MedAction::Change | MedAction::Start)
                && matches!(
                    kind,
                    ProblemKind::DoseMismatch | ProblemKind::FrequencyMismatch
                );
            if change {
                ctx.push(
                    ProblemKind::ProposedChange,
                    Severity::Warning,
                    &c.span,
                    Some(&fact),
                    detail,
                );
            } else {
                ctx.push(kind, Severity::Blocking, &c.span, Some(&fact), detail);
            }
        }
    }
    ctx.citation(cited_ok, &c.span, name);
}

/// A mismatch: kind, fact id, detail.
type Issue = (ProblemKind, String, String);

fn trim(v: f64) -> String {
    let s = format!("{v:.2}");
    s.trim_end_matches('0').trim_end_matches('.').to_owned()
}

fn no_known_allergies(ctx: &mut Ctx<'_>, span: &Range<usize>) {
    let chart = ctx.chart;
    if let Some(a) = chart.allergies.first() {
        let fact = a.fact.clone();
        ctx.push(
            ProblemKind::NkdaContradicted,
            Severity::Blocking,
            span,
            Some(&fact),
            format!("{} allergy(ies) on file ({fact}, …)", chart.allergies.len()),
        );
        return;
    }
    if chart.allergy_status == Status::Unavailable {
        ctx.unavailable(span, "NKDA");
        return;
    }
    let ok = ctx.cites_prefix("allergy");
    ctx.citation(ok, span, "NKDA");
}

fn allergy(ctx: &mut Ctx<'_>, c: &super::AllergyClaim) {
    let chart = ctx.chart;
    if ctx
        .cited
        .iter()
        .filter(|f| f.free)
        .any(|f| f.allergens.contains(&c.allergen))
    {
        return;
    }
    if chart.allergies.is_empty() {
        if chart.allergy_status == Status::Unavailable {
            ctx.unavailable(&c.span, &c.allergen);
            return;
        }
        let fact = chart.no_allergy_fact.clone();
        ctx.push(
            ProblemKind::AllergyNotOnFile,
            Severity::Blocking,
            &c.span,
            fact.as_deref(),
            format!("{}: the chart lists no allergies", c.allergen),
        );
        return;
    }
    // The claim's allergen, and its drug class read as an allergen ("sulfonamide antibiotic"
    // → sulfa, "penicillin" → penicillin).
    let mut claimed = vec![c.allergen.clone()];
    if let Some(class) = c.class {
        claimed.push(class.to_lowercase());
        claimed.extend(allergen_mentions(&Parsed::new(class)));
    }
    let found = chart.allergies.iter().find(|a| {
        claimed.iter().any(|k| a.keys.contains(k))
            || a.classes.iter().any(|cl| {
                cl.eq_ignore_ascii_case(&c.allergen)
                    || allergen_mentions(&Parsed::new(cl)).contains(&c.allergen)
            })
    });
    let Some(found) = found else {
        ctx.push(
            ProblemKind::AllergyNotOnFile,
            Severity::Blocking,
            &c.span,
            None,
            c.allergen.clone(),
        );
        return;
    };
    if let Some(r) = c.reaction
        && !found.reactions.is_empty()
        && !found.reactions.contains(&r)
    {
        let fact = found.fact.clone();
        let detail = format!(
            "{} with {r} ({fact} says {})",
            c.allergen,
            found.reactions.join(", ")
        );
        ctx.push(
            ProblemKind::AllergyReactionMismatch,
            Severity::Blocking,
            &c.span,
            Some(&fact),
            detail,
        );
    }
    let ok = ctx.cites_prefix("allergy");
    ctx.citation(ok, &c.span, &c.allergen);
}

fn lab(ctx: &mut Ctx<'_>, c: &super::LabClaim) {
    if ctx.free_has_number(c.value, c.decimals) {
        return;
    }
    let chart = ctx.chart;
    let results: Vec<&ChartLab> = chart
        .labs
        .iter()
        .filter(|l| l.analyte == c.analyte)
        .collect();
    let written = fmt_num(c.value, c.decimals);
    if results.is_empty() {
        if chart.lab_status == Status::Unavailable {
            ctx.unavailable(&c.span, c.analyte);
        } else {
            ctx.push(
                ProblemKind::LabNotInChart,
                Severity::Blocking,
                &c.span,
                None,
                format!("{} {written}", c.analyte),
            );
        }
        return;
    }
    if !results
        .iter()
        .any(|l| (l.value - c.value).abs() <= half_ulp(c.decimals) + 1e-9)
    {
        let l = results[0];
        let detail = format!("{} {written} ({} has {})", c.analyte, l.fact, l.shown);
        let fact = l.fact.clone();
        ctx.push(
            ProblemKind::LabMismatch,
            Severity::Blocking,
            &c.span,
            Some(&fact),
            detail,
        );
        return;
    }
    let ok = ctx.cited.iter().any(|f| f.analytes.contains(&c.analyte));
    ctx.citation(ok, &c.span, c.analyte);
}

fn lab_level(ctx: &mut Ctx<'_>, c: &super::LabLevelClaim) {
    let Some(l) = ctx.chart.labs.iter().find(|l| l.analyte == c.analyte) else {
        return;
    };
    let out_high = l.range.is_some_and(|(_, hi)| l.value > hi);
    let out_low = l.range.is_some_and(|(lo, _)| l.value < lo);
    let known = l.range.is_some() || l.flag.is_some();
    if !known {
        return;
    }
    let high = l.flag == Some(LabLevel::High) || out_high;
    let low = l.flag == Some(LabLevel::Low) || out_low;
    let abnormal = high || low || l.flag == Some(LabLevel::Abnormal);
    let holds = match c.level {
        LabLevel::Normal => !abnormal,
        LabLevel::High => high,
        LabLevel::Low => low,
        LabLevel::Abnormal => abnormal,
    };
    if holds == c.negated {
        let detail = format!(
            "{} said {}{:?} ({} has {}{})",
            c.analyte,
            if c.negated { "not " } else { "" },
            c.level,
            l.fact,
            l.shown,
            l.range
                .map(|(lo, hi)| format!(", reference {lo}-{hi}"))
                .unwrap_or_default()
        );
        let fact = l.fact.clone();
        ctx.push(
            ProblemKind::LabLevelContradicted,
            Severity::Blocking,
            &c.span,
            Some(&fact),
            detail,
        );
    }
}

/// Validates every statement of `note` against `facts` (the chart facts the note was drafted
/// from, the transcript included as a `transcript` fact). Deterministic; problems in note
/// order.
pub fn validate(note: &SoapNote, facts: &[Fact]) -> Vec<Problem> {
    let chart = Chart::build(facts);
    let mut out = Vec::new();
    let sections = [
        (NoteSection::Subjective, &note.subjective),
        (NoteSection::Objective, &note.objective),
        (NoteSection::Assessment, &note.assessment),
        (NoteSection::Plan, &note.plan),
    ];
    for (section, statements) in sections {
        for (i, s) in statements.iter().enumerate() {
            let mut ctx = Ctx {
                chart: &chart,
                cited: chart
                    .facts
                    .iter()
                    .filter(|f| s.sources.contains(&f.id))
                    .collect(),
                section,
                statement: i,
                sources: s.sources.join(", "),
                topical: false,
                out: Vec::new(),
            };
            ctx.topical = topical(&s.text, &ctx.cited, facts);
            let p = Parsed::new(&s.text);
            for claim in claims_of(&p) {
                let mut claim = claim;
                let span = p.norm.orig(claim.span());
                set_span(&mut claim, span);
                match &claim {
                    Claim::Vital(c) => vital(&mut ctx, c),
                    Claim::Qualitative(c) => qualitative(&mut ctx, c),
                    Claim::Medication(c) => medication(&mut ctx, c),
                    Claim::NoKnownAllergies(span) => no_known_allergies(&mut ctx, span),
                    Claim::Allergy(c) => allergy(&mut ctx, c),
                    Claim::Lab(c) => lab(&mut ctx, c),
                    Claim::LabLevel(c) => lab_level(&mut ctx, c),
                }
            }
            ctx.out.sort_by_key(|p| p.span.start);
            out.extend(ctx.out);
        }
    }
    out
}

/// Common abbreviations of problem names.
const ABBREVIATIONS: &[(&str, &str)] = &[
    ("htn", "hypertension"),
    ("dm", "diabetes"),
    ("dm2", "diabetes"),
    ("t2dm", "diabetes"),
    ("dmii", "diabetes"),
    ("hld", "hyperlipidemia"),
    ("hlp", "hyperlipidemia"),
    ("cad", "coronary"),
    ("chf", "heart failure"),
    ("hfref", "heart failure"),
    ("hfpef", "heart failure"),
    ("copd", "obstructive"),
    ("af", "atrial fibrillation"),
    ("afib", "atrial fibrillation"),
    ("ckd", "kidney"),
    ("gerd", "reflux"),
    ("mdd", "depressive"),
    ("depression", "depressive"),
    ("gad", "anxiety"),
    ("oa", "osteoarthritis"),
    ("bph", "prostatic"),
    ("osa", "apnea"),
    ("uti", "urinary"),
    ("uri", "respiratory"),
];

const STOP: &[&str] = &[
    "without",
    "patient",
    "reports",
    "today",
    "visit",
    "office",
    "follow",
    "continue",
    "unspecified",
    "other",
    "chronic",
    "acute",
    "stage",
    "disease",
    "disorder",
    "complaint",
];

fn topic_words(t: &str) -> Vec<String> {
    t.to_lowercase()
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.len() >= 2)
        .map(str::to_owned)
        .collect()
}

/// Whether a cited free-text fact shares a topic word with the statement.
fn topical(text: &str, cited: &[&FactInfo], facts: &[Fact]) -> bool {
    let mut mine: Vec<String> = Vec::new();
    for w in topic_words(text) {
        if let Some((_, full)) = ABBREVIATIONS.iter().find(|(a, _)| *a == w) {
            mine.extend(full.split(' ').map(str::to_owned));
        }
        if w.len() >= 5 && !STOP.contains(&w.as_str()) {
            mine.push(w);
        }
    }
    let content = |t: &String| t.len() >= 5 && !STOP.contains(&t.as_str());
    cited.iter().filter(|f| f.free).any(|f| {
        let Some(fact) = facts.iter().find(|x| x.id == f.id) else {
            return false;
        };
        let theirs = topic_words(&fact.text);
        mine.iter().filter(|m| content(m)).any(|m| {
            theirs
                .iter()
                .filter(|t| content(t))
                .any(|t| t.starts_with(m.as_str()) || m.starts_with(t.as_str()))
        })
    })
}

fn set_span(c: &mut Claim, span: Range<usize>) {
    match c {
        Claim::Vital(x) => x.span = span,
        Claim::Qualitative(x) => x.span = span,
        Claim::Medication(x) => x.span = span,
        Claim::Allergy(x) => x.span = span,
        Claim::NoKnownAllergies(x) => *x = span,
        Claim::Lab(x) => x.span = span,
        Claim::LabLevel(x) => x.span = span,
    }
}
