//! The `sub` (subject) claim GitHub Actions would issue for a customization template and a
//! set of job claims, and the job claims a short job description implies ([`job_claims`]).
//!
//! Rules (GitHub docs, "Example subject claims" / "Customizing the subject claims"; contract
//! `github-oidc-api.md` §5):
//!
//! * The subject is the template keys **in template order**, each rendered `key:value`,
//!   joined with `:`. No template (or an empty one) means [`DEFAULT_TEMPLATE`] (`repo`, `context`).
//! * `repo` is a pseudo-key rendering `repo:OWNER/REPO` (from the `repository` claim), or the
//!   immutable form `repo:OWNER@OWNER_ID/REPO@REPO_ID` (repositories created, renamed or
//!   transferred after 2026-07-15, or opted in). A `sub_claim_prefix` reported by the REST API
//!   is authoritative and used verbatim.
//! * `context` is a pseudo-key rendering, without a `context:` label, `environment:NAME` when the
//!   job references an environment, else `pull_request` for `pull_request` **and
//!   `pull_request_target`** events, else `ref:REF`.
//! * Any other key renders `key:value` from the claim of the same name (including
//!   `repo_property_*` custom-property claims). A claim that is empty or absent for the job
//!   (e.g. `base_ref` / `head_ref` on a push) renders `key:` with an empty value; only
//!   `environment` is required: GitHub fails a job whose template names `environment` when the
//!   job has none, so that is an error here ([`SubjectError::MissingClaim`]).
//! * A `:` inside a value is replaced by `%3A` (for example `environment:Production%3AV1`).
//!
//! Where the contract says nothing (it marks the `pull_request_target` context and empty keys
//! "UNCONFIRMED"), the two rules above follow tokens GitHub issued and trust policies that work
//! (issue 10). Every other choice the contract leaves open is marked `Contract: open` below.
use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// The template GitHub uses when no customization is set: `["repo", "context"]`.
pub const DEFAULT_TEMPLATE: &[&str] = &["repo", "context"];

/// Input of [`compute_subject`].
#[derive(Debug, Clone, Copy)]
pub struct SubjectRequest<'a> {
    /// The `include_claim_keys` template; `None` or an empty slice means [`DEFAULT_TEMPLATE`].
    pub include_claim_keys: Option<&'a [String]>,
    /// Job claims: claim name -> value (GitHub issues every one of these claims as a string).
    pub claims: &'a BTreeMap<String, String>,
    /// Render `repo` in the immutable form `repo:OWNER@OWNER_ID/REPO@REPO_ID`.
    pub immutable: bool,
    /// The authoritative `repo` segment reported by the REST API (`sub_claim_prefix`, e.g.
    /// `repo:o@1/r@2`). When given it is used verbatim and wins over `immutable`; the result is
    /// immutable when the prefix contains `@`.
    pub sub_claim_prefix: Option<&'a str>,
}

/// A computed subject.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Subject {
    /// The `sub` claim GitHub would issue.
    pub subject: String,
    /// The template that was applied (after defaulting).
    pub include_claim_keys: Vec<String>,
    /// Whether the `repo` segment of `subject` uses the immutable (`@ID`) form.
    pub immutable: bool,
    /// The claims that determined the subject (name -> raw, unescaped value).
    pub used_claims: BTreeMap<String, String>,
    /// The same subject with the name-based `repo` segment (`repo:OWNER/REPO`), when it can be
    /// computed. Useful to trust both forms during a migration to immutable subjects. Equal to
    /// `subject` when the template has no `repo` key or the subject is already name-based.
    pub legacy_subject: Option<String>,
    /// The same subject with the immutable `repo` segment (`repo:OWNER@OWNER_ID/REPO@REPO_ID`),
    /// when the IDs are known (or the API prefix is immutable). Equal to `subject` when the
    /// template has no `repo` key or the subject is already immutable.
    pub immutable_subject: Option<String>,
}

/// Why a subject (or the claims of a job) cannot be computed.
///
/// The messages echo user values shortened to [`MAX_ECHO_CHARS`] characters (see [`shorten`]);
/// the fields keep them whole.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SubjectError {
    /// A template key is not a valid claim name (`^[A-Za-z0-9_]+$`).
    #[error("invalid claim key `{}` in the template: claim names contain only letters, digits and `_`", shorten(.0))]
    InvalidClaimKey(String),
    /// A claim needed by a template key is missing or empty.
    #[error("template key `{}` needs the `{}` claim, which is missing or empty", shorten(.key), shorten(.claim))]
    MissingClaim {
        /// The template key being rendered.
        key: String,
        /// The claim that was needed.
        claim: String,
    },
    /// A claim has a value that cannot be used (e.g. `repository` not in `owner/name` form).
    #[error("claim `{}` has an unusable value `{}`: {reason}", shorten(.claim), shorten(.value))]
    InvalidClaimValue {
        /// The claim name.
        claim: String,
        /// The offending value.
        value: String,
        /// Why it cannot be used.
        reason: String,
    },
    /// The `sub_claim_prefix` given is empty or malformed.
    #[error("invalid sub_claim_prefix `{}`: expected `repo:OWNER/REPO` or `repo:OWNER@ID/REPO@ID`", shorten(.0))]
    InvalidPrefix(String),
    /// A [`Job`] names more than one of `branch`, `tag`, `ref` and `pull_request`.
    #[error("use only one of branch, tag, ref and pull_request (got {})", .0.join(", "))]
    ConflictingJobRefs(Vec<String>),
    /// A [`Job`] field has a value that cannot describe a job (empty, or pull request 0).
    #[error("job field `{field}` {reason}")]
    InvalidJob {
        /// The field (`branch`, `tag`, `ref`, `pull_request`, `environment`, `event_name`).
        field: String,
        /// Why it cannot be used.
        reason: String,
    },
}

