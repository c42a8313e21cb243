//! Who else gets in: a table of configurations per provider with the risks each must and must
//! not report. Every Example is checked with the evaluator `Test-GitHubOidcTrustPolicy` uses
//! (it must be admitted), and with a scope given, repository-level Examples lie outside it.

use github_oidc_claims::evaluate::{Policy, PolicyProvider};
use github_oidc_claims::risk::{audit, RiskKind, RiskReport, RiskScope, Severity};
use serde_json::{json, Value};

use RiskKind::*;

const HOST: &str = "token.actions.githubusercontent.com";
const PINNED: &str = "repo:octo-org@11/api@22:environment:production";

fn scope() -> RiskScope {
    RiskScope {
        owner: Some("octo-org".into()),
        repository: Some("api".into()),
        ..RiskScope::default()
    }
}

fn aws(condition: Value) -> Value {
    json!({
        "Version": "2012-10-17",
        "Statement": [{
            "Sid": "GitHub",
            "Effect": "Allow",
            "Principal": { "Federated": format!("arn:aws:iam::123456789012:oidc-provider/{HOST}") },
            "Action": "sts:AssumeRoleWithWebIdentity",
            "Condition": condition,
        }]
    })
}

fn aws_like(sub: &str) -> Value {
    aws(json!({
        "StringEquals": { format!("{HOST}:aud"): "sts.amazonaws.com" },
        "StringLike": { format!("{HOST}:sub"): sub },
    }))
}

fn aws_pinned() -> Value {
    aws(
        json!({ "StringEquals": { format!("{HOST}:aud"): "sts.amazonaws.com", format!("{HOST}:sub"): PINNED } }),
    )
}

fn azure(subject: &str) -> Value {
    json!([{
        "name": "deploy",
        "issuer": format!("https://{HOST}"),
        "subject": subject,
        "audiences": ["api://AzureADTokenExchange"],
    }])
}

fn azure_flexible(expression: &str) -> Value {
    json!([{
        "name": "flex",
        "issuer": format!("https://{HOST}"),
        "claimsMatchingExpression": { "value": expression, "languageVersion": 1 },
        "audiences": ["api://AzureADTokenExchange"],
    }])
}

fn gcp(condition: Option<&str>) -> Value {
    let mut v = json!({
        "name": "projects/123456/locations/global/workloadIdentityPools/github/providers/gh",
        "state": "ACTIVE",
        "attributeMapping": { "google.subject": "assertion.sub", "attribute.repository": "assertion.repository" },
        "oidc": { "issuerUri": format!("https://{HOST}") },
    });
    if let Some(c) = condition {
        v["attributeCondition"] = json!(c);
    }
    v
}

fn vault(claims: Option<Value>, claims_type: &str, audiences: Option<Value>) -> Value {
    let mut v = json!({ "role_type": "jwt", "user_claim": "sub", "bound_claims_type": claims_type });
    if let Some(c) = claims {
        v["bound_claims"] = c;
    }
    if let Some(a) = audiences {
        v["bound_audiences"] = a;
    }
    json!({ "data": v })
}

fn pypi(env: Option<&str>, owner_id: bool) -> Value {
    let mut v = json!({ "repository_owner": "octo-org", "repository_name": "api", "workflow_filename": "release.yml" });
    if let Some(e) = env {
        v["environment"] = json!(e);
    }
    if owner_id {
        v["repository_owner_id"] = json!("11");
    }
    v
}

fn npm(env: Option<&str>) -> Value {
    let mut v = json!({ "type": "github", "repository": "octo-org/api", "file": "publish.yml" });
    if let Some(e) = env {
        v["environment"] = json!(e);
    }
    v
}

/// Audits `policy`, checks every Example with the evaluator and returns the report.
fn check(
    provider: PolicyProvider,
    policy: &Value,
    scope: &RiskScope,
    must: &[RiskKind],
    must_not: &[RiskKind],
) -> RiskReport {
    let report = audit(provider, policy, scope).unwrap_or_else(|e| panic!("{provider}: {e}"));
    let kinds: Vec<RiskKind> = report.risks.iter().map(|r| r.kind).collect();
    for k in must {
        assert!(
            kinds.contains(k),
            "{provider} {policy}: expected {k}, got {kinds:?}\n{report:#?}"
        );
    }
    for k in must_not {
        assert!(
            !kinds.contains(k),
            "{provider} {policy}: did not expect {k}, got {kinds:?}\n{report:#?}"
        );
    }
    let parsed = Policy::parse(provider, policy).unwrap();
    for r in &report.risks {
        assert_eq!(
            r.severity,
            if r.kind == NameBasedSubject && provider == PolicyProvider::Npm {
                Severity::Low
            } else {
                r.kind.severity()
            }
        );
        assert!(!r.explanation.is_empty() && !r.suggestion.is_empty(), "{r:#?}");
        match &r.example {
            None => assert_eq!(
                r.kind, CannotEvaluate,
                "only CannotEvaluate has no example: {r:#?}"
            ),
            Some(e) => {
                let verdict = parsed.evaluate(&e.facts()).unwrap();
                assert!(
                    verdict.allowed && verdict.evaluable,
                    "{provider} {}: the example is not admitted: {verdict:#?}",
                    r.kind
                );
                assert_eq!(r.source, verdict.matched_by);
                // Repository-level examples lie outside the intended scope.
                if matches!(
                    r.kind,
                    AnyRepository | LookAlikeOwner | AnyRepositoryOfOwner | NameBasedSubject
                ) {
                    let same = e.claims["repository"] == "octo-org/api"
                        && e.claims["repository_owner_id"] == "11"
                        && e.claims["repository_id"] == "22";
                    assert!(!same, "{r:#?}");
                }
                if r.kind == AnyRepository {
                    assert_ne!(e.claims["repository_owner"], "octo-org");
                }
            }
        }
    }
    report
}

