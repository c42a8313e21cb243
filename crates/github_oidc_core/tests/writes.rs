//! Every write against the fake server, as a dry run and for real: a dry run makes the same
//! checks and reads and answers the same body and warnings, but the request log shows no
//! PUT/POST/DELETE; the real call then sends exactly the body the dry run announced. A write
//! that carries its dry run's approval sends that body, or nothing (`Conflict`) when the state
//! it was computed from changed in between.

mod common;

use common::{keys, server};
use fake_github::{BlockingServer, Fault};
use github_oidc_core::properties::{self, Scope};
use github_oidc_core::template::{self, Update, Written};
use github_oidc_core::write::{ApprovedWrite, Mode};
use github_oidc_core::{issuer, Context, ErrorKind, Result};

fn ctx(server: &BlockingServer) -> Context {
    common::context(server, |o| {
        o.max_retries = Some(0);
        o.timeout_sec = Some(5.0);
    })
}

fn writes(s: &BlockingServer) -> Vec<fake_github::RecordedRequest> {
    s.requests()
        .into_iter()
        .filter(|r| matches!(r.method.as_str(), "PUT" | "POST" | "DELETE" | "PATCH"))
        .collect()
}

/// Runs `write` as a dry run, then for real, and checks the contract between the two.
/// Returns (dry run, real call, requests of the dry run).
fn plan_then_apply(
    s: &BlockingServer,
    write: impl Fn(bool) -> Result<Written>,
) -> (Written, Written, Vec<fake_github::RecordedRequest>) {
    s.clear_requests();
    let plan = write(true).expect("the dry run succeeds");
    let dry_requests = s.requests();
    assert!(writes(s).is_empty(), "a dry run sends no write: {dry_requests:?}");
    assert!(!plan.applied);
    assert!(plan.result.is_none());

    s.clear_requests();
    let done = write(false).expect("the write succeeds");
    assert!(done.applied);
    assert_eq!(done.method, plan.method);
    assert_eq!(done.url, plan.url);
    assert_eq!(
        done.sent, plan.sent,
        "the real call sends the body the dry run announced"
    );
    assert_eq!(done.warnings, plan.warnings);
    assert_eq!(done.issuer, plan.issuer);
    let sent = writes(s);
    assert_eq!(sent.len(), 1, "{sent:?}");
    assert_eq!(sent[0].method, done.method);
    assert!(
        done.url.ends_with(&sent[0].path),
        "{} vs {}",
        done.url,
        sent[0].path
    );
    assert_eq!(sent[0].body, done.sent, "the log holds exactly the answered body");
    (plan, done, dry_requests)
}

#[test]
fn repository_template_dry_run() {
    let s = server();
    let c = ctx(&s);
    let update = Update {
        include_claim_keys: Some(keys(&["repo", "context", "job_workflow_ref"])),
        ..Default::default()
    };
    let (plan, _, dry) = plan_then_apply(&s, |dry| {
        template::set_repo(&c, "octo-org", "octo-repo", &update, dry)
    });
    assert_eq!(plan.method, "PUT");
    assert_eq!(
        plan.sent,
        Some(
            serde_json::json!({"use_default": false, "include_claim_keys": ["repo", "context", "job_workflow_ref"]})
        )
    );
    assert!(
        dry.iter().any(|r| r.path.ends_with("openid-configuration")),
        "the dry run validates the keys against discovery (a fresh server: nothing cached): {dry:?}"
    );
    // The write really happened.
    let t = template::get_repo(&c, "octo-org", "octo-repo").unwrap();
    assert_eq!(t.include_claim_keys, update.include_claim_keys);
}

#[test]
fn immutable_flag_only_dry_run_reads_the_current_template() {
    let s = server();
    let c = ctx(&s);
    let update = Update {
        use_immutable_subject: Some(true),
        ..Default::default()
    };
    let (plan, _, dry) = plan_then_apply(&s, |dry| {
        template::set_repo(&c, "custom-org", "own-template", &update, dry)
    });
    assert!(
        dry.iter().any(|r| r.method == "GET"
            && r.path == "/repos/custom-org/own-template/actions/oidc/customization/sub"),
        "the dry run reads the current template: {dry:?}"
    );
    assert_eq!(
        plan.sent,
        Some(
            serde_json::json!({"use_default": false, "include_claim_keys": ["repo", "context", "job_workflow_ref"], "use_immutable_subject": true})
        )
    );
}

