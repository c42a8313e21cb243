//! The `fake_github` binary: startup line, `--state`, `/_fake/shutdown` and `--exit-on-stdin-eof`.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

fn start(args: &[&str]) -> (Child, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_fake_github"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let base = line
        .trim()
        .strip_prefix("listening on ")
        .expect("startup line")
        .to_owned();
    assert!(base.starts_with("http://127.0.0.1:"), "{line}");
    (child, base)
}

fn http(base: &str, method: &str, path: &str) -> String {
    let addr = base.trim_start_matches("http://");
    let mut stream = TcpStream::connect(addr).unwrap();
    write!(
        stream,
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nUser-Agent: t\r\nAuthorization: token only\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    response
}

fn wait_exit(child: &mut Child) -> bool {
    let deadline = Instant::now() + Duration::from_secs(5);
    while Instant::now() < deadline {
        if child.try_wait().unwrap().is_some() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let _ = child.kill();
    false
}

#[test]
fn state_file_and_shutdown_endpoint() {
    let dir = std::env::temp_dir().join(format!("fake_github_state_{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("state.json");
    std::fs::write(&file, r#"{"tokens": {"only": "read"}}"#).unwrap();
    let (mut child, base) = start(&["--port", "0", "--state", file.to_str().unwrap()]);
    let resp = http(
        &base,
        "GET",
        "/repos/octo-org/octo-repo/actions/oidc/customization/sub",
    );
    assert!(resp.starts_with("HTTP/1.1 200"), "{resp}");
    let resp = http(&base, "POST", "/_fake/shutdown");
    assert!(resp.starts_with("HTTP/1.1 204"), "{resp}");
    assert!(wait_exit(&mut child), "server did not exit after /_fake/shutdown");
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn exits_on_stdin_eof() {
    let (mut child, base) = start(&["--exit-on-stdin-eof"]);
    assert!(http(&base, "GET", "/.well-known/jwks").starts_with("HTTP/1.1 200"));
    drop(child.stdin.take());
    assert!(wait_exit(&mut child), "server did not exit on stdin EOF");
}

#[test]
fn rejects_bad_arguments() {
    let status = Command::new(env!("CARGO_BIN_EXE_fake_github"))
        .arg("--bogus")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .unwrap();
    assert_eq!(status.code(), Some(2));
}
