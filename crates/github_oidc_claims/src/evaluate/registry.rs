//! npm and PyPI trusted publishers for GitHub Actions.
//!
//! A publisher names an owner, a repository, a workflow file and optionally an environment
//! (PyPI also records the owner's ID). The registries accept only tokens from the standard
//! github.com issuer — an enterprise-scoped issuer (`include_enterprise_slug`) is refused with
//! a 401 even when every other claim matches (npm/cli#9203, pypi/warehouse#17700) — with their
//! own audience (`npm:registry.npmjs.org`, `pypi`), and compare:
//!
//! * `sub`: its first two `:`-separated parts must be `repo:OWNER/REPO` (case-insensitive), so
//!   immutable subjects (`repo:OWNER@ID/REPO@ID`) and customised subject templates are refused;
//! * `repository` (case-insensitive) and `repository_owner`;
//! * `repository_owner_id` (and `repository_id`) when the publisher records them — a
//!   transferred or renamed repository, or a re-created owner account, stops matching;
//! * the workflow: PyPI reads `job_workflow_ref` (the workflow that runs the job, a reusable one
//!   included), npm reads `workflow_ref` (the calling workflow);
//! * the environment (case-insensitive) when the publisher names one.

use serde_json::{Map, Value};

use super::{
    best_of, issuer_note, malformed, split_subject, Check, EvaluateError, Facts, Lookup, Outcome,
    PolicyProvider, Reason,
};
use crate::token::STANDARD_ISSUER;

/// The audience the npm CLI requests for registry.npmjs.org.
pub(crate) const NPM_AUDIENCE: &str = "npm:registry.npmjs.org";
/// The audience PyPI's trusted publishing expects.
pub(crate) const PYPI_AUDIENCE: &str = "pypi";

#[derive(Debug, Clone)]
pub(crate) struct Publishers {
    provider: PolicyProvider,
    list: Vec<Publisher>,
}

#[derive(Debug, Clone)]
struct Publisher {
    owner: String,
    repo: String,
    workflow: String,
    environment: Option<String>,
    owner_id: Option<String>,
    repo_id: Option<String>,
}

impl Publisher {
    fn label(&self) -> String {
        let mut s = format!(
            "trusted publisher {}/{} workflow {}",
            self.owner, self.repo, self.workflow
        );
        if let Some(e) = &self.environment {
            s.push_str(&format!(" environment {e}"));
        }
        s
    }
}

fn get<'a>(o: &'a Map<String, Value>, keys: &[&str]) -> Option<&'a str> {
    keys.iter()
        .find_map(|k| o.get(*k).and_then(Value::as_str))
        .map(str::trim)
        .filter(|s| !s.is_empty())
}

fn get_id(o: &Map<String, Value>, keys: &[&str]) -> Option<String> {
    keys.iter().find_map(|k| match o.get(*k) {
        Some(Value::String(s)) if !s.trim().is_empty() => Some(s.trim().to_string()),
        Some(Value::Number(n)) => Some(n.to_string()),
        _ => None,
    })
}

impl Publishers {
    pub(crate) fn parse(
        provider: PolicyProvider,
        v: &Value,
        _warnings: &mut Vec<String>,
    ) -> Result<Publishers, EvaluateError> {
        let items: Vec<&Value> = match v {
            Value::Array(a) => a.iter().collect(),
            Value::Object(_) => vec![v],
            _ => {
                return Err(malformed(
                    provider,
                    "expected a trusted publisher object or a list of them",
                ))
            }
        };
        if items.is_empty() {
            return Err(malformed(provider, "the list of trusted publishers is empty"));
        }
        let list = items
            .into_iter()
            .enumerate()
            .map(|(i, item)| parse_one(provider, i, item))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Publishers { provider, list })
    }

    pub(crate) fn evaluate(&self, f: &Facts) -> Outcome {
        best_of(
            self.list
                .iter()
                .map(|p| (p.label(), p.check(self.provider, f)))
                .collect(),
        )
    }
}

