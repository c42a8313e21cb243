//! Conditional requests (issue 20) against the fake server: a second inventory of unchanged
//! repositories is answered with 304s that cost no primary budget (read from the fake's
//! `GET /rate_limit`, which is not charged), in the same process and from the cache folder
//! of a "new process" (the memory cache cleared); a repository changed in between is read
//! whole; two tokens never send each other's validators; a single GET (a template, the
//! property inclusions) is conditional too.

mod common;

use common::{control, server};
use fake_github::BlockingServer;
use github_oidc_core::fleet::{FleetRun, Inventory, InventoryOptions, Progress, MAX_WAIT};
use github_oidc_core::{conditional, Context};
use serde_json::{json, Value};
use std::path::PathBuf;

fn ctx(server: &BlockingServer, token: &str, cache: Option<&PathBuf>) -> Context {
    common::context(server, |o| {
        o.token = Some(token.into());
        o.cache_path = cache.map(|p| p.display().to_string());
    })
}

/// The primary budget left, as GitHub's `GET /rate_limit` answers it (not charged).
fn remaining(s: &BlockingServer) -> u64 {
    let url = s.url("/rate_limit");
    let v: Value = github_oidc_core::http::block_on(async move {
        reqwest::Client::new()
            .get(url)
            .bearer_auth(common::TOKEN)
            .header("user-agent", "test")
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap()
    });
    v["resources"]["core"]["remaining"].as_u64().unwrap()
}

/// A whole run: its inventory and its last progress (answers, answers from the cache).
fn inventory(ctx: Context, owner: &str) -> (Inventory, Progress) {
    let run = FleetRun::start(
        ctx,
        InventoryOptions {
            owner: owner.into(),
            ..Default::default()
        },
    )
    .unwrap();
    loop {
        let b = run.next(MAX_WAIT, 1000);
        if b.done {
            assert!(b.error.is_none(), "{:?}", b.error);
            return (run.with_inventory(Clone::clone).unwrap(), b.progress);
        }
    }
}

fn fleet(s: &BlockingServer, org: &str, count: u32) {
    control(
        s,
        reqwest::Method::POST,
        "/_fake/orgs",
        json!({"org": org, "count": count, "seed": 20, "own_template_every": 7, "template": ["repo", "context"]}),
    );
}

/// A folder of its own under the system's temporary folder, removed when dropped.
struct Folder(PathBuf);

impl Folder {
    fn new(name: &str) -> Folder {
        let p = std::env::temp_dir().join(format!("ghoidc-conditional-it-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&p);
        Folder(p)
    }
}

impl Drop for Folder {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[test]
fn a_second_inventory_costs_no_primary_budget_and_a_changed_repository_is_read_whole() {
    let s = server();
    fleet(&s, "cached", 250);
    let c = ctx(&s, common::TOKEN, None);
    let before = remaining(&s);
    let (first, p1) = inventory(c.clone(), "cached");
    let spent_first = before - remaining(&s);
    assert_eq!(first.states.len(), 250);
    // 3 listing pages, the organization's template, 250 repositories.
    assert_eq!(spent_first, 254, "the first run pays for every answer");
    assert_eq!((p1.answers, p1.from_cache), (254, 0));

    // One repository changes between the runs: it gets a new ETag.
    let changed = first.states[3].repository.clone();
    let url = s.url(&format!("/repos/cached/{changed}/actions/oidc/customization/sub"));
    github_oidc_core::http::block_on(async move {
        let r = reqwest::Client::new()
            .put(url)
            .bearer_auth(common::TOKEN)
            .header("user-agent", "test")
            .json(&json!({"use_default": false, "include_claim_keys": ["repo", "job_workflow_ref"]}))
            .send()
            .await
            .unwrap();
        assert!(r.status().is_success(), "{}", r.status());
    });
    let before = remaining(&s);
    s.clear_requests();
    let (second, p2) = inventory(c.clone(), "cached");
    let spent_second = before - remaining(&s);
    assert!(
        spent_second <= 3 + 2,
        "at most the listing pages + 2: {spent_second}"
    );
    assert_eq!(spent_second, 1, "only the changed repository is charged");
    assert_eq!((p2.answers, p2.from_cache), (254, 253));
    // The same objects, except the changed repository, which has its new settings.
    assert_eq!(second.states.len(), 250);
    for (a, b) in first.states.iter().zip(&second.states) {
        if a.repository == changed {
            assert_eq!(b.include_claim_keys, ["repo", "job_workflow_ref"]);
            assert_ne!(a, b);
        } else {
            assert_eq!(a, b);
        }
    }
    assert_eq!(first.organization, second.organization);
    // Every GET of the second run named its validator.
    let log = s.requests();
    assert!(log.iter().filter(|r| r.path != "/rate_limit").count() >= 254);
    assert!(
        log.iter()
            .filter(|r| r.path != "/rate_limit")
            .all(|r| r.header("if-none-match").is_some()),
        "every request was conditional"
    );
}

#[test]
fn a_new_process_reuses_the_cache_folder_and_two_tokens_never_share_entries() {
    let s = server();
    fleet(&s, "disk", 120);
    let folder = Folder::new("disk");
    let c = ctx(&s, common::TOKEN, Some(&folder.0));
    let (first, _) = inventory(c.clone(), "disk");
    // One file for the host and credential, private, without the token.
    let files: Vec<_> = std::fs::read_dir(&folder.0)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(files.len(), 1, "{files:?}");
    let text = std::fs::read_to_string(&files[0]).unwrap();
    assert!(!text.contains(common::TOKEN));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&files[0]).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "{mode:o}");
    }

