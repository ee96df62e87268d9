#!/usr/bin/env python3
"""A stand-in for the Hugging Face Hub on loopback, answering as the real
one does (huggingface.js check-repo-access.spec.ts: 401 for a repo it does
not show to an anonymous caller, 404 for one that does not exist to a
signed-in one; metadata of gated repos is public, their files answer 403
to a token that was not granted access):

  GET  /api/models/ORG/NAME                  the repo's metadata
  HEAD /ORG/NAME/resolve/main/config.json    a file of it

Repos: stand-in/Custom-7B (public, 8e9 BF16 parameters), and the
catalog's (CATALOG, `kubectl lm models -o json`: public or gated as the
catalog says, sized as it says). Tokens: hf_revoked is refused everywhere
(401); hf_not_granted is valid but was never granted a gated repo (403 on
its files); any other token may read everything. Every request's method,
path and Authorization header are appended to LOG (hub_test.sh checks the
token arrived, and that kubectl-lm printed it nowhere).

tests/e2e/run starts one for every e2e test, so that no test reaches the
real Hub; hub_test.sh starts its own.

usage: hub-server.py PORT_FILE CERT KEY LOG CATALOG
"""
import http.server
import json
import sys

from tls_server import serve

PORT_FILE, CERT, KEY, LOG, CATALOG = sys.argv[1:6]
REPOS = {"stand-in/Custom-7B": {"gated": False, "parameters": {"BF16": 8_000_000_000}}}
# LoRA adapters, each with its PEFT adapter_config.json (the "r" deploy reads).
ADAPTERS = {"stand-in/phi-3-mini-sql-lora": {"r": 16, "lora_alpha": 32, "peft_type": "LORA"},
            "stand-in/phi-3-mini-chat-lora": {"r": 64, "lora_alpha": 16, "peft_type": "LORA"}}
for a in ADAPTERS:
    REPOS[a] = {"gated": False, "parameters": {"BF16": 50_000_000}}
with open(CATALOG) as f:
    for m in json.load(f)["items"]:
        REPOS[m["repo"]] = {"gated": "manual" if m["gated"] else False,
                            "parameters": {"BF16": int(m["weightsGiB"] * (1 << 30) / 2)}}


class Handler(http.server.BaseHTTPRequestHandler):

    def log_message(self, *args):
        pass

    def answer(self, code, body=b""):
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def route(self):
        auth = self.headers.get("Authorization", "")
        with open(LOG, "a") as f:
            f.write(f"{self.command} {self.path} {auth}\n")
        token = auth[len("Bearer "):] if auth.startswith("Bearer ") else ""
        if token == "hf_revoked":
            return self.answer(401, b'{"error":"Invalid credentials in Authorization header"}')
        if self.command == "GET" and self.path.startswith("/api/models/"):
            repo = self.path[len("/api/models/"):]
            if repo not in REPOS:
                return self.answer(404 if token else 401, b'{"error":"Repository Not Found"}')
            r = REPOS[repo]
            total = sum(r["parameters"].values())
            return self.answer(200, json.dumps({"id": repo, "gated": r["gated"],
                                                "safetensors": {"parameters": r["parameters"], "total": total}}).encode())
        if self.command == "GET" and self.path.endswith("/resolve/main/adapter_config.json"):
            repo = self.path[1:self.path.index("/resolve/main/")]
            if repo not in ADAPTERS:
                return self.answer(404, b'{"error":"Entry not found"}')
            return self.answer(200, json.dumps(ADAPTERS[repo]).encode())
        if self.command == "HEAD" and "/resolve/main/" in self.path:
            repo = self.path[1:self.path.index("/resolve/main/")]
            if repo not in REPOS:
                return self.answer(404 if token else 401)
            if REPOS[repo]["gated"] and token in ("", "hf_not_granted"):
                return self.answer(403 if token else 401)
            return self.answer(200)
        return self.answer(404, b'{"error":"not found"}')

    do_GET = route
    do_HEAD = route


serve(Handler, PORT_FILE, CERT, KEY)
