//! The combined denial score.
//!
//! ```text
//! R    = 1 − Π (1 − wᵣ)            over the rules that fired (wᵣ = Rule::weight; 0 if none)
//! H    = history component         (mean of payer rate and worst procedure rate, smoothed)
//! M    = the model's risk          (when a model was asked)
//! base = w_h·H + w_m·M             (w_h + w_m = 1; just H without a model)
//! score = 1 − (1 − R)·(1 − base)
//! ```
//!
//! A fired rule therefore sets a floor of its weight on the score; among claims where no rule
//! fires, history and the model's judgment order them.

use super::history::HistoryEvidence;
use super::rules::RuleFlag;

/// Weights of history and model in the `base` term (normalised to sum to 1).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ScoreWeights {
    /// Weight of the history component.
    pub history: f64,
    /// Weight of the model's risk.
    pub model: f64,
}

impl Default for ScoreWeights {
    fn default() -> Self {
        ScoreWeights {
            history: 0.6,
            model: 0.4,
        }
    }
}

/// The parts and the result.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CombinedScore {
    /// `R`: the rule component.
    pub rules: f64,
    /// `H`: the history component.
    pub history: f64,
    /// `M`: the model's risk, when asked.
    pub model: Option<f64>,
    /// The combined score in `[0, 1]`.
    pub combined: f64,
}

impl ScoreWeights {
    /// Combines rule flags, history and the model's risk (see the module docs).
    pub fn combine(
        &self,
        flags: &[RuleFlag],
        history: &HistoryEvidence,
        model: Option<f64>,
    ) -> CombinedScore {
        let rules = 1.0 - flags.iter().map(|f| 1.0 - f.rule.weight()).product::<f64>();
        let h = history.combined.clamp(0.0, 1.0);
        let base = match model {
            Some(m) => {
                let sum = self.history + self.model;
                let (wh, wm) = if sum > 0.0 {
                    (self.history / sum, self.model / sum)
                } else {
                    (0.5, 0.5)
                };
                wh * h + wm * m.clamp(0.0, 1.0)
            }
            None => h,
        };
        CombinedScore {
            rules,
            history: h,
            model,
            combined: (1.0 - (1.0 - rules) * (1.0 - base)).clamp(0.0, 1.0),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::denial::history::Rate;
    use crate::denial::rules::Rule;

    fn hist(h: f64) -> HistoryEvidence {
        let r = Rate {
            denied: 0,
            total: 0,
            smoothed: h,
        };
        HistoryEvidence {
            payer: "X".into(),
            payer_rate: r,
            procedures: vec![],
            overall: r,
            combined: h,
        }
    }

    #[test]
    fn formula() {
        let w = ScoreWeights::default();
        let none = w.combine(&[], &hist(0.2), Some(0.5));
        assert!((none.combined - (0.6 * 0.2 + 0.4 * 0.5)).abs() < 1e-12);
        let flag = RuleFlag {
            rule: Rule::TimelyFiling,
            evidence: String::new(),
            related_claim: None,
        };
        let one = w.combine(std::slice::from_ref(&flag), &hist(0.2), None);
        assert!((one.rules - 0.95).abs() < 1e-12);
        assert!((one.combined - (1.0 - 0.05 * 0.8)).abs() < 1e-12);
        assert!(one.combined > none.combined);
    }
}