fn parse_one(provider: PolicyProvider, i: usize, v: &Value) -> Result<Publisher, EvaluateError> {
    let o = v
        .as_object()
        .ok_or_else(|| malformed(provider, format!("trusted publisher [{i}] is not an object")))?;
    if let Some(kind) = get(o, &["type", "kind", "provider", "publisher"]) {
        let k = kind.to_ascii_lowercase();
        if !(k.contains("github") || k == "gha") {
            return Err(malformed(
                provider,
                format!("trusted publisher [{i}] is of kind `{kind}`, not GitHub Actions"),
            ));
        }
    }
    let mut owner = get(
        o,
        &[
            "repository_owner",
            "repositoryOwner",
            "owner",
            "organization",
            "org",
            "user",
        ],
    )
    .map(str::to_string);
    let mut repo = get(o, &["repository_name", "repositoryName", "repository", "repo"]).map(str::to_string);
    if let Some(r) = repo.clone() {
        if let Some((ow, name)) = r.split_once('/') {
            if owner.is_none() {
                owner = Some(ow.to_string());
            }
            repo = Some(name.to_string());
        }
    }
    let owner = owner.ok_or_else(|| {
        malformed(
            provider,
            format!("trusted publisher [{i}] names no owner (`repository_owner` / `owner`)"),
        )
    })?;
    let repo = repo.ok_or_else(|| {
        malformed(
            provider,
            format!("trusted publisher [{i}] names no repository (`repository_name` / `repository`)"),
        )
    })?;
    let workflow = get(
        o,
        &[
            "workflow_filename",
            "workflowFilename",
            "workflow",
            "workflow_file",
            "file",
        ],
    )
    .ok_or_else(|| {
        malformed(
            provider,
            format!("trusted publisher [{i}] names no workflow file (`workflow_filename` / `workflow`)"),
        )
    })?;
    let workflow = workflow.rsplit('/').next().unwrap_or(workflow).to_string();
    if !(workflow.ends_with(".yml") || workflow.ends_with(".yaml")) {
        return Err(malformed(
            provider,
            format!("trusted publisher [{i}]: the workflow `{workflow}` is not a .yml/.yaml file name"),
        ));
    }
    Ok(Publisher {
        owner,
        repo,
        workflow,
        environment: get(o, &["environment", "env", "environment_name"]).map(str::to_string),
        owner_id: get_id(o, &["repository_owner_id", "repositoryOwnerId", "owner_id"]),
        repo_id: get_id(o, &["repository_id", "repositoryId"]),
    })
}

