"""Fixtures for the web tests: apps on the demo engine, live servers, and Chromium.

`app`/`client` follow Flask's tutorial: the factory gets a temporary SQLite file and the demo
engine (the real engine on tests/web/data/rules, plus a constructed checklist and classifier
section, see webdemo.py). `live_server` serves an app on a loopback port in this process;
`spamscore_server` starts the real `spamscore serve` (gunicorn) in a subprocess.
"""

from __future__ import annotations

import re
import sys
import threading
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from werkzeug.serving import make_server

sys.path.insert(0, str(Path(__file__).resolve().parent))

from webdemo import demo_engine

from tests.support.processes import CommandProcess, free_port
from web import create_app, services_of

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "web" / "samples"


_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf(client, page: str = "/") -> str:
    """The CSRF token of `client`'s session, from a form page (every form POST needs it)."""
    found = _CSRF.search(client.get(page).get_data(as_text=True))
    assert found, f"no CSRF token on {page}"
    return found.group(1)


def post_form(client, path: str, data: dict | None = None, **kwargs):
    """POST a form as the browser would: with the session's CSRF token."""
    return client.post(path, data={**(data or {}), "csrf_token": csrf(client)}, **kwargs)


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


class ServeProcess(CommandProcess):
    """`spamscore serve` in a subprocess (gunicorn, real workers), stopped with SIGTERM."""

    name = "spamscore serve"

    def __init__(
        self,
        data_dir: Path,
        log_dir: Path,
        env: dict[str, str],
        workers: int = 2,
        *args: str,
        wait: bool = True,
    ) -> None:
        self.data_dir = data_dir
        self.worker_count = workers
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        super().__init__(
            ["serve", "--port", str(self.port), "--workers", str(workers), *args],
            {**env, "SPAMSCORE_DATA_DIR": str(data_dir)},
            log_dir / f"serve-{self.port}.log",
            unset=["PROMETHEUS_MULTIPROC_DIR"],  # serve makes its own for its workers
        )
        if wait:
            self.wait_ready(self._healthy)

    def ready(self, timeout: float = 120.0) -> ServeProcess:
        """Wait until healthz answers 200 (for processes started with wait=False)."""
        self.wait_ready(self._healthy, timeout)
        return self

    def workers(self) -> set[int]:
        """The pids of the worker processes (the gunicorn master's children), as they are now."""
        children = Path(f"/proc/{self.proc.pid}/task/{self.proc.pid}/children").read_text()
        return {int(pid) for pid in children.split()}

    def _healthy(self) -> bool:
        """healthz answers 200 and every worker has forked (healthz answers from the first one;
        under load the next may come a moment later and would look like a replacement)."""
        try:
            with urllib.request.urlopen(self.base + "/api/v1/healthz", timeout=2) as resp:
                if resp.status != 200:
                    return False
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            return False
        try:
            return len(self.workers()) >= self.worker_count
        except OSError:
            return False


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