#[test]
fn use_default_warning_in_the_dry_run() {
    let s = server();
    let c = ctx(&s);
    let update = Update {
        use_default: Some(true),
        include_claim_keys: Some(keys(&["repo"])),
        ..Default::default()
    };
    let (plan, _, _) = plan_then_apply(&s, |dry| {
        template::set_repo(&c, "octo-org", "octo-repo", &update, dry)
    });
    assert_eq!(plan.sent, Some(serde_json::json!({"use_default": true})));
    assert_eq!(plan.warnings.len(), 1);
    assert!(
        plan.warnings[0].contains("IncludeClaimKeys is ignored with -UseDefault"),
        "{:?}",
        plan.warnings
    );

    let (plan, _, _) = plan_then_apply(&s, |dry| template::set_org(&c, "octo-org", &update, dry));
    assert_eq!(
        plan.sent,
        Some(serde_json::json!({"include_claim_keys": ["repo", "context"]}))
    );
    assert!(
        plan.warnings[0].contains("IncludeClaimKeys is ignored with -UseDefault"),
        "{:?}",
        plan.warnings
    );
}

#[test]
fn discovery_failure_warning_in_the_dry_run() {
    let s = server();
    let c = ctx(&s);
    s.push_fault(Fault::new(404).path_prefix("/.well-known").times(100));
    let update = Update {
        include_claim_keys: Some(keys(&["repository_owner_id", "context"])),
        ..Default::default()
    };
    let (plan, done, _) = plan_then_apply(&s, |dry| template::set_org(&c, "octo-org", &update, dry));
    assert_eq!(plan.warnings.len(), 1, "{:?}", plan.warnings);
    assert!(plan.warnings[0].contains("built-in list"), "{:?}", plan.warnings);
    assert_eq!(done.warnings, plan.warnings);
}

#[test]
fn a_dry_run_makes_the_same_checks() {
    let s = server();
    let c = ctx(&s);
    let bad = Update {
        include_claim_keys: Some(keys(&["repo", "enviroment"])),
        ..Default::default()
    };
    let e = template::set_org(&c, "octo-org", &bad, true).unwrap_err();
    assert!(e.to_string().contains("'environment'"), "{e}");
    let e = template::set_repo(&c, "octo-org", "a/b", &Update::default(), true).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidArgument);
    let no_token = common::context(&s, |o| o.token = None);
    let e = properties::add(&no_token, Scope::Organization("custom-org"), "region", true).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidArgument);
    assert!(writes(&s).is_empty());
}

#[test]
fn enterprise_issuer_dry_run_names_the_issuer() {
    let s = server();
    let c = ctx(&s);
    let (plan, _, dry) = plan_then_apply(&s, |dry| {
        issuer::set_enterprise_issuer(&c, "octocat-inc", true, dry)
    });
    assert!(dry.is_empty(), "the issuer policy needs no read: {dry:?}");
    assert_eq!(
        plan.sent,
        Some(serde_json::json!({"include_enterprise_slug": true}))
    );
    assert_eq!(
        plan.issuer.as_deref(),
        Some(format!("{}/octocat-inc", c.issuer()).as_str())
    );
    assert_eq!(plan.warnings.len(), 1);
    let (plan, _, _) = plan_then_apply(&s, |dry| {
        issuer::set_enterprise_issuer(&c, "octocat-inc", false, dry)
    });
    assert_eq!(plan.issuer, Some(c.issuer()));
    assert!(plan.warnings.is_empty());
}

