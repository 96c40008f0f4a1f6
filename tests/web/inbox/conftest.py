"""Fixtures for the SMTP test inbox: the inbox in this process on a free loopback port (fast,
for protocol behaviour), or `spamscore inbox` as a real process beside `spamscore serve`, and
messages to send it.
"""

from __future__ import annotations

import smtplib
import socket
import ssl
import time
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from scorer.compose import compose_message
from tests.support.processes import CommandProcess, free_port
from web.inbox.addresses import address_for
from web.inbox.config import InboxConfig
from web.inbox.server import InboxServer
from web.store import StoredTest

SENDER_DOMAIN = "inbox-sender.example"
SENDER_HELO = f"mail.{SENDER_DOMAIN}"


def inbox_config(data_dir: Path, **changes: Any) -> InboxConfig:
    """The inbox's settings on `data_dir` (the web app's store there too), on a free port."""
    config = InboxConfig.from_env({"SPAMSCORE_DATA_DIR": str(data_dir)})
    return config.replace(port=0, **changes)


@pytest.fixture
def start_inbox(tmp_path: Path, engine) -> Iterator[Callable[..., InboxServer]]:
    """Start the inbox in this process (demo engine unless given); stopped after the test."""
    started: list[InboxServer] = []

    def start(*, engine_: Any = None, **changes: Any) -> InboxServer:
        server = InboxServer(inbox_config(tmp_path, **changes), engine=engine_ or engine)
        started.append(server.start())
        return server

    yield start
    for server in started:
        server.stop()


def new_test(server: InboxServer, *, hours: float = 1.0) -> tuple[StoredTest, str]:
    test = server.store.add_test(server.config.domain, accepts_for=timedelta(hours=hours))
    return test, address_for(test.id, test.domain)


def unverified_tls() -> ssl.SSLContext:
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    return context


def smtp(port: int, *, tls: bool = False, helo: str = SENDER_HELO) -> smtplib.SMTP:
    client = smtplib.SMTP("127.0.0.1", port, local_hostname=helo, timeout=30)
    client.ehlo()
    if tls:
        client.starttls(context=unverified_tls())
        client.ehlo()
    return client


def plain_message(to: str, *, subject: str = "Your order has shipped", body: str = "") -> bytes:
    """A small ordinary message with CRLF line ends (what arrives is what was sent)."""
    return compose_message(
        from_=f"Shop <orders@{SENDER_DOMAIN}>",
        to=to,
        subject=subject,
        text=body or "Hello,\n\nyour order 1234 has shipped and arrives on Friday.\n\nThe shop\n",
        message_id=f"<{time.monotonic_ns()}@{SENDER_DOMAIN}>",
    )


class Line:
    """A raw SMTP conversation over a socket (for what smtplib will not do: stall, skip SIZE)."""

    def __init__(self, port: int, timeout: float = 10.0) -> None:
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
        self.file = self.sock.makefile("rb")

    def reply(self) -> str:
        lines = []
        while True:
            line = self.file.readline()
            if not line:
                break
            lines.append(line.decode("utf-8", "replace").rstrip("\r\n"))
            if len(line) < 4 or line[3:4] != b"-":
                break
        return "\n".join(lines)

    def send(self, text: str | bytes) -> None:
        data = text.encode() if isinstance(text, str) else text
        self.sock.sendall(data if data.endswith(b"\r\n") else data + b"\r\n")

    def command(self, text: str) -> str:
        self.send(text)
        return self.reply()

    def closed(self) -> bool:
        """Whether the server closed the connection (EOF, or reset) with nothing more to say."""
        try:
            return self.file.read(1) == b""
        except (ConnectionResetError, TimeoutError):
            return False

    def close(self) -> None:
        self.file.close()
        self.sock.close()


class InboxProcess(CommandProcess):
    """`spamscore inbox` in a subprocess, ready once it answers 220; stopped with SIGTERM."""

    name = "spamscore inbox"

    def __init__(self, data_dir: Path, log_dir: Path, env: dict[str, str], *args: str) -> None:
        self.port = free_port()
        super().__init__(
            ["inbox", "--port", str(self.port), *args],
            {**env, "SPAMSCORE_DATA_DIR": str(data_dir)},
            log_dir / f"inbox-{self.port}.log",
        )
        self.wait_ready(self._greets)

    def _greets(self) -> bool:
        with socket.create_connection(("127.0.0.1", self.port), timeout=2) as sock:
            return sock.recv(512).startswith(b"220")


@pytest.fixture
def inbox_process(tmp_path: Path) -> Iterator[Callable[..., InboxProcess]]:
    started: list[InboxProcess] = []

    def start(data_dir: Path, *args: str, **env: str) -> InboxProcess:
        process = InboxProcess(data_dir, tmp_path, env, *args)
        started.append(process)
        return process

    yield start
    for process in started:
        process.stop()
