//! GitHub App installations: how a context's App ([`crate::credentials::App`], plain data)
//! becomes the installation token of one request ([`installation_token`], called by
//! [`crate::auth`], the one auth step).
//!
//! For every authenticated request the App acts as one of its installations:
//!
//! 1. **The App JWT** ([`App::jwt`], in [`crate::credentials`]): RS256, signed with the App's private key; `iat` 60 s in
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
//! 4. **401 from GitHub to a cached token** (revoked early): [`crate::auth`] asks for a new one
//!    once ([`installation_token`] with `not`), at once, and sends the same request again; a
//!    second 401 is the error.
//!
//! Installation tokens are opaque: since 2026-04 they may be ~520-character `ghs_` JWTs with
//! dots, dashes and underscores. They are never parsed, only held as [`SecretString`]s and sent
//! in the `Authorization` header. No error, log or description contains the key, the JWT or a
//! token: a refused JWT is [`Error::AppAuthentication`] with our own words and GitHub's message.

use crate::context::Context;
use crate::credentials::App;
use crate::endpoints::Endpoint;
use crate::error::{Error, Result};
use crate::http::{self, Auth, Request, Response};
use reqwest::Method;
use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;
use std::collections::HashMap;
use std::future::Future;
use std::hash::Hash;
use std::sync::{Arc, LazyLock, Mutex};
use std::time::{Duration, Instant, SystemTime};

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

/// The installation token for the target's owner (cached, or exchanged; with `not`, never that
/// token). When the exchange for a cached installation ID answers 404 or 401 (the App was
/// uninstalled and installed again under a new ID), the cached ID is dropped, looked up again
/// once, and the exchange retried with the new one.
pub(crate) async fn installation_token(
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
        api: ctx.api_base(),
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
        api: ctx.api_base(),
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
    if let Some(id) = app.installation_id() {
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
        auth: Auth::Bearer(jwt),
        ctx,
        api_version: endpoint.api_version,
        owner: None,
    };
    http::send(&req, None).await.map_err(|e| match e.api() {
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
