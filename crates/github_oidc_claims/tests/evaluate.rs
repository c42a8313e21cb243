//! Trust-policy evaluation: allowed and denied cases for every provider, wildcards, Deny
//! statements, audience and issuer mismatches (including enterprise-scoped issuers),
//! immutable vs name-based subjects, letter case, "cannot evaluate" results, malformed
//! policies, and a round-trip property: a policy written by `trust_policy` for a subject
//! admits that subject.

use std::collections::BTreeMap;

use github_oidc_claims::evaluate::{
    evaluate, EvaluateError, EvaluateRequest, Policy, PolicyProvider, TokenFacts, TrustResult,
};
use github_oidc_claims::trust::{trust_policy, Provider, TrustRequest};
use proptest::prelude::*;
use serde_json::{json, Value};

const ISS: &str = "https://token.actions.githubusercontent.com";
const HOST: &str = "token.actions.githubusercontent.com";
const LEGACY: &str = "repo:octo/api:ref:refs/heads/main";
const IMMUTABLE: &str = "repo:octo@11/api@22:ref:refs/heads/main";

fn job(subject: &str) -> TokenFacts {
    TokenFacts::new(subject)
}

fn with(subject: &str, f: impl FnOnce(&mut TokenFacts)) -> TokenFacts {
    let mut j = job(subject);
    f(&mut j);
    j
}

fn eval(provider: PolicyProvider, policy: &Value, j: &TokenFacts) -> TrustResult {
    Policy::parse(provider, policy)
        .unwrap_or_else(|e| panic!("parse: {e}"))
        .evaluate(j)
        .unwrap()
}

fn assert_allowed(r: &TrustResult) {
    assert!(r.allowed && r.evaluable, "expected allowed: {r:#?}");
    assert!(r.matched_by.is_some());
    assert!(r.reasons.is_empty(), "{r:#?}");
}

fn assert_denied(r: &TrustResult) {
    assert!(!r.allowed && r.evaluable, "expected denied: {r:#?}");
    assert!(!r.reasons.is_empty(), "a denial explains itself: {r:#?}");
    assert!(r.matched_by.is_none());
}

fn assert_cannot(r: &TrustResult) {
    assert!(!r.allowed && !r.evaluable, "expected cannot evaluate: {r:#?}");
    assert!(!r.reasons.is_empty());
}

fn reason<'a>(r: &'a TrustResult, condition: &str) -> &'a github_oidc_claims::evaluate::Reason {
    r.reasons
        .iter()
        .find(|x| x.condition.contains(condition))
        .unwrap_or_else(|| panic!("no reason about {condition}: {r:#?}"))
}

// ---------------------------------------------------------------------------------------- AWS

fn aws_role(sub_op: &str, subs: Value) -> Value {
    let mut condition = json!({ "StringEquals": { format!("{HOST}:aud"): "sts.amazonaws.com" } });
    condition
        .as_object_mut()
        .unwrap()
        .entry(sub_op)
        .or_insert_with(|| json!({}))
        .as_object_mut()
        .unwrap()
        .insert(format!("{HOST}:sub"), subs);
    json!({
        "Role": {
            "RoleName": "deploy",
            "Arn": "arn:aws:iam::123456789012:role/deploy",
            "AssumeRolePolicyDocument": {
                "Version": "2012-10-17",
                "Statement": [{
                    "Sid": "GitHub",
                    "Effect": "Allow",
                    "Principal": { "Federated": format!("arn:aws:iam::123456789012:oidc-provider/{HOST}") },
                    "Action": "sts:AssumeRoleWithWebIdentity",
                    "Condition": condition
                }]
            }
        }
    })
}

#[test]
fn aws_allowed_exact_and_wildcard() {
    let r = eval(
        PolicyProvider::Aws,
        &aws_role("StringEquals", json!(LEGACY)),
        &job(LEGACY),
    );
    assert_allowed(&r);
    assert_eq!(r.matched_by.as_deref(), Some("Statement[0] (Sid GitHub)"));
    assert_eq!(r.audience.as_deref(), Some("sts.amazonaws.com"));
    assert!(
        r.warnings.iter().any(|w| w.contains("assumed")),
        "{:?}",
        r.warnings
    );

    let p = aws_role(
        "StringLike",
        json!(["repo:octo/*", "repo:other/x:ref:refs/heads/v?"]),
    );
    assert_allowed(&eval(PolicyProvider::Aws, &p, &job(LEGACY)));
    assert_allowed(&eval(
        PolicyProvider::Aws,
        &p,
        &job("repo:other/x:ref:refs/heads/v1"),
    ));
    let r = eval(PolicyProvider::Aws, &p, &job("repo:other/x:ref:refs/heads/v10"));
    assert_denied(&r);
    // `?` is one character; StringEquals does not expand wildcards.
    let r = eval(
        PolicyProvider::Aws,
        &aws_role("StringEquals", json!("repo:octo/*")),
        &job(LEGACY),
    );
    assert_denied(&r);
}

#[test]
fn aws_denial_names_condition_and_both_values() {
    let p = aws_role("StringEquals", json!("repo:octo/api:environment:prod"));
    let r = eval(PolicyProvider::Aws, &p, &job(LEGACY));
    assert_denied(&r);
    let why = reason(&r, ":sub");
    assert_eq!(why.condition, format!("{HOST}:sub"));
    assert_eq!(why.operator, "StringEquals");
    assert_eq!(why.expected, "repo:octo/api:environment:prod");
    assert_eq!(why.actual, LEGACY);
    assert_eq!(why.source.as_deref(), Some("Statement[0] (Sid GitHub)"));
    let s = r.suggestion.as_deref().unwrap();
    assert!(s.contains(LEGACY) && s.contains(":sub"), "{s}");
}

#[test]
fn aws_immutable_vs_legacy_and_case() {
    let p = aws_role("StringEquals", json!(LEGACY));
    let r = eval(PolicyProvider::Aws, &p, &job(IMMUTABLE));
    assert_denied(&r);
    let why = reason(&r, ":sub");
    assert_eq!(why.expected, LEGACY);
    assert_eq!(why.actual, IMMUTABLE);
    assert!(
        why.note
            .as_deref()
            .unwrap()
            .contains("the repository uses immutable subjects"),
        "{why:?}"
    );

    let p = aws_role("StringEquals", json!(IMMUTABLE));
    let r = eval(PolicyProvider::Aws, &p, &job(LEGACY));
    assert!(reason(&r, ":sub")
        .note
        .as_deref()
        .unwrap()
        .contains("not opted in"));

    let r = eval(
        PolicyProvider::Aws,
        &aws_role("StringEquals", json!(LEGACY)),
        &job("repo:Octo/API:ref:refs/heads/main"),
    );
    assert_denied(&r);
    assert!(reason(&r, ":sub")
        .note
        .as_deref()
        .unwrap()
        .contains("letter case"));
    // The IgnoreCase operator accepts it.
    let r = eval(
        PolicyProvider::Aws,
        &aws_role("StringEqualsIgnoreCase", json!(LEGACY)),
        &job("repo:Octo/API:ref:refs/heads/main"),
    );
    assert!(r.evaluable);
    // StringEqualsIgnoreCase is in addition to the aud StringEquals block: allowed.
    assert_allowed(&r);
    // Wildcards that allow both forms.
    let p = aws_role("StringLike", json!("repo:octo*/api*:ref:refs/heads/main"));
    assert_allowed(&eval(PolicyProvider::Aws, &p, &job(LEGACY)));
    assert_allowed(&eval(PolicyProvider::Aws, &p, &job(IMMUTABLE)));
}

#[test]
fn aws_audience_mismatch() {
    let p = aws_role("StringEquals", json!(LEGACY));
    let r = eval(
        PolicyProvider::Aws,
        &p,
        &with(LEGACY, |j| j.audience = Some("https://github.com/octo".into())),
    );
    assert_denied(&r);
    let why = reason(&r, ":aud");
    assert_eq!(why.expected, "sts.amazonaws.com");
    assert_eq!(why.actual, "https://github.com/octo");
    assert!(r
        .suggestion
        .unwrap()
        .contains("request the audience `sts.amazonaws.com`"));
}

#[test]
fn aws_issuer_mismatch_enterprise_slug() {
    let p = aws_role("StringEquals", json!(LEGACY));
    let j = with(LEGACY, |j| j.issuer = format!("{ISS}/octocat-inc"));
    let r = eval(PolicyProvider::Aws, &p, &j);
    assert_denied(&r);
    let why = reason(&r, "Principal.Federated");
    assert!(
        why.note
            .as_deref()
            .unwrap()
            .contains("enterprise-scoped issuer of `octocat-inc`"),
        "{why:?}"
    );
    assert!(why
        .actual
        .contains("oidc-provider/token.actions.githubusercontent.com/octocat-inc"));
    // The keys are also named for the standard issuer: absent from this request.
    let k = reason(&r, &format!("{HOST}:sub"));
    assert_eq!(k.actual, "(absent)");

    // A role that trusts the enterprise provider, but with condition keys of the standard one
    // (the slug missing from the keys): denied, the keys never match.
    let slug_host = format!("{HOST}/octocat-inc");
    let p = json!({
        "Version": "2012-10-17",
        "Statement": {
            "Effect": "Allow",
            "Principal": { "Federated": format!("arn:aws:iam::123456789012:oidc-provider/{slug_host}") },
            "Action": ["sts:AssumeRoleWithWebIdentity", "sts:TagSession"],
            "Condition": { "StringEquals": { format!("{HOST}:sub"): LEGACY } }
        }
    });
    let r = eval(PolicyProvider::Aws, &p, &j);
    assert_denied(&r);
    let why = reason(&r, ":sub");
    assert_eq!(why.actual, "(absent)");
    assert!(r.suggestion.unwrap().contains(&format!("{slug_host}:sub")));
    // With the right keys it is allowed; the standard-issuer token is then refused.
    let p = json!({
        "Version": "2012-10-17",
        "Statement": {
            "Effect": "Allow",
            "Principal": { "Federated": format!("arn:aws:iam::123456789012:oidc-provider/{slug_host}") },
            "Action": "sts:*",
            "Condition": { "StringEquals": { format!("{slug_host}:sub"): LEGACY } }
        }
    });
    assert_allowed(&eval(PolicyProvider::Aws, &p, &j));
    let r = eval(PolicyProvider::Aws, &p, &job(LEGACY));
    assert_denied(&r);
    assert!(reason(&r, "Principal")
        .note
        .as_deref()
        .unwrap()
        .contains("standard issuer"));
}

