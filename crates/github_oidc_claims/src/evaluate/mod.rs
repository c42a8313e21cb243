//! Trust-policy evaluation: read the trust configuration a relying party already has (an AWS
//! role trust policy, Entra federated credentials, a GCP workload identity pool provider, a
//! Vault JWT role, an npm / PyPI / crates.io / RubyGems.org / NuGet.org trusted publisher) and
//! say, for each GitHub Actions job, whether its ID token would be accepted — and if not, which
//! condition fails, with the expected and the actual value, and the smallest change that admits
//! it.
//!
//! Pure and offline: nothing here makes a request.
//!
//! * [`Policy::parse`] reads the policy as the provider's CLI prints it (see [`PolicyProvider`])
//!   and fails with an [`EvaluateError`] naming what is malformed.
//! * [`Policy::evaluate`] tests one job ([`TokenFacts`]) and returns a [`TrustResult`].
//! * [`evaluate`] does both for many jobs and returns an [`Evaluation`].
//!
//! A result is three-valued: allowed, denied, or "cannot evaluate" (`evaluable == false`, for
//! a condition on a claim the caller did not give, an unsupported operator or expression).
//! A result that cannot be evaluated is never reported as allowed.
//!
//! Without an audience the provider's default is assumed — the same default
//! [`crate::trust::trust_policy`] writes (AWS `sts.amazonaws.com`, Azure
//! `api://AzureADTokenExchange`, GCP the provider's resource name, Vault
//! `https://github.com/OWNER`, npm `npm:registry.npmjs.org`, PyPI `pypi`, crates.io `crates.io`,
//! RubyGems.org `rubygems.org`, NuGet.org `https://www.nuget.org`).

mod aws;
mod azure;
mod cel;
mod gcp;
mod registry;
mod vault;

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::token::STANDARD_ISSUER;
use crate::trust::Provider;

/// The kind of trust configuration being evaluated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PolicyProvider {
    /// An IAM role (`aws iam get-role` output, with or without the `Role` wrapper) or its trust
    /// policy document.
    Aws,
    /// Entra ID federated identity credentials (`az ad app federated-credential list` output,
    /// one credential, or a Graph `{"value": [...]}` page).
    Azure,
    /// A workload identity pool OIDC provider (`gcloud iam workload-identity-pools providers
    /// describe --format=json`).
    Gcp,
    /// A Vault JWT auth role (`vault read -format=json auth/jwt/role/NAME`, with or without the
    /// `data` wrapper).
    Vault,
    /// An npm trusted publisher (owner, repository, workflow file, environment).
    Npm,
    /// A PyPI trusted publisher (`repository_owner`, `repository_name`, `workflow_filename`,
    /// `environment`, optionally `repository_owner_id`).
    #[serde(rename = "pypi")]
    PyPI,
    /// A crates.io trusted publisher (`repository_owner`, `repository_name`,
    /// `workflow_filename`, `environment`, `repository_owner_id`).
    Crates,
    /// A RubyGems.org trusted publisher (`repository_owner`, `repository_name`,
    /// `workflow_filename`, `environment`, `repository_owner_id`, and
    /// `workflow_repository_owner`/`_name` for a reusable workflow of another repository).
    #[serde(rename = "rubygems")]
    RubyGems,
    /// A NuGet.org trusted publishing policy (`owner`, `repository`, `workflow`,
    /// `environment`, and `ownerId`/`repositoryId` once used).
    #[serde(rename = "nuget")]
    NuGet,
}

impl PolicyProvider {
    /// The audience assumed when a job does not name one, when it does not depend on the job
    /// (Vault and GCP derive theirs; see the module documentation).
    pub fn default_audience(self) -> Option<&'static str> {
        match self {
            PolicyProvider::Aws => Some(crate::trust::AWS_DEFAULT_AUDIENCE),
            PolicyProvider::Azure => Some(crate::trust::AZURE_DEFAULT_AUDIENCE),
            PolicyProvider::Npm => Some(registry::NPM_AUDIENCE),
            PolicyProvider::PyPI => Some(registry::PYPI_AUDIENCE),
            PolicyProvider::Crates => Some(registry::CRATES_AUDIENCE),
            PolicyProvider::RubyGems => Some(registry::RUBYGEMS_AUDIENCE),
            PolicyProvider::NuGet => Some(registry::NUGET_AUDIENCE),
            PolicyProvider::Gcp | PolicyProvider::Vault => None,
        }
    }

    fn label(self) -> &'static str {
        match self {
            PolicyProvider::Aws => "AWS",
            PolicyProvider::Azure => "Entra ID",
            PolicyProvider::Gcp => "GCP",
            PolicyProvider::Vault => "Vault",
            PolicyProvider::Npm => "npm",
            PolicyProvider::PyPI => "PyPI",
            PolicyProvider::Crates => "crates.io",
            PolicyProvider::RubyGems => "RubyGems.org",
            PolicyProvider::NuGet => "NuGet.org",
        }
    }
}

