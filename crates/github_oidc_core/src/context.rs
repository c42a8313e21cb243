//! Where to talk to: a GitHub host, its REST API base URL, its OIDC issuer, and a token.
//!
//! | Host | API base | Issuer |
//! | --- | --- | --- |
//! | `github.com` | `https://api.github.com` | `https://token.actions.githubusercontent.com` |
//! | `SUBDOMAIN.ghe.com` | `https://api.SUBDOMAIN.ghe.com` | `https://token.actions.SUBDOMAIN.ghe.com` |
//! | any other host (GHES) | `https://HOST/api/v3` | `https://HOST/_services/token` |
//!
//! [`host_kind`] is the one place that decides the kind. GHE.com hosts are exactly one label
//! under `ghe.com` (contract §6.2); `api.SUBDOMAIN.ghe.com` is read as `SUBDOMAIN.ghe.com`, and
//! any other name under `ghe.com` (`x.y.ghe.com`) is refused rather than guessed.
//! [`Context::describe`] tells callers which environment variables hold the token for the
//! kind ([`HostKind::token_variables`]) and which host to ask `gh auth token --hostname` for.
//!
//! An explicit `api_base_uri` / `issuer_uri` overrides the derivation (tests point both at a
//! local fake server). The token is held as a [`SecretString`] and never printed.
//!
//! Instead of a token, a context may carry a GitHub App (`client_id` or `app_id`,
//! `private_key` or `private_key_path`, optional `installation_id`): requests then use an
//! installation token (see [`crate::app`]). A token and an App together are refused.

use crate::credentials::{App, Credentials};
use crate::error::{Error, Result};
use github_oidc_claims::text::shorten;
use secrecy::SecretString;
use serde::{Deserialize, Serialize};
use std::time::Duration;
use url::Url;

/// The default host.
pub const GITHUB_COM: &str = "github.com";
/// The github.com OIDC issuer (one home: `github_oidc_claims::STANDARD_ISSUER`).
pub const GITHUB_COM_ISSUER: &str = github_oidc_claims::token::STANDARD_ISSUER;

crate::contract_struct! {
    /// What the caller knows about the context; everything is optional. It is the `context` member
    /// of every request of the C ABI, so an unknown member is refused, not ignored.
    #[derive(Default, Clone, Deserialize)]
    #[serde(default, deny_unknown_fields)]
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
        /// GitHub App: its client ID (`Iv23li…`), the JWT issuer GitHub recommends. With
        /// `private_key` or `private_key_path` the context acts as the App's installation
        /// instead of using a token.
        pub client_id: Option<String>,
        /// GitHub App: its numeric app ID, the JWT issuer when no `client_id` is given.
        pub app_id: Option<u64>,
        /// GitHub App: its private key, PEM text (`-----BEGIN RSA PRIVATE KEY-----` or PKCS#8).
        #[serde(skip_serializing)]
        pub private_key: Option<String>,
        /// GitHub App: the path of its private key's PEM file (absolute: the caller resolves
        /// relative paths).
        pub private_key_path: Option<String>,
        /// GitHub App: the installation to act as; absent = looked up for the organization,
        /// repository or user each request targets.
        pub installation_id: Option<u64>,
        /// Per-request timeout in seconds (default 30).
        pub timeout_sec: Option<f64>,
        /// Retries of transient failures (default 3).
        pub max_retries: Option<u32>,
        /// Longest single wait before a retry, in seconds (default 30). Longer waits fail instead.
        pub max_retry_wait_sec: Option<f64>,
        /// Points per minute per token on this host (GET 1, other methods 5; default 900,
        /// GitHub's secondary limit); `0` turns pacing off.
        pub points_per_minute: Option<u32>,
        /// Least time between two writes of the credential, in seconds (default 1, GitHub's
        /// advice for mutating requests); `0` turns it off.
        pub write_interval_sec: Option<f64>,
        /// The proxy for every request (`http://HOST:PORT`), instead of `HTTPS_PROXY` /
        /// `HTTP_PROXY` / `ALL_PROXY`.
        pub proxy: Option<String>,
        /// Hosts that bypass the proxy (comma-separated, as `NO_PROXY`), instead of `NO_PROXY`.
        pub no_proxy: Option<String>,
        /// A PEM file, or a folder of PEM files, of certificate authorities to trust besides the
        /// system's, instead of `SSL_CERT_FILE` / `SSL_CERT_DIR`.
        pub ca_certificate_path: Option<String>,
        /// Allow `http://` API and issuer URLs on hosts other than this machine (tokens then
        /// travel unencrypted; every call warns).
        pub allow_insecure_http: Option<bool>,
        /// The network variables (`HTTPS_PROXY`, `NO_PROXY`, `SSL_CERT_FILE`, … as the context
        /// description's `network_variables` names them) as the caller sees them; absent = this
        /// process's environment.
        pub environment: Option<std::collections::BTreeMap<String, String>>,
        /// A folder (absolute: the caller resolves relative paths) where answers GitHub may
        /// confirm with `304 Not Modified` are kept for the next process: one file per host and
        /// credential ([`crate::conditional`]). Absent: they are kept in memory only.
        pub cache_path: Option<String>,
    }
}

