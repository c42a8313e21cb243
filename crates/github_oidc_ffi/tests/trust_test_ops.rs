//! `ghoidc_test_trust_policy` through the C ABI, with the JSON the C# facade sends: allowed,
//! denied (the reason names the condition and both values), cannot evaluate, a token's claims,
//! the context's enterprise-scoped issuer, and malformed input as `InvalidArgument`; and
//! `ghoidc_trust_risk`: each risk's example admitted by `ghoidc_test_trust_policy`.

use github_oidc::{
    ghoidc_result_copy, ghoidc_result_len, ghoidc_test_trust_policy, ghoidc_trust_policy, ghoidc_trust_risk,
    GhoidcStatus,
};
use interoptopus::patterns::slice::{FFISlice, FFISliceMut};
use serde_json::{json, Value};

const HOST: &str = "token.actions.githubusercontent.com";
const LEGACY: &str = "repo:octo/api:ref:refs/heads/main";
const IMMUTABLE: &str = "repo:octo@11/api@22:ref:refs/heads/main";

fn call(f: extern "C" fn(FFISlice<u8>) -> GhoidcStatus, req: &Value) -> (GhoidcStatus, Value) {
    let bytes = serde_json::to_vec(req).unwrap();
    let status = f(FFISlice::from_slice(&bytes));
    let mut buf = vec![0u8; ghoidc_result_len() as usize];
    let n = ghoidc_result_copy(FFISliceMut::from_slice(&mut buf));
    assert_eq!(n as usize, buf.len());
    (status, serde_json::from_slice(&buf).unwrap())
}

fn test(req: &Value) -> Value {
    let (status, v) = call(ghoidc_test_trust_policy, req);
    assert_eq!(status, GhoidcStatus::Ok, "{v}");
    v
}

fn invalid(req: &Value) -> String {
    let (status, v) = call(ghoidc_test_trust_policy, req);
    assert_eq!(status, GhoidcStatus::InvalidArgument, "{v}");
    assert_eq!(v["kind"], "InvalidArgument");
    v["message"].as_str().unwrap().to_string()
}

fn aws_policy(sub: &str) -> String {
    json!({
        "Version": "2012-10-17",
        "Statement": [{
            "Sid": "GitHub",
            "Effect": "Allow",
            "Principal": { "Federated": format!("arn:aws:iam::123456789012:oidc-provider/{HOST}") },
            "Action": "sts:AssumeRoleWithWebIdentity",
            "Condition": { "StringEquals": {
                format!("{HOST}:aud"): "sts.amazonaws.com",
                format!("{HOST}:sub"): sub,
            } }
        }]
    })
    .to_string()
}

/// A signed token (decoding does not verify it; any well-formed JWT would do).
fn jwt(claims: &Value) -> String {
    use jsonwebtoken::{encode, Algorithm, EncodingKey, Header};
    let mut header = Header::new(Algorithm::RS256);
    header.kid = Some(fake_github::TEST_SIGNING_KEY_KID.to_string());
    let key = EncodingKey::from_rsa_pem(fake_github::TEST_SIGNING_KEY_PEM.as_bytes()).unwrap();
    encode(&header, claims, &key).unwrap()
}

