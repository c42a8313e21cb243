//! The effective template of a repository and the `sub` it produces.
//!
//! The rules themselves are offline and live in `github_oidc_claims`; this module adds what
//! needs GitHub:
//!
//! * [`effective_template`] reads a repository's template and resolves it the way GitHub
//!   does: `use_default: true` → GitHub's default (`repo`, `context`); `use_default: false`
//!   with keys → the repository's keys; `use_default: false` without keys → the
//!   organization's template (default when the organization never customised it). The
//!   repository's `sub_claim_prefix` is kept: it is authoritative for the `repo` segment,
//!   even when `use_immutable_subject` reads `false` (repositories created, renamed or
//!   transferred after 2026-07-15).
//! * [`resolve_live`] computes the `sub` for a repository and a set of job claims, reading the
//!   names as GitHub spells them and the IDs from the prefix, or else from
//!   `GET /repos/{owner}/{repo}` (which needs the Metadata permission).
//! * [`resolve_offline`] and [`resolve_token`] compute it without any request.
//! * [`verify_token`] (in [`crate::verify`], re-exported here) verifies an ID token against the
//!   keys of its issuer.

use crate::context::Context;
use crate::error::{Error, ErrorKind, Result};
use crate::models::RepositoryResponse;
use crate::names::segment;
use crate::template;

pub use crate::verify::{verify_token, TokenVerification};
use github_oidc_claims::subject::{compute_subject, Subject, SubjectRequest, DEFAULT_TEMPLATE};
use github_oidc_claims::token;
use serde::Serialize;
use serde_json::Value;
use std::collections::BTreeMap;

/// Where the template that produced a subject came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Source {
    /// GitHub's default template (`repo`, `context`).
    Default,
    /// The organization's template (the repository opted in with `use_default: false`).
    Organization,
    /// The repository's own template.
    Repository,
    /// A template given by the caller (offline).
    Given,
}

/// A repository's effective template.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Effective {
    /// Repository owner.
    pub owner: String,
    /// Repository name.
    pub repository: String,
    /// The keys GitHub applies, in order.
    pub include_claim_keys: Vec<String>,
    /// Where the keys come from.
    pub source: Source,
    /// `use_default` as the repository reports it.
    pub use_default: Option<bool>,
    /// `use_immutable_subject` as the repository reports it.
    pub use_immutable_subject: Option<bool>,
    /// The repository's `sub_claim_prefix` (authoritative `repo` segment), when reported.
    pub sub_claim_prefix: Option<String>,
    /// Things the caller should know (e.g. the owner is not an organization).
    pub warnings: Vec<String>,
}

fn default_keys() -> Vec<String> {
    DEFAULT_TEMPLATE.iter().map(|s| s.to_string()).collect()
}

/// The repository's own keys, when it reports any (an empty list is none).
fn own_keys(keys: Option<&[String]>) -> Option<&[String]> {
    keys.filter(|k| !k.is_empty())
}

/// Whether a repository's template (`use_default`, its `include_claim_keys`) needs its
/// organization's template to decide the keys and where they come from: it opted in
/// (`use_default: false`). Without keys of its own it follows the organization; with keys that
/// are exactly the organization's it may follow it too (see [`decide_keys`]).
pub fn needs_org_template(use_default: Option<bool>, _keys: Option<&[String]>) -> bool {
    use_default == Some(false)
}

/// The keys GitHub applies to a repository and where they come from, the way GitHub decides:
/// `use_default: true` → GitHub's default (`repo`, `context`); `use_default: false` (or absent)
/// with keys → the repository's keys; `use_default: false` without keys → the organization's
/// template (`org`; the default when the organization never customised it, or when `org` is
/// `None`: the owner is not an organization). The one rule behind [`effective_template`] and
/// the fleet inventory.
///
/// GitHub's documentation does not say whether the GET of a repository that follows its
/// organization (`use_default: false`) lists no keys or the organization's keys. Both answers
/// are read the same way: `use_default: false` with exactly the organization's current keys
/// (GitHub's default when the organization never customised its template) follows the
/// organization; a Sync never pins those keys on the repository.
pub fn decide_keys(
    use_default: Option<bool>,
    keys: Option<&[String]>,
    org: Option<&template::Template>,
) -> (Vec<String>, Source) {
    match (use_default, own_keys(keys)) {
        (Some(false), Some(k)) if follows(k, org) => decide_keys(Some(false), None, org),
        (Some(false), Some(k)) | (None, Some(k)) => (k.to_vec(), Source::Repository),
        (Some(false), None) => match org {
            Some(org) if org.customized => match own_keys(org.include_claim_keys.as_deref()) {
                Some(k) => (k.to_vec(), Source::Organization),
                None => (default_keys(), Source::Default),
            },
            _ => (default_keys(), Source::Default),
        },
        _ => (default_keys(), Source::Default),
    }
}

