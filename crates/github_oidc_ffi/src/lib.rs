//! The C ABI of GitHubOidc.
//!
//! Every operation is one exported function that takes a UTF-8 JSON request as a byte slice
//! and returns a [`GhoStatus`]. The JSON answer (the result on `Ok`, an error object
//! otherwise) is kept in a per-thread buffer that the caller copies out with
//! [`ghoidc_result_len`] and [`ghoidc_result_copy`] on the same thread, before its next call.
//!
//! Ownership: input slices are borrowed for the duration of the call only; the library never
//! keeps a pointer to them. No heap memory crosses the boundary: results are copied into a
//! buffer the caller owns, so there is nothing to free.
//!
//! Panics never cross the boundary: every body runs inside `catch_unwind`, and a panic
//! becomes [`GhoStatus::Internal`] with a message.
//!
//! Bindings (`bindings/Interop.cs` via interoptopus, `bindings/github_oidc.h` via cbindgen)
//! are generated from this file by the `github_oidc_bindgen` crate.

mod ops;

use interoptopus::patterns::api_guard::APIVersion;
use interoptopus::patterns::slice::{FFISlice, FFISliceMut};
use interoptopus::{ffi_function, ffi_type, function, Inventory, InventoryBuilder};
use std::cell::RefCell;

/// Status of a call. `Ok` means the result buffer holds the answer; any other value means it
/// holds an error object `{"kind","code","message",…}`. Values are stable.
#[ffi_type]
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GhoStatus {
    /// Success.
    Ok = 0,
    /// Bad input, detected before any request.
    InvalidArgument = 1,
    /// 404.
    NotFound = 2,
    /// 401.
    Unauthorized = 3,
    /// 403.
    Forbidden = 4,
    /// 400 / 422.
    ValidationFailed = 5,
    /// 429 or a rate-limited 403.
    RateLimited = 6,
    /// 5xx.
    ServerError = 7,
    /// Connection, TLS, DNS or timeout.
    Network = 8,
    /// A response that breaks the contract.
    UnexpectedResponse = 9,
    /// A bug, e.g. a caught panic.
    Internal = 10,
}

impl From<github_oidc_core::ErrorKind> for GhoStatus {
    fn from(k: github_oidc_core::ErrorKind) -> Self {
        use github_oidc_core::ErrorKind as K;
        match k {
            K::InvalidArgument => GhoStatus::InvalidArgument,
            K::NotFound => GhoStatus::NotFound,
            K::Unauthorized => GhoStatus::Unauthorized,
            K::Forbidden => GhoStatus::Forbidden,
            K::ValidationFailed => GhoStatus::ValidationFailed,
            K::RateLimited => GhoStatus::RateLimited,
            K::ServerError => GhoStatus::ServerError,
            K::Network => GhoStatus::Network,
            K::UnexpectedResponse => GhoStatus::UnexpectedResponse,
            K::Internal => GhoStatus::Internal,
        }
    }
}

thread_local! {
    static RESULT: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
}

/// Runs an operation on a JSON request, stores its answer and returns its status.
fn run(
    request: FFISlice<u8>,
    op: fn(&serde_json::Value) -> github_oidc_core::Result<serde_json::Value>,
) -> GhoStatus {
    let outcome = std::panic::catch_unwind(|| {
        let parsed = std::str::from_utf8(request.as_slice())
            .map_err(|_| github_oidc_core::Error::invalid("The request is not valid UTF-8."))
            .and_then(|text| {
                serde_json::from_str::<serde_json::Value>(if text.is_empty() { "{}" } else { text }).map_err(
                    |e| github_oidc_core::Error::invalid(format!("The request is not valid JSON: {e}")),
                )
            });
        parsed.and_then(|v| op(&v))
    });
    let (status, body) = match outcome {
        Ok(Ok(value)) => (GhoStatus::Ok, value),
        Ok(Err(e)) => (GhoStatus::from(e.kind()), e.to_json()),
        Err(panic) => {
            let what = panic
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown panic".into());
            let e = github_oidc_core::Error::Internal(format!("the native library panicked: {what}"));
            (GhoStatus::Internal, e.to_json())
        }
    };
    RESULT.with(|r| *r.borrow_mut() = serde_json::to_vec(&body).unwrap_or_default());
    status
}