#[test]
fn allowed_and_denied_with_both_values() {
    let v = test(&json!({
        "provider": "aws",
        "policy": aws_policy(LEGACY),
        "jobs": [{ "subject": LEGACY }, { "subject": IMMUTABLE }],
    }));
    assert_eq!(v["provider"], "aws");
    let results = v["results"].as_array().unwrap();
    assert_eq!(results.len(), 2);
    assert_eq!(results[0]["allowed"], true, "{v}");
    assert_eq!(results[0]["evaluable"], true);
    assert!(
        results[0]["matched_by"].as_str().unwrap().contains("Statement"),
        "{v}"
    );
    assert_eq!(results[0]["audience"], "sts.amazonaws.com");
    assert_eq!(results[0]["issuer"], format!("https://{HOST}"));
    assert_eq!(results[1]["allowed"], false, "{v}");
    assert_eq!(results[1]["evaluable"], true);
    assert!(results[1]["matched_by"].is_null());
    let reason = results[1]["reasons"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["condition"].as_str().unwrap().ends_with(":sub"))
        .unwrap_or_else(|| panic!("no sub reason: {v}"));
    assert_eq!(reason["expected"], LEGACY);
    assert_eq!(reason["actual"], IMMUTABLE);
    assert_eq!(reason["operator"], "StringEquals");
    assert!(reason["note"].as_str().unwrap().contains("immutable"), "{v}");
    let text = reason["text"].as_str().unwrap();
    assert!(
        text.contains(LEGACY) && text.contains(IMMUTABLE) && text.contains(":sub"),
        "{text}"
    );
    assert!(results[1]["suggestion"].is_string(), "{v}");
}

#[test]
fn a_policy_written_by_trust_policy_admits_its_subject() {
    for provider in ["Aws", "Azure", "Gcp", "Vault"] {
        let (status, written) = call(
            ghoidc_trust_policy,
            &json!({ "provider": provider, "subjects": [LEGACY], "aws_account_id": "123456789012" }),
        );
        assert_eq!(status, GhoidcStatus::Ok, "{written}");
        let documents = written["documents"].as_array().unwrap();
        // Azure answers one credential per subject; the evaluator takes a list.
        let policy = if provider == "Azure" {
            let list: Vec<Value> = documents
                .iter()
                .map(|d| serde_json::from_str(d.as_str().unwrap()).unwrap())
                .collect();
            Value::Array(list).to_string()
        } else {
            documents[0].as_str().unwrap().to_string()
        };
        let mut job = json!({ "subject": LEGACY });
        if provider == "Vault" {
            job["claims"] = json!({ "repository_owner": "octo" });
        }
        let v = test(&json!({ "provider": provider, "policy": policy, "jobs": [job] }));
        assert_eq!(v["results"][0]["allowed"], true, "{provider}: {v}");
    }
}

#[test]
fn cannot_evaluate_is_never_allowed() {
    let gcp = json!({
        "name": "projects/123456/locations/global/workloadIdentityPools/github/providers/gh",
        "attributeMapping": { "google.subject": "assertion.sub" },
        "attributeCondition": "size(assertion.sub) == 3",
        "oidc": { "issuerUri": format!("https://{HOST}") }
    })
    .to_string();
    let v = test(&json!({ "provider": "GCP", "policy": gcp, "jobs": [{ "subject": LEGACY }] }));
    let r = &v["results"][0];
    assert_eq!(r["allowed"], false, "{v}");
    assert_eq!(r["evaluable"], false, "{v}");
    assert!(!r["reasons"].as_array().unwrap().is_empty());
}

#[test]
fn a_token_gives_sub_aud_iss_and_every_claim() {
    let claims = json!({
        "sub": "repo:octo/api:environment:npm",
        "aud": "npm:registry.npmjs.org",
        "iss": format!("https://{HOST}"),
        "repository": "octo/api",
        "repository_owner": "octo",
        "workflow_ref": "octo/api/.github/workflows/publish.yml@refs/heads/main",
        "environment": "npm",
        "iat": 1_700_000_000,
    });
    let record = json!({ "type": "github", "repository": "octo/api", "file": "publish.yml", "env": "npm" })
        .to_string();
    let v = test(&json!({ "provider": "Npm", "policy": record, "jobs": [{ "token": jwt(&claims) }] }));
    let r = &v["results"][0];
    assert_eq!(r["allowed"], true, "{v}");
    assert_eq!(r["subject"], "repo:octo/api:environment:npm");
    assert_eq!(r["audience"], "npm:registry.npmjs.org");
    // A claim given next to the token takes precedence over the token's.
    let v = test(&json!({
        "provider": "npm",
        "policy": record,
        "jobs": [{ "token": jwt(&claims), "claims": { "workflow_ref": "octo/api/.github/workflows/other.yml@refs/heads/main" } }],
    }));
    let r = &v["results"][0];
    assert_eq!(r["allowed"], false, "{v}");
    assert!(r["reasons"].to_string().contains("other.yml"), "{v}");
}

