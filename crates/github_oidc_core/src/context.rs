//! Where to talk to: a GitHub host, its REST API base URL, its OIDC issuer, and a token.
//!
//! | Host | API base | Issuer |
//! | --- | --- | --- |
//! | `github.com` | `https://api.github.com` | `https://token.actions.githubusercontent.com` |
//! | `SUBDOMAIN.ghe.com` | `https://api.SUBDOMAIN.ghe.com` | `https://token.actions.SUBDOMAIN.ghe.com` |
//! | any other host (GHES) | `https://HOST/api/v3` | `https://HOST/_services/token` |
//!
//! An explicit `api_base_uri` / `issuer_uri` overrides the derivation (tests point both at a
//! local fake server). The token is held as a [`SecretString`] and never printed.

use crate::error::{Error, Result};
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};
use std::time::Duration;
use url::Url;

/// The default host.
pub const GITHUB_COM: &str = "github.com";
/// The github.com OIDC issuer.
pub const GITHUB_COM_ISSUER: &str = "https://token.actions.githubusercontent.com";

/// What the caller knows about the context; everything is optional.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(default)]
pub struct ContextOptions {
    /// `github.com`, `SUBDOMAIN.ghe.com` or a GHES host name (a URL is accepted too).
    pub host_name: Option<String>,
    /// Overrides the REST API base URL.
    pub api_base_uri: Option<String>,
    /// Overrides the OIDC issuer URL.
    pub issuer_uri: Option<String>,
    /// The token (already resolved from the environment by the caller).
    #[serde(skip_serializing)]
    pub token: Option<String>,
    /// Per-request timeout in seconds (default 30).
    pub timeout_sec: Option<f64>,
    /// Retries of transient failures (default 3).
    pub max_retries: Option<u32>,
    /// Longest single wait before a retry, in seconds (default 30). Longer waits fail instead.
    pub max_retry_wait_sec: Option<f64>,
}

/// The kind of GitHub instance.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum HostKind {
    /// github.com
    GitHubCom,
    /// GHE.com (data residency), `SUBDOMAIN.ghe.com`
    GheCom,
    /// GitHub Enterprise Server
    Ghes,
}

/// A resolved context.
#[derive(Clone)]
pub struct Context {
    /// Normalised host name.
    pub host_name: String,
    /// Kind of instance.
    pub kind: HostKind,
    /// REST API base, without a trailing slash.
    pub api_base_uri: Url,
    /// OIDC issuer, without a trailing slash.
    pub issuer_uri: Url,
    token: Option<SecretString>,
    /// Per-request timeout.
    pub timeout: Duration,
    /// Retries of transient failures.
    pub max_retries: u32,
    /// Longest single wait before a retry.
    pub max_retry_wait: Duration,
    /// Whether the issuer was given rather than derived from the host.
    issuer_overridden: bool,
}

impl std::fmt::Debug for Context {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Context")
            .field("host_name", &self.host_name)
            .field("api_base_uri", &self.api_base_uri.as_str())
            .field("issuer_uri", &self.issuer_uri.as_str())
            .field("token", &self.token.as_ref().map(|_| "***"))
            .finish()
    }
}

/// Normalises a host name: lower case, no scheme, no path, no trailing dot; `api.github.com`
/// and `api.SUB.ghe.com` map to their web host.
pub fn normalize_host(input: &str) -> Result<String> {
    if looks_like_token(input) {
        // Never echo it.
        return Err(Error::invalid(
            "The host name looks like a token. Pass the token as -Context @{ Token = ... } or in GH_TOKEN, and a host name such as github.com.",
        ));
    }
    let mut h = input.trim().to_ascii_lowercase();
    for scheme in ["https://", "http://"] {
        if let Some(rest) = h.strip_prefix(scheme) {
            h = rest.to_string();
        }
    }
    if let Some(i) = h.find('/') {
        h.truncate(i);
    }
    let h = h.trim_end_matches('.').to_string();
    if h.is_empty() {
        return Err(Error::invalid("The host name is empty. Use github.com, SUBDOMAIN.ghe.com or your GitHub Enterprise Server host name."));
    }
    let valid = h
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.' || c == ':' || c == '[' || c == ']');
    if !valid {
        return Err(Error::invalid(format!(
            "'{input}' is not a valid host name. Use github.com, SUBDOMAIN.ghe.com or your GitHub Enterprise Server host name."
        )));
    }
    if h == "api.github.com" || h == "www.github.com" {
        return Ok(GITHUB_COM.to_string());
    }
    if h.ends_with(".ghe.com") {
        if let Some(rest) = h.strip_prefix("api.") {
            return Ok(rest.to_string());
        }
    }
    Ok(h)
}

