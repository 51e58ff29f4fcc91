//! Which athenahealth deployment a client talks to: [`Environment`] (production, preview or a
//! custom origin), its URLs and QPS defaults.

use url::Url;

/// Production API host.
pub const PRODUCTION_URL: &str = "https://api.platform.athenahealth.com";
/// Preview (sandbox) API host.
pub const PREVIEW_URL: &str = "https://api.preview.platform.athenahealth.com";

/// Which athenahealth deployment to talk to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Environment {
    /// `https://api.platform.athenahealth.com`: 150 QPS, 50 tokens/min.
    Production,
    /// `https://api.preview.platform.athenahealth.com`: 15 QPS, 5 tokens/min.
    Preview,
    /// Any other origin (a proxy, the local `athena-testkit` sandbox). `http` is allowed only
    /// for loopback hosts. No QPS default, and no token-request quota unless its token
    /// endpoint is an athena host (see [`TokenQuota::Auto`](crate::auth::TokenQuota::Auto)).
    Custom(Url),
}

impl Environment {
    /// The API origin (REST at `/v1/{practiceid}`, FHIR at `/fhir/r4`, OAuth at `/oauth2/v1`).
    pub fn base_url(&self) -> Url {
        match self {
            // Both constants are valid URLs; parsing cannot fail.
            Environment::Production => {
                Url::parse(PRODUCTION_URL).unwrap_or_else(|_| unreachable_url())
            }
            Environment::Preview => Url::parse(PREVIEW_URL).unwrap_or_else(|_| unreachable_url()),
            Environment::Custom(u) => u.clone(),
        }
    }

    /// A short name for logs and example banners.
    pub fn name(&self) -> &'static str {
        match self {
            Environment::Production => "production",
            Environment::Preview => "preview",
            Environment::Custom(_) => "custom",
        }
    }

    /// Recognises athena's own hosts in a custom URL so their limits apply.
    pub(super) fn normalise(self) -> Environment {
        if let Environment::Custom(u) = &self {
            match u.host_str() {
                Some("api.platform.athenahealth.com") => return Environment::Production,
                Some("api.preview.platform.athenahealth.com") => return Environment::Preview,
                _ => {}
            }
        }
        self
    }

    pub(super) fn default_qps(&self) -> Option<f64> {
        match self {
            Environment::Production => Some(150.0),
            Environment::Preview => Some(15.0),
            Environment::Custom(_) => None,
        }
    }
}

fn unreachable_url() -> Url {
    // Only reached if a compile-time constant stopped being a URL.
    Url::parse("https://invalid.invalid").unwrap_or_else(|_| std::process::abort())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::client::Client;

    #[test]
    fn known_hosts_get_their_environment() {
        let c = Client::builder()
            .base_url("https://api.preview.platform.athenahealth.com/")
            .client_credentials("a", "b")
            .build()
            .unwrap();
        assert_eq!(c.environment(), &Environment::Preview);
        assert_eq!(
            c.base_url().as_str(),
            "https://api.preview.platform.athenahealth.com/"
        );
    }
}
