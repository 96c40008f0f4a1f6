"""The gunicorn worker `spamscore serve` runs: gthread, with each request read whole before a
thread sees it, a thread kept for health checks, and a watchdog for stuck requests.

gunicorn's gthread worker hands a connection to a thread as soon as data arrives, and the
thread then reads the rest of the request blocking: eight clients sending one byte every five
seconds into a declared 1 MB body held all eight threads of `serve --workers 2` and stopped
the service (issue 14). Here the worker's main loop, which already polls every connection,
reads each request into memory without blocking (headers, then the body as Content-Length or
chunked framing says) and submits it only once it is complete. A slow client then costs a
buffer, not a thread; one that does not finish within SPAMSCORE_REQUEST_TIMEOUT (plus a
second per 64 KiB of declared body) gets a 408 and is closed; what all unfinished requests of
a worker may hold together is SPAMSCORE_REQUEST_BUFFER_BYTES (past it, 503). An async worker
class (gevent) would have done the reading too, but it runs the CPU-bound analysis on the same
loop as everything else, so one 5-second analysis would have stalled every connection of the
worker; nginx in front does the same buffering (deploy/nginx), but `spamscore serve` must be
safe on its own.

Health checks, static files and metrics go to a thread of their own, so a worker whose analysis
threads are all busy still answers /api/v1/healthz at once. And a request that runs longer
than the worker timeout (the engine's own time budget ends an analysis long before) makes the
worker replace itself: gthread's heartbeat comes from the main loop, which a stuck request
thread never stops, so gunicorn's own timeout would not fire.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import errno
import json
import os
import selectors
import socket
import threading
import time
from concurrent import futures
from functools import partial
from typing import Any

from gunicorn.workers.gthread import ThreadWorker

from web.workerload import WorkerLoads

_MAX_HEAD = 64 * 1024
"""Header section read before handing the request over anyway (the parser then refuses it)."""
_MAX_CHUNKS = 100_000
_RECV = 256 * 1024
_BYTES_PER_SECOND_GRANTED = 64 * 1024
"""A declared body gets one more second per 64 KiB on top of the request timeout."""
_FAST_PATHS = (b"/api/v1/healthz", b"/static/", b"/metrics")
_STUCK_GRACE_S = 5.0
"""How long the other requests of a worker that replaces itself get to finish."""
_TRIM_AFTER_BYTES = 1024 * 1024

INCOMPLETE, COMPLETE, HAND_OVER, BAD = range(4)

LOADS: WorkerLoads | None = None
"""The running analyses of every worker of this serve (set by web.commands before forking)."""


class BufferedSocket:
    """A client socket whose reads come from what the main loop buffered: complete requests
    only. Past them it reads as closed, so a thread never waits on a client. Everything else
    (writes, options, close) is the real socket's."""

    def __init__(self, sock: socket.socket) -> None:
        self._sock = sock
        self.ready = bytearray()
        """Complete requests, for the thread."""
        self.partial = bytearray()
        """What arrived of the request still being read, by the main loop."""

    def recv(self, size: int, flags: int = 0) -> bytes:
        taken = bytes(self.ready[:size])
        del self.ready[:size]
        return taken

    def __getattr__(self, name: str) -> Any:
        return getattr(self._sock, name)


class _Reading:
    """What the main loop knows of the request it is reading on one connection."""

    __slots__ = ("body_start", "chunk_at", "chunks", "continued", "deadline", "end", "started")

    def __init__(self, timeout: float) -> None:
        self.started = time.monotonic()
        self.deadline = self.started + timeout
        self.body_start: int | None = None
        self.end: int | None = None
        self.chunk_at: int | None = None
        self.chunks = 0
        self.continued = False