impl fmt::Display for PolicyProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            PolicyProvider::Aws => "aws",
            PolicyProvider::Azure => "azure",
            PolicyProvider::Gcp => "gcp",
            PolicyProvider::Vault => "vault",
            PolicyProvider::Npm => "npm",
            PolicyProvider::PyPI => "pypi",
            PolicyProvider::Crates => "crates",
            PolicyProvider::RubyGems => "rubygems",
            PolicyProvider::NuGet => "nuget",
        })
    }
}

impl FromStr for PolicyProvider {
    type Err = EvaluateError;

    /// Parses `aws`, `azure` (`entra`), `gcp` (`google`), `vault`, `npm` or `pypi`
    /// (case-insensitive).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "aws" => Ok(PolicyProvider::Aws),
            "azure" | "entra" => Ok(PolicyProvider::Azure),
            "gcp" | "google" => Ok(PolicyProvider::Gcp),
            "vault" => Ok(PolicyProvider::Vault),
            "npm" => Ok(PolicyProvider::Npm),
            "pypi" => Ok(PolicyProvider::PyPI),
            "crates" | "crates.io" | "cratesio" => Ok(PolicyProvider::Crates),
            "rubygems" | "rubygems.org" => Ok(PolicyProvider::RubyGems),
            "nuget" | "nuget.org" => Ok(PolicyProvider::NuGet),
            _ => Err(EvaluateError::UnknownProvider(s.to_string())),
        }
    }
}

impl From<Provider> for PolicyProvider {
    fn from(p: Provider) -> Self {
        match p {
            Provider::Aws => PolicyProvider::Aws,
            Provider::Azure => PolicyProvider::Azure,
            Provider::Gcp => PolicyProvider::Gcp,
            Provider::Vault => PolicyProvider::Vault,
        }
    }
}

fn standard_issuer() -> String {
    STANDARD_ISSUER.to_string()
}

/// What is known about one job's ID token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenFacts {
    /// The `sub` claim.
    pub subject: String,
    /// The `aud` claim; `None` assumes the provider's default audience.
    #[serde(default)]
    pub audience: Option<String>,
    /// The `iss` claim (default `https://token.actions.githubusercontent.com`).
    #[serde(default = "standard_issuer")]
    pub issuer: String,
    /// Other claims (`repository`, `job_workflow_ref`, `repository_id`, …), all strings as
    /// GitHub issues them. Claims that the subject itself shows (the `repo` segment, and
    /// `key:value` segments such as `environment:prod`) are derived when not given.
    #[serde(default)]
    pub claims: BTreeMap<String, String>,
    /// `claims` holds every claim of the token (it came from a real token): a claim that is not
    /// there is absent from the token, not unknown.
    #[serde(default)]
    pub all_claims: bool,
}

impl TokenFacts {
    /// Facts for `subject` with the default audience, the github.com issuer and no other claims.
    pub fn new(subject: impl Into<String>) -> Self {
        TokenFacts {
            subject: subject.into(),
            audience: None,
            issuer: standard_issuer(),
            claims: BTreeMap::new(),
            all_claims: false,
        }
    }
}

/// One failing (or undecidable) condition.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reason {
    /// Where the condition lives: `Statement[0] (Sid GitHub)`, `credential prod`, …
    #[serde(default)]
    pub source: Option<String>,
    /// The condition: a condition key, `issuer`, `subject`, `audiences`, a CEL expression, …
    pub condition: String,
    /// The operator (`StringEquals`, `==`, `matches`, `cannot evaluate`, …).
    pub operator: String,
    /// What the policy expects.
    pub expected: String,
    /// What the job's token has (`(absent)` / `(unknown)` when missing).
    pub actual: String,
    /// Why they differ, when that is recognisable (immutable subjects, letter case, a
    /// renamed or transferred repository, an enterprise-scoped issuer, …).
    #[serde(default)]
    pub note: Option<String>,
    /// The change that would satisfy this condition (folded into the result's suggestion).
    #[serde(skip)]
    pub(crate) fix: Option<String>,
}

impl Reason {
    pub(crate) fn new(
        condition: impl Into<String>,
        operator: impl Into<String>,
        expected: impl Into<String>,
        actual: impl Into<String>,
    ) -> Self {
        Reason {
            source: None,
            condition: condition.into(),
            operator: operator.into(),
            expected: expected.into(),
            actual: actual.into(),
            note: None,
            fix: None,
        }
    }

    pub(crate) fn note(mut self, note: Option<String>) -> Self {
        if note.is_some() {
            self.note = note;
        }
        self
    }

    pub(crate) fn fix(mut self, fix: impl Into<String>) -> Self {
        self.fix = Some(fix.into());
        self
    }

    pub(crate) fn at(mut self, source: &str) -> Self {
        if self.source.is_none() {
            self.source = Some(source.to_string());
        }
        self
    }

