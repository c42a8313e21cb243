//! Property tests (proptest, bounded to a few hundred cases each so `cargo test` stays fast):
//! no input makes the offline rules panic, errors stay short whatever the input size, and the
//! `:` → `%3A` escaping GitHub applies to values round-trips.

use std::collections::BTreeMap;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use github_oidc_claims::subject::{
    compute_subject, escape_value, is_valid_claim_name, job_claims, Job, SubjectError, SubjectRequest,
    MAX_ECHO_CHARS, PULL_REQUEST_EVENTS,
};
use github_oidc_claims::token::{decode, enterprise_slug_of_issuer, kid_in_jwks, verify, VerifyOptions};
use github_oidc_claims::trust::{trust_policy, Provider, TrustRequest};
use proptest::collection::{btree_map, vec};
use proptest::prelude::*;

/// Cases per property: enough to hit the edges, few enough for `cargo test`.
const CASES: u32 = 256;

/// An error message never grows with the input: the longest fixed text plus two echoed values.
const MAX_MESSAGE_CHARS: usize = 200 + 2 * (MAX_ECHO_CHARS + 1);

fn config() -> ProptestConfig {
    ProptestConfig {
        cases: CASES,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

/// Claim names GitHub issues (and the pseudo-keys), so generated maps and templates overlap.
const KNOWN: &[&str] = &[
    "repo",
    "context",
    "repository",
    "repository_owner",
    "repository_owner_id",
    "repository_id",
    "ref",
    "event_name",
    "environment",
    "base_ref",
    "head_ref",
    "job_workflow_ref",
    "repo_property_team",
];

/// Strings that stress the rules: ASCII with many `:` `/` `@` `%`, any Unicode (multi-byte,
/// control characters), and occasionally a huge value.
fn value() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => "[a-z0-9:/@%._-]{0,24}",
        3 => any::<String>(),
        1 => Just(String::new()),
        1 => ("[:é漢🦀a]{1,4}", 10_000usize..200_000).prop_map(|(s, n)| s.repeat(n / s.len().max(1))),
    ]
}

/// A claim name or template key: known names, valid arbitrary names, anything at all, or huge.
fn key() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => proptest::sample::select(KNOWN).prop_map(str::to_string),
        2 => "[A-Za-z0-9_]{1,16}",
        2 => any::<String>(),
        1 => ("[a-zé_-]{1,3}", 1_000usize..100_000).prop_map(|(s, n)| s.repeat(n / s.len().max(1))),
    ]
}

fn claims() -> impl Strategy<Value = BTreeMap<String, String>> {
    btree_map(key(), value(), 0..12)
}

fn prefix() -> impl Strategy<Value = Option<String>> {
    proptest::option::of(prop_oneof![
        "repo:[a-z]{1,5}(@[0-9]{1,4})?/[a-z]{1,5}(@[0-9]{1,4})?",
        any::<String>(),
    ])
}

/// Splits a rendered `key:value:key:value…` subject of generic keys back into escaped values.
fn values_of(subject: &str, keys: &[String]) -> Vec<String> {
    let mut rest = subject;
    let mut out = Vec::new();
    for (i, key) in keys.iter().enumerate() {
        rest = rest
            .strip_prefix(key.as_str())
            .and_then(|r| r.strip_prefix(':'))
            .unwrap_or_else(|| panic!("segment {i} does not start with `{key}:`"));
        let end = rest.find(':').unwrap_or(rest.len());
        out.push(rest[..end].to_string());
        rest = rest.get(end + 1..).unwrap_or("");
    }
    out
}

