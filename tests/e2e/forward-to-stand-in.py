#!/usr/bin/env python3
"""What KWOK's fake kubelet runs for a port-forward in the namespaces that
tests/e2e/cluster routes here (a ClusterPortForward with a command: the
forwarded stream is this process's stdin and stdout, kwok
pkg/kwok/server/debugging_port_forword.go). It joins the stream to port 8000
of the stand-in server (tests/e2e/stand-in) whose address `stand-in up`
wrote to ADDRESS_FILE, as the kubelet joins it to the pod's port.

usage: forward-to-stand-in.py ADDRESS_FILE
"""
import socket
import sys
import threading

with open(sys.argv[1]) as f:
    address = f.read().strip()
conn = socket.create_connection((address, 8000), timeout=10)
conn.settimeout(None)


def upstream():
    while True:
        data = sys.stdin.buffer.raw.read(65536)
        if not data:
            break
        conn.sendall(data)
    try:
        conn.shutdown(socket.SHUT_WR)
    except OSError:
        pass


threading.Thread(target=upstream, daemon=True).start()
while True:
    data = conn.recv(65536)
    if not data:
        break
    sys.stdout.buffer.write(data)
    sys.stdout.buffer.flush()