    /// A reason that a claim the caller did not give is needed.
    pub(crate) fn needs_claim(
        condition: impl Into<String>,
        operator: impl Into<String>,
        expected: impl Into<String>,
        claim: &str,
    ) -> Self {
        Reason::new(condition, operator, expected, UNKNOWN)
            .note(Some(format!(
                "the `{claim}` claim was not given: pass it (or a token) to evaluate this condition"
            )))
            .fix(format!("pass the `{claim}` claim (or the job's token)"))
    }
}

/// The verdict for one job.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TrustResult {
    /// The job's `sub`.
    pub subject: String,
    /// The audience evaluated (the given one, or the provider default that was assumed).
    pub audience: Option<String>,
    /// The issuer evaluated.
    pub issuer: String,
    /// The token would be accepted. Never true when `evaluable` is false.
    pub allowed: bool,
    /// False when the policy cannot be decided for this job ("cannot evaluate"): `reasons`
    /// say which claim to pass or which construct is unsupported.
    pub evaluable: bool,
    /// What admits the job (statement, credential, condition), when allowed.
    pub matched_by: Option<String>,
    /// For a denial, each failing condition; for "cannot evaluate", each undecidable one.
    pub reasons: Vec<Reason>,
    /// The smallest change that admits the job, when one can be named.
    pub suggestion: Option<String>,
    /// Things worth knowing that do not decide the result.
    pub warnings: Vec<String>,
}

/// Results for many jobs against one policy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Evaluation {
    /// The provider evaluated.
    pub provider: PolicyProvider,
    /// One result per job, in input order.
    pub results: Vec<TrustResult>,
    /// Warnings about the policy itself (not about one job), e.g. Entra's credential limit.
    pub warnings: Vec<String>,
}

/// Why a policy cannot be evaluated at all.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EvaluateError {
    /// The policy is not what the provider's CLI prints.
    #[error("malformed {provider} policy: {what}")]
    Malformed {
        /// The provider.
        provider: PolicyProvider,
        /// What is wrong, naming the field.
        what: String,
    },
    /// The policy text is not JSON.
    #[error("the {provider} policy is not valid JSON: {message}")]
    InvalidJson {
        /// The provider.
        provider: PolicyProvider,
        /// The parser's message.
        message: String,
    },
    /// A job's subject is empty.
    #[error("the subject must not be empty")]
    EmptySubject,
    /// Unknown provider name.
    #[error(
        "unknown provider `{0}` (expected aws, azure, gcp, vault, npm, pypi, crates, rubygems or nuget)"
    )]
    UnknownProvider(String),
}

pub(crate) fn malformed(provider: PolicyProvider, what: impl Into<String>) -> EvaluateError {
    EvaluateError::Malformed {
        provider,
        what: what.into(),
    }
}

/// A parsed policy, ready to evaluate any number of jobs.
#[derive(Debug, Clone)]
pub struct Policy {
    provider: PolicyProvider,
    kind: Kind,
    warnings: Vec<String>,
}

#[derive(Debug, Clone)]
enum Kind {
    Aws(aws::AwsPolicy),
    Azure(azure::AzurePolicy),
    Gcp(gcp::GcpPolicy),
    Vault(vault::VaultRole),
    Registry(registry::Publishers),
}

impl Policy {
    /// Parses `policy` as `provider`'s CLI prints it. A JSON string value is parsed as JSON
    /// text (URL-decoded first when it is URL-encoded, as `aws iam get-role` may print it).
    pub fn parse(provider: PolicyProvider, policy: &Value) -> Result<Policy, EvaluateError> {
        let owned;
        let policy = match policy {
            Value::String(s) => {
                owned = parse_json_text(provider, s)?;
                &owned
            }
            v => v,
        };
        let mut warnings = Vec::new();
        let kind = match provider {
            PolicyProvider::Aws => Kind::Aws(aws::AwsPolicy::parse(policy, &mut warnings)?),
            PolicyProvider::Azure => Kind::Azure(azure::AzurePolicy::parse(policy, &mut warnings)?),
            PolicyProvider::Gcp => Kind::Gcp(gcp::GcpPolicy::parse(policy, &mut warnings)?),
            PolicyProvider::Vault => Kind::Vault(vault::VaultRole::parse(policy, &mut warnings)?),
            PolicyProvider::Npm
            | PolicyProvider::PyPI
            | PolicyProvider::Crates
            | PolicyProvider::RubyGems
            | PolicyProvider::NuGet => {
                Kind::Registry(registry::Publishers::parse(provider, policy, &mut warnings)?)
            }
        };
        Ok(Policy {
            provider,
            kind,
            warnings,
        })
    }

    /// Parses JSON text (see [`Policy::parse`]).
    pub fn parse_text(provider: PolicyProvider, text: &str) -> Result<Policy, EvaluateError> {
        let v = parse_json_text(provider, text)?;
        Policy::parse(provider, &v)
    }

    /// The provider this policy is for.
    pub fn provider(&self) -> PolicyProvider {
        self.provider
    }

    /// Warnings about the policy itself.
    pub fn warnings(&self) -> &[String] {
        &self.warnings
    }

