"""`fixes` and `score_if_fixed`, checked against re-scoring each report without those findings
(worked out here, independently of scorer.scoring), for every fixture message."""

from __future__ import annotations

from pathlib import Path

import pytest

from scorer.report import Report
from scorer.rules import RuleSet

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = sorted(
    [
        *(ROOT / "tests" / "data" / "messages").glob("*.eml"),
        *(ROOT / "tests" / "data" / "kinds").rglob("*.eml"),
        *(ROOT / "web" / "samples").glob("*.eml"),
    ]
)


def rescore(report: Report, without: set[str], rules: RuleSet) -> float:
    """The report's score without the findings `without`: per-category sums, then each
    category's cap and floor, as the rule files declare them; a category that needs
    corroboration (the classifier) and lacks it adds at most its corroboration cap, and never
    enough to reach the threshold on its own. Only findings whose rule `corroborates` count
    as corroboration (sender-software artefacts do not)."""
    sums: dict[str, float] = {}
    backing: dict[str, float] = {}
    for finding in report.findings:
        if finding.id not in without:
            sums[finding.category] = sums.get(finding.category, 0.0) + finding.score
            rule = rules.get(finding.id)
            if rule is None or rule.corroborates:
                backing[finding.category] = backing.get(finding.category, 0.0) + finding.score

    def bounded(name: str, value: float, cap: float | None) -> float:
        category = rules.categories[name]
        if category.cap is not None:
            cap = category.cap if cap is None else min(cap, category.cap)
        if cap is not None:
            value = min(value, cap)
        if category.floor is not None:
            value = max(value, category.floor)
        return round(value, 2)

    plain = {name: bounded(name, value, None) for name, value in sums.items()}
    backed = {name: bounded(name, value, None) for name, value in backing.items()}
    total = 0.0
    for name, value in sums.items():
        needs = rules.categories[name].corroboration
        if needs is None:
            total += plain[name]
            continue
        support = sum(
            max(0.0, v)
            for other, v in backed.items()
            if other != name and (not needs.sources or other in needs.sources)
        )
        rest = sum(v for other, v in plain.items() if other != name)
        cap = None
        if support < needs.needs:
            cap = min(needs.cap, max(0.0, round(report.threshold - rest - 0.01, 2)))
        total += bounded(name, value, cap)
    return round(total, 2)


def test_there_are_fixtures():
    assert len(FIXTURES) > 100


@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: str(p.relative_to(ROOT)))
def test_fixes_are_what_rescoring_without_them_gives(offline_engine, path):
    report = offline_engine.analyze(path.read_bytes())
    rules = offline_engine.rules
    data = report.to_dict("en")
    fixes = data["fixes"]
    assert rescore(report, set(), rules) == pytest.approx(report.score, abs=0.011)
    done: set[str] = set()
    previous = report.score
    for fix in fixes:
        ids = set(fix["ids"])
        assert fix["score_if_fixed"] == pytest.approx(rescore(report, ids, rules), abs=0.011)
        assert fix["gain"] == pytest.approx(report.score - fix["score_if_fixed"], abs=0.011)
        done |= ids
        assert fix["score_after"] == pytest.approx(rescore(report, done, rules), abs=0.011)
        assert fix["gain_in_order"] == pytest.approx(previous - fix["score_after"], abs=0.011)
        previous = fix["score_after"]
        assert fix["title"] and (fix["advice"] or fix["requirements"])
    # greedy: no later fix would have gained more at any earlier step
    gains = [f["gain_in_order"] for f in fixes]
    scored = [g for g, f in zip(gains, fixes, strict=True) if f["gain_in_order"] > 0]
    assert scored == sorted(scored, reverse=True) or _caps_explain(report, rules)
    # every scoring finding is in exactly one fix, grouped by its root cause
    positive = [f.id for f in report.findings if f.score > 0]
    listed = [i for fix in fixes for i in fix["ids"]]
    assert sorted(set(positive)) == sorted(set(listed) & set(positive))
    assert len(listed) == len(set(listed))
    causes = rules.lists.causes
    for fix in fixes:
        assert {causes.of_finding(i) for i in fix["ids"]} <= {fix["cause"]}
    # the headline counts the fixes needed to get under the threshold (and past providers)
    needed = sum(1 for f in fixes if f["needed"])
    assert data["headline"]["changes"] == needed
    if report.is_spam and data["headline"]["reachable"]:
        first = [f for f in fixes if f["needed"]]
        over = [f for f in first if f["score_after"] >= report.threshold]
        assert over == first[: len(over)]


def _caps_explain(report: Report, rules: RuleSet) -> bool:
    """Gains can rise along the order only where a capped category frees up."""
    return bool(report.capped)


def test_a_capped_category_is_shown_as_capped(offline_engine):
    raw = (ROOT / "web" / "samples" / "promo.eml").read_bytes()
    report = offline_engine.analyze(raw)
    data = report.to_dict("en")
    assert data["capped"]["links"] == {"raw": 7.0, "cap": 5.0}
    assert "Links: findings add up to 7.0, counted at most 5.0" in data["capped_note"]
    # a link fix alone gains nothing while the category stays over its cap
    shortener = next(f for f in data["fixes"] if "URI_SHORTENER" in f["ids"])
    assert shortener["gain"] == 0.0
    assert shortener["score_if_fixed"] == report.score


def test_every_cause_names_known_findings_and_outcomes(offline_engine):
    lists = offline_engine.rules.lists
    details = lists.requirements.details
    lists.causes.validate([r.id for r in offline_engine.rules], list(details))
    with pytest.raises(Exception, match="unknown finding ids or outcomes"):
        lists.causes.validate(["SPF_NONE"], list(details))
