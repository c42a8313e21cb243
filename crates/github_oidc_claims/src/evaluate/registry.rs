//! Registry trusted publishers for GitHub Actions: npm, PyPI, crates.io, RubyGems.org, NuGet.org.
//!
//! A publisher names an owner, a repository, a workflow file and optionally an environment
//! (PyPI also records the owner's ID). The registries accept only tokens from the standard
//! github.com issuer — an enterprise-scoped issuer (`include_enterprise_slug`) is refused with
//! a 401 even when every other claim matches (npm/cli#9203, pypi/warehouse#17700) — with their
//! own audience (`npm:registry.npmjs.org`, `pypi`).
//!
//! npm compares:
//!
//! * `sub`: its first two `:`-separated parts must be `repo:OWNER/REPO` (case-insensitive), so
//!   immutable subjects (`repo:OWNER@ID/REPO@ID`) and customised subject templates are refused;
//! * `repository` (case-insensitive) and `repository_owner`;
//! * `repository_owner_id` / `repository_id` when the publisher records them;
//! * `workflow_ref` (the calling workflow, case-insensitive);
//! * the environment (case-insensitive) when the publisher names one.
//!
//! PyPI, as of pypi/warehouse 2026-08-21 (`warehouse/oidc/models/github.py`:
//! `GitHubPublisherMixin.lookup_by_claims` and its claim checks; `sub` unchecked since
//! pypi/warehouse#19422 "Disregard GitHub sub claim", 2026-01-29; `pull_request_target`
//! refused since pypi/warehouse#19601, 2026-03-02):
//!
//! * `sub` is not checked at all (immutable subjects and custom templates are fine);
//! * the publisher is looked up by `repository` split into owner and name (an SQL equality, so
//!   exact — PyPI stores the owner as GitHub spells it), `repository_owner_id` (exact) and the
//!   workflow file name taken from `job_workflow_ref` (the workflow that runs the job: a
//!   reusable workflow's file, not the caller's);
//! * then by environment: the token's `environment` lower-cased equals the publisher's (which
//!   PyPI stores lower-cased), or the publisher has no environment (matches any job);
//! * then `job_workflow_ref` must be exactly `OWNER/REPO/.github/workflows/FILE@REF` with the
//!   publisher's owner and repository and REF the token's `ref` or `sha` claim — so a reusable
//!   workflow from another repository is refused (checked when `ref`/`sha` are known);
//! * `event_name` must not be `pull_request_target` (checked when known);
//! * `repository_id` is not checked.
//!
//! crates.io, as of rust-lang/crates.io 2026-08-21 (`src/controllers/trustpub/tokens/exchange`,
//! `crates/crates_io_trustpub/src/github`): audience `crates.io`; `sub` unchecked; the
//! configuration is found by owner and repository name ignoring case (`lower()`), then must
//! match `repository_owner_id`, the file of `workflow_ref` (the calling workflow; its repository
//! is not compared) exactly, and the environment ignoring case when it names one;
//! `pull_request_target` and `workflow_run` runs are refused.
//!
//! RubyGems.org, as of rubygems/rubygems.org 2026-08-22
//! (`app/models/oidc/trusted_publisher/github_action.rb`): audience `rubygems.org`; `sub`
//! unchecked; found by exact owner and repository name, `repository_owner_id` and the file of
//! `job_workflow_ref`; the workflow's repository is the publishing one (then `job_workflow_ref`
//! ends in the job's `ref` or `sha`) or the publisher's `workflow_repository_owner/_name`; the
//! environment is compared exactly, and a publisher without one matches any job.
//!
//! NuGet.org, as of NuGet/NuGetGallery 2026-08-17 (`GitHubTokenPolicyValidator.cs`): audience
//! `https://www.nuget.org` (NuGet/login's default); owner and repository ignoring case; once the
//! policy was used, `repository_owner_id` and `repository_id` exactly; `job_workflow_ref` must
//! start with `OWNER/REPO/.github/workflows/` of the policy's repository and name its file
//! (ignoring case); the environment ignoring case when the policy names one.

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
/// The audience crates.io expects (rust-lang/crates-io-auth-action).
pub(crate) const CRATES_AUDIENCE: &str = "crates.io";
/// The audience RubyGems.org expects (`Gemcutter::HOST`).
pub(crate) const RUBYGEMS_AUDIENCE: &str = "rubygems.org";
/// The audience NuGet/login requests by default.
pub(crate) const NUGET_AUDIENCE: &str = "https://www.nuget.org";

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
    /// RubyGems.org: the repository of a reusable workflow (`OWNER/NAME`) the publisher trusts.
    workflow_repository: Option<String>,
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
        owner_id: get_id(
            o,
            &["repository_owner_id", "repositoryOwnerId", "owner_id", "ownerId"],
        ),
        repo_id: get_id(o, &["repository_id", "repositoryId"]),
        workflow_repository: match (
            get(o, &["workflow_repository_owner", "workflowRepositoryOwner"]),
            get(o, &["workflow_repository_name", "workflowRepositoryName"]),
        ) {
            (Some(owner), Some(name)) => Some(format!("{owner}/{name}")),
            _ => None,
        },
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
        let subject = if provider != PolicyProvider::Npm || head.eq_ignore_ascii_case(&expected_sub) {
            // Only npm checks `sub` (PyPI stopped in pypi/warehouse#19422, 2026-01-29; crates.io,
            // RubyGems.org and NuGet.org never read it).
            Check::yes()
        } else {
            let immutable = split_subject(f.subject).is_some_and(|(seg, _)| seg.immutable());
            let note = match split_subject(f.subject) {
                Some((seg, _)) if seg.immutable() && format!("repo:{}/{}", seg.owner, seg.repo).eq_ignore_ascii_case(&expected_sub) => Some(format!(
                    "the repository uses immutable subjects (`repo:OWNER@ID/REPO@ID`), and {label} compares the subject's \
                     `repo:OWNER/REPO` prefix literally, so it refuses the token (npm/cli#9969)"
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
        // PyPI and RubyGems.org look the publisher up with an SQL equality on the names;
        // npm, crates.io (`lower()`) and NuGet.org ignore case.
        let exact_names = matches!(provider, PolicyProvider::PyPI | PolicyProvider::RubyGems);
        let repository = match f.claim("repository") {
            Lookup::Value(v) if v == full || (!exact_names && v.eq_ignore_ascii_case(&full)) => {
                Check::yes()
            }
            Lookup::Value(v) if v.eq_ignore_ascii_case(&full) => Check::no(
                Reason::new("repository", "equals", &full, &v)
                    .note(Some(format!(
                        "the names differ only in letter case; {label} looks the publisher up by the exact owner and \
                         repository name"
                    )))
                    .fix(format!("configure the trusted publisher for `{v}` as GitHub spells it")),
            ),
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
            if exact_names {
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
        // PyPI lists `repository_id` among its unchecked claims; crates.io and RubyGems.org
        // do not read it.
        let repo_id = if matches!(
            provider,
            PolicyProvider::PyPI | PolicyProvider::Crates | PolicyProvider::RubyGems
        ) {
            Check::yes()
        } else {
            id_check("repository_id", &self.repo_id, "repository")
        };
        // Workflow file.
        let wf_claim = if matches!(provider, PolicyProvider::Npm | PolicyProvider::Crates) {
            "workflow_ref"
        } else {
            "job_workflow_ref"
        };
        let want_path = format!("{full}/.github/workflows/{}", self.workflow);
        let workflow = match f.claim(wf_claim) {
            Lookup::Value(v) if provider == PolicyProvider::PyPI => {
                self.pypi_workflow(f, &full, &want_path, &v)
            }
            Lookup::Value(v) if provider == PolicyProvider::Crates => self.crates_workflow(&v),
            Lookup::Value(v) if provider == PolicyProvider::RubyGems => self.rubygems_workflow(f, &full, &v),
            Lookup::Value(v) if provider == PolicyProvider::NuGet => self.nuget_workflow(&full, &v),
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
                // RubyGems.org looks the environment up exactly; the others ignore case.
                Lookup::Value(v) if v == *want || (provider != PolicyProvider::RubyGems && v.eq_ignore_ascii_case(want)) => {
                    Check::yes()
                }
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
        // PyPI refuses `pull_request_target` runs (pypi/warehouse#19601, 2026-03-02).
        // crates.io refuses `pull_request_target` and `workflow_run` runs
        // (src/controllers/trustpub/tokens/exchange/mod.rs).
        let event = match f.claim("event_name") {
            Lookup::Value(v)
                if provider == PolicyProvider::Crates
                    && (v == "pull_request_target" || v == "workflow_run") =>
            {
                Check::no(
                    Reason::new("event_name", "not in", "[pull_request_target, workflow_run]", &v)
                        .note(Some(format!("crates.io refuses to publish from a `{v}` run")))
                        .fix("publish from a push, release or workflow_dispatch run"),
                )
            }
            Lookup::Value(v) if provider == PolicyProvider::PyPI && v == "pull_request_target" => Check::no(
                Reason::new("event_name", "not equals", "pull_request_target", &v)
                    .note(Some(
                        "PyPI refuses to publish from a workflow run triggered by `pull_request_target`"
                            .into(),
                    ))
                    .fix("publish from a push, release or workflow_dispatch run"),
            ),
            _ => Check::yes(),
        };
        Check::all([
            issuer,
            event,
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

/// The workflow file name in a `workflow_ref` / `job_workflow_ref`: the first run of non-`/`
/// characters ending in `.yml` / `.yaml` right before an `@` (warehouse's
/// `_WORKFLOW_FILENAME_RE`).
pub(crate) fn workflow_file_of_ref(workflow_ref: &str) -> Option<&str> {
    workflow_ref.match_indices('@').find_map(|(at, _)| {
        let head = &workflow_ref[..at];
        let file = &head[head.rfind('/').map_or(0, |i| i + 1)..];
        let long_enough = |ext: &str| file.len() > ext.len() && file.ends_with(ext);
        (long_enough(".yml") || long_enough(".yaml")).then_some(file)
    })
}

impl Publisher {
    /// PyPI's workflow rules: the file of `job_workflow_ref` names the publisher, and the whole
    /// claim must be `OWNER/REPO/.github/workflows/FILE@REF` (REF = `ref` or `sha`).
    fn pypi_workflow(&self, f: &Facts, full: &str, want_path: &str, v: &str) -> Check {
        let expected = format!("{want_path}@");
        let file = workflow_file_of_ref(v);
        if file != Some(self.workflow.as_str()) {
            return Check::no(
                Reason::new("job_workflow_ref", "workflow file", &self.workflow, file.unwrap_or(v))
                    .note(Some(
                        "PyPI looks the publisher up by the file of job_workflow_ref: the workflow that runs the job \
                         (a reusable workflow's file, not the caller's)"
                            .to_string(),
                    ))
                    .fix(match file {
                        Some(file) => format!("set the trusted publisher's workflow to `{file}`"),
                        None => format!("publish from `.github/workflows/{}`", self.workflow),
                    }),
            );
        }
        let Some(suffix) = v.strip_prefix(&expected) else {
            let calling_repo = v.split_once("/.github/workflows/").map(|(r, _)| r.to_string());
            let note = match &calling_repo {
                Some(r) if !r.eq_ignore_ascii_case(full) => format!(
                    "the job runs the reusable workflow of `{r}`; PyPI requires job_workflow_ref, the workflow that \
                     runs the job, to be in the publisher's repository `{full}`"
                ),
                _ => "PyPI compares job_workflow_ref exactly (letter case included)".to_string(),
            };
            return Check::no(
                Reason::new("job_workflow_ref", "starts with", &expected, v)
                    .note(Some(note))
                    .fix(format!(
                        "publish from `{full}/.github/workflows/{}` itself",
                        self.workflow
                    )),
            );
        };
        let refs: Vec<String> = ["ref", "sha"]
            .iter()
            .filter_map(|c| match f.claim(c) {
                Lookup::Value(x) if !x.is_empty() => Some(x),
                _ => None,
            })
            .collect();
        if refs.is_empty() || refs.iter().any(|r| r == suffix) {
            return Check::yes();
        }
        Check::no(
            Reason::new("job_workflow_ref", "equals", format!("{expected}{}", refs.join(" or ")), v)
                .note(Some(
                    "PyPI requires the workflow to run at the job's own ref or commit (the `ref` or `sha` claim); a \
                     reusable workflow called at another ref is refused"
                        .to_string(),
                ))
                .fix(format!("call `{}` at the same ref as the calling workflow", self.workflow)),
        )
    }
}

impl Publisher {
    /// crates.io: the file of `workflow_ref` (the calling workflow), compared exactly; the
    /// workflow's repository is not compared.
    fn crates_workflow(&self, v: &str) -> Check {
        match workflow_file_of_ref(v) {
            Some(file) if file == self.workflow => Check::yes(),
            file => Check::no(
                Reason::new("workflow_ref", "workflow file", &self.workflow, file.unwrap_or(v))
                    .note(Some(
                        "crates.io reads the file of workflow_ref: the calling workflow, not a reusable workflow it calls"
                            .to_string(),
                    ))
                    .fix(match file {
                        Some(file) => format!("set the trusted publisher's workflow to `{file}`"),
                        None => format!("publish from `.github/workflows/{}`", self.workflow),
                    }),
            ),
        }
    }

    /// RubyGems.org: `job_workflow_ref` is `OWNER/REPO/.github/workflows/FILE@REF`; FILE equals
    /// the publisher's; OWNER/REPO is the publishing repository (then REF is the job's `ref` or
    /// `sha`), or the reusable-workflow repository the publisher names.
    fn rubygems_workflow(&self, f: &Facts, full: &str, v: &str) -> Check {
        let parsed = v.split_once("/.github/workflows/").and_then(|(repo, rest)| {
            let (file, r) = rest.split_once('@')?;
            (repo.matches('/').count() == 1).then_some((repo, file, r))
        });
        let Some((repo, file, git_ref)) = parsed else {
            return Check::no(Reason::new(
                "job_workflow_ref",
                "matches",
                "OWNER/REPO/.github/workflows/FILE@REF",
                v,
            ));
        };
        if file != self.workflow {
            return Check::no(
                Reason::new("job_workflow_ref", "workflow file", &self.workflow, file)
                    .fix(format!("set the trusted publisher's workflow to `{file}`")),
            );
        }
        let repository = match f.claim("repository") {
            Lookup::Value(r) => r,
            _ => full.to_string(),
        };
        let want_repo = self
            .workflow_repository
            .clone()
            .unwrap_or_else(|| repository.clone());
        if repo != want_repo {
            let note = if repo == repository {
                "the publisher names a reusable-workflow repository, but the job runs its own repository's workflow"
                    .to_string()
            } else {
                format!(
                    "the job runs the reusable workflow of `{repo}`; RubyGems.org accepts it only when the publisher \
                     names that workflow repository"
                )
            };
            return Check::no(
                Reason::new("job_workflow_ref", "repository", &want_repo, repo)
                    .note(Some(note))
                    .fix(format!(
                        "set the trusted publisher's workflow repository to `{repo}`"
                    )),
            );
        }
        if self.workflow_repository.is_none() {
            let refs: Vec<String> = ["ref", "sha"]
                .iter()
                .filter_map(|c| match f.claim(c) {
                    Lookup::Value(x) if !x.is_empty() => Some(x),
                    _ => None,
                })
                .collect();
            if !refs.is_empty() && !refs.iter().any(|r| r == git_ref) {
                return Check::no(
                    Reason::new("job_workflow_ref", "ref", refs.join(" or "), git_ref).note(Some(
                        "RubyGems.org requires the workflow to run at the job's own ref or commit".into(),
                    )),
                );
            }
        }
        Check::yes()
    }

    /// NuGet.org: `job_workflow_ref` starts with `OWNER/REPO/.github/workflows/` (the policy's
    /// repository, letter case ignored) and the file up to `@` equals the policy's, ignoring case.
    fn nuget_workflow(&self, full: &str, v: &str) -> Check {
        let prefix = format!("{full}/.github/workflows/");
        let file = (v.len() > prefix.len()
            && v.get(..prefix.len())
                .is_some_and(|p| p.eq_ignore_ascii_case(&prefix)))
        .then(|| v[prefix.len()..].split_once('@').map(|(file, _)| file))
        .flatten();
        match file {
            Some(file) if file.eq_ignore_ascii_case(&self.workflow) => Check::yes(),
            Some(file) => Check::no(
                Reason::new("job_workflow_ref", "workflow file", &self.workflow, file)
                    .fix(format!("set the policy's workflow to `{file}`")),
            ),
            None => Check::no(
                Reason::new("job_workflow_ref", "starts with", &prefix, v)
                    .note(Some(
                        "NuGet.org requires the workflow that runs the job (job_workflow_ref) to live in the policy's \
                         repository: a reusable workflow of another repository is refused"
                            .to_string(),
                    ))
                    .fix(format!("publish from `{prefix}{}`", self.workflow)),
            ),
        }
    }
}
