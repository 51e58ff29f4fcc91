//! SMART on FHIR: `.well-known/smart-configuration` and scopes in both syntaxes.

use std::fmt;

use serde::{Deserialize, Serialize};

/// The SMART configuration a FHIR server publishes (the fields this SDK uses; others are
/// ignored).
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize, Serialize)]
#[non_exhaustive]
pub struct SmartConfiguration {
    /// Issuer.
    #[serde(default)]
    pub issuer: Option<String>,
    /// Token endpoint.
    pub token_endpoint: String,
    /// Authorization endpoint (3-legged flows).
    #[serde(default)]
    pub authorization_endpoint: Option<String>,
    /// JWKS of the server.
    #[serde(default)]
    pub jwks_uri: Option<String>,
    /// e.g. `private_key_jwt`, `client_secret_basic`.
    #[serde(default)]
    pub token_endpoint_auth_methods_supported: Vec<String>,
    /// e.g. `RS384`, `ES384`.
    #[serde(default)]
    pub token_endpoint_auth_signing_alg_values_supported: Vec<String>,
    /// e.g. `client_credentials`.
    #[serde(default)]
    pub grant_types_supported: Vec<String>,
    /// Scopes the server advertises.
    #[serde(default)]
    pub scopes_supported: Vec<String>,
    /// PKCE methods (`S256`).
    #[serde(default)]
    pub code_challenge_methods_supported: Vec<String>,
    /// SMART capabilities (`permission-v1`, `permission-v2`, …).
    #[serde(default)]
    pub capabilities: Vec<String>,
}

impl SmartConfiguration {
    /// The scope syntax to emit: v2 when the server advertises `permission-v2`.
    pub fn scope_syntax(&self) -> ScopeSyntax {
        if self.capabilities.iter().any(|c| c == "permission-v2") {
            ScopeSyntax::V2
        } else {
            ScopeSyntax::V1
        }
    }

    /// True when SMART Backend Services (`client_credentials` + `private_key_jwt`) is offered.
    pub fn supports_backend_services(&self) -> bool {
        self.grant_types_supported
            .iter()
            .any(|g| g == "client_credentials")
            && self
                .token_endpoint_auth_methods_supported
                .iter()
                .any(|m| m == "private_key_jwt")
    }
}

/// Which scope grammar to write.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ScopeSyntax {
    /// SMART v1: `system/Observation.read`.
    V1,
    /// SMART v2: `system/Observation.rs`.
    V2,
}

/// Whose data a scope covers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ScopeContext {
    /// `patient/`.
    Patient,
    /// `user/`.
    User,
    /// `system/`.
    System,
}

/// The permissions of a v2 scope (`c r u d s`); v1 `read` = `rs`, `write` = `cud`, `*` = all.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Permissions {
    /// create
    pub create: bool,
    /// read
    pub read: bool,
    /// update
    pub update: bool,
    /// delete
    pub delete: bool,
    /// search
    pub search: bool,
}

impl Permissions {
    /// v1 `.read`.
    pub const READ: Self = Self {
        create: false,
        read: true,
        update: false,
        delete: false,
        search: true,
    };
    /// v1 `.write`.
    pub const WRITE: Self = Self {
        create: true,
        read: false,
        update: true,
        delete: true,
        search: false,
    };
    /// v1 `.*`.
    pub const ALL: Self = Self {
        create: true,
        read: true,
        update: true,
        delete: true,
        search: true,
    };
}

/// A SMART clinical scope (`system/Observation.rs?category=…`), parsed from v1 or v2 syntax,
/// written in either.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct ClinicalScope {
    /// `patient`, `user` or `system`.
    pub context: ScopeContext,
    /// Resource type, or `*`.
    pub resource_type: String,
    /// What is allowed.
    pub permissions: Permissions,
    /// v2 query constraint after `?`, if any.
    pub query: Option<String>,
}

/// Any scope: clinical, or another token (`openid`, `launch/patient`, athena's own) kept as
/// written.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Scope {
    /// A clinical scope.
    Clinical(ClinicalScope),
    /// Anything else.
    Other(String),
}

