//! Credentials: what a context authenticates with, as plain data.
//!
//! A context carries [`Credentials`]: none, a token, or a GitHub App (client ID or app ID,
//! private key, optional installation ID). This module holds the data and its rules (which
//! fields make an App, which keys are usable, the App JWT, the message when there is none);
//! it sends nothing. Turning credentials into the bearer of one request (the token, or an
//! installation token exchanged with the App JWT) is [`crate::auth`]'s one step, with the
//! installation machinery in [`crate::app`].
//!
//! No error, log or `Debug` output contains a token, the key or a JWT.

use crate::error::{Error, Result};
use github_oidc_claims::text::looks_like_token;
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// How far in the past the JWT's `iat` is set (GitHub's advice against clock drift).
pub const JWT_BACKDATE: Duration = Duration::from_secs(60);
/// How long after now the JWT expires (`exp`); GitHub allows at most 10 minutes.
pub const JWT_LIFETIME: Duration = Duration::from_secs(9 * 60);
/// The credential fields of a context's options, as the caller gave them.
#[derive(Default, Clone)]
pub struct Fields {
    /// A token.
    pub token: Option<String>,
    /// A GitHub App's client ID.
    pub client_id: Option<String>,
    /// A GitHub App's numeric ID.
    pub app_id: Option<u64>,
    /// A GitHub App's private key (PEM text).
    pub private_key: Option<String>,
    /// The path of a GitHub App's private key file.
    pub private_key_path: Option<String>,
    /// The installation a GitHub App acts as.
    pub installation_id: Option<u64>,
}

/// What a context authenticates with. `Debug` never shows a secret.
#[derive(Clone, Default)]
pub enum Credentials {
    /// Nothing: an authenticated request fails before it is sent, with
    /// [`Credentials::missing`]'s message.
    #[default]
    None,
    /// A token (personal, OAuth, installation, `GITHUB_TOKEN`), sent as it is.
    Token(SecretString),
    /// A GitHub App: each request acts as one of its installations ([`crate::app`]).
    App(App),
}

impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Credentials::None => f.write_str("None"),
            Credentials::Token(_) => f.write_str("Token(***)"),
            Credentials::App(app) => f.debug_tuple("App").field(app).finish(),
        }
    }
}

impl Credentials {
    /// The credentials the fields describe. Rules: a token (trimmed; no spaces or control
    /// characters), or an App ([`App::from_fields`]), not both; a token with App IDs but no key is
    /// another tool's installation context, and the token is used.
    pub fn from_fields(fields: &Fields) -> Result<Credentials> {
        let token = fields
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
        Ok(match (App::from_fields(fields)?, token) {
            (Some(app), _) => Credentials::App(app),
            (None, Some(token)) => Credentials::Token(token),
            (None, None) => Credentials::None,
        })
    }

    /// Whether there are any (a token or an App).
    pub fn any(&self) -> bool {
        !matches!(self, Credentials::None)
    }

    /// The error of an authenticated request without credentials, for `host` (where a token
    /// may come from: `variables`, in the order they are tried, and `gh auth token`). The one
    /// wording: the native layer returns it, and `Get-GitHubOidcContext` / every command shows it.
    pub fn missing(host: &str, variables: &[&str]) -> Error {
        let variables = match variables {
            [] => "GH_TOKEN".to_string(),
            [one] => one.to_string(),
            [rest @ .., last] => format!("{} or {last}", rest.join(", ")),
        };
        Error::invalid(format!(
            "No GitHub token for {host}. Pass -Context @{{ HostName = '{host}'; Token = <token> }} (a string or a SecureString), set {variables}, run 'gh auth login --hostname {host}', or give a GitHub App (-Context @{{ ClientId = ...; PrivateKeyPath = ... }})."
        ))
    }

    /// Every secret these credentials hold or obtained, for redaction: the token; an App's key
    /// and its latest installation tokens and JWTs ([`App::issued`]).
    pub fn secrets(&self) -> Vec<SecretString> {
        match self {
            Credentials::None => Vec::new(),
            Credentials::Token(t) => vec![t.clone()],
            Credentials::App(app) => app.issued(),
        }
    }
}

