//! Who else gets in? Audits a trust configuration (the same forms
//! [`crate::evaluate::Policy::parse`] reads) for the jobs it admits beyond the ones it was meant
//! for.
//!
//! Nothing here guesses from the policy's text: [`audit`] builds candidate "attacker" tokens —
//! complete claim sets of jobs in another owner's repository, a look-alike owner, another
//! repository of the owner, a re-created repository with the same names but new IDs, another
//! branch, a pull request, another audience — and runs each through the same evaluator as
//! `Test-GitHubOidcTrustPolicy` ([`crate::evaluate::Policy::evaluate`]). Every candidate the
//! evaluator admits becomes a [`TrustRisk`] of the matching [`RiskKind`], with that candidate as
//! its `example`; a candidate the evaluator cannot decide becomes one
//! [`RiskKind::CannotEvaluate`], so a partial audit is never silent.
//!
//! The intended scope (`owner`, `repository`, their IDs) is given or taken from the policy (the
//! first `repo:OWNER/REPO` subject, a trusted publisher's owner and repository). A configuration
//! pinned to one repository's immutable subject, one ref or environment, and the expected
//! audience yields no High or Medium risk.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::evaluate::{EvaluateError, Policy, PolicyProvider, TokenFacts, TrustResult};
use crate::token::STANDARD_ISSUER;
use crate::trust::is_wildcard;

/// What a configuration admits beyond its intended jobs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum RiskKind {
    /// A job in any repository of any owner gets in.
    AnyRepository,
    /// A job of an owner whose name resembles the intended one gets in (a wildcard in the owner).
    LookAlikeOwner,
    /// A job in any repository of the intended owner gets in.
    AnyRepositoryOfOwner,
    /// The match is by names, not IDs: a future holder of the owner or repository name gets in.
    NameBasedSubject,
    /// Any branch of the repository gets in (no ref or environment limit).
    AnyRef,
    /// Jobs triggered by pull requests get in.
    PullRequest,
    /// A token for another audience gets in.
    NoAudience,
    /// Part of the configuration cannot be evaluated, so the audit is partial.
    CannotEvaluate,
}

impl RiskKind {
    /// The kind's severity.
    pub fn severity(self) -> Severity {
        match self {
            RiskKind::AnyRepository | RiskKind::LookAlikeOwner => Severity::High,
            RiskKind::AnyRepositoryOfOwner
            | RiskKind::NameBasedSubject
            | RiskKind::AnyRef
            | RiskKind::PullRequest => Severity::Medium,
            RiskKind::NoAudience | RiskKind::CannotEvaluate => Severity::Low,
        }
    }
}

impl fmt::Display for RiskKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self, f)
    }
}

/// How bad a risk is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Severity {
    /// Anyone on GitHub (or a look-alike owner) gets in.
    High,
    /// More of the owner's (or a future owner's) jobs get in than intended.
    Medium,
    /// Defence in depth, or the audit is partial.
    Low,
}

/// The intended scope of a configuration: whose jobs it is meant for.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RiskScope {
    /// The intended owner (organization or user); `None` = taken from the policy.
    #[serde(default)]
    pub owner: Option<String>,
    /// The intended repository (name, or `OWNER/NAME`); `None` = taken from the policy.
    #[serde(default)]
    pub repository: Option<String>,
    /// The owner's ID, for the immutable subject in suggestions.
    #[serde(default)]
    pub owner_id: Option<String>,
    /// The repository's ID, for the immutable subject in suggestions.
    #[serde(default)]
    pub repository_id: Option<String>,
}

/// A job the configuration admits: a subject and the claims it needs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RiskExample {
    /// The `sub` claim.
    pub subject: String,
    /// The `aud` claim (`None`: the provider's default audience).
    pub audience: Option<String>,
    /// The `iss` claim.
    pub issuer: String,
    /// Every other claim of the token.
    pub claims: BTreeMap<String, String>,
}

