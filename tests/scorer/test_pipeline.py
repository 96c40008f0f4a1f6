"""The pipeline: caps, replacements, graded scores, failing and network checks, budget, size."""

from __future__ import annotations

import textwrap
import time

import pytest

from scorer import registry
from scorer.compose import compose_message
from scorer.errors import MessageTooLargeError
from scorer.pipeline import Engine
from scorer.registry import Hit, Skip
from scorer.rules import load_rules
from scorer.settings import Limits, Settings

RULES = """
category: demo
cap: 4
description: {en: Demo, ja: デモ}
rules:
  - id: BODY_DEMO_A
    score: 3
    check: code
    description: {en: A, ja: A}
    why: {en: A, ja: A}
    advice: {en: A, ja: A}
  - id: BODY_DEMO_B
    score: 2.5
    check: code
    description: {en: B, ja: B}
    why: {en: B, ja: B}
    advice: {en: B, ja: B}
  - id: BODY_DEMO_C
    score: 1
    check: code
    replaces: [BODY_DEMO_B]
    description: {en: C, ja: C}
    why: {en: C, ja: C}
    advice: {en: C, ja: C}
  - id: BODY_DEMO_GRADED
    grades: [{min: 2, score: 0.5}, {min: 5, score: 1.5}]
    check: code
    description: {en: G, ja: G}
    why: {en: G, ja: G}
    advice: {en: G, ja: G}
  - id: BODY_DEMO_BROKEN
    score: 1
    check: code
    description: {en: X, ja: X}
    why: {en: X, ja: X}
    advice: {en: X, ja: X}
  - id: BODY_DEMO_NET
    score: 1
    check: code
    network: true
    description: {en: N, ja: N}
    why: {en: N, ja: N}
    advice: {en: N, ja: N}
  - id: BODY_DEMO_SKIP
    score: 1
    check: code
    description: {en: S, ja: S}
    why: {en: S, ja: S}
    advice: {en: S, ja: S}
"""


@pytest.fixture
def demo_checks():
    """Register throwaway checks for this test only, and remove them afterwards."""
    registry.load_check_modules()
    before = dict(registry._CHECKS)
    seen = {}

    @registry.check("BODY_DEMO_A")
    def a(msg, ctx):
        return Hit(evidence=["a"]) if "alpha" in msg.plain_text else None

    @registry.check("BODY_DEMO_B")
    def b(msg, ctx):
        return Hit(evidence=["b"]) if "beta" in msg.plain_text else None

    @registry.check("BODY_DEMO_C")
    def c(msg, ctx):
        return Hit(evidence=["c"]) if "gamma" in msg.plain_text else None

    @registry.check("BODY_DEMO_GRADED")
    def graded(msg, ctx):
        return Hit(value=msg.plain_text.count("!"))

    @registry.check("BODY_DEMO_BROKEN")
    def broken(msg, ctx):
        raise RuntimeError("boom")

    @registry.check("BODY_DEMO_NET", network=True)
    def net(msg, ctx):
        seen["net"] = True
        return Hit()

    @registry.check("BODY_DEMO_SKIP")
    def skipper(msg, ctx):
        raise Skip("no sending IP given")

    yield seen
    registry._CHECKS.clear()
    registry._CHECKS.update(before)


def engine_for(tmp_path, **settings) -> Engine:
    (tmp_path / "demo.yaml").write_text(textwrap.dedent(RULES), encoding="utf-8")
    return Engine(Settings(**settings), rules=load_rules(tmp_path))


def ids(report):
    return report.finding_ids()


def test_category_cap_limits_the_total(tmp_path, demo_checks):
    report = engine_for(tmp_path, offline=True).analyze(compose_message(text="alpha beta"))
    assert set(ids(report)) >= {"BODY_DEMO_A", "BODY_DEMO_B"}
    assert report.categories["demo"] == 4.0 and report.capped["demo"] == {"raw": 5.5, "cap": 4.0}
    # BODY_DEMO_BROKEN always fails, so the report is inconclusive: scored 4.0, floored at 5.0
    assert report.incomplete["score_before_floor"] == 4.0


