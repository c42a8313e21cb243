//! Spawning the server (async and blocking flavours), the request dispatcher and the handles
//! tests use to inspect the request log, inject faults and edit state.

use std::collections::BTreeMap;
use std::io;
use std::net::SocketAddr;
use std::ops::Deref;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::{Request, State as AxState};
use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode};
use axum::response::Response;
use axum::Router;
use tokio::net::TcpListener;
use tokio::task::JoinHandle;

use crate::http::{error, json_response, REST_DOCS};
use crate::shared::{Fault, RecordedRequest, Shared};
use crate::state::State;
use crate::{control, oidc, routes};

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
    let mut rx = shared.shutdown.subscribe();
    let app = Router::new().fallback(dispatch).with_state(Arc::clone(&shared));
    let task = tokio::spawn(async move {
        axum::serve(listener, app)
            .with_graceful_shutdown(async move {
                let _ = rx.wait_for(|stop| *stop).await;
            })
            .await
    });
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
    shared.record(RecordedRequest {
        method: parts.method.as_str().to_owned(),
        path: path.to_owned(),
        query: parts.uri.query().map(str::to_owned),
        headers: header_map(&parts.headers),
        body: serde_json::from_slice(&bytes).ok(),
        raw_body: String::from_utf8_lossy(&bytes).into_owned(),
    });
    let api_path = routes::strip_api_prefix(path);
    if let Some(fault) = shared.take_fault(parts.method.as_str(), path, api_path) {
        if fault.delay_ms > 0 {
            tokio::time::sleep(Duration::from_millis(fault.delay_ms)).await;
        }
        return fault_response(&shared, &fault, !oidc::is_issuer_path(path));
    }
    if let Some(resp) = oidc::handle(&shared, &parts.method, &parts.headers, path) {
        return resp;
    }
    routes::handle(&shared, &parts.method, &parts.headers, api_path, &bytes)
}

fn header_map(headers: &HeaderMap) -> BTreeMap<String, String> {
    let mut map: BTreeMap<String, String> = BTreeMap::new();
    for (name, value) in headers {
        let value = String::from_utf8_lossy(value.as_bytes()).into_owned();
        map.entry(name.as_str().to_owned())
            .and_modify(|v| {
                v.push_str(", ");
                v.push_str(&value);
            })
            .or_insert(value);
    }
    map
}

fn fault_response(shared: &Shared, fault: &Fault, is_api: bool) -> Response {
    let status = StatusCode::from_u16(fault.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let mut resp = match &fault.body {
        Some(body) => {
            let mut resp = Response::new(axum::body::Body::from(body.clone()));
            *resp.status_mut() = status;
            let ct = if serde_json::from_str::<serde_json::Value>(body).is_ok() {
                "application/json; charset=utf-8"
            } else {
                "text/plain; charset=utf-8"
            };
            resp.headers_mut()
                .insert("content-type", HeaderValue::from_static(ct));
            resp
        }
        None => {
            let secondary = status == StatusCode::TOO_MANY_REQUESTS
                || (status == StatusCode::FORBIDDEN && fault.retry_after.is_some());
            let message = if secondary {
                "You have exceeded a secondary rate limit. Please wait a few minutes before you try again."
            } else {
                status.canonical_reason().unwrap_or("Error")
            };
            let body = serde_json::json!({
                "message": message,
                "documentation_url": REST_DOCS,
                "status": status.as_u16().to_string(),
            });
            json_response(status, &body)
        }
    };
    let headers = resp.headers_mut();
    if is_api {
        let used = shared.rate_used.fetch_add(1, Ordering::Relaxed) + 1;
        routes::add_api_headers(headers, shared, routes::DEFAULT_API_VERSION, 5000, used);
    }
    if let Some(secs) = fault.retry_after {
        headers.insert("retry-after", HeaderValue::from(secs));
    }
    for (name, value) in fault.headers.iter().flatten() {
        if let (Ok(name), Ok(value)) = (HeaderName::try_from(name.as_str()), HeaderValue::from_str(value)) {
            headers.insert(name, value);
        }
    }
    resp
}
