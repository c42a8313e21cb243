//! Fuzz target: `ghoidc_redact` with arbitrary bytes (offline: redacts the texts it is given).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    github_oidc_fuzz::check(github_oidc::ghoidc_redact, data);
});
