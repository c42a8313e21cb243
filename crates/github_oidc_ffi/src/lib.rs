//! The C ABI of GitHubOidc.
//!
//! Every operation is one exported function that takes a UTF-8 JSON request as a byte slice
//! and returns a [`GhoidcStatus`]. The JSON answer (the result on `Ok`, an error object
//! otherwise) is kept in a per-thread buffer that the caller copies out with
//! [`ghoidc_result_len`] and [`ghoidc_result_copy`] on the same thread, before its next call.
//!
//! Ownership: input slices are borrowed for the duration of the call only; the library never
//! keeps a pointer to them. No heap memory crosses the boundary: results are copied into a
//! buffer the caller owns, so there is nothing to free.
//!
//! Panics never cross the boundary: every body runs inside `catch_unwind`, and a panic
//! becomes [`GhoidcStatus::Internal`] with a message.
//!
//! Bindings (`bindings/Interop.cs` via interoptopus, `bindings/github_oidc.h` via cbindgen)
//! are generated from this file by the `github_oidc_bindgen` crate.

mod config;
pub mod contract;
pub mod jobs;
mod ops;

use interoptopus::patterns::api_guard::APIVersion;
use interoptopus::patterns::slice::{FFISlice, FFISliceMut};
use interoptopus::{ffi_function, ffi_type, function, Inventory, InventoryBuilder};
use serde::de::DeserializeOwned;
use serde::Serialize;
use std::cell::RefCell;

/// Status of a call. `Ok` means the result buffer holds the answer; any other value means it
/// holds an error object `{"kind","code","message",…}`. Values are stable.
#[ffi_type]
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GhoidcStatus {
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
    /// An approved write not sent: what it was computed from changed since its dry run.
    Conflict = 11,
}

impl From<github_oidc_core::ErrorKind> for GhoidcStatus {
    fn from(k: github_oidc_core::ErrorKind) -> Self {
        use github_oidc_core::ErrorKind as K;
        match k {
            K::InvalidArgument => GhoidcStatus::InvalidArgument,
            K::NotFound => GhoidcStatus::NotFound,
            K::Unauthorized => GhoidcStatus::Unauthorized,
            K::Forbidden => GhoidcStatus::Forbidden,
            K::ValidationFailed => GhoidcStatus::ValidationFailed,
            K::RateLimited => GhoidcStatus::RateLimited,
            K::ServerError => GhoidcStatus::ServerError,
            K::Network => GhoidcStatus::Network,
            K::UnexpectedResponse => GhoidcStatus::UnexpectedResponse,
            K::Internal => GhoidcStatus::Internal,
            K::Conflict => GhoidcStatus::Conflict,
        }
    }
}

thread_local! {
    static RESULT: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
}

/// Parses a request of type `R` straight from the bytes: an empty slice is `{}`; anything else
/// must be one JSON object whose fields `R` knows at every depth. The error names the field.
pub fn parse_request<R: DeserializeOwned>(bytes: &[u8]) -> github_oidc_core::Result<R> {
    let bytes: &[u8] = if bytes.is_empty() { b"{}" } else { bytes };
    if std::str::from_utf8(bytes).is_err() {
        return Err(github_oidc_core::Error::invalid(
            "The request is not valid UTF-8.",
        ));
    }
    // Serde would take an array for a struct (`[]` as `{}` when every field is optional):
    // only an object is a request, whatever the export.
    if bytes.iter().find(|b| !b.is_ascii_whitespace()) != Some(&b'{') {
        let what = match serde_json::from_slice::<serde_json::Value>(bytes) {
            Ok(serde_json::Value::Array(_)) => "an array",
            Ok(serde_json::Value::Number(_)) => "a number",
            Ok(serde_json::Value::String(_)) => "a string",
            Ok(serde_json::Value::Bool(_)) => "a boolean",
            Ok(serde_json::Value::Null) => "null",
            _ => return Err(github_oidc_core::Error::invalid("The request is not valid JSON.")),
        };
        return Err(github_oidc_core::Error::invalid(format!(
            "The request must be a JSON object, not {what}."
        )));
    }
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let invalid = |what: String, e: serde_json::Error| {
        github_oidc_core::Error::invalid(format!(
            "{what}: {}.",
            github_oidc_claims::text::shorten(&e.to_string())
        ))
    };
    let parsed: R = serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        let what = if inner.is_syntax() || inner.is_eof() {
            "The request is not valid JSON".to_string()
        } else if path.is_empty() || path == "." {
            "Invalid request".to_string()
        } else {
            format!("Invalid request field `{path}`")
        };
        invalid(what, inner)
    })?;
    de.end()
        .map_err(|e| invalid("The request is not valid JSON".into(), e))?;
    Ok(parsed)
}

