//! GitHub App authentication against the fake server: the JWT is accepted, the installation is
//! looked up once per owner, one installation token serves many requests (also concurrent
//! ones), an expired token is renewed, a revoked one is renewed once and the request retried,
//! and bad keys are clear errors that hold no key, JWT or token.

use base64::Engine;
mod common;

use fake_github::{BlockingServer, RegisteredApp, TokenShape};
use github_oidc_core::template::{self, Update};
use github_oidc_core::{Context, ContextOptions, ErrorKind};
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// The RSA key of the App (a test fixture; PKCS#8).
const APP_KEY: &str = include_str!("../../github_oidc_claims/tests/fixtures/test_rsa_key.pem");

/// A distinct app ID per test: the token cache is process-wide.
fn next_app_id() -> u64 {
    static NEXT: AtomicU64 = AtomicU64::new(1000);
    NEXT.fetch_add(1, Ordering::SeqCst)
}

/// The public half of a PKCS#8 RSA private key, as `RSA PUBLIC KEY` PEM.
fn public_pem(private_pem: &str) -> String {
    let b64: String = private_pem.lines().filter(|l| !l.starts_with("-----")).collect();
    let der = base64::engine::general_purpose::STANDARD.decode(b64).unwrap();
    let pair = ring::rsa::KeyPair::from_pkcs8(&der).unwrap();
    let public = base64::engine::general_purpose::STANDARD.encode(pair.public().as_ref());
    let lines: Vec<&str> = public
        .as_bytes()
        .chunks(64)
        .map(|c| std::str::from_utf8(c).unwrap())
        .collect();
    format!(
        "-----BEGIN RSA PUBLIC KEY-----\n{}\n-----END RSA PUBLIC KEY-----\n",
        lines.join("\n")
    )
}

struct Setup {
    server: BlockingServer,
    app_id: u64,
    client_id: String,
}

fn setup(lifetime: u64, shape: TokenShape) -> Setup {
    let server = common::server();
    let app_id = next_app_id();
    let client_id = format!("Iv23liTest{app_id}");
    server.update_state(|s| {
        s.apps.push(RegisteredApp {
            app_id,
            client_id: client_id.clone(),
            public_key_pem: public_pem(APP_KEY),
            installations: BTreeMap::from([("octo-org".to_string(), 7001), ("custom-org".to_string(), 7002)]),
            token_lifetime_secs: lifetime,
            token_shape: shape,
            permission: fake_github::Permission::Write,
        })
    });
    Setup {
        server,
        app_id,
        client_id,
    }
}

impl Setup {
    fn ctx(&self, f: impl FnOnce(&mut ContextOptions)) -> Context {
        common::context(&self.server, |o| {
            o.token = None;
            o.client_id = Some(self.client_id.clone());
            o.private_key = Some(APP_KEY.into());
            o.timeout_sec = Some(5.0);
            o.max_retries = Some(0);
            f(o);
        })
    }

    fn count(&self, method: &str, suffix: &str) -> usize {
        self.server
            .requests()
            .iter()
            .filter(|r| r.method == method && r.path.ends_with(suffix))
            .count()
    }

    fn token_requests(&self) -> usize {
        self.count("POST", "/access_tokens")
    }
}

#[test]
fn many_requests_one_lookup_and_one_token() {
    let s = setup(3600, TokenShape::Opaque);
    let c = s.ctx(|_| {});
    for _ in 0..25 {
        template::get_repo(&c, "octo-org", "octo-repo").unwrap();
        template::get_org(&c, "custom-org").unwrap();
    }
    assert_eq!(
        s.token_requests(),
        2,
        "one token per installation (octo-org, custom-org)"
    );
    assert_eq!(s.count("GET", "/octo-org/octo-repo/installation"), 1);
    assert_eq!(s.count("GET", "/orgs/custom-org/installation"), 1);
    let log = s.server.requests();
    let token_post = log.iter().find(|r| r.path.ends_with("/access_tokens")).unwrap();
    assert_eq!(token_post.path, "/app/installations/7001/access_tokens");
    assert_eq!(token_post.header("authorization"), Some("Bearer [REDACTED]"));
    let api = log.iter().filter(|r| r.path.contains("/customization/sub"));
    for r in api {
        let auth = r.header("authorization").unwrap();
        assert!(
            auth.starts_with("Bearer [REDACTED] installation token #"),
            "{auth}"
        );
    }
}

