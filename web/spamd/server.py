"""The spamd listener: a pre-forked pool of worker processes, each an asyncio server.

Why this shape (measured with bench/spamd.py, README "The spamd protocol"): the engine is
CPU-bound Python, so only processes use more than one core; one process per core, forked after
the rules and model are loaded (shared copy-on-write, as `spamscore serve` does). Inside a
worker, asyncio reads requests, so a slow or silent client costs a coroutine, not a process
(spamd's own pre-forked children each block on one client); analyses run on a few threads so
that DNS waits overlap. All workers accept on one listening socket: a worker busy with an
analysis is not in accept(), so new connections go to the idle ones.

Every limit is explicit: the whole request within `timeout` seconds (EX_TIMEOUT), the engine's
message size (EX_DATAERR), open connections per worker (EX_TEMPFAIL), and the engine's own
time budget per analysis.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
import socket
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from scorer import __version__
from scorer.pipeline import Engine
from scorer.report import Report
from scorer.verdict import spam_headers
from web.service import AnalysisFailedError, Checker, CheckOptions
from web.spamd import protocol
from web.spamd.config import SpamdConfig
from web.submission import Submission

log = logging.getLogger("spamscore.spamd")
_DRAIN_SECONDS = 2.0


class SpamdService:
    """What every worker shares: the settings, and the checker (engine, optional store)."""

    def __init__(self, config: SpamdConfig, checker: Checker, hostname: str | None = None):
        self.config = config
        self.checker = checker
        self.engine: Engine = checker.engine
        self.hostname = hostname or socket.gethostname()

    @property
    def max_bytes(self) -> int:
        return self.engine.settings.limits.max_message_bytes

    def analyze(self, raw: bytes) -> tuple[Report, str | None]:
        """Analyse (and, when configured, store) one message; returns its report and link."""
        options = CheckOptions(lang=self.engine.settings.lang, store=self.config.store)
        checked = self.checker.check(Submission(raw), options, source="spamd")
        url = f"{self.config.public_url}/r/{checked.id}" if checked.id else None
        return checked.report, url


class Worker:
    """One process's asyncio server on the shared listening socket."""

    def __init__(self, service: SpamdService, sock: socket.socket) -> None:
        self.service = service
        self.sock = sock
        self.open = 0
        self.pool = ThreadPoolExecutor(
            max_workers=service.config.threads, thread_name_prefix="spamd-analysis"
        )

    def run(self) -> None:
        asyncio.run(self._serve())

    async def _serve(self) -> None:
        loop = asyncio.get_running_loop()
        stop = asyncio.Event()
        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(signum, stop.set)
        server = await asyncio.start_server(self.handle, sock=self.sock, limit=8192)
        async with server:
            await stop.wait()
            server.close()  # stop accepting; let the requests in flight finish
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(20):
                    while self.open:
                        await asyncio.sleep(0.05)
        self.pool.shutdown(wait=False, cancel_futures=True)

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.open += 1
        peer = writer.get_extra_info("peername")
        address = peer[0] if isinstance(peer, tuple) else None
        started = time.perf_counter()
        try:
            await self._answer(reader, writer, address, started)
        except (ConnectionError, OSError):
            pass  # the client went away; nothing to answer
        except Exception:  # a bug: answer like spamd does, never leave the client hanging
            log.exception("spamd: error answering %s", address)
            with contextlib.suppress(Exception):
                writer.write(
                    protocol.ProtocolError(protocol.EX_SOFTWARE, "internal error").status_line()
                )
        finally:
            self.open -= 1
            with contextlib.suppress(Exception):
                await writer.drain()
                writer.close()
                await writer.wait_closed()

    async def _answer(
        self,
        reader: asyncio.StreamReader,
        writer: asyncio.StreamWriter,
        address: str | None,
        started: float,
    ) -> None:
        config = self.service.config
        if not config.allows(address):
            log.warning("spamd: refused connection from %s (SPAMSCORE_SPAMD_ALLOWED_IPS)", address)
            error = protocol.ProtocolError(
                protocol.EX_NOPERM, f"Permission denied: {address} may not connect"
            )
            await self._refuse(reader, writer, error)
            return
        if self.open > config.max_connections:
            error = protocol.ProtocolError(
                protocol.EX_TEMPFAIL, "Service busy: too many connections, try again"
            )
            await self._refuse(reader, writer, error)
            return
        try:
            async with asyncio.timeout(config.timeout):
                request = await protocol.read_request(reader, max_bytes=self.service.max_bytes)
        except TimeoutError:
            await self._refuse(
                reader,
                writer,
                protocol.ProtocolError(
                    protocol.EX_TIMEOUT,
                    f"Timeout: ({config.timeout:g} second socket timeout reading input "
                    "from client)",
                ),
            )
            return
        except protocol.ProtocolError as exc:
            log.warning("spamd: %s from %s", exc.text, address)
            await self._refuse(reader, writer, exc)
            return
        if request.method == "PING":
            writer.write(protocol.pong())
            return
        if request.method == "SKIP":
            return
        if request.method == "TELL":
            await self._refuse(reader, writer, protocol.tell_not_supported())
            return
        loop = asyncio.get_running_loop()
        try:
            report, url = await loop.run_in_executor(self.pool, self.service.analyze, request.body)
        except AnalysisFailedError as exc:
            kept = f"; kept as {exc.report_id}" if exc.report_id else ""
            writer.write(
                protocol.ProtocolError(
                    protocol.EX_SOFTWARE, f"Internal software error: analysis failed{kept}"
                ).status_line()
            )
            return
        headers = spam_headers(
            report, version=__version__, report_url=url, hostname=self.service.hostname
        )
        writer.write(protocol.response(request, report, headers=headers, report_url=url))
        log.info(
            "spamd: %s %s (%s/%.1f) %d bytes in %.1f ms%s",
            request.method,
            report.verdict,
            f"{report.score:.2f}",
            report.threshold,
            len(request.body),
            (time.perf_counter() - started) * 1000,
            f" user={request.user}" if request.user else "",
        )

    async def _refuse(
        self,
        reader: asyncio.StreamReader,
        writer: asyncio.StreamWriter,
        error: protocol.ProtocolError,
    ) -> None:
        """Send the error line, then read (and drop) what the client is still sending for a
        moment: closing a socket with unread input resets it, and the client might never
        see why."""
        writer.write(error.status_line())
        with contextlib.suppress(Exception):
            await writer.drain()
            if writer.can_write_eof():
                writer.write_eof()
            async with asyncio.timeout(_DRAIN_SECONDS):
                budget = self.service.max_bytes
                while budget > 0:
                    chunk = await reader.read(65536)
                    if not chunk:
                        break
                    budget -= len(chunk)