impl Scope {
    /// Parses one scope token.
    pub fn parse(s: &str) -> Self {
        ClinicalScope::parse(s).map_or_else(|| Self::Other(s.to_owned()), Self::Clinical)
    }

    /// Parses a space-separated scope string (e.g. a token response's granted `scope`).
    pub fn parse_list(s: &str) -> Vec<Self> {
        s.split_whitespace().map(Self::parse).collect()
    }

    /// Writes the scope in `syntax`.
    pub fn to_syntax(&self, syntax: ScopeSyntax) -> String {
        match self {
            Self::Clinical(c) => c.to_syntax(syntax),
            Self::Other(s) => s.clone(),
        }
    }
}

impl ClinicalScope {
    /// A scope for `context/resource_type` with `permissions`.
    pub fn new(
        context: ScopeContext,
        resource_type: impl Into<String>,
        permissions: Permissions,
    ) -> Self {
        Self {
            context,
            resource_type: resource_type.into(),
            permissions,
            query: None,
        }
    }

    /// Parses `ctx/Type.perm` in v1 (`read`, `write`, `*`) or v2 (`[c][r][u][d][s]`, optional
    /// `?query`) syntax; `None` if it is not a clinical scope.
    pub fn parse(s: &str) -> Option<Self> {
        let (ctx, rest) = s.split_once('/')?;
        let context = match ctx {
            "patient" => ScopeContext::Patient,
            "user" => ScopeContext::User,
            "system" => ScopeContext::System,
            _ => return None,
        };
        let (rest, query) = match rest.split_once('?') {
            Some((r, q)) => (r, Some(q.to_owned())),
            None => (rest, None),
        };
        let (ty, perm) = rest.rsplit_once('.')?;
        if ty.is_empty() || !(ty == "*" || ty.chars().all(|c| c.is_ascii_alphanumeric())) {
            return None;
        }
        let permissions = match perm {
            "read" => Permissions::READ,
            "write" => Permissions::WRITE,
            "*" => Permissions::ALL,
            p => {
                // c, r, u, d, s — each at most once, in this order.
                let mut out = Permissions::default();
                let mut last = 0;
                for ch in p.chars() {
                    let pos = "cruds".find(ch)? + 1;
                    if pos <= last {
                        return None;
                    }
                    last = pos;
                    match ch {
                        'c' => out.create = true,
                        'r' => out.read = true,
                        'u' => out.update = true,
                        'd' => out.delete = true,
                        _ => out.search = true,
                    }
                }
                if last == 0 {
                    return None;
                }
                out
            }
        };
        if query.is_some() && matches!(perm, "read" | "write" | "*") {
            return None;
        }
        Some(Self {
            context,
            resource_type: ty.to_owned(),
            permissions,
            query,
        })
    }

    /// Writes the scope. v1 has no grammar for partial permissions or queries: those fall
    /// back to the closest wider v1 scope (`read` if any of r/s, `write` if any of c/u/d, `*`
    /// if both).
    pub fn to_syntax(&self, syntax: ScopeSyntax) -> String {
        let ctx = match self.context {
            ScopeContext::Patient => "patient",
            ScopeContext::User => "user",
            ScopeContext::System => "system",
        };
        let p = self.permissions;
        match syntax {
            ScopeSyntax::V2 => {
                let mut perm = String::new();
                for (on, c) in [
                    (p.create, 'c'),
                    (p.read, 'r'),
                    (p.update, 'u'),
                    (p.delete, 'd'),
                    (p.search, 's'),
                ] {
                    if on {
                        perm.push(c);
                    }
                }
                match &self.query {
                    Some(q) => format!("{ctx}/{}.{perm}?{q}", self.resource_type),
                    None => format!("{ctx}/{}.{perm}", self.resource_type),
                }
            }
            ScopeSyntax::V1 => {
                let reads = p.read || p.search;
                let writes = p.create || p.update || p.delete;
                let perm = match (reads, writes) {
                    (true, true) => "*",
                    (false, true) => "write",
                    _ => "read",
                };
                format!("{ctx}/{}.{perm}", self.resource_type)
            }
        }
    }
}

impl fmt::Display for Scope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_syntax(ScopeSyntax::V2))
    }
}
