"""The rule loader refuses bad rule data with a message that names the file and rule."""

from __future__ import annotations

import textwrap

import pytest

from scorer.errors import RuleError
from scorer.rules import load_rules

GOOD = """
category: demo
cap: 3
description: {en: Demo, ja: デモ}
rules:
  - id: SUBJ_DEMO_SHOUT
    score: 2
    check: header
    header: Subject
    pattern: 'shout'
    flags: [i]
    description: {en: "Shouting in {where}", ja: "{where} で叫んでいます"}
    why: {en: Why., ja: 理由。}
    advice: {en: Stop., ja: やめてください。}
    examples:
      - {expect: hit, compose: {subject: SHOUT}}
      - {expect: miss, compose: {subject: calm}}
"""


def write(tmp_path, text: str, name: str = "demo.yaml"):
    (tmp_path / name).write_text(textwrap.dedent(text), encoding="utf-8")
    return tmp_path


def test_good_file_loads(tmp_path):
    rules = load_rules(write(tmp_path, GOOD))
    rule = rules.get("SUBJ_DEMO_SHOUT")
    assert rule is not None and rule.category == "demo" and rules.categories["demo"].cap == 3
    assert rule.text("description", "ja", {"where": "件名"}) == "件名 で叫んでいます"
    assert rule.text("description", "en", {}) == "Shouting in …"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("    check: header\n", "    check: header\n    colour: red\n"), "unknown keys"),
        (("pattern: 'shout'", "pattern: '(unclosed'"), "bad regex"),
        (("why: {en: Why., ja: 理由。}", "why: {en: Why.}"), "needs a non-empty 'ja'"),
        (("id: SUBJ_DEMO_SHOUT", "id: subj_demo"), "UPPER_SNAKE"),
        (("id: SUBJ_DEMO_SHOUT", "id: ZZZ_DEMO_SHOUT"), "must start with"),
        (("    score: 2\n", ""), "either score or grades"),
        (
            (
                '{en: "Shouting in {where}", ja: "{where} で叫んでいます"}',
                '{en: "Shouting in {where}", ja: "叫んでいます"}',
            ),
            "different placeholders",
        ),
        (("advice: {en: Stop., ja: やめてください。}", "references: []"), "advice: missing"),
        (("check: header", "check: telepathy"), "check must be one of"),
        (("flags: [i]", "flags: [q]"), "unknown regex flag"),
        (("category: demo", "category: other"), "must be 'demo'"),
        (
            ("{expect: miss, compose: {subject: calm}}", "{expect: maybe, compose: {}}"),
            "hit or miss",
        ),
    ],
)
def test_bad_data_is_refused(tmp_path, change, message):
    old, new = change
    assert old in GOOD
    with pytest.raises(RuleError, match=message):
        load_rules(write(tmp_path, GOOD.replace(old, new, 1)))


def test_duplicate_ids_are_refused(tmp_path):
    body = GOOD + GOOD.split("rules:\n", 1)[1]
    with pytest.raises(RuleError, match="declared twice"):
        load_rules(write(tmp_path, body))


def test_grades_must_increase(tmp_path):
    graded = GOOD.replace(
        "    score: 2\n", "    grades: [{min: 3, score: 1}, {min: 1, score: 2}]\n"
    )
    with pytest.raises(RuleError, match="increasing"):
        load_rules(write(tmp_path, graded))


def test_code_rules_need_a_check_and_checks_need_declared_ids(tmp_path):
    code = GOOD.replace(
        "    check: header\n    header: Subject\n    pattern: 'shout'\n    flags: [i]\n",
        "    check: code\n",
    )
    rules = load_rules(write(tmp_path, code))
    with pytest.raises(RuleError, match="no check emits it"):
        rules.validate_checks({}, complete=False)
    rules.validate_checks({"demo": ("SUBJ_DEMO_SHOUT",)}, complete=True)
    with pytest.raises(RuleError, match="which no rule file declares"):
        rules.validate_checks({"demo": ("SUBJ_DEMO_SHOUT", "SUBJ_UNDECLARED")}, complete=True)


def test_the_shipped_rules_load_and_cover_every_check():
    from scorer.pipeline import Engine
    from scorer.settings import Settings

    engine = Engine(Settings(offline=True))  # validates against every registered check
    assert len(engine.rules) > 0