#[test]
fn aws_deny_wins() {
    let mut p = aws_role("StringLike", json!("repo:octo/*"));
    p["Role"]["AssumeRolePolicyDocument"]["Statement"]
        .as_array_mut()
        .unwrap()
        .push(json!({
            "Sid": "NoPullRequests",
            "Effect": "Deny",
            "Principal": "*",
            "Action": "sts:AssumeRoleWithWebIdentity",
            "Condition": { "StringLike": { format!("{HOST}:sub"): "*:pull_request" } }
        }));
    assert_allowed(&eval(PolicyProvider::Aws, &p, &job(LEGACY)));
    let r = eval(PolicyProvider::Aws, &p, &job("repo:octo/api:pull_request"));
    assert_denied(&r);
    assert_eq!(r.reasons[0].operator, "Deny");
    assert!(r.reasons[0].actual.contains("NoPullRequests"));
    assert!(r.suggestion.unwrap().contains("Deny statement"));
}

#[test]
fn aws_negated_and_set_operators() {
    let doc = |cond: Value| {
        json!({ "Statement": [{
            "Effect": "Allow",
            "Principal": { "Federated": format!("arn:aws:iam::123456789012:oidc-provider/{HOST}") },
            "Action": "sts:AssumeRoleWithWebIdentity",
            "Condition": cond
        }]})
    };
    let p = doc(json!({
        "StringLike": { format!("{HOST}:sub"): "repo:octo/*" },
        "StringNotLike": { format!("{HOST}:sub"): ["*:pull_request", "repo:octo/secret:*"] },
        "StringNotEquals": { format!("{HOST}:aud"): "nope" }
    }));
    assert_allowed(&eval(PolicyProvider::Aws, &p, &job(LEGACY)));
    let r = eval(
        PolicyProvider::Aws,
        &p,
        &job("repo:octo/secret:ref:refs/heads/main"),
    );
    assert_denied(&r);
    let why = reason(&r, ":sub");
    assert_eq!(why.operator, "StringNotLike");
    assert!(why.expected.starts_with("none of"));

    let p = doc(json!({ "ForAnyValue:StringLike": { format!("{HOST}:sub"): ["repo:a/*", "repo:octo/*"] } }));
    assert_allowed(&eval(PolicyProvider::Aws, &p, &job(LEGACY)));
    let p = doc(json!({ "ForAllValues:StringEquals": { format!("{HOST}:sub"): ["repo:a/b:pull_request"] } }));
    assert_denied(&eval(PolicyProvider::Aws, &p, &job(LEGACY)));
    let p = doc(json!({ "StringEqualsIfExists": { format!("{HOST}:environment"): "prod" } }));
    // A `pull_request` context shows there is no environment: IfExists holds.
    assert_allowed(&eval(PolicyProvider::Aws, &p, &job("repo:octo/api:pull_request")));
    // A ref context does not prove it (a `["repo", "ref"]` template looks the same).
    assert_cannot(&eval(PolicyProvider::Aws, &p, &job(LEGACY)));
    let mut full = job(LEGACY);
    full.all_claims = true;
    assert_allowed(&eval(PolicyProvider::Aws, &p, &full));
    let r = eval(PolicyProvider::Aws, &p, &job("repo:octo/api:environment:staging"));
    assert_denied(&r);
    assert_eq!(reason(&r, "environment").actual, "staging");
    // Null: the key must be present.
    let p = doc(json!({ "Null": { format!("{HOST}:sub"): "false" } }));
    assert_allowed(&eval(PolicyProvider::Aws, &p, &job(LEGACY)));
    // Missing Action.
    let p = json!({ "Statement": [{
        "Effect": "Allow",
        "Principal": { "Federated": format!("arn:aws:iam::1:oidc-provider/{HOST}") },
        "Action": "sts:AssumeRole"
    }]});
    let r = eval(PolicyProvider::Aws, &p, &job(LEGACY));
    assert_denied(&r);
    assert_eq!(reason(&r, "Action").expected, "sts:AssumeRoleWithWebIdentity");
}

#[test]
fn aws_other_claims_and_cannot_evaluate() {
    let p = json!({ "Statement": [{
        "Effect": "Allow",
        "Principal": { "Federated": format!("arn:aws:iam::123456789012:oidc-provider/{HOST}") },
        "Action": "sts:AssumeRoleWithWebIdentity",
        "Condition": {
            "StringEquals": {
                format!("{HOST}:aud"): "sts.amazonaws.com",
                format!("{HOST}:job_workflow_ref"): "octo/wf/.github/workflows/deploy.yml@refs/heads/main",
                format!("{HOST}:repository_id"): "22"
            }
        }
    }]});
    let r = eval(PolicyProvider::Aws, &p, &job(LEGACY));
    assert_cannot(&r);
    assert!(r.reasons.iter().any(|x| x
        .note
        .as_deref()
        .unwrap_or("")
        .contains("`job_workflow_ref` claim was not given")));
    assert!(r
        .suggestion
        .as_deref()
        .unwrap()
        .contains("pass the `job_workflow_ref` claim"));
    // repository_id is derived from an immutable subject; job_workflow_ref still unknown.
    let r = eval(PolicyProvider::Aws, &p, &job(IMMUTABLE));
    assert_cannot(&r);
    assert!(!r.reasons.iter().any(|x| x.condition.contains("repository_id")));
    // Given claims decide it.
    let mut claims = BTreeMap::new();
    claims.insert(
        "job_workflow_ref".to_string(),
        "octo/wf/.github/workflows/deploy.yml@refs/heads/main".to_string(),
    );
    claims.insert("repository_id".to_string(), "22".to_string());
    let r = eval(
        PolicyProvider::Aws,
        &p,
        &with(LEGACY, |j| j.claims = claims.clone()),
    );
    assert_allowed(&r);
    claims.insert("repository_id".to_string(), "23".to_string());
    let r = eval(
        PolicyProvider::Aws,
        &p,
        &with(LEGACY, |j| j.claims = claims.clone()),
    );
    assert_denied(&r);
    assert_eq!(reason(&r, "repository_id").expected, "22");
    assert_eq!(reason(&r, "repository_id").actual, "23");
    // A denial by a known condition beats an unknown one: false AND unknown = false.
    let r = eval(
        PolicyProvider::Aws,
        &p,
        &with(LEGACY, |j| j.audience = Some("x".into())),
    );
    assert_denied(&r);
    // A token's full claim set: a missing claim is absent, not unknown.
    let r = eval(
        PolicyProvider::Aws,
        &p,
        &with(LEGACY, |j| {
            j.all_claims = true;
            j.claims.insert("repository_id".into(), "22".into());
        }),
    );
    assert_denied(&r);
    assert_eq!(reason(&r, "job_workflow_ref").actual, "(absent)");

    // Unsupported operators and context keys: cannot evaluate, never allowed.
    let p = json!({ "Statement": [{
        "Effect": "Allow",
        "Principal": { "Federated": format!("arn:aws:iam::123456789012:oidc-provider/{HOST}") },
        "Action": "sts:AssumeRoleWithWebIdentity",
        "Condition": { "StringLike": { format!("{HOST}:sub"): "*" }, "IpAddress": { "aws:SourceIp": "10.0.0.0/8" } }
    }]});
    let r = eval(PolicyProvider::Aws, &p, &job(LEGACY));
    assert_cannot(&r);
    assert!(reason(&r, "aws:SourceIp")
        .note
        .as_deref()
        .unwrap()
        .contains("IpAddress"));
    // An unevaluable Deny blocks an otherwise allowed result from being reported as allowed.
    let mut p = aws_role("StringEquals", json!(LEGACY));
    p["Role"]["AssumeRolePolicyDocument"]["Statement"]
        .as_array_mut()
        .unwrap()
        .push(json!({
            "Effect": "Deny", "Principal": "*", "Action": "sts:*",
            "Condition": { "StringNotEquals": { format!("{HOST}:repository_visibility"): "private" } }
        }));
    assert_cannot(&eval(PolicyProvider::Aws, &p, &job(LEGACY)));
}

#[test]
fn aws_undocumented_claim_keys() {
    // AWS documents sub, aud, actor, actor_id, job_workflow_ref, repository, repository_id,
    // workflow, ref, environment, enterprise_id for GitHub; other keys most likely never reach
    // the request context, so a test on them is decided only when that does not matter.
    let doc = |op: &str, key: &str, v: &str| {
        json!({ "Statement": [{
            "Effect": "Allow",
            "Principal": { "Federated": format!("arn:aws:iam::123456789012:oidc-provider/{HOST}") },
            "Action": "sts:AssumeRoleWithWebIdentity",
            "Condition": { op: { format!("{HOST}:{key}"): v } }
        }]})
    };
    // repository_owner is derived from the subject; equal: present → holds, absent → fails.
    let r = eval(
        PolicyProvider::Aws,
        &doc("StringEquals", "repository_owner", "octo"),
        &job(LEGACY),
    );
    assert_cannot(&r);
    assert!(reason(&r, "repository_owner")
        .note
        .as_deref()
        .unwrap()
        .contains("never holds"));
    // Different: fails either way.
    let r = eval(
        PolicyProvider::Aws,
        &doc("StringEquals", "repository_owner", "other"),
        &job(LEGACY),
    );
    assert_denied(&r);
    assert!(r.suggestion.unwrap().contains(":sub` instead"));
    // Negated and different: holds either way.
    assert_allowed(&eval(
        PolicyProvider::Aws,
        &doc("StringNotEquals", "repository_owner", "evil"),
        &job(LEGACY),
    ));
    // Not given at all: undecided.
    assert_cannot(&eval(
        PolicyProvider::Aws,
        &doc("StringEquals", "runner_environment", "github-hosted"),
        &job(LEGACY),
    ));
    // Documented keys are evaluated for github.com tokens…
    let j = with(LEGACY, |j| {
        j.claims.insert("actor".into(), "octocat".into());
    });
    assert_allowed(&eval(
        PolicyProvider::Aws,
        &doc("StringEquals", "actor", "octocat"),
        &j,
    ));
    // …but not taken for granted for other issuers.
    let slug = format!("{HOST}/octocat-inc");
    let p = json!({ "Statement": [{
        "Effect": "Allow",
        "Principal": { "Federated": format!("arn:aws:iam::123456789012:oidc-provider/{slug}") },
        "Action": "sts:AssumeRoleWithWebIdentity",
        "Condition": { "StringEquals": { format!("{slug}:actor"): "octocat" } }
    }]});
    let mut e = j.clone();
    e.issuer = format!("{ISS}/octocat-inc");
    let r = eval(PolicyProvider::Aws, &p, &e);
    assert_cannot(&r);
    assert!(reason(&r, "actor")
        .note
        .as_deref()
        .unwrap()
        .contains("only for the github.com issuer"));
}

#[test]
fn aws_input_shapes() {
    let doc = aws_role("StringEquals", json!(LEGACY))["Role"]["AssumeRolePolicyDocument"].clone();
    let text = serde_json::to_string(&doc).unwrap();
    let encoded: String = percent_encode(&text);
    for shape in [
        doc.clone(),
        json!({ "AssumeRolePolicyDocument": doc.clone() }),
        json!({ "Role": { "AssumeRolePolicyDocument": text.clone() } }),
        json!({ "Role": { "AssumeRolePolicyDocument": encoded.clone() } }),
        Value::String(text.clone()),
        Value::String(encoded.clone()),
    ] {
        assert_allowed(&eval(PolicyProvider::Aws, &shape, &job(LEGACY)));
    }
    assert_allowed(
        &Policy::parse_text(PolicyProvider::Aws, &text)
            .unwrap()
            .evaluate(&job(LEGACY))
            .unwrap(),
    );
}

