//! No token leaves the C ABI as text: every export's answer and error object passes through the
//! one redaction (`github_oidc_claims::text::redact`), so a token in GitHub's error message, its
//! documentation URL, its `errors[]`, an echoed header, a transport error or echoed input is
//! replaced by `[REDACTED]` while the message stays informative. Token-shaped strings are built
//! at run time.

use fake_github::Fault;
use github_oidc::{
    ghoidc_claim_keys, ghoidc_config_compare, ghoidc_config_export, ghoidc_context, ghoidc_fleet_close,
    ghoidc_fleet_next, ghoidc_fleet_start, ghoidc_get_subject_claim, ghoidc_redact, ghoidc_resolve_subject,
    ghoidc_result_copy, ghoidc_result_len, ghoidc_set_subject_claim, GhoidcStatus,
};
use interoptopus::patterns::slice::{FFISlice, FFISliceMut};
use serde_json::{json, Value};

type Export = extern "C" fn(FFISlice<u8>) -> GhoidcStatus;

/// Calls `f` with these request bytes (JSON or not); its status and its answer, which must be JSON.
fn call_bytes(f: Export, bytes: &[u8]) -> (GhoidcStatus, String) {
    let status = f(FFISlice::from_slice(bytes));
    let mut buf = vec![0u8; ghoidc_result_len() as usize];
    let n = ghoidc_result_copy(FFISliceMut::from_slice(&mut buf));
    assert_eq!(n as usize, buf.len());
    let text = String::from_utf8(buf).unwrap();
    serde_json::from_str::<Value>(&text).expect("a redacted answer is still JSON");
    (status, text)
}

fn call(f: Export, req: &Value) -> (GhoidcStatus, String) {
    call_bytes(f, &serde_json::to_vec(req).unwrap())
}

/// One token of every shape: classic, OAuth, user-to-server, installation, refresh, fine-grained,
/// the 2026 stateless installation token (~520 characters, JWT-shaped), a JWT.
fn shapes() -> Vec<String> {
    let b64 = |n: usize| "Zm9v-YmFy_QUJD".repeat(n / 14 + 1)[..n].to_string();
    let jwt = format!("eyJ{}.{}.{}", b64(33), b64(150), b64(342));
    let mut v: Vec<String> = ["p", "o", "u", "s", "r"]
        .iter()
        .map(|c| format!("gh{c}_{}", "Ab1".repeat(12)))
        .collect();
    v.push(format!("github_{}_11AAAAAAA0{}", "pat", "b_C".repeat(24)));
    v.push(format!("gh{}_1234567_{jwt}", "s"));
    v.push(jwt);
    v
}

fn assert_clean(text: &str, token: &str) {
    assert!(!text.contains(token), "token leaked: {text}");
    // Not even a long piece of it.
    let body = token.split_once('_').map_or(token, |(_, b)| b);
    assert!(
        !text.contains(&body[..body.len().min(24)]),
        "token body leaked: {text}"
    );
    assert!(text.contains("[REDACTED]"), "{text}");
}

#[test]
fn github_echoes_in_errors_are_redacted() {
    let s = fake_github::spawn_blocking_server(None).unwrap();
    for token in shapes() {
        s.push_fault(
            Fault::new(401)
                .path_prefix("/repos/")
                .body(
                    r#"{"message": "Bad credentials {{credential:authorization}}", "documentation_url": "https://docs.github.com/rest?token={{credential:authorization}}", "errors": ["{{header:authorization}}"]}"#,
                )
                .header("x-accepted-github-permissions", "{{credential:authorization}}"),
        );
        let context =
            json!({"api_base_uri": s.base_url, "issuer_uri": s.base_url, "token": token, "max_retries": 0});
        let (status, text) = call(
            ghoidc_get_subject_claim,
            &json!({"context": context, "owner": "octo-org", "repository": "octo-repo"}),
        );
        assert_eq!(status, GhoidcStatus::Unauthorized, "{text}");
        assert_clean(&text, &token);
        assert!(text.contains("Bad credentials"), "{text}");
    }
}

