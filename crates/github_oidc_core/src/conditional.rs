//! Conditional requests: every GET answer's validators (`ETag`, `Last-Modified`) and body are
//! kept, the next GET of the same URL sends `If-None-Match` / `If-Modified-Since`, and a
//! `304 Not Modified` is answered with the kept body (GitHub does not charge a 304 to the
//! primary rate limit; it still costs its point of the secondary limit, [`crate::budget`]).
//!
//! Entries are keyed by the API base, the credential's identity and the URL (with its query)
//! and API version. The identity is a SHA-256 ([`identity`]): of the token, of a GitHub App's
//! issuer and key fingerprint (so the cache outlives its hourly installation tokens), or
//! `anonymous` for requests without a credential (discovery, JWKS). Two credentials never see
//! each other's entries, and no token is kept. An answer is only ever returned after GitHub
//! said `304` to its validator: nothing is served from the cache without asking.
//!
//! The cache lives in memory for the process; when the context names a `cache_path` (a
//! folder), each scope (API base + identity) is also one file there, named by a hash of the
//! scope ([`file_name`]): read when the scope is first used, written atomically (a temporary
//! file, then a rename; mode 0600 on Unix) by [`flush`] when entries changed. A file is
//! versioned ([`FORMAT`], [`FORMAT_VERSION`]) and bounded ([`MAX_FILE_BYTES`]: the oldest
//! entries are dropped); a corrupt file, a file of another version or of another scope is a
//! warning ([`take_warnings`]) and is ignored (and replaced on the next write).
//!
//! The hooks in [`crate::http`] are [`decorate`] (before sending: adds the validators),
//! [`not_modified`] (a 304: the kept answer) and [`store`] (a 2xx GET: keep it).

use crate::context::Context;
use crate::credentials::Credentials;
use crate::http::{Request, Response};
use reqwest::header::{
    HeaderMap, HeaderName, HeaderValue, ETAG, IF_MODIFIED_SINCE, IF_NONE_MATCH, LAST_MODIFIED,
};
use reqwest::{Method, StatusCode};
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, LazyLock, Mutex, MutexGuard};
use std::time::{SystemTime, UNIX_EPOCH};

/// The `format` member of a cache file.
pub const FORMAT: &str = "GitHubOidc.ConditionalCache";
/// The version of the file format; a file of another version is ignored with a warning.
pub const FORMAT_VERSION: u32 = 1;
/// The largest cache file written (the oldest entries are dropped to stay under it) or read.
pub const MAX_FILE_BYTES: usize = 32 * 1024 * 1024;
/// The most entries one scope keeps in memory (the oldest are dropped).
pub const MAX_ENTRIES: usize = 100_000;
/// Answers larger than this are not kept.
pub const MAX_BODY_BYTES: usize = 1024 * 1024;
/// The answer headers kept with a body (a listing page's `Link` to the next page).
const KEPT_HEADERS: &[&str] = &["link", "content-type"];

/// Whose entries: an API base and a credential identity.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Scope {
    api: String,
    identity: String,
}

impl Scope {
    fn new(ctx: &Context, identity: String) -> Scope {
        Scope {
            api: ctx
                .api_base_uri
                .as_str()
                .trim_end_matches('/')
                .to_ascii_lowercase(),
            identity,
        }
    }

    /// The hash that names this scope's file and is written in it.
    fn hash(&self) -> String {
        crate::sha256_hex(format!("{FORMAT}\0{}\0{}", self.api, self.identity).as_bytes())
    }
}

/// The identity of the credential a request is sent with (a SHA-256, hex): a GitHub App
/// context's App (issuer and key fingerprint, whatever installation token or JWT is the
/// bearer), else the bearer token, else `anonymous`.
pub fn identity(ctx: &Context, bearer: Option<&SecretString>) -> String {
    match (ctx.app(), bearer) {
        (_, None) => "anonymous".to_string(),
        (Some(app), Some(_)) => crate::sha256_hex(format!("app\0{}", app.cache_identity()).as_bytes()),
        (None, Some(token)) => crate::sha256_hex(format!("token\0{}", token.expose_secret()).as_bytes()),
    }
}

/// The name of a scope's file in the cache folder.
pub fn file_name(ctx: &Context, identity: &str) -> String {
    let hash = Scope::new(ctx, identity.to_string()).hash();
    format!("githuboidc-{}.cache.json", &hash[..32])
}

