//! The desired-state exports through the C ABI, with the JSON the C# facade sends: validate a
//! document (text and object), export and compare from a finished fleet job against the fake
//! server, apply the compare answer's writes with `ghoidc_set_subject_claim` and check on the
//! server's request log that exactly those PUT bodies were sent, then compare again: nothing.

use fake_github::Repo;
use github_oidc::{
    ghoidc_config_compare, ghoidc_config_export, ghoidc_config_validate, ghoidc_fleet_close,
    ghoidc_fleet_next, ghoidc_fleet_start, ghoidc_result_copy, ghoidc_result_len, ghoidc_set_subject_claim,
    GhoidcStatus,
};
use interoptopus::patterns::slice::{FFISlice, FFISliceMut};
use serde_json::{json, Value};

type Export = extern "C" fn(FFISlice<u8>) -> GhoidcStatus;

fn call(f: Export, req: &Value) -> (GhoidcStatus, Value) {
    let bytes = serde_json::to_vec(req).unwrap();
    let status = f(FFISlice::from_slice(&bytes));
    let mut buf = vec![0u8; ghoidc_result_len() as usize];
    let n = ghoidc_result_copy(FFISliceMut::from_slice(&mut buf));
    assert_eq!(n as usize, buf.len());
    (status, serde_json::from_slice(&buf).unwrap())
}

fn ok(f: Export, req: &Value) -> Value {
    let (status, v) = call(f, req);
    assert_eq!(status, GhoidcStatus::Ok, "{v}");
    v
}

fn invalid(f: Export, req: &Value) -> String {
    let (status, v) = call(f, req);
    assert_eq!(status, GhoidcStatus::InvalidArgument, "{v}");
    v["message"].as_str().unwrap().to_string()
}

/// Runs an inventory to the end and answers its job id (the caller closes it).
fn inventory(context: &Value, owner: &str) -> u64 {
    let job = ok(
        ghoidc_fleet_start,
        &json!({"context": context, "options": {"owner": owner}}),
    )["job"]
        .as_u64()
        .unwrap();
    for _ in 0..200 {
        let v = ok(ghoidc_fleet_next, &json!({"job": job, "wait_ms": 200}));
        assert!(
            v["items"]
                .as_array()
                .unwrap()
                .iter()
                .all(|i| i.get("failure").is_none()),
            "{v}"
        );
        if v["done"] == true {
            return job;
        }
    }
    panic!("the inventory did not finish");
}

#[test]
fn validate_takes_text_or_an_object_and_names_the_entry() {
    let text = r#"{"Owner":"octo-org","Repositories":{"api":{"Source":"Organization"},"*":{}}}"#;
    let v = ok(ghoidc_config_validate, &json!({"document_text": text}));
    assert_eq!(v["entries"], json!(["api", "*"]));
    assert_eq!(v["document"]["Repositories"]["api"]["Source"], "Organization");
    let v = ok(
        ghoidc_config_validate,
        &json!({"document": serde_json::from_str::<Value>(text).unwrap()}),
    );
    assert_eq!(v["document"]["Owner"], "octo-org");

    let m = invalid(
        ghoidc_config_validate,
        &json!({"document": {"Owner": "o", "Repositories": {"api": {"IncludeClaimKeys": ["repo", "nope_key"]}}}}),
    );
    assert!(
        m.contains("`Repositories.api.IncludeClaimKeys`") && m.contains("'nope_key'"),
        "{m}"
    );
    let m = invalid(ghoidc_config_validate, &json!({"document_text": "{\"Owner\": "}));
    assert!(m.contains("not valid JSON"), "{m}");
    let m = invalid(ghoidc_config_validate, &json!({}));
    assert!(m.contains("document_text"), "{m}");
    let m = invalid(
        ghoidc_config_validate,
        &json!({"document_text": text, "document": {}}),
    );
    assert!(m.contains("not both"), "{m}");
    let m = invalid(ghoidc_config_export, &json!({"job": 987_654_321}));
    assert!(m.contains("987654321"), "{m}");
    let m = invalid(
        ghoidc_config_compare,
        &json!({"job": 987_654_321, "document_text": text}),
    );
    assert!(m.contains("987654321"), "{m}");
}

