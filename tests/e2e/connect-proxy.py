#!/usr/bin/env python3
"""An HTTP CONNECT proxy for e2e tests: tunnels each CONNECT to its target
and appends "CONNECT host:port" to LOG, one line per tunnel.

usage: connect-proxy.py PORT_FILE LOG    (binds 127.0.0.1 on a free port, writes it to PORT_FILE)
"""
import select
import socket
import sys
import threading

PORT_FILE, LOG = sys.argv[1], sys.argv[2]


def pipe(a, b):
    socks = [a, b]
    while True:
        readable, _, _ = select.select(socks, [], [])
        for s in readable:
            data = s.recv(65536)
            if not data:
                return
            (b if s is a else a).sendall(data)


def handle(client):
    head = b""
    while b"\r\n\r\n" not in head:
        chunk = client.recv(4096)
        if not chunk:
            client.close()
            return
        head += chunk
    line = head.split(b"\r\n", 1)[0].decode()
    method, target, _ = line.split(" ", 2)
    if method != "CONNECT":
        client.sendall(b"HTTP/1.1 405 Method Not Allowed\r\nContent-Length: 0\r\n\r\n")
        client.close()
        return
    with open(LOG, "a") as log:
        log.write(f"CONNECT {target}\n")
    host, port = target.rsplit(":", 1)
    try:
        upstream = socket.create_connection((host.strip("[]"), int(port)))
    except OSError:
        client.sendall(b"HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n")
        client.close()
        return
    client.sendall(b"HTTP/1.1 200 Connection Established\r\n\r\n")
    try:
        pipe(client, upstream)
    finally:
        client.close()
        upstream.close()


server = socket.socket()
server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
server.bind(("127.0.0.1", 0))
server.listen(16)
with open(PORT_FILE, "w") as f:
    f.write(str(server.getsockname()[1]))
while True:
    conn, _ = server.accept()
    threading.Thread(target=handle, args=(conn,), daemon=True).start()
