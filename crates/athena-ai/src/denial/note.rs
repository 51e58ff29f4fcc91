//! Reads a denial out of the free-text note athena attaches to a payer's claim status.
//!
//! athena's claim object (`GET /claims`) carries, per payer, a `status` and "the note that is
//! attached to this status" (athena's reference text). It has no adjustment or remark-code
//! fields: when a remittance denies a claim, what a client sees is the note a biller or the
//! remittance posting left, in whatever words they used: `Denied by payer CO-197: …`,
//! `DENIAL rec'd. CARC 27 (CO), RARC N30`, `… - CO 18 / N522; resubmit`. This module reads
//! those without being tied to one phrasing:
//!
//! - **adjustment codes** (X12 835 CAS): a group code (`CO`, `PR`, `OA`, `PI`, `CR`) joined to a
//!   reason code (`CO-197`, `CO197`, `CO 197`, `CO/197`), or a reason code introduced by
//!   `CARC` / `reason code`, with the group taken from a group code right after it
//!   (`CARC 27 (CO)`) and left unknown otherwise (the code is then the bare reason, `27`);
//! - **remark codes** (RARC): `N…`, `M…`, `MA…` followed by digits, except inside an ICD-10
//!   code (`N39.0`, `M17.9` are diagnoses, not remarks);
//! - **denied**: a word of denial (`denied`, `denial`, `deny`, `rejected`, `non-covered`, `not
//!   covered`) that is not itself negated (`not denied`), or an adjustment code outside the
//!   non-denial set (patient responsibility `PR-*`, contractual `CO-45`, deductible and
//!   coinsurance CARCs 1–3).
//!
//! The note may hold anything a person typed, names included, so it is never copied into an
//! [`Outcome`](super::Outcome): only the codes and a standard description of the first
//! adjustment reason are.

/// Adjustment group codes of X12 835 CAS segments.
const GROUPS: &[&str] = &["CO", "PR", "OA", "PI", "CR"];

/// CARCs that adjust a claim without denying it: deductible, coinsurance, copay (1–3) and the
/// contractual fee-schedule reduction (45).
const NOT_DENIALS: &[&str] = &["1", "2", "3", "45"];

/// What a payer's status note says.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct NoteReading {
    /// The note says the claim (or a line of it) was denied.
    pub denied: bool,
    /// Adjustment codes in the order written, deduplicated: `CO-197`, or the bare reason code
    /// (`197`) when the note gives no group.
    pub codes: Vec<String>,
    /// Remark codes (RARC) in the order written, deduplicated: `N54`.
    pub remarks: Vec<String>,
}

/// One word of the note: its upper-cased text and the character that follows it.
struct Word {
    text: String,
    next: Option<char>,
    after_next: Option<char>,
}

fn words(note: &str) -> Vec<Word> {
    let chars: Vec<char> = note.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        if !chars[i].is_ascii_alphanumeric() {
            i += 1;
            continue;
        }
        let start = i;
        while i < chars.len() && chars[i].is_ascii_alphanumeric() {
            i += 1;
        }
        out.push(Word {
            text: chars[start..i]
                .iter()
                .collect::<String>()
                .to_ascii_uppercase(),
            next: chars.get(i).copied(),
            after_next: chars.get(i + 1).copied(),
        });
    }
    out
}

/// A CARC: 1–3 digits, or a letter and 1–2 digits (`A1`, `B7`, `P12`).
fn is_reason(w: &str) -> bool {
    let b = w.as_bytes();
    match b {
        [] => false,
        [first, rest @ ..] if first.is_ascii_alphabetic() => {
            (1..=2).contains(&rest.len()) && rest.iter().all(u8::is_ascii_digit)
        }
        _ => b.len() <= 3 && b.iter().all(u8::is_ascii_digit) && w != "0",
    }
}

