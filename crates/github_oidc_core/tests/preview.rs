//! Subject preview and token verification against the fake GitHub server: effective
//! templates (default, repository, organization, immutable prefix), live subjects, and ID
//! tokens signed with the test key (valid, expired, wrong audience, unknown key, tampered,
//! disallowed issuer, enterprise-scoped).

mod common;

use common::server;
use fake_github::{BlockingServer, TEST_SIGNING_KEY_KID, TEST_SIGNING_KEY_PEM};
use github_oidc_core::preview::{self, Source};
use github_oidc_core::{Context, ErrorKind};
use jsonwebtoken::{encode, Algorithm, EncodingKey, Header};
use serde_json::{json, Value};
use std::collections::BTreeMap;

/// Another RSA key, not in the fake's JWKS.
const OTHER_KEY_PEM: &str = include_str!("../../github_oidc_claims/tests/fixtures/test_rsa_key.pem");

fn ctx(s: &BlockingServer) -> Context {
    common::context(s, |o| {
        o.timeout_sec = Some(10.0);
        o.max_retries = Some(0);
    })
}

fn claims(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

fn paths(s: &BlockingServer) -> Vec<String> {
    s.requests()
        .iter()
        .map(|r| format!("{} {}", r.method, r.path))
        .collect()
}

fn now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

fn sign_with(claims: &Value, pem: &str, kid: &str) -> String {
    let mut header = Header::new(Algorithm::RS256);
    header.kid = Some(kid.to_string());
    encode(
        &header,
        claims,
        &EncodingKey::from_rsa_pem(pem.as_bytes()).unwrap(),
    )
    .unwrap()
}

fn sign(claims: &Value) -> String {
    sign_with(claims, TEST_SIGNING_KEY_PEM, TEST_SIGNING_KEY_KID)
}

fn token_claims(iss: &str) -> Value {
    let t = now();
    json!({
        "iss": iss,
        "aud": "https://github.com/octo-org",
        "sub": "repo:octo-org/octo-repo:ref:refs/heads/main",
        "repository": "octo-org/octo-repo",
        "repository_owner": "octo-org",
        "repository_id": "200",
        "repository_owner_id": "100",
        "ref": "refs/heads/main",
        "event_name": "push",
        "iat": t - 10,
        "nbf": t - 10,
        "exp": t + 290,
    })
}

#[test]
fn effective_templates() {
    let s = server();
    let c = ctx(&s);
    let e = preview::effective_template(&c, "octo-org", "octo-repo").unwrap();
    assert_eq!(e.source, Source::Default);
    assert_eq!(e.include_claim_keys, ["repo", "context"]);
    assert_eq!(e.sub_claim_prefix.as_deref(), Some("repo:octo-org/octo-repo"));

    let e = preview::effective_template(&c, "custom-org", "own-template").unwrap();
    assert_eq!(e.source, Source::Repository);
    assert_eq!(e.include_claim_keys, ["repo", "context", "job_workflow_ref"]);

    let e = preview::effective_template(&c, "custom-org", "opted-in").unwrap();
    assert_eq!(e.source, Source::Organization);
    assert_eq!(e.include_claim_keys, ["repository_owner_id", "context"]);

    // Opted in to an organization that never customised its template: the default applies.
    s.update_state(|st| st.repo_mut("octo-org", "octo-repo").unwrap().use_default = false);
    let e = preview::effective_template(&c, "octo-org", "octo-repo").unwrap();
    assert_eq!(e.source, Source::Default);
    assert_eq!(e.include_claim_keys, ["repo", "context"]);

    let err = preview::effective_template(&c, "octo-org", "missing").unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotFound);
}