/// Where the App's private key came from (shown by `Get-GitHubOidcContext`; never the key).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum KeySource {
    /// PEM text (or a SecureString) in the context.
    PrivateKey,
    /// A PEM file.
    PrivateKeyPath,
}

impl schemars::JsonSchema for KeySource {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "KeySource".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "Where a GitHub App's private key came from: PEM text in the context, or a file.",
            "type": "string",
            "enum": ["PrivateKey", "PrivateKeyPath"]
        })
    }
}

crate::contract_struct! {
    /// The GitHub App of a context, as `ghoidc_context` describes it: never the key, JWT or token.
    #[derive(Debug, Clone, Serialize)]
    pub struct AppDescription {
        /// The App's client ID, when given (the JWT issuer).
        #[serde(skip_serializing_if = "Option::is_none")]
        pub client_id: Option<String>,
        /// The App's numeric ID, when given (the JWT issuer when there is no client ID).
        #[serde(skip_serializing_if = "Option::is_none")]
        pub app_id: Option<u64>,
        /// The JWT issuer (`iss`): the client ID, else the app ID.
        pub issuer: String,
        /// The installation, when given; otherwise it is looked up for each owner.
        #[serde(skip_serializing_if = "Option::is_none")]
        pub installation_id: Option<u64>,
        /// PrivateKey or PrivateKeyPath.
        pub key_source: KeySource,
        /// The key file, when the key came from one.
        #[serde(skip_serializing_if = "Option::is_none")]
        pub private_key_path: Option<String>,
    }
}

/// A GitHub App: identity and private key. `Debug` never shows the key.
#[derive(Clone)]
pub struct App {
    client_id: Option<String>,
    app_id: Option<u64>,
    installation_id: Option<u64>,
    key_source: KeySource,
    private_key_path: Option<String>,
    key: SecretString,
    /// SHA-256 of the key (hex): part of the cache keys, so another key never gets this key's
    /// tokens.
    pub(crate) fingerprint: String,
    /// The latest installation tokens and JWTs this App (and its clones) used, for redaction
    /// ([`App::issued`]).
    issued: Arc<Mutex<Vec<SecretString>>>,
}

/// How many of the latest tokens and JWTs [`App::issued`] remembers.
const ISSUED_KEPT: usize = 16;

impl std::fmt::Debug for App {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("App")
            .field("issuer", &self.issuer())
            .field("installation_id", &self.installation_id)
            .field("key_source", &self.key_source)
            .field("private_key_path", &self.private_key_path)
            .finish_non_exhaustive()
    }
}

/// The claims of an App JWT.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct JwtClaims {
    /// Issued at: [`JWT_BACKDATE`] before now (Unix seconds).
    pub iat: u64,
    /// Expires: [`JWT_LIFETIME`] after now (Unix seconds).
    pub exp: u64,
    /// The client ID or app ID.
    pub iss: String,
}

impl JwtClaims {
    /// The claims of a JWT signed at `now` (Unix seconds) for `iss`.
    pub fn at(now: u64, iss: &str) -> JwtClaims {
        JwtClaims {
            iat: now.saturating_sub(JWT_BACKDATE.as_secs()),
            exp: now + JWT_LIFETIME.as_secs(),
            iss: iss.to_string(),
        }
    }
}