#[test]
fn property_inclusions_dry_run() {
    let s = server();
    let c = ctx(&s);
    let (plan, done, _) = plan_then_apply(&s, |dry| {
        properties::add(&c, Scope::Organization("custom-org"), "repo_property_region", dry)
    });
    assert_eq!(plan.method, "POST");
    assert_eq!(
        plan.sent,
        Some(serde_json::json!({"custom_property_name": "region"}))
    );
    let created = done.result.unwrap();
    assert_eq!(created["claim_key"], "repo_property_region");
    assert_eq!(created["inclusion_source"], "organization");

    let (plan, done, _) = plan_then_apply(&s, |dry| {
        properties::remove(&c, Scope::Organization("custom-org"), "region", dry)
    });
    assert_eq!(plan.method, "DELETE");
    assert_eq!(plan.sent, None);
    assert!(plan
        .url
        .ends_with("/orgs/custom-org/actions/oidc/customization/properties/repo/region"));
    assert!(done.result.is_none());
    let listed = properties::list(&c, Scope::Organization("custom-org")).unwrap();
    assert!(listed.iter().all(|i| i.custom_property_name != "region"));
}

#[test]
fn responses_of_the_wrong_shape_name_the_url() {
    let s = server();
    let c = ctx(&s);
    s.push_fault(
        Fault::new(200)
            .times(1)
            .body(r#"{"use_default": false, "include_claim_keys": "repo"}"#),
    );
    let e = template::get_repo(&c, "octo-org", "octo-repo").unwrap_err();
    assert_eq!(e.kind(), ErrorKind::UnexpectedResponse);
    let m = e.to_string();
    assert!(
        m.contains("/repos/octo-org/octo-repo/actions/oidc/customization/sub"),
        "{m}"
    );
    assert!(m.contains("expected a sequence"), "{m}");

    s.push_fault(Fault::new(200).times(1).body(r#"{"not": "a list"}"#));
    let e = properties::list(&c, Scope::Organization("custom-org")).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::UnexpectedResponse);
    assert!(e.to_string().contains("properties/repo"), "{e}");
}

#[test]
fn request_timeout_is_retried() {
    let s = server();
    let c = common::context(&s, |o| o.max_retries = Some(1));
    s.push_fault(Fault::new(408).times(1));
    template::get_org(&c, "custom-org").expect("a 408 is transient and retried");
    assert_eq!(s.requests().len(), 2);
}

/// The approval of a dry run: what `-Confirm` showed.
fn approval(plan: &Written) -> ApprovedWrite {
    ApprovedWrite {
        method: plan.method.clone(),
        url: plan.url.clone(),
        body: plan.body_text().unwrap(),
        state: plan.state.clone(),
    }
}

/// Sets the repository's keys on the fake, as someone else would between the prompt and the send.
fn change_keys(s: &BlockingServer, owner: &str, name: &str, keys_to: &[&str]) {
    s.update_state(|st| {
        let r = st
            .repos
            .iter_mut()
            .find(|r| r.owner == owner && r.name == name)
            .expect("seeded repository");
        r.use_default = false;
        r.include_claim_keys = Some(keys(keys_to));
    });
}

#[test]
fn an_approved_write_is_refused_when_the_template_it_kept_changed() {
    let s = server();
    let c = ctx(&s);
    let update = Update {
        use_immutable_subject: Some(true),
        ..Default::default()
    };
    let plan = template::set_repo(&c, "custom-org", "own-template", &update, true).unwrap();
    assert!(
        plan.state.as_deref().is_some_and(|f| f.starts_with("sha256:")),
        "{plan:?}"
    );
    let approved = approval(&plan);

    change_keys(
        &s,
        "custom-org",
        "own-template",
        &["repo", "context", "environment"],
    );
    s.clear_requests();
    let e = template::set_repo(
        &c,
        "custom-org",
        "own-template",
        &update,
        Mode::Approved(&approved),
    )
    .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Conflict);
    let m = e.to_string();
    assert!(
        m.contains("the current template of repository custom-org/own-template"),
        "{m}"
    );
    assert!(
        m.contains(r#""job_workflow_ref"],"use_immutable_subject":true}"#),
        "names the approved body: {m}"
    );
    assert!(
        m.contains(r#""environment"],"use_immutable_subject":true}"#),
        "and the body for the current state: {m}"
    );
    assert!(writes(&s).is_empty(), "nothing is sent: {:?}", s.requests());
    assert!(
        s.requests().iter().any(|r| r.method == "GET"
            && r.path == "/repos/custom-org/own-template/actions/oidc/customization/sub"),
        "the state is read again before sending"
    );
    let t = template::get_repo(&c, "custom-org", "own-template").unwrap();
    assert_eq!(
        t.include_claim_keys,
        Some(keys(&["repo", "context", "environment"]))
    );
}

#[test]
fn an_approved_write_is_refused_when_the_organization_template_it_compared_changed() {
    let s = server();
    let c = ctx(&s);
    let update = Update {
        use_immutable_subject: Some(true),
        ..Default::default()
    };
    let plan = template::set_repo(&c, "custom-org", "own-template", &update, true).unwrap();
    let approved = approval(&plan);
    // The organization's template now equals the repository's keys: the body would differ.
    s.update_state(|st| {
        let org = st.orgs.iter_mut().find(|o| o.login == "custom-org").unwrap();
        org.template = Some(keys(&["repo", "context", "job_workflow_ref"]));
    });
    s.clear_requests();
    let e = template::set_repo(
        &c,
        "custom-org",
        "own-template",
        &update,
        Mode::Approved(&approved),
    )
    .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Conflict);
    assert!(e.to_string().contains("or of organization custom-org"), "{e}");
    assert!(writes(&s).is_empty(), "{:?}", s.requests());
}

#[test]
fn an_approved_write_sends_exactly_the_approved_body_when_nothing_changed() {
    let s = server();
    let c = ctx(&s);
    let update = Update {
        use_immutable_subject: Some(true),
        ..Default::default()
    };
    let plan = template::set_repo(&c, "custom-org", "own-template", &update, true).unwrap();
    let approved = approval(&plan);
    s.clear_requests();
    let done = template::set_repo(
        &c,
        "custom-org",
        "own-template",
        &update,
        Mode::Approved(&approved),
    )
    .unwrap();
    assert!(done.applied);
    let sent = writes(&s);
    assert_eq!(sent.len(), 1, "{sent:?}");
    assert_eq!(sent[0].body, plan.sent);
    assert_eq!(
        serde_json::to_string(sent[0].body.as_ref().unwrap()).unwrap(),
        approved.body.unwrap()
    );
}

#[test]
fn a_write_computed_from_the_request_alone_sends_the_approved_body_whatever_changed() {
    let s = server();
    let c = ctx(&s);
    let update = Update {
        include_claim_keys: Some(keys(&["repo", "context"])),
        ..Default::default()
    };
    let plan = template::set_repo(&c, "custom-org", "own-template", &update, true).unwrap();
    assert_eq!(plan.state, None, "no state is read for this body");
    let approved = approval(&plan);
    change_keys(
        &s,
        "custom-org",
        "own-template",
        &["repo", "context", "environment"],
    );
    s.clear_requests();
    template::set_repo(
        &c,
        "custom-org",
        "own-template",
        &update,
        Mode::Approved(&approved),
    )
    .unwrap();
    let sent = writes(&s);
    assert_eq!(sent.len(), 1, "{sent:?}");
    assert_eq!(sent[0].body, plan.sent);

    // An approval of another request is refused, and nothing is sent.
    let other = Update {
        include_claim_keys: Some(keys(&["repo"])),
        ..Default::default()
    };
    s.clear_requests();
    let e = template::set_repo(
        &c,
        "custom-org",
        "own-template",
        &other,
        Mode::Approved(&approved),
    )
    .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Conflict);
    assert!(writes(&s).is_empty());

    // Property inclusions and the issuer policy: the approved request, as approved.
    let plan = properties::add(&c, Scope::Organization("custom-org"), "region", true).unwrap();
    s.clear_requests();
    properties::add(
        &c,
        Scope::Organization("custom-org"),
        "region",
        Mode::Approved(&approval(&plan)),
    )
    .unwrap();
    assert_eq!(writes(&s).len(), 1);
    let plan = properties::remove(&c, Scope::Organization("custom-org"), "region", true).unwrap();
    s.clear_requests();
    properties::remove(
        &c,
        Scope::Organization("custom-org"),
        "region",
        Mode::Approved(&approval(&plan)),
    )
    .unwrap();
    assert_eq!(writes(&s).len(), 1);
    let plan = issuer::set_enterprise_issuer(&c, "octocat-inc", false, true).unwrap();
    s.clear_requests();
    let e =
        issuer::set_enterprise_issuer(&c, "octocat-inc", true, Mode::Approved(&approval(&plan))).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Conflict, "true is not the approved false");
    assert!(writes(&s).is_empty());
}