impl RiskExample {
    /// The example as evaluator input (a complete token: claims not listed are absent).
    pub fn facts(&self) -> TokenFacts {
        TokenFacts {
            subject: self.subject.clone(),
            audience: self.audience.clone(),
            issuer: self.issuer.clone(),
            claims: self.claims.clone(),
            all_claims: true,
        }
    }
}

/// One way the configuration admits jobs it probably should not.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TrustRisk {
    /// The kind of risk.
    pub kind: RiskKind,
    /// Its severity.
    pub severity: Severity,
    /// What admits the example (statement, credential, condition, publisher).
    pub source: Option<String>,
    /// A job the configuration admits (the evaluator said so); `None` for
    /// [`RiskKind::CannotEvaluate`].
    pub example: Option<RiskExample>,
    /// What is wrong, in words.
    pub explanation: String,
    /// The tightened configuration, in the provider's own syntax.
    pub suggestion: String,
}

/// The result of [`audit`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RiskReport {
    /// The provider audited.
    pub provider: PolicyProvider,
    /// The scope the audit assumed (given or taken from the policy).
    pub scope: RiskScope,
    /// One entry per risk, most severe first.
    pub risks: Vec<TrustRisk>,
}

// ---------------------------------------------------------------------------------------------
// Scope inference.
// ---------------------------------------------------------------------------------------------

/// Facts read from the policy's JSON: subjects' owners and repositories, IDs, environments,
/// audiences, issuers and workflow files.
#[derive(Debug, Default)]
struct Hints {
    owner: Option<String>,
    repository: Option<String>,
    owner_id: Option<String>,
    repository_id: Option<String>,
    environment: Option<String>,
    audiences: Vec<String>,
    issuers: Vec<String>,
    workflow: Option<String>,
}

fn walk(v: &Value, key: &str, out: &mut Hints) {
    match v {
        Value::Object(m) => {
            for (k, x) in m {
                walk(x, k, out);
            }
        }
        Value::Array(a) => a.iter().for_each(|x| walk(x, key, out)),
        Value::String(s) => {
            // A policy document embedded as text (an IAM policy, a URL-encoded one).
            let t = s.trim();
            if t.starts_with('{') || t.starts_with('[') {
                if let Ok(inner) = serde_json::from_str::<Value>(t) {
                    walk(&inner, key, out);
                    return;
                }
            }
            scalar_hint(key, s, out);
        }
        Value::Number(n) => scalar_hint(key, &n.to_string(), out),
        _ => {}
    }
}