fn given(s: &Option<String>) -> Option<&str> {
    s.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

/// The PEM label (`RSA PRIVATE KEY`, `PRIVATE KEY`, …) of the first block, if any.
fn pem_label(pem: &str) -> Option<&str> {
    let start = pem.find("-----BEGIN ")? + "-----BEGIN ".len();
    let len = pem[start..].find("-----")?;
    Some(pem[start..start + len].trim())
}

impl App {
    /// The App a context's credential fields describe: `None` when they name none of its fields, or when
    /// a token comes with App IDs but no key (another tool's installation context: the token
    /// is used). Rules: a client ID or an app ID (client ID wins as the JWT issuer when both are given),
    /// exactly one of `private_key` / `private_key_path`, an RSA private key in PEM
    /// (PKCS#1 or PKCS#8), an installation ID above 0. Errors name the field and what is
    /// wrong, never the key.
    pub fn from_fields(opts: &Fields) -> Result<Option<App>> {
        let client_id = given(&opts.client_id);
        let key_text = given(&opts.private_key);
        let key_path = given(&opts.private_key_path);
        if client_id.is_none()
            && opts.app_id.is_none()
            && key_text.is_none()
            && key_path.is_none()
            && opts.installation_id.is_none()
        {
            return Ok(None);
        }
        if given(&opts.token).is_some() {
            if key_text.is_none() && key_path.is_none() {
                // Another tool's installation context (PSModule/GitHub) carries its token with
                // the App's IDs: the token is used as it is.
                return Ok(None);
            }
            return Err(Error::invalid(
                "The context has both a Token and a GitHub App (ClientId/AppId, PrivateKey or PrivateKeyPath, InstallationId): give one of them.",
            ));
        }
        if let Some(id) = client_id {
            if looks_like_token(id) {
                return Err(Error::invalid(
                    "The context's ClientId looks like a token or a key. Give the App's client ID (shown on the App's settings page, for example Iv23li…).",
                ));
            }
            if id.len() > 100
                || !id
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '_' || c == '-')
            {
                return Err(Error::invalid(
                    "The context's ClientId is not a GitHub App client ID: it has letters, digits, '.', '_' and '-' only (for example Iv23li…).",
                ));
            }
        }
        if opts.app_id == Some(0) {
            return Err(Error::invalid("The context's AppId must be a positive number."));
        }
        if opts.installation_id == Some(0) {
            return Err(Error::invalid(
                "The context's InstallationId must be a positive number.",
            ));
        }
        if client_id.is_none() && opts.app_id.is_none() {
            return Err(Error::invalid(
                "The context describes a GitHub App but names none: give its ClientId (recommended) or AppId, with PrivateKey or PrivateKeyPath.",
            ));
        }
        let (key, key_source, path) = match (key_text, key_path) {
            (Some(_), Some(_)) => {
                return Err(Error::invalid(
                    "The context has both PrivateKey and PrivateKeyPath: give one of them.",
                ))
            }
            (None, None) => {
                return Err(Error::invalid(
                    "The context names a GitHub App but no key: give PrivateKey (PEM text or a SecureString) or PrivateKeyPath (the .pem file from the App's settings).",
                ))
            }
            (Some(text), None) => (SecretString::from(text.to_string()), KeySource::PrivateKey, None),
            (None, Some(path)) => {
                let text = std::fs::read_to_string(path).map_err(|e| {
                    Error::invalid(format!(
                        "The context's PrivateKeyPath '{path}' cannot be read: {e}."
                    ))
                })?;
                (SecretString::from(text), KeySource::PrivateKeyPath, Some(path.to_string()))
            }
        };
        let what = match &path {
            Some(p) => format!("The private key in '{p}'"),
            None => "The context's PrivateKey".to_string(),
        };
        let key = normalize_pem(key);
        check_key(&what, &key)?;
        let fingerprint = crate::sha256_hex(key.expose_secret().as_bytes());
        Ok(Some(App {
            client_id: client_id.map(str::to_string),
            app_id: opts.app_id,
            installation_id: opts.installation_id,
            key_source,
            private_key_path: path,
            key,
            fingerprint,
            issued: Arc::default(),
        }))
    }

    /// The JWT issuer (`iss`): the client ID, else the app ID.
    pub fn issuer(&self) -> String {
        match (&self.client_id, self.app_id) {
            (Some(c), _) => c.clone(),
            (None, Some(id)) => id.to_string(),
            (None, None) => String::new(),
        }
    }

    /// What identifies this App in cache keys ([`crate::conditional`]): its issuer and key
    /// fingerprint (a hash), never the key.
    pub(crate) fn cache_identity(&self) -> String {
        format!("{}\0{}", self.issuer(), self.fingerprint)
    }

    /// The installation given in the context, if any.
    pub fn installation_id(&self) -> Option<u64> {
        self.installation_id
    }

    /// "client ID Iv23…" / "app ID 123", for messages.
    pub(crate) fn who(&self) -> String {
        match (&self.client_id, self.app_id) {
            (Some(c), _) => format!("GitHub App with client ID {c}"),
            (None, Some(id)) => format!("GitHub App with app ID {id}"),
            (None, None) => "GitHub App".to_string(),
        }
    }

    /// What `ghoidc_context` shows: identity, installation and key source, never the key.
    pub fn describe(&self) -> AppDescription {
        AppDescription {
            client_id: self.client_id.clone(),
            app_id: self.app_id,
            issuer: self.issuer(),
            installation_id: self.installation_id,
            key_source: self.key_source,
            private_key_path: self.private_key_path.clone(),
        }
    }

    /// The secrets to redact from what this App's calls answer: its private key, and the
    /// latest installation tokens and JWTs it used (at most 16).
    pub fn issued(&self) -> Vec<SecretString> {
        let held = self.issued.lock().unwrap_or_else(|p| p.into_inner());
        std::iter::once(self.key.clone())
            .chain(held.iter().cloned())
            .collect()
    }

    /// Remembers a token or JWT this App used (see [`App::issued`]).
    pub(crate) fn note(&self, secret: &SecretString) {
        let mut held = self.issued.lock().unwrap_or_else(|p| p.into_inner());
        if !held.iter().any(|h| h.expose_secret() == secret.expose_secret()) {
            if held.len() >= ISSUED_KEPT {
                held.remove(0);
            }
            held.push(secret.clone());
        }
    }

    /// The App JWT signed at `now` (see the module docs).
    pub fn jwt(&self, now: SystemTime) -> Result<SecretString> {
        let secs = now.duration_since(UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0);
        sign(self.key.expose_secret(), &JwtClaims::at(secs, &self.issuer()))
            .map_err(|_| Error::invalid("The GitHub App's private key cannot sign a JWT (RS256)."))
    }
}

