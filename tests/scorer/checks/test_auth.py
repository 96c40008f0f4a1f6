"""The authentication checks through the whole pipeline and the CLI, against the test DNS server."""

from __future__ import annotations

import json
import time

import pytest

from scorer.cli import main
from scorer.compose import compose_message
from scorer.pipeline import Engine
from tests.conftest import MESSAGES, network_settings
from tests.support.dkim_keys import rsa_key, sign

UNSUB = {
    "List-Unsubscribe": "<https://example.com/u/1>",
    "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
}
SIGNED = [
    "From",
    "To",
    "Subject",
    "Date",
    "Message-ID",
    "List-Unsubscribe",
    "List-Unsubscribe-Post",
]


@pytest.fixture(scope="module")
def cli_message(dns_server, tmp_path_factory):
    """A message from example.com signed with a key made now and published on the server."""
    key = rsa_key(2048)
    dns_server.zones.update({"clitest._domainkey.example.com": [{"TXT": key.record}]})
    raw = compose_message(
        from_="Shop <news@example.com>", headers=UNSUB, message_id="<cli-1@example.com>"
    )
    path = tmp_path_factory.mktemp("cli") / "msg.eml"
    path.write_bytes(sign(raw, key, selector="clitest", domain="example.com", headers=SIGNED))
    return path


def test_cli_reports_spf_dkim_dmarc_and_requirements(dns_server, cli_message, capsys):
    code = main(
        [
            "check",
            "--json",
            "--sender-ip",
            "192.0.2.1",
            "--mail-from",
            "a@example.com",
            str(cli_message),
            "--nameserver",
            dns_server.address,
        ]
    )
    data = json.loads(capsys.readouterr().out)
    ids = {f["id"] for f in data["findings"]}
    assert {"SPF_PASS", "DKIM_VALID", "DMARC_PASS"} <= ids
    assert not ids & {"SPF_FAIL", "DKIM_INVALID", "DMARC_FAIL", "RDNS_NONE", "RBL_LISTED"}
    status = {r["id"]: r["status"] for r in data["requirements"]}
    for rid in (
        "gmail.spf",
        "gmail.dkim",
        "gmail.dmarc",
        "gmail.alignment",
        "gmail.ptr",
        "gmail.one_click_unsubscribe",
        "gmail.message_id",
        "gmail.single_from",
        "yahoo.dmarc_pass",
        "outlook.spf",
        "outlook.dkim",
        "outlook.alignment",
    ):
        assert status[rid] == "pass", (rid, data["requirements"])
    assert status["gmail.tls"] == "unknown"
    assert code == 0


def test_cli_text_report_in_japanese(dns_server, cli_message, capsys):
    main(
        [
            "check",
            "--lang",
            "ja",
            "--sender-ip",
            "203.0.113.5",
            "--mail-from",
            "a@example.com",
            str(cli_message),
            "--nameserver",
            dns_server.address,
        ]
    )
    out = capsys.readouterr().out
    assert "SPF_FAIL" in out and "example.com は 203.0.113.5 からの送信を許可していません" in out
    assert "outlook.spf" in out and "5.7.515" in out


def test_draft_without_ip_leaves_spf_unknown_not_guessed(network_engine):
    report = network_engine.analyze(compose_message(from_="Good <news@good.example>"))
    status = {r.id: r for r in report.requirements}
    assert status["gmail.spf"].status == "unknown"
    assert "give the sending IP" in status["gmail.spf"].detail["en"]
    assert status["gmail.ptr"].status == "unknown"
    assert status["gmail.dmarc"].status == "pass"
    ids = report.finding_ids()
    assert "SPF_PASS" not in ids and "SPF_FAIL" not in ids and "DMARC_FAIL" not in ids


def test_advice_names_the_costly_includes_and_the_record_to_publish(network_engine):
    report = network_engine.analyze(compose_message(from_="Shop <news@manyincludes.example>"))
    data = report.to_dict("en")
    finding = {f["id"]: f for f in data["findings"]}
    assert "Cut 1 lookups" in finding["SPF_TOO_MANY_LOOKUPS"]["advice"]
    assert "include:i1.manyincludes.example (1)" in finding["SPF_TOO_MANY_LOOKUPS"]["advice"]
    assert (
        "v=DMARC1; p=none; rua=mailto:dmarc@manyincludes.example"
        in (finding["DMARC_MISSING"]["advice"])
    )


