//! The GitHub client against the fake server: requests sent, templates read and written,
//! errors classified, retries, discovery caching, and no request for bad input.

mod common;

use common::{keys, server, TOKEN};
use fake_github::{BlockingServer, Fault};
use github_oidc_core::template::{self, Update};
use github_oidc_core::{discovery, Context, ErrorKind};

fn ctx_with(server: &BlockingServer, token: Option<&str>, retries: u32) -> Context {
    common::context(server, |o| {
        o.token = token.map(str::to_string);
        o.max_retries = Some(retries);
        o.timeout_sec = Some(5.0);
    })
}

fn ctx(server: &BlockingServer) -> Context {
    ctx_with(server, Some(TOKEN), 2)
}

#[test]
fn sends_githubs_headers() {
    let s = server();
    template::get_repo(&ctx(&s), "octo-org", "octo-repo").unwrap();
    let r = &s.requests()[0];
    assert_eq!(r.method, "GET");
    assert_eq!(r.path, "/repos/octo-org/octo-repo/actions/oidc/customization/sub");
    assert_eq!(r.header("accept"), Some("application/vnd.github+json"));
    assert_eq!(r.header("x-github-api-version"), Some("2022-11-28"));
    assert!(r.header("user-agent").unwrap().starts_with("GitHubOidc/"));
    assert_eq!(r.header("authorization"), Some("Bearer test-admin-token"));
}

#[test]
fn reads_templates_with_quirks() {
    let s = server();
    let c = ctx(&s);
    let repo = template::get_repo(&c, "octo-org", "new-repo").unwrap();
    assert_eq!(repo.use_default, Some(true));
    assert_eq!(repo.include_claim_keys, None);
    assert_eq!(repo.use_immutable_subject, Some(false));
    assert!(
        repo.sub_claim_prefix.unwrap().contains('@'),
        "immutable prefix although the flag is false"
    );

    let org = template::get_org(&c, "octo-org").unwrap();
    assert!(!org.customized, "an org without a template is not an error");
    assert_eq!(org.include_claim_keys, Some(keys(&["repo", "context"])));

    let org = template::get_org(&c, "custom-org").unwrap();
    assert!(org.customized);
    assert_eq!(
        org.include_claim_keys,
        Some(keys(&["repository_owner_id", "context"]))
    );

    let e = template::get_org(&c, "no-such-org").unwrap_err();
    assert_eq!(e.kind(), ErrorKind::NotFound);
    let e = template::get_repo(&c, "octo-org", "no-such-repo").unwrap_err();
    assert_eq!(e.kind(), ErrorKind::NotFound);
}

#[test]
fn writes_repository_templates() {
    let s = server();
    let c = ctx(&s);
    let custom = Update {
        include_claim_keys: Some(keys(&["repo", "context", "job_workflow_ref"])),
        ..Default::default()
    };
    template::set_repo(&c, "octo-org", "octo-repo", &custom, false).unwrap();
    let opt_in = Update {
        use_default: Some(false),
        ..Default::default()
    };
    template::set_repo(&c, "octo-org", "octo-repo", &opt_in, false).unwrap();
    let reset = Update {
        use_default: Some(true),
        include_claim_keys: Some(keys(&["repo"])),
        ..Default::default()
    };
    let w = template::set_repo(&c, "octo-org", "octo-repo", &reset, false).unwrap();
    assert_eq!(
        w.warnings.len(),
        1,
        "keys with use_default are dropped with a warning"
    );

    let puts: Vec<_> = s.requests().into_iter().filter(|r| r.method == "PUT").collect();
    let bodies: Vec<_> = puts.iter().map(|r| r.body.clone().unwrap()).collect();
    assert_eq!(
        bodies[0],
        serde_json::json!({"use_default": false, "include_claim_keys": ["repo", "context", "job_workflow_ref"]})
    );
    assert_eq!(bodies[1], serde_json::json!({"use_default": false}));
    assert_eq!(bodies[2], serde_json::json!({"use_default": true}));
}

#[test]
fn immutable_flag_alone_keeps_the_template() {
    let s = server();
    let c = ctx(&s);
    let update = Update {
        use_immutable_subject: Some(true),
        ..Default::default()
    };
    template::set_repo(&c, "custom-org", "own-template", &update, false).unwrap();
    let put = s.requests().into_iter().find(|r| r.method == "PUT").unwrap();
    assert_eq!(
        put.body.unwrap(),
        serde_json::json!({"use_default": false, "include_claim_keys": ["repo", "context", "job_workflow_ref"], "use_immutable_subject": true})
    );
}

