//! The operations behind the exported functions: take the typed request (see
//! [`crate::contract`]), call the core, return the typed answer. No JSON is read here: serde
//! parsed the request before the operation runs.

use crate::contract::*;
use github_oidc_claims::evaluate::{evaluate, EvaluateError, PolicyProvider, TokenFacts};
use github_oidc_claims::subject::{job_claims, Job};
use github_oidc_claims::{Provider, TrustRequest};
use github_oidc_core::preview;
use github_oidc_core::properties;
use github_oidc_core::template::{self, Update};
use github_oidc_core::write::Mode;
use github_oidc_core::{discovery, keys, Context, ContextOptions, Error, Result};
use std::collections::BTreeMap;

/// The write answer: the core's outcome plus the body as text, the exact bytes sent.
fn written(w: github_oidc_core::write::Written) -> Result<WrittenAnswer> {
    let body = w.body_text()?;
    Ok(WrittenAnswer {
        method: w.method,
        url: w.url,
        body,
        sent: w.sent,
        warnings: w.warnings,
        applied: w.applied,
        result: w.result,
        issuer: w.issuer,
        state: w.state,
    })
}
/// The resolved `context` of a request (absent = github.com, no token).
/// Its secrets are redacted from the call's answer ([`crate::note_context`]).
fn ctx(context: &Option<ContextOptions>) -> Result<Context> {
    let ctx = match context {
        Some(opts) => Context::resolve(opts),
        None => Context::resolve(&ContextOptions::default()),
    }?;
    crate::note_context(&ctx);
    Ok(ctx)
}

/// An optional string that is absent when empty.
fn given(s: &Option<String>) -> Option<&str> {
    s.as_deref().filter(|s| !s.is_empty())
}

fn to_json<T: serde::Serialize>(v: &T) -> Result<serde_json::Value> {
    serde_json::to_value(v).map_err(|e| Error::Internal(e.to_string()))
}

/// `ghoidc_version`.
pub fn version(_: VersionRequest) -> Result<VersionAnswer> {
    Ok(VersionAnswer {
        version: github_oidc_core::VERSION.to_string(),
        user_agent: github_oidc_core::http::USER_AGENT.to_string(),
        api_version: github_oidc_core::http::API_VERSION.to_string(),
    })
}

/// `ghoidc_context`.
pub fn context(r: ContextRequest) -> Result<ContextAnswer> {
    let c = ctx(&r.context)?;
    let mut d = c.describe();
    // Reads the context's cache file now, so a corrupt one is said when the command starts.
    d.cache_warnings = github_oidc_core::conditional::take_warnings(&c);
    // A context with credentials is about to send requests: its HTTP client is built meanwhile.
    if !matches!(c.credentials, github_oidc_core::credentials::Credentials::None) {
        github_oidc_core::network::prepare(&c.network);
    }
    Ok(d)
}

/// `ghoidc_discover`.
pub fn discover(r: DiscoverRequest) -> Result<DiscoverAnswer> {
    let c = ctx(&r.context)?;
    Ok(discovery::discover(&c, given(&r.enterprise))?.as_ref().clone())
}

/// `ghoidc_claim_keys`: discovery's keys, or the built-in list with a warning.
pub fn claim_keys(r: ClaimKeysRequest) -> Result<ClaimKeysAnswer> {
    let c = ctx(&r.context)?;
    let enterprise = given(&r.enterprise);
    let issuer = c.issuer_for(enterprise)?;
    let builtin = || {
        let all: Vec<String> = keys::BUILTIN_CLAIMS.iter().map(|s| s.to_string()).collect();
        keys::template_keys(&all)
    };
    // Completion never waits on an issuer that failed a moment ago.
    if r.completion && discovery::cached(&issuer).is_none() && discovery::recently_failed(&issuer) {
        return Ok(ClaimKeysAnswer {
            keys: builtin(),
            source: "builtin".into(),
            issuer,
            warning: None,
        });
    }
    Ok(match discovery::discover(&c, enterprise) {
        Ok(d) => ClaimKeysAnswer {
            keys: keys::template_keys(&d.claims_supported),
            source: "discovery".into(),
            issuer,
            warning: None,
        },
        Err(e) => ClaimKeysAnswer {
            keys: builtin(),
            source: "builtin".into(),
            issuer,
            warning: Some(format!("Using the built-in claim list: discovery failed: {e}")),
        },
    })
}

