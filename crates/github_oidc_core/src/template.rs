//! The OIDC `sub` customization template of organizations and repositories.
//!
//! [`get_org`], [`set_org`], [`get_repo`] and [`set_repo`] call
//! [`endpoints::GET_ORG_TEMPLATE`], [`endpoints::SET_ORG_TEMPLATE`],
//! [`endpoints::GET_REPO_TEMPLATE`] and [`endpoints::SET_REPO_TEMPLATE`] (paths and
//! permissions are in [`crate::endpoints`]).
//!
//! An organization that never customised its template answers 404 with "No Actions OIDC
//! custom sub claim template found…": that is reported as `customized: false` with the default
//! keys, not as an error. A 404 with any other message means the organization is missing.
//!
//! Writes take a [`Mode`] (`true`/`false` for a dry run or not): a dry run makes every check
//! and every read the write makes (key validation against discovery, the repository's current
//! template, …) and returns the exact body and the same warnings, but sends no write. A write
//! whose body keeps the repository's current template reports what it read as its `state`,
//! so an approved write is refused when that template changed in between ([`crate::write`]).

use crate::context::Context;
use crate::discovery;
use crate::endpoints;
use crate::error::{Error, Result};
use crate::http;
use crate::keys;
use crate::models::{OrgTemplateBody, OrgTemplateResponse, RepoTemplateBody, RepoTemplateResponse};
use crate::write::{perform, to_body, Basis, Mode};
use github_oidc_claims::subject::DEFAULT_TEMPLATE;
use serde::{Deserialize, Serialize};

pub use crate::write::Written;

crate::contract_struct! {
    /// A template as GitHub reports it, plus where it came from.
    #[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
    pub struct Template {
        /// Organization or repository owner.
        pub owner: String,
        /// Repository name, `None` for an organization template.
        pub repository: Option<String>,
        /// Repository only: `true` = GitHub's default `sub` format.
        pub use_default: Option<bool>,
        /// The keys, in order; `None` when GitHub reports none.
        pub include_claim_keys: Option<Vec<String>>,
        /// The immutable-subject opt-in flag as GitHub reports it.
        pub use_immutable_subject: Option<bool>,
        /// Repository only: the effective `repo` segment of the `sub` (authoritative).
        pub sub_claim_prefix: Option<String>,
        /// Organization only: `false` when the organization never customised its template.
        pub customized: bool,
    }
}

/// What to write.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct Update {
    /// Repository only: `Some(true)` resets to the default, `Some(false)` uses a custom or the
    /// org template. `None` keeps the current value (read first).
    pub use_default: Option<bool>,
    /// The keys; `None` keeps the current keys (repository) or sends none (organization).
    pub include_claim_keys: Option<Vec<String>>,
    /// The immutable-subject opt-in flag; `None` leaves it out of the request.
    pub use_immutable_subject: Option<bool>,
    /// Send keys the discovery document does not list.
    pub allow_unknown_keys: bool,
}

/// Reads an organization's template.
pub fn get_org(ctx: &Context, org: &str) -> Result<Template> {
    org_template(
        org,
        crate::auth::api(ctx, &endpoints::GET_ORG_TEMPLATE, &[org], None),
    )
}

/// An organization's template from the answer to [`endpoints::GET_ORG_TEMPLATE`]: the 404
/// "no template" answer is `customized: false` with the default keys (shared by [`get_org`]
/// and the fleet inventory).
pub fn org_template(org: &str, answer: Result<http::Response>) -> Result<Template> {
    match answer {
        Ok(r) => {
            let t: OrgTemplateResponse = r.parse()?;
            Ok(Template {
                owner: org.to_string(),
                include_claim_keys: t.include_claim_keys,
                use_immutable_subject: t.use_immutable_subject,
                customized: true,
                ..Default::default()
            })
        }
        Err(Error::Api(api)) if api.status == 404 && is_no_template(&api.message) => Ok(Template {
            owner: org.to_string(),
            include_claim_keys: Some(default_keys()),
            customized: false,
            ..Default::default()
        }),
        Err(e) => Err(e),
    }
}

