"""A caller's DNS budget across messages (issue 14, DNS amplification): the test DNS server on
127.0.0.1 counts the queries that reach it, and one caller's messages never make more than its
allowance; past it the DNS checks are "not checked: DNS budget" with a DNS_BUDGET finding."""

from __future__ import annotations

from scorer.compose import compose_message
from scorer.dnsbudget import FixedAllowance


def _many_domains(tag: str, count: int) -> bytes:
    """A message that names `count` domains of its choosing (links and its From domain)."""
    links = "".join(f'<a href="https://{tag}-{i}.net/x">offer {i}</a> ' for i in range(count))
    return compose_message(
        from_=f"Deals <deals@{tag}.net>", subject="Offers", html=f"<p>{links}</p>"
    )


def test_one_caller_cannot_exceed_its_dns_allowance(network_engine, dns_server):
    network_engine.analyze(_many_domains("warm", 1))  # the resolver sanity check, once
    allowance = FixedAllowance(500)
    before = dns_server.zones.queries
    reports = [
        network_engine.analyze(_many_domains(f"amp{n}", 60), dns_allowance=allowance)
        for n in range(12)
    ]
    sent = dns_server.zones.queries - before
    assert 0 < sent <= 500, sent
    assert allowance.left >= 0
    budgeted = [r for r in reports if "DNS_BUDGET" in r.finding_ids()]
    assert budgeted, "the allowance was never used up"
    last = budgeted[-1]
    skipped = {s.check: s.code for s in last.skipped}
    assert all(skipped.get(name) == "dns_budget" for name in ("spf", "mx", "uribl", "dmarc"))
    data = last.to_dict("en")
    assert data["dns"]["status"] == "budget" and "DNS budget" in data["dns"]["message"]
    texts = {s["check"]: s["text"] for s in data["skipped"]}
    assert texts["uribl"].startswith("not checked: DNS budget (500 queries per 60 s")
    ja = last.to_dict("ja")
    assert "DNS 参照の上限" in {s["check"]: s["text"] for s in ja["skipped"]}["uribl"]
    # the per-message cap is what a message reserves; what it did not use went back
    assert reports[0].to_dict()["dns"]["status"] == "ok"


def test_an_unused_reservation_is_given_back(network_engine):
    allowance = FixedAllowance(1_000)
    report = network_engine.analyze(_many_domains("giveback", 2), dns_allowance=allowance)
    assert "DNS_BUDGET" not in report.finding_ids()
    used = 1_000 - allowance.left
    assert 0 < used < network_engine.settings.limits.max_dns_queries


def test_a_spent_budget_sends_no_query_at_all(network_engine, dns_server):
    network_engine.analyze(_many_domains("warm2", 1))
    before = dns_server.zones.queries
    report = network_engine.analyze(_many_domains("spent", 30), dns_allowance=FixedAllowance(0))
    assert dns_server.zones.queries == before
    finding = report.get("DNS_BUDGET")
    assert finding is not None and finding.score == 0
    assert report.verdict in ("spam", "not_spam")  # not checked is not a limit of reading