/// A RARC: `N`, `M` or `MA` and 1–3 digits.
fn is_remark(w: &Word) -> bool {
    let t = w.text.as_str();
    let digits = t
        .strip_prefix("MA")
        .or_else(|| t.strip_prefix('N'))
        .or_else(|| t.strip_prefix('M'));
    let Some(d) = digits else { return false };
    let shaped = (1..=3).contains(&d.len()) && d.bytes().all(|b| b.is_ascii_digit());
    // `N39.0`, `M17.9`: an ICD-10 code, not a remark.
    let icd = w.next == Some('.') && w.after_next.is_some_and(|c| c.is_ascii_alphanumeric());
    shaped && !icd
}

/// `CO197` → (`CO`, `197`).
fn joined_code(w: &str) -> Option<(&str, &str)> {
    GROUPS.iter().find_map(|g| {
        let rest = w.strip_prefix(g)?;
        is_reason(rest).then_some((*g, rest))
    })
}

const DENIAL_WORDS: &[&str] = &[
    "DENIED",
    "DENIAL",
    "DENY",
    "DENIES",
    "REJECTED",
    "NONCOVERED",
];

/// Reads a payer status note.
pub fn read(note: &str) -> NoteReading {
    let w = words(note);
    let mut out = NoteReading::default();
    let push = |list: &mut Vec<String>, code: String| {
        if !list.contains(&code) {
            list.push(code);
        }
    };
    let mut i = 0;
    while i < w.len() {
        let t = w[i].text.as_str();
        let next = w.get(i + 1).map(|x| x.text.as_str());
        if GROUPS.contains(&t) && next.is_some_and(is_reason) {
            push(&mut out.codes, format!("{t}-{}", next.unwrap_or_default()));
            i += 2;
            continue;
        }
        if let Some((g, r)) = joined_code(t) {
            push(&mut out.codes, format!("{g}-{r}"));
            i += 1;
            continue;
        }
        let introduced = match (t, next) {
            ("CARC", Some(r)) if is_reason(r) => Some((r, i + 2)),
            ("REASON", Some("CODE")) => w
                .get(i + 2)
                .map(|x| x.text.as_str())
                .filter(|r| is_reason(r))
                .map(|r| (r, i + 3)),
            _ => None,
        };
        if let Some((reason, after)) = introduced {
            let group = w
                .get(after)
                .map(|x| x.text.as_str())
                .filter(|g| GROUPS.contains(g));
            match group {
                Some(g) => push(&mut out.codes, format!("{g}-{reason}")),
                None => push(&mut out.codes, reason.to_owned()),
            }
            i = after + usize::from(group.is_some());
            continue;
        }
        if is_remark(&w[i]) {
            push(&mut out.remarks, t.to_owned());
        }
        i += 1;
    }
    let negated = |i: usize| {
        i.checked_sub(1)
            .and_then(|p| w.get(p))
            .is_some_and(|p| matches!(p.text.as_str(), "NOT" | "NO" | "NEVER" | "WITHOUT"))
    };
    let worded = w.iter().enumerate().any(|(i, x)| {
        let t = x.text.as_str();
        let noncovered = t == "NON" && w.get(i + 1).is_some_and(|n| n.text == "COVERED");
        let not_covered = t == "NOT" && w.get(i + 1).is_some_and(|n| n.text == "COVERED");
        (DENIAL_WORDS.contains(&t) && !negated(i)) || noncovered || not_covered
    });
    let coded = out.codes.iter().any(|c| match c.split_once('-') {
        Some((g, r)) => g != "PR" && !NOT_DENIALS.contains(&r),
        None => !NOT_DENIALS.contains(&c.as_str()),
    });
    out.denied = worded || coded;
    out
}