#[test]
fn writes_organization_templates() {
    let s = server();
    let c = ctx(&s);
    let update = Update {
        include_claim_keys: Some(keys(&["repository_owner_id", "context"])),
        ..Default::default()
    };
    template::set_org(&c, "octo-org", &update, false).unwrap();
    let org = template::get_org(&c, "octo-org").unwrap();
    assert!(org.customized);
    assert_eq!(
        org.include_claim_keys,
        Some(keys(&["repository_owner_id", "context"]))
    );
    let reset = Update {
        use_default: Some(true),
        ..Default::default()
    };
    let w = template::set_org(&c, "octo-org", &reset, false).unwrap();
    assert_eq!(
        w.sent,
        Some(serde_json::json!({"include_claim_keys": ["repo", "context"]}))
    );
}

#[test]
fn bad_input_sends_nothing() {
    let s = server();
    let c = ctx(&s);
    for (owner, repo) in [
        ("../x", "r"),
        ("a/b", "r"),
        ("o", "%2F"),
        ("o", "a b"),
        ("o", "a\nb"),
    ] {
        let e = template::get_repo(&c, owner, repo).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidArgument, "{owner}/{repo}");
    }
    let bad = Update {
        include_claim_keys: Some(keys(&["repo", "repo"])),
        ..Default::default()
    };
    assert_eq!(
        template::set_org(&c, "octo-org", &bad, false).unwrap_err().kind(),
        ErrorKind::InvalidArgument
    );
    let no_token = ctx_with(&s, None, 0);
    let e = template::get_org(&no_token, "octo-org").unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidArgument);
    assert!(e.to_string().contains("GH_TOKEN"), "{e}");
    assert!(s.requests().is_empty(), "no request for rejected input");
}

#[test]
fn unknown_keys_are_checked_against_discovery() {
    let s = server();
    let c = ctx(&s);
    let update = Update {
        include_claim_keys: Some(keys(&["repo", "enviroment"])),
        ..Default::default()
    };
    let e = template::set_org(&c, "octo-org", &update, false).unwrap_err();
    assert!(e.to_string().contains("'environment'"), "{e}");
    assert!(s.requests().iter().all(|r| r.method != "PUT"));
    let allowed = Update {
        allow_unknown_keys: true,
        include_claim_keys: Some(keys(&["repo", "brand_new_claim"])),
        ..Default::default()
    };
    template::set_org(&c, "octo-org", &allowed, false).unwrap();
}

#[test]
fn errors_are_classified_and_keep_githubs_details() {
    let s = server();
    let bad_token = ctx_with(&s, Some("not-a-real-token"), 0);
    let e = template::get_org(&bad_token, "custom-org").unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Unauthorized);
    assert!(!e.to_string().contains("not-a-real-token"));

    let read = ctx_with(&s, Some("test-read-token"), 0);
    let e = template::set_repo(
        &read,
        "octo-org",
        "octo-repo",
        &Update {
            use_default: Some(true),
            ..Default::default()
        },
        false,
    )
    .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Forbidden);
    let api = e.api().unwrap();
    assert_eq!(api.status, 403);
    assert!(api.required_permission.as_deref().unwrap().contains("Actions"));
    assert!(e.to_string().contains("Resource not accessible"), "{e}");

    s.push_fault(Fault::new(422).times(1));
    let e = template::get_org(&ctx(&s), "custom-org").unwrap_err();
    assert_eq!(e.kind(), ErrorKind::ValidationFailed);
}

#[test]
fn retries_transient_failures() {
    let s = server();
    s.push_fault(Fault::new(503).times(1));
    template::get_org(&ctx(&s), "custom-org").expect("the retry succeeds");
    assert_eq!(s.requests().len(), 2);

    s.clear_requests();
    s.push_fault(Fault::new(429).times(5).retry_after(0));
    let e = template::get_org(&ctx_with(&s, Some(TOKEN), 2), "custom-org").unwrap_err();
    assert_eq!(e.kind(), ErrorKind::RateLimited);
    assert_eq!(s.requests().len(), 3, "one try plus two retries");

    s.clear_faults();
    s.clear_requests();
    s.push_fault(Fault::new(404).times(5));
    template::get_org(&ctx(&s), "custom-org").unwrap_err();
    assert_eq!(s.requests().len(), 1, "other 4xx are not retried");
}

#[test]
fn waits_longer_than_the_budget_are_not_slept() {
    let s = server();
    s.push_fault(Fault::new(403).times(1).retry_after(3600));
    let started = std::time::Instant::now();
    let e = template::get_org(&ctx(&s), "custom-org").unwrap_err();
    assert_eq!(e.kind(), ErrorKind::RateLimited);
    assert!(started.elapsed().as_secs() < 5);
}