fn percent_encode(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

#[test]
fn aws_malformed() {
    for (bad, needle) in [
        (json!({ "Role": { "RoleName": "x" } }), "AssumeRolePolicyDocument"),
        (json!({ "Statement": [] }), "empty"),
        (json!({ "Statement": "x" }), "Statement"),
        (
            json!({ "Statement": [{ "Principal": "*", "Action": "sts:*" }] }),
            "Effect",
        ),
        (
            json!({ "Statement": [{ "Effect": "Permit", "Principal": "*", "Action": "x" }] }),
            "Permit",
        ),
        (
            json!({ "Statement": [{ "Effect": "Allow", "Action": "x" }] }),
            "Principal",
        ),
        (
            json!({ "Statement": [{ "Effect": "Allow", "Principal": "*" }] }),
            "Action",
        ),
        (
            json!({ "Statement": [{ "Effect": "Allow", "Principal": "*", "Action": "x", "Condition": { "StringEquals": "x" } }] }),
            "Condition.StringEquals",
        ),
        (
            json!({ "Role": { "AssumeRolePolicyDocument": "%7Bnot json" } }),
            "not JSON",
        ),
        (json!(42), "AssumeRolePolicyDocument"),
    ] {
        let e = Policy::parse(PolicyProvider::Aws, &bad).unwrap_err();
        assert!(
            matches!(
                e,
                EvaluateError::Malformed {
                    provider: PolicyProvider::Aws,
                    ..
                }
            ),
            "{e}"
        );
        assert!(e.to_string().contains(needle), "{e} should mention {needle}");
    }
    let e = Policy::parse_text(PolicyProvider::Aws, "{ not json").unwrap_err();
    assert!(matches!(e, EvaluateError::InvalidJson { .. }), "{e}");
    // Empty subjects are refused.
    let p = Policy::parse(PolicyProvider::Aws, &aws_role("StringEquals", json!(LEGACY))).unwrap();
    assert_eq!(p.evaluate(&job(" ")).unwrap_err(), EvaluateError::EmptySubject);
}

// -------------------------------------------------------------------------------------- Azure

fn cred(name: &str, subject: &str) -> Value {
    json!({
        "id": "00000000-0000-0000-0000-000000000000",
        "name": name,
        "issuer": ISS,
        "subject": subject,
        "description": null,
        "audiences": ["api://AzureADTokenExchange"],
    })
}

#[test]
fn azure_list_exact_subjects() {
    let list = json!([
        cred("main", LEGACY),
        cred("prod", "repo:octo/api:environment:prod")
    ]);
    let r = eval(
        PolicyProvider::Azure,
        &list,
        &job("repo:octo/api:environment:prod"),
    );
    assert_allowed(&r);
    assert_eq!(r.matched_by.as_deref(), Some("credential prod"));
    // One credential alone, and the Graph page shape.
    assert_allowed(&eval(PolicyProvider::Azure, &cred("main", LEGACY), &job(LEGACY)));
    assert_allowed(&eval(
        PolicyProvider::Azure,
        &json!({ "value": [cred("main", LEGACY)] }),
        &job(LEGACY),
    ));

    let r = eval(PolicyProvider::Azure, &list, &job(IMMUTABLE));
    assert_denied(&r);
    let why = reason(&r, "subject");
    assert_eq!(why.expected, LEGACY);
    assert_eq!(why.actual, IMMUTABLE);
    assert_eq!(why.source.as_deref(), Some("credential main"));
    assert!(why
        .note
        .as_deref()
        .unwrap()
        .contains("the repository uses immutable subjects"));
    assert!(r.suggestion.unwrap().contains(&format!("subject `{IMMUTABLE}`")));

    // Of many credentials, the closest explains the denial.
    let many: Vec<Value> = (0..15)
        .map(|i| cred(&format!("c{i}"), &format!("repo:octo/r{i}:environment:e{i}")))
        .chain([cred("main", LEGACY)])
        .collect();
    let r = eval(PolicyProvider::Azure, &json!(many), &job(IMMUTABLE));
    assert_denied(&r);
    assert_eq!(r.reasons.len(), 1, "{r:#?}");
    assert_eq!(r.reasons[0].source.as_deref(), Some("credential main"));
    // Case-sensitive.
    let r = eval(
        PolicyProvider::Azure,
        &list,
        &job("repo:octo/API:ref:refs/heads/main"),
    );
    assert_denied(&r);
    assert!(reason(&r, "subject")
        .note
        .as_deref()
        .unwrap()
        .contains("letter case"));
}

#[test]
fn azure_audience_and_issuer() {
    let c = cred("main", LEGACY);
    let r = eval(
        PolicyProvider::Azure,
        &c,
        &with(LEGACY, |j| j.audience = Some("api://Other".into())),
    );
    assert_denied(&r);
    let why = reason(&r, "audiences");
    assert_eq!(why.expected, "api://AzureADTokenExchange");
    assert_eq!(why.actual, "api://Other");
    let r = eval(
        PolicyProvider::Azure,
        &c,
        &with(LEGACY, |j| j.issuer = format!("{ISS}/octocat-inc")),
    );
    assert_denied(&r);
    let why = reason(&r, "issuer");
    assert!(why.note.as_deref().unwrap().contains("octocat-inc"));
    assert_eq!(why.expected, ISS);
    let mut slash = c.clone();
    slash["issuer"] = json!(format!("{ISS}/"));
    let r = eval(PolicyProvider::Azure, &slash, &job(LEGACY));
    assert_denied(&r);
    assert!(reason(&r, "issuer").note.as_deref().unwrap().contains("trailing"));
}

#[test]
fn azure_flexible_credentials() {
    let flex = |expr: &str| {
        json!({
            "name": "flex",
            "issuer": ISS,
            "subject": null,
            "audiences": ["api://AzureADTokenExchange"],
            "claimsMatchingExpression": { "value": expr, "languageVersion": 1 }
        })
    };
    let p = flex("claims['sub'] matches 'repo:octo@*' and claims['repository_owner_id'] eq '11'");
    // repository_owner_id is derived from the immutable subject.
    let r = eval(
        PolicyProvider::Azure,
        &p,
        &job("repo:octo@11/api@22:environment:prod"),
    );
    assert_allowed(&r);
    assert_eq!(r.matched_by.as_deref(), Some("credential flex"));
    // The name-based pattern does not match immutable subjects… unless the ID claim is known
    // for a legacy one: cannot evaluate without it.
    let p2 = flex("claims['sub'] matches 'repo:octo/api:*' and claims['repository_owner_id'] eq '11'");
    let r = eval(PolicyProvider::Azure, &p2, &job(IMMUTABLE));
    assert_denied(&r);
    assert!(reason(&r, "claims['sub']")
        .note
        .as_deref()
        .unwrap()
        .contains("immutable"));
    let r = eval(PolicyProvider::Azure, &p2, &job(LEGACY));
    assert_cannot(&r);
    assert!(reason(&r, "repository_owner_id")
        .note
        .as_deref()
        .unwrap()
        .contains("not given"));
    // or / parentheses.
    let p3 = flex("(claims['sub'] eq 'repo:a/b:pull_request' or claims['sub'] matches 'repo:octo@*/api@*:*') and claims['sub'] matches '*:ref:refs/heads/main'");
    assert_allowed(&eval(PolicyProvider::Azure, &p3, &job(IMMUTABLE)));
    let r = eval(PolicyProvider::Azure, &p3, &job("repo:x/y:ref:refs/heads/main"));
    assert_denied(&r);
    assert_eq!(r.reasons.len(), 2, "both alternatives fail: {r:#?}");
    // `?` is literal in Entra's matches.
    assert_denied(&eval(
        PolicyProvider::Azure,
        &flex("claims['sub'] matches 'repo:octo/ap?:*'"),
        &job(LEGACY),
    ));
    // Unsupported syntax: cannot evaluate.
    let r = eval(
        PolicyProvider::Azure,
        &flex("claims['sub'] startswith 'repo:'"),
        &job(LEGACY),
    );
    assert_cannot(&r);
    assert!(reason(&r, "claimsMatchingExpression")
        .note
        .as_deref()
        .unwrap()
        .contains("not supported"));
    // A plain string expression works too.
    let mut s = flex("");
    s["claimsMatchingExpression"] = json!("claims['sub'] eq 'repo:octo/api:ref:refs/heads/main'");
    assert_allowed(&eval(PolicyProvider::Azure, &s, &job(LEGACY)));
}

#[test]
fn azure_credential_limit() {
    let creds: Vec<Value> = (0..12)
        .map(|i| cred(&format!("c{i}"), &format!("repo:octo/r{i}:ref:refs/heads/main")))
        .collect();
    let e = evaluate(PolicyProvider::Azure, &json!(creds), &[job(LEGACY)]).unwrap();
    assert!(
        e.warnings
            .iter()
            .any(|w| w.contains("immutable-subject twin") && w.contains("24 credentials")),
        "{:?}",
        e.warnings
    );
    let few: Vec<Value> = creds[..5].to_vec();
    let e = evaluate(PolicyProvider::Azure, &json!(few), &[job(LEGACY)]).unwrap();
    assert!(e.warnings.is_empty(), "{:?}", e.warnings);
    let many: Vec<Value> = (0..21)
        .map(|i| cred(&format!("c{i}"), &format!("repo:octo@1/r{i}@{i}:pull_request")))
        .collect();
    let e = evaluate(PolicyProvider::Azure, &json!(many), &[job(LEGACY)]).unwrap();
    assert!(
        e.warnings.iter().any(|w| w.contains("over Entra's limit")),
        "{:?}",
        e.warnings
    );
    assert!(e.results[0].warnings.iter().any(|w| w.contains("limit is 20")));
}

#[test]
fn azure_malformed() {
    for (bad, needle) in [
        (json!([]), "empty"),
        (json!("x"), "JSON"),
        (
            json!([{ "name": "a", "subject": "s", "audiences": [] }]),
            "issuer",
        ),
        (
            json!([{ "name": "a", "issuer": ISS, "subject": "s" }]),
            "audiences",
        ),
        (
            json!([{ "name": "a", "issuer": ISS, "audiences": [] }]),
            "neither",
        ),
        (
            json!([{ "name": "a", "issuer": ISS, "subject": "s", "audiences": [], "claimsMatchingExpression": "claims['sub'] eq 's'" }]),
            "mutually exclusive",
        ),
    ] {
        let e = Policy::parse(PolicyProvider::Azure, &bad).unwrap_err();
        assert!(e.to_string().contains(needle), "{e} should mention {needle}");
    }
}

// ---------------------------------------------------------------------------------------- GCP

fn gcp(condition: &str, audiences: Option<Value>) -> Value {
    let mut oidc = json!({ "issuerUri": ISS });
    if let Some(a) = audiences {
        oidc["allowedAudiences"] = a;
    }
    json!({
        "name": "projects/123456/locations/global/workloadIdentityPools/github/providers/gh",
        "displayName": "GitHub",
        "state": "ACTIVE",
        "attributeMapping": {
            "google.subject": "assertion.sub",
            "attribute.repository": "assertion.repository",
            "attribute.owner_id": "assertion.repository_owner_id",
            "attribute.env": "'env-' + assertion.environment"
        },
        "attributeCondition": condition,
        "oidc": oidc
    })
}

#[test]
fn gcp_conditions() {
    let p = gcp(
        "assertion.repository_owner == 'octo' && attribute.repository.startsWith('octo/')",
        None,
    );
    let r = eval(PolicyProvider::Gcp, &p, &job(LEGACY));
    assert_allowed(&r);
    assert!(r.matched_by.unwrap().starts_with("attributeCondition"));

    let p = gcp(
        "assertion.sub in ['repo:octo/api:ref:refs/heads/main', 'repo:octo/web:ref:refs/heads/main']",
        None,
    );
    assert_allowed(&eval(PolicyProvider::Gcp, &p, &job(LEGACY)));
    let r = eval(PolicyProvider::Gcp, &p, &job(IMMUTABLE));
    assert_denied(&r);
    let why = &r.reasons[0];
    assert_eq!(why.operator, "in");
    assert_eq!(why.actual, IMMUTABLE);
    assert!(why.expected.contains("repo:octo/api:ref:refs/heads/main"));
    assert!(why.note.as_deref().unwrap().contains("immutable subjects"));
    assert!(r
        .suggestion
        .unwrap()
        .contains(&format!("assertion.sub == '{IMMUTABLE}'")));

    let p = gcp(
        "assertion.sub.matches('^repo:octo/api:ref:refs/heads/.*$') && !(assertion.sub.endsWith('/tmp'))",
        None,
    );
    assert_allowed(&eval(PolicyProvider::Gcp, &p, &job(LEGACY)));
    let r = eval(PolicyProvider::Gcp, &p, &job("repo:octo/api:ref:refs/heads/tmp"));
    assert_denied(&r);
    assert_eq!(r.reasons[0].operator, "!");
    let r = eval(PolicyProvider::Gcp, &p, &job(IMMUTABLE));
    assert_denied(&r);
    assert!(r.reasons[0].note.as_deref().unwrap().contains("immutable"));

    // attribute from a concatenation; `environment` is known absent for a ref subject, so the
    // mapping yields nothing and a condition on it fails.
    let p = gcp("attribute.env == 'env-prod'", None);
    assert_allowed(&eval(
        PolicyProvider::Gcp,
        &p,
        &job("repo:octo/api:environment:prod"),
    ));
    let r = eval(PolicyProvider::Gcp, &p, &job("repo:octo/api:pull_request"));
    assert_denied(&r);
    assert!(r.reasons[0].note.as_deref().unwrap().contains("attribute.env"));
    // From a ref subject the environment is not known: cannot evaluate.
    let r = eval(PolicyProvider::Gcp, &p, &job(LEGACY));
    assert_cannot(&r);
    assert!(
        r.reasons[0].note.as_deref().unwrap().contains("attribute.env"),
        "{r:#?}"
    );
    // Case differences.
    let p = gcp("assertion.sub == 'repo:Octo/api:ref:refs/heads/main'", None);
    let r = eval(PolicyProvider::Gcp, &p, &job(LEGACY));
    assert!(r.reasons[0].note.as_deref().unwrap().contains("letter case"));
}

#[test]
fn gcp_cannot_evaluate() {
    for cond in [
        "assertion.job_workflow_ref == 'octo/wf/.github/workflows/x.yml@refs/heads/main'",
        "size(assertion.sub) == 3",
        "assertion.sub.lowerAscii() == 'x'",
        "assertion.repository_id > 5",
        "has(assertion.environment)",
    ] {
        let r = eval(PolicyProvider::Gcp, &gcp(cond, None), &job(LEGACY));
        assert_cannot(&r);
    }
    // …but an OR that already holds is decided.
    let r = eval(
        PolicyProvider::Gcp,
        &gcp(
            "assertion.repository == 'octo/api' || size(assertion.sub) == 3",
            None,
        ),
        &job(LEGACY),
    );
    assert!(
        !r.evaluable,
        "a parse error makes the whole condition unevaluable: {r:#?}"
    );
    let r = eval(
        PolicyProvider::Gcp,
        &gcp(
            "assertion.repository == 'octo/api' || assertion.job_workflow_ref == 'x'",
            None,
        ),
        &job(LEGACY),
    );
    assert_allowed(&r);
}

#[test]
fn gcp_audience_issuer_and_subject_length() {
    let p = gcp("assertion.repository_owner == 'octo'", None);
    // No audience: the default (the provider's resource name) is accepted.
    assert_allowed(&eval(PolicyProvider::Gcp, &p, &job(LEGACY)));
    let name = "https://iam.googleapis.com/projects/123456/locations/global/workloadIdentityPools/github/providers/gh";
    assert_allowed(&eval(
        PolicyProvider::Gcp,
        &p,
        &with(LEGACY, |j| j.audience = Some(name.into())),
    ));
    assert_allowed(&eval(
        PolicyProvider::Gcp,
        &p,
        &with(LEGACY, |j| {
            j.audience = Some(name.trim_start_matches("https:").into())
        }),
    ));
    let r = eval(
        PolicyProvider::Gcp,
        &p,
        &with(LEGACY, |j| j.audience = Some("sts.amazonaws.com".into())),
    );
    assert_denied(&r);
    assert_eq!(r.reasons[0].expected, name);
    // allowedAudiences.
    let p = gcp("assertion.repository_owner == 'octo'", Some(json!(["my-aud"])));
    assert_allowed(&eval(
        PolicyProvider::Gcp,
        &p,
        &with(LEGACY, |j| j.audience = Some("my-aud".into())),
    ));
    let r = eval(PolicyProvider::Gcp, &p, &job(LEGACY));
    assert_denied(&r);
    assert_eq!(reason(&r, "allowedAudiences").actual, name);
    // Issuer.
    let r = eval(
        PolicyProvider::Gcp,
        &gcp("true", None),
        &with(LEGACY, |j| j.issuer = format!("{ISS}/octocat-inc")),
    );
    assert_denied(&r);
    assert!(reason(&r, "issuerUri")
        .note
        .as_deref()
        .unwrap()
        .contains("octocat-inc"));
    // google.subject over 127 bytes.
    let long = format!("repo:octo/api:environment:{}", "e".repeat(120));
    let r = eval(PolicyProvider::Gcp, &gcp("true", None), &job(&long));
    assert_denied(&r);
    assert!(reason(&r, "google.subject")
        .note
        .as_deref()
        .unwrap()
        .contains("127 bytes"));
    // Disabled provider.
    let mut d = gcp("true", None);
    d["disabled"] = json!(true);
    assert_denied(&eval(PolicyProvider::Gcp, &d, &job(LEGACY)));
    // No condition: allowed, with a warning about the policy.
    let mut n = gcp("true", None);
    n.as_object_mut().unwrap().remove("attributeCondition");
    let e = evaluate(PolicyProvider::Gcp, &n, &[job(LEGACY)]).unwrap();
    assert_allowed(&e.results[0]);
    assert!(e.warnings[0].contains("no attributeCondition"));
}

#[test]
fn gcp_malformed() {
    for (bad, needle) in [
        (json!({ "aws": { "accountId": "1" } }), "`aws` provider"),
        (json!({ "attributeMapping": {} }), "oidc"),
        (
            json!({ "oidc": {}, "attributeMapping": { "google.subject": "assertion.sub" } }),
            "issuerUri",
        ),
        (json!({ "oidc": { "issuerUri": ISS } }), "attributeMapping"),
        (
            json!({ "oidc": { "issuerUri": ISS }, "attributeMapping": { "attribute.x": "assertion.x" } }),
            "google.subject",
        ),
        (
            json!({ "oidc": { "issuerUri": ISS }, "attributeMapping": { "google.subject": 1 } }),
            "google.subject",
        ),
        (json!([]), "object"),
    ] {
        let e = Policy::parse(PolicyProvider::Gcp, &bad).unwrap_err();
        assert!(e.to_string().contains(needle), "{e} should mention {needle}");
    }
}

// -------------------------------------------------------------------------------------- Vault

fn vault_role(claims: Value, claims_type: &str, subject: Option<&str>) -> Value {
    let mut data = json!({
        "role_type": "jwt",
        "user_claim": "sub",
        "bound_audiences": ["https://github.com/octo"],
        "bound_claims": claims,
        "bound_claims_type": claims_type,
        "token_policies": ["deploy"],
    });
    if let Some(s) = subject {
        data["bound_subject"] = json!(s);
    }
    json!({ "request_id": "x", "lease_id": "", "data": data })
}

#[test]
fn vault_roles() {
    let p = vault_role(json!({ "sub": [LEGACY, IMMUTABLE] }), "string", None);
    let r = eval(PolicyProvider::Vault, &p, &job(LEGACY));
    assert_allowed(&r);
    assert_eq!(r.audience.as_deref(), Some("https://github.com/octo"));
    assert!(r.warnings.iter().any(|w| w.contains("issuer was not evaluated")));
    assert_allowed(&eval(PolicyProvider::Vault, &p, &job(IMMUTABLE)));
    // Without the `data` wrapper.
    assert_allowed(&eval(PolicyProvider::Vault, &p["data"], &job(LEGACY)));

    let p = vault_role(
        json!({ "sub": "repo:octo/*", "repository_owner": "octo" }),
        "glob",
        None,
    );
    assert_allowed(&eval(
        PolicyProvider::Vault,
        &p,
        &job("repo:octo/web:pull_request"),
    ));
    let r = eval(PolicyProvider::Vault, &p, &job(IMMUTABLE));
    assert_denied(&r);
    let why = reason(&r, "bound_claims.sub");
    assert_eq!(why.operator, "glob");
    assert!(why.note.as_deref().unwrap().contains("immutable"));
    // String type does not expand globs.
    let p = vault_role(json!({ "sub": "repo:octo/*" }), "string", None);
    assert_denied(&eval(PolicyProvider::Vault, &p, &job(LEGACY)));

    // bound_subject.
    let p = vault_role(json!({}), "string", Some(LEGACY));
    assert_allowed(&eval(PolicyProvider::Vault, &p, &job(LEGACY)));
    let r = eval(
        PolicyProvider::Vault,
        &p,
        &job("repo:octo/API:ref:refs/heads/main"),
    );
    assert_denied(&r);
    assert!(reason(&r, "bound_subject")
        .note
        .as_deref()
        .unwrap()
        .contains("letter case"));
}

#[test]
fn vault_audiences_and_unknowns() {
    let p = vault_role(json!({ "sub": LEGACY }), "string", None);
    // Another owner's default audience.
    let r = eval(
        PolicyProvider::Vault,
        &p,
        &job("repo:other/api:ref:refs/heads/main"),
    );
    assert_denied(&r);
    assert_eq!(reason(&r, "bound_audiences").actual, "https://github.com/other");
    let r = eval(
        PolicyProvider::Vault,
        &p,
        &with(LEGACY, |j| j.audience = Some("vault".into())),
    );
    assert_denied(&r);
    // No bound audiences: Vault refuses tokens that carry one.
    let mut none = p.clone();
    none["data"].as_object_mut().unwrap().remove("bound_audiences");
    let r = eval(PolicyProvider::Vault, &none, &job(LEGACY));
    assert_denied(&r);
    assert!(reason(&r, "bound_audiences")
        .note
        .as_deref()
        .unwrap()
        .contains("binds no audiences"));
    // A claim not given.
    let p = vault_role(
        json!({ "job_workflow_ref": "octo/wf/.github/workflows/*" }),
        "glob",
        None,
    );
    assert_cannot(&eval(PolicyProvider::Vault, &p, &job(LEGACY)));
    // An oidc role.
    let mut o = vault_role(json!({ "sub": LEGACY }), "string", None);
    o["data"]["role_type"] = json!("oidc");
    assert_denied(&eval(PolicyProvider::Vault, &o, &job(LEGACY)));
    // GHES default audience.
    let p = vault_role(json!({ "sub": LEGACY }), "string", None);
    let r = eval(
        PolicyProvider::Vault,
        &p,
        &with(LEGACY, |j| {
            j.issuer = "https://ghe.example.com/_services/token".into()
        }),
    );
    assert_eq!(r.audience.as_deref(), Some("https://ghe.example.com/octo"));
}

#[test]
fn vault_malformed() {
    for (bad, needle) in [
        (json!({ "data": [] }), "data"),
        (json!({ "foo": 1 }), "none of"),
        (json!({ "role_type": "jwt", "bound_claims": [] }), "bound_claims"),
        (
            json!({ "role_type": "jwt", "bound_claims_type": "regex", "bound_claims": {} }),
            "regex",
        ),
        (json!({ "role_type": "jwt", "bound_subject": 5 }), "bound_subject"),
    ] {
        let e = Policy::parse(PolicyProvider::Vault, &bad).unwrap_err();
        assert!(e.to_string().contains(needle), "{e} should mention {needle}");
    }
}

// ---------------------------------------------------------------------------------- npm, PyPI

fn pypi_record() -> Value {
    json!({
        "repository_owner": "octo",
        "repository_name": "api",
        "repository_owner_id": "11",
        "workflow_filename": "release.yml",
        "environment": "pypi"
    })
}

fn publish_job(subject: &str, wf_claim: &str, wf: &str) -> TokenFacts {
    with(subject, |j| {
        j.claims.insert(wf_claim.into(), wf.into());
    })
}

#[test]
fn pypi_publishers() {
    let ok = publish_job(
        "repo:octo/api:environment:PyPI",
        "job_workflow_ref",
        "octo/api/.github/workflows/release.yml@refs/tags/v1",
    );
    let r = eval(PolicyProvider::PyPI, &pypi_record(), &ok);
    // The owner ID cannot be derived from a name-based subject.
    assert_cannot(&r);
    assert!(reason(&r, "repository_owner_id")
        .note
        .as_deref()
        .unwrap()
        .contains("not given"));
    let ok = with(ok.subject.as_str(), |j| {
        j.claims = ok.claims.clone();
        j.claims.insert("repository_owner_id".into(), "11".into());
    });
    let r = eval(PolicyProvider::PyPI, &pypi_record(), &ok);
    assert_allowed(&r);
    assert_eq!(r.audience.as_deref(), Some("pypi"));

    // Wrong workflow.
    let mut bad = ok.clone();
    bad.claims.insert(
        "job_workflow_ref".into(),
        "octo/api/.github/workflows/ci.yml@refs/heads/main".into(),
    );
    let r = eval(PolicyProvider::PyPI, &pypi_record(), &bad);
    assert_denied(&r);
    let why = reason(&r, "job_workflow_ref");
    assert_eq!(why.expected, "release.yml");
    assert_eq!(why.actual, "ci.yml");
    assert!(r.suggestion.unwrap().contains("`ci.yml`"));
    // Reusable workflow of another repository.
    bad.claims.insert(
        "job_workflow_ref".into(),
        "octo/shared/.github/workflows/release.yml@refs/heads/main".into(),
    );
    let r = eval(PolicyProvider::PyPI, &pypi_record(), &bad);
    assert!(reason(&r, "job_workflow_ref")
        .note
        .as_deref()
        .unwrap()
        .contains("reusable workflow"));
    // Missing environment.
    let mut noenv = ok.clone();
    noenv.subject = "repo:octo/api:ref:refs/tags/v1".into();
    let r = eval(PolicyProvider::PyPI, &pypi_record(), &noenv);
    assert_cannot(&r);
    assert!(r.suggestion.unwrap().contains("`environment`"));
    noenv.all_claims = true;
    noenv.claims.insert("repository".into(), "octo/api".into());
    noenv.claims.insert("repository_owner".into(), "octo".into());
    let r = eval(PolicyProvider::PyPI, &pypi_record(), &noenv);
    assert_denied(&r);
    assert_eq!(r.reasons.len(), 1, "{r:#?}");
    assert_eq!(reason(&r, "environment").actual, "(absent)");
}

#[test]
fn pypi_immutable_renamed_transferred() {
    let wf = "octo/api/.github/workflows/release.yml@refs/tags/v1";
    // Immutable subject: PyPI does not check `sub` since pypi/warehouse#19422 (2026-01-29).
    let r = eval(
        PolicyProvider::PyPI,
        &pypi_record(),
        &publish_job("repo:octo@11/api@22:environment:pypi", "job_workflow_ref", wf),
    );
    assert_allowed(&r);
    // Renamed repository: same owner ID, new name.
    let r = eval(
        PolicyProvider::PyPI,
        &pypi_record(),
        &publish_job(
            "repo:octo/api2:environment:pypi",
            "job_workflow_ref",
            "octo/api2/.github/workflows/release.yml@refs/tags/v1",
        )
        .clone_with("repository_owner_id", "11"),
    );
    assert_denied(&r);
    let why = reason(&r, "repository");
    assert_eq!(why.expected, "octo/api");
    assert_eq!(why.actual, "octo/api2");
    assert!(
        why.note.as_deref().unwrap().contains("renamed or transferred"),
        "{why:?}"
    );
    // Owner re-created under the same name: the pinned ID differs.
    let r = eval(
        PolicyProvider::PyPI,
        &pypi_record(),
        &publish_job("repo:octo/api:environment:pypi", "job_workflow_ref", wf)
            .clone_with("repository_owner_id", "99"),
    );
    assert_denied(&r);
    assert!(reason(&r, "repository_owner_id")
        .note
        .as_deref()
        .unwrap()
        .contains("ID differs"));
    // Owner case: PyPI compares the owner exactly.
    let r = eval(
        PolicyProvider::PyPI,
        &pypi_record(),
        &publish_job(
            "repo:Octo/api:environment:pypi",
            "job_workflow_ref",
            "Octo/api/.github/workflows/release.yml@refs/tags/v1",
        )
        .clone_with("repository_owner_id", "11"),
    );
    assert_denied(&r);
    assert!(reason(&r, "repository_owner")
        .note
        .as_deref()
        .unwrap()
        .contains("letter case"));
}

trait CloneWith {
    fn clone_with(&self, k: &str, v: &str) -> TokenFacts;
}

impl CloneWith for TokenFacts {
    fn clone_with(&self, k: &str, v: &str) -> TokenFacts {
        let mut c = self.clone();
        c.claims.insert(k.into(), v.into());
        c
    }
}

/// A PyPI publishing job with every claim PyPI reads (a real token's claim set).
fn pypi_token(subject: &str, claims: &[(&str, &str)]) -> TokenFacts {
    let mut j = job(subject);
    j.all_claims = true;
    for (k, v) in [
        ("repository", "octo/api"),
        ("repository_owner", "octo"),
        ("repository_owner_id", "11"),
        ("repository_id", "22"),
        ("ref", "refs/tags/v1"),
        ("sha", "0123456789abcdef0123456789abcdef01234567"),
        ("event_name", "push"),
        ("environment", "pypi"),
        (
            "job_workflow_ref",
            "octo/api/.github/workflows/release.yml@refs/tags/v1",
        ),
        (
            "workflow_ref",
            "octo/api/.github/workflows/release.yml@refs/tags/v1",
        ),
    ] {
        j.claims.insert(k.into(), v.into());
    }
    for (k, v) in claims {
        if v.is_empty() {
            j.claims.remove(*k);
        } else {
            j.claims.insert((*k).into(), (*v).into());
        }
    }
    j
}

/// One case per rule of warehouse/oidc/models/github.py (pypi/warehouse, 2026-08-21).
#[test]
fn pypi_rules() {
    let rec = pypi_record();
    let ok = |r: TrustResult| assert_allowed(&r);
    let no = |r: TrustResult, claim: &str| {
        assert_denied(&r);
        reason(&r, claim);
    };
    let pypi = |j: &TokenFacts| eval(PolicyProvider::PyPI, &rec, j);
    // The baseline job is admitted.
    ok(pypi(&pypi_token("repo:octo/api:environment:pypi", &[])));
    // sub is not checked: immutable subjects and custom templates are admitted.
    ok(pypi(&pypi_token("repo:octo@11/api@22:environment:pypi", &[])));
    ok(pypi(&pypi_token(
        "repository_owner_id:11:repository_id:22:environment:pypi",
        &[],
    )));
    ok(pypi(&pypi_token("anything-at-all", &[])));
    // Lookup by owner and repository name: exact (an SQL equality on GitHub's spelling).
    no(
        pypi(&pypi_token("x", &[("repository", "octo/other")])),
        "repository",
    );
    let r = pypi(&pypi_token("x", &[("repository", "octo/API")]));
    assert_denied(&r);
    assert!(reason(&r, "repository")
        .note
        .as_deref()
        .unwrap()
        .contains("letter case"));
    no(
        pypi(&pypi_token("x", &[("repository_owner", "Octo")])),
        "repository_owner",
    );
    // Lookup by repository_owner_id: a re-created owner of the same name is refused.
    no(
        pypi(&pypi_token("x", &[("repository_owner_id", "99")])),
        "repository_owner_id",
    );
    // repository_id is unchecked.
    let with_repo_id = json!({
        "repository_owner": "octo", "repository_name": "api", "repository_owner_id": "11",
        "repository_id": "22", "workflow_filename": "release.yml", "environment": "pypi"
    });
    assert_allowed(&eval(
        PolicyProvider::PyPI,
        &with_repo_id,
        &pypi_token("x", &[("repository_id", "99")]),
    ));
    // The workflow file comes from job_workflow_ref, not workflow_ref (the caller).
    ok(pypi(&pypi_token(
        "x",
        &[("workflow_ref", "octo/api/.github/workflows/ci.yml@refs/tags/v1")],
    )));
    let r = pypi(&pypi_token(
        "x",
        &[(
            "job_workflow_ref",
            "octo/api/.github/workflows/build.yml@refs/tags/v1",
        )],
    ));
    assert_denied(&r);
    assert_eq!(reason(&r, "job_workflow_ref").actual, "build.yml");
    // A reusable workflow of the same file name in another repository is refused.
    let r = pypi(&pypi_token(
        "x",
        &[(
            "job_workflow_ref",
            "octo/shared/.github/workflows/release.yml@refs/tags/v1",
        )],
    ));
    assert_denied(&r);
    assert!(reason(&r, "job_workflow_ref")
        .note
        .as_deref()
        .unwrap()
        .contains("octo/shared"));
    // job_workflow_ref must run at the job's ref or sha.
    no(
        pypi(&pypi_token(
            "x",
            &[(
                "job_workflow_ref",
                "octo/api/.github/workflows/release.yml@refs/heads/dev",
            )],
        )),
        "job_workflow_ref",
    );
    ok(pypi(&pypi_token(
        "x",
        &[
            ("ref", ""),
            (
                "job_workflow_ref",
                "octo/api/.github/workflows/release.yml@0123456789abcdef0123456789abcdef01234567",
            ),
        ],
    )));
    // Environment: the token's lower-cased; the publisher's stored lower-cased.
    ok(pypi(&pypi_token("x", &[("environment", "PyPI")])));
    let mixed = json!({
        "repository_owner": "octo", "repository_name": "api", "repository_owner_id": "11",
        "workflow_filename": "release.yml", "environment": "Release"
    });
    assert_allowed(&eval(
        PolicyProvider::PyPI,
        &mixed,
        &pypi_token("x", &[("environment", "release")]),
    ));
    no(
        pypi(&pypi_token("x", &[("environment", "staging")])),
        "environment",
    );
    no(pypi(&pypi_token("x", &[("environment", "")])), "environment");
    // A publisher without an environment matches any environment, and none.
    let anyenv = json!({
        "repository_owner": "octo", "repository_name": "api", "repository_owner_id": "11",
        "workflow_filename": "release.yml"
    });
    for env in ["staging", ""] {
        assert_allowed(&eval(
            PolicyProvider::PyPI,
            &anyenv,
            &pypi_token("x", &[("environment", env)]),
        ));
    }
    // pull_request_target runs are refused (pypi/warehouse#19601).
    no(
        pypi(&pypi_token("x", &[("event_name", "pull_request_target")])),
        "event_name",
    );
    ok(pypi(&pypi_token("x", &[("event_name", "pull_request")])));
}

/// A publishing job with the audience of `provider` (every claim the registries read).
fn registry_token(provider: PolicyProvider, claims: &[(&str, &str)]) -> TokenFacts {
    let mut j = pypi_token("repo:octo@11/api@22:ref:refs/tags/v1", claims);
    j.audience = provider.default_audience().map(str::to_string);
    if !claims.iter().any(|(k, _)| *k == "environment") {
        j.claims.insert("environment".into(), "release".into());
    }
    j
}

/// crates.io (rust-lang/crates.io, 2026-08-21): one case per rule.
#[test]
fn crates_rules() {
    let rec = json!({
        "repository_owner": "octo", "repository_name": "api", "repository_owner_id": 11,
        "workflow_filename": "release.yml", "environment": "Release"
    });
    let p = |j: &TokenFacts| eval(PolicyProvider::Crates, &rec, j);
    let base = registry_token(PolicyProvider::Crates, &[]);
    assert_eq!(base.audience.as_deref(), Some("crates.io"));
    assert_allowed(&p(&base));
    // Names ignore case (lower() on both sides); sub is not read.
    assert_allowed(&p(&registry_token(
        PolicyProvider::Crates,
        &[("repository", "Octo/API"), ("repository_owner", "Octo")],
    )));
    // Owner ID.
    assert_denied(&p(&registry_token(
        PolicyProvider::Crates,
        &[("repository_owner_id", "99")],
    )));
    // The file of workflow_ref (the caller), not job_workflow_ref; its repository is not compared.
    assert_allowed(&p(&registry_token(
        PolicyProvider::Crates,
        &[
            (
                "job_workflow_ref",
                "octo/shared/.github/workflows/publish.yml@refs/heads/main",
            ),
            (
                "workflow_ref",
                "octo/api/.github/workflows/release.yml@refs/tags/v1",
            ),
        ],
    )));
    let r = p(&registry_token(
        PolicyProvider::Crates,
        &[("workflow_ref", "octo/api/.github/workflows/ci.yml@refs/tags/v1")],
    ));
    assert_denied(&r);
    assert_eq!(reason(&r, "workflow_ref").actual, "ci.yml");
    // Environment ignoring case; required when configured.
    assert_denied(&p(&registry_token(
        PolicyProvider::Crates,
        &[("environment", "")],
    )));
    assert_denied(&p(&registry_token(
        PolicyProvider::Crates,
        &[("environment", "staging")],
    )));
    // pull_request_target and workflow_run are refused.
    for e in ["pull_request_target", "workflow_run"] {
        assert_denied(&p(&registry_token(PolicyProvider::Crates, &[("event_name", e)])));
    }
    // The audience.
    let mut other = base.clone();
    other.audience = Some("pypi".into());
    assert_denied(&p(&other));
}

/// RubyGems.org (rubygems/rubygems.org, 2026-08-22): one case per rule.
#[test]
fn rubygems_rules() {
    let rec = json!({
        "repository_owner": "octo", "repository_name": "api", "repository_owner_id": "11",
        "workflow_filename": "release.yml", "environment": "release"
    });
    let p = |rec: &Value, j: &TokenFacts| eval(PolicyProvider::RubyGems, rec, j);
    let t = |c: &[(&str, &str)]| registry_token(PolicyProvider::RubyGems, c);
    assert_allowed(&p(&rec, &t(&[])));
    assert_eq!(t(&[]).audience.as_deref(), Some("rubygems.org"));
    // Exact names and environment (SQL equality).
    assert_denied(&p(&rec, &t(&[("repository", "octo/API")])));
    assert_denied(&p(&rec, &t(&[("environment", "Release")])));
    assert_denied(&p(&rec, &t(&[("repository_owner_id", "99")])));
    // The file of job_workflow_ref, at the job's ref or sha.
    assert_denied(&p(
        &rec,
        &t(&[(
            "job_workflow_ref",
            "octo/api/.github/workflows/ci.yml@refs/tags/v1",
        )]),
    ));
    assert_denied(&p(
        &rec,
        &t(&[(
            "job_workflow_ref",
            "octo/api/.github/workflows/release.yml@refs/heads/dev",
        )]),
    ));
    // A reusable workflow of another repository only when the publisher names it.
    let shared = t(&[(
        "job_workflow_ref",
        "octo/shared/.github/workflows/release.yml@refs/heads/main",
    )]);
    assert_denied(&p(&rec, &shared));
    let mut with_repo = rec.clone();
    with_repo["workflow_repository_owner"] = json!("octo");
    with_repo["workflow_repository_name"] = json!("shared");
    assert_allowed(&p(&with_repo, &shared));
    assert_denied(&p(&with_repo, &t(&[])));
    // A publisher without an environment matches any job.
    let mut anyenv = rec.clone();
    anyenv.as_object_mut().unwrap().remove("environment");
    assert_allowed(&p(&anyenv, &t(&[("environment", "staging")])));
    assert_allowed(&p(&anyenv, &t(&[("environment", "")])));
}

/// NuGet.org (NuGet/NuGetGallery, 2026-08-17): one case per rule.
#[test]
fn nuget_rules() {
    let rec = json!({ "type": "GitHubActions", "owner": "Octo", "repository": "API", "workflow": ".github/workflows/Release.yml" });
    let p = |rec: &Value, j: &TokenFacts| eval(PolicyProvider::NuGet, rec, j);
    let t = |c: &[(&str, &str)]| registry_token(PolicyProvider::NuGet, c);
    // Names and the workflow file ignore case; before first use no IDs are pinned.
    assert_allowed(&p(&rec, &t(&[])));
    assert_eq!(t(&[]).audience.as_deref(), Some("https://www.nuget.org"));
    assert_allowed(&p(
        &rec,
        &t(&[("repository_owner_id", "99"), ("repository_id", "98")]),
    ));
    // After first use both IDs are pinned.
    let mut used = rec.clone();
    used["ownerId"] = json!("11");
    used["repositoryId"] = json!("22");
    assert_allowed(&p(&used, &t(&[])));
    assert_denied(&p(&used, &t(&[("repository_id", "98")])));
    assert_denied(&p(&used, &t(&[("repository_owner_id", "99")])));
    // The workflow must live in the policy's repository.
    assert_denied(&p(
        &rec,
        &t(&[(
            "job_workflow_ref",
            "octo/shared/.github/workflows/release.yml@refs/heads/main",
        )]),
    ));
    assert_denied(&p(
        &rec,
        &t(&[(
            "job_workflow_ref",
            "octo/api/.github/workflows/ci.yml@refs/tags/v1",
        )]),
    ));
    // Environment ignoring case when the policy names one.
    let mut env = rec.clone();
    env["environment"] = json!("RELEASE");
    assert_allowed(&p(&env, &t(&[])));
    assert_denied(&p(&env, &t(&[("environment", "")])));
}

#[test]
fn npm_publishers_and_enterprise_issuer() {
    let rec = json!({ "type": "github", "repository": "octo/api", "file": "publish.yml", "env": "npm" });
    let j = publish_job(
        "repo:octo/api:environment:npm",
        "workflow_ref",
        "octo/api/.github/workflows/publish.yml@refs/heads/main",
    );
    let r = eval(PolicyProvider::Npm, &rec, &j);
    assert_allowed(&r);
    assert_eq!(r.audience.as_deref(), Some("npm:registry.npmjs.org"));
    // npm reads workflow_ref, not job_workflow_ref.
    let j2 = publish_job(
        "repo:octo/api:environment:npm",
        "job_workflow_ref",
        "octo/api/.github/workflows/publish.yml@refs/heads/main",
    );
    assert_cannot(&eval(PolicyProvider::Npm, &rec, &j2));
    // The enterprise-scoped issuer is refused although every other claim matches (seed 000).
    let mut ent = j.clone();
    ent.issuer = format!("{ISS}/octocat-inc");
    let r = eval(PolicyProvider::Npm, &rec, &ent);
    assert_denied(&r);
    assert_eq!(r.reasons.len(), 1, "only the issuer fails: {r:#?}");
    let why = reason(&r, "iss");
    assert_eq!(why.expected, ISS);
    assert!(why.note.as_deref().unwrap().contains("include_enterprise_slug"));
    assert!(r
        .suggestion
        .unwrap()
        .contains("Set-GitHubOidcIssuer -Enterprise octocat-inc -IncludeEnterpriseSlug $false"));
    // GHE.com / GHES issuers.
    let mut ghes = j.clone();
    ghes.issuer = "https://ghe.example.com/_services/token".into();
    assert_denied(&eval(PolicyProvider::Npm, &rec, &ghes));
    // Audience.
    let mut aud = j.clone();
    aud.audience = Some("sigstore".into());
    assert_denied(&eval(PolicyProvider::Npm, &rec, &aud));
    // A list: the second publisher matches.
    let list = json!([{ "owner": "octo", "repository": "web", "workflow": "publish.yml" }, rec]);
    let r = eval(PolicyProvider::Npm, &list, &j);
    assert_allowed(&r);
    assert!(r.matched_by.unwrap().contains("octo/api"));
}

#[test]
fn registry_malformed() {
    for (bad, needle) in [
        (json!({ "repository": "octo/api" }), "workflow"),
        (json!({ "workflow": "x.yml" }), "owner"),
        (json!({ "owner": "octo", "workflow": "x.yml" }), "repository"),
        (json!({ "repository": "octo/api", "workflow": "release" }), ".yml"),
        (
            json!({ "kind": "GitLab", "repository": "octo/api", "workflow": "x.yml" }),
            "GitLab",
        ),
        (json!([]), "empty"),
    ] {
        let e = Policy::parse(PolicyProvider::PyPI, &bad).unwrap_err();
        assert!(e.to_string().contains(needle), "{e} should mention {needle}");
    }
}

// ------------------------------------------------------------------------------- evaluation API

#[test]
fn evaluation_serializes() {
    let jobs: Vec<TokenFacts> = serde_json::from_value(json!([
        { "subject": LEGACY },
        { "subject": IMMUTABLE, "audience": "sts.amazonaws.com", "claims": { "repository_id": "22" } }
    ]))
    .unwrap();
    assert_eq!(jobs[0].issuer, ISS);
    let e = evaluate(
        PolicyProvider::Aws,
        &aws_role("StringEquals", json!(LEGACY)),
        &jobs,
    )
    .unwrap();
    let v = serde_json::to_value(&e).unwrap();
    assert_eq!(v["provider"], "aws");
    assert_eq!(v["results"][0]["allowed"], true);
    assert_eq!(v["results"][1]["allowed"], false);
    assert_eq!(v["results"][1]["evaluable"], true);
    assert_eq!(v["results"][1]["reasons"][0]["expected"], LEGACY);
    assert!(v["results"][1]["reasons"][0].get("fix").is_none());
}

#[test]
fn request_round_trip() {
    let req: EvaluateRequest = serde_json::from_value(json!({
        "provider": "gcp",
        "policy": serde_json::to_string(&gcp("assertion.repository_owner == 'octo'", None)).unwrap(),
        "jobs": [{ "subject": LEGACY }, { "subject": "repo:other/api:pull_request" }]
    }))
    .unwrap();
    let e = req.run().unwrap();
    assert_allowed(&e.results[0]);
    assert_denied(&e.results[1]);
    assert!(e.results[0].warnings.iter().any(|w| w.contains("resource name")));
    let bad: EvaluateRequest =
        serde_json::from_value(json!({ "provider": "vault", "policy": "{", "jobs": [] })).unwrap();
    assert!(matches!(bad.run(), Err(EvaluateError::InvalidJson { .. })));
    assert!(serde_json::from_value::<EvaluateRequest>(
        json!({ "provider": "ftp", "policy": {}, "jobs": [] })
    )
    .is_err());
}

#[test]
fn aws_wildcard_aws_principal_cannot_be_evaluated() {
    let p = json!({ "Statement": [{
        "Effect": "Allow",
        "Principal": { "AWS": "*" },
        "Action": "sts:AssumeRoleWithWebIdentity",
        "Condition": { "StringLike": { format!("{HOST}:sub"): "repo:octo/*" } }
    }]});
    let r = eval(PolicyProvider::Aws, &p, &job(LEGACY));
    assert_cannot(&r);
    assert_eq!(r.reasons[0].condition, "Principal.AWS");
    let p = json!({ "Statement": [{ "Effect": "Allow", "Principal": { "Service": "ec2.amazonaws.com" }, "Action": "sts:AssumeRole" }] });
    let r = eval(PolicyProvider::Aws, &p, &job(LEGACY));
    assert_denied(&r);
    assert!(reason(&r, "Principal")
        .note
        .as_deref()
        .unwrap()
        .contains("does not name a `Federated` principal"));
}

#[test]
fn more_shapes() {
    // AWS NotAction / NotPrincipal.
    let p = json!({ "Statement": [{
        "Effect": "Allow",
        "Principal": { "Federated": [format!("arn:aws:iam::1:oidc-provider/{HOST}"), "cognito-identity.amazonaws.com"] },
        "NotAction": "sts:AssumeRole",
        "Condition": { "StringLike": { format!("{HOST}:sub"): "repo:octo/*" } }
    }]});
    assert_allowed(&eval(PolicyProvider::Aws, &p, &job(LEGACY)));
    let p = json!({ "Statement": [{
        "Effect": "Allow",
        "Principal": { "Federated": format!("arn:aws:iam::1:oidc-provider/{HOST}") },
        "NotAction": "sts:AssumeRoleWith*"
    }]});
    assert_denied(&eval(PolicyProvider::Aws, &p, &job(LEGACY)));
    let p = json!({ "Statement": [{
        "Effect": "Allow",
        "NotPrincipal": { "AWS": "arn:aws:iam::1:root" },
        "Action": "sts:AssumeRoleWithWebIdentity"
    }]});
    assert_cannot(&eval(PolicyProvider::Aws, &p, &job(LEGACY)));
    // The placeholder account ID is reported.
    let policy = trust_policy(&TrustRequest {
        provider: Provider::Aws,
        subjects: &[LEGACY.to_string()],
        audience: None,
        issuer: ISS,
        aws_account_id: None,
        name: None,
    })
    .unwrap();
    let e = evaluate(PolicyProvider::Aws, &policy, &[job(LEGACY)]).unwrap();
    assert!(
        e.warnings.iter().any(|w| w.contains("ACCOUNT_ID")),
        "{:?}",
        e.warnings
    );

    // Vault JSON-pointer claim names.
    let p = vault_role(json!({ "/repository": "octo/api" }), "string", None);
    assert_allowed(&eval(PolicyProvider::Vault, &p, &job(IMMUTABLE)));
    // GCP deleted provider.
    let mut d = gcp("true", None);
    d["state"] = json!("DELETED");
    let r = eval(PolicyProvider::Gcp, &d, &job(LEGACY));
    assert_denied(&r);
    assert_eq!(reason(&r, "state").actual, "DELETED");
    // Entra issuer differing only in case.
    let mut c = cred("main", LEGACY);
    c["issuer"] = json!("https://Token.Actions.GitHubUserContent.com");
    let r = eval(PolicyProvider::Azure, &c, &job(LEGACY));
    assert!(reason(&r, "issuer")
        .note
        .as_deref()
        .unwrap()
        .contains("letter case"));
}

// ---------------------------------------------------------------------------- round-trip property

fn name_strategy() -> impl Strategy<Value = String> {
    "[A-Za-z0-9][A-Za-z0-9-]{0,12}"
}

fn repo_strategy() -> impl Strategy<Value = String> {
    "[A-Za-z0-9_][A-Za-z0-9._-]{0,15}"
}

#[derive(Debug, Clone)]
enum Ctx {
    Branch(String),
    Tag(String),
    Env(String),
    PullRequest,
}

fn ctx_strategy() -> impl Strategy<Value = Ctx> {
    prop_oneof![
        "[a-z0-9][a-zA-Z0-9/._-]{0,20}".prop_map(Ctx::Branch),
        "v[0-9]\\.[0-9]{1,2}".prop_map(Ctx::Tag),
        "[A-Za-z0-9][A-Za-z0-9 '_:-]{0,15}".prop_map(Ctx::Env),
        Just(Ctx::PullRequest),
    ]
}

fn subject_of(owner: &str, repo: &str, ids: Option<(u32, u32)>, ctx: &Ctx) -> String {
    let seg = match ids {
        Some((o, r)) => format!("{owner}@{o}/{repo}@{r}"),
        None => format!("{owner}/{repo}"),
    };
    let ctx = match ctx {
        Ctx::Branch(b) => format!("ref:refs/heads/{b}"),
        Ctx::Tag(t) => format!("ref:refs/tags/{t}"),
        Ctx::Env(e) => format!("environment:{}", e.replace(':', "%3A")),
        Ctx::PullRequest => "pull_request".to_string(),
    };
    format!("repo:{seg}:{ctx}")
}

fn issuer_strategy() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(ISS.to_string()),
        "[a-z][a-z0-9-]{1,10}".prop_map(|s| format!("{ISS}/{s}")),
        Just("https://token.actions.octocorp.ghe.com".to_string()),
        Just("https://ghe.example.com/_services/token".to_string()),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    /// A policy written by `trust_policy` for a subject admits that subject, for every provider,
    /// with the default or an explicit audience, for any issuer.
    #[test]
    fn written_policies_admit_their_subject(
        owner in name_strategy(),
        repo in repo_strategy(),
        ids in proptest::option::of((1u32..u32::MAX, 1u32..u32::MAX)),
        ctx in ctx_strategy(),
        issuer in issuer_strategy(),
        audience in proptest::option::of("[a-z][a-z0-9:/._-]{0,20}"),
        other in repo_strategy(),
    ) {
        let subject = subject_of(&owner, &repo, ids, &ctx);
        let subjects = vec![subject.clone(), subject_of(&owner, &format!("{other}-x"), None, &Ctx::PullRequest)];
        for provider in [Provider::Aws, Provider::Azure, Provider::Gcp, Provider::Vault] {
            let req = TrustRequest {
                provider,
                subjects: &subjects,
                audience: audience.as_deref(),
                issuer: &issuer,
                aws_account_id: Some("123456789012"),
                name: None,
            };
            let policy = trust_policy(&req).unwrap();
            let facts = TokenFacts {
                subject: subject.clone(),
                audience: audience.clone(),
                issuer: issuer.clone(),
                claims: BTreeMap::new(),
                all_claims: false,
            };
            let r = Policy::parse(provider.into(), &policy).unwrap().evaluate(&facts).unwrap();
            prop_assert!(r.allowed && r.evaluable, "{provider}: {policy:#}\n{r:#?}");
            // And the same policy refuses another owner's repository.
            let stranger = TokenFacts { subject: subject_of(&format!("{owner}x"), &repo, None, &ctx), ..facts.clone() };
            let r = Policy::parse(provider.into(), &policy).unwrap().evaluate(&stranger).unwrap();
            prop_assert!(!r.allowed, "{provider}: {policy:#}\n{r:#?}");
        }
        // Wildcard policies (AWS, GCP, Vault) admit every subject of the repository.
        let pattern = vec![format!("repo:{}:*", subject.trim_start_matches("repo:").split(':').next().unwrap())];
        for provider in [Provider::Aws, Provider::Gcp, Provider::Vault] {
            let req = TrustRequest {
                provider,
                subjects: &pattern,
                audience: audience.as_deref(),
                issuer: &issuer,
                aws_account_id: None,
                name: Some("x"),
            };
            let policy = trust_policy(&req).unwrap();
            let facts = TokenFacts {
                subject: subject.clone(),
                audience: audience.clone(),
                issuer: issuer.clone(),
                claims: id_claims(ids),
                all_claims: false,
            };
            let r = Policy::parse(provider.into(), &policy).unwrap().evaluate(&facts).unwrap();
            prop_assert!(r.allowed && r.evaluable, "{provider}: {policy:#}\n{r:#?}");
        }
    }

    /// New → Test: for every provider, a policy written for generated subjects of any length
    /// (long branch names, environments, `job_workflow_ref` suffixes, immutable IDs) admits
    /// each of them — GCP's google.subject stays within 127 bytes.
    #[test]
    fn written_policies_admit_long_subjects(
        owner in name_strategy(),
        repo in "[A-Za-z0-9_][A-Za-z0-9._-]{0,60}",
        ids in proptest::option::of((1u32..u32::MAX, 1u32..u32::MAX)),
        branch in "[a-z0-9][a-zA-Z0-9/._-]{0,120}",
        workflow in proptest::option::of("[a-z][a-z0-9-]{0,30}"),
    ) {
        let mut subject = subject_of(&owner, &repo, ids, &Ctx::Branch(branch));
        if let Some(w) = &workflow {
            subject.push_str(&format!(":job_workflow_ref:{owner}/shared/.github/workflows/{w}.yml@refs/heads/main"));
        }
        prop_assert!(new_then_test_admits(&subject, id_claims(ids)).is_ok(), "{:?}", new_then_test_admits(&subject, id_claims(ids)));
    }
}

