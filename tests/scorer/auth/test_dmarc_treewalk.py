"""RFC 9989 tree walk on the test DNS server, one case per example of the RFC text."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
import yaml

from scorer.auth import dmarc
from scorer.dns import Resolver
from tests.support.dns_server import DNSTestServer

SCENARIOS = yaml.safe_load(
    (Path(__file__).parents[2] / "data" / "dmarcbis" / "treewalk.yaml").read_text(encoding="utf-8")
)
CASES = [
    pytest.param(scenario, case, id=f"{scenario['rfc']}: {case['domain']}")
    for scenario in SCENARIOS
    for case in scenario["cases"]
]


@pytest.fixture(scope="module")
def server():
    with DNSTestServer() as running:
        yield running


def _session(server: DNSTestServer, zones: dict) -> object:
    server.zones.replace(zones)
    resolver = Resolver([server.address], timeout_ms=400)
    return resolver.session(deadline=time.monotonic() + 5, max_queries=100)


@pytest.mark.parametrize(("scenario", "case"), CASES)
def test_tree_walk_matches_the_rfc_example(server, scenario, case):
    session = _session(server, scenario["zones"])
    lookup = dmarc.discover(session, case["domain"])
    assert lookup.status == "found", (lookup.status, lookup.error)
    if "org" in case:
        assert lookup.org_domain == case["org"]
        assert dmarc.organizational_domain(session, case["domain"]) == case["org"]
    if "policy_domain" in case:
        assert (lookup.policy_domain, lookup.source) == (case["policy_domain"], case["source"])
    if "policy" in case:
        assert lookup.policy == case["policy"]
    if "applied" in case:
        assert lookup.applied_policy == case["applied"]
        assert lookup.enforcing is case["enforcing"]
    if "nonexistent" in case:
        assert lookup.nonexistent is case["nonexistent"]
    if "queries" in case:
        assert lookup.walk is not None
        assert [step.name for step in lookup.walk.steps] == case["queries"]
    if "rfc7489_org" in case:
        assert lookup.rfc7489 is not None and lookup.rfc7489.org_domain == case["rfc7489_org"]
        assert any("organisational domain" in d for d in dmarc.differences(lookup))


def test_walk_never_queries_more_than_eight_names():
    names = dmarc.walk_targets(".".join(f"l{i}" for i in range(30)) + ".example")
    assert len(names) == dmarc.MAX_WALK_QUERIES
    assert names[1].count(".") == 6 and names[-1] == "example"


def test_relaxed_alignment_follows_the_tree_walk(server):
    """B.4.3: SPF at mail.giant.bank.example aligns with giant.bank.example; DKIM at
    mail.mega.bank.example does not (its organisational domain is mega.bank.example)."""
    scenario = next(s for s in SCENARIOS if s["rfc"].endswith("B.4.3"))
    session = _session(server, scenario["zones"])
    lookup = dmarc.discover(session, "giant.bank.example")

    def org_of(name: str) -> str:
        return dmarc.organizational_domain(session, name)

    verdict = dmarc.evaluate(
        lookup,
        spf_result="pass",
        spf_domain="mail.giant.bank.example",
        dkim_pass_domains=["mail.mega.bank.example"],
        org_of=org_of,
    )
    assert verdict.result == "pass" and verdict.spf_aligned and not verdict.dkim_aligned
    # The public-suffix list does not know bank.example is a suffix: RFC 7489 would align both.
    assert dmarc.aligned("mail.mega.bank.example", "giant.bank.example", "r")


def test_a_dns_failure_anywhere_in_the_walk_is_temperror(server):
    session = _session(
        server,
        {
            "_dmarc.sub.flaky.example": [{"TXT": "v=DMARC1; p=reject"}],
            "_dmarc.flaky.example": ["SERVFAIL"],
        },
    )
    lookup = dmarc.discover(session, "sub.flaky.example")
    assert lookup.status == "temperror" and "SERVFAIL" in lookup.error


def test_rfc7489_and_rfc9989_differ_on_pct_and_test_mode(server):
    session = _session(
        server,
        {
            "_dmarc.pct.example": [{"TXT": "v=DMARC1; p=reject; pct=25"}],
            "_dmarc.trial.example": [{"TXT": "v=DMARC1; p=reject; t=y"}],
        },
    )
    pct = dmarc.differences(dmarc.discover(session, "pct.example"))
    assert any("pct=25" in d and "25%" in d for d in pct)
    trial = dmarc.differences(dmarc.discover(session, "trial.example"))
    assert any("t=y" in d and "quarantine" in d for d in trial)
