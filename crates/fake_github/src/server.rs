//! Spawning the server (async and blocking flavours), the request dispatcher and the handles
//! tests use to inspect the request log, inject faults and edit state.

use std::collections::BTreeMap;
use std::io;
use std::net::SocketAddr;
use std::ops::Deref;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::{Request, State as AxState};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::Router;
use tokio::net::TcpListener;
use tokio::task::JoinHandle;

use crate::conn::{self, ConnCtl};
use crate::http::{error, REST_DOCS};
use crate::shared::{lock, Fault, RecordedRequest, Shared, MAIN_LISTENER, REDIRECT_LISTENER};
use crate::state::State;
use crate::{control, faults, oidc, routes};

/// How long a stopping server waits for in-flight connections before it is aborted.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(2);
/// Largest request body the server reads.
const MAX_BODY: usize = 16 * 1024 * 1024;

/// A cheap, cloneable handle to a fake GitHub server's shared data: request log, faults, state.
/// All methods are synchronous and may be called from any thread.
#[derive(Debug, Clone)]
pub struct FakeGitHub {
    shared: Arc<Shared>,
}

impl FakeGitHub {
    /// Starts a server on `127.0.0.1:0` (see [`spawn`]).
    pub async fn spawn(state: Option<State>) -> io::Result<RunningServer> {
        spawn(state).await
    }

    /// Starts a server on its own runtime thread (see [`spawn_blocking_server`]).
    pub fn spawn_blocking(state: Option<State>) -> io::Result<BlockingServer> {
        spawn_blocking_server(state)
    }

    /// The recorded requests (API and discovery; not control-API), in arrival order.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.shared.requests()
    }

    /// Empties the request log.
    pub fn clear_requests(&self) {
        self.shared.clear_requests();
    }

    /// Appends a fault.
    pub fn push_fault(&self, fault: Fault) {
        self.shared.push_faults([fault]);
    }

    /// The faults that still have uses left.
    pub fn faults(&self) -> Vec<Fault> {
        self.shared.faults()
    }

    /// Removes every fault.
    pub fn clear_faults(&self) {
        self.shared.clear_faults();
    }

    /// A snapshot of the current state.
    pub fn state(&self) -> State {
        self.shared.state().clone()
    }

    /// Replaces the whole state.
    pub fn set_state(&self, state: State) {
        self.shared.set_state(state);
    }

    /// Edits the state in place.
    pub fn update_state<R>(&self, edit: impl FnOnce(&mut State) -> R) -> R {
        edit(&mut self.shared.state())
    }

    /// Restores the seed state and empties the request log and the faults.
    pub fn reset(&self) {
        self.shared.reset();
    }

    /// Asks the server to stop (like `POST /_fake/shutdown`).
    pub fn shutdown(&self) {
        self.shared.trigger_shutdown();
    }

    /// `http://127.0.0.1:PORT` of the server's second listener, the default target of
    /// redirect faults (like `GET /_fake/redirect-target`). It serves the same API, state, faults
    /// and log (its requests are logged with `listener: "redirect"`); it is started on first use
    /// and stops with the server.
    pub fn redirect_target(&self) -> io::Result<String> {
        redirect_target(&self.shared)
    }
}

/// Starts the second listener if needed; its `http://127.0.0.1:PORT`.
pub(crate) fn redirect_target(shared: &Arc<Shared>) -> io::Result<String> {
    let mut addr = lock(&shared.redirect_addr);
    if let Some(addr) = *addr {
        return Ok(format!("http://{addr}"));
    }
    let runtime = shared
        .runtime
        .get()
        .ok_or_else(|| io::Error::other("the server is not running"))?;
    let std_listener = std::net::TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], 0)))?;
    std_listener.set_nonblocking(true)?;
    let local = std_listener.local_addr()?;
    let listener = {
        let _enter = runtime.enter();
        TcpListener::from_std(std_listener)?
    };
    let router = router(Arc::clone(shared));
    runtime.spawn(conn::serve(
        listener,
        Arc::clone(shared),
        router,
        REDIRECT_LISTENER,
        SHUTDOWN_GRACE,
    ));
    *addr = Some(local);
    Ok(format!("http://{local}"))
}

fn router(shared: Arc<Shared>) -> Router {
    Router::new().fallback(dispatch).with_state(shared)
}

/// A server running on the caller's tokio runtime. Dropping it stops the server.
#[derive(Debug)]
pub struct RunningServer {
    /// `http://127.0.0.1:PORT`
    pub base_url: String,
    /// The bound address.
    pub addr: SocketAddr,
    handle: FakeGitHub,
    task: Option<JoinHandle<io::Result<()>>>,
}

