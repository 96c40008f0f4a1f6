"""`spamscore spamd` as a real subprocess on a free loopback port, for the protocol clients."""

from __future__ import annotations

import shutil
import socket
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.support.processes import CommandProcess, free_port

MESSAGES = Path(__file__).resolve().parents[2] / "data" / "messages"
SPAM = MESSAGES / "body_spam_phrases.eml"  # 7.5 offline: the classifier and spam phrases
HAM = MESSAGES / "newsletter_clean_modern.eml"  # -1.5 offline


class SpamdProcess(CommandProcess):
    name = "spamscore spamd"

    def __init__(self, log_dir: Path, env: dict[str, str]) -> None:
        self.port = free_port()
        self.data_dir = Path(env["SPAMSCORE_DATA_DIR"])
        super().__init__(
            ["spamd", "--port", str(self.port), "--max-children", env.pop("CHILDREN", "1")],
            {"SPAMSCORE_OFFLINE": "1", **env},
            log_dir / f"spamd-{self.port}.log",
        )
        self.wait_ready(self._answers)

    def _answers(self) -> bool:
        with socket.create_connection(("127.0.0.1", self.port), timeout=2) as sock:
            sock.sendall(b"PING SPAMC/1.5\r\n\r\n")
            return sock.recv(64).startswith(b"SPAMD/")  # PONG, or EX_NOPERM when refused

    def exchange(self, request: bytes, *, shut: bool = True, timeout: float = 10) -> bytes:
        """Send raw bytes, return everything the server answers until it closes."""
        with socket.create_connection(("127.0.0.1", self.port), timeout=timeout) as sock:
            sock.sendall(request)
            if shut:
                sock.shutdown(socket.SHUT_WR)
            chunks = []
            while chunk := sock.recv(65536):
                chunks.append(chunk)
            return b"".join(chunks)


def require(binary: str) -> str:
    path = shutil.which(binary)
    if path is None:
        pytest.skip(f"{binary} is not installed (scripts/apt-packages.txt)")
    return path


@pytest.fixture(scope="module")
def start_spamd(tmp_path_factory) -> Iterator[Callable[..., SpamdProcess]]:
    started: list[SpamdProcess] = []
    log_dir = tmp_path_factory.mktemp("spamd")

    def start(**env: str) -> SpamdProcess:
        env.setdefault("SPAMSCORE_DATA_DIR", str(log_dir / "data"))
        server = SpamdProcess(log_dir, dict(env))
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()


@pytest.fixture(scope="module")
def spamd(start_spamd) -> SpamdProcess:
    """One worker, reports stored (for the link), a 2-second request timeout."""
    return start_spamd(SPAMSCORE_SPAMD_STORE="1", SPAMSCORE_SPAMD_TIMEOUT="2")