#[test]
fn app_id_and_given_installation_need_no_lookup_and_writes_work() {
    let s = setup(3600, TokenShape::Jwt);
    let c = s.ctx(|o| {
        o.client_id = None;
        o.app_id = Some(s.app_id);
        o.installation_id = Some(7001);
    });
    let update = Update {
        include_claim_keys: Some(vec!["repo".into(), "context".into()]),
        ..Default::default()
    };
    let written = template::set_repo(&c, "octo-org", "octo-repo", &update, false).unwrap();
    assert!(written.applied);
    assert_eq!(s.count("GET", "/installation"), 0);
    assert_eq!(s.token_requests(), 1);
    assert_eq!(
        s.count("PUT", "/octo-org/octo-repo/actions/oidc/customization/sub"),
        1
    );
    let repo = s.server.state();
    let repo = repo.repo("octo-org", "octo-repo").unwrap();
    assert_eq!(
        repo.include_claim_keys.as_deref(),
        Some(&["repo".to_string(), "context".to_string()][..])
    );
}

#[test]
fn concurrent_requests_share_one_token_request() {
    let s = setup(3600, TokenShape::Opaque);
    let c = s.ctx(|_| {});
    std::thread::scope(|scope| {
        for _ in 0..16 {
            scope.spawn(|| template::get_repo(&c, "octo-org", "octo-repo").unwrap());
        }
    });
    assert_eq!(s.token_requests(), 1);
    assert_eq!(s.count("GET", "/installation"), 1);
}

#[test]
fn an_expired_token_is_renewed() {
    // Lives 4 s: renewed after 3 s (a quarter of its life before expiry).
    let s = setup(4, TokenShape::Opaque);
    let c = s.ctx(|_| {});
    template::get_org(&c, "custom-org").unwrap();
    template::get_org(&c, "custom-org").unwrap();
    assert_eq!(s.token_requests(), 1);
    std::thread::sleep(Duration::from_millis(3300));
    template::get_org(&c, "custom-org").unwrap();
    assert_eq!(s.token_requests(), 2);
}

#[test]
fn a_revoked_token_is_renewed_once_and_the_request_retried() {
    let s = setup(3600, TokenShape::Jwt);
    let c = s.ctx(|_| {});
    template::get_org(&c, "custom-org").unwrap();
    s.server.update_state(|st| {
        for t in st.installation_tokens.values_mut() {
            t.revoked = true;
        }
    });
    s.server.clear_requests();
    template::get_org(&c, "custom-org").unwrap();
    let log = s.server.requests();
    let shown: Vec<String> = log
        .iter()
        .map(|r| {
            format!(
                "{} {} {}",
                r.method,
                r.path,
                r.header("authorization").unwrap_or("")
            )
        })
        .collect();
    assert_eq!(log.len(), 3, "{shown:#?}");
    assert!(shown[0].ends_with("installation token #1"), "{shown:#?}");
    assert!(
        shown[1].starts_with("POST /app/installations/7002/access_tokens"),
        "{shown:#?}"
    );
    assert!(shown[2].ends_with("installation token #2"), "{shown:#?}");
    // A second 401 (the new token revoked too, at once) is the error: no endless renewals.
    s.server.push_fault(
        fake_github::Fault::new(401)
            .path_prefix("/orgs/custom-org/actions")
            .times(2),
    );
    s.server.clear_requests();
    let e = template::get_org(&c, "custom-org").unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Unauthorized);
    assert_eq!(s.token_requests(), 1);
}

fn assert_no_secret(text: &str) {
    assert!(!text.contains("MII"), "key material in: {text}");
    assert!(!text.contains("eyJ"), "a JWT in: {text}");
    assert!(!text.contains("ghs_"), "a token in: {text}");
}

#[test]
fn a_wrong_key_is_a_clear_error_without_secrets() {
    let s = setup(3600, TokenShape::Opaque);
    let c = s.ctx(|o| o.private_key = Some(fake_github::TEST_SIGNING_KEY_PEM.into()));
    let e = template::get_org(&c, "custom-org").unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Unauthorized);
    let text = e.to_string();
    assert!(
        text.contains("GitHub refused the GitHub App with client ID"),
        "{text}"
    );
    assert!(text.contains("A JSON web token could not be decoded"), "{text}");
    assert!(text.contains("private key"), "{text}");
    assert_no_secret(&text);
    assert_no_secret(&e.to_json().to_string());
    assert_eq!(s.token_requests(), 0);
    // A wrong issuer: GitHub does not know the App.
    let c = s.ctx(|o| o.client_id = Some("Iv23liUnknown".into()));
    let text = template::get_org(&c, "custom-org").unwrap_err().to_string();
    assert!(text.contains("Integration not found"), "{text}");
    assert_no_secret(&text);
}

