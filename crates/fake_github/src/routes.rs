//! The fake GitHub REST API: the OIDC customization endpoints, plus the generic checks every API
//! request goes through (User-Agent, API version, authentication) and the common headers.

// Validation helpers return the ready-made error `Response` as their `Err`; its size is irrelevant
// for a test server.
#![allow(clippy::result_large_err)]

use std::collections::HashSet;
use std::sync::atomic::Ordering;

use axum::http::{HeaderMap, HeaderValue, Method, StatusCode};
use axum::response::Response;
use serde_json::{json, Map, Value};

use crate::http::{
    empty, error, invalid_request, json_response, not_found, validation_failed, OIDC_DOCS, REST_DOCS,
};
use crate::shared::Shared;
use crate::state::Permission;

/// API versions the fake accepts in `X-GitHub-Api-Version`.
pub const SUPPORTED_API_VERSIONS: &[&str] = &["2022-11-28", "2026-03-10"];
/// Version used when the request has no `X-GitHub-Api-Version` header.
pub const DEFAULT_API_VERSION: &str = "2022-11-28";

/// Strips a GHES-style `/api/v3` prefix.
pub(crate) fn strip_api_prefix(path: &str) -> &str {
    match path.strip_prefix("/api/v3") {
        Some("") => "/",
        Some(rest) if rest.starts_with('/') => rest,
        _ => path,
    }
}

/// Handles one API request (already recorded, faults already checked).
pub(crate) fn handle(
    shared: &Shared,
    method: &Method,
    headers: &HeaderMap,
    api_path: &str,
    query: Option<&str>,
    body: &[u8],
) -> Response {
    if method == Method::GET && api_path.trim_end_matches('/') == "/rate_limit" {
        // Not charged, as GitHub's: tests and the bench read the budget with it.
        return crate::etag::rate_limit(shared, bearer_token(headers).is_some());
    }
    let used = shared.rate_used.fetch_add(1, Ordering::Relaxed) + 1;
    let configured = shared.fleet.count_request();
    let version = header_str(headers, "x-github-api-version").map(str::trim);
    let selected = match version {
        Some(v) if SUPPORTED_API_VERSIONS.contains(&v) => v,
        _ => DEFAULT_API_VERSION,
    };
    let token = bearer_token(headers);
    let permission = token.and_then(|t| {
        let state = shared.state();
        state
            .tokens
            .get(t)
            .copied()
            .or_else(|| crate::apps::permission(&state, t))
    });
    if let Some((limit, _, _, reset, true)) = configured {
        return crate::fleet::rate_limited(reset, limit);
    }
    if shared.fleet.over_points(method.as_str()) {
        return crate::faults::secondary_limited();
    }
    let mut resp = handle_checked(
        shared, method, headers, version, permission, api_path, query, body,
    );
    let limit: u64 = if permission.is_some() { 5000 } else { 60 };
    add_api_headers(resp.headers_mut(), shared, selected, limit, used);
    if let Some((limit, remaining, used, reset, _)) = configured {
        let h = resp.headers_mut();
        h.insert("x-ratelimit-limit", HeaderValue::from(limit));
        h.insert("x-ratelimit-remaining", HeaderValue::from(remaining));
        h.insert("x-ratelimit-used", HeaderValue::from(used));
        h.insert("x-ratelimit-reset", HeaderValue::from(reset));
    }
    resp
}

/// Adds the headers every API response carries.
pub(crate) fn add_api_headers(h: &mut HeaderMap, shared: &Shared, version: &str, limit: u64, used: u64) {
    let mut set = |name: &'static str, value: String| {
        if let Ok(v) = HeaderValue::from_str(&value) {
            h.insert(name, v);
        }
    };
    set("x-ratelimit-limit", limit.to_string());
    set("x-ratelimit-remaining", limit.saturating_sub(used).to_string());
    set("x-ratelimit-used", used.min(limit).to_string());
    set("x-ratelimit-reset", shared.rate_reset.to_string());
    set("x-ratelimit-resource", "core".to_owned());
    set("x-github-request-id", shared.next_request_id());
    set("x-github-api-version-selected", version.to_owned());
    set("x-github-media-type", "github.v3; format=json".to_owned());
}