fn parse_url(what: &str, s: &str) -> Result<Url> {
    let trimmed = s.trim().trim_end_matches('/');
    let url = Url::parse(trimmed)
        .map_err(|e| Error::invalid(format!("{what} '{s}' is not an absolute URL: {e}")))?;
    if url.scheme() != "https" && url.scheme() != "http" {
        return Err(Error::invalid(format!("{what} '{s}' must be an http(s) URL.")));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(Error::invalid(format!("{what} must not contain credentials.")));
    }
    Ok(url)
}

/// Whether a string looks like a GitHub token (classic, fine-grained, app, OAuth) rather than a name.
pub fn looks_like_token(s: &str) -> bool {
    let s = s.trim();
    ["ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_"]
        .iter()
        .any(|p| s.starts_with(p))
        || (s.len() == 40 && s.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// The kind of instance a normalised host name belongs to.
pub fn host_kind(host: &str) -> HostKind {
    if host == GITHUB_COM {
        HostKind::GitHubCom
    } else if host.ends_with(".ghe.com") {
        HostKind::GheCom
    } else {
        HostKind::Ghes
    }
}

/// The derived (API base, issuer) of a normalised host name.
pub fn derive_endpoints(host: &str) -> (String, String) {
    match host_kind(host) {
        HostKind::GitHubCom => ("https://api.github.com".into(), GITHUB_COM_ISSUER.into()),
        HostKind::GheCom => {
            let sub = host.trim_end_matches(".ghe.com");
            (
                format!("https://api.{sub}.ghe.com"),
                format!("https://token.actions.{sub}.ghe.com"),
            )
        }
        HostKind::Ghes => (
            format!("https://{host}/api/v3"),
            format!("https://{host}/_services/token"),
        ),
    }
}

impl Context {
    /// Resolves options into a context. Explicit URLs win over the derivation.
    pub fn resolve(opts: &ContextOptions) -> Result<Context> {
        let host_name = match opts.host_name.as_deref().filter(|h| !h.trim().is_empty()) {
            Some(h) => normalize_host(h)?,
            None => match opts.api_base_uri.as_deref() {
                // A context that only names an API URL: take its host for display.
                Some(api) => {
                    let url = parse_url("ApiBaseUri", api)?;
                    match (url.host_str(), url.port()) {
                        (Some(h), Some(port)) => format!("{}:{port}", h.to_ascii_lowercase()),
                        (Some(h), None) => normalize_host(h).unwrap_or_else(|_| h.to_string()),
                        (None, _) => GITHUB_COM.into(),
                    }
                }
                None => GITHUB_COM.to_string(),
            },
        };
        let (api, issuer) = derive_endpoints(&host_name);
        let api_base_uri = parse_url("ApiBaseUri", opts.api_base_uri.as_deref().unwrap_or(&api))?;
        let issuer_uri = parse_url("IssuerUri", opts.issuer_uri.as_deref().unwrap_or(&issuer))?;
        let token = opts
            .token
            .as_deref()
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(|t| SecretString::from(t.to_string()));
        if let Some(t) = &token {
            if t.expose_secret().chars().any(|c| c.is_control() || c == ' ') {
                return Err(Error::invalid("The token contains spaces or control characters."));
            }
        }
        let secs = |v: Option<f64>, default: f64, what: &str| -> Result<Duration> {
            let v = v.unwrap_or(default);
            if !(v.is_finite() && v > 0.0 && v <= 3600.0) {
                return Err(Error::invalid(format!(
                    "{what} must be between 0 and 3600 seconds."
                )));
            }
            Ok(Duration::from_secs_f64(v))
        };
        let max_retries = opts.max_retries.unwrap_or(3);
        if max_retries > 10 {
            return Err(Error::invalid("MaxRetries must be between 0 and 10."));
        }
        Ok(Context {
            kind: host_kind(&host_name),
            host_name,
            api_base_uri,
            issuer_uri,
            token,
            timeout: secs(opts.timeout_sec, 30.0, "TimeoutSec")?,
            max_retries,
            max_retry_wait: secs(opts.max_retry_wait_sec, 30.0, "MaxRetryWaitSec")?,
            issuer_overridden: opts.issuer_uri.as_deref().is_some_and(|i| !i.trim().is_empty()),
        })
    }

    /// Whether a token is available.
    pub fn has_token(&self) -> bool {
        self.token.is_some()
    }

    /// The token, or an error that says how to provide one.
    pub(crate) fn require_token(&self) -> Result<&SecretString> {
        self.token.as_ref().ok_or_else(|| {
            Error::invalid(format!(
                "No GitHub token for {}. Pass -Context @{{ HostName = '{}'; Token = <token> }}, set GH_TOKEN or GITHUB_TOKEN, or run 'gh auth login --hostname {}'.",
                self.host_name, self.host_name, self.host_name
            ))
        })
    }

    /// The issuer URL as a string without a trailing slash.
    pub fn issuer(&self) -> String {
        self.issuer_uri.as_str().trim_end_matches('/').to_string()
    }

    /// The issuer for an enterprise: `ISSUER/<slug>` when a slug is given. Enterprise-scoped
    /// issuers exist on GitHub Enterprise Cloud only, so a GHES host refuses one (unless the
    /// issuer was given explicitly).
    pub fn issuer_for(&self, enterprise: Option<&str>) -> Result<String> {
        match enterprise {
            Some(_) if self.kind == HostKind::Ghes && !self.issuer_overridden => Err(Error::invalid(format!(
                "{} is a GitHub Enterprise Server host: enterprise-scoped OIDC issuers exist only on GitHub Enterprise Cloud (github.com and GHE.com). Omit -Enterprise.",
                self.host_name
            ))),
            Some(slug) => Ok(format!(
                "{}/{}",
                self.issuer(),
                crate::names::segment("Enterprise", slug)?
            )),
            None => Ok(self.issuer()),
        }
    }

    /// The enterprise-scoped issuer `ISSUER/<slug>` (slug validated and percent-encoded).
    /// Enterprise-scoped issuers exist on GitHub Enterprise Cloud only: a GHES host refuses
    /// one with `InvalidArgument` (unless the issuer was given explicitly).
    pub fn enterprise_issuer(&self, enterprise: &str) -> Result<String> {
        self.issuer_for(Some(enterprise))
    }

    /// Refuses enterprise-level calls on GitHub Enterprise Server hosts.
    pub fn require_cloud(&self, what: &str) -> Result<()> {
        if self.kind == HostKind::Ghes && !self.issuer_overridden {
            return Err(Error::invalid(format!(
                "{what} exists only on GitHub Enterprise Cloud; {} is a GitHub Enterprise Server host.",
                self.host_name
            )));
        }
        Ok(())
    }

    /// An API URL for already-encoded path segments.
    pub fn api_url(&self, path: &str) -> String {
        format!("{}{}", self.api_base_uri.as_str().trim_end_matches('/'), path)
    }

    /// A JSON description without the token (for `Get-GitHubOidcContext`).
    pub fn describe(&self) -> serde_json::Value {
        serde_json::json!({
            "host_name": self.host_name,
            "kind": self.kind,
            "api_base_uri": self.api_base_uri.as_str().trim_end_matches('/'),
            "issuer_uri": self.issuer(),
            "discovery_uri": format!("{}/.well-known/openid-configuration", self.issuer()),
            "has_token": self.has_token(),
            "timeout_sec": self.timeout.as_secs_f64(),
            "max_retries": self.max_retries,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ctx(host: &str) -> Context {
        Context::resolve(&ContextOptions {
            host_name: Some(host.into()),
            ..Default::default()
        })
        .unwrap()
    }

    #[test]
    fn github_com() {
        let c = ctx("github.com");
        assert_eq!(c.api_base_uri.as_str(), "https://api.github.com/");
        assert_eq!(c.issuer(), "https://token.actions.githubusercontent.com");
        assert_eq!(ctx("https://api.github.com/").host_name, "github.com");
    }

    #[test]
    fn ghe_com() {
        let c = ctx("octocorp.ghe.com");
        assert_eq!(c.api_base_uri.as_str(), "https://api.octocorp.ghe.com/");
        assert_eq!(c.issuer(), "https://token.actions.octocorp.ghe.com");
        assert_eq!(ctx("api.octocorp.ghe.com").host_name, "octocorp.ghe.com");
        assert_eq!(
            c.issuer_for(Some("octocorp")).unwrap(),
            "https://token.actions.octocorp.ghe.com/octocorp"
        );
    }

    #[test]
    fn ghes() {
        let c = ctx("GitHub.Example.COM");
        assert_eq!(c.host_name, "github.example.com");
        assert_eq!(c.api_base_uri.as_str(), "https://github.example.com/api/v3");
        assert_eq!(c.issuer(), "https://github.example.com/_services/token");
    }

    #[test]
    fn overrides_win() {
        let c = Context::resolve(&ContextOptions {
            host_name: Some("github.com".into()),
            api_base_uri: Some("http://127.0.0.1:9/".into()),
            issuer_uri: Some("http://127.0.0.1:9/issuer/".into()),
            ..Default::default()
        })
        .unwrap();
        assert_eq!(c.api_url("/orgs/x"), "http://127.0.0.1:9/orgs/x");
        assert_eq!(c.issuer(), "http://127.0.0.1:9/issuer");
    }

    #[test]
    fn keeps_the_port_of_an_api_url() {
        let c = Context::resolve(&ContextOptions {
            api_base_uri: Some("https://ghes.corp:8443/api/v3".into()),
            ..Default::default()
        })
        .unwrap();
        assert_eq!(c.host_name, "ghes.corp:8443");
        assert_eq!(c.issuer(), "https://ghes.corp:8443/_services/token");
    }

    #[test]
    fn enterprise_issuers_are_cloud_only() {
        assert!(ctx("github.example.com").issuer_for(Some("acme")).is_err());
        assert!(ctx("github.example.com").require_cloud("x").is_err());
        assert!(ctx("github.com").require_cloud("x").is_ok());
        assert_eq!(
            ctx("github.com").issuer_for(Some("acme")).unwrap(),
            "https://token.actions.githubusercontent.com/acme"
        );
    }

    #[test]
    fn a_token_is_not_a_host_and_is_not_echoed() {
        let fake = format!("ghp_{}", "a1".repeat(18));
        let e = normalize_host(&fake).unwrap_err().to_string();
        assert!(!e.contains(&fake), "{e}");
        assert!(normalize_host(&"0123456789abcdef".repeat(3)[..40]).is_err());
    }

    #[test]
    fn rejects_bad_hosts_and_hides_token() {
        assert!(normalize_host("bad host").is_err());
        assert!(normalize_host("").is_err());
        let c = Context::resolve(&ContextOptions {
            token: Some("s3cret-value".into()),
            ..Default::default()
        })
        .unwrap();
        assert!(!format!("{c:?}").contains("s3cret"));
        assert!(!c.describe().to_string().contains("s3cret"));
    }
}