thread_local! {
    /// Set while [`run`] is on this thread's stack: a panic there is caught and answered, so
    /// the panic hook stays silent instead of printing a backtrace into the host's console.
    static IN_RUN: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Installs (once) a panic hook that is silent inside [`run`] and defers to the previous hook
/// everywhere else.
fn quiet_panics_in_run() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !IN_RUN.with(|f| f.get()) {
                previous(info);
            }
        }));
    });
}

thread_local! {
    /// The contexts the current call used (its request's, or a fleet job's): their secrets are
    /// redacted from the call's answer, whatever its status (see [`note_context`]).
    static CONTEXTS: RefCell<Vec<github_oidc_core::Context>> = const { RefCell::new(Vec::new()) };
}

/// Records that the current call acts with `ctx`, so that its token (and, for a GitHub App,
/// the installation tokens and JWTs obtained for it, and its key) are redacted from the
/// answer, also when the context came from a job started by an earlier call.
pub(crate) fn note_context(ctx: &github_oidc_core::Context) {
    CONTEXTS.with(|c| c.borrow_mut().push(ctx.clone()));
}

/// Runs an operation on a typed request, stores its JSON answer and returns its status.
/// A panic anywhere (parsing, operation, serialising, redacting) becomes
/// [`GhoidcStatus::Internal`]: the operation is still answered, and nothing is printed.
pub fn run<R: DeserializeOwned, A: Serialize>(
    request: FFISlice<u8>,
    op: fn(R) -> github_oidc_core::Result<A>,
) -> GhoidcStatus {
    quiet_panics_in_run();
    let was_in_run = IN_RUN.with(|f| f.replace(true));
    CONTEXTS.with(|c| c.borrow_mut().clear());
    let request = request.as_slice();
    let outcome = std::panic::catch_unwind(|| {
        let answer = parse_request::<R>(request).and_then(op).and_then(|a| {
            serde_json::to_vec(&a).map_err(|e| github_oidc_core::Error::Internal(e.to_string()))
        });
        let (status, body) = match answer {
            Ok(bytes) => (GhoidcStatus::Ok, bytes),
            Err(e) => (GhoidcStatus::from(e.kind()), error_bytes(&e)),
        };
        // Answers kept for conditional requests go to the contexts' cache folders (once a
        // fleet run ends, for its own answers).
        CONTEXTS.with(|c| c.borrow().iter().for_each(github_oidc_core::conditional::flush));
        (status, redacted(body, request))
    });
    let (status, body) = outcome.unwrap_or_else(|panic| {
        let e = github_oidc_core::Error::Internal(github_oidc_core::error::panic_message(panic.as_ref()));
        // The panic's text is redacted like any answer; should that panic too, the answer
        // says so without the text.
        let bytes = error_bytes(&e);
        let body = std::panic::catch_unwind(|| redacted(bytes, request))
            .unwrap_or_else(|_| error_bytes(&redaction_failed()));
        (GhoidcStatus::Internal, body)
    });
    CONTEXTS.with(|c| c.borrow_mut().clear());
    IN_RUN.with(|f| f.set(was_in_run));
    RESULT.with(|r| *r.borrow_mut() = body);
    status
}

