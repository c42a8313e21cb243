//! The network a context's requests take: proxies, the hosts that bypass them, extra
//! certificate authorities, and whether `http://` is allowed; one pooled HTTP client per
//! distinct setting.
//!
//! Settings come from the context (`proxy`, `no_proxy`, `ca_certificate_path`) or else from the
//! environment variables [`NETWORK_VARIABLES`] — as the caller sees them when it passes
//! `environment` (PowerShell's `$env:` changes never reach this process's environment on Linux
//! and macOS), else from this process's environment (C callers):
//!
//! | Setting | Context key | Variables (either case) |
//! | --- | --- | --- |
//! | proxy for `https://` | `proxy` | `HTTPS_PROXY`, then `ALL_PROXY` |
//! | proxy for `http://` | `proxy` | `HTTP_PROXY`, then `ALL_PROXY` |
//! | hosts without proxy | `no_proxy` | `NO_PROXY` (comma-separated, `.domain`, `*`, IPs and CIDRs) |
//! | extra trusted CAs | `ca_certificate_path` (PEM file or folder) | `SSL_CERT_FILE`, `SSL_CERT_DIR` (`:`-separated folders) |
//!
//! The operating system's trust store is always trusted too. A change of any setting between
//! calls takes effect: [`client`] keeps one client per distinct [`Network`], not one per process.
//!
//! Cleartext: an `http://` API base or issuer on a host that is not this machine (`localhost`,
//! `127.0.0.0/8`, `::1`) is refused ([`check_cleartext`]) unless the context allows it with
//! `allow_insecure_http`, which then warns on every call.

use crate::error::{Error, Result};
use github_oidc_claims::text::shorten;
use std::collections::{BTreeMap, HashMap};
use std::sync::{LazyLock, Mutex};
use std::time::Duration;
use url::Url;

/// The environment variables that hold network settings, in the order they are looked up
/// (upper case first, then lower case). The caller passes those it sees as `environment`.
pub const NETWORK_VARIABLES: &[&str] = &[
    "HTTPS_PROXY",
    "https_proxy",
    "HTTP_PROXY",
    "http_proxy",
    "ALL_PROXY",
    "all_proxy",
    "NO_PROXY",
    "no_proxy",
    "SSL_CERT_FILE",
    "SSL_CERT_DIR",
];

/// One network setting, as resolved from a context and its environment.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct Network {
    /// Proxy for `https://` URLs.
    pub https_proxy: Option<String>,
    /// Proxy for `http://` URLs.
    pub http_proxy: Option<String>,
    /// Hosts that bypass the proxies.
    pub no_proxy: Option<String>,
    /// Extra certificate authorities: PEM files or folders of them (which, is looked at when
    /// the client is built, not on every call).
    pub ca_paths: Vec<String>,
    /// Whether the caller said which variables it sees (so this process's environment, which
    /// may be stale, is not read by the HTTP library either).
    pub explicit_environment: bool,
}

fn given(s: Option<&str>) -> Option<String> {
    s.map(str::trim).filter(|s| !s.is_empty()).map(str::to_string)
}

/// A proxy URL as given (`host:port` is read as `http://host:port`), checked.
fn proxy_url(what: &str, value: &str) -> Result<String> {
    let with_scheme = if value.contains("://") {
        value.to_string()
    } else {
        format!("http://{value}")
    };
    let url = Url::parse(&with_scheme).map_err(|e| {
        Error::invalid(format!(
            "The proxy in {what} ('{}') is not a URL: {e}. Use http://HOST:PORT.",
            shown_proxy(value)
        ))
    })?;
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
        return Err(Error::invalid(format!(
            "The proxy in {what} ('{}') must be an http:// or https:// proxy URL (SOCKS proxies are not supported).",
            shown_proxy(value)
        )));
    }
    Ok(with_scheme)
}

/// A proxy URL for messages: without its user name and password.
pub fn shown_proxy(proxy: &str) -> String {
    match Url::parse(proxy) {
        Ok(mut u) if !u.username().is_empty() || u.password().is_some() => {
            let _ = u.set_username("");
            let _ = u.set_password(None);
            u.to_string().trim_end_matches('/').to_string()
        }
        Ok(u) => u.to_string().trim_end_matches('/').to_string(),
        Err(_) => match proxy.rsplit_once('@') {
            Some((_, host)) => shorten(host),
            None => shorten(proxy),
        },
    }
}