    /// Evaluates one job.
    pub fn evaluate(&self, job: &TokenFacts) -> Result<TrustResult, EvaluateError> {
        if job.subject.trim().is_empty() {
            return Err(EvaluateError::EmptySubject);
        }
        let facts = Facts::new(self.provider, job);
        let mut out = match &self.kind {
            Kind::Aws(p) => p.evaluate(&facts),
            Kind::Azure(p) => p.evaluate(&facts),
            Kind::Gcp(p) => p.evaluate(&facts),
            Kind::Vault(p) => p.evaluate(&facts),
            Kind::Registry(p) => p.evaluate(&facts),
        };
        if facts.audience_assumed {
            if let Some(a) = &facts.audience {
                out.warnings.push(format!(
                    "no audience given: assumed {}'s default `{a}`",
                    self.provider.label()
                ));
            }
        }
        Ok(out.into_result(&facts))
    }
}

/// One evaluation request as it crosses the ABI: the provider, the policy (a JSON value or
/// JSON text) and the jobs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EvaluateRequest {
    /// The provider.
    pub provider: PolicyProvider,
    /// The policy as the provider's CLI prints it.
    pub policy: Value,
    /// One entry per job to test.
    pub jobs: Vec<TokenFacts>,
}

impl EvaluateRequest {
    /// Runs [`evaluate`] on this request.
    pub fn run(&self) -> Result<Evaluation, EvaluateError> {
        evaluate(self.provider, &self.policy, &self.jobs)
    }
}

/// Parses `policy` and evaluates every job in `jobs`.
pub fn evaluate(
    provider: PolicyProvider,
    policy: &Value,
    jobs: &[TokenFacts],
) -> Result<Evaluation, EvaluateError> {
    let policy = Policy::parse(provider, policy)?;
    let results = jobs
        .iter()
        .map(|j| policy.evaluate(j))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Evaluation {
        provider,
        results,
        warnings: policy.warnings,
    })
}

fn parse_json_text(provider: PolicyProvider, text: &str) -> Result<Value, EvaluateError> {
    let t = text.trim();
    match serde_json::from_str::<Value>(t) {
        Ok(v) => Ok(v),
        Err(e) => {
            if t.starts_with('%') || t.contains("%7B") || t.contains("%22") {
                for plus_is_space in [false, true] {
                    let decoded = url_decode(t, plus_is_space);
                    if let Ok(v) = serde_json::from_str::<Value>(decoded.trim()) {
                        return Ok(v);
                    }
                }
            }
            Err(EvaluateError::InvalidJson {
                provider,
                message: e.to_string(),
            })
        }
    }
}

/// Decodes `%XX` escapes (and, for form encoding, `+` as a space).
pub(crate) fn url_decode(s: &str, plus_is_space: bool) -> String {
    let plus = if plus_is_space {
        s.replace('+', " ")
    } else {
        s.to_string()
    };
    percent_encoding::percent_decode_str(&plus)
        .decode_utf8_lossy()
        .into_owned()
}

// ---------------------------------------------------------------------------------------------
// Shared evaluation machinery.
// ---------------------------------------------------------------------------------------------

pub(crate) const UNKNOWN: &str = "(unknown)";
pub(crate) const ABSENT: &str = "(absent)";

/// Three-valued logic (Kleene): yes, no, cannot tell.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Tri {
    Yes,
    No,
    Unknown,
}

impl Tri {
    pub(crate) fn and(self, o: Tri) -> Tri {
        match (self, o) {
            (Tri::No, _) | (_, Tri::No) => Tri::No,
            (Tri::Yes, Tri::Yes) => Tri::Yes,
            _ => Tri::Unknown,
        }
    }
    pub(crate) fn or(self, o: Tri) -> Tri {
        match (self, o) {
            (Tri::Yes, _) | (_, Tri::Yes) => Tri::Yes,
            (Tri::No, Tri::No) => Tri::No,
            _ => Tri::Unknown,
        }
    }
}

/// A checked condition: its value and, unless it holds, why not.
#[derive(Debug, Clone)]
pub(crate) struct Check {
    pub(crate) tri: Tri,
    pub(crate) reasons: Vec<Reason>,
}

impl Check {
    pub(crate) fn yes() -> Check {
        Check {
            tri: Tri::Yes,
            reasons: Vec::new(),
        }
    }
    pub(crate) fn no(r: Reason) -> Check {
        Check {
            tri: Tri::No,
            reasons: vec![r],
        }
    }
    pub(crate) fn unknown(r: Reason) -> Check {
        Check {
            tri: Tri::Unknown,
            reasons: vec![r],
        }
    }
    /// Conjunction: keeps the reasons that decide the result.
    pub(crate) fn and(self, o: Check) -> Check {
        let tri = self.tri.and(o.tri);
        let mut reasons = Vec::new();
        for c in [self, o] {
            if c.tri == tri {
                reasons.extend(c.reasons);
            }
        }
        Check { tri, reasons }
    }
    pub(crate) fn all(checks: impl IntoIterator<Item = Check>) -> Check {
        checks.into_iter().fold(Check::yes(), Check::and)
    }
    /// How many conditions fail (for picking the closest candidate).
    pub(crate) fn failures(&self) -> usize {
        self.reasons.len()
    }
    pub(crate) fn at(mut self, source: &str) -> Check {
        self.reasons = self.reasons.into_iter().map(|r| r.at(source)).collect();
        self
    }
}

