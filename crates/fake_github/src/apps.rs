//! GitHub Apps: registered Apps (public key, installations), the App-JWT routes
//! (`GET /orgs/{org}/installation`, `/repos/{owner}/{repo}/installation`,
//! `/users/{username}/installation`, `POST /app/installations/{id}/access_tokens`), the
//! installation tokens they issue (accepted on every API route until they expire or are
//! revoked) and the `/_fake/apps` control API.
//!
//! The JWT is checked as GitHub does: RS256 signed by the App's registered public key, `iss`
//! the app ID (string or number) or the client ID, `iat` not in the future (60 s of skew
//! allowed), `exp` after now and at most 10 minutes after `iat` (and after now, with the same
//! skew); anything else is `401` with GitHub's message.

// Checks return the ready-made error `Response` as their `Err` (as in `routes`).
#![allow(clippy::result_large_err)]

use std::collections::BTreeMap;
use std::time::{SystemTime, UNIX_EPOCH};

use axum::http::{HeaderMap, Method, StatusCode};
use axum::response::Response;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use crate::http::{empty, error, json_response, REST_DOCS};
use crate::shared::Shared;
use crate::state::{Permission, State};

/// Clock skew the JWT checks allow, in seconds.
pub const JWT_SKEW_SECS: u64 = 60;
/// The longest JWT lifetime GitHub accepts (`exp - iat`), in seconds.
pub const JWT_MAX_LIFETIME_SECS: u64 = 600;

const APPS_DOCS: &str = "https://docs.github.com/rest/apps/apps";
const JWT_DOCS: &str =
    "https://docs.github.com/apps/creating-github-apps/authenticating-with-a-github-app/generating-a-json-web-token-jwt-for-a-github-app";

/// The shape of the installation tokens an App gets.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TokenShape {
    /// `ghs_` and 36 letters and digits (40 characters), the classic format.
    #[default]
    Opaque,
    /// The stateless format GitHub rolled out from 2026-04: `ghs_<app id>_<header>.<payload>.<signature>`,
    /// about 520 characters of base64url with dots, dashes and underscores.
    Jwt,
}

/// A GitHub App registered with `POST /_fake/apps`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegisteredApp {
    /// The numeric app ID (accepted as `iss`, as a string or a number).
    pub app_id: u64,
    /// The client ID (accepted as `iss`).
    pub client_id: String,
    /// The public key (SPKI `BEGIN PUBLIC KEY` or PKCS#1 `BEGIN RSA PUBLIC KEY` PEM) JWTs are
    /// verified with.
    pub public_key_pem: String,
    /// Installations: account login (organization or user, case-insensitive) → installation ID.
    #[serde(default)]
    pub installations: BTreeMap<String, u64>,
    /// Lifetime of issued tokens in seconds (GitHub: 3600).
    #[serde(default = "default_lifetime")]
    pub token_lifetime_secs: u64,
    /// The shape of issued tokens.
    #[serde(default)]
    pub token_shape: TokenShape,
    /// What issued tokens may do (default write).
    #[serde(default = "default_permission")]
    pub permission: Permission,
}

fn default_lifetime() -> u64 {
    3600
}

fn default_permission() -> Permission {
    Permission::Write
}

/// An installation token the fake issued (its value is the key of [`State::installation_tokens`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IssuedToken {
    /// 1 for the first token the server issued, 2 for the next, …
    pub serial: u64,
    /// The App.
    pub app_id: u64,
    /// The installation.
    pub installation_id: u64,
    /// Unix seconds.
    pub expires_at: u64,
    /// Revoked with `POST /_fake/apps/{app_id}/revoke`.
    pub revoked: bool,
}

fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

/// The permission of an installation token that is live (issued, not expired, not revoked).
pub(crate) fn permission(state: &State, token: &str) -> Option<Permission> {
    let issued = state.installation_tokens.get(token)?;
    if issued.revoked || issued.expires_at <= now() {
        return None;
    }
    state
        .apps
        .iter()
        .find(|a| a.app_id == issued.app_id)
        .map(|a| a.permission)
}

/// The serial of an issued installation token (live or not), for the request log.
pub(crate) fn serial(state: &State, token: &str) -> Option<u64> {
    state.installation_tokens.get(token).map(|t| t.serial)
}

fn unauthorized(message: &str) -> Response {
    error(StatusCode::UNAUTHORIZED, message, JWT_DOCS)
}

fn segments(path: &str) -> Vec<&str> {
    path.trim_matches('/').split('/').collect()
}