impl Network {
    /// The setting of a context: its keys win, else the variables of `environment` (when
    /// given), else this process's environment.
    pub fn resolve(
        proxy: Option<&str>,
        no_proxy: Option<&str>,
        ca_path: Option<&str>,
        environment: Option<&BTreeMap<String, String>>,
    ) -> Result<Network> {
        let var = |names: &[&str]| -> Option<(String, String)> {
            names.iter().find_map(|n| {
                let v = match environment {
                    Some(env) => env.get(*n).cloned(),
                    None => std::env::var(n).ok(),
                };
                given(v.as_deref()).map(|v| (n.to_string(), v))
            })
        };
        let (https_proxy, http_proxy) = match given(proxy) {
            Some(p) => {
                let p = proxy_url("the context's Proxy", &p)?;
                (Some(p.clone()), Some(p))
            }
            None => {
                let all = var(&["ALL_PROXY", "all_proxy"]);
                let https = var(&["HTTPS_PROXY", "https_proxy"]).or_else(|| all.clone());
                let http = var(&["HTTP_PROXY", "http_proxy"]).or(all);
                let check = |v: Option<(String, String)>| -> Result<Option<String>> {
                    v.map(|(n, v)| proxy_url(&n, &v)).transpose()
                };
                (check(https)?, check(http)?)
            }
        };
        let no_proxy = given(no_proxy).or_else(|| var(&["NO_PROXY", "no_proxy"]).map(|(_, v)| v));
        let ca_paths = match given(ca_path) {
            Some(p) => vec![p],
            None => var(&["SSL_CERT_FILE"])
                .map(|(_, v)| v)
                .into_iter()
                .chain(var(&["SSL_CERT_DIR"]).into_iter().flat_map(|(_, v)| {
                    v.split(if cfg!(windows) { ';' } else { ':' })
                        .filter(|d| !d.trim().is_empty())
                        .map(str::to_string)
                        .collect::<Vec<_>>()
                }))
                .collect(),
        };
        Ok(Network {
            https_proxy,
            http_proxy,
            no_proxy,
            ca_paths,
            explicit_environment: environment.is_some(),
        })
    }

    /// The proxy a request to `url` goes through (shown without credentials), unless its host
    /// is in `no_proxy`: decided by the matcher reqwest itself uses (hyper-util's), so the
    /// proxy an error names is the one the request took.
    pub fn proxy_for(&self, url: &str) -> Option<String> {
        let matcher = hyper_util::client::proxy::matcher::Matcher::builder()
            .https(self.https_proxy.as_deref().unwrap_or_default())
            .http(self.http_proxy.as_deref().unwrap_or_default())
            .no(self.no_proxy.as_deref().unwrap_or_default())
            .build();
        let dst: http::Uri = url.parse().ok()?;
        matcher
            .intercept(&dst)
            .map(|proxy| shown_proxy(&proxy.uri().to_string()))
    }
}

/// Whether a URL's host is this machine: `localhost`, `127.0.0.0/8` or `::1`.
pub fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
}

/// Refuses an `http://` URL on a host that is not this machine, unless `allowed`; answers the
/// warning to show when it is allowed.
pub fn check_cleartext(what: &str, url: &Url, allowed: bool) -> Result<Option<String>> {
    if url.scheme() != "http" || is_loopback(url) {
        return Ok(None);
    }
    let shown = url.as_str().trim_end_matches('/');
    if allowed {
        return Ok(Some(format!(
            "{what} {shown} is http://: tokens and answers travel unencrypted (AllowInsecureHttp is set)."
        )));
    }
    Err(Error::invalid(format!(
        "{what} {shown} is http:// on a host that is not this machine: the token would travel unencrypted, so nothing was sent. Use https://, or allow it on purpose with AllowInsecureHttp = $true in the context."
    )))
}

fn base_builder() -> reqwest::ClientBuilder {
    reqwest::Client::builder()
        .user_agent(crate::http::USER_AGENT.as_str())
        .connect_timeout(Duration::from_secs(10))
        .pool_idle_timeout(Duration::from_secs(60))
        .redirect(reqwest::redirect::Policy::none())
}