/// Never shows the token or the private key.
impl std::fmt::Debug for ContextOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let hidden = |v: &Option<String>| v.as_ref().map(|_| "***");
        f.debug_struct("ContextOptions")
            .field("host_name", &self.host_name)
            .field("api_base_uri", &self.api_base_uri)
            .field("issuer_uri", &self.issuer_uri)
            .field("token", &hidden(&self.token))
            .field("client_id", &self.client_id)
            .field("app_id", &self.app_id)
            .field("private_key", &hidden(&self.private_key))
            .field("private_key_path", &self.private_key_path)
            .field("installation_id", &self.installation_id)
            .field("timeout_sec", &self.timeout_sec)
            .field("max_retries", &self.max_retries)
            .field("max_retry_wait_sec", &self.max_retry_wait_sec)
            .field("points_per_minute", &self.points_per_minute)
            .field("write_interval_sec", &self.write_interval_sec)
            .field("proxy", &self.proxy.as_deref().map(crate::network::shown_proxy))
            .field("no_proxy", &self.no_proxy)
            .field("ca_certificate_path", &self.ca_certificate_path)
            .field("allow_insecure_http", &self.allow_insecure_http)
            .field("cache_path", &self.cache_path)
            .finish()
    }
}

/// The kind of GitHub instance; serialised by its name (`GitHubCom`, `GheCom`, `Ghes`), which
/// `Get-GitHubOidcContext` shows as its Kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum HostKind {
    /// github.com
    GitHubCom,
    /// GHE.com (data residency), `SUBDOMAIN.ghe.com`
    GheCom,
    /// GitHub Enterprise Server
    Ghes,
}

impl HostKind {
    /// The environment variables that may hold a token for this kind of host, in the order to
    /// try them (as the GitHub CLI: GHES hosts look at the enterprise variables first, so a
    /// github.com token in `GH_TOKEN` is not their first choice).
    pub fn token_variables(self) -> &'static [&'static str] {
        match self {
            HostKind::Ghes => &[
                "GH_ENTERPRISE_TOKEN",
                "GITHUB_ENTERPRISE_TOKEN",
                "GH_TOKEN",
                "GITHUB_TOKEN",
            ],
            HostKind::GitHubCom | HostKind::GheCom => &["GH_TOKEN", "GITHUB_TOKEN"],
        }
    }
}

/// The `SUBDOMAIN` of a GHE.com host `SUBDOMAIN.ghe.com` (one DNS label), else `None`.
fn ghe_com_subdomain(host: &str) -> Option<&str> {
    let sub = host.strip_suffix(".ghe.com")?;
    (!sub.is_empty() && !sub.contains('.')).then_some(sub)
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
    /// What requests authenticate with: none, a token or a GitHub App (plain data; the one
    /// auth step that turns it into a request's bearer is [`crate::auth`]).
    pub credentials: Credentials,
    /// Per-request timeout.
    pub timeout: Duration,
    /// Retries of transient failures.
    pub max_retries: u32,
    /// Longest single wait before a retry.
    pub max_retry_wait: Duration,
    /// Whether the issuer was given rather than derived from the host.
    issuer_overridden: bool,
    /// Proxies and certificate authorities ([`crate::network`]).
    pub network: crate::network::Network,
    /// Points per minute per token ([`crate::budget`]); 0 = no pacing.
    pub points_per_minute: u32,
    /// Least time between two writes of the credential ([`crate::budget::WRITE_INTERVAL`]).
    pub write_interval: Duration,
    /// Warnings to show on every call (an allowed `http://` URL).
    pub warnings: Vec<String>,
    /// The folder of the conditional-request cache files ([`crate::conditional`]), if any.
    pub cache_path: Option<std::path::PathBuf>,
}