/// The one place answers become text for the caller: every token shape is redacted from the
/// JSON (GitHub's messages, `errors[]`, documentation URLs, URLs, transport errors, warnings,
/// echoed input) with [`github_oidc_claims::text::redact`], and every answer (success or
/// error) also loses every exact occurrence of a secret, whatever its shape (a legacy 40-hex
/// token, a GHES token of its own format): any `token`, `secret`, `password` or `private_key`
/// field of the request, at any depth, and the secrets of every context the call used
/// ([`note_context`]: a fleet job's context for `ghoidc_fleet_next` and the desired-state
/// exports). An answer without a secret is returned as it is; one with a secret has each of
/// its strings (and keys) redacted, not its text, so a secret next to a JSON escape
/// (`token=…\"`) cannot cut the escape in half and the answer stays JSON (a fuzzing finding,
/// `fuzz/corpus/redact/escape-after-query-token`). Keys lose token shapes only: an error
/// answer's keys are the contract's field names, so a request "secret" such as `kind` cannot
/// take the error object apart (a fuzzing finding, `fuzz/corpus/redact/secret-named-like-a-key`).
/// Runs inside [`run`]'s panic guard.
fn redacted(body: Vec<u8>, request: &[u8]) -> Vec<u8> {
    use github_oidc_core::ExposeSecret;
    let Ok(text) = std::str::from_utf8(&body) else {
        return body;
    };
    let held: Vec<github_oidc_core::SecretString> =
        CONTEXTS.with(|c| c.borrow().iter().flat_map(|ctx| ctx.secrets()).collect());
    let mut secrets = request_secrets(request);
    secrets.extend(held.iter().map(|s| s.expose_secret().to_string()));
    let refs: Vec<&str> = secrets.iter().map(String::as_str).collect();
    if let std::borrow::Cow::Borrowed(_) = github_oidc_claims::text::redact_secrets(text, &refs) {
        return body;
    }
    match serde_json::from_str::<serde_json::Value>(text) {
        Ok(mut value) => {
            redact_strings(&mut value, &refs);
            serde_json::to_vec(&value).unwrap_or_else(|_| error_bytes(&redaction_failed()))
        }
        // Every answer is JSON; should one not be, nothing of it is passed on.
        Err(_) => error_bytes(&redaction_failed()),
    }
}

/// The answer that replaces one that could not be redacted.
fn redaction_failed() -> github_oidc_core::Error {
    github_oidc_core::Error::Internal("an answer could not be redacted, so it was dropped".into())
}

