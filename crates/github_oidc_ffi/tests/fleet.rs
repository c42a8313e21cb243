//! The streaming job exports: `ghoidc_fleet_start` answers a job at once, `ghoidc_fleet_next`
//! hands out every repository and then `done`, a completed job keeps its inventory for
//! `jobs::with_inventory` until `ghoidc_fleet_close`, a run that fails as a whole answers its
//! error from `next`, and unknown jobs are `InvalidArgument`.

use github_oidc::jobs::with_inventory;
use github_oidc::*;
use interoptopus::patterns::slice::{FFISlice, FFISliceMut};
use serde_json::{json, Value};

fn call(f: extern "C" fn(FFISlice<u8>) -> GhoidcStatus, request: Value) -> (GhoidcStatus, Value) {
    let bytes = serde_json::to_vec(&request).unwrap();
    let status = f(FFISlice::from_slice(&bytes));
    let mut buf = vec![0u8; ghoidc_result_len() as usize];
    ghoidc_result_copy(FFISliceMut::from_slice(&mut buf));
    (status, serde_json::from_slice(&buf).unwrap())
}

fn start(base: &str, owner: &str) -> u64 {
    let (status, v) = call(
        ghoidc_fleet_start,
        json!({"context": {"api_base_uri": base, "token": "test-admin-token"}, "options": {"owner": owner}}),
    );
    assert_eq!(status, GhoidcStatus::Ok, "{v}");
    v["job"].as_u64().unwrap()
}

#[test]
fn a_job_streams_its_repositories_and_keeps_its_inventory_until_closed() {
    let s = fake_github::spawn_blocking_server(None).unwrap();
    let job = start(&s.base_url, "custom-org");
    let mut items = Vec::new();
    let mut last = Value::Null;
    for _ in 0..100 {
        let (status, v) = call(ghoidc_fleet_next, json!({"job": job, "wait_ms": 500}));
        assert_eq!(status, GhoidcStatus::Ok, "{v}");
        items.extend(v["items"].as_array().unwrap().iter().cloned());
        if v["done"] == true {
            last = v;
            break;
        }
    }
    assert_eq!(last["done"], true);
    assert_eq!(last["progress"]["total"], 2);
    assert_eq!(last["progress"]["completed"], 2);
    let mut sources: Vec<String> = items
        .iter()
        .map(|i| {
            format!(
                "{}:{}",
                i["state"]["repository"].as_str().unwrap(),
                i["state"]["source"].as_str().unwrap()
            )
        })
        .collect();
    sources.sort();
    assert_eq!(sources, vec!["opted-in:Organization", "own-template:Repository"]);
    let n = with_inventory(job, |inv| (inv.states.len(), inv.organization.customized)).unwrap();
    assert_eq!(n, (2, true));
    let (status, _) = call(ghoidc_fleet_close, json!({"job": job}));
    assert_eq!(status, GhoidcStatus::Ok);
    assert!(with_inventory(job, |_| ()).is_err());
    let (status, v) = call(ghoidc_fleet_next, json!({"job": job}));
    assert_eq!(status, GhoidcStatus::InvalidArgument, "{v}");
}

#[test]
fn a_run_that_fails_as_a_whole_answers_its_error_from_next() {
    let s = fake_github::spawn_blocking_server(None).unwrap();
    let job = start(&s.base_url, "no-such-owner");
    let mut outcome = None;
    for _ in 0..50 {
        let (status, v) = call(ghoidc_fleet_next, json!({"job": job, "wait_ms": 500}));
        if status != GhoidcStatus::Ok || v["done"] == true {
            outcome = Some((status, v));
            break;
        }
    }
    let (status, v) = outcome.unwrap();
    assert_eq!(status, GhoidcStatus::NotFound, "{v}");
    assert_eq!(v["kind"], "NotFound");
    let (status, _) = call(ghoidc_fleet_close, json!({"job": job}));
    assert_eq!(status, GhoidcStatus::Ok);
}

#[test]
fn start_refuses_bad_options_and_answers_at_once() {
    let (status, v) = call(
        ghoidc_fleet_start,
        json!({"context": {"token": "t"}, "options": {"owner": "o", "throttle_limit": 33}}),
    );
    assert_eq!(status, GhoidcStatus::InvalidArgument);
    assert!(v["message"].as_str().unwrap().contains("1 to 32"), "{v}");
    let (status, v) = call(ghoidc_fleet_start, json!({"options": {"owner": "o", "extra": 1}}));
    assert_eq!(status, GhoidcStatus::InvalidArgument);
    assert!(v["message"].as_str().unwrap().contains("extra"), "{v}");
    let (status, _) = call(ghoidc_fleet_close, json!({"job": 0}));
    assert_eq!(status, GhoidcStatus::InvalidArgument);
}
