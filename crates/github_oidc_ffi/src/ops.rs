//! The operations behind the exported functions: parse the JSON request, call the core,
//! shape the JSON answer. Field names are snake_case, as in GitHub's API.

use github_oidc_claims::{Provider, TrustRequest};
use github_oidc_core::preview;
use github_oidc_core::properties;
use github_oidc_core::template::{self, Update};
use github_oidc_core::{discovery, keys, Context, ContextOptions, Error, Result};
use serde_json::{json, Value};

/// The resolved `context` member of a request (absent = github.com, no token).
fn ctx(req: &Value) -> Result<Context> {
    let opts: ContextOptions = match req.get("context") {
        None | Some(Value::Null) => ContextOptions::default(),
        Some(v) => {
            serde_json::from_value(v.clone()).map_err(|e| Error::invalid(format!("Invalid context: {e}")))?
        }
    };
    Context::resolve(&opts)
}

fn str_field<'a>(req: &'a Value, name: &str, what: &str) -> Result<&'a str> {
    match req.get(name) {
        Some(Value::String(s)) => Ok(s),
        _ => Err(Error::invalid(format!("{what} is required."))),
    }
}

fn opt_str<'a>(req: &'a Value, name: &str) -> Option<&'a str> {
    req.get(name).and_then(Value::as_str).filter(|s| !s.is_empty())
}

fn to_json<T: serde::Serialize>(v: &T) -> Result<Value> {
    serde_json::to_value(v).map_err(|e| Error::Internal(e.to_string()))
}

pub fn version(_: &Value) -> Result<Value> {
    Ok(json!({
        "version": github_oidc_core::VERSION,
        "user_agent": github_oidc_core::http::USER_AGENT.as_str(),
        "api_version": github_oidc_core::http::API_VERSION,
    }))
}

pub fn context(req: &Value) -> Result<Value> {
    Ok(ctx(req)?.describe())
}

pub fn discover(req: &Value) -> Result<Value> {
    let c = ctx(req)?;
    to_json(&*discovery::discover(&c, opt_str(req, "enterprise"))?)
}

pub fn claim_keys(req: &Value) -> Result<Value> {
    let c = ctx(req)?;
    let enterprise = opt_str(req, "enterprise");
    let issuer = c.issuer_for(enterprise)?;
    let completion = req.get("completion").and_then(Value::as_bool).unwrap_or(false);
    let builtin = || {
        keys::BUILTIN_CLAIMS
            .iter()
            .map(|s| s.to_string())
            .collect::<Vec<_>>()
    };
    // Completion never waits on an issuer that failed a moment ago.
    if completion && discovery::cached(&issuer).is_none() && discovery::recently_failed(&issuer) {
        return Ok(json!({ "keys": keys::template_keys(&builtin()), "source": "builtin", "issuer": issuer }));
    }
    match discovery::discover(&c, enterprise) {
        Ok(d) => Ok(
            json!({ "keys": keys::template_keys(&d.claims_supported), "source": "discovery", "issuer": issuer }),
        ),
        Err(e) => Ok(json!({
            "keys": keys::template_keys(&builtin()),
            "source": "builtin",
            "issuer": issuer,
            "warning": format!("Using the built-in claim list: discovery failed: {e}"),
        })),
    }
}

pub fn check_claim_keys(req: &Value) -> Result<Value> {
    let c = ctx(req)?;
    let keys = string_list(req, "include_claim_keys", "IncludeClaimKeys")?.unwrap_or_default();
    let allow_unknown = req
        .get("allow_unknown_keys")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    let warning = template::check_keys(&c, &keys, allow_unknown)?;
    Ok(json!({ "warning": warning }))
}

pub fn get_org(req: &Value) -> Result<Value> {
    to_json(&template::get_org(&ctx(req)?, str_field(req, "owner", "Owner")?)?)
}

pub fn get_repo(req: &Value) -> Result<Value> {
    let c = ctx(req)?;
    to_json(&template::get_repo(
        &c,
        str_field(req, "owner", "Owner")?,
        str_field(req, "repository", "Repository")?,
    )?)
}

