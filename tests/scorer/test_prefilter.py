"""The CJK prefilter skips only searches that cannot match."""

from __future__ import annotations

import pytest
import regex
from hypothesis import given, settings
from hypothesis import strategies as st

from scorer.prefilter import CJK_RANGES, has_wide_char, needs_wide_char
from scorer.rules import load_rules


@pytest.mark.parametrize(
    "pattern",
    [
        "賞金が当た",
        r"\d+(?:億|千万)円",
        "[ぁ-ん]+",
        "本人確認|アカウント",
        "(?:お客様)+の",
        "[\u3000-\u30ff]",
        "(?i)ＡＢＣ",
        "(?:賞金)?当たり?",  # the optional parts do not matter: 当 is required
        "賞金*",  # 賞 is required
    ],
)
def test_patterns_whose_every_match_holds_cjk_are_prefiltered(pattern):
    assert needs_wide_char(pattern)


@pytest.mark.parametrize(
    "pattern",
    [
        "ADV:",
        "賞金|prize",  # one branch is ASCII
        "(?:賞金)?",  # optional
        "(?:賞金)*",  # zero or more
        "[^a]",  # a negated set matches narrow characters
        "[a-zぁ]",  # a set with narrow members
        r"\p{Han}",  # regex-module syntax the stdlib parser rejects: no prefilter
        r"\w+",
        "🎉+",  # emoji are not CJK: a newsletter's 🎉 must not count as Japanese
        "[\u3000-\U0001f600]",  # a range that reaches past the CJK blocks
        "(",  # not a pattern at all
    ],
)
def test_patterns_that_may_match_narrow_text_are_not(pattern):
    assert not needs_wide_char(pattern)


def test_has_wide_char_answers_each_text_not_the_last_one():
    assert has_wide_char("本日のお知らせ")
    assert not has_wide_char("plain English text")
    assert has_wide_char("mixed テキスト")
    assert not has_wide_char("")
    assert not has_wide_char("Our summer sale 🎉 starts now ☀️ – don’t miss it")
    assert has_wide_char("full-width ＳＡＬＥ")


_PREFILTERED = [r for r in load_rules().rules.values() if r.needs_wide]


def test_the_japanese_pattern_rules_are_prefiltered():
    ids = {r.id for r in _PREFILTERED}
    assert {"BODY_JA_WINDFALL", "BODY_JA_ACCOUNT_SUSPEND", "BODY_JA_ADULT"} <= ids
    assert "SUBJ_ADV_LABEL" not in ids


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(max_codepoint=0x2FFF), max_size=200))
def test_no_prefiltered_rule_matches_text_without_cjk(text):
    for rule in _PREFILTERED:
        assert rule.pattern.search(text) is None
        assert rule.search(text) is None


_NOT_CJK = st.characters(blacklist_categories=("Cs",)).filter(
    lambda c: not any(low <= ord(c) <= high for low, high in CJK_RANGES)
)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=_NOT_CJK, max_size=200))
def test_no_prefiltered_rule_matches_text_with_emoji_but_no_cjk(text):
    assert not has_wide_char(text)
    for rule in _PREFILTERED:
        assert rule.pattern.search(text) is None
        assert rule.search(text) is None


def test_prefiltered_rules_still_match_their_japanese_text():
    rule = next(r for r in _PREFILTERED if r.id == "BODY_JA_WINDFALL")
    assert rule.search("当選金の受け取りに手数料が必要です") is not None
    assert isinstance(rule.pattern, regex.Pattern)