/// The owner and repository IDs a real token carries (the subject's when immutable).
fn id_claims(ids: Option<(u32, u32)>) -> BTreeMap<String, String> {
    let (o, r) = ids.unwrap_or((7, 8));
    BTreeMap::from([
        ("repository_owner_id".to_string(), o.to_string()),
        ("repository_id".to_string(), r.to_string()),
    ])
}

/// Writes a policy for `subject` with every provider and tests the subject against it; any
/// provider that does not admit it is an error naming the policy and the result.
fn new_then_test_admits(subject: &str, claims: BTreeMap<String, String>) -> Result<(), String> {
    let subjects = vec![subject.to_string()];
    for provider in [Provider::Aws, Provider::Azure, Provider::Gcp, Provider::Vault] {
        // Vault derives its default audience from a `repo:` subject's owner; others need one.
        let audience = (provider == Provider::Vault && !subject.starts_with("repo:")).then_some("vault");
        let req = TrustRequest {
            provider,
            subjects: &subjects,
            audience,
            issuer: ISS,
            aws_account_id: Some("123456789012"),
            name: None,
        };
        let policy = trust_policy(&req).map_err(|e| format!("{provider}: {e}"))?;
        let facts = TokenFacts {
            claims: claims.clone(),
            audience: audience.map(str::to_string),
            ..TokenFacts::new(subject)
        };
        let r = Policy::parse(provider.into(), &policy)
            .map_err(|e| e.to_string())?
            .evaluate(&facts)
            .map_err(|e| e.to_string())?;
        if !(r.allowed && r.evaluable) {
            return Err(format!("{provider}: {policy:#}\n{r:#?}"));
        }
        if provider == Provider::Gcp && subject.len() > 127 {
            let mapping = &policy["attributeMapping"]["google.subject"];
            if mapping == "assertion.sub" {
                return Err(format!("GCP maps a {}-byte subject: {policy:#}", subject.len()));
            }
        }
    }
    Ok(())
}