fn header_str<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

/// The token of `Authorization: Bearer X` / `token X`; `None` if absent or malformed.
fn bearer_token(headers: &HeaderMap) -> Option<&str> {
    let value = header_str(headers, "authorization")?.trim();
    let (scheme, token) = value.split_once(' ')?;
    (scheme.eq_ignore_ascii_case("bearer") || scheme.eq_ignore_ascii_case("token")).then(|| token.trim())
}

enum Route<'a> {
    Org(&'a str),
    Repo(&'a str, &'a str),
    RepoInfo(&'a str, &'a str),
    EnterpriseIssuer(&'a str),
    /// `(scope, owner, property)`: scope is `orgs` or `enterprises`.
    PropertyInclusions(&'a str, &'a str, Option<&'a str>),
    /// Repository listings (see `fleet.rs`).
    Listing(crate::fleet::Listing<'a>),
}

fn route(path: &str) -> Option<Route<'_>> {
    let segs: Vec<&str> = path.trim_matches('/').split('/').collect();
    match segs.as_slice() {
        ["orgs", org, "actions", "oidc", "customization", "sub"] if !org.is_empty() => Some(Route::Org(org)),
        ["repos", owner, repo, "actions", "oidc", "customization", "sub"]
            if !owner.is_empty() && !repo.is_empty() =>
        {
            Some(Route::Repo(owner, repo))
        }
        ["repos", owner, repo] if !owner.is_empty() && !repo.is_empty() => Some(Route::RepoInfo(owner, repo)),
        ["orgs", org, "repos"] if !org.is_empty() => Some(Route::Listing(crate::fleet::Listing::Org(org))),
        ["users", user, "repos"] if !user.is_empty() => {
            Some(Route::Listing(crate::fleet::Listing::User(user)))
        }
        ["installation", "repositories"] => Some(Route::Listing(crate::fleet::Listing::Installation)),
        ["organizations", id, "repos"] => id
            .parse()
            .ok()
            .map(|id| Route::Listing(crate::fleet::Listing::OrgId(id))),
        ["user", id, "repos"] => id
            .parse()
            .ok()
            .map(|id| Route::Listing(crate::fleet::Listing::UserId(id))),
        ["enterprises", ent, "actions", "oidc", "customization", "issuer"] if !ent.is_empty() => {
            Some(Route::EnterpriseIssuer(ent))
        }
        [scope @ ("orgs" | "enterprises"), owner, "actions", "oidc", "customization", "properties", "repo"]
            if !owner.is_empty() =>
        {
            Some(Route::PropertyInclusions(scope, owner, None))
        }
        [scope @ ("orgs" | "enterprises"), owner, "actions", "oidc", "customization", "properties", "repo", name]
            if !owner.is_empty() && !name.is_empty() =>
        {
            Some(Route::PropertyInclusions(scope, owner, Some(name)))
        }
        _ => None,
    }
}

#[allow(clippy::too_many_arguments)]
fn handle_checked(
    shared: &Shared,
    method: &Method,
    headers: &HeaderMap,
    version: Option<&str>,
    permission: Option<Permission>,
    api_path: &str,
    query: Option<&str>,
    body: &[u8],
) -> Response {
    if header_str(headers, "user-agent").is_none_or(|ua| ua.trim().is_empty()) {
        return error(
            StatusCode::FORBIDDEN,
            "Request forbidden by administrative rules. Please make sure your request has a User-Agent header \
             (https://docs.github.com/rest/overview/resources-in-the-rest-api#user-agent-required). \
             A User-Agent header is required.",
            REST_DOCS,
        );
    }
    if let Some(v) = version {
        if !SUPPORTED_API_VERSIONS.contains(&v) {
            return error(
                StatusCode::BAD_REQUEST,
                &format!(
                    "API version '{v}' is not supported. Supported versions are: {}.",
                    SUPPORTED_API_VERSIONS.join(", ")
                ),
                "https://docs.github.com/rest/about-the-rest-api/api-versions",
            );
        }
    }
    if headers.get("authorization").is_none() {
        return error(StatusCode::UNAUTHORIZED, "Requires authentication", REST_DOCS);
    }
    if let Some(resp) = crate::apps::handle(shared, method, headers, api_path) {
        return resp;
    }
    let Some(permission) = permission else {
        return error(StatusCode::UNAUTHORIZED, "Bad credentials", REST_DOCS);
    };
    let is_get = method == Method::GET;
    let is_put = method == Method::PUT;
    match route(api_path) {
        Some(Route::Org(org)) if is_get => get_org(shared, org),
        Some(Route::Org(org)) if is_put => put_org(shared, org, permission, body),
        Some(Route::Repo(owner, repo)) if is_get => get_repo(shared, owner, repo),
        Some(Route::Repo(owner, repo)) if is_put => put_repo(shared, owner, repo, permission, body),
        Some(Route::RepoInfo(owner, repo)) if is_get => get_repo_info(shared, owner, repo),
        Some(Route::Listing(which)) if is_get => crate::fleet::list(shared, headers, api_path, query, which),
        Some(Route::EnterpriseIssuer(ent)) if is_put => put_enterprise_issuer(shared, ent, permission, body),
        Some(Route::PropertyInclusions(scope, owner, name)) => {
            property_inclusions(shared, method, scope, owner, name, permission, body)
        }
        _ => error(StatusCode::NOT_FOUND, "Not Found", REST_DOCS),
    }
}

fn forbidden(accepted: Option<&'static str>) -> Response {
    let mut resp = error(
        StatusCode::FORBIDDEN,
        "Resource not accessible by personal access token",
        OIDC_DOCS,
    );
    if let Some(accepted) = accepted {
        resp.headers_mut().insert(
            "x-accepted-github-permissions",
            HeaderValue::from_static(accepted),
        );
    }
    resp
}

/// Parses a request body that must be a JSON object.
fn parse_object(body: &[u8]) -> Result<Map<String, Value>, Response> {
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(_) => Err(error(
            StatusCode::BAD_REQUEST,
            "Body should be a JSON object",
            OIDC_DOCS,
        )),
        Err(_) => Err(error(StatusCode::BAD_REQUEST, "Problems parsing JSON", OIDC_DOCS)),
    }
}

/// Optional boolean field; wrong type → 422 "Invalid request".
fn opt_bool(obj: &Map<String, Value>, name: &str) -> Result<Option<bool>, Response> {
    match obj.get(name) {
        None => Ok(None),
        Some(Value::Bool(b)) => Ok(Some(*b)),
        Some(other) => Err(invalid_request(&format!(
            "For 'properties/{name}', {other} is not a boolean."
        ))),
    }
}

/// Optional `include_claim_keys`: array of unique, non-empty `[A-Za-z0-9_]+` strings.
fn opt_claim_keys(obj: &Map<String, Value>) -> Result<Option<Vec<String>>, Response> {
    let items = match obj.get("include_claim_keys") {
        None => return Ok(None),
        Some(Value::Array(items)) => items,
        Some(other) => {
            return Err(invalid_request(&format!(
                "For 'properties/include_claim_keys', {other} is not an array."
            )))
        }
    };
    let mut keys = Vec::with_capacity(items.len());
    for item in items {
        match item {
            Value::String(s) => keys.push(s.clone()),
            other => return Err(invalid_request(&format!("For 'items', {other} is not a string."))),
        }
    }
    let mut errors = Vec::new();
    if keys.is_empty() {
        errors.push("include_claim_keys must contain at least one claim key".to_owned());
    }
    let mut seen = HashSet::new();
    for key in &keys {
        if key.is_empty() || !key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            errors.push(format!(
                "Claim key '{key}' is invalid: claim keys can only contain alphanumeric characters and underscores"
            ));
        } else if !seen.insert(key.as_str()) {
            errors.push(format!(
                "Claim key '{key}' is duplicated: include_claim_keys must be unique"
            ));
        }
    }
    if errors.is_empty() {
        Ok(Some(keys))
    } else {
        Err(validation_failed(errors))
    }
}