/// One kept answer.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
struct Entry {
    etag: Option<String>,
    last_modified: Option<String>,
    status: u16,
    headers: Vec<(String, String)>,
    body: serde_json::Value,
    /// When it was stored or last confirmed by a 304 (Unix seconds): the oldest go first.
    stored: u64,
    /// A counter that orders entries stored in the same second.
    #[serde(default)]
    seq: u64,
}

/// The entries of one scope.
#[derive(Debug, Default)]
struct Shard {
    entries: HashMap<String, Entry>,
    /// Entries changed since the last write.
    dirty: bool,
    /// Cache files already read into this shard.
    loaded: HashSet<PathBuf>,
    /// Warnings not handed out yet (a file that could not be read or written).
    warnings: Vec<String>,
    seq: u64,
    /// Runs under way that write when they end ([`hold`]): [`flush`] leaves the shard alone.
    holds: u32,
}

static SHARDS: LazyLock<Mutex<HashMap<Scope, Arc<Mutex<Shard>>>>> = LazyLock::new(Default::default);

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

/// The shard of a scope, with the context's cache file read into it once.
fn shard(ctx: &Context, scope: &Scope) -> Arc<Mutex<Shard>> {
    let shard = Arc::clone(lock(&SHARDS).entry(scope.clone()).or_default());
    if let Some(dir) = &ctx.cache_path {
        let path = dir.join(file_name(ctx, &scope.identity));
        let mut s = lock(&shard);
        if s.loaded.insert(path.clone()) {
            load(&mut s, &path, scope);
        }
    }
    shard
}

/// The file as written.
#[derive(Serialize, Deserialize)]
struct File {
    format: String,
    version: u32,
    scope: String,
    entries: Vec<(String, Entry)>,
}

/// Reads a cache file into the shard; entries already in memory win. A missing file is no
/// error; anything else that cannot be used is a warning.
fn load(s: &mut Shard, path: &Path, scope: &Scope) {
    let shown = path.display();
    let bytes = match std::fs::metadata(path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return,
        Ok(m) if m.len() > MAX_FILE_BYTES as u64 * 2 => {
            s.warnings.push(format!(
                "The cache file {shown} is larger than the cache ever writes ({} bytes); it was ignored and will be replaced.",
                m.len()
            ));
            return;
        }
        _ => match std::fs::read(path) {
            Ok(b) => b,
            Err(e) => {
                s.warnings.push(format!(
                    "The cache file {shown} could not be read ({e}); it was ignored."
                ));
                return;
            }
        },
    };
    // The version first, so another version's file is named as such even when its shape differs.
    #[derive(Deserialize)]
    struct Head {
        format: Option<String>,
        version: Option<u32>,
    }
    let head: Option<Head> = serde_json::from_slice(&bytes).ok();
    let why = match head {
        None => Some("it is not a GitHubOidc cache file (not valid JSON)".to_string()),
        Some(h) if h.format.as_deref() != Some(FORMAT) => {
            Some("it is not a GitHubOidc cache file".to_string())
        }
        Some(h) if h.version != Some(FORMAT_VERSION) => Some(format!(
            "it was written by another version of the module (format {}, this one reads {FORMAT_VERSION})",
            h.version.map_or_else(|| "unknown".to_string(), |v| v.to_string())
        )),
        Some(_) => None,
    };
    let file = match why {
        Some(w) => Err(w),
        None => serde_json::from_slice::<File>(&bytes).map_err(|e| format!("it is corrupt ({e})")),
    };
    match file {
        Ok(f) if f.scope == scope.hash() => {
            for (key, entry) in f.entries {
                s.seq = s.seq.max(entry.seq);
                s.entries.entry(key).or_insert(entry);
            }
        }
        Ok(_) => s.warnings.push(format!(
            "The cache file {shown} belongs to another host or credential; it was ignored and will be replaced."
        )),
        Err(why) => s.warnings.push(format!(
            "The cache file {shown} was ignored: {why}. It will be replaced."
        )),
    }
}

/// Keeps at most `max` entries, dropping the oldest.
fn evict(entries: &mut HashMap<String, Entry>, max: usize) {
    if entries.len() <= max {
        return;
    }
    let mut order: Vec<(u64, u64, String)> = entries
        .iter()
        .map(|(k, e)| (e.stored, e.seq, k.clone()))
        .collect();
    order.sort();
    for (_, _, k) in order.into_iter().take(entries.len() - max) {
        entries.remove(&k);
    }
}

