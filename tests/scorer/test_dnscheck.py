"""The resolver sanity check against real DNS servers on 127.0.0.1: one that answers NXDOMAIN
for every name, one that never answers, one that answers for names that cannot exist, and the
project's test server (correct). A resolver that fails the check turns every DNS check into
"not checked" with a `dns` section; it never becomes findings."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest

from scorer.compose import compose_message
from scorer.dns import Resolver
from scorer.dnscheck import ResolverCheck
from scorer.pipeline import Engine
from scorer.report import Report
from scorer.settings import Limits, Settings
from tests.conftest import network_settings
from tests.support.dns_server import DNSTestServer

# a one-line note from a real freemail address: with a lying resolver it became four findings
NOTE = compose_message(
    from_="Anna <anna.example.user@gmail.com>",
    to="bob@example.org",
    subject="Lunch on Friday?",
    text="Hi Bob, are we still on for lunch on Friday? Anna\n",
)
DELIVERY = {"sender_ip": "192.0.2.1", "mail_from": "anna.example.user@gmail.com"}


def _engine(address: str, **settings: object) -> Engine:
    limits = Limits().replace(dns_timeout_ms=300, dns_deadline_ms=2_000)
    return Engine(Settings(nameservers=(address,), limits=limits, **settings))


@pytest.fixture(scope="module")
def nxdomain_server() -> Iterator[DNSTestServer]:
    """Answers NXDOMAIN for every name (what a captive portal or broken VPN resolver does)."""
    with DNSTestServer({}) as server:
        yield server


@pytest.fixture(scope="module")
def silent_server() -> Iterator[str]:
    """A UDP port on loopback that receives queries and never answers."""
    silent = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    silent.bind(("127.0.0.1", 0))
    yield f"127.0.0.1:{silent.getsockname()[1]}"
    silent.close()


@pytest.fixture(scope="module")
def rewriting_server() -> Iterator[DNSTestServer]:
    """Resolves real names but answers for names that cannot exist (NXDOMAIN rewriting)."""
    zones = {
        "example.com": [{"A": "192.0.2.10"}],
        "*.invalid": [{"A": "198.51.100.80"}],
        "*.com": [{"A": "198.51.100.80"}],
    }
    with DNSTestServer(zones) as server:
        yield server


def _network_ids(report: Report) -> set[str]:
    rules = report.rules
    assert rules is not None
    return {f.id for f in report.findings if rules.get(f.id).network}  # type: ignore[union-attr]


def _assert_not_checked(report: Report, problem: str) -> None:
    data = report.to_dict("en")
    assert data["dns"]["status"] == "untrusted" and data["dns"]["problem"] == problem
    assert "not answering" in data["dns"]["message"] or "names" in data["dns"]["message"]
    assert _network_ids(report) == set()  # no network finding, scored or not
    skipped = {s["check"]: s for s in data["skipped"]}
    for check in ("spf", "dkim", "dmarc", "mx", "dnsbl", "rdns", "uribl", "bimi"):
        assert skipped[check]["code"] == "dns_untrusted", check
        assert skipped[check]["text"] == "not checked: the DNS resolver is not answering correctly"
    ja = report.to_dict("ja")
    assert ja["dns"]["message"].startswith("ネットワークのチェックは実行していません")
    assert {s["text"] for s in ja["skipped"] if s["code"] == "dns_untrusted"} == {
        "未確認: DNS リゾルバーが正しく応答していません"
    }
    rows = {r["id"]: r for r in data["requirements"]}
    assert rows["gmail.spf"]["status"] == "unknown"
    assert (
        rows["gmail.spf"]["detail"] == "Not checked: the DNS resolver is not answering correctly."
    )


def _analyze_once(address: str) -> Report:
    engine = _engine(address)
    try:
        return engine.analyze(NOTE, delivery=DELIVERY)
    finally:
        engine.close()


def test_a_resolver_answering_nxdomain_for_everything_is_not_trusted(nxdomain_server):
    report = _analyze_once(nxdomain_server.address)
    _assert_not_checked(report, "denies_existing")
    assert report.score < report.threshold  # a note from gmail.com is not spam
    assert "DNS_FROM_NXDOMAIN" not in report.finding_ids()


def test_a_resolver_that_never_answers_is_not_trusted_and_costs_one_timeout(silent_server):
    import time

    engine = _engine(silent_server)
    try:
        started = time.monotonic()
        report = engine.analyze(NOTE, delivery=DELIVERY)
        first_ms = (time.monotonic() - started) * 1000
        check = engine.resolver_check
        assert check.store.get(check.key()) is not None  # kept for the next messages
        started = time.monotonic()
        again = engine.analyze(NOTE, delivery=DELIVERY)
        second_ms = (time.monotonic() - started) * 1000
    finally:
        engine.close()
    _assert_not_checked(report, "no_answer")
    _assert_not_checked(again, "no_answer")
    # the probe waits one query timeout (300 ms), not the 2 s DNS deadline of the message;
    # the next message reuses its outcome and waits for nothing
    assert first_ms < 2_000, first_ms
    assert second_ms < first_ms, (first_ms, second_ms)


def test_a_resolver_that_rewrites_nxdomain_is_not_trusted(rewriting_server):
    report = _analyze_once(rewriting_server.address)
    _assert_not_checked(report, "answers_missing")
    assert "198.51.100.80" in report.to_dict()["dns"]["detail"]


def test_a_correct_server_gives_the_normal_findings(dns_server):
    engine = Engine(network_settings(dns_server))
    raw = compose_message(from_="Good <news@good.example>", text="Our monthly news.\n")
    try:
        report = engine.analyze(
            raw, delivery={"sender_ip": "192.0.2.1", "mail_from": "bounce@good.example"}
        )
    finally:
        engine.close()
    data = report.to_dict()
    assert data["dns"]["status"] == "ok"
    assert {"SPF_PASS", "DMARC_MISSING"} & set(report.finding_ids()) == {"SPF_PASS"}
    assert not any(s["code"] == "dns_untrusted" for s in data["skipped"])


def test_the_check_is_cached_and_asks_again_after_its_time(nxdomain_server):
    resolver = Resolver([nxdomain_server.address], timeout_ms=300)
    check = ResolverCheck(resolver, ttl_s=60)
    try:
        before = nxdomain_server.zones.queries
        first = check.status(lifetime=1.0)
        assert not first.trusted and first.problem == "denies_existing"
        assert nxdomain_server.zones.queries == before + 2  # the two probe names
        assert check.status(lifetime=1.0) is first  # from the store: no query
        assert nxdomain_server.zones.queries == before + 2
        check.store.put(check.key(), first, ttl_s=-1)  # expired
        assert check.status(lifetime=1.0) is not first
        assert nxdomain_server.zones.queries == before + 4
    finally:
        resolver.close()


def test_the_probe_names_are_settings_and_empty_names_switch_it_off(nxdomain_server):
    settings = Settings.from_env(
        {
            "SPAMSCORE_NAMESERVERS": nxdomain_server.address,
            "SPAMSCORE_DNS_CHECK_NAME": "",
            "SPAMSCORE_DNS_CHECK_ABSENT_NAME": "",
        }
    )
    assert settings.dns_check_name == "" and settings.dns_check_absent_name == ""
    engine = Engine(settings.replace(limits=Limits().replace(dns_timeout_ms=300)))
    try:
        report = engine.analyze(NOTE)
    finally:
        engine.close()
    # unchecked, the lying resolver's NXDOMAIN becomes the one finding about the domain
    assert report.to_dict()["dns"]["status"] == "ok"
    assert "DNS_FROM_NXDOMAIN" in report.finding_ids()
    with pytest.raises(Exception, match="not a DNS name"):
        Settings.from_env({"SPAMSCORE_DNS_CHECK_NAME": "bad..name"})


def test_one_cause_one_finding_when_the_from_domain_does_not_exist(dns_server):
    """NXDOMAIN for a registrable From domain is DNS_FROM_NXDOMAIN alone; SPF, DMARC and BIMI
    say why they did not judge; a name with no public suffix stays HDR_FROM_DOMAIN_INVALID."""
    engine = Engine(network_settings(dns_server))
    try:
        typo = engine.analyze(compose_message(from_="Shop <news@no-such-shop-4f2a.com>"))
        placeholder = engine.analyze(compose_message(from_="Shop <news@nothing-here.example>"))
    finally:
        engine.close()
    ids = set(typo.finding_ids())
    assert "DNS_FROM_NXDOMAIN" in ids
    assert not ids & {"SPF_NONE", "DMARC_MISSING", "DNS_FROM_NO_MX", "HDR_FROM_DOMAIN_INVALID"}
    skipped = {s.check: s.code for s in typo.skipped}
    assert skipped["spf"] == skipped["dmarc"] == skipped["bimi"] == "from_domain_missing"
    fixes = typo.to_dict()["fixes"]
    from_fix = [f for f in fixes if f["cause"] == "from_domain"]
    assert len(from_fix) == 1 and "DNS_FROM_NXDOMAIN" in from_fix[0]["ids"]
    rows = {r["id"]: r for r in typo.to_dict()["requirements"]}
    assert rows["gmail.dmarc"]["outcome"] == "from.nxdomain"
    assert rows["gmail.dmarc"]["cause"] == "from_domain"
    ids = set(placeholder.finding_ids())
    assert "HDR_FROM_DOMAIN_INVALID" in ids
    assert not ids & {"DNS_FROM_NXDOMAIN", "SPF_NONE", "DMARC_MISSING", "DNS_FROM_NO_MX"}
    assert {s.check: s.code for s in placeholder.skipped}["mx"] == "from_domain_invalid"