/// The App routes; `None` for any other path.
pub(crate) fn handle(
    shared: &Shared,
    method: &Method,
    headers: &HeaderMap,
    api_path: &str,
) -> Option<Response> {
    let segs = segments(api_path);
    let route = match (method, segs.as_slice()) {
        (&Method::GET, ["orgs", org, "installation"]) => Route::Org(org),
        (&Method::GET, ["repos", owner, repo, "installation"]) => Route::Repo(owner, repo),
        (&Method::GET, ["users", user, "installation"]) => Route::User(user),
        (&Method::POST, ["app", "installations", id, "access_tokens"]) => Route::Token(id),
        _ => return None,
    };
    let app = match verify_jwt(shared, headers) {
        Ok(app) => app,
        Err(resp) => return Some(resp),
    };
    let installation = |login: &str| {
        app.installations
            .iter()
            .find(|(l, _)| l.eq_ignore_ascii_case(login))
            .map(|(l, id)| (l.clone(), *id))
    };
    let found = |(login, id): (String, u64), kind: &str| {
        json_response(
            StatusCode::OK,
            &json!({
                "id": id,
                "app_id": app.app_id,
                "client_id": app.client_id,
                "account": { "login": login, "type": kind },
                "target_type": kind,
                "repository_selection": "all",
                "permissions": { "actions": "write", "administration": "write", "metadata": "read" },
            }),
        )
    };
    let not_found = || error(StatusCode::NOT_FOUND, "Not Found", APPS_DOCS);
    let is_org = |login: &str| shared.state().org(login).is_some();
    Some(match route {
        Route::Org(org) => match installation(org) {
            Some(i) if is_org(org) => found(i, "Organization"),
            _ => not_found(),
        },
        Route::Repo(owner, repo) => {
            let exists = shared.state().repo(owner, repo).is_some();
            match installation(owner) {
                Some(i) if exists => {
                    let kind = if is_org(owner) { "Organization" } else { "User" };
                    found(i, kind)
                }
                _ => not_found(),
            }
        }
        Route::User(user) => match installation(user) {
            Some(i) if !is_org(user) => found(i, "User"),
            _ => not_found(),
        },
        Route::Token(id) => {
            let Some(id) = id
                .parse::<u64>()
                .ok()
                .filter(|id| app.installations.values().any(|v| v == id))
            else {
                return Some(not_found());
            };
            issue(shared, &app, id)
        }
    })
}