def test_a_rule_replaces_the_one_it_subsumes(tmp_path, demo_checks):
    report = engine_for(tmp_path, offline=True).analyze(compose_message(text="beta gamma"))
    assert "BODY_DEMO_C" in ids(report) and "BODY_DEMO_B" not in ids(report)


def test_graded_scores(tmp_path, demo_checks):
    engine = engine_for(tmp_path, offline=True)
    assert engine.analyze(compose_message(text="hi!")).get("BODY_DEMO_GRADED") is None
    assert engine.analyze(compose_message(text="hi!!!")).get("BODY_DEMO_GRADED").score == 0.5
    assert engine.analyze(compose_message(text="hi!!!!!!")).get("BODY_DEMO_GRADED").score == 1.5


def test_failing_and_skipping_checks_are_reported_not_raised(tmp_path, demo_checks):
    report = engine_for(tmp_path, offline=True).analyze(compose_message(text="alpha"))
    skipped = {s.check: s.reason for s in report.skipped}
    assert skipped["BODY_DEMO_BROKEN"].startswith("error: RuntimeError: boom")
    assert skipped["BODY_DEMO_SKIP"] == "no sending IP given"
    assert report.checks["BODY_DEMO_BROKEN"]["status"] == "error"
    assert "BODY_DEMO_A" in ids(report)
    # A check that failed left part of the message unjudged: never a clean verdict.
    assert report.verdict == "inconclusive" and report.is_spam
    assert report.incomplete["checks"] == ["BODY_DEMO_BROKEN"]


def test_network_checks_are_skipped_offline(tmp_path, demo_checks):
    report = engine_for(tmp_path, offline=True).analyze(compose_message())
    assert {"check": "BODY_DEMO_NET", "reason": "offline", "code": "offline"} in [
        s.to_dict() for s in report.skipped
    ]
    assert "net" not in demo_checks


def test_over_the_size_limit_is_refused(tmp_path, demo_checks):
    engine = engine_for(tmp_path, offline=True, limits=Limits(max_message_bytes=500))
    with pytest.raises(MessageTooLargeError, match="over the limit of 500 bytes"):
        engine.analyze(compose_message(text="x" * 1000))


def test_time_budget_skips_what_did_not_start(offline_engine):
    raw = compose_message(text="hello")
    report = offline_engine.analyze(
        raw, limits=offline_engine.settings.limits.replace(time_budget_ms=0)
    )
    finding = report.get("LIMIT_TIME_BUDGET")
    assert finding is not None and finding.score == 0
    assert {s.reason for s in report.skipped} - {"offline"} == {"time budget exceeded"}


def test_elapsed_is_measured(offline_engine):
    started = time.perf_counter()
    report = offline_engine.analyze(compose_message(text="hello"))
    assert 0 < report.elapsed_ms <= (time.perf_counter() - started) * 1000 + 1


def test_analyze_follows_the_settings_unless_the_caller_says_otherwise(monkeypatch, dns_server):
    """`scorer.analyze(raw)` is offline when SPAMSCORE_OFFLINE=1 says so; an explicit
    `offline=` wins either way (it used to default to online and ignore the setting)."""
    import scorer
    import scorer.pipeline as pipeline
    from scorer.compose import compose_message

    raw = compose_message(from_="Good <news@good.example>", subject="Hello", text="hi")
    monkeypatch.setenv("SPAMSCORE_NAMESERVERS", dns_server.address)
    monkeypatch.setenv("SPAMSCORE_CLASSIFIER", "0")
    for setting, asked, expect_offline in (
        ("1", None, True),
        ("0", None, False),
        ("1", False, False),
        ("0", True, True),
    ):
        monkeypatch.setenv("SPAMSCORE_OFFLINE", setting)
        monkeypatch.setattr(pipeline, "_DEFAULT_ENGINE", None)
        report = scorer.analyze(raw) if asked is None else scorer.analyze(raw, offline=asked)
        offline_skips = {s.check for s in report.skipped if s.reason == "offline"}
        assert ("spf" in offline_skips) is expect_offline, (setting, asked, report.skipped)
        assert report.checks["spf"]["status"] == ("skipped" if expect_offline else "ok")
        pipeline.default_engine().close()
