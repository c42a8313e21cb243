//! Serving connections by hand (hyper HTTP/1.1) instead of `axum::serve`, so a fault can act on
//! the TCP connection itself: each connection's socket is wrapped in [`FaultIo`], and every
//! request carries the connection's [`ConnCtl`] in its extensions. A handler that sets
//! [`ConnCtl::reset_on_close`] and then fails its body makes the connection end with a TCP RST
//! instead of a FIN.

use std::io;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use axum::extract::Request;
use axum::Router;
use hyper::body::Incoming;
use hyper_util::rt::TokioIo;
use hyper_util::server::graceful::GracefulShutdown;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tower_service::Service;

use crate::shared::Shared;

/// Per-connection control shared between the socket wrapper and the request handlers.
#[derive(Debug)]
pub(crate) struct ConnCtl {
    reset: AtomicBool,
    abort: tokio::sync::Notify,
    /// Which listener accepted the connection ([`crate::shared::MAIN_LISTENER`] or
    /// [`crate::shared::REDIRECT_LISTENER`]).
    pub(crate) listener: &'static str,
}

impl ConnCtl {
    /// When the connection closes, close it with a TCP RST (`SO_LINGER` 0).
    pub(crate) fn reset_on_close(&self) {
        self.reset.store(true, Ordering::SeqCst);
    }

    /// Drops the connection now, without writing anything more (the request being handled gets
    /// no answer); with [`ConnCtl::reset_on_close`] it ends with a RST, else with a FIN.
    pub(crate) fn abort(&self) {
        self.abort.notify_one();
    }
}

/// A TCP stream that is reset instead of closed when its [`ConnCtl`] asks for it.
struct FaultIo {
    inner: TcpStream,
    ctl: Arc<ConnCtl>,
}

impl Drop for FaultIo {
    fn drop(&mut self) {
        if self.ctl.reset.load(Ordering::SeqCst) {
            // SO_LINGER 0: the close that follows sends RST and discards unsent data.
            let _ = self.inner.set_zero_linger();
        }
    }
}

impl AsyncRead for FaultIo {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_read(cx, buf)
    }
}

impl AsyncWrite for FaultIo {
    fn poll_write(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.inner).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        if self.ctl.reset.load(Ordering::SeqCst) {
            // Do not send a FIN first; the drop sends the RST.
            return Poll::Ready(Ok(()));
        }
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

/// Accepts connections on `listener` until the server is asked to stop, serving `router` on
/// each; then waits up to `grace` for open connections (requests in flight) to finish.
pub(crate) async fn serve(
    listener: TcpListener,
    shared: Arc<Shared>,
    router: Router,
    name: &'static str,
    grace: Duration,
) -> io::Result<()> {
    let mut stop = shared.shutdown.subscribe();
    let graceful = GracefulShutdown::new();
    loop {
        let accepted = tokio::select! {
            accepted = listener.accept() => accepted,
            _ = stop.wait_for(|s| *s) => break,
        };
        let stream = match accepted {
            Ok((stream, _)) => stream,
            // Out of descriptors and the like: wait a little, keep serving.
            Err(_) => {
                tokio::time::sleep(Duration::from_millis(20)).await;
                continue;
            }
        };
        let _ = stream.set_nodelay(true);
        let ctl = Arc::new(ConnCtl {
            reset: AtomicBool::new(false),
            abort: tokio::sync::Notify::new(),
            listener: name,
        });
        let io = TokioIo::new(FaultIo {
            inner: stream,
            ctl: Arc::clone(&ctl),
        });
        let watch = Arc::clone(&ctl);
        let router = router.clone();
        let service = hyper::service::service_fn(move |mut req: Request<Incoming>| {
            req.extensions_mut().insert(Arc::clone(&ctl));
            let mut router = router.clone();
            // `req` carries its own clone of the control.
            async move { router.call(req.map(axum::body::Body::new)).await }
        });
        // No timer: no header-read timeout, so an idle keep-alive connection stays open as long
        // as the client keeps it (a client's own timeouts are what the faults exercise).
        let conn = hyper::server::conn::http1::Builder::new().serve_connection(io, service);
        let conn = graceful.watch(conn);
        tokio::spawn(async move {
            tokio::select! {
                _ = conn => {}
                // Dropping the connection future drops the socket (RST or FIN, see FaultIo).
                _ = watch.abort.notified() => {}
            }
        });
    }
    drop(listener);
    let _ = tokio::time::timeout(grace, graceful.shutdown()).await;
    Ok(())
}
