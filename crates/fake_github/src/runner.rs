//! The Actions runner's ID-token endpoint (issue 18): `GET /_apis/…/idtoken[?…&audience=AUD]`
//! with `Authorization: Bearer` [`RUNNER_REQUEST_TOKEN`] answers `{"value": "<jwt>"}`, a JWT
//! signed with the TEST key whose JWKS every issuer path serves (`kid` test-key-1), so the
//! token verifies against the github.com-style issuer at the server's root.
//!
//! Checks, as the runner makes them: another bearer (or none) is 401; `audience` given more
//! than once (a client that appended it to a query that already had one) or empty is 400;
//! another method is 405. The token's claims are a push to `main` of `octo-org/octo-repo`
//! (`iss` = this server, `aud` = the audience, else `https://github.com/octo-org`, valid for
//! five minutes), with the state's `runner_claims` laid over them (a `null` removes a claim).

use axum::http::{HeaderMap, Method, StatusCode};
use axum::response::Response;
use serde_json::{json, Map, Value};
use std::time::{SystemTime, UNIX_EPOCH};

use crate::http::{error, json_response, REST_DOCS};
use crate::shared::Shared;
use crate::state::{TEST_SIGNING_KEY_KID, TEST_SIGNING_KEY_PEM};

/// The only bearer the runner endpoint accepts (`ACTIONS_ID_TOKEN_REQUEST_TOKEN` in tests).
pub const RUNNER_REQUEST_TOKEN: &str = "fake-actions-id-token-request-token-5f2c9a";

/// Whether `path` is the runner's ID-token endpoint: `/_apis/…/idtoken`.
pub(crate) fn is_runner_path(path: &str) -> bool {
    path.starts_with("/_apis/") && path.ends_with("/idtoken")
}

fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or_default()
}

/// Answers a runner request; `None` when `path` is not the runner's.
pub(crate) fn handle(
    shared: &Shared,
    method: &Method,
    headers: &HeaderMap,
    path: &str,
    query: Option<&str>,
) -> Option<Response> {
    if !is_runner_path(path) {
        return None;
    }
    if method != Method::GET {
        return Some(error(
            StatusCode::METHOD_NOT_ALLOWED,
            "Method Not Allowed",
            REST_DOCS,
        ));
    }
    let bearer = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .map(|(_, t)| t.trim());
    if bearer != Some(RUNNER_REQUEST_TOKEN) {
        return Some(error(
            StatusCode::UNAUTHORIZED,
            "Bad credentials: the ID-token request token is missing or not valid",
            REST_DOCS,
        ));
    }
    let audiences: Vec<String> = query
        .unwrap_or_default()
        .split('&')
        .filter_map(|pair| {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            (k == "audience").then(|| decode(v))
        })
        .collect();
    if audiences.len() > 1 {
        return Some(error(
            StatusCode::BAD_REQUEST,
            "audience is given more than once",
            REST_DOCS,
        ));
    }
    if audiences.first().is_some_and(|a| a.is_empty()) {
        return Some(error(StatusCode::BAD_REQUEST, "audience is empty", REST_DOCS));
    }
    let issuer = crate::oidc::base_url(shared, headers);
    let now = now();
    let mut claims = Map::new();
    let seed = json!({
        "jti": format!("fake-{now}"),
        "sub": "repo:octo-org/octo-repo:ref:refs/heads/main",
        "aud": audiences.first().cloned().unwrap_or_else(|| "https://github.com/octo-org".to_owned()),
        "ref": "refs/heads/main",
        "sha": "a1b2c3d4e5f60718293a4b5c6d7e8f9012345678",
        "repository": "octo-org/octo-repo",
        "repository_owner": "octo-org",
        "repository_owner_id": "100",
        "repository_id": "200",
        "repository_visibility": "private",
        "run_id": "4242",
        "run_number": "7",
        "run_attempt": "1",
        "actor": "octocat",
        "actor_id": "583231",
        "workflow": "CI",
        "workflow_ref": "octo-org/octo-repo/.github/workflows/ci.yml@refs/heads/main",
        "workflow_sha": "a1b2c3d4e5f60718293a4b5c6d7e8f9012345678",
        "job_workflow_ref": "octo-org/octo-repo/.github/workflows/ci.yml@refs/heads/main",
        "job_workflow_sha": "a1b2c3d4e5f60718293a4b5c6d7e8f9012345678",
        "event_name": "push",
        "ref_type": "branch",
        "ref_protected": "true",
        "runner_environment": "github-hosted",
        "iss": issuer,
        "nbf": now - 5,
        "iat": now - 5,
        "exp": now + 300,
    });
    if let Value::Object(seed) = seed {
        claims.extend(seed);
    }
    for (k, v) in &shared.state().runner_claims {
        if v.is_null() {
            claims.remove(k);
        } else {
            claims.insert(k.clone(), v.clone());
        }
    }
    let mut header = jsonwebtoken::Header::new(jsonwebtoken::Algorithm::RS256);
    header.kid = Some(TEST_SIGNING_KEY_KID.to_owned());
    header.typ = Some("JWT".to_owned());
    let key = match jsonwebtoken::EncodingKey::from_rsa_pem(TEST_SIGNING_KEY_PEM.as_bytes()) {
        Ok(k) => k,
        Err(e) => {
            return Some(error(
                StatusCode::INTERNAL_SERVER_ERROR,
                &e.to_string(),
                REST_DOCS,
            ))
        }
    };
    Some(
        match jsonwebtoken::encode(&header, &Value::Object(claims), &key) {
            Ok(jwt) => json_response(StatusCode::OK, &json!({ "count": 1, "value": jwt })),
            Err(e) => error(StatusCode::INTERNAL_SERVER_ERROR, &e.to_string(), REST_DOCS),
        },
    )
}

/// A query value, percent- and `+`-decoded (form encoding).
fn decode(v: &str) -> String {
    let bytes = v.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap_or("");
                match u8::from_str_radix(hex, 16) {
                    Ok(b) => {
                        out.push(b);
                        i += 2;
                    }
                    Err(_) => out.push(b'%'),
                }
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::decode;

    #[test]
    fn form_decoding() {
        assert_eq!(
            decode("api%3A%2F%2FAzureADTokenExchange"),
            "api://AzureADTokenExchange"
        );
        assert_eq!(decode("x+y%26z"), "x y&z");
        assert_eq!(decode("50%"), "50%");
    }
}