#[test]
fn timeouts_are_network_errors() {
    let s = server();
    s.push_fault(Fault::new(200).times(5).delay_ms(3000));
    let c = common::context(&s, |o| {
        o.timeout_sec = Some(0.5);
        o.max_retries = Some(0);
    });
    let e = template::get_org(&c, "custom-org").unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Network);
    assert!(e.to_string().contains("timed out"), "{e}");
}

#[test]
fn discovery_is_cached_per_issuer() {
    let s = server();
    let c = ctx(&s);
    let d = discovery::discover(&c, None).unwrap();
    assert!(d.claims_supported.iter().any(|k| k == "job_workflow_ref"));
    discovery::discover(&c, None).unwrap();
    let count = s
        .requests()
        .iter()
        .filter(|r| r.path.ends_with("openid-configuration"))
        .count();
    assert_eq!(count, 1, "a repeated call makes no request");
    let e = discovery::discover(&c, Some("octocat-inc")).unwrap();
    assert!(e.issuer.ends_with("/octocat-inc"));
}

#[test]
fn malformed_bodies_are_unexpected_responses() {
    let s = server();
    s.push_fault(Fault::new(200).times(1).body("{not json"));
    let e = template::get_org(&ctx(&s), "custom-org").unwrap_err();
    assert_eq!(e.kind(), ErrorKind::UnexpectedResponse);
}

#[test]
fn secondary_rate_limits_without_headers_are_rate_limited() {
    let s = server();
    let body = r#"{"message":"You have exceeded a secondary rate limit. Please wait a few minutes before you try again.","documentation_url":"https://docs.github.com/rest"}"#;
    s.push_fault(Fault::new(403).times(5).body(body));
    let e = template::get_org(&ctx(&s), "custom-org").unwrap_err();
    assert_eq!(e.kind(), ErrorKind::RateLimited);
    assert!(
        e.api().unwrap().required_permission.is_none(),
        "no permission advice for a rate limit"
    );
    assert!(e.to_string().contains("wait 60 s"), "{e}");
    assert_eq!(
        s.requests().len(),
        1,
        "a 60 s wait is longer than the default budget: not slept"
    );
}

#[test]
fn immutable_flag_alone_keeps_following_the_organization_template() {
    let s = server();
    let c = ctx(&s);
    let same_as_org = Update {
        include_claim_keys: Some(keys(&["repository_owner_id", "context"])),
        ..Default::default()
    };
    template::set_repo(&c, "custom-org", "own-template", &same_as_org, false).unwrap();
    s.clear_requests();
    let update = Update {
        use_immutable_subject: Some(true),
        ..Default::default()
    };
    let w = template::set_repo(&c, "custom-org", "own-template", &update, false).unwrap();
    assert_eq!(w.warnings.len(), 1, "{:?}", w.warnings);
    let put = s.requests().into_iter().find(|r| r.method == "PUT").unwrap();
    assert_eq!(
        put.body.unwrap(),
        serde_json::json!({"use_default": false, "use_immutable_subject": true})
    );
}

#[test]
fn custom_property_inclusions() {
    use github_oidc_core::properties::{self, Scope};
    let s = server();
    let c = ctx(&s);
    let listed = properties::list(&c, Scope::Organization("custom-org")).unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].claim_key, "repo_property_workspace_id");
    let added = properties::add(
        &c,
        Scope::Enterprise("octocat-inc"),
        "repo_property_region",
        false,
    )
    .unwrap();
    let added = added.result.unwrap();
    assert_eq!(added["custom_property_name"], "region");
    assert_eq!(added["inclusion_source"], "enterprise");
    assert_eq!(added["claim_key"], "repo_property_region");
    properties::remove(&c, Scope::Organization("custom-org"), "workspace_id", false).unwrap();
    let e = properties::remove(&c, Scope::Organization("custom-org"), "workspace_id", false).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::NotFound);
    let r = s.requests();
    assert_eq!(r[1].method, "POST");
    assert_eq!(
        r[1].path,
        "/enterprises/octocat-inc/actions/oidc/customization/properties/repo"
    );
    assert_eq!(
        r[1].body,
        Some(serde_json::json!({"custom_property_name": "region"}))
    );
    assert_eq!(r[1].header("x-github-api-version"), Some("2026-03-10"));
    assert_eq!(r[2].method, "DELETE");
    assert_eq!(
        r[2].path,
        "/orgs/custom-org/actions/oidc/customization/properties/repo/workspace_id"
    );
}