/// A provider's verdict before the common fields are filled in.
#[derive(Debug, Default)]
pub(crate) struct Outcome {
    pub(crate) allowed: bool,
    pub(crate) evaluable: bool,
    pub(crate) matched_by: Option<String>,
    pub(crate) reasons: Vec<Reason>,
    pub(crate) suggestion: Option<String>,
    pub(crate) warnings: Vec<String>,
}

impl Outcome {
    pub(crate) fn allowed(matched_by: String) -> Outcome {
        Outcome {
            allowed: true,
            evaluable: true,
            matched_by: Some(matched_by),
            ..Outcome::default()
        }
    }

    /// Denied or undecidable (from `tri`), with reasons; the suggestion joins their fixes.
    pub(crate) fn not_allowed(tri: Tri, reasons: Vec<Reason>) -> Outcome {
        debug_assert!(tri != Tri::Yes);
        let mut fixes: Vec<String> = Vec::new();
        for f in reasons.iter().filter_map(|r| r.fix.clone()) {
            if !fixes.contains(&f) {
                fixes.push(f);
            }
        }
        Outcome {
            allowed: false,
            evaluable: tri == Tri::No,
            matched_by: None,
            reasons,
            suggestion: (!fixes.is_empty()).then(|| fixes.join("; ")),
            warnings: Vec::new(),
        }
    }

    fn into_result(self, facts: &Facts) -> TrustResult {
        let mut warnings = self.warnings;
        warnings.dedup();
        TrustResult {
            subject: facts.subject.to_string(),
            audience: facts.audience.clone(),
            issuer: facts.issuer.to_string(),
            allowed: self.allowed && self.evaluable,
            evaluable: self.evaluable,
            matched_by: if self.allowed { self.matched_by } else { None },
            reasons: self.reasons,
            suggestion: self.suggestion,
            warnings,
        }
    }
}

/// Picks the verdict from candidates (statements, credentials, publishers): allowed when one
/// holds; otherwise undecidable when one is; otherwise denied, explained by the closest
/// candidates (the fewest failing conditions).
pub(crate) fn best_of(candidates: Vec<(String, Check)>) -> Outcome {
    if let Some((label, _)) = candidates.iter().find(|(_, c)| c.tri == Tri::Yes) {
        return Outcome::allowed(label.clone());
    }
    let tri = if candidates.iter().any(|(_, c)| c.tri == Tri::Unknown) {
        Tri::Unknown
    } else {
        Tri::No
    };
    let pool: Vec<&(String, Check)> = candidates.iter().filter(|(_, c)| c.tri == tri).collect();
    let min = pool.iter().map(|(_, c)| c.failures()).min().unwrap_or(0);
    let closest: Vec<&(String, Check)> = pool.into_iter().filter(|(_, c)| c.failures() == min).collect();
    // Among equally close candidates, the ones whose expected values are nearest the actual ones
    // (edit distance), so twenty credentials do not give twenty reasons.
    let distance = |c: &Check| -> usize {
        c.reasons
            .iter()
            .map(|r| strsim::levenshtein(&r.expected, &r.actual))
            .sum()
    };
    let best = closest.iter().map(|(_, c)| distance(c)).min().unwrap_or(0);
    let reasons = closest
        .into_iter()
        .filter(|(_, c)| distance(c) == best)
        .flat_map(|(_, c)| c.reasons.clone())
        .collect();
    Outcome::not_allowed(tri, reasons)
}

/// A claim's value for one job.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Lookup {
    Value(String),
    Absent,
    Unknown,
}

/// One job, with defaults applied and claims derived from the subject.
#[derive(Debug, Clone)]
pub(crate) struct Facts<'a> {
    pub(crate) subject: &'a str,
    /// `None` only when no default can be derived (Vault without an owner, GCP).
    pub(crate) audience: Option<String>,
    pub(crate) audience_assumed: bool,
    /// Without a trailing `/`.
    pub(crate) issuer: String,
    claims: BTreeMap<String, String>,
    absent: Vec<String>,
    all_claims: bool,
}

