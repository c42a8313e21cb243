//! The blocking (own-runtime) server flavour, used from plain `#[test]`s.

use std::io::{Read, Write};
use std::net::TcpStream;

use fake_github::{spawn_blocking_server, State};

#[test]
fn blocking_server_serves_and_stops_on_drop() {
    let mut state = State::seed();
    state.enterprises = vec!["acme".into()];
    let server = spawn_blocking_server(Some(state)).unwrap();
    assert!(server.base_url.starts_with("http://127.0.0.1:"));

    let mut stream = TcpStream::connect(server.addr).unwrap();
    write!(
        stream,
        "GET /acme/.well-known/openid-configuration HTTP/1.1\r\nHost: token.example\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
    assert!(
        response.contains(r#""issuer":"http://token.example/acme""#),
        "{response}"
    );
    assert_eq!(server.requests().len(), 1);
    assert_eq!(server.requests()[0].header("Host"), Some("token.example"));

    let addr = server.addr;
    drop(server);
    assert!(TcpStream::connect(addr).is_err());
}
