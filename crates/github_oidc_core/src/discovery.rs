//! OIDC discovery documents and JWKS, cached per URL for the life of the process.
//!
//! `ISSUER/.well-known/openid-configuration` lists `claims_supported` (the claim keys a
//! template may use) and `jwks_uri`. A repeated call for the same issuer makes no request.
//! Failures are remembered for a short time, so argument completion on an offline machine
//! does not wait for a timeout on every Tab, and a write's claim-key check (dry run, then the
//! write) fetches discovery at most once. Both are read through [`http::send`], so they share
//! its size cap ([`http::MAX_RESPONSE_BYTES`]), timeouts and retries, and a redirect is an error.

use crate::context::Context;
use crate::error::{Error, Result};
use crate::http::{self, Auth, Request};
use crate::models::{DiscoveryDocument, JwksDocument};
use reqwest::Method;
use serde::Serialize;
use std::collections::HashMap;
use std::sync::LazyLock;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How long a failed discovery is remembered.
const NEGATIVE_TTL: Duration = Duration::from_secs(60);

crate::contract_struct! {
    /// The parts of a discovery document this project uses.
    #[derive(Debug, Clone, Serialize)]
    pub struct Discovery {
        /// The issuer the document names.
        pub issuer: String,
        /// Where the signing keys are.
        pub jwks_uri: String,
        /// The claim keys the issuer puts into tokens.
        pub claims_supported: Vec<String>,
        /// The URL the document was read from.
        pub discovery_uri: String,
    }
}

#[derive(Default)]
struct Cache {
    documents: HashMap<String, Arc<Discovery>>,
    failures: HashMap<String, (Instant, String)>,
    jwks: HashMap<String, Arc<String>>,
}

static CACHE: LazyLock<Mutex<Cache>> = LazyLock::new(Default::default);

fn cache() -> std::sync::MutexGuard<'static, Cache> {
    CACHE.lock().unwrap_or_else(|p| p.into_inner())
}

/// The discovery URL of an issuer.
pub fn discovery_uri(issuer: &str) -> String {
    format!(
        "{}/.well-known/openid-configuration",
        issuer.trim_end_matches('/')
    )
}

/// Returns the cached document for an issuer without any request.
pub fn cached(issuer: &str) -> Option<Arc<Discovery>> {
    cache().documents.get(&discovery_uri(issuer)).cloned()
}

/// Forgets every cached document, failure and key set.
pub fn clear_cache() {
    *cache() = Cache::default();
}

/// Reads (or returns the cached) discovery document of the context's issuer, or of its
/// enterprise-scoped issuer when `enterprise` is given.
pub fn discover(ctx: &Context, enterprise: Option<&str>) -> Result<Arc<Discovery>> {
    let issuer = ctx.issuer_for(enterprise)?;
    let uri = discovery_uri(&issuer);
    {
        let c = cache();
        if let Some(d) = c.documents.get(&uri) {
            return Ok(d.clone());
        }
    }
    let result = http::block_on(http::send(
        &Request {
            method: Method::GET,
            url: uri.clone(),
            body: None,
            auth: Auth::Anonymous,
            ctx,
            api_version: None,
            owner: None,
        },
        None,
    ))
    .and_then(|r| parse(&r));
    let mut c = cache();
    match result {
        Ok(d) => {
            let d = Arc::new(d);
            c.failures.remove(&uri);
            c.documents.insert(uri, d.clone());
            Ok(d)
        }
        Err(e) => {
            c.failures.insert(uri, (Instant::now(), e.to_string()));
            Err(e)
        }
    }
}

/// Whether discovery for this issuer failed within the last minute (completion skips it).
pub fn recently_failed(issuer: &str) -> bool {
    let c = cache();
    matches!(c.failures.get(&discovery_uri(issuer)), Some((t, _)) if t.elapsed() < NEGATIVE_TTL)
}

/// The message of a discovery failure for this issuer within the last minute, if any.
pub fn recent_failure(issuer: &str) -> Option<String> {
    let c = cache();
    match c.failures.get(&discovery_uri(issuer)) {
        Some((t, message)) if t.elapsed() < NEGATIVE_TTL => Some(message.clone()),
        _ => None,
    }
}

fn parse(response: &http::Response) -> Result<Discovery> {
    let d: DiscoveryDocument = response.parse()?;
    Ok(Discovery {
        issuer: d.issuer,
        jwks_uri: d.jwks_uri,
        claims_supported: d.claims_supported,
        discovery_uri: response.url.clone(),
    })
}

/// The JWKS of an issuer (as JSON text), cached; `refresh` forces a new read (unknown `kid`).
pub fn jwks(ctx: &Context, discovery: &Discovery, refresh: bool) -> Result<Arc<String>> {
    if discovery.jwks_uri.is_empty() {
        return Err(Error::UnexpectedResponse {
            url: discovery.discovery_uri.clone(),
            message: "the discovery document has no `jwks_uri`".into(),
        });
    }
    if !refresh {
        if let Some(k) = cache().jwks.get(&discovery.jwks_uri) {
            return Ok(k.clone());
        }
    }
    let resp = http::block_on(http::send(
        &Request {
            method: Method::GET,
            url: discovery.jwks_uri.clone(),
            body: None,
            auth: Auth::Anonymous,
            ctx,
            api_version: None,
            owner: None,
        },
        None,
    ))?;
    resp.parse::<JwksDocument>()?;
    let text = Arc::new(resp.body.to_string());
    cache().jwks.insert(discovery.jwks_uri.clone(), text.clone());
    Ok(text)
}