impl std::fmt::Debug for Context {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Context")
            .field("host_name", &self.host_name)
            .field("api_base_uri", &self.api_base_uri.as_str())
            .field("issuer_uri", &self.issuer_uri.as_str())
            .field("credentials", &self.credentials)
            .finish()
    }
}

/// The cache folder of a context: absent or blank = none; otherwise an absolute path that is
/// not a file (it is created when the cache is first written).
fn cache_path(given: Option<&str>) -> Result<Option<std::path::PathBuf>> {
    let Some(p) = given.map(str::trim).filter(|p| !p.is_empty()) else {
        return Ok(None);
    };
    let path = std::path::PathBuf::from(p);
    if !path.is_absolute() {
        return Err(Error::invalid(format!(
            "CachePath must be an absolute folder path; '{}' is relative.",
            shorten(p)
        )));
    }
    if path.exists() && !path.is_dir() {
        return Err(Error::invalid(format!(
            "CachePath must be a folder; '{}' is a file.",
            shorten(p)
        )));
    }
    Ok(Some(path))
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
            "'{}' is not a valid host name. Use github.com, SUBDOMAIN.ghe.com or your GitHub Enterprise Server host name.",
            shorten(input.trim()).escape_debug()
        )));
    }
    if h.len() > 253 {
        return Err(Error::invalid(format!(
            "The host name '{}' is longer than 253 characters.",
            shorten(&h)
        )));
    }
    if h == "api.github.com" || h == "www.github.com" {
        return Ok(GITHUB_COM.to_string());
    }
    if h == "ghe.com" || h.ends_with(".ghe.com") {
        let web = h
            .strip_prefix("api.")
            .filter(|w| ghe_com_subdomain(w).is_some())
            .unwrap_or(&h);
        if ghe_com_subdomain(web).is_none() {
            return Err(Error::invalid(format!(
                "'{}' is not a GHE.com host: GHE.com hosts are SUBDOMAIN.ghe.com (one name before .ghe.com), for example octocorp.ghe.com.",
                shorten(&h)
            )));
        }
        return Ok(web.to_string());
    }
    Ok(h)
}

fn parse_url(what: &str, s: &str) -> Result<Url> {
    if looks_like_token(s) {
        // Never echo it.
        return Err(Error::invalid(format!(
            "{what} looks like a token. Pass the token as -Context @{{ Token = ... }} or in GH_TOKEN, and an http(s) URL here."
        )));
    }
    let trimmed = s.trim().trim_end_matches('/');
    let shown = shorten(s.trim());
    let url = Url::parse(trimmed)
        .map_err(|e| Error::invalid(format!("{what} '{shown}' is not an absolute URL: {e}")))?;
    if url.scheme() != "https" && url.scheme() != "http" {
        return Err(Error::invalid(format!(
            "{what} '{shown}' must be an http(s) URL."
        )));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(Error::invalid(format!("{what} must not contain credentials.")));
    }
    Ok(url)
}

/// Whether a whole value is a credential rather than a name: one definition for the project,
/// beside the redaction of free text ([`github_oidc_claims::text`]).
pub use github_oidc_claims::text::looks_like_token;

