//! The promises of the C ABI, checked from Rust: the export table and the inventory agree,
//! every export refuses what its request type does not know (at any depth), status codes and
//! error kinds are one table, the error object has one shape, and a panic is `Internal`.

use github_oidc::contract::{self, EmptyAnswer, VersionRequest};
use github_oidc::*;
use github_oidc_core::{Error, ErrorKind};
use interoptopus::patterns::slice::{FFISlice, FFISliceMut};
use serde_json::{json, Value};

type Export = extern "C" fn(FFISlice<u8>) -> GhoidcStatus;

/// Every operation export by name (the C header's list).
const EXPORTS: &[(&str, Export)] = &[
    ("ghoidc_version", ghoidc_version),
    ("ghoidc_context", ghoidc_context),
    ("ghoidc_discover", ghoidc_discover),
    ("ghoidc_claim_keys", ghoidc_claim_keys),
    ("ghoidc_get_subject_claim", ghoidc_get_subject_claim),
    ("ghoidc_set_subject_claim", ghoidc_set_subject_claim),
    ("ghoidc_list_property_claims", ghoidc_list_property_claims),
    ("ghoidc_add_property_claim", ghoidc_add_property_claim),
    ("ghoidc_remove_property_claim", ghoidc_remove_property_claim),
    ("ghoidc_set_enterprise_issuer", ghoidc_set_enterprise_issuer),
    ("ghoidc_resolve_subject", ghoidc_resolve_subject),
    ("ghoidc_decode_token", ghoidc_decode_token),
    ("ghoidc_verify_token", ghoidc_verify_token),
    ("ghoidc_actions_token", ghoidc_actions_token),
    ("ghoidc_trust_policy", ghoidc_trust_policy),
    ("ghoidc_test_trust_policy", ghoidc_test_trust_policy),
    ("ghoidc_trust_risk", ghoidc_trust_risk),
    ("ghoidc_config_validate", ghoidc_config_validate),
    ("ghoidc_config_export", ghoidc_config_export),
    ("ghoidc_config_compare", ghoidc_config_compare),
    ("ghoidc_clear_cache", ghoidc_clear_cache),
    ("ghoidc_fleet_start", ghoidc_fleet_start),
    ("ghoidc_fleet_next", ghoidc_fleet_next),
    ("ghoidc_fleet_close", ghoidc_fleet_close),
    ("ghoidc_redact", ghoidc_redact),
];

fn answer() -> Value {
    let mut buf = vec![0u8; ghoidc_result_len() as usize];
    let n = ghoidc_result_copy(FFISliceMut::from_slice(&mut buf));
    assert_eq!(n as usize, buf.len());
    serde_json::from_slice(&buf).expect("every answer is JSON")
}

fn call_bytes(f: Export, bytes: &[u8]) -> (GhoidcStatus, Value) {
    let status = f(FFISlice::from_slice(bytes));
    (status, answer())
}

#[test]
fn the_export_table_and_the_inventory_name_the_same_operations() {
    let table: Vec<&str> = contract::exports().iter().map(|e| e.name).collect();
    let tested: Vec<&str> = EXPORTS.iter().map(|e| e.0).collect();
    assert_eq!(table, tested, "contract::exports() and this test list differ");
    let inventory: Vec<String> = ffi_inventory()
        .functions()
        .iter()
        .map(|f| f.name().to_string())
        .filter(|n| {
            !matches!(
                n.as_str(),
                "ghoidc_api_guard" | "ghoidc_result_len" | "ghoidc_result_copy"
            )
        })
        .collect();
    let mut inventory_sorted = inventory.clone();
    inventory_sorted.sort();
    let mut table_sorted: Vec<String> = table.iter().map(|s| s.to_string()).collect();
    table_sorted.sort();
    assert_eq!(inventory_sorted, table_sorted);
}

