//! Fuzz target: the job exports that make no request, with arbitrary bytes — `ghoidc_fleet_next`,
//! `ghoidc_fleet_close`, `ghoidc_config_export` and `ghoidc_config_compare` (which parses its
//! desired-state document before it looks the job up). No job is ever started here, so every
//! job id is unknown: the target covers the request parsers, the job lookup and the document
//! checks, never a network. (`ghoidc_fleet_start` would start a real run: `parse_request`
//! covers its request.)
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    github_oidc_fuzz::check(github_oidc::ghoidc_fleet_next, data);
    github_oidc_fuzz::check(github_oidc::ghoidc_fleet_close, data);
    github_oidc_fuzz::check(github_oidc::ghoidc_config_export, data);
    github_oidc_fuzz::check(github_oidc::ghoidc_config_compare, data);
});
