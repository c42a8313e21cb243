//! Setup shared by this crate's integration tests: a fake GitHub server on 127.0.0.1 and a
//! context pointed at it (API and issuer on the fake, the fake's admin token). Each test file
//! tunes retries and timeouts for what it checks.

// Every test file is its own crate and uses only some of these helpers.
#![allow(dead_code)]

use fake_github::{spawn_blocking_server, BlockingServer};
use github_oidc_core::{Context, ContextOptions};

/// The fake server's admin token (not a GitHub-shaped token).
pub const TOKEN: &str = "test-admin-token";

/// Starts a fake GitHub server with its default state.
pub fn server() -> BlockingServer {
    spawn_blocking_server(None).expect("the fake server starts")
}

/// A context on `server` (host github.com, API and issuer on the fake, [`TOKEN`]) after `tune`
/// has set what the test needs (retries, timeouts, another token or none).
pub fn context(server: &BlockingServer, tune: impl FnOnce(&mut ContextOptions)) -> Context {
    let mut options = ContextOptions {
        host_name: Some("github.com".into()),
        api_base_uri: Some(server.base_url.clone()),
        issuer_uri: Some(server.base_url.clone()),
        token: Some(TOKEN.into()),
        ..Default::default()
    };
    tune(&mut options);
    Context::resolve(&options).expect("the test context resolves")
}

/// A `/_fake/…` control request (the status must be a success); its JSON answer, `Null` when
/// it has none.
pub fn control(
    server: &BlockingServer,
    method: reqwest::Method,
    path: &str,
    body: serde_json::Value,
) -> serde_json::Value {
    let url = server.url(path);
    github_oidc_core::http::block_on(async move {
        let resp = reqwest::Client::new()
            .request(method, url)
            .json(&body)
            .send()
            .await
            .unwrap();
        assert!(resp.status().is_success(), "{}", resp.status());
        resp.json::<serde_json::Value>().await.unwrap_or_default()
    })
}

/// Claim keys as owned strings.
pub fn keys(k: &[&str]) -> Vec<String> {
    k.iter().map(|s| s.to_string()).collect()
}
