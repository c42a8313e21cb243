//! The operations behind the exported functions: parse the JSON request, call the core,
//! shape the JSON answer. Field names are snake_case, as in GitHub's API.

use github_oidc_core::template::{self, Update};
use github_oidc_core::{discovery, keys, Context, ContextOptions, Error, Result};
use serde_json::{json, Value};

/// The resolved `context` member of a request (absent = github.com, no token).
fn ctx(req: &Value) -> Result<Context> {
    let opts: ContextOptions = match req.get("context") {
        None | Some(Value::Null) => ContextOptions::default(),
        Some(v) => serde_json::from_value(v.clone()).map_err(|e| Error::invalid(format!("Invalid context: {e}")))?,
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
    let builtin = || keys::BUILTIN_CLAIMS.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    // Completion never waits on an issuer that failed a moment ago.
    if completion && discovery::cached(&issuer).is_none() && discovery::recently_failed(&issuer) {
        return Ok(json!({ "keys": keys::template_keys(&builtin()), "source": "builtin", "issuer": issuer }));
    }
    match discovery::discover(&c, enterprise) {
        Ok(d) => Ok(json!({ "keys": keys::template_keys(&d.claims_supported), "source": "discovery", "issuer": issuer })),
        Err(e) => Ok(json!({
            "keys": keys::template_keys(&builtin()),
            "source": "builtin",
            "issuer": issuer,
            "warning": format!("Using the built-in claim list: discovery failed: {e}"),
        })),
    }
}

pub fn get_org(req: &Value) -> Result<Value> {
    to_json(&template::get_org(&ctx(req)?, str_field(req, "owner", "Owner")?)?)
}

pub fn get_repo(req: &Value) -> Result<Value> {
    let c = ctx(req)?;
    to_json(&template::get_repo(&c, str_field(req, "owner", "Owner")?, str_field(req, "repository", "Repository")?)?)
}

fn update(req: &Value) -> Result<Update> {
    match req.get("update") {
        None | Some(Value::Null) => Ok(Update::default()),
        Some(u) => serde_json::from_value(u.clone()).map_err(|e| Error::invalid(format!("Invalid update: {e}"))),
    }
}

pub fn set_org(req: &Value) -> Result<Value> {
    let c = ctx(req)?;
    to_json(&template::set_org(&c, str_field(req, "owner", "Owner")?, &update(req)?)?)
}

pub fn set_repo(req: &Value) -> Result<Value> {
    let c = ctx(req)?;
    let owner = str_field(req, "owner", "Owner")?;
    to_json(&template::set_repo(&c, owner, str_field(req, "repository", "Repository")?, &update(req)?)?)
}

pub fn set_enterprise_issuer(req: &Value) -> Result<Value> {
    let c = ctx(req)?;
    let include = req
        .get("include_enterprise_slug")
        .and_then(Value::as_bool)
        .ok_or_else(|| Error::invalid("IncludeEnterpriseSlug is required."))?;
    let sent = github_oidc_core::issuer::set_enterprise_issuer(&c, str_field(req, "enterprise", "Enterprise")?, include)?;
    Ok(json!({ "sent": sent }))
}

pub fn resolve_subject(_req: &Value) -> Result<Value> {
    Err(Error::Internal("subject preview is not built yet".into()))
}

pub fn decode_token(_req: &Value) -> Result<Value> {
    Err(Error::Internal("token decoding is not built yet".into()))
}

pub fn verify_token(_req: &Value) -> Result<Value> {
    Err(Error::Internal("token verification is not built yet".into()))
}

pub fn trust_policy(_req: &Value) -> Result<Value> {
    Err(Error::Internal("trust policies are not built yet".into()))
}

pub fn clear_cache(_: &Value) -> Result<Value> {
    discovery::clear_cache();
    Ok(json!({}))
}