#[test]
fn the_enterprise_issuer_comes_from_the_request() {
    let v = test(&json!({
        "provider": "aws",
        "policy": aws_policy(LEGACY),
        "jobs": [{ "subject": LEGACY }],
        "enterprise": "octocat-inc",
    }));
    let r = &v["results"][0];
    assert_eq!(r["issuer"], format!("https://{HOST}/octocat-inc"), "{v}");
    assert_eq!(r["allowed"], false, "{v}");
    // A job's own issuer wins over the request's.
    let v = test(&json!({
        "provider": "aws",
        "policy": aws_policy(LEGACY),
        "jobs": [{ "subject": LEGACY, "issuer": format!("https://{HOST}/") }],
        "enterprise": "octocat-inc",
    }));
    assert_eq!(v["results"][0]["allowed"], true, "{v}");
}

#[test]
fn policy_level_warnings_are_answered_once() {
    let creds: Vec<Value> = (0..21)
        .map(|i| {
            json!({
                "name": format!("c{i}"),
                "issuer": format!("https://{HOST}"),
                "subject": format!("repo:octo/api:environment:e{i}"),
                "audiences": ["api://AzureADTokenExchange"],
            })
        })
        .collect();
    let v = test(&json!({
        "provider": "azure",
        "policy": Value::Array(creds).to_string(),
        "jobs": [{ "subject": "repo:octo/api:environment:e3" }],
    }));
    assert_eq!(v["results"][0]["allowed"], true, "{v}");
    assert!(v["warnings"].to_string().contains("20"), "{v}");
}

#[test]
fn malformed_input_is_invalid_argument() {
    let m = invalid(&json!({ "provider": "aws", "policy": "{not json", "jobs": [{ "subject": LEGACY }] }));
    assert!(m.contains("not valid JSON"), "{m}");
    let m = invalid(
        &json!({ "provider": "aws", "policy": "{\"Statement\": 5}", "jobs": [{ "subject": LEGACY }] }),
    );
    assert!(m.contains("malformed") && m.contains("Statement"), "{m}");
    let m = invalid(&json!({ "provider": "Oracle", "policy": "{}", "jobs": [{ "subject": LEGACY }] }));
    assert!(m.contains("Oracle"), "{m}");
    let m = invalid(&json!({ "provider": "aws", "policy": aws_policy(LEGACY), "jobs": [] }));
    assert!(m.contains("No job"), "{m}");
    let m =
        invalid(&json!({ "provider": "aws", "policy": aws_policy(LEGACY), "jobs": [{ "audience": "x" }] }));
    assert!(m.contains("jobs[0]"), "{m}");
    let m =
        invalid(&json!({ "provider": "aws", "policy": aws_policy(LEGACY), "jobs": [{ "token": "a.b" }] }));
    assert!(m.contains("token cannot be decoded"), "{m}");
    let m = invalid(
        &json!({ "provider": "aws", "policy": aws_policy(LEGACY), "jobs": [{ "subject": LEGACY, "sub": "x" }] }),
    );
    assert!(m.contains("jobs[0].sub"), "{m}");
}

