//! Offline GitHub Actions OIDC logic: what `sub` GitHub issues for a template and a set of
//! claims, decoding and verifying ID tokens against a JWKS, and cloud trust-policy snippets.
//!
//! Nothing in this crate performs I/O; the network lives in `github_oidc_core`.
//!
//! * [`subject`] — the `sub` claim GitHub would issue ([`subject::compute_subject`]) and the
//!   claims a job description implies ([`subject::job_claims`]).
//! * [`token`] — decode ([`token::decode`]) and verify ([`token::verify`]) ID tokens.
//! * [`trust`] — AWS / Azure / GCP / Vault trust-policy JSON ([`trust::trust_policy`]).
//! * [`text`] — user values cut to a safe length for error messages ([`text::shorten`]).
//! * [`evaluate`] — the other direction: would an existing trust policy (AWS, Azure, GCP, Vault,
//!   npm / PyPI / crates.io / RubyGems.org / NuGet.org trusted publishers) accept a job's token,
//!   and if not, why ([`evaluate::evaluate`]).
//! * [`risk`] — who else gets in: the jobs a trust configuration admits beyond its intended
//!   scope, each proven with an example the evaluator admits ([`risk::audit`]).

pub mod evaluate;
pub mod risk;
pub mod subject;
pub mod text;
pub mod token;
pub mod trust;

pub use subject::{
    compute_subject, escape_value, job_claims, shorten, Job, Subject, SubjectError, SubjectRequest,
    DEFAULT_TEMPLATE, MAX_ECHO_CHARS, PULL_REQUEST_EVENTS,
};
pub use token::{
    decode, enterprise_slug_of_issuer, kid_in_jwks, verify, Check, DecodedToken, TokenError, Verification,
    VerifyOptions, DEFAULT_LEEWAY_SECS, STANDARD_ISSUER,
};
pub use trust::{trust_policy, Provider, TrustError, TrustRequest};