fn scalar_hint(key: &str, s: &str, out: &mut Hints) {
    let k = key.to_ascii_lowercase();
    let push = |list: &mut Vec<String>, v: &str| {
        if !v.is_empty() && !is_wildcard(v) && !list.iter().any(|x| x == v) {
            list.push(v.to_string());
        }
    };
    if k.contains("aud") {
        push(&mut out.audiences, s);
    }
    if k.contains("issuer") && s.starts_with("https://") {
        push(&mut out.issuers, s.trim_end_matches('/'));
    }
    if let Some(host_path) = s.split(":oidc-provider/").nth(1).filter(|_| k == "federated") {
        push(&mut out.issuers, &format!("https://{host_path}"));
    }
    // Registry publishers.
    match k.as_str() {
        "repository_owner" | "repositoryowner" | "owner" | "organization" | "org" | "user"
            if out.owner.is_none() && !is_wildcard(s) && !s.contains(['/', ':', ' ']) =>
        {
            out.owner = Some(s.to_string());
        }
        "repository_name" | "repositoryname" | "repository" | "repo"
            if out.repository.is_none() && !is_wildcard(s) && !s.contains([':', ' ']) =>
        {
            match s.split_once('/') {
                Some((o, r)) => {
                    if out.owner.is_none() {
                        out.owner = Some(o.to_string());
                    }
                    out.repository = Some(r.to_string());
                }
                None => out.repository = Some(s.to_string()),
            }
        }
        "repository_owner_id" | "repositoryownerid" | "owner_id" | "ownerid" => {
            out.owner_id.get_or_insert_with(|| s.to_string());
        }
        "repository_id" | "repositoryid" => {
            out.repository_id.get_or_insert_with(|| s.to_string());
        }
        "environment" | "env" | "environment_name" => {
            out.environment.get_or_insert_with(|| s.to_string());
        }
        "workflow_filename" | "workflowfilename" | "workflow" | "workflow_file" | "file"
            if s.ends_with(".yml") || s.ends_with(".yaml") =>
        {
            out.workflow
                .get_or_insert_with(|| s.rsplit('/').next().unwrap_or(s).to_string());
        }
        _ => {}
    }
    // Subjects anywhere (conditions, CEL, bound claims): `repo:OWNER[@ID]/REPO[@ID]:…`.
    let mut rest = s;
    while let Some(i) = rest.find("repo:") {
        let seg_text = &rest[i + 5..];
        let seg_end = seg_text
            .find([':', '\'', '"', ' ', ')'])
            .unwrap_or(seg_text.len());
        let seg = &seg_text[..seg_end];
        if let Some((o, r)) = seg.split_once('/') {
            let (on, oid) = o.split_once('@').unwrap_or((o, ""));
            let (rn, rid) = r.split_once('@').unwrap_or((r, ""));
            if out.owner.is_none() && !on.is_empty() && !is_wildcard(on) {
                out.owner = Some(on.to_string());
                if !oid.is_empty() && oid.bytes().all(|b| b.is_ascii_digit()) {
                    out.owner_id = Some(oid.to_string());
                }
            }
            if out.repository.is_none() && !rn.is_empty() && !is_wildcard(rn) && !rn.contains('.') {
                out.repository = Some(rn.to_string());
                if !rid.is_empty() && rid.bytes().all(|b| b.is_ascii_digit()) {
                    out.repository_id = Some(rid.to_string());
                }
            }
        }
        let after = &seg_text[seg_end..];
        if out.environment.is_none() {
            if let Some(e) = after.strip_prefix(":environment:") {
                let e = e.split([':', '\'', '"']).next().unwrap_or("");
                if !e.is_empty() && !is_wildcard(e) {
                    out.environment = Some(e.to_string());
                }
            }
        }
        rest = after;
    }
}

// ---------------------------------------------------------------------------------------------
// Candidate tokens.
// ---------------------------------------------------------------------------------------------

const PROBE_BRANCH: &str = "refs/heads/risk-probe";
const PROBE_AUDIENCE: &str = "https://risk-probe.invalid";
const SHA: &str = "4b825dc642cb6eb9a060e54bf8d69288fbee4904";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ctx<'a> {
    Branch(&'a str),
    Env(&'a str),
    PullRequest,
}

#[derive(Debug, Clone)]
struct Job<'a> {
    owner: &'a str,
    owner_id: &'a str,
    repo: &'a str,
    repo_id: &'a str,
    ctx: Ctx<'a>,
    immutable: bool,
    audience: Option<&'a str>,
}

