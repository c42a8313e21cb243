//! The subject-preview, token and trust-policy exports, called through the C ABI with the
//! JSON requests the C# facade sends (offline, live against the fake server, token).

use fake_github::{TEST_SIGNING_KEY_KID, TEST_SIGNING_KEY_PEM};
use github_oidc::{
    ghoidc_decode_token, ghoidc_resolve_subject, ghoidc_result_copy, ghoidc_result_len, ghoidc_trust_policy,
    ghoidc_verify_token, GhoidcStatus,
};
use interoptopus::patterns::slice::{FFISlice, FFISliceMut};
use jsonwebtoken::{encode, Algorithm, EncodingKey, Header};
use serde_json::{json, Value};

fn call(f: extern "C" fn(FFISlice<u8>) -> GhoidcStatus, req: &Value) -> (GhoidcStatus, Value) {
    let bytes = serde_json::to_vec(req).unwrap();
    let status = f(FFISlice::from_slice(&bytes));
    let mut buf = vec![0u8; ghoidc_result_len() as usize];
    let n = ghoidc_result_copy(FFISliceMut::from_slice(&mut buf));
    assert_eq!(n as usize, buf.len());
    (status, serde_json::from_slice(&buf).unwrap())
}

fn ok(f: extern "C" fn(FFISlice<u8>) -> GhoidcStatus, req: &Value) -> Value {
    let (status, v) = call(f, req);
    assert_eq!(status, GhoidcStatus::Ok, "{v}");
    v
}

fn now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

fn sign(claims: &Value) -> String {
    let mut header = Header::new(Algorithm::RS256);
    header.kid = Some(TEST_SIGNING_KEY_KID.to_string());
    encode(
        &header,
        claims,
        &EncodingKey::from_rsa_pem(TEST_SIGNING_KEY_PEM.as_bytes()).unwrap(),
    )
    .unwrap()
}

#[test]
fn offline_subject() {
    let v = ok(
        ghoidc_resolve_subject,
        &json!({
            "claims": {"repository": "octo-org/octo-repo", "environment": "production:eastus", "repository_owner": "octo-org"},
            "include_claim_keys": ["environment", "repository_owner"],
            "use_immutable_subject": false,
        }),
    );
    assert_eq!(
        v["subject"],
        "environment:production%3Aeastus:repository_owner:octo-org"
    );
    assert_eq!(v["source"], "Given");
    assert_eq!(v["used_claims"]["environment"], "production:eastus");

    let (status, err) = call(
        ghoidc_resolve_subject,
        &json!({"claims": {"repository": "o/r", "ref": "refs/heads/main"}, "include_claim_keys": ["environment"]}),
    );
    assert_eq!(status, GhoidcStatus::InvalidArgument);
    assert!(
        err["message"].as_str().unwrap().contains("`environment`"),
        "{err}"
    );

    let (status, _) = call(ghoidc_resolve_subject, &json!({"owner": "o"}));
    assert_eq!(status, GhoidcStatus::InvalidArgument);
}

#[test]
fn live_subject_and_verification() {
    let s = fake_github::spawn_blocking_server(None).unwrap();
    let context = json!({"api_base_uri": s.base_url, "issuer_uri": s.base_url, "token": "test-admin-token", "max_retries": 0});
    let v = ok(
        ghoidc_resolve_subject,
        &json!({"context": context, "owner": "octo-org", "repository": "new-repo", "claims": {"ref": "refs/heads/main"}, "use_immutable_subject": false}),
    );
    assert_eq!(v["subject"], "repo:octo-org@100/new-repo@201:ref:refs/heads/main");
    assert_eq!(v["source"], "Default");
    assert_eq!(v["immutable"], true);
    assert_eq!(v["sub_claim_prefix"], "repo:octo-org@100/new-repo@201");

    let t = now();
    let claims = json!({
        "iss": s.base_url, "aud": "sts.amazonaws.com", "sub": "repo:octo-org/octo-repo:ref:refs/heads/main",
        "repository": "octo-org/octo-repo", "ref": "refs/heads/main", "iat": t, "nbf": t, "exp": t + 300,
    });
    let jwt = sign(&claims);
    let v = ok(
        ghoidc_verify_token,
        &json!({"context": context, "token": jwt, "audience": "sts.amazonaws.com"}),
    );
    assert_eq!(v["valid"], true, "{v}");
    assert_eq!(v["failures"], json!([]));
    let v = ok(
        ghoidc_verify_token,
        &json!({"context": context, "token": jwt, "audience": "other"}),
    );
    assert_eq!(v["valid"], false);
    assert_eq!(v["failures"].as_array().unwrap().len(), 1);

    let v = ok(ghoidc_resolve_subject, &json!({"token": jwt}));
    assert_eq!(v["matches"], true);
    assert_eq!(v["token_subject"], "repo:octo-org/octo-repo:ref:refs/heads/main");

    let v = ok(ghoidc_decode_token, &json!({"token": jwt}));
    assert_eq!(v["verified"], false);
    assert_eq!(v["header"]["kid"], TEST_SIGNING_KEY_KID);
    assert_eq!(v["claims"]["aud"], "sts.amazonaws.com");
    let (status, _) = call(ghoidc_decode_token, &json!({"token": "not-a-jwt"}));
    assert_eq!(status, GhoidcStatus::InvalidArgument);
}

#[test]
fn trust_policies_are_json_text() {
    for provider in ["Aws", "Azure", "Gcp", "Vault"] {
        let v = ok(
            ghoidc_trust_policy,
            &json!({
                "provider": provider,
                "subjects": ["repo:octo-org/octo-repo:ref:refs/heads/main"],
                "issuer": "https://token.actions.githubusercontent.com",
            }),
        );
        assert_eq!(v["issuer"], "https://token.actions.githubusercontent.com");
        for document in v["documents"].as_array().unwrap() {
            let text = document.as_str().unwrap();
            assert!(text.contains('\n'), "indented");
            let parsed: Value = serde_json::from_str(text).unwrap();
            assert!(parsed.is_object());
        }
    }
    let (status, err) = call(
        ghoidc_trust_policy,
        &json!({"provider": "Azure", "subjects": ["repo:o/*"], "issuer": "https://token.actions.githubusercontent.com"}),
    );
    assert_eq!(status, GhoidcStatus::InvalidArgument);
    assert!(err["message"].as_str().unwrap().contains("wildcard"), "{err}");
    let (status, _) = call(
        ghoidc_trust_policy,
        &json!({"provider": "Nope", "subjects": ["x"], "issuer": "https://x"}),
    );
    assert_eq!(status, GhoidcStatus::InvalidArgument);
}