impl RunningServer {
    /// A cloneable handle (log, faults, state) that outlives borrow scopes.
    pub fn handle(&self) -> FakeGitHub {
        self.handle.clone()
    }

    /// `base_url` + `path`.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base_url)
    }

    /// Waits until the server is asked to stop (`POST /_fake/shutdown` or [`FakeGitHub::shutdown`]),
    /// then gives in-flight requests a short grace period.
    pub async fn wait(mut self) -> io::Result<()> {
        let mut rx = self.handle.shared.shutdown.subscribe();
        let _ = rx.wait_for(|stop| *stop).await;
        self.finish().await
    }

    /// Stops the server and waits for it to finish.
    pub async fn stop(mut self) -> io::Result<()> {
        self.handle.shutdown();
        self.finish().await
    }

    async fn finish(&mut self) -> io::Result<()> {
        let Some(mut task) = self.task.take() else {
            return Ok(());
        };
        match tokio::time::timeout(SHUTDOWN_GRACE, &mut task).await {
            Ok(Ok(result)) => result,
            Ok(Err(join)) => Err(io::Error::other(join)),
            Err(_) => {
                task.abort();
                Ok(())
            }
        }
    }
}

impl Deref for RunningServer {
    type Target = FakeGitHub;
    fn deref(&self) -> &FakeGitHub {
        &self.handle
    }
}

impl Drop for RunningServer {
    fn drop(&mut self) {
        if let Some(task) = self.task.take() {
            self.handle.shutdown();
            task.abort();
        }
    }
}

/// Starts a fake GitHub on `127.0.0.1` with an OS-assigned port, serving in a tokio task.
/// `None` uses the built-in seed ([`State::seed`]).
pub async fn spawn(state: Option<State>) -> io::Result<RunningServer> {
    spawn_on(SocketAddr::from(([127, 0, 0, 1], 0)), state).await
}

/// Starts a fake GitHub on `addr`.
pub async fn spawn_on(addr: SocketAddr, state: Option<State>) -> io::Result<RunningServer> {
    let listener = TcpListener::bind(addr).await?;
    let local = listener.local_addr()?;
    let shared = Arc::new(Shared::new(state.unwrap_or_default()));
    let _ = shared.local_addr.set(local);
    let _ = shared.runtime.set(tokio::runtime::Handle::current());
    let app = router(Arc::clone(&shared));
    let task = tokio::spawn(conn::serve(
        listener,
        Arc::clone(&shared),
        app,
        MAIN_LISTENER,
        SHUTDOWN_GRACE,
    ));
    Ok(RunningServer {
        base_url: format!("http://{local}"),
        addr: local,
        handle: FakeGitHub { shared },
        task: Some(task),
    })
}

/// A server running on its own thread with its own runtime, for non-async tests.
/// Dropping it stops the server and joins the thread.
#[derive(Debug)]
pub struct BlockingServer {
    /// `http://127.0.0.1:PORT`
    pub base_url: String,
    /// The bound address.
    pub addr: SocketAddr,
    handle: FakeGitHub,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl BlockingServer {
    /// A cloneable handle (log, faults, state).
    pub fn handle(&self) -> FakeGitHub {
        self.handle.clone()
    }

    /// `base_url` + `path`.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base_url)
    }
}

impl Deref for BlockingServer {
    type Target = FakeGitHub;
    fn deref(&self) -> &FakeGitHub {
        &self.handle
    }
}