impl<'a> Facts<'a> {
    pub(crate) fn new(provider: PolicyProvider, job: &'a TokenFacts) -> Facts<'a> {
        let issuer = job.issuer.trim().trim_end_matches('/').to_string();
        let (derived, absent) = derive_claims(&job.subject);
        let mut claims = derived;
        for (k, v) in &job.claims {
            claims.insert(k.clone(), v.clone());
        }
        let audience_given = job.audience.as_deref().map(str::trim).filter(|a| !a.is_empty());
        let (audience, assumed) = match audience_given {
            Some(a) => (Some(a.to_string()), false),
            None => {
                let d = match provider {
                    PolicyProvider::Vault => {
                        let owner = crate::trust::owner_of_subject(&job.subject)
                            .or_else(|| claims.get("repository_owner").cloned());
                        owner.map(|o| format!("{}/{o}", crate::trust::web_base_of_issuer(&issuer)))
                    }
                    p => p.default_audience().map(str::to_string),
                };
                (d, true)
            }
        };
        Facts {
            subject: job.subject.as_str(),
            audience,
            audience_assumed: assumed,
            issuer,
            claims,
            absent,
            all_claims: job.all_claims,
        }
    }

    /// The issuer without `https://` (the IAM OIDC provider URL / condition-key prefix).
    pub(crate) fn issuer_host_path(&self) -> &str {
        self.issuer.strip_prefix("https://").unwrap_or(&self.issuer)
    }

    /// A claim by name: `sub`, `aud` and `iss` from the job, others from the claims.
    pub(crate) fn claim(&self, name: &str) -> Lookup {
        match name {
            "sub" => Lookup::Value(self.subject.to_string()),
            "iss" => Lookup::Value(self.issuer.clone()),
            "aud" => match &self.audience {
                Some(a) => Lookup::Value(a.clone()),
                None => Lookup::Unknown,
            },
            _ => match self.claims.get(name) {
                Some(v) => Lookup::Value(v.clone()),
                None if self.all_claims || self.absent.iter().any(|a| a == name) => Lookup::Absent,
                None => Lookup::Unknown,
            },
        }
    }

    /// The enterprise slug of an enterprise-scoped github.com issuer.
    pub(crate) fn enterprise_slug(&self) -> Option<String> {
        crate::token::enterprise_slug_of_issuer(&self.issuer, STANDARD_ISSUER)
    }
}

/// Claims that the subject shows: the `repo` segment gives `repository`, `repository_owner`
/// (and the IDs in the immutable form); `key:value` segments give that claim (with `%3A`
/// unescaped). Returns the derived claims and the claims known to be absent (`environment`
/// when the context is `pull_request`).
pub(crate) fn derive_claims(subject: &str) -> (BTreeMap<String, String>, Vec<String>) {
    let mut out = BTreeMap::new();
    let mut absent = Vec::new();
    if crate::trust::is_wildcard(subject) {
        return (out, absent);
    }
    let parts: Vec<&str> = subject.split(':').collect();
    let mut i = 0;
    while i < parts.len() {
        let key = parts[i];
        if key == "pull_request" {
            // Only the `context` key renders a bare `pull_request`, and only for a job without an
            // environment. (A `ref:` context is not conclusive: a `["repo", "ref"]` template
            // renders the same text for a job with an environment.)
            absent.push("environment".to_string());
            i += 1;
            continue;
        }
        let Some(value) = parts.get(i + 1) else { break };
        if key == "repo" && i == 0 {
            if let Some(r) = RepoSegment::parse(value) {
                out.insert("repository".into(), format!("{}/{}", r.owner, r.repo));
                out.insert("repository_owner".into(), r.owner.to_string());
                if let Some(id) = r.owner_id {
                    out.insert("repository_owner_id".into(), id.to_string());
                }
                if let Some(id) = r.repo_id {
                    out.insert("repository_id".into(), id.to_string());
                }
            }
        } else if !key.is_empty() && key.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') {
            out.entry(key.to_string())
                .or_insert_with(|| value.replace("%3A", ":"));
        }
        i += 2;
    }
    (out, absent)
}

/// The `OWNER[@ID]/REPO[@ID]` part of a `repo:` subject.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct RepoSegment<'a> {
    pub(crate) owner: &'a str,
    pub(crate) owner_id: Option<&'a str>,
    pub(crate) repo: &'a str,
    pub(crate) repo_id: Option<&'a str>,
}

impl<'a> RepoSegment<'a> {
    pub(crate) fn parse(seg: &'a str) -> Option<RepoSegment<'a>> {
        let (o, r) = seg.split_once('/')?;
        let split = |s: &'a str| match s.split_once('@') {
            Some((n, id)) => (n, Some(id)),
            None => (s, None),
        };
        let (owner, owner_id) = split(o);
        let (repo, repo_id) = split(r);
        (!owner.is_empty() && !repo.is_empty()).then_some(RepoSegment {
            owner,
            owner_id,
            repo,
            repo_id,
        })
    }

    pub(crate) fn immutable(&self) -> bool {
        self.owner_id.is_some() || self.repo_id.is_some()
    }
}

/// Splits `repo:SEGMENT[:rest]` into the segment and the rest (with its leading `:`).
pub(crate) fn split_subject(s: &str) -> Option<(RepoSegment<'_>, &str)> {
    let body = s.strip_prefix("repo:")?;
    let (seg, rest) = match body.find(':') {
        Some(i) => (&body[..i], &body[i..]),
        None => (body, ""),
    };
    Some((RepoSegment::parse(seg)?, rest))
}