#[test]
fn a_secret_of_any_shape_echoed_back_is_redacted() {
    let s = fake_github::spawn_blocking_server(None).unwrap();
    s.push_fault(
        Fault::new(500)
            .path_prefix("/repos/")
            .times(5)
            .body(r#"{"message": "proxy saw {{header:authorization}}"}"#),
    );
    let context = json!({"api_base_uri": s.base_url, "issuer_uri": s.base_url, "token": "test-admin-token", "max_retries": 0});
    let (status, text) = call(
        ghoidc_set_subject_claim,
        &json!({"context": context, "owner": "octo-org", "repository": "octo-repo", "use_default": true}),
    );
    assert_eq!(status, GhoidcStatus::ServerError, "{text}");
    assert!(!text.contains("test-admin-token"), "{text}");
    assert!(
        text.contains("proxy saw Bearer [REDACTED]") || text.contains("proxy saw token [REDACTED]"),
        "{text}"
    );
}

#[test]
fn tokens_given_as_names_keys_and_hosts_are_not_echoed() {
    for token in shapes() {
        for (f, req) in [
            (ghoidc_context as Export, json!({"context": {"host_name": token}})),
            (
                ghoidc_context,
                json!({"context": {"api_base_uri": format!("https://{token}/api")}}),
            ),
            (
                ghoidc_claim_keys,
                json!({"context": {"host_name": format!("{token}.example.com"), "max_retries": 0, "timeout_sec": 1}}),
            ),
            (
                ghoidc_resolve_subject,
                json!({"claims": {"repository": "o/r", "ref": "refs/heads/main"}, "include_claim_keys": ["repo", token.clone()]}),
            ),
            (
                ghoidc_resolve_subject,
                json!({"claims": {"repository": token.clone()}}),
            ),
            (
                ghoidc_get_subject_claim,
                json!({"owner": token.clone(), "context": {"api_base_uri": "http://127.0.0.1:1", "max_retries": 0}}),
            ),
            (
                ghoidc_resolve_subject,
                json!({"claims": {"repository": "o/r"}, "branch": token.clone()}),
            ),
        ] {
            let (_, text) = call(f, &req);
            assert!(!text.contains(&token), "{req} -> {text}");
        }
    }
}

#[test]
fn the_redact_export_redacts_texts_and_secrets() {
    let token = &shapes()[6];
    let (status, text) = call(
        ghoidc_redact,
        &json!({"texts": [format!("owner '{token}' not found"), "plain text", "uses s3cret-value here"], "secrets": ["s3cret-value"]}),
    );
    assert_eq!(status, GhoidcStatus::Ok);
    let v: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(
        v["texts"],
        json!([
            "owner '[REDACTED]' not found",
            "plain text",
            "uses [REDACTED] here"
        ])
    );
}

/// A fuzzing finding: a `token=` query value in echoed input, right before the JSON escape of a
/// quote, was redacted together with the escape's backslash and the answer stopped being JSON.
#[test]
fn a_secret_next_to_a_json_escape_leaves_the_answer_json() {
    let input = br#"{"texts":"[GHuibt API GET https://x/y?token=abcJKV2QiLCJhLCJhbGci.etoken-admin-token"]}"#;
    let (status, text) = call_bytes(ghoidc_redact, input);
    assert_eq!(status, GhoidcStatus::InvalidArgument, "{text}");
    let v: Value = serde_json::from_str(&text).unwrap();
    let message = v["message"].as_str().unwrap();
    assert!(message.contains("token=[REDACTED]"), "{message}");
    assert!(!text.contains("abcJKV2Qi"), "{text}");
    // A query token followed by a quote inside a string value, in an answer that is not an error.
    let (status, text) = call(
        ghoidc_redact,
        &json!({"texts": ["GET https://h/x?token=s3cr3t\"quoted\" and \\ back"]}),
    );
    assert_eq!(status, GhoidcStatus::Ok);
    assert!(!text.contains("s3cr3t"), "{text}");
}

/// A fuzzing finding: the values of a request field whose name holds `token` are secrets, and
/// one of them (`kind`) was also redacted where it was a key of the error object, so the error
/// answer had no `kind`. Keys lose token shapes only.
#[test]
fn a_secret_that_spells_a_key_of_the_error_object_leaves_the_object_whole() {
    let input = br#"{"st-admin-token: BaD":["GitH  credentials","kind","code","message"]}"#;
    let (status, text) = call_bytes(ghoidc_redact, input);
    assert_eq!(status, GhoidcStatus::InvalidArgument, "{text}");
    let v: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(v["kind"], "InvalidArgument", "{text}");
    assert_eq!(v["code"], 1, "{text}");
    assert!(v["message"].as_str().unwrap().contains("texts"), "{text}");
}

/// Tokens no shape rule knows: a legacy 40-hex token (a commit SHA has the same shape, so free
/// text keeps those) and a GHES token of its own format. Built at run time.
fn shapeless_tokens() -> Vec<String> {
    let hex: String = (0..40)
        .map(|i| char::from(b"0123456789abcdef"[(i * 7 + 3) % 16]))
        .collect();
    vec![hex, format!("corp{}svc{}", "~Zq9x7", ":mK2Lp!4")]
}

/// Every answer of a fleet job (items with a repository failure, and a run that fails as a
/// whole) and of the desired-state exports on it: the job's token is gone whatever its shape,
/// though the request that answers (`ghoidc_fleet_next`, `ghoidc_config_*`) never carries it.
#[test]
fn a_fleet_jobs_token_of_any_shape_is_redacted_from_every_answer() {
    for token in shapeless_tokens() {
        let s = fake_github::spawn_blocking_server(None).unwrap();
        s.update_state(|st| st.tokens.insert(token.clone(), fake_github::Permission::Write));
        let echo = r#"{"message": "Validation Failed for {{header:authorization}} ({{credential:authorization}})", "documentation_url": "https://docs.github.com/rest?t={{credential:authorization}}"}"#;
        s.push_fault(
            Fault::new(422)
                .path_prefix("/repos/octo-org/octo-repo/")
                .times(50)
                .body(echo),
        );
        let context = json!({"api_base_uri": s.base_url, "token": token, "max_retries": 0});
        let mut texts = Vec::new();
        let (status, text) = call(
            ghoidc_fleet_start,
            &json!({"context": context, "options": {"owner": "octo-org"}}),
        );
        assert_eq!(status, GhoidcStatus::Ok, "{text}");
        let job = serde_json::from_str::<Value>(&text).unwrap()["job"]
            .as_u64()
            .unwrap();
        let mut done = false;
        for _ in 0..100 {
            let (status, text) = call(ghoidc_fleet_next, &json!({"job": job, "wait_ms": 500}));
            assert_eq!(status, GhoidcStatus::Ok, "{text}");
            done = serde_json::from_str::<Value>(&text).unwrap()["done"] == true;
            texts.push(text);
            if done {
                break;
            }
        }
        assert!(done);
        let all = texts.join("\n");
        assert!(all.contains("\"failure\""), "octo-repo failed: {all}");
        assert!(all.contains("Validation Failed for Bearer [REDACTED]"), "{all}");
        assert!(!all.contains(&token), "token leaked: {all}");
        for (f, req) in [
            (ghoidc_config_export as Export, json!({"job": job})),
            (
                ghoidc_config_compare,
                json!({"job": job, "document": {"Owner": "octo-org", "Repositories": {"octo-repo": {"Source": "Default"}}}}),
            ),
        ] {
            let (_, text) = call(f, &req);
            assert!(!text.contains(&token), "token leaked: {text}");
        }
        call(ghoidc_fleet_close, &json!({"job": job}));

        // A run that fails as a whole: its error, from a request without the token.
        s.clear_faults();
        s.push_fault(
            Fault::new(422)
                .path_prefix("/orgs/octo-org/")
                .times(50)
                .body(echo),
        );
        let (_, text) = call(
            ghoidc_fleet_start,
            &json!({"context": context, "options": {"owner": "octo-org"}}),
        );
        let job = serde_json::from_str::<Value>(&text).unwrap()["job"]
            .as_u64()
            .unwrap();
        let mut last = (GhoidcStatus::Ok, String::new());
        for _ in 0..100 {
            last = call(ghoidc_fleet_next, &json!({"job": job, "wait_ms": 500}));
            if last.0 != GhoidcStatus::Ok {
                break;
            }
        }
        assert_eq!(last.0, GhoidcStatus::ValidationFailed, "{}", last.1);
        assert!(!last.1.contains(&token), "token leaked: {}", last.1);
        assert!(last.1.contains("[REDACTED]"), "{}", last.1);
        call(ghoidc_fleet_close, &json!({"job": job}));
    }
}