impl Publisher {
    fn check(&self, provider: PolicyProvider, f: &Facts) -> Check {
        let label = provider.label();
        let full = format!("{}/{}", self.owner, self.repo);
        // Issuer: the standard github.com issuer only.
        let issuer = if f.issuer == STANDARD_ISSUER {
            Check::yes()
        } else {
            let note = match f.enterprise_slug() {
                Some(slug) => format!(
                    "{label} trusts only the standard issuer; enterprise `{slug}` has include_enterprise_slug on, so its \
                     tokens carry `{}` and the token exchange fails with 401 even though every other claim matches \
                     (the issuer shares the standard issuer's keys; npm/cli#9203, pypi/warehouse#17700)",
                    f.issuer
                ),
                None => issuer_note(STANDARD_ISSUER, &f.issuer).unwrap_or_else(|| {
                    format!("{label} trusted publishing accepts only github.com tokens")
                }),
            };
            let fix = match f.enterprise_slug() {
                Some(slug) => format!(
                    "turn include_enterprise_slug off for enterprise `{slug}` (`Set-GitHubOidcIssuer -Enterprise {slug} \
                     -IncludeEnterpriseSlug $false`), or publish with a registry token until {label} accepts \
                     enterprise-scoped issuers"
                ),
                None => "publish from a github.com repository".to_string(),
            };
            Check::no(
                Reason::new("iss", "equals", STANDARD_ISSUER, &f.issuer)
                    .note(Some(note))
                    .fix(fix),
            )
        };
        let want_aud = provider.default_audience().unwrap_or_default();
        let audience = match &f.audience {
            Some(a) if a == want_aud => Check::yes(),
            Some(a) => Check::no(Reason::new("aud", "equals", want_aud, a).fix(format!(
                "let the publishing tool request the audience `{want_aud}`"
            ))),
            None => Check::yes(),
        };
        // sub: `repo:OWNER/REPO` prefix, case-insensitive.
        let expected_sub = format!("repo:{full}");
        let mut parts = f.subject.splitn(3, ':');
        let head = format!("{}:{}", parts.next().unwrap_or(""), parts.next().unwrap_or(""));
        let subject = if head.eq_ignore_ascii_case(&expected_sub) {
            Check::yes()
        } else {
            let immutable = split_subject(f.subject).is_some_and(|(seg, _)| seg.immutable());
            let note = match split_subject(f.subject) {
                Some((seg, _)) if seg.immutable() && format!("repo:{}/{}", seg.owner, seg.repo).eq_ignore_ascii_case(&expected_sub) => Some(format!(
                    "the repository uses immutable subjects (`repo:OWNER@ID/REPO@ID`), and {label} compares the subject's \
                     `repo:OWNER/REPO` prefix literally, so it refuses the token ({})",
                    if provider == PolicyProvider::Npm { "npm/cli#9969" } else { "pypi/warehouse#19347" }
                )),
                Some(_) => None,
                None => Some(format!(
                    "{label} expects a subject that starts with `repo:OWNER/REPO`; a customised subject template without \
                     the `repo` key breaks trusted publishing"
                )),
            };
            Check::no(
                Reason::new("sub", "starts with", &expected_sub, f.subject)
                    .note(note)
                    .fix(if immutable {
                        format!(
                            "{label} does not match immutable subjects yet: publish with a registry token (or from a \
                             repository with name-based subjects) until it does"
                        )
                    } else {
                        "use a subject template that starts with `repo` (the default `repo`, `context`) for the \
                         publishing repository"
                            .to_string()
                    }),
            )
        };
        // Repository and owner names, with IDs when the publisher records them.
        let ids_note = |claim_owner: Option<&str>, claim_repo: Option<&str>| -> Option<String> {
            let owner_same = self.owner_id.as_deref().zip(claim_owner).map(|(a, b)| a == b);
            let repo_same = self.repo_id.as_deref().zip(claim_repo).map(|(a, b)| a == b);
            match (owner_same, repo_same) {
                (_, Some(true)) | (Some(true), None) => Some(
                    "the IDs match but the names differ: the repository (or its owner) was renamed or transferred; \
                     update the trusted publisher to the new names"
                        .to_string(),
                ),
                _ => None,
            }
        };
        let token_owner_id = match f.claim("repository_owner_id") {
            Lookup::Value(v) => Some(v),
            _ => None,
        };
        let token_repo_id = match f.claim("repository_id") {
            Lookup::Value(v) => Some(v),
            _ => None,
        };
        let repository = match f.claim("repository") {
            Lookup::Value(v) if v.eq_ignore_ascii_case(&full) => Check::yes(),
            Lookup::Value(v) => Check::no(
                Reason::new("repository", "equals", &full, &v)
                    .note(ids_note(token_owner_id.as_deref(), token_repo_id.as_deref()).or_else(|| {
                        Some(format!(
                            "if `{full}` was renamed or transferred to `{v}`, the trusted publisher still names the old \
                             repository"
                        ))
                    }))
                    .fix(format!("configure the trusted publisher for `{v}`")),
            ),
            Lookup::Absent => Check::no(Reason::new("repository", "equals", &full, super::ABSENT)),
            Lookup::Unknown => Check::unknown(Reason::needs_claim("repository", "equals", &full, "repository")),
        };
        let owner_eq = |a: &str, b: &str| {
            if provider == PolicyProvider::PyPI {
                a == b
            } else {
                a.eq_ignore_ascii_case(b)
            }
        };
        let owner = match f.claim("repository_owner") {
            Lookup::Value(v) if owner_eq(&self.owner, &v) => Check::yes(),
            Lookup::Value(v) => Check::no(
                Reason::new("repository_owner", "equals", &self.owner, &v)
                    .note(self.owner.eq_ignore_ascii_case(&v).then(|| {
                        format!("the owner differs only in letter case; {label} compares it exactly")
                    }))
                    .fix(format!("set the trusted publisher's owner to `{v}`")),
            ),
            Lookup::Absent => Check::no(Reason::new(
                "repository_owner",
                "equals",
                &self.owner,
                super::ABSENT,
            )),
            Lookup::Unknown => Check::unknown(Reason::needs_claim(
                "repository_owner",
                "equals",
                &self.owner,
                "repository_owner",
            )),
        };
        let id_check = |claim: &str, want: &Option<String>, what: &str| -> Check {
            let Some(want) = want else { return Check::yes() };
            match f.claim(claim) {
                Lookup::Value(v) if &v == want => Check::yes(),
                Lookup::Value(v) => Check::no(
                    Reason::new(claim, "equals", want, &v)
                        .note(Some(format!(
                            "the {what} ID differs: `{full}` is now a different {what} (deleted and re-created, or the \
                             name was taken over); {label} pins the ID recorded when the publisher was added"
                        )))
                        .fix(format!("re-create the trusted publisher for the current `{full}`")),
                ),
                Lookup::Absent => Check::no(Reason::new(claim, "equals", want, super::ABSENT)),
                Lookup::Unknown => Check::unknown(Reason::needs_claim(claim, "equals", want, claim)),
            }
        };
        let owner_id = id_check("repository_owner_id", &self.owner_id, "owner");
        let repo_id = id_check("repository_id", &self.repo_id, "repository");
        // Workflow file.
        let wf_claim = if provider == PolicyProvider::Npm {
            "workflow_ref"
        } else {
            "job_workflow_ref"
        };
        let want_path = format!("{full}/.github/workflows/{}", self.workflow);
        let workflow = match f.claim(wf_claim) {
            Lookup::Value(v) => {
                let ok = if provider == PolicyProvider::PyPI {
                    v.starts_with(&format!("{want_path}@"))
                } else {
                    v.to_lowercase()
                        .starts_with(&format!("{}@", want_path.to_lowercase()))
                };
                if ok {
                    Check::yes()
                } else {
                    let file = v
                        .split_once("/.github/workflows/")
                        .map(|(_, rest)| rest.rsplit_once('@').map(|(f, _)| f).unwrap_or(rest).to_string());
                    let calling_repo = v.split_once("/.github/workflows/").map(|(r, _)| r.to_string());
                    let note = match (&calling_repo, provider) {
                        (Some(r), PolicyProvider::PyPI) if !r.eq_ignore_ascii_case(&full) => Some(format!(
                            "the job runs the reusable workflow of `{r}`; PyPI checks job_workflow_ref, the workflow \
                             that runs the job"
                        )),
                        (_, PolicyProvider::Npm) => Some(
                            "npm checks the calling workflow (workflow_ref), not a reusable workflow it calls".to_string(),
                        ),
                        _ => None,
                    };
                    Check::no(
                        Reason::new(wf_claim, "starts with", format!("{want_path}@"), &v)
                            .note(note)
                            .fix(match file {
                                Some(file) => format!("set the trusted publisher's workflow to `{file}`"),
                                None => format!("publish from `.github/workflows/{}`", self.workflow),
                            }),
                    )
                }
            }
            Lookup::Absent => Check::no(Reason::new(
                wf_claim,
                "starts with",
                format!("{want_path}@"),
                super::ABSENT,
            )),
            Lookup::Unknown => Check::unknown(Reason::needs_claim(
                wf_claim,
                "starts with",
                format!("{want_path}@"),
                wf_claim,
            )),
        };
        let environment = match &self.environment {
            None => Check::yes(),
            Some(want) => match f.claim("environment") {
                Lookup::Value(v) if v.eq_ignore_ascii_case(want) => Check::yes(),
                Lookup::Value(v) => Check::no(
                    Reason::new("environment", "equals", want, &v)
                        .fix(format!("run the publishing job in the `{want}` environment, or set the publisher's environment to `{v}`")),
                ),
                Lookup::Absent => Check::no(
                    Reason::new("environment", "equals", want, super::ABSENT)
                        .note(Some("the job does not use an environment".into()))
                        .fix(format!("add `environment: {want}` to the publishing job")),
                ),
                Lookup::Unknown => Check::unknown(Reason::needs_claim("environment", "equals", want, "environment")),
            },
        };
        Check::all([
            issuer,
            audience,
            subject,
            repository,
            owner,
            owner_id,
            repo_id,
            workflow,
            environment,
        ])
        .at(&self.label())
    }
}
