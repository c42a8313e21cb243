//! GitHub App authentication: a context may carry an App (client ID or app ID, private key,
//! optional installation ID) instead of a token.
//!
//! For every authenticated request the App acts as one of its installations:
//!
//! 1. **The App JWT** ([`App::jwt`]): RS256, signed with the App's private key; `iat` 60 s in
//!    the past (clock drift), `exp` 9 minutes after now (GitHub allows at most 10), `iss` the
//!    client ID (GitHub's recommendation) or else the app ID, as a string.
//! 2. **The installation**: the context's `installation_id`, else looked up for the owner the
//!    request targets ([`target_of`] reads it from the request URL: `/orgs/{org}/…`,
//!    `/repos/{owner}/{repo}/…`, `/users/{user}/…`): `GET /orgs/{org}/installation` (then
//!    `GET /users/{user}/installation` when the owner is not an organization) or
//!    `GET /repos/{owner}/{repo}/installation`, with the JWT. The answer is cached per owner.
//! 3. **The installation token**: `POST /app/installations/{id}/access_tokens` with the JWT.
//!    It is cached process-wide per (API base, App, key, installation) and renewed
//!    [`RENEW_BEFORE`] before its `expires_at` (a quarter of its lifetime before, for tokens
//!    that live less than 20 minutes). Concurrent requests that need a token wait for the one
//!    request that fetches it (single flight: a tokio mutex per cache entry).
//! 4. **401 from GitHub to a cached token** (revoked early): the token is renewed once, at once,
//!    and the same request is sent again with the new token; a second 401 is the error.
//!
//! Installation tokens are opaque: since 2026-04 they may be ~520-character `ghs_` JWTs with
//! dots, dashes and underscores. They are never parsed, only held as [`SecretString`]s and sent
//! in the `Authorization` header. No error, log or description contains the key, the JWT or a
//! token: a refused JWT is [`Error::AppAuthentication`] with our own words and GitHub's message.

