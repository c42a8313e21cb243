//! Token decoding and verification against a JWKS, with tokens signed by a fixed test key.

use github_oidc_claims::token::{
    decode, enterprise_slug_of_issuer, kid_in_jwks, verify, TokenError, Verification, VerifyOptions,
    STANDARD_ISSUER,
};
use jsonwebtoken::{encode, Algorithm, EncodingKey, Header};
use serde_json::{json, Value};

/// A throwaway 2048-bit RSA key (PKCS#8), generated for these tests only.
const TEST_KEY_PEM: &str = include_str!("fixtures/test_rsa_key.pem");
/// The public modulus / exponent of [`TEST_KEY_PEM`], base64url.
const TEST_N: &str = "qp2mwm38apX99YVd1hsmiQs-wvjP71uG38xuFY6VNepP0Fl8Lz1MZdIjLGrjwk44RRe4B8JiySFjYVzbhkMSAMErIKEdpjdJvJleZYd-x5ERR61KuKK4k8ahz-Nw12p2Nls_2tFBNYSKxdmRjpZJ0ewS1JPDgPikYZynM3CU0yyHBm1lTlyzs9MuN1LkskqCkijKscND4DsOuruQPg1L99DYmovvrGOuzmkWEocrL5LliKdigYi0MY6bQNhjMXXZzAf7Z0mJUIMNCOUfvNybpInENdHk3ivmNGEEwEQddnwpyxzh74AHWYAJ8kK2ZGyWqOoXW6bKCXlJdlm_k7rnjw";
const TEST_E: &str = "AQAB";
const KID: &str = "test-kid-1";
const NOW: u64 = 1_790_000_000;
const AUD: &str = "https://github.com/octo-org";

fn jwks() -> String {
    json!({"keys": [{"kty": "RSA", "alg": "RS256", "use": "sig", "kid": KID, "n": TEST_N, "e": TEST_E}]})
        .to_string()
}

fn claims() -> Value {
    json!({
        "iss": STANDARD_ISSUER,
        "aud": AUD,
        "sub": "repo:octo-org/octo-repo:ref:refs/heads/main",
        "repository": "octo-org/octo-repo",
        "ref": "refs/heads/main",
        "iat": NOW - 10,
        "nbf": NOW - 10,
        "exp": NOW + 290,
    })
}

fn sign(claims: &Value, kid: &str) -> String {
    let mut header = Header::new(Algorithm::RS256);
    header.kid = Some(kid.to_string());
    let key = EncodingKey::from_rsa_pem(TEST_KEY_PEM.as_bytes()).unwrap();
    encode(&header, claims, &key).unwrap()
}

fn issuers(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| s.to_string()).collect()
}

fn run(jwt: &str, audience: Option<&str>, allowed: &[String]) -> Verification {
    verify(
        jwt,
        &jwks(),
        &VerifyOptions {
            audience,
            allowed_issuers: allowed,
            now: NOW,
            leeway_secs: 60,
        },
    )
    .unwrap()
}

fn failed(v: &Verification) -> Vec<&str> {
    v.checks
        .iter()
        .filter(|c| !c.passed)
        .map(|c| c.name.as_str())
        .collect()
}

#[test]
fn valid_token() {
    let jwt = sign(&claims(), KID);
    let v = run(&jwt, Some(AUD), &issuers(&[STANDARD_ISSUER]));
    assert!(v.valid, "{:?}", v.failures);
    assert!(v.failures.is_empty());
    assert!(!v.enterprise_scoped);
    assert!(v.warnings.is_empty());
    assert_eq!(v.issuer.as_deref(), Some(STANDARD_ISSUER));
    let names: Vec<&str> = v.checks.iter().map(|c| c.name.as_str()).collect();
    for n in [
        "algorithm",
        "key",
        "signature",
        "issuer",
        "expiry",
        "not_before",
        "issued_at",
        "audience",
    ] {
        assert!(names.contains(&n), "missing check {n}");
    }
    assert_eq!(v.claims["repository"], "octo-org/octo-repo");
    assert_eq!(v.header["kid"], KID);
}

#[test]
fn trailing_slash_and_array_audience() {
    let mut c = claims();
    c["iss"] = json!(format!("{STANDARD_ISSUER}/"));
    c["aud"] = json!(["other", AUD]);
    let v = run(&sign(&c, KID), Some(AUD), &issuers(&[STANDARD_ISSUER]));
    assert!(v.valid, "{:?}", v.failures);
    // Empty allowed list means the github.com issuer.
    let v = run(&sign(&claims(), KID), None, &[]);
    assert!(v.valid, "{:?}", v.failures);
    assert!(v.warnings.iter().any(|w| w.contains("audience")));
}

