//! Configuration from the environment: [`Client::from_env`] and
//! [`ClientBuilder::from_vars`] read the documented `ATHENA_*` variables.

use super::builder::valid_qps;
use super::{Client, ClientBuilder, Environment};
use crate::error::{Error, ErrorKind, Result};
use crate::ids::PracticeId;

impl Client {
    /// A client configured from the environment:
    /// `ATHENA_BASE_URL` (an origin) or `ATHENA_ENVIRONMENT` (`production` | `preview`,
    /// default `preview`), `ATHENA_CLIENT_ID`, `ATHENA_CLIENT_SECRET` (required),
    /// `ATHENA_PRACTICE_ID` (optional default practice), `ATHENA_SCOPE` and `ATHENA_MAX_QPS`
    /// (optional).
    pub fn from_env() -> Result<Client> {
        ClientBuilder::from_env()?.build()
    }
}

impl ClientBuilder {
    /// Reads the variables listed on [`Client::from_env`].
    pub fn from_env() -> Result<ClientBuilder> {
        Self::from_vars(|k| std::env::var(k).ok())
    }

    /// Like [`ClientBuilder::from_env`], reading variables through `get`.
    pub fn from_vars(get: impl Fn(&str) -> Option<String>) -> Result<ClientBuilder> {
        let get = |k: &str| get(k).filter(|v| !v.trim().is_empty());
        let mut b = ClientBuilder::default();
        if let Some(url) = get("ATHENA_BASE_URL") {
            b = b.base_url(url.trim());
        } else if let Some(env) = get("ATHENA_ENVIRONMENT") {
            b = b.environment(match env.trim().to_ascii_lowercase().as_str() {
                "production" | "prod" => Environment::Production,
                "preview" | "sandbox" => Environment::Preview,
                _ => {
                    return Err(Error::new(
                        ErrorKind::Config,
                        "ATHENA_ENVIRONMENT must be `production` or `preview`",
                    ));
                }
            });
        } else {
            b = b.environment(Environment::Preview);
        }
        let id = get("ATHENA_CLIENT_ID")
            .ok_or_else(|| Error::new(ErrorKind::Config, "ATHENA_CLIENT_ID is not set"))?;
        let secret = get("ATHENA_CLIENT_SECRET")
            .ok_or_else(|| Error::new(ErrorKind::Config, "ATHENA_CLIENT_SECRET is not set"))?;
        b = b.client_credentials(id.trim(), secret);
        if let Some(p) = get("ATHENA_PRACTICE_ID") {
            let id = p
                .trim()
                .parse::<u64>()
                .ok()
                .and_then(|id| PracticeId::try_new(id).ok())
                .ok_or_else(|| {
                    Error::new(
                        ErrorKind::Config,
                        "ATHENA_PRACTICE_ID must be a positive number (athena practice ids start at 1)",
                    )
                })?;
            b = b.practice_id(id);
        }
        if let Some(scope) = get("ATHENA_SCOPE") {
            b = b.scope(scope);
        }
        if let Some(url) = get("ATHENA_TOKEN_URL") {
            b = b.token_url(url.trim());
        }
        if let Some(q) = get("ATHENA_MAX_QPS") {
            let q: f64 = q
                .trim()
                .parse()
                .ok()
                .filter(|q: &f64| valid_qps(*q))
                .ok_or_else(|| {
                    Error::new(
                        ErrorKind::Config,
                        "ATHENA_MAX_QPS must be a finite number above 0",
                    )
                })?;
            b = b.max_qps(q);
        }
        Ok(b)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn from_vars_reads_the_documented_names() {
        let vars = |k: &str| match k {
            "ATHENA_BASE_URL" => Some("http://127.0.0.1:9999".to_owned()),
            "ATHENA_CLIENT_ID" => Some("id".to_owned()),
            "ATHENA_CLIENT_SECRET" => Some("s3cret".to_owned()),
            "ATHENA_PRACTICE_ID" => Some("195900".to_owned()),
            _ => None,
        };
        let b = ClientBuilder::from_vars(vars).unwrap();
        assert!(!format!("{b:?}").contains("s3cret"));
        let c = b.build().unwrap();
        assert_eq!(c.default_practice().unwrap().id(), PracticeId::new(195900));
        let missing = ClientBuilder::from_vars(|k| (k == "ATHENA_CLIENT_ID").then(|| "x".into()))
            .unwrap_err();
        assert!(
            missing.to_string().contains("ATHENA_CLIENT_SECRET"),
            "{missing}"
        );
        let env = ClientBuilder::from_vars(|k| match k {
            "ATHENA_ENVIRONMENT" => Some("production".into()),
            "ATHENA_CLIENT_ID" | "ATHENA_CLIENT_SECRET" => Some("x".into()),
            _ => None,
        })
        .unwrap()
        .build()
        .unwrap();
        assert_eq!(env.environment(), &Environment::Production);
    }

    #[test]
    fn env_values_are_validated_and_name_the_variable() {
        let with = |name: &'static str, value: &'static str| {
            ClientBuilder::from_vars(move |k| match k {
                "ATHENA_CLIENT_ID" | "ATHENA_CLIENT_SECRET" => Some("x".into()),
                k if k == name => Some(value.into()),
                _ => None,
            })
            .and_then(ClientBuilder::build)
        };
        for (name, value) in [
            ("ATHENA_PRACTICE_ID", "0"),
            ("ATHENA_PRACTICE_ID", "-3"),
            ("ATHENA_PRACTICE_ID", "abc"),
            ("ATHENA_MAX_QPS", "0"),
            ("ATHENA_MAX_QPS", "-2"),
            ("ATHENA_MAX_QPS", "NaN"),
            ("ATHENA_MAX_QPS", "inf"),
            ("ATHENA_BASE_URL", "https://proxy.example/base"),
        ] {
            let e = with(name, value).unwrap_err();
            assert_eq!(e.kind(), ErrorKind::Config, "{name}={value}");
            let text = e.to_string();
            assert!(
                text.contains(name) || name == "ATHENA_BASE_URL",
                "{name}={value}: {text}"
            );
        }
        assert!(with("ATHENA_MAX_QPS", "2.5").is_ok());
        assert!(with("ATHENA_PRACTICE_ID", "1").is_ok());
    }
}
