"""SPF through pyspf and our resolver session, against the test DNS server."""

from __future__ import annotations

import threading
import time

import pytest

from scorer.auth import spf
from scorer.dns import Resolver


@pytest.fixture
def session(dns_server):
    resolver = Resolver([dns_server.address], timeout_ms=300)
    return resolver.session(deadline=time.monotonic() + 5, max_queries=200)


@pytest.mark.parametrize(
    ("ip", "domain", "result"),
    [
        ("192.0.2.1", "good.example", "pass"),
        ("203.0.113.9", "good.example", "fail"),
        ("192.0.2.1", "softfail.example", "softfail"),
        ("192.0.2.1", "neutral.example", "neutral"),
        ("192.0.2.1", "nospf.example", "none"),
        ("192.0.2.1", "twospf.example", "permerror"),
        ("192.0.2.1", "servfail.example", "temperror"),
        ("2001:db8::1", "good.example", "fail"),
    ],
)
def test_check_host(session, ip, domain, result):
    outcome = spf.check_host(session, ip, f"bounce@{domain}", "mail.example")
    assert outcome.result == result
    assert outcome.domain == domain


def test_null_sender_uses_helo(session):
    assert spf.check_host(session, "192.0.2.1", "", "good.example").result == "pass"


def test_record_costs_name_the_expensive_terms(session):
    report = spf.analyse_record(session, "manyincludes.example")
    assert report.status == "ok"
    assert report.lookups == 11 and report.too_many_lookups
    assert [c.lookups for c in report.costs] == [1] * 11
    assert report.costs[0].term == "include:i1.manyincludes.example"


def test_void_lookups_are_counted(session):
    report = spf.analyse_record(session, "void.example")
    assert report.void_lookups == 3 and report.too_many_void_lookups
    assert report.void_names == ["nx1.void.example", "nx2.void.example", "nx3.void.example"]


@pytest.mark.parametrize(
    ("domain", "status", "qualifier"),
    [
        ("good.example", "ok", "-"),
        ("plusall.example", "ok", "+"),
        ("neutral.example", "ok", "?"),
        ("nospf.example", "none", None),
        ("twospf.example", "permerror", None),
        ("badspf.example", "permerror", None),
    ],
)
def test_record_status(session, domain, status, qualifier):
    report = spf.analyse_record(session, domain)
    assert report.status == status
    assert report.all_qualifier == qualifier


def test_include_costs_add_up(dns_server, session):
    dns_server.zones.update(
        {
            "nested.spf-test.example": [{"TXT": "v=spf1 include:a.spf-test.example mx -all"}],
            "a.spf-test.example": [{"TXT": "v=spf1 include:b.spf-test.example a ip4:192.0.2.0/24"}],
            "b.spf-test.example": [{"TXT": "v=spf1 ip4:198.51.100.0/24 ?all"}, {"A": "192.0.2.5"}],
        }
    )
    report = spf.analyse_record(session, "nested.spf-test.example")
    assert {c.term: c.lookups for c in report.costs} == {
        "include:a.spf-test.example": 3,
        "mx": 1,
    }
    assert report.lookups == 4


def test_timeout_is_temperror_not_none(dns_server):
    resolver = Resolver([dns_server.address], timeout_ms=200)
    session = resolver.session(deadline=time.monotonic() + 1, max_queries=50)
    started = time.monotonic()
    assert spf.analyse_record(session, "slow.example").status == "temperror"
    assert spf.check_host(session, "192.0.2.1", "a@slow.example", None).result == "temperror"
    assert time.monotonic() - started < 1.0


def test_concurrent_sessions_do_not_mix(dns_server):
    resolver = Resolver([dns_server.address], timeout_ms=300)
    results: dict[int, str] = {}

    def work(index: int) -> None:
        session = resolver.session(deadline=time.monotonic() + 5, max_queries=50)
        domain = "good.example" if index % 2 else "fail.example"
        results[index] = spf.check_host(session, "192.0.2.1", f"x@{domain}", None).result

    threads = [threading.Thread(target=work, args=(i,)) for i in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == {i: ("pass" if i % 2 else "fail") for i in range(12)}
