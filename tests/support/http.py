"""One HTTP exchange with a server on loopback, for tests that drive a real `spamscore serve`
(http.client: no redirects followed, no proxy, any status returned as it is)."""

from __future__ import annotations

import http.client
from urllib.parse import urlsplit


def exchange(
    base: str,
    method: str,
    path: str,
    body: bytes | None = None,
    headers: dict[str, str] | None = None,
    timeout: float = 30,
) -> tuple[int, bytes]:
    """(status, body) of `method path` at `base` (http://127.0.0.1:PORT)."""
    url = urlsplit(base)
    conn = http.client.HTTPConnection(url.hostname, url.port, timeout=timeout)
    try:
        conn.request(method, path, body, headers or {})
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def post_message(
    base: str, path: str, raw: bytes, timeout: float = 60, **headers: str
) -> tuple[int, bytes]:
    """POST a raw message (message/rfc822)."""
    return exchange(base, "POST", path, raw, {"Content-Type": "message/rfc822", **headers}, timeout)