/// How many characters of a user value an error message echoes before it is cut with `…`.
pub const MAX_ECHO_CHARS: usize = 100;

/// `value` as error messages echo it: at most [`MAX_ECHO_CHARS`] characters (never split inside
/// a character), followed by `…` when it was cut.
pub fn shorten(value: &str) -> String {
    match value.char_indices().nth(MAX_ECHO_CHARS) {
        Some((cut, _)) => format!("{}…", &value[..cut]),
        None => value.to_string(),
    }
}

/// Whether `name` is a valid claim name (`^[A-Za-z0-9_]+$`).
pub fn is_valid_claim_name(name: &str) -> bool {
    !name.is_empty() && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
}

/// Escapes a claim value the way GitHub does inside `sub`: every `:` becomes `%3A`.
///
/// Contract: open — the contract documents only the `:` → `%3A` replacement (github.com, GHE.com
/// and GHES > 3.15 / 3.18; older GHES releases do not escape). Nothing else is escaped here: a
/// `%` stays a `%`, so a value that already contains `%3A` cannot be told apart from one that
/// contained `:`, and a multi-byte character is kept as it is.
pub fn escape_value(value: &str) -> String {
    value.replace(':', "%3A")
}

/// How the `repo` segment is rendered.
#[derive(Clone, Copy, PartialEq, Eq)]
enum RepoForm {
    Legacy,
    Immutable,
    Prefix,
}

/// Computes the `sub` claim GitHub would issue for `req`.
///
/// Errors when a template key is not a valid claim name, or when a claim a key needs is
/// missing or empty (the error names the key and the claim).
pub fn compute_subject(req: &SubjectRequest) -> Result<Subject, SubjectError> {
    // Contract: open — GitHub refuses to store an empty `include_claim_keys` (422), so an empty
    // template never reaches a job; here it means the default, like no template.
    let keys: Vec<String> = match req.include_claim_keys {
        Some(k) if !k.is_empty() => k.to_vec(),
        _ => DEFAULT_TEMPLATE.iter().map(|s| s.to_string()).collect(),
    };
    if let Some(bad) = keys.iter().find(|k| !is_valid_claim_name(k)) {
        return Err(SubjectError::InvalidClaimKey(bad.clone()));
    }

    let primary = match req.sub_claim_prefix {
        Some(_) => RepoForm::Prefix,
        None if req.immutable => RepoForm::Immutable,
        None => RepoForm::Legacy,
    };
    let mut used = BTreeMap::new();
    let subject = render(&keys, req, primary, &mut used)?;
    let immutable = match primary {
        RepoForm::Prefix => req.sub_claim_prefix.is_some_and(|p| p.contains('@')),
        RepoForm::Immutable => true,
        RepoForm::Legacy => false,
    };

    let has_repo = keys.iter().any(|k| k == "repo");
    let (legacy_subject, immutable_subject) = if !has_repo {
        (Some(subject.clone()), Some(subject.clone()))
    } else if immutable {
        let legacy = render(&keys, req, RepoForm::Legacy, &mut BTreeMap::new())
            .ok()
            .or_else(|| {
                // Fall back to stripping the `@ID`s from the authoritative prefix.
                let prefix = req.sub_claim_prefix?;
                let stripped = strip_ids(prefix);
                let alt = SubjectRequest {
                    sub_claim_prefix: Some(&stripped),
                    ..*req
                };
                render(&keys, &alt, RepoForm::Prefix, &mut BTreeMap::new()).ok()
            });
        (legacy, Some(subject.clone()))
    } else {
        let imm = render(&keys, req, RepoForm::Immutable, &mut BTreeMap::new()).ok();
        (Some(subject.clone()), imm)
    };

    Ok(Subject {
        subject,
        include_claim_keys: keys,
        immutable,
        used_claims: used,
        legacy_subject,
        immutable_subject,
    })
}

/// Removes `@ID` parts from a `repo:OWNER@ID/REPO@ID` prefix.
fn strip_ids(prefix: &str) -> String {
    let body = prefix.strip_prefix("repo:").unwrap_or(prefix);
    let parts: Vec<&str> = body
        .split('/')
        .map(|p| p.split('@').next().unwrap_or(p))
        .collect();
    format!("repo:{}", parts.join("/"))
}

/// A claim a key cannot do without: missing or empty is [`SubjectError::MissingClaim`].
fn claim<'c>(
    req: &SubjectRequest<'c>,
    key: &str,
    name: &str,
    used: &mut BTreeMap<String, String>,
) -> Result<&'c str, SubjectError> {
    match req.claims.get(name).map(String::as_str) {
        Some(v) if !v.is_empty() => {
            used.insert(name.to_string(), v.to_string());
            Ok(v)
        }
        _ => Err(SubjectError::MissingClaim {
            key: key.to_string(),
            claim: name.to_string(),
        }),
    }
}

