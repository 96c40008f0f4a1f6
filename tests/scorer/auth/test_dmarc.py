"""DMARC records, discovery through the test DNS server, alignment and the result."""

from __future__ import annotations

import time

import pytest

from scorer.auth import dmarc
from scorer.dns import Resolver


@pytest.fixture
def session(dns_server):
    dns_server.zones.update(
        {
            "_dmarc.org-test.example": [
                {"TXT": "v=DMARC1; p=reject; sp=quarantine; rua=mailto:d@org-test.example"}
            ],
            "deep.sub.org-test.example": [{"A": "192.0.2.1"}],
            "_dmarc.two-test.example": [{"TXT": "v=DMARC1; p=none"}, {"TXT": "v=DMARC1; p=reject"}],
        }
    )
    resolver = Resolver([dns_server.address], timeout_ms=300)
    return resolver.session(deadline=time.monotonic() + 5, max_queries=100)


def test_record_defaults_and_warnings():
    record = dmarc.parse_record("v=DMARC1; p=quarantine")
    assert (record.p, record.sp, record.np, record.adkim, record.aspf) == (
        "quarantine",
        "quarantine",
        "quarantine",
        "r",
        "r",
    )
    assert (record.psd, record.t, record.pct, record.test_mode) == ("u", "n", None, False)
    assert any("rua" in w for w in record.warnings)


@pytest.mark.parametrize("tag", ["pct=150", "pct=abc", "rf=invalid", "ri=abc", "pct=50"])
def test_removed_tags_are_notes_under_rfc9989_and_errors_or_values_under_rfc7489(tag):
    record = dmarc.parse_record(f"v=DMARC1; p=reject; {tag}")
    name = tag.split("=")[0]
    assert record.removed_tags == (name,)
    assert any("removed in RFC 9989" in w for w in record.warnings)
    if tag == "pct=50":
        assert dmarc.parse_record(f"v=DMARC1; p=reject; {tag}", spec=dmarc.RFC7489).pct == 50
    else:
        with pytest.raises(dmarc.DmarcRecordError):
            dmarc.parse_record(f"v=DMARC1; p=reject; {tag}", spec=dmarc.RFC7489)


def test_test_mode_applies_the_policy_one_level_down():
    record = dmarc.parse_record("v=DMARC1; p=reject; t=y")
    assert record.test_mode and record.applied("reject") == "quarantine"
    assert record.applied("quarantine") == "none" and record.applied("none") == "none"
    old = dmarc.parse_record("v=DMARC1; p=reject; t=y", spec=dmarc.RFC7489)
    assert not old.test_mode and any("RFC 7489 receivers ignore" in w for w in old.warnings)


def test_a_bad_policy_with_rua_is_an_error_that_rfc9989_reads_as_none():
    with pytest.raises(dmarc.DmarcRecordError) as caught:
        dmarc.parse_record("v=DMARC1; p=foo; rua=mailto:d@example.com")
    assert caught.value.reads_as_none and "p=none" in str(caught.value)
    with pytest.raises(dmarc.DmarcRecordError) as caught:
        dmarc.parse_record("v=DMARC1; p=reject; np=invalid")
    assert not caught.value.reads_as_none


@pytest.mark.parametrize(
    "text",
    [
        "v=DMARC1; p=bogus",
        "v=DMARC1; p",
        "p=none; v=DMARC1",
        "v=DMARC1; p=none; p=reject",
        "v=spf1 -all",
        "",
    ],
)
def test_unusable_records(text):
    with pytest.raises(dmarc.DmarcRecordError):
        dmarc.parse_record(text)


def test_missing_p_with_rua_reads_as_none():
    record = dmarc.parse_record("v=DMARC1; rua=mailto:a@example.com")
    assert record.p == "none"


def test_discovery_uses_the_org_domain_and_sp(session):
    lookup = dmarc.discover(session, "deep.sub.org-test.example")
    assert (lookup.status, lookup.source, lookup.policy_domain) == (
        "found",
        "org",
        "org-test.example",
    )
    assert lookup.policy == "quarantine"


@pytest.mark.parametrize(
    ("domain", "status"),
    [
        ("good.example", "found"),
        ("nospf.example", "none"),
        ("dmarcbad.example", "permerror"),
        ("two-test.example", "permerror"),
        ("servfail.example", "temperror"),
    ],
)
def test_discovery_status(session, domain, status):
    assert dmarc.discover(session, domain).status == status


def test_result_needs_an_aligned_pass(session):
    lookup = dmarc.discover(session, "good.example")
    by_dkim = dmarc.evaluate(
        lookup, spf_result=None, spf_domain=None, dkim_pass_domains=["mail.good.example"]
    )
    assert by_dkim.result == "pass" and by_dkim.dkim_aligned
    by_spf = dmarc.evaluate(
        lookup, spf_result="pass", spf_domain="bounce.good.example", dkim_pass_domains=[]
    )
    assert by_spf.result == "pass" and by_spf.spf_aligned
    unaligned = dmarc.evaluate(
        lookup, spf_result="pass", spf_domain="esp.example", dkim_pass_domains=["esp.example"]
    )
    assert unaligned.result == "fail" and unaligned.policy == "reject"
    unknown = dmarc.evaluate(lookup, spf_result=None, spf_domain=None, dkim_pass_domains=[])
    assert unknown.result == "unknown"


def test_strict_alignment():
    assert dmarc.aligned("mail.good.example", "good.example", "r")
    assert not dmarc.aligned("mail.good.example", "good.example", "s")
    assert dmarc.aligned("a.example.co.jp", "b.example.co.jp", "r")
    assert not dmarc.aligned("a.co.jp", "b.co.jp", "r")


def test_np_applies_to_a_subdomain_that_does_not_exist(dns_server, session):
    dns_server.zones.update(
        {
            "_dmarc.np-test.example": [{"TXT": "v=DMARC1; p=none; sp=quarantine; np=reject"}],
            "real.np-test.example": [{"A": "192.0.2.1"}],
        }
    )
    assert dmarc.discover(session, "ghost.np-test.example").policy == "reject"
    assert dmarc.discover(session, "real.np-test.example").policy == "quarantine"
