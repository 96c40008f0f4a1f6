"""Issue 14's hostile messages through the whole engine: each returns a report within the time
budget + 1 s, and none reads as clean (the spam text before each bomb keeps it spam or makes it
inconclusive, which is never clean)."""

from __future__ import annotations

import time

import pytest

from scorer.compose import compose_message
from tests.support.hostile import HOSTILE, SPAM_TEXT, attribute_bomb

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("name", list(HOSTILE))
def test_a_hostile_message_is_answered_in_budget_and_never_clean(offline_engine, name):
    raw = HOSTILE[name]()
    budget_s = offline_engine.settings.limits.time_budget_ms / 1000
    started = time.monotonic()
    report = offline_engine.analyze(raw)
    took = time.monotonic() - started
    assert took < budget_s + 1.0, f"{name}: {took:.2f} s"
    assert report.is_spam, f"{name}: read as clean ({report.score})"
    assert report.verdict in ("spam", "inconclusive")
    data = report.to_dict()
    if report.verdict == "inconclusive":
        assert data["incomplete"]["limits"] or data["incomplete"]["checks"]
        assert report.score >= report.threshold
        assert "LIMIT_INCOMPLETE" in report.finding_ids()
        assert data["verdict"] == "inconclusive"


@pytest.mark.parametrize("count", [25_000, 90_000, 200_000])
def test_an_attribute_bomb_is_cut_before_the_parser_sees_it(offline_engine, count):
    report = offline_engine.analyze(attribute_bomb(count))
    assert report.verdict == "inconclusive"
    limit = report.get("LIMIT_HTML_ATTRIBUTES")
    assert limit is not None and f"{count} attributes" in limit.evidence[0]
    # what came before the bomb was read: the spam text is found
    assert "BODY_SPAM_PHRASES" in report.finding_ids()


def test_an_unfinished_analysis_of_clean_text_is_floored_at_the_threshold(offline_engine):
    """Without the floor, what was read decides: here a polite note read as 'not spam'."""
    polite = "<p>Hi Anna, the minutes of Tuesday's meeting are attached. Best, Tom</p>"
    bomb = " ".join(f"a{i}" for i in range(5_000))
    raw = compose_message(
        from_="Tom <tom@example.org>", subject="Minutes", html=f"{polite}<div {bomb}>{SPAM_TEXT}"
    )
    report = offline_engine.analyze(raw)
    assert report.incomplete["score_before_floor"] < report.threshold
    assert report.score == report.threshold and report.is_spam
    floor = report.get("LIMIT_INCOMPLETE")
    assert floor.score == pytest.approx(report.threshold - report.incomplete["score_before_floor"])
    assert sum(report.categories.values()) == pytest.approx(report.score)


def test_the_time_budget_covers_parsing(offline_engine):
    raw = compose_message(subject="Hello", html="<p>hi</p>")
    report = offline_engine.analyze(
        raw, limits=offline_engine.settings.limits.replace(time_budget_ms=0)
    )
    assert report.verdict == "inconclusive"
    assert "LIMIT_TIME_BUDGET" in report.incomplete["limits"]
    finding = report.get("LIMIT_TIME_BUDGET")
    assert any("before the message body was read" in e for e in finding.evidence)


def test_messages_of_blank_lines_cr_or_crlf_only_get_a_report(offline_engine):
    for raw in (b"\r", b"\r\n", b"\r\n" * 1000, b"\r" * 1000, b"\n\n\n"):
        report = offline_engine.analyze(raw)
        assert report.to_dict()["verdict"] in ("spam", "not_spam")


def test_ordinary_mail_stays_conclusive(offline_engine, fixture_bytes):
    for name in ("body_spam_phrases.eml", "dkim_signed_example_com.eml"):
        report = offline_engine.analyze(fixture_bytes(name))
        assert report.incomplete is None and report.verdict in ("spam", "not_spam")
        assert report.to_dict()["incomplete"] is None
