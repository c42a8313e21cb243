//! Fuzz target: `ghoidc_trust_policy` with arbitrary bytes (it makes no request).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    github_oidc_fuzz::check(github_oidc::ghoidc_trust_policy, data);
});