/// GitHub's default template (`repo`, `context`).
fn default_keys() -> Vec<String> {
    DEFAULT_TEMPLATE.iter().map(|s| s.to_string()).collect()
}

fn is_no_template(message: &str) -> bool {
    let m = message.to_ascii_lowercase();
    m.contains("template") && (m.contains("no ") || m.contains("not found"))
}

/// Reads a repository's template.
pub fn get_repo(ctx: &Context, owner: &str, repo: &str) -> Result<Template> {
    repo_template(
        owner,
        repo,
        &crate::auth::api(ctx, &endpoints::GET_REPO_TEMPLATE, &[owner, repo], None)?,
    )
}

/// A repository's template from the answer to [`endpoints::GET_REPO_TEMPLATE`] (shared by
/// [`get_repo`] and the fleet inventory).
pub fn repo_template(owner: &str, repo: &str, answer: &http::Response) -> Result<Template> {
    let t: RepoTemplateResponse = answer.parse()?;
    Ok(Template {
        owner: owner.to_string(),
        repository: Some(repo.to_string()),
        use_default: t.use_default,
        include_claim_keys: t.include_claim_keys,
        use_immutable_subject: t.use_immutable_subject,
        sub_claim_prefix: t.sub_claim_prefix,
        customized: true,
    })
}

/// Validates keys against the instance's discovery document (or only their syntax).
/// Returns a warning when discovery could not be reached and the built-in list was used.
pub fn check_keys(ctx: &Context, keys_in: &[String], allow_unknown: bool) -> Result<Option<String>> {
    keys::validate(keys_in, None)?;
    if allow_unknown {
        return Ok(None);
    }
    // A failure seen moments ago (the dry run before this write, or the previous command) is
    // not fetched again: a command fetches discovery at most once, and a write against an
    // issuer that does not answer waits for it once.
    let issuer = ctx.issuer();
    let found = match discovery::recent_failure(&issuer) {
        Some(message) if discovery::cached(&issuer).is_none() => Err(message),
        _ => discovery::discover(ctx, None).map_err(|e| e.to_string()),
    };
    match found {
        Ok(d) => keys::validate(keys_in, Some(&d.claims_supported)).map(|_| None),
        Err(e) => {
            let builtin: Vec<String> = keys::BUILTIN_CLAIMS.iter().map(|s| s.to_string()).collect();
            keys::validate(keys_in, Some(&builtin))?;
            Ok(Some(format!(
                "Claim keys were checked against the built-in list because discovery failed: {e}"
            )))
        }
    }
}

/// Writes an organization's template (or, with `dry_run`, only plans it).
/// `use_default: Some(true)` resets it to `repo,context`.
pub fn set_org<'a>(ctx: &Context, org: &str, update: &Update, mode: impl Into<Mode<'a>>) -> Result<Written> {
    endpoints::SET_ORG_TEMPLATE.path(&[org])?;
    ctx.require_token()?;
    let mut warnings = Vec::new();
    let keys = if update.use_default == Some(true) {
        if update.include_claim_keys.is_some() {
            warnings.push("IncludeClaimKeys is ignored with -UseDefault: the organization template is reset to repo, context.".to_string());
        }
        Some(default_keys())
    } else {
        update.include_claim_keys.clone()
    };
    if keys.is_none() && update.use_immutable_subject.is_none() {
        return Err(Error::invalid(
            "Nothing to set for the organization: pass -IncludeClaimKeys, -UseImmutableSubject or -UseDefault.",
        ));
    }
    if let Some(k) = &keys {
        warnings.extend(check_keys(ctx, k, update.allow_unknown_keys)?);
    }
    let body = to_body(&OrgTemplateBody {
        include_claim_keys: keys.as_deref(),
        use_immutable_subject: update.use_immutable_subject,
    })?;
    // The body depends only on the request: nothing GitHub holds is read for it.
    let (written, _) = perform(
        ctx,
        &endpoints::SET_ORG_TEMPLATE,
        &[org],
        Some(body),
        warnings,
        None,
        mode.into(),
    )?;
    Ok(written)
}