fn update(req: &Value) -> Result<Update> {
    match req.get("update") {
        None | Some(Value::Null) => Ok(Update::default()),
        Some(u) => {
            serde_json::from_value(u.clone()).map_err(|e| Error::invalid(format!("Invalid update: {e}")))
        }
    }
}

pub fn set_org(req: &Value) -> Result<Value> {
    let c = ctx(req)?;
    to_json(&template::set_org(
        &c,
        str_field(req, "owner", "Owner")?,
        &update(req)?,
        false,
    )?)
}

pub fn set_repo(req: &Value) -> Result<Value> {
    let c = ctx(req)?;
    let owner = str_field(req, "owner", "Owner")?;
    to_json(&template::set_repo(
        &c,
        owner,
        str_field(req, "repository", "Repository")?,
        &update(req)?,
        false,
    )?)
}

/// The `owner` (organization) or `enterprise` of a property-inclusion request.
fn property_scope(req: &Value) -> Result<properties::Scope<'_>> {
    match (opt_str(req, "owner"), opt_str(req, "enterprise")) {
        (Some(o), None) => Ok(properties::Scope::Organization(o)),
        (None, Some(e)) => Ok(properties::Scope::Enterprise(e)),
        _ => Err(Error::invalid(
            "Name either an organization (-Owner) or an enterprise (-Enterprise).",
        )),
    }
}

pub fn list_property_claims(req: &Value) -> Result<Value> {
    let c = ctx(req)?;
    to_json(&properties::list(&c, property_scope(req)?)?)
}

pub fn add_property_claim(req: &Value) -> Result<Value> {
    let c = ctx(req)?;
    // Until the typed requests land, the answer keeps its old shape: the created inclusion.
    let written = properties::add(&c, property_scope(req)?, str_field(req, "name", "Name")?, false)?;
    Ok(written.result.unwrap_or_else(|| json!({})))
}

pub fn remove_property_claim(req: &Value) -> Result<Value> {
    let c = ctx(req)?;
    properties::remove(&c, property_scope(req)?, str_field(req, "name", "Name")?, false)?;
    Ok(json!({}))
}

pub fn set_enterprise_issuer(req: &Value) -> Result<Value> {
    let c = ctx(req)?;
    let include = req
        .get("include_enterprise_slug")
        .and_then(Value::as_bool)
        .ok_or_else(|| Error::invalid("IncludeEnterpriseSlug is required."))?;
    let sent = github_oidc_core::issuer::set_enterprise_issuer(
        &c,
        str_field(req, "enterprise", "Enterprise")?,
        include,
        false,
    )?;
    Ok(json!({ "sent": sent.sent }))
}

fn string_list(req: &Value, name: &str, what: &str) -> Result<Option<Vec<String>>> {
    match req.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Array(a)) => a
            .iter()
            .map(|v| {
                v.as_str()
                    .map(str::to_string)
                    .ok_or_else(|| Error::invalid(format!("{what} must be strings.")))
            })
            .collect::<Result<Vec<_>>>()
            .map(Some),
        Some(_) => Err(Error::invalid(format!("{what} must be a list of strings."))),
    }
}

/// `claims`: an object of claim name → value; numbers and booleans become text (GitHub
/// issues every claim as a string).
fn claims_field(req: &Value) -> Result<std::collections::BTreeMap<String, String>> {
    match req.get("claims") {
        None | Some(Value::Null) => Ok(Default::default()),
        Some(Value::Object(m)) => m
            .iter()
            .filter(|(_, v)| !v.is_null())
            .map(|(k, v)| match v {
                Value::String(s) => Ok((k.clone(), s.clone())),
                Value::Number(n) => Ok((k.clone(), n.to_string())),
                Value::Bool(b) => Ok((k.clone(), b.to_string())),
                _ => Err(Error::invalid(format!(
                    "The value of claim '{k}' must be a string."
                ))),
            })
            .collect(),
        Some(_) => Err(Error::invalid(
            "Claim must be a dictionary of claim names and values.",
        )),
    }
}