#[test]
fn a_repository_state_is_tested_in_both_forms_with_the_claims_of_each() {
    // The migration view: the native layer computes the repository's current and immutable
    // subjects from its names, IDs and the job's branch (PowerShell only passes the state).
    let v = test(&json!({
        "provider": "aws",
        "policy": aws_policy(LEGACY),
        "jobs": [{ "audience": "sts.amazonaws.com" }],
        "repository": {
            "owner": "octo", "repository": "api", "owner_id": 11, "repository_id": 22,
            "branch": "main"
        },
    }));
    let results = v["results"].as_array().unwrap();
    assert_eq!(results.len(), 2, "{v}");
    assert_eq!(results[0]["form"], "Current");
    assert_eq!(results[0]["subject"], LEGACY);
    assert_eq!(results[0]["allowed"], true, "{v}");
    assert_eq!(results[1]["form"], "Immutable");
    assert_eq!(results[1]["subject"], IMMUTABLE);
    assert_eq!(results[1]["allowed"], false, "{v}");
    // A repository already on immutable subjects: both forms are its immutable subject.
    let v = test(&json!({
        "provider": "aws",
        "policy": aws_policy(IMMUTABLE),
        "jobs": [{}],
        "repository": {
            "owner": "octo", "repository": "api", "owner_id": 11, "repository_id": 22,
            "branch": "main", "use_immutable_subject": true
        },
    }));
    let subjects: Vec<&str> = v["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["subject"].as_str().unwrap())
        .collect();
    assert_eq!(subjects, [IMMUTABLE, IMMUTABLE], "{v}");
    // Plain jobs carry no form; the view takes exactly one job.
    let plain =
        test(&json!({ "provider": "aws", "policy": aws_policy(LEGACY), "jobs": [{ "subject": LEGACY }] }));
    assert!(plain["results"][0].get("form").is_none(), "{plain}");
    let two = invalid(&json!({
        "provider": "aws",
        "policy": aws_policy(LEGACY),
        "jobs": [{}, {}],
        "repository": { "owner": "octo", "repository": "api", "owner_id": 11, "repository_id": 22 },
    }));
    assert!(two.contains("exactly one job"), "{two}");
}

#[test]
fn trust_risk_examples_are_admitted_by_test_trust_policy() {
    let policy = json!({
        "Version": "2012-10-17",
        "Statement": [{
            "Effect": "Allow",
            "Principal": { "Federated": format!("arn:aws:iam::123456789012:oidc-provider/{HOST}") },
            "Action": "sts:AssumeRoleWithWebIdentity",
            "Condition": { "StringLike": { format!("{HOST}:sub"): "repo:octo/*" } }
        }]
    })
    .to_string();
    let (status, v) = call(
        ghoidc_trust_risk,
        &json!({ "provider": "Aws", "policy": policy, "owner": "octo", "repository": "api", "owner_id": "11" }),
    );
    assert_eq!(status, GhoidcStatus::Ok, "{v}");
    assert_eq!(v["provider"], "aws");
    assert_eq!(v["owner"], "octo");
    let risks = v["risks"].as_array().unwrap();
    let kinds: Vec<&str> = risks.iter().map(|r| r["kind"].as_str().unwrap()).collect();
    for k in [
        "AnyRepositoryOfOwner",
        "NameBasedSubject",
        "AnyRef",
        "PullRequest",
        "NoAudience",
    ] {
        assert!(kinds.contains(&k), "{kinds:?}");
    }
    assert!(!kinds.contains(&"AnyRepository"), "{kinds:?}");
    for r in risks {
        let e = &r["example"];
        let mut job = json!({ "subject": e["subject"], "issuer": e["issuer"], "claims": e["claims"] });
        if !e["audience"].is_null() {
            job["audience"] = e["audience"].clone();
        }
        let verdict = test(&json!({ "provider": "aws", "policy": policy, "jobs": [job] }));
        assert_eq!(verdict["results"][0]["allowed"], true, "{r}\n{verdict}");
    }
    let named = risks.iter().find(|r| r["kind"] == "NameBasedSubject").unwrap();
    assert!(named["suggestion"]
        .as_str()
        .unwrap()
        .contains("repo:octo@11/api@REPOSITORY_ID"));
    // A malformed policy and an unknown provider are InvalidArgument.
    let (status, _) = call(ghoidc_trust_risk, &json!({ "provider": "Aws", "policy": "{}" }));
    assert_eq!(status, GhoidcStatus::InvalidArgument);
    let (status, _) = call(ghoidc_trust_risk, &json!({ "provider": "nope", "policy": "{}" }));
    assert_eq!(status, GhoidcStatus::InvalidArgument);
}
