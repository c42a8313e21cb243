//! GitHub Actions OIDC configuration client.
//!
//! Everything the PowerShell module needs from GitHub lives here, behind a synchronous API
//! (a process-wide tokio runtime and one pooled `reqwest` client, see [`http`]):
//!
//! | Module | What it does |
//! | --- | --- |
//! | [`actions`] | inside a GitHub Actions job: the ID token the runner gives the job |
//! | [`credentials`] | what a context authenticates with (none, a token, a GitHub App) as plain data; the App JWT |
//! | [`auth`] | the one auth step: the context's credentials → a request's bearer; REST calls of the endpoints |
//! | [`app`] | GitHub App installations: installation lookup, cached installation tokens |
//! | [`context`] | host name → API base URL and OIDC issuer (github.com, GHE.com, GHES), credentials |
//! | [`endpoints`] | every GitHub REST endpoint the crate calls: method, path, permission, API version |
//! | [`desired`] | desired state of an organization: the document, its schema, export and compare (pure) |
//! | [`error`] | one error enum that keeps GitHub's status, message and documentation URL |
//! | [`fleet`] | every repository of an organization: inventory types (issue 8) |
//! | [`http`] | the transport: headers, timeouts, retries with backoff that honours `retry-after`, pacing |
//! | [`budget`] | GitHub's secondary limit: points per minute per token, shared by the process |
//! | [`conditional`] | conditional requests: `ETag`s kept per host and credential, 304s answered from the cache, on disk with `cache_path` |
//! | [`network`] | proxies, extra certificate authorities, cleartext refusal; a client per setting |
//! | [`names`] | validation and percent-encoding of owner / repository / enterprise names |
//! | [`discovery`] | OIDC discovery documents and JWKS, cached per issuer |
//! | [`models`] | GitHub's request and response bodies as typed serde models |
//! | [`keys`] | claim-key validation with suggestions, the built-in key list |
//! | [`template`] | get / set the `sub` customization template of organizations and repositories |
//! | [`issuer`] | the enterprise issuer policy (`include_enterprise_slug`) |
//! | [`properties`] | custom-property inclusions (`repo_property_*` claims) of organizations and enterprises |
//! | [`schema`] | [`contract_struct!`]: serde + JSON Schema from one field list, for the ABI's types |
//! | [`write`](mod@write) | every write planned (dry run) or applied, answered as [`write::Written`] |
//! | [`preview`] | the effective template of a repository and the `sub` it produces |
//! | [`verify`] | ID token verification against the keys of its issuer |

pub mod actions;
pub mod app;
pub mod auth;
pub mod budget;
pub mod conditional;
pub mod context;
pub mod credentials;
pub mod desired;
pub mod discovery;
pub mod endpoints;
pub mod error;
pub mod fleet;
pub mod http;
pub mod issuer;
pub mod keys;
pub mod models;
pub mod names;
pub mod network;
pub mod preview;
pub mod properties;
pub mod schema;
pub mod template;
pub mod verify;
pub mod write;

pub use context::{Context, ContextOptions};
pub use error::{Error, ErrorKind, Result};
/// The secret types of [`Context::secrets`], for callers that redact them.
pub use secrecy::{ExposeSecret, SecretString};

/// The SHA-256 of `bytes` as lower-case hex (an App key's fingerprint, a write's state).
pub(crate) fn sha256_hex(bytes: &[u8]) -> String {
    ring::digest::digest(&ring::digest::SHA256, bytes)
        .as_ref()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The crate version, reported in the `User-Agent` header and by the module.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