/// Private keys from environment variables often arrive with `\n` written out: restore the
/// line breaks so the PEM parses.
fn normalize_pem(key: SecretString) -> SecretString {
    let text = key.expose_secret().trim();
    if !text.contains('\n') && text.contains("\\n") {
        return SecretString::from(text.replace("\\n", "\n"));
    }
    SecretString::from(text.to_string())
}

fn sign(pem: &str, claims: &JwtClaims) -> std::result::Result<SecretString, jsonwebtoken::errors::Error> {
    let key = jsonwebtoken::EncodingKey::from_rsa_pem(pem.as_bytes())?;
    let jwt = jsonwebtoken::encode(
        &jsonwebtoken::Header::new(jsonwebtoken::Algorithm::RS256),
        claims,
        &key,
    )?;
    Ok(SecretString::from(jwt))
}

/// Checks that `pem` is an RSA private key that can sign; the error says what it is instead.
fn check_key(what: &str, pem: &SecretString) -> Result<()> {
    let text = pem.expose_secret();
    let Some(label) = pem_label(text) else {
        return Err(Error::invalid(format!(
            "{what} is not a PEM private key: expected the text of the App's .pem file, which starts with -----BEGIN RSA PRIVATE KEY-----."
        )));
    };
    if label.contains("PUBLIC KEY") || label == "CERTIFICATE" {
        return Err(Error::invalid(format!(
            "{what} is a {label}, not a private key: give the App's private key (the .pem file generated on the App's settings page)."
        )));
    }
    if label.contains("ENCRYPTED") {
        return Err(Error::invalid(format!(
            "{what} is encrypted: give the App's private key unencrypted, as GitHub generates it."
        )));
    }
    if label != "RSA PRIVATE KEY" && label != "PRIVATE KEY" {
        return Err(Error::invalid(format!(
            "{what} is a {label}, not an RSA private key: GitHub App keys are RSA (-----BEGIN RSA PRIVATE KEY-----)."
        )));
    }
    sign(text, &JwtClaims::at(0, "check")).map(|_| ()).map_err(|_| {
        Error::invalid(format!(
            "{what} is not a valid RSA private key (another kind of key, damaged, or shorter than 2048 bits): GitHub App keys are 2048-bit RSA."
        ))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEST_KEY: &str = include_str!("../../github_oidc_claims/tests/fixtures/test_rsa_key.pem");

    fn opts(f: impl FnOnce(&mut Fields)) -> Fields {
        let mut o = Fields {
            client_id: Some("Iv23liTest".into()),
            private_key: Some(TEST_KEY.into()),
            ..Default::default()
        };
        f(&mut o);
        o
    }

    fn app(f: impl FnOnce(&mut Fields)) -> Result<Option<App>> {
        App::from_fields(&opts(f))
    }

    #[test]
    fn claims_are_backdated_and_expire_within_ten_minutes() {
        let c = JwtClaims::at(1_000_000, "Iv23li");
        assert_eq!(c.iat, 1_000_000 - 60);
        assert_eq!(c.exp, 1_000_000 + 540);
        assert!(c.exp - 1_000_000 <= 600);
        assert!(c.exp - c.iat <= 600);
        assert_eq!(c.iss, "Iv23li");
    }

    #[test]
    fn jwt_is_rs256_and_verifies_with_the_public_key() {
        let a = app(|_| {}).unwrap().unwrap();
        let now = SystemTime::now();
        let jwt = a.jwt(now).unwrap();
        let header = jsonwebtoken::decode_header(jwt.expose_secret()).unwrap();
        assert_eq!(header.alg, jsonwebtoken::Algorithm::RS256);
        // Decode without verifying the signature (the public half is checked in fake_github).
        let mut v = jsonwebtoken::Validation::new(jsonwebtoken::Algorithm::RS256);
        v.insecure_disable_signature_validation();
        v.set_required_spec_claims(&["exp", "iss"]);
        let data = jsonwebtoken::decode::<JwtClaims>(
            jwt.expose_secret(),
            &jsonwebtoken::DecodingKey::from_secret(b""),
            &v,
        )
        .unwrap();
        let secs = now.duration_since(UNIX_EPOCH).unwrap().as_secs();
        assert_eq!(data.claims, JwtClaims::at(secs, "Iv23liTest"));
        // The app ID is the issuer when there is no client ID; the client ID wins otherwise.
        let by_id = app(|o| {
            o.client_id = None;
            o.app_id = Some(4242);
        })
        .unwrap()
        .unwrap();
        assert_eq!(by_id.issuer(), "4242");
        let both = app(|o| o.app_id = Some(4242)).unwrap().unwrap();
        assert_eq!(both.issuer(), "Iv23liTest");
    }

    #[test]
    fn no_app_fields_is_no_app() {
        assert!(App::from_fields(&Fields::default()).unwrap().is_none());
        // A token with App IDs and no key: the token is used.
        let installation_context = opts(|o| {
            o.token = Some("t".into());
            o.private_key = None;
            o.installation_id = Some(5);
        });
        assert!(App::from_fields(&installation_context).unwrap().is_none());
    }

    #[test]
    fn rules_and_errors_name_the_problem_never_the_key() {
        let bad = [
            (opts(|o| o.token = Some("t".into())), "both a Token"),
            (
                opts(|o| {
                    o.token = Some("t".into());
                    o.private_key = None;
                    o.private_key_path = Some("/x.pem".into());
                }),
                "both a Token",
            ),
            (opts(|o| o.client_id = None), "ClientId (recommended) or AppId"),
            (opts(|o| o.private_key = None), "no key"),
            (
                opts(|o| o.private_key_path = Some("/x.pem".into())),
                "both PrivateKey and PrivateKeyPath",
            ),
            (
                opts(|o| o.private_key = Some("garbage".into())),
                "not a PEM private key",
            ),
            (
                opts(|o| {
                    o.private_key = Some("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----".into())
                }),
                "PUBLIC KEY, not a private key",
            ),
            (
                opts(|o| {
                    o.private_key =
                        Some("-----BEGIN EC PRIVATE KEY-----\nAAAA\n-----END EC PRIVATE KEY-----".into())
                }),
                "not an RSA private key",
            ),
            (
                opts(|o| {
                    o.private_key =
                        Some("-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----".into())
                }),
                "not a valid RSA private key",
            ),
            (opts(|o| o.installation_id = Some(0)), "InstallationId"),
            (
                opts(|o| o.client_id = Some(format!("ghs_{}", "x".repeat(36)))),
                "looks like a token",
            ),
            (
                opts(|o| {
                    o.private_key = None;
                    o.private_key_path = Some("/nonexistent/app.pem".into());
                }),
                "'/nonexistent/app.pem' cannot be read",
            ),
        ];
        for (o, expected) in bad {
            let e = App::from_fields(&o).unwrap_err();
            assert_eq!(e.kind(), crate::ErrorKind::InvalidArgument);
            let text = e.to_string();
            assert!(text.contains(expected), "{text}");
            assert!(!text.contains("MII") && !text.contains("AAAA"), "{text}");
        }
        // An App's Debug never shows the key.
        let a = app(|_| {}).unwrap().unwrap();
        let debug = format!("{a:?}");
        assert!(!debug.contains("PRIVATE") && !debug.contains("MII"), "{debug}");
    }

    #[test]
    fn keys_from_files_and_with_escaped_newlines_work() {
        let dir = std::env::temp_dir().join(format!("gho-app-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("app.pem");
        std::fs::write(&path, TEST_KEY).unwrap();
        let a = app(|o| {
            o.private_key = None;
            o.private_key_path = Some(path.to_string_lossy().into_owned());
        })
        .unwrap()
        .unwrap();
        let d = serde_json::to_value(a.describe()).unwrap();
        assert_eq!(d["key_source"], "PrivateKeyPath");
        assert_eq!(d["private_key_path"], path.to_string_lossy().as_ref());
        assert!(!d.to_string().contains("PRIVATE"));
        std::fs::remove_dir_all(&dir).unwrap();
        let escaped = TEST_KEY.trim().replace('\n', "\\n");
        assert!(app(|o| o.private_key = Some(escaped)).unwrap().is_some());
    }

    #[test]
    fn credentials_are_a_token_an_app_or_none() {
        let token = Credentials::from_fields(&Fields {
            token: Some("  t0ken ".into()),
            ..Default::default()
        })
        .unwrap();
        assert!(matches!(&token, Credentials::Token(t) if t.expose_secret() == "t0ken"));
        assert_eq!(format!("{token:?}"), "Token(***)");
        assert!(matches!(
            Credentials::from_fields(&opts(|_| {})).unwrap(),
            Credentials::App(_)
        ));
        assert!(!Credentials::from_fields(&Fields::default()).unwrap().any());
        // Another tool's installation context (a token with App IDs, no key): the token.
        let installation = opts(|o| {
            o.token = Some("t".into());
            o.private_key = None;
            o.installation_id = Some(5);
        });
        assert!(matches!(
            Credentials::from_fields(&installation).unwrap(),
            Credentials::Token(_)
        ));
        let spaced = Fields {
            token: Some("a b".into()),
            ..Default::default()
        };
        assert!(Credentials::from_fields(&spaced)
            .unwrap_err()
            .to_string()
            .contains("spaces"));
    }

    #[test]
    fn the_missing_message_names_every_variable_and_the_app() {
        let m = Credentials::missing("ghes.example", &["A", "B", "C"]).to_string();
        assert!(
            m.contains("set A, B or C, run 'gh auth login --hostname ghes.example'"),
            "{m}"
        );
        assert!(m.contains("GitHub App"), "{m}");
        let one = Credentials::missing("h", &["ONLY"]).to_string();
        assert!(one.contains("set ONLY, run"), "{one}");
    }
}
