//! Fuzz target: `ghoidc_claim_keys` with arbitrary bytes; a JSON object's context is pointed at a
//! closed local port (`github_oidc_fuzz::offline`), so no request leaves the machine.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    github_oidc_fuzz::check(github_oidc::ghoidc_claim_keys, &github_oidc_fuzz::offline(data));
});
