"""`spamscore` subcommands as real subprocesses for tests: start, wait until ready, stop."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

SPAMSCORE = Path(sys.executable).with_name("spamscore")


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class CommandProcess:
    """One `spamscore ...` subprocess in its own session, output in a log, stopped with SIGTERM."""

    name = "spamscore"

    def __init__(
        self, argv: Sequence[str], env: dict[str, str], log: Path, unset: Sequence[str] = ()
    ) -> None:
        self.log = log
        self._log = log.open("wb")
        full_env = {**os.environ, **env}
        for name in unset:
            full_env.pop(name, None)
        self.proc = subprocess.Popen(
            [str(SPAMSCORE), *argv],
            env=full_env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def wait_ready(self, ready: Callable[[], bool], timeout: float = 60.0) -> None:
        """Poll `ready()` until it is true; fail with the log's tail if the process dies."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.name} exited: {self.log.read_text()[-2000:]}")
            try:
                if ready():
                    return
            except OSError:
                pass
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"{self.name} did not become ready")

    def stop(self) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        self._log.close()
        return self.proc.returncode