fn no_high_or_medium(report: &RiskReport) {
    assert!(
        report.risks.iter().all(|r| r.severity == Severity::Low),
        "{report:#?}"
    );
}

#[test]
fn aws_table() {
    use PolicyProvider::Aws as P;
    let s = scope();
    // No sub condition: any repository on GitHub.
    let r = check(
        P,
        &aws(json!({ "StringEquals": { format!("{HOST}:aud"): "sts.amazonaws.com" } })),
        &s,
        &[AnyRepository],
        &[NoAudience, LookAlikeOwner],
    );
    let any = r.risks.iter().find(|x| x.kind == AnyRepository).unwrap();
    assert_eq!(any.severity, Severity::High);
    assert!(
        any.suggestion.contains("StringEquals") && any.suggestion.contains(&format!("{HOST}:sub")),
        "{}",
        any.suggestion
    );
    assert!(
        any.source.as_deref().unwrap().contains("Statement[0]"),
        "{:?}",
        any.source
    );
    // No condition at all: any repository and any audience.
    check(P, &aws(json!({})), &s, &[AnyRepository, NoAudience], &[]);
    // A wildcard in the owner.
    check(
        P,
        &aws_like("repo:octo*/api:*"),
        &s,
        &[LookAlikeOwner, NameBasedSubject, AnyRef, PullRequest],
        &[AnyRepository, AnyRepositoryOfOwner],
    );
    // Any owner's repository of that name.
    check(
        P,
        &aws_like("repo:*/api:*"),
        &s,
        &[AnyRepository],
        &[LookAlikeOwner],
    );
    // Every repository of the owner.
    check(
        P,
        &aws_like("repo:octo-org/*"),
        &s,
        &[AnyRepositoryOfOwner, NameBasedSubject, AnyRef, PullRequest],
        &[AnyRepository, LookAlikeOwner],
    );
    // With -Owner only, every repository of the owner is the intended scope.
    let owner_only = RiskScope {
        owner: Some("octo-org".into()),
        ..RiskScope::default()
    };
    check(
        P,
        &aws_like("repo:octo-org/*"),
        &owner_only,
        &[NameBasedSubject],
        &[AnyRepositoryOfOwner, AnyRepository],
    );
    // Name-based, pull requests only.
    check(
        P,
        &aws_like("repo:octo-org/api:pull_request"),
        &s,
        &[PullRequest, NameBasedSubject],
        &[AnyRef, AnyRepository, AnyRepositoryOfOwner],
    );
    // Name-based, any branch.
    check(
        P,
        &aws_like("repo:octo-org/api:ref:refs/heads/*"),
        &s,
        &[AnyRef, NameBasedSubject],
        &[PullRequest, AnyRepository],
    );
    // Immutable, any ref.
    check(
        P,
        &aws_like("repo:octo-org@11/api@22:*"),
        &s,
        &[AnyRef, PullRequest],
        &[NameBasedSubject, AnyRepository, AnyRepositoryOfOwner],
    );
    // Pinned to one immutable subject and the audience: nothing.
    let r = check(P, &aws_pinned(), &s, &[], &[NoAudience, CannotEvaluate]);
    assert!(r.risks.is_empty(), "{r:#?}");
    // Pinned, without the audience: only NoAudience (Low).
    let r = check(
        P,
        &aws(json!({ "StringEquals": { format!("{HOST}:sub"): PINNED } })),
        &s,
        &[NoAudience],
        &[],
    );
    no_high_or_medium(&r);
    // Without a scope, the owner and repository come from the policy.
    let r = check(P, &aws_pinned(), &RiskScope::default(), &[], &[]);
    assert_eq!(r.scope.owner.as_deref(), Some("octo-org"));
    assert_eq!(r.scope.repository_id.as_deref(), Some("22"));
    assert!(r.risks.is_empty());
}

#[test]
fn azure_table() {
    use PolicyProvider::Azure as P;
    let s = scope();
    let r = check(P, &azure(PINNED), &s, &[], &[]);
    assert!(r.risks.is_empty(), "{r:#?}");
    check(
        P,
        &azure("repo:octo-org/api:pull_request"),
        &s,
        &[PullRequest, NameBasedSubject],
        &[AnyRepository, AnyRef],
    );
    check(
        P,
        &azure_flexible("claims['sub'] matches 'repo:*'"),
        &s,
        &[AnyRepository],
        &[],
    );
    check(
        P,
        &azure_flexible("claims['sub'] matches 'repo:octo-org/api:*'"),
        &s,
        &[NameBasedSubject, AnyRef, PullRequest],
        &[AnyRepository],
    );
}