/// Whether an opted-in repository's listed keys are exactly its organization's current keys
/// (GitHub's default for an organization that never customised its template). `None` (the
/// owner is not an organization): never.
fn follows(keys: &[String], org: Option<&template::Template>) -> bool {
    match org {
        Some(o) if o.customized => own_keys(o.include_claim_keys.as_deref()).is_some_and(|ok| ok == keys),
        Some(_) => keys == default_keys().as_slice(),
        None => false,
    }
}

/// Reads a repository's template (and its organization's, when the repository opted in to
/// it) and returns the keys GitHub applies.
pub fn effective_template(ctx: &Context, owner: &str, repo: &str) -> Result<Effective> {
    let t = template::get_repo(ctx, owner, repo)?;
    let mut warnings = Vec::new();
    let org = if needs_org_template(t.use_default, t.include_claim_keys.as_deref()) {
        match template::get_org(ctx, owner) {
            Ok(org) => Some(org),
            // The repository exists, so a missing "organization" is a user account: no org
            // template applies.
            Err(e) if e.kind() == ErrorKind::NotFound => {
                if own_keys(t.include_claim_keys.as_deref()).is_none() {
                    warnings.push(format!(
                        "{owner} has no organization template (it is not an organization, or it is not visible): GitHub's default template applies."
                    ));
                }
                None
            }
            Err(e) => return Err(e),
        }
    } else {
        None
    };
    let (keys, source) = decide_keys(t.use_default, t.include_claim_keys.as_deref(), org.as_ref());
    Ok(Effective {
        owner: owner.to_string(),
        repository: repo.to_string(),
        include_claim_keys: keys,
        source,
        use_default: t.use_default,
        use_immutable_subject: t.use_immutable_subject,
        sub_claim_prefix: t.sub_claim_prefix.filter(|p| !p.trim().is_empty()),
        warnings,
    })
}

/// A computed subject and how it was obtained.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Preview {
    /// The subject and its alternatives (`subject`, `include_claim_keys`, `immutable`,
    /// `used_claims`, `legacy_subject`, `immutable_subject`).
    #[serde(flatten)]
    pub subject: Subject,
    /// Where the template came from.
    pub source: Source,
    /// The authoritative `repo` segment reported by GitHub (live only).
    pub sub_claim_prefix: Option<String>,
    /// `use_immutable_subject` as GitHub reports it (live only).
    pub use_immutable_subject: Option<bool>,
    /// `use_default` as GitHub reports it (live only).
    pub use_default: Option<bool>,
    /// Repository owner (live only).
    pub owner: Option<String>,
    /// Repository name (live only).
    pub repository: Option<String>,
    /// From a token: the token's own `sub`.
    pub token_subject: Option<String>,
    /// From a token: whether the computed subject equals the token's `sub`.
    pub matches: Option<bool>,
    /// Things the caller should know.
    pub warnings: Vec<String>,
}

fn subject_error(e: github_oidc_claims::SubjectError) -> Error {
    Error::invalid(format!("Cannot compute the subject: {e}."))
}

impl Preview {
    fn new(subject: Subject, source: Source) -> Self {
        Preview {
            subject,
            source,
            sub_claim_prefix: None,
            use_immutable_subject: None,
            use_default: None,
            owner: None,
            repository: None,
            token_subject: None,
            matches: None,
            warnings: Vec::new(),
        }
    }
}

/// Computes the `sub` without any request: `keys` `None` (or empty) means GitHub's default.
pub fn resolve_offline(
    claims: &BTreeMap<String, String>,
    keys: Option<&[String]>,
    immutable: bool,
) -> Result<Preview> {
    let keys = keys.filter(|k| !k.is_empty());
    let s = compute_subject(&SubjectRequest {
        include_claim_keys: keys,
        claims,
        immutable,
        sub_claim_prefix: None,
    })
    .map_err(subject_error)?;
    Ok(Preview::new(
        s,
        if keys.is_some() {
            Source::Given
        } else {
            Source::Default
        },
    ))
}

/// The `(owner_id, repo_id)` of an immutable `repo:OWNER@OWNER_ID/REPO@REPO_ID` prefix.
pub fn ids_of_prefix(prefix: &str) -> Option<(String, String)> {
    let body = prefix.trim().strip_prefix("repo:")?;
    let (owner, repo) = body.split_once('/')?;
    let (_, owner_id) = owner.split_once('@')?;
    let (_, repo_id) = repo.split_once('@')?;
    let ok = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    (ok(owner_id) && ok(repo_id)).then(|| (owner_id.to_string(), repo_id.to_string()))
}