/// Real subjects (shapes seen in the wild), immutable ones included, up to 173 bytes.
#[test]
fn written_policies_admit_real_subjects() {
    let real = [
        "repo:octo-org/octo-repo:ref:refs/heads/main",
        "repo:octo-org@9919/octo-repo@1296269:ref:refs/heads/main",
        "repo:octo-org@9919/octo-repo@1296269:pull_request",
        "repo:octo-org@9919/octo-repo@1296269:environment:Production",
        "repo:octo-org@9919/octo-repo@1296269:ref:refs/heads/main:job_workflow_ref:octo-org/octo-automation/.github/workflows/oidc.yml@refs/heads/main",
        "repo:octocat-inc@190003045/infra-deploy@812345678:environment:production-eu-west-1:job_workflow_ref:octocat-inc/shared-workflows/.github/workflows/deploy.yml@refs/heads/main",
        "repository_owner_id:190003045:repository_id:812345678:environment:prod",
    ];
    assert!(real.iter().any(|s| s.len() == 173));
    for s in real {
        let (o, r) = if s.contains("190003045") {
            (190003045, 812345678)
        } else {
            (9919, 1296269)
        };
        new_then_test_admits(s, id_claims(Some((o, r)))).unwrap();
    }
    // The 173-byte subject with GCP: google.subject maps the IDs and still fits.
    let long = real[5];
    let policy = trust_policy(&TrustRequest {
        provider: Provider::Gcp,
        subjects: &[long.to_string()],
        audience: None,
        issuer: ISS,
        aws_account_id: None,
        name: None,
    })
    .unwrap();
    assert_eq!(
        policy["attributeMapping"]["google.subject"],
        github_oidc_claims::trust::GCP_ID_SUBJECT_MAPPING
    );
    assert_eq!(policy["attributeCondition"], format!("assertion.sub == '{long}'"));
    // And a stranger with the same IDs but another subject is refused by attributeCondition.
    let other = TokenFacts {
        claims: id_claims(Some((190003045, 812345678))),
        ..TokenFacts::new(long.replace("production-eu-west-1", "staging"))
    };
    assert_denied(&eval(PolicyProvider::Gcp, &policy, &other));
}

