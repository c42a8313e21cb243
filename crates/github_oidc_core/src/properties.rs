//! OIDC custom-property inclusions: which repository custom properties GitHub adds to tokens as
//! `repo_property_<name>` claims (contract §2.6; github.com and GitHub Enterprise Cloud).
//!
//! [`list`], [`add`] (`POST {"custom_property_name"}` → 201) and [`remove`] (`DELETE` → 204)
//! call the `*_PROPERTY_INCLUSION*` entries of [`crate::endpoints`] (org and enterprise), which
//! name their paths, permissions and API version (2026-03-10).

use crate::context::Context;
use crate::endpoints::{self, Endpoint};
use crate::error::Result;
use crate::keys::PROPERTY_PREFIX;
use crate::models::{InclusionBody, InclusionResponse};
use crate::names::segment;
use crate::write::{perform, to_body, Mode, Written};
use serde::Serialize;

/// Where inclusions are defined.
#[derive(Debug, Clone, Copy)]
pub enum Scope<'a> {
    /// An organization login.
    Organization(&'a str),
    /// An enterprise slug.
    Enterprise(&'a str),
}

crate::contract_struct! {
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
}

/// The (list, add, remove) endpoints and the owner argument of a scope.
fn endpoints_of<'a>(
    ctx: &Context,
    scope: Scope<'a>,
) -> Result<(&'static Endpoint, &'static Endpoint, &'static Endpoint, &'a str)> {
    Ok(match scope {
        Scope::Organization(org) => (
            &endpoints::LIST_ORG_PROPERTY_INCLUSIONS,
            &endpoints::ADD_ORG_PROPERTY_INCLUSION,
            &endpoints::REMOVE_ORG_PROPERTY_INCLUSION,
            org,
        ),
        Scope::Enterprise(slug) => {
            segment("Enterprise", slug)?;
            ctx.require_cloud("OIDC custom-property inclusions")?;
            (
                &endpoints::LIST_ENTERPRISE_PROPERTY_INCLUSIONS,
                &endpoints::ADD_ENTERPRISE_PROPERTY_INCLUSION,
                &endpoints::REMOVE_ENTERPRISE_PROPERTY_INCLUSION,
                slug,
            )
        }
    })
}

fn inclusion(v: InclusionResponse, scope: Scope) -> Inclusion {
    Inclusion {
        claim_key: format!("{PROPERTY_PREFIX}{}", v.custom_property_name),
        inclusion_source: v.inclusion_source.unwrap_or_else(|| source_of(scope).to_string()),
        custom_property_name: v.custom_property_name,
    }
}

fn source_of(scope: Scope) -> &'static str {
    match scope {
        Scope::Organization(_) => "organization",
        Scope::Enterprise(_) => "enterprise",
    }
}

/// Lists the inclusions of an organization (with those it inherits) or an enterprise.
pub fn list(ctx: &Context, scope: Scope) -> Result<Vec<Inclusion>> {
    let (list, _, _, owner) = endpoints_of(ctx, scope)?;
    let items: Vec<InclusionResponse> = crate::auth::api(ctx, list, &[owner], None)?.parse()?;
    Ok(items.into_iter().map(|v| inclusion(v, scope)).collect())
}

fn property_name(name: &str) -> Result<&str> {
    let name = name.strip_prefix(PROPERTY_PREFIX).unwrap_or(name);
    segment("Name", name)?;
    Ok(name)
}

/// Adds an inclusion (or, with a dry run, only plans it); a name given as
/// `repo_property_<name>` is accepted too. The answer's `result` is the [`Inclusion`] GitHub
/// created. The body depends only on the name (no state is read for it).
pub fn add<'a>(ctx: &Context, scope: Scope, name: &str, mode: impl Into<Mode<'a>>) -> Result<Written> {
    let name = property_name(name)?;
    let (_, add, _, owner) = endpoints_of(ctx, scope)?;
    let body = to_body(&InclusionBody {
        custom_property_name: name,
    })?;
    let (mut written, response) = perform(ctx, add, &[owner], Some(body), Vec::new(), None, mode.into())?;
    if let Some(r) = response {
        let created = if r.body.is_null() {
            InclusionResponse {
                custom_property_name: name.to_string(),
                inclusion_source: None,
            }
        } else {
            r.parse()?
        };
        written.result = Some(to_body(&inclusion(created, scope))?);
    }
    Ok(written)
}

/// Removes an inclusion (or, with a dry run, only plans it); a name given as
/// `repo_property_<name>` is accepted too. A DELETE has no body and reads no state.
pub fn remove<'a>(ctx: &Context, scope: Scope, name: &str, mode: impl Into<Mode<'a>>) -> Result<Written> {
    let name = property_name(name)?;
    let (_, _, remove, owner) = endpoints_of(ctx, scope)?;
    let (written, _) = perform(ctx, remove, &[owner, name], None, Vec::new(), None, mode.into())?;
    Ok(written)
}