#[test]
fn an_app_that_is_not_installed_or_an_owner_less_request_is_a_clear_error() {
    let s = setup(3600, TokenShape::Opaque);
    let c = s.ctx(|_| {});
    let e = template::get_org(&c, "immutable-org").unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Unauthorized);
    let text = e.to_string();
    assert!(text.contains("is not installed on immutable-org"), "{text}");
    assert!(
        text.contains("/orgs/immutable-org/installation")
            && text.contains("/users/immutable-org/installation"),
        "{text}"
    );
    assert!(text.contains("InstallationId"), "{text}");
    let e = github_oidc_core::issuer::set_enterprise_issuer(&c, "octocat-inc", true, false).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidArgument);
    assert!(e.to_string().contains("give the context's InstallationId"), "{e}");
}

#[test]
fn describe_shows_the_app_but_no_secret() {
    let s = setup(3600, TokenShape::Opaque);
    let c = s.ctx(|o| o.installation_id = Some(7001));
    let d = serde_json::to_value(c.describe()).unwrap();
    assert_eq!(d["app"]["client_id"], s.client_id.as_str());
    assert_eq!(d["app"]["installation_id"], 7001);
    assert_eq!(d["app"]["key_source"], "PrivateKey");
    assert_eq!(d["token_variables"], serde_json::json!([]));
    assert_eq!(d["has_token"], false);
    assert_no_secret(&d.to_string());
    assert_no_secret(&format!("{c:?}"));
}

#[test]
fn a_reinstalled_app_is_looked_up_again_once() {
    let s = setup(3600, TokenShape::Opaque);
    let c = s.ctx(|_| {});
    template::get_org(&c, "custom-org").unwrap();
    // Uninstalled and installed again: the cached installation 7002 is gone, its token revoked.
    let answer = common::control(
        &s.server,
        reqwest::Method::POST,
        &format!("/_fake/apps/{}/reinstall", s.app_id),
        serde_json::json!({"account": "custom-org", "installation_id": 7102}),
    );
    assert_eq!(answer["revoked"], 1);
    s.server.clear_requests();
    template::get_org(&c, "custom-org").unwrap();
    let shown: Vec<String> = s
        .server
        .requests()
        .iter()
        .map(|r| format!("{} {}", r.method, r.path))
        .collect();
    assert_eq!(
        shown,
        [
            "GET /orgs/custom-org/actions/oidc/customization/sub",
            "POST /app/installations/7002/access_tokens",
            "GET /orgs/custom-org/installation",
            "POST /app/installations/7102/access_tokens",
            "GET /orgs/custom-org/actions/oidc/customization/sub",
        ],
        "the revoked token, the stale installation (404), one lookup, the new installation"
    );
    // The new installation is cached: nothing is looked up again.
    s.server.clear_requests();
    template::get_org(&c, "custom-org").unwrap();
    assert_eq!(s.server.requests().len(), 1);

    // The tokens the App used count as the context's secrets (for redaction), as does its key.
    let issued = common::control(
        &s.server,
        reqwest::Method::GET,
        "/_fake/apps",
        serde_json::Value::Null,
    );
    let secrets: Vec<String> = c
        .secrets()
        .iter()
        .map(|s| github_oidc_core::ExposeSecret::expose_secret(s).to_string())
        .collect();
    let values: Vec<&str> = issued["tokens"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|t| t["app_id"] == s.app_id)
        .map(|t| t["value"].as_str().unwrap())
        .collect();
    assert_eq!(values.len(), 2);
    for v in values {
        assert!(
            secrets.iter().any(|s| s == v),
            "an issued token is not among the secrets"
        );
    }
    assert!(secrets.iter().any(|s| s.contains("PRIVATE KEY")));
}

#[test]
fn a_gone_installation_is_looked_up_again_only_when_it_was_looked_up() {
    let s = setup(3600, TokenShape::Opaque);
    // Given by the context: its 404 is the error, nothing is looked up.
    let given = s.ctx(|o| o.installation_id = Some(7999));
    let e = template::get_org(&given, "custom-org").unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Unauthorized);
    assert!(e.to_string().contains("has no installation 7999"), "{e}");
    assert_eq!(s.count("GET", "/installation"), 0);
    // Looked up, then uninstalled for good: one lookup again, whose 404 is the error.
    let c = s.ctx(|_| {});
    template::get_org(&c, "octo-org").unwrap();
    s.server.update_state(|st| {
        let app = st.apps.iter_mut().find(|a| a.app_id == s.app_id).unwrap();
        app.installations.remove("octo-org");
        for t in st.installation_tokens.values_mut() {
            t.revoked = true;
        }
    });
    s.server.clear_requests();
    let e = template::get_org(&c, "octo-org").unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Unauthorized);
    assert!(e.to_string().contains("is not installed on octo-org"), "{e}");
    assert_eq!(s.token_requests(), 1, "the stale installation once");
    assert_eq!(
        s.count("GET", "/orgs/octo-org/installation"),
        1,
        "one lookup again"
    );
}
