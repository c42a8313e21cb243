//! End-to-end tests of the fake GitHub REST API, OIDC issuer and control API over HTTP.

use fake_github::{spawn, Fault, RunningServer};
use reqwest::{Client, Method, Response, StatusCode};
use serde_json::{json, Value};

const ADMIN: &str = "test-admin-token";
const READ: &str = "test-read-token";

fn client() -> Client {
    Client::builder().no_proxy().build().unwrap()
}

async fn call(
    server: &RunningServer,
    method: Method,
    path: &str,
    token: Option<&str>,
    body: Option<Value>,
) -> Response {
    let mut req = client()
        .request(method, server.url(path))
        .header("User-Agent", "fake-github-tests")
        .header("Accept", "application/vnd.github+json");
    if let Some(token) = token {
        req = req.header("Authorization", format!("Bearer {token}"));
    }
    if let Some(body) = body {
        req = req.json(&body);
    }
    req.send().await.unwrap()
}

async fn json_of(resp: Response) -> Value {
    resp.json().await.unwrap()
}

async fn get(server: &RunningServer, path: &str) -> (StatusCode, Value) {
    let resp = call(server, Method::GET, path, Some(ADMIN), None).await;
    let status = resp.status();
    (status, json_of(resp).await)
}

async fn put(server: &RunningServer, path: &str, body: Value) -> (StatusCode, Value) {
    let resp = call(server, Method::PUT, path, Some(ADMIN), Some(body)).await;
    let status = resp.status();
    (status, json_of(resp).await)
}

const REPO_SUB: &str = "/repos/octo-org/octo-repo/actions/oidc/customization/sub";

#[tokio::test]
async fn repo_get_default_omits_keys_and_reports_prefix() {
    let server = spawn(None).await.unwrap();
    let resp = call(&server, Method::GET, REPO_SUB, Some(ADMIN), None).await;
    assert_eq!(resp.status(), 200);
    for h in [
        "x-ratelimit-limit",
        "x-ratelimit-remaining",
        "x-ratelimit-used",
        "x-ratelimit-reset",
        "x-ratelimit-resource",
        "x-github-request-id",
    ] {
        assert!(resp.headers().contains_key(h), "missing {h}");
    }
    assert_eq!(resp.headers()["x-github-api-version-selected"], "2022-11-28");
    assert_eq!(
        json_of(resp).await,
        json!({"use_default": true, "use_immutable_subject": false, "sub_claim_prefix": "repo:octo-org/octo-repo"})
    );
}

#[tokio::test]
async fn immutable_repo_prefix_even_when_flag_false() {
    let server = spawn(None).await.unwrap();
    // Case-insensitive names; canonical names in the prefix.
    let (status, body) = get(&server, "/repos/OCTO-ORG/New-Repo/actions/oidc/customization/sub").await;
    assert_eq!(status, 200);
    assert_eq!(
        body,
        json!({"use_default": true, "use_immutable_subject": false, "sub_claim_prefix": "repo:octo-org@100/new-repo@201"})
    );
}

#[tokio::test]
async fn repo_put_roundtrip_and_org_fallback() {
    let server = spawn(None).await.unwrap();
    let (status, body) = put(
        &server,
        REPO_SUB,
        json!({"use_default": false, "include_claim_keys": ["repo", "context"]}),
    )
    .await;
    assert_eq!((status, body), (StatusCode::CREATED, json!({})));
    let (_, body) = get(&server, REPO_SUB).await;
    assert_eq!(body["use_default"], false);
    assert_eq!(body["include_claim_keys"], json!(["repo", "context"]));

    // Opt in to immutable subjects at the org level → repo falls back to it.
    let (status, _) = put(
        &server,
        "/orgs/octo-org/actions/oidc/customization/sub",
        json!({"use_immutable_subject": true}),
    )
    .await;
    assert_eq!(status, 201);
    let (_, body) = get(&server, REPO_SUB).await;
    assert_eq!(body["use_immutable_subject"], true);
    assert_eq!(body["sub_claim_prefix"], "repo:octo-org@100/octo-repo@200");

    // use_default true clears the keys.
    let (status, _) = put(
        &server,
        REPO_SUB,
        json!({"use_default": true, "include_claim_keys": ["repo"]}),
    )
    .await;
    assert_eq!(status, 201);
    let (_, body) = get(&server, REPO_SUB).await;
    assert!(body.get("include_claim_keys").is_none());
    assert_eq!(
        server
            .state()
            .repo("octo-org", "octo-repo")
            .unwrap()
            .include_claim_keys,
        None
    );

    // Opt in to the org template: no own keys.
    let (_, body) = get(
        &server,
        "/repos/custom-org/opted-in/actions/oidc/customization/sub",
    )
    .await;
    assert_eq!(
        body,
        json!({"use_default": false, "use_immutable_subject": false, "sub_claim_prefix": "repo:custom-org/opted-in"})
    );
    let (_, body) = get(
        &server,
        "/api/v3/repos/custom-org/own-template/actions/oidc/customization/sub",
    )
    .await;
    assert_eq!(
        body["include_claim_keys"],
        json!(["repo", "context", "job_workflow_ref"])
    );
}

