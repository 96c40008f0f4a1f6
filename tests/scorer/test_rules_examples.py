"""Every rule's hit/miss examples, run through the whole pipeline (one parametrized test)."""

from __future__ import annotations

import pytest

from scorer.examples import run_example
from scorer.rules import load_rules
from tests.conftest import MESSAGES

RULES = load_rules()
CASES = [
    pytest.param(rule, index, example, id=f"{rule.id}-{index}-{example.expect}")
    for rule in RULES
    for index, example in enumerate(rule.examples)
]


@pytest.mark.parametrize("rule", list(RULES), ids=lambda r: r.id)
def test_every_rule_has_a_hit_and_a_miss_example(rule):
    kinds = {example.expect for example in rule.examples}
    assert kinds == {"hit", "miss"}, f"{rule.id} needs at least one hit and one miss example"


@pytest.mark.parametrize(("rule", "index", "example"), CASES)
def test_rule_example(rule, index, example, request):
    if rule.network:
        engine = request.getfixturevalue("network_engine")
    else:
        engine = request.getfixturevalue("offline_engine")
    report, finding = run_example(engine, rule.id, example, MESSAGES)
    ids = report.finding_ids()
    if example.expect == "hit":
        assert finding is not None, f"{rule.id} did not fire; findings were {ids}"
        if example.score is not None:
            assert finding.score == pytest.approx(example.score)
        if example.evidence is not None:
            assert any(example.evidence in item for item in finding.evidence), finding.evidence
    else:
        assert finding is None, f"{rule.id} fired on its miss example: {finding}"
