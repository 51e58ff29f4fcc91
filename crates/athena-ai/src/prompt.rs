//! Versioned prompt templates, compiled in from `prompts/*.md`.
//!
//! A template's id, version and SHA-256 go into every audit record, so an output can be
//! traced to the exact wording that produced it.

use sha2::{Digest, Sha256};

use crate::{AiError, AiErrorKind};

/// A prompt template with `{{name}}` placeholders.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PromptTemplate {
    /// Stable id, e.g. `inbox_triage`.
    pub id: &'static str,
    /// Version, bumped on every wording change.
    pub version: &'static str,
    /// The template text.
    pub text: &'static str,
}

/// Inbox triage, v1.
pub const TRIAGE_V1: PromptTemplate = PromptTemplate {
    id: "inbox_triage",
    version: "1",
    text: include_str!("../prompts/inbox_triage.v1.md"),
};
/// SOAP note drafting, v1.
pub const SOAP_V1: PromptTemplate = PromptTemplate {
    id: "soap_draft",
    version: "1",
    text: include_str!("../prompts/soap_draft.v1.md"),
};
/// Claim denial risk, v1.
pub const DENIAL_V1: PromptTemplate = PromptTemplate {
    id: "denial_risk",
    version: "1",
    text: include_str!("../prompts/denial_risk.v1.md"),
};
/// Appeal letter, v1.
pub const APPEAL_V1: PromptTemplate = PromptTemplate {
    id: "appeal_letter",
    version: "1",
    text: include_str!("../prompts/appeal_letter.v1.md"),
};

/// Lowercase hex SHA-256.
pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

impl PromptTemplate {
    /// SHA-256 of the template text.
    pub fn hash(&self) -> String {
        sha256_hex(self.text.as_bytes())
    }

    /// Fills every `{{name}}`. A placeholder without a value, or a value without a
    /// placeholder, is an error (catches renamed variables).
    pub fn render(&self, vars: &[(&str, &str)]) -> Result<String, AiError> {
        let mut out = String::with_capacity(self.text.len());
        let mut rest = self.text;
        let mut used = vec![false; vars.len()];
        while let Some(open) = rest.find("{{") {
            out.push_str(&rest[..open]);
            let after = &rest[open + 2..];
            let close = after.find("}}").ok_or_else(|| {
                AiError::new(
                    AiErrorKind::Prompt,
                    format!("{}: unclosed placeholder", self.id),
                )
            })?;
            let name = after[..close].trim();
            let i = vars.iter().position(|(k, _)| *k == name).ok_or_else(|| {
                AiError::new(
                    AiErrorKind::Prompt,
                    format!("{}: no value for {{{{{name}}}}}", self.id),
                )
            })?;
            used[i] = true;
            out.push_str(vars[i].1);
            rest = &after[close + 2..];
        }
        out.push_str(rest);
        if let Some(i) = used.iter().position(|u| !u) {
            return Err(AiError::new(
                AiErrorKind::Prompt,
                format!("{}: unused value {}", self.id, vars[i].0),
            ));
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn render_checks_placeholders() {
        let t = PromptTemplate {
            id: "t",
            version: "1",
            text: "Hi {{ who }}.",
        };
        assert_eq!(t.render(&[("who", "there")]).unwrap(), "Hi there.");
        assert!(t.render(&[]).is_err());
        assert!(t.render(&[("who", "x"), ("extra", "y")]).is_err());
        assert_eq!(t.hash().len(), 64);
    }
}