/// Every string of `value` redacted in place (token shapes and `secrets`), and every key
/// (token shapes only: keys are the answer's field names or data such as claim names, never a
/// request's secret).
fn redact_strings(value: &mut serde_json::Value, secrets: &[&str]) {
    use github_oidc_claims::text::redact_secrets;
    match value {
        serde_json::Value::String(s) => {
            if let std::borrow::Cow::Owned(r) = redact_secrets(s, secrets) {
                *s = r;
            }
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(|i| redact_strings(i, secrets)),
        serde_json::Value::Object(map) => {
            for (key, mut item) in std::mem::take(map) {
                redact_strings(&mut item, secrets);
                map.insert(redact_secrets(&key, &[]).into_owned(), item);
            }
        }
        _ => {}
    }
}

/// The values of a request's secret-bearing fields (`token`, `*_token`, `secret`, `password`,
/// `private_key`, …, but not `*_path`), at any depth; nothing when the request is not JSON.
fn request_secrets(request: &[u8]) -> Vec<String> {
    fn walk(v: &serde_json::Value, secret: bool, out: &mut Vec<String>) {
        match v {
            serde_json::Value::String(s) if secret => out.push(s.clone()),
            serde_json::Value::Array(items) => items.iter().for_each(|i| walk(i, secret, out)),
            serde_json::Value::Object(map) => {
                for (k, v) in map {
                    let k = k.to_ascii_lowercase();
                    // A path to a key file is not the key (and names what could not be read).
                    let is_secret = !k.ends_with("_path")
                        && ["token", "secret", "password", "private_key"]
                            .iter()
                            .any(|m| k.contains(m));
                    walk(v, is_secret, out);
                }
            }
            _ => {}
        }
    }
    let mut out = Vec::new();
    if let Ok(v) = serde_json::from_slice::<serde_json::Value>(request) {
        walk(&v, false, &mut out);
    }
    out
}

fn error_bytes(e: &github_oidc_core::Error) -> Vec<u8> {
    serde_json::to_vec(&e.to_json()).unwrap_or_default()
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
// source without expanding macros, sees every function. The request and answer types are in
// `contract.rs` and `bindings/schema.json`; `contract::exports()` lists the same exports.

/// Request: `VersionRequest`. Answer: `VersionAnswer` (both in bindings/schema.json).
#[ffi_function]
#[no_mangle]
pub extern "C" fn ghoidc_version(request: FFISlice<u8>) -> GhoidcStatus {
    run(request, ops::version)
}

/// Request: `ContextRequest`. Answer: `ContextAnswer` (both in bindings/schema.json).
#[ffi_function]
#[no_mangle]
pub extern "C" fn ghoidc_context(request: FFISlice<u8>) -> GhoidcStatus {
    run(request, ops::context)
}

/// Request: `DiscoverRequest`. Answer: `DiscoverAnswer` (both in bindings/schema.json).
#[ffi_function]
#[no_mangle]
pub extern "C" fn ghoidc_discover(request: FFISlice<u8>) -> GhoidcStatus {
    run(request, ops::discover)
}

/// Request: `ClaimKeysRequest`. Answer: `ClaimKeysAnswer` (both in bindings/schema.json).
#[ffi_function]
#[no_mangle]
pub extern "C" fn ghoidc_claim_keys(request: FFISlice<u8>) -> GhoidcStatus {
    run(request, ops::claim_keys)
}

/// Request: `GetSubjectClaimRequest`. Answer: `TemplateAnswer` (both in bindings/schema.json).
#[ffi_function]
#[no_mangle]
pub extern "C" fn ghoidc_get_subject_claim(request: FFISlice<u8>) -> GhoidcStatus {
    run(request, ops::get_subject_claim)
}

/// Request: `SetSubjectClaimRequest`. Answer: `WrittenAnswer` (both in bindings/schema.json).
#[ffi_function]
#[no_mangle]
pub extern "C" fn ghoidc_set_subject_claim(request: FFISlice<u8>) -> GhoidcStatus {
    run(request, ops::set_subject_claim)
}

/// Request: `ListPropertyClaimsRequest`. Answer: `InclusionsAnswer` (both in bindings/schema.json).
#[ffi_function]
#[no_mangle]
pub extern "C" fn ghoidc_list_property_claims(request: FFISlice<u8>) -> GhoidcStatus {
    run(request, ops::list_property_claims)
}

/// Request: `AddPropertyClaimRequest`. Answer: `WrittenAnswer` (both in bindings/schema.json).
#[ffi_function]
#[no_mangle]
pub extern "C" fn ghoidc_add_property_claim(request: FFISlice<u8>) -> GhoidcStatus {
    run(request, ops::add_property_claim)
}

/// Request: `RemovePropertyClaimRequest`. Answer: `WrittenAnswer` (both in bindings/schema.json).
#[ffi_function]
#[no_mangle]
pub extern "C" fn ghoidc_remove_property_claim(request: FFISlice<u8>) -> GhoidcStatus {
    run(request, ops::remove_property_claim)
}

/// Request: `SetEnterpriseIssuerRequest`. Answer: `WrittenAnswer` (both in bindings/schema.json).
#[ffi_function]
#[no_mangle]
pub extern "C" fn ghoidc_set_enterprise_issuer(request: FFISlice<u8>) -> GhoidcStatus {
    run(request, ops::set_enterprise_issuer)
}

/// Request: `ResolveSubjectRequest`. Answer: `PreviewAnswer` (both in bindings/schema.json).
#[ffi_function]
#[no_mangle]
pub extern "C" fn ghoidc_resolve_subject(request: FFISlice<u8>) -> GhoidcStatus {
    run(request, ops::resolve_subject)
}

/// Request: `DecodeTokenRequest`. Answer: `DecodeTokenAnswer` (both in bindings/schema.json).
#[ffi_function]
#[no_mangle]
pub extern "C" fn ghoidc_decode_token(request: FFISlice<u8>) -> GhoidcStatus {
    run(request, ops::decode_token)
}

/// Request: `VerifyTokenRequest`. Answer: `VerificationAnswer` (both in bindings/schema.json).
#[ffi_function]
#[no_mangle]
pub extern "C" fn ghoidc_verify_token(request: FFISlice<u8>) -> GhoidcStatus {
    run(request, ops::verify_token)
}

/// Request: `ActionsTokenRequest`. Answer: `ActionsTokenAnswer` (both in bindings/schema.json).
#[ffi_function]
#[no_mangle]
pub extern "C" fn ghoidc_actions_token(request: FFISlice<u8>) -> GhoidcStatus {
    run(request, ops::actions_token)
}

/// Request: `TrustPolicyRequest`. Answer: `TrustPolicyAnswer` (both in bindings/schema.json).
#[ffi_function]
#[no_mangle]
pub extern "C" fn ghoidc_trust_policy(request: FFISlice<u8>) -> GhoidcStatus {
    run(request, ops::trust_policy)
}

/// Request: `TestTrustPolicyRequest`. Answer: `TestTrustPolicyAnswer` (both in bindings/schema.json).
#[ffi_function]
#[no_mangle]
pub extern "C" fn ghoidc_test_trust_policy(request: FFISlice<u8>) -> GhoidcStatus {
    run(request, ops::test_trust_policy)
}

/// Request: `TrustRiskRequest`. Answer: `TrustRiskAnswer` (both in bindings/schema.json).
#[ffi_function]
#[no_mangle]
pub extern "C" fn ghoidc_trust_risk(request: FFISlice<u8>) -> GhoidcStatus {
    run(request, ops::trust_risk)
}

/// Request: `ConfigValidateRequest`. Answer: `ConfigValidateAnswer` (both in bindings/schema.json).
#[ffi_function]
#[no_mangle]
pub extern "C" fn ghoidc_config_validate(request: FFISlice<u8>) -> GhoidcStatus {
    run(request, config::validate)
}

/// Request: `ConfigExportRequest`. Answer: `ConfigExportAnswer` (both in bindings/schema.json).
#[ffi_function]
#[no_mangle]
pub extern "C" fn ghoidc_config_export(request: FFISlice<u8>) -> GhoidcStatus {
    run(request, config::export)
}

/// Request: `ConfigCompareRequest`. Answer: `CompareAnswer` (both in bindings/schema.json).
#[ffi_function]
#[no_mangle]
pub extern "C" fn ghoidc_config_compare(request: FFISlice<u8>) -> GhoidcStatus {
    run(request, config::compare)
}

/// Request: `ClearCacheRequest`. Answer: `EmptyAnswer` (both in bindings/schema.json).
#[ffi_function]
#[no_mangle]
pub extern "C" fn ghoidc_clear_cache(request: FFISlice<u8>) -> GhoidcStatus {
    run(request, ops::clear_cache)
}

/// Request: `FleetStartRequest`. Answer: `FleetStartAnswer` (both in bindings/schema.json).
#[ffi_function]
#[no_mangle]
pub extern "C" fn ghoidc_fleet_start(request: FFISlice<u8>) -> GhoidcStatus {
    run(request, jobs::fleet_start)
}

/// Request: `FleetNextRequest`. Answer: `FleetNextAnswer` (both in bindings/schema.json).
#[ffi_function]
#[no_mangle]
pub extern "C" fn ghoidc_fleet_next(request: FFISlice<u8>) -> GhoidcStatus {
    run(request, jobs::fleet_next)
}

/// Request: `FleetCloseRequest`. Answer: `EmptyAnswer` (both in bindings/schema.json).
#[ffi_function]
#[no_mangle]
pub extern "C" fn ghoidc_fleet_close(request: FFISlice<u8>) -> GhoidcStatus {
    run(request, jobs::fleet_close)
}

/// Request: `RedactRequest`. Answer: `RedactAnswer` (both in bindings/schema.json).
#[ffi_function]
#[no_mangle]
pub extern "C" fn ghoidc_redact(request: FFISlice<u8>) -> GhoidcStatus {
    run(request, ops::redact)
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
        .register(function!(ghoidc_get_subject_claim))
        .register(function!(ghoidc_set_subject_claim))
        .register(function!(ghoidc_list_property_claims))
        .register(function!(ghoidc_add_property_claim))
        .register(function!(ghoidc_remove_property_claim))
        .register(function!(ghoidc_set_enterprise_issuer))
        .register(function!(ghoidc_resolve_subject))
        .register(function!(ghoidc_decode_token))
        .register(function!(ghoidc_verify_token))
        .register(function!(ghoidc_actions_token))
        .register(function!(ghoidc_trust_policy))
        .register(function!(ghoidc_test_trust_policy))
        .register(function!(ghoidc_trust_risk))
        .register(function!(ghoidc_config_validate))
        .register(function!(ghoidc_config_export))
        .register(function!(ghoidc_config_compare))
        .register(function!(ghoidc_clear_cache))
        .register(function!(ghoidc_fleet_start))
        .register(function!(ghoidc_fleet_next))
        .register(function!(ghoidc_fleet_close))
        .register(function!(ghoidc_redact))
        .inventory()
}
