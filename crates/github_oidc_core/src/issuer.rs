//! The enterprise OIDC issuer policy (GitHub Enterprise Cloud only).
//!
//! `PUT /enterprises/{enterprise}/actions/oidc/customization/issuer` with
//! `{"include_enterprise_slug": bool}` answers 204. With the slug, tokens carry
//! `iss: https://token.actions.githubusercontent.com/<slug>`; relying parties that trust only
//! the standard issuer (npm and PyPI trusted publishing, for example) then reject them.
//! There is no GET for this setting. Endpoint and permission:
//! [`endpoints::SET_ENTERPRISE_ISSUER`].

use crate::context::Context;
use crate::endpoints;
use crate::error::Result;
use crate::http;

/// Sets whether tokens of the enterprise use the enterprise-scoped issuer. Returns the body sent.
pub fn set_enterprise_issuer(
    ctx: &Context,
    enterprise: &str,
    include_enterprise_slug: bool,
) -> Result<serde_json::Value> {
    endpoints::SET_ENTERPRISE_ISSUER.path(&[enterprise])?;
    ctx.require_cloud("The enterprise OIDC issuer policy")?;
    let body = serde_json::json!({ "include_enterprise_slug": include_enterprise_slug });
    http::api(ctx, &endpoints::SET_ENTERPRISE_ISSUER, &[enterprise], Some(&body))?;
    Ok(body)
}