/// The validators (and kept answer) of one GET, from [`decorate`].
#[derive(Debug)]
pub struct Lookup {
    scope: Scope,
    key: String,
    entry: Option<Entry>,
}

/// The key of a request within its scope.
fn key(req: &Request<'_>) -> String {
    format!(
        "GET {} {}",
        req.url,
        req.api_version.unwrap_or(crate::http::API_VERSION)
    )
}

/// Whether a GET's answer may be kept: an anonymous read (discovery, JWKS), or a read of the
/// context's API. An answer to a bearer sent elsewhere (a runner's ID token) is a secret of its
/// own and is never kept.
fn keepable(req: &Request<'_>, bearer: Option<&SecretString>) -> bool {
    let api = req.ctx.api_base();
    bearer.is_none()
        || req
            .url
            .strip_prefix(api.as_str())
            .is_some_and(|rest| rest.is_empty() || rest.starts_with(['/', '?']))
}

/// Before a GET is sent: its kept validators, added as `If-None-Match` / `If-Modified-Since`.
/// Other methods, and GETs whose answer is not kept ([`keepable`]), pass unchanged (`None`).
pub fn decorate(
    req: &Request<'_>,
    bearer: Option<&SecretString>,
    builder: reqwest::RequestBuilder,
) -> (reqwest::RequestBuilder, Option<Lookup>) {
    if req.method != Method::GET || !keepable(req, bearer) {
        return (builder, None);
    }
    let lookup = lookup(req.ctx, &identity(req.ctx, bearer), key(req));
    let mut builder = builder;
    if let Some(e) = &lookup.entry {
        if let Some(v) = e.etag.as_deref().and_then(|v| HeaderValue::from_str(v).ok()) {
            builder = builder.header(IF_NONE_MATCH, v);
        } else if let Some(v) = e
            .last_modified
            .as_deref()
            .and_then(|v| HeaderValue::from_str(v).ok())
        {
            builder = builder.header(IF_MODIFIED_SINCE, v);
        }
    }
    (builder, Some(lookup))
}

fn lookup(ctx: &Context, identity: &str, key: String) -> Lookup {
    let scope = Scope::new(ctx, identity.to_string());
    let entry = lock(&shard(ctx, &scope)).entries.get(&key).cloned();
    Lookup { scope, key, entry }
}

/// A `304 Not Modified` to a request [`decorate`] added validators to: the kept answer, with
/// this answer's headers (rate limits, request ID) over the kept ones (`Link`). `None` for any
/// other status, or a 304 to a request sent without validators (an error for the caller).
pub fn not_modified(
    lookup: &Option<Lookup>,
    url: &str,
    status: StatusCode,
    headers: &HeaderMap,
) -> Option<Response> {
    if status != StatusCode::NOT_MODIFIED {
        return None;
    }
    let lookup = lookup.as_ref()?;
    let entry = lookup.entry.as_ref()?;
    let mut merged = HeaderMap::new();
    for (name, value) in &entry.headers {
        if let (Ok(n), Ok(v)) = (
            HeaderName::from_bytes(name.as_bytes()),
            HeaderValue::from_str(value),
        ) {
            merged.insert(n, v);
        }
    }
    for (name, value) in headers {
        merged.insert(name.clone(), value.clone());
    }
    // Confirmed now: the entry is the newest, not the oldest, when the cache must shrink.
    {
        let shard = lock(&SHARDS).get(&lookup.scope).cloned();
        if let Some(shard) = shard {
            let mut s = lock(&shard);
            s.seq += 1;
            let seq = s.seq;
            if let Some(e) = s.entries.get_mut(&lookup.key) {
                e.stored = now();
                e.seq = seq;
            }
        }
    }
    Some(Response {
        status: entry.status,
        url: url.to_string(),
        body: entry.body.clone(),
        headers: merged,
        from_cache: true,
    })
}