/// Writes a repository's template (or, with a dry run, only plans it). Fields left `None`
/// keep their current value (read first, in a dry run too, and again before an approved write:
/// what was read is the write's [`Basis`]).
pub fn set_repo<'a>(
    ctx: &Context,
    owner: &str,
    repo: &str,
    update: &Update,
    mode: impl Into<Mode<'a>>,
) -> Result<Written> {
    endpoints::SET_REPO_TEMPLATE.path(&[owner, repo])?;
    ctx.require_token()?;
    if update.use_default.is_none()
        && update.include_claim_keys.is_none()
        && update.use_immutable_subject.is_none()
    {
        return Err(Error::invalid(
            "Nothing to set for the repository: pass -IncludeClaimKeys, -UseDefault (GitHub's default), -UseDefault:$false (the organization's template) or -UseImmutableSubject.",
        ));
    }
    let mut warnings = Vec::new();
    let mut basis = None;
    let (use_default, keys) = match (update.use_default, &update.include_claim_keys) {
        (Some(true), Some(_)) => {
            warnings.push("IncludeClaimKeys is ignored with -UseDefault: GitHub ignores the keys when use_default is true.".to_string());
            (true, None)
        }
        (Some(true), None) => (true, None),
        (_, Some(k)) => (false, Some(k.clone())),
        (Some(false), None) => (false, None),
        (None, None) => {
            // Only the immutable flag changes: keep the current template as it is.
            let current = get_repo(ctx, owner, repo)?;
            let use_default = current.use_default.unwrap_or(true);
            let keys = if use_default {
                None
            } else {
                current.include_claim_keys.clone()
            };
            let mut what = format!("the current template of repository {owner}/{repo}");
            let mut org_keys = None;
            // A repository that follows its organization's template may be reported with the
            // organization's keys; writing them back would freeze a copy. Keys equal to the
            // organization's are therefore not sent, so the repository keeps following it.
            let keys = match keys {
                Some(k) => {
                    what.push_str(&format!(" or of organization {owner}"));
                    let org = get_org(ctx, owner).ok().filter(|o| o.customized);
                    org_keys = org.and_then(|o| o.include_claim_keys);
                    if org_keys.as_ref() == Some(&k) {
                        warnings.push(format!(
                            "The repository's keys equal the organization's template ({}): it is kept following the organization's template.",
                            k.join(", ")
                        ));
                        None
                    } else {
                        Some(k)
                    }
                }
                None => None,
            };
            basis = Some(Basis {
                what,
                state: serde_json::json!({"repository": current, "organization_keys": org_keys}),
            });
            (use_default, keys)
        }
    };
    if let (Some(k), false) = (&keys, update.include_claim_keys.is_none()) {
        warnings.extend(check_keys(ctx, k, update.allow_unknown_keys)?);
    }
    let body = to_body(&RepoTemplateBody {
        use_default,
        include_claim_keys: keys.as_deref(),
        use_immutable_subject: update.use_immutable_subject,
    })?;
    let (written, _) = perform(
        ctx,
        &endpoints::SET_REPO_TEMPLATE,
        &[owner, repo],
        Some(body),
        warnings,
        basis.as_ref(),
        mode.into(),
    )?;
    Ok(written)
}

#[cfg(test)]
mod tests {
    #[test]
    fn no_template_message() {
        assert!(super::is_no_template(
            "No Actions OIDC custom sub claim template found for the organization x"
        ));
        assert!(!super::is_no_template("Not Found"));
    }
}
