//! Shared checks of the fuzz targets: call one export of the C ABI with the fuzzer's bytes and
//! assert the envelope's promise — a status and a JSON answer for any input, never `Internal`.

use github_oidc::GhoidcStatus;
use interoptopus::patterns::slice::{FFISlice, FFISliceMut};

/// An export of the C ABI.
pub type ExportFn = extern "C" fn(FFISlice<u8>) -> GhoidcStatus;

/// Where a target that might make a request talks to: a port nothing listens on, no retries,
/// a short timeout. The fuzzer never reaches a network.
pub const OFFLINE: &str = "http://127.0.0.1:1";

/// Calls `export` with `request` and checks the answer: valid JSON, an error object with a
/// `kind` when the status is not `Ok`, never `Internal`. Panics (a finding) otherwise.
pub fn check(export: ExportFn, request: &[u8]) {
    let status = export(FFISlice::from_slice(request));
    let mut answer = vec![0u8; github_oidc::ghoidc_result_len() as usize];
    let copied = github_oidc::ghoidc_result_copy(FFISliceMut::from_slice(&mut answer));
    assert_eq!(copied as usize, answer.len(), "the whole answer is copied");
    let json: serde_json::Value = serde_json::from_slice(&answer).unwrap_or_else(|e| {
        panic!(
            "status {status:?}: the answer is not JSON ({e}): {}",
            String::from_utf8_lossy(&answer)
        )
    });
    assert_ne!(
        status,
        GhoidcStatus::Internal,
        "an input ends in Internal: {json}"
    );
    if status != GhoidcStatus::Ok {
        assert!(
            json.get("kind").and_then(|k| k.as_str()).is_some(),
            "status {status:?} without an error object: {json}"
        );
    }
}

/// For exports that may make a request: when the input is a JSON object, its `context` is
/// pointed at [`OFFLINE`] (keeping the fuzzer's other context members) and `enterprise` is
/// dropped, so no request leaves the machine. Input that is not a JSON object is passed as is
/// (it cannot get past the request parser). Returns the bytes to send.
pub fn offline(request: &[u8]) -> Vec<u8> {
    let Ok(serde_json::Value::Object(mut object)) = serde_json::from_slice(request) else {
        return request.to_vec();
    };
    let mut context = match object.remove("context") {
        Some(serde_json::Value::Object(c)) => c,
        _ => serde_json::Map::new(),
    };
    context.remove("host_name");
    context.insert("api_base_uri".into(), OFFLINE.into());
    context.insert("issuer_uri".into(), OFFLINE.into());
    context.insert("timeout_sec".into(), 1.0.into());
    context.insert("max_retries".into(), 0.into());
    context.insert("max_retry_wait_sec".into(), 0.0.into());
    object.insert("context".into(), context.into());
    object.remove("enterprise");
    serde_json::to_vec(&object).expect("a JSON object serialises")
}