fn created() -> Response {
    json_response(StatusCode::CREATED, &json!({}))
}

fn get_org(shared: &Shared, org: &str) -> Response {
    let state = shared.state();
    let Some(org) = state.org(org) else {
        return not_found();
    };
    let Some(template) = &org.template else {
        return error(
            StatusCode::NOT_FOUND,
            &format!(
                "No Actions OIDC custom sub claim template found for the organization {}",
                org.login
            ),
            OIDC_DOCS,
        );
    };
    let mut body = json!({ "include_claim_keys": template });
    if let Some(flag) = org.use_immutable_subject {
        body["use_immutable_subject"] = Value::Bool(flag);
    }
    json_response(StatusCode::OK, &body)
}

fn put_org(shared: &Shared, org: &str, permission: Permission, body: &[u8]) -> Response {
    if shared.state().org(org).is_none() {
        return not_found();
    }
    if permission != Permission::Write {
        return forbidden(Some("administration=write"));
    }
    let result = parse_object(body).and_then(|obj| {
        let keys = opt_claim_keys(&obj)?;
        let flag = opt_bool(&obj, "use_immutable_subject")?;
        if keys.is_none() && flag.is_none() {
            return Err(invalid_request(
                "At least one of 'include_claim_keys' or 'use_immutable_subject' must be supplied.",
            ));
        }
        Ok((keys, flag))
    });
    let (keys, flag) = match result {
        Ok(v) => v,
        Err(resp) => return resp,
    };
    let mut state = shared.state();
    let Some(org) = state.org_mut(org) else {
        return not_found();
    };
    if let Some(keys) = keys {
        org.template = Some(keys);
    }
    if let Some(flag) = flag {
        org.use_immutable_subject = Some(flag);
    }
    created()
}