/// The `(owner, repo)` names, as GitHub spells them, of a `repo:OWNER[@ID]/REPO[@ID]` prefix.
pub fn names_of_prefix(prefix: &str) -> Option<(String, String)> {
    let body = prefix.trim().strip_prefix("repo:")?;
    let (owner, repo) = body.split_once('/')?;
    let name = |s: &str| s.split('@').next().filter(|n| !n.is_empty()).map(str::to_string);
    Some((name(owner)?, name(repo)?))
}

/// A repository as `GET /repos/{owner}/{repo}` describes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RepositoryInfo {
    /// `owner.login`: the owner's name as GitHub spells it.
    pub owner: String,
    /// `name`: the repository's name as GitHub spells it.
    pub name: String,
    /// `owner.id`.
    pub owner_id: String,
    /// `id`.
    pub id: String,
}

/// Reads names and IDs of a repository (`GET /repos/{owner}/{repo}`).
pub fn repository_info(ctx: &Context, owner: &str, repo: &str) -> Result<RepositoryInfo> {
    let r: RepositoryResponse =
        crate::auth::api(ctx, &crate::endpoints::GET_REPOSITORY, &[owner, repo], None)?.parse()?;
    let text = |v: Option<String>| v.filter(|s| !s.is_empty());
    Ok(RepositoryInfo {
        owner: text(r.owner.login).unwrap_or_else(|| owner.to_string()),
        name: text(r.name).unwrap_or_else(|| repo.to_string()),
        owner_id: r.owner.id.to_string(),
        id: r.id.to_string(),
    })
}

/// Computes the `sub` GitHub would issue for a job of `owner/repo` with the given claims
/// (`ref`, `environment`, `event_name`, …), using the repository's effective template and its
/// `sub_claim_prefix`. `repository` and `repository_owner` are filled in; the IDs are read
/// from the prefix or the repository when the template or the immutable form needs them.
pub fn resolve_live(
    ctx: &Context,
    owner: &str,
    repo: &str,
    claims: &BTreeMap<String, String>,
) -> Result<Preview> {
    segment("Owner", owner)?;
    segment("Repository", repo)?;
    let eff = effective_template(ctx, owner, repo)?;
    let mut claims = claims.clone();
    let mut warnings = eff.warnings.clone();
    let prefix = eff.sub_claim_prefix.as_deref();
    let immutable_flag = eff.use_immutable_subject.unwrap_or(false);

    // Names as GitHub spells them (the API is case-insensitive, the `sub` is not) and the IDs:
    // from the prefix when it has them, else from the repository itself.
    let mut names = prefix.and_then(names_of_prefix);
    let mut ids = prefix.and_then(ids_of_prefix);
    let given_ids = ["repository_id", "repository_owner_id"]
        .iter()
        .all(|k| claims.get(*k).is_some_and(|v| !v.is_empty()));
    if names.is_none() || (ids.is_none() && !given_ids) {
        let needed = !given_ids
            && (eff
                .include_claim_keys
                .iter()
                .any(|k| k == "repository_id" || k == "repository_owner_id")
                || (prefix.is_none() && immutable_flag));
        match repository_info(ctx, owner, repo) {
            Ok(info) => {
                names.get_or_insert((info.owner, info.name));
                ids.get_or_insert((info.owner_id, info.id));
            }
            Err(e) if needed => return Err(e),
            Err(e) => warnings.push(format!(
                "The repository could not be read, so its names are used as typed and the immutable form is not shown: {e}"
            )),
        }
    }
    let (owner_name, repo_name) = names.unwrap_or_else(|| (owner.to_string(), repo.to_string()));
    claims.insert("repository".into(), format!("{owner_name}/{repo_name}"));
    claims.insert("repository_owner".into(), owner_name.clone());
    if let Some((oid, rid)) = ids {
        claims.entry("repository_owner_id".into()).or_insert(oid);
        claims.entry("repository_id".into()).or_insert(rid);
    }

    let s = compute_subject(&SubjectRequest {
        include_claim_keys: Some(&eff.include_claim_keys),
        claims: &claims,
        immutable: immutable_flag,
        sub_claim_prefix: prefix,
    })
    .map_err(subject_error)?;
    if s.immutable && !immutable_flag && eff.use_immutable_subject.is_some() {
        warnings.push(
            "The repository uses the immutable subject (its sub_claim_prefix has IDs) although use_immutable_subject reads false: repositories created, renamed or transferred after 2026-07-15 always do."
                .into(),
        );
    }
    let mut p = Preview::new(s, eff.source);
    p.sub_claim_prefix = eff.sub_claim_prefix;
    p.use_immutable_subject = eff.use_immutable_subject;
    p.use_default = eff.use_default;
    p.owner = Some(owner_name);
    p.repository = Some(repo_name);
    p.warnings = warnings;
    Ok(p)
}