/// `ghoidc_get_subject_claim`.
pub fn get_subject_claim(r: GetSubjectClaimRequest) -> Result<TemplateAnswer> {
    let c = ctx(&r.context)?;
    match given(&r.repository) {
        None => template::get_org(&c, &r.owner),
        Some(repo) => template::get_repo(&c, &r.owner, repo),
    }
}

/// `ghoidc_set_subject_claim`.
pub fn set_subject_claim(r: SetSubjectClaimRequest) -> Result<WrittenAnswer> {
    let c = ctx(&r.context)?;
    let update = Update {
        use_default: r.use_default,
        include_claim_keys: r.include_claim_keys.clone(),
        use_immutable_subject: r.use_immutable_subject,
        allow_unknown_keys: r.allow_unknown_keys,
    };
    let mode = Mode::of(r.dry_run, r.approved.as_ref());
    match given(&r.repository) {
        None => written(template::set_org(&c, &r.owner, &update, mode)?),
        Some(repo) => written(template::set_repo(&c, &r.owner, repo, &update, mode)?),
    }
}

/// The organization or enterprise of a property-inclusion request.
fn property_scope<'a>(
    owner: &'a Option<String>,
    enterprise: &'a Option<String>,
) -> Result<properties::Scope<'a>> {
    match (given(owner), given(enterprise)) {
        (Some(o), None) => Ok(properties::Scope::Organization(o)),
        (None, Some(e)) => Ok(properties::Scope::Enterprise(e)),
        _ => Err(Error::invalid(
            "Name either an organization (owner) or an enterprise (enterprise), not both.",
        )),
    }
}

/// `ghoidc_list_property_claims`.
pub fn list_property_claims(r: ListPropertyClaimsRequest) -> Result<InclusionsAnswer> {
    let c = ctx(&r.context)?;
    properties::list(&c, property_scope(&r.owner, &r.enterprise)?)
}

/// `ghoidc_add_property_claim`.
pub fn add_property_claim(r: AddPropertyClaimRequest) -> Result<WrittenAnswer> {
    let c = ctx(&r.context)?;
    written(properties::add(
        &c,
        property_scope(&r.owner, &r.enterprise)?,
        &r.name,
        Mode::of(r.dry_run, r.approved.as_ref()),
    )?)
}

/// `ghoidc_remove_property_claim`.
pub fn remove_property_claim(r: RemovePropertyClaimRequest) -> Result<WrittenAnswer> {
    let c = ctx(&r.context)?;
    written(properties::remove(
        &c,
        property_scope(&r.owner, &r.enterprise)?,
        &r.name,
        Mode::of(r.dry_run, r.approved.as_ref()),
    )?)
}

/// `ghoidc_set_enterprise_issuer`.
pub fn set_enterprise_issuer(r: SetEnterpriseIssuerRequest) -> Result<WrittenAnswer> {
    let c = ctx(&r.context)?;
    written(github_oidc_core::issuer::set_enterprise_issuer(
        &c,
        &r.enterprise,
        r.include_enterprise_slug,
        Mode::of(r.dry_run, r.approved.as_ref()),
    )?)
}

/// The job a request describes by its ref and environment (empty strings are absent).
fn job_of(
    branch: &Option<String>,
    tag: &Option<String>,
    r#ref: &Option<String>,
    pull_request: Option<u64>,
    environment: &Option<String>,
) -> Job {
    let text = |s: &Option<String>| given(s).map(str::to_string);
    Job {
        branch: text(branch),
        tag: text(tag),
        r#ref: text(r#ref),
        pull_request,
        environment: text(environment),
        event_name: None,
    }
}