def request_state(buf: bytearray, reading: _Reading, max_body: int) -> int:
    """Whether `buf` holds a whole HTTP/1.x request: INCOMPLETE, COMPLETE (`reading.end` is
    where it ends), HAND_OVER (let gunicorn's parser answer it: too large, a header section
    past 64 KiB, framing it refuses) or BAD (chunked framing we will not follow)."""
    if reading.body_start is None:
        start = 0
        while buf.startswith(b"\r\n", start):  # empty lines before a request are ignored
            start += 2
        head_end = buf.find(b"\r\n\r\n", start)
        if head_end < 0:
            return HAND_OVER if len(buf) > _MAX_HEAD else INCOMPLETE
        reading.body_start = head_end + 4
        length, chunked, expects = _framing(bytes(buf[start:head_end]))
        if length == -1 or (length is not None and chunked):
            return HAND_OVER
        if length is not None:
            if length > max_body:
                return HAND_OVER
            reading.end = reading.body_start + length
            reading.deadline += length / _BYTES_PER_SECOND_GRANTED
        elif chunked:
            reading.chunk_at = reading.body_start
        else:
            reading.end = reading.body_start
        reading.continued = not expects  # a client that expects 100-continue waits for it
    if reading.chunk_at is not None:
        return _chunked_state(buf, reading, max_body)
    assert reading.end is not None
    return COMPLETE if len(buf) >= reading.end else INCOMPLETE


def _framing(head: bytes) -> tuple[int | None, bool, bool]:
    """(Content-Length, -1 when it is not one number; chunked; Expect: 100-continue)."""
    length: int | None = None
    chunked = expects = False
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        name = name.strip().lower()
        value = value.strip()
        if name == b"content-length":
            if not value.isdigit() or (length is not None and length != int(value)):
                return -1, chunked, expects
            length = int(value)
        elif name == b"transfer-encoding":
            chunked = chunked or b"chunked" in value.lower()
        elif name == b"expect":
            expects = value.lower() == b"100-continue"
    return length, chunked, expects


def _chunked_state(buf: bytearray, reading: _Reading, max_body: int) -> int:
    at = reading.chunk_at
    assert at is not None and reading.body_start is not None
    while True:
        line_end = buf.find(b"\r\n", at)
        if line_end < 0:
            return BAD if len(buf) - at > 1024 else INCOMPLETE
        size_text = bytes(buf[at:line_end]).split(b";", 1)[0].strip()
        try:
            size = int(size_text, 16)
        except ValueError:
            return BAD
        reading.chunks += 1
        if reading.chunks > _MAX_CHUNKS or at - reading.body_start + size > max_body:
            return BAD
        data = line_end + 2
        if size == 0:
            if buf.startswith(b"\r\n", data):
                reading.end = data + 2
                return COMPLETE
            trailers = buf.find(b"\r\n\r\n", data)
            if trailers < 0:
                return INCOMPLETE
            reading.end = trailers + 4
            return COMPLETE
        if len(buf) < data + size + 2:
            reading.chunk_at = at
            return INCOMPLETE
        at = data + size + 2
        reading.chunk_at = at


def _error(status: int, reason: str, code: str, message: str) -> bytes:
    body = json.dumps({"error": {"code": code, "message": message}}).encode()
    return (
        f"HTTP/1.1 {status} {reason}\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n"
    ).encode() + body


