//! OIDC custom-property inclusions: which repository custom properties GitHub adds to tokens as
//! `repo_property_<name>` claims (contract §2.6; github.com and GitHub Enterprise Cloud).
//!
//! | Call | Endpoint | Permission (fine-grained / classic) |
//! | --- | --- | --- |
//! | [`list`] | `GET /{orgs|enterprises}/{owner}/actions/oidc/customization/properties/repo` | Administration org (read) / `read:org`; enterprise: `admin:enterprise` |
//! | [`add`] | `POST …/properties/repo` `{"custom_property_name"}` → 201 | Administration org (write) / `admin:org`; enterprise: `admin:enterprise` |
//! | [`remove`] | `DELETE …/properties/repo/{custom_property_name}` → 204 | as `add` |
//!
//! These endpoints are documented under API version 2026-03-10, which these requests name.

use crate::context::Context;
use crate::error::{Error, Result};
use crate::http;
use crate::keys::PROPERTY_PREFIX;
use crate::names::segment;
use reqwest::Method;
use serde::Serialize;

/// The API version that documents these endpoints.
const API_VERSION: &str = "2026-03-10";

/// Where inclusions are defined.
#[derive(Debug, Clone, Copy)]
pub enum Scope<'a> {
    /// An organization login.
    Organization(&'a str),
    /// An enterprise slug.
    Enterprise(&'a str),
}

/// One inclusion.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Inclusion {
    /// The custom property's name.
    pub custom_property_name: String,
    /// `organization` or `enterprise`.
    pub inclusion_source: String,
    /// The claim key a template uses for it: `repo_property_<name>`.
    pub claim_key: String,
}

fn base(ctx: &Context, scope: Scope) -> Result<(String, &'static str, &'static str)> {
    Ok(match scope {
        Scope::Organization(org) => (
            format!("/orgs/{}/actions/oidc/customization/properties/repo", segment("Owner", org)?),
            "the fine-grained permission \"Administration\" organization (read) or the classic scope read:org",
            "the fine-grained permission \"Administration\" organization (write) or the classic scope admin:org",
        ),
        Scope::Enterprise(slug) => {
            ctx.require_cloud("OIDC custom-property inclusions")?;
            (
                format!(
                    "/enterprises/{}/actions/oidc/customization/properties/repo",
                    segment("Enterprise", slug)?
                ),
                "a classic token with the admin:enterprise scope (fine-grained tokens are not supported)",
                "a classic token with the admin:enterprise scope (fine-grained tokens are not supported)",
            )
        }
    })
}

fn call(
    ctx: &Context,
    method: Method,
    path: &str,
    body: Option<serde_json::Value>,
    perm: &str,
) -> Result<http::Response> {
    http::api(ctx, method, path, body, perm, Some(API_VERSION))
}

fn inclusion(v: &serde_json::Value, default_source: &str) -> Option<Inclusion> {
    let name = v.get("custom_property_name")?.as_str()?.to_string();
    Some(Inclusion {
        claim_key: format!("{PROPERTY_PREFIX}{name}"),
        inclusion_source: v
            .get("inclusion_source")
            .and_then(|s| s.as_str())
            .unwrap_or(default_source)
            .to_string(),
        custom_property_name: name,
    })
}

fn source_of(scope: Scope) -> &'static str {
    match scope {
        Scope::Organization(_) => "organization",
        Scope::Enterprise(_) => "enterprise",
    }
}

/// Lists the inclusions of an organization (with those it inherits) or an enterprise.
pub fn list(ctx: &Context, scope: Scope) -> Result<Vec<Inclusion>> {
    let (path, read, _) = base(ctx, scope)?;
    let r = call(ctx, Method::GET, &path, None, read)?;
    let items = r.body.as_array().ok_or_else(|| Error::UnexpectedResponse {
        url: ctx.api_url(&path),
        message: "the list of inclusions is not a JSON array".into(),
    })?;
    Ok(items
        .iter()
        .filter_map(|v| inclusion(v, source_of(scope)))
        .collect())
}

fn property_name(name: &str) -> Result<&str> {
    let name = name.strip_prefix(PROPERTY_PREFIX).unwrap_or(name);
    segment("Name", name)?;
    Ok(name)
}

/// Adds an inclusion; a name given as `repo_property_<name>` is accepted too.
pub fn add(ctx: &Context, scope: Scope, name: &str) -> Result<Inclusion> {
    let name = property_name(name)?;
    let (path, _, write) = base(ctx, scope)?;
    let r = call(
        ctx,
        Method::POST,
        &path,
        Some(serde_json::json!({ "custom_property_name": name })),
        write,
    )?;
    Ok(inclusion(&r.body, source_of(scope)).unwrap_or(Inclusion {
        custom_property_name: name.to_string(),
        inclusion_source: source_of(scope).to_string(),
        claim_key: format!("{PROPERTY_PREFIX}{name}"),
    }))
}

/// Removes an inclusion; a name given as `repo_property_<name>` is accepted too.
pub fn remove(ctx: &Context, scope: Scope, name: &str) -> Result<()> {
    let name = property_name(name)?;
    let (path, _, write) = base(ctx, scope)?;
    call(
        ctx,
        Method::DELETE,
        &format!("{path}/{}", segment("Name", name)?),
        None,
        write,
    )?;
    Ok(())
}
