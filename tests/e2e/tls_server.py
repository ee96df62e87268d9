"""Serving an http.server handler over TLS on a free loopback port, for the
e2e test servers (hostile-server.py, race-proxy.py)."""
import http.server
import ssl


def serve(handler, port_file, cert, key):
    """Binds 127.0.0.1 on a free port, writes the port to `port_file`, and
    serves `handler` with CERT/KEY until killed."""
    handler.protocol_version = "HTTP/1.1"
    handler.disable_nagle_algorithm = True  # else each answer waits 40 ms for a delayed ACK
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    tls.load_cert_chain(cert, key)
    server.socket = tls.wrap_socket(server.socket, server_side=True)
    with open(port_file, "w") as f:
        f.write(str(server.server_address[1]))
    server.serve_forever()