/// The certificates of a PEM file, or of every PEM file in a folder.
fn read_certificates(path: &str) -> Result<Vec<reqwest::Certificate>> {
    let from_dir = std::path::Path::new(path).is_dir();
    let bad = |e: String| {
        Error::invalid(format!(
            "The certificate authorities in '{}' could not be read: {e}. Give a PEM file (or a folder of PEM files) in CaCertificatePath, SSL_CERT_FILE or SSL_CERT_DIR.",
            shorten(path)
        ))
    };
    let mut files = Vec::new();
    if from_dir {
        let entries = std::fs::read_dir(path).map_err(|e| bad(e.to_string()))?;
        for entry in entries.flatten() {
            let p = entry.path();
            if p.is_file() {
                files.push(p);
            }
        }
        files.sort();
    } else {
        files.push(std::path::PathBuf::from(path));
    }
    let mut certs = Vec::new();
    for file in files {
        let bytes = std::fs::read(&file).map_err(|e| bad(e.to_string()))?;
        match reqwest::Certificate::from_pem_bundle(&bytes) {
            Ok(c) => certs.extend(c),
            // A folder may hold other files (hash links to the same certificates, READMEs).
            Err(_) if from_dir => {}
            Err(e) => return Err(bad(e.to_string())),
        }
    }
    if !from_dir && certs.is_empty() {
        return Err(bad("it holds no PEM certificate".to_string()));
    }
    Ok(certs)
}

fn build(network: &Network) -> Result<reqwest::Client> {
    let mut b = base_builder();
    let proxies_known = network.https_proxy.is_some() || network.http_proxy.is_some();
    // The HTTP library would read this process's (possibly stale) environment: with the
    // caller's own view, or a proxy from the context, only that counts.
    if network.explicit_environment || proxies_known {
        b = b.no_proxy();
    }
    let no_proxy = network
        .no_proxy
        .as_deref()
        .and_then(reqwest::NoProxy::from_string);
    let built =
        |e: reqwest::Error, what: &str| Error::invalid(format!("The proxy {what} cannot be used: {e}"));
    if let Some(p) = &network.https_proxy {
        b = b.proxy(
            reqwest::Proxy::https(p.as_str())
                .map_err(|e| built(e, &shown_proxy(p)))?
                .no_proxy(no_proxy.clone()),
        );
    }
    if let Some(p) = &network.http_proxy {
        b = b.proxy(
            reqwest::Proxy::http(p.as_str())
                .map_err(|e| built(e, &shown_proxy(p)))?
                .no_proxy(no_proxy.clone()),
        );
    }
    for path in &network.ca_paths {
        for c in read_certificates(path)? {
            b = b.add_root_certificate(c);
        }
    }
    b.build()
        .map_err(|e| Error::Internal(format!("the HTTP client does not build: {e}")))
}

static CLIENTS: LazyLock<Mutex<HashMap<Network, reqwest::Client>>> = LazyLock::new(Default::default);

/// The pooled client for a network setting (built on first use; a setting whose certificates
/// cannot be read is an error, not cached).
pub fn client(network: &Network) -> Result<reqwest::Client> {
    let mut map = CLIENTS.lock().unwrap_or_else(|p| p.into_inner());
    if let Some(c) = map.get(network) {
        return Ok(c.clone());
    }
    let c = build(network)?;
    map.insert(network.clone(), c.clone());
    Ok(c)
}

