"""The CJK prefilter skips only searches that cannot match."""

from __future__ import annotations

import pytest
import regex
from hypothesis import given, settings
from hypothesis import strategies as st

from scorer.prefilter import (
    CJK_RANGES,
    has_wide_char,
    needs_wide_char,
    required_literals,
    top_level_branches,
)
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


# Required literals, branches and windows: a long English alternation is searched only where
# one of its words is, and answers what the whole pattern answers.

_FAMILY = (
    r"(?:reply|send)[^.\n]{0,60}?with\s{1,20}remove\s{1,20}in\s{1,20}the\s{1,20}subject"
    r"|we\s{1,20}will\s{1,20}remove\s{1,20}you|in\s{1,20}compliance\s{1,20}with"
    r"|\bthis\s{1,20}is\s{1,20}not\s{1,20}spam\b"
)


def _family_rule():
    from scorer.rules import _rule

    text = {"en": "x", "ja": "x"}
    raw = {"id": "BODY_TEST_FAMILY", "score": 1.0, "check": "body", "flags": ["i"]}
    raw.update(pattern=_FAMILY, description=text, why=text, advice=text)
    return _rule(raw, "content", "test")


def test_required_literals_take_a_word_from_every_branch():
    groups = required_literals(r"sent\s+in\s+compliance\s+with|lenders?\s+compete", "i")
    assert groups == (("compete", "compliance"),)
    assert required_literals("Remove ME", "") == (("remove me",),)  # case-folded


def test_a_branch_without_a_word_proves_nothing():
    assert required_literals(r"compliance|\d+%", "i") is None
    assert required_literals(r"(?:spam)?\w+", "i") is None


def test_top_level_branches_split_only_at_the_top():
    assert top_level_branches(r"a(?:b|c)|[|x]d|e\|f") == ["a(?:b|c)", "[|x]d", r"e\|f"]
    assert top_level_branches(r"(?:a|b)c") is None


def test_a_long_family_alternation_is_split_into_windowed_branches():
    rule = _family_rule()
    assert len(rule.branches) == 4
    assert all(literals and width for _branch, literals, width in rule.branches)


@pytest.mark.parametrize(
    "text",
    [
        "x" * 9000 + " Please reply to this mail with REMOVE in the\nsubject. " + "y" * 9000,
        "filler words. " * 700 + "we will\nremove you",
        "In compliance with " + "z" * 8000,
        "nothing to see here. " * 600,
        "remove you " * 900 + "reply now with remove in the subject",
        "I know this is not spamming. " * 300 + "This is NOT spam.",
        "Straße " * 1000 + "this is not spam",  # folding changes the length: whole search
    ],
)
def test_rule_search_answers_what_the_whole_pattern_answers(text):
    rule = _family_rule()
    whole = rule.pattern.search(text)
    found = rule.search(text)
    assert (found is None) == (whole is None)
    if whole is not None:
        assert (found.start(), found.group(0)) == (whole.start(), whole.group(0))


def test_the_shipped_family_rules_match_their_evidence_in_long_mail():
    rules = load_rules()
    rule = rules.get("BODY_REMOVE_BY_REPLY")
    text = "Our catalogue. " * 800 + "To stop, reply with REMOVE in the subject line."
    assert rule.search(text) is not None
    assert rule.search("Our catalogue. " * 800) is None
