"""The provider requirements checklist: data validation, statuses, unknown never guessed."""

from __future__ import annotations

import ast
import inspect

import pytest

from scorer.auth import facts as auth_facts
from scorer.checks import requirements
from scorer.compose import compose_message
from scorer.errors import RuleError
from scorer.requirement_specs import parse_catalogue
from scorer.rules import load_rules
from tests.conftest import MESSAGES

STATUSES = ("pass", "fail", "warn", "unknown")
EXPECTED_IDS = {
    f"gmail.{name}"
    for name in (
        "spf",
        "dkim",
        "dmarc",
        "alignment",
        "ptr",
        "one_click_unsubscribe",
        "message_id",
        "single_from",
    )
} | {
    "yahoo.spf",
    "yahoo.dkim",
    "yahoo.dmarc",
    "yahoo.one_click_unsubscribe",
    "outlook.spf",
    "outlook.dkim",
    "outlook.dmarc",
}


def test_requirement_data_is_complete():
    catalogue = load_rules().lists.requirements
    specs, details = catalogue.specs, catalogue.details
    ids = {spec.id for spec in specs}
    assert ids >= EXPECTED_IDS
    source = inspect.getsource(requirements) + inspect.getsource(auth_facts)
    keys = {
        node.elts[1].value
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Tuple)
        and len(node.elts) == 3
        and isinstance(node.elts[0], ast.Constant)
        and node.elts[0].value in STATUSES
        and isinstance(node.elts[1], ast.Constant)
        and node.elts[1].value not in STATUSES
    }
    assert {"spf.none", "dkim.pass", "ptr.none", "unsub.missing"} <= keys
    assert keys <= set(details), keys - set(details)


def test_bad_requirement_data_is_refused():
    with pytest.raises(RuleError, match="effective_from"):
        parse_catalogue(
            {
                "requirements": [
                    {
                        "id": "gmail.x",
                        "provider": "gmail",
                        "test": "spf_pass",
                        "title": {"en": "a", "ja": "b"},
                        "advice": {"en": "a", "ja": "b"},
                    }
                ],
                "details": {},
            }
        )
    with pytest.raises(RuleError, match="unknown keys"):
        parse_catalogue({"requirements": [{"id": "gmail.x", "colour": "red"}], "details": {}})


def _status(report):
    return {r.id: r for r in report.requirements}


def test_signed_aligned_message_from_a_good_ip_passes(network_engine):
    raw = (MESSAGES / "dkim_signed_aligned.eml").read_bytes()
    report = network_engine.analyze(
        raw,
        delivery={
            "sender_ip": "192.0.2.1",
            "mail_from": "bounce@good.example",
            "tls": True,
            "tls_version": "TLSv1.3",
        },
    )
    status = _status(report)
    failing = {k: v.detail["en"] for k, v in status.items() if v.status != "pass"}
    # every sender rule passes; the body-content rules note the missing visible link, and the
    # shared-Message-ID quota is judged across a batch only
    assert failing == {
        "gmail.visible_unsubscribe_link": "No unsubscribe link or wording in the body",
        "icloud.unsubscribe_link": "No unsubscribe link or wording in the body",
        "gmail.unique_message_id": "Checked across a batch: send the campaign's messages "
        "together to POST /api/v1/check/batch.",
    }
    assert {r.id for r in report.requirements if r.id.startswith("icloud.")} >= {
        "icloud.spf",
        "icloud.dkim",
        "icloud.dmarc",
        "icloud.ptr",
    }
    assert all(status[r].status == "pass" for r in ("icloud.spf", "icloud.dkim", "icloud.dmarc"))
    assert report.to_dict("en")["requirements_as_of"] == "2026-12-06"
    entry = report.to_dict("en")["requirements"][0]
    assert entry["effective_from"] and entry["sources"][0].startswith("https://")


def test_failures_carry_the_smtp_reply_and_both_languages(network_engine):
    report = network_engine.analyze(
        compose_message(from_="Shop <news@nospf.example>"), delivery={"sender_ip": "192.0.2.3"}
    )
    status = _status(report)
    assert status["gmail.spf"].status == "fail"
    assert "5.7.27" in status["gmail.spf"].smtp_reply
    assert status["outlook.spf"].smtp_reply.startswith("550; 5.7.515")
    assert status["gmail.dmarc"].status == "fail"
    assert status["gmail.ptr"].status == "fail"
    data = status["gmail.dmarc"].to_dict("ja")
    assert "DMARC レコードがありません" in data["detail"] and data["advice"]


