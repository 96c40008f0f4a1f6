"""Blocklists through the pipeline: listings, "resolver blocked" codes, failures, the deadline."""

from __future__ import annotations

import socket
import time

import pytest

from scorer.checks import blocklists
from scorer.compose import compose_message
from scorer.dnsbl import parse_zones
from scorer.errors import RuleError
from scorer.pipeline import Engine
from scorer.rules import load_rules
from scorer.settings import Limits, Settings


def test_zone_data_loads_and_names_blocked_codes():
    zones = load_rules().lists.zones
    ip_zones, domain_zones = zones.ip, zones.domain
    assert {z.zone for z in ip_zones} >= {"zen.spamhaus.org", "bl.spamcop.net"}
    zen = next(z for z in ip_zones if z.zone == "zen.spamhaus.org")
    assert zen.classify("127.255.255.254").kind == "blocked"
    assert zen.classify("127.0.0.11").rank == 1
    uribl = next(z for z in domain_zones if z.zone == "multi.uribl.com")
    assert uribl.classify("127.0.0.1").kind == "blocked"
    assert uribl.classify("127.0.0.14").kind == "listed"  # black+grey+red bits
    assert zen.classify("10.0.0.1") is None


def test_bad_zone_data_is_refused():
    data = {
        "ip_zones": [{"zone": "x.example", "codes": [{"code": "127.0.0.2"}]}],
        "domain_zones": [{"zone": "y.example", "codes": []}],
    }
    with pytest.raises(RuleError):
        parse_zones(data)


@pytest.mark.parametrize(
    ("ip", "label"),
    [
        ("192.0.2.66", "66.2.0.192"),
        ("2001:db8::1", "1." + "0." * 23 + "8.b.d.0.1.0.0.2"),
        ("not an ip", None),
    ],
)
def test_reversed_ip(ip, label):
    assert blocklists.reversed_ip(ip) == label


def test_listed_ip_evidence_names_zone_and_code(network_engine):
    report = network_engine.analyze(
        compose_message(from_="Good <news@good.example>"), delivery={"sender_ip": "192.0.2.66"}
    )
    finding = report.get("RBL_LISTED")
    assert finding is not None and finding.score == 4.0
    assert any(
        "zen.spamhaus.org" in e and "127.0.0.2" in e and "192.0.2.66" in e for e in finding.evidence
    )
    assert any("bl.spamcop.net" in e for e in finding.evidence)


def test_blocked_resolver_is_never_a_listing(network_engine):
    report = network_engine.analyze(
        compose_message(
            from_="Good <news@good.example>", text="https://refused-resolver.example/a"
        ),
        delivery={"sender_ip": "192.0.2.67"},
    )
    ids = report.finding_ids()
    assert "RBL_BLOCKED" in ids and "URIBL_BLOCKED" in ids
    assert "RBL_LISTED" not in ids and "URIBL_LISTED" not in ids
    assert report.get("RBL_BLOCKED").score == 0
    advice = report.to_dict("en")["findings"]
    assert any("SPAMSCORE_NAMESERVERS" in f["advice"] for f in advice if f["id"] == "RBL_BLOCKED")


def test_link_domain_listing(network_engine):
    report = network_engine.analyze(
        compose_message(
            from_="Good <news@good.example>",
            text="a https://www.spammy-links.example/x b https://good.example/y",
        )
    )
    finding = report.get("URIBL_LISTED")
    assert finding is not None
    assert any("dbl.spamhaus.org" in e and "127.0.1.2" in e for e in finding.evidence)
    assert "good.example" not in finding.params["items"]


def test_forty_link_domains_and_a_silent_nameserver_finish_within_the_deadline():
    """The per-message DNS deadline on its own (the resolver sanity check, which would stop
    this message before its first query, is switched off here; tests/scorer/test_dnscheck.py
    covers it)."""
    silent = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    silent.bind(("127.0.0.1", 0))
    deadline_ms = 2_000
    settings = Settings(
        nameservers=(f"127.0.0.1:{silent.getsockname()[1]}",),
        limits=Limits().replace(dns_deadline_ms=deadline_ms, dns_timeout_ms=1_500),
        dns_check_name="",
        dns_check_absent_name="",
    )
    engine = Engine(settings)
    links = " ".join(f"https://www.shop{i}.example/offer" for i in range(40))
    raw = compose_message(from_="Shop <news@shop0.example>", text=links)
    try:
        started = time.monotonic()
        report = engine.analyze(
            raw, delivery={"sender_ip": "192.0.2.1", "mail_from": "b@shop0.example"}
        )
        elapsed_ms = (time.monotonic() - started) * 1000
    finally:
        engine.close()
        silent.close()
    assert elapsed_ms < deadline_ms + 500, f"took {elapsed_ms:.0f} ms, deadline {deadline_ms} ms"
    ids = set(report.finding_ids())
    assert {"URIBL_TEMPERROR", "RBL_TEMPERROR", "SPF_TEMPERROR", "DMARC_TEMPERROR"} <= ids
    assert not ids & {"URIBL_LISTED", "RBL_LISTED", "SPF_NONE", "DMARC_MISSING"}
    assert "LIMIT_TIME_BUDGET" not in ids
