//! `fake_github` binary: runs the fake GitHub REST API + OIDC issuer on 127.0.0.1.
//!
//! Usage: `fake_github [--port N] [--state FILE] [--exit-on-stdin-eof]`. Prints exactly one line
//! `listening on http://127.0.0.1:PORT` and serves until killed, until `POST /_fake/shutdown`, or
//! (with `--exit-on-stdin-eof`) until stdin reaches EOF.

use std::io::{Read, Write};
use std::net::{Ipv4Addr, SocketAddr};
use std::process::ExitCode;

use fake_github::State;

struct Args {
    port: u16,
    state: Option<String>,
    exit_on_stdin_eof: bool,
}

const USAGE: &str = "usage: fake_github [--port N] [--state FILE] [--exit-on-stdin-eof]";

fn parse_args() -> Result<Args, String> {
    let mut args = Args {
        port: 0,
        state: None,
        exit_on_stdin_eof: false,
    };
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        let (name, inline) = match arg.split_once('=') {
            Some((n, v)) if n.starts_with("--") => (n.to_owned(), Some(v.to_owned())),
            _ => (arg.clone(), None),
        };
        let mut value = |what: &str| {
            inline
                .clone()
                .or_else(|| it.next())
                .ok_or(format!("{what} needs a value"))
        };
        match name.as_str() {
            "--port" => {
                let v = value("--port")?;
                args.port = v.parse().map_err(|_| format!("invalid port: {v}"))?;
            }
            "--state" => args.state = Some(value("--state")?),
            "--exit-on-stdin-eof" => args.exit_on_stdin_eof = true,
            "-h" | "--help" => {
                println!("{USAGE}");
                std::process::exit(0);
            }
            other => return Err(format!("unknown argument: {other}")),
        }
    }
    Ok(args)
}

fn load_state(path: &str) -> Result<State, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read {path}: {e}"))?;
    serde_json::from_str(&text).map_err(|e| format!("invalid state file {path}: {e}"))
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(args) => args,
        Err(e) => {
            eprintln!("fake_github: {e}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let state = match args.state.as_deref().map(load_state).transpose() {
        Ok(state) => state,
        Err(e) => {
            eprintln!("fake_github: {e}");
            return ExitCode::from(2);
        }
    };
    let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, args.port));
    let server = match fake_github::spawn_on(addr, state).await {
        Ok(server) => server,
        Err(e) => {
            eprintln!("fake_github: cannot listen on {addr}: {e}");
            return ExitCode::FAILURE;
        }
    };
    {
        let mut out = std::io::stdout().lock();
        let _ = writeln!(out, "listening on {}", server.base_url);
        let _ = out.flush();
    }
    let handle = server.handle();
    if args.exit_on_stdin_eof {
        let handle = handle.clone();
        std::thread::spawn(move || {
            let mut sink = [0u8; 4096];
            let mut stdin = std::io::stdin().lock();
            while matches!(stdin.read(&mut sink), Ok(n) if n > 0) {}
            handle.shutdown();
        });
    }
    tokio::spawn(async move {
        if tokio::signal::ctrl_c().await.is_ok() {
            handle.shutdown();
        }
    });
    match server.wait().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("fake_github: {e}");
            ExitCode::FAILURE
        }
    }
}
