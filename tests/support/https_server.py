"""A real HTTPS server on 127.0.0.1 for the guarded fetcher's tests (certificate made at run time).

Routes are a dict of path -> (status, headers, body); a status 3xx with a Location header
redirects. The server counts requests per path so a test can prove a refused fetch never arrived.
"""

from __future__ import annotations

import ssl
import tempfile
import threading
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from tests.support.pki import Issued, make_ca, tls_server

Route = tuple[int, dict[str, str], bytes]


class HTTPSTestServer:
    """`with HTTPSTestServer(hosts=["logo.test"]) as s:` serves `s.routes` on s.port."""

    def __init__(self, *, hosts: list[str]) -> None:
        self.ca: Issued = make_ca("Test TLS Root", "Test TLS CA")
        self.cert = tls_server(self.ca, hosts=hosts, ips=["127.0.0.1"])
        self.routes: dict[str, Route] = {}
        self.hits: Counter[str] = Counter()
        self._dir = tempfile.TemporaryDirectory()
        folder = Path(self._dir.name)
        (folder / "cert.pem").write_bytes(self.cert.pem)
        (folder / "key.pem").write_bytes(self.cert.key_pem())
        (folder / "ca.pem").write_bytes(self.ca.pem)
        self.cafile = str(folder / "ca.pem")
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(folder / "cert.pem", folder / "key.pem")
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                server.hits[self.path] += 1
                status, headers, body = server.routes.get(self.path, (404, {}, b"not found"))
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                if "Content-Length" not in headers:
                    self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                return

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        self._httpd.socket = context.wrap_socket(self._httpd.socket, server_side=True)
        self.port = self._httpd.server_address[1]
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)

    def __enter__(self) -> HTTPSTestServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
        self._dir.cleanup()
