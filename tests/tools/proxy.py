#!/usr/bin/env python3
"""A forward proxy for tests (stdlib only): CONNECT tunnels and absolute-form HTTP requests.

Every request line it receives ("CONNECT host:port", "GET http://host/path") is appended to
--log. It never connects where the client asks: every request goes to --upstream
(127.0.0.1:PORT, the fake GitHub server). A CONNECT is answered 200 and then, with --cert and
--key, the tunnel is a TLS server for the client (a test CA's certificate for the host the test
names) whose decrypted bytes go to the upstream; without them the tunnel is piped as is.
Prints the port it listens on, then serves until killed.
"""
import argparse
import socket
import ssl
import threading


def pipe(src, dst):
    try:
        while True:
            data = src.recv(65536)
            if not data:
                break
            dst.sendall(data)
    except OSError:
        pass
    finally:
        for s in (src, dst):
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


def read_head(conn):
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(4096)
        if not chunk:
            return None, b""
        data += chunk
    head, rest = data.split(b"\r\n\r\n", 1)
    return head, rest


def handle(conn, args, tls):
    try:
        head, rest = read_head(conn)
        if head is None:
            conn.close()
            return
        lines = head.split(b"\r\n")
        first = lines[0].decode("latin-1")
        with open(args.log, "a", encoding="utf-8") as f:
            f.write(first + "\n")
        method, target, version = first.split(" ", 2)
        upstream = socket.create_connection(("127.0.0.1", args.upstream))
        if method == "CONNECT":
            conn.sendall(b"HTTP/1.1 200 Connection established\r\n\r\n")
            if tls is not None:
                conn = tls.wrap_socket(conn, server_side=True)
        else:
            # Absolute form to origin form.
            path = target.split("://", 1)[-1]
            path = "/" + path.split("/", 1)[1] if "/" in path else "/"
            lines[0] = f"{method} {path} {version}".encode("latin-1")
            upstream.sendall(b"\r\n".join(lines) + b"\r\n\r\n" + rest)
        t = threading.Thread(target=pipe, args=(upstream, conn), daemon=True)
        t.start()
        pipe(conn, upstream)
        t.join()
    except (OSError, ssl.SSLError, ValueError):
        try:
            conn.close()
        except OSError:
            pass


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--upstream", type=int, required=True)
    p.add_argument("--log", required=True)
    p.add_argument("--cert")
    p.add_argument("--key")
    args = p.parse_args()
    tls = None
    if args.cert:
        tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        tls.load_cert_chain(args.cert, args.key)
    server = socket.socket()
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    server.bind(("127.0.0.1", 0))
    server.listen(64)
    print(server.getsockname()[1], flush=True)
    while True:
        conn, _ = server.accept()
        threading.Thread(target=handle, args=(conn, args, tls), daemon=True).start()


if __name__ == "__main__":
    main()