/// Builds the client for `network` on another thread, if none is built yet: reading the root
/// certificates (the system's, SSL_CERT_FILE/SSL_CERT_DIR, a CaCertificatePath) takes
/// milliseconds that a command's first request would otherwise wait for, while the caller does
/// its own first-call work (issue 20). A setting that cannot build is left for that request to
/// report ([`client`] caches only what builds).
pub fn prepare(network: &Network) {
    let built = CLIENTS
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .contains_key(network);
    if !built {
        let network = network.clone();
        // No thread, no head start: the request builds the client as before.
        let _ = std::thread::Builder::new()
            .name("ghoidc-prepare".into())
            .spawn(move || client(&network).map(drop));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn prepare_builds_the_client_on_another_thread() {
        let network =
            Network::resolve(Some("prepare.test:3128"), None, None, Some(&BTreeMap::new())).unwrap();
        let built = || {
            CLIENTS
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .contains_key(&network)
        };
        assert!(!built());
        prepare(&network);
        let deadline = std::time::Instant::now() + Duration::from_secs(10);
        while !built() {
            assert!(
                std::time::Instant::now() < deadline,
                "prepare did not build the client"
            );
            std::thread::sleep(Duration::from_millis(5));
        }
    }

    #[test]
    fn context_keys_win_then_the_given_environment() {
        let e = env(&[("HTTPS_PROXY", "http://env:1"), ("no_proxy", "corp.example")]);
        let n = Network::resolve(Some("proxy.corp:3128"), None, None, Some(&e)).unwrap();
        assert_eq!(n.https_proxy.as_deref(), Some("http://proxy.corp:3128"));
        assert_eq!(n.http_proxy.as_deref(), Some("http://proxy.corp:3128"));
        assert_eq!(n.no_proxy.as_deref(), Some("corp.example"));
        let n = Network::resolve(None, Some("x"), None, Some(&e)).unwrap();
        assert_eq!(n.https_proxy.as_deref(), Some("http://env:1"));
        assert_eq!(n.http_proxy, None, "HTTPS_PROXY is for https:// only");
        assert_eq!(n.no_proxy.as_deref(), Some("x"));
        let n = Network::resolve(None, None, None, Some(&env(&[("all_proxy", "http://all:2")]))).unwrap();
        assert_eq!(n.https_proxy.as_deref(), Some("http://all:2"));
        assert_eq!(n.http_proxy.as_deref(), Some("http://all:2"));
        let n = Network::resolve(None, None, None, Some(&BTreeMap::new())).unwrap();
        assert_eq!(n.https_proxy, None);
        assert!(n.explicit_environment);
    }

    #[test]
    fn proxies_are_checked_and_shown_without_credentials() {
        let e = Network::resolve(Some("socks5://p:1"), None, None, Some(&BTreeMap::new())).unwrap_err();
        assert!(e.to_string().contains("SOCKS"), "{e}");
        let e = Network::resolve(
            None,
            None,
            None,
            Some(&env(&[("HTTPS_PROXY", "http://u:secret@ :1")])),
        )
        .unwrap_err();
        assert!(!e.to_string().contains("secret"), "{e}");
        assert_eq!(shown_proxy("http://user:pw@proxy:8080"), "http://proxy:8080");
        let n = Network::resolve(
            Some("http://u:pw@proxy:8080"),
            Some("internal.corp,.svc"),
            None,
            None,
        )
        .unwrap();
        assert_eq!(
            n.proxy_for("https://api.github.com/x").as_deref(),
            Some("http://proxy:8080")
        );
        assert_eq!(n.proxy_for("https://git.internal.corp/api/v3"), None);
        assert_eq!(n.proxy_for("https://a.svc/"), None);
        assert_eq!(
            n.proxy_for("http://10.0.0.1/").as_deref(),
            Some("http://proxy:8080")
        );
        let n = Network::resolve(Some("http://proxy:8080"), Some("10.0.0.0/8"), None, None).unwrap();
        assert_eq!(
            n.proxy_for("https://10.1.2.3/api/v3"),
            None,
            "CIDRs as reqwest reads them"
        );
    }

    #[test]
    fn cleartext_is_refused_off_this_machine() {
        let u = |s: &str| Url::parse(s).unwrap();
        for ok in [
            "http://127.0.0.1:8080",
            "http://127.9.9.9",
            "http://[::1]:1",
            "http://localhost:3",
            "https://api.corp",
        ] {
            assert_eq!(
                check_cleartext("ApiBaseUri", &u(ok), false).unwrap(),
                None,
                "{ok}"
            );
        }
        let e = check_cleartext("ApiBaseUri", &u("http://api.corp.example"), false).unwrap_err();
        assert!(e.to_string().contains("AllowInsecureHttp"), "{e}");
        assert!(check_cleartext("ApiBaseUri", &u("http://10.0.0.1"), true)
            .unwrap()
            .is_some());
    }

    #[test]
    fn unreadable_certificates_are_clear_errors() {
        let n = Network {
            ca_paths: vec!["/nonexistent/ca.pem".into()],
            ..Default::default()
        };
        let e = client(&n).unwrap_err();
        assert!(e.to_string().contains("/nonexistent/ca.pem"), "{e}");
    }
}
