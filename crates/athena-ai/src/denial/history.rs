//! Denial rates from the practice's own adjudicated claims, by payer and by procedure.
//!
//! - A claim counts once for its payer and once for each distinct procedure code on it;
//!   pending claims do not count.
//! - **No leakage**: a claim is scored only with claims *submitted* strictly before it was,
//!   as it would have been at the time. So its own outcome (and those of later claims) never
//!   reaches its score. Submission, not service, is the clock: a claim filed a year late
//!   has an old date of service but its outcome was not known until after it was filed.
//!   (Leave-one-out was tried first: it leaks in reverse, since taking a denied claim out of
//!   its own group lowers that group's rate, which makes the rate anti-correlated with the
//!   outcome inside a group.)
//! - **Smoothing**: a rate is `(denied + K·p₀) / (total + K)` with `K` = [`PRIOR_STRENGTH`]
//!   and `p₀` the practice's overall rate over the same earlier claims, itself smoothed the
//!   same way toward [`DEFAULT_RATE`]; so a payer seen twice, or a practice with little
//!   history, does not get a rate of 0 or 1.
//! - The history component of the score is the mean of the payer rate and the highest
//!   procedure rate on the claim.

use std::collections::{BTreeSet, HashMap};

use chrono::NaiveDate;

use super::ClaimRecord;

/// Pseudo-count of the smoothing prior.
pub const PRIOR_STRENGTH: f64 = 10.0;

/// Overall rate the practice's own rate is smoothed toward.
pub const DEFAULT_RATE: f64 = 0.1;

/// A denial rate with its counts.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rate {
    /// Denied claims.
    pub denied: u32,
    /// Adjudicated claims.
    pub total: u32,
    /// Smoothed rate in `[0, 1]`.
    pub smoothed: f64,
}

impl Rate {
    fn new((denied, total): (u32, u32), prior: f64) -> Rate {
        Rate {
            denied,
            total,
            smoothed: (f64::from(denied) + PRIOR_STRENGTH * prior)
                / (f64::from(total) + PRIOR_STRENGTH),
        }
    }
}

impl std::fmt::Display for Rate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} of {} denied (smoothed {:.2})",
            self.denied, self.total, self.smoothed
        )
    }
}

/// The history behind one claim's score.
#[derive(Debug, Clone, PartialEq)]
pub struct HistoryEvidence {
    /// The payer.
    pub payer: String,
    /// The payer's rate.
    pub payer_rate: Rate,
    /// Each distinct procedure code's rate.
    pub procedures: Vec<(String, Rate)>,
    /// The practice's rate.
    pub overall: Rate,
    /// The history component in `[0, 1]`.
    pub combined: f64,
}

impl HistoryEvidence {
    /// Lines for a prompt or a report.
    pub fn render(&self) -> String {
        let mut out = format!("payer {}: {}\n", self.payer, self.payer_rate);
        for (code, r) in &self.procedures {
            out.push_str(&format!("procedure {code}: {r}\n"));
        }
        out.push_str(&format!("practice overall: {}", self.overall));
        out
    }
}

type Counts = (u32, u32);

struct Past {
    submitted: NaiveDate,
    payer: String,
    codes: Vec<String>,
    denied: bool,
}

/// The adjudicated claims of a practice, in submission order.
pub struct DenialHistory {
    past: Vec<Past>,
}

fn codes(r: &ClaimRecord) -> BTreeSet<&str> {
    r.facts.lines.iter().map(|l| l.code.as_str()).collect()
}

impl DenialHistory {
    /// Keeps `records`' adjudicated outcomes.
    pub fn new(records: &[ClaimRecord]) -> Self {
        let mut past: Vec<Past> = records
            .iter()
            .filter(|r| r.outcome.is_adjudicated())
            .map(|r| Past {
                submitted: r.facts.submitted,
                payer: r.facts.payer().to_owned(),
                codes: codes(r).into_iter().map(str::to_owned).collect(),
                denied: r.outcome.is_denied(),
            })
            .collect();
        past.sort_by_key(|p| p.submitted);
        DenialHistory { past }
    }