// ------------------------------------------------------------------------------ never a panic

const KEYS: &[&str] = &[
    "Role",
    "AssumeRolePolicyDocument",
    "Statement",
    "Sid",
    "Effect",
    "Principal",
    "NotPrincipal",
    "Federated",
    "AWS",
    "Action",
    "NotAction",
    "Condition",
    "StringLike",
    "StringEquals",
    "ForAllValues:StringNotLikeIfExists",
    "Null",
    "token.actions.githubusercontent.com:sub",
    "token.actions.githubusercontent.com:aud",
    "value",
    "name",
    "issuer",
    "subject",
    "audiences",
    "claimsMatchingExpression",
    "oidc",
    "issuerUri",
    "allowedAudiences",
    "attributeMapping",
    "google.subject",
    "attributeCondition",
    "data",
    "role_type",
    "bound_claims",
    "bound_claims_type",
    "bound_audiences",
    "bound_subject",
    "repository",
    "repository_owner",
    "workflow",
    "environment",
    "repository_owner_id",
];

const WORDS: &[&str] = &[
    "Allow",
    "Deny",
    "*",
    "sts:AssumeRoleWithWebIdentity",
    "arn:aws:iam::1:oidc-provider/token.actions.githubusercontent.com",
    "https://token.actions.githubusercontent.com",
    "repo:octo/*",
    LEGACY,
    IMMUTABLE,
    "jwt",
    "glob",
    "string",
    "assertion.sub",
    "assertion.sub == 'x' || !(attribute.a in ['b'])",
    "claims['sub'] matches 'repo:*' and (",
    "octo/api",
    "x.yml",
    "true",
    "%7B%22Statement%22",
    "{\"Statement\": []}",
    "",
];

