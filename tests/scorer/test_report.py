"""The v1 report contract (ARCHITECTURE.md): names and types API users depend on."""

from __future__ import annotations

import json

from scorer.compose import compose_message
from scorer.report import REQUIREMENT_STATUSES, SEVERITIES, Report

V1_KEYS = {
    "version",
    "score",
    "threshold",
    "is_spam",
    "categories",
    "findings",
    "requirements",
    "classifier",
    "skipped",
    "elapsed_ms",
}
FINDING_KEYS = {"id", "category", "score", "severity", "title", "advice", "evidence"}


def _report(engine) -> Report:
    raw = compose_message(
        subject="FREE!!! WIN NOW!!!",
        html="<p>Click <a href='http://bit.ly/x'>here</a></p>",
        headers={"Message-ID": None},
    )
    return engine.analyze(raw, limits=engine.settings.limits.replace(max_urls=0))


def test_v1_fields_and_types(offline_engine):
    data = json.loads(_report(offline_engine).to_json())
    assert set(data) >= V1_KEYS
    assert data["version"] == 1
    assert isinstance(data["score"], float | int) and isinstance(data["threshold"], float)
    assert data["is_spam"] == (data["score"] >= data["threshold"])
    assert all(isinstance(v, float | int) for v in data["categories"].values())
    assert data["findings"], "this message must produce findings"
    for finding in data["findings"]:
        assert set(finding) >= FINDING_KEYS
        assert finding["severity"] in SEVERITIES
        assert finding["category"] in data["categories"]
        assert isinstance(finding["evidence"], list)
        assert finding["title"]
    for requirement in data["requirements"]:
        assert requirement["status"] in REQUIREMENT_STATUSES
    for skipped in data["skipped"]:
        assert set(skipped) >= {"check", "reason"}
    scores = [f["score"] for f in data["findings"]]
    assert scores == sorted(scores, reverse=True), "findings are ordered by impact"


def test_score_is_the_sum_of_capped_categories(offline_engine):
    report = _report(offline_engine)
    assert report.score == round(sum(report.categories.values()), 2)
    for name, total in report.categories.items():
        raw = sum(f.score for f in report.findings if f.category == name)
        category = offline_engine.rules.categories[name]
        expected = min(raw, category.cap) if category.cap is not None else raw
        assert total == round(expected, 2)


def test_texts_follow_the_language(offline_engine):
    report = _report(offline_engine)
    english = report.to_dict("en")["findings"]
    japanese = report.to_dict("ja")["findings"]
    assert [f["id"] for f in english] == [f["id"] for f in japanese]
    assert any(e["title"] != j["title"] for e, j in zip(english, japanese, strict=True))


def test_storage_round_trip_renders_the_same_report(offline_engine):
    report = _report(offline_engine)
    stored = json.loads(json.dumps(report.to_storage()))
    again = Report.from_storage(stored, offline_engine.rules)
    for lang in ("en", "ja"):
        assert again.to_dict(lang) == report.to_dict(lang)


def test_same_bytes_give_the_same_report(offline_engine):
    raw = compose_message(subject="Hello", text="See https://example.com/a", message_id="<a@b.c>")

    def stable(report: Report) -> dict:
        data = report.to_dict()
        data.pop("elapsed_ms")
        data.pop("checks")
        return data

    first = stable(offline_engine.analyze(raw))
    assert all(stable(offline_engine.analyze(raw)) == first for _ in range(3))