    /// The rates for `record`, from claims submitted before it only.
    pub fn evidence(&self, record: &ClaimRecord) -> HistoryEvidence {
        let before = self
            .past
            .partition_point(|p| p.submitted < record.facts.submitted);
        let payer = record.facts.payer().to_owned();
        let mine = codes(record);
        let mut overall: Counts = (0, 0);
        let mut by_payer: Counts = (0, 0);
        let mut by_code: HashMap<&str, Counts> = mine.iter().map(|c| (*c, (0, 0))).collect();
        for p in &self.past[..before] {
            let d = u32::from(p.denied);
            let add = |c: &mut Counts| {
                c.0 += d;
                c.1 += 1;
            };
            add(&mut overall);
            if p.payer == payer {
                add(&mut by_payer);
            }
            for code in &p.codes {
                if let Some(c) = by_code.get_mut(code.as_str()) {
                    add(c);
                }
            }
        }
        let prior = Rate::new(overall, DEFAULT_RATE).smoothed;
        let payer_rate = Rate::new(by_payer, prior);
        let procedures: Vec<(String, Rate)> = mine
            .iter()
            .map(|c| ((*c).to_owned(), Rate::new(by_code[c], prior)))
            .collect();
        let worst = procedures
            .iter()
            .map(|(_, r)| r.smoothed)
            .fold(None, |m: Option<f64>, r| Some(m.map_or(r, |m| m.max(r))))
            .unwrap_or(prior);
        HistoryEvidence {
            payer,
            payer_rate,
            procedures,
            overall: Rate::new(overall, prior),
            combined: (payer_rate.smoothed + worst) / 2.0,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::denial::{ClaimFacts, Outcome, ServiceLine};
    use athena_core::ids::{ClaimId, PatientId};
    use chrono::NaiveDate;

    fn rec(id: u64, code: &str, denied: bool) -> ClaimRecord {
        // Submitted on consecutive days, in id order.
        let day = NaiveDate::from_ymd_opt(2025, 1, id as u32).unwrap();
        ClaimRecord {
            facts: ClaimFacts {
                claim_id: ClaimId::new(id),
                patient_id: PatientId::new(1),
                department_id: None,
                provider_id: None,
                service_date: day,
                submitted: day,
                lines: vec![ServiceLine {
                    code: code.into(),
                    modifiers: None,
                    description: String::new(),
                }],
                diagnoses: vec![],
                authorization: None,
                coverage: None,
            },
            outcome: if denied {
                Outcome::Denied {
                    codes: vec!["CO-18".into()],
                    remarks: vec![],
                    description: None,
                }
            } else {
                Outcome::Paid
            },
        }
    }

    #[test]
    fn only_earlier_claims_count() {
        let records = vec![
            rec(1, "73721", true),
            rec(2, "73721", false),
            rec(3, "99213", false),
            rec(4, "73721", true),
        ];
        let h = DenialHistory::new(&records);
        // The first claim has no history: the default prior only.
        let e = h.evidence(&records[0]);
        assert_eq!((e.overall.denied, e.overall.total), (0, 0));
        assert!((e.combined - DEFAULT_RATE).abs() < 1e-12);
        // The fourth sees claims 1-3 but not itself.
        let e4 = h.evidence(&records[3]);
        assert_eq!((e4.overall.denied, e4.overall.total), (1, 3));
        assert_eq!(
            (e4.procedures[0].1.denied, e4.procedures[0].1.total),
            (1, 2)
        );
        // The practice rate 1/3 is smoothed toward 0.1, the procedure rate toward that.
        let p0 = (1.0 + 10.0 * DEFAULT_RATE) / 13.0;
        let expected = (1.0 + 10.0 * p0) / 12.0;
        assert!((e4.procedures[0].1.smoothed - expected).abs() < 1e-9);
    }
}