#[test]
fn live_default_repository() {
    let s = server();
    let c = ctx(&s);
    let p = preview::resolve_live(
        &c,
        "octo-org",
        "octo-repo",
        &claims(&[("environment", "Production")]),
    )
    .unwrap();
    assert_eq!(
        p.subject.subject,
        "repo:octo-org/octo-repo:environment:Production"
    );
    assert_eq!(p.source, Source::Default);
    assert!(!p.subject.immutable);
    assert_eq!(p.sub_claim_prefix.as_deref(), Some("repo:octo-org/octo-repo"));
    // The immutable alternative, with IDs read from the repository.
    assert_eq!(
        p.subject.immutable_subject.as_deref(),
        Some("repo:octo-org@100/octo-repo@200:environment:Production")
    );
    assert!(paths(&s).contains(&"GET /repos/octo-org/octo-repo".to_string()));

    let p = preview::resolve_live(
        &c,
        "octo-org",
        "octo-repo",
        &claims(&[("event_name", "pull_request"), ("ref", "refs/pull/1/merge")]),
    )
    .unwrap();
    assert_eq!(p.subject.subject, "repo:octo-org/octo-repo:pull_request");

    // The live path fills `repository` itself: a caller's value does not win.
    let p = preview::resolve_live(
        &c,
        "octo-org",
        "octo-repo",
        &claims(&[("ref", "refs/tags/v1"), ("repository", "evil/other")]),
    )
    .unwrap();
    assert_eq!(p.subject.subject, "repo:octo-org/octo-repo:ref:refs/tags/v1");
}

#[test]
fn live_own_template_and_missing_claim() {
    let s = server();
    let c = ctx(&s);
    let wf = "custom-org/own-template/.github/workflows/ci.yml@refs/heads/main";
    let p = preview::resolve_live(
        &c,
        "custom-org",
        "own-template",
        &claims(&[("ref", "refs/heads/main"), ("job_workflow_ref", wf)]),
    )
    .unwrap();
    assert_eq!(p.source, Source::Repository);
    assert_eq!(
        p.subject.subject,
        format!("repo:custom-org/own-template:ref:refs/heads/main:job_workflow_ref:{wf}")
    );

    // A claim the job lacks renders the key empty, as GitHub does.
    let p = preview::resolve_live(
        &c,
        "custom-org",
        "own-template",
        &claims(&[("ref", "refs/heads/main")]),
    )
    .unwrap();
    assert_eq!(
        p.subject.subject,
        "repo:custom-org/own-template:ref:refs/heads/main:job_workflow_ref:"
    );
}

#[test]
fn live_organization_template_reads_owner_id() {
    let s = server();
    let c = ctx(&s);
    let p = preview::resolve_live(
        &c,
        "custom-org",
        "opted-in",
        &claims(&[("ref", "refs/heads/main")]),
    )
    .unwrap();
    assert_eq!(p.source, Source::Organization);
    assert_eq!(p.subject.include_claim_keys, ["repository_owner_id", "context"]);
    assert_eq!(p.subject.subject, "repository_owner_id:101:ref:refs/heads/main");
    let log = paths(&s);
    assert!(
        log.contains(&"GET /orgs/custom-org/actions/oidc/customization/sub".to_string()),
        "{log:?}"
    );
    assert!(
        log.contains(&"GET /repos/custom-org/opted-in".to_string()),
        "{log:?}"
    );
}

#[test]
fn live_immutable_prefix_wins_over_flag() {
    let s = server();
    let c = ctx(&s);
    let p =
        preview::resolve_live(&c, "octo-org", "new-repo", &claims(&[("ref", "refs/heads/main")])).unwrap();
    assert_eq!(p.use_immutable_subject, Some(false));
    assert_eq!(
        p.sub_claim_prefix.as_deref(),
        Some("repo:octo-org@100/new-repo@201")
    );
    assert_eq!(
        p.subject.subject,
        "repo:octo-org@100/new-repo@201:ref:refs/heads/main"
    );
    assert!(p.subject.immutable);
    assert_eq!(
        p.subject.legacy_subject.as_deref(),
        Some("repo:octo-org/new-repo:ref:refs/heads/main")
    );
    assert!(
        p.warnings.iter().any(|w| w.contains("2026-07-15")),
        "{:?}",
        p.warnings
    );
    // IDs come from the prefix: the repository itself is not read.
    assert!(!paths(&s).contains(&"GET /repos/octo-org/new-repo".to_string()));
}

