"""scorer.phrases: a matcher of only Japanese phrases skips text with no Japanese in it."""

from __future__ import annotations

from scorer.phrases import PhraseMatcher, normalize


def test_japanese_only_matcher_finds_japanese_and_skips_other_text() -> None:
    matcher = PhraseMatcher([("今すぐ登録", 2.0, "urgency"), ("無料", 1.0, "free")])
    assert matcher._wide_only
    assert set(matcher.find(normalize("本日限り、今すぐ登録で無料です"))) == {"今すぐ登録", "無料"}
    assert matcher.find(normalize("Register now, it's free ✨ café")) == {}


def test_mixed_matcher_reads_every_text() -> None:
    matcher = PhraseMatcher([("無料", 1.0, "free"), ("act now", 1.0, "urgency")])
    assert not matcher._wide_only
    assert set(matcher.find(normalize("Please ACT NOW"))) == {"act now"}
    assert set(matcher.find(normalize("完全無料 act now"))) == {"無料", "act now"}