def test_unknown_when_offline(offline_engine):
    report = offline_engine.analyze(
        compose_message(from_="Good <news@good.example>"), delivery={"sender_ip": "192.0.2.1"}
    )
    status = _status(report)
    for rid in (
        "gmail.spf",
        "gmail.dkim",
        "gmail.dmarc",
        "gmail.alignment",
        "gmail.ptr",
        "outlook.spf",
    ):
        assert status[rid].status == "unknown"
        assert "offline" in status[rid].detail["en"]
    assert status["gmail.message_id"].status == "pass"


@pytest.mark.parametrize(
    ("headers", "gmail", "yahoo"),
    [
        ({"List-Unsubscribe": "<mailto:u@good.example>"}, "fail", "pass"),
        (
            {
                "List-Unsubscribe": "<https://good.example/u>",
                "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            },
            "pass",
            "pass",
        ),
        ({"List-Unsubscribe": "<https://good.example/u>"}, "fail", "pass"),
        ({}, "fail", "fail"),
    ],
)
def test_one_click_unsubscribe(offline_engine, headers, gmail, yahoo):
    report = offline_engine.analyze(compose_message(headers=headers))
    status = _status(report)
    assert status["gmail.one_click_unsubscribe"].status == gmail
    assert status["yahoo.one_click_unsubscribe"].status == yahoo
    assert status["outlook.unsubscribe"].status == ("pass" if headers else "warn")


@pytest.mark.parametrize(
    ("headers", "message_id", "single_from"),
    [
        ({"Message-ID": "no-brackets"}, "fail", "pass"),
        ({"Message-ID": None}, "fail", "pass"),
        ({"From": "a@good.example, b@good.example"}, "pass", "fail"),
    ],
)
def test_header_requirements(offline_engine, headers, message_id, single_from):
    report = offline_engine.analyze(compose_message(headers=headers))
    status = _status(report)
    assert status["gmail.message_id"].status == message_id
    assert status["gmail.single_from"].status == single_from


def test_unsigned_draft_dkim_is_unknown_but_a_sent_message_fails(network_engine):
    draft = network_engine.analyze(compose_message(from_="Good <news@good.example>"))
    assert _status(draft)["gmail.dkim"].status == "unknown"
    # Sent: the delivery facts (the test inbox, or --sender-ip) say it came over SMTP.
    received = network_engine.analyze(
        compose_message(from_="Good <news@good.example>"),
        delivery={"sender_ip": "192.0.2.1", "helo": "mail.good.example"},
    )
    assert _status(received)["gmail.dkim"].status == "fail"
    keyed = network_engine.analyze(
        compose_message(from_="Good <news@good.example>"), delivery={"dkim_selector": "s2048"}
    )
    assert _status(keyed)["gmail.dkim"].status == "unknown"
    assert "2048 bits" in _status(keyed)["gmail.dkim"].detail["en"]
    weak = network_engine.analyze(
        compose_message(from_="Weak <news@weak.example>"), delivery={"dkim_selector": "s512"}
    )
    assert _status(weak)["gmail.dkim"].status == "fail"


def test_docomo_checks_spf_on_the_from_domain(network_engine):
    report = network_engine.analyze(
        compose_message(from_="Brand <news@nospf.example>"),
        delivery={"sender_ip": "192.0.2.1", "mail_from": "bounce@esp.example"},
    )
    status = _status(report)
    assert status["gmail.spf"].status == "pass"  # the envelope (ESP) domain passes
    assert status["docomo.spf_from"].status == "fail"  # the From domain has no SPF
    assert status["docomo.dmarc"].status == "fail"


def test_a_dmarc_record_in_test_mode_says_it_does_not_enforce(network_engine):
    report = network_engine.analyze(compose_message(from_="Shop <news@dmarctest.example>"))
    detail = {r.id: r.detail["en"] for r in report.requirements}["gmail.dmarc"]
    assert "t=y, test mode: applied as none" in detail