/// Length in bytes of the answer of this thread's last call.
#[ffi_function]
#[no_mangle]
pub extern "C" fn ghoidc_result_len() -> u64 {
    RESULT.with(|r| r.borrow().len() as u64)
}

/// Copies the answer of this thread's last call into `buffer` (UTF-8 JSON, not
/// NUL-terminated). Copies at most `buffer.len` bytes and returns the number copied; the
/// caller owns `buffer` and sizes it with [`ghoidc_result_len`].
#[ffi_function]
#[no_mangle]
pub extern "C" fn ghoidc_result_copy(mut buffer: FFISliceMut<u8>) -> u64 {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        RESULT.with(|r| {
            let src = r.borrow();
            let dst = buffer.as_slice_mut();
            let n = src.len().min(dst.len());
            dst[..n].copy_from_slice(&src[..n]);
            n as u64
        })
    }))
    .unwrap_or(0)
}

// Each export is written out (not generated by a macro) so that cbindgen, which reads the
// source without expanding macros, sees every function.

/// `{}` → `{"version","user_agent","api_version"}`.
#[ffi_function]
#[no_mangle]
pub extern "C" fn ghoidc_version(request: FFISlice<u8>) -> GhoStatus {
    run(request, ops::version)
}

/// `{"context"}` → the resolved host, API base URL, issuer and whether a token is set.
#[ffi_function]
#[no_mangle]
pub extern "C" fn ghoidc_context(request: FFISlice<u8>) -> GhoStatus {
    run(request, ops::context)
}

/// `{"context","enterprise"?}` → the issuer's discovery document (cached per issuer).
#[ffi_function]
#[no_mangle]
pub extern "C" fn ghoidc_discover(request: FFISlice<u8>) -> GhoStatus {
    run(request, ops::discover)
}

/// `{"context","enterprise"?,"completion"?}` → `{"keys","source","warning"}`: keys a
/// template may use; falls back to the built-in list when discovery fails.
#[ffi_function]
#[no_mangle]
pub extern "C" fn ghoidc_claim_keys(request: FFISlice<u8>) -> GhoStatus {
    run(request, ops::claim_keys)
}

/// `{"context","include_claim_keys","allow_unknown_keys"?}` → `{"warning"}`: checks a template's
/// keys (syntax, duplicates, known to the instance) without writing anything.
#[ffi_function]
#[no_mangle]
pub extern "C" fn ghoidc_check_claim_keys(request: FFISlice<u8>) -> GhoStatus {
    run(request, ops::check_claim_keys)
}

/// `{"context","owner"}` → the organization's template.
#[ffi_function]
#[no_mangle]
pub extern "C" fn ghoidc_get_org_subject_claim(request: FFISlice<u8>) -> GhoStatus {
    run(request, ops::get_org)
}

/// `{"context","owner","repository"}` → the repository's template.
#[ffi_function]
#[no_mangle]
pub extern "C" fn ghoidc_get_repo_subject_claim(request: FFISlice<u8>) -> GhoStatus {
    run(request, ops::get_repo)
}

/// `{"context","owner","update"}` → `{"sent","warnings"}` after the PUT.
#[ffi_function]
#[no_mangle]
pub extern "C" fn ghoidc_set_org_subject_claim(request: FFISlice<u8>) -> GhoStatus {
    run(request, ops::set_org)
}

/// `{"context","owner","repository","update"}` → `{"sent","warnings"}` after the PUT.
#[ffi_function]
#[no_mangle]
pub extern "C" fn ghoidc_set_repo_subject_claim(request: FFISlice<u8>) -> GhoStatus {
    run(request, ops::set_repo)
}