enum Route<'a> {
    Org(&'a str),
    Repo(&'a str, &'a str),
    User(&'a str),
    Token(&'a str),
}

#[derive(Deserialize)]
struct Claims {
    #[serde(default)]
    iat: Option<Value>,
    #[serde(default)]
    exp: Option<Value>,
    #[serde(default)]
    iss: Option<Value>,
}

/// The App whose JWT authenticates the request, or GitHub's 401.
fn verify_jwt(shared: &Shared, headers: &HeaderMap) -> Result<RegisteredApp, Response> {
    const UNDECODABLE: &str = "A JSON web token could not be decoded";
    let jwt = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .map(|(_, jwt)| jwt.trim())
        .ok_or_else(|| unauthorized(UNDECODABLE))?;
    let header = jsonwebtoken::decode_header(jwt).map_err(|_| unauthorized(UNDECODABLE))?;
    if header.alg != jsonwebtoken::Algorithm::RS256 {
        return Err(unauthorized(UNDECODABLE));
    }
    let mut unverified = jsonwebtoken::Validation::new(jsonwebtoken::Algorithm::RS256);
    unverified.insecure_disable_signature_validation();
    unverified.validate_exp = false;
    unverified.required_spec_claims.clear();
    let claims =
        jsonwebtoken::decode::<Claims>(jwt, &jsonwebtoken::DecodingKey::from_secret(b""), &unverified)
            .map_err(|_| unauthorized(UNDECODABLE))?
            .claims;
    let issuer = match &claims.iss {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Number(n)) => n.to_string(),
        _ => {
            return Err(unauthorized(
                "'Issuer' claim ('iss') must be a String or an Integer",
            ))
        }
    };
    let app = shared
        .state()
        .apps
        .iter()
        .find(|a| a.app_id.to_string() == issuer || a.client_id == issuer)
        .cloned()
        .ok_or_else(|| unauthorized("Integration not found"))?;
    let key = jsonwebtoken::DecodingKey::from_rsa_pem(app.public_key_pem.as_bytes())
        .map_err(|_| unauthorized(UNDECODABLE))?;
    let mut signed = jsonwebtoken::Validation::new(jsonwebtoken::Algorithm::RS256);
    signed.validate_exp = false;
    signed.required_spec_claims.clear();
    jsonwebtoken::decode::<Claims>(jwt, &key, &signed).map_err(|_| unauthorized(UNDECODABLE))?;
    let now = now();
    let iat = claims.iat.as_ref().and_then(Value::as_u64);
    let exp = claims.exp.as_ref().and_then(Value::as_u64);
    let Some(iat) = iat.filter(|iat| *iat <= now + JWT_SKEW_SECS) else {
        return Err(unauthorized(
            "'Issued at' claim ('iat') must be an Integer representing the time that the assertion was issued",
        ));
    };
    let Some(exp) = exp.filter(|exp| *exp > now) else {
        return Err(unauthorized(
            "'Expiration time' claim ('exp') must be a numeric value representing the future time at which the assertion expires",
        ));
    };
    if exp.saturating_sub(iat) > JWT_MAX_LIFETIME_SECS || exp > now + JWT_MAX_LIFETIME_SECS + JWT_SKEW_SECS {
        return Err(unauthorized(
            "'Expiration time' claim ('exp') is too far in the future",
        ));
    }
    Ok(app)
}

/// A 64-bit mix of the counter (splitmix64): the letters of fake tokens.
fn mix(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^ (x >> 31)
}

/// `len` characters of `alphabet`, derived from `seed`.
fn letters(seed: u64, len: usize, alphabet: &[u8]) -> String {
    (0..len)
        .map(|i| {
            alphabet
                [(mix(seed.wrapping_mul(1_000_003).wrapping_add(i as u64)) % alphabet.len() as u64) as usize]
                as char
        })
        .collect()
}

const ALNUM: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
const B64URL: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// A new token value of the App's shape.
fn token_value(app: &RegisteredApp, serial: u64) -> String {
    let seed = mix(serial ^ now().rotate_left(17) ^ u64::from(std::process::id()));
    let prefix = ["gh", "s_"].concat();
    match app.token_shape {
        TokenShape::Opaque => format!("{prefix}{}", letters(seed, 36, ALNUM)),
        TokenShape::Jwt => {
            // Header and payload start like base64url JSON; the signature is 342 characters
            // (a 2048-bit RSA signature), so the whole is about 520 characters. Dashes and
            // underscores are always present, as in the field reports.
            let header = format!("eyJ{}", letters(seed, 33, B64URL));
            let payload = format!(
                "eyJ{}-{}_",
                letters(seed ^ 1, 60, B64URL),
                letters(seed ^ 2, 60, B64URL)
            );
            let signature = format!(
                "{}-{}_",
                letters(seed ^ 3, 170, B64URL),
                letters(seed ^ 4, 170, B64URL)
            );
            format!("{prefix}{}_{header}.{payload}.{signature}", app.app_id)
        }
    }
}

fn rfc3339(unix: u64) -> String {
    time::OffsetDateTime::from_unix_timestamp(unix as i64)
        .ok()
        .and_then(|t| t.format(&time::format_description::well_known::Rfc3339).ok())
        .unwrap_or_default()
}

/// `POST /app/installations/{id}/access_tokens`: 201 with a new token.
fn issue(shared: &Shared, app: &RegisteredApp, installation_id: u64) -> Response {
    let mut state = shared.state();
    let serial = state.installation_tokens.len() as u64 + 1;
    let token = token_value(app, serial);
    let expires_at = now() + app.token_lifetime_secs;
    state.installation_tokens.insert(
        token.clone(),
        IssuedToken {
            serial,
            app_id: app.app_id,
            installation_id,
            expires_at,
            revoked: false,
        },
    );
    json_response(
        StatusCode::CREATED,
        &json!({
            "token": token,
            "expires_at": rfc3339(expires_at),
            "permissions": { "actions": "write", "administration": "write", "metadata": "read" },
            "repository_selection": "all",
        }),
    )
}

/// `/_fake/apps…`: `POST /_fake/apps` registers (or replaces) an App; `GET /_fake/apps` lists
/// the Apps and the tokens issued (with their values, so tests can look for them in output;
/// the request log never has them); `POST /_fake/apps/{app_id}/revoke` revokes every token of
/// that App; `POST /_fake/apps/{app_id}/reinstall` with `{"account", "installation_id"}`
/// uninstalls the App from that account (its installation's tokens are revoked, its ID is gone)
/// and installs it again under the new ID.
pub(crate) fn control(shared: &Shared, method: &Method, path: &str, body: &[u8]) -> Response {
    let segs = segments(path);
    match (method.as_str(), segs.as_slice()) {
        ("POST", ["_fake", "apps"]) => {
            let app: RegisteredApp = match serde_json::from_slice(body) {
                Ok(app) => app,
                Err(e) => return error(StatusCode::BAD_REQUEST, &format!("invalid app: {e}"), REST_DOCS),
            };
            if jsonwebtoken::DecodingKey::from_rsa_pem(app.public_key_pem.as_bytes()).is_err() {
                return error(
                    StatusCode::BAD_REQUEST,
                    "invalid app: public_key_pem is not an RSA public key in PEM",
                    REST_DOCS,
                );
            }
            let mut state = shared.state();
            state.apps.retain(|a| a.app_id != app.app_id);
            state.apps.push(app);
            empty(StatusCode::NO_CONTENT)
        }
        ("GET", ["_fake", "apps"]) => {
            let state = shared.state();
            let mut tokens: Vec<(&String, &IssuedToken)> = state.installation_tokens.iter().collect();
            tokens.sort_by_key(|(_, t)| t.serial);
            let tokens: Vec<Value> = tokens
                .into_iter()
                .map(|(value, t)| {
                    let mut item = json!(t);
                    item["value"] = json!(value);
                    item
                })
                .collect();
            json_response(StatusCode::OK, &json!({ "apps": state.apps, "tokens": tokens }))
        }
        ("POST", ["_fake", "apps", id, "revoke"]) => {
            let Ok(id) = id.parse::<u64>() else {
                return error(StatusCode::BAD_REQUEST, "the app ID is not a number", REST_DOCS);
            };
            let mut state = shared.state();
            let mut revoked = 0;
            for t in state
                .installation_tokens
                .values_mut()
                .filter(|t| t.app_id == id && !t.revoked)
            {
                t.revoked = true;
                revoked += 1;
            }
            json_response(StatusCode::OK, &json!({ "revoked": revoked }))
        }
        ("POST", ["_fake", "apps", id, "reinstall"]) => {
            #[derive(Deserialize)]
            struct Reinstall {
                account: String,
                installation_id: u64,
            }
            let (Ok(id), Ok(r)) = (id.parse::<u64>(), serde_json::from_slice::<Reinstall>(body)) else {
                return error(
                    StatusCode::BAD_REQUEST,
                    "reinstall takes the app ID in the path and {\"account\", \"installation_id\"}",
                    REST_DOCS,
                );
            };
            let mut state = shared.state();
            let Some(app) = state.apps.iter_mut().find(|a| a.app_id == id) else {
                return error(StatusCode::NOT_FOUND, "no such app", REST_DOCS);
            };
            let account = r.account.to_ascii_lowercase();
            app.installations
                .retain(|login, _| login.to_ascii_lowercase() != account);
            let old: Vec<u64> = app.installations.values().copied().collect();
            app.installations.insert(r.account, r.installation_id);
            // Uninstalling revokes the installation's tokens.
            let mut revoked = 0;
            for t in state
                .installation_tokens
                .values_mut()
                .filter(|t| t.app_id == id && !t.revoked && !old.contains(&t.installation_id))
                .filter(|t| t.installation_id != r.installation_id)
            {
                t.revoked = true;
                revoked += 1;
            }
            json_response(StatusCode::OK, &json!({ "revoked": revoked }))
        }
        _ => error(StatusCode::NOT_FOUND, "Not Found", REST_DOCS),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_shapes() {
        let mut app = RegisteredApp {
            app_id: 77,
            client_id: "Iv23liX".into(),
            public_key_pem: String::new(),
            installations: BTreeMap::new(),
            token_lifetime_secs: 60,
            token_shape: TokenShape::Opaque,
            permission: Permission::Write,
        };
        let opaque = token_value(&app, 1);
        assert_eq!(opaque.len(), 40);
        assert!(opaque.starts_with("ghs_") && opaque[4..].chars().all(|c| c.is_ascii_alphanumeric()));
        assert_ne!(opaque, token_value(&app, 2));
        app.token_shape = TokenShape::Jwt;
        let jwt = token_value(&app, 3);
        assert!((500..=540).contains(&jwt.len()), "{}", jwt.len());
        assert!(jwt.starts_with("ghs_77_eyJ"));
        assert_eq!(jwt.matches('.').count(), 2);
        assert!(jwt.contains('-') && jwt.contains('_'));
    }

    #[test]
    fn expiry_is_rfc3339() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(1_468_275_250), "2016-07-11T22:14:10Z");
    }
}