#[test]
fn expired_token() {
    let mut c = claims();
    c["exp"] = json!(NOW - 61);
    let v = run(&sign(&c, KID), Some(AUD), &issuers(&[STANDARD_ISSUER]));
    assert!(!v.valid);
    assert_eq!(failed(&v), ["expiry"]);
    assert!(v.failures[0].contains("expired"));
    // Within leeway: still valid.
    c["exp"] = json!(NOW - 30);
    assert!(run(&sign(&c, KID), Some(AUD), &issuers(&[STANDARD_ISSUER])).valid);
}

#[test]
fn not_yet_valid_and_future_iat() {
    let mut c = claims();
    c["nbf"] = json!(NOW + 600);
    c["iat"] = json!(NOW + 600);
    c["exp"] = json!(NOW + 900);
    let v = run(&sign(&c, KID), Some(AUD), &issuers(&[STANDARD_ISSUER]));
    assert_eq!(failed(&v), ["not_before", "issued_at"]);
    assert_eq!(v.failures.len(), 2);
}

#[test]
fn missing_exp_fails() {
    let mut c = claims();
    c.as_object_mut().unwrap().remove("exp");
    let v = run(&sign(&c, KID), Some(AUD), &issuers(&[STANDARD_ISSUER]));
    assert_eq!(failed(&v), ["expiry"]);
}

#[test]
fn wrong_audience() {
    let v = run(
        &sign(&claims(), KID),
        Some("sts.amazonaws.com"),
        &issuers(&[STANDARD_ISSUER]),
    );
    assert!(!v.valid);
    assert_eq!(failed(&v), ["audience"]);
    assert!(v.failures[0].contains("sts.amazonaws.com"));
}

#[test]
fn unknown_kid() {
    let jwt = sign(&claims(), "rotated-away");
    assert!(!kid_in_jwks(&jwt, &jwks()));
    assert!(kid_in_jwks(&sign(&claims(), KID), &jwks()));
    assert!(!kid_in_jwks("garbage", &jwks()));
    let v = run(&jwt, Some(AUD), &issuers(&[STANDARD_ISSUER]));
    assert!(!v.valid);
    assert_eq!(failed(&v), ["key", "signature"]);
    assert!(v.failures[0].contains("signed by an unknown key rotated-away"));
}

#[test]
fn tampered_payload() {
    let jwt = sign(&claims(), KID);
    let parts: Vec<&str> = jwt.split('.').collect();
    let mut c = claims();
    c["sub"] = json!("repo:evil-org/evil-repo:ref:refs/heads/main");
    let forged = sign(&c, KID);
    let forged_payload = forged.split('.').nth(1).unwrap();
    let tampered = format!("{}.{}.{}", parts[0], forged_payload, parts[2]);
    let v = run(&tampered, Some(AUD), &issuers(&[STANDARD_ISSUER]));
    assert!(!v.valid);
    assert_eq!(failed(&v), ["signature"]);
    assert_eq!(v.claims["sub"], "repo:evil-org/evil-repo:ref:refs/heads/main");
}

#[test]
fn wrong_algorithm_reported() {
    let mut header = Header::new(Algorithm::HS256);
    header.kid = Some(KID.into());
    let jwt = encode(&header, &claims(), &EncodingKey::from_secret(b"secret")).unwrap();
    let v = run(&jwt, Some(AUD), &issuers(&[STANDARD_ISSUER]));
    assert!(!v.valid);
    assert_eq!(failed(&v), ["algorithm", "signature"]);
}

#[test]
fn disallowed_issuer() {
    let mut c = claims();
    c["iss"] = json!("https://evil.example.com");
    let v = run(&sign(&c, KID), Some(AUD), &issuers(&[STANDARD_ISSUER]));
    assert!(!v.valid);
    assert_eq!(failed(&v), ["issuer"]);
    assert!(v.failures[0].contains("https://evil.example.com"));
}

#[test]
fn every_failure_is_reported() {
    let mut c = claims();
    c["iss"] = json!("https://evil.example.com");
    c["exp"] = json!(NOW - 1000);
    let v = run(&sign(&c, "nope"), Some("x"), &issuers(&[STANDARD_ISSUER]));
    assert_eq!(failed(&v), ["key", "signature", "issuer", "expiry", "audience"]);
    assert_eq!(v.failures.len(), 5);
}