def test_timeouts_give_temperror_findings_within_the_deadline(dns_server):
    engine = Engine(network_settings(dns_server, dns_timeout_ms=300, dns_deadline_ms=1500))
    started = time.monotonic()
    report = engine.analyze(
        compose_message(from_="Shop <news@slow.example>"),
        delivery={"sender_ip": "192.0.2.1", "mail_from": "b@slow.example"},
    )
    elapsed = time.monotonic() - started
    ids = set(report.finding_ids())
    assert {"SPF_TEMPERROR", "DMARC_TEMPERROR", "DNS_TEMPERROR"} <= ids
    assert not ids & {"SPF_NONE", "DMARC_MISSING", "DNS_FROM_NO_MX", "DNS_FROM_NXDOMAIN"}
    assert all(report.get(i).score == 0 for i in ids if i.endswith("_TEMPERROR"))
    assert elapsed < 1.5 + 0.5, elapsed
    engine.close()


def test_servfail_gives_temperror_not_clean(network_engine):
    report = network_engine.analyze(
        compose_message(from_="Shop <news@servfail.example>"), delivery={"dkim_selector": "s1"}
    )
    ids = set(report.finding_ids())
    assert {"SPF_TEMPERROR", "DKIM_TEMPERROR", "DMARC_TEMPERROR", "DNS_TEMPERROR"} <= ids
    status = {r.id: r.status for r in report.requirements}
    assert status["gmail.dmarc"] == "unknown" and status["gmail.dkim"] == "unknown"


def test_offline_report_equals_online_apart_from_network_checks(network_engine):
    raw = (MESSAGES / "dkim_unsub_not_signed.eml").read_bytes()
    delivery = {"sender_ip": "192.0.2.1", "mail_from": "b@good.example"}
    online = network_engine.analyze(raw, delivery=delivery)
    offline = network_engine.analyze(raw, delivery=delivery, offline=True)
    network_checks = {c.name for c in network_engine.checks if c.network}
    network_ids = {rule.id for rule in network_engine.rules if rule.network}
    assert {s.check for s in offline.skipped if s.reason == "offline"} == network_checks
    assert not any(s.reason == "offline" for s in online.skipped)

    def local(report):
        return sorted(
            (f.id, f.score, f.evidence) for f in report.findings if f.id not in network_ids
        )

    assert local(offline) == local(online)
    assert {f.id for f in online.findings} & network_ids  # online did run them
    online_req = {r.id: r for r in online.requirements}
    for req in offline.requirements:
        if req.status == "unknown" and req.detail["en"].startswith("Not checked: offline"):
            continue
        assert req == online_req[req.id], req.id
    assert {r.id for r in offline.requirements} == set(online_req)


@pytest.mark.parametrize(
    "delivery",
    [
        {"sender_ip": "not-an-ip"},
        {"sender_ip": "999.1.1.1", "mail_from": "x@@"},
        {"mail_from": "<>", "helo": "good.example", "sender_ip": "192.0.2.1"},
        {"dkim_selector": "../../x y"},
    ],
)
def test_hostile_delivery_facts_never_error(network_engine, delivery):
    report = network_engine.analyze(compose_message(from_="a@good.example"), delivery=delivery)
    assert not [name for name, s in report.checks.items() if s["status"] == "error"]
    assert not [s for s in report.skipped if s.reason.startswith("error")]


def test_unparseable_signature_and_address_never_error(network_engine):
    for raw in (
        b"From: \r\n\r\n",
        b"DKIM-Signature: garbage\r\nFrom: a@good.example\r\n\r\nx",
        "From: a@bücher.example\r\n\r\nhi".encode(),
    ):
        report = network_engine.analyze(raw)
        assert not [n for n, s in report.checks.items() if s["status"] == "error"], raw


def test_dkim_none_scores_only_where_a_signature_was_due(network_engine):
    def none_score(**kwargs):
        headers = kwargs.pop("headers", None)
        report = network_engine.analyze(
            compose_message(from_="Good <news@good.example>", headers=headers), **kwargs
        )
        finding = report.get("DKIM_NONE")
        return finding.score if finding else None

    due = network_engine.rules.get("DKIM_NONE").score_for(None, "sent_unsigned")
    assert due > 0
    assert none_score() == 0  # a draft: the ESP signs when it sends
    assert none_score(delivery={"dkim_selector": "nokey"}) == due
    assert none_score(delivery={"dkim_selector": "s2048"}) is None
    assert none_score(delivery={"sender_ip": "203.0.113.5"}) == due  # it came over SMTP
    # Received lines are transit headers: they do not make a draft a sent message.
    assert none_score(headers={"Received": "from a by b; Thu, 15 Jan 2026 09:30:00 +0000"}) == 0
