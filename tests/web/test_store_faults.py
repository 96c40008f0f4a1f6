"""A store that says when it fails, against a real `spamscore serve` on SQLite: a disk that
fills up (a small tmpfs) and a data directory made read-only under the running service give a
503 from healthz and clear JSON errors, never a 500 or a killed worker, and the service
recovers by itself once the disk is writable again; a read-only data directory at start is one
line; and kill -9 in the middle of a burst loses no acknowledged report.

Mounting needs root (CI runs as root; elsewhere these tests are skipped)."""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import signal
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.http import exchange, post_message
from tests.support.processes import SPAMSCORE
from tests.web.conftest import ServeProcess

pytestmark = pytest.mark.slow

RAW = b"From: Shop <news@shop.example>\r\nSubject: Order 1\r\n\r\nYour order has shipped.\r\n"


def _needs_root() -> None:
    if os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root")


@contextlib.contextmanager
def tmpfs(path: Path, size: str) -> Iterator[Path]:
    path.mkdir(parents=True, exist_ok=True)
    subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path)], check=True)
    try:
        yield path
    finally:
        subprocess.run(["umount", "-l", str(path)], check=False)


@contextlib.contextmanager
def read_only(path: Path) -> Iterator[None]:
    """`path` read-only for every new open, as a disk remounted read-only is."""
    subprocess.run(["mount", "--bind", str(path), str(path)], check=True)
    try:
        subprocess.run(["mount", "-o", "remount,bind,ro", str(path)], check=True)
        yield
    finally:
        subprocess.run(["umount", "-l", str(path)], check=False)


def _request(base: str, path: str, body: bytes | None = None, timeout: float = 30):
    if body is None:
        status, data = exchange(base, "GET", path, timeout=timeout)
    else:
        status, data = post_message(base, path, body, timeout)
    return status, json.loads(data) if data.startswith(b"{") else data


@pytest.fixture
def serve_on(tmp_path):
    started = []

    def start(data_dir: Path, **env: str) -> ServeProcess:
        serve = ServeProcess(
            data_dir,
            tmp_path,
            {
                "SPAMSCORE_OFFLINE": "1",
                "SPAMSCORE_RATE_LIMIT": "off",
                "SPAMSCORE_PAGE_RATE_LIMIT": "off",  # every acknowledged report is read back
                **env,
            },
        )
        started.append(serve)
        return serve

    yield start
    for serve in started:
        serve.stop()


def test_a_full_disk_is_a_503_then_the_service_recovers_by_itself(serve_on, tmp_path):
    _needs_root()
    with tmpfs(tmp_path / "disk", "48m") as disk:
        serve = serve_on(disk / "data")
        assert _request(serve.base, "/api/v1/check", RAW)[0] == 200
        workers = serve.workers()
        filler = disk / "filler"
        with filler.open("wb") as handle, contextlib.suppress(OSError):
            while True:
                handle.write(b"\0" * (1 << 20))
        for _ in range(3):
            status, body = _request(serve.base, "/api/v1/check", RAW)
            assert status == 503, body
            assert body["error"]["code"] == "store_unavailable"
            assert "full" in body["error"]["message"]
        time.sleep(1.1)  # past healthz's one-second answer (the other worker's too)
        status, health = _request(serve.base, "/api/v1/healthz")
        assert status == 503 and health["status"] == "degraded"
        assert "bytes free" in health["store"] or "full" in health["store"]
        assert serve.workers() == workers  # no worker died
        filler.unlink()
        deadline = time.monotonic() + 10
        while _request(serve.base, "/api/v1/healthz")[0] != 200:
            assert time.monotonic() < deadline, "healthz did not recover"
            time.sleep(0.5)
        status, made = _request(serve.base, "/api/v1/check", RAW)
        assert status == 200
        assert _request(serve.base, f"/api/v1/reports/{made['id']}")[0] == 200
        serve.stop()


def test_a_store_made_read_only_under_the_service_is_a_503_and_recovers(serve_on, tmp_path):
    _needs_root()
    with tmpfs(tmp_path / "disk", "64m") as disk:
        data = disk / "data"
        serve = serve_on(data)
        status, before = _request(serve.base, "/api/v1/check", RAW)
        assert status == 200
        workers = serve.workers()
        with read_only(data):
            for _ in range(3):
                status, body = _request(serve.base, "/api/v1/check", RAW)
                assert status == 503, body
                assert body["error"]["code"] == "store_unavailable"
                assert "Read-only" in body["error"]["message"]
            time.sleep(1.1)  # past healthz's one-second answer
            status, health = _request(serve.base, "/api/v1/healthz")
            assert status == 503, health
            # what was stored before can still be read
            assert _request(serve.base, f"/api/v1/reports/{before['id']}")[0] == 200
            assert serve.workers() == workers
        deadline = time.monotonic() + 10
        while _request(serve.base, "/api/v1/healthz")[0] != 200:
            assert time.monotonic() < deadline, "healthz did not recover"
            time.sleep(0.5)
        assert _request(serve.base, "/api/v1/check", RAW)[0] == 200
        serve.stop()


def test_a_read_only_data_directory_at_start_is_one_clear_line(tmp_path):
    _needs_root()
    with tmpfs(tmp_path / "disk", "8m") as disk:
        (disk / "data").mkdir()
        with read_only(disk / "data"):
            result = subprocess.run(
                [str(SPAMSCORE), "serve", "--port", "1"],
                env={**os.environ, "SPAMSCORE_DATA_DIR": str(disk / "data")},
                capture_output=True,
                text=True,
                timeout=120,
            )
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.stderr, result.stderr
    assert lines[0].startswith("spamscore: error:") and "read-only" in lines[0].lower()


def test_kill_9_during_a_burst_loses_no_acknowledged_report(serve_on, tmp_path):
    serve = serve_on(tmp_path / "burst")
    acknowledged: list[tuple[str, bytes]] = []
    lock = threading.Lock()
    stop = threading.Event()

    def client(n: int) -> None:
        i = 0
        while not stop.is_set():
            raw = RAW.replace(b"Order 1", f"Order {n}-{i}".encode())
            i += 1
            try:
                status, made = _request(serve.base, "/api/v1/check", raw, timeout=10)
            except (OSError, http.client.HTTPException, ValueError):
                continue  # cut off by the kill (a short read too): never acknowledged
            if status == 200:
                with lock:
                    acknowledged.append((made["id"], raw))

    threads = [threading.Thread(target=client, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    time.sleep(2.0)
    os.killpg(serve.proc.pid, signal.SIGKILL)
    stop.set()
    for thread in threads:
        thread.join()
    serve.stop()
    assert len(acknowledged) > 10
    again = serve_on(tmp_path / "burst")
    for report_id, raw in acknowledged:
        status, _report = _request(again.base, f"/api/v1/reports/{report_id}")
        assert status == 200, report_id
        assert _request(again.base, f"/api/v1/reports/{report_id}/raw")[1] == raw