class BufferingWorker(ThreadWorker):
    """gthread that reads whole requests in its main loop (module docstring)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from scorer.settings import Settings
        from web.config import WebConfig

        config = WebConfig.from_env()
        self.request_timeout = config.request_timeout
        self.buffer_limit = config.request_buffer_bytes
        self.max_body = config.request_limit(Settings.from_env().limits)
        self.readings: dict[Any, _Reading] = {}
        self.buffered = 0
        self.fast_pool: futures.ThreadPoolExecutor | None = None
        self.running: dict[int, tuple[float, str, Any]] = {}
        self._running_lock = threading.Lock()
        self.heavy = 0
        """Requests running on the analysis threads (not health checks, static files, metrics)."""
        self.load_slot: int | None = None
        """This worker's slot in LOADS (given by the master before the fork)."""
        self._exit_at: float | None = None
        self._trim = _malloc_trim()

    def should_move(self) -> bool:
        """Whether this worker runs two analyses more than the least busy one (a client on
        it does better to reconnect: web.workerload)."""
        return LOADS is not None and LOADS.should_move(self.load_slot)

    def init_process(self) -> None:
        self.fast_pool = futures.ThreadPoolExecutor(max_workers=1, thread_name_prefix="fast")
        super().init_process()

    # --- reading requests in the main loop ------------------------------------------------
    def accept(self, listener: socket.socket) -> None:
        try:
            client, address = listener.accept()
        except OSError as exc:
            if exc.errno not in (errno.EAGAIN, errno.ECONNABORTED, errno.EWOULDBLOCK):
                raise
            return
        self.nr_conns += 1
        from gunicorn.workers.gthread import TConn

        if self.cfg.is_ssl:  # TLS is the proxy's; a TLS listener keeps gthread's own reading
            client.setblocking(True)
            super().enqueue_req(TConn(self.cfg, client, address, listener.getsockname()))
            return
        conn = TConn(self.cfg, BufferedSocket(client), address, listener.getsockname())
        self.enqueue_req(conn)

    def enqueue_req(self, conn: Any) -> None:
        sock = conn.sock
        if not isinstance(sock, BufferedSocket):
            super().enqueue_req(conn)
            return
        leftover = conn.parser.unreader.buf.getvalue() if conn.parser is not None else b""
        if sock.ready or leftover:
            self._submit(conn)  # a whole request read with the previous one
            return
        self.readings[conn] = _Reading(self.request_timeout)
        sock.setblocking(False)
        self.poller.register(sock, selectors.EVENT_READ, partial(self._readable, conn))
        if sock.partial and self._progress(conn) is not None:
            return
        self._readable(conn, sock)

    def _readable(self, conn: Any, sock: BufferedSocket) -> None:
        try:
            data = sock._sock.recv(_RECV)
        except (BlockingIOError, InterruptedError):
            return
        except OSError:
            data = b""
        if not data:
            self._drop(conn)
            return
        if self.buffered + len(data) > self.buffer_limit and len(sock.partial) > _MAX_HEAD:
            self._refuse(
                conn,
                503,
                "Service Unavailable",
                "busy",
                "too many requests are still arriving; try again (SPAMSCORE_REQUEST_BUFFER_BYTES)",
            )
            return
        sock.partial += data
        self.buffered += len(data)
        self._progress(conn)

    def _progress(self, conn: Any) -> int | None:
        sock: BufferedSocket = conn.sock
        reading = self.readings[conn]
        state = request_state(sock.partial, reading, self.max_body)
        if state == INCOMPLETE:
            if not reading.continued and reading.body_start is not None:
                reading.continued = True
                with contextlib.suppress(OSError):
                    sock._sock.send(b"HTTP/1.1 100 Continue\r\n\r\n")
            return None
        if state == BAD:
            self._refuse(
                conn,
                400,
                "Bad Request",
                "invalid_request",
                "chunked framing with too many or malformed chunks",
            )
            return state
        end = reading.end if state == COMPLETE else len(sock.partial)
        assert end is not None
        sock.ready += sock.partial[:end]
        del sock.partial[:end]
        self.buffered -= end
        self._stop_reading(conn)
        self._submit(conn)
        return state

    def _stop_reading(self, conn: Any) -> None:
        self.readings.pop(conn, None)
        with contextlib.suppress(OSError, KeyError, ValueError):
            self.poller.unregister(conn.sock)

    def _submit(self, conn: Any) -> None:
        conn.data_ready = True  # complete: gthread must not wait for the socket
        conn.sock.setblocking(True)
        head = bytes(conn.sock.ready[:256]).lstrip(b"\r\n")
        target = head.split(b" ", 2)[1] if head.count(b" ") >= 2 else b""
        fast = target.startswith(_FAST_PATHS)
        pool = self.fast_pool if fast else self.tpool
        assert pool is not None
        future = pool.submit(self._handle, conn, not fast)
        future.add_done_callback(
            lambda done: self.method_queue.defer(self.finish_request, conn, done)
        )

    def _drop(self, conn: Any) -> None:
        self.buffered -= len(conn.sock.partial)
        conn.sock.partial.clear()
        self._stop_reading(conn)
        self.nr_conns -= 1
        conn.close()

    def _refuse(self, conn: Any, status: int, reason: str, code: str, message: str) -> None:
        with contextlib.suppress(OSError):
            conn.sock._sock.send(_error(status, reason, code, message))
        self._drop(conn)

    def murder_pending(self) -> None:
        """Also: requests that did not arrive in time get a 408."""
        super().murder_pending()
        now = time.monotonic()
        for conn, reading in list(self.readings.items()):
            if now >= reading.deadline:
                waited = now - reading.started
                self._refuse(
                    conn,
                    408,
                    "Request Timeout",
                    "request_timeout",
                    f"the request did not arrive within {waited:.0f} s (SPAMSCORE_REQUEST_TIMEOUT)",
                )

    def murder_keepalived(self, force: bool = False) -> None:
        super().murder_keepalived(force)
        if force:
            for conn in list(self.readings):
                self._drop(conn)

    # --- running requests -----------------------------------------------------------------
    def _handle(self, conn: Any, heavy: bool = True) -> Any:
        size = len(conn.sock.ready) if isinstance(conn.sock, BufferedSocket) else 0
        ident = threading.get_ident()
        with self._running_lock:
            self.running[ident] = (time.monotonic(), str(conn.client), conn)
            self.heavy += heavy
            if heavy and LOADS is not None:
                LOADS.set_running(self.load_slot, self.heavy)
        try:
            return self.handle(conn)
        finally:
            with self._running_lock:
                self.running.pop(ident, None)
                self.heavy -= heavy
                if heavy and LOADS is not None:
                    LOADS.set_running(self.load_slot, self.heavy)
            if size > _TRIM_AFTER_BYTES and self._trim is not None:
                self._trim(0)  # hand the pages of a large message back to the system

    def notify(self) -> None:
        """The heartbeat, unless a request has run past the worker timeout: then stop taking
        requests, give the others a few seconds, and exit, so gunicorn starts a fresh worker
        (a thread cannot be stopped from outside)."""
        now = time.monotonic()
        if self._exit_at is None:
            with self._running_lock:
                oldest = min(self.running.values(), default=None, key=lambda r: r[0])
            if oldest is not None and now - oldest[0] > self.cfg.timeout:
                self.log.error(
                    "a request from %s has run for %.0f s, past the worker timeout of %s s: "
                    "replacing this worker",
                    oldest[1],
                    now - oldest[0],
                    self.cfg.timeout,
                )
                self.alive = False
                self._exit_at = now + _STUCK_GRACE_S
        elif now >= self._exit_at:
            self._exit()
        super().notify()

    def run(self) -> None:
        super().run()
        if self._exit_at is not None:
            self._exit()  # the stuck thread would keep the interpreter from exiting
        if self.fast_pool is not None:
            self.fast_pool.shutdown(wait=False)

    def _exit(self) -> None:
        """Answer what is still running with a 503 (never a connection closed without an
        answer), then exit at once: gunicorn starts a fresh worker."""
        with self._running_lock:
            stuck = [entry[2] for entry in self.running.values()]
        answer = _error(
            503,
            "Service Unavailable",
            "worker_timeout",
            f"this request ran past the worker timeout of {self.cfg.timeout} s "
            "(SPAMSCORE_WORKER_TIMEOUT); the worker was replaced: try again. A message "
            "the API stored is kept (GET /api/v1/reports/{id} analyses it again)",
        )
        for conn in stuck:
            sock = conn.sock._sock if isinstance(conn.sock, BufferedSocket) else conn.sock
            with contextlib.suppress(OSError):
                sock.setblocking(False)
                sock.send(answer)
        os._exit(1)


def _malloc_trim() -> Any:
    """glibc's malloc_trim, which returns freed heap pages to the system; None elsewhere."""
    name = ctypes.util.find_library("c")
    try:
        trim = ctypes.CDLL(name).malloc_trim if name else None
    except (OSError, AttributeError):
        return None
    if trim is not None:
        trim.argtypes = [ctypes.c_size_t]
        trim.restype = ctypes.c_int
    return trim