/// Claims as text (GitHub issues every claim as text); absent values are dropped.
fn claim_texts(claims: Option<BTreeMap<String, Option<ClaimValue>>>) -> BTreeMap<String, String> {
    claims
        .unwrap_or_default()
        .into_iter()
        .filter_map(|(k, v)| v.map(|v| (k, v.into_text())))
        .collect()
}

/// `ghoidc_resolve_subject`: token, live or offline mode.
pub fn resolve_subject(r: ResolveSubjectRequest) -> Result<PreviewAnswer> {
    let keys = r.include_claim_keys.as_deref();
    let owner = given(&r.owner);
    let repository = given(&r.repository);
    let job = job_of(&r.branch, &r.tag, &r.r#ref, r.pull_request, &r.environment);
    let describes_job = job.branch.is_some()
        || job.tag.is_some()
        || job.r#ref.is_some()
        || job.pull_request.is_some()
        || job.environment.is_some();
    if let Some(token) = given(&r.token) {
        if owner.is_some() || repository.is_some() || describes_job || r.claims.is_some() {
            return Err(Error::invalid(
                "A token describes the job itself: use either -Token or -Owner/-Repository/-Claim, not both.",
            ));
        }
        if r.live {
            if keys.is_some() || r.use_immutable_subject {
                return Err(Error::invalid(
                    "IncludeClaimKeys and UseImmutableSubject are for the offline preview; the live comparison uses the repository's own template.",
                ));
            }
            return to_json(&preview::resolve_token_live(&ctx(&r.context)?, token)?);
        }
        return to_json(&preview::resolve_token(token, keys, r.use_immutable_subject)?);
    }
    let mut claims = claim_texts(r.claims);
    match (owner, repository) {
        (Some(o), Some(repo)) => {
            if keys.is_some() {
                return Err(Error::invalid(
                    "IncludeClaimKeys is for the offline preview; the live preview uses the repository's own template.",
                ));
            }
            job_claims(&job, &mut claims).map_err(|e| Error::invalid(format!("{e}.")))?;
            to_json(&preview::resolve_live(&ctx(&r.context)?, o, repo, &claims)?)
        }
        (None, None) => {
            if describes_job {
                job_claims(&job, &mut claims).map_err(|e| Error::invalid(format!("{e}.")))?;
            }
            to_json(&preview::resolve_offline(&claims, keys, r.use_immutable_subject)?)
        }
        _ => Err(Error::invalid(
            "The live preview needs both Owner and Repository.",
        )),
    }
}

/// `ghoidc_decode_token`: no request, no verification.
pub fn decode_token(r: DecodeTokenRequest) -> Result<DecodeTokenAnswer> {
    let d = github_oidc_claims::token::decode(&r.token)
        .map_err(|e| Error::invalid(format!("The token cannot be decoded: {e}.")))?;
    Ok(DecodeTokenAnswer {
        header: to_json(&d.header)?,
        claims: to_json(&d.claims)?,
        verified: false,
    })
}

/// `ghoidc_verify_token`.
pub fn verify_token(r: VerifyTokenRequest) -> Result<VerificationAnswer> {
    let c = ctx(&r.context)?;
    to_json(&preview::verify_token(
        &c,
        &r.token,
        given(&r.audience),
        given(&r.enterprise),
    )?)
}

/// `ghoidc_actions_token`: the runner request ([`github_oidc_core::actions`]), then the
/// verification of the answer ([`preview::verify_token`], with the requested audience).
pub fn actions_token(r: ActionsTokenRequest) -> Result<ActionsTokenAnswer> {
    use github_oidc_core::actions::{self, RunnerVariables};
    use github_oidc_core::{ExposeSecret, SecretString};
    let c = ctx(&r.context)?;
    let request_token = r.request_token.map(SecretString::from);
    let vars = RunnerVariables {
        url: r.request_url.as_deref(),
        token: request_token.as_ref(),
    };
    let audience = given(&r.audience);
    let jwt = actions::request_id_token(&c, &vars, audience)?;
    let request_url = actions::request_url(r.request_url.as_deref().unwrap_or_default(), audience)?;
    let verification = to_json(&preview::verify_token(
        &c,
        jwt.expose_secret(),
        audience,
        given(&r.enterprise),
    )?)?;
    Ok(ActionsTokenAnswer {
        verification,
        token_utf8: jwt.expose_secret().as_bytes().to_vec(),
        request_url,
    })
}

/// `ghoidc_trust_policy`: the issuer is the one given, else the context's (enterprise-scoped
/// with `enterprise`).
pub fn trust_policy(r: TrustPolicyRequest) -> Result<TrustPolicyAnswer> {
    let provider: Provider = r
        .provider
        .parse()
        .map_err(|e: github_oidc_claims::TrustError| Error::invalid(e.to_string()))?;
    let issuer = match (given(&r.issuer), given(&r.enterprise)) {
        (Some(_), Some(_)) => {
            return Err(Error::invalid(
                "Give either an issuer or an enterprise, not both.",
            ))
        }
        (Some(i), None) => i.trim_end_matches('/').to_string(),
        (None, enterprise) => ctx(&r.context)?.issuer_for(enterprise)?,
    };
    let request = TrustRequest {
        provider,
        subjects: &r.subjects,
        audience: given(&r.audience),
        issuer: &issuer,
        aws_account_id: given(&r.aws_account_id),
        name: given(&r.name),
    };
    let policy = github_oidc_claims::trust_policy(&request)
        .map_err(|e| Error::invalid(format!("Cannot build the {provider} trust policy: {e}.")))?;
    let warnings = github_oidc_claims::trust::trust_policy_warnings(&request, &policy);
    // One document per thing the provider takes: Azure creates one federated identity
    // credential per request (`az ad app federated-credential create --parameters`).
    let pretty =
        |v: &serde_json::Value| serde_json::to_string_pretty(v).map_err(|e| Error::Internal(e.to_string()));
    let documents = match (&provider, &policy) {
        (Provider::Azure, serde_json::Value::Array(items)) => {
            items.iter().map(pretty).collect::<Result<Vec<_>>>()?
        }
        _ => vec![pretty(&policy)?],
    };
    Ok(TrustPolicyAnswer {
        documents,
        issuer,
        warnings,
    })
}

/// `ghoidc_clear_cache`.
pub fn clear_cache(_: ClearCacheRequest) -> Result<EmptyAnswer> {
    discovery::clear_cache();
    github_oidc_core::conditional::clear();
    Ok(EmptyAnswer {})
}

/// `ghoidc_redact`: [`github_oidc_claims::text::redact_secrets`] on each text.
pub fn redact(r: RedactRequest) -> Result<RedactAnswer> {
    let secrets: Vec<&str> = r.secrets.iter().map(String::as_str).collect();
    Ok(RedactAnswer {
        texts: r
            .texts
            .iter()
            .map(|t| github_oidc_claims::text::redact_secrets(t, &secrets).into_owned())
            .collect(),
    })
}

/// A claim of a decoded token as text: strings as they are, numbers and booleans as GitHub
/// would print them; arrays and objects (never issued by GitHub) as compact JSON.
fn claim_text(v: &serde_json::Value) -> Option<String> {
    match v {
        serde_json::Value::Null => None,
        serde_json::Value::String(s) => Some(s.clone()),
        serde_json::Value::Number(n) => Some(n.to_string()),
        serde_json::Value::Bool(b) => Some(b.to_string()),
        other => Some(other.to_string()),
    }
}

/// The facts of one job: its token's claims (decoded, not verified), then the fields given,
/// which take precedence; the issuer falls back to `default_issuer`.
fn token_facts(index: usize, job: TrustJob, default_issuer: &str) -> Result<TokenFacts> {
    let mut facts = TokenFacts::new(String::new());
    facts.issuer = default_issuer.to_string();
    if let Some(token) = given(&job.token) {
        let decoded = github_oidc_claims::token::decode(token)
            .map_err(|e| Error::invalid(format!("jobs[{index}]: the token cannot be decoded: {e}.")))?;
        for (name, value) in &decoded.claims {
            if let Some(text) = claim_text(value) {
                facts.claims.insert(name.clone(), text);
            }
        }
        facts.all_claims = true;
        if let Some(sub) = decoded.claims.get("sub").and_then(|v| v.as_str()) {
            facts.subject = sub.to_string();
        }
        facts.audience = match decoded.claims.get("aud") {
            Some(serde_json::Value::String(a)) => Some(a.clone()),
            Some(serde_json::Value::Array(a)) => a.iter().find_map(|v| v.as_str()).map(str::to_string),
            _ => None,
        };
        if let Some(iss) = decoded.claims.get("iss").and_then(|v| v.as_str()) {
            facts.issuer = iss.to_string();
        }
    }
    if let Some(subject) = given(&job.subject) {
        facts.subject = subject.to_string();
    }
    if let Some(audience) = given(&job.audience) {
        facts.audience = Some(audience.to_string());
    }
    if let Some(issuer) = given(&job.issuer) {
        facts.issuer = issuer.trim_end_matches('/').to_string();
    }
    for (name, value) in job.claims.unwrap_or_default() {
        match value {
            Some(v) => {
                facts.claims.insert(name, v.into_text());
            }
            None => {
                facts.claims.remove(&name);
            }
        }
    }
    if facts.subject.trim().is_empty() {
        return Err(Error::invalid(format!(
            "jobs[{index}]: give a subject or a token whose `sub` is a non-empty string."
        )));
    }
    Ok(facts)
}

/// `ghoidc_test_trust_policy`: parses the policy once and evaluates every job; a malformed
/// policy or job is `InvalidArgument` naming what is wrong. Offline: the context only decides
/// the default issuer.
pub fn test_trust_policy(r: TestTrustPolicyRequest) -> Result<TestTrustPolicyAnswer> {
    let provider: PolicyProvider = r
        .provider
        .parse()
        .map_err(|e: EvaluateError| Error::invalid(format!("{e}.")))?;
    if r.jobs.is_empty() {
        return Err(Error::invalid(
            "No job was given: pass at least one subject or token.",
        ));
    }
    let default_issuer = ctx(&r.context)?.issuer_for(given(&r.enterprise))?;
    let (jobs, forms) = match r.repository {
        None => {
            let forms = vec![None; r.jobs.len()];
            (r.jobs, forms)
        }
        Some(repository) => repository_jobs(repository, r.jobs)?,
    };
    let jobs = jobs
        .into_iter()
        .enumerate()
        .map(|(i, job)| token_facts(i, job, &default_issuer))
        .collect::<Result<Vec<_>>>()?;
    let evaluation = evaluate(provider, &serde_json::Value::String(r.policy), &jobs)
        .map_err(|e| Error::invalid(format!("{}.", e.to_string().trim_end_matches('.'))))?;
    Ok(TestTrustPolicyAnswer {
        provider: evaluation.provider.to_string(),
        results: evaluation
            .results
            .into_iter()
            .zip(forms)
            .map(|(result, form)| TrustVerdict {
                form,
                ..verdict(result)
            })
            .collect(),
        warnings: evaluation.warnings,
    })
}

/// The migration view of one repository: the one job given, twice, with the subject the
/// repository's jobs get today (`Current`) and its immutable subject (`Immutable`), each with the
/// claims the subject was computed from (the repository's names and IDs, the job's ref).
fn repository_jobs(r: TrustRepository, jobs: Vec<TrustJob>) -> Result<(Vec<TrustJob>, Vec<Option<String>>)> {
    let [job]: [TrustJob; 1] = jobs.try_into().map_err(|_| {
        Error::invalid(
            "A repository's migration view tests exactly one job (its audience, issuer and claims).",
        )
    })?;
    let mut claims = claim_texts(job.claims.clone());
    claims.insert("repository".into(), format!("{}/{}", r.owner, r.repository));
    claims.insert("repository_owner".into(), r.owner.clone());
    claims.insert("repository_owner_id".into(), r.owner_id.to_string());
    claims.insert("repository_id".into(), r.repository_id.to_string());
    let ref_job = job_of(&r.branch, &r.tag, &r.r#ref, r.pull_request, &r.environment);
    job_claims(&ref_job, &mut claims).map_err(|e| Error::invalid(format!("{e}.")))?;
    let preview =
        preview::resolve_offline(&claims, r.include_claim_keys.as_deref(), r.use_immutable_subject)?;
    let subject = preview.subject;
    let mut all: BTreeMap<String, Option<ClaimValue>> = claims
        .into_iter()
        .map(|(k, v)| (k, Some(ClaimValue::Text(v))))
        .collect();
    for (k, v) in subject.used_claims {
        all.insert(k, Some(ClaimValue::Text(v)));
    }
    let immutable = subject
        .immutable_subject
        .clone()
        .unwrap_or_else(|| subject.subject.clone());
    let with = |sub: String| TrustJob {
        subject: Some(sub),
        claims: Some(all.clone()),
        ..job.clone()
    };
    Ok((
        vec![with(subject.subject), with(immutable)],
        vec![Some("Current".into()), Some("Immutable".into())],
    ))
}

/// `ghoidc_trust_risk`: [`github_oidc_claims::risk::audit`]; a malformed policy is
/// `InvalidArgument` naming what is wrong. Offline.
pub fn trust_risk(r: TrustRiskRequest) -> Result<TrustRiskAnswer> {
    let provider: PolicyProvider = r
        .provider
        .parse()
        .map_err(|e: EvaluateError| Error::invalid(format!("{e}.")))?;
    let scope = github_oidc_claims::risk::RiskScope {
        owner: given(&r.owner).map(str::to_string),
        repository: given(&r.repository).map(str::to_string),
        owner_id: given(&r.owner_id).map(str::to_string),
        repository_id: given(&r.repository_id).map(str::to_string),
    };
    let report = github_oidc_claims::risk::audit(provider, &serde_json::Value::String(r.policy), &scope)
        .map_err(|e| Error::invalid(format!("{}.", e.to_string().trim_end_matches('.'))))?;
    Ok(TrustRiskAnswer {
        provider: report.provider.to_string(),
        owner: report.scope.owner,
        repository: report.scope.repository,
        risks: report
            .risks
            .into_iter()
            .map(|x| TrustRiskItem {
                kind: x.kind.to_string(),
                severity: format!("{:?}", x.severity),
                source: x.source,
                example: x.example.map(|e| TrustRiskExample {
                    subject: e.subject,
                    audience: e.audience,
                    issuer: e.issuer,
                    claims: e.claims,
                }),
                explanation: x.explanation,
                suggestion: x.suggestion,
            })
            .collect(),
    })
}

fn verdict(t: github_oidc_claims::evaluate::TrustResult) -> TrustVerdict {
    TrustVerdict {
        form: None,
        subject: t.subject,
        audience: t.audience,
        issuer: t.issuer,
        allowed: t.allowed,
        evaluable: t.evaluable,
        matched_by: t.matched_by,
        reasons: t
            .reasons
            .into_iter()
            .map(|r| TrustReason {
                text: reason_text(&r),
                source: r.source,
                condition: r.condition,
                operator: r.operator,
                expected: r.expected,
                actual: r.actual,
                note: r.note,
            })
            .collect(),
        suggestion: t.suggestion,
        warnings: t.warnings,
    }
}

/// One line for a reason: ``Statement[0]: `KEY` StringEquals `expected` ≠ `actual` — note``.
fn reason_text(r: &github_oidc_claims::evaluate::Reason) -> String {
    let mut text = String::new();
    if let Some(source) = &r.source {
        text.push_str(source);
        text.push_str(": ");
    }
    if r.operator == "cannot evaluate" {
        text.push_str(&format!("`{}` `{}`: cannot evaluate", r.condition, r.expected));
    } else {
        text.push_str(&format!(
            "`{}` {} `{}` ≠ `{}`",
            r.condition, r.operator, r.expected, r.actual
        ));
    }
    if let Some(note) = &r.note {
        text.push_str(" — ");
        text.push_str(note);
    }
    text
}