fn render(
    keys: &[String],
    req: &SubjectRequest,
    form: RepoForm,
    used: &mut BTreeMap<String, String>,
) -> Result<String, SubjectError> {
    let mut parts = Vec::with_capacity(keys.len());
    for key in keys {
        let part = match key.as_str() {
            "repo" => repo_segment(req, form, used)?,
            "context" => context_segment(req, used)?,
            // GitHub fails a job whose template names `environment` when it has none.
            "environment" => format!("environment:{}", escape_value(claim(req, key, key, used)?)),
            // Any other claim that is empty or absent for the job renders `key:` (GitHub issues
            // e.g. `base_ref:` and `head_ref:` on a push). It is listed in `used_claims` with the
            // empty value it contributed.
            other => {
                let value = req.claims.get(other).map(String::as_str).unwrap_or_default();
                used.insert(other.to_string(), value.to_string());
                format!("{other}:{}", escape_value(value))
            }
        };
        parts.push(part);
    }
    Ok(parts.join(":"))
}

/// The `OWNER`, `REPO` of the `repository` claim.
///
/// Contract: open — GitHub always issues `repository` (`OWNER/REPO`), so the `repo` key has no
/// documented "empty" form; a missing or malformed claim here is a caller's mistake and an error.
fn split_repository<'c>(
    req: &SubjectRequest<'c>,
    used: &mut BTreeMap<String, String>,
) -> Result<(&'c str, &'c str), SubjectError> {
    let full = claim(req, "repo", "repository", used)?;
    match full.split_once('/') {
        Some((o, n)) if !o.is_empty() && !n.is_empty() && !n.contains('/') => Ok((o, n)),
        _ => Err(SubjectError::InvalidClaimValue {
            claim: "repository".into(),
            value: full.into(),
            reason: "expected `OWNER/REPO`".into(),
        }),
    }
}

fn repo_segment(
    req: &SubjectRequest,
    form: RepoForm,
    used: &mut BTreeMap<String, String>,
) -> Result<String, SubjectError> {
    match form {
        // Contract: open — the prefix is GitHub's own rendering and is used verbatim (only a
        // leading `repo:` is normalised); it is not re-escaped.
        RepoForm::Prefix => {
            let p = req.sub_claim_prefix.unwrap_or_default().trim();
            let body = p.strip_prefix("repo:").unwrap_or(p);
            if body.is_empty() || !body.contains('/') || body.contains(':') {
                return Err(SubjectError::InvalidPrefix(p.to_string()));
            }
            Ok(format!("repo:{body}"))
        }
        RepoForm::Legacy => {
            let (owner, name) = split_repository(req, used)?;
            Ok(format!("repo:{}/{}", escape_value(owner), escape_value(name)))
        }
        // Contract: open — the owner name of the immutable form is taken from
        // `repository_owner` when given (as GitHub spells it), else from `repository`; the IDs
        // are required (GitHub always issues them), so a missing ID is an error.
        RepoForm::Immutable => {
            let (repo_owner, name) = split_repository(req, used)?;
            let owner = match req.claims.get("repository_owner").map(String::as_str) {
                Some(o) if !o.is_empty() => {
                    used.insert("repository_owner".into(), o.into());
                    o
                }
                _ => repo_owner,
            };
            let owner_id = claim(req, "repo", "repository_owner_id", used)?;
            let repo_id = claim(req, "repo", "repository_id", used)?;
            Ok(format!(
                "repo:{}@{}/{}@{}",
                escape_value(owner),
                escape_value(owner_id),
                escape_value(name),
                escape_value(repo_id)
            ))
        }
    }
}

/// Events whose default context is `pull_request` (unless the job has an environment).
///
/// `pull_request_target` gets `pull_request` too although its `ref` is the base branch (tokens
/// GitHub issued, issue 10; the contract marks it UNCONFIRMED). Contract: open — other
/// pull-request-related events (`pull_request_review`, `pull_request_review_comment`,
/// `merge_group`, …) are not known to get it; they fall through to `ref:REF`.
pub const PULL_REQUEST_EVENTS: &[&str] = &["pull_request", "pull_request_target"];

fn context_segment(
    req: &SubjectRequest,
    used: &mut BTreeMap<String, String>,
) -> Result<String, SubjectError> {
    if let Some(env) = req.claims.get("environment").filter(|e| !e.is_empty()) {
        used.insert("environment".into(), env.clone());
        return Ok(format!("environment:{}", escape_value(env)));
    }
    if let Some(ev) = req
        .claims
        .get("event_name")
        .filter(|e| PULL_REQUEST_EVENTS.contains(&e.as_str()))
    {
        used.insert("event_name".into(), ev.clone());
        return Ok("pull_request".into());
    }
    // Contract: open — every job GitHub runs has a `ref`, so a `context` without one (and
    // without an environment or pull-request event) is an incomplete job description: an error
    // naming `ref`, not `ref:`.
    let r = claim(req, "context", "ref", used)?;
    Ok(format!("ref:{}", escape_value(r)))
}

/// A short description of the job a subject is wanted for; [`job_claims`] turns it into the
/// claims GitHub would issue. Give at most one of `branch`, `tag`, `ref` and `pull_request`.
#[derive(Debug, Default, Clone, PartialEq, Eq, Deserialize)]
pub struct Job {
    /// The job runs on this branch: `ref` `refs/heads/BRANCH`, `event_name` `push` unless given.
    pub branch: Option<String>,
    /// The job runs on this tag: `ref` `refs/tags/TAG`, `event_name` `push` unless given.
    pub tag: Option<String>,
    /// The job's full git ref, as given (e.g. `refs/heads/main`).
    #[serde(rename = "ref")]
    pub r#ref: Option<String>,
    /// The job runs for this pull request: `ref` `refs/pull/N/merge`, `event_name` `pull_request`.
    pub pull_request: Option<u64>,
    /// The deployment environment the job references.
    pub environment: Option<String>,
    /// The triggering event; wins over the one `branch`, `tag` or `pull_request` imply.
    pub event_name: Option<String>,
}

