//! Fuzz target: `ghoidc_config_validate` with arbitrary bytes (a desired-state document as JSON
//! text or as an object; it makes no request).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    github_oidc_fuzz::check(github_oidc::ghoidc_config_validate, data);
});