/// The kind of instance a normalised host name belongs to.
pub fn host_kind(host: &str) -> HostKind {
    if host == GITHUB_COM {
        HostKind::GitHubCom
    } else if ghe_com_subdomain(host).is_some() {
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
            let sub = ghe_com_subdomain(host).unwrap_or(host);
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
        let credentials = Credentials::from_fields(&crate::credentials::Fields {
            token: opts.token.clone(),
            client_id: opts.client_id.clone(),
            app_id: opts.app_id,
            private_key: opts.private_key.clone(),
            private_key_path: opts.private_key_path.clone(),
            installation_id: opts.installation_id,
        })?;
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
        let allow_http = opts.allow_insecure_http.unwrap_or(false);
        let warnings = [("ApiBaseUri", &api_base_uri), ("IssuerUri", &issuer_uri)]
            .into_iter()
            .map(|(what, url)| crate::network::check_cleartext(what, url, allow_http))
            .collect::<Result<Vec<_>>>()?
            .into_iter()
            .flatten()
            .collect();
        let network = crate::network::Network::resolve(
            opts.proxy.as_deref(),
            opts.no_proxy.as_deref(),
            opts.ca_certificate_path.as_deref(),
            opts.environment.as_ref(),
        )?;
        Ok(Context {
            kind: host_kind(&host_name),
            host_name,
            api_base_uri,
            issuer_uri,
            credentials,
            timeout: secs(opts.timeout_sec, 30.0, "TimeoutSec")?,
            max_retries,
            max_retry_wait: secs(opts.max_retry_wait_sec, 30.0, "MaxRetryWaitSec")?,
            issuer_overridden: opts.issuer_uri.as_deref().is_some_and(|i| !i.trim().is_empty()),
            network,
            points_per_minute: opts
                .points_per_minute
                .unwrap_or(crate::budget::DEFAULT_POINTS_PER_MINUTE),
            write_interval: match opts.write_interval_sec {
                Some(0.0) => Duration::ZERO,
                Some(v) => secs(Some(v), 1.0, "WriteIntervalSec")?,
                None => crate::budget::WRITE_INTERVAL,
            },
            warnings,
            cache_path: cache_path(opts.cache_path.as_deref())?,
        })
    }

    /// Whether a token is available.
    pub fn has_token(&self) -> bool {
        matches!(self.credentials, Credentials::Token(_))
    }

    /// The GitHub App the context acts as, if any.
    pub fn app(&self) -> Option<&App> {
        match &self.credentials {
            Credentials::App(app) => Some(app),
            _ => None,
        }
    }

    /// Every secret this context authenticates with, for callers that redact answers: its
    /// token, and for a GitHub App its private key and the installation tokens and JWTs
    /// obtained for it so far (see [`App::issued`]).
    pub fn secrets(&self) -> Vec<SecretString> {
        self.credentials.secrets()
    }

    /// The error of an authenticated request without credentials: how to give a token for this
    /// host (the variables of its kind) or an App ([`Credentials::missing`]).
    pub fn missing_credentials(&self) -> Error {
        Credentials::missing(&self.host_name, self.kind.token_variables())
    }

    /// Succeeds when requests can be authenticated (a token or a GitHub App); otherwise
    /// [`Context::missing_credentials`].
    pub(crate) fn require_token(&self) -> Result<()> {
        match self.credentials.any() {
            true => Ok(()),
            false => Err(self.missing_credentials()),
        }
    }

    /// The REST API base URL without a trailing slash.
    pub fn api_base(&self) -> String {
        self.api_base_uri.as_str().trim_end_matches('/').to_string()
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

    /// The host to ask the GitHub CLI for a token (`gh auth token --hostname`): the web host
    /// name, also when the context was given only an API URL.
    pub fn gh_host(&self) -> &str {
        &self.host_name
    }

    /// A JSON description without the token (for `Get-GitHubOidcContext` and for callers that
    /// look up a token): `kind` is `github.com`, `ghe.com` or `ghes`; `token_variables` are the
    /// environment variables to try, in order; `gh_host` is the host for `gh auth token`.
    pub fn describe(&self) -> Description {
        Description {
            host_name: self.host_name.clone(),
            kind: self.kind,
            // An App context uses installation tokens: no variable is read for it.
            token_variables: match self.credentials {
                Credentials::App(_) => Vec::new(),
                _ => self
                    .kind
                    .token_variables()
                    .iter()
                    .map(|v| v.to_string())
                    .collect(),
            },
            gh_host: self.gh_host().to_string(),
            api_base_uri: self.api_base_uri.as_str().trim_end_matches('/').to_string(),
            issuer_uri: self.issuer(),
            discovery_uri: format!("{}/.well-known/openid-configuration", self.issuer()),
            has_token: self.has_token(),
            app: self.app().map(App::describe),
            missing_token_message: self.missing_credentials().to_string(),
            timeout_sec: self.timeout.as_secs_f64(),
            max_retries: self.max_retries,
            network_variables: crate::network::NETWORK_VARIABLES
                .iter()
                .map(|v| v.to_string())
                .collect(),
            proxy: self.network.proxy_for(self.api_base_uri.as_str()),
            points_per_minute: self.points_per_minute,
            warnings: self.warnings.clone(),
            cache_path: self.cache_path.as_ref().map(|p| p.display().to_string()),
            cache_warnings: Vec::new(),
        }
    }
}

crate::contract_struct! {
    /// A resolved context as the ABI describes it (`ghoidc_context`); never the token.
    #[derive(Debug, Clone, Serialize)]
    pub struct Description {
        /// The normalised host name.
        pub host_name: String,
        /// GitHubCom, GheCom or Ghes.
        pub kind: HostKind,
        /// The environment variables that may hold a token for this host, in the order to try them.
        pub token_variables: Vec<String>,
        /// The host name to pass to `gh auth token --hostname`.
        pub gh_host: String,
        /// The REST API base URL, without a trailing slash.
        pub api_base_uri: String,
        /// The OIDC issuer.
        pub issuer_uri: String,
        /// The issuer's discovery document URL.
        pub discovery_uri: String,
        /// Whether the context carries a token (the token itself is never described).
        pub has_token: bool,
        /// The GitHub App the context acts as (never its key); absent without one. A context
        /// with an App reads no token variables.
        #[serde(skip_serializing_if = "Option::is_none")]
        pub app: Option<crate::credentials::AppDescription>,
        /// What an authenticated command says when no token is found for this host (the one
        /// wording; PowerShell shows it when its own token lookup finds nothing).
        pub missing_token_message: String,
        /// Per-request timeout in seconds.
        pub timeout_sec: f64,
        /// Retries of transient failures.
        pub max_retries: u32,
        /// The environment variables that hold proxy and certificate settings: the caller
        /// passes those it sees as the context's `environment`.
        pub network_variables: Vec<String>,
        /// The proxy requests to the API go through (without credentials); absent = direct.
        #[serde(skip_serializing_if = "Option::is_none")]
        pub proxy: Option<String>,
        /// Points per minute per token (GitHub's secondary limit); 0 = no pacing.
        pub points_per_minute: u32,
        /// Warnings to show on every call that uses this context (an allowed `http://` URL).
        pub warnings: Vec<String>,
        /// The cache folder ([`crate::conditional`]), if any.
        pub cache_path: Option<String>,
        /// Warnings to show once: a cache file that could not be read (corrupt, of another
        /// version) or written ([`crate::conditional::take_warnings`]).
        pub cache_warnings: Vec<String>,
    }
}

impl schemars::JsonSchema for HostKind {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "HostKind".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "The kind of GitHub instance: github.com, GHE.com (SUBDOMAIN.ghe.com) or GitHub Enterprise Server.",
            "type": "string",
            "enum": ["GitHubCom", "GheCom", "Ghes"]
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn json(d: Description) -> serde_json::Value {
        serde_json::to_value(d).unwrap()
    }

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
    fn every_token_shape_is_refused_and_not_echoed() {
        let jwt = "eyJhbGciOiJSUzI1NiIsImtpZCI6IjEifQ.eyJzdWIiOiJyZXBvOm8vcjpyZWY6cmVmcy9oZWFkcy9tYWluIn0.c2lnbmF0dXJl";
        let samples = [
            format!("ghp_{}", "A1b2".repeat(9)),
            format!("gho_{}", "x".repeat(36)),
            format!("ghu_{}", "x".repeat(36)),
            format!("ghs_{}", "x".repeat(36)),
            format!("ghr_{}", "x".repeat(36)),
            format!("github_pat_11ABC_{}", "y".repeat(59)),
            "0123456789abcdef0123456789ABCDEF01234567".to_string(),
            jwt.to_string(),
            format!("Bearer {jwt}"),
        ];
        for t in &samples {
            assert!(looks_like_token(t), "{t}");
            let e = normalize_host(t).unwrap_err();
            assert_eq!(e.kind(), crate::ErrorKind::InvalidArgument);
            assert!(!e.to_string().contains(t.trim_start_matches("Bearer ")), "{e}");
            let e = Context::resolve(&ContextOptions {
                host_name: Some(t.clone()),
                ..Default::default()
            })
            .unwrap_err();
            assert!(!e.to_string().contains(&t[4..]), "{e}");
            let e = Context::resolve(&ContextOptions {
                api_base_uri: Some(t.clone()),
                ..Default::default()
            })
            .unwrap_err();
            assert!(!e.to_string().contains(&t[4..]), "{e}");
        }
        for host in [
            "github.com",
            "eyJ.example.com",
            "octocorp.ghe.com",
            "ghes.corp:8443",
            "deadbeef.example.com",
        ] {
            assert!(!looks_like_token(host), "{host}");
        }
    }

    #[test]
    fn one_function_decides_the_kind() {
        assert_eq!(host_kind("github.com"), HostKind::GitHubCom);
        assert_eq!(host_kind("octocorp.ghe.com"), HostKind::GheCom);
        assert_eq!(host_kind("github.example.com"), HostKind::Ghes);
        assert_eq!(host_kind("x.y.z.ghe.com"), HostKind::Ghes);
        assert_eq!(ctx("api.octocorp.ghe.com").kind, HostKind::GheCom);
        for bad in ["x.y.z.ghe.com", "x.y.ghe.com", "ghe.com", "api.x.y.ghe.com"] {
            let e = normalize_host(bad).unwrap_err().to_string();
            assert!(e.contains("SUBDOMAIN.ghe.com"), "{bad}: {e}");
        }
    }

    #[test]
    fn describe_names_kind_token_variables_and_gh_host() {
        let d = json(ctx("github.com").describe());
        assert_eq!(d["kind"], "GitHubCom");
        assert_eq!(
            d["token_variables"],
            serde_json::json!(["GH_TOKEN", "GITHUB_TOKEN"])
        );
        assert_eq!(d["gh_host"], "github.com");
        let d = json(ctx("https://api.octocorp.ghe.com/").describe());
        assert_eq!(d["kind"], "GheCom");
        assert_eq!(
            d["token_variables"],
            serde_json::json!(["GH_TOKEN", "GITHUB_TOKEN"])
        );
        assert_eq!(d["gh_host"], "octocorp.ghe.com");
        let d = json(ctx("GitHub.Example.com").describe());
        assert_eq!(d["kind"], "Ghes");
        assert_eq!(
            d["token_variables"],
            serde_json::json!([
                "GH_ENTERPRISE_TOKEN",
                "GITHUB_ENTERPRISE_TOKEN",
                "GH_TOKEN",
                "GITHUB_TOKEN"
            ])
        );
        assert_eq!(d["gh_host"], "github.example.com");
        // Only an API URL: the host for gh comes from it.
        let only_api = |api: &str| {
            let d = Context::resolve(&ContextOptions {
                api_base_uri: Some(api.into()),
                ..Default::default()
            })
            .unwrap()
            .describe();
            json(d)
        };
        assert_eq!(only_api("https://api.github.com")["gh_host"], "github.com");
        assert_eq!(
            only_api("https://api.octocorp.ghe.com")["gh_host"],
            "octocorp.ghe.com"
        );
        let d = only_api("https://ghes.corp/api/v3");
        assert_eq!(d["gh_host"], "ghes.corp");
        assert_eq!(d["kind"], "Ghes");
    }

    #[test]
    fn enterprise_issuer_is_encoded_and_cloud_only() {
        assert_eq!(
            ctx("github.com").enterprise_issuer("octocat-inc").unwrap(),
            "https://token.actions.githubusercontent.com/octocat-inc"
        );
        assert_eq!(
            ctx("octocorp.ghe.com").enterprise_issuer("octocorp").unwrap(),
            "https://token.actions.octocorp.ghe.com/octocorp"
        );
        let e = ctx("github.example.com").enterprise_issuer("acme").unwrap_err();
        assert_eq!(e.kind(), crate::ErrorKind::InvalidArgument);
        assert!(e.to_string().contains("Enterprise Server"), "{e}");
        assert!(ctx("github.com").enterprise_issuer("a/b").is_err());
        let long = "é".repeat(100_000);
        let e = ctx("github.com")
            .enterprise_issuer(&long)
            .unwrap_err()
            .to_string();
        assert!(e.len() < 500, "the slug is not echoed whole: {} bytes", e.len());
    }

    #[test]
    fn rejects_bad_hosts_and_hides_token() {
        assert!(normalize_host("bad host").is_err());
        let long = format!("{}.example.com", "h".repeat(100_000));
        let e = normalize_host(&long).unwrap_err().to_string();
        assert!(e.len() < 400 && e.contains("253"), "{e}");
        let e = normalize_host(&format!("{} é", "h".repeat(100_000)))
            .unwrap_err()
            .to_string();
        assert!(e.len() < 400, "{e}");
        assert!(normalize_host("").is_err());
        let c = Context::resolve(&ContextOptions {
            token: Some("s3cret-value".into()),
            ..Default::default()
        })
        .unwrap();
        assert!(!format!("{c:?}").contains("s3cret"));
        let opts = ContextOptions {
            token: Some("s3cret-value".into()),
            private_key: Some("s3cret-key".into()),
            ..Default::default()
        };
        assert!(!format!("{opts:?}").contains("s3cret"), "{opts:?}");
        assert!(!json(c.describe()).to_string().contains("s3cret"));
    }
}