/// A 2xx answer: kept when it is a GET answer with a validator (and not too large), then
/// returned. An answer without validators removes what was kept for the URL.
pub fn store(lookup: &Option<Lookup>, response: Response) -> Response {
    let Some(lookup) = lookup else { return response };
    let text = |name: &str| {
        response
            .headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
    };
    let etag = text(ETAG.as_str());
    let last_modified = text(LAST_MODIFIED.as_str());
    let Some(shard) = lock(&SHARDS).get(&lookup.scope).cloned() else {
        return response;
    };
    let mut s = lock(&shard);
    let small = serde_json::to_vec(&response.body).is_ok_and(|b| b.len() <= MAX_BODY_BYTES);
    if (etag.is_none() && last_modified.is_none()) || !small {
        if s.entries.remove(&lookup.key).is_some() {
            s.dirty = true;
        }
        return response;
    }
    let headers = KEPT_HEADERS
        .iter()
        .filter_map(|name| Some((name.to_string(), text(name)?)))
        .collect();
    s.seq += 1;
    let entry = Entry {
        etag,
        last_modified,
        status: response.status,
        headers,
        body: response.body.clone(),
        stored: now(),
        seq: s.seq,
    };
    if s.entries.get(&lookup.key) != Some(&entry) {
        s.entries.insert(lookup.key.clone(), entry);
        evict(&mut s.entries, MAX_ENTRIES);
        s.dirty = true;
    }
    response
}

/// The scopes a context writes to its cache folder: its own credential's and the requests sent
/// without one (discovery, JWKS). Never another credential's, even on the same host.
fn scopes_of(ctx: &Context) -> Vec<Scope> {
    let mut out: Vec<Scope> = own_scope(ctx).into_iter().collect();
    out.push(Scope::new(ctx, identity(ctx, None)));
    out
}

/// The scope of the context's own credential (its token, or its App), if it has one.
fn own_scope(ctx: &Context) -> Option<Scope> {
    // An App's identity does not depend on the bearer (an installation token or a JWT).
    let id = match &ctx.credentials {
        Credentials::App(_) => identity(ctx, Some(&SecretString::from(String::new()))),
        Credentials::Token(t) => identity(ctx, Some(t)),
        Credentials::None => return None,
    };
    Some(Scope::new(ctx, id))
}

/// A run under way (a fleet inventory): while it is held, [`flush`] does not write the
/// context's own scope after every call; dropping it writes once.
#[derive(Debug)]
pub struct Hold {
    ctx: Context,
    shard: Option<Arc<Mutex<Shard>>>,
}

/// Holds the context's own scope for a run (see [`Hold`]).
pub fn hold(ctx: &Context) -> Hold {
    let shard = own_scope(ctx).map(|scope| shard(ctx, &scope));
    if let Some(s) = &shard {
        lock(s).holds += 1;
    }
    Hold {
        ctx: ctx.clone(),
        shard,
    }
}

impl Drop for Hold {
    fn drop(&mut self) {
        if let Some(s) = &self.shard {
            let mut s = lock(s);
            s.holds = s.holds.saturating_sub(1);
        }
        flush(&self.ctx);
    }
}

/// Reads the context's cache file for its credential (when it names a `cache_path`) and hands
/// out the warnings about cache files not handed out yet (a corrupt file, one of another
/// version, a write that failed). Called when a context is resolved for the caller.
pub fn take_warnings(ctx: &Context) -> Vec<String> {
    if let Some(scope) = own_scope(ctx) {
        shard(ctx, &scope);
    }
    let mut out = Vec::new();
    for scope in scopes_of(ctx) {
        let shard = lock(&SHARDS).get(&scope).cloned();
        if let Some(shard) = shard {
            out.append(&mut lock(&shard).warnings);
        }
    }
    out
}

/// Writes every changed scope the context uses to its cache folder (nothing without a
/// `cache_path`). A failure is kept as a warning for [`take_warnings`]; the next flush tries
/// again.
pub fn flush(ctx: &Context) {
    let Some(dir) = &ctx.cache_path else { return };
    for scope in scopes_of(ctx) {
        let shard = lock(&SHARDS).get(&scope).cloned();
        let Some(shard) = shard else { continue };
        let mut s = lock(&shard);
        if !s.dirty || s.holds > 0 {
            continue;
        }
        let path = dir.join(file_name(ctx, &scope.identity));
        match write(&s.entries, &path, &scope) {
            Ok(()) => {
                s.dirty = false;
                s.loaded.insert(path);
            }
            Err(e) => s.warnings.push(format!(
                "The cache file {} could not be written ({e}); answers are cached for this session only.",
                path.display()
            )),
        }
    }
}

