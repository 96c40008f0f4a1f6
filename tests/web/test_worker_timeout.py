"""The worker timeout replaces a worker whose request is stuck (issue 14: gthread's heartbeat
comes from its main loop, so gunicorn's own timeout never fired for a stuck request thread).
Against a real `spamscore serve` with one worker: the test holds an exclusive lock on the SQLite
file, so a check waits on the store (busy timeout 30 s) past SPAMSCORE_WORKER_TIMEOUT; the
worker answers that request with a 503 JSON, exits, and gunicorn starts a fresh one, which
serves as soon as the lock is gone."""

from __future__ import annotations

import json
import sqlite3
import time

import pytest

from tests.support.http import post_message
from tests.web.conftest import ServeProcess

pytestmark = pytest.mark.slow


def _post(port: int, raw: bytes, timeout: float = 60) -> tuple[int, dict]:
    status, body = post_message(f"http://127.0.0.1:{port}", "/api/v1/check", raw, timeout)
    return status, json.loads(body or b"{}")


def test_a_request_stuck_past_the_worker_timeout_replaces_the_worker(tmp_path):
    env = {
        "SPAMSCORE_OFFLINE": "1",
        "SPAMSCORE_RATE_LIMIT": "off",
        "SPAMSCORE_TIME_BUDGET_MS": "1000",
        "SPAMSCORE_WORKER_TIMEOUT": "4",
    }
    serve = ServeProcess(tmp_path / "data", tmp_path, env, 1)
    try:
        raw = b"Subject: hi\r\n\r\nhello\r\n"
        assert _post(serve.port, raw)[0] == 200
        before = serve.workers()
        lock = sqlite3.connect(tmp_path / "data" / "reports.sqlite3", timeout=30)
        lock.execute("BEGIN EXCLUSIVE")
        try:
            started = time.monotonic()
            status, body = _post(serve.port, raw)
            waited = time.monotonic() - started
        finally:
            lock.rollback()
            lock.close()
        assert status == 503, body
        assert body["error"]["code"] == "worker_timeout"
        assert 4 <= waited < 20, waited  # the timeout plus the grace, not the 30 s busy wait
        deadline = time.monotonic() + 30
        while True:
            after = serve.workers()
            if after and after != before:
                break
            assert time.monotonic() < deadline, "no fresh worker"
            time.sleep(0.2)
        deadline = time.monotonic() + 30
        while True:
            try:
                if _post(serve.port, raw, timeout=10)[0] == 200:
                    break
            except OSError:
                pass
            assert time.monotonic() < deadline, "the fresh worker does not serve"
            time.sleep(0.5)
    finally:
        serve.stop()
