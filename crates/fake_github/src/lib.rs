//! A fake GitHub REST API + OIDC issuer for tests.
//!
//! Serves the GitHub Actions OIDC customization endpoints (org/repo `sub` templates, the
//! enterprise issuer policy), the OIDC discovery documents and JWKS (github.com-style,
//! enterprise-scoped and GHES-style issuers), records every request and can inject faults:
//! error statuses and rate limits, connection resets, truncated and huge bodies, no answer,
//! bodies that are not JSON / of the wrong shape / HTML, and redirects to a second listener.
//! It also plays the Actions runner's ID-token endpoint (`/_apis/…/idtoken`, see `runner.rs`).
//! See the crate README for the seed data and the `/_fake/` control API.
//!
//! ```no_run
//! # async fn demo() -> std::io::Result<()> {
//! let server = fake_github::spawn(None).await?;
//! println!("{}", server.base_url); // http://127.0.0.1:PORT
//! server.push_fault(fake_github::Fault::new(503).path_prefix("/orgs/"));
//! let log = server.requests();
//! # drop(log); Ok(()) }
//! ```

mod apps;
mod conn;
mod control;
mod echo;
mod etag;
mod faults;
mod fleet;
mod http;
mod oidc;
mod routes;
mod runner;
mod server;
mod shared;
pub mod state;

pub use apps::{IssuedToken, RegisteredApp, TokenShape};
pub use routes::{DEFAULT_API_VERSION, SUPPORTED_API_VERSIONS};
pub use runner::RUNNER_REQUEST_TOKEN;
pub use server::{
    spawn, spawn_blocking_server, spawn_on, BlockingServer, FakeGitHub, RunningServer, REDACTED,
};
pub use shared::{Fault, FaultKind, RecordedRequest, HUGE_BODY_DEFAULT, MAIN_LISTENER, REDIRECT_LISTENER};
pub use state::{
    Org, Permission, Repo, State, TEST_SIGNING_KEY_JWK, TEST_SIGNING_KEY_KID, TEST_SIGNING_KEY_PEM,
};