/// Applies `job` to `claims` (overwriting what it sets):
///
/// * `branch` → `ref` `refs/heads/BRANCH`, and `event_name` `push` unless `claims` has one;
/// * `tag` → `ref` `refs/tags/TAG`, and `event_name` `push` unless `claims` has one;
/// * `ref` → `ref` as given;
/// * `pull_request` N → `ref` `refs/pull/N/merge` and `event_name` `pull_request`;
/// * `environment` → `environment`;
/// * `event_name` → `event_name` (applied last, so it wins).
///
/// Errors, leaving `claims` untouched, when more than one of `branch`, `tag`, `ref` and
/// `pull_request` is given ([`SubjectError::ConflictingJobRefs`] names them), when a string
/// field is empty, or when `pull_request` is 0 ([`SubjectError::InvalidJob`]).
pub fn job_claims(job: &Job, claims: &mut BTreeMap<String, String>) -> Result<(), SubjectError> {
    let given: Vec<String> = [
        ("branch", job.branch.is_some()),
        ("tag", job.tag.is_some()),
        ("ref", job.r#ref.is_some()),
        ("pull_request", job.pull_request.is_some()),
    ]
    .iter()
    .filter(|(_, on)| *on)
    .map(|(name, _)| name.to_string())
    .collect();
    if given.len() > 1 {
        return Err(SubjectError::ConflictingJobRefs(given));
    }
    for (field, value) in [
        ("branch", &job.branch),
        ("tag", &job.tag),
        ("ref", &job.r#ref),
        ("environment", &job.environment),
        ("event_name", &job.event_name),
    ] {
        if value.as_deref().is_some_and(str::is_empty) {
            return Err(SubjectError::InvalidJob {
                field: field.into(),
                reason: "must not be empty".into(),
            });
        }
    }
    if job.pull_request == Some(0) {
        return Err(SubjectError::InvalidJob {
            field: "pull_request".into(),
            reason: "must be a pull request number (1 or more)".into(),
        });
    }

    let push_unless_given = |claims: &mut BTreeMap<String, String>| {
        claims.entry("event_name".into()).or_insert_with(|| "push".into());
    };
    if let Some(branch) = &job.branch {
        claims.insert("ref".into(), format!("refs/heads/{branch}"));
        push_unless_given(claims);
    }
    if let Some(tag) = &job.tag {
        claims.insert("ref".into(), format!("refs/tags/{tag}"));
        push_unless_given(claims);
    }
    if let Some(r) = &job.r#ref {
        claims.insert("ref".into(), r.clone());
    }
    if let Some(n) = job.pull_request {
        claims.insert("ref".into(), format!("refs/pull/{n}/merge"));
        claims.insert("event_name".into(), "pull_request".into());
    }
    if let Some(env) = &job.environment {
        claims.insert("environment".into(), env.clone());
    }
    if let Some(ev) = &job.event_name {
        claims.insert("event_name".into(), ev.clone());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn claims(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    fn keys(k: &[&str]) -> Vec<String> {
        k.iter().map(|s| s.to_string()).collect()
    }

    fn sub(template: Option<&[&str]>, c: &BTreeMap<String, String>, immutable: bool) -> Subject {
        let t = template.map(keys);
        compute_subject(&SubjectRequest {
            include_claim_keys: t.as_deref(),
            claims: c,
            immutable,
            sub_claim_prefix: None,
        })
        .unwrap()
    }

    fn base() -> BTreeMap<String, String> {
        claims(&[
            ("repository", "octo-org/octo-repo"),
            ("repository_owner", "octo-org"),
            ("repository_owner_id", "123456"),
            ("repository_id", "456789"),
            ("ref", "refs/heads/main"),
            ("event_name", "push"),
        ])
    }

    #[test]
    fn default_environment() {
        let mut c = base();
        c.insert("environment".into(), "Production".into());
        let s = sub(None, &c, false);
        assert_eq!(s.subject, "repo:octo-org/octo-repo:environment:Production");
        assert_eq!(s.include_claim_keys, keys(&["repo", "context"]));
        assert!(!s.immutable);
        assert_eq!(s.used_claims.get("environment").unwrap(), "Production");
    }

    #[test]
    fn default_pull_request() {
        let mut c = base();
        c.insert("event_name".into(), "pull_request".into());
        c.insert("ref".into(), "refs/pull/1/merge".into());
        assert_eq!(
            sub(None, &c, false).subject,
            "repo:octo-org/octo-repo:pull_request"
        );
    }

    #[test]
    fn environment_wins_over_pull_request() {
        let mut c = base();
        c.insert("event_name".into(), "pull_request".into());
        c.insert("environment".into(), "Production".into());
        assert_eq!(
            sub(None, &c, false).subject,
            "repo:octo-org/octo-repo:environment:Production"
        );
    }

    #[test]
    fn default_branch_and_tag() {
        let c = base();
        assert_eq!(
            sub(None, &c, false).subject,
            "repo:octo-org/octo-repo:ref:refs/heads/main"
        );
        let mut c = base();
        c.insert("ref".into(), "refs/tags/v1.2.3".into());
        assert_eq!(
            sub(None, &c, false).subject,
            "repo:octo-org/octo-repo:ref:refs/tags/v1.2.3"
        );
    }

    #[test]
    fn empty_template_is_default_and_empty_environment_ignored() {
        let mut c = base();
        c.insert("environment".into(), String::new());
        let s = sub(Some(&[]), &c, false);
        assert_eq!(s.subject, "repo:octo-org/octo-repo:ref:refs/heads/main");
    }

    #[test]
    fn custom_owner_visibility() {
        let c = claims(&[
            ("repository_owner", "monalisa"),
            ("repository_visibility", "private"),
        ]);
        let s = sub(Some(&["repository_owner", "repository_visibility"]), &c, false);
        assert_eq!(
            s.subject,
            "repository_owner:monalisa:repository_visibility:private"
        );
    }

    #[test]
    fn custom_repo_context_job_workflow_ref() {
        let mut c = base();
        c.insert("environment".into(), "prod".into());
        c.insert(
            "job_workflow_ref".into(),
            "octo-org/octo-automation/.github/workflows/oidc.yml@refs/heads/main".into(),
        );
        let s = sub(Some(&["repo", "context", "job_workflow_ref"]), &c, false);
        assert_eq!(
            s.subject,
            "repo:octo-org/octo-repo:environment:prod:job_workflow_ref:octo-org/octo-automation/.github/workflows/oidc.yml@refs/heads/main"
        );
    }

    #[test]
    fn colon_escaped_in_values() {
        let mut c = base();
        c.insert("environment".into(), "production:eastus".into());
        let s = sub(Some(&["environment", "repository_owner"]), &c, false);
        assert_eq!(
            s.subject,
            "environment:production%3Aeastus:repository_owner:octo-org"
        );
        // The raw value is kept in used_claims.
        assert_eq!(s.used_claims.get("environment").unwrap(), "production:eastus");

        let mut c = base();
        c.insert("environment".into(), "Production:V1".into());
        let s = sub(None, &c, false);
        assert_eq!(s.subject, "repo:octo-org/octo-repo:environment:Production%3AV1");
        assert!(s.subject.ends_with("environment:Production%3AV1"));
    }

    #[test]
    fn custom_property_claim() {
        let c = claims(&[("repo_property_workspace_id", "ws-abc123")]);
        let s = sub(Some(&["repo_property_workspace_id"]), &c, false);
        assert_eq!(s.subject, "repo_property_workspace_id:ws-abc123");
    }

    #[test]
    fn other_single_key_templates() {
        let mut c = base();
        c.insert(
            "job_workflow_ref".into(),
            "octo-org/octo-automation/.github/workflows/oidc.yml@refs/heads/main".into(),
        );
        assert_eq!(
            sub(Some(&["job_workflow_ref"]), &c, false).subject,
            "job_workflow_ref:octo-org/octo-automation/.github/workflows/oidc.yml@refs/heads/main"
        );
        assert_eq!(sub(Some(&["repo"]), &c, false).subject, "repo:octo-org/octo-repo");
        assert_eq!(
            sub(Some(&["repository_id"]), &c, false).subject,
            "repository_id:456789"
        );
        assert_eq!(
            sub(Some(&["repository_owner_id"]), &c, false).subject,
            "repository_owner_id:123456"
        );
    }

    #[test]
    fn immutable_default() {
        let s = sub(None, &base(), true);
        assert_eq!(
            s.subject,
            "repo:octo-org@123456/octo-repo@456789:ref:refs/heads/main"
        );
        assert!(s.immutable);
        assert_eq!(
            s.legacy_subject.as_deref(),
            Some("repo:octo-org/octo-repo:ref:refs/heads/main")
        );
        assert_eq!(s.immutable_subject.as_deref(), Some(s.subject.as_str()));
    }

    #[test]
    fn legacy_reports_immutable_alternative() {
        let s = sub(None, &base(), false);
        assert_eq!(s.subject, "repo:octo-org/octo-repo:ref:refs/heads/main");
        assert_eq!(
            s.immutable_subject.as_deref(),
            Some("repo:octo-org@123456/octo-repo@456789:ref:refs/heads/main")
        );
        // Without IDs there is no immutable alternative, but the legacy subject still works.
        let mut c = base();
        c.remove("repository_id");
        let s = sub(None, &c, false);
        assert_eq!(s.immutable_subject, None);
        assert_eq!(s.legacy_subject.as_deref(), Some(s.subject.as_str()));
    }

    fn richeney() -> BTreeMap<String, String> {
        claims(&[
            ("repository", "richeney-org/alz-mgmt"),
            ("repository_owner", "richeney-org"),
            ("repository_owner_id", "219859934"),
            ("repository_id", "1309247986"),
            ("environment", "alz-mgmt-plan"),
            ("ref", "refs/heads/main"),
            (
                "job_workflow_ref",
                "richeney-org/alz-mgmt-templates/.github/workflows/ci-template.yaml@refs/heads/main",
            ),
        ])
    }

    const RICHENEY: &str = "repo:richeney-org@219859934/alz-mgmt@1309247986:environment:alz-mgmt-plan:job_workflow_ref:richeney-org/alz-mgmt-templates/.github/workflows/ci-template.yaml@refs/heads/main";

    #[test]
    fn immutable_custom_template() {
        let c = richeney();
        let s = sub(Some(&["repo", "context", "job_workflow_ref"]), &c, true);
        assert_eq!(s.subject, RICHENEY);
        assert_eq!(
            s.legacy_subject.as_deref(),
            Some("repo:richeney-org/alz-mgmt:environment:alz-mgmt-plan:job_workflow_ref:richeney-org/alz-mgmt-templates/.github/workflows/ci-template.yaml@refs/heads/main")
        );
    }

    #[test]
    fn sub_claim_prefix_is_authoritative() {
        // The prefix wins even though `immutable` is false and the IDs are absent.
        let mut c = richeney();
        c.remove("repository_owner_id");
        c.remove("repository_id");
        let t = keys(&["repo", "context", "job_workflow_ref"]);
        let s = compute_subject(&SubjectRequest {
            include_claim_keys: Some(&t),
            claims: &c,
            immutable: false,
            sub_claim_prefix: Some("repo:richeney-org@219859934/alz-mgmt@1309247986"),
        })
        .unwrap();
        assert_eq!(s.subject, RICHENEY);
        assert!(s.immutable);
        assert!(s
            .legacy_subject
            .unwrap()
            .starts_with("repo:richeney-org/alz-mgmt:environment:"));

        // A name-based prefix wins over `immutable: true`.
        let c = base();
        let s = compute_subject(&SubjectRequest {
            include_claim_keys: None,
            claims: &c,
            immutable: true,
            sub_claim_prefix: Some("repo:octo-org/octo-repo"),
        })
        .unwrap();
        assert_eq!(s.subject, "repo:octo-org/octo-repo:ref:refs/heads/main");
        assert!(!s.immutable);
    }

    #[test]
    fn prefix_without_repository_claim_derives_legacy() {
        let c = claims(&[("ref", "refs/heads/main")]);
        let s = compute_subject(&SubjectRequest {
            include_claim_keys: None,
            claims: &c,
            immutable: false,
            sub_claim_prefix: Some("repo:octo-org@123456/octo-repo@456789"),
        })
        .unwrap();
        assert_eq!(
            s.subject,
            "repo:octo-org@123456/octo-repo@456789:ref:refs/heads/main"
        );
        assert_eq!(
            s.legacy_subject.as_deref(),
            Some("repo:octo-org/octo-repo:ref:refs/heads/main")
        );
    }

    #[test]
    fn error_environment_key_without_environment() {
        let c = base();
        let t = keys(&["environment"]);
        let err = compute_subject(&SubjectRequest {
            include_claim_keys: Some(&t),
            claims: &c,
            immutable: false,
            sub_claim_prefix: None,
        })
        .unwrap_err();
        assert_eq!(
            err,
            SubjectError::MissingClaim {
                key: "environment".into(),
                claim: "environment".into()
            }
        );
        assert!(err.to_string().contains("`environment`"));
    }

    #[test]
    fn error_immutable_without_repository_id() {
        let mut c = base();
        c.remove("repository_id");
        let err = compute_subject(&SubjectRequest {
            include_claim_keys: None,
            claims: &c,
            immutable: true,
            sub_claim_prefix: None,
        })
        .unwrap_err();
        assert_eq!(
            err,
            SubjectError::MissingClaim {
                key: "repo".into(),
                claim: "repository_id".into()
            }
        );
    }

    #[test]
    fn error_missing_ref_and_repository() {
        let c = claims(&[("repository", "octo-org/octo-repo")]);
        let err = compute_subject(&SubjectRequest {
            include_claim_keys: None,
            claims: &c,
            immutable: false,
            sub_claim_prefix: None,
        })
        .unwrap_err();
        assert_eq!(
            err,
            SubjectError::MissingClaim {
                key: "context".into(),
                claim: "ref".into()
            }
        );

        let c = claims(&[("ref", "refs/heads/main")]);
        let err = compute_subject(&SubjectRequest {
            include_claim_keys: None,
            claims: &c,
            immutable: false,
            sub_claim_prefix: None,
        })
        .unwrap_err();
        assert_eq!(
            err,
            SubjectError::MissingClaim {
                key: "repo".into(),
                claim: "repository".into()
            }
        );
    }

    #[test]
    fn error_invalid_key_and_values() {
        let c = base();
        for bad in ["repo-name", "", "a:b", "é"] {
            let t = keys(&[bad]);
            let err = compute_subject(&SubjectRequest {
                include_claim_keys: Some(&t),
                claims: &c,
                immutable: false,
                sub_claim_prefix: None,
            })
            .unwrap_err();
            assert_eq!(err, SubjectError::InvalidClaimKey(bad.into()));
        }
        let c = claims(&[("repository", "no-slash"), ("ref", "refs/heads/main")]);
        let err = compute_subject(&SubjectRequest {
            include_claim_keys: None,
            claims: &c,
            immutable: false,
            sub_claim_prefix: None,
        })
        .unwrap_err();
        assert!(matches!(err, SubjectError::InvalidClaimValue { .. }));
        let c = base();
        let err = compute_subject(&SubjectRequest {
            include_claim_keys: None,
            claims: &c,
            immutable: false,
            sub_claim_prefix: Some("repo:"),
        })
        .unwrap_err();
        assert!(matches!(err, SubjectError::InvalidPrefix(_)));
    }

    fn try_sub(template: &[&str], c: &BTreeMap<String, String>) -> Result<Subject, SubjectError> {
        let t = keys(template);
        compute_subject(&SubjectRequest {
            include_claim_keys: Some(&t),
            claims: c,
            immutable: false,
            sub_claim_prefix: None,
        })
    }

    #[test]
    fn pull_request_target_context_is_pull_request() {
        // pull_request_target runs on the base branch: its ref is refs/heads/main, yet the
        // context is `pull_request`, as for `pull_request`.
        let mut c = base();
        c.insert("event_name".into(), "pull_request_target".into());
        let s = sub(None, &c, false);
        assert_eq!(s.subject, "repo:octo-org/octo-repo:pull_request");
        assert_eq!(s.used_claims.get("event_name").unwrap(), "pull_request_target");
        assert!(!s.used_claims.contains_key("ref"));
        assert_eq!(
            s.immutable_subject.as_deref(),
            Some("repo:octo-org@123456/octo-repo@456789:pull_request")
        );
        // With the ref in the template it is still rendered (the base branch).
        let s = sub(Some(&["repo", "context", "ref"]), &c, false);
        assert_eq!(
            s.subject,
            "repo:octo-org/octo-repo:pull_request:ref:refs/heads/main"
        );
        // An environment still wins.
        c.insert("environment".into(), "prod".into());
        assert_eq!(
            sub(None, &c, false).subject,
            "repo:octo-org/octo-repo:environment:prod"
        );
    }

    #[test]
    fn other_pull_request_events_use_the_ref() {
        for ev in [
            "pull_request_review",
            "pull_request_review_comment",
            "push",
            "workflow_dispatch",
        ] {
            let mut c = base();
            c.insert("event_name".into(), ev.into());
            assert_eq!(
                sub(None, &c, false).subject,
                "repo:octo-org/octo-repo:ref:refs/heads/main",
                "{ev}"
            );
        }
    }

    #[test]
    fn absent_or_empty_claim_renders_empty_value() {
        // A push has no base_ref / head_ref: GitHub issues `base_ref:` and `head_ref:`.
        let c = base();
        let s = sub(Some(&["repo", "context", "base_ref", "head_ref"]), &c, false);
        assert_eq!(
            s.subject,
            "repo:octo-org/octo-repo:ref:refs/heads/main:base_ref::head_ref:"
        );
        assert_eq!(s.used_claims.get("base_ref").map(String::as_str), Some(""));
        assert_eq!(s.used_claims.get("head_ref").map(String::as_str), Some(""));

        // Present but empty renders the same; a key last in the template ends the subject with `:`.
        let mut c = base();
        c.insert("head_ref".into(), String::new());
        assert_eq!(
            sub(Some(&["head_ref", "repository_owner"]), &c, false).subject,
            "head_ref::repository_owner:octo-org"
        );
        assert_eq!(
            sub(Some(&["repository_owner", "repo_property_team"]), &c, false).subject,
            "repository_owner:octo-org:repo_property_team:"
        );
        // Even the claims that `repo` / `context` need render empty when named directly.
        let c = claims(&[("environment", "prod")]);
        assert_eq!(
            sub(Some(&["environment", "ref", "repository"]), &c, false).subject,
            "environment:prod:ref::repository:"
        );
    }

    #[test]
    fn environment_key_is_required_even_when_empty() {
        let mut c = base();
        c.insert("environment".into(), String::new());
        for template in [
            &["environment"][..],
            &["repo", "environment"],
            &["base_ref", "environment"],
        ] {
            let err = try_sub(template, &c).unwrap_err();
            assert_eq!(
                err,
                SubjectError::MissingClaim {
                    key: "environment".into(),
                    claim: "environment".into()
                },
                "{template:?}"
            );
        }
        // `context` without an environment is not an error: it falls back to the ref.
        assert_eq!(try_sub(&["context"], &c).unwrap().subject, "ref:refs/heads/main");
    }

    #[test]
    fn error_messages_shorten_echoed_values() {
        let long_key = "k".repeat(100_000);
        let err = try_sub(&[long_key.as_str()], &base());
        // A 100,000-character key is valid (letters only) and renders `key:` — no error.
        assert_eq!(err.unwrap().subject, format!("{long_key}:"));

        let bad = format!("{}-", "é".repeat(100_000));
        let err = try_sub(&[bad.as_str()], &base()).unwrap_err();
        assert_eq!(err, SubjectError::InvalidClaimKey(bad.clone()));
        let msg = err.to_string();
        assert!(
            msg.contains(&format!("`{}…`", "é".repeat(MAX_ECHO_CHARS))),
            "{msg}"
        );
        assert!(msg.chars().count() < 200, "{}", msg.chars().count());

        let c = claims(&[("repository", &"x".repeat(5000)), ("ref", "refs/heads/main")]);
        let err = try_sub(&["repo"], &c).unwrap_err().to_string();
        assert!(err.contains(&format!("`{}…`", "x".repeat(100))), "{err}");
        assert!(err.len() < 300);
    }

    #[test]
    fn shorten_cuts_at_characters() {
        assert_eq!(shorten(""), "");
        assert_eq!(shorten(&"a".repeat(100)), "a".repeat(100));
        assert_eq!(shorten(&"a".repeat(101)), format!("{}…", "a".repeat(100)));
        let mixed = format!("{}é{}", "a".repeat(99), "b".repeat(10));
        assert_eq!(shorten(&mixed), format!("{}é…", "a".repeat(99)));
    }

    fn job(f: impl FnOnce(&mut Job)) -> Job {
        let mut j = Job::default();
        f(&mut j);
        j
    }

    fn applied(j: &Job, start: &[(&str, &str)]) -> BTreeMap<String, String> {
        let mut c = claims(start);
        job_claims(j, &mut c).unwrap();
        c
    }

    #[test]
    fn job_branch_and_tag_imply_push_unless_given() {
        let j = job(|j| j.branch = Some("main".into()));
        assert_eq!(
            applied(&j, &[]),
            claims(&[("ref", "refs/heads/main"), ("event_name", "push")])
        );
        assert_eq!(
            applied(
                &j,
                &[("event_name", "workflow_dispatch"), ("ref", "refs/heads/x")]
            ),
            claims(&[("ref", "refs/heads/main"), ("event_name", "workflow_dispatch")])
        );
        let j = job(|j| j.tag = Some("v1.2.3".into()));
        assert_eq!(
            applied(&j, &[("repository", "o/r")]),
            claims(&[
                ("ref", "refs/tags/v1.2.3"),
                ("event_name", "push"),
                ("repository", "o/r")
            ])
        );
        let j = job(|j| {
            j.tag = Some("v1".into());
            j.event_name = Some("release".into());
        });
        assert_eq!(
            applied(&j, &[("event_name", "push")]),
            claims(&[("ref", "refs/tags/v1"), ("event_name", "release")])
        );
    }

    #[test]
    fn job_ref_pull_request_environment() {
        let j = job(|j| j.r#ref = Some("refs/heads/feature/x".into()));
        assert_eq!(applied(&j, &[]), claims(&[("ref", "refs/heads/feature/x")]));
        // `ref` leaves the event alone.
        assert_eq!(
            applied(&j, &[("event_name", "pull_request_target")]),
            claims(&[
                ("ref", "refs/heads/feature/x"),
                ("event_name", "pull_request_target")
            ])
        );
        let j = job(|j| j.pull_request = Some(42));
        assert_eq!(
            applied(&j, &[("event_name", "push")]),
            claims(&[("ref", "refs/pull/42/merge"), ("event_name", "pull_request")])
        );
        let j = job(|j| {
            j.pull_request = Some(7);
            j.environment = Some("prod:eu".into());
        });
        let c = applied(&j, &[("repository", "octo-org/octo-repo")]);
        assert_eq!(c.get("environment").unwrap(), "prod:eu");
        assert_eq!(
            sub(None, &c, false).subject,
            "repo:octo-org/octo-repo:environment:prod%3Aeu"
        );
        let j = job(|j| j.environment = Some("prod".into()));
        assert_eq!(
            applied(&j, &[("ref", "refs/heads/main")]),
            claims(&[("ref", "refs/heads/main"), ("environment", "prod")])
        );
        // Nothing given: nothing changes.
        assert_eq!(applied(&Job::default(), &[("ref", "r")]), claims(&[("ref", "r")]));
    }

    #[test]
    fn job_subjects_end_to_end() {
        let pr = applied(&job(|j| j.pull_request = Some(1)), &[("repository", "o/r")]);
        assert_eq!(sub(None, &pr, false).subject, "repo:o/r:pull_request");
        let branch = applied(&job(|j| j.branch = Some("main".into())), &[("repository", "o/r")]);
        assert_eq!(sub(None, &branch, false).subject, "repo:o/r:ref:refs/heads/main");
        assert_eq!(
            sub(Some(&["repo", "context", "head_ref"]), &branch, false).subject,
            "repo:o/r:ref:refs/heads/main:head_ref:"
        );
    }

    #[test]
    fn job_rejects_conflicts_and_empty_values() {
        let j = job(|j| {
            j.branch = Some("main".into());
            j.tag = Some("v1".into());
            j.pull_request = Some(3);
        });
        let mut c = claims(&[("ref", "keep")]);
        let err = job_claims(&j, &mut c).unwrap_err();
        assert_eq!(
            err,
            SubjectError::ConflictingJobRefs(vec!["branch".into(), "tag".into(), "pull_request".into()])
        );
        assert_eq!(
            err.to_string(),
            "use only one of branch, tag, ref and pull_request (got branch, tag, pull_request)"
        );
        assert_eq!(c, claims(&[("ref", "keep")]), "claims untouched");

        let j = job(|j| {
            j.r#ref = Some("refs/heads/a".into());
            j.pull_request = Some(3);
        });
        assert_eq!(
            job_claims(&j, &mut BTreeMap::new()).unwrap_err(),
            SubjectError::ConflictingJobRefs(vec!["ref".into(), "pull_request".into()])
        );

        for (j, field) in [
            (job(|j| j.branch = Some(String::new())), "branch"),
            (job(|j| j.environment = Some(String::new())), "environment"),
            (job(|j| j.pull_request = Some(0)), "pull_request"),
        ] {
            match job_claims(&j, &mut BTreeMap::new()).unwrap_err() {
                SubjectError::InvalidJob { field: f, .. } => assert_eq!(f, field),
                other => panic!("{other:?}"),
            }
        }
    }

    #[test]
    fn job_deserializes_with_ref_renamed() {
        let j: Job =
            serde_json::from_str(r#"{"ref":"refs/heads/x","environment":"prod","pull_request":null}"#)
                .unwrap();
        assert_eq!(j.r#ref.as_deref(), Some("refs/heads/x"));
        assert_eq!(j.environment.as_deref(), Some("prod"));
        assert_eq!(j.pull_request, None);
        let j: Job = serde_json::from_str(r#"{"pull_request":12,"branch":"main"}"#).unwrap();
        assert_eq!(j.pull_request, Some(12));
        assert!(job_claims(&j, &mut BTreeMap::new()).is_err());
        assert!(serde_json::from_str::<Job>(r#"{"pull_request":-1}"#).is_err());
    }
}