fn arb_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i32>().prop_map(|n| json!(n)),
        proptest::sample::select(WORDS).prop_map(|w| json!(w)),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            proptest::collection::btree_map(
                proptest::sample::select(KEYS).prop_map(str::to_string),
                inner,
                0..6
            )
            .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

fn arb_cel() -> impl Strategy<Value = String> {
    let tok = proptest::sample::select(
        &[
            "assertion",
            "attribute",
            "google",
            ".",
            "sub",
            "repository",
            "[",
            "]",
            "(",
            ")",
            "'x'",
            "\"y\"",
            "==",
            "!=",
            "&&",
            "||",
            "!",
            "in",
            "+",
            ",",
            "startsWith",
            "matches",
            "'^(a'",
            "true",
            "size",
            "?",
            ":",
            "'\\'",
            "\\",
        ][..],
    );
    proptest::collection::vec(tok, 0..24).prop_map(|t| t.join(" "))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    /// Arbitrary JSON is either a clear error or a result — never a panic — and nothing that
    /// cannot be evaluated is allowed.
    #[test]
    fn arbitrary_policies_never_panic(policy in arb_json(), subject in proptest::sample::select(WORDS)) {
        let j = TokenFacts::new(if subject.trim().is_empty() { LEGACY } else { subject });
        for provider in [
            PolicyProvider::Aws, PolicyProvider::Azure, PolicyProvider::Gcp,
            PolicyProvider::Vault, PolicyProvider::Npm, PolicyProvider::PyPI,
            PolicyProvider::Crates, PolicyProvider::RubyGems, PolicyProvider::NuGet,
        ] {
            if let Ok(e) = evaluate(provider, &policy, std::slice::from_ref(&j)) {
                let r = &e.results[0];
                prop_assert!(!r.allowed || r.evaluable);
                prop_assert!(r.allowed || !r.reasons.is_empty(), "{provider}: {policy}\n{r:#?}");
            }
            // The audit never panics either, and every example it gives is admitted.
            if let Ok(report) = github_oidc_claims::risk::audit(provider, &policy, &Default::default()) {
                let parsed = Policy::parse(provider, &policy).unwrap();
                for risk in &report.risks {
                    if let Some(e) = &risk.example {
                        let r = parsed.evaluate(&e.facts()).unwrap();
                        prop_assert!(r.allowed, "{provider}: {policy}\n{risk:#?}");
                    }
                }
            }
        }
    }

    /// Arbitrary CEL text in a GCP condition or mapping, and Entra expressions, never panic.
    #[test]
    fn arbitrary_expressions_never_panic(cond in arb_cel(), expr in arb_cel()) {
        let mut p = gcp(&cond, None);
        p["attributeMapping"]["attribute.x"] = json!(expr.clone());
        let r = eval(PolicyProvider::Gcp, &p, &job(LEGACY));
        prop_assert!(!r.allowed || r.evaluable);
        let c = json!({ "name": "f", "issuer": ISS, "audiences": ["api://AzureADTokenExchange"], "claimsMatchingExpression": expr });
        let r = eval(PolicyProvider::Azure, &c, &job(LEGACY));
        prop_assert!(!r.allowed || r.evaluable);
    }
}