/// The file's bytes: the newest entries that fit in [`MAX_FILE_BYTES`].
fn serialize(entries: &HashMap<String, Entry>, scope: &Scope) -> serde_json::Result<Vec<u8>> {
    let mut all: Vec<(&String, &Entry)> = entries.iter().collect();
    // Newest first, so the oldest are the ones left out.
    all.sort_by_key(|e| std::cmp::Reverse((e.1.stored, e.1.seq)));
    let mut kept = Vec::new();
    let mut size = 256;
    for (k, e) in all {
        let n = k.len() + serde_json::to_vec(e)?.len() + 8;
        if size + n > MAX_FILE_BYTES {
            break;
        }
        size += n;
        kept.push((k.clone(), e.clone()));
    }
    serde_json::to_vec(&File {
        format: FORMAT.to_string(),
        version: FORMAT_VERSION,
        scope: scope.hash(),
        entries: kept,
    })
}

/// Writes atomically: a temporary file in the same folder (0600 on Unix), then a rename.
fn write(entries: &HashMap<String, Entry>, path: &Path, scope: &Scope) -> std::io::Result<()> {
    use std::io::Write;
    let bytes = serialize(entries, scope).map_err(std::io::Error::other)?;
    let dir = path.parent().unwrap_or(Path::new("."));
    create_dir(dir)?;
    let tmp = dir.join(format!(
        ".{}.{}.tmp",
        path.file_name().and_then(|n| n.to_str()).unwrap_or("cache"),
        std::process::id()
    ));
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let result = (|| {
        let mut f = options.open(&tmp)?;
        f.write_all(&bytes)?;
        f.sync_all()?;
        drop(f);
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

/// Creates the cache folder (0700 on Unix) when it is missing.
fn create_dir(dir: &Path) -> std::io::Result<()> {
    if dir.is_dir() {
        return Ok(());
    }
    let mut b = std::fs::DirBuilder::new();
    b.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        b.mode(0o700);
    }
    b.create(dir)
}

/// Forgets every entry kept in memory (files stay). For `ghoidc_clear_cache`.
pub fn clear() {
    lock(&SHARDS).clear();
}

/// Forgets the entries kept in memory for the context's API base, as a new process would
/// start (files stay, and are read again on the next use). For tests.
pub fn forget(ctx: &Context) {
    let api = ctx
        .api_base_uri
        .as_str()
        .trim_end_matches('/')
        .to_ascii_lowercase();
    lock(&SHARDS).retain(|s, _| s.api != api);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::context::ContextOptions;

    /// The context's token, as the tests pass it as the bearer.
    trait TokenOf {
        fn token(&self) -> Option<&SecretString>;
    }

    impl TokenOf for Context {
        fn token(&self) -> Option<&SecretString> {
            match &self.credentials {
                Credentials::Token(t) => Some(t),
                _ => None,
            }
        }
    }

    /// A folder removed when dropped.
    struct TempDir(PathBuf);

    impl TempDir {
        fn new(name: &str) -> TempDir {
            let p = std::env::temp_dir().join(format!("ghoidc-conditional-{}-{name}", std::process::id()));
            let _ = std::fs::remove_dir_all(&p);
            TempDir(p)
        }
        fn path(&self) -> &Path {
            &self.0
        }
    }

    impl Drop for TempDir {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    fn ctx(token: &str, cache: Option<&Path>) -> Context {
        Context::resolve(&ContextOptions {
            host_name: Some("github.com".into()),
            api_base_uri: Some(format!("https://api.{}.example", token.replace('_', "-"))),
            token: Some(token.into()),
            cache_path: cache.map(|p| p.display().to_string()),
            ..Default::default()
        })
        .unwrap()
    }

    fn request<'a>(ctx: &'a Context, url: &str) -> Request<'a> {
        Request {
            method: Method::GET,
            url: url.to_string(),
            body: None,
            auth: crate::http::Auth::Context,
            ctx,
            api_version: None,
            owner: None,
        }
    }

    #[test]
    fn only_the_apis_and_anonymous_answers_are_kept() {
        let c = ctx("tok_keep", None);
        let api = c.api_base();
        let token = c.token().cloned();
        let keep = |url: &str, bearer: Option<&SecretString>| keepable(&request(&c, url), bearer);
        assert!(keep(
            &format!("{api}/orgs/o/actions/oidc/customization/sub"),
            token.as_ref()
        ));
        assert!(keep(&format!("{api}?page=2"), token.as_ref()));
        // A runner's ID-token answer (another host, its own bearer) is never kept; nor is a URL
        // that only starts like the API base.
        let runner = SecretString::from("runner-request-token".to_string());
        assert!(!keep(
            "https://pipelines.example/_apis/idtoken?audience=x",
            Some(&runner)
        ));
        assert!(!keep(&format!("{api}.evil.example/x"), token.as_ref()));
        // Discovery and key sets carry no credential.
        assert!(keep(
            "https://token.actions.example/.well-known/openid-configuration",
            None
        ));
    }

    fn answer(url: &str, etag: Option<&str>, body: serde_json::Value, link: Option<&str>) -> Response {
        let mut headers = HeaderMap::new();
        if let Some(e) = etag {
            headers.insert(ETAG, HeaderValue::from_str(e).unwrap());
        }
        if let Some(l) = link {
            headers.insert("link", HeaderValue::from_str(l).unwrap());
        }
        headers.insert("x-ratelimit-remaining", HeaderValue::from_static("4999"));
        Response {
            status: 200,
            url: url.to_string(),
            body,
            headers,
            from_cache: false,
        }
    }

    /// decorate → the validators sent; the builder's headers, read back.
    fn sent(ctx: &Context, url: &str) -> (HeaderMap, Option<Lookup>) {
        let bearer = ctx.token().cloned();
        let client = reqwest::Client::new();
        let (b, l) = decorate(&request(ctx, url), bearer.as_ref(), client.get(url));
        (b.build().unwrap().headers().clone(), l)
    }

    fn not_modified_headers() -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert("x-ratelimit-remaining", HeaderValue::from_static("4990"));
        h.insert(ETAG, HeaderValue::from_static("\"v1\""));
        h
    }

    #[test]
    fn a_304_answers_the_kept_body_with_its_link_and_the_new_rate_headers() {
        let c = ctx("tok_a304", None);
        let url = "https://api.tok-a304.example/orgs/o/repos?per_page=100";
        let (h, l) = sent(&c, url);
        assert!(!h.contains_key(IF_NONE_MATCH), "nothing kept yet");
        let link = "<https://api.tok-a304.example/organizations/1/repos?page=2>; rel=\"next\"";
        store(
            &l,
            answer(
                url,
                Some("\"v1\""),
                serde_json::json!([{"name": "a"}]),
                Some(link),
            ),
        );
        let (h, l) = sent(&c, url);
        assert_eq!(h.get(IF_NONE_MATCH).unwrap(), "\"v1\"");
        let r = not_modified(&l, url, StatusCode::NOT_MODIFIED, &not_modified_headers()).unwrap();
        assert!(r.from_cache);
        assert_eq!(r.status, 200);
        assert_eq!(r.body, serde_json::json!([{"name": "a"}]));
        assert_eq!(r.headers.get("link").unwrap(), link);
        assert_eq!(r.headers.get("x-ratelimit-remaining").unwrap(), "4990");
        // Another status is not a cached answer.
        assert!(not_modified(&l, url, StatusCode::OK, &HeaderMap::new()).is_none());
    }

    #[test]
    fn a_304_without_validators_is_not_an_answer_and_other_methods_are_untouched() {
        let c = ctx("tok_bare", None);
        let url = "https://api.tok-bare.example/orgs/o/actions/oidc/customization/sub";
        let (_, l) = sent(&c, url);
        assert!(not_modified(&l, url, StatusCode::NOT_MODIFIED, &HeaderMap::new()).is_none());
        let mut put = request(&c, url);
        put.method = Method::PUT;
        let (_, l) = decorate(&put, c.token(), reqwest::Client::new().put(url));
        assert!(l.is_none());
    }

    #[test]
    fn a_new_etag_replaces_the_entry_and_no_validator_removes_it() {
        let c = ctx("tok_new", None);
        let url = "https://api.tok-new.example/repos/o/r/actions/oidc/customization/sub";
        let (_, l) = sent(&c, url);
        store(
            &l,
            answer(
                url,
                Some("\"v1\""),
                serde_json::json!({"use_default": true}),
                None,
            ),
        );
        let (_, l) = sent(&c, url);
        store(
            &l,
            answer(
                url,
                Some("\"v2\""),
                serde_json::json!({"use_default": false}),
                None,
            ),
        );
        let (h, l) = sent(&c, url);
        assert_eq!(h.get(IF_NONE_MATCH).unwrap(), "\"v2\"");
        let r = not_modified(&l, url, StatusCode::NOT_MODIFIED, &HeaderMap::new()).unwrap();
        assert_eq!(r.body["use_default"], false);
        store(&l, answer(url, None, serde_json::json!({}), None));
        let (h, _) = sent(&c, url);
        assert!(!h.contains_key(IF_NONE_MATCH));
    }

    #[test]
    fn last_modified_is_sent_when_there_is_no_etag() {
        let c = ctx("tok_lm", None);
        let url = "https://api.tok-lm.example/x";
        let (_, l) = sent(&c, url);
        let mut a = answer(url, None, serde_json::json!(1), None);
        a.headers.insert(
            LAST_MODIFIED,
            HeaderValue::from_static("Mon, 07 Dec 2026 18:00:00 GMT"),
        );
        store(&l, a);
        let (h, _) = sent(&c, url);
        assert_eq!(h.get(IF_MODIFIED_SINCE).unwrap(), "Mon, 07 Dec 2026 18:00:00 GMT");
    }

    #[test]
    fn two_tokens_never_see_each_others_entries() {
        let api = "https://api.shared-host.example";
        let make = |t: &str| {
            Context::resolve(&ContextOptions {
                host_name: Some("github.com".into()),
                api_base_uri: Some(api.into()),
                token: Some(t.into()),
                ..Default::default()
            })
            .unwrap()
        };
        let (a, b) = (make("token-one"), make("token-two"));
        let url = format!("{api}/orgs/o/actions/oidc/customization/sub");
        let (_, l) = sent(&a, &url);
        store(&l, answer(&url, Some("\"a\""), serde_json::json!({"a": 1}), None));
        let (h, l) = sent(&b, &url);
        assert!(!h.contains_key(IF_NONE_MATCH), "token two has nothing kept");
        assert!(not_modified(&l, &url, StatusCode::NOT_MODIFIED, &HeaderMap::new()).is_none());
        assert_ne!(identity(&a, a.token()), identity(&b, b.token()));
        assert!(!identity(&a, a.token()).contains("token-one"));
    }

    #[test]
    fn the_disk_cache_is_read_by_a_new_process_and_is_private() {
        let dir = TempDir::new("disk");
        let c = ctx("tok_disk", Some(dir.path()));
        let url = "https://api.tok-disk.example/orgs/o/repos";
        let (_, l) = sent(&c, url);
        store(
            &l,
            answer(
                url,
                Some("\"d1\""),
                serde_json::json!(["x"]),
                Some("<u>; rel=\"next\""),
            ),
        );
        flush(&c);
        let path = dir.path().join(file_name(&c, &identity(&c, c.token())));
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.contains(FORMAT) && !text.contains("tok_disk"), "{text}");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(
                std::fs::metadata(&path).unwrap().permissions().mode() & 0o777,
                0o600
            );
        }
        // A new process: nothing in memory.
        forget(&c);
        let (h, l) = sent(&c, url);
        assert_eq!(h.get(IF_NONE_MATCH).unwrap(), "\"d1\"");
        let r = not_modified(&l, url, StatusCode::NOT_MODIFIED, &HeaderMap::new()).unwrap();
        assert_eq!(r.headers.get("link").unwrap(), "<u>; rel=\"next\"");
        assert!(take_warnings(&c).is_empty());
        // Nothing changed: no write (the file keeps its bytes).
        flush(&c);
        assert_eq!(std::fs::read_to_string(&path).unwrap(), text);
    }

    #[test]
    fn an_apps_identity_outlives_its_installation_tokens_and_differs_from_a_tokens() {
        let app = |client: &str| {
            Context::resolve(&ContextOptions {
                host_name: Some("github.com".into()),
                client_id: Some(client.into()),
                private_key: Some(fake_github::TEST_SIGNING_KEY_PEM.into()),
                ..Default::default()
            })
            .unwrap()
        };
        let a = app("Iv23liAppOne");
        let one = SecretString::from("fake-installation-token-one".to_string());
        let two = SecretString::from("fake-installation-token-two".to_string());
        assert_eq!(identity(&a, Some(&one)), identity(&a, Some(&two)), "the same App");
        assert_ne!(
            identity(&a, Some(&one)),
            identity(&app("Iv23liAppTwo"), Some(&one)),
            "another App"
        );
        let token = ctx("fake-installation-token-one", None);
        assert_ne!(
            identity(&a, Some(&one)),
            identity(&token, token.token()),
            "a token is not an App"
        );
        assert_eq!(identity(&a, None), "anonymous");
        assert_eq!(own_scope(&a).unwrap().identity, identity(&a, Some(&one)));
    }

    #[test]
    fn a_context_writes_only_its_own_credentials_entries() {
        let dir = TempDir::new("own");
        let api = "https://api.own-only.example";
        let make = |t: &str, cache: Option<&Path>| {
            Context::resolve(&ContextOptions {
                host_name: Some("github.com".into()),
                api_base_uri: Some(api.into()),
                token: Some(t.into()),
                cache_path: cache.map(|p| p.display().to_string()),
                ..Default::default()
            })
            .unwrap()
        };
        let (a, b) = (make("own-a", Some(dir.path())), make("own-b", None));
        for (c, url) in [(&a, format!("{api}/a")), (&b, format!("{api}/b"))] {
            let (_, l) = sent(c, &url);
            store(&l, answer(&url, Some("\"e\""), serde_json::json!(1), None));
        }
        flush(&a);
        let files: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(files.len(), 1, "{files:?}");
        assert_eq!(
            files[0].to_str().unwrap(),
            file_name(&a, &identity(&a, a.token()))
        );
    }

    #[test]
    fn corrupt_foreign_and_other_version_files_are_warnings_and_ignored() {
        let dir = TempDir::new("bad");
        let c = ctx("tok_bad", Some(dir.path()));
        let path = dir.path().join(file_name(&c, &identity(&c, c.token())));
        let cases: [(&str, &str); 4] = [
            ("{not json", "not valid JSON"),
            (
                r#"{"format":"GitHubOidc.ConditionalCache","version":99,"scope":"x","entries":[]}"#,
                "another version",
            ),
            (
                r#"{"format":"GitHubOidc.ConditionalCache","version":1,"scope":"x","entries":[]}"#,
                "another host or credential",
            ),
            (
                r#"{"format":"GitHubOidc.ConditionalCache","version":1,"scope":"x","entries":7}"#,
                "corrupt",
            ),
        ];
        std::fs::create_dir_all(dir.path()).unwrap();
        for (content, said) in cases {
            forget(&c);
            std::fs::write(&path, content).unwrap();
            let warnings = take_warnings(&c);
            assert_eq!(warnings.len(), 1, "{content}: {warnings:?}");
            assert!(warnings[0].contains(said), "{content}: {warnings:?}");
            assert!(warnings[0].contains(&path.display().to_string()));
            assert!(take_warnings(&c).is_empty(), "said once");
            let (h, _) = sent(&c, "https://api.tok-bad.example/x");
            assert!(!h.contains_key(IF_NONE_MATCH));
        }
        // The next write replaces the file with a good one.
        let url = "https://api.tok-bad.example/y";
        let (_, l) = sent(&c, url);
        store(&l, answer(url, Some("\"y\""), serde_json::json!(1), None));
        flush(&c);
        forget(&c);
        assert!(take_warnings(&c).is_empty());
        assert_eq!(sent(&c, url).0.get(IF_NONE_MATCH).unwrap(), "\"y\"");
    }

    #[test]
    fn the_oldest_entries_go_first() {
        let mut m = HashMap::new();
        for i in 0..5u64 {
            m.insert(
                format!("k{i}"),
                Entry {
                    etag: Some("e".into()),
                    last_modified: None,
                    status: 200,
                    headers: vec![],
                    body: serde_json::json!(i),
                    stored: 100,
                    seq: i,
                },
            );
        }
        evict(&mut m, 3);
        let mut left: Vec<_> = m.keys().cloned().collect();
        left.sort();
        assert_eq!(left, ["k2", "k3", "k4"]);
        // The file keeps the newest that fit.
        let scope = Scope {
            api: "a".into(),
            identity: "i".into(),
        };
        let bytes = serialize(&m, &scope).unwrap();
        let f: File = serde_json::from_slice(&bytes).unwrap();
        assert_eq!(f.entries.len(), 3);
        assert_eq!(f.version, FORMAT_VERSION);
    }
}