proptest! {
    #![proptest_config(config())]

    /// Any template, claims, prefix and flag: a subject or an error, never a panic; an error
    /// message stays short; the error kind matches the input.
    #[test]
    fn compute_subject_never_panics(
        template in proptest::option::of(vec(key(), 0..6)),
        claims in claims(),
        immutable in any::<bool>(),
        prefix in prefix(),
    ) {
        let req = SubjectRequest {
            include_claim_keys: template.as_deref(),
            claims: &claims,
            immutable,
            sub_claim_prefix: prefix.as_deref(),
        };
        match compute_subject(&req) {
            Ok(s) => {
                prop_assert!(!s.include_claim_keys.is_empty());
                prop_assert!(s.include_claim_keys.iter().all(|k| is_valid_claim_name(k)));
                // Every template key contributes at least `key:` or its pseudo-key segment.
                prop_assert!(s.subject.split(':').count() >= s.include_claim_keys.len());
                for k in &s.include_claim_keys {
                    if k == "environment" {
                        prop_assert!(claims.get(k).is_some_and(|e| !e.is_empty()));
                    }
                }
            }
            Err(e) => {
                let msg = e.to_string();
                prop_assert!(msg.chars().count() <= MAX_MESSAGE_CHARS, "{} chars", msg.chars().count());
                let keys = template.clone().filter(|t| !t.is_empty());
                if let SubjectError::InvalidClaimKey(bad) = &e {
                    prop_assert!(!is_valid_claim_name(bad));
                    let first_bad = keys.as_ref().and_then(|t| t.iter().find(|k| !is_valid_claim_name(k)));
                    prop_assert_eq!(Some(bad), first_bad);
                }
                if let SubjectError::MissingClaim { key, .. } = &e {
                    prop_assert!(["repo", "context", "environment"].contains(&key.as_str()), "{}", key);
                }
            }
        }
    }

    /// A template of plain claim keys: the subject is exactly `key:escaped(value)` per key, the
    /// escaped value has no `:`, and un-escaping gives the claim back (absent = empty).
    #[test]
    fn escaping_round_trips(
        entries in vec(("[a-z_]{1,10}", value()), 1..6),
    ) {
        let keys: Vec<String> = entries
            .iter()
            .map(|(k, _)| format!("x_{k}"))
            .collect();
        let claims: BTreeMap<String, String> =
            keys.iter().cloned().zip(entries.iter().map(|(_, v)| v.clone())).collect();
        let s = compute_subject(&SubjectRequest {
            include_claim_keys: Some(&keys),
            claims: &claims,
            immutable: false,
            sub_claim_prefix: None,
        })
        .unwrap();
        let rendered = values_of(&s.subject, &keys);
        for (key, escaped) in keys.iter().zip(&rendered) {
            let raw = &claims[key];
            prop_assert!(!escaped.contains(':'));
            prop_assert_eq!(escaped, &escape_value(raw));
            prop_assert_eq!(escaped.matches("%3A").count(), raw.matches(':').count() + raw.matches("%3A").count());
            if !raw.contains("%3A") {
                prop_assert_eq!(&escaped.replace("%3A", ":"), raw);
            }
            prop_assert_eq!(s.used_claims.get(key), Some(raw));
        }
    }

    /// The context pseudo-key: environment, else `pull_request` for pull-request events, else
    /// `ref:REF`, whatever the values.
    #[test]
    fn context_precedence(
        env in value(),
        event in prop_oneof![proptest::sample::select(PULL_REQUEST_EVENTS).prop_map(str::to_string), value()],
        r in value(),
    ) {
        let claims: BTreeMap<String, String> = [
            ("environment".to_string(), env.clone()),
            ("event_name".to_string(), event.clone()),
            ("ref".to_string(), r.clone()),
        ]
        .into();
        let template = vec!["context".to_string()];
        let got = compute_subject(&SubjectRequest {
            include_claim_keys: Some(&template),
            claims: &claims,
            immutable: false,
            sub_claim_prefix: None,
        });
        if !env.is_empty() {
            prop_assert_eq!(got.unwrap().subject, format!("environment:{}", escape_value(&env)));
        } else if PULL_REQUEST_EVENTS.contains(&event.as_str()) {
            prop_assert_eq!(got.unwrap().subject, "pull_request");
        } else if !r.is_empty() {
            prop_assert_eq!(got.unwrap().subject, format!("ref:{}", escape_value(&r)));
        } else {
            let is_missing_ref = matches!(got, Err(SubjectError::MissingClaim { ref claim, .. }) if claim == "ref");
            prop_assert!(is_missing_ref);
        }
    }

    /// Any job description: claims or an error, never a panic; at most one ref source.
    #[test]
    fn job_claims_never_panics(
        branch in proptest::option::of(value()),
        tag in proptest::option::of(value()),
        r in proptest::option::of(value()),
        pull_request in proptest::option::of(any::<u64>()),
        environment in proptest::option::of(value()),
        event_name in proptest::option::of(value()),
        start in claims(),
    ) {
        let job = Job { branch, tag, r#ref: r, pull_request, environment, event_name };
        let mut claims = start.clone();
        let refs = [job.branch.is_some(), job.tag.is_some(), job.r#ref.is_some(), job.pull_request.is_some()]
            .iter()
            .filter(|b| **b)
            .count();
        match job_claims(&job, &mut claims) {
            Ok(()) => {
                prop_assert!(refs <= 1);
                if let Some(b) = &job.branch {
                    prop_assert_eq!(&claims["ref"], &format!("refs/heads/{b}"));
                }
                if let Some(n) = job.pull_request {
                    prop_assert_eq!(&claims["ref"], &format!("refs/pull/{n}/merge"));
                }
                if let Some(e) = &job.event_name {
                    prop_assert_eq!(&claims["event_name"], e);
                }
            }
            Err(e) => {
                prop_assert_eq!(&claims, &start, "claims untouched on error");
                prop_assert!(e.to_string().chars().count() <= MAX_MESSAGE_CHARS);
                if refs <= 1 {
                    let is_invalid_job = matches!(e, SubjectError::InvalidJob { .. });
                    prop_assert!(is_invalid_job);
                }
            }
        }
    }

    /// Token decoding on any string: a result, never a panic.
    #[test]
    fn decode_any_string(s in any::<String>()) {
        let _ = decode(&s);
        let _ = kid_in_jwks(&s, &s);
        let _ = enterprise_slug_of_issuer(&s, "https://token.actions.githubusercontent.com");
    }

    /// Token decoding on any bytes (lossily made text, as the C ABI receives it).
    #[test]
    fn decode_any_bytes(bytes in vec(any::<u8>(), 0..2048)) {
        let _ = decode(&String::from_utf8_lossy(&bytes));
    }

    /// Three base64url parts of arbitrary bytes or JSON: decode and verify answer, never panic.
    #[test]
    fn decode_and_verify_structured(
        header in prop_oneof![vec(any::<u8>(), 0..64), json_bytes()],
        payload in prop_oneof![vec(any::<u8>(), 0..256), json_bytes()],
        signature in vec(any::<u8>(), 0..300),
        jwks in prop_oneof![any::<String>(), Just(r#"{"keys":[{"kty":"RSA","kid":"k","n":"AQAB","e":"AQAB"}]}"#.to_string())],
        now in any::<u64>(),
        leeway in any::<u64>(),
    ) {
        let jwt = format!(
            "{}.{}.{}",
            URL_SAFE_NO_PAD.encode(&header),
            URL_SAFE_NO_PAD.encode(&payload),
            URL_SAFE_NO_PAD.encode(&signature)
        );
        if let Ok(t) = decode(&jwt) {
            prop_assert!(serde_json::from_slice::<serde_json::Value>(&header).is_ok());
            let _ = t;
        }
        let issuers = vec!["https://token.actions.githubusercontent.com".to_string()];
        let opts = VerifyOptions { audience: Some("aud"), allowed_issuers: &issuers, now, leeway_secs: leeway };
        if let Ok(v) = verify(&jwt, &jwks, &opts) {
            prop_assert_eq!(v.valid, v.failures.is_empty());
        }
    }

    /// Trust policies for any subjects and names: JSON or an error, never a panic.
    #[test]
    fn trust_policy_never_panics(
        provider in proptest::sample::select(vec![Provider::Aws, Provider::Azure, Provider::Gcp, Provider::Vault]),
        subjects in vec(value(), 0..4),
        audience in proptest::option::of(value()),
        issuer in value(),
        account in proptest::option::of(value()),
        name in proptest::option::of(value()),
    ) {
        let _ = trust_policy(&TrustRequest {
            provider,
            subjects: &subjects,
            audience: audience.as_deref(),
            issuer: &issuer,
            aws_account_id: account.as_deref(),
            name: name.as_deref(),
        });
    }
}

/// JSON objects with the claims a token has, values of any JSON type.
fn json_bytes() -> impl Strategy<Value = Vec<u8>> {
    let leaf = prop_oneof![
        Just(serde_json::Value::Null),
        any::<bool>().prop_map(serde_json::Value::from),
        any::<i64>().prop_map(serde_json::Value::from),
        any::<f64>()
            .prop_map(|f| serde_json::Number::from_f64(f).map_or(serde_json::Value::Null, Into::into)),
        any::<String>().prop_map(serde_json::Value::from),
    ];
    let names = proptest::sample::select(vec![
        "alg",
        "kid",
        "typ",
        "iss",
        "aud",
        "sub",
        "exp",
        "nbf",
        "iat",
        "enterprise",
        "repository",
    ]);
    btree_map(names, leaf, 0..10).prop_map(|m| {
        let obj: serde_json::Map<String, serde_json::Value> =
            m.into_iter().map(|(k, v)| (k.to_string(), v)).collect();
        serde_json::to_vec(&obj).unwrap()
    })
}