#[test]
fn offline_and_token_subjects_make_no_request() {
    let p = preview::resolve_offline(
        &claims(&[("repository", "octo-org/octo-repo"), ("ref", "refs/heads/main")]),
        None,
        false,
    )
    .unwrap();
    assert_eq!(p.subject.subject, "repo:octo-org/octo-repo:ref:refs/heads/main");
    assert_eq!(p.source, Source::Default);
    let keys = vec!["repository_owner".to_string()];
    let p =
        preview::resolve_offline(&claims(&[("repository_owner", "octo-org")]), Some(&keys), false).unwrap();
    assert_eq!(p.source, Source::Given);
    assert_eq!(p.subject.subject, "repository_owner:octo-org");

    let jwt = sign(&token_claims("https://token.actions.githubusercontent.com"));
    let p = preview::resolve_token(&jwt, None, false).unwrap();
    assert_eq!(p.matches, Some(true));
    assert_eq!(
        p.token_subject.as_deref(),
        Some("repo:octo-org/octo-repo:ref:refs/heads/main")
    );

    let mut c = token_claims("https://token.actions.githubusercontent.com");
    c["sub"] = json!("repo:octo-org@100/octo-repo@200:ref:refs/heads/main");
    let p = preview::resolve_token(&sign(&c), None, false).unwrap();
    assert!(p.subject.immutable);
    assert_eq!(p.matches, Some(true));

    c["sub"] = json!("repo:octo-org/octo-repo:environment:prod");
    let p = preview::resolve_token(&sign(&c), None, false).unwrap();
    assert_eq!(p.matches, Some(false));
    assert!(!p.warnings.is_empty());
}

#[test]
fn verify_valid_then_cached() {
    let s = server();
    let c = ctx(&s);
    let jwt = sign(&token_claims(&s.base_url));
    let v = preview::verify_token(&c, &jwt, Some("https://github.com/octo-org"), None).unwrap();
    assert!(v.verification.valid, "{:?}", v.verification.failures);
    assert!(!v.verification.enterprise_scoped);
    assert_eq!(v.jwks_uri.as_deref(), Some(s.url("/.well-known/jwks").as_str()));
    assert_eq!(
        paths(&s),
        ["GET /.well-known/openid-configuration", "GET /.well-known/jwks"].map(String::from)
    );
    s.clear_requests();
    let v = preview::verify_token(&c, &jwt, None, None).unwrap();
    assert!(v.verification.valid);
    assert!(paths(&s).is_empty(), "JWKS and discovery are cached");
}

fn failed(v: &preview::TokenVerification) -> Vec<String> {
    v.verification
        .checks
        .iter()
        .filter(|c| !c.passed)
        .map(|c| c.name.clone())
        .collect()
}

#[test]
fn verify_rejects_bad_tokens() {
    let s = server();
    let c = ctx(&s);

    let mut expired = token_claims(&s.base_url);
    expired["exp"] = json!(now() - 3600);
    expired["iat"] = json!(now() - 4000);
    expired["nbf"] = json!(now() - 4000);
    let v = preview::verify_token(&c, &sign(&expired), None, None).unwrap();
    assert!(!v.verification.valid);
    assert_eq!(failed(&v), ["expiry"]);

    let v = preview::verify_token(
        &c,
        &sign(&token_claims(&s.base_url)),
        Some("sts.amazonaws.com"),
        None,
    )
    .unwrap();
    assert_eq!(failed(&v), ["audience"]);
    assert!(v.verification.failures[0].contains("sts.amazonaws.com"));

    let good = sign(&token_claims(&s.base_url));
    let mut parts: Vec<String> = good.split('.').map(String::from).collect();
    let mut tampered = token_claims(&s.base_url);
    tampered["ref"] = json!("refs/heads/evil");
    use base64::Engine as _;
    parts[1] = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(tampered.to_string());
    let v = preview::verify_token(&c, &parts.join("."), None, None).unwrap();
    assert_eq!(failed(&v), ["signature"]);
}

#[test]
fn verify_unknown_key_refreshes_once() {
    let s = server();
    let c = ctx(&s);
    // Warm the cache.
    preview::verify_token(&c, &sign(&token_claims(&s.base_url)), None, None).unwrap();
    s.clear_requests();
    let jwt = sign_with(&token_claims(&s.base_url), OTHER_KEY_PEM, "rotated-key");
    let v = preview::verify_token(&c, &jwt, None, None).unwrap();
    assert!(v.keys_refreshed);
    assert_eq!(failed(&v), ["key", "signature"]);
    assert!(v.verification.failures[0].contains("rotated-key"));
    assert_eq!(paths(&s), ["GET /.well-known/jwks"]);
}