/// String claims of a decoded token (numbers and booleans as text; other values skipped).
pub fn string_claims(claims: &serde_json::Map<String, Value>) -> BTreeMap<String, String> {
    claims
        .iter()
        .filter_map(|(k, v)| match v {
            Value::String(s) => Some((k.clone(), s.clone())),
            Value::Number(n) => Some((k.clone(), n.to_string())),
            Value::Bool(b) => Some((k.clone(), b.to_string())),
            _ => None,
        })
        .collect()
}

/// Computes the `sub` from a token's own claims (no verification, no request) and compares it
/// with the token's `sub`. `keys` `None` means GitHub's default; the immutable form is used when
/// asked for or when the token's own `sub` has an immutable `repo` segment.
pub fn resolve_token(jwt: &str, keys: Option<&[String]>, immutable: bool) -> Result<Preview> {
    let decoded =
        token::decode(jwt).map_err(|e| Error::invalid(format!("The token cannot be decoded: {e}.")))?;
    let claims = string_claims(&decoded.claims);
    let token_sub = decoded
        .claims
        .get("sub")
        .and_then(Value::as_str)
        .map(str::to_string);
    let token_immutable = token_sub
        .as_deref()
        .and_then(|s| s.strip_prefix("repo:"))
        .and_then(|s| s.split(':').next())
        .is_some_and(|seg| seg.contains('@'));
    let mut p = resolve_offline(&claims, keys, immutable || token_immutable)?;
    p.matches = token_sub.as_ref().map(|t| *t == p.subject.subject);
    if p.matches == Some(false) {
        p.warnings.push(format!(
            "The computed subject differs from the token's own sub ({}): the template used here ({}) is not the one GitHub applied.",
            token_sub.as_deref().unwrap_or_default(),
            p.subject.include_claim_keys.join(", ")
        ));
    }
    p.token_subject = token_sub;
    Ok(p)
}

/// The live preview for the job an ID token describes: the repository's effective template
/// (read from GitHub, see [`resolve_live`]) applied to the token's own claims, and whether that
/// gives exactly the token's `sub` (`matches`; a warning names both when it does not). The owner
/// and repository come from the token's `repository` claim; the token is decoded, not verified.
pub fn resolve_token_live(ctx: &Context, jwt: &str) -> Result<Preview> {
    let decoded =
        token::decode(jwt).map_err(|e| Error::invalid(format!("The token cannot be decoded: {e}.")))?;
    let claims = string_claims(&decoded.claims);
    let (owner, repo) = claims
        .get("repository")
        .and_then(|r| r.split_once('/'))
        .map(|(o, r)| (o.to_string(), r.to_string()))
        .ok_or_else(|| Error::invalid("The token has no `repository` claim (OWNER/REPO), so its repository's template cannot be read."))?;
    let token_sub = decoded
        .claims
        .get("sub")
        .and_then(Value::as_str)
        .map(str::to_string);
    let mut p = resolve_live(ctx, &owner, &repo, &claims)?;
    p.matches = token_sub.as_ref().map(|t| *t == p.subject.subject);
    if p.matches == Some(false) {
        p.warnings.push(format!(
            "The live template of {owner}/{repo} ({}) predicts {}, but the token's own sub is {}.",
            p.subject.include_claim_keys.join(", "),
            p.subject.subject,
            token_sub.as_deref().unwrap_or_default()
        ));
    }
    p.token_subject = token_sub;
    Ok(p)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefix_ids() {
        assert_eq!(
            ids_of_prefix("repo:octo-org@100/new-repo@201"),
            Some(("100".into(), "201".into()))
        );
        assert_eq!(ids_of_prefix("repo:octo-org/octo-repo"), None);
        assert_eq!(ids_of_prefix("repo:o@x/r@1"), None);
        assert_eq!(ids_of_prefix("nope"), None);
    }

    #[test]
    fn token_claims_as_strings() {
        let m = serde_json::json!({"a": "x", "n": 5, "b": true, "o": {"k": 1}});
        let c = string_claims(m.as_object().unwrap());
        assert_eq!(c.get("a").unwrap(), "x");
        assert_eq!(c.get("n").unwrap(), "5");
        assert_eq!(c.get("b").unwrap(), "true");
        assert!(!c.contains_key("o"));
    }
}