impl Drop for BlockingServer {
    fn drop(&mut self) {
        self.handle.shutdown();
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// Starts a fake GitHub on `127.0.0.1:0` on a dedicated thread running its own tokio runtime;
/// usable from plain `#[test]`s.
pub fn spawn_blocking_server(state: Option<State>) -> io::Result<BlockingServer> {
    let (tx, rx) = std::sync::mpsc::channel();
    let thread = std::thread::Builder::new()
        .name("fake_github".into())
        .spawn(move || {
            let runtime = match tokio::runtime::Builder::new_current_thread().enable_all().build() {
                Ok(rt) => rt,
                Err(e) => {
                    let _ = tx.send(Err(e));
                    return;
                }
            };
            runtime.block_on(async move {
                match spawn(state).await {
                    Ok(server) => {
                        let _ = tx.send(Ok((server.base_url.clone(), server.addr, server.handle())));
                        let _ = server.wait().await;
                    }
                    Err(e) => {
                        let _ = tx.send(Err(e));
                    }
                }
            });
        })?;
    let (base_url, addr, handle) = rx
        .recv()
        .map_err(|_| io::Error::other("fake_github server thread exited early"))??;
    Ok(BlockingServer {
        base_url,
        addr,
        handle,
        thread: Some(thread),
    })
}

/// Every request goes through here: control API, recording, faults, OIDC issuer, REST API.
async fn dispatch(AxState(shared): AxState<Arc<Shared>>, req: Request) -> Response {
    let (parts, body) = req.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, MAX_BODY).await else {
        return error(StatusCode::PAYLOAD_TOO_LARGE, "Request body too large", REST_DOCS);
    };
    let path = parts.uri.path();
    if path == "/_fake" || path.starts_with("/_fake/") {
        return control::handle(&shared, &parts.method, path, &bytes);
    }
    let ctl = parts.extensions.get::<Arc<ConnCtl>>().cloned();
    let (_in_flight, in_flight) = shared.fleet.enter();
    shared.record(RecordedRequest {
        method: parts.method.as_str().to_owned(),
        path: path.to_owned(),
        query: parts.uri.query().map(str::to_owned),
        headers: header_map(&shared, &parts.headers),
        body: serde_json::from_slice(&bytes).ok(),
        raw_body: String::from_utf8_lossy(&bytes).into_owned(),
        listener: ctl.as_ref().map_or(MAIN_LISTENER, |c| c.listener).to_owned(),
        in_flight,
        received_ms: crate::fleet::now_ms(),
    });
    let api_path = routes::strip_api_prefix(path);
    shared.fleet.latency(path, api_path).await;
    let is_api = !oidc::is_issuer_path(path);
    let Some(fault) = shared.take_fault(parts.method.as_str(), path, api_path) else {
        let resp = real_answer(&shared, &parts, api_path, &bytes);
        return crate::etag::conditional(&shared, &parts.method, &parts.headers, resp).await;
    };
    let fault = crate::echo::for_request(fault, &parts);
    if fault.delay_ms > 0 {
        tokio::time::sleep(Duration::from_millis(fault.delay_ms)).await;
    }
    if faults::cuts_real_answer(&fault) {
        let resp = real_answer(&shared, &parts, api_path, &bytes);
        return faults::cut(&fault, resp, ctl).await;
    }
    let target = parts.uri.path_and_query().map_or(path, |pq| pq.as_str());
    let resp = faults::respond(&shared, &fault, is_api, target, || redirect_target(&shared)).await;
    if matches!(fault.kind, crate::FaultKind::Reset | crate::FaultKind::Truncate) {
        return faults::cut(&fault, resp, ctl).await;
    }
    resp
}

/// What the fake answers without a fault: the OIDC issuer, else the REST API.
fn real_answer(
    shared: &Shared,
    parts: &axum::http::request::Parts,
    api_path: &str,
    bytes: &[u8],
) -> Response {
    if let Some(resp) = oidc::handle(shared, &parts.method, &parts.headers, parts.uri.path()) {
        return resp;
    }
    if let Some(resp) = crate::runner::handle(
        shared,
        &parts.method,
        &parts.headers,
        parts.uri.path(),
        parts.uri.query(),
    ) {
        return resp;
    }
    routes::handle(
        shared,
        &parts.method,
        &parts.headers,
        api_path,
        parts.uri.query(),
        bytes,
    )
}

/// The headers as logged: names lower-cased, repeated headers joined with `", "`. The
/// credential of `Authorization` is kept only when it is one of the state's fixture tokens
/// (`test-admin-token`, …); any other credential is logged as `SCHEME [REDACTED]`, so a real
/// token that reaches the fake never lands in its log.
fn header_map(shared: &Shared, headers: &HeaderMap) -> BTreeMap<String, String> {
    let mut map: BTreeMap<String, String> = BTreeMap::new();
    for (name, value) in headers {
        let mut value = String::from_utf8_lossy(value.as_bytes()).into_owned();
        if name == axum::http::header::AUTHORIZATION {
            value = redact_authorization(shared, &value);
        }
        map.entry(name.as_str().to_owned())
            .and_modify(|v| {
                v.push_str(", ");
                v.push_str(&value);
            })
            .or_insert(value);
    }
    map
}

/// Marker that replaces a credential in the request log.
pub const REDACTED: &str = "[REDACTED]";

fn redact_authorization(shared: &Shared, value: &str) -> String {
    let trimmed = value.trim();
    let (scheme, credential) = trimmed.split_once(' ').unwrap_or(("", trimmed));
    if !credential.trim().is_empty() && shared.state().tokens.contains_key(credential.trim()) {
        return value.to_owned();
    }
    if let Some(n) = crate::apps::serial(&shared.state(), credential.trim()) {
        // An installation token: which one (for tests of renewal), never its value.
        return format!("{scheme} {REDACTED} installation token #{n}");
    }
    if scheme.is_empty() {
        REDACTED.to_owned()
    } else {
        format!("{scheme} {REDACTED}")
    }
}