/// The subject (or pattern) with the `repo` segment in the name-based form.
pub(crate) fn strip_ids(s: &str) -> Option<String> {
    let (seg, rest) = split_subject(s)?;
    seg.immutable()
        .then(|| format!("repo:{}/{}{rest}", seg.owner, seg.repo))
}

/// Explains why `actual` does not satisfy `expected` (a value or pattern tested with
/// `matches`) when the reason is recognisable: immutable vs name-based subjects, a renamed or
/// transferred repository, a re-created one, or a difference in letter case.
pub(crate) fn subject_note(
    provider: PolicyProvider,
    expected: &str,
    actual: &str,
    matches: &dyn Fn(&str, &str) -> bool,
) -> Option<String> {
    let a = split_subject(actual);
    let e = split_subject(expected);
    if let Some(legacy) = strip_ids(actual) {
        if matches(expected, &legacy) {
            return Some(format!(
                "the repository uses immutable subjects (`repo:OWNER@ID/REPO@ID`): this job's subject is \
                 `{actual}`, the policy expects the name-based form; trust the immutable subject as well"
            ));
        }
    }
    if a.as_ref().is_some_and(|(s, _)| !s.immutable()) {
        if let Some(e_legacy) = strip_ids(expected) {
            if matches(&e_legacy, actual) {
                return Some(
                    "the policy expects the immutable subject form (`repo:OWNER@ID/REPO@ID`) but this job's \
                     subject is name-based: the repository has not opted in to immutable subjects (or runs on \
                     GitHub Enterprise Server)"
                        .to_string(),
                );
            }
        }
    }
    if let (Some((as_, _)), Some((es, _))) = (&a, &e) {
        if as_.immutable() && es.immutable() && !crate::trust::is_wildcard(expected) {
            let ids_equal = as_.owner_id == es.owner_id && as_.repo_id == es.repo_id;
            let names_equal =
                as_.owner.eq_ignore_ascii_case(es.owner) && as_.repo.eq_ignore_ascii_case(es.repo);
            if ids_equal && !names_equal {
                return Some(format!(
                    "same owner and repository IDs but different names (`{}/{}` now, `{}/{}` in the policy): the \
                     repository or its owner was renamed or transferred — immutable subjects still carry the \
                     current names",
                    as_.owner, as_.repo, es.owner, es.repo
                ));
            }
            if names_equal && !ids_equal {
                return Some(format!(
                    "same names but different IDs: `{}/{}` was deleted and re-created (or transferred to a \
                     different owner account), so its immutable subject changed",
                    as_.owner, as_.repo
                ));
            }
        }
    }
    let lower = |s: &str| s.to_lowercase();
    let case_only = matches(&lower(expected), &lower(actual))
        || strip_ids(actual).is_some_and(|l| matches(&lower(expected), &lower(&l)));
    if case_only {
        return Some(format!(
            "the values differ only in letter case; {} compares them case-sensitively (GitHub uses the \
             current capitalisation of the owner and repository names)",
            provider.label()
        ));
    }
    None
}

/// A note for an issuer mismatch: enterprise-scoped vs standard github.com issuer.
pub(crate) fn issuer_note(expected: &str, actual: &str) -> Option<String> {
    let e = expected.trim_end_matches('/');
    let a = actual.trim_end_matches('/');
    let e_slug = crate::token::enterprise_slug_of_issuer(e, STANDARD_ISSUER);
    let a_slug = crate::token::enterprise_slug_of_issuer(a, STANDARD_ISSUER);
    match (e_slug, a_slug) {
        (None, Some(slug)) if e == STANDARD_ISSUER => Some(format!(
            "the token comes from the enterprise-scoped issuer of `{slug}` (the enterprise's issuer policy \
             has include_enterprise_slug on); the policy trusts the standard issuer"
        )),
        (Some(slug), None) if a == STANDARD_ISSUER => Some(format!(
            "the policy trusts the enterprise-scoped issuer of `{slug}` but the token comes from the standard \
             issuer: the enterprise's issuer policy is off, or the repository is not in that enterprise"
        )),
        (Some(es), Some(asl)) if es != asl => Some(format!(
            "the policy trusts enterprise `{es}`'s issuer; the token comes from enterprise `{asl}`'s"
        )),
        _ if expected != actual && e == a => Some("the issuers differ only by a trailing `/`".to_string()),
        _ if e.eq_ignore_ascii_case(a) => Some("the issuers differ only in letter case".to_string()),
        _ => None,
    }
}

/// Glob matching with `*` (any run of characters) and, when `question` is set, `?` (one
/// character). Everything else is literal.
pub(crate) fn glob_match(pattern: &str, text: &str, question: bool) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let t: Vec<char> = text.chars().collect();
    let (mut pi, mut ti) = (0usize, 0usize);
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        let single = pi < p.len() && p[pi] != '*' && ((question && p[pi] == '?') || p[pi] == t[ti]);
        if single {
            pi += 1;
            ti += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some((pi, ti));
            pi += 1;
        } else if let Some((sp, st)) = star {
            pi = sp + 1;
            ti = st + 1;
            star = Some((sp, st + 1));
        } else {
            return false;
        }
    }
    while pi < p.len() && p[pi] == '*' {
        pi += 1;
    }
    pi == p.len()
}