/// `{"context","owner"|"enterprise"}` → `[{"custom_property_name","inclusion_source","claim_key"}]`.
#[ffi_function]
#[no_mangle]
pub extern "C" fn ghoidc_list_property_claims(request: FFISlice<u8>) -> GhoStatus {
    run(request, ops::list_property_claims)
}

/// `{"context","owner"|"enterprise","name"}` → the inclusion created.
#[ffi_function]
#[no_mangle]
pub extern "C" fn ghoidc_add_property_claim(request: FFISlice<u8>) -> GhoStatus {
    run(request, ops::add_property_claim)
}

/// `{"context","owner"|"enterprise","name"}` → `{}` after the DELETE.
#[ffi_function]
#[no_mangle]
pub extern "C" fn ghoidc_remove_property_claim(request: FFISlice<u8>) -> GhoStatus {
    run(request, ops::remove_property_claim)
}

/// `{"context","enterprise","include_enterprise_slug"}` → `{"sent"}` after the PUT.
#[ffi_function]
#[no_mangle]
pub extern "C" fn ghoidc_set_enterprise_issuer(request: FFISlice<u8>) -> GhoStatus {
    run(request, ops::set_enterprise_issuer)
}

/// Subject preview: see `ops::resolve_subject` for the request shape.
#[ffi_function]
#[no_mangle]
pub extern "C" fn ghoidc_resolve_subject(request: FFISlice<u8>) -> GhoStatus {
    run(request, ops::resolve_subject)
}

/// `{"token"}` → header and claims, unverified.
#[ffi_function]
#[no_mangle]
pub extern "C" fn ghoidc_decode_token(request: FFISlice<u8>) -> GhoStatus {
    run(request, ops::decode_token)
}

/// `{"context","token","audience"?,"enterprise"?}` → verification report.
#[ffi_function]
#[no_mangle]
pub extern "C" fn ghoidc_verify_token(request: FFISlice<u8>) -> GhoStatus {
    run(request, ops::verify_token)
}

/// `{"provider","subjects","audience"?,"issuer","aws_account_id"?,"name"?}` → policy JSON.
#[ffi_function]
#[no_mangle]
pub extern "C" fn ghoidc_trust_policy(request: FFISlice<u8>) -> GhoStatus {
    run(request, ops::trust_policy)
}

/// `{}` → `{}`; forgets cached discovery documents and key sets.
#[ffi_function]
#[no_mangle]
pub extern "C" fn ghoidc_clear_cache(request: FFISlice<u8>) -> GhoStatus {
    run(request, ops::clear_cache)
}

/// Version hash of this API, checked by the generated C# bindings when they load.
#[ffi_function]
#[no_mangle]
pub extern "C" fn ghoidc_api_guard() -> APIVersion {
    ffi_inventory().into()
}

/// Everything exported, for the binding generators.
pub fn ffi_inventory() -> Inventory {
    InventoryBuilder::new()
        .register(function!(ghoidc_api_guard))
        .register(function!(ghoidc_result_len))
        .register(function!(ghoidc_result_copy))
        .register(function!(ghoidc_version))
        .register(function!(ghoidc_context))
        .register(function!(ghoidc_discover))
        .register(function!(ghoidc_claim_keys))
        .register(function!(ghoidc_check_claim_keys))
        .register(function!(ghoidc_get_org_subject_claim))
        .register(function!(ghoidc_get_repo_subject_claim))
        .register(function!(ghoidc_set_org_subject_claim))
        .register(function!(ghoidc_set_repo_subject_claim))
        .register(function!(ghoidc_set_enterprise_issuer))
        .register(function!(ghoidc_list_property_claims))
        .register(function!(ghoidc_add_property_claim))
        .register(function!(ghoidc_remove_property_claim))
        .register(function!(ghoidc_resolve_subject))
        .register(function!(ghoidc_decode_token))
        .register(function!(ghoidc_verify_token))
        .register(function!(ghoidc_trust_policy))
        .register(function!(ghoidc_clear_cache))
        .inventory()
}
