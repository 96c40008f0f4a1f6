"""scorer.dns against the real test DNS server on 127.0.0.1 (a high port, UDP and TCP)."""

from __future__ import annotations

import socket
import time

import pytest

from scorer.dns import Nameserver, Resolver, parse_nameserver
from scorer.errors import SettingsError
from scorer.settings import Settings
from tests.support.dns_server import DNSTestServer


def _session(resolver: Resolver, seconds: float = 5.0, queries: int = 100):
    return resolver.session(deadline=time.monotonic() + seconds, max_queries=queries)


@pytest.fixture
def resolver(dns_server):
    resolver = Resolver([dns_server.address], timeout_ms=300)
    yield resolver
    resolver.close()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("127.0.0.1", Nameserver("127.0.0.1", 53)),
        ("127.0.0.1:5353", Nameserver("127.0.0.1", 5353)),
        ("[::1]:5353", Nameserver("::1", 5353)),
        ("::1", Nameserver("::1", 53)),
        ("localhost:1053", Nameserver("127.0.0.1", 1053)),
    ],
)
def test_nameserver_forms(text, expected):
    assert parse_nameserver(text) == expected


@pytest.mark.parametrize("text", ["127.0.0.1:0", "127.0.0.1:99999", "127.0.0.1:x", "", "[::1]x"])
def test_bad_nameserver_is_a_settings_error(text):
    with pytest.raises(SettingsError):
        parse_nameserver(text)


def test_settings_from_environment_reach_the_resolver(dns_server):
    settings = Settings.from_env(
        {"SPAMSCORE_NAMESERVERS": dns_server.address, "SPAMSCORE_DNS_TIMEOUT_MS": "250"}
    )
    resolver = Resolver.from_settings(settings)
    assert resolver.nameservers == (Nameserver("127.0.0.1", dns_server.port),)
    assert resolver.timeout == 0.25
    answer = _session(resolver).lookup("good.example", "TXT")
    assert answer.ok and answer.texts() == ["v=spf1 ip4:192.0.2.0/24 -all"]


def test_answers_by_type(resolver):
    session = _session(resolver)
    assert session.lookup("good.example", "A").records == ("192.0.2.10",)
    assert session.lookup("good.example", "MX").records == ((10, "mx.good.example"),)
    assert session.ptr("192.0.2.1").records == ("mail.good.example",)
    assert session.lookup("good.example", "AAAA").status == "nodata"
    assert session.lookup("missing.good.example", "A").status == "nxdomain"
    assert session.lookup("bad..name", "A").status == "invalid"


def test_answers_are_cached_across_sessions_with_their_ttl(resolver, dns_server):
    before = dns_server.zones.queries
    first = _session(resolver).lookup("fail.example", "TXT")
    second = _session(resolver).lookup("fail.example", "TXT")
    assert not first.cached and second.cached
    assert second.records == first.records
    assert dns_server.zones.queries == before + 1


def test_cache_is_bounded(dns_server):
    resolver = Resolver([dns_server.address], timeout_ms=300, cache_entries=2)
    session = _session(resolver)
    for name in ("good.example", "fail.example", "softfail.example"):
        session.lookup(name, "TXT")
    assert len(resolver.cache) == 2


def test_timeout_is_a_temperror_within_the_query_timeout(resolver):
    started = time.monotonic()
    answer = _session(resolver).lookup("slow.example", "TXT")
    elapsed = time.monotonic() - started
    assert answer.temperror and "timed out" in answer.error
    assert elapsed < 0.3 + 0.3


def test_servfail_is_a_temperror(resolver):
    answer = _session(resolver).lookup("servfail.example", "TXT")
    assert answer.temperror and "SERVFAIL" in answer.error


def test_no_query_after_the_deadline(resolver, dns_server):
    session = resolver.session(deadline=time.monotonic() - 1, max_queries=10)
    before = dns_server.zones.queries
    answer = session.lookup("neutral.example", "TXT")
    assert answer.temperror and "deadline" in answer.error
    assert dns_server.zones.queries == before


def test_query_cap(resolver):
    session = _session(resolver, queries=2)
    assert session.lookup("good.example", "A").ok
    assert session.lookup("good.example", "MX").ok
    answer = session.lookup("good.example", "TXT")
    assert answer.temperror and "limit of 2" in answer.error
    assert session.lookup("good.example", "A").ok  # asked before: answered from the session


def test_lookups_run_in_parallel_and_end_by_the_deadline(resolver):
    session = _session(resolver, seconds=0.8)
    names = [(f"n{i}.slow.example", "A") for i in range(12)]
    started = time.monotonic()
    answers = session.lookup_many(names)
    elapsed = time.monotonic() - started
    assert all(a.temperror for a in answers)
    assert elapsed < 0.8 + 0.3  # 12 sequential timeouts would take 3.6 s


def test_large_answers_fall_back_to_tcp(dns_server, resolver):
    dns_server.zones.update(
        {"big.dns-test.example": [{"TXT": "x" * 400 + str(i)} for i in range(8)]}
    )
    answer = _session(resolver).lookup("big.dns-test.example", "TXT")
    assert answer.ok and len(answer.records) == 8


def test_offline_resolver_asks_nobody(dns_server):
    resolver = Resolver([dns_server.address], offline=True)
    answer = _session(resolver).lookup("good.example", "A")
    assert answer.temperror and answer.error == "offline"


def test_unresponsive_server_gives_temperror():
    silent = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    silent.bind(("127.0.0.1", 0))
    try:
        resolver = Resolver([f"127.0.0.1:{silent.getsockname()[1]}"], timeout_ms=200)
        answer = _session(resolver).lookup("good.example", "A")
        assert answer.temperror
    finally:
        silent.close()


def test_standalone_server_serves_zone_files(tmp_path):
    zone = tmp_path / "zone.yaml"
    zone.write_text("solo.example:\n  - A: 192.0.2.44\n", encoding="utf-8")
    from tests.support.dns_server import load_zone_files

    with DNSTestServer(load_zone_files([zone])) as server:
        resolver = Resolver([server.address], timeout_ms=300)
        assert _session(resolver).lookup("solo.example", "A").records == ("192.0.2.44",)
