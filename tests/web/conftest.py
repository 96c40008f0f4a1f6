"""Fixtures for the web tests: apps on the demo engine, live servers, and Chromium.

`app`/`client` follow Flask's tutorial: the factory gets a temporary SQLite file and the demo
engine (the real engine on tests/web/data/rules, plus a constructed checklist and classifier
section, see webdemo.py). `live_server` serves an app on a loopback port in this process;
`spamscore_server` starts the real `spamscore serve` (gunicorn) in a subprocess.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from werkzeug.serving import make_server

sys.path.insert(0, str(Path(__file__).resolve().parent))

from webdemo import demo_engine

from web import create_app, services_of

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "web" / "samples"
SPAMSCORE = Path(sys.executable).with_name("spamscore")


@pytest.fixture(scope="session")
def engine():
    return demo_engine()


@pytest.fixture
def make_app(tmp_path: Path, engine) -> Iterator[Callable[..., Any]]:
    """Build an app; keyword arguments go into test_config (engine, api_keys, rate_limit...)."""
    apps = []

    def build(**config: Any):
        config.setdefault("engine", engine)
        config.setdefault("database_url", f"sqlite:///{tmp_path / 'reports.sqlite3'}")
        config.setdefault("rate_limit", None)
        config.setdefault("TESTING", True)
        app = create_app(config)
        apps.append(app)
        return app

    yield build
    for app in apps:
        services_of(app).store.dispose()


@pytest.fixture
def app(make_app):
    return make_app()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def sample_bytes() -> Callable[[str], bytes]:
    def read(name: str) -> bytes:
        return (SAMPLES / f"{name}.eml").read_bytes()

    return read


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def live_server(make_app) -> Iterator[Callable[..., str]]:
    """Serve an app over real HTTP on 127.0.0.1; returns its base URL."""
    servers = []

    def start(**config: Any) -> str:
        server = make_server("127.0.0.1", 0, make_app(**config), threaded=True)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_port}"

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


class ServeProcess:
    """`spamscore serve` in a subprocess (gunicorn, real workers), stopped with SIGTERM."""

    def __init__(
        self, data_dir: Path, log_dir: Path, env: dict[str, str], workers: int = 2
    ) -> None:
        self.data_dir = data_dir
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log = log_dir / f"serve-{self.port}.log"
        full_env = {**os.environ, **env, "SPAMSCORE_DATA_DIR": str(data_dir)}
        full_env.pop("PROMETHEUS_MULTIPROC_DIR", None)
        self._log = self.log.open("wb")
        self.proc = subprocess.Popen(
            [str(SPAMSCORE), "serve", "--port", str(self.port), "--workers", str(workers)],
            env=full_env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self._wait_ready()

    def _wait_ready(self, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"spamscore serve exited: {self.log.read_text()[-2000:]}")
            try:
                with urllib.request.urlopen(self.base + "/api/v1/healthz", timeout=2) as resp:
                    if resp.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.1)
        self.stop()
        raise RuntimeError("spamscore serve did not become ready")

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


@pytest.fixture
def spamscore_server(tmp_path: Path) -> Iterator[Callable[..., ServeProcess]]:
    started: list[ServeProcess] = []

    def start(data_dir: Path | None = None, **env: str) -> ServeProcess:
        env.setdefault("SPAMSCORE_OFFLINE", "1")
        server = ServeProcess(data_dir or tmp_path / "data", tmp_path, env)
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()