#[test]
fn export_compare_apply_compare() {
    let s = fake_github::spawn_blocking_server(None).unwrap();
    s.update_state(|state| {
        for (i, name) in ["alpha", "beta", "gamma"].iter().enumerate() {
            state.repos.push(Repo {
                owner: "custom-org".into(),
                name: name.to_string(),
                id: 900 + i as u64,
                owner_id: None,
                immutable: false,
                use_default: true,
                include_claim_keys: None,
                use_immutable_subject: None,
                archived: false,
                visibility: None,
            });
        }
    });
    let context = json!({"api_base_uri": s.base_url, "issuer_uri": s.base_url, "token": "test-admin-token", "max_retries": 0});

    // Export → compare: nothing.
    let job = inventory(&context, "custom-org");
    let exported = ok(
        ghoidc_config_export,
        &json!({"job": job, "schema_uri": "file:///schema.json"}),
    );
    let text = exported["text"].as_str().unwrap().to_string();
    assert!(text.contains("\"$schema\": \"file:///schema.json\""), "{text}");
    assert_eq!(
        exported["document"]["Organization"]["IncludeClaimKeys"],
        json!(["repository_owner_id", "context"])
    );
    assert_eq!(
        exported["document"]["Repositories"]["own-template"]["Source"],
        "Repository"
    );
    assert_eq!(
        exported["document"]["Repositories"]["opted-in"]["Source"],
        "Organization"
    );
    assert!(exported["document"]["Repositories"].get("alpha").is_none());
    let plan = ok(ghoidc_config_compare, &json!({"job": job, "document_text": text}));
    assert_eq!(plan, json!({"differences": [], "writes": [], "warnings": []}));
    let psd1 = ok(ghoidc_config_export, &json!({"job": job, "format": "psd1"}));
    assert!(psd1["text"].as_str().unwrap().starts_with("@{"), "{psd1}");

    // An edited document: exactly the edits, one write per target.
    let mut edited: Value = serde_json::from_str(&text).unwrap();
    edited["Repositories"]["alpha"] = json!({"Source": "Organization"});
    edited["Repositories"]["own-template"]["UseImmutableSubject"] = json!(true);
    edited["Repositories"]["gam*"] = json!({"IncludeClaimKeys": ["repo", "environment"]});
    let plan = ok(ghoidc_config_compare, &json!({"job": job, "document": edited}));
    let rows: Vec<(String, String)> = plan["differences"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["repository"].as_str().unwrap().to_string(),
                d["property"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let mut sorted = rows.clone();
    sorted.sort();
    assert_eq!(
        sorted,
        vec![
            ("alpha".to_string(), "Source".to_string()),
            ("gamma".to_string(), "IncludeClaimKeys".to_string()),
            ("gamma".to_string(), "Source".to_string()),
            ("own-template".to_string(), "UseImmutableSubject".to_string()),
        ]
    );
    ok(ghoidc_fleet_close, &json!({"job": job}));

    // Apply the writes as Sync does (dry run, then the write) and read the request log.
    s.clear_requests();
    let writes = plan["writes"].as_array().unwrap().clone();
    assert_eq!(writes.len(), 3);
    for w in &writes {
        let mut request = json!({"context": context, "owner": w["owner"], "repository": w["repository"], "use_default": w["use_default"], "include_claim_keys": w["include_claim_keys"], "use_immutable_subject": w["use_immutable_subject"], "dry_run": true});
        let planned = ok(ghoidc_set_subject_claim, &request);
        assert_eq!(
            planned["sent"], w["body"],
            "the dry run sends the body compare planned"
        );
        request["dry_run"] = json!(false);
        ok(ghoidc_set_subject_claim, &request);
    }
    let puts: Vec<(String, Value)> = s
        .requests()
        .into_iter()
        .filter(|r| r.method == "PUT")
        .map(|r| (r.path, r.body.unwrap()))
        .collect();
    let expected: Vec<(String, Value)> = writes
        .iter()
        .map(|w| {
            (
                format!(
                    "/repos/custom-org/{}/actions/oidc/customization/sub",
                    w["repository"].as_str().unwrap()
                ),
                w["body"].clone(),
            )
        })
        .collect();
    assert_eq!(puts, expected);
    let own = writes.iter().find(|w| w["repository"] == "own-template").unwrap();
    assert_eq!(
        own["body"],
        json!({"use_default": false, "include_claim_keys": ["repo", "context", "job_workflow_ref"], "use_immutable_subject": true}),
        "a flag-only change keeps the repository's own keys"
    );

    // Compare again from a new inventory: nothing left.
    let job = inventory(&context, "custom-org");
    let plan = ok(ghoidc_config_compare, &json!({"job": job, "document": edited}));
    assert_eq!(plan["differences"], json!([]), "{plan}");
    // A named repository that does not exist: an error naming the entry.
    edited["Repositories"]["ghost"] = json!({});
    let m = invalid(ghoidc_config_compare, &json!({"job": job, "document": edited}));
    assert!(m.contains("`Repositories.ghost`"), "{m}");
    ok(ghoidc_fleet_close, &json!({"job": job}));
}