#[test]
fn verify_never_fetches_from_a_disallowed_issuer() {
    let s = server();
    let c = ctx(&s);
    let jwt = sign(&token_claims("https://evil.example.com"));
    let v = preview::verify_token(&c, &jwt, None, None).unwrap();
    assert!(!v.verification.valid);
    assert!(failed(&v).contains(&"issuer".to_string()));
    assert!(v.jwks_uri.is_none());
    assert!(paths(&s).is_empty(), "no request for a disallowed issuer");

    // The enterprise-scoped issuer of another enterprise than the one asked for.
    let mut other = token_claims(&format!("{}/other-ent", s.base_url));
    other["enterprise"] = json!("other-ent");
    let v = preview::verify_token(&c, &sign(&other), None, Some("octocat-inc")).unwrap();
    assert!(failed(&v).contains(&"issuer".to_string()));
    assert!(paths(&s).is_empty());
}

#[test]
fn verify_enterprise_scoped_token() {
    let s = server();
    let c = ctx(&s);
    let mut claims = token_claims(&format!("{}/octocat-inc", s.base_url));
    claims["enterprise"] = json!("octocat-inc");
    let v = preview::verify_token(&c, &sign(&claims), Some("https://github.com/octo-org"), None).unwrap();
    assert!(v.verification.valid, "{:?}", v.verification.failures);
    assert!(v.verification.enterprise_scoped);
    assert!(
        v.verification
            .warnings
            .iter()
            .any(|w| w.contains("will reject it")),
        "{:?}",
        v.verification.warnings
    );
    assert_eq!(
        paths(&s),
        [
            "GET /octocat-inc/.well-known/openid-configuration",
            "GET /octocat-inc/.well-known/jwks"
        ]
        .map(String::from)
    );
    // With -Enterprise the same token passes too.
    let v = preview::verify_token(&c, &sign(&claims), None, Some("octocat-inc")).unwrap();
    assert!(v.verification.valid);

    // A token whose `enterprise` claim does not match the slug fails that check.
    claims["enterprise"] = json!("someone-else");
    let v = preview::verify_token(&c, &sign(&claims), None, None).unwrap();
    assert_eq!(failed(&v), ["enterprise"]);
}

#[test]
fn live_uses_names_as_github_spells_them() {
    let s = server();
    let c = ctx(&s);
    let p = preview::resolve_live(
        &c,
        "Custom-Org",
        "Own-Template",
        &claims(&[
            ("ref", "refs/heads/main"),
            (
                "job_workflow_ref",
                "custom-org/w/.github/workflows/a.yml@refs/heads/main",
            ),
        ]),
    )
    .unwrap();
    assert!(
        p.subject.subject.starts_with("repo:custom-org/own-template:"),
        "{}",
        p.subject.subject
    );
    assert_eq!(
        p.subject
            .immutable_subject
            .as_deref()
            .map(|s| s.starts_with("repo:custom-org@101/own-template@203:")),
        Some(true),
        "{:?}",
        p.subject.immutable_subject
    );
    assert_eq!(p.owner.as_deref(), Some("custom-org"));
}

#[test]
fn verify_rejects_a_discovery_document_that_names_another_issuer() {
    let s = server();
    let c = ctx(&s);
    let body = json!({ "issuer": "https://attacker.example", "jwks_uri": s.url("/.well-known/jwks"), "claims_supported": [] });
    s.push_fault(
        fake_github::Fault::new(200)
            .path_prefix("/.well-known/openid-configuration")
            .times(1)
            .body(&body.to_string()),
    );
    let jwt = sign(&token_claims(&s.base_url));
    let v = preview::verify_token(&c, &jwt, None, None).unwrap();
    assert!(!v.verification.valid);
    assert!(
        v.verification
            .failures
            .iter()
            .any(|f| f.contains("names the issuer https://attacker.example")),
        "{:?}",
        v.verification.failures
    );
    assert!(
        !paths(&s).iter().any(|p| p.ends_with("/jwks")),
        "no keys from a mismatching document"
    );
}
