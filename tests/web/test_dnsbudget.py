"""The DNS budget per caller against a real `spamscore serve` (two workers sharing Redis): the
test DNS server on 127.0.0.1 counts what reaches it, and one API key's messages never cause more
queries than SPAMSCORE_DNS_BUDGET allows; another key still has its own budget."""

from __future__ import annotations

import json
import shutil

import pytest

from tests.scorer.test_dnsbudget import _many_domains
from tests.support import servers
from tests.support.http import post_message

pytestmark = pytest.mark.slow
KEYS = ("dns-budget-key-a-0123456789", "dns-budget-key-b-0123456789")


@pytest.fixture
def redis_url():
    if shutil.which("redis-server") is None:
        pytest.skip("redis-server is not installed (apt: redis-server)")
    with servers.redis() as url:
        yield url


def _check(base: str, raw: bytes, key: str) -> dict:
    status, body = post_message(base, "/api/v1/check?store=false", raw, **{"X-API-Key": key})
    assert status == 200, body[:300]
    return json.loads(body)


def test_one_key_cannot_exceed_the_configured_dns_rate(spamscore_server, dns_server, redis_url):
    server = spamscore_server(
        SPAMSCORE_OFFLINE="0",
        SPAMSCORE_NAMESERVERS=dns_server.address,
        SPAMSCORE_DNS_TIMEOUT_MS="400",
        SPAMSCORE_DNS_BUDGET="600 per minute",
        SPAMSCORE_API_KEYS=",".join(KEYS),
        SPAMSCORE_RATE_LIMIT="off",
        REDIS_URL=redis_url,
    )
    _check(server.base, _many_domains("srvwarm", 1), KEYS[1])  # the resolver check, per worker
    _check(server.base, _many_domains("srvwarm2", 1), KEYS[1])
    before = dns_server.zones.queries
    reports = [_check(server.base, _many_domains(f"srv{n}", 60), KEYS[0]) for n in range(10)]
    sent = dns_server.zones.queries - before
    assert 0 < sent <= 600, sent
    over = [r for r in reports if any(f["id"] == "DNS_BUDGET" for f in r["findings"])]
    assert len(over) >= 6, [r["dns"]["status"] for r in reports]
    assert all(r["dns"]["status"] == "budget" for r in over)
    assert {s["text"] for r in over for s in r["skipped"] if s["check"] == "uribl"} == {
        "not checked: DNS budget (600 queries per 60 s for this caller) used up"
    }
    # the other key's budget is its own
    other = _check(server.base, _many_domains("srvother", 60), KEYS[1])
    assert other["dns"]["status"] == "ok"
    assert not any(f["id"] == "DNS_BUDGET" for f in other["findings"])