impl Job<'_> {
    fn example(&self, issuer: &str, workflow: &str) -> RiskExample {
        let seg = if self.immutable {
            format!("{}@{}/{}@{}", self.owner, self.owner_id, self.repo, self.repo_id)
        } else {
            format!("{}/{}", self.owner, self.repo)
        };
        let (ctx, git_ref, event, env) = match self.ctx {
            Ctx::Branch(r) => (format!("ref:{r}"), r.to_string(), "push", None),
            Ctx::Env(e) => (
                format!("environment:{}", e.replace(':', "%3A")),
                "refs/heads/main".to_string(),
                "push",
                Some(e),
            ),
            Ctx::PullRequest => (
                "pull_request".to_string(),
                "refs/pull/1/merge".to_string(),
                "pull_request",
                None,
            ),
        };
        let full = format!("{}/{}", self.owner, self.repo);
        let wf = format!("{full}/.github/workflows/{workflow}@{git_ref}");
        let mut claims: BTreeMap<String, String> = [
            ("repository", full.clone()),
            ("repository_owner", self.owner.to_string()),
            ("repository_owner_id", self.owner_id.to_string()),
            ("repository_id", self.repo_id.to_string()),
            ("repository_visibility", "public".to_string()),
            ("ref", git_ref.clone()),
            ("ref_type", "branch".to_string()),
            ("ref_protected", "false".to_string()),
            ("sha", SHA.to_string()),
            ("event_name", event.to_string()),
            ("workflow", "deploy".to_string()),
            ("workflow_ref", wf.clone()),
            ("workflow_sha", SHA.to_string()),
            ("job_workflow_ref", wf),
            ("job_workflow_sha", SHA.to_string()),
            ("actor", "risk-probe".to_string()),
            ("actor_id", "424242".to_string()),
            ("run_id", "1".to_string()),
            ("run_number", "1".to_string()),
            ("run_attempt", "1".to_string()),
            ("runner_environment", "github-hosted".to_string()),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect();
        if let Some(e) = env {
            claims.insert("environment".into(), e.to_string());
        }
        if self.ctx == Ctx::PullRequest {
            claims.insert("head_ref".into(), "risk-probe".into());
            claims.insert("base_ref".into(), "main".into());
        }
        RiskExample {
            subject: format!("repo:{seg}:{ctx}"),
            audience: self.audience.map(str::to_string),
            issuer: issuer.to_string(),
            claims,
        }
    }
}

/// IDs no real owner or repository has here, distinct from the intended ones.
fn other_id(intended: &str, salt: u64) -> String {
    let base: u64 = intended.parse().unwrap_or(0);
    (base.wrapping_mul(7).wrapping_add(900_000_000 + salt) % 9_000_000_000 + 1).to_string()
}

// ---------------------------------------------------------------------------------------------
// The audit.
// ---------------------------------------------------------------------------------------------