use crate::context::{looks_like_token, Context, ContextOptions};
use crate::endpoints::Endpoint;
use crate::error::{Error, Result};
use crate::http::{self, Request, Response};
use reqwest::Method;
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::future::Future;
use std::hash::Hash;
use std::sync::{Arc, LazyLock, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// How far in the past the JWT's `iat` is set (GitHub's advice against clock drift).
pub const JWT_BACKDATE: Duration = Duration::from_secs(60);
/// How long after now the JWT expires (`exp`); GitHub allows at most 10 minutes.
pub const JWT_LIFETIME: Duration = Duration::from_secs(9 * 60);
/// How long before its `expires_at` a cached installation token is renewed (at most a quarter
/// of its lifetime).
pub const RENEW_BEFORE: Duration = Duration::from_secs(5 * 60);

/// `GET /orgs/{org}/installation`: the App's installation on an organization (App JWT).
pub const GET_ORG_INSTALLATION: Endpoint = Endpoint {
    name: "get_org_installation",
    method: Method::GET,
    path: "/orgs/{org}/installation",
    permission: APP_JWT,
    api_version: None,
};

/// `GET /repos/{owner}/{repo}/installation`: the App's installation on a repository's owner.
pub const GET_REPO_INSTALLATION: Endpoint = Endpoint {
    name: "get_repo_installation",
    method: Method::GET,
    path: "/repos/{owner}/{repo}/installation",
    permission: APP_JWT,
    api_version: None,
};

/// `GET /users/{username}/installation`: the App's installation on a user account.
pub const GET_USER_INSTALLATION: Endpoint = Endpoint {
    name: "get_user_installation",
    method: Method::GET,
    path: "/users/{username}/installation",
    permission: APP_JWT,
    api_version: None,
};

/// `POST /app/installations/{installation_id}/access_tokens`: an installation access token.
pub const CREATE_INSTALLATION_TOKEN: Endpoint = Endpoint {
    name: "create_installation_token",
    method: Method::POST,
    path: "/app/installations/{installation_id}/access_tokens",
    permission: APP_JWT,
    api_version: None,
};

const APP_JWT: &str = "a GitHub App JWT (signed with the App's private key)";

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
    fingerprint: String,
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
    /// The App a context's options describe: `None` when they name none of its fields, or when
    /// a token comes with App IDs but no key (another tool's installation context: the token
    /// is used). Rules: a client ID or an app ID (client ID wins as the JWT issuer when both are given),
    /// exactly one of `private_key` / `private_key_path`, an RSA private key in PEM
    /// (PKCS#1 or PKCS#8), an installation ID above 0. Errors name the field and what is
    /// wrong, never the key.
    pub fn from_options(opts: &ContextOptions) -> Result<Option<App>> {
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
    fn who(&self) -> String {
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
    fn note(&self, secret: &SecretString) {
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

/// The owner a request targets, read from its URL (for the installation lookup).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// `/orgs/{org}/…`
    Org(String),
    /// `/repos/{owner}/{repo}/…`
    Repo(String, String),
    /// `/users/{user}/…`
    User(String),
}

impl Target {
    /// The account login.
    pub fn owner(&self) -> &str {
        match self {
            Target::Org(o) | Target::Repo(o, _) | Target::User(o) => o,
        }
    }
}

/// The owner an API URL under `api_base` targets: `/orgs/{org}`, `/repos/{owner}/{repo}` or
/// `/users/{user}` (segments percent-decoded); `None` for any other path (`/enterprises/…`,
/// `/installation/…`).
pub fn target_of(api_base: &str, url: &str) -> Option<Target> {
    let rest = url.strip_prefix(api_base.trim_end_matches('/'))?;
    let path = rest.split(['?', '#']).next().unwrap_or_default();
    let decode = |s: &str| {
        percent_encoding::percent_decode_str(s)
            .decode_utf8()
            .ok()
            .map(|c| c.into_owned())
            .filter(|s| !s.is_empty())
    };
    let segs: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    match segs.as_slice() {
        ["orgs", org, ..] => Some(Target::Org(decode(org)?)),
        ["repos", owner, repo, ..] => Some(Target::Repo(decode(owner)?, decode(repo)?)),
        ["users", user, ..] => Some(Target::User(decode(user)?)),
        _ => None,
    }
}

/// A cache entry filled by at most one request at a time.
type Slot<T> = Arc<tokio::sync::Mutex<Option<T>>>;

fn slot<K: Hash + Eq, T>(map: &Mutex<HashMap<K, Slot<T>>>, key: K) -> Slot<T> {
    let mut map = map.lock().unwrap_or_else(|p| p.into_inner());
    Arc::clone(map.entry(key).or_default())
}

/// A cached installation token.
struct Cached {
    token: SecretString,
    renew_at: Instant,
}

/// When to renew a token that expires `expires_in` after `issued`: [`RENEW_BEFORE`] before,
/// or a quarter of its lifetime before for a short-lived token.
pub fn renew_at(issued: Instant, expires_in: Duration) -> Instant {
    issued + expires_in - RENEW_BEFORE.min(expires_in / 4)
}

/// The cached value of `slot` when it is still fresh at `now` (and, with `not`, is not that
/// token), else the one fetched by `fetch` — by one caller only: the others wait on the slot's
/// lock and then find the fresh token.
async fn token_from<F, Fut>(
    slot: &Slot<Cached>,
    now: impl Fn() -> Instant,
    not: Option<&SecretString>,
    fetch: F,
) -> Result<SecretString>
where
    F: FnOnce() -> Fut,
    Fut: Future<Output = Result<(SecretString, Duration)>>,
{
    let mut cached = slot.lock().await;
    if let Some(c) = cached.as_ref() {
        let stale = not.is_some_and(|n| n.expose_secret() == c.token.expose_secret());
        if !stale && now() < c.renew_at {
            return Ok(c.token.clone());
        }
    }
    *cached = None;
    let (token, expires_in) = fetch().await?;
    *cached = Some(Cached {
        token: token.clone(),
        renew_at: renew_at(now(), expires_in),
    });
    Ok(token)
}

#[derive(Hash, PartialEq, Eq)]
struct TokenKey {
    api: String,
    issuer: String,
    fingerprint: String,
    installation: u64,
}

#[derive(Hash, PartialEq, Eq)]
struct OwnerKey {
    api: String,
    issuer: String,
    fingerprint: String,
    owner: String,
}

static TOKENS: LazyLock<Mutex<HashMap<TokenKey, Slot<Cached>>>> = LazyLock::new(Default::default);
static INSTALLATIONS: LazyLock<Mutex<HashMap<OwnerKey, Slot<u64>>>> = LazyLock::new(Default::default);

fn api_base(ctx: &Context) -> String {
    ctx.api_base_uri.as_str().trim_end_matches('/').to_string()
}

/// Sends an authenticated request as the App's installation for the request's owner: the
/// cached installation token, or a new one; after a 401 to a cached token, one renewal and
/// the same request again.
pub(crate) async fn send(app: &App, req: &Request<'_>, gate: Option<&dyn http::Gate>) -> Result<Response> {
    let ctx = req.ctx;
    // The owner the caller names wins over the URL (a listing's next page may be
    // `/organizations/{id}/repos`, with no name in it); the org lookup falls back to the user's.
    let target = match &req.owner {
        Some(owner) => Some(Target::Org(owner.clone())),
        None => target_of(&api_base(ctx), &req.url),
    };
    let token = installation_token(app, ctx, target.as_ref(), None).await?;
    match http::send_with(req, Some(&token), gate).await {
        Err(e) if e.api().is_some_and(|a| a.status == 401) => {
            let renewed = installation_token(app, ctx, target.as_ref(), Some(&token)).await?;
            http::send_with(req, Some(&renewed), gate).await
        }
        other => other,
    }
}

/// The installation token for the target's owner (cached, or exchanged; with `not`, never that
/// token). When the exchange for a cached installation ID answers 404 or 401 (the App was
/// uninstalled and installed again under a new ID), the cached ID is dropped, looked up again
/// once, and the exchange retried with the new one.
async fn installation_token(
    app: &App,
    ctx: &Context,
    target: Option<&Target>,
    not: Option<&SecretString>,
) -> Result<SecretString> {
    let (installation_id, cached) = installation(app, ctx, target).await?;
    let token = match token_of(app, ctx, installation_id, not).await {
        Err(e) if cached && gone(&e) => {
            if let Some(target) = target {
                forget_installation(app, ctx, target, installation_id).await;
            }
            let (fresh, _) = installation(app, ctx, target).await?;
            token_of(app, ctx, fresh, None).await?
        }
        other => other?,
    };
    app.note(&token);
    Ok(token)
}

/// The cached token of one installation, or a new one from [`exchange`].
async fn token_of(
    app: &App,
    ctx: &Context,
    installation: u64,
    not: Option<&SecretString>,
) -> Result<SecretString> {
    let key = TokenKey {
        api: api_base(ctx),
        issuer: app.issuer(),
        fingerprint: app.fingerprint.clone(),
        installation,
    };
    let entry = slot(&TOKENS, key);
    token_from(&entry, Instant::now, not, || exchange(app, ctx, installation)).await
}

/// Whether a token exchange says the installation is not (or no longer) this App's.
fn gone(e: &Error) -> bool {
    matches!(
        e,
        Error::AppAuthentication {
            status: Some(404 | 401),
            ..
        }
    ) || e.api().is_some_and(|a| matches!(a.status, 404 | 401))
}

fn owner_key(app: &App, ctx: &Context, target: &Target) -> OwnerKey {
    OwnerKey {
        api: api_base(ctx),
        issuer: app.issuer(),
        fingerprint: app.fingerprint.clone(),
        owner: target.owner().to_ascii_lowercase(),
    }
}

/// Drops the cached installation of the target's owner, when it still is `stale` (a
/// concurrent caller may have looked it up again already).
async fn forget_installation(app: &App, ctx: &Context, target: &Target, stale: u64) {
    let entry = slot(&INSTALLATIONS, owner_key(app, ctx, target));
    let mut cached = entry.lock().await;
    if *cached == Some(stale) {
        *cached = None;
    }
}

/// The installation to act as: given, else looked up (once per owner) for the target; and
/// whether it came from the lookup cache (and so may be stale).
async fn installation(app: &App, ctx: &Context, target: Option<&Target>) -> Result<(u64, bool)> {
    if let Some(id) = app.installation_id {
        return Ok((id, false));
    }
    let Some(target) = target else {
        return Err(Error::invalid(format!(
            "The {} acts as one of its installations, and this request names no organization, repository or user to look it up for: give the context's InstallationId.",
            app.who()
        )));
    };
    let entry = slot(&INSTALLATIONS, owner_key(app, ctx, target));
    let mut cached = entry.lock().await;
    if let Some(id) = *cached {
        return Ok((id, true));
    }
    let id = lookup(app, ctx, target).await?;
    *cached = Some(id);
    Ok((id, false))
}

#[derive(Deserialize)]
struct InstallationBody {
    id: u64,
}

#[derive(Deserialize)]
struct TokenBody {
    token: String,
    expires_at: String,
}

/// Sends one request with the App JWT; a 401 becomes [`Error::AppAuthentication`].
async fn with_jwt(app: &App, ctx: &Context, endpoint: &Endpoint, args: &[&str]) -> Result<Response> {
    let jwt = app.jwt(SystemTime::now())?;
    app.note(&jwt);
    let url = endpoint.url(ctx, args)?;
    let req = Request {
        method: endpoint.method.clone(),
        url: url.clone(),
        body: None,
        auth: true,
        ctx,
        api_version: endpoint.api_version,
        owner: None,
    };
    http::send_with(&req, Some(&jwt), None).await.map_err(|e| match e.api() {
        Some(a) if a.status == 401 => Error::AppAuthentication {
            message: format!(
                "GitHub refused the {}'s JWT ({} {}: {} (401)). Check that the ClientId or AppId is this App's and that the private key is one of its current keys (App settings → Private keys).",
                app.who(),
                a.method,
                a.url,
                a.message
            ),
            url: Some(a.url.clone()),
            status: Some(401),
        },
        _ => e,
    })
}

/// Looks up the App's installation for the target's owner.
async fn lookup(app: &App, ctx: &Context, target: &Target) -> Result<u64> {
    let (first, second): (_, Option<(&Endpoint, Vec<&str>)>) = match target {
        Target::Org(o) => (
            (&GET_ORG_INSTALLATION, vec![o.as_str()]),
            Some((&GET_USER_INSTALLATION, vec![o.as_str()])),
        ),
        Target::Repo(o, r) => ((&GET_REPO_INSTALLATION, vec![o.as_str(), r.as_str()]), None),
        Target::User(u) => ((&GET_USER_INSTALLATION, vec![u.as_str()]), None),
    };
    let mut tried = Vec::new();
    for (endpoint, args) in std::iter::once(first).chain(second) {
        match with_jwt(app, ctx, endpoint, &args).await {
            Ok(resp) => {
                return resp.parse::<InstallationBody>().map(|b| b.id);
            }
            Err(e) if e.api().is_some_and(|a| a.status == 404) => {
                tried.push(format!("GET {}", endpoint.url(ctx, &args)?));
            }
            Err(e) => return Err(e),
        }
    }
    Err(Error::AppAuthentication {
        message: format!(
            "The {} is not installed on {} (GitHub answered 404 to {}). Install the App on {}, or give the context's InstallationId.",
            app.who(),
            target.owner(),
            tried.join(" and "),
            target.owner()
        ),
        url: None,
        status: Some(404),
    })
}

/// Exchanges the App JWT for an installation token: the token and how long it lives.
async fn exchange(app: &App, ctx: &Context, installation: u64) -> Result<(SecretString, Duration)> {
    let id = installation.to_string();
    let resp = with_jwt(app, ctx, &CREATE_INSTALLATION_TOKEN, &[&id])
        .await
        .map_err(|e| match e.api() {
            Some(a) if a.status == 404 => Error::AppAuthentication {
                message: format!(
                    "The {} has no installation {installation} ({} {}: {} (404)). Check the context's InstallationId.",
                    app.who(),
                    a.method,
                    a.url,
                    a.message
                ),
                url: Some(a.url.clone()),
                status: Some(404),
            },
            _ => e,
        })?;
    // Not `Response::parse`: serde's message could quote the token.
    let shape = || Error::UnexpectedResponse {
        url: resp.url.clone(),
        message: "the installation token answer has no string token and expires_at".to_string(),
    };
    let body = TokenBody::deserialize(&resp.body).map_err(|_| shape())?;
    let token = SecretString::from(body.token);
    if token.expose_secret().trim().is_empty() {
        return Err(shape());
    }
    let expires =
        time::OffsetDateTime::parse(&body.expires_at, &time::format_description::well_known::Rfc3339)
            .map_err(|e| Error::UnexpectedResponse {
                url: resp.url.clone(),
                message: format!("expires_at '{}' is not an RFC 3339 time ({e})", body.expires_at),
            })?;
    let now = time::OffsetDateTime::now_utc();
    let expires_in = (expires - now).try_into().unwrap_or(Duration::ZERO);
    Ok((token, expires_in))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    const TEST_KEY: &str = include_str!("../../github_oidc_claims/tests/fixtures/test_rsa_key.pem");

    fn opts(f: impl FnOnce(&mut ContextOptions)) -> ContextOptions {
        let mut o = ContextOptions {
            client_id: Some("Iv23liTest".into()),
            private_key: Some(TEST_KEY.into()),
            ..Default::default()
        };
        f(&mut o);
        o
    }

    fn app(f: impl FnOnce(&mut ContextOptions)) -> Result<Option<App>> {
        App::from_options(&opts(f))
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
        assert!(App::from_options(&ContextOptions::default()).unwrap().is_none());
        // A token with App IDs and no key: the token is used.
        let installation_context = opts(|o| {
            o.token = Some("t".into());
            o.private_key = None;
            o.installation_id = Some(5);
        });
        assert!(App::from_options(&installation_context).unwrap().is_none());
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
            let e = App::from_options(&o).unwrap_err();
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
    fn owners_come_from_the_url() {
        let base = "http://127.0.0.1:9/api/v3";
        assert_eq!(
            target_of(
                base,
                "http://127.0.0.1:9/api/v3/orgs/octo-org/actions/oidc/customization/sub"
            ),
            Some(Target::Org("octo-org".into()))
        );
        assert_eq!(
            target_of(
                &format!("{base}/"),
                "http://127.0.0.1:9/api/v3/repos/o/r%2Ex?per_page=1"
            ),
            Some(Target::Repo("o".into(), "r.x".into()))
        );
        assert_eq!(
            target_of(base, "http://127.0.0.1:9/api/v3/users/u/installation"),
            Some(Target::User("u".into()))
        );
        assert_eq!(target_of(base, "http://127.0.0.1:9/api/v3/enterprises/e/x"), None);
        assert_eq!(
            target_of(base, "http://127.0.0.1:9/api/v3/installation/repositories"),
            None
        );
        assert_eq!(target_of(base, "http://other/api/v3/orgs/o"), None);
    }

    #[test]
    fn renewal_is_five_minutes_early_or_a_quarter_of_a_short_life() {
        let t0 = Instant::now();
        assert_eq!(
            renew_at(t0, Duration::from_secs(3600)),
            t0 + Duration::from_secs(3300)
        );
        assert_eq!(renew_at(t0, Duration::from_secs(8)), t0 + Duration::from_secs(6));
        assert_eq!(renew_at(t0, Duration::ZERO), t0);
    }

    fn rt() -> tokio::runtime::Runtime {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap()
    }

    #[test]
    fn a_cached_token_is_reused_until_its_renewal_time() {
        rt().block_on(async {
            let slot: Slot<Cached> = Default::default();
            let fetches = AtomicUsize::new(0);
            let base = Instant::now();
            let clock = std::sync::Mutex::new(base);
            let now = || *clock.lock().unwrap();
            let fetch = || async {
                let n = fetches.fetch_add(1, Ordering::SeqCst);
                Ok((SecretString::from(format!("t{n}")), Duration::from_secs(3600)))
            };
            let t = token_from(&slot, now, None, fetch).await.unwrap();
            assert_eq!(t.expose_secret(), "t0");
            for _ in 0..1000 {
                let t = token_from(&slot, now, None, fetch).await.unwrap();
                assert_eq!(t.expose_secret(), "t0");
            }
            assert_eq!(fetches.load(Ordering::SeqCst), 1);
            // 54 minutes later: still the same; 55 minutes (5 before expiry): renewed.
            *clock.lock().unwrap() = base + Duration::from_secs(54 * 60);
            assert_eq!(
                token_from(&slot, now, None, fetch).await.unwrap().expose_secret(),
                "t0"
            );
            *clock.lock().unwrap() = base + Duration::from_secs(55 * 60);
            assert_eq!(
                token_from(&slot, now, None, fetch).await.unwrap().expose_secret(),
                "t1"
            );
            // A 401 to t1: renewed at once; a second caller with the same stale token gets the
            // renewed one without another fetch.
            let stale = SecretString::from("t1".to_string());
            assert_eq!(
                token_from(&slot, now, Some(&stale), fetch)
                    .await
                    .unwrap()
                    .expose_secret(),
                "t2"
            );
            assert_eq!(
                token_from(&slot, now, Some(&stale), fetch)
                    .await
                    .unwrap()
                    .expose_secret(),
                "t2"
            );
            assert_eq!(fetches.load(Ordering::SeqCst), 3);
        });
    }

    #[test]
    fn concurrent_callers_share_one_fetch() {
        rt().block_on(async {
            let slot: Slot<Cached> = Default::default();
            let fetches = Arc::new(AtomicUsize::new(0));
            let mut tasks = Vec::new();
            for _ in 0..32 {
                let slot = Arc::clone(&slot);
                let fetches = Arc::clone(&fetches);
                tasks.push(tokio::spawn(async move {
                    token_from(&slot, Instant::now, None, || async {
                        fetches.fetch_add(1, Ordering::SeqCst);
                        tokio::time::sleep(Duration::from_millis(50)).await;
                        Ok((SecretString::from("one".to_string()), Duration::from_secs(3600)))
                    })
                    .await
                    .map(|t| t.expose_secret().to_string())
                }));
            }
            for t in tasks {
                assert_eq!(t.await.unwrap().unwrap(), "one");
            }
            assert_eq!(fetches.load(Ordering::SeqCst), 1);
        });
    }

    #[test]
    fn a_failed_fetch_is_not_cached() {
        rt().block_on(async {
            let slot: Slot<Cached> = Default::default();
            let e = token_from(&slot, Instant::now, None, || async { Err(Error::invalid("no")) })
                .await
                .unwrap_err();
            assert_eq!(e.to_string(), "no");
            let t = token_from(&slot, Instant::now, None, || async {
                Ok((SecretString::from("ok".to_string()), Duration::from_secs(60)))
            })
            .await
            .unwrap();
            assert_eq!(t.expose_secret(), "ok");
        });
    }
}
