//! The effective template of a repository, the `sub` it produces, and token verification.
//! (Filled in by the subject-preview work; see `github_oidc_claims` for the offline rules.)