/// Audits `policy` (as `provider`'s CLI prints it) for the jobs it admits outside `scope`.
pub fn audit(
    provider: PolicyProvider,
    policy: &Value,
    scope: &RiskScope,
) -> Result<RiskReport, EvaluateError> {
    let parsed = Policy::parse(provider, policy)?;
    let mut hints = Hints::default();
    walk(policy, "", &mut hints);

    // The intended scope: given, else from the policy, else placeholders.
    let (given_owner, given_repo) = match scope.repository.as_deref().map(str::trim) {
        Some(r) if r.contains('/') => {
            let (o, n) = r.split_once('/').unwrap_or((r, ""));
            (Some(o.to_string()), Some(n.to_string()))
        }
        r => (
            scope.owner.as_deref().map(str::trim).map(str::to_string),
            r.map(str::to_string),
        ),
    };
    let owner_given = given_owner.is_some() || scope.owner.is_some();
    let repo_given = given_repo.is_some();
    let owner = given_owner
        .or_else(|| hints.owner.clone())
        .unwrap_or_else(|| "octo-org".to_string());
    let same_owner = hints
        .owner
        .as_deref()
        .is_some_and(|h| h.eq_ignore_ascii_case(&owner));
    let repo = given_repo
        .or_else(|| hints.repository.clone().filter(|_| same_owner || !owner_given))
        .unwrap_or_else(|| "api".to_string());
    let owner_id = scope
        .owner_id
        .clone()
        .or_else(|| hints.owner_id.clone().filter(|_| same_owner || !owner_given))
        .unwrap_or_else(|| "1001".to_string());
    let repo_id = scope
        .repository_id
        .clone()
        .or_else(|| hints.repository_id.clone().filter(|_| same_owner || !owner_given))
        .unwrap_or_else(|| "2002".to_string());
    let env = hints
        .environment
        .clone()
        .unwrap_or_else(|| "production".to_string());
    let workflow = hints.workflow.clone().unwrap_or_else(|| "deploy.yml".to_string());
    let mut issuers = hints.issuers.clone();
    if issuers.is_empty() {
        issuers.push(STANDARD_ISSUER.to_string());
    }
    let issuer = issuers[0].clone();
    let mut audiences: Vec<Option<&str>> = vec![None];
    audiences.extend(hints.audiences.iter().map(|a| Some(a.as_str())));

    let ctxs = [
        Ctx::Env(env.as_str()),
        Ctx::Branch("refs/heads/main"),
        Ctx::PullRequest,
    ];

    let mut auditor = Auditor {
        policy: &parsed,
        issuer: &issuer,
        workflow: &workflow,
        audiences: &audiences,
        undecidable: Vec::new(),
    };

    // Candidates per kind: (owner, owner ID, repository, repository ID, contexts, forms).
    let other_owner_id = other_id(&owner_id, 1);
    let other_repo_id = other_id(&repo_id, 2);
    let lookalikes: Vec<String> = {
        let mut v = vec![
            format!("{owner}-evil"),
            format!("{owner}x"),
            format!("evil-{owner}"),
        ];
        if owner.len() > 1 {
            let mut chars: Vec<char> = owner.chars().collect();
            let last = chars.len() - 1;
            chars[last] = if chars[last] == 'x' { 'y' } else { 'x' };
            v.push(chars.into_iter().collect());
        }
        v
    };
    let stranger = "risk-probe-org";
    let mut risks: Vec<TrustRisk> = Vec::new();
    let mut found = |kind: RiskKind, hit: Option<(RiskExample, TrustResult)>| {
        if let Some((example, result)) = hit {
            // npm records no IDs: a name-based match is all npm offers, so it is not actionable.
            let severity = match (kind, provider) {
                (RiskKind::NameBasedSubject, PolicyProvider::Npm) => Severity::Low,
                _ => kind.severity(),
            };
            risks.push(TrustRisk {
                kind,
                severity,
                source: result.matched_by.clone(),
                explanation: String::new(),
                suggestion: String::new(),
                example: Some(example),
            });
        }
    };

    // AnyRepository: another owner's repository (of another name, or of the intended name).
    let mut any = None;
    for stranger_repo in ["risk-probe", repo.as_str()] {
        any = auditor.first(&ctxs, |ctx, immutable, audience| Job {
            owner: stranger,
            owner_id: &other_owner_id,
            repo: stranger_repo,
            repo_id: &other_repo_id,
            ctx,
            immutable,
            audience,
        });
        if any.is_some() {
            break;
        }
    }
    let any_found = any.is_some();
    found(RiskKind::AnyRepository, any);
    if !any_found {
        // LookAlikeOwner: an owner whose name shares the intended one's.
        let mut hit = None;
        for la in &lookalikes {
            hit = auditor.first(&ctxs, |ctx, immutable, audience| Job {
                owner: la,
                owner_id: &other_owner_id,
                repo: &repo,
                repo_id: &other_repo_id,
                ctx,
                immutable,
                audience,
            });
            if hit.is_some() {
                break;
            }
        }
        found(RiskKind::LookAlikeOwner, hit);
        // AnyRepositoryOfOwner: another repository of the same owner (same owner ID).
        if repo_given || !owner_given {
            let hit = auditor.first(&ctxs, |ctx, immutable, audience| Job {
                owner: &owner,
                owner_id: &owner_id,
                repo: "risk-probe",
                repo_id: &other_repo_id,
                ctx,
                immutable,
                audience,
            });
            found(RiskKind::AnyRepositoryOfOwner, hit);
        }
        // NameBasedSubject: the same names, new IDs (re-created or taken-over names).
        let hit = auditor.first(&ctxs, |ctx, immutable, audience| Job {
            owner: &owner,
            owner_id: &other_owner_id,
            repo: &repo,
            repo_id: &other_repo_id,
            ctx,
            immutable,
            audience,
        });
        found(RiskKind::NameBasedSubject, hit);
    }
    // AnyRef: another branch of the intended repository, without an environment.
    let hit = auditor.first(&[Ctx::Branch(PROBE_BRANCH)], |ctx, immutable, audience| Job {
        owner: &owner,
        owner_id: &owner_id,
        repo: &repo,
        repo_id: &repo_id,
        ctx,
        immutable,
        audience,
    });
    found(RiskKind::AnyRef, hit);
    // PullRequest: a pull_request run of the intended repository.
    let hit = auditor.first(&[Ctx::PullRequest], |ctx, immutable, audience| Job {
        owner: &owner,
        owner_id: &owner_id,
        repo: &repo,
        repo_id: &repo_id,
        ctx,
        immutable,
        audience,
    });
    found(RiskKind::PullRequest, hit);
    // NoAudience: a job the configuration admits, with a foreign audience.
    let probe = [Some(PROBE_AUDIENCE)];
    let mut no_aud = None;
    for (o, oid, r, rid) in [
        (owner.as_str(), owner_id.as_str(), repo.as_str(), repo_id.as_str()),
        (
            stranger,
            other_owner_id.as_str(),
            "risk-probe",
            other_repo_id.as_str(),
        ),
    ] {
        let all_ctx = [
            Ctx::Env(env.as_str()),
            Ctx::Branch("refs/heads/main"),
            Ctx::Branch(PROBE_BRANCH),
            Ctx::PullRequest,
        ];
        no_aud = auditor.first_with(&all_ctx, &probe, |ctx, immutable, audience| Job {
            owner: o,
            owner_id: oid,
            repo: r,
            repo_id: rid,
            ctx,
            immutable,
            audience,
        });
        if no_aud.is_some() {
            break;
        }
    }
    found(RiskKind::NoAudience, no_aud);

    let undecidable = std::mem::take(&mut auditor.undecidable);
    let scope_used = RiskScope {
        owner: Some(owner.clone()),
        repository: Some(repo.clone()),
        owner_id: scope
            .owner_id
            .clone()
            .or_else(|| hints.owner_id.clone().filter(|_| same_owner || !owner_given)),
        repository_id: scope
            .repository_id
            .clone()
            .or_else(|| hints.repository_id.clone().filter(|_| same_owner || !owner_given)),
    };
    let text = Texts {
        provider,
        scope: &scope_used,
        env: hints.environment.as_deref(),
        issuer: &issuer,
        audience: hints.audiences.first().map(String::as_str),
        workflow: &workflow,
    };
    for r in &mut risks {
        let (explanation, suggestion) = text.describe(r.kind, r.example.as_ref());
        r.explanation = explanation;
        r.suggestion = suggestion;
    }
    if !undecidable.is_empty() {
        let (explanation, suggestion) = text.describe(RiskKind::CannotEvaluate, None);
        risks.push(TrustRisk {
            kind: RiskKind::CannotEvaluate,
            severity: Severity::Low,
            source: undecidable.iter().find_map(|(s, _)| s.clone()),
            example: None,
            explanation: format!(
                "{explanation}: {}",
                undecidable
                    .iter()
                    .map(|(_, c)| c.as_str())
                    .collect::<Vec<_>>()
                    .join("; ")
            ),
            suggestion,
        });
    }
    risks.sort_by_key(|r| (r.severity, r.kind));
    Ok(RiskReport {
        provider,
        scope: scope_used,
        risks,
    })
}

