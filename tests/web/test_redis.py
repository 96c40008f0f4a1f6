"""REDIS_URL: replicas share one rate-limit allowance (a real redis-server on loopback)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator

import pytest

from tests.support import servers
from web import services_of

pytestmark = pytest.mark.slow

KEY = "k-0123456789abcdef0123"


@pytest.fixture(scope="module")
def redis_url() -> Iterator[str]:
    if shutil.which("redis-server") is None:
        pytest.skip("redis-server is not installed (apt: redis-server)")
    pytest.importorskip("redis")
    with servers.redis() as url:
        yield url


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


def test_other_budgets_count_once_across_replicas(make_app, redis_url):
    """web.shared.Counters (a DNS budget per client, say) share Redis with the rate limit."""
    a, b = (services_of(make_app(redis_url=redis_url)).counters for _ in range(2))
    limit = "5 per minute"
    assert a.hit("dns", "ip:192.0.2.1", limit, cost=3)
    assert b.remaining("dns", "ip:192.0.2.1", limit) == 2
    assert not b.hit("dns", "ip:192.0.2.1", limit, cost=3)
    assert a.hit("dns", "ip:192.0.2.2", limit, cost=5)  # another caller, its own allowance