/// `a, b` for a list; the value alone for one.
pub(crate) fn list(values: &[String]) -> String {
    match values {
        [one] => one.clone(),
        many => format!("[{}]", many.join(", ")),
    }
}

/// Converts a JSON scalar or array of scalars to strings (policy values).
pub(crate) fn strings(v: &Value) -> Option<Vec<String>> {
    match v {
        Value::Array(a) => a.iter().map(scalar).collect(),
        other => scalar(other).map(|s| vec![s]),
    }
}

pub(crate) fn scalar(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn glob() {
        assert!(glob_match("repo:o/*", "repo:o/r:ref:refs/heads/main", true));
        assert!(glob_match("a?c", "abc", true));
        assert!(!glob_match("a?c", "abc", false));
        assert!(glob_match("a?c", "a?c", false));
        assert!(glob_match("*", "", true));
        assert!(glob_match("*x*y", "axbxy", true));
        assert!(!glob_match("*x*y", "axbxyz", true));
        assert!(!glob_match("abc", "ab", true));
        assert!(glob_match("", "", true));
        assert!(!glob_match("", "a", true));
    }

    #[test]
    fn derives_claims_from_subject() {
        let (c, absent) = derive_claims("repo:octo@1/api@2:environment:prod%3Aeu");
        assert_eq!(c["repository"], "octo/api");
        assert_eq!(c["repository_owner"], "octo");
        assert_eq!(c["repository_owner_id"], "1");
        assert_eq!(c["repository_id"], "2");
        assert_eq!(c["environment"], "prod:eu");
        assert!(absent.is_empty());
        let (c, absent) = derive_claims("repo:o/r:ref:refs/heads/main");
        assert_eq!(c["ref"], "refs/heads/main");
        assert!(
            absent.is_empty(),
            "a ref context does not prove there is no environment"
        );
        let (_, absent) = derive_claims("repo:o/r:pull_request");
        assert_eq!(absent, vec!["environment".to_string()]);
        let (c, _) = derive_claims(
            "repo:o/r:environment:e:job_workflow_ref:o/w/.github/workflows/x.yml@refs/heads/main",
        );
        assert_eq!(
            c["job_workflow_ref"],
            "o/w/.github/workflows/x.yml@refs/heads/main"
        );
        assert!(derive_claims("repo:o/*").0.is_empty());
    }

    #[test]
    fn notes() {
        let eq = |a: &str, b: &str| a == b;
        let n = subject_note(
            PolicyProvider::Aws,
            "repo:o/r:ref:refs/heads/main",
            "repo:o@1/r@2:ref:refs/heads/main",
            &eq,
        );
        assert!(n.unwrap().contains("immutable subjects"));
        let n = subject_note(
            PolicyProvider::Aws,
            "repo:o@1/r@2:ref:refs/heads/main",
            "repo:o/r:ref:refs/heads/main",
            &eq,
        );
        assert!(n.unwrap().contains("not opted in"));
        let n = subject_note(
            PolicyProvider::Aws,
            "repo:o@1/old@2:ref:refs/heads/main",
            "repo:o@1/new@2:ref:refs/heads/main",
            &eq,
        );
        assert!(n.unwrap().contains("renamed or transferred"));
        let n = subject_note(
            PolicyProvider::Aws,
            "repo:o@1/r@2:pull_request",
            "repo:o@1/r@3:pull_request",
            &eq,
        );
        assert!(n.unwrap().contains("re-created"));
        let n = subject_note(
            PolicyProvider::Azure,
            "repo:Octo/R:pull_request",
            "repo:octo/r:pull_request",
            &eq,
        );
        assert!(n.unwrap().contains("letter case"));
        assert_eq!(
            subject_note(
                PolicyProvider::Aws,
                "repo:a/b:pull_request",
                "repo:c/d:pull_request",
                &eq
            ),
            None
        );
        let like = |p: &str, t: &str| glob_match(p, t, true);
        let n = subject_note(
            PolicyProvider::Aws,
            "repo:o/r:*",
            "repo:o@1/r@2:ref:refs/heads/x",
            &like,
        );
        assert!(n.unwrap().contains("immutable"));
    }

    #[test]
    fn provider_names() {
        assert_eq!("PyPI".parse::<PolicyProvider>().unwrap(), PolicyProvider::PyPI);
        assert_eq!(serde_json::to_value(PolicyProvider::PyPI).unwrap(), "pypi");
        assert!("x".parse::<PolicyProvider>().is_err());
        assert_eq!(PolicyProvider::from(Provider::Gcp), PolicyProvider::Gcp);
    }

    #[test]
    fn url_decoding() {
        assert_eq!(url_decode("%7B%22a%22%3A+1%7D", true), "{\"a\": 1}");
        assert_eq!(url_decode("%7B%22a%22%3A%201%7D", false), "{\"a\": 1}");
    }
}
