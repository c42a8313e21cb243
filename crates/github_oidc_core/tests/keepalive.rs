//! Connection reuse of blocking calls (`http::block_on`): one keep-alive connection serves call
//! after call, and a connection the server closed while the client was idle is not used for
//! the next call, even for a DELETE, which is never sent twice. (Issue 10 tried running blocking
//! calls on a single-threaded runtime; without extra scheduler turns it reused such closed
//! connections, which the second test catches.) A hand-written HTTP/1.1 server on 127.0.0.1
//! counts connections.

use github_oidc_core::{endpoints, http, Context, ContextOptions};
use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// Answers `204 No Content` to every request; with `close_after_each`, closes the connection
/// (FIN) 20 ms after each answer, as a server's idle timeout would.
struct Server {
    base_url: String,
    connections: Arc<AtomicUsize>,
    requests: Arc<AtomicUsize>,
}

fn serve(close_after_each: bool) -> Server {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let base_url = format!("http://{}", listener.local_addr().unwrap());
    let connections = Arc::new(AtomicUsize::new(0));
    let requests = Arc::new(AtomicUsize::new(0));
    let (c, r) = (connections.clone(), requests.clone());
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(stream) = stream else { return };
            c.fetch_add(1, Ordering::SeqCst);
            let r = r.clone();
            std::thread::spawn(move || answer(stream, &r, close_after_each));
        }
    });
    Server {
        base_url,
        connections,
        requests,
    }
}

fn answer(stream: TcpStream, requests: &AtomicUsize, close_after_each: bool) {
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut writer = stream;
    loop {
        // The request head; these requests have no body.
        let mut line = String::new();
        loop {
            line.clear();
            match reader.read_line(&mut line) {
                Ok(0) | Err(_) => return,
                Ok(_) if line == "\r\n" => break,
                Ok(_) => {}
            }
        }
        requests.fetch_add(1, Ordering::SeqCst);
        if writer
            .write_all(b"HTTP/1.1 204 No Content\r\ncontent-length: 0\r\n\r\n")
            .is_err()
        {
            return;
        }
        if close_after_each {
            std::thread::sleep(Duration::from_millis(20));
            let _ = writer.shutdown(std::net::Shutdown::Both);
            return;
        }
    }
}

fn ctx(server: &Server) -> Context {
    Context::resolve(&ContextOptions {
        host_name: Some("github.com".into()),
        api_base_uri: Some(server.base_url.clone()),
        token: Some("test-admin-token".into()),
        max_retries: Some(0),
        timeout_sec: Some(5.0),
        ..Default::default()
    })
    .unwrap()
}

fn delete(c: &Context) -> github_oidc_core::Result<http::Response> {
    github_oidc_core::auth::api(
        c,
        &endpoints::REMOVE_ORG_PROPERTY_INCLUSION,
        &["octo-org", "team"],
        None,
    )
}

#[test]
fn calls_reuse_one_keep_alive_connection() {
    let s = serve(false);
    let c = ctx(&s);
    for _ in 0..5 {
        assert_eq!(delete(&c).unwrap().status, 204);
        // A finished connection goes back to the pool on a runtime worker, a moment after the
        // answer: a call right after it may open a second one (a race, not a fault).
        std::thread::sleep(Duration::from_millis(50));
    }
    assert_eq!(s.requests.load(Ordering::SeqCst), 5);
    let connections = s.connections.load(Ordering::SeqCst);
    assert!(
        connections <= 2,
        "five calls reuse their connection: {connections} connections"
    );
}

#[test]
fn a_connection_closed_while_idle_is_not_used_again() {
    let s = serve(true);
    let c = ctx(&s);
    for i in 0..4 {
        // Idle long enough for the server to have closed the previous call's connection.
        std::thread::sleep(Duration::from_millis(150));
        let answer = delete(&c);
        assert!(answer.is_ok(), "call {i}: {:?}", answer.err());
    }
    // Each DELETE sent exactly once (no retry budget), each on a new connection.
    assert_eq!(s.requests.load(Ordering::SeqCst), 4);
    assert_eq!(s.connections.load(Ordering::SeqCst), 4);
}