#[test]
fn every_export_refuses_an_unknown_field_naming_it() {
    for (name, f) in EXPORTS {
        let (status, v) = call_bytes(*f, br#"{"no_such_field":1}"#);
        assert_eq!(status, GhoidcStatus::InvalidArgument, "{name}: {v}");
        assert_eq!(v["kind"], "InvalidArgument", "{name}");
        assert!(
            v["message"].as_str().unwrap().contains("no_such_field"),
            "{name}: {v}"
        );
    }
}

#[test]
fn every_export_refuses_a_body_that_is_not_an_object() {
    for body in [
        &b"[1]"[..],
        b"42",
        b"\"text\"",
        b"null",
        b"{",
        b"{} {}",
        b"\xff\xfe",
    ] {
        for (name, f) in EXPORTS {
            let (status, v) = call_bytes(*f, body);
            assert_eq!(status, GhoidcStatus::InvalidArgument, "{name} {body:?}: {v}");
        }
    }
}

#[test]
fn every_export_refuses_json_that_is_not_an_object_even_when_every_field_is_optional() {
    // Serde takes `[]` for a struct whose fields are all optional: the one check in
    // `parse_request` refuses it (and every other non-object) for every export.
    for (body, what) in [
        (&b"[]"[..], "an array"),
        (b" \n[ ]", "an array"),
        (b"[{}]", "an array"),
        (b"0", "a number"),
        (b"-1.5", "a number"),
        (b"\"\"", "a string"),
        (b"\"{}\"", "a string"),
        (b"true", "a boolean"),
        (b"null", "null"),
    ] {
        for (name, f) in EXPORTS {
            let (status, v) = call_bytes(*f, body);
            assert_eq!(status, GhoidcStatus::InvalidArgument, "{name} {body:?}: {v}");
            assert_eq!(v["kind"], "InvalidArgument", "{name}");
            let message = v["message"].as_str().unwrap();
            assert_eq!(
                message,
                format!("The request must be a JSON object, not {what}."),
                "{name} {body:?}"
            );
        }
    }
    // An object (and the empty request) still works where every field is optional.
    let (status, v) = call_bytes(ghoidc_version, b" {} ");
    assert_eq!(status, GhoidcStatus::Ok, "{v}");
    let (status, v) = call_bytes(ghoidc_version, b"");
    assert_eq!(status, GhoidcStatus::Ok, "{v}");
}

#[test]
fn every_export_with_a_context_refuses_an_unknown_context_field_with_its_path() {
    for (name, spec) in github_oidc_bindgen_free_schema() {
        let Some(f) = EXPORTS.iter().find(|e| e.0 == name).map(|e| e.1) else {
            continue;
        };
        if !spec {
            continue;
        }
        let (status, v) = call_bytes(f, br#"{"context":{"host_nam":"github.com"}}"#);
        assert_eq!(status, GhoidcStatus::InvalidArgument, "{name}: {v}");
        assert!(
            v["message"].as_str().unwrap().contains("context.host_nam"),
            "{name}: {v}"
        );
    }
}

/// Which exports take a `context`, read from the contract's schemas.
fn github_oidc_bindgen_free_schema() -> Vec<(String, bool)> {
    let mut g = schemars::SchemaGenerator::default();
    contract::exports()
        .iter()
        .map(|e| {
            let request = (e.request)(&mut g).to_value();
            let name = request["$ref"]
                .as_str()
                .unwrap()
                .trim_start_matches("#/$defs/")
                .to_string();
            let defs = g.definitions().clone();
            let has_context = defs[&name]["properties"].get("context").is_some();
            (e.name.to_string(), has_context)
        })
        .collect()
}

#[test]
fn a_field_of_the_wrong_type_is_named() {
    let (status, v) = call_bytes(ghoidc_claim_keys, br#"{"completion":"yes"}"#);
    assert_eq!(status, GhoidcStatus::InvalidArgument);
    assert!(v["message"].as_str().unwrap().contains("completion"), "{v}");
    let (status, v) = call_bytes(
        ghoidc_set_subject_claim,
        br#"{"owner":"o","include_claim_keys":"repo"}"#,
    );
    assert_eq!(status, GhoidcStatus::InvalidArgument);
    assert!(
        v["message"].as_str().unwrap().contains("include_claim_keys"),
        "{v}"
    );
    let (status, v) = call_bytes(ghoidc_context, br#"{"context":{"max_retries":-1}}"#);
    assert_eq!(status, GhoidcStatus::InvalidArgument);
    assert!(
        v["message"].as_str().unwrap().contains("context.max_retries"),
        "{v}"
    );
}

#[test]
fn a_missing_required_field_is_named() {
    let (status, v) = call_bytes(ghoidc_get_subject_claim, br#"{}"#);
    assert_eq!(status, GhoidcStatus::InvalidArgument);
    assert!(v["message"].as_str().unwrap().contains("owner"), "{v}");
}

#[test]
fn an_empty_request_is_the_empty_object() {
    let (status, v) = call_bytes(ghoidc_version, b"");
    assert_eq!(status, GhoidcStatus::Ok, "{v}");
    assert!(v["version"].is_string());
    let null = FFISlice::<u8>::default();
    assert_eq!(ghoidc_version(null), GhoidcStatus::Ok);
}

/// Every error kind, with the status the ABI returns for it.
const KINDS: &[(ErrorKind, GhoidcStatus)] = &[
    (ErrorKind::InvalidArgument, GhoidcStatus::InvalidArgument),
    (ErrorKind::NotFound, GhoidcStatus::NotFound),
    (ErrorKind::Unauthorized, GhoidcStatus::Unauthorized),
    (ErrorKind::Forbidden, GhoidcStatus::Forbidden),
    (ErrorKind::ValidationFailed, GhoidcStatus::ValidationFailed),
    (ErrorKind::RateLimited, GhoidcStatus::RateLimited),
    (ErrorKind::ServerError, GhoidcStatus::ServerError),
    (ErrorKind::Network, GhoidcStatus::Network),
    (ErrorKind::UnexpectedResponse, GhoidcStatus::UnexpectedResponse),
    (ErrorKind::Internal, GhoidcStatus::Internal),
    (ErrorKind::Conflict, GhoidcStatus::Conflict),
];

#[test]
fn status_codes_and_error_kinds_are_one_table() {
    for (kind, status) in KINDS {
        assert_eq!(GhoidcStatus::from(*kind), *status);
        assert_eq!(*kind as u32, *status as u32, "{kind:?}");
        assert_eq!(kind.name(), format!("{status:?}"));
    }
    assert_eq!(GhoidcStatus::Ok as u32, 0);
}

/// An error of each kind, as the core makes them.
fn error_of(kind: ErrorKind) -> Error {
    let api = |status: u16, rate_limited: bool| {
        Error::Api(Box::new(github_oidc_core::error::ApiError {
            status,
            method: "GET".into(),
            url: "https://api.github.com/orgs/o/actions/oidc/customization/sub".into(),
            message: "GitHub says no".into(),
            documentation_url: Some("https://docs.github.com/rest".into()),
            errors: vec!["detail".into()],
            accepted_permissions: None,
            required_permission: Some("admin:org".into()),
            rate_limited,
            retry_after_secs: None,
        }))
    };
    match kind {
        ErrorKind::InvalidArgument => Error::invalid("bad"),
        ErrorKind::NotFound => api(404, false),
        ErrorKind::Unauthorized => api(401, false),
        ErrorKind::Forbidden => api(403, false),
        ErrorKind::ValidationFailed => api(422, false),
        ErrorKind::RateLimited => api(429, true),
        ErrorKind::ServerError => api(502, false),
        ErrorKind::Network => Error::Network {
            method: "GET".into(),
            url: "https://api.github.com/".into(),
            message: "connection refused".into(),
            source: None,
        },
        ErrorKind::UnexpectedResponse => Error::UnexpectedResponse {
            url: "https://api.github.com/".into(),
            message: "not JSON".into(),
        },
        ErrorKind::Internal => Error::Internal("bug".into()),
        ErrorKind::Conflict => Error::Conflict {
            message: "changed since it was approved".into(),
            url: "https://api.github.com/repos/o/r/actions/oidc/customization/sub".into(),
        },
    }
}

#[test]
fn the_error_object_has_one_shape_for_every_kind() {
    let allowed = [
        "kind",
        "code",
        "message",
        "status",
        "github_message",
        "documentation_url",
        "errors",
        "required_permission",
        "accepted_permissions",
        "url",
        "retry_after",
    ];
    for (kind, status) in KINDS {
        let e = error_of(*kind);
        assert_eq!(e.kind(), *kind);
        let v = e.to_json();
        assert_eq!(v["kind"], kind.name());
        assert_eq!(v["code"], *status as u32);
        assert!(v["message"].as_str().is_some_and(|m| !m.is_empty()));
        for key in v.as_object().unwrap().keys() {
            assert!(
                allowed.contains(&key.as_str()),
                "{kind:?}: unexpected member {key}"
            );
        }
        if let Some(api) = e.api() {
            assert_eq!(v["status"], api.status);
            assert_eq!(v["github_message"], "GitHub says no");
            assert_eq!(v["documentation_url"], "https://docs.github.com/rest");
            assert_eq!(v["errors"], json!(["detail"]));
        } else {
            assert!(v.get("status").is_none(), "{kind:?}: {v}");
        }
    }
}

#[test]
fn a_panic_is_internal_and_answered() {
    let request = b"{}";
    let status =
        run::<VersionRequest, EmptyAnswer>(FFISlice::from_slice(request), |_| panic!("forced panic"));
    assert_eq!(status, GhoidcStatus::Internal);
    let v = answer();
    assert_eq!(v["kind"], "Internal");
    assert!(v["message"].as_str().unwrap().contains("forced panic"), "{v}");
    // The library still works afterwards.
    assert_eq!(call_bytes(ghoidc_version, b"{}").0, GhoidcStatus::Ok);
}

#[test]
fn a_multi_byte_name_is_invalid_not_a_panic() {
    let owner = format!("{}é{}", "a".repeat(19), "b".repeat(100));
    let body = json!({ "context": { "token": "t", "api_base_uri": "http://127.0.0.1:9" }, "owner": owner });
    let (status, v) = call_bytes(ghoidc_get_subject_claim, &serde_json::to_vec(&body).unwrap());
    assert_eq!(status, GhoidcStatus::InvalidArgument, "{v}");
    assert!(v["message"].as_str().unwrap().chars().count() < 400, "{v}");
}
