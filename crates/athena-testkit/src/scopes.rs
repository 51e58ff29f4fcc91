//! Which OAuth scopes cover which request, as athena enforces them: the proprietary API needs
//! `athena/service/Athenanet.MDP.*`; FHIR needs a SMART scope for the resource type and
//! interaction (`system/Patient.read` in v1 syntax, `system/Patient.rs` in v2). A token whose
//! scopes do not cover a call gets 403 (reference §4.2: "Tokens whose scopes don't cover the
//! resource → 403").

use serde_json::json;

use crate::http::{Reply, Req};

/// The scope of athena's whole proprietary API.
pub(crate) const MDP: &str = "athena/service/Athenanet.MDP.*";

/// What a FHIR call does, in SMART v2 letters (`c`reate, `r`ead, `u`pdate, `d`elete,
/// `s`earch).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Interaction {
    Create,
    Read,
    Update,
    Delete,
    Search,
}

impl Interaction {
    fn v2_letter(self) -> char {
        match self {
            Interaction::Create => 'c',
            Interaction::Read => 'r',
            Interaction::Update => 'u',
            Interaction::Delete => 'd',
            Interaction::Search => 's',
        }
    }

    fn is_write(self) -> bool {
        matches!(
            self,
            Interaction::Create | Interaction::Update | Interaction::Delete
        )
    }

    fn name(self) -> &'static str {
        if self.is_write() { "write" } else { "read" }
    }
}

/// Does one SMART scope (`system/Patient.read`, `user/*.rs`, `system/Condition.rs?category=…`)
/// allow `interaction` on `resource`?
fn smart_allows(scope: &str, resource: &str, interaction: Interaction) -> bool {
    let scope = scope.split('?').next().unwrap_or_default();
    let Some((context, rest)) = scope.split_once('/') else {
        return false;
    };
    if !matches!(context, "system" | "user" | "patient") {
        return false;
    }
    let Some((kind, perms)) = rest.split_once('.') else {
        return false;
    };
    if kind != "*" && kind != resource {
        return false;
    }
    match perms {
        "*" => true,
        "read" => !interaction.is_write(),
        "write" => interaction.is_write(),
        v2 => {
            // v2: letters from `cruds`, in that order, at least one.
            let ordered = v2.chars().all(|c| "cruds".contains(c))
                && !v2.is_empty()
                && v2
                    .chars()
                    .zip(v2.chars().skip(1))
                    .all(|(a, b)| "cruds".find(a).unwrap_or(0) < "cruds".find(b).unwrap_or(0));
            ordered && v2.contains(interaction.v2_letter())
        }
    }
}

/// Is any scope a SMART scope for some resource type (what the bulk status and file URLs
/// of an export need)?
fn any_fhir_read(scopes: &[String]) -> bool {
    scopes.iter().any(|s| {
        let kind = s
            .split('?')
            .next()
            .and_then(|s| s.split_once('/'))
            .and_then(|(_, r)| r.split_once('.'))
            .map(|(k, _)| k);
        kind.is_some_and(|k| smart_allows(s, k, Interaction::Read))
    })
}

/// `Ok` when `scopes` cover the API call `req` (`segs`: its path segments), else athena's 403.
pub(crate) fn check(scopes: &[String], req: &Req, segs: &[&str]) -> Result<(), Reply> {
    match segs {
        ["v1", ..] => {
            if scopes.iter().any(|s| s == MDP) {
                Ok(())
            } else {
                Err(Reply::json(
                    403,
                    json!({"error": "Incorrect permissions.", "detailedmessage": format!("The access token's scopes do not include {MDP}, which this API needs.")}),
                ))
            }
        }
        ["fhir", "r4", rest @ ..] => {
            let ok = match rest {
                // Export status and files: any FHIR read scope (the kick-off checked the type).
                ["bulkstatus", ..] | ["bulkfiles", ..] => any_fhir_read(scopes),
                // A Bulk `$export` kick-off: the exported types are filtered by scope later.
                [.., op] if op.starts_with("$export") => any_fhir_read(scopes),
                [kind, ..] => {
                    let interaction = fhir_interaction(req, rest);
                    scopes.iter().any(|s| smart_allows(s, kind, interaction))
                }
                [] => true,
            };
            if ok {
                return Ok(());
            }
            let kind = rest.first().copied().unwrap_or("the server");
            let interaction = fhir_interaction(req, rest);
            let text = format!(
                "The access token's scopes do not allow {} access to {kind}.",
                interaction.name()
            );
            Err(
                Reply::json(403, crate::fhir::resources::outcome("forbidden", &text))
                    .header("Content-Type", "application/fhir+json"),
            )
        }
        _ => Ok(()),
    }
}

fn fhir_interaction(req: &Req, rest: &[&str]) -> Interaction {
    match (req.method.as_str(), rest) {
        ("POST", [_, "_search"]) => Interaction::Search,
        ("GET", [_]) => Interaction::Search,
        ("GET", _) => Interaction::Read,
        ("POST", [_, id, op]) if id.starts_with("a-") && op.starts_with('$') => Interaction::Read,
        ("POST", _) => Interaction::Create,
        ("PUT" | "PATCH", _) => Interaction::Update,
        ("DELETE", _) => Interaction::Delete,
        _ => Interaction::Read,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn smart_v1_and_v2_scopes_cover_what_they_name() {
        use Interaction::*;
        assert!(smart_allows("system/Patient.read", "Patient", Read));
        assert!(smart_allows("system/Patient.read", "Patient", Search));
        assert!(!smart_allows("system/Patient.read", "Patient", Create));
        assert!(!smart_allows("system/Patient.read", "Condition", Read));
        assert!(smart_allows("system/*.read", "Condition", Search));
        assert!(smart_allows("system/Condition.rs", "Condition", Search));
        assert!(smart_allows(
            "system/Condition.rs?category=problem-list-item",
            "Condition",
            Read
        ));
        assert!(!smart_allows("system/Coverage.r", "Coverage", Search));
        assert!(smart_allows("system/Coverage.r", "Coverage", Read));
        assert!(smart_allows(
            "system/DocumentReference.write",
            "DocumentReference",
            Create
        ));
        assert!(smart_allows(
            "system/Subscription.cruds",
            "Subscription",
            Delete
        ));
        assert!(smart_allows("user/Patient.*", "Patient", Update));
        // Not SMART, or letters out of order.
        assert!(!smart_allows(MDP, "Patient", Read));
        assert!(!smart_allows("system/Patient.sr", "Patient", Read));
        assert!(!smart_allows("launch/patient", "Patient", Read));
        assert!(!smart_allows("system/Patient", "Patient", Read));
    }
}