/// A standard short description of a claim adjustment reason code (X12 CARC list), for the
/// reasons denials most often carry; `None` for others.
pub fn carc_description(code: &str) -> Option<&'static str> {
    let reason = code.rsplit_once('-').map_or(code, |(_, r)| r);
    Some(match reason {
        "4" => {
            "The procedure code is inconsistent with the modifier used or a required modifier is missing."
        }
        "5" => "The procedure code/type of bill is inconsistent with the place of service.",
        "11" => "The diagnosis is inconsistent with the procedure.",
        "16" => "Claim/service lacks information or has submission/billing error(s).",
        "18" => "Exact duplicate claim/service.",
        "22" => "This care may be covered by another payer per coordination of benefits.",
        "27" => "Expenses incurred after coverage terminated.",
        "29" => "The time limit for filing has expired.",
        "31" => "Patient cannot be identified as our insured.",
        "50" => {
            "These are non-covered services because this is not deemed a medical necessity by the payer."
        }
        "96" => "Non-covered charge(s).",
        "97" => {
            "The benefit for this service is included in the payment/allowance for another service already adjudicated."
        }
        "109" => "Claim/service not covered by this payer/contractor.",
        "151" => {
            "Payment adjusted because the payer deems the information submitted does not support this many/frequency of services."
        }
        "167" => "This (these) diagnosis(es) is (are) not covered.",
        "197" => "Precertification/authorization/notification/pre-treatment absent.",
        "204" => {
            "This service/equipment/drug is not covered under the patient's current benefit plan."
        }
        "236" => {
            "This procedure or procedure/modifier combination is not compatible with another procedure or procedure/modifier combination provided on the same day."
        }
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn codes(note: &str) -> (bool, Vec<String>, Vec<String>) {
        let r = read(note);
        (r.denied, r.codes, r.remarks)
    }

    #[test]
    fn reads_the_common_ways_billers_write_a_denial() {
        let s = |v: &[&str]| v.iter().map(|x| (*x).to_owned()).collect::<Vec<_>>();
        assert_eq!(
            codes("Denied by payer CO-197: auth absent. Remark N54."),
            (true, s(&["CO-197"]), s(&["N54"]))
        );
        assert_eq!(
            codes("DENIAL rec'd. CARC 27 (CO), RARC N30. Coverage ended"),
            (true, s(&["CO-27"]), s(&["N30"]))
        );
        assert_eq!(
            codes("exact duplicate - CO 18 / N522; resubmit if correctable"),
            (true, s(&["CO-18"]), s(&["N522"]))
        );
        assert_eq!(
            codes("co16 ma130 missing info"),
            (true, s(&["CO-16"]), s(&["MA130"]))
        );
        assert_eq!(
            codes("reason code 50, not medically necessary"),
            (true, s(&["50"]), s(&[]))
        );
        assert_eq!(codes("OA/23 M80"), (true, s(&["OA-23"]), s(&["M80"])));
    }

    #[test]
    fn patient_responsibility_and_contractual_adjustments_are_not_denials() {
        let r = read("PR-1 Deductible Amount 35.00. Transferred to patient.");
        assert!(!r.denied);
        assert_eq!(r.codes, ["PR-1"]);
        assert!(!read("Paid; CO-45 contractual write-off").denied);
        assert!(!read("paid in full, not denied").denied);
        assert!(!read("Copay collected at visit").denied);
    }

    #[test]
    fn a_denial_word_alone_is_a_denial_without_codes() {
        let r = read("Claim rejected by clearinghouse, see portal");
        assert!(r.denied);
        assert!(r.codes.is_empty() && r.remarks.is_empty());
        assert!(read("service non-covered under plan").denied);
    }

    #[test]
    fn diagnoses_and_ordinary_words_are_not_codes() {
        // ICD-10 codes look like remark codes; prose words look like group codes.
        let r = read("Dx N39.0 and M17.9 on file; co-pay taken; PR dept called");
        assert!(r.remarks.is_empty(), "{:?}", r.remarks);
        assert!(r.codes.is_empty(), "{:?}", r.codes);
        assert!(!r.denied);
        assert!(read("").codes.is_empty());
    }

    #[test]
    fn descriptions_cover_the_common_reasons() {
        assert!(
            carc_description("CO-197")
                .unwrap()
                .contains("authorization")
        );
        assert!(carc_description("29").unwrap().contains("time limit"));
        assert_eq!(carc_description("CO-999"), None);
    }
}