#[tokio::test]
async fn repo_put_validation() {
    let server = spawn(None).await.unwrap();
    let (status, body) = put(&server, REPO_SUB, json!({"include_claim_keys": ["repo"]})).await;
    assert_eq!(status, 422);
    assert_eq!(body["message"], "Invalid request");
    let (status, _) = put(&server, REPO_SUB, json!({"use_default": "no"})).await;
    assert_eq!(status, 422);
    let (status, body) = put(
        &server,
        REPO_SUB,
        json!({"use_default": false, "include_claim_keys": ["repo", "bad-key"]}),
    )
    .await;
    assert_eq!(status, 422);
    assert_eq!(body["message"], "Validation Failed");
    assert_eq!(body["status"], "422");
    assert!(body["errors"][0].as_str().unwrap().contains("bad-key"));
    let (status, body) = put(
        &server,
        REPO_SUB,
        json!({"use_default": false, "include_claim_keys": ["repo", "repo"]}),
    )
    .await;
    assert_eq!(
        (status.as_u16(), body["message"].as_str()),
        (422, Some("Validation Failed"))
    );

    let resp = client()
        .put(server.url(REPO_SUB))
        .header("User-Agent", "t")
        .header("Authorization", format!("token {ADMIN}"))
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 400);
    assert_eq!(json_of(resp).await["message"], "Problems parsing JSON");
    let (status, body) = put(&server, REPO_SUB, json!([1])).await;
    assert_eq!(
        (status.as_u16(), body["message"].as_str()),
        (400, Some("Body should be a JSON object"))
    );
}

#[tokio::test]
async fn org_get_and_put() {
    let server = spawn(None).await.unwrap();
    let path = "/orgs/octo-org/actions/oidc/customization/sub";
    let (status, body) = get(&server, path).await;
    assert_eq!(status, 404);
    assert_eq!(
        body["message"],
        "No Actions OIDC custom sub claim template found for the organization octo-org"
    );
    let (_, body) = get(&server, "/orgs/Custom-Org/actions/oidc/customization/sub").await;
    assert_eq!(
        body,
        json!({"include_claim_keys": ["repository_owner_id", "context"]})
    );

    let (status, body) = put(&server, path, json!({})).await;
    assert_eq!(
        (status.as_u16(), body["message"].as_str()),
        (422, Some("Invalid request"))
    );
    let (status, body) = put(&server, path, json!({"include_claim_keys": ["a b"]})).await;
    assert_eq!(
        (status.as_u16(), body["message"].as_str()),
        (422, Some("Validation Failed"))
    );
    let (status, _) = put(&server, path, json!({"include_claim_keys": "repo"})).await;
    assert_eq!(status, 422);

    let (status, body) = put(
        &server,
        path,
        json!({"include_claim_keys": ["repo", "context"], "use_immutable_subject": false}),
    )
    .await;
    assert_eq!((status, body), (StatusCode::CREATED, json!({})));
    let (status, body) = get(&server, path).await;
    assert_eq!(status, 200);
    assert_eq!(
        body,
        json!({"include_claim_keys": ["repo", "context"], "use_immutable_subject": false})
    );

    let (status, body) = get(&server, "/orgs/nope/actions/oidc/customization/sub").await;
    assert_eq!(status, 404);
    assert_eq!(
        body,
        json!({"message": "Not Found", "documentation_url": "https://docs.github.com/rest/actions/oidc", "status": "404"})
    );
}