struct Auditor<'a> {
    policy: &'a Policy,
    issuer: &'a str,
    workflow: &'a str,
    audiences: &'a [Option<&'a str>],
    /// (source, condition) of each undecidable condition met.
    undecidable: Vec<(Option<String>, String)>,
}

impl<'a> Auditor<'a> {
    /// The first candidate (over contexts, subject forms and the policy's audiences) that the
    /// policy admits.
    fn first<'j>(
        &mut self,
        ctxs: &[Ctx<'j>],
        make: impl Fn(Ctx<'j>, bool, Option<&'j str>) -> Job<'j>,
    ) -> Option<(RiskExample, TrustResult)>
    where
        'a: 'j,
    {
        let audiences = self.audiences;
        self.first_with(ctxs, audiences, make)
    }

    fn first_with<'j>(
        &mut self,
        ctxs: &[Ctx<'j>],
        audiences: &[Option<&'j str>],
        make: impl Fn(Ctx<'j>, bool, Option<&'j str>) -> Job<'j>,
    ) -> Option<(RiskExample, TrustResult)> {
        for &ctx in ctxs {
            for immutable in [true, false] {
                for &aud in audiences {
                    let example = make(ctx, immutable, aud).example(self.issuer, self.workflow);
                    let Ok(result) = self.policy.evaluate(&example.facts()) else {
                        continue;
                    };
                    if result.allowed {
                        return Some((example, result));
                    }
                    if !result.evaluable {
                        for r in &result.reasons {
                            let c = format!("{} ({})", r.condition, r.note.as_deref().unwrap_or(&r.operator));
                            if !self.undecidable.iter().any(|(_, x)| x == &c) {
                                self.undecidable.push((r.source.clone(), c));
                            }
                        }
                    }
                }
            }
        }
        None
    }
}

// ---------------------------------------------------------------------------------------------
// Explanations and suggestions, in the provider's own syntax.
// ---------------------------------------------------------------------------------------------

struct Texts<'a> {
    provider: PolicyProvider,
    scope: &'a RiskScope,
    env: Option<&'a str>,
    issuer: &'a str,
    audience: Option<&'a str>,
    workflow: &'a str,
}