fn get_repo(shared: &Shared, owner: &str, repo: &str) -> Response {
    let state = shared.state();
    let Some(repo) = state.repo(owner, repo) else {
        return not_found();
    };
    let mut body = Map::new();
    body.insert("use_default".into(), Value::Bool(repo.use_default));
    if !repo.use_default {
        if let Some(keys) = &repo.include_claim_keys {
            body.insert("include_claim_keys".into(), json!(keys));
        } else if shared
            .fleet
            .inherited_keys_listed
            .load(std::sync::atomic::Ordering::SeqCst)
        {
            // The other answer GitHub's documentation allows: the organization's keys.
            let keys = state
                .org(&repo.owner)
                .and_then(|o| o.template.clone())
                .unwrap_or_else(|| vec!["repo".to_string(), "context".to_string()]);
            body.insert("include_claim_keys".into(), json!(keys));
        }
    }
    body.insert(
        "use_immutable_subject".into(),
        Value::Bool(state.effective_use_immutable_subject(repo)),
    );
    body.insert(
        "sub_claim_prefix".into(),
        Value::String(state.sub_claim_prefix(repo)),
    );
    json_response(StatusCode::OK, &Value::Object(body))
}

/// `GET /repos/{owner}/{repo}`: the few repository fields the immutable subject needs
/// (`id`, `name`, `full_name`, `owner.login`, `owner.id`).
fn get_repo_info(shared: &Shared, owner: &str, repo: &str) -> Response {
    let state = shared.state();
    let Some(repo) = state.repo(owner, repo) else {
        return not_found();
    };
    let owner_id = repo
        .owner_id
        .or_else(|| state.org(&repo.owner).map(|o| o.id))
        .unwrap_or(0);
    json_response(
        StatusCode::OK,
        &json!({
            "id": repo.id,
            "name": repo.name,
            "full_name": format!("{}/{}", repo.owner, repo.name),
            "owner": { "login": repo.owner, "id": owner_id, "type": "Organization" },
        }),
    )
}