#[tokio::test]
async fn auth_and_header_checks() {
    let server = spawn(None).await.unwrap();
    let resp = call(&server, Method::GET, REPO_SUB, None, None).await;
    assert_eq!(resp.status(), 401);
    assert!(resp.headers().contains_key("x-ratelimit-limit"));
    assert_eq!(json_of(resp).await["message"], "Requires authentication");

    let resp = call(&server, Method::GET, REPO_SUB, Some("nope"), None).await;
    assert_eq!(resp.status(), 401);
    let body = json_of(resp).await;
    assert_eq!(
        body,
        json!({"message": "Bad credentials", "documentation_url": "https://docs.github.com/rest", "status": "401"})
    );

    // Read token: GET fine, PUT forbidden with the accepted-permissions header.
    assert_eq!(
        call(&server, Method::GET, REPO_SUB, Some(READ), None)
            .await
            .status(),
        200
    );
    let resp = call(
        &server,
        Method::PUT,
        REPO_SUB,
        Some(READ),
        Some(json!({"use_default": true})),
    )
    .await;
    assert_eq!(resp.status(), 403);
    assert_eq!(resp.headers()["x-accepted-github-permissions"], "actions=write");
    assert_eq!(
        json_of(resp).await["message"],
        "Resource not accessible by personal access token"
    );
    let resp = call(
        &server,
        Method::PUT,
        "/orgs/octo-org/actions/oidc/customization/sub",
        Some(READ),
        Some(json!({"include_claim_keys": ["repo"]})),
    )
    .await;
    assert_eq!(resp.status(), 403);
    assert_eq!(
        resp.headers()["x-accepted-github-permissions"],
        "administration=write"
    );

    // Missing User-Agent (reqwest sends none by default).
    let resp = client()
        .get(server.url(REPO_SUB))
        .bearer_auth(ADMIN)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 403);
    assert!(json_of(resp).await["message"]
        .as_str()
        .unwrap()
        .contains("User-Agent"));

    // API versions.
    let resp = client()
        .get(server.url(REPO_SUB))
        .header("User-Agent", "t")
        .header("X-GitHub-Api-Version", "2026-03-10")
        .bearer_auth(ADMIN)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    assert_eq!(resp.headers()["x-github-api-version-selected"], "2026-03-10");
    let resp = client()
        .get(server.url(REPO_SUB))
        .header("User-Agent", "t")
        .header("X-GitHub-Api-Version", "2021-01-01")
        .bearer_auth(ADMIN)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 400);
    assert!(json_of(resp).await["message"]
        .as_str()
        .unwrap()
        .contains("not supported"));
}

#[tokio::test]
async fn enterprise_issuer_policy() {
    let server = spawn(None).await.unwrap();
    let path = "/enterprises/octocat-inc/actions/oidc/customization/issuer";
    let resp = call(
        &server,
        Method::PUT,
        path,
        Some(ADMIN),
        Some(json!({"include_enterprise_slug": true})),
    )
    .await;
    assert_eq!(resp.status(), 204);
    assert_eq!(resp.bytes().await.unwrap().len(), 0);
    assert_eq!(server.state().enterprise_issuer.get("octocat-inc"), Some(&true));
    let resp = call(
        &server,
        Method::PUT,
        "/enterprises/other/actions/oidc/customization/issuer",
        Some(ADMIN),
        Some(json!({"include_enterprise_slug": true})),
    )
    .await;
    assert_eq!(resp.status(), 404);
    let resp = call(
        &server,
        Method::PUT,
        path,
        Some(READ),
        Some(json!({"include_enterprise_slug": false})),
    )
    .await;
    assert_eq!(resp.status(), 403);
}

