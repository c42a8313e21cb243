//! The `sub` (subject) claim GitHub Actions would issue for a customization template and a
//! set of job claims.
//!
//! Rules (GitHub docs, "Example subject claims" / "Customizing the subject claims"):
//!
//! * The subject is the template keys **in template order**, each rendered `key:value`,
//!   joined with `:`. No template (or an empty one) means [`DEFAULT_TEMPLATE`] (`repo`, `context`).
//! * `repo` is a pseudo-key rendering `repo:OWNER/REPO` (from the `repository` claim), or the
//!   immutable form `repo:OWNER@OWNER_ID/REPO@REPO_ID` (repositories created, renamed or
//!   transferred after 2026-07-15, or opted in). A `sub_claim_prefix` reported by the REST API
//!   is authoritative and used verbatim.
//! * `context` is a pseudo-key rendering, without a `context:` label, `environment:NAME` when the
//!   job references an environment, else `pull_request` for `pull_request` events, else
//!   `ref:REF`.
//! * Any other key renders `key:value` from the claim of the same name (including
//!   `repo_property_*` custom-property claims).
//! * A `:` inside a value is replaced by `%3A` (for example `environment:Production%3AV1`).

use std::collections::BTreeMap;

use serde::Serialize;

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

/// Why a subject cannot be computed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SubjectError {
    /// A template key is not a valid claim name (`^[A-Za-z0-9_]+$`).
    #[error("invalid claim key `{0}` in the template: claim names contain only letters, digits and `_`")]
    InvalidClaimKey(String),
    /// A claim needed by a template key is missing or empty.
    #[error("template key `{key}` needs the `{claim}` claim, which is missing or empty")]
    MissingClaim {
        /// The template key being rendered.
        key: String,
        /// The claim that was needed.
        claim: String,
    },
    /// A claim has a value that cannot be used (e.g. `repository` not in `owner/name` form).
    #[error("claim `{claim}` has an unusable value `{value}`: {reason}")]
    InvalidClaimValue {
        /// The claim name.
        claim: String,
        /// The offending value.
        value: String,
        /// Why it cannot be used.
        reason: String,
    },
    /// The `sub_claim_prefix` given is empty or malformed.
    #[error("invalid sub_claim_prefix `{0}`: expected `repo:OWNER/REPO` or `repo:OWNER@ID/REPO@ID`")]
    InvalidPrefix(String),
}

/// Whether `name` is a valid claim name (`^[A-Za-z0-9_]+$`).
pub fn is_valid_claim_name(name: &str) -> bool {
    !name.is_empty() && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
}

/// Escapes a claim value the way GitHub does inside `sub`: every `:` becomes `%3A`.
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
            other => format!("{other}:{}", escape_value(claim(req, other, other, used)?)),
        };
        parts.push(part);
    }
    Ok(parts.join(":"))
}

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
        .filter(|e| e.as_str() == "pull_request")
    {
        used.insert("event_name".into(), ev.clone());
        return Ok("pull_request".into());
    }
    let r = claim(req, "context", "ref", used)?;
    Ok(format!("ref:{}", escape_value(r)))
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
}
