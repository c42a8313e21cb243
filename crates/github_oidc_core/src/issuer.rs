//! The enterprise OIDC issuer policy (GitHub Enterprise Cloud only).
//!
//! `PUT /enterprises/{enterprise}/actions/oidc/customization/issuer` with
//! `{"include_enterprise_slug": bool}` answers 204. With the slug, tokens carry
//! `iss: https://token.actions.githubusercontent.com/<slug>`; relying parties that trust only
//! the standard issuer (npm and PyPI trusted publishing, for example) then reject them.
//! There is no GET for this setting. Needs a classic token with `admin:enterprise`.

use crate::context::Context;
use crate::error::Result;
use crate::http;
use crate::names::segment;
use reqwest::Method;

const ENTERPRISE_WRITE: &str =
    "a classic token with the admin:enterprise scope (GitHub Apps and fine-grained tokens cannot use this endpoint)";

/// Sets whether tokens of the enterprise use the enterprise-scoped issuer. Returns the body sent.
pub fn set_enterprise_issuer(
    ctx: &Context,
    enterprise: &str,
    include_enterprise_slug: bool,
) -> Result<serde_json::Value> {
    let path = format!(
        "/enterprises/{}/actions/oidc/customization/issuer",
        segment("Enterprise", enterprise)?
    );
    ctx.require_cloud("The enterprise OIDC issuer policy")?;
    let body = serde_json::json!({ "include_enterprise_slug": include_enterprise_slug });
    http::api(
        ctx,
        Method::PUT,
        &path,
        Some(body.clone()),
        ENTERPRISE_WRITE,
        None,
    )?;
    Ok(body)
}
