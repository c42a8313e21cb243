//! The one auth step: a request that names the context's credentials ([`Auth::Context`]) gets
//! its bearer here, then goes to the transport ([`crate::http::send`]).
//!
//! - no credentials: the missing-token error ([`Context::missing_credentials`]) before any
//!   request, and before the request waits at a gate;
//! - a token: sent as it is;
//! - a GitHub App: an installation token for the request's owner ([`crate::app`]: cached,
//!   exchanged with the App JWT). When GitHub answers 401 to a cached installation token
//!   (revoked early), the token is renewed once, at once, and the same request is sent again.
//!
//! Also the REST call of one of the [`crate::endpoints`] ([`api`], [`api_gated`]): its URL, its
//! API version, and the permission it needs named in 401/403 errors.

use crate::app::{self, Target};
use crate::context::Context;
use crate::credentials::Credentials;
use crate::endpoints::Endpoint;
use crate::error::{Error, Result};
use crate::http::{self, Auth, Gate, Request, Response};

/// Sends `req` as its [`Auth`] says: [`Auth::Context`] with the context's credentials (see the
/// module docs), anything else as it is. Retries, pacing and the gate are the transport's.
pub async fn send(req: Request<'_>, gate: Option<&dyn Gate>) -> Result<Response> {
    if !matches!(req.auth, Auth::Context) {
        return http::send(&req, gate).await;
    }
    let ctx = req.ctx;
    match &ctx.credentials {
        Credentials::None => Err(ctx.missing_credentials()),
        Credentials::Token(token) => {
            http::send(
                &Request {
                    auth: Auth::Bearer(token.clone()),
                    ..req
                },
                gate,
            )
            .await
        }
        Credentials::App(app) => {
            // The owner the caller names wins over the URL (a listing's next page may be
            // `/organizations/{id}/repos`, with no name in it); the org lookup falls back to
            // the user's.
            let target = match &req.owner {
                Some(owner) => Some(Target::Org(owner.clone())),
                None => app::target_of(&ctx.api_base(), &req.url),
            };
            let token = app::installation_token(app, ctx, target.as_ref(), None).await?;
            let first = Request {
                auth: Auth::Bearer(token.clone()),
                ..req.clone()
            };
            match http::send(&first, gate).await {
                Err(e) if e.api().is_some_and(|a| a.status == 401) => {
                    let renewed = app::installation_token(app, ctx, target.as_ref(), Some(&token)).await?;
                    http::send(
                        &Request {
                            auth: Auth::Bearer(renewed),
                            ..req
                        },
                        gate,
                    )
                    .await
                }
                other => other,
            }
        }
    }
}

/// [`api`] for async callers on the runtime: the endpoint's URL, or `url` when given (a `Link`
/// from a previous answer, already checked to be on the API's origin), sent through `gate`,
/// acting for `owner` (see [`Request::owner`]).
pub async fn api_gated(
    ctx: &Context,
    endpoint: &Endpoint,
    args: &[&str],
    url: Option<String>,
    owner: Option<&str>,
    gate: &dyn Gate,
) -> Result<Response> {
    let url = match url {
        Some(u) => u,
        None => endpoint.url(ctx, args)?,
    };
    send(
        Request {
            method: endpoint.method.clone(),
            url,
            body: None,
            auth: Auth::Context,
            ctx,
            api_version: endpoint.api_version,
            owner: owner.map(str::to_string),
        },
        Some(gate),
    )
    .await
    .map_err(|e| with_permission(e, endpoint.permission))
}

