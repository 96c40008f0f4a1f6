"""Is the SMTP test inbox running? The form offers "Send a test" only when it is.

The inbox is its own process (`spamscore serve --inbox`, or `spamscore inbox` anywhere that
shares the store); the web service knows only where it should listen. A TCP connect there says
whether anything answers; the answer is kept for a few seconds per process so a busy form does
not open a connection per page view.
"""

from __future__ import annotations

import socket
import threading
import time

_TTL_S = 10.0
_TIMEOUT_S = 0.3
_known: dict[str, tuple[float, bool]] = {}
_lock = threading.Lock()


def split_server(server: str, default_port: int = 2525) -> tuple[str, int]:
    """`host:port`, `[v6]:port` or `host` as (host, port)."""
    value = server.strip()
    if value.startswith("["):
        host, _, rest = value[1:].partition("]")
        return host, int(rest[1:]) if rest.startswith(":") and rest[1:].isdigit() else default_port
    if value.count(":") == 1:
        host, _, port = value.partition(":")
        return host, int(port) if port.isdigit() else default_port
    return value, default_port


def inbox_running(server: str) -> bool:
    """True when something accepts TCP connections at `server` (cached for a few seconds)."""
    now = time.monotonic()
    with _lock:
        known = _known.get(server)
        if known is not None and known[0] > now:
            return known[1]
    host, port = split_server(server)
    try:
        with socket.create_connection((host, port), timeout=_TIMEOUT_S):
            running = True
    except OSError:
        running = False
    with _lock:
        _known[server] = (now + _TTL_S, running)
    return running


def forget() -> None:
    """Drop the cached answers (tests start and stop inboxes)."""
    with _lock:
        _known.clear()
