"""The inbox process: one asyncio loop speaking SMTP, worker threads storing and analysing.

`InboxServer.serve_forever()` is what `spamscore inbox` runs (until SIGTERM/SIGINT);
`start()`/`stop()` run the same server on a background thread, for tests and the benchmark.
"""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import ssl
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from scorer.pipeline import Engine
from scorer.settings import Settings
from web.inbox import tls
from web.inbox.config import InboxConfig
from web.inbox.receiver import Receiver
from web.inbox.smtp import Busy, InboxHandler, InboxSMTP
from web.service import Checker
from web.store import ReportStore

log = logging.getLogger(__name__)

_DRAIN_SECONDS = 20.0
_PARENT_CHECK_SECONDS = 2.0


class InboxServer:
    """One listening SMTP server, its store and its engine."""

    def __init__(
        self,
        config: InboxConfig,
        *,
        engine: Engine | None = None,
        store: ReportStore | None = None,
    ) -> None:
        self.config = config
        self.engine = engine or Engine(Settings.from_env())
        self.store = store or ReportStore.from_config(config.web)
        self.receiver = Receiver(
            Checker(self.engine, self.store), domain=config.domain, hostname=config.hostname
        )
        self.tls_context = self._tls_context()
        self.io_pool = ThreadPoolExecutor(max_workers=4, thread_name_prefix="inbox-io")
        self.analysis_pool = ThreadPoolExecutor(
            max_workers=config.workers, thread_name_prefix="inbox-analysis"
        )
        self.handler = InboxHandler(
            self.receiver, config, io_pool=self.io_pool, analysis_pool=self.analysis_pool
        )
        self.active = 0
        self.port = config.port
        self._loop: asyncio.AbstractEventLoop | None = None
        self._server: asyncio.Server | None = None
        self._sessions: set[InboxSMTP] = set()
        self._stopped: asyncio.Event | None = None
        self._thread: threading.Thread | None = None

    def _tls_context(self) -> ssl.SSLContext:
        cert, key = self.config.tls_cert, self.config.tls_key
        if cert is None or key is None:
            if self.store.is_shared:  # replicas share one pair, kept in the database
                self.store.open()
                return tls.shared_self_signed(self.store, self.config.hostname)
            cert, key = tls.ensure_self_signed(self.config.data_dir, self.config.hostname)
        return tls.server_context(cert, key)

    # --- connections -----------------------------------------------------------------------
    def _protocol(self) -> asyncio.BaseProtocol:
        if self.active >= self.config.max_connections:
            return Busy(self.config.hostname)
        self.active += 1
        session: InboxSMTP | None = None

        def closed() -> None:
            self.active -= 1
            self._sessions.discard(session)  # type: ignore[arg-type]

        session = InboxSMTP(
            self.handler,
            self.config,
            on_close=closed,
            tls_context=self.tls_context,
            loop=self._loop,
        )
        self._sessions.add(session)
        return session

    # --- running ---------------------------------------------------------------------------
    def warm_up(self) -> None:
        """Load checks, rules and the parsers' lazy tables before the first message."""
        samples = Path(__file__).resolve().parents[1] / "samples"
        for sample in sorted(samples.glob("*.eml")):
            self.engine.analyze(sample.read_bytes(), offline=True)

    async def _open(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._stopped = asyncio.Event()
        self._server = await self._loop.create_server(
            self._protocol, host=self.config.host, port=self.config.port, reuse_address=True
        )
        self.port = self._server.sockets[0].getsockname()[1]

    async def _close(self) -> None:
        """Stop listening, let messages in flight finish, then hang up on the rest."""
        assert self._server is not None
        self._server.close()
        loop = asyncio.get_running_loop()
        deadline = loop.time() + _DRAIN_SECONDS
        while self._sessions and loop.time() < deadline:
            for session in list(self._sessions):
                if not _in_transaction(session):
                    session.hang_up("421 4.3.2 %s Shutting down; try again later")
            await asyncio.sleep(0.05)
        for session in list(self._sessions):
            session.hang_up("421 4.3.2 %s Shutting down; try again later")
        await asyncio.sleep(0.05)
        await self._server.wait_closed()

    async def _run(self, ready: threading.Event | None = None) -> None:
        await self._open()
        assert self._stopped is not None
        if ready is not None:
            ready.set()
        await self._stopped.wait()
        await self._close()

    def serve_forever(self, *, announce: bool = True) -> None:
        """Run in this (main) thread until SIGTERM or SIGINT, or until the parent that started
        us (`spamscore serve --inbox`) is gone."""
        asyncio.run(self._main(announce))
        self._shutdown_pools()

    async def _main(self, announce: bool) -> None:
        await self._open()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, self._request_stop)
        watcher = None
        parent = os.environ.get("SPAMSCORE_INBOX_PARENT_PID")
        if parent and parent.isdigit():
            watcher = loop.create_task(self._watch_parent(int(parent)))
        if announce:
            print(
                f"spamscore: test inbox on smtp://{_display(self.config.host)}:{self.port} "
                f"for test-…@{self.config.domain} (STARTTLS; max {self.config.max_message_bytes}"
                f" bytes; idle timeout {self.config.idle_timeout:g} s)",
                file=sys.stderr,
                flush=True,
            )
        assert self._stopped is not None
        await self._stopped.wait()
        if watcher is not None:
            watcher.cancel()
        await self._close()

    async def _watch_parent(self, parent: int) -> None:
        while True:
            await asyncio.sleep(_PARENT_CHECK_SECONDS)
            if os.getppid() != parent:
                log.warning("the spamscore serve that started this inbox is gone; stopping")
                self._request_stop()
                return

    def _request_stop(self) -> None:
        if self._stopped is not None:
            self._stopped.set()

    def start(self) -> InboxServer:
        """Serve on a background thread; returns once listening (self.port is the real port)."""
        ready = threading.Event()
        errors: list[BaseException] = []

        def run() -> None:
            try:
                asyncio.run(self._run(ready))
            except BaseException as exc:  # surface a bind error to the caller
                errors.append(exc)
                ready.set()

        self._thread = threading.Thread(target=run, name="inbox-loop", daemon=True)
        self._thread.start()
        ready.wait(30)
        if errors:
            raise errors[0]
        return self

    def stop(self) -> None:
        loop = self._loop
        if loop is not None and self._stopped is not None and not loop.is_closed():
            loop.call_soon_threadsafe(self._stopped.set)
        if self._thread is not None:
            self._thread.join(timeout=_DRAIN_SECONDS + 5)
        self._shutdown_pools()

    def _shutdown_pools(self) -> None:
        self.io_pool.shutdown(wait=True)
        self.analysis_pool.shutdown(wait=True)
        self.store.dispose()

    def __enter__(self) -> InboxServer:
        return self.start()

    def __exit__(self, *_exc: Any) -> None:
        self.stop()


def _in_transaction(session: InboxSMTP) -> bool:
    """Whether a message is on its way (recipients accepted, DATA or its analysis pending)."""
    envelope = getattr(session, "envelope", None)
    return bool(envelope is not None and envelope.rcpt_tos)


def _display(host: str) -> str:
    return f"[{host}]" if ":" in host else host
