//! Fuzz target: arbitrary bytes through the request parser of every export
//! (`github_oidc::parse_request::<T>`): an answer or an InvalidArgument error, never a panic.
#![no_main]

use github_oidc::contract::*;
use libfuzzer_sys::fuzz_target;

fn parse<T: serde::de::DeserializeOwned>(data: &[u8]) {
    if let Err(e) = github_oidc::parse_request::<T>(data) {
        assert_eq!(
            e.kind(),
            github_oidc_core::ErrorKind::InvalidArgument,
            "a parse error is InvalidArgument: {e}"
        );
        let json = serde_json::to_string(&e.to_json()).expect("the error serialises");
        assert!(
            json.len() < 4096,
            "a parse error message stays short: {} bytes",
            json.len()
        );
    }
}

fuzz_target!(|data: &[u8]| {
    parse::<VersionRequest>(data);
    parse::<ContextRequest>(data);
    parse::<DiscoverRequest>(data);
    parse::<ClaimKeysRequest>(data);
    parse::<GetSubjectClaimRequest>(data);
    parse::<SetSubjectClaimRequest>(data);
    parse::<ListPropertyClaimsRequest>(data);
    parse::<AddPropertyClaimRequest>(data);
    parse::<RemovePropertyClaimRequest>(data);
    parse::<SetEnterpriseIssuerRequest>(data);
    parse::<ResolveSubjectRequest>(data);
    parse::<DecodeTokenRequest>(data);
    parse::<VerifyTokenRequest>(data);
    parse::<TrustPolicyRequest>(data);
    parse::<ClearCacheRequest>(data);
    parse::<RedactRequest>(data);
    parse::<ConfigValidateRequest>(data);
    parse::<ConfigExportRequest>(data);
    parse::<ConfigCompareRequest>(data);
    parse::<FleetStartRequest>(data);
    parse::<FleetNextRequest>(data);
    parse::<FleetCloseRequest>(data);
});
