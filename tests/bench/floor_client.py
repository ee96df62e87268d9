#!/usr/bin/env python3
"""The floor for `kubectl lm nodes` (tests/bench/inventory_scale.sh): a
minimal keep-alive HTTPS client that asks the API server for exactly the
pages kubectl-lm asks for (nodes, then the bound non-terminal pods, 500 at a
time, continue tokens followed) and throws the bytes away. It does no more
than any client must: TLS, HTTP, and finding each page's continue token in
its first bytes (the list's metadata comes before its items). Prints the
bytes read.

usage: floor_client.py CONFIG_JSON [json|protobuf]
  CONFIG_JSON: `kubectl config view --raw --minify -o json`, written once by
  the benchmark, so that no kubectl runs inside what is measured.
  json (the default) or protobuf: the encoding asked for. kubectl-lm asks
  for protobuf; kubectl get, and kubectl-lm before it, for JSON.
"""
import base64
import http.client
import json
import os
import re
import ssl
import sys
import tempfile
import urllib.parse

with open(sys.argv[1]) as f:
    config = json.load(f)
cluster, user = config["clusters"][0]["cluster"], config["users"][0]["user"]
tmp = tempfile.mkdtemp()


def path_of(entry, field):
    """A file holding the PEM of `field`, inline (-data) or named."""
    if entry.get(field + "-data"):
        p = os.path.join(tmp, field)
        with open(p, "wb") as f:
            f.write(base64.b64decode(entry[field + "-data"]))
        return p
    return entry.get(field)


ctx = ssl.create_default_context(cafile=path_of(cluster, "certificate-authority"))
if path_of(user, "client-certificate"):
    ctx.load_cert_chain(path_of(user, "client-certificate"), path_of(user, "client-key"))
ENCODING = sys.argv[2] if len(sys.argv) > 2 else "json"
headers = {"Accept": {"json": "application/json", "protobuf": "application/vnd.kubernetes.protobuf"}[ENCODING]}
if user.get("token"):
    headers["Authorization"] = "Bearer " + user["token"]
url = urllib.parse.urlsplit(cluster["server"])
conn = http.client.HTTPSConnection(url.hostname, url.port or 443, context=ctx)
CONTINUE = re.compile(rb'"continue":"([^"]*)"')
total = 0


def varint(b, i):
    v = shift = 0
    while True:
        c = b[i]
        i += 1
        v |= (c & 0x7F) << shift
        shift += 7
        if c < 0x80:
            return v, i


def protobuf_continue(head):
    """ListMeta.continue (3) of the list in the runtime.Unknown's raw (2),
    after "k8s\\0" and the typeMeta (1): all in the first bytes."""
    i = 4
    _, i = varint(head, i)  # typeMeta's tag
    n, i = varint(head, i)
    i += n
    _, i = varint(head, i)  # raw's tag
    _, i = varint(head, i)
    tag, i = varint(head, i)
    if tag != 0x0A:  # the list's metadata (1)
        return ""
    n, i = varint(head, i)
    end = i + n
    while i < end:
        tag, i = varint(head, i)
        if tag & 7 == 0:
            _, i = varint(head, i)
            continue
        n, i = varint(head, i)
        if tag >> 3 == 3:
            return head[i:i + n].decode()
        i += n
    return ""



def pages(path, field_selector=""):
    global total
    cont = ""
    while True:
        query = urllib.parse.urlencode([(k, v) for k, v in (("fieldSelector", field_selector), ("limit", "500"),
                                                             ("continue", cont)) if v])
        conn.request("GET", path + "?" + query, headers=headers)
        r = conn.getresponse()
        if r.status != 200:
            raise SystemExit(f"GET {path}: {r.status} {r.read()[:200]!r}")
        head = b""
        while True:
            chunk = r.read(65536)
            if not chunk:
                break
            if len(head) < 4096:
                head += chunk[:4096]
            total += len(chunk)
        if ENCODING == "protobuf":
            cont = protobuf_continue(head)
        else:
            m = CONTINUE.search(head)
            cont = m.group(1).decode() if m else ""
        if not cont:
            return


pages("/api/v1/nodes")
pages("/api/v1/pods", "spec.nodeName!=,status.phase!=Succeeded,status.phase!=Failed")
print(total)