#[tokio::test]
async fn discovery_documents() {
    let server = spawn(None).await.unwrap();
    let base = server.base_url.clone();
    let c = client();
    let doc: Value = c
        .get(server.url("/.well-known/openid-configuration"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(doc["issuer"], base);
    assert_eq!(doc["jwks_uri"], format!("{base}/.well-known/jwks"));
    assert_eq!(doc["id_token_signing_alg_values_supported"], json!(["RS256"]));
    assert!(doc["claims_supported"]
        .as_array()
        .unwrap()
        .contains(&json!("check_run_id")));

    let jwks: Value = c
        .get(format!("{base}/.well-known/jwks"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(jwks["keys"][0]["kid"], "test-key-1");
    assert_eq!(jwks["keys"][0]["kty"], "RSA");

    let doc: Value = c
        .get(format!("{base}/octocat-inc/.well-known/openid-configuration"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(doc["issuer"], format!("{base}/octocat-inc"));
    assert_eq!(doc["jwks_uri"], format!("{base}/octocat-inc/.well-known/jwks"));
    let resp = c
        .get(format!("{base}/unknown-ent/.well-known/openid-configuration"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 404);

    let doc: Value = c
        .get(format!("{base}/_services/token/.well-known/openid-configuration"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(doc["issuer"], format!("{base}/_services/token"));
    let resp = c
        .get(format!("{base}/_services/token/.well-known/jwks"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    assert_eq!(server.requests().len(), 6);
}

#[tokio::test]
async fn faults_and_request_log() {
    let server = spawn(None).await.unwrap();
    server.push_fault(
        Fault::new(503)
            .method("GET")
            .path_prefix("/repos/")
            .retry_after(1),
    );
    let resp = call(&server, Method::GET, REPO_SUB, Some(ADMIN), None).await;
    assert_eq!(resp.status(), 503);
    assert_eq!(resp.headers()["retry-after"], "1");
    assert!(resp.headers().contains_key("x-github-request-id"));
    assert_eq!(json_of(resp).await["status"], "503");
    // Used up.
    assert_eq!(
        call(&server, Method::GET, REPO_SUB, Some(ADMIN), None)
            .await
            .status(),
        200
    );

    // Faults over the control API (raw body, custom header, /api/v3 path matches the plain prefix).
    let c = client();
    let resp = c
        .post(server.url("/_fake/faults"))
        .json(
            &json!([{"method": null, "path_prefix": "/orgs/", "status": 429, "times": 2, "delay_ms": 10,
                       "retry_after": null, "headers": {"x-ratelimit-remaining": "0"}, "body": "slow down"}]),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 204);
    for _ in 0..2 {
        let resp = call(
            &server,
            Method::GET,
            "/api/v3/orgs/octo-org/actions/oidc/customization/sub",
            Some(ADMIN),
            None,
        )
        .await;
        assert_eq!(resp.status(), 429);
        assert_eq!(resp.headers()["x-ratelimit-remaining"], "0");
        assert_eq!(resp.text().await.unwrap(), "slow down");
    }
    assert!(server.faults().is_empty());

    let resp = call(
        &server,
        Method::PUT,
        REPO_SUB,
        Some(ADMIN),
        Some(json!({"use_default": true})),
    )
    .await;
    assert_eq!(resp.status(), 201);

    let log: Value = c
        .get(server.url("/_fake/requests"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let log = log.as_array().unwrap();
    assert_eq!(log.len(), 5, "control requests are not logged: {log:#?}");
    assert_eq!(log[0]["method"], "GET");
    assert_eq!(log[0]["path"], REPO_SUB);
    assert_eq!(log[0]["headers"]["authorization"], format!("Bearer {ADMIN}"));
    assert_eq!(
        log[2]["path"],
        "/api/v3/orgs/octo-org/actions/oidc/customization/sub"
    );
    assert_eq!(log[4]["method"], "PUT");
    assert_eq!(log[4]["body"], json!({"use_default": true}));
    assert_eq!(log[4]["raw_body"], r#"{"use_default":true}"#);

    assert_eq!(
        c.delete(server.url("/_fake/requests"))
            .send()
            .await
            .unwrap()
            .status(),
        204
    );
    assert!(server.requests().is_empty());
}

#[tokio::test]
async fn control_state_reset_and_shutdown() {
    let server = spawn(None).await.unwrap();
    let c = client();
    let mut state: Value = c
        .get(server.url("/_fake/state"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    state["tokens"] = json!({"only-token": "write"});
    let resp = c
        .put(server.url("/_fake/state"))
        .json(&state)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 204);
    assert_eq!(
        call(&server, Method::GET, REPO_SUB, Some(ADMIN), None)
            .await
            .status(),
        401
    );
    assert_eq!(
        call(&server, Method::GET, REPO_SUB, Some("only-token"), None)
            .await
            .status(),
        200
    );

    assert_eq!(
        c.post(server.url("/_fake/reset")).send().await.unwrap().status(),
        204
    );
    assert_eq!(
        call(&server, Method::GET, REPO_SUB, Some(ADMIN), None)
            .await
            .status(),
        200
    );
    assert_eq!(server.requests().len(), 1);

    assert_eq!(
        c.post(server.url("/_fake/shutdown"))
            .send()
            .await
            .unwrap()
            .status(),
        204
    );
    let url = server.url("/.well-known/jwks");
    tokio::time::timeout(std::time::Duration::from_secs(5), server.wait())
        .await
        .unwrap()
        .unwrap();
    assert!(client().get(url).send().await.is_err());
}
