"""The classifier check: one scored bucket finding and the report's classifier section."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from scorer.checks.classifier import ML_IDS, bucket_for, buckets
from scorer.pipeline import Engine
from scorer.rules import load_rules
from scorer.settings import Settings

MESSAGES = Path(__file__).resolve().parents[2] / "data" / "messages"


def test_buckets_are_data_ordered_and_disjoint():
    rules = load_rules()
    found = buckets(rules)
    assert [rule.id for rule, _, _ in found] == list(ML_IDS)
    for (_, _, upper), (_, lower, _) in itertools.pairwise(found):
        assert upper <= lower
    assert found[-1][2] == 1.0
    assert bucket_for(1.0, rules).id == "ML_SPAM_99_100"
    assert bucket_for(0.0, rules).id == "ML_HAM_00_05"
    assert bucket_for(0.3, rules) is None
    scores = [rule.score for rule, _, _ in found]
    assert scores[0] < 0 < scores[1] < scores[2] < scores[3] < scores[4] <= 4.0


def test_spam_bucket_finding_and_report_section(offline_engine):
    report = offline_engine.analyze((MESSAGES / "classifier_text_get_rich_quick.eml").read_bytes())
    finding = report.get("ML_SPAM_99_100")
    assert finding is not None and finding.category == "classifier"
    assert finding.evidence[0].startswith("p(spam) = ")
    data = report.to_dict("en")
    section = data["classifier"]
    assert section["probability"] > 0.99
    assert section["bucket"] == "ML_SPAM_99_100"
    assert section["top_features"][0]["weight"] != 0
    assert {"feature", "weight", "source"} <= set(section["top_features"][0])
    assert data["categories"]["classifier"] == finding.score
    rendered = next(f for f in data["findings"] if f["id"] == "ML_SPAM_99_100")
    assert "%" in rendered["title"] and "{" not in rendered["advice"]
    ja = report.to_dict("ja")
    assert "スパム確率" in next(f for f in ja["findings"] if f["id"] == "ML_SPAM_99_100")["title"]


def test_legitimate_text_earns_the_negative_bucket(offline_engine):
    raw = (MESSAGES / "classifier_text_team_meeting_notes.eml").read_bytes()
    report = offline_engine.analyze(raw)
    finding = report.get("ML_HAM_00_05")
    assert finding is not None and finding.score < 0
    assert report.to_dict("en")["classifier"]["probability"] < 0.05


def test_switched_off_classifier_is_skipped_not_clean():
    engine = Engine(Settings(offline=True, use_classifier=False))
    report = engine.analyze((MESSAGES / "classifier_text_get_rich_quick.eml").read_bytes())
    assert not any(f.id.startswith("ML_") for f in report.findings)
    assert report.classifier is None
    assert any(s.check == "classifier" for s in report.skipped)


@pytest.mark.parametrize("raw", [b"", b"\x00\xff" * 100, b"Subject: x\n\n" + "日本語".encode()])
def test_hostile_input_never_breaks_the_check(offline_engine, raw):
    report = offline_engine.analyze(raw)
    assert report.checks["classifier"]["status"] == "ok"