#[test]
fn gcp_table() {
    use PolicyProvider::Gcp as P;
    let s = scope();
    let r = check(P, &gcp(None), &s, &[AnyRepository], &[NoAudience]);
    assert!(r
        .risks
        .iter()
        .find(|x| x.kind == AnyRepository)
        .unwrap()
        .suggestion
        .contains("attributeCondition"));
    check(
        P,
        &gcp(Some("assertion.repository_owner == 'octo-org'")),
        &s,
        &[AnyRepositoryOfOwner, NameBasedSubject, AnyRef, PullRequest],
        &[AnyRepository],
    );
    check(
        P,
        &gcp(Some("assertion.sub.startsWith('repo:octo')")),
        &s,
        &[LookAlikeOwner],
        &[AnyRepository],
    );
    let r = check(
        P,
        &gcp(Some(&format!("assertion.sub == '{PINNED}'"))),
        &s,
        &[],
        &[],
    );
    assert!(r.risks.is_empty(), "{r:#?}");
    // An unsupported expression: the audit says it is partial.
    let r = check(
        P,
        &gcp(Some("assertion.sub.frobnicate('x')")),
        &s,
        &[CannotEvaluate],
        &[],
    );
    let c = r.risks.iter().find(|x| x.kind == CannotEvaluate).unwrap();
    assert_eq!(c.severity, Severity::Low);
    assert!(c.explanation.contains("frobnicate"), "{}", c.explanation);
}

#[test]
fn vault_table() {
    use PolicyProvider::Vault as P;
    let s = scope();
    check(
        P,
        &vault(None, "string", Some(json!(["https://github.com/octo-org"]))),
        &s,
        &[AnyRepository],
        &[NoAudience],
    );
    check(
        P,
        &vault(
            Some(json!({ "sub": "repo:octo-org/*" })),
            "glob",
            Some(json!(["https://github.com/octo-org"])),
        ),
        &s,
        &[AnyRepositoryOfOwner, NameBasedSubject, AnyRef, PullRequest],
        &[AnyRepository, LookAlikeOwner],
    );
    let r = check(
        P,
        &vault(
            Some(json!({ "sub": PINNED })),
            "string",
            Some(json!(["https://github.com/octo-org"])),
        ),
        &s,
        &[],
        &[],
    );
    assert!(r.risks.is_empty(), "{r:#?}");
}

#[test]
fn registry_table() {
    let s = scope();
    // PyPI pins the owner ID: no name-based risk; without an environment any branch publishes.
    check(
        PolicyProvider::PyPI,
        &pypi(None, true),
        &s,
        &[AnyRef, PullRequest],
        &[NameBasedSubject, AnyRepository, NoAudience],
    );
    let r = check(PolicyProvider::PyPI, &pypi(Some("pypi"), true), &s, &[], &[]);
    assert!(r.risks.is_empty(), "{r:#?}");
    // A publisher recorded without the owner ID matches by name.
    check(
        PolicyProvider::PyPI,
        &pypi(Some("pypi"), false),
        &s,
        &[NameBasedSubject],
        &[AnyRef],
    );
    // npm: names only (Low, nothing to pin), and any branch without an environment.
    check(
        PolicyProvider::Npm,
        &npm(None),
        &s,
        &[AnyRef, PullRequest, NameBasedSubject],
        &[AnyRepository],
    );
    let r = check(
        PolicyProvider::Npm,
        &npm(Some("npm")),
        &s,
        &[NameBasedSubject],
        &[AnyRef, PullRequest],
    );
    no_high_or_medium(&r);
    // crates.io, RubyGems.org and NuGet.org pin the owner ID: with an environment, nothing.
    let crates = json!({ "repository_owner": "octo-org", "repository_name": "api", "repository_owner_id": "11", "workflow_filename": "release.yml", "environment": "release" });
    let r = check(PolicyProvider::Crates, &crates, &s, &[], &[]);
    assert!(r.risks.is_empty(), "{r:#?}");
    let r = check(PolicyProvider::RubyGems, &crates, &s, &[], &[]);
    assert!(r.risks.is_empty(), "{r:#?}");
    let nuget = json!({ "owner": "octo-org", "repository": "api", "workflow": "release.yml", "environment": "release", "ownerId": "11", "repositoryId": "22" });
    let r = check(PolicyProvider::NuGet, &nuget, &s, &[], &[]);
    assert!(r.risks.is_empty(), "{r:#?}");
    // A NuGet.org policy not yet used pins no ID: a re-created repository gets in.
    let fresh = json!({ "owner": "octo-org", "repository": "api", "workflow": "release.yml" });
    check(
        PolicyProvider::NuGet,
        &fresh,
        &s,
        &[NameBasedSubject, AnyRef, PullRequest],
        &[AnyRepository],
    );
}