impl Texts<'_> {
    /// The immutable subject the configuration should pin: the scope's IDs, or placeholders.
    fn pinned_subject(&self) -> String {
        let owner = self.scope.owner.as_deref().unwrap_or("OWNER");
        let repo = self.scope.repository.as_deref().unwrap_or("REPO");
        let oid = self.scope.owner_id.as_deref().unwrap_or("OWNER_ID");
        let rid = self.scope.repository_id.as_deref().unwrap_or("REPOSITORY_ID");
        let ctx = match self.env {
            Some(e) => format!("environment:{e}"),
            None => "ref:refs/heads/main".to_string(),
        };
        format!("repo:{owner}@{oid}/{repo}@{rid}:{ctx}")
    }

    fn provider_fix(&self) -> String {
        let sub = self.pinned_subject();
        let host = self.issuer.trim_start_matches("https://");
        match self.provider {
            PolicyProvider::Aws => format!(
                "\"Condition\": {{ \"StringEquals\": {{ \"{host}:sub\": \"{sub}\", \"{host}:aud\": \"{}\" }} }}",
                self.audience.unwrap_or(crate::trust::AWS_DEFAULT_AUDIENCE)
            ),
            PolicyProvider::Azure => format!(
                "a federated identity credential with \"subject\": \"{sub}\" and \"audiences\": [\"{}\"] (an exact \
                 subject, not a claims matching expression)",
                self.audience.unwrap_or(crate::trust::AZURE_DEFAULT_AUDIENCE)
            ),
            PolicyProvider::Gcp => format!(
                "\"attributeCondition\": \"assertion.sub == '{sub}'\" (google.subject mapped from \
                 `{}` when the subject can exceed 127 bytes)",
                crate::trust::GCP_ID_SUBJECT_MAPPING
            ),
            PolicyProvider::Vault => format!(
                "\"bound_claims_type\": \"string\", \"bound_claims\": {{ \"sub\": \"{sub}\" }}, \"bound_audiences\": \
                 [\"{}\"]",
                self.audience.map(str::to_string).unwrap_or_else(|| format!(
                    "{}/{}",
                    crate::trust::web_base_of_issuer(self.issuer),
                    self.scope.owner.as_deref().unwrap_or("OWNER")
                ))
            ),
            PolicyProvider::Npm
            | PolicyProvider::PyPI
            | PolicyProvider::Crates
            | PolicyProvider::RubyGems
            | PolicyProvider::NuGet => format!(
                "a trusted publisher for `{}/{}`, workflow `{}`, environment `{}` (a protected environment with \
                 required reviewers)",
                self.scope.owner.as_deref().unwrap_or("OWNER"),
                self.scope.repository.as_deref().unwrap_or("REPO"),
                self.workflow,
                self.env.unwrap_or("release")
            ),
        }
    }

    fn describe(&self, kind: RiskKind, example: Option<&RiskExample>) -> (String, String) {
        let who = example
            .and_then(|e| e.claims.get("repository"))
            .map(String::as_str)
            .unwrap_or("another repository");
        let owner = self.scope.owner.as_deref().unwrap_or("OWNER");
        let repo = self.scope.repository.as_deref().unwrap_or("REPO");
        let fix = self.provider_fix();
        let registry = matches!(
            self.provider,
            PolicyProvider::Npm
                | PolicyProvider::PyPI
                | PolicyProvider::Crates
                | PolicyProvider::RubyGems
                | PolicyProvider::NuGet
        );
        match kind {
            RiskKind::AnyRepository => (
                format!(
                    "a workflow in `{who}`, a repository of another owner, gets in: nothing restricts the owner or \
                     repository (no `sub` or owner/repository condition, or one that matches any owner)"
                ),
                format!("restrict the subject to the intended repository: {fix}"),
            ),
            RiskKind::LookAlikeOwner => (
                format!(
                    "a workflow in `{who}` gets in: a wildcard inside the owner admits owners whose names merely \
                     resemble `{owner}`, and anyone can create such an organization"
                ),
                format!("name the owner exactly, with its ID: {fix}"),
            ),
            RiskKind::AnyRepositoryOfOwner => (
                format!(
                    "a workflow in `{who}` gets in: every repository of `{owner}` is trusted, so anyone who can push \
                     a workflow to any of them can use this trust"
                ),
                format!("name the repository: {fix}"),
            ),
            RiskKind::NameBasedSubject => (
                format!(
                    "a workflow in a new `{owner}/{repo}` (different owner or repository ID) gets in: the match is by \
                     name, so whoever holds the name after a rename, transfer or deletion inherits this trust"
                ),
                if self.provider == PolicyProvider::Npm {
                    format!(
                        "npm matches trusted publishers by owner and repository name only and cannot pin their IDs: \
                         keep `{owner}/{repo}` from being renamed, transferred or deleted while the publisher exists, \
                         and require a protected environment: {fix}"
                    )
                } else if registry {
                    format!(
                        "record the owner's ID with the publisher (re-create it so the registry pins \
                         `repository_owner_id`): {fix}"
                    )
                } else {
                    format!("match the immutable subject (owner and repository IDs): {fix}")
                },
            ),
            RiskKind::AnyRef => (
                format!(
                    "a workflow on any branch of `{owner}/{repo}` (here `{PROBE_BRANCH}`) gets in: neither a ref nor an \
                     environment limits it, so anyone who can push a branch can use this trust"
                ),
                format!("limit it to a protected environment or one ref: {fix}"),
            ),
            RiskKind::PullRequest => (
                format!(
                    "a job triggered by a pull request in `{owner}/{repo}` gets in: it runs the code of the pull \
                     request's branch"
                ),
                format!("trust the environment or ref the deployment runs in, not `pull_request`: {fix}"),
            ),
            RiskKind::NoAudience => (
                format!(
                    "a token requested for another audience (`{PROBE_AUDIENCE}`) gets in: the audience is not \
                     checked, so a token minted for another service can be replayed here"
                ),
                format!("check the audience: {fix}"),
            ),
            RiskKind::CannotEvaluate => (
                "part of the configuration cannot be evaluated, so this audit is partial".to_string(),
                "review the unsupported conditions by hand, or test specific jobs with Test-GitHubOidcTrustPolicy"
                    .to_string(),
            ),
        }
    }
}