fn put_repo(shared: &Shared, owner: &str, repo: &str, permission: Permission, body: &[u8]) -> Response {
    if shared.state().repo(owner, repo).is_none() {
        return not_found();
    }
    if permission != Permission::Write {
        return forbidden(Some("actions=write"));
    }
    let result = parse_object(body).and_then(|obj| {
        let use_default = match obj.get("use_default") {
            Some(Value::Bool(b)) => *b,
            Some(other) => {
                return Err(invalid_request(&format!(
                    "For 'properties/use_default', {other} is not a boolean."
                )))
            }
            None => return Err(invalid_request("\"use_default\" wasn't supplied.")),
        };
        let keys = opt_claim_keys(&obj)?;
        let flag = opt_bool(&obj, "use_immutable_subject")?;
        Ok((use_default, keys, flag))
    });
    let (use_default, keys, flag) = match result {
        Ok(v) => v,
        Err(resp) => return resp,
    };
    let mut state = shared.state();
    let Some(repo) = state.repo_mut(owner, repo) else {
        return not_found();
    };
    repo.use_default = use_default;
    repo.include_claim_keys = if use_default { None } else { keys };
    if let Some(flag) = flag {
        repo.use_immutable_subject = Some(flag);
    }
    created()
}

/// `GET|POST /{orgs|enterprises}/{owner}/actions/oidc/customization/properties/repo` and
/// `DELETE …/repo/{custom_property_name}` (contract §2.6).
fn property_inclusions(
    shared: &Shared,
    method: &Method,
    scope: &str,
    owner: &str,
    name: Option<&str>,
    permission: Permission,
    body: &[u8],
) -> Response {
    let source = if scope == "orgs" {
        "organization"
    } else {
        "enterprise"
    };
    let key = {
        let state = shared.state();
        let found = if scope == "orgs" {
            state.org(owner).map(|o| o.login.to_ascii_lowercase())
        } else {
            state.enterprise(owner).map(str::to_ascii_lowercase)
        };
        match found {
            Some(k) => k,
            None => return not_found(),
        }
    };
    let item = |n: &str| json!({ "custom_property_name": n, "inclusion_source": source });
    let mut state = shared.state();
    let map = if scope == "orgs" {
        &mut state.org_property_inclusions
    } else {
        &mut state.enterprise_property_inclusions
    };
    let list = map.entry(key).or_default();
    match (method.as_str(), name) {
        ("GET", None) => json_response(
            StatusCode::OK,
            &Value::Array(list.iter().map(|n| item(n)).collect()),
        ),
        ("POST", None) => {
            if permission != Permission::Write {
                return forbidden(Some("administration=write"));
            }
            let obj = match parse_object(body) {
                Ok(o) => o,
                Err(resp) => return resp,
            };
            let Some(Value::String(n)) = obj.get("custom_property_name") else {
                return invalid_request("\"custom_property_name\" wasn't supplied.");
            };
            if list.iter().any(|x| x.eq_ignore_ascii_case(n)) {
                return error(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "Property inclusion already exists",
                    OIDC_DOCS,
                );
            }
            list.push(n.clone());
            json_response(StatusCode::CREATED, &item(n))
        }
        ("DELETE", Some(n)) => {
            if permission != Permission::Write {
                return forbidden(Some("administration=write"));
            }
            match list.iter().position(|x| x.eq_ignore_ascii_case(n)) {
                Some(i) => {
                    list.remove(i);
                    empty(StatusCode::NO_CONTENT)
                }
                None => error(StatusCode::NOT_FOUND, "Property inclusion not found", OIDC_DOCS),
            }
        }
        _ => not_found(),
    }
}

fn put_enterprise_issuer(shared: &Shared, ent: &str, permission: Permission, body: &[u8]) -> Response {
    let Some(slug) = shared.state().enterprise(ent).map(str::to_owned) else {
        return not_found();
    };
    if permission != Permission::Write {
        return forbidden(None);
    }
    let flag = match parse_object(body).and_then(|obj| opt_bool(&obj, "include_enterprise_slug")) {
        Ok(Some(flag)) => flag,
        Ok(None) => return invalid_request("\"include_enterprise_slug\" wasn't supplied."),
        Err(resp) => return resp,
    };
    shared.state().enterprise_issuer.insert(slug, flag);
    empty(StatusCode::NO_CONTENT)
}
