#!/usr/bin/env python3
"""A TLS proxy in front of the real API server that loses a race on
purpose: just before it forwards the first POST to a collection whose path
ends in RACE_SUFFIX (deploy's create of a Service), it runs RACE_COMMAND,
which creates a foreign object of the same name. Everything else is passed
through unchanged, upstream as the admin user of UPSTREAM_KUBECONFIG.

The real API server cannot be made to lose this race on demand; the proxy
only decides when someone else acts, and the API server itself answers.

usage: race-proxy.py PORT_FILE CERT KEY UPSTREAM_KUBECONFIG RACE_SUFFIX RACE_COMMAND
  (binds 127.0.0.1 on a free port and writes it to PORT_FILE; serves with
  CERT/KEY; appends "METHOD PATH STATUS" per request to PORT_FILE.log)
"""
import base64
import http.client
import http.server
import json
import os
import ssl
import subprocess
import sys

from tls_server import serve
import tempfile
import threading
import urllib.parse


PORT_FILE, CERT, KEY, UPSTREAM_KUBECONFIG, RACE_SUFFIX, RACE_COMMAND = sys.argv[1:7]


def upstream():
    """The admin context's server, CA, client certificate and key, as files."""
    out = subprocess.run(["kubectl", "--kubeconfig", UPSTREAM_KUBECONFIG, "config", "view", "--raw", "--minify",
                          "--flatten", "-o", "json"], check=True, capture_output=True, text=True).stdout
    config = json.loads(out)
    cluster, user = config["clusters"][0]["cluster"], config["users"][0]["user"]
    d = tempfile.mkdtemp()
    files = []
    for name, data in (("ca", cluster["certificate-authority-data"]), ("cert", user["client-certificate-data"]),
                       ("key", user["client-key-data"])):
        path = os.path.join(d, name)
        with open(path, "wb") as f:
            f.write(base64.b64decode(data))
        files.append(path)
    return urllib.parse.urlparse(cluster["server"]), files


(URL, (CA_FILE, CERT_FILE, KEY_FILE)) = upstream()
CONTEXT = ssl.create_default_context(cafile=CA_FILE)
CONTEXT.load_cert_chain(CERT_FILE, KEY_FILE)
raced = threading.Event()
log_lock = threading.Lock()


class Handler(http.server.BaseHTTPRequestHandler):

    def log_message(self, *args):
        pass

    def forward(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else None
        path = self.path.split("?")[0]
        if self.command == "POST" and path.endswith(RACE_SUFFIX) and not raced.is_set():
            raced.set()
            subprocess.run(RACE_COMMAND, shell=True, check=True)
        headers = {k: v for k, v in self.headers.items()
                   if k.lower() not in ("host", "authorization", "connection", "content-length")}
        conn = http.client.HTTPSConnection(URL.hostname, URL.port, context=CONTEXT, timeout=30)
        conn.request(self.command, self.path, body=body, headers=headers)
        resp = conn.getresponse()
        data = resp.read()
        with log_lock, open(PORT_FILE + ".log", "a") as log:
            log.write(f"{self.command} {path} {resp.status}\n")
        self.send_response(resp.status)
        for k, v in resp.getheaders():
            if k.lower() not in ("transfer-encoding", "connection", "content-length"):
                self.send_header(k, v)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    do_GET = do_POST = do_PATCH = do_PUT = do_DELETE = forward


serve(Handler, PORT_FILE, CERT, KEY)
