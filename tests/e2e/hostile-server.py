#!/usr/bin/env python3
"""A hostile API server on loopback, for the faults the real kube-apiserver
cannot be made to show: bodies of gigabytes, a Retry-After of an hour, a
continue token that never ends, answers of the wrong shape. Each path
answers one way (see ROUTES); anything else is a 404 Status.

usage: hostile-server.py PORT_FILE CERT KEY   (binds 127.0.0.1 on a free port)
"""
import http.server
import json
import ssl
import sys
import time

from tls_server import serve

PORT_FILE, CERT, KEY = sys.argv[1:4]
GIB = 1 << 30


def varint(v):
    """Protobuf's base-128 varint."""
    out = b""
    while v > 0x7F:
        out += bytes([(v & 0x7F) | 0x80])
        v >>= 7
    return out + bytes([v])


def status(code, reason, message):
    return json.dumps({"kind": "Status", "apiVersion": "v1", "status": "Failure", "message": message,
                       "reason": reason, "code": code}).encode()


class Handler(http.server.BaseHTTPRequestHandler):

    def log_message(self, *args):
        pass

    def send(self, code, body, headers=()):
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        for k, v in headers:
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def stream(self, code, total, head=b"", fill=b" ", content_type="application/json"):
        """`total` bytes, generated as they are sent: the server holds none of them."""
        self.send_response(code)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(total))
        self.end_headers()
        chunk = fill * (1 << 20)
        try:
            self.wfile.write(head)
            sent = len(head)
            while sent < total:
                n = min(len(chunk), total - sent)
                self.wfile.write(chunk[:n])
                sent += n
        except (BrokenPipeError, ConnectionResetError, ssl.SSLError):
            pass  # the client stopped reading, as it should

    def do_GET(self):
        path = self.path.split("?")[0]
        query = self.path.partition("?")[2]
        mode = path.split("/")[1] if path.count("/") > 1 else ""
        rest = "/" + path.split("/", 2)[2] if path.count("/") > 1 else path
        if mode == "huge" and rest == "/api/v1/nodes":
            return self.stream(200, 2 * GIB, b'{"kind":"NodeList","items":[], "pad": "', b"x")
        if mode == "huge-protobuf" and rest == "/api/v1/nodes":
            # "k8s\0", a runtime.Unknown whose raw NodeList holds one item
            # that says it is 2 GiB long.
            item = 2 * GIB - 64
            head = (b"k8s\x00" + b"\x0a\x0e\x0a\x02v1\x12\x08NodeList" + b"\x12" + varint(item + 8) +
                    b"\x12" + varint(item))
            return self.stream(200, 2 * GIB, head, b"x", "application/vnd.kubernetes.protobuf")
        if mode == "short-protobuf" and rest == "/api/v1/nodes":
            # A NodeList that says it holds 8 MiB of items and ends, as HTTP,
            # after 300 KB of them: all but the last 10 KB at once, those
            # 0.3 s later; the connection is then held open for 5 s. A client
            # that waited for the 8 MiB the list promised (kubectl-lm waits
            # for bytes in batches, kube/transport.cpp) would sit until the
            # connection closes.
            items = b""
            i = 0
            while len(items) < 300_000:
                name = b"n-%06d" % i
                node = b"\x0a" + varint(len(name) + 2) + b"\x0a" + varint(len(name)) + name
                items += b"\x12" + varint(len(node)) + node
                i += 1
            body = b"k8s\x00" + b"\x0a\x0e\x0a\x02v1\x12\x08NodeList" + b"\x12" + varint(8 << 20) + items
            self.send_response(200)
            self.send_header("Content-Type", "application/vnd.kubernetes.protobuf")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            try:
                self.wfile.write(body[:-10_000])
                time.sleep(0.3)
                self.wfile.write(body[-10_000:])
                time.sleep(5)
            except (BrokenPipeError, ConnectionResetError, ssl.SSLError):
                pass
            return None
        if mode == "huge-error" and rest == "/api/v1/nodes":
            return self.stream(500, 2 * GIB, b'{"kind":"Status","message":"', b"x")
        if mode == "slow-down" and rest == "/api/v1/nodes":
            return self.send(429, status(429, "TooManyRequests", "come back in an hour"), [("Retry-After", "3600")])
        if mode == "endless" and rest == "/api/v1/nodes":
            n = int(query.split("continue=")[1].split("&")[0]) + 1 if "continue=" in query else 1
            return self.send(200, json.dumps({"kind": "NodeList", "metadata": {"continue": str(n)}, "items": []}).encode())
        if mode == "wrong-shape" and rest == "/version":
            return self.send(200, b'["v1.36.3"]')
        if mode == "wrong-shape" and rest == "/api/v1/nodes":
            return self.send(200, json.dumps({"kind": "NodeList", "items": [
                {"metadata": "not an object", "status": {"allocatable": {"nvidia.com/gpu": "9223372036854775808"}}},
                {"metadata": {"name": "n1", "labels": {"nvidia.com/gpu.memory": "99999999999999999999"}},
                 "status": {"allocatable": {"nvidia.com/gpu": "1e30"}, "conditions": ["Ready"]}}]}).encode())
        if mode == "wrong-shape" and rest == "/api/v1/pods":
            return self.send(200, json.dumps({"kind": "PodList", "items": [
                {"spec": {"nodeName": "n1", "containers": [{"resources": {"limits": {"nvidia.com/gpu": "-5"}}}]}},
                "a string", 5]}).encode())
        return self.send(404, status(404, "NotFound", "the server could not find the requested resource"))


serve(Handler, PORT_FILE, CERT, KEY)