def listen(host: str, port: int) -> socket.socket:
    """The listening socket the workers share (IPv4 or IPv6 by the host's form)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(1024)
    sock.setblocking(False)
    return sock


class Master:
    """Forks the workers, replaces one that dies, and stops them all on SIGTERM/SIGINT."""

    def __init__(self, service: SpamdService, sock: socket.socket) -> None:
        self.service = service
        self.sock = sock
        self.children: dict[int, float] = {}
        self.stopping = False

    def run(self) -> None:
        signal.signal(signal.SIGTERM, self._stop)
        signal.signal(signal.SIGINT, self._stop)
        for _ in range(self.service.config.children):
            self._spawn()
        print(
            f"spamscore spamd: listening on {self.service.config.host}:"
            f"{self.sock.getsockname()[1]} ({len(self.children)} workers x "
            f"{self.service.config.threads} threads)",
            file=sys.stderr,
            flush=True,
        )
        while self.children:
            try:
                pid, status = os.wait()
            except ChildProcessError:
                break
            except InterruptedError:
                continue
            started = self.children.pop(pid, None)
            if self.stopping or started is None:
                continue
            log.error("spamd: worker %d exited (status %d); starting another", pid, status)
            if time.monotonic() - started < 1.0:
                time.sleep(1.0)  # a worker that dies at once must not spin the master
            self._spawn()
        self.sock.close()

    def _spawn(self) -> None:
        pid = os.fork()
        if pid == 0:  # the worker
            code = 0
            try:
                signal.signal(signal.SIGTERM, signal.SIG_DFL)
                signal.signal(signal.SIGINT, signal.SIG_DFL)
                _watch_parent(os.getppid())
                Worker(self.service, self.sock).run()
            except BaseException:
                log.exception("spamd: worker failed")
                code = 1
            finally:
                os._exit(code)
        self.children[pid] = time.monotonic()

    def _stop(self, signum: int, _frame: Any) -> None:
        self.stopping = True
        for pid in list(self.children):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGTERM)


def _watch_parent(parent: int) -> None:
    """Stop this worker if the master dies without stopping it (no orphans keep the port)."""
    import threading

    def watch() -> None:
        while True:
            time.sleep(1.0)
            if os.getppid() != parent:
                os.kill(os.getpid(), signal.SIGTERM)
                return

    threading.Thread(target=watch, daemon=True, name="spamd-parent-watch").start()