fn enterprise_claims(enterprise: Option<&str>) -> Value {
    let mut c = claims();
    c["iss"] = json!(format!("{STANDARD_ISSUER}/octocat-inc"));
    if let Some(e) = enterprise {
        c["enterprise"] = json!(e);
        c["enterprise_id"] = json!("123");
    }
    c
}

#[test]
fn enterprise_scoped_matching() {
    let allowed = issuers(&[
        STANDARD_ISSUER,
        "https://token.actions.githubusercontent.com/octocat-inc",
    ]);
    let v = run(
        &sign(&enterprise_claims(Some("octocat-inc")), KID),
        Some(AUD),
        &allowed,
    );
    assert!(v.valid, "{:?}", v.failures);
    assert!(v.enterprise_scoped);
    assert!(v.checks.iter().any(|c| c.name == "enterprise" && c.passed));
    assert_eq!(
        v.warnings,
        ["This token's issuer is enterprise-scoped (https://token.actions.githubusercontent.com/octocat-inc); \
          relying parties that trust only https://token.actions.githubusercontent.com (for example npm and \
          PyPI trusted publishing) will reject it with 401."]
    );
}

#[test]
fn enterprise_scoped_mismatching() {
    let allowed = issuers(&[
        STANDARD_ISSUER,
        "https://token.actions.githubusercontent.com/octocat-inc",
    ]);
    let v = run(
        &sign(&enterprise_claims(Some("other-inc")), KID),
        Some(AUD),
        &allowed,
    );
    assert!(!v.valid);
    assert!(v.enterprise_scoped);
    assert_eq!(failed(&v), ["enterprise"]);
    assert!(v.failures[0].contains("other-inc") && v.failures[0].contains("octocat-inc"));

    let v = run(&sign(&enterprise_claims(None), KID), Some(AUD), &allowed);
    assert_eq!(failed(&v), ["enterprise"]);
}

#[test]
fn enterprise_scoped_not_allowed_explains() {
    // Only the standard issuer is trusted (as npm / PyPI do): the issuer check fails and says why.
    let v = run(
        &sign(&enterprise_claims(Some("octocat-inc")), KID),
        Some(AUD),
        &issuers(&[STANDARD_ISSUER]),
    );
    assert!(!v.valid);
    assert!(v.enterprise_scoped);
    assert_eq!(failed(&v), ["issuer"]);
    assert!(v.failures[0].contains("enterprise-scoped"));
    assert_eq!(v.warnings.len(), 1);
}

#[test]
fn enterprise_slug() {
    let s = STANDARD_ISSUER;
    assert_eq!(
        enterprise_slug_of_issuer(&format!("{s}/octocat-inc/"), s).as_deref(),
        Some("octocat-inc")
    );
    assert_eq!(
        enterprise_slug_of_issuer(&format!("{s}/octocat-inc"), &format!("{s}/")).as_deref(),
        Some("octocat-inc")
    );
    assert_eq!(enterprise_slug_of_issuer(s, s), None);
    assert_eq!(enterprise_slug_of_issuer(&format!("{s}/a/b"), s), None);
    assert_eq!(
        enterprise_slug_of_issuer("https://token.actions.githubusercontent.community/x", s),
        None
    );
    assert_eq!(
        enterprise_slug_of_issuer(
            "https://token.actions.octocorp.ghe.com/octocorp",
            "https://token.actions.octocorp.ghe.com"
        )
        .as_deref(),
        Some("octocorp")
    );
}

#[test]
fn decode_ok_and_malformed() {
    let jwt = sign(&claims(), KID);
    let d = decode(&format!("  {jwt}\n")).unwrap();
    assert_eq!(d.header["alg"], "RS256");
    assert_eq!(d.claims["aud"], AUD);

    assert_eq!(decode(""), Err(TokenError::Empty));
    assert_eq!(decode("a.b"), Err(TokenError::SegmentCount(2)));
    assert!(matches!(
        decode("!!.e30.AA"),
        Err(TokenError::Base64 { part: "header", .. })
    ));
    // "bm90IGpzb24" = "not json"
    assert!(matches!(
        decode("e30.bm90IGpzb24.AA"),
        Err(TokenError::Json { part: "payload", .. })
    ));
    // "WzFd" = "[1]"
    let e = decode("e30.WzFd.AA").unwrap_err();
    assert!(e.to_string().contains("not a JSON object"), "{e}");
    assert!(matches!(
        verify(
            &jwt,
            "not json",
            &VerifyOptions {
                audience: None,
                allowed_issuers: &[],
                now: NOW,
                leeway_secs: 60
            }
        ),
        Err(TokenError::Jwks(_))
    ));
}
