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
use crate::models::IssuerPolicyBody;
use crate::write::{perform, to_body, Mode, Written};

/// Sets whether tokens of the enterprise use the enterprise-scoped issuer (or, with a dry run,
/// only plans it). The answer's `issuer` is the issuer the enterprise's tokens carry afterwards.
/// The body depends only on the request (there is no GET to read).
pub fn set_enterprise_issuer<'a>(
    ctx: &Context,
    enterprise: &str,
    include_enterprise_slug: bool,
    mode: impl Into<Mode<'a>>,
) -> Result<Written> {
    endpoints::SET_ENTERPRISE_ISSUER.path(&[enterprise])?;
    ctx.require_cloud("The enterprise OIDC issuer policy")?;
    let scoped = ctx.enterprise_issuer(enterprise)?;
    let standard = ctx.issuer();
    let mut warnings = Vec::new();
    if include_enterprise_slug {
        warnings.push(format!(
            "Tokens of enterprise {enterprise} will use the issuer {scoped}. Relying parties that trust only {standard} (for example npm and PyPI trusted publishing) will reject them with 401; update cloud trust policies to the new issuer."
        ));
    }
    let body = to_body(&IssuerPolicyBody {
        include_enterprise_slug,
    })?;
    let (mut written, _) = perform(
        ctx,
        &endpoints::SET_ENTERPRISE_ISSUER,
        &[enterprise],
        Some(body),
        warnings,
        None,
        mode.into(),
    )?;
    written.issuer = Some(if include_enterprise_slug { scoped } else { standard });
    Ok(written)
}