/// An authenticated REST API call to one of the [`crate::endpoints`]: fails before any request
/// without credentials, fills the endpoint's path with `args` (validated and percent-encoded),
/// sends it under the context's API base with GitHub's headers, the endpoint's API version and
/// retries, and names the endpoint's permission in 401/403 errors.
pub fn api(
    ctx: &Context,
    endpoint: &Endpoint,
    args: &[&str],
    body: Option<&serde_json::Value>,
) -> Result<Response> {
    let url = endpoint.url(ctx, args)?;
    http::block_on(send(
        Request {
            method: endpoint.method.clone(),
            url,
            body: body.cloned(),
            auth: Auth::Context,
            ctx,
            api_version: endpoint.api_version,
            owner: None,
        },
        None,
    ))
    .map_err(|e| with_permission(e, endpoint.permission))
}

/// Attaches the permission an endpoint needs to 401/403 errors, so the user knows what kind of
/// token to create.
fn with_permission(e: Error, permission: &str) -> Error {
    match e {
        Error::Api(mut api) if matches!(api.status, 401 | 403) && !api.rate_limited => {
            api.required_permission = Some(permission.to_string());
            Error::Api(api)
        }
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::context::ContextOptions;
    use crate::error::ErrorKind;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::time::Duration;

    /// A gate that only counts the attempts that pass it.
    struct CountingGate(AtomicUsize);

    impl Gate for CountingGate {
        fn before_attempt(
            &self,
        ) -> std::pin::Pin<Box<dyn std::future::Future<Output = Result<()>> + Send + '_>> {
            self.0.fetch_add(1, Ordering::SeqCst);
            Box::pin(async { Ok(()) })
        }
        fn pause(&self, _wait: Duration, _err: &Error) -> Result<()> {
            Ok(())
        }
    }

    #[test]
    fn a_missing_token_is_the_context_error_before_any_request() {
        // A listener that would see any connection; it never accepts one.
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.set_nonblocking(true).unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        for (host, variables) in [
            ("github.com", "GH_TOKEN or GITHUB_TOKEN"),
            (
                "ghes.example.com",
                "GH_ENTERPRISE_TOKEN, GITHUB_ENTERPRISE_TOKEN, GH_TOKEN or GITHUB_TOKEN",
            ),
        ] {
            let ctx = Context::resolve(&ContextOptions {
                host_name: Some(host.into()),
                api_base_uri: Some(base.clone()),
                ..Default::default()
            })
            .unwrap();
            let endpoint = &crate::endpoints::GET_ORG_TEMPLATE;
            let gate = CountingGate(AtomicUsize::new(0));
            let gated =
                http::block_on(api_gated(&ctx, endpoint, &["octo-org"], None, None, &gate)).unwrap_err();
            let plain = api(&ctx, endpoint, &["octo-org"], None).unwrap_err();
            let expected = format!(
                "No GitHub token for {host}. Pass -Context @{{ HostName = '{host}'; Token = <token> }} (a string or a SecureString), set {variables}, run 'gh auth login --hostname {host}', or give a GitHub App (-Context @{{ ClientId = ...; PrivateKeyPath = ... }})."
            );
            for e in [&gated, &plain] {
                assert_eq!(e.kind(), ErrorKind::InvalidArgument);
                assert_eq!(e.to_string(), expected);
            }
            // The same words the context description hands to PowerShell.
            assert_eq!(ctx.describe().missing_token_message, expected);
            assert_eq!(gate.0.load(Ordering::SeqCst), 0, "no attempt passed the gate");
        }
        assert!(
            matches!(listener.accept(), Err(e) if e.kind() == std::io::ErrorKind::WouldBlock),
            "no connection was made"
        );
    }

    #[test]
    fn the_transport_refuses_a_request_without_its_bearer() {
        let ctx = Context::resolve(&ContextOptions {
            token: Some("t0ken".into()),
            api_base_uri: Some("http://127.0.0.1:9".into()),
            ..Default::default()
        })
        .unwrap();
        let req = Request {
            method: reqwest::Method::GET,
            url: "http://127.0.0.1:9/x".into(),
            body: None,
            auth: Auth::Context,
            ctx: &ctx,
            api_version: None,
            owner: None,
        };
        let e = http::block_on(http::send(&req, None)).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Internal);
    }
}