    // A new process: nothing in memory, the same folder.
    conditional::forget(&c);
    let before = remaining(&s);
    let (second, p) = inventory(ctx(&s, common::TOKEN, Some(&folder.0)), "disk");
    assert_eq!(before - remaining(&s), 0, "every answer was a 304");
    assert_eq!((p.answers, p.from_cache), (123, 123));
    assert_eq!(first, second);

    // Another token (same host, same folder) sends no validator and gets its own file.
    s.clear_requests();
    let before = remaining(&s);
    let (third, p) = inventory(ctx(&s, "test-read-token", Some(&folder.0)), "disk");
    assert_eq!(p.from_cache, 0);
    assert_eq!(before - remaining(&s), 123);
    assert_eq!(third.states.len(), 120);
    assert!(s.requests().iter().all(|r| r.header("if-none-match").is_none()));
    assert_eq!(std::fs::read_dir(&folder.0).unwrap().count(), 2);
}

#[test]
fn a_single_get_is_conditional_and_a_corrupt_cache_file_is_a_warning() {
    let s = server();
    fleet(&s, "single", 1);
    let folder = Folder::new("single");
    let c = ctx(&s, common::TOKEN, Some(&folder.0));
    std::fs::create_dir_all(&folder.0).unwrap();
    let file = folder.0.join(conditional::file_name(
        &c,
        &conditional::identity(&c, Some(&common::TOKEN.to_string().into())),
    ));
    std::fs::write(&file, b"\x00garbage").unwrap();
    let warnings = conditional::take_warnings(&c);
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert!(warnings[0].contains("was ignored"), "{warnings:?}");
    let get = || github_oidc_core::template::get_org(&c, "single").unwrap();
    let before = remaining(&s);
    let a = get();
    let b = get();
    assert_eq!(a, b);
    assert_eq!(before - remaining(&s), 1, "the second read was a 304");
    conditional::flush(&c);
    // The corrupt file was replaced: a new process reads it without a warning.
    conditional::forget(&c);
    assert!(conditional::take_warnings(&c).is_empty());
    let before = remaining(&s);
    assert_eq!(get(), a);
    assert_eq!(before - remaining(&s), 0);
}

#[test]
fn property_inclusions_are_conditional_and_a_changed_list_is_read_whole() {
    use github_oidc_core::properties::{self, Scope};
    let s = server();
    let c = ctx(&s, common::TOKEN, None);
    let org = Scope::Organization("custom-org");
    let before = remaining(&s);
    let first = properties::list(&c, org).unwrap();
    let again = properties::list(&c, org).unwrap();
    assert_eq!(first, again);
    assert_eq!(before - remaining(&s), 1, "the second list was a 304");
    let log = s.requests();
    let lists: Vec<_> = log
        .iter()
        .filter(|r| r.method == "GET" && r.path.ends_with("/properties/repo"))
        .collect();
    assert_eq!(lists.len(), 2);
    assert!(lists[0].header("if-none-match").is_none());
    assert!(lists[1].header("if-none-match").is_some());
    // A new inclusion changes the list: read whole, with it.
    properties::add(&c, org, "region", false).unwrap();
    let changed = properties::list(&c, org).unwrap();
    assert_eq!(changed.len(), first.len() + 1);
    assert!(changed.iter().any(|i| i.custom_property_name == "region"));
}
