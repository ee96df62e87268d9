#!/usr/bin/env python3
"""A stand-in for the model server in e2e tests: the OpenAI chat completions
API, streamed (server-sent events) or not, and /health. It records each
request body to REQUEST_LOG, one JSON document per line. MODE_FILE, read at
each request, makes it misbehave: "500" answers with status 500 and vLLM's
error body (vllm/entrypoints/openai/protocol.py ErrorResponse), "hang"
never answers, "key:KEY" requires "Authorization: Bearer KEY" on /v1 paths
and answers 401 {"error": "Unauthorized"} without it, as vLLM does with
VLLM_API_KEY (vllm/entrypoints/openai/api_server.py, the "authentication"
middleware: paths outside /v1, /health and /metrics among them, stay
open). The Authorization header of each request to /v1 goes to
REQUEST_LOG.auth, one line per request ("-" when none).

METRICS_DIR, when given, holds the /metrics pages to serve: 1.txt for the
first request, 2.txt for the second, and so on, the last one from then on.

usage: openai-stub.py ADDRESS PORT REQUEST_LOG [MODE_FILE [METRICS_DIR]]
"""
import os
import http.server
import json
import socketserver
import sys
import time

ADDRESS, PORT, REQUEST_LOG = sys.argv[1], int(sys.argv[2]), sys.argv[3]
MODE_FILE = sys.argv[4] if len(sys.argv) > 4 else "/dev/null"
METRICS_DIR = sys.argv[5] if len(sys.argv) > 5 else ""
SCRAPES = [0]


def mode():
    try:
        with open(MODE_FILE) as f:
            return f.read().strip()
    except OSError:
        return ""
WORDS = ["Hello", " from", " the", " stub", " server."]


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def refused(self):
        """Whether the request lacked the key MODE_FILE asks for (answered 401)."""
        if not self.path.startswith("/v1"):
            return False
        with open(REQUEST_LOG + ".auth", "a") as log:
            log.write(self.headers.get("Authorization", "-") + "\n")
        if not mode().startswith("key:") or self.headers.get("Authorization") == "Bearer " + mode()[4:]:
            return False
        body = b'{"error":"Unauthorized"}'
        self.send_response(401)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
        return True

    def do_GET(self):
        if self.refused():
            return
        content_type = "application/json"
        if self.path == "/metrics" and METRICS_DIR:
            SCRAPES[0] += 1
            n = SCRAPES[0]
            while n > 1 and not os.path.exists(f"{METRICS_DIR}/{n}.txt"):
                n -= 1
            with open(f"{METRICS_DIR}/{n}.txt", "rb") as f:
                body = f.read()
            content_type = "text/plain; version=0.0.4"
        else:
            body = b'{"status":"ok"}' if self.path == "/health" else b'{"object":"list","data":[]}'
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self):
        request = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        with open(REQUEST_LOG, "a") as log:
            log.write(json.dumps(request) + "\n")
        if self.refused():
            return
        if mode() == "hang":
            time.sleep(3600)
            return
        if mode() == "500":
            body = json.dumps({"object": "error", "message": "the stand-in was told to fail (MODE_FILE says 500)",
                               "type": "InternalServerError", "param": None, "code": 500}).encode()
            self.send_response(500)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        if request.get("stream"):
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            for word in WORDS:
                event = {"object": "chat.completion.chunk", "model": request["model"],
                         "choices": [{"index": 0, "delta": {"content": word}}]}
                self.chunk(("data: " + json.dumps(event) + "\n\n").encode())
                time.sleep(0.05)
            self.chunk(b"data: [DONE]\n\n")
            self.chunk(b"")
        else:
            body = json.dumps({"object": "chat.completion", "model": request["model"],
                               "choices": [{"index": 0, "message": {"role": "assistant", "content": "".join(WORDS)}}]}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    def chunk(self, data):
        self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
        self.wfile.flush()


class Server(socketserver.ThreadingMixIn, socketserver.TCPServer):
    # socketserver's own bind: http.server's would look up the host's FQDN,
    # which hangs in a network namespace with no DNS.
    allow_reuse_address = True
    daemon_threads = True


Server((ADDRESS, PORT), Handler).serve_forever()