/// `{"context"?,"owner"?,"repository"?,"claims"?,"include_claim_keys"?,"use_immutable_subject"?,
/// "token"?}` → the subject preview. Three modes:
/// * `token`: the token's own claims (no request), with `matches` / `token_subject`;
/// * `owner` + `repository`: live — the repository's effective template and `sub_claim_prefix`;
/// * otherwise offline: `claims` with `include_claim_keys` (absent = default), no request.
pub fn resolve_subject(req: &Value) -> Result<Value> {
    let keys = string_list(req, "include_claim_keys", "IncludeClaimKeys")?;
    let immutable = req
        .get("use_immutable_subject")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    let owner = opt_str(req, "owner");
    let repository = opt_str(req, "repository");
    if let Some(token) = opt_str(req, "token") {
        if owner.is_some() || repository.is_some() {
            return Err(Error::invalid(
                "Use either -Token or -Owner/-Repository, not both.",
            ));
        }
        return to_json(&preview::resolve_token(token, keys.as_deref(), immutable)?);
    }
    let claims = claims_field(req)?;
    match (owner, repository) {
        (Some(o), Some(r)) => {
            if keys.is_some() {
                return Err(Error::invalid(
                    "IncludeClaimKeys is for the offline preview; the live preview uses the repository's own template.",
                ));
            }
            to_json(&preview::resolve_live(&ctx(req)?, o, r, &claims)?)
        }
        (None, None) => to_json(&preview::resolve_offline(&claims, keys.as_deref(), immutable)?),
        _ => Err(Error::invalid(
            "The live preview needs both Owner and Repository.",
        )),
    }
}

/// `{"token"}` → `{"header","claims","verified":false}`; no request, no verification.
pub fn decode_token(req: &Value) -> Result<Value> {
    let jwt = str_field(req, "token", "Token")?;
    let d = github_oidc_claims::token::decode(jwt)
        .map_err(|e| Error::invalid(format!("The token cannot be decoded: {e}.")))?;
    Ok(json!({ "header": d.header, "claims": d.claims, "verified": false }))
}

/// `{"context","token","audience"?,"enterprise"?}` → the verification report.
pub fn verify_token(req: &Value) -> Result<Value> {
    let c = ctx(req)?;
    let jwt = str_field(req, "token", "Token")?;
    to_json(&preview::verify_token(
        &c,
        jwt,
        opt_str(req, "audience"),
        opt_str(req, "enterprise"),
    )?)
}

/// `{"provider","subjects","audience"?,"issuer","aws_account_id"?,"name"?}` →
/// `{"json": "<indented JSON text>"}`.
pub fn trust_policy(req: &Value) -> Result<Value> {
    let provider: Provider = str_field(req, "provider", "Provider")?
        .parse()
        .map_err(|e: github_oidc_claims::TrustError| Error::invalid(e.to_string()))?;
    let subjects = string_list(req, "subjects", "Subject")?.unwrap_or_default();
    let issuer = str_field(req, "issuer", "Issuer")?;
    let policy = github_oidc_claims::trust_policy(&TrustRequest {
        provider,
        subjects: &subjects,
        audience: opt_str(req, "audience"),
        issuer,
        aws_account_id: opt_str(req, "aws_account_id"),
        name: opt_str(req, "name"),
    })
    .map_err(|e| Error::invalid(format!("Cannot build the {provider} trust policy: {e}.")))?;
    // One document per thing the provider takes: Azure creates one federated identity
    // credential per request (`az ad app federated-credential create --parameters`).
    let pretty = |v: &Value| serde_json::to_string_pretty(v).map_err(|e| Error::Internal(e.to_string()));
    let documents = match (&provider, &policy) {
        (Provider::Azure, Value::Array(items)) => items.iter().map(pretty).collect::<Result<Vec<_>>>()?,
        _ => vec![pretty(&policy)?],
    };
    Ok(json!({ "json": pretty(&policy)?, "documents": documents }))
}

pub fn clear_cache(_: &Value) -> Result<Value> {
    discovery::clear_cache();
    Ok(json!({}))
}
