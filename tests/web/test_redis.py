"""REDIS_URL: replicas share one rate-limit allowance (a real redis-server on loopback)."""

from __future__ import annotations

import shutil
import subprocess
import time
from collections.abc import Iterator

import pytest

from tests.support.processes import free_port

pytestmark = pytest.mark.slow

KEY = "k-0123456789abcdef0123"


@pytest.fixture
def redis_url(tmp_path) -> Iterator[str]:
    server = shutil.which("redis-server")
    if server is None:
        pytest.skip("redis-server is not installed (apt: redis-server)")
    pytest.importorskip("redis")
    port = free_port()
    proc = subprocess.Popen(
        [
            server,
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(tmp_path),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    import redis

    client = redis.Redis(host="127.0.0.1", port=port)
    deadline = time.monotonic() + 10
    while True:
        try:
            client.ping()
            break
        except redis.ConnectionError:
            if time.monotonic() > deadline:
                proc.kill()
                raise
            time.sleep(0.05)
    client.close()
    yield f"redis://127.0.0.1:{port}/0"
    proc.terminate()
    proc.wait(timeout=10)


def test_two_replicas_share_one_allowance(make_app, redis_url):
    config = {"api_keys": (KEY,), "rate_limit": "3 per minute", "redis_url": redis_url}
    replicas = [make_app(**config).test_client(), make_app(**config).test_client()]
    statuses = [
        replicas[i % 2]
        .post(
            "/api/v1/check",
            data=b"Subject: hi\r\n\r\nhello",
            headers={"Content-Type": "message/rfc822", "X-API-Key": KEY},
        )
        .status_code
        for i in range(4)
    ]
    assert statuses == [200, 200, 200, 429]
